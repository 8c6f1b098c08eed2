//! End to end: scenarios solved through the library, every plan checked by the independent
//! checker; the binary run as a user would.

mod common;

use carecover::pipeline;
use carecover::progress::Progress;
use carecover::scenario::Scenario;
use common::{check_plan, fixture, root};
use std::process::Command;

fn run(path: &std::path::Path) -> pipeline::Plan {
    pipeline::run(Scenario::load(path).unwrap(), &Progress::new(true)).unwrap()
}

#[test]
fn independent_tiers_scenario_is_feasible_by_independent_check() {
    let plan = run(&root().join("scenarios/independent_tiers.toml"));
    assert_eq!(plan.villages.len(), 66);
    assert_eq!(plan.tiers.len(), 2);
    let checks = check_plan(&plan);
    assert!(checks > 100, "checked {checks} pairs");
    for t in &plan.tiers {
        assert!(
            !t.solution.open.is_empty(),
            "tier {} opened nothing",
            t.tier.name
        );
        assert!(t.solution.objective > 0.0);
    }
}

#[test]
fn tiny_scenario_is_feasible_and_covers_what_it_says() {
    let plan = run(&fixture("tiny/scenario.toml"));
    check_plan(&plan);
    // The existing hall s1 is open in both tiers it is eligible for.
    for t in &plan.tiers {
        assert!(
            t.open_sites().any(|s| plan.sites[s.index()].key == "s1"),
            "{}",
            t.tier.name
        );
    }
}

#[test]
fn tiny_scenario_from_geojson_inputs_gives_the_same_plan() {
    let text = std::fs::read_to_string(fixture("tiny/scenario.toml"))
        .unwrap()
        .replace("villages.csv", "villages.geojson")
        .replace("sites.csv", "sites.geojson")
        .replace("roads.csv", "roads.geojson");
    let path = fixture("tiny/scenario.toml");
    let from_geojson =
        pipeline::run(Scenario::parse(&text, &path).unwrap(), &Progress::new(true)).unwrap();
    let from_csv = run(&path);
    for (a, b) in from_geojson.tiers.iter().zip(&from_csv.tiers) {
        assert_eq!(a.solution.open, b.solution.open);
        assert_eq!(a.solution.objective, b.solution.objective);
        assert_eq!(a.assignment, b.assignment);
    }
}

#[test]
fn same_plan_on_one_and_many_threads() {
    let path = root().join("scenarios/default.toml");
    let solve_with = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run(&path))
    };
    let (one, four) = (solve_with(1), solve_with(4));
    for (a, b) in one.tiers.iter().zip(&four.tiers) {
        assert_eq!(a.solution, b.solution);
        assert_eq!(a.coverage, b.coverage);
        assert_eq!(a.assignment, b.assignment);
    }
}

