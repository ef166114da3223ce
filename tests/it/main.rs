//! Black-box tests through the router, on SQLite and (with MAINSTAY_TEST_POSTGRES_URL) PostgreSQL.

mod access;
mod admin;
mod api;
mod audit;
mod auth;
mod coaching;
mod coaching_api;
mod consents;
mod curricula;
mod directory;
mod group_evidence;
mod group_sessions;
mod groups;
mod helpers;
mod hsds;
mod intake;
mod intake_api;
mod people;
mod referrals;
mod reminders;
mod shell;
mod supervision_log;
mod team;
mod training;
mod workload;
