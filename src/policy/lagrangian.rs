//! An upper bound on the budgeted policy model that keeps the town rules, and the relaxed
//! plans the heuristic repairs into real ones (a Lagrangian heuristic: Fisher 1981; Beasley
//! 1993; for covering, Galvão & ReVelle 1996).
//!
//! Relaxing the model's budget rows with multipliers `λ_y ≥ 0` and the coverage rows
//! `z_{v,y} ≤ Σ_{f serves v} o_{f,y}` of the villages served by several facilities together
//! with `μ_{v,y} ∈ [0, w_v]` (see [`super`] for the model) leaves
//!
//! ```text
//! L(μ, λ) = Σ_{v,y} max(0, w_v − μ_{v,y}) + Σ_y λ_y B_y
//!         + max { Σ_f Σ_{y: o_{f,y}=1} Σ_{v ∈ serves f} μ_{v,y} − Σ_y λ_y spend_y  :  the town rules }
//! ```
//!
//! which is at least the best plan's elder-years for every such `μ, λ` (`B_y` and `spend_y`
//! cumulative with carry-over). What stays in the inner maximum: one centre per town, from
//! its year on (一镇一中心); a new point only while a linked centre of its town is open
//! (中心带点); nothing built undone, each facility by its tier's year; existing facilities
//! kept or closed from the start; the county minimum of care centres. It splits by town and
//! is solved exactly: for each centre candidate and opening year, each of the town's points
//! independently takes its best year or stays shut.
//!
//! Under 一村一点 most facilities serve one village (their own), several candidates often the
//! same one. Such a village's coverage row is kept, not relaxed: inside its town's choice it
//! takes the best of its servers (each open year worth `w_v`), so only villages some
//! facility serves together with others carry a `μ`. A regional coverage target and a
//! minimum share are dropped (relaxing more keeps the bound valid); where a package (000
//! §3(2)) pays a town's first points, its points are priced at nothing when the town builds
//! its centre (at most what they cost).
//!
//! The multipliers follow the projected subgradient with Polyak's step towards the best plan
//! found (Held, Wolfe & Crowder 1974), the budget and coverage blocks each with a step of
//! its own.

use super::PolicyProblem;
use crate::scenario::Role;

/// Minimizes `L` over at most `iterations` subgradient steps and returns the smallest value
/// (an upper bound on elder-years; `lower` is a known plan's). Every `every` steps and at the
/// last, `primal` receives the relaxed plan (each facility's first open year) and returns
/// the elder-years of the real plan it made from it, if any, which raises the step's target.
pub(crate) fn relax(
    problem: &PolicyProblem,
    lower: f64,
    iterations: usize,
    every: usize,
    mut primal: impl FnMut(&[Option<usize>]) -> Option<f64>,
) -> f64 {
    let r = Relaxation::new(problem);
    let years = r.years;
    let m = problem.weights.len();
    // μ starts at each village's weight shared among its servers, λ at the median value per
    // unit price of the new serving facilities (about half of them worth their price).
    let mut mu: Vec<f64> = (0..m * years)
        .map(|i| {
            let v = i / years;
            if r.exact[v] {
                problem.weights[v]
            } else if r.active[v] {
                problem.weights[v] / r.servers[v].len().max(1) as f64
            } else {
                0.0
            }
        })
        .collect();
    let mut lambda = vec![0.0; years];
    lambda[years - 1] = r.median_density(&mu);
    let mut target = lower;
    let mut best = f64::INFINITY;
    let mut theta = 2.0;
    let mut since_improved = 0;
    let mut state = Inner::new(problem.facilities.len(), m, years);
    for it in 0..iterations {
        let l = r.evaluate(&mu, &lambda, &mut state);
        if !best.is_finite() || l < best - 1e-12 * best.abs() {
            best = l;
            since_improved = 0;
        } else {
            since_improved += 1;
            if since_improved >= 20 {
                theta /= 2.0;
                since_improved = 0;
            }
        }
        let last = it + 1 == iterations;
        let done = theta < 1e-4 || best - target <= 1e-9 * best.abs().max(1.0);
        if ((every > 0 && (it + 1) % every == 0) || last || done)
            && let Some(v) = primal(&state.open)
        {
            target = target.max(v);
        }
        if done {
            break;
        }
        // Subgradient: served counts minus z for each relaxed (village, year); budget minus
        // spend. Each block steps towards half the gap on its own: budget rows move in money
        // and coverage rows in elders, and one common step lets the larger swamp the other.
        let mut norm_mu = 0.0;
        for (i, g) in state.grad.iter_mut().enumerate() {
            let v = i / years;
            *g = 0.0;
            if r.active[v] && !r.exact[v] {
                let z = if problem.weights[v] > mu[i] { 1.0 } else { 0.0 };
                *g = state.count[i] as f64 - z;
                norm_mu += *g * *g;
            }
        }
        let budget_grad: Vec<f64> = (0..years).map(|y| r.budgets[y] - state.spend[y]).collect();
        let norm_lambda: f64 = budget_grad.iter().map(|g| g * g).sum();
        if norm_mu + norm_lambda <= 0.0 {
            break; // the multipliers are optimal for the relaxation
        }
        let gap = theta * (l - target).max(1e-9 * l.abs().max(1.0)) / 2.0;
        if norm_mu > 0.0 {
            let step = gap / norm_mu;
            for (i, g) in state.grad.iter().enumerate() {
                if *g != 0.0 {
                    mu[i] = (mu[i] - step * g).clamp(0.0, problem.weights[i / years]);
                }
            }
        }
        if norm_lambda > 0.0 {
            let step = gap / norm_lambda;
            for (l, g) in lambda.iter_mut().zip(&budget_grad) {
                *l = (*l - step * g).max(0.0);
            }
        }
    }
    best.min(r.trivial).max(0.0)
}

