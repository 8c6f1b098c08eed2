//! The interactive map of `report.html`: Leaflet 1.9.4 (vendored from the npm registry with its
//! licence, `assets/leaflet/`) inlined into the page with the plan's layers, so the page stays
//! one file that works offline. The road network itself is the base layer; an OpenStreetMap
//! background can be switched on where there is internet. Villages are coloured by how they
//! are served and open a card on click; each tier's sites and service areas are layers; towns
//! and centres carry labels; a legend explains every symbol.
//!
//! The features drawn are those of `villages.geojson`, `sites.geojson` and
//! `service_areas.geojson` (areas simplified to about 10 m): once drawn, the container
//! `#map` carries `data-drawn-features` = their number (and `data-drawn-roads`), which CI
//! checks in headless Chromium.

use crate::lang::Lang;
use crate::pipeline::Plan;
use geo::{LineString, Simplify};
use geojson::{FeatureCollection, GeometryValue};
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Write;

const LEAFLET_JS: &str = include_str!("../../assets/leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../../assets/leaflet/leaflet.css");
const LEAFLET_LICENSE: &str = include_str!("../../assets/leaflet/LICENSE");
const MAP_JS: &str = include_str!("web_map.js");

/// A line as integers of 1e-5 degree (about a metre), the first point absolute and the rest
/// as differences: compact in JSON, decoded by the page.
fn encode(points: &[(f64, f64)]) -> Vec<i64> {
    let (mut px, mut py) = (0i64, 0i64);
    let mut out = Vec::with_capacity(points.len() * 2);
    for &(x, y) in points {
        let (qx, qy) = ((x * 1e5).round() as i64, (y * 1e5).round() as i64);
        out.push(qx - px);
        out.push(qy - py);
        (px, py) = (qx, qy);
    }
    out
}

pub(super) fn simplified(points: Vec<(f64, f64)>, epsilon: f64) -> Vec<(f64, f64)> {
    let line: LineString<f64> = points.into();
    line.simplify(epsilon).points().map(|p| p.x_y()).collect()
}

/// The road network as polylines: segments chained through nodes, simplified to about 5 m.
/// A chain goes on through a junction while it has an unused segment (not only through nodes
/// where two meet): on a grid, stopping at junctions made one two-point line per block side,
/// each starting with absolute coordinates (3.3 million lines, 90 MB of a 100,000-village page).
fn roads(plan: &Plan) -> Vec<Vec<i64>> {
    let net = &plan.network;
    let ends: Vec<(usize, usize)> = net
        .segments
        .iter()
        .map(|s| (s.a.index(), s.b.index()))
        .collect();
    chains(net.nodes.len(), &ends)
        .into_iter()
        .map(|nodes| {
            let pts = nodes
                .iter()
                .map(|&i| (net.nodes[i].lon, net.nodes[i].lat))
                .collect();
            encode(&simplified(pts, 0.00005))
        })
        .collect()
}

/// The segments (node pairs) as chains of nodes, each segment in exactly one chain: a chain
/// goes on through any node with a segment not yet used, and chains start at nodes of odd
/// degree (every chain that cannot close ends at one), then wherever segments are left
/// (closed loops).
fn chains(n_nodes: usize, segments: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); n_nodes];
    for (k, &(a, b)) in segments.iter().enumerate() {
        adjacent[a].push(k);
        adjacent[b].push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut out = Vec::new();
    let mut walk = |start: usize, first: usize, used: &mut Vec<bool>| {
        let mut nodes = vec![start];
        let (mut at, mut seg) = (start, first);
        loop {
            used[seg] = true;
            let (a, b) = segments[seg];
            at = if a == at { b } else { a };
            nodes.push(at);
            match adjacent[at].iter().find(|&&k| !used[k]) {
                Some(&k) => seg = k,
                None => break,
            }
        }
        out.push(nodes);
    };
    let odd: Vec<(usize, usize)> = adjacent
        .iter()
        .enumerate()
        .filter(|(_, a)| a.len() % 2 == 1)
        .flat_map(|(i, a)| a.iter().map(move |&k| (i, k)))
        .collect();
    for (start, k) in odd {
        if !used[k] {
            walk(start, k, &mut used);
        }
    }
    for k in 0..segments.len() {
        if !used[k] {
            walk(segments[k].0, k, &mut used);
        }
    }
    out
}

