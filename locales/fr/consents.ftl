# Consentement à la communication de renseignements et registre des communications.

consents-title = Consentement et communications
consents-lede = Ce que cette personne nous autorise à communiquer, à qui et pour combien de temps. Rien ne sort de l'organisme sans un consentement en vigueur qui le couvre.
consents-on-file = Consentements au dossier
consents-none = Aucun consentement n'a encore été enregistré.

## Codes

info-category-identity = Nom et date de naissance
info-category-contact-details = Coordonnées
info-category-reason-for-referral = Motif de l'orientation
info-category-recovery-plan = Plan de rétablissement
info-category-substance-use = Consommation de substances
info-category-mental-health = Santé mentale
info-category-attendance = Présence
info-category-other = Autres renseignements

consent-purpose-referral = Orientation vers un service
consent-purpose-care-coordination = Coordination des soins
consent-purpose-benefits = Demandes de prestations ou de logement
consent-purpose-legal = Tribunal, probation ou questions juridiques
consent-purpose-family-involvement = Participation de la famille ou des proches
consent-purpose-other = Autre fin

consent-signer-person = La personne elle-même
consent-signer-guardian = Un tuteur
consent-signer-personal-representative = Un représentant personnel

signature-method-paper = Sur papier
signature-method-electronic = Électroniquement

consent-law-us-part2 = États-Unis, 42 CFR Part 2 (dossiers de consommation de substances)
consent-law-us-hipaa = États-Unis, HIPAA
consent-law-canada = Canada (consentement exprès)

disclosure-channel-referral = Orientation
disclosure-channel-printout = Document imprimé
disclosure-channel-phone = Appel téléphonique
disclosure-channel-email = Courriel
disclosure-channel-export = Exportation de données
disclosure-channel-other = Autre moyen

consent-status-in-force = En vigueur
consent-status-not-yet-signed = Pas encore signé
consent-status-expired = Expiré
consent-status-revoked = Révoqué
consent-status-until-date = jusqu'au { $date }
consent-status-until-event = jusqu'à : { $event }
consent-status-signed-for = date de signature { $date }
consent-status-expired-on = terminé le { $date }
consent-status-event-on = terminé le { $date } : { $event }
consent-status-revoked-on = révoqué le { $date }

## Pourquoi un consentement ne couvre pas une communication

consent-gap-not-yet-signed = Le consentement n'est pas encore signé à cette date.
consent-gap-revoked = La personne a révoqué ce consentement. Plus rien ne peut être communiqué en vertu de celui-ci.
consent-gap-expired = Le consentement a pris fin (sa date de fin est passée ou l'événement prévu s'est produit).
consent-gap-other-recipient = Le consentement ne nomme pas ce destinataire. Enregistrez un nouveau consentement qui le nomme.
consent-gap-purpose = Le consentement ne permet pas de communiquer à cette fin.
consent-gap-categories = Le consentement ne permet pas de communiquer une partie de ces renseignements. Ne communiquez que ce qu'il permet, ou enregistrez un nouveau consentement.

## Enregistrer un consentement

