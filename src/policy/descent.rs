//! The least-cost heuristic's coordinate descent on the town centres (module `heuristic`):
//! each town in turn tries its other candidate centres, the county's points solved again for
//! each, and keeps a change that makes the plan better.

use super::PolicyProblem;
use super::heuristic::{Score, centre_candidates, complete};
use super::reach::Reach;
use crate::solve::SolveOptions;
use rayon::prelude::*;

/// Towns whose trial centres are evaluated side by side before they are compared in order.
pub(super) const TOWNS_AT_ONCE: usize = 32;

/// Coordinate descent on the town centres (least cost): each town in turn tries every other
/// candidate, the county's points solved again for it, and keeps a change that improves `best`;
/// up to three passes.
///
/// The result is that of trying one town after the other. A trial reaching fewer elders than
/// the best plan serves is skipped unsolved ([`Reach`]). Trials of `at_once` towns are
/// solved side by side against the current centres, then compared in town order; a change in
/// one town makes the later towns' trials stale, so those are solved again from there (changes
/// are rare: 3 in 8,000 trials on the 100,000-village county).
pub(super) fn descend_centres(
    problem: &PolicyProblem,
    centre: &mut [Option<usize>],
    off: &[bool],
    budget: f64,
    options: &SolveOptions,
    best: &mut (Vec<bool>, Score),
    at_once: usize,
) {
    let by_town = centre_candidates(problem);
    let towns: Vec<usize> = (0..problem.n_towns)
        .filter(|&t| centre[t].is_some_and(|c| !problem.facilities[c].fixed()))
        .collect();
    let mut reach = Reach::new(problem, centre, off);
    let mut reached = reach.weight();
    for _pass in 0..3 {
        let mut improved = false;
        let mut next = 0;
        while next < towns.len() {
            let batch = &towns[next..(next + at_once).min(towns.len())];
            // A trial reaching less than the best plan serves is worse, whatever its points
            // (the tolerance absorbs the sums' rounding, never a village).
            let served = -best.1.0;
            let trials: Vec<(usize, usize)> = batch
                .iter()
                .flat_map(|&t| by_town[t].iter().map(move |&c| (t, c)))
                .filter(|&(t, c)| {
                    Some(c) != centre[t]
                        && reached + reach.gain(t, centre[t], c)
                            >= served - 1e-9 * (1.0 + served.abs())
                })
                .collect();
            let solved: Vec<(Vec<bool>, Score)> = trials
                .par_iter()
                .map(|&(t, c)| {
                    let mut trial = centre.to_vec();
                    trial[t] = Some(c);
                    complete(problem, &trial, off, budget, options)
                })
                .collect();
            let mut changed: Option<usize> = None;
            for (&(t, c), candidate) in trials.iter().zip(solved) {
                // The trials of one town differ from the centres only there, so a change in
                // that town leaves its other trials valid; later towns' trials, and which of
                // them the reach skips, are stale.
                if changed.is_some_and(|u| u != t) {
                    break;
                }
                if candidate.1 < best.1 {
                    reach.apply(t, centre[t], c);
                    reached = reach.weight();
                    centre[t] = Some(c);
                    *best = candidate;
                    improved = true;
                    changed = Some(t);
                }
            }
            next = match changed {
                Some(u) => next + batch.iter().position(|&x| x == u).expect("a batch town") + 1,
                None => next + batch.len(),
            };
        }
        if !improved {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{TOWNS_AT_ONCE, descend_centres};
    use crate::policy::heuristic::{centre_candidates, complete};
    use crate::policy::reach::tests::random_problem;
    use crate::solve::SolveOptions;

    /// Towns solved side by side give the plan of one town after the other (changes in a
    /// batch re-solve the towns after them), on 300 random counties.
    #[test]
    fn the_batched_descent_is_the_sequential_one() {
        let mut changes = 0;
        for seed in 0..300 {
            let p = random_problem(seed);
            let start: Vec<Option<usize>> = centre_candidates(&p)
                .iter()
                .map(|c| c.first().copied())
                .collect();
            let off = p.dominated();
            let options = SolveOptions::default();
            let budget = 1e9;
            let run = |at_once: usize| {
                let mut centre = start.clone();
                let mut best = complete(&p, &centre, &off, budget, &options);
                descend_centres(&p, &mut centre, &off, budget, &options, &mut best, at_once);
                (centre, best)
            };
            let (one, one_best) = run(1);
            for at_once in [2, 3, TOWNS_AT_ONCE] {
                let (many, many_best) = run(at_once);
                assert_eq!(one, many, "seed {seed}, {at_once} at once");
                assert_eq!(one_best.1, many_best.1, "seed {seed}");
            }
            changes += usize::from(one != start);
        }
        assert!(
            changes >= 30,
            "the descent changed centres in only {changes} counties"
        );
    }
}
