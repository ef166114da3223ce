## Program rules, advisory meetings and participant surveys (CSE 7.02 / CA-CSE 7.03)
## Ids used here but defined elsewhere: cancel, choose (shell.ftl), error-conflict, error-required,
## error-too-long, error-unknown-choice, error-date-format (errors.ftl).

nav-voice = Participant voice

participation-nav-label = Participant voice sections
participation-whole-organisation = Whole organisation
participation-none = None
participation-program = Program
participation-program-hint = Leave as "Whole organisation" if it was not about one program.
participation-current = Current
participation-superseded = Superseded
participation-version-n = Version { $n }
participation-participants-n = { $count ->
    [one] 1 participant
   *[other] { $count } participants
}
participation-recorded-by = Recorded by { $name }
participation-recorded-by-label = Recorded by
participation-overdue = Overdue
participation-overdue-count = { $count } overdue
participation-not-participant-led = Not participant-led
participation-print-hint = This page prints cleanly: use your browser's Print command.
participation-conflict-explained = Someone else saved this record while you were editing. What you typed is still below; check the saved version, then save again.
participation-conflict-see-saved = Open the saved version (new tab)
participation-you-typed = What you typed:

## Hub
participation-hub-title = Participant voice
participation-hub-lede = How the people we serve shape the program: their feedback and what changed because of it, the rules they helped write, the meetings and surveys where they had a say, their opportunities to contribute, and a welcoming place to come to.
participation-hub-rules-stat = programs with current rules
participation-hub-decisions-stat = open decisions ({ $overdue } overdue)
participation-hub-meetings-stat = meetings in the last year
participation-hub-last-meeting = last on { $date }
participation-hub-no-meetings = no meetings recorded yet
participation-hub-latest-survey = Latest: { $title }, { $rate } responded
participation-hub-latest-survey-no-rate = Latest: { $title }, { $respondents } responses
participation-hub-no-surveys = No surveys recorded yet
participation-hub-feedback = Feedback and complaints
participation-hub-feedback-hint = Compliments, suggestions, dissatisfaction and complaints, each with an owner, a response and an outcome.
participation-hub-feedback-list = Feedback received
participation-hub-feedback-trends = Trends by category and program
participation-hub-changes = "You said, we did" changes
participation-hub-public-form = Public feedback form
participation-hub-kiosk = kiosk mode
participation-hub-public-board = Public "you said, we did" board
participation-hub-rules-hint = Rules participants helped write, and how they are enforced together. The age is the time since the current version took effect.
participation-hub-rules-missing = { $count ->
    [one] 1 program has no rules recorded
   *[other] { $count } programs have no rules recorded
}
participation-hub-design = Design and decisions
participation-hub-design-hint = Advisory councils, community meetings, focus groups and participant-led committees, the decisions taken there and what was done; participant surveys and their results.
participation-hub-community = Peer community
participation-hub-opportunities = Opportunities
participation-hub-opportunities-hint = giving and receiving peer support, volunteering, leadership, community involvement
participation-hub-aims = Peer-support aims
participation-hub-aims-hint = how contacts and groups spread across resiliency, recovery, growth and the other aims
participation-hub-welcome = Welcoming environment
participation-hub-welcome-hint = each site's checklist, dated reviews and photos

