//! Synthetic counties of any size, for benchmarks and scale tests: towns, villages with elders
//! clustered around them, candidate and existing sites, and a hilly road grid.
//!
//! The road network is a jittered grid (`spacing_m` apart) with a share of links missing, a
//! faster "primary" road every 8th row and column, and speeds reduced on steep links of a smooth
//! synthetic terrain: a stand-in for a rural county in hill country. Everything is drawn from
//! a ChaCha generator seeded by `seed`, so the same parameters give the same county.

use crate::io::RoadLine;
use crate::model::{LonLat, Site, Village};
use crate::network::LocalProjection;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Size and shape of a synthetic county.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthParams {
    /// Road nodes (approximately: the grid is square).
    pub road_nodes: usize,
    pub villages: usize,
    pub towns: usize,
    /// Candidate sites besides the per-town ones.
    pub sites: usize,
    /// Grid spacing of the road network, metres.
    pub spacing_m: f64,
    pub seed: u64,
}

impl Default for SynthParams {
    fn default() -> Self {
        Self {
            road_nodes: 40_000,
            villages: 1_000,
            towns: 20,
            sites: 500,
            spacing_m: 300.0,
            seed: 1,
        }
    }
}

/// The generated inputs, in the same types the file readers produce.
#[derive(Clone, Debug)]
pub struct SynthCounty {
    pub villages: Vec<Village>,
    pub sites: Vec<Site>,
    pub roads: Vec<RoadLine>,
}

/// Origin of the synthetic county (a hilly part of Chongqing).
const ORIGIN: LonLat = LonLat {
    lon: 105.9,
    lat: 29.3,
};

fn terrain_m(x: f64, y: f64) -> f64 {
    // Ridges and valleys a few kilometres across, up to ~600 m of relief.
    200.0 * (x / 2300.0).sin() * (y / 3100.0).cos()
        + 150.0 * ((x + y) / 1700.0).sin()
        + 80.0 * (x / 900.0 - y / 1300.0).cos()
}

