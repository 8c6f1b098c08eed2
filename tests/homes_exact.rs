//! The nursing-home model (`policy::homes`) against enumeration: on small random instances,
//! every way to keep or merge the homes and to place each resident and each unit of care
//! demand in whole numbers is tried; the solver's plan must pass the model's check and reach
//! the least cost, then the fewest person-minutes, exactly (or both must find no plan).

use carecover::policy::homes::{Home, HomesPlan, HomesProblem, Merge, Place};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn instance(seed: u64) -> HomesProblem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.random_range(1..=3);
    let n_care = rng.random_range(0..=2);
    let homes: Vec<Home> = (0..n)
        .map(|_| {
            let residents = rng.random_range(0..=3) as f64;
            Home {
                residents,
                beds: residents + rng.random_range(0..=2) as f64,
                keep_cost: [0.0, 100.0, 250.0][rng.random_range(0..3)],
                merge: [Merge::Never, Merge::May, Merge::May, Merge::Must][rng.random_range(0..4)],
            }
        })
        .collect();
    let care_beds: Vec<Option<f64>> = (0..n_care)
        .map(|_| {
            if rng.random::<f64>() < 0.3 {
                None
            } else {
                Some(rng.random_range(0..=4) as f64)
            }
        })
        .collect();
    let moves = (0..n)
        .map(|h| {
            let mut list = Vec::new();
            for k in (0..n).filter(|&k| k != h) {
                if rng.random::<f64>() < 0.7 {
                    list.push((Place::Home(k), rng.random_range(1..30) as f64));
                }
            }
            for c in 0..n_care {
                if rng.random::<f64>() < 0.5 {
                    list.push((Place::Care(c), rng.random_range(1..30) as f64));
                }
            }
            list
        })
        .collect();
    let groups = if n_care > 0 {
        rng.random_range(0..=2)
    } else {
        0
    };
    let care_demand = (0..groups)
        .map(|_| {
            let d = rng.random_range(0..=2) as f64;
            let list = (0..n_care)
                .map(|c| (c, rng.random_range(1..60) as f64))
                .collect();
            (d, list)
        })
        .collect();
    HomesProblem {
        homes,
        care_beds,
        moves,
        care_demand,
        cost_per_bed: (rng.random::<f64>() < 0.6).then_some(40.0),
        budget: (rng.random::<f64>() < 0.4).then(|| rng.random_range(0..500) as f64),
    }
}

/// Every way to put `r` whole units into `m` places.
fn splits(r: usize, m: usize) -> Vec<Vec<usize>> {
    if m == 0 {
        return if r == 0 { vec![vec![]] } else { vec![] };
    }
    let mut out = Vec::new();
    for first in 0..=r {
        for mut rest in splits(r - first, m - 1) {
            rest.insert(0, first);
            out.push(rest);
        }
    }
    out
}

