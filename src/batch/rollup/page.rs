//! The city page of a batch (`report.html`): the roll-up table, the counties that failed and
//! why, and a map of every county's sites and villages (the counties' own interactive map,
//! without roads and service areas).

use super::{County, Row, heading, is_yearly, read_json, status_word};
use crate::error::{Error, Result};
use crate::lang::{Lang, number};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The city page: the roll-up table, the failures, and a map of every county's sites and
/// villages (the counties' own interactive map, without roads and service areas).
pub(super) fn city_page(
    rows: &[Row],
    total: &Row,
    cols: &[(String, String, String)],
    counties: &[County],
    dir_of: &dyn Fn(&County) -> PathBuf,
    lang: Lang,
) -> Result<String> {
    let e = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    // The table shows the county-wide columns; the year columns are in the files.
    let shown: Vec<&(String, String, String)> = cols
        .iter()
        .filter(|(k, _, _)| !is_yearly(k) && k != "folder" && k != "reason")
        .collect();
    let mut table = String::from("<table><thead><tr>");
    table += &format!("<th>{}</th>", lang.pick("区县", "county"));
    for c in &shown {
        table += &format!("<th>{}</th>", e(heading(c, lang)));
    }
    table += "</tr></thead><tbody>";
    for (i, r) in rows.iter().chain(std::iter::once(total)).enumerate() {
        let is_total = i == rows.len();
        let name = if is_total {
            lang.pick("合计", "total").to_string()
        } else {
            r.county.clone()
        };
        table += &format!(
            "<tr{}><td>{}</td>",
            if is_total {
                " class=\"total\""
            } else if r.reason.is_some() {
                " class=\"failed\""
            } else {
                ""
            },
            e(&name)
        );
        for (k, _, _) in &shown {
            let text = match (k.as_str(), r.cells.get(k)) {
                ("status", Some(v)) => status_word(v.as_str().unwrap_or_default(), lang),
                ("gap", Some(v)) => format!("{} %", number(v.as_f64().unwrap_or(0.0) * 100.0, 2)),
                ("served_pct" | "seconds", Some(v)) => number(v.as_f64().unwrap_or(0.0), 1),
                (_, Some(Value::String(s))) => s.clone(),
                (k, Some(v)) if k.contains("cost") || k == "subsidy" => {
                    lang.money(v.as_f64().unwrap_or(0.0))
                }
                (_, Some(v)) => number(v.as_f64().unwrap_or(0.0), 0),
                (_, None) => String::new(),
            };
            table += &format!("<td>{}</td>", e(&text));
        }
        table += "</tr>";
    }
    table += "</tbody></table>";
    let failures: String = rows
        .iter()
        .filter_map(|r| {
            let reason = r.reason.as_ref()?;
            Some(format!("<li><b>{}</b>: {}</li>", e(&r.county), e(reason)))
        })
        .collect();
    if !failures.is_empty() {
        table += &format!(
            "<h2>{}</h2><ul>{failures}</ul>",
            lang.pick("失败的区县及原因", "Counties that failed, and why")
        );
    }
    let n_villages = total.cells.get("villages").and_then(Value::as_f64);
    let (map, with_villages) = city_map(counties, n_villages.unwrap_or(0.0), dir_of, lang)?;
    let failed = counties.iter().filter(|c| !c.solved).count();
    let title = lang.pick("多区县汇总", "Counties roll-up");
    let intro = match lang {
        Lang::Zh => format!(
            "共 {} 个区县，{} 个已求解，{failed} 个失败。各区县的完整结果（报告、附件、地图图层）在同名文件夹中；分年度的任务和费用见 rollup.csv 的年度列和 rollup.xlsx 的“分年度”工作表。",
            counties.len(),
            counties.len() - failed
        ),
        Lang::En => format!(
            "{} counties, {} solved, {failed} failed. Each county's full result (report, annex, map layers) is in the folder of its name; each year's tasks and money are in rollup.csv's year columns and rollup.xlsx's “by year” sheet.",
            counties.len(),
            counties.len() - failed
        ),
    };
    Ok(format!(
        r#"<!DOCTYPE html>
<html lang="{lang_code}"><head><meta charset="utf-8"><title>carecover: {title}</title>
<style>body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}}table{{border-collapse:collapse;font-size:13px;margin:12px 0}}th,td{{border:1px solid #ccc;padding:3px 6px;text-align:right;white-space:nowrap}}th{{background:#f3f3f3;white-space:normal;vertical-align:bottom}}td:first-child,th:first-child{{text-align:left}}tr.total td{{font-weight:bold;background:#f7f7f7}}tr.failed td{{background:#fdecea}}</style>
</head><body>
<h1>{title}</h1>
<p>{intro}</p>
{table}
<h2>{map_title}</h2>
{map}
</body></html>
"#,
        lang_code = lang.pick("zh-CN", "en"),
        intro = e(&intro),
        map_title = match (with_villages, lang) {
            (true, _) => lang
                .pick("各区县的场地与村", "Every county's sites and villages")
                .to_string(),
            (false, Lang::Zh) =>
                format!("各区县的场地（村超过 {MAP_VILLAGES} 个，地图不画村；各村见各区县的报告）"),
            (false, Lang::En) => format!(
                "Every county's sites (villages are left off the map above {MAP_VILLAGES}: see each county's report)"
            ),
        },
    ))
}

