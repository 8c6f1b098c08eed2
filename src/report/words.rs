//! The words the reports use for the model's names, in the documents' terms (seeds 000–004):
//! tiers by their role, objectives, solver statuses, how a village is served. One place, so
//! the terminal summary and `report.html` say the same thing.

use crate::lang::{Lang, number};
use crate::model::{Site, SiteId, TownKind, Village};
use crate::network::Mode;
use crate::pipeline::{NotBuilt, Place, Unserved, Warning};
use crate::scenario::{Objective, Role, Tier};
use crate::solve::Status;

/// What a tier is, as a planner calls it: by its role (and kind of township), else its name.
pub fn tier_label(tier: &Tier, lang: Lang) -> String {
    let only = |k: TownKind| tier.townships == [k];
    let (zh, en) = match tier.role {
        Some(Role::County) => ("失能特困人员集中照护中心", "County care centre"),
        Some(Role::Regional) => ("区域性养老服务中心", "Regional centre"),
        Some(Role::Town) if only(TownKind::Subdistrict) => {
            ("街道养老服务中心", "Subdistrict centre")
        }
        Some(Role::Town) if only(TownKind::Town) => ("镇养老服务中心", "Town centre"),
        Some(Role::Town) => ("镇（街道）养老服务中心", "Town centre"),
        Some(Role::Village) if only(TownKind::Subdistrict) => {
            ("社区养老服务站", "Community station")
        }
        Some(Role::Village) => ("村级互助养老点", "Village point"),
        None => return tier.name.clone(),
    };
    lang.pick(zh, en).to_string()
}

/// A travel mode as the tables name it.
pub fn mode(m: Mode, lang: Lang) -> &'static str {
    match m {
        Mode::Walk => lang.pick("步行", "walk"),
        Mode::Drive => lang.pick("驾车", "drive"),
    }
}

/// A kind of township: 镇 or 街道.
pub fn town_kind(kind: TownKind, lang: Lang) -> &'static str {
    match kind {
        TownKind::Town => lang.pick("镇", "town"),
        TownKind::Subdistrict => lang.pick("街道", "subdistrict"),
    }
}

pub fn objective(o: Objective, lang: Lang) -> &'static str {
    match o {
        Objective::FullCoverage => lang.pick(
            "全覆盖：服务所有可服务的村，成本最低",
            "full coverage: every village the rules allow, at least cost",
        ),
        Objective::MaxCoverage => {
            lang.pick("预算内服务老人最多", "the most elders within the budgets")
        }
    }
}

pub fn status(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Optimal => lang.pick("已证明最优", "proven optimal"),
        Status::Feasible => lang.pick("可行解", "feasible"),
        Status::TimeLimit => lang.pick("达到时间上限", "time limit reached"),
        Status::Infeasible => lang.pick("无可行解", "infeasible"),
    }
}

/// The solution method (`milp` or `heuristic`).
pub fn method(m: &str, lang: Lang) -> &'static str {
    match m {
        "milp" => lang.pick(
            "精确求解（混合整数规划）",
            "exact (mixed-integer programming)",
        ),
        _ => lang.pick("启发式（分解法）", "heuristic (decomposition)"),
    }
}

/// How a village is served (`served_by`).
pub fn service(name: &str, lang: Lang) -> &'static str {
    match name {
        "own_point" => lang.pick("本村互助点", "its own point"),
        "centre" => lang.pick("镇（街道）中心", "the town centre"),
        "neighbour_point" => lang.pick("邻村互助点（延伸服务）", "a neighbour's point (extension)"),
        "shared_point" => lang.pick("共用互助点", "a shared point"),
        _ => lang.pick("未服务", "not served"),
    }
}

