//! Settings read once at start (flags, then MAINSTAY_* variables) and passed down.

use std::net::SocketAddr;

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    /// Served behind a TLS-terminating proxy: mark cookies Secure and send HSTS.
    pub behind_tls: bool,
    pub log_json: bool,
    /// Idle minutes before a session ends.
    pub session_idle_minutes: i64,
}

impl Config {
    pub fn validate(&self) -> Result<(), String> {
        crate::db::check_url(&self.database_url)?;
        if !(5..=24 * 60).contains(&self.session_idle_minutes) {
            return Err("session idle timeout must be between 5 and 1440 minutes".into());
        }
        Ok(())
    }

    /// Settings for tests and tools: loopback, the given database.
    pub fn for_database(database_url: &str) -> Config {
        Config {
            listen: ([127, 0, 0, 1], 0).into(),
            database_url: database_url.to_string(),
            behind_tls: false,
            log_json: false,
            session_idle_minutes: 240,
        }
    }
}
