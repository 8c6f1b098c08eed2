//! What the pipeline tells a user without stopping: structured, so the report can say it in
//! the scenario's language (`report::words::warning`) and scripts can tell the kinds apart.

use crate::model::{SiteId, VillageId};
use crate::network::Mode;

/// A place a warning names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Village(VillageId),
    Site(SiteId),
}

/// One warning. Places are named by index into the plan's villages and sites.
#[derive(Clone, Debug, PartialEq)]
pub enum Warning {
    /// Places farther than `max_snap_m` from every road usable in `mode`.
    OffNetwork {
        mode: Mode,
        max_snap_m: f64,
        places: Vec<Place>,
    },
    /// Places whose nearest road is a tiny disconnected piece; snapped to the main network
    /// instead, `metres` away.
    SmallComponent {
        mode: Mode,
        places: Vec<(Place, f64)>,
    },
    /// A roster error the run survives: more elders than people.
    EldersAbovePopulation {
        village: VillageId,
        elders: f64,
        population: f64,
    },
    /// A town tier's candidate in a town that is not a township of the plan.
    UnknownTown { tier: usize, site: SiteId },
    /// Townships where a town tier builds but none of its candidates stands.
    NoCentreCandidate { towns: Vec<String> },
    /// Walkable road segments outside every elevation tile, walked on the flat
    /// (`dem_outside = "flat"`).
    FlatOutsideTerrain { segments: usize, of: usize },
    /// The exact policy model stopped at its time limit without a proof, on the pure-Rust
    /// solver (microlp), which proves fewer models in time than HiGHS (BENCHMARKS.md).
    ExactUnproven { time_limit_s: f64, gap: f64 },
}

impl Warning {
    /// A stable snake_case name for scripts (summary.json's `warnings[].kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Warning::OffNetwork { .. } => "off_network",
            Warning::SmallComponent { .. } => "small_component",
            Warning::EldersAbovePopulation { .. } => "elders_above_population",
            Warning::UnknownTown { .. } => "unknown_town",
            Warning::NoCentreCandidate { .. } => "no_centre_candidate",
            Warning::FlatOutsideTerrain { .. } => "flat_outside_terrain",
            Warning::ExactUnproven { .. } => "exact_unproven",
        }
    }
}
