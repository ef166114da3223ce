//! Directory search (6.01 matching): free text with synonyms, light stemming and typo tolerance;
//! filters by taxonomy, language, cost, age, opening hours, distance, organisation and change
//! time; ranking by relevance with boosts for the person's language and nearness.
//!
//! The index lives in `directory_terms` (one row per service and term). Words carry a weight by
//! the field they came from; facts the filters need (status, languages, ages, hours, places…)
//! are stored beside them as `#`-prefixed terms, which normalised words never start with. Every
//! write calls `reindex` inside its transaction, which also bumps the organisation's index
//! generation (a row with an empty service id).
//!
//! A search reads that generation (one primary-key lookup) and, when it changed, reloads only the
//! services reindexed since (each reindex leaves a `#changed:<generation>` term) into an
//! in-memory copy of the index; matching, filtering and ranking then run in memory over it. So a
//! search costs one indexed query, readers never see uncommitted changes, and several app
//! servers over one PostgreSQL stay consistent.

use super::resources::{self, Resource};
use super::rows::Row;
use crate::domain::directory::ResourceFact;
use crate::domain::search::normalize;
use jiff::civil::{Date as CivilDate, DateTime, Weekday};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};
use uuid::Uuid;

// ---------- words ----------

/// Words that carry no need: dropped from queries and from the index.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "at", "by", "with", "from", "near", "me", "my", "i",
    "we", "our", "you", "your", "is", "are", "be", "can", "get", "some", "any", "that", "this", "it", "as", "who",
    "where", "what", "how", "need", "needs", "looking", "find", "want", "please", "help", "de", "la", "el", "los",
    "las", "y", "para", "en", "con", "por", "le", "les", "des", "du", "et", "pour", "avec",
];

/// A light English stemmer: plurals, -ing, -ed and a final -e, so "meals" finds "meal" and
/// "housing" finds "house". Deliberately milder than Porter/Snowball, which conflate distinct
/// needs ("organization" → "organ", "policy"/"police" → "polic"); synonyms and typo tolerance
/// cover the rest.
pub fn stem(word: &str) -> String {
    let w = word;
    if w.len() <= 3 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return w.to_string();
    }
    let mut s = if let Some(base) = w.strip_suffix("ies").filter(|b| b.len() >= 2) {
        format!("{base}y")
    } else if let Some(base) = w.strip_suffix("sses") {
        format!("{base}ss")
    } else if let Some(base) =
        w.strip_suffix("es").filter(|b| b.ends_with("sh") || b.ends_with("ch") || b.ends_with('x') || b.ends_with('z'))
    {
        base.to_string()
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    };
    let has_vowel = |b: &str| b.bytes().any(|c| b"aeiouy".contains(&c));
    for suffix in ["ing", "ed"] {
        if let Some(base) = s.strip_suffix(suffix).filter(|b| b.len() >= 4 && has_vowel(b)) {
            let bytes = base.as_bytes();
            let n = bytes.len();
            // "shopping" → "shop", but "falling" keeps "fall".
            s = if bytes[n - 1] == bytes[n - 2] && !b"lsz".contains(&bytes[n - 1]) && !has_vowel(&base[n - 1..]) {
                base[..n - 1].to_string()
            } else {
                base.to_string()
            };
            break;
        }
    }
    if s.len() > 4 && s.ends_with('e') {
        s.pop();
    }
    s
}

/// The index words of a text: normalised, stop words dropped, stemmed.
pub fn index_words(text: &str) -> Vec<String> {
    normalize(text).split(' ').filter(|w| !w.is_empty() && !STOP_WORDS.contains(w)).map(stem).collect()
}

// ---------- synonyms ----------

struct Synonyms {
    /// Each group's members, each member as its stemmed words.
    groups: Vec<Vec<Vec<String>>>,
    /// Member → the groups it belongs to.
    member_groups: HashMap<Vec<String>, Vec<usize>>,
    longest: usize,
    /// Every stemmed word used by a member (typos are corrected towards these too).
    words: HashSet<String>,
}

static SYNONYMS: LazyLock<Synonyms> = LazyLock::new(|| {
    #[derive(serde::Deserialize)]
    struct File {
        groups: Vec<Vec<String>>,
    }
    let file: File = toml::from_str(include_str!("synonyms.toml")).expect("synonyms.toml is valid");
    let mut synonyms =
        Synonyms { groups: Vec::new(), member_groups: HashMap::new(), longest: 1, words: HashSet::new() };
    for group in file.groups {
        let index = synonyms.groups.len();
        let members: Vec<Vec<String>> = group.iter().map(|m| index_words(m)).filter(|w| !w.is_empty()).collect();
        for member in &members {
            synonyms.longest = synonyms.longest.max(member.len());
            synonyms.words.extend(member.iter().cloned());
            synonyms.member_groups.entry(member.clone()).or_default().push(index);
        }
        synonyms.groups.push(members);
    }
    synonyms
});

// ---------- languages ----------

/// A language as people name it: its key (ISO 639-1, or 639-3 where there is none), other codes,
/// and names in English, in the language itself and in the interface languages.
struct Language {
    key: &'static str,
    codes: &'static [&'static str],
    names: &'static [&'static str],
    /// Languages this one includes (a service offering "Chinese" serves a Mandarin speaker).
    includes: &'static [&'static str],
}

const fn lang(
    key: &'static str,
    codes: &'static [&'static str],
    names: &'static [&'static str],
    includes: &'static [&'static str],
) -> Language {
    Language { key, codes, names, includes }
}

const LANGUAGES: &[Language] = &[
    lang("en", &["eng"], &["English", "Inglés", "Anglais"], &[]),
    lang("es", &["spa"], &["Spanish", "Español", "Castellano", "Espagnol", "Castilian"], &[]),
    lang("fr", &["fra", "fre"], &["French", "Français", "Francés"], &[]),
    lang("zh", &["zho", "chi"], &["Chinese", "中文", "Chino", "Chinois"], &["cmn", "yue"]),
    lang("cmn", &[], &["Mandarin", "Mandarin Chinese", "普通话", "Putonghua", "Mandarín"], &[]),
    lang("yue", &[], &["Cantonese", "廣東話", "Cantonés", "Cantonais"], &[]),
    lang("vi", &["vie"], &["Vietnamese", "Tiếng Việt", "Vietnamita", "Vietnamien"], &[]),
    lang("ar", &["ara"], &["Arabic", "العربية", "Árabe", "Arabe"], &[]),
    lang("tl", &["tgl", "fil"], &["Tagalog", "Filipino", "Tagalo"], &[]),
    lang(
        "ht",
        &["hat"],
        &["Haitian Creole", "Kreyòl Ayisyen", "Kreyol", "Creole", "Créole haïtien", "Criollo haitiano"],
        &[],
    ),
    lang(
        "ase",
        &["asl"],
        &["American Sign Language", "ASL", "Lengua de señas americana", "Langue des signes américaine"],
        &[],
    ),
    lang("fcs", &["lsq"], &["Quebec Sign Language", "Langue des signes québécoise", "LSQ"], &[]),
    lang("so", &["som"], &["Somali", "Soomaali", "Somalí"], &[]),
    lang("nv", &["nav"], &["Navajo", "Diné Bizaad", "Dine"], &[]),
    lang("pt", &["por"], &["Portuguese", "Português", "Portugués", "Portugais"], &[]),
    lang("ru", &["rus"], &["Russian", "Русский", "Ruso", "Russe"], &[]),
    lang("uk", &["ukr"], &["Ukrainian", "Українська", "Ucraniano", "Ukrainien"], &[]),
    lang("ko", &["kor"], &["Korean", "한국어", "Coreano", "Coréen"], &[]),
    lang("ja", &["jpn"], &["Japanese", "日本語", "Japonés", "Japonais"], &[]),
    lang("de", &["deu", "ger"], &["German", "Deutsch", "Alemán", "Allemand"], &[]),
    lang("it", &["ita"], &["Italian", "Italiano", "Italien"], &[]),
    lang("pl", &["pol"], &["Polish", "Polski", "Polaco", "Polonais"], &[]),
    lang("hi", &["hin"], &["Hindi", "हिन्दी"], &[]),
    lang("ur", &["urd"], &["Urdu", "اردو", "Ourdou"], &[]),
    lang("bn", &["ben"], &["Bengali", "Bangla", "বাংলা"], &[]),
    lang("pa", &["pan"], &["Punjabi", "Panjabi", "ਪੰਜਾਬੀ", "Pendjabi"], &[]),
    lang("gu", &["guj"], &["Gujarati", "ગુજરાતી"], &[]),
    lang("ta", &["tam"], &["Tamil", "தமிழ்", "Tamoul"], &[]),
    lang("te", &["tel"], &["Telugu", "తెలుగు"], &[]),
    lang("ne", &["nep"], &["Nepali", "नेपाली"], &[]),
    lang("fa", &["fas", "per"], &["Persian", "Farsi", "فارسی", "Persa", "Persan"], &["prs"]),
    lang("prs", &[], &["Dari", "دری"], &[]),
    lang("ps", &["pus"], &["Pashto", "Pashtu", "پښتو", "Pastún", "Pachto"], &[]),
    lang("am", &["amh"], &["Amharic", "አማርኛ", "Amárico", "Amharique"], &[]),
    lang("ti", &["tir"], &["Tigrinya", "ትግርኛ", "Tigriña", "Tigrigna"], &[]),
    lang("om", &["orm"], &["Oromo", "Afaan Oromoo"], &[]),
    lang("sw", &["swa"], &["Swahili", "Kiswahili", "Suajili"], &[]),
    lang("rw", &["kin"], &["Kinyarwanda"], &[]),
    lang("yo", &["yor"], &["Yoruba", "Yorùbá"], &[]),
    lang("ig", &["ibo"], &["Igbo"], &[]),
    lang("hmn", &[], &["Hmong", "Hmoob"], &[]),
    lang("km", &["khm"], &["Khmer", "Cambodian", "ខ្មែរ", "Camboyano", "Cambodgien"], &[]),
    lang("lo", &["lao"], &["Lao", "Laotian", "ລາວ"], &[]),
    lang("my", &["mya", "bur"], &["Burmese", "Myanmar", "မြန်မာ", "Birmano", "Birman"], &[]),
    lang("kar", &[], &["Karen"], &[]),
    lang("th", &["tha"], &["Thai", "ไทย", "Tailandés", "Thaï"], &[]),
    lang("id", &["ind"], &["Indonesian", "Bahasa Indonesia", "Indonesio", "Indonésien"], &[]),
    lang("ms", &["msa", "may"], &["Malay", "Bahasa Melayu", "Malayo", "Malais"], &[]),
    lang("tr", &["tur"], &["Turkish", "Türkçe", "Turco", "Turc"], &[]),
    lang("el", &["ell", "gre"], &["Greek", "Ελληνικά", "Griego", "Grec"], &[]),
    lang("he", &["heb"], &["Hebrew", "עברית", "Hebreo", "Hébreu"], &[]),
    lang("yi", &["yid"], &["Yiddish", "ייִדיש"], &[]),
    lang("hy", &["hye", "arm"], &["Armenian", "Հայերեն", "Armenio", "Arménien"], &[]),
    lang("ro", &["ron", "rum"], &["Romanian", "Română", "Rumano", "Roumain"], &[]),
    lang("sq", &["sqi", "alb"], &["Albanian", "Shqip", "Albanés", "Albanais"], &[]),
    lang("sr", &["srp"], &["Serbian", "Српски", "Serbio", "Serbe"], &[]),
    lang("hr", &["hrv"], &["Croatian", "Hrvatski", "Croata", "Croate"], &[]),
    lang("bs", &["bos"], &["Bosnian", "Bosanski", "Bosnio", "Bosniaque"], &[]),
    lang("cr", &["cre"], &["Cree", "Nēhiyawēwin", "Cri"], &[]),
    lang("oj", &["oji"], &["Ojibwe", "Ojibwa", "Anishinaabemowin"], &[]),
    lang("iu", &["iku"], &["Inuktitut", "ᐃᓄᒃᑎᑐᑦ"], &[]),
    lang("chk", &[], &["Chuukese", "Trukese"], &[]),
    lang("mh", &["mah"], &["Marshallese", "Kajin M̧ajeļ"], &[]),
    lang("sm", &["smo"], &["Samoan", "Gagana Samoa"], &[]),
    lang("to", &["ton"], &["Tongan", "Lea faka-Tonga"], &[]),
    lang("ilo", &[], &["Ilocano", "Ilokano"], &[]),
    lang("ceb", &[], &["Cebuano", "Bisaya"], &[]),
];

