//! GeoJSON inputs (RFC 7946, WGS-84 lon/lat): villages and sites as Point features, roads as
//! LineString / MultiLineString features. Properties carry the same fields as the CSV columns.

use super::row::{self, Row};
use super::table::TableOptions;
use super::{RoadLine, check_lonlat};
use crate::error::{Error, Result};
use crate::model::{LonLat, Site, Village};
use geojson::{Feature, GeoJson, GeometryValue, feature::Id};
use std::io::Read;
use std::path::Path;

/// Parses a GeoJSON document into its features (a lone Feature counts as one).
fn features(reader: impl Read, file: &Path) -> Result<Vec<Feature>> {
    let doc = GeoJson::from_reader(reader)
        .map_err(|e| Error::file(file, format!("not valid GeoJSON: {e}")))?;
    let features = match doc {
        GeoJson::FeatureCollection(fc) => fc.features,
        GeoJson::Feature(f) => vec![f],
        GeoJson::Geometry(_) => {
            return Err(Error::file(
                file,
                "expected a FeatureCollection, found a bare Geometry (properties are needed)",
            ));
        }
    };
    if features.is_empty() {
        return Err(Error::file(file, "the FeatureCollection has no features"));
    }
    Ok(features)
}

/// The feature's properties as text fields; the feature's own `id` stands in for a missing
/// `id` property.
fn row<'a>(file: &'a Path, index: usize, f: &Feature) -> Row<'a> {
    let mut fields: Vec<(String, String)> = f
        .properties
        .iter()
        .flatten()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    if !fields.iter().any(|(k, _)| k == "id") {
        let id = match &f.id {
            Some(Id::String(s)) => s.clone(),
            Some(Id::Number(n)) => n.to_string(),
            None => String::new(),
        };
        fields.push(("id".to_string(), id));
    }
    Row {
        file,
        place: format!("feature {} (0-based index {index})", index + 1),
        fields,
    }
}

fn wrong_geometry(r: &Row, expected: &str, found: Option<&GeometryValue>) -> Error {
    Error::input(
        r.file,
        &r.place,
        format!(
            "expected a {expected} geometry, found {}",
            found.map_or("none", |g| g.type_name())
        ),
    )
}

/// Reads the Point of each feature into the row's `lon`/`lat` fields and builds a record.
fn read_points<T>(
    reader: impl Read,
    file: &Path,
    options: &TableOptions,
    make: impl Fn(&Row) -> Result<T>,
    key: impl Fn(&T) -> &str,
) -> Result<Vec<T>> {
    let mut rows = Vec::new();
    for (i, f) in features(reader, file)?.iter().enumerate() {
        let mut r = row(file, i, f);
        match f.geometry.as_ref().map(|g| &g.value) {
            Some(GeometryValue::Point { coordinates }) if coordinates.as_slice().len() >= 2 => {
                let c = coordinates.as_slice();
                r.fields.retain(|(k, _)| k != "lon" && k != "lat");
                r.fields.push(("lon".to_string(), c[0].to_string()));
                r.fields.push(("lat".to_string(), c[1].to_string()));
            }
            other => return Err(wrong_geometry(&r, "Point", other)),
        }
        rows.push(r);
    }
    options.rename_rows(file, &mut rows)?;
    super::records(file, rows, make, key)
}

/// Reads villages from Point features with properties `id, elders` (required) and `name, town,
/// population` (optional); other properties are passed through.
pub fn read_villages_geojson(
    reader: impl Read,
    file: &Path,
    options: &TableOptions,
) -> Result<Vec<Village>> {
    read_points(reader, file, options, row::village, |v| &v.key)
}

/// Reads sites from Point features with properties `id, kind` (required) and `name, town, cost,
/// existing, capacity` (optional).
pub fn read_sites_geojson(
    reader: impl Read,
    file: &Path,
    options: &TableOptions,
) -> Result<Vec<Site>> {
    read_points(reader, file, options, row::site, |s| &s.key)
}

/// Reads road lines from LineString / MultiLineString features with optional properties
/// `highway, speed_kmh, oneway, direction`. Features of other geometry types are an error.
pub fn read_roads_geojson(reader: impl Read, file: &Path) -> Result<Vec<RoadLine>> {
    let mut lines = Vec::new();
    for (i, f) in features(reader, file)?.iter().enumerate() {
        let r = row(file, i, f);
        let parts: Vec<&Vec<geojson::Position>> = match f.geometry.as_ref().map(|g| &g.value) {
            Some(GeometryValue::LineString { coordinates }) => vec![coordinates],
            Some(GeometryValue::MultiLineString { coordinates }) => coordinates.iter().collect(),
            other => return Err(wrong_geometry(&r, "LineString", other)),
        };
        for part in parts {
            let coords = part
                .iter()
                .map(|p| match p.as_slice() {
                    [lon, lat, ..] => check_lonlat(file, &r.place, *lon, *lat),
                    _ => Err(Error::input(
                        file,
                        &r.place,
                        "a position has fewer than 2 numbers",
                    )),
                })
                .collect::<Result<Vec<LonLat>>>()?;
            lines.push(row::road(&r, coords)?);
        }
    }
    Ok(lines)
}
