//! Feedback and complaints (CSE 7.02 / CA-CSE 7.03): the one place these records are read and
//! written, for the pages, the JSON API and the participant portal alike.
//!
//! People served and their families give feedback from the public form or kiosk (anonymous
//! allowed), their portal, or through staff. Each item gets an owner and a due date (by kind, see
//! `domain::feedback::response_due`), a response to the person when they can be reached, and an
//! outcome; changes made because of feedback become "you said, we did" entries, published without
//! personal data. Trends by month, kind, category and program show what people keep telling us.
//!
//! Access: anyone on staff logs feedback (`RecordFeedback`); leads read and handle it
//! (`ManageFeedback`), and the owner an item is assigned to may handle that item; publishing on the
//! public board needs `PublishFeedbackChanges`. Every view of an item is audited durably; lists
//! and trends (no one named) are audited in the background.

use crate::access::{self, Action, Actor, Reach};
use crate::app::{AppState, local_date};
use crate::audit::{Entry, Outcome};
use crate::db::entities::{feedback_change, feedback_event, feedback_file, feedback_item, person, program, staff};
use crate::db::{self, Page, PageRequest};
use crate::domain::FieldErrors;
use crate::domain::feedback::{
    ChangeInput, FeedbackCategory, FeedbackChannel, FeedbackEventKind, FeedbackInput, FeedbackKind, FeedbackOutcome,
    FeedbackStatus, NOTE_MAX, Reachable, RespondInput, ResponseMethod, ValidFeedback, check_file, check_publishable,
    file_too_big, is_overdue, median_days, name_parts, responded_on_time, response_due,
};
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

// ---------- access ----------

pub fn may_manage(actor: &Actor) -> bool {
    access::allows(actor, Action::ManageFeedback, Reach::Outside)
}

pub fn may_publish(actor: &Actor) -> bool {
    access::allows(actor, Action::PublishFeedbackChanges, Reach::Outside)
}

pub fn may_record(actor: &Actor) -> bool {
    access::allows(actor, Action::RecordFeedback, Reach::Outside)
}

/// Leads handle every item; the owner handles the items assigned to them.
pub fn may_handle(actor: &Actor, item: &feedback_item::Model) -> bool {
    may_manage(actor) || item.owner_id == Some(actor.staff_id)
}

