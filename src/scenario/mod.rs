//! The scenario file (`scenarios/*.toml`): which inputs, which tiers of facilities with their
//! travel mode, radius, costs and limits, and the solver's options. Paths are relative to the
//! scenario file. Every field and its default is documented in README.md.

use crate::error::{Error, Result};
use crate::io::{Crs, TableOptions};
use crate::lang::Lang;
use crate::limits::{MAX_MONEY, MAX_PEOPLE, MAX_RADIUS_MIN, in_range};
use crate::model::TownKind;
use crate::network::{Mode, NetworkOptions, Slope};
use crate::solve::{Limit, SolveOptions};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod homes;
mod network;
mod policy;

pub use crate::model::Condition;
pub use homes::{Homes, MergeRule};
pub use policy::{BudgetPays, Objective, Policy, RegionalTarget, Subsidy, TargetOf};
use policy::{RawPolicy, parse_policy};

/// A validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The scenario file (for error messages and output names).
    pub file: PathBuf,
    pub name: String,
    pub description: String,
    pub villages: PathBuf,
    pub sites: PathBuf,
    pub roads: PathBuf,
    /// The towns roster (`[inputs] towns`): every township unit, in the bureau's order.
    pub towns: Option<PathBuf>,
    pub towns_table: TableOptions,
    /// Sheet and column mapping of the village and site tables.
    pub villages_table: TableOptions,
    pub sites_table: TableOptions,
    /// Coordinate system of each input (converted to WGS-84 on load).
    pub villages_crs: Crs,
    pub sites_crs: Crs,
    pub roads_crs: Crs,
    pub network: NetworkOptions,
    /// `[network] dem`: elevation tiles for walking on terrain (read with the inputs).
    pub dem: Vec<PathBuf>,
    /// `[network] dem_outside = "flat"`: road outside every tile walked as on the flat
    /// (default: refused).
    pub dem_outside_flat: bool,
    /// `[network] walk_grade_factors`: walking speed by grade (default Tobler's function).
    pub walk_slope: Slope,
    /// `[network] drive_grade_factor`: driving slowed by grade on the tiles (0 = off).
    pub drive_grade_factor: f64,
    /// Places farther than this from every usable road are reported as off the network.
    pub max_snap_m: f64,
    pub tiers: Vec<Tier>,
    pub solver: SolveOptions,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Buffer around reached roads in service-area polygons, metres.
    pub service_area_buffer_m: f64,
    /// The language of what people read (`[output] language`; `--lang` overrides it).
    pub language: Lang,
    /// The layout of the annex sheet of `task_table.xlsx` (`[output] annex`).
    pub annex: AnnexLayout,
    /// The annex's title (`[output] title`; default: the scenario's name and the annex's
    /// own title).
    pub title: Option<String>,
    /// A font file for `map.png`'s labels (`[output] font`, relative to the scenario file);
    /// default: a Chinese font found among the system's fonts.
    pub font: Option<PathBuf>,
    /// The full-coverage rules, when the scenario solves its tiers as one plan (`[policy]`);
    /// `None`: each tier is an independent covering problem with its own limit.
    pub policy: Option<Policy>,
}

/// Kind of the candidate sites placed at villages (`at_villages`).
pub const VILLAGE_SITE_KIND: &str = "village";

/// What a tier is in the policy's facility network (DOMAIN.md, "The facility network").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// County care centre for disabled and special-hardship elders: at least `min_sites`.
    County,
    /// Regional (区域性) centre above the towns: Yongchuan's regional care centres for disabled
    /// special-hardship elders (000 §1(1), §2(1)), Bazhou's regional elderly-service centres
    /// converted from township nursing homes (004 §1(1), §2(5)). `min_sites` to `max_sites`
    /// of them, and as many as `[[policy.regional_target]]` needs.
    Regional,
    /// Town (or subdistrict) elderly-service centre: exactly one per town (一镇一中心).
    Town,
    /// Village mutual-aid point: every village served by its own point, a shared point or its
    /// town centre (一村一点), each new point within `link_radius` of its town's centre (中心带点).
    Village,
}

impl Role {
    /// County and regional centres: above the towns, built by the county itself.
    pub fn county_level(self) -> bool {
        matches!(self, Role::County | Role::Regional)
    }
}

