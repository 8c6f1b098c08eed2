//! The road network: bounded Dijkstra against petgraph on random graphs, joining of lines by
//! shared coordinates, snapping against brute force, and thread-independence of travel times.

mod common;

use carecover::coverage::{snap_all, travel_times};
use carecover::io::Dem;
use carecover::io::{Oneway, RoadLine};
use carecover::model::{LonLat, NodeId};
use carecover::network::{
    Csr, DijkstraWorkspace, Mode, NetworkOptions, RoadNetwork, Terrain, bounded_dijkstra,
    haversine_m,
};
use carecover::synth::{SynthParams, generate};
use petgraph::graph::{DiGraph, NodeIndex};
use proptest::prelude::*;

fn random_graph() -> impl Strategy<Value = (usize, Vec<(u32, u32, f64)>)> {
    (2usize..40).prop_flat_map(|n| {
        let edge = (0..n as u32, 0..n as u32, 0.0f64..100.0);
        (Just(n), proptest::collection::vec(edge, 0..150))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every node within the cut-off gets petgraph's distance; every other node is absent.
    #[test]
    fn bounded_dijkstra_matches_petgraph((n, edges) in random_graph(), source in 0u32..40, start in 0.0f64..5.0, cutoff in 0.0f64..250.0) {
        let source = source % n as u32;
        let csr = Csr::from_edges(n, &edges.iter().map(|&(a, b, w)| (NodeId(a), NodeId(b), w, 0)).collect::<Vec<_>>());
        let mut g: DiGraph<(), f64> = DiGraph::new();
        for _ in 0..n { g.add_node(()); }
        for &(a, b, w) in &edges { g.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), w); }
        let reference = petgraph::algo::dijkstra(&g, NodeIndex::new(source as usize), None, |e| *e.weight());
        let mut ws = DijkstraWorkspace::new(n);
        // Run twice on the same workspace: the reset between searches must be complete.
        bounded_dijkstra(&csr, &[(NodeId((source + 1) % n as u32), 0.0)], cutoff, &mut ws);
        bounded_dijkstra(&csr, &[(NodeId(source), start)], cutoff, &mut ws);
        for v in 0..n {
            let expected = reference.get(&NodeIndex::new(v)).map(|d| d + start).filter(|&d| d <= cutoff);
            let got = ws.dist(NodeId(v as u32));
            match expected {
                Some(d) => prop_assert!((got - d).abs() < 1e-9, "node {v}: {got} vs {d}"),
                None => prop_assert!(got.is_infinite(), "node {v} reached at {got} beyond cut-off"),
            }
        }
        let settled: Vec<f64> = ws.settled().iter().map(|&u| ws.dist(u)).collect();
        prop_assert!(settled.windows(2).all(|w| w[0] <= w[1]), "settled in time order");
    }
}

fn line(coords: &[(f64, f64)], highway: &str) -> RoadLine {
    RoadLine::new(
        coords.iter().map(|&(x, y)| LonLat::new(x, y)).collect(),
        highway,
    )
}

#[test]
fn lines_sharing_an_end_coordinate_are_joined() {
    // Two separately digitised lines meeting at (1.01, 42.0), as in clipped navigation data.
    let lines = vec![
        line(&[(1.0, 42.0), (1.01, 42.0)], "residential"),
        line(&[(1.01, 42.0), (1.02, 42.0)], "residential"),
    ];
    let net = RoadNetwork::build(&lines, &NetworkOptions::default());
    assert_eq!(net.nodes.len(), 3);
    assert_eq!(net.segments.len(), 2);
    let g = &net.mode(Mode::Drive).graph;
    let mut ws = DijkstraWorkspace::new(g.n_nodes());
    bounded_dijkstra(g, &[(NodeId(0), 0.0)], f64::INFINITY, &mut ws);
    let expected = haversine_m(LonLat::new(1.0, 42.0), LonLat::new(1.02, 42.0)) / (25.0 / 3.6);
    assert!((ws.dist(NodeId(2)) - expected).abs() < 1e-6 * expected);
}

