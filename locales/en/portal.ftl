## The participant portal: accounts, invitations and plan suggestions

## Layout
portal-skip = Skip to main content
portal-sign-out = Sign out
portal-crisis-button = Crisis help
portal-crisis-text = Need to talk to someone right now?
portal-crisis-call = Call or text
portal-emergency = Emergency
portal-nav-label = Your pages
portal-nav-home = Home
portal-nav-plan = My plan
portal-nav-contacts = Contacts
portal-nav-groups = Groups
portal-nav-feedback = Feedback
portal-nav-records = My records
portal-nav-changes = You said, we did
portal-nav-password = Change password
portal-nav-two-factor = Sign-in code
portal-language = Language
portal-language-change = Change language
portal-footer-privacy = Only you can see these pages. Your coach's own working notes are not shown here.
portal-back-home = Go to your home page
portal-back-plan = Back to my plan
portal-back-records = Back to my records
portal-back-groups = Back to my groups
portal-error-summary = There is a problem
portal-none = Nothing yet.
portal-yes = Yes
portal-no = No
portal-cancelled = Cancelled
portal-continue = Continue
portal-start-again = Start again
portal-with = With { $names }
portal-minutes = { $count } minutes
portal-online = Online
portal-in-person = In person

## Dates
portal-date = { $weekday } { $day } { $month } { $year }
portal-weekday-0 = Monday
portal-weekday-1 = Tuesday
portal-weekday-2 = Wednesday
portal-weekday-3 = Thursday
portal-weekday-4 = Friday
portal-weekday-5 = Saturday
portal-weekday-6 = Sunday
portal-month-1 = January
portal-month-2 = February
portal-month-3 = March
portal-month-4 = April
portal-month-5 = May
portal-month-6 = June
portal-month-7 = July
portal-month-8 = August
portal-month-9 = September
portal-month-10 = October
portal-month-11 = November
portal-month-12 = December

## Signing in
portal-sign-in-title = Sign in to your page
portal-sign-in-intro = Use the e-mail address and password you chose when you accepted your invitation.
portal-email = E-mail address
portal-password = Password
portal-sign-in = Sign in
portal-forgot-title = Forgotten your password?
portal-forgot-text = Ask your coach or the front desk to send you a new invitation link. The link lets you choose a new password.
portal-signin-error-credentials = The e-mail address or password is not right. Check them and try again.
portal-signin-error-locked = Too many tries. Wait a few minutes, then try again.
portal-signin-error-throttled = Too many tries from this connection. Wait a few minutes, then try again.
portal-signin-error-code = That code did not work. Codes change every 30 seconds: type the one your app shows now.
portal-code-title = Enter your sign-in code
portal-code-intro = Open your authenticator app and type the 6-digit code it shows for this page.
portal-code = 6-digit code

## Invitations
portal-invitation-title = Your invitation
portal-invitation-welcome = Welcome, { $name }
portal-invitation-intro = Choose a password to open your own page. You will see your plan, your contacts and groups, and you can give feedback.
portal-invitation-your-email = You will sign in with
portal-new-password = New password
portal-confirm-password = Type the new password again
portal-password-hint = At least 10 characters. A few words together are easy to remember and hard to guess.
portal-set-password = Save password and continue
portal-invitation-not-working = This link does not work any more
portal-invitation-used-text = This link has been used already, or a newer link was sent.
portal-invitation-expired-text = This link was valid for 3 days and has run out.
portal-invitation-unknown-text = We could not find this link.
portal-invitation-ask = Ask your coach or the front desk for a new link. If you already chose a password, you can sign in.
portal-welcome-flash = Your password is saved. Welcome to your page.

## Password and sign-in code
portal-password-title = Change your password
portal-current-password = Your current password
portal-password-save = Save new password
portal-password-other-devices = Changing your password signs you out on other phones and computers.
portal-password-changed = Your new password is saved.
portal-two-factor-title = Sign-in code
portal-two-factor-intro = You can ask for a code from an app on your phone each time you sign in, as well as your password. This keeps your page safe even if someone learns your password. It is your choice.
portal-two-factor-is-on = Sign-in codes are on.
portal-two-factor-turn-on = Turn on sign-in codes
portal-two-factor-turn-off = Turn off sign-in codes
portal-two-factor-step-app = Install an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or FreeOTP).
portal-two-factor-step-scan = In the app, add an account and scan this code.
portal-two-factor-qr = A QR code for your authenticator app
portal-two-factor-or-type = Or type this key:
portal-two-factor-step-code = Type the 6-digit code the app shows.
portal-two-factor-on = Sign-in codes are on. You will be asked for a code next time you sign in.
portal-two-factor-off = Sign-in codes are off.

