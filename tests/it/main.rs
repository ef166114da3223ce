//! Black-box tests through the router, on SQLite and (with MAINSTAY_TEST_POSTGRES_URL) PostgreSQL.

mod access;
mod admin;
mod api;
mod audit;
mod auth;
mod coaching;
mod coaching_api;
mod curricula;
mod group_evidence;
mod group_sessions;
mod groups;
mod helpers;
mod intake;
mod intake_api;
mod people;
mod shell;
