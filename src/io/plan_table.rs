//! A published per-town plan: per town, how many centres and points it builds, summed over the
//! plan's year columns. Two shapes are read, from CSV or a spreadsheet:
//!
//! - the annex as the bureau publishes it, Chinese headings over one to three header rows with
//!   merged cells: 002 附件1 (Jiangjin: 序号 | 镇街 | 村数量（个） | 现有村级互助养老点数量 | … |
//!   "2021年拟建数" over 镇养老服务中心 | 村级互助养老点 | …, ending in 合计) and 000 附件2
//!   (Yongchuan: 镇街 over 年份; tasks 镇级养老服务中心全覆盖, 村级互助养老点建设 over their years,
//!   ending in 总计 and a 注). carecover's own `task_table.xlsx` first sheet is such an annex.
//! - an English-keyed table with one header row (`town`, `new_points_<year>`…, the
//!   transcriptions in `shared/data/plans/`).

use super::table::cell_text;
use crate::error::{Error, Result};
use std::path::Path;

/// One town's row of a published plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedTown {
    pub town: String,
    /// Where the row is: "line N" (CSV) or "sheet `S`, row N".
    pub place: String,
    /// Villages of the town, where the table gives them (`villages`, 村数量).
    pub villages: Option<f64>,
    /// Existing village points, where given (`existing_points`, 现有村级互助养老点数量).
    pub existing_points: Option<f64>,
    /// Sum of the town-centre columns (`new_centers_*`, 镇养老服务中心 / 镇级养老服务中心全覆盖).
    pub new_centres: f64,
    /// Sum of the village-point columns (`new_points_*`, 村级互助养老点 / 村级互助养老点建设).
    pub new_points: f64,
}

/// What a column of a plan table holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Town,
    Villages,
    ExistingPoints,
    NewPoints,
    NewCentres,
    /// Read and checked (whole numbers ≥ 0) but not audited: 敬老院 upgrades, care centres,
    /// gaps, regional centres.
    OtherCount,
    /// 序号, 镇街 kind and the like.
    Ignored,
}

/// A table as rows of text cells, each row with its place for errors.
struct Grid {
    rows: Vec<(String, Vec<String>)>,
}

