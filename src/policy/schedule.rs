//! The year-by-year build of a chosen set of facilities: each year buys the bundles (a point
//! with its centre if that is not built yet) with the most newly served elders per unit
//! cost, what the plan wants by that year first, zero-gain bundles deferred; a budgeted plan
//! then spends what is left on any further facility that serves someone new. County-level
//! centres are built in the year they are due, their money kept back before.

use super::{Infeasible, PolicyProblem};
use crate::scenario::{Objective, Role};
use crate::solve::Ordered;

/// What the budgets pay for `f` itself when it is opened (a new point's town subsidy aside).
pub(super) fn paid(problem: &PolicyProblem, f: usize) -> f64 {
    problem.own_payment(f)
}

/// Estimated construction cost of `f`.
pub(super) fn build_cost(problem: &PolicyProblem, f: usize) -> f64 {
    let fac = &problem.facilities[f];
    if fac.existing { 0.0 } else { fac.cost }
}

/// The facilities of a county-level role.
pub(super) fn of_role(problem: &PolicyProblem, role: Role) -> Vec<usize> {
    (0..problem.facilities.len())
        .filter(|&f| problem.facilities[f].role == role)
        .collect()
}

/// Villages served by the open serving facilities.
pub(super) fn served_by(problem: &PolicyProblem, open: &[bool]) -> Vec<bool> {
    let mut served = vec![false; problem.weights.len()];
    for (f, fac) in problem.facilities.iter().enumerate() {
        if open[f] && fac.serving() {
            fac.serves.iter().for_each(|&v| served[v as usize] = true);
        }
    }
    served
}

/// Each town's new points and whether it builds its centre: what a further bundle of
/// facilities costs the budgets depends on them (the package of 000 §3(2)).
#[derive(Clone)]
pub(super) struct Paid {
    points: Vec<usize>,
    centre: Vec<bool>,
}

impl Paid {
    pub(super) fn new(problem: &PolicyProblem) -> Self {
        Self {
            points: vec![0; problem.n_towns],
            centre: vec![false; problem.n_towns],
        }
    }

    /// What the budgets pay for opening `bundle` now.
    pub(super) fn cost(&self, problem: &PolicyProblem, bundle: &[usize]) -> f64 {
        let mut cost: f64 = bundle.iter().map(|&g| paid(problem, g)).sum();
        // The towns the bundle touches, each with the points and centre it adds.
        let mut towns: Vec<(usize, usize, bool)> = Vec::with_capacity(bundle.len());
        for &g in bundle {
            let fac = &problem.facilities[g];
            let (Some(t), false) = (fac.town, fac.existing) else {
                continue;
            };
            let k = match towns.iter().position(|e| e.0 == t) {
                Some(k) => k,
                None => {
                    towns.push((t, 0, false));
                    towns.len() - 1
                }
            };
            match fac.role {
                Role::Village => towns[k].1 += 1,
                Role::Town => towns[k].2 = true,
                Role::County | Role::Regional => {}
            }
        }
        for (t, points, centre) in towns {
            let (now, with) = (self.points[t], self.centre[t]);
            cost += problem.points_paid(t, now + points, with || centre)
                - problem.points_paid(t, now, with);
        }
        cost
    }

    pub(super) fn add(&mut self, problem: &PolicyProblem, f: usize) {
        let fac = &problem.facilities[f];
        if let (Some(t), false) = (fac.town, fac.existing) {
            match fac.role {
                Role::Village => self.points[t] += 1,
                Role::Town => self.centre[t] = true,
                Role::County | Role::Regional => {}
            }
        }
    }
}

/// A schedule being built: each facility's first open year, the villages served so far, what
/// each town has built (for the subsidies), and this year's money left and spent.
struct Build {
    open_from: Vec<Option<usize>>,
    served: Vec<bool>,
    paid: Paid,
    /// Towns with an open centre.
    centred: Vec<bool>,
    avail: f64,
    spent: f64,
    /// The new points that link to each centre.
    points_of: Vec<Vec<usize>>,
}

impl Build {
    fn new(problem: &PolicyProblem, open_from: Vec<Option<usize>>) -> Self {
        let open: Vec<bool> = open_from.iter().map(Option::is_some).collect();
        let mut centred = vec![false; problem.n_towns];
        for (f, fac) in problem.facilities.iter().enumerate() {
            if let (true, Role::Town, Some(t)) = (open[f], fac.role, fac.town) {
                centred[t] = true;
            }
        }
        let mut points_of = vec![Vec::new(); problem.facilities.len()];
        for (g, fac) in problem.facilities.iter().enumerate() {
            if fac.new_point() && fac.needs_link {
                fac.links.iter().for_each(|&c| points_of[c].push(g));
            }
        }
        Self {
            served: served_by(problem, &open),
            open_from,
            paid: Paid::new(problem),
            centred,
            avail: 0.0,
            spent: 0.0,
            points_of,
        }
    }

