//! Forgiving person search: names are indexed as trigrams (portable to both databases) and
//! candidates are re-ranked by string similarity, so one wrong letter still finds the person.

use std::collections::BTreeSet;

/// Lower-case ASCII words: accents folded ("Zoë Núñez" → "zoe nunez"), punctuation dropped.
pub fn normalize(text: &str) -> String {
    let folded = deunicode::deunicode(text).to_ascii_lowercase();
    let cleaned: String = folded.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Trigrams of each word, padded like PostgreSQL's pg_trgm ("  an", " an", "ana", "na ").
pub fn name_trigrams(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for word in normalize(text).split(' ').filter(|w| !w.is_empty()) {
        let padded: Vec<char> = format!("  {word} ").chars().collect();
        for window in padded.windows(3) {
            out.insert(window.iter().collect());
        }
    }
    out
}

/// What the search box was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    Empty,
    Id(uuid::Uuid),
    RecordNumber(i64),
    Phone(String),
    Name(String),
}

impl Query {
    pub fn parse(raw: &str) -> Query {
        // Nobody types more than a name and a phone number; longer text only makes huge queries.
        let bounded: String = raw.chars().take(100).collect();
        let trimmed = bounded.trim();
        if trimmed.is_empty() {
            return Query::Empty;
        }
        if let Ok(id) = uuid::Uuid::parse_str(trimmed) {
            return Query::Id(id);
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let mostly_digits = trimmed.chars().all(|c| c.is_ascii_digit() || " ()+-.".contains(c));
        if mostly_digits && digits.len() >= 4 {
            return Query::Phone(digits);
        }
        if let Some(n) = super::person::parse_record_number(trimmed) {
            return Query::RecordNumber(n);
        }
        let name = normalize(trimmed);
        if name.is_empty() { Query::Empty } else { Query::Name(name) }
    }

    /// Trigrams to look up in the index.
    pub fn trigrams(&self) -> BTreeSet<String> {
        match self {
            Query::Name(name) => name_trigrams(name),
            _ => BTreeSet::new(),
        }
    }

    /// A candidate must share at least this many trigrams to be considered.
    pub fn min_shared(&self) -> usize {
        (self.trigrams().len() * 2 / 5).max(1)
    }
}

/// The names of a candidate, as shown in results.
pub struct CandidateNames<'a> {
    pub given: &'a str,
    pub family: &'a str,
    pub preferred: Option<&'a str>,
}

/// How well a name query matches a person, 0.0–1.0: each query word is matched to the person's
/// closest name word (Jaro-Winkler), and the words' scores are averaged.
pub fn name_score(query: &str, names: &CandidateNames<'_>) -> f64 {
    let words: Vec<String> = [Some(names.given), Some(names.family), names.preferred]
        .into_iter()
        .flatten()
        .flat_map(|n| normalize(n).split(' ').map(str::to_string).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect();
    let query_words: Vec<&str> = query.split(' ').filter(|w| !w.is_empty()).collect();
    if query_words.is_empty() || words.is_empty() {
        return 0.0;
    }
    let total: f64 = query_words.iter().map(|q| words.iter().map(|w| word_score(q, w)).fold(0.0, f64::max)).sum();
    total / query_words.len() as f64
}

fn word_score(query: &str, word: &str) -> f64 {
    // A typed prefix ("mar" for "martinez") is a full match: people type the start of names.
    if query.len() >= 2 && word.starts_with(query) {
        return 1.0;
    }
    strsim::jaro_winkler(query, word)
}

/// Results scoring below this are not shown.
pub const MIN_NAME_SCORE: f64 = 0.84;

/// Why an existing record may be the same person as a new one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DuplicateSignals {
    pub name_similarity: f64,
    pub same_birth_date: bool,
    pub same_phone: bool,
}

