//! The policy model: shipped scenarios checked by the independent checker with their headline
//! numbers pinned, the exact model against enumeration, statuses of existing facilities, the
//! task table, and errors of policy scenario files.

mod common;

use carecover::pipeline::{self, Plan, Service, SiteStatus};
use carecover::policy::{self, Facility, PolicyProblem};
use carecover::progress::Progress;
use carecover::scenario::{Objective, Role, Scenario};
use carecover::solve::{SolveOptions, Status};
use common::{check_plan, fixture, root};
use rand::{RngExt, SeedableRng};

fn run(path: &std::path::Path) -> Plan {
    pipeline::run(Scenario::load(path).unwrap(), &Progress::new(true)).unwrap()
}

/// Headline numbers of a solved policy scenario: the values of the lexicographic objective,
/// which every optimal plan shares (which sites, and so the split over years or the counts,
/// may differ between equally good plans, e.g. with another MILP backend).
#[derive(Debug, PartialEq)]
struct Headline {
    /// Elders served in the last plan year.
    served_last: f64,
    /// Elders served, summed over the plan years.
    elder_years: f64,
    /// Construction plus `operating_years` of operation of the town and village tiers (the
    /// county centre is chosen before, see `policy`).
    total_cost: f64,
}

fn headline(plan: &Plan) -> Headline {
    let s = &plan.policy.as_ref().unwrap().solution;
    Headline {
        served_last: *s.served.last().unwrap(),
        elder_years: s.served.iter().sum(),
        total_cost: s.total_cost,
    }
}

/// Solves a shipped scenario, checks it independently and returns its headline. The pinned
/// values below were computed by the solver (proven optimal) and are regression guards.
fn shipped(name: &str) -> (Headline, Plan) {
    let plan = run(&root().join(format!("scenarios/{name}.toml")));
    let checks = check_plan(&plan);
    assert!(checks > 60, "{name}: {checks} checks");
    let p = plan.policy.as_ref().unwrap();
    assert_eq!(p.solution.status, Status::Optimal, "{name}");
    assert_eq!(p.solution.method, "milp", "{name}");
    (headline(&plan), plan)
}

#[test]
fn default_scenario_full_coverage_at_least_cost() {
    let (h, plan) = shipped("default");
    assert_eq!(
        h,
        Headline {
            served_last: 10823.0,
            elder_years: 10823.0,
            total_cost: 15_460_000.0,
        }
    );
    let p = plan.policy.as_ref().unwrap();
    // Encamp's one centre serves Pas de la Casa; its main valley is beyond the link radius.
    assert!(p.n_served_by("unserved") >= 4);
    // 一村一点 as written: no village shares a neighbour's point; every village its centre
    // serves is the centre's own village (the checker re-derives which village that is).
    assert_eq!(p.n_served_by("shared_point"), 0);
    assert!(p.n_served_by("own_point") >= 50);
    for v in &p.villages {
        if matches!(
            v.service,
            Service::Centre { .. } | Service::NeighbourPoint { .. }
        ) {
            assert!(v.exemption.is_some(), "{v:?}");
        }
    }
    assert_eq!(
        p.n_sites(SiteStatus::New),
        p.sites.len(),
        "a greenfield county"
    );
}

#[test]
fn budget_limited_scenario_serves_the_most_within_its_budget() {
    let (h, plan) = shipped("budget_limited");
    assert!(h.served_last >= 0.6 * 11344.0, "Bazhou's 60 % target");
    assert_eq!(
        h,
        Headline {
            served_last: 9434.0,
            elder_years: 9434.0,
            total_cost: 8_980_000.0,
        }
    );
    assert!(plan.policy.as_ref().unwrap().spend(0) <= 9_000_000.0);
}

