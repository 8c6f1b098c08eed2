//! The nursing-home network (敬老院) and the care centres' beds: which homes to keep, upgrade
//! or merge, where merged homes' residents move, how many beds to add, and which care centre
//! takes the disabled special-hardship elders who want a bed.
//!
//! The documents (000 §2(2), 002 §2(2)): upgrade the homes that must be kept (对确需保留的
//! 敬老院进行改造升级), merge those not worth keeping (合理撤并), settle their residents in the
//! nearest suitable home (就近妥善安置) and add beds where needed (及时补建). 000 §2(1), 002
//! §2(1): the care centres meet the demand of the disabled special-hardship elders who want a
//! bed (基本满足有意愿入住的失能特困人员集中照护需求). Like the rest of [`crate::policy`] it sees
//! no geometry: the pipeline gives the drive minutes within the relocation radius.
//!
//! # Model
//!
//! ```text
//! k_h ∈ {0,1}  kept (1) or merged (0); fixed where the merging rule decides
//! b_h ∈ ℕ      beds added at home h (补建), b_h ≤ M k_h; none without a cost per bed
//! x_{h,d} ≥ 0  residents of h moving to d (a home or care centre within the radius)
//! y_{g,c} ≥ 0  care demand of village g housed in care centre c
//!
//! Σ_d x_{h,d} = R_h (1 − k_h)                          every merged home's residents housed
//! R_k k_k + Σ_h x_{h,k} ≤ B_k k_k + b_k                no home over its beds
//! Σ_h x_{h,c} + Σ_g y_{g,c} ≤ B_c                      care centres with beds (others sized)
//! Σ_c y_{g,c} = D_g                                    the care demand housed
//! Σ_h u_h k_h + p Σ_h b_h ≤ budget                      u_h: upgrade cost where keeping needs it
//! ```
//!
//! Lexicographic, like the coverage model: least cost (upgrades and beds), then the fewest
//! person-minutes of relocation and care placement (就近: a transportation problem). Small
//! enough for the exact solver at a county's size (tens of homes); a care centre without beds
//! of its own is sized to what it takes, so demand goes to the nearest one without the solver.

use super::Violation;
use crate::solve::milp::solve_model;
use good_lp::{Expression, ProblemVariables, Variable, variable};

/// What the merging rule makes of a home.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merge {
    /// Kept: it meets no merging criterion, or hosts its town's centre (002 §2(3): a centre
    /// built in a home keeps its 集中供养 function).
    Never,
    /// The plan may merge it where that costs less.
    May,
    /// Merged (`merge = "force"`).
    Must,
}

/// An existing nursing home.
#[derive(Clone, Debug, PartialEq)]
pub struct Home {
    pub beds: f64,
    pub residents: f64,
    /// What keeping it costs: its upgrade (改造提升), or 0 where it meets the standard.
    pub keep_cost: f64,
    pub merge: Merge,
}

/// Where a merged home's residents may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    Home(usize),
    Care(usize),
}

/// The homes and care centres of a county.
#[derive(Clone, Debug, PartialEq)]
pub struct HomesProblem {
    pub homes: Vec<Home>,
    /// Beds of each open care centre; `None`: built to the size it takes.
    pub care_beds: Vec<Option<f64>>,
    /// For each home, the places within the relocation radius (not itself) and the minutes.
    pub moves: Vec<Vec<(Place, f64)>>,
    /// Care demand groups (villages): beds wanted, and every care centre with its minutes.
    pub care_demand: Vec<(f64, Vec<(usize, f64)>)>,
    /// Cost of one added bed; `None`: beds cannot be added.
    pub cost_per_bed: Option<f64>,
    pub budget: Option<f64>,
}

/// Residents (or care demand) placed somewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    pub from: usize,
    pub to: Place,
    pub amount: f64,
    pub minutes: f64,
}

/// A plan for the homes.
#[derive(Clone, Debug, PartialEq)]
pub struct HomesPlan {
    pub kept: Vec<bool>,
    pub beds_added: Vec<f64>,
    /// Merged homes' residents: `from` is the home.
    pub moves: Vec<Flow>,
    /// Care demand: `from` is the demand group, `to` a care centre.
    pub care: Vec<Flow>,
    /// Upgrades and added beds.
    pub cost: f64,
    /// Σ amount × minutes over the moves and the care placements.
    pub person_minutes: f64,
    /// Whether the solver proved both stages optimal.
    pub proven: bool,
}

