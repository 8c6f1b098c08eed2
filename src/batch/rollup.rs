//! The roll-up of a batch: one row per county and a total, as `rollup.csv` (English keys, for
//! programs), `rollup.xlsx` (headings in the language, for the bureau) and `report.html` (the
//! city page: the table, the failures and a map of every county's sites and villages).
//!
//! Rows come from the county folders alone (`summary.json`, `task_table.csv`,
//! `villages.geojson`, `sites.geojson`), in the order of the county stems, so a merge of
//! shards gives the same roll-up as one run; only `seconds` (each county's wall time) differs.

mod page;

use super::County;
use crate::error::{Error, Result};
use crate::lang::{Lang, number};
use crate::report::compare::read_json;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Per-year columns of a policy county's task table, summed over its towns: (the task
/// table's prefix, the roll-up's key prefix, zh, en).
const YEARLY: [(&str, &str, &str, &str); 6] = [
    ("new_centers_", "centres_", "新建镇（街道）中心", "centres"),
    ("new_points_", "points_", "新建互助点", "points"),
    (
        "nursing_home_upgrades_",
        "upgrades_",
        "敬老院改造提升",
        "home upgrades",
    ),
    (
        "county_care_centers_",
        "care_centres_",
        "失能特困人员集中照护中心",
        "county care centres",
    ),
    (
        "construction_cost_",
        "construction_cost_",
        "建设费用（元）",
        "construction cost",
    ),
    ("subsidy_", "subsidy_", "建设补贴（元）", "subsidy"),
];

/// The roll-up's columns after the county's name: (key, zh, en). Year columns follow.
const COLUMNS: [(&str, &str, &str); 15] = [
    ("folder", "文件夹", "folder"),
    ("status", "状态", "status"),
    ("gap", "差距", "gap"),
    ("villages", "村数", "villages"),
    ("elders", "老人数", "elders"),
    ("elders_served", "服务老人", "elders served"),
    ("served_pct", "服务比例（%）", "served (%)"),
    ("centres", "新建镇（街道）中心", "centres"),
    ("points", "新建互助点", "points"),
    ("upgrades", "敬老院改造提升", "home upgrades"),
    (
        "care_centres",
        "失能特困人员集中照护中心",
        "county care centres",
    ),
    ("construction_cost", "建设费用（元）", "construction cost"),
    ("subsidy", "建设补贴（元）", "subsidy"),
    (
        "operating_cost_per_year",
        "每年运营补贴（元）",
        "operating cost per year",
    ),
    ("seconds", "用时（秒）", "seconds"),
];

/// One county's row: its name, then numbers or text by key.
#[derive(Clone, Debug, Default)]
struct Row {
    county: String,
    cells: BTreeMap<String, Value>,
    reason: Option<String>,
}

