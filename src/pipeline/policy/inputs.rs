//! What the rules need from the rosters before the model is built: demand weights, each
//! township's kind and each site's village.

use super::Times;
use crate::error::{Error, Result};
use crate::model::{Site, SiteId, Town, TownKind, Village, VillageId};
use crate::network::{Mode, RoadNetwork, Snap};
use crate::scenario::{Policy, Scenario, Tier};
use std::collections::{BTreeMap, BTreeSet};

/// The per-village weight: Σ over the `[policy.demand]` columns of weight × value.
pub(super) fn demand_weights(
    scenario: &Scenario,
    policy: &Policy,
    villages: &[Village],
) -> Result<Vec<f64>> {
    villages
        .iter()
        .map(|v| {
            let mut w = 0.0;
            for (column, &k) in &policy.demand {
                let value = if column == "elders" {
                    v.elders
                } else {
                    let raw = v.extra.iter().find(|(c, _)| c == column).map(|(_, x)| x.trim());
                    match raw {
                        None => {
                            return Err(Error::input(
                                &scenario.villages,
                                format!("village `{}`", v.key),
                                format!("[policy.demand] weighs column `{column}`, which the villages table does not have"),
                            ));
                        }
                        Some("") => 0.0,
                        Some(x) => match x.parse::<f64>() {
                            Ok(n) if (0.0..=crate::limits::MAX_PEOPLE).contains(&n) => n,
                            _ => {
                                return Err(Error::input(
                                    &scenario.villages,
                                    format!("village `{}`, field `{column}`", v.key),
                                    format!(
                                        "`{x}` is not a number from 0 to {}",
                                        crate::limits::MAX_PEOPLE
                                    ),
                                ));
                            }
                        },
                    }
                };
                w += k * value;
            }
            Ok(w)
        })
        .collect()
}

/// The cost of building a tier's facility at a site, whether or not the site exists.
pub(super) fn build_cost(tier: &Tier, site: &Site) -> f64 {
    site.cost
        .or_else(|| tier.kind_costs.get(&site.kind).copied())
        .unwrap_or(tier.default_cost)
}

/// Whether `site` already operates as `tier`.
pub(super) fn operates_as(site: &Site, tier: &Tier) -> bool {
    site.existing && site.facility.as_deref().is_none_or(|f| f == tier.name)
}

/// Everything the policy path needs from the pipeline.
pub(in crate::pipeline) struct Inputs<'a> {
    pub scenario: &'a Scenario,
    pub policy: &'a Policy,
    pub villages: &'a [Village],
    pub sites: &'a [Site],
    pub towns: Option<&'a [Town]>,
    pub network: &'a RoadNetwork,
    pub site_snaps: &'a BTreeMap<Mode, Vec<Option<Snap>>>,
    pub village_snaps: &'a BTreeMap<Mode, Vec<Option<Snap>>>,
    pub candidates: &'a [Vec<SiteId>],
    pub times: &'a BTreeMap<Mode, Times>,
    /// The progress line of the step (says when the exact model may take its time limit).
    pub status: &'a indicatif::ProgressBar,
}

/// The township units of the plan: their names (sorted: the model's town indices), kinds and
/// the order the reports list them in. With a towns roster, every township it lists (also one
/// without villages), in its order, and every village's town must be on it; else the
/// villages' towns, the subdistricts first (as the annexes list them), each kind by name.
pub(super) struct Townships {
    pub names: Vec<String>,
    pub kinds: Vec<TownKind>,
    pub order: Vec<usize>,
}

