//! Every parser, fed from memory: accepted shapes and the errors that name file, place and value.

mod common;

use carecover::io::{self, Oneway};
use std::io::Write;
use std::path::Path;

const F: &str = "in-memory.csv";

fn file() -> &'static Path {
    Path::new(F)
}

#[test]
fn villages_csv_with_bom_optional_and_extra_columns() {
    let text = "\u{feff}id,lon,lat,elders,村名,households\nA,1.5,42.5,10,甲村,31\nB,1.6,42.6,0,,\n";
    let v = io::read_villages_csv(text.as_bytes(), file(), &Default::default()).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].name, "A", "name defaults to the id");
    assert_eq!(v[0].population, None);
    assert_eq!(
        v[0].extra,
        vec![
            ("村名".to_string(), "甲村".to_string()),
            ("households".to_string(), "31".to_string())
        ]
    );
    assert_eq!(
        (v[1].location.lon, v[1].location.lat, v[1].elders),
        (1.6, 42.6, 0.0)
    );
}

#[test]
fn village_errors_name_line_field_and_value() {
    let cases = [
        (
            "id,lon,lat,elders\nA,1.5,42.5,ten\n",
            "line 2, field `elders`: `ten` is not a finite number",
        ),
        (
            "id,lon,lat,elders\nA,1.5,42.5,\n",
            "line 2, field `elders`: value is missing",
        ),
        (
            "id,lon,lat,elders\nA,1.5,42.5,1\n,1.5,42.5,1\n",
            "line 3: `id` is empty",
        ),
        (
            "id,lon,lat,elders,population\nA,1.5,42.5,1,-3\n",
            "field `population`: -3 is negative",
        ),
        (
            "id,lon,lat,elders\nA,181,42.5,1\n",
            "longitude 181 is outside",
        ),
        (
            "id,lon,lat,elders\nA,42.5,95,1\n",
            "latitude 95 is outside -90..90",
        ),
        (
            "id,lon,lat,elders\nA,1.5,42.5,1,extra\n",
            "not a valid CSV file",
        ),
        ("id,lon,lat,elders\n", "no data rows"),
        ("id,lon,elders\nA,1,2\n", "missing column `lat`"),
    ];
    for (text, expected) in cases {
        let e = io::read_villages_csv(text.as_bytes(), file(), &Default::default())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(F), "{e}");
        assert!(e.contains(expected), "{e:?} lacks {expected:?}");
    }
}

#[test]
fn sites_csv_flags_costs_and_errors() {
    let text = "id,kind,lon,lat,cost,existing,capacity\na,school,1,42,100,yes,20\nb,hall,1,42,,0,\nc,hall,1,42,5,TRUE,\n";
    let s = io::read_sites_csv(text.as_bytes(), file(), &Default::default()).unwrap();
    assert_eq!(
        (s[0].existing, s[0].cost, s[0].capacity),
        (true, Some(100.0), Some(20.0))
    );
    assert_eq!((s[1].existing, s[1].cost), (false, None));
    assert!(s[2].existing);
    let e = io::read_sites_csv(
        "id,kind,lon,lat,existing\na,school,1,42,maybe\n".as_bytes(),
        file(),
        &Default::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("line 2, field `existing`: `maybe` is not a yes/no value"),
        "{e}"
    );
    let e = io::read_sites_csv(
        "id,kind,lon,lat\na,,1,42\n".as_bytes(),
        file(),
        &Default::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("field `kind`"), "{e}");
}

#[test]
fn villages_and_sites_from_geojson() {
    let text = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","id":"v9","properties":{"elders":12,"town":"T","note":null},"geometry":{"type":"Point","coordinates":[1.5,42.5]}},
      {"type":"Feature","properties":{"id":7,"elders":3.5},"geometry":{"type":"Point","coordinates":[1.6,42.4,1200]}}]}"#;
    let v = io::read_villages_geojson(text.as_bytes(), Path::new("v.geojson"), &Default::default())
        .unwrap();
    assert_eq!(
        (v[0].key.as_str(), v[0].elders, v[0].town.as_str()),
        ("v9", 12.0, "T")
    );
    assert_eq!((v[1].key.as_str(), v[1].location.lat), ("7", 42.4));
    let bad = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a","elders":1},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}}]}"#;
    let e = io::read_villages_geojson(bad.as_bytes(), Path::new("v.geojson"), &Default::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("v.geojson, feature 1")
            && e.contains("expected a Point geometry, found LineString"),
        "{e}"
    );
    let e = io::read_sites_geojson(
        "{not json".as_bytes(),
        Path::new("s.geojson"),
        &Default::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("s.geojson: not valid GeoJSON"), "{e}");
    let s = io::read_sites_geojson(
        r#"{"type":"Feature","properties":{"id":"s","kind":"hall","existing":true,"cost":5},"geometry":{"type":"Point","coordinates":[1,42]}}"#.as_bytes(),
        Path::new("s.geojson"),
        &Default::default(),
    )
    .unwrap();
    assert_eq!((s[0].existing, s[0].cost), (true, Some(5.0)));
}