consent-title = Consentement
consent-new = Enregistrer un consentement
consent-new-lede = Enregistrez un consentement signé par la personne. Chaque élément est obligatoire pour que le consentement soit valide. Une fois enregistré, il ne peut plus être modifié : un changement est un nouveau consentement.
consent-new-from = Enregistrer un nouveau consentement à partir de ces conditions
consent-section-who = Qui communique
consent-law = Loi applicable au consentement
consent-law-hint = Aux États-Unis, pour les dossiers de rétablissement liés aux substances, c'est 42 CFR Part 2.
consent-discloser = Qui communique les renseignements
consent-discloser-hint = L'organisme, ou le programme qui détient les renseignements.
consent-section-recipient = Qui les reçoit
consent-recipient = Destinataire
consent-recipient-search = Chercher l'organisme dans le répertoire
consent-recipient-search-hint = Tapez une partie de son nom, puis lancez la recherche.
consent-recipient-find = Chercher
consent-recipient-results = Choisissez l'organisme :
consent-recipient-none-of-these = Aucun de ceux-ci
consent-recipient-none-found = Aucun organisme du répertoire ne correspond. Écrivez le nom du destinataire ci-dessous.
consent-recipient-chosen = Choisi dans le répertoire :
consent-recipient-change = Choisir un autre destinataire
consent-recipient-name = Ou écrivez le nom du destinataire
consent-recipient-name-hint = Une personne ou un organisme, comme sur le formulaire signé.
consent-recipient-detail = Précisions sur le destinataire
consent-recipient-detail-hint = Par exemple le bureau, la personne-ressource ou l'adresse.
consent-from-directory = Du répertoire
consent-section-what = Renseignements qui peuvent être communiqués
consent-categories = Renseignements qui peuvent être communiqués
consent-information-detail = Quoi, et dans quelle mesure
consent-information-detail-hint = Dans les mots du formulaire, par exemple « les dates de ma présence aux groupes depuis janvier, pas ce qui s'y est dit ».
consent-section-why = À quelle fin
consent-purposes = Fins
consent-purpose-detail = Autre fin, en toutes lettres
consent-purpose-detail-hint = Obligatoire si « Autre fin » est cochée.
consent-section-ends = Fin du consentement
consent-ends-hint = Indiquez une date de fin, un événement qui y met fin, ou les deux : le premier qui survient y met fin.
consent-expires-on = Date de fin
consent-expiry-event = Événement qui y met fin
consent-expiry-event-hint = Par exemple « à la fin de ma probation » ou « quand je quitterai le programme ».
consent-section-signature = Signature
consent-signed-on = Signé le
consent-signer = Signé par
consent-signer-name = Nom de la personne qui a signé
consent-signer-name-hint = Laissez vide si la personne a signé elle-même : son nom est utilisé.
consent-signer-authority = Pouvoir de signer pour la personne
consent-signer-authority-hint = Par exemple tuteur nommé par le tribunal, parent d'un mineur, procuration.
consent-signature-method = Mode de signature
consent-revocation-explained = J'ai expliqué à la personne qu'elle peut révoquer ce consentement à tout moment, et comment le faire.
consent-save = Enregistrer le consentement
consent-recorded = Consentement enregistré.
consent-print-for-signature = Imprimer pour signature
consent-print-for-signature-hint = Imprime ce qui est rempli ci-dessus, avec l'espace pour signer, dans la langue choisie. Rien n'est enregistré.
consent-print-language = Langue du document imprimé
consent-print = Imprimer
consent-print-blank = Formulaire de consentement vierge
consent-print-blank-hint = Un formulaire au nom de la personne, à remplir et à signer sur papier.
consent-print-copy = Imprimer une copie pour la personne

consent-error-recipient-required = Indiquez qui recevra les renseignements : choisissez un organisme du répertoire ou écrivez le nom du destinataire.
consent-error-recipient-unknown = Cet organisme n'est pas dans le répertoire. Cherchez de nouveau ou écrivez le nom du destinataire.
consent-error-categories-required = Cochez au moins un type de renseignements qui peut être communiqué.
consent-error-information-required = Décrivez quels renseignements, et dans quelle mesure, peuvent être communiqués.
consent-error-purposes-required = Cochez au moins une fin.
consent-error-purpose-detail-required = Décrivez l'autre fin.
consent-error-end-required = Indiquez une date de fin ou un événement qui met fin au consentement.
consent-error-end-required-part2 = Un consentement en vertu de 42 CFR Part 2 doit indiquer quand il prend fin : donnez une date de fin ou un événement.
consent-error-end-before-signed = La date de fin ne peut pas précéder le jour de la signature.
consent-error-signed-on-required = Indiquez la date de signature du consentement.
consent-error-signed-on-future = La date de signature ne peut pas être dans le futur. Enregistrez le consentement une fois signé.
consent-error-signer-required = Indiquez qui a signé : la personne, un tuteur ou un représentant personnel.
consent-error-signer-name-required = Indiquez le nom du tuteur ou du représentant qui a signé.
consent-error-signer-authority-required = Indiquez ce qui lui donne le pouvoir de signer pour la personne.
consent-error-signature-method-required = Indiquez le mode de signature : sur papier ou électroniquement.
consent-error-revocation-required = Confirmez que la personne a été informée qu'elle peut révoquer ce consentement.

## Un consentement

