//! Outputs of a run: GeoJSON layers for QGIS (RFC 7946: WGS-84 lon/lat, numeric properties as
//! numbers), `summary.json`, and the summary table printed to the terminal.
//!
//! | file | one feature per | key properties |
//! |---|---|---|
//! | `sites.geojson` | open site and tier | `tier`, `status` (existing/new), `cost`, `villages_served`, `elders_served` |
//! | `villages.geojson` | village | `covered`, `<tier>_site`, `<tier>_min`, `snap_<mode>_m` |
//! | `service_areas.geojson` | open site and tier | polygon of reached roads buffered; `minutes`, `area_km2` |
//! | `assignments.geojson` | covered village and tier | line village → serving site; `minutes` |
//! | `plan.qgs`, `*.qml` | project, layer | QGIS project and layer styles ([`qgis`]) |
//! | `map.svg`, `map.png`, `report.html` | run | map preview ([`svg`], PNG for Word) and report page ([`html`]) |
//! | `summary.json` | run | totals, per-tier objective / bound / gap, timings, warnings |
//! | `task_table.csv`, `.xlsx` | town (policy scenarios) | the annex-table columns: villages, existing points, gap, new centres / points / upgrades per year; served elders, cost ([`task_table`]) |
//!
//! In policy scenarios `sites.geojson` also lists closed sites, and every site carries
//! `status` (existing / kept / upgraded / new / closed) and `build_year`; every village carries
//! `served_by` (own_point / shared_point / centre / unserved), `served_from` and `reason`.

pub mod annex;
pub mod audit;
pub mod check;
pub mod compare;
pub mod homes;
pub mod html;
mod output_dir;
mod png;
pub mod qgis;
pub mod svg;
pub mod task_table;
mod terminal;
pub(crate) mod web_map;
pub mod words;

pub use output_dir::StagedDir;
pub use terminal::summary_table;

use crate::coverage;
use crate::error::Result;
use crate::model::{Site, Village, VillageId};
use crate::network::DijkstraWorkspace;
use crate::pipeline::{Plan, TierPlan, Warning};
use crate::scenario::Scenario;
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};
use rayon::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Attribution required by the OpenStreetMap data the default scenario uses.
/// Tier colours, in tier order (ColorBrewer Set1, colour-blind safe for the first three): the
/// same in `map.svg`, the interactive map and the QGIS styles.
pub(crate) const TIER_RGB: [(u8, u8, u8); 6] = [
    (55, 126, 184),
    (77, 175, 74),
    (152, 78, 163),
    (255, 127, 0),
    (166, 86, 40),
    (247, 129, 191),
];

/// The colour of tier `k`.
pub(crate) fn tier_rgb(k: usize) -> (u8, u8, u8) {
    TIER_RGB[k % TIER_RGB.len()]
}

/// Each named township and the mean position of its villages (lon, lat), by name: where the
/// maps put its label.
pub(crate) fn town_positions(plan: &Plan) -> Vec<(&str, (f64, f64))> {
    let mut sums: std::collections::BTreeMap<&str, (f64, f64, f64)> = Default::default();
    for v in &plan.villages {
        let e = sums.entry(v.town.as_str()).or_default();
        (e.0, e.1, e.2) = (e.0 + v.location.lon, e.1 + v.location.lat, e.2 + 1.0);
    }
    sums.into_iter()
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, (x, y, n))| (name, (x / n, y / n)))
        .collect()
}

pub const OSM_ATTRIBUTION: &str =
    "Map data © OpenStreetMap contributors, available under the Open Database Licence (ODbL)";

/// Refuses an output folder whose replacement would lose files: an existing file, a folder
/// that is not an earlier output, or one that holds the scenario or an input
/// (see `output_dir::check_target`). [`write_all`] checks too; callers check before long work.
pub fn check_out_dir(out_dir: &Path, sc: &Scenario) -> Result<()> {
    let inputs: Vec<&Path> = [&sc.file, &sc.villages, &sc.sites, &sc.roads]
        .into_iter()
        .map(PathBuf::as_path)
        .chain(sc.towns.as_deref())
        .chain(sc.font.as_deref())
        .collect();
    output_dir::check_target(out_dir, &inputs)
}

