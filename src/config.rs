//! Settings read once at start (flags, then MAINSTAY_* variables) and passed down.

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use std::fmt;
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
    /// Where reminder e-mail goes out; none: reminders stay in the app.
    pub smtp: Option<SmtpSettings>,
    /// The address staff open Mainstay at ("https://mainstay.example.org"), for links in e-mail.
    pub public_url: Option<String>,
    /// Where portal invitations go out by text message; none: staff pass the link on themselves.
    pub sms: Option<SmsSettings>,
}

impl Config {
    pub fn validate(&self) -> Result<(), String> {
        crate::db::check_url(&self.database_url)?;
        if !(5..=24 * 60).contains(&self.session_idle_minutes) {
            return Err("session idle timeout must be between 5 and 1440 minutes".into());
        }
        if let Some(url) = &self.public_url {
            check_public_url(url)?;
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
            smtp: None,
            public_url: None,
            sms: None,
        }
    }

    /// A link to a page of the app: absolute with a public URL, else the path alone.
    pub fn link(&self, path: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path.to_string(),
        }
    }
}

fn check_public_url(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| format!("--public-url {raw:?} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("--public-url must start with https:// (or http://) and name a host, not {raw:?}"));
    }
    Ok(())
}

/// How the connection to the mail server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://`: plain connection upgraded with STARTTLS, which the server must offer.
    StartTls,
    /// `smtp://…?tls=opportunistic`: STARTTLS when offered, plain otherwise.
    Opportunistic,
    /// `smtps://`: TLS from the first byte.
    Tls,
    /// `smtp://…?tls=none`: no encryption, for a relay on the same machine or network.
    None,
}

/// A password kept out of logs and debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(hidden)")
    }
}

/// The mail server reminders are sent through, from `--smtp-url` and `--smtp-from`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpSettings {
    pub security: SmtpSecurity,
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The name given in EHLO (the URL's path), when the server wants a particular one.
    pub hello_name: Option<String>,
    pub from: Mailbox,
}

impl SmtpSettings {
    /// Reads `smtp://user:pass@host:587` (STARTTLS), `smtps://user:pass@host` (TLS) or
    /// `smtp://host:2525?tls=none` (a local relay) and the sender address. Messages never
    /// repeat the password.
    pub fn parse(url: Option<&str>, from: Option<&str>) -> Result<Option<SmtpSettings>, String> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        let from = from.map(str::trim).filter(|f| !f.is_empty());
        let Some(raw) = url else {
            return match from {
                Some(_) => Err("--smtp-from is set but --smtp-url is not: give both to send reminder e-mail".into()),
                None => Ok(None),
            };
        };
        let parsed = url::Url::parse(raw).map_err(|e| format!("--smtp-url is not a URL ({e}); {EXAMPLES}"))?;
        let shown = redacted(&parsed);
        let host = match parsed.host_str() {
            Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']').to_string(),
            _ => return Err(format!("--smtp-url {shown} names no server; {EXAMPLES}")),
        };
        let tls = parsed.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.to_string());
        if let Some((other, _)) = parsed.query_pairs().find(|(k, _)| k != "tls") {
            return Err(format!("--smtp-url {shown}: unknown setting {other:?} (only tls=… is understood)"));
        }
        let security = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None | Some("required" | "starttls")) => SmtpSecurity::StartTls,
            ("smtp", Some("opportunistic")) => SmtpSecurity::Opportunistic,
            ("smtp", Some("none")) => SmtpSecurity::None,
            ("smtps", None | Some("wrapper" | "tls")) => SmtpSecurity::Tls,
            ("smtp" | "smtps", Some(other)) => {
                return Err(format!(
                    "--smtp-url {shown}: tls={other} is not understood (use required, opportunistic or none with \
                     smtp://; smtps:// is always TLS)"
                ));
            }
            (scheme, _) => {
                return Err(format!("--smtp-url must start with smtp:// or smtps://, not {scheme}://; {EXAMPLES}"));
            }
        };
        let port = parsed.port().unwrap_or(match security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
            SmtpSecurity::StartTls | SmtpSecurity::Opportunistic => 587,
        });
        let decode = |s: &str| -> Result<String, String> {
            url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .ok_or_else(|| format!("--smtp-url {shown}: the user name or password is not valid percent-encoding"))
        };
        let username = Some(parsed.username()).filter(|u| !u.is_empty()).map(decode).transpose()?;
        let password = parsed.password().map(decode).transpose()?.map(Secret);
        if password.is_some() && username.is_none() {
            return Err(format!("--smtp-url {shown} has a password but no user name"));
        }
        if password.is_some() && security == SmtpSecurity::None && !is_loopback(&host) {
            return Err(format!(
                "--smtp-url {shown}: a password would cross the network unencrypted with tls=none; use STARTTLS \
                 (smtp://) or TLS (smtps://), or a relay on this machine"
            ));
        }
        let hello_name = Some(parsed.path().trim_matches('/')).filter(|p| !p.is_empty()).map(str::to_string);
        let Some(from) = from else {
            return Err("--smtp-url is set but --smtp-from is not: give the sender address, e.g. \
                        --smtp-from 'Mainstay <mainstay@example.org>'"
                .into());
        };
        let from: Mailbox =
            from.parse().map_err(|_| format!("--smtp-from {from:?} is not an e-mail address (Name <address@host>)"))?;
        Ok(Some(SmtpSettings { security, host, port, username, password, hello_name, from }))
    }

    /// The server as it can be shown in logs and messages: no credentials.
    pub fn describe(&self) -> String {
        let scheme = if self.security == SmtpSecurity::Tls { "smtps" } else { "smtp" };
        let tls = match self.security {
            SmtpSecurity::Opportunistic => "?tls=opportunistic",
            SmtpSecurity::None => "?tls=none",
            SmtpSecurity::StartTls | SmtpSecurity::Tls => "",
        };
        let user = self.username.as_deref().map(|u| format!("{u}@")).unwrap_or_default();
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        format!("{scheme}://{user}{host}:{}{tls}", self.port)
    }

    /// A transport for one run (lettre connects when a message is sent).
    pub fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(self.host.clone())
            .port(self.port)
            .timeout(Some(std::time::Duration::from_secs(30)));
        builder = match self.security {
            SmtpSecurity::StartTls => builder.tls(Tls::Required(TlsParameters::new(self.host.clone())?)),
            SmtpSecurity::Opportunistic => builder.tls(Tls::Opportunistic(TlsParameters::new(self.host.clone())?)),
            SmtpSecurity::Tls => builder.tls(Tls::Wrapper(TlsParameters::new(self.host.clone())?)),
            SmtpSecurity::None => builder.tls(Tls::None),
        };
        if let (Some(user), Some(password)) = (&self.username, &self.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_string()));
        }
        if let Some(name) = &self.hello_name {
            builder = builder.hello_name(ClientId::Domain(name.clone()));
        }
        Ok(builder.build())
    }
}

