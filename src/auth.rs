//! Passwords, second factor, lock-out, API tokens and CSRF tokens.

use crate::access::Actor;
use crate::db::entities::{organisation, staff};
use crate::db::{self, Db};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use rand::RngCore;
use sea_orm::DbErr;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

/// Hashing is slow on purpose; run it off the async threads.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
    })
    .await?
}

/// Checks a password; with no stored hash it still does the work, so timing reveals nothing.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        match PasswordHash::new(&stored) {
            Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false)
}

/// An argon2 hash of a random string, used when the account does not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2Yb6BDWmPlSBy/j8D7lnk3X35c9Ry1bkNJaExpELC4E";

/// After this many failures in a row, sign-in is refused for a while.
pub const FAILURES_BEFORE_LOCK: i32 = 5;

/// How long an account stays locked after `failures` consecutive failures: one minute at the
/// fifth, doubling with each further failure, never more than an hour.
pub fn lockout_for(failures: i32) -> Option<Duration> {
    if failures < FAILURES_BEFORE_LOCK {
        return None;
    }
    let doublings = (failures - FAILURES_BEFORE_LOCK).min(6) as u32;
    Some(Duration::minutes((1i64 << doublings).min(60)))
}

pub fn is_locked(account: &staff::Model, now: OffsetDateTime) -> bool {
    account.locked_until.is_some_and(|until| until > now)
}

/// Failed sign-ins per client address in a sliding window, on top of the per-account lock-out,
/// so one address cannot try many accounts. Kept in memory: a restart forgets, which is fine.
#[derive(Debug)]
pub struct SigninThrottle {
    limit: u32,
    window: Duration,
    seen: std::sync::Mutex<std::collections::HashMap<String, (OffsetDateTime, u32)>>,
}

impl SigninThrottle {
    pub fn new(limit: u32, window: Duration) -> SigninThrottle {
        SigninThrottle { limit, window, seen: Default::default() }
    }

    /// Whether this address may try again now.
    pub fn allows(&self, address: &str, now: OffsetDateTime) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match seen.get(address) {
            Some((since, count)) if now - *since < self.window => *count < self.limit,
            _ => true,
        }
    }

    pub fn record_failure(&self, address: &str, now: OffsetDateTime) {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.len() > 10_000 {
            let window = self.window;
            seen.retain(|_, (since, _)| now - *since < window);
        }
        let entry = seen.entry(address.to_string()).or_insert((now, 0));
        if now - entry.0 >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

/// A new base32 second-factor secret.
pub fn new_totp_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, Some("Mainstay".to_string()), account.to_string()).ok()
}

/// The 30-second step a code belongs to: now or one step either side (phone clocks drift).
/// Callers accept a step only once (`db::staff::use_totp_step`), so a seen code cannot be replayed.
pub fn totp_step(secret_b32: &str, account: &str, code: &str, now: OffsetDateTime) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp(secret_b32, account)?;
    [30i64, 0, -30].into_iter().find_map(|offset| {
        let at = (now.unix_timestamp() + offset).max(0);
        tokens_match(&totp.generate(at as u64), &code).then_some(at / 30)
    })
}

pub fn totp_code_at(secret_b32: &str, account: &str, at: OffsetDateTime) -> Option<String> {
    totp(secret_b32, account).map(|t| t.generate(at.unix_timestamp().max(0) as u64))
}

/// The otpauth:// address an authenticator app reads from the QR code.
pub fn totp_url(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account).map(|t| t.get_url())
}

/// The QR code of a URL as an SVG image.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build())
}

/// A random token as URL-safe hex.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// API tokens are stored only as this digest.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// New API token: "ms_" + 64 hex characters; returns (token, digest, display prefix).
pub fn new_api_token() -> (String, String, String) {
    let token = format!("ms_{}", random_token(32));
    let digest = token_digest(&token);
    let prefix = token[..10].to_string();
    (token, digest, prefix)
}

pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// What access decisions read about a staff member, loaded together.
#[derive(Debug)]
pub struct AccessFacts {
    pub account: staff::Model,
    pub org: organisation::Model,
    pub supervisee_ids: Vec<Uuid>,
    pub program_ids: Vec<Uuid>,
}

