# readiness: why a record of the organisation falls short of an evidence measure (logic models,
# staff, groups, directory, crisis procedure, feedback and participation).

readiness-why-logic-model-missing = This active program has no logic model.
readiness-why-logic-model-gaps = The logic model has { $count ->
    [one] 1 gap
   *[other] { $count } gaps
}: { $gaps }.
readiness-why-outcome-areas-few = Outcomes cover { $found ->
    [one] 1 outcome area
   *[other] { $found } outcome areas
}; at least 2 are needed.

readiness-why-staff-not-qualified = No human-services degree, or training with enough experience (for peer staff, training with lived experience), is recorded.
readiness-why-supervisor-gaps = Supervisor requirements not met: { $gaps }.
readiness-why-staff-missing-training = Training missing: { $gaps }.
readiness-why-peer-certification-missing = No peer certification is recorded.
readiness-why-peer-certification-expired = The peer certification expired on { $since }.
readiness-why-peer-role-gaps = Peer role not documented: { $gaps }.
readiness-why-peer-supervision-never = No supervision or peer mentoring is recorded.
readiness-why-peer-supervision-lapsed = The last supervision or peer mentoring was on { $last }.
readiness-why-peer-training-gaps = Peer training not current: { $gaps }.
readiness-why-prsc-competency-gaps = { $count ->
    [one] 1 PRSC knowledge area or skill
   *[other] { $count } PRSC knowledge areas or skills
} not covered: { $gaps }.
readiness-why-facilitator-not-ready = Group-leadership skills not covered: { $missing }.
readiness-why-workload-review-never = No workload review yet; one was due on { $due }.
readiness-why-workload-review-overdue = The workload review was due on { $due } ({ $days ->
    [one] 1 day overdue
   *[other] { $days } days overdue
}).

readiness-why-group-schedule-gaps = { $missing } of { $sessions } past sessions are not on record as held with attendance or cancelled with a reason (the first on { $first }).
readiness-why-group-no-curriculum = The group follows no curriculum.
readiness-why-session-no-log = No session log was written for the session on { $date }.
readiness-why-session-log-incomplete = The log of the session on { $date } lacks the topics covered or the group's progress or adaptations.
readiness-why-group-no-leadership = No member took a leadership role in the { $sessions ->
    [one] session
   *[other] { $sessions } sessions
} held.
readiness-why-group-no-feedback = No member feedback was recorded for the { $sessions ->
    [one] session
   *[other] { $sessions } sessions
} held.

readiness-why-resource-missing-facts = Missing: { $facts }.
readiness-why-resource-never-verified = Never verified with the provider.
readiness-why-resource-verification-stale = Last verified on { $verified }, more than { $months } months ago.

readiness-why-crisis-procedure-missing = No written crisis procedure is recorded.
readiness-why-crisis-procedure-sections = Sections with no text: { $sections }.
readiness-why-crisis-procedure-old = Last approved on { $approved }, more than 12 months ago.

readiness-why-site-never-reviewed = The site's welcoming environment has never been reviewed.
readiness-why-site-review-old = The last welcoming review was on { $reviewed }, more than 12 months ago.
readiness-why-site-checklist-short = In the review of { $reviewed }, { $count ->
    [one] 1 checklist item was
   *[other] { $count } checklist items were
} not fully met.
readiness-why-feedback-unanswered = No response yet; it was due on { $due } ({ $days ->
    [one] 1 day ago
   *[other] { $days } days ago
}).
readiness-why-feedback-answered-late = Answered on { $responded }, { $days ->
    [one] 1 day
   *[other] { $days } days
} after it was due ({ $due }).
readiness-why-changes-not-published = No "you said, we did" change was published in { $quarters }.
readiness-why-rules-drafting-missing = Version { $version } of the rules does not record how participants took part in drafting it.
readiness-why-advisory-meetings-missing = No advisory meeting attended by participants was held in { $quarters }.
