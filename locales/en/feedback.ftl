## Feedback and complaints (CSE 7.02 / CA-CSE 7.03)

# Kinds, categories, channels, statuses, outcomes, methods, who, history
feedback-kind-compliment = Compliment
feedback-kind-suggestion = Suggestion
feedback-kind-dissatisfaction = Something was not right
feedback-kind-complaint = Complaint
feedback-category-access-scheduling = Getting help and appointment times
feedback-category-staff-conduct = How staff treated you
feedback-category-program-content = What the program offers
feedback-category-groups = Groups
feedback-category-environment-safety = The building and feeling safe
feedback-category-privacy = Privacy
feedback-category-communication = Information and communication
feedback-category-referrals-resources = Referrals and resources
feedback-category-other = Something else
feedback-channel-public-form = Public form
feedback-channel-kiosk = Kiosk
feedback-channel-portal = Portal
feedback-channel-staff = Logged by staff
feedback-status-received = Received
feedback-status-acknowledged = Acknowledged
feedback-status-responded = Responded
feedback-status-closed = Closed
feedback-outcome-change-made = Change made
feedback-outcome-explained = Explained, no change
feedback-outcome-resolved = Resolved for the person
feedback-outcome-not-upheld = Not upheld
feedback-outcome-passed-on = Passed on
response-method-email = E-mail
response-method-phone = Phone
response-method-letter = Letter
response-method-in-person = In person
response-method-portal = Portal message
feedback-from-person-served = Someone we serve
feedback-from-family = Family or friend
feedback-from-other = Someone else
feedback-event-kind-received = Received
feedback-event-kind-assigned = Assigned
feedback-event-kind-acknowledged = Acknowledged
feedback-event-kind-responded = Responded
feedback-event-kind-closed = Closed
feedback-event-kind-note = Note
feedback-event-kind-linked = Linked to a change

# Fields shared by the forms
feedback-kind-question = What would you like to tell us?
feedback-body = Your feedback
feedback-body-hint = Tell us what happened or what you would like. Please do not include anyone else's private details.
feedback-category-question = What is it about?
feedback-category-blank = Choose, if you like…
feedback-program-question = Which service is it about?
feedback-program-blank = Not a particular service
feedback-from-question = Who are you?
feedback-from-blank = Rather not say
feedback-contact-legend = Would you like a reply?
feedback-contact-hint = You can stay anonymous. We only keep your e-mail or phone number if you ask for a reply.
feedback-wants-reply = I'd like a reply
feedback-wants-reply-hint = Then give an e-mail address or a phone number below.
feedback-name = Your name
feedback-email = E-mail address
feedback-phone = Phone number
feedback-file = Attach a photo or document
feedback-file-hint = Optional. A photo (PNG or JPEG) or a PDF, up to { $max }.
feedback-send = Send feedback
feedback-yes = Yes
feedback-no = No

# Public form, kiosk and thanks
feedback-public-title = Have your say
feedback-public-lede = Compliments, suggestions, worries and complaints all help { $org } get better. Every message is read by a person.
feedback-public-anonymous = You do not have to give your name. Giving feedback will never affect the service you get.
feedback-public-danger = This form is not watched around the clock. If you or someone else is in danger, call
feedback-public-privacy = We keep your feedback private. Only the people who handle feedback read it, and we never publish names or contact details.
feedback-board-link = See what we changed because of feedback
feedback-thanks-title = Thank you for your feedback
feedback-thanks-lede = { $org } has received your message.
feedback-thanks-how-title = What happens next
feedback-thanks-how-read = A member of staff reads every message and makes someone responsible for it.
feedback-thanks-how-reply = If you asked for a reply, we will contact you: within 10 days for a complaint, 14 days if something was not right, and 30 days for suggestions.
feedback-thanks-how-trends = We look at all feedback together every month to see what keeps coming up.
feedback-thanks-how-board = When we change something because of feedback, we say so on our "you said, we did" page, without names.
feedback-send-more = Send more feedback
feedback-kiosk-returning = This screen will go back to a fresh form in a few seconds.
feedback-kiosk-again = Start a new form

# Public board
feedback-board-title = You said, we did
feedback-board-lede = Changes { $org } has made because of what people told us.
feedback-board-filter = Show changes for one service
feedback-board-all-programs = All services
feedback-board-show = Show
feedback-board-empty = Nothing has been published here yet.
feedback-you-said = You said
feedback-we-did = We did
feedback-whole-organisation = Across the whole organisation
feedback-published-on = Published { $date }

