//! A person served (participant): what staff may enter, and the rules for accepting it.

use super::codes::{ContactMethod, Country, Ethnicity, Gender, parse_code_list};
use super::validation::{FieldErrors, phone_digits};
use serde::{Deserialize, Deserializer, Serialize};
use time::Date;
use utoipa::ToSchema;

const NAME_MAX: usize = 100;
const TEXT_MAX: usize = 200;
const NOTE_MAX: usize = 2000;

/// What a form or an API client sends for a person. Everything is text so that bad input can be
/// shown back exactly as typed, with a message beside it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct PersonInput {
    pub legal_given_name: String,
    pub legal_family_name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    /// YYYY-MM-DD
    pub date_of_birth: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address_line: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    /// phone, text, email, mail or in-person
    pub preferred_contact: Option<String>,
    /// "yes", "no" or empty when not yet asked
    pub voicemail_ok: Option<String>,
    pub text_ok: Option<String>,
    pub email_ok: Option<String>,
    pub contact_notes: Option<String>,
    pub preferred_language: Option<String>,
    #[serde(deserialize_with = "flexible_bool")]
    pub interpreter_needed: bool,
    /// Race codes for the organisation's country; several allowed.
    pub race: Vec<String>,
    pub race_self_described: Option<String>,
    pub ethnicity: Option<String>,
    pub ethnicity_self_described: Option<String>,
    /// woman, man, non-binary, two-spirit, another or declined; empty when not asked.
    pub gender: Option<String>,
    pub gender_self_described: Option<String>,
    pub emergency_name: Option<String>,
    pub emergency_relationship: Option<String>,
    pub emergency_phone: Option<String>,
}

/// A person record that passed every rule.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidPerson {
    pub legal_given_name: String,
    pub legal_family_name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub date_of_birth: Option<Date>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address_line: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub preferred_contact: Option<ContactMethod>,
    pub voicemail_ok: Option<bool>,
    pub text_ok: Option<bool>,
    pub email_ok: Option<bool>,
    pub contact_notes: Option<String>,
    pub preferred_language: Option<String>,
    pub interpreter_needed: bool,
    pub race_codes: Vec<&'static str>,
    pub race_self_described: Option<String>,
    pub ethnicity: Option<Ethnicity>,
    pub ethnicity_self_described: Option<String>,
    pub gender: Option<Gender>,
    pub gender_self_described: Option<String>,
    pub emergency_name: Option<String>,
    pub emergency_relationship: Option<String>,
    pub emergency_phone: Option<String>,
}

impl ValidPerson {
    pub fn phone_digits(&self) -> Option<String> {
        self.phone.as_deref().map(phone_digits)
    }
}

impl PersonInput {
    /// Applies every rule; `today` bounds the date of birth.
    pub fn parse(&self, country: Country, today: Date) -> Result<ValidPerson, FieldErrors> {
        let mut e = FieldErrors::new();
        let legal_given_name = e.required("legal_given_name", &self.legal_given_name, NAME_MAX);
        let legal_family_name = e.required("legal_family_name", &self.legal_family_name, NAME_MAX);
        let date_of_birth = e.optional_date("date_of_birth", self.date_of_birth.as_deref());
        if let Some(dob) = date_of_birth {
            if dob > today {
                e.add("date_of_birth", "error-date-in-future");
            } else if today.year() - dob.year() > 120 {
                e.add("date_of_birth", "error-date-too-old");
            }
        }
        let race_codes = match parse_code_list(&self.race.join(";"), country.race_codes()) {
            Ok(codes) => codes,
            Err(_) => {
                e.add("race", "error-unknown-choice");
                Vec::new()
            }
        };
        let ethnicity = e.optional_code("ethnicity", self.ethnicity.as_deref(), Ethnicity::parse);
        if ethnicity.is_some_and(|code| !country.ethnicity_codes().contains(&code)) {
            e.add("ethnicity", "error-unknown-choice");
        }
        let person = ValidPerson {
            legal_given_name,
            legal_family_name,
            preferred_name: e.optional("preferred_name", self.preferred_name.as_deref(), NAME_MAX),
            pronouns: e.optional("pronouns", self.pronouns.as_deref(), 40),
            date_of_birth,
            phone: e.optional_phone("phone", self.phone.as_deref()),
            email: e.optional_email("email", self.email.as_deref()),
            address_line: e.optional("address_line", self.address_line.as_deref(), TEXT_MAX),
            locality: e.optional("locality", self.locality.as_deref(), NAME_MAX),
            region: e.optional("region", self.region.as_deref(), NAME_MAX),
            postal_code: e.optional("postal_code", self.postal_code.as_deref(), 20),
            preferred_contact: e.optional_code(
                "preferred_contact",
                self.preferred_contact.as_deref(),
                ContactMethod::parse,
            ),
            voicemail_ok: yes_no(&mut e, "voicemail_ok", self.voicemail_ok.as_deref()),
            text_ok: yes_no(&mut e, "text_ok", self.text_ok.as_deref()),
            email_ok: yes_no(&mut e, "email_ok", self.email_ok.as_deref()),
            contact_notes: e.optional("contact_notes", self.contact_notes.as_deref(), NOTE_MAX),
            preferred_language: e.optional("preferred_language", self.preferred_language.as_deref(), NAME_MAX),
            interpreter_needed: self.interpreter_needed,
            race_codes,
            race_self_described: e.optional("race_self_described", self.race_self_described.as_deref(), TEXT_MAX),
            ethnicity,
            ethnicity_self_described: e.optional(
                "ethnicity_self_described",
                self.ethnicity_self_described.as_deref(),
                TEXT_MAX,
            ),
            gender: e.optional_code("gender", self.gender.as_deref(), Gender::parse),
            gender_self_described: e.optional("gender_self_described", self.gender_self_described.as_deref(), TEXT_MAX),
            emergency_name: e.optional("emergency_name", self.emergency_name.as_deref(), NAME_MAX),
            emergency_relationship: e.optional(
                "emergency_relationship",
                self.emergency_relationship.as_deref(),
                NAME_MAX,
            ),
            emergency_phone: e.optional_phone("emergency_phone", self.emergency_phone.as_deref()),
        };
        e.finish(person)
    }
}

