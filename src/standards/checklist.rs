//! The checklist beside each record of a reviewer's sample: for one person in one program, what
//! each element asks of their record, worked out live from it. Every item restates, for one
//! person, the rule of the evidence measure the catalogue names for those elements (see the
//! functions in `standards::measures::people`), so the checklist and the measures agree.
//!
//! A mark is met (✓), missing (✗), or not applicable to this person (not due yet, or nothing the
//! rule looks at, e.g. no elevated risk screen means no safety plan is due).

use crate::db::entities::{
    coaching_contact, enrolment, outcome_measurement, person, program, recovery_plan_version, referral, risk_response,
    risk_screen, safety_plan, service_request,
};
use crate::domain::community::Period;
use crate::domain::measures::{INTAKE_GRACE_DAYS, INTAKE_LOOKBACK_DAYS, PERIODIC_GRACE_DAYS, Schedule};
use crate::domain::referral::{ReferralStatus, ReferralUrgency};
use crate::domain::risk::RiskLevel;
use crate::standards::catalogue::{self, Source};
use crate::standards::measures::MeasureKey;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use time::{Date, Duration};
use utoipa::ToSchema;
use uuid::Uuid;

/// Days after the first service by which the first risk screen is due (as `risk_screened`).
const SCREEN_WITHIN_DAYS: i64 = 30;
/// Days in a program before a plan is expected (as `plans_in_place`).
const PLAN_AFTER_DAYS: i64 = 30;
/// A plan is reviewed at least this often (as `plans_reviewed_quarterly`).
const REVIEW_DAYS: i64 = 90;

text_code!(
    /// What the checklist checks, one item per evidence measure it restates.
    CheckItem {
        Screened => "screened",
        RiskScreened => "risk-screened",
        RiskResponded => "risk-responded",
        SafetyPlan => "safety-plan",
        PlanInPlace => "plan-in-place",
        PlanReviewed => "plan-reviewed",
        ContactMonthly => "contact-monthly",
        ProgressNotes => "progress-notes",
        ReferralFollowedUp => "referral-followed-up",
        OutcomesMeasured => "outcomes-measured",
    }
);

impl CheckItem {
    /// Message id of its column heading.
    pub fn label_id(self) -> String {
        format!("readiness-sample-item-{}", self.code())
    }

    /// The measure whose rule the item restates; the elements naming it are the item's elements.
    pub fn measure(self) -> MeasureKey {
        match self {
            CheckItem::Screened => MeasureKey::RequestsScreened,
            CheckItem::RiskScreened => MeasureKey::RiskScreened,
            CheckItem::RiskResponded => MeasureKey::RiskResponded,
            CheckItem::SafetyPlan => MeasureKey::SafetyPlanWhenAtRisk,
            CheckItem::PlanInPlace => MeasureKey::PlansInPlace,
            CheckItem::PlanReviewed => MeasureKey::PlansReviewedQuarterly,
            CheckItem::ContactMonthly => MeasureKey::ContactMonthly,
            CheckItem::ProgressNotes => MeasureKey::ProgressDocumented,
            CheckItem::ReferralFollowedUp => MeasureKey::ReferralsFollowedUp,
            CheckItem::OutcomesMeasured => MeasureKey::OutcomesMeasured,
        }
    }
}

text_code!(
    /// One cell of the checklist.
    Mark { Met => "met", Missing => "missing", NotApplicable => "na" }
);

fn mark(applies: bool, met: bool) -> Mark {
    match (applies, met) {
        (false, _) => Mark::NotApplicable,
        (true, true) => Mark::Met,
        (true, false) => Mark::Missing,
    }
}

/// A column: the item and the elements (of the sample's source, then PRSC) that name its measure.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Column {
    pub item: CheckItem,
    pub elements: Vec<String>,
}

