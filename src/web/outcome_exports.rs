//! Outcome exports: the de-identified CSV, the printable funder report and the export settings
//! (`/outcomes/exports…`). Everything goes through `outcomes::export` and `outcomes::funder_report`.

use super::intake::Values;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::db::entities::{outcome_measurement, program};
use crate::domain::FieldErrors;
use crate::domain::disaggregation::Dimension;
use crate::domain::outcomes::{ExportDates, ExportShape, OutcomeArea, Target, TargetKind};
use crate::error::{AppError, AppResult};
use crate::outcomes::export::{self, ExportQuery, ExportSettings, SettingsInput};
use crate::outcomes::funder_report::{self, FunderReport, MeasureLine, ReportQuery, TargetLine};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<crate::app::AppState> {
    Router::new()
        .route("/outcomes/exports", get(exports_page))
        .route("/outcomes/exports/settings", post(save_settings))
        .route("/outcomes/exports/rotate", post(rotate_key))
        .route("/outcomes/exports/outcomes.csv", get(download_csv))
        .route("/outcomes/exports/funder-report", get(funder_report_page))
}

#[derive(Template, WebTemplate)]
#[template(path = "outcome_exports/index.html")]
pub struct ExportsPage {
    pub shell: Shell,
    pub may_export: bool,
    pub settings: Option<ExportSettings>,
    pub programs: Vec<(Uuid, String)>,
    pub instruments: Vec<String>,
    pub values: Values,
    pub errors: FormErrors,
    pub settings_values: Values,
    pub settings_errors: FormErrors,
}

impl ExportsPage {
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.values.v("program_id");
        self.programs.iter().map(|(id, name)| (id.to_string(), name.clone(), chosen == id.to_string())).collect()
    }

    pub fn instrument_options(&self) -> Vec<(String, String, bool)> {
        let chosen = self.values.v("instrument");
        self.instruments.iter().map(|k| (k.clone(), k.clone(), &chosen == k)).collect()
    }

    pub fn shape_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("shape");
        ExportShape::ALL
            .iter()
            .map(|s| {
                let on = chosen == s.code() || (chosen.is_empty() && *s == ExportShape::Measurements);
                (s.code(), self.shell.t(&format!("outcome-exports-shape-{}", s.code())), on)
            })
            .collect()
    }

    pub fn date_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.settings_values.v("dates");
        ExportDates::ALL
            .iter()
            .map(|d| (d.code(), self.shell.t(&format!("outcome-exports-dates-{}", d.code())), chosen == d.code()))
            .collect()
    }

    pub fn key_made(&self) -> String {
        match self.settings.as_ref().and_then(|s| s.key_created_at) {
            Some(at) => at.date().to_string(),
            None => self.shell.t("outcome-exports-key-not-yet"),
        }
    }
}

/// The programs an exporter may choose: all for the quality lead, their own for a director.
async fn programs_for(ctx: &Ctx) -> AppResult<Vec<(Uuid, String)>> {
    let all = program::Entity::find()
        .filter(program::Column::OrgId.eq(ctx.org.id))
        .order_by_asc(program::Column::Name)
        .all(ctx.state.db.conn())
        .await?;
    let everything = ctx.actor.has(crate::domain::codes::Role::QualityLead);
    Ok(all
        .into_iter()
        .filter(|p| everything || ctx.actor.program_ids.contains(&p.id))
        .map(|p| (p.id, p.name))
        .collect())
}

/// The measures the organisation has recorded (the ones worth exporting).
async fn instruments_in_use(ctx: &Ctx) -> AppResult<Vec<String>> {
    let keys: Vec<String> = outcome_measurement::Entity::find()
        .select_only()
        .column(outcome_measurement::Column::InstrumentKey)
        .distinct()
        .filter(outcome_measurement::Column::OrgId.eq(ctx.org.id))
        .order_by_asc(outcome_measurement::Column::InstrumentKey)
        .into_tuple()
        .all(ctx.state.db.conn())
        .await?;
    Ok(keys)
}

