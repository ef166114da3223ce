//! De-identified person-level outcomes (CSV) and the settings behind them.
//!
//! No names, contact details, birth dates, record numbers, notes or free-text answers leave here.
//! Each person gets a stable pseudonym (an HMAC of their id under the organisation's own secret), and
//! dates are either shifted by a per-person number of days (so intervals survive) or cut to the month.
//! Rotating the secret gives everyone new pseudonyms and shifts, for a new data-sharing agreement.
//! Every download is written to the audit log as an export.

use crate::access::{Action, Actor, Reach, allows};
use crate::app::AppState;
use crate::db::entities::{outcome_measurement, outcome_setting, person, program, site};
use crate::domain::FieldErrors;
use crate::domain::codes::Role;
use crate::domain::outcomes::{ExportDates, ExportShape, SHIFT_MAX_DAYS_LIMIT};
use crate::error::{AppError, AppResult};
use crate::web::actor_entry;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Rows read from the database at a time while an export is written.
const BATCH: u64 = 5_000;
const DEFAULT_SHIFT_DAYS: i32 = 30;

/// The organisation's export settings as shown (the secret itself never leaves the database).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ExportSettings {
    pub dates: ExportDates,
    pub shift_max_days: i32,
    /// When the current pseudonym secret was made; None until the first export creates it.
    pub key_created_at: Option<OffsetDateTime>,
    /// 0 until the settings are first saved.
    pub version: i32,
}

/// What a settings form or API call sends.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SettingsInput {
    /// shift or month
    pub dates: String,
    /// Largest shift in days either way (1–365), used when dates are shifted.
    pub shift_max_days: String,
    pub version: i32,
}

impl SettingsInput {
    fn parse(&self) -> Result<(ExportDates, i32), FieldErrors> {
        let mut e = FieldErrors::new();
        let dates = ExportDates::parse(&self.dates);
        if dates.is_none() {
            e.add("dates", "error-unknown-choice");
        }
        let raw = self.shift_max_days.trim();
        let shift = if raw.is_empty() { Some(DEFAULT_SHIFT_DAYS) } else { raw.parse::<i32>().ok() };
        let shift = match shift {
            Some(days) if (1..=SHIFT_MAX_DAYS_LIMIT).contains(&days) => days,
            _ => {
                e.add("shift_max_days", "outcome-exports-error-shift-days");
                DEFAULT_SHIFT_DAYS
            }
        };
        e.finish((dates.unwrap_or(ExportDates::Month), shift))
    }
}

fn view(row: Option<&outcome_setting::Model>) -> ExportSettings {
    match row {
        Some(r) => ExportSettings {
            dates: ExportDates::parse(&r.export_dates).unwrap_or(ExportDates::Month),
            shift_max_days: r.shift_max_days,
            key_created_at: Some(r.key_created_at),
            version: r.version,
        },
        // Month is the safer default: nothing finer than the month leaves until someone chooses shifting.
        None => ExportSettings {
            dates: ExportDates::Month,
            shift_max_days: DEFAULT_SHIFT_DAYS,
            key_created_at: None,
            version: 0,
        },
    }
}

pub fn may_export(actor: &Actor) -> bool {
    allows(actor, Action::ExportOutcomes, Reach::Outside)
}

/// Exporters and administrators choose how exports are made.
pub fn may_configure(actor: &Actor) -> bool {
    may_export(actor) || allows(actor, Action::ConfigureOrganisation, Reach::Outside)
}

pub async fn settings(state: &AppState, actor: &Actor) -> AppResult<ExportSettings> {
    if !may_configure(actor) {
        return Err(AppError::Forbidden);
    }
    let row = outcome_setting::Entity::find_by_id(actor.org_id).one(state.db.conn()).await?;
    Ok(view(row.as_ref()))
}

fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn new_row(org_id: Uuid, dates: ExportDates, shift: i32, now: OffsetDateTime) -> outcome_setting::ActiveModel {
    outcome_setting::ActiveModel {
        org_id: Set(org_id),
        export_dates: Set(dates.code().to_string()),
        shift_max_days: Set(shift),
        pseudonym_key: Set(new_key()),
        key_created_at: Set(now),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Saves the settings if they are still at `input.version` (0 = never saved).
pub async fn save_settings(state: &AppState, actor: &Actor, input: &SettingsInput) -> AppResult<ExportSettings> {
    if !may_configure(actor) {
        return Err(AppError::Forbidden);
    }
    let (dates, shift) = input.parse().map_err(AppError::Invalid)?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let current = outcome_setting::Entity::find_by_id(actor.org_id).one(&*txn).await?;
    match current {
        None if input.version == 0 => {
            outcome_setting::Entity::insert(new_row(actor.org_id, dates, shift, now))
                .exec_without_returning(&*txn)
                .await?;
        }
        Some(row) if row.version == input.version => {
            let result = outcome_setting::Entity::update_many()
                .col_expr(outcome_setting::Column::ExportDates, dates.code().into())
                .col_expr(outcome_setting::Column::ShiftMaxDays, shift.into())
                .col_expr(outcome_setting::Column::Version, (row.version + 1).into())
                .col_expr(outcome_setting::Column::UpdatedAt, now.into())
                .filter(outcome_setting::Column::OrgId.eq(actor.org_id))
                .filter(outcome_setting::Column::Version.eq(row.version))
                .exec(&*txn)
                .await?;
            if result.rows_affected == 0 {
                return Err(AppError::Conflict);
            }
        }
        _ => return Err(AppError::Conflict),
    }
    let entry = actor_entry(actor, "outcomes.export-settings")
        .detail(json!({ "dates": dates.code(), "shift_max_days": shift }));
    crate::db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    settings(state, actor).await
}

/// A new secret: every pseudonym and date shift changes from the next export on.
pub async fn rotate_key(state: &AppState, actor: &Actor, version: i32) -> AppResult<()> {
    if !may_configure(actor) {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let current = outcome_setting::Entity::find_by_id(actor.org_id).one(&*txn).await?;
    match current {
        None if version == 0 => {
            outcome_setting::Entity::insert(new_row(actor.org_id, ExportDates::Month, DEFAULT_SHIFT_DAYS, now))
                .exec_without_returning(&*txn)
                .await?;
        }
        Some(row) if row.version == version => {
            outcome_setting::Entity::update_many()
                .col_expr(outcome_setting::Column::PseudonymKey, new_key().into())
                .col_expr(outcome_setting::Column::KeyCreatedAt, now.into())
                .col_expr(outcome_setting::Column::Version, (row.version + 1).into())
                .col_expr(outcome_setting::Column::UpdatedAt, now.into())
                .filter(outcome_setting::Column::OrgId.eq(actor.org_id))
                .filter(outcome_setting::Column::Version.eq(row.version))
                .exec(&*txn)
                .await?;
        }
        _ => return Err(AppError::Conflict),
    }
    crate::db::audit::append(&txn, actor_entry(actor, "outcomes.export-key-rotated"), now).await?;
    txn.commit().await?;
    Ok(())
}

/// The settings row, made (with a fresh secret) on first use.
async fn settings_row(state: &AppState, org_id: Uuid) -> AppResult<outcome_setting::Model> {
    if let Some(row) = outcome_setting::Entity::find_by_id(org_id).one(state.db.conn()).await? {
        return Ok(row);
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    if outcome_setting::Entity::find_by_id(org_id).one(&*txn).await?.is_none() {
        outcome_setting::Entity::insert(new_row(org_id, ExportDates::Month, DEFAULT_SHIFT_DAYS, now))
            .exec_without_returning(&*txn)
            .await?;
    }
    txn.commit().await?;
    outcome_setting::Entity::find_by_id(org_id).one(state.db.conn()).await?.ok_or(AppError::NotFound)
}

fn mac(key: &str, purpose: &str, person_id: Uuid) -> [u8; 32] {
    let secret = hex::decode(key).unwrap_or_else(|_| key.as_bytes().to_vec());
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&secret).expect("HMAC takes a key of any length");
    mac.update(purpose.as_bytes());
    mac.update(person_id.as_bytes());
    mac.finalize().into_bytes().into()
}

/// A person's stable pseudonym under this secret: "P-" and 16 hex digits (64 bits; collisions are
/// negligible for any organisation's size).
pub fn pseudonym(key: &str, person_id: Uuid) -> String {
    format!("P-{}", hex::encode(&mac(key, "pseudonym", person_id)[..8]))
}

/// A person's date shift under this secret, from −max to +max days, the same in every export.
pub fn shift_days(key: &str, person_id: Uuid, max: i32) -> i64 {
    let max = i64::from(max.clamp(0, SHIFT_MAX_DAYS_LIMIT));
    let bytes = mac(key, "date-shift", person_id);
    let n = u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes"));
    (n % (2 * max as u64 + 1)) as i64 - max
}

/// How one date appears in an export.
pub fn export_date(date: Date, dates: ExportDates, shift: i64) -> String {
    match dates {
        ExportDates::Shift => (date + Duration::days(shift)).to_string(),
        ExportDates::Month => format!("{:04}-{:02}", date.year(), u8::from(date.month())),
    }
}

/// Which measurements an export covers.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema, utoipa::IntoParams)]
#[serde(default)]
pub struct ExportQuery {
    pub program_id: Option<String>,
    /// An instrument or indicator key, e.g. barc-10.
    pub instrument: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub from: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub to: Option<String>,
    /// measurements (default) or people
    pub shape: Option<String>,
}

/// A parsed `ExportQuery`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportFilter {
    pub program_id: Option<Uuid>,
    pub instrument: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub shape: ExportShape,
}

impl ExportQuery {
    pub fn parse(&self) -> Result<ExportFilter, FieldErrors> {
        let mut e = FieldErrors::new();
        let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let program_id = match blank(&self.program_id) {
            Some(raw) => match Uuid::parse_str(&raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    e.add("program_id", "error-unknown-choice");
                    None
                }
            },
            None => None,
        };
        let from = e.optional_date("from", blank(&self.from).as_deref());
        let to = e.optional_date("to", blank(&self.to).as_deref());
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            e.add("to", "outcome-exports-error-period");
        }
        let shape = match blank(&self.shape) {
            None => ExportShape::Measurements,
            Some(raw) => ExportShape::parse(&raw).unwrap_or_else(|| {
                e.add("shape", "error-unknown-choice");
                ExportShape::Measurements
            }),
        };
        e.finish(ExportFilter { program_id, instrument: blank(&self.instrument), from, to, shape })
    }
}