/// What [`write_all`] wrote: the folder, and notes for the user about the outputs.
#[derive(Debug)]
pub struct Written {
    pub dir: PathBuf,
    /// In the scenario's language, e.g. that map.png found no Chinese font.
    pub notes: Vec<String>,
}

/// Writes every output file of `plan` into `out_dir`, replacing the folder as a whole.
pub fn write_all(
    plan: &Plan,
    out_dir: &Path,
    progress: &crate::progress::Progress,
) -> Result<Written> {
    check_out_dir(out_dir, &plan.scenario)?;
    let mut notes = Vec::new();
    let spinner = progress.spinner(
        plan.scenario
            .language
            .pick("写出结果（服务范围）", "writing outputs (service areas)"),
    );
    let staged = StagedDir::new(out_dir)?;
    let (sites, villages) = (sites_layer(plan), villages_layer(plan));
    staged.write("sites.geojson", to_json(&sites).as_bytes())?;
    staged.write("villages.geojson", to_json(&villages).as_bytes())?;
    let areas = service_areas_layer(plan);
    // The files below only read the layers: written side by side, each on its own, the GeoJSON
    // streamed (at county-group scale they took 8 s in a row, one core idle).
    type Job<'a> = Box<dyn Fn() -> Result<Option<String>> + Send + Sync + 'a>;
    let jobs: Vec<Job> = vec![
        Box::new(|| {
            staged.write_with("service_areas.geojson", |w| {
                serde_json::to_writer(w, &areas).map_err(std::io::Error::from)
            })?;
            Ok(None)
        }),
        Box::new(|| {
            let svg = svg::map_svg(plan, &areas);
            staged.write("map.svg", svg.as_bytes())?;
            let png = png::render(&svg, plan.scenario.font.as_deref())?;
            staged.write("map.png", &png.png)?;
            Ok((png.font.is_none() && !svg.is_ascii()).then(|| {
                plan.scenario
                    .language
                    .pick(
                        "map.png：本机未找到中文字体，图中中文标注无法显示；请安装中文字体（如 Noto Sans CJK SC、微软雅黑）或在方案 [output] 中用 font 指定字体文件",
                        "map.png: no Chinese font found on this machine, so Chinese labels do not show; install one (e.g. Noto Sans CJK SC, Microsoft YaHei) or name a font file with [output] font",
                    )
                    .to_string()
            }))
        }),
        Box::new(|| {
            staged.write_with("report.html", |w| {
                use std::io::Write;
                let (head, tail) = html::report_around_map(plan);
                w.write_all(head.as_bytes())?;
                web_map::write_map_section(w, plan, &villages, &sites, &areas)?;
                w.write_all(tail.as_bytes())
            })?;
            Ok(None)
        }),
        Box::new(|| {
            staged.write_with("assignments.geojson", |w| {
                serde_json::to_writer(w, &assignments_layer(plan)).map_err(std::io::Error::from)
            })?;
            write_project_files(plan, &staged, out_dir)?;
            Ok(None)
        }),
    ];
    // Errors in the order of the jobs, as one after the other would report them.
    let results: Vec<Result<Option<String>>> = jobs.par_iter().map(|job| job()).collect();
    drop(jobs);
    for note in results {
        notes.extend(note?);
    }
    let dir = staged.commit()?;
    spinner.finish_and_clear();
    Ok(Written { dir, notes })
}

/// The QGIS project and styles, `summary.json` and the task table.
fn write_project_files(plan: &Plan, staged: &StagedDir, out_dir: &Path) -> Result<()> {
    let lang = plan.scenario.language;
    let tiers: Vec<(String, String)> = plan
        .tiers
        .iter()
        .map(|t| (t.tier.name.clone(), words::tier_label(&t.tier, lang)))
        .collect();
    let styles = qgis::styles(&tiers, lang);
    staged.write(
        "plan.qgs",
        qgis::project(&format!("carecover: {}", plan.scenario.name), &styles).as_bytes(),
    )?;
    for s in &styles {
        staged.write(&s.file.replace(".geojson", ".qml"), qgis::qml(s).as_bytes())?;
    }
    let summary = serde_json::to_string_pretty(&summary(plan)).expect("summary serializes");
    staged.write("summary.json", summary.as_bytes())?;
    if let Some(table) = task_table::task_table(plan) {
        staged.write("task_table.csv", task_table::to_csv(&table).as_bytes())?;
        let xlsx = task_table::to_xlsx(plan, &table, &out_dir.join("task_table.xlsx"))?;
        staged.write("task_table.xlsx", &xlsx)?;
    }
    Ok(())
}

