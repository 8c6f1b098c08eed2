//! What a choice of town centres lets a plan serve at most, kept town by town, so the
//! least-cost heuristic's coordinate descent (module `descent`) can tell that a trial centre
//! cannot win before it solves the county's points again.
//!
//! The points a plan may open are those linked to their town's centre (中心带点, 000 §2(3)) or
//! needing no link, and a point links only to centres of its own town (the pipeline). So the
//! villages a plan can reach depend on each town's centre through that town alone: the centre's
//! own villages and those of the points linked to it. A trial that changes one town's centre
//! changes the reach there only; when the weight it reaches at most is below what the best plan
//! already serves, its plan is worse (elders served is the first criterion) and need not be
//! built.

use super::PolicyProblem;
use crate::scenario::Role;

/// Openable facilities reaching each village under the current centres.
pub(super) struct Reach<'a> {
    problem: &'a PolicyProblem,
    /// Of each town, the new points that may open (not `off`), in index order.
    points: Vec<Vec<usize>>,
    /// How many facilities that are open or may open serve each village.
    count: Vec<u32>,
}

impl<'a> Reach<'a> {
    /// The reach of the plans `complete` builds from `centre` (one per town, `None` where a
    /// town has none) with the facilities `off` closed: the centres, the existing village
    /// facilities left open, and every new point that may open.
    pub(super) fn new(problem: &'a PolicyProblem, centre: &[Option<usize>], off: &[bool]) -> Self {
        let mut count = vec![0u32; problem.weights.len()];
        let mut points = vec![Vec::new(); problem.n_towns];
        let mut mark = |f: usize| {
            for &v in &problem.facilities[f].serves {
                count[v as usize] += 1;
            }
        };
        for (f, fac) in problem.facilities.iter().enumerate() {
            if off[f] || fac.role != Role::Village {
                continue;
            }
            match fac.town {
                Some(t) if fac.new_point() => points[t].push(f),
                // A point of no town links to no centre: it opens only if it needs none.
                None if fac.new_point() && fac.needs_link => {}
                _ => mark(f),
            }
        }
        let mut reach = Self {
            problem,
            points,
            count,
        };
        for (t, &c) in centre.iter().enumerate() {
            for &v in reaching(problem, &reach.points[t], c) {
                reach.count[v as usize] += 1;
            }
        }
        reach
    }

    /// The weight of the villages reached.
    pub(super) fn weight(&self) -> f64 {
        self.count
            .iter()
            .zip(&self.problem.weights)
            .filter(|(c, _)| **c > 0)
            .map(|(_, w)| w)
            .sum()
    }

    /// How the reached weight changes when town `t`'s centre moves from `from` to `to`.
    pub(super) fn gain(&self, t: usize, from: Option<usize>, to: usize) -> f64 {
        let points = &self.points[t];
        let mut change: Vec<(u32, i32)> = reaching(self.problem, points, from)
            .map(|&v| (v, -1))
            .chain(reaching(self.problem, points, Some(to)).map(|&v| (v, 1)))
            .collect();
        change.sort_unstable();
        let mut gain = 0.0;
        for run in change.chunk_by(|a, b| a.0 == b.0) {
            let v = run[0].0 as usize;
            let net: i64 = run.iter().map(|r| i64::from(r.1)).sum();
            match (self.count[v] > 0, i64::from(self.count[v]) + net > 0) {
                (false, true) => gain += self.problem.weights[v],
                (true, false) => gain -= self.problem.weights[v],
                _ => {}
            }
        }
        gain
    }

    /// Moves town `t`'s centre from `from` to `to`.
    pub(super) fn apply(&mut self, t: usize, from: Option<usize>, to: usize) {
        for &v in reaching(self.problem, &self.points[t], from) {
            self.count[v as usize] -= 1;
        }
        for &v in reaching(self.problem, &self.points[t], Some(to)) {
            self.count[v as usize] += 1;
        }
    }
}

/// The villages a town reaches with centre `c` (once per facility): the centre's, and those of
/// its `points` that need no link or link to `c`.
fn reaching<'p>(
    problem: &'p PolicyProblem,
    points: &'p [usize],
    c: Option<usize>,
) -> impl Iterator<Item = &'p u32> {
    let facilities = &problem.facilities;
    let opens = move |&p: &usize| {
        let fac = &facilities[p];
        !fac.needs_link || c.is_some_and(|c| fac.links.contains(&c))
    };
    c.into_iter()
        .chain(points.iter().copied().filter(opens))
        .flat_map(move |f| facilities[f].serves.iter())
}

