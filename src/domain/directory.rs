//! The resource directory (CSE 6.02): settings codes and the six facts every resource must show.

text_code!(
    /// Who may read the directory at `/hsds/`.
    HsdsAccess { Off => "off", Public => "public", Token => "token" }
);

text_code!(
    /// The facts 6.02 asks the resource list to hold for each resource; a missing one is flagged.
    ResourceFact {
        NameLocationPhone => "name-location-phone",
        ContactPerson => "contact-person",
        Services => "services",
        Languages => "languages",
        Fees => "fees",
        Eligibility => "eligibility",
    }
);

/// Months after its last verification that a resource is stale, unless the organisation sets another.
pub const DEFAULT_VERIFY_MONTHS: i32 = 12;
