//! The decomposition heuristic for policy plans of any size.
//!
//! 1. **Centres**: each town needing one starts from the candidate that could serve most of its
//!    villages with its linkable points; for least cost, each town in turn then tries every
//!    other candidate, re-solving the points, and keeps a change that improves the plan
//!    (coordinate descent).
//! 2. **Points given the centres**: the points linkable to the chosen centres form an ordinary
//!    covering problem: least-cost set cover (greedy by cost per newly served village, then
//!    redundant points dropped, dearest first) for full coverage, or the solver core's budgeted
//!    maximal covering ([`crate::solve::solve_mclp`]) under a budget.
//! 3. **Closures**: each closable existing facility is closed if the plan stays feasible and
//!    improves.
//! 4. **Schedule** (module `schedule`): the chosen set is built year by year, cheapest
//!    elders first.
//! 5. **Budgeted plans** (`max_coverage`) then run the Lagrangian relaxation that keeps the
//!    town rules (module `lagrangian`): every tenth subgradient step its relaxed plan (which
//!    centre each town opens in which year, and its points' years) is scheduled by the years
//!    it wants, and the best plan of all is kept. The relaxation's value is the bound.
//!
//! For least cost the bound is what every plan pays, the cheapest centre of every town and the
//! existing facilities that must stay, plus the cheapest points that could serve as many elders
//! as the plan does beyond what centres could (a knapsack bound; the exact model is what proves
//! least-cost plans).

use super::descent::{TOWNS_AT_ONCE, descend_centres};
use super::schedule::{
    Paid, build_cost, of_role, paid, schedule, schedule_by, schedule_centres_first, served_by,
};
use super::{Infeasible, PolicyProblem, PolicySolution, lagrangian};
use crate::scenario::{Objective, Role};
use crate::solve::{self, CoverProblem, Limit, Ordered, SolveOptions};
use std::cmp::Reverse;

/// Solves `problem` heuristically; `Err` when the rules cannot all hold (no centre candidate
/// affordable, full coverage beyond the budgets, ...).
pub fn solve(
    problem: &PolicyProblem,
    options: &SolveOptions,
) -> Result<PolicySolution, Infeasible> {
    let total_budget: f64 = problem.budgets.iter().sum();
    let mut county = select_county(problem, options)?;
    let regional = select_regional(problem, options)?;
    let what = if regional.is_empty() {
        "the county care centre costs"
    } else {
        "the county and regional centres cost"
    };
    county.extend(regional);
    let county_paid: f64 = county.iter().map(|&f| paid(problem, f)).sum();
    if county_paid > total_budget * (1.0 + 1e-12) + 1e-9 {
        return Err(Infeasible(format!(
            "{what} {county_paid}, more than the budgets of all plan years ({total_budget})"
        )));
    }
    // Budgeted plans choose their centres from the relaxation below instead of by descent.
    let descend = problem.objective == Objective::FullCoverage;
    let mut chosen = select(problem, total_budget - county_paid, options, descend)?;
    for &f in &county {
        chosen[f] = true;
    }
    let first = schedule(problem, &chosen).and_then(|plan| match problem.check(&plan) {
        Ok(()) => Ok(plan),
        Err(v) => Err(Infeasible(format!(
            "the heuristic found no plan within every rule ({})",
            v.0
        ))),
    });
    if problem.objective == Objective::FullCoverage {
        let plan = first?;
        let bound = least_cost_bound(problem, &plan);
        return Ok(problem.solution(plan, bound, false, "heuristic"));
    }
    // The Lagrangian heuristic: every relaxed plan, its county-level centres replaced by the
    // ones chosen above, scheduled by the years it wants; it may find a plan where the first
    // schedule found none.
    let mut best = first.as_ref().ok().cloned();
    let value = best.as_ref().map_or(0.0, |p| problem.objective_of(p));
    let bound = lagrangian::relax(problem, value, RELAX_ITERATIONS, RELAX_EVERY, |want| {
        let target: Vec<Option<usize>> = (0..want.len())
            .map(|f| match problem.facilities[f].role {
                Role::County | Role::Regional => county.contains(&f).then_some(0),
                _ => want[f],
            })
            .collect();
        // Also with every wanted centre wanted in the first year: the year's money then goes
        // to centres before points, which the greedy fill alone does not (a dear centre
        // unlocks points whose elders count every year after).
        let centres_first: Vec<Option<usize>> = (0..target.len())
            .map(|f| match problem.facilities[f].role {
                Role::Town => target[f].map(|_| 0),
                _ => target[f],
            })
            .collect();
        let mut value: Option<f64> = None;
        let tries = if centres_first == target { 1 } else { 2 };
        for (k, t) in [&target, &centres_first]
            .into_iter()
            .take(tries)
            .enumerate()
        {
            let scheduled = match k {
                0 => schedule_by(problem, t),
                _ => schedule_centres_first(problem, t),
            };
            let Some(plan) = scheduled.ok() else {
                continue;
            };
            if problem.check(&plan).is_err() {
                continue;
            }
            // (The relaxation steps towards the wanted plan's value alone, as without the
            // alternative.)
            if k == 0 {
                value = Some(problem.objective_of(&plan));
            }
            if best.as_ref().is_none_or(|b| problem.better(&plan, b)) {
                best = Some(plan);
            }
        }
        value
    });
    match best {
        Some(plan) => Ok(problem.solution(plan, bound, false, "heuristic")),
        None => Err(first.expect_err("no plan only where the first schedule failed")),
    }
}

