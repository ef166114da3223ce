# measures: staff pages (English; other languages fall back to it), and the portal's measure pages
# (translated in es and fr).

measures-title = Measures
measures-lede = Outcome measures and indicators taken with this person, what is due under their programs' schedules, and how their scores have changed.
measures-see-chart = See the chart of their scores over time
measures-due-heading = Due now
measures-due-none = Nothing is due under this person's schedules.
measures-due = Due
measures-overdue-by = { $days ->
    [one] Overdue by 1 day
   *[other] Overdue by { $days } days
}
measures-due-since = Due since { $date }
measures-due-on = Due on { $date }
measures-record-this = Record { $name }
measures-record-other = Record another measure
measures-history-heading = Measurements
measures-history-none = No measurements yet.
measures-meaningful-note = A change of { $points } points or more is meaningful on this measure.
measures-col-date = Taken on
measures-col-occasion = Occasion
measures-col-source = Entered
measures-col-score = Score
measures-col-change = Change since first
measures-col-reading = What it means
measures-meaningful = meaningful change
measures-declined = chose not to answer
measures-screens-heading = Columbia suicide screens
measures-screens-lede = Screens are recorded in the risk-screen form, which carries the response steps; they are listed here to read.
measures-screens-none = No screens recorded.
measures-screens-new = Record a new screen
measures-occasion-intake = Intake
measures-occasion-review = Review
measures-occasion-discharge = Discharge
measures-occasion-other = Other
measures-source-staff = With staff
measures-source-paper = Paper form
measures-source-portal = By the person (portal)
measures-source-staff-long = With the person now
measures-source-paper-long = From a paper form, entered later
measures-source-portal-long = The person answered this themselves in the portal.
measures-record-title = Record a measure
measures-correct-title = Correct this measurement
measures-choose-instrument = Choose what to record.
measures-source-question = How were the answers given?
measures-taken-on = Date taken
measures-taken-on-hint = For a paper form, the date written on it. It cannot be in the future.
measures-occasion = Occasion
measures-occasion-hint = Suggested from the program's schedule.
measures-program = Program
measures-site = Site
measures-none = (none)
measures-declined-label = The person chose not to answer
measures-declined-hint = Counts as offered. Leave the answers empty.
measures-answers = Answers
measures-optional = (optional)
measures-english-only = Shown in English: there is no translation of this question yet.
measures-yes = Yes
measures-no = No
measures-note = Note
measures-reason = Reason for the correction
measures-reason-hint = Kept in the audit trail, e.g. "Answer 4 was typed in the wrong row".
measures-save = Save measure
measures-save-correction = Save correction
measures-recorded = Measure saved.
measures-corrected = Correction saved.
measures-removed = Measurement removed.
measures-conflict-explanation = Someone changed this after you opened it. Your typing is kept below; check the latest version and save again.
measures-declined-shown = The person chose not to answer this time. It counts as offered.
measures-change-since-first = { $change } since their first measurement
measures-remove-title = Remove a measurement entered in error
measures-remove-reason = Why is it being removed?
measures-remove-hint = For example, it was recorded for the wrong person. The reason is kept in the audit trail.
measures-remove = Remove measurement
measures-result-who5-low = A score of 50 or below suggests checking in about low mood. It may help to suggest talking with a doctor.
measures-result-who5-ok = Above 50: no sign of low well-being on this measure.
measures-result-barc-at-cutoff = At or above the cut-off of 47, which is linked with sustained recovery.
measures-result-barc-below = Below the cut-off of 47. Recovery capital can grow over time; compare with earlier scores.
measures-error-future = The date cannot be in the future
measures-error-too-early = The date cannot be before { $date } (the person's birth or shortly before their first enrolment)
measures-error-unknown-instrument = Choose a measure the organisation uses
measures-error-not-enterable = This measure is worked out from records or recorded in its own form, not entered here
measures-error-duplicate-instrument = This measure is listed twice
measures-error-every-days = Enter a number of days from { $min } to { $max }

# schedules
measures-outcomes = Outcomes
measures-schedules-title = Measure schedules
measures-schedules-lede = For each program: which measures are taken at intake, at regular reviews and at discharge. Due measures appear on coaches' worklists and in the person's portal.
measures-schedule-title = Measure schedule
measures-schedule-default-tag = default
measures-schedule-default-note = This program has not saved its own schedule, so it follows the default for programs serving individuals: BARC-10, WHO-5 and days of use at intake, every 90 days and at discharge. Saving the form below makes it the program's own.
measures-schedule-nothing = No measures are scheduled for this program.
measures-schedule-inactive = inactive
measures-schedule-every = Reviews every { $days } days
measures-schedule-periodic-short = Every review
measures-schedule-active = Schedule in use
measures-schedule-active-hint = When unticked, nothing is due for this program.
measures-schedule-every-days = Days between reviews
measures-schedule-every-days-hint = 90 is usual.
measures-schedule-save = Save schedule
measures-schedule-saved = Schedule saved.

# worklist and home
measures-worklist-heading = Measures due
measures-worklist-record = Record
measures-home-due = { $count ->
    [one] measure due on your caseload
   *[other] measures due on your caseload
}
measures-home-overdue = { $count } overdue

# portal (also in es and fr)
measures-portal-title = My check-ins
measures-portal-intro = Short sets of questions about how things are going. Your answers help you and your coach see change over time.
measures-portal-due = Ready for you
measures-portal-due-none = Nothing to answer right now.
measures-portal-due-by = Please answer by { $date }
measures-portal-waiting = Ready whenever you are
measures-portal-questions = { $count ->
    [one] 1 question
   *[other] { $count } questions
}
measures-portal-start = Start
measures-portal-results = Earlier answers
measures-portal-results-none = You have not answered any yet.
measures-portal-back = Back to my check-ins
measures-portal-form-intro = There are no right or wrong answers. Choose what fits best.
measures-portal-decline = I would rather not answer this time
measures-portal-decline-hint = That is fine. Your coach will see that you chose not to answer.
measures-portal-send = Send my answers
measures-portal-thanks = Thank you. Your answers are saved.
measures-portal-talk = Your coach can go through this with you.
measures-portal-you-declined = You chose not to answer this time.
measures-portal-your-score = Your score: { $score }
measures-portal-home-card = { $count ->
    [one] 1 check-in is ready for you
   *[other] { $count } check-ins are ready for you
}
measures-portal-home-link = My check-ins
measures-result-who5-low-plain = Your well-being score is on the low side. It may help to talk with your doctor or your coach about how you have been feeling.
measures-result-who5-ok-plain = Your well-being score is in a good range.
measures-result-barc-at-cutoff-plain = Your recovery strengths score is at a level linked with lasting recovery.
measures-result-barc-below-plain = Your recovery strengths score can grow over time. Your coach can help you look at what supports you.
measures-portal-error-required = Please answer this question
measures-portal-instruments-error-not-on-scale = Choose one of the answers shown
measures-portal-instruments-error-not-a-number = Enter a number
measures-portal-instruments-error-whole-number = Enter a whole number
measures-portal-instruments-error-out-of-range = Enter a number from { $min } to { $max }
measures-portal-instruments-error-yes-no = Choose yes or no
measures-portal-error-unknown-choice = Choose one of the answers shown
