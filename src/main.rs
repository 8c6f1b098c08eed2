//! The `carecover` command line: parse arguments, run, map errors to exit codes
//! (0 ok, 1 no feasible plan or a failure while writing, 2 bad input or usage).

use carecover::instance::Problem;
use carecover::lang::Lang;
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
    /// Worker threads, 1 to 1024 (default: the scenario's `threads`, else one per core).
    #[arg(long, global = true, value_parser = parse_threads)]
    threads: Option<usize>,
    /// Print machine-readable JSON on standard output instead of tables.
    #[arg(long, global = true)]
    json: bool,
    /// Language of the report, the annex and the summary: zh (中文) or en (default: the
    /// scenario's `[output] language`, else zh).
    #[arg(long, global = true, value_parser = parse_lang)]
    lang: Option<Lang>,
}

/// A time limit in seconds (`--time-limit`): > 0 and at most 30 days.
fn parse_time_limit(s: &str) -> Result<f64, String> {
    let x: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    carecover::limits::time_limit("--time-limit", x)
}

/// A radius (`positive`) or budget of an instance (`--radius`, `--budget`): finite, and > 0
/// or >= 0.
fn parse_instance_number(s: &str, positive: bool) -> Result<f64, String> {
    let x: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    let max = carecover::limits::MAX_INSTANCE_NUMBER;
    carecover::limits::in_range("the value", x, 0.0, positive, max)
}

/// A memory bound in GB (`--memory-gb`): more than 0, at most 1,000,000.
fn parse_memory_gb(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(g) if g > 0.0 && g <= 1e6 => Ok(g),
        _ => Err(format!(
            "{s:?}: give the memory in GB, more than 0, e.g. 12"
        )),
    }
}

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(t) if (1..=carecover::limits::MAX_THREADS).contains(&t) => Ok(t),
        _ => Err(format!(
            "{s:?}: give a number of threads from 1 to {}",
            carecover::limits::MAX_THREADS
        )),
    }
}

/// `field=header`, as `--columns` takes it.
fn parse_mapping(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((f, h)) if !f.trim().is_empty() && !h.trim().is_empty() => {
            Ok((f.trim().to_string(), h.trim().to_string()))
        }
        _ => Err(format!(
            "{s:?}: give field=header, e.g. elders=60岁以上老人"
        )),
    }
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("{s:?}: give zh (中文) or en (English)"))
}

