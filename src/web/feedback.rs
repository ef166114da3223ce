//! Feedback and complaints (CSE 7.02 / CA-CSE 7.03): pages. Staff: the list with filters, "my
//! feedback", an item with its history and the assign / acknowledge / respond / close / note forms,
//! the "log feedback" form, trends (a server-drawn bar chart and a CSV), and the "you said, we did"
//! entries. Public (no sign-in, en/es/fr): the "have your say" form (and its kiosk mode), its thanks
//! page, and the "you said, we did" board. Everything goes through `voice::feedback`.

use super::intake::{Values, code_label};
use super::public::{form_token_fresh, organisation, public_shell, sign_form};
use super::signin::ClientIp;
use super::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use crate::app::AppState;
use crate::db::entities::{feedback_change, organisation, program, staff};
use crate::db::{Page, PageRequest};
use crate::domain::FieldErrors;
use crate::domain::codes::TextCode;
use crate::domain::feedback::{
    ChangeInput, FeedbackCategory, FeedbackChannel, FeedbackEventKind, FeedbackFrom, FeedbackInput, FeedbackKind,
    FeedbackOutcome, FeedbackStatus, MAX_FILE_BYTES, RespondInput, ResponseMethod,
};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::voice::feedback::{
    self as service, AssignInput, Attachment, ChangeRow, CloseInput, FilePart, ItemRow, ItemView, ListFilter,
    PublishedChange, Trends, TrendsQuery,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

/// The largest request body an upload route here accepts (checked before the body is read): one
/// attachment at the limit and the form around it.
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 256 * 1024;

/// The public form's purpose in its signed token.
const TOKEN_PURPOSE: &str = "feedback";

/// Whether this request is one of this area's uploads, which get `UPLOAD_BODY_LIMIT`: the public
/// form and the staff "log feedback" form.
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    if method != axum::http::Method::POST {
        return false;
    }
    if path == "/voice/feedback" {
        return true;
    }
    match path.strip_prefix("/have-your-say/") {
        Some(rest) => !rest.is_empty() && !rest.contains('/'),
        None => false,
    }
}

pub fn routes() -> Router<AppState> {
    let upload_limit = || DefaultBodyLimit::max(UPLOAD_BODY_LIMIT);
    Router::new()
        .route("/voice/feedback", get(list_page).post(log_feedback).layer(upload_limit()))
        .route("/voice/feedback/mine", get(mine_page))
        .route("/voice/feedback/new", get(new_page))
        .route("/voice/feedback/trends", get(trends_page))
        .route("/voice/feedback/trends.csv", get(trends_csv))
        .route("/voice/feedback/{id}", get(item_page))
        .route("/voice/feedback/{id}/assign", post(assign))
        .route("/voice/feedback/{id}/acknowledge", post(acknowledge))
        .route("/voice/feedback/{id}/respond", post(respond))
        .route("/voice/feedback/{id}/close", post(close))
        .route("/voice/feedback/{id}/note", post(add_note))
        .route("/voice/feedback/{id}/link", post(link))
        .route("/voice/feedback/{id}/file", get(download))
        .route("/voice/changes", get(changes_page).post(create_change))
        .route("/voice/changes/{id}", get(change_page).post(update_change))
        .route("/voice/changes/{id}/publish", post(publish))
        .route("/have-your-say", get(only_organisation_form))
        .route("/have-your-say/{org_id}", get(public_form).post(public_submit).layer(upload_limit()))
        .route("/have-your-say/{org_id}/thanks", get(public_thanks))
        .route("/you-said-we-did", get(only_organisation_board))
        .route("/you-said-we-did/{org_id}", get(public_board))
}

// ---------- helpers ----------

fn field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn values_of(form: &[(String, String)]) -> Values {
    Values(form.iter().filter(|(k, _)| k != "csrf_token" && k != "form_token" && k != "website").cloned().collect())
}

fn version_of(form: &[(String, String)]) -> AppResult<i32> {
    field(form, "version").and_then(|v| v.trim().parse().ok()).ok_or(AppError::BadRequest("error-bad-form"))
}

fn options<T: TextCode>(tr: &Tr, chosen: &str) -> Vec<(String, String, bool)> {
    T::all().iter().map(|c| (c.code().to_string(), tr.t(&c.message_id()), c.code() == chosen)).collect()
}

fn program_options(programs: &[program::Model], chosen: &str) -> Vec<(String, String, bool)> {
    programs.iter().map(|p| (p.id.to_string(), p.name.clone(), p.id.to_string() == chosen)).collect()
}

/// Field errors moved to the names a page uses (several forms on one page share field names).
fn renamed(errors: FieldErrors, from: &str, to: &str) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                if e.field == from {
                    e.field = to.to_string();
                }
                e
            })
            .collect(),
    )
}

/// The input a form sent (same names on the public, kiosk and staff forms).
fn input_of(fields: &[(String, String)]) -> FeedbackInput {
    let get = |k: &str| field(fields, k);
    FeedbackInput {
        kind: get("kind").unwrap_or_default(),
        category: get("category"),
        program_id: get("program_id"),
        body: get("body").unwrap_or_default(),
        wants_reply: matches!(get("wants_reply").as_deref(), Some("on" | "yes" | "true" | "1")),
        name: get("name"),
        email: get("email"),
        phone: get("phone"),
        from: get("from"),
    }
}

