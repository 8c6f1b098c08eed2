//! The `[policy]` section: how the tiers work together under the documents' rules, the
//! budgets per year, the subsidies each kind of township receives, and the regional targets
//! (README.md, "Policy scenarios").

use super::homes::{Homes, RawHomes, parse_homes};
use super::{Role, Tier};
use crate::error::{Error, Result};
use crate::limits::MAX_MONEY;
use crate::model::TownKind;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What the plan optimizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Serve every village that some candidate can serve, at least cost (construction plus
    /// `operating_years` of operation); budgets are upper limits.
    FullCoverage,
    /// Serve the most (weighted) elder-years within the budgets.
    MaxCoverage,
}

/// The policy model of a scenario: how the tiers work together, the budgets per year and the
/// targets (see README.md, "Policy scenarios").
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub objective: Objective,
    /// Budget for construction and upgrades in each plan year, in order.
    pub years: Vec<(i32, f64)>,
    /// Whether money unspent in a year may be spent later.
    pub carry_over: bool,
    /// At least this share of the (weighted) elders must be served by the last year.
    pub min_coverage_share: Option<f64>,
    /// Years of operating cost counted in a least-cost plan (0: construction only).
    pub operating_years: f64,
    /// Demand weight per elder column: `elders` (60+) and further numeric village columns
    /// such as `elders_80`, `disabled`, `hardship`.
    pub demand: BTreeMap<String, f64>,
    /// Models with more variables than this are solved by the decomposition heuristic.
    pub exact_max_variables: usize,
    /// Time limit of the exact solve (all its stages together), seconds.
    pub time_limit_s: f64,
    /// What the yearly budgets pay for: the subsidies of `subsidy` or the construction cost.
    pub budget_pays: BudgetPays,
    /// Construction subsidies the county pays to each kind of township (kinds absent: none).
    pub subsidy: BTreeMap<TownKind, Subsidy>,
    /// Ordinary villages may share a neighbour's point (an option: the documents give every
    /// village its own, 000 §2(4), 002 §2(4)).
    pub shared_points: bool,
    /// Townships that are subdistricts (街道) whatever the roster says.
    pub subdistricts: Vec<String>,
    /// Coverage targets of the regional centres (004 §1(1)).
    pub regional_targets: Vec<RegionalTarget>,
    /// The nursing homes and care-centre beds (`[policy.homes]`); `None`: not modelled.
    pub homes: Option<Homes>,
}

/// A coverage target of the regional centres, as 004 §1(1) sets one: "(街道)区域养老服务中心服务
/// 覆盖率不低于60%" by the end of 2025.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct RegionalTarget {
    /// The share to reach, 0–1.
    pub share: f64,
    /// The plan year by which it holds.
    pub by_year: i32,
    pub of: TargetOf,
}

/// What a regional coverage target counts.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "of")]
pub enum TargetOf {
    /// Townships, one each: a township counts as covered when villages holding at least
    /// `township_share` of its (weighted) elders lie within a regional centre's radius. The
    /// document does not define a township's coverage; the default 0.5 reads it as "most of
    /// its elders". Townships with no elders on the roster are not counted.
    Townships { township_share: f64 },
    /// Weighted elders within a regional centre's radius, as a share of all.
    Elders,
}

/// What the yearly budgets of a policy scenario bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetPays {
    /// The estimated construction (and upgrade) cost of everything built.
    Construction,
    /// The subsidies the county pays for town centres and village points (`[policy.subsidy]`),
    /// and the construction of the county-level centres it builds itself (000 annex 2, note).
    Subsidy,
}

/// A township's construction subsidy (000 §3(2), 001 §3(2), 002 §3(2)): `centre` when the
/// township builds its centre (the package, which pays for its first `points_included` new
/// points too), then `point` for each further new point. A township that builds no centre
/// receives `point` for every new point. Linear in the plan but for `points_included`, which
/// the exact model represents with one excess-points variable per township and year.
#[derive(Clone, Copy, Debug, PartialEq, Default, serde::Serialize)]
pub struct Subsidy {
    pub centre: f64,
    pub points_included: usize,
    pub point: f64,
}

