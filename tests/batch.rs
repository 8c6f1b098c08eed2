//! `carecover batch` as a city bureau runs it (issue #15): every county solved exactly as
//! `solve` solves it, a broken county named without stopping the others, shards merged into
//! the roll-up a single run gives, and bad requests refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn carecover(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Five generated counties of 40–90 villages (heuristic plans, so the test runs in seconds).
fn counties(dir: &Path) -> Vec<PathBuf> {
    carecover::synth::write_counties(dir, 5, (40, 90), 11, "exact_max_variables = 0").unwrap()
}

fn args<'a>(first: &[&'a str], files: &'a [PathBuf]) -> Vec<&'a str> {
    first
        .iter()
        .copied()
        .chain(files.iter().map(|f| f.to_str().unwrap()))
        .collect()
}

/// `rollup.csv` without its `seconds` column (each county's wall time).
fn rollup_without_times(dir: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(dir.join("rollup.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let seconds = header.iter().position(|h| h == "seconds").unwrap();
    let mut rows = vec![header];
    for r in reader.records() {
        rows.push(r.unwrap().iter().map(String::from).collect());
    }
    for r in &mut rows {
        r.remove(seconds);
    }
    rows
}

#[test]
fn a_batch_solves_each_county_as_solve_does_and_rolls_them_up() {
    let tmp = tempfile::tempdir().unwrap();
    let files = counties(&tmp.path().join("in"));
    let out = carecover(
        &args(&["-q", "batch", "--out", "city", "--jobs", "3"], &files),
        tmp.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One county solved alone: the same files, the same numbers (timings aside).
    let solo = carecover(
        &["-q", "solve", files[2].to_str().unwrap(), "--out", "solo"],
        tmp.path(),
    );
    assert!(solo.status.success());
    let (a, b) = (tmp.path().join("city/county_003"), tmp.path().join("solo"));
    for f in [
        "villages.geojson",
        "sites.geojson",
        "assignments.geojson",
        "service_areas.geojson",
        "task_table.csv",
    ] {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
    let summary = |d: &Path| -> serde_json::Value {
        let mut s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap())
                .unwrap();
        s.as_object_mut().unwrap().remove("timings_s");
        s
    };
    assert_eq!(summary(&a), summary(&b));
    // The roll-up: a row per county and a total that adds them up.
    let rows = rollup_without_times(&tmp.path().join("city"));
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 1 + 5 + 1);
    assert_eq!(rows[6][0], "total");
    for key in [
        "villages",
        "elders",
        "elders_served",
        "points",
        "construction_cost",
    ] {
        let sum: f64 = rows[1..6]
            .iter()
            .map(|r| r[col(key)].parse::<f64>().unwrap())
            .sum();
        assert_eq!(rows[6][col(key)].parse::<f64>().unwrap(), sum, "{key}");
    }
    let s = summary(&a);
    let row = &rows[3];
    assert_eq!(row[0], "county_003");
    assert_eq!(
        row[col("villages")].parse::<f64>().unwrap(),
        s["inputs"]["n_villages"].as_f64().unwrap()
    );
    assert_eq!(
        row[col("construction_cost")].parse::<f64>().unwrap(),
        s["policy"]["construction_cost"].as_f64().unwrap()
    );
    assert_eq!(row[col("status")], s["policy"]["status"].as_str().unwrap());
    // The workbook and the city page, in the counties' language (Chinese).
    let city = tmp.path().join("city");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(city.join("rollup.xlsx")).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), ["汇总", "分年度"]);
    let sheet = book.worksheet_range("汇总").unwrap();
    assert_eq!(sheet.get((0, 0)).unwrap().to_string(), "区县");
    assert_eq!(sheet.get((6, 0)).unwrap().to_string(), "合计");
    // Statuses in the words of the county's own report (heuristic plans: 可行解).
    assert_eq!(sheet.get((0, 2)).unwrap().to_string(), "状态");
    assert_eq!(sheet.get((1, 2)).unwrap().to_string(), "可行解");
    let page = std::fs::read_to_string(city.join("report.html")).unwrap();
    assert!(
        page.contains("多区县汇总") && page.contains("county_005") && page.contains("map-data")
    );
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(city.join("batch.json")).unwrap()).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 5);
}

