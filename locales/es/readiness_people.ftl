# readiness: por qué un expediente de persona no cumple una medida de evidencia. Las personas se
# nombran solo por su número de expediente.

readiness-why-race-not-recorded = Atendida en el período sin raza ni etnia registradas (una respuesta rechazada contaría).
readiness-why-request-not-screened = Recibida el { $received } sin decisión de evaluación registrada.
readiness-why-request-no-offer = Recibida el { $received }: se registró la adecuación, pero no lo que se ofreció ni cuándo.
readiness-why-intake-late = El primer servicio llegó después de { $days ->
    [one] 1 día
   *[other] { $days } días
}; la meta es { $target }.
readiness-why-intake-waiting = Sigue esperando un primer servicio después de { $days ->
    [one] 1 día
   *[other] { $days } días
}; la meta es { $target }.
readiness-why-request-not-redirected = Recibida el { $received } y no atendida, sin lugar en lista de espera ni derivación a otro sitio.
readiness-why-risk-not-screened = Empezó el { $started } sin evaluación de riesgo en 30 días.
readiness-why-risk-no-response = Un resultado de riesgo { $level } sin respuesta registrada.
readiness-why-no-safety-plan = Un resultado de riesgo elevado en el período, y ningún plan de seguridad.
readiness-why-no-progress-note = Inscrita en apoyo individual sin nota de contacto en el período.
readiness-why-no-agreed-plan = Inscrita 30 días o más sin plan de recuperación acordado.
readiness-why-plan-no-goals = El plan no tiene metas en las palabras de la persona{ $others ->
    [0] .
   *[other] , y { $others } carencias más.
}
readiness-why-plan-no-strengths = El plan no registra fortalezas{ $others ->
    [0] .
   *[other] , y { $others } carencias más.
}
readiness-why-plan-no-barriers = El plan no registra barreras ni necesidades no cubiertas{ $others ->
    [0] .
   *[other] , y { $others } carencias más.
}
readiness-why-plan-no-agreement = No consta el acuerdo de la persona con el plan.
readiness-why-plan-review-late = El plan se revisó { $days ->
    [one] 1 día
   *[other] { $days } días
} después de los 90 días.
readiness-why-plan-review-overdue = La revisión del plan lleva { $days ->
    [one] 1 día
   *[other] { $days } días
} de retraso.
readiness-why-goals-not-evaluated = Ninguna revisión del período registra progreso en las metas del plan.
readiness-why-mutual-aid-time-place-only = Conexión de ayuda mutua del { $date } sin ayuda registrada más allá de una hora y un lugar.
readiness-why-no-opportunity = Ninguna oportunidad de voluntariado, liderazgo o apoyo entre pares ofrecida en el período.
readiness-why-contact-months-missed = Sin contacto en { $count ->
    [one] 1 mes
   *[other] { $count } meses
}: { $months }.
readiness-why-no-face-to-face = Acompañada en el período sin un contacto en persona.
readiness-why-note-guardrail = La nota del { $date } tiene una advertencia de límites sin resolver.
readiness-why-outcome-intake-missing = No se tomaron las medidas de resultados de ingreso.
readiness-why-outcome-review-overdue = Una medida de resultados periódica está atrasada.
readiness-why-referral-late = Derivada { $days ->
    [one] 1 día
   *[other] { $days } días
} después de identificar la necesidad; la meta es 2 días hábiles.
readiness-why-referral-no-outcome = Seguimiento pendiente desde hace { $days ->
    [one] 1 día
   *[other] { $days } días
}, y sin resultado registrado.
