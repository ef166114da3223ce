//! A reproducible synthetic resource directory in HSDS 3.0 shape, for the demo, the import
//! benchmark and the search load script: organisations around one fictional city (Port Alder),
//! their services across the needs peer coaches refer people to, locations with addresses and
//! coordinates, phones, contacts, languages, fees, eligibility, weekly hours, a small taxonomy of
//! our own with the services tagged, verification dates over the last two years (so some are
//! stale), some deliberately incomplete records, and a few near-duplicates. Only invented data.

use super::hsds_tables::{Table, tables};
use super::rows::{Row, number};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::{Date, Duration};

/// The city every synthetic resource is in, and its centre.
pub const CITY: &str = "Port Alder";
pub const CENTRE: (f64, f64) = (43.6615, -70.2553);

/// A generated directory: rows per HSDS table, in table order (parents first).
#[derive(Clone, Debug, Default)]
pub struct SyntheticDirectory {
    pub tables: Vec<(&'static Table, Vec<Row>)>,
}

impl SyntheticDirectory {
    pub fn rows(&self, table: &str) -> &[Row] {
        self.tables.iter().find(|(t, _)| t.name == table).map(|(_, rows)| rows.as_slice()).unwrap_or(&[])
    }

    pub fn row_count(&self) -> usize {
        self.tables.iter().map(|(_, rows)| rows.len()).sum()
    }

