//! The accreditation evidence for groups on screen, as CSV and on paper: the schedule of the past
//! 12 months with attendance counts, and every curriculum in full.

use super::{Ctx, FormErrors, Shell};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::groups::GroupKind;
use crate::error::{AppError, AppResult};
use crate::groups::evidence::{
    self, Counts, CurriculumEvidence, EvidenceStatus, ScheduleFilter, ScheduleQuery, ScheduleReport, SessionRow,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::borrow::Borrow;
use std::fmt::Write;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/groups/evidence", get(index))
        .route("/groups/evidence/schedule", get(schedule_page))
        .route("/groups/evidence/schedule/print", get(schedule_print))
        .route("/groups/evidence/schedule.csv", get(schedule_csv))
        .route("/groups/evidence/curricula", get(curricula_page))
        .route("/groups/evidence/curricula/print", get(curricula_print))
}

// ---------- the index ----------

#[derive(Template, WebTemplate)]
#[template(path = "group_evidence/index.html")]
pub struct IndexPage {
    pub shell: Shell,
}

async fn index(ctx: Ctx) -> AppResult<IndexPage> {
    Ok(IndexPage { shell: ctx.shell().await? })
}

// ---------- the schedule ----------

/// The schedule's query string, with the switch to the printable layout.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PageQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub program: Option<String>,
    pub group: Option<String>,
    pub print: Option<String>,
}

impl PageQuery {
    fn schedule(&self) -> ScheduleQuery {
        ScheduleQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            program: self.program.clone(),
            group: self.group.clone(),
        }
    }

    fn printing(&self) -> bool {
        self.print.as_deref().is_some_and(|p| !p.is_empty() && p != "0")
    }
}

/// Words the schedule repeats on every line, translated once rather than per session.
pub struct Words {
    pub statuses: Vec<String>,
    pub date: String,
    pub time: String,
    pub group: String,
    pub facilitators: String,
    pub location: String,
    pub status: String,
    pub attendance: String,
    pub log: String,
    pub curriculum: String,
    pub online: String,
    pub yes: String,
    pub no: String,
    pub moved_from: String,
    pub drop_ins: String,
    pub anonymous: String,
}

impl Words {
    pub fn new(shell: &Shell) -> Words {
        Words {
            statuses: EvidenceStatus::ALL.iter().map(|s| shell.t(s.message_id())).collect(),
            date: shell.t("evidence-date"),
            time: shell.t("evidence-time"),
            group: shell.t("evidence-group"),
            facilitators: shell.t("evidence-facilitators"),
            location: shell.t("evidence-location"),
            status: shell.t("evidence-status"),
            attendance: shell.t("evidence-attendance"),
            log: shell.t("evidence-log-written"),
            curriculum: shell.t("evidence-curriculum-session"),
            online: shell.t("evidence-online"),
            yes: shell.t("answer-yes"),
            no: shell.t("answer-no"),
            moved_from: shell.t("evidence-moved-from"),
            drop_ins: shell.t("evidence-drop-ins"),
            anonymous: shell.t("evidence-anonymous"),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "group_evidence/schedule.html")]
pub struct SchedulePage {
    pub shell: Shell,
    pub report: ScheduleReport,
    pub errors: FormErrors,
    pub words: Words,
    /// The filters as a query string, for the CSV and print links.
    pub query: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "group_evidence/schedule_print.html")]
pub struct SchedulePrint {
    pub shell: Shell,
    pub report: ScheduleReport,
    pub words: Words,
}

/// What both schedule layouts show about a report.
pub trait ScheduleView {
    fn report(&self) -> &ScheduleReport;
    fn words(&self) -> &Words;

    fn status_label(&self, status: impl Borrow<EvidenceStatus>) -> &str {
        let i = EvidenceStatus::ALL.iter().position(|s| s == status.borrow()).unwrap_or(0);
        &self.words().statuses[i]
    }

