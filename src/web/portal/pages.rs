//! The person's own pages: home, plan (with suggestions), contacts, groups, feedback, and
//! "you said, we did".

use super::{PortalCtx, PortalShell};
use crate::db::entities::plan_suggestion;
use crate::domain::FieldErrors;
use crate::domain::coaching::{GoalProgress, LifeDomain, PlanContent};
use crate::domain::feedback::{FeedbackCategory, FeedbackInput, FeedbackKind};
use crate::domain::portal::{SuggestionKind, SuggestionStatus};
use crate::error::{AppError, AppResult};
use crate::portal::me::{self, Contacts, Home, MyGroup, MyPlan, SessionLine};
use crate::portal::suggestions::{self, SuggestionForm};
use crate::voice::feedback::{OwnFeedback, PublishedChange};
use crate::web::{CsrfForm, FormErrors, see_other};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Dates and times in the organisation's zone, written out in the reader's language.
pub struct When<'a> {
    pub tr: &'a crate::i18n::Tr,
    pub zone: &'a str,
}

impl When<'_> {
    pub fn day(&self, d: Date) -> String {
        let weekday = self.tr.t(&format!("portal-weekday-{}", d.weekday().number_days_from_monday()));
        let month = self.tr.t(&format!("portal-month-{}", u8::from(d.month())));
        self.tr.with_args(
            "portal-date",
            &[("weekday", weekday), ("day", d.day().to_string()), ("month", month), ("year", d.year().to_string())],
        )
    }

    pub fn at(&self, at: OffsetDateTime) -> String {
        let local = crate::app::format_local(self.zone, at);
        let date = crate::app::local_date(self.zone, at);
        let time = local.split(' ').nth(1).unwrap_or_default().to_string();
        format!("{} · {time}", self.day(date))
    }

    pub fn time(&self, at: OffsetDateTime) -> String {
        crate::app::format_local(self.zone, at).split(' ').nth(1).unwrap_or_default().to_string()
    }
}

// ---------- home ----------

#[derive(Template, WebTemplate)]
#[template(path = "portal/home.html")]
pub struct HomePage {
    pub shell: PortalShell,
    pub home: Home,
    pub zone: String,
    /// Outcome measures ready for the person to answer (`/my/measures`).
    pub measures_due: usize,
}

impl HomePage {
    fn when(&self) -> When<'_> {
        When { tr: &self.shell.tr, zone: &self.zone }
    }
    pub fn day(&self, d: &Date) -> String {
        self.when().day(*d)
    }
    pub fn next_session(&self, g: &MyGroup) -> Option<String> {
        g.sessions.iter().find(|s| !s.cancelled).map(|s| self.when().at(s.starts_at))
    }
}

pub async fn home(ctx: PortalCtx) -> AppResult<HomePage> {
    let home = me::home(&ctx.state, &ctx.me, &ctx.org.time_zone).await?;
    let measures_due = crate::outcomes::measures::my_due_count(&ctx.state, &ctx.me).await?;
    Ok(HomePage { shell: ctx.shell().await?, home, zone: ctx.org.time_zone.clone(), measures_due })
}

// ---------- plan ----------

#[derive(Template, WebTemplate)]
#[template(path = "portal/plan.html")]
pub struct PlanPage {
    pub shell: PortalShell,
    pub plan: Option<MyPlan>,
    /// An earlier plan, read only.
    pub earlier: bool,
    pub errors: FormErrors,
    pub form_kind: String,
    pub form_goal: String,
    pub form_body: String,
    pub zone: String,
}

