//! Every parser on arbitrary bytes and on mutated valid files: no panic, and every refusal
//! names the file. The default test run tries 64 cases per parser and kind; a longer run
//! outside it (10,000 per parser and kind, about 2 minutes on 2 cores):
//!
//! ```sh
//! CARECOVER_FUZZ_CASES=10000 cargo test --release --test fuzz
//! ```

mod common;

use carecover::io::{self, TableOptions};
use carecover::scenario::Scenario;
use common::fixture;
use proptest::prelude::*;
use std::path::Path;

fn cases() -> u32 {
    std::env::var("CARECOVER_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64)
}

/// A parser of one kind of input file, and a valid file of that kind to mutate.
struct Parser {
    name: &'static str,
    /// The file name it is written to (the extension picks the format).
    file: &'static str,
    sample: &'static str,
    read: fn(&Path) -> Result<(), String>,
}

fn err<T>(r: carecover::error::Result<T>) -> Result<(), String> {
    r.map(|_| ()).map_err(|e| e.to_string())
}

const PARSERS: &[Parser] = &[
    Parser {
        name: "villages csv",
        file: "v.csv",
        sample: "tiny/villages.csv",
        read: |p| err(io::load_villages(p, &TableOptions::default())),
    },
    Parser {
        name: "sites csv",
        file: "s.csv",
        sample: "tiny/sites.csv",
        read: |p| err(io::load_sites(p, &TableOptions::default())),
    },
    Parser {
        name: "roads csv (WKT)",
        file: "r.csv",
        sample: "tiny/roads.csv",
        read: |p| err(io::load_roads(p)),
    },
    Parser {
        name: "villages geojson",
        file: "v.geojson",
        sample: "tiny/villages.geojson",
        read: |p| err(io::load_villages(p, &TableOptions::default())),
    },
    Parser {
        name: "roads geojson",
        file: "r.geojson",
        sample: "tiny/roads.geojson",
        read: |p| err(io::load_roads(p)),
    },
    Parser {
        name: "villages xlsx",
        file: "v.xlsx",
        sample: "tiny/villages.xlsx",
        read: |p| {
            let options: TableOptions = toml::from_str(
                "sheet = \"村庄名册\"\ncolumns = { id = \"村编号\", elders = \"60岁以上老人\", lon = \"经度\", lat = \"纬度\" }",
            )
            .unwrap();
            err(io::load_villages(p, &options))
        },
    },
    Parser {
        name: "towns roster",
        file: "t.csv",
        sample: "../../scenarios/jiangjin_towns.csv",
        read: |p| err(io::load_towns(p, &TableOptions::default())),
    },
    Parser {
        name: "plan table",
        file: "plan.csv",
        sample: "../../scenarios/andorra_plan_2025.csv",
        read: |p| err(io::read_plan_table(p, None)),
    },
    Parser {
        name: "OR-Library p-median",
        file: "pmed.txt",
        sample: "bench/pmed1.txt",
        read: |p| err(io::read_orlib_pmed(p)),
    },
    Parser {
        name: "TSPLIB MCLP",
        file: "mclp.txt",
        sample: "bench/tiny_mclp.txt",
        read: |p| err(io::read_tsplib_mclp(p, 10.0)),
    },
    Parser {
        name: "facloc instance (demand.csv beside fixed sites.csv, problem.json)",
        file: "demand.csv",
        sample: "bench/facloc_demand.csv",
        read: |p| {
            std::fs::write(
                p.with_file_name("sites.csv"),
                "id,x,y,cost\ns1,0,0,1\ns2,2,1,1\n",
            )
            .unwrap();
            std::fs::write(p.with_file_name("problem.json"), "{\"radius\": 1.5}").unwrap();
            err(io::read_facloc_dir(p.parent().unwrap(), Some(1.5)))
        },
    },
    Parser {
        name: "OSM PBF (the sample is the tiny CSV roads: not PBF at all)",
        file: "r.osm.pbf",
        sample: "tiny/roads.csv",
        read: |p| err(io::load_roads(p)),
    },
    Parser {
        name: "SRTM elevation tile (zipped)",
        file: "N42E001.hgt.zip",
        sample: "../../data/andorra/N42E001.hgt.zip",
        read: |p| err(io::load_dem(p)),
    },
    Parser {
        name: "GeoTIFF elevation model (float, LZW tiles)",
        file: "andorra.tif",
        sample: "dem/andorra_f32.tif",
        read: |p| err(io::load_dem(p)),
    },
    Parser {
        name: "scenario",
        file: "scenario.toml",
        sample: "tiny_policy/scenario.toml",
        read: |p| err(Scenario::load(p)),
    },
];

/// Runs `parser` on `bytes`: a panic fails the case; a refusal must name the file.
fn check(parser: &Parser, bytes: &[u8]) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(parser.file);
    std::fs::write(&path, bytes).unwrap();
    if let Err(e) = (parser.read)(&path) {
        prop_assert!(
            e.contains(parser.file),
            "{}: the error does not name the file: {e}",
            parser.name
        );
    }
    Ok(())
}

/// Byte edits: (position as a share of the length, byte, 0 replace / 1 insert / 2 delete).
fn edits() -> impl Strategy<Value = Vec<(f64, u8, u8)>> {
    proptest::collection::vec((0.0f64..1.0, any::<u8>(), 0u8..3), 1..8)
}

fn mutate(mut bytes: Vec<u8>, edits: &[(f64, u8, u8)]) -> Vec<u8> {
    for &(at, b, op) in edits {
        let i = ((at * bytes.len() as f64) as usize).min(bytes.len());
        match op {
            0 if i < bytes.len() => bytes[i] = b,
            1 => bytes.insert(i, b),
            _ if i < bytes.len() => {
                bytes.remove(i);
            }
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Each case goes to every parser, so N cases are N per parser.
    #[test]
    fn parsers_survive_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        for p in PARSERS {
            check(p, &bytes)?;
        }
    }

    #[test]
    fn parsers_survive_mutated_valid_files(edits in edits()) {
        for p in PARSERS {
            let sample = std::fs::read(fixture(p.sample)).unwrap();
            check(p, &mutate(sample, &edits))?;
        }
    }

    /// Arbitrary text where numbers go: CSV cells of a valid roster.
    #[test]
    fn villages_survive_arbitrary_cells(row in 1usize..9, col in 0usize..8, cell in "\\PC{0,12}") {
        let text = std::fs::read_to_string(fixture("tiny/villages.csv")).unwrap();
        let mut lines: Vec<Vec<String>> = text.lines().map(|l| l.split(',').map(str::to_string).collect()).collect();
        if let Some(c) = lines.get_mut(row).and_then(|l| l.get_mut(col)) {
            *c = cell.replace([',', '"', '\n', '\r'], "");
        }
        let text: String = lines.iter().map(|l| l.join(",") + "\n").collect();
        check(&PARSERS[0], text.as_bytes())?;
    }
}

#[test]
fn every_sample_parses_unmutated() {
    // The mutations start from valid files (the scenario's inputs lie in its own folder, so it
    // is checked as a file only).
    for p in PARSERS {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(p.file);
        std::fs::copy(fixture(p.sample), &path).unwrap();
        if p.name != "scenario" && !p.name.starts_with("OSM") {
            assert!((p.read)(&path).is_ok(), "{}: {:?}", p.name, (p.read)(&path));
        }
    }
}