/// The best (cost, person-minutes) by enumeration, `None` if nothing houses everyone.
fn enumerate(p: &HomesProblem) -> Option<(f64, f64)> {
    let n = p.homes.len();
    let mut best: Option<(f64, f64)> = None;
    for mask in 0..(1u32 << n) {
        let kept: Vec<bool> = (0..n).map(|h| mask >> h & 1 == 1).collect();
        if (0..n).any(|h| match p.homes[h].merge {
            Merge::Never => !kept[h],
            Merge::Must => kept[h],
            Merge::May => false,
        }) {
            continue;
        }
        // Each merged home's split over its places, each care group's over the centres.
        let mut choices: Vec<Vec<Vec<(Place, f64, usize)>>> = Vec::new();
        for h in (0..n).filter(|&h| !kept[h]) {
            let places = &p.moves[h];
            choices.push(
                splits(p.homes[h].residents as usize, places.len())
                    .into_iter()
                    .map(|s| {
                        s.iter()
                            .zip(places)
                            .map(|(&k, &(pl, m))| (pl, m, k))
                            .collect()
                    })
                    .collect(),
            );
        }
        for (d, list) in &p.care_demand {
            choices.push(
                splits(*d as usize, list.len())
                    .into_iter()
                    .map(|s| {
                        s.iter()
                            .zip(list)
                            .map(|(&k, &(c, m))| (Place::Care(c), m, k))
                            .collect()
                    })
                    .collect(),
            );
        }
        let mut pick = vec![0usize; choices.len()];
        if choices.iter().any(Vec::is_empty) {
            continue;
        }
        loop {
            let mut homes: Vec<f64> = (0..n)
                .map(|h| if kept[h] { p.homes[h].residents } else { 0.0 })
                .collect();
            let mut care = vec![0.0; p.care_beds.len()];
            let mut minutes = 0.0;
            let mut ok = true;
            for (c, &i) in choices.iter().zip(&pick) {
                for &(pl, m, k) in &c[i] {
                    minutes += m * k as f64;
                    match pl {
                        Place::Home(x) if !kept[x] && k > 0 => ok = false,
                        Place::Home(x) => homes[x] += k as f64,
                        Place::Care(x) => care[x] += k as f64,
                    }
                }
            }
            let mut cost: f64 = (0..n)
                .filter(|&h| kept[h])
                .map(|h| p.homes[h].keep_cost)
                .sum();
            for h in (0..n).filter(|&h| kept[h]) {
                let need = homes[h] - p.homes[h].beds;
                if need > 0.0 {
                    match p.cost_per_bed {
                        Some(c) => cost += c * need,
                        None => ok = false,
                    }
                }
            }
            for (c, &b) in p.care_beds.iter().enumerate() {
                if b.is_some_and(|b| care[c] > b) {
                    ok = false;
                }
            }
            if p.budget.is_some_and(|b| cost > b) {
                ok = false;
            }
            if ok
                && best.is_none_or(|(bc, bm)| {
                    cost < bc - 1e-9 || (cost <= bc + 1e-9 && minutes < bm - 1e-9)
                })
            {
                best = Some((cost, minutes));
            }
            // Next combination.
            let mut k = 0;
            while k < pick.len() {
                pick[k] += 1;
                if pick[k] < choices[k].len() {
                    break;
                }
                pick[k] = 0;
                k += 1;
            }
            if k == pick.len() {
                break;
            }
        }
    }
    best
}

#[test]
fn the_homes_model_reaches_the_enumerated_optimum() {
    let (mut solved, mut infeasible) = (0, 0);
    for seed in 0..300 {
        let p = instance(seed);
        let truth = enumerate(&p);
        let got = p.solve(60.0);
        match (truth, got) {
            (None, Err(_)) => infeasible += 1,
            (Some((cost, minutes)), Ok(plan)) => {
                p.check(&plan)
                    .unwrap_or_else(|v| panic!("seed {seed}: {} in {plan:?}", v.0));
                assert!(
                    (plan.cost - cost).abs() < 1e-6,
                    "seed {seed}: cost {} against the enumerated {cost}",
                    plan.cost
                );
                assert!(
                    (plan.person_minutes - minutes).abs() < 1e-6,
                    "seed {seed}: {} person-minutes against the enumerated {minutes}",
                    plan.person_minutes
                );
                assert!(plan.proven);
                solved += 1;
            }
            (truth, got) => panic!("seed {seed}: enumeration {truth:?}, solver {got:?}"),
        }
    }
    // Both kinds of instance occur.
    assert!(
        solved > 100 && infeasible > 10,
        "{solved} solved, {infeasible} infeasible"
    );
}

#[test]
fn the_check_rejects_a_home_over_its_beds() {
    let p = HomesProblem {
        homes: vec![
            Home {
                beds: 2.0,
                residents: 2.0,
                keep_cost: 0.0,
                merge: Merge::Must,
            },
            Home {
                beds: 3.0,
                residents: 2.0,
                keep_cost: 10.0,
                merge: Merge::Never,
            },
        ],
        care_beds: vec![],
        moves: vec![vec![(Place::Home(1), 5.0)], vec![]],
        care_demand: vec![],
        cost_per_bed: None,
        budget: None,
    };
    // One bed free, two residents to move, no beds may be added: no plan.
    assert!(p.solve(10.0).is_err());
    let over = HomesPlan {
        kept: vec![false, true],
        beds_added: vec![0.0, 0.0],
        moves: vec![carecover::policy::homes::Flow {
            from: 0,
            to: Place::Home(1),
            amount: 2.0,
            minutes: 5.0,
        }],
        care: vec![],
        cost: 10.0,
        person_minutes: 10.0,
        proven: true,
    };
    assert!(p.check(&over).is_err());
}