static LANGUAGE_LOOKUP: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for (i, l) in LANGUAGES.iter().enumerate() {
        map.insert(l.key.to_string(), i);
        for code in l.codes {
            map.insert(code.to_string(), i);
        }
        for name in l.names {
            let key = normalize(name);
            if !key.is_empty() {
                map.entry(key).or_insert(i);
            }
        }
    }
    map
});

/// The canonical key of a language given by name or code ("Spanish", "español", "es", "spa",
/// "es-MX" → "es"); an unknown language keys by its normalised name. None for blank text.
pub fn language_key(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let lookup = &*LANGUAGE_LOOKUP;
    let whole = normalize(trimmed);
    if let Some(i) = lookup.get(&whole) {
        return Some(LANGUAGES[*i].key.to_string());
    }
    // A tag with a region ("es-MX", "zh_Hant") or a name with a note ("Spanish (Mexico)").
    let head = trimmed.split(['-', '_', '(', ',', ';', '/']).next().map(normalize).unwrap_or_default();
    if let Some(i) = lookup.get(&head) {
        return Some(LANGUAGES[*i].key.to_string());
    }
    if whole.is_empty() { None } else { Some(whole) }
}

/// The English name of a language key or code, when it is a known one.
pub fn language_name(code: &str) -> Option<&'static str> {
    let key = language_key(code)?;
    LANGUAGES.iter().find(|l| l.key == key).map(|l| l.names[0])
}

/// Whether a service offering `offered` serves someone asking for `wanted` (both keys).
pub fn language_matches(offered: &str, wanted: &str) -> bool {
    served_by(offered).any(|key| key == wanted)
}

/// Every language key a service offering `offered` serves: itself, the languages it includes,
/// and those that include it ("zh" serves "cmn" and "yue"; "cmn" serves "zh").
fn served_by(offered: &str) -> impl Iterator<Item = &str> {
    let includes = LANGUAGES.iter().filter(move |l| l.key == offered).flat_map(|l| l.includes.iter().copied());
    let included_in = LANGUAGES.iter().filter(move |l| l.includes.contains(&offered)).map(|l| l.key);
    std::iter::once(offered).chain(includes).chain(included_in)
}

/// Common languages for pickers: (key, English name).
pub fn common_languages() -> Vec<(&'static str, &'static str)> {
    LANGUAGES.iter().map(|l| (l.key, l.names[0])).collect()
}

// ---------- opening hours ----------

pub const WEEKDAY_CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// One HSDS schedule as opening hours: on which days (every day when empty), from when to when
/// (minutes after midnight; a closing time at or before the opening time runs past midnight,
/// equal times mean all day), within which dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hours {
    /// (nth week of the month, 0 for every week; weekday 0 = Monday).
    pub days: Vec<(i8, u8)>,
    pub opens: u16,
    pub closes: u16,
    pub valid_from: Option<CivilDate>,
    pub valid_to: Option<CivilDate>,
}

/// `HH:MM` or `HH:MM:SS` as minutes after midnight (24:00 allowed as a closing time).
pub fn parse_clock(text: &str) -> Option<u16> {
    let mut parts = text.trim().split(':');
    let hours: u16 = parts.next()?.trim().parse().ok()?;
    let minutes: u16 = parts.next().map(|m| m.trim().parse().ok()).unwrap_or(Some(0))?;
    (hours <= 24 && minutes < 60 && hours * 60 + minutes <= 24 * 60).then_some(hours * 60 + minutes)
}

fn parse_civil(text: &str) -> Option<CivilDate> {
    text.trim().get(..10)?.parse().ok()
}

fn weekday_index(w: Weekday) -> u8 {
    w.to_monday_zero_offset() as u8
}

impl Hours {
    /// From an HSDS schedule's fields; None when it cannot be read as weekly hours.
    pub fn parse(
        freq: Option<&str>,
        byday: Option<&str>,
        opens: Option<&str>,
        closes: Option<&str>,
        valid_from: Option<&str>,
        valid_to: Option<&str>,
    ) -> Option<Hours> {
        let freq = freq.map(|f| f.trim().to_ascii_uppercase()).unwrap_or_default();
        if !matches!(freq.as_str(), "" | "WEEKLY" | "DAILY" | "MONTHLY") {
            return None;
        }
        let mut days = Vec::new();
        for part in byday.unwrap_or("").split([',', ' ', ';']).map(str::trim).filter(|p| !p.is_empty()) {
            let upper = part.to_ascii_uppercase();
            let (nth, code) = upper.split_at(upper.len().saturating_sub(2));
            let day = WEEKDAY_CODES.iter().position(|c| *c == code)? as u8;
            let nth: i8 = if nth.is_empty() || nth == "+" { 0 } else { nth.trim_start_matches('+').parse().ok()? };
            if !(-5..=5).contains(&nth) {
                return None;
            }
            days.push((nth, day));
        }
        if days.is_empty() && freq != "DAILY" {
            return None;
        }
        Some(Hours {
            days,
            opens: parse_clock(opens?)?,
            closes: parse_clock(closes?)?,
            valid_from: valid_from.and_then(parse_civil),
            valid_to: valid_to.and_then(parse_civil),
        })
    }

    pub fn from_row(row: &Row) -> Option<Hours> {
        let t = |f: &str| resources::text(row, f);
        Hours::parse(t("freq"), t("byday"), t("opens_at"), t("closes_at"), t("valid_from"), t("valid_to"))
    }

    fn applies_on(&self, date: CivilDate) -> bool {
        if self.valid_from.is_some_and(|f| date < f) || self.valid_to.is_some_and(|t| date > t) {
            return false;
        }
        if self.days.is_empty() {
            return true;
        }
        let weekday = weekday_index(date.weekday());
        let week = (date.day() - 1) / 7 + 1;
        let from_end = (date.days_in_month() - date.day()) / 7 + 1;
        self.days.iter().any(|(nth, day)| {
            *day == weekday && (*nth == 0 || (*nth > 0 && *nth == week) || (*nth < 0 && -*nth == from_end))
        })
    }

    pub fn is_open(&self, at: DateTime) -> bool {
        let minute = at.hour() as u16 * 60 + at.minute() as u16;
        let date = at.date();
        if self.opens == self.closes || (self.opens == 0 && self.closes >= 24 * 60) {
            return self.applies_on(date);
        }
        if self.closes > self.opens {
            return self.applies_on(date) && minute >= self.opens && minute < self.closes;
        }
        // Past midnight: open late on the day itself, or early on the next.
        (self.applies_on(date) && minute >= self.opens)
            || (minute < self.closes && date.yesterday().is_ok_and(|d| self.applies_on(d)))
    }

    /// Plain weekly hours (what the edit form shows): every week, no validity dates.
    pub fn is_simple_weekly(&self) -> bool {
        !self.days.is_empty()
            && self.days.iter().all(|(n, _)| *n == 0)
            && self.valid_from.is_none()
            && self.valid_to.is_none()
    }