impl PlanPage {
    fn when(&self) -> When<'_> {
        When { tr: &self.shell.tr, zone: &self.zone }
    }
    pub fn day(&self, d: &Date) -> String {
        self.when().day(*d)
    }
    pub fn at(&self, at: &OffsetDateTime) -> String {
        self.when().at(*at)
    }
    pub fn domain(&self, d: &LifeDomain) -> String {
        self.shell.t(&d.message_id())
    }
    pub fn progress(&self, p: &GoalProgress) -> String {
        self.shell.t(&p.message_id())
    }
    pub fn content(&self) -> Option<&PlanContent> {
        self.plan.as_ref().map(|p| &p.content)
    }
    pub fn suggestions(&self) -> Vec<&plan_suggestion::Model> {
        self.plan.as_ref().map(|p| p.suggestions.iter().collect()).unwrap_or_default()
    }
    pub fn status_label(&self, s: &plan_suggestion::Model) -> String {
        suggestion_status(&self.shell, s)
    }
    pub fn kind_label(&self, s: &plan_suggestion::Model) -> String {
        suggestion_kind(&self.shell, s)
    }
    pub fn goal_options(&self) -> Vec<(String, String, bool)> {
        self.content()
            .map(|c| {
                c.goals
                    .iter()
                    .map(|g| (g.id.to_string(), g.in_own_words.clone(), g.id.to_string() == self.form_goal))
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn kind_checked(&self, code: &str) -> bool {
        self.form_kind == code
    }
    pub fn can_suggest(&self) -> bool {
        !self.earlier && self.plan.as_ref().is_some_and(|p| me::open_for_suggestions(&p.plan))
    }
}

pub fn suggestion_status(shell: &PortalShell, s: &plan_suggestion::Model) -> String {
    SuggestionStatus::parse(&s.status).map(|k| shell.t(&format!("portal-{}", k.message_id()))).unwrap_or_default()
}

pub fn suggestion_kind(shell: &PortalShell, s: &plan_suggestion::Model) -> String {
    SuggestionKind::parse(&s.kind).map(|k| shell.t(&format!("portal-{}", k.message_id()))).unwrap_or_default()
}

async fn plan_page(
    ctx: &PortalCtx,
    plan: Option<MyPlan>,
    earlier: bool,
    errors: &FieldErrors,
    form: &SuggestionForm,
) -> AppResult<PlanPage> {
    Ok(PlanPage {
        shell: ctx.shell().await?,
        plan,
        earlier,
        errors: ctx.errors(errors),
        form_kind: if form.kind.is_empty() { SuggestionKind::Change.code().into() } else { form.kind.clone() },
        form_goal: form.goal_id.clone().unwrap_or_default(),
        form_body: form.body.clone(),
        zone: ctx.org.time_zone.clone(),
    })
}

pub async fn plan(ctx: PortalCtx) -> AppResult<PlanPage> {
    let plan = me::plan(&ctx.state, &ctx.me).await?;
    plan_page(&ctx, plan, false, &FieldErrors::new(), &SuggestionForm::default()).await
}

pub async fn earlier_plan(ctx: PortalCtx, Path(id): Path<Uuid>) -> AppResult<PlanPage> {
    let plan = me::plan_by_id(&ctx.state, &ctx.me, id).await?;
    plan_page(&ctx, Some(plan), true, &FieldErrors::new(), &SuggestionForm::default()).await
}

pub async fn suggest(ctx: PortalCtx, CsrfForm(form): CsrfForm<SuggestionForm>) -> AppResult<Response> {
    match suggestions::suggest(&ctx.state, &ctx.me, &form).await {
        Ok(s) => {
            ctx.flash("success", "portal-suggestion-sent").await?;
            Ok(see_other(&format!("/my/plan/suggestions/{}", s.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let plan = me::plan(&ctx.state, &ctx.me).await?;
            let page = plan_page(&ctx, plan, false, &errors, &form).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/suggestion.html")]
pub struct SuggestionPage {
    pub shell: PortalShell,
    pub s: plan_suggestion::Model,
    pub zone: String,
}

impl SuggestionPage {
    pub fn at(&self, at: &OffsetDateTime) -> String {
        When { tr: &self.shell.tr, zone: &self.zone }.at(*at)
    }
    pub fn status_label(&self) -> String {
        suggestion_status(&self.shell, &self.s)
    }
    pub fn kind_label(&self) -> String {
        suggestion_kind(&self.shell, &self.s)
    }
    pub fn pending(&self) -> bool {
        self.s.status == SuggestionStatus::Pending.code()
    }
}

pub async fn suggestion(ctx: PortalCtx, Path(id): Path<Uuid>) -> AppResult<SuggestionPage> {
    let s = suggestions::own(ctx.state.db.conn(), &ctx.me, id).await?;
    let entry = ctx.me.entry("portal.suggestion.view").detail(json!({ "suggestion_id": s.id }));
    crate::db::audit::append_now(&ctx.state.db, entry, ctx.state.clock.now()).await?;
    Ok(SuggestionPage { shell: ctx.shell().await?, s, zone: ctx.org.time_zone.clone() })
}

pub async fn withdraw(
    ctx: PortalCtx,
    Path(id): Path<Uuid>,
    CsrfForm(_f): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    suggestions::withdraw(&ctx.state, &ctx.me, id).await?;
    ctx.flash("success", "portal-suggestion-withdrawn").await?;
    Ok(see_other("/my/plan"))
}

// ---------- contacts and groups ----------

#[derive(Template, WebTemplate)]
#[template(path = "portal/contacts.html")]
pub struct ContactsPage {
    pub shell: PortalShell,
    pub c: Contacts,
    pub zone: String,
}

impl ContactsPage {
    fn when(&self) -> When<'_> {
        When { tr: &self.shell.tr, zone: &self.zone }
    }
    pub fn day(&self, d: &Date) -> String {
        self.when().day(*d)
    }
    pub fn at(&self, at: &OffsetDateTime) -> String {
        self.when().at(*at)
    }
    pub fn time(&self, at: &OffsetDateTime) -> String {
        self.when().time(*at)
    }
    pub fn mode(&self, code: &str) -> String {
        self.shell.t(&format!("portal-mode-{code}"))
    }
    pub fn setting(&self, code: &str) -> String {
        self.shell.t(&format!("portal-setting-{code}"))
    }
    pub fn session_mode(&self, s: &SessionLine) -> String {
        self.shell.t(if s.place.is_none() && s.online_link.is_some() { "portal-online" } else { "portal-in-person" })
    }
}

pub async fn contacts(ctx: PortalCtx) -> AppResult<ContactsPage> {
    let c = me::contacts(&ctx.state, &ctx.me, &ctx.org.time_zone).await?;
    Ok(ContactsPage { shell: ctx.shell().await?, c, zone: ctx.org.time_zone.clone() })
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/groups.html")]
pub struct GroupsPage {
    pub shell: PortalShell,
    pub groups: Vec<MyGroup>,
    /// One group in full (its own page).
    pub single: bool,
    pub zone: String,
}

impl GroupsPage {
    fn when(&self) -> When<'_> {
        When { tr: &self.shell.tr, zone: &self.zone }
    }
    pub fn at(&self, at: &OffsetDateTime) -> String {
        self.when().at(*at)
    }
    pub fn time(&self, at: &OffsetDateTime) -> String {
        self.when().time(*at)
    }
}

pub async fn groups(ctx: PortalCtx) -> AppResult<GroupsPage> {
    let groups = me::groups(&ctx.state, &ctx.me, &ctx.org.time_zone, 3).await?;
    crate::db::audit::append_now(&ctx.state.db, ctx.me.entry("portal.groups.view"), ctx.state.clock.now()).await?;
    Ok(GroupsPage { shell: ctx.shell().await?, groups, single: false, zone: ctx.org.time_zone.clone() })
}

pub async fn group(ctx: PortalCtx, Path(id): Path<Uuid>) -> AppResult<GroupsPage> {
    let group = me::group(&ctx.state, &ctx.me, &ctx.org.time_zone, id).await?;
    Ok(GroupsPage { shell: ctx.shell().await?, groups: vec![group], single: true, zone: ctx.org.time_zone.clone() })
}

// ---------- feedback ----------

#[derive(Template, WebTemplate)]
#[template(path = "portal/feedback.html")]
pub struct FeedbackPage {
    pub shell: PortalShell,
    pub items: Vec<OwnFeedback>,
    pub errors: FormErrors,
    pub form_kind: String,
    pub form_category: String,
    pub form_body: String,
    pub form_wants_reply: bool,
    pub zone: String,
}

impl FeedbackPage {
    pub fn day(&self, d: &Date) -> String {
        When { tr: &self.shell.tr, zone: &self.zone }.day(*d)
    }
    pub fn kinds(&self) -> Vec<(&'static str, String, bool)> {
        FeedbackKind::ALL
            .iter()
            .map(|k| (k.code(), self.shell.t(&format!("portal-fb-kind-{}", k.code())), self.form_kind == k.code()))
            .collect()
    }
    pub fn categories(&self) -> Vec<(String, String, bool)> {
        FeedbackCategory::ALL
            .iter()
            .map(|c| {
                (
                    c.code().to_string(),
                    self.shell.t(&format!("portal-fb-category-{}", c.code())),
                    self.form_category == c.code(),
                )
            })
            .collect()
    }
    pub fn kind_label(&self, item: &OwnFeedback) -> String {
        self.shell.t(&format!("portal-fb-kind-{}", item.kind.code()))
    }
    pub fn category_label(&self, item: &OwnFeedback) -> String {
        self.shell.t(&format!("portal-fb-category-{}", item.category.code()))
    }
    pub fn status_label(&self, item: &OwnFeedback) -> String {
        self.shell.t(&format!("portal-fb-status-{}", item.status.code()))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FeedbackForm {
    kind: String,
    category: String,
    body: String,
    wants_reply: Option<String>,
}

async fn feedback_page(ctx: &PortalCtx, errors: &FieldErrors, form: &FeedbackForm) -> AppResult<FeedbackPage> {
    let items = crate::voice::feedback::for_person(ctx.state.db.conn(), ctx.me.org_id, ctx.me.person_id).await?;
    let entry = ctx.me.entry("portal.feedback.view").detail(json!({ "count": items.len() }));
    crate::db::audit::append_now(&ctx.state.db, entry, ctx.state.clock.now()).await?;
    Ok(FeedbackPage {
        shell: ctx.shell().await?,
        items,
        errors: ctx.errors(errors),
        form_kind: form.kind.clone(),
        form_category: form.category.clone(),
        form_body: form.body.clone(),
        form_wants_reply: form.wants_reply.is_some(),
        zone: ctx.org.time_zone.clone(),
    })
}

pub async fn feedback(ctx: PortalCtx) -> AppResult<FeedbackPage> {
    feedback_page(&ctx, &FieldErrors::new(), &FeedbackForm::default()).await
}

pub async fn give_feedback(ctx: PortalCtx, CsrfForm(form): CsrfForm<FeedbackForm>) -> AppResult<Response> {
    let input = FeedbackInput {
        kind: form.kind.clone(),
        category: Some(form.category.clone()).filter(|c| !c.trim().is_empty()),
        program_id: None,
        body: form.body.clone(),
        wants_reply: form.wants_reply.is_some(),
        name: None,
        email: None,
        phone: None,
        from: Some("person-served".into()),
    };
    match crate::voice::feedback::submit_from_portal(&ctx.state, ctx.me.org_id, ctx.me.person_id, &input).await {
        Ok(id) => {
            let entry = ctx.me.entry("portal.feedback.submit").detail(json!({ "feedback_id": id }));
            crate::db::audit::append_now(&ctx.state.db, entry, ctx.state.clock.now()).await?;
            ctx.flash("success", "portal-feedback-thanks").await?;
            Ok(see_other("/my/feedback#mine"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = feedback_page(&ctx, &errors, &form).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- you said, we did ----------

#[derive(Template, WebTemplate)]
#[template(path = "portal/changes.html")]
pub struct ChangesPage {
    pub shell: PortalShell,
    pub changes: Vec<PublishedChange>,
    pub zone: String,
}

impl ChangesPage {
    pub fn day(&self, d: &Date) -> String {
        When { tr: &self.shell.tr, zone: &self.zone }.day(*d)
    }
}

pub async fn changes(ctx: PortalCtx) -> AppResult<ChangesPage> {
    let changes = crate::voice::feedback::published_changes(ctx.state.db.conn(), ctx.me.org_id, None).await?;
    Ok(ChangesPage { shell: ctx.shell().await?, changes, zone: ctx.org.time_zone.clone() })
}
