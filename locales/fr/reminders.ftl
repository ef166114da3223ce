# Rappels du personnel : le courriel et la phrase de chaque rappel.

reminder-kind-certification-expiring = Certification bientôt échue
reminder-kind-certification-expired = Certification échue
reminder-kind-training-overdue = Formation à suivre
reminder-kind-supervision-gap = Supervision en retard
reminder-kind-workload-review-due = Revue de la charge de travail

reminder-a-certification = Une certification
reminder-certification-expiring = { $certification } expire le { $date }. Enregistrez le renouvellement dès qu'il arrive.
reminder-certification-expired = { $certification } a expiré le { $date }. Enregistrez le renouvellement dès qu'il arrive.
reminder-training-missing = Formation à suivre : { $requirement }.
reminder-training-lapsed = { $requirement } : la formation est à renouveler depuis le { $date }.
reminder-supervision-never = Aucune supervision n'a encore été enregistrée.
reminder-supervision-gap = La supervision est en retard depuis le { $date }.
reminder-workload-review-due = Une revue de la charge de travail est prévue le { $date }.
reminder-workload-review-overdue = Une revue de la charge de travail est attendue depuis le { $date }.

email-reminders-subject = { $count ->
    [one] Un rappel de { $org }
   *[other] { $count } rappels de { $org }
}
email-reminders-greeting = Bonjour { $name },
email-reminders-yours = Pour vous :
email-reminders-team = Pour votre équipe :
email-reminders-link = Consultez vos rappels et écartez ceux dont vous vous êtes occupé : { $link }
email-reminders-footer = Envoyé par Mainstay pour { $org }. Ce message ne contient aucune information sur les personnes que vous accompagnez.
