//! Problem variants solved through the MILP ([`super::milp`]), each bounded by a relaxation when
//! the time limit stops the search:
//!
//! - backup coverage (Hogan & ReVelle 1986): full single coverage with the fewest sites (or `p`),
//!   then the most weight covered twice (mutual-aid points for villages that need redundancy);
//! - capacitated p-median and MCLP: a site serves at most its capacity (beds, day places);
//!   demand is splittable. Bounds come from the uncapacitated problem, which relaxes capacity.

use super::{
    CostMatrix, CoverProblem, Limit, Solution, SolveOptions, Status, finish, lscp, milp, pmedian,
};

/// Backup coverage: `p` sites in total (default: the fewest that cover every coverable demand),
/// every coverable demand covered, the most weight covered at least twice. `objective` is that
/// weight; `bound` the weight of demands with two or more covering sites when not proven.
pub fn backup_coverage(
    covers: &[Vec<u32>],
    weights: &[f64],
    p: Option<usize>,
    required: &[bool],
    time_limit_s: f64,
) -> Solution {
    let n = weights.len();
    let cover = lscp::solve(covers, n, required, Some(time_limit_s), 300);
    let p = p.unwrap_or(cover.open.len());
    let problem = CoverProblem {
        weights: weights.to_vec(),
        covers: covers.to_vec(),
        costs: vec![0.0; covers.len()],
        fixed: required.to_vec(),
        limit: Limit::Count(p.saturating_sub(required.iter().filter(|r| **r).count())),
    };
    let mut degree = vec![0usize; n];
    covers
        .iter()
        .flatten()
        .for_each(|&i| degree[i as usize] += 1);
    let trivial: f64 = (0..n).filter(|&i| degree[i] >= 2).map(|i| weights[i]).sum();
    let twice = |open: &[usize]| -> f64 {
        let mut c = vec![0usize; n];
        open.iter()
            .flat_map(|&j| &covers[j])
            .for_each(|&i| c[i as usize] += 1);
        (0..n).filter(|&i| c[i] >= 2).map(|i| weights[i]).sum()
    };
    if p < cover.open.len() && cover.status == Status::Optimal {
        return Solution {
            status: Status::Infeasible,
            ..finish(&problem, vec![], 0.0, 0.0)
        };
    }
    let warm = if cover.open.len() == p {
        cover.open.clone()
    } else {
        vec![]
    };
    match milp::backup(covers, weights, p, required, &warm, time_limit_s) {
        Some(out) if milp::covers_all(covers, n, &out.open) => {
            let objective = twice(&out.open);
            let bound = if out.proven { objective } else { trivial };
            let mut s = finish(&problem, out.open, objective, bound);
            if !out.proven {
                s.status = Status::TimeLimit;
            }
            s
        }
        _ => Solution {
            status: Status::TimeLimit,
            ..finish(&problem, cover.open.clone(), twice(&cover.open), trivial)
        },
    }
}

/// Capacitated p-median (splittable demand; with `fill_required`, required sites are used to
/// capacity). Warm-started from the uncapacitated heuristic; the uncapacitated Lagrangian bound
/// stands when the MILP is not proven optimal (it is valid only without `fill_required`, so then
/// a time-limited answer reports the objective itself as bound with status `time_limit`).
#[allow(clippy::too_many_arguments)]
pub fn capacitated_pmedian(
    costs: &CostMatrix,
    weights: &[f64],
    capacity: &[f64],
    p: usize,
    required: &[bool],
    fill_required: bool,
    time_limit_s: f64,
) -> pmedian::PMedianSolution {
    let pr = pmedian::PMedianProblem {
        costs,
        weights,
        p,
        required,
    };
    let relaxed = pmedian::solve(&pr, None, 300);
    let infeasible = pmedian::PMedianSolution {
        open: vec![],
        objective: f64::INFINITY,
        bound: relaxed.bound,
        gap: f64::INFINITY,
        status: Status::Infeasible,
        nodes: 0,
    };
    match milp::capacitated_pmedian(
        costs,
        weights,
        capacity,
        p,
        required,
        fill_required,
        &relaxed.open,
        time_limit_s,
    ) {
        Some(out) => {
            let bound = match (out.proven, fill_required) {
                (true, _) => out.objective,
                (false, false) => relaxed.bound.min(out.objective),
                (false, true) => f64::NEG_INFINITY.max(0.0),
            };
            let gap = if out.objective > 0.0 {
                (out.objective - bound) / out.objective
            } else {
                0.0
            };
            let status = if out.proven {
                Status::Optimal
            } else {
                Status::TimeLimit
            };
            pmedian::PMedianSolution {
                open: out.open,
                objective: out.objective,
                bound,
                gap,
                status,
                nodes: 0,
            }
        }
        None => infeasible,
    }
}

/// Capacitated MCLP (splittable demand), `p_new` sites besides the fixed ones. `objective` is
/// the weight served within capacity; the uncapacitated bound stands when not proven optimal.
pub fn capacitated_mclp(
    covers: &[Vec<u32>],
    weights: &[f64],
    capacity: &[f64],
    fixed: &[bool],
    p_new: usize,
    time_limit_s: f64,
) -> Solution {
    let problem = CoverProblem {
        weights: weights.to_vec(),
        covers: covers.to_vec(),
        costs: vec![0.0; covers.len()],
        fixed: fixed.to_vec(),
        limit: Limit::Count(p_new),
    };
    let relaxed = super::solve_mclp(&problem, &SolveOptions::default());
    match milp::capacitated_mclp(
        covers,
        weights,
        capacity,
        fixed,
        p_new,
        &relaxed.open,
        time_limit_s,
    ) {
        Some(out) => {
            let bound = if out.proven {
                out.objective
            } else {
                relaxed.bound.max(out.objective)
            };
            let mut s = finish(&problem, out.open, out.objective, bound);
            if !out.proven {
                s.status = Status::TimeLimit;
            }
            s
        }
        None => Solution {
            status: Status::TimeLimit,
            ..finish(&problem, vec![], 0.0, relaxed.bound)
        },
    }
}
