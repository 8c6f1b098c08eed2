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
    let stages: &[Goal] = match (problem.objective, problem.n_years()) {
        (Objective::FullCoverage, 1) => &[Goal::ServedLast, Goal::LeastCost],
        (Objective::FullCoverage, _) => &[Goal::ServedLast, Goal::LeastCost, Goal::ElderYears],
        (Objective::MaxCoverage, _) => &[Goal::ElderYears, Goal::LeastCost],
    };
    let mut floors = Floors::default();
    let mut plan = warm.to_vec();
    let mut proven = true;
    for (k, &goal) in stages.iter().enumerate() {
        let solved = build(problem, &plan, goal, &floors, time_limit_s)
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
            Goal::LeastCost => floors.cost = Some(problem.total_cost(&plan)),
        }
    }
    Some((plan, proven))
}

/// What one stage optimizes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Goal {
    /// Most elders served in the last year.
    ServedLast,
    /// Most elder-years.
    ElderYears,
    /// Least construction plus operating cost.
    LeastCost,
}

/// What earlier stages reached and later ones must keep.
#[derive(Default)]
struct Floors {
    served_last: Option<f64>,
    elder_years: Option<f64>,
    cost: Option<f64>,
}

/// One solve for `goal`, keeping `floors`.
#[allow(clippy::needless_range_loop)] // years index several parallel arrays
fn build(
    problem: &PolicyProblem,
    warm: &[Option<usize>],
    goal: Goal,
    floors: &Floors,
    time_limit_s: f64,
) -> Option<(Vec<Option<usize>>, bool)> {
    let years = problem.n_years();
    let last = years - 1;
    // Money and demand in units near 1: the solver's tolerances are absolute, and costs in
    // the millions beside elders in the thousands invite wrong cut-offs.
    let money = problem
        .facilities
        .iter()
        .map(|f| f.cost + problem.operating_years * f.operating)
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
            if dominated[f] && !warm_open(f, last) {
                vec![Open::Const(0.0); years]
            } else if fac.fixed() {
                vec![Open::Const(1.0); years]
            } else if fac.existing {
                let v = vars.add(variable().binary());
                warm_values.push((v, if warm_open(f, 0) { 1.0 } else { 0.0 }));
                vec![Open::Var(v); years]
            } else {
                (0..years)
                    .map(|y| {
                        let v = vars.add(variable().binary());
                        warm_values.push((v, if warm_open(f, y) { 1.0 } else { 0.0 }));
                        Open::Var(v)
                    })
                    .collect()
            }
        })
        .collect();
    let mut constraints = Vec::new();
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
    for (&t, fs) in &town_centres {
        for y in 0..years {
            let sum: Expression = fs.iter().map(|&f| open[f][y].expr()).sum();
            if y == last && problem.needs_centre[t] {
                constraints.push(sum.eq(1.0));
            } else {
                constraints.push(sum.leq(1.0));
            }
        }
    }
    // Every new point linked to an open centre of its town.
    for (f, fac) in problem.facilities.iter().enumerate() {
        if fac.role == Role::Village && !fac.existing {
            for y in 0..years {
                let links: Expression = fac.links.iter().map(|&c| open[c][y].expr()).sum();
                constraints.push((open[f][y].expr() - links).leq(0.0));
            }
        }
    }
    // Budgets.
    let spend = |y: usize| -> Expression {
        problem
            .facilities
            .iter()
            .enumerate()
            .filter(|(_, fac)| !fac.existing && fac.cost > 0.0)
            .map(|(f, fac)| {
                let now = open[f][y].expr();
                let before = if y == 0 {
                    Expression::from(0.0)
                } else {
                    open[f][y - 1].expr()
                };
                fac.cost / money * (now - before)
            })
            .sum()
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
    for (f, fac) in problem.facilities.iter().enumerate() {
        if matches!(open[f][last], Open::Const(c) if c == 0.0) {
            continue;
        }
        for &v in &fac.serves {
            serving[v as usize].push(f);
        }
    }
    let mut always = 0.0;
    for (v, fs) in serving.into_iter().enumerate() {
        if fs.is_empty() {
            continue;
        }
        if fs.iter().any(|&f| problem.facilities[f].fixed()) {
            always += problem.weights[v] / people;
            continue;
        }
        *groups.entry(fs).or_default() += problem.weights[v] / people;
    }
    let mut elder_years = Expression::from(always * years as f64);
    let mut served_last = Expression::from(always);
    for (fs, &w) in &groups {
        for y in 0..years {
            let cover: Expression = fs.iter().map(|&f| open[f][y].expr()).sum();
            let z = vars.add(variable().min(0.0).max(1.0));
            let warm_z = fs.iter().any(|&f| warm_open(f, y));
            warm_values.push((z, if warm_z { 1.0 } else { 0.0 }));
            constraints.push((Expression::from(z) - cover.clone()).leq(0.0));
            elder_years += w * z;
            if y == last {
                served_last += w * z;
            }
        }
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
            let c = (if fac.existing { 0.0 } else { fac.cost }
                + problem.operating_years * fac.operating)
                / money;
            c * open[f][last].expr()
        })
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
    if let Some(c) = floors.cost.map(|c| c / money) {
        constraints.push(total_cost.clone().leq(c + slack(c)));
    }
    let (maximize, objective) = match goal {
        Goal::ServedLast => (true, served_last),
        Goal::ElderYears => (true, elder_years),
        Goal::LeastCost => (false, total_cost),
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
