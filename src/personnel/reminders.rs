//! Personnel reminders: certifications expiring (60 and 30 days ahead) or expired, training that
//! is missing or has lapsed, supervision gaps and workload reviews falling due. `run` works them
//! out for every organisation (the server hourly and at start-up, `mainstay reminders` from cron),
//! records each once per stage, closes those no longer due and e-mails the new ones when SMTP is
//! configured. The pages and the API list and dismiss them through `list` and `dismiss`.

use crate::access::{self, Actor};
use crate::app::{AppState, local_date};
use crate::audit::Entry;
use crate::config::SmtpSettings;
use crate::db;
use crate::db::entities::{organisation, staff, staff_certification, staff_program, staff_reminder, workload_review};
use crate::domain::codes::{Role, UiLanguage};
use crate::domain::personnel::{
    CertificationDue, CertificationKind, DueReminder, Need, ReminderKind, StaffFacts, WorkloadRules, due_reminders,
    evaluate, review_due,
};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::personnel::{self, Settings};
use crate::web::actor_entry;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

/// New reminders are e-mailed (and failed sends retried) for this long after they appear, so
/// switching SMTP on later does not send a backlog of old news.
pub const EMAIL_WINDOW_DAYS: i64 = 7;

// ---------- working out what is due ----------

/// Staff whose roles carry a caseload, groups or referrals have their workload reviewed (2.08).
pub fn carries_caseload(member: &staff::Model) -> bool {
    db::staff::roles_from_text(&member.roles)
        .iter()
        .any(|r| matches!(r, Role::Coach | Role::Supervisor | Role::GroupFacilitator | Role::ReferralSpecialist))
}

/// Whether `newer` replaces `older`: the same kind, recorded as issued later, lasting longer.
fn supersedes(newer: &staff_certification::Model, older: &staff_certification::Model) -> bool {
    let later = (newer.issued_on, newer.created_at, newer.id) > (older.issued_on, older.created_at, older.id);
    let lasts_longer = match (newer.expires_on, older.expires_on) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(n), Some(o)) => n > o,
    };
    newer.id != older.id && newer.kind == older.kind && later && lasts_longer
}

/// A staff member's certifications as the reminder rules see them: a renewed one stops reminding.
pub fn certifications_due(certs: &[&staff_certification::Model]) -> Vec<CertificationDue> {
    certs
        .iter()
        .map(|c| CertificationDue {
            id: c.id.to_string(),
            expires_on: c.expires_on,
            superseded: certs.iter().any(|n| supersedes(n, c)),
        })
        .collect()
}

/// When the next workload review falls due: the interval after the last review (or the earlier
/// date the reviewer set), or after the start date (else the account's creation) when there has
/// been none, so the date, and with it the reminder, stays put from one run to the next.
pub fn workload_review_due(
    member: &staff::Model,
    start_date: Option<Date>,
    last: Option<&workload_review::Model>,
    rules: &WorkloadRules,
    today: Date,
) -> Date {
    match last {
        Some(r) => review_due(Some(r.reviewed_on), rules, today).min(r.next_review_on),
        None => review_due(Some(start_date.unwrap_or(member.created_at.date())), rules, today),
    }
}

/// Everything due for one active staff member on `today`.
pub fn due_for(
    member: &staff::Model,
    facts: &StaffFacts,
    certs: &[&staff_certification::Model],
    last_review: Option<&workload_review::Model>,
    settings: &Settings,
    today: Date,
) -> Vec<DueReminder> {
    let competency = evaluate(facts, &settings.intervals, today);
    let review = carries_caseload(member)
        .then(|| workload_review_due(member, facts.start_date, last_review, &settings.workload, today));
    due_reminders(&certifications_due(certs), &competency, review, today)
}

/// One reminder created or closed by a run, as reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReminderNote {
    pub org_id: Uuid,
    pub reminder_id: Uuid,
    pub staff_id: Uuid,
    pub staff_name: String,
    pub kind: ReminderKind,
    pub subject: String,
    pub stage: String,
    pub due_on: Date,
}