/// The numbers of the total row of a county's `task_table.csv` (town `total`, no kind), by
/// column; `None` where the county has no policy model.
fn task_sums(dir: &Path) -> Result<Option<BTreeMap<String, f64>>> {
    let file = dir.join("task_table.csv");
    if !file.is_file() {
        return Ok(None);
    }
    let mut reader = csv::Reader::from_path(&file)
        .map_err(|e| Error::file(&file, format!("cannot read: {e}")))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::file(&file, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    for record in reader.records() {
        let record = record.map_err(|e| Error::file(&file, e.to_string()))?;
        if record.get(0) == Some("total") && record.get(1) == Some("") {
            return Ok(Some(
                header
                    .iter()
                    .zip(record.iter())
                    .filter_map(|(h, v)| Some((h.clone(), v.parse::<f64>().ok()?)))
                    .collect(),
            ));
        }
    }
    Err(Error::file(&file, "has no total row (town `total`)"))
}

/// A solved county's row from its folder.
fn solved_row(c: &County, dir: &Path) -> Result<Row> {
    let summary = read_json(&dir.join("summary.json"))?;
    let mut cells = BTreeMap::new();
    let mut put = |k: &str, v: Value| {
        cells.insert(k.to_string(), v);
    };
    put("folder", json!(c.stem));
    put("villages", summary["inputs"]["n_villages"].clone());
    put("seconds", json!((c.seconds * 100.0).round() / 100.0));
    let elders = summary["elders_total"].as_f64().unwrap_or(0.0);
    put("elders", json!(elders));
    match (&summary["policy"], task_sums(dir)?) {
        (policy, Some(t)) if policy.is_object() => {
            put("status", policy["status"].clone());
            put("gap", policy["gap"].clone());
            let get = |k: &str| t.get(k).copied().unwrap_or(0.0);
            put("elders_served", json!(get("elders_served")));
            let total = |prefix: &str| -> f64 {
                t.iter()
                    .filter(|(k, _)| {
                        k.strip_prefix(prefix)
                            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                    })
                    .map(|(_, v)| v)
                    .sum()
            };
            let (centres, points, upgrades, care) = (
                total("new_centers_"),
                total("new_points_"),
                total("nursing_home_upgrades_"),
                total("county_care_centers_"),
            );
            put("centres", json!(centres));
            put("points", json!(points));
            put("upgrades", json!(upgrades));
            put("care_centres", json!(care));
            put("construction_cost", json!(get("construction_cost")));
            put("subsidy", json!(get("subsidy")));
            put(
                "operating_cost_per_year",
                json!(get("operating_cost_per_year")),
            );
            for (k, v) in &t {
                for (from, to, _, _) in YEARLY {
                    if let Some(year) = k.strip_prefix(from)
                        && year.len() == 4
                        && year.bytes().all(|b| b.is_ascii_digit())
                    {
                        put(&format!("{to}{year}"), json!(v));
                    }
                }
            }
        }
        _ => {
            // Tiers without the policy model: coverage by any tier, the tiers' cost.
            let tiers = summary["tiers"].as_array().cloned().unwrap_or_default();
            let optimal = tiers.iter().all(|t| t["status"] == "optimal");
            put(
                "status",
                json!(if optimal { "optimal" } else { "feasible" }),
            );
            let gap = tiers
                .iter()
                .filter_map(|t| t["gap"].as_f64())
                .fold(0.0, f64::max);
            put("gap", json!(gap));
            put("elders_served", summary["elders_covered_any_tier"].clone());
            let cost: f64 = tiers.iter().filter_map(|t| t["cost"].as_f64()).sum();
            put("construction_cost", json!(cost));
        }
    }
    let served = cells
        .get("elders_served")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    cells.insert("served_pct".into(), json!(pct(served, elders)));
    Ok(Row {
        county: summary["scenario"].as_str().unwrap_or(&c.stem).to_string(),
        cells,
        reason: None,
    })
}

fn pct(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (1000.0 * part / whole).round() / 10.0
    } else {
        0.0
    }
}

/// Every county's row (failed ones with their reason) and the total row.
fn rows(counties: &[County], dir_of: &dyn Fn(&County) -> PathBuf) -> Result<(Vec<Row>, Row)> {
    let mut rows = Vec::with_capacity(counties.len());
    for c in counties {
        rows.push(if c.solved {
            solved_row(c, &dir_of(c))?
        } else {
            let mut cells = BTreeMap::new();
            cells.insert("folder".into(), json!(c.stem));
            cells.insert("status".into(), json!("failed"));
            cells.insert("seconds".into(), json!((c.seconds * 100.0).round() / 100.0));
            Row {
                county: c.stem.clone(),
                cells,
                reason: c.reason.clone(),
            }
        });
    }
    let mut total = Row {
        county: "total".into(),
        ..Row::default()
    };
    let solved = rows
        .iter()
        .filter(|r| r.reason.is_none() && r.cells.contains_key("elders"));
    for r in solved {
        for (k, v) in &r.cells {
            if let (Some(x), false) = (v.as_f64(), matches!(k.as_str(), "gap" | "served_pct")) {
                let e = total.cells.entry(k.clone()).or_insert(json!(0.0));
                *e = json!(e.as_f64().unwrap_or(0.0) + x);
            }
        }
    }
    let failed = counties.iter().filter(|c| !c.solved).count();
    total.cells.insert(
        "status".into(),
        json!(format!(
            "{} solved, {failed} failed",
            counties.len() - failed
        )),
    );
    let (served, elders) = (
        total
            .cells
            .get("elders_served")
            .and_then(Value::as_f64)
            .unwrap_or(0.0),
        total
            .cells
            .get("elders")
            .and_then(Value::as_f64)
            .unwrap_or(0.0),
    );
    total
        .cells
        .insert("served_pct".into(), json!(pct(served, elders)));
    if let Some(s) = total.cells.get_mut("seconds") {
        *s = json!((s.as_f64().unwrap_or(0.0) * 100.0).round() / 100.0);
    }
    Ok((rows, total))
}

