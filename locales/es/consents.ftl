# Consentimiento para compartir información y registro de divulgaciones.

consents-title = Consentimiento y divulgaciones
consents-lede = Lo que esta persona nos permite compartir, con quién y por cuánto tiempo. Nada sale de la organización sin un consentimiento vigente que lo cubra.
consents-on-file = Consentimientos registrados
consents-none = Todavía no se ha registrado ningún consentimiento.

## Códigos

info-category-identity = Nombre y fecha de nacimiento
info-category-contact-details = Datos de contacto
info-category-reason-for-referral = Motivo de la derivación
info-category-recovery-plan = Plan de recuperación
info-category-substance-use = Consumo de sustancias
info-category-mental-health = Salud mental
info-category-attendance = Asistencia
info-category-other = Otra información

consent-purpose-referral = Derivación a un servicio
consent-purpose-care-coordination = Coordinación de la atención
consent-purpose-benefits = Solicitudes de prestaciones o vivienda
consent-purpose-legal = Tribunal, libertad condicional o asuntos legales
consent-purpose-family-involvement = Participación de familiares o personas de apoyo
consent-purpose-other = Otro propósito

consent-signer-person = La propia persona
consent-signer-guardian = Un tutor legal
consent-signer-personal-representative = Un representante personal

signature-method-paper = En papel
signature-method-electronic = Electrónicamente

consent-law-us-part2 = EE. UU., 42 CFR Parte 2 (registros de consumo de sustancias)
consent-law-us-hipaa = EE. UU., HIPAA
consent-law-canada = Canadá (consentimiento expreso)

disclosure-channel-referral = Derivación
disclosure-channel-printout = Copia impresa
disclosure-channel-phone = Llamada telefónica
disclosure-channel-email = Correo electrónico
disclosure-channel-export = Exportación de datos
disclosure-channel-other = Otro medio

consent-status-in-force = Vigente
consent-status-not-yet-signed = Aún sin firmar
consent-status-expired = Vencido
consent-status-revoked = Revocado
consent-status-until-date = hasta el { $date }
consent-status-until-event = hasta que: { $event }
consent-status-signed-for = fecha de firma { $date }
consent-status-expired-on = terminó el { $date }
consent-status-event-on = terminó el { $date }: { $event }
consent-status-revoked-on = revocado el { $date }

## Por qué un consentimiento no cubre una divulgación

consent-gap-not-yet-signed = En esa fecha el consentimiento aún no estaba firmado.
consent-gap-revoked = La persona revocó este consentimiento. Ya no se puede compartir nada con él.
consent-gap-expired = El consentimiento terminó (pasó su fecha final o ocurrió el hecho que lo termina).
consent-gap-other-recipient = El consentimiento no nombra a este destinatario. Registre un consentimiento nuevo que lo nombre.
consent-gap-purpose = El consentimiento no permite compartir con este propósito.
consent-gap-categories = El consentimiento no permite compartir parte de esta información. Comparta solo lo que permite, o registre un consentimiento nuevo.

## Registrar un consentimiento

