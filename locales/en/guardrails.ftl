# Guardrails: gentle checks on progress notes that read like clinical work, drug testing, diagnosing,
# advice-giving or doing for the person. They never block saving.

guardrail-heading = A gentle check before you sign
guardrail-found = This note mentions “{ $phrase }”.

guardrail-kind-clinical = Sounds like counselling or therapy
guardrail-why-clinical = Counselling and therapy belong with clinicians, and your lived experience is what makes peer support different. If the person wants that kind of help, note how you linked them to it, and describe the support you gave in your own words.

guardrail-kind-drug-testing = Sounds like drug testing
guardrail-why-drug-testing = Testing turns a peer into a monitor and can cost the trust you have built. Leave testing to treatment, probation or the courts, and record what the person chose to share about their use.

guardrail-kind-diagnosing = Sounds like a diagnosis
guardrail-why-diagnosing = Only clinicians diagnose, and a label in a note can follow someone for years. Describe what you saw and heard, use the person’s own words, and link them to a clinician if they want an assessment.

guardrail-kind-advice = Sounds like advice
guardrail-why-advice = Peer coaching helps the person find their own answer. Try recording the options you explored together and what they chose.

guardrail-kind-doing-for = Sounds like doing it for them
guardrail-why-doing-for = Doing things alongside someone builds their confidence for next time. Note what you did together, and if they asked you to act for them, note that they gave permission.
