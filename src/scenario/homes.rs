//! `[policy.homes]`: the town nursing homes (敬老院) as a decision of their own, and the beds
//! of the county care centres (README.md, "Nursing homes and beds").
//!
//! The documents ask two things of the homes: upgrade those worth keeping (改造提升) and merge
//! or close the rest, settling their residents in the nearest suitable home and adding beds
//! where needed (撤并, 就近妥善安置, 补建: 000 §2(2), 002 §2(2)); 004 §2(5) names what makes a
//! home one to merge (ageing buildings, fire safety, low occupancy that cannot be remedied).
//! The county care centre takes the disabled special-hardship elders who want a bed (000
//! §2(1), 002 §2(1): 基本满足有意愿入住的失能特困人员集中照护需求), nursing-type beds at least
//! 80 % of its beds; staff at least 1 : 3 there and 1 : 10 in the homes (000 §2(5), 002 §2(5)).

use crate::error::{Error, Result};
use crate::limits::{MAX_MONEY, MAX_PEOPLE, MAX_RADIUS_MIN, in_range};
use crate::model::Condition;
use serde::Deserialize;
use std::path::Path;

/// What the merging criteria do to a home that meets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeRule {
    /// The plan may merge it (where that costs less than upgrading it); others are kept.
    Allow,
    /// It is merged (004 §2(5): 可按程序撤并, read as decided).
    Force,
}

/// The nursing-home part of a policy scenario.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Homes {
    /// Residents of a merged home move to a home or care centre within this drive, seconds.
    pub radius_s: f64,
    /// Cost of one added bed at a kept home (补建); `None`: no beds are added.
    pub cost_per_bed: Option<f64>,
    /// Upgrade cost of a home whose `upgrade_cost` is empty.
    pub upgrade_cost: f64,
    /// Homes in these conditions are kept without upgrading; a home without a condition
    /// counts as needing its upgrade (the documents upgrade every home kept, 002 §2(2)).
    pub keep_as_is: Vec<Condition>,
    /// Merging criteria: condition among these...
    pub merge_if_condition: Vec<Condition>,
    /// ...or occupancy (residents / beds, or the `occupancy` column) below this share.
    pub merge_if_occupancy_below: Option<f64>,
    /// Whether a home must meet every criterion given (`all`) or one (`any`).
    pub merge_needs_all: bool,
    pub merge: MergeRule,
    /// Upgrades and added beds together cost at most this (the district's own money, 002
    /// §3(2): 区财政按照建设标准验收合格后予以适当补贴); `None`: no limit.
    pub budget: Option<f64>,
    /// The plan year by which the upgrades and merges are done (default: the last).
    pub by_year: i32,
    /// Residents per staff member in the homes (1 : 10).
    pub home_staff_ratio: f64,
    /// Share of the roster's `care_column` who want a care-centre bed.
    pub care_take_up: Option<f64>,
    /// The village column of disabled special-hardship elders (失能特困人员).
    pub care_column: String,
    /// Nursing-type share of a care centre's beds (≥ 80 %).
    pub care_nursing_share: f64,
    /// Residents per staff member in a care centre (1 : 3).
    pub care_staff_ratio: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHomes {
    #[serde(default = "default_radius")]
    radius_min: f64,
    cost_per_bed: Option<f64>,
    #[serde(default)]
    upgrade_cost: f64,
    #[serde(default = "good")]
    keep_as_is: Vec<String>,
    #[serde(default)]
    merge_if_condition: Vec<String>,
    merge_if_occupancy_below: Option<f64>,
    #[serde(default = "any")]
    merge_criteria: String,
    #[serde(default = "allow")]
    merge: MergeRule,
    budget: Option<f64>,
    by_year: Option<i32>,
    #[serde(default = "ten")]
    home_staff_ratio: f64,
    pub(super) care_take_up: Option<f64>,
    #[serde(default = "hardship_column")]
    care_column: String,
    #[serde(default = "nursing_share")]
    care_nursing_share: f64,
    #[serde(default = "three")]
    care_staff_ratio: f64,
}

fn default_radius() -> f64 {
    60.0
}
fn good() -> Vec<String> {
    vec!["good".into()]
}
fn any() -> String {
    "any".into()
}
fn allow() -> MergeRule {
    MergeRule::Allow
}
fn ten() -> f64 {
    10.0
}
fn three() -> f64 {
    3.0
}
fn nursing_share() -> f64 {
    0.8
}
fn hardship_column() -> String {
    "disabled_hardship".into()
}