fn to_json(fc: &FeatureCollection) -> String {
    serde_json::to_string(fc).expect("GeoJSON serializes")
}

fn feature(geometry: GeometryValue, properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(geometry)),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

fn collection(features: Vec<Feature>) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

fn props(value: JsonValue) -> JsonObject {
    match value {
        JsonValue::Object(o) => o,
        _ => unreachable!("properties are built as objects"),
    }
}

/// Rounds for output: minutes to 0.01, metres to 0.1.
pub(crate) fn round(x: f64, step: f64) -> f64 {
    // Through decimal text, so 4.81 prints as 4.81 and not 4.8100000000000005.
    let decimals = (-step.log10()).round().max(0.0) as usize;
    let rounded = (x / step).round() * step;
    format!("{rounded:.decimals$}").parse().unwrap_or(rounded)
}

/// Villages assigned to an open site of a tier: (count, elders).
fn served(plan: &Plan, tier: &TierPlan, site: crate::model::SiteId) -> (usize, f64) {
    tier.assignment
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_some_and(|(s, _)| s == site))
        .fold((0, 0.0), |(n, e), (v, _)| {
            (n + 1, e + plan.villages[v].elders)
        })
}

/// One Point per open site and tier (and per closed site, in policy scenarios).
pub fn sites_layer(plan: &Plan) -> FeatureCollection {
    if let Some(pol) = &plan.policy {
        return policy_sites_layer(plan, pol);
    }
    let mut features = Vec::new();
    for tier in &plan.tiers {
        for &k in &tier.solution.open {
            let id = tier.candidates[k];
            let site = &plan.sites[id.index()];
            let (n_served, elders_served) = served(plan, tier, id);
            let elders_within: f64 = tier.coverage[k]
                .iter()
                .map(|(v, _)| plan.villages[v.index()].elders)
                .sum();
            let snap = plan.site_snaps[&tier.tier.mode][id.index()];
            features.push(feature(
                GeometryValue::new_point([site.location.lon, site.location.lat]),
                props(json!({
                    "id": site.key,
                    "name": site.name,
                    "town": site.town,
                    "kind": site.kind,
                    "tier": tier.tier.name,
                    "status": if site.existing { "existing" } else { "new" },
                    "build_year": JsonValue::Null,
                    "cost": tier.costs[k],
                    "capacity": site.capacity,
                    "villages_served": n_served,
                    "elders_served": elders_served,
                    "villages_within": tier.coverage[k].len(),
                    "elders_within": elders_within,
                    "mode": tier.tier.mode.name(),
                    "radius_min": tier.tier.radius_s / 60.0,
                    "snap_m": snap.map(|s| round(s.distance_m, 0.1)),
                })),
            ));
        }
    }
    collection(features)
}

