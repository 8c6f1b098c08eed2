//! The solver against exhaustive enumeration on tiny random instances, and its invariants:
//! feasibility, objective ≤ optimum ≤ bound, monotonicity in the limit, determinism.

use carecover::solve::{CoverProblem, Limit, SolveOptions, Status, exhaustive, solve_mclp};
use proptest::prelude::*;

fn instance() -> impl Strategy<Value = CoverProblem> {
    (1usize..20, 1usize..12).prop_flat_map(|(m, n)| {
        let weights = proptest::collection::vec(0u32..100, m);
        let covers = proptest::collection::vec(
            proptest::collection::btree_set(0..m as u32, 0..=m.min(6)),
            n,
        );
        let costs = proptest::collection::vec(0u32..50, n);
        let fixed = proptest::collection::vec(proptest::bool::weighted(0.15), n);
        let limit = prop_oneof![
            (0usize..6).prop_map(Limit::Count),
            (0u32..120).prop_map(|b| Limit::Budget(b as f64))
        ];
        (weights, covers, costs, fixed, limit).prop_map(|(w, c, k, f, limit)| CoverProblem {
            weights: w.into_iter().map(f64::from).collect(),
            covers: c.into_iter().map(|s| s.into_iter().collect()).collect(),
            costs: k.into_iter().map(f64::from).collect(),
            fixed: f,
            limit,
        })
    })
}