    pub fn weekdays(&self) -> Vec<&'static str> {
        if self.days.is_empty() {
            return WEEKDAY_CODES.to_vec();
        }
        let mut days: Vec<u8> = self.days.iter().map(|(_, d)| *d).collect();
        days.sort();
        days.dedup();
        days.into_iter().map(|d| WEEKDAY_CODES[d as usize]).collect()
    }

    fn clock(minutes: u16) -> String {
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }

    pub fn opens_text(&self) -> String {
        Hours::clock(self.opens)
    }

    pub fn closes_text(&self) -> String {
        Hours::clock(self.closes)
    }

    fn byday_text(&self) -> String {
        self.days
            .iter()
            .map(|(n, d)| {
                if *n == 0 {
                    WEEKDAY_CODES[*d as usize].to_string()
                } else {
                    format!("{n}{}", WEEKDAY_CODES[*d as usize])
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn encode(&self) -> String {
        let date = |d: Option<CivilDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        format!(
            "{}|{}|{}|{}|{}",
            self.byday_text(),
            self.opens,
            self.closes,
            date(self.valid_from),
            date(self.valid_to)
        )
    }

    fn decode(text: &str) -> Option<Hours> {
        let parts: Vec<&str> = text.split('|').collect();
        let [byday, opens, closes, from, to] = parts.as_slice() else { return None };
        let opt = |s: &str| (s != "-").then(|| s.to_string());
        let byday = (!byday.is_empty()).then_some(*byday);
        let freq = if byday.is_none() { Some("DAILY") } else { None };
        let mut hours = Hours::parse(freq, byday, Some("0:00"), Some("0:00"), None, None)?;
        hours.opens = opens.parse().ok()?;
        hours.closes = closes.parse().ok()?;
        hours.valid_from = opt(from).as_deref().and_then(parse_civil);
        hours.valid_to = opt(to).as_deref().and_then(parse_civil);
        Some(hours)
    }
}

/// Whether any of the hours is open at this local time.
pub fn open_at(hours: &[Hours], at: DateTime) -> bool {
    hours.iter().any(|h| h.is_open(at))
}

/// The organisation's local time now, for "open now".
pub fn local_now(time_zone: &str, now: time::OffsetDateTime) -> DateTime {
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_second(now.unix_timestamp()) {
        Ok(ts) => ts.to_zoned(tz).datetime(),
        Err(_) => DateTime::default(),
    }
}

// ---------- distance ----------

/// Great-circle distance in kilometres.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

// ---------- the stored index ----------

const TERMS: &str = "directory_terms";
const GENERATION: &str = "#gen";
const EPOCH: &str = "#epoch:";
const CHANGED: &str = "#changed:";

/// Field weights: a word in the name says more than one in the description.
const W_NAME: i32 = 10;
const W_ALTERNATE: i32 = 8;
const W_TERM: i32 = 7;
const W_ORGANIZATION: i32 = 5;
const W_PLACE: i32 = 3;
const W_LANGUAGE: i32 = 2;
const W_DESCRIPTION: i32 = 2;
const W_DETAIL: i32 = 1;
/// Long descriptions add little after their first words and would bloat the index.
const MAX_DESCRIPTION_WORDS: usize = 120;

fn col(name: &str) -> Alias {
    Alias::new(name)
}

fn changed_term(generation: i32) -> String {
    format!("{CHANGED}{generation:010}")
}

/// The index entries of one resource: its words by weight, and its facts.
pub fn entries(resource: &Resource) -> BTreeMap<String, i32> {
    let mut out: BTreeMap<String, i32> = BTreeMap::new();
    let mut add_words = |text: Option<&str>, weight: i32, limit: usize| {
        let mut taken = 0;
        for word in index_words(text.unwrap_or("")) {
            if taken >= limit {
                break;
            }
            let slot = out.entry(word).or_insert(0);
            if *slot == 0 {
                taken += 1;
            }
            *slot = Ord::max(*slot, weight);
        }
    };
    add_words(Some(resource.name()), W_NAME, usize::MAX);
    add_words(resource.field("alternate_name"), W_ALTERNATE, usize::MAX);
    for term in &resource.terms {
        add_words(Some(&term.name), W_TERM, usize::MAX);
    }
    if let Some(org) = &resource.organization {
        add_words(resources::text(org, "name"), W_ORGANIZATION, usize::MAX);
        add_words(resources::text(org, "alternate_name"), W_ORGANIZATION - 1, usize::MAX);
    }
    for place in &resource.places {
        add_words(resources::text(&place.location, "name"), W_PLACE, 20);
        if let Some(address) = place.address() {
            add_words(resources::text(address, "city"), W_PLACE, 5);
        }
    }
    for area in &resource.service_areas {
        add_words(resources::text(area, "name"), W_PLACE, 20);
    }
    for name in resource.language_names() {
        add_words(Some(&name), W_LANGUAGE, 5);
    }
    add_words(resource.field("description"), W_DESCRIPTION, MAX_DESCRIPTION_WORDS);
    for field in ["eligibility_description", "fees_description", "application_process", "interpretation_services"] {
        add_words(resource.field(field), W_DETAIL, 40);
    }

    let mut fact = |term: String| {
        out.insert(term, 0);
    };
    fact(format!("#st:{}", resource.status()));
    fact(format!("#name:{}", normalize(resource.name()).chars().take(80).collect::<String>()));
    if let Some(org) = resource.organization_id() {
        fact(format!("#org:{org}"));
    }
    for term in &resource.terms {
        fact(format!("#term:{}", term.id));
        if let Some(taxonomy) = &term.taxonomy_id {
            fact(format!("#tax:{taxonomy}"));
        }
    }
    for key in resource.language_keys() {
        fact(format!("#lang:{key}"));
    }
    match resource.fee_kind() {
        Some(resources::FeeKind::Free) => fact("#cost:free".into()),
        Some(resources::FeeKind::Sliding) => fact("#cost:low".into()),
        _ => {}
    }
    if resource.min_age().is_some() || resource.max_age().is_some() {
        let age = |a: Option<f64>| a.map(|a| a.to_string()).unwrap_or_else(|| "-".into());
        fact(format!("#age:{}:{}", age(resource.min_age()), age(resource.max_age())));
    }
    for (lat, lon) in resource.points() {
        fact(format!("#geo:{lat:.6},{lon:.6}"));
    }
    for hours in resource.hours() {
        fact(format!("#hours:{}", hours.encode()));
    }
    if let Some(at) = resource.last_modified() {
        fact(format!("#mod:{}", at.unix_timestamp()));
    }
    if let Some(date) = resource.assured_date() {
        fact(format!("#assured:{}", resources::format_date(date)));
    }
    // What a list of results shows, so a page of hits needs no further reads.
    let shown = |text: &str| text.chars().take(200).collect::<String>();
    fact(format!("#title:{}", shown(resource.name())));
    if let Some(name) = resource.organization_name() {
        fact(format!("#orgname:{}", shown(name)));
    }
    if let Some(address) = resource.places.iter().find_map(|p| p.address_line()) {
        fact(format!("#addr:{}", shown(&address)));
    }
    if let Some(number) = resource.phones.iter().find_map(|p| resources::text(&p.row, "number")) {
        fact(format!("#phone:{}", shown(number)));
    }
    for name in resource.language_names() {
        fact(format!("#langname:{}", shown(&name)));
    }
    if let Some(kind) = resource.fee_kind() {
        let amount = resource.fee_amount().map(|a| a.to_string()).unwrap_or_else(|| "-".into());
        fact(format!("#fee:{}:{amount}", kind.code()));
    }
    // Which of the six facts are missing, one bit each in `ResourceFact::ALL` order.
    let missing = resource.missing_facts();
    let bits = ResourceFact::ALL
        .iter()
        .enumerate()
        .filter(|(_, f)| missing.contains(f))
        .fold(0, |bits, (i, _)| bits | (1 << i));
    out.insert("#missing".into(), bits);
    out
}

/// Bumps the organisation's index generation and returns it (creating the index's identity the
/// first time). The generation row is locked until commit, so directory writes of one
/// organisation commit in generation order.
async fn bump_generation(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<i32, DbErr> {
    let mut insert = Query::insert();
    insert
        .into_table(col(TERMS))
        .columns([col("org_id"), col("term"), col("service_id"), col("weight")])
        .values_panic([Expr::val(org_id), Expr::val(GENERATION), Expr::val(""), Expr::val(1)]);
    let mut on_conflict = OnConflict::columns([col("org_id"), col("term"), col("service_id")]);
    on_conflict.value(col("weight"), Expr::col((col(TERMS), col("weight"))).add(1));
    insert.on_conflict(on_conflict);
    conn.execute_raw(conn.get_database_backend().build(&insert)).await?;
    let (_, generation) = meta(conn, org_id).await?.unwrap_or_default();
    if generation <= 1 {
        insert_rows(conn, org_id, &[(format!("{EPOCH}{}", Uuid::new_v4()), String::new(), 0)]).await?;
    }
    Ok(generation)
}

/// The index's identity and generation, when the organisation's directory was ever indexed.
async fn meta(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Option<(String, i32)>, DbErr> {
    let mut select = Query::select();
    select
        .columns([col("term"), col("weight")])
        .from(col(TERMS))
        .and_where(Expr::col(col("org_id")).eq(org_id))
        .and_where(Expr::col(col("service_id")).eq(""));
    let (mut epoch, mut generation) = (None, None);
    for row in conn.query_all_raw(conn.get_database_backend().build(&select)).await? {
        let term: String = row.try_get("", "term")?;
        if term == GENERATION {
            generation = Some(row.try_get::<i32>("", "weight")?);
        } else if let Some(e) = term.strip_prefix(EPOCH) {
            epoch = Some(e.to_string());
        }
    }
    Ok(generation.map(|g| (epoch.unwrap_or_default(), g)))
}

async fn insert_rows(conn: &impl ConnectionTrait, org_id: Uuid, rows: &[(String, String, i32)]) -> Result<(), DbErr> {
    // Four values a row: 1000 rows stay well under every bind limit.
    for chunk in rows.chunks(1000) {
        let mut insert = Query::insert();
        insert.into_table(col(TERMS)).columns([col("org_id"), col("term"), col("service_id"), col("weight")]);
        for (term, service, weight) in chunk {
            insert.values_panic([
                Expr::val(org_id),
                Expr::val(term.clone()),
                Expr::val(service.clone()),
                Expr::val(*weight),
            ]);
        }
        conn.execute_raw(conn.get_database_backend().build(&insert)).await?;
    }
    Ok(())
}

/// Rebuilds the search index entries of these services from their stored HSDS rows (and drops the
/// entries of services that no longer exist). Import, edits and merges call it in their transaction.
pub async fn reindex(conn: &impl ConnectionTrait, org_id: Uuid, service_ids: &[String]) -> Result<(), DbErr> {
    let ids: Vec<String> = {
        let set: std::collections::BTreeSet<&String> = service_ids.iter().filter(|id| !id.is_empty()).collect();
        set.into_iter().cloned().collect()
    };
    if ids.is_empty() {
        return Ok(());
    }
    let generation = bump_generation(conn, org_id).await?;
    for chunk in ids.chunks(400) {
        let mut delete = Query::delete();
        delete
            .from_table(col(TERMS))
            .and_where(Expr::col(col("org_id")).eq(org_id))
            .and_where(Expr::col(col("service_id")).is_in(chunk.iter().cloned()));
        conn.execute_raw(conn.get_database_backend().build(&delete)).await?;
    }
    let changed = changed_term(generation);
    // Thousands at once (an import) are read table by table in one pass; a few by key.
    let bulk = ids.len() > 1500;
    let batch = if bulk { ids.len() } else { 400 };
    let started = std::time::Instant::now();
    for chunk in ids.chunks(batch) {
        let loaded = resources::load_many(conn, org_id, chunk).await?;
        let mut rows: Vec<(String, String, i32)> = Vec::new();
        for resource in &loaded {
            for (term, weight) in entries(resource) {
                rows.push((term, resource.id().to_string(), weight));
            }
        }
        // Removed services keep only this mark, so copies of the index drop them.
        rows.extend(chunk.iter().map(|id| (changed.clone(), id.clone(), 0)));
        tracing::debug!(rows = rows.len(), ms = started.elapsed().as_millis() as u64, "search index entries built");
        if bulk && conn.get_database_backend() == DbBackend::Sqlite {
            bulk_insert_sqlite(conn, org_id, &mut rows).await?;
        } else {
            insert_rows(conn, org_id, &rows).await?;
        }
        tracing::debug!(ms = started.elapsed().as_millis() as u64, "search index entries written");
    }
    Ok(())
}

/// SQLite, a whole import's entries (a million rows for 20 000 services): written in key order,
/// so the primary key grows at its end, with the by-service index rebuilt once afterwards (a sort)
/// instead of taking a million scattered inserts. Readers keep the old schema until the commit.
async fn bulk_insert_sqlite(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    rows: &mut [(String, String, i32)],
) -> Result<(), DbErr> {
    rows.sort_unstable_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    conn.execute_unprepared("DROP INDEX IF EXISTS directory_terms_service").await?;
    insert_rows(conn, org_id, rows).await?;
    conn.execute_unprepared("CREATE INDEX directory_terms_service ON directory_terms (org_id, service_id)").await?;
    Ok(())
}

/// Indexes every service of the organisation (after a bulk load that bypassed `reindex`).
pub async fn reindex_all(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<usize, DbErr> {
    let mut select = Query::select();
    select.column(col("id")).from(col("hsds_service")).and_where(Expr::col(col("org_id")).eq(org_id));
    let mut ids = Vec::new();
    for row in conn.query_all_raw(conn.get_database_backend().build(&select)).await? {
        ids.push(row.try_get::<String>("", "id")?);
    }
    // Entries of services that are gone (none should be, but a bulk delete may have bypassed us).
    let mut indexed = Query::select();
    indexed
        .distinct()
        .column(col("service_id"))
        .from(col(TERMS))
        .and_where(Expr::col(col("org_id")).eq(org_id))
        .and_where(Expr::col(col("service_id")).ne(""));
    let present: HashSet<&String> = ids.iter().collect();
    let mut all = ids.clone();
    for row in conn.query_all_raw(conn.get_database_backend().build(&indexed)).await? {
        let id: String = row.try_get("", "service_id")?;
        if !present.contains(&id) {
            all.push(id);
        }
    }
    reindex(conn, org_id, &all).await?;
    Ok(ids.len())
}

// ---------- the in-memory copy ----------

/// What the filters and ranking need of one service, read back from its index entries.
#[derive(Clone, Debug, Default)]
struct Doc {
    id: String,
    name: String,
    status: String,
    organization_id: Option<String>,
    term_ids: Vec<String>,
    taxonomy_ids: Vec<String>,
    languages: Vec<String>,
    /// `languages` widened by `served_by`, so filtering is a plain comparison.
    serves: Vec<String>,
    free: bool,
    low_cost: bool,
    min_age: Option<f64>,
    max_age: Option<f64>,
    points: Vec<(f64, f64)>,
    hours: Vec<Hours>,
    modified: Option<i64>,
    assured: Option<time::Date>,
    /// Missing facts, one bit each in `ResourceFact::ALL` order.
    missing: u8,
    title: String,
    organization_name: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    language_names: Vec<String>,
    fee: Option<(resources::FeeKind, Option<f64>)>,
    words: Vec<u32>,
}

#[derive(Default)]
struct Index {
    epoch: String,
    generation: i32,
    docs: Vec<Option<Doc>>,
    slots: HashMap<String, u32>,
    free_slots: Vec<u32>,
    term_ids: HashMap<String, u32>,
    terms: Vec<String>,
    /// Term id → (slot, weight) of the services holding the word.
    postings: Vec<Vec<(u32, u16)>>,
    /// The search page's filter choices, counted once per generation instead of on every search.
    facets: std::sync::OnceLock<Facets>,
    /// Slot → place in (name, id) order, so ranking breaks ties without comparing strings.
    name_order: std::sync::OnceLock<Vec<u32>>,
}

type Shared = Arc<tokio::sync::RwLock<Option<Index>>>;

static INDEXES: LazyLock<Mutex<HashMap<Uuid, Shared>>> = LazyLock::new(Default::default);

fn shared_for(org_id: Uuid) -> Shared {
    let mut map = INDEXES.lock().unwrap_or_else(|e| e.into_inner());
    map.entry(org_id).or_default().clone()
}

/// Above this many changed services a full reload is quicker than patching.
const PATCH_LIMIT: usize = 5000;

impl Index {
    fn name_order(&self) -> &[u32] {
        self.name_order.get_or_init(|| {
            let mut slots: Vec<u32> =
                (0..self.docs.len() as u32).filter(|s| self.docs[*s as usize].is_some()).collect();
            let key = |slot: &u32| self.docs[*slot as usize].as_ref().map(|d| (d.name.as_str(), d.id.as_str()));
            slots.sort_by(|a, b| key(a).cmp(&key(b)));
            let mut order = vec![u32::MAX; self.docs.len()];
            for (place, slot) in slots.into_iter().enumerate() {
                order[slot as usize] = place as u32;
            }
            order
        })
    }

    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(id) = self.term_ids.get(term) {
            return *id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.to_string());
        self.term_ids.insert(term.to_string(), id);
        self.postings.push(Vec::new());
        id
    }

    fn remove(&mut self, service_id: &str) {
        let Some(slot) = self.slots.remove(service_id) else { return };
        if let Some(doc) = self.docs[slot as usize].take() {
            for word in doc.words {
                self.postings[word as usize].retain(|(s, _)| *s != slot);
            }
        }
        self.free_slots.push(slot);
    }

    fn insert(&mut self, service_id: &str, entries: Vec<(String, i32)>) {
        let mut doc = Doc { id: service_id.to_string(), ..Doc::default() };
        let mut words = Vec::new();
        let mut listed = false;
        for (term, weight) in entries {
            if !term.starts_with('#') {
                words.push((term, weight));
                continue;
            }
            let (key, value) = term.split_once(':').unwrap_or((term.as_str(), ""));
            match key {
                "#st" => {
                    doc.status = value.to_string();
                    listed = true;
                }
                "#name" => doc.name = value.to_string(),
                "#org" => doc.organization_id = Some(value.to_string()),
                "#term" => doc.term_ids.push(value.to_string()),
                "#tax" => doc.taxonomy_ids.push(value.to_string()),
                "#lang" => doc.languages.push(value.to_string()),
                "#cost" => match value {
                    "free" => doc.free = true,
                    _ => doc.low_cost = true,
                },
                "#age" => {
                    let (min, max) = value.split_once(':').unwrap_or(("-", "-"));
                    doc.min_age = min.parse().ok();
                    doc.max_age = max.parse().ok();
                }
                "#geo" => {
                    if let Some((lat, lon)) = value.split_once(',')
                        && let (Ok(lat), Ok(lon)) = (lat.parse(), lon.parse())
                    {
                        doc.points.push((lat, lon));
                    }
                }
                "#hours" => doc.hours.extend(Hours::decode(value)),
                "#mod" => doc.modified = value.parse().ok(),
                "#assured" => doc.assured = resources::parse_date(value),
                "#missing" => doc.missing = weight.clamp(0, 63) as u8,
                "#title" => doc.title = value.to_string(),
                "#orgname" => doc.organization_name = Some(value.to_string()),
                "#addr" => doc.address = Some(value.to_string()),
                "#phone" => doc.phone = Some(value.to_string()),
                "#langname" => doc.language_names.push(value.to_string()),
                "#fee" => {
                    let (kind, amount) = value.split_once(':').unwrap_or((value, "-"));
                    doc.fee = resources::FeeKind::parse(kind).map(|k| (k, amount.parse().ok()));
                }
                _ => {}
            }
        }
        if !listed {
            // Only a removal mark: the service is gone.
            return;
        }
        for offered in &doc.languages {
            for key in served_by(offered) {
                if !doc.serves.iter().any(|s| s == key) {
                    doc.serves.push(key.to_string());
                }
            }
        }
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                self.docs.push(None);
                (self.docs.len() - 1) as u32
            }
        };
        for (word, weight) in words {
            let id = self.term_id(&word);
            self.postings[id as usize].push((slot, weight.clamp(0, u16::MAX as i32) as u16));
            doc.words.push(id);
        }
        self.slots.insert(service_id.to_string(), slot);
        self.docs[slot as usize] = Some(doc);
    }

    fn live(&self) -> usize {
        self.slots.len()
    }
}

/// Services loaded per query when the index is built or patched.
const LOAD_CHUNK: usize = 400;

/// The ids of the services in the index, sorted (each listed service has one status entry).
async fn listed_ids(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<String>, DbErr> {
    let select = Query::select()
        .column(col("service_id"))
        .from(col(TERMS))
        .and_where(Expr::col(col("org_id")).eq(org_id))
        .and_where(Expr::col(col("term")).gte("#st:"))
        .and_where(Expr::col(col("term")).lt("#st;"))
        .and_where(Expr::col(col("service_id")).ne(""))
        .order_by(col("service_id"), Order::Asc)
        .to_owned();
    let rows = conn.query_all_raw(conn.get_database_backend().build(&select)).await?;
    rows.iter().map(|row| row.try_get_by_index(0)).collect()
}

async fn load_entries(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    service_ids: &[String],
) -> Result<HashMap<String, Vec<(String, i32)>>, DbErr> {
    let mut out: HashMap<String, Vec<(String, i32)>> = HashMap::new();
    for chunk in service_ids.chunks(LOAD_CHUNK) {
        let select = Query::select()
            .columns([col("service_id"), col("term"), col("weight")])
            .from(col(TERMS))
            .and_where(Expr::col(col("org_id")).eq(org_id))
            .and_where(Expr::col(col("service_id")).is_in(chunk.iter().cloned()))
            .to_owned();
        for row in conn.query_all_raw(conn.get_database_backend().build(&select)).await? {
            let service: String = row.try_get_by_index(0)?;
            let term: String = row.try_get_by_index(1)?;
            let weight: i32 = row.try_get_by_index(2)?;
            out.entry(service).or_default().push((term, weight));
        }
    }
    Ok(out)
}

async fn changed_since(conn: &impl ConnectionTrait, org_id: Uuid, generation: i32) -> Result<Vec<String>, DbErr> {
    let mut select = Query::select();
    select
        .distinct()
        .column(col("service_id"))
        .from(col(TERMS))
        .and_where(Expr::col(col("org_id")).eq(org_id))
        .and_where(Expr::col(col("term")).gt(changed_term(generation)))
        // ';' follows ':' in ASCII: the range holds exactly the change marks.
        .and_where(Expr::col(col("term")).lt(format!("{};", CHANGED.trim_end_matches(':'))));
    let mut out = Vec::new();
    for row in conn.query_all_raw(conn.get_database_backend().build(&select)).await? {
        out.push(row.try_get::<String>("", "service_id")?);
    }
    Ok(out)
}

/// Brings the in-memory copy up to the stored generation.
async fn refresh(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    slot: &mut Option<Index>,
    epoch: &str,
    generation: i32,
) -> Result<(), DbErr> {
    if let Some(index) = slot.as_mut() {
        if index.epoch == epoch && index.generation >= generation {
            return Ok(());
        }
        if index.epoch == epoch {
            let changed = changed_since(conn, org_id, index.generation).await?;
            if changed.len() <= PATCH_LIMIT.max(index.live() / 4) {
                let mut entries = load_entries(conn, org_id, &changed).await?;
                for id in &changed {
                    index.remove(id);
                    if let Some(list) = entries.remove(id) {
                        index.insert(id, list);
                    }
                }
                index.generation = generation;
                index.facets = std::sync::OnceLock::new();
                index.name_order = std::sync::OnceLock::new();
                return Ok(());
            }
        }
    }
    let mut index = Index { epoch: epoch.to_string(), generation, ..Index::default() };
    // A few hundred services at a time: reading every entry in one result set held all of them
    // as rows at once (over 400 MB for 20 000 services).
    for chunk in listed_ids(conn, org_id).await?.chunks(LOAD_CHUNK) {
        let mut entries = load_entries(conn, org_id, chunk).await?;
        for id in chunk {
            if let Some(list) = entries.remove(id) {
                index.insert(id, list);
            }
        }
    }
    *slot = Some(index);
    Ok(())
}

// ---------- queries ----------

/// A place to measure distance from, and how far is too far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub within_km: Option<f64>,
}

/// What a directory search asks for; empty fields do not filter.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// Free text: typos forgiven, synonyms followed ("food" finds "pantry").
    pub text: String,
    /// HSDS taxonomy term ids; a service with any of them matches.
    pub taxonomy_term_ids: Vec<String>,
    pub taxonomy_id: Option<String>,
    pub organization_id: Option<String>,
    /// Only services offering this language (a name or code: "Spanish", "es", "spa").
    pub language: Option<String>,
    /// Rank services offering this language first, without filtering (the person's language).
    pub prefer_language: Option<String>,
    pub free_or_low_cost: bool,
    /// Only services whose age eligibility admits this age.
    pub age: Option<u32>,
    /// Only services open at this local time (the organisation's time zone).
    pub open_at: Option<jiff::civil::DateTime>,
    pub near: Option<Near>,
    /// HSDS `modified_after`: services changed at or after this instant (a client syncing from its last
    /// run may see a boundary service twice, never miss one).
    pub modified_after: Option<time::OffsetDateTime>,
    /// Inactive and defunct services are left out unless asked for.
    pub include_inactive: bool,
    /// Today in the organisation's time zone: records not verified within the organisation's
    /// interval rank a little lower. None leaves staleness out of the ranking.
    pub today: Option<time::Date>,
}

/// One matching service, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub service_id: String,
    pub score: f64,
    pub distance_km: Option<f64>,
}

/// One way to satisfy a query word: all of `stems` present, worth `factor` of an exact match.
#[derive(Clone, Debug, PartialEq)]
struct Alternative {
    stems: Vec<String>,
    factor: f64,
}

/// What one query word (or phrase) can match.
#[derive(Clone, Debug, PartialEq)]
struct Concept {
    alternatives: Vec<Alternative>,
}

const SYNONYM_FACTOR: f64 = 0.8;
const TYPO_FACTOR: f64 = 0.75;

/// The edit distance a word of this length may be off by.
fn typo_budget(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

fn push_alternative(alternatives: &mut Vec<Alternative>, stems: Vec<String>, factor: f64) {
    match alternatives.iter_mut().find(|a| a.stems == stems) {
        Some(existing) => existing.factor = existing.factor.max(factor),
        None => alternatives.push(Alternative { stems, factor }),
    }
}

fn add_synonyms(alternatives: &mut Vec<Alternative>, member: &[String], factor: f64) {
    let synonyms = &*SYNONYMS;
    for group in synonyms.member_groups.get(member).into_iter().flatten() {
        for other in &synonyms.groups[*group] {
            push_alternative(alternatives, other.clone(), factor * SYNONYM_FACTOR);
        }
    }
}

/// Splits the query into concepts: synonym phrases first (longest match), then single words
/// with their synonyms and, for words the directory does not hold, their likely corrections.
/// Calls the visitor with every word the directory's index holds.
type VocabularyWalk<'a> = &'a dyn Fn(&mut dyn FnMut(&str));

fn plan(text: &str, known: &dyn Fn(&str) -> bool, vocabulary: VocabularyWalk) -> Vec<Concept> {
    let bounded: String = text.chars().take(200).collect();
    let stems = index_words(&bounded);
    let synonyms = &*SYNONYMS;
    let mut concepts = Vec::new();
    let mut i = 0;
    while i < stems.len() && concepts.len() < 8 {
        let mut matched = None;
        for len in (2..=synonyms.longest.min(stems.len() - i)).rev() {
            let phrase = &stems[i..i + len];
            if synonyms.member_groups.contains_key(phrase) {
                matched = Some(len);
                break;
            }
        }
        let mut alternatives = Vec::new();
        if let Some(len) = matched {
            let phrase = stems[i..i + len].to_vec();
            push_alternative(&mut alternatives, phrase.clone(), 1.0);
            add_synonyms(&mut alternatives, &phrase, 1.0);
            i += len;
        } else {
            let word = stems[i].clone();
            i += 1;
            let is_synonym = synonyms.member_groups.contains_key(std::slice::from_ref(&word));
            push_alternative(&mut alternatives, vec![word.clone()], 1.0);
            add_synonyms(&mut alternatives, std::slice::from_ref(&word), 1.0);
            if !known(&word) && !is_synonym {
                for (correction, distance) in corrections(&word, vocabulary) {
                    let factor = TYPO_FACTOR - 0.1 * (distance as f64 - 1.0);
                    push_alternative(&mut alternatives, vec![correction.clone()], factor);
                    add_synonyms(&mut alternatives, &[correction], factor);
                }
            }
        }
        concepts.push(Concept { alternatives });
    }
    concepts
}

/// Up to three words of the vocabulary (or of the synonyms) within the word's typo budget, closest first.
fn corrections(word: &str, vocabulary: VocabularyWalk) -> Vec<(String, usize)> {
    let budget = typo_budget(word.chars().count());
    if budget == 0 || word.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let len = word.len();
    let mut found: Vec<(String, usize)> = Vec::new();
    let mut consider = |candidate: &str| {
        if candidate.len().abs_diff(len) > budget || candidate == word || candidate.starts_with('#') {
            return;
        }
        // Words of four letters or fewer must keep their first letter: "fod" is "food", not "god".
        if len <= 4 && candidate.as_bytes().first() != word.as_bytes().first() {
            return;
        }
        let distance = strsim::osa_distance(word, candidate);
        if distance <= budget && !found.iter().any(|(w, _)| w == candidate) {
            found.push((candidate.to_string(), distance));
        }
    };
    vocabulary(&mut consider);
    for w in &SYNONYMS.words {
        consider(w);
    }
    found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.len().abs_diff(len).cmp(&b.0.len().abs_diff(len))).then(a.0.cmp(&b.0)));
    found.truncate(3);
    found
}

