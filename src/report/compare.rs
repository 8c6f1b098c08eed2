//! `carecover compare OUT_A OUT_B`: two scenario results side by side, town by town. Reads
//! only the output folders (villages.geojson, sites.geojson, summary.json), so results can be
//! compared long after they were computed, or on another machine.

use super::terminal::table_row;
use crate::error::{Error, Result};
use crate::lang::Lang;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A JSON file of an output folder; errors name the file.
pub(crate) fn read_json(file: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
        file: file.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::file(file, format!("not valid JSON: {e}")))
}

/// The `properties` of every feature of a GeoJSON file, as JSON objects (a missing property
/// reads as null).
fn properties(file: &Path) -> Result<Vec<Value>> {
    let doc = read_json(file)?;
    doc["features"]
        .as_array()
        .ok_or_else(|| Error::file(file, "not a GeoJSON FeatureCollection"))?
        .iter()
        .map(|f| {
            f["properties"]
                .as_object()
                .cloned()
                .map(Value::Object)
                .ok_or_else(|| Error::file(file, "a feature has no properties"))
        })
        .collect()
}

/// Per town: villages, elders, and for each result the villages and elders covered (served),
/// those served by a facility already full (policy results), the villages outside every
/// radius, the open sites and their cost.
#[derive(Default)]
struct Town {
    villages: usize,
    elders: f64,
    covered: [usize; 2],
    over_capacity: [usize; 2],
    elders_covered: [f64; 2],
    uncovered: [usize; 2],
    sites: [BTreeSet<String>; 2],
    cost: [f64; 2],
}

/// How one village fares in one result: its service class (how a policy plan serves it, or
/// whether a tier covers it) and the minutes to what serves it.
#[derive(Clone, Debug, PartialEq)]
struct Fare {
    name: String,
    class: String,
    minutes: Option<f64>,
}

impl Fare {
    fn of(v: &Value) -> Fare {
        let class = v
            .get("served_by")
            .and_then(Value::as_str)
            .or(v["service"].as_str())
            .unwrap_or_default();
        // Policy results time the serving facility; tier results the nearest open site of
        // any tier (`<tier>_min`).
        let minutes = v.get("served_min").and_then(Value::as_f64).or_else(|| {
            v.as_object()?
                .iter()
                .filter(|(k, _)| k.ends_with("_min") && !k.starts_with("snap_"))
                .filter_map(|(_, m)| m.as_f64())
                .reduce(f64::min)
        });
        Fare {
            name: v["name"].as_str().unwrap_or_default().to_string(),
            class: class.to_string(),
            minutes,
        }
    }
}

/// The villages whose service class differs (all of them, by id) and those whose minutes
/// differ by at least a tenth of a minute within the same class (the count and the ten largest
/// changes): what a change of travel model (terrain, a walking speed) does village by village.
fn village_changes(fares: &[BTreeMap<String, Fare>; 2]) -> Value {
    let mut class = Vec::new();
    let mut minutes = Vec::new();
    for (id, a) in &fares[0] {
        let Some(b) = fares[1].get(id) else { continue };
        if a.class != b.class {
            class.push(json!({"id": id, "name": a.name, "a": a.class, "b": b.class}));
        } else if let (Some(x), Some(y)) = (a.minutes, b.minutes)
            && (x - y).abs() >= 0.1
        {
            minutes.push((id, a, x, y));
        }
    }
    let changed = minutes.len();
    minutes.sort_by(|p, q| {
        (q.3 - q.2)
            .abs()
            .total_cmp(&(p.3 - p.2).abs())
            .then(p.0.cmp(q.0))
    });
    let largest: Vec<Value> = minutes
        .iter()
        .take(10)
        .map(|(id, f, x, y)| json!({"id": id, "name": f.name, "a": x, "b": y}))
        .collect();
    json!({"class": class, "minutes_changed": changed, "largest_minute_changes": largest})
}

