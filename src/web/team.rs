//! The team pages (CSE 2): the team list with gaps and certification flags, a staff member's
//! record overview (profile, degrees, certifications, the competency checklist by standard), the
//! profile form, degrees, certifications with their uploaded copies, and the download of a copy.
//! Everything goes through `personnel::profile`, like the JSON API (`api::team`).

use super::intake::Values;
use super::team_tabs::RecordTabs;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::domain::personnel::{CertificationKind, DegreeLevel, Position, Standing};
use crate::error::{AppError, AppResult};
use crate::groups::curricula::human_size;
use crate::i18n::Tr;
use crate::personnel::profile::{
    self, CertificationInput, DegreeInput, FileChange, MAX_FILE_BYTES, ProfileInput, Record, TeamFilter, TeamRow,
    Upload,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use uuid::Uuid;

/// The most a certification request may carry: one copy at the limit and the form around it. The
/// application-wide body limit must let these through (see `is_upload`).
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 256 * 1024;

/// Whether a request carries a certification's or a training certificate's copy (page or API), which
/// may be larger than others.
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    if method != axum::http::Method::POST && method != axum::http::Method::PUT {
        return false;
    }
    let Some(rest) = path.strip_prefix("/team/") else { return false };
    let parts: Vec<&str> = rest.split('/').collect();
    let id = |s: &str| !s.is_empty();
    match parts.as_slice() {
        [staff, "certifications"] => id(staff),
        [staff, "certifications", cert] => id(staff) && id(cert),
        [staff, "certifications", cert, "file"] => id(staff) && id(cert),
        // Training certificates are uploaded from the record's page forms only.
        [staff, "training"] => id(staff),
        [staff, "training", record, "edit"] => id(staff) && id(record),
        _ => false,
    }
}

pub fn routes() -> Router<AppState> {
    let upload_limit = || DefaultBodyLimit::max(UPLOAD_BODY_LIMIT);
    Router::new()
        .route("/team", get(list_page))
        .route("/team/{id}", get(overview))
        .route("/team/{id}/profile", get(profile_page).post(save_profile))
        .route("/team/{id}/degrees/new", get(new_degree))
        .route("/team/{id}/degrees", post(add_degree))
        .route("/team/{id}/degrees/{did}/remove", post(remove_degree))
        .route("/team/{id}/certifications/new", get(new_certification))
        .route("/team/{id}/certifications", post(add_certification).layer(upload_limit()))
        .route("/team/{id}/certifications/{cid}/edit", get(edit_certification))
        .route("/team/{id}/certifications/{cid}", post(update_certification).layer(upload_limit()))
        .route("/team/{id}/certifications/{cid}/remove", post(remove_certification))
        .route("/team/{id}/files/{file_id}", get(download))
}

// ---------- labels shared by the pages ----------

fn position_labels(tr: &Tr, positions: &[Position]) -> String {
    if positions.is_empty() {
        return tr.t("team-no-positions");
    }
    positions.iter().map(|p| tr.t(&p.message_id())).collect::<Vec<_>>().join(", ")
}

fn code_label<T: crate::domain::codes::TextCode>(tr: &Tr, code: &str) -> String {
    super::intake::code_label::<T>(tr, code)
}

/// "2 years, 6 months".
fn experience_words(tr: &Tr, months: Option<i32>) -> String {
    match months {
        None => tr.t("team-not-recorded"),
        Some(m) => tr.with_args(
            "profile-experience-value",
            &[("years", (m / 12).to_string()), ("months", (m % 12).to_string())],
        ),
    }
}

fn story_words(tr: &Tr, shares: Option<bool>) -> String {
    tr.t(&format!("profile-story-{}", profile::story_code(shares)))
}

/// A standing in words: "Met · 2026-03-01", "Expires 2026-12-20", "Lapsed 2026-10-01", "Missing".
fn standing_words(tr: &Tr, standing: Standing) -> String {
    match standing {
        Standing::Met { on: Some(on) } => tr.t1("team-standing-met-on", "date", on),
        Standing::Met { on: None } => tr.t("team-standing-met"),
        Standing::Expiring { until: Some(until) } => tr.t1("team-standing-expiring-until", "date", until),
        Standing::Expiring { until: None } => tr.t("team-standing-expiring"),
        Standing::Expired { since: Some(since) } => tr.t1("team-standing-expired-since", "date", since),
        Standing::Expired { since: None } => tr.t("team-standing-expired"),
        Standing::Missing => tr.t("team-standing-missing"),
    }
}

