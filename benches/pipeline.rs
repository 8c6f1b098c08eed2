//! Criterion benchmarks of each stage: network build, snapping, travel times, solve, and the
//! whole default scenario; on the shipped Andorra data, on generated counties of growing size,
//! and on the Chongqing road links when `../shared/data/chongqing` is present (never shipped).
//!
//! `cargo bench --bench pipeline`; the larger scale run is `cargo run --release --example scale`.

use carecover::coverage::{snap_all, travel_times};
use carecover::model::LonLat;
use carecover::network::{Mode, NetworkOptions, RoadNetwork};
use carecover::pipeline;
use carecover::progress::Progress;
use carecover::scenario::Scenario;
use carecover::solve::{CoverProblem, Limit, SolveOptions, solve_mclp};
use carecover::synth::{SynthParams, generate};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn andorra(c: &mut Criterion) {
    let scenario_path = root().join("scenarios/default.toml");
    let scenario = Scenario::load(&scenario_path).unwrap();
    let lines = carecover::io::load_roads(&scenario.roads).unwrap();
    let villages =
        carecover::io::load_villages(&scenario.villages, &scenario.villages_table).unwrap();
    let sites = carecover::io::load_sites(&scenario.sites, &scenario.sites_table).unwrap();
    let v: Vec<LonLat> = villages.iter().map(|v| v.location).collect();
    let s: Vec<LonLat> = sites.iter().map(|s| s.location).collect();
    let mut g = c.benchmark_group("andorra");
    g.sample_size(20);
    g.bench_function("read_pbf_roads", |b| {
        b.iter(|| carecover::io::load_roads(black_box(&scenario.roads)).unwrap())
    });
    g.bench_function("build_network", |b| {
        b.iter(|| RoadNetwork::build(black_box(&lines), &scenario.network))
    });
    let net = RoadNetwork::build(&lines, &scenario.network);
    g.bench_function("snap_all_both_modes", |b| {
        b.iter(|| Mode::ALL.map(|m| (snap_all(&net, m, &v, 1000.0), snap_all(&net, m, &s, 1000.0))))
    });
    for (mode, minutes) in [(Mode::Drive, 10.0), (Mode::Walk, 15.0)] {
        let vs = snap_all(&net, mode, &v, 1000.0);
        let ss = snap_all(&net, mode, &s, 1000.0);
        let tt = travel_times(&net, mode, &ss, &vs, minutes * 60.0, &|| {});
        assert!(tt.n_pairs() > 0);
        g.bench_function(format!("travel_times_{}_{minutes}min", mode.name()), |b| {
            b.iter(|| travel_times(&net, mode, &ss, &vs, minutes * 60.0, &|| {}))
        });
    }
    let plan = pipeline::run(scenario.clone(), &Progress::new(true)).unwrap();
    if let Some(pol) = &plan.policy {
        // The policy model: decomposition heuristic alone, and the exact lexicographic MILP.
        let p = &pol.problem;
        g.bench_function("solve_policy_heuristic", |b| {
            b.iter(|| carecover::policy::heuristic::solve(p, &scenario.solver).unwrap())
        });
        g.bench_function("solve_policy_exact", |b| {
            b.iter(|| carecover::policy::solve(p, &scenario.solver, usize::MAX, 60.0).unwrap())
        });
    }
    for t in plan.tiers.iter().filter(|t| t.tier.role.is_none()) {
        let problem = CoverProblem {
            weights: plan.villages.iter().map(|v| v.elders).collect(),
            covers: t
                .coverage
                .iter()
                .map(|c| c.iter().map(|(v, _)| v.0).collect())
                .collect(),
            costs: t.costs.clone(),
            fixed: t
                .candidates
                .iter()
                .map(|s| plan.sites[s.index()].existing)
                .collect(),
            limit: t.tier.limit,
        };
        g.bench_function(format!("solve_{}", t.tier.name), |b| {
            b.iter(|| solve_mclp(&problem, &scenario.solver))
        });
    }
    // Every open site's service area, as the default run writes them: the grid outline against
    // the exact vector buffer it replaced (one thread, same reached roads).
    let jobs: Vec<_> = plan
        .tiers
        .iter()
        .flat_map(|t| t.solution.open.iter().map(move |&k| (t, t.candidates[k])))
        .filter_map(|(t, id)| Some((t, id, plan.site_snaps[&t.tier.mode][id.index()]?)))
        .collect();
    let methods: [(&str, carecover::coverage::AreaFn); 2] = [
        ("service_areas_grid", carecover::coverage::service_area),
        (
            "service_areas_vector_buffer",
            carecover::coverage::service_area_buffered,
        ),
    ];
    for (name, area) in methods {
        let mut ws = carecover::network::DijkstraWorkspace::new(plan.network.nodes.len());
        g.bench_function(name, |b| {
            b.iter(|| {
                for (t, id, snap) in &jobs {
                    black_box(area(
                        &plan.network,
                        t.tier.mode,
                        snap,
                        plan.sites[id.index()].location,
                        t.tier.radius_s,
                        scenario.service_area_buffer_m,
                        &mut ws,
                    ));
                }
            })
        });
    }
    g.bench_function("end_to_end_without_outputs", |b| {
        b.iter(|| {
            pipeline::run(
                Scenario::load(&scenario_path).unwrap(),
                &Progress::new(true),
            )
            .unwrap()
        })
    });
    g.bench_function("end_to_end_with_outputs", |b| {
        let tmp = tempfile::tempdir().unwrap();
        b.iter(|| {
            let plan = pipeline::run(
                Scenario::load(&scenario_path).unwrap(),
                &Progress::new(true),
            )
            .unwrap();
            carecover::report::write_all(&plan, &tmp.path().join("out"), &Progress::new(true))
                .unwrap()
        })
    });
    g.finish();
}

