# Education and support groups: the list, a group's page and form, facilitators and their
# readiness, schedules, cancelled, moved and extra sessions, members' availability, calendar
# feeds and the public page of open groups. Also the labels of every group code (other group
# pages rely on them).
#
# Ids used here but defined elsewhere: save, cancel, remove, choose (shell.ftl),
# error-conflict (errors.ftl), error-changed-meanwhile (coaching.ftl), schedule-describe-* and
# error-schedule-* (schedule.ftl).

nav-groups = Groups

## Codes

group-kind-education = Education group
group-kind-support = Support group
group-kind-peer-recovery = Peer recovery group
group-kind-workshop = Workshop
group-kind-class = Class
group-kind-health-wellness = Health and wellness group

focus-area-crisis-recovery = Recovering from crises
focus-area-transitions = Coping with transitions
focus-area-goals = Setting and reaching goals
focus-area-life-skills = Life skills
focus-area-support-networks = Building support networks
focus-area-supportive-resources = Finding supportive resources
focus-area-community-family = Community and family patterns
focus-area-daily-stress = Handling everyday stress
focus-area-role-competency = Confidence in life roles
focus-area-relapse-prevention-wellness = Relapse prevention and wellness
focus-area-recovery-life-goals = Recovery and life goals
focus-area-networks-resources = Support networks and resources
focus-area-health-wellness = Health and wellness

audience-individuals = Individuals
audience-families = Families
audience-youth = Youth
audience-young-adults = Young adults
audience-older-adults = Older adults
audience-women = Women
audience-men = Men
audience-lgbtq = LGBTQ+ people
audience-veterans = Veterans
audience-justice-involved = People involved with the justice system

membership-open = Open (newcomers and drop-ins welcome)
membership-closed = Closed (enrolled members only)

capacity-rule-warn = Warn when full (the facilitator may go over)
capacity-rule-refuse = Refuse when full

group-status-active = Active
group-status-paused = Paused
group-status-ended = Ended

session-status-scheduled = Scheduled
session-status-held = Held
session-status-cancelled = Cancelled

attendance-status-present = Present
attendance-status-absent = Absent
attendance-status-excused = Excused

facilitator-role-lead = Lead facilitator
facilitator-role-co-facilitator = Co-facilitator

readiness-area-engaging-members = Engaging and motivating members
readiness-area-dynamics-safety = Group dynamics and safety
readiness-area-leading-discussion = Leading discussion
readiness-area-facilitating-activities = Facilitating activities

leadership-role-co-facilitating = Co-facilitated
leadership-role-welcoming-newcomers = Welcomed newcomers
leadership-role-sharing-story = Shared their story
leadership-role-leading-activity = Led an activity
leadership-role-setting-up = Set up the room
leadership-role-other = Other responsibility

session-opportunity-sharing-experience = Sharing experience
session-opportunity-meeting-difference = Relating to people unlike themselves
session-opportunity-building-relationships = Building relationships in the group
session-opportunity-leadership = Taking on responsibility or leadership
session-opportunity-activities-of-interest = Activities of interest

feedback-source-facilitator = Recorded by the facilitator
feedback-source-member = Given by the member

day-part-morning = Morning
day-part-afternoon = Afternoon
day-part-evening = Evening

curriculum-status-active = In use
curriculum-status-retired = Retired

member-status-active = Active
member-status-left = Left

groups-weekday-mo = Monday
groups-weekday-tu = Tuesday
groups-weekday-we = Wednesday
groups-weekday-th = Thursday
groups-weekday-fr = Friday
groups-weekday-sa = Saturday
groups-weekday-su = Sunday
groups-weekday-short-mo = Mon
groups-weekday-short-tu = Tue
groups-weekday-short-we = Wed
groups-weekday-short-th = Thu
groups-weekday-short-fr = Fri
groups-weekday-short-sa = Sat
groups-weekday-short-su = Sun

## The list

groups-title = Groups
groups-new = New group
groups-none = No groups match. Change the filter, or start a new group.
groups-all-programs = All programs
groups-all-statuses = All statuses
groups-filter = Show
groups-public-page = Public page of open groups

