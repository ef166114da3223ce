# Referrals with closed-loop follow-up, the person's printout, the letter for an agency, the
# measures, and information-only contacts.

nav-referrals = Referrals
referrals-title = Referrals
referrals-home-lede = Referrals waiting for a follow-up call, and every open referral you can see.
referrals-find-resource = Find a resource
referrals-my-follow-ups = My referrals to follow up
referrals-team-follow-ups = My team's referrals to follow up
referrals-no-follow-ups = Nothing to follow up today.
referrals-open = Open referrals
referrals-none-open = No open referrals.
referrals-overdue-days = { $days ->
    [one] 1 day overdue
   *[other] { $days } days overdue
}
referrals-due-today = Due today
referrals-due-in-days = { $days ->
    [one] Due tomorrow
   *[other] Due in { $days } days
}
referrals-worklist = Referrals to follow up
referrals-person-list = Referrals made
referrals-person-none = No referrals yet.
referrals-consents-heading = Consents to share information
referrals-consents-none = No consents on file. Nothing about this person can be shared outside the organisation until they sign one.
referrals-consents-manage = See and record consents

## Codes
referral-status-draft = Draft (not sent)
referral-status-sent = Sent
referral-status-accepted = Accepted by the resource
referral-status-declined = Declined by the resource
referral-status-in-progress = In progress
referral-status-completed = Completed
referral-status-cancelled = Cancelled
referral-status-unable-to-connect = Unable to connect
referral-help-information-given = Information given (the person contacts the resource)
referral-help-warm-handoff = Warm hand-off (we introduce the person to someone there)
referral-help-accompanied = Accompanied to the first appointment
referral-urgency-today = Today
referral-urgency-this-week = This week
referral-urgency-routine = Routine
need-met-yes = Yes, met
need-met-partly = Partly met
need-met-no = Not met
need-met-unknown = Don't know yet
info-channel-phone = Phone
info-channel-walk-in = Walk-in
info-channel-text = Text message
info-channel-email = E-mail
info-channel-outreach = Outreach
crisis-flag-suicide-risk = Suicide risk
crisis-flag-overdose = Overdose
crisis-flag-domestic-violence = Domestic violence
crisis-flag-child-safety = Child safety
crisis-flag-medical-emergency = Medical emergency
crisis-flag-homelessness = Without shelter tonight

## A referral
referral-person = Person
referral-resource = Resource
referral-need = Need
referral-need-hint = The need this referral is for, as the plan names it.
referral-need-detail = About the need
referral-need-detail-hint = In the person's words, if they want it written down.
referral-need-identified-on = Need identified on
referral-need-identified-on-hint = When the person first told us about this need. It can be an earlier day.
referral-urgency = How soon
referral-help = How we help
referral-help-hint = Walking with someone to the door makes connecting much more likely.
referral-shared = Shared with the resource
referral-shared-hint = Tick only what the person agreed to share. Nothing ticked: nothing about them leaves the organisation.
referral-shared-nothing = Nothing shared
referral-consents-for = Consents naming { $recipient }
referral-consents-none = No consent on file for this resource.
referral-consent = Consent used
referral-consent-in-force = In force
referral-consent-signed = signed { $date }
referral-consent-expires = ends { $date }
referral-consent-not-needed = None needed (nothing shared)
referral-consent-record = Record a consent
referral-consent-refused-title = This referral cannot be sent yet
referral-consent-gap-line = Consent for { $recipient }, signed { $signed_on }: { $reason }
referral-consent-refused-next = You can save it as a draft now and send it once the person has signed a consent that covers this resource and what you share, or share less.
referral-follow-up-on = Follow up on
referral-follow-up-hint = Leave empty to follow up by urgency: today in { $today } days, this week in { $week } days, routine in { $routine } days.
referral-follow-up-date = follow up { $date }
referral-follow-up-due = A follow-up is due: check whether the person has connected.
referral-assigned-to = Who follows up
referral-assigned-to-hint = Anyone who works with this person.
referral-language = Language of the person's printout
referral-language-hint = From the language the person prefers. Change it if they would rather read another.
referral-location = Location
referral-note = Note
referral-note-hint = For the team; not shared.
referral-send = Send referral
referral-save-draft = Save as draft
referral-new-title = Make a referral
referral-pick-resource-first = First choose the resource in the directory. Search by need, language, cost and distance, then choose "Refer".
referral-choose-other-resource = Choose another resource
referral-resource-organization = Organisation
referral-resource-address = Address
referral-resource-phone = Phone
referral-resource-hours = Opening hours
referral-resource-languages = Languages
referral-resource-fees = Fees
referral-resource-eligibility = Who can use it
referral-resource-contact = Contact person
referral-resource-bring = What to bring
referral-resource-how-to-apply = How to start
referral-resource-inactive = The directory lists this service as not active. Check with them before sending anyone.
referral-resource-gone = This resource is no longer in the directory.
referral-saved-draft = Referral saved as a draft. Nothing has been shared.
referral-sent = Referral sent.
referral-sent-with-consent = Referral sent. The shared details were added to the person's accounting of disclosures.
referral-details = Details
referral-referred-on = Referred on
referral-referred-on-date = referred { $date }
referral-not-sent = Not sent yet
referral-made-by = Made by
referral-status = Status
referral-history = History
referral-disclosures = Information shared
referral-print = Printout for the person
referral-timeline = Referral

