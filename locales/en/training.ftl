# Training (CSE 2.02–2.07, PRSC staffing): the course catalogue, a staff member's training records
# and demonstrated competencies, the competency matrix and its CSV, and group readiness drawn from
# training records. Also the short labels of every requirement code and their group headings.
#
# Ids used here but defined elsewhere: save, cancel, choose (shell.ftl), error-conflict
# (errors.ftl), nav-team and team-tab-* (team.ftl), position-* and check-* (team.ftl).

## Requirement codes: short labels in our own words

requirement-cse-2-02-supervision = Supervising staff
requirement-cse-2-02-peer-trauma = Trauma in peer workers
requirement-cse-2-03-referral = Referral and information steps
requirement-cse-2-03-trauma-signs = Signs of trauma
requirement-cse-2-03-suicide-signs = Signs of suicide risk
requirement-cse-2-04-engaging = Engaging group members
requirement-cse-2-04-dynamics-safety = Group dynamics and safety
requirement-cse-2-04-leading-discussion = Leading discussion
requirement-cse-2-04-facilitating-activities = Running group activities
requirement-cse-2-05-development-family = Development and family life
requirement-cse-2-05-evidence-based = Evidence-based practice
requirement-cse-2-05-person-in-environment = Person in their surroundings
requirement-cse-2-05-reaching-disengaged = Reaching people who pull away
requirement-cse-2-07-intensive-services = When more help is needed
requirement-cse-2-07-ethics-boundaries = Ethics, boundaries, privacy
requirement-cse-2-07-wellness-trauma-informed = Wellness and trauma-informed care
requirement-cse-2-07-own-triggers = Handling one's own triggers
requirement-cse-2-07-recovery-concepts = Recovery and peer support ideas
requirement-prsc-k-science = How recovery works
requirement-prsc-k-recovery-process = Recovery process and supports
requirement-prsc-k-values = Recovery values
requirement-prsc-k-pathways = Pathways for each stage
requirement-prsc-k-ethics-self-care = Ethics and self-care
requirement-prsc-k-culture = Cultural awareness
requirement-prsc-k-trauma = Understanding trauma
requirement-prsc-k-community-resources = Community resources
requirement-prsc-k-agency = Working within an agency
requirement-prsc-k-planning = Recovery planning and goals
requirement-prsc-s-outreach = Outreach
requirement-prsc-s-motivation = Building motivation
requirement-prsc-s-listening = Active listening
requirement-prsc-s-conflict = Resolving conflict
requirement-prsc-s-crisis = Responding in a crisis
requirement-prsc-s-re-engagement = Re-engaging after a lapse
requirement-prsc-s-communication = Writing and speaking
requirement-prsc-s-advocacy = Liaison and advocacy
requirement-prsc-s-emotional-support = Emotional support
requirement-prsc-s-recovery-capital = Gauging recovery capital
requirement-prsc-s-connecting = Linking to resources and supports
requirement-prsc-s-diverse-cultures = Working across cultures
requirement-prsc-s-community-settings = Working in community settings

requirement-group-cse-2-01 = 2.01 Qualifications
requirement-group-cse-2-02 = 2.02 Supervisors
requirement-group-cse-2-03 = 2.03 All personnel
requirement-group-cse-2-04 = 2.04 Group leaders
requirement-group-cse-2-05 = 2.05 Direct service
requirement-group-cse-2-06 = 2.06 Peer staff
requirement-group-cse-2-07 = 2.07 Peer training
requirement-group-prsc-knowledge = PRSC knowledge areas
requirement-group-prsc-skills = PRSC skills

training-phase-pre-service = Pre-service
training-phase-in-service = In-service
training-phase-either = Before or during service
training-phase-from-course = From the course (else worked out from the start date)
training-phase-from-date = Worked out from the start date
training-kind-completed = Completed
training-kind-demonstrated = Demonstrated

## Errors

error-training-unknown-requirement = Unknown requirement code: { $code }. Choose topics from the list.
error-training-topics-required = Choose at least one topic it covers.
error-training-hours = Enter the hours as a number above 0 (at most { $max }).
error-training-date-future = The date cannot be in the future.
error-training-date-too-old = Check the year: training dates start in 1950.
error-training-demonstration-required = Say how the competency was shown, for example “Observed leading two group sessions”.
training-error-certificate-type = Choose a { $types } file. The file must really be of that type.
training-error-certificate-too-big = The certificate is too large. Files can be up to { $max }.
training-error-certificate-demonstrated = A demonstrated competency has no certificate.
training-error-readiness-staff-empty = Choose at least one skill. To withdraw a staff member’s readiness, change or delete their training records on their training page.
course-error-in-use = Training records name this course, so it cannot be deleted. Archive it instead.

## The catalogue

