//! carecover: where to put elderly-care facilities so that the most elders can reach one.
//!
//! A county's villages (with their elders), candidate and existing sites, and its road network
//! go in; the sites to open for each tier of facility (town centre, village mutual-aid point,
//! ...) come out, with the travel times that justify them and an honest bound on how much
//! better any plan could do.
//!
//! # The pipeline
//!
//! Data flows one way, and no module imports one above it:
//!
//! ```text
//! scenario ─► io ─► network ─► coverage ─► solve ─► report
//!  (TOML)    (CSV,   (graph per  (site → [(village,  (greedy, local   (GeoJSON, summary)
//!            GeoJSON, mode, snap, seconds)], service  search, bound)
//!            OSM PBF) Dijkstra)   areas)
//! ```
//!
//! [`pipeline::run`] is the one place that chains the stages; the solver sees only weights,
//! coverage sets and costs, never geometry.
//!
//! # Units and coordinates
//!
//! Positions are WGS-84 longitude, latitude in degrees (the GeoJSON axis order); distances are
//! metres (great-circle); travel times are seconds inside the library and minutes in scenario
//! files and outputs. A village is covered iff its travel time is `<=` the radius
//! ([`coverage::covers`]).

pub mod batch;
pub mod coverage;
pub mod error;
pub mod instance;
pub mod io;
pub mod lang;
pub mod limits;
pub mod model;
pub mod network;
pub mod pipeline;
pub mod policy;
pub mod progress;
pub mod report;
pub mod scenario;
pub mod solve;
pub mod synth;

pub use error::{Error, Result};