## Status and outcome
referral-change-status = Follow up or change the status
referral-new-status = What happened
referral-new-status-hint = Keep the status to note a follow-up call and set the next date.
referral-status-keep = { $status } (still)
referral-next-follow-up = Next follow-up
referral-next-follow-up-hint = Leave empty to follow up by urgency. Not asked when the referral closes.
referral-event-note = Note
referral-event-note-hint = What you heard, and what happens next.
referral-closing-legend = The outcome
referral-closing-hint = Needed when the referral is completed. The person's own words are best.
referral-connected = Did the person connect with the resource?
referral-connected-yes = Yes, they connected
referral-connected-no = No, they did not connect
referral-connected-on = Connected on
referral-need-met = Was the need met?
referral-outcome = Outcome
referral-outcome-note = About the outcome
referral-closed-on = Closed on
referral-save-status = Save
referral-record-outcome = Record or correct the outcome
referral-save-outcome = Save the outcome
referral-status-saved = Saved.
referral-outcome-saved = Outcome saved.

## Errors
referral-error-unknown-service = Choose a resource from the directory
referral-error-service-inactive = The directory lists this service as not active; choose another, or save as a draft and check with them
referral-error-assignee = Choose someone who works with this person
referral-error-follow-up-past = The follow-up date cannot be in the past
referral-error-no-consent = { $recipient } is not named in any of the person's consents, and they have none on file. Sharing needs their signed consent.
referral-error-consent-not-covering = { $count ->
    [one] The person's consent does not cover sharing this with { $recipient }:
   *[other] None of the person's { $count } consents covers sharing this with { $recipient }:
}
referral-error-transition = This change is not possible from the referral's current status
referral-error-follow-up-empty = Add a note or a new follow-up date, or choose a new status
referral-error-complete-needs-connection = A completed referral means the person connected. If they did not, choose "Unable to connect"
referral-error-complete-needs-need-met = Say whether the need was met
referral-error-connected-before-need = The person cannot have connected before the need was identified
referral-error-connected-date-not-connected = Leave the date empty when the person did not connect
referral-error-connected-but-unable = This referral is closed as "unable to connect". Reopen it first if the person did connect
referral-error-unable-but-connected = "Unable to connect" means the person did not connect; choose another status if they did
referral-error-outcome-draft = This referral has not been sent yet; send it before recording an outcome
referral-error-letter-status = A letter can be made only for a sent referral that is still open