/// The columns: the fixed ones, then each year's in year order, then `reason`.
fn columns(rows: &[Row]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = COLUMNS
        .iter()
        .map(|(k, zh, en)| (k.to_string(), zh.to_string(), en.to_string()))
        .collect();
    let years: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.cells.keys())
        .filter_map(|k| k.strip_prefix("subsidy_").or(k.strip_prefix("centres_")))
        .collect();
    for year in years {
        for (_, to, zh, en) in YEARLY {
            out.push((
                format!("{to}{year}"),
                format!("{year} 年{zh}"),
                format!("{en} {year}"),
            ));
        }
    }
    out.push(("reason".into(), "失败原因".into(), "reason".into()));
    out
}

/// A per-year column (`subsidy_2026`).
fn is_yearly(key: &str) -> bool {
    key.len() > 5
        && key[key.len() - 4..].bytes().all(|b| b.is_ascii_digit())
        && key.as_bytes()[key.len() - 5] == b'_'
}

fn cell_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(0.0);
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{}", x as i64)
            } else {
                format!("{}", (x * 1e6).round() / 1e6)
            }
        }
        Some(other) => other.to_string(),
    }
}

/// Writes `rollup.csv`, `rollup.xlsx` and `report.html` into `out` for `counties`, whose
/// folders `dir_of` gives; in `lang`, else the first solved county's language.
pub fn write(
    out: &Path,
    counties: &[County],
    dir_of: impl Fn(&County) -> PathBuf,
    lang: Option<Lang>,
) -> Result<()> {
    let (rows, total) = rows(counties, &dir_of)?;
    let lang = lang
        .or_else(|| {
            counties.iter().filter(|c| c.solved).find_map(|c| {
                read_json(&dir_of(c).join("summary.json"))
                    .ok()
                    .and_then(|s| s["language"].as_str().and_then(Lang::parse))
            })
        })
        .unwrap_or_default();
    let cols = columns(&rows);
    // CSV: English keys.
    let mut csv = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = std::iter::once("county")
        .chain(cols.iter().map(|c| c.0.as_str()))
        .collect();
    let fail = |e: csv::Error| Error::file(&out.join("rollup.csv"), e.to_string());
    csv.write_record(&header).map_err(fail)?;
    for r in rows.iter().chain(std::iter::once(&total)) {
        let line: Vec<String> = std::iter::once(r.county.clone())
            .chain(cols.iter().map(|(k, _, _)| {
                if k == "reason" {
                    r.reason.clone().unwrap_or_default()
                } else {
                    cell_text(r.cells.get(k))
                }
            }))
            .collect();
        csv.write_record(&line).map_err(fail)?;
    }
    let bytes = csv
        .into_inner()
        .map_err(|e| Error::file(&out.join("rollup.csv"), e.to_string()))?;
    super::write_whole(&out.join("rollup.csv"), &bytes)?;
    let xlsx = to_xlsx(&rows, &total, &cols, lang, &out.join("rollup.xlsx"))?;
    super::write_whole(&out.join("rollup.xlsx"), &xlsx)?;
    let html = page::city_page(&rows, &total, &cols, counties, &dir_of, lang)?;
    super::write_whole(&out.join("report.html"), html.as_bytes())
}

fn heading(col: &(String, String, String), lang: Lang) -> &str {
    match lang {
        Lang::Zh => &col.1,
        Lang::En => &col.2,
    }
}

/// A status as the bureau reads it.
fn status_word(s: &str, lang: Lang) -> String {
    use crate::report::words::status;
    use crate::solve::Status;
    match s {
        "optimal" => status(Status::Optimal, lang).into(),
        "feasible" => status(Status::Feasible, lang).into(),
        "time_limit" => status(Status::TimeLimit, lang).into(),
        "infeasible" => status(Status::Infeasible, lang).into(),
        "failed" => lang.pick("失败", "failed").into(),
        other => match lang {
            // The total's "n solved, m failed".
            Lang::Zh => other
                .replace(" solved, ", " 个已求解，")
                .replace(" failed", " 个失败"),
            Lang::En => other.to_string(),
        },
    }
}

