//! Instruments and indicators (CSE 1.02; PRSC expected outcomes): the built-in catalogue (TOML data
//! files beside this module, parsed once) and the organisation's own definitions (`instruments`
//! table, one row per version), looked up alike by key and version.

use crate::access::{self, Action, Actor, Reach};
use crate::app::AppState;
use crate::audit::Outcome;
use crate::db;
use crate::db::entities::{instrument, outcome_measurement};
use crate::domain::FieldErrors;
use crate::domain::instruments::{InstrumentDef, InstrumentKind};
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::json;
use std::sync::LazyLock;
use utoipa::ToSchema;
use uuid::Uuid;

/// The built-in definitions' source files, in the order lists show them.
const CATALOGUE_FILES: &[(&str, &str)] = &[
    ("barc-10", include_str!("instruments/barc-10.toml")),
    ("who-5", include_str!("instruments/who-5.toml")),
    ("cssrs-screen", include_str!("instruments/cssrs-screen.toml")),
    ("housing-stability", include_str!("instruments/housing-stability.toml")),
    ("employment-education", include_str!("instruments/employment-education.toml")),
    ("justice-involvement", include_str!("instruments/justice-involvement.toml")),
    ("use-days-30", include_str!("instruments/use-days-30.toml")),
    ("basic-needs", include_str!("instruments/basic-needs.toml")),
    ("social-connectedness", include_str!("instruments/social-connectedness.toml")),
    ("isolation", include_str!("instruments/isolation.toml")),
    ("hope-self-efficacy", include_str!("instruments/hope-self-efficacy.toml")),
    ("goal-achievement", include_str!("instruments/goal-achievement.toml")),
    ("reengagement-days", include_str!("instruments/reengagement-days.toml")),
    ("community-participation", include_str!("instruments/community-participation.toml")),
];

static CATALOGUE: LazyLock<Vec<InstrumentDef>> = LazyLock::new(|| {
    CATALOGUE_FILES
        .iter()
        .map(|(name, text)| parse_builtin(text).unwrap_or_else(|e| panic!("src/outcomes/instruments/{name}.toml: {e}")))
        .collect()
});

/// Parses one catalogue file. A top-level `scale` is the default for items that name none.
fn parse_builtin(text: &str) -> Result<InstrumentDef, String> {
    let mut value: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let default_scale = value.remove("scale");
    if let Some(toml::Value::Array(items)) = value.get_mut("items") {
        for item in items {
            if let (toml::Value::Table(item), Some(scale)) = (item, &default_scale)
                && !item.contains_key("scale")
            {
                item.insert("scale".into(), scale.clone());
            }
        }
    }
    let mut def: InstrumentDef = toml::Value::Table(value).try_into().map_err(|e: toml::de::Error| e.to_string())?;
    def.built_in = true;
    def.active = true;
    def.version = 1;
    Ok(def)
}

/// Every built-in definition (not editable).
pub fn builtins() -> &'static [InstrumentDef] {
    &CATALOGUE
}

/// One built-in by key.
pub fn builtin(key: &str) -> Option<&'static InstrumentDef> {
    CATALOGUE.iter().find(|d| d.key == key)
}

/// A stored row's definition, with the row's own version, state and key taking precedence.
pub fn from_row(row: &instrument::Model) -> Result<InstrumentDef, DbErr> {
    let mut def: InstrumentDef = serde_json::from_str(&row.definition)
        .map_err(|e| DbErr::Custom(format!("instrument {} v{}: {e}", row.key, row.instrument_version)))?;
    def.key = row.key.clone();
    def.version = row.instrument_version;
    def.active = row.active;
    def.built_in = false;
    Ok(def)
}

/// A definition by key: the given version, or the latest (`None`). Built-ins have only version 1.
/// Retired definitions are still found (their measurements must stay readable).
pub async fn find(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    key: &str,
    version: Option<i32>,
) -> Result<Option<InstrumentDef>, DbErr> {
    if let Some(def) = builtin(key) {
        return Ok((version.is_none() || version == Some(def.version)).then(|| def.clone()));
    }
    let mut query = instrument::Entity::find()
        .filter(instrument::Column::OrgId.eq(org_id))
        .filter(instrument::Column::Key.eq(key))
        .order_by_desc(instrument::Column::InstrumentVersion);
    if let Some(v) = version {
        query = query.filter(instrument::Column::InstrumentVersion.eq(v));
    }
    query.one(conn).await?.as_ref().map(from_row).transpose()
}

