//! Reading the inputs: villages, sites and roads, from CSV, GeoJSON and OpenStreetMap PBF.
//!
//! Every parser works from a reader (so tests feed bytes from memory) and takes the file's path
//! only to name it in errors. The `load_*` functions open a path and pick the parser by the
//! file's extension. Coordinates are WGS-84 longitude/latitude in degrees.
//!
//! This module knows nothing of networks or solving: it turns files into [`Village`]s,
//! [`Site`]s and [`RoadLine`]s, and checks each value on the way (finite, in range, unique id).

mod crs;
mod csv_input;
mod dem;
mod encoding;
mod facloc;
mod geojson_input;
mod osm;
mod plan_table;
mod row;
mod shp;
mod table;

pub use crs::Crs;
pub use csv_input::{read_roads_csv, read_sites_csv, read_villages_csv};
pub use dem::{Dem, DemError};
pub use facloc::{
    FacilityInstance, read_facloc_dir, read_facloc_radius, read_orlib_pmed, read_tsplib_mclp,
};
pub use geojson_input::{read_roads_geojson, read_sites_geojson, read_villages_geojson};
pub use osm::{OsmExtract, OsmPlace, OsmPoi, read_osm_extract, read_roads_osm_pbf};
pub use plan_table::{PlannedTown, read_plan_table};
pub use shp::{read_roads_shp, read_sites_shp, read_villages_shp};
pub use table::TableOptions;

use crate::error::{Error, Result};
use crate::model::{LonLat, Site, Town, Village};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Direction(s) in which vehicles may drive along a road line (pedestrians always walk both ways).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oneway {
    Both,
    /// Only from the first coordinate towards the last.
    Forward,
    /// Only from the last coordinate towards the first.
    Backward,
}

/// One road polyline with the attributes the travel-time profile needs.
#[derive(Clone, Debug, PartialEq)]
pub struct RoadLine {
    pub coords: Vec<LonLat>,
    /// OSM-style road class (`primary`, `residential`, `footway`, ...); `unclassified` when the
    /// input does not say.
    pub highway: String,
    /// Explicit driving speed, overriding the class's default.
    pub speed_kmh: Option<f64>,
    /// Legal speed limit (OSM `maxspeed`): caps the class's default speed.
    pub maxspeed_kmh: Option<f64>,
    pub oneway: Oneway,
    /// Explicit walking access (`Some(false)` for OSM `foot=no`), overriding the class's default.
    pub walk: Option<bool>,
    /// Explicit driving access (`Some(false)` for OSM `access=no`), overriding the class's default.
    pub drive: Option<bool>,
    /// A ferry's crossing time as tagged (OSM `duration`), minutes. Ferries are lines of class
    /// [`FERRY`] (OSM `route=ferry`).
    pub crossing_min: Option<f64>,
}

/// The road class of ferry crossings (OSM `route=ferry` ways; `highway = ferry` in tables).
pub const FERRY: &str = "ferry";

impl RoadLine {
    /// A two-way line of the given class with no overrides.
    pub fn new(coords: Vec<LonLat>, highway: &str) -> Self {
        Self {
            coords,
            highway: highway.to_string(),
            speed_kmh: None,
            maxspeed_kmh: None,
            oneway: Oneway::Both,
            walk: None,
            drive: None,
            crossing_min: None,
        }
    }

    /// A ferry crossing rather than a road.
    pub fn is_ferry(&self) -> bool {
        self.highway == FERRY
    }
}

/// A duration as OSM's `duration` tag writes it: minutes (`20`), `hh:mm`, `hh:mm:ss`, or
/// ISO 8601 (`PT1H20M`); `None` if it is none of these or not positive.
pub fn parse_duration_min(v: &str) -> Option<f64> {
    let v = v.trim();
    let minutes = if let Some(iso) = v.strip_prefix("PT").or_else(|| v.strip_prefix("pt")) {
        let mut total = 0.0;
        let mut number = String::new();
        for c in iso.chars() {
            match c.to_ascii_uppercase() {
                d if d.is_ascii_digit() || d == '.' => number.push(d),
                unit @ ('H' | 'M' | 'S') => {
                    let n: f64 = number.parse().ok()?;
                    total += n * match unit {
                        'H' => 60.0,
                        'M' => 1.0,
                        _ => 1.0 / 60.0,
                    };
                    number.clear();
                }
                _ => return None,
            }
        }
        if !number.is_empty() {
            return None;
        }
        total
    } else {
        let parts: Vec<f64> = v
            .split(':')
            .map(|p| p.trim().parse::<f64>().ok().filter(|x| *x >= 0.0))
            .collect::<Option<_>>()?;
        match parts[..] {
            [m] => m,
            [h, m] => h * 60.0 + m,
            [h, m, s] => h * 60.0 + m + s / 60.0,
            _ => return None,
        }
    };
    (minutes > 0.0 && minutes.is_finite()).then_some(minutes)
}

