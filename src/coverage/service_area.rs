//! Service-area polygons: the part of the road network a site reaches within its radius,
//! buffered into an area. Unlike a convex hull of reached points, this follows the roads: a
//! valley road reached for 3 km does not paint the empty ridge beside it.
//!
//! The buffer is drawn as the contour `distance = buffer` of a distance grid (cell a quarter of
//! the buffer) by marching squares with linear interpolation (module `marching`, d3-contour's
//! algorithm): the cost grows with the reached road length and the grid, not with the number of
//! road pieces and their overlaps as a vector buffer's union does. [`service_area_buffered`]
//! keeps the exact vector buffer (geo's `Buffer`) as the reference the grid outline is measured
//! against (tests: areas within 3 %, BENCHMARKS.md: the cost of both).

use super::marching;
use crate::network::{DijkstraWorkspace, Mode, RoadNetwork, Snap, bounded_dijkstra};
use geo::algorithm::buffer::{BufferStyle, LineCap, LineJoin};
use geo::orient::{Direction, Orient};
use geo::{
    Buffer, Coord, LineString, MapCoords, MultiLineString, MultiPolygon, Polygon, Simplify, coord,
};
use std::collections::HashMap;

/// Grid cells per buffer width: the outline is within a few percent of the buffer there.
const CELLS_PER_BUFFER: f64 = 4.0;

/// Most grid cells for one outline (about 128 MB of f64): a larger reach gets coarser cells.
const MAX_CELLS: f64 = 16.0e6;

/// The signature [`service_area`] and [`service_area_buffered`] share (benchmarks and tests
/// compare the two on the same roads).
pub type AreaFn = fn(
    &RoadNetwork,
    Mode,
    &Snap,
    crate::model::LonLat,
    f64,
    f64,
    &mut DijkstraWorkspace,
) -> MultiPolygon<f64>;

/// The road network reachable from `site` within `radius_s` in `mode`, buffered by `buffer_m`
/// metres, as a WGS-84 (lon/lat) multipolygon. Partly reached segments contribute the reached
/// part; the site's own access leg is included.
///
/// The geometry is built in the network's local metric projection, outlined on a distance grid
/// (module docs), simplified by a tenth of the buffer and mapped back to lon/lat.
pub fn service_area(
    net: &RoadNetwork,
    mode: Mode,
    site: &Snap,
    site_location: crate::model::LonLat,
    radius_s: f64,
    buffer_m: f64,
    ws: &mut DijkstraWorkspace,
) -> MultiPolygon<f64> {
    let pieces = reached_pieces(net, mode, site, site_location, radius_s, ws);
    // Gaps and islands smaller than a buffer-wide square are sampling slivers, not places;
    // marching squares winds rings clockwise, GeoJSON (RFC 7946) and geodesic areas want
    // exteriors counter-clockwise.
    let outline = grid_outline(&pieces, buffer_m, buffer_m / 10.0, buffer_m * buffer_m);
    to_lon_lat(net, outline.orient(Direction::Default))
}

/// [`service_area`] drawn as the exact vector buffer of the reached roads (geo's `Buffer`, round
/// joins and caps): the reference for the grid outline, several times slower.
pub fn service_area_buffered(
    net: &RoadNetwork,
    mode: Mode,
    site: &Snap,
    site_location: crate::model::LonLat,
    radius_s: f64,
    buffer_m: f64,
    ws: &mut DijkstraWorkspace,
) -> MultiPolygon<f64> {
    let pieces = reached_pieces(net, mode, site, site_location, radius_s, ws);
    if pieces.is_empty() {
        return MultiPolygon(vec![]);
    }
    // Buffering cost grows with vertices: chain the pieces into polylines and drop vertices
    // that move the line by less than a fifth of the buffer (invisible in the result).
    let lines: Vec<LineString<f64>> = chain(pieces)
        .into_iter()
        .map(|l| l.simplify(buffer_m / 5.0))
        .collect();
    let style = BufferStyle::new(buffer_m)
        .line_join(LineJoin::Round(0.5))
        .line_cap(LineCap::Round(0.5));
    to_lon_lat(net, MultiLineString(lines).buffer_with_style(style))
}

