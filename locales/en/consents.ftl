# Consent to share information and the accounting of disclosures.

consents-title = Consent and disclosures
consents-lede = What this person has agreed we may share, with whom, and for how long. Nothing leaves the organisation without a consent in force that covers it.
consents-on-file = Consents on file
consents-none = No consent has been recorded yet.

## Codes

info-category-identity = Name and date of birth
info-category-contact-details = Contact details
info-category-reason-for-referral = Reason for referral
info-category-recovery-plan = Recovery plan
info-category-substance-use = Substance use
info-category-mental-health = Mental health
info-category-attendance = Attendance
info-category-other = Other information

consent-purpose-referral = Referral to a service
consent-purpose-care-coordination = Coordinating care
consent-purpose-benefits = Benefits or housing applications
consent-purpose-legal = Court, probation or legal matters
consent-purpose-family-involvement = Involving family or supporters
consent-purpose-other = Another purpose

consent-signer-person = The person
consent-signer-guardian = A guardian
consent-signer-personal-representative = A personal representative

signature-method-paper = On paper
signature-method-electronic = Electronically

consent-law-us-part2 = US 42 CFR Part 2 (substance use records)
consent-law-us-hipaa = US HIPAA
consent-law-canada = Canada (express consent)

disclosure-channel-referral = Referral
disclosure-channel-printout = Printout
disclosure-channel-phone = Phone call
disclosure-channel-email = E-mail
disclosure-channel-export = Data export
disclosure-channel-other = Another way

consent-status-in-force = In force
consent-status-not-yet-signed = Not yet signed
consent-status-expired = Expired
consent-status-revoked = Revoked
consent-status-until-date = until { $date }
consent-status-until-event = until: { $event }
consent-status-signed-for = signing date { $date }
consent-status-expired-on = ended on { $date }
consent-status-event-on = ended on { $date }: { $event }
consent-status-revoked-on = revoked on { $date }

## Why a consent does not cover a disclosure (also shown by referrals)

consent-gap-not-yet-signed = The consent is not signed yet on that date.
consent-gap-revoked = The person revoked this consent. Nothing more may be shared under it.
consent-gap-expired = The consent has ended (its end date passed or its end event happened).
consent-gap-other-recipient = The consent does not name this recipient. Record a new consent naming them.
consent-gap-purpose = The consent does not allow sharing for this purpose.
consent-gap-categories = The consent does not allow sharing some of this information. Share only what it allows, or record a new consent.

## Recording a consent

consent-title = Consent
consent-new = Record a consent
consent-new-lede = Record a consent the person has signed. Each part below is required for the consent to be valid. Once recorded its terms cannot be changed: a change is a new consent.
consent-new-from = Record a new consent starting from these terms
consent-section-who = Who shares
consent-law = Law the consent follows
consent-law-hint = For substance use recovery records in the US this is 42 CFR Part 2.
consent-discloser = Who shares the information
consent-discloser-hint = The organisation, or the program that holds the information.
consent-section-recipient = Who receives it
consent-recipient = Recipient
consent-recipient-search = Find the organisation in the directory
consent-recipient-search-hint = Type part of its name, then search.
consent-recipient-find = Search
consent-recipient-results = Choose the organisation:
consent-recipient-none-of-these = None of these
consent-recipient-none-found = No organisation in the directory matches. Write the recipient's name below.
consent-recipient-chosen = Chosen from the directory:
consent-recipient-change = Choose another recipient
consent-recipient-name = Or write the recipient's name
consent-recipient-name-hint = A person or an organisation, as it appears on the signed form.
consent-recipient-detail = Details of the recipient
consent-recipient-detail-hint = For example the office, contact person or address.
consent-from-directory = From the directory
consent-section-what = What information may be shared
consent-categories = Information that may be shared
consent-information-detail = What, and how much
consent-information-detail-hint = In the words of the form, for example "dates I attended groups since January, not what was said".
consent-section-why = Why it may be shared
consent-purposes = Purposes
consent-purpose-detail = Other purpose, in words
consent-purpose-detail-hint = Required when "Another purpose" is ticked.
consent-section-ends = When the consent ends
consent-ends-hint = Give an end date, an event that ends it, or both: whichever comes first ends it.
consent-expires-on = End date
consent-expiry-event = End event
consent-expiry-event-hint = For example "when my probation ends" or "when I leave the program".
consent-section-signature = Signature
consent-signed-on = Signed on
consent-signer = Signed by
consent-signer-name = Name of the person who signed
consent-signer-name-hint = Leave empty when the person signed themselves: their name is used.
consent-signer-authority = Authority to sign for the person
consent-signer-authority-hint = For example court-appointed guardian, parent of a minor, power of attorney.
consent-signature-method = How it was signed
consent-revocation-explained = I told the person they may revoke this consent at any time, and how to do it.
consent-save = Record the consent
consent-recorded = Consent recorded.
consent-print-for-signature = Print for signature
consent-print-for-signature-hint = Prints what is filled in above, with space to sign, in the language you choose. Nothing is saved.
consent-print-language = Language of the printout
consent-print = Print
consent-print-blank = Blank consent form
consent-print-blank-hint = A form with the person's name, to fill in and sign on paper.
consent-print-copy = Print a copy for the person

