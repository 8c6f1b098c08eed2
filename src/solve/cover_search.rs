//! Local search with row weighting for set covering with equal site costs (RWLS: Gao, Weise &
//! Li 2015, "An efficient local search heuristic with row weighting for the unicost set
//! covering problem", *EJOR* 246(3)).
//!
//! # Why
//!
//! Greedy covers with the Lagrangian repair of Beasley (1990) stop 20–30 % above the bound on
//! dense city instances (Máximo's Kings, 7,730 demands, 800 m: 125 sites where 100 cover
//! everyone). Near a cover every open site covers some row alone, so a swap that covers the last
//! uncovered row uncovers another: the landscape is a plateau that a search on plain counts
//! cannot cross. RWLS keeps one site fewer than the best cover found and swaps one site at a
//! time; each row left uncovered after a swap weighs one more, so the rows that stay uncovered
//! pull harder until some arrangement covers them, and the search then drops another site.
//!
//! # The move
//!
//! A site's score is the weight of the uncovered rows it would cover (closed sites) or minus the
//! weight of the rows only it covers (open sites). Each step closes the open site of best score
//! (oldest on ties, never the one just opened), then opens the site of best score among those
//! covering a random uncovered row. Configuration checking (Cai, Su & Sattar 2011) keeps a
//! closed site from reopening until a site sharing a row with it has changed, which stops
//! two-step cycles. Scores change only for the sites covering a row whose cover count passes
//! between 0, 1 and 2, as in [`super::local_search`].
//!
//! Deterministic: one chain, seeded, bounded by a number of steps.

use super::local_search::SitesOf;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Improves the cover `open` of every row in `0..n_rows` (sites `0..covers.len()`, each covering
/// the rows `covers[j]`; `sites_of` the same pairs by row) by swaps, stopping after `stall` swaps without a smaller cover or when
/// the cover reaches `floor` sites (a proven lower bound). Returns the smallest cover seen,
/// ascending; never larger than `open`.
///
/// # Panics
/// In debug builds, if `open` does not cover every row.
pub(super) fn improve(
    covers: &[Vec<u32>],
    sites_of: &SitesOf,
    n_rows: usize,
    open: Vec<usize>,
    floor: usize,
    stall: usize,
    seed: u64,
) -> Vec<usize> {
    let mut s = State::new(covers, sites_of, n_rows, &open);
    debug_assert!(s.uncovered.is_empty(), "the start must be a cover");
    let mut best = s.open_sites();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut last_added = usize::MAX;
    let mut since_best = 0;
    for step in 1.. {
        while s.uncovered.is_empty() {
            if s.open.len() < best.len() {
                best = s.open_sites();
                since_best = 0;
            }
            if best.len() <= floor || s.open.is_empty() {
                return best;
            }
            let j = s.best_open(usize::MAX);
            s.remove(j, step);
        }
        since_best += 1;
        let j = s.best_open(last_added);
        if since_best > stall || j == usize::MAX {
            break;
        }
        s.remove(j, step);
        s.can_add[j] = false;
        let row = s.uncovered[rng.random_range(0..s.uncovered.len())] as usize;
        let a = s.best_closed(row);
        s.add(a, step);
        last_added = a;
        for k in 0..s.uncovered.len() {
            let i = s.uncovered[k] as usize;
            s.weight[i] += 1;
            for &c in s.rows.of(i) {
                s.score[c as usize] += 1;
            }
        }
    }
    best
}

/// The search's state: cover counts, row weights and site scores kept current.
struct State<'a> {
    covers: &'a [Vec<u32>],
    rows: &'a SitesOf,
    count: Vec<u32>,
    /// Sum of the indices of the open sites covering each row (names the site when one).
    sum: Vec<u64>,
    weight: Vec<i64>,
    score: Vec<i64>,
    /// The open sites (unordered), and each open site's place in that list.
    open: Vec<u32>,
    open_place: Vec<u32>,
    /// Step at which each site last changed (older wins ties).
    changed: Vec<u64>,
    can_add: Vec<bool>,
    /// Uncovered rows, and each row's place in that list.
    uncovered: Vec<u32>,
    place: Vec<u32>,
}

impl<'a> State<'a> {
    fn new(covers: &'a [Vec<u32>], rows: &'a SitesOf, n_rows: usize, open: &[usize]) -> Self {
        let n = covers.len();
        let mut s = State {
            covers,
            rows,
            count: vec![0; n_rows],
            sum: vec![0; n_rows],
            weight: vec![1; n_rows],
            score: covers.iter().map(|c| c.len() as i64).collect(),
            open: Vec::new(),
            open_place: vec![0; n],
            changed: vec![0; n],
            can_add: vec![true; n],
            uncovered: (0..n_rows as u32).collect(),
            place: (0..n_rows as u32).collect(),
        };
        for &j in open {
            s.add(j, 0);
        }
        s
    }

    fn open_sites(&self) -> Vec<usize> {
        let mut sites: Vec<usize> = self.open.iter().map(|&j| j as usize).collect();
        sites.sort_unstable();
        sites
    }