## A group's fields

group-program = Program
group-name = Name
group-kind = Kind of group
group-focus-areas = Focus areas
group-focus-areas-hint = What the group works on, from your accreditation edition's list. Choose at least one.
group-audience = Who it is for
group-description = Public description
group-description-hint = A few sentences for people deciding whether to come. Shown on the public page when the group is listed; no names or personal details.
group-membership = Membership
group-capacity = Capacity
group-capacity-hint = The most members at once, 1 to 500. Leave empty for no limit.
group-capacity-rule = When the group is full
group-capacity-none = No limit
group-language = Language
group-default-language = English
group-where = Where it meets
group-where-hint = Choose a site, give an online link, or both.
group-site = Site
group-no-site = No site (online only)
group-room = Room
group-online-link = Online link
group-online-link-hint = A secure link starting with https://. Only members and facilitators see it, in the group's own calendar feed.
group-online = Online
group-peer-led = Led by peers
group-peer-led-hint = Facilitated by people with lived experience of recovery.
group-peer-led-note = This group is peer-led: the peer-support standards apply to it as well (voice and choice for members, peer roles, supervision and mentoring of peer facilitators).
group-listed-publicly = List on the public page of open groups
group-listed-publicly-hint = Only active, open groups are shown there: name, kind, focus, audience, language, description, schedule and site. Never members, rooms or online links.
group-listed-tag = Listed publicly
group-curriculum = Curriculum
group-curriculum-hint = The group follows the version that is current when the curriculum is chosen, and keeps it while newer versions are written.
group-curriculum-use-current = Move the group to the curriculum's current version ({ $version })
group-no-curriculum = No curriculum
group-curriculum-version = version { $version }
group-status = Status

## Creating and editing

group-new-title = New group
group-edit-title = Edit group
group-edit = Edit group
group-created = Group created. Add its facilitators and schedule next.
group-saved = Group saved.
group-conflict-explained = Someone saved this group while you were editing. Your changes are below and nothing was saved. Look at the saved group, then save again to keep your version.
group-conflict-see-saved = Open the saved group (new tab)

## A group's page

group-details = Details
group-members = Members
group-minutes = { $minutes } minutes
group-schedule = Schedule
group-schedules = Schedules
group-no-schedule = No schedule yet
group-next-session = Next session
group-facilitators = Facilitators
group-no-facilitators = No facilitators yet
group-volunteer = peer volunteer
group-warning-no-facilitator = This group has no facilitator.
group-warning-readiness = Missing group-leadership skills: { $list }
group-readiness-warning-tag = Readiness
group-readiness-heading = Facilitator readiness
group-readiness-missing = { $name } has no attested skill in: { $missing }.
group-readiness-explained = Group leaders need four skills: engaging and motivating members, group dynamics and safety, leading discussion, and facilitating activities. A supervisor or program director records them on the readiness page.
group-facilitator-add = Add a facilitator
group-facilitator-staff = Staff member
group-facilitator-volunteer = Or a trained peer volunteer (name)
group-facilitator-volunteer-hint = For volunteers without a sign-in. Leave the staff member empty.
group-facilitator-role = Role
group-facilitator-added = Facilitator added.
group-facilitator-added-unready = { $name } was added, but has no attested skill in: { $missing }. Ask a supervisor to record their readiness.
group-facilitator-removed = Facilitator removed.
group-facilitator-remove-confirm = Remove this facilitator from the group?
group-schedule-add = Add a schedule
group-schedule-edit = Change
group-schedule-end = End schedule
group-schedule-end-confirm = End this schedule? No more sessions will come from it; past sessions stay.
group-schedule-ended = Schedule ended.
group-schedule-ended-tag = Ended
group-schedule-saved = Schedule saved.
group-upcoming = Coming sessions (next 8 weeks)
group-recent = Recent sessions (last 4 weeks)
group-no-upcoming = No sessions planned
group-no-recent = No sessions in the last 4 weeks
group-session-when = When
group-session-status = Status
group-session-change = Cancel or move
group-session-moved-tag = Moved
group-session-add = Add an extra session
group-session-add-lede = A one-off session outside the group's schedule, such as a make-up session or a special event.
group-session-added = Extra session added.
group-availability-title = Members' availability
group-availability-lede = When members say they are free, and the times most of them can make.
group-availability-open = See availability and the best times
group-calendar-title = Calendar feed
group-calendar-lede = Members and facilitators can subscribe to the group's sessions in their phone or computer calendar; cancellations and moves show up there by themselves.
group-calendar-address = Calendar address
group-calendar-subscribe = Subscribe
group-calendar-copy = Copy address
group-calendar-copied = Copied
group-calendar-secret = Share this address only with the group: anyone who has it sees the sessions, the rooms and the online link.
group-on-public-page = This group is on the public page of open groups.
group-back = Back to the group

