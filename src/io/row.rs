//! One input record (a CSV row or a GeoJSON feature's properties) as named text fields, with
//! typed accessors whose errors name the file, the record and the field. Villages and sites are
//! built from a `Row` whatever the format, so both formats check values the same way.

use crate::error::{Error, Result};
use crate::limits::{MAX_MONEY, MAX_PEOPLE};
use crate::model::{Condition, HomeFacts, LonLat, Site, Town, TownKind, Village};
use std::path::Path;

pub(crate) struct Row<'a> {
    pub file: &'a Path,
    /// "line 7" or "feature 3".
    pub place: String,
    pub fields: Vec<(String, String)>,
}

impl Row<'_> {
    fn raw(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
    }

    fn err(&self, field: &str, message: impl std::fmt::Display) -> Error {
        Error::input(
            self.file,
            format!("{}, field `{field}`", self.place),
            message.to_string(),
        )
    }

    /// Text of a field; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.raw(name).unwrap_or_default().to_string()
    }

    /// The `name` field, or `key` where it is empty.
    pub fn name_or(&self, key: &str) -> String {
        match self.text("name") {
            n if n.is_empty() => key.to_string(),
            n => n,
        }
    }

    /// A number that may be absent or empty.
    pub fn opt_f64(&self, name: &str) -> Result<Option<f64>> {
        match self.raw(name) {
            None | Some("") => Ok(None),
            Some(v) => match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(self.err(name, format!("`{v}` is not a finite number"))),
            },
        }
    }

    /// A number that must be there.
    pub fn f64(&self, name: &str) -> Result<f64> {
        self.opt_f64(name)?
            .ok_or_else(|| self.err(name, "value is missing"))
    }

    /// A non-negative number that may be absent.
    pub fn opt_nonneg(&self, name: &str) -> Result<Option<f64>> {
        match self.opt_f64(name)? {
            Some(x) if x < 0.0 => Err(self.err(name, format!("{x} is negative"))),
            other => Ok(other),
        }
    }

    /// A number in `[0, max]` that may be absent (`max` from [`crate::limits`], so sums stay
    /// finite).
    pub fn opt_at_most(&self, name: &str, max: f64) -> Result<Option<f64>> {
        match self.opt_nonneg(name)? {
            Some(x) if x > max => Err(self.err(
                name,
                format!(
                    "`{}` is more than the most allowed, {max}: is the column right?",
                    self.raw(name).unwrap_or_default()
                ),
            )),
            other => Ok(other),
        }
    }

    /// A number in `[0, max]` that must be there.
    pub fn at_most(&self, name: &str, max: f64) -> Result<f64> {
        self.opt_at_most(name, max)?
            .ok_or_else(|| self.err(name, "value is missing"))
    }

    /// A yes/no flag: 1/0, true/false, yes/no, y/n; empty or absent is no.
    pub fn flag(&self, name: &str) -> Result<bool> {
        match self.raw(name).map(str::to_ascii_lowercase).as_deref() {
            None | Some("") | Some("0") | Some("false") | Some("no") | Some("n") => Ok(false),
            Some("1") | Some("true") | Some("yes") | Some("y") => Ok(true),
            Some(v) => Err(self.err(name, format!("`{v}` is not a yes/no value (use 1 or 0)"))),
        }
    }

    pub fn lonlat(&self) -> Result<LonLat> {
        let lon = self.f64("lon")?;
        let lat = self.f64("lat")?;
        super::check_lonlat(self.file, &self.place, lon, lat)
    }

    /// Fields not in `known`, kept for the outputs.
    fn extra(&self, known: &[&str]) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|(k, _)| !known.contains(&k.as_str()))
            .cloned()
            .collect()
    }
}

/// Columns a village record must have (`lon`/`lat` come from the geometry in GeoJSON).
pub(crate) const VILLAGE_REQUIRED: &[&str] = &["id", "lon", "lat", "elders"];
const VILLAGE_KNOWN: &[&str] = &[
    "id",
    "name",
    "town",
    "lon",
    "lat",
    "population",
    "elders",
    "merging",
    "town_kind",
    "town_code",
];

/// Columns a site record must have.
pub(crate) const SITE_REQUIRED: &[&str] = &["id", "kind", "lon", "lat"];

/// Columns a towns roster must have.
pub(crate) const TOWN_REQUIRED: &[&str] = &["town"];

/// A `town_kind` (villages) or `kind` (towns roster) value; empty is `None`.
fn town_kind(row: &Row, field: &str) -> Result<Option<TownKind>> {
    match row.text(field) {
        k if k.is_empty() => Ok(None),
        k => TownKind::parse(&k).map(Some).ok_or_else(|| {
            row.err(
                field,
                format!(
                    "`{k}` is neither a town (town, 镇, 乡) nor a subdistrict (subdistrict, 街道)"
                ),
            )
        }),
    }
}

/// A township's statistical division code (`field`): 9 digits, or 12 ending in 000 (read as
/// its first 9); empty is `None`.
fn division_code(row: &Row, field: &str) -> Result<Option<String>> {
    let code = row.text(field);
    let digits = code.len() == 9 || (code.len() == 12 && code.ends_with("000"));
    match code {
        c if c.is_empty() => Ok(None),
        c if digits && c.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(c[..9].to_string())),
        c => Err(row.err(
            field,
            format!(
                "`{c}` is not a township's statistical division code (统计用区划代码: 9 digits, or 12 ending in 000, e.g. 500116100)"
            ),
        )),
    }
}

pub(crate) fn town(row: &Row) -> Result<Town> {
    let name = row.text("town");
    if name.is_empty() {
        return Err(row.err("town", "value is missing (the township's name)"));
    }
    Ok(Town {
        name,
        kind: town_kind(row, "kind")?,
        code: division_code(row, "code")?,
    })
}

