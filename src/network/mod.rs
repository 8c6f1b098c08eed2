//! The road network: a graph per travel mode built from road lines, snapping of places onto it,
//! and bounded shortest travel times.
//!
//! Road lines are cut into straight segments between consecutive vertices. Vertices with the
//! same coordinate (to 1e-7°, about 1 cm) become one node, so lines that share an end point are
//! joined even when their source ids differ (clipped navigation data, separate GeoJSON
//! features). Each mode gets its own compact graph ([`Csr`], `u32` indices) whose edges carry
//! travel times in seconds.
//!
//! A place (village or site) is *snapped* to the nearest point of a segment that its mode may
//! use and that lies in a large enough connected component; the straight leg to that point is
//! travelled at the mode's access speed. Places whose nearest road is on a tiny disconnected
//! piece (a car park, a clipped track) are snapped to the main network instead and flagged.

mod csr;
mod geodesy;
mod profile;
pub mod terrain;

pub use csr::{Csr, DijkstraWorkspace, Edge, bounded_dijkstra};
pub use geodesy::{LocalProjection, haversine_m, polyline_m};
pub use profile::{DEFAULT_DRIVE_KMH, Ferry, Mode, Passage, Profile};
pub use terrain::{Slope, Terrain};

use crate::io::RoadLine;
use crate::model::{LonLat, NodeId};
use geo::{Line, coord};
use rstar::RTree;
use rstar::primitives::GeomWithData;
use std::collections::HashMap;

/// A straight piece of road between two nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub a: NodeId,
    pub b: NodeId,
    pub length_m: f64,
    /// A ferry crossing: one segment from pier to pier (the line's length, straight between
    /// its ends), never snapped to, not on terrain, not drawn in service areas.
    pub ferry: bool,
}

/// Where a place meets the network of one mode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// Index of the segment in [`RoadNetwork::segments`].
    pub segment: u32,
    /// Position along the segment: 0 at its node `a`, 1 at `b`.
    pub fraction: f64,
    /// The snapped point on the road.
    pub point: LonLat,
    /// Great-circle length of the leg from the place to `point`, metres.
    pub distance_m: f64,
    /// Seconds to cover that leg at the mode's access speed.
    pub access_s: f64,
    /// A road of a tiny disconnected component was nearer than `point`.
    pub skipped_small_component: bool,
}

/// Settings for building the network.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkOptions {
    pub profile: Profile,
    /// Connected components with fewer nodes are not snapped to (unless no component is this
    /// large, in which case the largest one is used).
    pub min_component_nodes: usize,
    /// Elevation for walking ([`terrain`]): walking times by slope and direction.
    pub terrain: Option<std::sync::Arc<Terrain>>,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        Self {
            profile: Profile::default(),
            min_component_nodes: 50,
            terrain: None,
        }
    }
}

/// What the terrain did to the walking network.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TerrainStats {
    /// The elevation files and each one's south-west and north-east corners (lon, lat).
    pub files: Vec<(std::path::PathBuf, [f64; 4])>,
    /// Walkable segments, and those walked on the flat because they leave every tile.
    pub walk_segments: usize,
    pub flat_segments: usize,
    /// The share of walkable segments with elevation all along (the rest walked flat).
    pub share_on_terrain: f64,
}

type IndexedLine = GeomWithData<Line<f64>, u32>;

/// The graph of one travel mode.
#[derive(Debug)]
pub struct ModeGraph {
    pub mode: Mode,
    /// How each segment may be travelled (`None`: not at all).
    passages: Vec<Option<Passage>>,
    /// Seconds along each usable segment from `a` to `b` and from `b` to `a` (they differ
    /// on terrain).
    times: Vec<[f64; 2]>,
    pub graph: Csr,
    /// The graph with every edge reversed, where times depend on the direction (walking on
    /// terrain): searches towards a place run on it. `None`: the same as `graph`.
    reverse: Option<Csr>,
    /// Component id of each node (undirected connectivity over usable segments).
    component: Vec<u32>,
    /// Nodes per component.
    component_nodes: Vec<u32>,
    /// Components large enough to snap to.
    snappable: Vec<bool>,
    /// Usable segments, projected to metres.
    index: RTree<IndexedLine>,
    access_mps: f64,
}

