//! 1-swap local search (vertex substitution, Teitz & Bart 1968) for maximal covering, with
//! seeded perturbation restarts (iterated local search).
//!
//! A move closes one open new site `r` and opens a closed site `a` (or, under a budget with
//! money left, just opens `a`). Its value is
//! `gain(a) + shared(a, r) − loss(r)`, where `gain(a)` is the weight only `a` would add,
//! `loss(r)` the weight only `r` covers, and `shared(a, r)` the weight covered only by `r` that
//! `a` also covers. With per-demand cover counts, all moves for one `a` are evaluated in one
//! pass over `a`'s coverage set, and the candidates `a` are evaluated in parallel. The best
//! move (ties: smallest `a`, then smallest `r`) is applied until none improves, so the result
//! does not depend on the number of threads.

use super::{CoverProblem, CoverState, Limit, greedy};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Moves must improve by more than this share of the total weight (guards against cycling on
/// floating-point noise).
const EPS: f64 = 1e-12;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Move {
    delta: f64,
    add: usize,
    /// `None`: a pure addition.
    remove: Option<usize>,
}

impl Move {
    /// `self` is preferred to `other`: larger delta, then smaller indices.
    fn better_than(&self, other: &Move) -> bool {
        match self.delta.total_cmp(&other.delta) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => {
                (self.add, self.remove.map_or(0, |r| r + 1))
                    < (other.add, other.remove.map_or(0, |r| r + 1))
            }
        }
    }
}

/// Improves `open` (which must be feasible) to a 1-swap local optimum, then runs `restarts`
/// perturbation rounds seeded by `seed`, and returns the best solution found.
pub fn improve(problem: &CoverProblem, open: Vec<usize>, restarts: usize, seed: u64) -> Vec<usize> {
    let mut best = descend(problem, open);
    let mut best_value = problem.covered_weight(&best);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut current = best.clone();
    for _ in 0..restarts {
        let perturbed = perturb(problem, &current, &mut rng);
        let candidate = descend(problem, perturbed);
        let value = problem.covered_weight(&candidate);
        if value > best_value * (1.0 + EPS) {
            best_value = value;
            best = candidate.clone();
        }
        // Walk on from the better of the two, so restarts explore around good solutions.
        current = if value >= problem.covered_weight(&current) {
            candidate
        } else {
            best.clone()
        };
    }
    best
}

/// Closes a random fifth (at least one) of the new sites and refills greedily from the sites
/// not just closed.
fn perturb(problem: &CoverProblem, open: &[usize], rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut new: Vec<usize> = open
        .iter()
        .copied()
        .filter(|&j| !problem.fixed[j])
        .collect();
    if new.is_empty() {
        return open.to_vec();
    }
    new.sort_unstable();
    new.shuffle(rng);
    let drop = (new.len() / 5).max(1);
    let mut forbidden = vec![false; problem.n_sites()];
    for &j in &new[..drop] {
        forbidden[j] = true;
    }
    let kept: Vec<usize> = open.iter().copied().filter(|&j| !forbidden[j]).collect();
    greedy::extend(problem, kept, &forbidden)
}

/// Applies best-improvement 1-swap moves until none improves.
fn descend(problem: &CoverProblem, mut open: Vec<usize>) -> Vec<usize> {
    let total: f64 = problem.weights.iter().sum();
    let n = problem.n_sites();
    let mut is_open = vec![false; n];
    for &j in &open {
        is_open[j] = true;
    }
    let mut state = CoverState::new(problem, &open);
    let mut spent = problem.new_cost(&open);
    let max_rounds = 10 * n + 100;
    for _ in 0..max_rounds {
        let removable: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&j| !problem.fixed[j])
            .collect();
        let loss: Vec<(usize, f64)> = {
            let mut l: Vec<(usize, f64)> = removable
                .iter()
                .map(|&r| (r, state.loss(problem, r)))
                .collect();
            l.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
            l
        };
        let mut loss_of = vec![0.0; n];
        for &(r, l) in &loss {
            loss_of[r] = l;
        }
        let slack = match problem.limit {
            Limit::Budget(b) => b - spent,
            Limit::Count(p) => (p as f64) - removable.len() as f64,
        };
        let best = (0..n)
            .into_par_iter()
            .filter(|&a| !is_open[a] && !problem.fixed[a] && problem.costs[a].is_finite())
            .map_init(
                || Scratch {
                    shared: vec![0.0; n],
                    seen: vec![false; n],
                    touched: Vec::new(),
                },
                |scratch, a| best_move_for(problem, &state, a, &loss, &loss_of, slack, scratch),
            )
            .flatten()
            .reduce_with(|x, y| if y.better_than(&x) { y } else { x });
        let Some(m) = best else { break };
        if m.delta <= EPS * total.max(1.0) {
            break;
        }
        if let Some(r) = m.remove {
            state.remove(problem, r);
            is_open[r] = false;
            open.retain(|&j| j != r);
            spent -= problem.costs[r];
        }
        state.add(problem, m.add);
        is_open[m.add] = true;
        open.push(m.add);
        spent += problem.costs[m.add];
    }
    open
}

/// Per-thread memory for evaluating the moves of one candidate.
struct Scratch {
    /// Weight covered only by open site `r` that the candidate also covers.
    shared: Vec<f64>,
    seen: Vec<bool>,
    touched: Vec<usize>,
}

/// The best move that opens `a`, if any is feasible.
fn best_move_for(
    problem: &CoverProblem,
    state: &CoverState,
    a: usize,
    loss: &[(usize, f64)],
    loss_of: &[f64],
    slack: f64,
    scratch: &mut Scratch,
) -> Option<Move> {
    let Scratch {
        shared,
        seen,
        touched,
    } = scratch;
    let mut gain = 0.0;
    for &i in &problem.covers[a] {
        let i = i as usize;
        match state.count[i] {
            0 => gain += problem.weights[i],
            1 => {
                let r = state.sum[i] as usize;
                if !problem.fixed[r] {
                    if !seen[r] {
                        seen[r] = true;
                        touched.push(r);
                    }
                    shared[r] += problem.weights[i];
                }
            }
            _ => {}
        }
    }
    let cost_a = problem.costs[a];
    let fits = |r: Option<usize>| match problem.limit {
        Limit::Budget(_) => cost_a - r.map_or(0.0, |r| problem.costs[r]) <= slack + 1e-9,
        Limit::Count(_) => r.is_some() || slack >= 1.0,
    };
    let mut best: Option<Move> = None;
    let mut consider = |m: Move| {
        if best.is_none_or(|b| m.better_than(&b)) {
            best = Some(m);
        }
    };
    if fits(None) {
        consider(Move {
            delta: gain,
            add: a,
            remove: None,
        });
    }
    // Removals that share coverage with `a`.
    touched.sort_unstable();
    for &r in touched.iter() {
        if fits(Some(r)) {
            consider(Move {
                delta: gain + shared[r] - loss_of[r],
                add: a,
                remove: Some(r),
            });
        }
    }
    // The smallest-loss feasible removal among those sharing nothing with `a` (`loss` is
    // sorted by loss, then index).
    if let Some(&(r, l)) = loss.iter().find(|&&(r, _)| !seen[r] && fits(Some(r))) {
        consider(Move {
            delta: gain - l,
            add: a,
            remove: Some(r),
        });
    }
    for &r in touched.iter() {
        shared[r] = 0.0;
        seen[r] = false;
    }
    touched.clear();
    best
}
