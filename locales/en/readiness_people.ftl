# readiness: why a person-level record falls short of an evidence measure (intake, risk, plans,
# contacts, referrals, outcomes). People are named by record number only.

readiness-why-race-not-recorded = Served in the period with neither race nor ethnicity recorded (a declined answer would count).
readiness-why-request-not-screened = Received on { $received } with no screening decision recorded.
readiness-why-request-no-offer = Received on { $received }: fit was recorded, but not what was offered or when.
readiness-why-intake-late = First service came after { $days ->
    [one] 1 day
   *[other] { $days } days
}; the target is { $target }.
readiness-why-intake-waiting = Still waiting for a first service after { $days ->
    [one] 1 day
   *[other] { $days } days
}; the target is { $target }.
readiness-why-request-not-redirected = Received on { $received } and not served, with no waiting-list place or referral elsewhere.
readiness-why-risk-not-screened = Started on { $started } with no risk screen within 30 days.
readiness-why-risk-no-response = A { $level } risk result with no response recorded.
readiness-why-no-safety-plan = An elevated risk result in the period, and no safety plan.
readiness-why-no-progress-note = Enrolled in individual support with no contact note in the period.
readiness-why-no-agreed-plan = Enrolled 30 days or more with no agreed recovery plan.
readiness-why-plan-no-goals = The plan has no goals in the person's own words{ $others ->
    [0] .
   *[other] , and { $others } other gaps.
}
readiness-why-plan-no-strengths = The plan records no strengths{ $others ->
    [0] .
   *[other] , and { $others } other gaps.
}
readiness-why-plan-no-barriers = The plan records no barriers or unmet needs{ $others ->
    [0] .
   *[other] , and { $others } other gaps.
}
readiness-why-plan-no-agreement = The person's agreement to the plan is not recorded.
readiness-why-plan-review-late = The plan was reviewed { $days ->
    [one] 1 day
   *[other] { $days } days
} after the 90 days.
readiness-why-plan-review-overdue = The plan review is { $days ->
    [one] 1 day
   *[other] { $days } days
} overdue.
readiness-why-goals-not-evaluated = No review in the period records progress on the plan's goals.
readiness-why-mutual-aid-time-place-only = Mutual-aid connection on { $date } with no help recorded beyond a time and place.
readiness-why-no-opportunity = No opportunity to volunteer, lead or give peer support offered in the period.
readiness-why-contact-months-missed = No contact in { $count ->
    [one] 1 month
   *[other] { $count } months
}: { $months }.
readiness-why-no-face-to-face = Coached in the period without a face-to-face contact.
readiness-why-note-guardrail = The note of { $date } has a guardrail warning left unresolved.
readiness-why-outcome-intake-missing = The intake outcome measures were not taken.
readiness-why-outcome-review-overdue = A periodic outcome measure is overdue.
readiness-why-referral-late = Referred { $days ->
    [one] 1 day
   *[other] { $days } days
} after the need was identified; the target is 2 working days.
readiness-why-referral-no-outcome = Follow-up due { $days ->
    [one] 1 day
   *[other] { $days } days
} ago, and no outcome recorded.