/// What a run did (or, dry, would do).
#[derive(Clone, Debug, Default)]
pub struct RunReport {
    pub dry_run: bool,
    pub organisations: usize,
    pub created: Vec<ReminderNote>,
    pub closed: Vec<ReminderNote>,
    /// Messages handed to the mail server.
    pub emails_sent: usize,
    /// Messages the mail server refused or could not take (retried next run).
    pub emails_failed: usize,
    /// Whether e-mail is configured at all.
    pub email_enabled: bool,
    /// Organisations skipped because of a database error (logged).
    pub failed_organisations: usize,
}

type Key = (Uuid, String, String, String);

fn key_of(r: &staff_reminder::Model) -> Key {
    (r.staff_id, r.kind.clone(), r.subject.clone(), r.stage.clone())
}

/// One organisation's reminders to create and to close.
struct Plan {
    create: Vec<staff_reminder::Model>,
    close: Vec<staff_reminder::Model>,
    names: HashMap<Uuid, String>,
}

async fn plan(state: &AppState, org: &organisation::Model, now: OffsetDateTime) -> Result<Plan, DbErr> {
    let conn = state.db.conn();
    let today = local_date(&org.time_zone, now);
    let settings = personnel::settings(conn, org.id).await?;
    let members = db::staff::active(&state.db, org.id).await?;
    let facts = personnel::facts(conn, org.id, &members).await?;
    let certs =
        staff_certification::Entity::find().filter(staff_certification::Column::OrgId.eq(org.id)).all(conn).await?;
    let mut certs_of: HashMap<Uuid, Vec<&staff_certification::Model>> = HashMap::new();
    for c in &certs {
        certs_of.entry(c.staff_id).or_default().push(c);
    }
    // The workload table belongs to the workload pages; only its latest row per person matters here.
    let reviews = workload_review::Entity::find()
        .filter(workload_review::Column::OrgId.eq(org.id))
        .order_by_desc(workload_review::Column::ReviewedOn)
        .order_by_desc(workload_review::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut last_review: HashMap<Uuid, &workload_review::Model> = HashMap::new();
    for r in &reviews {
        last_review.entry(r.staff_id).or_insert(r);
    }
    let existing = staff_reminder::Entity::find().filter(staff_reminder::Column::OrgId.eq(org.id)).all(conn).await?;
    let known: HashSet<Key> = existing.iter().map(key_of).collect();

    let mut due_keys: HashSet<Key> = HashSet::new();
    let mut create = Vec::new();
    for member in &members {
        let Some(f) = facts.get(&member.id) else { continue };
        let mine = certs_of.get(&member.id).map_or(&[][..], |c| c.as_slice());
        for due in due_for(member, f, mine, last_review.get(&member.id).copied(), &settings, today) {
            let key = (member.id, due.kind.code().to_string(), due.subject.clone(), due.stage.clone());
            if !known.contains(&key) && !due_keys.contains(&key) {
                create.push(staff_reminder::Model {
                    id: Uuid::new_v4(),
                    org_id: org.id,
                    staff_id: member.id,
                    kind: due.kind.code().to_string(),
                    subject: due.subject,
                    stage: due.stage,
                    due_on: due.on,
                    created_at: now,
                    emailed_at: None,
                    dismissed_at: None,
                });
            }
            due_keys.insert(key);
        }
    }
    // Open reminders that are no longer due (renewed, trained, supervised, reviewed, or the
    // person has left) are closed.
    let close = existing.into_iter().filter(|r| r.dismissed_at.is_none() && !due_keys.contains(&key_of(r))).collect();
    let names = staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect();
    Ok(Plan { create, close, names })
}

fn note(r: &staff_reminder::Model, names: &HashMap<Uuid, String>) -> Option<ReminderNote> {
    Some(ReminderNote {
        org_id: r.org_id,
        reminder_id: r.id,
        staff_id: r.staff_id,
        staff_name: names.get(&r.staff_id).cloned().unwrap_or_default(),
        kind: ReminderKind::parse(&r.kind)?,
        subject: r.subject.clone(),
        stage: r.stage.clone(),
        due_on: r.due_on,
    })
}

/// Records the plan in one write transaction; returns what was created (a reminder another run
/// recorded in the meantime is skipped by the unique index) and what was closed.
async fn apply(
    state: &AppState,
    org: &organisation::Model,
    plan: &Plan,
    now: OffsetDateTime,
) -> Result<(Vec<ReminderNote>, Vec<ReminderNote>), DbErr> {
    use staff_reminder::Column as C;
    if plan.create.is_empty() && plan.close.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let txn = state.db.begin_write().await?;
    let mut created = Vec::new();
    for r in &plan.create {
        let inserted = staff_reminder::Entity::insert(staff_reminder::ActiveModel::from(r.clone()))
            .on_conflict(
                OnConflict::columns([C::OrgId, C::StaffId, C::Kind, C::Subject, C::Stage]).do_nothing().to_owned(),
            )
            .exec_without_returning(&*txn)
            .await?;
        if inserted > 0 {
            created.extend(note(r, &plan.names));
        }
    }
    let mut closed = Vec::new();
    let ids: Vec<Uuid> = plan.close.iter().map(|r| r.id).collect();
    for chunk in ids.chunks(400) {
        staff_reminder::Entity::update_many()
            .col_expr(C::DismissedAt, Expr::value(now))
            .filter(C::OrgId.eq(org.id))
            .filter(C::Id.is_in(chunk.to_vec()))
            .filter(C::DismissedAt.is_null())
            .exec(&*txn)
            .await?;
    }
    closed.extend(plan.close.iter().filter_map(|r| note(r, &plan.names)));
    if !created.is_empty() || !closed.is_empty() {
        let mut entry = Entry::new(org.id, "personnel.reminders.run")
            .detail(json!({ "created": created.len(), "closed": closed.len() }));
        entry.actor_label = Some("reminders".into());
        db::audit::append(&txn, entry, now).await?;
    }
    txn.commit().await?;
    Ok((created, closed))
}

/// Works out every organisation's reminders on `now`, records new ones, closes those no longer
/// due and e-mails the new ones when SMTP is configured. Running it again the same day changes
/// nothing and sends nothing twice.
pub async fn run(state: &AppState, now: OffsetDateTime) -> RunReport {
    execute(state, now, false).await
}

/// What `run` would create and close; nothing is written or sent.
pub async fn dry_run(state: &AppState, now: OffsetDateTime) -> RunReport {
    execute(state, now, true).await
}

async fn execute(state: &AppState, now: OffsetDateTime, dry: bool) -> RunReport {
    let mut report = RunReport { dry_run: dry, email_enabled: state.config.smtp.is_some(), ..RunReport::default() };
    let orgs = match db::org::all(&state.db).await {
        Ok(orgs) => orgs,
        Err(e) => {
            tracing::error!(error = %e, "reminders: could not list organisations");
            report.failed_organisations = 1;
            return report;
        }
    };
    let mailer = match (&state.config.smtp, dry) {
        (Some(smtp), false) => match smtp.transport() {
            Ok(transport) => Some((smtp, transport)),
            Err(e) => {
                tracing::error!(server = %smtp.describe(), error = %e, "reminders: could not set up e-mail");
                None
            }
        },
        _ => None,
    };
    for org in &orgs {
        report.organisations += 1;
        let outcome = async {
            let plan = plan(state, org, now).await?;
            if dry {
                report.created.extend(plan.create.iter().filter_map(|r| note(r, &plan.names)));
                report.closed.extend(plan.close.iter().filter_map(|r| note(r, &plan.names)));
                return Ok(());
            }
            let (created, closed) = apply(state, org, &plan, now).await?;
            report.created.extend(created);
            report.closed.extend(closed);
            if let Some((smtp, transport)) = &mailer {
                let (sent, failed) = send_pending(state, org, smtp, transport, now).await?;
                report.emails_sent += sent;
                report.emails_failed += failed;
            }
            Ok::<(), DbErr>(())
        }
        .await;
        if let Err(e) = outcome {
            report.failed_organisations += 1;
            tracing::error!(org_id = %org.id, error = %e, "reminders: could not work out an organisation's reminders");
        }
    }
    report
}

/// `run`, logged: for the server's background loop.
pub async fn run_logged(state: &AppState) {
    let report = run(state, state.clock.now()).await;
    tracing::info!(
        created = report.created.len(),
        closed = report.closed.len(),
        emails_sent = report.emails_sent,
        emails_failed = report.emails_failed,
        failed_organisations = report.failed_organisations,
        "personnel reminders worked out"
    );
}

// ---------- e-mail ----------

/// Reminder kinds the staff member's supervisor hears about too.
fn supervisor_hears(kind: ReminderKind) -> bool {
    matches!(
        kind,
        ReminderKind::CertificationExpiring | ReminderKind::CertificationExpired | ReminderKind::SupervisionGap
    )
}

/// The reminders one person receives in one message: their own and their supervisees'.
#[derive(Default)]
struct Digest<'a> {
    own: Vec<&'a staff_reminder::Model>,
    team: Vec<&'a staff_reminder::Model>,
}