fn normal(rng: &mut impl Rng) -> f64 {
    // Box-Muller.
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

impl SynthCounty {
    /// Writes the county as a user's input files in `dir`: `villages.csv`, `sites.csv` (the
    /// columns README.md documents) and `roads.csv.gz` (a WKT `LINESTRING` per road with its
    /// class and speed), so that a scale run reads, snaps and writes like any county.
    pub fn write_files(&self, dir: &std::path::Path) -> std::io::Result<()> {
        use std::io::Write;
        std::fs::create_dir_all(dir)?;
        let mut v = csv::Writer::from_path(dir.join("villages.csv"))?;
        let extra: Vec<&str> = self.villages.first().map_or_else(Vec::new, |x| {
            x.extra.iter().map(|(c, _)| c.as_str()).collect()
        });
        let mut header = vec!["id", "name", "town", "lon", "lat", "population", "elders"];
        header.extend(&extra);
        v.write_record(&header)?;
        for x in &self.villages {
            let population = x.population.map_or(String::new(), |p| p.to_string());
            let mut row = vec![
                x.key.clone(),
                x.name.clone(),
                x.town.clone(),
                format!("{:.7}", x.location.lon),
                format!("{:.7}", x.location.lat),
                population,
                x.elders.to_string(),
            ];
            row.extend(x.extra.iter().map(|(_, value)| value.clone()));
            v.write_record(&row)?;
        }
        v.flush()?;
        let mut s = csv::Writer::from_path(dir.join("sites.csv"))?;
        s.write_record([
            "id",
            "name",
            "town",
            "kind",
            "lon",
            "lat",
            "cost",
            "existing",
            "facility",
            "capacity",
            "village",
            "beds",
            "residents",
            "condition",
            "upgrade_cost",
        ])?;
        let text = |x: Option<f64>| x.map_or(String::new(), |c| c.to_string());
        for x in &self.sites {
            s.write_record([
                x.key.as_str(),
                &x.name,
                &x.town,
                &x.kind,
                &format!("{:.7}", x.location.lon),
                &format!("{:.7}", x.location.lat),
                &text(x.cost),
                if x.existing { "1" } else { "0" },
                x.facility.as_deref().unwrap_or(""),
                &text(x.capacity),
                x.village.as_deref().unwrap_or(""),
                &text(x.home.beds),
                &text(x.home.residents),
                x.home.condition.map_or("", |c| c.name()),
                &text(x.home.upgrade_cost),
            ])?;
        }
        s.flush()?;
        let file = std::fs::File::create(dir.join("roads.csv.gz"))?;
        let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let mut r = csv::Writer::from_writer(gz);
        r.write_record(["highway", "speed_kmh", "wkt"])?;
        for line in &self.roads {
            let points: Vec<String> = line
                .coords
                .iter()
                .map(|c| format!("{:.7} {:.7}", c.lon, c.lat))
                .collect();
            r.write_record([
                line.highway.as_str(),
                &text(line.speed_kmh),
                &format!("LINESTRING({})", points.join(", ")),
            ])?;
        }
        r.into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .finish()?
            .flush()
    }
}

/// The policy scenario generated counties are planned under in the benchmarks and tests, as
/// TOML: town centres at a townhall, clinic or nursing home (15 minutes' drive), village points
/// (15 minutes' walk, linked to their centre within 20 minutes' drive), 5 operating years,
/// and `budget` split 60/40 over 2025 and 2026. `inputs`: the villages, sites and roads files,
/// or `None` for a county handed to `pipeline::prepare_loaded`; `policy`: further lines of the
/// `[policy]` table (keys first, then sub-tables such as `[policy.subsidy.town]`).
pub fn policy_scenario(
    name: &str,
    objective: &str,
    budget: f64,
    inputs: Option<[&str; 3]>,
    policy: &str,
) -> String {
    let [villages, sites, roads] = inputs.unwrap_or(["generated"; 3]);
    format!(
        r#"# A generated county (carecover::synth).
name = "{name}"
seed = 1

[inputs]
villages = "{villages}"
sites = "{sites}"
roads = "{roads}"

[policy]
objective = "{objective}"
operating_years = 5
{policy}

[[policy.years]]
year = 2025
budget = {b1}

[[policy.years]]
year = 2026
budget = {b2}

[[tier]]
name = "town_centre"
role = "town"
mode = "drive"
radius_min = 15
site_kinds = ["townhall", "clinic", "nursing_home"]
operating_cost = 80000

[[tier]]
name = "village_point"
role = "village"
mode = "walk"
radius_min = 15
link_radius_min = 20
site_kinds = ["village_point"]
operating_cost = 5000
"#,
        b1 = (0.6 * budget).round(),
        b2 = (0.4 * budget).round(),
    )
}

/// A budget that makes a budgeted plan choose: every town's cheapest centre (an existing
/// nursing home upgraded at its cost) and half of what the new village points cost.
pub fn max_coverage_budget(county: &SynthCounty) -> f64 {
    let mut cheapest = std::collections::BTreeMap::<&str, f64>::new();
    for s in county.sites.iter().filter(|s| s.kind != "village_point") {
        let e = cheapest.entry(s.town.as_str()).or_insert(f64::INFINITY);
        *e = e.min(s.cost.unwrap_or(0.0));
    }
    let points: f64 = county
        .sites
        .iter()
        .filter(|s| s.kind == "village_point" && !s.existing)
        .filter_map(|s| s.cost)
        .sum();
    cheapest.values().sum::<f64>() + 0.5 * points
}

/// Writes `n` generated counties for a batch into `dir`: `county_001.toml` … each solving
/// its own folder `county_001/` (villages, sites, roads) with a budgeted policy plan
/// ([`max_coverage_budget`]). County `k` has between `villages.0` and `villages.1` villages
/// (drawn from `seed`), 40 road nodes and one candidate site per village, a town per 50
/// villages; `policy`: further lines of each `[policy]` table. Returns the scenario files.
pub fn write_counties(
    dir: &std::path::Path,
    n: usize,
    villages: (usize, usize),
    seed: u64,
    policy: &str,
) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut files = Vec::with_capacity(n);
    for k in 1..=n {
        let v = rng.random_range(villages.0..=villages.1.max(villages.0));
        let county = generate(&SynthParams {
            road_nodes: 40 * v,
            villages: v,
            towns: (v / 50).max(2),
            sites: v,
            spacing_m: 300.0,
            seed: seed.wrapping_mul(1_000_003).wrapping_add(k as u64),
        });
        let name = format!("county_{k:03}");
        county.write_files(&dir.join(&name))?;
        let inputs = [
            format!("{name}/villages.csv"),
            format!("{name}/sites.csv"),
            format!("{name}/roads.csv.gz"),
        ];
        let text = policy_scenario(
            &name,
            "max_coverage",
            max_coverage_budget(&county).round(),
            Some([&inputs[0], &inputs[1], &inputs[2]]),
            policy,
        );
        let file = dir.join(format!("{name}.toml"));
        std::fs::write(&file, text)?;
        files.push(file);
    }
    Ok(files)
}

