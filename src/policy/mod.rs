//! The policy model: the county's tiers solved together under the full-coverage rules
//! (DOMAIN.md), year by year. Like [`crate::solve`], it never sees geometry: the pipeline
//! turns travel times into a [`PolicyProblem`] and maps the [`PolicySolution`] back to sites.
//!
//! # Model
//!
//! Facilities `f` are (site, tier) pairs; `o_{f,y} = 1` when `f` is open in plan year `y`.
//! Villages with the same set of serving facilities form one demand group `g` of weight `w_g`.
//! Whom a point or centre serves is decided before (the pipeline): under 一村一点 (000 §2(4),
//! 002 §2(4)) its own village and the exempt villages within reach (for a point, also the
//! small communities of its township where its tier shares, 001 §2(1)).
//!
//! ```text
//! o_{f,y} ≤ o_{f,y+1}                                   nothing built is undone
//! o_{f,y} = 1 (existing, not closable) · o_{f,y} = o_f (existing, closable: kept or closed from the start)
//! o_{f,y} = o_{f,d_f}   for y > d_f (new f)                  built by its tier's year (001 §1)
//! Σ_{f town-role in t} o_{f,y} ≤ 1, and = 1 from d_t on       one centre per town (一镇一中心)
//! o_{p,y} ≤ Σ_{c ∈ L(p)} o_{c,y}   for every new point p      linked to its town's centre (中心带点),
//!                                   where a town tier builds in its township
//! Σ_{county f} o_{f,by} ≥ min,  Σ_{county f} o_{f,last} ≤ max   county care centres (and regional)
//! r_{v,k} ≤ Σ_{regional f reaching v} o_{f,y_k},  Σ_{v ∈ t} w_v r_{v,k} ≥ σ W_t c_{t,k},
//!   Σ_t c_{t,k} ≥ ⌈s_k T⌉                                 regional target k (004 §1(1))
//! E_{t,y} ≥ N_{t,y} − k_t B_{t,y},  E_{t,y} ≥ 0            points beyond town t's package (000 §3(2))
//! Σ_f a_f (o_{f,y} − o_{f,y−1}) + Σ_t s_t (E_{t,y} − E_{t,y−1}) ≤ B_y  (cumulative with carry-over)
//! z_{g,y} ≤ Σ_{f serves g} o_{f,y}                       served by a point or a centre
//! minimum share:  Σ_g w_g z_{g,last} ≥ s · Σ_g w_g
//! ```
//!
//! `d_f` is the last year `f`'s tier builds in (`by_year`), `d_t` that of town `t`'s centre
//! tier; `r_{v,k}` whether village `v` is reached by target `k`'s year `y_k`, `c_{t,k}` whether
//! township `t` counts as covered (σ the `township_share`, `W_t` its weight, `T` the townships
//! with elders; a target of elders bounds `Σ_v w_v r_{v,k}` instead, see [`milp`]).
//! `a_f` is what the budgets pay for `f` itself (its construction cost, or a centre's package),
//! `N_{t,y}` the new points of town `t` open, `B_{t,y}` whether its new centre is, `k_t` the
//! points its package includes and `s_t` the subsidy per further point. Without carry-over a
//! binary per town and year pins `E` to the maximum (see [`milp`]).
//!
//! The criteria are lexicographic ([`PolicyProblem::rank`]): full coverage serves the most
//! elders by the last year, then covers the most within a county centre's radius, then costs
//! least (what the budgets pay plus `operating_years` of operation), then builds least; the
//! chosen sites are then scheduled for the most elder-years. The budgeted objective maximizes
//! elder-years, then county coverage, least cost, least construction.
//!
//! # Method
//!
//! Small models ([`PolicyProblem::n_variables`] ≤ the scenario's `exact_max_variables`) go
//! to the MILP ([`milp`]), warm-started from the heuristic. Larger ones use the
//! decomposition heuristic ([`heuristic`]): county centres by maximal covering, centres per
//! town by local search, points by the solver core's covering methods given the centres, then
//! a schedule by elder-years per cost. A budgeted plan then follows a Lagrangian relaxation
//! of the budgets that keeps the town and linking rules (solved town by town exactly), whose
//! relaxed plans are scheduled into real ones and whose value is the reported bound.