/// The language a staff member reads: their own choice, else the organisation's.
fn language_of(member: &staff::Model, org: &organisation::Model) -> UiLanguage {
    member
        .language
        .as_deref()
        .and_then(UiLanguage::parse)
        .or_else(|| UiLanguage::parse(&org.default_language))
        .unwrap_or(UiLanguage::En)
}

/// Sends the organisation's open, un-e-mailed recent reminders (one message per recipient) and
/// marks those whose every message went out. Returns (sent, failed) message counts.
async fn send_pending(
    state: &AppState,
    org: &organisation::Model,
    smtp: &SmtpSettings,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    now: OffsetDateTime,
) -> Result<(usize, usize), DbErr> {
    use staff_reminder::Column as C;
    let conn = state.db.conn();
    let pending = staff_reminder::Entity::find()
        .filter(C::OrgId.eq(org.id))
        .filter(C::EmailedAt.is_null())
        .filter(C::DismissedAt.is_null())
        .filter(C::CreatedAt.gte(now - Duration::days(EMAIL_WINDOW_DAYS)))
        .order_by_asc(C::DueOn)
        .all(conn)
        .await?;
    if pending.is_empty() {
        return Ok((0, 0));
    }
    let members: HashMap<Uuid, staff::Model> =
        db::staff::active(&state.db, org.id).await?.into_iter().map(|s| (s.id, s)).collect();
    let subjects = Subjects::load(state, org.id, &pending).await?;
    let mut digests: BTreeMap<Uuid, Digest> = BTreeMap::new();
    for r in &pending {
        let (Some(member), Some(kind)) = (members.get(&r.staff_id), ReminderKind::parse(&r.kind)) else { continue };
        digests.entry(member.id).or_default().own.push(r);
        if supervisor_hears(kind)
            && let Some(boss) = member.supervisor_id.filter(|b| *b != member.id && members.contains_key(b))
        {
            digests.entry(boss).or_default().team.push(r);
        }
    }
    let today = local_date(&org.time_zone, now);
    let (mut sent, mut failed) = (0, 0);
    let mut undelivered: HashSet<Uuid> = HashSet::new();
    let mut included: HashSet<Uuid> = HashSet::new();
    for (recipient_id, digest) in &digests {
        let Some(recipient) = members.get(recipient_id) else { continue };
        let ids = digest.own.iter().chain(&digest.team).map(|r| r.id);
        included.extend(ids.clone());
        let mail = Mail {
            org,
            recipient,
            members: &members,
            subjects: &subjects,
            today,
            link: state.config.link("/reminders"),
        };
        let outcome = match mail.compose(&smtp.from, digest) {
            Ok(message) => transport.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match outcome {
            Ok(()) => sent += 1,
            Err(error) => {
                failed += 1;
                undelivered.extend(ids);
                // Who and why, never the server's credentials or the message itself.
                tracing::warn!(org_id = %org.id, staff_id = %recipient.id, server = %smtp.describe(), %error,
                    "reminders: e-mail not sent; it will be tried again on the next run");
            }
        }
    }
    let delivered: Vec<Uuid> = included.difference(&undelivered).copied().collect();
    if !delivered.is_empty() {
        let txn = state.db.begin_write().await?;
        for chunk in delivered.chunks(400) {
            staff_reminder::Entity::update_many()
                .col_expr(C::EmailedAt, Expr::value(now))
                .filter(C::OrgId.eq(org.id))
                .filter(C::Id.is_in(chunk.to_vec()))
                .exec(&*txn)
                .await?;
        }
        txn.commit().await?;
    }
    Ok((sent, failed))
}

/// One recipient's message.
struct Mail<'a> {
    org: &'a organisation::Model,
    recipient: &'a staff::Model,
    members: &'a HashMap<Uuid, staff::Model>,
    subjects: &'a Subjects,
    today: Date,
    link: String,
}

