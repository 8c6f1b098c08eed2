//! The decomposition heuristic for policy plans of any size.
//!
//! 1. **Centres**: each town needing one starts from the candidate that could serve most of its
//!    villages with its linkable points; then each town in turn tries every other candidate,
//!    re-solving the points, and keeps a change that improves the plan (coordinate descent).
//! 2. **Points given the centres**: the points linkable to the chosen centres form an ordinary
//!    covering problem: least-cost set cover (greedy by cost per newly served village, then
//!    redundant points dropped, dearest first) for full coverage, or the solver core's budgeted
//!    maximal covering ([`crate::solve::solve_mclp`]) under a budget.
//! 3. **Closures**: each closable existing facility is closed if the plan stays feasible and
//!    improves.
//! 4. **Schedule**: the chosen set is built year by year, each year buying the bundles (a point
//!    with its centre if that is not built yet) with the most newly served elders per unit cost,
//!    zero-gain bundles deferred; a budgeted plan then spends what is left on any further
//!    facility that serves someone new.
//!
//! The bound relaxes the town and linking rules: the Lagrangian bound of the pooled maximal
//! covering problem for each year's cumulative budget; for least cost only what every plan
//! pays, the cheapest centre of every town and the existing facilities that must stay (a weak
//! bound: the exact model is what proves least-cost plans).

use super::{Infeasible, PolicyProblem, PolicySolution};
use crate::scenario::{Objective, Role};
use crate::solve::{self, CoverProblem, Limit, SolveOptions};

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
    let mut chosen = select(problem, total_budget - county_paid, options)?;
    for f in county {
        chosen[f] = true;
    }
    let open_from = schedule(problem, &chosen)?;
    if let Err(v) = problem.check(&open_from) {
        return Err(Infeasible(format!(
            "the heuristic found no plan within every rule ({})",
            v.0
        )));
    }
    Ok(problem.solution(open_from, bound(problem, options), false, "heuristic"))
}

/// A plan's quality in its last year: (−elders served, cost, construction); smaller is better.
type Score = (f64, f64, f64);

