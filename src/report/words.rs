//! The words the reports use for the model's names, in the documents' terms (seeds 000–004):
//! tiers by their role, objectives, solver statuses, how a village is served. One place, so
//! the terminal summary and `report.html` say the same thing.

use crate::lang::Lang;
use crate::model::TownKind;
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
