# readiness : pourquoi un dossier de personne ne satisfait pas une mesure de preuve. Les personnes
# sont désignées par leur numéro de dossier seulement.

readiness-why-race-not-recorded = Servie pendant la période sans race ni ethnicité consignée (un refus de répondre compterait).
readiness-why-request-not-screened = Reçue le { $received } sans décision de présélection consignée.
readiness-why-request-no-offer = Reçue le { $received } : l'adéquation est consignée, mais pas ce qui a été offert ni quand.
readiness-why-intake-late = Premier service après { $days ->
    [one] 1 jour
   *[other] { $days } jours
}; la cible est de { $target }.
readiness-why-intake-waiting = Toujours en attente d'un premier service après { $days ->
    [one] 1 jour
   *[other] { $days } jours
}; la cible est de { $target }.
readiness-why-request-not-redirected = Reçue le { $received } et non servie, sans place sur une liste d'attente ni orientation ailleurs.
readiness-why-risk-not-screened = Début le { $started } sans dépistage du risque dans les 30 jours.
readiness-why-risk-no-response = Un résultat de risque { $level } sans réponse consignée.
readiness-why-no-safety-plan = Un résultat de risque élevé pendant la période, et aucun plan de sécurité.
readiness-why-no-progress-note = Inscrite en soutien individuel sans note de contact pendant la période.
readiness-why-no-agreed-plan = Inscrite depuis 30 jours ou plus sans plan de rétablissement convenu.
readiness-why-plan-no-goals = Le plan n'a pas d'objectifs dans les mots de la personne{ $others ->
    [0] .
   *[other] , et { $others } autres lacunes.
}
readiness-why-plan-no-strengths = Le plan ne consigne aucune force{ $others ->
    [0] .
   *[other] , et { $others } autres lacunes.
}
readiness-why-plan-no-barriers = Le plan ne consigne ni obstacles ni besoins non comblés{ $others ->
    [0] .
   *[other] , et { $others } autres lacunes.
}
readiness-why-plan-no-agreement = L'accord de la personne au plan n'est pas consigné.
readiness-why-plan-review-late = Le plan a été révisé { $days ->
    [one] 1 jour
   *[other] { $days } jours
} après les 90 jours.
readiness-why-plan-review-overdue = La révision du plan est en retard de { $days ->
    [one] 1 jour
   *[other] { $days } jours
}.
readiness-why-goals-not-evaluated = Aucune révision pendant la période ne consigne de progrès sur les objectifs du plan.
readiness-why-mutual-aid-time-place-only = Lien d'entraide du { $date } sans aide consignée au-delà d'une heure et d'un lieu.
readiness-why-no-opportunity = Aucune occasion de bénévolat, de leadership ou de soutien par les pairs offerte pendant la période.
readiness-why-contact-months-missed = Aucun contact pendant { $count ->
    [one] 1 mois
   *[other] { $count } mois
} : { $months }.
readiness-why-no-face-to-face = Accompagnée pendant la période sans contact en personne.
readiness-why-note-guardrail = La note du { $date } a un avertissement de garde-fou non résolu.
readiness-why-outcome-intake-missing = Les mesures de résultats à l'accueil n'ont pas été prises.
readiness-why-outcome-review-overdue = Une mesure de résultats périodique est en retard.
readiness-why-referral-late = Orientation { $days ->
    [one] 1 jour
   *[other] { $days } jours
} après l'identification du besoin; la cible est de 2 jours ouvrables.
readiness-why-referral-no-outcome = Suivi dû depuis { $days ->
    [one] 1 jour
   *[other] { $days } jours
}, et aucun résultat consigné.
