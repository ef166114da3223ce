//! The reviewer's sample: the list of samples with the draw form, and one sample's checklist
//! (printable).

use super::{field, values_of};
use crate::access::{Action, Reach, allows};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::standards::checklist::Mark;
use crate::standards::samples::{self, DEFAULT_CAP, DEFAULT_MINIMUM, DEFAULT_PERCENT, DrawInput, SampleSummary};
use crate::web::intake::Values;
use crate::web::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::HashMap;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/readiness/samples", get(list_page).post(draw_sample))
        .route("/readiness/samples/{id}", get(sample_page))
}

pub struct SampleRow {
    pub id: Uuid,
    pub drawn_at: String,
    pub by: String,
    pub period: String,
    pub seed: i64,
    pub size: String,
    pub strata: String,
}

fn sample_row(s: &SampleSummary) -> SampleRow {
    SampleRow {
        id: s.id,
        drawn_at: s.drawn_at.date().to_string(),
        by: s.drawn_by.clone(),
        period: format!("{} – {}", s.period_from, s.period_to),
        seed: s.seed,
        size: format!("{} / {}", s.sample_size, s.frame_size),
        strata: s
            .strata
            .iter()
            .map(|st| format!("{}: {} / {}", st.program, st.drawn, st.frame))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "readiness/samples.html")]
pub struct ListPage {
    pub shell: Shell,
    pub rows: Vec<SampleRow>,
    pub may_manage: bool,
    pub values: Values,
    pub errors: FormErrors,
    pub sources: Vec<(String, String, bool)>,
}

async fn render_list(ctx: &Ctx, values: Values, errors: &FieldErrors) -> AppResult<ListPage> {
    let list = samples::list(&ctx.state, &ctx.actor).await?;
    let tr = &ctx.tr;
    let own = crate::standards::catalogue::source_of(
        crate::domain::codes::Edition::parse(&ctx.org.edition).unwrap_or(crate::domain::codes::Edition::Cse2024),
    );
    let chosen = values.0.get("source").cloned().unwrap_or_else(|| own.code().to_string());
    Ok(ListPage {
        shell: ctx.shell().await?,
        rows: list.iter().map(sample_row).collect(),
        may_manage: allows(&ctx.actor, Action::ManageReadiness, Reach::Outside),
        sources: crate::standards::catalogue::Source::ALL
            .iter()
            .map(|s| (s.code().to_string(), tr.t(&s.message_id()), s.code() == chosen))
            .collect(),
        values,
        errors: FormErrors::new(tr, errors),
    })
}

pub async fn list_page(ctx: Ctx) -> AppResult<Response> {
    let today = ctx.today();
    let mut v = HashMap::new();
    v.insert(
        "from".to_string(),
        today.replace_year(today.year() - 1).unwrap_or(today).next_day().unwrap_or(today).to_string(),
    );
    v.insert("to".to_string(), today.to_string());
    v.insert("percent".to_string(), format!("{DEFAULT_PERCENT}"));
    v.insert("minimum".to_string(), DEFAULT_MINIMUM.to_string());
    v.insert("cap".to_string(), DEFAULT_CAP.to_string());
    Ok(render_list(&ctx, Values(v), &FieldErrors::new()).await?.into_response())
}

pub(crate) fn draw_input(form: &[(String, String)]) -> DrawInput {
    let get = |k: &str| field(form, k);
    DrawInput {
        source: get("source"),
        from: get("from"),
        to: get("to"),
        percent: get("percent"),
        minimum: get("minimum"),
        cap: get("cap"),
        seed: get("seed"),
    }
}

pub async fn draw_sample(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    match samples::draw_sample(&ctx.state, &ctx.actor, &draw_input(&form)).await {
        Ok(sample) => {
            ctx.flash("success", "readiness-sample-drawn").await?;
            Ok(see_other(&format!("/readiness/samples/{}", sample.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let page = render_list(&ctx, values_of(&form), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub struct CheckRow {
    pub label: String,
    pub link: String,
    pub program: String,
    /// (symbol, accessible text, class) per column.
    pub cells: Vec<(String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "readiness/sample.html")]
pub struct SamplePage {
    pub shell: Shell,
    pub sample: SampleRow,
    pub source: String,
    pub settings: String,
    /// (item name, elements).
    pub columns: Vec<(String, String)>,
    pub rows: Vec<CheckRow>,
}

pub async fn sample_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<Response> {
    let detail = samples::get(&ctx.state, &ctx.actor, id).await?;
    let tr = &ctx.tr;
    let s = &detail.summary;
    let cell = |m: &Mark| match m {
        Mark::Met => ("✓".to_string(), tr.t("readiness-sample-met"), "mark-met".to_string()),
        Mark::Missing => ("✗".to_string(), tr.t("readiness-sample-missing"), "mark-missing".to_string()),
        Mark::NotApplicable => ("–".to_string(), tr.t("readiness-sample-na"), "mark-na".to_string()),
    };
    let page = SamplePage {
        shell: ctx.shell().await?,
        sample: sample_row(s),
        source: tr.t(&s.source.message_id()),
        settings: tr.with_args(
            "readiness-sample-settings-line",
            &[("percent", format!("{}", s.percent)), ("minimum", s.minimum.to_string()), ("cap", s.cap.to_string())],
        ),
        columns: detail.checklist.columns.iter().map(|c| (tr.t(&c.item.label_id()), c.elements.join(", "))).collect(),
        rows: detail
            .checklist
            .rows
            .iter()
            .map(|r| CheckRow {
                label: tr.t1("readiness-interview-person-number", "number", r.record_number),
                link: r.link.clone(),
                program: r.program.clone(),
                cells: r.marks.iter().map(cell).collect(),
            })
            .collect(),
    };
    Ok(page.into_response())
}
