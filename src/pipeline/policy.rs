//! The policy path of [`super::solve`]: travel times → [`PolicyProblem`] → a plan per site
//! (tier, status, build year) and per village (how it is served, or why not).

use super::{TierPlan, Times};
use crate::coverage;
use crate::error::{Error, Result};
use crate::model::{Site, SiteId, TownKind, Village, VillageId};
use crate::network::{Mode, RoadNetwork, Snap};
use crate::policy::{self, CountyRule, Facility, PolicyProblem, PolicySolution};
use crate::scenario::{BudgetPays, Policy, Role, Scenario, Subsidy, Tier};
use crate::solve::Solution;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a site is in the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteStatus {
    /// An existing facility that stays (its tier may not close facilities).
    Existing,
    /// An existing facility the plan chose to keep.
    Kept,
    /// An existing facility of another kind (e.g. a nursing home) turned into this tier.
    Upgraded,
    /// Built new.
    New,
    /// An existing facility merged into the nearest kept one (撤并).
    Closed,
}

impl SiteStatus {
    pub fn name(self) -> &'static str {
        match self {
            SiteStatus::Existing => "existing",
            SiteStatus::Kept => "kept",
            SiteStatus::Upgraded => "upgraded",
            SiteStatus::New => "new",
            SiteStatus::Closed => "closed",
        }
    }
}

/// One site of one tier in the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedSite {
    /// Index of the tier in the scenario.
    pub tier: usize,
    pub site: SiteId,
    pub status: SiteStatus,
    /// Plan year in which it is built or upgraded (`None`: it existed).
    pub build_year: Option<i32>,
    /// Estimated construction or upgrade cost.
    pub cost: f64,
    /// Construction subsidy its township receives for it (`[policy.subsidy]`): a new centre's
    /// package, and each new point beyond the package's (in build order, then by id); 0 for
    /// county centres, which the county builds itself.
    pub subsidy: f64,
    /// Yearly operating cost.
    pub operating: f64,
    /// Elders it serves (villages assigned to it as their nearest open facility).
    pub load: f64,
    pub capacity: Option<f64>,
    /// Planned nursing beds (`beds_per_elder` × load).
    pub beds: f64,
    /// Closed sites: where its users go, and the driving or walking minutes there.
    pub moved_to: Option<(SiteId, f64)>,
}

/// How a village is served in the last plan year.
#[derive(Clone, Debug, PartialEq)]
pub enum Service {
    /// A point hosted in the village itself (the village is the point's nearest).
    OwnPoint { site: SiteId, minutes: f64 },
    /// A point hosted in a neighbouring village, shared by an ordinary village (only with
    /// `shared_points`).
    SharedPoint { site: SiteId, minutes: f64 },
    /// An exempt village served by extension (延伸服务) from a neighbouring village's point.
    NeighbourPoint { site: SiteId, minutes: f64 },
    /// The town centre.
    Centre { site: SiteId, minutes: f64 },
    /// Not served, and why.
    Unserved { reason: String },
}

impl Service {
    pub fn name(&self) -> &'static str {
        match self {
            Service::OwnPoint { .. } => "own_point",
            Service::SharedPoint { .. } => "shared_point",
            Service::NeighbourPoint { .. } => "neighbour_point",
            Service::Centre { .. } => "centre",
            Service::Unserved { .. } => "unserved",
        }
    }

    pub fn site(&self) -> Option<(SiteId, f64)> {
        match *self {
            Service::OwnPoint { site, minutes }
            | Service::SharedPoint { site, minutes }
            | Service::NeighbourPoint { site, minutes }
            | Service::Centre { site, minutes } => Some((site, minutes)),
            Service::Unserved { .. } => None,
        }
    }
}

/// Why a village needs no point of its own (000 §2(4), 002 §2(4)): it may be served by
/// extension from its town's centre or a neighbouring point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// The village where its town's centre stands (镇级养老服务中心所在的村).
    CentreVillage,
    /// A village being merged or abolished (合并撤销的村; roster column `merging`).
    Merging,
}

impl Exemption {
    pub fn name(self) -> &'static str {
        match self {
            Exemption::CentreVillage => "centre_village",
            Exemption::Merging => "merging",
        }
    }
}

