//! When a support group meets: an RFC 5545 recurrence rule kept in local wall-clock terms.
//!
//! The start date, start time and any UNTIL are local to the organisation's time zone, so a group
//! that meets at 18:00 keeps meeting at 18:00 across daylight-saving changes, and the whole rule
//! follows the organisation if its zone is corrected. The `rrule` crate expands the rule on
//! zone-less local times; jiff, the zone database the rest of the app uses, turns each local start
//! into an instant. A start that falls in a spring-forward gap moves on by the length of the gap
//! (02:30 becomes 03:30) and a fall-back time that happens twice takes its first instance, as
//! RFC 5545 asks.

use crate::domain::validation::FieldErrors;
use chrono::{Datelike as _, TimeZone as _, Timelike as _};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rrule::{Frequency, NWeekday, RRule, RRuleSet, Unvalidated, Weekday};
use std::ops::RangeInclusive;

/// Session length limits, in minutes.
pub const MINUTES: RangeInclusive<i32> = 5..=720;
/// Largest "every N weeks/months" the form offers.
pub const MAX_INTERVAL: u16 = 12;
/// Largest number of sessions a rule may be limited to.
pub const MAX_COUNT: u32 = 500;
/// No single expansion returns more than this, whatever the window.
pub const MAX_OCCURRENCES: usize = 2000;
const YEARS: RangeInclusive<i16> = 1900..=2200;
const DAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Mon),
    ("TU", Weekday::Tue),
    ("WE", Weekday::Wed),
    ("TH", Weekday::Thu),
    ("FR", Weekday::Fri),
    ("SA", Weekday::Sat),
    ("SU", Weekday::Sun),
];
const DAY_ARGS: [&str; 7] = ["day1", "day2", "day3", "day4", "day5", "day6", "day7"];

/// A group's meeting pattern.
///
/// `rrule` has no `RRULE:` prefix and no DTSTART. An UNTIL in it is local wall-clock time like
/// `starts_on` (`UNTIL=20251231T235959`); [`Rule::ical_rrule`] gives the UTC form RFC 5545 wants
/// beside a DTSTART with a TZID. Rules from [`RuleInput::validate`] start on their first session.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// None for a one-off session.
    pub rrule: Option<String>,
    pub starts_on: Date,
    pub start_time: Time,
    pub minutes: i32,
}

/// One session: when it starts and ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Ord, PartialOrd)]
pub struct Occurrence {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// What the web form and the API send. All strings as typed (forms send text).
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RuleInput {
    /// `once`, `weekly`, `monthly-weekday`, `monthly-date` or `custom`.
    pub frequency: String,
    /// Every N weeks or months, 1 to 12; empty means 1.
    pub interval: String,
    /// Weekly: the days, `MO` to `SU`.
    pub weekdays: Vec<String>,
    /// Monthly by weekday: `1` to `4`, or `-1` for the last.
    pub week_of_month: String,
    /// Monthly by weekday: `MO` to `SU`.
    pub weekday: String,
    /// Monthly by date: `1` to `31` (months without that day are skipped), or `-1` for the last day.
    pub month_day: String,
    /// Custom: an RFC 5545 RRULE, with or without the `RRULE:` prefix. DTSTART lines are ignored.
    pub rrule: String,
    /// YYYY-MM-DD.
    pub starts_on: String,
    /// HH:MM.
    pub start_time: String,
    /// Session length in minutes, 5 to 720.
    pub minutes: String,
    /// Optional last date (YYYY-MM-DD, inclusive, local).
    pub until: String,
    /// Optional number of sessions, 1 to 500.
    pub count: String,
}

impl Rule {
    /// Every occurrence starting in [from, to), in order; the local start time is kept across DST.
    /// An unknown zone is read as UTC, as elsewhere in the app.
    pub fn occurrences(&self, time_zone: &str, from: Timestamp, to: Timestamp) -> Vec<Occurrence> {
        self.occurrences_in(&zone(time_zone), from, to)
    }

    /// [`Rule::occurrences`] with the zone already looked up, for callers expanding many rules.
    pub fn occurrences_in(&self, tz: &TimeZone, from: Timestamp, to: Timestamp) -> Vec<Occurrence> {
        // Local times and instants differ by at most a day, so start walking two days early.
        let skip_to = tz.to_datetime(from).checked_sub(SignedDuration::from_hours(48)).ok();
        self.expand(tz, from, to, skip_to)
    }

    fn expand(&self, tz: &TimeZone, from: Timestamp, to: Timestamp, skip_to: Option<DateTime>) -> Vec<Occurrence> {
        let mut found = Vec::new();
        if from >= to {
            return found;
        }
        let length = SignedDuration::from_mins(i64::from(self.minutes));
        let occurrence = |local: DateTime| {
            let starts_at = tz.to_ambiguous_timestamp(local).compatible().ok()?;
            Some(Occurrence { starts_at, ends_at: starts_at.checked_add(length).ok()? })
        };
        // A stored rule passed validation; one that no longer parses has no sessions.
        let Ok(set) = self.set(tz, skip_to) else { return found };
        let Some(set) = set else {
            found.extend(occurrence(self.local_start()).filter(|o| o.starts_at >= from && o.starts_at < to));
            return found;
        };
        // A start pushed out of a spring-forward gap can pass a later local time, so look a little
        // past `to` before stopping.
        let stop = to.checked_add(SignedDuration::from_hours(3)).unwrap_or(to);
        for start in &set {
            let Some(o) = civil(&start).and_then(occurrence) else { break };
            if o.starts_at >= stop {
                break;
            }
            if o.starts_at >= from && o.starts_at < to {
                found.push(o);
                if found.len() >= MAX_OCCURRENCES {
                    break;
                }
            }
        }
        found.sort_unstable();
        found
    }

    /// The local start of the first occurrence (DTSTART) as a timestamp.
    pub fn first_start(&self, time_zone: &str) -> Option<Timestamp> {
        zone(time_zone).to_ambiguous_timestamp(self.local_start()).compatible().ok()
    }

    /// The first session's local start. It differs from [`Rule::local_start`] only for a rule built
    /// by hand whose start is not one of its own days; rules from `validate` start on their first.
    pub fn first_session_local(&self, time_zone: &str) -> Option<DateTime> {
        self.first_local(&zone(time_zone)).ok().flatten()
    }

    /// DTSTART as local wall-clock time, as written in a calendar with a TZID.
    pub fn local_start(&self) -> DateTime {
        self.starts_on.to_datetime(self.start_time)
    }

    /// The local end a rule's UNTIL gives, if it has one (rules from `validate` keep it local).
    pub fn until_local(&self) -> Option<DateTime> {
        Some(split(self.rrule.as_deref()?).ok()?.until?.local(&TimeZone::UTC))
    }

    /// The RRULE for a calendar feed: as stored, but with any UNTIL turned into UTC.
    pub fn ical_rrule(&self, time_zone: &str) -> Option<String> {
        let raw = self.rrule.as_deref()?;
        let Ok(Split { body, until: Some(until) }) = split(raw) else { return Some(raw.to_string()) };
        let tz = zone(time_zone);
        let at = tz.to_ambiguous_timestamp(until.local(&tz)).compatible().ok()?;
        let until = at.to_zoned(TimeZone::UTC).strftime("%Y%m%dT%H%M%SZ").to_string();
        Some(with_until(&body, &until))
    }

    /// Short human description used on pages, as a fluent message id plus args,
    /// e.g. weekly on Tuesday at 18:00. See also [`Rule::describe_end`].
    pub fn describe(&self) -> (&'static str, Vec<(&'static str, String)>) {
        let mut args = Vec::new();
        let id = match self.pattern() {
            Pattern::Once => {
                args.push(("date", self.starts_on.to_string()));
                "schedule-describe-once"
            }
            Pattern::Daily { interval } => {
                args.push(("interval", interval.to_string()));
                "schedule-describe-daily"
            }
            Pattern::Weekly { interval, days } => {
                args.push(("interval", interval.to_string()));
                for (i, name) in DAY_ARGS.into_iter().enumerate() {
                    args.push((name, days.get(i).map_or("none", |d| day_code(*d)).to_string()));
                }
                "schedule-describe-weekly"
            }
            Pattern::MonthlyWeekday { interval, week, day } => {
                args.push(("interval", interval.to_string()));
                args.push(("week", if week < 0 { "last".to_string() } else { week.to_string() }));
                args.push(("weekday", day_code(day).to_string()));
                "schedule-describe-monthly-weekday"
            }
            Pattern::MonthlyDate { interval, day } => {
                args.push(("interval", interval.to_string()));
                args.push(("day", if day < 0 { "last".to_string() } else { day.to_string() }));
                args.push(("skips", if day > 28 { "yes" } else { "no" }.to_string()));
                "schedule-describe-monthly-date"
            }
            Pattern::Custom => {
                args.push(("rule", self.rrule.clone().unwrap_or_default()));
                "schedule-describe-custom"
            }
        };
        args.push(("time", hhmm(self.start_time)));
        (id, args)
    }