    /// Whether town `t` already has an open centre.
    fn has_centre(&self, t: Option<usize>) -> bool {
        t.is_some_and(|t| self.centred[t])
    }

    /// Opens `bundle` in year `y`.
    fn open(&mut self, problem: &PolicyProblem, bundle: &[usize], y: usize) {
        let cost = self.paid.cost(problem, bundle);
        self.avail -= cost;
        self.spent += cost;
        for &g in bundle {
            self.open_from[g] = Some(y);
            self.paid.add(problem, g);
            if let (Role::Town, Some(t)) = (problem.facilities[g].role, problem.facilities[g].town)
            {
                self.centred[t] = true;
            }
            if problem.facilities[g].serving() {
                for &v in &problem.facilities[g].serves {
                    self.served[v as usize] = true;
                }
            }
        }
    }

    /// The weight `bundle` serves that nobody serves yet (each village counted once).
    fn gain(&self, problem: &PolicyProblem, bundle: &[usize]) -> f64 {
        let serves = |g: usize| &problem.facilities[g].serves;
        let new = |v: u32| !self.served[v as usize];
        let mut gain: f64 = serves(bundle[0])
            .iter()
            .filter(|&&v| new(v))
            .map(|&v| problem.weights[v as usize])
            .sum();
        for (k, &g) in bundle.iter().enumerate().skip(1) {
            gain += serves(g)
                .iter()
                .filter(|&&v| {
                    new(v)
                        && !bundle[..k]
                            .iter()
                            .any(|&h| serves(h).binary_search(&v).is_ok())
                })
                .map(|&v| problem.weights[v as usize])
                .sum::<f64>();
        }
        gain
    }

    /// The bundle that opens `f` in year `y` from `pool` (a point whose centre is not open
    /// comes with one: the chosen one, else the cheapest in a town without a centre yet),
    /// and its (newly served weight per cost, newly served weight); `None` if `f` cannot open
    /// now, costs more than is left, or (without `allow_zero`) serves nobody new.
    fn offer(
        &self,
        problem: &PolicyProblem,
        chosen: &[bool],
        y: usize,
        pool: &dyn Fn(usize) -> bool,
        allow_zero: bool,
        f: usize,
    ) -> Option<(Vec<usize>, f64, f64)> {
        let fac = &problem.facilities[f];
        if self.open_from[f].is_some()
            || !pool(f)
            || y > fac.due
            || fac.role.county_level()
            || (fac.role == Role::Town && self.has_centre(fac.town))
        {
            return None;
        }
        let mut bundle = vec![f];
        // (Cost and newly served weight, where the extension below has them already.)
        let mut known: Option<(f64, f64)> = None;
        if fac.new_point()
            && fac.needs_link
            && !fac.links.iter().any(|&c| self.open_from[c].is_some())
        {
            let centre = fac
                .links
                .iter()
                .copied()
                .filter(|&c| {
                    pool(c)
                        && y <= problem.facilities[c].due
                        && !self.has_centre(problem.facilities[c].town)
                })
                .min_by(|&a, &b| {
                    (!chosen[a], paid(problem, a), build_cost(problem, a))
                        .partial_cmp(&(!chosen[b], paid(problem, b), build_cost(problem, b)))
                        .unwrap_or(std::cmp::Ordering::Equal)
                        .then(a.cmp(&b))
                })?;
            bundle.push(centre);
            known = Some(self.with_points(problem, chosen, y, pool, &mut bundle));
        }
        let cost = known.map_or_else(|| self.paid.cost(problem, &bundle), |k| k.0);
        if cost > self.avail * (1.0 + 1e-12) + 1e-9 {
            return None;
        }
        let gain = known.map_or_else(|| self.gain(problem, &bundle), |k| k.1);
        if gain <= 0.0 && !allow_zero {
            return None;
        }
        let ratio = if cost > 0.0 {
            gain / cost
        } else {
            f64::INFINITY
        };
        Some((bundle, ratio, gain))
    }

