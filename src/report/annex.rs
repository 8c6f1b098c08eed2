//! The annex sheet of `task_table.xlsx`: the task table as the bureau publishes it, in the
//! layout of one of the documents' annexes, ready to print on one A4 landscape page.
//!
//! - `jiangjin` (002 附件1): title; 序号 | 镇街 | 村数量（个） | 现有村级互助养老点数量 |
//!   村级互助养老点缺口数 | under 农村养老服务设施, per plan year "{year}年拟建数": 镇养老服务中心 |
//!   村级互助养老点 | 农村敬老院改造提升 (| 农村失能特困人员集中照护机构建设, | 区域性养老服务中心,
//!   in the years that build them); a 合计 row.
//! - `yongchuan` (000 附件2): title; （单位：个）; 镇街 | per task (农村失能特困人员集中照护机构建设,
//!   镇街敬老院改造提升, 镇级养老服务中心全覆盖, 村级互助养老点建设, and 区域性养老服务中心建设
//!   where the plan has them) its years; 总计 per column and per task; 注.
//!
//! Counts come from the task table's columns (one source of numbers); cells the annexes leave
//! blank (nothing built) are blank. The numbers are whole: they count facilities.

use super::task_table::{Cell, Table};
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::pipeline::Plan;
use crate::scenario::AnnexLayout;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

/// One task of the annex: its column in the task table (`<key>_<year>`) and its headings.
struct Task {
    key: &'static str,
    /// The facility (Jiangjin's per-year columns).
    facility: [&'static str; 2],
    /// The task (Yongchuan's groups).
    task: [&'static str; 2],
    /// Shown in every year (else only in the years that build any).
    always: bool,
}

const TASKS: [Task; 5] = [
    Task {
        key: "county_care_centers",
        facility: [
            "农村失能特困人员集中照护机构建设",
            "Care centre for disabled special-hardship elders",
        ],
        task: [
            "农村失能特困人员集中照护机构建设",
            "Care centres for disabled special-hardship elders",
        ],
        always: false,
    },
    Task {
        key: "regional_centers",
        facility: ["区域性养老服务中心", "Regional centre"],
        task: ["区域性养老服务中心建设", "Regional centres"],
        always: false,
    },
    Task {
        key: "nursing_home_upgrades",
        facility: ["农村敬老院改造提升", "Nursing-home upgrade"],
        task: ["镇街敬老院改造提升", "Nursing-home upgrades"],
        always: true,
    },
    Task {
        key: "new_centers",
        facility: ["镇养老服务中心", "Town centre"],
        task: ["镇级养老服务中心全覆盖", "Town centres"],
        always: true,
    },
    Task {
        key: "new_points",
        facility: ["村级互助养老点", "Village point"],
        task: ["村级互助养老点建设", "Village points"],
        always: true,
    },
];

/// Jiangjin's order of the facilities within a year.
const JIANGJIN_ORDER: [&str; 5] = [
    "new_centers",
    "new_points",
    "nursing_home_upgrades",
    "county_care_centers",
    "regional_centers",
];

/// What the annex needs: the task table and the scenario's output settings.
struct AnnexInput<'a> {
    table: &'a Table,
    years: Vec<i32>,
    /// The scenario's name (for the default title).
    name: &'a str,
    title: Option<&'a str>,
    lang: Lang,
}

/// Reads the task table by column name.
struct Columns<'a>(&'a Table);

impl Columns<'_> {
    fn value(&self, row: usize, name: &str) -> f64 {
        let c = self.0.header.iter().position(|h| h == name);
        match c.map(|c| &self.0.rows[row][c]) {
            Some(Cell::Number(x)) => *x,
            _ => 0.0,
        }
    }
    fn text(&self, row: usize, c: usize) -> String {
        match &self.0.rows[row][c] {
            Cell::Text(t) => t.clone(),
            Cell::Number(x) => x.to_string(),
        }
    }
    fn has(&self, name: &str) -> bool {
        self.0.header.iter().any(|h| h == name)
    }
    /// Whether any township builds `key` in `year` (the total row holds the sum).
    fn any(&self, key: &str, year: i32) -> bool {
        let total = self.0.rows.len() - 1;
        self.value(total, &format!("{key}_{year}")) > 0.0
    }
}

/// The formats of the sheet.
struct Formats {
    title: Format,
    head: Format,
    cell: Format,
    left: Format,
    note: Format,
    unit: Format,
}

fn formats(lang: Lang) -> Formats {
    let font = lang.pick("宋体", "Calibri");
    let base = Format::new()
        .set_font_name(font)
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    Formats {
        title: Format::new()
            .set_font_name(lang.pick("黑体", "Calibri"))
            .set_font_size(16)
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        head: base.clone().set_bold(),
        left: base.clone().set_align(FormatAlign::Left),
        cell: base,
        note: Format::new()
            .set_font_name(font)
            .set_font_size(10)
            .set_align(FormatAlign::Left),
        unit: Format::new()
            .set_font_name(font)
            .set_font_size(10)
            .set_align(FormatAlign::Right),
    }
}