impl Subsidy {
    /// The subsidy for `points` new points, with or without the township's new centre.
    pub fn for_points(&self, points: usize, new_centre: bool) -> f64 {
        let included = if new_centre { self.points_included } else { 0 };
        self.point * points.saturating_sub(included) as f64
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    objective: Objective,
    budget: Option<f64>,
    year: Option<i32>,
    #[serde(default, rename = "years")]
    years: Vec<RawYear>,
    #[serde(default = "yes")]
    carry_over: bool,
    min_coverage_share: Option<f64>,
    #[serde(default)]
    operating_years: f64,
    #[serde(default)]
    demand: BTreeMap<String, f64>,
    exact_max_variables: Option<usize>,
    time_limit_s: Option<f64>,
    budget_pays: Option<BudgetPays>,
    #[serde(default)]
    subsidy: BTreeMap<String, RawSubsidy>,
    #[serde(default)]
    shared_points: bool,
    #[serde(default)]
    subdistricts: Vec<String>,
    #[serde(default)]
    regional_target: Vec<RawTarget>,
    homes: Option<RawHomes>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    share: f64,
    by_year: Option<i32>,
    #[serde(default = "townships")]
    of: String,
    township_share: Option<f64>,
}

fn townships() -> String {
    "townships".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubsidy {
    #[serde(default)]
    centre: f64,
    #[serde(default)]
    points_included: i64,
    #[serde(default)]
    point: f64,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    budget: f64,
}

/// Checks the `[policy]` section against the tiers.
pub(super) fn parse_policy(p: RawPolicy, tiers: &[Tier], path: &Path) -> Result<Policy> {
    let err = |msg: String| Error::input(path, "[policy]", msg);
    let years = match (p.budget, p.years.is_empty()) {
        (Some(b), true) => vec![(p.year.unwrap_or(1), b)],
        (None, false) => {
            if p.year.is_some() {
                return Err(err(
                    "give `year` with `budget`, or [[policy.years]], not both".into(),
                ));
            }
            p.years.iter().map(|y| (y.year, y.budget)).collect()
        }
        (Some(_), false) => {
            return Err(err(
                "give either `budget` (one year) or [[policy.years]], not both".into(),
            ));
        }
        (None, true) => {
            return Err(err(
                "missing budget: give `budget` (one year) or [[policy.years]] with year and budget"
                    .into(),
            ));
        }
    };
    for w in years.windows(2) {
        if w[1].0 <= w[0].0 {
            return Err(err(format!(
                "plan years must increase: {} follows {}",
                w[1].0, w[0].0
            )));
        }
    }
    for &(y, b) in &years {
        crate::limits::in_range(&format!("the budget of {y}"), b, 0.0, false, MAX_MONEY)
            .map_err(err)?;
    }
    if let Some(s) = p.min_coverage_share
        && !(0.0..=1.0).contains(&s)
    {
        return Err(err(format!(
            "`min_coverage_share` = {s} must be between 0 and 1"
        )));
    }
    if !(p.operating_years >= 0.0 && p.operating_years.is_finite()) {
        return Err(err(format!(
            "`operating_years` = {} must be >= 0",
            p.operating_years
        )));
    }
    for (col, w) in &p.demand {
        crate::limits::in_range(&format!("`demand.{col}`"), *w, 0.0, false, 1000.0).map_err(err)?;
    }
    let count = |r: Role| tiers.iter().filter(|t| t.role == Some(r)).count();
    for r in [Role::County, Role::Regional] {
        if count(r) > 1 {
            return Err(err(format!(
                "more than one tier has role {r:?}; give each role to one tier"
            )));
        }
    }
    // A town or village role may have one tier per kind of township.
    for r in [Role::Town, Role::Village] {
        for kind in [TownKind::Town, TownKind::Subdistrict] {
            let of: Vec<&str> = tiers
                .iter()
                .filter(|t| t.role == Some(r) && t.covers(kind))
                .map(|t| t.name.as_str())
                .collect();
            if of.len() > 1 {
                return Err(err(format!(
                    "tiers `{}` all have role {r:?} in {}s: give each kind of township one tier of a role (`townships` = [\"town\"] or [\"subdistrict\"])",
                    of.join("`, `"),
                    kind.name()
                )));
            }
        }
    }
    let mut demand = p.demand;
    demand.entry("elders".into()).or_insert(1.0);
    let time_limit_s = p.time_limit_s.unwrap_or(60.0);
    crate::limits::time_limit("`time_limit_s`", time_limit_s).map_err(err)?;
    let mut subsidy = BTreeMap::new();
    for (kind, raw) in p.subsidy {
        let place = format!("[policy.subsidy.{kind}]");
        let err = |msg: String| Error::input(path, &place, msg);
        let k = match kind.as_str() {
            "town" => TownKind::Town,
            "subdistrict" => TownKind::Subdistrict,
            _ => {
                return Err(err(format!(
                    "`{kind}` is not a kind of township: use [policy.subsidy.town] (镇/乡) or [policy.subsidy.subdistrict] (街道)"
                )));
            }
        };
        for (key, v) in [("centre", raw.centre), ("point", raw.point)] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(err(format!("`{key}` = {v} must be an amount >= 0")));
            }
        }
        if raw.points_included < 0 {
            return Err(err(format!(
                "`points_included` = {} must be a number of points >= 0",
                raw.points_included
            )));
        }
        subsidy.insert(
            k,
            Subsidy {
                centre: raw.centre,
                points_included: raw.points_included as usize,
                point: raw.point,
            },
        );
    }
    let budget_pays = match p.budget_pays {
        Some(BudgetPays::Subsidy) if subsidy.is_empty() => {
            return Err(err(
                "`budget_pays` = \"subsidy\" needs the subsidies: add [policy.subsidy.town] (and .subdistrict) with `centre`, `points_included`, `point`".into(),
            ));
        }
        Some(b) => b,
        None if subsidy.is_empty() => BudgetPays::Construction,
        None => BudgetPays::Subsidy,
    };
    for t in tiers {
        if let Some(y) = t.by_year
            && !years.iter().any(|&(x, _)| x == y)
        {
            return Err(Error::input(
                path,
                format!("[[tier]] `{}`", t.name),
                format!("`by_year` = {y} is not a plan year of [policy]"),
            ));
        }
    }
    let mut regional_targets = Vec::new();
    for (k, t) in p.regional_target.iter().enumerate() {
        let place = format!("[[policy.regional_target]] #{}", k + 1);
        let err = |msg: String| Error::input(path, &place, msg);
        if count(Role::Regional) == 0 {
            return Err(err(
                "a regional target needs a tier with role = \"regional\" (the regional centres)"
                    .into(),
            ));
        }
        if !(t.share > 0.0 && t.share <= 1.0) {
            return Err(err(format!(
                "`share` = {} must be above 0 and at most 1",
                t.share
            )));
        }
        let by_year = t.by_year.unwrap_or(years[years.len() - 1].0);
        if !years.iter().any(|&(x, _)| x == by_year) {
            return Err(err(format!(
                "`by_year` = {by_year} is not a plan year of [policy]"
            )));
        }
        let of = match t.of.as_str() {
            "townships" => {
                let s = t.township_share.unwrap_or(0.5);
                if !(s > 0.0 && s <= 1.0) {
                    return Err(err(format!(
                        "`township_share` = {s} must be above 0 and at most 1"
                    )));
                }
                TargetOf::Townships { township_share: s }
            }
            "elders" if t.township_share.is_some() => {
                return Err(err(
                    "`township_share` applies to `of` = \"townships\" only".into()
                ));
            }
            "elders" => TargetOf::Elders,
            other => {
                return Err(err(format!(
                    "`of` = \"{other}\": a regional target counts \"townships\" or \"elders\""
                )));
            }
        };
        regional_targets.push(RegionalTarget {
            share: t.share,
            by_year,
            of,
        });
    }
    let homes = match p.homes {
        None => None,
        Some(h) => {
            if h.care_take_up.is_some() && count(Role::County) == 0 {
                return Err(Error::input(
                    path,
                    "[policy.homes]",
                    "`care_take_up` sizes the county care centres: add a tier with role = \"county\"",
                ));
            }
            Some(parse_homes(h, &years, path)?)
        }
    };
    Ok(Policy {
        homes,
        regional_targets,
        budget_pays,
        subsidy,
        shared_points: p.shared_points,
        subdistricts: p.subdistricts,
        objective: p.objective,
        years,
        carry_over: p.carry_over,
        min_coverage_share: p.min_coverage_share,
        operating_years: p.operating_years,
        demand,
        exact_max_variables: p.exact_max_variables.unwrap_or(5000),
        time_limit_s,
    })
}