/// Sites of a policy plan: every planned site with its tier, status and build year.
fn policy_sites_layer(plan: &Plan, pol: &crate::pipeline::PolicyPlan) -> FeatureCollection {
    // The villages each site serves, found once.
    let mut served_by: Vec<Vec<usize>> = vec![Vec::new(); plan.sites.len()];
    for (v, vp) in pol.villages.iter().enumerate() {
        if let Some((s, _)) = vp.service.site() {
            served_by[s.index()].push(v);
        }
    }
    let features = pol
        .sites
        .iter()
        .map(|p| {
            let tier = &plan.scenario.tiers[p.tier];
            let site = &plan.sites[p.site.index()];
            let served: &[usize] = match tier.role {
                Some(r) if r.county_level() => &[],
                _ => &served_by[p.site.index()],
            };
            let over = served.iter().any(|&v| pol.villages[v].over_capacity);
            let snap = plan.site_snaps[&tier.mode][p.site.index()];
            let mut properties = props(json!({
                "id": site.key,
                "name": site.name,
                "town": site.town,
                "kind": site.kind,
                "tier": tier.name,
                "status": p.status.name(),
                "build_year": p.build_year,
                "cost": p.cost,
                "subsidy": p.subsidy,
                "operating_cost": p.operating,
                "capacity": p.capacity,
                "villages_served": served.len(),
                "elders_served": p.load,
                "over_capacity": over,
                "beds": round(p.beds, 0.1),
                "moved_to": p.moved_to.map(|(s, _)| plan.sites[s.index()].key.clone()),
                "moved_min": p.moved_to.map(|(_, m)| round(m, 0.01)),
                "mode": tier.mode.name(),
                "radius_min": tier.radius_s / 60.0,
                "snap_m": snap.map(|s| round(s.distance_m, 0.1)),
            }));
            // A care centre sized by the homes' model: its beds, residents and staff.
            if let Some(JsonValue::Object(care)) = pol
                .homes
                .as_ref()
                .filter(|_| tier.role.is_some_and(crate::scenario::Role::county_level))
                .and_then(|h| homes::care_properties(h, p.site))
            {
                properties.extend(care);
            }
            feature(
                GeometryValue::new_point([site.location.lon, site.location.lat]),
                properties,
            )
        })
        .chain(pol.homes.iter().flat_map(|h| homes::features(plan, h)))
        .collect();
    collection(features)
}

/// One Point per village with how each tier serves it.
pub fn villages_layer(plan: &Plan) -> FeatureCollection {
    let features = plan
        .villages
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let vid = VillageId(i as u32);
            let mut p = props(json!({
                "id": v.key,
                "name": v.name,
                "town": v.town,
                "population": v.population,
                "elders": v.elders,
                "covered": plan.covered(vid),
                "service": if plan.covered(vid) {
                    "covered"
                } else if plan.village_snaps.values().all(|s| s[i].is_none()) {
                    "off_network"
                } else {
                    "uncovered"
                },
            }));
            for tier in &plan.tiers {
                let a = tier.assignment[i];
                let name = &tier.tier.name;
                p.insert(
                    format!("{name}_site"),
                    json!(a.map(|(s, _)| plan.sites[s.index()].key.clone())),
                );
                p.insert(
                    format!("{name}_min"),
                    json!(a.map(|(_, t)| round(t / 60.0, 0.01))),
                );
            }
            if let Some(pol) = &plan.policy {
                let vp = &pol.villages[i];
                let site = vp.service.site();
                p.insert("served_by".into(), json!(vp.service.name()));
                p.insert("exemption".into(), json!(vp.exemption.map(|e| e.name())));
                p.insert(
                    "served_site".into(),
                    json!(site.map(|(s, _)| plan.sites[s.index()].key.clone())),
                );
                p.insert(
                    "served_min".into(),
                    json!(site.map(|(_, m)| round(m, 0.01))),
                );
                p.insert("served_from".into(), json!(vp.served_from));
                p.insert("over_capacity".into(), json!(vp.over_capacity));
                p.insert("served_share".into(), json!(round(vp.served_share, 0.0001)));
                p.insert("demand".into(), json!(vp.weight));
                p.insert(
                    "reason".into(),
                    json!(match &vp.service {
                        crate::pipeline::Service::Unserved { reason } =>
                            Some(words::unserved(reason, &plan.sites, plan.scenario.language)),
                        _ => None,
                    }),
                );
            }
            for (mode, snaps) in &plan.village_snaps {
                p.insert(
                    format!("snap_{}_m", mode.name()),
                    json!(snaps[i].map(|s| round(s.distance_m, 0.1))),
                );
            }
            for (k, val) in &v.extra {
                let key = if p.contains_key(k) {
                    format!("src_{k}")
                } else {
                    k.clone()
                };
                p.insert(key, json!(val));
            }
            feature(
                GeometryValue::new_point([v.location.lon, v.location.lat]),
                p,
            )
        })
        .collect();
    collection(features)
}

