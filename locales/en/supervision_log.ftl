## Supervision and peer-mentoring log (CSE 2.06d) and the team's supervision gaps.

supervision-log-title = Supervision and mentoring
supervision-log-lede = Supervision and peer-mentoring sessions, newest first. People whose cases were reviewed are named only to readers whose caseload includes them; notes are read only by the staff member, their supervisor, the director over their programs and whoever led the session.
supervision-log-standing = Where things stand
supervision-log-last-supervision = Last supervision
supervision-log-last-mentoring = Last peer mentoring
supervision-log-never = None recorded yet
supervision-log-days-ago = { $days ->
    [0] today
    [one] 1 day ago
   *[other] { $days } days ago
}
supervision-log-current = Within the interval
supervision-log-gap-supervision = No supervision in the last { $days } days
supervision-log-gap-mentoring = No peer mentoring in the last { $days } days
supervision-log-mentoring-not-expected = Not expected for this role

supervision-log-mentor-title = Mentor a colleague
supervision-log-mentor-hint = As a peer specialist you can log peer-mentoring sessions you lead with a colleague. Choose who, then fill in the form on their page.
supervision-log-mentee = Colleague
supervision-log-mentee-go = Go to their log

supervision-log-new = Log a session
supervision-log-kind = Kind of session
supervision-log-kind-hint = Peer mentoring is with an experienced peer; supervision is with a supervisor, alone or in a group.
supervision-log-held-on = Date held
supervision-log-minutes = Minutes (optional)
supervision-log-minutes-hint = Roughly how long, for example 60
supervision-log-minutes-value = { $minutes } min
supervision-log-topics = What you covered
supervision-log-topics-hint = Choose all that apply, including self-care and personal triggers when you talked about them.
supervision-log-notes = Notes
supervision-log-notes-hint = Kept private to the staff member, their supervisor and program director. Refer to people by their case, not their story; you can choose whose cases you reviewed below.
supervision-log-notes-private = Notes are private to the staff member, their supervisor and program director.
supervision-log-follow-ups = Follow-ups
supervision-log-follow-ups-hint = What will happen next, and who will do it (optional).
supervision-log-follow-up-due = Follow-ups due by (optional)
supervision-log-people = Cases reviewed
supervision-log-people-hint = Optional. Only people on this staff member's caseload that you can open are listed.
supervision-log-people-none = Nobody on this staff member's caseload that you can open.
supervision-log-other-people = { $count ->
    [one] 1 person on another caseload
   *[other] { $count } people on other caseloads
}
supervision-log-other-people-kept = They stay on the session as they are.
supervision-log-save = Save the session
supervision-log-saved = Session saved.
supervision-log-updated = Session updated.
supervision-log-sessions = Sessions
supervision-log-none = No sessions logged yet.
supervision-log-only-own = You see only the mentoring sessions you led.
supervision-log-led-by = Led by { $name }
supervision-log-edit = Edit this session
supervision-log-edit-title = Edit a session
supervision-log-back = Back to the log
supervision-log-conflict-explained = Someone else saved this session while you were editing. Your changes are still in the form below; the saved session is shown here. Compare them, then save again.
supervision-log-changed-meanwhile = Someone else changed this session first. The log below shows it as it is now; make your change again.

supervision-log-follow-up-due-on = Due { $date }
supervision-log-follow-up-overdue = Overdue since { $date }
supervision-log-follow-up-done-on = Done { $date }
supervision-log-follow-up-done-label = Done on
supervision-log-follow-up-mark = Mark follow-ups done
supervision-log-follow-up-reopen = Not done after all
supervision-log-follow-up-done = Follow-ups marked done.
supervision-log-follow-up-reopened = Follow-ups marked as not done.
supervision-log-follow-ups-overdue-count = { $count ->
    [one] 1 session with overdue follow-ups
   *[other] { $count } sessions with overdue follow-ups
}

supervision-log-gaps-title = Supervision gaps
supervision-log-gaps-lede = Staff who work with people or supervise, with no supervision in the last { $supervision } days (peer specialists: no peer mentoring in the last { $mentoring } days), or with follow-ups overdue. Longest gap first.
supervision-log-gaps-private = This list shows dates only: notes and the people discussed stay in each person's log.
supervision-log-gaps-none = { $count ->
    [one] The 1 staff member checked has had supervision within the interval, with nothing overdue.
   *[other] All { $count } staff members checked have had supervision within the interval, with nothing overdue.
}
supervision-log-gaps-count = { $count ->
    [one] 1 staff member needs attention
   *[other] { $count } staff members need attention
}
supervision-log-gaps-staff = Staff member

supervision-log-error-kind-required = Choose the kind of session
supervision-log-error-kind-unknown = Choose individual supervision, group supervision or peer mentoring
supervision-log-error-date-required = Enter the date the session was held
supervision-log-error-future = The session cannot be after today ({ $today })
supervision-log-error-too-old = Check the year: that date is more than 10 years ago
supervision-log-error-minutes = Enter the minutes as a whole number more than 0, like 60
supervision-log-error-minutes-long = Use { $max } minutes or fewer. Check for a typing slip
supervision-log-error-topics-required = Choose at least one topic you covered
supervision-log-error-topic-unknown = Unknown topic: { $codes }. Choose from the topics listed
supervision-log-error-due-without-follow-up = Write the follow-ups before giving them a due date
supervision-log-error-due-before-session = Follow-ups cannot be due before the session was held
supervision-log-error-done-before-session = Follow-ups cannot be done before the session was held
supervision-log-error-no-follow-up = This session has no follow-ups to mark done
supervision-log-error-person-unknown = A person chosen could not be found. Choose from the list
supervision-log-error-person-not-reachable = You can only name people on caseloads you can open. Choose from the list
supervision-log-error-too-many-people = Name at most { $max } people on one session
supervision-log-error-nothing-to-change = Send the session's details or its follow-up status to change

supervision-kind-individual = Individual supervision
supervision-kind-group = Group supervision
supervision-kind-peer-mentoring = Peer mentoring

supervision-topic-caseload-review = Caseload review
supervision-topic-self-care = Self-care and wellness
supervision-topic-triggers = Personal triggers
supervision-topic-boundaries-ethics = Boundaries and ethics
supervision-topic-recovery-story = Sharing one's recovery story
supervision-topic-crisis-debrief = Debrief after a crisis
supervision-topic-workload = Workload
supervision-topic-training-goals = Training and growth
supervision-topic-role-clarity = The peer role
supervision-topic-other = Something else
