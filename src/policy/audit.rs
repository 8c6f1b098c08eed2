//! `carecover audit`: a published per-town plan (how many points each town builds) against
//! what the model says each town needs.
//!
//! For each town and each of its centre candidates, the points that may serve the town's
//! villages are its existing points and the new points linkable to that centre. Then:
//!
//! - **needed**: the fewest new points that serve every village with elders of the town that
//!   this centre and its points can serve (exact set covering, [`crate::solve::milp::lscp`]), for the
//!   centre that can serve the most elders (ties: fewest points);
//! - **with the plan's count**: the most elders the town's villages can have served with
//!   exactly the plan's number of new points, best centre and best places (exact maximal
//!   covering, [`crate::solve::solve_mclp_exact`]).
//!
//! A plan building more points than needed spends on points no village needs (or on villages
//! the model serves by the centre or a shared point); one building fewer leaves elders
//! unserved, and the audit says how many.

use super::PolicyProblem;
use crate::scenario::Role;
use crate::solve::{self, CoverProblem, Limit, SolveOptions};
use serde::Serialize;

/// One town's audit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TownAudit {
    pub town: String,
    pub villages: usize,
    pub elders: f64,
    /// New points the plan builds.
    pub planned_points: usize,
    /// Fewest new points serving every village that can be served.
    pub needed_points: usize,
    /// Elders served with `needed_points` (the most the town can have served).
    pub served_max: f64,
    /// Elders served with the plan's number of points, best placed.
    pub served_with_plan: f64,
    /// `planned_points − needed_points`.
    pub difference: i64,
}

/// Audits town `town` (index into the problem's towns) whose villages are `villages`, against
/// `planned_points` new points.
pub fn audit_town(
    problem: &PolicyProblem,
    name: &str,
    town: usize,
    villages: &[u32],
    planned_points: usize,
    options: &SolveOptions,
    time_limit_s: f64,
) -> TownAudit {
    let local = |v: u32| villages.binary_search(&v).ok();
    let weights: Vec<f64> = villages
        .iter()
        .map(|&v| problem.weights[v as usize])
        .collect();
    let elders: f64 = weights.iter().sum();
    let centres: Vec<usize> = (0..problem.facilities.len())
        .filter(|&f| {
            problem.facilities[f].role == Role::Town && problem.facilities[f].town == Some(town)
        })
        .collect();
    let restrict = |f: usize| -> Vec<u32> {
        problem.facilities[f]
            .serves
            .iter()
            .filter_map(|&v| local(v).map(|i| i as u32))
            .collect()
    };
    // Per centre choice: (served max, needed, served with the plan's count).
    let mut best: Option<(f64, usize, f64)> = None;
    let choices: Vec<Option<usize>> = if centres.is_empty() {
        vec![None]
    } else {
        centres.iter().map(|&c| Some(c)).collect()
    };
    let mut served_with_plan: f64 = 0.0;
    for centre in choices {
        // Fixed: the centre and the town's existing points; free: linkable new points.
        let mut sites: Vec<(Vec<u32>, bool)> = Vec::new();
        if let Some(c) = centre {
            sites.push((restrict(c), true));
        }
        for (f, fac) in problem.facilities.iter().enumerate() {
            if fac.role != Role::Village || fac.town != Some(town) {
                continue;
            }
            if fac.existing {
                sites.push((restrict(f), true));
            } else if !fac.needs_link || centre.is_some_and(|c| fac.links.contains(&c)) {
                sites.push((restrict(f), false));
            }
        }
        let covers: Vec<Vec<u32>> = sites.iter().map(|(c, _)| c.clone()).collect();
        let fixed: Vec<bool> = sites.iter().map(|(_, f)| *f).collect();
        let mut reach = vec![false; villages.len()];
        covers
            .iter()
            .flatten()
            .for_each(|&i| reach[i as usize] = true);
        let served_max: f64 = (0..villages.len())
            .filter(|&i| reach[i])
            .map(|i| weights[i])
            .sum();
        // Villages without elders need no point (the model builds none for them either).
        let with_elders: Vec<Vec<u32>> = covers
            .iter()
            .map(|c| {
                c.iter()
                    .copied()
                    .filter(|&i| weights[i as usize] > 0.0)
                    .collect()
            })
            .collect();
        let needed = solve::lscp::solve(
            &with_elders,
            villages.len(),
            &fixed,
            Some(time_limit_s),
            300,
        )
        .open
        .iter()
        .filter(|&&j| !fixed[j])
        .count();
        let with_plan = solve::solve_mclp_exact(
            &CoverProblem {
                weights: weights.clone(),
                covers,
                costs: vec![0.0; sites.len()],
                fixed,
                limit: Limit::Count(planned_points),
            },
            options,
            time_limit_s,
        )
        .objective;
        served_with_plan = served_with_plan.max(with_plan);
        let better = best.is_none_or(|(s, n, _)| {
            served_max > s + 1e-9 || (served_max >= s - 1e-9 && needed < n)
        });
        if better {
            best = Some((served_max, needed, with_plan));
        }
    }
    let (served_max, needed, _) = best.unwrap_or((0.0, 0, 0.0));
    let difference = planned_points as i64 - needed as i64;
    TownAudit {
        town: name.to_string(),
        villages: villages.len(),
        elders,
        planned_points,
        needed_points: needed,
        served_max,
        served_with_plan,
        difference,
    }
}