/// One sampled record and its marks, in column order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Row {
    pub person_id: Uuid,
    pub record_number: i64,
    pub program_id: Uuid,
    pub program: String,
    pub marks: Vec<Mark>,
    /// The person's record (opened through the usual access check and audit).
    pub link: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Checklist {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// The columns for a source: every item whose measure an element of the source or of PRSC names.
pub fn columns(source: Source) -> Vec<Column> {
    let mut sources = vec![source];
    if source != Source::Prsc {
        sources.push(Source::Prsc);
    }
    CheckItem::ALL
        .iter()
        .filter_map(|item| {
            let key = item.measure();
            let elements: Vec<String> = sources
                .iter()
                .flat_map(|s| catalogue::edition(*s).elements())
                .filter(|(_, _, e)| e.measures.contains(&key))
                .map(|(_, _, e)| e.id.clone())
                .collect();
            (!elements.is_empty()).then_some(Column { item: *item, elements })
        })
        .collect()
}

/// Everything the rules read for the sampled people, loaded once per kind.
struct Records {
    tz: String,
    people: HashMap<Uuid, person::Model>,
    programs: HashMap<Uuid, program::Model>,
    schedules: HashMap<Uuid, Schedule>,
    enrolments: Vec<enrolment::Model>,
    requests: Vec<service_request::Model>,
    screens: Vec<risk_screen::Model>,
    responded: HashSet<Uuid>,
    safety: HashSet<Uuid>,
    plans: Vec<recovery_plan_version::Model>,
    contacts: Vec<coaching_contact::Model>,
    referrals: Vec<referral::Model>,
    measures: Vec<outcome_measurement::Model>,
}

macro_rules! of_people {
    ($conn:expr, $org:expr, $ids:expr, $entity:ident) => {
        $entity::Entity::find()
            .filter($entity::Column::OrgId.eq($org))
            .filter($entity::Column::PersonId.is_in($ids.iter().copied()))
            .all($conn)
            .await?
    };
}

impl Records {
    async fn load(conn: &impl ConnectionTrait, org_id: Uuid, ids: &[Uuid]) -> Result<Records, DbErr> {
        let org = crate::db::org::get(conn, org_id).await?;
        let people = person::Entity::find()
            .filter(person::Column::OrgId.eq(org_id))
            .filter(person::Column::Id.is_in(ids.iter().copied()))
            .all(conn)
            .await?;
        let programs = crate::db::org::programs(conn, org_id).await?;
        let responses: Vec<risk_response::Model> = of_people!(conn, org_id, ids, risk_response);
        let safety: Vec<safety_plan::Model> = of_people!(conn, org_id, ids, safety_plan);
        let requests = service_request::Entity::find()
            .filter(service_request::Column::OrgId.eq(org_id))
            .filter(service_request::Column::PersonId.is_in(ids.iter().copied()))
            .all(conn)
            .await?;
        Ok(Records {
            tz: org.map(|o| o.time_zone).unwrap_or_else(|| "UTC".into()),
            people: people.into_iter().map(|p| (p.id, p)).collect(),
            schedules: crate::outcomes::schedules::effective(conn, org_id).await?,
            programs: programs.into_iter().map(|p| (p.id, p)).collect(),
            enrolments: of_people!(conn, org_id, ids, enrolment),
            requests,
            screens: of_people!(conn, org_id, ids, risk_screen),
            responded: responses.into_iter().map(|r| r.screen_id).collect(),
            safety: safety.into_iter().map(|s| s.person_id).collect(),
            plans: of_people!(conn, org_id, ids, recovery_plan_version),
            contacts: of_people!(conn, org_id, ids, coaching_contact),
            referrals: of_people!(conn, org_id, ids, referral),
            measures: of_people!(conn, org_id, ids, outcome_measurement),
        })
    }

    fn day(&self, at: time::OffsetDateTime) -> Date {
        crate::app::local_date(&self.tz, at)
    }
}

/// What one person's rules look at.
struct Judged<'a> {
    r: &'a Records,
    person: Uuid,
    program: &'a program::Model,
    /// The person's enrolments in this program open during the period: earliest start, latest end
    /// (`None` while one is open).
    start: Date,
    end: Option<Date>,
    period: Period,
    today: Date,
    /// The last day judged: the period's end, or today while it runs.
    asof: Date,
}

