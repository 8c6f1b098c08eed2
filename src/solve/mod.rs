//! Choosing sites. The solver never sees geometry: it takes demand weights, the demands each
//! candidate site covers (or a sparse [`CostMatrix`] of demand–site costs), site costs and a
//! limit, and returns the sites to open with an honest bound on how far from the best its answer
//! may be.
//!
//! | problem | module | heuristic | bound | exact |
//! |---|---|---|---|---|
//! | maximal covering (MCLP), budgeted or p sites | here, [`greedy`], [`local_search`], [`lagrangian`] | lazy greedy + iterated 1-swap search | Lagrangian | reduced-cost fixing (p sites), [`milp::mclp`] |
//! | location set covering (LSCP) | [`lscp`] | reductions, greedy, Lagrangian heuristic | Lagrangian | reduced-cost fixing, [`milp::lscp`] |
//! | p-median | [`pmedian`] | greedy + fast interchange | Lagrangian | branch and bound |
//! | p-center | [`pcenter`] | radius search over set covers | proven-infeasible radius | set-cover MILPs |
//! | backup coverage | [`extended`] | — | demands with ≥ 2 covering sites | [`milp::backup`] |
//! | capacitated p-median / MCLP | [`extended`] | uncapacitated heuristic (warm start) | uncapacitated relaxation | [`milp::capacitated_pmedian`], [`milp::capacitated_mclp`] |
//! | any, tiny (test oracle) | [`exhaustive`] | — | — | enumeration |
//!
//! # Budgeted maximal covering (MCLP)
//!
//! Church & ReVelle (1974), with a budget as in Khuller, Moss & Naor (1999):
//!
//! ```text
//! maximize    Σ_i w_i z_i
//! subject to  z_i ≤ Σ_{j ∈ N_i} x_j         for every demand i   (covered only if a covering site is open)
//!             Σ_j c_j x_j ≤ B                 (budget)    or    Σ_{j ∉ F} x_j = p   (number of new sites)
//!             x_j = 1                         for every fixed (existing) site j ∈ F
//!             x_j ∈ {0, 1},  z_i ∈ [0, 1]
//! ```
//!
//! `N_i` is the set of sites covering demand `i` (travel time ≤ radius); fixed sites cost
//! nothing against the limit. The p-sites variant is the classic MCLP.
//!
//! # Method
//!
//! 1. [`greedy`]: lazy greedy (Minoux's accelerated greedy) by marginal weight, or by marginal
//!    weight per unit cost under a budget, guarded by the best single affordable site (which
//!    makes the budgeted greedy a (1 − 1/√e)-approximation, Khuller et al. 1999).
//! 2. [`local_search`]: iterated local search (after Máximo, Cordeau & Nascimento 2023's
//!    AILS): best-improvement 1-swap descent (vertex substitution, Teitz & Bart 1968) on gains
//!    and losses kept incrementally, seeded perturbations of adaptive strength, threshold
//!    acceptance; two independent chains in parallel.
//! 3. [`lagrangian`]: an upper bound from the Lagrangian relaxation of the coverage
//!    constraints, minimized by the volume algorithm (Barahona & Anbil 2000; it comes near the
//!    LP bound, which plain subgradient steps did not), so every answer reports `objective`,
//!    `bound` and `gap`. It runs once, from the first local optimum, and where it meets the
//!    search's value the search stops there.
//! 4. Exact ([`solve_mclp_exact`]): with `p` sites, the sites whose forced opening would leave
//!    the Lagrangian bound no better than the heuristic's plan are left out (reduced-cost
//!    fixing), and the MILP, warm-started, searches the rest.
//!
//! Everything is deterministic for a given problem and seed, on any number of threads.

pub mod cover_search;
pub mod exhaustive;
pub mod extended;
pub mod greedy;
pub mod lagrangian;
pub mod local_search;
pub mod lscp;
mod matrix;
pub mod milp;
pub mod pcenter;
pub mod pmedian;

pub use matrix::CostMatrix;

/// f64 with a total order (`f64::total_cmp`), for heap keys.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ordered(pub f64);
impl Eq for Ordered {}
impl PartialOrd for Ordered {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ordered {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0)
    }
}

use serde::Serialize;

