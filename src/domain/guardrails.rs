//! Guardrails for progress notes: a gentle warning when a note reads like something peer coaching stays
//! away from (clinical counselling or treatment, drug testing, diagnosing, advice-giving, doing for the
//! person what they can do themselves). Warnings never block saving; they are stored so supervisors can
//! coach.
//!
//! The rules live in `guardrails.toml` beside this file, written for people who are not programmers; its
//! header explains the phrase syntax. Matching works on words, not characters: case and apostrophe style
//! do not matter, a phrase never crosses a clause, and matches that are negated ("did not diagnose"),
//! done by someone else ("his therapist counselled him") or done with permission ("with her permission I
//! called") are skipped.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use utoipa::ToSchema;

text_code!(
    /// The category a guardrail warning belongs to.
    GuardrailKind {
        Clinical => "clinical",
        DrugTesting => "drug-testing",
        Diagnosing => "diagnosing",
        Advice => "advice",
        DoingFor => "doing-for",
    }
);

/// One warning about a note: which rule, what kind, and the words as the coach wrote them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GuardrailWarning {
    /// The rule id from the rules file, e.g. `advice-told`.
    pub rule: String,
    pub kind: GuardrailKind,
    /// The matched text exactly as written in the note (original case and punctuation).
    pub phrase: String,
    /// Byte offset of `phrase` in the note.
    pub start: usize,
}

/// Checks a note; at most one warning per rule (its first match), in order of appearance.
pub fn check(note: &str) -> Vec<GuardrailWarning> {
    RULES.check(note)
}

const RULES_TOML: &str = include_str!("guardrails.toml");

/// The word that may be a person ("for her") or a possessive ("for her appointment").
const AMBIGUOUS_OBJECT: &str = "her";

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    Rules::compile(RULES_TOML).unwrap_or_else(|e| panic!("src/domain/guardrails.toml is invalid: {e}"))
});

// ----- The rules file -----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    limits: Limits,
    negation: RawNegation,
    grammar: RawGrammar,
    groups: HashMap<String, Vec<String>>,
    rule: Vec<RawRule>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Limits {
    gap: usize,
    negation: usize,
    before: usize,
    after: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNegation {
    phrases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrammar {
    clause_words: Vec<String>,
    abbreviations: Vec<String>,
    not_names: Vec<String>,
    gap_breakers: Vec<String>,
    object_followers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    kind: String,
    phrases: Vec<String>,
    #[serde(default)]
    unless_before: Vec<String>,
    #[serde(default)]
    unless_after: Vec<String>,
    #[serde(default)]
    unless_in_sentence: Vec<String>,
}

// ----- Compiled rules -----

#[derive(Clone, Debug, PartialEq, Eq)]
enum WordPat {
    Exact(String),
    Prefix(String),
    Suffix(String),
    /// A capitalised word that is not in `not_names`.
    Name,
}

#[derive(Clone, Debug)]
enum Elem {
    Word(WordPat),
    Group(usize),
    Gap,
}

type Pattern = Vec<Elem>;

struct Rule {
    id: String,
    kind: GuardrailKind,
    phrases: Vec<Pattern>,
    unless_before: Vec<Pattern>,
    unless_after: Vec<Pattern>,
    unless_in_sentence: Vec<Pattern>,
}

struct Rules {
    limits: Limits,
    negation: Vec<Pattern>,
    /// One-word negation phrases, which a gap never holds.
    negation_words: Vec<WordPat>,
    clause_words: HashSet<String>,
    abbreviations: HashSet<String>,
    not_names: HashSet<String>,
    gap_breakers: HashSet<String>,
    object_followers: HashSet<String>,
    groups: Vec<Vec<Pattern>>,
    rules: Vec<Rule>,
}

/// Lower case, with every apostrophe style made the plain one.
fn normalise(word: &str) -> String {
    word.chars().map(|c| if is_apostrophe(c) { '\'' } else { c }).flat_map(char::to_lowercase).collect()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '`')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits one piece of a phrase into word patterns: "drug-test*" is "drug" then "test*".
fn word_pats(piece: &str) -> Result<Vec<WordPat>, String> {
    let norm = normalise(piece);
    let prefix = norm.len() > 1 && norm.ends_with('*');
    let suffix = norm.len() > 1 && norm.starts_with('*');
    let core = norm.trim_matches('*');
    let words: Vec<&str> = core.split(|c: char| !is_word_char(c) && c != '\'').filter(|w| !w.is_empty()).collect();
    if words.is_empty() || core.contains('*') {
        return Err(format!("cannot read the word pattern \"{piece}\""));
    }
    let last = words.len() - 1;
    Ok(words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let w = w.to_string();
            if prefix && i == last {
                WordPat::Prefix(w)
            } else if suffix && i == 0 {
                WordPat::Suffix(w)
            } else {
                WordPat::Exact(w)
            }
        })
        .collect())
}

