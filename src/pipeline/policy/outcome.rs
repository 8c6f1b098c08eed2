//! What a policy plan says per site and per village, and its totals: the types the reports
//! read.

use crate::model::{SiteId, TownKind};
use crate::network::Mode;
use crate::policy::{PolicyProblem, PolicySolution};
use crate::scenario::Policy;
use serde::Serialize;

/// What a site is in the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteStatus {
    /// An existing facility that stays (its tier may not close facilities).
    Existing,
    /// An existing facility the plan chose to keep.
    Kept,
    /// An existing facility of another kind (e.g. a nursing home) turned into this tier.
    Upgraded,
    /// Built new.
    New,
    /// An existing facility merged into the nearest kept one (撤并).
    Closed,
}

impl SiteStatus {
    pub fn name(self) -> &'static str {
        match self {
            SiteStatus::Existing => "existing",
            SiteStatus::Kept => "kept",
            SiteStatus::Upgraded => "upgraded",
            SiteStatus::New => "new",
            SiteStatus::Closed => "closed",
        }
    }
}

/// One site of one tier in the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedSite {
    /// Index of the tier in the scenario.
    pub tier: usize,
    pub site: SiteId,
    pub status: SiteStatus,
    /// Plan year in which it is built or upgraded (`None`: it existed).
    pub build_year: Option<i32>,
    /// Estimated construction or upgrade cost.
    pub cost: f64,
    /// Construction subsidy its township receives for it (`[policy.subsidy]`): a new centre's
    /// package, and each new point beyond the package's (in build order, then by id); 0 for
    /// county centres, which the county builds itself.
    pub subsidy: f64,
    /// Yearly operating cost.
    pub operating: f64,
    /// Elders it serves (villages assigned to it as their nearest open facility).
    pub load: f64,
    pub capacity: Option<f64>,
    /// Planned nursing beds (`beds_per_elder` × load).
    pub beds: f64,
    /// Closed sites: where its users go, and the driving or walking minutes there.
    pub moved_to: Option<(SiteId, f64)>,
}

/// How a village is served in the last plan year.
#[derive(Clone, Debug, PartialEq)]
pub enum Service {
    /// A point hosted in the village itself (the village is the point's nearest).
    OwnPoint { site: SiteId, minutes: f64 },
    /// A point hosted in a neighbouring village, shared by an ordinary village (with
    /// `shared_points`, or a small community where its tier has `share_below_elders`).
    SharedPoint { site: SiteId, minutes: f64 },
    /// An exempt village served by extension (延伸服务) from a neighbouring village's point.
    NeighbourPoint { site: SiteId, minutes: f64 },
    /// The town centre.
    Centre { site: SiteId, minutes: f64 },
    /// Not served, and why.
    Unserved { reason: Unserved },
}

/// Why a village is not served (rendered in the scenario's language by the report).
#[derive(Clone, Debug, PartialEq)]
pub enum Unserved {
    /// No town or village tier builds in its kind of township (`townships`).
    NoTier { kind: TownKind },
    /// Farther than `max_snap_m` from every road of the serving tier's mode.
    OffNetwork { mode: Mode },
    /// Sites within the radius, but none its own point may stand at (一村一点).
    NoOwnCandidate { minutes: f64 },
    /// No candidate site within the radius.
    NoCandidate { minutes: f64 },
    /// Open facilities serve it, but with binding capacities (`capacity_binding`) the
    /// nearest, `minutes` away, is full with others' elders.
    Full {
        site: SiteId,
        minutes: f64,
        capacity: f64,
    },
    /// The nearest candidate that could serve it, `minutes` away, and why it does not.
    Nearest {
        site: SiteId,
        minutes: f64,
        why: NotBuilt,
    },
}

/// Why the nearest candidate for a village stays unbuilt.
#[derive(Clone, Debug, PartialEq)]
pub enum NotBuilt {
    /// The village has no elders: nothing is gained.
    NoElders,
    /// A centre candidate; the town's one centre is elsewhere.
    OtherCentre { centre: SiteId },
    /// A point there is beyond the link radius of the town's centre.
    CannotLink { centre: SiteId },
    /// The town has no centre to link a point to.
    NoCentre,
    /// The budgets up to its tier's `by_year` did not reach it.
    BudgetBy { year: i32 },
    /// The budgets did not reach it.
    Budget,
}

impl Service {
    pub fn name(&self) -> &'static str {
        match self {
            Service::OwnPoint { .. } => "own_point",
            Service::SharedPoint { .. } => "shared_point",
            Service::NeighbourPoint { .. } => "neighbour_point",
            Service::Centre { .. } => "centre",
            Service::Unserved { .. } => "unserved",
        }
    }

    pub fn site(&self) -> Option<(SiteId, f64)> {
        match *self {
            Service::OwnPoint { site, minutes }
            | Service::SharedPoint { site, minutes }
            | Service::NeighbourPoint { site, minutes }
            | Service::Centre { site, minutes } => Some((site, minutes)),
            Service::Unserved { .. } => None,
        }
    }
}

/// Why a village needs no point of its own (000 §2(4), 002 §2(4)): it may be served by
/// extension from its town's centre or a neighbouring point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// The village where its town's centre stands (镇级养老服务中心所在的村).
    CentreVillage,
    /// A village being merged or abolished (合并撤销的村; roster column `merging`).
    Merging,
}