/// Why a village is not served, in `lang`; sites named by id and name.
pub fn unserved(reason: &Unserved, sites: &[Site], lang: Lang) -> String {
    let site = |s: SiteId| {
        let s = &sites[s.index()];
        match lang {
            Lang::Zh => format!("「{}」（{}）", s.key, s.name),
            Lang::En => format!("“{}” ({})", s.key, s.name),
        }
    };
    let minutes = |m: f64| number(m, 1);
    let mode = |m: Mode| match m {
        Mode::Walk => lang.pick("步行", "walking"),
        Mode::Drive => lang.pick("驾车", "driving"),
    };
    match (reason, lang) {
        (Unserved::NoTier { kind }, Lang::Zh) => format!(
            "没有在{}建设互助点或中心的设施层级（见各层级的 townships 设置）",
            town_kind(*kind, lang)
        ),
        (Unserved::NoTier { kind }, Lang::En) => format!(
            "no tier builds points or centres in a {} (the town and village tiers' townships)",
            town_kind(*kind, lang)
        ),
        (Unserved::OffNetwork { mode: m }, Lang::Zh) => {
            format!("距可{}的道路过远，不在路网上", mode(*m))
        }
        (Unserved::OffNetwork { mode: m }, Lang::En) => {
            format!("off the {} network (too far from a usable road)", mode(*m))
        }
        (Unserved::NoOwnCandidate { minutes: m }, Lang::Zh) => format!(
            "{} 分钟内没有可设本村互助点的场地（一村一点：只有本村的互助点服务本村，邻村的场地不算）",
            minutes(*m)
        ),
        (Unserved::NoOwnCandidate { minutes: m }, Lang::En) => format!(
            "no candidate site for a point of its own within {} min (一村一点: only its own point serves it; sites of neighbouring villages do not)",
            minutes(*m)
        ),
        (Unserved::NoCandidate { minutes: m }, Lang::Zh) => {
            format!("{} 分钟内没有候选场地", minutes(*m))
        }
        (Unserved::NoCandidate { minutes: m }, Lang::En) => {
            format!("no candidate site within {} min", minutes(*m))
        }
        (
            Unserved::Full {
                site: s,
                minutes: m,
                capacity,
            },
            Lang::Zh,
        ) => format!(
            "最近的服务设施{}（{} 分钟）已满（容量 {} 人），其他村已占满",
            site(*s),
            minutes(*m),
            number(*capacity, 0)
        ),
        (
            Unserved::Full {
                site: s,
                minutes: m,
                capacity,
            },
            Lang::En,
        ) => format!(
            "the nearest facility serving it, {} {} min away, is full (capacity {}) with other villages' elders",
            site(*s),
            minutes(*m),
            number(*capacity, 0)
        ),
        (
            Unserved::Nearest {
                site: s,
                minutes: m,
                why,
            },
            _,
        ) => {
            let why = match (why, lang) {
                (NotBuilt::NoElders, Lang::Zh) => "该村没有需要服务的老人".to_string(),
                (NotBuilt::NoElders, Lang::En) => "the village has no elders to serve".to_string(),
                (NotBuilt::OtherCentre { centre }, Lang::Zh) => {
                    format!("可作中心，但本镇唯一的中心设在{}", site(*centre))
                }
                (NotBuilt::OtherCentre { centre }, Lang::En) => {
                    format!(
                        "a centre candidate, but its town's one centre is {}",
                        site(*centre)
                    )
                }
                (NotBuilt::CannotLink { centre }, Lang::Zh) => format!(
                    "在此设点无法与本镇中心{}连接（驾车超出中心带点半径）",
                    site(*centre)
                ),
                (NotBuilt::CannotLink { centre }, Lang::En) => format!(
                    "a point there could not be linked to its town's centre {} (farther than the link radius by car)",
                    site(*centre)
                ),
                (NotBuilt::NoCentre, Lang::Zh) => "本镇没有可连接的中心".to_string(),
                (NotBuilt::NoCentre, Lang::En) => {
                    "its town has no centre to link a point to".to_string()
                }
                (NotBuilt::BudgetBy { year }, Lang::Zh) => {
                    format!("到 {year} 年（该层级的最后建设年度）预算未安排")
                }
                (NotBuilt::BudgetBy { year }, Lang::En) => format!(
                    "not built within the budgets by {year}, the last year its tier builds in"
                ),
                (NotBuilt::Budget, Lang::Zh) => "预算内未安排建设".to_string(),
                (NotBuilt::Budget, Lang::En) => "not built within the budget".to_string(),
            };
            match lang {
                Lang::Zh => format!("最近的候选场地{}，{} 分钟：{why}", site(*s), minutes(*m)),
                Lang::En => format!(
                    "nearest candidate {} {} min away: {why}",
                    site(*s),
                    minutes(*m)
                ),
            }
        }
    }
}

/// Text from the pipeline as a planner reads it: `code` quotes become 「」 (Chinese) or “”.
pub fn plain(text: &str, lang: Lang) -> String {
    let (open, close) = match lang {
        Lang::Zh => ("「", "」"),
        Lang::En => ("“", "”"),
    };
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        if c == '`' {
            out.push_str(if inside { close } else { open });
            inside = !inside;
        } else {
            out.push(c);
        }
    }
    out
}

