//! Measurement schedules and when a measure is due (CSE 1.02; the PRSC expected outcomes: people are
//! measured at intake, at regular reviews and at discharge so change can be shown). Pure rules, no IO.
//!
//! The due rules, per active enrolment and scheduled instrument (any measurement of the instrument
//! counts, complete or declined: a declined measure was offered, and is not asked again until the
//! next occasion):
//! - **Intake**: due from the enrolment's start when nothing was taken from `INTAKE_LOOKBACK_DAYS`
//!   before the start onwards; overdue `INTAKE_GRACE_DAYS` after the start.
//! - **Periodic**: due `every_days` after the latest measurement since the start (or after the start
//!   itself when the instrument is not taken at intake); shown as due soon `DUE_SOON_DAYS` before;
//!   overdue `PERIODIC_GRACE_DAYS` after the due date. Not shown while the intake one is still due.
//! - **Discharge**: once the enrolment has ended, due from the end date for `DISCHARGE_WINDOW_DAYS`
//!   (after that the person has usually gone and it drops off the list) unless a measurement was taken
//!   from `DISCHARGE_LOOKBACK_DAYS` before the end onwards; overdue `DISCHARGE_GRACE_DAYS` after the end.

use crate::domain::FieldErrors;
use crate::domain::outcomes::Occasion;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use utoipa::ToSchema;
use uuid::Uuid;

/// The review interval a new schedule starts with, in days.
pub const DEFAULT_EVERY_DAYS: i32 = 90;
/// The shortest and longest review intervals a schedule may have.
pub const EVERY_DAYS_RANGE: (i32, i32) = (7, 730);
/// A measurement this many days before the start still counts as the intake one.
pub const INTAKE_LOOKBACK_DAYS: i64 = 30;
/// Days after the start before an intake measure is overdue.
pub const INTAKE_GRACE_DAYS: i64 = 14;
/// Days before a periodic measure's due date that it shows as due soon.
pub const DUE_SOON_DAYS: i64 = 14;
/// Days after a periodic measure's due date before it is overdue.
pub const PERIODIC_GRACE_DAYS: i64 = 14;
/// Days after the end of an enrolment during which a discharge measure is asked for.
pub const DISCHARGE_WINDOW_DAYS: i64 = 30;
/// Days after the end before a discharge measure is overdue.
pub const DISCHARGE_GRACE_DAYS: i64 = 14;
/// A measurement this many days before the end counts as the discharge one.
pub const DISCHARGE_LOOKBACK_DAYS: i64 = 14;
/// The built-in schedule for programs serving individuals that have not saved their own.
pub const DEFAULT_INSTRUMENTS: [&str; 3] = ["barc-10", "who-5", "use-days-30"];

/// One instrument on a program's schedule and the occasions it is taken on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScheduledInstrument {
    /// The instrument's key (`barc-10`, `who-5`, an organisation's own…).
    pub key: String,
    #[serde(default)]
    pub intake: bool,
    /// Every `every_days` days while the person is enrolled.
    #[serde(default)]
    pub periodic: bool,
    #[serde(default)]
    pub discharge: bool,
}

impl ScheduledInstrument {
    pub fn any(&self) -> bool {
        self.intake || self.periodic || self.discharge
    }
}

/// A program's schedule (saved, or the default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Schedule {
    pub active: bool,
    pub every_days: i32,
    pub instruments: Vec<ScheduledInstrument>,
}

impl Schedule {
    pub fn item(&self, key: &str) -> Option<&ScheduledInstrument> {
        self.instruments.iter().find(|i| i.key == key)
    }
}

/// What a program serving individuals follows until someone saves its own schedule: BARC-10, WHO-5
/// and days of use at intake, every 90 days and at discharge.
pub fn default_schedule() -> Schedule {
    Schedule {
        active: true,
        every_days: DEFAULT_EVERY_DAYS,
        instruments: DEFAULT_INSTRUMENTS
            .iter()
            .map(|k| ScheduledInstrument { key: (*k).into(), intake: true, periodic: true, discharge: true })
            .collect(),
    }
}

/// A schedule as typed: the interval as text, the instruments with their occasions.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ScheduleInput {
    pub active: bool,
    pub every_days: String,
    pub instruments: Vec<ScheduledInstrument>,
}

