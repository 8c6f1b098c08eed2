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
    let out = carecover(
        &["--lang", "en", "validate", scenario.to_str().unwrap()],
        tmp.path(),
    );
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
    // In the scenario's language (Chinese by default).
    let out = carecover(&["validate", scenario.to_str().unwrap()], tmp.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("输入有效")
            && text.contains("将求解层级 centre")
            && text.contains("预算 10 万元"),
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
    // Sites are counted as solve counts them: the file's, then the candidates at villages.
    let default = root().join("scenarios/default.toml");
    let out = carecover(
        &["--json", "validate", default.to_str().unwrap()],
        tmp.path(),
    );
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&d["sites"]["count"], &d["sites"]["at_villages"]),
        (&96.into(), &66.into())
    );
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

#[test]
fn compare_two_results_town_by_town() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = fixture("tiny/scenario.toml");
    let more = tmp.path().join("more.toml");
    std::fs::write(
        &more,
        std::fs::read_to_string(&scenario)
            .unwrap()
            .replace("budget = 60000", "budget = 100000")
            .replace(
                "\"villages.csv\"",
                &format!("{:?}", fixture("tiny/villages.csv")),
            )
            .replace("\"sites.csv\"", &format!("{:?}", fixture("tiny/sites.csv")))
            .replace("\"roads.csv\"", &format!("{:?}", fixture("tiny/roads.csv"))),
    )
    .unwrap();
    assert!(
        carecover(
            &["-q", "solve", scenario.to_str().unwrap(), "--out", "a"],
            tmp.path()
        )
        .status
        .success()
    );
    assert!(
        carecover(
            &["-q", "solve", more.to_str().unwrap(), "--out", "b"],
            tmp.path()
        )
        .status
        .success()
    );
    let out = carecover(&["--json", "compare", "a", "b"], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Every figure agrees with the two summaries.
    let summary = |d: &str| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(tmp.path().join(d).join("summary.json")).unwrap(),
        )
        .unwrap()
    };
    let open = |s: &serde_json::Value| -> std::collections::BTreeSet<String> {
        s["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| {
                t["open_sites"].as_array().unwrap().iter().map(move |id| {
                    format!("{} ({})", id.as_str().unwrap(), t["name"].as_str().unwrap())
                })
            })
            .collect()
    };
    for (side, dir) in [("a", "a"), ("b", "b")] {
        let s = summary(dir);
        assert_eq!(
            c["totals"][format!("elders_covered_{side}")],
            s["elders_covered_any_tier"]
        );
        assert_eq!(
            c["totals"][format!("covered_{side}")],
            s["villages_covered_any_tier"]
        );
        let cost: f64 = s["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["cost"].as_f64().unwrap())
            .sum();
        assert_eq!(c["totals"][format!("cost_{side}")].as_f64().unwrap(), cost);
    }
    let (a, b) = (open(&summary("a")), open(&summary("b")));
    let only_b: Vec<&String> = b.difference(&a).collect();
    assert_eq!(c["only_in_b"], serde_json::json!(only_b));
    assert!(!only_b.is_empty(), "the larger budget builds more");
    // Village by village: the class changes are the villages whose `service` differs.
    let service = |d: &str| -> std::collections::BTreeMap<String, String> {
        let doc: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(tmp.path().join(d).join("villages.geojson")).unwrap(),
        )
        .unwrap();
        doc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["id"].as_str().unwrap().to_string(),
                    p["service"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (sa, sb) = (service("a"), service("b"));
    let differ: Vec<&String> = sa.keys().filter(|id| sa[*id] != sb[*id]).collect();
    let listed: Vec<&str> = c["villages"]["class"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, differ);
    assert!(!listed.is_empty(), "the larger budget covers more villages");
    let rows = c["towns"].as_array().unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| r["villages"].as_u64().unwrap())
            .sum::<u64>(),
        8
    );
    let text =
        String::from_utf8(carecover(&["--lang", "en", "compare", "a", "b"], tmp.path()).stdout)
            .unwrap();
    assert!(
        text.contains("sites only in B") && text.contains("total"),
        "{text}"
    );
    // Sites are named, with their id and tier to find them in the layers.
    let line = text
        .lines()
        .find(|l| l.starts_with("sites only in B"))
        .unwrap();
    for key in &only_b {
        let name = c["site_names"][key.as_str()].as_str().unwrap();
        assert!(line.contains(&format!("{name} [{key}]")), "{line}");
    }
    assert_eq!(
        carecover(&["compare", "a", "missing"], tmp.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn out_never_replaces_a_users_file_or_the_inputs() {
    // A copy of the tiny scenario with its inputs, in a folder of the user's.
    let tmp = tempfile::tempdir().unwrap();
    let county = tmp.path().join("county");
    std::fs::create_dir(&county).unwrap();
    for f in ["scenario.toml", "villages.csv", "sites.csv", "roads.csv"] {
        std::fs::copy(fixture(&format!("tiny/{f}")), county.join(f)).unwrap();
    }
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let before = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let (top, inside) = (before(tmp.path()), before(&county));
    for out in ["notes.txt", "county", ".", "county/.."] {
        let o = carecover(
            &["-q", "solve", "county/scenario.toml", "--out", out],
            tmp.path(),
        );
        assert_eq!(o.status.code(), Some(2), "--out {out}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("--out {out}")) && err.contains("nothing was written"),
            "{err}"
        );
        assert_eq!(
            (before(tmp.path()), before(&county)),
            (top.clone(), inside.clone())
        );
    }
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
    // A folder beside the inputs is fine, and so is running again into it.
    for _ in 0..2 {
        let o = carecover(
            &[
                "-q",
                "solve",
                "county/scenario.toml",
                "--out",
                "county/result",
            ],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(county.join("result/summary.json").is_file());
}

#[test]
fn inspect_reads_the_readmes_chinese_roster_with_its_mapping() {
    // README.zh-CN.md's `villages_columns` line, verbatim, over a roster with those headings.
    let readme = std::fs::read_to_string(root().join("README.zh-CN.md")).unwrap();
    let mapping = readme
        .lines()
        .find(|l| l.starts_with("villages_columns = "))
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("county.toml");
    std::fs::write(
        &scenario,
        format!(
            "[inputs]\nvillages = \"v.xlsx\"\nvillages_sheet = \"村庄名册\"\n{mapping}\nsites = \"s.csv\"\nroads = \"r.csv\"\n[[tier]]\nname = \"c\"\nmode = \"drive\"\nradius_min = 5\nnew_sites = 1\n"
        ),
    )
    .unwrap();
    let roster = fixture("tiny/villages.xlsx");
    let roster = roster.to_str().unwrap();
    let run = |args: &[&str]| -> serde_json::Value {
        let out = carecover(args, tmp.path());
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = run(&[
        "--json",
        "inspect",
        roster,
        "--scenario",
        scenario.to_str().unwrap(),
    ]);
    assert_eq!(
        (v["holds"].as_str(), v["count"].as_u64()),
        (Some("villages"), Some(8)),
        "{v}"
    );
    // The same with the mapping on the command line.
    let v = run(&[
        "--json",
        "inspect",
        roster,
        "--sheet",
        "村庄名册",
        "--columns",
        "id=村编号,elders=60岁以上老人,lon=经度,lat=纬度",
    ]);
    assert_eq!(
        (v["holds"].as_str(), v["elders"].as_f64()),
        (Some("villages"), Some(940.0)),
        "{v}"
    );
    // Without it, the problem names the missing column.
    let v = run(&["--json", "inspect", roster]);
    assert!(v["holds"].is_null());
    assert!(
        v["problems"][0]
            .as_str()
            .unwrap()
            .contains("missing column"),
        "{v}"
    );
}
