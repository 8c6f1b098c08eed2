//! Shared test helpers: fixture paths and the independent feasibility checker.
#![allow(dead_code)]

use carecover::model::LonLat;
use carecover::network::{Mode, Snap, haversine_m};
use carecover::pipeline::Plan;
use carecover::solve::Limit;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub mod check_homes;
mod check_policy;
pub mod shipped;

pub use check_policy::check_policy;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// Rows of a CSV file as header → value maps, read with the csv crate directly (not through
/// carecover's parsers).
pub fn raw_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Checks a plan against its inputs and the road network without the solver's own data
/// structures:
/// - every open site is a row of the sites file, of a kind the tier accepts, at that position;
/// - every existing eligible site is open;
/// - the tier's budget (costs recomputed from the file and the scenario) or site count holds;
/// - every village the plan counts as covered is within the radius of the site it is assigned
///   to, and every village it counts as uncovered is beyond the radius of every open site,
///   by a separate Dijkstra (petgraph) over a graph rebuilt from the road segments;
/// - each tier's objective equals the elders of its covered villages, and bound ≥ objective.
///
/// Returns the number of (site, village) checks made.
pub fn check_plan(plan: &Plan) -> usize {
    if plan.policy.is_some() {
        return check_policy(plan);
    }
    let sc = &plan.scenario;
    let rows = raw_csv(&sc.sites);
    let by_id: HashMap<&str, &HashMap<String, String>> =
        rows.iter().map(|r| (r["id"].as_str(), r)).collect();
    if sc.villages.extension().is_some_and(|e| e == "csv") {
        assert_eq!(raw_csv(&sc.villages).len(), plan.villages.len());
    }
    let mut checks = 0;
    for tier in &plan.tiers {
        let t = &tier.tier;
        let mut cost = 0.0;
        let mut new_sites = 0;
        let open: Vec<_> = tier.open_sites().collect();
        for &id in &open {
            let site = &plan.sites[id.index()];
            let row = by_id
                .get(site.key.as_str())
                .unwrap_or_else(|| panic!("open site {} not in {}", site.key, sc.sites.display()));
            assert!(
                t.site_kinds.is_empty() || t.site_kinds.contains(&row["kind"]),
                "site {} of kind {} not eligible for {}",
                site.key,
                row["kind"],
                t.name
            );
            let (lon, lat) = to_wgs84(
                sc.sites_crs.name(),
                row["lon"].parse().unwrap(),
                row["lat"].parse().unwrap(),
            );
            assert!(
                (lon - site.location.lon).abs() < 1e-9 && (lat - site.location.lat).abs() < 1e-9
            );
            let existing = matches!(
                row.get("existing").map(String::as_str),
                Some("1" | "true" | "yes")
            );
            if !existing {
                new_sites += 1;
                cost += match row.get("cost").map(String::as_str) {
                    Some(c) if !c.is_empty() => c.parse::<f64>().unwrap(),
                    _ => t
                        .kind_costs
                        .get(&row["kind"])
                        .copied()
                        .unwrap_or(t.default_cost),
                };
            }
        }
        for r in &rows {
            let existing = matches!(
                r.get("existing").map(String::as_str),
                Some("1" | "true" | "yes")
            );
            if existing && (t.site_kinds.is_empty() || t.site_kinds.contains(&r["kind"])) {
                assert!(
                    open.iter().any(|id| plan.sites[id.index()].key == r["id"]),
                    "existing site {} not open in {}",
                    r["id"],
                    t.name
                );
            }
        }
        match t.limit {
            Limit::Budget(b) => assert!(
                cost <= b + 1e-6,
                "tier {}: cost {cost} over budget {b}",
                t.name
            ),
            Limit::Count(p) => assert!(
                new_sites <= p,
                "tier {}: {new_sites} new sites, limit {p}",
                t.name
            ),
        }
        assert!(
            (cost - tier.solution.cost).abs() < 1e-6,
            "reported cost {} vs recomputed {cost}",
            tier.solution.cost
        );

        // Independent travel times from each open site.
        let mut best = vec![f64::INFINITY; plan.villages.len()];
        for &id in &open {
            let times = independent_times(
                plan,
                t.mode,
                plan.sites[id.index()].location,
                plan.site_snaps[&t.mode][id.index()]
                    .as_ref()
                    .map(|s| (s.segment, s.fraction, s.point)),
            );
            for (v, &tv) in times.iter().enumerate() {
                best[v] = best[v].min(tv);
                if let Some((s, t_claimed)) = tier.assignment[v]
                    && s == id
                {
                    assert!(
                        (t_claimed - tv).abs() < 1e-6,
                        "village {} from site {}: plan says {t_claimed} s, check finds {tv} s",
                        plan.villages[v].key,
                        plan.sites[id.index()].key
                    );
                    checks += 1;
                }
            }
        }
        let mut covered_weight = 0.0;
        for (v, a) in tier.assignment.iter().enumerate() {
            match a {
                Some((_, t_claimed)) => {
                    assert!(
                        best[v] <= t.radius_s + 1e-9,
                        "village {} counted covered but best time {} > radius {}",
                        plan.villages[v].key,
                        best[v],
                        t.radius_s
                    );
                    assert!(
                        (best[v] - t_claimed).abs() < 1e-6,
                        "village {} assigned at {t_claimed} s but nearest open site is {} s",
                        plan.villages[v].key,
                        best[v]
                    );
                    covered_weight += plan.villages[v].elders;
                }
                None => assert!(
                    best[v] > t.radius_s,
                    "village {} counted uncovered but reachable in {} s",
                    plan.villages[v].key,
                    best[v]
                ),
            }
            checks += 1;
        }
        assert!((covered_weight - tier.solution.objective).abs() < 1e-6 * covered_weight.max(1.0));
        assert!(tier.solution.bound >= tier.solution.objective - 1e-9);
    }
    checks
}