courses-title = Training catalogue
courses-lede = The courses your organisation recognises and the requirements each one covers. Choosing a course when recording training fills in its details.
courses-filter-requirement = Covers the requirement
courses-filter-any = Any requirement
courses-filter = Show courses
courses-show-archived = Include archived courses
courses-filter-unknown = That requirement is not on the list, so every course is shown.
courses-none = No courses yet.
courses-none-for-requirement = No course covers this requirement yet.
courses-count = { $count ->
    [one] One course
   *[other] { $count } courses
}
course-new = Add a course
course-new-title = Add a course
course-edit = Change
course-edit-title = Change course
course-archived = Archived
course-title = Title
course-provider = Provider
course-provider-hint = Who offers it, for example the state peer network.
course-description = Description
course-description-hint = Optional. What it covers and how it is delivered.
course-topics-hint = Choose every requirement this course covers.
course-phase-hint = Whether it is taken before starting the role, during it, or either.
course-hours = Hours
course-hours-hint = Usual length, if known.
course-saved = Course saved.
course-archive-title = Archive this course
course-archive-hint = Archived courses stay on the records that name them but are no longer offered.
course-archive = Archive course
course-archived-notice = Course archived.
course-restore-title = Offer this course again
course-restore-hint = It will be offered again when recording training.
course-restore = Restore course
course-restored = Course restored.
course-delete-hint = No record names this course, so it can be deleted.
course-delete = Delete course
course-delete-confirm = Delete this course?
course-deleted = Course deleted.
course-in-use = { $count ->
    [one] One training record names this course.
   *[other] { $count } training records name this course.
}

## A staff member's training

training-title = Training
training-positions = Positions: { $positions }
training-no-positions = No position recorded yet, so no training is required.
training-needed-title = Still needed for their role
training-needed-none = Every required topic is covered
training-needed-lede = These required topics are not covered by any training record yet:
training-needed-hint = Record a completed course, or a competency a supervisor saw demonstrated. Courses:
training-still-needed = still needed
training-standing-met-on = Met { $date }
training-standing-expiring-on = Due by { $date }
training-standing-expired-on = Lapsed { $date }
training-records-title = Training records
training-records-none = No training recorded yet.
training-recorded-by = Recorded by { $name }
training-attested-by = Attested by { $name }
training-hours-n = { $hours ->
    [one] 1 hour
   *[other] { $hours } hours
}
training-certificate-download = Download certificate
training-edit = Change
training-edit-title = Change training record
training-completion-title = Record a completed training
training-course = Course from the catalogue
training-course-hint = Choose a course and leave the fields below blank to use its title, topics, hours and phase.
training-course-none = Not in the catalogue (describe it below)
training-record-title = Title
training-record-title-hint = Needed when no course is chosen.
training-topics = Topics covered
training-topics-hint = Choose every requirement it covered. Topics still needed for their role are marked.
training-completed-on = Completed on
training-hours = Hours
training-hours-hint = For example 1.5
training-provider = Provider
training-phase = Phase
training-phase-hint = Pre-service training is taken before starting the role.
training-certificate = Certificate (optional)
training-certificate-limits = { $types }, up to { $max }.
training-certificate-remove = Remove the certificate on file
training-certificate-replace = Replace with another file
training-note = Note
training-completion-save = Save training
training-recorded = Training recorded.
training-updated = Training record saved.
training-deleted = Training record deleted.
training-demonstration-title = Record a demonstrated competency
training-demonstration-lede = For a skill you saw this person use in their work. It is recorded with your name as the one who attested it.
training-demonstration-topics-hint = Choose every requirement they showed.
training-demonstration = How it was shown
training-demonstration-hint = For example “Observed leading two group sessions” or “Role play in supervision”.
training-demonstrated-on = Shown on
training-demonstration-title-hint = Optional. “Demonstrated competency” if left blank.
training-demonstration-save = Save demonstrated competency
training-demonstration-recorded = Demonstrated competency recorded.
training-delete-title = Delete this record
training-delete-hint = The training will no longer count toward their requirements.
training-delete = Delete record
training-delete-confirm = Delete this training record?
training-conflict = Someone changed this while you were working on it. Please check it and try again.
training-conflict-explained = Someone else saved this record while you were editing. Your changes are below and were not saved; check the saved version, then save again to replace it.
training-conflict-see-saved = See the saved version

## Group readiness from training records

training-readiness-from-records = Drawn from their training records.
training-readiness-records-link = See or change their training
training-readiness-staff-hint = For a staff member this is recorded in their training as a demonstrated competency, and you can record it only for staff whose records you manage.
training-certification-lapsed = Peer certification lapsed { $date }
training-certification-lapsed-heading = A facilitator’s peer certification has lapsed
training-certification-lapsed-line = { $name }: peer certification lapsed on { $date }.
training-certification-lapsed-record = Open their record

## The competency matrix

matrix-title = Competency matrix
matrix-lede = What each person’s role requires and how it stands today. Gaps are marked in words as well as colour.
matrix-program = Program
matrix-all-programs = All programs
matrix-position = Position
matrix-all-positions = All positions
matrix-gaps-only = Only people with gaps
matrix-filter = Show
matrix-download-csv = Download CSV
matrix-summary = Showing { $shown } of { $team } staff · { $gaps } with gaps.
matrix-none = No staff match this filter.
matrix-caption = Staff by requirement: met, expiring, missing or expired, or not required for their role.
matrix-person = Staff member
matrix-gaps = Gaps
matrix-column-gaps = People with a gap
matrix-met = Met
matrix-expiring = Expiring
matrix-expired = Expired
matrix-missing = Missing
matrix-not-required = Not required
matrix-legend-met = met (hover or focus for the date)
matrix-legend-expiring = still met, but due soon
matrix-legend-gap = a gap to close
matrix-legend-not-required = not required for their role
matrix-csv-name = Name
matrix-csv-positions = Positions
matrix-csv-gaps = Gaps
