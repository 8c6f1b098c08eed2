//! The map preview `map.svg`, drawn with `plotters` (also the picture `map.png` rasterizes and
//! the report's overview).

use super::words::tier_label;
use crate::model::VillageId;
use crate::pipeline::Plan;
use plotters::prelude::*;

/// Villages above which `map.svg` is an overview: no assignment lines, smaller dots.
const OVERVIEW_VILLAGES: usize = 3000;

/// The map as SVG: service areas, assignment lines, villages (green covered, red not, grey off
/// the network) and open sites by tier with the county-level centres on top, township names,
/// and a legend for every symbol in a margin kept free of data on the east; in
/// longitude/latitude with the aspect of the middle latitude.
pub fn map_svg(plan: &Plan, areas: &geojson::FeatureCollection) -> String {
    let lang = plan.scenario.language;
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
    // Room on the east for the legend, clear of the data.
    let (x0, x1, y0, y1) = (x0 - dx, x1 + dx + (x1 - x0) * 0.6, y0 - dy, y1 + dy);
    let k = ((y0 + y1) / 2.0).to_radians().cos();
    let width = 900u32;
    let height =
        ((width as f64 - 60.0) * (y1 - y0) / ((x1 - x0) * k) + 60.0).clamp(300.0, 1400.0) as u32;
    let half_pixel = 0.5 * (x1 - x0) / width as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let mut chart = ChartBuilder::on(&root)
            .caption(&plan.scenario.name, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(25)
            .y_label_area_size(45)
            .build_cartesian_2d(x0..x1, y0..y1)
            .expect("valid ranges");
        let _ = chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_desc(lang.pick("经度", "longitude"))
            .y_desc(lang.pick("纬度", "latitude"))
            .draw();
        let tier_colour = |name: &str| {
            let k = plan.tiers.iter().position(|t| t.tier.name == name);
            let (r, g, b) = super::tier_rgb(k.unwrap_or(0));
            RGBColor(r, g, b)
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
                    // At most half a pixel off: a county's thousands of areas stay cheap to
                    // draw and to rasterize into map.png.
                    let ring = super::web_map::simplified(
                        poly[0]
                            .iter()
                            .map(|p| (p.as_slice()[0], p.as_slice()[1]))
                            .collect(),
                        half_pixel,
                    );
                    let _ = chart.draw_series(std::iter::once(Polygon::new(
                        ring,
                        tier_colour(tier).mix(0.18).filled(),
                    )));
                }
            }
        }
        // Above a few thousand villages the picture is an overview: assignment lines would
        // paint over everything and village dots shrink (report.html's map has the detail).
        let overview = plan.villages.len() > OVERVIEW_VILLAGES;
        let dot_scale = (OVERVIEW_VILLAGES as f64 / plan.villages.len().max(1) as f64)
            .sqrt()
            .min(1.0);
        for t in plan.tiers.iter().filter(|_| !overview) {
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
        let covered = RGBColor(26, 150, 65);
        let uncovered = RGBColor(215, 25, 28);
        let off = RGBColor(120, 120, 120);
        for (i, v) in plan.villages.iter().enumerate() {
            let colour = if plan.covered(VillageId(i as u32)) {
                covered
            } else if plan.village_snaps.values().all(|s| s[i].is_none()) {
                off
            } else {
                uncovered
            };
            let size =
                ((2.0 + (v.elders.max(0.0)).sqrt() / 6.0).min(9.0) * dot_scale).max(1.0) as i32;
            let _ = chart.draw_series(std::iter::once(Circle::new(
                (v.location.lon, v.location.lat),
                size,
                colour.filled(),
            )));
        }
        // Legend entries for the villages (drawn as empty series).
        for (colour, zh, en) in [
            (covered, "村：已覆盖", "village: covered"),
            (uncovered, "村：未覆盖", "village: not covered"),
            (off, "村：不在路网上", "village: off the network"),
        ] {
            let _ = chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map(|s| {
                    s.label(lang.pick(zh, en))
                        .legend(move |(x, y)| Circle::new((x, y), 4, colour.filled()))
                });
        }
        // Sites, the last tiers first so the county-level centres end on top.
        for t in plan.tiers.iter().rev() {
            let c = tier_colour(&t.tier.name);
            let size = match t.tier.role {
                Some(crate::scenario::Role::County | crate::scenario::Role::Regional) => 11,
                Some(crate::scenario::Role::Town) => 9,
                _ => 6,
            };
            let sites = t
                .open_sites()
                .map(|s| plan.sites[s.index()].location)
                .map(move |p| TriangleMarker::new((p.lon, p.lat), size, c.filled()));
            let label = tier_label(&t.tier, lang);
            let _ = chart.draw_series(sites).map(|s| {
                s.label(label)
                    .legend(move |(x, y)| TriangleMarker::new((x, y), 6, c.filled()))
            });
            let _ = chart
                .draw_series(std::iter::empty::<Polygon<(f64, f64)>>())
                .map(|s| {
                    s.label(format!(
                        "{}{}",
                        tier_label(&t.tier, lang),
                        lang.pick(" 服务范围", " service area")
                    ))
                    .legend(move |(x, y)| {
                        Rectangle::new([(x - 5, y - 4), (x + 5, y + 4)], c.mix(0.3).filled())
                    })
                });
        }
        // Township names at the mean position of their villages.
        let font = ("sans-serif", 13)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK);
        // A name that would overlap one already drawn is left out (many towns: an overview).
        let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
        for (name, at) in super::town_positions(plan) {
            if !place_label(&mut placed, chart.backend_coord(&at), name) {
                continue;
            }
            let _ = chart.draw_series(std::iter::once(Text::new(
                name.to_string(),
                at,
                font.clone(),
            )));
        }
        let _ = chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw();
        let _ = root.present();
    }
    svg
}

/// Takes the box a bold 13 px `name` written at pixel `at` covers if it overlaps none already
/// `placed` (left, top, right, bottom); says whether it did.
fn place_label(placed: &mut Vec<(i32, i32, i32, i32)>, at: (i32, i32), name: &str) -> bool {
    let w: i32 = name
        .chars()
        .map(|c| if c.is_ascii() { 8 } else { 14 })
        .sum();
    let b = (at.0, at.1, at.0 + w, at.1 + 15);
    let free = !placed
        .iter()
        .any(|p| b.0 < p.2 && p.0 < b.2 && b.1 < p.3 && p.1 < b.3);
    if free {
        placed.push(b);
    }
    free
}

#[cfg(test)]
mod tests {
    use super::place_label;

    #[test]
    fn town_names_that_would_overlap_are_left_out() {
        let mut placed = Vec::new();
        assert!(place_label(&mut placed, (100, 100), "town12"));
        // Six ASCII letters reach 48 px right and 15 px down.
        assert!(!place_label(&mut placed, (140, 110), "town13"));
        assert!(!place_label(&mut placed, (60, 90), "town14"));
        assert!(place_label(&mut placed, (148, 100), "town15"));
        assert!(place_label(&mut placed, (100, 115), "town16"));
        // Chinese characters are wider: 永川区 takes 42 px.
        assert!(place_label(&mut placed, (0, 0), "永川区"));
        assert!(!place_label(&mut placed, (41, 0), "x"));
        assert!(place_label(&mut placed, (42, 0), "x"));
        assert_eq!(placed.len(), 5);
    }
}
