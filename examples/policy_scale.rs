//! The policy model on generated counties of growing size: the decomposition heuristic (with
//! its bound) against the exact MILP where that finishes, for both objectives.
//!
//! ```text
//! cargo run --release --example policy_scale                      # 300, 1000, 3000 villages
//! cargo run --release --example policy_scale -- --villages 1000 --time-limit 60
//! cargo run --release --example policy_scale -- --objective full_coverage --packages
//! ```
//!
//! `--packages`: the budgets pay Yongchuan's subsidies (000 §3(2): 1,000,000 per town that
//! builds its centre, including 5 points, then 30,000 a point) instead of per-site costs;
//! `--objective` runs one objective only.
//!
//! Each county: `villages / 30` towns, each with a townhall, a clinic and a nursing home (half
//! of them existing, upgradable) as centre candidates; `villages` candidate points (5 %
//! existing); points within 15 minutes' walk, linked within 20 minutes' drive; a budget of
//! 60 % of what building everything would cost, over two years.

use carecover::pipeline;
use carecover::progress::Progress;
use carecover::scenario::Scenario;
use carecover::synth::{SynthParams, generate};
use std::path::Path;
use std::time::Instant;

fn arg(name: &str) -> Option<f64> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number"))
        })
}

fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

fn text_arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn scenario(objective: &str, budget: f64, exact_max: usize, time_limit: f64) -> Scenario {
    let packages = if flag("--packages") {
        "[policy.subsidy.town]\ncentre = 1000000\npoints_included = 5\npoint = 30000\n"
    } else {
        ""
    };
    let policy =
        format!("exact_max_variables = {exact_max}\ntime_limit_s = {time_limit}\n{packages}");
    let text = carecover::synth::policy_scenario("synthetic", objective, budget, None, &policy);
    Scenario::parse(&text, Path::new("synthetic.toml")).expect("scenario parses")
}

fn main() {
    let sizes: Vec<usize> = match arg("--villages") {
        Some(v) => vec![v as usize],
        None => vec![300, 1000, 3000],
    };
    let time_limit = arg("--time-limit").unwrap_or(120.0);
    println!(
        "| villages | towns | sites | objective | method | served (last year) | objective value | total cost | bound | gap | solve s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for &n in &sizes {
        let county = generate(&SynthParams {
            road_nodes: n * 60,
            villages: n,
            towns: (n / 30).max(2),
            sites: n,
            spacing_m: 300.0,
            seed: 7,
        });
        let all: f64 = county
            .sites
            .iter()
            .filter(|s| !s.existing)
            .map(|s| s.cost.unwrap_or(0.0))
            .sum();
        let towns = (n / 30).max(2) as f64;
        let points = county
            .sites
            .iter()
            .filter(|s| s.kind == "village_point")
            .count() as f64;
        let all = if flag("--packages") {
            towns * 1_000_000.0 + 30_000.0 * (points - 5.0 * towns).max(0.0)
        } else {
            all
        };
        let only = text_arg("--objective");
        for objective in ["max_coverage", "full_coverage"] {
            if only.as_deref().is_some_and(|o| o != objective) {
                continue;
            }
            let budget = if objective == "max_coverage" {
                0.6 * all
            } else {
                all
            };
            for (method, exact_max) in [("heuristic", 0), ("exact", usize::MAX)] {
                let sc = scenario(objective, budget, exact_max, time_limit);
                let prepared = pipeline::prepare_loaded(
                    sc,
                    county.villages.clone(),
                    county.sites.clone(),
                    county.roads.clone(),
                    &Progress::new(true),
                )
                .expect("generated county prepares");
                let t = Instant::now();
                let plan = match pipeline::solve(prepared, &Progress::new(true)) {
                    Ok(p) => p,
                    Err(e) => {
                        println!("| {n} | | | {objective} | {method} | failed: {e} | | | | | |");
                        continue;
                    }
                };
                let total = t.elapsed().as_secs_f64();
                let solve_s = plan
                    .timings
                    .iter()
                    .find(|(k, _)| *k == "solve")
                    .map_or(total, |(_, s)| *s);
                let p = plan.policy.as_ref().unwrap();
                let s = &p.solution;
                println!(
                    "| {n} | {} | {} | {objective} | {} ({}) | {:.0} | {:.0} | {:.0} | {:.0} | {:.2} % | {:.2} |",
                    p.towns.len(),
                    plan.sites.len(),
                    s.method,
                    s.status.name(),
                    s.served.last().unwrap(),
                    s.objective,
                    s.total_cost,
                    s.bound,
                    100.0 * s.gap,
                    solve_s
                );
            }
        }
    }
}