#[test]
fn roads_csv_wkt_with_direction_speed_and_multilines() {
    let text = "link_id,direction,wkt,speed_kmh\n\
        1,2,\"LINESTRING (106.1 29.1, 106.2 29.2)\",\n\
        2,3,\"LINESTRING (106.2 29.2, 106.3 29.2)\",45\n\
        3,1,\"MULTILINESTRING ((106.3 29.2, 106.4 29.2), (106.4 29.2, 106.5 29.3))\",\n";
    let r = io::read_roads_csv(text.as_bytes(), file()).unwrap();
    assert_eq!(r.len(), 4);
    assert_eq!(r[0].oneway, Oneway::Forward);
    assert_eq!(r[1].oneway, Oneway::Backward);
    assert_eq!(r[1].speed_kmh, Some(45.0));
    assert_eq!(r[2].oneway, Oneway::Both);
    assert_eq!(r[0].highway, "unclassified");
    let e = io::read_roads_csv(
        "wkt,direction\n\"LINESTRING (1 2, 3 4)\",7\n".as_bytes(),
        file(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 2, field `direction`: `7`"), "{e}");
    let e = io::read_roads_csv("wkt\n\"POINT (1 2)\"\n".as_bytes(), file())
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected LINESTRING, found POINT"), "{e}");
    let e = io::read_roads_csv("id,shape\n1,x\n".as_bytes(), file())
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing WKT geometry column"), "{e}");
    let e = io::read_roads_csv(
        "wkt,speed_kmh\n\"LINESTRING (1 2, 3 4)\",-5\n".as_bytes(),
        file(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("-5 is not a positive speed"), "{e}");
}

#[test]
fn roads_geojson_lines_and_oneway() {
    let text = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"highway":"primary","oneway":"-1"},"geometry":{"type":"LineString","coordinates":[[1,42],[1.1,42]]}},
      {"type":"Feature","properties":{},"geometry":{"type":"MultiLineString","coordinates":[[[1,42],[1,42.1]],[[1,42.1],[1.2,42.2]]]}}]}"#;
    let r = io::read_roads_geojson(text.as_bytes(), Path::new("r.geojson")).unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(
        (r[0].highway.as_str(), r[0].oneway),
        ("primary", Oneway::Backward)
    );
    let e = io::read_roads_geojson(r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,42]]}}]}"#.as_bytes(), Path::new("r.geojson"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("feature 1") && e.contains("at least 2 vertices"),
        "{e}"
    );
}

#[test]
fn gzipped_road_csv_is_read_transparently() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roads.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(b"wkt\n\"LINESTRING (1 42, 1.1 42)\"\n")
        .unwrap();
    gz.finish().unwrap();
    assert_eq!(io::load_roads(&path).unwrap().len(), 1);
}

#[test]
fn osm_pbf_roads_carry_tags() {
    let lines =
        io::load_roads(&common::root().join("data/andorra/andorra-geofabrik-2021-06-22.osm.pbf"))
            .unwrap();
    assert!(
        lines.iter().any(|l| l.oneway == Oneway::Forward),
        "roundabouts and one-way streets"
    );
    assert!(lines.iter().any(|l| l.highway == "footway"));
    assert!(lines.iter().all(|l| l.coords.len() >= 2));
    let e =
        io::load_roads(&common::fixture("tiny/villages.csv").with_extension("pbf")).unwrap_err();
    assert!(e.to_string().contains("cannot read"), "{e}");
}