/// The HTTP gateway portal invitations are texted through: `POST {url}` with the JSON body
/// `{"to": "+15550104321", "body": "…"}` and, when a token is set, `Authorization: Bearer {token}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsSettings {
    pub url: url::Url,
    pub token: Option<Secret>,
}

/// The environment variables the SMS gateway is read from.
pub const SMS_URL_VAR: &str = "MAINSTAY_SMS_WEBHOOK_URL";
pub const SMS_TOKEN_VAR: &str = "MAINSTAY_SMS_WEBHOOK_TOKEN";

impl SmsSettings {
    /// Reads the gateway's address (https://, or http:// to this machine only) and its bearer token.
    pub fn parse(url: Option<&str>, token: Option<&str>) -> Result<Option<SmsSettings>, String> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        let token = token.map(str::trim).filter(|t| !t.is_empty());
        let Some(raw) = url else {
            return match token {
                Some(_) => Err(format!("{SMS_TOKEN_VAR} is set but {SMS_URL_VAR} is not: give the gateway's address")),
                None => Ok(None),
            };
        };
        let parsed = url::Url::parse(raw).map_err(|e| format!("{SMS_URL_VAR} is not a URL ({e})"))?;
        let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) else {
            return Err(format!("{SMS_URL_VAR} names no server"));
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(format!(
                "{SMS_URL_VAR} must not carry a user name or password; put the token in {SMS_TOKEN_VAR}"
            ));
        }
        match parsed.scheme() {
            "https" => {}
            "http" if is_loopback(host) => {}
            "http" => {
                return Err(format!(
                    "{SMS_URL_VAR} must use https:// (plain http:// only to a gateway on this machine): invitation \
                     links would cross the network unencrypted"
                ));
            }
            other => return Err(format!("{SMS_URL_VAR} must start with https://, not {other}://")),
        }
        Ok(Some(SmsSettings { url: parsed, token: token.map(|t| Secret(t.to_string())) }))
    }

    /// From `MAINSTAY_SMS_WEBHOOK_URL` and `MAINSTAY_SMS_WEBHOOK_TOKEN`.
    pub fn from_env() -> Result<Option<SmsSettings>, String> {
        let url = std::env::var(SMS_URL_VAR).ok();
        let token = std::env::var(SMS_TOKEN_VAR).ok();
        SmsSettings::parse(url.as_deref(), token.as_deref())
    }

    /// The gateway as it can be shown in logs: scheme, host, port and path, no query or token.
    pub fn describe(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        let port = self.url.port().map(|p| format!(":{p}")).unwrap_or_default();
        format!("{}://{host}{port}{}", self.url.scheme(), self.url.path())
    }
}

