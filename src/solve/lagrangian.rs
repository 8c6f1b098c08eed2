//! An upper bound on maximal covering from Lagrangian relaxation (Galvão & ReVelle 1996 for
//! MCLP), minimized by the volume algorithm (Barahona & Anbil 2000, *Math. Programming* 87), a
//! subgradient method that steps along the violation of an average of the inner solutions.
//!
//! Relaxing `z_i ≤ Σ_{j∈N_i} x_j` with multipliers `λ_i ≥ 0` gives
//!
//! ```text
//! L(λ) = Σ_i max(0, w_i − λ_i)  +  max_x { Σ_j x_j Σ_{i∈N_j} λ_i  :  x within the limit }
//! ```
//!
//! which is at least the optimum for every `λ ≥ 0` (and `λ_i ≤ w_i` loses nothing: a larger
//! `λ_i` only raises the site values). Its minimum is the LP bound; plain subgradient steps
//! (Held, Wolfe & Crowder 1974), used here before, stopped up to 1.4 points (% of the optimum)
//! above it on the Máximo cases; 2,000 volume steps come within 0.03 points of it. The inner
//! maximum is the `p` largest site values for a count limit, and is bounded by the fractional
//! knapsack (Dantzig's bound) under a budget, which keeps `L` a valid upper bound. Demands
//! already covered by fixed sites are counted outright and left out of the relaxation.

use super::{CoverProblem, Limit};
use rayon::prelude::*;

/// Coverage pairs from which a step's site sums are split over threads (below, a step takes
/// microseconds and handing it out would cost more).
const PARALLEL_PAIRS: usize = 50_000;

/// The smallest `L(λ)` found in `iterations` steps of the volume algorithm (step lengths aimed
/// at the target `lower`, the best known objective), plus the weight fixed sites cover. Never
/// below the true optimum; at most the total coverable weight.
pub fn upper_bound(problem: &CoverProblem, lower: f64, iterations: usize) -> f64 {
    relax(problem, lower, iterations).bound
}

/// What [`relax`] leaves: the bound, and where the subgradient run improved on the trivial
/// bound, the relaxation at the multipliers that gave it.
pub struct Relaxed {
    pub bound: f64,
    at_best: Option<AtBest>,
}

/// The relaxation at its best multipliers: `L` (fixed sites' weight included), each site's
/// value `Σ_{i∈N_j} λ_i`, and the sites it chose (`x_j`).
struct AtBest {
    value: f64,
    site_value: Vec<f64>,
    x: Vec<f64>,
}

impl Relaxed {
    /// The sites the relaxation opens at its best multipliers (Beasley's Lagrangian heuristic
    /// starts from them; they overlap, so they are a start for a descent, not a plan).
    pub fn chosen(&self) -> Vec<usize> {
        self.at_best.as_ref().map_or(Vec::new(), |a| {
            (0..a.x.len()).filter(|&j| a.x[j] > 0.0).collect()
        })
    }

    /// Sites no plan better than `objective` opens, by reduced-cost fixing under a count limit:
    /// opening a site the relaxation left out displaces its weakest choice, and where the bound
    /// that leaves is no better than `objective`, so is every plan with that site. (Nothing
    /// under a budget.)
    pub fn ruled_out(&self, problem: &CoverProblem, objective: f64) -> Vec<bool> {
        let n = problem.n_sites();
        let (Limit::Count(p), Some(at)) = (problem.limit, &self.at_best) else {
            return vec![false; n];
        };
        let chosen = self.chosen();
        // The value a newcomer displaces: the weakest choice, or nothing while a place is empty.
        let weakest = match p > 0 && chosen.len() == p {
            true => chosen
                .iter()
                .map(|&j| at.site_value[j])
                .fold(f64::INFINITY, f64::min),
            false => 0.0,
        };
        let better = match super::whole_weights(problem) {
            true => objective + 1.0 - 1e-6,
            false => objective + 1e-9 * objective.abs().max(1.0),
        };
        (0..n)
            .map(|j| {
                let free = !problem.fixed[j] && problem.costs[j].is_finite();
                free && at.x[j] == 0.0 && at.value - weakest + at.site_value[j].max(0.0) < better
            })
            .collect()
    }
}