consent-error-recipient-required = Name who will receive the information: choose an organisation from the directory or write the recipient's name.
consent-error-recipient-unknown = This organisation is not in the directory. Search again or write the recipient's name.
consent-error-categories-required = Tick at least one kind of information that may be shared.
consent-error-information-required = Describe what information, and how much, may be shared.
consent-error-purposes-required = Tick at least one purpose.
consent-error-purpose-detail-required = Describe the other purpose.
consent-error-end-required = Give an end date or an event that ends the consent.
consent-error-end-required-part2 = A consent under 42 CFR Part 2 must say when it ends: give an end date or an end event.
consent-error-end-before-signed = The end date cannot be before the day it was signed.
consent-error-signed-on-required = Give the date the consent was signed.
consent-error-signed-on-future = The signing date cannot be in the future. Record the consent once it is signed.
consent-error-signer-required = Say who signed: the person, a guardian or a personal representative.
consent-error-signer-name-required = Give the name of the guardian or representative who signed.
consent-error-signer-authority-required = Say what gives them authority to sign for the person.
consent-error-signature-method-required = Say how it was signed: on paper or electronically.
consent-error-revocation-required = Confirm that the person was told they may revoke this consent.

## One consent

consent-to = Consent to share with { $recipient }
consent-terms = What the person agreed to
consent-terms-fixed = A signed consent is not edited. If the person wants something different, record a new consent.
consent-person = Person
consent-revocation = Right to revoke
consent-revocation-was-explained = Explained to the person
consent-recorded-by = Recorded by
consent-event-happened-on = happened on { $date }
consent-revoke-title = Revoke this consent
consent-revoke-hint = From the revocation date nothing more may be shared under it. What was shared before stays in the accounting of disclosures.
consent-revoked-on = Revoked on
consent-revocation-note = How the person revoked it
consent-revocation-note-hint = For example "by phone to their coach" or "letter received".
consent-revoke = Revoke the consent
consent-revoked = Consent revoked.
consent-end-event-title = The end event happened
consent-end-event-hint = This consent ends when: { $event }. Record the day it happened.
consent-end-event-on = The day it happened
consent-end-event-record = Record the end event
consent-end-event-recorded = End event recorded: the consent has ended.
consent-changed-meanwhile = Someone changed this consent while you were looking at it. This is how it stands now; check it, then try again if still needed.
consent-disclosures = Shared under this consent
consent-disclosures-none = Nothing has been shared under this consent.

consent-error-already-revoked = This consent is already revoked.
consent-error-revoked-before-signed = The revocation date cannot be before the consent was signed.
consent-error-revoked-future = The revocation date cannot be in the future.
consent-error-no-end-event = This consent has no end event to record.
consent-error-end-event-recorded = The end event is already recorded.
consent-error-event-before-signed = The end event cannot have happened before the consent was signed.
consent-error-event-future = The end event cannot be in the future.