/// Checks a schedule: the interval within `EVERY_DAYS_RANGE`, every instrument one the organisation
/// has that can be entered (`known`), each at most once. Rows with no occasion ticked are dropped.
pub fn check_schedule(input: &ScheduleInput, known: &[&str]) -> Result<Schedule, FieldErrors> {
    let mut errors = FieldErrors::new();
    let every_days = match input.every_days.trim().parse::<i32>() {
        Ok(n) if (EVERY_DAYS_RANGE.0..=EVERY_DAYS_RANGE.1).contains(&n) => n,
        Ok(_) => {
            errors.add_with(
                "every_days",
                "measures-error-every-days",
                vec![("min", EVERY_DAYS_RANGE.0.to_string()), ("max", EVERY_DAYS_RANGE.1.to_string())],
            );
            DEFAULT_EVERY_DAYS
        }
        Err(_) if input.every_days.trim().is_empty() => {
            errors.add("every_days", "error-required");
            DEFAULT_EVERY_DAYS
        }
        Err(_) => {
            errors.add("every_days", "error-whole-number");
            DEFAULT_EVERY_DAYS
        }
    };
    let mut instruments: Vec<ScheduledInstrument> = Vec::new();
    for item in &input.instruments {
        let key = item.key.trim();
        if !item.any() {
            continue;
        }
        let field = format!("instruments.{key}");
        if !known.contains(&key) {
            errors.add(&field, "measures-error-unknown-instrument");
        } else if instruments.iter().any(|i| i.key == key) {
            errors.add(&field, "measures-error-duplicate-instrument");
        } else {
            instruments.push(ScheduledInstrument { key: key.into(), ..item.clone() });
        }
    }
    errors.finish(Schedule { active: input.active, every_days, instruments })
}

/// An enrolment the due rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnrolmentSpan {
    pub enrolment_id: Uuid,
    pub person_id: Uuid,
    pub program_id: Uuid,
    pub started_on: Date,
    pub ended_on: Option<Date>,
}

/// A measurement as the due rules see it (complete or declined alike).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    pub instrument_key: String,
    pub taken_on: Date,
}

text_code!(
    /// Where a due measure stands today.
    DueState { Soon => "due-soon", Due => "due", Overdue => "overdue" }
);

/// One measure someone should take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct DueMeasure {
    pub person_id: Uuid,
    pub enrolment_id: Uuid,
    pub program_id: Uuid,
    pub instrument_key: String,
    pub occasion: Occasion,
    pub due_on: Date,
    pub overdue_on: Date,
    pub state: DueState,
}

impl DueMeasure {
    /// Days past the overdue date (0 when not overdue).
    pub fn days_overdue(&self, today: Date) -> i64 {
        (today - self.overdue_on).whole_days().max(0)
    }
}

fn state_of(today: Date, due_on: Date, overdue_on: Date) -> DueState {
    if today >= overdue_on {
        DueState::Overdue
    } else if today >= due_on {
        DueState::Due
    } else {
        DueState::Soon
    }
}

/// The measures due for one enrolment under `schedule`, given the person's measurements (any
/// instrument; only the scheduled ones are looked at). See the module notes for the rules.
pub fn due_for(enrolment: &EnrolmentSpan, schedule: &Schedule, taken: &[Taken], today: Date) -> Vec<DueMeasure> {
    let mut out = Vec::new();
    if !schedule.active || enrolment.started_on > today {
        return out;
    }
    let days = Duration::days;
    for item in &schedule.instruments {
        let dates = || taken.iter().filter(|t| t.instrument_key == item.key).map(|t| t.taken_on);
        let make = |occasion, due_on: Date, overdue_on: Date| DueMeasure {
            person_id: enrolment.person_id,
            enrolment_id: enrolment.enrolment_id,
            program_id: enrolment.program_id,
            instrument_key: item.key.clone(),
            occasion,
            due_on,
            overdue_on,
            state: state_of(today, due_on, overdue_on),
        };
        if let Some(end) = enrolment.ended_on {
            let window_open = today >= end && today <= end + days(DISCHARGE_WINDOW_DAYS);
            let done = dates().any(|d| d >= end - days(DISCHARGE_LOOKBACK_DAYS));
            if item.discharge && window_open && !done {
                out.push(make(Occasion::Discharge, end, end + days(DISCHARGE_GRACE_DAYS)));
            }
            continue;
        }
        let since_start = dates().filter(|d| *d >= enrolment.started_on - days(INTAKE_LOOKBACK_DAYS)).max();
        match since_start {
            None if item.intake => {
                let start = enrolment.started_on;
                out.push(make(Occasion::Intake, start, start + days(INTAKE_GRACE_DAYS)));
            }
            latest if item.periodic => {
                let base = latest.unwrap_or(enrolment.started_on);
                let due_on = base + days(i64::from(schedule.every_days));
                if today >= due_on - days(DUE_SOON_DAYS) {
                    out.push(make(Occasion::Review, due_on, due_on + days(PERIODIC_GRACE_DAYS)));
                }
            }
            _ => {}
        }
    }
    out
}

