//! The nursing homes of a policy plan (`[policy.homes]`): the sites that are 敬老院 become a
//! [`HomesProblem`] once the coverage plan has placed the town and care centres (a centre
//! built in a home keeps it, 002 §2(3); the open care centres take residents and the care
//! demand), and its plan comes back per home, per care centre and per relocation.

use super::Inputs;
use super::outcome::SiteStatus;
use crate::coverage;
use crate::error::{Error, Result};
use crate::model::{Condition, Site, SiteId};
use crate::network::{Mode, Snap};
use crate::pipeline::NURSING_HOME;
use crate::policy::homes::{Home, HomesProblem, Merge, Place, Unhoused};
use crate::scenario::{Homes, MergeRule};

/// One nursing home in the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct HomeResult {
    pub site: SiteId,
    /// `Kept` (meets the standard), `Upgraded` (改造提升) or `Closed` (merged, 撤并).
    pub status: SiteStatus,
    pub condition: Option<Condition>,
    pub occupancy: f64,
    /// Whether it meets the scenario's merging criteria.
    pub merge_candidate: bool,
    /// Whether its town's centre stands in it.
    pub hosts_centre: bool,
    /// Beds before the plan and added (补建).
    pub beds: f64,
    pub beds_added: f64,
    pub residents_before: f64,
    /// Residents after the plan (its own, if kept, and those moved in).
    pub residents: f64,
    /// Staff at the scenario's ratio (1 : 10) for the residents after the plan.
    pub staff: f64,
    /// Upgrade and added beds.
    pub cost: f64,
    /// The year its upgrade, beds or merger are done (`None`: kept as it is).
    pub year: Option<i32>,
}

/// A county care centre's beds after the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct CareResult {
    pub site: SiteId,
    /// Beds: its own (`beds` column), or sized to what it takes.
    pub beds: f64,
    pub sized: bool,
    /// Disabled special-hardship elders placed there (care demand) and moved residents.
    pub care_residents: f64,
    pub moved_in: f64,
    /// Nursing-type beds at the scenario's share (≥ 80 %, 000 §2(1)).
    pub nursing_beds: f64,
    /// Staff at 1 : 3.
    pub staff: f64,
}

/// Residents moved from a merged home.
#[derive(Clone, Debug, PartialEq)]
pub struct Relocation {
    pub from: SiteId,
    pub to: SiteId,
    pub residents: f64,
    pub minutes: f64,
}

/// The homes part of a policy plan.
#[derive(Clone, Debug, PartialEq)]
pub struct HomesOutcome {
    pub homes: Vec<HomeResult>,
    pub care: Vec<CareResult>,
    pub relocations: Vec<Relocation>,
    /// Care demand (beds wanted) and the part of it no care centre can be reached from.
    pub care_demand: f64,
    pub care_unplaced: f64,
    pub cost: f64,
    pub person_minutes: f64,
    pub proven: bool,
    /// Wall time of the homes' part: travel times between homes and care centres, and the
    /// model (reported as its own stage of the run).
    pub seconds: f64,
}

impl HomesOutcome {
    pub fn n(&self, status: SiteStatus) -> usize {
        self.homes.iter().filter(|h| h.status == status).count()
    }
}

/// Whether a site is an existing nursing home.
pub(super) fn is_home(site: &Site) -> bool {
    site.existing && site.facility.as_deref() == Some(NURSING_HOME)
}

fn occupancy(site: &Site) -> f64 {
    site.home
        .occupancy
        .unwrap_or_else(|| match (site.home.beds, site.home.residents) {
            (Some(b), Some(r)) if b > 0.0 => r / b,
            _ => 0.0,
        })
}

/// Whether the merging rule closes this home whatever the plan (its site is then no
/// candidate for any tier).
pub(super) fn forced_merge(cfg: &Homes, site: &Site) -> bool {
    is_home(site)
        && cfg.merge == MergeRule::Force
        && cfg.meets_merge_criteria(site.home.condition, occupancy(site))
}