consent-title = Consentimiento
consent-new = Registrar un consentimiento
consent-new-lede = Registre un consentimiento que la persona ha firmado. Cada parte es obligatoria para que sea válido. Una vez registrado, sus términos no se pueden cambiar: un cambio es un consentimiento nuevo.
consent-new-from = Registrar un consentimiento nuevo a partir de estos términos
consent-section-who = Quién comparte
consent-law = Ley que sigue el consentimiento
consent-law-hint = En EE. UU., para registros de recuperación del consumo de sustancias, es 42 CFR Parte 2.
consent-discloser = Quién comparte la información
consent-discloser-hint = La organización o el programa que tiene la información.
consent-section-recipient = Quién la recibe
consent-recipient = Destinatario
consent-recipient-search = Buscar la organización en el directorio
consent-recipient-search-hint = Escriba parte del nombre y busque.
consent-recipient-find = Buscar
consent-recipient-results = Elija la organización:
consent-recipient-none-of-these = Ninguna de estas
consent-recipient-none-found = Ninguna organización del directorio coincide. Escriba abajo el nombre del destinatario.
consent-recipient-chosen = Elegida en el directorio:
consent-recipient-change = Elegir otro destinatario
consent-recipient-name = O escriba el nombre del destinatario
consent-recipient-name-hint = Una persona o una organización, tal como aparece en el formulario firmado.
consent-recipient-detail = Datos del destinatario
consent-recipient-detail-hint = Por ejemplo la oficina, la persona de contacto o la dirección.
consent-from-directory = Del directorio
consent-section-what = Qué información se puede compartir
consent-categories = Información que se puede compartir
consent-information-detail = Qué y cuánto
consent-information-detail-hint = Con las palabras del formulario, por ejemplo «las fechas en que asistí a los grupos desde enero, no lo que se dijo».
consent-section-why = Para qué se puede compartir
consent-purposes = Propósitos
consent-purpose-detail = Otro propósito, en palabras
consent-purpose-detail-hint = Obligatorio si se marca «Otro propósito».
consent-section-ends = Cuándo termina el consentimiento
consent-ends-hint = Indique una fecha final, un hecho que lo termina, o ambos: lo que ocurra primero lo termina.
consent-expires-on = Fecha final
consent-expiry-event = Hecho que lo termina
consent-expiry-event-hint = Por ejemplo «cuando termine mi libertad condicional» o «cuando deje el programa».
consent-section-signature = Firma
consent-signed-on = Firmado el
consent-signer = Firmado por
consent-signer-name = Nombre de quien firmó
consent-signer-name-hint = Déjelo vacío si firmó la propia persona: se usa su nombre.
consent-signer-authority = Autoridad para firmar por la persona
consent-signer-authority-hint = Por ejemplo tutor designado por un tribunal, madre o padre de un menor, poder notarial.
consent-signature-method = Cómo se firmó
consent-revocation-explained = Le expliqué a la persona que puede revocar este consentimiento en cualquier momento, y cómo hacerlo.
consent-save = Registrar el consentimiento
consent-recorded = Consentimiento registrado.
consent-print-for-signature = Imprimir para firmar
consent-print-for-signature-hint = Imprime lo que se ha completado arriba, con espacio para firmar, en el idioma que elija. No se guarda nada.
consent-print-language = Idioma de la copia impresa
consent-print = Imprimir
consent-print-blank = Formulario de consentimiento en blanco
consent-print-blank-hint = Un formulario con el nombre de la persona, para completar y firmar en papel.
consent-print-copy = Imprimir una copia para la persona

consent-error-recipient-required = Indique quién recibirá la información: elija una organización del directorio o escriba el nombre del destinatario.
consent-error-recipient-unknown = Esta organización no está en el directorio. Busque de nuevo o escriba el nombre del destinatario.
consent-error-categories-required = Marque al menos un tipo de información que se pueda compartir.
consent-error-information-required = Describa qué información, y cuánta, se puede compartir.
consent-error-purposes-required = Marque al menos un propósito.
consent-error-purpose-detail-required = Describa el otro propósito.
consent-error-end-required = Indique una fecha final o un hecho que termine el consentimiento.
consent-error-end-required-part2 = Un consentimiento según 42 CFR Parte 2 debe decir cuándo termina: indique una fecha final o un hecho que lo termine.
consent-error-end-before-signed = La fecha final no puede ser anterior al día en que se firmó.
consent-error-signed-on-required = Indique la fecha en que se firmó el consentimiento.
consent-error-signed-on-future = La fecha de firma no puede ser futura. Registre el consentimiento una vez firmado.
consent-error-signer-required = Indique quién firmó: la persona, un tutor legal o un representante personal.
consent-error-signer-name-required = Indique el nombre del tutor o representante que firmó.
consent-error-signer-authority-required = Indique qué le da autoridad para firmar por la persona.
consent-error-signature-method-required = Indique cómo se firmó: en papel o electrónicamente.
consent-error-revocation-required = Confirme que se le dijo a la persona que puede revocar este consentimiento.

## Un consentimiento

