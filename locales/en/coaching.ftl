# Peer recovery coaching: the person's coaching page, contacts and progress notes, the recovery
# and wellness plan, returns to use, mutual aid, natural supports, the caseload and worklist,
# supervision and the person's timeline.
#
# Some ids the coaching pages use are defined in other files and must not be repeated here (a
# duplicate id stops every message from loading): note, save and choose (shell.ftl, intake.ftl),
# plan-none, plan-edit, plan-print and plan-coping-strategies (intake.ftl, the safety plan), and
# guardrail-heading and guardrail-found (guardrails.ftl).

## Shared words

nav-caseload = Caseload
nav-supervision = Supervision
update = Update
mutual-aid = Mutual aid

## The person's coaching page

coaching-title = Coaching
coaching-frequency-title = Staying in touch
coaching-frequency = Contact at least
coaching-frequency-hint = Everyone is contacted at least monthly. Weekly suits early recovery, the weeks after a return to use, and times when closer support is on.
coaching-frequency-reason = Why this frequency
coaching-change-frequency = Change stage or contact frequency
coaching-monitoring-raised = Closer support (weekly)
coaching-stage = Stage of recovery
coaching-next-due = Next contact due
coaching-no-contact-yet = No contact yet
coaching-open-lapse = Recent return to use
coaching-no-plan = No plan yet
coaching-plan-not-agreed = Plan not agreed yet
coaching-due-today = Due today
coaching-due-in-days = { $days ->
    [one] Due tomorrow
   *[other] Due in { $days } days
}
coaching-overdue-days = { $days ->
    [one] 1 day overdue
   *[other] { $days } days overdue
}
coaching-due-later = Not due yet
coaching-profile-saved = Stage and contact frequency saved.
coaching-lapse-recorded = Return to use recorded. Reaching out soon helps the person reconnect.
coaching-mutual-aid-saved = Mutual-aid connection saved.
coaching-support-saved = Natural support saved.

## Contacts and progress notes

contact-title = Contact
contact-log-title = Log a contact
contact-edit-title = Edit the draft
contact-recent = Recent contacts
contact-none = No contacts logged yet.
contact-date = Date
contact-time = Time
contact-minutes = Minutes
contact-minutes-n = { $minutes } min
contact-mode = How you met
contact-setting = Where
contact-activities = What you did together
contact-goals = Plan goals worked on
contact-note = Progress note
contact-note-hint = What you did together, what the person shared and what comes next. Use their own words where you can.
contact-more = More details
contact-present = Who else was there
contact-present-hint = For example a family member or another worker. Leave empty if it was just the two of you.
contact-reengagement = This is the first contact since the return to use on { $date }
contact-save-sign = Save and sign
contact-save-draft = Save as draft
contact-saved-draft = Draft saved. Sign it when it is finished.
contact-draft-restored = We brought back what you had typed on this device. Check it, then save.
contact-status = Note
contact-draft = Draft
contact-sign = Sign the note
contact-signed = Note signed.
contact-signed-by = Signed by
contact-coach = Coach
contact-addenda = Addenda
contact-addenda-none = No addenda.
contact-addendum = Addendum
contact-addendum-add = Add an addendum
contact-addendum-hint = A signed note stays as written. Add anything that was missed or needs correcting here.
contact-addendum-added = Addendum added.

## Returns to use

lapse-title = Returns to use
lapse-none = None recorded.
lapse-record = Record a return to use
lapse-date = Date of return to use
lapse-date-hint = The day the person says it happened. An approximate date is fine.
lapse-raise-frequency = Contact weekly from now on
lapse-reengaged = Reconnected
lapse-days = { $days ->
    [0] Same day
    [one] After 1 day
   *[other] After { $days } days
}
lapse-not-yet = Not yet

## Mutual aid

mutual-aid-title = Mutual-aid groups
mutual-aid-none = No mutual-aid groups recorded yet.
mutual-aid-add = Add a group
mutual-aid-fellowship = Fellowship
mutual-aid-group = Group or meeting
mutual-aid-group-hint = Name, place and day, for example "Tuesday night NA at St Mark's". Needed when you choose Other.
mutual-aid-help = How you helped them connect
mutual-aid-connected-on = Connected on
mutual-aid-attended = Has been to a meeting
mutual-aid-still-going = Still going

## Natural supports