## Field messages
portal-error-required = Fill this in
portal-error-too-long = Use { $max } characters or fewer
portal-error-unknown-choice = Choose one of the options
portal-error-password-required = Choose a password
portal-error-password-short = Use at least { $min } characters (a few words together work well)
portal-error-password-long = Use { $max } characters or fewer
portal-error-password-repeated = Use different characters, not the same one again and again
portal-error-password-common = This password is too easy to guess. Try a few words together.
portal-error-password-email = Do not use your e-mail address in your password
portal-error-password-mismatch = The two passwords are not the same. Type them again.
portal-error-password-unchanged = Choose a password different from your current one
portal-error-current-password = Your current password is not right
portal-error-code = That code did not work. Type the code your app shows now.
portal-error-choose-goal = Choose the goal this is about
portal-feedback-error-kind-required = Choose what kind of feedback this is
portal-feedback-error-body-required = Tell us what you would like to say
portal-feedback-error-body-short = Tell us a little more
portal-feedback-error-too-long = Use { $max } characters or fewer

## Home
portal-home-title = Home
portal-home-hello = Hello, { $name }
portal-home-next-contact = Your next contact
portal-home-contact-by = Your coach plans to be in touch by { $date }.
portal-home-contact-none = No contact is planned yet.
portal-home-coach = Your coach: { $name }
portal-home-see-contacts = See your contacts and group sessions
portal-home-plan = Your plan
portal-home-review = You and your coach will look at your plan again by { $date }.
portal-home-answered = Your coach answered { $count ->
    [one] one of your suggestions
   *[other] { $count } of your suggestions
} recently.
portal-home-see-plan = See your plan
portal-home-groups = Your groups
portal-home-give-feedback = Give feedback
portal-home-records = Download your records
portal-next-session = Next: { $when }

## Plan
portal-plan-title = My plan
portal-plan-none = You do not have a plan yet. Your coach will write one with you.
portal-plan-earlier = This is an earlier plan.
portal-plan-agreed-on = Agreed with you on { $date }.
portal-plan-being-written = You and your coach are still writing this plan.
portal-plan-review-due = Review by { $date }
portal-plan-what-matters = What matters to me
portal-plan-strengths = My strengths
portal-plan-coping = What helps me cope
portal-plan-goals = My goals
portal-plan-steps = Steps
portal-step-done = Done
portal-step-by = by { $date }
portal-suggestions-title = My suggestions
portal-suggest-title = Suggest a change
portal-suggest-intro = This is your plan. Tell your coach what you would like to change, or comment on a goal. Your coach will answer here.
portal-suggest-kind = What would you like to do?
portal-suggest-goal = Which goal is it about?
portal-suggest-goal-hint = Leave this empty for a new goal.
portal-suggest-goal-none = A new goal
portal-suggest-body = Your suggestion, in your own words
portal-suggest-body-hint = For example: "I would like to change this goal to…" or "This step is done."
portal-suggest-send = Send to my coach
portal-suggestion-sent = Your suggestion was sent to your coach.
portal-suggestion-withdrawn = Your suggestion was taken back.
portal-suggestion-title = Your suggestion
portal-suggestion-goal = About the goal:
portal-suggestion-reply = Your coach's answer
portal-suggestion-accepted-text = Your coach agreed. They will change the plan with you.
portal-suggestion-declined-text = Your coach did not change the plan this time. You can talk about it at your next contact.
portal-suggestion-pending-text = Your coach has not answered yet.
portal-suggestion-withdraw = Take back this suggestion
portal-suggestion-kind-change = Change a goal
portal-suggestion-kind-comment = Comment on a goal
portal-suggestion-kind-new-goal = Add a new goal
portal-suggestion-status-pending = Waiting for your coach
portal-suggestion-status-accepted = Agreed
portal-suggestion-status-declined = Not this time
portal-suggestion-status-withdrawn = Taken back

## Contacts and groups
portal-contacts-title = Contacts
portal-contacts-sessions = Group sessions coming up
portal-contacts-sessions-none = No group sessions in the next four weeks.
portal-contacts-recent = Recent contacts with your coach
portal-contacts-recent-none = No contacts yet.
portal-mode-face-to-face = Face to face
portal-mode-phone = Phone
portal-mode-video = Video call
portal-mode-text = Text messages
portal-setting-recovery-centre = Recovery centre
portal-setting-outpatient = Outpatient service
portal-setting-community = In the community
portal-setting-home = At home
portal-setting-inpatient-detox = Inpatient or detox
portal-setting-jail-prison = Jail or prison
portal-setting-emergency-room = Emergency room
portal-setting-primary-care = Primary care
portal-setting-remote = Remote
portal-groups-title = My groups
portal-groups-none = You are not in a group at the moment.
portal-group-where = Where: { $place }
portal-group-online-link = Join online
portal-group-led-by = Led by { $names }
portal-group-next = Next sessions
portal-group-no-sessions = No sessions in the next four weeks.
portal-attendance-present = Came
portal-attendance-absent = Did not come
portal-attendance-excused = Let us know

