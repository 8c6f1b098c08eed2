//! Terrain for walking: a digital elevation model (DEM) and the time to walk a road segment
//! uphill or downhill.
//!
//! The village tier is defined by elders *walking* to their point (000 §2(4): 一村一点; the
//! "15-minute" circle of 001 §2(4), 003 §2(9)), and the counties this serves are hill country.
//! Walking speed follows Tobler's hiking function (Tobler 1993, "Three presentations on
//! geographical analysis and modeling", NCGIA TR 93-1): `v = 6 e^{-3.5 |s + 0.05|}` km/h on a
//! grade `s` (rise over run), fastest slightly downhill. It is scaled so that the flat speed is
//! the scenario's `walk_kmh` (the elders' pace, not Tobler's hikers'): `v(s) = walk ×
//! e^{-3.5 |s + 0.05|} / e^{-3.5 · 0.05}`. AccessMod (WHO) applies the same function to walking
//! times on a DEM.
//!
//! A segment is walked piece by piece: it is cut into pieces no longer than the DEM's cell
//! size, so that a climb inside one long segment is not averaged away, and each piece's grade
//! comes from the elevations bilinearly sampled at its ends. The heights come from elevation
//! tiles ([`crate::io::Dem`], SRTM).

pub use crate::io::Dem;
use crate::model::LonLat;

/// Grade above which Tobler's function is not extrapolated (a 100 % grade is a staircase; the
/// speed there is already a tenth of the flat one).
const MAX_GRADE: f64 = 1.0;

/// The elevation models of a scenario (one or several tiles): a point's height is the first
/// tile's that covers it. A segment leaving every tile is walked as on the flat; the
/// pipeline refuses such a network unless the scenario says `dem_outside = "flat"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Terrain {
    pub dems: Vec<Dem>,
    pub slope: Slope,
    /// Driving on grades (`[network] drive_grade_factor`, 0 = off): a piece of grade `s`
    /// takes `1 + k |s|` times as long to drive as on the flat, uphill and downhill alike
    /// (steep rural roads wind and are driven slowly both ways), so `k = 2` makes a 10 %
    /// grade 20 % slower. Mild and symmetric by design: the drive tier is staff in cars.
    pub drive_grade_factor: f64,
}

/// How walking speed depends on the grade, as a multiple of the flat pace (`walk_kmh`).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Slope {
    /// Tobler's hiking function, scaled to 1 on the flat ([`tobler_factor`]).
    #[default]
    Tobler,
    /// A table of (grade, factor) points, grades ascending (`[network] walk_grade_factors`,
    /// e.g. a county's own survey of elders' pace): linear between the points, the end
    /// values beyond them.
    Table(Vec<(f64, f64)>),
}

impl Slope {
    /// A table, checked: at least two points, grades ascending within −100 %..100 %,
    /// factors above 0 and at most 10.
    pub fn table(points: Vec<(f64, f64)>) -> Result<Slope, String> {
        if points.len() < 2 {
            return Err("give at least two [grade, factor] points".into());
        }
        for (k, &(g, f)) in points.iter().enumerate() {
            if !(-1.0..=1.0).contains(&g) {
                return Err(format!(
                    "grade {g} is outside -1..1 (rise over run: 0.1 is 10 %)"
                ));
            }
            if !(f > 0.0 && f <= 10.0) {
                return Err(format!(
                    "factor {f} at grade {g}: a factor is above 0 and at most 10"
                ));
            }
            if k > 0 && g <= points[k - 1].0 {
                return Err(format!(
                    "grades must ascend: {g} follows {}",
                    points[k - 1].0
                ));
            }
        }
        Ok(Slope::Table(points))
    }

    /// The speed on `grade` as a multiple of the flat pace.
    pub fn factor(&self, grade: f64) -> f64 {
        match self {
            Slope::Tobler => tobler_factor(grade),
            Slope::Table(points) => {
                let (first, last) = (points[0], points[points.len() - 1]);
                if grade <= first.0 {
                    return first.1;
                }
                if grade >= last.0 {
                    return last.1;
                }
                let k = points.partition_point(|p| p.0 <= grade);
                let ((g0, f0), (g1, f1)) = (points[k - 1], points[k]);
                f0 + (f1 - f0) * (grade - g0) / (g1 - g0)
            }
        }
    }
}