## The printed consent form

consent-form-title = Consent to share information
consent-form-person = Person whose information is shared
consent-form-born = Date of birth
consent-form-law-us-part2 = My substance use records are protected by federal law (42 CFR Part 2) and, where it applies, HIPAA. They cannot be shared without my written consent unless the law allows it.
consent-form-law-us-hipaa = My health information is protected by federal law (HIPAA). It cannot be shared for this purpose without my written authorization.
consent-form-law-canada = My personal health information is protected by privacy law. It is shared only with my express consent, for the purposes below.
consent-form-discloser = I allow this organisation or program to share my information
consent-form-recipient = With this person or organisation
consent-form-what = Information that may be shared
consent-form-how-much = What, and how much:
consent-form-why = Why it may be shared
consent-form-ends = This consent ends
consent-form-ends-date = On this date:
consent-form-ends-event = Or when this happens:
consent-form-rights = My rights
consent-form-revoke = I may revoke this consent at any time by telling { $discloser }, in writing or in person. Revoking it does not undo what was already shared while it was in force.
consent-form-no-condition = My services do not depend on signing this consent. I may refuse to sign.
consent-form-copy = I may have a copy of this form.
consent-form-signature = Signature
consent-form-sign-here = Signature of the person (or their representative)
consent-form-date = Date
consent-form-representative = If a representative signs: their name and what gives them authority
consent-form-witness = Staff member who explained the form
consent-form-signed-by = Signed by
consent-form-signed-on = Signed on
consent-form-revoked = This consent was revoked on { $date }.

## The accounting of disclosures

disclosures-title = Accounting of disclosures
disclosures-lede = Every time this person's information was shared outside the organisation: when, with whom, what, why, under which consent, how, and by whom.
disclosures-period = From { $from } to { $to }
disclosures-count = { $count ->
    [one] One disclosure
   *[other] { $count } disclosures
}
disclosures-none = Nothing was shared in this period.
disclosures-print = Give the person their accounting
disclosures-print-hint = A printout in their language. Giving it to them is not a disclosure.
disclosures-print-button = Print the accounting
disclosures-print-title = Who we shared your information with
disclosures-print-intro = This list shows every time { $org } shared your information with someone outside the organisation in the last { $years } years, and the consent you gave that allowed it.
disclosures-print-none = We did not share your information with anyone in this period.
disclosures-print-rights = You may ask for this list at any time. If something on it is wrong, or you want to stop sharing, tell your coach: you can revoke a consent at any time.
disclosures-print-questions = Questions? Ask { $org }.
disclosures-print-made = List prepared on { $date }.
disclosure-when = When
disclosure-to = Shared with
disclosure-what = What was shared
disclosure-why = Why
disclosure-how = How
disclosure-consent = Under consent
disclosure-by = Shared by
disclosure-under-consent = Consent signed { $date } · { $law }
disclosure-notice-went = with the notice against further sharing

## Recording a disclosure

disclosure-new = Record a disclosure
disclosure-new-lede = Write down information shared outside a referral: a phone call, an e-mail, a printout handed to someone. A consent in force must cover it.
disclosure-consent-hint = The consent it was shared under. Leave it to be found from the recipient, information and purpose.
disclosure-consent-find = Find the consent that covers it
disclosure-to-hint = Leave empty to use the recipient named on the chosen consent.
disclosure-description = What exactly was shared
disclosure-description-hint = For example "Confirmed attendance dates by phone to Officer Rivera".
disclosure-purpose-hint = Leave empty when the chosen consent names only one purpose.
disclosure-date = Date
disclosure-time = Time
disclosure-now-hint = Leave the date and time empty for now.
disclosure-notice-included = The notice against further sharing went with it
disclosure-notice-included-hint = In writing, with the information (for a phone call: sent afterwards).
disclosure-record = Record the disclosure
disclosure-recorded = Disclosure recorded in the accounting.