/// The properties the map's cards and styles read (web_map.js), per layer: the page carries
/// no others (the GeoJSON files have them all), so that a county of 100,000 villages makes a
/// page of tens of megabytes, not hundreds.
pub(crate) const VILLAGE_CARD: &[&str] = &[
    "id",
    "name",
    "town",
    "elders",
    "served_by",
    "service",
    "served_site",
    "served_min",
    "reason",
];
pub(crate) const SITE_CARD: &[&str] = &[
    "id",
    "name",
    "town",
    "tier",
    "status",
    "build_year",
    "beds",
    "residents",
    "moved_to",
    "moved_min",
];
const AREA_CARD: &[&str] = &["tier"];

/// A feature as the page reads it: `{"g": geometry, "p": properties}` (fields in name order,
/// as the maps this replaced wrote them).
#[derive(Serialize)]
pub(crate) struct MapFeature {
    g: Option<MapGeometry>,
    p: serde_json::Map<String, Value>,
}

/// `{"point": [lon, lat]}` or `{"polygons": [[ring, …], …]}` with rings [`encode`]d. Typed
/// rather than `serde_json::Value`: a number as a `Value` takes 32 bytes, and a county's
/// service areas are tens of millions of them.
#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum MapGeometry {
    Point([f64; 2]),
    Polygons(Vec<Vec<Vec<i64>>>),
}

/// Holes in a service area smaller than this (m², a few street blocks) are filled in the page.
/// A walking area around a road grid has one hole per block: at 100,000 villages a million of
/// them made 8.4 of the areas' 12.5 million points and most of a 234 MB page, invisible at the
/// zoom that shows a county. `service_areas.geojson` keeps every hole.
const PAGE_MIN_HOLE_M2: f64 = 50_000.0;

/// Features as the page needs them: the properties in `keep`, and geometry as encoded rings
/// (holes under [`PAGE_MIN_HOLE_M2`] left out) or a point.
pub(crate) fn features(fc: &FeatureCollection, keep: &[&str]) -> Vec<MapFeature> {
    features_filling(fc, keep, &mut 0)
}