#[test]
fn phased_scenario_builds_the_default_plan_over_three_years() {
    let (h, plan) = shipped("phased");
    assert_eq!(
        h,
        Headline {
            served_last: 10823.0,
            elder_years: 31349.0,
            total_cost: 15_460_000.0,
        }
    );
    // The same least cost and service as the one-year default, reached by its last year,
    // and more served every year.
    let (d, _) = shipped("default");
    assert_eq!((h.served_last, h.total_cost), (d.served_last, d.total_cost));
    let served = &plan.policy.as_ref().unwrap().solution.served;
    assert!(served.windows(2).all(|w| w[0] <= w[1]), "{served:?}");
}

#[test]
fn walk_20min_serves_more_than_walk_15min_for_less() {
    let (w20, _) = shipped("walk_20min");
    assert_eq!(
        w20,
        Headline {
            served_last: 10823.0,
            elder_years: 10823.0,
            total_cost: 15_460_000.0,
        }
    );
    let (w15, _) = shipped("default");
    assert!(w20.served_last >= w15.served_last);
    assert!(w20.total_cost <= w15.total_cost);
}

#[test]
fn policy_plan_is_the_same_on_one_and_many_threads() {
    let path = root().join("scenarios/phased.toml");
    let solve_with = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run(&path))
    };
    let (one, four) = (solve_with(1), solve_with(4));
    let (a, b) = (one.policy.unwrap(), four.policy.unwrap());
    assert_eq!(a.solution, b.solution);
    assert_eq!(a.sites, b.sites);
    assert_eq!(a.villages, b.villages);
}

#[test]
fn existing_facilities_are_kept_upgraded_or_closed() {
    let plan = run(&fixture("tiny_policy/scenario.toml"));
    check_plan(&plan);
    let p = plan.policy.as_ref().unwrap();
    let status = |key: &str| {
        p.sites
            .iter()
            .find(|s| plan.sites[s.site.index()].key == key)
            .map(|s| s.status)
    };
    // The existing centre of T1 may not close; T2's nursing home is the cheapest centre.
    assert_eq!(status("s1"), Some(SiteStatus::Existing));
    assert_eq!(status("n1"), Some(SiteStatus::Upgraded));
    // p3 alone serves Nancun: kept. p1 and p2 serve only what the centre s1 serves: their
    // operating cost over five years is saved, users moved to the nearest kept point.
    assert_eq!(status("p3"), Some(SiteStatus::Kept));
    for key in ["p1", "p2"] {
        assert_eq!(status(key), Some(SiteStatus::Closed), "{key}");
        let closed = p
            .sites
            .iter()
            .find(|s| plan.sites[s.site.index()].key == key)
            .unwrap();
        assert!(closed.moved_to.is_some());
    }
    assert!(p.sites.iter().any(|s| s.status == SiteStatus::New));
    // The upgrade is built in the first year, the new points when money allows.
    let n1 = p
        .sites
        .iter()
        .find(|s| plan.sites[s.site.index()].key == "n1")
        .unwrap();
    assert_eq!(n1.build_year, Some(2025));
    let reasons: Vec<&str> = p
        .villages
        .iter()
        .filter_map(|v| match &v.service {
            Service::Unserved { reason } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("could not be linked")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("no candidate site within 6 min"))
    );
}