fn to_lon_lat(net: &RoadNetwork, area: MultiPolygon<f64>) -> MultiPolygon<f64> {
    area.map_coords(|c| {
        let p = net.projection.unproject([c.x, c.y]);
        coord! {x: p.lon, y: p.lat}
    })
}

/// The reached parts of the roads (and the site's access leg) as two-point pieces in the
/// network's metric projection.
fn reached_pieces(
    net: &RoadNetwork,
    mode: Mode,
    site: &Snap,
    site_location: crate::model::LonLat,
    radius_s: f64,
    ws: &mut DijkstraWorkspace,
) -> Vec<LineString<f64>> {
    // Reached extent of each segment from its `a` end and from its `b` end, as fractions.
    let mut extent: HashMap<u32, (f64, f64)> = HashMap::new();
    let mut reach = |seg: u32, from_a: bool, frac: f64| {
        let e = extent.entry(seg).or_insert((0.0, 0.0));
        let side = if from_a { &mut e.0 } else { &mut e.1 };
        *side = side.max(frac.clamp(0.0, 1.0));
    };
    let mut pieces: Vec<LineString<f64>> = Vec::new();
    let proj = &net.projection;
    let xy = |p: crate::model::LonLat| -> Coord<f64> {
        let [x, y] = proj.project(p);
        coord! {x: x, y: y}
    };
    // Walking areas are where elders can walk *to* the site from (the reversed search of
    // `travel_times`; the same as from the site on the flat), driving areas where staff
    // drive to from it.
    let to_site = mode == Mode::Walk;
    if site.access_s <= radius_s {
        pieces.push(LineString(vec![xy(site_location), xy(site.point)]));
        // The site's own segment, from the snapped point towards each end.
        if let (Some(t), Some(p)) = (
            net.segment_times(mode, site.segment),
            net.mode(mode).passage(site.segment),
        ) {
            let room = radius_s - site.access_s;
            let f = site.fraction;
            // Towards `b` from the site: travelled a → b from it, or b → a to it.
            let (to_b, t_b) = if to_site {
                (p.backward, t[1])
            } else {
                (p.forward, t[0])
            };
            let (to_a, t_a) = if to_site {
                (p.forward, t[0])
            } else {
                (p.backward, t[1])
            };
            if to_b {
                let hi = (f + room / t_b.max(1e-9)).min(1.0);
                pieces_between(&mut pieces, net, site.segment, f, hi, &xy);
            }
            if to_a {
                let lo = (f - room / t_a.max(1e-9)).max(0.0);
                pieces_between(&mut pieces, net, site.segment, lo, f, &xy);
            }
        }
    }
    let (graph, starts) = if to_site {
        (net.mode(mode).towards(), net.arrivals(mode, site))
    } else {
        (&net.mode(mode).graph, net.departures(mode, site))
    };
    bounded_dijkstra(graph, &starts, radius_s, ws);
    for &u in ws.settled() {
        let du = ws.dist(u);
        // (On the reversed graph an edge from `u` is the segment walked towards `u`.)
        for e in graph.edges(u) {
            let frac = ((radius_s - du) / e.weight.max(1e-9)).min(1.0);
            let seg = net.segments[e.tag as usize];
            // (Boats reach the far shore, not the river between.)
            if !seg.ferry {
                reach(e.tag, seg.a == u, frac);
            }
        }
    }
    let mut segs: Vec<(u32, (f64, f64))> = extent.into_iter().collect();
    segs.sort_unstable_by_key(|&(s, _)| s);
    for (seg, (from_a, from_b)) in segs {
        if from_a + from_b >= 1.0 {
            pieces_between(&mut pieces, net, seg, 0.0, 1.0, &xy);
        } else {
            if from_a > 0.0 {
                pieces_between(&mut pieces, net, seg, 0.0, from_a, &xy);
            }
            if from_b > 0.0 {
                pieces_between(&mut pieces, net, seg, 1.0 - from_b, 1.0, &xy);
            }
        }
    }
    pieces
}

