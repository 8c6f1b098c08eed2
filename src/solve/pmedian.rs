//! p-median (Hakimi 1964): open `p` sites so that the total weighted cost from each demand to
//! its nearest open site is least.
//!
//! ```text
//! minimize    Σ_i Σ_j w_i d_ij x_ij
//! subject to  Σ_j x_ij = 1            for every demand i     (assigned once)
//!             x_ij ≤ y_j                                     (only to open sites)
//!             Σ_j y_j = p,  y_j = 1 for required sites
//!             x_ij, y_j ∈ {0, 1}      (x_ij exists only for reachable pairs)
//! ```
//!
//! - Heuristic: lazy greedy addition, then the fast interchange (1-swap) of Whitaker (1983) as
//!   organised by Resende & Werneck (2003): with each demand's nearest and second-nearest open
//!   sites, one pass over a candidate's pairs prices its swap against every open site; all
//!   candidates are priced in parallel and the best swap (ties to the smallest indices) applied.
//! - Bound: Lagrangian relaxation of the assignment constraints, maximized by subgradient
//!   optimization (Cornuéjols, Fisher & Nemhauser 1977; Beasley 1985). With integer data the
//!   bound is rounded up.
//! - Exact: depth-first branch and bound on the `y_j` with the Lagrangian bound at every node,
//!   warm-started from the parent's multipliers, and reduced-cost fixing (Beasley 1985 solved
//!   the OR-Library instances this way).
//!
//! A demand of positive weight that no open site can reach makes a solution infeasible; the
//! heuristic prices it at a penalty above the cost of any feasible solution so that it is served
//! as soon as possible. Demands of zero weight impose nothing.

use super::{CostMatrix, Ordered, Status};
use rayon::prelude::*;
use std::time::Instant;

/// A p-median problem on a sparse cost matrix.
#[derive(Clone, Copy, Debug)]
pub struct PMedianProblem<'a> {
    pub costs: &'a CostMatrix,
    pub weights: &'a [f64],
    /// Sites to open in total (required ones included).
    pub p: usize,
    /// Sites open in every solution.
    pub required: &'a [bool],
}

/// The answer to a p-median problem.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PMedianSolution {
    /// Open sites, ascending.
    pub open: Vec<usize>,
    /// Total weighted cost (`INFINITY` if some demand is unreachable from every open site).
    pub objective: f64,
    /// No solution costs less than this.
    pub bound: f64,
    /// `(objective − bound) / objective`.
    pub gap: f64,
    pub status: Status,
    /// Branch-and-bound nodes explored (0 without `exact`).
    pub nodes: usize,
}

/// Per-demand nearest and second-nearest open sites.
struct Assignment {
    c1: Vec<u32>,
    d1: Vec<f64>,
    c2: Vec<u32>,
    d2: Vec<f64>,
}

const NONE: u32 = u32::MAX;

impl Assignment {
    fn new(pr: &PMedianProblem, open: &[bool], penalty: f64) -> Self {
        let n = pr.costs.n_demand();
        let mut a = Self {
            c1: vec![NONE; n],
            d1: vec![penalty; n],
            c2: vec![NONE; n],
            d2: vec![penalty; n],
        };
        for i in 0..n {
            a.rescan(pr, open, i, penalty);
        }
        a
    }

    fn rescan(&mut self, pr: &PMedianProblem, open: &[bool], i: usize, penalty: f64) {
        let mut it = pr
            .costs
            .demand(i)
            .iter()
            .filter(|&&(j, _)| open[j as usize]);
        match it.next() {
            Some(&(j, d)) => {
                self.c1[i] = j;
                self.d1[i] = d;
                (self.c2[i], self.d2[i]) = it.next().map_or((NONE, penalty), |&(j, d)| (j, d));
            }
            None => {
                (self.c1[i], self.d1[i]) = (NONE, penalty);
                (self.c2[i], self.d2[i]) = (NONE, penalty);
            }
        }
    }
}

/// Total weighted cost of `open`; `INFINITY` if a demand cannot reach any open site.
pub fn cost_of(pr: &PMedianProblem, open: &[usize]) -> f64 {
    let mut is_open = vec![false; pr.costs.n_sites()];
    for &j in open {
        is_open[j] = true;
    }
    (0..pr.costs.n_demand())
        .map(|i| {
            match pr
                .costs
                .demand(i)
                .iter()
                .find(|&&(j, _)| is_open[j as usize])
            {
                Some(&(_, d)) => pr.weights[i] * d,
                None if pr.weights[i] == 0.0 => 0.0,
                None => f64::INFINITY,
            }
        })
        .sum()
}

