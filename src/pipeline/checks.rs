//! Checks of a scenario's inputs before the work starts, each refusal naming the file, the
//! place and the value: every input file exists, existing sites operate as something the
//! scenario knows, the places lie within the roads' extent, and the elevation tiles are
//! readable and cover the walkable roads.

use super::NURSING_HOME;
use crate::error::{Error, Result};
use crate::io;
use crate::model::{LonLat, Site};
use crate::network::{RoadNetwork, Terrain};
use crate::scenario::Scenario;
use std::path::Path;
use std::sync::Arc;

/// The elevation tiles of `[network] dem`, if any (errors name the tile and why).
pub(super) fn read_terrain(scenario: &Scenario) -> Result<Option<Arc<Terrain>>> {
    if scenario.dem.is_empty() {
        return Ok(None);
    }
    let dems = scenario
        .dem
        .iter()
        .map(|path| io::load_dem(path))
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Arc::new(Terrain {
        dems,
        slope: scenario.walk_slope.clone(),
        drive_grade_factor: scenario.drive_grade_factor,
    })))
}

/// Road the elevation tiles do not cover is refused unless the scenario walks it flat.
pub(super) fn check_terrain(scenario: &Scenario, network: &RoadNetwork) -> Result<()> {
    let Some(t) = &network.terrain else {
        return Ok(());
    };
    if t.flat_segments == 0 || scenario.dem_outside_flat {
        return Ok(());
    }
    let extents: Vec<String> = t
        .files
        .iter()
        .map(|(f, e)| {
            format!(
                "{} covers lon {}–{}, lat {}–{}",
                f.file_name().unwrap_or_default().to_string_lossy(),
                e[0],
                e[2],
                e[1],
                e[3]
            )
        })
        .collect();
    let (lo, hi) = network.bbox();
    Err(Error::input(
        &scenario.dem[0],
        "[network] dem",
        format!(
            "{} of {} walkable road segments ({:.1} %) leave the elevation model ({}; the roads span lon {:.3}–{:.3}, lat {:.3}–{:.3}): add the neighbouring tiles to `dem`, or set [network] dem_outside = \"flat\" to walk them on the flat",
            t.flat_segments,
            t.walk_segments,
            100.0 * t.flat_segments as f64 / t.walk_segments.max(1) as f64,
            extents.join("; "),
            lo.lon,
            hi.lon,
            lo.lat,
            hi.lat
        ),
    ))
}

/// A missing input file, named by the scenario key that names it, as written and as resolved
/// (paths are relative to the scenario file).
pub(super) fn check_inputs_exist(scenario: &Scenario) -> Result<()> {
    let base = scenario.file.parent().unwrap_or(Path::new(""));
    let keys = [
        ("[inputs] villages", Some(&scenario.villages)),
        ("[inputs] sites", Some(&scenario.sites)),
        ("[inputs] roads", Some(&scenario.roads)),
        ("[inputs] towns", scenario.towns.as_ref()),
    ];
    let dems = scenario.dem.iter().map(|p| ("[network] dem", Some(p)));
    for (key, path) in keys.into_iter().chain(dems) {
        let Some(path) = path else { continue };
        if path.exists() {
            continue;
        }
        let written = path.strip_prefix(base).unwrap_or(path);
        let resolved = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        return Err(Error::input(
            &scenario.file,
            key,
            format!(
                "\"{}\" is {}, which does not exist (paths in a scenario are relative to the scenario file's folder)",
                written.display(),
                resolved.display()
            ),
        ));
    }
    Ok(())
}

/// What an existing site operates as (`facility`): a tier's name or a nursing home.
pub(super) fn check_facilities(scenario: &Scenario, sites: &[Site]) -> Result<()> {
    for s in sites {
        let Some(f) = &s.facility else { continue };
        if f != NURSING_HOME && !scenario.tiers.iter().any(|t| &t.name == f) {
            let tiers: Vec<&str> = scenario.tiers.iter().map(|t| t.name.as_str()).collect();
            return Err(Error::input(
                &scenario.sites,
                format!("site `{}`, field `facility`", s.key),
                format!(
                    "`{f}` is neither a tier of the scenario ({}) nor `{NURSING_HOME}`",
                    tiers.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Rejects an input none of whose points lies near the road network (usually swapped
/// longitude/latitude, or a file of another region or coordinate system).
pub(super) fn check_extent(
    net: &RoadNetwork,
    file: &Path,
    points: impl Iterator<Item = LonLat> + Clone,
    margin_m: f64,
) -> Result<()> {
    let (lo, hi) = net.bbox();
    let dlat = margin_m / 111_000.0;
    let dlon = margin_m / (111_000.0 * ((lo.lat + hi.lat) / 2.0).to_radians().cos().max(0.01));
    let inside = |p: LonLat| {
        p.lon >= lo.lon - dlon
            && p.lon <= hi.lon + dlon
            && p.lat >= lo.lat - dlat
            && p.lat <= hi.lat + dlat
    };
    if points.clone().any(inside) {
        return Ok(());
    }
    let swapped = points
        .clone()
        .filter(|p| inside(LonLat::new(p.lat, p.lon)))
        .count();
    let first = points.clone().next();
    let hint = if swapped > 0 {
        format!(
            " {swapped} of them would be inside with longitude and latitude swapped: check the column order (lon is x, east; lat is y, north)."
        )
    } else {
        " Check the coordinate system (WGS-84 lon/lat degrees) and that the files cover the same area.".to_string()
    };
    Err(Error::file(
        file,
        format!(
            "no point lies within the road network's extent (lon {:.4}..{:.4}, lat {:.4}..{:.4}); the first is at lon {}, lat {}.{hint}",
            lo.lon,
            hi.lon,
            lo.lat,
            hi.lat,
            first.map_or(f64::NAN, |p| p.lon),
            first.map_or(f64::NAN, |p| p.lat),
        ),
    ))
}
