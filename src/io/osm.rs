//! OpenStreetMap PBF input (via the `osmpbf` crate): road ways with the tags that decide who may
//! travel where and how fast, and (for deriving scenarios) place nodes, amenities, buildings and
//! administrative boundaries.
//!
//! Ways are read in a first pass and the coordinates of just their nodes in a second, so memory
//! grows with the road network, not with the whole extract. Output order follows OSM ids, so
//! the same file always gives the same network whatever the number of threads.

use super::{Oneway, RoadLine};
use crate::error::{Error, Result};
use crate::model::LonLat;
use osmpbf::{Element, ElementReader};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Road classes that are not (yet) travelled: skipped on load.
const NOT_ROADS: &[&str] = &[
    "proposed",
    "construction",
    "abandoned",
    "disused",
    "platform",
    "raceway",
    "bus_stop",
    "elevator",
    "corridor",
    "via_ferrata",
    "escape",
    "rest_area",
    "services",
    "razed",
];

fn reader(path: &Path) -> Result<ElementReader<std::io::BufReader<std::fs::File>>> {
    Ok(ElementReader::new(super::open(path)?))
}

fn pbf_error(path: &Path, e: osmpbf::Error) -> Error {
    Error::file(path, format!("not a readable OSM PBF file: {e}"))
}

type Tags = Vec<(String, String)>;

fn tag<'a>(tags: &'a Tags, key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Builds a road line's attributes from a way's tags, or `None` if the way is not a road.
/// A ferry (`route=ferry`) is a line of class [`super::FERRY`] with its `duration`; walkers
/// board unless `foot=no`, cars only where `motor_vehicle` or `motorcar` says yes (OSM's
/// convention for ferries carrying vehicles).
fn road_attributes(tags: &Tags) -> Option<RoadLine> {
    let ferry = tag(tags, "route") == Some("ferry") && tag(tags, "highway").is_none();
    let highway = if ferry {
        super::FERRY
    } else {
        tag(tags, "highway")?
    };
    if NOT_ROADS.contains(&highway) || tag(tags, "area") == Some("yes") && highway != "pedestrian" {
        return None;
    }
    let roundabout = matches!(tag(tags, "junction"), Some("roundabout" | "circular"));
    let oneway = match tag(tags, "oneway") {
        Some("yes" | "true" | "1") => Oneway::Forward,
        Some("-1" | "reverse") => Oneway::Backward,
        Some("no" | "false" | "0") => Oneway::Both,
        _ if roundabout || highway == "motorway" => Oneway::Forward,
        _ => Oneway::Both,
    };
    let denied = |v: Option<&str>| matches!(v, Some("no" | "private"));
    let allowed = |v: Option<&str>| matches!(v, Some("yes" | "designated" | "permissive"));
    let mut walk = None;
    let mut drive = None;
    if denied(tag(tags, "access")) {
        walk = Some(false);
        drive = Some(false);
    }
    if allowed(tag(tags, "access")) {
        walk = Some(true);
    }
    for key in ["vehicle", "motor_vehicle", "motorcar"] {
        if denied(tag(tags, key)) {
            drive = Some(false);
        } else if allowed(tag(tags, key)) {
            drive = Some(true);
        }
    }
    if denied(tag(tags, "foot")) {
        walk = Some(false);
    } else if allowed(tag(tags, "foot")) {
        walk = Some(true);
    }
    Some(RoadLine {
        coords: Vec::new(),
        highway: highway.to_string(),
        speed_kmh: None,
        maxspeed_kmh: tag(tags, "maxspeed").and_then(parse_maxspeed),
        oneway,
        walk,
        drive,
        crossing_min: if ferry {
            tag(tags, "duration").and_then(super::parse_duration_min)
        } else {
            None
        },
    })
}

/// `50`, `50 km/h`, `30 mph`; other values (`signals`, `RO:urban`) give `None`.
fn parse_maxspeed(v: &str) -> Option<f64> {
    let v = v.trim();
    let digits: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let n: f64 = digits.parse().ok().filter(|n: &f64| *n > 0.0)?;
    Some(if v.ends_with("mph") { n * 1.609_344 } else { n })
}

fn collect_tags<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    it.map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