/// How many sites may be opened.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Exactly this many new (non-fixed) sites, or all candidates if there are fewer.
    Count(usize),
    /// Total cost of new sites at most this.
    Budget(f64),
}

/// A maximal covering problem on a sparse coverage structure.
#[derive(Clone, Debug, PartialEq)]
pub struct CoverProblem {
    /// Weight of each demand (elders), `>= 0`.
    pub weights: Vec<f64>,
    /// For each site, the demands it covers (indices into `weights`, no duplicates).
    pub covers: Vec<Vec<u32>>,
    /// Cost of opening each site, `>= 0`.
    pub costs: Vec<f64>,
    /// Sites open in every solution (existing facilities); they do not count against `limit`.
    pub fixed: Vec<bool>,
    pub limit: Limit,
}

/// Tuning of the heuristic and the bound.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SolveOptions {
    /// Improve the greedy solution by 1-swap local search.
    pub local_search: bool,
    /// Perturb-and-descend rounds of each search chain after the first local optimum (a chain
    /// also stops after 1,000 rounds without a better answer).
    pub restarts: usize,
    /// Subgradient iterations for the Lagrangian bound.
    pub bound_iterations: usize,
    /// Seed of the perturbations.
    pub seed: u64,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            local_search: true,
            restarts: 2000,
            bound_iterations: 2000,
            seed: 42,
        }
    }
}

/// Whether the answer is proven best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The bound equals the objective: no better solution exists.
    Optimal,
    /// A feasible solution; the best possible is within `bound`.
    Feasible,
    /// An exact search ran out of time: the best solution found, with the bound proven so far.
    TimeLimit,
    /// No solution satisfies the constraints.
    Infeasible,
}

impl Status {
    /// The lower-case name used in outputs (`optimal`, `feasible`, `time_limit`, `infeasible`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
            Status::TimeLimit => "time_limit",
            Status::Infeasible => "infeasible",
        }
    }
}

/// A solver's answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Solution {
    /// Open sites (fixed ones included), ascending.
    pub open: Vec<usize>,
    /// Covered weight.
    pub objective: f64,
    /// No solution covers more than this.
    pub bound: f64,
    /// `(bound - objective) / bound`, 0 when the bound is 0.
    pub gap: f64,
    pub status: Status,
    /// Cost of the new (non-fixed) open sites.
    pub cost: f64,
}

impl CoverProblem {
    pub fn n_sites(&self) -> usize {
        self.covers.len()
    }

    /// Checks the problem's shape; a malformed problem is a programming error upstream.
    fn validate(&self) {
        let n = self.covers.len();
        assert!(
            self.costs.len() == n && self.fixed.len() == n,
            "covers, costs and fixed differ in length"
        );
        assert!(
            self.weights.iter().all(|w| w.is_finite() && *w >= 0.0),
            "weights must be finite and >= 0"
        );
        assert!(
            self.costs.iter().all(|c| c.is_finite() && *c >= 0.0),
            "costs must be finite and >= 0"
        );
        let m = self.weights.len() as u32;
        assert!(
            self.covers.iter().flatten().all(|&i| i < m),
            "demand index out of range"
        );
    }

    /// Weight covered when exactly `open` sites are open.
    pub fn covered_weight(&self, open: &[usize]) -> f64 {
        let mut covered = vec![false; self.weights.len()];
        for &j in open {
            for &i in &self.covers[j] {
                covered[i as usize] = true;
            }
        }
        covered
            .iter()
            .zip(&self.weights)
            .filter(|(c, _)| **c)
            .map(|(_, w)| w)
            .sum()
    }

    /// Cost of the non-fixed sites in `open`.
    pub fn new_cost(&self, open: &[usize]) -> f64 {
        open.iter()
            .filter(|&&j| !self.fixed[j])
            .map(|&j| self.costs[j])
            .sum()
    }

    /// Whether `open` respects the limit and contains every fixed site.
    pub fn is_feasible(&self, open: &[usize]) -> bool {
        let fixed_ok = (0..self.n_sites())
            .filter(|&j| self.fixed[j])
            .all(|j| open.contains(&j));
        let new = open.iter().filter(|&&j| !self.fixed[j]).count();
        let limit_ok = match self.limit {
            Limit::Count(p) => new <= p,
            Limit::Budget(b) => self.new_cost(open) <= b * (1.0 + 1e-12) + 1e-9,
        };
        fixed_ok && limit_ok
    }
}