## Overlaps

group-overlap-heading = Other groups meet at the same time
group-overlap-room = { $group } uses the same room on { $when }.
group-overlap-facilitator = { $group } on { $when } has the same facilitator, { $name }.
group-overlap-more = …and { $count } more.
group-overlap-confirm = Save anyway

## One session

group-session-change-title = Cancel or move a session
group-session-originally = originally { $when }
group-session-cancel-title = Cancel this session
group-session-cancel-reason = Reason
group-session-cancel-reason-hint = Members and the 12-month schedule show it, for example "Facilitator ill" or "Building closed".
group-session-cancel-reason-was = Cancelled: { $reason }
group-session-cancel = Cancel session
group-session-cancelled = Session cancelled.
group-session-move-title = Move this session
group-session-move-hint = It stays the same session of the schedule, held at another time or in another room.
group-session-date = Date
group-session-time = Start time
group-session-topic = Topic
group-session-room-hint = Leave empty for the group's usual room.
group-session-move = Move session
group-session-moved = Session moved.
group-session-restore-title = Hold this session after all
group-session-restore-hint = The session goes back into the schedule as planned.
group-session-restore = Restore session
group-session-restored = Session restored.

## Availability

group-availability-answered = { $answered } of { $members } members said when they are free.
group-best-slots = Best times
group-best-slots-none = No member has said when they are free yet.
group-members-free = { $count ->
    [one] 1 member free
   *[other] { $count } members free
}
group-schedule-fit = Who can make the current schedule
group-availability-grid = Members free, by day and time
group-weekday = Day
group-availability-members = Members
group-availability-no-members = The group has no active members.
group-availability-not-stated = Not said yet
group-availability-member-title = Availability
group-availability-member-heading = When { $name } is free
group-availability-member-lede = Tick the times the member can usually come. Morning is before noon, afternoon before 5 pm, evening after.
group-availability-saved = Availability saved.

## Schedule form

schedule-form-new-title = Add a schedule
schedule-form-edit-title = Change the schedule
schedule-form-conflict = Someone changed this schedule while you were editing. Your changes are below and nothing was saved; save again to keep them.
schedule-form-frequency = How often
schedule-form-frequency-once = Once
schedule-form-frequency-weekly = Every week (or every few weeks)
schedule-form-frequency-monthly-weekday = Monthly on a weekday (e.g. the first Tuesday)
schedule-form-frequency-monthly-date = Monthly on a date (e.g. the 15th)
schedule-form-frequency-custom = Custom rule (RRULE)
schedule-form-starts-on = First date
schedule-form-starts-on-hint = The schedule starts on its first session on or after this date.
schedule-form-start-time = Start time
schedule-form-minutes = Length in minutes
schedule-form-interval = Repeat every
schedule-form-interval-hint = 1 for every week or month, 2 for every other, up to 12.
schedule-form-weekdays = On these days (weekly)
schedule-form-monthly-weekday = Which weekday of the month (monthly on a weekday)
schedule-form-week-of-month = Week
schedule-form-week-1 = First
schedule-form-week-2 = Second
schedule-form-week-3 = Third
schedule-form-week-4 = Fourth
schedule-form-week-last = Last
schedule-form-weekday = Weekday
schedule-form-month-day = Day of the month (monthly on a date)
schedule-form-month-day-hint = 1 to 31 (months without that day are skipped), or -1 for the last day.
schedule-form-rrule = Rule (custom)
schedule-form-rrule-hint = An iCalendar RRULE such as FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10, as calendar apps export it.
schedule-form-ends = When it ends
schedule-form-ends-hint = Give a last date or a number of sessions, or leave both empty to repeat until the schedule is ended.
schedule-form-until = Last date
schedule-form-count = Number of sessions
schedule-form-room = Room
schedule-form-room-hint = Leave empty for the group's usual room.

