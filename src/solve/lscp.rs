//! Location set covering (Toregas, Swain, ReVelle & Bergman 1971): the fewest sites such that
//! every demand some site can cover is covered. Demands no site can cover are left out and
//! reported.
//!
//! ```text
//! minimize    Σ_j y_j
//! subject to  Σ_{j ∈ N_i} y_j ≥ 1     for every coverable demand i
//!             y_j = 1 for required sites,  y_j ∈ {0, 1}
//! ```
//!
//! Heuristic: Chvátal's greedy (most newly covered demands per site), then redundant sites
//! removed. Bound: Lagrangian relaxation of the covering constraints,
//! `L(u) = Σ_i u_i + Σ_j min(0, 1 − Σ_{i ∈ N_j} u_i)`, maximized by subgradient steps and
//! rounded up. Exact: MILP on the presolved instance ([`super::milp::lscp`]).

use super::Status;

/// The answer to a set-covering problem.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LscpSolution {
    /// Open sites (required ones included), ascending.
    pub open: Vec<usize>,
    /// Number of open sites.
    pub objective: f64,
    /// No cover uses fewer sites.
    pub bound: f64,
    pub gap: f64,
    pub status: Status,
    /// Demands no site can cover.
    pub uncoverable: Vec<usize>,
}

/// Greedy cover followed by removal of redundant sites (largest index first).
pub fn greedy(covers: &[Vec<u32>], n_demand: usize, required: &[bool]) -> Vec<usize> {
    let mut count = vec![0u32; n_demand];
    let mut open: Vec<usize> = (0..covers.len()).filter(|&j| required[j]).collect();
    for &j in &open {
        for &i in &covers[j] {
            count[i as usize] += 1;
        }
    }
    let coverable: Vec<bool> = {
        let mut c = vec![false; n_demand];
        covers.iter().flatten().for_each(|&i| c[i as usize] = true);
        c
    };
    let mut missing = (0..n_demand)
        .filter(|&i| coverable[i] && count[i] == 0)
        .count();
    while missing > 0 {
        let (j, gain) = (0..covers.len())
            .filter(|&j| !open.contains(&j))
            .map(|j| {
                (
                    j,
                    covers[j]
                        .iter()
                        .filter(|&&i| count[i as usize] == 0)
                        .count(),
                )
            })
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .expect("a coverable demand has a covering site");
        debug_assert!(gain > 0);
        open.push(j);
        for &i in &covers[j] {
            if count[i as usize] == 0 {
                missing -= 1;
            }
            count[i as usize] += 1;
        }
    }
    // Drop sites all of whose demands are covered twice, latest choices first.
    for k in (0..open.len()).rev() {
        let j = open[k];
        if !required[j] && covers[j].iter().all(|&i| count[i as usize] >= 2) {
            for &i in &covers[j] {
                count[i as usize] -= 1;
            }
            open.remove(k);
        }
    }
    open.sort_unstable();
    open
}

/// Lagrangian lower bound on the number of free sites needed (not counting required ones).
pub fn lower_bound(
    covers: &[Vec<u32>],
    n_demand: usize,
    required: &[bool],
    upper: f64,
    iterations: usize,
) -> f64 {
    let mut by_fixed = vec![false; n_demand];
    for (j, c) in covers.iter().enumerate() {
        if required[j] {
            c.iter().for_each(|&i| by_fixed[i as usize] = true);
        }
    }
    let free: Vec<usize> = (0..covers.len()).filter(|&j| !required[j]).collect();
    let mut active = vec![false; n_demand];
    for &j in &free {
        for &i in &covers[j] {
            if !by_fixed[i as usize] {
                active[i as usize] = true;
            }
        }
    }
    let rows: Vec<usize> = (0..n_demand).filter(|&i| active[i]).collect();
    if rows.is_empty() {
        return 0.0;
    }
    // Start from u_i = 1 / (number of sites covering i).
    let mut deg = vec![0usize; n_demand];
    for &j in &free {
        covers[j].iter().for_each(|&i| deg[i as usize] += 1);
    }
    let mut u: Vec<f64> = (0..n_demand)
        .map(|i| {
            if active[i] {
                1.0 / deg[i].max(1) as f64
            } else {
                0.0
            }
        })
        .collect();
    let mut best = 0.0f64;
    let mut scale = 2.0;
    let mut since = 0;
    let mut g = vec![0.0; n_demand];
    for _ in 0..iterations {
        let mut l: f64 = rows.iter().map(|&i| u[i]).sum();
        for &i in &rows {
            g[i] = 1.0;
        }
        for &j in &free {
            let reduced = 1.0
                - covers[j]
                    .iter()
                    .filter(|&&i| active[i as usize])
                    .map(|&i| u[i as usize])
                    .sum::<f64>();
            if reduced < 0.0 {
                l += reduced;
                covers[j]
                    .iter()
                    .filter(|&&i| active[i as usize])
                    .for_each(|&i| g[i as usize] -= 1.0);
            }
        }
        if l > best + 1e-9 {
            best = l;
            since = 0;
        } else {
            since += 1;
            if since >= 20 {
                scale /= 2.0;
                since = 0;
            }
        }
        if scale < 1e-3 || (best - 1e-6).ceil() >= upper {
            break;
        }
        let norm: f64 = rows.iter().map(|&i| g[i] * g[i]).sum();
        if norm == 0.0 {
            break;
        }
        let step = scale * (upper - l).max(0.05) / norm;
        for &i in &rows {
            u[i] = (u[i] + step * g[i]).max(0.0);
        }
    }
    (best - 1e-6).ceil().max(0.0)
}

/// Solves the set-covering problem: greedy, Lagrangian bound, and with `exact_time_limit_s` the
/// MILP.
pub fn solve(
    covers: &[Vec<u32>],
    n_demand: usize,
    required: &[bool],
    exact_time_limit_s: Option<f64>,
    bound_iterations: usize,
) -> LscpSolution {
    let mut coverable = vec![false; n_demand];
    covers
        .iter()
        .flatten()
        .for_each(|&i| coverable[i as usize] = true);
    let uncoverable: Vec<usize> = (0..n_demand).filter(|&i| !coverable[i]).collect();
    let n_required = required.iter().filter(|r| **r).count() as f64;
    let mut open = greedy(covers, n_demand, required);
    let mut bound = n_required
        + lower_bound(
            covers,
            n_demand,
            required,
            open.len() as f64 - n_required,
            bound_iterations,
        );
    let mut status = if bound >= open.len() as f64 {
        Status::Optimal
    } else {
        Status::Feasible
    };
    if let (Some(limit), Status::Feasible) = (exact_time_limit_s, status)
        && let Some(out) = super::milp::lscp(covers, n_demand, required, &open, limit)
    {
        if out.open.len() <= open.len() && super::milp::covers_all(covers, n_demand, &out.open) {
            open = out.open;
        }
        if out.proven {
            bound = open.len() as f64;
            status = Status::Optimal;
        } else {
            status = Status::TimeLimit;
        }
    }
    let objective = open.len() as f64;
    LscpSolution {
        gap: if objective > 0.0 {
            (objective - bound) / objective
        } else {
            0.0
        },
        open,
        objective,
        bound,
        status,
        uncoverable,
    }
}
