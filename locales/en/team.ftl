## Staff personnel records (CSE 2): the team list, a staff member's record, profile, degrees, certifications.

nav-team = Team
team-record-sections = Sections of this staff record
team-tab-overview = Overview
team-tab-training = Training
team-tab-supervision = Supervision
team-tab-workload = Workload

## The team list
team-title = Team
team-lede = The people whose personnel records you keep or review: what their roles require, what is missing and whose certification needs attention.
team-filter-label = Narrow the team list
team-program = Program
team-all-programs = All programs
team-position = Position
team-all-positions = All positions
team-gaps-only = Only people with gaps
team-filter = Show
team-filter-clear = Show everyone
team-count = { $count ->
    [one] 1 person
   *[other] { $count } people
}
team-none-match = Nobody on your team matches these choices.
team-empty = There is nobody on your team yet.
team-name = Name
team-positions = Positions
team-programs = Programs
team-supervisor = Supervisor
team-gaps = Gaps
team-certification = Certification
team-record = Record
team-open = Open
team-open-record = Open the record of { $name }
team-gap-count = { $count ->
    [0] No gaps
    [one] 1 gap
   *[other] { $count } gaps
}
team-certification-flag-expired = Certification expired
team-certification-flag-expiring = Certification expiring
team-no-positions = No position recorded
team-none = None
team-not-recorded = Not recorded
team-yes = Yes
team-no = No
team-choose = Choose…
team-cancel = Cancel

## A staff member's record
team-competency = What their role requires
team-gap-summary = { $count ->
    [0] No gaps: everything their positions require is in place.
    [one] 1 gap to close.
   *[other] { $count } gaps to close.
}
team-expiring-summary = { $count ->
    [one] 1 lapses soon.
   *[other] { $count } lapse soon.
}
team-no-requirements = No position is recorded, so nothing is required yet.
team-standard-cse = CSE { $standard }
team-standard-prsc = Peer Recovery Support Coaching (knowledge and skills)
team-standing-met = Met
team-standing-met-on = Met · { $date }
team-standing-expiring = Lapses soon
team-standing-expiring-until = Lapses after { $date }
team-standing-expired = Lapsed
team-standing-expired-since = Lapsed on { $date }
team-standing-missing = Missing
team-profile = Profile

## Positions
position-direct-service = Direct service
position-peer-specialist = Peer specialist / recovery coach
position-group-facilitator = Group facilitator
position-referral-specialist = Referral specialist
position-supervisor = Supervisor
position-program-manager = Program manager

## The profile
profile-edit = Edit profile
profile-save = Save profile
profile-saved = Profile saved.
profile-changed-meanwhile = Someone else saved this profile while you were editing it. It is shown below as it now stands: make your changes again and save.
profile-section-role = Role and position
profile-section-role-hint = Recorded by their supervisor, the director of their program or an administrator.
profile-manager-part = Their supervisor records these. Ask them if something here is wrong.
profile-positions-hint = Choose every position they hold. With none chosen, positions follow their sign-in roles.
profile-start-date = Start date
profile-job-description-version = Job description version
profile-job-description-version-hint = As printed on the job description, for example 2026-01. A new version asks the staff member to acknowledge it again.
profile-role-understanding-confirm = Their understanding of the peer role is confirmed
profile-role-understanding-hint = Tick after talking through the role with them. Today's date and your name are recorded.
profile-section-own = In their own words
profile-section-own-hint = The staff member states these; a supervisor may record them on their behalf.
profile-experience = Relevant experience
profile-experience-years = Years of relevant experience
profile-experience-years-hint = Paid or volunteer work delivering these kinds of services. Decimals are fine, for example 2.5.
profile-experience-value = { $years ->
    [one] 1 year
   *[other] { $years } years
}{ $months ->
    [0] {""}
    [one] , 1 month
   *[other] , { $months } months
}
profile-lived-experience = Lived experience
profile-lived-experience-question = Do you have lived experience of recovery?
profile-lived-experience-hint = A yes or no is all that is recorded, with the date. No details are asked for or kept.
profile-lived-experience-yes = Yes, I attest to lived experience of recovery
profile-lived-experience-no = No, or I prefer not to attest
profile-lived-experience-question-other = Has this staff member attested to lived experience of recovery?
profile-lived-experience-yes-other = Yes, they attest to lived experience of recovery
profile-lived-experience-no-other = No, or they prefer not to attest
profile-lived-experience-attested = Attested
profile-lived-experience-attested-on = Attested on { $date }
profile-lived-experience-not-attested = Not attested
profile-shares-story = Shares their recovery story
profile-shares-story-question = Are you willing to share your recovery story where it helps someone?
profile-shares-story-question-other = Are they willing to share their recovery story where it helps someone?
profile-shares-story-hint = Sharing is always a choice in the moment; this records a general willingness.
profile-story-yes = Yes, willing to share
profile-story-no = No
profile-story-not-said = Not said
profile-job-description = Job description
profile-job-description-acknowledged-on = Version { $version }, acknowledged on { $date }
profile-job-description-not-acknowledged = Version { $version }, not acknowledged yet
profile-job-description-none = No version recorded
profile-job-description-none-yet = No job description version has been recorded yet, so there is nothing to acknowledge.
profile-job-description-acknowledge = I have read and understood job description version { $version }
profile-job-description-acknowledge-other = They have read and understood job description version { $version }
profile-job-description-acknowledge-hint = Today's date is recorded with the version.
profile-role-understanding = Understanding of the peer role
profile-role-understanding-confirmed-on = Confirmed on { $date } by { $name }
profile-role-understanding-not-confirmed = Not confirmed yet

