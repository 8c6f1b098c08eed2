//! The policy path of [`super::solve`]: travel times → [`PolicyProblem`] → a plan per site
//! (tier, status, build year) and per village (how it is served, or why not).

use super::{TierPlan, Times, Warning};
use crate::coverage;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::model::{SiteId, VillageId};
use crate::network::{Mode, Snap};
use crate::policy::{self, CountyRule, Facility, PolicyProblem};
use crate::scenario::{BudgetPays, Role, Subsidy, TargetOf, Tier};
use crate::solve::{Solution, Status};
use std::collections::{BTreeMap, BTreeSet};

mod explain;
mod homes;
mod inputs;
mod outcome;

use explain::{Reasons, relocate};
pub use homes::{CareResult, HomeResult, HomesOutcome, Relocation};
pub(super) use inputs::Inputs;
use inputs::{Townships, build_cost, demand_weights, hosts, operates_as, townships};
pub use outcome::{
    Exemption, NotBuilt, PlannedSite, PolicyPlan, Service, SiteStatus, TargetResult, Unserved,
    VillagePlan,
};

/// Builds, solves and explains the policy plan; also returns each tier's [`TierPlan`].
///
/// With nursing homes, the coverage plan is solved first and the homes given where its
/// centres stand (a centre built in a home keeps that home, 002 §2(3)). Where a centre stands
/// in a home the rules would let the plan merge, the plan is solved once more with such homes
/// hosting no centre, and the better of the two is kept: the coverage criteria first, with
/// the homes' cost added to the plan's cost.
pub(super) fn plan(
    inp: &Inputs,
    warnings: &mut Vec<Warning>,
) -> Result<(Vec<TierPlan>, PolicyPlan)> {
    let mut first_warnings = Vec::new();
    let first = plan_excluding(inp, &mut first_warnings, &BTreeSet::new())?;
    let hosting: BTreeSet<SiteId> = first
        .1
        .homes
        .iter()
        .flat_map(|h| &h.homes)
        .filter(|h| h.hosts_centre && h.merge_candidate)
        .map(|h| h.site)
        .collect();
    if hosting.is_empty() {
        warnings.extend(first_warnings);
        return Ok(first);
    }
    let mut second_warnings = Vec::new();
    let second = match plan_excluding(inp, &mut second_warnings, &hosting) {
        Ok(p) => p,
        // Without those sites no plan exists: the first stands.
        Err(crate::error::Error::Infeasible(_)) => {
            warnings.extend(first_warnings);
            return Ok(first);
        }
        Err(e) => return Err(e),
    };
    if rank_with_homes(&second.1) < rank_with_homes(&first.1) {
        warnings.extend(second_warnings);
        Ok(second)
    } else {
        warnings.extend(first_warnings);
        Ok(first)
    }
}

/// A plan's rank ([`PolicyProblem::rank`]) with the homes' cost added to its cost, rounded so
/// that solver noise does not decide between equal plans.
fn rank_with_homes(plan: &PolicyPlan) -> [i64; 5] {
    let mut r = plan.problem.rank(&plan.solution.open_from);
    r[2] += plan.homes.as_ref().map_or(0.0, |h| h.cost);
    r.map(|x| (x * 1e3).round() as i64)
}

