//! Exhaustive enumeration: the test oracle for tiny problems. Tries every subset of the free
//! sites, so it is exponential; use it only below about 20 sites.

use super::{CoverProblem, Solution, finish};

/// The optimal solution by enumerating all subsets of non-fixed sites.
///
/// # Panics
/// With more than 24 free sites.
pub fn solve(problem: &CoverProblem) -> Solution {
    let fixed: Vec<usize> = (0..problem.n_sites())
        .filter(|&j| problem.fixed[j])
        .collect();
    let free: Vec<usize> = (0..problem.n_sites())
        .filter(|&j| !problem.fixed[j])
        .collect();
    assert!(
        free.len() <= 24,
        "exhaustive search over {} sites is too large",
        free.len()
    );
    let mut best = (problem.covered_weight(&fixed), fixed.clone());
    for mask in 1u32..(1 << free.len()) {
        let mut open = fixed.clone();
        open.extend(
            (0..free.len())
                .filter(|b| mask >> b & 1 == 1)
                .map(|b| free[b]),
        );
        if !problem.is_feasible(&open) {
            continue;
        }
        let w = problem.covered_weight(&open);
        if w > best.0 {
            open.sort_unstable();
            best = (w, open);
        }
    }
    finish(problem, best.1, best.0, best.0)
}
