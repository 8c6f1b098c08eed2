//! The domain's nouns: villages (demand), sites (candidate or existing facilities), and the
//! newtype ids that index them.
//!
//! Ids are dense indices into the vectors the pipeline builds (`VillageId(3)` is
//! `villages[3]`); the identifiers users wrote in their files are kept as `key` strings. The
//! newtypes make it a compile error to pass a village index where a site or road-node index is
//! expected.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The index this id stands for.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// Index of a village in the loaded village list.
    VillageId
);
id_type!(
    /// Index of a site (candidate or existing facility) in the loaded site list.
    SiteId
);
id_type!(
    /// Index of a node of the road network.
    NodeId
);

/// A WGS-84 position: longitude then latitude, in degrees (the GeoJSON / RFC 7946 axis order).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    pub fn new(lon: f64, lat: f64) -> Self {
        Self { lon, lat }
    }
}

/// A settlement with elders to serve: the demand side of every problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Village {
    /// The identifier from the input file (unique within the file).
    pub key: String,
    pub name: String,
    /// The town (township, 乡镇/街道) the village belongs to.
    pub town: String,
    pub location: LonLat,
    /// Registered residents, where the input gives them.
    pub population: Option<f64>,
    /// Residents aged 60 and over: the weight each problem maximizes coverage of.
    pub elders: f64,
    /// A village being merged or abolished (合并撤销的村, roster column `merging`): it needs no
    /// mutual-aid point of its own (000 §2(4), 002 §2(4)).
    pub merging: bool,
    /// Whether its township is a 镇/乡 or a 街道 (roster column `town_kind`; `None`: read from
    /// the township's name, see [`TownKind::of`]).
    pub town_kind: Option<TownKind>,
    /// The township's statistical division code (统计用区划代码, roster column `town_code`):
    /// the reports list townships by it when every township has one.
    pub town_code: Option<String>,
    /// Further columns or properties of the input, passed through to the outputs.
    pub extra: Vec<(String, String)>,
}

/// A township unit of the towns roster (`[inputs] towns`): every one appears in the task
/// table, also one without villages (the Jiangjin annex keeps 鼎山街道 and 双福街道, 002 附件1).
#[derive(Clone, Debug, PartialEq)]
pub struct Town {
    pub name: String,
    /// 镇/乡 or 街道 (column `kind`); `None`: from the villages or the name.
    pub kind: Option<TownKind>,
    /// Statistical division code (统计用区划代码, column `code`): 9 digits, or 12 ending in
    /// 000. The codes put 街道 (0xx) before 镇 (1xx) and 乡 (2xx), as the annexes list them.
    pub code: Option<String>,
}

/// A place where a facility exists or could be built.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// The identifier from the input file (unique within the file).
    pub key: String,
    pub name: String,
    pub town: String,
    /// What the place is (townhall, clinic, school, nursing_home, ...): tiers pick their
    /// candidates by kind.
    pub kind: String,
    pub location: LonLat,
    /// Cost of building a facility here; `None` takes the tier's default cost.
    pub cost: Option<f64>,
    /// An existing facility is open in every solution and costs nothing more (policy
    /// scenarios may close it where its tier allows).
    pub existing: bool,
    /// What an existing site operates as now: a tier's name, or another facility such as
    /// `nursing_home` (which a tier may upgrade). `None`: every tier that accepts its kind.
    pub facility: Option<String>,
    /// Places (beds, day places); passed through, not yet a constraint.
    pub capacity: Option<f64>,
    /// What a nursing home (or care centre) has: beds, residents, condition.
    pub home: HomeFacts,
    /// The village (its id) the site stands in (column `village`): a point there is that
    /// village's own point, a centre there makes it the centre's village (一村一点 and its
    /// exemption, 000 §2(4)). `None`: the nearest village of its town on foot, see README.
    pub village: Option<String>,
}

/// A township unit: a town (镇, also 乡) or a subdistrict (街道). The documents set different
/// rules for the two (000 §3(2): a town's package against a subdistrict's per-point subsidy;
/// 001 §3(2): a subdistrict centre's own subsidy), and their annexes list both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TownKind {
    Town,
    Subdistrict,
}

impl TownKind {
    /// Parses a `town_kind` value: `town`, `镇`, `乡`, `township` or `subdistrict`, `街道`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().as_str() {
            "town" | "township" | "镇" | "乡" => Some(TownKind::Town),
            "subdistrict" | "街道" => Some(TownKind::Subdistrict),
            _ => None,
        }
    }

    /// The kind a township's name implies: a name ending in 街道 is a subdistrict, any other
    /// (镇, 乡, or a name without a suffix) a town.
    pub fn of(name: &str) -> Self {
        if name.trim_end().ends_with("街道") {
            TownKind::Subdistrict
        } else {
            TownKind::Town
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TownKind::Town => "town",
            TownKind::Subdistrict => "subdistrict",
        }
    }
}

/// A nursing home's (敬老院) or care centre's facts from the sites table: columns `beds`,
/// `residents`, `condition`, `occupancy`, `upgrade_cost` (all optional).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HomeFacts {
    pub beds: Option<f64>,
    pub residents: Option<f64>,
    pub condition: Option<Condition>,
    /// Occupancy share where the roster gives it (else residents / beds).
    pub occupancy: Option<f64>,
    /// Cost of upgrading the home to the standard (改造提升).
    pub upgrade_cost: Option<f64>,
}

/// A home's state as the roster's `condition` column gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Meets the upgrade standard (改造提升基础指标) already.
    Good,
    /// Needs upgrading to be kept.
    Fair,
    /// Ageing, unsafe: 004 §2(5)'s 基础设施老化、消防不达标.
    Poor,
}

impl Condition {
    /// Parses `good`/`fair`/`poor` (also 好/一般/差).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().as_str() {
            "good" | "好" | "良好" => Some(Condition::Good),
            "fair" | "一般" | "中" => Some(Condition::Fair),
            "poor" | "差" | "较差" => Some(Condition::Poor),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Condition::Good => "good",
            Condition::Fair => "fair",
            Condition::Poor => "poor",
        }
    }
}
