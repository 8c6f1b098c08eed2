//! Exact solutions through a MILP solver (good_lp): pure-Rust microlp by default, HiGHS with the
//! `highs` feature. Models are built on a presolved instance:
//!
//! - demands already covered by fixed sites, or coverable by no free site, leave the model;
//! - demands with identical sets of covering sites are merged (weights added);
//! - a free site whose coverage is a subset of another's at no lower cost is dropped
//!   (swapping it for the other never hurts).
//!
//! Every solve is warm-started from the heuristic's solution and stops at the time limit with the
//! best solution found, never an error. A solve counts as proven when the solver reports it
//! optimal within its own relative gap tolerance (HiGHS's default `mip_rel_gap`, 10⁻⁴, as
//! CPLEX's and Gurobi's defaults), as well as exactly.

use good_lp::{
    Expression, ProblemVariables, Solution as _, SolverModel, Variable, WithInitialSolution,
    WithTimeLimit, variable,
};
use std::collections::HashMap;

#[cfg(feature = "highs")]
use good_lp::highs as backend;
#[cfg(not(feature = "highs"))]
use good_lp::microlp as backend;

/// The MILP backend this build uses.
pub const BACKEND: &str = if cfg!(feature = "highs") {
    "highs"
} else {
    "microlp"
};

/// What an exact solve returned.
#[derive(Clone, Debug, PartialEq)]
pub struct MilpOutcome {
    /// Open sites (fixed ones included), ascending.
    pub open: Vec<usize>,
    /// Whether the solver proved optimality (false: stopped at the time limit).
    pub proven: bool,
}

/// A covering structure after presolve.
#[derive(Clone, Debug)]
pub struct Reduced {
    /// Free sites kept (indices into the original sites).
    pub sites: Vec<usize>,
    /// Demand groups: total weight and the kept sites covering them (positions in `sites`).
    pub groups: Vec<(f64, Vec<usize>)>,
}

/// Presolves a covering structure. `covers[j]` lists the demands of site `j`; `fixed` sites are
/// open; `cost[j]` is the site's cost (domination requires no higher cost).
pub fn presolve(
    weights: &[f64],
    covers: &[Vec<u32>],
    fixed: &[bool],
    cost: &[f64],
    keep_zero_weight: bool,
) -> Reduced {
    let n = weights.len();
    let mut covered_by_fixed = vec![false; n];
    for (j, c) in covers.iter().enumerate() {
        if fixed[j] {
            for &i in c {
                covered_by_fixed[i as usize] = true;
            }
        }
    }
    let active =
        |i: u32| !covered_by_fixed[i as usize] && (keep_zero_weight || weights[i as usize] > 0.0);
    let free: Vec<usize> = (0..covers.len())
        .filter(|&j| !fixed[j] && cost[j].is_finite())
        .collect();
    let sets: Vec<Vec<u32>> = free
        .iter()
        .map(|&j| covers[j].iter().copied().filter(|&i| active(i)).collect())
        .collect();
    // Drop dominated sites: set ⊆ another's with cost ≤ (ties: keep the smaller index).
    let dropped = dominated(&sets, |a, b| cost[free[a]] <= cost[free[b]]);
    let kept: Vec<usize> = (0..free.len()).filter(|&a| !dropped[a]).collect();
    let mut by_demand: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (pos, &a) in kept.iter().enumerate() {
        for &i in &sets[a] {
            by_demand[i as usize].push(pos);
        }
    }
    let mut groups: HashMap<Vec<usize>, f64> = HashMap::new();
    let mut group_order: Vec<Vec<usize>> = Vec::new();
    for (i, list) in by_demand.into_iter().enumerate() {
        if list.is_empty() || !active(i as u32) {
            continue;
        }
        match groups.get_mut(&list) {
            Some(w) => *w += weights[i],
            None => {
                groups.insert(list.clone(), weights[i]);
                group_order.push(list);
            }
        }
    }
    Reduced {
        sites: kept.iter().map(|&a| free[a]).collect(),
        groups: group_order.into_iter().map(|l| (groups[&l], l)).collect(),
    }
}