/// Compares two output folders; the JSON has `a`, `b` (scenario names), `towns` (one row per
/// town), `totals`, the sites open in only one of them, and `villages`: those whose service
/// class or minutes change.
pub fn compare(a: &Path, b: &Path) -> Result<Value> {
    let mut towns: BTreeMap<String, Town> = BTreeMap::new();
    let mut names = Vec::new();
    let mut languages = Vec::new();
    let mut all_sites: [BTreeSet<String>; 2] = Default::default();
    // Each site key's name, so people read names, not ids.
    let mut site_names: BTreeMap<String, String> = BTreeMap::new();
    let mut fares: [BTreeMap<String, Fare>; 2] = Default::default();
    for (k, dir) in [a, b].into_iter().enumerate() {
        if !dir.is_dir() {
            return Err(Error::file(
                dir,
                "not an output folder (run `carecover solve` first)",
            ));
        }
        let summary = read_json(&dir.join("summary.json"))?;
        names.push(summary["scenario"].clone());
        languages.push(summary["language"].clone());
        for v in properties(&dir.join("villages.geojson"))? {
            let id = v["id"]
                .as_str()
                .map_or_else(|| v["id"].to_string(), str::to_string);
            fares[k].insert(id, Fare::of(&v));
            let town = towns
                .entry(v["town"].as_str().unwrap_or_default().to_string())
                .or_default();
            let elders = v["elders"].as_f64().unwrap_or(0.0);
            if k == 0 {
                town.villages += 1;
                town.elders += elders;
            }
            if v["covered"].as_bool() == Some(true) {
                town.covered[k] += 1;
                town.elders_covered[k] += elders;
                if v.get("over_capacity").and_then(Value::as_bool) == Some(true) {
                    town.over_capacity[k] += 1;
                }
            } else {
                town.uncovered[k] += 1;
            }
        }
        for s in properties(&dir.join("sites.geojson"))? {
            if s.get("status").and_then(Value::as_str) == Some("closed") {
                continue;
            }
            let key = format!(
                "{} ({})",
                s["id"].as_str().unwrap_or_default(),
                s["tier"].as_str().unwrap_or_default()
            );
            let town = towns
                .entry(s["town"].as_str().unwrap_or_default().to_string())
                .or_default();
            if let Some(name) = s["name"].as_str() {
                site_names.insert(key.clone(), name.to_string());
            }
            town.sites[k].insert(key.clone());
            town.cost[k] += s["cost"].as_f64().unwrap_or(0.0);
            all_sites[k].insert(key);
        }
    }
    let rows: Vec<Value> = towns
        .iter()
        .map(|(name, t)| {
            json!({
                "town": name,
                "villages": t.villages,
                "elders": t.elders,
                "covered_a": t.covered[0], "covered_b": t.covered[1],
                "over_capacity_a": t.over_capacity[0], "over_capacity_b": t.over_capacity[1],
                "elders_covered_a": t.elders_covered[0], "elders_covered_b": t.elders_covered[1],
                "outside_a": t.uncovered[0], "outside_b": t.uncovered[1],
                "sites_a": t.sites[0].len(), "sites_b": t.sites[1].len(),
                "cost_a": t.cost[0], "cost_b": t.cost[1],
                "only_in_a": t.sites[0].difference(&t.sites[1]).collect::<Vec<_>>(),
                "only_in_b": t.sites[1].difference(&t.sites[0]).collect::<Vec<_>>(),
            })
        })
        .collect();
    let sum = |f: &dyn Fn(&Town) -> f64| towns.values().map(f).sum::<f64>();
    Ok(json!({
        "a": names[0], "b": names[1],
        "language": languages[0],
        "towns": rows,
        "totals": {
            "villages": towns.values().map(|t| t.villages).sum::<usize>(), "elders": sum(&|t| t.elders),
            "covered_a": towns.values().map(|t| t.covered[0]).sum::<usize>(),
            "covered_b": towns.values().map(|t| t.covered[1]).sum::<usize>(),
            "over_capacity_a": towns.values().map(|t| t.over_capacity[0]).sum::<usize>(),
            "over_capacity_b": towns.values().map(|t| t.over_capacity[1]).sum::<usize>(),
            "outside_a": towns.values().map(|t| t.uncovered[0]).sum::<usize>(),
            "outside_b": towns.values().map(|t| t.uncovered[1]).sum::<usize>(),
            "elders_covered_a": sum(&|t| t.elders_covered[0]), "elders_covered_b": sum(&|t| t.elders_covered[1]),
            "cost_a": sum(&|t| t.cost[0]), "cost_b": sum(&|t| t.cost[1]),
        },
        "only_in_a": all_sites[0].difference(&all_sites[1]).collect::<Vec<_>>(),
        "only_in_b": all_sites[1].difference(&all_sites[0]).collect::<Vec<_>>(),
        "site_names": site_names,
        "villages": village_changes(&fares),
    }))
}