const EXAMPLES: &str = "e.g. smtp://user:password@mail.example.org:587 (STARTTLS), smtps://user:password@mail.example.org (TLS) \
     or smtp://localhost:2525?tls=none (a local relay)";

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The URL with its password replaced, for error messages.
fn redacted(url: &url::Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Result<Option<SmtpSettings>, String> {
        SmtpSettings::parse(Some(url), Some("Mainstay <mainstay@example.org>"))
    }

    #[test]
    fn smtp_urls_choose_the_protection_and_port() {
        let s = parse("smtp://sam:p%40ss%2Bword@mail.example.org").unwrap().unwrap();
        assert_eq!((s.security, s.port, s.host.as_str()), (SmtpSecurity::StartTls, 587, "mail.example.org"));
        assert_eq!(s.username.as_deref(), Some("sam"));
        assert_eq!(s.password.as_ref().map(Secret::expose), Some("p@ss+word"));
        let s = parse("smtps://sam:pw@mail.example.org").unwrap().unwrap();
        assert_eq!((s.security, s.port), (SmtpSecurity::Tls, 465));
        let s = parse("smtp://127.0.0.1:2525?tls=none").unwrap().unwrap();
        assert_eq!((s.security, s.port, s.username.is_none()), (SmtpSecurity::None, 2525, true));
        let s = parse("smtp://mail.example.org:25/mainstay.example.org?tls=opportunistic").unwrap().unwrap();
        assert_eq!((s.security, s.hello_name.as_deref()), (SmtpSecurity::Opportunistic, Some("mainstay.example.org")));
        assert_eq!(SmtpSettings::parse(None, None), Ok(None));
    }

    #[test]
    fn bad_smtp_settings_are_explained_without_the_password() {
        let cases = [
            ("http://sam:hunter2@mail.example.org", "smtp:// or smtps://"),
            ("smtp://sam:hunter2@mail.example.org?tls=maybe", "tls=maybe"),
            ("smtp://sam:hunter2@mail.example.org:2525?tls=none", "unencrypted"),
            ("smtp://:hunter2@mail.example.org", "no user name"),
            ("smtp://mail.example.org?port=25", "unknown setting"),
            ("not a url hunter2", "not a URL"),
        ];
        for (url, expected) in cases {
            let message = parse(url).unwrap_err();
            assert!(message.contains(expected), "{url}: {message}");
            assert!(!message.contains("hunter2"), "{url}: {message}");
        }
        let no_from = SmtpSettings::parse(Some("smtp://mail.example.org"), None).unwrap_err();
        assert!(no_from.contains("--smtp-from"), "{no_from}");
        let no_url = SmtpSettings::parse(None, Some("a@example.org")).unwrap_err();
        assert!(no_url.contains("--smtp-url"), "{no_url}");
        let bad_from = SmtpSettings::parse(Some("smtp://mail.example.org"), Some("not an address")).unwrap_err();
        assert!(bad_from.contains("not an e-mail address"), "{bad_from}");
        assert!(check_public_url("ftp://example.org").is_err());
        assert!(check_public_url("https://mainstay.example.org/").is_ok());
    }

    #[test]
    fn sms_gateways_are_https_or_local_and_the_token_never_shows() {
        let s = SmsSettings::parse(Some("https://sms.example.org/send?x=1"), Some("tok-hunter2")).unwrap().unwrap();
        assert_eq!(s.describe(), "https://sms.example.org/send");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(SmsSettings::parse(Some("http://127.0.0.1:9000/sms"), None).unwrap().is_some());
        for (url, expected) in [
            ("http://sms.example.org/send", "https://"),
            ("ftp://sms.example.org/", "https://"),
            ("https://user:pw@sms.example.org/", "token"),
            ("not a url", "not a URL"),
        ] {
            let message = SmsSettings::parse(Some(url), None).unwrap_err();
            assert!(message.contains(expected), "{url}: {message}");
        }
        assert!(SmsSettings::parse(None, Some("tok")).unwrap_err().contains(SMS_URL_VAR));
        assert_eq!(SmsSettings::parse(None, None), Ok(None));
    }

    #[test]
    fn the_password_never_shows() {
        let s = parse("smtp://sam:hunter2@mail.example.org").unwrap().unwrap();
        let mut config = Config::for_database("sqlite://x.db");
        config.smtp = Some(s.clone());
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(s.describe(), "smtp://sam@mail.example.org:587");
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