/// Why no plan houses everyone.
#[derive(Clone, Debug, PartialEq)]
pub enum Unhoused {
    /// A home that must merge has nowhere within the radius to go.
    NoPlace { home: usize },
    /// The homes that must be kept cost more to upgrade than the budget.
    Budget { least: f64, budget: f64 },
    /// Not enough beds: `needed` for merged residents and care demand, `free` at most.
    Beds { needed: f64, free: f64 },
    /// Care demand but no care centre open.
    NoCare { demand: f64 },
    /// The combination fails (budget, beds and reach together).
    Combination,
}

const TOL: f64 = 1e-6;

impl HomesProblem {
    /// Residents each home and care centre holds under `plan`: (homes, care centres).
    pub fn occupancy(&self, plan: &HomesPlan) -> (Vec<f64>, Vec<f64>) {
        let mut homes: Vec<f64> = (0..self.homes.len())
            .map(|h| {
                if plan.kept[h] {
                    self.homes[h].residents
                } else {
                    0.0
                }
            })
            .collect();
        let mut care = vec![0.0; self.care_beds.len()];
        for f in plan.moves.iter().chain(&plan.care) {
            match f.to {
                Place::Home(k) => homes[k] += f.amount,
                Place::Care(c) => care[c] += f.amount,
            }
        }
        (homes, care)
    }

    /// What a plan costs: upgrades of the kept homes that need one, and added beds.
    pub fn cost_of(&self, kept: &[bool], beds_added: &[f64]) -> f64 {
        let upgrades: f64 = (0..self.homes.len())
            .filter(|&h| kept[h])
            .map(|h| self.homes[h].keep_cost)
            .sum();
        upgrades + self.cost_per_bed.unwrap_or(0.0) * beds_added.iter().sum::<f64>()
    }

    /// Checks every rule of the model (independently of how the plan was found).
    pub fn check(&self, plan: &HomesPlan) -> Result<(), Violation> {
        let fail = |m: String| Err(Violation(m));
        for (h, home) in self.homes.iter().enumerate() {
            match (home.merge, plan.kept[h]) {
                (Merge::Never, false) => return fail(format!("home {h} may not merge")),
                (Merge::Must, true) => return fail(format!("home {h} must merge")),
                _ => {}
            }
            if plan.beds_added[h] > TOL && (!plan.kept[h] || self.cost_per_bed.is_none()) {
                return fail(format!("beds added at home {h}, which cannot take them"));
            }
            let moved: f64 = plan
                .moves
                .iter()
                .filter(|f| f.from == h)
                .map(|f| f.amount)
                .sum();
            let due = if plan.kept[h] { 0.0 } else { home.residents };
            if (moved - due).abs() > TOL {
                return fail(format!("home {h}: {moved} of {due} residents moved"));
            }
        }
        for f in &plan.moves {
            if f.amount < -TOL || !self.moves[f.from].iter().any(|&(p, _)| p == f.to) {
                return fail(format!("move {f:?} is not within the radius"));
            }
            if let Place::Home(k) = f.to
                && !plan.kept[k]
            {
                return fail(format!("residents moved to merged home {k}"));
            }
        }
        for (g, (demand, _)) in self.care_demand.iter().enumerate() {
            let placed: f64 = plan
                .care
                .iter()
                .filter(|f| f.from == g)
                .map(|f| f.amount)
                .sum();
            if (placed - demand).abs() > TOL * demand.max(1.0) {
                return fail(format!("care demand {g}: {placed} of {demand} placed"));
            }
        }
        let (homes, care) = self.occupancy(plan);
        for (h, &n) in homes.iter().enumerate() {
            let beds = self.homes[h].beds + plan.beds_added[h];
            if plan.kept[h] && n > beds + TOL {
                return fail(format!("home {h} holds {n} in {beds} beds"));
            }
        }
        for (c, &n) in care.iter().enumerate() {
            if let Some(beds) = self.care_beds[c]
                && n > beds + TOL
            {
                return fail(format!("care centre {c} holds {n} in {beds} beds"));
            }
        }
        let cost = self.cost_of(&plan.kept, &plan.beds_added);
        if let Some(b) = self.budget
            && cost > b * (1.0 + 1e-9) + TOL
        {
            return fail(format!("homes cost {cost}, over the budget {b}"));
        }
        Ok(())
    }