/// Most overdue first (earliest overdue date), then by due date and instrument.
pub fn sort_due(items: &mut [DueMeasure]) {
    items.sort_by(|a, b| {
        a.overdue_on.cmp(&b.overdue_on).then(a.due_on.cmp(&b.due_on)).then(a.instrument_key.cmp(&b.instrument_key))
    });
}

/// The occasion a new measurement of `key` is most likely for: the one it is due for, else intake
/// when the person has none of it yet, else a review.
pub fn suggest_occasion(due: &[DueMeasure], taken: &[Taken], key: &str) -> Occasion {
    if let Some(d) = due.iter().find(|d| d.instrument_key == key) {
        return d.occasion;
    }
    if taken.iter().any(|t| t.instrument_key == key) { Occasion::Review } else { Occasion::Intake }
}

/// Checks the date a measure was taken: required, never in the future, never before `earliest`
/// (the person's birth, or `INTAKE_LOOKBACK_DAYS` before their first enrolment).
pub fn check_taken_on(errors: &mut FieldErrors, raw: Option<&str>, today: Date, earliest: Option<Date>) -> Date {
    match errors.optional_date("taken_on", raw) {
        None if raw.map(str::trim).unwrap_or("").is_empty() => {
            errors.add("taken_on", "error-required");
            today
        }
        None => today,
        Some(d) if d > today => {
            errors.add("taken_on", "measures-error-future");
            d
        }
        Some(d) if earliest.is_some_and(|e| d < e) => {
            errors.add_with("taken_on", "measures-error-too-early", vec![("date", earliest.unwrap_or(d).to_string())]);
            d
        }
        Some(d) => d,
    }
}

/// The earliest date a person's measure may carry.
pub fn earliest_date(date_of_birth: Option<Date>, first_start: Option<Date>) -> Option<Date> {
    let from_enrolment = first_start.map(|d| d - Duration::days(INTAKE_LOOKBACK_DAYS));
    match (date_of_birth, from_enrolment) {
        (Some(b), Some(e)) => Some(b.max(e)),
        (b, e) => b.or(e),
    }
}

/// Change since the first complete score and whether it reaches the instrument's meaningful change.
pub fn change_since_first(first: f64, score: f64, meaningful: Option<f64>) -> (f64, bool) {
    let change = score - first;
    (change, meaningful.is_some_and(|m| m > 0.0 && change.abs() + 1e-9 >= m))
}

