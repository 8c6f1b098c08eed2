//! The one place where the stages are chained:
//! scenario → io → network → coverage → solve → (report, done by the caller).
//!
//! [`run`] returns a [`Plan`]: everything the reports need, computed before a single output
//! byte is written, so bad input can never leave half an output behind.

use crate::coverage::{self, TravelTimes};
use crate::error::{Error, Result};
use crate::io;
use crate::lang::Lang;
use crate::model::{LonLat, Site, SiteId, Town, Village, VillageId};
use crate::network::{Mode, NetworkStats, RoadNetwork, Snap};
use crate::progress::Progress;
use crate::scenario::{Scenario, Tier};
use crate::solve::{self, CoverProblem, Limit, Solution};
use checks::{check_extent, check_facilities, check_inputs_exist, check_terrain, read_terrain};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::time::Instant;

mod checks;
mod policy;
mod warning;

pub use policy::{
    CareResult, HomeResult, HomesOutcome, NotBuilt, PlannedSite, PolicyPlan, Relocation, Service,
    SiteStatus, TargetResult, Unserved, VillagePlan,
};
pub use warning::{Place, Warning};

/// The result of one tier's covering problem.
#[derive(Clone, Debug)]
pub struct TierPlan {
    pub tier: Tier,
    /// Sites eligible for the tier (existing ones included), in site order.
    pub candidates: Vec<SiteId>,
    /// Cost of each candidate in this tier (0 for existing sites).
    pub costs: Vec<f64>,
    /// For each candidate, the villages within the radius and their travel times (seconds).
    pub coverage: Vec<Vec<(VillageId, f64)>>,
    /// The answer; `open` indexes `candidates`.
    pub solution: Solution,
    /// For each village, the open site of this tier that reaches it fastest within the radius.
    pub assignment: Vec<Option<(SiteId, f64)>>,
}

impl TierPlan {
    /// A tier's plan, with each village assigned to its fastest open site.
    fn new(
        tier: Tier,
        candidates: Vec<SiteId>,
        costs: Vec<f64>,
        coverage: Vec<Vec<(VillageId, f64)>>,
        solution: Solution,
        n_villages: usize,
    ) -> Self {
        let mut assignment: Vec<Option<(SiteId, f64)>> = vec![None; n_villages];
        for &k in &solution.open {
            for &(v, t) in &coverage[k] {
                let slot = &mut assignment[v.index()];
                if slot.is_none_or(|(s, best)| t < best || t == best && candidates[k] < s) {
                    *slot = Some((candidates[k], t));
                }
            }
        }
        Self {
            tier,
            candidates,
            costs,
            coverage,
            solution,
            assignment,
        }
    }

    /// The open sites of this tier.
    pub fn open_sites(&self) -> impl Iterator<Item = SiteId> + '_ {
        self.solution.open.iter().map(|&k| self.candidates[k])
    }

    /// How many of the open sites existed before.
    pub fn n_existing(&self, sites: &[Site]) -> usize {
        self.open_sites()
            .filter(|id| sites[id.index()].existing)
            .count()
    }

    /// Villages within the radius of an open site.
    pub fn n_villages_covered(&self) -> usize {
        self.assignment.iter().filter(|a| a.is_some()).count()
    }

    /// Elders covered by this tier's open sites.
    pub fn covered_elders(&self) -> f64 {
        self.solution.objective
    }
}