    /// Extends a bundle that opens a centre (`bundle[1]`) with the further chosen points it
    /// unlocks, each that raises the bundle's newly served weight per cost while the money
    /// lasts, best ratio first. A centre is dear and serves few itself; judged with one point
    /// it loses to points of towns already centred, though with its points it would serve
    /// more per unit cost, and the year would end without it (measured on a generated county
    /// of 186 villages: the third town's centre put off a year, 1.2 % fewer elder-years).
    /// Returns the extended bundle's cost and newly served weight (summed as [`Self::gain`]
    /// sums them).
    fn with_points(
        &self,
        problem: &PolicyProblem,
        chosen: &[bool],
        y: usize,
        pool: &dyn Fn(usize) -> bool,
        bundle: &mut Vec<usize>,
    ) -> (f64, f64) {
        let centre = bundle[1];
        let new = |v: u32| !self.served[v as usize];
        let weight = |g: usize, taken: &std::collections::HashSet<u32>| -> f64 {
            problem.facilities[g]
                .serves
                .iter()
                .filter(|&&v| new(v) && !taken.contains(&v))
                .map(|&v| problem.weights[v as usize])
                .sum()
        };
        let mut taken: std::collections::HashSet<u32> = bundle
            .iter()
            .flat_map(|&g| problem.facilities[g].serves.iter().copied())
            .filter(|&v| new(v))
            .collect();
        let mut candidates: Vec<(f64, usize)> = self.points_of[centre]
            .iter()
            .copied()
            .filter(|&g| {
                chosen[g]
                    && pool(g)
                    && !bundle.contains(&g)
                    && self.open_from[g].is_none()
                    && y <= problem.facilities[g].due
            })
            .map(|g| {
                let cost = paid(problem, g).max(1e-9);
                (weight(g, &taken) / cost, g)
            })
            .filter(|&(r, _)| r > 0.0)
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut cost = self.paid.cost(problem, bundle);
        let mut gain = self.gain(problem, bundle);
        for (_, g) in candidates {
            bundle.push(g);
            let (c, w) = (self.paid.cost(problem, bundle), weight(g, &taken));
            let better = c <= self.avail * (1.0 + 1e-12) + 1e-9
                && w > 0.0
                && (gain + w) * cost.max(1e-9) > gain * c;
            if better {
                taken.extend(problem.facilities[g].serves.iter().filter(|&&v| new(v)));
                (cost, gain) = (c, gain + w);
            } else {
                bundle.pop();
            }
        }
        (cost, gain)
    }

    /// Buys, in year `y`, the affordable bundles of `pool` facilities ([`Self::offer`]) with
    /// the most newly served demand per unit cost, one at a time (ties: more demand, then the
    /// lower index), until none is left; with `allow_zero` also those that serve nobody new.
    ///
    /// A lazy greedy (Minoux 1978): a bundle's ratio only falls as villages get served and
    /// money runs out, except when its town's centre opens (the point no longer brings one,
    /// and a package may pay for it), so the town's facilities are then offered afresh.
    fn fill(
        &mut self,
        problem: &PolicyProblem,
        chosen: &[bool],
        y: usize,
        pool: &dyn Fn(usize) -> bool,
        allow_zero: bool,
    ) {
        use std::cmp::Reverse;
        // Most served per cost first, then most served, then the lower index.
        type Key = (Ordered, Ordered, Reverse<usize>);
        let key = |r: f64, g: f64, f: usize| -> Key { (Ordered(r), Ordered(g), Reverse(f)) };
        let n = problem.facilities.len();
        let mut heap: std::collections::BinaryHeap<Key> = (0..n)
            .filter_map(|f| {
                let (_, r, g) = self.offer(problem, chosen, y, pool, allow_zero, f)?;
                Some(key(r, g, f))
            })
            .collect();
        let mut by_town: Vec<Vec<usize>> = vec![Vec::new(); problem.n_towns];
        for f in 0..n {
            if let Some(t) = problem.facilities[f].town {
                by_town[t].push(f);
            }
        }
        while let Some((_, _, Reverse(f))) = heap.pop() {
            let Some((bundle, r, g)) = self.offer(problem, chosen, y, pool, allow_zero, f) else {
                continue;
            };
            let fresh = key(r, g, f);
            if heap.peek().is_some_and(|top| *top > fresh) {
                heap.push(fresh);
                continue;
            }
            let centred: Vec<usize> = bundle
                .iter()
                .filter(|&&b| problem.facilities[b].role == Role::Town)
                .filter_map(|&b| problem.facilities[b].town)
                .collect();
            self.open(problem, &bundle, y);
            for t in centred {
                for &h in &by_town[t] {
                    if let Some((_, r, g)) = self.offer(problem, chosen, y, pool, allow_zero, h) {
                        heap.push(key(r, g, h));
                    }
                }
            }
        }
    }
}

/// Builds the chosen set year by year (see the module docs); chosen county centres are built
/// in the year they are due, their money kept back in the years before.
pub(crate) fn schedule(
    problem: &PolicyProblem,
    chosen: &[bool],
) -> Result<Vec<Option<usize>>, Infeasible> {
    let target: Vec<Option<usize>> = chosen.iter().map(|&c| c.then_some(0)).collect();
    schedule_by(problem, &target)
}