# Staff: lists
feedback-list-title = Feedback and complaints
feedback-list-lede = Everything people have told us, open items first, soonest due first.
feedback-mine-title = My feedback items
feedback-mine-lede = Feedback and complaints you have been asked to handle.
feedback-new-title = Log feedback
feedback-filter-label = Filter feedback
feedback-filter-any = Any
feedback-filter-open = Open (not closed)
feedback-filter-unassigned = No one yet
feedback-filter-overdue = Only overdue
feedback-filter = Filter
feedback-filter-clear = Clear filters
feedback-count = { $count ->
    [one] 1 item
   *[other] { $count } items
}
feedback-none = No feedback matches.
feedback-received = Received
feedback-kind = Kind
feedback-category = Category
feedback-what = What they said
feedback-program = Service
feedback-owner = Owner
feedback-due = Response due
feedback-status = Status
feedback-unassigned = Not assigned
feedback-overdue = Overdue
feedback-no-program = No particular service

# Staff: logging on someone's behalf
feedback-new-lede = Write down feedback someone gave you in person, by phone or by letter. Use their words where you can.
feedback-new-for-person = This feedback will be linked to { $name }'s record.
feedback-new-contact-hint = Leave these empty for anonymous feedback. Contact details are kept only when a reply is wanted.
feedback-new-wants-reply = They would like a reply
feedback-log = Log feedback
feedback-logged = Feedback logged. Thank you.

# Staff: one item
feedback-what-they-said = What they said
feedback-from = From
feedback-who = Who
feedback-anonymous = Anonymous
feedback-reply-wanted = Reply wanted
feedback-due-rule = { $date } ({ $days } days after it was received)
feedback-change = "You said, we did" entry
feedback-response = Response sent to them
feedback-emailed = sent by e-mail from Mainstay
feedback-outcome = Outcome
feedback-conflict-explained = Someone updated this item while you were working on it. The page now shows it as it stands; check it, then send your form again.
feedback-assign-title = Owner and due date
feedback-due-hint = The response is due by this day.
feedback-assign = Save owner and due date
feedback-assigned = Owner and due date saved.
feedback-acknowledge-title = Acknowledge
feedback-acknowledge-hint = Record that you have let them know we have their feedback and are looking into it.
feedback-note = Note
feedback-acknowledge = Mark as acknowledged
feedback-acknowledged = Marked as acknowledged.
feedback-respond-title = Response
feedback-respond-hint = They asked for a reply. Write what you told them, or what to send.
feedback-respond-hint-no-reply = They did not ask for a reply. Record a response if you gave one anyway.
feedback-response-text = What you told them
feedback-response-text-hint = If you choose e-mail and e-mail is set up, this text is sent to them as it is.
feedback-method = How
feedback-method-hint = Only the ways we can reach them are offered.
feedback-responded-on = Date
feedback-respond = Record response
feedback-responded = Response recorded.
feedback-close-title = Close
feedback-outcome-note = What was decided
feedback-outcome-note-hint = For our records; not sent to them.
feedback-change-hint = If this feedback led to a published change, pick it here.
feedback-change-none = None
feedback-close = Close item
feedback-closed = Item closed.
feedback-link-title = Link to a "you said, we did" entry
feedback-link = Link
feedback-linked = Linked.
feedback-history = History
feedback-add-note = Add a note
feedback-note-hint = Internal only; never shown to the person.
feedback-add-note-button = Add note
feedback-note-added = Note added.
feedback-event-received = Received through the { $channel }
feedback-event-assigned = Assigned to { $owner }, response due { $date }
feedback-event-acknowledged = Acknowledged
feedback-event-responded = Response given ({ $method })
feedback-event-responded-emailed = Response sent ({ $method })
feedback-event-closed = Closed: { $outcome }
feedback-event-note = Note
feedback-event-linked = Linked to a "you said, we did" entry

