# Recordatorios del personal: el correo y las frases de cada recordatorio.

reminder-kind-certification-expiring = Certificación por vencer
reminder-kind-certification-expired = Certificación vencida
reminder-kind-training-overdue = Formación pendiente
reminder-kind-supervision-gap = Supervisión atrasada
reminder-kind-workload-review-due = Revisión de carga de trabajo

reminder-a-certification = Una certificación
reminder-certification-expiring = { $certification } vence el { $date }. Registra la renovación en cuanto llegue.
reminder-certification-expired = { $certification } venció el { $date }. Registra la renovación en cuanto llegue.
reminder-training-missing = Formación por completar: { $requirement }.
reminder-training-lapsed = { $requirement }: la formación vuelve a ser necesaria desde el { $date }.
reminder-supervision-never = Todavía no se ha registrado ninguna supervisión.
reminder-supervision-gap = La supervisión está atrasada desde el { $date }.
reminder-workload-review-due = Hay una revisión de la carga de trabajo prevista para el { $date }.
reminder-workload-review-overdue = Hay una revisión de la carga de trabajo pendiente desde el { $date }.

email-reminders-subject = { $count ->
    [one] Un recordatorio de { $org }
   *[other] { $count } recordatorios de { $org }
}
email-reminders-greeting = Hola, { $name }:
email-reminders-yours = Para ti:
email-reminders-team = Para tu equipo:
email-reminders-link = Consulta tus recordatorios y descarta los que ya hayas atendido: { $link }
email-reminders-footer = Enviado por Mainstay para { $org }. Este mensaje no contiene información sobre las personas a las que apoyas.