struct WayRec {
    id: i64,
    refs: Vec<i64>,
    road: RoadLine,
}

/// Reads the road ways of an OSM PBF extract. Ways whose nodes lie partly outside the extract
/// are split at the missing nodes.
pub fn read_roads_osm_pbf(path: &Path) -> Result<Vec<RoadLine>> {
    let mut ways: Vec<WayRec> = reader(path)?
        .par_map_reduce(
            |el| match el {
                Element::Way(w) => road_attributes(&collect_tags(w.tags()))
                    .map(|road| WayRec {
                        id: w.id(),
                        refs: w.refs().collect(),
                        road,
                    })
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            },
            Vec::new,
            |mut a, mut b| {
                a.append(&mut b);
                a
            },
        )
        .map_err(|e| pbf_error(path, e))?;
    ways.sort_unstable_by_key(|w| w.id);
    let needed: HashSet<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    let coords = node_coords(path, |id| needed.contains(&id))?;
    let mut lines = Vec::with_capacity(ways.len());
    for w in ways {
        for piece in split_at_missing(&w.refs, &coords) {
            lines.push(RoadLine {
                coords: piece,
                ..w.road.clone()
            });
        }
    }
    Ok(lines)
}

/// Coordinates of the nodes `wanted` accepts.
fn node_coords(path: &Path, wanted: impl Fn(i64) -> bool + Sync) -> Result<HashMap<i64, LonLat>> {
    let pairs: Vec<(i64, LonLat)> = reader(path)?
        .par_map_reduce(
            |el| match el {
                Element::DenseNode(n) if wanted(n.id()) => {
                    vec![(n.id(), LonLat::new(n.lon(), n.lat()))]
                }
                Element::Node(n) if wanted(n.id()) => vec![(n.id(), LonLat::new(n.lon(), n.lat()))],
                _ => Vec::new(),
            },
            Vec::new,
            |mut a, mut b| {
                a.append(&mut b);
                a
            },
        )
        .map_err(|e| pbf_error(path, e))?;
    Ok(pairs.into_iter().collect())
}