/// Text relevance of each matching slot. Services matching every concept win; when none does,
/// those matching some are returned, scaled by the share matched.
fn text_scores(index: &Index, concepts: &[Concept]) -> HashMap<u32, f64> {
    let total_docs = index.live().max(1) as f64;
    // Each distinct stem once; alternatives refer to stems by position.
    fn position<'a>(s: &'a str, stems: &mut Vec<&'a str>) -> usize {
        match stems.iter().position(|x| *x == s) {
            Some(i) => i,
            None => {
                stems.push(s);
                stems.len() - 1
            }
        }
    }
    let mut stems: Vec<&str> = Vec::new();
    let mut plans: Vec<Vec<(Vec<usize>, f64)>> = Vec::new();
    for concept in concepts {
        let mut alternatives = Vec::new();
        for alt in &concept.alternatives {
            let positions: Vec<usize> = alt.stems.iter().map(|s| position(s, &mut stems)).collect();
            alternatives.push((positions, alt.factor));
        }
        plans.push(alternatives);
    }
    let mut found: HashMap<u32, Vec<f64>> = HashMap::new();
    for (k, stem) in stems.iter().enumerate() {
        let Some(&term) = index.term_ids.get(*stem) else { continue };
        let list = &index.postings[term as usize];
        let idf = (1.0 + total_docs / (list.len().max(1) as f64)).ln();
        for (slot, weight) in list {
            found.entry(*slot).or_insert_with(|| vec![0.0; stems.len()])[k] = *weight as f64 * idf;
        }
    }
    let mut full: HashMap<u32, f64> = HashMap::new();
    let mut partial: HashMap<u32, f64> = HashMap::new();
    for (slot, values) in found {
        let mut score = 0.0;
        let mut matched = 0;
        for alternatives in &plans {
            let mut best: f64 = 0.0;
            for (positions, factor) in alternatives {
                if positions.iter().all(|p| values[*p] > 0.0) {
                    let sum: f64 = positions.iter().map(|p| values[*p]).sum();
                    best = best.max(sum / positions.len() as f64 * factor);
                }
            }
            if best > 0.0 {
                matched += 1;
                score += best;
            }
        }
        if matched == plans.len() {
            full.insert(slot, score);
        } else if matched > 0 && full.is_empty() {
            partial.insert(slot, score * matched as f64 / plans.len() as f64);
        }
    }
    if full.is_empty() { partial } else { full }
}