#[test]
fn task_table_has_the_annex_columns_and_adds_up() {
    let plan = run(&root().join("scenarios/phased.toml"));
    let table = carecover::report::task_table::task_table(&plan).unwrap();
    // The published annex columns (shared/data/plans/jiangjin_2021_plan.csv), per plan year.
    let jiangjin =
        std::fs::read_to_string(root().join("../shared/data/plans/jiangjin_2021_plan.csv"));
    let expected: Vec<String> = match jiangjin {
        Ok(text) => text
            .lines()
            .next()
            .unwrap()
            .split(',')
            .map(|c| c.replace("2021", "2025").replace("2022", "2026"))
            .collect(),
        Err(_) => vec!["town".into(), "villages".into(), "new_points_2025".into()],
    };
    for column in expected
        .iter()
        .filter(|c| !c.ends_with("_2026") || c.starts_with("new_"))
    {
        assert!(
            table.header.contains(column),
            "missing {column}: {:?}",
            table.header
        );
    }
    for y in [2025, 2026, 2027] {
        assert!(table.header.contains(&format!("new_points_{y}")));
    }
    let col = |name: &str| table.header.iter().position(|h| h == name).unwrap();
    let num = |cell: &carecover::report::task_table::Cell| match cell {
        carecover::report::task_table::Cell::Number(x) => *x,
        other => panic!("{other:?}"),
    };
    let (towns, total) = table.rows.split_at(table.rows.len() - 1);
    assert_eq!(towns.len(), 7);
    for name in [
        "villages",
        "new_points_2025",
        "new_points_2026",
        "new_points_2027",
        "elders_served",
        "construction_cost",
    ] {
        let sum: f64 = towns.iter().map(|r| num(&r[col(name)])).sum();
        assert!((sum - num(&total[0][col(name)])).abs() < 1e-6, "{name}");
    }
    assert_eq!(num(&total[0][col("villages")]), 66.0);
    let new_centres: f64 = [2025, 2026, 2027]
        .iter()
        .map(|y| num(&total[0][col(&format!("new_centers_{y}"))]))
        .sum();
    assert_eq!(new_centres, 7.0, "one centre per parish");
    // The .xlsx holds the same cells.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("t.xlsx");
    std::fs::write(
        &file,
        carecover::report::task_table::to_xlsx(&table, &file).unwrap(),
    )
    .unwrap();
    use calamine::{Reader, open_workbook_auto};
    let mut book = open_workbook_auto(&file).unwrap();
    let range = book.worksheet_range("task_table").unwrap();
    assert_eq!(range.height(), table.rows.len() + 1);
    assert_eq!(range.get((0, 0)).unwrap().to_string(), "town");
    let v = range.get((table.rows.len(), col("elders_served"))).unwrap();
    assert_eq!(
        v.to_string().parse::<f64>().unwrap(),
        num(&total[0][col("elders_served")])
    );
}

// ---------------------------------------------------------------------------------------------
// The exact model against enumeration.

