//! The reminders page: the signed-in staff member's open reminders (certifications, training,
//! supervision, workload reviews) and, for supervisors and program directors, their team's, each
//! in plain words with a link to the record page where it is dealt with and a dismiss button.

use super::{CsrfForm, Ctx, Shell, see_other};
use crate::app::AppState;
use crate::domain::personnel::{Need, ReminderKind};
use crate::error::AppResult;
use crate::i18n::Tr;
use crate::personnel::reminders::{self, ReminderView};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new().route("/reminders", get(list_page)).route("/reminders/{id}/dismiss", post(dismiss))
}

/// One reminder as the page shows it.
pub struct Row {
    pub id: Uuid,
    pub kind_label: String,
    pub tag_class: &'static str,
    pub text: String,
    pub due_on: Date,
    pub link: String,
    pub link_label: String,
    pub can_dismiss: bool,
}

/// A team member's reminders.
pub struct TeamGroup {
    pub staff_id: Uuid,
    pub name: String,
    pub rows: Vec<Row>,
}

fn tag_class(kind: ReminderKind) -> &'static str {
    match kind {
        ReminderKind::CertificationExpired => "tag-danger",
        ReminderKind::WorkloadReviewDue => "tag-muted",
        _ => "tag-warning",
    }
}

fn link_label(kind: ReminderKind) -> &'static str {
    match kind {
        ReminderKind::CertificationExpiring | ReminderKind::CertificationExpired => "reminders-open-certifications",
        ReminderKind::TrainingOverdue => "reminders-open-training",
        ReminderKind::SupervisionGap => "reminders-open-supervision",
        ReminderKind::WorkloadReviewDue => "reminders-open-workload",
    }
}

fn row(tr: &Tr, v: &ReminderView, today: Date) -> Row {
    Row {
        id: v.reminder.id,
        kind_label: tr.t(&v.kind.message_id()),
        tag_class: tag_class(v.kind),
        text: v.sentence(tr, today),
        due_on: v.reminder.due_on,
        link: v.link(),
        link_label: tr.t(link_label(v.kind)),
        can_dismiss: v.can_dismiss,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reminders/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub own: Vec<Row>,
    pub show_team: bool,
    pub team: Vec<TeamGroup>,
    pub team_count: usize,
}

pub async fn list_page(ctx: Ctx) -> AppResult<ListPage> {
    let show_team = reminders::may_see_team_reminders(&ctx.actor);
    let (own, others) = reminders::list(&ctx.state, &ctx.actor, show_team).await?;
    let today = ctx.today();
    let tr = ctx.tr;
    let mut team: Vec<TeamGroup> = Vec::new();
    for v in &others {
        match team.last_mut() {
            Some(g) if g.staff_id == v.reminder.staff_id => g.rows.push(row(&tr, v, today)),
            _ => team.push(TeamGroup {
                staff_id: v.reminder.staff_id,
                name: v.staff_name.clone(),
                rows: vec![row(&tr, v, today)],
            }),
        }
    }
    Ok(ListPage {
        shell: ctx.shell().await?,
        own: own.iter().map(|v| row(&tr, v, today)).collect(),
        show_team,
        team_count: others.len(),
        team,
    })
}

/// After a save under the organisation's warn policy: a warning naming what the assigned staff
/// member's training or certification leaves uncovered (nothing when there are no gaps).
pub async fn warn_assignment_gaps(ctx: &Ctx, staff_id: Uuid, gaps: &[Need]) -> AppResult<()> {
    if gaps.is_empty() {
        return Ok(());
    }
    let name = crate::db::staff::get(ctx.state.db.conn(), ctx.actor.org_id, staff_id)
        .await?
        .map(|s| s.display_name)
        .unwrap_or_default();
    let text = ctx
        .tr
        .with_args("reminders-assignment-warning", &[("name", name), ("gaps", reminders::gaps_text(&ctx.tr, gaps))]);
    super::shell::push_flash(&ctx.session, "warning", text).await
}

#[derive(Deserialize, Default)]
pub struct Empty {}

pub async fn dismiss(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(_): CsrfForm<Empty>) -> AppResult<Response> {
    reminders::dismiss(&ctx.state, &ctx.actor, id).await?;
    ctx.flash("success", "reminders-dismissed").await?;
    Ok(see_other("/reminders"))
}