/// A village in the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct VillagePlan {
    pub service: Service,
    /// Why it needs no point of its own, if it need not.
    pub exemption: Option<Exemption>,
    /// Demand weight (elders, with the scenario's extra weights).
    pub weight: f64,
    /// Served, but its facility is full before it (nearer villages fill it first).
    pub over_capacity: bool,
    /// First plan year in which it is served (`None`: not by the last year).
    pub served_from: Option<i32>,
}

/// The policy part of a plan.
#[derive(Clone, Debug)]
pub struct PolicyPlan {
    pub policy: Policy,
    /// Towns, sorted; villages and sites refer to them by name.
    pub towns: Vec<String>,
    /// Whether each town is a 镇/乡 or a 街道.
    pub town_kinds: Vec<TownKind>,
    /// The solved model (kept for checks and the audit).
    pub problem: PolicyProblem,
    /// Facility → (tier index, site).
    pub facilities: Vec<(usize, SiteId)>,
    pub solution: PolicySolution,
    /// County centres, town centres and points the plan has or builds, and closed ones.
    pub sites: Vec<PlannedSite>,
    pub villages: Vec<VillagePlan>,
}

impl PolicyPlan {
    /// Plan years.
    pub fn years(&self) -> Vec<i32> {
        self.policy.years.iter().map(|&(y, _)| y).collect()
    }

    /// What the budget pays in plan year `y` (index): subsidies or construction, as the
    /// scenario's `budget_pays` says.
    pub fn spend(&self, y: usize) -> f64 {
        self.solution.spend[y]
    }

    /// Construction subsidies to the townships over the plan.
    pub fn subsidy(&self) -> f64 {
        self.sites.iter().map(|p| p.subsidy).sum()
    }

    /// Total demand (weighted elders) of all villages.
    pub fn demand(&self) -> f64 {
        self.villages.iter().map(|v| v.weight).sum()
    }

    /// Villages served in a way ([`Service::name`]).
    pub fn n_served_by(&self, name: &str) -> usize {
        self.villages
            .iter()
            .filter(|v| v.service.name() == name)
            .count()
    }

    /// Villages served but over their facility's capacity.
    pub fn n_over_capacity(&self) -> usize {
        self.villages.iter().filter(|v| v.over_capacity).count()
    }

    /// Sites of a status.
    pub fn n_sites(&self, status: SiteStatus) -> usize {
        self.sites.iter().filter(|p| p.status == status).count()
    }

    /// Construction and upgrade cost of the whole plan.
    pub fn construction_cost(&self) -> f64 {
        self.sites.iter().map(|p| p.cost).sum()
    }

    /// Yearly operating cost of everything open at the end.
    pub fn operating_cost(&self) -> f64 {
        self.sites.iter().map(|p| p.operating).sum()
    }
}

/// The per-village weight: Σ over the `[policy.demand]` columns of weight × value.
fn demand_weights(scenario: &Scenario, policy: &Policy, villages: &[Village]) -> Result<Vec<f64>> {
    villages
        .iter()
        .map(|v| {
            let mut w = 0.0;
            for (column, &k) in &policy.demand {
                let value = if column == "elders" {
                    v.elders
                } else {
                    let raw = v.extra.iter().find(|(c, _)| c == column).map(|(_, x)| x.trim());
                    match raw {
                        None => {
                            return Err(Error::input(
                                &scenario.villages,
                                format!("village `{}`", v.key),
                                format!("[policy.demand] weighs column `{column}`, which the villages table does not have"),
                            ));
                        }
                        Some("") => 0.0,
                        Some(x) => match x.parse::<f64>() {
                            Ok(n) if n >= 0.0 && n.is_finite() => n,
                            _ => {
                                return Err(Error::input(
                                    &scenario.villages,
                                    format!("village `{}`, field `{column}`", v.key),
                                    format!("`{x}` is not a number >= 0"),
                                ));
                            }
                        },
                    }
                };
                w += k * value;
            }
            Ok(w)
        })
        .collect()
}

/// The cost of building a tier's facility at a site, whether or not the site exists.
fn build_cost(tier: &Tier, site: &Site) -> f64 {
    site.cost
        .or_else(|| tier.kind_costs.get(&site.kind).copied())
        .unwrap_or(tier.default_cost)
}

/// Whether `site` already operates as `tier`.
fn operates_as(site: &Site, tier: &Tier) -> bool {
    site.existing && site.facility.as_deref().is_none_or(|f| f == tier.name)
}

