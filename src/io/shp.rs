//! ESRI Shapefiles (`.shp` with `.shx`, `.dbf` and optionally `.cpg`), read with the pure-Rust
//! `shapefile` crate: villages and sites as Point layers, roads as PolyLine layers. Attribute
//! text is decoded with the encoding the `.cpg` file names; without one, as UTF-8 if it is, else
//! as GBK (what Chinese GIS software writes).
//! Field names are mapped by the same `columns` table as spreadsheets (dBase field names are at
//! most 10 characters, so rosters rarely use carecover's names).

use super::row::{self, Row};
use super::table::TableOptions;
use super::{RoadLine, check_lonlat};
use crate::error::{Error, Result};
use crate::model::{LonLat, Site, Village};
use shapefile::dbase::FieldValue;
use shapefile::{Shape, dbase::Record};
use std::path::Path;

fn read(path: &Path) -> Result<Vec<(Shape, Record)>> {
    if !path.exists() {
        return Err(Error::Read {
            file: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    let unreadable = |e: shapefile::Error| {
        Error::file(
            path,
            format!("not a readable Shapefile (the .shp needs its .shx and .dbf beside it): {e}"),
        )
    };
    if path.with_extension("cpg").exists() {
        return shapefile::read(path).map_err(unreadable);
    }
    // No .cpg naming the encoding: UTF-8 if the text is UTF-8, else GBK (what Chinese GIS
    // software writes by default).
    fn with<E: Into<shapefile::dbase::encoding::DynEncoding>>(
        path: &Path,
        encoding: E,
    ) -> std::result::Result<Vec<(Shape, Record)>, shapefile::Error> {
        let shapes = shapefile::ShapeReader::from_path(path)?;
        let dbf = std::fs::File::open(path.with_extension("dbf"))
            .map_err(|_| shapefile::Error::MissingDbf)?;
        let records = shapefile::dbase::ReaderBuilder::new()
            .with_encoding(encoding)
            .build(std::io::BufReader::new(dbf))?;
        shapefile::Reader::new(shapes, records).read()
    }
    let gbk = shapefile::dbase::encoding::DynEncoding::from_name("GBK").expect("GBK is known");
    // Strict UTF-8 (an error on other bytes), then GBK.
    with(path, shapefile::dbase::encoding::Unicode)
        .or_else(|_| with(path, gbk))
        .map_err(unreadable)
}

fn text(v: &FieldValue) -> String {
    match v {
        FieldValue::Character(s) => s.clone().unwrap_or_default(),
        FieldValue::Memo(s) => s.clone(),
        FieldValue::Numeric(x) => x.map(|x| x.to_string()).unwrap_or_default(),
        FieldValue::Float(x) => x.map(|x| x.to_string()).unwrap_or_default(),
        FieldValue::Logical(b) => b.map(|b| b.to_string()).unwrap_or_default(),
        FieldValue::Integer(i) => i.to_string(),
        FieldValue::Double(x) | FieldValue::Currency(x) => x.to_string(),
        other => format!("{other:?}"),
    }
}

/// The record's attributes as a row, fields renamed by `options`.
fn row<'a>(
    path: &'a Path,
    index: usize,
    record: Record,
    options: &TableOptions,
) -> Result<Row<'a>> {
    let (mut names, values): (Vec<String>, Vec<String>) =
        record.into_iter().map(|(k, v)| (k, text(&v))).unzip();
    options.rename(path, &mut names)?;
    Ok(Row {
        file: path,
        place: format!("record {}", index + 1),
        fields: names.into_iter().zip(values).collect(),
    })
}

/// Point records as rows with `lon`/`lat` from the geometry.
fn point_rows<'a>(path: &'a Path, options: &TableOptions) -> Result<Vec<Row<'a>>> {
    let mut rows = Vec::new();
    for (k, (shape, record)) in read(path)?.into_iter().enumerate() {
        let (x, y) = match shape {
            Shape::Point(p) => (p.x, p.y),
            Shape::PointM(p) => (p.x, p.y),
            Shape::PointZ(p) => (p.x, p.y),
            other => {
                return Err(Error::input(
                    path,
                    format!("record {}", k + 1),
                    format!("expected a Point, found {}", other.shapetype()),
                ));
            }
        };
        let mut r = row(path, k, record, options)?;
        r.fields.retain(|(f, _)| f != "lon" && f != "lat");
        r.fields.push(("lon".into(), x.to_string()));
        r.fields.push(("lat".into(), y.to_string()));
        rows.push(r);
    }
    if rows.is_empty() {
        return Err(Error::file(path, "the Shapefile has no records"));
    }
    Ok(rows)
}

/// Reads villages from a Point Shapefile.
pub fn read_villages_shp(path: &Path, options: &TableOptions) -> Result<Vec<Village>> {
    super::records(path, point_rows(path, options)?, row::village, |v| &v.key)
}

/// Reads sites from a Point Shapefile.
pub fn read_sites_shp(path: &Path, options: &TableOptions) -> Result<Vec<Site>> {
    super::records(path, point_rows(path, options)?, row::site, |s| &s.key)
}

/// Reads road lines from a PolyLine Shapefile (each part a line) with optional `highway`,
/// `speed_kmh`, `oneway` or `direction` attributes.
pub fn read_roads_shp(path: &Path) -> Result<Vec<RoadLine>> {
    let mut lines = Vec::new();
    for (k, (shape, record)) in read(path)?.into_iter().enumerate() {
        let parts: Vec<Vec<(f64, f64)>> = match shape {
            Shape::Polyline(l) => l
                .parts()
                .iter()
                .map(|p| p.iter().map(|q| (q.x, q.y)).collect())
                .collect(),
            Shape::PolylineM(l) => l
                .parts()
                .iter()
                .map(|p| p.iter().map(|q| (q.x, q.y)).collect())
                .collect(),
            Shape::PolylineZ(l) => l
                .parts()
                .iter()
                .map(|p| p.iter().map(|q| (q.x, q.y)).collect())
                .collect(),
            other => {
                return Err(Error::input(
                    path,
                    format!("record {}", k + 1),
                    format!("expected a PolyLine, found {}", other.shapetype()),
                ));
            }
        };
        let r = row(path, k, record, &TableOptions::default())?;
        for part in parts {
            let coords = part
                .into_iter()
                .map(|(x, y)| check_lonlat(path, &r.place, x, y))
                .collect::<Result<Vec<LonLat>>>()?;
            lines.push(row::road(&r, coords)?);
        }
    }
    Ok(lines)
}