/// One town's link structure: its centre candidates, the new points that need one (serving
/// relaxed villages), and the villages with kept coverage rows its facilities serve.
struct Town {
    centres: Vec<usize>,
    points: Vec<usize>,
    villages: Vec<Kept>,
    needs_centre: bool,
    /// Its package pays for some points when it builds its centre.
    package: bool,
}

/// A village whose coverage row is kept, and the facilities that serve it (only it).
struct Kept {
    village: usize,
    servers: Vec<usize>,
}

/// The county-level centres a role must have by year `by`: at least the prices of its
/// cheapest candidates (ascending), as many as it needs beyond the fixed ones.
struct Level {
    prices: Vec<f64>,
    by: usize,
}

/// The relaxation's fixed data (money in units of the mean new facility's price).
struct Relaxation<'a> {
    p: &'a PolicyProblem,
    years: usize,
    carry: bool,
    /// Each year's budget, cumulative with carry-over.
    budgets: Vec<f64>,
    /// What opening a new facility costs at least: with its town's point subsidy, and
    /// without it (inside a package).
    price: Vec<f64>,
    price_in_package: Vec<f64>,
    /// Villages in the relaxation: some plan may serve them, no facility in every plan does.
    active: Vec<bool>,
    /// Active villages whose coverage row is kept (all their servers serve only them, all
    /// in one town's structure or outside every town's).
    exact: Vec<bool>,
    /// Each serving facility's active villages, and each village's serving facilities.
    serves: Vec<Vec<u32>>,
    servers: Vec<Vec<usize>>,
    /// Facilities serving one kept village: valued through it, not through `μ`.
    absorbed: Vec<bool>,
    /// New points open only with a linked centre of their town (the rest have no link or
    /// have it relaxed).
    linked: Vec<bool>,
    towns: Vec<Town>,
    /// Serving facilities outside the towns' link structure, and kept villages only such
    /// facilities serve.
    free: Vec<usize>,
    free_villages: Vec<Kept>,
    levels: Vec<Level>,
    /// Elder-years of the villages every plan serves throughout.
    constant: f64,
    /// The bound without any multiplier: every active village served every year.
    trivial: f64,
}

/// The inner problem's answer and the subgradient's scratch space.
struct Inner {
    open: Vec<Option<usize>>,
    /// Open servers of each (village, year).
    count: Vec<u32>,
    /// Spend of the relaxed plan per year (cumulative with carry-over).
    spend: Vec<f64>,
    grad: Vec<f64>,
    /// Each facility's value if open from each year (Σ of μ over its villages and years).
    value: Vec<f64>,
}