impl WordPat {
    fn matches(&self, token: &Token, not_names: &HashSet<String>) -> bool {
        let t = token.norm.as_str();
        match self {
            // "po" also matches "po's".
            WordPat::Exact(w) => t == w || t.strip_suffix("'s") == Some(w.as_str()),
            WordPat::Prefix(w) => t.starts_with(w.as_str()),
            WordPat::Suffix(w) => t.ends_with(w.as_str()),
            WordPat::Name => token.capitalised && !not_names.contains(t),
        }
    }
}

impl Rules {
    fn compile(source: &str) -> Result<Rules, String> {
        let raw: RawFile = toml::from_str(source).map_err(|e| e.to_string())?;
        let lower = |list: &[String]| list.iter().map(|w| normalise(w)).collect::<HashSet<_>>();

        // Groups are numbered first so phrases and other groups can refer to them in any order.
        let mut names: Vec<&String> = raw.groups.keys().collect();
        names.sort();
        let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
        let parse = |text: &str, in_group: bool| -> Result<Pattern, String> {
            let mut elems = Vec::new();
            for piece in text.split_whitespace() {
                if piece == "..." {
                    elems.push(Elem::Gap);
                } else if piece == "<Name>" {
                    if !in_group {
                        return Err(format!("\"{text}\": <Name> may only be used inside a group"));
                    }
                    elems.push(Elem::Word(WordPat::Name));
                } else if let Some(name) = piece.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    let i = index.get(name).ok_or_else(|| format!("\"{text}\": no group named {{{name}}}"))?;
                    elems.push(Elem::Group(*i));
                } else {
                    elems.extend(word_pats(piece).map_err(|e| format!("\"{text}\": {e}"))?.into_iter().map(Elem::Word));
                }
            }
            match (elems.first(), elems.last()) {
                (None, _) => Err("an empty phrase".to_string()),
                (Some(Elem::Gap), _) | (_, Some(Elem::Gap)) => {
                    Err(format!("\"{text}\": a phrase cannot start or end with ..."))
                }
                _ => Ok(elems),
            }
        };
        let parse_all = |list: &[String], in_group: bool| -> Result<Vec<Pattern>, String> {
            list.iter().map(|p| parse(p, in_group)).collect()
        };

        let mut groups = Vec::new();
        for name in &names {
            let entries = &raw.groups[*name];
            if entries.is_empty() {
                return Err(format!("group {{{name}}} is empty"));
            }
            groups.push(parse_all(entries, true).map_err(|e| format!("group {{{name}}}: {e}"))?);
        }
        check_group_cycles(&groups, &names)?;

        let negation = parse_all(&raw.negation.phrases, false).map_err(|e| format!("[negation]: {e}"))?;
        let negation_words = negation
            .iter()
            .filter_map(|p| match p.as_slice() {
                [Elem::Word(w)] => Some(w.clone()),
                _ => None,
            })
            .collect();

