//! `carecover audit SCENARIO --plan PLAN.csv`: a published per-town plan beside what each town
//! needs ([`crate::policy::audit`]), as JSON and as a table.

use super::terminal::table_row;
use crate::io::PlannedTown;
use crate::lang::{Lang, number};
use crate::pipeline::Plan;
use crate::policy::audit::{TownAudit, audit_town};
use serde_json::{Value, json};

/// Audits every town of `planned` that the scenario has; lists the towns only one side has.
/// `plan` must come from a policy scenario.
pub fn audit(plan: &Plan, planned: &[PlannedTown], time_limit_s: f64) -> Value {
    let lang = plan.scenario.language;
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
    let towns: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut v = json!(r);
            v["verdict"] = json!(verdict(r, lang));
            v
        })
        .collect();
    json!({
        "scenario": plan.scenario.name,
        "language": lang,
        "towns": towns,
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

/// One town's verdict in `lang`.
fn verdict(r: &TownAudit, lang: Lang) -> String {
    let left = number(r.served_max - r.served_with_plan, 0);
    match (r.difference, lang) {
        (0, Lang::Zh) => "与覆盖所需一致".to_string(),
        (0, Lang::En) => "matches what coverage needs".to_string(),
        (d, Lang::Zh) if d > 0 => format!("比覆盖所需多建 {d} 个互助点"),
        (d, Lang::En) if d > 0 => format!("builds {d} more point(s) than coverage needs"),
        (d, Lang::Zh) if left == "0" => {
            format!("比覆盖所需少建 {} 个互助点（缺点的村没有老人需要服务）", -d)
        }
        (d, Lang::En) if left == "0" => format!(
            "builds {} fewer point(s) than coverage needs (the villages left without one have no elders to serve)",
            -d
        ),
        (d, Lang::Zh) => format!(
            "比覆盖所需少建 {} 个互助点：至少 {left} 名老人得不到服务",
            -d
        ),
        (d, Lang::En) => format!(
            "builds {} fewer point(s) than coverage needs: {left} elders left unserved at best",
            -d
        ),
    }
}

/// The audit as a table, in the language it was made in.
pub fn audit_text(a: &Value) -> String {
    use std::fmt::Write;
    let p = super::check::plain;
    let lang = a["language"]
        .as_str()
        .and_then(Lang::parse)
        .unwrap_or_default();
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let n = super::check::whole;
    let widths = [22, 8, 8, 8, 8, 14, 14];
    let line = |cells: [String; 7], last: String| format!("{}  {last}", table_row(&cells, &widths));
    let mut out = match lang {
        Lang::Zh => format!("已发布计划与方案 {} 的逐镇核对\n", p(&a["scenario"])),
        Lang::En => format!(
            "audit of the published plan against scenario {}\n",
            p(&a["scenario"])
        ),
    };
    let head = [
        t("镇街", "town"),
        t("村数", "villages"),
        t("老人数", "elders"),
        t("计划点数", "planned"),
        t("所需点数", "needed"),
        t("最多可服务", "served at most"),
        t("按计划服务", "with plan"),
    ]
    .map(str::to_string);
    let _ = writeln!(out, "{}", line(head, t("结论", "verdict").to_string()));
    for r in a["towns"].as_array().into_iter().flatten() {
        let cells = [
            p(&r["town"]),
            p(&r["villages"]),
            n(&r["elders"]),
            p(&r["planned_points"]),
            p(&r["needed_points"]),
            n(&r["served_max"]),
            n(&r["served_with_plan"]),
        ];
        let _ = writeln!(out, "{}", line(cells, p(&r["verdict"])));
    }
    let totals = &a["totals"];
    let summary = match lang {
        Lang::Zh => format!(
            "{} 个镇街多建，{} 个少建",
            p(&totals["towns_over"]),
            p(&totals["towns_under"])
        ),
        Lang::En => format!(
            "{} town(s) build more than needed, {} fewer",
            p(&totals["towns_over"]),
            p(&totals["towns_under"])
        ),
    };
    let cells = [
        t("合计", "total").to_string(),
        String::new(),
        n(&totals["elders"]),
        p(&totals["planned_points"]),
        p(&totals["needed_points"]),
        n(&totals["served_max"]),
        n(&totals["served_with_plan"]),
    ];
    let _ = writeln!(out, "{}", line(cells, summary));
    for (key, what) in [
        (
            "towns_only_in_plan",
            t(
                "计划中有、方案中没有的镇街",
                "towns in the plan but not in the scenario",
            ),
        ),
        (
            "towns_only_in_scenario",
            t(
                "方案中有、计划中没有的镇街",
                "towns in the scenario but not in the plan",
            ),
        ),
    ] {
        let list: Vec<String> = a[key].as_array().into_iter().flatten().map(p).collect();
        if !list.is_empty() {
            let _ = writeln!(out, "{what}{}{}", t("：", ": "), list.join(t("、", ", ")));
        }
    }
    out
}