/// The area within `buffer_m` of `pieces`: the contour `distance = buffer_m` of the distance to
/// the nearest piece, sampled at cell centres; its rings simplified by `tolerance`, rings
/// enclosing less than `min_area` left out.
fn grid_outline(
    pieces: &[LineString<f64>],
    buffer_m: f64,
    tolerance: f64,
    min_area: f64,
) -> MultiPolygon<f64> {
    let points = || pieces.iter().flat_map(|l| l.0.iter());
    let Some(first) = points().next() else {
        return MultiPolygon(vec![]);
    };
    let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
    for c in points() {
        (x0, y0, x1, y1) = (x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y));
    }
    let mut cell = buffer_m / CELLS_PER_BUFFER;
    // Two cells of margin beyond the buffer keep every contour closed inside the grid.
    let span = |lo: f64, hi: f64, cell: f64| ((hi - lo + 2.0 * buffer_m) / cell).ceil() + 4.0;
    let cells = span(x0, x1, cell) * span(y0, y1, cell);
    if cells > MAX_CELLS {
        cell *= (cells / MAX_CELLS).sqrt();
    }
    let (nx, ny) = (span(x0, x1, cell) as usize, span(y0, y1, cell) as usize);
    let (ox, oy) = (x0 - buffer_m - 2.0 * cell, y0 - buffer_m - 2.0 * cell);
    // Squared distance to the nearest piece, only where it can be within the buffer (+ a cell,
    // so the interpolated crossing between two samples is right).
    let reach = buffer_m + 1.5 * cell;
    let mut d2 = vec![f64::INFINITY; nx * ny];
    for piece in pieces {
        for w in piece.0.windows(2) {
            let (a, b) = (w[0], w[1]);
            let lo_i = (((a.x.min(b.x) - reach - ox) / cell).floor().max(0.0)) as usize;
            let hi_i = ((((a.x.max(b.x) + reach - ox) / cell).ceil()) as usize).min(nx - 1);
            let lo_j = (((a.y.min(b.y) - reach - oy) / cell).floor().max(0.0)) as usize;
            let hi_j = ((((a.y.max(b.y) + reach - oy) / cell).ceil()) as usize).min(ny - 1);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len2 = dx * dx + dy * dy;
            for j in lo_j..=hi_j {
                let py = oy + (j as f64 + 0.5) * cell;
                for i in lo_i..=hi_i {
                    let px = ox + (i as f64 + 0.5) * cell;
                    let t = if len2 > 0.0 {
                        (((px - a.x) * dx + (py - a.y) * dy) / len2).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    let (ex, ey) = (px - a.x - t * dx, py - a.y - t * dy);
                    let e = ex * ex + ey * ey;
                    let k = j * nx + i;
                    if e < d2[k] {
                        d2[k] = e;
                    }
                }
            }
        }
    }
    // Inside where buffer − distance ≥ 0; far cells are a constant "outside".
    let mut values = d2;
    for v in &mut values {
        *v = buffer_m - v.sqrt().min(reach + cell);
    }
    let (mut exteriors, mut holes) = (Vec::new(), Vec::new());
    for ring in marching::zero_rings(&values, nx, ny) {
        // The rings keep the inside on their left: exteriors wind counter-clockwise.
        let outer = shoelace(&ring) > 0.0;
        let line: LineString<f64> = ring
            .into_iter()
            .map(|p| coord! {x: p.x * cell + ox, y: p.y * cell + oy})
            .collect();
        let line = line.simplify(tolerance);
        let area = shoelace(&line.0).abs() / 2.0;
        if area >= min_area {
            match outer {
                true => exteriors.push((line, area)),
                false => holes.push(line),
            }
        }
    }
    with_holes(exteriors, holes)
}

/// Twice the signed area (the shoelace sum), positive counter-clockwise.
fn shoelace(ring: &[Coord<f64>]) -> f64 {
    let n = ring.len();
    if n == 0 {
        return 0.0;
    }
    let mut sum = ring[n - 1].x * ring[0].y - ring[0].x * ring[n - 1].y;
    for w in ring.windows(2) {
        sum += w[0].x * w[1].y - w[1].x * w[0].y;
    }
    sum
}