/// The file formats the loaders recognise, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    CsvGz,
    GeoJson,
    OsmPbf,
    Spreadsheet,
    Shapefile,
}

fn format_of(path: &Path) -> Result<Format> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".csv.gz") {
        Ok(Format::CsvGz)
    } else if name.ends_with(".csv") {
        Ok(Format::Csv)
    } else if name.ends_with(".geojson") || name.ends_with(".json") {
        Ok(Format::GeoJson)
    } else if name.ends_with(".pbf") {
        Ok(Format::OsmPbf)
    } else if [".xlsx", ".xlsm", ".xls", ".ods"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        Ok(Format::Spreadsheet)
    } else if name.ends_with(".shp") {
        Ok(Format::Shapefile)
    } else {
        Err(Error::file(
            path,
            "unknown file type: use .csv, .csv.gz, .xlsx (or .xls, .ods), .geojson (or .json) or .osm.pbf",
        ))
    }
}

/// Opens a file for reading, mapping "not found" and friends to an error naming the file.
pub(crate) fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|source| Error::Read {
            file: path.to_path_buf(),
            source,
        })
}

fn open_format(path: &Path) -> Result<(Format, Box<dyn Read>)> {
    let format = format_of(path)?;
    let file = open(path)?;
    let reader: Box<dyn Read> = match format {
        Format::CsvGz => Box::new(flate2::read::MultiGzDecoder::new(file)),
        _ => Box::new(file),
    };
    let reader = match format {
        Format::Csv | Format::CsvGz => encoding::utf8_reader(reader, path)?,
        _ => reader,
    };
    Ok((format, reader))
}

/// Loads villages from a `.csv`, spreadsheet or `.geojson` file; `options` name the sheet and map
/// the file's headers (tables only).
pub fn load_villages(path: &Path, options: &TableOptions) -> Result<Vec<Village>> {
    load_villages_as_mapped(path, options).map_err(|e| options.name_fields(e))
}

fn load_villages_as_mapped(path: &Path, options: &TableOptions) -> Result<Vec<Village>> {
    match format_of(path)? {
        Format::Spreadsheet => {
            sheet_records(path, options, row::VILLAGE_REQUIRED, row::village, |v| {
                &v.key
            })
        }
        Format::Shapefile => read_villages_shp(path, options),
        Format::OsmPbf => Err(Error::file(
            path,
            "villages are read from CSV, spreadsheets, Shapefiles or GeoJSON; derive them from OSM with `cargo run --example derive_andorra`",
        )),
        _ => match open_format(path)? {
            (Format::GeoJson, r) => read_villages_geojson(r, path, options),
            (_, r) => read_villages_csv(r, path, options),
        },
    }
}

/// Loads the towns roster (column `town`, optional `kind`) from a `.csv` or spreadsheet file,
/// in its order; a township named twice is an error.
pub fn load_towns(path: &Path, options: &TableOptions) -> Result<Vec<Town>> {
    load_towns_as_mapped(path, options).map_err(|e| options.name_fields(e))
}

fn load_towns_as_mapped(path: &Path, options: &TableOptions) -> Result<Vec<Town>> {
    let mut rows = Vec::new();
    match format_of(path)? {
        Format::Spreadsheet => table::for_each_sheet_row(path, options, row::TOWN_REQUIRED, |r| {
            rows.push(r);
            Ok(())
        })?,
        Format::Csv | Format::CsvGz => {
            let (_, reader) = open_format(path)?;
            let check = |headers: &mut Vec<String>| {
                options.rename(path, headers)?;
                check_columns(path, headers, row::TOWN_REQUIRED)
            };
            csv_input::for_each_row(reader, path, check, |r| {
                rows.push(r);
                Ok(())
            })?
        }
        _ => {
            return Err(Error::file(
                path,
                "the towns roster is read from CSV or a spreadsheet (columns `town`, optional `kind`)",
            ));
        }
    }
    let mut seen: std::collections::HashMap<String, String> = Default::default();
    let mut towns = Vec::with_capacity(rows.len());
    for r in &rows {
        let town = row::town(r)?;
        if let Some(first) = seen.insert(town.name.clone(), r.place.clone()) {
            return Err(Error::input(
                path,
                format!("{}, field `town`", r.place),
                format!(
                    "township `{}` is listed twice (first at {first})",
                    town.name
                ),
            ));
        }
        towns.push(town);
    }
    if towns.is_empty() {
        return Err(Error::file(path, "the towns roster lists no township"));
    }
    Ok(towns)
}

/// Loads candidate and existing sites from a `.csv`, spreadsheet or `.geojson` file.
pub fn load_sites(path: &Path, options: &TableOptions) -> Result<Vec<Site>> {
    load_sites_as_mapped(path, options).map_err(|e| options.name_fields(e))
}