    fn status_class(&self, status: impl Borrow<EvidenceStatus>) -> &'static str {
        match status.borrow() {
            EvidenceStatus::Held => "tag-success",
            EvidenceStatus::Cancelled => "tag-muted",
            EvidenceStatus::Unrecorded => "tag-danger",
            EvidenceStatus::Upcoming => "",
        }
    }

    fn facilitators(&self, group_id: impl Borrow<Uuid>) -> String {
        self.report().group(*group_id.borrow()).map(|g| g.facilitators.join(", ")).unwrap_or_default()
    }

    fn location(&self, row: &SessionRow) -> String {
        match (&row.room, row.online) {
            (Some(room), true) => format!("{room} · {}", self.words().online),
            (Some(room), false) => room.clone(),
            (None, true) => self.words().online.clone(),
            (None, false) => "—".into(),
        }
    }

    fn attendance(&self, row: &SessionRow) -> String {
        if row.status != EvidenceStatus::Held {
            return "—".into();
        }
        let mut out = row.attendance.to_string();
        let w = self.words();
        if row.drop_ins > 0 || row.anonymous > 0 {
            let _ = write!(
                out,
                " ({} + {} {} + {} {})",
                row.members_present, row.drop_ins, w.drop_ins, row.anonymous, w.anonymous
            );
        }
        out
    }

    fn log_written(&self, row: &SessionRow) -> &str {
        match (row.status, row.log_written) {
            (EvidenceStatus::Held, true) => &self.words().yes,
            (EvidenceStatus::Held, false) => &self.words().no,
            _ => "—",
        }
    }

    fn curriculum(&self, row: &SessionRow) -> String {
        match (row.curriculum_session, &row.topic) {
            (Some(n), Some(t)) => format!("{n}. {t}"),
            (Some(n), None) => n.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "—".into(),
        }
    }

    fn average(&self, counts: &Counts) -> String {
        counts.average_attendance.map_or_else(|| "—".into(), |a| format!("{a:.1}"))
    }

    fn percent(&self, counts: &Counts) -> String {
        counts.logs_percent.map_or_else(|| "—".into(), |p| format!("{p} %"))
    }
}

impl ScheduleView for SchedulePage {
    fn report(&self) -> &ScheduleReport {
        &self.report
    }
    fn words(&self) -> &Words {
        &self.words
    }
}

impl ScheduleView for SchedulePrint {
    fn report(&self) -> &ScheduleReport {
        &self.report
    }
    fn words(&self) -> &Words {
        &self.words
    }
}

impl SchedulePage {
    pub fn kind(&self, kind: impl Borrow<Option<GroupKind>>) -> String {
        kind.borrow().map(|k| self.shell.t(&k.message_id())).unwrap_or_default()
    }
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        self.report
            .program_choices
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone(), Some(c.id) == self.report.program_id))
            .collect()
    }
    pub fn group_options(&self) -> Vec<(String, String, bool)> {
        self.report
            .group_choices
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone(), Some(c.id) == self.report.group_id))
            .collect()
    }
}

impl SchedulePrint {
    pub fn sessions_of(&self, group_id: impl Borrow<Uuid>) -> Vec<&SessionRow> {
        let id = *group_id.borrow();
        self.report.sessions.iter().filter(|s| s.group_id == id).collect()
    }
    pub fn filter_text(&self) -> String {
        let mut parts = Vec::new();
        if let Some(id) = self.report.program_id
            && let Some(c) = self.report.program_choices.iter().find(|c| c.id == id)
        {
            parts.push(c.name.clone());
        }
        if let Some(id) = self.report.group_id
            && let Some(c) = self.report.group_choices.iter().find(|c| c.id == id)
        {
            parts.push(c.name.clone());
        }
        parts.join(" · ")
    }
}

