//! Organisation set-up: the organisation, its programs and sites, and staff accounts.

use super::codes::{Country, Edition, Role, SettingType, UiLanguage};
use super::person::flexible_bool;
use super::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct OrganisationInput {
    pub name: String,
    /// US or CA
    pub country: String,
    /// IANA time zone, e.g. America/Toronto
    pub time_zone: String,
    /// en, fr or es
    pub default_language: String,
    /// cse-2024, ca-cse-2022 or ca-cse-2020
    pub edition: String,
    #[serde(deserialize_with = "flexible_bool")]
    pub require_totp: bool,
    /// Local emergency number shown with the crisis line (e.g. 911).
    pub emergency_number: String,
    /// The organisation's crisis procedure, shown on the crisis page.
    pub crisis_procedure: String,
    /// Local crisis contacts (mobile crisis team, shelters), one per line.
    pub local_crisis_contacts: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidOrganisation {
    pub name: String,
    pub country: Country,
    pub time_zone: String,
    pub default_language: UiLanguage,
    pub edition: Edition,
    pub require_totp: bool,
    pub emergency_number: String,
    pub crisis_procedure: String,
    pub local_crisis_contacts: Option<String>,
}

impl OrganisationInput {
    pub fn parse(&self) -> Result<ValidOrganisation, FieldErrors> {
        let mut e = FieldErrors::new();
        let country = e.required_code("country", &self.country, Country::parse);
        let edition = e.required_code("edition", &self.edition, Edition::parse);
        if let (Some(country), Some(edition)) = (country, edition) {
            let canadian_edition = edition != Edition::Cse2024;
            if canadian_edition != (country == Country::Ca) {
                e.add("edition", "error-edition-country");
            }
        }
        let time_zone = self.time_zone.trim().to_string();
        if jiff::tz::TimeZone::get(&time_zone).is_err() {
            e.add("time_zone", "error-time-zone");
        }
        let emergency_number = e.required("emergency_number", &self.emergency_number, 20);
        let org = ValidOrganisation {
            name: e.required("name", &self.name, 200),
            country: country.unwrap_or(Country::Us),
            time_zone,
            default_language: e
                .required_code("default_language", &self.default_language, UiLanguage::parse)
                .unwrap_or(UiLanguage::En),
            edition: edition.unwrap_or(Edition::Cse2024),
            require_totp: self.require_totp,
            emergency_number,
            crisis_procedure: e.required("crisis_procedure", &self.crisis_procedure, 20_000),
            local_crisis_contacts: e.optional("local_crisis_contacts", self.local_crisis_contacts.as_deref(), 4_000),
        };
        e.finish(org)
    }
}

/// A program and its service profile, which decides which standards apply to it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ProgramInput {
    pub name: String,
    pub description: Option<String>,
    /// Individual and family support (CSE 4).
    #[serde(deserialize_with = "flexible_bool")]
    pub serves_individuals: bool,
    /// Education and support groups (CSE 5).
    #[serde(deserialize_with = "flexible_bool")]
    pub serves_groups: bool,
    /// Information and referral (CSE 6).
    #[serde(deserialize_with = "flexible_bool")]
    pub serves_referral: bool,
    /// Delivered by peers (CSE 7).
    #[serde(deserialize_with = "flexible_bool")]
    pub peer_delivered: bool,
    /// People are served once or only occasionally (plans not expected).
    #[serde(deserialize_with = "flexible_bool")]
    pub occasional_only: bool,
    #[serde(deserialize_with = "flexible_bool")]
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidProgram {
    pub name: String,
    pub description: Option<String>,
    pub serves_individuals: bool,
    pub serves_groups: bool,
    pub serves_referral: bool,
    pub peer_delivered: bool,
    pub occasional_only: bool,
    pub active: bool,
}

impl ProgramInput {
    pub fn parse(&self) -> Result<ValidProgram, FieldErrors> {
        let mut e = FieldErrors::new();
        if !(self.serves_individuals || self.serves_groups || self.serves_referral) {
            e.add("serves_individuals", "error-program-no-service");
        }
        let program = ValidProgram {
            name: e.required("name", &self.name, 120),
            description: e.optional("description", self.description.as_deref(), 2000),
            serves_individuals: self.serves_individuals,
            serves_groups: self.serves_groups,
            serves_referral: self.serves_referral,
            peer_delivered: self.peer_delivered,
            occasional_only: self.occasional_only,
            active: self.active,
        };
        e.finish(program)
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct SiteInput {
    pub name: String,
    /// One of the PRSC settings (peer-recovery-centre, outpatient, community, …).
    pub setting_type: String,
    pub address_line: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    #[serde(deserialize_with = "flexible_bool")]
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidSite {
    pub name: String,
    pub setting_type: SettingType,
    pub address_line: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
}

impl SiteInput {
    pub fn parse(&self) -> Result<ValidSite, FieldErrors> {
        let mut e = FieldErrors::new();
        let site = ValidSite {
            name: e.required("name", &self.name, 120),
            setting_type: e
                .required_code("setting_type", &self.setting_type, SettingType::parse)
                .unwrap_or(SettingType::Other),
            address_line: e.optional("address_line", self.address_line.as_deref(), 200),
            locality: e.optional("locality", self.locality.as_deref(), 100),
            region: e.optional("region", self.region.as_deref(), 100),
            postal_code: e.optional("postal_code", self.postal_code.as_deref(), 20),
            phone: e.optional_phone("phone", self.phone.as_deref()),
            notes: e.optional("notes", self.notes.as_deref(), 2000),
            active: self.active,
        };
        e.finish(site)
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct StaffInput {
    pub display_name: String,
    pub email: String,
    pub job_title: Option<String>,
    /// Role codes: administrator, program-director, supervisor, coach, group-facilitator,
    /// referral-specialist, quality-lead.
    pub roles: Vec<String>,
    pub supervisor_id: Option<String>,
    /// Programs the person works in (or directs).
    pub program_ids: Vec<String>,
    #[serde(deserialize_with = "flexible_bool")]
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValidStaff {
    pub display_name: String,
    pub email: String,
    pub job_title: Option<String>,
    pub roles: Vec<Role>,
    pub supervisor_id: Option<uuid::Uuid>,
    pub program_ids: Vec<uuid::Uuid>,
    pub active: bool,
}

impl StaffInput {
    pub fn parse(&self) -> Result<ValidStaff, FieldErrors> {
        let mut e = FieldErrors::new();
        let email = e.required("email", &self.email, 254).to_lowercase();
        if !email.is_empty() && !super::validation::looks_like_email(&email) {
            e.add("email", "error-email");
        }
        let mut roles = Vec::new();
        for raw in self.roles.iter().filter(|r| !r.trim().is_empty()) {
            match Role::parse(raw) {
                Some(role) if !roles.contains(&role) => roles.push(role),
                Some(_) => {}
                None => e.add("roles", "error-unknown-choice"),
            }
        }
        if roles.is_empty() {
            e.add("roles", "error-role-required");
        }
        let supervisor_id = parse_uuid_field(&mut e, "supervisor_id", self.supervisor_id.as_deref());
        let program_ids = self
            .program_ids
            .iter()
            .filter(|p| !p.trim().is_empty())
            .filter_map(|p| parse_uuid_field(&mut e, "program_ids", Some(p)))
            .collect();
        let staff = ValidStaff {
            display_name: e.required("display_name", &self.display_name, 120),
            email,
            job_title: e.optional("job_title", self.job_title.as_deref(), 120),
            roles,
            supervisor_id,
            program_ids,
            active: self.active,
        };
        e.finish(staff)
    }
}

pub fn parse_uuid_field(e: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<uuid::Uuid> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    match uuid::Uuid::parse_str(value) {
        Ok(id) => Some(id),
        Err(_) => {
            e.add(field, "error-unknown-choice");
            None
        }
    }
}

/// Minimum password rules: long enough, not trivially the e-mail address.
pub fn check_new_password(password: &str, email: &str) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    if password.chars().count() < 12 {
        e.add_with("new_password", "error-password-short", vec![("min", "12".into())]);
    } else if password.chars().count() > 200 {
        e.add_with("new_password", "error-too-long", vec![("max", "200".into())]);
    } else if contains_local_part(password, email) {
        e.add("new_password", "error-password-contains-email");
    }
    e.finish(())
}

/// Whether the password contains the address's name part (ignoring very short ones).
fn contains_local_part(password: &str, email: &str) -> bool {
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    local.chars().count() >= 4 && password.to_lowercase().contains(&local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> OrganisationInput {
        OrganisationInput {
            name: "Harbour Light".into(),
            country: "CA".into(),
            time_zone: "America/Halifax".into(),
            default_language: "en".into(),
            edition: "ca-cse-2022".into(),
            emergency_number: "911".into(),
            crisis_procedure: "Stay with the person.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn canadian_org_with_canadian_edition_is_valid() {
        let valid = org().parse().unwrap();
        assert_eq!(valid.country, Country::Ca);
    }

    #[test]
    fn edition_must_match_country_and_zone_must_exist() {
        let bad = OrganisationInput { edition: "cse-2024".into(), time_zone: "Mars/Olympus".into(), ..org() };
        let errors = bad.parse().unwrap_err();
        assert!(errors.for_field("edition").is_some());
        assert!(errors.for_field("time_zone").is_some());
    }

    #[test]
    fn program_needs_a_service() {
        let errors = ProgramInput { name: "X".into(), ..Default::default() }.parse().unwrap_err();
        assert_eq!(errors.0[0].message_id, "error-program-no-service");
    }

    #[test]
    fn staff_needs_role_and_valid_email() {
        let errors =
            StaffInput { display_name: "A".into(), email: "bad".into(), ..Default::default() }.parse().unwrap_err();
        assert!(errors.for_field("roles").is_some());
        assert!(errors.for_field("email").is_some());
    }

    #[test]
    fn passwords_are_long_and_not_the_email() {
        assert!(check_new_password("short", "a@b.org").is_err());
        assert!(check_new_password("jamie.coach-2026!", "jamie.coach@b.org").is_err());
        assert!(check_new_password("correct horse battery", "a@b.org").is_ok());
    }
}
