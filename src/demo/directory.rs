//! The demo organisation's information and referral work (CSE 6): a resource directory around the
//! fictional city of Port Alder (some records stale or incomplete, some verified by the referral
//! specialist), then referrals for the needs people's plans name, made to services that fit the
//! need and, where one does, speak the person's language, followed through their status history to
//! an outcome; the consents those referrals shared information under (in force, expired, revoked;
//! signed by the person or a guardian) with a disclosure in each person's accounting; and
//! information-only contacts from anonymous callers, a few a week, some with crisis signs.
//! Everything is invented and the same for the same seed.

use super::{DEMO_SIGN_INS, Member, ORG_TIME_ZONE, PlanNeeds, Team, active, history, insert_all, uuid};
use crate::db::entities::{consent, directory_verification, disclosure, info_contact, referral, referral_event};
use crate::db::{self, Db};
use crate::directory::rows::{self, Row};
use crate::directory::{search, synthetic};
use crate::domain::coaching::UnmetNeed;
use crate::domain::codes::{TextCode, join_codes, split_codes};
use crate::domain::consent::{
    ConsentLaw, ConsentPurpose, ConsentSigner, ConsentTerms, DisclosureChannel, DisclosureRequest, InfoCategory,
    SignatureMethod, covers,
};
use crate::domain::referral::{CrisisFlag, InfoChannel, NeedMet, ReferralHelp, ReferralStatus, ReferralUrgency};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

/// For load tests (`scripts/load.sh`): `mainstay demo` on a database that already holds the demo,
/// with this set to a number, adds synthetic directory services until there are that many.
pub const DIRECTORY_TOP_UP_VAR: &str = "MAINSTAY_DEMO_DIRECTORY_SERVICES";

/// Services in the demo directory: about 300 for the default 200 people, fewer for the small
/// demos the tests use, and only a little more for very large organisations (one city's
/// resources do not grow with the caseload).
pub fn directory_size(people: usize) -> usize {
    if people <= 200 { (people * 3 / 2).clamp(40, 300) } else { (300 + (people - 200) / 250).min(500) }
}

/// The directory taxonomy terms (see `directory::synthetic`) that meet each need, best first.
fn need_terms(need: UnmetNeed) -> &'static [&'static str] {
    match need {
        UnmetNeed::MentalHealth => &["mental-health-crisis", "treatment", "primary-care"],
        UnmetNeed::SubstanceUse => &["treatment", "withdrawal-management", "mutual-aid"],
        UnmetNeed::Legal => &["legal-aid"],
        UnmetNeed::RecordExpungement => &["record-expungement", "legal-aid"],
        UnmetNeed::Crisis => &["mental-health-crisis", "emergency-shelter"],
        UnmetNeed::PrimaryCare => &["primary-care"],
        UnmetNeed::Dental => &["dental"],
        UnmetNeed::EducationVocational => &["employment"],
        UnmetNeed::Housing => &["housing-help", "emergency-shelter"],
        UnmetNeed::Other => &["benefits", "food-pantry", "meals", "transport"],
    }
}

/// Needs the information and referral line hears about, with how it is put.
const LINE_NEEDS: &[(UnmetNeed, u32, &[&str])] = &[
    (UnmetNeed::Housing, 22, &["Behind on rent and worried about eviction", "Sleeping in their car this week"]),
    (
        UnmetNeed::Other,
        24,
        &["Needs food until the next benefits payment", "Help applying for SNAP", "A ride to a medical appointment"],
    ),
    (
        UnmetNeed::SubstanceUse,
        18,
        &["Looking for a detox bed", "Wants to start medication for opioid use disorder", "Asking where meetings are"],
    ),
    (UnmetNeed::MentalHealth, 10, &["Wants to talk to a counsellor", "Asking about the mobile crisis team"]),
    (UnmetNeed::PrimaryCare, 8, &["No doctor since moving here"]),
    (UnmetNeed::Dental, 6, &["Tooth pain for a week"]),
    (UnmetNeed::Legal, 5, &["A letter from the landlord's lawyer"]),
    (UnmetNeed::RecordExpungement, 3, &["An old charge keeps coming up in job applications"]),
    (UnmetNeed::EducationVocational, 4, &["Looking for work after treatment"]),
];

/// Crisis signs heard on the line: (flags, what was done).
const LINE_CRISES: &[(&[CrisisFlag], &str)] = &[
    (
        &[CrisisFlag::SuicideRisk],
        "Asked directly about suicide; stayed on the line and made a warm transfer to the 988 crisis line.",
    ),
    (
        &[CrisisFlag::Overdose, CrisisFlag::MedicalEmergency],
        "Friend not breathing well: told the caller to call 911 and give naloxone; stayed on until EMS arrived.",
    ),
    (&[CrisisFlag::DomesticViolence], "Gave the Harbour House shelter line and talked through a safety plan."),
    (&[CrisisFlag::Homelessness], "Called the overnight shelter together; a bed is held until 7 pm."),
    (
        &[CrisisFlag::ChildSafety, CrisisFlag::DomesticViolence],
        "Explained our duty to report; the caller agreed to call child protective services with us on the line.",
    ),
];

const LINE_OTHER: &[&str] = &[
    "211 for after-hours help",
    "The church food shelf on Elm Street (not in the directory yet)",
    "The county's general assistance office",
];
const LINE_NOTES: &[&str] = &[
    "Will call back after the appointment.",
    "Sent the list by text while we talked.",
    "Came in with a friend; both took the bus pass leaflet.",
    "Asked us to check whether the pantry has Saturday hours.",
];
const LINE_AREAS: &[&str] = &["Port Alder", "Back Cove", "East End", "Riverton", "Westbrook", "04101", "04103"];
const LINE_LANGUAGES: &[(&str, u32)] =
    &[("English", 78), ("Spanish", 14), ("French", 3), ("Arabic", 2), ("Somali", 2), ("Portuguese", 1)];

const VERIFY_NOTES: &[Option<&str>] = &[
    None,
    Some("Called the front desk; hours and fees unchanged."),
    Some("New intake phone number; updated."),
    Some("Confirmed the Spanish-speaking staff days."),
    Some("Checked the website and the printed flyer."),
];
const VERIFY_METHODS: &[&str] = &["phone", "phone", "email", "website", "visit"];

const WARM_NOTES: &[&str] = &[
    "Called the intake line together and introduced them.",
    "Three-way call with the intake worker; appointment booked.",
];
const ACCOMPANIED_NOTES: &[&str] =
    &["Will go with them to the first appointment.", "Meeting at the centre to go over together."];
const INFO_NOTES: &[&str] = &["Gave the address and hours; they will call themselves.", "Wrote the details on a card."];
const ACCEPTED_NOTES: &[&str] =
    &["Intake confirmed they received the referral.", "The agency called back with an intake date."];
