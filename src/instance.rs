//! Solving benchmark and peer instances ([`FacilityInstance`]) as `carecover instance` does, and
//! the one-line JSON record it prints: the record shape `../shared/peer/table.py` tabulates next
//! to spopt (`problem, instance, status, objective, bound, gap, n_open, chosen, build_s,
//! solve_s, total_s`).

use crate::error::{Error, Result};
use crate::io::FacilityInstance;
use crate::solve::{self, CostMatrix, CoverProblem, Limit, SolveOptions, pmedian};
use serde::Serialize;
use std::time::Instant;

/// The problem types of the facloc-instance format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Problem {
    /// Location set covering: fewest sites covering every coverable demand.
    Lscp,
    /// Maximal covering: most weight within the radius of p sites (or a budget).
    Mclp,
    /// p-median: least total weighted cost to the nearest of p sites.
    Pmedian,
    /// p-center: least worst cost to the nearest of p sites.
    Pcenter,
    /// Backup coverage: every coverable demand covered, the most weight covered twice, with p
    /// sites (default: the fewest that cover everything).
    Backup,
}

/// What to solve and how.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub problem: Problem,
    /// Override the instance's `p`, `radius`, `budget`.
    pub p: Option<usize>,
    pub radius: Option<f64>,
    pub budget: Option<f64>,
    /// Prove optimality (branch and bound / MILP) instead of stopping at the heuristic + bound.
    pub exact: bool,
    /// Time limit of the exact search, seconds.
    pub time_limit_s: f64,
    pub seed: u64,
    /// Use the sites' capacities (mclp, pmedian; demand splittable).
    pub capacitated: bool,
    /// Site ids that may not be opened.
    pub forbid: Vec<String>,
}

/// One JSON line per run.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub problem: Problem,
    pub solver: String,
    pub instance: String,
    pub n_demand: usize,
    pub n_sites: usize,
    pub n_required: usize,
    pub p: Option<usize>,
    pub radius: Option<f64>,
    pub budget: Option<f64>,
    /// optimal | feasible | time_limit | infeasible
    pub status: String,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub n_open: usize,
    pub chosen: Vec<String>,
    pub build_s: f64,
    pub solve_s: f64,
    pub total_s: f64,
    pub threads: usize,
    pub seed: u64,
    pub exact: bool,
}

