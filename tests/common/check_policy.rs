//! The independent checker of policy plans ([`check_policy`]).

use super::{independent_times, raw_csv, times_to};
use carecover::model::TownKind;
use carecover::network::Mode;
use carecover::pipeline::{Plan, Service, SiteStatus};
use carecover::scenario::{BudgetPays, Role};
use std::collections::HashMap;

/// Checks a policy plan against the files and the scenario, recomputing what it can:
///
/// - every planned site is in the sites file, of a kind its tier accepts, with the status the
///   file allows (existing facilities kept, existing or closed; other existing buildings
///   upgraded; the rest new), and closed only where its tier allows closing; every existing
///   facility of a town or village tier appears;
/// - one centre per town in every year (exactly one from its town tier's `by_year`, else the
///   last year, where the town has a candidate), counting the sites built by then; nothing
///   of a town or village tier built after its `by_year`;
/// - every new point where a town tier builds has its town's centre open in its build year,
///   within the link radius by an independent driving time;
/// - the construction cost of each year, recomputed from the file and the tier costs, keeps
///   the budget (cumulatively with carry-over); nothing is built after the last year or
///   closed after being built;
/// - every village the plan serves is within the walking radius of its facility (independent
///   time, equal to the claimed minutes), no unserved one is within it of any open facility,
///   and the year it is first served is the first year a facility serving it is open.
///
/// Returns the number of checks made.
pub fn check_policy(plan: &Plan) -> usize {
    let sc = &plan.scenario;
    let pol = plan.policy.as_ref().unwrap();
    let mut rows = raw_csv(&sc.sites);
    // Tiers building at villages: each village is a candidate site of kind `village`.
    if sc.tiers.iter().any(|t| t.at_villages) {
        for v in raw_csv(&sc.villages) {
            let row: HashMap<String, String> = [
                ("id", format!("village:{}", v["id"])),
                ("kind", "village".to_string()),
                ("town", v["town"].clone()),
                ("lon", v["lon"].clone()),
                ("lat", v["lat"].clone()),
            ]
            .into_iter()
            .map(|(k, x)| (k.to_string(), x))
            .collect();
            rows.push(row);
        }
    }
    let by_id: HashMap<&str, &HashMap<String, String>> =
        rows.iter().map(|r| (r["id"].as_str(), r)).collect();
    let years: Vec<i32> = sc
        .policy
        .as_ref()
        .unwrap()
        .years
        .iter()
        .map(|y| y.0)
        .collect();
    let budgets: Vec<f64> = sc
        .policy
        .as_ref()
        .unwrap()
        .years
        .iter()
        .map(|y| y.1)
        .collect();
    let yes = |r: &HashMap<String, String>, k: &str| {
        matches!(r.get(k).map(String::as_str), Some("1" | "true" | "yes"))
    };
    let policy = sc.policy.as_ref().unwrap();
    let mut checks = 0;
    let mut spend = vec![0.0; years.len()];
    for p in &pol.sites {
        let tier = &sc.tiers[p.tier];
        let site = &plan.sites[p.site.index()];
        let row = by_id[site.key.as_str()];
        assert!(
            tier.site_kinds.is_empty()
                || tier.site_kinds.contains(&row["kind"])
                || (tier.at_villages && row["kind"] == "village"),
            "{} of kind {} in {}",
            site.key,
            row["kind"],
            tier.name
        );
        let facility = row.get("facility").map(String::as_str).unwrap_or("");
        let operates = yes(row, "existing") && (facility.is_empty() || facility == tier.name);
        match p.status {
            SiteStatus::Existing | SiteStatus::Kept => {
                assert!(operates, "{} not existing", site.key)
            }
            SiteStatus::Closed => assert!(operates && tier.close_existing, "{} closed", site.key),
            SiteStatus::Upgraded => assert!(yes(row, "existing") && !operates),
            SiteStatus::New => assert!(!yes(row, "existing")),
        }
        match p.status {
            SiteStatus::New | SiteStatus::Upgraded => {
                let y = p.build_year.expect("built sites have a year");
                let k = years.iter().position(|&x| x == y).expect("a plan year");
                // Town and village tiers build by their `by_year` (001 §1).
                if matches!(tier.role, Some(Role::Town | Role::Village))
                    && let Some(by) = tier.by_year
                {
                    assert!(y <= by, "{} built in {y}, after its tier's {by}", site.key);
                }
                let cost = match row.get("cost").map(String::as_str) {
                    Some(c) if !c.is_empty() => c.parse::<f64>().unwrap(),
                    _ => tier
                        .kind_costs
                        .get(&row["kind"])
                        .copied()
                        .unwrap_or(tier.default_cost),
                };
                assert!(
                    (cost - p.cost).abs() < 1e-6,
                    "{}: cost {} vs {cost}",
                    site.key,
                    p.cost
                );
                // The county builds its care centres itself: their construction is paid in
                // full whatever `budget_pays` says (000 annex 2, note).
                if policy.budget_pays == BudgetPays::Construction
                    || tier.role.is_some_and(Role::county_level)
                {
                    spend[k] += cost;
                }
            }
            _ => assert!(p.build_year.is_none(), "{} existing but built", site.key),
        }
        checks += 1;
    }
    // Each township's kind: `[policy] subdistricts`, else the towns roster, else its
    // villages' `town_kind`, else its name; each kind is served by the tiers covering it.
    let roster: Vec<HashMap<String, String>> = sc.towns.as_deref().map(raw_csv).unwrap_or_default();
    let village_rows = raw_csv(&sc.villages);
    let kind_of = |town: &str| -> TownKind {
        if policy.subdistricts.iter().any(|t| t == town) {
            return TownKind::Subdistrict;
        }
        let said = roster
            .iter()
            .filter(|r| r["town"] == town)
            .filter_map(|r| r.get("kind"))
            .chain(
                village_rows
                    .iter()
                    .filter(|r| r["town"] == town)
                    .filter_map(|r| r.get("town_kind")),
            )
            .find(|k| !k.is_empty());
        said.map_or_else(|| TownKind::of(town), |k| TownKind::parse(k).unwrap())
    };
    for (t, town) in pol.towns.iter().enumerate() {
        assert_eq!(pol.town_kinds[t], kind_of(town), "{town}: kind");
        checks += 1;
    }
    let serve_of = |town: &str| {
        let kind = kind_of(town);
        let of = |r: Role| {
            sc.tiers.iter().find(|t| {
                t.role == Some(r) && (t.townships.is_empty() || t.townships.contains(&kind))
            })
        };
        of(Role::Village).or_else(|| of(Role::Town))
    };
    // Existing facilities of the town and village tiers all appear (where their tier builds).
    for (k, tier) in sc.tiers.iter().enumerate() {
        if !matches!(tier.role, Some(Role::Town | Role::Village)) {
            continue;
        }
        for r in &rows {
            let facility = r.get("facility").map(String::as_str).unwrap_or("");
            let accepts = tier.site_kinds.is_empty() || tier.site_kinds.contains(&r["kind"]);
            let builds_here =
                tier.townships.is_empty() || tier.townships.contains(&kind_of(&r["town"]));
            if accepts
                && builds_here
                && yes(r, "existing")
                && (facility.is_empty() || facility == tier.name)
            {
                let town_known = plan.villages.iter().any(|v| v.town == r["town"]);
                assert!(
                    !town_known
                        || pol
                            .sites
                            .iter()
                            .any(|p| p.tier == k && plan.sites[p.site.index()].key == r["id"]),
                    "existing {} missing from {}",
                    r["id"],
                    tier.name
                );
            }
        }
    }
    // Subsidies, recomputed town by town from the scenario's schedule (000 §3(2), 001 §3(2),
    // 002 §3(2)): the package when the town builds its centre, with its first
    // `points_included` new points; the per-point amount for each further one (for every one
    // where the town builds no centre). Each year pays what its new facilities add.
    let village_towns: std::collections::BTreeSet<&str> =
        plan.villages.iter().map(|v| v.town.as_str()).collect();
    let built_in = |town: &str, role: Role, y: usize| {
        pol.sites
            .iter()
            .filter(|p| sc.tiers[p.tier].role == Some(role))
            .filter(|p| plan.sites[p.site.index()].town == town)
            .filter(|p| p.build_year.is_some_and(|b| b <= years[y]))
            .count()
    };
    for town in &village_towns {
        let sub = policy
            .subsidy
            .get(&kind_of(town))
            .copied()
            .unwrap_or_default();
        let mut before = 0.0;
        for (y, paid) in spend.iter_mut().enumerate() {
            let centre = built_in(town, Role::Town, y) > 0;
            let points = built_in(town, Role::Village, y);
            let included = if centre { sub.points_included } else { 0 };
            let now = if centre { sub.centre } else { 0.0 }
                + sub.point * points.saturating_sub(included) as f64;
            if policy.budget_pays == BudgetPays::Subsidy {
                *paid += now - before;
            }
            before = now;
        }
        let reported: f64 = pol
            .sites
            .iter()
            .filter(|p| plan.sites[p.site.index()].town == *town)
            .map(|p| p.subsidy)
            .sum();
        assert!(
            (reported - before).abs() < 1e-6,
            "{town}: subsidy {reported} reported, {before} by the schedule"
        );
        checks += 1;
    }
    for (y, &s) in spend.iter().enumerate() {
        assert!(
            (s - pol.spend(y)).abs() < 1e-6,
            "{}: the budget pays {s}, the plan says {}",
            years[y],
            pol.spend(y)
        );
    }
    // Budgets per year.
    let (mut spent, mut had) = (0.0, 0.0);
    for y in 0..years.len() {
        spent += spend[y];
        had += budgets[y];
        if policy.carry_over {
            assert!(
                spent <= had + 1e-6,
                "by {}: spent {spent} of {had}",
                years[y]
            );
        } else {
            assert!(
                spend[y] <= budgets[y] + 1e-6,
                "{}: spent {} of {}",
                years[y],
                spend[y],
                budgets[y]
            );
        }
        checks += 1;
    }
    // Open in year y: existing/kept, or built by then.
    let open_in = |p: &carecover::pipeline::PlannedSite, y: usize| match p.status {
        SiteStatus::Existing | SiteStatus::Kept => true,
        SiteStatus::Closed => false,
        _ => p.build_year.is_some_and(|b| b <= years[y]),
    };
    let role_of = |p: &carecover::pipeline::PlannedSite| sc.tiers[p.tier].role;
    // One centre per town.
    let towns: std::collections::BTreeSet<&str> =
        plan.villages.iter().map(|v| v.town.as_str()).collect();
    for town in &towns {
        // The town tier serving this kind of township (001 §2: a 街道 may have its own, or none).
        let kind = kind_of(town);
        let town_tier = sc.tiers.iter().find(|t| {
            t.role == Some(Role::Town) && (t.townships.is_empty() || t.townships.contains(&kind))
        });
        let has_candidate = town_tier.is_some_and(|tier| {
            rows.iter().any(|r| {
                r["town"] == *town
                    && (tier.site_kinds.is_empty() || tier.site_kinds.contains(&r["kind"]))
            })
        });
        for y in 0..years.len() {
            let n = pol
                .sites
                .iter()
                .filter(|p| role_of(p) == Some(Role::Town) && open_in(p, y))
                .filter(|p| by_id[plan.sites[p.site.index()].key.as_str()]["town"] == *town)
                .count();
            assert!(n <= 1, "{town} has {n} centres in {}", years[y]);
            let due = town_tier
                .and_then(|t| t.by_year)
                .unwrap_or(*years.last().unwrap());
            if years[y] >= due && has_candidate {
                assert_eq!(n, 1, "{town} has no centre by {}", years[y]);
            }
            checks += 1;
        }
    }
    // At least `min_sites` county (and regional) centres.
    for (k, tier) in sc.tiers.iter().enumerate() {
        if tier.role.is_some_and(Role::county_level) {
            let by = tier.by_year.unwrap_or(*years.last().unwrap());
            let by = years.iter().position(|&y| y == by).unwrap();
            let n_by = pol
                .sites
                .iter()
                .filter(|p| p.tier == k && open_in(p, by))
                .count();
            let n_end = pol
                .sites
                .iter()
                .filter(|p| p.tier == k && open_in(p, years.len() - 1))
                .count();
            assert!(
                n_by >= tier.min_sites && n_end <= tier.max_sites,
                "{n_by} county centres by {}, {n_end} at the end: at least {}, at most {} required",
                years[by],
                tier.min_sites,
                tier.max_sites
            );
            checks += 1;
        }
    }
    // Regional targets (004 §1(1)), from independent travel times and the raw roster: in the
    // target's year, villages within a regional centre's radius, then townships covered
    // when those hold `township_share` of their weight (or the weight itself).
    if let Some((k, tier)) = sc
        .tiers
        .iter()
        .enumerate()
        .find(|(_, t)| t.role == Some(Role::Regional))
    {
        let weights: Vec<f64> = pol.villages.iter().map(|v| v.weight).collect();
        let towns: Vec<String> = raw_csv(&sc.villages)
            .iter()
            .map(|r| r["town"].clone())
            .collect();
        for (target, result) in policy.regional_targets.iter().zip(pol.targets()) {
            let y = years.iter().position(|&x| x == target.by_year).unwrap();
            let mut reached = vec![false; weights.len()];
            for p in pol.sites.iter().filter(|p| p.tier == k && open_in(p, y)) {
                let site = &plan.sites[p.site.index()];
                let snap = plan.site_snaps[&tier.mode][p.site.index()]
                    .map(|s| (s.segment, s.fraction, s.point));
                for (v, t) in independent_times(plan, tier.mode, site.location, snap)
                    .into_iter()
                    .enumerate()
                {
                    reached[v] |= t <= tier.radius_s + 1e-9;
                }
            }
            let mut by_town: HashMap<&str, (f64, f64)> = HashMap::new();
            for v in 0..weights.len() {
                let e = by_town.entry(towns[v].as_str()).or_default();
                e.0 += weights[v];
                if reached[v] {
                    e.1 += weights[v];
                }
            }
            let (value, counted) = match target.of {
                carecover::scenario::TargetOf::Townships { township_share } => {
                    let counted = by_town.values().filter(|(w, _)| *w > 0.0).count() as f64;
                    let covered = by_town
                        .values()
                        .filter(|(w, h)| *w > 0.0 && *h >= township_share * w * (1.0 - 1e-9))
                        .count() as f64;
                    (covered, counted)
                }
                carecover::scenario::TargetOf::Elders => (
                    (0..weights.len())
                        .filter(|&v| reached[v])
                        .map(|v| weights[v])
                        .sum(),
                    weights.iter().sum(),
                ),
            };
            assert!(
                (value - result.reached).abs() < 1e-6 && (counted - result.counted).abs() < 1e-6,
                "regional target {}: the plan says {} of {}, recomputed {value} of {counted}",
                target.by_year,
                result.reached,
                result.counted
            );
            let needed = match target.of {
                carecover::scenario::TargetOf::Townships { .. } => {
                    (target.share * counted - 1e-9).ceil()
                }
                carecover::scenario::TargetOf::Elders => target.share * counted,
            };
            assert!(
                value >= needed - 1e-6,
                "regional target {}: {value} of {counted} reached, {needed} needed",
                target.by_year
            );
            checks += 1;
        }
    }
    // Linking: new points within their tier's drive radius of their town's centre.
    {
        for p in pol.sites.iter().filter(|p| {
            role_of(p) == Some(Role::Village)
                && matches!(p.status, SiteStatus::New | SiteStatus::Upgraded)
        }) {
            let tier = &sc.tiers[p.tier];
            assert!(
                tier.townships.is_empty()
                    || tier
                        .townships
                        .contains(&kind_of(&plan.sites[p.site.index()].town)),
                "{}: tier `{}` does not build in its kind of township",
                plan.sites[p.site.index()].key,
                tier.name
            );
            let point = &plan.sites[p.site.index()];
            // 中心带点 only where a town tier builds in the township (004 asks no centre).
            let kind = kind_of(&point.town);
            if !sc.tiers.iter().any(|t| {
                t.role == Some(Role::Town)
                    && (t.townships.is_empty() || t.townships.contains(&kind))
            }) {
                continue;
            }
            let y = years.iter().position(|&x| Some(x) == p.build_year).unwrap();
            let centre = pol
                .sites
                .iter()
                .find(|c| {
                    role_of(c) == Some(Role::Town)
                        && open_in(c, y)
                        && plan.sites[c.site.index()].town == point.town
                })
                .unwrap_or_else(|| panic!("point {} has no centre in its town", point.key));
            checks += 1;
            let Some(link) = tier.link_radius_s else {
                continue;
            };
            let c = &plan.sites[centre.site.index()];
            let snap = plan.site_snaps[&Mode::Drive][centre.site.index()]
                .map(|s| (s.segment, s.fraction, s.point));
            let t = times_to(
                plan,
                Mode::Drive,
                c.location,
                snap,
                &[(
                    point.location,
                    plan.site_snaps[&Mode::Drive][p.site.index()],
                )],
            )[0];
            assert!(
                t <= link + 1e-9,
                "point {} is {t} s from centre {}",
                point.key,
                c.key
            );
            checks += 1;
        }
    }
    // Service of each village: from each open point or centre within the radius of the
    // serving tier of its township's kind.
    let serving: Vec<&carecover::pipeline::PlannedSite> = pol
        .sites
        .iter()
        .filter(|p| matches!(role_of(p), Some(Role::Town | Role::Village)))
        .filter(|p| p.status != SiteStatus::Closed)
        .collect();
    let radius: Vec<f64> = serving
        .iter()
        .map(|p| serve_of(&plan.sites[p.site.index()].town).unwrap().radius_s)
        .collect();
    let times: Vec<Vec<f64>> = serving
        .iter()
        .map(|p| {
            let serve = serve_of(&plan.sites[p.site.index()].town).unwrap();
            independent_times(
                plan,
                serve.mode,
                plan.sites[p.site.index()].location,
                plan.site_snaps[&serve.mode][p.site.index()]
                    .map(|s| (s.segment, s.fraction, s.point)),
            )
        })
        .collect();
    // 一村一点 (000 §2(4), 002 §2(4)): a site's village is its `village` column (or the village
    // it was placed at), else the village of its town it reaches first on foot within the
    // radius. Only a village's own point serves it, unless it is exempt (merging, or its
    // town's centre stands in it), a small community where its tier shares, or the scenario
    // shares points.
    let key_index: HashMap<&str, usize> = plan
        .villages
        .iter()
        .enumerate()
        .map(|(i, v)| (v.key.as_str(), i))
        .collect();
    let host_of = |k: usize| -> Option<usize> {
        let site = &plan.sites[serving[k].site.index()];
        let row = by_id[site.key.as_str()];
        match row.get("village").map(String::as_str) {
            Some(v) if !v.is_empty() => Some(key_index[v]),
            _ => match site.key.strip_prefix("village:") {
                Some(v) => Some(key_index[v]),
                None => (0..plan.villages.len())
                    .filter(|&v| plan.villages[v].town == row["town"])
                    .filter(|&v| times[k][v] <= radius[k])
                    .min_by(|&a, &b| times[k][a].total_cmp(&times[k][b]).then(a.cmp(&b))),
            },
        }
    };
    let hosts: Vec<Option<usize>> = (0..serving.len()).map(host_of).collect();
    let last = years.len() - 1;
    let merging: Vec<bool> = raw_csv(&sc.villages)
        .iter()
        .map(|r| {
            matches!(
                r.get("merging").map(String::as_str),
                Some("1" | "yes" | "true" | "y")
            )
        })
        .collect();
    // Binding capacities (`capacity_binding`): a facility serves at most its capacity, and a
    // village may be served in part; who is served is then a maximum flow, recomputed below.
    let binding =
        |k: usize| sc.tiers[serving[k].tier].capacity_binding && serving[k].capacity.is_some();
    let any_binding = (0..serving.len()).any(binding);
    let mut whole_weight = 0.0;
    let mut flow_edges: Vec<(usize, f64, Vec<usize>)> = Vec::new();
    for (v, vp) in pol.villages.iter().enumerate() {
        let centre_village = (0..serving.len()).any(|k| {
            role_of(serving[k]) == Some(Role::Town)
                && open_in(serving[k], last)
                && hosts[k] == Some(v)
        });
        let expected = if centre_village {
            Some("centre_village")
        } else if merging[v] {
            Some("merging")
        } else {
            None
        };
        assert_eq!(
            vp.exemption.map(|e| e.name()),
            expected,
            "{}: exemption",
            plan.villages[v].key
        );
        // A small community may share a station of its township (001 §2(1)).
        let shares = |k: usize| {
            let town = &plan.sites[serving[k].site.index()].town;
            role_of(serving[k]) == Some(Role::Village)
                && *town == plan.villages[v].town
                && serve_of(town)
                    .and_then(|t| t.share_below_elders)
                    .is_some_and(|n| plan.villages[v].elders < n)
        };
        let may_serve = |k: usize| {
            policy.shared_points || expected.is_some() || hosts[k] == Some(v) || shares(k)
        };
        let allowed: Vec<usize> = (0..serving.len()).filter(|&k| may_serve(k)).collect();
        let reaching: Vec<usize> = allowed
            .iter()
            .copied()
            .filter(|&k| open_in(serving[k], last) && times[k][v] <= radius[k])
            .collect();
        if any_binding {
            // Served whole by an uncapacitated facility, or through the capacitated ones.
            if reaching.iter().any(|&k| !binding(k)) {
                whole_weight += vp.weight;
            } else if !reaching.is_empty() {
                flow_edges.push((v, vp.weight, reaching.clone()));
            }
            assert!(!vp.over_capacity, "{}: over capacity", plan.villages[v].key);
            let share = vp.served_share;
            assert!((0.0..=1.0).contains(&share));
            assert_eq!(share == 0.0, vp.service.site().is_none());
            if let Some((site, _)) = vp.service.site() {
                let k = serving.iter().position(|p| p.site == site).unwrap();
                assert!(reaching.contains(&k), "{}", plan.villages[v].key);
            }
            checks += 1;
            continue;
        }
        let best = reaching
            .iter()
            .map(|&k| times[k][v])
            .fold(f64::INFINITY, f64::min);
        match vp.service.site() {
            Some((site, minutes)) => {
                let k = serving
                    .iter()
                    .position(|p| p.site == site)
                    .expect("serving site open");
                assert!(times[k][v] <= radius[k] + 1e-9);
                assert!(
                    may_serve(k),
                    "{} served by a point not its own",
                    plan.villages[v].key
                );
                match vp.service.name() {
                    "own_point" => assert_eq!(hosts[k], Some(v), "{}", plan.villages[v].key),
                    "centre" => assert_eq!(role_of(serving[k]), Some(Role::Town)),
                    "shared_point" => {
                        assert!((policy.shared_points || shares(k)) && expected.is_none())
                    }
                    "neighbour_point" => assert!(expected.is_some() && hosts[k] != Some(v)),
                    other => panic!("{other}"),
                }
                assert!(
                    (times[k][v] / 60.0 - minutes).abs() < 1e-6,
                    "{}",
                    plan.villages[v].key
                );
                assert!((times[k][v] - best).abs() < 1e-6, "not the nearest");
                let first = (0..years.len())
                    .find(|&y| {
                        allowed
                            .iter()
                            .any(|&k| open_in(serving[k], y) && times[k][v] <= radius[k])
                    })
                    .map(|y| years[y]);
                assert_eq!(first, vp.served_from, "{}", plan.villages[v].key);
            }
            None => {
                assert!(
                    best.is_infinite(),
                    "{} unserved but {best} s from an open site that may serve it",
                    plan.villages[v].key
                );
                assert!(matches!(vp.service, Service::Unserved { .. }));
                assert_eq!(vp.served_from, None);
            }
        }
        checks += 1;
    }
    if any_binding {
        // Each capacitated facility within its capacity, and the elders served as much as a
        // maximum flow can (Edmonds–Karp here; the solver uses Dinic's algorithm).
        for k in (0..serving.len()).filter(|&k| binding(k)) {
            assert!(serving[k].load <= serving[k].capacity.unwrap() + 1e-6);
        }
        let flow = max_flow(&flow_edges, |k| serving[k].capacity.unwrap());
        let served: f64 = pol.villages.iter().map(|v| v.weight * v.served_share).sum();
        assert!(
            (served - whole_weight - flow).abs() < 1e-4 * served.max(1.0),
            "served {served}, expected {whole_weight} + {flow}"
        );
        let claimed = *pol.solution.served.last().unwrap();
        assert!(
            (served - claimed).abs() < 1e-4 * served.max(1.0),
            "{served} vs {claimed}"
        );
        checks += 2;
    }
    checks
}