fn passes(doc: &Doc, query: &Prepared<'_>) -> Option<Option<f64>> {
    let q = query.query;
    if !q.include_inactive && matches!(doc.status.as_str(), "inactive" | "defunct") {
        return None;
    }
    if q.organization_id.as_ref().is_some_and(|o| doc.organization_id.as_ref() != Some(o)) {
        return None;
    }
    if !q.taxonomy_term_ids.is_empty() && !doc.term_ids.iter().any(|t| q.taxonomy_term_ids.contains(t)) {
        return None;
    }
    if q.taxonomy_id.as_ref().is_some_and(|t| !doc.taxonomy_ids.contains(t)) {
        return None;
    }
    if let Some(wanted) = &query.language
        && !doc.serves.contains(wanted)
    {
        return None;
    }
    if q.free_or_low_cost && !(doc.free || doc.low_cost) {
        return None;
    }
    if let Some(age) = q.age {
        let age = age as f64;
        if doc.min_age.is_some_and(|m| age < m) || doc.max_age.is_some_and(|m| age > m) {
            return None;
        }
    }
    if let Some(at) = q.open_at
        && !open_at(&doc.hours, at)
    {
        return None;
    }
    if let Some(after) = q.modified_after
        && doc.modified.is_none_or(|m| m < after.unix_timestamp())
    {
        return None;
    }
    let distance = match q.near {
        Some(near) => {
            let from = (near.latitude, near.longitude);
            let distance = nearest(doc, from, near.within_km);
            if near.within_km.is_some() && distance.is_none() {
                return None;
            }
            distance
        }
        None => None,
    };
    Some(distance)
}