/// One LineString per covered village and tier, from the village to the open site serving it
/// (the nearest in travel time), with the minutes.
pub fn assignments_layer(plan: &Plan) -> FeatureCollection {
    let mut features = Vec::new();
    for tier in &plan.tiers {
        for (i, a) in tier.assignment.iter().enumerate() {
            let Some((site, t)) = a else { continue };
            let (v, s) = (&plan.villages[i], &plan.sites[site.index()]);
            features.push(feature(
                GeometryValue::new_line_string([
                    [v.location.lon, v.location.lat],
                    [s.location.lon, s.location.lat],
                ]),
                props(json!({
                    "village": v.key,
                    "village_name": v.name,
                    "site": s.key,
                    "site_name": s.name,
                    "tier": tier.tier.name,
                    "mode": tier.tier.mode.name(),
                    "minutes": round(t / 60.0, 0.01),
                    "elders": v.elders,
                })),
            ));
        }
    }
    collection(features)
}

/// One (Multi)Polygon per open site and tier: the roads reached within the radius, buffered.
pub fn service_areas_layer(plan: &Plan) -> FeatureCollection {
    let jobs: Vec<(&TierPlan, usize)> = plan
        .tiers
        .iter()
        .flat_map(|t| t.solution.open.iter().map(move |&k| (t, k)))
        .collect();
    let n_nodes = plan.network.nodes.len();
    let features: Vec<Option<Feature>> = jobs
        .par_iter()
        .map_init(
            || DijkstraWorkspace::new(n_nodes),
            |ws, &(tier, k)| {
                let id = tier.candidates[k];
                let site = &plan.sites[id.index()];
                let snap = plan.site_snaps[&tier.tier.mode][id.index()]?;
                let area = coverage::service_area(
                    &plan.network,
                    tier.tier.mode,
                    &snap,
                    site.location,
                    tier.tier.radius_s,
                    plan.scenario.service_area_buffer_m,
                    ws,
                );
                if area.0.is_empty() {
                    return None;
                }
                let area_km2 = {
                    use geo::GeodesicArea;
                    area.geodesic_area_unsigned() / 1e6
                };
                Some(feature(
                    GeometryValue::from(&area),
                    props(json!({
                        "site": site.key,
                        "name": site.name,
                        "tier": tier.tier.name,
                        "mode": tier.tier.mode.name(),
                        "minutes": tier.tier.radius_s / 60.0,
                        "status": if site.existing { "existing" } else { "new" },
                        "area_km2": round(area_km2, 0.001),
                    })),
                ))
            },
        )
        .collect();
    collection(features.into_iter().flatten().collect())
}

