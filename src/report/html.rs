//! The self-contained report page (`report.html`): the summary, each tier's result, and every
//! uncovered village with the reason it is not covered. Opens in any browser, needs no internet and no GIS.

use super::task_table::Cell;
use super::words::{method, mode, objective, plain, status, tier_label, unserved};
use crate::lang::{Lang, number};
use crate::pipeline::Plan;
use quick_xml::escape::escape;

/// Why a village is not covered by a tier: off the network, no candidate within the radius, or
/// candidates within the radius that the limit left unbuilt (with the nearest such one).
fn reason(plan: &Plan, tier: &crate::pipeline::TierPlan, v: usize) -> String {
    let lang = plan.scenario.language;
    if plan.village_snaps[&tier.tier.mode][v].is_none() {
        let mode = crate::pipeline::Unserved::OffNetwork {
            mode: tier.tier.mode,
        };
        return unserved(&mode, &plan.sites, lang);
    }
    let nearest = tier
        .coverage
        .iter()
        .enumerate()
        .filter_map(|(k, c)| {
            c.iter()
                .find(|(id, _)| id.index() == v)
                .map(|&(_, t)| (k, t))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let limit = match tier.tier.limit {
        crate::solve::Limit::Budget(_) => lang.pick("预算", "budget"),
        crate::solve::Limit::Count(_) => lang.pick("新建数量上限", "number of new sites"),
    };
    match (nearest, lang) {
        (Some((k, t)), Lang::Zh) => format!(
            "候选场地「{}」{} 分钟可达，但受{limit}限制未建",
            plan.sites[tier.candidates[k].index()].name,
            number(t / 60.0, 1)
        ),
        (Some((k, t)), Lang::En) => format!(
            "candidate {} is {} min away but not built within the {limit}",
            plan.sites[tier.candidates[k].index()].name,
            number(t / 60.0, 1)
        ),
        (None, _) => unserved(
            &crate::pipeline::Unserved::NoCandidate {
                minutes: tier.tier.radius_s / 60.0,
            },
            &plan.sites,
            lang,
        ),
    }
}

/// The task table columns the report shows (the annex's, per year, then what is served), and
/// their headings.
fn report_columns(
    table: &super::task_table::Table,
    years: &[i32],
    lang: Lang,
) -> Vec<(usize, String)> {
    let total = table.rows.len() - 1;
    let col = |name: &str| table.header.iter().position(|h| h == name);
    let nonzero = |c: usize| matches!(table.rows[total][c], Cell::Number(x) if x != 0.0);
    let mut out = Vec::new();
    let mut push = |name: &str, zh: &str, en: &str, always: bool| {
        if let Some(c) = col(name)
            && (always || nonzero(c))
        {
            out.push((c, lang.pick(zh, en).to_string()));
        }
    };
    push("kind", "类型", "kind", true);
    push("villages", "村数", "villages", true);
    push("existing_points", "现有互助点", "existing points", true);
    for y in years {
        let (zh, en) = (format!("{y}年"), format!("{y}: "));
        let name = |k: &str| format!("{k}_{y}");
        for (key, z, e, always) in [
            ("new_centers", "新建中心", "new centres", true),
            ("new_points", "新建互助点", "new points", true),
            (
                "nursing_home_upgrades",
                "敬老院改造",
                "nursing-home upgrades",
                false,
            ),
            ("county_care_centers", "照护中心", "care centres", false),
            ("regional_centers", "区域中心", "regional centres", false),
        ] {
            push(&name(key), &format!("{zh}{z}"), &format!("{en}{e}"), always);
        }
    }
    push("villages_unserved", "未服务村", "villages unserved", true);
    push("elders_served_pct", "服务老人占比", "elders served", true);
    push("construction_cost", "建设费用", "construction", true);
    push("subsidy", "建设补助", "subsidy", false);
    out
}

/// The policy plan's years and the task table, as HTML.
fn policy_html(plan: &Plan, pol: &crate::pipeline::PolicyPlan) -> String {
    let lang = plan.scenario.language;
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let e = |s: &str| escape(s).into_owned();
    let s = &pol.solution;
    let mut years = String::new();
    for (y, &(year, budget)) in pol.policy.years.iter().enumerate() {
        years += &format!(
            "<tr><td>{year}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{} ({})</td></tr>\n",
            lang.money(budget),
            lang.money(pol.carried_in(y)),
            lang.money(pol.spend(y)),
            number(s.served[y], 0),
            lang.percent(s.served[y], pol.demand())
        );
    }
    // Regional coverage targets (004 §1(1)) and whether the plan meets them.
    let mut targets = String::new();
    for g in pol.targets() {
        let of = match (g.of, lang) {
            ("townships", Lang::Zh) => "镇街",
            ("townships", Lang::En) => "the townships",
            (_, Lang::Zh) => "老人",
            (_, Lang::En) => "the elders",
        };
        targets += &match lang {
            Lang::Zh => format!(
                "<li>{} 年：区域性养老服务中心覆盖 {}% 的{of}——实际 {} / {}（需 {}）：<b>{}</b></li>\n",
                g.year,
                number(100.0 * g.share, 0),
                number(g.reached, 0),
                number(g.counted, 0),
                number(g.needed, 0),
                if g.met { "达到" } else { "未达到" }
            ),
            Lang::En => format!(
                "<li>{}: {} % of {of} within a regional centre's radius — reached {} of {} (needed {}): <b>{}</b></li>\n",
                g.year,
                number(100.0 * g.share, 0),
                number(g.reached, 0),
                number(g.counted, 0),
                number(g.needed, 0),
                if g.met { "met" } else { "not met" }
            ),
        };
    }
    if !targets.is_empty() {
        targets = format!(
            "<p>{}</p>\n<ul>\n{targets}</ul>\n",
            t("区域覆盖目标：", "Regional coverage targets:")
        );
    }
    let mut table = String::new();
    if let Some(tt) = super::task_table::task_table(plan) {
        let cols = report_columns(&tt, &pol.years(), lang);
        table += &format!(
            "<div class=wide><table><tr><th>{}</th>",
            t("镇街", "township")
        );
        for (_, h) in &cols {
            table += &format!("<th>{}</th>", e(h));
        }
        table += "</tr>\n";
        for (r, row) in tt.rows.iter().enumerate() {
            let total = r + 1 == tt.rows.len();
            let name = match &row[0] {
                _ if total => t("合计", "Total").to_string(),
                Cell::Text(x) => x.clone(),
                Cell::Number(x) => number(*x, 0),
            };
            table += &format!(
                "<tr{}><td>{}</td>",
                if total { " class=total" } else { "" },
                e(&name)
            );
            for (c, _) in &cols {
                let h = &tt.header[*c];
                let text = match &row[*c] {
                    Cell::Text(x) if h == "kind" => match x.as_str() {
                        "subdistrict" => t("街道", "subdistrict").to_string(),
                        "town" => t("镇", "town").to_string(),
                        _ => x.clone(),
                    },
                    Cell::Text(x) => x.clone(),
                    Cell::Number(x) if h.ends_with("_pct") => format!("{}%", number(*x, 1)),
                    Cell::Number(x) if h.contains("cost") || h.contains("subsidy") => {
                        lang.money(*x)
                    }
                    Cell::Number(x) => number(*x, 0),
                };
                table += &format!("<td class=n>{}</td>", e(&text));
            }
            table += "</tr>\n";
        }
        table += "</table></div>";
    }
    let carry = if pol.policy.carry_over {
        t(
            "各年未用完的预算结转到以后年度；某年支出超过当年预算时，使用的是结转资金。",
            "Money a year leaves unspent carries over to later years; a year that spends more than its own budget spends what was carried over.",
        )
    } else {
        t(
            "各年预算不结转。",
            "Budgets do not carry over between years.",
        )
    };
    let paid = match pol.policy.budget_pays {
        crate::scenario::BudgetPays::Subsidy => t(
            "预算约束的是区县支付的建设补助（及区县自建的照护中心）。",
            "The budgets bound the construction subsidies the county pays (and the care centres it builds itself).",
        ),
        crate::scenario::BudgetPays::Construction => t(
            "预算约束的是估算建设费用。",
            "The budgets bound the estimated construction cost.",
        ),
    };
    let (obj, method, status, gap) = (
        objective(pol.policy.objective, lang),
        method(s.method, lang),
        status(s.status, lang),
        number(100.0 * s.gap, 2),
    );
    let (cons, op) = (
        lang.money(pol.construction_cost()),
        lang.money(pol.operating_cost()),
    );
    let summary = match lang {
        Lang::Zh => format!(
            "目标：{obj}。求解方法：{method}，{status}（差距 {gap}%）。建设费用 {cons}；运营补贴每年 {op}。"
        ),
        Lang::En => format!(
            "Objective: {obj}. Solved by {method}, {status} (gap {gap} %). Construction {cons}; operating subsidies {op} a year."
        ),
    };
    format!(
        "<h2>{h_plan}</h2>\n<p>{summary}</p>\n<table><tr><th>{h_year}</th><th>{h_budget}</th><th>{h_carry}</th><th>{h_spend}</th><th>{h_served}</th></tr>\n{years}</table>\n<p>{paid}{carry}</p>\n{targets}{homes}<h2>{h_table}</h2>\n<p>{l_annex}</p>\n{table}",
        homes = pol
            .homes
            .as_ref()
            .map_or_else(String::new, |h| super::homes::html(plan, h)),
        h_plan = t("规划方案", "Policy plan"),
        h_year = t("年度", "year"),
        h_budget = t("当年预算", "budget"),
        h_carry = t("上年结转", "carried over"),
        h_spend = t("支出", "spent"),
        h_served = t("服务老人", "elders served"),
        h_table = t("分镇街任务表", "Task table by township"),
        l_annex = t(
            "可直接印发的附件表见 task_table.xlsx 第一个工作表；完整数据见 task_table.csv。",
            "The annex as published is the first sheet of task_table.xlsx; every column is in task_table.csv.",
        ),
    )
}

/// The report page, with the interactive map section (`web_map`) inlined.
pub fn report_html(plan: &Plan, map: &str) -> String {
    let (head, tail) = report_around_map(plan);
    head + map + &tail
}

/// Where [`report_around_map`] splits the page (a control character no text of the page has).
const MAP_HERE: &str = "\u{1}map\u{1}";

/// The report page before and after its map section, so that a county group's map (hundreds
/// of megabytes) is written straight into the file between them.
pub(super) fn report_around_map(plan: &Plan) -> (String, String) {
    let lang = plan.scenario.language;
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let total: f64 = plan.villages.iter().map(|v| v.elders).sum();
    let e = |s: &str| escape(s).into_owned();
    let mut rows = String::new();
    for tier in &plan.tiers {
        let s = &tier.solution;
        let existing = tier.n_existing(&plan.sites);
        rows += &format!(
            "<tr><td title=\"{}\">{}</td><td>{}</td><td class=n>{}</td><td class=n>{} + {}</td><td class=n>{}</td><td class=n>{} ({})</td><td class=n>{}</td><td>{}</td><td class=n>{}%</td></tr>\n",
            e(&tier.tier.name),
            e(&tier_label(&tier.tier, lang)),
            mode(tier.tier.mode, lang),
            number(tier.tier.radius_s / 60.0, 1),
            existing,
            s.open.len() - existing,
            lang.money(s.cost),
            number(s.objective, 0),
            lang.percent(s.objective, total),
            tier.n_villages_covered(),
            status(s.status, lang),
            number(100.0 * s.gap, 2)
        );
    }
    let mut uncovered = String::new();
    let mut policy_section = String::new();
    if let Some(pol) = &plan.policy {
        policy_section = policy_html(plan, pol);
        for (i, vp) in pol.villages.iter().enumerate() {
            if let crate::pipeline::Service::Unserved { reason } = &vp.service {
                let v = &plan.villages[i];
                uncovered += &format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td></tr>\n",
                    t("规划", "plan"),
                    e(&v.name),
                    e(&v.town),
                    number(v.elders, 0),
                    e(&unserved(reason, &plan.sites, lang))
                );
            }
        }
    }
    for tier in plan.tiers.iter().filter(|_| plan.policy.is_none()) {
        for (i, a) in tier.assignment.iter().enumerate() {
            if a.is_none() {
                let v = &plan.villages[i];
                uncovered += &format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td></tr>\n",
                    e(&tier_label(&tier.tier, lang)),
                    e(&v.name),
                    e(&v.town),
                    number(v.elders, 0),
                    e(&plain(&reason(plan, tier, i), lang))
                );
            }
        }
    }
    let warnings: String =
        super::warning_texts(&plan.warnings, &plan.villages, &plan.sites, &plan.scenario)
            .iter()
            .map(|w| format!("<li>{}</li>", e(w)))
            .collect();
    let terrain = network_facts(plan, lang);
    let facts = match lang {
        Lang::Zh => format!(
            "共 {} 个村、{} 名老人（60 岁以上）；候选与现有场地 {} 处；道路 {} 公里。坐标系：WGS-84。{terrain}",
            plan.villages.len(),
            number(total, 0),
            plan.sites.len(),
            number(plan.network_stats.length_km, 0)
        ),
        Lang::En => format!(
            "{} villages with {} elders (aged 60+); {} candidate and existing sites; {} km of road. Coordinates: WGS-84.{terrain}",
            plan.villages.len(),
            number(total, 0),
            plan.sites.len(),
            number(plan.network_stats.length_km, 0)
        ),
    };
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="{html_lang}"><head><meta charset="utf-8"><title>{name}</title>
<style>body{{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:left}}th{{background:#f0f0f0}}td.n{{text-align:right;white-space:nowrap}}tr.total td{{font-weight:bold;background:#fafafa}}.wide{{overflow-x:auto;max-width:100%}}.wide table{{font-size:0.85em}}.map svg{{max-width:100%;height:auto}}</style></head>
<body>
<h1>{name}</h1>
<p>{description}</p>
<p>{facts}</p>
<h2>{h_tiers}</h2>
<div class=wide><table><tr><th>{th_tier}</th><th>{th_mode}</th><th>{th_radius}</th><th>{th_sites}</th><th>{th_cost}</th><th>{th_elders}</th><th>{th_villages}</th><th>{th_status}</th><th>{th_gap}</th></tr>
{rows}</table></div>
<p>{gap_note}</p>
{policy_section}
<h2>{h_map}</h2>
{MAP_HERE}
<p>{map_note}</p>
<h2>{h_unserved}</h2>
<table><tr><th>{th_tier}</th><th>{th_village}</th><th>{th_town}</th><th>{th_elders_n}</th><th>{th_reason}</th></tr>
{uncovered}</table>
<h2>{h_warnings}</h2><ul>{warnings}</ul>
<p><small>{attribution}</small></p>
</body></html>
"#,
        html_lang = t("zh-CN", "en"),
        name = e(&plan.scenario.name),
        description = e(&plan.scenario.description),
        h_tiers = t("各层级结果", "Result by tier"),
        th_tier = t("设施", "tier"),
        th_mode = t("出行方式", "mode"),
        th_radius = t("服务半径（分钟）", "radius (min)"),
        th_sites = t("场地（现有＋新建）", "sites (existing + new)"),
        th_cost = t("费用", "cost"),
        th_elders = t("覆盖老人", "elders covered"),
        th_villages = t("覆盖村数", "villages covered"),
        th_status = t("求解状态", "status"),
        th_gap = t("差距", "gap"),
        gap_note = t(
            "差距：最优方案可能比本方案多覆盖的比例上限（“已证明最优”时为 0%）。",
            "The gap is how far the best possible coverage may lie above this plan (0 % when proven optimal).",
        ),
        h_map = t("地图", "Map"),
        map_note = t(
            "可拖动、缩放；点击村或场地查看详情；右上角切换图层（有网络时可打开 OpenStreetMap 底图）。静态地图见 map.svg、map.png（可粘贴到 Word）。",
            "Drag and zoom; click a village or site for its card; switch layers at the top right (the OpenStreetMap background needs internet). A static map is in map.svg and map.png (for Word).",
        ),
        h_unserved = t("未服务的村及原因", "Villages not covered, and why"),
        th_village = t("村", "village"),
        th_town = t("镇街", "township"),
        th_elders_n = t("老人数", "elders"),
        th_reason = t("原因", "reason"),
        h_warnings = t("提示", "Warnings"),
        attribution = t(
            "地图数据 © OpenStreetMap 贡献者，采用开放数据库许可（ODbL）",
            super::OSM_ATTRIBUTION,
        ),
    );
    let (head, tail) = page
        .split_once(MAP_HERE)
        .expect("the page has its map's place");
    (head.to_string(), tail.to_string())
}

/// What the network's times rest on beyond speeds (issue #14): the terrain (tiles, the walking
/// function, road left flat, driving on grades) and the ferries.
fn network_facts(plan: &Plan, lang: Lang) -> String {
    let mut out = String::new();
    let scenario = &plan.scenario;
    if let Some(t) = &plan.network_stats.terrain {
        let files: Vec<String> = t
            .files
            .iter()
            .map(|(f, _)| {
                f.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let flat = number(
            100.0 * t.flat_segments as f64 / t.walk_segments.max(1) as f64,
            1,
        );
        let table = matches!(scenario.walk_slope, crate::network::Slope::Table(_));
        let k = scenario.drive_grade_factor;
        out += &match lang {
            Lang::Zh => format!(
                "步行时间按地形计算（{}，以老人从本村走到服务点的方向为准；高程数据：{}；按平地计算的道路 {flat}%）。{}",
                if table {
                    "按本县的坡度步速表"
                } else {
                    "Tobler 步行函数，上坡慢、缓下坡略快"
                },
                files.join("、"),
                if k > 0.0 {
                    format!(
                        "驾车时间按坡度放慢（系数 {k}：10% 的坡慢 {}%）。",
                        number(10.0 * k, 0)
                    )
                } else {
                    String::new()
                }
            ),
            Lang::En => format!(
                " Walking times follow the terrain ({}, timed from the village to its point; elevation: {}; road walked as flat: {flat} %).{}",
                if table {
                    "the scenario's table of walking speed by grade"
                } else {
                    "Tobler's hiking function: slower uphill, a little faster gently downhill"
                },
                files.join(", "),
                if k > 0.0 {
                    format!(
                        " Driving is slowed on grades (factor {k}: a 10 % grade takes {} % longer).",
                        number(10.0 * k, 0)
                    )
                } else {
                    String::new()
                }
            ),
        };
    }
    let ferries = plan.network_stats.ferries;
    if ferries > 0 {
        out += &match (&scenario.network.profile.ferry, lang) {
            (Some(f), Lang::Zh) => format!(
                "渡口 {ferries} 处：过渡时间按航线标注（或按每小时 {} 公里），另加候船 {} 分钟。",
                number(f.kmh, 0),
                number(f.wait_min, 0)
            ),
            (Some(f), Lang::En) => format!(
                " {ferries} ferry crossings: their tagged crossing time (or {} km/h), plus {} minutes' wait.",
                number(f.kmh, 0),
                number(f.wait_min, 0)
            ),
            (None, Lang::Zh) => format!("渡口 {ferries} 处未计入（ferries = false）。"),
            (None, Lang::En) => {
                format!(" {ferries} ferry crossings are left out (ferries = false).")
            }
        };
    }
    out
}