impl Reduced {
    /// One binary variable per kept site.
    fn site_variables(&self, vars: &mut ProblemVariables) -> Vec<Variable> {
        self.sites
            .iter()
            .map(|_| vars.add(variable().binary()))
            .collect()
    }

    /// A warm start opening the kept sites in `warm` (original indices).
    fn warm_start(
        &self,
        x: &[Variable],
        warm: &std::collections::HashSet<usize>,
    ) -> Vec<(Variable, f64)> {
        self.sites
            .iter()
            .zip(x)
            .map(|(j, &v)| (v, if warm.contains(j) { 1.0 } else { 0.0 }))
            .collect()
    }

    /// The fixed sites plus the kept sites the solver opened, ascending.
    fn open_sites(&self, mut fixed_open: Vec<usize>, values: &[f64]) -> Vec<usize> {
        fixed_open.extend(
            self.sites
                .iter()
                .zip(values)
                .filter(|(_, v)| **v > 0.5)
                .map(|(&j, _)| j),
        );
        fixed_open.sort_unstable();
        fixed_open
    }
}

/// The sets another set holds (`sets[b] ⊆ sets[a]`, where `may_drop(a, b)`), and the empty
/// ones: larger sets are tried first and ties go by index, so of two alike the first stays.
/// Each set sorted.
///
/// A set's supersets all hold its rarest element, so only the sets holding that element are
/// tried (an inverted index; all pairs took 6 s on a city of 7,730 demands).
pub(super) fn dominated<T: Copy + Eq + std::hash::Hash>(
    sets: &[Vec<T>],
    may_drop: impl Fn(usize, usize) -> bool,
) -> Vec<bool> {
    let mut drop: Vec<bool> = sets.iter().map(Vec::is_empty).collect();
    let mut order: Vec<usize> = (0..sets.len()).filter(|&a| !drop[a]).collect();
    order.sort_by(|&a, &b| sets[b].len().cmp(&sets[a].len()).then(a.cmp(&b)));
    let mut rank = vec![usize::MAX; sets.len()];
    let mut holding: HashMap<T, Vec<usize>> = HashMap::new();
    for (k, &a) in order.iter().enumerate() {
        rank[a] = k;
        for &x in &sets[a] {
            holding.entry(x).or_default().push(a);
        }
    }
    // A set goes when an earlier one that stays holds it: decided in order, so whether the
    // earlier one stays is already known.
    for &b in &order {
        let rarest = sets[b]
            .iter()
            .map(|x| &holding[x])
            .min_by_key(|l| l.len())
            .expect("empty sets are dropped before");
        drop[b] = rarest
            .iter()
            .take_while(|&&a| rank[a] < rank[b])
            .any(|&a| !drop[a] && may_drop(a, b) && is_subset(&sets[b], &sets[a]));
    }
    drop
}

/// `small ⊆ big`, both sorted.
pub(super) fn is_subset<T: PartialEq>(small: &[T], big: &[T]) -> bool {
    if small.len() > big.len() {
        return false;
    }
    let mut it = big.iter();
    small.iter().all(|x| it.by_ref().any(|y| y == x))
}

/// Solves a model; returns the values of `x`, whether optimality was proven, and the objective
/// at the solution. `None` if the solver found no solution (in time).
pub(crate) fn solve_model(
    vars: ProblemVariables,
    maximize: bool,
    objective: Expression,
    constraints: Vec<good_lp::Constraint>,
    warm: Vec<(Variable, f64)>,
    time_limit_s: f64,
    x: &[Variable],
) -> Option<(Vec<f64>, bool, f64)> {
    run_model(
        vars,
        maximize,
        objective,
        constraints,
        warm,
        time_limit_s,
        x,
    )
    .ok()
}