#[test]
fn shards_merged_give_the_single_run_and_a_broken_county_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = counties(&tmp.path().join("in"));
    // A sixth county whose villages file is missing.
    let broken = tmp.path().join("in/broken.toml");
    std::fs::write(
        &broken,
        std::fs::read_to_string(&files[0])
            .unwrap()
            .replace("county_001/villages.csv", "county_001/missing.csv"),
    )
    .unwrap();
    files.push(broken);
    let single = carecover(&args(&["-q", "batch", "--out", "all"], &files), tmp.path());
    assert_eq!(single.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&single.stderr);
    assert!(
        stderr.contains("1 of 6 counties failed: broken"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&single.stdout);
    assert!(
        stdout.contains("broken") && stdout.contains("missing.csv"),
        "{stdout}"
    );
    assert!(
        !tmp.path().join("all/broken").exists(),
        "no folder for a failed county"
    );
    let all = rollup_without_times(&tmp.path().join("all"));
    let status = all[0].iter().position(|h| h == "status").unwrap();
    let broken_row = all.iter().find(|r| r[0] == "broken").unwrap();
    assert_eq!(broken_row[status], "failed");
    assert!(broken_row.last().unwrap().contains("missing.csv"));
    // Two shards, the files in another order, then merged.
    let mut reversed = files.clone();
    reversed.reverse();
    let mut solved = 0;
    for (shard, list) in [("1/2", &files), ("2/2", &reversed)] {
        let dir = format!("shard{}", &shard[..1]);
        let out = carecover(
            &args(
                &[
                    "-q", "batch", "--out", &dir, "--shard", shard, "--jobs", "1",
                ],
                list,
            ),
            tmp.path(),
        );
        let counted: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(tmp.path().join(&dir).join("batch.json")).unwrap(),
        )
        .unwrap();
        solved += counted.as_array().unwrap().len();
        assert!(matches!(out.status.code(), Some(0 | 1)));
    }
    assert_eq!(solved, 6, "each county in exactly one shard");
    let merged = carecover(
        &[
            "-q", "batch", "merge", "shard1", "shard2", "--out", "merged",
        ],
        tmp.path(),
    );
    assert_eq!(
        merged.status.code(),
        Some(1),
        "the broken county is still failed"
    );
    assert_eq!(rollup_without_times(&tmp.path().join("merged")), all);
    for f in files.iter().take(5) {
        let stem = f.file_stem().unwrap();
        assert!(
            tmp.path()
                .join("merged")
                .join(stem)
                .join("summary.json")
                .is_file()
        );
    }
    // Merging a shard twice is refused.
    let twice = carecover(
        &["-q", "batch", "merge", "shard1", "shard1", "--out", "again"],
        tmp.path(),
    );
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("is in both"));
}

#[test]
fn bad_batch_requests_are_refused_with_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let files = counties(&tmp.path().join("in"));
    std::fs::create_dir_all(tmp.path().join("other")).unwrap();
    let copy = tmp.path().join("other/county_001.toml");
    std::fs::copy(&files[0], &copy).unwrap();
    let same_stem = [files[0].clone(), copy];
    let papers = tmp.path().join("papers");
    std::fs::create_dir_all(&papers).unwrap();
    std::fs::write(papers.join("notes.txt"), "mine").unwrap();
    for (argv, needle) in [
        (
            args(&["batch", "--out", "x"], &same_stem),
            "would both be solved",
        ),
        (
            args(&["batch", "--out", "papers"], &files),
            "not an earlier batch",
        ),
        (
            args(&["batch", "--out", "x", "--shard", "3/2"], &files),
            "i/n",
        ),
        (
            args(&["batch", "--out", "x", "--memory-gb", "-1"], &files),
            "memory in GB",
        ),
        (args(&["batch"], &files), "--out"),
        (vec!["batch", "--out", "x"], "at least one scenario"),
    ] {
        let out = carecover(&argv, tmp.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{argv:?}: {stderr}");
        assert!(stderr.contains(needle), "{argv:?}: {stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(papers.join("notes.txt")).unwrap(),
        "mine"
    );
}