#[test]
fn binary_solves_a_scenario_and_writes_valid_geojson() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("result");
    let status = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args([
            "solve",
            fixture("tiny/scenario.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(stdout.contains("任一层级覆盖的老人"), "{stdout}");
    for (file, geometry) in [
        ("sites.geojson", "Point"),
        ("villages.geojson", "Point"),
        ("service_areas.geojson", "MultiPolygon"),
        ("assignments.geojson", "LineString"),
    ] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let gj: geojson::GeoJson = text.parse().unwrap();
        let geojson::GeoJson::FeatureCollection(fc) = gj else {
            panic!("{file}: not a FeatureCollection")
        };
        assert!(!fc.features.is_empty(), "{file} is empty");
        for f in &fc.features {
            assert_eq!(
                f.geometry.as_ref().unwrap().value.type_name(),
                geometry,
                "{file}"
            );
        }
    }
    let assignments: geojson::FeatureCollection =
        std::fs::read_to_string(out.join("assignments.geojson"))
            .unwrap()
            .parse()
            .unwrap();
    let covered: u64 = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(out.join("summary.json")).unwrap(),
    )
    .unwrap()["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["villages_covered"].as_u64().unwrap())
        .sum();
    assert_eq!(
        assignments.features.len() as u64,
        covered,
        "one line per covered village and tier"
    );
    let villages: geojson::FeatureCollection =
        std::fs::read_to_string(out.join("villages.geojson"))
            .unwrap()
            .parse()
            .unwrap();
    assert_eq!(villages.features.len(), 8);
    let p = villages.features[0].properties.as_ref().unwrap();
    assert!(p["elders"].is_number(), "numeric properties are numbers");
    assert!(p["covered"].is_boolean());
    assert_eq!(p["head"], "Li", "extra input columns pass through");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["tiers"].as_array().unwrap().len(), 2);
    // The report names every uncovered village with a reason; the map is well-formed SVG.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let plan = run(&fixture("tiny/scenario.toml"));
    for t in &plan.tiers {
        for (i, a) in t.assignment.iter().enumerate() {
            if a.is_none() {
                assert!(
                    html.contains(&plan.villages[i].name),
                    "{} missing from the report",
                    plan.villages[i].name
                );
            }
        }
    }
    // In Chinese, the default language.
    assert!(html.contains("受预算限制未建") || html.contains("分钟内没有候选场地"));
    let svg = std::fs::read_to_string(out.join("map.svg")).unwrap();
    assert!(!xml_attrs(&svg, "polygon").is_empty() || !xml_attrs(&svg, "path").is_empty());
    assert!(html.contains("<svg"), "the map is inlined");
    // Only the output folder: no staging leftovers.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

/// Writes a synthetic county in Chongqing as CSV inputs, with positions passed through `to`.
fn write_county(dir: &std::path::Path, to: impl Fn(f64, f64) -> (f64, f64), crs: &str) {
    use std::fmt::Write;
    let county = carecover::synth::generate(&carecover::synth::SynthParams {
        road_nodes: 2500,
        villages: 120,
        towns: 4,
        sites: 40,
        spacing_m: 300.0,
        seed: 11,
    });
    let mut v = String::from("id,town,lon,lat,elders\n");
    for x in &county.villages {
        let (lon, lat) = to(x.location.lon, x.location.lat);
        writeln!(v, "{},{},{lon:.9},{lat:.9},{}", x.key, x.town, x.elders).unwrap();
    }
    let mut s = String::from("id,kind,lon,lat,cost,existing\n");
    for x in &county.sites {
        let (lon, lat) = to(x.location.lon, x.location.lat);
        writeln!(
            s,
            "{},{},{lon:.9},{lat:.9},{},{}",
            x.key,
            x.kind,
            x.cost.unwrap(),
            x.existing as u8
        )
        .unwrap();
    }
    let mut r = String::from("wkt,speed_kmh\n");
    for l in &county.roads {
        let pts: Vec<String> = l
            .coords
            .iter()
            .map(|c| {
                let (lon, lat) = to(c.lon, c.lat);
                format!("{lon:.9} {lat:.9}")
            })
            .collect();
        writeln!(
            r,
            "\"LINESTRING ({})\",{}",
            pts.join(", "),
            l.speed_kmh.unwrap()
        )
        .unwrap();
    }
    std::fs::write(dir.join("villages.csv"), v).unwrap();
    std::fs::write(dir.join("sites.csv"), s).unwrap();
    std::fs::write(dir.join("roads.csv"), r).unwrap();
    std::fs::write(
        dir.join("scenario.toml"),
        format!("[inputs]\nvillages = \"villages.csv\"\nsites = \"sites.csv\"\nroads = \"roads.csv\"\ncrs = \"{crs}\"\n\n[[tier]]\nname = \"point\"\nmode = \"drive\"\nradius_min = 5\nsite_kinds = [\"village_point\"]\nnew_sites = 6\n"),
    )
    .unwrap();
}

#[test]
fn gcj02_and_bd09_inputs_give_the_plan_of_their_wgs84_originals() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    write_county(dirs[0].path(), |lon, lat| (lon, lat), "wgs84");
    write_county(dirs[1].path(), coordtransform::wgs84_to_gcj02, "gcj02");
    write_county(dirs[2].path(), coordtransform::wgs84_to_bd09, "baidu");
    let plans: Vec<pipeline::Plan> = dirs
        .iter()
        .map(|d| run(&d.path().join("scenario.toml")))
        .collect();
    // The offset coordinates really are ~500 m away, yet the plans agree.
    let raw = common::raw_csv(&dirs[1].path().join("villages.csv"));
    let shifted = carecover::model::LonLat::new(
        raw[0]["lon"].parse().unwrap(),
        raw[0]["lat"].parse().unwrap(),
    );
    assert!(carecover::network::haversine_m(shifted, plans[0].villages[0].location) > 100.0);
    for p in &plans[1..] {
        let d =
            carecover::network::haversine_m(p.villages[0].location, plans[0].villages[0].location);
        assert!(d < 0.1, "{d} m after conversion");
        assert_eq!(p.tiers[0].solution.open, plans[0].tiers[0].solution.open);
        assert_eq!(
            p.tiers[0].solution.objective,
            plans[0].tiers[0].solution.objective
        );
        check_plan(p);
    }
}