/// Every definition the organisation can use now: the built-ins, then its own active ones (latest
/// version of each), by name.
pub async fn available(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<InstrumentDef>, DbErr> {
    let mut out: Vec<InstrumentDef> = builtins().to_vec();
    let mut own: Vec<InstrumentDef> =
        latest_rows(conn, org_id).await?.iter().filter(|r| r.active).map(from_row).collect::<Result<_, _>>()?;
    own.sort_by_key(|a| a.name.to_lowercase());
    out.extend(own);
    Ok(out)
}

/// The latest row of each of the organisation's keys.
async fn latest_rows(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<instrument::Model>, DbErr> {
    let rows = instrument::Entity::find()
        .filter(instrument::Column::OrgId.eq(org_id))
        .order_by_asc(instrument::Column::Key)
        .order_by_desc(instrument::Column::InstrumentVersion)
        .all(conn)
        .await?;
    let mut out: Vec<instrument::Model> = Vec::new();
    for row in rows {
        if out.last().is_none_or(|last| last.key != row.key) {
            out.push(row);
        }
    }
    Ok(out)
}

// ---------- reading, for the pages and the API ----------

/// One definition in the list: the latest version, how many versions there are, whether it is in use.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Listed {
    #[serde(flatten)]
    pub def: InstrumentDef,
    pub versions: i32,
    /// Measurements recorded on any version.
    pub measurements: u64,
}

/// One stored version of an organisation-defined definition.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VersionInfo {
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    pub measurements: u64,
}

/// A definition with its version history (built-ins have one version).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Detail {
    pub def: InstrumentDef,
    pub latest_version: i32,
    pub versions: Vec<VersionInfo>,
    /// Whether the reader may edit, copy or retire definitions.
    pub may_manage: bool,
}

/// Measurements recorded on `key` (every version when `version` is None).
pub async fn usage(conn: &impl ConnectionTrait, org_id: Uuid, key: &str, version: Option<i32>) -> Result<u64, DbErr> {
    let mut q = outcome_measurement::Entity::find()
        .filter(outcome_measurement::Column::OrgId.eq(org_id))
        .filter(outcome_measurement::Column::InstrumentKey.eq(key));
    if let Some(v) = version {
        q = q.filter(outcome_measurement::Column::InstrumentVersion.eq(v));
    }
    q.count(conn).await
}

async fn require(state: &AppState, actor: &Actor, action: Action) -> AppResult<()> {
    if access::allows(actor, action, Reach::Outside) {
        return Ok(());
    }
    let entry =
        actor_entry(actor, "access.denied").outcome(Outcome::Denied).detail(json!({ "action": format!("{action:?}") }));
    db::audit::append_now(&state.db, entry, state.clock.now()).await?;
    Err(AppError::Forbidden)
}

/// Every definition the reader can see: built-ins, then the organisation's own (retired ones too), by name.
pub async fn list(state: &AppState, actor: &Actor) -> AppResult<Vec<Listed>> {
    require(state, actor, Action::ViewOutcomeDesign).await?;
    let conn = state.db.conn();
    let mut out = Vec::new();
    for def in builtins() {
        out.push(Listed {
            def: def.clone(),
            versions: 1,
            measurements: usage(conn, actor.org_id, &def.key, None).await?,
        });
    }
    let mut own = Vec::new();
    for row in latest_rows(conn, actor.org_id).await? {
        let measurements = usage(conn, actor.org_id, &row.key, None).await?;
        own.push(Listed { def: from_row(&row)?, versions: row.instrument_version, measurements });
    }
    own.sort_by_key(|a| (!a.def.active, a.def.name.to_lowercase()));
    out.extend(own);
    Ok(out)
}

