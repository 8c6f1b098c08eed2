//! p-center (Hakimi 1964): open `p` sites so that the largest cost from any demand to its
//! nearest open site is least (unweighted).
//!
//! Solved by searching the sorted distinct costs for the smallest radius `r` whose set-covering
//! problem needs at most `p` sites (Minieka 1970). A radius is *feasible* when a cover with ≤ p
//! sites is found, *infeasible* when the set-covering lower bound exceeds p; the answer's
//! objective is the smallest feasible radius and its bound the smallest radius not proven
//! infeasible. With `exact`, undecided radii go to the set-covering MILP.

use super::{CostMatrix, Status, lscp};

/// The answer to a p-center problem.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PCenterSolution {
    pub open: Vec<usize>,
    /// Largest cost from a demand to its nearest open site.
    pub objective: f64,
    /// No p sites do better.
    pub bound: f64,
    pub gap: f64,
    pub status: Status,
}

/// Solves p-center on `costs` with `p` sites in total (required ones included).
pub fn solve(
    costs: &CostMatrix,
    p: usize,
    required: &[bool],
    exact_time_limit_s: Option<f64>,
    bound_iterations: usize,
) -> PCenterSolution {
    let n = costs.n_demand();
    let infeasible = || PCenterSolution {
        open: vec![],
        objective: f64::INFINITY,
        bound: f64::INFINITY,
        gap: f64::INFINITY,
        status: Status::Infeasible,
    };
    // Every demand must be reachable by some site, and p must allow the required sites.
    if (0..n).any(|i| costs.demand(i).is_empty()) || required.iter().filter(|r| **r).count() > p {
        return infeasible();
    }
    let radii = costs.distinct_costs();
    // Smallest radius at which every demand is coverable at all: nothing below can work.
    let floor = (0..n).map(|i| costs.demand(i)[0].1).fold(0.0, f64::max);
    let lo_start = radii.partition_point(|&r| r < floor);
    let start = std::time::Instant::now();
    let remaining = |limit: f64| (limit - start.elapsed().as_secs_f64()).max(0.0);
    // Decide one radius: Some(open) if ≤ p sites cover all, None if proven or found infeasible;
    // the flag says whether an infeasibility was proven.
    let probe = |k: usize| -> (Option<Vec<usize>>, bool) {
        let covers = costs.covers(radii[k]);
        let s = lscp::solve(
            &covers,
            n,
            required,
            exact_time_limit_s.map(remaining),
            bound_iterations,
        );
        if s.objective <= p as f64 {
            (Some(s.open), true)
        } else {
            (None, s.bound > p as f64)
        }
    };
    // Binary search for the smallest feasible radius; track the proven-infeasible frontier.
    let (mut lo, mut hi) = (lo_start, radii.len() - 1);
    let mut best = match probe(hi) {
        (Some(open), _) => open,
        _ => return infeasible(),
    };
    // Every radius index below this is proven infeasible (a radius that needs more than p sites
    // makes every smaller one need more too).
    let mut proven_below = lo_start;
    while lo < hi {
        let mid = (lo + hi) / 2;
        match probe(mid) {
            (Some(open), _) => {
                best = open;
                hi = mid;
            }
            (None, proven) => {
                if proven {
                    proven_below = proven_below.max(mid + 1);
                }
                lo = mid + 1;
            }
        }
    }
    let objective = max_cost(costs, &best);
    let bound = radii[proven_below.min(radii.len() - 1)].min(objective);
    let status = if bound >= objective {
        Status::Optimal
    } else if exact_time_limit_s.is_some() {
        Status::TimeLimit
    } else {
        Status::Feasible
    };
    PCenterSolution {
        gap: if objective > 0.0 {
            (objective - bound) / objective
        } else {
            0.0
        },
        open: best,
        objective,
        bound,
        status,
    }
}

/// The largest cost from a demand to its nearest open site (`INFINITY` if one is unreachable).
pub fn max_cost(costs: &CostMatrix, open: &[usize]) -> f64 {
    let mut is_open = vec![false; costs.n_sites()];
    open.iter().for_each(|&j| is_open[j] = true);
    (0..costs.n_demand())
        .map(|i| {
            costs
                .demand(i)
                .iter()
                .find(|&&(j, _)| is_open[j as usize])
                .map_or(f64::INFINITY, |&(_, d)| d)
        })
        .fold(0.0, f64::max)
}