    /// How a repeating rule ends, if it does: "until 2025-12-31" or "for 10 sessions".
    pub fn describe_end(&self) -> Option<(&'static str, Vec<(&'static str, String)>)> {
        let split = split(self.rrule.as_deref()?).ok()?;
        if let Some(until) = split.until {
            let date = until.local(&TimeZone::UTC).date();
            return Some(("schedule-describe-until", vec![("date", date.to_string())]));
        }
        let rule = split.body.parse::<RRule<Unvalidated>>().ok()?;
        Some(("schedule-describe-count", vec![("count", rule.get_count()?.to_string())]))
    }

    /// For re-filling an edit form: frequency "custom" when the rule doesn't fit a form pattern.
    pub fn to_input(&self) -> RuleInput {
        let mut input = RuleInput {
            starts_on: self.starts_on.to_string(),
            start_time: hhmm(self.start_time),
            minutes: self.minutes.to_string(),
            ..RuleInput::default()
        };
        let (frequency, interval) = match self.pattern() {
            Pattern::Once => ("once", None),
            Pattern::Weekly { interval, days } => {
                input.weekdays = days.into_iter().map(|d| day_code(d).to_string()).collect();
                ("weekly", Some(interval))
            }
            Pattern::MonthlyWeekday { interval, week, day } => {
                input.week_of_month = week.to_string();
                input.weekday = day_code(day).to_string();
                ("monthly-weekday", Some(interval))
            }
            Pattern::MonthlyDate { interval, day } => {
                input.month_day = day.to_string();
                ("monthly-date", Some(interval))
            }
            Pattern::Daily { .. } | Pattern::Custom => {
                input.frequency = "custom".into();
                input.rrule = self.rrule.clone().unwrap_or_default();
                return input;
            }
        };
        input.frequency = frequency.into();
        input.interval = interval.map(|i| i.to_string()).unwrap_or_default();
        if let Some(Ok(split)) = self.rrule.as_deref().map(split) {
            input.until = split.until.map(|u| u.local(&TimeZone::UTC).date().to_string()).unwrap_or_default();
            let count = split.body.parse::<RRule<Unvalidated>>().ok().and_then(|r| r.get_count());
            input.count = count.map(|c| c.to_string()).unwrap_or_default();
        }
        input
    }

    /// The rrule crate's set on floating local times (written as UTC); None for a one-off.
    /// With `skip_to`, the walk starts at the rule's last period boundary before it.
    fn set(&self, tz: &TimeZone, skip_to: Option<DateTime>) -> Result<Option<RRuleSet>, RuleError> {
        let Some(raw) = self.rrule.as_deref() else { return Ok(None) };
        let split = split(raw)?;
        let mut rule = parse_body(&split.body)?;
        let start = skip_to.and_then(|to| self.skip_start(&rule, to)).unwrap_or(self.local_start());
        let start = floating(start).ok_or(RuleError::Until)?;
        if let Some(until) = split.until {
            if rule.get_count().is_some() {
                return Err(RuleError::UntilAndCount);
            }
            let until = until.local(tz);
            if until < self.local_start() {
                return Err(RuleError::UntilBeforeStart);
            }
            rule = rule.until(floating(until).ok_or(RuleError::Until)?);
        }
        // `limit` stops a rule that never matches (30 February) instead of searching for ever.
        rule.build(start).map(|set| Some(set.limit())).map_err(invalid)
    }

    /// A start a whole number of periods (INTERVAL days, weeks, months or years) later and before
    /// `before`, so a far window is not reached by walking every session since the group began.
    /// The rule's phase and its defaults (weekday, day of month) stay the same; COUNT needs the
    /// walk from the real start.
    fn skip_start(&self, rule: &RRule<Unvalidated>, before: DateTime) -> Option<DateTime> {
        let start = self.local_start();
        if rule.get_count().is_some() || before <= start {
            return None;
        }
        let interval = i64::from(rule.get_interval().max(1));
        let months = i64::from(before.year() - start.year()) * 12 + i64::from(before.month() - start.month()) - 1;
        let span = match rule.get_freq() {
            Frequency::Daily | Frequency::Weekly => {
                let period = if rule.get_freq() == Frequency::Daily { interval } else { 7 * interval };
                let days = i64::from(start.date().until(before.date()).ok()?.get_days());
                jiff::Span::new().try_days(days / period * period).ok()?
            }
            Frequency::Monthly => jiff::Span::new().try_months(months / interval * interval).ok()?,
            _ => jiff::Span::new().try_years(months / 12 / interval * interval).ok()?,
        };
        let shifted = start.checked_add(span).ok()?;
        // Adding months to the 31st can land on the 30th, which would change a default day.
        let keeps_day = matches!(rule.get_freq(), Frequency::Daily | Frequency::Weekly) || shifted.day() == start.day();
        (shifted > start && shifted < before && keeps_day).then_some(shifted)
    }

    /// The first session's local start, or None when the rule produces none.
    fn first_local(&self, tz: &TimeZone) -> Result<Option<DateTime>, RuleError> {
        Ok(match self.set(tz, None)? {
            None => Some(self.local_start()),
            Some(set) => (&set).into_iter().next().as_ref().and_then(civil),
        })
    }

    fn pattern(&self) -> Pattern {
        let Some(raw) = self.rrule.as_deref() else { return Pattern::Once };
        let Ok(Split { body, until }) = split(raw) else { return Pattern::Custom };
        let Ok(rule) = body.parse::<RRule<Unvalidated>>() else { return Pattern::Custom };
        // The form's end date means "through that whole day"; any other UNTIL is custom.
        let form_until = match until {
            None | Some(Until::Date(_)) => true,
            Some(Until::Local(dt)) => dt.time() == Time::constant(23, 59, 59, 0),
            Some(Until::Utc(_)) => false,
        };
        let interval = rule.get_interval();
        let plain = form_until
            && interval <= MAX_INTERVAL
            && rule.get_week_start() == Weekday::Mon
            && rule.get_by_set_pos().is_empty()
            && rule.get_by_month().is_empty()
            && rule.get_by_year_day().is_empty()
            && rule.get_by_week_no().is_empty()
            && rule.get_by_hour().is_empty()
            && rule.get_by_minute().is_empty()
            && rule.get_by_second().is_empty();
        if !plain {
            return Pattern::Custom;
        }
        match (rule.get_freq(), rule.get_by_weekday(), rule.get_by_month_day()) {
            (Frequency::Daily, [], []) => Pattern::Daily { interval },
            (Frequency::Weekly, [], []) => Pattern::Weekly { interval, days: vec![weekday_of(self.starts_on)] },
            (Frequency::Weekly, days, []) if days.iter().all(|d| matches!(d, NWeekday::Every(_))) => {
                let mut days: Vec<Weekday> =
                    days.iter().filter_map(|d| if let NWeekday::Every(d) = d { Some(*d) } else { None }).collect();
                days.sort_by_key(|d| d.num_days_from_monday());
                days.dedup();
                Pattern::Weekly { interval, days }
            }
            (Frequency::Monthly, [NWeekday::Nth(week, day)], []) if matches!(week, 1..=4 | -1) => {
                Pattern::MonthlyWeekday { interval, week: *week, day: *day }
            }
            (Frequency::Monthly, [], [day]) if matches!(day, 1..=31 | -1) => {
                Pattern::MonthlyDate { interval, day: *day }
            }
            (Frequency::Monthly, [], []) => Pattern::MonthlyDate { interval, day: self.starts_on.day() },
            _ => Pattern::Custom,
        }
    }
}