## Rules
participation-rules-title = Program rules
participation-rules-lede = Each program's rules, written with the people who use it. A new version never changes the old one: every version stays on record with how participants drafted it.
participation-rules-none = No rules recorded
participation-rules-none-yet = No rules recorded yet.
participation-rules-age = in effect for { $days ->
    [one] 1 day
   *[other] { $days } days
}
participation-rules-takes-effect-in = takes effect in { $days ->
    [one] 1 day
   *[other] { $days } days
}
participation-rules-drafted-by = Drafted with participants through: { $methods }
participation-rules-enforced-by = Enforced by: { $approach }
participation-rules-history-link = { $count ->
    [one] 1 version
   *[other] All { $count } versions
}
participation-rules-new-version = Record a new version
participation-rule-effective = In effect from { $date }
participation-rule-text = The rules
participation-rule-text-hint = One rule or paragraph a line, in plain words. Comparisons between versions go line by line.
participation-rule-how-drafted = How participants drafted it
participation-rule-how-enforced = How the rules are enforced
participation-rule-votes = Vote
participation-rule-votes-hint = If participants voted on this version, the result. Leave blank if there was no vote.
participation-rule-votes-text = { $for } for, { $against } against, { $abstain } abstained
participation-votes-for = For
participation-votes-against = Against
participation-votes-abstain = Abstained
participation-rule-drafted-at = Drafted at meeting
participation-rule-drafted-at-hint = The advisory or community meeting where participants worked on it, if there was one.
participation-rule-drafting-notes = Anything else about how participants shaped it
participation-rule-drafting-hint = Tick every way participants took part and say how many took part in each.
participation-rule-participants = How many participants took part
participation-rule-method-note = Note (what they did)
participation-rule-change-summary = What changed and why
participation-rule-change-summary-hint = For example: "Added a rule on phones during groups, as the community meeting asked."
participation-rule-recorded = Recorded by { $name } on { $date }
participation-rule-compare-previous = Compare with the previous version
participation-rule-all-versions = All versions
participation-rule-newer = Newer version
participation-rule-title = Title
participation-rule-effective-from = In effect from
participation-rule-effective-from-hint = Not before the current version's date.
participation-rule-enforcement-description = How participants enforce the rules together
participation-rule-enforcement-description-hint = Who takes part when a rule is broken, what happens, and how the person is supported to come back.
participation-rule-form-lede-first = The first version of these rules. Record how participants took part in writing them.
participation-rule-form-lede-next = This will be version { $n }. The form starts from the current version's text; the current version stays on record unchanged.
participation-rule-save = Record this version
participation-rule-saved = New version of the rules recorded.
participation-rule-conflict-title = Someone recorded a new version while you were writing
participation-rule-conflict-explained = Your text is still below. Read the version they recorded, make sure yours builds on it, then record yours as the next version.

participation-method-community-meeting = Community meeting
participation-method-survey = Survey
participation-method-vote = Vote
participation-method-working-group = Working group
participation-method-suggestion-box = Suggestion box
participation-method-other = Other

rule-enforcement-peer-led-review = Peer-led review
rule-enforcement-peer-led-review-hint = Peers talk it through with the person and agree what happens next.
rule-enforcement-community-meeting = Community meeting
rule-enforcement-community-meeting-hint = The community decides together at its regular meeting.
rule-enforcement-restorative-conversation = Restorative conversation
rule-enforcement-restorative-conversation-hint = The people affected meet to repair the harm, with a peer facilitator.
rule-enforcement-participant-panel = Participant panel with staff
rule-enforcement-participant-panel-hint = A panel of participants and staff decides together.
rule-enforcement-staff-only = Staff only
rule-enforcement-staff-only-hint = Staff decide alone. This is not participant-led enforcement.
rule-enforcement-other = Other
rule-enforcement-other-hint = Describe it below.

## Compare
participation-history-title = Versions of the rules
participation-history-lede = Every version, newest first, with how participants took part in each.
participation-compare-title = Compare versions
participation-compare-from = Older version
participation-compare-to = Newer version
participation-compare-show = Compare
participation-compare-lede = What changed from version { $from } to version { $to }, line by line.
participation-compare-counts = { $added } lines added, { $removed } lines removed.
participation-compare-same = The text of the rules is the same in both versions.
participation-compare-title-changed = Title changed:
participation-diff-added = Added
participation-diff-removed = Removed

