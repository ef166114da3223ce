//! Sending an invitation link: by e-mail through the SMTP mailer reminders use, or by text message
//! through the operator's HTTP gateway. Messages name the organisation and carry the link; they
//! never say what the organisation does for the person, and nothing of the message is logged.

use crate::config::{SmsSettings, SmtpSettings};
use crate::i18n::Tr;
use lettre::AsyncTransport;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, Message, SinglePart};
use std::sync::{Arc, OnceLock};

/// Why a link could not go out, for the staff member (never shown to the person).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSent {
    /// Neither an SMTP server (for e-mail) nor an SMS gateway (for texts) is configured.
    NoChannel,
    /// A channel is configured but not the public address the link must start with.
    NoPublicUrl,
    /// The mail server or gateway refused the message or could not be reached.
    Failed,
}

impl NotSent {
    pub fn message_id(self) -> &'static str {
        match self {
            NotSent::NoChannel => "portal-not-sent-no-channel",
            NotSent::NoPublicUrl => "portal-not-sent-no-public-url",
            NotSent::Failed => "portal-not-sent-failed",
        }
    }
}

/// The invitation's wording in the person's language.
pub struct Invitation<'a> {
    pub tr: Tr,
    pub org_name: &'a str,
    pub name: &'a str,
    pub link: &'a str,
    pub hours: i64,
}

impl Invitation<'_> {
    fn email_subject(&self) -> String {
        self.tr.t1("portal-invite-email-subject", "org", self.org_name)
    }

    fn email_body(&self) -> String {
        let args = [
            ("name", self.name.to_string()),
            ("org", self.org_name.to_string()),
            ("link", self.link.to_string()),
            ("hours", self.hours.to_string()),
        ];
        self.tr.with_args("portal-invite-email-body", &args)
    }

    pub fn sms_body(&self) -> String {
        let args =
            [("org", self.org_name.to_string()), ("link", self.link.to_string()), ("hours", self.hours.to_string())];
        self.tr.with_args("portal-invite-sms-body", &args)
    }
}

pub async fn send_email(smtp: &SmtpSettings, to: &str, invitation: &Invitation<'_>) -> Result<(), String> {
    let to: Mailbox = to.trim().parse().map_err(|_| "the address is not usable".to_string())?;
    let message = Message::builder()
        .from(smtp.from.clone())
        .to(to)
        .subject(invitation.email_subject())
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(invitation.email_body()),
        )
        .map_err(|e| e.to_string())?;
    let transport = smtp.transport().map_err(|e| e.to_string())?;
    transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
}

/// One HTTP client for the process: TLS through rustls with the ring provider (as lettre and
/// sqlx use) and the Mozilla roots, no proxy from the environment, short timeouts.
fn client() -> Result<&'static reqwest::Client, String> {
    static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let mut roots = rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(roots)
                .with_no_client_auth();
            reqwest::Client::builder()
                .use_preconfigured_tls(tls)
                .no_proxy()
                .connect_timeout(std::time::Duration::from_secs(10))
                .timeout(std::time::Duration::from_secs(20))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Posts `{"to": …, "body": …}` to the gateway; any 2xx answer counts as accepted.
pub async fn send_sms(sms: &SmsSettings, to: &str, body: &str) -> Result<(), String> {
    let client = client()?;
    let mut request = client.post(sms.url.clone()).json(&serde_json::json!({ "to": to, "body": body }));
    if let Some(token) = &sms.token {
        request = request.bearer_auth(token.expose());
    }
    let response = request.send().await.map_err(|e| e.without_url().to_string())?;
    let status = response.status();
    if status.is_success() { Ok(()) } else { Err(format!("the gateway answered {status}")) }
}