impl Terrain {
    pub fn sample(&self, p: LonLat) -> Option<f64> {
        self.dems.iter().find_map(|d| d.sample(p))
    }

    /// The finest cell of the tiles, metres.
    pub fn cell_m(&self) -> f64 {
        self.dems
            .iter()
            .map(Dem::cell_m)
            .fold(f64::INFINITY, f64::min)
    }
}

/// Walking speed on grade `s` as a multiple of the flat speed (Tobler, scaled to 1 at 0).
pub fn tobler_factor(grade: f64) -> f64 {
    let s = grade.clamp(-MAX_GRADE, MAX_GRADE);
    (-3.5 * (s + 0.05).abs()).exp() / (-3.5f64 * 0.05).exp()
}

/// Seconds to walk the straight segment from `a` to `b` (`length_m` long) at `flat_mps` on
/// flat ground, forwards (a → b) and backwards, on the terrain; `None` where a piece's end
/// lies outside every tile.
pub fn walk_times(
    terrain: &Terrain,
    a: LonLat,
    b: LonLat,
    length_m: f64,
    flat_mps: f64,
) -> Option<[f64; 2]> {
    by_grade(terrain, a, b, length_m, flat_mps, |g| {
        terrain.slope.factor(g)
    })
}

/// Seconds to drive the straight segment from `a` to `b` at `flat_mps` on the flat, both
/// ways ([`Terrain::drive_grade_factor`]); `None` where it leaves every tile.
pub fn drive_times(
    terrain: &Terrain,
    a: LonLat,
    b: LonLat,
    length_m: f64,
    flat_mps: f64,
) -> Option<[f64; 2]> {
    let k = terrain.drive_grade_factor;
    by_grade(terrain, a, b, length_m, flat_mps, |g| {
        1.0 / (1.0 + k * g.abs().min(MAX_GRADE))
    })
}

