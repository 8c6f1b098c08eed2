//! Elevation tiles (DEM) for walking on terrain ([`crate::network::terrain`]):
//!
//! - NASA's SRTM `.hgt` files (also inside a `.zip`), a 1- or 3-arc-second grid of big-endian
//!   16-bit heights in metres, rows from north to south, named by the tile's south-west corner
//!   (`N42E001.hgt`); voids are −32768.
//! - GeoTIFF (`.tif`, read by the pure-Rust `tiff` crate): one band of heights in metres on a
//!   longitude/latitude grid (GeoTIFF's model type "geographic", e.g. EPSG:4326 or China's
//!   CGCS2000, EPSG:4490), placed by its `ModelPixelScale` and `ModelTiepoint` tags, pixel
//!   centres or corners as its raster type says, voids from GDAL's no-data tag or NaN. That is
//!   how Copernicus GLO-30, CGIAR's SRTM and `gdal_translate` write DEMs. Projected grids are
//!   refused with the `gdalwarp` command that turns them into one.
//!
//! Voids are filled from their neighbours; heights between cells are interpolated bilinearly.

use crate::model::LonLat;
use std::io::Read;
use std::path::{Path, PathBuf};

/// SRTM's void marker.
const VOID: i16 = -32768;

/// An elevation grid in geographic coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct Dem {
    /// The file it was read from.
    pub source: PathBuf,
    /// Longitude of the western column and latitude of the northern row (cell centres).
    west: f64,
    north: f64,
    /// Degrees between columns (`[0]`) and between rows (`[1]`).
    step: [f64; 2],
    cols: usize,
    rows: usize,
    /// Heights in metres, row by row from the north.
    heights: Vec<f32>,
    /// Cells that were voids and got their height from their neighbours.
    pub filled: usize,
}

/// Why a DEM cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum DemError {
    /// Unreadable, or not an SRTM tile (size, name).
    Format(String),
    /// Every cell is a void.
    AllVoid,
}

impl std::fmt::Display for DemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DemError::Format(m) => f.write_str(m),
            DemError::AllVoid => {
                f.write_str("every cell of the elevation model is a void (no data)")
            }
        }
    }
}

