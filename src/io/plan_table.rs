//! A published per-town plan (the annex tables of the seed documents, e.g.
//! `shared/data/plans/jiangjin_2021_plan.csv`): per town, how many centres and points it
//! builds, summed over the plan's year columns.

use super::csv_input::for_each_row;
use crate::error::{Error, Result};
use std::path::Path;

/// One town's row of a published plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedTown {
    pub town: String,
    /// "line N" of the file.
    pub place: String,
    /// `villages`, where the table gives it.
    pub villages: Option<f64>,
    /// `existing_points`, where given.
    pub existing_points: Option<f64>,
    /// Sum of the `new_centers_*` / `new_town_center*` columns.
    pub new_centres: f64,
    /// Sum of the `new_points_*` columns.
    pub new_points: f64,
}

/// Reads a plan table: a `town` column and at least one `new_points…` column; `new_centers…`
/// (or `new_town_center…`), `villages` and `existing_points` are read where present. Counts
/// must be whole numbers ≥ 0; a town may appear once.
pub fn read_plan_table(path: &Path) -> Result<Vec<PlannedTown>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Read {
        file: path.to_path_buf(),
        source,
    })?;
    let is_points = |h: &str| h.starts_with("new_points");
    let is_centres = |h: &str| h.starts_with("new_centers") || h.starts_with("new_town_center");
    let check = |headers: &mut Vec<String>| {
        if !headers.iter().any(|h| h == "town") {
            return Err(Error::file(
                path,
                "no `town` column: a plan table has one row per town",
            ));
        }
        if !headers.iter().any(|h| is_points(h)) {
            return Err(Error::file(
                path,
                format!(
                    "no `new_points…` column (e.g. new_points_2021); columns: {}",
                    headers.join(", ")
                ),
            ));
        }
        Ok(())
    };
    let mut out: Vec<PlannedTown> = Vec::new();
    for_each_row(file, path, check, |row| {
        let columns = |keep: &dyn Fn(&str) -> bool| -> Vec<String> {
            row.fields
                .iter()
                .map(|(h, _)| h.clone())
                .filter(|h| keep(h))
                .collect()
        };
        let (pc, cc) = (columns(&is_points), columns(&is_centres));
        let town = row.text("town");
        if town.is_empty() {
            return Err(Error::input(
                path,
                format!("{}, field `town`", row.place),
                "value is missing",
            ));
        }
        if out.iter().any(|t| t.town == town) {
            return Err(Error::input(
                path,
                &row.place,
                format!("town `{town}` appears twice"),
            ));
        }
        let count = |col: &str| -> Result<f64> {
            let x = row.opt_nonneg(col)?.unwrap_or(0.0);
            if x.fract() != 0.0 {
                return Err(Error::input(
                    path,
                    format!("{}, field `{col}`", row.place),
                    format!("{x} is not a whole number of facilities"),
                ));
            }
            Ok(x)
        };
        let sum = |cs: &[String]| cs.iter().map(|c| count(c)).sum::<Result<f64>>();
        out.push(PlannedTown {
            new_points: sum(&pc)?,
            new_centres: sum(&cc)?,
            villages: row.opt_nonneg("villages")?,
            existing_points: row.opt_nonneg("existing_points")?,
            place: row.place.clone(),
            town,
        });
        Ok(())
    })?;
    if out.is_empty() {
        return Err(Error::file(
            path,
            "the plan table has a header but no towns",
        ));
    }
    Ok(out)
}
