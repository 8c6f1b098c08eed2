//! Coordinate systems of inputs. Everything inside carecover and every output is WGS-84
//! longitude/latitude; inputs declare their system in the scenario and are converted on load.
//!
//! | system | used by | conversion |
//! |---|---|---|
//! | WGS-84 (EPSG:4326) | GPS, OpenStreetMap | none |
//! | CGCS2000 (EPSG:4490) | Chinese national surveying | none: within centimetres of WGS-84, far below road-snapping accuracy |
//! | GCJ-02 | Amap (高德), Tencent (腾讯) and other web maps in mainland China | the `coordtransform` crate's refined inverse (sub-metre) |
//! | BD-09 | Baidu (百度) maps | BD-09 → GCJ-02 → WGS-84, same crate |
//!
//! GCJ-02 and BD-09 offsets exist only inside mainland China; points elsewhere pass unchanged.

use crate::model::LonLat;
use serde::Deserialize;

/// A geographic coordinate system an input may be in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    #[default]
    #[serde(alias = "wgs-84", alias = "epsg:4326")]
    Wgs84,
    #[serde(alias = "epsg:4490")]
    Cgcs2000,
    #[serde(alias = "gcj-02", alias = "amap", alias = "tencent")]
    Gcj02,
    #[serde(alias = "bd-09", alias = "baidu")]
    Bd09,
}

impl Crs {
    /// The position in WGS-84.
    pub fn to_wgs84(self, p: LonLat) -> LonLat {
        let (lon, lat) = match self {
            Crs::Wgs84 | Crs::Cgcs2000 => return p,
            Crs::Gcj02 => coordtransform::gcj02_to_wgs84(p.lon, p.lat),
            Crs::Bd09 => coordtransform::bd09_to_wgs84(p.lon, p.lat),
        };
        LonLat::new(lon, lat)
    }

    /// Whether positions in this system are used as they are.
    pub fn is_wgs84(self) -> bool {
        matches!(self, Crs::Wgs84 | Crs::Cgcs2000)
    }

    pub fn name(self) -> &'static str {
        match self {
            Crs::Wgs84 => "wgs84",
            Crs::Cgcs2000 => "cgcs2000",
            Crs::Gcj02 => "gcj02",
            Crs::Bd09 => "bd09",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::haversine_m;

    /// (WGS-84 lat, lon, GCJ-02 lat, lon): the reference vectors of eviltransform's test suites
    /// (Shanghai, Shenzhen, Beijing).
    const GCJ: [(f64, f64, f64, f64); 3] = [
        (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
        (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
        (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
    ];
    /// (BD-09 lat, lon, WGS-84 lat, lon), from the same suites.
    const BD: [(f64, f64, f64, f64); 2] = [
        (
            29.199786,
            120.019809,
            29.196131605295484,
            120.00877901149691,
        ),
        (29.210504, 120.036455, 29.206795749156136, 120.0253853970846),
    ];

    #[test]
    fn gcj02_matches_the_reference_vectors() {
        for (wlat, wlon, glat, glon) in GCJ {
            let (lon, lat) = coordtransform::wgs84_to_gcj02(wlon, wlat);
            assert!(
                (lon - glon).abs() < 1e-9 && (lat - glat).abs() < 1e-9,
                "forward {lon},{lat}"
            );
            let back = Crs::Gcj02.to_wgs84(LonLat::new(glon, glat));
            // The GCJ-02 offset is ~500 m; the inverse recovers the WGS-84 point to under 0.1 m.
            assert!(haversine_m(back, LonLat::new(wlon, wlat)) < 0.1, "{back:?}");
            assert!(haversine_m(LonLat::new(glon, glat), LonLat::new(wlon, wlat)) > 100.0);
        }
    }

    #[test]
    fn bd09_inverts_the_forward_transform_and_roughly_matches_the_reference() {
        // Through the GCJ-02 reference points: WGS-84 → GCJ-02 → BD-09 (the standard forward
        // formulas) and back must return the starting point.
        for (wlat, wlon, _, _) in GCJ {
            let (glon, glat) = coordtransform::wgs84_to_gcj02(wlon, wlat);
            let (blon, blat) = coordtransform::gcj02_to_bd09(glon, glat);
            let back = Crs::Bd09.to_wgs84(LonLat::new(blon, blat));
            assert!(haversine_m(back, LonLat::new(wlon, wlat)) < 0.1, "{back:?}");
        }
        // eviltransform's BD-09 pairs are not consistent with the forward transform themselves
        // (their WGS-84 point maps 10.6 m and 41.7 m away from their BD-09 point), so they can
        // only confirm that the conversion is not grossly wrong.
        for (blat, blon, wlat, wlon) in BD {
            let w = Crs::Bd09.to_wgs84(LonLat::new(blon, blat));
            let d = haversine_m(w, LonLat::new(wlon, wlat));
            assert!(d < 50.0, "{w:?} is {d} m from the reference");
        }
    }

    #[test]
    fn wgs84_and_cgcs2000_pass_through_and_offsets_stop_at_the_border() {
        let p = LonLat::new(106.0, 29.4);
        assert_eq!(Crs::Wgs84.to_wgs84(p), p);
        assert_eq!(Crs::Cgcs2000.to_wgs84(p), p);
        let andorra = LonLat::new(1.52, 42.51);
        assert_eq!(Crs::Gcj02.to_wgs84(andorra), andorra);
        assert_eq!(Crs::Bd09.to_wgs84(andorra), andorra);
    }
}
