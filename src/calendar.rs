//! iCalendar (RFC 5545) feeds of group schedules, for subscribing from phone and desktop calendars.
//!
//! Each schedule is one VEVENT with an RRULE, in the organisation's zone by TZID; cancelled
//! sessions are EXDATEs and moved ones are VEVENTs with the same UID and a RECURRENCE-ID. The
//! output depends only on its input (DTSTAMP is the record's update time), so it can be cached
//! and compared.

use crate::domain::schedule::Rule;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

const PRODID: &str = "-//Mainstay//Support groups//EN";
const END: &str = "END:VCALENDAR\r\n";
/// How many of a zone's coming transitions are checked before they are written as yearly rules.
const TRANSITIONS_CHECKED: usize = 8;

/// One schedule in a feed.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedEvent {
    /// Stable across edits, e.g. "{schedule_id}@mainstay".
    pub uid: String,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    /// A one-off when `rule.rrule` is None.
    pub rule: Rule,
    /// Cancelled occurrences, by their original start.
    pub exdates: Vec<Timestamp>,
    /// Moved or individually cancelled occurrences.
    pub overrides: Vec<FeedOverride>,
    pub sequence: i32,
    /// Written as DTSTAMP and LAST-MODIFIED.
    pub updated_at: Timestamp,
    /// The whole series is cancelled.
    pub cancelled: bool,
}

/// One occurrence that differs from its series.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedOverride {
    pub original_start: Timestamp,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// None keeps the series' location.
    pub location: Option<String>,
    pub cancelled: bool,
}

/// The whole feed as text, with CRLF line endings and long lines folded.
pub fn feed(calendar_name: &str, time_zone: &str, events: &[FeedEvent]) -> String {
    let tz = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    let tzid = tz.iana_name().unwrap_or("UTC").to_string();
    let mut head = Calendar::empty();
    for (key, value) in [("PRODID", PRODID), ("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH")] {
        head.append_property(Property::new(key, value));
    }
    head.name(&text(calendar_name)).timezone(tzid.as_str());
    // Subscribed calendars otherwise refresh as rarely as once a day.
    head.append_property(Property::new("X-PUBLISHED-TTL", "PT1H"));
    let head = head.to_string();
    let mut out = head.strip_suffix(END).unwrap_or(&head).to_string();
    if let Some((from, to)) = span(&tz, events) {
        out.push_str(&vtimezone(&tz, &tzid, from, to));
    }
    for event in events {
        for component in components(event, &tz, &tzid) {
            out.push_str(&component.try_into_string().unwrap_or_default());
        }
    }
    out.push_str(END);
    out
}

/// The VEVENTs of one schedule: the series, then each moved occurrence.
fn components(event: &FeedEvent, tz: &TimeZone, tzid: &str) -> Vec<Event> {
    let rule = &event.rule;
    // Clients count DTSTART as a session even when the rule would not produce it.
    let start = rule.first_session_local(tzid).unwrap_or_else(|| rule.local_start());
    let Ok(first) = tz.to_ambiguous_timestamp(start).compatible() else { return Vec::new() };
    let length = SignedDuration::from_mins(i64::from(rule.minutes));
    let mut series = common(event);
    let Some(rrule) = rule.ical_rrule(tzid) else {
        // A one-off has no series for a RECURRENCE-ID to point into: a move changes the event itself.
        let moved = event.overrides.iter().find(|o| o.original_start == first);
        let (start, end) = moved.map_or((local(tz, first), first + length), |o| (local(tz, o.starts_at), o.ends_at));
        series.append_property(at("DTSTART", tzid, start));
        series.append_property(at("DTEND", tzid, local(tz, end)));
        if let Some(place) = moved.and_then(|o| o.location.as_deref()) {
            series.location(&text(place));
        }
        let cancelled = event.cancelled || event.exdates.contains(&first) || moved.is_some_and(|o| o.cancelled);
        series.status(status(cancelled));
        return vec![series];
    };
    // DTSTART is the rule's own local time, even in a DST gap, so clients expand the same series.
    series.append_property(at("DTSTART", tzid, start));
    series.append_property(at("DTEND", tzid, local(tz, first + length)));
    series.add_property("RRULE", rrule);
    let mut exdates = event.exdates.clone();
    exdates.sort_unstable();
    exdates.dedup();
    for exdate in &exdates {
        series.append_multi_property(at("EXDATE", tzid, local(tz, *exdate)));
    }
    series.status(status(event.cancelled));
    let mut out = vec![series];
    for moved in event.overrides.iter().filter(|o| !exdates.contains(&o.original_start)) {
        let mut one = common(event);
        one.append_property(at("RECURRENCE-ID", tzid, local(tz, moved.original_start)));
        one.append_property(at("DTSTART", tzid, local(tz, moved.starts_at)));
        one.append_property(at("DTEND", tzid, local(tz, moved.ends_at)));
        if let Some(place) = &moved.location {
            one.location(&text(place));
        }
        one.status(status(event.cancelled || moved.cancelled));
        out.push(one);
    }
    out
}