/// [`schedule`] with a year each chosen facility is wanted by (`target`, `None`: not
/// chosen): each year buys what is wanted by then first, then anything chosen.
pub(super) fn schedule_by(
    problem: &PolicyProblem,
    target: &[Option<usize>],
) -> Result<Vec<Option<usize>>, Infeasible> {
    schedule_with(problem, target, false)
}

/// [`schedule_by`], but each year first opens the town centres wanted by then, on their own,
/// before any point: a centre opened with the points it unlocks can spend the year's money on
/// that town and leave another wanted centre for a later year (a generated county of 137
/// villages and two towns: one centre put off a year, 5.4 % fewer elder-years than the exact
/// model's plan).
pub(super) fn schedule_centres_first(
    problem: &PolicyProblem,
    target: &[Option<usize>],
) -> Result<Vec<Option<usize>>, Infeasible> {
    schedule_with(problem, target, true)
}

fn schedule_with(
    problem: &PolicyProblem,
    target: &[Option<usize>],
    centres_first: bool,
) -> Result<Vec<Option<usize>>, Infeasible> {
    let chosen: Vec<bool> = target.iter().map(Option::is_some).collect();
    let chosen = &chosen[..];
    let n = problem.facilities.len();
    let years = problem.n_years();
    let last = years - 1;
    let open_from: Vec<Option<usize>> = (0..n)
        .map(|f| (problem.facilities[f].existing && chosen[f]).then_some(0))
        .collect();
    let mut build = Build::new(problem, open_from);
    // County and regional centres, each role built in the year it is due (a regional target's
    // year if earlier).
    let levels: Vec<(Vec<usize>, usize)> = [Role::County, Role::Regional]
        .into_iter()
        .map(|role| {
            let fs: Vec<usize> = of_role(problem, role)
                .into_iter()
                .filter(|&f| chosen[f] && build.open_from[f].is_none())
                .collect();
            let mut due = problem.rule(role).by.min(last);
            if role == Role::Regional {
                due = problem.targets.iter().map(|t| t.by).fold(due, usize::min);
            }
            (fs, due)
        })
        .collect();
    let in_chosen = |f: usize| chosen[f];
    let any_new = |f: usize| !problem.facilities[f].existing;
    let (mut spent_before, mut budget_before) = (0.0, 0.0);
    for y in 0..years {
        budget_before += problem.budgets[y];
        build.avail = if problem.carry_over {
            budget_before - spent_before
        } else {
            problem.budgets[y]
        };
        build.spent = 0.0;
        let mut held = 0.0;
        for (fs, due) in &levels {
            if y == *due {
                build.open(problem, fs, y);
            } else if y < *due && problem.carry_over {
                // Keep back what they need beyond the money still to come by then.
                let to_come: f64 = problem.budgets[y + 1..=*due].iter().sum();
                let needs: f64 = fs.iter().map(|&f| paid(problem, f)).sum();
                held += (needs - to_come).max(0.0);
            }
        }
        build.avail -= held;
        let wanted = |f: usize| target[f].is_some_and(|k| k <= y);
        if centres_first {
            let wanted_centre = |f: usize| wanted(f) && problem.facilities[f].role == Role::Town;
            build.fill(problem, chosen, y, &wanted_centre, true);
        }
        build.fill(problem, chosen, y, &wanted, false);
        build.fill(problem, chosen, y, &in_chosen, false);
        if y == last || !problem.carry_over {
            // Facilities that serve nobody new (centres required by the rules) are bought
            // when nothing better is left, at the latest in the last year (or their tier's).
            build.fill(problem, chosen, y, &in_chosen, true);
            if problem.objective == Objective::MaxCoverage {
                // Left-over money: anything that serves someone new and keeps the rules.
                build.fill(problem, chosen, y, &any_new, false);
            }
        } else {
            let due_now = |f: usize| chosen[f] && problem.facilities[f].due == y;
            build.fill(problem, chosen, y, &due_now, true);
        }
        spent_before += build.spent;
    }
    let open_from = build.open_from;
    // Points left unbuilt only serve fewer; a missing centre breaks the rules.
    if let Some(f) = (0..n)
        .find(|&f| chosen[f] && open_from[f].is_none() && problem.facilities[f].role == Role::Town)
    {
        return Err(Infeasible(format!(
            "the yearly budgets cannot fund a centre in every town by its year (facility {f} left unbuilt); raise a budget or allow carry_over"
        )));
    }
    Ok(open_from)
}