/// The nursing homes' facts and the villages' disabled special-hardship elders, from a
/// generator of their own (so the rest of a county is what it was before they existed): each
/// existing home 20–60 beds, 30–95 % occupied, in good, fair or poor condition (3 : 4 : 3),
/// an upgrade at 300,000–900,000; 1–3 % of each village's elders disabled special-hardship.
fn add_homes(seed: u64, villages: &mut [Village], sites: &mut [Site]) {
    use crate::model::{Condition, HomeFacts};
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x484f_4d45);
    for s in sites
        .iter_mut()
        .filter(|s| s.facility.as_deref() == Some("nursing_home"))
    {
        let beds = rng.random_range(20..=60) as f64;
        s.home = HomeFacts {
            beds: Some(beds),
            residents: Some((beds * rng.random_range(0.3..0.95)).round()),
            condition: Some(match rng.random_range(0..10) {
                0..3 => Condition::Good,
                3..7 => Condition::Fair,
                _ => Condition::Poor,
            }),
            occupancy: None,
            upgrade_cost: Some(
                (rng.random_range(300_000.0..900_000.0_f64) / 1000.0).round() * 1000.0,
            ),
        };
    }
    for v in villages {
        let d = (v.elders * rng.random_range(0.01..0.03)).round();
        v.extra.push(("disabled_hardship".into(), d.to_string()));
    }
}

/// The generated county's terrain as an elevation model (the hills its drive speeds already
/// slow down on): 3 arc-seconds, like SRTM3, over the road grid and a kilometre around it, 600
/// m above the sea at the mean. `scale --write` saves it as `terrain.tif` for walking on it.
pub fn terrain(p: &SynthParams) -> crate::io::Dem {
    let side = (p.road_nodes as f64).sqrt().ceil().max(2.0) as usize;
    let extent = side as f64 * p.spacing_m;
    let proj = LocalProjection::new(ORIGIN);
    let (lo, hi) = (-extent / 2.0 - 1000.0, extent / 2.0 + 1000.0);
    let corners = [[lo, lo], [lo, hi], [hi, lo], [hi, hi]].map(|c| proj.unproject(c));
    let step = 1.0 / 1200.0;
    let west = corners.iter().map(|c| c.lon).fold(f64::INFINITY, f64::min);
    let east = corners
        .iter()
        .map(|c| c.lon)
        .fold(f64::NEG_INFINITY, f64::max);
    let south = corners.iter().map(|c| c.lat).fold(f64::INFINITY, f64::min);
    let north = corners
        .iter()
        .map(|c| c.lat)
        .fold(f64::NEG_INFINITY, f64::max);
    let (west, north) = ((west / step).floor() * step, (north / step).ceil() * step);
    let cols = ((east - west) / step).ceil() as usize + 1;
    let rows = ((north - south) / step).ceil() as usize + 1;
    let heights: Vec<Option<f32>> = (0..rows * cols)
        .map(|k| {
            let (r, c) = (k / cols, k % cols);
            let [x, y] = proj.project(LonLat::new(west + c as f64 * step, north - r as f64 * step));
            Some((600.0 + terrain_m(x + extent / 2.0, y + extent / 2.0)) as f32)
        })
        .collect();
    crate::io::Dem::from_grid(
        std::path::Path::new("terrain.tif"),
        west,
        north,
        step,
        cols,
        rows,
        &heights,
    )
    .expect("a generated grid has no voids")
}

