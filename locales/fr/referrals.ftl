# La fiche d'orientation remise à la personne, en français.

referral-print-title = Votre orientation
referral-print-heading = Où trouver de l'aide
referral-print-greeting = { $name }, voici les renseignements dont nous avons parlé.
referral-print-address = Adresse
referral-print-phone = Téléphone
referral-print-email = Courriel
referral-print-website = Site Web
referral-print-hours = Heures d'ouverture
referral-print-opens-at = à partir de { $time }
referral-print-languages = Langues parlées
referral-print-fees = Coût
referral-print-eligibility = Qui peut y aller
referral-print-ages = De { $min } à { $max } ans
referral-print-age-min = À partir de { $min } ans
referral-print-age-max = Jusqu'à { $max } ans
referral-print-bring = Quoi apporter
referral-print-how-to-apply = Comment commencer
referral-print-contact = Qui demander
referral-print-what-for = À quoi ça sert
referral-print-how-we-help = Comment nous allons vous aider
referral-print-next = La suite
referral-print-follow-up = { $worker } prendra de vos nouvelles le { $date } pour savoir comment ça s'est passé.
referral-print-questions = Des questions, ou quelque chose a changé? Communiquez avec { $worker }.
referral-print-notes = Notes :
referral-print-crisis = En situation de crise, appelez ou textez le
referral-print-emergency = Urgence :
referral-print-date = { $day ->
    [1] 1er
   *[other] { $day }
} { $month } { $year }
referral-print-back = Retour à l'orientation
referral-print-language = Langue
referral-print-how = Utilisez la fonction Imprimer du navigateur pour imprimer cette page ou l'enregistrer en PDF. Remettre à la personne sa propre copie ne communique rien à qui que ce soit.
referral-print-need-mental-health = Soins en santé mentale
referral-print-need-substance-use = Traitement de la consommation de substances
referral-print-need-legal = Aide juridique
referral-print-need-record-expungement = Suspension du casier judiciaire
referral-print-need-crisis = Soutien en situation de crise
referral-print-need-primary-care = Soins de santé
referral-print-need-dental = Soins dentaires
referral-print-need-education-vocational = Études ou formation professionnelle
referral-print-need-housing = Logement
referral-print-need-other = Autre aide
referral-print-help-information-given = Nous vous avons donné les coordonnées; vous pouvez les joindre quand vous serez prêt ou prête.
referral-print-help-warm-handoff = Nous allons vous présenter à quelqu'un sur place.
referral-print-help-accompanied = Nous irons avec vous au premier rendez-vous.
referral-sms = { $org } : { $resource }. Votre personne-ressource : { $worker }.
referral-sms-follow-up = Nous prendrons de vos nouvelles le { $date }.
referral-sms-label = Version texto
referral-sms-hint = Copiez-la dans un texto si la personne veut l'avoir sur son téléphone.
referral-day-mo = lundi
referral-day-tu = mardi
referral-day-we = mercredi
referral-day-th = jeudi
referral-day-fr = vendredi
referral-day-sa = samedi
referral-day-su = dimanche
referral-month-1 = janvier
referral-month-2 = février
referral-month-3 = mars
referral-month-4 = avril
referral-month-5 = mai
referral-month-6 = juin
referral-month-7 = juillet
referral-month-8 = août
referral-month-9 = septembre
referral-month-10 = octobre
referral-month-11 = novembre
referral-month-12 = décembre

## Status, urgency and help, as printed for the person

referral-status-draft = Brouillon (non envoyée)
referral-status-sent = Envoyée
referral-status-accepted = Acceptée par le service
referral-status-declined = Refusée par le service
referral-status-in-progress = En cours
referral-status-completed = Terminée
referral-status-cancelled = Annulée
referral-status-unable-to-connect = Contact impossible
referral-help-information-given = Information donnée (la personne contacte le service)
referral-help-warm-handoff = Mise en relation directe (nous présentons la personne à quelqu'un sur place)
referral-help-accompanied = Accompagnement au premier rendez-vous
referral-urgency-today = Aujourd'hui
referral-urgency-this-week = Cette semaine
referral-urgency-routine = Sans urgence