support-title = Natural supports
support-none = No natural supports recorded yet.
support-add = Add a support
support-name = Name
support-relationship = Who they are to the person
support-engagement = Taking part
support-consent = The person agrees we may contact them

## The recovery and wellness plan

plan-recovery-title = Recovery and wellness plan
plan-form-lede = Write the plan together, in the person's own words. It is their plan: save as you go, and record their agreement when it is ready.
plan-start = Start a plan
plan-started = Plan started. Record the person's agreement when it is ready.
plan-open = Open the plan
plan-saved = Plan saved.
plan-status = Status
plan-family = Family plan
plan-family-choice = This is a family plan (household members take part)
plan-household-members = Household members taking part
plan-review = Review the plan
plan-review-due = Review due
plan-not-agreed-yet = Not agreed yet

plan-why-came = What brought them here
plan-what-matters = What matters most to them
plan-values-culture = Values, culture and way of life
plan-strengths = Strengths
plan-barriers = What gets in the way
plan-recovery-capital = People, places and resources to draw on
plan-progress-evaluation = How things have gone since the last review
plan-maintaining-gains = Keeping the gains after the program
plan-participants = Who else helped write the plan
plan-unmet-needs = Needs not yet met

plan-hint-why-came = In the person's own words: what led them to look for support now.
plan-hint-what-matters = Ask what a good life looks like to them, and write it the way they say it.
plan-hint-values-culture = Beliefs, culture, faith, language or traditions the person wants the plan to respect, in their words.
plan-hint-strengths = What the person says they are good at and what has helped before. Add what you have seen, with their agreement.
plan-hint-barriers = What the person says stands in their way, in their words. Describe; no labels or diagnoses.
plan-hint-recovery-capital = People, places, skills and resources the person can lean on, as they describe them.
plan-hint-coping-strategies = What the person already does to get through hard moments, in their own words.
plan-hint-progress-evaluation = Ask the person how things have gone since the last review, and write their view first.
plan-hint-maintaining-gains = How the person plans to keep what they have built after the program ends, in their own words.
plan-hint-participants = Anyone besides the person and you who helped, such as family, a sponsor or another worker. Only with the person's agreement.
plan-hint-unmet-needs = Services the person wants but does not have yet. Tick each one and add a note in their words.

plan-goals = Goals
plan-goal = Goal
plan-goal-n = Goal { $number }
plan-goal-new = New goal
plan-goal-domain = Part of life
plan-goal-words = The goal, in the person's own words
plan-goal-words-hint = Write it the way they said it, for example "Get my own place before winter".
plan-goal-progress = Progress
plan-goal-progress-note = How it is going
plan-steps = Steps
plan-step-what = Step
plan-step-who = Who
plan-step-target = By when
plan-step-done = Done
plan-more-goals-hint = Need another goal or more steps? Save, and a new blank goal and more step rows appear.

plan-conflict-title = Someone else changed the plan while you were writing
plan-conflict-lede = Changes that did not overlap were kept. Where you both changed the same part, the form shows your version and theirs is below. Choose what to keep, then save.
plan-conflict-theirs = Their version

## Agreeing and closing the plan

plan-agreement-title = Agree the plan with the person
plan-agreement-hint = Go through the plan together. Record their agreement once the person says it reflects what they want.
plan-agreement-how = How they agreed
agreement-signature = Signed
agreement-verbal = Agreed verbally
plan-signed-name = Name signed
plan-signed-name-hint = As the person wrote it on the signed copy.
plan-agreed-on = Agreed on
plan-agreement-note = Note
plan-agreement-note-hint = For a verbal agreement, say how and when the person agreed, for example "By phone, after I read the plan back to them".
plan-agree = Record agreement
plan-agreed = Agreement recorded. The next review date is set.
plan-close-title = Close the plan at discharge
plan-close-hint = When the person leaves the program, record their agreement to the final version. First write, with them, how they will keep their gains.
plan-close = Close the plan
plan-closed = Plan closed.

## Plan versions and changes

plan-versions = Agreed versions
plan-versions-none = No agreed versions yet.
plan-version-n = Version { $number }
plan-version-kind = Reason
plan-working-copy = Working copy (not agreed)
plan-changes = Compare versions
plan-compare = Compare
plan-compare-from = From
plan-compare-to = To
plan-no-changes = No changes between these versions.
plan-change-field = Part of the plan
plan-change-before = Before
plan-change-after = After
plan-print-with-notes = Print with recent notes
plan-print-signatures = Signatures