impl Dem {
    /// Reads an elevation model: a GeoTIFF (known by its first bytes, whatever its name), an
    /// SRTM tile `.hgt`, or a `.zip` holding one of them.
    pub fn read(path: &Path) -> Result<Dem, DemError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let bytes = std::fs::read(path).map_err(|e| DemError::Format(e.to_string()))?;
        if is_tiff(&bytes) {
            return geotiff::read(path, bytes);
        }
        let (tile_name, data) = if name.to_ascii_lowercase().ends_with(".zip") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
                .map_err(|e| DemError::Format(format!("not a readable zip archive: {e}")))?;
            let index = (0..zip.len())
                .find(|&i| {
                    zip.by_index(i).is_ok_and(|f| {
                        f.name().is_ok_and(|n| {
                            let n = n.to_ascii_lowercase();
                            n.ends_with(".hgt") || n.ends_with(".tif") || n.ends_with(".tiff")
                        })
                    })
                })
                .ok_or_else(|| {
                    DemError::Format("the zip archive holds no .hgt or .tif file".into())
                })?;
            let mut file = zip
                .by_index(index)
                .map_err(|e| DemError::Format(e.to_string()))?;
            let inner = file
                .name()
                .map(|n| n.rsplit('/').next().unwrap_or("").to_string())
                .unwrap_or_default();
            let mut data = Vec::new();
            file.read_to_end(&mut data)
                .map_err(|e| DemError::Format(format!("{inner}: {e}")))?;
            if is_tiff(&data) {
                return geotiff::read(path, data);
            }
            (inner, data)
        } else {
            (name, bytes)
        };
        let (lat, lon) = corner(&tile_name).ok_or_else(|| {
            DemError::Format(format!(
                "`{tile_name}`: an SRTM tile is named by its south-west corner, e.g. N42E001.hgt"
            ))
        })?;
        Dem::from_hgt(path, lat, lon, &data)
    }

    /// An SRTM tile's bytes, its south-west corner at (`lat`, `lon`).
    fn from_hgt(path: &Path, lat: f64, lon: f64, data: &[u8]) -> Result<Dem, DemError> {
        let side = match data.len() {
            n if n == 2 * 1201 * 1201 => 1201,
            n if n == 2 * 3601 * 3601 => 3601,
            n => {
                return Err(DemError::Format(format!(
                    "{n} bytes: an SRTM tile has 2 × 1201 × 1201 (3 arc-seconds) or 2 × 3601 × 3601 (1 arc-second)"
                )));
            }
        };
        let raw: Vec<i16> = data
            .chunks_exact(2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .collect();
        Dem::from_grid(
            path,
            lon,
            lat + 1.0,
            1.0 / (side - 1) as f64,
            side,
            side,
            &raw.iter()
                .map(|&h| if h == VOID { None } else { Some(f32::from(h)) })
                .collect::<Vec<_>>(),
        )
    }

    /// A grid of `rows` × `cols` heights (row by row from the north, `None` a void), the
    /// north-western cell centre at (`west`, `north`), `step` degrees apart.
    pub fn from_grid(
        source: &Path,
        west: f64,
        north: f64,
        step: f64,
        cols: usize,
        rows: usize,
        heights: &[Option<f32>],
    ) -> Result<Dem, DemError> {
        Dem::from_cells(source, west, north, [step, step], cols, rows, heights)
    }

    /// [`Dem::from_grid`] with columns `step[0]` and rows `step[1]` degrees apart.
    fn from_cells(
        source: &Path,
        west: f64,
        north: f64,
        step: [f64; 2],
        cols: usize,
        rows: usize,
        heights: &[Option<f32>],
    ) -> Result<Dem, DemError> {
        assert_eq!(heights.len(), rows * cols, "grid size");
        if rows < 2 || cols < 2 {
            return Err(DemError::Format(format!(
                "a {cols} × {rows} grid: at least 2 × 2 cells are needed"
            )));
        }
        let (filled_heights, filled) = fill_voids(heights, cols, rows)?;
        Ok(Dem {
            source: source.to_path_buf(),
            west,
            north,
            step,
            cols,
            rows,
            heights: filled_heights,
            filled,
        })
    }

    /// South-west and north-east corners.
    pub fn extent(&self) -> (LonLat, LonLat) {
        (
            LonLat::new(
                self.west,
                self.north - self.step[1] * (self.rows - 1) as f64,
            ),
            LonLat::new(
                self.west + self.step[0] * (self.cols - 1) as f64,
                self.north,
            ),
        )
    }

    /// Height at `p` by bilinear interpolation between the four cells around it; `None`
    /// outside the grid.
    pub fn sample(&self, p: LonLat) -> Option<f64> {
        let x = (p.lon - self.west) / self.step[0];
        let y = (self.north - p.lat) / self.step[1];
        let (max_x, max_y) = ((self.cols - 1) as f64, (self.rows - 1) as f64);
        // (A millionth of a cell of slack: a point on the edge stays inside despite rounding.)
        let inside = |v: f64, max: f64| (-1e-6..=max + 1e-6).contains(&v);
        if !inside(x, max_x) || !inside(y, max_y) {
            return None;
        }
        let (x, y) = (x.clamp(0.0, max_x), y.clamp(0.0, max_y));
        let (c0, r0) = (
            (x.floor() as usize).min(self.cols - 2),
            (y.floor() as usize).min(self.rows - 2),
        );
        let (fx, fy) = (x - c0 as f64, y - r0 as f64);
        let h = |r: usize, c: usize| f64::from(self.heights[r * self.cols + c]);
        let top = h(r0, c0) * (1.0 - fx) + h(r0, c0 + 1) * fx;
        let bottom = h(r0 + 1, c0) * (1.0 - fx) + h(r0 + 1, c0 + 1) * fx;
        Some(top * (1.0 - fy) + bottom * fy)
    }

    /// Writes the grid as a GeoTIFF (longitude/latitude, 32-bit heights; voids as filled).
    pub fn write_geotiff(&self, path: &Path) -> Result<(), DemError> {
        geotiff::write(self, path)
    }

    /// The shorter side of a cell in metres (east to west on a square-degree grid away from
    /// the equator): pieces this long or shorter see every cell they cross.
    pub fn cell_m(&self) -> f64 {
        let east_west = self.step[0] * 111_320.0 * self.north.to_radians().cos().clamp(0.2, 1.0);
        east_west.min(self.step[1] * 110_574.0)
    }
}

/// TIFF's magic numbers: little- or big-endian, classic or BigTIFF.
fn is_tiff(bytes: &[u8]) -> bool {
    matches!(
        bytes.get(..4),
        Some(b"II*\0" | b"MM\0*" | b"II+\0" | b"MM\0+")
    )
}

/// South-west corner (lat, lon) from an SRTM tile name such as `N42E001.hgt`.
fn corner(name: &str) -> Option<(f64, f64)> {
    let n = name.to_ascii_uppercase();
    let b = n.as_bytes();
    if b.len() < 7 {
        return None;
    }
    let lat_sign = match b[0] {
        b'N' => 1.0,
        b'S' => -1.0,
        _ => return None,
    };
    let lon_sign = match b[3] {
        b'E' => 1.0,
        b'W' => -1.0,
        _ => return None,
    };
    let lat: f64 = n.get(1..3)?.parse().ok()?;
    let lon: f64 = n.get(4..7)?.parse().ok()?;
    (lat <= 90.0 && lon <= 180.0).then_some((lat_sign * lat, lon_sign * lon))
}