fn with_limit(p: &CoverProblem, limit: Limit) -> CoverProblem {
    CoverProblem { limit, ..p.clone() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn heuristic_is_feasible_and_bracketed_by_the_optimum(p in instance()) {
        let opt = exhaustive::solve(&p);
        let s = solve_mclp(&p, &SolveOptions::default());
        prop_assert!(p.is_feasible(&s.open), "infeasible {:?}", s.open);
        prop_assert!((p.covered_weight(&s.open) - s.objective).abs() < 1e-9);
        prop_assert!((p.new_cost(&s.open) - s.cost).abs() < 1e-9);
        if let Limit::Budget(b) = p.limit { prop_assert!(s.cost <= b + 1e-9); }
        prop_assert!(s.objective <= opt.objective + 1e-9);
        prop_assert!(s.bound >= opt.objective - 1e-6, "bound {} below optimum {}", s.bound, opt.objective);
        if s.status == Status::Optimal { prop_assert!((s.objective - opt.objective).abs() < 1e-6); }
        prop_assert!(s.open.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn coverage_never_falls_when_the_limit_grows(p in instance(), extra in 1u32..60) {
        let (small, large) = match p.limit {
            Limit::Count(k) => (p.clone(), with_limit(&p, Limit::Count(k + 1 + extra as usize % 3))),
            Limit::Budget(b) => (p.clone(), with_limit(&p, Limit::Budget(b + extra as f64))),
        };
        let o = SolveOptions::default();
        prop_assert!(exhaustive::solve(&large).objective >= exhaustive::solve(&small).objective);
        prop_assert!(solve_mclp(&large, &o).objective >= solve_mclp(&small, &o).objective - 1e-9);
    }
}

#[test]
fn budget_below_every_cost_keeps_only_existing_sites() {
    let p = CoverProblem {
        weights: vec![5.0, 7.0],
        covers: vec![vec![0], vec![1]],
        costs: vec![0.0, 10.0],
        fixed: vec![true, false],
        limit: Limit::Budget(3.0),
    };
    let s = solve_mclp(&p, &SolveOptions::default());
    assert_eq!(s.open, vec![0]);
    assert_eq!(s.objective, 5.0);
    assert_eq!(s.status, Status::Optimal);
}

#[test]
fn uncoverable_demand_is_left_out_of_the_bound() {
    let p = CoverProblem {
        weights: vec![5.0, 1000.0],
        covers: vec![vec![0]],
        costs: vec![1.0],
        fixed: vec![false],
        limit: Limit::Count(1),
    };
    let s = solve_mclp(&p, &SolveOptions::default());
    assert_eq!(
        (s.objective, s.bound, s.status),
        (5.0, 5.0, Status::Optimal)
    );
}

#[test]
fn same_answer_on_one_and_many_threads_and_for_the_same_seed() {
    let county = carecover::synth::generate(&carecover::synth::SynthParams {
        road_nodes: 400,
        villages: 3000,
        towns: 10,
        sites: 400,
        spacing_m: 300.0,
        seed: 5,
    });
    // A random coverage structure of the synthetic county's size: sites cover villages near them.
    let n = county.sites.len();
    let covers: Vec<Vec<u32>> = (0..n)
        .map(|j| {
            let s = county.sites[j].location;
            (0..county.villages.len() as u32)
                .filter(|&i| {
                    carecover::network::haversine_m(s, county.villages[i as usize].location)
                        < 1500.0
                })
                .collect()
        })
        .collect();
    let p = CoverProblem {
        weights: county.villages.iter().map(|v| v.elders).collect(),
        covers,
        costs: county.sites.iter().map(|s| s.cost.unwrap_or(1.0)).collect(),
        fixed: county.sites.iter().map(|s| s.existing).collect(),
        limit: Limit::Budget(2_000_000.0),
    };
    let o = SolveOptions::default();
    let run = |t| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
            .install(|| solve_mclp(&p, &o))
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(4));
    assert!(p.is_feasible(&one.open));
    assert!(one.bound >= one.objective);
}

/// The case CI's run of `coverage_never_falls_when_the_limit_grows` found: with a budget of
/// 118 the heuristic must not do worse than with 110 (both optima are 196: sites 2, 6 and 3).
#[test]
fn a_larger_budget_never_loses_coverage_on_the_case_ci_found() {
    let p = CoverProblem {
        weights: [0, 34, 45, 33, 10, 5, 72, 0, 0, 40, 40, 41, 0]
            .map(f64::from)
            .to_vec(),
        covers: vec![
            vec![1, 5, 11],
            vec![],
            vec![5, 6],
            vec![9],
            vec![],
            vec![3],
            vec![1, 2],
            vec![],
            vec![],
            vec![10],
            vec![],
        ],
        costs: [42, 0, 44, 24, 0, 27, 42, 0, 0, 24, 0]
            .map(f64::from)
            .to_vec(),
        fixed: vec![false; 11],
        limit: Limit::Budget(110.0),
    };
    let o = SolveOptions::default();
    for b in [110.0, 118.0] {
        let q = with_limit(&p, Limit::Budget(b));
        assert_eq!(exhaustive::solve(&q).objective, 196.0);
        let s = solve_mclp(&q, &o);
        assert_eq!((b, s.objective), (b, 196.0), "{s:?}");
    }
}

/// Medium problems where the heuristic's value and the Lagrangian bound differ, so the exact
/// path rules sites out by their reduced values before the MILP: the same optimum as one
/// plain MILP over every site, with integer and with fractional weights.
#[test]
fn exact_with_ruled_out_sites_equals_the_plain_milp() {
    use carecover::solve::{milp, solve_mclp_exact};
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    let mut gaps = 0;
    for case in 0..120 {
        let (m, n) = (100, 40);
        let fractional = case % 2 == 1;
        let weights: Vec<f64> = (0..m)
            .map(|_| {
                let w = rng.random_range(1..12) as f64;
                if fractional { w + 0.25 } else { w }
            })
            .collect();
        let covers: Vec<Vec<u32>> = (0..n)
            .map(|_| (0..m as u32).filter(|_| rng.random_bool(0.06)).collect())
            .collect();
        let fixed: Vec<bool> = (0..n).map(|j| j == 0 && case % 3 == 0).collect();
        let problem = CoverProblem {
            weights,
            covers,
            costs: vec![1.0; n],
            fixed,
            limit: Limit::Count(4),
        };
        let options = SolveOptions {
            restarts: 0,
            ..SolveOptions::default()
        };
        let quick = solve_mclp(&problem, &options);
        gaps += usize::from(quick.status != Status::Optimal);
        let exact = solve_mclp_exact(&problem, &options, 60.0);
        let plain = milp::mclp(
            &problem.weights,
            &problem.covers,
            &problem.costs,
            &problem.fixed,
            problem.limit,
            &[],
            60.0,
        )
        .expect("the plain MILP solves");
        assert!(plain.proven, "case {case}");
        assert_eq!(exact.status, Status::Optimal, "case {case}");
        let best = problem.covered_weight(&plain.open);
        assert!(
            (exact.objective - best).abs() < 1e-9,
            "case {case}: {} vs {best}",
            exact.objective
        );
        assert!(problem.is_feasible(&exact.open));
    }
    assert!(gaps >= 30, "only {gaps} cases left the heuristic unproven");
}

/// The Lagrangian bound comes near the LP bound it converges to (Galvão & ReVelle 1996): never
/// below it (every multiplier gives a valid bound, the LP is the best of them) and within
/// 0.15 % of it on geometric problems with much overlap, where the LP is often fractional
/// (0.07 % at most today). Plain subgradient steps, used before the volume algorithm, stopped
/// up to 0.37 % above it on these problems after as many (1,000) steps.
#[test]
fn lagrangian_bound_comes_near_the_lp_bound() {
    use carecover::solve::lagrangian;
    use good_lp::{Expression, Solution, SolverModel, microlp, variable, variables};
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let mut worst: f64 = 0.0;
    for case in 0..12 {
        let (m, n) = (400, 200);
        let point = |rng: &mut rand_chacha::ChaCha8Rng| (rng.random::<f64>(), rng.random::<f64>());
        let demands: Vec<(f64, f64)> = (0..m).map(|_| point(&mut rng)).collect();
        let sites: Vec<(f64, f64)> = (0..n).map(|_| point(&mut rng)).collect();
        let covers: Vec<Vec<u32>> = sites
            .iter()
            .map(|s| {
                (0..m as u32)
                    .filter(|&i| {
                        let d = demands[i as usize];
                        (d.0 - s.0).hypot(d.1 - s.1) <= 0.2
                    })
                    .collect()
            })
            .collect();
        let weights: Vec<f64> = (0..m).map(|_| rng.random_range(1..100) as f64).collect();
        let p = 4 + case % 5;
        let problem = CoverProblem {
            weights,
            covers,
            costs: vec![0.0; n],
            fixed: vec![false; n],
            limit: Limit::Count(p),
        };
        // The LP relaxation.
        let mut vars = variables!();
        let x: Vec<_> = (0..n)
            .map(|_| vars.add(variable().min(0.0).max(1.0)))
            .collect();
        let z: Vec<_> = (0..m)
            .map(|_| vars.add(variable().min(0.0).max(1.0)))
            .collect();
        let objective: Expression = (0..m).map(|i| problem.weights[i] * z[i]).sum();
        let mut model = vars.maximise(objective.clone()).using(microlp);
        let mut sites_of: Vec<Expression> = vec![Expression::from(0.0); m];
        for (j, c) in problem.covers.iter().enumerate() {
            for &i in c {
                sites_of[i as usize] += x[j];
            }
        }
        for (i, cover) in sites_of.into_iter().enumerate() {
            model = model.with((z[i] - cover).leq(0.0));
        }
        model = model.with(x.iter().copied().sum::<Expression>().leq(p as f64));
        let lp = model.solve().expect("the LP solves").eval(&objective);
        let heuristic = solve_mclp(&problem, &SolveOptions::default()).objective;
        let bound = lagrangian::upper_bound(&problem, heuristic, 1000);
        assert!(
            bound >= lp * (1.0 - 1e-9),
            "case {case}: bound {bound} below the LP {lp}"
        );
        worst = worst.max(bound / lp - 1.0);
    }
    assert!(
        worst <= 0.0015,
        "the bound is up to {:.3} % above the LP bound",
        100.0 * worst
    );
}