/// Above this many villages the city map draws the sites only: the page would pass 50 MB
/// and its making 1 GB of memory (measured: 116,000 villages of 300 counties, 41 MB, 1.0 GB).
const MAP_VILLAGES: usize = 150_000;

/// Every solved county's villages (up to [`MAP_VILLAGES`] in all, `n_villages` the roll-up's
/// total) and sites on one interactive map, counties labelled at the centre of their
/// villages; and whether it draws the villages.
fn city_map(
    counties: &[County],
    n_villages: f64,
    dir_of: &dyn Fn(&County) -> PathBuf,
    lang: Lang,
) -> Result<(String, bool)> {
    let with_villages = n_villages <= MAP_VILLAGES as f64;
    let mut villages = Vec::new();
    let mut sites = Vec::new();
    let mut tiers: Vec<Value> = Vec::new();
    let mut labels = Vec::new();
    let mut policy = false;
    for c in counties.iter().filter(|c| c.solved) {
        let dir = dir_of(c);
        let summary = read_json(&dir.join("summary.json"))?;
        policy |= summary["policy"].is_object();
        for t in summary["tiers"].as_array().into_iter().flatten() {
            if !tiers.iter().any(|x| x["name"] == t["name"]) {
                let (r, g, b) = crate::report::tier_rgb(tiers.len());
                tiers.push(json!({
                    "name": t["name"],
                    "label": t.get("label").cloned().unwrap_or(t["name"].clone()),
                    "role": t.get("role").cloned().unwrap_or(Value::Null),
                    "colour": format!("#{r:02x}{g:02x}{b:02x}"),
                }));
            }
        }
        let v = read_collection(&dir.join("villages.geojson"))?;
        let points: Vec<(f64, f64)> = v
            .features
            .iter()
            .filter_map(|f| match f.geometry.as_ref().map(|g| &g.value) {
                Some(geojson::GeometryValue::Point { coordinates }) => {
                    Some((coordinates[0], coordinates[1]))
                }
                _ => None,
            })
            .collect();
        if !points.is_empty() {
            let n = points.len() as f64;
            let (x, y) = points
                .iter()
                .fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
            labels.push(json!({"name": summary["scenario"], "point": [x / n, y / n]}));
        }
        // Each county's features in the page's compact form at once, not the whole city's
        // GeoJSON.
        use crate::report::web_map::{SITE_CARD, VILLAGE_CARD, features};
        if with_villages {
            villages.extend(features(&v, VILLAGE_CARD));
        }
        sites.extend(features(
            &read_collection(&dir.join("sites.geojson"))?,
            SITE_CARD,
        ));
    }
    let html = crate::report::web_map::map_html(crate::report::web_map::MapData {
        lang,
        tiers,
        towns: labels,
        policy,
        roads: Vec::new(),
        villages,
        sites,
        areas: Vec::new(),
        holes_filled: 0,
    });
    Ok((html, with_villages))
}

fn read_collection(file: &Path) -> Result<geojson::FeatureCollection> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
        file: file.to_path_buf(),
        source,
    })?;
    text.parse::<geojson::FeatureCollection>()
        .map_err(|e| Error::file(file, format!("not a GeoJSON FeatureCollection: {e}")))
}