    /// The best plan: least cost, then fewest person-minutes.
    pub fn solve(&self, time_limit_s: f64) -> Result<HomesPlan, Unhoused> {
        if let Some(h) = (0..self.homes.len()).find(|&h| {
            let home = &self.homes[h];
            home.merge == Merge::Must && home.residents > 0.0 && self.moves[h].is_empty()
        }) {
            return Err(Unhoused::NoPlace { home: h });
        }
        let least: f64 = self
            .homes
            .iter()
            .filter(|h| h.merge == Merge::Never)
            .map(|h| h.keep_cost)
            .sum();
        if let Some(budget) = self.budget
            && least > budget * (1.0 + 1e-9) + TOL
        {
            return Err(Unhoused::Budget { least, budget });
        }
        let demand: f64 = self.care_demand.iter().map(|(d, _)| d).sum();
        if demand > 0.0 && self.care_beds.is_empty() {
            return Err(Unhoused::NoCare { demand });
        }
        // Care demand goes to the nearest care centre when every one is sized to its intake.
        let sized = self.care_beds.iter().all(Option::is_none);
        let first = self.model(None, sized, time_limit_s);
        let Some((plan, proven)) = first else {
            return Err(self.diagnose());
        };
        let floor = plan.cost;
        let (mut plan, proven2) = self
            .model(Some(floor), sized, time_limit_s)
            .unwrap_or((plan, false));
        plan.proven = proven && proven2;
        Ok(plan)
    }

    /// Why the model has no plan, as far as simple counts tell.
    fn diagnose(&self) -> Unhoused {
        let must_move: f64 = self
            .homes
            .iter()
            .filter(|h| h.merge == Merge::Must)
            .map(|h| h.residents)
            .sum::<f64>();
        let care: f64 = self.care_demand.iter().map(|(d, _)| d).sum();
        if self.cost_per_bed.is_none() && self.care_beds.iter().all(Option::is_some) {
            let free: f64 = self
                .homes
                .iter()
                .filter(|h| h.merge != Merge::Must)
                .map(|h| h.beds - h.residents)
                .sum::<f64>()
                + self.care_beds.iter().flatten().sum::<f64>();
            if must_move + care > free + TOL {
                return Unhoused::Beds {
                    needed: must_move + care,
                    free,
                };
            }
        }
        Unhoused::Combination
    }