fn standing_class(standing: Standing) -> &'static str {
    match standing {
        Standing::Met { .. } => "tag-success",
        Standing::Expiring { .. } => "tag-warning",
        Standing::Expired { .. } | Standing::Missing => "tag-danger",
    }
}

/// One staff member's programs in words.
fn program_names(tr: &Tr, programs: &[(Uuid, String)]) -> String {
    if programs.is_empty() {
        tr.t("team-none")
    } else {
        programs.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")
    }
}

// ---------- the team list ----------

#[derive(Template, WebTemplate)]
#[template(path = "team/index.html")]
pub struct ListPage {
    pub shell: Shell,
    pub rows: Vec<TeamRow>,
    pub programs: Vec<(String, String, bool)>,
    pub positions: Vec<(&'static str, String, bool)>,
    pub gaps_only: bool,
    pub filtered: bool,
    pub no_errors: FormErrors,
}

impl ListPage {
    pub fn positions_text(&self, row: &TeamRow) -> String {
        position_labels(&self.shell.tr, &row.positions)
    }
    pub fn programs_text(&self, row: &TeamRow) -> String {
        program_names(&self.shell.tr, &row.programs)
    }
    pub fn supervisor_text(&self, row: &TeamRow) -> String {
        row.supervisor.as_ref().map(|(_, n)| n.clone()).unwrap_or_else(|| self.shell.t("team-none"))
    }
    pub fn gaps_text(&self, row: &TeamRow) -> String {
        self.shell.t1("team-gap-count", "count", row.gaps)
    }
    /// (tag class, label) of the certification flag.
    pub fn certification_tag(&self, row: &TeamRow) -> Option<(&'static str, String)> {
        row.certification.map(|s| (s.tag_class(), self.shell.t(&format!("team-certification-flag-{}", s.code()))))
    }
    pub fn open_label(&self, row: &TeamRow) -> String {
        self.shell.t1("team-open-record", "name", row.staff.display_name.clone())
    }
}

fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
}

fn pair(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// The team list; a coach (or anyone without team views) goes to their own record instead.
pub async fn list_page(ctx: Ctx, axum::extract::RawQuery(raw): axum::extract::RawQuery) -> AppResult<Response> {
    if !crate::access::may_view_team(&ctx.actor) {
        return Ok(see_other(&format!("/team/{}", ctx.actor.staff_id)));
    }
    let pairs = query_pairs(raw.as_deref());
    let filter = TeamFilter {
        program_id: pair(&pairs, "program_id").and_then(|p| Uuid::parse_str(&p).ok()),
        position: pair(&pairs, "position").and_then(|p| Position::parse(&p)),
        gaps_only: pair(&pairs, "gaps").is_some(),
    };
    let list = profile::team_list(&ctx.state, &ctx.actor, &filter).await?;
    let selected_program = filter.program_id.map(|p| p.to_string()).unwrap_or_default();
    let page = ListPage {
        programs: list
            .programs
            .iter()
            .filter(|p| p.active)
            .map(|p| (p.id.to_string(), p.name.clone(), p.id.to_string() == selected_program))
            .collect(),
        positions: Position::ALL
            .iter()
            .map(|p| (p.code(), ctx.tr.t(&p.message_id()), filter.position == Some(*p)))
            .collect(),
        gaps_only: filter.gaps_only,
        filtered: filter != TeamFilter::default(),
        rows: list.rows,
        no_errors: FormErrors::default(),
        shell: ctx.shell().await?,
    };
    Ok(page.into_response())
}

// ---------- a staff member's record ----------

/// A line of the profile summary.
pub struct Fact {
    pub label: String,
    pub value: String,
    /// Shown as a gap (something to act on).
    pub missing: bool,
}

pub struct DegreeLine {
    pub id: Uuid,
    pub title: String,
    pub detail: String,
}

pub struct CertificationLine {
    pub id: Uuid,
    pub title: String,
    pub detail: String,
    pub dates: String,
    pub state_label: String,
    pub state_class: &'static str,
    /// (address, name and size) of the uploaded copy.
    pub file: Option<(String, String)>,
    pub version: i32,
}

pub struct NeedLine {
    pub code: &'static str,
    pub label: String,
    pub standing: String,
    pub class: &'static str,
    pub gap: bool,
}

pub struct NeedGroup {
    pub heading: String,
    pub items: Vec<NeedLine>,
    pub gaps: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "team/show.html")]