/// Road network with one graph per mode.
#[derive(Debug)]
pub struct RoadNetwork {
    pub nodes: Vec<LonLat>,
    pub segments: Vec<Segment>,
    pub projection: LocalProjection,
    walk: ModeGraph,
    drive: ModeGraph,
    /// Set where walking is on terrain.
    pub terrain: Option<TerrainStats>,
}

/// Counts that describe a built network.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct NetworkStats {
    pub nodes: usize,
    pub segments: usize,
    pub length_km: f64,
    pub walk_edges: usize,
    pub drive_edges: usize,
    /// Connected pieces of the walking / driving network (nodes on no usable road not counted).
    pub walk_components: usize,
    pub drive_components: usize,
    /// Ferry crossings (OSM `route=ferry` ways) in the network.
    pub ferries: usize,
    pub graph_bytes: usize,
    /// Walking on terrain: the elevation files, their extents, and the segments they cover.
    pub terrain: Option<TerrainStats>,
}

impl RoadNetwork {
    /// Builds the network of `lines`. Zero-length pieces (repeated vertices) are skipped.
    pub fn build(lines: &[RoadLine], options: &NetworkOptions) -> Self {
        let mut nodes: Vec<LonLat> = Vec::new();
        let mut node_of: HashMap<(i64, i64), NodeId> = HashMap::new();
        let mut segments = Vec::new();
        let mut line_of_segment: Vec<u32> = Vec::new();
        for (li, line) in lines.iter().enumerate() {
            let mut prev: Option<NodeId> = None;
            // A ferry is one crossing between its two piers: its inner vertices are no stops.
            let ferry = line.is_ferry();
            let coords = match (ferry, line.coords.first(), line.coords.last()) {
                (true, Some(&first), Some(&last)) => vec![first, last],
                _ => line.coords.clone(),
            };
            let length = |a: LonLat, b: LonLat| {
                if ferry {
                    polyline_m(&line.coords)
                } else {
                    haversine_m(a, b)
                }
            };
            for c in coords {
                let key = ((c.lon * 1e7).round() as i64, (c.lat * 1e7).round() as i64);
                let id = *node_of.entry(key).or_insert_with(|| {
                    nodes.push(c);
                    NodeId(nodes.len() as u32 - 1)
                });
                if let Some(p) = prev
                    && p != id
                {
                    segments.push(Segment {
                        a: p,
                        b: id,
                        length_m: length(nodes[p.index()], nodes[id.index()]),
                        ferry,
                    });
                    line_of_segment.push(li as u32);
                }
                prev = Some(id);
            }
        }
        let projection = LocalProjection::around(nodes.iter().copied());
        let passages = |mode| -> Vec<Option<Passage>> {
            line_of_segment
                .iter()
                .map(|&li| options.profile.passage(&lines[li as usize], mode))
                .collect()
        };
        // Flat times from the speeds; walking on terrain by slope and direction.
        let flat = |passages: &[Option<Passage>]| -> Vec<[f64; 2]> {
            segments
                .iter()
                .zip(passages)
                .map(|(s, p)| p.map_or([0.0; 2], |p| [s.length_m / p.speed_mps; 2]))
                .collect()
        };
        let walk_passages = passages(Mode::Walk);
        let mut walk_times = flat(&walk_passages);
        let terrain = options.terrain.as_ref().map(|terrain| {
            use rayon::prelude::*;
            let on_terrain: Vec<Option<[f64; 2]>> = (0..segments.len())
                .into_par_iter()
                .map(|i| {
                    let (s, p) = (segments[i], walk_passages[i]?);
                    if s.ferry {
                        return Some(walk_times[i]);
                    }
                    terrain::walk_times(
                        terrain,
                        nodes[s.a.index()],
                        nodes[s.b.index()],
                        s.length_m,
                        p.speed_mps,
                    )
                })
                .collect();
            let mut flat_segments = 0;
            for (i, t) in on_terrain.into_iter().enumerate() {
                match t {
                    Some(t) => walk_times[i] = t,
                    None if walk_passages[i].is_some() => flat_segments += 1,
                    None => {}
                }
            }
            let walk_segments = walk_passages
                .iter()
                .zip(&segments)
                .filter(|(p, s)| p.is_some() && !s.ferry)
                .count();
            TerrainStats {
                files: terrain
                    .dems
                    .iter()
                    .map(|d| {
                        let (sw, ne) = d.extent();
                        (d.source.clone(), [sw.lon, sw.lat, ne.lon, ne.lat])
                    })
                    .collect(),
                walk_segments,
                flat_segments,
                share_on_terrain: 1.0 - flat_segments as f64 / walk_segments.max(1) as f64,
            }
        });
        let mode_graph = |mode, passages: Vec<Option<Passage>>, times| {
            ModeGraph::new(
                mode,
                &nodes,
                &segments,
                passages,
                times,
                &projection,
                options.min_component_nodes,
                options.profile.access_mps(mode),
            )
        };
        let drive_passages = passages(Mode::Drive);
        let mut drive_times = flat(&drive_passages);
        if let Some(terrain) = options
            .terrain
            .as_ref()
            .filter(|t| t.drive_grade_factor > 0.0)
        {
            use rayon::prelude::*;
            drive_times.par_iter_mut().enumerate().for_each(|(i, t)| {
                let s = segments[i];
                if let (Some(p), false) = (drive_passages[i], s.ferry)
                    && let Some(on) = terrain::drive_times(
                        terrain,
                        nodes[s.a.index()],
                        nodes[s.b.index()],
                        s.length_m,
                        p.speed_mps,
                    )
                {
                    *t = on;
                }
            });
        }
        let (walk, drive) = rayon::join(
            || mode_graph(Mode::Walk, walk_passages, walk_times),
            || mode_graph(Mode::Drive, drive_passages, drive_times),
        );
        Self {
            nodes,
            segments,
            projection,
            walk,
            drive,
            terrain,
        }
    }

