//! `carecover batch`: many counties in one run, and their roll-up (issue #15).
//!
//! A city plans all its districts and counties together (003 is Chongqing's city-level plan
//! over 38 of them); a province repeats that for hundreds. Each county is an independent
//! problem, so a batch is nothing but many `solve`s: each scenario is solved into
//! `DIR/<scenario stem>/` exactly as `carecover solve` would write it, several at once on one
//! thread pool, and one county's failure is recorded with its reason without stopping the
//! others. `DIR/batch.json` lists every county with its status; the roll-up
//! ([`rollup`]: `rollup.csv`, `rollup.xlsx`, `report.html`) is built from the county folders
//! alone, so that `batch merge` can build the same from the folders of shards solved on other
//! machines (a Kubernetes Indexed Job, a Slurm array: README.md, "Many counties").

pub mod rollup;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::progress::Progress;
use crate::{pipeline, report, scenario::Scenario};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The list of counties a batch folder holds.
pub const LIST: &str = "batch.json";

/// One county of a batch: its scenario, and how its solve went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct County {
    /// The scenario file's stem: the county's folder in the batch folder.
    pub stem: String,
    pub scenario: PathBuf,
    pub solved: bool,
    /// Why it failed (the message `carecover solve` would print), if it did.
    pub reason: Option<String>,
    /// Whether its failure is the input's (exit code 2 of `solve`) rather than no feasible plan.
    pub bad_input: bool,
    /// Wall time of its solve and outputs, seconds.
    pub seconds: f64,
}

/// `--shard i/n`: the `i`-th of `n` deterministic parts of the scenario list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `i/n` with 1 ≤ i ≤ n.
    pub fn parse(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("{s:?}: give the shard as i/n with 1 <= i <= n, e.g. 2/8");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether the county `stem` is this shard's: by a hash of the stem alone (FNV-1a, 64
    /// bits), so that the parts do not depend on the order or the set of the arguments and
    /// every machine of a job array computes the same split.
    pub fn holds(&self, stem: &str) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in stem.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h % u64::from(self.count) == u64::from(self.index - 1)
    }
}

/// How to run a batch.
#[derive(Clone, Debug)]
pub struct Options {
    pub out: PathBuf,
    pub shard: Option<Shard>,
    /// Counties solved at once (each also uses the pool's threads for its parallel stages).
    pub jobs: usize,
    /// Threads of the pool every county runs on.
    pub threads: usize,
    /// A county starts only while the process's resident memory plus the county's estimate
    /// ([`estimate_bytes`]) stays within this (unless nothing else runs); `None`: no bound.
    pub memory_bytes: Option<u64>,
    /// Overrides every scenario's `[output] language` (and the roll-up's).
    pub lang: Option<Lang>,
}

/// The stem of a scenario file (`scenarios/jiangjin.toml` → `jiangjin`).
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Refuses a batch folder that holds files of something else (it is added to, not replaced).
fn check_out(out: &Path) -> Result<()> {
    let refuse = |why: &str| Err(Error::Usage(format!("--out {}: {why}", out.display())));
    if out.exists() && !out.is_dir() {
        return refuse("is a file; name a folder for the batch");
    }
    if out.is_dir() && !out.join(LIST).is_file() {
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return refuse(&format!(
                "is a folder that is not an earlier batch (no {LIST}); name a new or empty folder"
            ));
        }
    }
    Ok(())
}

/// The scenarios of `paths` this shard solves, each with its stem; two scenarios with one
/// stem would share a folder and are refused.
pub fn select(paths: &[PathBuf], shard: Option<Shard>) -> Result<Vec<(String, PathBuf)>> {
    if paths.is_empty() {
        return Err(Error::Usage("give at least one scenario file".into()));
    }
    let mut seen: std::collections::BTreeMap<String, &PathBuf> = Default::default();
    for p in paths {
        let s = stem(p);
        if let Some(first) = seen.insert(s.clone(), p) {
            return Err(Error::Usage(format!(
                "{} and {} would both be solved into the folder `{s}`: rename one",
                first.display(),
                p.display()
            )));
        }
    }
    Ok(seen
        .into_iter()
        .filter(|(s, _)| shard.is_none_or(|sh| sh.holds(s)))
        .map(|(s, p)| (s, p.clone()))
        .collect())
}

/// What a batch did: every county (by stem), and the roll-up's folder.
#[derive(Debug)]
pub struct Batch {
    pub counties: Vec<County>,
    pub dir: PathBuf,
}

impl Batch {
    pub fn failed(&self) -> impl Iterator<Item = &County> {
        self.counties.iter().filter(|c| !c.solved)
    }
}