/// A count as the annexes print it: whole, blank when zero (where `blank_zero`).
fn count(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    x: f64,
    blank_zero: bool,
    f: &Format,
) -> Result<(), XlsxError> {
    if blank_zero && x == 0.0 {
        sheet.write_blank(r, c, f)?;
    } else {
        sheet.write_number_with_format(r, c, x.round(), f)?;
    }
    Ok(())
}

/// `text` across columns `c0..=c1` of row `r`: merged where that is more than one cell (a
/// merged range of one cell is an error).
fn across(
    sheet: &mut Worksheet,
    r: u32,
    (c0, c1): (u16, u16),
    text: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    if c1 > c0 {
        sheet.merge_range(r, c0, r, c1, text, f)?;
    } else {
        sheet.write_string_with_format(r, c0, text, f)?;
    }
    Ok(())
}

/// Writes the annex of `plan`'s task `table` into `sheet`, in the scenario's layout and
/// language.
pub fn write(
    sheet: &mut Worksheet,
    plan: &Plan,
    table: &Table,
    file: &std::path::Path,
) -> Result<()> {
    let fail = |e: XlsxError| Error::file(file, format!("cannot build the annex sheet: {e}"));
    let sc = &plan.scenario;
    let a = AnnexInput {
        table,
        years: plan.policy.as_ref().map(|p| p.years()).unwrap_or_default(),
        name: &sc.name,
        title: sc.title.as_deref(),
        lang: sc.language,
    };
    let a = &a;
    sheet.set_name(a.lang.pick("附件", "annex")).map_err(fail)?;
    match sc.annex {
        AnnexLayout::Jiangjin => jiangjin(sheet, a),
        AnnexLayout::Yongchuan => yongchuan(sheet, a),
    }
    .map_err(fail)?;
    // A4 landscape, one page wide, centred.
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 1);
    sheet.set_print_center_horizontally(true);
    sheet.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    Ok(())
}

/// The tasks shown in each year, in `order`.
fn year_tasks<'t>(cols: &Columns, years: &[i32], order: &[&str]) -> Vec<(i32, Vec<&'t Task>)> {
    years
        .iter()
        .map(|&y| {
            let tasks = order
                .iter()
                .filter_map(|k| TASKS.iter().find(|t| t.key == *k))
                .filter(|t| cols.has(&format!("{}_{y}", t.key)))
                .filter(|t| t.always || cols.any(t.key, y))
                .collect();
            (y, tasks)
        })
        .collect()
}

fn jiangjin(sheet: &mut Worksheet, a: &AnnexInput) -> Result<(), XlsxError> {
    let (lang, f) = (a.lang, formats(a.lang));
    let cols = Columns(a.table);
    let per_year = year_tasks(&cols, &a.years, &JIANGJIN_ORDER);
    let n_cols = 5 + per_year.iter().map(|(_, t)| t.len()).sum::<usize>();
    let last_col = (n_cols - 1) as u16;
    let title = a.title.map(str::to_string).unwrap_or_else(|| {
        let name = a.name;
        match lang {
            Lang::Zh => format!("{name}农村养老服务设施建设全覆盖工作计划表"),
            Lang::En => format!("{name}: rural elderly-care facilities, full-coverage work plan"),
        }
    });
    sheet.merge_range(0, 0, 0, last_col, &title, &f.title)?;
    sheet.set_row_height(0, 32)?;
    // Three header rows: the fixed columns span them; the facilities, then the years.
    let fixed = [
        lang.pick("序号", "No."),
        lang.pick("镇街", "Township"),
        lang.pick("村数量（个）", "Villages"),
        lang.pick("现有村级互助养老点数量", "Existing village points"),
        lang.pick("村级互助养老点缺口数", "Village points missing"),
    ];
    for (c, h) in fixed.iter().enumerate() {
        sheet.merge_range(1, c as u16, 3, c as u16, h, &f.head)?;
    }
    let group = lang.pick("农村养老服务设施", "Rural elderly-care facilities");
    across(sheet, 1, (5, last_col), group, &f.head)?;
    let mut c = 5u16;
    for (y, tasks) in &per_year {
        let heading = match lang {
            Lang::Zh => format!("{y}年拟建数"),
            Lang::En => format!("To build in {y}"),
        };
        let end = c + tasks.len() as u16 - 1;
        across(sheet, 2, (c, end), &heading, &f.head)?;
        for (i, t) in tasks.iter().enumerate() {
            let h = lang.pick(t.facility[0], t.facility[1]);
            sheet.write_string_with_format(3, c + i as u16, h, &f.head)?;
        }
        c = end + 1;
    }
    sheet.set_row_height(3, 48)?;
    // One row per township, then 合计.
    let n_rows = a.table.rows.len();
    for row in 0..n_rows {
        let r = 4 + row as u32;
        let total = row + 1 == n_rows;
        if total {
            sheet.merge_range(r, 0, r, 1, lang.pick("合计", "Total"), &f.head)?;
        } else {
            sheet.write_number_with_format(r, 0, (row + 1) as f64, &f.cell)?;
            sheet.write_string_with_format(r, 1, cols.text(row, 0), &f.left)?;
        }
        let villages = cols.value(row, "villages");
        // A township without villages has no points to count (002 附件1: 鼎山街道).
        count(sheet, r, 2, villages, false, &f.cell)?;
        count(
            sheet,
            r,
            3,
            cols.value(row, "existing_points"),
            villages == 0.0,
            &f.cell,
        )?;
        count(
            sheet,
            r,
            4,
            cols.value(row, "point_gap"),
            villages == 0.0,
            &f.cell,
        )?;
        let mut c = 5u16;
        for (y, tasks) in &per_year {
            for t in tasks {
                count(
                    sheet,
                    r,
                    c,
                    cols.value(row, &format!("{}_{y}", t.key)),
                    true,
                    &f.cell,
                )?;
                c += 1;
            }
        }
    }
    sheet.set_column_width(0, 5)?;
    sheet.set_column_width(1, 16)?;
    for c in 2..=last_col {
        sheet.set_column_width(c, if c < 5 { 11 } else { 10 })?;
    }
    sheet.set_repeat_rows(1, 3)?;
    Ok(())
}