/// Builds and solves the homes' model; `centres` are the sites of the town centres open at
/// the end, `care` those of the county care centres.
pub(super) fn plan(
    inp: &Inputs,
    cfg: &Homes,
    centres: &[SiteId],
    care: &[SiteId],
) -> Result<HomesOutcome> {
    let clock = std::time::Instant::now();
    let sc = inp.scenario;
    let ids: Vec<SiteId> = (0..inp.sites.len() as u32)
        .map(SiteId)
        .filter(|s| is_home(&inp.sites[s.index()]))
        .collect();
    let mut homes = Vec::new();
    for &s in &ids {
        let site = &inp.sites[s.index()];
        let field = |f: &str| format!("site `{}`, field `{f}`", site.key);
        let beds = site.home.beds.ok_or_else(|| {
            Error::input(
                &sc.sites,
                field("beds"),
                "a nursing home needs its beds ([policy.homes] plans them)",
            )
        })?;
        let residents = site.home.residents.ok_or_else(|| {
            Error::input(
                &sc.sites,
                field("residents"),
                "a nursing home needs its residents (0 if none)",
            )
        })?;
        let criteria = cfg.meets_merge_criteria(site.home.condition, occupancy(site));
        let merge = if centres.contains(&s) {
            Merge::Never
        } else {
            match (criteria, cfg.merge) {
                (false, _) => Merge::Never,
                (true, MergeRule::Allow) => Merge::May,
                (true, MergeRule::Force) => Merge::Must,
            }
        };
        let keep_cost = if cfg.needs_upgrade(site.home.condition) {
            site.home.upgrade_cost.unwrap_or(cfg.upgrade_cost)
        } else {
            0.0
        };
        homes.push(Home {
            beds,
            residents,
            keep_cost,
            merge,
        });
    }
    // Drive minutes from each home to every other home and care centre within the radius.
    let snaps = &inp.site_snaps[&Mode::Drive];
    let from: Vec<Option<Snap>> = ids.iter().map(|s| snaps[s.index()]).collect();
    let places: Vec<(Place, SiteId)> = (0..ids.len())
        .map(|k| (Place::Home(k), ids[k]))
        .chain(care.iter().enumerate().map(|(c, &s)| (Place::Care(c), s)))
        .collect();
    let to: Vec<Option<Snap>> = places.iter().map(|(_, s)| snaps[s.index()]).collect();
    let tt = coverage::travel_times(inp.network, Mode::Drive, &from, &to, cfg.radius_s, &|| {});
    let moves: Vec<Vec<(Place, f64)>> = (0..ids.len())
        .map(|h| {
            tt.reach[h]
                .iter()
                .filter(|(p, _)| places[p.index()].1 != ids[h])
                .map(|&(p, t)| (places[p.index()].0, t / 60.0))
                .collect()
        })
        .collect();
    // Care demand: each village's disabled special-hardship elders × the take-up rate.
    let wanted = care_wanted(inp, cfg)?;
    let care_snaps: Vec<Option<Snap>> = care.iter().map(|s| snaps[s.index()]).collect();
    let to_villages = coverage::travel_times(
        inp.network,
        Mode::Drive,
        &care_snaps,
        &inp.village_snaps[&Mode::Drive],
        f64::INFINITY,
        &|| {},
    );
    let mut reach: Vec<Vec<(usize, f64)>> = vec![Vec::new(); inp.villages.len()];
    for (c, list) in to_villages.reach.iter().enumerate() {
        for &(v, t) in list {
            reach[v.index()].push((c, t / 60.0));
        }
    }
    let mut groups = Vec::new();
    let mut unplaced = 0.0;
    for (v, &d) in wanted.iter().enumerate() {
        if d <= 0.0 {
            continue;
        }
        if reach[v].is_empty() {
            unplaced += d;
        } else {
            groups.push((d, std::mem::take(&mut reach[v])));
        }
    }
    let problem = HomesProblem {
        homes,
        care_beds: care
            .iter()
            .map(|s| inp.sites[s.index()].home.beds)
            .collect(),
        moves,
        care_demand: groups,
        cost_per_bed: cfg.cost_per_bed,
        budget: cfg.budget,
    };
    let plan = problem
        .solve(inp.policy.time_limit_s)
        .map_err(|why| Error::Infeasible(explain(inp, cfg, &ids, why)))?;
    debug_assert!(problem.check(&plan).is_ok());
    let (held, care_held) = problem.occupancy(&plan);
    let homes = ids
        .iter()
        .enumerate()
        .map(|(h, &s)| {
            let site = &inp.sites[s.index()];
            let home = &problem.homes[h];
            let status = match (plan.kept[h], cfg.needs_upgrade(site.home.condition)) {
                (false, _) => SiteStatus::Closed,
                (true, true) => SiteStatus::Upgraded,
                (true, false) => SiteStatus::Kept,
            };
            let cost = if plan.kept[h] { home.keep_cost } else { 0.0 }
                + cfg.cost_per_bed.unwrap_or(0.0) * plan.beds_added[h];
            let acts = status != SiteStatus::Kept || plan.beds_added[h] > 0.0;
            HomeResult {
                site: s,
                status,
                condition: site.home.condition,
                occupancy: occupancy(site),
                merge_candidate: cfg.meets_merge_criteria(site.home.condition, occupancy(site)),
                hosts_centre: centres.contains(&s),
                beds: home.beds,
                beds_added: plan.beds_added[h],
                residents_before: home.residents,
                residents: held[h],
                staff: (held[h] / cfg.home_staff_ratio).ceil(),
                cost,
                year: acts.then_some(cfg.by_year),
            }
        })
        .collect();
    let care_results = care
        .iter()
        .enumerate()
        .map(|(c, &s)| {
            let moved_in: f64 = plan
                .moves
                .iter()
                .filter(|f| f.to == Place::Care(c))
                .map(|f| f.amount)
                .sum();
            let own = problem.care_beds[c];
            let beds = own.unwrap_or_else(|| (care_held[c] - 1e-9).ceil().max(0.0));
            CareResult {
                site: s,
                beds,
                sized: own.is_none(),
                care_residents: care_held[c] - moved_in,
                moved_in,
                nursing_beds: (cfg.care_nursing_share * beds - 1e-9).ceil().max(0.0),
                staff: (care_held[c] / cfg.care_staff_ratio - 1e-9).ceil().max(0.0),
            }
        })
        .collect();
    let relocations = plan
        .moves
        .iter()
        .map(|f| Relocation {
            from: ids[f.from],
            to: match f.to {
                Place::Home(k) => ids[k],
                Place::Care(c) => care[c],
            },
            residents: f.amount,
            minutes: f.minutes,
        })
        .collect();
    Ok(HomesOutcome {
        homes,
        care: care_results,
        relocations,
        care_demand: wanted.iter().sum(),
        care_unplaced: unplaced,
        cost: plan.cost,
        person_minutes: plan.person_minutes,
        proven: plan.proven,
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// Beds wanted in a care centre per village: `care_column` × `care_take_up` (none without a
/// take-up rate).
fn care_wanted(inp: &Inputs, cfg: &Homes) -> Result<Vec<f64>> {
    let Some(rate) = cfg.care_take_up else {
        return Ok(vec![0.0; inp.villages.len()]);
    };
    let column = &cfg.care_column;
    inp.villages
        .iter()
        .map(|v| {
            let place = || format!("village `{}`, field `{column}`", v.key);
            let raw = v.extra.iter().find(|(c, _)| c == column).map(|(_, x)| x.trim());
            match raw {
                None => Err(Error::input(
                    &inp.scenario.villages,
                    place(),
                    format!("[policy.homes] `care_take_up` needs the column `{column}` (disabled special-hardship elders, 失能特困人员)"),
                )),
                Some("") => Ok(0.0),
                Some(x) => match x.parse::<f64>() {
                    Ok(n) if (0.0..=v.elders.max(0.0) + 1e-9).contains(&n) => Ok(rate * n),
                    _ => Err(Error::input(
                        &inp.scenario.villages,
                        place(),
                        format!("`{x}` is not a number from 0 to the village's elders ({})", v.elders),
                    )),
                },
            }
        })
        .collect()
}

/// Why the homes cannot be planned, naming the sites.
fn explain(inp: &Inputs, cfg: &Homes, ids: &[SiteId], why: Unhoused) -> String {
    let key = |h: usize| &inp.sites[ids[h].index()].key;
    match why {
        Unhoused::NoPlace { home } => format!(
            "nursing home `{}` is to be merged, but no other home or care centre lies within {} minutes' drive ([policy.homes] radius_min)",
            key(home),
            cfg.radius_s / 60.0
        ),
        Unhoused::Budget { least, budget } => format!(
            "upgrading the nursing homes that must be kept costs {least}, over the homes budget {budget} ([policy.homes] budget)"
        ),
        Unhoused::Beds { needed, free } => format!(
            "merged homes' residents and the care demand need {needed} beds, but at most {free} are free and no beds may be added (set [policy.homes] cost_per_bed)"
        ),
        Unhoused::NoCare { demand } => format!(
            "{demand} disabled special-hardship elders want a care-centre bed, but the plan opens no care centre"
        ),
        Unhoused::Combination => "no plan houses every resident of the merged nursing homes and the care demand within the beds, the relocation radius and the homes budget together: widen radius_min, allow added beds (cost_per_bed) or raise the budget".into(),
    }
}
