//! Explanations after the solve: why a village is not served, where a closed site's users go.

use super::{Inputs, NotBuilt, PlannedSite, SiteStatus, Unserved};
use crate::coverage;
use crate::model::{SiteId, TownKind};
use crate::network::{Mode, Snap};
use crate::policy::{PolicyProblem, PolicySolution};
use crate::scenario::{Role, Tier};

/// Why village `v` is not served: off the network, no candidate within the radius, or what
/// kept its nearest candidate closed (the town's centre is elsewhere, the point cannot be
/// linked to it, or the budget).
#[allow(clippy::too_many_arguments)]
pub(super) fn unserved_reason(
    v: usize,
    serve_tier: Option<&Tier>,
    kind: TownKind,
    problem: &PolicyProblem,
    solution: &PolicySolution,
    fac_site: &[(usize, SiteId)],
    inp: &Inputs,
) -> Unserved {
    let Some(serve_tier) = serve_tier else {
        return Unserved::NoTier { kind };
    };
    if inp.village_snaps[&serve_tier.mode][v].is_none() {
        return Unserved::OffNetwork {
            mode: serve_tier.mode,
        };
    }
    let reach = |f: usize| inp.times[&serve_tier.mode].reach(fac_site[f].1, serve_tier.radius_s);
    // Only candidates the rules let serve it: its own points, its centre, or for an exempt
    // village any point or centre within reach.
    let nearest = (0..problem.facilities.len())
        .filter(|&f| {
            problem.facilities[f].serving()
                && problem.facilities[f]
                    .serves
                    .binary_search(&(v as u32))
                    .is_ok()
        })
        .filter_map(|f| {
            reach(f)
                .into_iter()
                .find(|(u, _)| u.index() == v)
                .map(|(_, t)| (f, t))
        })
        .min_by(|a, b| {
            let town = |f: usize| problem.facilities[f].role == Role::Town;
            a.1.total_cmp(&b.1)
                .then(town(a.0).cmp(&town(b.0)))
                .then(a.0.cmp(&b.0))
        });
    let Some((f, t)) = nearest else {
        let any_near = (0..problem.facilities.len()).any(|f| {
            problem.facilities[f].serving() && reach(f).iter().any(|(u, _)| u.index() == v)
        });
        if any_near && !inp.policy.shared_points && serve_tier.share_below_elders.is_none() {
            return Unserved::NoOwnCandidate {
                minutes: serve_tier.radius_s / 60.0,
            };
        }
        return Unserved::NoCandidate {
            minutes: serve_tier.radius_s / 60.0,
        };
    };
    let site = |f: usize| fac_site[f].1;
    let fac = &problem.facilities[f];
    let centre = (0..problem.facilities.len()).find(|&c| {
        problem.facilities[c].role == Role::Town
            && problem.facilities[c].town == fac.town
            && solution.open_from[c].is_some()
    });
    let why = match (fac.role, centre) {
        _ if problem.weights[v] == 0.0 => NotBuilt::NoElders,
        (Role::Town, Some(c)) => NotBuilt::OtherCentre { centre: site(c) },
        (Role::Village, Some(c)) if fac.needs_link && !fac.links.contains(&c) => {
            NotBuilt::CannotLink { centre: site(c) }
        }
        (Role::Village, None) if fac.needs_link => NotBuilt::NoCentre,
        _ if fac.due + 1 < problem.n_years() => NotBuilt::BudgetBy {
            year: inp.policy.years[fac.due].0,
        },
        _ => NotBuilt::Budget,
    };
    Unserved::Nearest {
        site: site(f),
        minutes: t / 60.0,
        why,
    }
}

/// Points closed sites to the nearest open site of their tier (by travel time in `mode`, or
/// straight-line distance where the network does not connect them).
pub(super) fn relocate(
    inp: &Inputs,
    planned: &mut [PlannedSite],
    mode_of: &dyn Fn(&PlannedSite) -> Mode,
) {
    let closed: Vec<usize> = (0..planned.len())
        .filter(|&i| planned[i].status == SiteStatus::Closed)
        .collect();
    for i in closed {
        let mode = mode_of(&planned[i]);
        let snaps = &inp.site_snaps[&mode];
        let kept: Vec<usize> = (0..planned.len())
            .filter(|&j| {
                planned[j].tier == planned[i].tier && planned[j].status != SiteStatus::Closed
            })
            .collect();
        if kept.is_empty() {
            continue;
        }
        let targets: Vec<Option<Snap>> = kept
            .iter()
            .map(|&j| snaps[planned[j].site.index()])
            .collect();
        let tt = coverage::travel_times(
            inp.network,
            mode,
            &[snaps[planned[i].site.index()]],
            &targets,
            4.0 * 3600.0,
            &|| {},
        );
        let nearest = tt.reach[0]
            .iter()
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|&(k, t)| (planned[kept[k.index()]].site, t / 60.0));
        planned[i].moved_to = nearest;
    }
}
