//! The nursing-home network (issue #13) on the shipped `nursing_homes` scenario: every home
//! kept, upgraded or merged as the rules allow, every merged home's residents housed within
//! beds and the radius, the care centre sized to the demand (the independent checker in
//! `common::check_homes`); the hypothetical inputs stay the Andorra data plus their homes;
//! bad home input is refused with file, row and value.

mod common;

use common::check_homes::check_homes;
use common::shipped::shipped;
use common::{raw_csv, root};
use std::path::Path;
use std::process::Command;

#[test]
fn nursing_homes_house_every_resident_within_beds() {
    let (head, plan) = shipped("nursing_homes");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    carecover::report::write_all(&plan, &out, &carecover::progress::Progress::new(true)).unwrap();
    let checks = check_homes(&plan, &out);
    assert!(checks > 10, "{checks} checks");
    let homes = plan.policy.as_ref().unwrap().homes.as_ref().unwrap();
    use carecover::pipeline::SiteStatus;
    // Pinned after the checker passed (the homes' model is proven optimal for the centres
    // the coverage plan placed).
    assert!(homes.proven);
    assert_eq!(
        (
            homes.n(SiteStatus::Kept),
            homes.n(SiteStatus::Upgraded),
            homes.n(SiteStatus::Closed)
        ),
        (1, 2, 3)
    );
    assert_eq!(homes.cost, 1_150_000.0);
    let moved: f64 = homes.relocations.iter().map(|r| r.residents).sum();
    assert_eq!(moved, 26.0);
    assert_eq!(homes.care_demand, 113.5);
    assert_eq!(homes.care.iter().map(|c| c.beds).sum::<f64>(), 122.0);
    assert_eq!(head.total_cost, 15_160_000.0, "{head:?}");
    // Merged homes were centres' candidates: with them hosting no centre the plan costs
    // less overall than with the centres in them (the first round), which the second round
    // found; the task table counts their upgrades and merges.
    let table = carecover::report::task_table::task_table(&plan).unwrap();
    let col = |n: &str| table.header.iter().position(|h| h == n).unwrap();
    let total = table.rows.last().unwrap();
    use carecover::report::task_table::Cell;
    assert_eq!(total[col("nursing_home_upgrades_2025")], Cell::Number(2.0));
    assert_eq!(total[col("nursing_homes_merged")], Cell::Number(3.0));
}

#[test]
fn the_hypothetical_inputs_are_the_andorra_data_plus_homes() {
    let base = raw_csv(&root().join("data/andorra/sites.csv"));
    let homes = raw_csv(&root().join("scenarios/nursing_homes_sites.csv"));
    assert_eq!(homes.len(), base.len() + 6);
    for (a, b) in base.iter().zip(&homes) {
        for (k, v) in a {
            assert_eq!(&b[k], v, "{k} of {}", a["id"]);
        }
        assert!(b["facility"].is_empty() && b["beds"].is_empty());
    }
    for h in &homes[base.len()..] {
        assert_eq!(h["facility"], "nursing_home");
        assert!(h["name"].contains("hypothetical"));
    }
    let base = raw_csv(&root().join("data/andorra/villages.csv"));
    let villages = raw_csv(&root().join("scenarios/nursing_homes_villages.csv"));
    assert_eq!(villages.len(), base.len());
    for (a, b) in base.iter().zip(&villages) {
        for (k, v) in a {
            assert_eq!(&b[k], v);
        }
        let elders: f64 = a["elders"].parse().unwrap();
        let d: f64 = b["disabled_hardship"].parse().unwrap();
        assert_eq!(d, (0.02 * elders).round(), "2 % of the elders, rounded");
    }
}

/// Copies the nursing_homes scenario to a temp folder, lets `break_it` edit its files, runs
/// `solve`; returns (exit code, stderr) and asserts nothing was written.
fn run_broken(break_it: impl FnOnce(&Path)) -> (i32, String) {
    let tmp = copy_of_nursing_homes();
    break_it(tmp.path());
    let out = tmp.path().join("out");
    let result = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(["-q", "solve"])
        .arg(tmp.path().join("nursing_homes.toml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!out.exists(), "an output folder was written");
    (
        result.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&result.stderr).into_owned(),
    )
}

/// The nursing_homes scenario in a temp folder (its road file where it is).
fn copy_of_nursing_homes() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["nursing_homes_sites.csv", "nursing_homes_villages.csv"] {
        std::fs::copy(root().join("scenarios").join(f), tmp.path().join(f)).unwrap();
    }
    let toml = std::fs::read_to_string(root().join("scenarios/nursing_homes.toml"))
        .unwrap()
        .replace(
            "\"../data/andorra/",
            &format!("\"{}/data/andorra/", root().display()),
        );
    std::fs::write(tmp.path().join("nursing_homes.toml"), toml).unwrap();
    tmp
}

