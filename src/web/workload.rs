//! Workload pages (CSE 2.08): one staff member's workload with thresholds, reviews and the review
//! form; the team's workload table (sortable, with over-threshold and review-overdue flags); and
//! the organisation's personnel settings.

use super::intake::Values;
use super::team_tabs::RecordTabs;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::personnel::{GapPolicy, NeedLevel, OverThreshold, WorkloadDecision};
use crate::error::{AppError, AppResult};
use crate::personnel::Settings;
use crate::personnel::workload::{
    self, PersonnelSettingsInput, SortBy, StaffWorkload, TeamWorkload, WorkerLoad, WorkloadMeasures,
    WorkloadReviewInput,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/team/workload", get(team_page))
        .route("/team/settings", get(settings_page).post(save_settings))
        .route("/team/{id}/workload", get(staff_page))
        .route("/team/{id}/workload/reviews", post(add_review))
}

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect())
}

/// A number as people read it: "12", "12.5".
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 { format!("{}", n as i64) } else { format!("{n:.1}") }
}

// ---------- one staff member ----------

/// One measure on the page: its label, the value, the threshold (if any) and whether it is over.
pub struct MeasureRow {
    pub label: String,
    pub value: String,
    pub limit: Option<String>,
    pub over: bool,
    pub over_text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "workload/show.html")]
pub struct StaffPage {
    pub shell: Shell,
    pub tabs: RecordTabs,
    pub w: StaffWorkload,
    pub values: Values,
    pub errors: FormErrors,
}

fn over_text(shell: &Shell, o: OverThreshold, limit: String) -> String {
    shell.t1(o.message_id(), "limit", limit)
}

fn measure_rows(shell: &Shell, load: &WorkerLoad, rules: &crate::domain::personnel::WorkloadRules) -> Vec<MeasureRow> {
    let row = |label: &str, value: String, limit: Option<(OverThreshold, String)>| {
        let over = limit.as_ref().is_some_and(|(o, _)| load.is_over(o));
        MeasureRow {
            label: shell.t(label),
            value,
            over_text: limit.as_ref().map(|(o, l)| over_text(shell, *o, l.clone())).unwrap_or_default(),
            limit: limit.map(|(_, l)| l),
            over,
        }
    };
    let c = &load.counts;
    vec![
        row(
            "workload-weighted-caseload",
            number(load.weighted),
            Some((OverThreshold::WeightedCaseload, number(rules.max_weighted_caseload))),
        ),
        row("workload-people", c.people().to_string(), None),
        row(
            "workload-contacts",
            c.contacts_last_30_days.to_string(),
            Some((OverThreshold::Contacts, rules.max_contacts_per_month.to_string())),
        ),
        row("workload-groups", c.groups.to_string(), Some((OverThreshold::Groups, rules.max_groups.to_string()))),
        row(
            "workload-referrals",
            c.open_referrals.to_string(),
            Some((OverThreshold::Referrals, rules.max_open_referrals.to_string())),
        ),
    ]
}

impl StaffPage {
    pub fn measures(&self) -> Vec<MeasureRow> {
        measure_rows(&self.shell, &self.w.load, &self.w.rules)
    }
    /// People by need level with each level's weight.
    pub fn levels(&self) -> Vec<(String, i32, String)> {
        let c = &self.w.load.counts;
        let r = &self.w.rules;
        [
            (NeedLevel::High, c.people_high, r.weight_high),
            (NeedLevel::Moderate, c.people_moderate, r.weight_moderate),
            (NeedLevel::Low, c.people_low, r.weight_low),
        ]
        .iter()
        .map(|(l, n, w)| {
            (self.shell.t(&l.message_id()), *n, self.shell.t1("workload-weight-each", "weight", number(*w)))
        })
        .collect()
    }
    pub fn decision(&self, code: &str) -> String {
        WorkloadDecision::parse(code).map(|d| self.shell.t(&d.message_id())).unwrap_or_else(|| code.to_string())
    }
    pub fn reviewer(&self, id: &Uuid) -> String {
        self.w.reviewer_names.get(id).cloned().unwrap_or_default()
    }
    pub fn snapshot(&self, text: &str) -> String {
        match WorkloadMeasures::parse(text) {
            Some(m) => self.shell.tr.with_args(
                "workload-snapshot",
                &[
                    ("weighted", number(m.weighted_caseload)),
                    ("people", m.people.to_string()),
                    ("contacts", m.contacts_last_30_days.to_string()),
                    ("groups", m.groups.to_string()),
                    ("referrals", m.open_referrals.to_string()),
                ],
            ),
            None => String::new(),
        }
    }
    pub fn decision_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("decision");
        WorkloadDecision::ALL.iter().map(|d| (d.code(), self.shell.t(&d.message_id()), chosen == d.code())).collect()
    }
    pub fn review_status(&self) -> String {
        let due = self.w.load.review_due_on.to_string();
        match (&self.w.load.last_review, self.w.load.review_overdue) {
            (None, true) => self.shell.t1("workload-review-never-overdue", "date", due),
            (None, false) => self.shell.t1("workload-review-first", "date", due),
            (Some(_), true) => self.shell.t1("workload-review-overdue", "date", due),
            (Some(_), false) => self.shell.t1("workload-review-next", "date", due),
        }
    }
    pub fn next_hint(&self) -> String {
        self.shell.t1("workload-review-next-hint", "months", self.w.rules.review_months)
    }
}