pub mod audit;
mod capacity;
mod check;
mod descent;
#[cfg(test)]
mod fixture;
pub use capacity::Assignment;
pub mod heuristic;
pub mod homes;
mod lagrangian;
pub mod milp;
mod reach;
mod schedule;

use crate::scenario::{Objective, Role, Subsidy};
use crate::solve::Status;
use serde::Serialize;

/// A (site, tier) pair the plan may open.
#[derive(Clone, Debug, PartialEq)]
pub struct Facility {
    pub role: Role,
    /// Index of the town the site lies in (`None`: county-level sites, which belong to none).
    pub town: Option<usize>,
    /// Estimated construction or upgrade cost if opened (0 for an existing facility of its tier).
    pub cost: f64,
    /// What the yearly budgets pay when it is opened: its construction cost, or its own
    /// subsidy (a centre's package). New points' subsidies are the town's [`Subsidy`] instead.
    pub paid: f64,
    /// Yearly operating cost (the operating subsidy).
    pub operating: f64,
    /// An existing facility of its tier.
    pub existing: bool,
    /// An existing facility that may be closed.
    pub closable: bool,
    /// Villages it serves (ascending, no duplicates): for points and centres, whom the rules
    /// let it serve (its own village, exempt villages within reach, see the pipeline); for
    /// county centres, the villages within their radius (their coverage, not "served").
    pub serves: Vec<u32>,
    /// New village points: the town-role facilities of its town within the link radius.
    pub links: Vec<usize>,
    /// New village points: whether 中心带点 applies, i.e. some town tier builds in its
    /// township (004 §2(6) asks no town centre, so Bazhou's points stand alone).
    pub needs_link: bool,
    /// The last plan year (index) it may be built in: its tier's `by_year` (001 §1: the
    /// subdistricts' facilities by 2020, the towns' by 2022), else the last year.
    pub due: usize,
    /// A binding capacity (`capacity_binding`): the most demand weight it serves; the
    /// villages it serves may be split between it and other facilities. `None`: unbounded.
    pub capacity: Option<f64>,
}

impl Facility {
    /// Open in every plan.
    pub fn fixed(&self) -> bool {
        self.existing && !self.closable
    }

    /// Whether any plan may open it: not a new point that no centre could link.
    pub fn usable(&self) -> bool {
        !(self.new_point() && self.needs_link && self.links.is_empty())
    }

    /// A new village point (paid through its town's [`Subsidy`]).
    pub fn new_point(&self) -> bool {
        self.role == Role::Village && !self.existing
    }

    /// Serves villages (points and centres; county and regional centres only cover).
    pub fn serving(&self) -> bool {
        !self.role.county_level()
    }
}

/// How many county (or regional) centres: at least `min` open by year index `by`, at most
/// `max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CountyRule {
    pub min: usize,
    pub max: usize,
    pub by: usize,
}

/// A coverage target of the regional centres (004 §1(1)), see
/// [`crate::scenario::RegionalTarget`]: by year index `by`, at least `share` of the townships
/// (each covered when villages holding `township_share` of its weight are within a regional
/// centre's radius), or of the weighted elders when `township_share` is `None`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    pub share: f64,
    pub by: usize,
    pub township_share: Option<f64>,
}

/// A policy plan to choose.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyProblem {
    /// Demand weight of each village.
    pub weights: Vec<f64>,
    pub n_towns: usize,
    /// Each village's town.
    pub village_town: Vec<usize>,
    /// Towns that must have exactly one centre by the last year.
    pub needs_centre: Vec<bool>,
    /// Each town's subsidy for new points (`centre` unused: it is the centres' `paid`); all
    /// zero when the budgets pay construction.
    pub point_subsidy: Vec<Subsidy>,
    /// County centres, town centres and village points.
    pub facilities: Vec<Facility>,
    pub county: CountyRule,
    pub regional: CountyRule,
    /// Regional coverage targets.
    pub targets: Vec<Target>,
    /// Construction budget of each plan year.
    pub budgets: Vec<f64>,
    pub carry_over: bool,
    pub objective: Objective,
    pub min_share: Option<f64>,
    pub operating_years: f64,
}

