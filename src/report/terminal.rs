//! The short summary printed after a run, in the scenario's language: each tier's result,
//! and for policy scenarios how villages are served and each year's money (budget, what
//! carries over from earlier years, what is spent), so that a year spending more than its own
//! budget reads as carry-over, not as overspending.

use super::pct;
use super::words::{method, mode, objective, status, tier_label};
use crate::lang::{Lang, number};
use crate::model::VillageId;
use crate::pipeline::Plan;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// `s` padded to `width` terminal columns (Chinese characters take two), on the left or right.
fn pad(s: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(s.width()));
    if right {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

/// One line of a terminal table: the first cell left-aligned, the others right-aligned, each
/// padded to its width, trailing blanks dropped.
pub(super) fn table_row(cells: &[String], widths: &[usize]) -> String {
    let mut l = String::new();
    for (i, (c, &w)) in cells.iter().zip(widths).enumerate() {
        l += &pad(c, w, i > 0);
        l.push(' ');
    }
    l.trim_end().to_string()
}

/// The short table printed after a run.
pub fn summary_table(plan: &Plan) -> String {
    let lang = plan.scenario.language;
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let at_villages = plan
        .sites
        .iter()
        .filter(|s| s.kind == crate::scenario::VILLAGE_SITE_KIND)
        .count();
    let total: f64 = plan.villages.iter().map(|v| v.elders).sum();
    let mut out = String::new();
    let (n_v, n_s, km) = (
        plan.villages.len(),
        plan.sites.len() - at_villages,
        number(plan.network_stats.length_km, 0),
    );
    let name = &plan.scenario.name;
    let extra = match (at_villages, lang) {
        (0, _) => String::new(),
        (n, Lang::Zh) => format!(" + {n} 处村内候选点"),
        (n, Lang::En) => format!(" + {n} candidate points at villages"),
    };
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "方案：{name}（{n_v} 个村，{n_s} 处场地{extra}，道路 {km} 公里）"
        ),
        Lang::En => writeln!(
            out,
            "scenario: {name} ({n_v} villages, {n_s} sites{extra}, {km} km of road)"
        ),
    };
    let widths = [24, 6, 7, 10, 14, 22, 10, 14, 8];
    let head = [
        t("设施", "tier"),
        t("方式", "mode"),
        t("半径", "radius"),
        t("场地", "sites"),
        t("费用", "cost"),
        t("覆盖老人", "elders covered"),
        t("覆盖村", "villages"),
        t("状态", "status"),
        t("差距", "gap"),
    ];
    let line = |cells: &[String]| table_row(cells, &widths);
    let _ = writeln!(out, "{}", line(&head.map(str::to_string)));
    for tier in &plan.tiers {
        let s = &tier.solution;
        let existing = tier.n_existing(&plan.sites);
        let label = match lang {
            Lang::Zh => tier_label(&tier.tier, lang),
            Lang::En => tier.tier.name.clone(),
        };
        let cells = [
            label,
            mode(tier.tier.mode, lang).to_string(),
            format!(
                "{}{}",
                number(tier.tier.radius_s / 60.0, 1),
                t("分钟", "min")
            ),
            format!("{existing}+{}", s.open.len() - existing),
            lang.money(s.cost),
            format!(
                "{}/{} {}",
                number(s.objective, 0),
                number(total, 0),
                lang.percent(s.objective, total)
            ),
            format!("{}/{}", tier.n_villages_covered(), plan.villages.len()),
            status(s.status, lang).to_string(),
            format!("{}%", number(100.0 * s.gap, 2)),
        ];
        let _ = writeln!(out, "{}", line(&cells));
    }
    let any: f64 = (0..plan.villages.len())
        .filter(|&i| plan.covered(VillageId(i as u32)))
        .map(|i| plan.villages[i].elders)
        .sum();
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "任一层级覆盖的老人：{} / {}（{}）",
            number(any, 0),
            number(total, 0),
            lang.percent(any, total)
        ),
        Lang::En => writeln!(
            out,
            "elders covered by any tier: {} of {} ({})",
            number(any, 0),
            number(total, 0),
            lang.percent(any, total)
        ),
    };
    if let Some(pol) = &plan.policy {
        let s = &pol.solution;
        let (obj, how, st, gap) = (
            objective(pol.policy.objective, lang),
            method(s.method, lang),
            status(s.status, lang),
            number(100.0 * s.gap, 2),
        );
        let n = |name: &str| pol.n_served_by(name);
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "规划（{obj}；{how}，{st}，差距 {gap}%）：本村互助点服务 {} 个村，共用互助点 {}，邻村延伸 {}，中心 {}，未服务 {}；超出容量 {}",
                n("own_point"),
                n("shared_point"),
                n("neighbour_point"),
                n("centre"),
                n("unserved"),
                pol.n_over_capacity()
            ),
            Lang::En => writeln!(
                out,
                "policy ({obj}; {how}, {st}, gap {gap}%): villages by own point {}, shared point {}, neighbour's point {}, centre {}, unserved {}; {} over capacity",
                n("own_point"),
                n("shared_point"),
                n("neighbour_point"),
                n("centre"),
                n("unserved"),
                pol.n_over_capacity()
            ),
        };
        if let Some(h) = &pol.homes {
            let _ = writeln!(out, "{}", super::homes::line(h, lang));
        }
        for (y, &(year, budget)) in pol.policy.years.iter().enumerate() {
            let carried = pol.carried_in(y);
            let (b, c, sp) = (
                lang.money(budget),
                lang.money(carried),
                lang.money(pol.spend(y)),
            );
            let (served, demand) = (number(s.served[y], 0), number(pol.demand(), 0));
            let share = format!("{}%", number(pct(s.served[y], pol.demand()), 1));
            let _ = match (lang, carried > 0.0) {
                (Lang::Zh, true) => writeln!(
                    out,
                    "  {year} 年：预算 {b}，上年结转 {c}，支出 {sp}；服务老人 {served} / {demand}（{share}）"
                ),
                (Lang::Zh, false) => writeln!(
                    out,
                    "  {year} 年：预算 {b}，支出 {sp}；服务老人 {served} / {demand}（{share}）"
                ),
                (Lang::En, true) => writeln!(
                    out,
                    "  {year}: budget {b} + {c} carried over, spent {sp}; elders served {served} of {demand} ({share})"
                ),
                (Lang::En, false) => writeln!(
                    out,
                    "  {year}: budget {b}, spent {sp}; elders served {served} of {demand} ({share})"
                ),
            };
        }
        for g in pol.targets() {
            let (share, reached, counted, needed) = (
                number(100.0 * g.share, 0),
                number(g.reached, 0),
                number(g.counted, 0),
                number(g.needed, 0),
            );
            let _ = match lang {
                Lang::Zh => writeln!(
                    out,
                    "  区域覆盖目标 {} 年：区域性养老服务中心覆盖 {share}% 的{}；实际 {reached} / {counted}（需 {needed}）{}",
                    g.year,
                    if g.of == "townships" {
                        "镇街"
                    } else {
                        "老人"
                    },
                    if g.met { "，达到" } else { "，未达到" }
                ),
                Lang::En => writeln!(
                    out,
                    "  regional target {}: {share}% of {} within a regional centre's radius; reached {reached} of {counted} (needed {needed}){}",
                    g.year,
                    g.of,
                    if g.met { "" } else { ", NOT MET" }
                ),
            };
        }
        let (cons, op) = (
            lang.money(pol.construction_cost()),
            lang.money(pol.operating_cost()),
        );
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "  建设费用 {cons}，运营补贴每年 {op}；任务表：task_table.xlsx（附件）、task_table.csv"
            ),
            Lang::En => writeln!(
                out,
                "  construction {cons}, operating {op} a year; task table: task_table.xlsx (annex), task_table.csv"
            ),
        };
    }
    let _ = writeln!(
        out,
        "{}",
        t(
            "场地：现有+新建；差距：最优方案可能比本方案更好的上限",
            "sites: existing+new; gap: how far the best possible coverage may lie above this plan"
        )
    );
    out
}
