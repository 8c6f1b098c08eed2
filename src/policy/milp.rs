//! The exact policy model (see the [module docs](super)) through good_lp, warm-started from the
//! heuristic's plan. Villages with the same serving facilities are merged into one demand
//! group; facilities that exist and may not close are constants, not variables.

use super::PolicyProblem;
use crate::scenario::{Objective, Role};
use crate::solve::milp::solve_model;
use good_lp::{Expression, ProblemVariables, Variable, variable};
use std::collections::BTreeMap;

/// A facility's value in a year: a constant (open or closed) or a variable.
#[derive(Clone, Copy)]
enum Open {
    Const(f64),
    Var(Variable),
}

impl Open {
    fn expr(self) -> Expression {
        match self {
            Open::Const(c) => Expression::from(c),
            Open::Var(v) => Expression::from(v),
        }
    }
}

/// Solves the exact model; returns each facility's first open year and whether optimality was
/// proven, or `None` if the solver found no plan in time. `warm` is a feasible plan.
pub fn solve(
    problem: &PolicyProblem,
    warm: &[Option<usize>],
    time_limit_s: f64,
) -> Option<(Vec<Option<usize>>, bool)> {
    // The lexicographic stages of the objective (see the module docs); each keeps what the
    // previous ones reached and is warm-started from its plan.
    let county_choice = problem
        .facilities
        .iter()
        .any(|f| f.role == Role::County && !f.fixed());
    // Construction is a criterion of its own only where least cost counts something else:
    // the budgets pay subsidies, or operation adds to it (plans of equal cost may then
    // differ in construction).
    let subsidised = problem.facilities.iter().any(|f| f.paid != f.cost)
        || problem.point_subsidy.iter().any(|s| s.point > 0.0)
        || (problem.operating_years > 0.0 && problem.facilities.iter().any(|f| f.operating > 0.0));
    let several_years = problem.n_years() > 1;
    let stages: Vec<Goal> = match problem.objective {
        Objective::FullCoverage => vec![
            Goal::ServedLast,
            Goal::CountyCover,
            Goal::LeastCost,
            Goal::Construction,
            Goal::ElderYears,
        ],
        Objective::MaxCoverage => vec![
            Goal::ElderYears,
            Goal::CountyCover,
            Goal::LeastCost,
            Goal::Construction,
        ],
    }
    .into_iter()
    .filter(|g| match g {
        Goal::CountyCover => county_choice,
        Goal::Construction => subsidised,
        Goal::ElderYears => several_years || problem.objective == Objective::MaxCoverage,
        _ => true,
    })
    .collect();
    let mut floors = Floors::default();
    let mut plan = warm.to_vec();
    let mut proven = true;
    // `time_limit_s` bounds the whole model, not each stage: a stage gets what the earlier
    // ones left, and once that is spent the plan stands as the last stage left it, unproven.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs_f64(time_limit_s);
    for (k, &goal) in stages.iter().enumerate() {
        let left = deadline
            .saturating_duration_since(std::time::Instant::now())
            .as_secs_f64();
        if k > 0 && left <= 0.0 {
            proven = false;
            break;
        }
        // Full coverage's last stage schedules the sites the earlier ones chose: the most
        // elder-years for that set of sites (a multi-year knapsack over the whole model is
        // beyond the pure-Rust solver in time, and the set is what the cost criteria decide).
        let only: Option<Vec<bool>> = (goal == Goal::ElderYears
            && problem.objective == Objective::FullCoverage)
            .then(|| plan.iter().map(Option::is_some).collect());
        let solved = build(problem, &plan, goal, &floors, only.as_deref(), left)
            .filter(|(p, _)| problem.check(p).is_ok());
        match solved {
            Some((p, ok)) => {
                plan = p;
                proven &= ok;
            }
            None if k == 0 => return None,
            None => proven = false,
        }
        let served = problem.served(&plan);
        match goal {
            Goal::ServedLast => floors.served_last = served.last().copied(),
            Goal::ElderYears => floors.elder_years = Some(served.iter().sum()),
            Goal::CountyCover => floors.county = Some(problem.county_covered(&plan)),
            Goal::LeastCost => floors.cost = Some(problem.total_cost(&plan)),
            Goal::Construction => floors.construction = Some(problem.construction(&plan)),
        }
    }
    Some((plan, proven))
}

