//! What the outputs say of the nursing homes and care-centre beds (`[policy.homes]`): their
//! features in `sites.geojson`, the totals in `summary.json`, a line on the terminal and a
//! section of `report.html` with every home's decision and every relocation.

use super::{feature, props, round};
use crate::lang::{Lang, number};
use crate::pipeline::{HomesOutcome, Plan, SiteStatus};
use geojson::{Feature, GeometryValue, JsonValue};
use quick_xml::escape::escape;
use serde_json::json;

/// The tier name the homes carry in `sites.geojson`.
pub const HOME_TIER: &str = "nursing_home";

/// One Point per nursing home: its decision, beds and residents after the plan, where its
/// residents went.
pub(super) fn features(plan: &Plan, homes: &HomesOutcome) -> Vec<Feature> {
    homes
        .homes
        .iter()
        .map(|h| {
            let site = &plan.sites[h.site.index()];
            let moved: Vec<JsonValue> = homes
                .relocations
                .iter()
                .filter(|r| r.from == h.site)
                .map(|r| {
                    json!({
                        "to": plan.sites[r.to.index()].key,
                        "residents": r.residents,
                        "minutes": round(r.minutes, 0.01),
                    })
                })
                .collect();
            // The destination taking most of its residents (ties: the nearer).
            let main = homes
                .relocations
                .iter()
                .filter(|r| r.from == h.site)
                .max_by(|a, b| {
                    a.residents
                        .total_cmp(&b.residents)
                        .then(b.minutes.total_cmp(&a.minutes))
                });
            feature(
                GeometryValue::new_point([site.location.lon, site.location.lat]),
                props(json!({
                    "id": site.key,
                    "name": site.name,
                    "town": site.town,
                    "kind": site.kind,
                    "tier": HOME_TIER,
                    "status": h.status.name(),
                    "build_year": h.year,
                    "cost": h.cost,
                    "condition": h.condition.map(|c| c.name()),
                    "occupancy": round(h.occupancy, 0.001),
                    "merge_candidate": h.merge_candidate,
                    "hosts_centre": h.hosts_centre,
                    "beds": h.beds + h.beds_added,
                    "beds_added": h.beds_added,
                    "residents_before": h.residents_before,
                    "residents": h.residents,
                    "staff_needed": h.staff,
                    "moved_to": main.map(|r| plan.sites[r.to.index()].key.clone()),
                    "moved_min": main.map(|r| round(r.minutes, 0.01)),
                    "moves": moved,
                })),
            )
        })
        .collect()
}

/// A care centre's sizing, for its feature in `sites.geojson`.
pub(super) fn care_properties(
    homes: &HomesOutcome,
    site: crate::model::SiteId,
) -> Option<JsonValue> {
    let c = homes.care.iter().find(|c| c.site == site)?;
    Some(json!({
        "beds": c.beds,
        "beds_sized": c.sized,
        "residents": c.care_residents + c.moved_in,
        "care_residents": round(c.care_residents, 0.01),
        "moved_in": c.moved_in,
        "nursing_beds": c.nursing_beds,
        "staff_needed": c.staff,
    }))
}

/// `summary.json`'s `homes`.
pub(super) fn summary(homes: &HomesOutcome) -> JsonValue {
    json!({
        "homes": homes.homes.len(),
        "kept": homes.n(SiteStatus::Kept),
        "upgraded": homes.n(SiteStatus::Upgraded),
        "merged": homes.n(SiteStatus::Closed),
        "beds_added": homes.homes.iter().map(|h| h.beds_added).sum::<f64>(),
        "residents_moved": homes.relocations.iter().map(|r| r.residents).sum::<f64>(),
        "person_minutes": round(homes.person_minutes, 0.01),
        "cost": homes.cost,
        "proven": homes.proven,
        "care_demand": round(homes.care_demand, 0.01),
        "care_unplaced": round(homes.care_unplaced, 0.01),
        "care_centres": homes.care.iter().map(|c| json!({
            "beds": c.beds,
            "sized": c.sized,
            "care_residents": round(c.care_residents, 0.01),
            "moved_in": c.moved_in,
            "nursing_beds": c.nursing_beds,
            "staff_needed": c.staff,
        })).collect::<Vec<_>>(),
    })
}

/// A home's condition as the reader's language has it.
fn condition(c: crate::model::Condition, lang: Lang) -> &'static str {
    use crate::model::Condition;
    match (c, lang) {
        (Condition::Good, Lang::Zh) => "好",
        (Condition::Fair, Lang::Zh) => "一般",
        (Condition::Poor, Lang::Zh) => "差",
        (c, Lang::En) => c.name(),
    }
}