/// Solves `inst`; `read_s` is the time already spent reading it (counted in `build_s`).
/// Forbidden sites are removed before solving, so no method can open them.
pub fn run(inst: &FacilityInstance, o: &RunOptions, read_s: f64) -> Result<Record> {
    if !o.forbid.is_empty() {
        let unknown: Vec<&String> = o
            .forbid
            .iter()
            .filter(|f| !inst.site_ids.contains(f))
            .collect();
        if !unknown.is_empty() {
            return Err(Error::Usage(format!(
                "{}: --forbid names unknown sites {unknown:?}",
                inst.name
            )));
        }
        return run(
            &without_sites(inst, &o.forbid),
            &RunOptions {
                forbid: Vec::new(),
                ..o.clone()
            },
            read_s,
        );
    }
    let t0 = Instant::now();
    let p = o.p.or(inst.p);
    let radius = o.radius.or(inst.radius);
    let budget = o.budget.or(inst.budget);
    let usage = |m: String| Error::Input {
        file: inst.name.clone().into(),
        place: None,
        message: m,
    };
    // One boundary for the instance's own values and the flags that override them.
    use crate::limits::{MAX_INSTANCE_NUMBER as MAX, in_range, time_limit};
    if let Some(r) = radius {
        in_range("radius", r, 0.0, true, MAX).map_err(usage)?;
    }
    if let Some(b) = budget {
        in_range("budget", b, 0.0, false, MAX).map_err(usage)?;
    }
    time_limit("time limit", o.time_limit_s).map_err(usage)?;
    if inst.weights.is_empty() || inst.site_ids.is_empty() {
        return Err(usage(
            "the instance has no demand points or no sites".into(),
        ));
    }
    // p beyond the sites is refused by every problem alike (README, `instance`).
    if let Some(p) = p
        && !(1..=inst.site_ids.len()).contains(&p)
    {
        return Err(usage(format!(
            "p = {p} must be from 1 to the instance's {} sites",
            inst.site_ids.len()
        )));
    }
    let costs = CostMatrix::from_pairs(
        inst.weights.len(),
        inst.site_ids.len(),
        inst.pairs.iter().copied(),
    );
    let n_required = inst.required.iter().filter(|r| **r).count();
    let build_s = read_s + t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let need_p = || p.ok_or_else(|| usage(format!("{:?} needs p: give --p", o.problem)));
    let need_radius =
        || radius.ok_or_else(|| usage(format!("{:?} needs a radius: give --radius", o.problem)));
    let (status, objective, bound, gap, open) = match o.problem {
        Problem::Mclp => {
            let radius = need_radius()?;
            // Required sites that cannot close are open for sure; their cost counts.
            let kept = |j: &usize| inst.required[*j] && inst.close_cost[*j].is_none();
            let required_cost: f64 = (0..inst.site_ids.len())
                .filter(kept)
                .map(|j| inst.site_costs[j])
                .sum();
            let n_kept = (0..inst.site_ids.len()).filter(kept).count();
            let (fixed, site_costs, budget) = with_closures(inst, budget);
            let limit = match (p, budget) {
                (Some(p), None) => Limit::Count(p.checked_sub(n_kept).ok_or_else(|| {
                    usage(format!("p = {p} is below the {n_kept} required sites"))
                })?),
                (None, Some(b)) => Limit::Budget(b - required_cost),
                (Some(_), Some(_)) => {
                    return Err(usage(
                        "mclp with both p and a budget is not supported yet: give one".into(),
                    ));
                }
                (None, None) => return Err(usage("mclp needs --p or --budget".into())),
            };
            let problem = CoverProblem {
                weights: inst.weights.clone(),
                covers: costs.covers(radius),
                costs: site_costs,
                fixed,
                limit,
            };
            let options = SolveOptions {
                seed: o.seed,
                ..SolveOptions::default()
            };
            let s = match (o.capacitated, problem.limit) {
                (true, Limit::Count(p_new)) => solve::extended::capacitated_mclp(
                    &problem.covers,
                    &problem.weights,
                    &capacities(inst),
                    &problem.fixed,
                    p_new,
                    o.time_limit_s,
                ),
                (true, Limit::Budget(_)) => {
                    return Err(usage("--capacitated mclp takes --p, not a budget".into()));
                }
                (false, _) if o.exact => {
                    solve::solve_mclp_exact(&problem, &options, o.time_limit_s)
                }
                (false, _) => solve::solve_mclp(&problem, &options),
            };
            (s.status, s.objective, s.bound, s.gap, s.open)
        }
        Problem::Pmedian => {
            let p = need_p()?;
            if p < n_required {
                return Err(usage(format!(
                    "p = {p} is below the {n_required} required sites"
                )));
            }
            let pr = pmedian::PMedianProblem {
                costs: &costs,
                weights: &inst.weights,
                p,
                required: &inst.required,
            };
            let s = if o.capacitated {
                solve::extended::capacitated_pmedian(
                    &costs,
                    &inst.weights,
                    &capacities(inst),
                    p,
                    &inst.required,
                    false,
                    o.time_limit_s,
                )
            } else {
                pmedian::solve(&pr, o.exact.then_some(o.time_limit_s), 600)
            };
            (s.status, s.objective, s.bound, s.gap, s.open)
        }
        Problem::Lscp => {
            let covers = costs.covers(need_radius()?);
            let s = solve::lscp::solve(
                &covers,
                inst.weights.len(),
                &inst.required,
                o.exact.then_some(o.time_limit_s),
                500,
            );
            (s.status, s.objective, s.bound, s.gap, s.open)
        }
        Problem::Backup => {
            let covers = costs.covers(need_radius()?);
            let s = solve::extended::backup_coverage(
                &covers,
                &inst.weights,
                p,
                &inst.required,
                o.time_limit_s,
            );
            (s.status, s.objective, s.bound, s.gap, s.open)
        }
        Problem::Pcenter => {
            let p = need_p()?;
            let s = solve::pcenter::solve(
                &costs,
                p,
                &inst.required,
                o.exact.then_some(o.time_limit_s),
                300,
            );
            (s.status, s.objective, s.bound, s.gap, s.open)
        }
    };
    let solve_s = t1.elapsed().as_secs_f64();
    Ok(Record {
        problem: o.problem,
        solver: "carecover".into(),
        instance: inst.name.clone(),
        n_demand: inst.weights.len(),
        n_sites: inst.site_ids.len(),
        n_required,
        p,
        radius,
        budget,
        status: status.name().to_string(),
        objective,
        bound,
        gap,
        n_open: open.len(),
        chosen: open.iter().map(|&j| inst.site_ids[j].clone()).collect(),
        build_s,
        solve_s,
        total_s: build_s + solve_s,
        threads: rayon::current_num_threads(),
        seed: o.seed,
        exact: o.exact,
    })
}

