//! Who can reach whom: travel times from sites to villages over the road network, the coverage
//! sets a solver works on, and service-area polygons for the map.
//!
//! "Covered" is defined once, here: a village is covered by a site iff the travel time from
//! the site to the village is at most the radius, `t <= radius` ([`covers`]), the same
//! inclusive rule as spopt and the facloc-instance format.

mod marching;
mod service_area;

pub use service_area::{AreaFn, service_area, service_area_buffered};

use crate::model::{LonLat, VillageId};
use crate::network::{DijkstraWorkspace, Mode, RoadNetwork, Snap, bounded_dijkstra};
use rayon::prelude::*;
use std::collections::HashMap;

/// The coverage rule: a travel time `t` (seconds) is within a radius (seconds) iff `t <= radius`.
#[inline]
pub fn covers(t_s: f64, radius_s: f64) -> bool {
    t_s <= radius_s
}

/// Snaps each point onto the network of `mode`; a point farther than `max_snap_m` from every
/// usable road gets `None` (it is reported, never silently dropped, by the caller).
pub fn snap_all(
    net: &RoadNetwork,
    mode: Mode,
    points: &[LonLat],
    max_snap_m: f64,
) -> Vec<Option<Snap>> {
    points
        .par_iter()
        .map(|&p| net.snap(mode, p).filter(|s| s.distance_m <= max_snap_m))
        .collect()
}

/// Travel times from sites to the villages each reaches within a cut-off, in one mode.
#[derive(Clone, Debug, PartialEq)]
pub struct TravelTimes {
    pub mode: Mode,
    pub cutoff_s: f64,
    /// For the i-th site given to [`travel_times`]: `(village, seconds)` sorted by village,
    /// every time `<= cutoff_s`. Empty for a site that is not on the network.
    pub reach: Vec<Vec<(VillageId, f64)>>,
}

impl TravelTimes {
    /// The sets of villages each site covers within `radius_s` (which must not exceed the
    /// cut-off the times were computed with).
    pub fn within(&self, radius_s: f64) -> Vec<Vec<(VillageId, f64)>> {
        assert!(
            radius_s <= self.cutoff_s,
            "radius {radius_s} s beyond cut-off {} s",
            self.cutoff_s
        );
        self.reach
            .iter()
            .map(|r| {
                r.iter()
                    .copied()
                    .filter(|&(_, t)| covers(t, radius_s))
                    .collect()
            })
            .collect()
    }

    /// Number of (site, village) pairs.
    pub fn n_pairs(&self) -> usize {
        self.reach.iter().map(Vec::len).sum()
    }
}

/// Computes travel times between every site and every village within `cutoff_s`, one bounded
/// Dijkstra per site, in parallel with rayon.
///
/// Driving is timed from the site to the village (centre staff go out to their points and
/// homes); walking from the village to the site (elders walk to their point), which differs
/// on terrain, where the search runs on the reversed walking graph ([`ModeGraph::towards`]).
/// A trip is: the starting place's access leg, along its road segment to a node, the shortest
/// path over the network, along the other place's segment, its access leg; or, when both sit
/// on the same segment, straight along it. Each site's search is independent and results are
/// collected in input order, so the output is identical on 1 or N threads. `tick` is called
/// once per finished site (for a progress bar).
///
/// [`ModeGraph::towards`]: crate::network::ModeGraph::towards
pub fn travel_times(
    net: &RoadNetwork,
    mode: Mode,
    sites: &[Option<Snap>],
    villages: &[Option<Snap>],
    cutoff_s: f64,
    tick: &(dyn Fn() + Sync),
) -> TravelTimes {
    let to_sites = mode == Mode::Walk;
    // For each node, the villages reachable from it along their segment (walking: that reach
    // it), with the extra time.
    let mut attach: Vec<(u32, VillageId, f64)> = Vec::new();
    let mut on_segment: HashMap<u32, Vec<VillageId>> = HashMap::new();
    for (i, snap) in villages.iter().enumerate() {
        let Some(s) = snap else { continue };
        let v = VillageId(i as u32);
        let ends = if to_sites {
            net.departures(mode, s)
        } else {
            net.arrivals(mode, s)
        };
        for (node, extra) in ends {
            attach.push((node.0, v, extra));
        }
        on_segment.entry(s.segment).or_default().push(v);
    }
    attach.sort_by_key(|&(n, v, _)| (n, v));
    let mut offsets = vec![0usize; net.nodes.len() + 1];
    for &(n, _, _) in &attach {
        offsets[n as usize + 1] += 1;
    }
    for i in 0..net.nodes.len() {
        offsets[i + 1] += offsets[i];
    }
    let graph = if to_sites {
        net.mode(mode).towards()
    } else {
        &net.mode(mode).graph
    };
    let n_villages = villages.len();
    let reach = sites
        .par_iter()
        .map_init(
            || {
                (
                    DijkstraWorkspace::new(graph.n_nodes()),
                    vec![f64::INFINITY; n_villages],
                    Vec::new(),
                )
            },
            |(ws, best, touched), site| {
                let Some(site) = site else {
                    tick();
                    return Vec::new();
                };
                let mut offer = |v: VillageId, t: f64| {
                    if t <= cutoff_s && t < best[v.index()] {
                        if best[v.index()] == f64::INFINITY {
                            touched.push(v);
                        }
                        best[v.index()] = t;
                    }
                };
                for &v in on_segment.get(&site.segment).into_iter().flatten() {
                    let vs = villages[v.index()]
                        .as_ref()
                        .expect("attached villages are snapped");
                    let along = if to_sites {
                        net.along(mode, vs, site)
                    } else {
                        net.along(mode, site, vs)
                    };
                    if let Some(t) = along {
                        offer(v, t);
                    }
                }
                let starts = if to_sites {
                    net.arrivals(mode, site)
                } else {
                    net.departures(mode, site)
                };
                bounded_dijkstra(graph, &starts, cutoff_s, ws);
                for &u in ws.settled() {
                    let du = ws.dist(u);
                    for &(_, v, extra) in &attach[offsets[u.index()]..offsets[u.index() + 1]] {
                        offer(v, du + extra);
                    }
                }
                touched.sort_unstable();
                let out = touched.iter().map(|&v| (v, best[v.index()])).collect();
                for &v in touched.iter() {
                    best[v.index()] = f64::INFINITY;
                }
                touched.clear();
                tick();
                out
            },
        )
        .collect();
    TravelTimes {
        mode,
        cutoff_s,
        reach,
    }
}