        let mut rules = Vec::new();
        let mut seen = HashSet::new();
        for r in &raw.rule {
            let id = r.id.trim();
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(format!("rule id \"{id}\" must be lowercase letters, digits and dashes"));
            }
            if !seen.insert(id.to_string()) {
                return Err(format!("rule id \"{id}\" is used twice"));
            }
            let kind = GuardrailKind::parse(&r.kind).ok_or_else(|| {
                format!("rule {id}: unknown kind \"{}\" (known: {})", r.kind, GuardrailKind::CODES.join(", "))
            })?;
            if r.phrases.is_empty() {
                return Err(format!("rule {id} has no phrases"));
            }
            let context = |e: String| format!("rule {id}: {e}");
            rules.push(Rule {
                id: id.to_string(),
                kind,
                phrases: parse_all(&r.phrases, false).map_err(context)?,
                unless_before: parse_all(&r.unless_before, false).map_err(context)?,
                unless_after: parse_all(&r.unless_after, false).map_err(context)?,
                unless_in_sentence: parse_all(&r.unless_in_sentence, false).map_err(context)?,
            });
        }

        Ok(Rules {
            limits: raw.limits,
            negation,
            negation_words,
            clause_words: lower(&raw.grammar.clause_words),
            abbreviations: lower(&raw.grammar.abbreviations),
            not_names: lower(&raw.grammar.not_names),
            gap_breakers: lower(&raw.grammar.gap_breakers),
            object_followers: lower(&raw.grammar.object_followers),
            groups,
            rules,
        })
    }

    fn check(&self, note: &str) -> Vec<GuardrailWarning> {
        let tokens = self.tokenize(note);
        let mut found: Vec<(usize, usize, GuardrailWarning)> = Vec::new();
        for (order, rule) in self.rules.iter().enumerate() {
            if let Some((start, end)) = self.first_match(rule, &tokens) {
                let (from, to) = (tokens[start].start, tokens[end - 1].end);
                let warning = GuardrailWarning {
                    rule: rule.id.clone(),
                    kind: rule.kind,
                    phrase: note[from..to].to_string(),
                    start: from,
                };
                found.push((from, order, warning));
            }
        }
        found.sort_by_key(|(from, order, _)| (*from, *order));
        found.into_iter().map(|(_, _, w)| w).collect()
    }

    /// The first match of a rule that is not negated or excused by its context, as a token range.
    fn first_match(&self, rule: &Rule, tokens: &[Token]) -> Option<(usize, usize)> {
        for start in 0..tokens.len() {
            for phrase in &rule.phrases {
                let Some(end) = self.match_at(phrase, tokens, start) else { continue };
                if self.ambiguous_possessive(phrase, tokens, end)
                    || self.negated(tokens, start)
                    || self.context_before(&rule.unless_before, tokens, start)
                    || self.context_after(&rule.unless_after, tokens, start, end)
                    || self.context_in_sentence(&rule.unless_in_sentence, tokens, start)
                {
                    continue;
                }
                return Some((start, end));
            }
        }
        None
    }

    /// A phrase ending in a person group that matched "her", followed by a word that makes it "her X".
    fn ambiguous_possessive(&self, phrase: &Pattern, tokens: &[Token], end: usize) -> bool {
        matches!(phrase.last(), Some(Elem::Group(_)))
            && tokens[end - 1].norm == AMBIGUOUS_OBJECT
            && tokens.get(end).is_some_and(|next| {
                next.clause == tokens[end - 1].clause && !self.object_followers.contains(&next.norm)
            })
    }

    /// A negation phrase starts shortly before `start`, in the same clause.
    fn negated(&self, tokens: &[Token], start: usize) -> bool {
        let from = start.saturating_sub(self.limits.negation);
        (from..start).any(|p| {
            tokens[p].clause == tokens[start].clause
                && self.negation.iter().any(|n| self.match_at(n, tokens, p).is_some())
        })
    }

    /// Whether a context phrase occurs at `p` and is not itself negated ("without his permission").
    fn context_at(&self, patterns: &[Pattern], tokens: &[Token], p: usize, must_end_by: Option<usize>) -> bool {
        patterns.iter().any(|c| {
            self.match_at(c, tokens, p).is_some_and(|end| must_end_by.is_none_or(|limit| end <= limit))
                && !self.negated(tokens, p)
        })
    }

    fn context_before(&self, patterns: &[Pattern], tokens: &[Token], start: usize) -> bool {
        let from = start.saturating_sub(self.limits.before);
        (from..start)
            .any(|p| tokens[p].clause == tokens[start].clause && self.context_at(patterns, tokens, p, Some(start)))
    }

    fn context_after(&self, patterns: &[Pattern], tokens: &[Token], start: usize, end: usize) -> bool {
        let to = (end + self.limits.after).min(tokens.len());
        (end..to).any(|p| tokens[p].clause == tokens[start].clause && self.context_at(patterns, tokens, p, None))
    }

    fn context_in_sentence(&self, patterns: &[Pattern], tokens: &[Token], start: usize) -> bool {
        let sentence = tokens[start].sentence;
        (0..tokens.len()).any(|p| tokens[p].sentence == sentence && self.context_at(patterns, tokens, p, None))
    }

    /// Matches a pattern at token `pos`, within that token's clause; returns the end (exclusive).
    fn match_at(&self, pattern: &[Elem], tokens: &[Token], pos: usize) -> Option<usize> {
        let clause = tokens.get(pos)?.clause;
        self.match_seq(pattern, &Cont::Done, tokens, pos, clause)
    }

    fn match_seq(&self, elems: &[Elem], cont: &Cont<'_>, tokens: &[Token], pos: usize, clause: usize) -> Option<usize> {
        let Some((first, rest)) = elems.split_first() else {
            return match cont {
                Cont::Done => Some(pos),
                Cont::Then(next, after) => self.match_seq(next, after, tokens, pos, clause),
            };
        };
        match first {
            Elem::Word(w) => {
                let token = tokens.get(pos).filter(|t| t.clause == clause)?;
                if w.matches(token, &self.not_names) {
                    self.match_seq(rest, cont, tokens, pos + 1, clause)
                } else {
                    None
                }
            }
            Elem::Group(g) => {
                let then = Cont::Then(rest, cont);
                self.groups[*g].iter().find_map(|alt| self.match_seq(alt, &then, tokens, pos, clause))
            }
            Elem::Gap => {
                for skip in 0..=self.limits.gap {
                    if skip > 0 {
                        let t = tokens.get(pos + skip - 1).filter(|t| t.clause == clause)?;
                        if self.gap_breakers.contains(&t.norm)
                            || self.negation_words.iter().any(|n| n.matches(t, &self.not_names))
                        {
                            return None;
                        }
                    }
                    if let Some(end) = self.match_seq(rest, cont, tokens, pos + skip, clause) {
                        return Some(end);
                    }
                }
                None
            }
        }
    }

    /// Splits a note into words with their byte ranges, clause and sentence.
    fn tokenize(&self, note: &str) -> Vec<Token> {
        let chars: Vec<(usize, char)> = note.char_indices().collect();
        let mut tokens: Vec<Token> = Vec::new();
        let (mut clause, mut sentence) = (0usize, 0usize);
        let mut word_start: Option<usize> = None;
        let char_at = |i: usize| chars.get(i).map(|(_, c)| *c);

        let mut i = 0;
        while i <= chars.len() {
            let (at, c) = chars.get(i).copied().unwrap_or((note.len(), ' '));
            let prev = if i > 0 { char_at(i - 1) } else { None };
            let next = char_at(i + 1);
            let in_word = word_start.is_some();
            let continues_word = is_word_char(c)
                || (in_word && is_apostrophe(c) && next.is_some_and(char::is_alphabetic))
                || (in_word
                    && c == '.'
                    && prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit()));
            if continues_word {
                word_start.get_or_insert(at);
                i += 1;
                continue;
            }
            if let Some(from) = word_start.take() {
                let text = &note[from..at];
                let norm = normalise(text);
                if self.clause_words.contains(&norm) {
                    clause += 1;
                } else {
                    let mut letters = text.chars().filter(|c| c.is_alphabetic());
                    let capitalised =
                        letters.next().is_some_and(char::is_uppercase) && text.chars().any(char::is_lowercase);
                    tokens.push(Token { norm, start: from, end: at, clause, sentence, capitalised });
                }
            }
            match c {
                '.' => {
                    let after_abbreviation =
                        tokens.last().is_some_and(|t| t.end == at && self.abbreviations.contains(&t.norm));
                    let next_visible = chars[i + 1..].iter().map(|(_, c)| *c).find(|c| !c.is_whitespace());
                    let continues = next_visible.is_some_and(|n| n.is_lowercase() || n.is_ascii_digit());
                    if !after_abbreviation && !continues {
                        clause += 1;
                        sentence += 1;
                    }
                }
                '!' | '?' | '\n' | '\r' => {
                    clause += 1;
                    sentence += 1;
                }
                ',' | ';' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '\u{2014}' | '\u{2013}' | '\u{2026}' | '|' => {
                    clause += 1;
                }
                // A hyphen with spaces around it is a dash.
                '-' if prev.is_some_and(char::is_whitespace) && next.is_none_or(char::is_whitespace) => clause += 1,
                _ => {}
            }
            i += 1;
        }
        tokens
    }
}