/// Subgradient steps of the budgeted plan's relaxation, and how often a relaxed plan is
/// turned into a real one.
const RELAX_ITERATIONS: usize = 1000;
const RELAX_EVERY: usize = 10;

/// A plan's quality in its last year: (−elders served, cost, construction); smaller is better.
pub(super) type Score = (f64, f64, f64);

/// A point's rank in the least-cost greedy, smaller first: cost per newly served village,
/// then more villages, less construction, the lower index.
type GreedyKey = (Ordered, Reverse<usize>, Ordered, usize);

/// The facilities of each town's centre candidates.
pub(super) fn centre_candidates(problem: &PolicyProblem) -> Vec<Vec<usize>> {
    let mut by_town = vec![Vec::new(); problem.n_towns];
    for (f, fac) in problem.facilities.iter().enumerate() {
        if fac.role == Role::Town
            && let Some(t) = fac.town
        {
            by_town[t].push(f);
        }
    }
    by_town
}

/// An upper bound on what opening `f` ever costs the budgets: its own payment, and for a new
/// point its town's subsidy per point.
fn paid_at_most(problem: &PolicyProblem, f: usize) -> f64 {
    let fac = &problem.facilities[f];
    let point = match fac.town {
        Some(t) if fac.new_point() => problem.point_subsidy[t].point,
        _ => 0.0,
    };
    paid(problem, f) + point
}

/// Cost counted by the least-cost objective, at most.
fn life_cost(problem: &PolicyProblem, f: usize) -> f64 {
    paid_at_most(problem, f) + problem.operating_years * problem.facilities[f].operating
}

/// The covering problem over facilities `fs` (in that order), each at `cost`, `fixed` ones
/// open, within `limit`: how the heuristic hands a part of the plan to the solver core.
fn cover_over(
    problem: &PolicyProblem,
    fs: &[usize],
    cost: impl Fn(usize) -> f64,
    fixed: impl Fn(usize) -> bool,
    limit: Limit,
) -> CoverProblem {
    CoverProblem {
        weights: problem.weights.clone(),
        covers: fs
            .iter()
            .map(|&f| problem.facilities[f].serves.clone())
            .collect(),
        costs: fs.iter().map(|&f| cost(f)).collect(),
        fixed: fs.iter().map(|&f| fixed(f)).collect(),
        limit,
    }
}

