# Personnel reminders: the reminders page, the e-mail, and assignment checks against training and
# certification.

reminders-title = Reminders
reminders-lede = Certifications to renew, training to complete, supervision to arrange and workload reviews to hold. A reminder goes away by itself once the record shows it is done; you can also dismiss it.
reminders-mine = Your reminders
reminders-team = Your team's reminders
reminders-none-mine = Nothing to remind you of.
reminders-none-team = Nobody on your team has an open reminder.
reminders-dismiss = Dismiss
reminders-dismissed = Reminder dismissed. It will not come back for this stage.
reminders-open-certifications = See certifications
reminders-open-training = See training record
reminders-open-supervision = See supervision log
reminders-open-workload = See workload
reminders-home-mine = { $count ->
    [one] reminder for you
   *[other] reminders for you
}
reminders-home-team = { $count ->
    [one] reminder for your team
   *[other] reminders for your team
}

## Kinds

reminder-kind-certification-expiring = Certification expiring
reminder-kind-certification-expired = Certification expired
reminder-kind-training-overdue = Training due
reminder-kind-supervision-gap = Supervision overdue
reminder-kind-workload-review-due = Workload review due

## One reminder in words

reminder-a-certification = A certification
reminder-certification-expiring = { $certification } expires on { $date }. Record the renewal once it comes through.
reminder-certification-expired = { $certification } expired on { $date }. Record the renewal once it comes through.
reminder-training-missing = Training to complete: { $requirement }.
reminder-training-lapsed = { $requirement }: training is due again since { $date }.
reminder-supervision-never = No supervision has been recorded yet.
reminder-supervision-gap = Supervision is overdue since { $date }.
reminder-workload-review-due = A workload review is due on { $date }.
reminder-workload-review-overdue = A workload review has been due since { $date }.

## Assigning work to someone whose training or certification does not cover it

error-assignment-gaps = { $name } is missing what this work needs: { $gaps }. Record the training or certification first, or choose someone else.
reminders-assignment-warning = Saved. { $name } is missing what this work needs: { $gaps }.
reminders-assignee-lapsed = peer certification lapsed

## E-mail (plain text; staff details only, nothing about the people served)

email-reminders-subject = { $count ->
    [one] A reminder from { $org }
   *[other] { $count } reminders from { $org }
}
email-reminders-greeting = Hello { $name },
email-reminders-yours = For you:
email-reminders-team = For your team:
email-reminders-link = See your reminders, and dismiss the ones you have dealt with: { $link }
email-reminders-footer = Sent by Mainstay for { $org }. This message holds no information about the people you support.
