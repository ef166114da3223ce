//! CSE 6.03 (the crisis procedure) and CSE 7 / CA-CSE 7 (the welcoming environment, feedback,
//! "you said, we did", program rules, advisory meetings).

use super::{as_of, count_of, failing, org_of, organisation_failing};
use crate::db::entities::{
    advisory_attendee, advisory_meeting, feedback_change, feedback_item, program, site, welcome_check, welcome_review,
};
use crate::domain::community::{WelcomeAnswer, add_months};
use crate::standards::measures::{FAILING_SHOWN, MeasureKey, MeasureResult, RecordKind, Scope};
use crate::voice::participation::{RuleVersion, current_rules};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
use time::{Date, Month};
use uuid::Uuid;

/// CSE 6.03. Total: 1, the organisation. Met: its current (latest) written crisis procedure exists,
/// every section the data model keeps has text (intervention and stabilisation, linking to
/// intensive services, calling emergency responders, domestic violence, anonymous callers,
/// mandatory reporting) and it was approved in the 12 months up to `as_of`. Failing: the
/// procedure, labelled with the organisation's name, with what is wrong.
pub(super) async fn crisis_procedure(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let org = org_of(conn, scope.org_id).await?;
    let as_of = as_of(scope);
    let link = "/crisis/procedure".to_string();
    let current = crate::db::intake::current_crisis_procedure(conn, scope.org_id).await?;
    let problem = match &current {
        None => Some(("readiness-why-crisis-procedure-missing", Vec::new())),
        Some(p) => {
            let empty: Vec<&str> = crate::web::crisis::procedure_sections(p)
                .into_iter()
                .filter(|(_, lines)| lines.is_empty())
                .map(|(id, _)| id.trim_start_matches("crisis-section-"))
                .collect();
            if !empty.is_empty() {
                Some(("readiness-why-crisis-procedure-sections", vec![("sections", empty.join(", "))]))
            } else if p.approved_on <= add_months(as_of, -12) {
                Some(("readiness-why-crisis-procedure-old", vec![("approved", p.approved_on.to_string())]))
            } else {
                None
            }
        }
    };
    let out: Vec<_> = problem
        .map(|(why, args)| {
            let id = current.as_ref().map_or(org.id, |p| p.id);
            failing(RecordKind::CrisisProcedure, id, &org.name, why, &args, link.clone())
        })
        .into_iter()
        .collect();
    Ok(MeasureResult::new(MeasureKey::CrisisProcedureCurrent, u64::from(out.is_empty()), 1, out))
}

