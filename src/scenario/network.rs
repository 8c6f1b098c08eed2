//! `[network]`: travel speeds, ferries, and the terrain walked (and optionally driven) on.

use crate::error::{Error, Result};
use crate::network::{Ferry, NetworkOptions, Profile, Slope};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNetwork {
    walk_kmh: Option<f64>,
    walk_access_kmh: Option<f64>,
    drive_access_kmh: Option<f64>,
    #[serde(default)]
    drive_kmh: BTreeMap<String, f64>,
    max_snap_m: Option<f64>,
    min_component_nodes: Option<usize>,
    dem: Option<OneOrMany>,
    dem_outside: Option<String>,
    walk_grade_factors: Option<Vec<(f64, f64)>>,
    drive_grade_factor: Option<f64>,
    ferries: Option<bool>,
    ferry_wait_min: Option<f64>,
    ferry_kmh: Option<f64>,
}

/// A path or a list of paths.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(PathBuf),
    Many(Vec<PathBuf>),
}

/// The `[network]` section, checked.
pub(super) struct Network {
    pub options: NetworkOptions,
    pub dem: Vec<PathBuf>,
    pub dem_outside_flat: bool,
    pub walk_slope: Slope,
    pub drive_grade_factor: f64,
    pub max_snap_m: f64,
}

/// Checks `raw` (read from the scenario at `path`, whose folder is `base`).
pub(super) fn parse_network(raw: RawNetwork, base: &Path, path: &Path) -> Result<Network> {
    let err = |place: String, msg: String| Error::input(path, place, msg);
    let positive = |v: Option<f64>, default: f64, key: &str| super::positive(path, v, default, key);
    let mut profile = Profile::default();
    profile.walk_kmh = positive(raw.walk_kmh, profile.walk_kmh, "network.walk_kmh")?;
    profile.walk_access_kmh = positive(
        raw.walk_access_kmh,
        profile.walk_kmh,
        "network.walk_access_kmh",
    )?;
    profile.drive_access_kmh = positive(
        raw.drive_access_kmh,
        profile.drive_access_kmh,
        "network.drive_access_kmh",
    )?;
    for (class, kmh) in raw.drive_kmh {
        let kmh = positive(Some(kmh), 0.0, &format!("network.drive_kmh.{class}"))?;
        profile.drive_kmh.insert(class, kmh);
    }
    let ferry_defaults = Ferry::default();
    let ferry = Ferry {
        wait_min: match raw.ferry_wait_min {
            Some(w) if !(0.0..=1440.0).contains(&w) => {
                return Err(err(
                    "key `network.ferry_wait_min`".into(),
                    format!("{w}: a wait is 0 to 1440 minutes"),
                ));
            }
            Some(w) => w,
            None => ferry_defaults.wait_min,
        },
        kmh: positive(raw.ferry_kmh, ferry_defaults.kmh, "network.ferry_kmh")?,
    };
    profile.ferry = raw.ferries.unwrap_or(true).then_some(ferry);
    if raw.ferries == Some(false) {
        for (key, given) in [
            ("ferry_wait_min", raw.ferry_wait_min.is_some()),
            ("ferry_kmh", raw.ferry_kmh.is_some()),
        ] {
            if given {
                return Err(err(
                    format!("[network] `{key}`"),
                    "applies to ferries, which `ferries = false` leaves out".into(),
                ));
            }
        }
    }
    let max_snap_m = positive(raw.max_snap_m, 1000.0, "network.max_snap_m")?;
    let dem: Vec<PathBuf> = match raw.dem {
        None => Vec::new(),
        Some(OneOrMany::One(p)) => vec![base.join(p)],
        Some(OneOrMany::Many(ps)) => ps.into_iter().map(|p| base.join(p)).collect(),
    };
    let dem_outside_flat = match raw.dem_outside.as_deref() {
        None | Some("refuse") => false,
        Some("flat") => true,
        Some(other) => {
            return Err(err(
                "[network] `dem_outside`".into(),
                format!("`{other}`: write \"refuse\" (the default) or \"flat\""),
            ));
        }
    };
    for (key, given) in [
        ("dem_outside", raw.dem_outside.is_some()),
        ("walk_grade_factors", raw.walk_grade_factors.is_some()),
        ("drive_grade_factor", raw.drive_grade_factor.is_some()),
    ] {
        if given && dem.is_empty() {
            return Err(err(
                format!("[network] `{key}`"),
                "applies to `dem`, which is not given".into(),
            ));
        }
    }
    let walk_slope = match raw.walk_grade_factors {
        None => Slope::Tobler,
        Some(points) => {
            Slope::table(points).map_err(|m| err("[network] `walk_grade_factors`".into(), m))?
        }
    };
    let drive_grade_factor = match raw.drive_grade_factor {
        Some(k) if !(0.0..=10.0).contains(&k) => {
            return Err(err(
                "[network] `drive_grade_factor`".into(),
                format!("{k}: a factor from 0 (off) to 10 (a 10 % grade doubles the time)"),
            ));
        }
        k => k.unwrap_or(0.0),
    };
    let defaults = NetworkOptions::default();
    Ok(Network {
        options: NetworkOptions {
            profile,
            min_component_nodes: raw
                .min_component_nodes
                .unwrap_or(defaults.min_component_nodes),
            terrain: None,
        },
        dem,
        dem_outside_flat,
        walk_slope,
        drive_grade_factor,
        max_snap_m,
    })
}