/// A finished download.
pub struct ExportFile {
    pub filename: String,
    pub bytes: Vec<u8>,
    pub rows: usize,
}

/// What the export needs to know of a person (read once for the whole organisation).
struct Facts {
    date_of_birth: Option<Date>,
    gender: String,
    race: String,
    ethnicity: String,
    language: String,
}

/// Id, birth date, gender, race codes, ethnicity and language, as read.
type FactsRow = (Uuid, Option<Date>, Option<String>, Option<String>, Option<String>, Option<String>);

async fn facts(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<HashMap<Uuid, Facts>, DbErr> {
    let rows: Vec<FactsRow> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::DateOfBirth)
        .column(person::Column::Gender)
        .column(person::Column::RaceCodes)
        .column(person::Column::Ethnicity)
        .column(person::Column::PreferredLanguage)
        .filter(person::Column::OrgId.eq(org_id))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, dob, gender, race, ethnicity, language)| {
            let facts = Facts {
                date_of_birth: dob,
                gender: gender.unwrap_or_default(),
                // Several codes are kept, joined by "|", so the analyst decides how to count them.
                race: race.unwrap_or_default().replace(';', "|"),
                ethnicity: ethnicity.unwrap_or_default(),
                language: language.unwrap_or_default(),
            };
            (id, facts)
        })
        .collect())
}

