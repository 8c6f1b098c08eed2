//! The language of what a person reads: the terminal summary, `report.html`, the annex sheet
//! of the task table, reasons and warnings. Chinese by default, since the users are county
//! civil-affairs staff in China; `--lang en` or `[output] language = "en"` gives English.
//! Machine-read outputs (GeoJSON keys, `task_table.csv`, `summary.json`) stay English.
//!
//! Terms are the documents' own (seeds 000–004): 镇养老服务中心, 村级互助养老点, 农村敬老院,
//! 失能特困人员集中照护中心, 街道, 镇.

use serde::Serialize;

/// A language of the outputs people read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Reads `zh` (also `zh-CN`, `cn`, `chinese`, `中文`) or `en` (`english`, `英文`).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" | "chinese" | "中文" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" | "english" | "英文" => Some(Lang::En),
            _ => None,
        }
    }

    /// The text in this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// An amount of money (yuan) as a planner reads it: `1,236 万元` (to 0.01 万, trailing
    /// zeros dropped) in Chinese, `12,360,000` in English.
    pub fn money(self, yuan: f64) -> String {
        match self {
            Lang::Zh => format!("{} 万元", number(yuan / 10_000.0, 2)),
            Lang::En => number(yuan, 0),
        }
    }

    /// A share in per cent with one decimal: `95.4%`.
    pub fn percent(self, part: f64, whole: f64) -> String {
        let p = if whole > 0.0 {
            100.0 * part / whole
        } else {
            0.0
        };
        format!("{}%", number(p, 1))
    }
}

/// `x` with thousands separators and at most `decimals` decimals (trailing zeros dropped);
/// never `-0`.
pub fn number(x: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let rounded = (x * scale).round() / scale;
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    let text = format!("{:.*}", decimals, rounded.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let frac = frac.trim_end_matches('0');
    let sign = if rounded < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands_and_never_print_minus_zero() {
        assert_eq!(number(12_360_000.0, 0), "12,360,000");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(1000.0, 0), "1,000");
        assert_eq!(number(-0.0, 0), "0");
        assert_eq!(number(-0.004, 2), "0");
        assert_eq!(number(-1234.5, 1), "-1,234.5");
        assert_eq!(number(56.4912, 1), "56.5");
        assert_eq!(Lang::Zh.money(12_360_000.0), "1,236 万元");
        assert_eq!(Lang::Zh.money(30_000.0), "3 万元");
        assert_eq!(Lang::Zh.money(5_000.0), "0.5 万元");
        assert_eq!(Lang::En.money(9_940_000.0), "9,940,000");
        assert_eq!(Lang::En.percent(1.0, 3.0), "33.3%");
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("English"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