/// Checks `[policy.homes]` against the plan years.
pub(super) fn parse_homes(raw: RawHomes, years: &[(i32, f64)], path: &Path) -> Result<Homes> {
    let err = |msg: String| Error::input(path, "[policy.homes]", msg);
    let check = |what: &str, x: f64, min: f64, open: bool, max: f64| {
        in_range(what, x, min, open, max).map_err(err)
    };
    check("`radius_min`", raw.radius_min, 0.0, true, MAX_RADIUS_MIN)?;
    if let Some(c) = raw.cost_per_bed {
        check("`cost_per_bed`", c, 0.0, false, MAX_MONEY)?;
    }
    check("`upgrade_cost`", raw.upgrade_cost, 0.0, false, MAX_MONEY)?;
    if let Some(b) = raw.budget {
        check("`budget`", b, 0.0, false, MAX_MONEY)?;
    }
    if let Some(s) = raw.merge_if_occupancy_below {
        check("`merge_if_occupancy_below`", s, 0.0, false, 1.0)?;
    }
    if let Some(s) = raw.care_take_up {
        check("`care_take_up`", s, 0.0, false, 1.0)?;
    }
    check(
        "`care_nursing_share`",
        raw.care_nursing_share,
        0.0,
        false,
        1.0,
    )?;
    check(
        "`home_staff_ratio`",
        raw.home_staff_ratio,
        0.0,
        true,
        MAX_PEOPLE,
    )?;
    check(
        "`care_staff_ratio`",
        raw.care_staff_ratio,
        0.0,
        true,
        MAX_PEOPLE,
    )?;
    let conditions = |key: &str, list: &[String]| -> Result<Vec<Condition>> {
        list.iter()
            .map(|c| {
                Condition::parse(c).ok_or_else(|| {
                    err(format!(
                        "`{key}` has {c:?}: a condition is \"good\", \"fair\" or \"poor\" (好/一般/差)"
                    ))
                })
            })
            .collect()
    };
    let merge_needs_all = match raw.merge_criteria.as_str() {
        "any" => false,
        "all" => true,
        other => {
            return Err(err(format!(
                "`merge_criteria` = {other:?}: give \"any\" (one criterion merges) or \"all\""
            )));
        }
    };
    let last = years.last().expect("a policy has a year").0;
    let by_year = raw.by_year.unwrap_or(last);
    if !years.iter().any(|&(y, _)| y == by_year) {
        return Err(err(format!(
            "`by_year` = {by_year} is not a plan year of [policy]"
        )));
    }
    if raw.care_column.trim().is_empty() {
        return Err(err(
            "`care_column` is empty: name the villages' column of disabled special-hardship elders"
                .into(),
        ));
    }
    Ok(Homes {
        radius_s: raw.radius_min * 60.0,
        cost_per_bed: raw.cost_per_bed,
        upgrade_cost: raw.upgrade_cost,
        keep_as_is: conditions("keep_as_is", &raw.keep_as_is)?,
        merge_if_condition: conditions("merge_if_condition", &raw.merge_if_condition)?,
        merge_if_occupancy_below: raw.merge_if_occupancy_below,
        merge_needs_all,
        merge: raw.merge,
        budget: raw.budget,
        by_year,
        home_staff_ratio: raw.home_staff_ratio,
        care_take_up: raw.care_take_up,
        care_column: raw.care_column,
        care_nursing_share: raw.care_nursing_share,
        care_staff_ratio: raw.care_staff_ratio,
    })
}

impl Homes {
    /// Whether a home meets the merging criteria (none given: no home does).
    pub fn meets_merge_criteria(&self, condition: Option<Condition>, occupancy: f64) -> bool {
        let by_condition = (!self.merge_if_condition.is_empty())
            .then(|| condition.is_some_and(|c| self.merge_if_condition.contains(&c)));
        let by_occupancy = self.merge_if_occupancy_below.map(|s| occupancy < s);
        let given: Vec<bool> = [by_condition, by_occupancy].into_iter().flatten().collect();
        !given.is_empty()
            && if self.merge_needs_all {
                given.iter().all(|&x| x)
            } else {
                given.iter().any(|&x| x)
            }
    }

    /// Whether a home in `condition` must be upgraded to be kept.
    pub fn needs_upgrade(&self, condition: Option<Condition>) -> bool {
        !condition.is_some_and(|c| self.keep_as_is.contains(&c))
    }
}