/// Travel times (seconds) from a site at `location`, snapped at `(segment, fraction, point)`,
/// to every village, by petgraph's Dijkstra from a virtual source; INFINITY where unreachable.
/// Re-derives the trip model: access leg at the access speed, partial segments at the road
/// speed in allowed directions, or straight along a shared segment.
fn independent_times(
    plan: &Plan,
    mode: Mode,
    location: LonLat,
    snap: Option<(u32, f64, LonLat)>,
) -> Vec<f64> {
    let targets: Vec<(LonLat, Option<Snap>)> = plan
        .villages
        .iter()
        .zip(&plan.village_snaps[&mode])
        .map(|(v, s)| (v.location, *s))
        .collect();
    times_to(plan, mode, location, snap, &targets)
}

/// Like [`independent_times`], to any places with their snaps. Driving is timed from the
/// site, walking to it (elders walk to their point; the same on the flat, not on terrain).
fn times_to(
    plan: &Plan,
    mode: Mode,
    location: LonLat,
    snap: Option<(u32, f64, LonLat)>,
    targets: &[(LonLat, Option<Snap>)],
) -> Vec<f64> {
    let n = targets.len();
    let Some((seg, frac, point)) = snap else {
        return vec![f64::INFINITY; n];
    };
    let net = &plan.network;
    let profile = &plan.scenario.network.profile;
    let access = match mode {
        Mode::Walk => profile.walk_access_kmh / 3.6,
        Mode::Drive => profile.drive_access_kmh / 3.6,
    };
    let g = net.mode(mode);
    let to_site = mode == Mode::Walk;
    let scenario = &plan.scenario;
    let terrain = if to_site || scenario.drive_grade_factor > 0.0 {
        tiles(&scenario.dem)
    } else {
        Default::default()
    };
    // Seconds along a whole segment, a → b and b → a.
    let seg_time = |s: u32| {
        g.passage(s).map(|p| {
            let sg = net.segments[s as usize];
            let flat = sg.length_m / p.speed_mps;
            // (Ferries cross at their own pace, whatever the ground.)
            let t = if terrain.is_empty() || sg.ferry {
                [flat; 2]
            } else {
                on_terrain(
                    &terrain,
                    mode,
                    scenario,
                    net.nodes[sg.a.index()],
                    net.nodes[sg.b.index()],
                    sg.length_m,
                    p.speed_mps,
                )
                .unwrap_or([flat; 2])
            };
            (p, t)
        })
    };
    let times: Vec<_> = (0..net.segments.len() as u32).map(seg_time).collect();
    let seg_times = |s: u32| times[s as usize];
    let mut graph: DiGraph<(), f64> =
        DiGraph::with_capacity(net.nodes.len() + 1, 2 * net.segments.len());
    for _ in 0..=net.nodes.len() {
        graph.add_node(());
    }
    for (i, s) in net.segments.iter().enumerate() {
        if let Some((p, t)) = seg_times(i as u32) {
            if p.forward {
                graph.add_edge(
                    NodeIndex::new(s.a.index()),
                    NodeIndex::new(s.b.index()),
                    t[0],
                );
            }
            if p.backward {
                graph.add_edge(
                    NodeIndex::new(s.b.index()),
                    NodeIndex::new(s.a.index()),
                    t[1],
                );
            }
        }
    }
    // The site as a node of its own: left from (driving) or reached (walking).
    let site_node = NodeIndex::new(net.nodes.len());
    let site_access = haversine_m(location, point) / access;
    let (p, t) = seg_times(seg).expect("snapped to a usable segment");
    let s = net.segments[seg as usize];
    let (a, b) = (NodeIndex::new(s.a.index()), NodeIndex::new(s.b.index()));
    let dist = if to_site {
        if p.forward {
            graph.add_edge(a, site_node, frac * t[0] + site_access);
        }
        if p.backward {
            graph.add_edge(b, site_node, (1.0 - frac) * t[1] + site_access);
        }
        petgraph::algo::dijkstra(petgraph::visit::Reversed(&graph), site_node, None, |e| {
            *e.weight()
        })
    } else {
        if p.forward {
            graph.add_edge(site_node, b, site_access + (1.0 - frac) * t[0]);
        }
        if p.backward {
            graph.add_edge(site_node, a, site_access + frac * t[1]);
        }
        petgraph::algo::dijkstra(&graph, site_node, None, |e| *e.weight())
    };
    (0..n)
        .map(|v| {
            let Some(vs) = targets[v].1 else {
                return f64::INFINITY;
            };
            let v_access = haversine_m(targets[v].0, vs.point) / access;
            let (vp, vt) = seg_times(vs.segment).unwrap();
            let vseg = net.segments[vs.segment as usize];
            let (va, vb) = (
                NodeIndex::new(vseg.a.index()),
                NodeIndex::new(vseg.b.index()),
            );
            let mut best = f64::INFINITY;
            // Village → node → site (walking), or site → node → village (driving).
            let (via_a, via_b) = if to_site {
                (
                    (vp.backward, vs.fraction * vt[1]),
                    (vp.forward, (1.0 - vs.fraction) * vt[0]),
                )
            } else {
                (
                    (vp.forward, vs.fraction * vt[0]),
                    (vp.backward, (1.0 - vs.fraction) * vt[1]),
                )
            };
            for ((ok, leg), node) in [(via_a, va), (via_b, vb)] {
                if ok && let Some(d) = dist.get(&node) {
                    best = best.min(d + leg + v_access);
                }
            }
            if vs.segment == seg {
                // Straight along the shared segment, in the direction of travel.
                let (from, to) = if to_site {
                    (vs.fraction, frac)
                } else {
                    (frac, vs.fraction)
                };
                let (ok, t) = if to >= from {
                    (p.forward, t[0])
                } else {
                    (p.backward, t[1])
                };
                if ok {
                    best = best.min(site_access + (to - from).abs() * t + v_access);
                }
            }
            best
        })
        .collect()
}