/// The facilities of each town's centre candidates.
fn centre_candidates(problem: &PolicyProblem) -> Vec<Vec<usize>> {
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

/// What the budgets pay for `f` itself when it is opened (a new point's town subsidy aside).
fn paid(problem: &PolicyProblem, f: usize) -> f64 {
    let fac = &problem.facilities[f];
    if fac.existing { 0.0 } else { fac.paid }
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

/// Estimated construction cost of `f`.
fn build_cost(problem: &PolicyProblem, f: usize) -> f64 {
    let fac = &problem.facilities[f];
    if fac.existing { 0.0 } else { fac.cost }
}

/// Each town's new points and whether it builds its centre: what a further bundle of
/// facilities costs the budgets depends on them (the package of 000 §3(2)).
#[derive(Clone)]
struct Paid {
    points: Vec<usize>,
    centre: Vec<bool>,
}

impl Paid {
    fn new(problem: &PolicyProblem) -> Self {
        Self {
            points: vec![0; problem.n_towns],
            centre: vec![false; problem.n_towns],
        }
    }

    /// What the budgets pay for opening `bundle` now.
    fn cost(&self, problem: &PolicyProblem, bundle: &[usize]) -> f64 {
        let mut after = self.clone();
        let mut cost = 0.0;
        for &g in bundle {
            cost += paid(problem, g);
            after.add(problem, g);
        }
        let towns: std::collections::BTreeSet<usize> = bundle
            .iter()
            .filter_map(|&g| problem.facilities[g].town)
            .collect();
        for t in towns {
            cost += problem.points_paid(t, after.points[t], after.centre[t])
                - problem.points_paid(t, self.points[t], self.centre[t]);
        }
        cost
    }

    fn add(&mut self, problem: &PolicyProblem, f: usize) {
        let fac = &problem.facilities[f];
        if let (Some(t), false) = (fac.town, fac.existing) {
            match fac.role {
                Role::Village => self.points[t] += 1,
                Role::Town => self.centre[t] = true,
                Role::County | Role::Regional => {}
            }
        }
    }
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

/// The facilities of a county-level role.
fn of_role(problem: &PolicyProblem, role: Role) -> Vec<usize> {
    (0..problem.facilities.len())
        .filter(|&f| problem.facilities[f].role == role)
        .collect()
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
    // Coordinate descent on the centres.
    for _pass in 0..3 {
        let mut improved = false;
        for (t, cands) in by_town.iter().enumerate() {
            if centre[t].is_none_or(|c| problem.facilities[c].fixed()) {
                continue;
            }
            for &c in cands {
                if Some(c) == centre[t] {
                    continue;
                }
                let mut trial = centre.clone();
                trial[t] = Some(c);
                let candidate = complete(problem, &trial, &off, budget, &light);
                if candidate.1 < best.1 {
                    centre = trial;
                    best = candidate;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
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
    Ok(complete(problem, &centre, &off, budget, options).0)
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
fn complete(
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
    let centre_cost = paid_total(problem, &base);
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
        let mut picked: Vec<usize> = Vec::new();
        loop {
            let best = allowed
                .iter()
                .copied()
                .filter(|&f| !open[f])
                .filter_map(|f| {
                    let gain = problem.facilities[f]
                        .serves
                        .iter()
                        .filter(|&&v| !served[v as usize])
                        .count();
                    let cost = state.cost(problem, &[f])
                        + problem.operating_years * problem.facilities[f].operating;
                    (gain > 0).then(|| (f, cost / gain as f64, gain, build_cost(problem, f)))
                })
                .min_by(|a, b| {
                    a.1.total_cmp(&b.1)
                        .then(b.2.cmp(&a.2))
                        .then(a.3.total_cmp(&b.3))
                        .then(a.0.cmp(&b.0))
                });
            let Some((f, ..)) = best else { break };
            open[f] = true;
            state.add(problem, f);
            picked.push(f);
            problem.facilities[f]
                .serves
                .iter()
                .for_each(|&v| served[v as usize] = true);
        }
        // Drop redundant points, dearest first.
        picked.sort_by(|&a, &b| {
            life_cost(problem, b)
                .total_cmp(&life_cost(problem, a))
                .then(build_cost(problem, b).total_cmp(&build_cost(problem, a)))
                .then(a.cmp(&b))
        });
        for &f in &picked {
            open[f] = false;
            if served_by(problem, &open) != served {
                open[f] = true;
            }
        }
        if paid_total(problem, &open) <= budget * (1.0 + 1e-12) + 1e-9 {
            return (open.clone(), score(problem, &open));
        }
        open = base.clone();
    }
    // Under the budget: the solver core's maximal covering, centres and kept facilities fixed,
    // each point priced at the most it can cost (so the plan stays within the budget).
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

/// Villages served by the open serving facilities.
fn served_by(problem: &PolicyProblem, open: &[bool]) -> Vec<bool> {
    let mut served = vec![false; problem.weights.len()];
    for (f, fac) in problem.facilities.iter().enumerate() {
        if open[f] && fac.serving() {
            fac.serves.iter().for_each(|&v| served[v as usize] = true);
        }
    }
    served
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

/// A schedule being built: each facility's first open year, the villages served so far, what
/// each town has built (for the subsidies), and this year's money left and spent.
struct Build {
    open_from: Vec<Option<usize>>,
    served: Vec<bool>,
    paid: Paid,
    avail: f64,
    spent: f64,
}

impl Build {
    /// Whether town `t` already has an open centre.
    fn has_centre(&self, problem: &PolicyProblem, t: Option<usize>) -> bool {
        problem
            .facilities
            .iter()
            .enumerate()
            .any(|(g, fac)| self.open_from[g].is_some() && fac.role == Role::Town && fac.town == t)
    }

    /// Opens `bundle` in year `y`.
    fn open(&mut self, problem: &PolicyProblem, bundle: &[usize], y: usize) {
        let cost = self.paid.cost(problem, bundle);
        self.avail -= cost;
        self.spent += cost;
        for &g in bundle {
            self.open_from[g] = Some(y);
            self.paid.add(problem, g);
            if problem.facilities[g].serving() {
                for &v in &problem.facilities[g].serves {
                    self.served[v as usize] = true;
                }
            }
        }
    }

    /// Buys, in year `y`, the affordable bundles of `pool` facilities with the most newly
    /// served demand per unit cost, one at a time, until none is left; with `allow_zero` also
    /// those that serve nobody new. A point whose centre is not open comes bundled with it:
    /// the chosen one, else the cheapest in a town without a centre yet.
    fn fill(
        &mut self,
        problem: &PolicyProblem,
        chosen: &[bool],
        y: usize,
        pool: &dyn Fn(usize) -> bool,
        allow_zero: bool,
    ) {
        let n = problem.facilities.len();
        loop {
            let mut best: Option<(Vec<usize>, f64, f64)> = None;
            for f in 0..n {
                if self.open_from[f].is_some() || !pool(f) || y > problem.facilities[f].due {
                    continue;
                }
                let fac = &problem.facilities[f];
                if fac.role.county_level()
                    || (fac.role == Role::Town && self.has_centre(problem, fac.town))
                {
                    continue;
                }
                let mut bundle = vec![f];
                if fac.new_point()
                    && fac.needs_link
                    && !fac.links.iter().any(|&c| self.open_from[c].is_some())
                {
                    let centre = fac
                        .links
                        .iter()
                        .copied()
                        .filter(|&c| {
                            pool(c)
                                && y <= problem.facilities[c].due
                                && !self.has_centre(problem, problem.facilities[c].town)
                        })
                        .min_by(|&a, &b| {
                            (!chosen[a], paid(problem, a), build_cost(problem, a))
                                .partial_cmp(&(
                                    !chosen[b],
                                    paid(problem, b),
                                    build_cost(problem, b),
                                ))
                                .unwrap_or(std::cmp::Ordering::Equal)
                                .then(a.cmp(&b))
                        });
                    match centre {
                        Some(c) => bundle.push(c),
                        None => continue,
                    }
                }
                let cost = self.paid.cost(problem, &bundle);
                if cost > self.avail * (1.0 + 1e-12) + 1e-9 {
                    continue;
                }
                let mut new = vec![false; problem.weights.len()];
                for &g in &bundle {
                    for &v in &problem.facilities[g].serves {
                        new[v as usize] |= !self.served[v as usize];
                    }
                }
                let gain: f64 = new
                    .iter()
                    .zip(&problem.weights)
                    .filter(|(n, _)| **n)
                    .map(|(_, w)| w)
                    .sum();
                if gain <= 0.0 && !allow_zero {
                    continue;
                }
                let ratio = if cost > 0.0 {
                    gain / cost
                } else {
                    f64::INFINITY
                };
                let better = match &best {
                    None => true,
                    Some((_, r, g)) => ratio > *r || (ratio == *r && gain > *g),
                };
                if better {
                    best = Some((bundle, ratio, gain));
                }
            }
            let Some((bundle, _, _)) = best else { break };
            self.open(problem, &bundle, y);
        }
    }
}

/// Builds the chosen set year by year (see the module docs); chosen county centres are built
/// in the year they are due, their money kept back in the years before.
pub(crate) fn schedule(
    problem: &PolicyProblem,
    chosen: &[bool],
) -> Result<Vec<Option<usize>>, Infeasible> {
    let n = problem.facilities.len();
    let years = problem.n_years();
    let last = years - 1;
    let open_from: Vec<Option<usize>> = (0..n)
        .map(|f| (problem.facilities[f].existing && chosen[f]).then_some(0))
        .collect();
    let open: Vec<bool> = open_from.iter().map(Option::is_some).collect();
    let mut build = Build {
        served: served_by(problem, &open),
        open_from,
        paid: Paid::new(problem),
        avail: 0.0,
        spent: 0.0,
    };
    // County and regional centres, each role built in the year it is due (a regional target's
    // year if earlier).
    let levels: Vec<(Vec<usize>, usize)> = [Role::County, Role::Regional]
        .into_iter()
        .map(|role| {
            let fs: Vec<usize> = of_role(problem, role)
                .into_iter()
                .filter(|&f| chosen[f] && build.open_from[f].is_none())
                .collect();
            let mut due = problem.rule(role).by.min(last);
            if role == Role::Regional {
                due = problem.targets.iter().map(|t| t.by).fold(due, usize::min);
            }
            (fs, due)
        })
        .collect();
    let in_chosen = |f: usize| chosen[f];
    let any_new = |f: usize| !problem.facilities[f].existing;
    let (mut spent_before, mut budget_before) = (0.0, 0.0);
    for y in 0..years {
        budget_before += problem.budgets[y];
        build.avail = if problem.carry_over {
            budget_before - spent_before
        } else {
            problem.budgets[y]
        };
        build.spent = 0.0;
        let mut held = 0.0;
        for (fs, due) in &levels {
            if y == *due {
                build.open(problem, fs, y);
            } else if y < *due && problem.carry_over {
                // Keep back what they need beyond the money still to come by then.
                let to_come: f64 = problem.budgets[y + 1..=*due].iter().sum();
                let needs: f64 = fs.iter().map(|&f| paid(problem, f)).sum();
                held += (needs - to_come).max(0.0);
            }
        }
        build.avail -= held;
        build.fill(problem, chosen, y, &in_chosen, false);
        if y == last || !problem.carry_over {
            // Facilities that serve nobody new (centres required by the rules) are bought
            // when nothing better is left, at the latest in the last year (or their tier's).
            build.fill(problem, chosen, y, &in_chosen, true);
            if problem.objective == Objective::MaxCoverage {
                // Left-over money: anything that serves someone new and keeps the rules.
                build.fill(problem, chosen, y, &any_new, false);
            }
        } else {
            let due_now = |f: usize| chosen[f] && problem.facilities[f].due == y;
            build.fill(problem, chosen, y, &due_now, true);
        }
        spent_before += build.spent;
    }
    let open_from = build.open_from;
    // Points left unbuilt only serve fewer; a missing centre breaks the rules.
    if let Some(f) = (0..n)
        .find(|&f| chosen[f] && open_from[f].is_none() && problem.facilities[f].role == Role::Town)
    {
        return Err(Infeasible(format!(
            "the yearly budgets cannot fund a centre in every town by its year (facility {f} left unbuilt); raise a budget or allow carry_over"
        )));
    }
    Ok(open_from)
}

/// A bound on the best plan (see the module docs).
fn bound(problem: &PolicyProblem, options: &SolveOptions) -> f64 {
    let n = problem.facilities.len();
    match problem.objective {
        Objective::MaxCoverage => {
            // Serving facilities pooled, each at what it alone costs (a point's town subsidy
            // may be nothing, inside the package): no plan serves more in any year.
            let serving: Vec<usize> = (0..n)
                .filter(|&f| problem.facilities[f].serving())
                .collect();
            let mut cumulative = 0.0;
            let mut total = 0.0;
            for &b in &problem.budgets {
                cumulative += b;
                let cover = cover_over(
                    problem,
                    &serving,
                    |f| paid(problem, f),
                    |f| problem.facilities[f].fixed(),
                    Limit::Budget(cumulative),
                );
                let lower = 0.0;
                total +=
                    solve::lagrangian::upper_bound(&cover, lower, options.bound_iterations.max(50));
            }
            total
        }
        Objective::FullCoverage => {
            let own = |f: usize| {
                paid(problem, f) + problem.operating_years * problem.facilities[f].operating
            };
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
            // Fixed village facilities operate whatever the plan; the county's minimum of
            // care centres is paid, at the cheapest.
            lb += (0..n)
                .filter(|&f| {
                    problem.facilities[f].fixed() && problem.facilities[f].role == Role::Village
                })
                .map(own)
                .sum::<f64>();
            for role in [Role::County, Role::Regional] {
                let mut level: Vec<f64> = of_role(problem, role).into_iter().map(own).collect();
                level.sort_by(f64::total_cmp);
                lb += level.iter().take(problem.rule(role).min).sum::<f64>();
            }
            // Points add nothing here: the least-cost plan need not serve every village a
            // point could (it serves the most the rules allow), so no point is certain.
            lb
        }
    }
}