/// CA-CSE 7.01. Total: active sites. Met: the site's latest welcoming review on or before `as_of`
/// was in the 12 months up to it and every checklist item was met (items marked not applicable are
/// left aside). Failing: the site, never reviewed, reviewed too long ago, or with the number of
/// items only partly met or not met.
pub(super) async fn welcoming_sites(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let as_of = as_of(scope);
    let sites = site::Entity::find()
        .filter(site::Column::OrgId.eq(scope.org_id))
        .filter(site::Column::Active.eq(true))
        .order_by_asc(site::Column::Name)
        .all(conn)
        .await?;
    let mut latest: HashMap<Uuid, welcome_review::Model> = HashMap::new();
    for r in welcome_review::Entity::find()
        .filter(welcome_review::Column::OrgId.eq(scope.org_id))
        .filter(welcome_review::Column::ReviewedOn.lte(as_of))
        .order_by_desc(welcome_review::Column::ReviewedOn)
        .order_by_desc(welcome_review::Column::CreatedAt)
        .all(conn)
        .await?
    {
        latest.entry(r.site_id).or_insert(r);
    }
    let ids: Vec<Uuid> = latest.values().map(|r| r.id).collect();
    let mut short: HashMap<Uuid, usize> = HashMap::new();
    for chunk in ids.chunks(400) {
        let answers: Vec<(Uuid, String)> = welcome_check::Entity::find()
            .select_only()
            .columns([welcome_check::Column::ReviewId, welcome_check::Column::Answer])
            .filter(welcome_check::Column::OrgId.eq(scope.org_id))
            .filter(welcome_check::Column::ReviewId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        for (review, answer) in answers {
            let answer = WelcomeAnswer::parse(&answer);
            if !matches!(answer, Some(WelcomeAnswer::Met | WelcomeAnswer::NotApplicable)) {
                *short.entry(review).or_default() += 1;
            }
        }
    }
    let year_ago = add_months(as_of, -12);
    let mut met = 0;
    let mut out = Vec::new();
    for s in &sites {
        let (why, args) = match latest.get(&s.id) {
            None => ("readiness-why-site-never-reviewed", Vec::new()),
            Some(r) if r.reviewed_on <= year_ago => {
                ("readiness-why-site-review-old", vec![("reviewed", r.reviewed_on.to_string())])
            }
            Some(r) => match short.get(&r.id) {
                None => {
                    met += 1;
                    continue;
                }
                Some(n) => (
                    "readiness-why-site-checklist-short",
                    vec![("count", n.to_string()), ("reviewed", r.reviewed_on.to_string())],
                ),
            },
        };
        out.push(failing(RecordKind::Site, s.id, &s.name, why, &args, format!("/voice/welcome/{}", s.id)));
    }
    Ok(MeasureResult::new(MeasureKey::WelcomingSites, met, sites.len() as u64, out))
}

/// CSE 7.02 (feedback answered). Total: feedback items received in the period whose response was
/// due by `as_of` or has been given (items still within their target are not yet due), as the
/// feedback trends count them. Met: responded to by the item's due date, which the response target
/// for its kind set on receipt (`domain::feedback::response_due`: complaints 10 days,
/// dissatisfaction 14, suggestions and compliments 30). Counted in SQL. Failing: the item, labelled
/// by the day it came and its kind (never its text or sender), oldest first.
pub(super) async fn feedback_answered(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    use feedback_item::Column as C;
    let as_of = as_of(scope);
    let due = || {
        feedback_item::Entity::find()
            .filter(C::OrgId.eq(scope.org_id))
            .filter(C::ReceivedOn.gte(scope.period.from))
            .filter(C::ReceivedOn.lte(scope.period.to))
            .filter(Condition::any().add(C::RespondedOn.is_not_null()).add(C::DueOn.lt(as_of)))
    };
    let (total, met): (i64, Option<i64>) = due()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "total")
        .column_as(
            Expr::cust("SUM(CASE WHEN responded_on IS NOT NULL AND responded_on <= due_on THEN 1 ELSE 0 END)"),
            "met",
        )
        .into_tuple()
        .one(conn)
        .await?
        .unwrap_or((0, None));
    let late: Vec<(Uuid, String, Date, Date, Option<Date>)> = due()
        .filter(Condition::any().add(C::RespondedOn.is_null()).add(Expr::col(C::RespondedOn).gt(Expr::col(C::DueOn))))
        .select_only()
        .columns([C::Id, C::Kind, C::ReceivedOn, C::DueOn, C::RespondedOn])
        .order_by_asc(C::ReceivedOn)
        .order_by_asc(C::Id)
        .limit(FAILING_SHOWN as u64)
        .into_tuple()
        .all(conn)
        .await?;
    let out = late
        .into_iter()
        .map(|(id, kind, received, due_on, responded)| {
            let label = format!("{received} · {kind}");
            let (why, days) = match responded {
                Some(r) => ("readiness-why-feedback-answered-late", (r - due_on).whole_days()),
                None => ("readiness-why-feedback-unanswered", (as_of - due_on).whole_days()),
            };
            let mut args = vec![("due", due_on.to_string()), ("days", days.to_string())];
            args.extend(responded.map(|r| ("responded", r.to_string())));
            failing(RecordKind::Feedback, id, &label, why, &args, format!("/voice/feedback/{id}"))
        })
        .collect();
    Ok(MeasureResult::new(MeasureKey::FeedbackAnswered, count_of(met), count_of(Some(total)), out))
}

/// A calendar quarter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Quarter {
    start: Date,
    end: Date,
}

impl Quarter {
    fn of(day: Date) -> Quarter {
        let first = (day.month() as u8 - 1) / 3 * 3 + 1;
        let start =
            Date::from_calendar_date(day.year(), Month::try_from(first).unwrap_or(Month::January), 1).unwrap_or(day);
        Quarter { start, end: add_months(start, 3).previous_day().unwrap_or(start) }
    }

    fn label(self) -> String {
        format!("{}-Q{}", self.start.year(), (self.start.month() as u8 - 1) / 3 + 1)
    }
}

/// The calendar quarters overlapping the period that count on `as_of`: those over by then, and a
/// quarter still running only once it already holds what is looked for (it has time left).
fn quarter_counts(scope: &Scope, dates: &[Date]) -> (u64, Vec<Quarter>) {
    let as_of = as_of(scope);
    let mut quarters = Vec::new();
    let mut q = Quarter::of(scope.period.from);
    while q.start <= scope.period.to {
        quarters.push(q);
        q = Quarter::of(q.end.next_day().unwrap_or(q.end));
        if quarters.len() > 400 {
            break;
        }
    }
    let held: HashSet<Date> = dates.iter().filter(|d| **d <= as_of).map(|d| Quarter::of(*d).start).collect();
    let mut met = 0;
    let mut missing = Vec::new();
    for q in quarters {
        if held.contains(&q.start) {
            met += 1;
        } else if q.end <= as_of {
            missing.push(q);
        }
    }
    (met, missing)
}

fn quarter_result(
    key: MeasureKey,
    org: &crate::db::entities::organisation::Model,
    scope: &Scope,
    dates: &[Date],
    why: &str,
    link: &str,
) -> MeasureResult {
    let (met, missing) = quarter_counts(scope, dates);
    let total = met + missing.len() as u64;
    let out = if missing.is_empty() {
        Vec::new()
    } else {
        let names = missing.iter().map(|q| q.label()).collect::<Vec<_>>().join(", ");
        vec![organisation_failing(org, why, &[("quarters", names), ("count", missing.len().to_string())], link)]
    };
    MeasureResult::new(key, met, total, out)
}