/// The shapes the form can edit; anything else is shown and edited as a raw RRULE.
enum Pattern {
    Once,
    Daily { interval: u16 },
    Weekly { interval: u16, days: Vec<Weekday> },
    MonthlyWeekday { interval: u16, week: i16, day: Weekday },
    MonthlyDate { interval: u16, day: i8 },
    Custom,
}

impl RuleInput {
    /// Parses the form into a rule whose start is its first session (RFC 5545 leaves a DTSTART
    /// that the rule does not produce undefined, and calendar apps disagree about it).
    pub fn validate(&self, time_zone: &str) -> Result<Rule, FieldErrors> {
        let tz = zone(time_zone);
        let mut errors = FieldErrors::new();
        let starts_on = required_date(&mut errors, "starts_on", &self.starts_on);
        let start_time = required_time(&mut errors, &self.start_time);
        let minutes = self.minutes(&mut errors);
        // None: refused; Some(None): a one-off; Some(Some(..)): a rule and its UNTIL.
        let shape = match self.frequency.trim() {
            "" => {
                errors.add("frequency", "error-required");
                None
            }
            "once" => Some(None),
            "weekly" => self.weekly(&mut errors).map(Some),
            "monthly-weekday" => self.monthly_weekday(&mut errors).map(Some),
            "monthly-date" => self.monthly_date(&mut errors).map(Some),
            "custom" => self.custom(&mut errors, &tz).map(Some),
            _ => {
                errors.add("frequency", "error-unknown-choice");
                None
            }
        };
        let shape = match shape {
            Some(Some((rule, until))) => self.end(&mut errors, starts_on, rule, until).map(Some),
            other => other.map(|_| None),
        };
        let (Some(shape), Some(starts_on), Some(start_time), Some(minutes)) = (shape, starts_on, start_time, minutes)
        else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let rrule = shape.map(|(rule, until)| canonical(&rule, until.map(|u| u.local(&tz))));
        let mut rule = Rule { rrule, starts_on, start_time, minutes };
        let field = match self.frequency.trim() {
            "custom" => "rrule",
            _ if !self.until.trim().is_empty() => "until",
            _ => "frequency",
        };
        match rule.first_local(&tz) {
            Ok(Some(first)) => {
                rule.starts_on = first.date();
                rule.start_time = first.time();
                errors.finish(rule)
            }
            Ok(None) => {
                errors.add(field, "error-recurrence-empty");
                Err(errors)
            }
            Err(error) => {
                error.report(&mut errors, field);
                Err(errors)
            }
        }
    }

    fn minutes(&self, errors: &mut FieldErrors) -> Option<i32> {
        let raw = self.minutes.trim();
        if raw.is_empty() {
            errors.add("minutes", "error-required");
            return None;
        }
        let minutes = raw.parse::<i32>().ok().filter(|m| MINUTES.contains(m));
        if minutes.is_none() {
            errors.add_with("minutes", "error-schedule-minutes", range(MINUTES.start(), MINUTES.end()));
        }
        minutes
    }

    fn interval(&self, errors: &mut FieldErrors) -> Option<u16> {
        let raw = self.interval.trim();
        if raw.is_empty() {
            return Some(1);
        }
        let interval = raw.parse::<u16>().ok().filter(|i| (1..=MAX_INTERVAL).contains(i));
        if interval.is_none() {
            errors.add_with("interval", "error-schedule-interval", range(1, MAX_INTERVAL));
        }
        interval
    }

    fn weekly(&self, errors: &mut FieldErrors) -> Option<(RRule<Unvalidated>, Option<Until>)> {
        let interval = self.interval(errors);
        let codes: Vec<&str> = self.weekdays.iter().map(|d| d.trim()).filter(|d| !d.is_empty()).collect();
        let mut days: Vec<Weekday> = codes.iter().filter_map(|c| parse_day(c)).collect();
        if codes.is_empty() {
            errors.add("weekdays", "error-schedule-weekdays");
        } else if days.len() != codes.len() {
            errors.add("weekdays", "error-unknown-choice");
        }
        days.sort_by_key(|d| d.num_days_from_monday());
        days.dedup();
        let by_day = days.into_iter().map(NWeekday::Every).collect();
        Some((RRule::new(Frequency::Weekly).interval(interval?).by_weekday(by_day), None))
    }

    fn monthly_weekday(&self, errors: &mut FieldErrors) -> Option<(RRule<Unvalidated>, Option<Until>)> {
        let interval = self.interval(errors);
        let week = self.week_of_month.trim().parse::<i16>().ok().filter(|w| matches!(w, 1..=4 | -1));
        if week.is_none() {
            errors.add("week_of_month", "error-schedule-week-of-month");
        }
        let day = errors.required_code("weekday", &self.weekday, parse_day);
        let by_day = vec![NWeekday::Nth(week?, day?)];
        Some((RRule::new(Frequency::Monthly).interval(interval?).by_weekday(by_day), None))
    }

    fn monthly_date(&self, errors: &mut FieldErrors) -> Option<(RRule<Unvalidated>, Option<Until>)> {
        let interval = self.interval(errors);
        let day = self.month_day.trim().parse::<i8>().ok().filter(|d| matches!(d, 1..=31 | -1));
        if day.is_none() {
            errors.add("month_day", "error-schedule-month-day");
        }
        Some((RRule::new(Frequency::Monthly).interval(interval?).by_month_day(vec![day?]), None))
    }

    fn custom(&self, errors: &mut FieldErrors, tz: &TimeZone) -> Option<(RRule<Unvalidated>, Option<Until>)> {
        if self.rrule.trim().is_empty() {
            errors.add("rrule", "error-required");
            return None;
        }
        let parsed = split(&self.rrule).and_then(|s| {
            let rule = parse_body(&s.body)?;
            match (rule.get_count(), s.until) {
                (Some(_), Some(_)) => Err(RuleError::UntilAndCount),
                (Some(count), _) if !(1..=MAX_COUNT).contains(&count) => Err(RuleError::Count),
                // Keep UNTIL local from here on, like the form's end date.
                (_, until) => Ok((rule, until.map(|u| Until::Local(u.local(tz))))),
            }
        });
        parsed.map_err(|e| e.report(errors, "rrule")).ok()
    }

    /// Adds the form's end date or session count to a rule.
    fn end(
        &self,
        errors: &mut FieldErrors,
        starts_on: Option<Date>,
        mut rule: RRule<Unvalidated>,
        mut until: Option<Until>,
    ) -> Option<(RRule<Unvalidated>, Option<Until>)> {
        let (raw_until, raw_count) = (self.until.trim(), self.count.trim());
        let ends_already = until.is_some() || rule.get_count().is_some();
        if ends_already && !raw_until.is_empty() {
            errors.add("until", "error-schedule-end-twice");
        }
        if ends_already && !raw_count.is_empty() {
            errors.add("count", "error-schedule-end-twice");
        }
        if ends_already {
            return (raw_until.is_empty() && raw_count.is_empty()).then_some((rule, until));
        }
        let mut ok = true;
        if !raw_until.is_empty() && !raw_count.is_empty() {
            errors.add("count", "error-schedule-until-and-count");
            ok = false;
        }
        if !raw_until.is_empty() {
            match optional_date(errors, "until", raw_until) {
                Some(date) if starts_on.is_some_and(|s| date < s) => {
                    errors.add("until", "error-schedule-until-before-start");
                    ok = false;
                }
                Some(date) => until = Some(Until::Date(date)),
                None => ok = false,
            }
        }
        if !raw_count.is_empty() {
            match raw_count.parse::<u32>().ok().filter(|c| (1..=MAX_COUNT).contains(c)) {
                Some(count) => rule = rule.count(count),
                None => {
                    errors.add_with("count", "error-schedule-count", range(1, MAX_COUNT));
                    ok = false;
                }
            }
        }
        ok.then_some((rule, until))
    }
}

/// Why a typed or stored RRULE cannot be used.
#[derive(Clone, Debug, PartialEq)]
enum RuleError {
    /// The rrule crate's own reason.
    Invalid(String),
    OneRule,
    Until,
    UntilAndCount,
    UntilBeforeStart,
    TooFrequent,
    Count,
}