impl Exemption {
    pub fn name(self) -> &'static str {
        match self {
            Exemption::CentreVillage => "centre_village",
            Exemption::Merging => "merging",
        }
    }
}

/// A village in the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct VillagePlan {
    pub service: Service,
    /// Why it needs no point of its own, if it need not.
    pub exemption: Option<Exemption>,
    /// Demand weight (elders, with the scenario's extra weights).
    pub weight: f64,
    /// Served, but its facility is full before it (nearer villages fill it first); never
    /// under binding capacities.
    pub over_capacity: bool,
    /// Share of its weight served: 1 unless binding capacities serve only part of it (the
    /// rest fitting in no open facility), 0 when unserved.
    pub served_share: f64,
    /// First plan year in which it is served (`None`: not by the last year).
    pub served_from: Option<i32>,
}

/// The policy part of a plan.
#[derive(Clone, Debug)]
pub struct PolicyPlan {
    pub policy: Policy,
    /// Towns, sorted; villages and sites refer to them by name.
    pub towns: Vec<String>,
    /// Whether each town is a 镇/乡 or a 街道.
    pub town_kinds: Vec<TownKind>,
    /// The towns in the order the reports list them: the towns roster's, else by name.
    pub town_order: Vec<usize>,
    /// The solved model (kept for checks and the audit).
    pub problem: PolicyProblem,
    /// Facility → (tier index, site).
    pub facilities: Vec<(usize, SiteId)>,
    pub solution: PolicySolution,
    /// County centres, town centres and points the plan has or builds, and closed ones.
    pub sites: Vec<PlannedSite>,
    pub villages: Vec<VillagePlan>,
    /// The nursing homes and care-centre beds (`[policy.homes]`).
    pub homes: Option<super::HomesOutcome>,
}

impl PolicyPlan {
    /// Plan years.
    pub fn years(&self) -> Vec<i32> {
        self.policy.years.iter().map(|&(y, _)| y).collect()
    }

    /// What the budget pays in plan year `y` (index): subsidies or construction, as the
    /// scenario's `budget_pays` says.
    pub fn spend(&self, y: usize) -> f64 {
        self.solution.spend[y]
    }

    /// Money left from the years before plan year `y` (index) and available in it: with
    /// `carry_over`, the budgets so far less what was spent; else nothing. A year that spends
    /// more than its own budget spends this.
    pub fn carried_in(&self, y: usize) -> f64 {
        if !self.policy.carry_over {
            return 0.0;
        }
        let budget: f64 = self.policy.years[..y].iter().map(|&(_, b)| b).sum();
        let spent: f64 = self.solution.spend[..y].iter().sum();
        (budget - spent).max(0.0)
    }

    /// Construction subsidies to the townships over the plan.
    pub fn subsidy(&self) -> f64 {
        self.sites.iter().map(|p| p.subsidy).sum()
    }

    /// Total demand (weighted elders) of all villages.
    pub fn demand(&self) -> f64 {
        self.villages.iter().map(|v| v.weight).sum()
    }

    /// Villages served in a way ([`Service::name`]).
    pub fn n_served_by(&self, name: &str) -> usize {
        self.villages
            .iter()
            .filter(|v| v.service.name() == name)
            .count()
    }

    /// Villages served but over their facility's capacity.
    pub fn n_over_capacity(&self) -> usize {
        self.villages.iter().filter(|v| v.over_capacity).count()
    }

    /// Sites of a status.
    pub fn n_sites(&self, status: SiteStatus) -> usize {
        self.sites.iter().filter(|p| p.status == status).count()
    }

    /// Construction and upgrade cost of the whole plan.
    pub fn construction_cost(&self) -> f64 {
        self.sites.iter().map(|p| p.cost).sum()
    }

    /// Each regional coverage target (004 §1(1)) and what the plan reaches in its year.
    pub fn targets(&self) -> Vec<TargetResult> {
        let pr = &self.problem;
        let open = &self.solution.open_from;
        self.policy
            .regional_targets
            .iter()
            .zip(&pr.targets)
            .map(|(t, m)| {
                let reached = pr.regionally_reached(open, m.by);
                let of = match t.of {
                    crate::scenario::TargetOf::Townships { .. } => "townships",
                    crate::scenario::TargetOf::Elders => "elders",
                };
                let counted = match m.township_share {
                    Some(_) => pr.town_weights().iter().filter(|&&w| w > 0.0).count() as f64,
                    None => pr.weights.iter().sum(),
                };
                let (value, needed) = (pr.target_value(m, &reached), pr.target_needed(m));
                TargetResult {
                    year: t.by_year,
                    of,
                    share: t.share,
                    counted,
                    needed,
                    reached: value,
                    met: value >= needed - 1e-6 * needed.max(1.0),
                }
            })
            .collect()
    }

    /// Yearly operating cost of everything open at the end.
    pub fn operating_cost(&self) -> f64 {
        self.sites.iter().map(|p| p.operating).sum()
    }
}

/// A regional coverage target in a plan: in `year`, of the `counted` townships (with elders)
/// or weighted elders, `needed` must be within a regional centre's radius; `reached` are.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetResult {
    pub year: i32,
    /// `townships` or `elders`.
    pub of: &'static str,
    pub share: f64,
    pub counted: f64,
    pub needed: f64,
    pub reached: f64,
    pub met: bool,
}