pub(crate) fn village(row: &Row) -> Result<Village> {
    let elders = row.at_most("elders", MAX_PEOPLE)?;
    let population = row.opt_at_most("population", MAX_PEOPLE)?;
    let key = row.text("id");
    let town_kind = town_kind(row, "town_kind")?;
    Ok(Village {
        location: row.lonlat()?,
        name: row.name_or(&key),
        town: row.text("town"),
        population,
        elders,
        merging: row.flag("merging")?,
        town_kind,
        town_code: division_code(row, "town_code")?,
        extra: row.extra(VILLAGE_KNOWN),
        key,
    })
}

pub(crate) fn site(row: &Row) -> Result<Site> {
    let kind = row.text("kind");
    if kind.is_empty() {
        return Err(row.err("kind", "value is missing (e.g. townhall, clinic, school)"));
    }
    let key = row.text("id");
    Ok(Site {
        location: row.lonlat()?,
        name: row.name_or(&key),
        town: row.text("town"),
        kind,
        cost: row.opt_at_most("cost", MAX_MONEY)?,
        existing: row.flag("existing")?,
        facility: Some(row.text("facility")).filter(|f| !f.is_empty()),
        capacity: row.opt_at_most("capacity", MAX_PEOPLE)?,
        home: home_facts(row)?,
        village: Some(row.text("village")).filter(|v| !v.is_empty()),
        key,
    })
}

/// A nursing home's or care centre's columns: `beds`, `residents` (at most `beds`),
/// `condition` (good/fair/poor, 好/一般/差), `occupancy` (0–1), `upgrade_cost`.
fn home_facts(row: &Row) -> Result<HomeFacts> {
    let beds = row.opt_at_most("beds", MAX_PEOPLE)?;
    let residents = row.opt_at_most("residents", MAX_PEOPLE)?;
    if let (Some(b), Some(r)) = (beds, residents)
        && r > b
    {
        return Err(row.err(
            "residents",
            format!("{r} residents in {b} beds: a home cannot house more than its beds (give the beds in use)"),
        ));
    }
    let condition = match row.text("condition") {
        c if c.is_empty() => None,
        c => Some(Condition::parse(&c).ok_or_else(|| {
            row.err(
                "condition",
                format!("`{c}` is not good, fair or poor (好/一般/差)"),
            )
        })?),
    };
    let occupancy = row.opt_at_most("occupancy", 1.0)?;
    Ok(HomeFacts {
        beds,
        residents,
        condition,
        occupancy,
        upgrade_cost: row.opt_at_most("upgrade_cost", MAX_MONEY)?,
    })
}

/// Road attributes of a record: optional `highway`, `speed_kmh`, `oneway` (yes/no/-1) or
/// `direction` (navigation-data convention: 0 or 1 two-way, 2 one-way first→last vertex,
/// 3 one-way last→first), `foot` and `motor_vehicle` (yes/no: who may use it, over the
/// class's default), and for ferries (`highway = ferry`) the crossing time `duration`
/// (minutes or hh:mm).
pub(crate) fn road(row: &Row, coords: Vec<LonLat>) -> Result<super::RoadLine> {
    use super::Oneway;
    if coords.len() < 2 {
        return Err(Error::input(
            row.file,
            &row.place,
            format!(
                "a road line needs at least 2 vertices, found {}",
                coords.len()
            ),
        ));
    }
    let highway = match row.text("highway") {
        h if h.is_empty() => "unclassified".to_string(),
        h => h,
    };
    let speed_kmh = row.opt_f64("speed_kmh")?;
    if let Some(s) = speed_kmh
        && s <= 0.0
    {
        return Err(row.err("speed_kmh", format!("{s} is not a positive speed")));
    }
    let oneway = match (row.raw("oneway"), row.raw("direction")) {
        (Some(v), _) if !v.is_empty() => match v.to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" => Oneway::Forward,
            "no" | "false" | "0" => Oneway::Both,
            "-1" | "reverse" => Oneway::Backward,
            other => return Err(row.err("oneway", format!("`{other}` is not yes, no or -1"))),
        },
        (_, Some(v)) if !v.is_empty() => match v {
            "0" | "1" => Oneway::Both,
            "2" => Oneway::Forward,
            "3" => Oneway::Backward,
            other => {
                return Err(row.err(
                    "direction",
                    format!("`{other}` is not 0/1 (two-way), 2 (forward) or 3 (backward)"),
                ));
            }
        },
        _ => Oneway::Both,
    };
    let access = |field: &str| -> Result<Option<bool>> {
        match row.raw(field).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(None),
            Some(v) => match v.as_str() {
                "" => Ok(None),
                "yes" | "true" | "1" => Ok(Some(true)),
                "no" | "false" | "0" => Ok(Some(false)),
                other => Err(row.err(field, format!("`{other}` is not yes or no"))),
            },
        }
    };
    let crossing_min = match row.raw("duration").map(str::trim) {
        None | Some("") => None,
        Some(v) if highway == super::FERRY => {
            Some(super::parse_duration_min(v).ok_or_else(|| {
                row.err(
                    "duration",
                    format!("`{v}` is not a crossing time (minutes, hh:mm or PT20M)"),
                )
            })?)
        }
        Some(_) => {
            return Err(row.err(
                "duration",
                format!("only ferries (highway = ferry) take a duration, not `{highway}`"),
            ));
        }
    };
    Ok(super::RoadLine {
        coords,
        highway,
        speed_kmh,
        maxspeed_kmh: None,
        oneway,
        walk: access("foot")?,
        drive: access("motor_vehicle")?,
        crossing_min,
    })
}
