//! The words the reports use for the model's names, in the documents' terms (seeds 000–004):
//! tiers by their role, objectives, solver statuses, how a village is served. One place, so
//! the terminal summary and `report.html` say the same thing.

use crate::lang::{Lang, number};
use crate::model::{Site, SiteId, TownKind};
use crate::network::Mode;
use crate::pipeline::{NotBuilt, Unserved};
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
