//! A map preview (`map.svg`, drawn with `plotters`) and a self-contained report page
//! (`report.html`): the summary, each tier's result, and every uncovered village with the reason
//! it is not covered. Opens in any browser, needs no internet and no GIS.

use super::{pct, round};
use crate::model::VillageId;
use crate::pipeline::Plan;
use plotters::prelude::*;
use quick_xml::escape::escape;

const TIER_COLOURS: [RGBColor; 6] = [
    RGBColor(55, 126, 184),
    RGBColor(77, 175, 74),
    RGBColor(152, 78, 163),
    RGBColor(255, 127, 0),
    RGBColor(166, 86, 40),
    RGBColor(247, 129, 191),
];

/// The map as SVG: service areas, assignment lines, villages (green covered, red not, grey off
/// the network) and open sites by tier, in longitude/latitude with the aspect of the middle
/// latitude.
pub fn map_svg(plan: &Plan, areas: &geojson::FeatureCollection) -> String {
    let pts: Vec<(f64, f64)> = plan
        .villages
        .iter()
        .map(|v| (v.location.lon, v.location.lat))
        .chain(plan.sites.iter().map(|s| (s.location.lon, s.location.lat)))
        .collect();
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in &pts {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let (dx, dy) = ((x1 - x0).max(1e-3) * 0.05, (y1 - y0).max(1e-3) * 0.05);
    let (x0, x1, y0, y1) = (x0 - dx, x1 + dx, y0 - dy, y1 + dy);
    let k = ((y0 + y1) / 2.0).to_radians().cos();
    let width = 900u32;
    let height =
        ((width as f64 - 60.0) * (y1 - y0) / ((x1 - x0) * k) + 60.0).clamp(300.0, 1400.0) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("carecover: {}", plan.scenario.name),
                ("sans-serif", 18),
            )
            .margin(10)
            .x_label_area_size(25)
            .y_label_area_size(45)
            .build_cartesian_2d(x0..x1, y0..y1)
            .expect("valid ranges");
        let _ = chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_desc("longitude")
            .y_desc("latitude")
            .draw();
        let tier_colour = |name: &str| {
            TIER_COLOURS[plan
                .tiers
                .iter()
                .position(|t| t.tier.name == name)
                .unwrap_or(0)
                % TIER_COLOURS.len()]
        };
        for f in &areas.features {
            let tier = f
                .property("tier")
                .and_then(|t| t.as_str())
                .unwrap_or_default();
            if let Some(geojson::GeometryValue::MultiPolygon { coordinates }) =
                f.geometry.as_ref().map(|g| &g.value)
            {
                for poly in coordinates {
                    let ring: Vec<(f64, f64)> = poly[0]
                        .iter()
                        .map(|p| (p.as_slice()[0], p.as_slice()[1]))
                        .collect();
                    let _ = chart.draw_series(std::iter::once(Polygon::new(
                        ring,
                        tier_colour(tier).mix(0.18).filled(),
                    )));
                }
            }
        }
        for t in &plan.tiers {
            let c = tier_colour(&t.tier.name);
            let lines = t.assignment.iter().enumerate().filter_map(|(i, a)| {
                let (s, _) = (*a)?;
                let (v, s) = (plan.villages[i].location, plan.sites[s.index()].location);
                Some(PathElement::new(
                    vec![(v.lon, v.lat), (s.lon, s.lat)],
                    c.mix(0.6).stroke_width(1),
                ))
            });
            let _ = chart.draw_series(lines);
        }
        for (i, v) in plan.villages.iter().enumerate() {
            let colour = if plan.covered(VillageId(i as u32)) {
                RGBColor(26, 150, 65)
            } else if plan.village_snaps.values().all(|s| s[i].is_none()) {
                RGBColor(120, 120, 120)
            } else {
                RGBColor(215, 25, 28)
            };
            let size = (2.0 + (v.elders.max(0.0)).sqrt() / 6.0).min(9.0) as i32;
            let _ = chart.draw_series(std::iter::once(Circle::new(
                (v.location.lon, v.location.lat),
                size,
                colour.filled(),
            )));
        }
        for t in &plan.tiers {
            let c = tier_colour(&t.tier.name);
            let sites = t
                .open_sites()
                .map(|s| plan.sites[s.index()].location)
                .map(|p| TriangleMarker::new((p.lon, p.lat), 7, c.filled()));
            let _ = chart.draw_series(sites).map(|s| {
                s.label(format!("{} site", t.tier.name))
                    .legend(move |(x, y)| TriangleMarker::new((x, y), 6, c.filled()))
            });
        }
        let _ = chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw();
        let _ = root.present();
    }
    svg
}