impl Mail<'_> {
    /// The plain-text body: staff names, certification names, requirement names and dates only,
    /// never anything about the people served.
    fn body(&self, tr: &Tr, digest: &Digest) -> String {
        let mut text = tr.t1("email-reminders-greeting", "name", &self.recipient.display_name);
        text.push_str("\n\n");
        if !digest.own.is_empty() {
            text.push_str(&tr.t("email-reminders-yours"));
            text.push('\n');
            for r in &digest.own {
                text.push_str(&format!("- {}\n", self.subjects.sentence(tr, r, self.today)));
            }
            text.push('\n');
        }
        if !digest.team.is_empty() {
            text.push_str(&tr.t("email-reminders-team"));
            text.push('\n');
            for r in &digest.team {
                let name = self.members.get(&r.staff_id).map(|s| s.display_name.as_str()).unwrap_or_default();
                text.push_str(&format!("- {name}: {}\n", self.subjects.sentence(tr, r, self.today)));
            }
            text.push('\n');
        }
        text.push_str(&tr.t1("email-reminders-link", "link", &self.link));
        text.push_str("\n\n-- \n");
        text.push_str(&tr.t1("email-reminders-footer", "org", &self.org.name));
        text.push('\n');
        text
    }

    fn compose(&self, from: &Mailbox, digest: &Digest) -> Result<Message, String> {
        let tr = Tr::new(language_of(self.recipient, self.org));
        let to: Mailbox =
            format!("{} <{}>", self.recipient.display_name.replace(['<', '>', '"'], ""), self.recipient.email)
                .parse()
                .or_else(|_| self.recipient.email.parse())
                .map_err(|_| "the staff member's e-mail address is not usable".to_string())?;
        let count = digest.own.len() + digest.team.len();
        let subject =
            tr.with_args("email-reminders-subject", &[("count", count.to_string()), ("org", self.org.name.clone())]);
        Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(self.body(&tr, digest))
            .map_err(|e| e.to_string())
    }
}