/// A chosen plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicySolution {
    /// For each facility, the first plan year (index) it is open; `None`: never open (an
    /// existing facility then is closed).
    pub open_from: Vec<Option<usize>>,
    /// What the objective measures: elder-years served, or the least total cost.
    pub objective: f64,
    /// No plan does better than this (an upper bound on elder-years, a lower bound on cost).
    pub bound: f64,
    pub gap: f64,
    pub status: Status,
    /// `milp` or `heuristic`.
    pub method: &'static str,
    /// Weighted elders served in each year.
    pub served: Vec<f64>,
    /// What the budgets pay in each year (subsidies or construction, see `budget_pays`).
    pub spend: Vec<f64>,
    /// Least-cost objective's value (what the budgets pay + operating years), whatever the
    /// objective.
    pub total_cost: f64,
    /// Estimated construction cost of everything built.
    pub construction: f64,
}

/// Why a plan breaks a rule (programming errors and the independent checks in tests).
#[derive(Clone, Debug, PartialEq)]
pub struct Violation(pub String);

impl PolicyProblem {
    pub fn n_years(&self) -> usize {
        self.budgets.len()
    }

    /// Binary and continuous variables of the exact model (its size, before presolve).
    pub fn n_variables(&self) -> usize {
        (self.facilities.len() + self.weights.len() + self.n_towns) * self.n_years()
    }

    /// Whether [`solve`] runs the exact model on this problem (its size within
    /// `exact_max_variables`), after the heuristic.
    pub fn goes_exact(&self, exact_max_variables: usize) -> bool {
        self.n_variables() <= exact_max_variables
    }

    /// New points that some plan-preserving swap makes unnecessary: `a` is dominated by `b`
    /// when `b` is a usable new point serving every village `a` serves, of the same town (and
    /// subsidy), needing no link or linkable to every centre `a` is, due no earlier, costing no
    /// more to build, to pay or to run, with no less room (ties: the lower index stays). Any plan opening `a` can open `b` in the same year
    /// instead and lose nothing.
    pub fn dominated(&self) -> Vec<bool> {
        let n = self.facilities.len();
        let life = |f: &Facility| f.paid + self.operating_years * f.operating;
        let points: Vec<usize> = (0..n)
            .filter(|&f| {
                let x = &self.facilities[f];
                x.new_point() && x.usable()
            })
            .collect();
        let mut out: Vec<bool> = self.facilities.iter().map(|f| !f.usable()).collect();
        let subset = |a: &[u32], b: &[u32]| a.iter().all(|x| b.binary_search(x).is_ok());
        let subset_us = |a: &[usize], b: &[usize]| a.iter().all(|x| b.contains(x));
        // Only a point of the same town can dominate: compare within towns (in index order,
        // as `out` is read while it is written).
        let mut of_town: std::collections::BTreeMap<Option<usize>, Vec<usize>> = Default::default();
        for &a in &points {
            of_town.entry(self.facilities[a].town).or_default().push(a);
        }
        for &a in &points {
            let fa = &self.facilities[a];
            out[a] = of_town[&fa.town].iter().any(|&b| {
                if a == b || out[b] {
                    return false;
                }
                let fb = &self.facilities[b];
                let room = |f: &Facility| f.capacity.unwrap_or(f64::INFINITY);
                let no_worse = fb.cost <= fa.cost
                    && fb.paid <= fa.paid
                    && life(fb) <= life(fa)
                    && room(fb) >= room(fa);
                let strictly = fb.cost < fa.cost
                    || fb.paid < fa.paid
                    || life(fb) < life(fa)
                    || fb.serves.len() > fa.serves.len()
                    || fb.links.len() > fa.links.len()
                    || b < a;
                // `b` opens wherever `a` does: it needs no link, or only links `a` has too;
                // and it may be built as late.
                let links = !fb.needs_link || (fa.needs_link && subset_us(&fa.links, &fb.links));
                no_worse
                    && strictly
                    && fa.town == fb.town
                    && fb.due >= fa.due
                    && subset(&fa.serves, &fb.serves)
                    && links
            });
        }
        out
    }

    /// Villages some usable serving facility serves.
    pub fn coverable(&self) -> Vec<bool> {
        let mut c = vec![false; self.weights.len()];
        for f in self.facilities.iter().filter(|f| f.usable() && f.serving()) {
            for &v in &f.serves {
                c[v as usize] = true;
            }
        }
        c
    }

