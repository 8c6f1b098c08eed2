//! The annex sheet of `task_table.xlsx`, read back: the layouts of 002 附件1 (Jiangjin) and
//! 000 附件2 (Yongchuan), merged headings, totals equal to the sum of the rows, blanks where
//! nothing is built, and the language switch.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use carecover::lang::Lang;
use carecover::progress::Progress;
use carecover::scenario::{AnnexLayout, Scenario};
use common::root;

/// Solves a shipped scenario with the given output settings and opens its workbook.
fn workbook(
    name: &str,
    lang: Lang,
    annex: AnnexLayout,
) -> (Xlsx<std::io::BufReader<std::fs::File>>, tempfile::TempDir) {
    let mut sc = Scenario::load(&root().join(format!("scenarios/{name}.toml"))).unwrap();
    sc.language = lang;
    sc.annex = annex;
    let plan = carecover::pipeline::run(sc, &Progress::new(true)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = carecover::report::write_all(&plan, &tmp.path().join("out"), &Progress::new(true))
        .unwrap()
        .dir;
    (open_workbook(out.join("task_table.xlsx")).unwrap(), tmp)
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(x) => x.to_string(),
        Data::Int(x) => x.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(x) => *x as f64,
        Data::Empty => 0.0,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn jiangjin_annex_has_the_published_layout_and_adds_up() {
    let (mut book, _tmp) = workbook("jiangjin_rules", Lang::Zh, AnnexLayout::Jiangjin);
    assert_eq!(book.sheet_names(), ["附件", "task_table"]);
    let sheet = book.worksheet_range("附件").unwrap();
    let cell = |r: usize, c: usize| text(sheet.get((r, c)).unwrap_or(&Data::Empty));
    // The scenario's `[output] title`.
    assert_eq!(
        cell(0, 0),
        "江津规则（假设：安道尔数据）农村养老服务设施建设全覆盖工作计划表"
    );
    let fixed: Vec<String> = (0..5).map(|c| cell(1, c)).collect();
    assert_eq!(
        fixed,
        [
            "序号",
            "镇街",
            "村数量（个）",
            "现有村级互助养老点数量",
            "村级互助养老点缺口数"
        ]
    );
    assert_eq!(cell(1, 5), "农村养老服务设施");
    assert_eq!(cell(2, 5), "2021年拟建数");
    assert_eq!(
        (cell(3, 5), cell(3, 6), cell(3, 7)),
        (
            "镇养老服务中心".into(),
            "村级互助养老点".into(),
            "农村敬老院改造提升".into()
        )
    );
    // The care centre is built in 2022 only: its column appears in 2022 alone.
    let row3: Vec<String> = (0..sheet.width()).map(|c| cell(3, c)).collect();
    let care: Vec<usize> = (0..row3.len())
        .filter(|&c| row3[c] == "农村失能特困人员集中照护机构建设")
        .collect();
    assert_eq!(care.len(), 1, "{row3:?}");
    let year_of = |c: usize| {
        (5..=c)
            .rev()
            .map(|k| cell(2, k))
            .find(|h| !h.is_empty())
            .unwrap()
    };
    assert_eq!(year_of(care[0]), "2022年拟建数");
    // Merged: the fixed headings over the three header rows, the title over the width.
    let merged = book.merge_cells_by_sheet_name("附件").unwrap();
    let has = |start: (u32, u32), end: (u32, u32)| {
        merged.iter().any(|d| d.start == start && d.end == end)
    };
    let last = sheet.width() as u32 - 1;
    assert!(has((0, 0), (0, last)), "{merged:?}");
    for c in 0..5 {
        assert!(has((1, c), (3, c)), "column {c}: {merged:?}");
    }
    assert!(has((1, 5), (1, last)));
    // Rows: 序号 1.., the subdistricts first, then 合计 = the sum of the rows.
    let rows: Vec<usize> = (4..sheet.height()).collect();
    let total = *rows.last().unwrap();
    assert_eq!(cell(total, 0), "合计");
    let towns: Vec<String> = rows[..rows.len() - 1].iter().map(|&r| cell(r, 1)).collect();
    assert_eq!(towns.len(), 7);
    assert_eq!(towns[..2], ["Andorra la Vella", "Escaldes-Engordany"]);
    for (i, &r) in rows[..rows.len() - 1].iter().enumerate() {
        assert_eq!(num(sheet.get((r, 0)).unwrap()), (i + 1) as f64);
    }
    for c in 2..sheet.width() {
        let sum: f64 = rows[..rows.len() - 1]
            .iter()
            .map(|&r| num(sheet.get((r, c)).unwrap_or(&Data::Empty)))
            .sum();
        assert_eq!(
            sum,
            num(sheet.get((total, c)).unwrap_or(&Data::Empty)),
            "column {c}"
        );
    }
    // Whole numbers; nothing built is blank, as in the annex.
    let mut blanks = 0;
    for &r in &rows {
        for c in 5..sheet.width() {
            match sheet.get((r, c)).unwrap_or(&Data::Empty) {
                Data::Empty => blanks += 1,
                d => {
                    let x = num(d);
                    assert!(x > 0.0 && x.fract() == 0.0, "({r}, {c}): {x}");
                }
            }
        }
    }
    assert!(blanks > 0);
    // The whole table follows on its own sheet, as the CSV has it.
    let whole = book.worksheet_range("task_table").unwrap();
    assert_eq!(text(whole.get((0, 0)).unwrap()), "town");
}

#[test]
fn yongchuan_annex_groups_by_task_and_ends_with_totals_and_the_note() {
    let (mut book, _tmp) = workbook("yongchuan_rules", Lang::Zh, AnnexLayout::Yongchuan);
    let sheet = book.worksheet_range("附件").unwrap();
    let cell = |r: usize, c: usize| text(sheet.get((r, c)).unwrap_or(&Data::Empty));
    assert_eq!(
        cell(0, 0),
        "永川规则（假设：安道尔数据）农村养老服务全覆盖工作任务分解"
    );
    assert_eq!(cell(1, 0), "（单位：个）");
    assert_eq!((cell(2, 0), cell(3, 0)), ("镇街".into(), "年份".into()));
    let groups: Vec<String> = (1..sheet.width())
        .map(|c| cell(2, c))
        .filter(|h| !h.is_empty())
        .collect();
    assert_eq!(
        groups,
        [
            "农村失能特困人员集中照护机构建设",
            "镇街敬老院改造提升",
            "镇级养老服务中心全覆盖",
            "村级互助养老点建设"
        ]
    );
    // 照护机构: the year it is built (2022) only.
    assert_eq!(cell(3, 1), "2022");
    let h = sheet.height();
    assert!(cell(h - 1, 0).starts_with("注："), "{}", cell(h - 1, 0));
    let total = h - 3;
    assert_eq!(cell(total, 0), "总计");
    // 总计 per column is the sum of the rows; the per-task row sums its columns.
    let per_task = total + 1;
    let mut c = 1;
    let merged = book.merge_cells_by_sheet_name("附件").unwrap();
    while c < sheet.width() {
        let end = merged
            .iter()
            .find(|d| d.start == (2, c as u32))
            .map_or(c, |d| d.end.1 as usize);
        let mut task = 0.0;
        for k in c..=end {
            let sum: f64 = (4..total)
                .map(|r| num(sheet.get((r, k)).unwrap_or(&Data::Empty)))
                .sum();
            assert_eq!(sum, num(sheet.get((total, k)).unwrap()), "column {k}");
            task += sum;
        }
        assert_eq!(
            task,
            num(sheet.get((per_task, c)).unwrap()),
            "task at column {c}"
        );
        c = end + 1;
    }
}

#[test]
fn the_annex_speaks_english_when_asked() {
    let (mut book, _tmp) = workbook("default", Lang::En, AnnexLayout::Jiangjin);
    assert_eq!(book.sheet_names(), ["annex", "task_table"]);
    let sheet = book.worksheet_range("annex").unwrap();
    assert_eq!(
        text(sheet.get((0, 0)).unwrap()),
        "default: rural elderly-care facilities, full-coverage work plan"
    );
    assert_eq!(text(sheet.get((1, 0)).unwrap()), "No.");
    assert_eq!(text(sheet.get((sheet.height() - 1, 0)).unwrap()), "Total");
    // Scenario key and its errors.
    let path = root().join("scenarios/default.toml");
    let base = std::fs::read_to_string(&path).unwrap();
    let with = |extra: &str| format!("{base}\n[output]\n{extra}\n");
    let sc = Scenario::parse(&with("language = \"en\"\nannex = \"yongchuan\""), &path).unwrap();
    assert_eq!((sc.language, sc.annex), (Lang::En, AnnexLayout::Yongchuan));
    assert_eq!(Scenario::parse(&base, &path).unwrap().language, Lang::Zh);
    for (bad, expected) in [
        ("language = \"fr\"", "`language` = \"fr\": give \"zh\""),
        (
            "annex = \"beijing\"",
            "`annex` = \"beijing\": give \"jiangjin\"",
        ),
    ] {
        let e = Scenario::parse(&with(bad), &path).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains(expected), "{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// `audit` reads the annex as published: Chinese headings over merged header rows.

/// The annex sheet and the machine-readable CSV of one run, read as plan tables, and the
/// audit of the plan against its own annex.
fn both_tables(
    name: &str,
    annex: AnnexLayout,
) -> (
    Vec<carecover::io::PlannedTown>,
    Vec<carecover::io::PlannedTown>,
    serde_json::Value,
) {
    let mut sc = Scenario::load(&root().join(format!("scenarios/{name}.toml"))).unwrap();
    sc.annex = annex;
    let plan = carecover::pipeline::run(sc, &Progress::new(true)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = carecover::report::write_all(&plan, &tmp.path().join("out"), &Progress::new(true))
        .unwrap()
        .dir;
    let read = |f: &str| carecover::io::read_plan_table(&out.join(f), None).unwrap();
    let annex_rows = read("task_table.xlsx");
    let audit = carecover::report::audit::audit(&plan, &annex_rows, 30.0);
    (annex_rows, read("task_table.csv"), audit)
}

#[test]
fn audit_reads_both_published_annex_layouts_as_the_csv_says() {
    for (name, annex) in [
        ("jiangjin_rules", AnnexLayout::Jiangjin),
        ("yongchuan_rules", AnnexLayout::Yongchuan),
    ] {
        let (annex_rows, csv_rows, audit) = both_tables(name, annex);
        // A full-coverage plan at least cost builds, town by town, what the audit says each
        // town needs: the audit and the model agree on the rules.
        for t in audit["towns"].as_array().unwrap() {
            assert_eq!(t["difference"], 0, "{name}: {t}");
        }
        assert_eq!(audit["towns_only_in_plan"].as_array().unwrap().len(), 0);
        let towns = |rows: &[carecover::io::PlannedTown]| {
            rows.iter().map(|t| t.town.clone()).collect::<Vec<_>>()
        };
        assert_eq!(
            towns(&annex_rows),
            towns(&csv_rows),
            "{name}: 合计/总计 ends the towns"
        );
        for (a, c) in annex_rows.iter().zip(&csv_rows) {
            assert_eq!(
                (a.new_points, a.new_centres),
                (c.new_points, c.new_centres),
                "{name} {}",
                a.town
            );
            assert!(a.place.starts_with("sheet `附件`, row "), "{}", a.place);
            if annex == AnnexLayout::Jiangjin {
                // 村数量（个）and 现有村级互助养老点数量 are columns of 附件1 only.
                assert_eq!(
                    (a.villages, a.existing_points),
                    (c.villages, c.existing_points)
                );
            } else {
                assert_eq!((a.villages, a.existing_points), (None, None));
            }
        }
        assert!(csv_rows.iter().map(|t| t.new_points).sum::<f64>() > 0.0);
    }
}

/// A CSV export of an annex in the 附件1 layout (merged cells leave their text in the first).
const ANNEX_CSV: &str = "\
某区农村养老服务设施建设全覆盖工作计划表,,,,,,,
序号,镇街,村数量（个）,现有村级互助养老点数量,村级互助养老点缺口数,2021年拟建数,,2022年拟建数
,,,,,镇养老服务中心,村级互助养老点,村级互助养老点
1,甲街道,2,1,1,,,1
2,乙镇,5,0,5,1,3,2
合计,,7,1,6,1,3,3
";

#[test]
fn audit_reads_a_chinese_csv_annex_and_names_sheet_row_and_heading_in_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let towns = carecover::io::read_plan_table(&write("plan.csv", ANNEX_CSV), None).unwrap();
    assert_eq!(towns.len(), 2);
    assert_eq!(
        (
            towns[1].town.as_str(),
            towns[1].villages,
            towns[1].existing_points
        ),
        ("乙镇", Some(5.0), Some(0.0))
    );
    assert_eq!((towns[1].new_centres, towns[1].new_points), (1.0, 5.0));
    assert_eq!((towns[0].new_centres, towns[0].new_points), (0.0, 1.0));
    // A bad cell is named by its line and its heading as the table writes it.
    let with_cell = |name: &str, cell: &str| {
        let text = ANNEX_CSV.replace("2,乙镇,5,0,5,1,3,2", &format!("2,乙镇,5,0,5,1,{cell},2"));
        carecover::io::read_plan_table(&write(name, &text), None)
            .unwrap_err()
            .to_string()
    };
    let e = with_cell("bad.csv", "三");
    assert!(
        e.contains("line 5") && e.contains("2021年拟建数 / 村级互助养老点") && e.contains("`三`"),
        "{e}"
    );
    let e = with_cell("half.csv", "2.5");
    assert!(e.contains("whole number"), "{e}");
    // No points column: the headings found are listed.
    let e = carecover::io::read_plan_table(
        &write("none.csv", "序号,镇街,村数量（个）\n1,甲街道,2\n"),
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("村级互助养老点") && e.contains("村数量（个）"),
        "{e}"
    );
    let e = carecover::io::read_plan_table(&write("plan.csv", ANNEX_CSV), Some("附件"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("--sheet"), "{e}");
}

#[test]
fn audit_names_the_sheet_and_row_of_a_bad_workbook_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("plan.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("附件1").unwrap();
    for (r, line) in ANNEX_CSV.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let text = if (r, c) == (4, 6) { "x" } else { cell };
            match text.parse::<f64>() {
                Ok(x) => sheet.write_number(r as u32, c as u16, x).unwrap(),
                Err(_) if !text.is_empty() => sheet.write_string(r as u32, c as u16, text).unwrap(),
                Err(_) => sheet,
            };
        }
    }
    book.save(&path).unwrap();
    let e = carecover::io::read_plan_table(&path, None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("sheet `附件1`, row 5") && e.contains("2021年拟建数 / 村级互助养老点"),
        "{e}"
    );
    let e = carecover::io::read_plan_table(&path, Some("附件2"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no sheet `附件2`") && e.contains("附件1"), "{e}");
}
