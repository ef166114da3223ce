# Accreditation evidence for groups: the schedule of the past 12 months with attendance counts,
# and every curriculum in full. Ids start with evidence- (errors with error-evidence-); yes and no
# come from people.ftl (answer-yes, answer-no).

evidence-title = Evidence for groups
evidence-lede = What a reviewer asks to see on site: every group session of the past 12 months and the curricula the groups follow.

## The schedule

evidence-schedule-title = Group schedule
evidence-schedule-lede = Every session in the period: held, cancelled, moved, or past with nothing recorded, with attendance counts and whether a session log was written.
evidence-no-names = Counts only: no one the groups serve is named in this report.
evidence-from = From
evidence-to = To
evidence-program = Program
evidence-all-programs = All programs
evidence-all-groups = All groups
evidence-show = Show
evidence-download-csv = Download CSV
evidence-printable = Printable version
evidence-totals = Totals
evidence-by-group = By group
evidence-every-session = Every session
evidence-sessions = Sessions
evidence-moved = Moved
evidence-average-attendance = Average attendance
evidence-logs-percent = Logs written
evidence-no-groups = No groups match these filters.
evidence-no-sessions = No sessions in this period.
evidence-unrecorded-warning = { $count ->
    [one] 1 past session has no attendance and no log: a gap in the record. Record it, or cancel it with a reason.
   *[other] { $count } past sessions have no attendance and no log: gaps in the record. Record them, or cancel them with a reason.
}
evidence-date = Date
evidence-time = Time
evidence-start = Start
evidence-end = End
evidence-group = Group
evidence-facilitators = Facilitators
evidence-location = Room or online
evidence-online = Online
evidence-status = Status
evidence-cancel-reason = Reason cancelled
evidence-moved-from = Moved from
evidence-members-present = Members present
evidence-drop-ins = drop-ins
evidence-anonymous = not named
evidence-attendance = Attendance
evidence-log-written = Log written
evidence-curriculum-session = Curriculum session
evidence-status-held = Held
evidence-status-cancelled = Cancelled
evidence-status-unrecorded = No record
evidence-status-upcoming = Upcoming

## Curricula

evidence-curricula-title = Curricula
evidence-curricula-lede = Every curriculum with its current version, how many sessions it has and the groups following it.
evidence-no-curricula = No curricula yet.
evidence-print-all-curricula = Print all current curricula
evidence-curriculum = Curriculum
evidence-current-version = Current version
evidence-version = Version { $number }
evidence-session-count = Sessions
evidence-session-total = { $count ->
    [one] 1 session
   *[other] { $count } sessions
}
evidence-groups-following = Groups following it
evidence-print = Print
evidence-print-curriculum = Printable curriculum
evidence-printed-on = Printed { $date }
evidence-audience = Who it is for
evidence-objectives = Objectives
evidence-activities = Activities
evidence-materials = Materials

## Errors

error-evidence-period-order = The first day must be on or before the last day.
error-evidence-period-too-long = Choose a period of at most three years.
error-evidence-unknown-program = Choose a program from the list.
error-evidence-unknown-group = Choose a group from the list.