/// Everything a run computed.
#[derive(Debug)]
pub struct Plan {
    pub scenario: Scenario,
    pub villages: Vec<Village>,
    pub sites: Vec<Site>,
    pub network: RoadNetwork,
    pub network_stats: NetworkStats,
    /// Snaps of villages and sites for each mode the tiers use (`None`: off the network).
    pub village_snaps: BTreeMap<Mode, Vec<Option<Snap>>>,
    pub site_snaps: BTreeMap<Mode, Vec<Option<Snap>>>,
    pub tiers: Vec<TierPlan>,
    /// Wall time of each stage, seconds, in order.
    pub timings: Vec<(&'static str, f64)>,
    /// Things the user should know that did not stop the run.
    pub warnings: Vec<Warning>,
    /// The policy plan, for scenarios with `[policy]`.
    pub policy: Option<PolicyPlan>,
}

impl Plan {
    /// Whether the village is covered: served by a point or centre under a policy, else within
    /// the radius of any tier's open site.
    pub fn covered(&self, v: VillageId) -> bool {
        match &self.policy {
            Some(p) => !matches!(p.villages[v.index()].service, Service::Unserved { .. }),
            None => self.tiers.iter().any(|t| t.assignment[v.index()].is_some()),
        }
    }
}

/// Travel times of one mode from a set of sites.
#[derive(Debug)]
pub(crate) struct Times {
    /// The sites, ascending.
    ids: Vec<SiteId>,
    tt: TravelTimes,
}

impl Times {
    /// Villages `site` reaches within `radius_s`, with seconds.
    fn reach(&self, site: SiteId, radius_s: f64) -> Vec<(VillageId, f64)> {
        let k = self
            .ids
            .binary_search(&site)
            .expect("site has travel times");
        self.tt.reach[k]
            .iter()
            .copied()
            .filter(|&(_, t)| coverage::covers(t, radius_s))
            .collect()
    }
}

/// The (mode, radius) in which each tier's sites need travel times to villages: the tier's
/// own, and for a policy's town centres also the village tier's (villages may walk to them).
fn reach_needs(scenario: &Scenario) -> Vec<Vec<(Mode, f64)>> {
    use crate::scenario::Role;
    let serve = scenario
        .tiers
        .iter()
        .find(|t| t.role == Some(Role::Village))
        .map(|t| (t.mode, t.radius_s));
    scenario
        .tiers
        .iter()
        .map(|t| {
            let mut needs = vec![(t.mode, t.radius_s)];
            if t.role == Some(Role::Town)
                && let Some(s) = serve
            {
                needs.push(s);
            }
            needs
        })
        .collect()
}

/// Runs a scenario from its files to a solved plan.
pub fn run(scenario: Scenario, progress: &Progress) -> Result<Plan> {
    solve(prepare(scenario, progress)?, progress)
}

/// A scenario's inputs read, checked, converted to WGS-84 and placed on the road network:
/// everything before travel times. `carecover validate` stops here.
#[derive(Debug)]
pub struct Prepared {
    pub scenario: Scenario,
    pub villages: Vec<Village>,
    pub sites: Vec<Site>,
    /// The towns roster, if the scenario gives one.
    pub towns: Option<Vec<Town>>,
    pub network: RoadNetwork,
    pub network_stats: NetworkStats,
    pub village_snaps: BTreeMap<Mode, Vec<Option<Snap>>>,
    pub site_snaps: BTreeMap<Mode, Vec<Option<Snap>>>,
    /// Eligible sites of each tier, in scenario order.
    pub candidates: Vec<Vec<SiteId>>,
    pub timings: Vec<(&'static str, f64)>,
    pub warnings: Vec<Warning>,
}

/// Reads and checks the inputs, builds the network and snaps every place (see [`Prepared`]).
pub fn prepare(scenario: Scenario, progress: &Progress) -> Result<Prepared> {
    let clock = Instant::now();
    check_inputs_exist(&scenario)?;
    let spinner = progress.spinner(scenario.language.pick("读取输入", "reading inputs"));
    let (villages, sites, roads) = {
        let (v, (s, r)) = rayon::join(
            || io::load_villages(&scenario.villages, &scenario.villages_table),
            || {
                rayon::join(
                    || io::load_sites(&scenario.sites, &scenario.sites_table),
                    || io::load_roads(&scenario.roads),
                )
            },
        );
        (v?, s?, r?)
    };
    let towns = match &scenario.towns {
        Some(path) => Some(io::load_towns(path, &scenario.towns_table)?),
        None => None,
    };
    spinner.finish_and_clear();
    let read_s = clock.elapsed().as_secs_f64();
    let mut prepared = prepare_loaded(scenario, villages, sites, roads, progress)?;
    prepared.towns = towns;
    prepared.timings[0].1 += read_s;
    Ok(prepared)
}

/// [`prepare`] for inputs already in memory (e.g. a generated county): converts them to
/// WGS-84, builds the network and snaps every place.
pub fn prepare_loaded(
    scenario: Scenario,
    mut villages: Vec<Village>,
    mut sites: Vec<Site>,
    mut roads: Vec<io::RoadLine>,
    progress: &Progress,
) -> Result<Prepared> {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, f64)>| {
        timings.push((name, clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };
    // Into WGS-84, whatever each input was declared in.
    if !scenario.villages_crs.is_wgs84() {
        villages
            .iter_mut()
            .for_each(|v| v.location = scenario.villages_crs.to_wgs84(v.location));
    }
    if !scenario.sites_crs.is_wgs84() {
        sites
            .iter_mut()
            .for_each(|s| s.location = scenario.sites_crs.to_wgs84(s.location));
    }
    if !scenario.roads_crs.is_wgs84() {
        let crs = scenario.roads_crs;
        roads
            .par_iter_mut()
            .flat_map_iter(|l| l.coords.iter_mut())
            .for_each(|c| *c = crs.to_wgs84(*c));
    }
    check_facilities(&scenario, &sites)?;
    // Candidate sites at the villages themselves, for tiers that build there; their ids
    // (`village:<id>`) must not be taken by a site of the file.
    if scenario.tiers.iter().any(|t| t.at_villages) {
        if let Some(s) = sites.iter().find(|s| s.key.starts_with("village:")) {
            return Err(Error::input(
                &scenario.sites,
                format!("site `{}`, field `id`", s.key),
                "ids starting with `village:` are kept for the candidate points carecover places at the villages (`at_villages`): rename the site",
            ));
        }
        sites.extend(villages.iter().map(|v| Site {
            key: format!("village:{}", v.key),
            name: v.name.clone(),
            town: v.town.clone(),
            kind: crate::scenario::VILLAGE_SITE_KIND.to_string(),
            location: v.location,
            cost: None,
            existing: false,
            facility: None,
            capacity: None,
            home: Default::default(),
            village: Some(v.key.clone()),
        }));
    }
    let options = crate::network::NetworkOptions {
        terrain: read_terrain(&scenario)?,
        ..scenario.network.clone()
    };
    lap("read inputs", &mut timings);

    let spinner = progress.spinner(
        scenario
            .language
            .pick("构建路网", "building the road network"),
    );
    let network = RoadNetwork::build(&roads, &options);
    drop(roads);
    spinner.finish_and_clear();
    check_terrain(&scenario, &network)?;
    let network_stats = network.stats();
    lap("build network", &mut timings);

    check_extent(
        &network,
        &scenario.villages,
        villages.iter().map(|v| v.location),
        scenario.max_snap_m,
    )?;
    check_extent(
        &network,
        &scenario.sites,
        sites.iter().map(|s| s.location),
        scenario.max_snap_m,
    )?;
    let candidates_of: Vec<Vec<SiteId>> = scenario
        .tiers
        .iter()
        .map(|t| tier_candidates(&scenario, t, &sites))
        .collect::<Result<_>>()?;

    let mut warnings = Vec::new();
    if let Some(t) = network.terrain.as_ref().filter(|t| t.flat_segments > 0) {
        warnings.push(Warning::FlatOutsideTerrain {
            segments: t.flat_segments,
            of: t.walk_segments,
        });
    }
    let modes: Vec<Mode> = Mode::ALL
        .into_iter()
        .filter(|m| {
            scenario.tiers.iter().any(|t| t.mode == *m)
                || (*m == Mode::Drive && scenario.tiers.iter().any(|t| t.link_radius_s.is_some()))
                // Residents of merged nursing homes are driven to their new home.
                || (*m == Mode::Drive
                    && scenario.policy.as_ref().is_some_and(|p| p.homes.is_some()))
        })
        .collect();
    let mut village_snaps = BTreeMap::new();
    let mut site_snaps = BTreeMap::new();
    let village_points: Vec<LonLat> = villages.iter().map(|v| v.location).collect();
    let site_points: Vec<LonLat> = sites.iter().map(|s| s.location).collect();
    for &mode in &modes {
        let vs = coverage::snap_all(&network, mode, &village_points, scenario.max_snap_m);
        let ss = coverage::snap_all(&network, mode, &site_points, scenario.max_snap_m);
        snap_warnings(&mut warnings, mode, &vs, &ss, scenario.max_snap_m);
        village_snaps.insert(mode, vs);
        site_snaps.insert(mode, ss);
    }
    for (i, v) in villages.iter().enumerate() {
        if let Some(p) = v.population
            && v.elders > p
        {
            warnings.push(Warning::EldersAbovePopulation {
                village: VillageId(i as u32),
                elders: v.elders,
                population: p,
            });
        }
    }
    lap("snap places", &mut timings);

    Ok(Prepared {
        scenario,
        villages,
        sites,
        towns: None,
        network,
        network_stats,
        village_snaps,
        site_snaps,
        candidates: candidates_of,
        timings,
        warnings,
    })
}

/// Computes travel times and solves every tier of a prepared scenario.
pub fn solve(prepared: Prepared, progress: &Progress) -> Result<Plan> {
    let Prepared {
        scenario,
        villages,
        sites,
        towns,
        network,
        network_stats,
        village_snaps,
        site_snaps,
        candidates: candidates_of,
        mut timings,
        warnings,
    } = prepared;
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, f64)>| {
        timings.push((name, clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };
    let modes: Vec<Mode> = village_snaps.keys().copied().collect();

    // One set of travel times per mode: from every candidate of the tiers that need the mode,
    // up to the largest radius among them.
    let needs = reach_needs(&scenario);
    let mut times: BTreeMap<Mode, Times> = BTreeMap::new();
    for &mode in &modes {
        let users = || {
            needs.iter().zip(&candidates_of).flat_map(move |(n, c)| {
                n.iter()
                    .filter(move |(m, _)| *m == mode)
                    .map(move |&(_, r)| (r, c))
            })
        };
        let mut ids: Vec<SiteId> = users().flat_map(|(_, c)| c.iter().copied()).collect();
        if ids.is_empty() {
            continue;
        }
        ids.sort_unstable();
        ids.dedup();
        let cutoff = users().map(|(r, _)| r).fold(0.0, f64::max);
        let snaps: Vec<Option<Snap>> = ids.iter().map(|s| site_snaps[&mode][s.index()]).collect();
        let bar = progress.bar(
            ids.len() as u64,
            &match (scenario.language, mode) {
                (Lang::Zh, Mode::Walk) => "步行时间".to_string(),
                (Lang::Zh, Mode::Drive) => "驾车时间".to_string(),
                (Lang::En, m) => format!("{} travel times", m.name()),
            },
        );
        let tt = coverage::travel_times(
            &network,
            mode,
            &snaps,
            &village_snaps[&mode],
            cutoff,
            &|| bar.inc(1),
        );
        bar.finish_and_clear();
        times.insert(mode, Times { ids, tt });
    }
    lap("travel times", &mut timings);

    let mut warnings = warnings;
    let (tiers, policy_plan) = if let Some(policy) = &scenario.policy {
        let spinner = progress.spinner(
            scenario
                .language
                .pick("按政策选址", "choosing sites under the policy"),
        );
        let (tiers, policy_plan) = policy::plan(
            &policy::Inputs {
                scenario: &scenario,
                policy,
                villages: &villages,
                sites: &sites,
                towns: towns.as_deref(),
                network: &network,
                site_snaps: &site_snaps,
                village_snaps: &village_snaps,
                candidates: &candidates_of,
                times: &times,
                status: &spinner,
            },
            &mut warnings,
        )?;
        spinner.finish_and_clear();
        lap("solve", &mut timings);
        // The nursing homes' model is a stage of its own (it runs after the centres are placed).
        if let Some(h) = &policy_plan.homes
            && let Some(solve) = timings.last_mut()
        {
            solve.1 -= h.seconds;
            timings.push(("nursing homes", h.seconds));
        }
        (tiers, Some(policy_plan))
    } else {
        let spinner = progress.spinner(scenario.language.pick("选址", "choosing sites"));
        let weights: Vec<f64> = villages.iter().map(|v| v.elders).collect();
        let mut tiers = Vec::new();
        for (tier, candidates) in scenario.tiers.iter().zip(candidates_of) {
            let coverage: Vec<Vec<(VillageId, f64)>> = candidates
                .iter()
                .map(|&s| times[&tier.mode].reach(s, tier.radius_s))
                .collect();
            let costs: Vec<f64> = candidates
                .iter()
                .map(|s| tier.site_cost(&sites[s.index()]))
                .collect();
            let problem = CoverProblem {
                weights: weights.clone(),
                covers: coverage
                    .iter()
                    .map(|c| c.iter().map(|(v, _)| v.0).collect())
                    .collect(),
                costs: costs.clone(),
                fixed: candidates
                    .iter()
                    .map(|s| sites[s.index()].existing)
                    .collect(),
                limit: tier.limit,
            };
            let solution = solve::solve_mclp(&problem, &scenario.solver);
            tiers.push(TierPlan::new(
                tier.clone(),
                candidates,
                costs,
                coverage,
                solution,
                villages.len(),
            ));
        }
        spinner.finish_and_clear();
        lap("solve", &mut timings);
        (tiers, None)
    };

    Ok(Plan {
        scenario,
        villages,
        sites,
        network,
        network_stats,
        village_snaps,
        site_snaps,
        tiers,
        timings,
        warnings,
        policy: policy_plan,
    })
}

/// The `facility` of an existing nursing home (敬老院).
pub const NURSING_HOME: &str = "nursing_home";

/// The sites a tier may use; errors if there are none, or if its budget buys none of them.
fn tier_candidates(scenario: &Scenario, tier: &Tier, sites: &[Site]) -> Result<Vec<SiteId>> {
    let place = format!("[[tier]] `{}`", tier.name);
    let ids: Vec<SiteId> = (0..sites.len() as u32)
        .map(SiteId)
        .filter(|s| tier.accepts(&sites[s.index()].kind))
        .collect();
    if ids.is_empty() {
        let mut kinds: Vec<&str> = sites.iter().map(|s| s.kind.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        return Err(Error::input(
            &scenario.file,
            place,
            format!(
                "no site in {} has one of the kinds {:?}; kinds present: {}",
                scenario.sites.display(),
                tier.site_kinds,
                kinds.join(", ")
            ),
        ));
    }
    if let Limit::Budget(b) = tier.limit {
        let cheapest = ids
            .iter()
            .filter(|s| !sites[s.index()].existing)
            .map(|s| (s, tier.site_cost(&sites[s.index()])))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((s, c)) = cheapest
            && c > b
        {
            return Err(Error::input(
                &scenario.file,
                place,
                format!(
                    "budget {b} is below every candidate site's cost (the cheapest, `{}`, costs {c}): nothing could be built",
                    sites[s.index()].key
                ),
            ));
        }
    }
    Ok(ids)
}

/// Warns of villages and sites off the `mode` network or snapped past a tiny piece of road.
fn snap_warnings(
    warnings: &mut Vec<Warning>,
    mode: Mode,
    villages: &[Option<Snap>],
    sites: &[Option<Snap>],
    max_snap_m: f64,
) {
    let places = || {
        let v = villages
            .iter()
            .enumerate()
            .map(|(i, s)| (Place::Village(VillageId(i as u32)), s));
        let s = sites
            .iter()
            .enumerate()
            .map(|(i, s)| (Place::Site(SiteId(i as u32)), s));
        v.chain(s)
    };
    let off: Vec<Place> = places()
        .filter(|(_, s)| s.is_none())
        .map(|(p, _)| p)
        .collect();
    let small: Vec<(Place, f64)> = places()
        .filter_map(|(p, s)| {
            s.filter(|s| s.skipped_small_component)
                .map(|s| (p, s.distance_m))
        })
        .collect();
    if !off.is_empty() {
        warnings.push(Warning::OffNetwork {
            mode,
            max_snap_m,
            places: off,
        });
    }
    if !small.is_empty() {
        warnings.push(Warning::SmallComponent {
            mode,
            places: small,
        });
    }
}