/// One definition (the given version, or the latest) with its history.
pub async fn detail(state: &AppState, actor: &Actor, key: &str, version: Option<i32>) -> AppResult<Detail> {
    require(state, actor, Action::ViewOutcomeDesign).await?;
    let conn = state.db.conn();
    let def = find(conn, actor.org_id, key, version).await?.ok_or(AppError::NotFound)?;
    let may_manage = access::allows(actor, Action::ManageInstruments, Reach::Outside);
    if def.built_in {
        let measurements = usage(conn, actor.org_id, key, None).await?;
        let created_at = time::OffsetDateTime::UNIX_EPOCH;
        return Ok(Detail {
            def,
            latest_version: 1,
            versions: vec![VersionInfo { version: 1, created_at, measurements }],
            may_manage,
        });
    }
    let rows = instrument::Entity::find()
        .filter(instrument::Column::OrgId.eq(actor.org_id))
        .filter(instrument::Column::Key.eq(key))
        .order_by_desc(instrument::Column::InstrumentVersion)
        .all(conn)
        .await?;
    let mut versions = Vec::with_capacity(rows.len());
    for row in &rows {
        let measurements = usage(conn, actor.org_id, key, Some(row.instrument_version)).await?;
        versions.push(VersionInfo { version: row.instrument_version, created_at: row.created_at, measurements });
    }
    let latest_version = rows.first().map(|r| r.instrument_version).unwrap_or(def.version);
    Ok(Detail { def, latest_version, versions, may_manage })
}

// ---------- writing ----------

/// How a save went: the definition as stored, and whether it became a new version.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Saved {
    pub def: InstrumentDef,
    /// True when the edited version had measurements, so the change was saved as the next version.
    pub new_version: bool,
}

fn row_model(
    org_id: Uuid,
    def: &InstrumentDef,
    created_by: Uuid,
    now: time::OffsetDateTime,
) -> Result<instrument::ActiveModel, AppError> {
    let definition = serde_json::to_string(def).map_err(|e| AppError::Internal(e.into()))?;
    Ok(instrument::ActiveModel {
        id: ActiveValue::Set(Uuid::new_v4()),
        org_id: ActiveValue::Set(org_id),
        key: ActiveValue::Set(def.key.clone()),
        instrument_version: ActiveValue::Set(def.version),
        name: ActiveValue::Set(def.name.clone()),
        kind: ActiveValue::Set(def.kind.code().to_string()),
        outcome_area: ActiveValue::Set(def.outcome_area.code().to_string()),
        active: ActiveValue::Set(def.active),
        definition: ActiveValue::Set(definition),
        created_by: ActiveValue::Set(Some(created_by)),
        version: ActiveValue::Set(1),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    })
}

/// What organisations may define: scales, screeners and indicators (derived ones need code that
/// reads records, so only the built-ins are derived; the Columbia rule belongs to its built-in).
fn check_own(def: &InstrumentDef) -> Result<(), FieldErrors> {
    let mut e = match def.validate() {
        Ok(()) => FieldErrors::new(),
        Err(e) => e,
    };
    if def.kind == InstrumentKind::Derived && e.for_field("kind").is_none() {
        e.add("kind", "instruments-error-derived-own");
    }
    e.finish(())
}