/// Maximum flow from villages (weight each) to the facilities `edges` names (capacity each),
/// by shortest augmenting paths (Edmonds–Karp) on a dense residual matrix.
fn max_flow(edges: &[(usize, f64, Vec<usize>)], capacity: impl Fn(usize) -> f64) -> f64 {
    let mut facilities: Vec<usize> = edges.iter().flat_map(|e| e.2.iter().copied()).collect();
    facilities.sort_unstable();
    facilities.dedup();
    // Nodes: 0 source, 1 sink, then villages, then facilities.
    let n = 2 + edges.len() + facilities.len();
    let mut r = vec![vec![0.0f64; n]; n];
    for (i, (_, w, ks)) in edges.iter().enumerate() {
        r[0][2 + i] = *w;
        for k in ks {
            let j = 2 + edges.len() + facilities.binary_search(k).unwrap();
            r[2 + i][j] = f64::INFINITY;
        }
    }
    for (j, &k) in facilities.iter().enumerate() {
        r[2 + edges.len() + j][1] = capacity(k);
    }
    let mut total = 0.0;
    loop {
        let mut prev = vec![usize::MAX; n];
        prev[0] = 0;
        let mut queue = std::collections::VecDeque::from([0usize]);
        while let Some(a) = queue.pop_front() {
            for b in 0..n {
                if prev[b] == usize::MAX && r[a][b] > 1e-9 {
                    prev[b] = a;
                    queue.push_back(b);
                }
            }
        }
        if prev[1] == usize::MAX {
            return total;
        }
        let mut push = f64::INFINITY;
        let mut b = 1;
        while b != 0 {
            push = push.min(r[prev[b]][b]);
            b = prev[b];
        }
        let mut b = 1;
        while b != 0 {
            let a = prev[b];
            r[a][b] -= push;
            r[b][a] += push;
            b = a;
        }
        total += push;
    }
}
