//! The organisation's directory settings: how many months a verification lasts, and who may read
//! the directory at `/hsds/` (nobody, anyone, or holders of a token).

use crate::auth::{random_token, token_digest, tokens_match};
use crate::db::entities::directory_setting;
use crate::domain::directory::{DEFAULT_VERIFY_MONTHS, HsdsAccess};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct Settings {
    pub verify_months: i32,
    pub hsds_access: HsdsAccess,
    pub hsds_token_hash: Option<String>,
    /// The stored row's version (0 when nothing was saved yet), for optimistic concurrency.
    pub version: i32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            verify_months: DEFAULT_VERIFY_MONTHS,
            hsds_access: HsdsAccess::Off,
            hsds_token_hash: None,
            version: 0,
        }
    }
}

impl Settings {
    /// Whether a reader presenting `token` (or none) may read `/hsds/`.
    pub fn admits(&self, token: Option<&str>) -> bool {
        match self.hsds_access {
            HsdsAccess::Off => false,
            HsdsAccess::Public => true,
            HsdsAccess::Token => match (token, &self.hsds_token_hash) {
                (Some(token), Some(hash)) => tokens_match(&token_digest(token), hash),
                _ => false,
            },
        }
    }
}

pub async fn load(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Settings, DbErr> {
    Ok(match directory_setting::Entity::find_by_id(org_id).one(conn).await? {
        Some(row) => Settings {
            verify_months: row.verify_months,
            hsds_access: HsdsAccess::parse(&row.hsds_access).unwrap_or(HsdsAccess::Off),
            hsds_token_hash: row.hsds_token_hash,
            version: row.version,
        },
        None => Settings::default(),
    })
}

/// A new `/hsds/` reader token and the digest to store; the token is shown once.
pub fn new_hsds_token() -> (String, String) {
    let token = format!("hsds_{}", random_token(24));
    let digest = token_digest(&token);
    (token, digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_follows_the_setting_and_the_token() {
        let (token, digest) = new_hsds_token();
        let mut s = Settings::default();
        assert!(!s.admits(Some(&token)), "off by default");
        s.hsds_access = HsdsAccess::Public;
        assert!(s.admits(None));
        s.hsds_access = HsdsAccess::Token;
        assert!(!s.admits(Some(&token)), "no token stored yet");
        s.hsds_token_hash = Some(digest);
        assert!(s.admits(Some(&token)));
        assert!(!s.admits(Some("hsds_wrong")));
        assert!(!s.admits(None));
    }
}