const XLSX_INPUTS: &str = "villages = \"villages.xlsx\"\nvillages_sheet = \"村庄名册\"\nvillages_columns = { id = \"村编号\", name = \"村名\", town = \"所属镇街\", population = \"户籍人口\", elders = \"60岁以上老人\", lon = \"经度\", lat = \"纬度\" }";

#[test]
fn xlsx_roster_with_chinese_headers_gives_the_csv_plan() {
    let path = fixture("tiny/scenario.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("villages = \"villages.csv\"", XLSX_INPUTS);
    let from_xlsx =
        pipeline::run(Scenario::parse(&text, &path).unwrap(), &Progress::new(true)).unwrap();
    let from_csv = run(&path);
    assert_eq!(from_xlsx.villages.len(), 8);
    for (a, b) in from_xlsx.villages.iter().zip(&from_csv.villages) {
        assert_eq!(
            (&a.key, &a.name, &a.town, a.elders, a.population, a.location),
            (&b.key, &b.name, &b.town, b.elders, b.population, b.location)
        );
    }
    assert_eq!(
        from_xlsx.villages[0].extra,
        vec![("备注".to_string(), "测试".to_string())]
    );
    for (a, b) in from_xlsx.tiers.iter().zip(&from_csv.tiers) {
        assert_eq!(a.solution, b.solution);
    }
}

/// Attributes of every element named `name` in an XML document.
fn xml_attrs(xml: &str, name: &str) -> Vec<std::collections::HashMap<String, String>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == name => {
                found.push(
                    e.attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (
                                a.key.as_ref().to_string(),
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .unwrap()
                                    .into_owned(),
                            )
                        })
                        .collect(),
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

/// Text of every element named `name`.
fn xml_texts(xml: &str, name: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut inside, mut found) = (false, Vec::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.name().as_ref() == name => inside = true,
            Event::Text(t) if inside => found.push(
                t.xml_content(quick_xml::XmlVersion::Implicit1_0)
                    .into_owned(),
            ),
            Event::End(e) if e.name().as_ref() == name => inside = false,
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

#[test]
fn qgis_project_and_styles_reference_existing_layers_and_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = run(&root().join("scenarios/default.toml"));
    let dir = carecover::report::write_all(&plan, &tmp.path().join("out"), &Progress::new(true))
        .unwrap()
        .dir;
    let project = std::fs::read_to_string(dir.join("plan.qgs")).unwrap();
    let sources = xml_texts(&project, "datasource");
    assert_eq!(sources.len(), 4, "{sources:?}");
    let renderers = xml_attrs(&project, "renderer-v2");
    assert_eq!(renderers.len(), 4);
    for (source, renderer) in sources.iter().zip(&renderers) {
        let file = dir.join(source.trim_start_matches("./"));
        let fc: geojson::FeatureCollection = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{source} missing"))
            .parse()
            .unwrap();
        let props = fc.features[0].properties.as_ref().unwrap();
        assert!(
            props.contains_key(&renderer["attr"]),
            "{source}: styled by missing field {}",
            renderer["attr"]
        );
        // Every category value occurs in the data, or is one of the villages' fixed classes.
        let qml = std::fs::read_to_string(file.with_extension("qml")).unwrap();
        for c in xml_attrs(&qml, "category") {
            let used = fc
                .features
                .iter()
                .any(|f| f.properties.as_ref().unwrap()[&renderer["attr"]] == c["value"].as_str());
            assert!(
                used || renderer["attr"] == "service",
                "{source}: category {} never occurs",
                c["value"]
            );
        }
        for label in xml_attrs(&qml, "text-style") {
            assert!(
                props.contains_key(&label["fieldName"]),
                "{source}: label field {} missing",
                label["fieldName"]
            );
        }
    }
    assert!(project.contains("<authid>EPSG:4326</authid>"));
    // In Chinese (the default): layer names, tier labels, and an alias for every aliased field
    // that the layer has.
    assert_eq!(
        xml_texts(&project, "layername"),
        ["场地", "村", "服务关系", "服务范围"]
    );
    assert!(project.contains("村级互助养老点"), "tier labels");
    let aliases = xml_attrs(&project, "alias");
    assert!(
        aliases
            .iter()
            .any(|a| a["field"] == "elders" && a["name"] == "老人数")
    );
    let layers = xml_attrs(&project, "layer-tree-layer");
    assert!(
        layers.iter().all(|l| sources.contains(&l["source"])),
        "layer tree and layers agree"
    );
}

