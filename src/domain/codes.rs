//! Closed lists stored as text codes (with CHECK constraints in the schema).

/// Declares an enum stored as a text code, with its message id for display.
macro_rules! text_code {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static [&'static str] = &[$($code),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code.trim() { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Message id in the locale files, e.g. `role-coach`.
            pub fn message_id(self) -> String {
                format!("{}-{}", crate::domain::codes::kebab(stringify!($name)), self.code())
            }
        }

        impl $crate::domain::codes::TextCode for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn message_id(self) -> String {
                $name::message_id(self)
            }
            fn parse(code: &str) -> Option<Self> {
                $name::parse(code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

/// What every closed list offers, so forms and labels can be built for any of them.
pub trait TextCode: Copy + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn message_id(self) -> String;
    fn parse(code: &str) -> Option<Self>;
}

/// Several codes as stored in one text column: joined with ';'.
pub fn join_codes<T: TextCode>(codes: &[T]) -> String {
    codes.iter().map(|c| c.code()).collect::<Vec<_>>().join(";")
}

/// Codes stored with `join_codes`, back; unknown codes are skipped.
pub fn split_codes<T: TextCode>(joined: &str) -> Vec<T> {
    joined.split(';').filter_map(T::parse).collect()
}

pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

text_code!(
    /// Which country's rules apply (crisis line, demographic categories, editions).
    Country { Us => "US", Ca => "CA" }
);

text_code!(
    /// The accreditation edition the organisation is reviewed against.
    Edition { Cse2024 => "cse-2024", CaCse2022 => "ca-cse-2022", CaCse2020 => "ca-cse-2020" }
);

text_code!(
    /// Languages the interface is offered in.
    UiLanguage { En => "en", Fr => "fr", Es => "es" }
);

text_code!(
    /// Where a service is delivered (the PRSC settings list).
    SettingType {
        PeerRecoveryCentre => "peer-recovery-centre",
        Outpatient => "outpatient",
        Community => "community",
        InpatientDetox => "inpatient-detox",
        JailPrison => "jail-prison",
        EmergencyPrimaryCare => "emergency-primary-care",
        PhoneElectronic => "phone-electronic",
        Other => "other",
    }
);

text_code!(
    /// Staff roles; a staff member may hold several.
    Role {
        Administrator => "administrator",
        ProgramDirector => "program-director",
        Supervisor => "supervisor",
        Coach => "coach",
        GroupFacilitator => "group-facilitator",
        ReferralSpecialist => "referral-specialist",
        QualityLead => "quality-lead",
    }
);

text_code!(
    /// How a person prefers to be reached.
    ContactMethod { Phone => "phone", Text => "text", Email => "email", Mail => "mail", InPerson => "in-person" }
);

text_code!(
    /// US race categories (self-identified, several allowed).
    RaceUs {
        AmericanIndianAlaskaNative => "american-indian-alaska-native",
        Asian => "asian",
        BlackAfricanAmerican => "black-african-american",
        MiddleEasternNorthAfrican => "middle-eastern-north-african",
        NativeHawaiianPacificIslander => "native-hawaiian-pacific-islander",
        White => "white",
        Another => "another",
        DeclinedToAnswer => "declined",
    }
);

text_code!(
    /// Canadian race-based data categories (self-identified, several allowed).
    RaceCa {
        Black => "black",
        EastAsian => "east-asian",
        Indigenous => "indigenous",
        Latino => "latino",
        MiddleEastern => "middle-eastern",
        SouthAsian => "south-asian",
        SoutheastAsian => "southeast-asian",
        White => "white",
        Another => "another",
        DeclinedToAnswer => "declined",
    }
);

text_code!(
    /// Gender as the person describes it (with a self-described text beside it); used to look for
    /// disparities in outcomes, never required.
    Gender {
        Woman => "woman",
        Man => "man",
        NonBinary => "non-binary",
        TwoSpirit => "two-spirit",
        Another => "another",
        DeclinedToAnswer => "declined",
    }
);

text_code!(
    /// Ethnicity (US: Hispanic or Latino; Canada: Indigenous identity).
    Ethnicity {
        HispanicLatino => "hispanic-latino",
        NotHispanicLatino => "not-hispanic-latino",
        FirstNations => "first-nations",
        Metis => "metis",
        Inuit => "inuit",
        NotIndigenous => "not-indigenous",
        DeclinedToAnswer => "declined",
    }
);

text_code!(
    /// How a request for service reached us.
    RequestSource {
        WalkIn => "walk-in",
        Phone => "phone",
        Text => "text",
        WebForm => "web-form",
        PartnerReferral => "partner-referral",
        SelfReferral => "self-referral",
    }
);

text_code!(
    /// Where a request for service stands.
    RequestStatus {
        New => "new",
        Screened => "screened",
        Waiting => "waiting",
        Enrolled => "enrolled",
        ReferredOut => "referred-out",
        Closed => "closed",
    }
);

text_code!(
    /// Intake triage.
    Urgency { Emergency => "emergency", Urgent => "urgent", Routine => "routine" }
);

text_code!(
    /// How well a request fits a program (screening, 3.01).
    ProgramFit { Fits => "fits", Partly => "partly", DoesNotFit => "does-not-fit" }
);

text_code!(
    /// Whether the person is in the population the program is for, and on what footing.
    PopulationFit {
        Meets => "meets",
        SelfIdentifies => "self-identifies",
        DoesNotMeet => "does-not-meet",
        Unknown => "unknown",
    }
);

text_code!(
    /// Why a request was closed without enrolment or referral.
    CloseReason {
        InformationOnly => "information-only",
        Withdrawn => "withdrawn",
        Unreachable => "unreachable",
        Duplicate => "duplicate",
    }
);

text_code!(
    /// Waiting-list priority.
    WaitlistPriority { High => "high", Normal => "normal", Low => "low" }
);

text_code!(
    /// Why someone left a waiting list.
    WaitlistRemoval {
        Enrolled => "enrolled",
        ServedElsewhere => "served-elsewhere",
        NoLongerWanted => "no-longer-wanted",
        Unreachable => "unreachable",
    }
);

text_code!(
    /// Why an enrolment ended.
    DischargeReason {
        GoalsMet => "goals-met",
        Moved => "moved",
        Disengaged => "disengaged",
        Transferred => "transferred",
        Deceased => "deceased",
        Other => "other",
    }
);

text_code!(
    /// Who was called during a crisis.
    CrisisCall {
        EmergencyServices => "emergency-services",
        CrisisLine => "crisis-line",
        MobileCrisis => "mobile-crisis",
        DomesticViolenceLine => "dv-line",
        ChildProtection => "child-protection",
        AdultProtection => "adult-protection",
        Other => "other",
    }
);

text_code!(
    /// Why the trauma and safety checklist (4.03) applies to a person.
    SafetyFlag {
        Abuse => "abuse",
        Neglect => "neglect",
        Violence => "violence",
        Trauma => "trauma",
        SuicideRisk => "suicide-risk",
    }
);

text_code!(
    /// The trauma and safety checklist (4.03).
    SafetyStep {
        TraumaInformed => "trauma-informed",
        TraumaEducation => "trauma-education",
        SafetyPlan => "safety-plan",
        ReportingOffered => "reporting-offered",
        OptionsExplained => "options-explained",
        MonitoringRaised => "monitoring-raised",
        IntensiveOffered => "intensive-offered",
    }
);

impl Country {
    /// The national suicide and crisis line.
    pub fn crisis_line(self) -> &'static str {
        match self {
            Country::Us => "988",
            Country::Ca => "9-8-8",
        }
    }

    pub fn race_codes(self) -> &'static [&'static str] {
        match self {
            Country::Us => RaceUs::CODES,
            Country::Ca => RaceCa::CODES,
        }
    }

    pub fn race_message_prefix(self) -> &'static str {
        match self {
            Country::Us => "race-us",
            Country::Ca => "race-ca",
        }
    }

    pub fn ethnicity_codes(self) -> &'static [Ethnicity] {
        match self {
            Country::Us => &[Ethnicity::HispanicLatino, Ethnicity::NotHispanicLatino, Ethnicity::DeclinedToAnswer],
            Country::Ca => &[
                Ethnicity::FirstNations,
                Ethnicity::Metis,
                Ethnicity::Inuit,
                Ethnicity::NotIndigenous,
                Ethnicity::DeclinedToAnswer,
            ],
        }
    }
}

/// Parses a `;`-separated code list, keeping only known codes, in canonical order.
pub fn parse_code_list(raw: &str, allowed: &'static [&'static str]) -> Result<Vec<&'static str>, String> {
    let parts: Vec<&str> = raw.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()).collect();
    if let Some(unknown) = parts.iter().find(|p| !allowed.contains(p)) {
        return Err(unknown.to_string());
    }
    // Canonical order keeps stored values comparable.
    Ok(allowed.iter().copied().filter(|code| parts.contains(code)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(*role));
        }
        assert_eq!(Role::ProgramDirector.message_id(), "role-program-director");
        assert_eq!(SettingType::JailPrison.message_id(), "setting-type-jail-prison");
    }

    #[test]
    fn crisis_line_follows_country() {
        assert_eq!(Country::Us.crisis_line(), "988");
        assert_eq!(Country::Ca.crisis_line(), "9-8-8");
    }

    #[test]
    fn race_list_rejects_unknown_and_orders_canonically() {
        assert_eq!(parse_code_list("white;asian", RaceUs::CODES).unwrap(), vec!["asian", "white"]);
        assert_eq!(parse_code_list("klingon", RaceUs::CODES).unwrap_err(), "klingon");
    }
}