const FORM_LIMITS: super::multipart::Limits = super::multipart::Limits {
    file_part: "file",
    max_file_bytes: MAX_FILE_BYTES,
    max_fields: 20,
    max_field_chars: 6000,
};

/// Reads a multipart feedback form and checks its CSRF token against the session.
async fn received(session: &Session, multipart: Multipart) -> AppResult<(Vec<(String, String)>, FilePart)> {
    let form = super::multipart::receive(multipart, &FORM_LIMITS).await?;
    let expected: Option<String> =
        session.get(super::CSRF_KEY).await.map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    let sent = field(&form.fields, "csrf_token").unwrap_or_default();
    if !expected.is_some_and(|e| crate::auth::tokens_match(&e, &sent)) {
        return Err(AppError::Csrf);
    }
    let file = if form.too_big {
        FilePart::TooBig
    } else {
        match form.file {
            Some(f) => FilePart::File(Attachment { filename: f.filename, data: f.data }),
            None => FilePart::None,
        }
    };
    Ok((form.fields, file))
}

/// Labels for the codes pages show.
pub struct Labels {
    pub tr: Tr,
}

impl Labels {
    pub fn kind(&self, code: &str) -> String {
        code_label::<FeedbackKind>(&self.tr, code)
    }
    pub fn category(&self, code: &str) -> String {
        code_label::<FeedbackCategory>(&self.tr, code)
    }
    pub fn channel(&self, code: &str) -> String {
        code_label::<FeedbackChannel>(&self.tr, code)
    }
    pub fn status(&self, code: &str) -> String {
        code_label::<FeedbackStatus>(&self.tr, code)
    }
    pub fn outcome(&self, code: &str) -> String {
        code_label::<FeedbackOutcome>(&self.tr, code)
    }
    pub fn method(&self, code: &str) -> String {
        code_label::<ResponseMethod>(&self.tr, code)
    }
    pub fn from(&self, code: &str) -> String {
        code_label::<FeedbackFrom>(&self.tr, code)
    }
    /// The tag class for a status.
    pub fn status_class(&self, code: &str) -> &'static str {
        match FeedbackStatus::parse(code) {
            Some(FeedbackStatus::Closed) => "tag-muted",
            Some(FeedbackStatus::Responded) => "tag-success",
            Some(FeedbackStatus::Acknowledged) => "tag-warning",
            _ => "tag-warning",
        }
    }
}

// ---------- the list ----------

#[derive(Template, WebTemplate)]
#[template(path = "feedback/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub l: Labels,
    pub items: Page<ItemRow>,
    pub filter: ListFilter,
    pub programs: Vec<program::Model>,
    pub owners: Vec<staff::Model>,
    /// "My feedback": only the reader's own items, no filters.
    pub mine: bool,
    pub may_manage: bool,
    pub may_publish: bool,
    pub no_errors: FormErrors,
}

impl ListPage {
    fn chosen(value: &Option<String>) -> String {
        value.clone().unwrap_or_default()
    }
    pub fn status_options(&self) -> Vec<(String, String, bool)> {
        let chosen = Self::chosen(&self.filter.status);
        let mut out = vec![("open".to_string(), self.shell.t("feedback-filter-open"), chosen == "open")];
        out.extend(options::<FeedbackStatus>(&self.shell.tr, &chosen));
        out
    }
    pub fn kind_options(&self) -> Vec<(String, String, bool)> {
        options::<FeedbackKind>(&self.shell.tr, &Self::chosen(&self.filter.kind))
    }
    pub fn category_options(&self) -> Vec<(String, String, bool)> {
        options::<FeedbackCategory>(&self.shell.tr, &Self::chosen(&self.filter.category))
    }
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &Self::chosen(&self.filter.program_id))
    }
    pub fn owner_options(&self) -> Vec<(String, String, bool)> {
        let chosen = Self::chosen(&self.filter.owner);
        let mut out = vec![("none".to_string(), self.shell.t("feedback-filter-unassigned"), chosen == "none")];
        out.extend(self.owners.iter().map(|s| (s.id.to_string(), s.display_name.clone(), s.id.to_string() == chosen)));
        out
    }
    pub fn overdue_only(&self) -> bool {
        self.filter.overdue_only()
    }
    pub fn filtered(&self) -> bool {
        let f = &self.filter;
        [&f.status, &f.kind, &f.category, &f.program_id, &f.owner]
            .iter()
            .any(|v| v.as_deref().is_some_and(|s| !s.is_empty()))
            || f.overdue_only()
    }
    pub fn page_link(&self, page: u64) -> String {
        let base = if self.mine { "/voice/feedback/mine" } else { "/voice/feedback" };
        let f = ListFilter { page: Some(page), per_page: None, ..self.filter.clone() };
        let query = serde_urlencoded::to_string(&f).unwrap_or_default();
        format!("{base}?{query}")
    }
}

async fn list_for(ctx: &Ctx, items: Page<ItemRow>, filter: ListFilter, mine: bool) -> AppResult<ListPage> {
    let conn = ctx.state.db.conn();
    Ok(ListPage {
        shell: ctx.shell().await?,
        l: Labels { tr: ctx.tr },
        items,
        filter,
        programs: service::program_choices(conn, ctx.org.id).await?,
        owners: service::owner_choices(&ctx.state, ctx.org.id).await?,
        mine,
        may_manage: service::may_manage(&ctx.actor),
        may_publish: service::may_publish(&ctx.actor),
        no_errors: FormErrors::default(),
    })
}

