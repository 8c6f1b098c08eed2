//! `carecover audit SCENARIO --plan PLAN.csv`: a published per-town plan beside what each town
//! needs ([`crate::policy::audit`]), as JSON and as a table.

use crate::io::PlannedTown;
use crate::pipeline::Plan;
use crate::policy::audit::{TownAudit, audit_town};
use serde_json::{Value, json};

/// Audits every town of `planned` that the scenario has; lists the towns only one side has.
/// `plan` must come from a policy scenario.
pub fn audit(plan: &Plan, planned: &[PlannedTown], time_limit_s: f64) -> Value {
    let pol = plan.policy.as_ref().expect("audit needs a policy scenario");
    let rows: Vec<TownAudit> = planned
        .iter()
        .filter_map(|p| {
            let t = pol.towns.iter().position(|t| *t == p.town)?;
            let villages: Vec<u32> = (0..plan.villages.len() as u32)
                .filter(|&v| plan.villages[v as usize].town == p.town)
                .collect();
            Some(audit_town(
                &pol.problem,
                &p.town,
                t,
                &villages,
                p.new_points as usize,
                &plan.scenario.solver,
                time_limit_s,
            ))
        })
        .collect();
    let only_plan: Vec<&str> = planned
        .iter()
        .filter(|p| !pol.towns.contains(&p.town))
        .map(|p| p.town.as_str())
        .collect();
    let only_scenario: Vec<&String> = pol
        .towns
        .iter()
        .filter(|t| !planned.iter().any(|p| &p.town == *t))
        .collect();
    let total = |f: &dyn Fn(&TownAudit) -> f64| rows.iter().map(f).sum::<f64>();
    json!({
        "scenario": plan.scenario.name,
        "towns": rows,
        "totals": {
            "planned_points": rows.iter().map(|r| r.planned_points).sum::<usize>(),
            "needed_points": rows.iter().map(|r| r.needed_points).sum::<usize>(),
            "elders": total(&|r| r.elders),
            "served_max": total(&|r| r.served_max),
            "served_with_plan": total(&|r| r.served_with_plan),
            "towns_over": rows.iter().filter(|r| r.difference > 0).count(),
            "towns_under": rows.iter().filter(|r| r.difference < 0).count(),
        },
        "towns_only_in_plan": only_plan,
        "towns_only_in_scenario": only_scenario,
    })
}

/// The audit as a table.
pub fn audit_text(a: &Value) -> String {
    use std::fmt::Write;
    let p = super::check::plain;
    let mut out = format!(
        "audit of the published plan against scenario {}\n",
        p(&a["scenario"])
    );
    let _ = writeln!(
        out,
        "{:<22} {:>8} {:>8} {:>8} {:>8} {:>14} {:>14}  verdict",
        "town", "villages", "elders", "planned", "needed", "served at most", "with plan"
    );
    for r in a["towns"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "{:<22} {:>8} {:>8.0} {:>8} {:>8} {:>14.0} {:>14.0}  {}",
            p(&r["town"]),
            p(&r["villages"]),
            r["elders"].as_f64().unwrap_or(0.0),
            p(&r["planned_points"]),
            p(&r["needed_points"]),
            r["served_max"].as_f64().unwrap_or(0.0),
            r["served_with_plan"].as_f64().unwrap_or(0.0),
            p(&r["verdict"]),
        );
    }
    let t = &a["totals"];
    let _ = writeln!(
        out,
        "{:<22} {:>8} {:>8.0} {:>8} {:>8} {:>14.0} {:>14.0}  {} town(s) build more than needed, {} fewer",
        "total",
        "",
        t["elders"].as_f64().unwrap_or(0.0),
        p(&t["planned_points"]),
        p(&t["needed_points"]),
        t["served_max"].as_f64().unwrap_or(0.0),
        t["served_with_plan"].as_f64().unwrap_or(0.0),
        p(&t["towns_over"]),
        p(&t["towns_under"]),
    );
    for (key, what) in [
        (
            "towns_only_in_plan",
            "towns in the plan but not in the scenario",
        ),
        (
            "towns_only_in_scenario",
            "towns in the scenario but not in the plan",
        ),
    ] {
        let list: Vec<String> = a[key].as_array().into_iter().flatten().map(p).collect();
        if !list.is_empty() {
            let _ = writeln!(out, "{what}: {}", list.join(", "));
        }
    }
    out
}