/// [`features`], adding the number of holes left out to `filled`.
fn features_filling(fc: &FeatureCollection, keep: &[&str], filled: &mut usize) -> Vec<MapFeature> {
    fc.features
        .iter()
        .map(|f| {
            let p: serde_json::Map<String, Value> = f
                .properties
                .iter()
                .flatten()
                .filter(|(k, _)| keep.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let g = match f.geometry.as_ref().map(|g| &g.value) {
                Some(GeometryValue::Point { coordinates }) => Some(MapGeometry::Point([
                    (coordinates[0] * 1e5).round() / 1e5,
                    (coordinates[1] * 1e5).round() / 1e5,
                ])),
                Some(GeometryValue::MultiPolygon { coordinates }) => Some(MapGeometry::Polygons(
                    coordinates
                        .iter()
                        .map(|poly| {
                            let mut rings = Vec::with_capacity(poly.len());
                            for (k, ring) in poly.iter().enumerate() {
                                let pts: Vec<(f64, f64)> =
                                    ring.iter().map(|p| (p[0], p[1])).collect();
                                if k > 0 && ring_area_m2(&pts) < PAGE_MIN_HOLE_M2 {
                                    *filled += 1;
                                    continue;
                                }
                                rings.push(encode(&simplified(pts, 0.0001)));
                            }
                            rings
                        })
                        .collect(),
                )),
                _ => None,
            };
            MapFeature { p, g }
        })
        .collect()
}

/// The area of a lon/lat ring on the sphere, m² (geo's Chamberlain–Duquette).
fn ring_area_m2(points: &[(f64, f64)]) -> f64 {
    use geo::ChamberlainDuquetteArea;
    let ring: LineString<f64> = points.to_vec().into();
    geo::Polygon::new(ring, Vec::new()).chamberlain_duquette_unsigned_area()
}

/// JSON written into a `<script>` element: `</` becomes `<\/` (the same string in JSON) so
/// that no name ends the element early. `<` appears in JSON only inside strings.
struct ScriptSafe<W: Write> {
    out: W,
    /// The last byte written was `<`.
    after_lt: bool,
}

impl<W: Write> Write for ScriptSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut from = 0;
        for (i, &b) in buf.iter().enumerate() {
            let after_lt = if i == 0 {
                self.after_lt
            } else {
                buf[i - 1] == b'<'
            };
            if b == b'/' && after_lt {
                self.out.write_all(&buf[from..i])?;
                self.out.write_all(b"\\")?;
                from = i;
            }
        }
        self.out.write_all(&buf[from..])?;
        if let Some(&last) = buf.last() {
            self.after_lt = last == b'<';
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The words of the page in the scenario's language.
fn words(lang: Lang) -> Value {
    let t = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    json!({
        "roads": t("道路", "Roads"),
        "osm": t("OpenStreetMap 在线底图", "OpenStreetMap background (online)"),
        "none": t("仅路网（离线）", "Road network only (offline)"),
        "villages": t("村", "Villages"),
        "towns": t("镇街名称", "Township names"),
        "sites": t("场地", "sites"),
        "areas": t("服务范围", "service area"),
        "holes_filled": t(
            "服务范围内小于 5 公顷的空洞未画出（service_areas.geojson 中保留）",
            "holes under 5 ha in service areas not drawn (service_areas.geojson keeps them)",
        ),
        "legend": t("图例", "Legend"),
        "elders": t("老人", "elders"),
        "town": t("镇街", "township"),
        "served_by": t("服务方式", "served by"),
        "site": t("服务场地", "site"),
        "minutes": t("分钟", "min"),
        "reason": t("原因", "reason"),
        "status": t("状态", "status"),
        "built": t("建设年度", "built in"),
        "service": {
            "own_point": t("本村互助点服务", "its own point"),
            "shared_point": t("共用互助点服务", "a shared point"),
            "neighbour_point": t("邻村互助点延伸服务", "a neighbour's point (extension)"),
            "centre": t("镇（街道）中心服务", "the town centre"),
            "unserved": t("未服务", "not served"),
            "covered": t("已覆盖", "covered"),
            "uncovered": t("未覆盖", "not covered"),
            "off_network": t("不在路网上", "off the network"),
        },
        "homes": t("敬老院", "Nursing homes"),
        "beds": t("床位", "beds"),
        "residents": t("入住", "residents"),
        "moved_to": t("撤并后迁往", "residents moved to"),
        "site_status": {
            "existing": t("现有", "existing"),
            "kept": t("保留", "kept"),
            "upgraded": t("改造提升", "upgraded"),
            "new": t("新建", "new"),
            "closed": t("撤并", "closed"),
        },
    })
}

/// What the map draws: tiers (`name`, `label`, `role`, `colour`), labelled places (`name`,
/// `point`), whether villages are coloured by a policy plan's `served_by`, road polylines
/// ([`roads`]), and the layers' features as the page reads them ([`features`]).
pub(crate) struct MapData {
    pub lang: Lang,
    pub tiers: Vec<Value>,
    pub towns: Vec<Value>,
    pub policy: bool,
    pub roads: Vec<Vec<i64>>,
    pub villages: Vec<MapFeature>,
    pub sites: Vec<MapFeature>,
    pub areas: Vec<MapFeature>,
    /// Service-area holes the page leaves out ([`PAGE_MIN_HOLE_M2`]).
    pub holes_filled: usize,
}

/// Writes the map section of a plan's report to `out`.
pub fn write_map_section(
    out: &mut impl Write,
    plan: &Plan,
    villages: &FeatureCollection,
    sites: &FeatureCollection,
    areas: &FeatureCollection,
) -> std::io::Result<()> {
    let lang = plan.scenario.language;
    let tiers: Vec<Value> = plan
        .tiers
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let (r, g, b) = super::tier_rgb(k);
            json!({
                "name": t.tier.name,
                "label": super::words::tier_label(&t.tier, lang),
                "role": t.tier.role.map(|r| format!("{r:?}").to_lowercase()),
                "colour": format!("#{r:02x}{g:02x}{b:02x}"),
            })
        })
        .collect();
    let towns: Vec<Value> = super::town_positions(plan)
        .into_iter()
        .map(|(name, (x, y))| json!({ "name": name, "point": [x, y] }))
        .collect();
    let mut holes_filled = 0;
    let areas = features_filling(areas, AREA_CARD, &mut holes_filled);
    write_map_html(
        out,
        MapData {
            lang,
            tiers,
            towns,
            policy: plan.policy.is_some(),
            roads: roads(plan),
            villages: features(villages, VILLAGE_CARD),
            sites: features(sites, SITE_CARD),
            areas,
            holes_filled,
        },
    )
}