/// The cost charged for a demand no open site reaches: large enough that one such demand of the
/// smallest weight costs more than serving every demand at the largest cost, so any feasible
/// solution beats any infeasible one.
fn penalty(pr: &PMedianProblem) -> f64 {
    let max_d = pr.costs.max_cost();
    let total: f64 = pr.weights.iter().sum();
    let w_min = pr
        .weights
        .iter()
        .copied()
        .filter(|&w| w > 0.0)
        .fold(f64::INFINITY, f64::min);
    if w_min.is_finite() {
        max_d * total / w_min + max_d + 1.0
    } else {
        max_d + 1.0
    }
}

/// Greedy addition from the required sites, lazily re-evaluating gains.
pub fn greedy(pr: &PMedianProblem) -> Vec<usize> {
    let m = pr.costs.n_sites();
    let pen = penalty(pr);
    let mut open_mask = pr.required.to_vec();
    let mut open: Vec<usize> = (0..m).filter(|&j| pr.required[j]).collect();
    let mut cur: Vec<f64> = Assignment::new(pr, &open_mask, pen).d1;
    let gain = |j: usize, cur: &[f64]| -> f64 {
        pr.costs
            .site(j)
            .iter()
            .map(|&(i, d)| pr.weights[i as usize] * (cur[i as usize] - d).max(0.0))
            .sum()
    };
    let mut heap: std::collections::BinaryHeap<(Ordered, std::cmp::Reverse<usize>)> = (0..m)
        .filter(|&j| !open_mask[j])
        .map(|j| (Ordered(gain(j, &cur)), std::cmp::Reverse(j)))
        .collect();
    while open.len() < pr.p {
        let Some((_, std::cmp::Reverse(j))) = heap.pop() else {
            break;
        };
        let g = gain(j, &cur);
        if heap.peek().is_some_and(|top| Ordered(g) < top.0) {
            heap.push((Ordered(g), std::cmp::Reverse(j)));
            continue;
        }
        open_mask[j] = true;
        open.push(j);
        for &(i, d) in pr.costs.site(j) {
            let c = &mut cur[i as usize];
            *c = c.min(d);
        }
    }
    open
}

/// Fast interchange: best-improvement 1-swaps until none lowers the cost. `allowed[j]` false
/// keeps site `j` closed (used by branch and bound); required sites never close.
pub fn interchange(pr: &PMedianProblem, mut open: Vec<usize>, allowed: &[bool]) -> Vec<usize> {
    let m = pr.costs.n_sites();
    let pen = penalty(pr);
    let mut mask = vec![false; m];
    for &j in &open {
        mask[j] = true;
    }
    let mut a = Assignment::new(pr, &mask, pen);
    let total: f64 = pr.weights.iter().sum::<f64>() * pen;
    for _round in 0..(10 * m + 100) {
        // loss[r]: cost increase if r closes (its demands move to their second site).
        let mut loss = vec![0.0; m];
        for i in 0..a.c1.len() {
            if a.c1[i] != NONE {
                loss[a.c1[i] as usize] += pr.weights[i] * (a.d2[i] - a.d1[i]);
            }
        }
        let mut removable: Vec<(usize, f64)> = open
            .iter()
            .filter(|&&r| !pr.required[r])
            .map(|&r| (r, loss[r]))
            .collect();
        removable.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
        if removable.is_empty() {
            break;
        }
        let best = (0..m)
            .into_par_iter()
            .filter(|&c| !mask[c] && allowed[c])
            .map_init(
                || (vec![0.0f64; m], vec![false; m], Vec::<usize>::new()),
                |(extra, seen, touched), c| {
                    let mut gain = 0.0;
                    for &(i, d) in pr.costs.site(c) {
                        let i = i as usize;
                        let w = pr.weights[i];
                        gain += w * (a.d1[i] - d).max(0.0);
                        let r = a.c1[i];
                        if r != NONE && d < a.d2[i] && !pr.required[r as usize] {
                            let r = r as usize;
                            if !seen[r] {
                                seen[r] = true;
                                touched.push(r);
                            }
                            extra[r] += w * (a.d2[i] - d.max(a.d1[i]));
                        }
                    }
                    let mut best: Option<(f64, usize, usize)> = None;
                    let mut consider = |delta: f64, r: usize| {
                        if best.is_none_or(|b| delta > b.0 || delta == b.0 && r < b.2) {
                            best = Some((delta, c, r));
                        }
                    };
                    for &r in touched.iter() {
                        consider(gain + extra[r] - loss[r], r);
                    }
                    if let Some(&(r, l)) = removable.iter().find(|&&(r, _)| !seen[r]) {
                        consider(gain - l, r);
                    }
                    for &r in touched.iter() {
                        extra[r] = 0.0;
                        seen[r] = false;
                    }
                    touched.clear();
                    best
                },
            )
            .flatten()
            .reduce_with(|x, y| {
                if y.0 > x.0 || y.0 == x.0 && (y.1, y.2) < (x.1, x.2) {
                    y
                } else {
                    x
                }
            });
        let Some((delta, add, remove)) = best else {
            break;
        };
        if delta <= 1e-12 * total.max(1.0) {
            break;
        }
        mask[remove] = false;
        mask[add] = true;
        open.retain(|&j| j != remove);
        open.push(add);
        for i in 0..a.c1.len() {
            if a.c1[i] == remove as u32 || a.c2[i] == remove as u32 {
                a.rescan(pr, &mask, i, pen);
            }
        }
        for &(i, d) in pr.costs.site(add) {
            let i = i as usize;
            if a.c1[i] == add as u32 || a.c2[i] == add as u32 {
                continue; // rescanned above with `add` already open
            }
            if d < a.d1[i] {
                (a.c2[i], a.d2[i]) = (a.c1[i], a.d1[i]);
                (a.c1[i], a.d1[i]) = (add as u32, d);
            } else if d < a.d2[i] {
                (a.c2[i], a.d2[i]) = (add as u32, d);
            }
        }
    }
    open
}