## Feedback
portal-feedback-title = Feedback
portal-feedback-intro = Tell us what works and what does not. Compliments, ideas and complaints all help. Giving feedback never affects the support you get.
portal-feedback-kind = What kind of feedback is it?
portal-feedback-category = What is it about?
portal-feedback-category-none = Something else
portal-feedback-body = Your feedback
portal-feedback-body-hint = Please do not include other people's private details.
portal-feedback-wants-reply = I would like a reply
portal-feedback-wants-reply-hint = The reply will appear on this page.
portal-feedback-send = Send feedback
portal-feedback-thanks = Thank you. Your feedback was sent.
portal-feedback-how-used = We read every piece of feedback. Changes we make because of it are shown on
portal-feedback-mine = Feedback you gave
portal-feedback-none = You have not given feedback yet.
portal-feedback-response = Our response
portal-fb-kind-compliment = A compliment
portal-fb-kind-suggestion = An idea or suggestion
portal-fb-kind-dissatisfaction = Something I am unhappy with
portal-fb-kind-complaint = A complaint
portal-fb-category-access-scheduling = Getting support, times and waiting
portal-fb-category-staff-conduct = How staff treated me
portal-fb-category-program-content = The support itself
portal-fb-category-groups = Groups
portal-fb-category-environment-safety = The building and feeling safe
portal-fb-category-privacy = Privacy
portal-fb-category-communication = Communication
portal-fb-category-referrals-resources = Referrals to other services
portal-fb-category-other = Something else
portal-fb-status-received = Received
portal-fb-status-acknowledged = Being looked at
portal-fb-status-responded = Answered
portal-fb-status-closed = Finished

## You said, we did
portal-changes-title = You said, we did
portal-changes-intro = Changes we made because people told us what they thought.
portal-changes-none = Nothing published yet.
portal-changes-you-said = You said
portal-changes-we-did = We did

## Records
portal-records-title = My records
portal-records-intro = You can read and keep a copy of your own record.
portal-records-html = Read or print my record
portal-records-json = Download my record as a file (JSON)
portal-records-disclosures = Who my information was shared with
portal-records-disclosures-csv = Download who my information was shared with (spreadsheet)
portal-records-not-included = Your record includes your details, programs, plans, safety plan, contacts, group attendance, referrals and consents. Your coach's working notes are not included; you can ask to see them.
portal-records-plans = My plans
portal-records-plan-started = Plan started { $date }
portal-record-title = My record
portal-record-print-hint = Use your browser's print button to print or save this page.
portal-record-generated = Made { $when }
portal-record-details = My details
portal-record-number = Record number
portal-record-name = Name
portal-record-preferred-name = Name I use
portal-record-pronouns = Pronouns
portal-record-dob = Date of birth
portal-record-phone = Phone
portal-record-address = Address
portal-record-emergency = Emergency contact
portal-record-programs = Programs
portal-record-safety-plan = My safety plan
portal-safety-warning-signs = Warning signs
portal-safety-coping = Things I can do on my own
portal-safety-distractions = People and places that take my mind off things
portal-safety-people = People I can ask for help
portal-safety-professionals = Professionals and services to contact
portal-safety-environment = Making my surroundings safer
portal-safety-reasons = My reasons for living
portal-record-contacts = Contacts with my coach
portal-record-how = How and where
portal-record-with = With
portal-record-attendance = Group attendance
portal-record-referrals = Referrals
portal-record-connected = Connected
portal-record-consents = Consents to share my information
portal-record-signed = Signed { $date }
portal-record-expires = ends { $date }
portal-record-revoked = withdrawn { $date }
portal-disclosures-intro = Every time information about you was shared with someone outside the organisation since { $date }, newest first.
portal-disclosures-none = Your information has not been shared with anyone.
portal-disclosure-consent = Under the consent you signed on { $date }
portal-disclosures-questions = Questions about this list? Ask your coach or the program director.
portal-csv-when = When
portal-csv-to = Shared with
portal-csv-what = What
portal-csv-why = Why
portal-csv-how = How
portal-csv-consent = Consent signed