impl Judged<'_> {
    fn individual(&self) -> bool {
        self.program.serves_individuals && !self.program.occasional_only
    }

    /// `request_screened`: a request for service of theirs has a screening decision (fit
    /// recorded, screened, referred out or closed with a reason).
    fn screened(&self) -> Mark {
        let mine: Vec<_> = self.r.requests.iter().filter(|q| q.person_id == Some(self.person)).collect();
        let decided = mine.iter().any(|q| {
            q.fit.is_some() || q.screened_at.is_some() || q.close_reason.is_some() || q.status == "referred-out"
        });
        // Someone enrolled with no request on record was never screened through intake.
        mark(true, decided)
    }

    fn elevated(&self) -> Vec<&risk_screen::Model> {
        self.r
            .screens
            .iter()
            .filter(|s| s.person_id == self.person && self.r.day(s.screened_at) <= self.asof)
            .filter(|s| RiskLevel::parse(&s.level).is_some_and(|l| l.needs_response()))
            .collect()
    }

    /// `risk_screened`: a risk screen within 30 days of their first enrolment or first service;
    /// not yet due while those 30 days run.
    fn risk_screened(&self) -> Mark {
        let first_service =
            self.r.requests.iter().filter(|q| q.person_id == Some(self.person)).filter_map(|q| q.first_service_on);
        let first_enrolment = self.r.enrolments.iter().filter(|e| e.person_id == self.person).map(|e| e.started_on);
        let Some(first) = first_service.chain(first_enrolment).min() else { return Mark::NotApplicable };
        let by = first.saturating_add(Duration::days(SCREEN_WITHIN_DAYS));
        let screened = self.r.screens.iter().any(|s| s.person_id == self.person && self.r.day(s.screened_at) <= by);
        mark(screened || by < self.today, screened)
    }

    /// `risk_responded`: every elevated (moderate or high) screen has a response recorded.
    fn risk_responded(&self) -> Mark {
        let elevated = self.elevated();
        mark(!elevated.is_empty(), elevated.iter().all(|s| self.r.responded.contains(&s.id)))
    }

    /// `safety_plan_when_at_risk`: with an elevated screen, a safety plan on record.
    fn safety_plan(&self) -> Mark {
        mark(!self.elevated().is_empty(), self.r.safety.contains(&self.person))
    }

    fn agreed_versions(&self) -> impl Iterator<Item = Date> + '_ {
        self.r.plans.iter().filter(|v| v.person_id == self.person && v.agreed_on <= self.asof).map(|v| v.agreed_on)
    }

    /// `plans_in_place`: in an individual program for 30 days or more, an agreed plan.
    fn plan_in_place(&self) -> Mark {
        let due = self.start.saturating_add(Duration::days(PLAN_AFTER_DAYS));
        let applies = self.individual() && due <= self.asof && self.end.is_none_or(|e| e >= due);
        mark(applies, self.agreed_versions().next().is_some())
    }

    /// `plans_reviewed_quarterly`, per person: the latest agreed version is no more than 90 days
    /// old on the last day judged (or the day they left); not due before a plan is 90 days old.
    fn plan_reviewed(&self) -> Mark {
        let judged = self.end.map_or(self.asof, |e| e.min(self.asof));
        let versions: Vec<Date> = self.agreed_versions().filter(|d| *d <= judged).collect();
        let (Some(first), Some(latest)) = (versions.iter().min(), versions.iter().max()) else {
            return Mark::NotApplicable;
        };
        let old_enough = first.saturating_add(Duration::days(REVIEW_DAYS)) < judged;
        mark(self.individual() && old_enough, latest.saturating_add(Duration::days(REVIEW_DAYS)) >= judged)
    }

    fn individual_contacts(&self) -> impl Iterator<Item = (Date, &coaching_contact::Model)> + '_ {
        self.r
            .contacts
            .iter()
            .filter(|c| c.person_id == self.person && c.group_session_id.is_none())
            .map(|c| (self.r.day(c.occurred_at), c))
    }

    /// `contact_monthly` (PRSC): in a peer-delivered coaching program, an individual contact in
    /// every calendar month wholly inside the period (to today) and their enrolment.
    fn contact_monthly(&self) -> Mark {
        if !(self.individual() && self.program.peer_delivered) {
            return Mark::NotApplicable;
        }
        let from = self.period.from.max(self.start);
        let to = self.end.map_or(self.asof, |e| e.min(self.asof));
        let months = whole_months(from, to);
        let seen: HashSet<(i32, u8)> = self.individual_contacts().map(|(d, _)| (d.year(), d.month() as u8)).collect();
        mark(!months.is_empty(), months.iter().all(|m| seen.contains(&(m.year(), m.month() as u8))))
    }

    /// `progress_documented`: in an individual program, an individual contact with a note in the
    /// period.
    fn progress_notes(&self) -> Mark {
        let noted = self
            .individual_contacts()
            .any(|(d, c)| d >= self.period.from && d <= self.period.to && !c.note.trim().is_empty());
        mark(self.individual(), noted)
    }

    /// `referrals_followed_up`: referrals made in the period (not cancelled) whose first follow-up
    /// fell due by today have their outcome recorded.
    fn referral_followed_up(&self) -> Mark {
        let due: Vec<&referral::Model> = self
            .r
            .referrals
            .iter()
            .filter(|f| f.person_id == self.person && f.status != ReferralStatus::Cancelled.code())
            .filter(|f| f.referred_on.is_some_and(|d| d >= self.period.from && d <= self.period.to))
            .filter(|f| {
                let urgency = ReferralUrgency::parse(&f.urgency).unwrap_or(ReferralUrgency::Routine);
                let on = f.referred_on.map(|d| crate::referrals::default_follow_up(urgency, d));
                on.is_some_and(|d| d <= self.today) || f.follow_up_on.is_some_and(|d| d <= self.today)
            })
            .collect();
        mark(!due.is_empty(), due.iter().all(|f| f.connected.is_some()))
    }

    /// `outcomes_measured`: with the program's measure schedule active, the intake instruments
    /// (from 30 days before the start on) once 14 days have passed since a start in the period,
    /// and each periodic one within `every_days` + 14 days while the enrolment is open.
    fn outcomes_measured(&self) -> Mark {
        let Some(schedule) = self.r.schedules.get(&self.program.id).filter(|s| s.active && !s.instruments.is_empty())
        else {
            return Mark::NotApplicable;
        };
        let taken = |key: &str, after: Date| {
            self.r.measures.iter().any(|m| {
                m.person_id == self.person && m.instrument_key == key && m.taken_on >= after && m.taken_on <= self.asof
            })
        };
        let intake: Vec<&str> = schedule.instruments.iter().filter(|i| i.intake).map(|i| i.key.as_str()).collect();
        let periodic: Vec<&str> = schedule.instruments.iter().filter(|i| i.periodic).map(|i| i.key.as_str()).collect();
        let intake_due = !intake.is_empty()
            && self.start >= self.period.from
            && self.start <= self.asof.saturating_sub(Duration::days(INTAKE_GRACE_DAYS));
        let since = self.asof.saturating_sub(Duration::days(i64::from(schedule.every_days) + PERIODIC_GRACE_DAYS));
        let periodic_due = !periodic.is_empty() && self.end.is_none_or(|e| e >= self.asof) && self.start <= since;
        let lookback = self.start.saturating_sub(Duration::days(INTAKE_LOOKBACK_DAYS));
        let met = (!intake_due || intake.iter().all(|k| taken(k, lookback)))
            && (!periodic_due || periodic.iter().all(|k| taken(k, since)));
        mark(intake_due || periodic_due, met)
    }

    fn check(&self, item: CheckItem) -> Mark {
        match item {
            CheckItem::Screened => self.screened(),
            CheckItem::RiskScreened => self.risk_screened(),
            CheckItem::RiskResponded => self.risk_responded(),
            CheckItem::SafetyPlan => self.safety_plan(),
            CheckItem::PlanInPlace => self.plan_in_place(),
            CheckItem::PlanReviewed => self.plan_reviewed(),
            CheckItem::ContactMonthly => self.contact_monthly(),
            CheckItem::ProgressNotes => self.progress_notes(),
            CheckItem::ReferralFollowedUp => self.referral_followed_up(),
            CheckItem::OutcomesMeasured => self.outcomes_measured(),
        }
    }
}