/// The first and last day of the quarters overlapping the period.
fn quarter_span(scope: &Scope) -> (Date, Date) {
    (Quarter::of(scope.period.from).start, Quarter::of(scope.period.to).end)
}

/// CSE 7.02 ("you said, we did"). Total: the calendar quarters overlapping the period, counting a
/// quarter still running on `as_of` only once it has a change published. Met: at least one change
/// published on the board in the quarter (any day of it, up to `as_of`). Failing: the organisation,
/// naming the quarters without one.
pub(super) async fn changes_published(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    use feedback_change::Column as C;
    let org = org_of(conn, scope.org_id).await?;
    let (first, last) = quarter_span(scope);
    let dates: Vec<Date> = feedback_change::Entity::find()
        .select_only()
        .column(C::PublishedOn)
        .filter(C::OrgId.eq(scope.org_id))
        .filter(C::Published.eq(true))
        .filter(C::PublishedOn.gte(first))
        .filter(C::PublishedOn.lte(last))
        .into_tuple::<Option<Date>>()
        .all(conn)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let why = "readiness-why-changes-not-published";
    Ok(quarter_result(MeasureKey::ChangesPublished, &org, scope, &dates, why, "/voice/changes"))
}

/// CSE 7.02 (advisory meetings). Total and quarters as for `changes-published`. Met: an advisory
/// council, community meeting, focus group or participant committee held in the quarter that
/// participants attended (a participant count above zero, or participants named). Failing: the
/// organisation, naming the quarters without one.
pub(super) async fn advisory_meetings(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    use advisory_meeting::Column as C;
    let org = org_of(conn, scope.org_id).await?;
    let (first, last) = quarter_span(scope);
    let meetings: Vec<(Uuid, Date, i32)> = advisory_meeting::Entity::find()
        .select_only()
        .columns([C::Id, C::HeldOn, C::ParticipantCount])
        .filter(C::OrgId.eq(scope.org_id))
        .filter(C::HeldOn.gte(first))
        .filter(C::HeldOn.lte(last))
        .into_tuple()
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = meetings.iter().filter(|(_, _, n)| *n <= 0).map(|(id, ..)| *id).collect();
    let mut named: HashSet<Uuid> = HashSet::new();
    for chunk in ids.chunks(400) {
        named.extend(
            advisory_attendee::Entity::find()
                .select_only()
                .column(advisory_attendee::Column::MeetingId)
                .distinct()
                .filter(advisory_attendee::Column::OrgId.eq(scope.org_id))
                .filter(advisory_attendee::Column::MeetingId.is_in(chunk.to_vec()))
                .into_tuple::<Uuid>()
                .all(conn)
                .await?,
        );
    }
    let dates: Vec<Date> =
        meetings.iter().filter(|(id, _, n)| *n > 0 || named.contains(id)).map(|(_, on, _)| *on).collect();
    let why = "readiness-why-advisory-meetings-missing";
    Ok(quarter_result(MeasureKey::AdvisoryMeetings, &org, scope, &dates, why, "/voice/meetings"))
}

/// CSE 7.02 (rules). Total: the current (latest) version of the rules of each active program that
/// has rules, and of the organisation-wide rules when there are some (adapted: organisation-wide
/// rules are often the only ones, and participants draft them too). Met: that version records how
/// participants took part in drafting it (a drafting method with participants counted, or a note of
/// what they did). Failing: the program (or the organisation), linked to the version.
pub(super) async fn rules_codrafted(conn: &DatabaseConnection, scope: &Scope) -> Result<MeasureResult, DbErr> {
    let org = org_of(conn, scope.org_id).await?;
    let programs: HashMap<Uuid, String> = program::Entity::find()
        .filter(program::Column::OrgId.eq(scope.org_id))
        .filter(program::Column::Active.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let ids: Vec<Uuid> = programs.keys().copied().collect();
    let current = current_rules(conn, scope.org_id, &ids).await?;
    let total = current.len() as u64;
    let mut met = 0;
    let mut out = Vec::new();
    for rule in current {
        let version = RuleVersion::of(rule);
        let drafted = version
            .drafting
            .iter()
            .any(|d| d.participants.unwrap_or(0) > 0 || d.note.as_deref().is_some_and(|n| !n.trim().is_empty()));
        if drafted {
            met += 1;
            continue;
        }
        let r = &version.rule;
        let link = format!("/voice/rules/{}", r.id);
        let args = [("version", r.version_number.to_string())];
        let why = "readiness-why-rules-drafting-missing";
        out.push(match r.program_id {
            Some(p) => failing(RecordKind::Program, p, programs.get(&p).map_or("", String::as_str), why, &args, link),
            None => organisation_failing(&org, why, &args, &link),
        });
    }
    out.sort_by_key(|f| f.label.to_lowercase());
    Ok(MeasureResult::new(MeasureKey::RulesCodrafted, met, total, out))
}