/// An optional yes/no answer (`yes`/`true`, `no`/`false`, or empty for not known).
pub(crate) fn yes_no(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<bool> {
    match raw.map(str::trim).unwrap_or("") {
        "" => None,
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => {
            e.add(field, "error-unknown-choice");
            None
        }
    }
}

/// Accepts JSON booleans and the strings an HTML checkbox or a spreadsheet sends.
pub fn flexible_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Text(String),
    }
    Ok(match Raw::deserialize(deserializer)? {
        Raw::Bool(b) => b,
        Raw::Text(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "on" | "true" | "yes" | "1"),
    })
}

/// A member of the person's household or family.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct HouseholdMemberInput {
    pub name: String,
    pub relationship: String,
    /// YYYY-MM-DD
    pub date_of_birth: Option<String>,
    pub phone: Option<String>,
    /// Takes part in the person's services (family plans, groups).
    #[serde(deserialize_with = "flexible_bool")]
    pub takes_part: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidHouseholdMember {
    pub name: String,
    pub relationship: String,
    pub date_of_birth: Option<Date>,
    pub phone: Option<String>,
    pub takes_part: bool,
}

impl HouseholdMemberInput {
    pub fn parse(&self, today: Date) -> Result<ValidHouseholdMember, FieldErrors> {
        let mut e = FieldErrors::new();
        let member = ValidHouseholdMember {
            name: e.required("name", &self.name, NAME_MAX),
            relationship: e.required("relationship", &self.relationship, NAME_MAX),
            date_of_birth: e.optional_date("date_of_birth", self.date_of_birth.as_deref()),
            phone: e.optional_phone("phone", self.phone.as_deref()),
            takes_part: self.takes_part,
        };
        if member.date_of_birth.is_some_and(|d| d > today) {
            e.add("date_of_birth", "error-date-in-future");
        }
        e.finish(member)
    }
}

/// Age in whole years on `today`.
pub fn age_on(dob: Date, today: Date) -> i32 {
    let mut age = today.year() - dob.year();
    if (today.month() as u8, today.day()) < (dob.month() as u8, dob.day()) {
        age -= 1;
    }
    age
}

/// Transition-age youth (16–25) have their own eligibility rules in the PRSC definition.
pub fn is_transition_age(dob: Date, today: Date) -> bool {
    (16..=25).contains(&age_on(dob, today))
}

/// Human-facing record number, e.g. `MS-000042`.
pub fn format_record_number(n: i64) -> String {
    format!("MS-{n:06}")
}

/// Reads `MS-42`, `ms 000042`, `#42` or `42` back into a record number.
pub fn parse_record_number(text: &str) -> Option<i64> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_prefix("ms").unwrap_or(&t).trim_start_matches(['-', ' ', '#']);
    if t.is_empty() || t.len() > 9 || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn minimal() -> PersonInput {
        PersonInput { legal_given_name: "Ana".into(), legal_family_name: "Quispe".into(), ..Default::default() }
    }

    #[test]
    fn minimal_person_is_accepted() {
        let person = minimal().parse(Country::Us, date!(2026 - 11 - 22)).unwrap();
        assert_eq!(person.legal_family_name, "Quispe");
        assert_eq!(person.voicemail_ok, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = PersonInput {
            legal_given_name: " ".into(),
            date_of_birth: Some("2030-01-01".into()),
            phone: Some("12".into()),
            email: Some("nope".into()),
            race: vec!["white".into(), "martian".into()],
            voicemail_ok: Some("maybe".into()),
            ..minimal()
        };
        let errors = input.parse(Country::Us, date!(2026 - 11 - 22)).unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        for field in ["legal_given_name", "date_of_birth", "phone", "email", "race", "voicemail_ok"] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
    }

    #[test]
    fn race_categories_follow_the_country() {
        let input = PersonInput { race: vec!["indigenous".into()], ..minimal() };
        assert!(input.parse(Country::Ca, date!(2026 - 11 - 22)).is_ok());
        assert!(input.parse(Country::Us, date!(2026 - 11 - 22)).is_err());
    }

    #[test]
    fn transition_age_is_16_to_25() {
        let today = date!(2026 - 11 - 22);
        assert!(is_transition_age(date!(2010 - 11 - 22), today));
        assert!(!is_transition_age(date!(2010 - 11 - 23), today));
        assert!(is_transition_age(date!(2001 - 01 - 01), today));
        assert!(!is_transition_age(date!(2000 - 11 - 21), today));
    }

    #[test]
    fn record_numbers_read_back() {
        assert_eq!(format_record_number(42), "MS-000042");
        for text in ["MS-000042", "ms 42", "#42", "42"] {
            assert_eq!(parse_record_number(text), Some(42), "{text}");
        }
        assert_eq!(parse_record_number("maria"), None);
    }
}