pub async fn list_page(ctx: Ctx, Query(filter): Query<ListFilter>) -> AppResult<ListPage> {
    let items = service::list(&ctx.state, &ctx.actor, &filter).await?;
    list_for(&ctx, items, filter, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: Option<u64>,
}

pub async fn mine_page(ctx: Ctx, Query(q): Query<PageQuery>) -> AppResult<ListPage> {
    let page = PageRequest { page: q.page.unwrap_or(1), per_page: 25 };
    let items = service::list_mine(&ctx.state, &ctx.actor, page).await?;
    list_for(&ctx, items, ListFilter::default(), true).await
}

// ---------- logging feedback on someone's behalf ----------

#[derive(Template, WebTemplate)]
#[template(path = "feedback/new.html")]
pub struct NewPage {
    pub shell: Shell,
    pub values: Values,
    pub errors: FormErrors,
    pub programs: Vec<program::Model>,
    /// The person it is linked to (id, name), when logged from their record.
    pub person: Option<(Uuid, String)>,
}

impl NewPage {
    pub fn kind_options(&self) -> Vec<(String, String, bool)> {
        options::<FeedbackKind>(&self.shell.tr, &self.values.v("kind"))
    }
    pub fn category_options(&self) -> Vec<(String, String, bool)> {
        options::<FeedbackCategory>(&self.shell.tr, &self.values.v("category"))
    }
    pub fn from_options(&self) -> Vec<(String, String, bool)> {
        options::<FeedbackFrom>(&self.shell.tr, &self.values.v("from"))
    }
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &self.values.v("program_id"))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    person_id: Option<Uuid>,
}

async fn new_page_for(ctx: &Ctx, person_id: Option<Uuid>, values: Values, errors: &FieldErrors) -> AppResult<NewPage> {
    if !service::may_record(&ctx.actor) {
        return Err(crate::intake::deny(&ctx.state, &ctx.actor, "RecordFeedback", None).await);
    }
    let person = match person_id {
        Some(pid) => {
            let opened = crate::records::open(&ctx.state, &ctx.actor, pid, crate::access::Action::ViewPerson).await?;
            let p = opened.person;
            let given = p.preferred_name.clone().unwrap_or_else(|| p.legal_given_name.clone());
            Some((p.id, format!("{given} {}", p.legal_family_name)))
        }
        None => None,
    };
    Ok(NewPage {
        shell: ctx.shell().await?,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        programs: service::program_choices(ctx.state.db.conn(), ctx.org.id).await?,
        person,
    })
}

pub async fn new_page(ctx: Ctx, Query(q): Query<NewQuery>) -> AppResult<NewPage> {
    new_page_for(&ctx, q.person_id, Values::default(), &FieldErrors::new()).await
}