const IN_PROGRESS_NOTES: &[&str] =
    &["Went to the first appointment.", "Has started; going weekly.", "Intake done; on the schedule."];
const FOLLOW_UP_NOTES: &[&str] = &[
    "Left a message; will try again.",
    "Talked briefly; they have not called yet. Will check in next week.",
    "Waiting on the agency to call back.",
];
const COMPLETED_NOTES: &[(NeedMet, &str)] = &[
    (NeedMet::Yes, "Connected and the need is met."),
    (NeedMet::Yes, "Going regularly; says it made a real difference."),
    (NeedMet::Partly, "Connected; some help, still on a waiting list for the rest."),
    (NeedMet::Partly, "Got part of what they needed; looking at a second option."),
    (NeedMet::No, "Went once; it was not the right fit."),
    (NeedMet::Unknown, "Went to the intake; lost touch about it since."),
];
const UNABLE_NOTES: &[&str] = &[
    "Three calls and a text, no answer from the agency.",
    "The person's phone was cut off; could not reach them about it.",
    "The service had a waiting list of months; the person gave up on it.",
];
const DECLINED_NOTES: &[&str] =
    &["Not eligible: outside the service area.", "The agency is not taking new people this month."];
const CANCELLED_NOTES: &[&str] =
    &["The need was met another way.", "The person asked us to hold off for now.", "Moved out of the area."];
const REVOKE_NOTES: &[&str] = &[
    "The person asked us to stop sharing with this agency.",
    "Revoked at the person's request after the referral closed.",
];
const EXPIRY_EVENTS: &[&str] = &["When I finish the coaching program", "When this referral is closed"];
const GUARDIAN_GIVEN: &[&str] = &["Maria", "James", "Linda", "Robert", "Ana", "Michael", "Grace", "Daniel"];

/// Someone outside the directory people agree to share with, and what sharing with them is.
#[derive(Clone, Copy)]
struct NamedRecipient {
    name: &'static str,
    detail: &'static str,
    purposes: &'static [ConsentPurpose],
    categories: &'static [InfoCategory],
    /// A disclosure to them, as the accounting describes it.
    what: &'static str,
}

/// Probation, a court, family, a health plan.
const NAMED_RECIPIENTS: &[NamedRecipient] = &[
    NamedRecipient {
        name: "Cumberland County Probation Office",
        detail: "Officer on the person's case",
        purposes: &[ConsentPurpose::Legal],
        categories: &[InfoCategory::Identity, InfoCategory::Attendance],
        what: "Monthly letter confirming coaching attendance",
    },
    NamedRecipient {
        name: "Port Alder Family Court",
        detail: "Family court clerk",
        purposes: &[ConsentPurpose::Legal],
        categories: &[InfoCategory::Identity, InfoCategory::Attendance, InfoCategory::RecoveryPlan],
        what: "Progress letter for the custody review",
    },
    NamedRecipient {
        name: "The person's sister",
        detail: "By phone only",
        purposes: &[ConsentPurpose::FamilyInvolvement],
        categories: &[InfoCategory::Identity, InfoCategory::Attendance],
        what: "Told her the person is coming to coaching",
    },
    NamedRecipient {
        name: "Harbour Health Plan care manager",
        detail: "Care management team",
        purposes: &[ConsentPurpose::CareCoordination, ConsentPurpose::Benefits],
        categories: &[InfoCategory::Identity, InfoCategory::ContactDetails, InfoCategory::RecoveryPlan],
        what: "Shared the recovery plan summary for care coordination",
    },
];

/// Referrals made to show the worklist something today.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Forced {
    /// Sent nine days ago; the follow-up was due two days ago.
    Overdue,
    /// In progress; the follow-up is due today.
    DueToday,
}

/// One directory service as referrals use it.
struct Service {
    id: String,
    name: String,
    organization_id: String,
    organization_name: String,
    service_at_location_id: Option<String>,
    /// Language keys (`es`, `fr`, …).
    languages: Vec<String>,
    listed: bool,
}

/// The demo directory, indexed by taxonomy term code.
#[derive(Default)]
struct Directory {
    services: Vec<Service>,
    by_term: HashMap<String, Vec<usize>>,
    /// Candidates per need, in `UnmetNeed::ALL` order.
    by_need: Vec<Vec<usize>>,
}

fn text(row: &Row, field: &str) -> Option<String> {
    row.get(field).and_then(Value::as_str).map(str::to_string)
}

impl Directory {
    fn of(generated: &synthetic::SyntheticDirectory) -> Directory {
        let organizations: HashMap<String, String> =
            generated.rows("organization").iter().filter_map(|r| Some((text(r, "id")?, text(r, "name")?))).collect();
        let term_codes: HashMap<String, String> =
            generated.rows("taxonomy_term").iter().filter_map(|r| Some((text(r, "id")?, text(r, "code")?))).collect();
        let mut locations: HashMap<String, String> = HashMap::new();
        for r in generated.rows("service_at_location") {
            if let (Some(service), Some(id)) = (text(r, "service_id"), text(r, "id")) {
                locations.entry(service).or_insert(id);
            }
        }
        let mut languages: HashMap<String, Vec<String>> = HashMap::new();
        for r in generated.rows("language") {
            let key = text(r, "code").or_else(|| text(r, "name")).as_deref().and_then(search::language_key);
            if let (Some(service), Some(key)) = (text(r, "service_id"), key) {
                languages.entry(service).or_default().push(key);
            }
        }
        let mut terms: HashMap<String, Vec<String>> = HashMap::new();
        for r in generated.rows("attribute") {
            let code = text(r, "taxonomy_term_id").and_then(|t| term_codes.get(&t).cloned());
            if let (Some(service), Some(code)) = (text(r, "link_id"), code) {
                terms.entry(service).or_default().push(code);
            }
        }
        let mut out = Directory::default();
        for r in generated.rows("service") {
            let (Some(id), Some(name), Some(organization_id)) =
                (text(r, "id"), text(r, "name"), text(r, "organization_id"))
            else {
                continue;
            };
            let index = out.services.len();
            for code in terms.get(&id).into_iter().flatten() {
                out.by_term.entry(code.clone()).or_default().push(index);
            }
            out.services.push(Service {
                organization_name: organizations.get(&organization_id).cloned().unwrap_or_else(|| name.clone()),
                service_at_location_id: locations.get(&id).cloned(),
                languages: languages.remove(&id).unwrap_or_default(),
                listed: text(r, "status").is_none_or(|s| s == "active"),
                id,
                name,
                organization_id,
            });
        }
        out.by_need = UnmetNeed::ALL.iter().map(|n| out.find_candidates(*n)).collect();
        out
    }