/// One tier of facilities (e.g. town centres, village points), solved as its own covering
/// problem over the sites of its kinds.
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    pub name: String,
    pub mode: Mode,
    /// Coverage radius in travel time, seconds.
    pub radius_s: f64,
    /// Site kinds eligible for this tier; empty = every kind.
    pub site_kinds: Vec<String>,
    /// Cost of a site that has none of its own, by site kind.
    pub kind_costs: BTreeMap<String, f64>,
    /// Cost of a site that has none of its own and whose kind is not in `kind_costs`.
    pub default_cost: f64,
    /// Independent tiers only (no `[policy]`): how many or how much to build.
    pub limit: Limit,
    /// The tier's part in the policy model; `None` in scenarios without `[policy]`.
    pub role: Option<Role>,
    /// Village role: a new point must be within this driving time of its town's centre, seconds.
    pub link_radius_s: Option<f64>,
    /// Yearly operating cost (subsidy) of each open facility.
    pub operating_cost: f64,
    /// Elders one facility can serve; villages beyond it are "served but over capacity".
    pub capacity: Option<f64>,
    /// Policy scenarios: `capacity` (the tier's, else each site's `capacity` column) is a
    /// constraint of the model, not a report: a facility serves at most that many elders,
    /// a village's elders may be split between facilities, and what fits nowhere is unserved.
    pub capacity_binding: bool,
    /// Whether existing facilities of this tier may be merged/closed (撤并), their users moving
    /// to the nearest kept one.
    pub close_existing: bool,
    /// County role: at least this many facilities, open by `by_year`.
    pub min_sites: usize,
    /// County role: at most this many (more than `min_sites` where they serve more elders).
    pub max_sites: usize,
    /// County and regional roles: the plan year by which `min_sites` are open. Town and
    /// village roles: the last year the tier builds in, so its townships are covered by then
    /// (001 §1: 街道 and 社区 by 2020, 镇 and villages by 2022). `None`: the last plan year.
    pub by_year: Option<i32>,
    /// Nursing-care beds to plan per served elder (reported per facility).
    pub beds_per_elder: f64,
    /// Every village is also a candidate for a new facility at its own location (site kind
    /// `village`, id `village:<village id>`), as "one point per village" implies.
    pub at_villages: bool,
    /// Town and village roles: the kinds of township this tier builds in (empty: all). A
    /// subdistrict follows other rules than a town (001 §2(1)-(3): a 街道 centre of 1,500 m²
    /// with community stations; 002 §2(3): town centres for 镇 only), so each kind may have
    /// its own tier of a role.
    pub townships: Vec<TownKind>,
    /// Village role: villages (communities) with fewer elders than this may be served by a
    /// neighbour's point of this tier in their township, within its radius (001 §2(1):
    /// 老年人口较少的社区可与其他社区统筹布局1个养老服务站). `None`: each its own (一村一点).
    pub share_below_elders: Option<f64>,
}

impl Tier {
    /// The cost of building at `site` for this tier: the site's own cost, else its kind's,
    /// else the tier's default; existing sites cost nothing.
    pub fn site_cost(&self, site: &crate::model::Site) -> f64 {
        if site.existing {
            return 0.0;
        }
        site.cost
            .or_else(|| self.kind_costs.get(&site.kind).copied())
            .unwrap_or(self.default_cost)
    }

    /// Whether the tier builds in townships of `kind`.
    pub fn covers(&self, kind: TownKind) -> bool {
        self.townships.is_empty() || self.townships.contains(&kind)
    }