/// Voids take the mean of their known neighbours, ring by ring inwards (a hole's edge first),
/// until none is left. Returns the heights and how many cells were filled.
fn fill_voids(
    heights: &[Option<f32>],
    cols: usize,
    rows: usize,
) -> Result<(Vec<f32>, usize), DemError> {
    let mut h: Vec<Option<f32>> = heights.to_vec();
    let voids = h.iter().filter(|x| x.is_none()).count();
    if voids == h.len() {
        return Err(DemError::AllVoid);
    }
    let mut left: Vec<usize> = (0..h.len()).filter(|&i| h[i].is_none()).collect();
    while !left.is_empty() {
        let mut fills = Vec::new();
        for &i in &left {
            let (r, c) = (i / cols, i % cols);
            let mut sum = 0.0;
            let mut n = 0;
            for (dr, dc) in [
                (-1i64, 0i64),
                (1, 0),
                (0, -1),
                (0, 1),
                (-1, -1),
                (-1, 1),
                (1, -1),
                (1, 1),
            ] {
                let (rr, cc) = (r as i64 + dr, c as i64 + dc);
                if rr < 0 || cc < 0 || rr >= rows as i64 || cc >= cols as i64 {
                    continue;
                }
                if let Some(x) = h[rr as usize * cols + cc as usize] {
                    sum += f64::from(x);
                    n += 1;
                }
            }
            if n > 0 {
                fills.push((i, (sum / n as f64) as f32));
            }
        }
        for &(i, x) in &fills {
            h[i] = Some(x);
        }
        left.retain(|&i| h[i].is_none());
    }
    Ok((h.into_iter().map(|x| x.expect("filled")).collect(), voids))
}

mod geotiff;

#[cfg(test)]
mod tests {
    use super::*;

    /// A grid rising `rise` metres per column to the east, `n` × `n`, 0.001° apart.
    fn ramp(n: usize, rise: f32) -> Dem {
        let heights: Vec<Option<f32>> = (0..n * n).map(|i| Some((i % n) as f32 * rise)).collect();
        Dem::from_grid(Path::new("ramp"), 1.0, 42.01, 0.001, n, n, &heights).unwrap()
    }

    #[test]
    fn bilinear_sampling_and_extent() {
        let dem = ramp(10, 5.0);
        // Halfway between columns 2 and 3: 12.5 m, on any row.
        assert!((dem.sample(LonLat::new(1.0025, 42.005)).unwrap() - 12.5).abs() < 1e-9);
        assert_eq!(dem.sample(LonLat::new(0.999, 42.005)), None);
        let (sw, ne) = dem.extent();
        assert!((sw.lat - 42.001).abs() < 1e-9 && (ne.lon - 1.009).abs() < 1e-9);
    }

    #[test]
    fn voids_are_filled_from_their_neighbours_and_all_voids_refused() {
        let mut heights: Vec<Option<f32>> = vec![Some(10.0); 25];
        heights[12] = None;
        heights[6] = None;
        let dem = Dem::from_grid(Path::new("v"), 0.0, 1.0, 0.01, 5, 5, &heights).unwrap();
        assert_eq!(dem.filled, 2);
        assert!(dem.heights.iter().all(|&h| h == 10.0));
        let none = vec![None; 9];
        assert_eq!(
            Dem::from_grid(Path::new("v"), 0.0, 1.0, 0.01, 3, 3, &none),
            Err(DemError::AllVoid)
        );
    }

    #[test]
    fn tile_names_give_the_south_west_corner() {
        assert_eq!(corner("N42E001.hgt"), Some((42.0, 1.0)));
        assert_eq!(corner("s09w078.HGT"), Some((-9.0, -78.0)));
        assert_eq!(corner("andorra.hgt"), None);
    }

    fn tile() -> Dem {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/andorra/N42E001.hgt.zip");
        Dem::read(&path).unwrap()
    }