/// [`solve_model`], saying why there is no solution (infeasible, or time ran out).
fn run_model(
    vars: ProblemVariables,
    maximize: bool,
    objective: Expression,
    constraints: Vec<good_lp::Constraint>,
    warm: Vec<(Variable, f64)>,
    time_limit_s: f64,
    x: &[Variable],
) -> Result<(Vec<f64>, bool, f64), good_lp::ResolutionError> {
    let eval = objective.clone();
    // A model whose every decision is fixed (e.g. one nursing home that must merge, with no
    // residents) has no column; HiGHS reports such a model infeasible, so give it one that
    // can only be 0.
    let mut vars = vars;
    if vars.is_empty() {
        vars.add(good_lp::variable().min(0.0).max(0.0));
    }
    let unsolved = if maximize {
        vars.maximise(objective)
    } else {
        vars.minimise(objective)
    };
    let mut model = unsolved
        .using(backend)
        .with_time_limit(crate::limits::clamp_time_limit(time_limit_s));
    if !warm.is_empty() {
        model = model.with_initial_solution(warm);
    }
    for c in constraints {
        model = model.with(c);
    }
    let solution = model.solve()?;
    let proven = matches!(
        solution.status(),
        good_lp::solvers::SolutionStatus::Optimal | good_lp::solvers::SolutionStatus::GapLimit
    );
    Ok((
        x.iter().map(|&v| solution.value(v)).collect(),
        proven,
        solution.eval(&eval),
    ))
}

/// Exact maximal covering: `limit_count` new sites or `budget`, warm-started from `warm` (open
/// sites of a feasible solution). `None` if the solver found no solution in time.
pub fn mclp(
    weights: &[f64],
    covers: &[Vec<u32>],
    cost: &[f64],
    fixed: &[bool],
    limit: super::Limit,
    warm: &[usize],
    time_limit_s: f64,
) -> Option<MilpOutcome> {
    let red = presolve(weights, covers, fixed, cost, false);
    let fixed_open: Vec<usize> = (0..covers.len()).filter(|&j| fixed[j]).collect();
    if red.sites.is_empty() {
        return Some(MilpOutcome {
            open: fixed_open,
            proven: true,
        });
    }
    let mut vars = ProblemVariables::new();
    let x = red.site_variables(&mut vars);
    let z: Vec<Variable> = red
        .groups
        .iter()
        .map(|_| vars.add(variable().min(0.0).max(1.0)))
        .collect();
    let objective: Expression = red.groups.iter().zip(&z).map(|((w, _), &zg)| *w * zg).sum();
    let mut constraints: Vec<good_lp::Constraint> = red
        .groups
        .iter()
        .zip(&z)
        .map(|((_, sites), &zg)| {
            let cover: Expression = sites.iter().map(|&k| x[k]).sum();
            (zg - cover).leq(0.0)
        })
        .collect();
    constraints.push(match limit {
        super::Limit::Count(p) => x.iter().copied().sum::<Expression>().leq(p as f64),
        super::Limit::Budget(b) => red
            .sites
            .iter()
            .zip(&x)
            .map(|(&j, &v)| cost[j] * v)
            .sum::<Expression>()
            .leq(b),
    });
    let warm_set: std::collections::HashSet<usize> = warm.iter().copied().collect();
    let mut warm_vals = red.warm_start(&x, &warm_set);
    for ((_, sites), &zg) in red.groups.iter().zip(&z) {
        let covered = sites.iter().any(|&k| warm_set.contains(&red.sites[k]));
        warm_vals.push((zg, if covered { 1.0 } else { 0.0 }));
    }
    let (values, proven, _) = solve_model(
        vars,
        true,
        objective,
        constraints,
        warm_vals,
        time_limit_s,
        &x,
    )?;
    Some(MilpOutcome {
        open: red.open_sites(fixed_open, &values),
        proven,
    })
}