    /// The year (index) by which each town must have its centre: the `due` of its town-role
    /// facilities (one tier per kind of township, so one year), else the last year.
    pub fn centre_dues(&self) -> Vec<usize> {
        let mut due: Vec<Option<usize>> = vec![None; self.n_towns];
        for f in &self.facilities {
            if let (Role::Town, Some(t)) = (f.role, f.town) {
                due[t] = due[t].max(Some(f.due));
            }
        }
        due.into_iter()
            .map(|d| d.unwrap_or(self.n_years() - 1))
            .collect()
    }

    /// Whether facility `f` is open in year `y` under `open_from`.
    fn is_open(open_from: &[Option<usize>], f: usize, y: usize) -> bool {
        open_from[f].is_some_and(|s| s <= y)
    }

    /// Weighted elders served in each year (within binding capacities, see [`Self::assignment`]).
    pub fn served(&self, open_from: &[Option<usize>]) -> Vec<f64> {
        if self.capacitated() {
            return (0..self.n_years())
                .map(|y| {
                    let a = self.assignment(&|f| Self::is_open(open_from, f, y));
                    a.share.iter().zip(&self.weights).map(|(s, w)| s * w).sum()
                })
                .collect();
        }
        let first = self.served_from(open_from);
        (0..self.n_years())
            .map(|y| {
                first
                    .iter()
                    .zip(&self.weights)
                    .filter(|(s, _)| s.is_some_and(|s| s <= y))
                    .map(|(_, w)| w)
                    .sum()
            })
            .collect()
    }

    /// For each village, the first plan year (index) in which an open facility serves it
    /// (some of it, under binding capacities).
    pub fn served_from(&self, open_from: &[Option<usize>]) -> Vec<Option<usize>> {
        if !self.capacitated() {
            return self.first_reached(open_from, None);
        }
        let mut first = vec![None; self.weights.len()];
        for y in 0..self.n_years() {
            let a = self.assignment(&|f| Self::is_open(open_from, f, y));
            for (v, &s) in a.share.iter().enumerate() {
                if s > 0.0 && first[v].is_none() {
                    first[v] = Some(y);
                }
            }
        }
        first
    }

    /// For each village, the first year a serving facility (`role` `None`), or one of `role`,
    /// that reaches it is open.
    fn first_reached(&self, open_from: &[Option<usize>], role: Option<Role>) -> Vec<Option<usize>> {
        let mut first: Vec<Option<usize>> = vec![None; self.weights.len()];
        for (fac, &start) in self.facilities.iter().zip(open_from) {
            let Some(s) = start else { continue };
            if role.map_or(!fac.serving(), |r| fac.role != r) {
                continue;
            }
            for &v in &fac.serves {
                let slot = &mut first[v as usize];
                *slot = Some(slot.map_or(s, |x| x.min(s)));
            }
        }
        first
    }

    /// Weighted elders within the radius of an open county centre in the last year.
    pub fn county_covered(&self, open_from: &[Option<usize>]) -> f64 {
        self.first_reached(open_from, Some(Role::County))
            .iter()
            .zip(&self.weights)
            .filter(|(s, _)| s.is_some())
            .map(|(_, w)| w)
            .sum()
    }

    /// Whether each village is within the radius of a regional centre open in year `y`.
    pub fn regionally_reached(&self, open_from: &[Option<usize>], y: usize) -> Vec<bool> {
        self.first_reached(open_from, Some(Role::Regional))
            .iter()
            .map(|s| s.is_some_and(|s| s <= y))
            .collect()
    }

    /// Each town's total weight.
    pub fn town_weights(&self) -> Vec<f64> {
        let mut w = vec![0.0; self.n_towns];
        for (v, &t) in self.village_town.iter().enumerate() {
            w[t] += self.weights[v];
        }
        w
    }

    /// What a target counts for villages `reached`: covered townships, or weighted elders.
    pub fn target_value(&self, target: &Target, reached: &[bool]) -> f64 {
        let mut hit = vec![0.0; self.n_towns];
        for v in (0..reached.len()).filter(|&v| reached[v]) {
            hit[self.village_town[v]] += self.weights[v];
        }
        match target.township_share {
            None => hit.iter().sum(),
            Some(s) => self
                .town_weights()
                .iter()
                .zip(&hit)
                .filter(|&(&w, &h)| w > 0.0 && h >= s * w * (1.0 - 1e-9))
                .count() as f64,
        }
    }