/// Everything the policy path needs from the pipeline.
pub(super) struct Inputs<'a> {
    pub scenario: &'a Scenario,
    pub policy: &'a Policy,
    pub villages: &'a [Village],
    pub sites: &'a [Site],
    pub network: &'a RoadNetwork,
    pub site_snaps: &'a BTreeMap<Mode, Vec<Option<Snap>>>,
    pub village_snaps: &'a BTreeMap<Mode, Vec<Option<Snap>>>,
    pub candidates: &'a [Vec<SiteId>],
    pub times: &'a BTreeMap<Mode, Times>,
}

/// The kind of each town: a subdistrict where `[policy] subdistricts` names it, else the
/// `town_kind` its villages give (they must agree), else what its name implies
/// ([`TownKind::of`]).
fn town_kinds(
    scenario: &Scenario,
    villages: &[Village],
    towns: &[String],
) -> Result<Vec<TownKind>> {
    let mut kinds: Vec<Option<(TownKind, &Village)>> = vec![None; towns.len()];
    for v in villages {
        let (Some(kind), Ok(t)) = (v.town_kind, towns.binary_search(&v.town)) else {
            continue;
        };
        match kinds[t] {
            Some((k, first)) if k != kind => {
                return Err(Error::input(
                    &scenario.villages,
                    format!("village `{}`, field `town_kind`", v.key),
                    format!(
                        "`{}`: this village says its township `{}` is a {}, but village `{}` says it is a {}",
                        kind.name(),
                        v.town,
                        kind.name(),
                        first.key,
                        k.name()
                    ),
                ));
            }
            Some(_) => {}
            None => kinds[t] = Some((kind, v)),
        }
    }
    Ok(towns
        .iter()
        .zip(kinds)
        .map(|(name, k)| {
            if scenario
                .policy
                .as_ref()
                .is_some_and(|p| p.subdistricts.contains(name))
            {
                return TownKind::Subdistrict;
            }
            k.map_or_else(|| TownKind::of(name), |(k, _)| k)
        })
        .collect())
}

/// The village each site stands in: its `village` column, else the village of its town it
/// reaches first on foot within the village tier's radius (ties by id); `None`: no village.
fn hosts(
    inp: &Inputs,
    serve_tier: &Tier,
    candidates: &BTreeSet<SiteId>,
) -> Result<BTreeMap<SiteId, VillageId>> {
    let by_key: BTreeMap<&str, usize> = inp
        .villages
        .iter()
        .enumerate()
        .map(|(i, v)| (v.key.as_str(), i))
        .collect();
    let mut out = BTreeMap::new();
    for &s in candidates {
        let site = &inp.sites[s.index()];
        let host = match &site.village {
            Some(key) => Some(VillageId(*by_key.get(key.as_str()).ok_or_else(|| {
                Error::input(
                    &inp.scenario.sites,
                    format!("site `{}`, field `village`", site.key),
                    format!(
                        "`{key}` is not the id of any village in {}",
                        inp.scenario.villages.display()
                    ),
                )
            })? as u32)),
            None => inp.times[&serve_tier.mode]
                .reach(s, serve_tier.radius_s)
                .into_iter()
                .filter(|(v, _)| inp.villages[v.index()].town == site.town)
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                .map(|(v, _)| v),
        };
        if let Some(h) = host {
            out.insert(s, h);
        }
    }
    Ok(out)
}

