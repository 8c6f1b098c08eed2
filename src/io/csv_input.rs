//! CSV inputs: villages, sites, and road lines with a WKT geometry column.

use super::row::{self, Row};
use super::table::TableOptions;
use super::{RoadLine, check_columns, check_lonlat, records};
use crate::error::{Error, Result};
use crate::model::{LonLat, Site, Village};
use std::io::Read;
use std::path::Path;

/// Streams a CSV file's rows as [`Row`]s: `check_headers` sees the header first (lower-cased
/// for matching), then `each` gets every row.
pub(crate) fn for_each_row<'a>(
    reader: impl Read,
    file: &'a Path,
    check_headers: impl FnOnce(&mut Vec<String>) -> Result<()>,
    mut each: impl FnMut(Row<'a>) -> Result<()>,
) -> Result<()> {
    for_each_record(reader, file, check_headers, |headers, record| {
        each(row_of(file, headers, record))
    })
}

/// Like [`for_each_row`] without building a [`Row`] per line, for large files: `each` gets the
/// headers and the record (fields trimmed) and builds the row with [`row_of`] only where it
/// needs one (to report a bad value with the row reader's own words).
pub(crate) fn for_each_record(
    reader: impl Read,
    file: &Path,
    check_headers: impl FnOnce(&mut Vec<String>) -> Result<()>,
    mut each: impl FnMut(&[String], &csv::StringRecord) -> Result<()>,
) -> Result<()> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let mut headers: Vec<String> = rdr
        .headers()
        .map_err(|e| csv_error(file, e))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    check_headers(&mut headers)?;
    let mut record = csv::StringRecord::new();
    while rdr
        .read_record(&mut record)
        .map_err(|e| csv_error(file, e))?
    {
        each(&headers, &record)?;
    }
    Ok(())
}

/// The [`Row`] of one CSV record.
pub(crate) fn row_of<'a>(
    file: &'a Path,
    headers: &[String],
    record: &csv::StringRecord,
) -> Row<'a> {
    let line = record.position().map_or(0, |p| p.line());
    Row {
        file,
        place: format!("line {line}"),
        fields: headers
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_string))
            .collect(),
    }
}

/// Reads one record per row after renaming headers by `options` and checking the `required`
/// columns; an empty table is an error.
fn read_records<T>(
    reader: impl Read,
    file: &Path,
    options: &TableOptions,
    required: &[&str],
    make: impl Fn(&Row) -> Result<T>,
    key: impl Fn(&T) -> &str,
) -> Result<Vec<T>> {
    let check = |headers: &mut Vec<String>| {
        options.rename(file, headers)?;
        check_columns(file, headers, required)
    };
    let mut rows = Vec::new();
    for_each_row(reader, file, check, |r| {
        rows.push(r);
        Ok(())
    })?;
    if rows.is_empty() {
        return Err(Error::file(file, "the file has a header but no data rows"));
    }
    records(file, rows, make, key)
}

fn csv_error(file: &Path, e: csv::Error) -> Error {
    let place = e.position().map(|p| format!("line {}", p.line()));
    Error::Input {
        file: file.to_path_buf(),
        place,
        message: format!("not a valid CSV file: {e}"),
    }
}

/// Reads villages: columns `id, lon, lat, elders` required; `name, town, population` optional;
/// any other column is passed through to the outputs.
pub fn read_villages_csv(
    reader: impl Read,
    file: &Path,
    options: &TableOptions,
) -> Result<Vec<Village>> {
    read_records(
        reader,
        file,
        options,
        row::VILLAGE_REQUIRED,
        row::village,
        |v| &v.key,
    )
}

/// Reads sites: columns `id, kind, lon, lat` required; `name, town, cost, existing, capacity`
/// optional.
pub fn read_sites_csv(reader: impl Read, file: &Path, options: &TableOptions) -> Result<Vec<Site>> {
    read_records(reader, file, options, row::SITE_REQUIRED, row::site, |s| {
        &s.key
    })
}

/// Reads road lines from a CSV file with a WKT `LINESTRING` (or `MULTILINESTRING`) in a column
/// named `wkt`, `geometry` or `geom` (any case), lon lat order; optional `highway`,
/// `speed_kmh`, `oneway` or `direction` columns.
pub fn read_roads_csv(reader: impl Read, file: &Path) -> Result<Vec<RoadLine>> {
    let geom_col = std::cell::OnceCell::new();
    let find_geometry = |headers: &mut Vec<String>| match headers
        .iter()
        .find(|h| matches!(h.to_ascii_lowercase().as_str(), "wkt" | "geometry" | "geom"))
    {
        Some(h) => {
            geom_col.get_or_init(|| h.clone());
            Ok(())
        }
        None => Err(Error::file(
            file,
            format!(
                "missing WKT geometry column (named wkt, geometry or geom); the header has: {}",
                headers.join(", ")
            ),
        )),
    };
    let mut lines = Vec::new();
    for_each_row(reader, file, find_geometry, |r| {
        let col = geom_col.get().map_or("wkt", String::as_str);
        for coords in parse_wkt_lines(&r, &r.text(col))? {
            lines.push(row::road(&r, coords)?);
        }
        Ok(())
    })?;
    Ok(lines)
}

fn parse_wkt_lines(r: &Row, text: &str) -> Result<Vec<Vec<LonLat>>> {
    use wkt::TryFromWkt;
    let place = format!("{}, WKT geometry", r.place);
    let geom = geo::Geometry::<f64>::try_from_wkt_str(text).map_err(|e| {
        let shown: String = text.chars().take(60).collect();
        Error::input(r.file, &place, format!("cannot parse `{shown}`: {e}"))
    })?;
    let parts = match geom {
        geo::Geometry::LineString(ls) => vec![ls],
        geo::Geometry::MultiLineString(mls) => mls.0,
        other => {
            return Err(Error::input(
                r.file,
                &place,
                format!("expected LINESTRING, found {}", geometry_name(&other)),
            ));
        }
    };
    parts
        .into_iter()
        .map(|ls| {
            ls.0.into_iter()
                .map(|c| check_lonlat(r.file, &place, c.x, c.y))
                .collect()
        })
        .collect()
}

pub(crate) fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "POINT",
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LINESTRING",
        geo::Geometry::Polygon(_) => "POLYGON",
        geo::Geometry::MultiPoint(_) => "MULTIPOINT",
        geo::Geometry::MultiLineString(_) => "MULTILINESTRING",
        geo::Geometry::MultiPolygon(_) => "MULTIPOLYGON",
        geo::Geometry::GeometryCollection(_) => "GEOMETRYCOLLECTION",
        geo::Geometry::Rect(_) | geo::Geometry::Triangle(_) => "POLYGON",
    }
}