/// Polygons from exterior rings (with their areas) and holes: each hole goes to the smallest
/// exterior around it. Boxes decide where only one exterior's box holds the hole's; a point
/// test only where several do (rings of a contour never cross).
fn with_holes(
    exteriors: Vec<(LineString<f64>, f64)>,
    holes: Vec<LineString<f64>>,
) -> MultiPolygon<f64> {
    use geo::{BoundingRect, Contains, Point};
    let boxes: Vec<_> = exteriors.iter().map(|(l, _)| l.bounding_rect()).collect();
    let mut interiors: Vec<Vec<LineString<f64>>> = vec![Vec::new(); exteriors.len()];
    for hole in holes {
        let (Some(hb), Some(&first)) = (hole.bounding_rect(), hole.0.first()) else {
            continue;
        };
        let around: Vec<usize> = (0..exteriors.len())
            .filter(|&k| boxes[k].is_some_and(|b| b.contains(&hb)))
            .collect();
        let owner = match around[..] {
            [k] => Some(k),
            _ => around
                .into_iter()
                .filter(|&k| Polygon::new(exteriors[k].0.clone(), vec![]).contains(&Point(first)))
                .min_by(|&a, &b| exteriors[a].1.total_cmp(&exteriors[b].1)),
        };
        if let Some(k) = owner {
            interiors[k].push(hole);
        }
    }
    MultiPolygon(
        exteriors
            .into_iter()
            .zip(interiors)
            .map(|((exterior, _), holes)| Polygon::new(exterior, holes))
            .collect(),
    )
}

/// Adds the part of segment `seg` between fractions `lo` and `hi` (from its `a` end).
fn pieces_between(
    pieces: &mut Vec<LineString<f64>>,
    net: &RoadNetwork,
    seg: u32,
    lo: f64,
    hi: f64,
    xy: &impl Fn(crate::model::LonLat) -> Coord<f64>,
) {
    if hi <= lo {
        return;
    }
    let s = net.segments[seg as usize];
    let (a, b) = (xy(net.nodes[s.a.index()]), xy(net.nodes[s.b.index()]));
    let at = |f: f64| coord! {x: a.x + f * (b.x - a.x), y: a.y + f * (b.y - a.y)};
    pieces.push(LineString(vec![at(lo), at(hi)]));
}

/// Joins two-point pieces that meet end to end (at points shared by exactly two pieces) into
/// longer polylines. Pieces are visited in input order, so the result is deterministic.
fn chain(pieces: Vec<LineString<f64>>) -> Vec<LineString<f64>> {
    let key = |c: Coord<f64>| ((c.x * 100.0).round() as i64, (c.y * 100.0).round() as i64);
    let mut at: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, p) in pieces.iter().enumerate() {
        at.entry(key(p.0[0])).or_default().push(i);
        at.entry(key(p.0[p.0.len() - 1])).or_default().push(i);
    }
    let mut used = vec![false; pieces.len()];
    let mut out = Vec::new();
    // The piece continuing from `end` other than `from`, if the junction joins exactly two.
    let next = |end: Coord<f64>, from: usize, used: &[bool]| -> Option<usize> {
        match at.get(&key(end)).map(Vec::as_slice) {
            Some(&[a, b]) => {
                let other = if a == from { b } else { a };
                (other != from && !used[other]).then_some(other)
            }
            _ => None,
        }
    };
    for start in 0..pieces.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut coords: std::collections::VecDeque<Coord<f64>> =
            pieces[start].0.iter().copied().collect();
        for forward in [true, false] {
            let mut from = start;
            loop {
                let end = if forward {
                    *coords.back().unwrap()
                } else {
                    *coords.front().unwrap()
                };
                let Some(n) = next(end, from, &used) else {
                    break;
                };
                used[n] = true;
                let p = &pieces[n].0;
                // The new vertices, ordered from `end` outwards.
                let add: Vec<Coord<f64>> = if key(p[0]) == key(end) {
                    p[1..].to_vec()
                } else {
                    p[..p.len() - 1].iter().rev().copied().collect()
                };
                for c in add {
                    if forward {
                        coords.push_back(c);
                    } else {
                        coords.push_front(c);
                    }
                }
                from = n;
            }
        }
        out.push(LineString(coords.into_iter().collect()));
    }
    out
}