disclosure-error-no-consent = This person has no consent on file. Record their signed consent first.
disclosure-error-recipient-required = Say who the information was shared with.
disclosure-error-categories-required = Tick what was shared.
disclosure-error-purpose-required = Choose why it was shared.
disclosure-error-channel-required = Choose how it was shared.
disclosure-error-channel-referral = Referrals record their own disclosures: share through the referral instead.
disclosure-error-description-required = Describe what was shared.
disclosure-error-future = The date and time cannot be in the future.
disclosure-error-consent-required = Choose the consent to share under.
disclosure-error-packet-note-required = Write the information to share for mental health or other information.

## Information prepared for a third party

disclosure-packet-title = Prepare information for a third party
disclosure-packet-lede = Prints (or exports) this person's information for a consent's recipient, limited to what the consent allows, with the notice against further sharing.
disclosure-packet-no-consent = No consent is in force today. Record a signed consent before sharing anything.
disclosure-packet-consent = Consent to share under
disclosure-packet-use-consent = Use this consent
disclosure-packet-allowed = The consent allows
disclosure-packet-include = Include
disclosure-packet-include-hint = Share only what the recipient needs.
disclosure-packet-note = Information written for the recipient
disclosure-packet-note-hint = Required for mental health or other information; included as written.
disclosure-packet-format = Format
disclosure-packet-export = Data file (JSON)
disclosure-packet-language = Language
disclosure-packet-records = Preparing it records a disclosure in the person's accounting.
disclosure-packet-prepare = Prepare and record
disclosure-packet-heading = Information shared with { $recipient }
disclosure-packet-from = From { $discloser }
disclosure-packet-prepared = Prepared { $date } by { $name }
disclosure-packet-under = Shared under the consent signed on { $date } · { $law }
disclosure-packet-consent-scope = What the person agreed to share
disclosure-packet-shared = Shared here
disclosure-packet-name = Name
disclosure-packet-preferred-name = Goes by
disclosure-packet-pronouns = Pronouns
disclosure-packet-phone = Phone
disclosure-packet-email = E-mail
disclosure-packet-address = Address
disclosure-packet-nothing = Nothing recorded.
disclosure-packet-agreed-on = agreed on { $date }
disclosure-packet-strengths = Strengths:
disclosure-packet-no-plan = No current recovery plan.
disclosure-packet-stage = Stage of recovery
disclosure-packet-lapses = Returns to use reported in the last 12 months
disclosure-packet-none-reported = None reported
disclosure-packet-attendance-since = Since { $date }
disclosure-packet-no-attendance = No attendance recorded in this period.
disclosure-packet-group = Group: { $name }
disclosure-packet-minutes = { $minutes } min
disclosure-packet-additional = Additional information
disclosure-packet-see-notice = This information must not be shared further: see the notice to the recipient above.

## Redisclosure notices

disclosure-notice-title = Notice to the recipient
disclosure-notice-us-part2 = This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony that describes the information contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, State, or local authority, against the patient, unless authorized by the consent of the patient, except as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of the following applies: (A) Further use or disclosure is expressly permitted by the written consent of the individual whose information is being disclosed in this record or as otherwise permitted by 42 CFR part 2. (B) You are a covered entity or business associate and have received the record for treatment, payment, or health care operations, or (C) You have received the record from a covered entity or business associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for the release of medical or other information is NOT sufficient to meet the required elements of written consent to further use or redisclose the record (see 42 CFR 2.31).
disclosure-notice-us-hipaa = This information is protected health information shared with the written authorization of the person it describes, for the purpose stated. Use it only for that purpose and do not share it further unless the person authorizes it in writing or the law requires it. Information shared under an authorization may no longer be protected by federal privacy rules once you have it, so please keep it confidential.
disclosure-notice-canada = This personal health information is shared with the express consent of the person it describes, only for the purpose stated. Use it only for that purpose, keep it secure, and do not share it with anyone else without the person's consent unless the law requires it. The person may withdraw their consent at any time.