impl AccessFacts {
    pub fn actor(&self, ip: Option<String>) -> Actor {
        Actor {
            staff_id: self.account.id,
            org_id: self.account.org_id,
            display_name: self.account.display_name.clone(),
            email: self.account.email.clone(),
            roles: db::staff::roles_from_text(&self.account.roles),
            supervisee_ids: self.supervisee_ids.clone(),
            program_ids: self.program_ids.clone(),
            ip,
        }
    }
}

/// Access facts with the generation and time they were loaded at.
type CachedFacts = (u64, std::time::Instant, Arc<AccessFacts>);

/// Recently loaded access facts per staff member. Every signed-in request needs them; entries
/// live ten seconds at most and drop at once when accounts, roles, supervision, programs or the
/// organisation change (see `db::access_changed`).
#[derive(Debug, Default)]
pub struct AccessCache {
    entries: std::sync::Mutex<std::collections::HashMap<Uuid, CachedFacts>>,
}

impl AccessCache {
    pub async fn load(&self, db: &Db, org_id: Uuid, staff_id: Uuid) -> Result<Option<Arc<AccessFacts>>, DbErr> {
        let generation = db::access_generation();
        {
            let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((cached_generation, at, facts)) = entries.get(&staff_id)
                && *cached_generation == generation
                && at.elapsed() < std::time::Duration::from_secs(10)
            {
                return Ok(Some(facts.clone()));
            }
        }
        let Some(account) = db::staff::get(db.conn(), org_id, staff_id).await? else { return Ok(None) };
        let Some(org) = db::org::get(db.conn(), org_id).await? else { return Ok(None) };
        let facts = Arc::new(AccessFacts {
            supervisee_ids: db::staff::supervisee_ids(db.conn(), org_id, staff_id).await?,
            program_ids: db::org::staff_program_ids(db.conn(), org_id, staff_id).await?,
            account,
            org,
        });
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() > 10_000 {
            entries.clear();
        }
        entries.insert(staff_id, (generation, std::time::Instant::now(), facts.clone()));
        Ok(Some(facts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_backs_off_and_caps() {
        assert_eq!(lockout_for(4), None);
        assert_eq!(lockout_for(5), Some(Duration::minutes(1)));
        assert_eq!(lockout_for(6), Some(Duration::minutes(2)));
        assert_eq!(lockout_for(8), Some(Duration::minutes(8)));
        assert_eq!(lockout_for(50), Some(Duration::minutes(60)));
    }

    #[tokio::test]
    async fn password_round_trip() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong".into(), Some(hash)).await);
        assert!(!verify_password("anything".into(), None).await);
    }

    #[test]
    fn totp_accepts_current_code_only() {
        let secret = new_totp_secret();
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let code = totp_code_at(&secret, "a@example.org", now).unwrap();
        assert!(totp_step(&secret, "a@example.org", &code, now).is_some());
        assert!(totp_step(&secret, "a@example.org", &code, now + Duration::seconds(30)).is_some());
        assert!(totp_step(&secret, "a@example.org", &code, now + Duration::minutes(5)).is_none());
        assert!(totp_url(&secret, "a@example.org").unwrap().starts_with("otpauth://totp/"));
    }

    #[test]
    fn throttle_blocks_an_address_after_the_limit_until_the_window_passes() {
        let throttle = SigninThrottle::new(3, Duration::minutes(15));
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        for _ in 0..3 {
            assert!(throttle.allows("203.0.113.9", now));
            throttle.record_failure("203.0.113.9", now);
        }
        assert!(!throttle.allows("203.0.113.9", now));
        assert!(throttle.allows("198.51.100.7", now));
        assert!(throttle.allows("203.0.113.9", now + Duration::minutes(16)));
    }

    #[test]
    fn api_tokens_are_hashed() {
        let (token, digest, prefix) = new_api_token();
        assert!(token.starts_with("ms_") && token.len() == 67);
        assert_eq!(digest, token_digest(&token));
        assert!(token.starts_with(&prefix));
        assert!(tokens_match(&digest, &token_digest(&token)));
    }
}