/// Builds, solves and explains the policy plan; also returns each tier's [`TierPlan`].
pub(super) fn plan(
    inp: &Inputs,
    warnings: &mut Vec<String>,
) -> Result<(Vec<TierPlan>, PolicyPlan)> {
    let scenario = inp.scenario;
    let policy = inp.policy;
    let tiers = &scenario.tiers;
    let role = |r: Role| tiers.iter().position(|t| t.role == Some(r));
    let town_tier = role(Role::Town).expect("scenario checks a town tier exists");
    let village_tier = role(Role::Village);
    // Villages are served within the village tier's radius (or the centre's, without points).
    let serve_tier = &tiers[village_tier.unwrap_or(town_tier)];
    for v in inp.villages {
        if v.town.trim().is_empty() {
            return Err(Error::input(
                &scenario.villages,
                format!("village `{}`", v.key),
                "`town` is empty: the policy model needs every village's town",
            ));
        }
    }
    let towns: Vec<String> = inp
        .villages
        .iter()
        .map(|v| v.town.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let kinds = town_kinds(scenario, inp.villages, &towns)?;
    let town_of = |name: &str| towns.binary_search_by(|t| t.as_str().cmp(name)).ok();
    let weights = demand_weights(scenario, policy, inp.villages)?;
    let within = |site: SiteId, mode: Mode, radius_s: f64| -> Vec<(VillageId, f64)> {
        inp.times[&mode].reach(site, radius_s)
    };
    let subsidy_of =
        |t: usize| -> Subsidy { policy.subsidy.get(&kinds[t]).copied().unwrap_or_default() };
    let pays_subsidy = policy.budget_pays == BudgetPays::Subsidy;
    let town_level: BTreeSet<SiteId> = tiers
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t.role, Some(Role::Town | Role::Village)))
        .flat_map(|(k, _)| inp.candidates[k].iter().copied())
        .collect();
    let host = hosts(inp, serve_tier, &town_level)?;
    // Whom a point or centre at `s` may serve: under 一村一点 its own village and the exempt
    // villages within reach (merging ones; its own, if a centre); with shared points, all.
    let serves_from = |s: SiteId| -> Vec<u32> {
        within(s, serve_tier.mode, serve_tier.radius_s)
            .into_iter()
            .filter(|(v, _)| {
                policy.shared_points || host.get(&s) == Some(v) || inp.villages[v.index()].merging
            })
            .map(|(v, _)| v.0)
            .collect()
    };

    // County centres, town centres and village points.
    let mut facilities: Vec<Facility> = Vec::new();
    let mut fac_site: Vec<(usize, SiteId)> = Vec::new();
    for (k, tier) in tiers.iter().enumerate() {
        let Some(r) = tier.role else { continue };
        for &s in &inp.candidates[k] {
            let site = &inp.sites[s.index()];
            let town = match r {
                Role::County => None,
                _ => match town_of(&site.town) {
                    Some(t) => Some(t),
                    None => {
                        if r == Role::Town {
                            warnings.push(format!(
                                "{} candidate `{}` ({}): its town `{}` has no village; not considered",
                                tier.name, site.key, site.name, site.town
                            ));
                        }
                        continue;
                    }
                },
            };
            let existing = operates_as(site, tier);
            let cost = if existing {
                0.0
            } else {
                build_cost(tier, site)
            };
            let paid = match (r, town) {
                (Role::Town, Some(t)) if pays_subsidy => subsidy_of(t).centre,
                (Role::Village, _) if pays_subsidy => 0.0,
                _ => cost,
            };
            facilities.push(Facility {
                role: r,
                town,
                cost,
                paid: if existing { 0.0 } else { paid },
                operating: tier.operating_cost,
                existing,
                closable: existing && tier.close_existing,
                serves: match r {
                    Role::County => within(s, tier.mode, tier.radius_s)
                        .into_iter()
                        .map(|(v, _)| v.0)
                        .collect(),
                    _ => serves_from(s),
                },
                links: Vec::new(),
            });
            fac_site.push((k, s));
        }
    }
    // Links: new points to the centres of their town within the drive radius.
    if let Some(vt) = village_tier {
        let link_s = tiers[vt].link_radius_s;
        let centres: Vec<usize> = (0..facilities.len())
            .filter(|&f| facilities[f].role == Role::Town)
            .collect();
        let points: Vec<usize> = (0..facilities.len())
            .filter(|&f| facilities[f].new_point())
            .collect();
        let drive_times = link_s.map(|cutoff| {
            let snaps = &inp.site_snaps[&Mode::Drive];
            let from: Vec<Option<Snap>> = centres
                .iter()
                .map(|&f| snaps[fac_site[f].1.index()])
                .collect();
            let to: Vec<Option<Snap>> = points
                .iter()
                .map(|&f| snaps[fac_site[f].1.index()])
                .collect();
            coverage::travel_times(inp.network, Mode::Drive, &from, &to, cutoff, &|| {})
        });
        let mut links: Vec<Vec<usize>> = vec![Vec::new(); facilities.len()];
        for (ci, &c) in centres.iter().enumerate() {
            let reachable: Vec<usize> = match &drive_times {
                Some(tt) => tt.reach[ci]
                    .iter()
                    .map(|(p, _)| points[p.index()])
                    .collect(),
                None => points.clone(),
            };
            for p in reachable {
                if facilities[p].town == facilities[c].town {
                    links[p].push(c);
                }
            }
        }
        for (f, l) in links.into_iter().enumerate() {
            facilities[f].links = l;
        }
    }
    let mut needs_centre = vec![false; towns.len()];
    for f in &facilities {
        if f.role == Role::Town
            && let Some(t) = f.town
        {
            needs_centre[t] = true;
        }
    }
    let missing: Vec<&str> = (0..towns.len())
        .filter(|&t| !needs_centre[t])
        .map(|t| towns[t].as_str())
        .collect();
    if !missing.is_empty() {
        warnings.push(format!(
            "{} town(s) have no candidate site for their centre (tier `{}`, kinds {:?}); they get none: {}",
            missing.len(),
            tiers[town_tier].name,
            tiers[town_tier].site_kinds,
            missing.join(", ")
        ));
    }
    let years: Vec<i32> = policy.years.iter().map(|&(y, _)| y).collect();
    let last = years.len() - 1;
    let county = match role(Role::County) {
        Some(ct) => CountyRule {
            min: tiers[ct].min_sites,
            max: tiers[ct].max_sites,
            by: tiers[ct]
                .by_year
                .and_then(|y| years.iter().position(|&x| x == y))
                .unwrap_or(last),
        },
        None => CountyRule {
            min: 0,
            max: 0,
            by: last,
        },
    };
    let problem = PolicyProblem {
        weights: weights.clone(),
        n_towns: towns.len(),
        needs_centre,
        point_subsidy: (0..towns.len())
            .map(|t| {
                if pays_subsidy {
                    subsidy_of(t)
                } else {
                    Subsidy::default()
                }
            })
            .collect(),
        facilities,
        county,
        budgets: policy.years.iter().map(|&(_, b)| b).collect(),
        carry_over: policy.carry_over,
        objective: policy.objective,
        min_share: policy.min_coverage_share,
        operating_years: policy.operating_years,
    };
    let solution = policy::solve(
        &problem,
        &scenario.solver,
        policy.exact_max_variables,
        policy.time_limit_s,
    )
    .map_err(|e| Error::Infeasible(e.0))?;
    let year = |y: usize| years[y];

    // Sites: status, build year, subsidy.
    let mut planned = Vec::new();
    let fac_index: BTreeMap<(usize, SiteId), usize> =
        fac_site.iter().enumerate().map(|(f, &k)| (k, f)).collect();
    for (f, fac) in problem.facilities.iter().enumerate() {
        let (k, s) = fac_site[f];
        let site = &inp.sites[s.index()];
        let status = match (fac.existing, solution.open_from[f]) {
            (true, Some(_)) if fac.closable => SiteStatus::Kept,
            (true, Some(_)) => SiteStatus::Existing,
            (true, None) => SiteStatus::Closed,
            (false, Some(_)) if site.existing => SiteStatus::Upgraded,
            (false, Some(_)) => SiteStatus::New,
            (false, None) => continue,
        };
        let subsidy = match (fac.role, fac.town) {
            (Role::Town, Some(t)) if !fac.existing => subsidy_of(t).centre,
            _ => 0.0,
        };
        planned.push(PlannedSite {
            tier: k,
            site: s,
            status,
            build_year: match status {
                SiteStatus::New | SiteStatus::Upgraded => solution.open_from[f].map(year),
                _ => None,
            },
            cost: if fac.existing { 0.0 } else { fac.cost },
            subsidy,
            operating: if status == SiteStatus::Closed {
                0.0
            } else {
                fac.operating
            },
            load: 0.0,
            capacity: tiers[k].capacity.or(site.capacity),
            beds: 0.0,
            moved_to: None,
        });
    }
    // New points' subsidies: in build order, those beyond the package's points of a town
    // that builds its centre (every one where it does not) receive the per-point amount.
    for (t, town) in towns.iter().enumerate() {
        let sub = subsidy_of(t);
        let in_town = |p: &PlannedSite| inp.sites[p.site.index()].town == *town;
        let new_centre = planned.iter().any(|p| {
            in_town(p) && tiers[p.tier].role == Some(Role::Town) && p.build_year.is_some()
        });
        let mut points: Vec<usize> = (0..planned.len())
            .filter(|&i| {
                let p = &planned[i];
                in_town(p) && tiers[p.tier].role == Some(Role::Village) && p.build_year.is_some()
            })
            .collect();
        points.sort_by_key(|&i| {
            (
                planned[i].build_year,
                inp.sites[planned[i].site.index()].key.clone(),
            )
        });
        let included = if new_centre { sub.points_included } else { 0 };
        for (n, &i) in points.iter().enumerate() {
            planned[i].subsidy = if n < included { 0.0 } else { sub.point };
        }
    }

    // Villages: nearest open facility serving each, capacity filled nearest first.
    let open_last = |f: usize| solution.open_from[f].is_some_and(|s| s <= last);
    // The village of each town's open centre is exempt.
    let centre_villages: BTreeSet<VillageId> = (0..problem.facilities.len())
        .filter(|&f| problem.facilities[f].role == Role::Town && open_last(f))
        .filter_map(|f| host.get(&fac_site[f].1).copied())
        .collect();
    // The nearest open facility that may serve each village: as the model has it, and for
    // a centre's village also a neighbour's point (extension, 000 §2(4)).
    let mut best: Vec<Option<(usize, f64)>> = vec![None; inp.villages.len()];
    for f in
        (0..problem.facilities.len()).filter(|&f| open_last(f) && problem.facilities[f].serving())
    {
        let (_, s) = fac_site[f];
        let serves = &problem.facilities[f].serves;
        for (v, t) in within(s, serve_tier.mode, serve_tier.radius_s) {
            if serves.binary_search(&v.0).is_err() && !centre_villages.contains(&v) {
                continue;
            }
            let slot = &mut best[v.index()];
            if slot.is_none_or(|(g, bt)| t < bt || (t == bt && fac_site[f].1 < fac_site[g].1)) {
                *slot = Some((f, t));
            }
        }
    }
    let mut by_facility: BTreeMap<usize, Vec<(f64, VillageId)>> = BTreeMap::new();
    for (v, b) in best.iter().enumerate() {
        if let Some((f, t)) = *b {
            by_facility
                .entry(f)
                .or_default()
                .push((t, VillageId(v as u32)));
        }
    }
    let mut over = vec![false; inp.villages.len()];
    let mut load = vec![0.0; problem.facilities.len()];
    for (&f, list) in &mut by_facility {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (k, s) = fac_site[f];
        let cap = tiers[k].capacity.or(inp.sites[s.index()].capacity);
        for &(_, v) in list.iter() {
            if cap.is_some_and(|c| load[f] + inp.villages[v.index()].elders > c + 1e-9) {
                over[v.index()] = true;
            }
            load[f] += inp.villages[v.index()].elders;
        }
    }
    for p in &mut planned {
        if let Some(&f) = fac_index.get(&(p.tier, p.site)) {
            p.load = load[f];
            p.beds = tiers[p.tier].beds_per_elder * load[f];
        }
    }
    let serve_snaps = &inp.village_snaps[&serve_tier.mode];
    let served_from = problem.served_from(&solution.open_from);
    let village_plans: Vec<VillagePlan> = (0..inp.villages.len())
        .map(|v| {
            let id = VillageId(v as u32);
            let exemption = if centre_villages.contains(&id) {
                Some(Exemption::CentreVillage)
            } else if inp.villages[v].merging {
                Some(Exemption::Merging)
            } else {
                None
            };
            let service = match best[v] {
                Some((f, t)) => {
                    let site = fac_site[f].1;
                    let minutes = t / 60.0;
                    if problem.facilities[f].role == Role::Town {
                        Service::Centre { site, minutes }
                    } else if host.get(&site) == Some(&id) {
                        Service::OwnPoint { site, minutes }
                    } else if exemption.is_some() {
                        Service::NeighbourPoint { site, minutes }
                    } else {
                        Service::SharedPoint { site, minutes }
                    }
                }
                None => Service::Unserved {
                    reason: unserved_reason(
                        v,
                        serve_snaps[v].is_none(),
                        serve_tier,
                        &problem,
                        &solution,
                        &fac_site,
                        inp,
                    ),
                },
            };
            VillagePlan {
                service,
                exemption,
                weight: weights[v],
                over_capacity: over[v],
                served_from: served_from[v].map(year),
            }
        })
        .collect();

    // Closed facilities: users move to the nearest kept one of the tier.
    relocate(inp, &mut planned, serve_tier.mode);

    // Tier plans for the common reports: each tier's open sites and its own-radius coverage.
    let tier_plans = tiers
        .iter()
        .enumerate()
        .map(|(k, tier)| {
            let cands = inp.candidates[k].clone();
            let coverage: Vec<Vec<(VillageId, f64)>> = cands
                .iter()
                .map(|&s| within(s, tier.mode, tier.radius_s))
                .collect();
            let costs: Vec<f64> = cands
                .iter()
                .map(|&s| {
                    let site = &inp.sites[s.index()];
                    if operates_as(site, tier) {
                        0.0
                    } else {
                        build_cost(tier, site)
                    }
                })
                .collect();
            let open: Vec<usize> = (0..cands.len())
                .filter(|&j| fac_index.get(&(k, cands[j])).is_some_and(|&f| open_last(f)))
                .collect();
            let covered: f64 = {
                let mut c = vec![false; inp.villages.len()];
                open.iter()
                    .flat_map(|&j| &coverage[j])
                    .for_each(|(v, _)| c[v.index()] = true);
                (0..c.len()).filter(|&v| c[v]).map(|v| weights[v]).sum()
            };
            let solution = Solution {
                cost: open.iter().map(|&j| costs[j]).sum(),
                open,
                objective: covered,
                bound: covered,
                gap: solution.gap,
                status: solution.status,
            };
            TierPlan::new(
                tier.clone(),
                cands,
                costs,
                coverage,
                solution,
                inp.villages.len(),
            )
        })
        .collect();
    Ok((
        tier_plans,
        PolicyPlan {
            policy: policy.clone(),
            towns,
            town_kinds: kinds,
            problem,
            facilities: fac_site,
            solution,
            sites: planned,
            villages: village_plans,
        },
    ))
}

