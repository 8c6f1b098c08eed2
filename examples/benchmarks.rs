//! Runs the published benchmark sets and prints the validation tables of BENCHMARKS.md.
//!
//! ```text
//! cargo run --release --example benchmarks                 # all sets found under ../shared/bench
//! cargo run --release --example benchmarks -- pmed         # OR-Library p-median only
//! cargo run --release --example benchmarks -- maximo swain sjc
//! cargo run --release --example benchmarks -- maximo Kings   # one Máximo instance, p = 50…100
//! cargo run --release --example benchmarks -- maximo-pairs   # their covering pairs, for benches/maximo_lp.py
//! cargo run --release --example benchmarks -- maximo-lscp    # fewest sites covering each city
//! ```
//!
//! Data is read from `../shared/bench` (next to the repository); sets that are absent are
//! skipped with a note.

use carecover::instance::{Problem, Record, RunOptions, run};
use carecover::io::{read_orlib_pmed, read_tsplib_mclp};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench")
}

fn options(problem: Problem, p: usize, radius: Option<f64>, exact: bool) -> RunOptions {
    RunOptions {
        problem,
        p: Some(p),
        radius,
        budget: None,
        exact,
        time_limit_s: 600.0,
        seed: 42,
        capacitated: false,
        forbid: Vec::new(),
    }
}

fn pmed() {
    let dir = bench_dir().join("orlib_pmed");
    let Ok(opt_text) = std::fs::read_to_string(dir.join("pmedopt.txt")) else {
        println!(
            "(OR-Library p-median: {} not found, skipped)",
            dir.display()
        );
        return;
    };
    let optima: HashMap<String, f64> = opt_text
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some((it.next()?.to_string(), it.next()?.parse().ok()?))
        })
        .collect();
    println!("### OR-Library p-median (pmed1–40)\n");
    println!(
        "| instance | n | p | optimum | heuristic | heuristic gap to optimum | Lagrangian bound | heuristic s | exact | exact s | B&B status |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let (mut sum_h, mut sum_e, mut hits, mut gaps) = (0.0, 0.0, 0, Vec::new());
    for k in 1..=40 {
        let name = format!("pmed{k}");
        let t = Instant::now();
        let inst = read_orlib_pmed(&dir.join(format!("{name}.txt"))).unwrap();
        let read_s = t.elapsed().as_secs_f64();
        let p = inst.p.unwrap();
        let h = run(&inst, &options(Problem::Pmedian, p, None, false), read_s).unwrap();
        let e = run(&inst, &options(Problem::Pmedian, p, None, true), read_s).unwrap();
        let opt = optima[&name];
        let gap = 100.0 * (h.objective - opt) / opt;
        gaps.push(gap);
        sum_h += h.solve_s;
        sum_e += e.solve_s;
        if e.objective == opt && e.status == "optimal" {
            hits += 1;
        }
        println!(
            "| {name} | {} | {p} | {opt} | {} | {gap:.2} % | {} | {:.3} | {} | {:.3} | {} |",
            inst.weights.len(),
            h.objective,
            h.bound,
            h.solve_s,
            e.objective,
            e.solve_s,
            e.status
        );
    }
    println!(
        "\nExact reaches the optimum on {hits} of 40; heuristic mean gap {:.3} %, max {:.3} %; solve time in total: heuristic {sum_h:.2} s, exact {sum_e:.2} s (plus reading and Floyd–Warshall).\n",
        gaps.iter().sum::<f64>() / 40.0,
        gaps.iter().copied().fold(0.0, f64::max)
    );
}