impl RuleError {
    fn report(self, errors: &mut FieldErrors, field: &str) {
        match self {
            RuleError::Invalid(reason) => errors.add_with(field, "error-recurrence-invalid", vec![("reason", reason)]),
            RuleError::OneRule => errors.add(field, "error-recurrence-one-rule"),
            RuleError::Until => errors.add(field, "error-recurrence-until"),
            RuleError::UntilAndCount => errors.add(field, "error-schedule-until-and-count"),
            RuleError::UntilBeforeStart => errors.add(field, "error-schedule-until-before-start"),
            RuleError::TooFrequent => errors.add(field, "error-recurrence-too-frequent"),
            RuleError::Count => errors.add_with(field, "error-schedule-count", range(1, MAX_COUNT)),
        }
    }
}

fn invalid(error: rrule::RRuleError) -> RuleError {
    RuleError::Invalid(match error {
        rrule::RRuleError::ParserError(e) => e.to_string(),
        rrule::RRuleError::ValidationError(e) => e.to_string(),
        rrule::RRuleError::IterError(e) => e,
    })
}

fn parse_body(body: &str) -> Result<RRule<Unvalidated>, RuleError> {
    let rule = body.parse::<RRule<Unvalidated>>().map_err(invalid)?;
    // Groups meet at most daily; finer rules would flood the calendar and the attendance lists.
    if rule.get_freq() > Frequency::Daily {
        return Err(RuleError::TooFrequent);
    }
    Ok(rule)
}

/// An RRULE split into what the rrule crate parses and the UNTIL handled here: the crate would
/// read a floating UNTIL in the server's own zone.
struct Split {
    body: String,
    until: Option<Until>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Until {
    /// A date alone: through the end of that local day.
    Date(Date),
    Local(DateTime),
    Utc(Timestamp),
}

impl Until {
    fn local(self, tz: &TimeZone) -> DateTime {
        match self {
            Until::Date(date) => date.to_datetime(Time::constant(23, 59, 59, 0)),
            Until::Local(local) => local,
            Until::Utc(at) => tz.to_datetime(at),
        }
    }
}

/// Accepts what people paste from calendar apps: an optional `RRULE:` prefix and DTSTART lines,
/// which are dropped because the start comes from the form.
fn split(raw: &str) -> Result<Split, RuleError> {
    let mut body = None;
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("DTSTART") {
            continue;
        }
        let value = match upper.strip_prefix("RRULE:") {
            Some(_) => &line["RRULE:".len()..],
            None if line.contains(':') => return Err(RuleError::OneRule),
            None => line,
        };
        if body.replace(value).is_some() {
            return Err(RuleError::OneRule);
        }
    }
    let mut parts = Vec::new();
    let mut until = None;
    for part in body.unwrap_or_default().split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        if key.trim().eq_ignore_ascii_case("UNTIL") {
            if until.replace(parse_until(value)?).is_some() {
                return Err(RuleError::Until);
            }
        } else if !key.trim().eq_ignore_ascii_case("DTSTART") {
            parts.push(part);
        }
    }
    Ok(Split { body: parts.join(";"), until })
}

/// `20251231`, `20251231T180000` (local) or `20251231T230000Z`.
fn parse_until(value: &str) -> Result<Until, RuleError> {
    let value = value.trim();
    let number = |at: usize, len: usize| -> Option<i16> {
        let digits = value.get(at..at + len)?;
        if digits.bytes().all(|b| b.is_ascii_digit()) { digits.parse().ok() } else { None }
    };
    let small = |at: usize| number(at, 2).and_then(|v| i8::try_from(v).ok());
    let parse = || -> Option<Until> {
        let date = Date::new(number(0, 4)?, small(4)?, small(6)?).ok()?;
        let utc = match value.get(8..)? {
            "" => return Some(Until::Date(date)),
            rest if rest.len() == 7 && rest.starts_with(['T', 't']) => false,
            rest if rest.len() == 8 && rest.starts_with(['T', 't']) && rest.ends_with(['Z', 'z']) => true,
            _ => return None,
        };
        let local = date.to_datetime(Time::new(small(9)?, small(11)?, small(13)?, 0).ok()?);
        Some(if utc { Until::Utc(TimeZone::UTC.to_timestamp(local).ok()?) } else { Until::Local(local) })
    };
    parse().ok_or(RuleError::Until)
}

/// The stored form, FREQ first and a local UNTIL after it. Written here because the rrule crate
/// prints `1SA` as `SA`, which means every Saturday.
fn canonical(rule: &RRule<Unvalidated>, until: Option<DateTime>) -> String {
    let mut parts = vec![format!("FREQ={}", rule.get_freq())];
    if let Some(until) = until {
        parts.push(format!("UNTIL={}", until.strftime("%Y%m%dT%H%M%S")));
    }
    if let Some(count) = rule.get_count() {
        parts.push(format!("COUNT={count}"));
    }
    if rule.get_interval() != 1 {
        parts.push(format!("INTERVAL={}", rule.get_interval()));
    }
    if rule.get_week_start() != Weekday::Mon {
        parts.push(format!("WKST={}", day_code(rule.get_week_start())));
    }
    let list = |key: &str, values: Vec<String>| (!values.is_empty()).then(|| format!("{key}={}", values.join(",")));
    let days = rule.get_by_weekday().iter().map(|d| match d {
        NWeekday::Every(day) => day_code(*day).to_string(),
        NWeekday::Nth(n, day) => format!("{n}{}", day_code(*day)),
    });
    let lists = [
        list("BYSETPOS", text(rule.get_by_set_pos())),
        list("BYMONTH", text(rule.get_by_month())),
        list("BYMONTHDAY", text(rule.get_by_month_day())),
        list("BYWEEKNO", text(rule.get_by_week_no())),
        list("BYYEARDAY", text(rule.get_by_year_day())),
        list("BYHOUR", text(rule.get_by_hour())),
        list("BYMINUTE", text(rule.get_by_minute())),
        list("BYSECOND", text(rule.get_by_second())),
        list("BYDAY", days.collect()),
    ];
    parts.extend(lists.into_iter().flatten());
    parts.join(";")
}

fn text<T: ToString>(values: &[T]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

fn with_until(body: &str, until: &str) -> String {
    match body.split_once(';') {
        Some((freq, rest)) => format!("{freq};UNTIL={until};{rest}"),
        None => format!("{body};UNTIL={until}"),
    }
}

fn floating(local: DateTime) -> Option<chrono::DateTime<rrule::Tz>> {
    let part = |v: i8| u32::from(v.unsigned_abs());
    rrule::Tz::UTC
        .with_ymd_and_hms(
            i32::from(local.year()),
            part(local.month()),
            part(local.day()),
            part(local.hour()),
            part(local.minute()),
            part(local.second()),
        )
        .single()
}

fn civil(at: &chrono::DateTime<rrule::Tz>) -> Option<DateTime> {
    let local = at.naive_utc();
    let part = |v: u32| i8::try_from(v).ok();
    DateTime::new(
        i16::try_from(local.year()).ok()?,
        part(local.month())?,
        part(local.day())?,
        part(local.hour())?,
        part(local.minute())?,
        part(local.second())?,
        0,
    )
    .ok()
}

fn zone(time_zone: &str) -> TimeZone {
    TimeZone::get(time_zone).unwrap_or(TimeZone::UTC)
}

fn range(min: impl ToString, max: impl ToString) -> Vec<(&'static str, String)> {
    vec![("min", min.to_string()), ("max", max.to_string())]
}

fn hhmm(time: Time) -> String {
    let format = if time.second() == 0 { "%H:%M" } else { "%H:%M:%S" };
    time.strftime(format).to_string()
}

fn day_code(day: Weekday) -> &'static str {
    DAYS[day.num_days_from_monday() as usize].0
}

fn parse_day(code: &str) -> Option<Weekday> {
    DAYS.iter().find(|(c, _)| c.eq_ignore_ascii_case(code.trim())).map(|(_, d)| *d)
}

fn weekday_of(date: Date) -> Weekday {
    DAYS[date.weekday().to_monday_zero_offset() as usize].1
}

fn required_date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Date> {
    if raw.trim().is_empty() {
        errors.add(field, "error-required");
        return None;
    }
    optional_date(errors, field, raw)
}