/// The centres of a county-level role: the existing ones, and the role's `min` with the
/// most elders within their radius (at least cost among equals).
fn select_level(
    problem: &PolicyProblem,
    role: Role,
    options: &SolveOptions,
) -> Result<Vec<usize>, Infeasible> {
    let cands = of_role(problem, role);
    let rule = problem.rule(role);
    let kept = cands
        .iter()
        .filter(|&&f| problem.facilities[f].existing)
        .count();
    let need = rule.min.saturating_sub(kept);
    if need > cands.len() - kept {
        let what = match role {
            Role::Regional => "regional centre(s)",
            _ => "county care centre(s)",
        };
        return Err(Infeasible(format!(
            "at least {} {what} are required, but only {} candidate site(s) exist",
            rule.min,
            cands.len()
        )));
    }
    if need == 0 {
        return Ok(cands
            .into_iter()
            .filter(|&f| problem.facilities[f].existing)
            .collect());
    }
    let cover = cover_over(
        problem,
        &cands,
        |f| paid(problem, f),
        |f| problem.facilities[f].existing,
        Limit::Count(need),
    );
    let s = solve::solve_mclp(&cover, options);
    Ok(s.open.iter().map(|&k| cands[k]).collect())
}

/// The county care centres ([`select_level`]).
fn select_county(
    problem: &PolicyProblem,
    options: &SolveOptions,
) -> Result<Vec<usize>, Infeasible> {
    select_level(problem, Role::County, options)
}

/// The regional centres: the role's minimum ([`select_level`]), then, while a coverage target
/// is short, the candidate adding most to the targets per unit paid (where none adds to a
/// count of townships yet, the one reaching most new weight), up to `max`.
fn select_regional(
    problem: &PolicyProblem,
    options: &SolveOptions,
) -> Result<Vec<usize>, Infeasible> {
    let mut open = select_level(problem, Role::Regional, options)?;
    let cands = of_role(problem, Role::Regional);
    let rule = problem.rule(Role::Regional);
    // Reached villages of a set of regional centres, and the targets' shortfall.
    let reached = |set: &[usize]| -> Vec<bool> {
        let mut r = vec![false; problem.weights.len()];
        for &f in set {
            for &v in &problem.facilities[f].serves {
                r[v as usize] = true;
            }
        }
        r
    };
    let short = |r: &[bool]| -> f64 {
        problem
            .targets
            .iter()
            .map(|t| (problem.target_needed(t) - problem.target_value(t, r)).max(0.0))
            .sum()
    };
    let weight = |r: &[bool]| -> f64 {
        r.iter()
            .zip(&problem.weights)
            .filter(|(r, _)| **r)
            .map(|(_, w)| w)
            .sum()
    };
    loop {
        let now = reached(&open);
        let gap = short(&now);
        if gap <= 1e-9 {
            return Ok(open);
        }
        let mut best: Option<(usize, (f64, f64))> = None;
        if open.len() < rule.max {
            for &f in cands.iter().filter(|f| !open.contains(f)) {
                let mut with = open.clone();
                with.push(f);
                let r = reached(&with);
                let (gain, more) = (gap - short(&r), weight(&r) - weight(&now));
                let per = |x: f64| x / paid(problem, f).max(1e-9);
                let key = (per(gain), per(more));
                if (gain > 1e-9 || more > 0.0) && best.is_none_or(|(_, b)| key > b) {
                    best = Some((f, key));
                }
            }
        }
        match best {
            Some((f, _)) => open.push(f),
            None => {
                return Err(Infeasible(format!(
                    "the regional coverage target cannot be reached: {} regional centre(s) (at most {}) leave it {gap} short",
                    open.len(),
                    rule.max.min(cands.len())
                )));
            }
        }
    }
}