fn to_xlsx(
    rows: &[Row],
    total: &Row,
    cols: &[(String, String, String)],
    lang: Lang,
    file: &Path,
) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::file(file, format!("cannot build: {e}"));
    let mut book = Workbook::new();
    let all = cols;
    let cols: Vec<(String, String, String)> =
        all.iter().filter(|c| !is_yearly(&c.0)).cloned().collect();
    let cols = &cols;
    let sheet = book.add_worksheet();
    sheet.set_name(lang.pick("汇总", "rollup")).map_err(fail)?;
    let bold = Format::new().set_bold().set_text_wrap();
    let whole = Format::new().set_num_format("#,##0");
    let decimal = Format::new().set_num_format("0.0");
    let total_fmt = Format::new().set_bold().set_num_format("#,##0");
    sheet
        .write_string_with_format(0, 0, lang.pick("区县", "county"), &bold)
        .map_err(fail)?;
    for (c, col) in cols.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16 + 1, heading(col, lang), &bold)
            .map_err(fail)?;
    }
    for (i, r) in rows.iter().chain(std::iter::once(total)).enumerate() {
        let row = i as u32 + 1;
        let is_total = i == rows.len();
        let name = if is_total {
            lang.pick("合计", "total").to_string()
        } else {
            r.county.clone()
        };
        sheet.write_string(row, 0, &name).map_err(fail)?;
        for (c, (k, _, _)) in cols.iter().enumerate() {
            let col = c as u16 + 1;
            match (k.as_str(), r.cells.get(k)) {
                ("reason", _) => {
                    if let Some(reason) = &r.reason {
                        sheet.write_string(row, col, reason).map_err(fail)?;
                    }
                }
                ("status", Some(v)) => {
                    let s = status_word(v.as_str().unwrap_or_default(), lang);
                    sheet.write_string(row, col, &s).map_err(fail)?;
                }
                ("gap", Some(v)) => {
                    let x = v.as_f64().unwrap_or(0.0) * 100.0;
                    sheet
                        .write_string(row, col, format!("{} %", number(x, 2)))
                        .map_err(fail)?;
                }
                (_, Some(Value::String(s))) => {
                    sheet.write_string(row, col, s).map_err(fail)?;
                }
                (key, Some(v)) => {
                    let x = v.as_f64().unwrap_or(0.0);
                    let f = if is_total {
                        &total_fmt
                    } else if matches!(key, "served_pct" | "seconds") {
                        &decimal
                    } else {
                        &whole
                    };
                    sheet
                        .write_number_with_format(row, col, x, f)
                        .map_err(fail)?;
                }
                (_, None) => {}
            }
        }
    }
    sheet.set_column_width(0, 18).map_err(fail)?;
    sheet.set_row_height(0, 45).map_err(fail)?;
    for c in 1..=cols.len() as u16 {
        sheet.set_column_width(c, 11).map_err(fail)?;
    }
    sheet
        .set_column_width(cols.len() as u16, 50)
        .map_err(fail)?;
    sheet.set_freeze_panes(1, 1).map_err(fail)?;
    // Printed (or as PDF): A4 landscape, one page wide, the heading on every page.
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0).map_err(fail)?;
    // Each year's tasks and money, one row per county and year (for filters and pivots).
    let years: BTreeSet<String> = all
        .iter()
        .filter_map(|c| c.0.strip_prefix("subsidy_").map(str::to_string))
        .collect();
    if !years.is_empty() {
        let sheet = book.add_worksheet();
        sheet
            .set_name(lang.pick("分年度", "by year"))
            .map_err(fail)?;
        let head: Vec<String> = [lang.pick("区县", "county"), lang.pick("年度", "year")]
            .into_iter()
            .map(str::to_string)
            .chain(YEARLY.iter().map(|y| lang.pick(y.2, y.3).to_string()))
            .collect();
        for (c, h) in head.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, h, &bold)
                .map_err(fail)?;
        }
        let mut row = 1;
        for r in rows.iter().filter(|r| r.reason.is_none()) {
            for year in &years {
                let values: Vec<Option<f64>> = YEARLY
                    .iter()
                    .map(|y| {
                        r.cells
                            .get(&format!("{}{year}", y.1))
                            .and_then(Value::as_f64)
                    })
                    .collect();
                if values.iter().all(Option::is_none) {
                    continue;
                }
                sheet.write_string(row, 0, &r.county).map_err(fail)?;
                sheet
                    .write_number(row, 1, year.parse::<f64>().unwrap_or(0.0))
                    .map_err(fail)?;
                for (c, v) in values.iter().enumerate() {
                    sheet
                        .write_number_with_format(row, c as u16 + 2, v.unwrap_or(0.0), &whole)
                        .map_err(fail)?;
                }
                row += 1;
            }
        }
        sheet.set_column_width(0, 18).map_err(fail)?;
        sheet.set_row_height(0, 45).map_err(fail)?;
        for c in 2..head.len() as u16 {
            sheet.set_column_width(c, 13).map_err(fail)?;
        }
        sheet.set_freeze_panes(1, 1).map_err(fail)?;
        sheet.set_paper_size(9);
        sheet.set_landscape();
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(0, 0).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}