/// The distance to the service's nearest place (a cheap box check first when a limit is set).
fn nearest(doc: &Doc, from: (f64, f64), within_km: Option<f64>) -> Option<f64> {
    let mut best: Option<f64> = None;
    for point in &doc.points {
        if let Some(limit) = within_km {
            let lat_span = limit / 111.0;
            let lon_span = limit / (111.0 * from.0.to_radians().cos().abs().max(0.01));
            if (point.0 - from.0).abs() > lat_span || (point.1 - from.1).abs() > lon_span {
                continue;
            }
        }
        let d = haversine_km(from, *point);
        if within_km.is_none_or(|limit| d <= limit) {
            best = Some(best.map_or(d, |b: f64| b.min(d)));
        }
    }
    best
}

struct Prepared<'a> {
    query: &'a SearchQuery,
    language: Option<String>,
    prefer: Option<String>,
    verify_months: i32,
}

/// Ranking: relevance, then a boost for the person's language, nearness, and small penalties
/// for stale or incomplete records. Returns how many match and the hits from `offset`, at most
/// `limit` (only those are ordered fully: a page of 20,000 matches costs a partial sort).
fn rank(index: &Index, query: &Prepared<'_>, offset: usize, limit: usize) -> (u64, Vec<(Hit, Summary)>) {
    let q = query.query;
    let concepts = plan(
        &q.text,
        &|word| index.term_ids.get(word).is_some_and(|t| !index.postings[*t as usize].is_empty()),
        &|visit| {
            for (term, list) in index.terms.iter().zip(&index.postings) {
                if !list.is_empty() {
                    visit(term);
                }
            }
        },
    );
    let relevance: Option<HashMap<u32, f64>> = (!concepts.is_empty()).then(|| text_scores(index, &concepts));
    let best = relevance.as_ref().map(|r| r.values().cloned().fold(0.0, f64::max)).unwrap_or(1.0).max(1e-9);
    let mut scored: Vec<(f64, Option<f64>, u32)> = Vec::new();
    let mut consider = |slot: u32, text: f64| {
        let Some(doc) = index.docs.get(slot as usize).and_then(Option::as_ref) else { return };
        let Some(distance) = passes(doc, query) else { return };
        let mut score = text / best;
        if let Some(prefer) = &query.prefer
            && doc.serves.contains(prefer)
        {
            score *= 1.3;
        }
        if q.near.is_some() {
            score *= match distance {
                Some(d) => 0.5 + 0.5 * (-d / 15.0).exp(),
                None => 0.45,
            };
        }
        if let Some(today) = q.today
            && resources::is_stale(doc.assured, query.verify_months, today)
        {
            score *= 0.95;
        }
        score *= 1.0 - 0.02 * doc.missing.count_ones() as f64;
        scored.push((score, distance, slot));
    };
    match &relevance {
        Some(found) => {
            for (slot, text) in found {
                consider(*slot, *text);
            }
        }
        None => {
            for slot in 0..index.docs.len() as u32 {
                consider(slot, best);
            }
        }
    }
    let doc = |slot: u32| index.docs[slot as usize].as_ref();
    let names = index.name_order();
    let order = |a: &(f64, Option<f64>, u32), b: &(f64, Option<f64>, u32)| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| names[a.2 as usize].cmp(&names[b.2 as usize]))
    };
    let total = scored.len() as u64;
    let wanted = offset.saturating_add(limit);
    if wanted < scored.len() {
        scored.select_nth_unstable_by(wanted, order);
        scored.truncate(wanted);
    }
    scored.sort_by(order);
    let hits = scored
        .into_iter()
        .skip(offset)
        .take(limit)
        .filter_map(|(score, distance_km, slot)| {
            doc(slot).map(|d| (Hit { service_id: d.id.clone(), score, distance_km }, Summary::of(d)))
        })
        .collect();
    (total, hits)
}

/// Runs `f` over an up-to-date copy of the organisation's index (None: never indexed).
async fn with_index<R>(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    f: impl FnOnce(&Index) -> R,
) -> Result<Option<R>, DbErr> {
    let Some((epoch, generation)) = meta(conn, org_id).await? else {
        return Ok(None);
    };
    let shared = shared_for(org_id);
    {
        let guard = shared.read().await;
        if let Some(index) = guard.as_ref().filter(|i| i.epoch == epoch && i.generation >= generation) {
            return Ok(Some(f(index)));
        }
    }
    let mut guard = shared.write().await;
    refresh(conn, org_id, &mut guard, &epoch, generation).await?;
    Ok(guard.as_ref().map(f))
}

/// What a list of results shows of a service, from the index (no further reads).
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub name: String,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub status: String,
    /// The first place's street address on one line.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub languages: Vec<String>,
    pub fee: Option<(resources::FeeKind, Option<f64>)>,
    pub hours: Vec<Hours>,
    pub missing: Vec<ResourceFact>,
    /// HSDS `assured_date`.
    pub assured: Option<time::Date>,
}

