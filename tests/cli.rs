//! The command line as a user runs it: validate, inspect, --json, exit codes.

mod common;

use common::{fixture, root};
use std::process::{Command, Output};

fn carecover(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn validate_describes_the_problem_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = fixture("tiny/scenario.toml");
    let out = carecover(&["validate", scenario.to_str().unwrap()], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("inputs are valid")
            && text.contains("would solve tier centre")
            && text.contains("budget 100000"),
        "{text}"
    );
    let out = carecover(
        &["--json", "validate", scenario.to_str().unwrap()],
        tmp.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["villages"]["count"], 8);
    assert_eq!(v["tiers"][1]["candidates"], 5, "2 schools and 3 halls");
    assert_eq!(v["tiers"][0]["existing"], 1);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "validate writes nothing"
    );
    // Bad input is reported the same way as by solve.
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&scenario)
            .unwrap()
            .replace("radius_min = 6", "radius_min = -1")
            .replace(
                "\"villages.csv\"",
                &format!("{:?}", fixture("tiny/villages.csv")),
            ),
    )
    .unwrap();
    let out = carecover(&["validate", bad.to_str().unwrap()], tmp.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn inspect_tells_what_a_file_holds() {
    let dir = root();
    let json = |file: &str| -> serde_json::Value {
        let out = carecover(&["--json", "inspect", file], &dir);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = json("tests/fixtures/tiny/villages.csv");
    assert_eq!(
        (
            v["holds"].as_str(),
            v["count"].as_u64(),
            v["elders"].as_f64()
        ),
        (Some("villages"), Some(8), Some(940.0))
    );
    let s = json("data/andorra/sites.csv");
    assert_eq!(
        (s["holds"].as_str(), s["kinds"]["church"].as_u64()),
        (Some("sites"), Some(47))
    );
    let r = json("tests/fixtures/tiny/roads.geojson");
    assert_eq!(r["holds"], "roads");
    assert!(r["length_km"].as_f64().unwrap() > 15.0);
    // A file that is none of them: exit code 2 and each reading's first problem.
    let out = carecover(&["inspect", "tests/fixtures/tiny/scenario.toml"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let out = carecover(&["--json", "inspect", "Cargo.toml"], &dir);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["holds"].is_null());
    assert!(
        v["problems"][0]
            .as_str()
            .unwrap()
            .contains("unknown file type"),
        "{v}"
    );
}

#[test]
fn solve_json_prints_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = carecover(
        &[
            "--json",
            "-q",
            "solve",
            fixture("tiny/scenario.toml").to_str().unwrap(),
            "--out",
            "o",
        ],
        tmp.path(),
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tiers"].as_array().unwrap().len(), 2);
    assert_eq!(
        v,
        serde_json::from_str::<serde_json::Value>(
            &std::fs::read_to_string(tmp.path().join("o/summary.json")).unwrap()
        )
        .unwrap()
    );
}

#[test]
fn help_shows_examples() {
    let out = carecover(&["solve", "--help"], &root());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Example: carecover solve"));
    assert_eq!(carecover(&["--version"], &root()).status.code(), Some(0));
}
