//! Outcomes (CSE 1.01–1.02; the PRSC expected outcomes): instruments and indicators as data,
//! measurements and their schedules, per-program logic models, and the dashboards, disaggregations
//! and exports built on them. `docs/OUTCOMES.md` is the map.

pub mod analytics;
pub mod cache;
pub mod charts;
pub mod export;
pub mod funder_report;
pub mod instruments;
pub mod logic_models;
pub mod measures;
pub mod schedules;
pub mod stamp;
pub mod summary;