/// A pipeline warning in `lang`, places named by id and name (at most ten listed).
pub fn warning(
    w: &Warning,
    villages: &[Village],
    sites: &[Site],
    tiers: &[Tier],
    lang: Lang,
) -> String {
    let zh = lang == Lang::Zh;
    let quote = |key: &str, name: &str| match lang {
        Lang::Zh => format!("「{key}」（{name}）"),
        Lang::En => format!("“{key}” ({name})"),
    };
    let place = |p: &Place| match *p {
        Place::Village(v) => quote(&villages[v.index()].key, &villages[v.index()].name),
        Place::Site(s) => quote(&sites[s.index()].key, &sites[s.index()].name),
    };
    let list = |items: Vec<String>| {
        let n = items.len();
        let mut shown = items
            .into_iter()
            .take(10)
            .collect::<Vec<_>>()
            .join(lang.pick("、", ", "));
        if n > 10 {
            shown += &match lang {
                Lang::Zh => format!("等 {n} 处"),
                Lang::En => format!(" and {} more", n - 10),
            };
        }
        shown
    };
    // "3 villages and 1 site" / "3 个村、1 处场地".
    let counted = |places: &mut dyn Iterator<Item = &Place>| {
        let (mut v, mut s) = (0, 0);
        for p in places {
            match p {
                Place::Village(_) => v += 1,
                Place::Site(_) => s += 1,
            }
        }
        let mut parts = Vec::new();
        if v > 0 {
            parts.push(match lang {
                Lang::Zh => format!("{v} 个村"),
                Lang::En => format!("{v} village{}", if v == 1 { "" } else { "s" }),
            });
        }
        if s > 0 {
            parts.push(match lang {
                Lang::Zh => format!("{s} 处场地"),
                Lang::En => format!("{s} site{}", if s == 1 { "" } else { "s" }),
            });
        }
        parts.join(lang.pick("、", " and "))
    };
    match w {
        Warning::OffNetwork {
            mode: m,
            max_snap_m,
            places,
        } => {
            let who = counted(&mut places.iter());
            let names = list(places.iter().map(place).collect());
            let d = number(*max_snap_m, 0);
            if zh {
                format!(
                    "{who}距可{}的道路超过 {d} 米，该方式无法到达：{names}",
                    mode(*m, lang)
                )
            } else {
                format!(
                    "{who} farther than {d} m from any road usable to {}: not reachable in that mode: {names}",
                    m.name()
                )
            }
        }
        Warning::SmallComponent { mode: m, places } => {
            let who = counted(&mut places.iter().map(|(p, _)| p));
            let names = list(
                places
                    .iter()
                    .map(|(p, d)| {
                        format!("{} {} {}", place(p), number(*d, 0), lang.pick("米", "m"))
                    })
                    .collect(),
            );
            if zh {
                format!(
                    "{who}最近的道路是一段孤立的小路（{}），已改接到主路网：{names}",
                    mode(*m, lang)
                )
            } else {
                format!(
                    "{who} nearest a tiny disconnected piece of road ({}); snapped to the main network instead: {names}",
                    m.name()
                )
            }
        }
        Warning::EldersAbovePopulation {
            village,
            elders,
            population,
        } => {
            let v = &villages[village.index()];
            let (e, p) = (number(*elders, 0), number(*population, 0));
            if zh {
                format!(
                    "村{}：老人数 {e} 超过总人口 {p}，请核对名册",
                    quote(&v.key, &v.name)
                )
            } else {
                format!(
                    "village {}: {e} elders exceed its population {p}",
                    quote(&v.key, &v.name)
                )
            }
        }
        Warning::UnknownTown { tier, site } => {
            let s = &sites[site.index()];
            let t = tier_label(&tiers[*tier], lang);
            if zh {
                format!(
                    "{t}候选场地{}所在的镇街「{}」不是本规划的镇街（没有村，也不在镇街名册上），未予考虑",
                    quote(&s.key, &s.name),
                    s.town
                )
            } else {
                format!(
                    "{t} candidate {}: its town “{}” is not a township of the plan (no village, not on a towns roster); not considered",
                    quote(&s.key, &s.name),
                    s.town
                )
            }
        }
        Warning::NoCentreCandidate { towns } => {
            let names = list(towns.clone());
            if zh {
                format!(
                    "{} 个镇街没有可建中心的候选场地（该层级的场地类型在当地都没有），不建中心：{names}",
                    towns.len()
                )
            } else {
                format!(
                    "{} township(s) have no candidate site for their centre (none of the town tier's site kinds stands there); they get none: {names}",
                    towns.len()
                )
            }
        }
        Warning::FlatOutsideTerrain { segments, of } => {
            let share = number(100.0 * *segments as f64 / (*of).max(1) as f64, 1);
            if zh {
                format!(
                    "{segments} 段可步行道路（共 {of} 段，{share}%）在高程数据范围外，按平地计算步行时间"
                )
            } else {
                format!(
                    "{segments} of {of} walkable road segments ({share} %) lie outside the elevation tiles: walked as on the flat"
                )
            }
        }
        Warning::ExactUnproven { time_limit_s, gap } => {
            let (t, gap) = (number(*time_limit_s, 0), number(100.0 * gap, 2));
            if zh {
                format!(
                    "精确模型到 {t} 秒时间上限仍未证明最优（差距 {gap}%）：用 HiGHS 编译（`cargo build --release --features highs`，见 README）通常 1 秒左右即可证明"
                )
            } else {
                format!(
                    "the exact model stopped at its {t} s time limit without a proof (gap {gap} %): a build with HiGHS (`cargo build --release --features highs`, see README) usually proves such models in about a second"
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_quotes_become_the_languages_quotes() {
        assert_eq!(
            plain("nearest `s7` (Xiacun room)", Lang::Zh),
            "nearest 「s7」 (Xiacun room)"
        );
        assert_eq!(plain("`a` and `b`", Lang::En), "“a” and “b”");
    }
}