/// [`upper_bound`] with the relaxation at its best multipliers (for [`Relaxed::ruled_out`]).
pub fn relax(problem: &CoverProblem, lower: f64, iterations: usize) -> Relaxed {
    let m = problem.weights.len();
    let n = problem.n_sites();
    let mut fixed_cover = vec![false; m];
    for j in (0..n).filter(|&j| problem.fixed[j]) {
        for &i in &problem.covers[j] {
            fixed_cover[i as usize] = true;
        }
    }
    let fixed_weight: f64 = (0..m)
        .filter(|&i| fixed_cover[i])
        .map(|i| problem.weights[i])
        .sum();
    // The free sites and, per demand, whether a free site can cover it.
    let free: Vec<usize> = (0..n)
        .filter(|&j| !problem.fixed[j] && problem.costs[j].is_finite() && affordable(problem, j))
        .collect();
    let mut coverable = vec![false; m];
    for &j in &free {
        for &i in &problem.covers[j] {
            if !fixed_cover[i as usize] {
                coverable[i as usize] = true;
            }
        }
    }
    let active: Vec<usize> = (0..m)
        .filter(|&i| coverable[i] && problem.weights[i] > 0.0)
        .collect();
    let trivial: f64 = fixed_weight + active.iter().map(|&i| problem.weights[i]).sum::<f64>();
    if active.is_empty() || free.is_empty() {
        // Nothing beyond the fixed sites' coverage can be added.
        return Relaxed {
            bound: trivial,
            at_best: None,
        };
    }
    // Each free site's demands that count (coverable, of positive weight), the pairs every
    // step passes over.
    let counts: Vec<bool> = (0..m)
        .map(|i| coverable[i] && problem.weights[i] > 0.0)
        .collect();
    let rows_of: Vec<Vec<u32>> = free
        .iter()
        .map(|&j| {
            let demands = problem.covers[j].iter().copied();
            demands.filter(|&i| counts[i as usize]).collect()
        })
        .collect();
    let pairs: usize = rows_of.iter().map(Vec::len).sum();
    let target = (lower - fixed_weight).max(0.0);
    // The inner problem at `lambda`: site values, the selection `x` and `L` (without the fixed
    // sites' weight).
    let evaluate = |lambda: &[f64], value: &mut [f64], x: &mut [f64]| {
        // Each site's sum on its own thread's share where there are enough pairs to pay for
        // the threads (the same sums either way).
        let sum = |rows: &Vec<u32>| rows.iter().map(|&i| lambda[i as usize]).sum::<f64>();
        let sums: Vec<f64> = if pairs >= PARALLEL_PAIRS {
            rows_of.par_iter().map(sum).collect()
        } else {
            rows_of.iter().map(sum).collect()
        };
        for (&j, v) in free.iter().zip(sums) {
            value[j] = v;
        }
        let site_part = select(problem, &free, value, x);
        let demand_part: f64 = active
            .iter()
            .map(|&i| (problem.weights[i] - lambda[i]).max(0.0))
            .sum();
        demand_part + site_part
    };
    // `Σ_{j∋i} x_j − z_i` for the active demands: the violation of the relaxed rows.
    let violation = |lambda: &[f64], x: &[f64], out: &mut [f64]| {
        for &i in &active {
            out[i] = if problem.weights[i] > lambda[i] {
                -1.0
            } else {
                0.0
            };
        }
        for (&j, rows) in free.iter().zip(&rows_of) {
            if x[j] > 0.0 {
                rows.iter().for_each(|&i| out[i as usize] += x[j]);
            }
        }
    };
    // Volume algorithm (Barahona & Anbil 2000): steps along the violation of a running average
    // of the inner solutions (an approximate LP primal) rather than of the last one, which
    // zig-zags; on the Máximo cases it comes much nearer the LP bound in as many steps.
    let mut centre: Vec<f64> = problem.weights.iter().map(|w| w * 0.5).collect();
    let mut value = vec![0.0; n];
    let mut x = vec![0.0; n];
    let mut centre_l = evaluate(&centre, &mut value, &mut x);
    // The relaxation at the smallest `L` so far (none while nothing beats the trivial bound).
    let mut at_best: Option<AtBest> = None;
    let mut offer = |l: f64, value: &[f64], x: &[f64]| {
        let best = at_best.as_ref().map_or(trivial, |a| a.value);
        if l + fixed_weight < best - 1e-12 * best.abs() {
            at_best = Some(AtBest {
                value: l + fixed_weight,
                site_value: value.to_vec(),
                x: x.to_vec(),
            });
        }
    };
    offer(centre_l, &value, &x);
    let mut avg = vec![0.0; m];
    violation(&centre, &x, &mut avg);
    let mut g = vec![0.0; m];
    let mut lambda = centre.clone();
    let mut volume = Volume::new();
    for _ in 1..iterations {
        if centre_l - target <= 1e-9 * centre_l.abs().max(1.0) || volume.f < 1e-5 {
            break;
        }
        let norm2: f64 = active.iter().map(|&i| avg[i] * avg[i]).sum();
        if norm2 <= 1e-18 {
            break; // the averaged primal satisfies every relaxed row: λ is optimal
        }
        let step = volume.f * (centre_l - target) / norm2;
        for &i in &active {
            lambda[i] = (centre[i] - step * avg[i]).clamp(0.0, problem.weights[i]);
        }
        let l = evaluate(&lambda, &mut value, &mut x);
        offer(l, &value, &x);
        violation(&lambda, &x, &mut g);
        let improved = l < centre_l;
        if improved {
            centre.copy_from_slice(&lambda);
            centre_l = l;
        }
        volume.record(improved, &active, &g, &mut avg);
    }
    Relaxed {
        bound: at_best.as_ref().map_or(trivial, |a| a.value),
        at_best,
    }
}

