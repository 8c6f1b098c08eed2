//! The independent checker of the nursing homes in a written plan ([`check_homes`]).

use super::{raw_csv, times_to};
use carecover::network::Mode;
use carecover::pipeline::Plan;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Checks the homes as `sites.geojson` in `out` has them against the sites and villages
/// files and `[policy.homes]`, recomputing what it can:
///
/// - one feature of tier `nursing_home` per home of the file (`facility = nursing_home`,
///   existing), status `kept`, `upgraded` or `closed`: upgraded exactly where its condition is
///   not kept as is, closed only where the merging criteria (recomputed from the row) hold,
///   closed wherever `merge = "force"` and they hold; never closed where a town centre stands;
/// - every closed home's residents (the file's) all moved, each move to a kept or upgraded
///   home or a care centre, within the relocation radius by an independent drive time equal
///   to the minutes claimed; a closed home holds no one;
/// - every kept home holds its own residents plus those moved in, no more than its beds plus
///   the beds added, staff at least residents / ratio;
/// - every care centre holds the care demand placed there plus the residents moved in, within
///   its beds, nursing-type beds at least the share, staff at least residents / 3; the care
///   demand placed over all centres is the villages' column × the take-up rate;
/// - the homes' cost is the upgrades (the file's cost, else the default) plus the added beds,
///   within the budget, and equals `summary.json`'s.
///
/// Returns the number of checks made.
pub fn check_homes(plan: &Plan, out: &Path) -> usize {
    let sc = &plan.scenario;
    let cfg = sc.policy.as_ref().unwrap().homes.as_ref().unwrap();
    let text = std::fs::read_to_string(out.join("sites.geojson")).unwrap();
    let layer: Value = serde_json::from_str(&text).unwrap();
    let features: Vec<&serde_json::Map<String, Value>> = layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].as_object().unwrap())
        .collect();
    let num = |p: &serde_json::Map<String, Value>, k: &str| p[k].as_f64().unwrap_or(0.0);
    let rows = raw_csv(&sc.sites);
    let homes: Vec<&HashMap<String, String>> = rows
        .iter()
        .filter(|r| {
            r.get("facility").map(String::as_str) == Some("nursing_home")
                && matches!(r["existing"].as_str(), "1" | "true" | "yes")
        })
        .collect();
    let home_features: HashMap<&str, &serde_json::Map<String, Value>> = features
        .iter()
        .filter(|p| p["tier"] == "nursing_home")
        .map(|p| (p["id"].as_str().unwrap(), *p))
        .collect();
    assert_eq!(home_features.len(), homes.len(), "one feature per home");
    let county_tiers: Vec<&str> = sc
        .tiers
        .iter()
        .filter(|t| t.role.is_some_and(|r| r.county_level()))
        .map(|t| t.name.as_str())
        .collect();
    let care: HashMap<&str, &serde_json::Map<String, Value>> = features
        .iter()
        .filter(|p| county_tiers.contains(&p["tier"].as_str().unwrap()))
        .map(|p| (p["id"].as_str().unwrap(), *p))
        .collect();
    let centre_sites: Vec<&str> = features
        .iter()
        .filter(|p| {
            sc.tiers
                .iter()
                .any(|t| t.name == p["tier"] && t.role == Some(carecover::scenario::Role::Town))
                && p["status"] != "closed"
        })
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let index: HashMap<&str, usize> = plan
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.as_str(), i))
        .collect();
    let drive = |from: &str, to: &str| -> f64 {
        let (a, b) = (index[from], index[to]);
        let snaps = &plan.site_snaps[&Mode::Drive];
        times_to(
            plan,
            Mode::Drive,
            plan.sites[a].location,
            snaps[a].map(|s| (s.segment, s.fraction, s.point)),
            &[(plan.sites[b].location, snaps[b])],
        )[0]
    };
    let mut inflow: HashMap<&str, f64> = HashMap::new();
    let mut cost = 0.0;
    let mut checks = 0;
    for row in &homes {
        let id = row["id"].as_str();
        let f = home_features[id];
        let beds: f64 = row["beds"].parse().unwrap();
        let residents: f64 = row["residents"].parse().unwrap();
        let condition = carecover::model::Condition::parse(&row["condition"]);
        let occupancy = row
            .get("occupancy")
            .and_then(|o| o.parse::<f64>().ok())
            .unwrap_or(if beds > 0.0 { residents / beds } else { 0.0 });
        let criteria = cfg.meets_merge_criteria(condition, occupancy);
        let status = f["status"].as_str().unwrap();
        let keeps_as_is = condition.is_some_and(|c| cfg.keep_as_is.contains(&c));
        let hosts = centre_sites.contains(&id);
        match status {
            "closed" => {
                assert!(criteria, "{id} closed without meeting the merging criteria");
                assert!(!hosts, "{id} closed but a town centre stands in it");
                assert_eq!(num(f, "residents"), 0.0, "{id} closed but holds residents");
                let moves = f["moves"].as_array().unwrap();
                let moved: f64 = moves.iter().map(|m| m["residents"].as_f64().unwrap()).sum();
                assert!(
                    (moved - residents).abs() < 1e-6,
                    "{id}: {moved} of {residents} moved"
                );
                for m in moves {
                    let to = m["to"].as_str().unwrap();
                    let ok = home_features
                        .get(to)
                        .is_some_and(|h| h["status"] != "closed")
                        || care.contains_key(to);
                    assert!(
                        ok,
                        "{id} moves residents to {to}, not a kept home or care centre"
                    );
                    let t = drive(id, to);
                    assert!(
                        t <= cfg.radius_s + 1e-6,
                        "{id} -> {to}: {t} s beyond the radius"
                    );
                    let claimed = m["minutes"].as_f64().unwrap();
                    assert!(
                        (t / 60.0 - claimed).abs() < 0.01,
                        "{id} -> {to}: {claimed} min claimed, {} recomputed",
                        t / 60.0
                    );
                    *inflow.entry(to).or_default() += m["residents"].as_f64().unwrap();
                    checks += 2;
                }
            }
            "kept" | "upgraded" => {
                assert_eq!(
                    status == "upgraded",
                    !keeps_as_is,
                    "{id}: {status} in {condition:?}"
                );
                if status == "upgraded" {
                    cost += row
                        .get("upgrade_cost")
                        .and_then(|c| c.parse::<f64>().ok())
                        .unwrap_or(cfg.upgrade_cost);
                }
                if cfg.merge == carecover::scenario::MergeRule::Force {
                    assert!(!criteria || hosts, "{id} meets the criteria but was kept");
                }
            }
            other => panic!("{id}: status {other}"),
        }
        cost += cfg.cost_per_bed.unwrap_or(0.0) * num(f, "beds_added");
        checks += 1;
    }
    for row in &homes {
        let id = row["id"].as_str();
        let f = home_features[id];
        if f["status"] == "closed" {
            continue;
        }
        let beds: f64 = row["beds"].parse().unwrap();
        let own: f64 = row["residents"].parse().unwrap();
        let held = own + inflow.get(id).copied().unwrap_or(0.0);
        assert!(
            (num(f, "residents") - held).abs() < 1e-6,
            "{id} holds {} not {held}",
            num(f, "residents")
        );
        assert_eq!(num(f, "beds"), beds + num(f, "beds_added"));
        assert!(
            held <= num(f, "beds") + 1e-6,
            "{id}: {held} residents in {} beds",
            num(f, "beds")
        );
        assert!(
            num(f, "staff_needed") * cfg.home_staff_ratio >= held - 1e-9,
            "{id}: staff"
        );
        checks += 1;
    }
    // Care centres: demand recomputed from the villages.
    let demand: f64 = cfg.care_take_up.map_or(0.0, |rate| {
        raw_csv(&sc.villages)
            .iter()
            .map(|v| {
                v.get(&cfg.care_column)
                    .and_then(|x| x.parse::<f64>().ok())
                    .unwrap_or(0.0)
            })
            .sum::<f64>()
            * rate
    });
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let s = &summary["policy"]["homes"];
    let unplaced = s["care_unplaced"].as_f64().unwrap();
    let mut placed = 0.0;
    for (id, c) in &care {
        let moved = inflow.get(id).copied().unwrap_or(0.0);
        assert!(
            (num(c, "moved_in") - moved).abs() < 1e-6,
            "care centre {id} moved in"
        );
        let residents = num(c, "residents");
        placed += residents - moved;
        assert!(
            residents <= num(c, "beds") + 1e-6,
            "care centre {id} over its beds"
        );
        assert!(num(c, "nursing_beds") >= cfg.care_nursing_share * num(c, "beds") - 1e-9);
        assert!(num(c, "staff_needed") * cfg.care_staff_ratio >= residents - 1e-9);
        checks += 1;
    }
    assert!(
        (placed + unplaced - demand).abs() < 0.05,
        "care demand {demand}, placed {placed}, unplaced {unplaced}"
    );
    assert!(
        (s["cost"].as_f64().unwrap() - cost).abs() < 1e-6,
        "homes cost {} recomputed {cost}",
        s["cost"]
    );
    if let Some(b) = cfg.budget {
        assert!(cost <= b + 1e-6);
    }
    checks
}
