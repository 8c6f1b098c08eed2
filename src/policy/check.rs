//! The rule check of a plan: every constraint of the model (see the module above) tested on the
//! plan itself, independent of how a solver produced it, so the heuristic, the MILP and a
//! bureau's own plan (`audit`) answer to the same rules.

use super::{PolicyProblem, Role, Violation};

impl PolicyProblem {
    /// Money available up to and including each year, given what was spent before.
    fn within_budgets(&self, spend: &[f64]) -> Result<(), Violation> {
        let tol = |b: f64| b * 1e-9 + 1e-6;
        let (mut spent, mut budget) = (0.0, 0.0);
        for (y, (&s, &b)) in spend.iter().zip(&self.budgets).enumerate() {
            spent += s;
            budget += b;
            let (have, used) = if self.carry_over {
                (budget, spent)
            } else {
                (b, s)
            };
            if used > have + tol(have) {
                return Err(Violation(format!(
                    "year {y}: spend {used} exceeds the budget {have}"
                )));
            }
        }
        Ok(())
    }

    /// Facilities of `role` open in year `y`.
    fn n_open(&self, open_from: &[Option<usize>], role: Role, y: usize) -> usize {
        (0..self.facilities.len())
            .filter(|&f| self.facilities[f].role == role && Self::is_open(open_from, f, y))
            .count()
    }

    /// Checks every rule of the model; `Err` names the first broken one.
    pub fn check(&self, open_from: &[Option<usize>]) -> Result<(), Violation> {
        let last = self.n_years() - 1;
        for (f, fac) in self.facilities.iter().enumerate() {
            match (fac.existing, fac.closable, open_from[f]) {
                (true, false, s) if s != Some(0) => {
                    return Err(Violation(format!("existing facility {f} must stay open")));
                }
                (true, true, Some(s)) if s != 0 => {
                    return Err(Violation(format!(
                        "existing facility {f} reopens in year {s}"
                    )));
                }
                (_, _, Some(s)) if s > last => {
                    return Err(Violation(format!("facility {f} opens after the plan")));
                }
                (false, _, Some(s)) if s > fac.due => {
                    return Err(Violation(format!(
                        "facility {f} built in year {s}, after its tier's year {}",
                        fac.due
                    )));
                }
                _ => {}
            }
            if fac.new_point()
                && fac.needs_link
                && let Some(s) = open_from[f]
            {
                for y in s..=last {
                    if !fac.links.iter().any(|&c| Self::is_open(open_from, c, y)) {
                        return Err(Violation(format!(
                            "point {f} open in year {y} without a linked centre"
                        )));
                    }
                }
            }
        }
        let centre_due = self.centre_dues();
        for y in 0..=last {
            let mut centres = vec![0usize; self.n_towns];
            for (f, fac) in self.facilities.iter().enumerate() {
                if fac.role == Role::Town
                    && Self::is_open(open_from, f, y)
                    && let Some(t) = fac.town
                {
                    centres[t] += 1;
                }
            }
            for (t, &n) in centres.iter().enumerate() {
                if n > 1 || (y >= centre_due[t] && self.needs_centre[t] && n != 1) {
                    return Err(Violation(format!("town {t} has {n} centres in year {y}")));
                }
            }
        }
        for role in [Role::County, Role::Regional] {
            let rule = self.rule(role);
            let (by, at_end) = (
                self.n_open(open_from, role, rule.by),
                self.n_open(open_from, role, last),
            );
            if by < rule.min || at_end > rule.max {
                return Err(Violation(format!(
                    "{by} {role:?} centres by year {} and {at_end} at the end, against at least {} and at most {}",
                    rule.by, rule.min, rule.max
                )));
            }
        }
        for target in &self.targets {
            let reached = self.regionally_reached(open_from, target.by);
            let (value, needed) = (
                self.target_value(target, &reached),
                self.target_needed(target),
            );
            if value < needed - 1e-6 * needed.max(1.0) {
                return Err(Violation(format!(
                    "regional target of year {}: {value} reached, {needed} needed",
                    target.by
                )));
            }
        }
        self.within_budgets(&self.spend(open_from))?;
        let served_last = *self.served(open_from).last().unwrap_or(&0.0);
        let total: f64 = self.weights.iter().sum();
        if let Some(s) = self.min_share
            && served_last < s * total - 1e-6
        {
            return Err(Violation(format!(
                "serves {served_last} of {total} elders, below the minimum share {s}"
            )));
        }
        Ok(())
    }
}