// ---------- what a reminder is about, in words ----------

/// What a reminder's subject names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum About {
    Certification { name: String, kind: Option<CertificationKind> },
    Need(Need),
    Nothing,
}

/// The certifications reminders name, loaded once for a list or a run.
pub struct Subjects {
    certifications: HashMap<Uuid, staff_certification::Model>,
}

impl Subjects {
    pub async fn load(state: &AppState, org_id: Uuid, reminders: &[staff_reminder::Model]) -> Result<Subjects, DbErr> {
        let ids: Vec<Uuid> = reminders
            .iter()
            .filter(|r| r.kind.starts_with("certification-"))
            .filter_map(|r| Uuid::parse_str(&r.subject).ok())
            .collect();
        let mut certifications = HashMap::new();
        for chunk in ids.chunks(400) {
            for c in staff_certification::Entity::find()
                .filter(staff_certification::Column::OrgId.eq(org_id))
                .filter(staff_certification::Column::Id.is_in(chunk.to_vec()))
                .all(state.db.conn())
                .await?
            {
                certifications.insert(c.id, c);
            }
        }
        Ok(Subjects { certifications })
    }

    pub fn about(&self, r: &staff_reminder::Model) -> About {
        match ReminderKind::parse(&r.kind) {
            Some(ReminderKind::CertificationExpiring | ReminderKind::CertificationExpired) => {
                match Uuid::parse_str(&r.subject).ok().and_then(|id| self.certifications.get(&id)) {
                    Some(c) => About::Certification { name: c.name.clone(), kind: CertificationKind::parse(&c.kind) },
                    None => About::Certification { name: String::new(), kind: None },
                }
            }
            Some(ReminderKind::TrainingOverdue) => Need::parse(&r.subject).map_or(About::Nothing, About::Need),
            _ => About::Nothing,
        }
    }

    pub fn sentence(&self, tr: &Tr, r: &staff_reminder::Model, today: Date) -> String {
        sentence(tr, r, &self.about(r), today)
    }
}

/// A training requirement or check in words, with its standard: "Referral procedures (2.03)".
pub fn need_label(tr: &Tr, need: Need) -> String {
    format!("{} ({})", tr.t(&need.message_id()), need.standard())
}

