//! Solving shipped scenarios for the policy tests: the run, the independent check, and the
//! headline numbers the tests pin.

use super::{check_plan, root};
use carecover::pipeline::{self, Plan};
use carecover::progress::Progress;
use carecover::scenario::Scenario;
use carecover::solve::Status;

pub fn run(path: &std::path::Path) -> Plan {
    pipeline::run(Scenario::load(path).unwrap(), &Progress::new(true)).unwrap()
}

/// Headline numbers of a solved policy scenario: the values of the lexicographic objective,
/// which every optimal plan shares (which sites, and so the split over years or the counts,
/// may differ between equally good plans, e.g. with another MILP backend).
#[derive(Debug, PartialEq)]
pub struct Headline {
    /// Elders served in the last plan year.
    pub served_last: f64,
    /// Elders served, summed over the plan years.
    pub elder_years: f64,
    /// Construction plus `operating_years` of operation of the town and village tiers (the
    /// county centre is chosen before, see `policy`).
    pub total_cost: f64,
}

pub fn headline(plan: &Plan) -> Headline {
    let s = &plan.policy.as_ref().unwrap().solution;
    Headline {
        served_last: *s.served.last().unwrap(),
        elder_years: s.served.iter().sum(),
        total_cost: s.total_cost,
    }
}

/// Solves a shipped scenario, checks it independently and returns its headline. The pinned
/// values below were computed by the solver (proven optimal) and are regression guards.
pub fn shipped(name: &str) -> (Headline, Plan) {
    let plan = run(&root().join(format!("scenarios/{name}.toml")));
    let checks = check_plan(&plan);
    assert!(checks > 60, "{name}: {checks} checks");
    let p = plan.policy.as_ref().unwrap();
    assert_eq!(p.solution.status, Status::Optimal, "{name}");
    assert_eq!(p.solution.method, "milp", "{name}");
    (headline(&plan), plan)
}
