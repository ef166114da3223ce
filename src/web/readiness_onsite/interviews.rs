//! The interview roster: who the reviewer can interview on site, with consent, and the add form.

use super::{field, values_of, version_of};
use crate::access::{Action, Reach, allows};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::standards::interviews::{self, ConsentMethod, EntryInput, InterviewKind, RosterEntry, WithdrawInput};
use crate::web::intake::Values;
use crate::web::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/readiness/interviews", get(roster_page).post(add_entry))
        .route("/readiness/interviews/{id}/withdraw", post(withdraw_entry))
}

pub struct RosterRow {
    pub id: Uuid,
    pub kind: String,
    pub who: String,
    pub link: Option<String>,
    pub role: String,
    pub language: String,
    pub accessibility: String,
    pub consent: String,
    pub withdrawn: String,
    pub version: i32,
}

/// "Person #1042" for someone the reader may not see by name.
fn who(tr: &Tr, e: &RosterEntry) -> String {
    let number = e.record_number.map(|n| n.to_string()).unwrap_or_default();
    match (&e.name, e.kind) {
        (Some(name), InterviewKind::FamilyMember) => {
            let rel = e.relationship.clone().map(|r| format!(" ({r})")).unwrap_or_default();
            tr.with_args("readiness-interview-family-of", &[("name", format!("{name}{rel}")), ("number", number)])
        }
        (Some(name), _) => name.clone(),
        (None, InterviewKind::FamilyMember) => tr.t1("readiness-interview-family-of-number", "number", number),
        (None, _) => tr.t1("readiness-interview-person-number", "number", number),
    }
}

fn row(tr: &Tr, e: &RosterEntry) -> RosterRow {
    let roles: Vec<String> = e.roles.iter().filter_map(|r| Role::parse(r)).map(|r| tr.t(&r.message_id())).collect();
    let consent = match (e.consent_on, e.consent_method) {
        (Some(on), Some(method)) => {
            let by = e.consent_recorded_by.clone().unwrap_or_default();
            let mut text = tr.with_args(
                "readiness-interview-consent-line",
                &[("date", on.to_string()), ("method", tr.t(&method.label_id())), ("by", by)],
            );
            if let Some(note) = &e.consent_note {
                text.push_str(&format!(" — {note}"));
            }
            text
        }
        _ => "—".into(),
    };
    RosterRow {
        id: e.id,
        kind: tr.t(&e.kind.label_id()),
        who: who(tr, e),
        link: match (e.kind, e.staff_id, e.person_id, &e.name) {
            (InterviewKind::ProgramDirector | InterviewKind::Staff, Some(id), _, _) => Some(format!("/team/{id}")),
            (_, _, Some(id), Some(_)) => Some(format!("/people/{id}")),
            _ => None,
        },
        role: roles.join(", "),
        language: e.language.clone().unwrap_or_default(),
        accessibility: e.accessibility.clone().unwrap_or_default(),
        consent,
        withdrawn: e
            .withdrawn_on
            .map(|d| format!("{d}{}", e.withdrawn_note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default()))
            .unwrap_or_default(),
        version: e.version,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "readiness/interviews.html")]
pub struct RosterPage {
    pub shell: Shell,
    pub active: Vec<RosterRow>,
    pub withdrawn: Vec<RosterRow>,
    pub may_manage: bool,
    pub values: Values,
    pub errors: FormErrors,
    pub kinds: Vec<(String, String, bool)>,
    pub methods: Vec<(String, String, bool)>,
    pub staff: Vec<(String, String, bool)>,
}

async fn render(ctx: &Ctx, values: Values, errors: &FieldErrors) -> AppResult<RosterPage> {
    let entries = interviews::roster(&ctx.state, &ctx.actor).await?;
    let staff = interviews::staff_choices(&ctx.state, &ctx.actor).await?;
    let tr = &ctx.tr;
    let (withdrawn, active): (Vec<&RosterEntry>, Vec<&RosterEntry>) =
        entries.iter().partition(|e| e.withdrawn_on.is_some());
    let chosen = |k: &str, code: &str| values.v(k) == code;
    Ok(RosterPage {
        shell: ctx.shell().await?,
        active: active.into_iter().map(|e| row(tr, e)).collect(),
        withdrawn: withdrawn.into_iter().map(|e| row(tr, e)).collect(),
        may_manage: allows(&ctx.actor, Action::ManageReadiness, Reach::Outside),
        kinds: InterviewKind::ALL
            .iter()
            .map(|k| (k.code().into(), tr.t(&k.label_id()), chosen("kind", k.code())))
            .collect(),
        methods: ConsentMethod::ALL
            .iter()
            .map(|m| (m.code().into(), tr.t(&m.label_id()), chosen("consent_method", m.code())))
            .collect(),
        staff: staff
            .into_iter()
            .map(|(id, name, _)| (id.to_string(), name, chosen("staff_id", &id.to_string())))
            .collect(),
        values,
        errors: FormErrors::new(tr, errors),
    })
}

pub async fn roster_page(ctx: Ctx) -> AppResult<Response> {
    Ok(render(&ctx, Values(HashMap::new()), &FieldErrors::new()).await?.into_response())
}

pub(crate) fn entry_input(form: &[(String, String)]) -> EntryInput {
    let get = |k: &str| field(form, k);
    EntryInput {
        kind: get("kind").unwrap_or_default(),
        staff_id: get("staff_id"),
        record_number: get("record_number"),
        family_name: get("family_name"),
        relationship: get("relationship"),
        language: get("language"),
        accessibility: get("accessibility"),
        consent_on: get("consent_on"),
        consent_method: get("consent_method"),
        consent_note: get("consent_note"),
    }
}

pub async fn add_entry(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    match interviews::add(&ctx.state, &ctx.actor, &entry_input(&form)).await {
        Ok(_) => {
            ctx.flash("success", "readiness-interview-added").await?;
            Ok(see_other("/readiness/interviews"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = render(&ctx, values_of(&form), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn withdraw_entry(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let input = WithdrawInput { withdrawn_on: field(&form, "withdrawn_on"), note: field(&form, "note") };
    match interviews::withdraw(&ctx.state, &ctx.actor, id, version, &input).await {
        Ok(_) => {
            ctx.flash("success", "readiness-interview-withdrawn").await?;
            Ok(see_other("/readiness/interviews"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = render(&ctx, Values(HashMap::new()), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            ctx.flash("error", "readiness-interview-conflict").await?;
            Ok(see_other("/readiness/interviews"))
        }
        Err(other) => Err(other),
    }
}