/// What [`lscp`] found.
#[derive(Clone, Debug, PartialEq)]
pub enum SmallerCover {
    /// A cover with fewer sites than asked (fixed ones included, ascending); `proven`: no cover
    /// has fewer.
    Found { open: Vec<usize>, proven: bool },
    /// No cover has fewer sites than asked.
    NoneExists,
    /// Time ran out before either was known.
    Unknown,
}

/// Exact set covering: a cover of every demand that some free site covers and no fixed site
/// does, with fewer than `fewer_than` sites in all (the incumbent's count), and the fewest.
/// Asking only for a smaller cover lets the solver use that counts are whole: a branch whose
/// relaxation needs more than `fewer_than − 1` sites is cut off.
pub fn lscp(
    covers: &[Vec<u32>],
    n_demand: usize,
    fixed: &[bool],
    fewer_than: usize,
    time_limit_s: f64,
) -> SmallerCover {
    let unit = vec![1.0; covers.len()];
    let red = presolve(&vec![1.0; n_demand], covers, fixed, &unit, true);
    let mut fixed_open: Vec<usize> = (0..covers.len()).filter(|&j| fixed[j]).collect();
    fixed_open.sort_unstable();
    if fixed_open.len() >= fewer_than {
        return SmallerCover::NoneExists;
    }
    if red.groups.is_empty() {
        return SmallerCover::Found {
            open: fixed_open,
            proven: true,
        };
    }
    let mut vars = ProblemVariables::new();
    let x = red.site_variables(&mut vars);
    let objective: Expression = x.iter().copied().sum();
    let mut constraints: Vec<good_lp::Constraint> = red
        .groups
        .iter()
        .map(|(_, sites)| sites.iter().map(|&k| x[k]).sum::<Expression>().geq(1.0))
        .collect();
    let room = (fewer_than - 1 - fixed_open.len()) as f64;
    constraints.push(x.iter().copied().sum::<Expression>().leq(room));
    match run_model(
        vars,
        false,
        objective,
        constraints,
        Vec::new(),
        time_limit_s,
        &x,
    ) {
        Ok((values, proven, _)) => SmallerCover::Found {
            open: red.open_sites(fixed_open, &values),
            proven,
        },
        Err(good_lp::ResolutionError::Infeasible) => SmallerCover::NoneExists,
        Err(_) => SmallerCover::Unknown,
    }
}

/// Whether `open` covers every demand that some site covers (a check on solver output).
pub fn covers_all(covers: &[Vec<u32>], n_demand: usize, open: &[usize]) -> bool {
    let mut coverable = vec![false; n_demand];
    covers
        .iter()
        .flatten()
        .for_each(|&i| coverable[i as usize] = true);
    let mut covered = vec![false; n_demand];
    open.iter()
        .flat_map(|&j| &covers[j])
        .for_each(|&i| covered[i as usize] = true);
    (0..n_demand).all(|i| !coverable[i] || covered[i])
}

/// One binary variable per site; fixed (required) sites are pinned to 1.
fn site_variables(vars: &mut ProblemVariables, fixed: &[bool]) -> Vec<Variable> {
    fixed
        .iter()
        .map(|&f| {
            if f {
                vars.add(variable().min(1.0).max(1.0))
            } else {
                vars.add(variable().binary())
            }
        })
        .collect()
}

/// A warm start opening exactly the sites in `open`.
fn warm_values(y: &[Variable], open: &[usize]) -> Vec<(Variable, f64)> {
    let open: std::collections::HashSet<usize> = open.iter().copied().collect();
    y.iter()
        .enumerate()
        .map(|(j, &v)| (v, if open.contains(&j) { 1.0 } else { 0.0 }))
        .collect()
}

/// What a MILP returned: open sites and the objective of the solver's solution.
#[derive(Clone, Debug, PartialEq)]
pub struct Valued {
    pub open: Vec<usize>,
    pub objective: f64,
    pub proven: bool,
}