#[test]
fn a_roster_saved_by_excel_in_gbk_reads_like_utf8() {
    // Excel and WPS in China save "CSV" as GB18030/GBK unless told otherwise.
    let text = "村编号,村名,所属镇街,经度,纬度,60岁以上老人\nv1,东村,甲镇,1.5,42.5,200\nv2,西村,甲镇,1.51,42.5,120\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("村名册.csv");
    std::fs::write(&path, &gbk).unwrap();
    let options: io::TableOptions = toml::from_str(
        "columns = { id = \"村编号\", name = \"村名\", town = \"所属镇街\", lon = \"经度\", lat = \"纬度\", elders = \"60岁以上老人\" }",
    )
    .unwrap();
    let v = io::load_villages(&path, &options).unwrap();
    assert_eq!(
        v.iter()
            .map(|v| (v.name.as_str(), v.town.as_str(), v.elders))
            .collect::<Vec<_>>(),
        [("东村", "甲镇", 200.0), ("西村", "甲镇", 120.0)]
    );
    // Bytes that are no text at all: refused with what to do.
    std::fs::write(&path, [0x81u8, 0x20, 0xff, b'\n']).unwrap();
    let e = io::load_villages(&path, &options).unwrap_err().to_string();
    assert!(
        e.contains("neither UTF-8 nor GB18030") && e.contains("CSV UTF-8"),
        "{e}"
    );
}

#[test]
fn a_gbk_shapefile_without_its_cpg_reads_like_with_it() {
    // The fixture's .dbf is GBK with a .cpg saying so; without the .cpg, GBK is found because
    // the text is not UTF-8.
    let options: io::TableOptions = toml::from_str(
        "columns = { id = \"VID\", name = \"CUNMING\", town = \"TOWN\", population = \"POP\", elders = \"ELDERS\" }",
    )
    .unwrap();
    let fixture = common::fixture("tiny/villages_shp");
    let with_cpg = io::load_villages(&fixture.join("villages.shp"), &options).unwrap();
    assert!(with_cpg.iter().any(|v| !v.name.is_ascii()), "Chinese names");
    let tmp = tempfile::tempdir().unwrap();
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(
            fixture.join(format!("villages.{ext}")),
            tmp.path().join(format!("villages.{ext}")),
        )
        .unwrap();
    }
    let without = io::load_villages(&tmp.path().join("villages.shp"), &options).unwrap();
    assert_eq!(without, with_cpg);
}

/// A generated county written as a user's files (the scale benchmark's inputs) reads back as
/// the same villages, sites and roads.
#[test]
fn generated_county_files_read_back_as_generated() {
    use carecover::synth::{SynthParams, generate};
    let county = generate(&SynthParams {
        road_nodes: 900,
        villages: 60,
        towns: 3,
        sites: 40,
        spacing_m: 300.0,
        seed: 3,
    });
    let dir = tempfile::tempdir().unwrap();
    county.write_files(dir.path()).unwrap();
    let options = io::TableOptions::default();
    let villages = io::load_villages(&dir.path().join("villages.csv"), &options).unwrap();
    let sites = io::load_sites(&dir.path().join("sites.csv"), &options).unwrap();
    let roads = io::load_roads(&dir.path().join("roads.csv.gz")).unwrap();
    let near = |a: carecover::model::LonLat, b: carecover::model::LonLat| {
        (a.lon - b.lon).abs() < 1e-6 && (a.lat - b.lat).abs() < 1e-6
    };
    assert_eq!(villages.len(), county.villages.len());
    for (a, b) in villages.iter().zip(&county.villages) {
        assert_eq!(
            (&a.key, &a.town, a.elders, a.population),
            (&b.key, &b.town, b.elders, b.population)
        );
        assert!(near(a.location, b.location));
    }
    assert_eq!(sites.len(), county.sites.len());
    for (a, b) in sites.iter().zip(&county.sites) {
        assert_eq!(
            (
                &a.key,
                &a.kind,
                &a.town,
                a.cost,
                a.existing,
                &a.facility,
                a.capacity,
                &a.village
            ),
            (
                &b.key,
                &b.kind,
                &b.town,
                b.cost,
                b.existing,
                &b.facility,
                b.capacity,
                &b.village
            )
        );
        assert!(near(a.location, b.location));
    }
    assert_eq!(roads.len(), county.roads.len());
    for (a, b) in roads.iter().zip(&county.roads) {
        assert_eq!((&a.highway, a.coords.len()), (&b.highway, b.coords.len()));
        assert!(a.coords.iter().zip(&b.coords).all(|(p, q)| near(*p, *q)));
        let (sa, sb) = (a.speed_kmh.unwrap(), b.speed_kmh.unwrap());
        assert!((sa - sb).abs() < 1e-9, "speed {sa} against {sb}");
    }
}