#[derive(Subcommand)]
enum BatchCommand {
    /// Merge the folders of batch shards into one, with the roll-up a single run gives.
    Merge {
        /// The shards' batch folders.
        dirs: Vec<PathBuf>,
        /// The merged folder (county folders are linked into it).
        #[arg(long)]
        out: PathBuf,
    },
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
    /// Solve many scenarios (counties) into one folder, several at once, and roll them up:
    /// DIR/<scenario stem>/ as `solve` writes it, DIR/rollup.csv, rollup.xlsx, report.html.
    /// A county that fails is named with its reason and the others go on (exit code 1).
    ///
    /// Examples:
    ///   carecover batch scenarios/*.toml --out out/city
    ///   carecover batch counties/*.toml --out shard3 --shard 3/8
    ///   carecover batch merge shard1 shard2 shard3 --out out/city
    #[command(args_conflicts_with_subcommands = true, verbatim_doc_comment)]
    Batch {
        #[command(subcommand)]
        merge: Option<BatchCommand>,
        /// The scenario files, one per county.
        scenarios: Vec<PathBuf>,
        /// The batch folder.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Solve only part i of n (i/n, 1 <= i <= n), chosen by the scenario's file stem: the
        /// same part on every machine, whatever the order of the files.
        #[arg(long, value_parser = carecover::batch::Shard::parse)]
        shard: Option<carecover::batch::Shard>,
        /// Counties solved at once (default: one per thread).
        #[arg(long, value_parser = parse_threads)]
        jobs: Option<usize>,
        /// Start a county only while memory in use stays within this many GB (default: 80 %
        /// of the memory available at the start).
        #[arg(long, value_parser = parse_memory_gb, allow_negative_numbers = true)]
        memory_gb: Option<f64>,
    },
    /// Check a scenario's inputs and print what would be solved; writes nothing.
    ///
    /// Example: carecover validate scenarios/default.toml
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Compare two results town by town: villages and elders covered, sites, cost, sites that
    /// differ. Reads the output folders only.
    ///
    /// Example: carecover compare out/walk15 out/walk20
    Compare {
        /// Output folder of the first result (A).
        a: PathBuf,
        /// Output folder of the second result (B).
        b: PathBuf,
    },
    /// Audit a published per-town plan against what each town of a policy scenario needs: the
    /// fewest points that serve every village, and the most elders the plan's number of points
    /// can serve. The plan is the annex as published (附件1 / 附件2 Chinese headings, xlsx or
    /// CSV, e.g. a task_table.xlsx) or an English-keyed table (town, new_points_<year>, ...).
    ///
    /// Example: carecover audit scenarios/default.toml --plan scenarios/andorra_plan_2025.csv
    Audit {
        /// A scenario with a [policy] section.
        scenario: PathBuf,
        /// The published plan (.xlsx, .xls, .ods or .csv).
        #[arg(long)]
        plan: PathBuf,
        /// The plan's sheet (spreadsheets; default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// Time limit of each exact per-town solve, seconds.
        #[arg(long, default_value_t = 30.0, value_parser = parse_time_limit, allow_negative_numbers = true)]
        time_limit: f64,
    },
    /// Describe an input file: what it holds, counts, extent, a coordinate-system note, problems.
    ///
    /// Examples:
    ///   carecover inspect data/andorra/villages.csv
    ///   carecover inspect 村名册.xlsx --scenario my_county.toml
    ///   carecover inspect 村名册.xlsx --sheet 村庄名册 --columns id=村编号,elders=60岁以上老人,lon=经度,lat=纬度
    #[command(verbatim_doc_comment)]
    Inspect {
        /// A villages, sites or roads file.
        file: PathBuf,
        /// Read the file with this scenario's column mappings and sheets
        /// (`villages_columns`, `sites_columns`, `villages_sheet`, `sites_sheet`).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Column mappings, field=header, comma-separated (over the scenario's).
        #[arg(long, value_delimiter = ',', value_parser = parse_mapping)]
        columns: Vec<(String, String)>,
        /// The sheet to read (spreadsheets).
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Solve a benchmark or peer instance and print one JSON line.
    ///
    /// Examples:
    ///   carecover instance inst/c_1000x200 --problem pmedian
    ///   carecover instance --format orlib-pmed pmed1.txt --problem pmedian --exact
    ///   carecover instance --format tsplib-mclp NewYork.txt --problem mclp --radius 400 --p 50
    Instance {
        /// A facloc-instance/1 folder, or a file of the given --format.
        path: PathBuf,
        #[arg(long, value_enum, default_value = "facloc")]
        format: InstanceFormat,
        #[arg(long, value_enum)]
        problem: carecover::instance::Problem,
        /// Facilities to open, required ones included (default: the instance's).
        #[arg(long)]
        p: Option<usize>,
        /// Coverage radius, in the instance's cost unit.
        #[arg(long, value_parser = |s: &str| parse_instance_number(s, true), allow_negative_numbers = true)]
        radius: Option<f64>,
        /// Money for all open sites.
        #[arg(long, value_parser = |s: &str| parse_instance_number(s, false), allow_negative_numbers = true)]
        budget: Option<f64>,
        /// Prove optimality (or stop at --time-limit with the best solution and its gap).
        #[arg(long)]
        exact: bool,
        #[arg(long, default_value_t = 600.0, value_parser = parse_time_limit, allow_negative_numbers = true)]
        time_limit: f64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Respect the sites' `capacity` column (mclp, pmedian; demand splittable).
        #[arg(long)]
        capacitated: bool,
        /// Site ids that may not be opened (comma-separated).
        #[arg(long, value_delimiter = ',')]
        forbid: Vec<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum InstanceFormat {
    /// facloc-instance/1 folder: demand.csv, sites.csv, costs.csv, problem.json.
    Facloc,
    /// OR-Library p-median file (pmed1..40).
    OrlibPmed,
    /// TSPLIB-like MCLP file of Máximo et al. (needs --radius).
    TsplibMclp,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if let Some(t) = cli.threads {
        // Only fails if a pool was already built, which cannot happen here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global();
    }
    // Outputs are all or nothing: a failed solve has written nothing.
    let writes = matches!(cli.command, None | Some(Command::Solve { .. }));
    let threads = cli.threads;
    let result = match cli.command {
        Some(Command::Solve { scenario, out }) => {
            solve(&scenario, out, Progress::new(cli.quiet), cli.json, cli.lang)
        }
        None => solve(
            &default_scenario(),
            None,
            Progress::new(cli.quiet),
            cli.json,
            cli.lang,
        ),
        Some(Command::Validate { scenario }) => {
            validate(&scenario, Progress::new(cli.quiet), cli.json, cli.lang)
        }
        Some(Command::Inspect {
            file,
            scenario,
            columns,
            sheet,
        }) => inspect(&file, scenario.as_deref(), &columns, sheet, cli.json),
        Some(Command::Compare { a, b }) => compare(&a, &b, cli.json, cli.lang),
        Some(Command::Batch {
            merge: Some(BatchCommand::Merge { dirs, out }),
            ..
        }) => batch_report(
            carecover::batch::merge(&dirs, &out, cli.lang),
            cli.json,
            cli.lang,
        ),
        Some(Command::Batch {
            merge: None,
            scenarios,
            out,
            shard,
            jobs,
            memory_gb,
        }) => {
            let threads = threads.unwrap_or_else(rayon::current_num_threads);
            match out {
                None => Err(carecover::Error::Usage(
                    "batch: give the batch folder with --out DIR".into(),
                )
                .into()),
                Some(out) => {
                    let options = carecover::batch::Options {
                        out,
                        shard,
                        jobs: jobs.unwrap_or(threads),
                        threads,
                        memory_bytes: memory_gb
                            .map(|g| (g * 1e9) as u64)
                            .or_else(carecover::batch::default_memory_bytes),
                        lang: cli.lang,
                    };
                    let progress = Progress::new(cli.quiet);
                    batch_report(
                        carecover::batch::run(&scenarios, &options, &progress),
                        cli.json,
                        cli.lang,
                    )
                }
            }
        }
        Some(Command::Audit {
            scenario,
            plan,
            sheet,
            time_limit,
        }) => audit(
            &scenario,
            &plan,
            sheet.as_deref(),
            time_limit,
            Progress::new(cli.quiet),
            cli.json,
            cli.lang,
        ),
        Some(Command::Instance {
            path,
            format,
            problem,
            p,
            radius,
            budget,
            exact,
            time_limit,
            seed,
            capacitated,
            forbid,
        }) => {
            let options = carecover::instance::RunOptions {
                problem,
                p,
                radius,
                budget,
                exact,
                time_limit_s: time_limit,
                seed,
                capacitated,
                forbid,
            };
            instance(&path, format, &options)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if writes {
                eprintln!("nothing was written (an earlier output folder, if any, is unchanged)");
            }
            let code = e
                .downcast_ref::<carecover::Error>()
                .map_or(1, |e| e.exit_code());
            ExitCode::from(code as u8)
        }
    }
}

/// Warnings and notes on standard error, each on its line, in `lang`.
fn print_warnings(texts: &[String], lang: Lang) {
    for w in texts {
        eprintln!("{}{w}", lang.pick("提示：", "warning: "));
    }
}

/// Loads a scenario, `--lang` overriding its `[output] language`.
fn load(path: &Path, lang: Option<Lang>) -> anyhow::Result<Scenario> {
    let mut scenario = Scenario::load(path)?;
    if let Some(lang) = lang {
        scenario.language = lang;
    }
    Ok(scenario)
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

fn instance(
    path: &Path,
    format: InstanceFormat,
    options: &carecover::instance::RunOptions,
) -> anyhow::Result<()> {
    use carecover::io;
    let t = std::time::Instant::now();
    let inst = match format {
        InstanceFormat::Facloc => {
            // Covering problems need only the pairs within the radius (given or the instance's).
            let covering = matches!(
                options.problem,
                Problem::Lscp | Problem::Mclp | Problem::Backup
            );
            let radius = match options.radius {
                Some(r) => Some(r),
                None if covering => io::read_facloc_radius(path)?,
                None => None,
            };
            io::read_facloc_dir(path, radius.filter(|_| covering))?
        }
        InstanceFormat::OrlibPmed => io::read_orlib_pmed(path)?,
        InstanceFormat::TsplibMclp => {
            let radius = options.radius.ok_or_else(|| {
                carecover::Error::file(path, "--format tsplib-mclp needs --radius")
            })?;
            io::read_tsplib_mclp(path, radius)?
        }
    };
    let record = carecover::instance::run(&inst, options, t.elapsed().as_secs_f64())?;
    println!("{}", serde_json::to_string(&record)?);
    if record.status == "infeasible" {
        anyhow::bail!(carecover::Error::Infeasible(format!(
            "{}: no solution satisfies the constraints",
            inst.name
        )));
    }
    Ok(())
}

fn validate(path: &Path, progress: Progress, json: bool, lang: Option<Lang>) -> anyhow::Result<()> {
    let prepared = pipeline::prepare(load(path, lang)?, &progress)?;
    let v = report::check::validation(&prepared);
    if json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let lang = prepared.scenario.language;
        print!("{}", report::check::validation_text(&v, lang));
        let texts = report::warning_texts(
            &prepared.warnings,
            &prepared.villages,
            &prepared.sites,
            &prepared.scenario,
        );
        print_warnings(&texts, lang);
    }
    Ok(())
}

/// Prints a batch's outcome; exit code 1 if a county failed.
fn batch_report(
    batch: carecover::Result<carecover::batch::Batch>,
    json: bool,
    lang: Option<Lang>,
) -> anyhow::Result<()> {
    let batch = batch?;
    if json {
        println!("{}", serde_json::to_string_pretty(&batch.counties)?);
    } else {
        print!(
            "{}",
            carecover::batch::summary_text(&batch, lang.unwrap_or_default())
        );
    }
    let failed: Vec<&str> = batch.failed().map(|c| c.stem.as_str()).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        // Exit code 1: the batch ran, some counties did not solve.
        anyhow::bail!(
            "{} of {} counties failed: {}",
            failed.len(),
            batch.counties.len(),
            failed.join(", ")
        )
    }
}

fn compare(a: &Path, b: &Path, json: bool, lang: Option<Lang>) -> anyhow::Result<()> {
    let c = report::compare::compare(a, b)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&c)?);
    } else {
        // --lang, else the language result A was written in.
        let lang = lang
            .or_else(|| c["language"].as_str().and_then(Lang::parse))
            .unwrap_or_default();
        print!("{}", report::compare::compare_text(&c, lang));
    }
    Ok(())
}