#[test]
fn one_way_roads_are_driven_one_way_but_walked_both() {
    let mut l = line(&[(1.0, 42.0), (1.01, 42.0)], "primary");
    l.oneway = Oneway::Forward;
    let net = RoadNetwork::build(&[l], &NetworkOptions::default());
    let drive = &net.mode(Mode::Drive).graph;
    assert_eq!(drive.edges(NodeId(0)).count(), 1);
    assert_eq!(drive.edges(NodeId(1)).count(), 0);
    let walk = &net.mode(Mode::Walk).graph;
    assert_eq!(walk.edges(NodeId(1)).count(), 1);
}

#[test]
fn snapping_matches_brute_force_and_skips_tiny_components() {
    let county = generate(&SynthParams {
        road_nodes: 900,
        villages: 200,
        towns: 3,
        sites: 20,
        spacing_m: 300.0,
        seed: 3,
    });
    let net = RoadNetwork::build(
        &county.roads,
        &NetworkOptions {
            min_component_nodes: 1,
            ..Default::default()
        },
    );
    for v in &county.villages {
        let s = net.snap(Mode::Drive, v.location).unwrap();
        // Brute force over every drivable segment (equirectangular like the index, to compare
        // the same notion of "nearest").
        let best = (0..net.segments.len() as u32)
            .filter(|&i| net.mode(Mode::Drive).passage(i).is_some())
            .map(|i| {
                let seg = net.segments[i as usize];
                let (a, b) = (
                    net.projection.project(net.nodes[seg.a.index()]),
                    net.projection.project(net.nodes[seg.b.index()]),
                );
                let p = net.projection.project(v.location);
                let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy))
                    .clamp(0.0, 1.0);
                ((p[0] - a[0] - t * dx).hypot(p[1] - a[1] - t * dy), i)
            })
            .min_by(|x, y| x.0.total_cmp(&y.0))
            .unwrap();
        let [px, py] = net.projection.project(s.point);
        let [vx, vy] = net.projection.project(v.location);
        assert!(
            ((px - vx).hypot(py - vy) - best.0).abs() < 1e-6,
            "village {}",
            v.key
        );
        assert!((s.distance_m - haversine_m(v.location, s.point)).abs() < 1e-9);
    }
    // An isolated short road far from the rest: places next to it snap to the main network.
    let mut roads = county.roads.clone();
    let far = county.villages[0].location;
    roads.push(line(
        &[(far.lon + 0.0001, far.lat), (far.lon + 0.0002, far.lat)],
        "residential",
    ));
    let net = RoadNetwork::build(
        &roads,
        &NetworkOptions {
            min_component_nodes: 50,
            ..Default::default()
        },
    );
    let s = net
        .snap(Mode::Drive, LonLat::new(far.lon + 0.00015, far.lat))
        .unwrap();
    assert!(s.skipped_small_component);
    let seg = net.segments[s.segment as usize];
    assert!(
        seg.length_m > 20.0,
        "snapped to the main grid, not the 8 m stub"
    );
}

#[test]
fn travel_times_are_identical_on_one_and_many_threads() {
    let county = generate(&SynthParams {
        road_nodes: 10_000,
        villages: 500,
        towns: 5,
        sites: 200,
        spacing_m: 300.0,
        seed: 9,
    });
    let net = RoadNetwork::build(&county.roads, &NetworkOptions::default());
    let v: Vec<LonLat> = county.villages.iter().map(|v| v.location).collect();
    let s: Vec<LonLat> = county.sites.iter().map(|s| s.location).collect();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let vs = snap_all(&net, Mode::Drive, &v, 1000.0);
                let ss = snap_all(&net, Mode::Drive, &s, 1000.0);
                travel_times(&net, Mode::Drive, &ss, &vs, 900.0, &|| {})
            })
    };
    let one = run(1);
    assert!(one.n_pairs() > 1000, "{} pairs", one.n_pairs());
    assert_eq!(one, run(2));
    assert_eq!(one, run(4));
    for r in &one.reach {
        assert!(
            r.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted by village, no duplicates"
        );
        assert!(r.iter().all(|&(_, t)| t <= 900.0));
    }
}