consent-to = Consentement à communiquer avec { $recipient }
consent-terms = Ce que la personne a accepté
consent-terms-fixed = Un consentement signé ne se modifie pas. Si la personne souhaite autre chose, enregistrez un nouveau consentement.
consent-person = Personne
consent-revocation = Droit de révoquer
consent-revocation-was-explained = Expliqué à la personne
consent-recorded-by = Enregistré par
consent-event-happened-on = survenu le { $date }
consent-revoke-title = Révoquer ce consentement
consent-revoke-hint = À partir de la date de révocation, plus rien ne peut être communiqué en vertu de ce consentement. Ce qui a été communiqué avant reste au registre des communications.
consent-revoked-on = Révoqué le
consent-revocation-note = Comment la personne l'a révoqué
consent-revocation-note-hint = Par exemple « par téléphone à son intervenant » ou « lettre reçue ».
consent-revoke = Révoquer le consentement
consent-revoked = Consentement révoqué.
consent-end-event-title = L'événement de fin s'est produit
consent-end-event-hint = Ce consentement prend fin : { $event }. Indiquez le jour où c'est arrivé.
consent-end-event-on = Jour où c'est arrivé
consent-end-event-record = Enregistrer l'événement de fin
consent-end-event-recorded = Événement de fin enregistré : le consentement a pris fin.
consent-changed-meanwhile = Quelqu'un a modifié ce consentement pendant que vous le consultiez. Voici son état actuel; vérifiez-le, puis réessayez au besoin.
consent-disclosures = Communiqué en vertu de ce consentement
consent-disclosures-none = Rien n'a été communiqué en vertu de ce consentement.

consent-error-already-revoked = Ce consentement est déjà révoqué.
consent-error-revoked-before-signed = La date de révocation ne peut pas précéder la signature du consentement.
consent-error-revoked-future = La date de révocation ne peut pas être dans le futur.
consent-error-no-end-event = Ce consentement n'a pas d'événement de fin à enregistrer.
consent-error-end-event-recorded = L'événement de fin est déjà enregistré.
consent-error-event-before-signed = L'événement de fin ne peut pas avoir eu lieu avant la signature du consentement.
consent-error-event-future = L'événement de fin ne peut pas être dans le futur.

## Le formulaire de consentement imprimé

consent-form-title = Consentement à la communication de renseignements
consent-form-person = Personne dont les renseignements sont communiqués
consent-form-born = Date de naissance
consent-form-law-us-part2 = Mes dossiers liés à la consommation de substances sont protégés par la loi fédérale (42 CFR Part 2) et, s'il y a lieu, par HIPAA. Ils ne peuvent pas être communiqués sans mon consentement écrit, sauf si la loi le permet.
consent-form-law-us-hipaa = Mes renseignements de santé sont protégés par la loi fédérale (HIPAA). Ils ne peuvent pas être communiqués à cette fin sans mon autorisation écrite.
consent-form-law-canada = Mes renseignements personnels sur la santé sont protégés par la loi sur la protection de la vie privée. Ils ne sont communiqués qu'avec mon consentement exprès, aux fins indiquées ci-dessous.
consent-form-discloser = J'autorise cet organisme ou ce programme à communiquer mes renseignements
consent-form-recipient = À cette personne ou à cet organisme
consent-form-what = Renseignements qui peuvent être communiqués
consent-form-how-much = Quoi, et dans quelle mesure :
consent-form-why = À quelle fin
consent-form-ends = Ce consentement prend fin
consent-form-ends-date = À cette date :
consent-form-ends-event = Ou lorsque ceci se produit :
consent-form-rights = Mes droits
consent-form-revoke = Je peux révoquer ce consentement à tout moment en avisant { $discloser }, par écrit ou en personne. La révocation n'annule pas ce qui a déjà été communiqué pendant qu'il était en vigueur.
consent-form-no-condition = Mes services ne dépendent pas de la signature de ce consentement. Je peux refuser de le signer.
consent-form-copy = J'ai droit à une copie de ce formulaire.
consent-form-signature = Signature
consent-form-sign-here = Signature de la personne (ou de son représentant)
consent-form-date = Date
consent-form-representative = Si un représentant signe : son nom et ce qui lui donne le pouvoir de signer
consent-form-witness = Membre du personnel qui a expliqué le formulaire
consent-form-signed-by = Signé par
consent-form-signed-on = Signé le
consent-form-revoked = Ce consentement a été révoqué le { $date }.

## Registre des communications