## Error pages
portal-error-not-found = We could not find that page
portal-error-not-found-explanation = The link may be old, or the page is not one of yours.
portal-error-forbidden = This page is not available
portal-error-forbidden-explanation = Go back to your home page to see your own pages.
portal-error-csrf = The form had expired
portal-error-csrf-explanation = For your safety, forms stop working after a while. Go back, reload the page and try again.
portal-error-conflict = Something changed meanwhile
portal-error-conflict-explanation = Go back and reload the page to see the latest.
portal-error-internal = Something went wrong on our side
portal-error-internal-explanation = Please try again in a few minutes. If you need to talk to someone now, use the crisis line at the top of the page.

## Staff side
portal-access-title = Portal access
portal-access-intro = The portal is the person's own page: they see their plan (and can suggest changes), their upcoming contacts and groups, give feedback, and download their records. They never see contact notes.
portal-access-status = Status
portal-access-login = Sign-in e-mail address
portal-access-login-hint = The person signs in with this address. It can be theirs alone.
portal-access-last-sign-in = Last signed in
portal-access-never = Never
portal-access-two-factor = Sign-in codes on
portal-status-none = Not invited
portal-status-invited = Invited
portal-status-active = Active
portal-status-suspended = Suspended
portal-suspend = Suspend portal access
portal-suspend-hint = Suspending signs the person out everywhere at once and stops unused invitation links.
portal-reactivate = Reactivate portal access
portal-suspended-flash = Portal access is suspended.
portal-reactivated-flash = Portal access is active again.
portal-invite = Invite to the portal
portal-invite-hint = The person gets a link to choose their own password. The link works once, for 3 days.
portal-invite-again = Send a new link
portal-invite-again-hint = A new link replaces any earlier one. It also lets the person choose a new password if they forgot theirs.
portal-invite-channel = Send the link by
portal-invitation-channel-email = E-mail
portal-invitation-channel-sms = Text message (SMS)
portal-channel-off = not set up: you will see the link to pass on
portal-invite-phone = Mobile number for a text message
portal-invite-phone-hint = Only needed for a text message.
portal-invite-send = Send invitation
portal-invite-sent = The invitation was sent.
portal-no-channels = E-mail and text messages are not set up on this server (or it has no public address), so you will see the link once to pass on yourself.
portal-link-title = Pass this link on to the person
portal-link-pass-on = Give the person this link in a private way (for example in person). It works once, for 3 days.
portal-link-once = This link is shown only now. If it is lost, send a new one.
portal-not-sent-no-channel = This way of sending is not set up on this server.
portal-not-sent-no-public-url = The server has no public address to put in the link (set MAINSTAY_PUBLIC_URL).
portal-not-sent-failed = The message could not be sent just now.
portal-invitations = Invitations sent
portal-invitation-sent = Sent
portal-invitation-delivery = Delivery
portal-invitation-state = Link
portal-invitation-delivery-sent = Sent
portal-invitation-delivery-failed = Could not be sent (link shown)
portal-invitation-delivery-shown = Link shown to staff
portal-invitation-used = Used
portal-invitation-replaced = Replaced
portal-invitation-expired = Expired
portal-invitation-open = Waiting to be used
portal-error-email = Enter an e-mail address like name@example.org
portal-error-email-taken = This address is already used by another portal account
portal-error-phone-required = Enter a mobile number for the text message
portal-error-phone = Enter a mobile number with 7 to 15 digits
portal-error-suspended-first = Reactivate portal access before sending a new link
portal-error-decline-reply = Write a few kind words explaining why, for the person to read
portal-staff-suggestions-title = Suggestions from the person
portal-staff-suggestions-hint = Made through the portal. Accepting records your answer; then make the change in the plan as usual.
portal-staff-suggestion-goal = About the goal:
portal-staff-suggestion-reply = Your reply:
portal-staff-suggestion-reply-label = Reply to the person
portal-staff-suggestion-reply-hint = Required when declining. The person reads it on their page.
portal-staff-suggestion-accept = Accept
portal-staff-suggestion-decline = Decline
portal-staff-suggestion-apply = Make this change in the plan
portal-suggestion-accepted-flash = The suggestion is accepted. Make the change in the plan.
portal-suggestion-declined-flash = The suggestion is declined; the person will see your reply.

## Messages sent to the person
portal-invite-email-subject = Your own page at { $org }
portal-invite-email-body = Hello { $name },

    { $org } has set up your own page, where you can see your plan and your upcoming sessions, and tell us what you think.

    Open this link to choose your password (it works once, for { $hours } hours):
    { $link }

    If you were not expecting this message, you can ignore it.
portal-invite-sms-body = { $org }: open your own page and choose a password (link works once, { $hours } hours): { $link }
portal-pending-title = Plan suggestions waiting for you
portal-pending-lede = People you support suggested these changes to their plans through the portal. Open each plan to accept or decline with a reply.
portal-pending-none = Nothing is waiting: every suggestion has an answer.