impl Summary {
    fn of(doc: &Doc) -> Summary {
        Summary {
            name: doc.title.clone(),
            organization_id: doc.organization_id.clone(),
            organization_name: doc.organization_name.clone(),
            status: doc.status.clone(),
            address: doc.address.clone(),
            phone: doc.phone.clone(),
            languages: doc.language_names.clone(),
            fee: doc.fee,
            hours: doc.hours.clone(),
            missing: ResourceFact::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| doc.missing & (1 << i) != 0)
                .map(|(_, f)| *f)
                .collect(),
            assured: doc.assured,
        }
    }
}

/// Matching services (total count and one page of hits, best first) with what a result list
/// shows of each. Reads committed data: call it on the connection pool, not inside a write
/// transaction.
pub async fn search_summaries(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    query: &SearchQuery,
    limit: u64,
    offset: u64,
) -> Result<(u64, Vec<(Hit, Summary)>), DbErr> {
    let verify_months = match query.today {
        Some(_) => super::settings::load(conn, org_id).await?.verify_months,
        None => crate::domain::directory::DEFAULT_VERIFY_MONTHS,
    };
    let prepared = Prepared {
        query,
        language: query.language.as_deref().and_then(language_key),
        prefer: query.prefer_language.as_deref().and_then(language_key),
        verify_months,
    };
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let take = Ord::min(limit, 1000) as usize;
    let found = with_index(conn, org_id, |index| rank(index, &prepared, skip, take)).await?;
    Ok(found.unwrap_or((0, Vec::new())))
}

/// Matching services (total count and one page of hits, best first). Reads committed data: call
/// it on the connection pool, not inside a write transaction.
pub async fn search(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    query: &SearchQuery,
    limit: u64,
    offset: u64,
) -> Result<(u64, Vec<Hit>), DbErr> {
    let (total, found) = search_summaries(conn, org_id, query, limit, offset).await?;
    Ok((total, found.into_iter().map(|(hit, _)| hit).collect()))
}

/// What the directory holds to filter by: taxonomy term ids and language keys in use by listed
/// services, each with how many services have it (most used first).
#[derive(Clone, Debug, Default)]
pub struct Facets {
    pub term_ids: Vec<(String, usize)>,
    pub languages: Vec<(String, usize)>,
    pub services: usize,
}

