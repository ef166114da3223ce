## Workload (CSE 2.08): per worker, the team table, workload reviews, and the personnel settings.

workload-title = Workload
workload-lede = What this staff member carries today, weighted by how much time people need, against the organisation's thresholds. Counts only: no one's details appear here.
workload-measures = Measures
workload-measure = Measure
workload-now = Now
workload-threshold = Threshold
workload-over = Over
workload-weighted-caseload = Weighted caseload
workload-people = People on caseload
workload-contacts = Contacts in the last 30 days
workload-groups = Active groups facilitated
workload-referrals = Open referrals
workload-by-need = People by need level
workload-by-need-hint = High: raised monitoring or an open lapse. Moderate: exploring, early recovery, after a return to use, or not yet set. Low: ongoing or sustained recovery.
workload-weight-each = counts { $weight } each
workload-over-caseload = Weighted caseload over the threshold of { $limit }
workload-over-contacts = Contacts in 30 days over the threshold of { $limit }
workload-over-groups = Active groups over the threshold of { $limit }
workload-over-referrals = Open referrals over the threshold of { $limit }

workload-reviews = Workload reviews
workload-reviews-none = No workload reviews yet.
workload-review = Workload review
workload-review-never-overdue = No review yet: one has been due since { $date }
workload-review-first = No review yet: the first is due by { $date }
workload-review-overdue = Review overdue since { $date }
workload-review-next = Next review by { $date }
workload-review-next-on = next review by { $date }
workload-reviewed-by = Reviewed by { $name }
workload-snapshot = At the time: weighted caseload { $weighted }, { $people } people, { $contacts } contacts in 30 days, { $groups } groups, { $referrals } open referrals.
workload-review-new = Record a workload review
workload-review-new-hint = The measures as they stand now are kept with the review.
workload-reviewed-on = Date of the review
workload-decision = Decision
workload-review-notes = Notes (optional)
workload-review-notes-hint = What was agreed, and why.
workload-next-review-on = Next review by (optional)
workload-review-next-hint = Left empty, the next review falls { $months } months after this one.
workload-review-save = Save the review
workload-review-saved = Workload review saved.

workload-team-title = Team workload
workload-team-lede = Each worker's load today. Rows over a threshold are marked; so are reviews that are due.
workload-team-none = Nobody on your team carries a caseload, groups or referrals yet.
workload-team-over-count = { $count ->
    [one] 1 worker over a threshold
   *[other] { $count } workers over a threshold
}
workload-team-overdue-count = { $count ->
    [one] 1 review due
   *[other] { $count } reviews due
}
workload-worker = Worker
workload-levels-short = { $high } high · { $moderate } moderate · { $low } low
workload-sort = Sort by
workload-sort-weighted = Weighted caseload
workload-sort-name = Name
workload-sort-review = Review due

workload-error-date-required = Enter the date of the review
workload-error-future = The review cannot be after today ({ $today })
workload-error-too-old = Check the year: that date is more than 10 years ago
workload-error-decision-required = Choose what the review decided
workload-error-decision-unknown = Choose one of the decisions listed
workload-error-next-not-after = The next review must be after this one

workload-decision-no-change = No change
workload-decision-reduce-caseload = Reduce the caseload
workload-decision-redistribute = Redistribute work
workload-decision-more-supervision = More supervision or support
workload-decision-training = Training
workload-decision-increase-caseload = Room for more

need-level-high = High need
need-level-moderate = Moderate need
need-level-low = Low need

gap-policy-warn = Warn: assign, and show what is missing
gap-policy-block = Block: refuse until it is met

personnel-settings-title = Personnel settings
personnel-settings-lede = How the organisation checks assignments against training, how often supervision and mentoring are expected, and how workload is weighed.
personnel-settings-read-only = Only administrators and program directors change these settings.
personnel-settings-gap-policy = When someone lacks a required certification or training
personnel-settings-gap-policy-hint = Applies when assigning a coach, a group facilitator or a referral follow-up.
personnel-settings-intervals = Intervals
personnel-settings-supervision-days = Supervision at least every (days)
personnel-settings-supervision-days-hint = 7 to 180 days
personnel-settings-mentoring-days = Peer mentoring at least every (days)
personnel-settings-mentoring-days-hint = 7 to 365 days, for peer specialists
personnel-settings-in-service-months = In-service training at least every (months)
personnel-settings-in-service-months-hint = 1 to 36 months
personnel-settings-pre-service-grace-days = Pre-service training may finish up to (days after starting)
personnel-settings-pre-service-grace-days-hint = 0 to 365 days
personnel-settings-weights = Caseload weights by need level
personnel-settings-weights-hint = How much one person counts towards the weighted caseload, from 0 to 10 (for example 2, 1 and 0.5).
personnel-settings-thresholds = Thresholds
personnel-settings-thresholds-hint = A worker above any of these is flagged for a workload review.
personnel-settings-review-months = Workload review at least every (months)
personnel-settings-review-months-hint = 1 to 24 months
personnel-settings-save = Save the settings
personnel-settings-saved = Personnel settings saved.
personnel-settings-conflict-explained = Someone else saved the settings while you were editing. What you typed is still in the form; the saved settings are below. Check, then save again.
personnel-settings-saved-summary = Saved now: { $policy }; supervision every { $supervision } days; mentoring every { $mentoring } days; weighted caseload threshold { $caseload }; reviews every { $months } months.
personnel-settings-error-range = Enter a whole number from { $min } to { $max }
personnel-settings-error-weight = Enter a weight from 0 to { $max }, like 1.5
personnel-settings-error-threshold = Enter a number more than 0 and no more than { $max }
personnel-settings-error-threshold-whole = Enter a whole number more than 0 and no more than { $max }
personnel-settings-error-gap-policy = Choose warn or block