/// Site state in branch and bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fix {
    Free,
    In,
    Out,
}

/// Result of one Lagrangian optimization.
struct Lagrange {
    bound: f64,
    /// The relaxation's open sites at the best multipliers.
    open: Vec<usize>,
    /// Site values ρ_j at the best multipliers.
    rho: Vec<f64>,
    lambda: Vec<f64>,
}

/// Maximizes the Lagrangian bound over λ by subgradient steps towards `ub`. `None` if the fixings
/// leave fewer than `p` sites.
fn lagrangian(
    pr: &PMedianProblem,
    by_demand: &[Vec<(u32, f64)>],
    fix: &[Fix],
    lambda0: &[f64],
    ub: f64,
    iterations: usize,
) -> Option<Lagrange> {
    let m = pr.costs.n_sites();
    let n = pr.costs.n_demand();
    let forced: Vec<usize> = (0..m).filter(|&j| fix[j] == Fix::In).collect();
    let free: Vec<usize> = (0..m).filter(|&j| fix[j] == Fix::Free).collect();
    if forced.len() > pr.p || forced.len() + free.len() < pr.p {
        return None;
    }
    let k = pr.p - forced.len();
    let mut lambda = lambda0.to_vec();
    let mut best: Option<Lagrange> = None;
    let mut scale = 2.0;
    let mut since = 0;
    let mut rho = vec![0.0; m];
    let mut g = vec![0.0; n];
    let mut is_chosen = vec![false; m];
    for _ in 0..iterations {
        // Each site's value ρ_j = Σ_i min(0, w_i d_ij − λ_i): only the pairs cheaper than the
        // demand's multiplier count, and each demand's pairs come cheapest first, so each
        // demand's scan stops at its first pair that costs λ_i or more.
        for (j, r) in rho.iter_mut().enumerate() {
            if fix[j] != Fix::Out {
                *r = 0.0;
            }
        }
        for (i, pairs) in by_demand.iter().enumerate() {
            let l = lambda[i];
            for &(j, wd) in pairs.iter().take_while(|&&(_, wd)| wd < l) {
                if fix[j as usize] != Fix::Out {
                    rho[j as usize] += wd - l;
                }
            }
        }
        let mut order = free.clone();
        if k > 0 && k < order.len() {
            order.select_nth_unstable_by(k, |&a, &b| rho[a].total_cmp(&rho[b]).then(a.cmp(&b)));
        }
        let mut chosen: Vec<usize> = forced.clone();
        let mut picks: Vec<usize> = order[..k].to_vec();
        picks.sort_by(|&a, &b| rho[a].total_cmp(&rho[b]).then(a.cmp(&b)));
        chosen.extend(&picks);
        let l: f64 = lambda.iter().sum::<f64>() + chosen.iter().map(|&j| rho[j]).sum::<f64>();
        if best.as_ref().is_none_or(|b| l > b.bound) {
            best = Some(Lagrange {
                bound: l,
                open: chosen.clone(),
                rho: rho.clone(),
                lambda: lambda.clone(),
            });
            since = 0;
        } else {
            since += 1;
            if since >= 15 {
                scale /= 2.0;
                since = 0;
            }
        }
        if scale < 1e-3 || l >= ub - 1e-9 * ub.abs() {
            break;
        }
        // Demands of zero weight impose nothing: their multipliers stay 0.
        for (gi, w) in g.iter_mut().zip(pr.weights) {
            *gi = if *w > 0.0 { 1.0 } else { 0.0 };
        }
        is_chosen.fill(false);
        chosen.iter().for_each(|&j| is_chosen[j] = true);
        for (i, pairs) in by_demand.iter().enumerate() {
            if pr.weights[i] > 0.0 {
                let l = lambda[i];
                let served = pairs.iter().take_while(|&&(_, wd)| wd < l);
                g[i] -= served.filter(|&&(j, _)| is_chosen[j as usize]).count() as f64;
            }
        }
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break; // the relaxation's solution is feasible: the bound is exact
        }
        let step = scale * (ub - l).max(1e-9 * ub.abs().max(1.0)) / norm;
        for i in 0..n {
            lambda[i] += step * g[i];
        }
    }
    best
}