fn optional_date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Date> {
    let raw = raw.trim();
    let shaped = raw.len() == 10 && raw.as_bytes().get(4) == Some(&b'-');
    let Some(date) = raw.parse::<Date>().ok().filter(|_| shaped) else {
        errors.add(field, "error-date-format");
        return None;
    };
    if !YEARS.contains(&date.year()) {
        errors.add_with(field, "error-schedule-year", range(YEARS.start(), YEARS.end()));
        return None;
    }
    Some(date)
}

fn required_time(errors: &mut FieldErrors, raw: &str) -> Option<Time> {
    let raw = raw.trim();
    if raw.is_empty() {
        errors.add("start_time", "error-required");
        return None;
    }
    // HH:MM from `<input type=time>`, with seconds allowed for API clients.
    let shaped = matches!(raw.len(), 5 | 8) && raw.as_bytes().get(2) == Some(&b':');
    match raw.parse::<Time>() {
        Ok(time) if shaped => Some(time),
        _ => {
            errors.add("start_time", "error-time-format");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TORONTO: &str = "America/Toronto";
    const LONDON: &str = "Europe/London";

    fn input(frequency: &str, starts_on: &str, start_time: &str) -> RuleInput {
        RuleInput {
            frequency: frequency.into(),
            starts_on: starts_on.into(),
            start_time: start_time.into(),
            minutes: "90".into(),
            ..RuleInput::default()
        }
    }

    fn weekly(days: &[&str], starts_on: &str, start_time: &str) -> RuleInput {
        RuleInput { weekdays: days.iter().map(|d| d.to_string()).collect(), ..input("weekly", starts_on, start_time) }
    }

    fn ok(input: &RuleInput, time_zone: &str) -> Rule {
        input.validate(time_zone).unwrap_or_else(|e| panic!("{input:?} should be valid: {e:?}"))
    }

    /// The errors as (field, message id) pairs.
    fn errors(input: &RuleInput) -> Vec<(String, &'static str)> {
        let errors = input.validate(TORONTO).expect_err("should be refused");
        errors.0.into_iter().map(|e| (e.field, e.message_id)).collect()
    }

    fn has_error(input: &RuleInput, field: &str, id: &str) {
        let found = errors(input);
        assert!(found.iter().any(|(f, m)| f == field && *m == id), "expected {field}: {id}, got {found:?}");
    }

    fn local(time_zone: &str, at: &str) -> Timestamp {
        zone(time_zone).to_timestamp(at.parse().unwrap()).unwrap()
    }

    /// Local starts as "YYYY-MM-DD HH:MM ±HH:MM" over a calendar year.
    fn year(rule: &Rule, time_zone: &str, year: i16) -> Vec<String> {
        let from = local(time_zone, &format!("{year}-01-01T00:00"));
        let to = local(time_zone, &format!("{}-01-01T00:00", year + 1));
        shown(rule, time_zone, from, to)
    }

    fn shown(rule: &Rule, time_zone: &str, from: Timestamp, to: Timestamp) -> Vec<String> {
        let tz = zone(time_zone);
        let found = rule.occurrences(time_zone, from, to);
        found.iter().map(|o| o.starts_at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M %:z").to_string()).collect()
    }

    fn dates(shown: &[String]) -> Vec<&str> {
        shown.iter().map(|s| &s[..10]).collect()
    }

    #[test]
    fn weekly_keeps_six_pm_across_both_toronto_changes() {
        let rule = ok(&weekly(&["TU"], "2025-01-07", "18:00"), TORONTO);
        let all = year(&rule, TORONTO, 2025);
        assert_eq!(all.len(), 52);
        assert!(all.iter().all(|s| s[11..16] == *"18:00"), "{all:?}");
        for expected in ["2025-03-04 18:00 -05:00", "2025-03-11 18:00 -04:00", "2025-10-28 18:00 -04:00"] {
            assert!(all.contains(&expected.to_string()), "{expected} missing from {all:?}");
        }
        assert!(all.contains(&"2025-11-04 18:00 -05:00".to_string()));
        let found = rule.occurrences(TORONTO, ts("2025-03-01T00:00Z"), ts("2025-03-13T00:00Z"));
        assert_eq!(found[0].starts_at, ts("2025-03-04T23:00Z"));
        assert_eq!(found[1].starts_at, ts("2025-03-11T22:00Z"));
        assert_eq!(found[1].ends_at, ts("2025-03-11T23:30Z"));
    }

    #[test]
    fn weekly_keeps_six_pm_across_both_london_changes() {
        let rule = ok(&weekly(&["TU"], "2025-03-25", "18:00"), LONDON);
        let found = rule.occurrences(LONDON, ts("2025-03-20T00:00Z"), ts("2025-11-05T00:00Z"));
        let utc: Vec<Timestamp> = found.iter().map(|o| o.starts_at).collect();
        assert_eq!(utc[0], ts("2025-03-25T18:00Z"));
        assert_eq!(utc[1], ts("2025-04-01T17:00Z"));
        assert!(utc.contains(&ts("2025-10-21T17:00Z")));
        assert!(utc.contains(&ts("2025-10-28T18:00Z")));
        assert!(
            shown(&rule, LONDON, ts("2025-01-01T00:00Z"), ts("2026-01-01T00:00Z"))
                .iter()
                .all(|s| &s[11..16] == "18:00")
        );
    }

    #[test]
    fn a_start_in_the_spring_forward_gap_moves_on_by_the_gap_and_a_repeated_time_takes_the_first() {
        // 02:30 does not exist on 9 March 2025 in Toronto: that week's session starts at 03:30 EDT,
        // the same instant 02:30 EST would have been; the other weeks stay at 02:30.
        let rule = ok(&weekly(&["SU"], "2025-03-02", "02:30"), TORONTO);
        let found = shown(&rule, TORONTO, ts("2025-03-01T00:00Z"), ts("2025-03-20T00:00Z"));
        assert_eq!(found, ["2025-03-02 02:30 -05:00", "2025-03-09 03:30 -04:00", "2025-03-16 02:30 -04:00"]);
        // 01:30 happens twice on 2 November 2025: the session is at the first, still in EDT.
        let rule = ok(&weekly(&["SU"], "2025-10-26", "01:30"), TORONTO);
        let found = rule.occurrences(TORONTO, ts("2025-11-01T00:00Z"), ts("2025-11-03T00:00Z"));
        assert_eq!(found[0].starts_at, ts("2025-11-02T05:30Z"));
        assert_eq!(found[0].ends_at, ts("2025-11-02T07:00Z"));
    }

    #[test]
    fn first_saturday_of_each_month() {
        let rule = ok(
            &RuleInput {
                week_of_month: "1".into(),
                weekday: "SA".into(),
                ..input("monthly-weekday", "2025-01-01", "10:00")
            },
            TORONTO,
        );
        assert_eq!(rule.rrule.as_deref(), Some("FREQ=MONTHLY;BYDAY=1SA"));
        assert_eq!(rule.starts_on, "2025-01-04".parse().unwrap(), "starts on the first session");
        let all = year(&rule, TORONTO, 2025);
        let expected = [
            "2025-01-04",
            "2025-02-01",
            "2025-03-01",
            "2025-04-05",
            "2025-05-03",
            "2025-06-07",
            "2025-07-05",
            "2025-08-02",
            "2025-09-06",
            "2025-10-04",
            "2025-11-01",
            "2025-12-06",
        ];
        assert_eq!(dates(&all), expected);
    }

    #[test]
    fn last_friday_of_each_month() {
        let rule = ok(
            &RuleInput {
                week_of_month: "-1".into(),
                weekday: "FR".into(),
                ..input("monthly-weekday", "2025-01-01", "19:00")
            },
            TORONTO,
        );
        let expected = [
            "2025-01-31",
            "2025-02-28",
            "2025-03-28",
            "2025-04-25",
            "2025-05-30",
            "2025-06-27",
            "2025-07-25",
            "2025-08-29",
            "2025-09-26",
            "2025-10-31",
            "2025-11-28",
            "2025-12-26",
        ];
        assert_eq!(dates(&year(&rule, TORONTO, 2025)), expected);
    }

    #[test]
    fn the_31st_skips_short_months_and_minus_one_is_the_last_day() {
        let on_31st =
            ok(&RuleInput { month_day: "31".into(), ..input("monthly-date", "2025-01-01", "18:00") }, TORONTO);
        let expected =
            ["2025-01-31", "2025-03-31", "2025-05-31", "2025-07-31", "2025-08-31", "2025-10-31", "2025-12-31"];
        assert_eq!(dates(&year(&on_31st, TORONTO, 2025)), expected);
        let last = ok(&RuleInput { month_day: "-1".into(), ..input("monthly-date", "2024-01-01", "18:00") }, TORONTO);
        let expected = [
            "2024-01-31",
            "2024-02-29",
            "2024-03-31",
            "2024-04-30",
            "2024-05-31",
            "2024-06-30",
            "2024-07-31",
            "2024-08-31",
            "2024-09-30",
            "2024-10-31",
            "2024-11-30",
            "2024-12-31",
        ];
        assert_eq!(dates(&year(&last, TORONTO, 2024)), expected);
    }

    #[test]
    fn every_other_week_on_two_days() {
        let rule = ok(&RuleInput { interval: "2".into(), ..weekly(&["TH", "TU"], "2025-01-06", "18:00") }, TORONTO);
        assert_eq!(rule.rrule.as_deref(), Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"));
        let found = shown(&rule, TORONTO, ts("2025-01-01T00:00Z"), ts("2025-02-07T00:00Z"));
        assert_eq!(dates(&found), ["2025-01-07", "2025-01-09", "2025-01-21", "2025-01-23", "2025-02-04", "2025-02-06"]);
    }

    #[test]
    fn until_includes_its_own_day() {
        let rule = ok(&RuleInput { until: "2025-02-04".into(), ..weekly(&["TU"], "2025-01-07", "20:00") }, TORONTO);
        assert_eq!(rule.rrule.as_deref(), Some("FREQ=WEEKLY;UNTIL=20250204T235959;BYDAY=TU"));
        let found = year(&rule, TORONTO, 2025);
        assert_eq!(dates(&found), ["2025-01-07", "2025-01-14", "2025-01-21", "2025-01-28", "2025-02-04"]);
        assert_eq!(rule.ical_rrule(TORONTO).as_deref(), Some("FREQ=WEEKLY;UNTIL=20250205T045959Z;BYDAY=TU"));
    }

    #[test]
    fn count_limits_the_sessions_counted_from_the_first() {
        let rule = ok(&RuleInput { count: "3".into(), ..weekly(&["TU"], "2025-01-04", "18:00") }, TORONTO);
        assert_eq!(dates(&year(&rule, TORONTO, 2025)), ["2025-01-07", "2025-01-14", "2025-01-21"]);
        assert!(rule.occurrences(TORONTO, ts("2025-01-22T00:00Z"), ts("2026-01-01T00:00Z")).is_empty());
        assert_eq!(rule.occurrences(TORONTO, ts("2025-01-10T00:00Z"), ts("2026-01-01T00:00Z")).len(), 2);
    }

    #[test]
    fn window_is_half_open_on_the_start_time() {
        let rule = ok(&weekly(&["TU"], "2025-01-07", "18:00"), TORONTO);
        let start = ts("2025-01-14T23:00Z");
        let one = |from, to| rule.occurrences(TORONTO, from, to).len();
        assert_eq!(one(start, start + SignedDuration::from_secs(1)), 1, "a window starting at a session includes it");
        assert_eq!(one(start - SignedDuration::from_hours(1), start), 0, "a window ending at a session excludes it");
        assert_eq!(one(start + SignedDuration::from_mins(1), start + SignedDuration::from_hours(2)), 0, "under way");
        assert_eq!(one(start, start), 0);
        assert_eq!(one(start, start - SignedDuration::from_hours(1)), 0);
        assert_eq!(one(ts("2024-01-01T00:00Z"), ts("2025-01-07T23:00Z")), 0, "nothing before the first session");
    }

    #[test]
    fn skipping_ahead_to_a_far_window_finds_the_same_sessions_as_walking() {
        let custom = |rrule: &str, starts_on: &str| {
            ok(&RuleInput { rrule: rrule.into(), ..input("custom", starts_on, "18:00") }, TORONTO)
        };
        let rules = [
            ok(&RuleInput { interval: "3".into(), ..weekly(&["TU", "SA"], "2015-01-06", "18:00") }, TORONTO),
            ok(
                &RuleInput {
                    interval: "5".into(),
                    month_day: "31".into(),
                    ..input("monthly-date", "2015-01-31", "18:00")
                },
                TORONTO,
            ),
            ok(
                &RuleInput {
                    interval: "2".into(),
                    week_of_month: "-1".into(),
                    weekday: "FR".into(),
                    ..input("monthly-weekday", "2015-02-01", "18:00")
                },
                TORONTO,
            ),
            custom("FREQ=MONTHLY;INTERVAL=7", "2015-01-31"),
            custom("FREQ=MONTHLY;INTERVAL=4", "2015-01-15"),
            custom("FREQ=DAILY;INTERVAL=9", "2015-01-01"),
            custom("FREQ=YEARLY", "2016-02-29"),
            custom("FREQ=YEARLY;INTERVAL=3;BYMONTH=6;BYDAY=2WE", "2015-01-01"),
            custom("FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,TU", "2015-01-04"),
            custom("FREQ=WEEKLY;UNTIL=20240601", "2015-01-04"),
            custom("FREQ=WEEKLY;COUNT=400", "2015-01-04"),
        ];
        let tz = zone(TORONTO);
        for rule in &rules {
            for (from, to) in [("2024-02-01T00:00Z", "2026-03-01T00:00Z"), ("2015-01-01T00:00Z", "2015-03-01T00:00Z")] {
                let (from, to) = (ts(from), ts(to));
                let skipped = rule.occurrences_in(&tz, from, to);
                assert_eq!(skipped, rule.expand(&tz, from, to, None), "{rule:?}");
                let ended = ["UNTIL", "COUNT"].iter().any(|end| rule.rrule.as_deref().unwrap().contains(end));
                assert!(!skipped.is_empty() || ended || from < ts("2020-01-01T00:00Z"), "{rule:?}");
            }
        }
    }

    #[test]
    fn one_off_has_one_occurrence_in_its_window() {
        let rule = ok(&input("once", "2025-06-10", "13:15"), TORONTO);
        assert_eq!(rule.rrule, None);
        assert_eq!(rule.first_start(TORONTO), Some(ts("2025-06-10T17:15Z")));
        let found = rule.occurrences(TORONTO, ts("2025-01-01T00:00Z"), ts("2026-01-01T00:00Z"));
        assert_eq!(found, [Occurrence { starts_at: ts("2025-06-10T17:15Z"), ends_at: ts("2025-06-10T18:45Z") }]);
        assert!(rule.occurrences(TORONTO, ts("2025-06-11T00:00Z"), ts("2026-01-01T00:00Z")).is_empty());
    }

    #[test]
    fn expansion_is_capped() {
        let rule = ok(&RuleInput { rrule: "FREQ=DAILY".into(), ..input("custom", "2020-01-01", "09:00") }, TORONTO);
        let found = rule.occurrences(TORONTO, ts("2020-01-01T00:00Z"), ts("2035-01-01T00:00Z"));
        assert_eq!(found.len(), MAX_OCCURRENCES);
    }

    #[test]
    fn start_moves_to_the_first_session() {
        let rule = ok(&RuleInput { interval: "2".into(), ..weekly(&["TU"], "2025-03-01", "18:00") }, TORONTO);
        // 1 March is a Saturday; RFC 5545 counts the interval from DTSTART's week, Monday first.
        assert_eq!(rule.starts_on, "2025-03-11".parse().unwrap());
        assert_eq!(rule.first_start(TORONTO), Some(ts("2025-03-11T22:00Z")));
        let found = year(&rule, TORONTO, 2025);
        assert_eq!(dates(&found[..3]), ["2025-03-11", "2025-03-25", "2025-04-08"]);
    }

    #[test]
    fn describe_reads_each_form_pattern() {
        let (id, args) = ok(&weekly(&["TU"], "2025-01-07", "18:00"), TORONTO).describe();
        assert_eq!(id, "schedule-describe-weekly");
        let arg = |name: &str| args.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        assert_eq!(
            (arg("interval"), arg("day1"), arg("day2"), arg("time")),
            (Some("1"), Some("TU"), Some("none"), Some("18:00"))
        );
        assert_eq!(args.len(), 9);

        let rule = ok(&RuleInput { month_day: "31".into(), ..input("monthly-date", "2025-01-01", "18:00") }, TORONTO);
        let (id, args) = rule.describe();
        assert_eq!(id, "schedule-describe-monthly-date");
        assert!(args.contains(&("day", "31".into())) && args.contains(&("skips", "yes".into())));
        let rule = ok(&RuleInput { month_day: "-1".into(), ..input("monthly-date", "2025-01-01", "18:00") }, TORONTO);
        assert!(rule.describe().1.contains(&("day", "last".into())));
        let rule = ok(
            &RuleInput {
                week_of_month: "-1".into(),
                weekday: "FR".into(),
                ..input("monthly-weekday", "2025-01-01", "19:00")
            },
            TORONTO,
        );
        let (id, args) = rule.describe();
        assert_eq!(id, "schedule-describe-monthly-weekday");
        assert!(args.contains(&("week", "last".into())) && args.contains(&("weekday", "FR".into())));
        let once = ok(&input("once", "2025-06-10", "13:15"), TORONTO).describe();
        assert_eq!(once, ("schedule-describe-once", vec![("date", "2025-06-10".into()), ("time", "13:15".into())]));
        let custom =
            RuleInput { rrule: "FREQ=YEARLY;BYMONTH=9;BYDAY=3SA".into(), ..input("custom", "2025-01-01", "10:00") };
        assert_eq!(ok(&custom, TORONTO).describe().0, "schedule-describe-custom");
        let daily = RuleInput { rrule: "FREQ=DAILY;INTERVAL=2".into(), ..input("custom", "2025-01-01", "10:00") };
        assert_eq!(ok(&daily, TORONTO).describe().0, "schedule-describe-daily");
    }

    #[test]
    fn describe_end_gives_until_or_count() {
        let until = ok(&RuleInput { until: "2025-12-31".into(), ..weekly(&["TU"], "2025-01-07", "18:00") }, TORONTO);
        assert_eq!(until.describe_end(), Some(("schedule-describe-until", vec![("date", "2025-12-31".into())])));
        let count = ok(&RuleInput { count: "10".into(), ..weekly(&["TU"], "2025-01-07", "18:00") }, TORONTO);
        assert_eq!(count.describe_end(), Some(("schedule-describe-count", vec![("count", "10".into())])));
        assert_eq!(ok(&weekly(&["TU"], "2025-01-07", "18:00"), TORONTO).describe_end(), None);
        assert_eq!(ok(&input("once", "2025-01-07", "18:00"), TORONTO).describe_end(), None);
    }

    #[test]
    fn descriptions_read_well_in_english() {
        use crate::domain::codes::UiLanguage;
        let tr = crate::i18n::Tr::new(UiLanguage::En);
        let text = |rule: &Rule| {
            let (id, args) = rule.describe();
            let end = rule.describe_end().map(|(id, args)| format!(", {}", tr.with_args(id, &args)));
            format!("{}{}", tr.with_args(id, &args), end.unwrap_or_default())
        };
        let rule = ok(&weekly(&["TU"], "2025-01-07", "18:00"), TORONTO);
        assert_eq!(text(&rule), "Every week on Tuesday at 18:00");
        let rule = ok(
            &RuleInput { interval: "2".into(), count: "6".into(), ..weekly(&["MO", "TH"], "2025-01-06", "09:30") },
            TORONTO,
        );
        assert_eq!(text(&rule), "Every 2 weeks on Monday, Thursday at 09:30, for 6 sessions");
        let rule = ok(
            &RuleInput {
                week_of_month: "1".into(),
                weekday: "SA".into(),
                ..input("monthly-weekday", "2025-01-01", "10:00")
            },
            TORONTO,
        );
        assert_eq!(text(&rule), "The first Saturday of every month at 10:00");
        let rule = ok(
            &RuleInput {
                month_day: "31".into(),
                until: "2025-12-31".into(),
                ..input("monthly-date", "2025-01-01", "18:00")
            },
            TORONTO,
        );
        assert_eq!(
            text(&rule),
            "Day 31 of every month at 18:00 (months without that day are skipped), until 2025-12-31"
        );
        let rule = ok(
            &RuleInput { month_day: "-1".into(), interval: "3".into(), ..input("monthly-date", "2025-01-01", "18:00") },
            TORONTO,
        );
        assert_eq!(text(&rule), "The last day of every 3 months at 18:00");
        assert_eq!(text(&ok(&input("once", "2025-06-10", "13:15"), TORONTO)), "Once, on 2025-06-10 at 13:15");
    }

    #[test]
    fn to_input_refills_the_form_and_validates_back_to_the_same_rule() {
        let inputs = [
            weekly(&["TU"], "2025-01-07", "18:00"),
            RuleInput {
                interval: "2".into(),
                until: "2025-06-30".into(),
                ..weekly(&["MO", "TH"], "2025-01-06", "09:30")
            },
            RuleInput {
                week_of_month: "-1".into(),
                weekday: "FR".into(),
                count: "12".into(),
                ..input("monthly-weekday", "2025-01-31", "19:00")
            },
            RuleInput { month_day: "15".into(), interval: "3".into(), ..input("monthly-date", "2025-01-15", "18:00") },
            RuleInput { rrule: "FREQ=YEARLY;BYMONTH=9;BYDAY=3SA".into(), ..input("custom", "2025-09-20", "10:00") },
            input("once", "2025-06-10", "13:15"),
        ];
        for input in inputs {
            let rule = ok(&input, TORONTO);
            let refilled = rule.to_input();
            assert_eq!(refilled.frequency, input.frequency, "{rule:?}");
            assert_eq!(ok(&refilled, TORONTO), rule, "{refilled:?}");
        }
        let refilled = ok(
            &RuleInput {
                interval: "2".into(),
                until: "2025-06-30".into(),
                ..weekly(&["TH", "MO"], "2025-01-06", "09:30")
            },
            TORONTO,
        )
        .to_input();
        assert_eq!(
            (refilled.weekdays, refilled.interval, refilled.until),
            (vec!["MO".into(), "TH".into()], "2".into(), "2025-06-30".into())
        );
        let daily =
            ok(&RuleInput { rrule: "FREQ=DAILY".into(), ..input("custom", "2025-01-01", "10:00") }, TORONTO).to_input();
        assert_eq!((daily.frequency.as_str(), daily.rrule.as_str()), ("custom", "FREQ=DAILY"));
    }

    #[test]
    fn a_pasted_rule_with_prefix_dtstart_and_utc_until_is_kept_local() {
        let pasted =
            "DTSTART;TZID=America/Toronto:20250107T180000\r\nRRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20250205T045959Z";
        let rule = ok(&RuleInput { rrule: pasted.into(), ..input("custom", "2025-01-07", "18:00") }, TORONTO);
        assert_eq!(rule.rrule.as_deref(), Some("FREQ=WEEKLY;UNTIL=20250204T235959;BYDAY=TU"));
        assert_eq!(rule.to_input().frequency, "weekly", "it fits the weekly form");
        assert_eq!(year(&rule, TORONTO, 2025).len(), 5);
        let floating = RuleInput {
            rrule: "rrule:freq=weekly;byday=tu;until=20250204T180000".into(),
            ..input("custom", "2025-01-07", "18:00")
        };
        let rule = ok(&floating, TORONTO);
        assert_eq!(rule.rrule.as_deref(), Some("FREQ=WEEKLY;UNTIL=20250204T180000;BYDAY=TU"));
        assert_eq!(year(&rule, TORONTO, 2025).len(), 5, "a session at the UNTIL time is included");
        assert_eq!(rule.to_input().frequency, "custom", "an UNTIL at 18:00 is not the form's whole-day end");
        let date_only = RuleInput {
            rrule: "FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20250301".into(),
            ..input("custom", "2025-01-01", "18:00")
        };
        assert_eq!(year(&ok(&date_only, TORONTO), TORONTO, 2025).len(), 3);
    }

    #[test]
    fn missing_or_malformed_basics_are_reported_per_field() {
        let blank = RuleInput::default();
        let found = errors(&blank);
        for field in ["starts_on", "start_time", "minutes", "frequency"] {
            assert!(found.contains(&(field.into(), "error-required")), "{field}: {found:?}");
        }
        let bad = RuleInput {
            starts_on: "07/01/2025".into(),
            start_time: "6pm".into(),
            minutes: "ninety".into(),
            ..weekly(&["TU"], "", "")
        };
        has_error(&bad, "starts_on", "error-date-format");
        has_error(&bad, "start_time", "error-time-format");
        has_error(&bad, "minutes", "error-schedule-minutes");
        has_error(
            &RuleInput { starts_on: "2025-02-30".into(), ..weekly(&["TU"], "", "18:00") },
            "starts_on",
            "error-date-format",
        );
        has_error(
            &RuleInput { start_time: "25:00".into(), ..weekly(&["TU"], "2025-01-07", "") },
            "start_time",
            "error-time-format",
        );
        has_error(&weekly(&["TU"], "1850-01-01", "18:00"), "starts_on", "error-schedule-year");
        has_error(&input("fortnightly", "2025-01-07", "18:00"), "frequency", "error-unknown-choice");
    }

    #[test]
    fn duration_must_be_between_five_minutes_and_twelve_hours() {
        for minutes in ["4", "721", "-30", "1.5"] {
            has_error(
                &RuleInput { minutes: minutes.into(), ..weekly(&["TU"], "2025-01-07", "18:00") },
                "minutes",
                "error-schedule-minutes",
            );
        }
        for minutes in ["5", "720"] {
            ok(&RuleInput { minutes: minutes.into(), ..weekly(&["TU"], "2025-01-07", "18:00") }, TORONTO);
        }
        let found =
            RuleInput { minutes: "0".into(), ..weekly(&["TU"], "2025-01-07", "18:00") }.validate(TORONTO).unwrap_err();
        assert_eq!(found.0[0].args, vec![("min", "5".to_string()), ("max", "720".to_string())]);
    }

    #[test]
    fn pattern_fields_are_checked() {
        has_error(&weekly(&[], "2025-01-07", "18:00"), "weekdays", "error-schedule-weekdays");
        has_error(&weekly(&["", " "], "2025-01-07", "18:00"), "weekdays", "error-schedule-weekdays");
        has_error(&weekly(&["TU", "XX"], "2025-01-07", "18:00"), "weekdays", "error-unknown-choice");
        for interval in ["0", "13", "two"] {
            has_error(
                &RuleInput { interval: interval.into(), ..weekly(&["TU"], "2025-01-07", "18:00") },
                "interval",
                "error-schedule-interval",
            );
        }
        let monthly = |week: &str, day: &str| RuleInput {
            week_of_month: week.into(),
            weekday: day.into(),
            ..input("monthly-weekday", "2025-01-01", "10:00")
        };
        for week in ["0", "5", "-2", ""] {
            has_error(&monthly(week, "SA"), "week_of_month", "error-schedule-week-of-month");
        }
        has_error(&monthly("1", ""), "weekday", "error-required");
        has_error(&monthly("1", "Saturday"), "weekday", "error-unknown-choice");
        for day in ["0", "32", "-2", ""] {
            has_error(
                &RuleInput { month_day: day.into(), ..input("monthly-date", "2025-01-01", "10:00") },
                "month_day",
                "error-schedule-month-day",
            );
        }
    }

    #[test]
    fn end_date_and_count_are_checked() {
        let base = weekly(&["TU"], "2025-01-07", "18:00");
        has_error(
            &RuleInput { until: "2025-01-06".into(), ..base.clone() },
            "until",
            "error-schedule-until-before-start",
        );
        has_error(&RuleInput { until: "soon".into(), ..base.clone() }, "until", "error-date-format");
        has_error(
            &RuleInput { until: "2025-12-31".into(), count: "5".into(), ..base.clone() },
            "count",
            "error-schedule-until-and-count",
        );
        for count in ["0", "501", "many"] {
            has_error(&RuleInput { count: count.into(), ..base.clone() }, "count", "error-schedule-count");
        }
        // Starts on a Wednesday and ends before the first Tuesday.
        has_error(
            &RuleInput { until: "2025-01-13".into(), ..weekly(&["TU"], "2025-01-08", "18:00") },
            "until",
            "error-recurrence-empty",
        );
        // A one-off ignores end fields left over from another choice.
        ok(
            &RuleInput { until: "2000-01-01".into(), count: "x".into(), ..input("once", "2025-01-07", "18:00") },
            TORONTO,
        );
    }

    #[test]
    fn custom_rules_are_checked() {
        let custom = |rrule: &str| RuleInput { rrule: rrule.into(), ..input("custom", "2025-01-07", "18:00") };
        has_error(&custom(""), "rrule", "error-required");
        let found = custom("FREQ=FORTNIGHTLY").validate(TORONTO).unwrap_err();
        assert_eq!(found.0[0].message_id, "error-recurrence-invalid");
        assert!(found.0[0].args[0].1.contains("FORTNIGHTLY"), "{:?}", found.0[0].args);
        has_error(&custom("FREQ=WEEKLY;BYDAY=XX"), "rrule", "error-recurrence-invalid");
        has_error(&custom("FREQ=WEEKLY;BYMONTHDAY=3"), "rrule", "error-recurrence-invalid");
        has_error(&custom("BYDAY=TU"), "rrule", "error-recurrence-invalid");
        for freq in ["HOURLY", "MINUTELY", "SECONDLY"] {
            has_error(&custom(&format!("FREQ={freq}")), "rrule", "error-recurrence-too-frequent");
        }
        has_error(&custom("RRULE:FREQ=WEEKLY\nRRULE:FREQ=DAILY"), "rrule", "error-recurrence-one-rule");
        has_error(&custom("RRULE:FREQ=WEEKLY\nEXDATE:20250114T180000"), "rrule", "error-recurrence-one-rule");
        has_error(&custom("FREQ=WEEKLY;UNTIL=next year"), "rrule", "error-recurrence-until");
        has_error(&custom("FREQ=WEEKLY;UNTIL=20251231;COUNT=3"), "rrule", "error-schedule-until-and-count");
        has_error(&custom("FREQ=WEEKLY;COUNT=501"), "rrule", "error-schedule-count");
        has_error(&custom("FREQ=WEEKLY;UNTIL=20250101"), "rrule", "error-schedule-until-before-start");
        has_error(&custom("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"), "rrule", "error-recurrence-empty");
        has_error(
            &RuleInput { until: "2025-12-31".into(), ..custom("FREQ=WEEKLY;COUNT=3") },
            "until",
            "error-schedule-end-twice",
        );
        has_error(
            &RuleInput { count: "3".into(), ..custom("FREQ=WEEKLY;UNTIL=20251231") },
            "count",
            "error-schedule-end-twice",
        );
        // The form's end applies to a custom rule that has none of its own.
        let rule = ok(&RuleInput { count: "2".into(), ..custom("FREQ=DAILY") }, TORONTO);
        assert_eq!(rule.rrule.as_deref(), Some("FREQ=DAILY;COUNT=2"));
    }

    #[test]
    fn an_unknown_zone_is_read_as_utc() {
        let rule = ok(&weekly(&["TU"], "2025-01-07", "18:00"), "Mars/Olympus");
        assert_eq!(rule.first_start("Mars/Olympus"), Some(ts("2025-01-07T18:00Z")));
        assert_eq!(
            rule.occurrences("Nowhere", ts("2025-01-07T00:00Z"), ts("2025-01-08T00:00Z"))[0].starts_at,
            ts("2025-01-07T18:00Z")
        );
    }

    #[test]
    fn every_message_id_has_english_text() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en");
        let mut ids = std::collections::HashMap::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                let Some((id, _)) = line.split_once(" =") else { continue };
                if !id.starts_with(['#', ' ']) && !id.is_empty() {
                    let file = path.file_name().unwrap().to_string_lossy().to_string();
                    assert!(ids.insert(id.to_string(), file.clone()).is_none(), "{id} is defined twice ({file})");
                }
            }
        }
        let source = include_str!("schedule.rs");
        let used = source.split('"').filter(|s| {
            (s.starts_with("schedule-describe-")
                || s.starts_with("error-schedule-")
                || s.starts_with("error-recurrence-"))
                && !s.contains(' ')
                && !s.ends_with('-')
        });
        for id in used.chain(["error-required", "error-date-format", "error-time-format", "error-unknown-choice"]) {
            assert!(ids.contains_key(id), "{id} has no English message");
        }
    }

    fn ts(at: &str) -> Timestamp {
        at.parse().unwrap()
    }
}