/// Solves a budgeted or p-sites maximal covering problem: greedy, local search, Lagrangian
/// bound (see the module docs).
///
/// # Example
///
/// ```
/// use carecover::solve::{CoverProblem, Limit, SolveOptions, Status, solve_mclp};
///
/// // Three villages (elders 50, 30, 20); site 0 covers villages 0 and 1, site 1 covers 1 and 2,
/// // site 2 (existing) covers village 2. One new site may be built.
/// let problem = CoverProblem {
///     weights: vec![50.0, 30.0, 20.0],
///     covers: vec![vec![0, 1], vec![1, 2], vec![2]],
///     costs: vec![10.0, 10.0, 0.0],
///     fixed: vec![false, false, true],
///     limit: Limit::Count(1),
/// };
/// let s = solve_mclp(&problem, &SolveOptions::default());
/// assert_eq!(s.open, vec![0, 2]);
/// assert_eq!(s.objective, 100.0);
/// assert_eq!(s.status, Status::Optimal);
/// ```
pub fn solve_mclp(problem: &CoverProblem, options: &SolveOptions) -> Solution {
    // One relaxation, from the first local optimum: where it meets the heuristic's value the
    // search stops there. Its value hardly depends on the target the steps aim at (the volume
    // algorithm's steps follow the averaged primal), so it is not run again for the final one.
    let (open, early, _) = heuristic(problem, options, options.bound_iterations);
    let objective = problem.covered_weight(&open);
    let bound = if early.is_finite() {
        early
    } else {
        lagrangian_bound(problem, objective, options.bound_iterations)
    };
    finish(problem, open, objective, bound.max(objective))
}

/// Greedy, then local search: the open sites (ascending) and an upper bound. The bound, from
/// the first local optimum with `bound_iterations` subgradient steps, lets the search stop once
/// it proves optimality (at once where everyone coverable is covered) instead of running all
/// its rounds; without local search it is infinite.
fn heuristic(
    problem: &CoverProblem,
    options: &SolveOptions,
    bound_iterations: usize,
) -> (Vec<usize>, f64, Option<lagrangian::Relaxed>) {
    problem.validate();
    let mut open = greedy::greedy(problem);
    let mut quick = f64::INFINITY;
    let mut relaxed = None;
    if options.local_search {
        let bound_from = |start: &[usize]| {
            let start_value = problem.covered_weight(start);
            let r = lagrangian::relax(problem, start_value, bound_iterations);
            quick = rounded_bound(problem, r.bound, start_value);
            let guide = local_search::Guide {
                target: quick,
                second_start: r.chosen(),
            };
            relaxed = Some(r);
            guide
        };
        open =
            local_search::improve_until(problem, open, options.restarts, options.seed, bound_from);
    }
    open.sort_unstable();
    (open, quick, relaxed)
}

/// The Lagrangian upper bound ([`lagrangian::upper_bound`]), never below `objective`, rounded
/// down where all weights are whole numbers (then so is every objective).
fn lagrangian_bound(problem: &CoverProblem, objective: f64, iterations: usize) -> f64 {
    let bound = lagrangian::upper_bound(problem, objective, iterations);
    rounded_bound(problem, bound, objective)
}

/// Whether every weight is a whole number (then so is every objective).
fn whole_weights(problem: &CoverProblem) -> bool {
    problem.weights.iter().all(|w| w.fract() == 0.0)
}

/// `bound` never below `objective`, rounded down where all weights are whole numbers.
fn rounded_bound(problem: &CoverProblem, bound: f64, objective: f64) -> f64 {
    let bound = bound.max(objective);
    if whole_weights(problem) {
        (bound + 1e-6).floor().max(objective)
    } else {
        bound
    }
}

/// Local-search rounds of the heuristic that warm-starts [`solve_mclp_exact`]'s MILP: the MILP
/// does the proving, a short search is enough of a start.
const EXACT_WARM_START_ROUNDS: usize = 30;

