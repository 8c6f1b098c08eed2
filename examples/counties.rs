//! Generated counties for a batch (issue #15): `n` scenario files, each a county of its own.
//!
//! ```text
//! cargo run --release --example counties -- --n 300 --min 150 --max 600 --write /tmp/city
//! target/release/carecover batch /tmp/city/*.toml --out /tmp/city_out
//! ```
//!
//! Writes `county_001.toml` … and their folders (villages.csv, sites.csv, roads.csv.gz) with
//! [`carecover::synth::write_counties`]: between `--min` and `--max` villages each, a budgeted
//! policy plan over two years. `--heuristic` sets `exact_max_variables = 0` in each: the
//! decomposition heuristic alone (under a second each) instead of the exact model, which on
//! these counties runs to its 60-second limit.

fn arg(name: &str, default: usize) -> usize {
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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1))
        .expect("--write DIR: where to write the counties");
    let (n, min, max) = (arg("--n", 300), arg("--min", 150), arg("--max", 600));
    let t = std::time::Instant::now();
    let files = carecover::synth::write_counties(
        std::path::Path::new(dir),
        n,
        (min, max),
        arg("--seed", 1) as u64,
        if args.iter().any(|a| a == "--heuristic") {
            "exact_max_variables = 0"
        } else {
            ""
        },
    )
    .expect("the counties are written");
    println!(
        "wrote {} counties of {min}–{max} villages into {dir} in {:.1} s",
        files.len(),
        t.elapsed().as_secs_f64()
    );
}