/// The best plan by enumerating every first-open year of every facility (among the plans
/// `keep` accepts).
fn enumerate(
    p: &PolicyProblem,
    keep: &dyn Fn(&[Option<usize>]) -> bool,
) -> Option<Vec<Option<usize>>> {
    let n = p.facilities.len();
    let y = p.n_years();
    let choices: Vec<Vec<Option<usize>>> = p
        .facilities
        .iter()
        .map(|f| {
            if f.fixed() {
                vec![Some(0)]
            } else if f.existing {
                vec![None, Some(0)]
            } else {
                std::iter::once(None).chain((0..y).map(Some)).collect()
            }
        })
        .collect();
    let mut idx = vec![0usize; n];
    let mut best: Option<Vec<Option<usize>>> = None;
    loop {
        let plan: Vec<Option<usize>> = (0..n).map(|f| choices[f][idx[f]]).collect();
        if keep(&plan) && p.check(&plan).is_ok() && best.as_ref().is_none_or(|b| p.better(&plan, b))
        {
            best = Some(plan);
        }
        let mut k = 0;
        loop {
            if k == n {
                return best;
            }
            idx[k] += 1;
            if idx[k] < choices[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

fn random_problem(seed: u64) -> PolicyProblem {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let n_villages = rng.random_range(4..9usize);
    let n_towns = 2;
    // Half the instances pay subsidies: a package per town with some points included and a
    // per-point amount beyond (000 §3(2)); a subdistrict-like town has no package.
    let subsidised = rng.random_bool(0.5);
    let package: Vec<f64> = (0..n_towns)
        .map(|_| rng.random_range(0..12) as f64)
        .collect();
    let point_subsidy: Vec<carecover::scenario::Subsidy> = (0..n_towns)
        .map(|_| carecover::scenario::Subsidy {
            centre: 0.0,
            points_included: rng.random_range(0..3),
            point: if subsidised {
                rng.random_range(0..4) as f64
            } else {
                0.0
            },
        })
        .collect();
    let mut facilities = Vec::new();
    for (t, &package) in package.iter().enumerate() {
        for _ in 0..2 {
            let existing = rng.random_bool(0.2);
            let cost = if existing {
                0.0
            } else {
                rng.random_range(5..20) as f64
            };
            facilities.push(Facility {
                role: Role::Town,
                town: Some(t),
                cost,
                // A town's package (subsidy) or its construction cost.
                paid: if subsidised { package } else { cost },
                operating: rng.random_range(0..3) as f64,
                existing,
                closable: existing && rng.random_bool(0.5),
                serves: Vec::new(),
                links: Vec::new(),
            });
        }
    }
    let n_points = rng.random_range(2..5usize);
    for _ in 0..n_points {
        let t = rng.random_range(0..n_towns);
        let existing = rng.random_bool(0.15);
        let links: Vec<usize> = (0..facilities.len())
            .filter(|&c| facilities[c].town == Some(t) && rng.random_bool(0.7))
            .collect();
        let cost = if existing {
            0.0
        } else {
            rng.random_range(1..6) as f64
        };
        facilities.push(Facility {
            role: Role::Village,
            town: Some(t),
            cost,
            paid: if subsidised || existing { 0.0 } else { cost },
            operating: rng.random_range(0..2) as f64,
            existing,
            closable: existing && rng.random_bool(0.5),
            serves: Vec::new(),
            links,
        });
    }
    // County centres: 0-2 candidates, at least `min` by year `by`, at most `max`.
    let n_county = rng.random_range(0..3usize);
    for _ in 0..n_county {
        let cost = rng.random_range(3..15) as f64;
        facilities.push(Facility {
            role: Role::County,
            town: None,
            cost,
            paid: cost,
            operating: rng.random_range(0..2) as f64,
            existing: false,
            closable: false,
            serves: Vec::new(),
            links: Vec::new(),
        });
    }
    // Regional centres (000 §2(1), 004 §1(1)): 0-2 candidates beside at most one county one,
    // sometimes with a coverage target of townships or elders.
    let n_regional = rng.random_range(0..=2usize.min(3 - n_county.min(3)).min(2));
    for _ in 0..n_regional {
        let cost = rng.random_range(2..10) as f64;
        facilities.push(Facility {
            role: Role::Regional,
            town: None,
            cost,
            paid: cost,
            operating: rng.random_range(0..2) as f64,
            existing: false,
            closable: false,
            serves: Vec::new(),
            links: Vec::new(),
        });
    }
    for f in &mut facilities {
        f.serves = (0..n_villages as u32)
            .filter(|_| rng.random_bool(if f.role == Role::Regional { 0.5 } else { 0.35 }))
            .collect();
    }
    let years = rng.random_range(1..3usize);
    let min = rng.random_range(0..=n_county.min(1));
    let county = policy::CountyRule {
        min,
        max: rng.random_range(min..=n_county.max(min)),
        by: rng.random_range(0..years),
    };
    let min = rng.random_range(0..=n_regional.min(1));
    let regional = policy::CountyRule {
        min,
        max: rng.random_range(min..=n_regional.max(min)),
        by: rng.random_range(0..years),
    };
    let targets: Vec<policy::Target> = if n_regional > 0 && rng.random_bool(0.6) {
        vec![policy::Target {
            share: [0.3, 0.5, 0.6][rng.random_range(0..3)],
            by: rng.random_range(0..years),
            township_share: rng
                .random_bool(0.5)
                .then(|| [0.5, 0.8][rng.random_range(0..2)]),
        }]
    } else {
        Vec::new()
    };
    let village_town: Vec<usize> = (0..n_villages).map(|v| v % n_towns).collect();
    PolicyProblem {
        weights: (0..n_villages)
            .map(|_| rng.random_range(0..50) as f64)
            .collect(),
        n_towns,
        village_town,
        needs_centre: vec![true; n_towns],
        point_subsidy,
        facilities,
        county,
        regional,
        targets,
        budgets: (0..years)
            .map(|_| rng.random_range(10..40) as f64)
            .collect(),
        carry_over: rng.random_bool(0.5),
        objective: if rng.random_bool(0.5) {
            Objective::FullCoverage
        } else {
            Objective::MaxCoverage
        },
        min_share: None,
        operating_years: rng.random_range(0..3) as f64,
    }
}

#[test]
fn exact_policy_plans_equal_enumeration_and_heuristic_plans_keep_every_rule() {
    let options = SolveOptions::default();
    let (mut solved, mut targeted) = (0, 0);
    for seed in 0..150 {
        let p = random_problem(seed);
        let best = enumerate(&p, &|_| true);
        let exact = policy::solve(&p, &options, usize::MAX, 60.0);
        match (best, exact) {
            (None, Err(_)) => {}
            (Some(best_plan), Ok(s)) => {
                p.check(&s.open_from).unwrap();
                let (r, best) = (p.rank(&s.open_from), p.rank(&best_plan));
                // Full coverage: the same served, county coverage, cost and construction as
                // the best plan, and the most elder-years any schedule of its sites gives.
                let exact = match p.objective {
                    Objective::FullCoverage => 4,
                    Objective::MaxCoverage => r.len(),
                };
                for k in 0..exact {
                    assert!(
                        (r[k] - best[k]).abs() < 1e-6,
                        "seed {seed}: solver {r:?}, enumeration {best:?}"
                    );
                }
                if exact < r.len() {
                    let same_sites = |plan: &[Option<usize>]| {
                        plan.iter()
                            .zip(&s.open_from)
                            .all(|(a, b)| a.is_some() == b.is_some())
                    };
                    let scheduled = p.rank(&enumerate(&p, &same_sites).unwrap());
                    assert!(
                        (r[4] - scheduled[4]).abs() < 1e-6,
                        "seed {seed}: elder-years {} against {} for the same sites",
                        -r[4],
                        -scheduled[4]
                    );
                }
                assert_eq!(s.status, Status::Optimal);
                solved += 1;
                if !p.targets.is_empty() {
                    targeted += 1;
                }
                if let Ok(h) = policy::heuristic::solve(&p, &options) {
                    p.check(&h.open_from).unwrap();
                    assert!(
                        !p.better(&h.open_from, &best_plan),
                        "seed {seed}: heuristic beats the optimum"
                    );
                    // The heuristic's bound holds for the optimum.
                    match p.objective {
                        Objective::MaxCoverage => assert!(
                            h.bound >= -best[0] - 1e-6,
                            "seed {seed}: bound {} below optimum {}",
                            h.bound,
                            -best[0]
                        ),
                        Objective::FullCoverage => assert!(
                            h.bound <= best[2] + 1e-6,
                            "seed {seed}: cost bound {} above optimum {}",
                            h.bound,
                            best[2]
                        ),
                    }
                }
            }
            (best, exact) => panic!(
                "seed {seed}: enumeration {best:?}, solver {:?}",
                exact.map(|s| s.open_from)
            ),
        }
    }
    assert!(solved >= 75, "only {solved} feasible instances");
    assert!(
        targeted >= 15,
        "only {targeted} feasible instances with a regional target"
    );
}

// ---------------------------------------------------------------------------------------------
// Scenario errors.

fn parse_err(text: &str) -> String {
    Scenario::parse(text, std::path::Path::new("scenarios/x.toml"))
        .unwrap_err()
        .to_string()
}

const INPUTS: &str = "[inputs]\nvillages = \"v.csv\"\nsites = \"s.csv\"\nroads = \"r.csv\"\n";

#[test]
fn policy_scenario_errors_name_the_key() {
    let base = format!("{INPUTS}[policy]\nobjective = \"full_coverage\"\nbudget = 100\n");
    let e = parse_err(&format!(
        "{base}[[tier]]\nname = \"c\"\nmode = \"drive\"\nradius_min = 10\n"
    ));
    assert!(e.contains("needs `role`"), "{e}");
    let e = parse_err(&format!(
        "{base}[[tier]]\nname = \"c\"\nrole = \"town\"\nmode = \"drive\"\nradius_min = 10\nbudget = 5\n"
    ));
    assert!(e.contains("budgets are set in [policy]"), "{e}");
    let e = parse_err(&format!(
        "{INPUTS}[policy]\nobjective = \"full_coverage\"\n[[tier]]\nname = \"c\"\nrole = \"town\"\nmode = \"drive\"\nradius_min = 10\n"
    ));
    assert!(e.contains("missing budget"), "{e}");
    let e = parse_err(&format!(
        "{INPUTS}[policy]\nobjective = \"full_coverage\"\n[[policy.years]]\nyear = 2026\nbudget = 1\n[[policy.years]]\nyear = 2025\nbudget = 1\n[[tier]]\nname = \"c\"\nrole = \"town\"\nmode = \"drive\"\nradius_min = 10\n"
    ));
    assert!(e.contains("plan years must increase"), "{e}");
    let e = parse_err(&format!(
        "{base}[[tier]]\nname = \"p\"\nrole = \"village\"\nmode = \"walk\"\nradius_min = 10\n"
    ));
    assert!(e.contains("no tier has role = \"town\""), "{e}");
    let e = parse_err(&format!(
        "{INPUTS}[[tier]]\nname = \"c\"\nrole = \"town\"\nmode = \"drive\"\nradius_min = 10\nbudget = 5\n"
    ));
    assert!(e.contains("need a [policy] section"), "{e}");
}

#[test]
fn budgets_below_the_required_centres_are_refused_with_the_reason() {
    let path = root().join("scenarios/budget_limited.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    for (budget, expected) in [
        ("1000000", "the county care centre costs 3000000"),
        ("5000000", "cannot build a centre in every town"),
    ] {
        let t = text.replace("budget = 9000000", &format!("budget = {budget}"));
        let err =
            pipeline::run(Scenario::parse(&t, &path).unwrap(), &Progress::new(true)).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[test]
fn demand_weights_add_weighted_village_columns() {
    let path = root().join("scenarios/default.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "operating_years = 5",
        "operating_years = 5\ndemand = { elders = 1.0, buildings = 0.5 }",
    );
    let plan = pipeline::run(Scenario::parse(&text, &path).unwrap(), &Progress::new(true)).unwrap();
    check_plan(&plan);
    let p = plan.policy.as_ref().unwrap();
    for (v, vp) in plan.villages.iter().zip(&p.villages) {
        let buildings: f64 = v
            .extra
            .iter()
            .find(|(k, _)| k == "buildings")
            .unwrap()
            .1
            .parse()
            .unwrap();
        assert_eq!(vp.weight, v.elders + 0.5 * buildings, "{}", v.key);
    }
    let served: f64 = p
        .villages
        .iter()
        .filter(|v| v.served_from.is_some())
        .map(|v| v.weight)
        .sum();
    assert!((served - p.solution.served[0]).abs() < 1e-6);
}

#[test]
fn demand_weights_on_a_missing_column_name_the_village() {
    let path = root().join("scenarios/default.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "operating_years = 5",
        "operating_years = 5\ndemand = { elders_80 = 0.5 }",
    );
    let err = pipeline::run(Scenario::parse(&text, &path).unwrap(), &Progress::new(true))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("villages.csv") && err.contains("elders_80"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Published plans and the audit.

#[test]
fn jiangjin_plan_table_reads_with_its_published_totals() {
    let path = root().join("../shared/data/plans/jiangjin_2021_plan.csv");
    if !path.exists() {
        eprintln!("skipped: {} not present", path.display());
        return;
    }
    let towns = carecover::io::read_plan_table(&path).unwrap();
    let sum = |f: &dyn Fn(&carecover::io::PlannedTown) -> f64| towns.iter().map(f).sum::<f64>();
    // DOMAIN.md: 30 towns, 175 villages, 60 existing points; 25 new centres, 95 new points.
    assert_eq!(towns.len(), 30);
    assert_eq!(sum(&|t| t.villages.unwrap()), 175.0);
    assert_eq!(sum(&|t| t.existing_points.unwrap()), 60.0);
    assert_eq!(sum(&|t| t.new_centres), 25.0);
    assert_eq!(sum(&|t| t.new_points), 95.0);
    let baisha = towns.iter().find(|t| t.town == "白沙镇").unwrap();
    assert_eq!((baisha.villages, baisha.new_points), (Some(14.0), 9.0));
}

#[test]
fn plan_table_errors_name_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |text: &str| {
        let p = tmp.path().join("plan.csv");
        std::fs::write(&p, text).unwrap();
        p
    };
    let e = carecover::io::read_plan_table(&write("town,villages\nA,3\n"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no `new_points"), "{e}");
    let e = carecover::io::read_plan_table(&write("town,new_points_2025\nA,3\nA,2\n"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3") && e.contains("appears twice"), "{e}");
    let e = carecover::io::read_plan_table(&write("town,new_points_2025\nA,2.5\n"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2") && e.contains("new_points_2025") && e.contains("whole number"),
        "{e}"
    );
    let e = carecover::io::read_plan_table(&write("town,new_points_2025\nA,-1\n"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("negative"), "{e}");
}

#[test]
fn audit_finds_towns_that_build_more_or_fewer_points_than_coverage_needs() {
    let plan = run(&root().join("scenarios/default.toml"));
    let planned =
        carecover::io::read_plan_table(&root().join("scenarios/andorra_plan_2025.csv")).unwrap();
    let a = carecover::report::audit::audit(&plan, &planned, 30.0);
    let rows = a["towns"].as_array().unwrap();
    assert_eq!(rows.len(), 7);
    for r in rows {
        let (planned, needed) = (
            r["planned_points"].as_i64().unwrap(),
            r["needed_points"].as_i64().unwrap(),
        );
        assert_eq!(r["difference"].as_i64().unwrap(), planned - needed);
        assert!(needed <= r["villages"].as_i64().unwrap());
        let (max, with_plan) = (
            r["served_max"].as_f64().unwrap(),
            r["served_with_plan"].as_f64().unwrap(),
        );
        assert!(with_plan <= max + 1e-9);
        if planned >= needed {
            assert_eq!(with_plan, max, "{r}");
        } else {
            assert!(with_plan < max, "{r}");
        }
    }
    // The audit's best per town serves what the full plan serves (same rules, town by town).
    let served: f64 = rows.iter().map(|r| r["served_max"].as_f64().unwrap()).sum();
    assert_eq!(served, plan.policy.as_ref().unwrap().solution.served[0]);
    let verdict = |town: &str| {
        rows.iter().find(|r| r["town"] == town).unwrap()["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(verdict("Sant Julià de Lòria").contains("fewer"));
    assert!(verdict("La Massana").contains("more"));
}

#[test]
fn compare_walk_15_and_20_minutes_town_by_town() {
    let tmp = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for name in ["default", "walk_20min"] {
        let plan = run(&root().join(format!("scenarios/{name}.toml")));
        dirs.push(
            carecover::report::write_all(&plan, &tmp.path().join(name), &Progress::new(true))
                .unwrap(),
        );
    }
    let c = carecover::report::compare::compare(&dirs[0], &dirs[1]).unwrap();
    let t = &c["totals"];
    // As in each plan's own summary (pinned above): served, over capacity, outside.
    assert_eq!(
        (t["covered_a"].as_u64(), t["covered_b"].as_u64()),
        (Some(59), Some(59))
    );
    assert_eq!(
        (t["outside_a"].as_u64(), t["outside_b"].as_u64()),
        (Some(7), Some(7))
    );
    assert_eq!(
        (t["over_capacity_a"].as_u64(), t["over_capacity_b"].as_u64()),
        (Some(2), Some(2))
    );
    // Under 一村一点 a longer walk only helps exempt villages: the same service and cost,
    // with some points moved.
    assert_eq!(t["cost_a"].as_f64(), Some(10_360_000.0));
    assert_eq!(t["cost_b"].as_f64(), Some(10_360_000.0));
    let towns = c["towns"].as_array().unwrap();
    assert_eq!(towns.len(), 7);
    let served: u64 = towns.iter().map(|r| r["covered_b"].as_u64().unwrap()).sum();
    assert_eq!(served, 59);
    assert!(
        !c["only_in_a"].as_array().unwrap().is_empty(),
        "the plans differ"
    );
    let text = carecover::report::compare::compare_text(&c);
    assert!(text.contains("over cap A/B") && text.contains("Escaldes-Engordany"));
}

#[test]
fn yongchuan_rules_pay_town_packages_and_subdistrict_points() {
    // 000 §3(2): a town building its centre receives 1,000,000 with up to 5 new points, then
    // 30,000 a point; a subdistrict 30,000 a point. The checker (in `shipped`) recomputes each
    // town's subsidy and each year's payments against the budgets; here the task table.
    let (_, plan) = shipped("yongchuan_rules");
    let table = carecover::report::task_table::task_table(&plan).unwrap();
    let col = |name: &str| table.header.iter().position(|h| h == name).unwrap();
    let num = |cell: &carecover::report::task_table::Cell| match cell {
        carecover::report::task_table::Cell::Number(x) => *x,
        other => panic!("{other:?}"),
    };
    let text = |cell: &carecover::report::task_table::Cell| match cell {
        carecover::report::task_table::Cell::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    let (towns, _) = table.rows.split_at(table.rows.len() - 1);
    let mut kinds = std::collections::BTreeSet::new();
    for row in towns {
        let sum = |name: &str| -> f64 {
            [2021, 2022]
                .iter()
                .map(|y| num(&row[col(&format!("{name}_{y}"))]))
                .sum()
        };
        let (centres, points) = (
            sum("new_centers") + sum("nursing_home_upgrades"),
            sum("new_points"),
        );
        let expected = match text(&row[col("kind")]).as_str() {
            "town" if centres > 0.0 => 1_000_000.0 + 30_000.0 * (points - 5.0).max(0.0),
            "town" => 30_000.0 * points,
            "subdistrict" => 30_000.0 * points,
            other => panic!("{other}"),
        };
        kinds.insert(text(&row[col("kind")]));
        assert_eq!(num(&row[col("subsidy")]), expected, "{:?}", row[0]);
        assert_eq!(sum("subsidy"), expected);
    }
    assert_eq!(kinds.len(), 2, "towns and subdistricts");
    let p = plan.policy.as_ref().unwrap();
    assert_eq!(p.n_served_by("shared_point"), 0);
}

#[test]
fn rule_inputs_are_checked_with_file_row_and_value() {
    // A subsidy package that includes a negative number of points.
    let path = root().join("scenarios/yongchuan_rules.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let bad = text.replace("points_included = 5", "points_included = -1");
    let e = Scenario::parse(&bad, &path).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(
        e.to_string().contains("points_included") && e.to_string().contains("-1"),
        "{e}"
    );
    let bad = text.replace("[policy.subsidy.subdistrict]", "[policy.subsidy.village]");
    assert!(
        Scenario::parse(&bad, &path)
            .unwrap_err()
            .to_string()
            .contains("not a kind of township")
    );
    // Roster values: `merging` not yes/no, `town_kind` neither town nor subdistrict.
    let tmp = tempfile::tempdir().unwrap();
    for (column, value, expected) in [
        ("merging", "maybe", "not a yes/no value"),
        ("town_kind", "county", "neither a town"),
    ] {
        let villages = std::fs::read_to_string(root().join("data/andorra/villages.csv")).unwrap();
        let mut lines = villages.lines();
        let mut out = format!("{},{column}\n", lines.next().unwrap());
        for (i, l) in lines.enumerate() {
            out += &format!("{l},{}\n", if i == 3 { value } else { "" });
        }
        let file = tmp.path().join("villages.csv");
        std::fs::write(&file, out).unwrap();
        let e = carecover::io::load_villages(&file, &Default::default()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let msg = e.to_string();
        assert!(
            msg.contains("villages.csv")
                && msg.contains("line 5")
                && msg.contains(column)
                && msg.contains(value)
                && msg.contains(expected),
            "{msg}"
        );
    }
}