/// Generates a county.
pub fn generate(p: &SynthParams) -> SynthCounty {
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
    let side = (p.road_nodes as f64).sqrt().ceil().max(2.0) as usize;
    let extent = side as f64 * p.spacing_m;
    let proj = LocalProjection::new(ORIGIN);
    let at = |x: f64, y: f64| proj.unproject([x - extent / 2.0, y - extent / 2.0]);

    // Road grid.
    let jitter = 0.3 * p.spacing_m;
    let xy: Vec<(f64, f64)> = (0..side * side)
        .map(|k| {
            let (i, j) = (k % side, k / side);
            (
                i as f64 * p.spacing_m + rng.random_range(-jitter..jitter),
                j as f64 * p.spacing_m + rng.random_range(-jitter..jitter),
            )
        })
        .collect();
    let mut roads = Vec::with_capacity(2 * side * side);
    for j in 0..side {
        for i in 0..side {
            let k = j * side + i;
            for (nb, main_line) in [
                (i + 1 < side).then(|| k + 1).map(|n| (n, j % 8 == 0)),
                (j + 1 < side).then(|| k + side).map(|n| (n, i % 8 == 0)),
            ]
            .into_iter()
            .flatten()
            {
                if !main_line && rng.random::<f64>() < 0.15 {
                    continue; // a missing link: hills, rivers
                }
                let (a, b) = (xy[k], xy[nb]);
                let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
                let grade = (terrain_m(b.0, b.1) - terrain_m(a.0, a.1)).abs() / len.max(1.0);
                let (class, base) = if main_line {
                    ("primary", 60.0)
                } else {
                    ("unclassified", 30.0)
                };
                let mut line = RoadLine::new(vec![at(a.0, a.1), at(b.0, b.1)], class);
                line.speed_kmh = Some(base * (1.0 - (grade * 4.0).min(0.6)));
                roads.push(line);
            }
        }
    }

    // Towns and their villages.
    let towns: Vec<(f64, f64)> = (0..p.towns.max(1))
        .map(|_| {
            (
                rng.random_range(0.1..0.9) * extent,
                rng.random_range(0.1..0.9) * extent,
            )
        })
        .collect();
    let spread = extent / (2.0 * (towns.len() as f64).sqrt());
    let clamp = |v: f64| v.clamp(0.0, extent);
    let mut villages: Vec<Village> = (0..p.villages)
        .map(|i| {
            let t = rng.random_range(0..towns.len());
            let (x, y) = (
                clamp(towns[t].0 + normal(&mut rng) * spread / 2.0),
                clamp(towns[t].1 + normal(&mut rng) * spread / 2.0),
            );
            let population = (rng.random_range(200.0..2500.0_f64)).round();
            let elders = (population * rng.random_range(0.15..0.35)).round();
            Village {
                key: format!("v{i}"),
                name: format!("Village {i}"),
                town: format!("town{t}"),
                location: at(x, y),
                population: Some(population),
                elders,
                merging: false,
                town_kind: None,
                town_code: None,
                extra: Vec::new(),
            }
        })
        .collect();

    // Sites: per town a townhall, a nursing home (existing half the time) and a clinic; then
    // candidate points near random villages.
    let mut sites = Vec::new();
    for (t, &(x, y)) in towns.iter().enumerate() {
        for (kind, existing, cost) in [
            ("townhall", false, 1_000_000.0),
            ("nursing_home", rng.random::<f64>() < 0.5, 800_000.0),
            ("clinic", false, 900_000.0),
        ] {
            let (dx, dy) = (normal(&mut rng) * 300.0, normal(&mut rng) * 300.0);
            sites.push(Site {
                key: format!("s{}", sites.len()),
                name: format!("{kind} of town{t}"),
                town: format!("town{t}"),
                kind: kind.to_string(),
                location: at(clamp(x + dx), clamp(y + dy)),
                cost: Some(cost),
                existing,
                // An existing nursing home is a nursing home, which a centre tier may upgrade.
                facility: (kind == "nursing_home" && existing).then(|| kind.to_string()),
                capacity: Some(30.0),
                home: Default::default(),
                village: None,
            });
        }
    }
    for _ in 0..p.sites {
        let v = &villages[rng
            .random_range(0..villages.len().max(1))
            .min(villages.len().saturating_sub(1))];
        let [x, y] = proj.project(v.location);
        let (x, y) = (
            x + extent / 2.0 + normal(&mut rng) * 200.0,
            y + extent / 2.0 + normal(&mut rng) * 200.0,
        );
        sites.push(Site {
            key: format!("s{}", sites.len()),
            name: format!("point near {}", v.name),
            town: v.town.clone(),
            kind: "village_point".to_string(),
            location: at(clamp(x), clamp(y)),
            cost: Some(rng.random_range(30_000.0..80_000.0_f64).round()),
            existing: rng.random::<f64>() < 0.05,
            facility: None,
            capacity: None,
            home: Default::default(),
            village: Some(v.key.clone()),
        });
    }
    add_homes(p.seed, &mut villages, &mut sites);
    SynthCounty {
        villages,
        sites,
        roads,
    }
}