/// `only`: instance names to run (all four when empty). With `pairs_to`, writes each instance's
/// weights and covering pairs there instead of solving (for `benches/maximo_lp.py`).
fn maximo(only: &[&str], pairs_to: Option<&Path>) {
    let dir = bench_dir().join("mclp/maximo_ails");
    if !dir.exists() {
        println!("(Máximo et al. MCLP: {} not found, skipped)", dir.display());
        return;
    }
    if pairs_to.is_none() {
        println!("### Máximo et al. MCLP (NYC boroughs, San Francisco)\n");
        println!(
            "| instance | n | r (m) | p | best known | heuristic | gap to best | Lagrangian bound | read s | solve s | only best-known covers | only the heuristic covers |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    }
    for (name, r) in MAXIMO_CITIES {
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        let t = Instant::now();
        let inst = read_tsplib_mclp(&dir.join(format!("{name}.txt")), r).unwrap();
        let read_s = t.elapsed().as_secs_f64();
        if let Some(dir) = pairs_to {
            write_pairs(&dir.join(format!("{name}.txt")), &inst, r);
            continue;
        }
        for p in [50, 60, 70, 80, 90, 100] {
            let text = std::fs::read_to_string(
                dir.join(format!("OtimosFinais/{name}_{p}_{}.txt", r as u32)),
            )
            .unwrap();
            let field = |key: &str| text.lines().find_map(|l| l.strip_prefix(key)).unwrap();
            let best: f64 = field("f:").trim().parse().unwrap();
            let best_sites: Vec<usize> = field("Facilidade:")
                .split_whitespace()
                .map(|v| v.parse().unwrap())
                .collect();
            let h: Record = run(&inst, &options(Problem::Mclp, p, Some(r), false), read_s).unwrap();
            let ours: Vec<usize> = h.chosen.iter().map(|id| id.parse().unwrap()).collect();
            let (by_best, by_ours) = (covered(&inst, r, &best_sites), covered(&inst, r, &ours));
            let (only_best, only_ours) = (
                apart(&inst, &by_best, &by_ours),
                apart(&inst, &by_ours, &by_best),
            );
            println!(
                "| {name} | {} | {r} | {p} | {best} | {} | {:.3} % | {} | {read_s:.2} | {:.3} | {} ({}) | {} ({}) |",
                inst.weights.len(),
                h.objective,
                100.0 * (best - h.objective) / best,
                h.bound,
                h.solve_s,
                only_best.0,
                only_best.1,
                only_ours.0,
                only_ours.1,
            );
        }
    }
    println!();
}

/// Which demands the sites `sites` cover within `radius`.
fn covered(inst: &carecover::io::FacilityInstance, radius: f64, sites: &[usize]) -> Vec<bool> {
    let mut open = vec![false; inst.site_ids.len()];
    sites.iter().for_each(|&j| open[j] = true);
    let mut hit = vec![false; inst.weights.len()];
    for &(i, j, d) in &inst.pairs {
        hit[i as usize] |= d <= radius && open[j as usize];
    }
    hit
}

/// Demands (their number and weight) covered in `a` and not in `b`: how far apart two plans
/// are where it matters, whatever sites they name (on these dense cities many sites cover
/// nearly the same demands).
fn apart(inst: &carecover::io::FacilityInstance, a: &[bool], b: &[bool]) -> (usize, f64) {
    (0..inst.weights.len())
        .filter(|&i| a[i] && !b[i])
        .fold((0, 0.0), |(n, w), i| (n + 1, w + inst.weights[i]))
}

/// Máximo et al.'s cities and their covering radii (metres).
const MAXIMO_CITIES: [(&str, f64); 4] = [
    ("Bronx", 600.0),
    ("Kings", 800.0),
    ("NewYork", 400.0),
    ("SanFrancisco", 600.0),
];

/// The fewest sites covering every demand of each Máximo city at its radius (set covering on
/// dense city instances, where the heuristic's quality shows).
fn maximo_lscp(only: &[&str]) {
    let dir = bench_dir().join("mclp/maximo_ails");
    if !dir.exists() {
        println!(
            "(Máximo et al. cities: {} not found, skipped)",
            dir.display()
        );
        return;
    }
    println!("### Set covering on Máximo et al.'s cities\n");
    println!("| instance | n | r (m) | sites | bound | gap | solve s |");
    println!("|---|---|---|---|---|---|---|");
    for (name, r) in MAXIMO_CITIES {
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        let inst = read_tsplib_mclp(&dir.join(format!("{name}.txt")), r).unwrap();
        let s = run(&inst, &options(Problem::Lscp, 1, Some(r), false), 0.0).unwrap();
        println!(
            "| {name} | {} | {r} | {} | {} | {:.1} % | {:.2} |",
            inst.weights.len(),
            s.objective,
            s.bound,
            100.0 * s.gap,
            s.solve_s
        );
    }
    println!();
}

/// The number of demands, their weights one per line, then `demand site` per covering pair.
fn write_pairs(path: &Path, inst: &carecover::io::FacilityInstance, radius: f64) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "{}", inst.weights.len()).unwrap();
    for w in &inst.weights {
        writeln!(f, "{w}").unwrap();
    }
    for &(i, j, d) in &inst.pairs {
        if d <= radius {
            writeln!(f, "{i} {j}").unwrap();
        }
    }
}