#[test]
fn andorra_pbf_roads_build_a_connected_network() {
    let lines = carecover::io::load_roads(
        &common::root().join("data/andorra/andorra-geofabrik-2021-06-22.osm.pbf"),
    )
    .unwrap();
    assert!(lines.len() > 4000, "{} road lines", lines.len());
    let net = RoadNetwork::build(&lines, &NetworkOptions::default());
    let stats = net.stats();
    assert!(
        stats.length_km > 1000.0 && stats.length_km < 3000.0,
        "{} km",
        stats.length_km
    );
    // Andorra la Vella to Canillo (both on the CG-2/CG-1 main road) is a short drive.
    let a = net.snap(Mode::Drive, LonLat::new(1.5212, 42.5069)).unwrap();
    let b = net.snap(Mode::Drive, LonLat::new(1.5975, 42.5672)).unwrap();
    let mut ws = DijkstraWorkspace::new(net.nodes.len());
    bounded_dijkstra(
        &net.mode(Mode::Drive).graph,
        &net.departures(Mode::Drive, &a),
        3600.0,
        &mut ws,
    );
    let t = net
        .arrivals(Mode::Drive, &b)
        .iter()
        .map(|&(n, extra)| ws.dist(n) + extra)
        .fold(f64::INFINITY, f64::min);
    assert!(
        t > 8.0 * 60.0 && t < 25.0 * 60.0,
        "Andorra la Vella → Canillo: {:.1} min",
        t / 60.0
    );
}

/// A random grid of two-vertex roads (some one-way either way, some absent) and places, each at
/// a node or part-way along a road, a little off it.
fn random_roads() -> impl Strategy<Value = (Vec<RoadLine>, Vec<LonLat>)> {
    let k = 4usize;
    let edges = proptest::collection::vec((0u8..5, 0u8..3), 2 * k * (k - 1));
    let places = proptest::collection::vec((0..k, 0..k, 0u8..3, 0.0f64..1.0, -1.0f64..1.0), 2..12);
    (edges, places).prop_map(move |(edges, places)| {
        let at = |i: usize, j: usize| (1.5 + i as f64 * 0.002, 42.5 + j as f64 * 0.002);
        let mut lines = Vec::new();
        let mut e = edges.iter();
        for i in 0..k {
            for j in 0..k {
                for (di, dj) in [(1, 0), (0, 1)] {
                    if i + di >= k || j + dj >= k {
                        continue;
                    }
                    let &(present, way) = e.next().unwrap();
                    if present == 0 {
                        continue;
                    }
                    let mut l = line(&[at(i, j), at(i + di, j + dj)], "residential");
                    l.oneway = [Oneway::Both, Oneway::Forward, Oneway::Backward][way as usize];
                    lines.push(l);
                }
            }
        }
        let points = places
            .iter()
            .map(|&(i, j, kind, t, off)| {
                let (x, y) = at(i, j);
                match kind {
                    // Exactly on a node.
                    0 => LonLat::new(x, y),
                    // Part-way east, 0–20 m off the road.
                    1 => LonLat::new(x + 0.002 * t, y + off * 0.0002),
                    _ => LonLat::new(x + off * 0.0002, y + 0.002 * t),
                }
            })
            .collect();
        (lines, points)
    })
}