/// Site capacities, unlimited (infinite) where the instance gives none.
fn capacities(inst: &FacilityInstance) -> Vec<f64> {
    let total: f64 = inst.weights.iter().sum();
    inst.capacity.iter().map(|c| c.unwrap_or(total)).collect()
}

/// The instance without the named sites (and their pairs), sites renumbered.
fn without_sites(inst: &FacilityInstance, forbid: &[String]) -> FacilityInstance {
    let keep: Vec<usize> = (0..inst.site_ids.len())
        .filter(|&j| !forbid.contains(&inst.site_ids[j]))
        .collect();
    let mut new_index = vec![u32::MAX; inst.site_ids.len()];
    for (k, &j) in keep.iter().enumerate() {
        new_index[j] = k as u32;
    }
    FacilityInstance {
        site_ids: keep.iter().map(|&j| inst.site_ids[j].clone()).collect(),
        site_costs: keep.iter().map(|&j| inst.site_costs[j]).collect(),
        required: keep.iter().map(|&j| inst.required[j]).collect(),
        capacity: keep.iter().map(|&j| inst.capacity[j]).collect(),
        close_cost: keep.iter().map(|&j| inst.close_cost[j]).collect(),
        pairs: inst
            .pairs
            .iter()
            .filter(|p| new_index[p.1 as usize] != u32::MAX)
            .map(|&(i, j, c)| (i, new_index[j as usize], c))
            .collect(),
        ..inst.clone()
    }
}

/// Folds closable existing sites into a problem: with a count limit they are ordinary
/// candidates; under a budget, each closable site `j` costs either its
/// keep cost `c_j` (the `cost` column: upgrade, operation) or its closure cost `k_j`; spending
/// `k_j` on every closable site up front leaves `c_j − k_j` as the price of keeping it. Where
/// keeping is no dearer than closing, the site is simply kept (fixed). Returns the fixed sites,
/// the site costs and the budget to use (`None` without a budget).
fn with_closures(
    inst: &FacilityInstance,
    budget: Option<f64>,
) -> (Vec<bool>, Vec<f64>, Option<f64>) {
    let mut fixed = inst.required.clone();
    let mut costs = inst.site_costs.clone();
    let mut budget = budget;
    for j in 0..costs.len() {
        let Some(close) = inst.close_cost[j] else {
            continue;
        };
        fixed[j] = false; // a closable site is a choice, even if marked required
        if let Some(b) = budget.as_mut() {
            *b -= close;
            costs[j] -= close;
            if costs[j] <= 0.0 {
                // Keeping costs no more than closing: keep it, and bank the difference.
                fixed[j] = true;
                *b -= costs[j];
                costs[j] = 0.0;
            }
        }
    }
    (fixed, costs, budget)
}