/// Why village `v` is not served: off the network, no candidate within the radius, or what
/// kept its nearest candidate closed (the town's centre is elsewhere, the point cannot be
/// linked to it, or the budget).
#[allow(clippy::too_many_arguments)]
fn unserved_reason(
    v: usize,
    off_network: bool,
    serve_tier: &Tier,
    problem: &PolicyProblem,
    solution: &PolicySolution,
    fac_site: &[(usize, SiteId)],
    inp: &Inputs,
) -> String {
    if off_network {
        return format!("off the {} network", serve_tier.mode.name());
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
        if any_near && !inp.policy.shared_points {
            return format!(
                "no candidate site for a point of its own within {:.0} min (一村一点: only its own point serves it; sites of neighbouring villages do not)",
                serve_tier.radius_s / 60.0
            );
        }
        return format!(
            "no candidate site within {:.0} min",
            serve_tier.radius_s / 60.0
        );
    };
    let label = |f: usize| {
        let s = &inp.sites[fac_site[f].1.index()];
        format!("`{}` ({})", s.key, s.name)
    };
    let fac = &problem.facilities[f];
    let centre = (0..problem.facilities.len()).find(|&c| {
        problem.facilities[c].role == Role::Town
            && problem.facilities[c].town == fac.town
            && solution.open_from[c].is_some()
    });
    let why = match (fac.role, centre) {
        _ if problem.weights[v] == 0.0 => "the village has no elders to serve".to_string(),
        (Role::Town, Some(c)) => format!(
            "a centre candidate, but its town's one centre is {}",
            label(c)
        ),
        (Role::Village, Some(c)) if !fac.links.contains(&c) => format!(
            "a point there could not be linked to its town's centre {} (farther than the link radius by car)",
            label(c)
        ),
        (Role::Village, None) => "its town has no centre to link a point to".to_string(),
        _ => "not built within the budget".to_string(),
    };
    format!(
        "nearest candidate {} {:.1} min away: {why}",
        label(f),
        t / 60.0
    )
}

/// Points closed sites to the nearest open site of their tier (by travel time in `mode`, or
/// straight-line distance where the network does not connect them).
fn relocate(inp: &Inputs, planned: &mut [PlannedSite], mode: Mode) {
    let snaps = &inp.site_snaps[&mode];
    let closed: Vec<usize> = (0..planned.len())
        .filter(|&i| planned[i].status == SiteStatus::Closed)
        .collect();
    for i in closed {
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
