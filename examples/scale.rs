//! The scale benchmark: travel times from many candidate sites on a large generated road graph,
//! on 1 and N threads, with the peak memory of the whole run.
//!
//! ```text
//! cargo run --release --example scale                       # 2,000,000 nodes, 20,000 sites, 100,000 villages, 30 min
//! cargo run --release --example scale -- --nodes 250000 --sites 2000 --villages 10000 --p 50
//! cargo run --release --example scale -- --write /tmp/county   # the county as input files
//! cargo run --release --example scale -- --nodes 40000 --villages 1000 --sites 500 --towns 60 --write /tmp/homes
//! ```
//!
//! With `--write DIR` it writes the generated county as a user's files (`villages.csv`,
//! `sites.csv`, `roads.csv.gz`) and two policy scenarios on them over two years,
//! `max_coverage.toml` (every town's cheapest centre and half of what the new points cost)
//! and `full_coverage.toml` (everything), `max_coverage_terrain.toml` (`max_coverage` with
//! elders walking on the county's terrain, `terrain.tif`), and `homes.toml` (`max_coverage` with the existing
//! nursing homes as `[policy.homes]` decisions and a county care centre), then stops; time `carecover solve DIR/max_coverage.toml --out OUT`
//! as a user runs it (summary.json has each stage's time).
//!
//! Prints each stage's wall time, the travel-time speed-up from 1 to N threads (and checks that
//! both runs give identical results), and the peak resident memory (VmHWM).

use carecover::coverage::{snap_all, travel_times};
use carecover::model::LonLat;
use carecover::network::{Mode, NetworkOptions, RoadNetwork};
use carecover::solve::{CoverProblem, Limit, SolveOptions, solve_mclp};
use carecover::synth::{SynthParams, generate};
use std::time::Instant;

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number, got {v}"))
        })
        .unwrap_or(default)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap() / 1024.0)
        })
        .unwrap_or(f64::NAN)
}

