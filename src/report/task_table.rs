//! The bureau's task table (`task_table.csv`, `task_table.xlsx`): one row per town, in the
//! columns of the published annex tables (see `shared/data/plans/jiangjin_2021_plan.csv`,
//! seed 002 annex 1), then what the plan achieves: villages by how they are served, elders
//! served, costs. Towns in the towns roster's order (else by name), every township of the
//! roster also without villages; a last row gives the county's totals.

use crate::error::{Error, Result};
use crate::pipeline::{Plan, PlannedSite, PolicyPlan, Service, SiteStatus};
use crate::scenario::Role;
use std::collections::HashMap;

/// A table: header and rows of cells.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A cell: text or a number.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(x) => {
                // Never `-0`: a sum of nothing may come out negative zero.
                let x = if *x == 0.0 { 0.0 } else { *x };
                let s = format!("{x:.2}");
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            }
        }
    }
}

/// The task table of a policy plan (`None` for scenarios without `[policy]`).
pub fn task_table(plan: &Plan) -> Option<Table> {
    let pol = plan.policy.as_ref()?;
    let years = pol.years();
    let regional = has_regional(plan);
    let mut header: Vec<String> = ["town", "kind", "villages", "existing_points", "point_gap"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for y in &years {
        header.push(format!("new_centers_{y}"));
        header.push(format!("new_points_{y}"));
        header.push(format!("nursing_home_upgrades_{y}"));
        header.push(format!("county_care_centers_{y}"));
        if regional {
            header.push(format!("regional_centers_{y}"));
        }
        header.push(format!("construction_cost_{y}"));
        header.push(format!("subsidy_{y}"));
    }
    header.push("closed".into());
    if pol.homes.is_some() {
        header.extend(
            [
                "nursing_homes",
                "nursing_homes_merged",
                "nursing_home_beds_added",
                "nursing_home_residents",
                "nursing_home_cost",
            ]
            .map(String::from),
        );
    }
    header.extend(
        [
            "villages_own_point",
            "villages_shared_point",
            "villages_neighbour_point",
            "villages_by_centre",
            "villages_exempt",
            "villages_unserved",
            "villages_over_capacity",
            "elders",
            "elders_served",
            "elders_served_pct",
            "construction_cost",
            "subsidy",
            "operating_cost_per_year",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    // Each town's villages and sites found once (a county group has thousands of towns and
    // a hundred thousand villages).
    let mut villages_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (v, village) in plan.villages.iter().enumerate() {
        villages_of.entry(&village.town).or_default().push(v);
    }
    let mut sites_of: HashMap<&str, Vec<&PlannedSite>> = HashMap::new();
    for p in &pol.sites {
        sites_of
            .entry(&plan.sites[p.site.index()].town)
            .or_default()
            .push(p);
    }
    let mut rows: Vec<Vec<Cell>> = pol
        .town_order
        .iter()
        .map(|&t| {
            let name = &pol.towns[t];
            let in_town = Within {
                town: Some((name, pol.town_kinds[t].name())),
                villages: villages_of.get(name.as_str()).map_or(&[], Vec::as_slice),
                sites: sites_of.get(name.as_str()).map_or(&[], Vec::as_slice),
            };
            town_row(plan, pol, in_town, &years)
        })
        .collect();
    let everything = Within {
        town: None,
        villages: &(0..plan.villages.len()).collect::<Vec<_>>(),
        sites: &pol.sites.iter().collect::<Vec<_>>(),
    };
    rows.push(town_row(plan, pol, everything, &years));
    Some(Table { header, rows })
}

/// Whether the scenario has regional centres (and the table their columns).
fn has_regional(plan: &Plan) -> bool {
    plan.scenario
        .tiers
        .iter()
        .any(|t| t.role == Some(Role::Regional))
}

/// What one row counts: a town (name and kind) with its villages and planned sites, or the
/// whole county (`town` = `None`).
struct Within<'a> {
    town: Option<(&'a String, &'a str)>,
    villages: &'a [usize],
    sites: &'a [&'a PlannedSite],
}

/// One town's row, or the totals. A county centre counts in the row of the town it stands
/// in, as in the annexes (002 annex 1).
fn town_row(plan: &Plan, pol: &PolicyPlan, within: Within, years: &[i32]) -> Vec<Cell> {
    let Within {
        town,
        villages,
        sites,
    } = within;
    let in_town = |t: &str| town.is_none_or(|(x, _)| x == t);
    let role = |tier: usize| plan.scenario.tiers[tier].role;
    let existing_points = sites
        .iter()
        .filter(|p| role(p.tier) == Some(Role::Village))
        .filter(|p| {
            matches!(
                p.status,
                SiteStatus::Existing | SiteStatus::Kept | SiteStatus::Closed
            )
        })
        .count();
    let count = |r: Role, statuses: &[SiteStatus], y: i32| {
        sites
            .iter()
            .filter(|p| role(p.tier) == Some(r) && statuses.contains(&p.status))
            .filter(|p| p.build_year == Some(y))
            .count() as f64
    };
    let n = |x: usize| Cell::Number(x as f64);
    let mut row = vec![
        Cell::Text(town.map_or_else(|| "total".into(), |(t, _)| t.clone())),
        Cell::Text(town.map_or("", |(_, k)| k).into()),
        n(villages.len()),
        n(existing_points),
        n(villages.len().saturating_sub(existing_points)),
    ];
    for &y in years {
        // A centre built in an existing building counts as new where the homes' upgrades
        // have their own column.
        let centres: &[SiteStatus] = if pol.homes.is_some() {
            &[SiteStatus::New, SiteStatus::Upgraded]
        } else {
            &[SiteStatus::New]
        };
        row.push(Cell::Number(count(Role::Town, centres, y)));
        row.push(Cell::Number(count(
            Role::Village,
            &[SiteStatus::New, SiteStatus::Upgraded],
            y,
        )));
        // 农村敬老院改造提升: the homes' model's upgrades where it runs, else the centres
        // built in an existing facility of another kind.
        row.push(Cell::Number(match &pol.homes {
            Some(h) => h
                .homes
                .iter()
                .filter(|x| x.status == SiteStatus::Upgraded && x.year == Some(y))
                .filter(|x| in_town(&plan.sites[x.site.index()].town))
                .count() as f64,
            None => count(Role::Town, &[SiteStatus::Upgraded], y),
        }));
        row.push(Cell::Number(count(
            Role::County,
            &[SiteStatus::New, SiteStatus::Upgraded],
            y,
        )));
        if has_regional(plan) {
            row.push(Cell::Number(count(
                Role::Regional,
                &[SiteStatus::New, SiteStatus::Upgraded],
                y,
            )));
        }
        let built = sites.iter().filter(|p| p.build_year == Some(y));
        let (cost, subsidy) = built.fold((0.0, 0.0), |(c, s), p| (c + p.cost, s + p.subsidy));
        row.push(Cell::Number(cost));
        row.push(Cell::Number(subsidy));
    }
    let service = |name: &str| {
        villages
            .iter()
            .filter(|&&v| pol.villages[v].service.name() == name)
            .count()
    };
    let elders: f64 = villages.iter().map(|&v| plan.villages[v].elders).sum();
    // (Under binding capacities only the share that fits is served.)
    let served: f64 = villages
        .iter()
        .filter(|&&v| !matches!(pol.villages[v].service, Service::Unserved { .. }))
        .map(|&v| plan.villages[v].elders * pol.villages[v].served_share)
        .sum();
    row.push(n(sites
        .iter()
        .filter(|p| p.status == SiteStatus::Closed)
        .count()));
    if let Some(h) = &pol.homes {
        let homes: Vec<_> = h
            .homes
            .iter()
            .filter(|x| in_town(&plan.sites[x.site.index()].town))
            .collect();
        row.extend([
            n(homes.len()),
            n(homes
                .iter()
                .filter(|x| x.status == SiteStatus::Closed)
                .count()),
            Cell::Number(homes.iter().map(|x| x.beds_added).sum()),
            Cell::Number(homes.iter().map(|x| x.residents).sum()),
            Cell::Number(homes.iter().map(|x| x.cost).sum()),
        ]);
    }
    row.extend([
        n(service("own_point")),
        n(service("shared_point")),
        n(service("neighbour_point")),
        n(service("centre")),
        n(villages
            .iter()
            .filter(|&&v| pol.villages[v].exemption.is_some())
            .count()),
        n(service("unserved")),
        n(villages
            .iter()
            .filter(|&&v| pol.villages[v].over_capacity)
            .count()),
        Cell::Number(elders),
        Cell::Number(served),
        Cell::Number(if elders > 0.0 {
            100.0 * served / elders
        } else {
            0.0
        }),
        Cell::Number(sites.iter().map(|p| p.cost).sum()),
        Cell::Number(sites.iter().map(|p| p.subsidy).sum()),
        Cell::Number(sites.iter().map(|p| p.operating).sum()),
    ]);
    row
}

/// The table as CSV text (UTF-8, comma-separated, header first).
pub fn to_csv(table: &Table) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&table.header).expect("in-memory write");
    for row in &table.rows {
        w.write_record(row.iter().map(Cell::csv))
            .expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("UTF-8 cells")
}

/// The table as an `.xlsx` workbook: first the annex as the bureau publishes it
/// ([`super::annex`]), then the whole table (sheet `task_table`: bold header, frozen first row
/// and column, numbers as numbers).
pub fn to_xlsx(plan: &Plan, table: &Table, file: &std::path::Path) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| {
        Error::file(file, format!("cannot build the workbook: {e}"))
    };
    let mut book = Workbook::new();
    super::annex::write(book.add_worksheet(), plan, table, file)?;
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("task_table").map_err(fail)?;
    for (c, h) in table.header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(fail)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => sheet.write_string(r, c, t).map_err(fail)?,
                Cell::Number(x) => sheet.write_number(r, c, *x).map_err(fail)?,
            };
        }
    }
    sheet.set_column_width(0, 24).map_err(fail)?;
    sheet.set_freeze_panes(1, 1).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}