/// [`plan`] with the sites `excluded` (and any home the merging rule closes) hosting no
/// facility.
fn plan_excluding(
    inp: &Inputs,
    warnings: &mut Vec<Warning>,
    excluded: &BTreeSet<SiteId>,
) -> Result<(Vec<TierPlan>, PolicyPlan)> {
    let scenario = inp.scenario;
    let policy = inp.policy;
    let tiers = &scenario.tiers;
    let role = |r: Role| tiers.iter().position(|t| t.role == Some(r));
    for v in inp.villages {
        if v.town.trim().is_empty() {
            return Err(Error::input(
                &scenario.villages,
                format!("village `{}`", v.key),
                "`town` is empty: the policy model needs every village's town",
            ));
        }
    }
    let Townships {
        names: towns,
        kinds,
        order: town_order,
    } = townships(inp)?;
    let town_of = |name: &str| towns.binary_search_by(|t| t.as_str().cmp(name)).ok();
    // Villages are served within the radius of their township kind's village tier (or its
    // centre's, without points); a kind no tier builds in is served by none.
    let serve_of_town: Vec<Option<&Tier>> = kinds
        .iter()
        .map(|&k| {
            let of = |r: Role| tiers.iter().find(|t| t.role == Some(r) && t.covers(k));
            of(Role::Village).or_else(|| of(Role::Town))
        })
        .collect();
    let serve_at = |s: SiteId| -> Option<&Tier> {
        town_of(&inp.sites[s.index()].town).and_then(|t| serve_of_town[t])
    };
    let serve_of_village = |v: usize| -> Option<&Tier> {
        town_of(&inp.villages[v].town).and_then(|t| serve_of_town[t])
    };
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
    // Villages within the serving radius of a point or centre at `s`.
    let serve_reach = |s: SiteId| -> Vec<(VillageId, f64)> {
        serve_at(s).map_or_else(Vec::new, |t| within(s, t.mode, t.radius_s))
    };
    let host = hosts(inp, &serve_reach, &town_level)?;
    // Whom a point or centre at `s` may serve: under 一村一点 its own village and the exempt
    // villages within reach (merging ones; its own, if a centre); small communities of its
    // township where a point's tier shares (`share_below_elders`); with shared points, all.
    let shares = |s: SiteId, v: VillageId| {
        let (site, village) = (&inp.sites[s.index()], &inp.villages[v.index()]);
        site.town == village.town
            && serve_at(s)
                .and_then(|t| t.share_below_elders)
                .is_some_and(|n| village.elders < n)
    };
    let serves_from = |s: SiteId, r: Role| -> Vec<u32> {
        serve_reach(s)
            .into_iter()
            .filter(|&(v, _)| {
                policy.shared_points
                    || host.get(&s) == Some(&v)
                    || inp.villages[v.index()].merging
                    || (r == Role::Village && shares(s, v))
            })
            .map(|(v, _)| v.0)
            .collect()
    };

    // County centres, town centres and village points.
    let mut facilities: Vec<Facility> = Vec::new();
    let mut fac_site: Vec<(usize, SiteId)> = Vec::new();
    // Townships whose kind some town tier builds in: there 中心带点 applies and a centre is due.
    let town_tier_builds: Vec<bool> = kinds
        .iter()
        .map(|&k| {
            tiers
                .iter()
                .any(|x| x.role == Some(Role::Town) && x.covers(k))
        })
        .collect();
    for (k, tier) in tiers.iter().enumerate() {
        let Some(r) = tier.role else { continue };
        for &s in &inp.candidates[k] {
            let site = &inp.sites[s.index()];
            // A home the merging rule closes hosts nothing (its building goes out of use).
            if excluded.contains(&s)
                || policy
                    .homes
                    .as_ref()
                    .is_some_and(|h| homes::forced_merge(h, site))
            {
                continue;
            }
            let town = match r {
                Role::County | Role::Regional => None,
                _ => match town_of(&site.town) {
                    // Each kind of township builds with its own tiers.
                    Some(t) if !tier.covers(kinds[t]) => continue,
                    Some(t) => Some(t),
                    None => {
                        if r == Role::Town {
                            warnings.push(Warning::UnknownTown { tier: k, site: s });
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
                    Role::County | Role::Regional => within(s, tier.mode, tier.radius_s)
                        .into_iter()
                        .map(|(v, _)| v.0)
                        .collect(),
                    _ => serves_from(s, r),
                },
                links: Vec::new(),
                needs_link: town.is_some_and(|t| town_tier_builds[t]),
                // County-level `by_year` is the year of their minimum (`CountyRule::by`).
                due: match (r, tier.by_year) {
                    (Role::Town | Role::Village, Some(by)) => policy
                        .years
                        .iter()
                        .position(|&(y, _)| y == by)
                        .expect("scenario checks `by_year`"),
                    _ => policy.years.len() - 1,
                },
                capacity: if tier.capacity_binding {
                    tier.capacity.or(site.capacity)
                } else {
                    None
                },
            });
            fac_site.push((k, s));
        }
    }
    // Links: new points to the centres of their town within their tier's drive radius (any
    // centre of the town where the tier has none).
    {
        let link_of = |f: usize| tiers[fac_site[f].0].link_radius_s;
        let centres: Vec<usize> = (0..facilities.len())
            .filter(|&f| facilities[f].role == Role::Town)
            .collect();
        let points: Vec<usize> = (0..facilities.len())
            .filter(|&f| facilities[f].new_point())
            .collect();
        let cutoff = points.iter().filter_map(|&p| link_of(p)).reduce(f64::max);
        let drive_times = cutoff.map(|cutoff| {
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
            let mut within_link = vec![false; points.len()];
            if let Some(tt) = &drive_times {
                for &(p, t) in &tt.reach[ci] {
                    within_link[p.index()] = link_of(points[p.index()]).is_some_and(|r| t <= r);
                }
            }
            for (k, &p) in points.iter().enumerate() {
                let linked = within_link[k] || link_of(p).is_none();
                if linked && facilities[p].town == facilities[c].town {
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
    // Where a town tier builds but none of its candidates stands (where none builds, by the
    // scenario's `townships`, a township has no centre by design).
    let missing: Vec<&str> = (0..towns.len())
        .filter(|&t| !needs_centre[t])
        .filter(|&t| town_tier_builds[t])
        .map(|t| towns[t].as_str())
        .collect();
    if !missing.is_empty() {
        warnings.push(Warning::NoCentreCandidate {
            towns: missing.iter().map(|t| t.to_string()).collect(),
        });
    }
    let years: Vec<i32> = policy.years.iter().map(|&(y, _)| y).collect();
    let last = years.len() - 1;
    let index_of = |y: i32| years.iter().position(|&x| x == y);
    let level_rule = |r: Role| match role(r) {
        Some(ct) => CountyRule {
            min: tiers[ct].min_sites,
            max: tiers[ct].max_sites,
            by: tiers[ct].by_year.and_then(index_of).unwrap_or(last),
        },
        None => CountyRule {
            min: 0,
            max: 0,
            by: last,
        },
    };
    let targets = policy
        .regional_targets
        .iter()
        .map(|t| policy::Target {
            share: t.share,
            by: index_of(t.by_year).expect("scenario checks the target's year"),
            township_share: match t.of {
                TargetOf::Townships { township_share } => Some(township_share),
                TargetOf::Elders => None,
            },
        })
        .collect();
    let problem = PolicyProblem {
        weights: weights.clone(),
        n_towns: towns.len(),
        village_town: inp
            .villages
            .iter()
            .map(|v| town_of(&v.town).expect("every village's town is a town"))
            .collect(),
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
        county: level_rule(Role::County),
        regional: level_rule(Role::Regional),
        targets,
        budgets: policy.years.iter().map(|&(_, b)| b).collect(),
        carry_over: policy.carry_over,
        objective: policy.objective,
        min_share: policy.min_coverage_share,
        operating_years: policy.operating_years,
    };
    if problem.goes_exact(policy.exact_max_variables) {
        let t = crate::lang::number(policy.time_limit_s, 0);
        inp.status.set_message(match scenario.language {
            Lang::Zh => format!("按政策选址（精确模型，最多 {t} 秒）"),
            Lang::En => format!("choosing sites under the policy (exact model, at most {t} s)"),
        });
    }
    let solution = policy::solve(
        &problem,
        &scenario.solver,
        policy.exact_max_variables,
        policy.time_limit_s,
    )
    .map_err(|e| Error::Infeasible(e.0))?;
    if solution.status == Status::TimeLimit && crate::solve::milp::BACKEND == "microlp" {
        warnings.push(Warning::ExactUnproven {
            time_limit_s: policy.time_limit_s,
            gap: solution.gap,
        });
    }
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
    // Under binding capacities, who serves whom as the model counts it (the last year's
    // maximum flow): a capacitated facility serves only the villages it carries.
    let assignment = problem
        .capacitated()
        .then(|| problem.assignment(&open_last));
    let carried: BTreeMap<(usize, u32), f64> = assignment
        .iter()
        .flat_map(|a| &a.flows)
        .map(|&(v, f, x)| ((f, v), x))
        .collect();
    // The nearest open facility that may serve each village: as the model has it, and for
    // a centre's village also a neighbour's point (extension, 000 §2(4)).
    let mut best: Vec<Option<(usize, f64)>> = vec![None; inp.villages.len()];
    // Under binding capacities, the nearest full facility of a village none carries.
    let mut full: Vec<Option<(usize, f64)>> = vec![None; inp.villages.len()];
    for f in
        (0..problem.facilities.len()).filter(|&f| open_last(f) && problem.facilities[f].serving())
    {
        let (_, s) = fac_site[f];
        let serves = &problem.facilities[f].serves;
        let capacitated = problem.facilities[f].capacity.is_some();
        for (v, t) in serve_reach(s) {
            if capacitated && !carried.contains_key(&(f, v.0)) {
                if serves.binary_search(&v.0).is_ok()
                    && full[v.index()].is_none_or(|(_, bt)| t < bt)
                {
                    full[v.index()] = Some((f, t));
                }
                continue;
            }
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
    // Binding capacities: the load is what the flow sends (never above the capacity).
    for (&(f, _), &x) in &carried {
        load[f] += x;
    }
    for (&f, list) in &mut by_facility {
        if problem.facilities[f].capacity.is_some() {
            continue;
        }
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
    let served_from = problem.served_from(&solution.open_from);
    let reasons = Reasons::new(
        &problem,
        &solution,
        &fac_site,
        inp,
        (0..inp.villages.len()).filter_map(serve_of_village),
    );
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
                    reason: match full[v] {
                        Some((f, t)) => Unserved::Full {
                            site: fac_site[f].1,
                            minutes: t / 60.0,
                            capacity: problem.facilities[f].capacity.unwrap_or(0.0),
                        },
                        None => reasons.why(
                            v,
                            serve_of_village(v),
                            kinds[town_of(&inp.villages[v].town).expect("a township")],
                        ),
                    },
                },
            };
            // The model's share where a capacitated facility serves it (a centre's village
            // served by extension from an uncapacitated point counts whole, as without
            // capacities).
            let served_share = match (&service, &assignment, best[v]) {
                (Service::Unserved { .. }, _, _) => 0.0,
                (_, Some(a), Some((f, _))) if problem.facilities[f].capacity.is_some() => {
                    a.share[v]
                }
                _ => 1.0,
            };
            VillagePlan {
                service,
                exemption,
                weight: weights[v],
                over_capacity: over[v],
                served_share,
                served_from: served_from[v].map(year),
            }
        })
        .collect();

    // The nursing homes, given where the centres stand.
    let homes = match &policy.homes {
        None => None,
        Some(cfg) => {
            let open_sites = |roles: &[Role]| -> Vec<SiteId> {
                let mut s: Vec<SiteId> = (0..problem.facilities.len())
                    .filter(|&f| roles.contains(&problem.facilities[f].role) && open_last(f))
                    .map(|f| fac_site[f].1)
                    .collect();
                s.sort_unstable();
                s.dedup();
                s
            };
            Some(homes::plan(
                inp,
                cfg,
                &open_sites(&[Role::Town]),
                &open_sites(&[Role::County, Role::Regional]),
            )?)
        }
    };

    // Closed facilities: users move to the nearest kept one of the tier.
    relocate(inp, &mut planned, &|p: &PlannedSite| {
        serve_at(p.site).map_or(tiers[p.tier].mode, |t| t.mode)
    });

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
            town_order,
            problem,
            facilities: fac_site,
            solution,
            sites: planned,
            villages: village_plans,
            homes,
        },
    ))
}