fn main() {
    let nodes = arg("--nodes", 2_000_000.0) as usize;
    let sites = arg("--sites", 20_000.0) as usize;
    let villages = arg("--villages", 100_000.0) as usize;
    let minutes = arg("--minutes", 30.0);
    let threads = arg("--threads", rayon::current_num_threads() as f64) as usize;
    let seed = arg("--seed", 1.0) as u64;
    let p = arg("--p", 100.0) as usize;
    println!(
        "scale: {nodes} road nodes, {villages} villages, {sites} extra candidate sites, drive {minutes} min, seed {seed}"
    );

    let t = Instant::now();
    let params = SynthParams {
        road_nodes: nodes,
        villages,
        towns: arg("--towns", (villages / 50).max(1) as f64) as usize,
        sites,
        spacing_m: 300.0,
        seed,
    };
    let county = generate(&params);
    println!(
        "generate            {:>8.2} s  ({} road lines, {} sites)",
        t.elapsed().as_secs_f64(),
        county.roads.len(),
        county.sites.len()
    );

    if let Some(dir) = std::env::args()
        .position(|a| a == "--write")
        .and_then(|i| std::env::args().nth(i + 1))
    {
        write_county(&county, &params, std::path::Path::new(&dir));
        return;
    }

    let t = Instant::now();
    let net = RoadNetwork::build(&county.roads, &NetworkOptions::default());
    let stats = net.stats();
    println!(
        "build network       {:>8.2} s  ({} nodes, {} segments, {:.0} km)",
        t.elapsed().as_secs_f64(),
        stats.nodes,
        stats.segments,
        stats.length_km
    );
    let weights: Vec<f64> = county.villages.iter().map(|v| v.elders).collect();
    let costs: Vec<f64> = county.sites.iter().map(|s| s.cost.unwrap_or(0.0)).collect();
    let fixed: Vec<bool> = county.sites.iter().map(|s| s.existing).collect();
    let v: Vec<LonLat> = county.villages.iter().map(|v| v.location).collect();
    let s: Vec<LonLat> = county.sites.iter().map(|s| s.location).collect();
    drop(county);

    let t = Instant::now();
    let vs = snap_all(&net, Mode::Drive, &v, 1000.0);
    let ss = snap_all(&net, Mode::Drive, &s, 1000.0);
    println!(
        "snap                {:>8.2} s  ({} of {} villages on the network)",
        t.elapsed().as_secs_f64(),
        vs.iter().flatten().count(),
        vs.len()
    );

    let mut results = Vec::new();
    for n in [1, threads] {
        if n == 1 && threads == 1 && !results.is_empty() {
            break;
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap();
        let t = Instant::now();
        let tt = pool.install(|| travel_times(&net, Mode::Drive, &ss, &vs, minutes * 60.0, &|| {}));
        let secs = t.elapsed().as_secs_f64();
        println!(
            "travel times, {n} thr {:>8.2} s  ({} site-village pairs)",
            secs,
            tt.n_pairs()
        );
        results.push((n, secs, tt));
        if threads == 1 {
            break;
        }
    }
    if let [(_, s1, a), (n, sn, b)] = &results[..] {
        assert_eq!(a, b, "results differ between 1 and {n} threads");
        println!(
            "speed-up 1 → {n} threads: {:.2}x (identical results)",
            s1 / sn
        );
    }
    let tt = &results.last().unwrap().2;
    let problem = CoverProblem {
        weights,
        covers: tt
            .reach
            .iter()
            .map(|r| r.iter().map(|(v, _)| v.0).collect())
            .collect(),
        costs,
        fixed,
        limit: Limit::Count(p),
    };
    drop(results);
    let t = Instant::now();
    let sol = solve_mclp(&problem, &SolveOptions::default());
    println!(
        "solve p={}         {:>8.2} s  (covers {:.0} of {:.0}, bound {:.0}, gap {:.3}%)",
        p,
        t.elapsed().as_secs_f64(),
        sol.objective,
        problem.weights.iter().sum::<f64>(),
        sol.bound,
        100.0 * sol.gap
    );
    println!("peak memory         {:>8.0} MB", peak_rss_mb());
}

/// Writes the county's files and its two policy scenarios into `dir`.
fn write_county(
    county: &carecover::synth::SynthCounty,
    params: &SynthParams,
    dir: &std::path::Path,
) {
    let t = Instant::now();
    county
        .write_files(dir)
        .expect("the county's files are written");
    // Budgets: every town's cheapest centre (an existing nursing home is upgraded at its
    // cost) and half of what the new points cost (so a budgeted plan must choose), or
    // everything for least cost.
    let cost_of = |kind: &dyn Fn(&str) -> bool| -> f64 {
        county
            .sites
            .iter()
            .filter(|s| kind(&s.kind) && !(s.existing && s.kind == "village_point"))
            .filter_map(|s| s.cost)
            .sum()
    };
    let budgeted = carecover::synth::max_coverage_budget(county);
    let all = cost_of(&|_| true);
    for (objective, budget) in [("max_coverage", budgeted), ("full_coverage", all)] {
        let files = Some(["villages.csv", "sites.csv", "roads.csv.gz"]);
        let name = format!("scale_{objective}");
        let text = carecover::synth::policy_scenario(&name, objective, budget, files, "");
        std::fs::write(dir.join(format!("{objective}.toml")), text).expect("scenario written");
    }
    // The nursing homes: poor or under 40 % occupied homes may merge, residents within 30
    // minutes' drive, beds added at 60,000; half the disabled special-hardship elders want a
    // bed in the county care centre (at a clinic).
    let homes = "[policy.homes]\nradius_min = 30\ncost_per_bed = 60000\nmerge_if_condition = [\"poor\"]\nmerge_if_occupancy_below = 0.4\ncare_take_up = 0.5\n";
    let files = Some(["villages.csv", "sites.csv", "roads.csv.gz"]);
    // The same plan with elders walking on the county's terrain.
    let text = std::fs::read_to_string(dir.join("max_coverage.toml")).expect("just written");
    std::fs::write(
        dir.join("max_coverage_terrain.toml"),
        text.replace("scale_max_coverage", "scale_max_coverage_terrain")
            + "\n[network]\ndem = \"terrain.tif\"\n",
    )
    .expect("scenario written");
    carecover::synth::terrain(params)
        .write_geotiff(&dir.join("terrain.tif"))
        .expect("terrain written");
    // Centres at townhalls and clinics only, so that every home is the homes model's to keep
    // or merge (a centre in a home would keep it).
    let mut text =
        carecover::synth::policy_scenario("scale_homes", "max_coverage", budgeted, files, homes)
            .replace(
                r#"site_kinds = ["townhall", "clinic", "nursing_home"]"#,
                r#"site_kinds = ["townhall", "clinic"]"#,
            );
    text += "\n[[tier]]\nname = \"county_centre\"\nrole = \"county\"\nmode = \"drive\"\nradius_min = 30\nsite_kinds = [\"clinic\"]\ncost = 3000000\nmin_sites = 1\n";
    std::fs::write(dir.join("homes.toml"), text).expect("scenario written");
    println!(
        "wrote {} in {:.2} s: villages.csv, sites.csv, roads.csv.gz, terrain.tif, max_coverage.toml, max_coverage_terrain.toml, full_coverage.toml, homes.toml",
        dir.display(),
        t.elapsed().as_secs_f64()
    );
}