/// Solves every scenario of `paths` (this shard's) into `options.out` and writes the roll-up.
pub fn run(paths: &[PathBuf], options: &Options, progress: &Progress) -> Result<Batch> {
    check_out(&options.out)?;
    let chosen = select(paths, options.shard)?;
    std::fs::create_dir_all(&options.out).map_err(|source| Error::Write {
        file: options.out.clone(),
        source,
    })?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {} threads: {e}", options.threads)))?;
    let bar = progress.bar(chosen.len() as u64, "counties");
    let next = AtomicUsize::new(0);
    let running = AtomicUsize::new(0);
    let done: Mutex<Vec<County>> = Mutex::new(Vec::with_capacity(chosen.len()));
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.clamp(1, chosen.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some((stem, path)) = chosen.get(i) else {
                        break;
                    };
                    wait_for_memory(path, options.memory_bytes, &running);
                    running.fetch_add(1, Ordering::SeqCst);
                    let county = pool.install(|| solve_one(stem, path, options));
                    running.fetch_sub(1, Ordering::SeqCst);
                    bar.set_message(format!("counties ({stem})"));
                    bar.inc(1);
                    done.lock()
                        .expect("no county panics holding the list")
                        .push(county);
                }
            });
        }
    });
    bar.finish_and_clear();
    let mut counties = done.into_inner().expect("the list is whole");
    counties.sort_by(|a, b| a.stem.cmp(&b.stem));
    write_list(&options.out, &counties)?;
    rollup::write(
        &options.out,
        &counties,
        |c| options.out.join(&c.stem),
        options.lang,
    )?;
    Ok(Batch {
        counties,
        dir: options.out.clone(),
    })
}