/// One line for the terminal.
pub(super) fn line(homes: &HomesOutcome, lang: Lang) -> String {
    let moved: f64 = homes.relocations.iter().map(|r| r.residents).sum();
    let added: f64 = homes.homes.iter().map(|h| h.beds_added).sum();
    let beds: f64 = homes.care.iter().map(|c| c.beds).sum();
    match lang {
        Lang::Zh => format!(
            "敬老院 {} 所：保留 {}，改造提升 {}，撤并 {}（安置 {} 人，补建床位 {}），费用 {}；照护中心床位 {}（需求 {}）",
            homes.homes.len(),
            homes.n(SiteStatus::Kept),
            homes.n(SiteStatus::Upgraded),
            homes.n(SiteStatus::Closed),
            number(moved, 0),
            number(added, 0),
            lang.money(homes.cost),
            number(beds, 0),
            number(homes.care_demand, 1)
        ),
        Lang::En => format!(
            "nursing homes {}: kept {}, upgraded {}, merged {} ({} residents moved, {} beds added), cost {}; care-centre beds {} (demand {})",
            homes.homes.len(),
            homes.n(SiteStatus::Kept),
            homes.n(SiteStatus::Upgraded),
            homes.n(SiteStatus::Closed),
            number(moved, 0),
            number(added, 0),
            lang.money(homes.cost),
            number(beds, 0),
            number(homes.care_demand, 1)
        ),
    }
}

/// The section of `report.html`: each home's decision, each relocation, each care centre.
pub(super) fn html(plan: &Plan, homes: &HomesOutcome) -> String {
    let lang = plan.scenario.language;
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let e = |s: &str| escape(s).into_owned();
    let name = |s: crate::model::SiteId| e(&plan.sites[s.index()].name);
    let status = |s: SiteStatus| match (s, lang) {
        (SiteStatus::Kept, Lang::Zh) => "保留",
        (SiteStatus::Upgraded, Lang::Zh) => "改造提升",
        (SiteStatus::Closed, Lang::Zh) => "撤并",
        (s, _) => s.name(),
    };
    let mut rows = String::new();
    for h in &homes.homes {
        let site = &plan.sites[h.site.index()];
        rows += &format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>\n",
            name(h.site),
            e(&site.town),
            h.condition.map_or("", |c| condition(c, lang)),
            status(h.status),
            number(h.beds, 0),
            number(h.beds_added, 0),
            number(h.residents_before, 0),
            number(h.residents, 0),
            number(h.staff, 0),
            lang.money(h.cost),
            if h.hosts_centre {
                t("内设镇中心", "town centre in it")
            } else {
                ""
            },
        );
    }
    let mut moves = String::new();
    for r in &homes.relocations {
        moves += &format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>\n",
            name(r.from),
            name(r.to),
            number(r.residents, 0),
            number(r.minutes, 1)
        );
    }
    if moves.is_empty() {
        moves = format!("<tr><td colspan=4>{}</td></tr>", t("无", "none"));
    }
    let mut care = String::new();
    for c in &homes.care {
        care += &format!(
            "<tr><td>{}</td><td class=n>{}{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>\n",
            name(c.site),
            number(c.beds, 0),
            if c.sized {
                t("（按需求）", " (sized)")
            } else {
                ""
            },
            number(c.nursing_beds, 0),
            number(c.care_residents, 1),
            number(c.moved_in, 0),
            number(c.staff, 0)
        );
    }
    let unplaced = if homes.care_unplaced > 0.0 {
        format!(
            "<p>{} {}</p>",
            t(
                "无法驾车到达任何照护中心的照护需求：",
                "Care demand no care centre can be driven to:"
            ),
            number(homes.care_unplaced, 1)
        )
    } else {
        String::new()
    };
    format!(
        "<h2>{}</h2>\n<p>{}</p>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n{rows}</table>\n<p>{}</p>\n<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n{moves}</table>\n<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n{care}</table>\n{unplaced}",
        t("敬老院与床位", "Nursing homes and beds"),
        e(&line(homes, lang)),
        t("敬老院", "home"),
        t("镇街", "township"),
        t("状况", "condition"),
        t("决定", "decision"),
        t("床位", "beds"),
        t("补建", "beds added"),
        t("原住", "residents before"),
        t("现住", "residents after"),
        t("工作人员", "staff (1:10)"),
        t("费用", "cost"),
        t("备注", "note"),
        t(
            "工作人员按不低于 1:10 配备（000 §2(5)）；费用为改造提升与补建床位；撤并的敬老院供养对象就近安置，见下表。",
            "Staff at 1 : 10 at least (000 §2(5)); cost is the upgrade and the added beds; merged homes' residents are settled nearest first, below.",
        ),
        t("撤并安置（就近）", "Relocations (nearest first)"),
        t("由", "from"),
        t("安置到", "to"),
        t("人数", "residents"),
        t("驾车分钟", "minutes' drive"),
        t(
            "失能特困人员集中照护中心",
            "Care centres for disabled special-hardship elders"
        ),
        t("照护中心", "care centre"),
        t("床位", "beds"),
        t("护理型床位", "nursing-type beds"),
        t("照护需求（人）", "care demand"),
        t("撤并安置入住", "moved in"),
        t("工作人员（1:3）", "staff (1:3)"),
    )
}