impl Inner {
    fn new(n: usize, m: usize, years: usize) -> Self {
        Self {
            open: vec![None; n],
            count: vec![0; m * years],
            spend: vec![0.0; years],
            grad: vec![0.0; m * years],
            value: vec![0.0; n * years],
        }
    }
}

/// Where a facility sits in the relaxation's structure.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Centre(usize),
    Linked(usize),
    Free,
    Level,
}

impl<'a> Relaxation<'a> {
    fn new(p: &'a PolicyProblem) -> Self {
        let years = p.n_years();
        let n = p.facilities.len();
        let m = p.weights.len();
        let mut always = vec![false; m];
        for fac in p.facilities.iter().filter(|f| f.fixed() && f.serving()) {
            fac.serves.iter().for_each(|&v| always[v as usize] = true);
        }
        let mut active = vec![false; m];
        for fac in p.facilities.iter().filter(|f| f.serving() && f.usable()) {
            for &v in &fac.serves {
                active[v as usize] = !always[v as usize] && p.weights[v as usize] > 0.0;
            }
        }
        let weight = |pick: &dyn Fn(usize) -> bool| -> f64 {
            (0..m)
                .filter(|&v| pick(v))
                .map(|v| p.weights[v])
                .sum::<f64>()
                * years as f64
        };
        let constant = weight(&|v| always[v]);
        let trivial = constant + weight(&|v| active[v]);
        let serves: Vec<Vec<u32>> = p
            .facilities
            .iter()
            .map(|fac| match fac.serving() && fac.usable() {
                true => fac
                    .serves
                    .iter()
                    .copied()
                    .filter(|&v| active[v as usize])
                    .collect(),
                false => Vec::new(),
            })
            .collect();
        let place: Vec<Place> = p
            .facilities
            .iter()
            .map(|fac| match (fac.role, fac.town) {
                (Role::County | Role::Regional, _) => Place::Level,
                (Role::Town, Some(t)) => Place::Centre(t),
                // Linked through its town's centres (as the pipeline builds links); a point
                // linked otherwise stays outside the structure, its link relaxed.
                (Role::Village, Some(t))
                    if fac.new_point()
                        && fac.needs_link
                        && fac.links.iter().all(|&c| {
                            p.facilities[c].role == Role::Town && p.facilities[c].town == Some(t)
                        }) =>
                {
                    Place::Linked(t)
                }
                _ => Place::Free,
            })
            .collect();
        // Kept villages: every server serves only them, within one town's structure.
        let mut servers: Vec<Vec<usize>> = vec![Vec::new(); m];
        for (f, s) in serves.iter().enumerate() {
            for &v in s {
                servers[v as usize].push(f);
            }
        }
        let home = |f: usize| match place[f] {
            Place::Centre(t) | Place::Linked(t) => Some(t),
            Place::Free | Place::Level => None,
        };
        let exact: Vec<bool> = (0..m)
            .map(|v| {
                let towns: Vec<usize> = servers[v].iter().filter_map(|&f| home(f)).collect();
                active[v]
                    && servers[v].iter().all(|&f| serves[f].len() == 1)
                    && towns.windows(2).all(|w| w[0] == w[1])
            })
            .collect();
        let linked: Vec<bool> = place
            .iter()
            .map(|x| matches!(x, Place::Linked(_)))
            .collect();
        let absorbed: Vec<bool> = serves
            .iter()
            .map(|s| s.len() == 1 && exact[s[0] as usize])
            .collect();
        // Prices: new facilities' own payments, a new point's town subsidy on top.
        let subsidy = |f: usize| match p.facilities[f].town {
            Some(t) if p.facilities[f].new_point() => p.point_subsidy[t].point,
            _ => 0.0,
        };
        let full: Vec<f64> = (0..n).map(|f| p.own_payment(f) + subsidy(f)).collect();
        let priced: Vec<f64> = (0..n)
            .filter(|&f| !p.facilities[f].existing && full[f] > 0.0)
            .map(|f| full[f])
            .collect();
        let unit = match priced.len() {
            0 => 1.0,
            k => priced.iter().sum::<f64>() / k as f64,
        };
        let price: Vec<f64> = full.iter().map(|c| c / unit).collect();
        let price_in_package: Vec<f64> = (0..n).map(|f| p.own_payment(f) / unit).collect();
        let mut budgets: Vec<f64> = p.budgets.iter().map(|b| b / unit).collect();
        if p.carry_over {
            for y in 1..years {
                budgets[y] += budgets[y - 1];
            }
        }
        let mut towns: Vec<Town> = (0..p.n_towns)
            .map(|t| Town {
                centres: Vec::new(),
                points: Vec::new(),
                villages: Vec::new(),
                needs_centre: p.needs_centre[t],
                package: p.point_subsidy[t].points_included > 0,
            })
            .collect();
        let mut free = Vec::new();
        for f in 0..n {
            match place[f] {
                Place::Centre(t) => towns[t].centres.push(f),
                Place::Linked(t) if !absorbed[f] && p.facilities[f].usable() => {
                    towns[t].points.push(f)
                }
                Place::Free if !absorbed[f] => free.push(f),
                _ => {}
            }
        }
        let mut free_villages = Vec::new();
        for v in (0..m).filter(|&v| exact[v]) {
            let kept = Kept {
                village: v,
                servers: servers[v].clone(),
            };
            match servers[v].iter().find_map(|&f| home(f)) {
                Some(t) => towns[t].villages.push(kept),
                None => free_villages.push(kept),
            }
        }
        let levels = [Role::County, Role::Regional]
            .into_iter()
            .map(|role| {
                let of_role = (0..n).filter(|&f| p.facilities[f].role == role);
                let fixed = of_role.clone().filter(|&f| p.facilities[f].fixed()).count();
                let rule = p.rule(role);
                let mut prices: Vec<f64> = of_role
                    .filter(|&f| !p.facilities[f].fixed())
                    .map(|f| {
                        if p.facilities[f].existing {
                            0.0
                        } else {
                            price[f]
                        }
                    })
                    .collect();
                prices.sort_by(f64::total_cmp);
                prices.truncate(rule.min.saturating_sub(fixed));
                Level {
                    prices,
                    by: rule.by.min(years - 1),
                }
            })
            .collect();
        Self {
            p,
            years,
            carry: p.carry_over,
            budgets,
            price,
            price_in_package,
            active,
            exact,
            serves,
            servers,
            absorbed,
            linked,
            towns,
            free,
            free_villages,
            levels,
            constant,
            trivial,
        }
    }

