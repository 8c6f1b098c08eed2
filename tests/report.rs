//! `report.html` as a planner reads it: the scenario's language, the documents' terms, money
//! with separators (万元 in Chinese), carry-over said as such, no code-style text, no `-0`.

mod common;

use carecover::lang::Lang;
use carecover::progress::Progress;
use carecover::scenario::Scenario;
use common::root;

/// The report page and the terminal summary of a shipped scenario in `lang`.
fn report(name: &str, lang: Lang) -> (String, String) {
    let mut sc = Scenario::load(&root().join(format!("scenarios/{name}.toml"))).unwrap();
    sc.language = lang;
    let plan = carecover::pipeline::run(sc, &Progress::new(true)).unwrap();
    (
        carecover::report::html::report_html(&plan, ""),
        carecover::report::summary_table(&plan),
    )
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
    let (zh, zh_summary) = report("phased", Lang::Zh);
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
    let (en, en_summary) = report("phased", Lang::En);
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
    // Reasons in the language: Encamp's villages beyond its centre's link radius.
    assert!(zh.contains("驾车超出中心带点半径"), "Chinese reasons");
    assert!(en.contains("farther than the link radius by car"));
    // Money with thousands separators: the default's 4,500,000 budget of 2025.
    assert!(en.contains("4,500,000"), "{en}");
    assert!(zh.contains("450 万元"));
    // The terminal names the money carried in from earlier years beside each year's budget.
    assert!(
        zh_summary.contains("2026 年：预算 350 万元，上年结转 2 万元"),
        "{zh_summary}"
    );
    assert!(
        en_summary.contains("2026: budget 3,500,000 + 20,000 carried over"),
        "{en_summary}"
    );
    assert!(zh_summary.contains("村级互助养老点") && zh_summary.contains("已证明最优"));
    for s in [&zh_summary, &en_summary] {
        assert!(!s.contains("-0") && !s.contains("FullCoverage"), "{s}");
    }
}

#[test]
fn the_interactive_map_is_inlined_with_every_layer_and_its_licence() {
    let sc = Scenario::load(&root().join("scenarios/default.toml")).unwrap();
    let plan = carecover::pipeline::run(sc, &Progress::new(true)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = carecover::report::write_all(&plan, &tmp.path().join("out"), &Progress::new(true))
        .unwrap()
        .dir;
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<div id=\"map\"></div>"));
    assert!(html.contains("Leaflet 1.9.4") && html.contains("BSD 2-Clause License"));
    assert!(
        !html.contains("<script src") && !html.contains("<link "),
        "nothing fetched"
    );
    let start = html.find("id=\"map-data\">").unwrap() + "id=\"map-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value =
        serde_json::from_str(&html[start..end].replace("<\\/", "</")).unwrap();
    let count = |file: &str| {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(file)).unwrap()).unwrap();
        v["features"].as_array().unwrap().len()
    };
    assert_eq!(
        data["villages"].as_array().unwrap().len(),
        count("villages.geojson")
    );
    assert_eq!(
        data["sites"].as_array().unwrap().len(),
        count("sites.geojson")
    );
    assert_eq!(
        data["areas"].as_array().unwrap().len(),
        count("service_areas.geojson")
    );
    assert!(
        data["roads"].as_array().unwrap().len() > 1000,
        "the road network is drawn"
    );
    assert_eq!(data["towns"].as_array().unwrap().len(), 7);
    assert_eq!(data["words"]["villages"], "村");
    // One self-contained file of modest size.
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    // map.png for Word: 2.5 × map.svg's 900 px.
    let png = std::fs::read(out.join("map.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 2250);
    // Warnings: a kind for scripts, the message in the scenario's language.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let warnings = summary["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), plan.warnings.len());
    let off = warnings
        .iter()
        .find(|w| w["kind"] == "off_network")
        .unwrap();
    assert!(
        off["message"]
            .as_str()
            .unwrap()
            .contains("距可驾车的道路超过 1,000 米")
            && off["message"].as_str().unwrap().contains("Ràmio"),
        "{off}"
    );
}

#[test]
fn warnings_speak_the_scenario_language() {
    let mut sc = Scenario::load(&root().join("scenarios/default.toml")).unwrap();
    sc.language = Lang::En;
    let plan = carecover::pipeline::run(sc, &Progress::new(true)).unwrap();
    let texts = carecover::report::warning_texts(
        &plan.warnings,
        &plan.villages,
        &plan.sites,
        &plan.scenario,
    );
    assert!(
        texts.iter().any(
            |t| t.starts_with("1 village and 1 site farther than 1,000 m") && t.contains("drive")
        ),
        "{texts:?}"
    );
    assert!(texts.iter().all(|t| !t.contains('`')), "{texts:?}");
}

#[test]
fn a_font_that_is_not_a_font_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("scenarios/default.toml")).unwrap();
    let bad = tmp.path().join("not_a_font.ttf");
    std::fs::write(&bad, "hello").unwrap();
    // The default scenario, moved beside the font, its inputs by absolute path.
    let data = format!("\"{}/", root().join("data").display());
    let with_font = |font: &std::path::Path| {
        let p = tmp.path().join("scenario.toml");
        let t = format!(
            "{}\n[output]\nfont = {:?}\n",
            text.replace("\"../data/", &data),
            font.file_name().unwrap().to_string_lossy()
        );
        std::fs::write(&p, t).unwrap();
        Scenario::load(&p)
    };
    let e = with_font(&tmp.path().join("absent.ttf"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("`font`") && e.contains("absent.ttf"), "{e}");
    let plan = carecover::pipeline::run(with_font(&bad).unwrap(), &Progress::new(true)).unwrap();
    let out = tmp.path().join("out");
    let e = carecover::report::write_all(&plan, &out, &Progress::new(true))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not_a_font.ttf"), "{e}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_chinese_readme_scenario_is_a_valid_scenario() {
    // README.zh-CN.md shows a scenario in pieces; together they must parse.
    let readme = std::fs::read_to_string(root().join("README.zh-CN.md")).unwrap();
    let mut toml = String::new();
    for block in readme.split("```toml").skip(1) {
        toml += block.split("```").next().unwrap();
    }
    let sc = Scenario::parse(&toml, &root().join("x.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.tiers.len(), 3);
    assert_eq!(sc.language, Lang::Zh);
    assert!(sc.policy.unwrap().subsidy.len() == 2);
}

/// map.svg names every township where the names have room (the default scenario's seven).
#[test]
fn the_map_picture_names_every_town_with_room() {
    let sc = Scenario::load(&root().join("scenarios/default.toml")).unwrap();
    let plan = carecover::pipeline::run(sc, &Progress::new(true)).unwrap();
    let areas = carecover::report::service_areas_layer(&plan);
    let svg = carecover::report::svg::map_svg(&plan, &areas);
    let towns: std::collections::BTreeSet<&str> =
        plan.villages.iter().map(|v| v.town.as_str()).collect();
    assert!(towns.len() >= 5, "{towns:?}");
    for town in towns {
        let escaped = quick_xml::escape::escape(town);
        let label = format!(">\n{escaped}\n</text>");
        assert!(svg.contains(&label), "{town} not on the map");
    }
}