async fn staff_page_for(ctx: &Ctx, id: Uuid, values: Values, errors: &FieldErrors) -> AppResult<StaffPage> {
    let w = workload::staff_workload(&ctx.state, &ctx.actor, id).await?;
    let tabs = RecordTabs::new(&w.record, "workload");
    let mut values = values;
    if values.v("reviewed_on").is_empty() {
        values.0.insert("reviewed_on".into(), w.today.to_string());
    }
    Ok(StaffPage { shell: ctx.shell().await?, tabs, w, values, errors: FormErrors::new(&ctx.tr, errors) })
}

pub async fn staff_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<StaffPage> {
    staff_page_for(&ctx, id, Values::default(), &FieldErrors::new()).await
}

pub async fn add_review(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = WorkloadReviewInput {
        reviewed_on: field(&form, "reviewed_on").unwrap_or_default(),
        decision: field(&form, "decision").unwrap_or_default(),
        notes: field(&form, "notes"),
        next_review_on: field(&form, "next_review_on"),
    };
    match workload::add_review(&ctx.state, &ctx.actor, id, &input).await {
        Ok(_) => {
            ctx.flash("success", "workload-review-saved").await?;
            Ok(see_other(&format!("/team/{id}/workload#reviews")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = staff_page_for(&ctx, id, values_of(&form), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- the team ----------

#[derive(Deserialize, Default)]
pub struct SortQuery {
    sort: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "workload/team.html")]
pub struct TeamPage {
    pub shell: Shell,
    pub team: TeamWorkload,
    pub sort: SortBy,
    pub may_settle: bool,
}

impl TeamPage {
    pub fn weighted(&self, row: &WorkerLoad) -> String {
        number(row.weighted)
    }
    pub fn levels(&self, row: &WorkerLoad) -> String {
        self.shell.tr.with_args(
            "workload-levels-short",
            &[
                ("high", row.counts.people_high.to_string()),
                ("moderate", row.counts.people_moderate.to_string()),
                ("low", row.counts.people_low.to_string()),
            ],
        )
    }
    pub fn over(&self, row: &WorkerLoad) -> Vec<String> {
        let r = &self.team.rules;
        row.over
            .iter()
            .map(|o| {
                let limit = match o {
                    OverThreshold::WeightedCaseload => number(r.max_weighted_caseload),
                    OverThreshold::Contacts => r.max_contacts_per_month.to_string(),
                    OverThreshold::Groups => r.max_groups.to_string(),
                    OverThreshold::Referrals => r.max_open_referrals.to_string(),
                };
                over_text(&self.shell, *o, limit)
            })
            .collect()
    }
    pub fn review(&self, row: &WorkerLoad) -> String {
        let due = row.review_due_on.to_string();
        match (&row.last_review, row.review_overdue) {
            (None, true) => self.shell.t1("workload-review-never-overdue", "date", due),
            (None, false) => self.shell.t1("workload-review-first", "date", due),
            (Some(_), true) => self.shell.t1("workload-review-overdue", "date", due),
            (Some(_), false) => self.shell.t1("workload-review-next", "date", due),
        }
    }
    pub fn sorts(&self) -> Vec<(&'static str, String, bool)> {
        [SortBy::Weighted, SortBy::Name, SortBy::ReviewDue]
            .iter()
            .map(|s| (s.code(), self.shell.t(&format!("workload-sort-{}", s.code())), *s == self.sort))
            .collect()
    }
    pub fn over_count(&self) -> usize {
        self.team.rows.iter().filter(|r| !r.over.is_empty()).count()
    }
    pub fn overdue_count(&self) -> usize {
        self.team.rows.iter().filter(|r| r.review_overdue).count()
    }
}

pub async fn team_page(ctx: Ctx, Query(q): Query<SortQuery>) -> AppResult<TeamPage> {
    let sort = SortBy::parse(q.sort.as_deref());
    let team = workload::team_workload(&ctx.state, &ctx.actor, sort).await?;
    Ok(TeamPage {
        shell: ctx.shell().await?,
        team,
        sort,
        may_settle: crate::access::may_manage_training_catalogue(&ctx.actor),
    })
}

// ---------- settings ----------

#[derive(Template, WebTemplate)]
#[template(path = "workload/settings.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub values: Values,
    pub version: i32,
    pub may_edit: bool,
    pub errors: FormErrors,
    /// Someone saved first: what is saved now, shown beside what was typed.
    pub saved: Option<Settings>,
}

impl SettingsPage {
    pub fn policy_options(&self) -> Vec<(&'static str, String, bool)> {
        let chosen = self.values.v("gap_policy");
        GapPolicy::ALL.iter().map(|p| (p.code(), self.shell.t(&p.message_id()), chosen == p.code())).collect()
    }
    pub fn saved_summary(&self) -> String {
        match &self.saved {
            Some(s) => self.shell.tr.with_args(
                "personnel-settings-saved-summary",
                &[
                    ("policy", self.shell.t(&s.gap_policy.message_id())),
                    ("supervision", s.intervals.supervision_days.to_string()),
                    ("mentoring", s.intervals.mentoring_days.to_string()),
                    ("caseload", number(s.workload.max_weighted_caseload)),
                    ("months", s.workload.review_months.to_string()),
                ],
            ),
            None => String::new(),
        }
    }
}

fn settings_input(form: &[(String, String)]) -> PersonnelSettingsInput {
    let get = |k: &str| field(form, k);
    PersonnelSettingsInput {
        gap_policy: get("gap_policy").unwrap_or_default(),
        supervision_days: get("supervision_days"),
        mentoring_days: get("mentoring_days"),
        in_service_months: get("in_service_months"),
        pre_service_grace_days: get("pre_service_grace_days"),
        weight_high: get("weight_high"),
        weight_moderate: get("weight_moderate"),
        weight_low: get("weight_low"),
        max_weighted_caseload: get("max_weighted_caseload"),
        max_contacts_per_month: get("max_contacts_per_month"),
        max_groups: get("max_groups"),
        max_open_referrals: get("max_open_referrals"),
        review_months: get("review_months"),
    }
}

pub async fn settings_page(ctx: Ctx) -> AppResult<SettingsPage> {
    let settings = workload::read_settings(&ctx.state, &ctx.actor).await?;
    Ok(SettingsPage {
        shell: ctx.shell().await?,
        values: Values::of(&PersonnelSettingsInput::of(&settings)),
        version: settings.version,
        may_edit: crate::access::may_manage_training_catalogue(&ctx.actor),
        errors: FormErrors::default(),
        saved: None,
    })
}

pub async fn save_settings(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let input = settings_input(&form);
    let version = field(&form, "version").and_then(|v| v.trim().parse::<i32>().ok());
    let result = match version {
        Some(v) => workload::update_settings(&ctx.state, &ctx.actor, v, &input).await,
        None => Err(AppError::Invalid(FieldErrors::single("version", "error-required"))),
    };
    let typed = values_of(&form);
    match result {
        Ok(_) => {
            ctx.flash("success", "personnel-settings-saved").await?;
            Ok(see_other("/team/settings"))
        }
        Err(AppError::Invalid(errors)) => {
            let page = SettingsPage {
                shell: ctx.shell().await?,
                values: typed,
                version: version.unwrap_or(0),
                may_edit: true,
                errors: FormErrors::new(&ctx.tr, &errors),
                saved: None,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            // What was typed stays; the form now carries the saved version, with the saved values beside it.
            let saved = workload::read_settings(&ctx.state, &ctx.actor).await?;
            let page = SettingsPage {
                shell: ctx.shell().await?,
                values: typed,
                version: saved.version,
                may_edit: true,
                errors: FormErrors::default(),
                saved: Some(saved),
            };
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}