/// Assignment gaps in words, for warnings and errors.
pub fn gaps_text(tr: &Tr, gaps: &[Need]) -> String {
    gaps.iter().map(|n| need_label(tr, *n)).collect::<Vec<_>>().join(", ")
}

/// What a certification is called: its name, else its kind.
fn certification_label(tr: &Tr, name: &str, kind: Option<CertificationKind>) -> String {
    match (name.trim(), kind) {
        ("", Some(kind)) => tr.t(&kind.message_id()),
        ("", None) => tr.t("reminder-a-certification"),
        (name, _) => name.to_string(),
    }
}

/// One reminder in plain words: what, which certification or requirement, and the date.
pub fn sentence(tr: &Tr, r: &staff_reminder::Model, about: &About, today: Date) -> String {
    let date = crate::web::referrals::long_date(tr, r.due_on);
    let thing = match about {
        About::Certification { name, kind } => certification_label(tr, name, *kind),
        About::Need(need) => need_label(tr, *need),
        About::Nothing => String::new(),
    };
    let args = |key: &str| {
        tr.with_args(key, &[("certification", thing.clone()), ("requirement", thing.clone()), ("date", date.clone())])
    };
    match ReminderKind::parse(&r.kind) {
        Some(ReminderKind::CertificationExpiring) => args("reminder-certification-expiring"),
        Some(ReminderKind::CertificationExpired) => args("reminder-certification-expired"),
        Some(ReminderKind::TrainingOverdue) if r.stage == "missing" => args("reminder-training-missing"),
        Some(ReminderKind::TrainingOverdue) => args("reminder-training-lapsed"),
        Some(ReminderKind::SupervisionGap) if r.stage == "never" => tr.t("reminder-supervision-never"),
        Some(ReminderKind::SupervisionGap) => args("reminder-supervision-gap"),
        Some(ReminderKind::WorkloadReviewDue) if r.due_on >= today => args("reminder-workload-review-due"),
        Some(ReminderKind::WorkloadReviewDue) => args("reminder-workload-review-overdue"),
        None => r.kind.clone(),
    }
}

/// The page of the staff member's record where the reminder is dealt with.
pub fn record_link(r: &staff_reminder::Model) -> String {
    let section = match ReminderKind::parse(&r.kind) {
        Some(ReminderKind::TrainingOverdue) => "/training",
        Some(ReminderKind::SupervisionGap) => "/supervision",
        Some(ReminderKind::WorkloadReviewDue) => "/workload",
        _ => "",
    };
    format!("/team/{}{section}", r.staff_id)
}

/// Whether a staff member's peer certification has lapsed: they held one and none is in force on
/// `today`. Someone who never held one is not flagged here (the competency matrix shows that).
pub async fn peer_certification_lapsed(
    conn: &impl sea_orm::ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
    today: Date,
) -> Result<bool, DbErr> {
    let peer: Vec<staff_certification::Model> = staff_certification::Entity::find()
        .filter(staff_certification::Column::OrgId.eq(org_id))
        .filter(staff_certification::Column::StaffId.eq(staff_id))
        .all(conn)
        .await?
        .into_iter()
        .filter(|c| CertificationKind::parse(&c.kind).is_some_and(CertificationKind::is_peer) && c.issued_on <= today)
        .collect();
    let in_force = peer.iter().any(|c| c.expires_on.is_none_or(|d| d >= today));
    Ok(!peer.is_empty() && !in_force)
}

// ---------- the list and dismissal ----------

/// One open reminder as a list shows it.
#[derive(Clone, Debug)]
pub struct ReminderView {
    pub reminder: staff_reminder::Model,
    pub kind: ReminderKind,
    pub staff_name: String,
    pub about: About,
    /// The reader's own reminder.
    pub own: bool,
    pub can_dismiss: bool,
}

impl ReminderView {
    pub fn sentence(&self, tr: &Tr, today: Date) -> String {
        sentence(tr, &self.reminder, &self.about, today)
    }

    pub fn link(&self) -> String {
        record_link(&self.reminder)
    }
}

/// Supervisors and program directors follow their team's reminders.
pub fn may_see_team_reminders(actor: &Actor) -> bool {
    actor.has(Role::Supervisor) || actor.has(Role::ProgramDirector)
}