    /// What opening a new facility in year `k` costs per unit price: the sum of `λ` over the
    /// budget rows it enters.
    fn rate(&self, lambda: &[f64], k: usize) -> f64 {
        if self.carry {
            lambda[k..].iter().sum()
        } else {
            lambda[k]
        }
    }

    /// The median value per unit price of the new serving facilities at `μ`, open all years.
    fn median_density(&self, mu: &[f64]) -> f64 {
        let y = self.years;
        let mut d: Vec<f64> = (0..self.p.facilities.len())
            .filter(|&f| !self.p.facilities[f].existing && self.price[f] > 0.0)
            .map(|f| {
                let v: f64 = self.serves[f]
                    .iter()
                    .map(|&v| mu[v as usize * y..(v as usize + 1) * y].iter().sum::<f64>())
                    .sum();
                v / self.price[f]
            })
            .filter(|d| *d > 0.0)
            .collect();
        if d.is_empty() {
            return 0.0;
        }
        d.sort_by(f64::total_cmp);
        d[d.len() / 2] / y as f64
    }

    /// Whether a package pays for `f` (a new point) when its town's centre `centre` is open
    /// (`None`: any centre of the town may be).
    fn in_package(&self, f: usize, centre: Option<usize>) -> bool {
        let p = self.p;
        let fac = &p.facilities[f];
        fac.new_point()
            && fac.town.is_some_and(|t| {
                let town = &self.towns[t];
                town.package
                    && match centre {
                        Some(c) => !p.facilities[c].existing,
                        None => town.centres.iter().any(|&c| !p.facilities[c].existing),
                    }
            })
    }