/// The runs of consecutive refs whose coordinates are known, each with at least two vertices.
fn split_at_missing(refs: &[i64], coords: &HashMap<i64, LonLat>) -> Vec<Vec<LonLat>> {
    let mut pieces = Vec::new();
    let mut current = Vec::new();
    for r in refs {
        match coords.get(r) {
            Some(c) => current.push(*c),
            None => {
                if current.len() >= 2 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

/// A node tagged `place=*`.
#[derive(Clone, Debug)]
pub struct OsmPlace {
    pub osm_id: i64,
    /// The `place` tag: town, village, hamlet, isolated_dwelling, locality, ...
    pub place: String,
    pub name: String,
    /// The `population` tag, where present and numeric.
    pub population: Option<f64>,
    pub location: LonLat,
}

/// A node or way with an `amenity`, `healthcare`, `social_facility` or `office` tag; ways are
/// placed at the mean of their vertices.
#[derive(Clone, Debug)]
pub struct OsmPoi {
    /// `n123` for a node, `w456` for a way (the OSM convention).
    pub osm_ref: String,
    pub tags: Vec<(String, String)>,
    pub location: LonLat,
}

impl OsmPoi {
    pub fn tag(&self, key: &str) -> Option<&str> {
        tag(&self.tags, key)
    }
}

/// Everything the scenario derivation needs from one extract.
#[derive(Clone, Debug, Default)]
pub struct OsmExtract {
    pub places: Vec<OsmPlace>,
    pub pois: Vec<OsmPoi>,
    /// Mean vertex of every way tagged `building=*`.
    pub buildings: Vec<LonLat>,
    /// Administrative boundaries: (name, admin_level, outer rings assembled from member ways).
    pub boundaries: Vec<(String, u8, geo::MultiPolygon<f64>)>,
}

const POI_KEYS: &[&str] = &["amenity", "healthcare", "social_facility", "office"];

/// Reads places, points of interest, buildings and administrative boundaries. Holds every node's
/// coordinates in memory: meant for town- or county-sized extracts.
pub fn read_osm_extract(path: &Path) -> Result<OsmExtract> {
    let mut nodes: HashMap<i64, LonLat> = HashMap::new();
    let mut ways: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut poi_ways: Vec<(i64, Tags)> = Vec::new();
    let mut building_ways: Vec<i64> = Vec::new();
    let mut relations: Vec<(i64, Tags, Vec<i64>)> = Vec::new();
    let mut out = OsmExtract::default();
    let mut node = |id: i64, loc: LonLat, tags: Tags, out: &mut OsmExtract| {
        nodes.insert(id, loc);
        if let Some(place) = tag(&tags, "place") {
            out.places.push(OsmPlace {
                osm_id: id,
                place: place.to_string(),
                name: tag(&tags, "name").unwrap_or_default().to_string(),
                population: tag(&tags, "population")
                    .and_then(|p| p.replace([',', ' '], "").parse().ok()),
                location: loc,
            });
        }
        if POI_KEYS.iter().any(|k| tag(&tags, k).is_some()) {
            out.pois.push(OsmPoi {
                osm_ref: format!("n{id}"),
                tags,
                location: loc,
            });
        }
    };
    reader(path)?
        .for_each(|el| match el {
            Element::DenseNode(n) => node(
                n.id(),
                LonLat::new(n.lon(), n.lat()),
                collect_tags(n.tags()),
                &mut out,
            ),
            Element::Node(n) => node(
                n.id(),
                LonLat::new(n.lon(), n.lat()),
                collect_tags(n.tags()),
                &mut out,
            ),
            Element::Way(w) => {
                let tags = collect_tags(w.tags());
                ways.insert(w.id(), w.refs().collect());
                if POI_KEYS.iter().any(|k| tag(&tags, k).is_some()) {
                    poi_ways.push((w.id(), tags));
                } else if tag(&tags, "building").is_some() {
                    building_ways.push(w.id());
                }
            }
            Element::Relation(r) => {
                let tags = collect_tags(r.tags());
                if tag(&tags, "boundary") == Some("administrative") {
                    let outer = r
                        .members()
                        .filter(|m| {
                            m.member_type == osmpbf::RelMemberType::Way
                                && matches!(m.role(), Ok("outer" | ""))
                        })
                        .map(|m| m.member_id)
                        .collect();
                    relations.push((r.id(), tags, outer));
                }
            }
        })
        .map_err(|e| pbf_error(path, e))?;
    let centroid = |refs: &[i64]| -> Option<LonLat> {
        let pts: Vec<LonLat> = refs.iter().filter_map(|r| nodes.get(r).copied()).collect();
        // A closed way repeats its first vertex; count it once.
        let pts = if pts.len() > 1 && pts.first() == pts.last() {
            &pts[1..]
        } else {
            &pts[..]
        };
        (!pts.is_empty()).then(|| {
            let n = pts.len() as f64;
            LonLat::new(
                pts.iter().map(|p| p.lon).sum::<f64>() / n,
                pts.iter().map(|p| p.lat).sum::<f64>() / n,
            )
        })
    };
    for (id, tags) in poi_ways {
        if let Some(location) = centroid(&ways[&id]) {
            out.pois.push(OsmPoi {
                osm_ref: format!("w{id}"),
                tags,
                location,
            });
        }
    }
    out.buildings = building_ways
        .iter()
        .filter_map(|id| centroid(&ways[id]))
        .collect();
    relations.sort_by_key(|r| r.0);
    for (_, tags, members) in relations {
        let (Some(name), Some(level)) = (
            tag(&tags, "name"),
            tag(&tags, "admin_level").and_then(|l| l.parse::<u8>().ok()),
        ) else {
            continue;
        };
        let member_refs: Vec<&Vec<i64>> = members.iter().filter_map(|m| ways.get(m)).collect();
        let rings = assemble_rings(&member_refs);
        let polygons: Vec<geo::Polygon<f64>> = rings
            .into_iter()
            .filter_map(|ring| {
                let coords: Option<Vec<geo::Coord<f64>>> = ring
                    .iter()
                    .map(|r| nodes.get(r).map(|p| geo::coord! { x: p.lon, y: p.lat }))
                    .collect();
                coords.map(|c| geo::Polygon::new(geo::LineString(c), vec![]))
            })
            .collect();
        if !polygons.is_empty() {
            out.boundaries
                .push((name.to_string(), level, geo::MultiPolygon(polygons)));
        }
    }
    out.places.sort_by_key(|p| p.osm_id);
    out.pois.sort_by(|a, b| a.osm_ref.cmp(&b.osm_ref));
    Ok(out)
}

/// Joins way node sequences end to end into closed rings (the usual OSM multipolygon
/// assembly); sequences that never close are dropped.
fn assemble_rings(ways: &[&Vec<i64>]) -> Vec<Vec<i64>> {
    let mut pending: Vec<Vec<i64>> = ways
        .iter()
        .filter(|w| w.len() >= 2)
        .map(|w| (*w).clone())
        .collect();
    let mut rings = Vec::new();
    while let Some(mut ring) = pending.pop() {
        loop {
            if ring.len() > 3 && ring.first() == ring.last() {
                rings.push(ring);
                break;
            }
            let end = *ring.last().expect("non-empty");
            let Some(i) = pending
                .iter()
                .position(|w| w.first() == Some(&end) || w.last() == Some(&end))
            else {
                break; // an open ring: the extract clipped the boundary
            };
            let mut next = pending.swap_remove(i);
            if next.first() != Some(&end) {
                next.reverse();
            }
            ring.extend_from_slice(&next[1..]);
        }
    }
    rings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn ferries_are_crossings_with_their_duration_and_carry_cars_where_tagged() {
        let r = road_attributes(&tags(&[("route", "ferry"), ("duration", "00:20")])).unwrap();
        assert!(r.is_ferry());
        assert_eq!((r.crossing_min, r.walk, r.drive), (Some(20.0), None, None));
        let r = road_attributes(&tags(&[
            ("route", "ferry"),
            ("duration", "PT1H5M"),
            ("foot", "no"),
            ("motor_vehicle", "yes"),
        ]))
        .unwrap();
        assert_eq!(
            (r.crossing_min, r.walk, r.drive),
            (Some(65.0), Some(false), Some(true))
        );
        // A bus route or a hiking route is no ferry; a way with no duration is timed by length.
        assert!(road_attributes(&tags(&[("route", "bus")])).is_none());
        let r = road_attributes(&tags(&[("route", "ferry"), ("duration", "soon")])).unwrap();
        assert_eq!(r.crossing_min, None);
        for (v, min) in [
            ("20", Some(20.0)),
            ("1:30:30", Some(90.5)),
            ("PT45S", Some(0.75)),
        ] {
            assert_eq!(super::super::parse_duration_min(v), min, "{v}");
        }
        for v in ["", "0", "-5", "1:2:3:4", "PT", "PT5X", "P1D"] {
            assert_eq!(super::super::parse_duration_min(v), None, "{v}");
        }
    }

    #[test]
    fn road_tags_decide_access_and_direction() {
        assert!(road_attributes(&tags(&[("building", "yes")])).is_none());
        assert!(road_attributes(&tags(&[("highway", "proposed")])).is_none());
        let r = road_attributes(&tags(&[
            ("highway", "primary"),
            ("oneway", "-1"),
            ("maxspeed", "30 mph"),
        ]))
        .unwrap();
        assert_eq!(r.oneway, Oneway::Backward);
        assert!((r.maxspeed_kmh.unwrap() - 48.28).abs() < 0.01);
        let r = road_attributes(&tags(&[
            ("highway", "service"),
            ("access", "private"),
            ("foot", "yes"),
        ]))
        .unwrap();
        assert_eq!((r.walk, r.drive), (Some(true), Some(false)));
        let r = road_attributes(&tags(&[
            ("highway", "tertiary"),
            ("junction", "roundabout"),
        ]))
        .unwrap();
        assert_eq!(r.oneway, Oneway::Forward);
        assert_eq!(parse_maxspeed("signals"), None);
    }

    #[test]
    fn rings_join_reversed_pieces() {
        let a = vec![1, 2, 3];
        let b = vec![5, 4, 3];
        let c = vec![5, 6, 1];
        let rings = assemble_rings(&[&a, &b, &c]);
        assert_eq!(rings.len(), 1);
        assert_eq!(rings[0].first(), rings[0].last());
        assert_eq!(rings[0].len(), 7);
    }
}