/// [`write_map_html`] into a string.
pub(crate) fn map_html(d: MapData) -> String {
    let mut out = Vec::new();
    write_map_html(&mut out, d).expect("writing to memory");
    String::from_utf8(out).expect("the map section is UTF-8")
}

/// Leaflet's CSS and code, the data, and the drawing code: a section that works offline.
/// Written straight to `out`: a county group's section is hundreds of megabytes.
pub(crate) fn write_map_html(out: &mut impl Write, d: MapData) -> std::io::Result<()> {
    // Fields in name order, as the map this replaced wrote them.
    #[derive(Serialize)]
    struct Data<'a> {
        areas: &'a [MapFeature],
        holes_filled: usize,
        home_tier: &'a str,
        policy: bool,
        roads: &'a [Vec<i64>],
        sites: &'a [MapFeature],
        tiers: &'a [Value],
        towns: &'a [Value],
        villages: &'a [MapFeature],
        words: Value,
    }
    let data = Data {
        areas: &d.areas,
        holes_filled: d.holes_filled,
        home_tier: super::homes::HOME_TIER,
        policy: d.policy,
        roads: &d.roads,
        sites: &d.sites,
        tiers: &d.tiers,
        towns: &d.towns,
        villages: &d.villages,
        words: words(d.lang),
    };
    // The control icons are not vendored: the layers control stays open.
    let css = LEAFLET_CSS
        .replace("url(images/layers.png)", "none")
        .replace("url(images/layers-2x.png)", "none");
    let css = css.replace("url(images/marker-icon.png)", "none");
    write!(
        out,
        "<style>{css}\n#map{{height:640px;border:1px solid #ccc}}.cc-legend{{background:#fff;padding:6px 8px;font-size:12px;line-height:18px;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,.3)}}.cc-legend i{{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle;border-radius:50%}}.cc-legend i.sq{{border-radius:2px;opacity:.5}}.cc-town{{background:transparent;border:0;box-shadow:none;font-weight:bold;font-size:13px;color:#333;text-shadow:0 0 3px #fff,0 0 3px #fff}}.cc-town::before,.cc-site::before{{display:none}}.cc-site{{background:rgba(255,255,255,.75);border:0;box-shadow:none;padding:0 3px;font-size:11px}}.cc-home i{{display:block;width:10px;height:10px;border:1px solid #5b2c6f}}</style>\n<div id=\"map\"></div>\n<!--\nLeaflet 1.9.4, https://leafletjs.com (npm package leaflet@1.9.4), inlined under its licence:\n{LEAFLET_LICENSE}-->\n<script>{LEAFLET_JS}</script>\n<script type=\"application/json\" id=\"map-data\">"
    )?;
    serde_json::to_writer(
        ScriptSafe {
            out: &mut *out,
            after_lt: false,
        },
        &data,
    )?;
    write!(out, "</script>\n<script>{MAP_JS}</script>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service area's hole of about 1 ha (a street block) is filled in the page and counted;
    /// one of about 36 ha stays.
    #[test]
    fn the_page_fills_block_sized_holes_only() {
        // Squares at 30° N: 0.001° of latitude is 111 m, of longitude 96 m.
        let square = |x: f64, y: f64, d: f64| -> Vec<geojson::Position> {
            [(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)]
                .into_iter()
                .map(Into::into)
                .collect()
        };
        let area = geojson::Feature {
            geometry: Some(geojson::Geometry::new(GeometryValue::MultiPolygon {
                coordinates: vec![vec![
                    square(120.0, 30.0, 0.05),
                    square(120.01, 30.01, 0.001),
                    square(120.02, 30.02, 0.006),
                ]],
            })),
            ..Default::default()
        };
        let fc = FeatureCollection {
            features: vec![area],
            bbox: None,
            foreign_members: None,
        };
        let mut filled = 0;
        let page = features_filling(&fc, AREA_CARD, &mut filled);
        assert_eq!(filled, 1);
        match &page[0].g {
            Some(MapGeometry::Polygons(p)) => assert_eq!(p[0].len(), 2, "outer ring and big hole"),
            _ => panic!("no polygons"),
        }
    }

    /// On a street grid every node is a junction: the chains still take each segment once, go
    /// from segment to touching segment, and are few (stopping at junctions made one per
    /// segment).
    #[test]
    fn road_chains_take_every_segment_once_and_go_through_junctions() {
        let side = 6;
        let id = |x: usize, y: usize| y * side + x;
        let mut segments = Vec::new();
        for y in 0..side {
            for x in 0..side {
                if x + 1 < side {
                    segments.push((id(x, y), id(x + 1, y)));
                }
                if y + 1 < side {
                    segments.push((id(x, y), id(x, y + 1)));
                }
            }
        }
        let chains = chains(side * side, &segments);
        let mut seen = vec![0; segments.len()];
        for c in &chains {
            for w in c.windows(2) {
                let k = segments
                    .iter()
                    .position(|&(a, b)| (a, b) == (w[0], w[1]) || (a, b) == (w[1], w[0]))
                    .expect("consecutive nodes are joined by a segment");
                seen[k] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
        // 16 nodes of odd degree on the border: at least 8 chains are needed.
        assert!(chains.len() <= 12, "{} chains", chains.len());
    }

    /// Every property the page reads (`p.name`, `f.p.tier`, …) is one the page carries.
    #[test]
    fn the_page_carries_every_property_its_code_reads() {
        let carried: Vec<&str> = [VILLAGE_CARD, SITE_CARD, AREA_CARD].concat();
        let mut read = Vec::new();
        for (i, _) in MAP_JS.match_indices("p.") {
            let before = MAP_JS[..i].chars().last().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' {
                continue; // `map.`, `L.DomUtil.` …
            }
            let name: String = MAP_JS[i + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            read.push(name);
        }
        assert!(read.len() > 20, "{read:?}");
        for name in &read {
            assert!(
                carried.contains(&name.as_str()),
                "web_map.js reads p.{name}"
            );
        }
    }

    #[test]
    fn no_name_ends_the_script_element() {
        use std::io::Write;
        let mut w = ScriptSafe {
            out: Vec::new(),
            after_lt: false,
        };
        // Split across writes, as serde_json's writer may.
        w.write_all(b"{\"name\":\"a<").unwrap();
        w.write_all(b"/script><b></b>\"}").unwrap();
        let text = String::from_utf8(w.out).unwrap();
        assert_eq!(text, r#"{"name":"a<\/script><b><\/b>"}"#);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "a</script><b></b>");
    }

    #[test]
    fn lines_encode_as_differences_of_1e5_degrees() {
        assert_eq!(
            encode(&[(1.5, 42.5), (1.50001, 42.49999)]),
            [150000, 4250000, 1, -1]
        );
    }
}