    /// What a target needs: a whole number of the townships with elders, or a weight.
    pub fn target_needed(&self, target: &Target) -> f64 {
        match target.township_share {
            None => target.share * self.weights.iter().sum::<f64>(),
            Some(_) => {
                let counted = self.town_weights().iter().filter(|&&w| w > 0.0).count();
                (target.share * counted as f64 - 1e-9).ceil().max(0.0)
            }
        }
    }

    /// What the budgets pay for facility `f` itself when it is opened: its `paid`, nothing
    /// for an existing one (a new point's town subsidy aside).
    pub(crate) fn own_payment(&self, f: usize) -> f64 {
        let fac = &self.facilities[f];
        if fac.existing { 0.0 } else { fac.paid }
    }

    /// The count rule of a county-level role.
    pub fn rule(&self, role: Role) -> CountyRule {
        match role {
            Role::Regional => self.regional,
            _ => self.county,
        }
    }

    /// What the budgets pay for town `t`'s new points, `points` of them, with or without the
    /// town's new centre (000 §3(2): the package pays for the first `points_included`).
    pub fn points_paid(&self, t: usize, points: usize, new_centre: bool) -> f64 {
        self.point_subsidy[t].for_points(points, new_centre)
    }

    /// What the budgets pay in each year: each new facility's `paid` in its year, and each
    /// town's point subsidies as its count of new points grows.
    pub fn spend(&self, open_from: &[Option<usize>]) -> Vec<f64> {
        let years = self.n_years();
        let mut spend = vec![0.0; years];
        // Flat town × year tables: this runs for every trial plan of the heuristic's descent.
        let mut points = vec![0usize; self.n_towns * years];
        let mut centre = vec![false; self.n_towns * years];
        for (f, fac) in self.facilities.iter().enumerate() {
            let Some(y) = open_from[f] else { continue };
            if fac.existing {
                continue;
            }
            spend[y] += fac.paid;
            if let Some(t) = fac.town {
                for k in t * years + y..(t + 1) * years {
                    match fac.role {
                        Role::Village => points[k] += 1,
                        Role::Town => centre[k] = true,
                        Role::County | Role::Regional => {}
                    }
                }
            }
        }
        for t in 0..self.n_towns {
            let mut before = 0.0;
            for y in 0..years {
                let now = self.points_paid(t, points[t * years + y], centre[t * years + y]);
                spend[y] += now - before;
                before = now;
            }
        }
        spend
    }

    /// Estimated construction cost of everything built.
    pub fn construction(&self, open_from: &[Option<usize>]) -> f64 {
        self.facilities
            .iter()
            .zip(open_from)
            .filter(|(fac, s)| s.is_some() && !fac.existing)
            .map(|(fac, _)| fac.cost)
            .sum()
    }

    /// What the budgets pay over the plan plus `operating_years` of operation of everything
    /// open in the last year.
    pub fn total_cost(&self, open_from: &[Option<usize>]) -> f64 {
        let last = self.n_years() - 1;
        let operating: f64 = self
            .facilities
            .iter()
            .enumerate()
            .filter(|(f, _)| Self::is_open(open_from, *f, last))
            .map(|(_, fac)| self.operating_years * fac.operating)
            .sum();
        self.spend(open_from).iter().sum::<f64>() + operating
    }

    /// Objective value of a plan (see [`PolicySolution::objective`]).
    pub fn objective_of(&self, open_from: &[Option<usize>]) -> f64 {
        match self.objective {
            Objective::FullCoverage => self.total_cost(open_from),
            Objective::MaxCoverage => self.served(open_from).iter().sum(),
        }
    }

    /// A plan's rank, compared lexicographically, smaller first. Full coverage: the most
    /// elders served by the last year, the most elders within a county centre's radius, the
    /// least cost (what the budgets pay plus operation), the least construction, then the most
    /// elder-years (which the exact model maximizes for the sites the first four choose). A budgeted plan: the most elder-years, county coverage, least cost, least
    /// construction.
    pub fn rank(&self, open_from: &[Option<usize>]) -> [f64; 5] {
        let served = self.served(open_from);
        let years: f64 = served.iter().sum();
        let county = self.county_covered(open_from);
        let cost = self.total_cost(open_from);
        let build = self.construction(open_from);
        match self.objective {
            Objective::FullCoverage => [
                -*served.last().unwrap_or(&0.0),
                -county,
                cost,
                build,
                -years,
            ],
            Objective::MaxCoverage => [-years, -county, cost, build, 0.0],
        }
    }