/// An actor's open reminders and, with `team`, their team's: (own, team). `team` is refused
/// (audited) to anyone who is not a supervisor or program director.
pub async fn list(state: &AppState, actor: &Actor, team: bool) -> AppResult<(Vec<ReminderView>, Vec<ReminderView>)> {
    use staff_reminder::Column as C;
    let conn = state.db.conn();
    let members: Vec<staff::Model> = if team {
        if !may_see_team_reminders(actor) {
            return Err(personnel::deny(state, actor, "personnel.reminders.team", actor.staff_id).await);
        }
        personnel::team(state, actor, "personnel.reminders.team")
            .await?
            .into_iter()
            .filter(|s| s.id != actor.staff_id)
            .collect()
    } else {
        Vec::new()
    };
    let mut ids: Vec<Uuid> = members.iter().map(|s| s.id).collect();
    ids.push(actor.staff_id);
    let mut rows = Vec::new();
    for chunk in ids.chunks(400) {
        rows.extend(
            staff_reminder::Entity::find()
                .filter(C::OrgId.eq(actor.org_id))
                .filter(C::StaffId.is_in(chunk.to_vec()))
                .filter(C::DismissedAt.is_null())
                .order_by_asc(C::DueOn)
                .order_by_asc(C::Kind)
                .all(conn)
                .await?,
        );
    }
    rows.sort_by(|a, b| (a.due_on, &a.kind, &a.subject).cmp(&(b.due_on, &b.kind, &b.subject)));
    let subjects = Subjects::load(state, actor.org_id, &rows).await?;
    let names: HashMap<Uuid, String> = members.iter().map(|s| (s.id, s.display_name.clone())).collect();
    let programs = programs_of(state, actor.org_id, &ids).await?;
    let (mut own, mut others) = (Vec::new(), Vec::new());
    for r in rows {
        let Some(kind) = ReminderKind::parse(&r.kind) else { continue };
        let mine = r.staff_id == actor.staff_id;
        let can_dismiss = mine || {
            let reach =
                access::staff_reach(actor, r.staff_id, programs.get(&r.staff_id).map_or(&[][..], |p| p.as_slice()));
            access::personnel_access(actor, reach).manage
        };
        let view = ReminderView {
            kind,
            staff_name: if mine {
                actor.display_name.clone()
            } else {
                names.get(&r.staff_id).cloned().unwrap_or_default()
            },
            about: subjects.about(&r),
            own: mine,
            can_dismiss,
            reminder: r,
        };
        if mine { own.push(view) } else { others.push(view) }
    }
    others.sort_by(|a, b| (&a.staff_name, a.reminder.due_on).cmp(&(&b.staff_name, b.reminder.due_on)));
    if team {
        let entry = actor_entry(actor, "personnel.reminders.team").detail(json!({ "reminders": others.len() }));
        db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    }
    Ok((own, others))
}

async fn programs_of(state: &AppState, org_id: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<Uuid>>, DbErr> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for chunk in ids.chunks(400) {
        for m in staff_program::Entity::find()
            .filter(staff_program::Column::OrgId.eq(org_id))
            .filter(staff_program::Column::StaffId.is_in(chunk.to_vec()))
            .all(state.db.conn())
            .await?
        {
            out.entry(m.staff_id).or_default().push(m.program_id);
        }
    }
    Ok(out)
}

/// How many open reminders the actor has, and (supervisors and directors) their team has.
pub async fn open_counts(state: &AppState, actor: &Actor) -> AppResult<(u64, Option<u64>)> {
    use staff_reminder::Column as C;
    let conn = state.db.conn();
    let own = staff_reminder::Entity::find()
        .filter(C::OrgId.eq(actor.org_id))
        .filter(C::StaffId.eq(actor.staff_id))
        .filter(C::DismissedAt.is_null())
        .count(conn)
        .await?;
    if !may_see_team_reminders(actor) {
        return Ok((own, None));
    }
    let team: Vec<Uuid> = personnel::team(state, actor, "personnel.reminders.team")
        .await?
        .into_iter()
        .map(|s| s.id)
        .filter(|id| *id != actor.staff_id)
        .collect();
    let mut count = 0;
    for chunk in team.chunks(400) {
        count += staff_reminder::Entity::find()
            .filter(C::OrgId.eq(actor.org_id))
            .filter(C::StaffId.is_in(chunk.to_vec()))
            .filter(C::DismissedAt.is_null())
            .count(conn)
            .await?;
    }
    Ok((own, Some(count)))
}

