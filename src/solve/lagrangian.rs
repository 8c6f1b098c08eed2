//! An upper bound on maximal covering from Lagrangian relaxation (Galvão & ReVelle 1996 for
//! MCLP), minimized by subgradient optimization (Held, Wolfe & Crowder 1974).
//!
//! Relaxing `z_i ≤ Σ_{j∈N_i} x_j` with multipliers `λ_i ≥ 0` gives
//!
//! ```text
//! L(λ) = Σ_i max(0, w_i − λ_i)  +  max_x { Σ_j x_j Σ_{i∈N_j} λ_i  :  x within the limit }
//! ```
//!
//! which is at least the optimum for every `λ ≥ 0`. The inner maximum is the `p` largest site
//! values for a count limit, and is bounded by the fractional knapsack (Dantzig's bound) under
//! a budget, which keeps `L` a valid upper bound. Demands already covered by fixed sites are
//! counted outright and left out of the relaxation.

use super::{CoverProblem, Limit};

/// The smallest `L(λ)` found in `iterations` subgradient steps (Polyak step towards the target
/// `lower`, the best known objective), plus the weight fixed sites cover. Never below `lower`'s
/// true optimum; at most the total coverable weight.
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
    /// Sites no plan better than `objective` opens, by reduced-cost fixing under a count limit:
    /// opening a site the relaxation left out displaces its weakest choice, and where the bound
    /// that leaves is no better than `objective`, so is every plan with that site. (Nothing
    /// under a budget.)
    pub fn ruled_out(&self, problem: &CoverProblem, objective: f64) -> Vec<bool> {
        let n = problem.n_sites();
        let (Limit::Count(p), Some(at)) = (problem.limit, &self.at_best) else {
            return vec![false; n];
        };
        let chosen = (0..n).filter(|&j| at.x[j] > 0.0);
        // The value a newcomer displaces: the weakest choice, or nothing while a place is empty.
        let weakest = match p > 0 && chosen.clone().count() == p {
            true => chosen
                .map(|j| at.site_value[j])
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
    let mut at_best = None;
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
    let target = (lower - fixed_weight).max(0.0);
    // Start from half the weight: a middle ground between "all demands pay" and "none does".
    let mut lambda: Vec<f64> = problem.weights.iter().map(|w| w * 0.5).collect();
    let mut best = trivial;
    let mut step_scale = 2.0;
    let mut since_improved = 0;
    let mut value = vec![0.0; n];
    let mut x = vec![0.0; n];
    let mut sub = vec![0.0; m];
    for _ in 0..iterations {
        // Inner problem: site values and the best selection within the limit.
        for (&j, rows) in free.iter().zip(&rows_of) {
            value[j] = rows.iter().map(|&i| lambda[i as usize]).sum();
        }
        let site_part = select(problem, &free, &value, &mut x);
        let demand_part: f64 = active
            .iter()
            .map(|&i| (problem.weights[i] - lambda[i]).max(0.0))
            .sum();
        let l = demand_part + site_part;
        if l + fixed_weight < best - 1e-12 * best.abs() {
            best = l + fixed_weight;
            at_best = Some(AtBest {
                value: best,
                site_value: value.clone(),
                x: x.clone(),
            });
            since_improved = 0;
        } else {
            since_improved += 1;
            if since_improved >= 20 {
                step_scale /= 2.0;
                since_improved = 0;
            }
        }
        if step_scale < 1e-4 || l - target <= 1e-9 * l.abs().max(1.0) {
            break;
        }
        // Subgradient of L: −z_i + Σ_{j∋i} x_j.
        for &i in &active {
            sub[i] = if problem.weights[i] > lambda[i] {
                -1.0
            } else {
                0.0
            };
        }
        for (&j, rows) in free.iter().zip(&rows_of) {
            if x[j] > 0.0 {
                rows.iter().for_each(|&i| sub[i as usize] += x[j]);
            }
        }
        let norm2: f64 = active.iter().map(|&i| sub[i] * sub[i]).sum();
        if norm2 <= 0.0 {
            break; // λ is optimal for the relaxation
        }
        let step = step_scale * (l - target) / norm2;
        for &i in &active {
            lambda[i] = (lambda[i] - step * sub[i]).max(0.0);
        }
    }
    Relaxed {
        bound: best.min(trivial),
        at_best,
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
            order.sort_by(|&a, &b| value[b].total_cmp(&value[a]).then(a.cmp(&b)));
            order
                .iter()
                .take(p)
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
