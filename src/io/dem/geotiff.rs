//! GeoTIFF elevation models: one band of heights on a longitude/latitude grid.
//!
//! The grid is placed by the GeoTIFF tags (OGC GeoTIFF 1.1, §7): `ModelPixelScale` (degrees per
//! column and row) with `ModelTiepoint` (a pixel and the coordinate it sits at), or a
//! `ModelTransformation` without rotation. The raster type key says whether that coordinate
//! is a pixel's corner ("area", the default: Copernicus GLO-30, most `gdal_translate` output)
//! or its centre ("point": SRTM's own convention). Heights are read as metres; GDAL's
//! no-data tag and NaN mark voids.

use super::{Dem, DemError};
use std::io::Cursor;
use std::path::Path;
use tiff::decoder::{Decoder, DecodingResult};
use tiff::tags::Tag;

/// GeoKeys (GeoTIFF 1.1, §7.5): model type (1 projected, 2 geographic), raster type (1 pixel
/// is area, 2 pixel is point), and the projected CRS code for the message refusing one.
const MODEL_TYPE: u16 = 1024;
const RASTER_TYPE: u16 = 1025;
const PROJECTED_CRS: u16 = 3072;

fn format(m: impl Into<String>) -> DemError {
    DemError::Format(m.into())
}

fn tiff_error(e: tiff::TiffError) -> DemError {
    format(format!("not a readable GeoTIFF: {e}"))
}

/// Reads a GeoTIFF held in `bytes` (read from `path`).
pub(super) fn read(path: &Path, bytes: Vec<u8>) -> Result<Dem, DemError> {
    let mut d = Decoder::new(Cursor::new(bytes)).map_err(tiff_error)?;
    let (cols, rows) = d.dimensions().map_err(tiff_error)?;
    let bands: u16 = d
        .find_tag_unsigned(Tag::SamplesPerPixel)
        .map_err(tiff_error)?
        .unwrap_or(1);
    if bands != 1 {
        return Err(format(format!(
            "{bands} bands: an elevation model has one (heights); write the height band alone, e.g. gdal_translate -b 1"
        )));
    }
    let keys = geo_keys(&mut d)?;
    let key = |id: u16| keys.iter().find(|k| k.0 == id).map(|k| k.1);
    match key(MODEL_TYPE) {
        Some(2) => {}
        Some(1) => {
            let crs = key(PROJECTED_CRS).map_or(String::new(), |c| format!(" (EPSG:{c})"));
            return Err(format(format!(
                "a projected grid{crs}: carecover reads elevation on a longitude/latitude grid; reproject it, e.g. gdalwarp -t_srs EPSG:4326 in.tif out.tif"
            )));
        }
        Some(other) => {
            return Err(format(format!(
                "GeoTIFF model type {other} is neither geographic (2) nor projected (1)"
            )));
        }
        None => {
            return Err(format(
                "no GeoTIFF keys: the file does not say it is on a longitude/latitude grid",
            ));
        }
    }
    let (scale, origin) = placement(&mut d)?;
    // Pixel-is-area places the corner of the first pixel; the grid's values sit at centres.
    let half = if key(RASTER_TYPE) == Some(2) {
        0.0
    } else {
        0.5
    };
    let west = origin[0] + half * scale[0];
    let north = origin[1] - half * scale[1];
    if !(scale[0] > 0.0 && scale[1] > 0.0 && scale[0] < 1.0 && scale[1] < 1.0) {
        return Err(format(format!(
            "cells of {} × {} degrees: expected a positive size under one degree",
            scale[0], scale[1]
        )));
    }
    let south = north - scale[1] * f64::from(rows.saturating_sub(1));
    let east = west + scale[0] * f64::from(cols.saturating_sub(1));
    if !(-180.5..=180.5).contains(&west)
        || !(-180.5..=180.5).contains(&east)
        || !(-90.5..=90.5).contains(&south)
        || !(-90.5..=90.5).contains(&north)
    {
        return Err(format(format!(
            "the grid spans lon {west}–{east}, lat {south}–{north}: not longitude/latitude degrees"
        )));
    }
    let nodata: Option<f64> = d
        .find_tag(Tag::GdalNodata)
        .map_err(tiff_error)?
        .and_then(|v| v.into_string().ok())
        .and_then(|s| s.trim_matches(char::from(0)).trim().parse().ok());
    let values = samples(d.read_image().map_err(tiff_error)?);
    if values.len() != cols as usize * rows as usize {
        return Err(format(format!(
            "{} heights for a {cols} × {rows} grid",
            values.len()
        )));
    }
    let heights: Vec<Option<f32>> = values
        .into_iter()
        .map(|h| (h.is_finite() && Some(h) != nodata).then_some(h as f32))
        .collect();
    Dem::from_cells(
        path,
        west,
        north,
        scale,
        cols as usize,
        rows as usize,
        &heights,
    )
}