async fn page(
    ctx: &Ctx,
    values: Values,
    errors: &FieldErrors,
    settings_values: Option<Values>,
    settings_errors: &FieldErrors,
) -> AppResult<ExportsPage> {
    let may_export = export::may_export(&ctx.actor);
    if !may_export && !export::may_configure(&ctx.actor) {
        return Err(AppError::Forbidden);
    }
    let settings =
        if export::may_configure(&ctx.actor) { Some(export::settings(&ctx.state, &ctx.actor).await?) } else { None };
    let settings_values = settings_values.unwrap_or_else(|| match &settings {
        Some(s) => Values(
            [
                ("dates".to_string(), s.dates.code().to_string()),
                ("shift_max_days".to_string(), s.shift_max_days.to_string()),
                ("version".to_string(), s.version.to_string()),
            ]
            .into_iter()
            .collect(),
        ),
        None => Values(Default::default()),
    });
    Ok(ExportsPage {
        shell: ctx.shell().await?,
        may_export,
        settings,
        programs: if may_export { programs_for(ctx).await? } else { Vec::new() },
        instruments: if may_export { instruments_in_use(ctx).await? } else { Vec::new() },
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        settings_values,
        settings_errors: FormErrors::new(&ctx.tr, settings_errors),
    })
}

pub async fn exports_page(ctx: Ctx) -> AppResult<ExportsPage> {
    page(&ctx, Values(Default::default()), &FieldErrors::new(), None, &FieldErrors::new()).await
}