    /// Whether plan `a` ranks before plan `b` (see [`Self::rank`]).
    pub fn better(&self, a: &[Option<usize>], b: &[Option<usize>]) -> bool {
        let (a, b) = (self.rank(a), self.rank(b));
        for k in 0..a.len() {
            let tol = 1e-9 * b[k].abs().max(1.0);
            if a[k] < b[k] - tol {
                return true;
            }
            if a[k] > b[k] + tol {
                return false;
            }
        }
        false
    }

    /// Assembles the solution record of a plan.
    fn solution(
        &self,
        open_from: Vec<Option<usize>>,
        bound: f64,
        proven: bool,
        method: &'static str,
    ) -> PolicySolution {
        let objective = self.objective_of(&open_from);
        let bound = match self.objective {
            Objective::FullCoverage => bound.min(objective),
            Objective::MaxCoverage => bound.max(objective),
        };
        let gap = if proven || (objective - bound).abs() <= 1e-9 * objective.abs().max(1.0) {
            0.0
        } else {
            (objective - bound).abs() / objective.abs().max(bound.abs()).max(1e-12)
        };
        PolicySolution {
            served: self.served(&open_from),
            spend: self.spend(&open_from),
            total_cost: self.total_cost(&open_from),
            construction: self.construction(&open_from),
            open_from,
            objective,
            bound: if proven { objective } else { bound },
            gap,
            // Under binding capacities the least-cost heuristic's bound says nothing about
            // serving the most elders first: only a proof makes such a plan optimal.
            status: if gap == 0.0
                && (proven || !(self.capacitated() && self.objective == Objective::FullCoverage))
            {
                Status::Optimal
            } else {
                Status::Feasible
            },
            method,
        }
    }
}

/// Why no plan exists, in the bureau's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Infeasible(pub String);

/// Solves a policy problem: the heuristic always, then the exact model when it is small
/// enough (`exact_max_variables`), keeping the better plan.
pub fn solve(
    problem: &PolicyProblem,
    options: &crate::solve::SolveOptions,
    exact_max_variables: usize,
    time_limit_s: f64,
) -> Result<PolicySolution, Infeasible> {
    let heuristic = heuristic::solve(problem, options);
    if !problem.goes_exact(exact_max_variables) {
        return heuristic;
    }
    let warm: Vec<Option<usize>> = match &heuristic {
        Ok(h) => h.open_from.clone(),
        Err(_) => vec![None; problem.facilities.len()],
    };
    let exact = milp::solve(problem, &warm, time_limit_s).map(|(open_from, proven)| {
        // A safeguard on the solver: the heuristic's schedule of the same sites must not do
        // better; if it does, take it and claim no proof.
        let chosen: Vec<bool> = open_from.iter().map(Option::is_some).collect();
        match schedule::schedule(problem, &chosen) {
            Ok(s) if problem.check(&s).is_ok() && problem.better(&s, &open_from) => (s, false),
            _ => (open_from, proven),
        }
    });
    match (exact, heuristic) {
        (Some((open_from, proven)), heuristic) if problem.check(&open_from).is_ok() => {
            let value = problem.objective_of(&open_from);
            let bound = heuristic.as_ref().map_or(value, |h| h.bound);
            match heuristic {
                // The exact search ran out of time without beating the heuristic: its plan
                // stands, and the status says the exact search was cut short.
                Ok(mut h) if !proven && !problem.better(&open_from, &h.open_from) => {
                    if h.status != Status::Optimal {
                        h.status = Status::TimeLimit;
                    }
                    Ok(h)
                }
                _ => {
                    let mut s = problem.solution(open_from, bound, proven, "milp");
                    if !proven {
                        s.status = Status::TimeLimit;
                    }
                    Ok(s)
                }
            }
        }
        (_, heuristic) => heuristic,
    }
}
