# Intake: requests for service, urgency, screening, waiting lists, risk screens, safety plans,
# the trauma and safety checklist, crisis events, the self-referral form and time to first service.

## Shared words

nav-intake = Intake
nav-reports = Reports
show = Show
note = Note
optional = Optional
period-from = From
period-to = To
days-count = { $count ->
    [one] { $count } day
   *[other] { $count } days
}

## The home page: today's work

work-title = Your work today
work-urgent = urgent or emergency requests open
work-overdue = requests past their target
work-my-new = New requests for you
work-open-risk = Risk screens waiting for a response
work-checkins = Waiting-list check-ins due
work-follow-ups = Crisis follow-ups to do

## The queue

intake-title = Requests for service
intake-all-open = All open requests
intake-mine = Assigned to me
intake-log-request = Add a request
intake-open-count = { $count ->
    [one] 1 open request
   *[other] { $count } open requests
}
intake-queue-empty = No open requests right now.
intake-urgency = Urgency
intake-who = Who
intake-asked-for = What they asked for
intake-asked-for-hint = In their own words: the kind of support they are looking for.
intake-program = Program
intake-waiting = Waiting
intake-due = First service due
intake-status = Status
intake-overdue = Overdue
intake-untriaged = Urgency not set
intake-anonymous = Anonymous

## Adding a request

intake-source = How the request came in
intake-for-person = For
intake-who-is-asking = Who is asking
intake-anonymous-enquiry = Anonymous enquiry (no name given)
intake-anonymous-hint = For someone who prefers not to give their name. You can still note what they asked for.
intake-given-name = First name
intake-family-name = Last name
intake-safe-to-message = Safe to leave a message or send a text
intake-referrer-name = Referred by
intake-referrer-organisation = Referrer's organisation
intake-program-asked = Program asked for
intake-not-yet-known = Not known yet
intake-assigned-to = Assigned to
intake-received-on = Date received
intake-received-on-hint = Leave empty for today.
intake-request-logged = Request saved.

## One request

intake-request = Request for service
intake-received = Received
intake-requests = Requests for service
intake-requests-none = No requests for service yet.
intake-details = Details
intake-days-to-service = days to first service
intake-days-waiting = days waiting
intake-from = starting
intake-informed = Person told the outcome
intake-on-waitlist = Waiting for a place:
intake-person-record = Person's record
intake-open-record = Open the person's record
intake-create-record = Create a record
intake-create-record-hint = A record is needed to screen for risk or to accept the person into a program. Check the name is spelled the way the person wants.
intake-person-created = Record created.

intake-triage = Urgency and needs
intake-urgency-reason = Why this urgency
intake-critical-needs = Needs that cannot wait
intake-critical-needs-hint = For example food, a safe place to sleep, medicine or someone's safety.
intake-needs-intensive = Needs more intensive services
intake-needs-intensive-hint = Tick if the person needs more than peer support can give, such as treatment, detox or hospital care.
intake-intensive-note = What more intensive service is needed
intake-save-triage = Save urgency and needs
intake-triaged = Urgency and needs saved.

intake-screening = Is this the right service?
intake-fit = Fit with the program
intake-population-fit = In the group this program is for
intake-population-basis = How you know
intake-offer = What we offered
intake-offer-hint = The support offered and how often, in plain words.
intake-offer-from = Offer starts on
intake-referred-to = Referred to
intake-referred-to-hint = If this is not the right service: where the person was referred instead.
intake-referral-reason = Why they were referred elsewhere
intake-informed-label = I have told the person the outcome and what happens next.
intake-save-screening = Save screening
intake-screened = Screening saved.

intake-accept = Accept into a program
intake-started-on = Start date
intake-today-if-empty = Leave empty for today.
intake-first-service-hint = On or after { $date }, the day the request came in.
intake-accepted = Accepted. The person has started in the program.

intake-place-on-waitlist = Put on a waiting list
intake-waitlisted = Added to the waiting list.

intake-close = Close the request
intake-close-reason = Reason for closing
intake-closed = Request closed.

## Program intake settings

