//! The resource directory (CSE 6.02): resources stored as Open Referral HSDS 3.0, their
//! verification, search, import and export, and the read-only `/hsds/` API.

pub mod hsds;
pub mod hsds_tables;
pub mod resources;
pub mod rows;
pub mod search;
pub mod settings;
pub mod synthetic;