/// Why a village is not covered by a tier: off the network, no candidate within the radius, or
/// candidates within the radius that the limit left unbuilt (with the nearest such one).
fn reason(plan: &Plan, tier: &crate::pipeline::TierPlan, v: usize) -> String {
    if plan.village_snaps[&tier.tier.mode][v].is_none() {
        return format!(
            "off the {} network (farther than {} m from a usable road)",
            tier.tier.mode.name(),
            plan.scenario.max_snap_m
        );
    }
    let nearest = tier
        .coverage
        .iter()
        .enumerate()
        .filter_map(|(k, c)| {
            c.iter()
                .find(|(id, _)| id.index() == v)
                .map(|&(_, t)| (k, t))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match nearest {
        Some((k, t)) => format!(
            "candidate {} is {:.1} min away but not built within the {}",
            plan.sites[tier.candidates[k].index()].name,
            t / 60.0,
            match tier.tier.limit {
                crate::solve::Limit::Budget(_) => "budget",
                crate::solve::Limit::Count(_) => "number of new sites",
            }
        ),
        None => format!("no candidate site within {} min", tier.tier.radius_s / 60.0),
    }
}

/// The policy plan's years and the task table, as HTML.
fn policy_html(plan: &Plan, pol: &crate::pipeline::PolicyPlan) -> String {
    let e = |s: &str| escape(s).into_owned();
    let s = &pol.solution;
    let mut years = String::new();
    for (y, &(year, budget)) in pol.policy.years.iter().enumerate() {
        years += &format!(
            "<tr><td>{year}</td><td>{budget:.0}</td><td>{:.0}</td><td>{:.0} ({:.1} %)</td></tr>\n",
            pol.spend(y),
            s.served[y],
            pct(s.served[y], pol.demand())
        );
    }
    // Regional coverage targets (004 §1(1)) and whether the plan meets them.
    let mut targets = String::new();
    for t in pol.targets() {
        targets += &format!(
            "<li>{}: {:.0} % of the {} within a regional centre's radius — reached {:.0} of {:.0} (needed {:.0}): <b>{}</b></li>\n",
            t.year,
            100.0 * t.share,
            t.of,
            t.reached,
            t.counted,
            t.needed,
            if t.met { "met" } else { "not met" }
        );
    }
    if !targets.is_empty() {
        targets = format!("<p>Regional coverage targets:</p>\n<ul>\n{targets}</ul>\n");
    }
    let mut table = String::new();
    if let Some(t) = super::task_table::task_table(plan) {
        table += "<table><tr>";
        for h in &t.header {
            table += &format!("<th>{}</th>", e(h));
        }
        table += "</tr>\n";
        for row in &t.rows {
            table += "<tr>";
            for c in row {
                let text = match c {
                    super::task_table::Cell::Text(x) => e(x),
                    super::task_table::Cell::Number(x) => format!("{}", round(*x, 0.01)),
                };
                table += &format!("<td>{text}</td>");
            }
            table += "</tr>\n";
        }
        table += "</table>";
    }
    format!(
        "<h2>Policy plan</h2>\n<p>Objective: {:?}; solved by {} ({}, gap {:.2} %). Construction {:.0}; operating {:.0} a year.</p>\n<table><tr><th>year</th><th>budget</th><th>spend</th><th>elders served</th></tr>\n{years}</table>\n{targets}<h2>Task table (one row per town)</h2>\n{table}",
        pol.policy.objective,
        s.method,
        s.status.name(),
        100.0 * s.gap,
        pol.construction_cost(),
        pol.operating_cost(),
    )
}

/// The report page, with the map inlined.
pub fn report_html(plan: &Plan, map_svg: &str) -> String {
    let total: f64 = plan.villages.iter().map(|v| v.elders).sum();
    let e = |s: &str| escape(s).into_owned();
    let mut rows = String::new();
    for t in &plan.tiers {
        let s = &t.solution;
        let existing = t.n_existing(&plan.sites);
        rows += &format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} + {}</td><td>{:.0}</td><td>{:.0} ({:.1} %)</td><td>{}</td><td>{}</td><td>{:.2} %</td></tr>\n",
            e(&t.tier.name),
            t.tier.mode.name(),
            t.tier.radius_s / 60.0,
            existing,
            s.open.len() - existing,
            s.cost,
            s.objective,
            pct(s.objective, total),
            t.n_villages_covered(),
            s.status.name(),
            100.0 * s.gap
        );
    }
    let mut uncovered = String::new();
    let mut policy_section = String::new();
    if let Some(pol) = &plan.policy {
        policy_section = policy_html(plan, pol);
        for (i, vp) in pol.villages.iter().enumerate() {
            if let crate::pipeline::Service::Unserved { reason } = &vp.service {
                let v = &plan.villages[i];
                uncovered += &format!(
                    "<tr><td>plan</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    e(&v.name),
                    e(&v.town),
                    round(v.elders, 1.0),
                    e(reason)
                );
            }
        }
    }
    for t in plan.tiers.iter().filter(|_| plan.policy.is_none()) {
        for (i, a) in t.assignment.iter().enumerate() {
            if a.is_none() {
                let v = &plan.villages[i];
                uncovered += &format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    e(&t.tier.name),
                    e(&v.name),
                    e(&v.town),
                    round(v.elders, 1.0),
                    e(&reason(plan, t, i))
                );
            }
        }
    }
    let warnings: String = plan
        .warnings
        .iter()
        .map(|w| format!("<li>{}</li>", e(w)))
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>carecover: {name}</title>
<style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}}table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:left}}th{{background:#f0f0f0}}.map svg{{max-width:100%;height:auto}}</style></head>
<body>
<h1>carecover: {name}</h1>
<p>{description}</p>
<p>{n_v} villages with {total:.0} elders; {n_s} candidate and existing sites; {km:.0} km of road. Coordinates: WGS-84.</p>
<h2>Result by tier</h2>
<table><tr><th>tier</th><th>mode</th><th>radius (min)</th><th>sites (existing + new)</th><th>cost</th><th>elders covered</th><th>villages covered</th><th>status</th><th>gap</th></tr>
{rows}</table>
<p>The gap is how far the best possible coverage may lie above this plan (0 % with status optimal: proven best).</p>
{policy_section}
<h2>Map</h2>
<div class="map">{map_svg}</div>
<h2>Villages not covered, and why</h2>
<table><tr><th>tier</th><th>village</th><th>town</th><th>elders</th><th>reason</th></tr>
{uncovered}</table>
<h2>Warnings</h2><ul>{warnings}</ul>
<p><small>{attribution}</small></p>
</body></html>
"#,
        name = e(&plan.scenario.name),
        description = e(&plan.scenario.description),
        n_v = plan.villages.len(),
        n_s = plan.sites.len(),
        km = plan.network_stats.length_km,
        attribution = super::OSM_ATTRIBUTION,
    )
}