/// The township units ([`Townships`]). A township's kind: a subdistrict where `[policy]
/// subdistricts` names it, else the roster's `kind`, else the `town_kind` its villages give
/// (they must agree with each other and the roster), else what its name implies
/// ([`TownKind::of`]).
pub(super) fn townships(inp: &Inputs) -> Result<Townships> {
    let scenario = inp.scenario;
    let listed: Vec<String> = match inp.towns {
        Some(roster) => roster.iter().map(|t| t.name.clone()).collect(),
        None => inp
            .villages
            .iter()
            .map(|v| v.town.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    let mut names = listed.clone();
    names.sort();
    let index = |name: &str| names.binary_search_by(|t| t.as_str().cmp(name)).ok();
    let mut order: Vec<usize> = listed.iter().map(|n| index(n).expect("listed")).collect();
    if let Some(v) = inp.villages.iter().find(|v| index(&v.town).is_none()) {
        return Err(Error::input(
            &scenario.villages,
            format!("village `{}`, field `town`", v.key),
            format!(
                "`{}` is not a township of the towns roster {}",
                v.town,
                scenario
                    .towns
                    .as_deref()
                    .map_or_else(String::new, |p| p.display().to_string())
            ),
        ));
    }
    let kinds = told(
        inp,
        &index,
        names.len(),
        "town_kind",
        |t| t.kind,
        |v| v.town_kind,
        |k| format!("a {}", k.name()),
    )?;
    let subdistricts = &inp.policy.subdistricts;
    let kinds = names
        .iter()
        .zip(kinds)
        .map(|(name, k)| {
            if subdistricts.contains(name) {
                TownKind::Subdistrict
            } else {
                k.map_or_else(|| TownKind::of(name), |(k, _)| k)
            }
        })
        .collect::<Vec<TownKind>>();
    match division_codes(inp, &names, &index)? {
        // The statistical division codes put 街道 (0xx) before 镇 (1xx) and 乡 (2xx).
        Some(codes) => order.sort_by(|&a, &b| codes[a].cmp(&codes[b]).then(a.cmp(&b))),
        // The annexes list the 街道 before the 镇 (002 附件1, 000 附件2).
        None if inp.towns.is_none() => {
            order.sort_by_key(|&t| (kinds[t] != TownKind::Subdistrict, t))
        }
        None => {}
    }
    Ok(Townships {
        names,
        kinds,
        order,
    })
}

/// Each township's statistical division code, from the towns roster's `code` or its villages'
/// `town_code` (which must agree), when every township has one; `None` when none has. Some
/// but not all is an error: the order would silently fall back.
fn division_codes(
    inp: &Inputs,
    names: &[String],
    index: &dyn Fn(&str) -> Option<usize>,
) -> Result<Option<Vec<String>>> {
    let scenario = inp.scenario;
    let codes = told(
        inp,
        index,
        names.len(),
        "town_code",
        |t| t.code.clone(),
        |v| v.town_code.clone(),
        |c| format!("code {c}"),
    )?;
    if codes.iter().all(Option::is_none) {
        return Ok(None);
    }
    if let Some(t) = codes.iter().position(Option::is_none) {
        let (file, column) = match &scenario.towns {
            Some(f) => (f.clone(), "code"),
            None => (scenario.villages.clone(), "town_code"),
        };
        return Err(Error::file(
            &file,
            format!(
                "column `{column}` gives the statistical division code of some townships but not of `{}`: give it for all (the tables list townships by it) or for none",
                names[t]
            ),
        ));
    }
    Ok(Some(
        codes.into_iter().map(|c| c.expect("all given").0).collect(),
    ))
}

/// What the towns roster says of each township (`of_town`), then what its villages say
/// (`of_village`, their column `column`), with who said it first; a village saying otherwise
/// is an error, naming both (`describe` words a value).
fn told<T: Clone + PartialEq>(
    inp: &Inputs,
    index: &dyn Fn(&str) -> Option<usize>,
    n: usize,
    column: &str,
    of_town: impl Fn(&Town) -> Option<T>,
    of_village: impl Fn(&Village) -> Option<T>,
    describe: impl Fn(&T) -> String,
) -> Result<Vec<Option<(T, String)>>> {
    let mut said: Vec<Option<(T, String)>> = vec![None; n];
    for t in inp.towns.into_iter().flatten() {
        if let Some(x) = of_town(t) {
            said[index(&t.name).expect("listed")] = Some((x, "the towns roster".into()));
        }
    }
    for v in inp.villages {
        let (Some(x), Some(t)) = (of_village(v), index(&v.town)) else {
            continue;
        };
        match &said[t] {
            Some((k, who)) if *k != x => {
                return Err(Error::input(
                    &inp.scenario.villages,
                    format!("village `{}`, field `{column}`", v.key),
                    format!(
                        "this village gives its township `{}` {}, but {who} gives it {}",
                        v.town,
                        describe(&x),
                        describe(k)
                    ),
                ));
            }
            Some(_) => {}
            None => said[t] = Some((x, format!("village `{}`", v.key))),
        }
    }
    Ok(said)
}

/// The village each site stands in: its `village` column, else the village of its town it
/// reaches first on foot within the village tier's radius (ties by id); `None`: no village.
pub(super) fn hosts(
    inp: &Inputs,
    serve_reach: &dyn Fn(SiteId) -> Vec<(VillageId, f64)>,
    candidates: &BTreeSet<SiteId>,
) -> Result<BTreeMap<SiteId, VillageId>> {
    let by_key: BTreeMap<&str, usize> = inp
        .villages
        .iter()
        .enumerate()
        .map(|(i, v)| (v.key.as_str(), i))
        .collect();
    let mut out = BTreeMap::new();
    for &s in candidates {
        let site = &inp.sites[s.index()];
        let host = match &site.village {
            Some(key) => Some(VillageId(*by_key.get(key.as_str()).ok_or_else(|| {
                Error::input(
                    &inp.scenario.sites,
                    format!("site `{}`, field `village`", site.key),
                    format!(
                        "`{key}` is not the id of any village in {}",
                        inp.scenario.villages.display()
                    ),
                )
            })? as u32)),
            None => serve_reach(s)
                .into_iter()
                .filter(|(v, _)| inp.villages[v.index()].town == site.town)
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                .map(|(v, _)| v),
        };
        if let Some(h) = host {
            out.insert(s, h);
        }
    }
    Ok(out)
}