pub async fn log_feedback(ctx: Ctx, multipart: Multipart) -> AppResult<Response> {
    let (fields, file) = received(&ctx.session, multipart).await?;
    let input = input_of(&fields);
    let person_id = field(&fields, "person_id").and_then(|p| Uuid::parse_str(p.trim()).ok());
    match service::record_for_someone(&ctx.state, &ctx.actor, &input, person_id, &file).await {
        Ok(id) => {
            ctx.flash("success", "feedback-logged").await?;
            if service::may_manage(&ctx.actor) {
                Ok(see_other(&format!("/voice/feedback/{id}")))
            } else {
                Ok(see_other("/voice/feedback/new"))
            }
        }
        Err(AppError::Invalid(errors)) => {
            let page = new_page_for(&ctx, person_id, values_of(&fields), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

// ---------- one item ----------

#[derive(Template, WebTemplate)]
#[template(path = "feedback/item.html")]
pub struct ItemPage {
    pub shell: Shell,
    pub l: Labels,
    pub v: ItemView,
    pub owners: Vec<staff::Model>,
    pub changes: Vec<feedback_change::Model>,
    pub values: Values,
    pub errors: FormErrors,
    /// Someone changed the item first: the forms now carry its new version.
    pub conflict: bool,
}

impl ItemPage {
    pub fn is_open(&self) -> bool {
        self.v.status().is_open()
    }
    pub fn may_acknowledge(&self) -> bool {
        self.v.status() == FeedbackStatus::Received
    }
    pub fn owner_options(&self) -> Vec<(String, String, bool)> {
        let chosen = match self.values.v("owner_id") {
            v if v.is_empty() => self.v.item.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            v => v,
        };
        self.owners.iter().map(|s| (s.id.to_string(), s.display_name.clone(), s.id.to_string() == chosen)).collect()
    }
    pub fn due_value(&self) -> String {
        match self.values.v("due_on") {
            v if v.is_empty() => self.v.item.due_on.to_string(),
            v => v,
        }
    }
    pub fn method_options(&self) -> Vec<(String, String, bool)> {
        let r = self.v.reach;
        let chosen = self.values.v("method");
        ResponseMethod::ALL
            .iter()
            .filter(|m| match m {
                ResponseMethod::Email => r.email,
                ResponseMethod::Phone => r.phone,
                ResponseMethod::Portal => r.portal,
                ResponseMethod::Letter | ResponseMethod::InPerson => true,
            })
            .map(|m| (m.code().to_string(), self.shell.t(&m.message_id()), m.code() == chosen))
            .collect()
    }
    pub fn responded_value(&self) -> String {
        match self.values.v("responded_on") {
            v if v.is_empty() => self.v.today.to_string(),
            v => v,
        }
    }
    pub fn outcome_options(&self) -> Vec<(String, String, bool)> {
        options::<FeedbackOutcome>(&self.shell.tr, &self.values.v("outcome"))
    }
    pub fn change_options(&self, chosen: &str) -> Vec<(String, String, bool)> {
        self.changes
            .iter()
            .map(|c| (c.id.to_string(), service::excerpt(&c.we_did, 80), c.id.to_string() == chosen))
            .collect()
    }
    pub fn close_change_options(&self) -> Vec<(String, String, bool)> {
        let chosen = match self.values.v("change_id") {
            v if v.is_empty() => self.v.item.change_id.map(|c| c.to_string()).unwrap_or_default(),
            v => v,
        };
        self.change_options(&chosen)
    }
    pub fn link_change_options(&self) -> Vec<(String, String, bool)> {
        self.change_options(&self.values.v("link_change_id"))
    }
    pub fn due_text(&self) -> String {
        let days = FeedbackKind::parse(&self.v.item.kind).map(|k| k.response_days()).unwrap_or(30);
        self.shell
            .tr
            .with_args("feedback-due-rule", &[("date", self.v.item.due_on.to_string()), ("days", days.to_string())])
    }
    pub fn event_text(&self, e: &service::EventView) -> String {
        let tr = &self.shell.tr;
        match e.kind() {
            FeedbackEventKind::Received => {
                tr.t1("feedback-event-received", "channel", self.l.channel(&e.detail("channel").unwrap_or_default()))
            }
            FeedbackEventKind::Assigned => {
                let owner = e
                    .detail("owner_id")
                    .and_then(|o| Uuid::parse_str(&o).ok())
                    .and_then(|o| self.owners.iter().find(|s| s.id == o).map(|s| s.display_name.clone()))
                    .unwrap_or_default();
                tr.with_args(
                    "feedback-event-assigned",
                    &[("owner", owner), ("date", e.detail("due_on").unwrap_or_default())],
                )
            }
            FeedbackEventKind::Acknowledged => tr.t("feedback-event-acknowledged"),
            FeedbackEventKind::Responded => {
                let method = self.l.method(&e.detail("method").unwrap_or_default());
                if e.detail("emailed").as_deref() == Some("true") {
                    tr.t1("feedback-event-responded-emailed", "method", method)
                } else {
                    tr.t1("feedback-event-responded", "method", method)
                }
            }
            FeedbackEventKind::Closed => {
                tr.t1("feedback-event-closed", "outcome", self.l.outcome(&e.detail("outcome").unwrap_or_default()))
            }
            FeedbackEventKind::Note => tr.t("feedback-event-note"),
            FeedbackEventKind::Linked => tr.t("feedback-event-linked"),
        }
    }
    pub fn file_size(&self, size: &i64) -> String {
        crate::groups::curricula::human_size(*size)
    }
}

async fn item_page_for(
    ctx: &Ctx,
    id: Uuid,
    values: Values,
    errors: &FieldErrors,
    conflict: bool,
) -> AppResult<ItemPage> {
    let v = service::get(&ctx.state, &ctx.actor, id).await?;
    let owners = if v.may_manage { service::owner_choices(&ctx.state, ctx.org.id).await? } else { Vec::new() };
    let changes = if v.may_manage {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        feedback_change::Entity::find()
            .filter(feedback_change::Column::OrgId.eq(ctx.org.id))
            .order_by_desc(feedback_change::Column::CreatedAt)
            .all(ctx.state.db.conn())
            .await?
    } else {
        Vec::new()
    };
    Ok(ItemPage {
        shell: ctx.shell().await?,
        l: Labels { tr: ctx.tr },
        v,
        owners,
        changes,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict,
    })
}

pub async fn item_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ItemPage> {
    item_page_for(&ctx, id, Values::default(), &FieldErrors::new(), false).await
}

/// After one of the item's forms: back to the item with a message, the form again with its
/// messages (422), or, when someone changed the item first, the item as it now stands (409).
async fn after(
    ctx: &Ctx,
    id: Uuid,
    result: AppResult<()>,
    form: &[(String, String)],
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => {
            ctx.flash("success", done).await?;
            Ok(see_other(&format!("/voice/feedback/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = item_page_for(ctx, id, values_of(form), &errors, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let page = item_page_for(ctx, id, values_of(form), &FieldErrors::new(), true).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn assign(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let input = AssignInput { owner_id: field(&form, "owner_id").unwrap_or_default(), due_on: field(&form, "due_on") };
    let result = service::assign(&ctx.state, &ctx.actor, id, version, &input).await.map(|_| ());
    after(&ctx, id, result, &form, "feedback-assigned").await
}

pub async fn acknowledge(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let note = field(&form, "ack_note");
    let result = service::acknowledge(&ctx.state, &ctx.actor, id, version, note.as_deref()).await.map(|_| ());
    let result = result.map_err(|e| match e {
        AppError::Invalid(errors) => AppError::Invalid(renamed(errors, "note", "ack_note")),
        other => other,
    });
    after(&ctx, id, result, &form, "feedback-acknowledged").await
}

pub async fn respond(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let input = RespondInput {
        text: field(&form, "text").unwrap_or_default(),
        method: field(&form, "method").unwrap_or_default(),
        responded_on: field(&form, "responded_on"),
    };
    let result = service::respond(&ctx.state, &ctx.actor, id, version, &input).await.map(|_| ());
    after(&ctx, id, result, &form, "feedback-responded").await
}

pub async fn close(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let input = CloseInput {
        outcome: field(&form, "outcome").unwrap_or_default(),
        note: field(&form, "close_note"),
        change_id: field(&form, "change_id"),
    };
    let result = service::close(&ctx.state, &ctx.actor, id, version, &input).await.map(|_| ());
    let result = result.map_err(|e| match e {
        AppError::Invalid(errors) => AppError::Invalid(renamed(errors, "note", "close_note")),
        other => other,
    });
    after(&ctx, id, result, &form, "feedback-closed").await
}

pub async fn add_note(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let note = field(&form, "note").unwrap_or_default();
    let result = service::add_note(&ctx.state, &ctx.actor, id, &note).await;
    after(&ctx, id, result, &form, "feedback-note-added").await
}

pub async fn link(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let result = match field(&form, "link_change_id").and_then(|c| Uuid::parse_str(c.trim()).ok()) {
        Some(cid) => service::link_change(&ctx.state, &ctx.actor, id, version, cid).await.map(|_| ()),
        None => Err(AppError::Invalid(FieldErrors::single("link_change_id", "error-required"))),
    };
    let result = result.map_err(|e| match e {
        AppError::Invalid(errors) => AppError::Invalid(renamed(errors, "change_id", "link_change_id")),
        other => other,
    });
    after(&ctx, id, result, &form, "feedback-linked").await
}

pub async fn download(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<Response> {
    let file = service::file(&ctx.state, &ctx.actor, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (header::CONTENT_DISPOSITION, super::curricula::attachment(&file.filename)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        file.data,
    )
        .into_response())
}

// ---------- trends ----------

/// One bar of the chart: a kind's share of a month.
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub fill: &'static str,
    pub title: String,
}

/// A month's label under the chart.
pub struct AxisLabel {
    pub x: u32,
    pub text: String,
}

/// Colours for the kinds (also in the legend), dark enough against white.
const KIND_FILLS: [&str; 4] = ["#1d7044", "#1f5fa8", "#b25e09", "#a4262c"];
pub const CHART_HEIGHT: u32 = 200;
const CHART_TOP: u32 = 10;
const BAR_WIDTH: u32 = 28;
const BAR_GAP: u32 = 14;

#[derive(Template, WebTemplate)]
#[template(path = "feedback/trends.html")]
pub struct TrendsPage {
    pub shell: Shell,
    pub t: Trends,
    pub values: Values,
    pub errors: FormErrors,
}

impl TrendsPage {
    pub fn kind_label(&self, k: &FeedbackKind) -> String {
        self.shell.t(&k.message_id())
    }
    pub fn category_label(&self, c: &FeedbackCategory) -> String {
        self.shell.t(&c.message_id())
    }
    pub fn program_label(&self, p: &service::ProgramColumn) -> String {
        if p.program_id.is_some() { p.name.clone() } else { self.shell.t("feedback-no-program") }
    }
    pub fn legend(&self) -> Vec<(&'static str, String)> {
        self.t.kinds.iter().enumerate().map(|(i, k)| (KIND_FILLS[i % 4], self.kind_label(k))).collect()
    }
    pub fn chart_width(&self) -> u32 {
        (self.t.months.len() as u32 * (BAR_WIDTH + BAR_GAP) + BAR_GAP).max(200)
    }
    pub fn chart_total_height(&self) -> u32 {
        CHART_HEIGHT + CHART_TOP + 24
    }
    pub fn max_month(&self) -> u64 {
        self.t.months.iter().map(|m| m.total).max().unwrap_or(0)
    }
    /// Stacked bars, one stack per month, scaled to the busiest month.
    pub fn bars(&self) -> Vec<Bar> {
        let max = self.max_month().max(1);
        let mut out = Vec::new();
        for (i, m) in self.t.months.iter().enumerate() {
            let x = BAR_GAP + i as u32 * (BAR_WIDTH + BAR_GAP);
            let mut base = CHART_TOP + CHART_HEIGHT;
            for (k, n) in m.counts.iter().enumerate() {
                if *n == 0 {
                    continue;
                }
                let height = ((*n as f64 / max as f64) * CHART_HEIGHT as f64).round().max(1.0) as u32;
                base = base.saturating_sub(height);
                out.push(Bar {
                    x,
                    y: base,
                    width: BAR_WIDTH,
                    height,
                    fill: KIND_FILLS[k % 4],
                    title: format!("{}: {} {}", m.month, n, self.kind_label(&self.t.kinds[k])),
                });
            }
        }
        out
    }
    pub fn axis(&self) -> Vec<AxisLabel> {
        self.t
            .months
            .iter()
            .enumerate()
            .map(|(i, m)| AxisLabel {
                x: BAR_GAP + i as u32 * (BAR_WIDTH + BAR_GAP) + BAR_WIDTH / 2,
                text: m.month.get(5..).unwrap_or(&m.month).to_string(),
            })
            .collect()
    }
    pub fn axis_y(&self) -> u32 {
        CHART_TOP + CHART_HEIGHT + 16
    }
    pub fn baseline(&self) -> u32 {
        CHART_TOP + CHART_HEIGHT
    }
    pub fn on_time(&self) -> String {
        match self.t.on_time_share {
            Some(s) => format!("{:.0}%", s * 100.0),
            None => "—".into(),
        }
    }
    pub fn median(&self) -> String {
        match self.t.median_days_to_response {
            Some(d) => self.shell.t1("feedback-trends-days", "days", d),
            None => "—".into(),
        }
    }
    pub fn csv_link(&self) -> String {
        format!("/voice/feedback/trends.csv?from={}&to={}", self.t.from, self.t.to)
    }
}

pub async fn trends_page(ctx: Ctx, Query(q): Query<TrendsQuery>) -> AppResult<Response> {
    match service::trends(&ctx.state, &ctx.actor, &q).await {
        Ok(t) => {
            let values = Values(
                [("from", t.from.to_string()), ("to", t.to.to_string())]
                    .map(|(k, v)| (k.to_string(), v))
                    .into_iter()
                    .collect(),
            );
            Ok(TrendsPage { shell: ctx.shell().await?, t, values, errors: FormErrors::default() }.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let t = service::trends(&ctx.state, &ctx.actor, &TrendsQuery::default()).await?;
            let values = Values::of(&q);
            let page = TrendsPage { shell: ctx.shell().await?, t, values, errors: FormErrors::new(&ctx.tr, &errors) };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn trends_csv(ctx: Ctx, Query(q): Query<TrendsQuery>) -> AppResult<Response> {
    let t = service::trends(&ctx.state, &ctx.actor, &q).await?;
    let body = service::trends_csv(&t, &ctx.tr)?;
    let filename = format!("feedback-trends-{}-{}.csv", t.from, t.to);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, super::curricula::attachment(&filename)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

// ---------- "you said, we did" entries ----------

#[derive(Template, WebTemplate)]
#[template(path = "feedback/changes.html")]
pub struct ChangesPage {
    pub shell: Shell,
    pub l: Labels,
    pub rows: Vec<ChangeRow>,
    /// Items that could be cited by a new entry: handled, not yet linked.
    pub candidates: Vec<ItemRow>,
    pub programs: Vec<program::Model>,
    pub values: Values,
    pub errors: FormErrors,
    pub may_publish: bool,
    pub org_id: Uuid,
}

impl ChangesPage {
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &self.values.v("program_id"))
    }
    pub fn cited(&self, id: &Uuid) -> bool {
        self.values.0.get("item_ids").is_some_and(|v| v.split(',').any(|x| x == id.to_string()))
    }
}

async fn changes_page_for(ctx: &Ctx, values: Values, errors: &FieldErrors) -> AppResult<ChangesPage> {
    let rows = service::changes(&ctx.state, &ctx.actor).await?;
    let filter = ListFilter { per_page: Some(100), ..ListFilter::default() };
    let candidates = service::list(&ctx.state, &ctx.actor, &filter)
        .await?
        .items
        .into_iter()
        .filter(|r| r.item.change_id.is_none() && r.item.kind != FeedbackKind::Compliment.code())
        .collect();
    Ok(ChangesPage {
        shell: ctx.shell().await?,
        l: Labels { tr: ctx.tr },
        rows,
        candidates,
        programs: service::program_choices(ctx.state.db.conn(), ctx.org.id).await?,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        may_publish: service::may_publish(&ctx.actor),
        org_id: ctx.org.id,
    })
}

pub async fn changes_page(ctx: Ctx) -> AppResult<ChangesPage> {
    changes_page_for(&ctx, Values::default(), &FieldErrors::new()).await
}

fn change_input(form: &[(String, String)]) -> ChangeInput {
    ChangeInput {
        you_said: field(form, "you_said").unwrap_or_default(),
        we_did: field(form, "we_did").unwrap_or_default(),
        program_id: field(form, "program_id"),
    }
}

pub async fn create_change(ctx: Ctx, CsrfForm(form): CsrfForm<Vec<(String, String)>>) -> AppResult<Response> {
    let input = change_input(&form);
    let item_ids: Vec<Uuid> =
        form.iter().filter(|(k, _)| k == "item_ids").filter_map(|(_, v)| Uuid::parse_str(v.trim()).ok()).collect();
    match service::create_change(&ctx.state, &ctx.actor, &input, &item_ids).await {
        Ok(c) => {
            ctx.flash("success", "feedback-change-created").await?;
            Ok(see_other(&format!("/voice/changes/{}", c.id)))
        }
        Err(AppError::Invalid(errors)) => {
            let mut values = values_of(&form);
            values.0.insert("item_ids".into(), item_ids.iter().map(Uuid::to_string).collect::<Vec<_>>().join(","));
            let page = changes_page_for(&ctx, values, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "feedback/change.html")]
pub struct ChangePage {
    pub shell: Shell,
    pub l: Labels,
    pub row: ChangeRow,
    pub programs: Vec<program::Model>,
    pub values: Values,
    pub errors: FormErrors,
    pub conflict: bool,
    pub may_publish: bool,
    pub org_id: Uuid,
}

impl ChangePage {
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &self.values.v("program_id"))
    }
}

async fn change_page_for(
    ctx: &Ctx,
    id: Uuid,
    values: Option<Values>,
    errors: &FieldErrors,
    conflict: bool,
) -> AppResult<ChangePage> {
    let row = service::change(&ctx.state, &ctx.actor, id).await?;
    let values = values.unwrap_or_else(|| {
        Values::of(&ChangeInput {
            you_said: row.change.you_said.clone(),
            we_did: row.change.we_did.clone(),
            program_id: row.change.program_id.map(|p| p.to_string()),
        })
    });
    Ok(ChangePage {
        shell: ctx.shell().await?,
        l: Labels { tr: ctx.tr },
        programs: service::program_choices(ctx.state.db.conn(), ctx.org.id).await?,
        row,
        values,
        errors: FormErrors::new(&ctx.tr, errors),
        conflict,
        may_publish: service::may_publish(&ctx.actor),
        org_id: ctx.org.id,
    })
}

pub async fn change_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<ChangePage> {
    change_page_for(&ctx, id, None, &FieldErrors::new(), false).await
}

async fn after_change(
    ctx: &Ctx,
    id: Uuid,
    result: AppResult<()>,
    typed: Option<Values>,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => {
            ctx.flash("success", done).await?;
            Ok(see_other(&format!("/voice/changes/{id}")))
        }
        Err(AppError::Invalid(errors)) => {
            let page = change_page_for(ctx, id, typed, &errors, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict) => {
            let page = change_page_for(ctx, id, typed, &FieldErrors::new(), true).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn update_change(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let result = service::update_change(&ctx.state, &ctx.actor, id, version, &change_input(&form)).await.map(|_| ());
    after_change(&ctx, id, result, Some(values_of(&form)), "feedback-change-saved").await
}

pub async fn publish(
    ctx: Ctx,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let version = version_of(&form)?;
    let on = field(&form, "publish").as_deref() == Some("1");
    let result = service::set_published(&ctx.state, &ctx.actor, id, version, on).await.map(|_| ());
    let done = if on { "feedback-change-published" } else { "feedback-change-unpublished" };
    after_change(&ctx, id, result, None, done).await
}

// ---------- public: have your say ----------

#[derive(Template, WebTemplate)]
#[template(path = "feedback/public_form.html")]
pub struct PublicFormPage {
    pub shell: Shell,
    pub org: organisation::Model,
    pub programs: Vec<program::Model>,
    pub values: Values,
    pub errors: FormErrors,
    pub form_token: String,
    pub kiosk: bool,
    /// Too many forms from this address: the form is shown with the message and not sent.
    pub throttled: bool,
}

impl PublicFormPage {
    pub fn kind_options(&self) -> Vec<(String, String, bool)> {
        options::<FeedbackKind>(&self.shell.tr, &self.values.v("kind"))
    }
    pub fn category_options(&self) -> Vec<(String, String, bool)> {
        options::<FeedbackCategory>(&self.shell.tr, &self.values.v("category"))
    }
    pub fn from_options(&self) -> Vec<(String, String, bool)> {
        options::<FeedbackFrom>(&self.shell.tr, &self.values.v("from"))
    }
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &self.values.v("program_id"))
    }
    pub fn action(&self) -> String {
        format!("/have-your-say/{}{}", self.org.id, if self.kiosk { "?kiosk=1" } else { "" })
    }
    pub fn max_file(&self) -> &'static str {
        crate::domain::feedback::MAX_FILE_TEXT
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KioskQuery {
    kiosk: Option<String>,
}

impl KioskQuery {
    fn on(&self) -> bool {
        matches!(self.kiosk.as_deref(), Some("1" | "on" | "true"))
    }
}

/// A one-organisation install (the usual case) has short addresses for its public pages.
async fn only_organisation(state: &AppState, to: &str, kiosk: bool) -> AppResult<Response> {
    let orgs = crate::db::org::all(&state.db).await?;
    match orgs.as_slice() {
        [only] => Ok(see_other(&format!("/{to}/{}{}", only.id, if kiosk { "?kiosk=1" } else { "" }))),
        _ => Err(AppError::NotFound),
    }
}

pub async fn only_organisation_form(State(state): State<AppState>, Query(q): Query<KioskQuery>) -> AppResult<Response> {
    only_organisation(&state, "have-your-say", q.on()).await
}

pub async fn only_organisation_board(State(state): State<AppState>) -> AppResult<Response> {
    only_organisation(&state, "you-said-we-did", false).await
}

struct PublicCtx {
    state: AppState,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
}

impl PublicCtx {
    async fn form_page(
        &self,
        org: organisation::Model,
        kiosk: bool,
        values: Values,
        errors: &FieldErrors,
        issued: i64,
    ) -> AppResult<PublicFormPage> {
        let path = format!("/have-your-say/{}", org.id);
        let shell = public_shell(&self.state, &self.session, &self.jar, &self.headers, &org, &path).await?;
        let errors = FormErrors::new(&shell.tr, errors);
        Ok(PublicFormPage {
            programs: service::program_choices(self.state.db.conn(), org.id).await?,
            form_token: sign_form(TOKEN_PURPOSE, org.id, issued),
            shell,
            org,
            values,
            errors,
            kiosk,
            throttled: false,
        })
    }
}

/// Pages a shared tablet shows are not kept by the browser, so the next person sees nothing of the last.
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn public_form(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path(org_id): Path<Uuid>,
    Query(q): Query<KioskQuery>,
) -> AppResult<Response> {
    let org = organisation(&state, org_id).await?;
    let now = state.clock.now().unix_timestamp();
    let p = PublicCtx { state, session, jar, headers };
    let page = p.form_page(org, q.on(), Values::default(), &FieldErrors::new(), now).await?;
    Ok(no_store(page.into_response()))
}

#[allow(clippy::too_many_arguments)]
pub async fn public_submit(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(org_id): Path<Uuid>,
    Query(q): Query<KioskQuery>,
    multipart: Multipart,
) -> AppResult<Response> {
    let org = organisation(&state, org_id).await?;
    let (fields, file) = received(&session, multipart).await?;
    let kiosk = q.on() || field(&fields, "kiosk").as_deref() == Some("1");
    let thanks = format!("/have-your-say/{org_id}/thanks{}", if kiosk { "?kiosk=1" } else { "" });
    let now = state.clock.now();
    let address = ip.unwrap_or_else(|| "unknown".into());
    let p = PublicCtx { state: state.clone(), session, jar, headers };
    let retry_issued = now.unix_timestamp() - super::public::MIN_FILL_SECONDS;
    if !state.feedback_throttle.allows(&address, now) {
        let mut page = p.form_page(org, kiosk, values_of(&fields), &FieldErrors::new(), retry_issued).await?;
        page.throttled = true;
        return Ok(no_store((StatusCode::TOO_MANY_REQUESTS, page).into_response()));
    }
    // A filled hidden field is a robot: thank it and keep nothing.
    if !field(&fields, "website").unwrap_or_default().trim().is_empty() {
        state.feedback_throttle.record_failure(&address, now);
        tracing::info!("feedback dropped by the hidden-field check");
        return Ok(see_other(&thanks));
    }
    let input = input_of(&fields);
    let token = field(&fields, "form_token").unwrap_or_default();
    let mut errors = match input.parse() {
        Ok(_) if form_token_fresh(TOKEN_PURPOSE, &token, org_id, now.unix_timestamp()) => {
            state.feedback_throttle.record_failure(&address, now);
            match service::submit_public(&state, org_id, &input, kiosk, &file, Some(address)).await {
                Ok(_) => return Ok(see_other(&thanks)),
                Err(AppError::Invalid(errors)) => errors,
                Err(other) => return Err(other),
            }
        }
        Ok(_) => {
            state.feedback_throttle.record_failure(&address, now);
            FieldErrors::new()
        }
        Err(errors) => errors,
    };
    if errors.is_empty() {
        errors.add("form_token", "feedback-error-resend");
    }
    let page = p.form_page(org, kiosk, values_of(&fields), &errors, retry_issued).await?;
    Ok(no_store((StatusCode::UNPROCESSABLE_ENTITY, page).into_response()))
}

#[derive(Template, WebTemplate)]
#[template(path = "feedback/public_thanks.html")]
pub struct PublicThanksPage {
    pub shell: Shell,
    pub org: organisation::Model,
    pub kiosk: bool,
}

/// Seconds a kiosk's thanks page stays before a fresh form.
pub const KIOSK_RETURN_SECONDS: u32 = 20;

pub async fn public_thanks(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path(org_id): Path<Uuid>,
    Query(q): Query<KioskQuery>,
) -> AppResult<Response> {
    let org = organisation(&state, org_id).await?;
    let path = format!("/have-your-say/{org_id}/thanks");
    let shell = public_shell(&state, &session, &jar, &headers, &org, &path).await?;
    let kiosk = q.on();
    let mut response = no_store(PublicThanksPage { shell, org, kiosk }.into_response());
    if kiosk {
        // The tablet returns to a fresh form on its own (no script: the Refresh header).
        let refresh = format!("{KIOSK_RETURN_SECONDS}; url=/have-your-say/{org_id}?kiosk=1");
        if let Ok(v) = HeaderValue::from_str(&refresh) {
            response.headers_mut().insert(header::REFRESH, v);
        }
    }
    Ok(response)
}

// ---------- public: the "you said, we did" board ----------

#[derive(Template, WebTemplate)]
#[template(path = "feedback/public_board.html")]
pub struct PublicBoardPage {
    pub shell: Shell,
    pub org: organisation::Model,
    pub changes: Vec<PublishedChange>,
    pub programs: Vec<program::Model>,
    pub program: String,
    pub no_errors: FormErrors,
}

impl PublicBoardPage {
    pub fn program_options(&self) -> Vec<(String, String, bool)> {
        program_options(&self.programs, &self.program)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BoardQuery {
    program: Option<String>,
}

pub async fn public_board(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    Path(org_id): Path<Uuid>,
    Query(q): Query<BoardQuery>,
) -> AppResult<PublicBoardPage> {
    let org = organisation(&state, org_id).await?;
    let path = format!("/you-said-we-did/{org_id}");
    let shell = public_shell(&state, &session, &jar, &headers, &org, &path).await?;
    let conn = state.db.conn();
    let programs = service::program_choices(conn, org_id).await?;
    let program_id = q
        .program
        .as_deref()
        .and_then(|p| Uuid::parse_str(p.trim()).ok())
        .filter(|p| programs.iter().any(|x| x.id == *p));
    let changes = service::published_changes(conn, org_id, program_id).await?;
    Ok(PublicBoardPage {
        shell,
        org,
        changes,
        programs,
        program: program_id.map(|p| p.to_string()).unwrap_or_default(),
        no_errors: FormErrors::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::is_upload;
    use axum::http::Method;

    #[test]
    fn only_the_feedback_forms_are_uploads() {
        assert!(is_upload(&Method::POST, "/voice/feedback"));
        assert!(is_upload(&Method::POST, "/have-your-say/6f1c1f3e-0000-4000-8000-000000000000"));
        assert!(!is_upload(&Method::GET, "/have-your-say/abc"));
        assert!(!is_upload(&Method::POST, "/have-your-say/abc/thanks"));
        assert!(!is_upload(&Method::POST, "/have-your-say/"));
        assert!(!is_upload(&Method::POST, "/voice/feedback/abc/respond"));
    }
}