/// The comparison as a table, in `lang`.
pub fn compare_text(c: &Value, lang: Lang) -> String {
    use std::fmt::Write;
    let p = super::check::plain;
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let n = super::check::whole;
    let pair = |a: String, b: String| format!("{a} / {b}");
    let widths = [24, 8, 9, 15, 13, 13, 19, 11, 27];
    let line = |cells: [String; 9]| table_row(&cells, &widths);
    let mut out = format!("A = {}, B = {}\n", p(&c["a"]), p(&c["b"]));
    let head = [
        t("镇街", "town"),
        t("村数", "villages"),
        t("老人数", "elders"),
        t("服务村数 A / B", "served A / B"),
        t("超容量 A / B", "over cap A/B"),
        t("未服务 A / B", "outside A/B"),
        t("服务老人 A / B", "elders covered A/B"),
        t("场地 A / B", "sites A/B"),
        t("费用 A / B", "cost A / B"),
    ]
    .map(str::to_string);
    let _ = writeln!(out, "{}", line(head));
    let rows = c["towns"].as_array().cloned().unwrap_or_default();
    for r in rows.iter().chain(std::iter::once(&c["totals"])) {
        let name = r.get("town").map_or(t("合计", "total").to_string(), p);
        let sites = if r.get("town").is_some() {
            pair(p(&r["sites_a"]), p(&r["sites_b"]))
        } else {
            String::new()
        };
        let money = |v: &Value| lang.money(v.as_f64().unwrap_or(0.0));
        let cells = [
            name,
            p(&r["villages"]),
            n(&r["elders"]),
            pair(p(&r["covered_a"]), p(&r["covered_b"])),
            pair(p(&r["over_capacity_a"]), p(&r["over_capacity_b"])),
            pair(p(&r["outside_a"]), p(&r["outside_b"])),
            pair(n(&r["elders_covered_a"]), n(&r["elders_covered_b"])),
            sites,
            pair(money(&r["cost_a"]), money(&r["cost_b"])),
        ];
        let _ = writeln!(out, "{}", line(cells));
    }
    // "name (id (tier))": what a planner recognizes, then what finds it in the layers.
    let list = |v: &Value| {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|k| {
                        let key = p(k);
                        match c["site_names"][&key].as_str() {
                            Some(name) if !key.starts_with(name) => format!("{name} [{key}]"),
                            _ => key,
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(t("、", ", "))
            })
            .unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "{}{}",
        t("仅 A 有的场地：", "sites only in A: "),
        list(&c["only_in_a"])
    );
    let _ = writeln!(
        out,
        "{}{}",
        t("仅 B 有的场地：", "sites only in B: "),
        list(&c["only_in_b"])
    );
    let v = &c["villages"];
    let class: Vec<String> = v["class"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    let word = |k: &str| class_word(x[k].as_str().unwrap_or_default(), lang);
                    format!("{} {} → {}", p(&x["name"]), word("a"), word("b"))
                })
                .collect()
        })
        .unwrap_or_default();
    // The terminal lists twenty; the JSON (`--json`) has them all.
    let shown = class.len().min(20);
    let _ = writeln!(
        out,
        "{}{}{}{}",
        t("服务方式改变的村：", "villages whose service changes: "),
        class.len(),
        if class.is_empty() {
            String::new()
        } else {
            format!("{}{}", t("：", ": "), class[..shown].join(t("、", ", ")))
        },
        if shown < class.len() {
            format!(
                "{}{}{}",
                t("……另有 ", " … and "),
                class.len() - shown,
                t(" 个（--json 列出全部）", " more (--json lists them all)")
            )
        } else {
            String::new()
        }
    );
    let largest: Vec<String> = v["largest_minute_changes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    let m = |k: &str| crate::lang::number(x[k].as_f64().unwrap_or(0.0), 1);
                    format!("{} {} → {}", p(&x["name"]), m("a"), m("b"))
                })
                .collect()
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{}{}",
        t(
            "服务方式不变、到服务设施的分钟数改变的村：",
            "villages served alike whose minutes change: "
        ),
        p(&v["minutes_changed"]),
        if largest.is_empty() {
            String::new()
        } else {
            format!(
                "{}{}",
                t("（变化最大：", " (largest: "),
                largest.join(t("、", ", ")) + t("）", ")")
            )
        }
    );
    out
}

/// A service class in `lang`: how a policy plan serves the village, or a tier result's
/// `service`.
fn class_word(name: &str, lang: Lang) -> &'static str {
    match name {
        "covered" => lang.pick("已覆盖", "covered"),
        "uncovered" => lang.pick("未覆盖", "not covered"),
        "off_network" => lang.pick("不在路网上", "off the network"),
        other => super::words::service(other, lang),
    }
}