## The letter for the agency
referral-letter-title = Letter for the resource
referral-letter-explain = A letter with the person's details for the resource. Making it shares those details, so it needs a consent that covers them, and it is added to the person's accounting of disclosures.
referral-letter-make = Make the letter
referral-letter-recorded = The letter was added to the person's accounting of disclosures. Print it or save it as a PDF.
referral-letter-open = letter
referral-letter-how = Use your browser's Print to print it or save it as a PDF. Keep the notice at the bottom with the letter.
referral-letter-to = To: { $recipient }
referral-letter-subject = Referral: { $name }
referral-letter-intro = We are referring the person below to { $resource }, with their written consent.
referral-letter-about = About the person
referral-letter-name = Name
referral-letter-dob = Date of birth
referral-letter-also = Also shared
referral-letter-shared = Shared with consent: { $categories }.
referral-letter-contact = Please contact { $worker } about this referral.
referral-letter-notice-heading = Notice about this information

## The person's printout (also in es and fr)
referral-print-title = Your referral
referral-print-heading = Where to go for help
referral-print-greeting = { $name }, here are the details we talked about.
referral-print-address = Address
referral-print-phone = Phone
referral-print-email = E-mail
referral-print-website = Website
referral-print-hours = Opening hours
referral-print-opens-at = from { $time }
referral-print-languages = Languages spoken
referral-print-fees = Cost
referral-print-eligibility = Who can go
referral-print-ages = Ages { $min } to { $max }
referral-print-age-min = Ages { $min } and over
referral-print-age-max = Up to age { $max }
referral-print-bring = What to bring
referral-print-how-to-apply = How to start
referral-print-contact = Who to ask for
referral-print-what-for = What this is for
referral-print-how-we-help = How we will help
referral-print-next = Next
referral-print-follow-up = { $worker } will check in with you on { $date } to see how it went.
referral-print-questions = Questions, or something changed? Contact { $worker }.
referral-print-notes = Notes:
referral-print-crisis = If you are in crisis, call or text
referral-print-emergency = Emergency:
referral-print-date = { $day } { $month } { $year }
referral-print-back = Back to the referral
referral-print-language = Language
referral-print-how = Use your browser's Print to print this page or save it as a PDF. Giving the person their own copy shares nothing with anyone else.
referral-print-need-mental-health = Mental health care
referral-print-need-substance-use = Substance use treatment
referral-print-need-legal = Legal help
referral-print-need-record-expungement = Clearing a criminal record
referral-print-need-crisis = Crisis support
referral-print-need-primary-care = Health care
referral-print-need-dental = Dental care
referral-print-need-education-vocational = Education or job training
referral-print-need-housing = Housing
referral-print-need-other = Other help
referral-print-help-information-given = We gave you the details; you can contact them when you are ready.
referral-print-help-warm-handoff = We will introduce you to someone there.
referral-print-help-accompanied = We will go with you to the first appointment.
referral-sms = { $org }: { $resource }. Your contact: { $worker }.
referral-sms-follow-up = We will check in on { $date }.
referral-sms-label = Text message version
referral-sms-hint = Copy this into a text message if the person would like it on their phone.
referral-day-mo = Monday
referral-day-tu = Tuesday
referral-day-we = Wednesday
referral-day-th = Thursday
referral-day-fr = Friday
referral-day-sa = Saturday
referral-day-su = Sunday
referral-month-1 = January
referral-month-2 = February
referral-month-3 = March
referral-month-4 = April
referral-month-5 = May
referral-month-6 = June
referral-month-7 = July
referral-month-8 = August
referral-month-9 = September
referral-month-10 = October
referral-month-11 = November
referral-month-12 = December