/// The volume algorithm's step control (Barahona & Anbil 2000), shared with the set-covering
/// relaxation ([`super::lscp`]): the step factor `f`, longer after a green step (one that moved
/// the centre with the new violation pointing the way of the average), shorter after 20 red
/// ones (that did not move it), and the update of the running average of the inner solutions'
/// violations (which the caller holds).
pub(super) struct Volume {
    pub f: f64,
    reds: u32,
}

impl Volume {
    pub fn new() -> Self {
        Volume { f: 0.1, reds: 0 }
    }

    /// After a step whose inner solution violates the relaxed rows `rows` by `g`: adapts `f`
    /// (`improved`: the step moved the centre) and folds `g` into the average `avg` with the
    /// weight that makes the average shortest, within `[0.01, 0.1]`.
    pub fn record(&mut self, improved: bool, rows: &[usize], g: &[f64], avg: &mut [f64]) {
        let (mut gg, mut ga, mut aa) = (0.0, 0.0, 0.0);
        for &i in rows {
            gg += g[i] * g[i];
            ga += g[i] * avg[i];
            aa += avg[i] * avg[i];
        }
        let denom = gg - 2.0 * ga + aa;
        let alpha = if denom > 0.0 { (aa - ga) / denom } else { 0.1 };
        let alpha = alpha.clamp(0.01, 0.1);
        if improved {
            if ga > 0.0 {
                self.f = (self.f * 1.1).min(2.0);
            }
            self.reds = 0;
        } else {
            self.reds += 1;
            if self.reds >= 20 {
                self.f *= 0.66;
                self.reds = 0;
            }
        }
        for &i in rows {
            avg[i] = alpha * g[i] + (1.0 - alpha) * avg[i];
        }
    }
}

fn affordable(problem: &CoverProblem, j: usize) -> bool {
    match problem.limit {
        Limit::Count(p) => p > 0,
        Limit::Budget(b) => problem.costs[j] <= b,
    }
}

/// Maximizes Σ value_j x_j over the free sites within the limit, writing `x` (fractional for
/// the budget's last item); returns the maximum.
fn select(problem: &CoverProblem, free: &[usize], value: &[f64], x: &mut [f64]) -> f64 {
    for &j in free {
        x[j] = 0.0;
    }
    let mut order: Vec<usize> = free.iter().copied().filter(|&j| value[j] > 0.0).collect();
    match problem.limit {
        Limit::Count(p) => {
            // The p largest (ties to the smaller index): a partial selection, not a sort.
            let larger = |a: &usize, b: &usize| value[*b].total_cmp(&value[*a]).then(a.cmp(b));
            if p > 0 && order.len() > p {
                order.select_nth_unstable_by(p - 1, larger);
            }
            order.truncate(p);
            order
                .iter()
                .map(|&j| {
                    x[j] = 1.0;
                    value[j]
                })
                .sum()
        }
        Limit::Budget(budget) => {
            // Fractional knapsack by value per cost; zero-cost sites first.
            let ratio = |j: usize| {
                if problem.costs[j] > 0.0 {
                    value[j] / problem.costs[j]
                } else {
                    f64::INFINITY
                }
            };
            order.sort_by(|&a, &b| ratio(b).total_cmp(&ratio(a)).then(a.cmp(&b)));
            let mut left = budget;
            let mut total = 0.0;
            for j in order {
                let c = problem.costs[j];
                if c <= left {
                    x[j] = 1.0;
                    left -= c;
                    total += value[j];
                } else {
                    x[j] = left / c;
                    total += value[j] * x[j];
                    break;
                }
            }
            total
        }
    }
}
