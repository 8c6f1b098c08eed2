//! Hand-built policy problems for the unit tests of this module's parts.

use super::{CountyRule, Facility, PolicyProblem};
use crate::scenario::{Objective, Role, Subsidy};

/// A new facility of town `town` that costs and pays `paid` and serves `serves`: no operating
/// cost, no links, due in the first year, no capacity (change fields by struct update).
pub(super) fn facility(role: Role, town: usize, paid: f64, serves: Vec<u32>) -> Facility {
    Facility {
        role,
        town: Some(town),
        cost: paid,
        paid,
        operating: 0.0,
        existing: false,
        closable: false,
        serves,
        links: Vec::new(),
        needs_link: false,
        due: 0,
        capacity: None,
    }
}

/// A one-year problem with a budget of 100 and no county centres, targets or operating years;
/// `n_towns` towns, each needing a centre, every village in the first.
pub(super) fn problem(
    weights: Vec<f64>,
    n_towns: usize,
    facilities: Vec<Facility>,
    objective: Objective,
) -> PolicyProblem {
    let none = CountyRule {
        min: 0,
        max: 0,
        by: 0,
    };
    PolicyProblem {
        village_town: vec![0; weights.len()],
        weights,
        n_towns,
        needs_centre: vec![true; n_towns],
        point_subsidy: vec![Subsidy::default(); n_towns],
        facilities,
        county: none,
        regional: none,
        targets: Vec::new(),
        budgets: vec![100.0],
        carry_over: false,
        objective,
        min_share: None,
        operating_years: 0.0,
    }
}