/// The first days of the calendar months lying wholly within `from..=to`.
fn whole_months(from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut first = from.replace_day(1).unwrap_or(from);
    if first < from {
        first = next_month(first);
    }
    while let Some(last) = next_month(first).previous_day() {
        if last > to {
            break;
        }
        out.push(first);
        first = next_month(first);
    }
    out
}

fn next_month(first: Date) -> Date {
    let (y, m) = if first.month() == time::Month::December {
        (first.year() + 1, time::Month::January)
    } else {
        (first.year(), first.month().next())
    };
    Date::from_calendar_date(y, m, 1).unwrap_or(first)
}

/// The checklist of `drawn` (program, person) pairs, in the order given.
pub async fn build(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    source: Source,
    period: Period,
    today: Date,
    drawn: &[(Uuid, Uuid)],
) -> Result<Checklist, DbErr> {
    let columns = columns(source);
    let mut ids: Vec<Uuid> = drawn.iter().map(|(_, p)| *p).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut rows = Vec::new();
    for chunk in ids.chunks(300) {
        let records = Records::load(conn, org_id, chunk).await?;
        for (program_id, person_id) in drawn.iter().filter(|(_, p)| chunk.contains(p)) {
            if let Some(row) = row_for(&records, &columns, *program_id, *person_id, period, today) {
                rows.push(row);
            }
        }
    }
    let order: HashMap<(Uuid, Uuid), usize> = drawn.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    rows.sort_by_key(|r| order.get(&(r.program_id, r.person_id)).copied().unwrap_or(usize::MAX));
    Ok(Checklist { columns, rows })
}

