# measures: the portal's measure pages in French (staff pages fall back to English).

measures-optional = (facultatif)
measures-english-only = En anglais : cette question n'est pas encore traduite.
measures-yes = Oui
measures-no = Non
measures-portal-title = Mes bilans
measures-portal-intro = De courtes séries de questions sur la façon dont les choses se passent. Vos réponses vous aident, vous et votre intervenant, à voir les changements avec le temps.
measures-portal-due = Prêt pour vous
measures-portal-due-none = Rien à remplir pour le moment.
measures-portal-due-by = Merci de répondre d'ici le { $date }
measures-portal-waiting = Prêt quand vous le voulez
measures-portal-questions = { $count ->
    [one] 1 question
   *[other] { $count } questions
}
measures-portal-start = Commencer
measures-portal-results = Réponses précédentes
measures-portal-results-none = Vous n'avez encore rien rempli.
measures-portal-back = Retour à mes bilans
measures-portal-form-intro = Il n'y a pas de bonne ou de mauvaise réponse. Choisissez ce qui vous correspond le mieux.
measures-portal-decline = Je préfère ne pas répondre cette fois
measures-portal-decline-hint = Ce n'est pas un problème. Votre intervenant verra que vous avez choisi de ne pas répondre.
measures-portal-send = Envoyer mes réponses
measures-portal-thanks = Merci. Vos réponses sont enregistrées.
measures-portal-talk = Votre intervenant peut le regarder avec vous.
measures-portal-you-declined = Vous avez choisi de ne pas répondre cette fois.
measures-portal-your-score = Votre score : { $score }
measures-portal-home-card = { $count ->
    [one] 1 bilan est prêt pour vous
   *[other] { $count } bilans sont prêts pour vous
}
measures-portal-home-link = Mes bilans
measures-result-who5-low-plain = Votre score de bien-être est plutôt bas. Il peut être utile d'en parler avec votre médecin ou votre intervenant.
measures-result-who5-ok-plain = Votre score de bien-être est dans une bonne zone.
measures-result-barc-at-cutoff-plain = Votre score de ressources de rétablissement est à un niveau associé à un rétablissement durable.
measures-result-barc-below-plain = Votre score de ressources de rétablissement peut augmenter avec le temps. Votre intervenant peut vous aider à voir ce qui vous soutient.
measures-portal-error-required = Merci de répondre à cette question
measures-portal-instruments-error-not-on-scale = Choisissez une des réponses proposées
measures-portal-instruments-error-not-a-number = Saisissez un nombre
measures-portal-instruments-error-whole-number = Saisissez un nombre entier
measures-portal-instruments-error-out-of-range = Saisissez un nombre de { $min } à { $max }
measures-portal-instruments-error-yes-no = Choisissez oui ou non
measures-portal-error-unknown-choice = Choisissez une des réponses proposées