    /// Active services meeting the need, in directory order.
    fn candidates(&self, need: UnmetNeed) -> &[usize] {
        let index = UnmetNeed::ALL.iter().position(|n| *n == need).unwrap_or(0);
        self.by_need.get(index).map_or(&[], Vec::as_slice)
    }

    fn find_candidates(&self, need: UnmetNeed) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for term in need_terms(need) {
            for i in self.by_term.get(*term).into_iter().flatten() {
                if self.services[*i].listed && !out.contains(i) {
                    out.push(*i);
                }
            }
        }
        out
    }
}

/// Someone referrals are made for.
struct Person<'m> {
    member: &'m Member,
    program_id: Uuid,
    /// Who makes and follows up their referrals.
    worker: Uuid,
    language: Option<String>,
    /// The language of their printouts (`en`, `es`, `fr`).
    printout: &'static str,
}

/// The generator: the rows it writes, and the consents each person has signed so far.
pub(super) struct Demo<'a> {
    pub rng: ChaCha8Rng,
    pub org_id: Uuid,
    pub programs: &'a [Uuid],
    pub team: &'a Team,
    pub members: &'a [Member],
    pub now: OffsetDateTime,
}

#[derive(Default)]
struct Rows {
    referrals: Vec<referral::Model>,
    events: Vec<referral_event::Model>,
    consents: Vec<consent::Model>,
    disclosures: Vec<disclosure::Model>,
    /// Indexes into `consents`, per person.
    consents_of: HashMap<Uuid, Vec<usize>>,
}

struct Work<'a> {
    rng: ChaCha8Rng,
    org_id: Uuid,
    org_name: &'static str,
    now: OffsetDateTime,
    today: Date,
    /// Referrals go back to when the organisation's records moved onto Mainstay.
    since: Date,
    directory: &'a Directory,
    rows: Rows,
    /// Candidates per need that speak a language.
    speaking: HashMap<(UnmetNeed, String), Vec<usize>>,
}

/// A status change on the way: (status, day, note).
type Step = (ReferralStatus, Date, Option<String>);

impl Demo<'_> {
    /// Writes the directory, referrals, consents, disclosures and information-only contacts in
    /// the demo's transaction.
    pub async fn insert(
        self,
        txn: &db::WriteTxn,
        plan_needs: &HashMap<Uuid, PlanNeeds>,
        seed: u64,
    ) -> anyhow::Result<()> {
        let Demo { mut rng, org_id, programs, team, members, now } = self;
        let today = crate::app::local_date(ORG_TIME_ZONE, now);
        let mut generated = synthetic::generate(directory_size(members.len()), seed, today);
        let verifications = verify_some(&mut rng, &mut generated, org_id, team.referral, today, now);
        for (table, rows) in &generated.tables {
            rows::upsert(&**txn, org_id, table, rows, now).await?;
        }
        let service_ids: Vec<String> = generated.rows("service").iter().filter_map(|r| text(r, "id")).collect();
        search::reindex(&**txn, org_id, &service_ids).await?;
        insert_all::<directory_verification::ActiveModel>(txn, active(verifications)).await?;

        let directory = Directory::of(&generated);
        let coaching = members.iter().filter(|m| m.program < 2).count();
        let (history_days, _) = history(coaching);
        let mut work = Work {
            rng,
            org_id,
            org_name: "Harbour Light Recovery Community",
            now,
            today,
            since: today - Duration::days(history_days),
            directory: &directory,
            rows: Rows::default(),
            speaking: HashMap::new(),
        };
        // Fewer referrals per plan need when the history is short, so large demos stay quick.
        let chance = (0.75 * history_days as f64 / 365.0).clamp(0.25, 0.75);
        let forced = forced_referrals(members, plan_needs, team);
        for m in members {
            let (worker, needs): (Uuid, Vec<(UnmetNeed, Option<String>, Date)>) = match m.program {
                0 | 1 => {
                    let Some(plan) = plan_needs.get(&m.person_id) else { continue };
                    let mut needs: Vec<_> =
                        plan.needs.iter().map(|n| (n.need, Some(n.note.clone()), plan.identified_on)).collect();
                    // Now and then a need comes up later in the year, in a contact.
                    if work.rng.gen_bool(0.08) {
                        let from = plan.identified_on.max(work.since);
                        let span = (today - from).whole_days().max(0);
                        let (need, _, details) = work.pick_weighted_need();
                        if !needs.iter().any(|(n, _, _)| *n == need) {
                            let detail = details[work.rng.gen_range(0..details.len())];
                            needs.push((
                                need,
                                Some(detail.into()),
                                from + Duration::days(work.rng.gen_range(0..=span)),
                            ));
                        }
                    }
                    (m.worker, needs)
                }
                // People on the information and referral line came for exactly this.
                3 => {
                    let from = m.started_on.max(work.since);
                    let span = (today - from).whole_days().max(0);
                    let mut needs = Vec::new();
                    for _ in 0..work.rng.gen_range(1..=2) {
                        let (need, _, details) = work.pick_weighted_need();
                        if !needs.iter().any(|(n, _, _)| *n == need) {
                            let detail = details[work.rng.gen_range(0..details.len())];
                            needs.push((
                                need,
                                Some(detail.into()),
                                from + Duration::days(work.rng.gen_range(0..=span)),
                            ));
                        }
                    }
                    (m.worker, needs)
                }
                _ => continue,
            };
            let language = m.language.clone();
            let person = Person {
                member: m,
                program_id: programs[m.program],
                worker,
                printout: crate::referrals::printout_language(language.as_deref(), "en").code(),
                language: language.as_deref().and_then(search::language_key),
            };
            let program_chance = if m.program == 3 { 0.9 } else { chance };
            for (k, (need, detail, identified)) in needs.into_iter().enumerate() {
                let force = forced.iter().find(|(p, _)| *p == m.person_id).map(|(_, f)| *f).filter(|_| k == 0);
                if force.is_none() && !work.rng.gen_bool(program_chance) {
                    continue;
                }
                // After an unsuccessful referral, often another resource for the same need.
                let mut next = Some((identified, None::<String>, force));
                while let Some((earliest, exclude, force)) = next.take() {
                    let unable = work.referral(&person, need, detail.clone(), identified, earliest, exclude, force);
                    if let Some((closed_on, service_id)) = unable
                        && closed_on + Duration::days(3) < today
                        && work.rng.gen_bool(0.35)
                    {
                        next = Some((closed_on + Duration::days(work.rng.gen_range(1..=5)), Some(service_id), None));
                    }
                }
            }
            if m.program < 2 && work.rng.gen_bool(0.03) {
                work.named_consent(&person);
            }
        }
        let contacts = work.info_contacts(team, programs[3], members.len());
        let Rows { referrals, events, consents, disclosures, .. } = work.rows;
        insert_all::<consent::ActiveModel>(txn, active(consents)).await?;
        insert_all::<referral::ActiveModel>(txn, active(referrals)).await?;
        insert_all::<referral_event::ActiveModel>(txn, active(events)).await?;
        insert_all::<disclosure::ActiveModel>(txn, active(disclosures)).await?;
        insert_all::<info_contact::ActiveModel>(txn, active(contacts)).await?;
        Ok(())
    }
}