    /// The shipped tile: heights the data's provenance names (SRTM3, bilinear, ±40 m).
    #[test]
    fn the_andorra_tile_has_the_heights_of_its_towns() {
        let dem = tile();
        let (sw, ne) = dem.extent();
        assert_eq!((sw.lon, sw.lat, ne.lon, ne.lat), (1.0, 42.0, 2.0, 43.0));
        for (name, lon, lat, metres) in [
            ("Andorra la Vella", 1.5218, 42.5063, 1031.0),
            ("Pas de la Casa", 1.7333, 42.5425, 2082.0),
        ] {
            let h = dem.sample(LonLat::new(lon, lat)).unwrap();
            assert!((h - metres).abs() < 40.0, "{name}: {h} m");
        }
    }

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/dem")
            .join(name)
    }

    /// GDAL's GeoTIFFs of a piece of the tile (`gdal_translate -projwin 1.50 42.56 1.60 42.48`,
    /// as 16-bit deflate strips and as 32-bit float LZW 16 × 16 tiles): the same grid, so the
    /// same height at every cell centre and between them.
    #[test]
    fn gdal_geotiffs_read_as_the_tile_they_were_cut_from() {
        let hgt = tile();
        for name in ["andorra_int16.tif", "andorra_f32.tif"] {
            let tif = Dem::read(&fixture(name)).unwrap();
            let (sw, ne) = tif.extent();
            assert!(
                (sw.lon - 1.5).abs() < 1e-9 && (ne.lat - 42.56).abs() < 1e-9,
                "{name}: {sw:?} {ne:?}"
            );
            // The piece holds 26 of the tile's voids (no-data -32768 in the first, -9999 in
            // the second), filled from their neighbours like the tile's.
            assert_eq!((tif.cols, tif.rows, tif.filled), (120, 96, 26), "{name}");
            // Voids near the piece's edge are filled from fewer neighbours than in the whole
            // tile: cells differ there only.
            let centre = |c: usize, r: usize| {
                LonLat::new(sw.lon + c as f64 / 1200.0, ne.lat - r as f64 / 1200.0)
            };
            let same = |c: usize, r: usize| {
                (f64::from(tif.heights[r * tif.cols + c]) - hgt.sample(centre(c, r)).unwrap()).abs()
                    < 1e-6
            };
            let differ = (0..tif.rows)
                .flat_map(|r| (0..tif.cols).map(move |c| (c, r)))
                .filter(|&(c, r)| !same(c, r))
                .count();
            assert!(differ <= 26, "{name}: {differ} cells differ");
            let mut compared = 0;
            for k in 0..400 {
                // Cell centres, then points between them.
                let (fx, fy) = ((k % 20) as f64 * 5.9, (k / 20) as f64 * 4.7);
                let (c, r) = (fx as usize, fy as usize);
                if !(same(c, r) && same(c + 1, r) && same(c, r + 1) && same(c + 1, r + 1)) {
                    continue;
                }
                let p = LonLat::new(sw.lon + fx / 1200.0, ne.lat - fy / 1200.0);
                let (a, b) = (tif.sample(p).unwrap(), hgt.sample(p).unwrap());
                assert!((a - b).abs() < 1e-6, "{name} at {p:?}: {a} against {b}");
                compared += 1;
            }
            assert!(compared > 380, "{name}: {compared}");
            assert_eq!(tif.sample(LonLat::new(1.49, 42.5)), None);
        }
    }

    #[test]
    fn geotiffs_written_read_back_and_projected_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        // Rows 0.002° apart, columns 0.001°, a void in the middle.
        let mut heights: Vec<Option<f32>> = (0..12).map(|i| Some(100.0 + i as f32)).collect();
        heights[5] = None;
        let dem =
            Dem::from_cells(Path::new("g"), 1.0, 42.0, [0.001, 0.002], 4, 3, &heights).unwrap();
        let path = dir.path().join("g.tif");
        dem.write_geotiff(&path).unwrap();
        let back = Dem::read(&path).unwrap();
        assert_eq!(back.extent(), dem.extent());
        assert_eq!(back.heights, dem.heights);
        assert!((back.cell_m() - 0.001 * 111_320.0 * 42f64.to_radians().cos()).abs() < 1e-6);
        let e = Dem::read(&fixture("andorra_3857.tif"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("EPSG:3857") && e.contains("gdalwarp"), "{e}");
        // Cut short: the strips are gone.
        let bytes = std::fs::read(fixture("andorra_int16.tif")).unwrap();
        let cut = dir.path().join("cut.tif");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let e = Dem::read(&cut).unwrap_err().to_string();
        assert!(e.contains("GeoTIFF"), "{e}");
    }

    #[test]
    fn bad_tiles_are_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        // Truncated: half a tile.
        let half = write("N42E001.hgt", &vec![0u8; 1201 * 1201]);
        let e = Dem::read(&half).unwrap_err().to_string();
        assert!(e.contains("1442401 bytes") && e.contains("1201"), "{e}");
        // Not named by its corner.
        let named = write("andorra.hgt", &vec![0u8; 2 * 1201 * 1201]);
        assert!(
            Dem::read(&named)
                .unwrap_err()
                .to_string()
                .contains("south-west corner")
        );
        // Every cell a void.
        let voids: Vec<u8> = (0..1201 * 1201).flat_map(|_| VOID.to_be_bytes()).collect();
        let all = write("N10E010.hgt", &voids);
        assert_eq!(Dem::read(&all), Err(DemError::AllVoid));
        // A zip that is not one.
        let zip = write("N42E001.hgt.zip", b"PK not really");
        assert!(Dem::read(&zip).unwrap_err().to_string().contains("zip"));
    }
}
