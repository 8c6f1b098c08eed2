//! What `carecover validate` and `carecover inspect` print: a description of a prepared
//! scenario (what would be solved) and of a single input file, as JSON and as text.

use crate::io;
use crate::lang::{Lang, number};
use crate::model::LonLat;
use crate::pipeline::Prepared;
use serde_json::{Value, json};
use std::path::Path;

/// Smallest and largest lon/lat of `points`.
fn bbox(points: impl Iterator<Item = LonLat>) -> Value {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in points {
        lo = [lo[0].min(p.lon), lo[1].min(p.lat)];
        hi = [hi[0].max(p.lon), hi[1].max(p.lat)];
    }
    if lo[0].is_finite() {
        json!([lo[0], lo[1], hi[0], hi[1]])
    } else {
        Value::Null
    }
}

/// A note on the coordinate system the extent suggests. Geographic systems cannot be told
/// apart from coordinates alone, so inside China the note asks the user to declare one.
fn crs_guess(b: &Value) -> &'static str {
    let Some([x0, y0, x1, y1]) = b
        .as_array()
        .and_then(|a| a.iter().map(Value::as_f64).collect::<Option<Vec<_>>>())
        .map(|v| [v[0], v[1], v[2], v[3]])
    else {
        return "unknown (no points)";
    };
    if x0 >= 73.0 && x1 <= 135.5 && y0 >= 18.0 && y1 <= 54.0 {
        "longitude/latitude in China: WGS-84, CGCS2000, GCJ-02 and BD-09 look alike here; web-map exports are GCJ-02 (Amap, Tencent) or BD-09 (Baidu): declare it with [inputs] crs"
    } else {
        "longitude/latitude degrees (read as WGS-84)"
    }
}

/// What a prepared scenario would solve.
pub fn validation(p: &Prepared) -> Value {
    let sc = &p.scenario;
    let tiers: Vec<Value> = sc
        .tiers
        .iter()
        .zip(&p.candidates)
        .map(|(t, c)| {
            let existing = c.iter().filter(|s| p.sites[s.index()].existing).count();
            let costs: Vec<f64> = c
                .iter()
                .filter(|s| !p.sites[s.index()].existing)
                .map(|s| t.site_cost(&p.sites[s.index()]))
                .collect();
            let off = c
                .iter()
                .filter(|s| p.site_snaps[&t.mode][s.index()].is_none())
                .count();
            json!({
                "name": t.name,
                "mode": t.mode.name(),
                "radius_min": t.radius_s / 60.0,
                "limit": if t.role.is_some() { json!(null) } else { json!(t.limit) },
                "role": t.role,
                "link_radius_min": t.link_radius_s.map(|s| s / 60.0),
                "candidates": c.len(),
                "existing": existing,
                "new_site_cost_min": costs.iter().copied().fold(f64::INFINITY, f64::min),
                "new_site_cost_max": costs.iter().copied().fold(0.0, f64::max),
                "candidates_off_network": off,
            })
        })
        .collect();
    let off: serde_json::Map<String, Value> = p
        .village_snaps
        .iter()
        .map(|(m, s)| {
            (
                m.name().to_string(),
                json!(s.iter().filter(|x| x.is_none()).count()),
            )
        })
        .collect();
    let vb = bbox(p.villages.iter().map(|v| v.location));
    json!({
        "scenario": sc.name,
        "file": sc.file,
        "villages": { "file": sc.villages, "crs": sc.villages_crs.name(), "count": p.villages.len(), "elders": p.villages.iter().map(|v| v.elders).sum::<f64>(), "bbox": vb },
        // As `solve` counts them: the file's sites, then the candidates placed at villages.
        "sites": { "file": sc.sites, "crs": sc.sites_crs.name(), "count": p.sites.iter().filter(|s| s.kind != crate::scenario::VILLAGE_SITE_KIND).count(), "at_villages": p.sites.iter().filter(|s| s.kind == crate::scenario::VILLAGE_SITE_KIND).count(), "existing": p.sites.iter().filter(|s| s.existing).count() },
        "roads": { "file": sc.roads, "crs": sc.roads_crs.name(), "network": p.network_stats },
        "villages_off_network": off,
        "tiers": tiers,
        "policy": sc.policy.as_ref().map(|pol| json!({
            "objective": pol.objective,
            "years": pol.years.iter().map(|(y, b)| json!({"year": y, "budget": b})).collect::<Vec<_>>(),
            "carry_over": pol.carry_over,
            "min_coverage_share": pol.min_coverage_share,
            "operating_years": pol.operating_years,
            "demand": pol.demand,
        })),
        "warnings": super::warnings_json(&p.warnings, &p.villages, &p.sites, &p.scenario),
        "ok": true,
    })
}