/// Seconds along the segment a → b and back, piece by piece, each at `flat_mps` times
/// `factor(grade)` (grade rise over run in the direction travelled).
fn by_grade(
    terrain: &Terrain,
    a: LonLat,
    b: LonLat,
    length_m: f64,
    flat_mps: f64,
    factor: impl Fn(f64) -> f64,
) -> Option<[f64; 2]> {
    // (Less a billionth, so that a segment exactly n cells long is n pieces despite rounding.)
    let pieces = ((length_m / terrain.cell_m() - 1e-9).ceil() as usize).max(1);
    let piece_m = length_m / pieces as f64;
    let mut heights = Vec::with_capacity(pieces + 1);
    for k in 0..=pieces {
        let t = k as f64 / pieces as f64;
        heights.push(terrain.sample(LonLat::new(
            a.lon + t * (b.lon - a.lon),
            a.lat + t * (b.lat - a.lat),
        ))?);
    }
    let mut times = [0.0; 2];
    if piece_m <= 0.0 {
        return Some(times);
    }
    for w in heights.windows(2) {
        let grade = (w[1] - w[0]) / piece_m;
        times[0] += piece_m / (flat_mps * factor(grade));
        times[1] += piece_m / (flat_mps * factor(-grade));
    }
    Some(times)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn one(dem: Dem) -> Terrain {
        Terrain {
            dems: vec![dem],
            slope: Slope::Tobler,
            drive_grade_factor: 0.0,
        }
    }

    #[test]
    fn a_table_of_factors_is_interpolated_and_checked() {
        let t = Slope::table(vec![(-0.2, 0.5), (0.0, 1.0), (0.2, 0.4)]).unwrap();
        assert_eq!(t.factor(0.0), 1.0);
        assert!((t.factor(0.1) - 0.7).abs() < 1e-12);
        assert!((t.factor(-0.05) - 0.875).abs() < 1e-12);
        assert_eq!((t.factor(-0.5), t.factor(0.9)), (0.5, 0.4));
        // 100 m at +10 % on a 4 km/h pace by this table: 100 / (4/3.6 × 0.7) s, and back down
        // at −10 % (factor 0.75).
        let heights = [Some(0.0), Some(10.0), Some(0.0), Some(10.0)];
        let step = 100.0 / 111_320.0 / (42.0f64.to_radians().cos());
        let dem = Dem::from_grid(Path::new("t"), 1.0, 42.0, step, 2, 2, &heights).unwrap();
        let terrain = Terrain {
            dems: vec![dem],
            slope: t,
            drive_grade_factor: 2.0,
        };
        let flat = 4.0 / 3.6;
        let (a, b) = (LonLat::new(1.0, 42.0), LonLat::new(1.0 + step, 42.0));
        let times = walk_times(&terrain, a, b, 100.0, flat).unwrap();
        assert!((times[0] - 100.0 / (flat * 0.7)).abs() < 1e-9, "{times:?}");
        assert!((times[1] - 100.0 / (flat * 0.75)).abs() < 1e-9, "{times:?}");
        // Driving at 36 km/h with a grade factor of 2: the 10 % grade takes 20 % longer, up
        // and down.
        let drive = drive_times(&terrain, a, b, 100.0, 10.0).unwrap();
        assert!(
            (drive[0] - 12.0).abs() < 1e-9 && (drive[1] - 12.0).abs() < 1e-9,
            "{drive:?}"
        );
        for (bad, why) in [
            (vec![(0.0, 1.0)], "at least two"),
            (vec![(0.1, 1.0), (0.0, 1.0)], "ascend"),
            (vec![(0.0, 1.0), (0.1, 0.0)], "above 0"),
            (vec![(0.0, 1.0), (2.0, 0.5)], "outside -1..1"),
        ] {
            assert!(Slope::table(bad).unwrap_err().contains(why), "{why}");
        }
    }

    /// A grid rising `rise` metres per column to the east, `n` × `n`, 0.001° apart.
    fn ramp(n: usize, rise: f32) -> Dem {
        let heights: Vec<Option<f32>> = (0..n * n).map(|i| Some((i % n) as f32 * rise)).collect();
        Dem::from_grid(Path::new("ramp"), 1.0, 42.01, 0.001, n, n, &heights).unwrap()
    }

    #[test]
    fn tobler_is_one_on_the_flat_and_fastest_slightly_downhill() {
        assert!((tobler_factor(0.0) - 1.0).abs() < 1e-12);
        assert!(tobler_factor(-0.05) > tobler_factor(0.0));
        assert!(tobler_factor(0.1) < tobler_factor(-0.1));
        // By hand: at +10 % the speed is e^{-3.5·0.15} / e^{-3.5·0.05} = e^{-0.35}.
        assert!((tobler_factor(0.1) - (-0.35f64).exp()).abs() < 1e-12);
    }

    /// Two pieces by hand: 100 m at +10 % then 100 m flat, at 4 km/h on the flat.
    #[test]
    fn a_two_segment_climb_takes_the_hand_computed_time() {
        let flat = 4.0 / 3.6;
        let up = 100.0 / (flat * (-0.35f64).exp());
        let level = 100.0;
        let expected = up + level / flat;
        // Heights: a DEM whose cells are exactly the two pieces' ends (0, 10, 10 m).
        let heights = [
            Some(0.0),
            Some(10.0),
            Some(10.0),
            Some(0.0),
            Some(10.0),
            Some(10.0),
        ];
        let step = 100.0 / 111_320.0 / (42.0f64.to_radians().cos());
        let dem = Dem::from_grid(Path::new("two"), 1.0, 42.0, step, 3, 2, &heights).unwrap();
        let a = LonLat::new(1.0, 42.0);
        let b = LonLat::new(1.0 + 2.0 * step, 42.0);
        let t = walk_times(&one(dem), a, b, 200.0, flat).unwrap();
        assert!(
            (t[0] - expected).abs() < 1e-6 * expected,
            "{} vs {expected}",
            t[0]
        );
        // Back down: 100 m flat, then 100 m at −10 %.
        let down = 100.0 / (flat * tobler_factor(-0.1));
        assert!((t[1] - (level / flat + down)).abs() < 1e-6 * t[1]);
        assert!(t[0] > t[1], "uphill slower than the way back down");
    }

    #[test]
    fn a_flat_dem_walks_at_the_flat_speed() {
        let dem = ramp(20, 0.0);
        let (a, b) = (LonLat::new(1.001, 42.0), LonLat::new(1.015, 42.005));
        let len = crate::network::haversine_m(a, b);
        let t = walk_times(&one(dem), a, b, len, 1.0).unwrap();
        assert!((t[0] - len).abs() < 1e-9 && (t[1] - len).abs() < 1e-9);
    }
}