fn swain_and_sjc() {
    for (set, file_of) in [("swain55", None), ("sjc_lorena", Some(()))] {
        let dir = bench_dir().join("mclp").join(set);
        let Ok(text) = std::fs::read_to_string(dir.join("optima_computed_highs.csv")) else {
            println!("({set}: not found, skipped)");
            continue;
        };
        println!("### {set} MCLP (Euclidean, every node a candidate) against HiGHS optima\n");
        println!("| instance | S | p | optimum | heuristic | exact | exact status | exact s |");
        println!("|---|---|---|---|---|---|---|---|");
        let mut cache: HashMap<String, carecover::io::FacilityInstance> = HashMap::new();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (inst_name, radius, p, optimum): (&str, f64, usize, f64) = (
                f[0],
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
                f[5].parse().unwrap(),
            );
            let inst = cache.entry(inst_name.to_string()).or_insert_with(|| {
                let path = if file_of.is_some() {
                    dir.join(format!("{inst_name}.txt"))
                } else {
                    dir.join("swain.txt")
                };
                planar_instance(&path, file_of.is_some())
            });
            let h = run(inst, &options(Problem::Mclp, p, Some(radius), false), 0.0).unwrap();
            let e = run(inst, &options(Problem::Mclp, p, Some(radius), true), 0.0).unwrap();
            println!(
                "| {inst_name} | {radius} | {p} | {optimum} | {} | {} | {} | {:.3} |",
                h.objective, e.objective, e.status, e.solve_s
            );
        }
        println!();
    }
}

/// Swain (`n` then `id x y w`) or SJC (`n 9999 p S` then `x y w`): all pairs, Euclidean.
fn planar_instance(path: &Path, sjc: bool) -> carecover::io::FacilityInstance {
    let text = std::fs::read_to_string(path).unwrap();
    let rows: Vec<(f64, f64, f64)> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Vec<f64> = l.split_whitespace().map(|t| t.parse().unwrap()).collect();
            if sjc {
                (v[0], v[1], v[2])
            } else {
                (v[1], v[2], v[3])
            }
        })
        .collect();
    let n = rows.len();
    carecover::io::FacilityInstance {
        name: path.file_stem().unwrap().to_string_lossy().into_owned(),
        demand_ids: (0..n).map(|i| i.to_string()).collect(),
        weights: rows.iter().map(|r| r.2).collect(),
        site_ids: (0..n).map(|i| i.to_string()).collect(),
        site_costs: vec![0.0; n],
        required: vec![false; n],
        capacity: vec![None; n],
        close_cost: vec![None; n],
        pairs: (0..n)
            .flat_map(|j| (0..n).map(move |i| (i, j)))
            .map(|(i, j)| {
                (
                    i as u32,
                    j as u32,
                    (rows[i].0 - rows[j].0).hypot(rows[i].1 - rows[j].1),
                )
            })
            .collect(),
        ..Default::default()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let want = |s: &str| args.is_empty() || args.iter().any(|a| a == s);
    if want("pmed") {
        pmed();
    }
    let only: Vec<&str> = MAXIMO_CITIES
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| args.iter().any(|a| a == n))
        .collect();
    if want("maximo") {
        maximo(&only, None);
    }
    if args.iter().any(|a| a == "maximo-lscp") {
        maximo_lscp(&only);
    }
    if args.iter().any(|a| a == "maximo-pairs") {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/maximo-pairs");
        std::fs::create_dir_all(&dir).unwrap();
        maximo(&[], Some(&dir));
        println!("pairs written to {}", dir.display());
    }
    if want("swain") || want("sjc") {
        swain_and_sjc();
    }
}