    /// The graph of `mode`.
    pub fn mode(&self, mode: Mode) -> &ModeGraph {
        match mode {
            Mode::Walk => &self.walk,
            Mode::Drive => &self.drive,
        }
    }

    /// Smallest and largest longitude/latitude of the nodes.
    pub fn bbox(&self) -> (LonLat, LonLat) {
        self.nodes.iter().fold(
            (
                LonLat::new(f64::INFINITY, f64::INFINITY),
                LonLat::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
            ),
            |(lo, hi), p| {
                (
                    LonLat::new(lo.lon.min(p.lon), lo.lat.min(p.lat)),
                    LonLat::new(hi.lon.max(p.lon), hi.lat.max(p.lat)),
                )
            },
        )
    }

    pub fn stats(&self) -> NetworkStats {
        NetworkStats {
            nodes: self.nodes.len(),
            segments: self.segments.len(),
            length_km: self.segments.iter().map(|s| s.length_m).sum::<f64>() / 1000.0,
            walk_edges: self.walk.graph.n_edges(),
            drive_edges: self.drive.graph.n_edges(),
            walk_components: self.walk.n_components(),
            drive_components: self.drive.n_components(),
            ferries: self.segments.iter().filter(|s| s.ferry).count(),
            graph_bytes: self.walk.graph.heap_bytes()
                + self.drive.graph.heap_bytes()
                + self.walk.reverse.as_ref().map_or(0, Csr::heap_bytes),
            terrain: self.terrain.clone(),
        }
    }

