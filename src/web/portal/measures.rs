//! The person's own measures in the portal (`/my/measures`): what is due for them, answering it
//! themselves (source portal, recorded as their own action, audited as `portal:<account id>`), and
//! their earlier results in plain words. Only their own: every id is looked up with their person.

use super::pages::When;
use super::{PortalCtx, PortalShell};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::instruments::InstrumentDef;
use crate::domain::measures::{DueMeasure, DueState};
use crate::domain::outcomes::MeasureStatus;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::outcomes::measures::{self as service, MeasurementRow, MyMeasures};
use crate::web::intake::Values;
use crate::web::measures::{ItemView, answers_of, item_views, score_text};
use crate::web::{CsrfForm, FormErrors, see_other};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use time::Date;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/my/measures", get(list))
        .route("/my/measures/results/{id}", get(result))
        .route("/my/measures/{key}", get(form).post(complete))
}

/// Field messages in the portal's languages: `measures-portal-<id>` when this area has the message
/// in the reader's language, else the shared one.
fn errors_of(tr: &Tr, errors: &FieldErrors) -> FormErrors {
    let items = errors
        .0
        .iter()
        .map(|e| {
            let own = format!("measures-portal-{}", e.message_id);
            let text = tr.t(&own);
            let message = if text != own { text } else { tr.field_error(e) };
            (e.field.clone(), message)
        })
        .collect();
    FormErrors { items }
}

/// A result in plain words: the calm sentence where the instrument has one, else the score.
fn plain_words(tr: &Tr, row: &MeasurementRow) -> String {
    if row.m.status == MeasureStatus::Declined.code() {
        return tr.t("measures-portal-you-declined");
    }
    match row.words {
        Some(id) => tr.t(&format!("{id}-plain")),
        None => tr.t1("measures-portal-your-score", "score", score_text(row.m.score)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/measures.html")]
pub struct ListPage {
    pub shell: PortalShell,
    pub my: MyMeasures,
    pub zone: String,
}

impl ListPage {
    pub fn day(&self, d: &Date) -> String {
        When { tr: &self.shell.tr, zone: &self.zone }.day(*d)
    }
    pub fn name(&self, key: &str) -> String {
        self.my.names.get(key).cloned().unwrap_or_else(|| key.to_string())
    }
    pub fn words(&self, row: &MeasurementRow) -> String {
        plain_words(&self.shell.tr, row)
    }
    pub fn late(&self, d: &DueMeasure) -> bool {
        d.state == DueState::Overdue
    }
}

pub async fn list(ctx: PortalCtx) -> AppResult<ListPage> {
    let my = service::my_measures(&ctx.state, &ctx.me).await?;
    Ok(ListPage { shell: ctx.shell().await?, my, zone: ctx.org.time_zone.clone() })
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/measures_form.html")]
pub struct FormPage {
    pub shell: PortalShell,
    pub def: InstrumentDef,
    pub items: Vec<ItemView>,
    pub errors: FormErrors,
    pub declined: bool,
}

fn form_page(shell: PortalShell, def: InstrumentDef, values: &Values, errors: FormErrors) -> FormPage {
    let lang = shell.tr.lang.code();
    let items = item_views(&def, &shell.tr, lang, values, &errors);
    FormPage { declined: values.on("declined"), shell, def, items, errors }
}

pub async fn form(ctx: PortalCtx, Path(key): Path<String>) -> AppResult<FormPage> {
    let (_, def) = service::my_due_one(&ctx.state, &ctx.me, &key).await?;
    Ok(form_page(ctx.shell().await?, def, &Values::default(), FormErrors::default()))
}

pub async fn complete(
    ctx: PortalCtx,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let declined = form.iter().any(|(k, v)| k == "declined" && matches!(v.as_str(), "on" | "yes" | "true"));
    let answers = answers_of(&form);
    match service::complete_own(&ctx.state, &ctx.me, &key, &answers, declined).await {
        Ok(m) => {
            ctx.flash("success", "measures-portal-thanks").await?;
            Ok(see_other(&format!("/my/measures/results/{}", m.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let (_, def) = service::my_due_one(&ctx.state, &ctx.me, &key).await?;
            let values = Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect());
            let page = form_page(ctx.shell().await?, def, &values, errors_of(&ctx.tr, &errors));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/measures_result.html")]
pub struct ResultPage {
    pub shell: PortalShell,
    pub row: MeasurementRow,
    pub name: String,
    pub range: String,
    pub zone: String,
}

impl ResultPage {
    pub fn day(&self, d: &Date) -> String {
        When { tr: &self.shell.tr, zone: &self.zone }.day(*d)
    }
    pub fn words(&self) -> String {
        plain_words(&self.shell.tr, &self.row)
    }
    pub fn score(&self) -> String {
        score_text(self.row.m.score)
    }
    pub fn declined(&self) -> bool {
        self.row.m.status == MeasureStatus::Declined.code()
    }
}

pub async fn result(ctx: PortalCtx, Path(id): Path<Uuid>) -> AppResult<ResultPage> {
    let (row, def) = service::my_result(&ctx.state, &ctx.me, id).await?;
    let name = def.as_ref().map(|d| d.name.clone()).unwrap_or_else(|| row.m.instrument_key.clone());
    let range = def
        .as_ref()
        .map(|d| {
            format!(
                "{}–{}",
                crate::domain::instruments::fmt_num(d.score_min),
                crate::domain::instruments::fmt_num(d.score_max)
            )
        })
        .unwrap_or_default();
    Ok(ResultPage { shell: ctx.shell().await?, row, name, range, zone: ctx.org.time_zone.clone() })
}