/// The named coach's first two people with plan needs get a referral overdue for follow-up and
/// one due today; the referral specialist's first person one overdue.
fn forced_referrals(members: &[Member], plan_needs: &HashMap<Uuid, PlanNeeds>, team: &Team) -> Vec<(Uuid, Forced)> {
    let mut coach: Vec<&Member> = members
        .iter()
        .filter(|m| m.worker == team.coach && m.program < 2 && plan_needs.contains_key(&m.person_id))
        .collect();
    coach.sort_by_key(|m| (m.started_on, m.person_id));
    let mut out: Vec<(Uuid, Forced)> =
        coach.iter().zip([Forced::Overdue, Forced::DueToday]).map(|(m, f)| (m.person_id, f)).collect();
    if let Some(m) = members.iter().find(|m| m.worker == team.referral && m.program == 3) {
        out.push((m.person_id, Forced::Overdue));
    }
    out
}

impl Work<'_> {
    fn at(&self, day: Date, minute: i64) -> OffsetDateTime {
        // 13:00–22:00 UTC is working hours in New York.
        (day.midnight().assume_utc() + Duration::minutes(13 * 60 + minute.clamp(0, 539))).min(self.now)
    }

    /// Some moment in the first `minutes` of working hours on `day`.
    fn some_time(&mut self, day: Date, minutes: i64) -> OffsetDateTime {
        let minute = self.rng.gen_range(0..minutes);
        self.at(day, minute)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        super::weighted(&mut self.rng, items)
    }

    fn pick_weighted_need(&mut self) -> (UnmetNeed, u32, &'static [&'static str]) {
        let total: u32 = LINE_NEEDS.iter().map(|(_, w, _)| w).sum();
        let mut pick = self.rng.gen_range(0..total);
        for entry in LINE_NEEDS {
            if pick < entry.1 {
                return *entry;
            }
            pick -= entry.1;
        }
        LINE_NEEDS[0]
    }

    /// A service for the need: one offering the person's language when there is one (most of
    /// the time), never `exclude`.
    fn choose_service(&mut self, need: UnmetNeed, language: Option<&str>, exclude: Option<&str>) -> Option<usize> {
        let directory = self.directory;
        let all = directory.candidates(need);
        let key = language.filter(|l| *l != "en").map(|l| (need, l.to_string()));
        let speaking = match &key {
            Some(key) => {
                let speaks =
                    |i: &usize| directory.services[*i].languages.iter().any(|l| search::language_matches(l, &key.1));
                self.speaking.entry(key.clone()).or_insert_with(|| all.iter().copied().filter(speaks).collect()).len()
            }
            None => 0,
        };
        let pool: &[usize] = match &key {
            Some(key) if speaking > 0 && self.rng.gen_bool(0.85) => &self.speaking[key],
            _ => all,
        };
        let excluded = |i: usize| Some(directory.services[i].id.as_str()) == exclude;
        let usable = pool.iter().filter(|i| !excluded(**i)).count();
        if usable == 0 {
            let rest: Vec<usize> = all.iter().copied().filter(|i| !excluded(*i)).collect();
            return (!rest.is_empty()).then(|| rest[self.rng.gen_range(0..rest.len())]);
        }
        let nth = self.rng.gen_range(0..usable);
        pool.iter().copied().filter(|i| !excluded(*i)).nth(nth)
    }

    /// What a referral shares: usually who the person is, how to reach them and why; now and
    /// then more; sometimes nothing (the person contacts the resource themselves).
    fn shared(&mut self, need: UnmetNeed, forced: bool) -> Vec<InfoCategory> {
        if !forced && self.rng.gen_bool(0.22) {
            return Vec::new();
        }
        let mut chosen = vec![InfoCategory::Identity];
        if forced || self.rng.gen_bool(0.9) {
            chosen.push(InfoCategory::ContactDetails);
        }
        if forced || self.rng.gen_bool(0.8) {
            chosen.push(InfoCategory::ReasonForReferral);
        }
        if !forced {
            if need == UnmetNeed::SubstanceUse && self.rng.gen_bool(0.6) {
                chosen.push(InfoCategory::SubstanceUse);
            }
            if need == UnmetNeed::MentalHealth && self.rng.gen_bool(0.5) {
                chosen.push(InfoCategory::MentalHealth);
            }
            if self.rng.gen_bool(0.08) {
                chosen.push(InfoCategory::RecoveryPlan);
            }
        }
        canonical(&chosen)
    }

    /// The status changes of a sent referral as they would happen, from the day it was sent.
    fn timeline(&mut self, sent: Date, urgency: ReferralUrgency, help: ReferralHelp) -> (Vec<Step>, Option<NeedMet>) {
        let mut steps: Vec<Step> = vec![(ReferralStatus::Sent, sent, None)];
        let day = |d: i64| sent + Duration::days(d);
        let quick = urgency == ReferralUrgency::Today;
        match self.weighted(&[(0, 66), (1, 16), (2, 6), (3, 7), (4, 5)]) {
            // Declined by the resource.
            2 => {
                let note = self.pick(DECLINED_NOTES);
                steps.push((ReferralStatus::Declined, day(self.rng.gen_range(1..=7)), Some(note.into())));
                (steps, None)
            }
            // Cancelled: the need went away or was met elsewhere.
            3 => {
                let note = self.pick(CANCELLED_NOTES);
                steps.push((ReferralStatus::Cancelled, day(self.rng.gen_range(3..=30)), Some(note.into())));
                (steps, None)
            }
            // Unable to connect after a couple of tries.
            1 => {
                let first = self.rng.gen_range(5..=9);
                let note = self.pick(FOLLOW_UP_NOTES);
                steps.push((ReferralStatus::Sent, day(first), Some(note.into())));
                let note = self.pick(UNABLE_NOTES);
                steps.push((
                    ReferralStatus::UnableToConnect,
                    day(first + self.rng.gen_range(7..=25)),
                    Some(note.into()),
                ));
                (steps, Some(NeedMet::No))
            }
            // Connected (or, for a few, still waiting to hear: the same path, later).
            slow => {
                let mut t = 0;
                let accepted_chance = if help == ReferralHelp::InformationGiven { 0.3 } else { 0.65 };
                if self.rng.gen_bool(accepted_chance) {
                    t += self.rng.gen_range(1..=4);
                    let note = self.pick(ACCEPTED_NOTES);
                    steps.push((ReferralStatus::Accepted, day(t), Some(note.into())));
                }
                t += if quick { self.rng.gen_range(0..=2) } else { self.rng.gen_range(2..=12) };
                if slow == 4 {
                    t += self.rng.gen_range(20..=40);
                }
                let note = self.pick(IN_PROGRESS_NOTES);
                steps.push((ReferralStatus::InProgress, day(t.max(1)), Some(note.into())));
                let (met, note) = self.pick(COMPLETED_NOTES);
                steps.push((ReferralStatus::Completed, day(t.max(1) + self.rng.gen_range(10..=45)), Some(note.into())));
                (steps, Some(met))
            }
        }
    }

    /// One referral, from the need to where it stands today. Returns, for one that ended unable
    /// to connect, when it closed and the service it was to.
    #[allow(clippy::too_many_arguments)]
    fn referral(
        &mut self,
        p: &Person,
        need: UnmetNeed,
        detail: Option<String>,
        identified: Date,
        earliest: Date,
        exclude: Option<String>,
        forced: Option<Forced>,
    ) -> Option<(Date, String)> {
        let today = self.today;
        let referred = match forced {
            Some(Forced::Overdue) => today - Duration::days(9),
            Some(Forced::DueToday) => today - Duration::days(12),
            None => {
                let delay = match self.weighted(&[(0, 30), (1, 15), (2, 10), (3, 25), (4, 15), (5, 5)]) {
                    d @ 0..=2 => i64::from(d),
                    3 => self.rng.gen_range(3..=7),
                    4 => self.rng.gen_range(8..=21),
                    _ => self.rng.gen_range(22..=45),
                };
                (identified + Duration::days(delay)).max(earliest)
            }
        };
        let identified = identified.min(referred);
        // Still being written up: a draft.
        let draft = forced.is_none() && referred > today;
        if (draft && ((today - identified).whole_days() > 5 || self.rng.gen_bool(0.5))) || referred < self.since {
            return None;
        }
        let index = self.choose_service(need, p.language.as_deref(), exclude.as_deref())?;
        let directory = self.directory;
        let service = &directory.services[index];
        let urgency = match (forced, need) {
            (Some(_), _) => ReferralUrgency::ThisWeek,
            (None, UnmetNeed::Crisis) => ReferralUrgency::Today,
            _ => self.weighted(&[
                (ReferralUrgency::Today, 12),
                (ReferralUrgency::ThisWeek, 38),
                (ReferralUrgency::Routine, 50),
            ]),
        };
        let help = self.weighted(&[
            (ReferralHelp::InformationGiven, 45),
            (ReferralHelp::WarmHandoff, 40),
            (ReferralHelp::Accompanied, 15),
        ]);
        let shared = self.shared(need, forced.is_some());
        let note = match help {
            ReferralHelp::WarmHandoff => Some(self.pick(WARM_NOTES)),
            ReferralHelp::Accompanied => Some(self.pick(ACCOMPANIED_NOTES)),
            ReferralHelp::InformationGiven => self.rng.gen_bool(0.5).then(|| self.pick(INFO_NOTES)),
        };
        let id = uuid(&mut self.rng);
        let mut model = referral::Model {
            id,
            org_id: self.org_id,
            person_id: p.member.person_id,
            program_id: Some(p.program_id),
            need: need.code().to_string(),
            need_detail: detail,
            need_identified_on: identified,
            service_id: service.id.clone(),
            service_at_location_id: service.service_at_location_id.clone(),
            resource_organization_id: Some(service.organization_id.clone()),
            resource_name: service.name.clone(),
            urgency: urgency.code().to_string(),
            help: help.code().to_string(),
            shared_categories: join_codes(&shared),
            consent_id: None,
            status: ReferralStatus::Draft.code().to_string(),
            referred_on: None,
            follow_up_on: None,
            connected: None,
            connected_on: None,
            need_met: None,
            outcome_note: None,
            closed_on: None,
            note: note.map(str::to_string),
            language: Some(p.printout.to_string()),
            made_by: p.worker,
            assigned_to: p.worker,
            version: 1,
            created_at: self.now,
            updated_at: self.now,
        };
        if draft {
            let at = self.some_time(today, 480);
            model.follow_up_on = Some(crate::referrals::default_follow_up(urgency, today));
            model.created_at = at;
            model.updated_at = at;
            self.event(&model, ReferralStatus::Draft, at, model.follow_up_on, None);
            self.rows.referrals.push(model);
            return None;
        }

        let (mut steps, met) = match forced {
            Some(Forced::Overdue) => (vec![(ReferralStatus::Sent, referred, None)], None),
            Some(Forced::DueToday) => (
                vec![
                    (ReferralStatus::Sent, referred, None),
                    (ReferralStatus::Accepted, referred + Duration::days(2), Some(ACCEPTED_NOTES[0].into())),
                    (ReferralStatus::InProgress, today - Duration::days(7), Some(IN_PROGRESS_NOTES[2].into())),
                ],
                None,
            ),
            None => self.timeline(referred, urgency, help),
        };
        steps.retain(|(_, day, _)| *day <= today);
        let (status, last_day, _) = steps.last().cloned().unwrap_or((ReferralStatus::Sent, referred, None));
        // The follow-up owed after each step: a repeated status is a follow-up call, with the
        // next a week on.
        let next = |steps: &[Step], k: usize| {
            let (status, day, _) = &steps[k];
            match status {
                s if s.is_closed() => None,
                _ if k > 0 && steps[k - 1].0 == *status => Some(*day + Duration::days(7)),
                ReferralStatus::InProgress => Some(*day + Duration::days(7)),
                _ => Some(crate::referrals::default_follow_up(urgency, *day)),
            }
        };
        // When a follow-up is more than ten days late, the worker did follow up.
        if let Some(mut follow) = next(&steps, steps.len() - 1) {
            while follow < today - Duration::days(10) {
                let on = (follow + Duration::days(self.rng.gen_range(0..=2))).min(today);
                let note = self.pick(FOLLOW_UP_NOTES);
                steps.push((status, on, Some(note.into())));
                follow = on + Duration::days(7);
            }
        }

        // Consent and the disclosure, when anything is shared.
        let sent_at = self.some_time(referred, 240);
        if !shared.is_empty() {
            let consent_id = self.covering_consent(p, service_index_data(service), &shared, referred, identified);
            model.consent_id = Some(consent_id);
            self.rows.disclosures.push(disclosure::Model {
                id: uuid(&mut self.rng),
                org_id: self.org_id,
                person_id: p.member.person_id,
                consent_id,
                disclosed_at: sent_at,
                recipient_organization_id: model.resource_organization_id.clone(),
                // Consents and the accounting name the organisation (as `referrals` records it).
                recipient_name: service.organization_name.clone(),
                categories: join_codes(&shared),
                purpose: ConsentPurpose::Referral.code().to_string(),
                channel: DisclosureChannel::Referral.code().to_string(),
                referral_id: Some(id),
                notice_included: true,
                description: Some("referral".into()),
                disclosed_by: p.worker,
                created_at: sent_at,
            });
        }

        // The history, and where it leaves the referral.
        model.referred_on = Some(referred);
        model.created_at = sent_at;
        let mut follow = None;
        let mut connected_on = None;
        let mut at = sent_at;
        for (k, (step, day, note)) in steps.iter().enumerate() {
            at = if k == 0 {
                sent_at
            } else {
                let minute = 240 + 20 * k as i64 + self.rng.gen_range(0..20);
                self.at(*day, minute).max(at)
            };
            follow = if k == steps.len() - 1 && forced == Some(Forced::Overdue) {
                Some(today - Duration::days(2))
            } else {
                next(&steps, k)
            };
            if *step == ReferralStatus::InProgress && connected_on.is_none() {
                connected_on = Some(*day);
            }
            self.event(&model, *step, at, follow, note.clone());
        }
        model.status = status.code().to_string();
        model.follow_up_on = follow;
        model.version = steps.len() as i32;
        model.updated_at = at;
        match status {
            ReferralStatus::Completed => {
                model.connected = Some(true);
                model.connected_on = connected_on;
                model.need_met = met.map(|m| m.code().to_string());
            }
            ReferralStatus::InProgress => {
                model.connected = Some(true);
                model.connected_on = connected_on;
            }
            ReferralStatus::UnableToConnect | ReferralStatus::Declined => {
                model.connected = Some(false);
                model.need_met = (status == ReferralStatus::UnableToConnect).then(|| NeedMet::No.code().to_string());
            }
            _ => {}
        }
        if status.is_closed() {
            model.closed_on = Some(last_day);
            model.outcome_note = steps.last().and_then(|s| s.2.clone());
        }
        let unable = (status == ReferralStatus::UnableToConnect).then(|| (last_day, model.service_id.clone()));
        self.rows.referrals.push(model);
        unable
    }

    fn event(
        &mut self,
        r: &referral::Model,
        status: ReferralStatus,
        at: OffsetDateTime,
        follow_up_on: Option<Date>,
        note: Option<String>,
    ) {
        self.rows.events.push(referral_event::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            referral_id: r.id,
            status: status.code().to_string(),
            at,
            by_staff: r.made_by,
            follow_up_on,
            note,
        });
    }

    /// The person's consent that covers sharing `shared` with the service's organisation on
    /// `on`, or a new one signed that day or a little before.
    fn covering_consent(
        &mut self,
        p: &Person,
        (organization_id, organization_name): (&str, &str),
        shared: &[InfoCategory],
        on: Date,
        identified: Date,
    ) -> Uuid {
        let request = DisclosureRequest {
            recipient_organization_id: Some(organization_id),
            recipient_name: organization_name,
            categories: shared,
            purpose: ConsentPurpose::Referral,
            on,
        };
        for i in self.rows.consents_of.get(&p.member.person_id).into_iter().flatten() {
            let c = &self.rows.consents[*i];
            if consent_covers(c, &request) {
                return c.id;
            }
        }
        let signed_on =
            (on - Duration::days(self.weighted(&[(0, 80), (1, 10), (2, 6), (3, 4)]))).max(identified.min(on));
        let mut categories = shared.to_vec();
        if self.rng.gen_bool(0.3) {
            categories.extend([InfoCategory::ContactDetails, InfoCategory::ReasonForReferral]);
        }
        let categories = canonical(&categories);
        let purposes = if self.rng.gen_bool(0.3) {
            vec![ConsentPurpose::Referral, ConsentPurpose::CareCoordination]
        } else {
            vec![ConsentPurpose::Referral]
        };
        let (expires_on, expiry_event) = match self.weighted(&[(365, 50), (180, 25), (90, 10), (0, 15)]) {
            0 => (None, Some(self.pick(EXPIRY_EVENTS).to_string())),
            days => (Some(signed_on + Duration::days(days)), None),
        };
        let revoked_on = self.rng.gen_bool(0.06).then(|| on + Duration::days(self.rng.gen_range(5..=120)));
        let revoked_on = revoked_on.filter(|d| *d <= self.today);
        let model = self.consent_row(p, Some((organization_id, organization_name)), categories, purposes, signed_on);
        let model = consent::Model {
            recipient_detail: self.rng.gen_bool(0.4).then(|| "Intake coordinator".to_string()),
            expires_on,
            expiry_event,
            revoked_on,
            revoked_by: revoked_on.map(|_| p.worker),
            revocation_note: revoked_on.map(|_| self.pick(REVOKE_NOTES).to_string()),
            updated_at: revoked_on.map_or(model.updated_at, |d| self.at(d, 120)),
            version: if revoked_on.is_some() { 2 } else { 1 },
            ..model
        };
        let id = model.id;
        self.push_consent(model);
        id
    }

    /// A consent's common fields: signed by the person, or by a guardian for someone under 18
    /// (and for a few adults with a court-appointed guardian or a representative).
    fn consent_row(
        &mut self,
        p: &Person,
        recipient: Option<(&str, &str)>,
        categories: Vec<InfoCategory>,
        purposes: Vec<ConsentPurpose>,
        signed_on: Date,
    ) -> consent::Model {
        let m = p.member;
        let minor = m.date_of_birth.is_some_and(|b| b + Duration::days(18 * 365 + 4) > signed_on);
        let (signer, signer_name, authority) = if minor {
            let name = format!("{} {}", self.pick(GUARDIAN_GIVEN), m.family_name);
            (ConsentSigner::Guardian, name, Some("Parent and legal guardian".to_string()))
        } else {
            match self.weighted(&[(0, 96), (1, 3), (2, 1)]) {
                1 => (
                    ConsentSigner::Guardian,
                    format!("{} {}", self.pick(GUARDIAN_GIVEN), m.family_name),
                    Some("Court-appointed guardian (probate court order)".to_string()),
                ),
                2 => (
                    ConsentSigner::PersonalRepresentative,
                    format!("{} {}", self.pick(GUARDIAN_GIVEN), self.pick(&["Okafor", "Tremblay", "Rivera"])),
                    Some("Health care power of attorney".to_string()),
                ),
                _ => (ConsentSigner::Person, format!("{} {}", m.given_name, m.family_name), None),
            }
        };
        let created_at = self.some_time(signed_on, 240);
        let (organization_id, name) = match recipient {
            Some((id, name)) => (Some(id.to_string()), name.to_string()),
            None => (None, String::new()),
        };
        consent::Model {
            id: uuid(&mut self.rng),
            org_id: self.org_id,
            person_id: m.person_id,
            law: ConsentLaw::UsPart2.code().to_string(),
            discloser: self.org_name.to_string(),
            recipient_organization_id: organization_id,
            recipient_name: name,
            recipient_detail: None,
            information_detail: information_detail(&categories),
            categories: join_codes(&categories),
            purposes: join_codes(&purposes),
            purpose_detail: None,
            expires_on: None,
            expiry_event: None,
            expiry_event_on: None,
            signed_on,
            signer: signer.code().to_string(),
            signer_name,
            signer_authority: authority,
            signature_method: self
                .weighted(&[(SignatureMethod::Electronic, 60), (SignatureMethod::Paper, 40)])
                .code()
                .to_string(),
            revocation_explained: true,
            revoked_on: None,
            revoked_by: None,
            revocation_note: None,
            recorded_by: p.worker,
            version: 1,
            created_at,
            updated_at: created_at,
        }
    }

    fn push_consent(&mut self, model: consent::Model) {
        self.rows.consents_of.entry(model.person_id).or_default().push(self.rows.consents.len());
        self.rows.consents.push(model);
    }

    /// A consent to share with someone outside the directory (probation, a court, family, a
    /// health plan), sometimes used since.
    fn named_consent(&mut self, p: &Person) {
        let NamedRecipient { name, detail, purposes, categories, what } = self.pick(NAMED_RECIPIENTS);
        let from = p.member.started_on.max(self.since);
        let span = (self.today - from).whole_days().max(0);
        let signed_on = from + Duration::days(self.rng.gen_range(0..=span));
        let model = self.consent_row(p, None, canonical(categories), purposes.to_vec(), signed_on);
        let (expires_on, expiry_event) = if name.contains("sister") {
            (None, Some("When I say so, or when I leave the program".to_string()))
        } else {
            (Some(signed_on + Duration::days(365)), None)
        };
        let model = consent::Model {
            recipient_name: name.to_string(),
            recipient_detail: Some(detail.to_string()),
            expires_on,
            expiry_event,
            ..model
        };
        let first = signed_on + Duration::days(self.rng.gen_range(3..=40));
        if first <= self.today && self.rng.gen_bool(0.6) {
            let at = self.some_time(first, 480);
            let channel = match name {
                n if n.contains("sister") => DisclosureChannel::Phone,
                n if n.contains("Health Plan") => DisclosureChannel::Email,
                _ => DisclosureChannel::Printout,
            };
            self.rows.disclosures.push(disclosure::Model {
                id: uuid(&mut self.rng),
                org_id: self.org_id,
                person_id: model.person_id,
                consent_id: model.id,
                disclosed_at: at,
                recipient_organization_id: None,
                recipient_name: name.to_string(),
                categories: model.categories.clone(),
                purpose: purposes[0].code().to_string(),
                channel: channel.code().to_string(),
                referral_id: None,
                notice_included: true,
                description: Some(what.to_string()),
                disclosed_by: p.worker,
                created_at: at,
            });
        }
        self.push_consent(model);
    }

    /// A few anonymous callers and walk-ins a week for the past year; more for a larger
    /// organisation.
    fn info_contacts(&mut self, team: &Team, program: Uuid, people: usize) -> Vec<info_contact::Model> {
        let per_week = 3 + people / 10_000;
        let staff = [(team.referral, 70), (team.coach, 15), (team.supervisor, 15)];
        let mut out = Vec::new();
        for week in (0..52).rev() {
            for _ in 0..self.rng.gen_range(per_week..=per_week + 2) {
                let day = self.today - Duration::days(week * 7 + self.rng.gen_range(0..7));
                if matches!(day.weekday(), time::Weekday::Saturday | time::Weekday::Sunday) {
                    continue;
                }
                let at = self.some_time(day, 500);
                let (need, _, details) = self.pick_weighted_need();
                let mut needs = vec![need];
                if self.rng.gen_bool(0.25) {
                    let (other, _, _) = self.pick_weighted_need();
                    if other != need {
                        needs.push(other);
                    }
                }
                let needs = canonical(&needs);
                let mut service_ids: Vec<String> = Vec::new();
                let directory = self.directory;
                for n in &needs {
                    let candidates = directory.candidates(*n);
                    for _ in 0..self.rng.gen_range(1..=2) {
                        if candidates.is_empty() {
                            break;
                        }
                        let id = directory.services[self.pick(candidates)].id.clone();
                        if !service_ids.contains(&id) {
                            service_ids.push(id);
                        }
                    }
                }
                let crisis = self.rng.gen_bool(0.07).then(|| self.pick(LINE_CRISES));
                let channel = if crisis.is_some() {
                    self.weighted(&[(InfoChannel::Phone, 80), (InfoChannel::WalkIn, 20)])
                } else {
                    self.weighted(&[
                        (InfoChannel::Phone, 55),
                        (InfoChannel::WalkIn, 20),
                        (InfoChannel::Text, 15),
                        (InfoChannel::Email, 5),
                        (InfoChannel::Outreach, 5),
                    ])
                };
                let minutes = if crisis.is_some() { self.rng.gen_range(20..=60) } else { self.rng.gen_range(3..=30) };
                out.push(info_contact::Model {
                    id: uuid(&mut self.rng),
                    org_id: self.org_id,
                    at,
                    staff_id: self.weighted(&staff),
                    program_id: Some(program),
                    channel: channel.code().to_string(),
                    needs: join_codes(&needs),
                    need_detail: self.rng.gen_bool(0.7).then(|| self.pick(details).to_string()),
                    service_ids: service_ids.join(";"),
                    other_resources: self.rng.gen_bool(0.2).then(|| self.pick(LINE_OTHER).to_string()),
                    crisis_flags: crisis.map(|(flags, _)| join_codes(&canonical(flags))).unwrap_or_default(),
                    crisis_action: crisis.map(|(_, action)| action.to_string()),
                    language: Some(super::weighted(&mut self.rng, LINE_LANGUAGES).to_string()),
                    area: self.rng.gen_bool(0.7).then(|| self.pick(LINE_AREAS).to_string()),
                    minutes: Some(minutes),
                    note: self.rng.gen_bool(0.2).then(|| self.pick(LINE_NOTES).to_string()),
                    created_at: at,
                });
            }
        }
        out
    }
}