async fn deny(state: &AppState, actor: &Actor, action: &str, record: Option<(&'static str, Uuid)>) -> AppError {
    crate::intake::deny(state, actor, action, record).await
}

async fn require(state: &AppState, actor: &Actor, allowed: bool, action: &str) -> AppResult<()> {
    if allowed { Ok(()) } else { Err(deny(state, actor, action, None).await) }
}

async fn today_in(conn: &impl ConnectionTrait, org_id: Uuid, now: OffsetDateTime) -> AppResult<Date> {
    let org = db::org::get(conn, org_id).await?.ok_or(AppError::NotFound)?;
    Ok(local_date(&org.time_zone, now))
}

// ---------- submitting ----------

/// A file sent with feedback, as received.
#[derive(Clone, Debug)]
pub struct Attachment {
    pub filename: String,
    pub data: Vec<u8>,
}

/// The file part of a form: none, a file, or one over the size limit (reading stopped).
#[derive(Clone, Debug, Default)]
pub enum FilePart {
    #[default]
    None,
    File(Attachment),
    TooBig,
}

/// Checks the input, the program (it must be one of the organisation's) and the file, reporting
/// every mistake at once.
async fn check_submission(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    input: &FeedbackInput,
    file: &FilePart,
) -> AppResult<(ValidFeedback, Option<(crate::domain::feedback::CheckedFile, Vec<u8>)>)> {
    let mut errors = FieldErrors::new();
    let valid = match input.parse() {
        Ok(v) => Some(v),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    if let Some(program_id) = valid.as_ref().and_then(|v| v.program_id)
        && !program_in_org(conn, org_id, program_id).await?
    {
        errors.add("program_id", "error-unknown-choice");
    }
    let checked = match file {
        FilePart::None => None,
        FilePart::TooBig => {
            errors.0.extend(file_too_big().0);
            None
        }
        FilePart::File(a) => match check_file(&a.filename, &a.data) {
            Ok(c) => Some((c, a.data.clone())),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        },
    };
    match valid {
        Some(v) if errors.is_empty() => Ok((v, checked)),
        _ => Err(AppError::Invalid(errors)),
    }
}

async fn program_in_org(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<bool, DbErr> {
    Ok(program::Entity::find()
        .filter(program::Column::OrgId.eq(org_id))
        .filter(program::Column::Id.eq(id))
        .count(conn)
        .await?
        > 0)
}

struct NewItem<'a> {
    org_id: Uuid,
    valid: &'a ValidFeedback,
    channel: FeedbackChannel,
    person_id: Option<Uuid>,
    recorded_by: Option<Uuid>,
    now: OffsetDateTime,
    today: Date,
}

/// Writes the item, its file and its first history line.
async fn insert_item(
    txn: &db::WriteTxn,
    n: NewItem<'_>,
    file: Option<(crate::domain::feedback::CheckedFile, Vec<u8>)>,
) -> Result<feedback_item::Model, DbErr> {
    let id = Uuid::new_v4();
    let file_row = file.map(|(checked, data)| feedback_file::Model {
        id: Uuid::new_v4(),
        org_id: n.org_id,
        item_id: id,
        filename: checked.filename,
        content_type: checked.content_type.to_string(),
        size: data.len() as i64,
        sha256: hex::encode(Sha256::digest(&data)),
        data,
        uploaded_at: n.now,
    });
    let v = n.valid;
    let item = feedback_item::Model {
        id,
        org_id: n.org_id,
        kind: v.kind.code().into(),
        category: v.category.code().into(),
        channel: n.channel.code().into(),
        status: FeedbackStatus::Received.code().into(),
        program_id: v.program_id,
        body: v.body.clone(),
        submitted_by: v.from.map(|f| f.code().to_string()),
        submitter_name: v.name.clone(),
        email: v.email.clone(),
        phone: v.phone.clone(),
        wants_reply: v.wants_reply,
        person_id: n.person_id,
        received_at: n.now,
        received_on: n.today,
        due_on: response_due(v.kind, n.today),
        owner_id: None,
        acknowledged_on: None,
        response: None,
        response_method: None,
        responded_on: None,
        responded_by: None,
        response_emailed_at: None,
        outcome: None,
        outcome_note: None,
        closed_on: None,
        change_id: None,
        file_id: file_row.as_ref().map(|f| f.id),
        recorded_by: n.recorded_by,
        version: 1,
        created_at: n.now,
        updated_at: n.now,
    };
    feedback_item::Entity::insert(feedback_item::ActiveModel::from(item.clone()))
        .exec_without_returning(&**txn)
        .await?;
    if let Some(f) = file_row {
        feedback_file::Entity::insert(feedback_file::ActiveModel::from(f)).exec_without_returning(&**txn).await?;
    }
    add_event(
        txn,
        &item,
        FeedbackEventKind::Received,
        n.recorded_by,
        None,
        json!({ "channel": n.channel.code() }),
        n.now,
    )
    .await?;
    Ok(item)
}

async fn add_event(
    txn: &db::WriteTxn,
    item: &feedback_item::Model,
    kind: FeedbackEventKind,
    by: Option<Uuid>,
    note: Option<String>,
    detail: serde_json::Value,
    at: OffsetDateTime,
) -> Result<(), DbErr> {
    let earlier = feedback_event::Entity::find()
        .filter(feedback_event::Column::OrgId.eq(item.org_id))
        .filter(feedback_event::Column::ItemId.eq(item.id))
        .count(&**txn)
        .await?;
    let row = feedback_event::Model {
        id: Uuid::new_v4(),
        org_id: item.org_id,
        item_id: item.id,
        seq: earlier as i32 + 1,
        kind: kind.code().into(),
        at,
        by_staff: by,
        note,
        detail: if detail.as_object().is_some_and(|o| o.is_empty()) { None } else { Some(detail.to_string()) },
    };
    feedback_event::Entity::insert(feedback_event::ActiveModel::from(row)).exec_without_returning(&**txn).await?;
    Ok(())
}

/// Feedback from the public form (`kiosk` false) or the kiosk: no one signed in, anonymous allowed.
/// Spam checks and the per-address limit are the page's; this checks and stores.
pub async fn submit_public(
    state: &AppState,
    org_id: Uuid,
    input: &FeedbackInput,
    kiosk: bool,
    file: &FilePart,
    ip: Option<String>,
) -> AppResult<Uuid> {
    let conn = state.db.conn();
    let now = state.clock.now();
    let today = today_in(conn, org_id, now).await?;
    let (valid, checked) = check_submission(conn, org_id, input, file).await?;
    let channel = if kiosk { FeedbackChannel::Kiosk } else { FeedbackChannel::PublicForm };
    let txn = state.db.begin_write().await?;
    let item = insert_item(
        &txn,
        NewItem { org_id, valid: &valid, channel, person_id: None, recorded_by: None, now, today },
        checked,
    )
    .await?;
    let mut entry = Entry::new(org_id, "feedback.submit").record("feedback", item.id).detail(json!({
        "channel": channel.code(),
        "kind": item.kind,
        "attachment": item.file_id.is_some(),
    }));
    entry.actor_label = Some(if kiosk { "feedback kiosk" } else { "public feedback form" }.into());
    entry.ip = ip;
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(item.id)
}

/// Feedback a person gives through their portal: channel `portal`, linked to them, audited as
/// their own action (no staff actor). A reply can always reach them through the portal, so
/// wanting one needs no e-mail address or phone number here.
pub async fn submit_from_portal(
    state: &AppState,
    org_id: Uuid,
    person_id: Uuid,
    input: &FeedbackInput,
) -> AppResult<Uuid> {
    let conn = state.db.conn();
    db::people::get(conn, org_id, person_id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let today = today_in(conn, org_id, now).await?;
    let wants_reply = input.wants_reply;
    let mut relaxed = input.clone();
    if wants_reply
        && relaxed.email.as_deref().is_none_or(|e| e.trim().is_empty())
        && relaxed.phone.as_deref().is_none_or(|p| p.trim().is_empty())
    {
        relaxed.wants_reply = false;
    }
    let (mut valid, _) = check_submission(conn, org_id, &relaxed, &FilePart::None).await?;
    valid.wants_reply = wants_reply;
    if valid.from.is_none() {
        valid.from = Some(crate::domain::feedback::FeedbackFrom::PersonServed);
    }
    let txn = state.db.begin_write().await?;
    let item = insert_item(
        &txn,
        NewItem {
            org_id,
            valid: &valid,
            channel: FeedbackChannel::Portal,
            person_id: Some(person_id),
            recorded_by: None,
            now,
            today,
        },
        None,
    )
    .await?;
    let mut entry = Entry::new(org_id, "feedback.portal.submit")
        .record("person", person_id)
        .detail(json!({ "feedback_id": item.id, "kind": item.kind }));
    entry.actor_label = Some("participant portal".into());
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(item.id)
}

/// Feedback a staff member logs on someone's behalf, optionally linked to a person they may open
/// (opened through `records::open`, so access and the view are checked and audited there).
pub async fn record_for_someone(
    state: &AppState,
    actor: &Actor,
    input: &FeedbackInput,
    person_id: Option<Uuid>,
    file: &FilePart,
) -> AppResult<Uuid> {
    require(state, actor, may_record(actor), "RecordFeedback").await?;
    if let Some(pid) = person_id {
        crate::records::open(state, actor, pid, Action::ViewPerson).await?;
    }
    let org_id = actor.org_id;
    let conn = state.db.conn();
    let now = state.clock.now();
    let today = today_in(conn, org_id, now).await?;
    let (valid, checked) = check_submission(conn, org_id, input, file).await?;
    let txn = state.db.begin_write().await?;
    let item = insert_item(
        &txn,
        NewItem {
            org_id,
            valid: &valid,
            channel: FeedbackChannel::Staff,
            person_id,
            recorded_by: Some(actor.staff_id),
            now,
            today,
        },
        checked,
    )
    .await?;
    let entry = match person_id {
        Some(pid) => {
            actor_entry(actor, "feedback.record").record("person", pid).detail(json!({ "feedback_id": item.id }))
        }
        None => actor_entry(actor, "feedback.record").record("feedback", item.id),
    };
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(item.id)
}

// ---------- lists ----------

/// The list's filters, as query strings send them.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListFilter {
    /// `received`, `acknowledged`, `responded`, `closed`, or `open` (all but closed).
    pub status: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub program_id: Option<String>,
    /// A staff member's id, or `none` for items no one owns yet.
    pub owner: Option<String>,
    /// Only items past their due date still waiting for a response.
    pub overdue: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl ListFilter {
    pub fn overdue_only(&self) -> bool {
        matches!(self.overdue.as_deref(), Some("1" | "on" | "true" | "yes"))
    }

    pub fn page(&self) -> PageRequest {
        PageRequest { page: self.page.unwrap_or(1), per_page: self.per_page.unwrap_or(25) }.clamp()
    }

    fn condition(&self, org_id: Uuid, today: Date) -> Condition {
        use feedback_item::Column as C;
        let mut c = Condition::all().add(C::OrgId.eq(org_id));
        match self.status.as_deref().map(str::trim) {
            Some("open") => c = c.add(C::Status.ne(FeedbackStatus::Closed.code())),
            Some(s) => {
                if let Some(s) = FeedbackStatus::parse(s) {
                    c = c.add(C::Status.eq(s.code()));
                }
            }
            None => {}
        }
        if let Some(k) = self.kind.as_deref().and_then(FeedbackKind::parse) {
            c = c.add(C::Kind.eq(k.code()));
        }
        if let Some(k) = self.category.as_deref().and_then(FeedbackCategory::parse) {
            c = c.add(C::Category.eq(k.code()));
        }
        if let Some(p) = self.program_id.as_deref().and_then(|p| Uuid::parse_str(p.trim()).ok()) {
            c = c.add(C::ProgramId.eq(p));
        }
        match self.owner.as_deref().map(str::trim) {
            Some("none") => c = c.add(C::OwnerId.is_null()),
            Some(o) => {
                if let Ok(id) = Uuid::parse_str(o) {
                    c = c.add(C::OwnerId.eq(id));
                }
            }
            None => {}
        }
        if self.overdue_only() {
            c = c.add(overdue_condition(today));
        }
        c
    }
}

fn overdue_condition(today: Date) -> Condition {
    use feedback_item::Column as C;
    Condition::all()
        .add(C::Status.is_in([FeedbackStatus::Received.code(), FeedbackStatus::Acknowledged.code()]))
        .add(C::DueOn.lt(today))
}

/// One row of a list: the item and the names it refers to (never the person's name or contact).
#[derive(Clone, Debug)]
pub struct ItemRow {
    pub item: feedback_item::Model,
    pub owner_name: Option<String>,
    pub program_name: Option<String>,
    pub overdue: bool,
}

impl ItemRow {
    pub fn status(&self) -> FeedbackStatus {
        FeedbackStatus::parse(&self.item.status).unwrap_or(FeedbackStatus::Received)
    }

    /// The first words of the text, for a list.
    pub fn excerpt(&self) -> String {
        excerpt(&self.item.body, 120)
    }
}

pub fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        format!("{}…", one_line.chars().take(max).collect::<String>().trim_end())
    }
}

async fn names_of_staff(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::OrgId.eq(org_id))
        .filter(staff::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

async fn program_names(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, String>, DbErr> {
    Ok(db::org::programs(conn, org_id).await?.into_iter().map(|p| (p.id, p.name)).collect())
}

async fn rows_of(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    items: Vec<feedback_item::Model>,
    today: Date,
) -> Result<Vec<ItemRow>, DbErr> {
    let owners = names_of_staff(conn, org_id, items.iter().filter_map(|i| i.owner_id).collect()).await?;
    let programs = program_names(conn, org_id).await?;
    Ok(items
        .into_iter()
        .map(|item| ItemRow {
            owner_name: item.owner_id.and_then(|o| owners.get(&o).cloned()),
            program_name: item.program_id.and_then(|p| programs.get(&p).cloned()),
            overdue: FeedbackStatus::parse(&item.status).is_some_and(|s| is_overdue(s, item.due_on, today)),
            item,
        })
        .collect())
}

async fn page_of(
    state: &AppState,
    org_id: Uuid,
    condition: Condition,
    page: PageRequest,
    today: Date,
) -> AppResult<Page<ItemRow>> {
    use feedback_item::Column as C;
    let conn = state.db.conn();
    let total = feedback_item::Entity::find().filter(condition.clone()).count(conn).await?;
    let items = feedback_item::Entity::find()
        .filter(condition)
        .order_by_asc(Expr::cust("CASE WHEN status = 'closed' THEN 1 ELSE 0 END"))
        .order_by_asc(C::DueOn)
        .order_by_desc(C::ReceivedAt)
        .order_by_asc(C::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(conn)
        .await?;
    Ok(Page { items: rows_of(conn, org_id, items, today).await?, page: page.page, per_page: page.per_page, total })
}

/// The organisation's feedback, filtered and paged: open items first, soonest due first.
pub async fn list(state: &AppState, actor: &Actor, filter: &ListFilter) -> AppResult<Page<ItemRow>> {
    require(state, actor, may_manage(actor), "ManageFeedback").await?;
    let now = state.clock.now();
    let today = today_in(state.db.conn(), actor.org_id, now).await?;
    let page = page_of(state, actor.org_id, filter.condition(actor.org_id, today), filter.page(), today).await?;
    let entry = actor_entry(actor, "feedback.list").detail(json!({ "count": page.items.len(), "total": page.total }));
    db::audit::append_soon(&state.db, entry, now).await?;
    Ok(page)
}

/// The items assigned to the actor (any role may own an item).
pub async fn list_mine(state: &AppState, actor: &Actor, page: PageRequest) -> AppResult<Page<ItemRow>> {
    let now = state.clock.now();
    let today = today_in(state.db.conn(), actor.org_id, now).await?;
    let condition = Condition::all()
        .add(feedback_item::Column::OrgId.eq(actor.org_id))
        .add(feedback_item::Column::OwnerId.eq(actor.staff_id));
    let page = page_of(state, actor.org_id, condition, page.clamp(), today).await?;
    let entry = actor_entry(actor, "feedback.list.mine").detail(json!({ "count": page.items.len() }));
    db::audit::append_soon(&state.db, entry, now).await?;
    Ok(page)
}

/// Open items owned by a staff member and how many of them are overdue, for the home page.
pub async fn open_count_for_owner(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    staff_id: Uuid,
    today: Date,
) -> Result<(u64, u64), DbErr> {
    use feedback_item::Column as C;
    let base = || {
        feedback_item::Entity::find()
            .filter(C::OrgId.eq(org_id))
            .filter(C::OwnerId.eq(staff_id))
            .filter(C::Status.ne(FeedbackStatus::Closed.code()))
    };
    let open = base().count(conn).await?;
    let overdue = base().filter(overdue_condition(today)).count(conn).await?;
    Ok((open, overdue))
}

// ---------- one item ----------

/// One line of history as shown.
#[derive(Clone, Debug)]
pub struct EventView {
    pub event: feedback_event::Model,
    pub by_name: Option<String>,
}

impl EventView {
    pub fn kind(&self) -> FeedbackEventKind {
        FeedbackEventKind::parse(&self.event.kind).unwrap_or(FeedbackEventKind::Note)
    }

    pub fn detail(&self, key: &str) -> Option<String> {
        let value: serde_json::Value = serde_json::from_str(self.event.detail.as_deref()?).ok()?;
        value.get(key).and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_bool().map(|b| b.to_string())))
    }
}

/// What the attachment is, without its bytes.
#[derive(Clone, Debug)]
pub struct FileMeta {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// An item with everything its page shows.
#[derive(Clone, Debug)]
pub struct ItemView {
    pub item: feedback_item::Model,
    pub events: Vec<EventView>,
    pub owner_name: Option<String>,
    pub program_name: Option<String>,
    /// The linked person's id and name.
    pub person: Option<(Uuid, String)>,
    pub file: Option<FileMeta>,
    pub change: Option<feedback_change::Model>,
    pub overdue: bool,
    pub today: Date,
    pub may_manage: bool,
    pub reach: Reachable,
}

impl ItemView {
    pub fn status(&self) -> FeedbackStatus {
        FeedbackStatus::parse(&self.item.status).unwrap_or(FeedbackStatus::Received)
    }
}

async fn load_item(conn: &impl ConnectionTrait, org_id: Uuid, id: Uuid) -> Result<Option<feedback_item::Model>, DbErr> {
    feedback_item::Entity::find()
        .filter(feedback_item::Column::OrgId.eq(org_id))
        .filter(feedback_item::Column::Id.eq(id))
        .one(conn)
        .await
}

fn person_name(p: &person::Model) -> String {
    match p.preferred_name.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(pref) => format!("{pref} {}", p.legal_family_name),
        None => format!("{} {}", p.legal_given_name, p.legal_family_name),
    }
}

async fn reach_of(conn: &impl ConnectionTrait, item: &feedback_item::Model) -> Result<Reachable, DbErr> {
    let person = match item.person_id {
        Some(pid) => db::people::get(conn, item.org_id, pid).await?,
        None => None,
    };
    Ok(Reachable {
        email: item.email.is_some() || person.as_ref().is_some_and(|p| p.email.is_some()),
        phone: item.phone.is_some() || person.as_ref().is_some_and(|p| p.phone.is_some()),
        portal: item.person_id.is_some(),
    })
}

/// Opens an item for someone who may handle it; the view is audited (against the person when one
/// is linked).
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<ItemView> {
    let conn = state.db.conn();
    let item = load_item(conn, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    if !may_handle(actor, &item) {
        return Err(deny(state, actor, "ManageFeedback", Some(("feedback", id))).await);
    }
    let now = state.clock.now();
    let entry = match item.person_id {
        Some(pid) => actor_entry(actor, "feedback.view").record("person", pid).detail(json!({ "feedback_id": id })),
        None => actor_entry(actor, "feedback.view").record("feedback", id),
    };
    db::audit::append_now(&state.db, entry, now).await?;
    view_of(state, actor, item, now).await
}

async fn view_of(
    state: &AppState,
    actor: &Actor,
    item: feedback_item::Model,
    now: OffsetDateTime,
) -> AppResult<ItemView> {
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let today = today_in(conn, org_id, now).await?;
    let events = feedback_event::Entity::find()
        .filter(feedback_event::Column::OrgId.eq(org_id))
        .filter(feedback_event::Column::ItemId.eq(item.id))
        .order_by_asc(feedback_event::Column::Seq)
        .order_by_asc(feedback_event::Column::At)
        .all(conn)
        .await?;
    let mut staff_ids: Vec<Uuid> = events.iter().filter_map(|e| e.by_staff).collect();
    staff_ids.extend(item.owner_id);
    staff_ids.sort();
    staff_ids.dedup();
    let names = names_of_staff(conn, org_id, staff_ids).await?;
    let programs = program_names(conn, org_id).await?;
    let person = match item.person_id {
        Some(pid) => db::people::get(conn, org_id, pid).await?.map(|p| (p.id, person_name(&p))),
        None => None,
    };
    let file = match item.file_id {
        Some(fid) => feedback_file::Entity::find()
            .select_only()
            .columns([
                feedback_file::Column::Id,
                feedback_file::Column::Filename,
                feedback_file::Column::ContentType,
                feedback_file::Column::Size,
            ])
            .filter(feedback_file::Column::OrgId.eq(org_id))
            .filter(feedback_file::Column::Id.eq(fid))
            .into_tuple::<(Uuid, String, String, i64)>()
            .one(conn)
            .await?
            .map(|(id, filename, content_type, size)| FileMeta { id, filename, content_type, size }),
        None => None,
    };
    let change = match item.change_id {
        Some(cid) => load_change(conn, org_id, cid).await?,
        None => None,
    };
    let reach = reach_of(conn, &item).await?;
    Ok(ItemView {
        events: events
            .into_iter()
            .map(|e| EventView { by_name: e.by_staff.and_then(|s| names.get(&s).cloned()), event: e })
            .collect(),
        owner_name: item.owner_id.and_then(|o| names.get(&o).cloned()),
        program_name: item.program_id.and_then(|p| programs.get(&p).cloned()),
        overdue: FeedbackStatus::parse(&item.status).is_some_and(|s| is_overdue(s, item.due_on, today)),
        person,
        file,
        change,
        today,
        may_manage: may_manage(actor),
        reach,
        item,
    })
}

/// The attachment of an item, for those who may handle it; audited.
pub async fn file(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<feedback_file::Model> {
    let conn = state.db.conn();
    let item = load_item(conn, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    if !may_handle(actor, &item) {
        return Err(deny(state, actor, "ManageFeedback", Some(("feedback", id))).await);
    }
    let file_id = item.file_id.ok_or(AppError::NotFound)?;
    let file = feedback_file::Entity::find()
        .filter(feedback_file::Column::OrgId.eq(actor.org_id))
        .filter(feedback_file::Column::Id.eq(file_id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = actor_entry(actor, "feedback.file.view").record("feedback", id);
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Ok(file)
}

// ---------- handling ----------

/// Loads the item for a change by someone who may make it; `manage_only` changes (assigning,
/// linking) need `ManageFeedback`, the others may be made by the owner too.
async fn for_change(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    manage_only: bool,
    action: &str,
) -> AppResult<feedback_item::Model> {
    let item = load_item(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    let allowed = if manage_only { may_manage(actor) } else { may_handle(actor, &item) };
    if !allowed {
        return Err(deny(state, actor, action, Some(("feedback", id))).await);
    }
    if item.version != version {
        return Err(AppError::Conflict);
    }
    Ok(item)
}

/// Saves `row` over the stored item if it is still at `version` (else 409).
async fn save(txn: &db::WriteTxn, row: &feedback_item::Model, version: i32) -> AppResult<()> {
    let result = feedback_item::Entity::update_many()
        .set(feedback_item::ActiveModel::from(row.clone()).reset_all())
        .filter(feedback_item::Column::OrgId.eq(row.org_id))
        .filter(feedback_item::Column::Id.eq(row.id))
        .filter(feedback_item::Column::Version.eq(version))
        .exec(&**txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

fn item_entry(actor: &Actor, action: &'static str, item: &feedback_item::Model, detail: serde_json::Value) -> Entry {
    let mut detail = detail;
    match item.person_id {
        Some(pid) => {
            detail["feedback_id"] = json!(item.id);
            actor_entry(actor, action).record("person", pid).detail(detail)
        }
        None => actor_entry(actor, action).record("feedback", item.id).detail(detail),
    }
}

/// Who owns an item and by when it needs a response.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct AssignInput {
    /// The staff member who will handle it.
    pub owner_id: String,
    /// YYYY-MM-DD, on or after the day it was received; the due date stays as it is when left out.
    pub due_on: Option<String>,
}

pub async fn assign(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &AssignInput,
) -> AppResult<feedback_item::Model> {
    let item = for_change(state, actor, id, version, true, "feedback.assign").await?;
    let conn = state.db.conn();
    let mut errors = FieldErrors::new();
    let owner = match Uuid::parse_str(input.owner_id.trim()) {
        Ok(oid) => db::staff::get(conn, actor.org_id, oid).await?.filter(|s| s.active),
        Err(_) => None,
    };
    if input.owner_id.trim().is_empty() {
        errors.add("owner_id", "feedback-error-owner-required");
    } else if owner.is_none() {
        errors.add("owner_id", "feedback-error-owner-unknown");
    }
    let due = errors.optional_date("due_on", input.due_on.as_deref()).unwrap_or(item.due_on);
    if due < item.received_on {
        errors.add("due_on", "feedback-error-due-before-received");
    }
    let (Some(owner), true) = (owner, errors.is_empty()) else { return Err(AppError::Invalid(errors)) };
    let now = state.clock.now();
    let mut row = item.clone();
    row.owner_id = Some(owner.id);
    row.due_on = due;
    row.version = version + 1;
    row.updated_at = now;
    let txn = state.db.begin_write().await?;
    save(&txn, &row, version).await?;
    let detail = json!({ "owner_id": owner.id, "due_on": due.to_string() });
    add_event(&txn, &row, FeedbackEventKind::Assigned, Some(actor.staff_id), None, detail.clone(), now).await?;
    db::audit::append(&txn, item_entry(actor, "feedback.assign", &row, detail), now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Tells the record the person was told we have their feedback (received → acknowledged).
pub async fn acknowledge(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    note: Option<&str>,
) -> AppResult<feedback_item::Model> {
    let item = for_change(state, actor, id, version, false, "feedback.acknowledge").await?;
    let mut errors = FieldErrors::new();
    let note = errors.optional("note", note, NOTE_MAX);
    if item.status != FeedbackStatus::Received.code() {
        errors.add("note", "feedback-error-already-acknowledged");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = state.clock.now();
    let today = today_in(state.db.conn(), actor.org_id, now).await?;
    let mut row = item.clone();
    row.status = FeedbackStatus::Acknowledged.code().into();
    row.acknowledged_on = Some(today);
    row.version = version + 1;
    row.updated_at = now;
    let txn = state.db.begin_write().await?;
    save(&txn, &row, version).await?;
    add_event(&txn, &row, FeedbackEventKind::Acknowledged, Some(actor.staff_id), note, json!({}), now).await?;
    db::audit::append(&txn, item_entry(actor, "feedback.acknowledge", &row, json!({})), now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Records the response given to the person. When the chosen method is e-mail, the person gave an
/// address and the organisation has SMTP set up, the response is sent from here; otherwise it is
/// recorded as given by the chosen method.
pub async fn respond(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &RespondInput,
) -> AppResult<feedback_item::Model> {
    let item = for_change(state, actor, id, version, false, "feedback.respond").await?;
    if item.status == FeedbackStatus::Closed.code() {
        return Err(AppError::Invalid(FieldErrors::single("text", "feedback-error-closed")));
    }
    let conn = state.db.conn();
    let now = state.clock.now();
    let org = db::org::get(conn, actor.org_id).await?.ok_or(AppError::NotFound)?;
    let today = local_date(&org.time_zone, now);
    let reach = reach_of(conn, &item).await?;
    let valid = input.parse(reach, item.received_on, today)?;
    let mut emailed = None;
    if valid.method == ResponseMethod::Email
        && let (Some(smtp), Some(address)) = (&state.config.smtp, item.email.as_deref())
    {
        send_response(smtp, &org, address, &valid.text).await.map_err(|error| {
            tracing::warn!(org_id = %org.id, feedback_id = %item.id, server = %smtp.describe(), %error,
                "feedback: response e-mail not sent");
            AppError::Invalid(FieldErrors::single("method", "feedback-error-email-failed"))
        })?;
        emailed = Some(now);
    }
    let mut row = item.clone();
    row.status = FeedbackStatus::Responded.code().into();
    row.acknowledged_on = row.acknowledged_on.or(Some(valid.responded_on));
    row.response = Some(valid.text.clone());
    row.response_method = Some(valid.method.code().into());
    row.responded_on = Some(valid.responded_on);
    row.responded_by = Some(actor.staff_id);
    row.response_emailed_at = emailed;
    row.version = version + 1;
    row.updated_at = now;
    let txn = state.db.begin_write().await?;
    save(&txn, &row, version).await?;
    let detail = json!({
        "method": valid.method.code(),
        "responded_on": valid.responded_on.to_string(),
        "emailed": emailed.is_some(),
    });
    add_event(&txn, &row, FeedbackEventKind::Responded, Some(actor.staff_id), None, detail.clone(), now).await?;
    db::audit::append(&txn, item_entry(actor, "feedback.respond", &row, detail), now).await?;
    txn.commit().await?;
    Ok(row)
}

async fn send_response(
    smtp: &crate::config::SmtpSettings,
    org: &crate::db::entities::organisation::Model,
    address: &str,
    text: &str,
) -> Result<(), String> {
    use lettre::AsyncTransport;
    use lettre::message::header::ContentType;
    let tr = crate::i18n::Tr::new(
        crate::domain::codes::UiLanguage::parse(&org.default_language).unwrap_or(crate::domain::codes::UiLanguage::En),
    );
    let to: lettre::message::Mailbox = address.parse().map_err(|_| "the address is not valid".to_string())?;
    let body = format!("{text}\n\n— {}\n\n{}", org.name, tr.t("feedback-email-footer"));
    let message = lettre::Message::builder()
        .from(smtp.from.clone())
        .to(to)
        .subject(tr.t1("feedback-email-subject", "org", org.name.clone()))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    let transport = smtp.transport().map_err(|e| e.to_string())?;
    transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
}

/// How an item ends.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CloseInput {
    /// `change-made`, `explained`, `resolved`, `not-upheld` or `passed-on`.
    pub outcome: String,
    /// What was decided, for the record (not sent to the person).
    pub note: Option<String>,
    /// A "you said, we did" entry this feedback led to.
    pub change_id: Option<String>,
}

pub async fn close(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &CloseInput,
) -> AppResult<feedback_item::Model> {
    let item = for_change(state, actor, id, version, false, "feedback.close").await?;
    let conn = state.db.conn();
    let mut errors = FieldErrors::new();
    let outcome = errors.required_code("outcome", &input.outcome, FeedbackOutcome::parse);
    let note = errors.optional("note", input.note.as_deref(), NOTE_MAX);
    let change_id = match input.change_id.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => item.change_id,
        Some(text) => match Uuid::parse_str(text) {
            Ok(cid) if load_change(conn, actor.org_id, cid).await?.is_some() => Some(cid),
            _ => {
                errors.add("change_id", "error-unknown-choice");
                None
            }
        },
    };
    if item.status == FeedbackStatus::Closed.code() {
        errors.add("outcome", "feedback-error-closed");
    } else if item.wants_reply && item.responded_on.is_none() {
        errors.add("outcome", "feedback-error-close-needs-response");
    }
    let (Some(outcome), true) = (outcome, errors.is_empty()) else { return Err(AppError::Invalid(errors)) };
    let now = state.clock.now();
    let today = today_in(conn, actor.org_id, now).await?;
    let linked = change_id.is_some() && change_id != item.change_id;
    let mut row = item.clone();
    row.status = FeedbackStatus::Closed.code().into();
    row.outcome = Some(outcome.code().into());
    row.outcome_note = note.clone();
    row.closed_on = Some(today);
    row.change_id = change_id;
    row.version = version + 1;
    row.updated_at = now;
    let txn = state.db.begin_write().await?;
    save(&txn, &row, version).await?;
    let detail = json!({ "outcome": outcome.code() });
    add_event(&txn, &row, FeedbackEventKind::Closed, Some(actor.staff_id), note, detail.clone(), now).await?;
    if linked {
        let link = json!({ "change_id": change_id });
        add_event(&txn, &row, FeedbackEventKind::Linked, Some(actor.staff_id), None, link, now).await?;
    }
    db::audit::append(&txn, item_entry(actor, "feedback.close", &row, detail), now).await?;
    txn.commit().await?;
    Ok(row)
}

/// An internal note on the item's history (never shown to the person).
pub async fn add_note(state: &AppState, actor: &Actor, id: Uuid, note: &str) -> AppResult<()> {
    let item = load_item(state.db.conn(), actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    if !may_handle(actor, &item) {
        return Err(deny(state, actor, "feedback.note", Some(("feedback", id))).await);
    }
    let mut errors = FieldErrors::new();
    let text = errors.required("note", note, NOTE_MAX);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    add_event(&txn, &item, FeedbackEventKind::Note, Some(actor.staff_id), Some(text), json!({}), now).await?;
    db::audit::append(&txn, item_entry(actor, "feedback.note", &item, json!({})), now).await?;
    txn.commit().await?;
    Ok(())
}

/// Links an item to a "you said, we did" entry (leads only).
pub async fn link_change(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    change_id: Uuid,
) -> AppResult<feedback_item::Model> {
    let item = for_change(state, actor, id, version, true, "feedback.link").await?;
    if load_change(state.db.conn(), actor.org_id, change_id).await?.is_none() {
        return Err(AppError::Invalid(FieldErrors::single("change_id", "error-unknown-choice")));
    }
    let now = state.clock.now();
    let mut row = item.clone();
    row.change_id = Some(change_id);
    row.version = version + 1;
    row.updated_at = now;
    let txn = state.db.begin_write().await?;
    save(&txn, &row, version).await?;
    let detail = json!({ "change_id": change_id });
    add_event(&txn, &row, FeedbackEventKind::Linked, Some(actor.staff_id), None, detail.clone(), now).await?;
    db::audit::append(&txn, item_entry(actor, "feedback.link", &row, detail), now).await?;
    txn.commit().await?;
    Ok(row)
}

// ---------- what a person sees of their own feedback (portal) ----------

/// A person's own feedback as their portal shows it: what they said, where it stands and the
/// response sent to them; never owners, internal notes or outcomes' notes.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OwnFeedback {
    pub id: Uuid,
    pub received_on: Date,
    pub kind: FeedbackKind,
    pub category: FeedbackCategory,
    pub body: String,
    pub status: FeedbackStatus,
    pub response: Option<String>,
    pub responded_on: Option<Date>,
    pub response_method: Option<ResponseMethod>,
}

/// The person's own feedback: what they sent through the portal or told staff themselves. Items
/// linked to them but given by someone else (a family member, say) are that person's words and stay
/// with staff.
pub async fn for_person(conn: &impl ConnectionTrait, org_id: Uuid, person_id: Uuid) -> Result<Vec<OwnFeedback>, DbErr> {
    let own = sea_orm::Condition::any()
        .add(feedback_item::Column::Channel.eq(FeedbackChannel::Portal.code()))
        .add(feedback_item::Column::SubmittedBy.eq(crate::domain::feedback::FeedbackFrom::PersonServed.code()));
    let items = feedback_item::Entity::find()
        .filter(feedback_item::Column::OrgId.eq(org_id))
        .filter(feedback_item::Column::PersonId.eq(person_id))
        .filter(own)
        .order_by_desc(feedback_item::Column::ReceivedAt)
        .all(conn)
        .await?;
    Ok(items
        .into_iter()
        .map(|i| OwnFeedback {
            id: i.id,
            received_on: i.received_on,
            kind: FeedbackKind::parse(&i.kind).unwrap_or(FeedbackKind::Suggestion),
            category: FeedbackCategory::parse(&i.category).unwrap_or(FeedbackCategory::Other),
            body: i.body,
            status: FeedbackStatus::parse(&i.status).unwrap_or(FeedbackStatus::Received),
            response: i.response,
            responded_on: i.responded_on,
            response_method: i.response_method.as_deref().and_then(ResponseMethod::parse),
        })
        .collect())
}

// ---------- trends ----------

/// The period and program the trends cover, as query strings send them.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TrendsQuery {
    /// First day (YYYY-MM-DD); the first day of the month eleven months ago when left out.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD); today when left out.
    pub to: Option<String>,
}

/// One month's counts by kind, in `FeedbackKind::ALL` order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MonthCounts {
    /// YYYY-MM.
    pub month: String,
    pub counts: Vec<u64>,
    pub total: u64,
}

/// One category's counts by program, in `Trends::programs` order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CategoryCounts {
    pub category: FeedbackCategory,
    pub counts: Vec<u64>,
    pub total: u64,
}

/// A program column of the category table (`None`: feedback about no particular program).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProgramColumn {
    pub program_id: Option<Uuid>,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Trends {
    pub from: Date,
    pub to: Date,
    pub total: u64,
    pub kinds: Vec<FeedbackKind>,
    pub months: Vec<MonthCounts>,
    pub programs: Vec<ProgramColumn>,
    pub categories: Vec<CategoryCounts>,
    /// Items received in the period whose response was due by today or already given.
    pub responses_due: u64,
    /// Of those, the ones responded to by their due date.
    pub responded_on_time: u64,
    /// `responded_on_time / responses_due`, 0–1; none when nothing was due.
    pub on_time_share: Option<f64>,
    /// Median whole days from receipt to response, over the items responded to.
    pub median_days_to_response: Option<f64>,
}

fn month_start(d: Date) -> Date {
    d.replace_day(1).unwrap_or(d)
}

fn months_between(from: Date, to: Date) -> Vec<String> {
    let mut out = Vec::new();
    let mut m = month_start(from);
    while m <= to && out.len() < 120 {
        out.push(format!("{:04}-{:02}", m.year(), m.month() as u8));
        m = (m + Duration::days(32)).replace_day(1).unwrap_or(m + Duration::days(31));
    }
    out
}

fn parse_period(q: &TrendsQuery, today: Date) -> Result<(Date, Date), FieldErrors> {
    let mut errors = FieldErrors::new();
    let to = errors.optional_date("to", q.to.as_deref()).unwrap_or(today);
    let default_from = {
        let mut m = month_start(today);
        for _ in 0..11 {
            m = month_start(m - Duration::days(1));
        }
        m
    };
    let from = errors.optional_date("from", q.from.as_deref()).unwrap_or(default_from);
    if from > to {
        errors.add("from", "feedback-error-period-order");
    } else if (to - from).whole_days() > 3660 {
        errors.add("from", "feedback-error-period-long");
    }
    errors.finish((from, to))
}

pub async fn trends(state: &AppState, actor: &Actor, q: &TrendsQuery) -> AppResult<Trends> {
    require(state, actor, may_manage(actor), "ManageFeedback").await?;
    let conn = state.db.conn();
    let now = state.clock.now();
    let today = today_in(conn, actor.org_id, now).await?;
    let (from, to) = parse_period(q, today)?;
    use feedback_item::Column as C;
    type Row = (String, String, Option<Uuid>, Date, Date, Option<Date>);
    let rows: Vec<Row> = feedback_item::Entity::find()
        .select_only()
        .columns([C::Kind, C::Category, C::ProgramId, C::ReceivedOn, C::DueOn, C::RespondedOn])
        .filter(C::OrgId.eq(actor.org_id))
        .filter(C::ReceivedOn.gte(from))
        .filter(C::ReceivedOn.lte(to))
        .into_tuple()
        .all(conn)
        .await?;
    let kinds = FeedbackKind::ALL.to_vec();
    let month_names = months_between(from, to);
    let mut months: BTreeMap<String, Vec<u64>> =
        month_names.iter().map(|m| (m.clone(), vec![0; kinds.len()])).collect();
    let all_programs = db::org::programs(conn, actor.org_id).await?;
    let mut programs: Vec<ProgramColumn> =
        all_programs.iter().map(|p| ProgramColumn { program_id: Some(p.id), name: p.name.clone() }).collect();
    programs.push(ProgramColumn { program_id: None, name: String::new() });
    let column: HashMap<Option<Uuid>, usize> = programs.iter().enumerate().map(|(i, p)| (p.program_id, i)).collect();
    let mut categories: Vec<CategoryCounts> = FeedbackCategory::ALL
        .iter()
        .map(|c| CategoryCounts { category: *c, counts: vec![0; programs.len()], total: 0 })
        .collect();
    let (mut due, mut on_time) = (0u64, 0u64);
    let mut days: Vec<i64> = Vec::new();
    for (kind, category, program_id, received_on, due_on, responded_on) in &rows {
        let key = format!("{:04}-{:02}", received_on.year(), received_on.month() as u8);
        if let (Some(counts), Some(k)) =
            (months.get_mut(&key), FeedbackKind::parse(kind).and_then(|k| kinds.iter().position(|x| *x == k)))
        {
            counts[k] += 1;
        }
        let col = column.get(program_id).copied().unwrap_or(programs.len() - 1);
        if let Some(c) =
            FeedbackCategory::parse(category).and_then(|c| FeedbackCategory::ALL.iter().position(|x| *x == c))
        {
            categories[c].counts[col] += 1;
            categories[c].total += 1;
        }
        match responded_on {
            Some(r) => {
                due += 1;
                if responded_on_time(*due_on, *r) {
                    on_time += 1;
                }
                days.push((*r - *received_on).whole_days().max(0));
            }
            None if *due_on < today => due += 1,
            None => {}
        }
    }
    // Drop the no-program column when nothing was about no program, and programs with nothing in
    // the period that are no longer active.
    let keep: Vec<bool> = programs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let any = categories.iter().any(|c| c.counts[i] > 0);
            any || p.program_id.is_some_and(|id| all_programs.iter().any(|a| a.id == id && a.active))
        })
        .collect();
    let programs: Vec<ProgramColumn> = programs.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(p, _)| p).collect();
    for c in &mut categories {
        c.counts = c.counts.iter().zip(&keep).filter(|(_, k)| **k).map(|(n, _)| *n).collect();
    }
    let entry = actor_entry(actor, "feedback.trends")
        .detail(json!({ "from": from.to_string(), "to": to.to_string(), "items": rows.len() }));
    db::audit::append_soon(&state.db, entry, now).await?;
    Ok(Trends {
        from,
        to,
        total: rows.len() as u64,
        months: month_names
            .into_iter()
            .map(|m| {
                let counts = months.remove(&m).unwrap_or_default();
                MonthCounts { total: counts.iter().sum(), month: m, counts }
            })
            .collect(),
        kinds,
        programs,
        categories,
        responses_due: due,
        responded_on_time: on_time,
        on_time_share: if due == 0 { None } else { Some(on_time as f64 / due as f64) },
        median_days_to_response: median_days(&mut days),
    })
}

/// The trends as a spreadsheet: months by kind, then categories by program, then the response
/// measures. Labels in the reader's language.
pub fn trends_csv(t: &Trends, tr: &crate::i18n::Tr) -> AppResult<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(e.into());
    let mut head = vec![tr.t("feedback-trends-month")];
    head.extend(t.kinds.iter().map(|k| tr.t(&k.message_id())));
    head.push(tr.t("feedback-trends-total"));
    w.write_record(&head).map_err(fail)?;
    for m in &t.months {
        let mut row = vec![m.month.clone()];
        row.extend(m.counts.iter().map(u64::to_string));
        row.push(m.total.to_string());
        w.write_record(&row).map_err(fail)?;
    }
    w.write_record([""]).map_err(fail)?;
    let mut head = vec![tr.t("feedback-category")];
    head.extend(
        t.programs.iter().map(|p| if p.program_id.is_some() { p.name.clone() } else { tr.t("feedback-no-program") }),
    );
    head.push(tr.t("feedback-trends-total"));
    w.write_record(&head).map_err(fail)?;
    for c in &t.categories {
        let mut row = vec![tr.t(&c.category.message_id())];
        row.extend(c.counts.iter().map(u64::to_string));
        row.push(c.total.to_string());
        w.write_record(&row).map_err(fail)?;
    }
    w.write_record([""]).map_err(fail)?;
    w.write_record([tr.t("feedback-trends-period"), t.from.to_string(), t.to.to_string()]).map_err(fail)?;
    w.write_record([tr.t("feedback-trends-responses-due"), t.responses_due.to_string()]).map_err(fail)?;
    w.write_record([tr.t("feedback-trends-on-time"), t.responded_on_time.to_string()]).map_err(fail)?;
    let share = t.on_time_share.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_default();
    w.write_record([tr.t("feedback-trends-on-time-share"), share]).map_err(fail)?;
    let median = t.median_days_to_response.map(|d| d.to_string()).unwrap_or_default();
    w.write_record([tr.t("feedback-trends-median"), median]).map_err(fail)?;
    w.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}

// ---------- "you said, we did" ----------

async fn load_change(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<feedback_change::Model>, DbErr> {
    feedback_change::Entity::find()
        .filter(feedback_change::Column::OrgId.eq(org_id))
        .filter(feedback_change::Column::Id.eq(id))
        .one(conn)
        .await
}

/// An entry with its program and the items it cites.
#[derive(Clone, Debug)]
pub struct ChangeRow {
    pub change: feedback_change::Model,
    pub program_name: Option<String>,
    pub items: Vec<feedback_item::Model>,
}

/// Every entry, drafts first then newest; leads only.
pub async fn changes(state: &AppState, actor: &Actor) -> AppResult<Vec<ChangeRow>> {
    require(state, actor, may_manage(actor), "ManageFeedback").await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let all = feedback_change::Entity::find()
        .filter(feedback_change::Column::OrgId.eq(org_id))
        .order_by_asc(feedback_change::Column::Published)
        .order_by_desc(feedback_change::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut cited: HashMap<Uuid, Vec<feedback_item::Model>> = HashMap::new();
    for i in feedback_item::Entity::find()
        .filter(feedback_item::Column::OrgId.eq(org_id))
        .filter(feedback_item::Column::ChangeId.is_not_null())
        .order_by_asc(feedback_item::Column::ReceivedAt)
        .all(conn)
        .await?
    {
        if let Some(c) = i.change_id {
            cited.entry(c).or_default().push(i);
        }
    }
    let programs = program_names(conn, org_id).await?;
    let entry = actor_entry(actor, "feedback.changes.list").detail(json!({ "count": all.len() }));
    db::audit::append_soon(&state.db, entry, state.clock.now()).await?;
    Ok(all
        .into_iter()
        .map(|c| ChangeRow {
            program_name: c.program_id.and_then(|p| programs.get(&p).cloned()),
            items: cited.remove(&c.id).unwrap_or_default(),
            change: c,
        })
        .collect())
}

pub async fn change(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<ChangeRow> {
    require(state, actor, may_manage(actor), "ManageFeedback").await?;
    let conn = state.db.conn();
    let change = load_change(conn, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    let items = feedback_item::Entity::find()
        .filter(feedback_item::Column::OrgId.eq(actor.org_id))
        .filter(feedback_item::Column::ChangeId.eq(id))
        .all(conn)
        .await?;
    let programs = program_names(conn, actor.org_id).await?;
    Ok(ChangeRow { program_name: change.program_id.and_then(|p| programs.get(&p).cloned()), items, change })
}

async fn valid_change(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    input: &ChangeInput,
) -> AppResult<crate::domain::feedback::ValidChange> {
    let valid = input.parse()?;
    if let Some(p) = valid.program_id
        && !program_in_org(conn, org_id, p).await?
    {
        return Err(AppError::Invalid(FieldErrors::single("program_id", "error-unknown-choice")));
    }
    Ok(valid)
}

/// Names that must not appear on the board for an entry: the given, preferred and family names of
/// the people linked to the items it cites and the names people gave with their feedback.
async fn linked_names(conn: &impl ConnectionTrait, org_id: Uuid, change_id: Uuid) -> Result<Vec<String>, DbErr> {
    let items = feedback_item::Entity::find()
        .filter(feedback_item::Column::OrgId.eq(org_id))
        .filter(feedback_item::Column::ChangeId.eq(change_id))
        .all(conn)
        .await?;
    let mut names: Vec<String> = Vec::new();
    for i in &items {
        if let Some(n) = &i.submitter_name {
            names.extend(name_parts(n));
        }
    }
    let people: Vec<Uuid> = items.iter().filter_map(|i| i.person_id).collect();
    if !people.is_empty() {
        for p in person::Entity::find()
            .filter(person::Column::OrgId.eq(org_id))
            .filter(person::Column::Id.is_in(people))
            .all(conn)
            .await?
        {
            names.extend(name_parts(&p.legal_given_name));
            names.extend(name_parts(&p.legal_family_name));
            if let Some(pref) = &p.preferred_name {
                names.extend(name_parts(pref));
            }
            if let Some(e) = &p.emergency_name {
                names.extend(name_parts(e));
            }
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}

/// Creates a draft entry citing `item_ids` (the organisation's items; others are refused).
pub async fn create_change(
    state: &AppState,
    actor: &Actor,
    input: &ChangeInput,
    item_ids: &[Uuid],
) -> AppResult<feedback_change::Model> {
    require(state, actor, may_manage(actor), "ManageFeedback").await?;
    let conn = state.db.conn();
    let org_id = actor.org_id;
    let valid = valid_change(conn, org_id, input).await?;
    let items = if item_ids.is_empty() {
        Vec::new()
    } else {
        feedback_item::Entity::find()
            .filter(feedback_item::Column::OrgId.eq(org_id))
            .filter(feedback_item::Column::Id.is_in(item_ids.to_vec()))
            .all(conn)
            .await?
    };
    if items.len() != {
        let mut ids = item_ids.to_vec();
        ids.sort();
        ids.dedup();
        ids.len()
    } {
        return Err(AppError::Invalid(FieldErrors::single("item_ids", "feedback-error-items-unknown")));
    }
    let now = state.clock.now();
    let row = feedback_change::Model {
        id: Uuid::new_v4(),
        org_id,
        program_id: valid.program_id,
        you_said: valid.you_said,
        we_did: valid.we_did,
        published: false,
        published_on: None,
        published_by: None,
        created_by: actor.staff_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin_write().await?;
    feedback_change::Entity::insert(feedback_change::ActiveModel::from(row.clone()))
        .exec_without_returning(&*txn)
        .await?;
    for item in &items {
        let mut linked = item.clone();
        linked.change_id = Some(row.id);
        linked.version = item.version + 1;
        linked.updated_at = now;
        save(&txn, &linked, item.version).await?;
        add_event(
            &txn,
            &linked,
            FeedbackEventKind::Linked,
            Some(actor.staff_id),
            None,
            json!({ "change_id": row.id }),
            now,
        )
        .await?;
    }
    let entry = actor_entry(actor, "feedback.change.create")
        .record("feedback_change", row.id)
        .detail(json!({ "items": items.len() }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Edits an entry made against `version`. A published entry stays publishable: the words are
/// checked for personal data like on publishing.
pub async fn update_change(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    input: &ChangeInput,
) -> AppResult<feedback_change::Model> {
    require(state, actor, may_manage(actor), "ManageFeedback").await?;
    let conn = state.db.conn();
    let existing = load_change(conn, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    if existing.version != version {
        return Err(AppError::Conflict);
    }
    let valid = valid_change(conn, actor.org_id, input).await?;
    if existing.published {
        if !may_publish(actor) {
            return Err(deny(state, actor, "PublishFeedbackChanges", Some(("feedback_change", id))).await);
        }
        check_publishable(&valid.you_said, &valid.we_did, &linked_names(conn, actor.org_id, id).await?)?;
    }
    let now = state.clock.now();
    let mut row = existing.clone();
    row.you_said = valid.you_said;
    row.we_did = valid.we_did;
    row.program_id = valid.program_id;
    row.version = version + 1;
    row.updated_at = now;
    save_change(state, actor, &row, version, "feedback.change.update", json!({})).await?;
    Ok(row)
}

async fn save_change(
    state: &AppState,
    actor: &Actor,
    row: &feedback_change::Model,
    version: i32,
    action: &'static str,
    detail: serde_json::Value,
) -> AppResult<()> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let result = feedback_change::Entity::update_many()
        .set(feedback_change::ActiveModel::from(row.clone()).reset_all())
        .filter(feedback_change::Column::OrgId.eq(row.org_id))
        .filter(feedback_change::Column::Id.eq(row.id))
        .filter(feedback_change::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict);
    }
    db::audit::append(&txn, actor_entry(actor, action).record("feedback_change", row.id).detail(detail), now).await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes an entry on the public board (or takes it down). Publishing refuses words carrying an
/// e-mail address, a phone number or the name of anyone linked to the feedback it cites; the
/// refusal is audited.
pub async fn set_published(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    version: i32,
    publish: bool,
) -> AppResult<feedback_change::Model> {
    if !may_publish(actor) {
        return Err(deny(state, actor, "PublishFeedbackChanges", Some(("feedback_change", id))).await);
    }
    let conn = state.db.conn();
    let existing = load_change(conn, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
    if existing.version != version {
        return Err(AppError::Conflict);
    }
    let now = state.clock.now();
    if publish
        && let Err(errors) =
            check_publishable(&existing.you_said, &existing.we_did, &linked_names(conn, actor.org_id, id).await?)
    {
        let kinds: Vec<&str> = errors.0.iter().map(|e| e.message_id).collect();
        let entry = actor_entry(actor, "feedback.change.publish")
            .outcome(Outcome::Failure)
            .record("feedback_change", id)
            .detail(json!({ "refused": kinds }));
        db::audit::append_now(&state.db, entry, now).await?;
        return Err(AppError::Invalid(errors));
    }
    let today = today_in(conn, actor.org_id, now).await?;
    let mut row = existing.clone();
    row.published = publish;
    row.published_on =
        if publish { Some(existing.published_on.filter(|_| existing.published).unwrap_or(today)) } else { None };
    row.published_by = if publish { Some(actor.staff_id) } else { None };
    row.version = version + 1;
    row.updated_at = now;
    let action = if publish { "feedback.change.publish" } else { "feedback.change.unpublish" };
    save_change(state, actor, &row, version, action, json!({})).await?;
    Ok(row)
}

/// A published entry as the public board and the portal show it: no personal data, no ids of
/// feedback items.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublishedChange {
    pub id: Uuid,
    pub program_id: Option<Uuid>,
    pub program_name: Option<String>,
    pub you_said: String,
    pub we_did: String,
    pub published_on: Option<Date>,
}

/// The published entries, newest first, optionally for one program (entries for the whole
/// organisation are shown with every program).
pub async fn published_changes(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    program_id: Option<Uuid>,
) -> Result<Vec<PublishedChange>, DbErr> {
    use feedback_change::Column as C;
    let mut q = feedback_change::Entity::find().filter(C::OrgId.eq(org_id)).filter(C::Published.eq(true));
    if let Some(p) = program_id {
        q = q.filter(Condition::any().add(C::ProgramId.eq(p)).add(C::ProgramId.is_null()));
    }
    let rows = q.order_by_desc(C::PublishedOn).order_by_desc(C::CreatedAt).all(conn).await?;
    let programs = program_names(conn, org_id).await?;
    Ok(rows
        .into_iter()
        .map(|c| PublishedChange {
            id: c.id,
            program_id: c.program_id,
            program_name: c.program_id.and_then(|p| programs.get(&p).cloned()),
            you_said: c.you_said,
            we_did: c.we_did,
            published_on: c.published_on,
        })
        .collect())
}

/// The programs people may pick on the forms (active ones), by name.
pub async fn program_choices(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<program::Model>, DbErr> {
    let mut list: Vec<program::Model> =
        db::org::programs(conn, org_id).await?.into_iter().filter(|p| p.active).collect();
    list.sort_by_key(|p| p.name.to_lowercase());
    Ok(list)
}

/// Staff who can be given an item: active, by name.
pub async fn owner_choices(state: &AppState, org_id: Uuid) -> Result<Vec<staff::Model>, DbErr> {
    let mut list = db::staff::active(&state.db, org_id).await?;
    list.sort_by_key(|s| s.display_name.to_lowercase());
    Ok(list)
}

/// Programs by id, for labels.
pub async fn program_map(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, String>, DbErr> {
    program_names(conn, org_id).await
}
