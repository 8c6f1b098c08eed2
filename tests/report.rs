//! `report.html` as a planner reads it: the scenario's language, the documents' terms, money
//! with separators (万元 in Chinese), carry-over said as such, no code-style text, no `-0`.

mod common;

use carecover::lang::Lang;
use carecover::progress::Progress;
use carecover::scenario::Scenario;
use common::root;

fn report(name: &str, lang: Lang) -> String {
    let mut sc = Scenario::load(&root().join(format!("scenarios/{name}.toml"))).unwrap();
    sc.language = lang;
    let plan = carecover::pipeline::run(sc, &Progress::new(true)).unwrap();
    carecover::report::html::report_html(&plan, "")
}

fn plain_text(html: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in html.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            _ if !tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_report_speaks_chinese_by_default_and_english_when_asked() {
    let zh = report("phased", Lang::Zh);
    for term in [
        "lang=\"zh-CN\"",
        "村级互助养老点",
        "镇（街道）养老服务中心",
        "失能特困人员集中照护中心",
        "分镇街任务表",
        "合计",
        "万元",
        "上年结转",
        "已证明最优",
        "各年未用完的预算结转到以后年度",
    ] {
        assert!(zh.contains(term), "missing {term}");
    }
    let en = report("phased", Lang::En);
    for term in [
        "lang=\"en\"",
        "Village point",
        "Total",
        "carried over",
        "proven optimal",
    ] {
        assert!(en.contains(term), "missing {term}");
    }
    for html in [&zh, &en] {
        let text = plain_text(html);
        assert!(!text.contains('`'), "code quotes in the text");
        assert!(
            !text.contains("-0 ") && !text.contains(">-0<"),
            "minus zero"
        );
        assert!(!text.contains("FullCoverage"), "an enum name");
    }
    // Money with thousands separators: the default's 4,500,000 budget of 2025.
    assert!(en.contains("4,500,000"), "{en}");
    assert!(zh.contains("450 万元"));
}