/// Under binding capacities, a warm plan's served share per demand group (keyed by its
/// serving facilities), and the weight each group sends each capacitated facility.
type WarmShares<'a> = (
    BTreeMap<&'a [usize], f64>,
    BTreeMap<(&'a [usize], usize), f64>,
);

/// What one stage optimizes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Goal {
    /// Most elders served in the last year.
    ServedLast,
    /// Most elder-years.
    ElderYears,
    /// Most elders within a county centre's radius in the last year.
    CountyCover,
    /// Least paid by the budgets plus operating cost.
    LeastCost,
    /// Least estimated construction cost.
    Construction,
}

/// What earlier stages reached and later ones must keep.
#[derive(Default)]
struct Floors {
    served_last: Option<f64>,
    elder_years: Option<f64>,
    county: Option<f64>,
    cost: Option<f64>,
    construction: Option<f64>,
}

/// One solve for `goal`, keeping `floors`.
#[allow(clippy::needless_range_loop)] // years index several parallel arrays
fn build(
    problem: &PolicyProblem,
    warm: &[Option<usize>],
    goal: Goal,
    floors: &Floors,
    only: Option<&[bool]>,
    time_limit_s: f64,
) -> Option<(Vec<Option<usize>>, bool)> {
    let years = problem.n_years();
    let last = years - 1;
    // Money and demand in units near 1: the solver's tolerances are absolute, and costs in
    // the millions beside elders in the thousands invite wrong cut-offs.
    let money = problem
        .facilities
        .iter()
        .map(|f| f.cost.max(f.paid) + problem.operating_years * f.operating)
        .chain(problem.budgets.iter().copied())
        .fold(1.0, f64::max);
    let people = problem.weights.iter().copied().fold(1.0, f64::max);
    let mut vars = ProblemVariables::new();
    let mut warm_values: Vec<(Variable, f64)> = Vec::new();
    let warm_open = |f: usize, y: usize| warm[f].is_some_and(|s| s <= y);
    let dominated = problem.dominated();
    let open: Vec<Vec<Open>> = problem
        .facilities
        .iter()
        .enumerate()
        .map(|(f, fac)| {
            if (dominated[f] && !warm_open(f, last)) || only.is_some_and(|o| !o[f]) {
                vec![Open::Const(0.0); years]
            } else if fac.fixed() {
                vec![Open::Const(1.0); years]
            } else if fac.existing {
                let v = vars.add(variable().binary());
                warm_values.push((v, if warm_open(f, 0) { 1.0 } else { 0.0 }));
                vec![Open::Var(v); years]
            } else {
                // Built by its year `due` or never: later years share that year's variable.
                let due = fac.due.min(last);
                let mut row: Vec<Open> = (0..=due)
                    .map(|y| {
                        let v = vars.add(variable().binary());
                        warm_values.push((v, if warm_open(f, y) { 1.0 } else { 0.0 }));
                        Open::Var(v)
                    })
                    .collect();
                row.resize(years, row[due]);
                row
            }
        })
        .collect();
    let mut constraints = Vec::new();
    // Scheduling a given set: each of its facilities open by the last year.
    if let Some(o) = only {
        for (f, row) in open.iter().enumerate() {
            if let (true, Open::Var(v)) = (o[f], row[last]) {
                constraints.push(Expression::from(v).eq(1.0));
            }
        }
    }
    // Nothing built is undone.
    for row in &open {
        for y in 1..years {
            if let (Open::Var(a), Open::Var(b)) = (row[y - 1], row[y])
                && a != b
            {
                constraints.push((Expression::from(a) - b).leq(0.0));
            }
        }
    }
    // One centre per town, exactly one by the last year where required.
    let mut town_centres: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (f, fac) in problem.facilities.iter().enumerate() {
        if fac.role == Role::Town
            && let Some(t) = fac.town
        {
            town_centres.entry(t).or_default().push(f);
        }
    }
    // County and regional centres: at least the minimum by its year, at most the maximum.
    for role in [Role::County, Role::Regional] {
        let rule = problem.rule(role);
        let level: Vec<usize> = (0..problem.facilities.len())
            .filter(|&f| problem.facilities[f].role == role)
            .collect();
        let n_open = |y: usize| -> Expression { level.iter().map(|&f| open[f][y].expr()).sum() };
        if rule.min > 0 {
            constraints.push(n_open(rule.by).geq(rule.min as f64));
        }
        if rule.max < level.len() {
            constraints.push(n_open(last).leq(rule.max as f64));
        }
    }
    regional_targets(
        problem,
        &open,
        warm,
        people,
        &mut vars,
        &mut constraints,
        &mut warm_values,
    );
    let centre_due = problem.centre_dues();
    for (&t, fs) in &town_centres {
        for y in 0..years {
            let sum: Expression = fs.iter().map(|&f| open[f][y].expr()).sum();
            if y >= centre_due[t] && problem.needs_centre[t] {
                constraints.push(sum.eq(1.0));
            } else {
                constraints.push(sum.leq(1.0));
            }
        }
    }
    // Every new point linked to an open centre of its town.
    for (f, fac) in problem.facilities.iter().enumerate() {
        if fac.new_point() && fac.needs_link {
            for y in 0..years {
                let links: Expression = fac.links.iter().map(|&c| open[c][y].expr()).sum();
                constraints.push((open[f][y].expr() - links).leq(0.0));
            }
        }
    }
    // Budgets. A town's point subsidy beyond its package is `point · E_{t,y}`, with the excess
    // E_{t,y} = max(0, N_{t,y} − included · B_{t,y}) (N: its new points open, B: its new centre
    // open). With carry-over only cumulative spend is bounded and E ≥ both terms is exact (a
    // larger E only spends more); without it each year's increment counts, so E is pinned to
    // the maximum by a binary (big-M) per town and year.
    let mut excess: Vec<Option<Vec<Variable>>> = vec![None; problem.n_towns];
    for t in 0..problem.n_towns {
        let sub = problem.point_subsidy[t];
        let pts: Vec<usize> = (0..problem.facilities.len())
            .filter(|&f| problem.facilities[f].new_point() && problem.facilities[f].town == Some(t))
            .collect();
        if sub.point <= 0.0 || pts.is_empty() {
            continue;
        }
        let new_centres: Vec<usize> = (0..problem.facilities.len())
            .filter(|&f| {
                let c = &problem.facilities[f];
                c.role == Role::Town && !c.existing && c.town == Some(t)
            })
            .collect();
        let big_m = (pts.len() + sub.points_included) as f64;
        let mut row = Vec::with_capacity(years);
        for y in 0..years {
            let n: Expression = pts.iter().map(|&f| open[f][y].expr()).sum();
            let b: Expression = new_centres.iter().map(|&f| open[f][y].expr()).sum();
            let lhs = n - sub.points_included as f64 * b;
            let e = vars.add(variable().min(0.0));
            constraints.push((Expression::from(e) - lhs.clone()).geq(0.0));
            if !problem.carry_over {
                let d = vars.add(variable().binary());
                constraints.push(
                    (Expression::from(e) - lhs - big_m * (1.0 - Expression::from(d))).leq(0.0),
                );
                constraints.push((Expression::from(e) - big_m * d).leq(0.0));
            }
            row.push(e);
        }
        excess[t] = Some(row);
    }
    let excess_at = |y: usize| -> Expression {
        excess
            .iter()
            .enumerate()
            .filter_map(|(t, row)| {
                row.as_ref()
                    .map(|r| problem.point_subsidy[t].point / money * r[y])
            })
            .sum()
    };
    let spend = |y: usize| -> Expression {
        let own: Expression = problem
            .facilities
            .iter()
            .enumerate()
            .filter(|(_, fac)| !fac.existing && fac.paid > 0.0)
            .map(|(f, fac)| {
                let now = open[f][y].expr();
                let before = if y == 0 {
                    Expression::from(0.0)
                } else {
                    open[f][y - 1].expr()
                };
                fac.paid / money * (now - before)
            })
            .sum();
        let before = if y == 0 {
            Expression::from(0.0)
        } else {
            excess_at(y - 1)
        };
        own + excess_at(y) - before
    };
    let mut cumulative = Expression::from(0.0);
    let mut budget = 0.0;
    for y in 0..years {
        let s = spend(y);
        if problem.carry_over {
            cumulative += s;
            budget += problem.budgets[y] / money;
            constraints.push(cumulative.clone().leq(budget));
        } else {
            constraints.push(s.leq(problem.budgets[y] / money));
        }
    }
    // Demand groups: villages with the same serving facilities.
    let mut groups: BTreeMap<Vec<usize>, f64> = BTreeMap::new();
    let mut serving: Vec<Vec<usize>> = vec![Vec::new(); problem.weights.len()];
    let mut county_serving: Vec<Vec<usize>> = vec![Vec::new(); problem.weights.len()];
    for (f, fac) in problem.facilities.iter().enumerate() {
        if matches!(open[f][last], Open::Const(c) if c == 0.0) {
            continue;
        }
        let lists = match fac.role {
            Role::Regional => continue,
            Role::County => &mut county_serving,
            Role::Town | Role::Village => &mut serving,
        };
        for &v in &fac.serves {
            lists[v as usize].push(f);
        }
    }
    // County coverage in the last year, by groups of villages the same county centres reach.
    let mut county_groups: BTreeMap<Vec<usize>, f64> = BTreeMap::new();
    for (v, fs) in county_serving.into_iter().enumerate() {
        if !fs.is_empty() {
            *county_groups.entry(fs).or_default() += problem.weights[v] / people;
        }
    }
    let mut county_last = Expression::from(0.0);
    for (fs, &w) in &county_groups {
        if fs.iter().any(|&f| problem.facilities[f].fixed()) {
            county_last += w;
            continue;
        }
        let cover: Expression = fs.iter().map(|&f| open[f][last].expr()).sum();
        let z = vars.add(variable().min(0.0).max(1.0));
        warm_values.push((
            z,
            if fs.iter().any(|&f| warm_open(f, last)) {
                1.0
            } else {
                0.0
            },
        ));
        constraints.push((Expression::from(z) - cover).leq(0.0));
        county_last += w * z;
    }
    let capacity = |f: usize| problem.facilities[f].capacity;
    let mut always = 0.0;
    let mut group_of: Vec<Option<Vec<usize>>> = vec![None; problem.weights.len()];
    for (v, fs) in serving.into_iter().enumerate() {
        if fs.is_empty() {
            continue;
        }
        if fs
            .iter()
            .any(|&f| problem.facilities[f].fixed() && capacity(f).is_none())
        {
            always += problem.weights[v] / people;
            continue;
        }
        *groups.entry(fs.clone()).or_default() += problem.weights[v] / people;
        group_of[v] = Some(fs);
    }
    // The warm plan's assignment under binding capacities: each group's served share and its
    // weight at each capacitated facility, per year.
    let warm_assignment: Vec<Option<WarmShares>> = (0..years)
        .map(|y| {
            problem.capacitated().then(|| {
                let a = problem.assignment(&|f| warm_open(f, y));
                let (mut served, mut at) = (BTreeMap::new(), BTreeMap::new());
                for (v, g) in group_of.iter().enumerate() {
                    if let Some(g) = g {
                        *served.entry(g.as_slice()).or_insert(0.0) +=
                            a.share[v] * problem.weights[v] / people;
                    }
                }
                for &(v, f, x) in &a.flows {
                    if let Some(g) = &group_of[v as usize] {
                        *at.entry((g.as_slice(), f)).or_insert(0.0) += x / people;
                    }
                }
                (served, at)
            })
        })
        .collect();
    let mut elder_years = Expression::from(always * years as f64);
    let mut served_last = Expression::from(always);
    // Per capacitated facility and year, the weight its groups send it.
    let mut load: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    for (fs, &w) in &groups {
        for y in 0..years {
            // Served by any open facility without a capacity, or by a share `x` of the
            // group at each capacitated one (at most 1, and only while it is open).
            let mut cover = Expression::from(0.0);
            for &f in fs {
                if capacity(f).is_none() {
                    cover += open[f][y].expr();
                    continue;
                }
                let x = vars.add(variable().min(0.0).max(1.0));
                let warm_x = warm_assignment[y]
                    .as_ref()
                    .and_then(|(_, at)| at.get(&(fs.as_slice(), f)))
                    .map_or(0.0, |&x| (x / w).min(1.0));
                warm_values.push((x, warm_x));
                constraints.push((Expression::from(x) - open[f][y].expr()).leq(0.0));
                cover += x;
                *load.entry((f, y)).or_default() += w * x;
            }
            let z = vars.add(variable().min(0.0).max(1.0));
            let warm_z = match &warm_assignment[y] {
                Some((served, _)) => served.get(fs.as_slice()).map_or(0.0, |&s| (s / w).min(1.0)),
                None => f64::from(u8::from(fs.iter().any(|&f| warm_open(f, y)))),
            };
            warm_values.push((z, warm_z));
            constraints.push((Expression::from(z) - cover).leq(0.0));
            elder_years += w * z;
            if y == last {
                served_last += w * z;
            }
        }
    }
    // Binding capacities (`capacity_binding`): what a facility serves fits it.
    for ((f, y), sent) in load {
        let c = capacity(f).unwrap_or(f64::INFINITY) / people;
        constraints.push((sent - c * open[f][y].expr()).leq(0.0));
    }
    if let Some(s) = problem.min_share {
        let total: f64 = problem.weights.iter().sum::<f64>() / people;
        constraints.push(served_last.clone().geq(s * total));
    }
    let total_cost: Expression = problem
        .facilities
        .iter()
        .enumerate()
        .map(|(f, fac)| {
            let c = (if fac.existing { 0.0 } else { fac.paid }
                + problem.operating_years * fac.operating)
                / money;
            c * open[f][last].expr()
        })
        .sum::<Expression>()
        + excess_at(last);
    let construction: Expression = problem
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, fac)| !fac.existing)
        .map(|(f, fac)| fac.cost / money * open[f][last].expr())
        .sum();
    // Floors give a little (1e-5 relative): a solver's feasibility tolerance (HiGHS: 1e-6 on
    // rows, after its own scaling) must not turn "at least what the last stage reached" into
    // infeasible. A hundred-thousandth of an elder-year or a yuan changes no plan's ranking
    // that matters.
    let slack = |x: f64| 1e-5 * x.abs().max(1.0);
    if let Some(s) = floors.served_last.map(|s| s / people) {
        constraints.push(served_last.clone().geq(s - slack(s)));
    }
    if let Some(e) = floors.elder_years.map(|e| e / people) {
        constraints.push(elder_years.clone().geq(e - slack(e)));
    }
    if let Some(c) = floors.county.map(|c| c / people) {
        constraints.push(county_last.clone().geq(c - slack(c)));
    }
    if let Some(c) = floors.cost.map(|c| c / money) {
        constraints.push(total_cost.clone().leq(c + slack(c)));
    }
    if let Some(c) = floors.construction.map(|c| c / money) {
        constraints.push(construction.clone().leq(c + slack(c)));
    }
    let (maximize, objective) = match goal {
        Goal::ServedLast => (true, served_last),
        Goal::ElderYears => (true, elder_years),
        Goal::CountyCover => (true, county_last),
        Goal::LeastCost => (false, total_cost),
        Goal::Construction => (false, construction),
    };
    let xs: Vec<Variable> = open
        .iter()
        .flatten()
        .filter_map(|o| match o {
            Open::Var(v) => Some(*v),
            Open::Const(_) => None,
        })
        .collect();
    let (values, proven, _) = solve_model(
        vars,
        maximize,
        objective,
        constraints,
        warm_values,
        time_limit_s,
        &xs,
    )?;
    let value: std::collections::HashMap<Variable, f64> = xs.into_iter().zip(values).collect();
    let is_open = |o: Open| match o {
        Open::Const(c) => c > 0.5,
        Open::Var(v) => value[&v] > 0.5,
    };
    let open_from = open
        .iter()
        .map(|row| (0..years).find(|&y| is_open(row[y])))
        .collect();
    Some((open_from, proven))
}