impl DuplicateSignals {
    /// Similar names with the same birth date or phone; or the same phone with a loosely similar
    /// name (family members share phones); or a near-identical name and birth date unknown.
    pub fn is_likely_duplicate(&self, birth_date_known_on_both: bool) -> bool {
        let s = self.name_similarity;
        (s >= 0.85 && (self.same_birth_date || self.same_phone))
            || (self.same_phone && s >= 0.70)
            || (s >= 0.97 && !birth_date_known_on_both)
    }
}

/// Similarity of two full names, order-insensitive ("Garcia Maria" ≈ "Maria Garcia").
pub fn full_name_similarity(a_given: &str, a_family: &str, b_given: &str, b_family: &str) -> f64 {
    let straight = strsim::jaro_winkler(
        &normalize(&format!("{a_given} {a_family}")),
        &normalize(&format!("{b_given} {b_family}")),
    );
    let crossed = strsim::jaro_winkler(
        &normalize(&format!("{a_family} {a_given}")),
        &normalize(&format!("{b_given} {b_family}")),
    );
    straight.max(crossed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names<'a>(given: &'a str, family: &'a str) -> CandidateNames<'a> {
        CandidateNames { given, family, preferred: None }
    }

    #[test]
    fn accents_and_case_are_folded() {
        assert_eq!(normalize("  Zoë  NÚÑEZ-Ortiz "), "zoe nunez ortiz");
    }

    #[test]
    fn query_kinds() {
        assert_eq!(Query::parse("555-0134"), Query::Phone("5550134".into()));
        assert_eq!(Query::parse("MS-000042"), Query::RecordNumber(42));
        assert_eq!(Query::parse("42"), Query::RecordNumber(42));
        assert_eq!(Query::parse("María"), Query::Name("maria".into()));
        assert_eq!(Query::parse("  "), Query::Empty);
        let id = uuid::Uuid::from_u128(7);
        assert_eq!(Query::parse(&id.to_string()), Query::Id(id));
    }

    #[test]
    fn one_typo_still_scores_above_threshold() {
        assert!(name_score("jonh", &names("John", "Okafor")) >= MIN_NAME_SCORE);
        assert!(name_score("okafro", &names("John", "Okafor")) >= MIN_NAME_SCORE);
        assert!(name_score("john okafor", &names("John", "Okafor")) > 0.99);
        assert!(name_score("okafor", &names("Priya", "Raman")) < MIN_NAME_SCORE);
    }

    #[test]
    fn typo_shares_enough_trigrams_to_be_a_candidate() {
        let query = Query::parse("Okafro");
        let shared = query.trigrams().intersection(&name_trigrams("John Okafor")).count();
        assert!(shared >= query.min_shared());
    }

    #[test]
    fn duplicate_rule() {
        let same_dob = DuplicateSignals { name_similarity: 0.9, same_birth_date: true, same_phone: false };
        assert!(same_dob.is_likely_duplicate(true));
        let name_only = DuplicateSignals { name_similarity: 0.9, ..Default::default() };
        assert!(!name_only.is_likely_duplicate(true));
        let identical_unknown_dob = DuplicateSignals { name_similarity: 1.0, ..Default::default() };
        assert!(identical_unknown_dob.is_likely_duplicate(false));
        assert!(full_name_similarity("Maria", "Garcia", "Garcia", "Maria") > 0.99);
    }

    proptest! {
        #[test]
        fn exact_name_always_matches_itself(given in "[A-Za-z]{2,12}", family in "[A-Za-z]{2,12}") {
            let query = normalize(&format!("{given} {family}"));
            prop_assert!(name_score(&query, &names(&given, &family)) > 0.99);
            let q = Query::Name(query);
            let shared = q.trigrams().intersection(&name_trigrams(&format!("{given} {family}"))).count();
            prop_assert!(shared >= q.min_shared());
        }

        #[test]
        fn normalize_never_panics(text in "\\PC{0,40}") {
            let _ = normalize(&text);
            let _ = Query::parse(&text);
        }
    }
}