disclosures-title = Registre des communications
disclosures-lede = Chaque fois que les renseignements de cette personne ont été communiqués à l'extérieur de l'organisme : quand, à qui, quoi, pourquoi, en vertu de quel consentement, comment et par qui.
disclosures-period = Du { $from } au { $to }
disclosures-count = { $count ->
    [one] Une communication
   *[other] { $count } communications
}
disclosures-none = Rien n'a été communiqué pendant cette période.
disclosures-print = Remettre son registre à la personne
disclosures-print-hint = Un document imprimé dans sa langue. Le lui remettre n'est pas une communication.
disclosures-print-button = Imprimer le registre
disclosures-print-title = À qui nous avons communiqué vos renseignements
disclosures-print-intro = Cette liste indique chaque fois que { $org } a communiqué vos renseignements à quelqu'un à l'extérieur de l'organisme au cours des { $years } dernières années, et le consentement que vous avez donné pour le permettre.
disclosures-print-none = Nous n'avons communiqué vos renseignements à personne pendant cette période.
disclosures-print-rights = Vous pouvez demander cette liste en tout temps. Si quelque chose est inexact, ou si vous voulez que nous cessions de communiquer vos renseignements, dites-le à votre intervenant : vous pouvez révoquer un consentement à tout moment.
disclosures-print-questions = Des questions? Adressez-vous à { $org }.
disclosures-print-made = Liste préparée le { $date }.
disclosure-when = Quand
disclosure-to = Communiqué à
disclosure-what = Ce qui a été communiqué
disclosure-why = Pourquoi
disclosure-how = Comment
disclosure-consent = En vertu du consentement
disclosure-by = Communiqué par
disclosure-under-consent = Consentement signé le { $date } · { $law }
disclosure-notice-went = avec l'avis interdisant toute nouvelle communication

## Enregistrer une communication

disclosure-new = Enregistrer une communication
disclosure-new-lede = Notez les renseignements communiqués en dehors d'une orientation : un appel, un courriel, un document remis à quelqu'un. Un consentement en vigueur doit la couvrir.
disclosure-consent-hint = Le consentement en vertu duquel les renseignements ont été communiqués. Laissez vide pour le trouver d'après le destinataire, les renseignements et la fin.
disclosure-consent-find = Trouver le consentement qui la couvre
disclosure-to-hint = Laissez vide pour utiliser le destinataire du consentement choisi.
disclosure-description = Ce qui a été communiqué exactement
disclosure-description-hint = Par exemple « Dates de présence confirmées par téléphone à l'agent Rivera ».
disclosure-purpose-hint = Laissez vide si le consentement choisi ne nomme qu'une fin.
disclosure-date = Date
disclosure-time = Heure
disclosure-now-hint = Laissez la date et l'heure vides pour maintenant.
disclosure-notice-included = L'avis interdisant toute nouvelle communication a accompagné les renseignements
disclosure-notice-included-hint = Par écrit, avec les renseignements (pour un appel : envoyé ensuite).
disclosure-record = Enregistrer la communication
disclosure-recorded = Communication inscrite au registre.

disclosure-error-no-consent = Cette personne n'a aucun consentement au dossier. Enregistrez d'abord son consentement signé.
disclosure-error-recipient-required = Indiquez à qui les renseignements ont été communiqués.
disclosure-error-categories-required = Cochez ce qui a été communiqué.
disclosure-error-purpose-required = Choisissez la fin de la communication.
disclosure-error-channel-required = Choisissez le moyen de communication.
disclosure-error-channel-referral = Les orientations enregistrent leurs propres communications : passez par l'orientation.
disclosure-error-description-required = Décrivez ce qui a été communiqué.
disclosure-error-future = La date et l'heure ne peuvent pas être dans le futur.
disclosure-error-consent-required = Choisissez le consentement en vertu duquel communiquer.
disclosure-error-packet-note-required = Écrivez les renseignements à communiquer sur la santé mentale ou les autres renseignements.

## Renseignements préparés pour un tiers

