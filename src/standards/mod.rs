//! Accreditation readiness: the standards of every supported edition as versioned data (our own
//! paraphrase, never the standards' wording), which of them apply to the organisation, the live
//! evidence the records hold for each element, and a suggested rating per standard.
//!
//! - [`catalogue`]: the editions (CSE 2024, CA-CSE 2022, CA-CSE 2020, PRSC) and their crosswalk.
//! - [`applicability`]: which standards apply, per program and for the organisation, and why not.
//! - [`measures`]: one function per evidence measure, each counting the records that meet it over a
//!   period and naming those that do not.
//! - [`rating`]: thresholds and the rule that turns element shares into a suggested 1–4 rating.

pub mod applicability;
pub mod binder;
pub mod catalogue;
pub mod checklist;
pub mod documents;
pub mod interviews;
pub mod measures;
pub mod rating;
pub mod readiness;
pub mod samples;