/// Chooses the town centres and points open in the last year, within `budget` in total.
fn select(
    problem: &PolicyProblem,
    budget: f64,
    options: &SolveOptions,
    descend: bool,
) -> Result<Vec<bool>, Infeasible> {
    let by_town = centre_candidates(problem);
    let n = problem.facilities.len();
    // Centres: a town with a fixed existing centre keeps it; others choose.
    let mut centre: Vec<Option<usize>> = vec![None; problem.n_towns];
    let mut reserve = 0.0;
    for (t, cands) in by_town.iter().enumerate() {
        let fixed: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|&f| problem.facilities[f].fixed())
            .collect();
        if fixed.len() > 1 {
            return Err(Infeasible(format!(
                "town {t} has {} existing centres that may not close: set close_existing = true on the town tier to merge them",
                fixed.len()
            )));
        }
        if let Some(&f) = fixed.first() {
            centre[t] = Some(f);
        } else if problem.needs_centre[t] {
            let cheapest = cands
                .iter()
                .map(|&f| paid(problem, f))
                .fold(f64::INFINITY, f64::min);
            reserve += cheapest;
            let potential = |f: usize| -> f64 {
                let mut reach = vec![false; problem.weights.len()];
                problem.facilities[f]
                    .serves
                    .iter()
                    .for_each(|&v| reach[v as usize] = true);
                for fac in &problem.facilities {
                    if fac.role == Role::Village && (fac.existing || fac.links.contains(&f)) {
                        fac.serves.iter().for_each(|&v| reach[v as usize] = true);
                    }
                }
                reach
                    .iter()
                    .zip(&problem.weights)
                    .filter(|(r, _)| **r)
                    .map(|(_, w)| w)
                    .sum()
            };
            centre[t] = cands.iter().copied().min_by(|&a, &b| {
                potential(b)
                    .total_cmp(&potential(a))
                    .then(life_cost(problem, a).total_cmp(&life_cost(problem, b)))
                    .then(build_cost(problem, a).total_cmp(&build_cost(problem, b)))
                    .then(a.cmp(&b))
            });
        }
    }
    if reserve > budget * (1.0 + 1e-12) + 1e-9 {
        return Err(Infeasible(format!(
            "the budget left for town centres and points ({budget}) cannot build a centre in every town: the cheapest centres alone cost {reserve}"
        )));
    }
    // Off: closed existing facilities, and points another one dominates (never needed).
    let mut off = problem.dominated();
    let light = SolveOptions {
        restarts: options.restarts.min(2),
        bound_iterations: 0,
        ..options.clone()
    };
    let mut best = complete(problem, &centre, &off, budget, &light);
    if descend {
        descend_centres(
            problem,
            &mut centre,
            &off,
            budget,
            &light,
            &mut best,
            TOWNS_AT_ONCE,
        );
    }
    // Closures of existing facilities that are not centres.
    for f in 0..n {
        let fac = &problem.facilities[f];
        if fac.closable && !centre.contains(&Some(f)) && fac.role == Role::Village {
            off[f] = true;
            let candidate = complete(problem, &centre, &off, budget, &light);
            if candidate.1 < best.1 {
                best = candidate;
            } else {
                off[f] = false;
            }
        }
    }
    // A budgeted plan's points are chosen again by the relaxation: a light search will do.
    let last = if descend { options } else { &light };
    Ok(complete(problem, &centre, &off, budget, last).0)
}

/// Every facility of `open` opened in the first year.
fn as_plan(open: &[bool]) -> Vec<Option<usize>> {
    open.iter().map(|&o| o.then_some(0)).collect()
}

/// What the budgets pay for the open set.
fn paid_total(problem: &PolicyProblem, open: &[bool]) -> f64 {
    problem.spend(&as_plan(open)).iter().sum()
}