    /// One stage: least cost (`cost_floor` `None`), or the fewest person-minutes at that cost.
    fn model(
        &self,
        cost_floor: Option<f64>,
        sized: bool,
        time_limit_s: f64,
    ) -> Option<(HomesPlan, bool)> {
        let n = self.homes.len();
        let mut vars = ProblemVariables::new();
        let mut constraints = Vec::new();
        let big: f64 = self.homes.iter().map(|h| h.residents).sum::<f64>()
            + self.care_demand.iter().map(|(d, _)| d).sum::<f64>()
            + 1.0;
        let keep: Vec<Option<Variable>> = self
            .homes
            .iter()
            .map(|h| (h.merge == Merge::May).then(|| vars.add(variable().binary())))
            .collect();
        let kept = |h: usize| -> Expression {
            match (keep[h], self.homes[h].merge) {
                (Some(v), _) => v.into(),
                (None, Merge::Never) => 1.0.into(),
                (None, _) => 0.0.into(),
            }
        };
        let add: Vec<Option<Variable>> = (0..n)
            .map(|h| {
                (self.cost_per_bed.is_some() && self.homes[h].merge != Merge::Must)
                    .then(|| vars.add(variable().integer().min(0.0).max(big)))
            })
            .collect();
        let mut moves: Vec<(usize, Place, f64, Variable)> = Vec::new();
        for h in (0..n).filter(|&h| self.homes[h].merge != Merge::Never) {
            for &(p, m) in &self.moves[h] {
                moves.push((h, p, m, vars.add(variable().min(0.0))));
            }
        }
        let mut care: Vec<(usize, usize, f64, Variable)> = Vec::new();
        if !sized {
            for (g, (d, list)) in self.care_demand.iter().enumerate() {
                if *d > 0.0 {
                    for &(c, m) in list {
                        care.push((g, c, m, vars.add(variable().min(0.0))));
                    }
                }
            }
        }
        for (h, &add_h) in add.iter().enumerate() {
            let out: Expression = moves.iter().filter(|x| x.0 == h).map(|x| x.3).sum();
            constraints.push((out - self.homes[h].residents * (1.0 - kept(h))).eq(0.0));
            let inflow: Expression = moves
                .iter()
                .filter(|x| x.1 == Place::Home(h))
                .map(|x| x.3)
                .sum();
            let added: Expression = add_h.map_or(0.0.into(), Expression::from);
            constraints.push(
                (self.homes[h].residents * kept(h) + inflow
                    - self.homes[h].beds * kept(h)
                    - added.clone())
                .leq(0.0),
            );
            if let Some(a) = add_h {
                constraints.push((a - big * kept(h)).leq(0.0));
            }
        }
        for (c, beds) in self.care_beds.iter().enumerate() {
            if let Some(b) = beds {
                let inflow: Expression = moves
                    .iter()
                    .filter(|x| x.1 == Place::Care(c))
                    .map(|x| x.3)
                    .chain(care.iter().filter(|x| x.1 == c).map(|x| x.3))
                    .sum();
                constraints.push(inflow.leq(*b));
            }
        }
        if !sized {
            for (g, (d, list)) in self.care_demand.iter().enumerate() {
                if *d > 0.0 {
                    if list.is_empty() {
                        return None;
                    }
                    let placed: Expression = care.iter().filter(|x| x.0 == g).map(|x| x.3).sum();
                    constraints.push(placed.eq(*d));
                }
            }
        }
        let cost: Expression = (0..n)
            .map(|h| self.homes[h].keep_cost * kept(h))
            .sum::<Expression>()
            + add
                .iter()
                .flatten()
                .map(|&a| self.cost_per_bed.unwrap_or(0.0) * a)
                .sum::<Expression>();
        if let Some(b) = self.budget {
            constraints.push(cost.clone().leq(b));
        }
        let minutes: Expression = moves
            .iter()
            .map(|x| x.2 * x.3)
            .chain(care.iter().map(|x| x.2 * x.3))
            .sum();
        let objective = match cost_floor {
            None => cost,
            Some(floor) => {
                constraints.push(cost.leq(floor * (1.0 + 1e-9) + TOL));
                minutes
            }
        };
        let all: Vec<Variable> = keep
            .iter()
            .flatten()
            .chain(add.iter().flatten())
            .copied()
            .chain(moves.iter().map(|x| x.3))
            .chain(care.iter().map(|x| x.3))
            .collect();
        let (values, proven, _) = solve_model(
            vars,
            false,
            objective,
            constraints,
            Vec::new(),
            time_limit_s,
            &all,
        )?;
        let mut it = values.into_iter();
        let kept: Vec<bool> = (0..n)
            .map(|h| match (keep[h], self.homes[h].merge) {
                (Some(_), _) => it.next().expect("a value per variable") > 0.5,
                (None, m) => m == Merge::Never,
            })
            .collect();
        let beds_added: Vec<f64> = add
            .iter()
            .map(|a| a.map_or(0.0, |_| it.next().expect("a value").round().max(0.0)))
            .collect();
        let flows = |list: Vec<(usize, Place, f64)>, values: &mut dyn Iterator<Item = f64>| {
            list.into_iter()
                .filter_map(|(from, to, minutes)| {
                    let amount = values.next().expect("a value");
                    (amount > TOL).then_some(Flow {
                        from,
                        to,
                        amount: snap(amount),
                        minutes,
                    })
                })
                .collect::<Vec<Flow>>()
        };
        let moves = flows(moves.iter().map(|x| (x.0, x.1, x.2)).collect(), &mut it);
        let care = if sized {
            self.nearest_care()
        } else {
            flows(
                care.iter().map(|x| (x.0, Place::Care(x.1), x.2)).collect(),
                &mut it,
            )
        };
        let person_minutes = moves
            .iter()
            .chain(&care)
            .map(|f| f.amount * f.minutes)
            .sum();
        Some((
            HomesPlan {
                cost: self.cost_of(&kept, &beds_added),
                kept,
                beds_added,
                moves,
                care,
                person_minutes,
                proven,
            },
            proven,
        ))
    }

    /// Each demand group to its nearest care centre (ties: the lower index).
    fn nearest_care(&self) -> Vec<Flow> {
        self.care_demand
            .iter()
            .enumerate()
            .filter(|(_, (d, _))| *d > 0.0)
            .filter_map(|(g, (d, list))| {
                list.iter()
                    .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                    .map(|&(c, minutes)| Flow {
                        from: g,
                        to: Place::Care(c),
                        amount: *d,
                        minutes,
                    })
            })
            .collect()
    }
}

/// A solver value near a whole number is that number (flows of whole residents).
fn snap(x: f64) -> f64 {
    let r = x.round();
    if (x - r).abs() < 1e-6 { r } else { x }
}