consent-to = Consentimiento para compartir con { $recipient }
consent-terms = Lo que la persona aceptó
consent-terms-fixed = Un consentimiento firmado no se modifica. Si la persona quiere algo distinto, registre un consentimiento nuevo.
consent-person = Persona
consent-revocation = Derecho a revocar
consent-revocation-was-explained = Se le explicó a la persona
consent-recorded-by = Registrado por
consent-event-happened-on = ocurrió el { $date }
consent-revoke-title = Revocar este consentimiento
consent-revoke-hint = A partir de la fecha de revocación ya no se puede compartir nada con él. Lo compartido antes sigue en el registro de divulgaciones.
consent-revoked-on = Revocado el
consent-revocation-note = Cómo lo revocó la persona
consent-revocation-note-hint = Por ejemplo «por teléfono a su coach» o «carta recibida».
consent-revoke = Revocar el consentimiento
consent-revoked = Consentimiento revocado.
consent-end-event-title = Ocurrió el hecho que lo termina
consent-end-event-hint = Este consentimiento termina cuando: { $event }. Registre el día en que ocurrió.
consent-end-event-on = Día en que ocurrió
consent-end-event-record = Registrar el hecho
consent-end-event-recorded = Hecho registrado: el consentimiento ha terminado.
consent-changed-meanwhile = Alguien cambió este consentimiento mientras lo consultaba. Así está ahora; revíselo e inténtelo de nuevo si aún hace falta.
consent-disclosures = Compartido con este consentimiento
consent-disclosures-none = No se ha compartido nada con este consentimiento.

consent-error-already-revoked = Este consentimiento ya está revocado.
consent-error-revoked-before-signed = La fecha de revocación no puede ser anterior a la firma del consentimiento.
consent-error-revoked-future = La fecha de revocación no puede ser futura.
consent-error-no-end-event = Este consentimiento no tiene un hecho final que registrar.
consent-error-end-event-recorded = El hecho final ya está registrado.
consent-error-event-before-signed = El hecho final no puede haber ocurrido antes de la firma del consentimiento.
consent-error-event-future = El hecho final no puede ser futuro.

## El formulario de consentimiento impreso

consent-form-title = Consentimiento para compartir información
consent-form-person = Persona cuya información se comparte
consent-form-born = Fecha de nacimiento
consent-form-law-us-part2 = Mis registros sobre consumo de sustancias están protegidos por la ley federal (42 CFR Parte 2) y, cuando corresponde, por HIPAA. No se pueden compartir sin mi consentimiento por escrito, salvo que la ley lo permita.
consent-form-law-us-hipaa = Mi información de salud está protegida por la ley federal (HIPAA). No se puede compartir con este propósito sin mi autorización por escrito.
consent-form-law-canada = Mi información personal de salud está protegida por la ley de privacidad. Solo se comparte con mi consentimiento expreso y para los propósitos indicados abajo.
consent-form-discloser = Autorizo a esta organización o programa a compartir mi información
consent-form-recipient = Con esta persona u organización
consent-form-what = Información que se puede compartir
consent-form-how-much = Qué y cuánto:
consent-form-why = Para qué se puede compartir
consent-form-ends = Este consentimiento termina
consent-form-ends-date = En esta fecha:
consent-form-ends-event = O cuando ocurra esto:
consent-form-rights = Mis derechos
consent-form-revoke = Puedo revocar este consentimiento en cualquier momento avisando a { $discloser }, por escrito o en persona. Revocarlo no deshace lo que ya se compartió mientras estaba vigente.
consent-form-no-condition = Mis servicios no dependen de que firme este consentimiento. Puedo negarme a firmarlo.
consent-form-copy = Tengo derecho a una copia de este formulario.
consent-form-signature = Firma
consent-form-sign-here = Firma de la persona (o de su representante)
consent-form-date = Fecha
consent-form-representative = Si firma un representante: su nombre y qué le da autoridad
consent-form-witness = Miembro del personal que explicó el formulario
consent-form-signed-by = Firmado por
consent-form-signed-on = Firmado el
consent-form-revoked = Este consentimiento fue revocado el { $date }.

## Registro de divulgaciones