/// Steps of the warm start's relaxation (for its proof and the reduced-cost fixing): past this
/// the MILP proves faster than the bound tightens (spopt's clustered 5,000 × 1,000 MCLP: solve
/// 0.155 s with 300 steps, 0.163 s with 500, 0.205 s with 2,000).
const EXACT_WARM_BOUND_ITERATIONS: usize = 300;

/// The heuristic of [`solve_mclp`] (at most 30 local-search rounds), then, unless
/// its Lagrangian bound already proves the answer optimal, the MILP ([`milp::mclp`], warm-started
/// from it) until optimal or `time_limit_s`. A timed-out search keeps the better of the two
/// answers and reports the full Lagrangian bound (computed only then).
pub fn solve_mclp_exact(
    problem: &CoverProblem,
    options: &SolveOptions,
    time_limit_s: f64,
) -> Solution {
    let warm = SolveOptions {
        restarts: options.restarts.min(EXACT_WARM_START_ROUNDS),
        ..options.clone()
    };
    let iterations = options.bound_iterations.min(EXACT_WARM_BOUND_ITERATIONS);
    let (open, quick, relaxed) = heuristic(problem, &warm, iterations);
    let objective = problem.covered_weight(&open);
    if quick <= objective {
        return finish(problem, open, objective, objective);
    }
    // The MILP looks only among the sites a better plan may open.
    let out = relaxed.map_or_else(
        || vec![false; problem.n_sites()],
        |r| r.ruled_out(problem, objective),
    );
    let costs: Vec<f64> = (0..problem.n_sites())
        .map(|j| {
            if out[j] {
                f64::INFINITY
            } else {
                problem.costs[j]
            }
        })
        .collect();
    let warm_open: &[usize] = match open.iter().any(|&j| out[j]) {
        true => &[],
        false => &open,
    };
    let outcome = milp::mclp(
        &problem.weights,
        &problem.covers,
        &costs,
        &problem.fixed,
        problem.limit,
        warm_open,
        time_limit_s,
    );
    let (best_open, best_objective) = match outcome {
        Some(out) if problem.is_feasible(&out.open) => {
            let milp_objective = problem.covered_weight(&out.open);
            let (best_open, best_objective) = if milp_objective > objective {
                (out.open, milp_objective)
            } else {
                (open, objective)
            };
            if out.proven {
                return finish(problem, best_open, best_objective, best_objective);
            }
            (best_open, best_objective)
        }
        _ => (open, objective),
    };
    let bound = quick.min(lagrangian_bound(
        problem,
        best_objective,
        options.bound_iterations,
    ));
    Solution {
        status: Status::TimeLimit,
        ..finish(problem, best_open, best_objective, bound)
    }
}

/// Packs an answer with its bound and gap.
pub(crate) fn finish(
    problem: &CoverProblem,
    open: Vec<usize>,
    objective: f64,
    bound: f64,
) -> Solution {
    let gap = if bound > 0.0 {
        ((bound - objective) / bound).max(0.0)
    } else {
        0.0
    };
    let status = if gap <= 1e-9 {
        Status::Optimal
    } else {
        Status::Feasible
    };
    Solution {
        cost: problem.new_cost(&open),
        open,
        objective,
        bound,
        gap,
        status,
    }
}

/// Per-demand count of open sites covering it, and the sum of their indices (which names the
/// covering site when the count is 1): greedy's incremental state.
#[derive(Clone, Debug)]
pub(crate) struct CoverState {
    pub count: Vec<u32>,
    pub sum: Vec<u64>,
}

impl CoverState {
    pub fn new(problem: &CoverProblem, open: &[usize]) -> Self {
        let mut s = Self {
            count: vec![0; problem.weights.len()],
            sum: vec![0; problem.weights.len()],
        };
        for &j in open {
            s.add(problem, j);
        }
        s
    }

    pub fn add(&mut self, problem: &CoverProblem, j: usize) {
        for &i in &problem.covers[j] {
            self.count[i as usize] += 1;
            self.sum[i as usize] += j as u64;
        }
    }

    /// Weight that opening `j` would add.
    pub fn gain(&self, problem: &CoverProblem, j: usize) -> f64 {
        problem.covers[j]
            .iter()
            .filter(|&&i| self.count[i as usize] == 0)
            .map(|&i| problem.weights[i as usize])
            .sum()
    }
}