intake-settings-title = Intake settings
intake-population-statement = Who this program is for
intake-population-statement-hint = In plain words. Shown beside screening, so staff can check whether a request fits.
intake-prsc-population-label = This program serves the peer recovery coaching population
intake-prsc-population = Adults living with a serious mental illness, a substance use disorder or both, including people who describe themselves that way without a diagnosis, and young people aged 16 to 25 facing the same challenges.
intake-targets = Days to first service, by urgency
intake-target-emergency = Emergency
intake-target-urgent = Urgent
intake-target-routine = Routine
intake-target-hint = The most days from the request to the first service. 0 means the same day.
intake-capacity = How many people the program can serve at once
intake-capacity-hint = Leave empty if there is no set limit.
intake-checkin-days = Days between check-ins with people on the waiting list
intake-screen-everyone = Give everyone an individual risk screen
intake-screen-everyone-hint = Everyone who joins this program is screened individually, not only with the program-wide screen.
intake-settings-saved = Intake settings saved.

## Waiting list

waitlist-title = Waiting list
waitlist-all-programs = All programs
waitlist-empty = Nobody is on the waiting list.
waitlist-days-waited = { $count ->
    [one] waiting 1 day
   *[other] waiting { $count } days
}
waitlist-next-checkin = Next check-in on
waitlist-checkin-due = Check-in due
waitlist-priority = Priority
waitlist-referral-offered = Support offered while waiting
waitlist-referral-offered-hint = Another service offered in the meantime, if any.
waitlist-checkin = Record a check-in
waitlist-still-wanted = Does the person still want this service?
waitlist-record-checkin = Save check-in
waitlist-checked-in = Check-in saved.
waitlist-remove = Remove from the list
waitlist-removal-reason = Why they are leaving the list
waitlist-removed = Removed from the waiting list.

## Time to first service

tts-title = Time to first service
tts-lede = How long people waited from their request to their first service, by program and urgency, for requests received in the period.
tts-none = No requests were received in this period.
tts-target = Target
tts-requests = Requests
tts-on-time = Served on time
tts-late = Served late
tts-waiting = Still waiting
tts-past-target = Waiting past target
tts-median = Typical wait (median)
tts-past-target-list = Requests that missed their target
tts-past-target-none = No requests missed their target.
tts-first-service = First service
tts-days = Days waited / target
tts-not-yet = Not yet

## Ending an enrolment

discharge = End enrolment
discharge-date = End date
discharge-reason = Why it ended
person-discharged = Enrolment ended.

## Safety: risk screens

safety-title = Safety
risk-new-screen = New risk screen
risk-screen-lede = Ask the questions in your own words, as a conversation, and take the time the person needs.
risk-kind = Kind of screen
risk-individual-reason = Why an individual screen
risk-individual-reason-hint = Needed for an individual screen.
risk-individual-required = This person should have an individual risk screen ({ $reason }).
risk-cssrs-title = Suicide risk (Columbia screener)
risk-cssrs-hint = Questions 1 to 5 are about the past month. Ask 3, 4 and 5 only after a yes to question 2, and the last follow-up only after a yes to question 6.
risk-q1-wish-dead = In the past month, have you wished you were dead, or wished you could go to sleep and not wake up?
risk-q2-suicidal-thoughts = In the past month, have you had any actual thoughts of killing yourself?
risk-q3-method = In the past month, have you thought about how you might do this?
risk-q4-intent = In the past month, have you had any intention of acting on these thoughts, rather than only having the thoughts?
risk-q5-plan = In the past month, have you started to work out, or worked out, the details of how to kill yourself? Do you intend to carry out this plan?
risk-q6-behaviour = Have you ever done anything, started to do anything, or got ready to do anything to end your life? For example: collected pills, got a weapon, gave away things you value, or wrote a goodbye note.
risk-q6-past-three-months = Was that in the past three months?
risk-other-dangers = Other dangers
risk-self-injury = Have you been hurting yourself on purpose, for example by cutting or burning, even without wanting to die?
risk-neglect = Is anyone who is meant to look after you leaving you without what you need, like food, a safe place to stay, medicine or care?
risk-exploitation = Is anyone taking advantage of you, for example taking your money, pushing you into sex, or making you work without fair pay?
risk-violence-to-others = Have you had thoughts of hurting someone else?
risk-save-screen = Save screen
risk-screen-saved = Risk screen saved.
risk-needs-response = Screen saved. It found moderate or high risk: record what was done to keep the person safe, then close it.
risk-screens = Risk screens
risk-none-yet = No risk screens yet.
risk-suicide-level = Suicide risk
risk-concerns = Other dangers
risk-responses = What was done
risk-open-needs-response = This screen found moderate or high risk and is still open. Record what was done, then close it.
risk-response-kind = What was done
risk-response-detail = Details
risk-response-date = Date
risk-response-time = Time
risk-response-now-hint = Leave the date and time empty if it happened just now.
risk-add-response = Save what was done
risk-response-saved = Response saved.
risk-close = Close this screen
risk-closed = Closed
risk-screen-closed = Screen closed.