    /// Rows per table name, as `hsds::write_csv_package` takes them.
    pub fn by_name(&self) -> BTreeMap<String, Vec<Row>> {
        self.tables.iter().map(|(t, rows)| (t.name.to_string(), rows.clone())).collect()
    }
}

/// One kind of service: the need it meets, how it is named and described.
struct Kind {
    /// The taxonomy term code it is tagged with.
    term: &'static str,
    names: &'static [&'static str],
    description: &'static str,
    eligibility: Option<(&'static str, Option<u32>, Option<u32>)>,
    /// (option, amount, description): free, sliding scale or a fee.
    cost: &'static [(&'static str, Option<f64>, &'static str)],
    hours: Hours,
    application: &'static str,
}

#[derive(Clone, Copy)]
enum Hours {
    Weekdays(&'static str, &'static str),
    Days(&'static str, &'static str, &'static str),
    Always,
}

const FREE: (&str, Option<f64>, &str) = ("Free", Some(0.0), "No charge");
const SLIDING: (&str, Option<f64>, &str) = ("Sliding scale", None, "Based on household income; nobody is turned away");
const FEE: (&str, Option<f64>, &str) = ("Standard fee", Some(25.0), "Per visit; ask about reduced fees");

const KINDS: &[Kind] = &[
    Kind {
        term: "food-pantry",
        names: &["Food Pantry", "Community Food Bank", "Pantry Shelf", "Neighbourhood Food Cupboard"],
        description: "Free groceries once a week: canned goods, fresh produce when available, bread and dairy. Bring a bag if you can.",
        eligibility: Some(("Anyone who needs food; no proof of income required", None, None)),
        cost: &[FREE],
        hours: Hours::Days("TU,TH,SA", "10:00", "14:00"),
        application: "Walk in during opening hours and give your first name.",
    },
    Kind {
        term: "meals",
        names: &["Community Meal", "Soup Kitchen", "Free Lunch Table"],
        description: "A hot meal served daily, no questions asked. Vegetarian option every day.",
        eligibility: None,
        cost: &[FREE],
        hours: Hours::Days("MO,TU,WE,TH,FR,SA,SU", "11:30", "13:30"),
        application: "Come in; no sign-up.",
    },
    Kind {
        term: "emergency-shelter",
        names: &["Emergency Shelter", "Overnight Shelter", "Winter Warming Centre"],
        description: "Emergency overnight beds, showers and laundry. Beds are first come, first served; call ahead after 4 pm.",
        eligibility: Some(("Adults 18 and over experiencing homelessness", Some(18), None)),
        cost: &[FREE],
        hours: Hours::Always,
        application: "Call the front desk or arrive by 7 pm for a bed.",
    },
    Kind {
        term: "housing-help",
        names: &["Housing Help Desk", "Rental Assistance", "Housing Navigation"],
        description: "Help finding and keeping housing: rental applications, security deposit help, landlord mediation and recovery residences.",
        eligibility: Some(("Residents of the county at risk of losing housing", None, None)),
        cost: &[FREE],
        hours: Hours::Weekdays("09:00", "16:30"),
        application: "Call to book an appointment with a housing navigator.",
    },
    Kind {
        term: "withdrawal-management",
        names: &["Withdrawal Management Unit", "Detox Centre", "Medically Supervised Detox"],
        description: "Medically supervised withdrawal management (detox) for alcohol and opioids, with a warm hand-off to treatment.",
        eligibility: Some(("Adults 18 and over; a medical screen on arrival", Some(18), None)),
        cost: &[SLIDING, FEE],
        hours: Hours::Always,
        application: "Call the intake line; same-day admission when a bed is free.",
    },
    Kind {
        term: "mutual-aid",
        names: &["Recovery Meeting", "Mutual-Aid Group", "All Recovery Meeting", "Family Support Group"],
        description: "A peer-led mutual-aid meeting open to anyone in or seeking recovery. Newcomers welcome; coffee provided.",
        eligibility: None,
        cost: &[FREE],
        hours: Hours::Days("MO,WE,FR", "19:00", "20:00"),
        application: "Just come; no registration.",
    },
    Kind {
        term: "treatment",
        names: &["Outpatient Treatment", "Medication for Opioid Use Disorder Clinic", "Intensive Outpatient Program"],
        description: "Outpatient substance use treatment: counselling, medication for opioid use disorder and recovery coaching.",
        eligibility: Some(("Adults 18 and over", Some(18), None)),
        cost: &[SLIDING],
        hours: Hours::Weekdays("08:00", "18:00"),
        application: "Call for an assessment; walk-in assessments Monday mornings.",
    },
    Kind {
        term: "legal-aid",
        names: &["Legal Aid Clinic", "Tenant Legal Help", "Free Legal Advice Night"],
        description: "Free legal advice on housing, benefits, family and debt problems from volunteer lawyers.",
        eligibility: Some(("Household income under 200% of the poverty line", None, None)),
        cost: &[FREE],
        hours: Hours::Days("TU,TH", "17:00", "20:00"),
        application: "Call to book a 30-minute consultation.",
    },
    Kind {
        term: "record-expungement",
        names: &["Record Expungement Clinic", "Clean Slate Clinic", "Reentry Legal Help"],
        description: "Help clearing or sealing criminal records, restoring driving licences and answering background-check questions.",
        eligibility: Some(("Adults with a criminal record in the state", Some(18), None)),
        cost: &[FREE],
        hours: Hours::Days("WE", "13:00", "17:00"),
        application: "Bring any court papers you have; call ahead.",
    },
    Kind {
        term: "dental",
        names: &["Community Dental Clinic", "Dental Van", "Emergency Dental Care"],
        description: "Cleanings, fillings, extractions and emergency dental care.",
        eligibility: None,
        cost: &[SLIDING, FEE],
        hours: Hours::Weekdays("08:30", "16:00"),
        application: "Call to book; emergencies seen the same day when possible.",
    },
    Kind {
        term: "primary-care",
        names: &["Community Health Centre", "Family Medicine Clinic", "Street Medicine Outreach"],
        description: "Primary care for adults and children: check-ups, prescriptions, chronic illness care and vaccinations.",
        eligibility: None,
        cost: &[SLIDING],
        hours: Hours::Weekdays("08:00", "17:00"),
        application: "Call to register as a new patient; walk-in hours mornings.",
    },
    Kind {
        term: "mental-health-crisis",
        names: &["Mental Health Crisis Line", "Mobile Crisis Team", "Crisis Stabilisation Unit"],
        description: "24/7 mental health crisis support by phone, text or in person; a mobile team can come to you.",
        eligibility: None,
        cost: &[FREE],
        hours: Hours::Always,
        application: "Call or text any time.",
    },
    Kind {
        term: "employment",
        names: &["Job Readiness Program", "Employment Services", "Recovery-Friendly Jobs Desk"],
        description: "Help with résumés, interviews and finding recovery-friendly employers; bus passes for interviews.",
        eligibility: Some(("Job seekers 16 and over", Some(16), None)),
        cost: &[FREE],
        hours: Hours::Weekdays("09:00", "16:00"),
        application: "Drop in or book an appointment with a job coach.",
    },
    Kind {
        term: "benefits",
        names: &["Benefits Enrolment Help", "SNAP and Health Coverage Help", "Income Support Navigation"],
        description: "Help applying for food assistance, health coverage, disability and other benefits.",
        eligibility: None,
        cost: &[FREE],
        hours: Hours::Weekdays("09:00", "17:00"),
        application: "Bring ID and proof of income if you have them.",
    },
    Kind {
        term: "transport",
        names: &["Medical Rides", "Recovery Rides", "Bus Pass Program"],
        description: "Free rides to medical, treatment and recovery appointments, and reduced-fare bus passes.",
        eligibility: Some(("Book at least 48 hours ahead", None, None)),
        cost: &[FREE],
        hours: Hours::Weekdays("07:00", "19:00"),
        application: "Call to book a ride.",
    },
    Kind {
        term: "youth",
        names: &["Youth Drop-In", "Teen Recovery Group", "Young Adult Peer Support"],
        description: "A safe space for young people: peer support, snacks, showers and help with school and work.",
        eligibility: Some(("Young people aged 12 to 24", Some(12), Some(24))),
        cost: &[FREE],
        hours: Hours::Weekdays("14:00", "20:00"),
        application: "Walk in.",
    },
];

/// The taxonomy: (code, name, parent code, description).
const TERMS: &[(&str, &str, Option<&str>, &str)] = &[
    ("basic-needs", "Basic needs", None, "Food, shelter and the things every day needs"),
    ("food-pantry", "Food pantry", Some("basic-needs"), "Groceries to take home"),
    ("meals", "Free meals", Some("basic-needs"), "Meals served on site"),
    ("emergency-shelter", "Emergency shelter", Some("basic-needs"), "Somewhere to sleep tonight"),
    ("housing-help", "Housing help", Some("basic-needs"), "Finding and keeping a home"),
    ("substance-use", "Substance use", None, "Help with alcohol and drug use"),
    ("withdrawal-management", "Withdrawal management (detox)", Some("substance-use"), "Supervised withdrawal"),
    ("mutual-aid", "Mutual-aid meetings", Some("substance-use"), "Peer-led recovery meetings"),
    ("treatment", "Treatment", Some("substance-use"), "Counselling and medication for substance use"),
    ("legal", "Legal", None, "Legal advice and records"),
    ("legal-aid", "Legal aid", Some("legal"), "Free legal advice"),
    ("record-expungement", "Record expungement", Some("legal"), "Clearing or sealing records"),
    ("health", "Health", None, "Physical and mental health care"),
    ("dental", "Dental care", Some("health"), "Teeth and gums"),
    ("primary-care", "Primary care", Some("health"), "A regular doctor or clinic"),
    ("mental-health-crisis", "Mental health crisis", Some("health"), "Urgent mental health support"),
    ("work-money", "Work and money", None, "Jobs, income and benefits"),
    ("employment", "Employment", Some("work-money"), "Finding and keeping work"),
    ("benefits", "Benefits", Some("work-money"), "Public benefits and coverage"),
    ("transport", "Transport", None, "Getting to appointments"),
    ("youth", "Youth services", None, "Services for young people"),
];

const ORG_FIRST: &[&str] = &[
    "Harbour",
    "Northside",
    "Eastside",
    "Riverbend",
    "Old Mill",
    "Bayview",
    "Saint Brigid",
    "Lighthouse",
    "Cedar",
    "Granite",
    "Back Cove",
    "Tidewater",
    "Pine Street",
    "Oak Hill",
    "Union",
    "Maple",
    "Friendship",
    "New Dawn",
    "Open Door",
    "Crossroads",
    "Beacon",
    "Fore River",
    "Wharf",
    "Hillcrest",
];
const ORG_SECOND: &[&str] = &[
    "Community Services",
    "Health Centre",
    "Recovery Network",
    "Family Centre",
    "Outreach",
    "Mission",
    "Alliance",
    "Neighbourhood House",
    "Legal Partners",
    "Collective",
    "Coalition",
    "Foundation",
];
const STREETS: &[&str] = &[
    "Main Street",
    "Congress Street",
    "Harbour Road",
    "Mill Lane",
    "Elm Street",
    "Forest Avenue",
    "Water Street",
    "Brighton Avenue",
    "Washington Avenue",
    "Cumberland Avenue",
    "State Street",
    "Park Avenue",
    "Commercial Street",
    "Ocean Avenue",
    "High Street",
    "Pleasant Street",
];
const GIVEN: &[&str] = &[
    "Alex", "Jordan", "Maria", "Sam", "Priya", "Tomás", "Aisha", "Linh", "Daniel", "Fatuma", "Grace", "Mateo", "Noor",
    "Riley", "Chloé", "Hamza", "Ines", "Kai",
];
const FAMILY: &[&str] = &[
    "Rivera", "Nguyen", "Okafor", "Tremblay", "Haddad", "Morrison", "Castillo", "Begin", "Ahmed", "Sullivan", "Dubois",
    "Warsame", "Pereira", "Kowalski",
];
const TITLES: &[&str] =
    &["Intake Coordinator", "Program Manager", "Case Manager", "Outreach Worker", "Front Desk", "Volunteer Lead"];
/// (name, ISO 639-1 code, share of services offering it).
const LANGUAGES: &[(&str, &str, f64)] = &[
    ("Spanish", "es", 0.30),
    ("French", "fr", 0.12),
    ("Vietnamese", "vi", 0.08),
    ("Arabic", "ar", 0.08),
    ("Somali", "so", 0.06),
    ("Portuguese", "pt", 0.05),
    ("American Sign Language", "ase", 0.03),
];

/// Rows per table, filled in generation order and handed back in table order.
struct Builder {
    rng: ChaCha8Rng,
    rows: BTreeMap<&'static str, Vec<Row>>,
}

fn row(value: Value) -> Row {
    match value {
        Value::Object(map) => map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => Row::new(),
    }
}

impl Builder {
    fn id(&mut self) -> String {
        uuid::Builder::from_random_bytes(self.rng.r#gen()).into_uuid().to_string()
    }

    fn push(&mut self, table: &'static str, value: Value) {
        self.rows.entry(table).or_default().push(row(value));
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items.choose(&mut self.rng).copied().unwrap_or("")
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    fn phone_number(&mut self) -> String {
        // 555-01xx numbers are reserved for fiction.
        format!("(207) 555-01{:02}", self.rng.gen_range(0..100))
    }

    fn phone(&mut self, links: Value, kind: &str) -> String {
        let id = self.id();
        let number = self.phone_number();
        let mut value = json!({ "id": id, "number": number, "type": kind });
        if let (Value::Object(target), Value::Object(links)) = (&mut value, links) {
            target.extend(links);
        }
        self.push("phone", value);
        id
    }
}

/// Generates a directory of about `services` services, the same for the same seed and day.
pub fn generate(services: usize, seed: u64, today: Date) -> SyntheticDirectory {
    let mut b = Builder { rng: ChaCha8Rng::seed_from_u64(seed), rows: BTreeMap::new() };
    let taxonomy_id = b.id();
    let value = json!({
        "id": taxonomy_id, "name": "Port Alder needs", "version": "1",
        "description": "A small taxonomy of the needs people bring to peer recovery coaches (synthetic).",
    });
    b.push("taxonomy", value);
    let mut term_ids: BTreeMap<&str, String> = BTreeMap::new();
    for (code, name, parent, description) in TERMS {
        let id = b.id();
        let parent_id = parent.and_then(|p| term_ids.get(p).cloned());
        let value = json!({
            "id": id, "code": code, "name": name, "description": description, "parent_id": parent_id,
            "taxonomy": "Port Alder needs", "taxonomy_id": taxonomy_id, "language": "en",
        });
        b.push("taxonomy_term", value);
        term_ids.insert(code, id);
    }

    let mut made = 0;
    let mut org_number = 0;
    let mut near_duplicates: Vec<(String, String)> = Vec::new();
    while made < services {
        org_number += 1;
        let org_id = b.id();
        let org_name = format!("{} {}", b.pick(ORG_FIRST), b.pick(ORG_SECOND));
        let slug: String = org_name.to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect();
        let domain = format!("{slug}{org_number}.example.org");
        let value = json!({
            "id": org_id, "name": org_name,
            "description": format!("{org_name} serves people in and around {CITY}."),
            "email": format!("info@{domain}"), "website": format!("https://{domain}/"),
            "year_incorporated": b.rng.gen_range(1965..2022),
            "legal_status": if b.chance(0.8) { "Nonprofit" } else { "Public agency" },
        });
        b.push("organization", value);
        b.phone(json!({ "organization_id": org_id }), "voice");
        // One to three sites per organisation, scattered around the city centre.
        let site_count = b.rng.gen_range(1..=3);
        let mut sites = Vec::new();
        for s in 0..site_count {
            let location_id = b.id();
            let latitude = CENTRE.0 + b.rng.gen_range(-0.08..0.08);
            let longitude = CENTRE.1 + b.rng.gen_range(-0.11..0.11);
            let street = b.pick(STREETS);
            let house = b.rng.gen_range(1..900);
            let value = json!({
                "id": location_id, "location_type": "physical", "organization_id": org_id,
                "name": if s == 0 { org_name.clone() } else { format!("{org_name} — {street}") },
                "latitude": number((latitude * 1e5).round() / 1e5),
                "longitude": number((longitude * 1e5).round() / 1e5),
                "transportation": if b.chance(0.5) { Some("On the number 4 bus route") } else { None },
            });
            b.push("location", value);
            let address_id = b.id();
            let postal = format!("041{:02}", b.rng.gen_range(1..20));
            let value = json!({
                "id": address_id, "location_id": location_id, "address_1": format!("{house} {street}"),
                "city": CITY, "state_province": "ME", "postal_code": postal, "country": "US",
                "address_type": "physical",
            });
            b.push("address", value);
            if b.chance(0.6) {
                let accessibility_id = b.id();
                let value = json!({ "id": accessibility_id, "location_id": location_id,
                            "description": "Step-free entrance and an accessible restroom" });
                b.push("accessibility", value);
            }
            sites.push(location_id);
        }
        let per_org = b.rng.gen_range(1..=6).min(services - made);
        for _ in 0..per_org {
            let kind = &KINDS[b.rng.gen_range(0..KINDS.len())];
            let service_name = format!("{} {}", org_name.split(' ').next().unwrap_or(""), b.pick(kind.names));
            let location_id = sites[b.rng.gen_range(0..sites.len())].clone();
            add_service(&mut b, kind, &org_id, &service_name, &location_id, &domain, &term_ids, today);
            made += 1;
            if b.chance(0.02) {
                near_duplicates.push((service_name.clone(), location_id.clone()));
            }
        }
        // A few resources entered twice by different people: same place, a slightly different name.
        while made < services
            && let Some((name, location_id)) = near_duplicates.pop()
        {
            let kind = &KINDS[b.rng.gen_range(0..KINDS.len())];
            let variant = name.replace("Saint", "St.").replace("Centre", "Center").replace("Community", "Comm.");
            let variant = if variant == name { format!("{name} (Main)") } else { variant };
            add_service(&mut b, kind, &org_id, &variant, &location_id, &domain, &term_ids, today);
            made += 1;
        }
    }
    let mut tables_out = Vec::new();
    for table in tables() {
        tables_out.push((table, b.rows.remove(table.name).unwrap_or_default()));
    }
    SyntheticDirectory { tables: tables_out }
}

#[allow(clippy::too_many_arguments)]
fn add_service(
    b: &mut Builder,
    kind: &Kind,
    org_id: &str,
    name: &str,
    location_id: &str,
    domain: &str,
    term_ids: &BTreeMap<&str, String>,
    today: Date,
) {
    let id = b.id();
    // Most records were checked within the year; about one in five has gone stale (12-month interval).
    let age_days = if b.rng.gen_bool(0.2) { b.rng.gen_range(370..900) } else { b.rng.gen_range(0..350) };
    let assured = today - Duration::days(age_days);
    let status = if b.chance(0.03) {
        "inactive"
    } else if b.chance(0.01) {
        "defunct"
    } else {
        "active"
    };
    let incomplete = b.chance(0.12);
    let (eligibility, min_age, max_age) = match kind.eligibility {
        Some((text, min, max)) if !incomplete => (Some(text), min, max),
        _ => (None, None, None),
    };
    let cost = if incomplete && b.chance(0.5) { None } else { kind.cost.choose(&mut b.rng).copied() };
    let fees_description = cost.map(|(option, _, text)| format!("{option}: {text}"));
    let modified = assured.with_hms(b.rng.gen_range(8..18), b.rng.gen_range(0..60), 0).map(|t| t.assume_utc());
    let last_modified = modified.ok().and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok());
    let value = json!({
        "id": id, "organization_id": org_id, "name": name, "status": status,
        "description": kind.description,
        "url": if b.chance(0.6) { Some(format!("https://{domain}/{}", kind.term)) } else { None },
        "email": if b.chance(0.5) { Some(format!("{}@{domain}", kind.term)) } else { None },
        "application_process": kind.application,
        "fees_description": fees_description,
        "eligibility_description": eligibility,
        "minimum_age": min_age, "maximum_age": max_age,
        "assured_date": assured.to_string(),
        "assurer_email": "directory@demo.example",
        "last_modified": last_modified,
        "interpretation_services": if b.chance(0.3) { Some("Phone interpreters on request") } else { None },
    });
    b.push("service", value);
    let sal_id = b.id();
    let value = json!({ "id": sal_id, "service_id": id, "location_id": location_id });
    b.push("service_at_location", value);
    b.phone(json!({ "service_id": id }), if kind.term == "mental-health-crisis" { "text" } else { "voice" });
    if !incomplete || b.chance(0.5) {
        let contact_id = b.id();
        let person = format!("{} {}", b.pick(GIVEN), b.pick(FAMILY));
        let title = b.pick(TITLES);
        let local: String = person.to_lowercase().chars().filter(char::is_ascii_alphabetic).take(12).collect();
        let value = json!({ "id": contact_id, "service_id": id, "name": person, "title": title,
                    "email": format!("{local}@{domain}") });
        b.push("contact", value);
        if b.chance(0.5) {
            b.phone(json!({ "contact_id": contact_id, "service_id": id }), "voice");
        }
    }
    if !incomplete {
        let english = b.id();
        let value = json!({ "id": english, "service_id": id, "name": "English", "code": "en" });
        b.push("language", value);
        for (language, code, share) in LANGUAGES {
            if b.chance(*share) {
                let language_id = b.id();
                let value = json!({ "id": language_id, "service_id": id, "name": language, "code": code,
                            "note": if b.chance(0.5) { Some("Bilingual staff on most days") } else { None } });
                b.push("language", value);
            }
        }
    }
    if let Some((option, amount, description)) = cost {
        let cost_id = b.id();
        let value = json!({ "id": cost_id, "service_id": id, "option": option, "currency": "USD",
                    "amount": amount.map(number), "amount_description": description });
        b.push("cost_option", value);
    }
    let schedule_id = b.id();
    let (byday, opens, closes, description) = match kind.hours {
        Hours::Weekdays(o, c) => ("MO,TU,WE,TH,FR", o, c, format!("Weekdays {o}–{c}")),
        Hours::Days(days, o, c) => (days, o, c, format!("{days} {o}–{c}")),
        Hours::Always => ("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59", "Open 24 hours, every day".to_string()),
    };
    let value = json!({ "id": schedule_id, "service_id": id, "freq": "WEEKLY", "wkst": "MO", "byday": byday,
                "opens_at": opens, "closes_at": closes, "description": description, "timezone": -5 });
    b.push("schedule", value);
    if kind.term == "record-expungement" || kind.term == "benefits" {
        let document_id = b.id();
        let value = json!({ "id": document_id, "service_id": id, "document": "Photo ID if you have one" });
        b.push("required_document", value);
    }
    let area_id = b.id();
    let value = json!({ "id": area_id, "service_id": id, "name": format!("{CITY} and surrounding towns"), "extent_type": "other" });
    b.push("service_area", value);
    if let Some(term) = term_ids.get(kind.term) {
        let attribute_id = b.id();
        let value = json!({ "id": attribute_id, "link_id": id, "link_entity": "service", "link_type": "service_type",
                    "taxonomy_term_id": term });
        b.push("attribute", value);
    }
    if (kind.term == "mutual-aid" || kind.term == "treatment" || kind.term == "withdrawal-management")
        && let Some(parent) = term_ids.get("substance-use")
    {
        let attribute_id = b.id();
        let value = json!({ "id": attribute_id, "link_id": id, "link_entity": "service", "link_type": "service_type",
                        "taxonomy_term_id": parent });
        b.push("attribute", value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        time::macros::date!(2026 - 11 - 18)
    }

    #[test]
    fn the_same_seed_gives_the_same_directory() {
        let a = generate(60, 7, today());
        let b = generate(60, 7, today());
        assert_eq!(a.rows("service"), b.rows("service"));
        assert_eq!(a.rows("service").len(), 60);
        assert_ne!(generate(60, 8, today()).rows("service"), a.rows("service"));
    }

    #[test]
    fn the_directory_is_varied_and_partly_stale_or_incomplete() {
        let d = generate(400, 1, today());
        let services = d.rows("service");
        assert_eq!(services.len(), 400);
        let stale = services.iter().filter(|s| s["assured_date"].as_str().is_some_and(|a| a < "2025-11-18")).count();
        assert!(stale > 40 && stale < 130, "{stale} stale");
        let with_contact: std::collections::HashSet<&str> =
            d.rows("contact").iter().filter_map(|c| c["service_id"].as_str()).collect();
        assert!(with_contact.len() < services.len(), "some have no contact person");
        let spanish = d.rows("language").iter().filter(|l| l["code"] == "es").count();
        assert!(spanish > 40, "{spanish} in Spanish");
        let names: std::collections::HashSet<&str> = services.iter().filter_map(|s| s["name"].as_str()).collect();
        assert!(names.iter().any(|n| n.contains("Pantry") || n.contains("Food")));
        assert!(names.iter().any(|n| n.contains("Detox") || n.contains("Withdrawal")));
        for (table, rows) in &d.tables {
            for row in rows {
                for field in table.fields.iter().filter(|f| f.required) {
                    assert!(row.contains_key(field.name), "{}.{} missing in {row:?}", table.name, field.name);
                }
            }
        }
    }
}