disclosure-packet-title = Préparer des renseignements pour un tiers
disclosure-packet-lede = Imprime (ou exporte) les renseignements de cette personne pour le destinataire d'un consentement, limités à ce que le consentement permet, avec l'avis interdisant toute nouvelle communication.
disclosure-packet-no-consent = Aucun consentement n'est en vigueur aujourd'hui. Enregistrez un consentement signé avant de communiquer quoi que ce soit.
disclosure-packet-consent = Consentement en vertu duquel communiquer
disclosure-packet-use-consent = Utiliser ce consentement
disclosure-packet-allowed = Le consentement permet
disclosure-packet-include = Inclure
disclosure-packet-include-hint = Ne communiquez que ce dont le destinataire a besoin.
disclosure-packet-note = Renseignements rédigés pour le destinataire
disclosure-packet-note-hint = Obligatoire pour la santé mentale ou les autres renseignements; inclus tel quel.
disclosure-packet-format = Format
disclosure-packet-export = Fichier de données (JSON)
disclosure-packet-language = Langue
disclosure-packet-records = La préparation inscrit une communication au registre de la personne.
disclosure-packet-prepare = Préparer et enregistrer
disclosure-packet-heading = Renseignements communiqués à { $recipient }
disclosure-packet-from = De { $discloser }
disclosure-packet-prepared = Préparé le { $date } par { $name }
disclosure-packet-under = Communiqué en vertu du consentement signé le { $date } · { $law }
disclosure-packet-consent-scope = Ce que la personne a accepté de communiquer
disclosure-packet-shared = Communiqué ici
disclosure-packet-name = Nom
disclosure-packet-preferred-name = Se fait appeler
disclosure-packet-pronouns = Pronoms
disclosure-packet-phone = Téléphone
disclosure-packet-email = Courriel
disclosure-packet-address = Adresse
disclosure-packet-nothing = Rien n'est inscrit.
disclosure-packet-agreed-on = convenu le { $date }
disclosure-packet-strengths = Forces :
disclosure-packet-no-plan = Aucun plan de rétablissement en cours.
disclosure-packet-stage = Étape du rétablissement
disclosure-packet-lapses = Reprises de consommation signalées au cours des 12 derniers mois
disclosure-packet-none-reported = Aucune signalée
disclosure-packet-attendance-since = Depuis le { $date }
disclosure-packet-no-attendance = Aucune présence inscrite pendant cette période.
disclosure-packet-group = Groupe : { $name }
disclosure-packet-minutes = { $minutes } min
disclosure-packet-additional = Renseignements supplémentaires
disclosure-packet-see-notice = Ces renseignements ne doivent pas être communiqués de nouveau : voir l'avis au destinataire ci-dessus.

## Avis interdisant toute nouvelle communication

disclosure-notice-title = Avis au destinataire
disclosure-notice-us-part2 = Le dossier qui vous est communiqué est protégé par les règles fédérales américaines de confidentialité (42 CFR part 2). Ces règles vous interdisent d'utiliser ou de communiquer ce dossier, ou un témoignage décrivant les renseignements qu'il contient, dans toute procédure civile, pénale, administrative ou législative d'une autorité fédérale, d'un État ou locale contre le patient, sauf avec le consentement du patient, sauf dans les cas prévus à 42 CFR 2.12(c)(5) ou sur autorisation d'un tribunal conformément à 42 CFR 2.64 ou 2.65. De plus, les règles fédérales vous interdisent toute autre utilisation ou communication de ce dossier, sauf si au moins une des conditions suivantes s'applique : (A) le consentement écrit de la personne dont les renseignements sont communiqués dans ce dossier permet expressément une nouvelle utilisation ou communication, ou 42 CFR part 2 la permet autrement; (B) vous êtes une entité visée (covered entity) ou un associé d'affaires (business associate) et avez reçu le dossier à des fins de traitement, de paiement ou d'activités de soins de santé; ou (C) vous avez reçu le dossier d'une entité visée ou d'un associé d'affaires comme le permet 45 CFR part 164, sous-parties A et E. Une autorisation générale de communiquer des renseignements médicaux ou autres NE suffit PAS à remplir les éléments exigés du consentement écrit pour utiliser ou communiquer de nouveau le dossier (voir 42 CFR 2.31). (Traduction; le texte anglais de la réglementation fait foi.)
disclosure-notice-us-hipaa = Ces renseignements sont des renseignements de santé protégés, communiqués avec l'autorisation écrite de la personne qu'ils concernent, à la fin indiquée. Utilisez-les uniquement à cette fin et ne les communiquez à personne d'autre, sauf autorisation écrite de la personne ou obligation légale. Une fois entre vos mains, des renseignements communiqués sur autorisation peuvent ne plus être protégés par les règles fédérales sur la vie privée : gardez-les confidentiels.
disclosure-notice-canada = Ces renseignements personnels sur la santé sont communiqués avec le consentement exprès de la personne qu'ils concernent, uniquement à la fin indiquée. Utilisez-les seulement à cette fin, conservez-les en lieu sûr et ne les communiquez à personne d'autre sans le consentement de la personne, sauf si la loi l'exige. La personne peut retirer son consentement à tout moment.