/// Capacitated p-median with splittable demand: each demand's weight may be divided among open
/// sites, and the weight served by site `j` is at most `capacity[j]`.
///
/// ```text
/// minimize Σ w_i d_ij x_ij  s.t.  Σ_j x_ij = 1,  Σ_i w_i x_ij ≤ cap_j y_j,  x_ij ≤ y_j,  Σ_j y_j = p
/// ```
///
/// With `fill_required`, required sites serve exactly their capacity (spopt's
/// `fulfill_predefined_fac`: existing places are used before new ones).
#[allow(clippy::too_many_arguments)]
pub fn capacitated_pmedian(
    costs: &super::CostMatrix,
    weights: &[f64],
    capacity: &[f64],
    p: usize,
    required: &[bool],
    fill_required: bool,
    warm: &[usize],
    time_limit_s: f64,
) -> Option<Valued> {
    let m = costs.n_sites();
    let mut vars = ProblemVariables::new();
    let y = site_variables(&mut vars, required);
    let mut x: Vec<Vec<(u32, Variable)>> = vec![Vec::new(); m];
    let mut objective = Expression::default();
    let mut per_demand: Vec<Expression> = vec![Expression::default(); costs.n_demand()];
    for (j, xj) in x.iter_mut().enumerate() {
        for &(i, d) in costs.site(j) {
            let v = vars.add(variable().min(0.0).max(1.0));
            objective += weights[i as usize] * d * v;
            per_demand[i as usize] += v;
            xj.push((i, v));
        }
    }
    let mut constraints: Vec<good_lp::Constraint> = Vec::new();
    for (i, e) in per_demand.into_iter().enumerate() {
        if weights[i] > 0.0 {
            constraints.push(e.eq(1.0));
        }
    }
    for j in 0..m {
        let served: Expression = x[j].iter().map(|&(i, v)| weights[i as usize] * v).sum();
        if fill_required && required[j] {
            constraints.push(served.eq(capacity[j]));
        } else {
            constraints.push((served - capacity[j] * y[j]).leq(0.0));
        }
        for &(_, v) in &x[j] {
            constraints.push((v - y[j]).leq(0.0));
        }
    }
    constraints.push(y.iter().copied().sum::<Expression>().eq(p as f64));
    let warm_y = warm_values(&y, warm);
    let (values, proven, obj) = solve_model(
        vars,
        false,
        objective,
        constraints,
        warm_y,
        time_limit_s,
        &y,
    )?;
    let open = (0..m).filter(|&j| values[j] > 0.5).collect();
    Some(Valued {
        open,
        objective: obj,
        proven,
    })
}

/// Capacitated maximal covering: the weight a site covers is at most its capacity (demand
/// splittable); at most `p` new sites besides the fixed ones.
pub fn capacitated_mclp(
    covers: &[Vec<u32>],
    weights: &[f64],
    capacity: &[f64],
    fixed: &[bool],
    p_new: usize,
    warm: &[usize],
    time_limit_s: f64,
) -> Option<Valued> {
    let m = covers.len();
    let n = weights.len();
    let mut vars = ProblemVariables::new();
    let y = site_variables(&mut vars, fixed);
    let mut objective = Expression::default();
    let mut per_demand: Vec<Expression> = vec![Expression::default(); n];
    let mut constraints: Vec<good_lp::Constraint> = Vec::new();
    for j in 0..m {
        let mut served = Expression::default();
        for &i in &covers[j] {
            if weights[i as usize] <= 0.0 {
                continue;
            }
            let v = vars.add(variable().min(0.0).max(1.0));
            objective += weights[i as usize] * v;
            served += weights[i as usize] * v;
            per_demand[i as usize] += v;
            constraints.push((v - y[j]).leq(0.0));
        }
        constraints.push((served - capacity[j] * y[j]).leq(0.0));
    }
    for e in per_demand {
        constraints.push(e.leq(1.0));
    }
    constraints.push(
        (0..m)
            .filter(|&j| !fixed[j])
            .map(|j| y[j])
            .sum::<Expression>()
            .leq(p_new as f64),
    );
    // Fixed sites are open in the warm start too.
    let warm_open: Vec<usize> = warm
        .iter()
        .copied()
        .chain((0..m).filter(|&j| fixed[j]))
        .collect();
    let warm_y = warm_values(&y, &warm_open);
    let (values, proven, obj) =
        solve_model(vars, true, objective, constraints, warm_y, time_limit_s, &y)?;
    Some(Valued {
        open: (0..m).filter(|&j| values[j] > 0.5).collect(),
        objective: obj,
        proven,
    })
}