/// What the series and its moved occurrences share.
fn common(event: &FeedEvent) -> Event {
    let mut one = Event::new();
    one.uid(&event.uid)
        .add_property("DTSTAMP", utc(event.updated_at))
        .add_property("LAST-MODIFIED", utc(event.updated_at))
        .sequence(u32::try_from(event.sequence).unwrap_or(0))
        .summary(&text(&event.summary));
    if let Some(description) = &event.description {
        one.description(&text(description));
    }
    if let Some(place) = &event.location {
        one.location(&text(place));
    }
    if let Some(url) = &event.url {
        one.url(&url.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect::<String>());
    }
    one.done()
}

fn status(cancelled: bool) -> EventStatus {
    if cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed }
}

/// A local date-time with its zone, as DTSTART, DTEND, EXDATE and RECURRENCE-ID are written.
fn at(key: &str, tzid: &str, local: DateTime) -> Property {
    Property::new(key, local.strftime("%Y%m%dT%H%M%S").to_string()).add_parameter("TZID", tzid).done()
}

fn local(tz: &TimeZone, at: Timestamp) -> DateTime {
    tz.to_datetime(at)
}

fn utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Text the crate can escape: line breaks as LF, no other control characters (CR would end a line).
fn text(value: &str) -> String {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    value.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect()
}

/// The instants the feed covers, with a year's margin after the last one that is known; open-ended
/// series are covered beyond that by the zone's yearly rules.
fn span(tz: &TimeZone, events: &[FeedEvent]) -> Option<(Timestamp, Timestamp)> {
    let mut known = Vec::new();
    for event in events {
        let local = [Some(event.rule.local_start()), event.rule.until_local()];
        known.extend(local.into_iter().flatten().filter_map(|dt| tz.to_ambiguous_timestamp(dt).compatible().ok()));
        known.extend(event.exdates.iter().copied());
        known.extend(event.overrides.iter().flat_map(|o| [o.original_start, o.starts_at, o.ends_at]));
        known.push(event.updated_at);
    }
    let from = *known.iter().min()?;
    let to = known.iter().max()?.checked_add(SignedDuration::from_hours(366 * 24)).ok()?;
    Some((from, to))
}

/// One change of offset, as a STANDARD or DAYLIGHT observance.
#[derive(Clone, Debug)]
struct Observance {
    /// The local time the change happens, in the offset before it.
    starts: DateTime,
    from: Offset,
    to: Offset,
    name: String,
    daylight: bool,
    rrule: Option<String>,
}