/// Solves one county as `carecover solve` would; a failure (or a panic) becomes its reason.
fn solve_one(stem: &str, path: &Path, options: &Options) -> County {
    let start = Instant::now();
    let quiet = Progress::new(true);
    let attempt = || -> Result<()> {
        let mut scenario = Scenario::load(path)?;
        if let Some(lang) = options.lang {
            scenario.language = lang;
        }
        let dir = options.out.join(stem);
        report::check_out_dir(&dir, &scenario)?;
        let plan = pipeline::run(scenario, &quiet)?;
        report::write_all(&plan, &dir, &quiet)?;
        Ok(())
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(attempt));
    let (reason, bad_input) = match outcome {
        Ok(Ok(())) => (None, false),
        Ok(Err(e)) => (Some(e.to_string()), e.exit_code() == 2),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            (
                Some(format!("internal error (please report it): {what}")),
                false,
            )
        }
    };
    County {
        stem: stem.to_string(),
        scenario: path.to_path_buf(),
        solved: reason.is_none(),
        reason,
        bad_input,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// A county's memory estimate from its input files: 40 bytes held per byte of input (road
/// files dominate; measured: 28 on a generated county of 250,000 road nodes, 729 MB) and
/// 100 MB besides; 2.5 GB more where the policy model may go to the exact solver (microlp's
/// branch and bound: measured 0.35–2.2 GB on generated counties of 186–594 villages).
pub fn estimate_bytes(scenario: &Path) -> u64 {
    let Ok(s) = Scenario::load(scenario) else {
        return 100 << 20;
    };
    let exact = s.policy.as_ref().is_some_and(|p| p.exact_max_variables > 0);
    let inputs: u64 = [s.villages, s.sites, s.roads]
        .into_iter()
        .chain(s.dem)
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    40 * inputs + (100 << 20) + if exact { 2_500 << 20 } else { 0 }
}

/// 80 % of the memory the system has available now (Linux `/proc/meminfo` MemAvailable).
pub fn default_memory_bytes() -> Option<u64> {
    Some(proc_kb("/proc/meminfo", "MemAvailable:")? * 1024 / 5 * 4)
}

/// Resident memory of this process (Linux `/proc/self/status` VmRSS), bytes.
fn resident_bytes() -> Option<u64> {
    Some(proc_kb("/proc/self/status", "VmRSS:")? * 1024)
}

/// The kB figure of the line starting with `key` in a Linux `/proc` file.
fn proc_kb(file: &str, key: &str) -> Option<u64> {
    std::fs::read_to_string(file)
        .ok()?
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Waits until the county at `scenario` fits within `budget` beside what runs, or nothing runs.
fn wait_for_memory(scenario: &Path, budget: Option<u64>, running: &AtomicUsize) {
    let Some(budget) = budget else { return };
    let need = estimate_bytes(scenario);
    while running.load(Ordering::SeqCst) > 0
        && resident_bytes().is_some_and(|rss| rss + need > budget)
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Writes `batch.json` (the counties by stem), replacing it whole.
fn write_list(dir: &Path, counties: &[County]) -> Result<()> {
    let text = serde_json::to_string_pretty(&counties).expect("the list serializes");
    write_whole(&dir.join(LIST), text.as_bytes())
}

/// Writes `file` through a temporary file beside it, so that it is never seen half-written.
pub(crate) fn write_whole(file: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = file.with_extension("partial");
    let fail = |source| Error::Write {
        file: file.to_path_buf(),
        source,
    };
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, file).map_err(fail)
}

/// Reads a batch folder's county list.
fn read_list(dir: &Path) -> Result<Vec<County>> {
    let file = dir.join(LIST);
    let text = std::fs::read_to_string(&file).map_err(|source| Error::Read {
        file: file.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::file(&file, format!("not a batch list: {e}")))
}

/// `carecover batch merge`: the counties of several batch folders (shards) in one, and its
/// roll-up, the same as one run over all of them gives. County folders are linked (or, across
/// file systems, copied) into `out`; a county in two shards is refused.
pub fn merge(dirs: &[PathBuf], out: &Path, lang: Option<Lang>) -> Result<Batch> {
    if dirs.is_empty() {
        return Err(Error::Usage(
            "give at least one batch folder to merge".into(),
        ));
    }
    check_out(out)?;
    let mut counties: Vec<(County, PathBuf)> = Vec::new();
    for dir in dirs {
        for c in read_list(dir)? {
            if let Some((_, other)) = counties.iter().find(|(x, _)| x.stem == c.stem) {
                return Err(Error::Usage(format!(
                    "county `{}` is in both {} and {}: merge each shard once",
                    c.stem,
                    other.display(),
                    dir.display()
                )));
            }
            counties.push((c, dir.clone()));
        }
    }
    counties.sort_by(|a, b| a.0.stem.cmp(&b.0.stem));
    std::fs::create_dir_all(out).map_err(|source| Error::Write {
        file: out.to_path_buf(),
        source,
    })?;
    for (c, dir) in &counties {
        let (from, to) = (dir.join(&c.stem), out.join(&c.stem));
        if c.solved && !same_dir(&from, &to) {
            link_tree(&from, &to)?;
        }
    }
    let list: Vec<County> = counties.into_iter().map(|(c, _)| c).collect();
    write_list(out, &list)?;
    rollup::write(out, &list, |c| out.join(&c.stem), lang)?;
    Ok(Batch {
        counties: list,
        dir: out.to_path_buf(),
    })
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Replaces `to` with a tree of hard links to the files of `from` (copies where links fail).
fn link_tree(from: &Path, to: &Path) -> Result<()> {
    let fail = |file: &Path| {
        let file = file.to_path_buf();
        move |source| Error::Write { file, source }
    };
    let staging = to.with_extension("merging");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(fail(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(fail(&staging))?;
    let entries = std::fs::read_dir(from).map_err(|source| Error::Read {
        file: from.to_path_buf(),
        source,
    })?;
    for e in entries {
        let e = e.map_err(|source| Error::Read {
            file: from.to_path_buf(),
            source,
        })?;
        let target = staging.join(e.file_name());
        if std::fs::hard_link(e.path(), &target).is_err() {
            std::fs::copy(e.path(), &target).map_err(fail(&target))?;
        }
    }
    if to.exists() {
        std::fs::remove_dir_all(to).map_err(fail(to))?;
    }
    std::fs::rename(&staging, to).map_err(fail(to))
}

/// The batch's outcome for the terminal: counts, the roll-up's files, and each failure.
pub fn summary_text(batch: &Batch, lang: Lang) -> String {
    let failed: Vec<&County> = batch.failed().collect();
    let mut out = match lang {
        Lang::Zh => format!(
            "共 {} 个区县：{} 个已求解，{} 个失败；汇总：{}（rollup.csv、rollup.xlsx、report.html）\n",
            batch.counties.len(),
            batch.counties.len() - failed.len(),
            failed.len(),
            batch.dir.display()
        ),
        Lang::En => format!(
            "{} counties: {} solved, {} failed; roll-up: {} (rollup.csv, rollup.xlsx, report.html)\n",
            batch.counties.len(),
            batch.counties.len() - failed.len(),
            failed.len(),
            batch.dir.display()
        ),
    };
    for c in failed {
        out += &format!(
            "{}{}: {}\n",
            lang.pick("失败：", "failed: "),
            c.stem,
            c.reason.as_deref().unwrap_or_default()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_that_may_go_exact_is_expected_to_need_more_memory() {
        let scenario = |name: &str| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"))
        };
        // The Andorra inputs, about 2 MB: some 0.2 GB; the exact solver adds 2.5 GB.
        let tiers = estimate_bytes(&scenario("independent_tiers"));
        assert!((150 << 20..400 << 20).contains(&tiers), "{tiers}");
        assert_eq!(
            estimate_bytes(&scenario("default_flat")) - tiers,
            2_500 << 20
        );
    }

    #[test]
    fn shards_split_by_stem_whatever_the_order() {
        let stems: Vec<String> = (0..200).map(|i| format!("county_{i}")).collect();
        let shards: Vec<Shard> = (1..=3).map(|i| Shard { index: i, count: 3 }).collect();
        for s in &stems {
            assert_eq!(shards.iter().filter(|sh| sh.holds(s)).count(), 1, "{s}");
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|sh| stems.iter().filter(|s| sh.holds(s)).count())
            .collect();
        assert!(sizes.iter().all(|&n| (45..=90).contains(&n)), "{sizes:?}");
        let paths: Vec<PathBuf> = stems
            .iter()
            .map(|s| PathBuf::from(format!("{s}.toml")))
            .collect();
        let mut reversed = paths.clone();
        reversed.reverse();
        assert_eq!(
            select(&paths, Some(shards[1])).unwrap(),
            select(&reversed, Some(shards[1])).unwrap()
        );
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/3", "4/3", "2", "a/b", "1/0"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        let e = select(
            &[PathBuf::from("a/x.toml"), PathBuf::from("b/x.toml")],
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("folder `x`"), "{e}");
    }
}