pub struct OverviewPage {
    pub shell: Shell,
    pub tabs: RecordTabs,
    pub staff_id: Uuid,
    pub can_edit: bool,
    pub facts: Vec<Fact>,
    pub degrees: Vec<DegreeLine>,
    pub certifications: Vec<CertificationLine>,
    pub groups: Vec<NeedGroup>,
    pub gap_summary: String,
    pub gap_count: usize,
}

fn fact(tr: &Tr, label: &str, value: String, missing: bool) -> Fact {
    Fact { label: tr.t(label), value, missing }
}

fn positions_fact(tr: &Tr, r: &Record) -> Fact {
    fact(tr, "team-positions", position_labels(tr, &r.positions), r.positions.is_empty())
}

fn start_fact(tr: &Tr, r: &Record) -> Fact {
    let start = r.profile.as_ref().and_then(|p| p.start_date);
    fact(tr, "profile-start-date", start.map(|d| d.to_string()).unwrap_or_else(|| tr.t("team-not-recorded")), false)
}

fn job_description_fact(tr: &Tr, r: &Record) -> Fact {
    let p = r.profile.as_ref();
    let version = p.and_then(|p| p.job_description_version.clone());
    let value = match (version, p.and_then(|p| p.job_description_acknowledged_on)) {
        (Some(v), Some(on)) => {
            tr.with_args("profile-job-description-acknowledged-on", &[("version", v), ("date", on.to_string())])
        }
        (Some(v), None) => tr.t1("profile-job-description-not-acknowledged", "version", v),
        (None, _) => tr.t("profile-job-description-none"),
    };
    fact(tr, "profile-job-description", value, false)
}

fn role_fact(tr: &Tr, r: &Record) -> Fact {
    let value = match r.profile.as_ref().and_then(|p| p.role_understanding_confirmed_on) {
        Some(on) => tr.with_args(
            "profile-role-understanding-confirmed-on",
            &[("date", on.to_string()), ("name", r.role_confirmed_by.clone().unwrap_or_default())],
        ),
        None => tr.t("profile-role-understanding-not-confirmed"),
    };
    fact(tr, "profile-role-understanding", value, false)
}

/// The profile as the overview lists it.
fn profile_facts(tr: &Tr, r: &Record) -> Vec<Fact> {
    let p = r.profile.as_ref();
    let supervisor = r.supervisor.as_ref().map(|(_, n)| n.clone()).unwrap_or_else(|| tr.t("team-none"));
    let lived = match p.filter(|p| p.lived_experience).map(|p| p.lived_experience_attested_on) {
        Some(Some(on)) => tr.t1("profile-lived-experience-attested-on", "date", on),
        Some(None) => tr.t("profile-lived-experience-attested"),
        None => tr.t("profile-lived-experience-not-attested"),
    };
    vec![
        positions_fact(tr, r),
        fact(tr, "team-programs", program_names(tr, &r.programs), false),
        fact(tr, "team-supervisor", supervisor, false),
        start_fact(tr, r),
        fact(tr, "profile-experience", experience_words(tr, p.and_then(|p| p.experience_months)), false),
        fact(tr, "profile-lived-experience", lived, false),
        fact(tr, "profile-shares-story", story_words(tr, p.and_then(|p| p.shares_story)), false),
        job_description_fact(tr, r),
        role_fact(tr, r),
    ]
}

fn degree_lines(tr: &Tr, r: &Record) -> Vec<DegreeLine> {
    r.degrees
        .iter()
        .map(|d| {
            let mut detail =
                vec![tr.t(if d.human_services { "degree-human-services" } else { "degree-not-human-services" })];
            detail.extend(d.institution.clone());
            detail.extend(d.completed_year.map(|y| y.to_string()));
            DegreeLine {
                id: d.id,
                title: format!("{} · {}", code_label::<DegreeLevel>(tr, &d.level), d.field),
                detail: detail.join(" · "),
            }
        })
        .collect()
}