fn load_sites_as_mapped(path: &Path, options: &TableOptions) -> Result<Vec<Site>> {
    match format_of(path)? {
        Format::Spreadsheet => {
            sheet_records(path, options, row::SITE_REQUIRED, row::site, |s| &s.key)
        }
        Format::Shapefile => read_sites_shp(path, options),
        Format::OsmPbf => Err(Error::file(
            path,
            "sites are read from CSV, spreadsheets, Shapefiles or GeoJSON",
        )),
        _ => match open_format(path)? {
            (Format::GeoJson, r) => read_sites_geojson(r, path, options),
            (_, r) => read_sites_csv(r, path, options),
        },
    }
}

fn sheet_records<T>(
    path: &Path,
    options: &TableOptions,
    required: &[&str],
    make: impl Fn(&row::Row) -> Result<T>,
    key: impl Fn(&T) -> &str,
) -> Result<Vec<T>> {
    let mut rows = Vec::new();
    table::for_each_sheet_row(path, options, required, |r| {
        rows.push(r);
        Ok(())
    })?;
    records(path, rows, make, key)
}

/// Builds one record per row, rejecting duplicate ids.
pub(crate) fn records<T>(
    file: &Path,
    rows: Vec<row::Row>,
    make: impl Fn(&row::Row) -> Result<T>,
    key: impl Fn(&T) -> &str,
) -> Result<Vec<T>> {
    let mut keys = UniqueKeys::new();
    rows.iter()
        .map(|r| {
            let value = make(r)?;
            keys.insert(file, &r.place, key(&value))?;
            Ok(value)
        })
        .collect()
}

/// Checks that every `required` column is in `headers`.
pub(crate) fn check_columns(file: &Path, headers: &[String], required: &[&str]) -> Result<()> {
    match required.iter().find(|c| !headers.iter().any(|h| h == *c)) {
        Some(column) => Err(Error::file(
            file,
            format!(
                "missing column `{column}`; the header has: {}; required: {}",
                headers.join(", "),
                required.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// Loads road lines from `.osm.pbf`, `.geojson` or `.csv` / `.csv.gz` (with a WKT column).
/// An input without a single usable road is an error.
/// Reads an elevation tile (`[network] dem`); errors name the file and say what is wrong.
pub fn load_dem(path: &Path) -> Result<Dem> {
    Dem::read(path).map_err(|e| {
        crate::error::Error::input(
            path,
            "[network] dem",
            format!("not a usable elevation tile: {e}"),
        )
    })
}

pub fn load_roads(path: &Path) -> Result<Vec<RoadLine>> {
    let lines = match format_of(path)? {
        Format::OsmPbf => read_roads_osm_pbf(path)?,
        Format::Shapefile => read_roads_shp(path)?,
        Format::Spreadsheet => {
            return Err(Error::file(
                path,
                "roads are read from OSM PBF, Shapefiles, GeoJSON or CSV with a WKT column",
            ));
        }
        _ => match open_format(path)? {
            (Format::GeoJson, r) => read_roads_geojson(r, path)?,
            (_, r) => read_roads_csv(r, path)?,
        },
    };
    if lines.is_empty() {
        return Err(Error::file(
            path,
            "no road lines found (an OSM extract needs ways tagged highway=*, a GeoJSON file LineString features, a CSV file rows with a WKT LINESTRING)",
        ));
    }
    Ok(lines)
}

/// Checks a coordinate pair read from `place` of `file`: finite, latitude within ±90, longitude
/// within ±180.
pub(crate) fn check_lonlat(file: &Path, place: &str, lon: f64, lat: f64) -> Result<LonLat> {
    if !lon.is_finite() || !lat.is_finite() {
        return Err(Error::input(
            file,
            place,
            format!("coordinate is not a finite number (lon {lon}, lat {lat})"),
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        let hint = if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
            "; longitude and latitude look swapped"
        } else {
            ""
        };
        return Err(Error::input(
            file,
            place,
            format!("latitude {lat} is outside -90..90{hint}"),
        ));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(Error::input(
            file,
            place,
            format!("longitude {lon} is outside -180..180"),
        ));
    }
    Ok(LonLat::new(lon, lat))
}

/// Rejects a second record with an id already seen, naming both places.
pub(crate) struct UniqueKeys {
    seen: std::collections::HashMap<String, String>,
}

impl UniqueKeys {
    pub(crate) fn new() -> Self {
        Self {
            seen: Default::default(),
        }
    }

    pub(crate) fn insert(&mut self, file: &Path, place: &str, key: &str) -> Result<()> {
        if key.is_empty() {
            return Err(Error::input(file, place, "`id` is empty"));
        }
        if let Some(first) = self.seen.get(key) {
            return Err(Error::input(
                file,
                place,
                format!("duplicate id `{key}` (first used at {first})"),
            ));
        }
        self.seen.insert(key.to_string(), place.to_string());
        Ok(())
    }
}