    /// Snaps `p` onto the network of `mode`; `None` if that mode has no usable road at all.
    pub fn snap(&self, mode: Mode, p: LonLat) -> Option<Snap> {
        let g = self.mode(mode);
        let [x, y] = self.projection.project(p);
        let mut skipped = false;
        for item in g.index.nearest_neighbor_iter(&geo::Point::new(x, y)) {
            let seg = item.data;
            let s = self.segments[seg as usize];
            if !g.snappable[g.component[s.a.index()] as usize] {
                skipped = true;
                continue;
            }
            let (a, b) = (item.geom().start, item.geom().end);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((x - a.x) * dx + (y - a.y) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            // Interpolate in lon/lat so a vertex snaps to exactly its node's coordinate.
            let (pa, pb) = (self.nodes[s.a.index()], self.nodes[s.b.index()]);
            let point = LonLat::new(
                pa.lon + t * (pb.lon - pa.lon),
                pa.lat + t * (pb.lat - pa.lat),
            );
            let distance_m = haversine_m(p, point);
            return Some(Snap {
                segment: seg,
                fraction: t,
                point,
                distance_m,
                access_s: distance_m / g.access_mps,
                skipped_small_component: skipped,
            });
        }
        None
    }

    /// Start times at the network's nodes for a trip leaving from `snap` (access leg included).
    /// A place exactly at an end node stands on it: it leaves by every road there, whatever
    /// direction its own one-way segment allows.
    pub fn departures(&self, mode: Mode, snap: &Snap) -> Vec<(NodeId, f64)> {
        let (s, t) = self.seg_and_time(mode, snap.segment);
        let p =
            self.mode(mode).passages[snap.segment as usize].expect("snapped segments are usable");
        let mut out = Vec::with_capacity(2);
        if p.forward || snap.fraction == 1.0 {
            out.push((s.b, snap.access_s + (1.0 - snap.fraction) * t[0]));
        }
        if p.backward || snap.fraction == 0.0 {
            out.push((s.a, snap.access_s + snap.fraction * t[1]));
        }
        out
    }

    /// Extra time from a node to the place at `snap` (access leg included), for the nodes from
    /// which the place can be reached along its segment, and the end node it stands on.
    pub fn arrivals(&self, mode: Mode, snap: &Snap) -> Vec<(NodeId, f64)> {
        let (s, t) = self.seg_and_time(mode, snap.segment);
        let p =
            self.mode(mode).passages[snap.segment as usize].expect("snapped segments are usable");
        let mut out = Vec::with_capacity(2);
        if p.forward || snap.fraction == 0.0 {
            out.push((s.a, snap.fraction * t[0] + snap.access_s));
        }
        if p.backward || snap.fraction == 1.0 {
            out.push((s.b, (1.0 - snap.fraction) * t[1] + snap.access_s));
        }
        out
    }

    /// Time from `from` to `to` travelling only along their common segment (both access legs
    /// included), if they share one and the direction is allowed.
    pub fn along(&self, mode: Mode, from: &Snap, to: &Snap) -> Option<f64> {
        if from.segment != to.segment {
            return None;
        }
        let (_, t) = self.seg_and_time(mode, from.segment);
        let p = self.mode(mode).passages[from.segment as usize]?;
        // At the same point no direction is needed.
        let (ok, t) = if to.fraction == from.fraction {
            (true, 0.0)
        } else if to.fraction > from.fraction {
            (p.forward, t[0])
        } else {
            (p.backward, t[1])
        };
        ok.then(|| from.access_s + (to.fraction - from.fraction).abs() * t + to.access_s)
    }

    fn seg_and_time(&self, mode: Mode, seg: u32) -> (Segment, [f64; 2]) {
        let g = self.mode(mode);
        assert!(
            g.passages[seg as usize].is_some(),
            "snapped segments are usable"
        );
        (self.segments[seg as usize], g.times[seg as usize])
    }

    /// Travel time along a whole segment in `mode` from its node `a` to `b`, if the mode may
    /// use it.
    pub fn segment_time(&self, mode: Mode, seg: u32) -> Option<f64> {
        self.segment_times(mode, seg).map(|t| t[0])
    }

    /// Travel times along a whole segment in `mode`, from `a` to `b` and back, if the mode
    /// may use it.
    pub fn segment_times(&self, mode: Mode, seg: u32) -> Option<[f64; 2]> {
        let g = self.mode(mode);
        g.passages[seg as usize].map(|_| g.times[seg as usize])
    }
}

impl ModeGraph {
    #[allow(clippy::too_many_arguments)]
    fn new(
        mode: Mode,
        nodes: &[LonLat],
        segments: &[Segment],
        passages: Vec<Option<Passage>>,
        times: Vec<[f64; 2]>,
        projection: &LocalProjection,
        min_component_nodes: usize,
        access_mps: f64,
    ) -> Self {
        let mut edges = Vec::new();
        let mut uf = UnionFind::new(nodes.len());
        let mut asymmetric = false;
        for (i, (s, p)) in segments.iter().zip(&passages).enumerate() {
            let Some(p) = p else { continue };
            let t = times[i];
            if p.forward {
                edges.push((s.a, s.b, t[0], i as u32));
            }
            if p.backward {
                edges.push((s.b, s.a, t[1], i as u32));
            }
            // (Times that differ by direction on terrain, or a one-way ferry.)
            asymmetric |= p.forward != p.backward || t[0] != t[1];
            uf.union(s.a.0, s.b.0);
        }
        let graph = Csr::from_edges(nodes.len(), &edges);
        // Walking is two-way on every road: only terrain and one-way ferries make its graph
        // differ reversed.
        let reverse = (mode == Mode::Walk && asymmetric).then(|| {
            let reversed: Vec<_> = edges.iter().map(|&(a, b, t, i)| (b, a, t, i)).collect();
            Csr::from_edges(nodes.len(), &reversed)
        });
        // Number components in node order so ids are deterministic; isolated nodes (not on a
        // usable segment) get their own one-node components.
        let mut component = vec![u32::MAX; nodes.len()];
        let mut root_to_comp: HashMap<u32, u32> = HashMap::new();
        let mut component_nodes: Vec<u32> = Vec::new();
        for (v, c) in component.iter_mut().enumerate() {
            let r = uf.find(v as u32);
            let next = root_to_comp.len() as u32;
            let id = *root_to_comp.entry(r).or_insert(next);
            if id as usize == component_nodes.len() {
                component_nodes.push(0);
            }
            component_nodes[id as usize] += 1;
            *c = id;
        }
        let largest = component_nodes.iter().copied().max().unwrap_or(0);
        let threshold = (min_component_nodes as u32).min(largest).max(2);
        let snappable = component_nodes.iter().map(|&n| n >= threshold).collect();
        let items: Vec<IndexedLine> = segments
            .iter()
            .zip(&passages)
            .enumerate()
            .filter(|(_, (s, p))| p.is_some() && !s.ferry)
            .map(|(i, (s, _))| {
                let [ax, ay] = projection.project(nodes[s.a.index()]);
                let [bx, by] = projection.project(nodes[s.b.index()]);
                GeomWithData::new(
                    Line::new(coord! {x: ax, y: ay}, coord! {x: bx, y: by}),
                    i as u32,
                )
            })
            .collect();
        Self {
            mode,
            passages,
            times,
            graph,
            reverse,
            component,
            component_nodes,
            snappable,
            index: RTree::bulk_load(items),
            access_mps,
        }
    }

    /// Connected components with at least one usable segment.
    pub fn n_components(&self) -> usize {
        self.component_nodes.iter().filter(|&&n| n >= 2).count()
    }

    /// How segment `seg` may be travelled in this mode.
    pub fn passage(&self, seg: u32) -> Option<Passage> {
        self.passages[seg as usize]
    }

    /// The graph to search from a place for the times *to* it: reversed where times depend on
    /// the direction, else the graph itself. Only walking graphs keep a reversed copy.
    pub fn towards(&self) -> &Csr {
        assert_eq!(
            self.mode,
            Mode::Walk,
            "only walks are searched towards a place"
        );
        self.reverse.as_ref().unwrap_or(&self.graph)
    }
}

/// Disjoint sets with path halving and union by size.
struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            self.parent[x as usize] = self.parent[self.parent[x as usize] as usize];
            x = self.parent[x as usize];
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
    }
}