disclosures-title = Registro de divulgaciones
disclosures-lede = Cada vez que se compartió la información de esta persona fuera de la organización: cuándo, con quién, qué, para qué, con qué consentimiento, cómo y quién lo hizo.
disclosures-period = Del { $from } al { $to }
disclosures-count = { $count ->
    [one] Una divulgación
   *[other] { $count } divulgaciones
}
disclosures-none = No se compartió nada en este periodo.
disclosures-print = Entregar a la persona su registro
disclosures-print-hint = Una copia impresa en su idioma. Entregársela no es una divulgación.
disclosures-print-button = Imprimir el registro
disclosures-print-title = Con quién compartimos su información
disclosures-print-intro = Esta lista muestra cada vez que { $org } compartió su información con alguien fuera de la organización en los últimos { $years } años, y el consentimiento que usted dio para permitirlo.
disclosures-print-none = No compartimos su información con nadie en este periodo.
disclosures-print-rights = Puede pedir esta lista en cualquier momento. Si algo no es correcto, o si quiere dejar de compartir, dígaselo a su coach de recuperación: puede revocar un consentimiento en cualquier momento.
disclosures-print-questions = ¿Preguntas? Consulte a { $org }.
disclosures-print-made = Lista preparada el { $date }.
disclosure-when = Cuándo
disclosure-to = Compartido con
disclosure-what = Qué se compartió
disclosure-why = Para qué
disclosure-how = Cómo
disclosure-consent = Con el consentimiento
disclosure-by = Compartido por
disclosure-under-consent = Consentimiento firmado el { $date } · { $law }
disclosure-notice-went = con el aviso que prohíbe volver a compartirla

## Registrar una divulgación

disclosure-new = Registrar una divulgación
disclosure-new-lede = Anote la información compartida fuera de una derivación: una llamada, un correo, una copia impresa entregada a alguien. Debe cubrirla un consentimiento vigente.
disclosure-consent-hint = El consentimiento con el que se compartió. Déjelo para que se busque a partir del destinatario, la información y el propósito.
disclosure-consent-find = Buscar el consentimiento que lo cubre
disclosure-to-hint = Déjelo vacío para usar el destinatario del consentimiento elegido.
disclosure-description = Qué se compartió exactamente
disclosure-description-hint = Por ejemplo «Confirmé por teléfono las fechas de asistencia al agente Rivera».
disclosure-purpose-hint = Déjelo vacío si el consentimiento elegido nombra un solo propósito.
disclosure-date = Fecha
disclosure-time = Hora
disclosure-now-hint = Deje la fecha y la hora vacías para ahora mismo.
disclosure-notice-included = El aviso que prohíbe volver a compartirla se envió con ella
disclosure-notice-included-hint = Por escrito, con la información (para una llamada: enviado después).
disclosure-record = Registrar la divulgación
disclosure-recorded = Divulgación anotada en el registro.

disclosure-error-no-consent = Esta persona no tiene ningún consentimiento registrado. Registre primero su consentimiento firmado.
disclosure-error-recipient-required = Indique con quién se compartió la información.
disclosure-error-categories-required = Marque lo que se compartió.
disclosure-error-purpose-required = Elija para qué se compartió.
disclosure-error-channel-required = Elija cómo se compartió.
disclosure-error-channel-referral = Las derivaciones registran sus propias divulgaciones: comparta mediante la derivación.
disclosure-error-description-required = Describa lo que se compartió.
disclosure-error-future = La fecha y la hora no pueden ser futuras.
disclosure-error-consent-required = Elija el consentimiento con el que compartir.
disclosure-error-packet-note-required = Escriba la información que se compartirá sobre salud mental u otra información.

## Información preparada para un tercero