/// Creates an organisation-defined instrument at version 1.
pub async fn create(state: &AppState, actor: &Actor, mut def: InstrumentDef) -> AppResult<InstrumentDef> {
    require(state, actor, Action::ManageInstruments).await?;
    def.key = def.key.trim().to_string();
    def.version = 1;
    def.built_in = false;
    def.active = true;
    check_own(&def).map_err(AppError::Invalid)?;
    let txn = state.db.begin_write().await?;
    let taken = builtin(&def.key).is_some()
        || instrument::Entity::find()
            .filter(instrument::Column::OrgId.eq(actor.org_id))
            .filter(instrument::Column::Key.eq(&def.key))
            .count(&*txn)
            .await?
            > 0;
    if taken {
        return Err(AppError::Invalid(FieldErrors::single("key", "instruments-error-key-taken")));
    }
    let now = state.clock.now();
    instrument::Entity::insert(row_model(actor.org_id, &def, actor.staff_id, now)?).exec(&*txn).await?;
    crate::outcomes::stamp::bump(&*txn, actor.org_id, now).await?;
    let entry = actor_entry(actor, "instruments.create")
        .detail(json!({ "key": def.key, "version": 1, "copied_from": def.copied_from }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(def)
}

/// Saves a change to an organisation-defined instrument. `based_on` is the version the editor
/// started from and must still be the latest (else `Conflict`). A version with measurements is
/// never changed: the edit becomes the next version, and the measurements keep theirs.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    key: &str,
    based_on: i32,
    mut def: InstrumentDef,
) -> AppResult<Saved> {
    require(state, actor, Action::ManageInstruments).await?;
    if builtin(key).is_some() {
        return Err(AppError::Invalid(FieldErrors::single("key", "instruments-error-built-in")));
    }
    let txn = state.db.begin_write().await?;
    let latest = instrument::Entity::find()
        .filter(instrument::Column::OrgId.eq(actor.org_id))
        .filter(instrument::Column::Key.eq(key))
        .order_by_desc(instrument::Column::InstrumentVersion)
        .one(&*txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if latest.instrument_version != based_on {
        return Err(AppError::Conflict);
    }
    def.key = key.to_string();
    def.built_in = false;
    def.active = latest.active;
    def.version = latest.instrument_version;
    check_own(&def).map_err(AppError::Invalid)?;
    let used = usage(&*txn, actor.org_id, key, Some(latest.instrument_version)).await? > 0;
    let now = state.clock.now();
    if used {
        def.version = latest.instrument_version + 1;
        instrument::Entity::insert(row_model(actor.org_id, &def, actor.staff_id, now)?).exec(&*txn).await?;
    } else {
        let definition = serde_json::to_string(&def).map_err(|e| AppError::Internal(e.into()))?;
        let result = instrument::Entity::update_many()
            .col_expr(instrument::Column::Definition, Expr::value(definition))
            .col_expr(instrument::Column::Name, Expr::value(def.name.clone()))
            .col_expr(instrument::Column::Kind, Expr::value(def.kind.code()))
            .col_expr(instrument::Column::OutcomeArea, Expr::value(def.outcome_area.code()))
            .col_expr(instrument::Column::Version, Expr::value(latest.version + 1))
            .col_expr(instrument::Column::UpdatedAt, Expr::value(now))
            .filter(instrument::Column::Id.eq(latest.id))
            .filter(instrument::Column::Version.eq(latest.version))
            .exec(&*txn)
            .await?;
        if result.rows_affected == 0 {
            return Err(AppError::Conflict);
        }
    }
    crate::outcomes::stamp::bump(&*txn, actor.org_id, now).await?;
    let entry = actor_entry(actor, "instruments.update")
        .detail(json!({ "key": key, "version": def.version, "new_version": used }));
    db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(Saved { def, new_version: used })
}

/// Retires (`active = false`) or reactivates every version of an organisation-defined instrument.
/// Retired ones are no longer offered for new measurements; old measurements stay readable.
pub async fn set_active(state: &AppState, actor: &Actor, key: &str, active: bool) -> AppResult<InstrumentDef> {
    require(state, actor, Action::ManageInstruments).await?;
    if builtin(key).is_some() {
        return Err(AppError::Invalid(FieldErrors::single("key", "instruments-error-built-in")));
    }
    let txn = state.db.begin_write().await?;
    let now = state.clock.now();
    let result = instrument::Entity::update_many()
        .col_expr(instrument::Column::Active, Expr::value(active))
        .col_expr(instrument::Column::Version, Expr::col(instrument::Column::Version).add(1))
        .col_expr(instrument::Column::UpdatedAt, Expr::value(now))
        .filter(instrument::Column::OrgId.eq(actor.org_id))
        .filter(instrument::Column::Key.eq(key))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    crate::outcomes::stamp::bump(&*txn, actor.org_id, now).await?;
    let action = if active { "instruments.reactivate" } else { "instruments.retire" };
    db::audit::append(&txn, actor_entry(actor, action).detail(json!({ "key": key })), now).await?;
    let def = find(&*txn, actor.org_id, key, None).await?.ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(def)
}

/// Scores answers against a definition without storing anything (the "try it" preview and the API).
pub async fn try_score(
    state: &AppState,
    actor: &Actor,
    key: &str,
    version: Option<i32>,
    answers: &crate::domain::instruments::Answers,
) -> AppResult<(InstrumentDef, crate::domain::instruments::Scored)> {
    require(state, actor, Action::ViewOutcomeDesign).await?;
    let def = find(state.db.conn(), actor.org_id, key, version).await?.ok_or(AppError::NotFound)?;
    let scored = def.score(answers).map_err(AppError::Invalid)?;
    Ok((def, scored))
}

#[cfg(test)]
mod tests;
