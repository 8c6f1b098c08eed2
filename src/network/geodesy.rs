//! Distances on the Earth and the local planar projection used for spatial indexing.
//!
//! Distances reported to users are great-circle (haversine, mean Earth radius) in metres. The
//! R-tree works in a local equirectangular projection centred on the data (x east, y north, in
//! metres), never in degrees: over a county (≤ 200 km) its distortion is below 1 % and it only
//! decides which road is nearest; the reported snap distance is recomputed with haversine.

use crate::model::LonLat;
use geo::{Distance, Haversine, Point};

/// Great-circle distance in metres.
pub fn haversine_m(a: LonLat, b: LonLat) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat))
}

/// Great-circle length of a polyline in metres (the sum of its pieces).
pub fn polyline_m(coords: &[LonLat]) -> f64 {
    coords.windows(2).map(|w| haversine_m(w[0], w[1])).sum()
}

/// Mean Earth radius used by `geo`'s haversine, in metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Equirectangular projection about a reference point: metres east and north of it.
#[derive(Clone, Copy, Debug)]
pub struct LocalProjection {
    lon0: f64,
    lat0: f64,
    kx: f64,
    ky: f64,
}

impl LocalProjection {
    /// A projection centred on `origin`.
    pub fn new(origin: LonLat) -> Self {
        let ky = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        Self {
            lon0: origin.lon,
            lat0: origin.lat,
            kx: ky * origin.lat.to_radians().cos(),
            ky,
        }
    }

    /// A projection centred on the middle of the points' bounding box.
    pub fn around(points: impl IntoIterator<Item = LonLat>) -> Self {
        let (mut lo, mut hi) = (
            LonLat::new(f64::INFINITY, f64::INFINITY),
            LonLat::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
        );
        for p in points {
            lo = LonLat::new(lo.lon.min(p.lon), lo.lat.min(p.lat));
            hi = LonLat::new(hi.lon.max(p.lon), hi.lat.max(p.lat));
        }
        if !lo.lon.is_finite() {
            return Self::new(LonLat::new(0.0, 0.0));
        }
        Self::new(LonLat::new(
            (lo.lon + hi.lon) / 2.0,
            (lo.lat + hi.lat) / 2.0,
        ))
    }

    pub fn project(&self, p: LonLat) -> [f64; 2] {
        [(p.lon - self.lon0) * self.kx, (p.lat - self.lat0) * self.ky]
    }

    pub fn unproject(&self, xy: [f64; 2]) -> LonLat {
        LonLat::new(self.lon0 + xy[0] / self.kx, self.lat0 + xy[1] / self.ky)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_round_trips_and_matches_haversine_locally() {
        let proj = LocalProjection::new(LonLat::new(1.55, 42.55));
        let p = LonLat::new(1.60, 42.50);
        let back = proj.unproject(proj.project(p));
        assert!((back.lon - p.lon).abs() < 1e-12 && (back.lat - p.lat).abs() < 1e-12);
        let q = LonLat::new(1.62, 42.51);
        let [x1, y1] = proj.project(p);
        let [x2, y2] = proj.project(q);
        let planar = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt();
        let exact = haversine_m(p, q);
        assert!((planar - exact).abs() / exact < 0.01, "{planar} vs {exact}");
        // One degree of latitude is about 111.2 km.
        assert!(
            (haversine_m(LonLat::new(0.0, 0.0), LonLat::new(0.0, 1.0)) - 111_195.0).abs() < 10.0
        );
    }
}