## Safety: the trauma and safety checklist

safety-checklist = Trauma and safety checklist
safety-checklist-hint = When someone has lived through abuse, neglect, violence or trauma, or is at risk of suicide, tick what applies and record each step as it is done.
safety-flags = What applies to this person
safety-vulnerable-adult = An adult who may need protection (for example, relies on others for care)
safety-history-of-danger = Has been a danger to themselves or others in the past
safety-steps = Steps taken
safety-steps-done = { $count } of 7 steps done
safety-checklist-saved = Checklist saved.

## Safety plan

plan-title = Safety plan
plan-lede = Write the plan together, in the person's own words. They keep a copy to use when things get hard.
plan-create = Make a safety plan
plan-edit = Edit the safety plan
plan-none = No safety plan yet.
plan-updated = Last updated
plan-print = Print the plan
plan-print-title = Safety plan for { $name }
plan-shared-on = Copy given to the person on
plan-shared-on-hint = Leave empty if they do not have a copy yet.
plan-warning-signs = My warning signs
plan-warning-signs-hint = Thoughts, feelings, moods or situations that tell me a crisis may be starting.
plan-coping-strategies = Things I can do on my own to cope
plan-coping-strategies-hint = Ways to calm down or take my mind off things without contacting anyone, like a walk, music or a shower.
plan-distractions = People and places that take my mind off things
plan-distractions-hint = People to be with and places to go, without needing to talk about how I feel. Add names and phone numbers.
plan-people-to-ask = People I can ask for help
plan-people-to-ask-hint = Family, friends or peers I can tell how I am feeling. Add names and phone numbers.
plan-professionals = Professionals, services and crisis lines
plan-professionals-hint = My coach, counsellor or doctor, local crisis services and the crisis line, with phone numbers.
plan-safer-environment = Making my surroundings safer
plan-safer-environment-hint = How I can keep away from things I could use to hurt myself, like medicines, weapons or alcohol, and who can help with that.
plan-reasons-for-living = My reasons for living
plan-reasons-for-living-hint = The people, pets, hopes and plans that matter most to me.
safety-plan-saved = Safety plan saved.

## Crisis events and the written crisis procedure

crisis-log-event = Record a crisis event
crisis-event = Crisis event
crisis-events = Crisis events
crisis-events-all = All events
crisis-events-none = No crisis events recorded.
crisis-follow-ups-open = Follow-ups to do
crisis-see-procedure = See the crisis procedure
crisis-when = When
crisis-caller-description = About the caller
crisis-caller-description-hint = What is known without a name, for example "adult caller from the east side".
crisis-date = Date
crisis-time = Time
crisis-now-if-empty = Leave the date and time empty if it is happening now.
crisis-what-happened = What happened
crisis-actions-taken = What staff did
crisis-who-was-called = Who was called
crisis-calls-detail = Details of the calls
crisis-outcome = How things were left
crisis-reported-by = Recorded by
crisis-follow-up = Follow-up
crisis-follow-up-due = Follow-up due
crisis-follow-up-hint = When someone should check in with the person after this crisis. Leave empty if no follow-up is needed.
crisis-follow-up-note = How the follow-up went
crisis-follow-up-done = Record follow-up as done
crisis-follow-up-saved = Follow-up recorded.
crisis-save-event = Save crisis event
crisis-event-saved = Crisis event saved.