/// A JSON value as plain text (strings without quotes).
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON number as a whole number with separators (`11,344`); 0 when absent.
pub(super) fn whole(v: &Value) -> String {
    number(v.as_f64().unwrap_or(0.0), 0)
}

/// Text form of [`validation`], in `lang`.
pub fn validation_text(v: &Value, lang: Lang) -> String {
    let p = |x: &Value| plain(x);
    let zh = lang == Lang::Zh;
    let n = whole;
    let at_villages = v["sites"]["at_villages"].as_u64().filter(|&n| n > 0);
    let (scenario, villages, elders) = (
        p(&v["scenario"]),
        p(&v["villages"]["count"]),
        n(&v["villages"]["elders"]),
    );
    let (v_crs, v_file) = (p(&v["villages"]["crs"]), p(&v["villages"]["file"]));
    let (sites, existing) = (p(&v["sites"]["count"]), p(&v["sites"]["existing"]));
    let (s_crs, s_file) = (p(&v["sites"]["crs"]), p(&v["sites"]["file"]));
    let (nodes, km) = (
        n(&v["roads"]["network"]["nodes"]),
        n(&v["roads"]["network"]["length_km"]),
    );
    let (r_crs, r_file) = (p(&v["roads"]["crs"]), p(&v["roads"]["file"]));
    let mut out = if zh {
        let extra = at_villages.map_or(String::new(), |k| {
            format!("，另有设在村内的候选互助点 {k} 处")
        });
        format!(
            "方案 {scenario}：输入有效\n  村：{villages} 个（老人 {elders} 人，{v_crs}），来自 {v_file}\n  场地：{sites} 处{extra}（现有 {existing} 处，{s_crs}），来自 {s_file}\n  道路：{nodes} 个节点，{km} 公里（{r_crs}），来自 {r_file}\n"
        )
    } else {
        let extra = at_villages.map_or(String::new(), |k| {
            format!(" + {k} candidate points at villages")
        });
        format!(
            "scenario {scenario}: inputs are valid\n  villages: {villages} ({elders} elders, {v_crs}) from {v_file}\n  sites: {sites}{extra} ({existing} existing, {s_crs}) from {s_file}\n  roads: {nodes} nodes, {km} km ({r_crs}) from {r_file}\n"
        )
    };
    for t in v["tiers"].as_array().into_iter().flatten() {
        let link = t["link_radius_min"].as_f64();
        let limit = match (t["limit"].get("budget"), t["limit"].get("count"), zh) {
            (Some(b), _, false) => format!("budget {}", plain(b)),
            (Some(b), _, true) => format!("预算 {}", lang.money(b.as_f64().unwrap_or(0.0))),
            (_, Some(c), false) => format!("{} new sites", plain(c)),
            (_, Some(c), true) => format!("新建 {} 处", plain(c)),
            _ if !t["role"].is_null() => match (link, zh) {
                (Some(m), false) => format!(
                    "role {}, points within {m} min drive of their centre",
                    plain(&t["role"])
                ),
                (Some(m), true) => format!(
                    "角色 {}，互助点距本镇中心驾车 {m} 分钟以内",
                    plain(&t["role"])
                ),
                (None, false) => format!("role {}", plain(&t["role"])),
                (None, true) => format!("角色 {}", plain(&t["role"])),
            },
            _ => plain(&t["limit"]),
        };
        out += &if zh {
            format!(
                "  将求解层级 {}：{} {} 分钟以内，候选 {} 处（现有 {} 处，不在路网上 {} 处），{limit}\n",
                p(&t["name"]),
                if t["mode"] == "walk" {
                    "步行"
                } else {
                    "驾车"
                },
                p(&t["radius_min"]),
                p(&t["candidates"]),
                p(&t["existing"]),
                p(&t["candidates_off_network"])
            )
        } else {
            format!(
                "  would solve tier {}: {} within {} min, {} candidates ({} existing, {} off the network), {limit}\n",
                p(&t["name"]),
                p(&t["mode"]),
                p(&t["radius_min"]),
                p(&t["candidates"]),
                p(&t["existing"]),
                p(&t["candidates_off_network"])
            )
        };
    }
    if let Some(pol) = v.get("policy").filter(|x| !x.is_null()) {
        let years: Vec<String> = pol["years"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|y| {
                let b = lang.money(y["budget"].as_f64().unwrap_or(0.0));
                match lang {
                    Lang::Zh => format!("{} 年预算 {b}", p(&y["year"])),
                    Lang::En => format!("{} budget {b}", p(&y["year"])),
                }
            })
            .collect();
        let carry = pol["carry_over"] == true && years.len() > 1;
        out += &match lang {
            Lang::Zh => format!(
                "  政策：{}；{}{}\n",
                serde_json::from_value(pol["objective"].clone())
                    .map_or(String::new(), |o| super::words::objective(o, lang)
                        .to_string()),
                years.join("，"),
                if carry {
                    "（未用完的资金结转下年）"
                } else {
                    ""
                }
            ),
            Lang::En => format!(
                "  policy: {} over {}{}\n",
                p(&pol["objective"]),
                years.join(", "),
                if carry {
                    " (unspent money carries over)"
                } else {
                    ""
                }
            ),
        };
    }
    out
}