/// Backup coverage (Hogan & ReVelle 1986): with `p` sites in total (required included),
/// every coverable demand covered at least once, maximize the weight covered at least twice.
///
/// ```text
/// maximize Σ w_i u_i  s.t.  Σ_{j∈N_i} y_j ≥ 1 + u_i,  u_i ∈ [0,1],  Σ_j y_j = p
/// ```
pub fn backup(
    covers: &[Vec<u32>],
    weights: &[f64],
    p: usize,
    required: &[bool],
    warm: &[usize],
    time_limit_s: f64,
) -> Option<Valued> {
    let m = covers.len();
    let n = weights.len();
    let mut by_demand: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (j, c) in covers.iter().enumerate() {
        c.iter().for_each(|&i| by_demand[i as usize].push(j));
    }
    let mut vars = ProblemVariables::new();
    let y = site_variables(&mut vars, required);
    let mut objective = Expression::default();
    let mut constraints: Vec<good_lp::Constraint> = Vec::new();
    for (i, sites) in by_demand.iter().enumerate() {
        if sites.is_empty() {
            continue; // uncoverable: reported by the caller
        }
        let cover: Expression = sites.iter().map(|&j| y[j]).sum();
        if sites.len() >= 2 && weights[i] > 0.0 {
            let u = vars.add(variable().min(0.0).max(1.0));
            objective += weights[i] * u;
            constraints.push((cover - u).geq(1.0));
        } else {
            constraints.push(cover.geq(1.0));
        }
    }
    constraints.push(y.iter().copied().sum::<Expression>().eq(p as f64));
    let warm_y = warm_values(&y, warm);
    let (values, proven, obj) =
        solve_model(vars, true, objective, constraints, warm_y, time_limit_s, &y)?;
    Some(Valued {
        open: (0..m).filter(|&j| values[j] > 0.5).collect(),
        objective: obj,
        proven,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// The inverted index drops exactly what trying every earlier set would (random sets with
    /// many subsets and duplicates, and a rule that forbids some drops).
    #[test]
    fn dominated_equals_trying_all_pairs() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        for case in 0..200 {
            let n = rng.random_range(1..40);
            let universe = rng.random_range(1..12u32);
            let sets: Vec<Vec<u32>> = (0..n)
                .map(|_| (0..universe).filter(|_| rng.random_bool(0.3)).collect())
                .collect();
            let allowed: Vec<bool> = (0..n * n).map(|_| rng.random_bool(0.8)).collect();
            let may_drop = |a: usize, b: usize| case % 2 == 0 || allowed[a * n + b];
            let mut want: Vec<bool> = sets.iter().map(Vec::is_empty).collect();
            let mut order: Vec<usize> = (0..n).filter(|&a| !want[a]).collect();
            order.sort_by(|&a, &b| sets[b].len().cmp(&sets[a].len()).then(a.cmp(&b)));
            for (k, &a) in order.iter().enumerate() {
                for &b in &order[k + 1..] {
                    if !want[a] && !want[b] && may_drop(a, b) && is_subset(&sets[b], &sets[a]) {
                        want[b] = true;
                    }
                }
            }
            assert_eq!(dominated(&sets, may_drop), want, "case {case}: {sets:?}");
        }
    }
}