fn certification_lines(tr: &Tr, r: &Record) -> Vec<CertificationLine> {
    let staff_id = r.opened.staff.id;
    r.certifications
        .iter()
        .map(|c| {
            let row = &c.row;
            let mut detail = vec![code_label::<CertificationKind>(tr, &row.kind), row.jurisdiction.clone()];
            detail.extend(row.number.as_ref().map(|n| tr.t1("certification-number-value", "number", n.clone())));
            let dates = match row.expires_on {
                Some(until) => tr.with_args(
                    "certification-dates",
                    &[("issued", row.issued_on.to_string()), ("expires", until.to_string())],
                ),
                None => tr.t1("certification-dates-no-expiry", "issued", row.issued_on),
            };
            CertificationLine {
                id: row.id,
                title: row.name.clone(),
                detail: detail.join(" · "),
                dates,
                state_label: tr.t(&c.state.message_id()),
                state_class: c.state.tag_class(),
                file: c.file.as_ref().map(|f| {
                    (format!("/team/{staff_id}/files/{}", f.id), format!("{} ({})", f.filename, human_size(f.size)))
                }),
                version: row.version,
            }
        })
        .collect()
}

/// The competency checklist grouped by standard (2.01 … 2.07, then PRSC), in column order.
fn need_groups(tr: &Tr, r: &Record) -> Vec<NeedGroup> {
    let mut groups: Vec<(&'static str, NeedGroup)> = Vec::new();
    for item in &r.competency.items {
        let standard = item.need.standard();
        let line = NeedLine {
            code: item.need.code(),
            label: tr.t(&item.need.message_id()),
            standing: standing_words(tr, item.standing),
            class: standing_class(item.standing),
            gap: item.standing.is_gap(),
        };
        match groups.iter_mut().find(|(s, _)| *s == standard) {
            Some((_, g)) => {
                g.gaps += usize::from(line.gap);
                g.items.push(line);
            }
            None => {
                let heading = if standard == "PRSC" {
                    tr.t("team-standard-prsc")
                } else {
                    tr.t1("team-standard-cse", "standard", standard)
                };
                groups.push((standard, NeedGroup { heading, gaps: usize::from(line.gap), items: vec![line] }));
            }
        }
    }
    groups.sort_by_key(|(s, _)| *s);
    groups.into_iter().map(|(_, g)| g).collect()
}

pub async fn overview(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<OverviewPage> {
    let r = profile::record(&ctx.state, &ctx.actor, id).await?;
    let tr = &ctx.tr;
    let gap_count = r.competency.gap_count();
    Ok(OverviewPage {
        tabs: RecordTabs::new(&r.opened, "overview"),
        staff_id: id,
        can_edit: r.opened.access.edit,
        facts: profile_facts(tr, &r),
        degrees: degree_lines(tr, &r),
        certifications: certification_lines(tr, &r),
        groups: need_groups(tr, &r),
        gap_summary: if r.competency.items.is_empty() {
            tr.t("team-no-requirements")
        } else {
            let expiring =
                r.competency.items.iter().filter(|i| matches!(i.standing, Standing::Expiring { .. })).count();
            let mut text = tr.t1("team-gap-summary", "count", gap_count);
            if expiring > 0 {
                text = format!("{text} {}", tr.t1("team-expiring-summary", "count", expiring));
            }
            text
        },
        gap_count,
        shell: ctx.shell().await?,
    })
}

// ---------- the profile form ----------

#[derive(Template, WebTemplate)]
#[template(path = "team/profile.html")]
pub struct ProfilePage {
    pub shell: Shell,
    pub tabs: RecordTabs,
    pub staff_id: Uuid,
    pub manage: bool,
    /// Their own record: questions are asked in the second person.
    pub own: bool,
    pub values: Values,
    pub positions: Vec<(&'static str, String, bool)>,
    /// The manager's part, read-only for someone who may not change it.
    pub manager_facts: Vec<Fact>,
    pub job_version: Option<String>,
    pub errors: FormErrors,
    pub version: i32,
    pub conflict: bool,
}

impl ProfilePage {
    pub fn story_options(&self) -> Vec<(&'static str, String, bool)> {
        let current = self.values.v("shares_story");
        ["yes", "no", "not-said"]
            .into_iter()
            .map(|code| (code, self.shell.t(&format!("profile-story-{code}")), current == code))
            .collect()
    }
    pub fn acknowledge_label(&self) -> String {
        let id =
            if self.own { "profile-job-description-acknowledge" } else { "profile-job-description-acknowledge-other" };
        self.shell.t1(id, "version", self.job_version.clone().unwrap_or_default())
    }
    /// A question to the staff member, or about them when someone else records the answer.
    pub fn ask(&self, id: &str) -> String {
        if self.own { self.shell.t(id) } else { self.shell.t(&format!("{id}-other")) }
    }
}

fn profile_values(r: &Record) -> (Values, Vec<String>) {
    let p = r.profile.as_ref();
    let mut v = Values::default();
    let mut put = |k: &str, value: String| {
        v.0.insert(k.to_string(), value);
    };
    put("start_date", p.and_then(|p| p.start_date).map(|d| d.to_string()).unwrap_or_default());
    put("job_description_version", p.and_then(|p| p.job_description_version.clone()).unwrap_or_default());
    if p.is_some_and(|p| p.role_understanding_confirmed_on.is_some()) {
        put("role_understanding_confirmed", "on".into());
    }
    put("experience_years", profile::experience_text(p.and_then(|p| p.experience_months)));
    put("lived_experience", if p.is_some_and(|p| p.lived_experience) { "yes".into() } else { "no".into() });
    put("shares_story", profile::story_code(p.and_then(|p| p.shares_story)).into());
    if p.is_some_and(|p| p.job_description_acknowledged_on.is_some()) {
        put("job_description_acknowledged", "on".into());
    }
    (v, r.positions.iter().map(|p| p.code().to_string()).collect())
}

fn build_profile_page(
    ctx: &Ctx,
    r: &Record,
    shell: Shell,
    values: Values,
    positions: Vec<String>,
    errors: &FieldErrors,
) -> ProfilePage {
    let tr = &ctx.tr;
    let manager_facts = vec![positions_fact(tr, r), start_fact(tr, r), job_description_fact(tr, r), role_fact(tr, r)];
    ProfilePage {
        tabs: RecordTabs::new(&r.opened, "overview"),
        staff_id: r.opened.staff.id,
        manage: r.opened.access.manage,
        own: r.opened.reach == crate::access::StaffReach::Own,
        positions: Position::ALL
            .iter()
            .map(|p| (p.code(), tr.t(&p.message_id()), positions.iter().any(|c| c == p.code())))
            .collect(),
        manager_facts,
        job_version: r.profile.as_ref().and_then(|p| p.job_description_version.clone()),
        values,
        errors: FormErrors::new(tr, errors),
        version: r.profile_version(),
        conflict: false,
        shell,
    }
}

async fn profile_page_get(ctx: &Ctx, id: Uuid) -> AppResult<ProfilePage> {
    let r = profile::record_for(&ctx.state, &ctx.actor, id, "personnel.profile.update", |a| a.edit).await?;
    let (values, positions) = profile_values(&r);
    let shell = ctx.shell().await?;
    Ok(build_profile_page(ctx, &r, shell, values, positions, &FieldErrors::new()))
}

pub async fn profile_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ProfilePage> {
    profile_page_get(&ctx, id).await
}

/// The first value sent under `name`.
fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn fields(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token").cloned().collect())
}

/// The form's fields as a profile change: the manager's part only when the form showed it, the
/// acknowledgement only when there was a job description to acknowledge.
fn profile_input(form: &[(String, String)]) -> ProfileInput {
    let manager = field(form, "manager_fields").is_some();
    let lived = match field(form, "lived_experience").as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    ProfileInput {
        positions: manager.then(|| fields(form, "positions")),
        start_date: if manager { Some(field(form, "start_date").unwrap_or_default()) } else { None },
        job_description_version: if manager {
            Some(field(form, "job_description_version").unwrap_or_default())
        } else {
            None
        },
        role_understanding_confirmed: manager.then(|| field(form, "role_understanding_confirmed").is_some()),
        experience_years: field(form, "experience_years"),
        lived_experience: lived,
        shares_story: field(form, "shares_story"),
        job_description_acknowledged: field(form, "acknowledgement_shown")
            .map(|_| field(form, "job_description_acknowledged").is_some()),
    }
}

pub async fn save_profile(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = profile_input(&form);
    let version = field(&form, "version").and_then(|v| v.trim().parse::<i32>().ok());
    let result = match version {
        Some(version) => profile::save_profile(&ctx.state, &ctx.actor, id, &input, version).await,
        None => Err(AppError::Invalid(FieldErrors::single("version", "error-required"))),
    };
    match result {
        Ok(_) => {
            ctx.flash("success", "profile-saved").await?;
            Ok(see_other(&format!("/team/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let r = profile::record_for(&ctx.state, &ctx.actor, id, "personnel.profile.update", |a| a.edit).await?;
            let shell = ctx.shell().await?;
            let mut page = build_profile_page(&ctx, &r, shell, values_of(&form), fields(&form, "positions"), &errors);
            // Keep the version the form was based on, so saving again is checked against it.
            page.version = version.unwrap_or(page.version);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let mut page = profile_page_get(&ctx, id).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- degrees ----------

#[derive(Template, WebTemplate)]
#[template(path = "team/degree_form.html")]
pub struct DegreePage {
    pub shell: Shell,
    pub tabs: RecordTabs,
    pub staff_id: Uuid,
    pub values: Values,
    pub errors: FormErrors,
}

impl DegreePage {
    pub fn level_options(&self) -> Vec<(&'static str, String, bool)> {
        super::intake::code_options::<DegreeLevel>(&self.shell.tr, &self.values.v("level"))
    }
    pub fn max_year(&self) -> i32 {
        self.values.v("max_year").parse().unwrap_or(2100)
    }
}

async fn degree_page(ctx: &Ctx, id: Uuid, mut values: Values, errors: &FieldErrors) -> AppResult<DegreePage> {
    let opened = crate::personnel::open(&ctx.state, &ctx.actor, id, "personnel.degree.add", |a| a.edit).await?;
    let today = crate::personnel::today(&ctx.state, ctx.actor.org_id).await?;
    values.0.insert("max_year".into(), today.year().to_string());
    Ok(DegreePage {
        tabs: RecordTabs::new(&opened, "overview"),
        staff_id: id,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        shell: ctx.shell().await?,
    })
}

pub async fn new_degree(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<DegreePage> {
    degree_page(&ctx, id, Values::default(), &FieldErrors::new()).await
}

pub async fn add_degree(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = DegreeInput {
        level: field(&form, "level"),
        field: field(&form, "field"),
        human_services: match field(&form, "human_services").as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        institution: field(&form, "institution"),
        completed_year: field(&form, "completed_year"),
    };
    match profile::add_degree(&ctx.state, &ctx.actor, id, &input).await {
        Ok(_) => {
            ctx.flash("success", "degree-added").await?;
            Ok(see_other(&format!("/team/{id}#degrees")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = degree_page(&ctx, id, values_of(&form), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn remove_degree(
    ctx: Ctx,
    Path((id, did)): Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    profile::remove_degree(&ctx.state, &ctx.actor, id, did).await?;
    ctx.flash("success", "degree-removed").await?;
    Ok(see_other(&format!("/team/{id}#degrees")))
}

// ---------- certifications ----------

#[derive(Template, WebTemplate)]
#[template(path = "team/certification_form.html")]
pub struct CertificationPage {
    pub shell: Shell,
    pub tabs: RecordTabs,
    pub staff_id: Uuid,
    /// Set when editing.
    pub certification_id: Option<Uuid>,
    pub version: i32,
    /// (address, name and size) of the copy on file.
    pub current_file: Option<(String, String)>,
    pub values: Values,
    pub errors: FormErrors,
    pub conflict: bool,
}

impl CertificationPage {
    pub fn kind_options(&self) -> Vec<(&'static str, String, bool)> {
        super::intake::code_options::<CertificationKind>(&self.shell.tr, &self.values.v("kind"))
    }
    pub fn action(&self) -> String {
        match self.certification_id {
            Some(cid) => format!("/team/{}/certifications/{cid}", self.staff_id),
            None => format!("/team/{}/certifications", self.staff_id),
        }
    }
    pub fn title(&self) -> String {
        self.shell.t(if self.certification_id.is_some() { "certification-edit" } else { "certification-new" })
    }
    pub fn file_hint(&self) -> String {
        self.shell.t1("certification-file-hint", "max", profile::MAX_FILE_TEXT)
    }
}

async fn certification_page(
    ctx: &Ctx,
    id: Uuid,
    cid: Option<Uuid>,
    values: Option<Values>,
    errors: &FieldErrors,
) -> AppResult<CertificationPage> {
    let (opened, found) = match cid {
        Some(cid) => {
            let (opened, cert) = profile::certification(&ctx.state, &ctx.actor, id, cid).await?;
            (opened, Some(cert))
        }
        None => {
            (crate::personnel::open(&ctx.state, &ctx.actor, id, "personnel.certification.add", |a| a.edit).await?, None)
        }
    };
    let values = values.unwrap_or_else(|| {
        let mut v = Values::default();
        if let Some(c) = &found {
            let row = &c.row;
            for (k, value) in [
                ("kind", row.kind.clone()),
                ("name", row.name.clone()),
                ("jurisdiction", row.jurisdiction.clone()),
                ("number", row.number.clone().unwrap_or_default()),
                ("issued_on", row.issued_on.to_string()),
                ("expires_on", row.expires_on.map(|d| d.to_string()).unwrap_or_default()),
            ] {
                v.0.insert(k.into(), value);
            }
        }
        v
    });
    Ok(CertificationPage {
        tabs: RecordTabs::new(&opened, "overview"),
        staff_id: id,
        certification_id: cid,
        version: found.as_ref().map_or(0, |c| c.row.version),
        current_file: found
            .as_ref()
            .and_then(|c| c.file.as_ref())
            .map(|f| (format!("/team/{id}/files/{}", f.id), format!("{} ({})", f.filename, human_size(f.size)))),
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict: false,
        shell: ctx.shell().await?,
    })
}

pub async fn new_certification(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<CertificationPage> {
    certification_page(&ctx, id, None, None, &FieldErrors::new()).await
}

pub async fn edit_certification(ctx: Ctx, Path((id, cid)): Path<(Uuid, Uuid)>) -> AppResult<CertificationPage> {
    certification_page(&ctx, id, Some(cid), None, &FieldErrors::new()).await
}

/// A multipart form read: its text fields, and the file unless none was chosen or it was too large.
pub(crate) struct Received {
    pub fields: Vec<(String, String)>,
    pub file: Option<Upload>,
    pub too_big: bool,
}

impl Received {
    pub fn text(&self, name: &str) -> Option<String> {
        field(&self.fields, name)
    }

    /// The file, or the message saying why there is none.
    pub fn take_file(&mut self) -> Result<Option<Upload>, FieldErrors> {
        if self.too_big { Err(profile::too_big()) } else { Ok(self.file.take()) }
    }

    pub fn certification_input(&self) -> CertificationInput {
        CertificationInput {
            kind: self.text("kind"),
            name: self.text("name"),
            jurisdiction: self.text("jurisdiction"),
            number: self.text("number"),
            issued_on: self.text("issued_on"),
            expires_on: self.text("expires_on"),
            remove_file: self.text("remove_file").is_some(),
        }
    }
}

/// The copy's part is `file`.
const FORM: super::multipart::Limits = super::multipart::Limits {
    file_part: "file",
    max_file_bytes: MAX_FILE_BYTES,
    max_fields: 30,
    max_field_chars: 2000,
};

pub(crate) async fn receive(multipart: Multipart) -> AppResult<Received> {
    let form = super::multipart::receive(multipart, &FORM).await?;
    Ok(Received {
        fields: form.fields,
        file: form.file.map(|f| Upload { filename: f.filename, data: f.data }),
        too_big: form.too_big,
    })
}

async fn csrf_matches(ctx: &Ctx, sent: Option<&str>) -> AppResult<bool> {
    let expected: Option<String> =
        ctx.session.get(super::CSRF_KEY).await.map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(expected.is_some_and(|e| crate::auth::tokens_match(&e, sent.unwrap_or(""))))
}

async fn received_form(ctx: &Ctx, multipart: Multipart) -> AppResult<Received> {
    let received = receive(multipart).await?;
    if !csrf_matches(ctx, received.text("csrf_token").as_deref()).await? {
        return Err(AppError::Csrf);
    }
    Ok(received)
}

/// After a certification form: the record on success, else the form again with the messages
/// (422) or, when someone changed the certification meanwhile, as it now stands (409).
async fn after_certification(
    ctx: &Ctx,
    id: Uuid,
    cid: Option<Uuid>,
    result: AppResult<()>,
    received: &Received,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => {
            ctx.flash("success", done).await?;
            Ok(see_other(&format!("/team/{id}#certifications")))
        }
        Err(AppError::Invalid(errors)) => {
            let values = values_of(&received.fields);
            let mut page = certification_page(ctx, id, cid, Some(values), &errors).await?;
            if let Some(v) = received.text("version").and_then(|v| v.trim().parse().ok()) {
                page.version = v;
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let mut page = certification_page(ctx, id, cid, None, &FieldErrors::new()).await?;
            page.conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn add_certification(ctx: Ctx, Path(id): Path<Uuid>, multipart: Multipart) -> AppResult<Response> {
    let mut received = received_form(&ctx, multipart).await?;
    let input = received.certification_input();
    let result = match received.take_file() {
        Ok(file) => profile::add_certification(&ctx.state, &ctx.actor, id, &input, file).await.map(|_| ()),
        Err(errors) => {
            // Access first, so someone who may not write is refused before being told about the file.
            crate::personnel::open(&ctx.state, &ctx.actor, id, "personnel.certification.add", |a| a.edit).await?;
            Err(AppError::Invalid(errors))
        }
    };
    after_certification(&ctx, id, None, result, &received, "certification-added").await
}

pub async fn update_certification(
    ctx: Ctx,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    multipart: Multipart,
) -> AppResult<Response> {
    let mut received = received_form(&ctx, multipart).await?;
    let input = received.certification_input();
    let version = received.text("version").and_then(|v| v.trim().parse::<i32>().ok());
    let result = match (received.take_file(), version) {
        (_, None) => Err(AppError::Invalid(FieldErrors::single("version", "error-required"))),
        (Ok(file), Some(version)) => {
            let change = match file {
                Some(upload) => FileChange::Replace(upload),
                None if input.remove_file => FileChange::Remove,
                None => FileChange::Keep,
            };
            profile::update_certification(&ctx.state, &ctx.actor, id, cid, &input, change, version).await.map(|_| ())
        }
        (Err(errors), Some(_)) => {
            profile::certification(&ctx.state, &ctx.actor, id, cid).await?;
            Err(AppError::Invalid(errors))
        }
    };
    after_certification(&ctx, id, Some(cid), result, &received, "certification-saved").await
}

pub async fn remove_certification(
    ctx: Ctx,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = field(&form, "version")
        .and_then(|v| v.trim().parse::<i32>().ok())
        .ok_or(AppError::BadRequest("error-bad-form"))?;
    profile::remove_certification(&ctx.state, &ctx.actor, id, cid, version).await?;
    ctx.flash("success", "certification-removed").await?;
    Ok(see_other(&format!("/team/{id}#certifications")))
}

/// An uploaded copy as a download: the type it was checked as, never shown inline.
pub fn file_response(file: crate::db::entities::staff_file::Model) -> Response {
    (
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (header::CONTENT_DISPOSITION, super::curricula::attachment(&file.filename)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        file.data,
    )
        .into_response()
}

pub async fn download(ctx: Ctx, Path((id, file_id)): Path<(Uuid, Uuid)>) -> AppResult<Response> {
    Ok(file_response(profile::file(&ctx.state, &ctx.actor, id, file_id).await?))
}

#[cfg(test)]
mod tests {
    use super::is_upload;
    use axum::http::Method;

    #[test]
    fn only_certification_and_training_writes_may_carry_a_copy() {
        for path in [
            "/team/abc/certifications",
            "/team/abc/certifications/def",
            "/api/v1/team/abc/certifications/def/file",
            "/team/abc/training",
            "/team/abc/training/def/edit",
        ] {
            assert!(is_upload(&Method::POST, path), "{path}");
        }
        assert!(is_upload(&Method::PUT, "/api/v1/team/abc/certifications/def"));
        assert!(!is_upload(&Method::GET, "/team/abc/certifications"));
        assert!(!is_upload(&Method::POST, "/team/abc/profile"));
        assert!(!is_upload(&Method::POST, "/team//certifications"));
        assert!(!is_upload(&Method::POST, "/team/abc/certifications/def/remove"));
        assert!(!is_upload(&Method::POST, "/team/abc/training/demonstrated"));
        assert!(!is_upload(&Method::POST, "/team/abc/training/def/delete"));
    }
}