#[test]
fn shapefile_villages_and_roads_give_the_csv_plan() {
    // villages.dbf is GBK-encoded (villages.cpg) with 10-character dBase field names.
    let path = fixture("tiny/scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap()
        .replace("villages = \"villages.csv\"", "villages = \"villages_shp/villages.shp\"\nvillages_columns = { id = \"VID\", name = \"CUNMING\", town = \"TOWN\", population = \"POP\", elders = \"ELDERS\" }")
        .replace("roads = \"roads.csv\"", "roads = \"roads_shp/roads.shp\"");
    let from_shp =
        pipeline::run(Scenario::parse(&text, &path).unwrap(), &Progress::new(true)).unwrap();
    let from_csv = run(&path);
    assert_eq!(
        from_shp.villages[0].name, "东村",
        "GBK attribute text decoded"
    );
    assert_eq!(
        from_shp.villages.iter().map(|v| v.elders).sum::<f64>(),
        940.0
    );
    for (a, b) in from_shp.villages.iter().zip(&from_csv.villages) {
        assert_eq!((&a.key, a.location), (&b.key, b.location));
    }
    for (a, b) in from_shp.tiers.iter().zip(&from_csv.tiers) {
        assert_eq!(a.solution, b.solution);
        assert_eq!(a.assignment, b.assignment);
    }
    check_plan(&from_shp);
}

#[test]
fn service_areas_on_the_distance_grid_match_the_exact_vector_buffer() {
    use geo::{Area, BooleanOps, GeodesicArea, Winding};
    let plan = run(&root().join("scenarios/independent_tiers.toml"));
    let buffer_m = plan.scenario.service_area_buffer_m;
    let mut ws = carecover::network::DijkstraWorkspace::new(plan.network.nodes.len());
    let mut compared = 0;
    for tier in &plan.tiers {
        for &k in &tier.solution.open {
            let id = tier.candidates[k];
            let Some(snap) = plan.site_snaps[&tier.tier.mode][id.index()] else {
                continue;
            };
            let location = plan.sites[id.index()].location;
            let (mode, radius) = (tier.tier.mode, tier.tier.radius_s);
            let mut draw = |area: carecover::coverage::AreaFn| {
                area(
                    &plan.network,
                    mode,
                    &snap,
                    location,
                    radius,
                    buffer_m,
                    &mut ws,
                )
            };
            let grid = draw(carecover::coverage::service_area);
            let exact = draw(carecover::coverage::service_area_buffered);
            let (a, b) = (
                grid.geodesic_area_unsigned(),
                exact.geodesic_area_unsigned(),
            );
            let site = &plan.sites[id.index()].key;
            assert!(b > 0.0, "{site}: empty exact area");
            assert!(
                (a / b - 1.0).abs() < 0.03,
                "{site}: grid {a} m² vs exact {b} m²"
            );
            // Not only the same size: the same place (what differs is a sliver along edges).
            // (Planar areas in degrees² for the ratio: the overlay's rings carry no winding the
            // geodesic area could trust.)
            let differ = grid.xor(&exact).unsigned_area() / exact.unsigned_area();
            assert!(differ < 0.06, "{site}: {:.1} % differs", 100.0 * differ);
            // GeoJSON's winding: exteriors counter-clockwise, holes clockwise.
            for p in &grid.0 {
                assert!(p.exterior().is_ccw(), "{site}: exterior winds clockwise");
                assert!(
                    p.interiors().iter().all(|h| h.is_cw()),
                    "{site}: hole winding"
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 5, "compared {compared} service areas");
}