## Meetings
participation-meetings-title = Meetings
participation-meetings-lede = Advisory councils, community meetings, focus groups and participant-led committees: who came, what was discussed, what was decided and what was done.
participation-meetings-none = No meetings recorded yet.
participation-meeting-new = Record a meeting
participation-meeting-edit = Edit this meeting
participation-meeting-form-lede = Count everyone who took part. Name participants only if they agreed to be named in this record.
participation-meeting-kind = Kind of meeting
participation-meeting-held-on = Held on
participation-meeting-place = Place
participation-meeting-online = Held online (or partly online)
participation-meeting-online-tag = Online
participation-meeting-participant-count = Participants
participation-meeting-participant-count-hint = People served who took part, named or not.
participation-meeting-staff-count = Staff
participation-meeting-topics = Topics
participation-meeting-topics-hint = One topic a line.
participation-meeting-summary = Summary
participation-meeting-summary-hint = What was said, in the participants' words where you can. No health details.
participation-meeting-people = Who took part
participation-meeting-counts = { $participants } participants, { $staff } staff
participation-meeting-named-count = { $count } named
participation-meeting-decisions-count = { $total } decisions, { $open } open
participation-meeting-named = Participants named in the record
participation-meeting-named-hint = Optional. Only people who agreed to be named; they must be on your caseload (or your team's). Everyone else is counted, not named.
participation-meeting-named-none = There is no one on your caseload to name.
participation-meeting-named-choose = Choose people to name ({ $count } on your caseload)
participation-meeting-named-consent = Each person ticked agreed to be named in this meeting's record
participation-meeting-consent-on = Agreed on
participation-meeting-consent-on-hint = The day they agreed; the meeting's day if left blank.
participation-meeting-named-shown-hint = These people agreed to be named. Reading this page is recorded in the audit log.
participation-meeting-no-named = Nobody is named; participants are counted.
participation-meeting-agreed-on = agreed to be named on { $date }
participation-meeting-rules-drafted = Rules drafted at this meeting
participation-meeting-decisions = Decisions and follow-through
participation-meeting-no-decisions = No decisions recorded yet.
participation-meeting-save = Save meeting
participation-meeting-saved = Meeting saved.

advisory-meeting-kind-advisory-council = Advisory council
advisory-meeting-kind-community-meeting = Community meeting
advisory-meeting-kind-focus-group = Focus group
advisory-meeting-kind-participant-committee = Participant-led committee

## Decisions
participation-decisions-title = Open decisions
participation-decisions-lede = Decisions from meetings that are still open or in progress, overdue first. Tell participants what happened when each one is done.
participation-decisions-none = Every decision has been followed through.
participation-decisions-overdue-notice = { $count ->
    [one] 1 decision is past its due date.
   *[other] { $count } decisions are past their due date.
}
participation-decision-new = Add a decision
participation-decision-add = Add decision
participation-decision-text = Decision
participation-decision-text-hint = What was decided, as participants would put it.
participation-decision-owner = Who follows it through
participation-decision-owner-is = { $name } follows it through
participation-decision-due-on = Due by
participation-decision-due = due { $date }
participation-decision-done-on = done on { $date }
participation-decision-done-on-label = Done on
participation-decision-status = Status
participation-decision-follow-through = Follow-through
participation-decision-follow-through-hint = What has been done, and how participants were told.
participation-decision-reason = Reason it is not going ahead
participation-decision-reason-hint = Needed when it is not going ahead, so participants can be told why.
participation-decision-update = Update follow-through
participation-decision-save-update = Save follow-through
participation-decision-meeting = Meeting
participation-decision-saved = Decision added.
participation-decision-updated = Follow-through saved.
participation-decision-conflict-explained = Someone else updated this decision while you were writing. The saved version is shown below; add your update to it and save again.

advisory-decision-status-open = Open
advisory-decision-status-in-progress = In progress
advisory-decision-status-done = Done
advisory-decision-status-not-going-ahead = Not going ahead

## Surveys
participation-surveys-title = Surveys
participation-surveys-lede = Participant surveys: who was asked, how many answered, what they said and what was done about it.
participation-surveys-none = No surveys recorded yet.
participation-survey-new = Record a survey
participation-survey-edit = Edit this survey
participation-survey-title = Title
participation-survey-period = Period
participation-survey-period-start = Started on
participation-survey-period-end = Ended on
participation-survey-method = How it was given
participation-survey-invited = People invited
participation-survey-invited-hint = Leave blank if you do not know.
participation-survey-respondents = People who answered
participation-survey-rate = Response rate
participation-survey-response = Response
participation-survey-rate-text = { $rate } ({ $respondents } of { $invited } invited)
participation-survey-respondents-only = { $respondents } people answered
participation-survey-results = Results
participation-survey-results-hint = One row a question. Blank rows are ignored. A percentage is of respondents who agreed; an average needs the top of its scale.
participation-survey-result-n = Result { $n }
participation-survey-add-rows = Add more rows
participation-survey-no-results = No results recorded.
participation-survey-findings = What it found
participation-survey-findings-hint = In words, for people who will not read the numbers.
participation-survey-actions = What we did about it
participation-survey-actions-hint = Changes made, and how participants were told.
participation-survey-save = Save survey
participation-survey-saved = Survey saved.
participation-result-question = Question or statement
participation-result-kind = Kind of result
participation-result-value = Result
participation-result-value-hint = A percentage, an average or a count.
participation-result-scale-max = Out of
participation-result-scale-max-hint = For an average only, e.g. 5.
participation-result-themes = Themes
participation-result-note = Note
participation-result-percent-text = { $value } agreed
participation-result-average-text = { $value } out of { $scale } on average
participation-result-count-text = { $value } respondents

survey-method-paper = Paper
survey-method-online = Online
survey-method-interview = Interview
survey-method-mixed = Mixed

survey-result-kind-percent = Percent agreeing
survey-result-kind-average = Average score
survey-result-kind-count = Count
survey-result-kind-themes = Themes

## Errors
participation-error-date-required = Enter a date
participation-error-future = This cannot be after today ({ $today })
participation-error-whole-number = Enter a whole number, like 12
participation-error-number = Enter a number, like 4.5
participation-error-negative = This cannot be less than 0
participation-error-at-least = This must be at least { $min }
participation-error-at-most = This must be { $max } or fewer
participation-error-effective-before-previous = A new version cannot take effect before the current one ({ $date })
participation-error-method-required = Tick at least one way participants took part in drafting these rules
participation-error-method-unknown = Choose a way participants took part from the list
participation-error-method-twice = Each way participants took part can be listed only once
participation-error-participants-required = Enter how many participants took part (at least 1)
participation-error-other-note-required = Say what participants did
participation-error-votes-empty = Enter how many voted for, against or abstained, or leave the vote blank
participation-error-enforcement-description = Describe how participants enforce the rules together
participation-error-meeting-unknown = Choose a meeting from the list
participation-error-program-unknown = Choose a program from the list
participation-error-compare-choose = Choose two versions to compare
participation-error-compare-other-rules = Those versions belong to different rules
participation-error-count-required = Enter how many participants took part (0 if none)
participation-error-topics-required = Enter at least one topic
participation-error-topics-too-many = Enter no more than { $max } topics
participation-error-topic-too-long = Keep each topic under { $max } characters
participation-error-named-consent = Confirm that each person named agreed to be named, or untick them and count them instead
participation-error-named-over-count = { $named } people are named, so there were at least that many participants
participation-error-person-unknown = Choose people from the list
participation-error-due-before-meeting = The due date cannot be before the meeting ({ $date })
participation-error-done-before-meeting = It cannot be done before the meeting ({ $date })
participation-error-reason-required = Say why it is not going ahead, so participants can be told
participation-error-owner-unknown = Choose a staff member from the list
participation-error-period-order = The end cannot be before the start
participation-error-respondents-required = Enter how many people answered
participation-error-respondents-over-invited = More people answered than were invited ({ $invited })
participation-error-results-too-many = Enter no more than { $max } results
participation-error-value-required = Enter the result
participation-error-percent-range = A percentage is between 0 and 100
participation-error-scale-required = Enter the top of the scale, like 5
participation-error-scale-range = The top of the scale is between 0 and { $max }
participation-error-average-over-scale = An average cannot be more than the top of its scale ({ $scale })
participation-error-themes-required = Enter the themes
