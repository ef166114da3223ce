//! Information-only contacts: the quick form for an anonymous caller or walk-in (needs, resources
//! given from the directory or elsewhere, crisis flags with the crisis procedure) and the day's log.
//! No person record and no name: the form warns when free text looks like a phone number or e-mail.

use super::intake::{Values, code_label};
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::{AppState, format_local};
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::coaching::UnmetNeed;
use crate::domain::referral::{CrisisFlag, InfoChannel};
use crate::error::{AppError, AppResult};
use crate::referrals::info_contacts::{self, DayItem, InfoContactInput};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::borrow::Borrow;

pub fn routes() -> Router<AppState> {
    Router::new().route("/info-contacts", get(day_page).post(create)).route("/info-contacts/new", get(new_page))
}

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn fields(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

// ---------- the day's log ----------

#[derive(Template, WebTemplate)]
#[template(path = "info_contacts/day.html")]
pub struct DayPage {
    pub shell: Shell,
    pub day: time::Date,
    pub previous: time::Date,
    pub next: Option<time::Date>,
    pub items: Vec<DayItem>,
    pub zone: String,
}

impl DayPage {
    pub fn when(&self, at: impl Borrow<time::OffsetDateTime>) -> String {
        let text = format_local(&self.zone, *at.borrow());
        text.split_once(' ').map(|(_, t)| t.to_string()).unwrap_or(text)
    }
    pub fn channel(&self, item: &DayItem) -> String {
        code_label::<InfoChannel>(&self.shell.tr, &item.contact.channel)
    }
    pub fn needs(&self, item: &DayItem) -> String {
        item.needs().iter().map(|n| self.shell.t(&n.message_id())).collect::<Vec<_>>().join(", ")
    }
    pub fn flags(&self, item: &DayItem) -> String {
        item.flags().iter().map(|f| self.shell.t(&f.message_id())).collect::<Vec<_>>().join(", ")
    }
    pub fn minutes_total(&self) -> i32 {
        self.items.iter().filter_map(|i| i.contact.minutes).sum()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DayQuery {
    day: Option<String>,
}

pub async fn day_page(ctx: Ctx, Query(q): Query<DayQuery>) -> AppResult<Response> {
    let today = ctx.today();
    let mut e = FieldErrors::new();
    let day = e.optional_date("day", q.day.as_deref()).unwrap_or(today);
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let items = info_contacts::day_list(&ctx.state, &ctx.actor, &ctx.org.time_zone, day).await?;
    let page = DayPage {
        shell: ctx.shell().await?,
        previous: day.previous_day().unwrap_or(day),
        next: day.next_day().filter(|d| *d <= today),
        day,
        items,
        zone: ctx.org.time_zone.clone(),
    };
    Ok(page.into_response())
}

// ---------- the quick form ----------

#[derive(Template, WebTemplate)]
#[template(path = "info_contacts/new.html")]
pub struct FormPage {
    pub shell: Shell,
    pub values: Values,
    pub needs: Vec<String>,
    pub flags: Vec<String>,
    /// Services chosen so far (checked), then search results (unchecked): (id, name, checked).
    pub services: Vec<(String, String, bool)>,
    pub query: String,
    pub searched: bool,
    pub programs: Vec<(String, String, bool)>,
    pub errors: FormErrors,
    /// Free text looked like a phone number or e-mail address: ask the worker to check.
    pub ask_identifiers: bool,
}

impl FormPage {
    pub fn channel_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("channel");
        InfoChannel::ALL.iter().map(|c| (c.code(), self.shell.t(&c.message_id()), c.code() == chosen)).collect()
    }
    pub fn need_options(&self) -> Vec<(&'static str, String, bool)> {
        UnmetNeed::ALL
            .iter()
            .map(|n| (n.code(), self.shell.t(&n.message_id()), self.needs.iter().any(|x| x == n.code())))
            .collect()
    }
    pub fn flag_options(&self) -> Vec<(&'static str, String, bool)> {
        CrisisFlag::ALL
            .iter()
            .map(|f| (f.code(), self.shell.t(&f.message_id()), self.flags.iter().any(|x| x == f.code())))
            .collect()
    }
    pub fn hits_found(&self) -> bool {
        self.services.iter().any(|(_, _, on)| !on)
    }
}

async fn program_options(ctx: &Ctx, selected: &str) -> AppResult<Vec<(String, String, bool)>> {
    let programs = db::org::programs(ctx.state.db.conn(), ctx.org.id).await?;
    Ok(programs
        .into_iter()
        .filter(|p| p.active)
        .map(|p| (p.id.to_string(), p.name, p.id.to_string() == selected))
        .collect())
}

async fn form_page(
    ctx: &Ctx,
    values: Values,
    input: &InfoContactInput,
    query: String,
    searched: bool,
    errors: &FieldErrors,
) -> AppResult<FormPage> {
    let conn = ctx.state.db.conn();
    let names = info_contacts::service_names(conn, ctx.org.id, &input.service_ids).await?;
    let mut services: Vec<(String, String, bool)> =
        input.service_ids.iter().filter_map(|id| names.get(id).map(|n| (id.clone(), n.clone(), true))).collect();
    if searched {
        for (id, name) in info_contacts::find_services(&ctx.state, &ctx.actor, &query, 10).await? {
            if !services.iter().any(|(s, _, _)| *s == id) {
                services.push((id, name, false));
            }
        }
    }
    let selected = values.v("program_id");
    Ok(FormPage {
        shell: ctx.shell().await?,
        needs: input.needs.clone(),
        flags: input.crisis_flags.clone(),
        services,
        query,
        searched,
        programs: program_options(ctx, &selected).await?,
        ask_identifiers: errors.0.iter().any(|e| e.message_id == "info-contact-warning-identifiers"),
        errors: FormErrors::new(&ctx.tr, errors),
        values,
    })
}

pub async fn new_page(ctx: Ctx) -> AppResult<Response> {
    if !crate::access::may_log_info_contacts(&ctx.actor) {
        return Err(crate::intake::deny(&ctx.state, &ctx.actor, "LogInfoContact", None).await);
    }
    let mut values = Values::default();
    let now = format_local(&ctx.org.time_zone, ctx.state.clock.now());
    if let Some((day, time)) = now.split_once(' ') {
        values.0.insert("on".into(), day.into());
        values.0.insert("at_time".into(), time.into());
    }
    values.0.insert("channel".into(), InfoChannel::Phone.code().into());
    if let [only] = ctx.actor.program_ids.as_slice() {
        values.0.insert("program_id".into(), only.to_string());
    }
    let page = form_page(&ctx, values, &InfoContactInput::default(), String::new(), false, &FieldErrors::new()).await?;
    Ok(page.into_response())
}

fn input_of(form: &[(String, String)]) -> InfoContactInput {
    let get = |k: &str| field(form, k);
    InfoContactInput {
        on: get("on"),
        at_time: get("at_time"),
        channel: get("channel").unwrap_or_default(),
        needs: fields(form, "needs"),
        need_detail: get("need_detail"),
        service_ids: fields(form, "service_ids"),
        other_resources: get("other_resources"),
        crisis_flags: fields(form, "crisis_flags"),
        crisis_action: get("crisis_action"),
        language: get("language"),
        area: get("area"),
        minutes: get("minutes"),
        note: get("note"),
        program_id: get("program_id"),
        identifiers_checked: get("identifiers_checked").is_some(),
    }
}

pub async fn create(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let input = input_of(&form);
    let values = Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect());
    let query = field(&form, "q").unwrap_or_default();
    // The search box shares the form, so nothing typed is lost while looking for a resource.
    if field(&form, "action").as_deref() == Some("search") {
        if !crate::access::may_log_info_contacts(&ctx.actor) {
            return Err(crate::intake::deny(&ctx.state, &ctx.actor, "LogInfoContact", None).await);
        }
        let page = form_page(&ctx, values, &input, query, true, &FieldErrors::new()).await?;
        return Ok(page.into_response());
    }
    match info_contacts::create(&ctx.state, &ctx.actor, &input).await {
        Ok(saved) => {
            ctx.flash("success", "info-contact-saved").await?;
            let day = crate::app::local_date(&ctx.org.time_zone, saved.at);
            Ok(see_other(&format!("/info-contacts?day={day}")))
        }
        Err(AppError::Invalid(errors)) => {
            let searched = !query.trim().is_empty();
            let page = form_page(&ctx, values, &input, query, searched, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}
