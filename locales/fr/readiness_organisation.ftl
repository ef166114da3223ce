# readiness : pourquoi un dossier de l'organisme ne satisfait pas une mesure de preuve (modèles
# logiques, personnel, groupes, répertoire, procédure de crise, rétroaction et participation).

readiness-why-logic-model-missing = Ce programme actif n'a pas de modèle logique.
readiness-why-logic-model-gaps = Le modèle logique présente { $count ->
    [one] 1 lacune
   *[other] { $count } lacunes
} : { $gaps }.
readiness-why-outcome-areas-few = Les résultats couvrent { $found ->
    [one] 1 domaine
   *[other] { $found } domaines
} ; il en faut au moins 2.

readiness-why-staff-not-qualified = Aucun diplôme en services sociaux, ni formation avec une expérience suffisante (pour les pairs, formation et vécu), n'est consigné.
readiness-why-supervisor-gaps = Exigences de supervision non remplies : { $gaps }.
readiness-why-staff-missing-training = Formation manquante : { $gaps }.
readiness-why-peer-certification-missing = Aucune certification de pair n'est consignée.
readiness-why-peer-certification-expired = La certification de pair a expiré le { $since }.
readiness-why-peer-role-gaps = Rôle de pair non documenté : { $gaps }.
readiness-why-peer-supervision-never = Aucune supervision ni mentorat par un pair n'est consigné.
readiness-why-peer-supervision-lapsed = La dernière supervision ou le dernier mentorat date du { $last }.
readiness-why-peer-training-gaps = Formation de pair non à jour : { $gaps }.
readiness-why-prsc-competency-gaps = { $count ->
    [one] 1 domaine de connaissance ou compétence PRSC non couvert
   *[other] { $count } domaines de connaissance ou compétences PRSC non couverts
} : { $gaps }.
readiness-why-facilitator-not-ready = Compétences d'animation de groupe non couvertes : { $missing }.
readiness-why-workload-review-never = Aucun examen de la charge de travail ; il était dû le { $due }.
readiness-why-workload-review-overdue = L'examen de la charge de travail était dû le { $due } ({ $days ->
    [one] 1 jour de retard
   *[other] { $days } jours de retard
}).

readiness-why-group-schedule-gaps = { $missing } des { $sessions } séances passées ne sont pas consignées comme tenues avec les présences ou annulées avec un motif (la première le { $first }).
readiness-why-group-no-curriculum = Le groupe ne suit aucun programme d'activités.
readiness-why-session-no-log = Aucun journal n'a été rédigé pour la séance du { $date }.
readiness-why-session-log-incomplete = Le journal de la séance du { $date } n'indique pas les sujets abordés ni les progrès ou adaptations du groupe.
readiness-why-group-no-leadership = Aucun membre n'a assumé de rôle de leadership { $sessions ->
    [one] lors de la séance tenue
   *[other] lors des { $sessions } séances tenues
}.
readiness-why-group-no-feedback = Aucune rétroaction des membres n'a été consignée { $sessions ->
    [one] pour la séance tenue
   *[other] pour les { $sessions } séances tenues
}.

readiness-why-resource-missing-facts = Manquant : { $facts }.
readiness-why-resource-never-verified = Jamais vérifiée auprès du fournisseur.
readiness-why-resource-verification-stale = Dernière vérification le { $verified }, il y a plus de { $months } mois.

readiness-why-crisis-procedure-missing = Aucune procédure de crise écrite n'est consignée.
readiness-why-crisis-procedure-sections = Sections sans texte : { $sections }.
readiness-why-crisis-procedure-old = Dernière approbation le { $approved }, il y a plus de 12 mois.

readiness-why-site-never-reviewed = L'accueil de ce lieu n'a jamais été évalué.
readiness-why-site-review-old = La dernière évaluation de l'accueil date du { $reviewed }, il y a plus de 12 mois.
readiness-why-site-checklist-short = Lors de l'évaluation du { $reviewed }, { $count ->
    [one] 1 élément de la liste n'était pas pleinement satisfait
   *[other] { $count } éléments de la liste n'étaient pas pleinement satisfaits
}.
readiness-why-feedback-unanswered = Pas encore de réponse ; elle était due le { $due } (il y a { $days ->
    [one] 1 jour
   *[other] { $days } jours
}).
readiness-why-feedback-answered-late = Réponse le { $responded }, { $days ->
    [one] 1 jour
   *[other] { $days } jours
} après l'échéance ({ $due }).
readiness-why-changes-not-published = Aucun changement « Vous avez dit, nous avons fait » n'a été publié en { $quarters }.
readiness-why-rules-drafting-missing = La version { $version } des règles n'indique pas comment les participants ont pris part à leur rédaction.
readiness-why-advisory-meetings-missing = Aucune réunion consultative avec des participants n'a eu lieu en { $quarters }.