/// A calm sentence for a result, as a message id, where the instrument has a published reading:
/// WHO-5 at or below its cut-off suggests talking with a doctor; BARC-10 at or above 47 is at the
/// cut-off linked with sustained remission. None for other instruments (their own interpretation shows).
pub fn result_words(key: &str, score: f64, cut_off: Option<f64>) -> Option<&'static str> {
    match (key, cut_off) {
        ("who-5", Some(c)) if score <= c => Some("measures-result-who5-low"),
        ("who-5", Some(_)) => Some("measures-result-who5-ok"),
        ("barc-10", Some(c)) if score >= c => Some("measures-result-barc-at-cutoff"),
        ("barc-10", Some(_)) => Some("measures-result-barc-below"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn span(start: Date, end: Option<Date>) -> EnrolmentSpan {
        EnrolmentSpan {
            enrolment_id: Uuid::nil(),
            person_id: Uuid::nil(),
            program_id: Uuid::nil(),
            started_on: start,
            ended_on: end,
        }
    }

    fn one(key: &str, intake: bool, periodic: bool, discharge: bool) -> Schedule {
        Schedule {
            active: true,
            every_days: 90,
            instruments: vec![ScheduledInstrument { key: key.into(), intake, periodic, discharge }],
        }
    }

    fn taken(key: &str, on: Date) -> Taken {
        Taken { instrument_key: key.into(), taken_on: on }
    }

    #[test]
    fn intake_is_due_from_the_start_and_overdue_after_the_grace_period() {
        let s = one("who-5", true, true, true);
        let e = span(date!(2026 - 11 - 01), None);
        let on = |today| due_for(&e, &s, &[], today);
        assert!(on(date!(2026 - 10 - 31)).is_empty(), "not before the start");
        let d = &on(date!(2026 - 11 - 01))[0];
        assert_eq!((d.occasion, d.state), (Occasion::Intake, DueState::Due));
        assert_eq!(on(date!(2026 - 11 - 14))[0].state, DueState::Due);
        assert_eq!(on(date!(2026 - 11 - 15))[0].state, DueState::Overdue);
        assert_eq!(on(date!(2026 - 11 - 20))[0].days_overdue(date!(2026 - 11 - 20)), 5);
    }

    #[test]
    fn a_measure_shortly_before_the_start_counts_as_intake() {
        let s = one("who-5", true, false, false);
        let e = span(date!(2026 - 11 - 01), None);
        let today = date!(2026 - 11 - 18);
        assert!(due_for(&e, &s, &[taken("who-5", date!(2026 - 10 - 02))], today).is_empty());
        assert_eq!(due_for(&e, &s, &[taken("who-5", date!(2026 - 10 - 01))], today).len(), 1);
        assert_eq!(due_for(&e, &s, &[taken("barc-10", date!(2026 - 11 - 02))], today).len(), 1, "other instrument");
    }

    #[test]
    fn periodic_is_due_every_n_days_after_the_latest_with_a_due_soon_window() {
        let s = one("barc-10", true, true, false);
        let e = span(date!(2026 - 01 - 01), None);
        let t = [taken("barc-10", date!(2026 - 01 - 05)), taken("barc-10", date!(2026 - 04 - 01))];
        // Latest 1 April + 90 days = 30 June.
        let on = |today| due_for(&e, &s, &t, today);
        assert!(on(date!(2026 - 06 - 15)).is_empty());
        let d = &on(date!(2026 - 06 - 16))[0];
        assert_eq!((d.occasion, d.state, d.due_on), (Occasion::Review, DueState::Soon, date!(2026 - 06 - 30)));
        assert_eq!(on(date!(2026 - 06 - 30))[0].state, DueState::Due);
        assert_eq!(on(date!(2026 - 07 - 13))[0].state, DueState::Due);
        assert_eq!(on(date!(2026 - 07 - 14))[0].state, DueState::Overdue);
    }

    #[test]
    fn periodic_without_intake_counts_from_the_start() {
        let s = one("who-5", false, true, false);
        let e = span(date!(2026 - 01 - 01), None);
        let d = &due_for(&e, &s, &[], date!(2026 - 04 - 01))[0];
        assert_eq!((d.occasion, d.due_on), (Occasion::Review, date!(2026 - 04 - 01)));
        assert!(due_for(&e, &s, &[], date!(2026 - 03 - 17)).is_empty());
    }

    #[test]
    fn a_declined_measure_counts_as_offered() {
        // The due rules look only at dates: a declined measurement is a row like any other.
        let s = one("who-5", true, true, false);
        let e = span(date!(2026 - 11 - 01), None);
        assert!(due_for(&e, &s, &[taken("who-5", date!(2026 - 11 - 02))], date!(2026 - 11 - 18)).is_empty());
    }

    #[test]
    fn discharge_is_due_for_a_window_after_the_end() {
        let s = one("who-5", true, true, true);
        let e = span(date!(2026 - 01 - 01), Some(date!(2026 - 10 - 01)));
        let on = |t: &[Taken], today| due_for(&e, &s, t, today);
        let d = &on(&[], date!(2026 - 10 - 01))[0];
        assert_eq!((d.occasion, d.state), (Occasion::Discharge, DueState::Due));
        assert_eq!(on(&[], date!(2026 - 10 - 15))[0].state, DueState::Overdue);
        assert_eq!(on(&[], date!(2026 - 10 - 31)).len(), 1, "last day of the window");
        assert!(on(&[], date!(2026 - 11 - 01)).is_empty(), "window closed");
        assert!(on(&[taken("who-5", date!(2026 - 09 - 17))], date!(2026 - 10 - 05)).is_empty());
        assert_eq!(on(&[taken("who-5", date!(2026 - 09 - 16))], date!(2026 - 10 - 05)).len(), 1);
        let no_discharge = one("who-5", true, true, false);
        assert!(due_for(&e, &no_discharge, &[], date!(2026 - 10 - 05)).is_empty(), "nothing else after the end");
    }

    #[test]
    fn an_inactive_schedule_asks_for_nothing() {
        let mut s = one("who-5", true, true, true);
        s.active = false;
        assert!(due_for(&span(date!(2026 - 01 - 01), None), &s, &[], date!(2026 - 11 - 18)).is_empty());
    }

    #[test]
    fn most_overdue_sorts_first() {
        let s = default_schedule();
        let mut due = due_for(&span(date!(2026 - 01 - 01), None), &s, &[], date!(2026 - 11 - 18));
        due.extend(due_for(&span(date!(2025 - 01 - 01), None), &s, &[], date!(2026 - 11 - 18)));
        sort_due(&mut due);
        assert_eq!(due.len(), 6);
        assert_eq!(due[0].due_on, date!(2025 - 01 - 01));
    }

    #[test]
    fn schedules_are_checked() {
        let input = ScheduleInput {
            active: true,
            every_days: "3".into(),
            instruments: vec![
                ScheduledInstrument { key: "who-5".into(), intake: true, periodic: false, discharge: false },
                ScheduledInstrument { key: "who-5".into(), intake: true, periodic: false, discharge: false },
                ScheduledInstrument { key: "nope".into(), intake: true, periodic: false, discharge: false },
                ScheduledInstrument { key: "barc-10".into(), intake: false, periodic: false, discharge: false },
            ],
        };
        let errors = check_schedule(&input, &["who-5", "barc-10"]).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["every_days", "instruments.who-5", "instruments.nope"]);
        let ok = check_schedule(&ScheduleInput { every_days: "90".into(), ..input }, &["who-5", "barc-10", "nope"]);
        assert!(ok.is_err(), "still a duplicate");
    }

    #[test]
    fn taken_on_is_never_in_the_future_nor_too_early() {
        let today = date!(2026 - 11 - 18);
        let check = |raw: &str| {
            let mut e = FieldErrors::new();
            check_taken_on(&mut e, Some(raw), today, Some(date!(2026 - 01 - 01)));
            e.0.first().map(|e| e.message_id)
        };
        assert_eq!(check("2026-11-18"), None);
        assert_eq!(check("2026-11-19"), Some("measures-error-future"));
        assert_eq!(check("2025-12-31"), Some("measures-error-too-early"));
        assert_eq!(check("2026-01-01"), None);
        assert_eq!(check("18/11/2026"), Some("error-date-format"));
        assert_eq!(check(""), Some("error-required"));
    }

    #[test]
    fn meaningful_change_is_judged_either_way() {
        assert_eq!(change_since_first(40.0, 50.0, Some(10.0)), (10.0, true));
        assert_eq!(change_since_first(40.0, 30.0, Some(10.0)), (-10.0, true));
        assert_eq!(change_since_first(40.0, 49.0, Some(10.0)), (9.0, false));
        assert_eq!(change_since_first(40.0, 60.0, None), (20.0, false));
    }

    #[test]
    fn calm_words_follow_the_published_cut_offs() {
        assert_eq!(result_words("who-5", 50.0, Some(50.0)), Some("measures-result-who5-low"));
        assert_eq!(result_words("who-5", 52.0, Some(50.0)), Some("measures-result-who5-ok"));
        assert_eq!(result_words("barc-10", 47.0, Some(47.0)), Some("measures-result-barc-at-cutoff"));
        assert_eq!(result_words("barc-10", 46.0, Some(47.0)), Some("measures-result-barc-below"));
        assert_eq!(result_words("use-days-30", 4.0, None), None);
    }
}