/// Opens the given centres, the open existing facilities and the best points for them;
/// returns the open set and its [`Score`].
pub(super) fn complete(
    problem: &PolicyProblem,
    centre: &[Option<usize>],
    off: &[bool],
    budget: f64,
    options: &SolveOptions,
) -> (Vec<bool>, Score) {
    let n = problem.facilities.len();
    let mut base = vec![false; n];
    for &c in centre.iter().flatten() {
        base[c] = true;
    }
    for (f, fac) in problem.facilities.iter().enumerate() {
        if fac.existing && fac.role == Role::Village && !off[f] {
            base[f] = true;
        }
    }
    // New points that may open: linked to an open centre.
    let allowed: Vec<usize> = (0..n)
        .filter(|&f| {
            let fac = &problem.facilities[f];
            !base[f]
                && !off[f]
                && fac.new_point()
                && (!fac.needs_link || fac.links.iter().any(|&c| base[c]))
        })
        .collect();
    let mut open = base.clone();
    if problem.objective == Objective::FullCoverage {
        // Serve every village the centres allow, at least cost, if the budget holds.
        let mut served = served_by(problem, &open);
        let mut state = Paid::new(problem);
        (0..n)
            .filter(|&f| base[f])
            .for_each(|f| state.add(problem, f));
        // Greedy by cost per newly served village (then more villages, less construction,
        // lower index), lazily: a point's cost only grows (past its town's package) and its
        // gain only falls, so a key recomputed no worse than the best left is the best.
        let offer = |f: usize, served: &[bool], state: &Paid| {
            let gain = problem.facilities[f]
                .serves
                .iter()
                .filter(|&&v| !served[v as usize])
                .count();
            let cost = state.cost(problem, &[f])
                + problem.operating_years * problem.facilities[f].operating;
            (gain > 0).then(|| -> GreedyKey {
                let ratio = cost / gain as f64;
                (
                    Ordered(ratio),
                    Reverse(gain),
                    Ordered(build_cost(problem, f)),
                    f,
                )
            })
        };
        let mut heap: std::collections::BinaryHeap<Reverse<GreedyKey>> = allowed
            .iter()
            .filter_map(|&f| offer(f, &served, &state).map(Reverse))
            .collect();
        let mut picked: Vec<usize> = Vec::new();
        while let Some(Reverse(key)) = heap.pop() {
            let f = key.3;
            let Some(fresh) = offer(f, &served, &state) else {
                continue;
            };
            if heap.peek().is_some_and(|top| top.0 < fresh) {
                heap.push(Reverse(fresh));
                continue;
            }
            open[f] = true;
            state.add(problem, f);
            picked.push(f);
            problem.facilities[f]
                .serves
                .iter()
                .for_each(|&v| served[v as usize] = true);
        }
        // Drop redundant points (every village they serve has another open server), dearest
        // first.
        let mut servers = vec![0u32; problem.weights.len()];
        for (f, fac) in problem.facilities.iter().enumerate() {
            if open[f] && fac.serving() {
                fac.serves.iter().for_each(|&v| servers[v as usize] += 1);
            }
        }
        picked.sort_by_cached_key(|&f| {
            (
                Reverse(Ordered(life_cost(problem, f))),
                Reverse(Ordered(build_cost(problem, f))),
                f,
            )
        });
        for &f in &picked {
            let serves = &problem.facilities[f].serves;
            if serves.iter().all(|&v| servers[v as usize] >= 2) {
                open[f] = false;
                serves.iter().for_each(|&v| servers[v as usize] -= 1);
            }
        }
        if paid_total(problem, &open) <= budget * (1.0 + 1e-12) + 1e-9 {
            return (open.clone(), score(problem, &open));
        }
        open = base.clone();
    }
    // Under the budget: the solver core's maximal covering, centres and kept facilities fixed,
    // each point priced at the most it can cost (so the plan stays within the budget).
    let centre_cost = paid_total(problem, &base);
    let sites: Vec<usize> = (0..n)
        .filter(|&f| base[f])
        .chain(allowed.iter().copied())
        .collect();
    let cover = cover_over(
        problem,
        &sites,
        |f| paid_at_most(problem, f),
        |f| base[f],
        Limit::Budget((budget - centre_cost).max(0.0)),
    );
    let s = solve::solve_mclp(&cover, options);
    for &k in &s.open {
        open[sites[k]] = true;
    }
    let mut sc = score(problem, &open);
    if centre_cost > budget * (1.0 + 1e-12) + 1e-9 {
        sc.0 = f64::INFINITY;
    }
    (open, sc)
}

fn score(problem: &PolicyProblem, open: &[bool]) -> Score {
    let served: f64 = served_by(problem, open)
        .iter()
        .zip(&problem.weights)
        .filter(|(s, _)| **s)
        .map(|(_, w)| w)
        .sum();
    let plan = as_plan(open);
    (
        -served,
        problem.total_cost(&plan),
        problem.construction(&plan),
    )
}