fn query_string(f: &ScheduleFilter) -> String {
    let mut pairs = vec![("from", f.from.to_string()), ("to", f.to.to_string())];
    if let Some(p) = f.program_id {
        pairs.push(("program", p.to_string()));
    }
    if let Some(g) = f.group_id {
        pairs.push(("group", g.to_string()));
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

/// The report asked for; with bad filters, the default year and the messages to show.
async fn load(ctx: &Ctx, q: &ScheduleQuery) -> AppResult<(ScheduleReport, FieldErrors)> {
    let today = ctx.today();
    let (filter, mut errors) = match q.parse(today) {
        Ok(f) => (f, FieldErrors::new()),
        Err(e) => (ScheduleFilter::year_to(today), e),
    };
    match evidence::schedule(&ctx.state, &ctx.actor, &ctx.org.time_zone, &filter).await {
        Ok(report) => Ok((report, errors)),
        Err(AppError::Invalid(more)) => {
            errors.0.extend(more.0);
            let plain = ScheduleFilter { program_id: None, group_id: None, ..filter };
            let report = evidence::schedule(&ctx.state, &ctx.actor, &ctx.org.time_zone, &plain).await?;
            Ok((report, errors))
        }
        Err(other) => Err(other),
    }
}

async fn schedule_page(ctx: Ctx, Query(q): Query<PageQuery>) -> AppResult<Response> {
    let (report, errors) = load(&ctx, &q.schedule()).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let shell = ctx.shell().await?;
    let words = Words::new(&shell);
    if q.printing() && errors.is_empty() {
        return Ok(SchedulePrint { shell, report, words }.into_response());
    }
    let query = query_string(&ScheduleFilter {
        from: report.from,
        to: report.to,
        program_id: report.program_id,
        group_id: report.group_id,
    });
    let page = SchedulePage { errors: FormErrors::new(&ctx.tr, &errors), shell, report, words, query };
    Ok((status, page).into_response())
}

async fn schedule_print(ctx: Ctx, Query(q): Query<PageQuery>) -> AppResult<Response> {
    schedule_page(ctx, Query(PageQuery { print: Some("1".into()), ..q })).await
}

async fn schedule_csv(ctx: Ctx, Query(q): Query<PageQuery>) -> AppResult<Response> {
    let filter = q.schedule().parse(ctx.today())?;
    let report = evidence::schedule(&ctx.state, &ctx.actor, &ctx.org.time_zone, &filter).await?;
    csv_response(&report, &ctx.tr)
}

/// The report as a CSV download.
pub fn csv_response(report: &ScheduleReport, tr: &crate::i18n::Tr) -> AppResult<Response> {
    let body = evidence::csv(report, tr)?;
    let disposition = format!("attachment; filename=\"{}\"", evidence::csv_filename(report));
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        body,
    )
        .into_response())
}

// ---------- curricula ----------

#[derive(Template, WebTemplate)]
#[template(path = "group_evidence/curricula.html")]
pub struct CurriculaPage {
    pub shell: Shell,
    pub curricula: Vec<CurriculumEvidence>,
}

#[derive(Template, WebTemplate)]
#[template(path = "group_evidence/curricula_print.html")]
pub struct CurriculaPrint {
    pub shell: Shell,
    pub curricula: Vec<CurriculumEvidence>,
    pub today: time::Date,
}

/// Words for a curriculum's status and the groups following it.
pub trait CurriculaView {
    fn shell(&self) -> &Shell;

    fn status(&self, code: &str) -> String {
        crate::web::intake::code_label::<crate::domain::groups::CurriculumStatus>(&self.shell().tr, code)
    }

    fn version_of(&self, c: &CurriculumEvidence) -> String {
        self.shell().t1("evidence-version", "number", c.current_version)
    }

    fn followed_version(&self, version: impl Borrow<Option<i32>>) -> String {
        version.borrow().map(|v| self.shell().t1("evidence-version", "number", v)).unwrap_or_default()
    }
}

impl CurriculaView for CurriculaPage {
    fn shell(&self) -> &Shell {
        &self.shell
    }
}

impl CurriculaView for CurriculaPrint {
    fn shell(&self) -> &Shell {
        &self.shell
    }
}

async fn curricula_page(ctx: Ctx) -> AppResult<CurriculaPage> {
    let curricula = evidence::curricula(&ctx.state, &ctx.actor).await?;
    Ok(CurriculaPage { shell: ctx.shell().await?, curricula })
}

async fn curricula_print(ctx: Ctx) -> AppResult<CurriculaPrint> {
    let curricula = evidence::curricula(&ctx.state, &ctx.actor).await?;
    let today = ctx.today();
    Ok(CurriculaPrint { shell: ctx.shell().await?, curricula, today })
}
