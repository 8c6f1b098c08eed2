//! Bad input: each case gets a one-paragraph error naming the file, the place and the value,
//! exit code 2, and nothing in the output folder. Runs the real binary on a copy of the tiny
//! fixture with one thing broken.

mod common;

use common::fixture;
use std::path::Path;
use std::process::Command;

/// Copies the tiny fixture to a temp folder, lets `break_it` damage it, runs `solve`, and
/// returns (exit code, stderr). Asserts that no output (or staging) folder was left behind.
fn run_broken(break_it: impl FnOnce(&Path)) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "villages.csv",
        "sites.csv",
        "roads.csv",
        "scenario.toml",
        "villages.geojson",
        "sites.geojson",
        "roads.geojson",
    ] {
        std::fs::copy(fixture("tiny").join(f), tmp.path().join(f)).unwrap();
    }
    break_it(tmp.path());
    let out = tmp.path().join("out");
    let result = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args([
            "solve",
            tmp.path().join("scenario.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    assert!(!out.exists(), "an output folder was written");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "staging leftovers: {leftovers:?}");
    (
        result.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&result.stderr).into_owned(),
    )
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn assert_error(code: i32, stderr: &str, needles: &[&str]) {
    assert_eq!(code, 2, "exit code; stderr: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "stderr lacks `{n}`: {stderr}");
    }
    // One paragraph, then that nothing was written.
    let lines: Vec<&str> = stderr.trim().lines().collect();
    assert_eq!(lines.len(), 2, "one paragraph: {stderr}");
    assert!(lines[1].starts_with("nothing was written"), "{stderr}");
}

#[test]
fn missing_file() {
    let (code, err) = run_broken(|d| std::fs::remove_file(d.join("villages.csv")).unwrap());
    // Named by the scenario key, as written and as resolved; the OS reason not twice.
    assert_error(
        code,
        &err,
        &[
            "scenario.toml",
            "[inputs] villages",
            "\"villages.csv\" is /",
            "does not exist",
            "relative to the scenario file",
        ],
    );
    assert!(!err.contains("os error 2"), "{err}");
}

#[test]
fn missing_column() {
    let (code, err) = run_broken(|d| edit(d, "villages.csv", "elders", "old_people"));
    assert_error(
        code,
        &err,
        &["villages.csv", "missing column `elders`", "old_people"],
    );
}

#[test]
fn non_numeric_coordinate() {
    let (code, err) = run_broken(|d| edit(d, "villages.csv", "1.509000", "1.5O9"));
    assert_error(code, &err, &["villages.csv", "line 3", "`lon`", "1.5O9"]);
}

#[test]
fn nan_coordinate() {
    let (code, err) = run_broken(|d| edit(d, "sites.csv", "42.512100", "NaN"));
    assert_error(code, &err, &["sites.csv", "line 4", "`lat`", "NaN"]);
}

#[test]
fn latitude_out_of_range() {
    let (code, err) = run_broken(|d| edit(d, "villages.csv", "42.500700", "142.5007"));
    assert_error(code, &err, &["villages.csv", "line 2", "latitude 142.5007"]);
}

#[test]
fn swapped_lon_lat_in_csv() {
    let (code, err) = run_broken(|d| {
        let p = d.join("villages.csv");
        let text = std::fs::read_to_string(&p).unwrap().replacen(
            "id,name,town,lon,lat",
            "id,name,town,lat,lon",
            1,
        );
        std::fs::write(p, text).unwrap();
    });
    assert_error(
        code,
        &err,
        &[
            "villages.csv",
            "swapped",
            "no point lies within the road network",
        ],
    );
}

#[test]
fn swapped_lon_lat_in_geojson() {
    let (code, err) = run_broken(|d| {
        let p = d.join("sites.geojson");
        let mut fc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        for f in fc["features"].as_array_mut().unwrap() {
            f["geometry"]["coordinates"]
                .as_array_mut()
                .unwrap()
                .reverse();
        }
        std::fs::write(p, fc.to_string()).unwrap();
        edit(d, "scenario.toml", "sites.csv", "sites.geojson");
    });
    assert_error(code, &err, &["sites.geojson", "swapped"]);
}

#[test]
fn duplicate_ids() {
    let (code, err) = run_broken(|d| edit(d, "sites.csv", "s4,", "s2,"));
    assert_error(
        code,
        &err,
        &["sites.csv", "line 5", "duplicate id `s2`", "line 3"],
    );
}

#[test]
fn duplicate_ids_in_geojson() {
    let (code, err) = run_broken(|d| {
        edit(d, "villages.geojson", "\"v3\"", "\"v1\"");
        edit(d, "scenario.toml", "villages.csv", "villages.geojson");
    });
    assert_error(
        code,
        &err,
        &["villages.geojson", "feature 3", "duplicate id `v1`"],
    );
}

#[test]
fn negative_elders() {
    let (code, err) = run_broken(|d| edit(d, "villages.csv", ",500,120,", ",500,-120,"));
    assert_error(
        code,
        &err,
        &["villages.csv", "line 3", "`elders`", "-120 is negative"],
    );
}

#[test]
fn empty_road_file() {
    let (code, err) = run_broken(|d| std::fs::write(d.join("roads.csv"), "wkt,highway\n").unwrap());
    assert_error(code, &err, &["roads.csv", "no road lines found"]);
}

#[test]
fn zero_byte_road_file() {
    let (code, err) = run_broken(|d| std::fs::write(d.join("roads.csv"), "").unwrap());
    assert_error(code, &err, &["roads.csv"]);
}

#[test]
fn bad_wkt() {
    let (code, err) = run_broken(|d| {
        edit(
            d,
            "roads.csv",
            "LINESTRING (1.500000 42.503000,",
            "LINESTRING (1.500000,",
        )
    });
    assert_error(code, &err, &["roads.csv", "line 3", "WKT"]);
}

#[test]
fn radius_not_positive() {
    let (code, err) = run_broken(|d| edit(d, "scenario.toml", "radius_min = 6", "radius_min = 0"));
    assert_error(code, &err, &["scenario.toml", "`point`", "radius_min", "0"]);
}

#[test]
fn budget_below_every_site_cost() {
    let (code, err) = run_broken(|d| edit(d, "scenario.toml", "budget = 60000", "budget = 1000"));
    assert_error(
        code,
        &err,
        &["scenario.toml", "`point`", "budget 1000", "cheapest"],
    );
}

#[test]
fn unknown_scenario_key() {
    let (code, err) = run_broken(|d| {
        edit(
            d,
            "scenario.toml",
            "radius_min = 6",
            "radius_min = 6\nradius_km = 3",
        )
    });
    assert_error(code, &err, &["scenario.toml", "radius_km"]);
}

#[test]
fn tier_without_eligible_sites() {
    let (code, err) =
        run_broken(|d| edit(d, "scenario.toml", "[\"school\", \"hall\"]", "[\"pagoda\"]"));
    assert_error(code, &err, &["scenario.toml", "pagoda", "kinds present"]);
}

#[test]
fn unknown_file_type() {
    let (code, err) = run_broken(|d| {
        std::fs::copy(d.join("roads.csv"), d.join("roads.dwg")).unwrap();
        edit(d, "scenario.toml", "roads.csv", "roads.dwg")
    });
    assert_error(code, &err, &["roads.dwg", "unknown file type"]);
}

#[test]
fn usage_error_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(["solve"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn xlsx_scenario(d: &Path, sheet: &str, elders_header: &str) {
    std::fs::copy(fixture("tiny/villages.xlsx"), d.join("villages.xlsx")).unwrap();
    edit(
        d,
        "scenario.toml",
        "villages = \"villages.csv\"",
        &format!(
            "villages = \"villages.xlsx\"\nvillages_sheet = \"{sheet}\"\nvillages_columns = {{ id = \"村编号\", elders = \"{elders_header}\", lon = \"经度\", lat = \"纬度\" }}"
        ),
    );
}

#[test]
fn xlsx_missing_sheet() {
    let (code, err) = run_broken(|d| xlsx_scenario(d, "Sheet9", "60岁以上老人"));
    assert_error(
        code,
        &err,
        &["villages.xlsx", "no sheet `Sheet9`", "村庄名册"],
    );
}

#[test]
fn xlsx_mapped_header_not_found() {
    let (code, err) = run_broken(|d| xlsx_scenario(d, "村庄名册", "老人数"));
    assert_error(
        code,
        &err,
        &["villages.xlsx", "`elders`", "老人数", "60岁以上老人"],
    );
}

#[test]
fn xlsx_bad_cell_names_sheet_and_row() {
    // Latitude mapped to the population column by mistake: 800 is no latitude, and the error
    // names the sheet and the row as the spreadsheet shows them.
    let (code, err) = run_broken(|d| {
        xlsx_scenario(d, "村庄名册", "60岁以上老人");
        edit(
            d,
            "scenario.toml",
            "villages_columns = { id = \"村编号\",",
            "villages_columns = { id = \"村编号\", name = \"备注\",",
        );
        edit(
            d,
            "scenario.toml",
            "lat = \"纬度\" }",
            "lat = \"户籍人口\" }",
        );
    });
    assert_error(
        code,
        &err,
        &["villages.xlsx", "sheet `村庄名册`, row 2", "latitude 800"],
    );
}

#[test]
fn shapefile_without_its_dbf() {
    let (code, err) = run_broken(|d| {
        std::fs::create_dir(d.join("shp")).unwrap();
        for ext in ["shp", "shx"] {
            std::fs::copy(
                fixture(&format!("tiny/roads_shp/roads.{ext}")),
                d.join(format!("shp/roads.{ext}")),
            )
            .unwrap();
        }
        edit(d, "scenario.toml", "roads.csv", "shp/roads.shp");
    });
    assert_error(code, &err, &["roads.shp", "Shapefile", ".dbf"]);
}

#[test]
fn elders_so_many_that_sums_overflow_are_refused() {
    // Two villages of 1e308 elders would sum to infinity and print "inf/inf NaN%".
    let (code, err) = run_broken(|d| edit(d, "villages.csv", "800,200,", "800,1e308,"));
    assert_error(code, &err, &["villages.csv", "line 2", "`elders`", "1e308"]);
    let (code, err) = run_broken(|d| edit(d, "villages.csv", "800,200,", "1e200,200,"));
    assert_error(code, &err, &["line 2", "`population`"]);
}

// ---------------------------------------------------------------------------------------------
// Hostile `instance` folders and flags: never a panic, never "optimal" on an invalid problem.

/// A facloc-instance folder with the given files, run as `instance … extra`.
fn instance(files: &[(&str, &str)], extra: &[&str]) -> (i32, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let defaults = [
        ("demand.csv", "id,x,y,weight\nd1,0,0,5\nd2,1,0,3\n"),
        ("sites.csv", "id,x,y,cost\ns1,0,0,1\ns2,1,0,1\ns3,5,5,1\n"),
        ("problem.json", "{\"name\": \"t\"}"),
    ];
    for (name, text) in defaults {
        let text = files
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(text, |(_, t)| *t);
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let dir = tmp.path().to_str().unwrap().to_string();
    let mut args = vec!["instance", dir.as_str()];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(&args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn hostile_instances_are_refused_with_the_column_and_value() {
    let mclp = ["--problem", "mclp", "--radius", "2", "--p", "1"];
    // (files replaced, flags, what the error must say)
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        // NaN, negative or infinite numbers, named by column and value.
        (
            vec![("sites.csv", "id,x,y,cost\ns1,0,0,NaN\n")],
            mclp.to_vec(),
            vec!["sites.csv", "line 2", "`cost`", "NaN"],
        ),
        (
            vec![("demand.csv", "id,x,y,weight\nd1,0,0,-4\n")],
            mclp.to_vec(),
            vec!["demand.csv", "line 2", "`weight`", "negative"],
        ),
        (
            vec![("demand.csv", "id,x,y,weight\nd1,0,0,inf\n")],
            mclp.to_vec(),
            vec!["demand.csv", "`weight`", "inf"],
        ),
        (
            vec![("demand.csv", "id,x,y,weight\nd1,0,zero,4\n")],
            mclp.to_vec(),
            vec!["demand.csv", "line 2", "`y`", "zero"],
        ),
        // An empty demand file, duplicate ids.
        (
            vec![("demand.csv", "id,x,y,weight\n")],
            mclp.to_vec(),
            vec!["demand.csv", "no rows"],
        ),
        (
            vec![("demand.csv", "id,x,y,weight\nd1,0,0,4\nd1,1,1,2\n")],
            mclp.to_vec(),
            vec![
                "demand.csv",
                "line 3",
                "duplicate id `d1` (first used at line 2)",
            ],
        ),
        (
            vec![("costs.csv", "demand_id,site_id,cost\nd1,s9,1\n")],
            mclp.to_vec(),
            vec!["costs.csv", "line 2", "`site_id`", "s9"],
        ),
        // Radii, budgets and time limits out of range, from the file or the flags.
        (
            vec![("problem.json", "{\"radius\": -3}")],
            vec!["--problem", "mclp", "--p", "1"],
            vec!["radius = -3"],
        ),
        (
            vec![],
            vec!["--problem", "mclp", "--radius", "NaN", "--p", "1"],
            vec!["--radius"],
        ),
        (
            vec![],
            vec!["--problem", "mclp", "--radius", "2", "--budget", "-1"],
            vec!["--budget"],
        ),
        (
            vec![],
            vec![
                "--problem",
                "mclp",
                "--radius",
                "2",
                "--p",
                "1",
                "--time-limit",
                "NaN",
            ],
            vec!["--time-limit"],
        ),
        (
            vec![],
            vec![
                "--problem",
                "pmedian",
                "--p",
                "1",
                "--exact",
                "--time-limit",
                "1e300",
            ],
            vec!["--time-limit"],
        ),
    ];
    for (files, args, needles) in cases {
        let (code, stdout, stderr) = instance(&files, &args);
        assert_eq!(code, 2, "{files:?} {args:?}: {stderr}");
        assert!(!stdout.contains("optimal"), "{stdout}");
        for n in needles {
            assert!(
                stderr.contains(n),
                "{files:?} {args:?}: no `{n}` in {stderr}"
            );
        }
    }
}

#[test]
fn p_beyond_the_sites_is_refused_by_every_problem_alike() {
    for problem in ["mclp", "pmedian", "pcenter"] {
        let (code, stdout, stderr) =
            instance(&[], &["--problem", problem, "--radius", "2", "--p", "500"]);
        assert_eq!(code, 2, "{problem}: {stdout} {stderr}");
        assert!(
            stderr.contains("p = 500 must be from 1 to the instance's 3 sites"),
            "{stderr}"
        );
    }
    let (code, stdout, _) = instance(&[], &["--problem", "mclp", "--radius", "2", "--p", "3"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("\"objective\":8"), "{stdout}");
}

// ---------------------------------------------------------------------------------------------
// Column mappings checked both ways; ids the generated candidates use.

#[test]
fn a_column_named_twice_is_refused() {
    let (code, err) = run_broken(|d| edit(d, "villages.csv", ",head\n", ",name\n"));
    assert_error(
        code,
        &err,
        &[
            "villages.csv",
            "column `name` appears twice",
            "columns 2 and 8",
        ],
    );
}

#[test]
fn a_mapping_onto_a_column_the_file_also_has_is_refused() {
    let (code, err) = run_broken(|d| {
        edit(
            d,
            "scenario.toml",
            "villages = \"villages.csv\"",
            "villages = \"villages.csv\"\nvillages_columns = { name = \"head\" }",
        )
    });
    assert_error(
        code,
        &err,
        &["maps `name` to column `head`", "also has a column `name`"],
    );
}

#[test]
fn a_geojson_mapping_to_an_absent_property_is_refused_not_ignored() {
    let (code, err) = run_broken(|d| {
        edit(
            d,
            "scenario.toml",
            "villages = \"villages.csv\"",
            "villages = \"villages.geojson\"\nvillages_columns = { population = \"populaton\" }",
        )
    });
    assert_error(
        code,
        &err,
        &[
            "villages.geojson",
            "maps `population` to property `populaton`",
            "no feature",
        ],
    );
}

#[test]
fn a_site_id_of_the_generated_village_candidates_is_refused() {
    let (code, err) = run_broken(|d| {
        edit(d, "sites.csv", "\ns1,", "\nvillage:v1,");
        edit(
            d,
            "scenario.toml",
            "[[tier]]\n",
            "[[tier]]\nat_villages = true\n",
        );
    });
    assert_error(code, &err, &["sites.csv", "village:v1", "at_villages"]);
}

#[test]
fn a_bad_value_in_a_mapped_column_is_named_by_the_users_heading() {
    let (code, err) = run_broken(|d| {
        edit(d, "villages.csv", ",elders,", ",老人数,");
        edit(d, "villages.csv", "800,200,", "800,二百,");
        edit(
            d,
            "scenario.toml",
            "villages = \"villages.csv\"",
            "villages = \"villages.csv\"\nvillages_columns = { elders = \"老人数\" }",
        );
    });
    assert_error(
        code,
        &err,
        &[
            "villages.csv",
            "line 2",
            "column `老人数` (field `elders`)",
            "二百",
        ],
    );
}

/// Appends `[network]` with `lines` to the tiny scenario and writes `tile` (name, bytes).
fn with_dem(dir: &Path, lines: &str, tile: Option<(&str, Vec<u8>)>) {
    let p = dir.join("scenario.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(&format!("\n[network]\n{lines}\n"));
    std::fs::write(&p, text).unwrap();
    if let Some((name, bytes)) = tile {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// A whole SRTM3 tile of one height (or void, -32768).
fn tile_of(height: i16) -> Vec<u8> {
    (0..1201 * 1201)
        .flat_map(|_| height.to_be_bytes())
        .collect()
}

#[test]
fn dem_truncated() {
    let (code, err) = run_broken(|d| {
        with_dem(
            d,
            "dem = \"N42E001.hgt\"",
            Some(("N42E001.hgt", vec![0; 1000])),
        );
    });
    assert_error(code, &err, &["N42E001.hgt", "[network] dem", "1000 bytes"]);
}

#[test]
fn dem_all_voids() {
    let (code, err) = run_broken(|d| {
        with_dem(
            d,
            "dem = \"N42E001.hgt\"",
            Some(("N42E001.hgt", tile_of(-32768))),
        );
    });
    assert_error(code, &err, &["N42E001.hgt", "void"]);
}

#[test]
fn dem_missing() {
    let (code, err) = run_broken(|d| with_dem(d, "dem = \"N42E001.hgt\"", None));
    assert_error(
        code,
        &err,
        &["[network] dem", "N42E001.hgt", "does not exist"],
    );
}

/// A tile of another part of the world: every road is outside it.
#[test]
fn dem_not_covering_the_roads() {
    let (code, err) = run_broken(|d| {
        with_dem(
            d,
            "dem = \"N10E010.hgt\"",
            Some(("N10E010.hgt", tile_of(100))),
        );
    });
    assert_error(
        code,
        &err,
        &[
            "N10E010.hgt",
            "100.0 %",
            "leave the elevation model",
            "dem_outside",
        ],
    );
}

#[test]
fn dem_outside_must_be_refuse_or_flat() {
    let (code, err) = run_broken(|d| {
        with_dem(
            d,
            "dem = \"N42E001.hgt\"\ndem_outside = \"guess\"",
            Some(("N42E001.hgt", tile_of(100))),
        );
    });
    assert_error(code, &err, &["scenario.toml", "dem_outside", "guess"]);
}

/// With `dem_outside = "flat"` the same run goes through, on the flat, and says so.
#[test]
fn dem_outside_flat_walks_on_the_flat_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["villages.csv", "sites.csv", "roads.csv", "scenario.toml"] {
        std::fs::copy(fixture("tiny").join(f), tmp.path().join(f)).unwrap();
    }
    with_dem(
        tmp.path(),
        "dem = \"N10E010.hgt\"\ndem_outside = \"flat\"",
        Some(("N10E010.hgt", tile_of(100))),
    );
    let out = tmp.path().join("out");
    let result = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(["--lang", "en", "solve"])
        .arg(tmp.path().join("scenario.toml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("outside the elevation tiles: walked as on the flat"),
        "{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let terrain = &summary["network"]["terrain"];
    assert_eq!(terrain["flat_segments"], terrain["walk_segments"]);
    assert_eq!(terrain["share_on_terrain"], 0.0);
}

#[test]
fn walk_grade_factors_need_a_dem_and_ascending_grades() {
    let (code, err) =
        run_broken(|d| with_dem(d, "walk_grade_factors = [[0, 1], [0.1, 0.8]]", None));
    assert_error(
        code,
        &err,
        &["scenario.toml", "walk_grade_factors", "applies to `dem`"],
    );
    let (code, err) = run_broken(|d| {
        with_dem(
            d,
            "dem = \"N42E001.hgt\"\nwalk_grade_factors = [[0.1, 1], [0, 0.8]]",
            Some(("N42E001.hgt", tile_of(100))),
        );
    });
    assert_error(
        code,
        &err,
        &[
            "scenario.toml",
            "walk_grade_factors",
            "ascend",
            "0 follows 0.1",
        ],
    );
}

#[test]
fn ferry_settings_and_crossing_times_are_checked() {
    let (code, err) = run_broken(|d| with_dem(d, "ferry_wait_min = -5", None));
    assert_error(code, &err, &["scenario.toml", "ferry_wait_min", "-5"]);
    let (code, err) = run_broken(|d| with_dem(d, "ferries = false\nferry_kmh = 12", None));
    assert_error(
        code,
        &err,
        &["scenario.toml", "ferry_kmh", "ferries = false"],
    );
    let (code, err) = run_broken(|d| with_dem(d, "drive_grade_factor = 1", None));
    assert_error(code, &err, &["drive_grade_factor", "applies to `dem`"]);
    // A crossing time in a roads table: only on ferries, and a time.
    let ferry_row = |duration: &str, class: &str| {
        format!(
            "wkt,highway,speed_kmh,oneway,duration\n\"LINESTRING (1.520000 42.500000, 1.530000 42.500000)\",{class},,,{duration}\n"
        )
    };
    for (duration, class, needles) in [
        ("soon", "ferry", vec!["duration", "`soon`", "crossing time"]),
        ("20", "primary", vec!["duration", "only ferries"]),
    ] {
        let (code, err) = run_broken(|d| {
            let text = std::fs::read_to_string(d.join("roads.csv")).unwrap();
            let body: String = text.lines().skip(1).map(|l| format!("{l},\n")).collect();
            let row = ferry_row(duration, class);
            std::fs::write(d.join("roads.csv"), format!("{row}{body}")).unwrap();
        });
        let mut all = vec!["roads.csv", "line 2"];
        all.extend(needles);
        assert_error(code, &err, &all);
    }
}