/// The GeoKey directory as (key, value) pairs of the keys stored in the directory itself
/// (the short-valued ones: all this reader needs).
fn geo_keys(d: &mut Decoder<Cursor<Vec<u8>>>) -> Result<Vec<(u16, u16)>, DemError> {
    let Some(dir) = d.find_tag(Tag::GeoKeyDirectoryTag).map_err(tiff_error)? else {
        return Ok(Vec::new());
    };
    let dir = dir.into_u16_vec().map_err(tiff_error)?;
    let n = usize::from(*dir.get(3).unwrap_or(&0));
    Ok(dir
        .get(4..4 + 4 * n)
        .unwrap_or(&[])
        .chunks_exact(4)
        .filter(|k| k[1] == 0)
        .map(|k| (k[0], k[3]))
        .collect())
}

/// Degrees per column and row, and the coordinate of the first pixel's reference point (its
/// corner or centre, as the raster type says).
fn placement(d: &mut Decoder<Cursor<Vec<u8>>>) -> Result<([f64; 2], [f64; 2]), DemError> {
    let scale = d.find_tag(Tag::ModelPixelScaleTag).map_err(tiff_error)?;
    let tie = d.find_tag(Tag::ModelTiepointTag).map_err(tiff_error)?;
    if let (Some(scale), Some(tie)) = (scale, tie) {
        let (s, t) = (
            scale.into_f64_vec().map_err(tiff_error)?,
            tie.into_f64_vec().map_err(tiff_error)?,
        );
        if s.len() < 2 || t.len() < 6 {
            return Err(format("ModelPixelScale or ModelTiepoint is too short"));
        }
        // The tie point maps pixel (i, j) to (x, y): move it to pixel (0, 0).
        return Ok(([s[0], s[1]], [t[3] - t[0] * s[0], t[4] + t[1] * s[1]]));
    }
    if let Some(m) = d
        .find_tag(Tag::ModelTransformationTag)
        .map_err(tiff_error)?
    {
        let m = m.into_f64_vec().map_err(tiff_error)?;
        if m.len() < 16 {
            return Err(format("ModelTransformation has fewer than 16 numbers"));
        }
        if m[1] != 0.0 || m[4] != 0.0 {
            return Err(format(
                "a rotated grid (ModelTransformation): write it north-up, e.g. gdalwarp -t_srs EPSG:4326",
            ));
        }
        return Ok(([m[0], -m[5]], [m[3], m[7]]));
    }
    Err(format(
        "no ModelPixelScale / ModelTiepoint or ModelTransformation tags: the file is not placed on the earth (a .tfw world file is not read)",
    ))
}

/// Every sample as `f64`, whatever its type.
fn samples(image: DecodingResult) -> Vec<f64> {
    match image {
        DecodingResult::U8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U64(v) => v.into_iter().map(|x| x as f64).collect(),
        DecodingResult::I8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I64(v) => v.into_iter().map(|x| x as f64).collect(),
        DecodingResult::F16(v) => v.into_iter().map(|x| f64::from(x.to_f32())).collect(),
        DecodingResult::F32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F64(v) => v,
    }
}

/// Writes `dem` as a GeoTIFF (WGS 84 longitude/latitude, pixel is point, 32-bit float
/// heights, deflate): a generated county's terrain, readable by [`read`] and by GDAL.
pub(super) fn write(dem: &Dem, path: &Path) -> Result<(), DemError> {
    use tiff::encoder::{Compression, TiffEncoder, colortype::Gray32Float};
    let fail = |e: tiff::TiffError| format(format!("cannot write {}: {e}", path.display()));
    let file = std::fs::File::create(path).map_err(|e| format(e.to_string()))?;
    let mut encoder = TiffEncoder::new(std::io::BufWriter::new(file))
        .map_err(fail)?
        .with_compression(Compression::Deflate(Default::default()));
    let mut image = encoder
        .new_image::<Gray32Float>(dem.cols as u32, dem.rows as u32)
        .map_err(fail)?;
    let tags = image.encoder();
    tags.write_tag(
        Tag::ModelPixelScaleTag,
        &[dem.step[0], dem.step[1], 0.0][..],
    )
    .map_err(fail)?;
    tags.write_tag(
        Tag::ModelTiepointTag,
        &[0.0, 0.0, 0.0, dem.west, dem.north, 0.0][..],
    )
    .map_err(fail)?;
    // Version 1.1.0, three keys: geographic, pixel is point, EPSG:4326.
    tags.write_tag(
        Tag::GeoKeyDirectoryTag,
        &[
            1u16,
            1,
            0,
            3,
            MODEL_TYPE,
            0,
            1,
            2,
            RASTER_TYPE,
            0,
            1,
            2,
            2048,
            0,
            1,
            4326,
        ][..],
    )
    .map_err(fail)?;
    image.write_data(&dem.heights).map_err(fail)
}