    fn add(&mut self, j: usize, step: u64) {
        for &i in &self.covers[j] {
            let i = i as usize;
            let w = self.weight[i];
            match self.count[i] {
                0 => {
                    for &k in self.rows.of(i) {
                        if k as usize != j {
                            self.score[k as usize] -= w;
                        }
                    }
                    self.take_uncovered(i);
                }
                1 => self.score[self.sum[i] as usize] += w,
                _ => {}
            }
            self.count[i] += 1;
            self.sum[i] += j as u64;
        }
        self.score[j] = -self.score[j];
        self.open_place[j] = self.open.len() as u32;
        self.open.push(j as u32);
        self.touch(j, step);
    }

    fn remove(&mut self, j: usize, step: u64) {
        for &i in &self.covers[j] {
            let i = i as usize;
            let w = self.weight[i];
            self.count[i] -= 1;
            self.sum[i] -= j as u64;
            match self.count[i] {
                0 => {
                    for &k in self.rows.of(i) {
                        if k as usize != j {
                            self.score[k as usize] += w;
                        }
                    }
                    self.place[i] = self.uncovered.len() as u32;
                    self.uncovered.push(i as u32);
                }
                1 => self.score[self.sum[i] as usize] -= w,
                _ => {}
            }
        }
        self.score[j] = -self.score[j];
        let at = self.open_place[j] as usize;
        self.open.swap_remove(at);
        if let Some(&moved) = self.open.get(at) {
            self.open_place[moved as usize] = at as u32;
        }
        self.touch(j, step);
    }

    /// Marks `j` changed at `step`; the sites sharing a row with it may be opened again.
    fn touch(&mut self, j: usize, step: u64) {
        self.changed[j] = step;
        for &i in &self.covers[j] {
            for &k in self.rows.of(i as usize) {
                self.can_add[k as usize] = true;
            }
        }
    }

    fn take_uncovered(&mut self, i: usize) {
        let at = self.place[i] as usize;
        let last = *self.uncovered.last().expect("the row is uncovered");
        self.uncovered.swap_remove(at);
        if last as usize != i {
            self.place[last as usize] = at as u32;
        }
    }

    /// The open site to close: best score, then oldest change, then smallest index; never
    /// `except`. `usize::MAX` when none may close.
    fn best_open(&self, except: usize) -> usize {
        let mut best = usize::MAX;
        for j in self
            .open
            .iter()
            .map(|&j| j as usize)
            .filter(|&j| j != except)
        {
            if best == usize::MAX || self.prefer(j, best) {
                best = j;
            }
        }
        best
    }

    /// The closed site to open for uncovered row `i`: among those configuration checking
    /// allows (all if none), best score, then oldest change, then smallest index.
    fn best_closed(&self, i: usize) -> usize {
        let sites = self.rows.of(i);
        let allowed = sites.iter().any(|&k| self.can_add[k as usize]);
        let mut best = usize::MAX;
        for &k in sites {
            let k = k as usize;
            if (self.can_add[k] || !allowed) && (best == usize::MAX || self.prefer(k, best)) {
                best = k;
            }
        }
        best
    }

    fn prefer(&self, a: usize, b: usize) -> bool {
        (
            self.score[a],
            std::cmp::Reverse(self.changed[a]),
            std::cmp::Reverse(a),
        ) > (
            self.score[b],
            std::cmp::Reverse(self.changed[b]),
            std::cmp::Reverse(b),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::milp::covers_all;

    /// Rows on a ring, each site covering three consecutive rows: 3k rows need exactly k sites,
    /// and a greedy start with sites overlapping is improved to that.
    #[test]
    fn finds_the_tight_cover_of_a_ring() {
        let n_rows = 60;
        let covers: Vec<Vec<u32>> = (0..n_rows as u32)
            .map(|j| (0..3).map(|d| (j + d) % n_rows as u32).collect())
            .collect();
        // Every other site: a cover of 30, twice the fewest.
        let start: Vec<usize> = (0..n_rows).step_by(2).collect();
        assert!(covers_all(&covers, n_rows, &start));
        let of = SitesOf::from_covers(&covers, n_rows);
        let found = improve(&covers, &of, n_rows, start, 0, 20_000, 1);
        assert!(covers_all(&covers, n_rows, &found));
        assert_eq!(found.len(), 20);
    }

    #[test]
    fn stops_at_the_floor_and_never_returns_a_larger_cover() {
        let covers = vec![vec![0, 1], vec![1, 2], vec![2, 3], vec![0, 3]];
        let of = SitesOf::from_covers(&covers, 4);
        let found = improve(&covers, &of, 4, vec![0, 1, 2, 3], 2, 1000, 5);
        assert_eq!(found.len(), 2);
        assert!(covers_all(&covers, 4, &found));
        let same = improve(&covers, &of, 4, vec![0, 2], 2, 1000, 5);
        assert_eq!(same, vec![0, 2]);
    }
}