/// What is left to match after the current group alternative.
enum Cont<'a> {
    Done,
    Then(&'a [Elem], &'a Cont<'a>),
}

#[derive(Debug)]
struct Token {
    norm: String,
    start: usize,
    end: usize,
    clause: usize,
    sentence: usize,
    capitalised: bool,
}

/// A group that refers to itself, directly or through others, would never finish matching.
fn check_group_cycles(groups: &[Vec<Pattern>], names: &[&String]) -> Result<(), String> {
    fn visit(g: usize, groups: &[Vec<Pattern>], state: &mut [u8], names: &[&String]) -> Result<(), String> {
        match state[g] {
            1 => return Err(format!("group {{{}}} refers to itself", names[g])),
            2 => return Ok(()),
            _ => {}
        }
        state[g] = 1;
        for alt in &groups[g] {
            for elem in alt {
                if let Elem::Group(h) = elem {
                    visit(*h, groups, state, names)?;
                }
            }
        }
        state[g] = 2;
        Ok(())
    }
    let mut state = vec![0u8; groups.len()];
    (0..groups.len()).try_for_each(|g| visit(g, groups, &mut state, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule ids the note triggers, in order.
    fn rules_of(note: &str) -> Vec<String> {
        check(note).into_iter().map(|w| w.rule).collect()
    }

    /// Notes that must warn, with the rule each must trigger. Every rule in the file needs one.
    const POSITIVE: &[(&str, &str)] = &[
        // Clinical
        ("I counselled him about his trauma.", "clinical-counselling"),
        ("Counseled Maria on her grief for most of the visit.", "clinical-counselling"),
        ("I provided counselling around her relationship.", "clinical-counselling"),
        ("Provided therapy for his anxiety.", "clinical-therapy"),
        ("Did CBT with him on his negative thoughts.", "clinical-therapy"),
        ("I conducted a therapy session at the library.", "clinical-therapy"),
        ("Gave her some EMDR to settle the flashbacks.", "clinical-therapy"),
        ("I treated him for withdrawal symptoms.", "clinical-treatment"),
        ("Developed a treatment plan with goals for the month.", "clinical-treatment"),
        ("Completed a psychosocial assessment at our first meeting.", "clinical-treatment"),
        ("We processed her trauma from childhood.", "clinical-trauma-processing"),
        ("I worked through his trauma with him.", "clinical-trauma-processing"),
        // Drug testing
        ("Did a urine screen before the session.", "drug-test-conducted"),
        ("I administered a drug test this morning.", "drug-test-conducted"),
        ("Collected a UA at the start of the visit.", "drug-test-conducted"),
        ("Observed his UA in the centre bathroom.", "drug-test-conducted"),
        ("Witnessed her urine screen at the recovery house.", "drug-test-conducted"),
        ("Ran a UA on him.", "drug-test-conducted"),
        ("I tested her for fentanyl with a swab.", "drug-test-person"),
        ("Drug tested him again today.", "drug-test-person"),
        ("Breathalyzed him when he arrived.", "drug-test-person"),
        // Diagnosing
        ("I diagnosed him with PTSD.", "diagnosing-active"),
        ("Diagnosed her with an anxiety disorder.", "diagnosing-active"),
        ("My diagnosis is that he is depressed.", "diagnosing-active"),
        ("He appears to have bipolar.", "diagnosing-impression"),
        ("She presents with depression and low energy.", "diagnosing-impression"),
        ("Client meets criteria for PTSD.", "diagnosing-impression"),
        ("I think he has ADHD.", "diagnosing-impression"),
        ("Behaviour is consistent with schizophrenia.", "diagnosing-impression"),
        ("Sounds like depression to me.", "diagnosing-impression"),
        ("I believe she is bipolar.", "diagnosing-impression"),
        ("She is showing symptoms of a personality disorder.", "diagnosing-symptoms"),
        ("Noticed manic symptoms during our walk.", "diagnosing-symptoms"),
        // Advice
        ("Told him he should go back to meetings.", "advice-told"),
        ("I told her to leave her boyfriend.", "advice-told"),
        ("Told Maria she needs to stop drinking.", "advice-told"),
        ("I told them what to do about the eviction.", "advice-told"),
        ("Told him not to go to the party.", "advice-told"),
        ("Advised her to take the job.", "advice-advised"),
        ("My advice was to wait a week.", "advice-advised"),
        ("I gave him some advice about his ex.", "advice-advised"),
        ("I recommended she apply for the program.", "advice-recommended"),
        ("Recommended that he stop seeing those friends.", "advice-recommended"),
        ("I said \"you need to get a sponsor\".", "advice-you-need-to"),
        ("Told him: you should call your sister.", "advice-you-need-to"),
        // Doing for
        ("Filled out the application for him.", "doing-for-forms"),
        ("I completed her forms for her.", "doing-for-forms"),
        ("Filled out his housing application.", "doing-for-forms"),
        ("Submitted his application for him online.", "doing-for-forms"),
        ("Wrote his resume for him.", "doing-for-writing"),
        ("I wrote her cover letter last night.", "doing-for-writing"),
        ("Made the call for her.", "doing-for-calls"),
        ("Called the landlord for him.", "doing-for-calls"),
        ("I emailed the landlord for him.", "doing-for-calls"),
        ("Booked her dentist appointment for her.", "doing-for-appointments"),
        ("Scheduled his doctor's appointment.", "doing-for-appointments"),
        ("Did it for him since it was quicker.", "doing-for-general"),
        ("Took care of it for her.", "doing-for-general"),
        ("Called the landlord on his behalf without asking.", "doing-for-behalf"),
        ("Spoke to the caseworker on behalf of the client.", "doing-for-behalf"),
        ("Spoke with his caseworker on his behalf.", "doing-for-behalf"),
    ];

    /// Notes that must not warn at all.
    const NEGATIVE: &[&str] = &[
        // Negated
        "I did not diagnose him.",
        "I didn't give advice, I asked what he thought.",
        "I didn’t give her advice.",
        "Never told him to quit.",
        "No drug test was done.",
        "Went through the form with her without doing it for her.",
        "Avoided giving advice about the custody case.",
        "I was careful not to tell him what to do.",
        "Refrained from giving him advice.",
        "Rather than telling her what to do, we listed options.",
        "I didn't fill out the form for her, I sat with her while she did.",
        "Made sure I did not counsel him on his trauma.",
        // Other services, which we link to
        "Referred to counselling at the community clinic.",
        "Linked her to therapy at Riverside.",
        "Her therapist is helping with the flashbacks.",
        "His counsellor counselled him about his grief.",
        "The clinic did a drug test.",
        "Probation drug tests him every Friday.",
        "His doctor diagnosed him with diabetes.",
        "He was diagnosed with bipolar disorder in 2015.",
        "She was diagnosed with PTSD after the accident.",
        "Attended an outpatient treatment program.",
        "She did a UA at probation.",
        "He has to do a UA for his PO on Monday.",
        "His PO told him he should get a job.",
        "His sponsor advised him to call every day.",
        "She said her psychiatrist recommended she try a new medication.",
        "Helped her find a therapist who takes her insurance.",
        "Gave him a list of therapy options.",
        "He reported symptoms of depression.",
        "He talked about his PTSD symptoms.",
        "She is coping with bipolar symptoms.",
        "He may have been diagnosed with bipolar as a teen.",
        "Gave a clean UA to probation today.",
        "Gave him fentanyl test strips and naloxone.",
        // Permission and doing it together
        "With her permission I called the landlord for her.",
        "With her permission, I called the landlord for her.",
        "At his request I phoned the landlord on his behalf.",
        "He asked me to call the clinic for him.",
        "We filled out the application together for him.",
        "Helped him fill out his application.",
        "Sat with her while she filled out her forms.",
        "Called 911 for him when he overdosed.",
        "Called her for her appointment reminder.",
        "Called the clinic about her appointment.",
        "Made the call for her mom's ride.",
        // Everyday wording that is fine
        "Told him to call me if anything came up.",
        "Told her to bring her ID to the appointment.",
        "Let me know if you need to talk.",
        "Asked what he thinks he should do next.",
        "What do you think you need to do?",
        "He asked for advice and we talked through options.",
        "He seems to have more energy this week.",
        "He was presented with his one year chip.",
        "Recommended the food bank on Main Street.",
        "Recommended Maria for a peer mentor role.",
        "She made her appointment on time.",
        "Screened him for suicide risk with the C-SSRS.",
        "Completed the referral form for him.",
        "Drove him to his appointment.",
        "Shared my own story of getting sober.",
        "Went over the BARC-10 with her and she scored 38.",
        "She has been going to therapy weekly.",
        "He tested positive for COVID so we met by phone.",
        "Screened him for substance use with the intake questions.",
        "Collected his UA cup from the lab for probation.",
        "The group gave him a lot of advice.",
        "She completed her psychosocial assessment at Riverside.",
        "He did therapy for two years before.",
        "He thinks he might have ADHD and wants an assessment.",
        "I diagnosed the problem with his bike chain.",
        "You should have seen his face when he got the keys!",
        "Advised her that the office closes at 5.",
        "Told him to take it one day at a time.",
        "Told him he should be proud of his progress.",
        "I told him he needs to decide for himself.",
        "He told her she should leave.",
        // Someone else acting for the person, or the person's own things
        "His lawyer spoke on his behalf at the hearing.",
        "Called him for his birthday.",
        "Filled out the form for her husband.",
        "Wrote his email address on the form.",
        "Booked her appointment while she watched so she could do it next time.",
        "Called the shelter for him and handed him the phone.",
        "",
    ];

    #[test]
    fn rules_file_is_valid() {
        let rules = Rules::compile(RULES_TOML).expect("guardrails.toml compiles");
        let mut ids = HashSet::new();
        for rule in &rules.rules {
            assert!(ids.insert(rule.id.clone()), "duplicate rule id {}", rule.id);
            assert!(!rule.phrases.is_empty(), "rule {} has no phrases", rule.id);
            assert!(GuardrailKind::ALL.contains(&rule.kind));
        }
        assert!(rules.rules.len() >= 10);
        // Every kind has at least one rule.
        for kind in GuardrailKind::ALL {
            assert!(rules.rules.iter().any(|r| r.kind == *kind), "no rule for {kind}");
        }
    }

    #[test]
    fn every_rule_has_a_positive_example() {
        let covered: HashSet<&str> = POSITIVE.iter().map(|(_, rule)| *rule).collect();
        for rule in &RULES.rules {
            assert!(covered.contains(rule.id.as_str()), "rule {} has no example note in POSITIVE", rule.id);
        }
        for (_, rule) in POSITIVE {
            assert!(RULES.rules.iter().any(|r| r.id == *rule), "POSITIVE names unknown rule {rule}");
        }
    }

    #[test]
    fn positive_notes_warn() {
        let mut failures = Vec::new();
        for (note, rule) in POSITIVE {
            let found = rules_of(note);
            if !found.iter().any(|r| r == rule) {
                failures.push(format!("{note:?}: expected {rule}, got {found:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn negative_notes_do_not_warn() {
        let mut failures = Vec::new();
        for note in NEGATIVE {
            let found = check(note);
            if !found.is_empty() {
                failures.push(format!("{note:?}: {found:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn kinds_follow_rules() {
        let kind_of = |note: &str| check(note).first().map(|w| w.kind);
        assert_eq!(kind_of("Provided therapy."), Some(GuardrailKind::Clinical));
        assert_eq!(kind_of("Collected a UA."), Some(GuardrailKind::DrugTesting));
        assert_eq!(kind_of("I diagnosed her."), Some(GuardrailKind::Diagnosing));
        assert_eq!(kind_of("Advised him to move."), Some(GuardrailKind::Advice));
        assert_eq!(kind_of("Filled out the form for her."), Some(GuardrailKind::DoingFor));
    }

    #[test]
    fn offsets_point_at_the_phrase() {
        let notes = POSITIVE.iter().map(|(n, _)| *n).chain([
            "Met at the café — I told him he should call his mum. Then made the call for him.",
            "Résumé work: wrote his résumé for him; he didn’t want to.",
        ]);
        for note in notes {
            let warnings = check(note);
            assert!(!warnings.is_empty(), "{note}");
            for w in warnings {
                assert_eq!(&note[w.start..w.start + w.phrase.len()], w.phrase, "{note}");
            }
        }
    }

    #[test]
    fn phrase_is_the_original_text() {
        let note = "Met him at the library. I Told Him He SHOULD call his sister.";
        let w = check(note);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].rule, "advice-told");
        assert_eq!(w[0].phrase, "Told Him He SHOULD");
        assert_eq!(w[0].start, note.find("Told").unwrap());
    }

    #[test]
    fn case_does_not_matter() {
        assert_eq!(rules_of("I COUNSELLED HIM ABOUT HIS GRIEF."), vec!["clinical-counselling"]);
        assert_eq!(rules_of("advised her to call"), vec!["advice-advised"]);
        assert_eq!(rules_of("ADMINISTERED A DRUG TEST"), vec!["drug-test-conducted"]);
    }

    #[test]
    fn curly_apostrophes_count_as_plain_ones() {
        assert!(check("I didn’t tell him what to do.").is_empty());
        assert!(check("I didn‘t give him advice.").is_empty());
        assert_eq!(rules_of("Booked the client’s appointment for him."), vec!["doing-for-appointments"]);
        let w = check("You’d better call her, I said.");
        assert_eq!(w[0].phrase, "You’d better");
    }

    #[test]
    fn several_warnings_in_order_of_appearance() {
        let note = "Drug tested him first. Then I told him he should move out, and I filled out the lease \
                    renewal for him. I think he has PTSD.";
        let w = check(note);
        let rules: Vec<&str> = w.iter().map(|w| w.rule.as_str()).collect();
        assert_eq!(rules, vec!["drug-test-person", "advice-told", "doing-for-forms", "diagnosing-impression"]);
        assert!(w.windows(2).all(|p| p[0].start < p[1].start));
        assert_eq!(w[0].phrase, "Drug tested him");
        assert_eq!(w[2].phrase, "filled out the lease renewal for him");
    }

    #[test]
    fn one_warning_per_rule() {
        let w = check("Told him to leave. Later told him to quit. Also told her she should stay.");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].phrase, "Told him to");
        assert_eq!(w[0].start, 0);
    }

    #[test]
    fn negation_only_reaches_within_the_clause() {
        // The "not" belongs to a different clause, so the warning stands.
        assert_eq!(rules_of("He was not sure, so I told him he should go."), vec!["advice-told"]);
        assert_eq!(rules_of("She couldn't read the form, I filled it out for her."), vec!["doing-for-forms"]);
        assert!(check("I did not, and would not, diagnose anyone.").is_empty());
    }

    #[test]
    fn permission_must_be_given_not_missing() {
        assert!(check("With his permission I called the landlord on his behalf.").is_empty());
        assert_eq!(rules_of("Without his permission I called the landlord on his behalf."), vec!["doing-for-behalf"]);
        assert_eq!(rules_of("Called the landlord for him; didn't ask permission first."), vec!["doing-for-calls"]);
    }

    #[test]
    fn her_as_a_possessive_is_not_a_person() {
        assert!(check("Called the pharmacy for her prescription.").is_empty());
        assert_eq!(rules_of("Called the pharmacy for her."), vec!["doing-for-calls"]);
        assert_eq!(rules_of("Called the pharmacy for her today."), vec!["doing-for-calls"]);
    }

    #[test]
    fn abbreviations_do_not_end_a_sentence() {
        assert!(check("Dr. Patel diagnosed him with bipolar.").is_empty());
        assert_eq!(rules_of("Dr. Patel was away. I diagnosed him myself."), vec!["diagnosing-active"]);
    }

    #[test]
    fn kind_codes_and_message_ids() {
        for kind in GuardrailKind::ALL {
            assert_eq!(GuardrailKind::parse(kind.code()), Some(*kind));
        }
        assert_eq!(GuardrailKind::DrugTesting.code(), "drug-testing");
        assert_eq!(GuardrailKind::DoingFor.message_id(), "guardrail-kind-doing-for");
        assert_eq!(GuardrailKind::parse("nonsense"), None);
        let json = serde_json::to_string(&check("Provided therapy.")[0]).unwrap();
        assert!(json.contains(r#""kind":"clinical""#), "{json}");
    }

    #[test]
    fn english_messages_exist_for_every_kind() {
        use crate::i18n::Tr;
        let tr = Tr::new(crate::domain::codes::UiLanguage::En);
        for kind in GuardrailKind::ALL {
            for id in [kind.message_id(), format!("guardrail-why-{}", kind.code())] {
                assert_ne!(tr.t(&id), id, "missing English message {id}");
            }
        }
        assert_eq!(tr.t1("guardrail-found", "phrase", "told him to"), "This note mentions “told him to”.");
        assert_ne!(tr.t("guardrail-heading"), "guardrail-heading");
    }

    #[test]
    fn malformed_rules_are_rejected() {
        let base = "[limits]\ngap = 3\nnegation = 3\nbefore = 6\nafter = 4\n[negation]\nphrases = [\"not\"]\n\
                    [grammar]\nclause_words = []\nabbreviations = []\nnot_names = []\ngap_breakers = []\n\
                    object_followers = []\n[groups]\nx = [\"a\"]\n";
        let with = |rules: &str| Rules::compile(&format!("{base}{rules}"));
        assert!(with("[[rule]]\nid = \"ok\"\nkind = \"advice\"\nphrases = [\"a {x}\"]\n").is_ok());
        let err = |rules: &str| with(rules).err().unwrap_or_default();
        assert!(err("[[rule]]\nid = \"a\"\nkind = \"nope\"\nphrases = [\"a\"]\n").contains("unknown kind"));
        assert!(err("[[rule]]\nid = \"a\"\nkind = \"advice\"\nphrases = []\n").contains("no phrases"));
        assert!(err("[[rule]]\nid = \"a\"\nkind = \"advice\"\nphrases = [\"{y}\"]\n").contains("no group"));
        assert!(err("[[rule]]\nid = \"a\"\nkind = \"advice\"\nphrases = [\"... a\"]\n").contains("start or end"));
        let twice = "[[rule]]\nid = \"a\"\nkind = \"advice\"\nphrases = [\"a\"]\n";
        assert!(err(&format!("{twice}{twice}")).contains("twice"));
        assert!(
            err("[[rule]]\nid = \"a\"\nkind = \"advice\"\nphrases = [\"a\"]\nunless = [\"b\"]\n")
                .contains("unknown field")
        );
        let cyclic = base.replace("x = [\"a\"]", "x = [\"{x} a\"]");
        assert!(
            Rules::compile(&format!("{cyclic}[[rule]]\nid = \"a\"\nkind = \"advice\"\nphrases = [\"a\"]\n")).is_err()
        );
    }
}