crisis-written-procedure = Written crisis procedure
crisis-written-missing = No written procedure has been approved yet.
crisis-revision = Revision { $revision }
crisis-approved-by = Approved by
crisis-approved-by-hint = The name and role of the person who approved this revision.
crisis-approved-on = Approved on
crisis-procedure-edit = Revise the written procedure
crisis-procedure-edit-lede = Each save makes a new revision, and earlier revisions are kept. Say clearly what staff should do in each situation, step by step.
crisis-procedure-save = Save new revision
crisis-procedure-saved = New revision of the crisis procedure saved.
crisis-revisions = Revisions
crisis-written-by = Written by
crisis-saved = Saved
crisis-section-intervention = Helping someone in crisis
crisis-section-intensive-services = Linking to more intensive services
crisis-section-emergency-responders = Calling emergency responders
crisis-section-domestic-violence = Domestic violence
crisis-section-anonymous-callers = Anonymous callers
crisis-section-mandatory-reporting = Reporting abuse or neglect (mandatory reporting)

## The public self-referral form

self-referral-title = Ask for support
self-referral-danger = If you or someone else is in danger right now, call
self-referral-lede = Tell { $org } what kind of support you are looking for. Someone from the team will get back to you.
self-referral-given-name = Your first name
self-referral-family-name = Your last name
self-referral-reach-hint = Give a phone number or an e-mail address, so we can reach you.
self-referral-safe-to-message = It is safe to leave me a message or send me a text
self-referral-asked-for = What kind of support are you looking for?
self-referral-asked-for-hint = A few words are enough.
self-referral-consent = I agree that you may keep these details and contact me about my request.
self-referral-privacy = We use these details only to get back to you about your request.
self-referral-send = Send
self-referral-thanks-title = Thank you
self-referral-thanks = { $org } has your request. Someone from the team will be in touch soon.

## Closed lists

request-source-walk-in = Walked in
request-source-phone = Phone call
request-source-text = Text message
request-source-web-form = Website form
request-source-partner-referral = Referral from a partner
request-source-self-referral = Online self-referral

request-status-new = New
request-status-screened = Screened
request-status-waiting = On the waiting list
request-status-enrolled = Started in a program
request-status-referred-out = Referred elsewhere
request-status-closed = Closed

urgency-emergency = Emergency
urgency-urgent = Urgent
urgency-routine = Routine

program-fit-fits = Good fit
program-fit-partly = Partly fits
program-fit-does-not-fit = Not the right fit (refer elsewhere)

population-fit-meets = Yes, in the group
population-fit-self-identifies = Yes, by their own description
population-fit-does-not-meet = No, not in the group
population-fit-unknown = Not known yet

close-reason-information-only = Only wanted information
close-reason-withdrawn = Withdrew the request
close-reason-unreachable = Could not be reached
close-reason-duplicate = Same as another request

waitlist-priority-high = High
waitlist-priority-normal = Normal
waitlist-priority-low = Low

waitlist-removal-enrolled = Started in the program
waitlist-removal-served-elsewhere = Getting support elsewhere
waitlist-removal-no-longer-wanted = No longer wants the service
waitlist-removal-unreachable = Could not be reached

discharge-reason-goals-met = Reached their goals
discharge-reason-moved = Moved away
discharge-reason-disengaged = Stopped taking part
discharge-reason-transferred = Moved to another service
discharge-reason-deceased = Died
discharge-reason-other = Another reason

crisis-call-emergency-services = Emergency services
crisis-call-crisis-line = Suicide and crisis line
crisis-call-mobile-crisis = Mobile crisis team
crisis-call-dv-line = Domestic violence line
crisis-call-child-protection = Child protection services
crisis-call-adult-protection = Adult protective services
crisis-call-other = Someone else

safety-flag-abuse = Has lived through abuse
safety-flag-neglect = Has lived through neglect
safety-flag-violence = Has lived through violence
safety-flag-trauma = Has lived through trauma
safety-flag-suicide-risk = At risk of suicide

safety-step-trauma-informed = Used a trauma-informed approach
safety-step-trauma-education = Shared information about trauma and how it can affect people
safety-step-safety-plan = Made a safety plan together
safety-step-reporting-offered = Offered help to report abuse, if the person chooses to
safety-step-options-explained = Explained the options, so the person shapes their own goals
safety-step-monitoring-raised = Checked in more often
safety-step-intensive-offered = Offered more intensive services

risk-level-none = No risk found
risk-level-low = Low
risk-level-moderate = Moderate
risk-level-high = High

screen-kind-program-wide = Program-wide screen
screen-kind-individual = Individual screen

