//! Mainstay: peer recovery coaching, support groups and information & referral, with the
//! accreditation evidence kept as a by-product of the daily records.

pub mod access;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod cli;
pub mod coaching;
pub mod config;
pub mod consents;
pub mod db;
pub mod demo;
pub mod directory;
// text_code! (declared in domain::codes) is used by the modules after it.
#[macro_use]
pub mod domain;
pub mod error;
pub mod groups;
pub mod i18n;
pub mod intake;
pub mod outcomes;
pub mod personnel;
pub mod portal;
pub mod records;
pub mod referrals;
pub mod setup;
pub mod standards;
pub mod voice;
pub mod web;
