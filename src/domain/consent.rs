//! Consent to share a person's information outside the organisation, and the rule deciding whether a
//! consent covers a disclosure. The fields follow what US 42 CFR Part 2 asks a written consent to name
//! (who discloses, to whom, what and how much, why, the person, an end date or event, the right to
//! revoke, a signature and its date, or a guardian's), which also satisfies Canadian express consent.

use time::Date;

text_code!(
    /// Kinds of information a consent may allow to be shared; a disclosure names the kinds it shares.
    InfoCategory {
        Identity => "identity",
        ContactDetails => "contact-details",
        ReasonForReferral => "reason-for-referral",
        RecoveryPlan => "recovery-plan",
        SubstanceUse => "substance-use",
        MentalHealth => "mental-health",
        Attendance => "attendance",
        Other => "other",
    }
);

text_code!(
    /// Why the information may be shared.
    ConsentPurpose {
        Referral => "referral",
        CareCoordination => "care-coordination",
        Benefits => "benefits",
        Legal => "legal",
        FamilyInvolvement => "family-involvement",
        Other => "other",
    }
);

text_code!(
    /// Who signed: the person, or someone with authority to sign for them.
    ConsentSigner { Person => "person", Guardian => "guardian", PersonalRepresentative => "personal-representative" }
);

text_code!(
    /// How the signature was given.
    SignatureMethod { Paper => "paper", Electronic => "electronic" }
);

text_code!(
    /// The law the consent was written under; it chooses the redisclosure notice.
    ConsentLaw { UsPart2 => "us-part2", UsHipaa => "us-hipaa", Canada => "canada" }
);

text_code!(
    /// How information left the organisation.
    DisclosureChannel {
        Referral => "referral",
        Printout => "printout",
        Phone => "phone",
        Email => "email",
        Export => "export",
        Other => "other",
    }
);

/// What a consent says, as far as deciding coverage needs.
#[derive(Clone, Debug)]
pub struct ConsentTerms<'a> {
    /// The directory organisation (HSDS `organization.id`) the consent names, if any.
    pub recipient_organization_id: Option<&'a str>,
    /// The recipient as written on the form.
    pub recipient_name: &'a str,
    pub categories: &'a [InfoCategory],
    pub purposes: &'a [ConsentPurpose],
    pub signed_on: Date,
    pub expires_on: Option<Date>,
    /// The day the expiry event was recorded as having happened.
    pub expiry_event_on: Option<Date>,
    pub revoked_on: Option<Date>,
}

/// A disclosure someone wants to make.
#[derive(Clone, Debug)]
pub struct DisclosureRequest<'a> {
    pub recipient_organization_id: Option<&'a str>,
    pub recipient_name: &'a str,
    pub categories: &'a [InfoCategory],
    pub purpose: ConsentPurpose,
    pub on: Date,
}

/// Why a consent does not cover a disclosure; each has a message id `consent-gap-<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentGap {
    NotYetSigned,
    Revoked,
    Expired,
    OtherRecipient,
    Purpose,
    /// Some kinds of information asked for are not allowed.
    Categories,
}

impl ConsentGap {
    pub fn code(self) -> &'static str {
        match self {
            ConsentGap::NotYetSigned => "not-yet-signed",
            ConsentGap::Revoked => "revoked",
            ConsentGap::Expired => "expired",
            ConsentGap::OtherRecipient => "other-recipient",
            ConsentGap::Purpose => "purpose",
            ConsentGap::Categories => "categories",
        }
    }

    pub fn message_id(self) -> String {
        format!("consent-gap-{}", self.code())
    }
}

/// Whether the consent is in force on `on` (signed, not revoked, not past its end date or event).
pub fn in_force(terms: &ConsentTerms, on: Date) -> Result<(), ConsentGap> {
    if terms.signed_on > on {
        return Err(ConsentGap::NotYetSigned);
    }
    if terms.revoked_on.is_some_and(|r| r <= on) {
        return Err(ConsentGap::Revoked);
    }
    if terms.expires_on.is_some_and(|e| e < on) || terms.expiry_event_on.is_some_and(|e| e <= on) {
        return Err(ConsentGap::Expired);
    }
    Ok(())
}

/// Recipient names compared without case, accents or punctuation.
fn same_name(a: &str, b: &str) -> bool {
    let a = super::search::normalize(a);
    !a.is_empty() && a == super::search::normalize(b)
}

