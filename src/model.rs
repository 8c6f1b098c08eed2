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
    /// Further columns or properties of the input, passed through to the outputs.
    pub extra: Vec<(String, String)>,
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
}