/// A few verifications by the referral specialist: some of the records confirmed within the
/// interval were theirs, and a handful of stale ones were brought up to date this month.
fn verify_some(
    rng: &mut ChaCha8Rng,
    generated: &mut synthetic::SyntheticDirectory,
    org_id: Uuid,
    specialist: Uuid,
    today: Date,
    now: OffsetDateTime,
) -> Vec<directory_verification::Model> {
    let email = DEMO_SIGN_INS.iter().find(|(r, _)| *r == crate::domain::codes::Role::ReferralSpecialist);
    let email = email.map_or("referral@demo.example", |(_, e)| e);
    let interval_start = today - Duration::days(365);
    let mut out = Vec::new();
    for (table, rows) in &mut generated.tables {
        if table.name != "service" {
            continue;
        }
        for row in rows.iter_mut() {
            let Some(assured) = text(row, "assured_date").and_then(|d| crate::directory::resources::parse_date(&d))
            else {
                continue;
            };
            let verified_on = if assured >= interval_start && rng.gen_bool(0.2) {
                assured
            } else if assured < interval_start && rng.gen_bool(0.05) {
                today - Duration::days(rng.gen_range(0..28))
            } else {
                continue;
            };
            row.insert("assured_date".into(), Value::String(verified_on.to_string()));
            row.insert("assurer_email".into(), Value::String(email.to_string()));
            let note = VERIFY_NOTES[rng.gen_range(0..VERIFY_NOTES.len())];
            let minute = rng.gen_range(0..480);
            out.push(directory_verification::Model {
                id: uuid(rng),
                org_id,
                service_id: text(row, "id").unwrap_or_default(),
                verified_on,
                verified_by: specialist,
                method: Some(VERIFY_METHODS[rng.gen_range(0..VERIFY_METHODS.len())].to_string()),
                note: note.map(str::to_string),
                created_at: (verified_on.midnight().assume_utc() + Duration::minutes(13 * 60 + minute)).min(now),
            });
        }
    }
    out
}