fn row_for(
    r: &Records,
    columns: &[Column],
    program_id: Uuid,
    person_id: Uuid,
    period: Period,
    today: Date,
) -> Option<Row> {
    let person = r.people.get(&person_id)?;
    let program = r.programs.get(&program_id)?;
    let spans: Vec<&enrolment::Model> = r
        .enrolments
        .iter()
        .filter(|e| e.person_id == person_id && e.program_id == program_id)
        .filter(|e| e.started_on <= period.to && e.ended_on.is_none_or(|d| d >= period.from))
        .collect();
    let start = spans.iter().map(|e| e.started_on).min()?;
    let end =
        if spans.iter().any(|e| e.ended_on.is_none()) { None } else { spans.iter().filter_map(|e| e.ended_on).max() };
    let judged = Judged { r, person: person_id, program, start, end, period, today, asof: period.to.min(today) };
    Some(Row {
        person_id,
        record_number: person.record_number,
        program_id,
        program: program.name.clone(),
        marks: columns.iter().map(|c| judged.check(c.item)).collect(),
        link: format!("/people/{person_id}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn only_months_wholly_inside_count() {
        let months = whole_months(date!(2025 - 11 - 19), date!(2026 - 11 - 18));
        assert_eq!(months.first(), Some(&date!(2025 - 12 - 01)));
        assert_eq!(months.last(), Some(&date!(2026 - 10 - 01)));
        assert_eq!(months.len(), 11);
        assert_eq!(whole_months(date!(2026 - 02 - 01), date!(2026 - 02 - 28)), vec![date!(2026 - 02 - 01)]);
        assert!(whole_months(date!(2026 - 02 - 02), date!(2026 - 02 - 28)).is_empty());
    }

    #[test]
    fn every_source_checks_the_core_of_a_case_record() {
        // The COA editions, each read beside PRSC.
        for source in &[Source::Cse2024, Source::CaCse2022, Source::CaCse2020] {
            let items: Vec<CheckItem> = columns(*source).iter().map(|c| c.item).collect();
            for item in
                [CheckItem::RiskScreened, CheckItem::PlanInPlace, CheckItem::ContactMonthly, CheckItem::ProgressNotes]
            {
                assert!(items.contains(&item), "{} checks {}", source.code(), item.code());
            }
        }
        let us = columns(Source::Cse2024);
        let plan = us.iter().find(|c| c.item == CheckItem::PlanInPlace).unwrap();
        assert!(plan.elements.contains(&"CSE 3.04.b".to_string()), "{:?}", plan.elements);
    }
}