/// The zone's definition from its real transitions: the one in force at `from`, every change up to
/// `to`, then the yearly pattern (when the coming changes follow one) so later dates stay right.
fn vtimezone(tz: &TimeZone, tzid: &str, from: Timestamp, to: Timestamp) -> String {
    let observance = |t: jiff::tz::TimeZoneTransition<'_>| {
        let before = tz.to_offset(t.timestamp() - SignedDuration::from_secs(1));
        Observance {
            starts: before.to_datetime(t.timestamp()),
            from: before,
            to: t.offset(),
            name: t.abbreviation().to_string(),
            daylight: t.dst().is_dst(),
            rrule: None,
        }
    };
    let in_force = tz.preceding(from + SignedDuration::from_secs(1)).next();
    let mut list: Vec<Observance> = in_force.into_iter().map(observance).collect();
    let mut last = from;
    for t in tz.following(from).take_while(|t| t.timestamp() <= to) {
        last = t.timestamp();
        list.push(observance(t));
    }
    let coming: Vec<Observance> = tz.following(last).take(TRANSITIONS_CHECKED).map(observance).collect();
    list.extend(yearly(&coming).unwrap_or(coming));
    if list.is_empty() {
        // A fixed zone (UTC): one observance that never changes.
        let info = tz.to_offset_info(from);
        let epoch = DateTime::constant(1970, 1, 1, 0, 0, 0, 0);
        let name = info.abbreviation().to_string();
        let fixed = info.offset();
        list.push(Observance { starts: epoch, from: fixed, to: fixed, name, daylight: false, rrule: None });
    }
    let mut out = String::from("BEGIN:VTIMEZONE\r\n");
    out.push_str(&line(Property::new("TZID", tzid)));
    for o in &list {
        let kind = if o.daylight { "DAYLIGHT" } else { "STANDARD" };
        out.push_str(&format!("BEGIN:{kind}\r\n"));
        out.push_str(&line(Property::new("DTSTART", o.starts.strftime("%Y%m%dT%H%M%S").to_string())));
        out.push_str(&line(Property::new("TZOFFSETFROM", utc_offset(o.from))));
        out.push_str(&line(Property::new("TZOFFSETTO", utc_offset(o.to))));
        out.push_str(&line(Property::new("TZNAME", o.name.as_str())));
        if let Some(rrule) = &o.rrule {
            out.push_str(&line(Property::new("RRULE", rrule.as_str())));
        }
        out.push_str(&format!("END:{kind}\r\n"));
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

/// The first daylight and first standard change of `coming` as open-ended yearly rules, when every
/// change checked falls on the same weekday of the month (second Sunday, last Sunday...) at the
/// same local time with the same offsets.
fn yearly(coming: &[Observance]) -> Option<Vec<Observance>> {
    let mut out = Vec::new();
    for daylight in [true, false] {
        let same: Vec<&Observance> = coming.iter().filter(|o| o.daylight == daylight).collect();
        let first = *same.first()?;
        if same.len() < 2 {
            return None;
        }
        let date = first.starts.date();
        let nth = (date.day() - 1) / 7 + 1;
        let fits = |week: i8| {
            same.iter().all(|o| {
                let d = o.starts.date();
                let week_matches =
                    if week < 0 { d.day() + 7 > d.days_in_month() } else { (d.day() - 1) / 7 + 1 == week };
                d.month() == date.month()
                    && d.weekday() == date.weekday()
                    && week_matches
                    && o.starts.time() == first.starts.time()
                    && (o.from, o.to, &o.name) == (first.from, first.to, &first.name)
            })
        };
        // "Last" first: a last-Sunday rule also looks like a fourth Sunday in some years.
        let week = [-1, nth].into_iter().find(|w| fits(*w))?;
        let day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][date.weekday().to_monday_zero_offset() as usize];
        let rrule = format!("FREQ=YEARLY;BYMONTH={};BYDAY={week}{day}", date.month());
        out.push(Observance { rrule: Some(rrule), ..first.clone() });
    }
    out.sort_by_key(|o| o.starts);
    Some(out)
}

fn line(property: Property) -> String {
    property.try_into().unwrap_or_default()
}