/// Totals of a run, per tier and overall.
pub fn summary(plan: &Plan) -> JsonValue {
    let total_elders: f64 = plan.villages.iter().map(|v| v.elders).sum();
    let n = plan.villages.len();
    let covered_any: Vec<bool> = (0..n).map(|i| plan.covered(VillageId(i as u32))).collect();
    let elders_any: f64 = plan
        .villages
        .iter()
        .zip(&covered_any)
        .filter(|(_, c)| **c)
        .map(|(v, _)| v.elders)
        .sum();
    let tiers: Vec<JsonValue> = plan
        .tiers
        .iter()
        .map(|t| {
            let s = &t.solution;
            let existing = t.n_existing(&plan.sites);
            let villages_covered = t.n_villages_covered();
            json!({
                "name": t.tier.name,
                "label": words::tier_label(&t.tier, plan.scenario.language),
                "role": t.tier.role.map(|r| format!("{r:?}").to_lowercase()),
                "mode": t.tier.mode.name(),
                "radius_min": t.tier.radius_s / 60.0,
                "limit": t.tier.limit,
                "candidates": t.candidates.len(),
                "sites_existing": existing,
                "sites_new": s.open.len() - existing,
                "cost": s.cost,
                "elders_covered": s.objective,
                "elders_covered_pct": pct(s.objective, total_elders),
                "villages_covered": villages_covered,
                "bound": s.bound,
                "gap": s.gap,
                "status": s.status,
                "open_sites": t.open_sites().map(|id| plan.sites[id.index()].key.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "scenario": plan.scenario.name,
        "language": plan.scenario.language,
        "scenario_file": plan.scenario.file,
        "description": plan.scenario.description,
        "inputs": {
            "villages": plan.scenario.villages,
            "sites": plan.scenario.sites,
            "roads": plan.scenario.roads,
            "n_villages": n,
            "n_sites": plan.sites.len(),
            "crs": {
                "villages": plan.scenario.villages_crs.name(),
                "sites": plan.scenario.sites_crs.name(),
                "roads": plan.scenario.roads_crs.name(),
            },
        },
        "network": plan.network_stats,
        "elders_total": total_elders,
        "elders_covered_any_tier": elders_any,
        "elders_covered_any_tier_pct": pct(elders_any, total_elders),
        "villages_covered_any_tier": covered_any.iter().filter(|c| **c).count(),
        "tiers": tiers,
        "policy": plan.policy.as_ref().map(|p| policy_summary(plan, p)),
        "seed": plan.scenario.solver.seed,
        "timings_s": plan.timings.iter().map(|(k, v)| json!({"stage": k, "seconds": v})).collect::<Vec<_>>(),
        "warnings": warnings_json(&plan.warnings, &plan.villages, &plan.sites, &plan.scenario),
        "crs": "EPSG:4326 (WGS-84 longitude, latitude)",
        "attribution": OSM_ATTRIBUTION,
    })
}

/// The warnings in the scenario's language, as the terminal and the report show them.
pub fn warning_texts(
    warnings: &[Warning],
    villages: &[Village],
    sites: &[Site],
    scenario: &Scenario,
) -> Vec<String> {
    warnings
        .iter()
        .map(|w| words::warning(w, villages, sites, &scenario.tiers, scenario.language))
        .collect()
}

/// summary.json's warnings: a stable `kind` for scripts and the message.
pub(crate) fn warnings_json(
    warnings: &[Warning],
    villages: &[Village],
    sites: &[Site],
    scenario: &Scenario,
) -> JsonValue {
    let texts = warning_texts(warnings, villages, sites, scenario);
    warnings
        .iter()
        .zip(texts)
        .map(|(w, m)| json!({"kind": w.kind(), "message": m}))
        .collect()
}

/// The policy plan's totals: objective and its bound, and each year's spend and service.
fn policy_summary(plan: &Plan, pol: &crate::pipeline::PolicyPlan) -> JsonValue {
    use crate::pipeline::SiteStatus;
    let s = &pol.solution;
    let total_demand = pol.demand();
    let years: Vec<JsonValue> = pol
        .policy
        .years
        .iter()
        .enumerate()
        .map(|(y, &(year, budget))| {
            json!({
                "year": year,
                "budget": budget,
                "spend": pol.spend(y),
                "demand_served": s.served[y],
                "demand_served_pct": pct(s.served[y], total_demand),
                "villages_served": pol.villages.iter().filter(|v| v.served_from.is_some_and(|f| f <= year)).count(),
            })
        })
        .collect();
    json!({
        "objective": pol.policy.objective,
        "method": s.method,
        "status": s.status,
        "objective_value": s.objective,
        "bound": s.bound,
        "gap": s.gap,
        "towns": pol.towns.len(),
        "demand_total": total_demand,
        "construction_cost": pol.construction_cost(),
        "subsidy": pol.subsidy(),
        "budget_pays": pol.policy.budget_pays,
        "shared_points": pol.policy.shared_points,
        "regional_targets": pol.targets(),
        "operating_cost_per_year": pol.operating_cost(),
        "years": years,
        "villages": {
            "own_point": pol.n_served_by("own_point"),
            "shared_point": pol.n_served_by("shared_point"),
            "neighbour_point": pol.n_served_by("neighbour_point"),
            "centre": pol.n_served_by("centre"),
            "exempt": pol.villages.iter().filter(|v| v.exemption.is_some()).count(),
            "unserved": pol.n_served_by("unserved"),
            "over_capacity": pol.n_over_capacity(),
        },
        "sites": {
            "existing": pol.n_sites(SiteStatus::Existing),
            "kept": pol.n_sites(SiteStatus::Kept),
            "upgraded": pol.n_sites(SiteStatus::Upgraded),
            "new": pol.n_sites(SiteStatus::New),
            "closed": pol.n_sites(SiteStatus::Closed),
        },
        "elders_total": plan.villages.iter().map(|v| v.elders).sum::<f64>(),
        "homes": pol.homes.as_ref().map(homes::summary),
    })
}

pub(crate) fn pct(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        round(100.0 * part / whole, 0.01)
    } else {
        0.0
    }
}