fn yongchuan(sheet: &mut Worksheet, a: &AnnexInput) -> Result<(), XlsxError> {
    let (lang, f) = (a.lang, formats(a.lang));
    let cols = Columns(a.table);
    // Per task, its years: those that build it (every year where none does).
    let groups: Vec<(&Task, Vec<i32>)> = TASKS
        .iter()
        .filter(|t| a.years.iter().any(|y| cols.has(&format!("{}_{y}", t.key))))
        .filter(|t| t.always || a.years.iter().any(|&y| cols.any(t.key, y)))
        .map(|t| {
            let built: Vec<i32> = a
                .years
                .iter()
                .copied()
                .filter(|&y| cols.any(t.key, y))
                .collect();
            (
                t,
                if built.is_empty() {
                    a.years.clone()
                } else {
                    built
                },
            )
        })
        .collect();
    let n_cols = 1 + groups.iter().map(|(_, y)| y.len()).sum::<usize>();
    let last_col = (n_cols - 1) as u16;
    let title = a.title.map(str::to_string).unwrap_or_else(|| {
        let name = a.name;
        match lang {
            Lang::Zh => format!("{name}农村养老服务全覆盖工作任务分解"),
            Lang::En => format!("{name}: rural elderly-care full coverage, tasks by township"),
        }
    });
    sheet.merge_range(0, 0, 0, last_col, &title, &f.title)?;
    sheet.set_row_height(0, 32)?;
    let unit = lang.pick("（单位：个）", "(number of facilities)");
    sheet.merge_range(1, 0, 1, last_col, unit, &f.unit)?;
    sheet.write_string_with_format(2, 0, lang.pick("镇街", "Township"), &f.head)?;
    sheet.write_string_with_format(3, 0, lang.pick("年份", "Year"), &f.head)?;
    let mut c = 1u16;
    for (t, years) in &groups {
        let end = c + years.len() as u16 - 1;
        let h = lang.pick(t.task[0], t.task[1]);
        across(sheet, 2, (c, end), h, &f.head)?;
        for (i, y) in years.iter().enumerate() {
            sheet.write_number_with_format(3, c + i as u16, *y as f64, &f.head)?;
        }
        c = end + 1;
    }
    sheet.set_row_height(2, 64)?;
    let n_rows = a.table.rows.len();
    for row in 0..n_rows {
        let r = 4 + row as u32;
        let total = row + 1 == n_rows;
        let name = if total {
            lang.pick("总计", "Total").to_string()
        } else {
            cols.text(row, 0)
        };
        sheet.write_string_with_format(r, 0, &name, if total { &f.head } else { &f.left })?;
        let mut c = 1u16;
        for (t, years) in &groups {
            for y in years {
                let x = cols.value(row, &format!("{}_{y}", t.key));
                count(sheet, r, c, x, !total, &f.cell)?;
                c += 1;
            }
        }
    }
    // 总计 per task, across its years.
    let r = 4 + n_rows as u32;
    sheet.write_blank(r, 0, &f.cell)?;
    let mut c = 1u16;
    for (t, years) in &groups {
        let sum: f64 = years
            .iter()
            .map(|y| cols.value(n_rows - 1, &format!("{}_{y}", t.key)))
            .sum();
        let end = c + years.len() as u16 - 1;
        across(sheet, r, (c, end), "", &f.head)?;
        sheet.write_number_with_format(r, c, sum.round(), &f.head)?;
        c = end + 1;
    }
    let note = lang.pick(
        "注：农村失能特困人员集中照护机构由区级牵头建设。",
        "Note: the county leads the building of the care centres for disabled special-hardship elders.",
    );
    sheet.merge_range(r + 1, 0, r + 1, last_col, note, &f.note)?;
    sheet.set_column_width(0, 16)?;
    for c in 1..=last_col {
        sheet.set_column_width(c, 9)?;
    }
    sheet.set_repeat_rows(2, 3)?;
    Ok(())
}