/// `-0500`, or `+053000` style when the offset has seconds.
fn utc_offset(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if rest == 0 { format!("{sign}{hours:02}{minutes:02}") } else { format!("{sign}{hours:02}{minutes:02}{rest:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::RuleInput;
    use icalendar::parser::{Component as Parsed, read_calendar, unfold};

    const TORONTO: &str = "America/Toronto";

    fn ts(at: &str) -> Timestamp {
        at.parse().unwrap()
    }

    fn rule(input: RuleInput, time_zone: &str) -> Rule {
        input.validate(time_zone).unwrap()
    }

    fn weekly_tuesdays(until: &str) -> Rule {
        let input = RuleInput {
            frequency: "weekly".into(),
            weekdays: vec!["TU".into()],
            starts_on: "2025-01-07".into(),
            start_time: "18:00".into(),
            minutes: "90".into(),
            until: until.into(),
            ..RuleInput::default()
        };
        rule(input, TORONTO)
    }

    fn series(uid: &str, rule: Rule) -> FeedEvent {
        FeedEvent {
            uid: uid.into(),
            summary: "Tuesday evening recovery circle".into(),
            description: None,
            location: None,
            url: None,
            rule,
            exdates: Vec::new(),
            overrides: Vec::new(),
            sequence: 0,
            updated_at: ts("2024-12-20T15:04:05Z"),
            cancelled: false,
        }
    }

    /// A weekly series with a cancelled and a moved session, and a one-off.
    fn sample() -> Vec<FeedEvent> {
        let long = "Bring a friend; coffee, tea & snacks.\nAsk at the front desk — l'accueil est au rez-de-chaussée. \
                    Tout le monde est bienvenu, café et collations, les mardis soirs. 🌱";
        let weekly = FeedEvent {
            summary: "Recovery circle, Tuesdays; all welcome".into(),
            description: Some(long.into()),
            location: Some("Main hall, 12 King St.".into()),
            url: Some("https://example.org/groups/1".into()),
            exdates: vec![ts("2025-02-11T23:00Z")],
            overrides: vec![FeedOverride {
                original_start: ts("2025-03-18T22:00Z"),
                starts_at: ts("2025-03-19T23:00Z"),
                ends_at: ts("2025-03-20T00:30Z"),
                location: Some("Room 2".into()),
                cancelled: false,
            }],
            sequence: 3,
            ..series("s1@mainstay", weekly_tuesdays(""))
        };
        let once = RuleInput {
            frequency: "once".into(),
            starts_on: "2025-06-10".into(),
            start_time: "13:15".into(),
            minutes: "60".into(),
            ..RuleInput::default()
        };
        let one_off =
            FeedEvent { summary: "Family information evening".into(), ..series("s2@mainstay", rule(once, TORONTO)) };
        vec![weekly, one_off]
    }

    fn parse(text: &str) -> (Vec<(String, String)>, Vec<Parsed<'static>>) {
        let unfolded: &'static str = Box::leak(unfold(text).into_boxed_str());
        let calendar = read_calendar(unfolded).expect("the feed parses");
        let properties = calendar.properties.iter().map(|p| (p.name.to_string(), p.val.to_string())).collect();
        (properties, calendar.components)
    }

    fn value<'a>(component: &'a Parsed<'_>, name: &str) -> Option<&'a str> {
        component.find_prop(name).map(|p| p.val.as_str())
    }

    fn tzid(component: &Parsed<'_>, name: &str) -> Option<String> {
        let property = component.find_prop(name)?;
        let param = property.params.iter().find(|p| p.key.as_str() == "TZID")?;
        param.val.as_ref().map(|v| v.to_string())
    }

    fn events<'a>(components: &'a [Parsed<'static>]) -> Vec<&'a Parsed<'static>> {
        components.iter().filter(|c| c.name.as_str() == "VEVENT").collect()
    }

    #[test]
    fn feed_has_the_calendar_properties() {
        let text = feed("Groups, Toronto; all", TORONTO, &sample());
        let (properties, _) = parse(&text);
        let get = |name: &str| properties.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(get("PRODID"), Some(PRODID));
        assert_eq!(get("VERSION"), Some("2.0"));
        assert_eq!(get("CALSCALE"), Some("GREGORIAN"));
        assert_eq!(get("METHOD"), Some("PUBLISH"));
        assert_eq!(get("X-WR-TIMEZONE"), Some(TORONTO));
        assert!(text.contains("X-WR-CALNAME:Groups\\, Toronto\\; all\r\n"), "{text}");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(text, feed("Groups, Toronto; all", TORONTO, &sample()), "the same input gives the same feed");
    }

    #[test]
    fn lines_end_in_crlf_and_fold_at_75_octets() {
        let text = feed("Groups", TORONTO, &sample());
        assert!(text.ends_with("\r\n"));
        for line in text.split_inclusive('\n') {
            assert!(line.ends_with("\r\n"), "{line:?}");
            let content = &line[..line.len() - 2];
            assert!(!content.contains('\r'), "{line:?}");
            assert!(content.len() <= 75, "{} octets: {content:?}", content.len());
        }
        assert!(text.contains("\r\n "), "the long description is folded");
    }

    #[test]
    fn series_has_rrule_exdate_and_times_with_tzid() {
        let text = feed("Groups", TORONTO, &sample());
        let (_, components) = parse(&text);
        let events = events(&components);
        assert_eq!(events.len(), 3);
        let master = events[0];
        assert_eq!(value(master, "UID"), Some("s1@mainstay"));
        assert_eq!(value(master, "DTSTART"), Some("20250107T180000"));
        assert_eq!(tzid(master, "DTSTART").as_deref(), Some(TORONTO));
        assert_eq!(value(master, "DTEND"), Some("20250107T193000"));
        assert_eq!(tzid(master, "DTEND").as_deref(), Some(TORONTO));
        assert_eq!(value(master, "RRULE"), Some("FREQ=WEEKLY;BYDAY=TU"));
        assert_eq!(value(master, "EXDATE"), Some("20250211T180000"));
        assert_eq!(tzid(master, "EXDATE").as_deref(), Some(TORONTO));
        assert_eq!(value(master, "SEQUENCE"), Some("3"));
        assert_eq!(value(master, "STATUS"), Some("CONFIRMED"));
        assert_eq!(value(master, "DTSTAMP"), Some("20241220T150405Z"));
        assert_eq!(value(master, "LAST-MODIFIED"), Some("20241220T150405Z"));
        assert_eq!(value(master, "URL"), Some("https://example.org/groups/1"));
        // Escaped on the wire, and read back as typed.
        assert!(text.contains("\r\nSUMMARY:Recovery circle\\, Tuesdays\\; all welcome\r\n"), "{text}");
        assert!(text.contains("\r\nLOCATION:Main hall\\, 12 King St.\r\n"));
        assert!(text.contains("\r\nDESCRIPTION:Bring a friend\\; coffee\\, tea & snacks.\\nAsk"));
        assert_eq!(value(master, "SUMMARY"), Some("Recovery circle, Tuesdays; all welcome"));
        assert_eq!(value(master, "LOCATION"), Some("Main hall, 12 King St."));
        assert_eq!(value(master, "DESCRIPTION"), sample()[0].description.as_deref());
        let calendar: Calendar = text.parse().unwrap();
        assert_eq!(calendar.events().next().unwrap().get_summary(), Some("Recovery circle, Tuesdays; all welcome"));
    }

    #[test]
    fn moved_session_shares_the_uid_with_a_recurrence_id() {
        let (_, components) = parse(&feed("Groups", TORONTO, &sample()));
        let moved = events(&components)[1];
        assert_eq!(value(moved, "UID"), Some("s1@mainstay"));
        assert_eq!(value(moved, "RECURRENCE-ID"), Some("20250318T180000"));
        assert_eq!(tzid(moved, "RECURRENCE-ID").as_deref(), Some(TORONTO));
        assert_eq!(value(moved, "DTSTART"), Some("20250319T190000"));
        assert_eq!(value(moved, "DTEND"), Some("20250319T203000"));
        assert_eq!(value(moved, "LOCATION"), Some("Room 2"));
        assert_eq!(value(moved, "SEQUENCE"), Some("3"));
        assert_eq!(value(moved, "RRULE"), None);
        assert_eq!(value(moved, "STATUS"), Some("CONFIRMED"));
    }

    #[test]
    fn one_off_is_a_plain_event() {
        let (_, components) = parse(&feed("Groups", TORONTO, &sample()));
        let once = events(&components)[2];
        assert_eq!(value(once, "UID"), Some("s2@mainstay"));
        assert_eq!(value(once, "DTSTART"), Some("20250610T131500"));
        assert_eq!(value(once, "DTEND"), Some("20250610T141500"));
        assert_eq!((value(once, "RRULE"), value(once, "RECURRENCE-ID"), value(once, "EXDATE")), (None, None, None));
    }

    #[test]
    fn cancellations_show_as_cancelled() {
        let whole = FeedEvent { cancelled: true, ..series("s1@mainstay", weekly_tuesdays("")) };
        let mut one_off = sample().remove(1);
        one_off.overrides = vec![FeedOverride {
            original_start: ts("2025-06-10T17:15Z"),
            starts_at: ts("2025-06-11T17:15Z"),
            ends_at: ts("2025-06-11T18:15Z"),
            location: None,
            cancelled: false,
        }];
        let mut single = series("s3@mainstay", weekly_tuesdays(""));
        single.overrides = vec![FeedOverride {
            original_start: ts("2025-01-14T23:00Z"),
            starts_at: ts("2025-01-14T23:00Z"),
            ends_at: ts("2025-01-15T00:30Z"),
            location: None,
            cancelled: true,
        }];
        let (_, components) = parse(&feed("Groups", TORONTO, &[whole, one_off.clone(), single]));
        let events = events(&components);
        assert_eq!(value(events[0], "STATUS"), Some("CANCELLED"));
        assert_eq!(value(events[1], "DTSTART"), Some("20250611T131500"), "a moved one-off moves itself");
        assert_eq!(value(events[1], "STATUS"), Some("CONFIRMED"));
        assert_eq!(value(events[2], "STATUS"), Some("CONFIRMED"));
        assert_eq!(value(events[3], "RECURRENCE-ID"), Some("20250114T180000"));
        assert_eq!(value(events[3], "STATUS"), Some("CANCELLED"));
        one_off.overrides.clear();
        one_off.exdates = vec![ts("2025-06-10T17:15Z")];
        let (_, components) = parse(&feed("Groups", TORONTO, &[one_off]));
        assert_eq!(value(self::events(&components)[0], "STATUS"), Some("CANCELLED"));
    }

    #[test]
    fn toronto_vtimezone_has_both_observances_and_yearly_rules() {
        let (_, components) = parse(&feed("Groups", TORONTO, &sample()));
        let zone = components.iter().find(|c| c.name.as_str() == "VTIMEZONE").expect("a VTIMEZONE");
        assert_eq!(value(zone, "TZID"), Some(TORONTO));
        // Each observance as "KIND DTSTART FROM TO NAME [RRULE]".
        let observances: Vec<String> = zone
            .components
            .iter()
            .map(|o| {
                let fields = ["DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME", "RRULE"];
                let values = fields.iter().filter_map(|f| value(o, f));
                std::iter::once(o.name.as_str()).chain(values).collect::<Vec<_>>().join(" ")
            })
            .collect();
        assert_eq!(observances[0], "STANDARD 20241103T020000 -0400 -0500 EST", "in force at the first session");
        assert_eq!(observances[1], "DAYLIGHT 20250309T020000 -0500 -0400 EDT");
        assert_eq!(observances[2], "STANDARD 20251102T020000 -0400 -0500 EST");
        let mut rules: Vec<&str> = observances.iter().filter_map(|o| o.split(' ').nth(5)).collect();
        rules.sort_unstable();
        assert_eq!(rules, ["FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"]);
        assert!(observances.iter().all(|o| o.split(' ').count() >= 5), "{observances:?}");
    }

    #[test]
    fn london_uses_last_sundays() {
        let text = feed("Groups", "Europe/London", &[series("s1@mainstay", weekly_tuesdays(""))]);
        assert!(text.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"), "{text}");
        assert!(text.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"));
        assert!(text.contains("TZNAME:BST\r\n") && text.contains("TZNAME:GMT\r\n"));
    }

    #[test]
    fn a_zone_without_dst_has_one_standard_observance() {
        for (zone, offset) in [("America/Regina", "-0600"), ("Asia/Tokyo", "+0900"), ("UTC", "+0000")] {
            let text = feed("Groups", zone, &[series("s1@mainstay", weekly_tuesdays(""))]);
            let (_, components) = parse(&text);
            let vtimezone = components.iter().find(|c| c.name.as_str() == "VTIMEZONE").unwrap();
            assert_eq!(vtimezone.components.len(), 1, "{zone}: {text}");
            let observance = &vtimezone.components[0];
            assert_eq!(observance.name.as_str(), "STANDARD", "{zone}");
            assert_eq!(value(observance, "TZOFFSETTO"), Some(offset), "{zone}");
            assert!(value(observance, "DTSTART").is_some() && value(observance, "TZNAME").is_some(), "{zone}");
        }
    }

    #[test]
    fn dtstart_is_the_first_session_even_when_the_start_date_is_not() {
        let mut rule = weekly_tuesdays("");
        rule.starts_on = "2025-01-06".parse().unwrap();
        let (_, components) = parse(&feed("Groups", TORONTO, &[series("s1@mainstay", rule)]));
        assert_eq!(value(events(&components)[0], "DTSTART"), Some("20250107T180000"));
    }

    #[test]
    fn until_is_written_in_utc() {
        let text = feed("Groups", TORONTO, &[series("s1@mainstay", weekly_tuesdays("2025-12-30"))]);
        assert!(text.contains("RRULE:FREQ=WEEKLY;UNTIL=20251231T045959Z;BYDAY=TU\r\n"), "{text}");
    }

    /// What a calendar app makes of the feed, expanded by the rrule crate from the parsed DTSTART,
    /// RRULE and EXDATEs, is what the app itself shows.
    #[test]
    fn the_rrule_crate_expands_the_feed_to_our_occurrences() {
        for until in ["", "2025-12-02"] {
            let mut events = sample();
            events[0].rule = weekly_tuesdays(until);
            events[0].exdates.push(ts("2025-11-04T23:00Z"));
            let (_, components) = parse(&feed("Groups", TORONTO, &events));
            let master = self::events(&components)[0];
            let mut lines = vec![
                format!("DTSTART;TZID={}:{}", tzid(master, "DTSTART").unwrap(), value(master, "DTSTART").unwrap()),
                format!("RRULE:{}", value(master, "RRULE").unwrap()),
            ];
            for exdate in master.properties.iter().filter(|p| p.name.as_str() == "EXDATE") {
                lines.push(format!("EXDATE;TZID={TORONTO}:{}", exdate.val.as_str()));
            }
            let set: rrule::RRuleSet = lines.join("\n").parse().unwrap();
            let (from, to) = (ts("2025-01-01T05:00Z"), ts("2026-01-01T05:00Z"));
            let theirs: Vec<Timestamp> = set
                .all(1000)
                .dates
                .iter()
                .map(|d| Timestamp::from_second(d.timestamp()).unwrap())
                .filter(|t| *t >= from && *t < to)
                .collect();
            let ours: Vec<Timestamp> = events[0]
                .rule
                .occurrences(TORONTO, from, to)
                .into_iter()
                .map(|o| o.starts_at)
                .filter(|t| !events[0].exdates.contains(t))
                .collect();
            assert_eq!(theirs, ours, "until {until:?}");
            assert_eq!(ours.len(), if until.is_empty() { 50 } else { 46 });
        }
    }
}