    /// Whether a site of `kind` may serve this tier.
    pub fn accepts(&self, kind: &str) -> bool {
        if kind == VILLAGE_SITE_KIND {
            return self.at_villages;
        }
        self.site_kinds.is_empty() || self.site_kinds.iter().any(|k| k == kind)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    #[serde(default)]
    description: String,
    seed: Option<u64>,
    #[serde(default)]
    threads: usize,
    inputs: RawInputs,
    #[serde(default)]
    network: network::RawNetwork,
    #[serde(default)]
    solver: RawSolver,
    #[serde(default)]
    output: RawOutput,
    #[serde(default, rename = "tier")]
    tiers: Vec<RawTier>,
    policy: Option<RawPolicy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    villages: PathBuf,
    sites: PathBuf,
    roads: PathBuf,
    towns: Option<PathBuf>,
    towns_sheet: Option<String>,
    #[serde(default)]
    towns_columns: BTreeMap<String, String>,
    #[serde(default)]
    crs: Crs,
    villages_crs: Option<Crs>,
    sites_crs: Option<Crs>,
    roads_crs: Option<Crs>,
    villages_sheet: Option<String>,
    sites_sheet: Option<String>,
    #[serde(default)]
    villages_columns: BTreeMap<String, String>,
    #[serde(default)]
    sites_columns: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSolver {
    local_search: Option<bool>,
    restarts: Option<usize>,
    bound_iterations: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    service_area_buffer_m: Option<f64>,
    language: Option<String>,
    annex: Option<String>,
    title: Option<String>,
    font: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    name: String,
    mode: Mode,
    radius_min: f64,
    #[serde(default)]
    site_kinds: Vec<String>,
    #[serde(default)]
    cost: f64,
    #[serde(default)]
    kind_costs: BTreeMap<String, f64>,
    budget: Option<f64>,
    new_sites: Option<usize>,
    role: Option<Role>,
    link_radius_min: Option<f64>,
    #[serde(default)]
    operating_cost: f64,
    capacity: Option<f64>,
    #[serde(default)]
    capacity_binding: bool,
    #[serde(default)]
    close_existing: bool,
    min_sites: Option<usize>,
    max_sites: Option<usize>,
    by_year: Option<i32>,
    #[serde(default)]
    beds_per_elder: f64,
    #[serde(default)]
    at_villages: bool,
    #[serde(default)]
    townships: Vec<String>,
    share_below_elders: Option<f64>,
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            file: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses scenario text; `path` locates the inputs and names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| {
            let message = format!("invalid scenario: {}", e.message().trim_end());
            match e.span() {
                Some(span) => {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    Error::input(path, format!("line {line}, column {column}"), message)
                }
                None => Error::file(path, message),
            }
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let err = |place: String, msg: String| Error::input(path, place, msg);
        let positive = |v: Option<f64>, default: f64, key: &str| positive(path, v, default, key);
        let net = network::parse_network(raw.network, base, path)?;
        if raw.inputs.towns.is_some() && raw.policy.is_none() {
            return Err(err(
                "[inputs] key `towns`".into(),
                "the towns roster serves the policy model's task table: add a [policy] section or remove `towns`".into(),
            ));
        }
        if raw.tiers.is_empty() {
            return Err(Error::file(
                path,
                "no [[tier]] defined: add at least one tier with name, mode, radius_min and budget or new_sites",
            ));
        }
        let mut tiers: Vec<Tier> = Vec::new();
        for (k, t) in raw.tiers.into_iter().enumerate() {
            let place = format!("[[tier]] #{} `{}`", k + 1, t.name);
            if t.name.trim().is_empty() {
                return Err(err(
                    format!("[[tier]] #{}", k + 1),
                    "`name` is empty".into(),
                ));
            }
            if tiers.iter().any(|o| o.name == t.name) {
                return Err(err(place, "a tier of this name is defined twice".into()));
            }
            in_range("`radius_min`", t.radius_min, 0.0, true, MAX_RADIUS_MIN)
                .map_err(|m| err(place.clone(), m))?;
            for (key, c) in std::iter::once(("cost".to_string(), t.cost)).chain(
                t.kind_costs
                    .iter()
                    .map(|(k, c)| (format!("kind_costs.{k}"), *c)),
            ) {
                in_range(&format!("`{key}`"), c, 0.0, false, MAX_MONEY)
                    .map_err(|m| err(place.clone(), m))?;
            }
            for (key, v, max) in [
                ("operating_cost", Some(t.operating_cost), MAX_MONEY),
                ("capacity", t.capacity, MAX_PEOPLE),
                ("link_radius_min", t.link_radius_min, MAX_RADIUS_MIN),
                ("beds_per_elder", Some(t.beds_per_elder), 1.0),
            ] {
                if let Some(v) = v {
                    in_range(&format!("`{key}`"), v, 0.0, false, max)
                        .map_err(|m| err(place.clone(), m))?;
                }
            }
            let policy_keys = t.role.is_some()
                || t.link_radius_min.is_some()
                || t.share_below_elders.is_some()
                || t.close_existing
                || t.min_sites.is_some()
                || t.max_sites.is_some()
                || t.by_year.is_some();
            if raw.policy.is_none() && policy_keys {
                return Err(err(
                    place,
                    "`role`, `link_radius_min`, `share_below_elders`, `close_existing`, `min_sites`, `max_sites` and `by_year` need a [policy] section".into(),
                ));
            }
            let (limit, role) = if raw.policy.is_some() {
                let Some(role) = t.role else {
                    return Err(err(
                        place,
                        "with [policy], every tier needs `role` = \"county\", \"regional\", \"town\" or \"village\"".into(),
                    ));
                };
                if t.budget.is_some() || t.new_sites.is_some() {
                    return Err(err(
                        place,
                        "with [policy], budgets are set in [policy] (`budget` or [[policy.years]]), not per tier".into(),
                    ));
                }
                if t.link_radius_min.is_some() && role != Role::Village {
                    return Err(err(
                        place,
                        "`link_radius_min` applies to the village role only".into(),
                    ));
                }
                match t.share_below_elders {
                    Some(_) if role != Role::Village => {
                        return Err(err(
                            place,
                            "`share_below_elders` applies to the village role only".into(),
                        ));
                    }
                    Some(n) if !(n.is_finite() && n > 0.0) => {
                        return Err(err(
                            place,
                            format!("`share_below_elders` = {n} must be a number of elders > 0"),
                        ));
                    }
                    _ => {}
                }
                if (t.min_sites.is_some() || t.max_sites.is_some()) && !role.county_level() {
                    return Err(err(
                        place,
                        "`min_sites` and `max_sites` apply to the county and regional roles only"
                            .into(),
                    ));
                }
                if !t.townships.is_empty() && role.county_level() {
                    return Err(err(
                        place,
                        "`townships` applies to the town and village roles (county-level centres serve the whole county)".into(),
                    ));
                }
                if let (Some(lo), Some(hi)) = (t.min_sites, t.max_sites)
                    && hi < lo
                {
                    return Err(err(
                        place,
                        format!("`max_sites` = {hi} is below `min_sites` = {lo}"),
                    ));
                }
                (Limit::Budget(f64::INFINITY), Some(role))
            } else {
                let limit = match (t.budget, t.new_sites) {
                    (Some(b), None) if (0.0..=MAX_MONEY).contains(&b) => Limit::Budget(b),
                    (Some(b), None) => {
                        return Err(err(
                            place,
                            format!("`budget` = {b} must be a number >= 0 and at most {MAX_MONEY}"),
                        ));
                    }
                    (None, Some(p)) => Limit::Count(p),
                    (Some(_), Some(_)) => {
                        return Err(err(
                            place,
                            "give either `budget` or `new_sites`, not both".into(),
                        ));
                    }
                    (None, None) => {
                        return Err(err(
                        place,
                        "missing limit: give `budget` (money for new sites) or `new_sites` (how many)".into(),
                    ));
                    }
                };
                (limit, None)
            };
            let mut townships = Vec::new();
            for k in &t.townships {
                match TownKind::parse(k) {
                    Some(kind) if !townships.contains(&kind) => townships.push(kind),
                    Some(_) => {}
                    None => {
                        return Err(err(
                            place,
                            format!(
                                "`townships` = \"{k}\": a kind of township is \"town\" (镇/乡) or \"subdistrict\" (街道)"
                            ),
                        ));
                    }
                }
            }
            if !townships.is_empty() && raw.policy.is_none() {
                return Err(err(place, "`townships` needs a [policy] section".into()));
            }
            if t.capacity_binding && raw.policy.is_none() {
                return Err(err(
                    place,
                    "`capacity_binding` needs a [policy] section (without one, `carecover instance --capacitated` solves capacitated problems)".into(),
                ));
            }
            if t.capacity_binding && role.is_some_and(|r| r.county_level()) {
                return Err(err(
                    place,
                    "`capacity_binding` applies to town and village tiers (county care centres' beds are [policy.homes]' `beds`)".into(),
                ));
            }
            let min_sites = t
                .min_sites
                .unwrap_or(usize::from(role == Some(Role::County)));
            tiers.push(Tier {
                name: t.name,
                mode: t.mode,
                radius_s: t.radius_min * 60.0,
                site_kinds: t.site_kinds,
                kind_costs: t.kind_costs,
                default_cost: t.cost,
                limit,
                role,
                link_radius_s: t.link_radius_min.map(|m| m * 60.0),
                operating_cost: t.operating_cost,
                capacity: t.capacity,
                capacity_binding: t.capacity_binding,
                close_existing: t.close_existing,
                min_sites,
                // Regional centres are as many as their targets need unless capped.
                max_sites: t.max_sites.unwrap_or(if role == Some(Role::Regional) {
                    usize::MAX
                } else {
                    min_sites
                }),
                by_year: t.by_year,
                beds_per_elder: t.beds_per_elder,
                at_villages: t.at_villages,
                townships,
                share_below_elders: t.share_below_elders,
            });
        }
        let policy = match raw.policy {
            None => None,
            Some(p) => Some(parse_policy(p, &tiers, path)?),
        };
        let solver_defaults = SolveOptions::default();
        let name = raw.name.unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        Ok(Self {
            file: path.to_path_buf(),
            name,
            description: raw.description,
            villages: base.join(raw.inputs.villages),
            sites: base.join(raw.inputs.sites),
            roads: base.join(raw.inputs.roads),
            towns: raw.inputs.towns.map(|t| base.join(t)),
            towns_table: TableOptions {
                sheet: raw.inputs.towns_sheet,
                columns: raw.inputs.towns_columns,
            },
            villages_table: TableOptions {
                sheet: raw.inputs.villages_sheet,
                columns: raw.inputs.villages_columns,
            },
            sites_table: TableOptions {
                sheet: raw.inputs.sites_sheet,
                columns: raw.inputs.sites_columns,
            },
            villages_crs: raw.inputs.villages_crs.unwrap_or(raw.inputs.crs),
            sites_crs: raw.inputs.sites_crs.unwrap_or(raw.inputs.crs),
            roads_crs: raw.inputs.roads_crs.unwrap_or(raw.inputs.crs),
            network: net.options,
            dem: net.dem,
            dem_outside_flat: net.dem_outside_flat,
            walk_slope: net.walk_slope,
            drive_grade_factor: net.drive_grade_factor,
            max_snap_m: net.max_snap_m,
            tiers,
            solver: SolveOptions {
                local_search: raw
                    .solver
                    .local_search
                    .unwrap_or(solver_defaults.local_search),
                restarts: raw.solver.restarts.unwrap_or(solver_defaults.restarts),
                bound_iterations: raw
                    .solver
                    .bound_iterations
                    .unwrap_or(solver_defaults.bound_iterations),
                seed: raw.seed.unwrap_or(solver_defaults.seed),
            },
            threads: if raw.threads <= crate::limits::MAX_THREADS {
                raw.threads
            } else {
                return Err(Error::input(
                    path,
                    "`threads`",
                    format!(
                        "{} threads: give 0 (one per core) to {}",
                        raw.threads,
                        crate::limits::MAX_THREADS
                    ),
                ));
            },
            service_area_buffer_m: positive(
                raw.output.service_area_buffer_m,
                100.0,
                "output.service_area_buffer_m",
            )?,
            language: match raw.output.language.as_deref() {
                None => Lang::default(),
                Some(l) => Lang::parse(l).ok_or_else(|| {
                    Error::input(
                        path,
                        "[output]",
                        format!("`language` = {l:?}: give \"zh\" (中文) or \"en\" (English)"),
                    )
                })?,
            },
            annex: match raw.output.annex.as_deref() {
                None | Some("jiangjin") => AnnexLayout::Jiangjin,
                Some("yongchuan") => AnnexLayout::Yongchuan,
                Some(a) => {
                    return Err(Error::input(
                        path,
                        "[output]",
                        format!(
                            "`annex` = {a:?}: give \"jiangjin\" (002 附件1: by township, then year) or \"yongchuan\" (000 附件2: by task, then year)"
                        ),
                    ));
                }
            },
            title: raw.output.title,
            font: match raw.output.font.map(|f| base.join(f)) {
                Some(f) if !f.is_file() => {
                    return Err(Error::input(
                        path,
                        "[output]",
                        format!(
                            "`font` = {:?}: no such file (paths are relative to the scenario file)",
                            f.display().to_string()
                        ),
                    ));
                }
                f => f,
            },
            policy,
        })
    }
}

/// The layout of the published annex the task table's first sheet follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnnexLayout {
    /// 002 附件1 (Jiangjin): 序号, 镇街, 村数量, 现有点, 缺口, then per year 拟建数 by facility; 合计.
    #[default]
    Jiangjin,
    /// 000 附件2 (Yongchuan): 镇街, then per task (照护机构, 敬老院, 中心, 点) its years;
    /// （单位：个）, 总计 and 注.
    Yongchuan,
}

/// `v` if it is a positive finite number, `default` if it is not given; else an error naming
/// the scenario `file` and the key.
fn positive(file: &Path, v: Option<f64>, default: f64, key: &str) -> Result<f64> {
    match v {
        Some(x) if !(x > 0.0 && x.is_finite()) => Err(Error::input(
            file,
            format!("key `{key}`"),
            format!("{x} must be a positive number"),
        )),
        Some(x) => Ok(x),
        None => Ok(default),
    }
}