/// Whether all weights and costs are integers (then objectives are integers and bounds round up).
fn integral(pr: &PMedianProblem) -> bool {
    pr.weights.iter().all(|w| w.fract() == 0.0)
        && (0..pr.costs.n_sites()).all(|j| pr.costs.site(j).iter().all(|&(_, d)| d.fract() == 0.0))
}

/// Solves the p-median problem: greedy + interchange, Lagrangian bound, and (with
/// `time_limit_s`) branch and bound until optimal or out of time.
pub fn solve(
    pr: &PMedianProblem,
    exact_time_limit_s: Option<f64>,
    bound_iterations: usize,
) -> PMedianSolution {
    let start = Instant::now();
    let m = pr.costs.n_sites();
    assert_eq!(pr.required.len(), m);
    assert_eq!(pr.weights.len(), pr.costs.n_demand());
    let all = vec![true; m];
    let mut best_open = interchange(pr, greedy(pr), &all);
    let mut ub = cost_of(pr, &best_open);
    let integral = integral(pr);
    let round = |b: f64| if integral { (b - 1e-6).ceil() } else { b };
    // Prune when a node cannot beat the incumbent by at least one unit (integral) or a hair.
    let beats = |bound: f64, ub: f64| {
        if integral {
            bound <= ub - 1.0 + 1e-6
        } else {
            bound < ub * (1.0 - 1e-12)
        }
    };
    let fix0: Vec<Fix> = (0..m)
        .map(|j| if pr.required[j] { Fix::In } else { Fix::Free })
        .collect();
    // λ starts at each demand's weighted cost in the heuristic solution.
    let lambda0: Vec<f64> = {
        let mut mask = vec![false; m];
        best_open.iter().for_each(|&j| mask[j] = true);
        let a = Assignment::new(pr, &mask, penalty(pr));
        (0..pr.costs.n_demand())
            .map(|i| pr.weights[i] * a.d1[i])
            .collect()
    };
    let ub_for_steps = |ub: f64| {
        if ub.is_finite() {
            ub
        } else {
            pr.weights.iter().sum::<f64>() * penalty(pr)
        }
    };
    // Each demand's pairs with its weighted cost `w_i d_ij` (the relaxation's terms), cheapest
    // first.
    let by_demand: Vec<Vec<(u32, f64)>> = (0..pr.costs.n_demand())
        .map(|i| {
            let w = pr.weights[i];
            pr.costs
                .demand(i)
                .iter()
                .map(|&(j, d)| (j, w * d))
                .collect()
        })
        .collect();
    let Some(root) = lagrangian(
        pr,
        &by_demand,
        &fix0,
        &lambda0,
        ub_for_steps(ub),
        bound_iterations.max(1),
    ) else {
        return finish(best_open, ub, f64::INFINITY, Status::Infeasible, 0);
    };
    let mut lb = round(root.bound);
    if !ub.is_finite() && lb.is_infinite() {
        return finish(best_open, ub, lb, Status::Infeasible, 0);
    }
    let Some(limit) = exact_time_limit_s else {
        let status = if !beats(lb, ub) {
            Status::Optimal
        } else {
            Status::Feasible
        };
        return finish(best_open, ub, lb.min(ub), status, 0);
    };
    // Depth-first branch and bound.
    struct Node {
        fix: Vec<Fix>,
        lambda: Vec<f64>,
        bound: f64,
    }
    let mut stack = vec![Node {
        fix: fix0,
        lambda: root.lambda.clone(),
        bound: lb,
    }];
    let mut nodes = 0usize;
    let mut timed_out = false;
    let mut open_bounds_min = f64::INFINITY;
    while let Some(node) = stack.pop() {
        if !beats(node.bound, ub) {
            continue;
        }
        if start.elapsed().as_secs_f64() > limit {
            timed_out = true;
            open_bounds_min = open_bounds_min.min(node.bound);
            for n in &stack {
                open_bounds_min = open_bounds_min.min(n.bound);
            }
            break;
        }
        nodes += 1;
        let iters = if nodes == 1 {
            bound_iterations.max(1)
        } else {
            (bound_iterations / 4).max(50)
        };
        let Some(lg) = lagrangian(
            pr,
            &by_demand,
            &node.fix,
            &node.lambda,
            ub_for_steps(ub),
            iters,
        ) else {
            continue;
        };
        let bound = round(lg.bound).max(node.bound);
        // The relaxation's sites, polished by interchange within the node, may improve the incumbent.
        let allowed: Vec<bool> = node.fix.iter().map(|&f| f != Fix::Out).collect();
        let candidate = interchange(pr, lg.open.clone(), &allowed);
        let c = cost_of(pr, &candidate);
        if c < ub {
            ub = c;
            best_open = candidate;
        }
        if !beats(bound, ub) {
            continue;
        }
        // Reduced-cost fixing: forcing a free site in (out) must displace the worst chosen (best
        // unchosen) free site.
        let mut fix = node.fix.clone();
        let chosen_free: Vec<usize> = lg
            .open
            .iter()
            .copied()
            .filter(|&j| fix[j] == Fix::Free)
            .collect();
        let mut unchosen_free: Vec<usize> = (0..m)
            .filter(|&j| fix[j] == Fix::Free && !lg.open.contains(&j))
            .collect();
        unchosen_free.sort_by(|&a, &b| lg.rho[a].total_cmp(&lg.rho[b]).then(a.cmp(&b)));
        let worst_in = chosen_free
            .iter()
            .map(|&j| lg.rho[j])
            .fold(f64::NEG_INFINITY, f64::max);
        let best_out = unchosen_free.first().map_or(f64::INFINITY, |&j| lg.rho[j]);
        for &j in &unchosen_free {
            if !beats(round(lg.bound + lg.rho[j] - worst_in), ub) {
                fix[j] = Fix::Out;
            }
        }
        for &j in &chosen_free {
            if !beats(round(lg.bound - lg.rho[j] + best_out), ub) {
                fix[j] = Fix::In;
            }
        }
        // Branch on the free chosen site with the most negative value.
        let Some(&j) = chosen_free
            .iter()
            .filter(|&&j| fix[j] == Fix::Free)
            .min_by(|&&a, &&b| lg.rho[a].total_cmp(&lg.rho[b]).then(a.cmp(&b)))
        else {
            // Every chosen site is fixed: re-solve this node with the tighter fixings.
            if fix != node.fix {
                stack.push(Node {
                    fix,
                    lambda: lg.lambda,
                    bound,
                });
            }
            continue;
        };
        let mut out = fix.clone();
        out[j] = Fix::Out;
        let mut inn = fix;
        inn[j] = Fix::In;
        stack.push(Node {
            fix: out,
            lambda: lg.lambda.clone(),
            bound,
        });
        stack.push(Node {
            fix: inn,
            lambda: lg.lambda,
            bound,
        });
    }
    lb = if timed_out {
        open_bounds_min.min(ub)
    } else {
        ub
    };
    let status = if timed_out {
        Status::TimeLimit
    } else {
        Status::Optimal
    };
    finish(best_open, ub, lb, status, nodes)
}

fn finish(
    mut open: Vec<usize>,
    objective: f64,
    bound: f64,
    status: Status,
    nodes: usize,
) -> PMedianSolution {
    open.sort_unstable();
    let gap = if objective.is_finite() && objective > 0.0 {
        ((objective - bound) / objective).max(0.0)
    } else if objective == 0.0 {
        0.0
    } else {
        f64::INFINITY
    };
    let status = if !objective.is_finite() {
        Status::Infeasible
    } else {
        status
    };
    PMedianSolution {
        open,
        objective,
        bound,
        gap,
        status,
        nodes,
    }
}
