# readiness: por qué un registro de la organización no cumple una medida de evidencia (modelos
# lógicos, personal, grupos, directorio, procedimiento de crisis, comentarios y participación).

readiness-why-logic-model-missing = Este programa activo no tiene modelo lógico.
readiness-why-logic-model-gaps = El modelo lógico tiene { $count ->
    [one] 1 carencia
   *[other] { $count } carencias
}: { $gaps }.
readiness-why-outcome-areas-few = Los resultados abarcan { $found ->
    [one] 1 área
   *[other] { $found } áreas
}; se necesitan al menos 2.

readiness-why-staff-not-qualified = No consta un título en servicios humanos, ni formación con experiencia suficiente (para pares, formación y experiencia vivida).
readiness-why-supervisor-gaps = Requisitos de supervisor no cumplidos: { $gaps }.
readiness-why-staff-missing-training = Falta formación: { $gaps }.
readiness-why-peer-certification-missing = No consta ninguna certificación de par.
readiness-why-peer-certification-expired = La certificación de par venció el { $since }.
readiness-why-peer-role-gaps = Rol de par sin documentar: { $gaps }.
readiness-why-peer-supervision-never = No consta supervisión ni mentoría entre pares.
readiness-why-peer-supervision-lapsed = La última supervisión o mentoría fue el { $last }.
readiness-why-peer-training-gaps = Formación de par no vigente: { $gaps }.
readiness-why-prsc-competency-gaps = { $count ->
    [one] 1 área de conocimiento o habilidad PRSC sin cubrir
   *[other] { $count } áreas de conocimiento o habilidades PRSC sin cubrir
}: { $gaps }.
readiness-why-facilitator-not-ready = Habilidades de facilitación de grupos sin cubrir: { $missing }.
readiness-why-workload-review-never = Aún no hay revisión de la carga de trabajo; vencía el { $due }.
readiness-why-workload-review-overdue = La revisión de la carga de trabajo vencía el { $due } ({ $days ->
    [one] 1 día de retraso
   *[other] { $days } días de retraso
}).

readiness-why-group-schedule-gaps = { $missing } de { $sessions } sesiones pasadas no constan como realizadas con asistencia ni canceladas con un motivo (la primera el { $first }).
readiness-why-group-no-curriculum = El grupo no sigue ningún plan de estudios.
readiness-why-session-no-log = No se escribió registro de la sesión del { $date }.
readiness-why-session-log-incomplete = El registro de la sesión del { $date } no indica los temas tratados ni el progreso o las adaptaciones del grupo.
readiness-why-group-no-leadership = Ningún miembro asumió un rol de liderazgo en { $sessions ->
    [one] la sesión realizada
   *[other] las { $sessions } sesiones realizadas
}.
readiness-why-group-no-feedback = No se registraron comentarios de los miembros sobre { $sessions ->
    [one] la sesión realizada
   *[other] las { $sessions } sesiones realizadas
}.

readiness-why-resource-missing-facts = Falta: { $facts }.
readiness-why-resource-never-verified = Nunca verificado con el proveedor.
readiness-why-resource-verification-stale = Verificado por última vez el { $verified }, hace más de { $months } meses.

readiness-why-crisis-procedure-missing = No consta un procedimiento de crisis escrito.
readiness-why-crisis-procedure-sections = Secciones sin texto: { $sections }.
readiness-why-crisis-procedure-old = Aprobado por última vez el { $approved }, hace más de 12 meses.

readiness-why-site-never-reviewed = Nunca se ha revisado el ambiente acogedor de este lugar.
readiness-why-site-review-old = La última revisión del ambiente acogedor fue el { $reviewed }, hace más de 12 meses.
readiness-why-site-checklist-short = En la revisión del { $reviewed }, { $count ->
    [one] 1 punto de la lista no se cumplió del todo
   *[other] { $count } puntos de la lista no se cumplieron del todo
}.
readiness-why-feedback-unanswered = Aún sin respuesta; vencía el { $due } (hace { $days ->
    [one] 1 día
   *[other] { $days } días
}).
readiness-why-feedback-answered-late = Respondido el { $responded }, { $days ->
    [one] 1 día
   *[other] { $days } días
} después del vencimiento ({ $due }).
readiness-why-changes-not-published = No se publicó ningún cambio «Ustedes dijeron, nosotros hicimos» en { $quarters }.
readiness-why-rules-drafting-missing = La versión { $version } de las reglas no indica cómo participaron los participantes en su redacción.
readiness-why-advisory-meetings-missing = No hubo ninguna reunión consultiva con participantes en { $quarters }.