disclosure-packet-title = Preparar información para un tercero
disclosure-packet-lede = Imprime (o exporta) la información de esta persona para el destinatario de un consentimiento, limitada a lo que el consentimiento permite, con el aviso que prohíbe volver a compartirla.
disclosure-packet-no-consent = Hoy no hay ningún consentimiento vigente. Registre un consentimiento firmado antes de compartir nada.
disclosure-packet-consent = Consentimiento con el que compartir
disclosure-packet-use-consent = Usar este consentimiento
disclosure-packet-allowed = El consentimiento permite
disclosure-packet-include = Incluir
disclosure-packet-include-hint = Comparta solo lo que el destinatario necesita.
disclosure-packet-note = Información escrita para el destinatario
disclosure-packet-note-hint = Obligatoria para salud mental u otra información; se incluye tal cual.
disclosure-packet-format = Formato
disclosure-packet-export = Archivo de datos (JSON)
disclosure-packet-language = Idioma
disclosure-packet-records = Al prepararla se anota una divulgación en el registro de la persona.
disclosure-packet-prepare = Preparar y registrar
disclosure-packet-heading = Información compartida con { $recipient }
disclosure-packet-from = De { $discloser }
disclosure-packet-prepared = Preparada el { $date } por { $name }
disclosure-packet-under = Compartida con el consentimiento firmado el { $date } · { $law }
disclosure-packet-consent-scope = Lo que la persona aceptó compartir
disclosure-packet-shared = Se comparte aquí
disclosure-packet-name = Nombre
disclosure-packet-preferred-name = Prefiere que la llamen
disclosure-packet-pronouns = Pronombres
disclosure-packet-phone = Teléfono
disclosure-packet-email = Correo electrónico
disclosure-packet-address = Dirección
disclosure-packet-nothing = No hay nada registrado.
disclosure-packet-agreed-on = acordado el { $date }
disclosure-packet-strengths = Fortalezas:
disclosure-packet-no-plan = No hay un plan de recuperación vigente.
disclosure-packet-stage = Etapa de recuperación
disclosure-packet-lapses = Recaídas informadas en los últimos 12 meses
disclosure-packet-none-reported = Ninguna informada
disclosure-packet-attendance-since = Desde el { $date }
disclosure-packet-no-attendance = No hay asistencia registrada en este periodo.
disclosure-packet-group = Grupo: { $name }
disclosure-packet-minutes = { $minutes } min
disclosure-packet-additional = Información adicional
disclosure-packet-see-notice = Esta información no se debe volver a compartir: vea el aviso al destinatario más arriba.

## Avisos que prohíben volver a compartir

disclosure-notice-title = Aviso al destinatario
disclosure-notice-us-part2 = Este registro que se le ha divulgado está protegido por las normas federales de confidencialidad (42 CFR parte 2). Estas normas le prohíben usar o divulgar este registro, o testimonios que describan la información que contiene, en cualquier procedimiento civil, penal, administrativo o legislativo de una autoridad federal, estatal o local contra el paciente, salvo que el paciente lo autorice con su consentimiento, excepto según lo previsto en 42 CFR 2.12(c)(5) o con autorización de un tribunal conforme a 42 CFR 2.64 o 2.65. Además, las normas federales le prohíben cualquier otro uso o divulgación de este registro salvo que se cumpla al menos una de estas condiciones: (A) el consentimiento por escrito de la persona cuya información se divulga en este registro permite expresamente el nuevo uso o divulgación, o lo permite de otro modo 42 CFR parte 2; (B) usted es una entidad cubierta o un socio comercial y recibió el registro para tratamiento, pago u operaciones de atención médica; o (C) recibió el registro de una entidad cubierta o un socio comercial según lo permitido por 45 CFR parte 164, subpartes A y E. Una autorización general para la divulgación de información médica o de otro tipo NO basta para cumplir los elementos exigidos del consentimiento por escrito para volver a usar o divulgar el registro (véase 42 CFR 2.31). (Traducción; el texto en inglés de la norma es el que rige).
disclosure-notice-us-hipaa = Esta información es información de salud protegida que se comparte con la autorización por escrito de la persona a quien describe, para el propósito indicado. Úsela solo para ese propósito y no la comparta con nadie más salvo que la persona lo autorice por escrito o la ley lo exija. Una vez en su poder, la información compartida mediante una autorización puede dejar de estar protegida por las normas federales de privacidad, así que manténgala confidencial.
disclosure-notice-canada = Esta información personal de salud se comparte con el consentimiento expreso de la persona a quien describe, solo para el propósito indicado. Úsela únicamente para ese propósito, guárdela de forma segura y no la comparta con nadie más sin el consentimiento de la persona, salvo que la ley lo exija. La persona puede retirar su consentimiento en cualquier momento.