individual-reason-child = Under 18
individual-reason-vulnerable-adult = An adult who may need protection
individual-reason-history-of-danger = Past danger to self or others
individual-reason-program-policy = The program screens everyone
individual-reason-staff-judgement = Staff judgement

response-kind-intensive-service = Linked to more intensive services
response-kind-safety-plan = Made a safety plan
response-kind-emergency-responders = Called emergency responders
response-kind-mobile-crisis = Called a mobile crisis team
response-kind-crisis-line = Contacted the crisis line
response-kind-other = Something else

concern-self-injury = Hurting themselves
concern-neglect = Being neglected
concern-exploitation = Being taken advantage of
concern-violence-to-others = Thoughts of hurting others

## Field and page errors

error-request-who = Enter the person's first name, or tick "Anonymous enquiry" if they prefer not to give one.
error-request-anonymous-with-person = A request for someone with a record cannot be anonymous. Untick "Anonymous enquiry".
error-request-changed = Someone else saved this while you were working. Your changes were not saved; check the latest version and try again.
error-request-closed = This request is already closed, so it can no longer be changed.
error-request-has-person = This request already has a record, or it is anonymous, so a new record cannot be made from it.
error-request-waiting = This request is on a waiting list. Remove it from the waiting list instead of closing it.
error-accept-needs-record = Create a record for this person first, then accept the request.
error-already-waiting = This request is already on a waiting list. Remove it from that list first if it should wait for another program.
error-intensive-note-required = Say what more intensive service the person needs, or untick "Needs more intensive services".
error-screening-informed = Tell the person the outcome first, then tick this box.
error-referral-place-required = Enter where the person was referred, since this is not the right service for them.
error-population-basis-required = Say how you know whether the person is in the group this program is for, for example "describes themselves that way".
error-first-service-before-request = The first service cannot be before the request came in. Enter { $date } or a later date.
error-waitlist-reason-required = Choose why this person is leaving the waiting list.
error-waitlist-enrol-instead = To record that the person started in the program, accept the request instead of removing them from the list.
error-waitlist-removed = This person has already left the waiting list. Reload the page to see the latest list.
error-already-discharged = This enrolment has already ended. Reload the page to see the latest details.
error-discharge-before-start = The end date cannot be before the enrolment started. Enter { $date } or a later date.
error-discharge-other-note = You chose "Another reason": add a note saying why the enrolment ended.
error-number-range = Enter a whole number from { $min } to { $max }.
error-targets-order = The urgent target must be no shorter than the emergency target, and no longer than the routine target.
error-period-order = The "From" date must be on or before the "To" date.
error-time-format = Enter a time like 14:30.
error-risk-response-required = This screen found moderate or high risk. Record what was done (a safety plan, a crisis line call, a link to more intensive care…) before closing it.
error-risk-skipped-question = This question is only asked after a yes to question 2. Check with the person which is right: change question 2 to yes, or answer no here.
error-screen-closed = This screen is already closed. Reload the page to see the latest details.
error-safety-plan-contacts = Add at least one person or service the person can contact for help.
error-plan-changed = Someone else saved this safety plan while you were working. Your changes are still in the form but were not saved: copy anything you need, open the plan again to see the latest version, then add your changes.
error-procedure-changed = Someone else saved a new revision while you were working. Your text is still in the form but was not saved: copy anything you need, reload the page to see their revision, then add your changes.
error-follow-up-before-event = The follow-up cannot be before the crisis. Choose the day of the crisis or a later date.
error-no-follow-up-open = This event has no follow-up waiting to be done. Reload the page to see the latest details.
error-self-referral-reach = Give a phone number or an e-mail address, so we can reach you.
error-self-referral-consent = Tick the box to let us keep your details and contact you.
error-self-referral-resend = Please check your details and press Send again.
error-self-referral-too-many = Too many requests have been sent from this connection
error-self-referral-too-many-explanation = Please wait an hour and try again. If you are in danger right now, call the emergency number or the crisis line below.
error-start-before-request = The start date can’t be before { $date }, the day the request came in.
intake-program-full = { $program } is full ({ $enrolled } enrolled, room for { $capacity }). Offer a place on its waiting list, or a referral elsewhere in the meantime.
waitlist-checkins = Check-ins so far
waitlist-count = { $count ->
    [one] One person waiting.
   *[other] { $count } people waiting.
}