/// Dismisses a reminder: the staff member's own, or one of a supervisee's or a directed
/// program's staff (or, for administrators, anyone's). Dismissing twice is harmless.
pub async fn dismiss(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<ReminderView> {
    use staff_reminder::Column as C;
    let conn = state.db.conn();
    let Some(found) =
        staff_reminder::Entity::find().filter(C::OrgId.eq(actor.org_id)).filter(C::Id.eq(id)).one(conn).await?
    else {
        return Err(AppError::NotFound);
    };
    let own = found.staff_id == actor.staff_id;
    if !own {
        let programs = personnel::staff_programs(conn, actor.org_id, found.staff_id).await?;
        let access = access::personnel_access(actor, access::staff_reach(actor, found.staff_id, &programs));
        if !access.manage {
            return Err(personnel::deny(state, actor, "personnel.reminder.dismiss", found.staff_id).await);
        }
    }
    let now = state.clock.now();
    let mut saved = found.clone();
    if found.dismissed_at.is_none() {
        let txn = state.db.begin_write().await?;
        staff_reminder::Entity::update_many()
            .col_expr(C::DismissedAt, Expr::value(now))
            .filter(C::OrgId.eq(actor.org_id))
            .filter(C::Id.eq(id))
            .filter(C::DismissedAt.is_null())
            .exec(&*txn)
            .await?;
        let entry = actor_entry(actor, "personnel.reminder.dismiss")
            .record("staff", found.staff_id)
            .detail(json!({ "reminder_id": id, "kind": found.kind }));
        db::audit::append(&txn, entry, now).await?;
        txn.commit().await?;
        saved.dismissed_at = Some(now);
    }
    let subjects = Subjects::load(state, actor.org_id, std::slice::from_ref(&saved)).await?;
    let staff_name =
        db::staff::get(conn, actor.org_id, saved.staff_id).await?.map(|s| s.display_name).unwrap_or_default();
    Ok(ReminderView {
        kind: ReminderKind::parse(&saved.kind).unwrap_or(ReminderKind::TrainingOverdue),
        staff_name,
        about: subjects.about(&saved),
        own,
        can_dismiss: true,
        reminder: saved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn cert(kind: &str, issued: Date, expires: Option<Date>, n: u128) -> staff_certification::Model {
        staff_certification::Model {
            id: Uuid::from_u128(n),
            org_id: Uuid::nil(),
            staff_id: Uuid::nil(),
            kind: kind.into(),
            name: "Peer Recovery Specialist".into(),
            jurisdiction: "PA".into(),
            number: None,
            issued_on: issued,
            expires_on: expires,
            file_id: None,
            recorded_by: Uuid::nil(),
            version: 1,
            created_at: datetime!(2026-01-01 0:00 UTC),
            updated_at: datetime!(2026-01-01 0:00 UTC),
        }
    }

    #[test]
    fn a_renewal_supersedes_the_certification_it_replaces() {
        let old = cert("peer-recovery", date!(2024 - 12 - 01), Some(date!(2026 - 12 - 01)), 1);
        let renewed = cert("peer-recovery", date!(2026 - 11 - 01), Some(date!(2028 - 12 - 01)), 2);
        let lifelong = cert("peer-support", date!(2026 - 11 - 01), None, 3);
        let other_kind = cert("other", date!(2020 - 01 - 01), Some(date!(2026 - 12 - 10)), 4);
        let due = certifications_due(&[&old, &renewed, &lifelong, &other_kind]);
        assert_eq!(due.iter().map(|c| c.superseded).collect::<Vec<_>>(), vec![true, false, false, false]);
        // A newer one that lapses sooner replaces nothing.
        let short = cert("peer-recovery", date!(2026 - 11 - 02), Some(date!(2026 - 11 - 30)), 5);
        assert!(!certifications_due(&[&old, &short])[0].superseded);
        // One without expiry replaces any earlier one of its kind.
        let forever = cert("peer-recovery", date!(2026 - 11 - 02), None, 6);
        assert!(certifications_due(&[&old, &forever])[0].superseded);
    }
}
