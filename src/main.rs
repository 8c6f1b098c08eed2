//! The `carecover` command line: parse arguments, run, map errors to exit codes
//! (0 ok, 1 no feasible plan or a failure while writing, 2 bad input or usage).

use carecover::pipeline;
use carecover::progress::Progress;
use carecover::report;
use carecover::scenario::Scenario;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Siting of rural elderly-care facilities: which sites to open so the most elders are within
/// reach, under a budget.
#[derive(Parser)]
#[command(version, about, long_about = None, after_help = "With no command, solves scenarios/default.toml (Andorra, OpenStreetMap data) into out/default/.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Print no progress bars.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Worker threads (default: the scenario's `threads`, else one per core).
    #[arg(long, global = true)]
    threads: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// Solve a scenario and write its map layers and summary.
    ///
    /// Example: carecover solve scenarios/default.toml --out out/try1
    Solve {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Output folder (default: out/<scenario file stem>).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let (scenario, out) = match cli.command {
        Some(Command::Solve { scenario, out }) => (scenario, out),
        None => (default_scenario(), None),
    };
    match solve(&scenario, out, cli.threads, Progress::new(cli.quiet)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            let code = e
                .downcast_ref::<carecover::Error>()
                .map_or(1, |e| e.exit_code());
            ExitCode::from(code as u8)
        }
    }
}

/// `scenarios/default.toml` in the working folder, else the one shipped with the source.
fn default_scenario() -> PathBuf {
    let local = PathBuf::from("scenarios/default.toml");
    if local.exists() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml")
    }
}

fn solve(
    path: &Path,
    out: Option<PathBuf>,
    threads: Option<usize>,
    progress: Progress,
) -> anyhow::Result<()> {
    let scenario = Scenario::load(path)?;
    let threads = threads.unwrap_or(scenario.threads);
    if threads > 0 {
        // Only fails if a pool was already built, which cannot happen here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
    let out = out.unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        PathBuf::from("out").join(stem)
    });
    let plan = pipeline::run(scenario, &progress)?;
    let dir = report::write_all(&plan, &out, &progress)?;
    print!("{}", report::summary_table(&plan));
    for w in &plan.warnings {
        eprintln!("warning: {w}");
    }
    println!("wrote {}", dir.display());
    Ok(())
}