fn service_index_data(service: &Service) -> (&str, &str) {
    (&service.organization_id, &service.organization_name)
}

/// Codes in the order their type lists them, each once (as the forms store them).
fn canonical<T: TextCode + PartialEq>(chosen: &[T]) -> Vec<T> {
    T::all().iter().copied().filter(|c| chosen.contains(c)).collect()
}

/// The consent form's "what information and how much", in words.
fn information_detail(categories: &[InfoCategory]) -> String {
    let words: Vec<&str> = categories
        .iter()
        .map(|c| match c {
            InfoCategory::Identity => "my name and date of birth",
            InfoCategory::ContactDetails => "my phone number and address",
            InfoCategory::ReasonForReferral => "why I am being referred",
            InfoCategory::RecoveryPlan => "the goals in my recovery plan",
            InfoCategory::SubstanceUse => "my substance use history as it relates to this referral",
            InfoCategory::MentalHealth => "mental health information needed for intake",
            InfoCategory::Attendance => "whether I attend coaching and groups",
            InfoCategory::Other => "other information I agree to",
        })
        .collect();
    let mut text = words.join("; ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text.push('.');
    text
}

/// Whether the stored consent covers the disclosure (`domain::consent::covers` on its terms).
pub(super) fn consent_covers(c: &consent::Model, request: &DisclosureRequest) -> bool {
    let categories: Vec<InfoCategory> = split_codes(&c.categories);
    let purposes: Vec<ConsentPurpose> = split_codes(&c.purposes);
    let terms = ConsentTerms {
        recipient_organization_id: c.recipient_organization_id.as_deref(),
        recipient_name: &c.recipient_name,
        categories: &categories,
        purposes: &purposes,
        signed_on: c.signed_on,
        expires_on: c.expires_on,
        expiry_event_on: c.expiry_event_on,
        revoked_on: c.revoked_on,
    };
    covers(&terms, request).is_ok()
}

/// Adds synthetic directory services (the demo's own generator, continued) until the demo
/// organisation has `total`, indexed for search, in one transaction. The demo's own services
/// are left as they are. Returns how many services there are now.
pub async fn top_up_directory(
    db: &Db,
    org_id: Uuid,
    total: usize,
    seed: u64,
    now: OffsetDateTime,
) -> anyhow::Result<usize> {
    use sea_orm::{ConnectionTrait, Statement};
    let started = std::time::Instant::now();
    let count = |conn: sea_orm::DatabaseConnection| async move {
        let backend = conn.get_database_backend();
        let sql = match backend {
            sea_orm::DbBackend::Postgres => "SELECT COUNT(*) AS n FROM hsds_service WHERE org_id = $1",
            _ => "SELECT COUNT(*) AS n FROM hsds_service WHERE org_id = ?",
        };
        let row = conn
            .query_one_raw(Statement::from_sql_and_values(backend, sql, [org_id.into()]))
            .await?
            .ok_or_else(|| anyhow::anyhow!("no count"))?;
        anyhow::Ok(row.try_get::<i64>("", "n")? as usize)
    };
    let before = count(db.conn().clone()).await?;
    if before >= total {
        tracing::info!(before, after = before, "demo directory already large enough ({DIRECTORY_TOP_UP_VAR})");
        return Ok(before);
    }
    let today = crate::app::local_date(ORG_TIME_ZONE, now);
    let generated = synthetic::generate(total, seed, today);
    let sqlite = db.backend() == sea_orm::DbBackend::Sqlite;
    let txn = db.begin_write().await?;
    if sqlite {
        txn.execute_unprepared("PRAGMA cache_size = -1048576").await?;
    }
    let mut added: Vec<String> = Vec::new();
    for (table, rows) in &generated.tables {
        let ids: Vec<String> = rows.iter().filter_map(|r| text(r, "id")).collect();
        let existing = rows::existing_ids(&*txn, org_id, table, &ids).await?;
        let fresh: Vec<Row> =
            rows.iter().filter(|r| text(r, "id").is_some_and(|id| !existing.contains(&id))).cloned().collect();
        if table.name == "service" {
            added = fresh.iter().filter_map(|r| text(r, "id")).collect();
        }
        rows::upsert(&*txn, org_id, table, &fresh, now).await?;
    }
    search::reindex(&*txn, org_id, &added).await?;
    txn.commit().await?;
    if sqlite {
        let txn = db.begin_write().await?;
        txn.execute_unprepared("PRAGMA cache_size = -16000").await?;
        txn.commit().await?;
    }
    db.after_bulk_load().await?;
    let after = count(db.conn().clone()).await?;
    tracing::info!(
        before,
        after,
        seconds = started.elapsed().as_secs_f64(),
        "demo directory topped up ({DIRECTORY_TOP_UP_VAR})"
    );
    Ok(after)
}
