# measures: the portal's measure pages in Spanish (staff pages fall back to English).

measures-optional = (opcional)
measures-english-only = En inglés: esta pregunta aún no está traducida.
measures-yes = Sí
measures-no = No
measures-portal-title = Mis seguimientos
measures-portal-intro = Preguntas breves sobre cómo van las cosas. Sus respuestas les ayudan a usted y a su coach a ver los cambios con el tiempo.
measures-portal-due = Listo para usted
measures-portal-due-none = No hay nada que responder ahora.
measures-portal-due-by = Por favor, responda antes del { $date }
measures-portal-waiting = Listo cuando usted quiera
measures-portal-questions = { $count ->
    [one] 1 pregunta
   *[other] { $count } preguntas
}
measures-portal-start = Empezar
measures-portal-results = Respuestas anteriores
measures-portal-results-none = Todavía no ha respondido ninguno.
measures-portal-back = Volver a mis seguimientos
measures-portal-form-intro = No hay respuestas correctas ni incorrectas. Elija lo que mejor le describa.
measures-portal-decline = Prefiero no responder esta vez
measures-portal-decline-hint = No pasa nada. Su coach verá que eligió no responder.
measures-portal-send = Enviar mis respuestas
measures-portal-thanks = Gracias. Sus respuestas se han guardado.
measures-portal-talk = Su coach puede revisarlo con usted.
measures-portal-you-declined = Esta vez eligió no responder.
measures-portal-your-score = Su puntuación: { $score }
measures-portal-home-card = { $count ->
    [one] 1 seguimiento listo para usted
   *[other] { $count } seguimientos listos para usted
}
measures-portal-home-link = Mis seguimientos
measures-result-who5-low-plain = Su puntuación de bienestar es baja. Puede ayudar hablar con su médico o con su coach sobre cómo se ha sentido.
measures-result-who5-ok-plain = Su puntuación de bienestar está en un buen nivel.
measures-result-barc-at-cutoff-plain = Su puntuación de fortalezas para la recuperación está en un nivel asociado con una recuperación duradera.
measures-result-barc-below-plain = Su puntuación de fortalezas para la recuperación puede crecer con el tiempo. Su coach puede ayudarle a ver qué le apoya.
measures-portal-error-required = Por favor, responda esta pregunta
measures-portal-instruments-error-not-on-scale = Elija una de las respuestas
measures-portal-instruments-error-not-a-number = Escriba un número
measures-portal-instruments-error-whole-number = Escriba un número entero
measures-portal-instruments-error-out-of-range = Escriba un número del { $min } al { $max }
measures-portal-instruments-error-yes-no = Elija sí o no
measures-portal-error-unknown-choice = Elija una de las respuestas