# Staff: trends
feedback-trends-title = Feedback trends
feedback-trends-lede = What people tell us over time, by kind, category and service, and how quickly we respond.
feedback-trends-period = Period
feedback-trends-from = From
feedback-trends-to = To
feedback-trends-show = Show
feedback-trends-csv = Download as a spreadsheet (CSV)
feedback-trends-received = items received
feedback-trends-on-time-of = responded on time, of { $count } due
feedback-trends-median = median days to a response
feedback-trends-days = { $days } days
feedback-trends-by-month = By month and kind
feedback-trends-chart-title = Feedback received each month, by kind
feedback-trends-month = Month
feedback-trends-total = Total
feedback-trends-by-category = By category and service
feedback-trends-on-time-hint = "On time" counts items received in the period whose response was due by today or already given, and how many of them were answered by their due date.
feedback-trends-responses-due = Responses due
feedback-trends-on-time = Responded on time
feedback-trends-on-time-share = Share on time

# Staff: "you said, we did" entries
feedback-changes-title = You said, we did
feedback-changes-lede = Changes made because of feedback. Publish them on the public board so people see their feedback matters.
feedback-board-public-link = See the public board
feedback-changes-none = No entries yet.
feedback-published = Published
feedback-draft = Draft
feedback-cites = { $count ->
    [one] Answers 1 feedback item
   *[other] Answers { $count } feedback items
}
feedback-change-open = Open
feedback-publish = Publish
feedback-unpublish = Take down
feedback-change-new = New entry
feedback-change-new-hint = Describe what people said in general words, and what changed. No names, e-mail addresses or phone numbers: they are checked before publishing.
feedback-you-said-hint = For example: "The evening group started too early for people who work."
feedback-we-did-hint = For example: "We moved it to 6:30pm."
feedback-change-items = Feedback it answers
feedback-change-items-none = No feedback items are linked.
feedback-change-save-draft = Save as draft
feedback-change-created = Entry saved as a draft.
feedback-change-title = "You said, we did" entry
feedback-change-conflict-explained = Someone saved this entry while you were editing. What is saved now:
feedback-change-privacy = The public board never shows names or contact details. Publishing checks for e-mail addresses, phone numbers and the names of the people linked to the feedback.
feedback-change-save = Save
feedback-change-saved = Entry saved.
feedback-change-published = Published on the public board.
feedback-change-unpublished = Taken down from the public board.

# E-mail to the person
feedback-email-subject = A reply to your feedback to { $org }
feedback-email-footer = You are receiving this because you asked for a reply to your feedback. Please do not reply with private health details.

# Errors
feedback-error-kind-required = Choose what you would like to tell us
feedback-error-body-required = Write your feedback
feedback-error-body-short = Write a little more so we can understand
feedback-error-too-long = Use { $max } characters or fewer
feedback-error-email = Enter an e-mail address like name@example.org
feedback-error-phone = Enter a phone number with at least 7 digits, like (207) 555-0134
feedback-error-contact-needed = To get a reply, give an e-mail address or a phone number
feedback-error-file-empty = The file is empty; choose it again
feedback-error-file-type = Attach a photo (PNG or JPEG) or a PDF
feedback-error-file-too-big = The file is larger than { $max }; choose a smaller one
feedback-error-resend = Please check your feedback and send it again
feedback-error-too-many = Many messages have been sent from here in the last hour. Please try again later, or tell a member of staff.
feedback-error-response-required = Write what you told them
feedback-error-method-no-email = There is no e-mail address to send to; choose another way
feedback-error-method-no-phone = There is no phone number for them; choose another way
feedback-error-method-no-portal = They do not use the portal; choose another way
feedback-error-date-future = The date cannot be in the future
feedback-error-date-before-received = The date cannot be before the feedback was received
feedback-error-email-failed = The e-mail could not be sent just now; try again, or choose another way and contact them yourself
feedback-error-closed = This item is already closed
feedback-error-close-needs-response = They asked for a reply: record the response before closing
feedback-error-already-acknowledged = This item has already been acknowledged
feedback-error-owner-required = Choose who will handle it
feedback-error-owner-unknown = Choose someone from the list
feedback-error-due-before-received = The due date cannot be before the feedback was received
feedback-error-period-order = The start of the period must be before its end
feedback-error-period-long = Choose a period of ten years or less
feedback-error-items-unknown = Some of the feedback items chosen no longer exist; choose again
feedback-error-publish-email = Remove the e-mail address "{ $found }" before publishing
feedback-error-publish-phone = Remove the phone number "{ $found }" before publishing
feedback-error-publish-name = Remove the name "{ $found }": it belongs to someone linked to this feedback
feedback-optional = Optional
