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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
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