/// Travel times by an independent construction: every segment split at the places snapped to
/// it (a place at an end node *is* that node), each piece travelled as its road allows (its
/// share of the segment's time in that direction), a leg from each place to its point; then
/// petgraph's Dijkstra. `[i][j]` is the time from place `i` to place `j`.
fn reference_times(
    net: &RoadNetwork,
    mode: Mode,
    snaps: &[Option<carecover::network::Snap>],
) -> Vec<Vec<Option<f64>>> {
    let n = net.nodes.len();
    let mut g: DiGraph<(), f64> = DiGraph::new();
    // Each place twice: leaving as a site (n + k), arriving as a village (n + m + k).
    let m = snaps.len();
    for _ in 0..n + 2 * m {
        g.add_node(());
    }
    let node = |i: usize| NodeIndex::new(i);
    let mut on: std::collections::HashMap<u32, Vec<(f64, usize)>> = Default::default();
    for (k, s) in snaps.iter().enumerate() {
        if let Some(s) = s {
            on.entry(s.segment).or_default().push((s.fraction, k));
        }
    }
    for (seg, s) in net.segments.iter().enumerate() {
        let (Some(p), Some(t)) = (
            net.mode(mode).passage(seg as u32),
            net.segment_times(mode, seg as u32),
        ) else {
            continue;
        };
        // The chain of points along the segment: a, the places by fraction, b.
        let mut chain: Vec<(f64, NodeIndex)> =
            vec![(0.0, node(s.a.index())), (1.0, node(s.b.index()))];
        let mut places = on.get(&(seg as u32)).cloned().unwrap_or_default();
        places.sort_by(|x, y| x.0.total_cmp(&y.0));
        for (f, k) in places {
            let point = if f == 0.0 {
                node(s.a.index())
            } else if f == 1.0 {
                node(s.b.index())
            } else {
                let x = g.add_node(());
                chain.push((f, x));
                x
            };
            let access = snaps[k].unwrap().access_s;
            g.add_edge(node(n + k), point, access);
            g.add_edge(point, node(n + m + k), access);
        }
        chain.sort_by(|x, y| x.0.total_cmp(&y.0));
        for w in chain.windows(2) {
            let share = w[1].0 - w[0].0;
            if p.forward {
                g.add_edge(w[0].1, w[1].1, share * t[0]);
            }
            if p.backward {
                g.add_edge(w[1].1, w[0].1, share * t[1]);
            }
        }
    }
    (0..snaps.len())
        .map(|i| {
            let d = petgraph::algo::dijkstra(&g, node(n + i), None, |e| *e.weight());
            (0..m)
                .map(|j| snaps[i].and(d.get(&node(n + m + j)).copied()))
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Site-to-village times equal the reference on random one-way grids, places on nodes and
    /// part-way along roads, in both modes.
    #[test]
    fn travel_times_match_a_reference_with_places_on_nodes_and_one_way_roads((lines, points) in random_roads()) {
        prop_assume!(!lines.is_empty());
        let net = RoadNetwork::build(&lines, &NetworkOptions { min_component_nodes: 1, ..NetworkOptions::default() });
        compare_with_reference(&net, &points)?;
    }

    /// The same on random terrain: walking times differ by direction, and the walk from the
    /// village to the site is what counts (driving stays flat, from the site).
    #[test]
    fn travel_times_on_random_terrain_match_the_reference(
        (lines, points) in random_roads(),
        heights in proptest::collection::vec(0.0f32..40.0, 81),
    ) {
        prop_assume!(!lines.is_empty());
        let dem = Dem::from_grid(
            std::path::Path::new("random"),
            1.4995,
            42.5075,
            0.001,
            9,
            9,
            &heights.iter().map(|&h| Some(h)).collect::<Vec<_>>(),
        )
        .unwrap();
        let net = on_terrain(&lines, dem);
        prop_assert_eq!(net.terrain.as_ref().unwrap().flat_segments, 0);
        compare_with_reference(&net, &points)?;
    }
}

/// Both modes' travel times against [`reference_times`]: driving from the site (`reach[i]`
/// holds site `i` → village `j`), walking to it (village `j` → site `i`).
fn compare_with_reference(
    net: &RoadNetwork,
    points: &[LonLat],
) -> Result<(), proptest::test_runner::TestCaseError> {
    for mode in [Mode::Drive, Mode::Walk] {
        let snaps = snap_all(net, mode, points, 1000.0);
        let tt = travel_times(net, mode, &snaps, &snaps, 1e9, &|| {});
        let reference = reference_times(net, mode, &snaps);
        // Walking: site i's row holds the times from each village j to it.
        let m = snaps.len();
        let expected = |i: usize, j: usize| match mode {
            Mode::Drive => reference[i][j],
            Mode::Walk => reference[j][i],
        };
        for (i, reach) in tt.reach.iter().enumerate() {
            for j in 0..m {
                let want = expected(i, j);
                let got = reach.iter().find(|(v, _)| v.index() == j).map(|&(_, s)| s);
                match (got, want) {
                    (Some(g), Some(w)) => {
                        prop_assert!((g - w).abs() < 1e-6, "{mode:?} {i}, {j}: {g} vs {w}")
                    }
                    (None, None) => {}
                    _ => prop_assert!(false, "{mode:?} {i}, {j}: {got:?} vs {want:?}"),
                }
            }
        }
    }
    Ok(())
}

/// A flat elevation model changes no travel time (walking is timed the other way round, which
/// on the flat is the same).
#[test]
fn a_flat_dem_equals_no_dem() {
    let lines = vec![
        line(
            &[(1.500, 42.500), (1.504, 42.500), (1.508, 42.501)],
            "residential",
        ),
        line(&[(1.504, 42.500), (1.504, 42.504)], "footway"),
        line(&[(1.508, 42.501), (1.504, 42.504)], "primary"),
    ];
    let points: Vec<LonLat> = [
        (1.501, 42.5001),
        (1.5075, 42.5008),
        (1.5041, 42.503),
        (1.506, 42.5025),
    ]
    .iter()
    .map(|&(x, y)| LonLat::new(x, y))
    .collect();
    let flat = Dem::from_grid(
        std::path::Path::new("flat"),
        1.49,
        42.51,
        0.001,
        30,
        30,
        &vec![Some(250.0); 900],
    )
    .unwrap();
    let plain = RoadNetwork::build(
        &lines,
        &NetworkOptions {
            min_component_nodes: 1,
            ..NetworkOptions::default()
        },
    );
    let on_flat = on_terrain(&lines, flat);
    for mode in [Mode::Walk, Mode::Drive] {
        let times = |net: &RoadNetwork| {
            let snaps = snap_all(net, mode, &points, 1000.0);
            travel_times(net, mode, &snaps, &snaps, 1e9, &|| {}).reach
        };
        let (a, b) = (times(&plain), times(&on_flat));
        assert_eq!(a.len(), b.len());
        for (ra, rb) in a.iter().zip(&b) {
            assert_eq!(ra.len(), rb.len());
            for (x, y) in ra.iter().zip(rb) {
                assert_eq!(x.0, y.0);
                assert!((x.1 - y.1).abs() < 1e-9, "{mode:?}: {} vs {}", x.1, y.1);
            }
        }
    }
}

/// Walking service areas reach as far as elders walk *to* the site: on a road rising 5 %
/// eastwards, from the east (downhill, Tobler's 1.19 × the flat pace) farther than from the
/// west (uphill, 0.84 ×); travel times agree.
#[test]
fn walking_areas_and_times_on_a_slope_are_timed_towards_the_site() {
    let lat = 42.5;
    let col_m = haversine_m(LonLat::new(1.5, lat), LonLat::new(1.501, lat));
    let heights: Vec<Option<f32>> = (0..60 * 5)
        .map(|i| Some((1000.0 + 0.05 * col_m * (i % 60) as f64) as f32))
        .collect();
    let dem = Dem::from_grid(
        std::path::Path::new("ramp"),
        1.49,
        lat + 0.002,
        0.001,
        60,
        5,
        &heights,
    )
    .unwrap();
    let road: Vec<(f64, f64)> = (0..=20).map(|k| (1.5 + 0.002 * k as f64, lat)).collect();
    let net = on_terrain(&[line(&road, "footway")], dem);
    let site_at = LonLat::new(1.52, lat);
    let site = net.snap(Mode::Walk, site_at).unwrap();
    let radius_s = 600.0;
    let flat_m = 4.0 / 3.6 * radius_s;
    let mut ws = DijkstraWorkspace::new(net.nodes.len());
    let area =
        carecover::coverage::service_area(&net, Mode::Walk, &site, site_at, radius_s, 5.0, &mut ws);
    let (mut west, mut east) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in &area.0 {
        for c in &p.exterior().0 {
            west = west.min(c.x);
            east = east.max(c.x);
        }
    }
    let metres = |lon: f64| haversine_m(LonLat::new(lon, lat), site_at);
    let (reach_west, reach_east) = (metres(west) - 5.0, metres(east) - 5.0);
    let up = (-3.5f64 * 0.1).exp() / (-3.5f64 * 0.05).exp();
    let down = 1.0 / (-3.5f64 * 0.05).exp();
    assert!(
        (reach_west - flat_m * up).abs() < 15.0,
        "west {reach_west} vs {}",
        flat_m * up
    );
    assert!(
        (reach_east - flat_m * down).abs() < 15.0,
        "east {reach_east} vs {}",
        flat_m * down
    );
    // Two villages 700 m either side: only the one above walks down in time.
    let d = 700.0 / col_m * 0.001;
    let villages = [LonLat::new(1.52 - d, lat), LonLat::new(1.52 + d, lat)];
    let vs = snap_all(&net, Mode::Walk, &villages, 1000.0);
    let tt = travel_times(&net, Mode::Walk, &[Some(site)], &vs, radius_s, &|| {});
    let reached: Vec<usize> = tt.reach[0].iter().map(|(v, _)| v.index()).collect();
    assert_eq!(reached, vec![1]);
}

/// The network of `lines` (every piece snappable) with walking on `dem`.
fn on_terrain(lines: &[RoadLine], dem: Dem) -> RoadNetwork {
    let terrain = Terrain {
        dems: vec![dem],
        slope: Default::default(),
        drive_grade_factor: 0.0,
    };
    RoadNetwork::build(
        lines,
        &NetworkOptions {
            min_component_nodes: 1,
            terrain: Some(std::sync::Arc::new(terrain)),
            ..NetworkOptions::default()
        },
    )
}

/// A river between two roads, crossed by a ferry that bends (three vertices): the west road
/// ends at one pier, the east road starts at the other.
fn river_crossing(ferry: RoadLine) -> Vec<RoadLine> {
    vec![
        line(&[(1.50, 42.5), (1.51, 42.5)], "residential"),
        ferry,
        line(&[(1.52, 42.5), (1.53, 42.5)], "residential"),
    ]
}

fn ferry(duration_min: Option<f64>) -> RoadLine {
    let mut f = line(&[(1.51, 42.5), (1.515, 42.502), (1.52, 42.5)], "ferry");
    f.crossing_min = duration_min;
    f
}

/// Seconds from the village at the east end to the site at the west end (walking: towards the
/// site; driving: from it), `None` if unreachable.
fn across(net: &RoadNetwork, mode: Mode) -> Option<f64> {
    let site = net.snap(mode, LonLat::new(1.50, 42.5));
    let vs = snap_all(net, mode, &[LonLat::new(1.53, 42.5)], 1000.0);
    let tt = travel_times(net, mode, &[site], &vs, 1e6, &|| {});
    tt.reach[0].first().map(|&(_, t)| t)
}

#[test]
fn ferries_take_their_crossing_and_the_wait_and_carry_cars_only_where_tagged() {
    let options = NetworkOptions {
        min_component_nodes: 1,
        ..NetworkOptions::default()
    };
    let net = RoadNetwork::build(&river_crossing(ferry(Some(10.0))), &options);
    assert_eq!(net.stats().ferries, 1);
    // One crossing from pier to pier, as long as the line it follows.
    let f = net.segments.iter().position(|s| s.ferry).unwrap();
    let bend = haversine_m(LonLat::new(1.51, 42.5), LonLat::new(1.515, 42.502)) * 2.0;
    assert!((net.segments[f].length_m - bend).abs() < 1e-6);
    let road_m = haversine_m(LonLat::new(1.50, 42.5), LonLat::new(1.51, 42.5))
        + haversine_m(LonLat::new(1.52, 42.5), LonLat::new(1.53, 42.5));
    let walk = road_m / (4.0 / 3.6) + (10.0 + 15.0) * 60.0;
    let t = across(&net, Mode::Walk).unwrap();
    assert!((t - walk).abs() < 1e-6, "{t} against {walk}");
    // No cars unless the ferry says it carries them.
    assert_eq!(across(&net, Mode::Drive), None);
    let mut cars = ferry(Some(10.0));
    cars.drive = Some(true);
    let net = RoadNetwork::build(&river_crossing(cars), &options);
    let drive = road_m / (25.0 / 3.6) + 25.0 * 60.0;
    let t = across(&net, Mode::Drive).unwrap();
    assert!((t - drive).abs() < 1e-6, "{t} against {drive}");
    // Untimed: the line's length at 10 km/h; with a wait of its own.
    let mut profile = carecover::network::Profile {
        ferry: Some(carecover::network::Ferry {
            wait_min: 30.0,
            kmh: 10.0,
        }),
        ..Default::default()
    };
    let slow = NetworkOptions {
        profile: profile.clone(),
        ..options.clone()
    };
    let net = RoadNetwork::build(&river_crossing(ferry(None)), &slow);
    let walk = road_m / (4.0 / 3.6) + bend / (10.0 / 3.6) + 30.0 * 60.0;
    assert!((across(&net, Mode::Walk).unwrap() - walk).abs() < 1e-6);
    // A boat that only goes east: elders on the east bank cannot walk to a site on the west
    // (walks are timed towards the site), those on the west can walk to one on the east.
    let mut east = ferry(Some(10.0));
    east.oneway = Oneway::Forward;
    let net = RoadNetwork::build(&river_crossing(east), &options);
    assert_eq!(across(&net, Mode::Walk), None);
    let site = net.snap(Mode::Walk, LonLat::new(1.53, 42.5));
    let vs = snap_all(&net, Mode::Walk, &[LonLat::new(1.50, 42.5)], 1000.0);
    let tt = travel_times(&net, Mode::Walk, &[site], &vs, 1e6, &|| {});
    assert_eq!(tt.reach[0].len(), 1, "west to east");
    // Ferries left out: the river cannot be crossed.
    profile.ferry = None;
    let off = NetworkOptions { profile, ..options };
    let net = RoadNetwork::build(&river_crossing(ferry(Some(10.0))), &off);
    assert_eq!(net.stats().ferries, 1);
    assert_eq!(across(&net, Mode::Walk), None);
}

#[test]
fn ferries_are_not_snapped_to_on_terrain_or_in_service_areas() {
    use geo::Contains;
    // A ramp climbing 5 % eastwards under everything: the ferry's time stays its own.
    let lat = 42.5;
    let col_m = haversine_m(LonLat::new(1.5, lat), LonLat::new(1.501, lat));
    let heights: Vec<Option<f32>> = (0..60 * 10)
        .map(|i| Some((100.0 + 0.05 * col_m * (i % 60) as f64) as f32))
        .collect();
    let dem = Dem::from_grid(
        std::path::Path::new("ramp"),
        1.49,
        lat + 0.005,
        0.001,
        60,
        10,
        &heights,
    )
    .unwrap();
    let net = on_terrain(&river_crossing(ferry(Some(10.0))), dem);
    let f = net.segments.iter().position(|s| s.ferry).unwrap() as u32;
    assert_eq!(net.segment_times(Mode::Walk, f), Some([25.0 * 60.0; 2]));
    // A boat on the river snaps to a road, not to the crossing.
    let boat = net.snap(Mode::Walk, LonLat::new(1.515, 42.5019)).unwrap();
    assert!(!net.segments[boat.segment as usize].ferry);
    // An hour's walk from the west end reaches the far shore but draws no river.
    let site_at = LonLat::new(1.50, lat);
    let site = net.snap(Mode::Walk, site_at).unwrap();
    let mut ws = DijkstraWorkspace::new(net.nodes.len());
    let area =
        carecover::coverage::service_area(&net, Mode::Walk, &site, site_at, 3600.0, 20.0, &mut ws);
    let inside = |lon: f64, lat: f64| area.contains(&geo::Point::new(lon, lat));
    assert!(inside(1.505, 42.5) && inside(1.521, 42.5), "both shores");
    assert!(!inside(1.515, 42.502) && !inside(1.515, 42.501), "no river");
}