## Measures
referrals-report-title = Referral measures
referrals-report-lede = Time from a need being identified to the referral, and how often people connected and had their need met, for referrals made in the period.
referrals-report-csv = Download as CSV
referrals-report-referrals = Referrals
referrals-report-median = Median time to referral
referrals-report-days = { $days ->
    [one] 1 day
   *[other] { $days } days
}
referrals-report-within-2 = Referred within 2 days
referrals-report-within-7 = Referred within 7 days
referrals-report-connected = Connected (of { $count } with an outcome)
referrals-report-connected-short = Connected
referrals-report-need-met = Need met
referrals-report-none = No referrals were made in this period.
referrals-report-by-need = By need
referrals-report-by-program = By program
referrals-report-by-channel = By channel
referrals-report-by-crisis-flag = Crisis flags
referrals-report-program = Program
referrals-report-no-program = No program
referrals-report-info-title = Information-only contacts
referrals-report-info-total = { $count ->
    [one] 1 contact
   *[other] { $count } contacts
}
referrals-report-info-minutes = { $minutes } minutes
referrals-report-info-crisis = { $count } with crisis flags
referrals-csv-section = Section
referrals-csv-group = Group
referrals-csv-referrals = Referrals
referrals-csv-median-days = Median days to referral
referrals-csv-within-2 = Within 2 days
referrals-csv-within-7 = Within 7 days
referrals-csv-with-outcome = With an outcome
referrals-csv-connected = Connected
referrals-csv-connected-share = Connected (%)
referrals-csv-need-met-yes = Need met
referrals-csv-need-met-partly = Need partly met
referrals-csv-need-met-no = Need not met
referrals-csv-need-met-unknown = Need met: unknown
referrals-csv-from = From
referrals-csv-to = To
referrals-csv-overall = All referrals
referrals-csv-by-need = By need
referrals-csv-by-program = By program
referrals-csv-by-channel = By channel
referrals-csv-by-crisis-flag = By crisis flag
referrals-csv-info-section = Information-only contacts
referrals-csv-count = Count
referrals-csv-info-total = Contacts
referrals-csv-info-minutes = Minutes
referrals-csv-info-crisis = With crisis flags

## Information-only contacts
info-contacts-title = Information-only contacts
info-contacts-lede = Callers and walk-ins who asked for information. No names are kept.
info-contacts-days = Days
info-contacts-day = Day
info-contacts-count = { $count ->
    [one] 1 contact
   *[other] { $count } contacts
}
info-contacts-minutes = { $minutes } min
info-contacts-none = No contacts logged on this day.
info-contact-new-title = Log an information-only contact
info-contact-new-lede = For an anonymous caller or walk-in. No record is made for the person: do not write their name, phone number or address.
info-contact-channel = How they reached us
info-contact-needs = What they needed
info-contact-need-detail = About the need
info-contact-no-names-hint = No names, phone numbers or addresses.
info-contact-resources-given = Resources given
info-contact-search = Search the directory
info-contact-search-placeholder = food bank, detox, legal aid…
info-contact-search-none = No directory resources match. Try other words, or write the resource below.
info-contact-other-resources = Other resources given
info-contact-other-resources-hint = Anything given that is not in the directory.
info-contact-crisis-flags = Crisis signs
info-contact-crisis-hint = If any of these came up, follow the crisis procedure.
info-contact-crisis-procedure = Open the crisis procedure
info-contact-crisis-action = What was done
info-contact-crisis-action-hint = For example: stayed on the line and called the crisis line together.
info-contact-minutes = Minutes
info-contact-language = Language
info-contact-area = Area
info-contact-area-hint = Town or postcode only.
info-contact-note = Note
info-contact-identifiers-explain = Something you wrote looks like a phone number or e-mail address. This log is anonymous: remove it unless it belongs to a service, not the caller.
info-contact-identifiers-checked = I checked: it does not identify the caller
info-contact-when-where = Earlier contact or program
info-contact-on = Day
info-contact-at-time = Time
info-contact-program = Program
info-contact-save = Save contact
info-contact-saved = Contact logged.
info-contact-error-need-required = Choose at least one need
info-contact-error-crisis-action = Write what was done about the crisis signs
info-contact-error-unknown-service = Choose resources from the directory search
info-contact-error-area-street = Write only the town or postcode, not a street address
info-contact-error-minutes = Use a number of minutes from 0 to { $max }
info-contact-warning-identifiers = This looks like a phone number or e-mail address. Remove it, or tick that it does not identify the caller