/// A description of one input file: what it holds, its extent, a coordinate-system note, and the
/// problems found (the first error of each way of reading it).
pub fn inspection(path: &Path, villages: &io::TableOptions, sites: &io::TableOptions) -> Value {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut problems = Vec::new();
    if !name.ends_with(".pbf") {
        match io::load_villages(path, villages) {
            Ok(v) => {
                let b = bbox(v.iter().map(|x| x.location));
                let mut towns: Vec<&str> = v.iter().map(|x| x.town.as_str()).collect();
                towns.sort_unstable();
                towns.dedup();
                return json!({"file": path, "holds": "villages", "count": v.len(), "elders": v.iter().map(|x| x.elders).sum::<f64>(), "towns": towns.len(), "bbox": b, "crs": crs_guess(&b), "problems": []});
            }
            Err(e) => problems.push(format!("as villages: {e}")),
        }
        match io::load_sites(path, sites) {
            Ok(s) => {
                let b = bbox(s.iter().map(|x| x.location));
                let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
                s.iter()
                    .for_each(|x| *kinds.entry(x.kind.as_str()).or_default() += 1);
                return json!({"file": path, "holds": "sites", "count": s.len(), "existing": s.iter().filter(|x| x.existing).count(), "kinds": kinds, "bbox": b, "crs": crs_guess(&b), "problems": []});
            }
            Err(e) => problems.push(format!("as sites: {e}")),
        }
    }
    match io::load_roads(path) {
        Ok(r) => {
            let b = bbox(r.iter().flat_map(|l| l.coords.iter().copied()));
            let km: f64 = r
                .iter()
                .map(|l| crate::network::polyline_m(&l.coords))
                .sum::<f64>()
                / 1000.0;
            let mut classes = std::collections::BTreeMap::<&str, usize>::new();
            r.iter()
                .for_each(|l| *classes.entry(l.highway.as_str()).or_default() += 1);
            json!({"file": path, "holds": "roads", "count": r.len(), "length_km": km, "highway_classes": classes, "bbox": b, "crs": crs_guess(&b), "problems": []})
        }
        Err(e) => {
            problems.push(format!("as roads: {e}"));
            json!({"file": path, "holds": Value::Null, "problems": problems})
        }
    }
}