/// Binding capacities (issue #13, 4.): with `capacity_binding` on the points (300 elders)
/// and the centres (2,000) no village is "served but over capacity"; what fits nowhere is
/// unserved or served in part, as a maximum flow says (the independent checker recomputes it).
#[test]
fn binding_capacities_leave_no_facility_over_capacity() {
    let tmp = copy_of_nursing_homes();
    let file = "nursing_homes.toml";
    edit(
        tmp.path(),
        file,
        "capacity = 2000\n",
        "capacity = 2000\ncapacity_binding = true\n",
    );
    edit(
        tmp.path(),
        file,
        "capacity = 300\n",
        "capacity = 300\ncapacity_binding = true\n",
    );
    let free = common::shipped::run(&root().join("scenarios/nursing_homes.toml"));
    let plan = common::shipped::run(&tmp.path().join(file));
    let checks = common::check_plan(&plan);
    assert!(checks > 60, "{checks} checks");
    let out = tmp.path().join("out");
    carecover::report::write_all(&plan, &out, &carecover::progress::Progress::new(true)).unwrap();
    check_homes(&plan, &out);
    // villages.geojson carries each village's served share.
    let villages: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("villages.geojson")).unwrap())
            .unwrap();
    let shares: Vec<f64> = villages["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["served_share"].as_f64().unwrap())
        .collect();
    assert_eq!(shares.len(), plan.villages.len());
    let (pf, pb) = (free.policy.as_ref().unwrap(), plan.policy.as_ref().unwrap());
    assert_eq!(pb.solution.status, carecover::solve::Status::Optimal);
    // Without binding some villages are served over capacity; with it none, and the plan
    // serves fewer elders (or builds more) than the free one.
    assert!(pf.villages.iter().any(|v| v.over_capacity));
    assert!(pb.villages.iter().all(|v| !v.over_capacity));
    let served = |p: &carecover::pipeline::PolicyPlan| *p.solution.served.last().unwrap();
    assert!(
        served(pb) < served(pf) || pb.solution.total_cost > pf.solution.total_cost,
        "binding changed nothing: {} / {}",
        served(pb),
        served(pf)
    );
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn bad_home_input_names_file_row_and_value() {
    let sites = "nursing_homes_sites.csv";
    let home = "h_enc,Llar d'avis Encamp (hypothetical),Encamp,nursing_home,1.5850,42.5352,,1,,nursing_home,30,11,poor,900000";
    type Break = Box<dyn FnOnce(&Path)>;
    let cases: Vec<(Break, i32, Vec<&str>)> = vec![
        (
            Box::new(move |d| edit(d, sites, home, &home.replace(",30,11,", ",-30,11,"))),
            2,
            vec![sites, "`beds`", "-30"],
        ),
        (
            Box::new(move |d| edit(d, sites, home, &home.replace(",30,11,", ",10,11,"))),
            2,
            vec![sites, "`residents`", "11 residents in 10 beds"],
        ),
        (
            Box::new(move |d| edit(d, sites, home, &home.replace(",poor,", ",ruined,"))),
            2,
            vec![sites, "`condition`", "ruined"],
        ),
        (
            Box::new(move |d| {
                edit(
                    d,
                    sites,
                    home,
                    &home.replace(",1,,nursing_home,", ",1,,old_folks,"),
                )
            }),
            2,
            vec![sites, "site `h_enc`", "`facility`", "old_folks"],
        ),
        (
            Box::new(|d| {
                edit(
                    d,
                    "nursing_homes.toml",
                    "care_take_up = 0.5",
                    "care_take_up = 1.5",
                )
            }),
            2,
            vec![
                "nursing_homes.toml",
                "[policy.homes]",
                "care_take_up",
                "1.5",
            ],
        ),
        (
            Box::new(move |d| edit(d, sites, home, &home.replace(",30,11,", ",,11,"))),
            2,
            vec![sites, "site `h_enc`", "`beds`"],
        ),
        // Binding capacity on the county care centre (its beds are [policy.homes]').
        (
            Box::new(|d| {
                edit(
                    d,
                    "nursing_homes.toml",
                    "min_sites = 1\n",
                    "min_sites = 1\ncapacity_binding = true\n",
                )
            }),
            2,
            vec![
                "nursing_homes.toml",
                "county_centre",
                "`capacity_binding` applies to town and village tiers",
            ],
        ),
        // Forced merging with nowhere to go within a minute's drive: infeasible, exit 1.
        (
            Box::new(|d| {
                edit(
                    d,
                    "nursing_homes.toml",
                    "merge = \"allow\"",
                    "merge = \"force\"",
                );
                edit(
                    d,
                    "nursing_homes.toml",
                    "radius_min = 30\nupgrade",
                    "radius_min = 1\nupgrade",
                );
            }),
            1,
            vec!["nursing home `h_", "1 minutes' drive"],
        ),
    ];
    for (k, (break_it, code, needles)) in cases.into_iter().enumerate() {
        let (got, stderr) = run_broken(break_it);
        assert_eq!(got, code, "case {k}: exit code; stderr: {stderr}");
        for n in needles {
            assert!(stderr.contains(n), "case {k}: `{n}` not in: {stderr}");
        }
    }
}