pub async fn save_settings(ctx: Ctx, CsrfForm(input): CsrfForm<SettingsInput>) -> AppResult<Response> {
    match export::save_settings(&ctx.state, &ctx.actor, &input).await {
        Ok(_) => {
            ctx.flash("success", "outcome-exports-settings-saved").await?;
            Ok(see_other("/outcomes/exports"))
        }
        Err(AppError::Invalid(errors)) => {
            let values = Values::of(&SettingsEcho::from(&input));
            let page = page(&ctx, Values(Default::default()), &FieldErrors::new(), Some(values), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let errors = FieldErrors::single("dates", "outcome-exports-error-stale");
            let page = page(&ctx, Values(Default::default()), &FieldErrors::new(), None, &errors).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

/// The settings form as typed, for showing it back with its errors.
#[derive(serde::Serialize)]
struct SettingsEcho {
    dates: String,
    shift_max_days: String,
    version: String,
}

impl From<&SettingsInput> for SettingsEcho {
    fn from(i: &SettingsInput) -> Self {
        SettingsEcho {
            dates: i.dates.clone(),
            shift_max_days: i.shift_max_days.clone(),
            version: i.version.to_string(),
        }
    }
}

#[derive(Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    pub version: i32,
    #[serde(default)]
    pub confirm: Option<String>,
}

pub async fn rotate_key(ctx: Ctx, CsrfForm(form): CsrfForm<RotateForm>) -> AppResult<Response> {
    if form.confirm.as_deref() != Some("yes") {
        let errors = FieldErrors::single("confirm", "outcome-exports-error-confirm-rotate");
        let page = page(&ctx, Values(Default::default()), &FieldErrors::new(), None, &errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    match export::rotate_key(&ctx.state, &ctx.actor, form.version).await {
        Ok(()) => {
            ctx.flash("success", "outcome-exports-key-rotated").await?;
            Ok(see_other("/outcomes/exports"))
        }
        Err(AppError::Conflict) => {
            let errors = FieldErrors::single("confirm", "outcome-exports-error-stale");
            let page = page(&ctx, Values(Default::default()), &FieldErrors::new(), None, &errors).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn download_csv(ctx: Ctx, Query(q): Query<ExportQuery>) -> AppResult<Response> {
    let filter = match q.parse() {
        Ok(f) => f,
        Err(errors) => {
            let page = page(&ctx, Values::of(&q), &errors, None, &FieldErrors::new()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let file = export::measurements_csv(&ctx.state, &ctx.actor, &filter).await?;
    Ok(csv_download(file))
}

pub fn csv_download(file: export::ExportFile) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, super::curricula::attachment(&file.filename)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        file.bytes,
    )
        .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "outcome_exports/funder_report.html")]
pub struct FunderReportPage {
    pub shell: Shell,
    pub report: FunderReport,
}

pub async fn funder_report_page(ctx: Ctx, Query(q): Query<ReportQuery>) -> AppResult<Response> {
    let filter = match q.parse(ctx.today()) {
        Ok(f) => f,
        Err(errors) => {
            let page = page(&ctx, Values::of(&q), &errors, None, &FieldErrors::new()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let report = funder_report::build(&ctx.state, &ctx.actor, &filter).await?;
    Ok(FunderReportPage { shell: ctx.shell().await?, report }.into_response())
}

impl FunderReportPage {
    pub fn period(&self) -> String {
        let tr = &self.shell.tr;
        tr.with_args(
            "outcome-report-period",
            &[("from", self.report.from.to_string()), ("to", self.report.to.to_string())],
        )
    }

    pub fn one(&self, value: &f64) -> String {
        format!("{value:.1}")
    }

    pub fn count(&self, value: &Option<u64>) -> String {
        match value {
            Some(n) => n.to_string(),
            None => self.shell.t("outcome-report-hidden"),
        }
    }

    pub fn mode(&self, code: &str) -> String {
        self.shell.t(&format!("contact-mode-{code}"))
    }

    pub fn area(&self, area: &OutcomeArea) -> String {
        self.shell.t(&area.message_id())
    }

    /// The cut-off and meaningful-change shares of a measure, where it has them.
    pub fn thresholds(&self, line: &MeasureLine) -> String {
        let mut parts = Vec::new();
        if let (Some(cut), Some(share)) = (line.cut_off, line.reaching_cut_off) {
            let label = self.shell.t1("outcome-report-cut-off", "score", format!("{cut:.0}"));
            parts.push(format!("{label}: {share:.0}%"));
        }
        if let (Some(points), Some(share)) = (line.meaningful_change, line.meaningful_improvement) {
            let label = self.shell.t1("outcome-report-meaningful", "points", format!("{points:.0}"));
            parts.push(format!("{label}: {share:.0}%"));
        }
        if parts.is_empty() && line.suppressed {
            return self.shell.t("outcome-report-hidden");
        }
        parts.join("; ")
    }

    pub fn target_text(&self, target: &Target) -> String {
        let tr = &self.shell.tr;
        let value = ("value", format!("{:.0}", target.value));
        let share = ("share", format!("{:.0}", target.share.unwrap_or(100.0)));
        match target.kind {
            TargetKind::ReachThreshold => tr.with_args("outcome-report-target-reach", &[share, value]),
            TargetKind::ImproveBy => tr.with_args("outcome-report-target-improve", &[share, value]),
            TargetKind::MeanChange => tr.with_args("outcome-report-target-mean", &[value]),
        }
    }

    pub fn progress_text(&self, t: &TargetLine) -> String {
        let achieved = match (t.achieved, t.target.kind) {
            (Some(a), TargetKind::MeanChange) => format!("{a:+.1}"),
            (Some(a), _) => format!("{a:.0}%"),
            (None, _) if t.suppressed => self.shell.t("outcome-report-hidden"),
            (None, _) => String::new(),
        };
        let verdict = match t.met {
            Some(true) => self.shell.t("outcome-report-met"),
            Some(false) => self.shell.t("outcome-report-not-met"),
            None if t.suppressed => String::new(),
            None => self.shell.t("outcome-report-not-measured"),
        };
        [achieved, verdict].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")
    }

    pub fn maybe(&self, value: &Option<f64>) -> String {
        value.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
    }

    pub fn maybe_signed(&self, value: &Option<f64>) -> String {
        value.map(|v| format!("{v:+.1}")).unwrap_or_else(|| "—".into())
    }

    pub fn percent(&self, value: &Option<f64>) -> String {
        value.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "—".into())
    }

    pub fn dimension(&self, d: &Dimension) -> String {
        self.shell.t(&format!("outcomes-{}", d.message_id()))
    }
}
