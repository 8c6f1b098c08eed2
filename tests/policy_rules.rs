//! The policy rules as the documents write them (seeds 000-004), each on its shipped
//! scenario: packages and per-point subsidies, subdistricts, the towns roster, regional
//! centres and their coverage target, and the errors of rule inputs.

mod common;

use carecover::pipeline;
use carecover::pipeline::SiteStatus;
use carecover::progress::Progress;
use carecover::report::task_table::Cell;
use carecover::scenario::Scenario;
use common::root;
use common::shipped::{headline, run, shipped};

#[test]
fn yongchuan_rules_pay_town_packages_and_subdistrict_points() {
    // 000 §3(2): a town building its centre receives 1,000,000 with up to 5 new points, then
    // 30,000 a point; a subdistrict 30,000 a point. The checker (in `shipped`) recomputes each
    // town's subsidy and each year's payments against the budgets; here the task table.
    let (_, plan) = shipped("yongchuan_rules");
    let table = carecover::report::task_table::task_table(&plan).unwrap();
    let col = |name: &str| table.header.iter().position(|h| h == name).unwrap();
    let num = |cell: &carecover::report::task_table::Cell| match cell {
        carecover::report::task_table::Cell::Number(x) => *x,
        other => panic!("{other:?}"),
    };
    let text = |cell: &carecover::report::task_table::Cell| match cell {
        carecover::report::task_table::Cell::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    let (towns, _) = table.rows.split_at(table.rows.len() - 1);
    let mut kinds = std::collections::BTreeSet::new();
    for row in towns {
        let sum = |name: &str| -> f64 {
            [2021, 2022]
                .iter()
                .map(|y| num(&row[col(&format!("{name}_{y}"))]))
                .sum()
        };
        let (centres, points) = (
            sum("new_centers") + sum("nursing_home_upgrades"),
            sum("new_points"),
        );
        let expected = match text(&row[col("kind")]).as_str() {
            "town" if centres > 0.0 => 1_000_000.0 + 30_000.0 * (points - 5.0).max(0.0),
            "town" => 30_000.0 * points,
            "subdistrict" => 30_000.0 * points,
            other => panic!("{other}"),
        };
        kinds.insert(text(&row[col("kind")]));
        assert_eq!(num(&row[col("subsidy")]), expected, "{:?}", row[0]);
        assert_eq!(sum("subsidy"), expected);
    }
    assert_eq!(kinds.len(), 2, "towns and subdistricts");
    let p = plan.policy.as_ref().unwrap();
    assert_eq!(p.n_served_by("shared_point"), 0);
}

#[test]
fn rule_inputs_are_checked_with_file_row_and_value() {
    // A subsidy package that includes a negative number of points.
    let path = root().join("scenarios/yongchuan_rules.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let bad = text.replace("points_included = 5", "points_included = -1");
    let e = Scenario::parse(&bad, &path).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(
        e.to_string().contains("points_included") && e.to_string().contains("-1"),
        "{e}"
    );
    let bad = text.replace("[policy.subsidy.subdistrict]", "[policy.subsidy.village]");
    assert!(
        Scenario::parse(&bad, &path)
            .unwrap_err()
            .to_string()
            .contains("not a kind of township")
    );
    // Roster values: `merging` not yes/no, `town_kind` neither town nor subdistrict.
    let tmp = tempfile::tempdir().unwrap();
    for (column, value, expected) in [
        ("merging", "maybe", "not a yes/no value"),
        ("town_kind", "county", "neither a town"),
    ] {
        let villages = std::fs::read_to_string(root().join("data/andorra/villages.csv")).unwrap();
        let mut lines = villages.lines();
        let mut out = format!("{},{column}\n", lines.next().unwrap());
        for (i, l) in lines.enumerate() {
            out += &format!("{l},{}\n", if i == 3 { value } else { "" });
        }
        let file = tmp.path().join("villages.csv");
        std::fs::write(&file, out).unwrap();
        let e = carecover::io::load_villages(&file, &Default::default()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let msg = e.to_string();
        assert!(
            msg.contains("villages.csv")
                && msg.contains("line 5")
                && msg.contains(column)
                && msg.contains(value)
                && msg.contains(expected),
            "{msg}"
        );
    }
}

/// The tiny policy fixture with `extra` added to its `[inputs]` and every input path absolute,
/// written into `dir`.
fn tiny_with(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let fixtures = root().join("tests/fixtures");
    let text = std::fs::read_to_string(fixtures.join("tiny_policy/scenario.toml")).unwrap();
    let abs = |rel: &str| fixtures.join("tiny_policy").join(rel).display().to_string();
    let text = text
        .replace(
            "\"../tiny/villages.csv\"",
            &format!("{:?}", abs("../tiny/villages.csv")),
        )
        .replace("\"sites.csv\"", &format!("{:?}", abs("sites.csv")))
        .replace(
            "\"../tiny/roads.csv\"",
            &format!("{:?}", abs("../tiny/roads.csv")),
        )
        .replace("[inputs]\n", &format!("[inputs]\n{extra}\n"));
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn towns_roster_lists_every_township_in_its_order_with_its_kind() {
    // 002 附件1 lists every 镇街 in the bureau's order, also 鼎山街道 and 双福街道 without villages.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("towns.csv"),
        "town,kind\nT3,街道\nT2,town\nT1,镇\n",
    )
    .unwrap();
    let path = tiny_with(tmp.path(), "towns = \"towns.csv\"");
    let plan = run(&path);
    common::check_plan(&plan);
    let table = carecover::report::task_table::task_table(&plan).unwrap();
    let names: Vec<String> = table
        .rows
        .iter()
        .map(|r| match (&r[0], &r[1]) {
            (Cell::Text(t), Cell::Text(k)) => format!("{t}:{k}"),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        ["T3:subdistrict", "T2:town", "T1:town", "total:"],
        "roster order, kinds from the roster, the township without villages kept"
    );
    let villages = table.header.iter().position(|h| h == "villages").unwrap();
    assert_eq!(table.rows[0][villages], Cell::Number(0.0));
    assert_eq!(table.rows[3][villages], Cell::Number(8.0));
}

#[test]
fn statistical_division_codes_order_the_townships() {
    // The codes (统计用区划代码) put 街道 (0xx) before 镇 (1xx): here against the roster's order.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("towns.csv"),
        "town,kind,code\nT1,镇,500116101\nT2,town,500116102000\nT3,街道,500116001\n",
    )
    .unwrap();
    let path = tiny_with(tmp.path(), "towns = \"towns.csv\"");
    let plan = run(&path);
    let table = carecover::report::task_table::task_table(&plan).unwrap();
    let names: Vec<String> = table
        .rows
        .iter()
        .map(|r| match &r[0] {
            Cell::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["T3", "T1", "T2", "total"]);
    // Some but not all: an error, not a silent fallback to the roster's order.
    std::fs::write(
        tmp.path().join("towns.csv"),
        "town,kind,code\nT1,镇,500116101\nT2,town,\nT3,街道,500116001\n",
    )
    .unwrap();
    let e = pipeline::run(Scenario::load(&path).unwrap(), &Progress::new(true)).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let e = e.to_string();
    assert!(
        e.contains("towns.csv") && e.contains("`code`") && e.contains("`T2`"),
        "{e}"
    );
    // Not a code: named with its line.
    std::fs::write(
        tmp.path().join("towns.csv"),
        "town,kind,code\nT1,镇,5001161\nT2,town,500116102\nT3,街道,500116001\n",
    )
    .unwrap();
    let e = pipeline::run(Scenario::load(&path).unwrap(), &Progress::new(true))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2") && e.contains("5001161") && e.contains("统计用区划代码"),
        "{e}"
    );
    // A village that says otherwise than the roster, of its code or of its kind.
    std::fs::write(
        tmp.path().join("towns.csv"),
        "town,kind,code\nT1,镇,500116101\nT2,town,500116102\nT3,街道,500116001\n",
    )
    .unwrap();
    let villages =
        std::fs::read_to_string(root().join("tests/fixtures/tiny/villages.csv")).unwrap();
    let mut lines = villages.lines();
    let header = lines.next().unwrap();
    let said = |column: &str, value: &str| {
        let mut text = format!("{header},{column}\n");
        for (k, l) in lines.clone().enumerate() {
            text += &format!("{l},{}\n", if k == 0 { value } else { "" });
        }
        std::fs::write(tmp.path().join("villages.csv"), text).unwrap();
        let scenario = std::fs::read_to_string(&path).unwrap().replace(
            &format!(
                "{:?}",
                root()
                    .join("tests/fixtures/tiny_policy/../tiny/villages.csv")
                    .display()
                    .to_string()
            ),
            &format!(
                "{:?}",
                tmp.path().join("villages.csv").display().to_string()
            ),
        );
        let p = tmp.path().join("said.toml");
        std::fs::write(&p, scenario).unwrap();
        let e = pipeline::run(Scenario::load(&p).unwrap(), &Progress::new(true)).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        e.to_string()
    };
    let e = said("town_code", "500116109");
    assert!(
        e.contains("village `v1`, field `town_code`")
            && e.contains("code 500116109")
            && e.contains("the towns roster gives it code 500116101"),
        "{e}"
    );
    let e = said("town_kind", "街道");
    assert!(
        e.contains("village `v1`, field `town_kind`")
            && e.contains("a subdistrict")
            && e.contains("the towns roster gives it a town"),
        "{e}"
    );
}

#[test]
fn towns_roster_errors_name_file_row_and_value() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tiny_with(tmp.path(), "towns = \"towns.csv\"");
    let err = |roster: &str| {
        std::fs::write(tmp.path().join("towns.csv"), roster).unwrap();
        let e = pipeline::run(Scenario::load(&path).unwrap(), &Progress::new(true)).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{e}");
        e.to_string()
    };
    let e = err("town,kind\nT1,town\n");
    assert!(
        e.contains("villages.csv") && e.contains("`T2` is not a township of the towns roster"),
        "{e}"
    );
    let e = err("town,kind\nT1,town\nT2,county\n");
    assert!(
        e.contains("towns.csv")
            && e.contains("line 3")
            && e.contains("kind")
            && e.contains("county"),
        "{e}"
    );
    let e = err("town\nT1\nT2\nT1\n");
    assert!(
        e.contains("line 4") && e.contains("listed twice (first at line 2)"),
        "{e}"
    );
    let e = err("name,kind\nT1,town\n");
    assert!(e.contains("missing column `town`"), "{e}");
    // The roster serves the policy model only.
    let text = std::fs::read_to_string(&path).unwrap();
    let plain = text.split("[policy]").next().unwrap().to_string()
        + "[[tier]]\nname = \"c\"\nmode = \"drive\"\nradius_min = 2\nnew_sites = 1\n";
    let e = Scenario::parse(&plain, &path).unwrap_err().to_string();
    assert!(e.contains("`towns`") && e.contains("[policy]"), "{e}");
}

/// The tiny policy fixture with T2 a subdistrict and `tiers` appended (after the `point` tier,
/// which `point_townships` restricts).
fn tiny_subdistrict(
    dir: &std::path::Path,
    point_townships: &str,
    tiers: &str,
) -> std::path::PathBuf {
    let path = tiny_with(dir, "");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(
            "operating_years = 5\n",
            "operating_years = 5\nsubdistricts = [\"T2\"]\n",
        )
        .replace(
            "close_existing = true\n",
            &format!("close_existing = true\n{point_townships}\n"),
        )
        + tiers;
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn subdistricts_may_have_their_own_tier_of_a_role() {
    // 001 §2(1)-(3): a 街道 has a subdistrict centre and community stations (社区养老服务站),
    // not a town centre and village points. Here T2's stations reach 4 minutes' walk, stand in halls
    // or rooms; T1 keeps the fixture's points.
    let tmp = tempfile::tempdir().unwrap();
    let path = tiny_subdistrict(
        tmp.path(),
        "townships = [\"town\"]",
        "\n[[tier]]\nname = \"station\"\nrole = \"village\"\nmode = \"walk\"\nradius_min = 4\n\
         link_radius_min = 10\nsite_kinds = [\"hall\", \"room\"]\ncost = 20000\noperating_cost = 4000\n\
         townships = [\"subdistrict\"]\n",
    );
    let plan = run(&path);
    common::check_plan(&plan);
    let p = plan.policy.as_ref().unwrap();
    let tier = |name: &str| plan.tiers.iter().position(|t| t.tier.name == name).unwrap();
    let (point, station) = (tier("point"), tier("station"));
    let open = |k: usize| -> Vec<&str> {
        p.sites
            .iter()
            .filter(|s| s.tier == k && s.status != SiteStatus::Closed)
            .map(|s| plan.sites[s.site.index()].town.as_str())
            .collect()
    };
    assert!(!open(station).is_empty(), "T2 builds stations");
    assert!(
        open(station).iter().all(|t| *t == "T2"),
        "{:?}",
        open(station)
    );
    assert!(open(point).iter().all(|t| *t == "T1"), "{:?}", open(point));

    // Errors: an unknown kind, `townships` on the county centre, two tiers of a role in one kind.
    let text = std::fs::read_to_string(&path).unwrap();
    for (bad, expected) in [
        (
            text.replace("townships = [\"subdistrict\"]", "townships = [\"street\"]"),
            "\"street\": a kind of township is",
        ),
        (
            text.replace("townships = [\"town\"]", ""),
            "give each kind of township one tier of a role",
        ),
        (
            text.clone()
                + "\n[[tier]]\nname = \"care\"\nrole = \"county\"\nmode = \"drive\"\nradius_min = 9\n\
                   site_kinds = [\"clinic\"]\ncost = 1\ntownships = [\"town\"]\n",
            "`townships` applies to the town and village roles",
        ),
    ] {
        let e = Scenario::parse(&bad, &path).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains(expected), "{e}");
    }
}

#[test]
fn a_town_centre_tier_for_towns_only_leaves_subdistricts_without_centres() {
    // 002 §2(3) and 附件1: 镇养老服务中心 are built in 镇; the annex's 街道 build none.
    let tmp = tempfile::tempdir().unwrap();
    let path = tiny_subdistrict(tmp.path(), "", "");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "operating_cost = 8000\n",
        "operating_cost = 8000\ntownships = [\"town\"]\n",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let plan = run(&path);
    common::check_plan(&plan);
    let p = plan.policy.as_ref().unwrap();
    let centre = plan
        .tiers
        .iter()
        .position(|t| t.tier.name == "centre")
        .unwrap();
    let towns: Vec<&str> = p
        .sites
        .iter()
        .filter(|s| s.tier == centre && s.status != SiteStatus::Closed)
        .map(|s| plan.sites[s.site.index()].town.as_str())
        .collect();
    assert_eq!(towns, ["T1"]);
    // By design, not a warning; a township whose tier's site kinds do not stand there is one.
    let warned = |plan: &pipeline::Plan, town: &str| {
        plan.warnings
            .iter()
            .any(|w| matches!(w, pipeline::Warning::NoCentreCandidate { towns } if towns.iter().any(|t| t == town)))
    };
    assert!(!warned(&plan, "T2"), "{:?}", plan.warnings);
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "site_kinds = [\"hall\", \"clinic\", \"nursing_home\"]",
        "site_kinds = [\"clinic\"]",
        1,
    );
    let text = text.replacen("townships = [\"town\"]\n", "", 1);
    std::fs::write(&path, text).unwrap();
    let plan = run(&path);
    assert!(
        warned(&plan, "T1") && !warned(&plan, "T2"),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn a_tier_due_before_the_last_year_builds_by_then() {
    // 001 §1: the subdistricts (街道, 社区) are covered by 2020, the towns and villages by
    // 2022. Here T2's stations are due in 2025, the first of the two plan years.
    let tmp = tempfile::tempdir().unwrap();
    let station = |by: &str| {
        format!(
            "\n[[tier]]\nname = \"station\"\nrole = \"village\"\nmode = \"walk\"\nradius_min = 4\n\
             link_radius_min = 10\nsite_kinds = [\"hall\", \"room\"]\ncost = 60000\n\
             operating_cost = 4000\ntownships = [\"subdistrict\"]\n{by}"
        )
    };
    let built = |path: &std::path::Path| -> Vec<i32> {
        let plan = run(path);
        common::check_plan(&plan);
        let k = plan
            .tiers
            .iter()
            .position(|t| t.tier.name == "station")
            .unwrap();
        let p = plan.policy.unwrap();
        p.sites
            .iter()
            .filter(|s| s.tier == k)
            .filter_map(|s| s.build_year)
            .collect()
    };
    let late = built(&tiny_subdistrict(
        tmp.path(),
        "townships = [\"town\"]",
        &station(""),
    ));
    assert!(late.contains(&2026), "without a year: {late:?}");
    // Due in 2025, a station and T2's centre (60,000 + 50,000) do not fit the 80,000 of 2025:
    // no station; with 120,000 they do, in 2025.
    let path = tiny_subdistrict(
        tmp.path(),
        "townships = [\"town\"]",
        &station("by_year = 2025\n"),
    );
    assert_eq!(built(&path), Vec::<i32>::new());
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("budget = 80000", "budget = 120000")).unwrap();
    let due = built(&path);
    assert!(!due.is_empty() && due.iter().all(|&y| y == 2025), "{due:?}");
    let path = tiny_subdistrict(
        tmp.path(),
        "townships = [\"town\"]",
        &station("by_year = 2020\n"),
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let e = Scenario::parse(&text, &path).unwrap_err().to_string();
    assert!(e.contains("`by_year` = 2020 is not a plan year"), "{e}");
}

#[test]
fn small_communities_may_share_a_station() {
    // 001 §2(1): 老年人口较少的社区可与其他社区统筹布局1个养老服务站. T2's communities of
    // fewer than 80 elders (Xiacun 60, Hecun 70) may use a neighbour's station.
    let tmp = tempfile::tempdir().unwrap();
    let station = |share: &str| {
        format!(
            "\n[[tier]]\nname = \"station\"\nrole = \"village\"\nmode = \"walk\"\nradius_min = 12\n\
             link_radius_min = 10\nat_villages = true\ncost = 20000\noperating_cost = 4000\n\
             townships = [\"subdistrict\"]\n{share}"
        )
    };
    let solve = |share: &str| {
        let path = tiny_subdistrict(tmp.path(), "townships = [\"town\"]", &station(share));
        let plan = run(&path);
        common::check_plan(&plan);
        plan
    };
    let (own, shared) = (solve(""), solve("share_below_elders = 80\n"));
    let by = |plan: &pipeline::Plan| -> Vec<(String, &'static str)> {
        let p = plan.policy.as_ref().unwrap();
        p.villages
            .iter()
            .zip(&plan.villages)
            .map(|(vp, v)| (v.name.clone(), vp.service.name()))
            .collect()
    };
    assert!(
        by(&own).iter().all(|(_, s)| *s != "shared_point"),
        "{:?}",
        by(&own)
    );
    let sharing: Vec<String> = by(&shared)
        .into_iter()
        .filter(|(_, s)| *s == "shared_point")
        .map(|(n, _)| n)
        .collect();
    assert!(!sharing.is_empty(), "{:?}", by(&shared));
    assert!(
        sharing.iter().all(|n| n == "Xiacun" || n == "Hecun"),
        "{sharing:?}"
    );
    let cost = |plan: &pipeline::Plan| plan.policy.as_ref().unwrap().solution.total_cost;
    let served = |plan: &pipeline::Plan| headline(plan).served_last;
    // Sharing only widens the choice: never fewer served, never dearer.
    assert!(
        served(&shared) >= served(&own) && cost(&shared) <= cost(&own),
        "served {} vs {}, cost {} vs {}: {:?} / {:?}",
        served(&shared),
        served(&own),
        cost(&shared),
        cost(&own),
        by(&shared),
        by(&own)
    );

    // Only the village role shares, and by a positive number of elders.
    let path = tiny_subdistrict(tmp.path(), "", &station("share_below_elders = -1\n"));
    let text = std::fs::read_to_string(&path).unwrap();
    let e = Scenario::parse(&text, &path).unwrap_err().to_string();
    assert!(e.contains("`share_below_elders` = -1 must be"), "{e}");
    let bad = text.replacen(
        "operating_cost = 8000\n",
        "operating_cost = 8000\nshare_below_elders = 50\n",
        1,
    );
    let e = Scenario::parse(&bad, &path).unwrap_err().to_string();
    assert!(e.contains("applies to the village role only"), "{e}");
}

/// Per township of a shipped plan: (kind, subsidy, [(tier name, build year)] of what it builds).
type Built = std::collections::BTreeMap<String, (String, f64, Vec<(String, i32)>)>;

fn built_by_township(plan: &pipeline::Plan) -> Built {
    let p = plan.policy.as_ref().unwrap();
    let mut out: Built = p
        .towns
        .iter()
        .zip(&p.town_kinds)
        .map(|(t, k)| (t.clone(), (k.name().to_string(), 0.0, Vec::new())))
        .collect();
    for s in &p.sites {
        let site = &plan.sites[s.site.index()];
        if let Some(entry) = out.get_mut(&site.town) {
            entry.1 += s.subsidy;
            if let Some(y) = s.build_year {
                entry.2.push((plan.tiers[s.tier].tier.name.clone(), y));
            }
        }
    }
    out
}

#[test]
fn jiangjin_rules_pay_one_package_per_town_and_build_nothing_in_subdistricts() {
    // 002 §3(2): 1,000,000 per town centre with its points; annex 1: neither centres nor
    // points in the 街道, the care facility in 2022, the townships in the roster's order.
    let (h, plan) = shipped("jiangjin_rules");
    assert_eq!(
        h,
        common::shipped::Headline {
            served_last: 4655.0,
            elder_years: 8465.0,
            total_cost: 12_175_000.0,
        }
    );
    for (town, (kind, subsidy, built)) in built_by_township(&plan) {
        let centres = built.iter().filter(|(t, _)| t == "town_centre").count();
        match kind.as_str() {
            "subdistrict" => {
                assert!(
                    built.iter().all(|(t, _)| t == "county_centre"),
                    "{town}: {built:?}"
                );
                assert_eq!(subsidy, 0.0, "{town}");
            }
            _ => assert_eq!(subsidy, 1_000_000.0 * centres as f64, "{town}"),
        }
    }
    let p = plan.policy.as_ref().unwrap();
    let care: Vec<i32> = p
        .sites
        .iter()
        .filter(|s| plan.tiers[s.tier].tier.name == "county_centre")
        .filter_map(|s| s.build_year)
        .collect();
    assert_eq!(care, [2022]);
    let order: Vec<&str> = p.town_order.iter().map(|&t| p.towns[t].as_str()).collect();
    assert_eq!(
        order[..3],
        ["Andorra la Vella", "Escaldes-Engordany", "Canillo"]
    );
}

#[test]
fn rongchang_rules_cover_subdistricts_by_2020_and_towns_by_2022() {
    // 001 §1: 街道 and 社区 by 2020, 镇 and 村 by 2022; §3(2): 2,000,000 per subdistrict
    // centre, 200,000 per community station, 1,000,000 per town centre with its points.
    let (h, plan) = shipped("rongchang_rules");
    assert_eq!(
        h,
        common::shipped::Headline {
            served_last: 10823.0,
            elder_years: 37825.0,
            total_cost: 18_975_000.0,
        }
    );
    for (town, (kind, subsidy, built)) in built_by_township(&plan) {
        let n = |tier: &str| built.iter().filter(|(t, _)| t == tier).count() as f64;
        match kind.as_str() {
            "subdistrict" => {
                assert_eq!(n("subdistrict_centre"), 1.0, "{town}");
                assert!(
                    built
                        .iter()
                        .filter(|(t, _)| t != "county_centre")
                        .all(|&(_, y)| y <= 2020),
                    "{town}: {built:?}"
                );
                let expected = 2_000_000.0 + 200_000.0 * n("community_station");
                assert_eq!(subsidy, expected, "{town}");
            }
            _ => {
                assert_eq!(n("community_station") + n("subdistrict_centre"), 0.0);
                assert_eq!(subsidy, 1_000_000.0 * n("town_centre"), "{town}");
            }
        }
    }
}

#[test]
fn bazhou_rules_reach_sixty_percent_of_townships_by_2025() {
    // 004 §1(1): a county institution and regional centres reaching ≥ 60 % of the townships
    // by 2025; no town centres; neighbourhood points (邻里互助点) shared.
    let (h, plan) = shipped("bazhou_rules");
    assert_eq!(
        h,
        common::shipped::Headline {
            served_last: 11344.0,
            elder_years: 22688.0,
            total_cost: 8_095_000.0,
        }
    );
    let p = plan.policy.as_ref().unwrap();
    let targets = p.targets();
    assert_eq!(targets.len(), 1);
    let t = &targets[0];
    assert!(
        t.met && t.year == 2025 && t.reached >= t.needed && t.needed == 5.0,
        "{t:?}"
    );
    // The report says so (in Chinese, the default).
    let html = carecover::report::html::report_html(&plan, "");
    assert!(
        html.contains(&format!(
            "2025 年：区域性养老服务中心覆盖 60% 的镇街——实际 {:.0} / 7（需 5）：<b>达到</b>",
            t.reached
        )),
        "{html}"
    );
    // No town tier: no centre serves, and points stand without one (004 §2(6)).
    assert_eq!(p.n_served_by("centre"), 0);
    let by = |tier: &str| -> Vec<i32> {
        p.sites
            .iter()
            .filter(|s| plan.tiers[s.tier].tier.name == tier)
            .filter_map(|s| s.build_year)
            .collect()
    };
    assert_eq!(by("county_institution"), [2025]);
    assert!(!by("regional_centre").is_empty() && by("regional_centre").iter().all(|&y| y == 2025));
    assert!(p.n_served_by("shared_point") > 0);
}