/// A lower bound on the least-cost plan's cost (see the module docs), given the heuristic's
/// `plan`.
fn least_cost_bound(problem: &PolicyProblem, plan: &[Option<usize>]) -> f64 {
    let n = problem.facilities.len();
    let own =
        |f: usize| paid(problem, f) + problem.operating_years * problem.facilities[f].operating;
    let by_town = centre_candidates(problem);
    let mut lb: f64 = (0..problem.n_towns)
        .filter(|&t| problem.needs_centre[t])
        .map(|t| {
            by_town[t]
                .iter()
                .map(|&f| own(f))
                .fold(f64::INFINITY, f64::min)
        })
        .filter(|c| c.is_finite())
        .sum();
    // Fixed village facilities operate whatever the plan; the county's minimum of care
    // centres is paid, at the cheapest.
    lb += (0..n)
        .filter(|&f| problem.facilities[f].fixed() && problem.facilities[f].role == Role::Village)
        .map(own)
        .sum::<f64>();
    for role in [Role::County, Role::Regional] {
        let mut level: Vec<f64> = of_role(problem, role).into_iter().map(own).collect();
        level.sort_by(f64::total_cmp);
        lb += level.iter().take(problem.rule(role).min).sum::<f64>();
    }
    lb + points_bound(problem, plan, own)
}

/// What the points add to [`least_cost_bound`]: a least-cost plan serves at least the elders
/// `plan` serves (elders served come first). Centres and facilities that must stay serve at
/// most the villages any of them serves; the rest are served by village facilities the plan
/// opens, each serving at most the weight of its villages outside those. So the points cost at
/// least the fractional knapsack that buys the missing weight at the cheapest own cost per
/// elder (Dantzig's bound for the covering knapsack), valid whatever the links, budgets and
/// capacities.
fn points_bound(
    problem: &PolicyProblem,
    plan: &[Option<usize>],
    own: impl Fn(usize) -> f64,
) -> f64 {
    let mut free = vec![false; problem.weights.len()];
    for fac in &problem.facilities {
        if fac.serving() && fac.usable() && (fac.role == Role::Town || fac.fixed()) {
            fac.serves.iter().for_each(|&v| free[v as usize] = true);
        }
    }
    let free_weight: f64 = free
        .iter()
        .zip(&problem.weights)
        .filter(|(f, _)| **f)
        .map(|(_, w)| w)
        .sum();
    // Served as the criteria count it (within binding capacities); the sums' rounding must not
    // lift the bound past the optimum.
    let served = problem.served(plan).last().copied().unwrap_or(0.0);
    let mut missing = (served - free_weight) * (1.0 - 1e-9);
    let mut offers: Vec<(f64, f64)> = (0..problem.facilities.len())
        .filter(|&f| {
            let fac = &problem.facilities[f];
            fac.serving() && fac.usable() && fac.role != Role::Town && !fac.fixed()
        })
        .filter_map(|f| {
            let w: f64 = problem.facilities[f]
                .serves
                .iter()
                .filter(|&&v| !free[v as usize])
                .map(|&v| problem.weights[v as usize])
                .sum();
            (w > 0.0).then(|| (own(f), w))
        })
        .collect();
    offers.sort_by(|a, b| (a.0 / a.1).total_cmp(&(b.0 / b.1)));
    let mut cost = 0.0;
    for (c, w) in offers {
        if missing <= 0.0 {
            break;
        }
        cost += c * (missing / w).min(1.0);
        missing -= w;
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::least_cost_bound;
    use crate::policy::fixture::{facility, problem};
    use crate::scenario::{Objective, Role};

    /// A centre (10) serving village 0 (50 elders); points at 4 for villages 1 and 2 (30 + 10),
    /// at 6 for village 3 (20), at 9 for village 4 (10). A plan serving 100 elders (centre, the
    /// first and the last point) needs 50 beyond the centre's: the knapsack takes the first
    /// point whole (40 for 4) and half the second (10 of 20 for 3): 10 + 7. (The cheapest plan
    /// serving 100 costs 20: centre and the first two points.)
    #[test]
    fn the_least_cost_bound_buys_the_missing_elders_at_the_cheapest_rate() {
        let p = problem(
            vec![50.0, 30.0, 10.0, 20.0, 10.0],
            1,
            vec![
                facility(Role::Town, 0, 10.0, vec![0]),
                facility(Role::Village, 0, 4.0, vec![1, 2]),
                facility(Role::Village, 0, 6.0, vec![3]),
                facility(Role::Village, 0, 9.0, vec![4]),
            ],
            Objective::FullCoverage,
        );
        let plan = [Some(0), Some(0), None, Some(0)];
        let bound = least_cost_bound(&p, &plan);
        assert!((bound - 17.0).abs() < 1e-6, "{bound}");
    }
}
