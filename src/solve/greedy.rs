//! Lazy greedy for maximal covering (Minoux 1978's accelerated greedy).
//!
//! Opens, one at a time, the site with the largest marginal covered weight (or weight per unit
//! cost under a budget). Marginal gains only shrink as sites open (coverage is submodular), so a
//! stale gain in the priority queue is an upper bound and most sites are never re-evaluated.
//! Under a budget the result is compared with the best single affordable site (Khuller, Moss &
//! Naor 1999), which bounds how badly ratio-greedy can do with one expensive, valuable site.

use super::{CoverProblem, CoverState, Limit};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A priority-queue key: larger key first, then smaller site index.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Key(f64, Reverse<usize>);

impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

fn score(gain: f64, cost: f64, limit: Limit) -> f64 {
    match limit {
        Limit::Count(_) => gain,
        Limit::Budget(_) if gain <= 0.0 => 0.0,
        Limit::Budget(_) if cost <= 0.0 => f64::INFINITY,
        Limit::Budget(_) => gain / cost,
    }
}

/// The greedy solution: fixed sites plus the chosen new ones (unsorted). Sites that would add
/// no weight are never opened, so a `Count(p)` solution may open fewer than `p`.
///
/// O(nnz · log n) for the first pass plus the re-evaluations, where nnz is the total size of the
/// coverage sets.
pub fn greedy(problem: &CoverProblem) -> Vec<usize> {
    let base: Vec<usize> = (0..problem.n_sites())
        .filter(|&j| problem.fixed[j])
        .collect();
    let open = extend(problem, base.clone(), &[]);
    if let Limit::Budget(b) = problem.limit {
        // Khuller et al.'s guard: the best single affordable site may beat ratio-greedy.
        let state = CoverState::new(problem, &base);
        let best_single = (0..problem.n_sites())
            .filter(|&j| !problem.fixed[j] && problem.costs[j] <= b)
            .map(|j| (j, state.gain(problem, j)))
            .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
        if let Some((j, gain)) = best_single {
            let greedy_gain = problem.covered_weight(&open) - problem.covered_weight(&base);
            if gain > greedy_gain {
                let mut single = base;
                single.push(j);
                return single;
            }
        }
    }
    open
}

/// Adds sites to the feasible solution `open` greedily while the limit allows, never opening a
/// site in `forbidden` (indexed by site; an empty slice forbids nothing).
pub fn extend(problem: &CoverProblem, mut open: Vec<usize>, forbidden: &[bool]) -> Vec<usize> {
    let mut state = CoverState::new(problem, &open);
    let mut is_open = vec![false; problem.n_sites()];
    for &j in &open {
        is_open[j] = true;
    }
    let allowed =
        |j: usize| !is_open[j] && !problem.fixed[j] && !forbidden.get(j).copied().unwrap_or(false);
    let mut heap: BinaryHeap<Key> = (0..problem.n_sites())
        .filter(|&j| allowed(j))
        .map(|j| (j, state.gain(problem, j)))
        .filter(|&(_, g)| g > 0.0)
        .map(|(j, g)| Key(score(g, problem.costs[j], problem.limit), Reverse(j)))
        .collect();
    let mut chosen = open.iter().filter(|&&j| !problem.fixed[j]).count();
    let mut spent = problem.new_cost(&open);
    while let Some(Key(_, Reverse(j))) = heap.pop() {
        match problem.limit {
            Limit::Count(p) if chosen >= p => break,
            Limit::Budget(b) if spent + problem.costs[j] > b => continue, // money only shrinks
            _ => {}
        }
        let gain = state.gain(problem, j);
        if gain <= 0.0 {
            continue;
        }
        let key = Key(score(gain, problem.costs[j], problem.limit), Reverse(j));
        if heap.peek().is_some_and(|top| key < *top) {
            heap.push(key); // stale: re-queue with its true score
            continue;
        }
        state.add(problem, j);
        open.push(j);
        chosen += 1;
        spent += problem.costs[j];
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(limit: Limit) -> CoverProblem {
        // Site 0 covers the heavy demand alone at a high cost; sites 1 and 2 are cheap.
        CoverProblem {
            weights: vec![5.0, 1.0, 1.0],
            covers: vec![vec![0], vec![1], vec![2]],
            costs: vec![10.0, 1.0, 1.0],
            fixed: vec![false; 3],
            limit,
        }
    }

    #[test]
    fn ratio_greedy_is_guarded_by_the_best_single_site() {
        // Ratio greedy takes the two cheap sites first (ratio 1 vs 0.5) and then cannot afford
        // site 0; the single-site guard recovers it.
        let p = problem(Limit::Budget(10.0));
        let open = greedy(&p);
        assert_eq!(open, vec![0]);
    }

    #[test]
    fn count_limit_takes_largest_gains() {
        let p = problem(Limit::Count(2));
        let mut open = greedy(&p);
        open.sort();
        assert_eq!(open, vec![0, 1]);
    }
}