/// Reads a plan table (see the module doc) from `.csv` or a spreadsheet's `sheet` (default:
/// the first). Counts must be whole numbers ≥ 0; a town may appear once. Errors name the file,
/// the sheet and row, and the column by its heading as the table writes it.
pub fn read_plan_table(path: &Path, sheet: Option<&str>) -> Result<Vec<PlannedTown>> {
    let grid = read_grid(path, sheet)?;
    let Some(header) = grid.rows.iter().position(|(_, r)| {
        r.iter()
            .any(|c| c == "town" || TOWN_HEADINGS.contains(&c.as_str()))
    }) else {
        return Err(Error::file(
            path,
            format!(
                "no town column: a plan table has a heading {} (the annex) or `town`",
                TOWN_HEADINGS.join(" / ")
            ),
        ));
    };
    let english = grid.rows[header].1.iter().any(|c| c == "town");
    let (headings, columns, first_data) = if english {
        let h = grid.rows[header].1.clone();
        let c = h.iter().map(|h| english_column(h)).collect();
        (h, c, header + 1)
    } else {
        chinese_columns(&grid, header)
    };
    let col = |k: Column| columns.iter().position(|c| *c == k);
    let town_col = col(Column::Town).expect("the header row has the town column");
    if col(Column::NewPoints).is_none() {
        return Err(Error::file(
            path,
            format!(
                "no column of new village points (村级互助养老点 under a year, or `new_points_<year>`); the headings are: {}",
                headings
                    .iter()
                    .filter(|h| !h.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let mut out: Vec<PlannedTown> = Vec::new();
    for (place, cells) in &grid.rows[first_data..] {
        let cell = |c: usize| cells.get(c).map_or("", |s| s.trim());
        let town = cell(town_col);
        if cells.iter().all(|c| c.trim().is_empty()) || SUBTOTAL.contains(&town) {
            continue;
        }
        // The total row and the note end the towns.
        // (合计 may stand in a cell merged over 序号 and 镇街.)
        if cells
            .iter()
            .take(town_col + 1)
            .any(|c| TOTAL.contains(&c.trim()))
            || NOTE.iter().any(|n| cell(0).starts_with(n))
        {
            break;
        }
        let at = |c: usize| format!("{place}, column `{}`", headings[c]);
        if town.is_empty() {
            return Err(Error::input(
                path,
                at(town_col),
                "the town's name is missing",
            ));
        }
        if let Some(first) = out.iter().find(|t| t.town == town) {
            return Err(Error::input(
                path,
                place,
                format!("town `{town}` appears twice (first at {})", first.place),
            ));
        }
        let number = |c: usize| -> Result<Option<f64>> {
            let v = cell(c);
            if v.is_empty() || v == "-" || v == "—" || v == "/" {
                return Ok(None);
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x < 0.0 => {
                    Err(Error::input(path, at(c), format!("{x} is negative")))
                }
                Ok(x) if x.is_finite() && x.fract() == 0.0 => Ok(Some(x)),
                Ok(x) if x.is_finite() => Err(Error::input(
                    path,
                    at(c),
                    format!("{x} is not a whole number of facilities or villages"),
                )),
                _ => Err(Error::input(path, at(c), format!("`{v}` is not a number"))),
            }
        };
        let sum = |k: Column| -> Result<f64> {
            let mut s = 0.0;
            for (c, _) in columns.iter().enumerate().filter(|(_, x)| **x == k) {
                s += number(c)?.unwrap_or(0.0);
            }
            Ok(s)
        };
        let one = |k: Column| col(k).map(number).transpose().map(Option::flatten);
        sum(Column::OtherCount)?;
        out.push(PlannedTown {
            town: town.to_string(),
            place: place.clone(),
            villages: one(Column::Villages)?,
            existing_points: one(Column::ExistingPoints)?,
            new_centres: sum(Column::NewCentres)?,
            new_points: sum(Column::NewPoints)?,
        });
    }
    if out.is_empty() {
        return Err(Error::file(
            path,
            "the plan table has a header but no towns",
        ));
    }
    Ok(out)
}

/// Headings of the town column in the annexes (附件1 writes 镇街).
const TOWN_HEADINGS: [&str; 6] = [
    "镇街",
    "镇（街道）",
    "镇(街道)",
    "街镇",
    "乡镇（街道）",
    "镇街名称",
];
const TOTAL: [&str; 6] = ["合计", "总计", "合 计", "总 计", "total", "Total"];
const SUBTOTAL: [&str; 2] = ["小计", "小 计"];
const NOTE: [&str; 2] = ["注", "备注"];

fn english_column(h: &str) -> Column {
    match h {
        "town" => Column::Town,
        "villages" => Column::Villages,
        "existing_points" => Column::ExistingPoints,
        h if h.starts_with("new_points") => Column::NewPoints,
        h if h.starts_with("new_centers") || h.starts_with("new_town_center") => Column::NewCentres,
        h if h.starts_with("nursing_home_upgrades")
            || h.starts_with("county_care_centers")
            || h.starts_with("regional_centers")
            || h == "point_gap" =>
        {
            Column::OtherCount
        }
        _ => Column::Ignored,
    }
}

/// The annex's headings: the header rows run from the row holding 镇街 down to the last row
/// whose town cell is blank or 年份 (the rows under merged headings); each column's heading is
/// its cells top to bottom, a blank cell under a merged heading taking its left neighbour's
/// text (merged cells keep their text in the first cell, in xlsx and in CSV exports alike).
fn chinese_columns(grid: &Grid, header: usize) -> (Vec<String>, Vec<Column>, usize) {
    let head = &grid.rows[header].1;
    let town_col = head
        .iter()
        .position(|c| TOWN_HEADINGS.contains(&c.as_str()))
        .expect("the header row has a town heading");
    let mut end = header + 1;
    while end < grid.rows.len() && end <= header + 3 {
        let t = grid.rows[end].1.get(town_col).map_or("", |s| s.trim());
        if t.is_empty() || t == "年份" || t == "年度" {
            end += 1;
        } else {
            break;
        }
    }
    let width = grid.rows[header..end]
        .iter()
        .map(|(_, r)| r.len())
        .max()
        .unwrap_or(0);
    let mut block: Vec<Vec<String>> = grid.rows[header..end]
        .iter()
        .map(|(_, r)| {
            (0..width)
                .map(|c| r.get(c).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    // Fill merged headings rightwards, but only over columns with a lower heading of their own.
    let rows = block.len();
    for r in 0..rows.saturating_sub(1) {
        for c in 1..width {
            let has_lower = (r + 1..rows).any(|k| !block[k][c].is_empty());
            if block[r][c].is_empty() && has_lower {
                block[r][c] = block[r][c - 1].clone();
            }
        }
    }
    let headings: Vec<String> = (0..width)
        .map(|c| {
            let parts: Vec<&str> = (0..rows)
                .map(|r| block[r][c].as_str())
                .filter(|s| !s.is_empty())
                .collect();
            parts.join(" / ")
        })
        .collect();
    let columns = headings
        .iter()
        .enumerate()
        .map(|(c, h)| {
            if c == town_col {
                Column::Town
            } else {
                chinese_column(h)
            }
        })
        .collect();
    (headings, columns, end)
}

fn chinese_column(h: &str) -> Column {
    let has = |s: &str| h.contains(s);
    if has("序号") || h.is_empty() {
        Column::Ignored
    } else if has("村数量") || has("行政村数") || has("村（社区）数") {
        Column::Villages
    } else if has("现有") && has("互助养老点") {
        Column::ExistingPoints
    } else if has("缺口") || has("敬老院") || has("照护") || has("区域") {
        Column::OtherCount
    } else if has("互助养老点") {
        Column::NewPoints
    } else if has("养老服务中心") {
        Column::NewCentres
    } else {
        Column::Ignored
    }
}

/// The file's cells: a CSV read without a header row (rows of any length), or a spreadsheet
/// sheet; empty rows kept so row numbers stay as the user sees them.
fn read_grid(path: &Path, sheet: Option<&str>) -> Result<Grid> {
    if let super::Format::Spreadsheet = super::format_of(path)? {
        let (sheet, range) = super::table::open_sheet(path, sheet)?;
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let first_col = range.start().map_or(0, |(_, c)| c as usize);
        let rows = range
            .rows()
            .enumerate()
            .map(|(k, r)| {
                let mut cells = vec![String::new(); first_col];
                cells.extend(r.iter().map(|d| cell_text(d).trim().to_string()));
                (format!("sheet `{sheet}`, row {}", first_row + k + 1), cells)
            })
            .collect();
        return Ok(Grid { rows });
    }
    if sheet.is_some() {
        return Err(Error::file(
            path,
            "--sheet applies to spreadsheets, not CSV",
        ));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        file: path.to_path_buf(),
        source,
    })?;
    let text = super::encoding::utf8_text(&bytes, path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| Error::file(path, format!("not a valid CSV file: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let cells = record
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        rows.push((format!("line {line}"), cells));
    }
    Ok(Grid { rows })
}