## Readiness

readiness-title = Facilitator readiness
readiness-lede = Group leaders need four skills before they lead groups: engaging and motivating members, group dynamics and safety, leading discussion, and facilitating activities. The latest attestation for each facilitator counts.
readiness-no-facilitators = No facilitators yet.
readiness-ready = Ready
readiness-missing = Missing: { $missing }
readiness-none = No skills attested
readiness-shown = Skills shown: { $areas }
readiness-groups = Groups
readiness-history = { $count ->
    [one] 1 attestation
   *[other] { $count } attestations
}
readiness-attest-for = Record an attestation
readiness-attest-title = Record an attestation
readiness-attest-hint = Tick the skills you have seen this facilitator show, for example in an observed session or training. Untick everything and add a note to withdraw readiness.
readiness-who = Facilitator
readiness-staff = Staff
readiness-volunteers = Peer volunteers
readiness-new-volunteer = Or a peer volunteer not listed (name)
readiness-new-volunteer-hint = Spell the name as on the group, so the two are matched.
readiness-areas = Skills shown
readiness-note = Note
readiness-note-hint = How you saw these skills, or why readiness is withdrawn.
readiness-record = Record attestation
readiness-recorded = Attestation recorded.

## The public page

groups-public-title = Open groups at { $org }
groups-public-lede = Everyone is welcome to these groups. You do not need to sign up before coming: just come along, or get in touch first if you would like to ask anything.
groups-public-none = There are no open groups listed at the moment.
groups-public-next = Next sessions
groups-public-online = also online (ask us for the link)
groups-public-join = How to join
groups-public-call = Call
groups-public-contact = Ask us to get in touch
groups-public-calendar = Add these groups to your calendar

## Errors

error-group-program-required = Choose the program this group belongs to
error-group-capacity = Enter a capacity from 1 to { $max }, or leave it empty for no limit
error-group-focus-required = Choose at least one focus area
error-group-focus-edition = Choose focus areas from your organisation's list of { $count } (the accreditation edition it is reviewed against)
error-group-audience-required = Choose at least one group of people the group is for
error-group-online-link = Enter a secure link starting with https://, like https://meet.example.org/recovery-group
error-group-place-required = Choose a site, give an online link, or both
error-group-room-without-site = A room needs a site: choose the site too
error-group-facilitator-one = Choose a staff member or type a volunteer's name, not both
error-group-facilitator-required = Choose a staff member or type a volunteer's name
error-group-facilitator-staff = Choose an active staff member of the organisation
error-group-facilitator-twice = This person already facilitates the group
error-group-readiness-note = Tick at least one skill, or add a note explaining why readiness is withdrawn
error-group-cancel-reason = Give a reason for cancelling
error-group-already-cancelled = This session is already cancelled
error-group-cancel-after-attendance = Attendance, a head count, a log or check-out answers have been recorded for this session, so it was held and cannot be cancelled. Correct them first if they were recorded by mistake.
error-group-not-cancelled = Only a cancelled session can be restored
error-group-schedule-ended = This schedule has ended and cannot be changed. Add a new schedule for sessions from now on.
error-group-availability = Choose times from the grid (a weekday and morning, afternoon or evening)
error-group-overlap = { $count ->
    [one] Another group's session overlaps
   *[other] { $count } sessions of other groups overlap
} (same room or a shared facilitator): { $list }. Send again with confirm_overlap set to save anyway.

error-session-not-in-schedule = That session is not on this group's schedule. Open it from the group page.
groups-curricula-link = Curricula
groups-evidence-link = 12-month schedule (evidence)