fn audit(
    scenario: &Path,
    plan_file: &Path,
    sheet: Option<&str>,
    time_limit: f64,
    progress: Progress,
    json: bool,
    lang: Option<Lang>,
) -> anyhow::Result<()> {
    let sc = load(scenario, lang)?;
    if sc.policy.is_none() {
        anyhow::bail!(carecover::Error::file(
            scenario,
            "has no [policy] section: the audit needs towns, centres and points (see README, Policy scenarios)"
        ));
    }
    let planned = carecover::io::read_plan_table(plan_file, sheet)?;
    let plan = pipeline::run(sc, &progress)?;
    let a = report::audit::audit(&plan, &planned, time_limit);
    if json {
        println!("{}", serde_json::to_string_pretty(&a)?);
    } else {
        print!("{}", report::audit::audit_text(&a));
    }
    Ok(())
}

fn inspect(
    path: &Path,
    scenario: Option<&Path>,
    columns: &[(String, String)],
    sheet: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    let (mut villages, mut sites) = match scenario {
        Some(s) => {
            let sc = Scenario::load(s)?;
            (sc.villages_table, sc.sites_table)
        }
        None => Default::default(),
    };
    for t in [&mut villages, &mut sites] {
        t.columns.extend(columns.iter().cloned());
        if sheet.is_some() {
            t.sheet = sheet.clone();
        }
    }
    let v = report::check::inspection(path, &villages, &sites);
    if json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for (k, val) in v.as_object().into_iter().flatten() {
            match val {
                serde_json::Value::Array(a) if k == "problems" => a
                    .iter()
                    .for_each(|p| println!("problem: {}", p.as_str().unwrap_or_default())),
                _ => println!("{k}: {}", report::check::plain(val)),
            }
        }
    }
    if v["holds"].is_null() {
        anyhow::bail!(carecover::Error::file(
            path,
            "could not be read as villages, sites or roads (see the problems above)"
        ));
    }
    Ok(())
}

fn solve(
    path: &Path,
    out: Option<PathBuf>,
    progress: Progress,
    json: bool,
    lang: Option<Lang>,
) -> anyhow::Result<()> {
    let scenario = load(path, lang)?;
    if scenario.threads > 0 {
        // A no-op when --threads already built the pool.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(scenario.threads)
            .build_global();
    }
    let out = out.unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        PathBuf::from("out").join(stem)
    });
    report::check_out_dir(&out, &scenario)?;
    let plan = pipeline::run(scenario, &progress)?;
    let written = report::write_all(&plan, &out, &progress)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report::summary(&plan))?);
    } else {
        print!("{}", report::summary_table(&plan));
    }
    let lang = plan.scenario.language;
    let mut texts =
        report::warning_texts(&plan.warnings, &plan.villages, &plan.sites, &plan.scenario);
    texts.extend(written.notes);
    print_warnings(&texts, lang);
    if !json {
        println!(
            "{}{}",
            lang.pick("已写入 ", "wrote "),
            written.dir.display()
        );
    }
    Ok(())
}