pub async fn facets(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Facets, DbErr> {
    let found = with_index(conn, org_id, |index| index.facets.get_or_init(|| count_facets(index)).clone()).await?;
    Ok(found.unwrap_or_default())
}

fn count_facets(index: &Index) -> Facets {
    let mut terms: HashMap<&str, usize> = HashMap::new();
    let mut languages: HashMap<&str, usize> = HashMap::new();
    let mut services = 0;
    for doc in index.docs.iter().flatten() {
        if matches!(doc.status.as_str(), "inactive" | "defunct") {
            continue;
        }
        services += 1;
        for t in &doc.term_ids {
            *terms.entry(t).or_default() += 1;
        }
        for l in &doc.languages {
            *languages.entry(l).or_default() += 1;
        }
    }
    let sorted = |map: HashMap<&str, usize>| {
        let mut v: Vec<(String, usize)> = map.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    };
    Facets { term_ids: sorted(terms), languages: sorted(languages), services }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::resources::Linked;
    use serde_json::json;

    fn row(value: serde_json::Value) -> Row {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn stemming_joins_plurals_and_verb_forms() {
        assert_eq!(stem("meals"), "meal");
        assert_eq!(stem("groceries"), stem("grocery"));
        assert_eq!(stem("housing"), stem("house"));
        assert_eq!(stem("services"), stem("service"));
        assert_eq!(stem("shopping"), "shop");
        assert_eq!(stem("classes"), "class");
        assert_eq!(stem("churches"), "church");
        assert_eq!(stem("crisis"), "crisis");
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("free"), "free");
        // Short words and numbers stay as they are.
        assert_eq!(stem("aa"), "aa");
        assert_eq!(stem("988"), "988");
        assert_ne!(stem("police"), stem("policy"));
    }

    #[test]
    fn languages_are_matched_by_name_code_or_native_name() {
        for text in ["Spanish", "español", "Espanol", "es", "spa", "es-MX", "Spanish (Mexico)", " SPA "] {
            assert_eq!(language_key(text).as_deref(), Some("es"), "{text}");
        }
        assert_eq!(language_key("fre").as_deref(), Some("fr"));
        assert_eq!(language_key("Klingon").as_deref(), Some("klingon"));
        assert_eq!(language_key("  "), None);
        assert_eq!(language_name("vie"), Some("Vietnamese"));
        assert!(language_matches("zh", "cmn"));
        assert!(language_matches("cmn", "zh"));
        assert!(!language_matches("cmn", "yue"));
    }

    fn hours(byday: &str, opens: &str, closes: &str) -> Hours {
        Hours::parse(Some("WEEKLY"), Some(byday), Some(opens), Some(closes), None, None).expect("hours")
    }

    fn at(text: &str) -> DateTime {
        text.parse().expect("datetime")
    }

    #[test]
    fn open_now_respects_days_hours_and_overnight() {
        // 2026-11-18 is a Wednesday.
        let weekdays = hours("MO,TU,WE,TH,FR", "09:00", "17:00:00");
        assert!(weekdays.is_open(at("2026-11-18T09:00")));
        assert!(weekdays.is_open(at("2026-11-18T16:59")));
        assert!(!weekdays.is_open(at("2026-11-18T17:00")));
        assert!(!weekdays.is_open(at("2026-11-18T08:59")));
        assert!(!weekdays.is_open(at("2026-11-21T10:00")), "Saturday");
        let overnight = hours("FR", "22:00", "06:00");
        assert!(overnight.is_open(at("2026-11-20T23:30")));
        assert!(overnight.is_open(at("2026-11-21T05:00")), "early Saturday belongs to Friday night");
        assert!(!overnight.is_open(at("2026-11-21T07:00")));
        assert!(!overnight.is_open(at("2026-11-19T23:30")), "Thursday");
        let first_monday = hours("1MO", "10:00", "12:00");
        assert!(first_monday.is_open(at("2026-11-02T11:00")));
        assert!(!first_monday.is_open(at("2026-11-09T11:00")));
        let last_friday = hours("-1FR", "10:00", "12:00");
        assert!(last_friday.is_open(at("2026-11-27T11:00")));
        assert!(!last_friday.is_open(at("2026-11-20T11:00")));
        let all_day = Hours::parse(Some("DAILY"), None, Some("00:00"), Some("00:00"), None, None).unwrap();
        assert!(all_day.is_open(at("2026-11-22T03:00")));
        let seasonal =
            Hours::parse(None, Some("WE"), Some("09:00"), Some("17:00"), Some("2026-12-01"), Some("2027-02-28"))
                .unwrap();
        assert!(!seasonal.is_open(at("2026-11-18T10:00")));
        assert!(seasonal.is_open(at("2026-12-02T10:00")));
        assert!(Hours::parse(Some("YEARLY"), Some("MO"), Some("09:00"), Some("10:00"), None, None).is_none());
        assert!(Hours::parse(None, Some("XX"), Some("09:00"), Some("10:00"), None, None).is_none());
        assert!(Hours::parse(None, Some("MO"), Some("25:00"), Some("10:00"), None, None).is_none());
        for h in [weekdays, overnight, first_monday, last_friday, all_day, seasonal] {
            assert_eq!(Hours::decode(&h.encode()), Some(h.clone()));
        }
    }

    #[test]
    fn distance_is_great_circle() {
        let d = haversine_km((40.7128, -74.0060), (42.3601, -71.0589));
        assert!((d - 306.0).abs() < 3.0, "{d}");
        assert!(haversine_km((1.0, 1.0), (1.0, 1.0)) < 1e-9);
    }

    /// A resource built in memory, as `load_many` would assemble it.
    fn resource(id: &str, name: &str, description: &str) -> Resource {
        Resource {
            service: row(json!({ "id": id, "name": name, "description": description, "status": "active",
                "organization_id": "org-1" })),
            organization: Some(row(json!({ "id": "org-1", "name": "Community Partners" }))),
            version: 1,
            ..Resource::default()
        }
    }

    fn with_language(mut r: Resource, name: &str) -> Resource {
        r.languages.push(Linked {
            row: row(json!({ "id": format!("l-{name}"), "name": name })),
            source: resources::Source::Service,
        });
        r
    }

    fn with_place(mut r: Resource, lat: f64, lon: f64) -> Resource {
        r.places.push(resources::Place {
            link: row(json!({ "id": format!("sal-{lat}") })),
            location: row(
                json!({ "id": format!("loc-{lat}"), "location_type": "physical", "latitude": lat, "longitude": lon }),
            ),
            addresses: Vec::new(),
        });
        r
    }

    fn with_hours(mut r: Resource, byday: &str, opens: &str, closes: &str) -> Resource {
        r.schedules.push(Linked {
            row: row(json!({ "id": format!("s-{byday}"), "freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes })),
            source: resources::Source::Service,
        });
        r
    }

    fn index_of(resources: &[Resource]) -> Index {
        let mut index = Index { epoch: "e".into(), generation: 1, ..Index::default() };
        for r in resources {
            index.insert(r.id(), entries(r).into_iter().collect());
        }
        index
    }

    fn ids(index: &Index, query: &SearchQuery) -> Vec<String> {
        let prepared = Prepared {
            query,
            language: query.language.as_deref().and_then(language_key),
            prefer: query.prefer_language.as_deref().and_then(language_key),
            verify_months: 12,
        };
        let (total, hits) = rank(index, &prepared, 0, 1000);
        assert_eq!(total as usize, hits.len());
        // A page is the same slice of the whole order.
        if hits.len() > 1 {
            let (_, second) = rank(index, &prepared, 1, 1);
            assert_eq!(second[0].0.service_id, hits[1].0.service_id);
        }
        hits.into_iter().map(|(h, _)| h.service_id).collect()
    }

    fn text(t: &str) -> SearchQuery {
        SearchQuery { text: t.into(), ..SearchQuery::default() }
    }

    fn sample() -> Index {
        index_of(&[
            resource("pantry", "Eastside Pantry", "Groceries every week for families"),
            resource("bank", "Riverside Food Bank", "Emergency food boxes"),
            resource("dental", "Smile Dental Clinic", "Cleanings and fillings"),
            resource("legal", "Tenant Legal Aid", "Help with eviction notices"),
            resource("jobs", "Workforce Center", "Employment counselling and job search"),
        ])
    }

    #[test]
    fn food_finds_a_pantry_by_synonym() {
        let found = ids(&sample(), &text("food"));
        assert!(found.contains(&"pantry".to_string()), "{found:?}");
        assert_eq!(found[0], "bank", "the one named Food ranks first: {found:?}");
        assert!(!found.contains(&"dental".to_string()));
    }

    #[test]
    fn typos_are_forgiven() {
        assert_eq!(ids(&sample(), &text("fod bank"))[0], "bank");
        assert_eq!(ids(&sample(), &text("dentst")), vec!["dental"]);
        assert!(ids(&sample(), &text("lawer")).contains(&"legal".to_string()), "lawyer → legal aid");
        assert_eq!(ids(&sample(), &text("emplyment")), vec!["jobs"]);
    }

    #[test]
    fn synonyms_cross_wording() {
        assert_eq!(ids(&sample(), &text("dentist")), vec!["dental"]);
        assert_eq!(ids(&sample(), &text("lawyer")), vec!["legal"]);
        assert_eq!(ids(&sample(), &text("housing")), vec!["legal"], "eviction is a housing need");
        assert_eq!(ids(&sample(), &text("work")), vec!["jobs"]);
        assert!(ids(&sample(), &text("zzzz qqqq")).is_empty());
    }

    #[test]
    fn every_word_must_match_when_some_service_matches_all() {
        let found = ids(&sample(), &text("riverside food"));
        assert_eq!(found, vec!["bank"]);
        // Nothing matches both words: the partial matches are still offered.
        let partial = ids(&sample(), &text("dental eviction"));
        assert_eq!(partial.len(), 2);
    }

    #[test]
    fn the_persons_language_ranks_first() {
        let index = index_of(&[
            with_language(resource("a", "Northside Food Bank", "Food"), "English"),
            with_language(resource("b", "Southside Food Bank", "Food"), "Spanish"),
        ]);
        let query = SearchQuery { prefer_language: Some("español".into()), ..text("food bank") };
        assert_eq!(ids(&index, &query), vec!["b", "a"]);
        let only = SearchQuery { language: Some("spa".into()), ..text("") };
        assert_eq!(ids(&index, &only), vec!["b"]);
        let without = text("food bank");
        assert_eq!(ids(&index, &without), vec!["a", "b"], "ties fall back to the name");
    }

    #[test]
    fn a_language_filter_follows_macrolanguages_both_ways() {
        let index = index_of(&[
            with_language(resource("a", "Chinatown Clinic", "Clinic"), "Chinese"),
            with_language(resource("b", "Harbour Clinic", "Clinic"), "Cantonese"),
            with_language(resource("c", "Main Street Clinic", "Clinic"), "Mandarin"),
        ]);
        let filter = |language: &str| ids(&index, &SearchQuery { language: Some(language.into()), ..text("") });
        assert_eq!(filter("Cantonese"), vec!["a", "b"], "a Chinese-speaking service serves a Cantonese speaker");
        assert_eq!(filter("zh"), vec!["a", "b", "c"], "asking for Chinese finds Cantonese and Mandarin too");
        assert_eq!(filter("cmn"), vec!["a", "c"]);
    }

    #[test]
    fn nearer_beats_farther_when_relevance_ties() {
        let index = index_of(&[
            with_place(resource("far", "Alpha Food Bank", "Food"), 41.0, -74.0),
            with_place(resource("near", "Beta Food Bank", "Food"), 40.72, -74.0),
            resource("nowhere", "Gamma Food Bank", "Food"),
        ]);
        let near = Near { latitude: 40.71, longitude: -74.0, within_km: None };
        let query = SearchQuery { near: Some(near), ..text("food bank") };
        assert_eq!(ids(&index, &query), vec!["near", "far", "nowhere"]);
        let within = SearchQuery { near: Some(Near { within_km: Some(10.0), ..near }), ..text("") };
        assert_eq!(ids(&index, &within), vec!["near"]);
    }

    #[test]
    fn open_now_and_age_filter() {
        let mut teen = with_hours(resource("teen", "Teen Drop-in", "Youth space"), "MO,TU,WE,TH,FR", "15:00", "19:00");
        teen.service.insert("minimum_age".into(), json!(13));
        teen.service.insert("maximum_age".into(), json!(19));
        let adult = with_hours(resource("adult", "Adult Drop-in", "Day space"), "SA,SU", "09:00", "17:00");
        let index = index_of(&[teen, adult]);
        let wednesday_4pm = SearchQuery { open_at: Some(at("2026-11-18T16:00")), ..text("drop in") };
        assert_eq!(ids(&index, &wednesday_4pm), vec!["teen"]);
        let saturday = SearchQuery { open_at: Some(at("2026-11-21T10:00")), ..text("") };
        assert_eq!(ids(&index, &saturday), vec!["adult"]);
        let night = SearchQuery { open_at: Some(at("2026-11-18T23:00")), ..text("") };
        assert!(ids(&index, &night).is_empty());
        let age_30 = SearchQuery { age: Some(30), ..text("") };
        assert_eq!(ids(&index, &age_30), vec!["adult"]);
        let age_15 = SearchQuery { age: Some(15), ..text("") };
        assert_eq!(
            ids(&index, &age_15),
            vec!["teen", "adult"],
            "both admit 15; the one stating its ages is more complete"
        );
    }

    #[test]
    fn inactive_services_are_left_out_unless_asked() {
        let mut closed = resource("closed", "Old Food Bank", "Food");
        closed.service.insert("status".into(), json!("defunct"));
        let index = index_of(&[closed, resource("open", "New Food Bank", "Food")]);
        assert_eq!(ids(&index, &text("food")), vec!["open"]);
        let all = SearchQuery { include_inactive: true, ..text("food") };
        assert_eq!(ids(&index, &all).len(), 2);
    }

    #[test]
    fn free_filter_reads_cost_options_and_fee_text() {
        let mut free = resource("free", "Free Clinic", "Care");
        free.cost_options.push(row(json!({ "id": "c1", "service_id": "free", "amount": 0 })));
        let mut sliding = resource("sliding", "Sliding Clinic", "Care");
        sliding.service.insert("fees_description".into(), json!("Sliding scale by income"));
        let mut paid = resource("paid", "Paid Clinic", "Care");
        paid.cost_options.push(row(json!({ "id": "c2", "service_id": "paid", "option": "Visit", "amount": 40 })));
        let index = index_of(&[free, sliding, paid]);
        let query = SearchQuery { free_or_low_cost: true, ..text("clinic") };
        assert_eq!(ids(&index, &query), vec!["free", "sliding"]);
    }

    #[test]
    fn incomplete_records_rank_a_little_lower() {
        let mut complete = resource("complete", "Food Bank B", "Food");
        complete = with_language(complete, "English");
        complete.service.insert("fees_description".into(), json!("Free"));
        complete.service.insert("eligibility_description".into(), json!("Anyone"));
        let sparse = resource("sparse", "Food Bank A", "Food");
        let index = index_of(&[complete, sparse]);
        assert_eq!(ids(&index, &text("food bank")), vec!["complete", "sparse"]);
    }

    #[test]
    fn a_result_list_reads_what_it_shows_from_the_index() {
        let mut r = with_language(with_language(resource("s1", "Eastside Pantry", "Food"), "Spanish"), "English");
        r.phones
            .push(Linked { row: row(json!({ "id": "p", "number": "555-0100" })), source: resources::Source::Service });
        r.cost_options.push(row(json!({ "id": "c", "service_id": "s1", "option": "Visit", "amount": 12.5 })));
        let index = index_of(&[r]);
        let query = text("pantry");
        let prepared = Prepared { query: &query, language: None, prefer: None, verify_months: 12 };
        let (_, found) = rank(&index, &prepared, 0, 10);
        let summary = &found[0].1;
        assert_eq!(summary.name, "Eastside Pantry");
        assert_eq!(summary.organization_name.as_deref(), Some("Community Partners"));
        assert_eq!(summary.phone.as_deref(), Some("555-0100"));
        assert_eq!(summary.languages, vec!["English", "Spanish"]);
        assert_eq!(summary.fee, Some((resources::FeeKind::Fee, Some(12.5))));
        assert_eq!(
            summary.missing,
            vec![ResourceFact::NameLocationPhone, ResourceFact::ContactPerson, ResourceFact::Eligibility]
        );
    }

    #[test]
    fn an_index_is_patched_in_place() {
        let mut index = sample();
        index.remove("bank");
        assert!(!ids(&index, &text("food")).contains(&"bank".to_string()));
        let renamed = resource("bank", "Riverside Meals", "Hot meals daily");
        index.insert("bank", entries(&renamed).into_iter().collect());
        assert!(ids(&index, &text("meals")).contains(&"bank".to_string()));
        // A removal mark alone leaves nothing behind.
        index.remove("bank");
        index.insert("bank", vec![(changed_term(3), 0)]);
        assert!(!index.slots.contains_key("bank"));
    }
}