    /// What opening `f` costs, in price units, given its town's open centre (see
    /// [`Self::in_package`]).
    fn price_of(&self, f: usize, centre: Option<usize>) -> f64 {
        if self.p.facilities[f].existing {
            0.0
        } else if self.in_package(f, centre) {
            self.price_in_package[f]
        } else {
            self.price[f]
        }
    }

    /// `f`'s best opening year from `earliest` on when open years are worth `worth(k)`, or
    /// shut: (value, year). An existing facility opens in year 0 or never (always if fixed).
    fn choose(
        &self,
        f: usize,
        earliest: usize,
        price: f64,
        lambda: &[f64],
        worth: impl Fn(usize) -> f64,
    ) -> (f64, Option<usize>) {
        let fac = &self.p.facilities[f];
        if fac.existing {
            let v = worth(0);
            return if fac.fixed() || v > 0.0 {
                (v, Some(0))
            } else {
                (0.0, None)
            };
        }
        let mut best = (0.0, None);
        for k in earliest..=fac.due.min(self.years - 1) {
            let v = worth(k) - price * self.rate(lambda, k);
            if v > best.0 {
                best = (v, Some(k));
            }
        }
        best
    }

    /// The best server of a kept village and its year, given the town's open centre `centre`
    /// (opened in `from`): (value, server, year).
    fn best_server(
        &self,
        kept: &Kept,
        centre: Option<(usize, usize)>,
        lambda: &[f64],
    ) -> (f64, Option<(usize, usize)>) {
        let p = self.p;
        let w = p.weights[kept.village];
        let years_from = |k: usize| w * (self.years - k) as f64;
        let mut best = (0.0, None);
        for &f in &kept.servers {
            let (v, k) = match (p.facilities[f].role, centre) {
                // The town's centre serves it from its year at no further cost.
                (Role::Town, Some((c, k))) if c == f => (years_from(k), Some(k)),
                (Role::Town, _) => continue,
                _ => {
                    let fac = &p.facilities[f];
                    let linked = self.linked[f];
                    let earliest = match (linked, centre) {
                        (false, _) => 0,
                        (true, Some((c, k))) if fac.links.contains(&c) => k,
                        (true, _) => continue,
                    };
                    // A linked point's package is its town's (this one); another server's
                    // is priced as a free facility is (any new centre of its own town).
                    let with = if linked { centre.map(|(c, _)| c) } else { None };
                    let price = self.price_of(f, with);
                    self.choose(f, earliest, price, lambda, years_from)
                }
            };
            if let Some(k) = k
                && v > best.0
            {
                best = (v, Some((f, k)));
            }
        }
        best
    }

