//! Explanations after the solve: why a village is not served, where a closed site's users go.

use super::{Inputs, NotBuilt, PlannedSite, SiteStatus, Unserved};
use crate::coverage;
use crate::model::{SiteId, TownKind};
use crate::network::{Mode, Snap};
use crate::policy::{PolicyProblem, PolicySolution};
use crate::scenario::{Role, Tier};
use std::collections::HashMap;

/// The serving facilities reaching one village, with their travel times (seconds).
type Reaching = Vec<(usize, f64)>;

/// Why a village is not served: off the network, no candidate within the radius, or what
/// kept its nearest candidate closed (the town's centre is elsewhere, the point cannot be
/// linked to it, or the budget). Built once for all villages: the serving facilities within
/// reach of each village (per serving mode and radius) and each town's open centre, so that
/// a county of 100,000 villages is not searched once per unserved village.
pub(super) struct Reasons<'a> {
    problem: &'a PolicyProblem,
    fac_site: &'a [(usize, SiteId)],
    inp: &'a Inputs<'a>,
    /// (mode, radius) → for each village, the serving facilities reaching it.
    near: HashMap<(Mode, u64), Vec<Reaching>>,
    /// Each town's open centre.
    open_centre: Vec<Option<usize>>,
}

impl<'a> Reasons<'a> {
    pub(super) fn new<'t>(
        problem: &'a PolicyProblem,
        solution: &PolicySolution,
        fac_site: &'a [(usize, SiteId)],
        inp: &'a Inputs<'a>,
        serve_tiers: impl Iterator<Item = &'t Tier>,
    ) -> Self {
        let mut near = HashMap::new();
        for tier in serve_tiers {
            let key = (tier.mode, tier.radius_s.to_bits());
            if near.contains_key(&key) {
                continue;
            }
            let mut by_village = vec![Vec::new(); inp.villages.len()];
            for (f, fac) in problem.facilities.iter().enumerate() {
                if fac.serving() {
                    for (u, t) in inp.times[&tier.mode].reach(fac_site[f].1, tier.radius_s) {
                        by_village[u.index()].push((f, t));
                    }
                }
            }
            near.insert(key, by_village);
        }
        let mut open_centre = vec![None; problem.n_towns];
        for (c, fac) in problem.facilities.iter().enumerate() {
            if let (Role::Town, Some(t), Some(_)) = (fac.role, fac.town, solution.open_from[c]) {
                open_centre[t].get_or_insert(c);
            }
        }
        Self {
            problem,
            fac_site,
            inp,
            near,
            open_centre,
        }
    }

    /// Why village `v`, served by `serve_tier` in a township of `kind`, is not served.
    pub(super) fn why(&self, v: usize, serve_tier: Option<&Tier>, kind: TownKind) -> Unserved {
        let (problem, inp) = (self.problem, self.inp);
        let Some(serve_tier) = serve_tier else {
            return Unserved::NoTier { kind };
        };
        if inp.village_snaps[&serve_tier.mode][v].is_none() {
            return Unserved::OffNetwork {
                mode: serve_tier.mode,
            };
        }
        let near = &self.near[&(serve_tier.mode, serve_tier.radius_s.to_bits())][v];
        // Only candidates the rules let serve it: its own points, its centre, or for an exempt
        // village any point or centre within reach.
        let nearest = near
            .iter()
            .copied()
            .filter(|&(f, _)| {
                problem.facilities[f]
                    .serves
                    .binary_search(&(v as u32))
                    .is_ok()
            })
            .min_by(|a, b| {
                let town = |f: usize| problem.facilities[f].role == Role::Town;
                a.1.total_cmp(&b.1)
                    .then(town(a.0).cmp(&town(b.0)))
                    .then(a.0.cmp(&b.0))
            });
        let Some((f, t)) = nearest else {
            if !near.is_empty()
                && !inp.policy.shared_points
                && serve_tier.share_below_elders.is_none()
            {
                return Unserved::NoOwnCandidate {
                    minutes: serve_tier.radius_s / 60.0,
                };
            }
            return Unserved::NoCandidate {
                minutes: serve_tier.radius_s / 60.0,
            };
        };
        let site = |f: usize| self.fac_site[f].1;
        let fac = &problem.facilities[f];
        let centre = fac.town.and_then(|t| self.open_centre[t]);
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