/// A covering problem from travel times on a generated county (drive, `minutes`).
fn synthetic_problem(
    net: &RoadNetwork,
    county: &carecover::synth::SynthCounty,
    minutes: f64,
    limit: Limit,
) -> CoverProblem {
    let v: Vec<LonLat> = county.villages.iter().map(|v| v.location).collect();
    let s: Vec<LonLat> = county.sites.iter().map(|s| s.location).collect();
    let vs = snap_all(net, Mode::Drive, &v, 1000.0);
    let ss = snap_all(net, Mode::Drive, &s, 1000.0);
    let tt = travel_times(net, Mode::Drive, &ss, &vs, minutes * 60.0, &|| {});
    CoverProblem {
        weights: county.villages.iter().map(|v| v.elders).collect(),
        covers: tt
            .reach
            .iter()
            .map(|r| r.iter().map(|(v, _)| v.0).collect())
            .collect(),
        costs: county.sites.iter().map(|s| s.cost.unwrap_or(0.0)).collect(),
        fixed: county.sites.iter().map(|s| s.existing).collect(),
        limit,
    }
}

fn synthetic(c: &mut Criterion) {
    let mut g = c.benchmark_group("synthetic");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    for (nodes, villages, sites) in [
        (40_000usize, 2_000usize, 1_000usize),
        (250_000, 10_000, 5_000),
    ] {
        let county = generate(&SynthParams {
            road_nodes: nodes,
            villages,
            towns: villages / 50,
            sites,
            spacing_m: 300.0,
            seed: 1,
        });
        let id = format!("{nodes}n_{villages}v_{sites}s");
        g.bench_with_input(
            BenchmarkId::new("build_network", &id),
            &county,
            |b, county| b.iter(|| RoadNetwork::build(&county.roads, &NetworkOptions::default())),
        );
        let net = RoadNetwork::build(&county.roads, &NetworkOptions::default());
        let v: Vec<LonLat> = county.villages.iter().map(|v| v.location).collect();
        let s: Vec<LonLat> = county.sites.iter().map(|s| s.location).collect();
        g.bench_with_input(
            BenchmarkId::new("snap_villages_and_sites", &id),
            &(),
            |b, _| {
                b.iter(|| {
                    (
                        snap_all(&net, Mode::Drive, &v, 1000.0),
                        snap_all(&net, Mode::Drive, &s, 1000.0),
                    )
                })
            },
        );
        let vs = snap_all(&net, Mode::Drive, &v, 1000.0);
        let ss = snap_all(&net, Mode::Drive, &s, 1000.0);
        g.bench_with_input(
            BenchmarkId::new("travel_times_drive_15min", &id),
            &(),
            |b, _| b.iter(|| travel_times(&net, Mode::Drive, &ss, &vs, 900.0, &|| {})),
        );
        let problem = synthetic_problem(&net, &county, 15.0, Limit::Count(sites / 20));
        g.bench_with_input(BenchmarkId::new("solve_p_sites", &id), &problem, |b, p| {
            b.iter(|| solve_mclp(p, &SolveOptions::default()))
        });
        let budget = CoverProblem {
            limit: Limit::Budget(sites as f64 / 20.0 * 55_000.0),
            ..problem
        };
        g.bench_with_input(BenchmarkId::new("solve_budget", &id), &budget, |b, p| {
            b.iter(|| solve_mclp(p, &SolveOptions::default()))
        });
    }
    g.finish();
}

/// Real road links of three Chongqing districts (unknown licence: read from ../shared, never
/// copied). Skipped when the file is absent.
fn chongqing(c: &mut Criterion) {
    let path =
        root().join("../shared/data/chongqing/cq_roadlinks_yongchuan_rongchang_jiangjin.csv.gz");
    if !Path::new(&path).exists() {
        eprintln!("chongqing: {} not found, skipped", path.display());
        return;
    }
    let lines = carecover::io::load_roads(&path).unwrap();
    let mut g = c.benchmark_group("chongqing");
    g.sample_size(10);
    g.bench_function("read_csv_gz_wkt", |b| {
        b.iter(|| carecover::io::load_roads(&path).unwrap())
    });
    g.bench_function("build_network", |b| {
        b.iter(|| RoadNetwork::build(&lines, &NetworkOptions::default()))
    });
    let net = RoadNetwork::build(&lines, &NetworkOptions::default());
    // 500 sites and 3,000 "villages" at evenly spread road nodes (no village data is available).
    let pick = |n: usize, offset: usize| -> Vec<LonLat> {
        (0..n)
            .map(|i| net.nodes[(i * 7919 + offset) % net.nodes.len()])
            .collect()
    };
    let (s, v) = (pick(500, 11), pick(3000, 5));
    let ss = snap_all(&net, Mode::Drive, &s, 1000.0);
    let vs = snap_all(&net, Mode::Drive, &v, 1000.0);
    g.bench_function("travel_times_500_sites_drive_20min", |b| {
        b.iter(|| travel_times(&net, Mode::Drive, &ss, &vs, 1200.0, &|| {}))
    });
    g.finish();
}

criterion_group!(benches, andorra, synthetic, chongqing);
criterion_main!(benches);