    /// `L(μ, λ)`; the inner problem's plan, cover counts and spend land in `s`.
    fn evaluate(&self, mu: &[f64], lambda: &[f64], s: &mut Inner) -> f64 {
        let (p, y) = (self.p, self.years);
        // Facility values by opening year: suffix sums of μ over their relaxed villages.
        for (f, serves) in self.serves.iter().enumerate() {
            let mut acc = 0.0;
            for k in (0..y).rev() {
                if !self.absorbed[f] {
                    acc += serves.iter().map(|&v| mu[v as usize * y + k]).sum::<f64>();
                }
                s.value[f * y + k] = acc;
            }
        }
        s.open.iter_mut().for_each(|o| *o = None);
        let mut total = 0.0;
        for town in &self.towns {
            total += self.best_town(town, lambda, s);
        }
        for &f in &self.free {
            let price = self.price_of(f, None);
            let (v, k) = self.choose(f, 0, price, lambda, |k| s.value[f * y + k]);
            total += v;
            s.open[f] = k;
        }
        for kept in &self.free_villages {
            let (v, server) = self.best_server(kept, None, lambda);
            total += v;
            if let Some((f, k)) = server {
                s.open[f] = Some(k);
            }
        }
        // County-level minimums: the cheapest candidates, in the cheapest year allowed.
        s.spend.iter_mut().for_each(|x| *x = 0.0);
        for level in &self.levels {
            let (k, rate) = (0..=level.by)
                .map(|k| (k, self.rate(lambda, k)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("at least one year");
            for c in &level.prices {
                total -= c * rate;
                s.spend[k] += c;
            }
        }
        // What the inner plan covers and spends, the demands and the budgets.
        s.count.iter_mut().for_each(|c| *c = 0);
        for f in 0..p.facilities.len() {
            let Some(k) = s.open[f] else { continue };
            for &v in &self.serves[f] {
                for c in &mut s.count[v as usize * y + k..(v as usize + 1) * y] {
                    *c += 1;
                }
            }
            s.spend[k] += self.paid_in(f, s);
        }
        if self.carry {
            for k in 1..y {
                s.spend[k] += s.spend[k - 1];
            }
        }
        for v in (0..p.weights.len()).filter(|&v| self.active[v] && !self.exact[v]) {
            let w = p.weights[v];
            total += mu[v * y..(v + 1) * y]
                .iter()
                .map(|m| (w - m).max(0.0))
                .sum::<f64>();
        }
        total += lambda
            .iter()
            .zip(&self.budgets)
            .map(|(l, b)| l * b)
            .sum::<f64>();
        total + self.constant
    }

    /// What the inner plan pays for open facility `f` (the price its choice used).
    fn paid_in(&self, f: usize, s: &Inner) -> f64 {
        let fac = &self.p.facilities[f];
        let centre = match fac.town {
            Some(t) if self.linked[f] => self.towns[t]
                .centres
                .iter()
                .copied()
                .find(|&c| s.open[c].is_some()),
            _ => None,
        };
        self.price_of(f, centre)
    }

    /// A town's choices of centre: (centre, opening year), or none where that is allowed; a
    /// fixed existing centre is the only choice.
    fn options(&self, town: &Town) -> Vec<Option<(usize, usize)>> {
        let p = self.p;
        if let Some(&c) = town.centres.iter().find(|&&c| p.facilities[c].fixed()) {
            return vec![Some((c, 0))];
        }
        let mut options = Vec::new();
        for &c in &town.centres {
            let fac = &p.facilities[c];
            let last = if fac.existing {
                0
            } else {
                fac.due.min(self.years - 1)
            };
            options.extend((0..=last).map(|k| Some((c, k))));
        }
        if !town.needs_centre || town.centres.is_empty() {
            options.push(None);
        }
        options
    }

    /// The value of `town` choosing `option`, writing the years it opens into `open` when
    /// given.
    fn town_value(
        &self,
        town: &Town,
        option: Option<(usize, usize)>,
        lambda: &[f64],
        value: &[f64],
        mut open: Option<&mut [Option<usize>]>,
    ) -> f64 {
        let (p, y) = (self.p, self.years);
        let mut v = 0.0;
        if let Some((c, k)) = option {
            v += value[c * y + k] - self.price_of(c, None) * self.rate(lambda, k);
            if let Some(open) = open.as_deref_mut() {
                open[c] = Some(k);
            }
            for &q in town
                .points
                .iter()
                .filter(|&&q| p.facilities[q].links.contains(&c))
            {
                let price = self.price_of(q, Some(c));
                let (gain, year) = self.choose(q, k, price, lambda, |k| value[q * y + k]);
                v += gain;
                if let Some(open) = open.as_deref_mut() {
                    open[q] = year;
                }
            }
        }
        for kept in &town.villages {
            let (gain, server) = self.best_server(kept, option, lambda);
            v += gain;
            if let (Some(open), Some((f, k))) = (open.as_deref_mut(), server) {
                open[f] = Some(k);
            }
        }
        v
    }

    /// The best option of `town`; writes its years into `s.open`.
    fn best_town(&self, town: &Town, lambda: &[f64], s: &mut Inner) -> f64 {
        let mut best: Option<(f64, Option<(usize, usize)>)> = None;
        for option in self.options(town) {
            let v = self.town_value(town, option, lambda, &s.value, None);
            if best.is_none_or(|(b, _)| v > b) {
                best = Some((v, option));
            }
        }
        let Some((_, option)) = best else { return 0.0 };
        self.town_value(town, option, lambda, &s.value, Some(&mut s.open))
    }
}
