//! Service-area polygons: the part of the road network a site reaches within its radius,
//! buffered into an area. Unlike a convex hull of reached points, this follows the roads: a
//! valley road reached for 3 km does not paint the empty ridge beside it.

use crate::network::{DijkstraWorkspace, Mode, RoadNetwork, Snap, bounded_dijkstra};
use geo::algorithm::buffer::{BufferStyle, LineCap, LineJoin};
use geo::{Buffer, Coord, LineString, MultiLineString, MultiPolygon, Simplify, coord};
use std::collections::HashMap;

/// The road network reachable from `site` within `radius_s` in `mode`, buffered by `buffer_m`
/// metres, as a WGS-84 (lon/lat) multipolygon. Partly reached segments contribute the reached
/// part; the site's own access leg is included.
///
/// The geometry is built and buffered in the network's local metric projection, then mapped
/// back to lon/lat.
pub fn service_area(
    net: &RoadNetwork,
    mode: Mode,
    site: &Snap,
    site_location: crate::model::LonLat,
    radius_s: f64,
    buffer_m: f64,
    ws: &mut DijkstraWorkspace,
) -> MultiPolygon<f64> {
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
    if site.access_s <= radius_s {
        pieces.push(LineString(vec![xy(site_location), xy(site.point)]));
        // The site's own segment, from the snapped point towards each end.
        if let (Some(t), Some(p)) = (
            net.segment_time(mode, site.segment),
            net.mode(mode).passage(site.segment),
        ) {
            let left = (radius_s - site.access_s) / t.max(1e-9);
            let f = site.fraction;
            if p.forward {
                let hi = (f + left).min(1.0);
                pieces_between(&mut pieces, net, site.segment, f, hi, &xy);
            }
            if p.backward {
                let lo = (f - left).max(0.0);
                pieces_between(&mut pieces, net, site.segment, lo, f, &xy);
            }
        }
    }
    bounded_dijkstra(
        &net.mode(mode).graph,
        &net.departures(mode, site),
        radius_s,
        ws,
    );
    for &u in ws.settled() {
        let du = ws.dist(u);
        for e in net.mode(mode).graph.edges(u) {
            let frac = ((radius_s - du) / e.weight.max(1e-9)).min(1.0);
            let seg = net.segments[e.tag as usize];
            reach(e.tag, seg.a == u, frac);
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
    let buffered = MultiLineString(lines).buffer_with_style(style);
    use geo::MapCoords;
    buffered.map_coords(|c| {
        let p = proj.unproject([c.x, c.y]);
        coord! {x: p.lon, y: p.lat}
    })
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