#[cfg(test)]
pub(super) mod tests {
    use super::Reach;
    use crate::policy::fixture::{facility, problem};
    use crate::policy::{Facility, PolicyProblem};
    use crate::scenario::{Objective, Role};
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A county of `towns` towns with random centres, existing facilities and points (linked
    /// to some of their town's centres or needing no link), serving random villages anywhere.
    pub(in crate::policy) fn random_problem(seed: u64) -> PolicyProblem {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (towns, villages) = (rng.random_range(1..5), rng.random_range(1..30));
        let mut facilities = Vec::new();
        let serves = |rng: &mut ChaCha8Rng| {
            let mut s: Vec<u32> = (0..rng.random_range(0..5))
                .map(|_| rng.random_range(0..villages))
                .collect();
            s.sort_unstable();
            s.dedup();
            s
        };
        for t in 0..towns {
            let centres: Vec<usize> = (0..rng.random_range(1..4))
                .map(|_| {
                    facilities.push(Facility {
                        existing: rng.random_bool(0.3),
                        closable: true,
                        ..facility(Role::Town, t, 1.0, serves(&mut rng))
                    });
                    facilities.len() - 1
                })
                .collect();
            for _ in 0..rng.random_range(0..6) {
                let links = centres
                    .iter()
                    .copied()
                    .filter(|_| rng.random_bool(0.5))
                    .collect();
                facilities.push(Facility {
                    existing: rng.random_bool(0.2),
                    closable: rng.random_bool(0.5),
                    links,
                    needs_link: rng.random_bool(0.7),
                    ..facility(Role::Village, t, 1.0, serves(&mut rng))
                });
            }
        }
        let weights = (0..villages)
            .map(|_| rng.random_range(1..100) as f64)
            .collect();
        let mut p = problem(weights, towns, facilities, Objective::FullCoverage);
        p.village_town = (0..villages).map(|_| rng.random_range(0..towns)).collect();
        p
    }

    /// The weight `complete` could serve, from scratch: the centres, the open existing village
    /// facilities and every new point not off that needs no link or links to an open centre.
    fn reached(p: &PolicyProblem, centre: &[Option<usize>], off: &[bool]) -> f64 {
        let base = |f: usize| {
            let fac = &p.facilities[f];
            centre.contains(&Some(f)) || (fac.existing && fac.role == Role::Village && !off[f])
        };
        let mut r = vec![false; p.weights.len()];
        for (f, fac) in p.facilities.iter().enumerate() {
            let point = !off[f]
                && fac.new_point()
                && (!fac.needs_link || fac.links.iter().any(|&c| base(c)));
            if base(f) || point {
                fac.serves.iter().for_each(|&v| r[v as usize] = true);
            }
        }
        r.iter()
            .zip(&p.weights)
            .filter(|(r, _)| **r)
            .map(|(_, w)| w)
            .sum()
    }

    /// Every move of one town's centre changes the reached weight by what `gain` says, on 300
    /// random counties walked through random moves.
    #[test]
    fn a_moved_centre_changes_the_reach_by_its_gain() {
        for seed in 0..300 {
            let p = random_problem(seed);
            let mut rng = ChaCha8Rng::seed_from_u64(seed + 1_000);
            let off: Vec<bool> = p.facilities.iter().map(|_| rng.random_bool(0.15)).collect();
            let cands: Vec<Vec<usize>> = (0..p.n_towns)
                .map(|t| {
                    (0..p.facilities.len())
                        .filter(|&f| {
                            p.facilities[f].role == Role::Town && p.facilities[f].town == Some(t)
                        })
                        .collect()
                })
                .collect();
            let mut centre: Vec<Option<usize>> = cands
                .iter()
                .map(|c| rng.random_bool(0.8).then_some(c[0]))
                .collect();
            let mut reach = Reach::new(&p, &centre, &off);
            assert_eq!(reach.weight(), reached(&p, &centre, &off), "seed {seed}");
            for _ in 0..10 {
                let t = rng.random_range(0..p.n_towns);
                let to = cands[t][rng.random_range(0..cands[t].len())];
                let before = reached(&p, &centre, &off);
                let gain = reach.gain(t, centre[t], to);
                reach.apply(t, centre[t], to);
                centre[t] = Some(to);
                let after = reached(&p, &centre, &off);
                assert!(
                    (after - before - gain).abs() < 1e-9,
                    "seed {seed}: {after} - {before} != {gain}"
                );
                assert_eq!(reach.weight(), after, "seed {seed}");
            }
        }
    }
}
