# The page shell: header, navigation, footer, crisis button, shared words.
skip-to-content = Skip to main content
crisis-button = Crisis help
nav-label = Main navigation
nav-home = Home
nav-people = People
nav-admin = Administration
nav-account = My account
nav-outcomes = Outcomes
sign-out = Sign out
footer-crisis = Suicide and crisis line:
footer-emergency = Emergency:
language = Language
language-change = Change
back-home = Go to the home page
search = Search
save = Save
cancel = Cancel
continue = Continue
remove = Remove
choose = Choose…
none = None
done = Done
on = On
off = Off
active = Active
inactive = Inactive
status = Status
missing = Not recorded
pagination = Pages
previous = Previous
next = Next
page-of = Page { $page } of { $pages }
error-summary-title = There is a problem

crisis-title = Crisis help
crisis-danger-now = Someone is in danger right now
crisis-call = Call
crisis-text = Text
crisis-line-title = Suicide and crisis line
crisis-line-text = Free, confidential, any time of day. You can call or text together with the person.
crisis-local = Local crisis contacts
crisis-procedure = Our crisis procedure
crisis-procedure-missing = The organisation has not written its crisis procedure yet. Ask an administrator to add it.
crisis-edit = Edit the crisis procedure

home-title = Today
home-caseload = people on your caseload
home-all-people = people in the organisation
home-missing-emergency = without an emergency contact
home-missing-preferences = without contact preferences
home-recent = Recently updated
home-no-people = No people yet.
home-setup = Set-up

signin-title = Sign in
signin-button = Sign in
signin-help = Forgotten your password? Ask an administrator to set a temporary one.
signin-error-credentials = The e-mail address or password is not right. Check them and try again.
signin-error-locked = Sign-in is paused for this account after several unsuccessful attempts. Wait a few minutes and try again, or ask an administrator.
signin-error-code = That code did not work. Check the time on your phone and enter the newest code.
two-factor-title = Enter your security code
two-factor-code = Security code
two-factor-code-hint = The 6-digit code from your authenticator app.
field-email = E-mail address
field-password = Password

role-administrator = Administrator
role-program-director = Program director
role-supervisor = Supervisor
role-coach = Coach or peer specialist
role-group-facilitator = Group facilitator
role-referral-specialist = Referral specialist
role-quality-lead = Quality lead
home-feedback-owned = { $count ->
    [one] piece of feedback for you to handle
   *[other] pieces of feedback for you to handle
}
home-feedback-overdue = { $count } past the response date
home-suggestions-pending = { $count ->
    [one] plan suggestion from a person you support, waiting for your answer
   *[other] plan suggestions from people you support, waiting for your answer
}