type Tiles = std::sync::Arc<Vec<carecover::io::Dem>>;

/// The elevation tiles at `paths`, read once per test binary (the checker asks for them for
/// every site it times).
fn tiles(paths: &[PathBuf]) -> Tiles {
    static READ: std::sync::Mutex<Vec<(Vec<PathBuf>, Tiles)>> = std::sync::Mutex::new(Vec::new());
    let mut read = READ.lock().unwrap();
    if let Some((_, t)) = read.iter().find(|(p, _)| p == paths) {
        return t.clone();
    }
    let t = std::sync::Arc::new(
        paths
            .iter()
            .map(|p| carecover::io::Dem::read(p).unwrap())
            .collect::<Vec<_>>(),
    );
    read.push((paths.to_vec(), t.clone()));
    t
}

/// Travel times along the straight segment a → b and back on the tiles, re-derived here:
/// pieces at most a cell long (the finest tile's cell), walked each at Tobler's speed for its
/// grade, `exp(-3.5 |s + 0.05|)`, scaled to `flat_mps` at grade 0 (grades clamped at ±100 %),
/// or driven at `flat_mps / (1 + k |s|)`.
fn on_terrain(
    tiles: &[carecover::io::Dem],
    mode: Mode,
    scenario: &carecover::scenario::Scenario,
    a: LonLat,
    b: LonLat,
    length_m: f64,
    flat_mps: f64,
) -> Option<[f64; 2]> {
    let cell = tiles
        .iter()
        .map(|d| d.cell_m())
        .fold(f64::INFINITY, f64::min);
    let pieces = ((length_m / cell - 1e-9).ceil() as usize).max(1);
    let piece = length_m / pieces as f64;
    let height = |k: usize| {
        let f = k as f64 / pieces as f64;
        let p = LonLat::new(a.lon + f * (b.lon - a.lon), a.lat + f * (b.lat - a.lat));
        tiles.iter().find_map(|d| d.sample(p))
    };
    let speed = |grade: f64| match &scenario.walk_slope {
        _ if mode == Mode::Drive => {
            flat_mps / (1.0 + scenario.drive_grade_factor * grade.abs().min(1.0))
        }
        carecover::network::Slope::Tobler => {
            let s = grade.clamp(-1.0, 1.0);
            flat_mps * (-3.5 * (s + 0.05).abs()).exp() / (-3.5f64 * 0.05).exp()
        }
        // A scenario's own table: its interpolation is the library's (unit-tested).
        table => flat_mps * table.factor(grade),
    };
    let mut t = [0.0; 2];
    let mut prev = height(0)?;
    for k in 1..=pieces {
        let h = height(k)?;
        if piece > 0.0 {
            t[0] += piece / speed((h - prev) / piece);
            t[1] += piece / speed((prev - h) / piece);
        }
        prev = h;
    }
    Some(t)
}

/// A position of a file in coordinate system `crs` as WGS-84, by the conversion crate directly.
pub fn to_wgs84(crs: &str, lon: f64, lat: f64) -> (f64, f64) {
    match crs {
        "gcj02" => coordtransform::gcj02_to_wgs84(lon, lat),
        "bd09" => coordtransform::bd09_to_wgs84(lon, lat),
        _ => (lon, lat),
    }
}