/// Whether the consent covers the disclosure; the first gap found otherwise.
pub fn covers(terms: &ConsentTerms, request: &DisclosureRequest) -> Result<(), ConsentGap> {
    in_force(terms, request.on)?;
    let recipient = match (terms.recipient_organization_id, request.recipient_organization_id) {
        (Some(named), Some(asked)) => named == asked,
        _ => same_name(terms.recipient_name, request.recipient_name),
    };
    if !recipient {
        return Err(ConsentGap::OtherRecipient);
    }
    if !terms.purposes.contains(&request.purpose) {
        return Err(ConsentGap::Purpose);
    }
    if !request.categories.iter().all(|c| terms.categories.contains(c)) {
        return Err(ConsentGap::Categories);
    }
    Ok(())
}

/// How long the accounting of disclosures looks back, in years.
pub const ACCOUNTING_YEARS: i32 = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn terms<'a>(categories: &'a [InfoCategory], purposes: &'a [ConsentPurpose]) -> ConsentTerms<'a> {
        ConsentTerms {
            recipient_organization_id: Some("org-1"),
            recipient_name: "Eastside Housing Help",
            categories,
            purposes,
            signed_on: date!(2026 - 01 - 10),
            expires_on: Some(date!(2026 - 12 - 31)),
            expiry_event_on: None,
            revoked_on: None,
        }
    }

    fn request(categories: &[InfoCategory], on: Date) -> DisclosureRequest<'_> {
        DisclosureRequest {
            recipient_organization_id: Some("org-1"),
            recipient_name: "Eastside Housing Help",
            categories,
            purpose: ConsentPurpose::Referral,
            on,
        }
    }

    const SHARE: &[InfoCategory] = &[InfoCategory::Identity, InfoCategory::ContactDetails];
    const PURPOSES: &[ConsentPurpose] = &[ConsentPurpose::Referral];

    #[test]
    fn covers_within_its_terms_and_dates() {
        let t = terms(SHARE, PURPOSES);
        assert_eq!(covers(&t, &request(SHARE, date!(2026 - 06 - 01))), Ok(()));
        assert_eq!(covers(&t, &request(SHARE, date!(2026 - 12 - 31))), Ok(()), "the end date is still covered");
        assert_eq!(covers(&t, &request(SHARE, date!(2027 - 01 - 01))), Err(ConsentGap::Expired));
        assert_eq!(covers(&t, &request(SHARE, date!(2026 - 01 - 09))), Err(ConsentGap::NotYetSigned));
    }

    #[test]
    fn revocation_and_expiry_event_end_it_from_that_day() {
        let mut t = terms(SHARE, PURPOSES);
        t.revoked_on = Some(date!(2026 - 03 - 01));
        assert_eq!(covers(&t, &request(SHARE, date!(2026 - 02 - 28))), Ok(()));
        assert_eq!(covers(&t, &request(SHARE, date!(2026 - 03 - 01))), Err(ConsentGap::Revoked));
        let mut t = terms(SHARE, PURPOSES);
        t.expires_on = None;
        t.expiry_event_on = Some(date!(2026 - 04 - 01));
        assert_eq!(covers(&t, &request(SHARE, date!(2026 - 04 - 01))), Err(ConsentGap::Expired));
    }

    #[test]
    fn scope_is_recipient_purpose_and_every_category() {
        let t = terms(SHARE, PURPOSES);
        let on = date!(2026 - 06 - 01);
        let mut other = request(SHARE, on);
        other.recipient_organization_id = Some("org-2");
        assert_eq!(covers(&t, &other), Err(ConsentGap::OtherRecipient));
        let mut purpose = request(SHARE, on);
        purpose.purpose = ConsentPurpose::Legal;
        assert_eq!(covers(&t, &purpose), Err(ConsentGap::Purpose));
        let more = [InfoCategory::Identity, InfoCategory::SubstanceUse];
        assert_eq!(covers(&t, &request(&more, on)), Err(ConsentGap::Categories));
        assert_eq!(covers(&t, &request(&[InfoCategory::Identity], on)), Ok(()), "less than allowed is fine");
    }

    #[test]
    fn a_named_recipient_matches_by_name_without_case_or_accents() {
        let mut t = terms(SHARE, PURPOSES);
        t.recipient_organization_id = None;
        t.recipient_name = "Clínica Río Claro";
        let mut r = request(SHARE, date!(2026 - 06 - 01));
        r.recipient_organization_id = None;
        r.recipient_name = "clinica rio claro";
        assert_eq!(covers(&t, &r), Ok(()));
        r.recipient_name = "Another Clinic";
        assert_eq!(covers(&t, &r), Err(ConsentGap::OtherRecipient));
    }
}