## Degrees
degrees-title = Degrees
degrees-none = No degree recorded.
degree-new = Add a degree
degree-save = Save degree
degree-added = Degree added.
degree-removed = Degree removed.
degree-remove = Remove
degree-remove-named = Remove { $degree }
degree-level = Level
degree-field = Field of study
degree-field-hint = For example social work, psychology or addiction studies.
degree-human-services-question = Is this a human-services field?
degree-human-services-hint = Such as social work, counselling, psychology, human services, nursing or addiction studies.
degree-human-services = Human-services field
degree-not-human-services = Not a human-services field
degree-institution = School or college
degree-completed-year = Year completed
degree-completed-year-hint = Leave empty if you do not know it.
degree-level-certificate = Certificate or diploma
degree-level-associate = Associate degree
degree-level-bachelor = Bachelor's degree
degree-level-master = Master's degree
degree-level-doctorate = Doctorate

## Certifications
certifications-title = Certifications
certifications-none = No certification recorded.
certification-new = Add a certification
certification-edit = Edit
certification-edit-named = Edit { $name }
certification-save = Save certification
certification-added = Certification added.
certification-saved = Certification saved.
certification-removed = Certification removed.
certification-remove = Remove
certification-remove-named = Remove { $name }
certification-changed-meanwhile = Someone else changed this certification while you were editing it. It is shown below as it now stands: make your changes again and save.
certification-kind = Kind
certification-kind-hint = Any of the peer kinds counts as the peer certification CSE 2.06 asks for.
certification-name = Name on the certificate
certification-name-hint = For example Certified Recovery Coach.
certification-jurisdiction = Issuing state or province
certification-jurisdiction-hint = Its two-letter code, for example ME for Maine or ON for Ontario.
certification-number = Certificate number
certification-number-value = No. { $number }
certification-issued-on = Issued on
certification-expires-on = Expires on
certification-expires-on-hint = Leave empty if it does not expire.
certification-dates = Issued { $issued } · expires { $expires }
certification-dates-no-expiry = Issued { $issued } · does not expire
certification-file = A copy of the certificate
certification-file-replace = Replace the copy
certification-file-hint = A PDF, PNG or JPEG of at most { $max }. Optional.
certification-file-remove = Remove the copy on file
certification-copy = Copy
certification-no-copy = No copy on file.
certification-expired-tag = Certification expired
certification-state-in-force = In force
certification-state-expiring = Expires within 60 days
certification-state-expired = Expired
certification-state-superseded = Replaced by a newer one
certification-kind-peer-recovery = Peer recovery
certification-kind-peer-support = Peer support
certification-kind-family-peer = Family peer
certification-kind-peer-supervisor = Peer supervisor
certification-kind-other = Other

## Checks on a record (besides training)
check-qualification = Qualified for direct service: a human-services associate degree, or training with experience (for peers, with lived experience)
check-supervisor-experience = Two years delivering these services
check-supervisor-degree = A human-services bachelor's degree, or experience and supervision training in its place
check-peer-certification = A peer certification in force
check-lived-experience = Lived experience of recovery attested
check-shares-story = Willing to share their recovery story
check-job-description = Current job description acknowledged
check-role-understanding = Understanding of the peer role confirmed by a supervisor
check-supervision-current = Supervision within the organisation's interval
check-peer-mentoring = Mentoring by an experienced peer within the organisation's interval
check-pre-service = Pre-service training on the peer topics
check-in-service = In-service training on the peer topics within the year

## Errors
error-profile-manager-only = Only their supervisor, the director of their program or an administrator can change this
error-profile-experience = Enter the years as a number from 0 to { $max }, for example 2.5
error-profile-start-date-range = Enter a start date after 1950 and no more than a year from today
error-profile-no-job-description = There is no job description version to acknowledge yet; ask your supervisor to record it
error-degree-human-services = Say whether the field of study is a human-services field
error-degree-year = Enter the year completed, from { $min } to { $max }
error-certification-jurisdiction = Enter the two-letter code of a US state or Canadian province, for example ME or ON
error-certification-issued-future = The issue date cannot be in the future
error-certification-expiry-before-issue = The expiry date must be after the issue date
error-certification-file-type = Upload a PDF, PNG or JPEG file
error-certification-file-too-big = The file is too large: upload one of at most { $max }
error-certification-file-empty = The file is empty; choose the file again