## Caseload and worklist

caseload-own-title = My caseload
caseload-of = Caseload: { $name }
caseload-count = { $count ->
    [one] 1 person
   *[other] { $count } people
}
caseload-people = People
caseload-person = Person
caseload-last-contact = Last contact
caseload-flags = Things to know

worklist-title = To do
worklist-overdue = Contact overdue
worklist-due-soon = Contact due in the next 7 days
worklist-no-contact-30 = No contact in 30 days
worklist-days-since = { $days ->
    [one] 1 day since last contact
   *[other] { $days } days since last contact
}
worklist-plans-due = Plan reviews due
worklist-needs-plan = Needs an agreed plan
worklist-open-lapses = Reconnect after a return to use
worklist-drafts = Unsigned drafts

## Supervision

supervision-title = Supervision
supervision-lede = Each coach's caseload at a glance, to plan supervision and support. Counts are as of today.
supervision-worker = Coach
supervision-people = People
supervision-plans-overdue = Plan reviews overdue
supervision-warnings = Gentle checks (30 days)
supervision-warned-notes = Notes with gentle checks in the last 30 days
supervision-warned-hint = Wording in these notes may read like clinical work. Use them to start a supportive conversation in supervision, not as a judgement.

## Gentle checks on notes

guardrail-tag = Gentle check
guardrail-saved-with-warnings = Your note is saved. Some of its wording may read like clinical work, so take a moment to look at the check below. You can edit a draft, or add an addendum to a signed note.

## The person's timeline

timeline-title = Timeline
timeline-filter = Show
timeline-apply = Apply
timeline-count = { $count ->
    [one] 1 event
   *[other] { $count } events
}
timeline-kind-request = Requests
timeline-kind-screen = Risk screens
timeline-kind-plan = Plans
timeline-kind-contact = Contacts
timeline-kind-lapse = Returns to use
timeline-kind-mutual-aid = Mutual aid
timeline-kind-support = Natural supports
timeline-kind-transfer = Caseload transfers
timeline-request = Request for service
timeline-screen = Risk screen
timeline-plan-started = Plan started
timeline-plan-initial = Plan agreed
timeline-plan-review = Plan review agreed
timeline-plan-discharge = Plan closed at discharge
timeline-contact = Contact
timeline-contact-draft = Contact (note not signed)
timeline-lapse = Return to use
timeline-mutual-aid = Connected with a mutual-aid group
timeline-support = Natural support added
timeline-transfer = Moved to another coach

## Field messages

error-activity-required = Choose at least one thing you did together
error-minutes-positive = Enter the minutes spent, more than 0
error-minutes-too-long = Use { $max } minutes or fewer. Check for a typing slip
error-whole-number = Enter a whole number, like 30
error-unknown-goal = Choose goals from the person's current plan
error-note-signed = This note is signed and can no longer be changed. Add an addendum instead.
error-addendum-draft = This note is still a draft. Edit it directly; addenda are for signed notes.
error-reengagement-before-lapse = A reconnection contact cannot be dated before the return to use
error-no-open-lapse = There is no recent return to use to link this contact to
error-changed-meanwhile = Someone else saved a change at the same time. Check the latest version, then make your change again.
error-monitoring-needs-weekly = With closer support on, choose weekly contact
error-name-other-group = Name the group when you choose Other
error-still-going-not-attended = Still going means they have been to a meeting. Check both answers
error-plan-needs-goal = Add at least one goal, in the person's own words
error-too-many = Use { $max } or fewer
error-plan-already-open = This person already has an open plan. Open it to review or update it.
error-plan-already-agreed = This version is already agreed. To change it, review the plan.
error-plan-closed = This plan is closed and can no longer be changed
error-program-not-enrolled = Choose a program the person is taking part in now
error-family-plan-members = Choose the household members taking part in this family plan
error-agreed-before-plan = The agreement date cannot be before the plan was started
error-signature-name = Enter the name the person signed with
error-verbal-agreement-note = For a verbal agreement, note how and when the person agreed
error-maintaining-gains = To close the plan, first write with the person how they will keep their gains
error-same-worker = The person is already with this coach

## Closed lists

