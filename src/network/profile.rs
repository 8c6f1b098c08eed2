//! Who may travel on which road and how fast: the travel-time profile of each mode.
//!
//! Walking (elders going to a village point) uses one speed on every road pedestrians may use
//! (on terrain, [`super::terrain`] turns it into a time per slope and direction),
//! in both directions. Driving (centre staff going out to points and homes) uses a speed per
//! OSM `highway` class, capped by `maxspeed`, replaced by an explicit `speed_kmh`, and honours
//! one-way roads. Ferries (OSM `route=ferry`) take their crossing time plus a wait at the
//! pier, for whoever they carry. The scenario can override every number.

use crate::io::{Oneway, RoadLine};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A way of travelling on the road network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Walk,
    Drive,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Walk, Mode::Drive];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Drive => "drive",
        }
    }
}

/// Default driving speeds (km/h) by OSM `highway` class: rural, hilly roads, not speed limits.
pub const DEFAULT_DRIVE_KMH: &[(&str, f64)] = &[
    ("motorway", 90.0),
    ("motorway_link", 50.0),
    ("trunk", 70.0),
    ("trunk_link", 40.0),
    ("primary", 60.0),
    ("primary_link", 40.0),
    ("secondary", 50.0),
    ("secondary_link", 35.0),
    ("tertiary", 40.0),
    ("tertiary_link", 30.0),
    ("unclassified", 30.0),
    ("road", 30.0),
    ("residential", 25.0),
    ("living_street", 10.0),
    ("service", 15.0),
    ("track", 10.0),
];

/// Classes pedestrians may not use unless tagged otherwise.
const NO_WALKING: &[&str] = &["motorway", "motorway_link"];

/// Travel speeds for both modes.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// Walking speed of elders, km/h.
    pub walk_kmh: f64,
    /// Driving speed by `highway` class, km/h; classes absent here are not drivable.
    pub drive_kmh: BTreeMap<String, f64>,
    /// Speed on the leg between a village or site and its nearest road point, per mode (km/h).
    pub walk_access_kmh: f64,
    pub drive_access_kmh: f64,
    /// Ferry crossings; `None` where the scenario leaves them out (`[network] ferries = false`).
    pub ferry: Option<Ferry>,
}

/// How ferries are timed: the tagged crossing time (OSM `duration`), or the line's length at
/// `kmh`, plus `wait_min` at the pier (half the interval between boats, where they keep a
/// timetable: the Yangtze crossings of Jiangjin run every 20–60 minutes).
#[derive(Clone, Debug, PartialEq)]
pub struct Ferry {
    pub wait_min: f64,
    pub kmh: f64,
}

impl Default for Ferry {
    fn default() -> Self {
        Self {
            wait_min: 15.0,
            kmh: 10.0,
        }
    }
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            walk_kmh: 4.0,
            drive_kmh: DEFAULT_DRIVE_KMH
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            walk_access_kmh: 4.0,
            drive_access_kmh: 15.0,
            ferry: Some(Ferry::default()),
        }
    }
}

/// How one road line may be travelled in one mode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Passage {
    /// Speed in metres per second.
    pub speed_mps: f64,
    /// Travel allowed from the line's first vertex towards its last.
    pub forward: bool,
    /// Travel allowed from the last vertex towards the first.
    pub backward: bool,
}

impl Profile {
    /// How `line` may be travelled in `mode`, or `None` if it may not be used at all.
    pub fn passage(&self, line: &RoadLine, mode: Mode) -> Option<Passage> {
        if line.is_ferry() {
            return self.ferry_passage(line, mode);
        }
        match mode {
            Mode::Walk => {
                let default = !NO_WALKING.contains(&line.highway.as_str());
                line.walk.unwrap_or(default).then_some(Passage {
                    speed_mps: self.walk_kmh / 3.6,
                    forward: true,
                    backward: true,
                })
            }
            Mode::Drive => {
                let class_kmh = self.drive_kmh.get(&line.highway).copied();
                if line.drive == Some(false) {
                    return None;
                }
                let kmh = match (line.speed_kmh, class_kmh, line.drive) {
                    (Some(s), _, _) => s,
                    (None, Some(c), _) => line.maxspeed_kmh.map_or(c, |m| m.min(c)),
                    // Explicitly drivable but of a class with no speed: the slowest class speed.
                    (None, None, Some(true)) => self
                        .drive_kmh
                        .values()
                        .copied()
                        .fold(f64::INFINITY, f64::min),
                    (None, None, _) => return None,
                };
                (kmh > 0.0 && kmh.is_finite()).then_some(Passage {
                    speed_mps: kmh / 3.6,
                    forward: line.oneway != Oneway::Backward,
                    backward: line.oneway != Oneway::Forward,
                })
            }
        }
    }

    /// A ferry as one crossing from its first vertex to its last: walkers board unless
    /// `foot=no`, cars only where tagged; the "speed" is the line's length over the crossing
    /// and the wait, so that the crossing takes exactly that long.
    fn ferry_passage(&self, line: &RoadLine, mode: Mode) -> Option<Passage> {
        let ferry = self.ferry.as_ref()?;
        let boards = match mode {
            Mode::Walk => line.walk != Some(false),
            Mode::Drive => line.drive == Some(true),
        };
        if !boards {
            return None;
        }
        let length_m = super::polyline_m(&line.coords);
        let crossing_s = line
            .crossing_min
            .map_or(length_m / (ferry.kmh / 3.6), |m| m * 60.0);
        Some(Passage {
            speed_mps: length_m.max(1e-9) / (crossing_s + ferry.wait_min * 60.0),
            forward: line.oneway != Oneway::Backward,
            backward: line.oneway != Oneway::Forward,
        })
    }

    /// Speed of the off-road leg to the nearest road point, metres per second.
    pub fn access_mps(&self, mode: Mode) -> f64 {
        match mode {
            Mode::Walk => self.walk_access_kmh / 3.6,
            Mode::Drive => self.drive_access_kmh / 3.6,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LonLat;

    #[test]
    fn classes_and_overrides() {
        let p = Profile::default();
        let line = |h: &str| RoadLine::new(vec![LonLat::new(0.0, 0.0), LonLat::new(0.0, 0.001)], h);
        assert!(p.passage(&line("footway"), Mode::Drive).is_none());
        assert!(p.passage(&line("footway"), Mode::Walk).is_some());
        assert!(p.passage(&line("motorway"), Mode::Walk).is_none());
        let mut primary = line("primary");
        primary.maxspeed_kmh = Some(30.0);
        primary.oneway = Oneway::Forward;
        let d = p.passage(&primary, Mode::Drive).unwrap();
        assert!((d.speed_mps - 30.0 / 3.6).abs() < 1e-12);
        assert!(d.forward && !d.backward);
        let w = p.passage(&primary, Mode::Walk).unwrap();
        assert!(w.forward && w.backward, "pedestrians ignore one-way");
        primary.speed_kmh = Some(72.0);
        assert!((p.passage(&primary, Mode::Drive).unwrap().speed_mps - 20.0).abs() < 1e-12);
    }
}