/// The de-identified CSV, audited as an export. Program directors get their own programs' rows;
/// the quality lead the whole organisation's.
pub async fn measurements_csv(state: &AppState, actor: &Actor, filter: &ExportFilter) -> AppResult<ExportFile> {
    if !may_export(actor) {
        return Err(AppError::Forbidden);
    }
    let programs_allowed: Option<Vec<Uuid>> =
        if actor.has(Role::QualityLead) { None } else { Some(actor.program_ids.clone()) };
    if let (Some(allowed), Some(p)) = (&programs_allowed, filter.program_id)
        && !allowed.contains(&p)
    {
        return Err(AppError::Forbidden);
    }
    let settings = settings_row(state, actor.org_id).await?;
    let dates = ExportDates::parse(&settings.export_dates).unwrap_or(ExportDates::Month);
    let conn = state.db.conn();
    let people = facts(conn, actor.org_id).await?;
    let program_names: HashMap<Uuid, String> = program::Entity::find()
        .filter(program::Column::OrgId.eq(actor.org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let site_names: HashMap<Uuid, String> = site::Entity::find()
        .filter(site::Column::OrgId.eq(actor.org_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut writer = Writer {
        key: settings.pseudonym_key.clone(),
        dates,
        shift_max: settings.shift_max_days,
        people: &people,
        programs: &program_names,
        sites: &site_names,
        csv: csv::Writer::from_writer(Vec::new()),
        rows: 0,
        pending: None,
        shape: filter.shape,
    };
    writer.header(filter.shape)?;
    let mut query = outcome_measurement::Entity::find().filter(outcome_measurement::Column::OrgId.eq(actor.org_id));
    if let Some(allowed) = &programs_allowed {
        query = query.filter(outcome_measurement::Column::ProgramId.is_in(allowed.clone()));
    }
    if let Some(p) = filter.program_id {
        query = query.filter(outcome_measurement::Column::ProgramId.eq(p));
    }
    if let Some(key) = &filter.instrument {
        query = query.filter(outcome_measurement::Column::InstrumentKey.eq(key.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(outcome_measurement::Column::TakenOn.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(outcome_measurement::Column::TakenOn.lte(to));
    }
    let query = query
        .order_by_asc(outcome_measurement::Column::PersonId)
        .order_by_asc(outcome_measurement::Column::InstrumentKey)
        .order_by_asc(outcome_measurement::Column::TakenOn)
        .order_by_asc(outcome_measurement::Column::Id);
    let mut offset = 0;
    loop {
        let batch = query.clone().offset(offset).limit(BATCH).all(conn).await?;
        let done = (batch.len() as u64) < BATCH;
        offset += batch.len() as u64;
        for m in &batch {
            match filter.shape {
                ExportShape::Measurements => writer.measurement(m)?,
                ExportShape::People => writer.person_measure(m)?,
            }
        }
        if done {
            break;
        }
    }
    writer.flush_person()?;
    let rows = writer.rows;
    let bytes = writer.csv.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))?;
    let detail = json!({
        "kind": "outcomes-csv",
        "shape": filter.shape.code(),
        "rows": rows,
        "dates": dates.code(),
        "program_id": filter.program_id,
        "instrument": filter.instrument,
        "from": filter.from.map(|d| d.to_string()),
        "to": filter.to.map(|d| d.to_string()),
    });
    let now = state.clock.now();
    crate::db::audit::append_now(&state.db, actor_entry(actor, "outcomes.export").detail(detail), now).await?;
    let filename = format!("outcomes-{}-{}.csv", filter.shape.code(), now.date());
    Ok(ExportFile { filename, bytes, rows })
}

/// One person's run of one measure, for the people shape.
struct Run {
    person_id: Uuid,
    key: String,
    program_id: Option<Uuid>,
    first: outcome_measurement::Model,
    latest: outcome_measurement::Model,
    count: u32,
}

struct Writer<'a> {
    key: String,
    dates: ExportDates,
    shift_max: i32,
    people: &'a HashMap<Uuid, Facts>,
    programs: &'a HashMap<Uuid, String>,
    sites: &'a HashMap<Uuid, String>,
    csv: csv::Writer<Vec<u8>>,
    rows: usize,
    pending: Option<Run>,
    shape: ExportShape,
}

fn csv_err(e: csv::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!(e.to_string()))
}

fn score_text(score: Option<f64>) -> String {
    match score {
        Some(s) if s.fract() == 0.0 => format!("{s:.0}"),
        Some(s) => format!("{s:.2}"),
        None => String::new(),
    }
}

impl Writer<'_> {
    fn header(&mut self, shape: ExportShape) -> AppResult<()> {
        let common = ["participant", "program", "age_band", "gender", "race", "ethnicity", "language", "instrument"];
        let rest: &[&str] = match shape {
            ExportShape::Measurements => {
                &["instrument_version", "site", "occasion", "source", "status", "date", "days_since_first", "score"]
            }
            ExportShape::People => {
                &["measurements", "first_date", "first_score", "latest_date", "latest_score", "days_between", "change"]
            }
        };
        self.csv.write_record(common.iter().chain(rest.iter())).map_err(csv_err)
    }

    fn person_columns(&self, person_id: Uuid, program_id: Option<Uuid>, on: Date, key: &str) -> Vec<String> {
        let facts = self.people.get(&person_id);
        vec![
            pseudonym(&self.key, person_id),
            program_id.and_then(|p| self.programs.get(&p)).cloned().unwrap_or_default(),
            crate::domain::disaggregation::age_band(facts.and_then(|f| f.date_of_birth), on).code().to_string(),
            facts.map(|f| f.gender.clone()).unwrap_or_default(),
            facts.map(|f| f.race.clone()).unwrap_or_default(),
            facts.map(|f| f.ethnicity.clone()).unwrap_or_default(),
            facts.map(|f| f.language.clone()).unwrap_or_default(),
            key.to_string(),
        ]
    }

    fn date(&self, person_id: Uuid, date: Date) -> String {
        export_date(date, self.dates, shift_days(&self.key, person_id, self.shift_max))
    }

    fn measurement(&mut self, m: &outcome_measurement::Model) -> AppResult<()> {
        // The first measurement of this person on this measure is the previous row's or this one.
        let first = match &self.pending {
            Some(run) if run.person_id == m.person_id && run.key == m.instrument_key => run.first.taken_on,
            _ => m.taken_on,
        };
        self.track(m);
        let mut record = self.person_columns(m.person_id, m.program_id, m.taken_on, &m.instrument_key);
        record.extend([
            m.instrument_version.to_string(),
            m.site_id.and_then(|s| self.sites.get(&s)).cloned().unwrap_or_default(),
            m.occasion.clone(),
            m.source.clone(),
            m.status.clone(),
            self.date(m.person_id, m.taken_on),
            (m.taken_on - first).whole_days().to_string(),
            score_text(m.score),
        ]);
        self.rows += 1;
        self.csv.write_record(&record).map_err(csv_err)
    }

    /// Follows the current person's run without writing (the measurements shape needs its first date).
    fn track(&mut self, m: &outcome_measurement::Model) {
        match &mut self.pending {
            Some(run) if run.person_id == m.person_id && run.key == m.instrument_key => {
                if m.score.is_some() {
                    run.latest = m.clone();
                    run.count += 1;
                }
            }
            _ => {
                self.pending = Some(Run {
                    person_id: m.person_id,
                    key: m.instrument_key.clone(),
                    program_id: m.program_id,
                    first: m.clone(),
                    latest: m.clone(),
                    count: u32::from(m.score.is_some()),
                })
            }
        }
    }

    /// The people shape: only answered measurements count; a run starts at the first answered one.
    fn person_measure(&mut self, m: &outcome_measurement::Model) -> AppResult<()> {
        if m.score.is_none() {
            return Ok(());
        }
        let same = matches!(&self.pending, Some(run) if run.person_id == m.person_id && run.key == m.instrument_key);
        if !same {
            self.flush_person()?;
        }
        self.track(m);
        Ok(())
    }

    fn flush_person(&mut self) -> AppResult<()> {
        let Some(run) = self.pending.take() else { return Ok(()) };
        if run.count == 0 || self.shape == ExportShape::Measurements {
            return Ok(());
        }
        let mut record = self.person_columns(run.person_id, run.program_id, run.latest.taken_on, &run.key);
        let change = match (run.first.score, run.latest.score) {
            (Some(a), Some(b)) if run.count >= 2 => score_text(Some(b - a)),
            _ => String::new(),
        };
        record.extend([
            run.count.to_string(),
            self.date(run.person_id, run.first.taken_on),
            score_text(run.first.score),
            self.date(run.person_id, run.latest.taken_on),
            score_text(run.latest.score),
            (run.latest.taken_on - run.first.taken_on).whole_days().to_string(),
            change,
        ]);
        self.rows += 1;
        self.csv.write_record(&record).map_err(csv_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn pseudonyms_are_stable_per_key_and_differ_between_people_and_keys() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        assert_eq!(pseudonym(KEY, a), pseudonym(KEY, a));
        assert_ne!(pseudonym(KEY, a), pseudonym(KEY, b));
        let other = "ff".repeat(32);
        assert_ne!(pseudonym(KEY, a), pseudonym(&other, a));
        assert!(pseudonym(KEY, a).starts_with("P-"));
        assert_eq!(pseudonym(KEY, a).len(), 18);
        assert!(!pseudonym(KEY, a).contains(&a.simple().to_string()[..8]));
    }

    #[test]
    fn month_dates_keep_only_year_and_month() {
        let d = Date::from_calendar_date(2026, time::Month::March, 9).unwrap();
        assert_eq!(export_date(d, ExportDates::Month, 17), "2026-03");
        assert_eq!(export_date(d, ExportDates::Shift, 17), "2026-03-26");
        assert_eq!(export_date(d, ExportDates::Shift, -9), "2026-02-28");
    }

    #[test]
    fn settings_input_refuses_bad_values() {
        let bad = SettingsInput { dates: "week".into(), shift_max_days: "0".into(), version: 0 };
        let errors = bad.parse().unwrap_err();
        assert!(errors.for_field("dates").is_some());
        assert!(errors.for_field("shift_max_days").is_some());
        let good = SettingsInput { dates: "shift".into(), shift_max_days: "".into(), version: 0 };
        assert_eq!(good.parse().unwrap(), (ExportDates::Shift, DEFAULT_SHIFT_DAYS));
    }

    proptest! {
        #[test]
        fn shifts_stay_within_the_chosen_limit(id in any::<u128>(), max in 0i32..=365) {
            let shift = shift_days(KEY, Uuid::from_u128(id), max);
            prop_assert!(shift.abs() <= i64::from(max));
            prop_assert_eq!(shift, shift_days(KEY, Uuid::from_u128(id), max));
        }
    }
}