contact-mode-face-to-face = Face to face
contact-mode-phone = Phone call
contact-mode-video = Video call
contact-mode-text = Text messages

contact-setting-recovery-centre = Peer recovery centre
contact-setting-outpatient = Outpatient service
contact-setting-community = Community place (coffee shop, library, campus, job site)
contact-setting-home = Home
contact-setting-inpatient-detox = Inpatient or detox
contact-setting-jail-prison = Jail or prison
contact-setting-emergency-room = Emergency room
contact-setting-primary-care = Primary care
contact-setting-remote = Phone or online

coaching-activity-education = Recovery education
coaching-activity-coaching = Recovery coaching
coaching-activity-linking = Linking to services
coaching-activity-accompanying = Going along to appointments
coaching-activity-recovery-community = Connecting with the recovery community
coaching-activity-natural-supports = Building natural supports
coaching-activity-mutual-aid = Connecting with mutual aid
coaching-activity-advocacy = Advocacy
coaching-activity-crisis-support = Crisis support
coaching-activity-other = Something else

contact-frequency-weekly = Weekly
contact-frequency-fortnightly = Every two weeks
contact-frequency-monthly = Monthly

recovery-stage-exploring = Exploring recovery
recovery-stage-early = Early recovery
recovery-stage-ongoing = Ongoing recovery
recovery-stage-sustained = Sustained recovery
recovery-stage-after-return-to-use = After a return to use

note-status-draft = Draft
note-status-signed = Signed

life-domain-housing = Housing
life-domain-work-school = Work or school
life-domain-health = Health
life-domain-relationships = Relationships and family
life-domain-recovery = Recovery
life-domain-legal = Legal matters
life-domain-money = Money
life-domain-community = Community and belonging
life-domain-purpose = Purpose and meaning

unmet-need-mental-health = Mental health care
unmet-need-substance-use = Substance use treatment
unmet-need-legal = Legal help
unmet-need-record-expungement = Clearing a criminal record (expungement)
unmet-need-crisis = Crisis support
unmet-need-primary-care = Primary health care
unmet-need-dental = Dental care
unmet-need-education-vocational = Education or job training
unmet-need-housing = Housing
unmet-need-other = Other

goal-progress-not-started = Not started
goal-progress-in-progress = Working on it
goal-progress-achieved = Achieved
goal-progress-set-aside = Set aside for now

plan-status-draft = Being written
plan-status-agreed = Agreed
plan-status-in-review = Being reviewed
plan-status-closed = Closed

plan-version-kind-initial = First plan
plan-version-kind-review = Review
plan-version-kind-discharge = At discharge

fellowship-aa = Alcoholics Anonymous (AA)
fellowship-na = Narcotics Anonymous (NA)
fellowship-smart-recovery = SMART Recovery
fellowship-dbsa = Depression and Bipolar Support Alliance (DBSA)
fellowship-schizophrenics-anonymous = Schizophrenics Anonymous
fellowship-al-anon = Al-Anon
fellowship-recovery-dharma = Recovery Dharma
fellowship-all-recovery = All Recovery
fellowship-other = Other

mutual-aid-help-discussed-what-to-expect = Talked about what to expect
mutual-aid-help-accompanied-first-meeting = Went with them to a first meeting
mutual-aid-help-introduced-to-members = Introduced them to members
mutual-aid-help-followed-up = Followed up afterwards

support-relationship-family = Family member
support-relationship-partner = Partner
support-relationship-friend = Friend
support-relationship-landlord = Landlord
support-relationship-neighbour = Neighbour
support-relationship-employer = Employer
support-relationship-sponsor = Sponsor
support-relationship-faith-community = Faith community
support-relationship-other = Other

support-engagement-not-yet = Not involved yet
support-engagement-engaged = Involved
support-engagement-re-engaged = Involved again
support-engagement-not-wanted = The person prefers they are not involved

## Recovery-plan wording distinct from the safety plan's
recovery-plan-none = No recovery/wellness plan yet.
recovery-plan-edit = Edit the plan
recovery-plan-coping-strategies = Coping strategies (from their strengths, supports and own solutions)
coaching-plan-review-days = Days between plan reviews
coaching-plan-review-days-hint = At most 90 days (reviewed at least every quarter).
work-coaching = Your caseload
work-plans-past-review = Plans past review