/// The regional coverage targets (004 §1(1)): in each target's year, the villages within an
/// open regional centre's radius (`r ≤ Σ o`, by groups of villages the same centres reach,
/// per town when townships are counted) hold at least the target's weight; counting
/// townships, a binary `c_t` per town marks it covered, needing `township_share` of its
/// weight reached, and enough towns are marked.
fn regional_targets(
    problem: &PolicyProblem,
    open: &[Vec<Open>],
    warm: &[Option<usize>],
    people: f64,
    vars: &mut ProblemVariables,
    constraints: &mut Vec<good_lp::Constraint>,
    warm_values: &mut Vec<(Variable, f64)>,
) {
    let town_weight = problem.town_weights();
    for target in &problem.targets {
        let y = target.by;
        let warm_reached = problem.regionally_reached(warm, y);
        // (town or none, reaching facilities) → weight, and whether the warm plan reaches it.
        let mut groups: BTreeMap<(Option<usize>, Vec<usize>), (f64, bool)> = BTreeMap::new();
        let mut reaching: Vec<Vec<usize>> = vec![Vec::new(); problem.weights.len()];
        for (f, fac) in problem.facilities.iter().enumerate() {
            if fac.role != Role::Regional || matches!(open[f][y], Open::Const(c) if c == 0.0) {
                continue;
            }
            for &v in &fac.serves {
                reaching[v as usize].push(f);
            }
        }
        for (v, fs) in reaching.into_iter().enumerate() {
            if fs.is_empty() {
                continue;
            }
            let town = target.township_share.map(|_| problem.village_town[v]);
            let g = groups.entry((town, fs)).or_default();
            g.0 += problem.weights[v] / people;
            g.1 |= warm_reached[v];
        }
        let mut reached_in: BTreeMap<Option<usize>, Expression> = BTreeMap::new();
        for ((town, fs), &(w, warm_z)) in &groups {
            let cover: Expression = fs.iter().map(|&f| open[f][y].expr()).sum();
            let z = vars.add(variable().min(0.0).max(1.0));
            warm_values.push((z, if warm_z { 1.0 } else { 0.0 }));
            constraints.push((Expression::from(z) - cover).leq(0.0));
            *reached_in.entry(*town).or_default() += w * z;
        }
        let needed = problem.target_needed(target);
        match target.township_share {
            None => {
                let all: Expression = reached_in.into_values().sum();
                constraints.push(all.geq(needed / people * (1.0 - 1e-9)));
            }
            Some(share) => {
                let covered_warm = {
                    let mut hit = vec![0.0; problem.n_towns];
                    for v in (0..warm_reached.len()).filter(|&v| warm_reached[v]) {
                        hit[problem.village_town[v]] += problem.weights[v];
                    }
                    hit
                };
                let mut towns = Expression::from(0.0);
                for (town, reached) in reached_in {
                    let t = town.expect("townships are counted per town");
                    if town_weight[t] <= 0.0 {
                        continue;
                    }
                    let c = vars.add(variable().binary());
                    let warm_c = covered_warm[t] >= share * town_weight[t] * (1.0 - 1e-9);
                    warm_values.push((c, if warm_c { 1.0 } else { 0.0 }));
                    let need = share * town_weight[t] / people * (1.0 - 1e-9);
                    constraints.push((reached - need * Expression::from(c)).geq(0.0));
                    towns += c;
                }
                constraints.push(towns.geq(needed));
            }
        }
    }
}
