//! Translations from the fluent files in `locales/`. English is complete; other languages fall
//! back to English for any message they lack.

use crate::domain::FieldError;
use crate::domain::codes::UiLanguage;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Bidi isolation marks would show up in attributes and e-mail subjects.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A translator for one language; cheap to copy into every page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    pub lang: UiLanguage,
}

impl Tr {
    pub fn new(lang: UiLanguage) -> Tr {
        Tr { lang }
    }

    fn id(&self) -> LanguageIdentifier {
        self.lang.code().parse().unwrap_or_else(|_| "en".parse().expect("en is a valid language id"))
    }

    pub fn t(&self, key: &str) -> String {
        LOCALES.try_lookup(&self.id(), key).unwrap_or_else(|| key.to_string())
    }

    /// A message with one named value, e.g. `t1("people-count", "count", 3)`.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.with_args(key, &[(name, value.to_string())])
    }

    pub fn with_args(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut map: HashMap<Cow<'static, str>, FluentValue<'_>> = HashMap::new();
        for (name, value) in args {
            let fluent = match value.parse::<f64>() {
                Ok(n) => FluentValue::from(n),
                Err(_) => FluentValue::from(value.clone()),
            };
            map.insert(Cow::Owned(name.to_string()), fluent);
        }
        LOCALES.try_lookup_with_args(&self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    pub fn field_error(&self, error: &FieldError) -> String {
        let args: Vec<(&str, String)> = error.args.iter().map(|(k, v)| (*k, self.arg_words(k, v))).collect();
        self.with_args(error.message_id, &args)
    }

    /// Arguments holding codes, shown in words: `gaps` lists personnel needs (training topics and
    /// record checks, `Need` codes joined with ", "), as `personnel::enforce_assignment` sends them.
    fn arg_words(&self, name: &str, value: &str) -> String {
        use crate::domain::personnel::Need;
        if name != "gaps" {
            return value.to_string();
        }
        let needs: Option<Vec<Need>> = value.split(", ").map(Need::parse).collect();
        match needs {
            Some(needs) => crate::personnel::reminders::gaps_text(self, &needs),
            None => value.to_string(),
        }
    }

    /// The language's own name, for the language switch.
    pub fn native_name(lang: UiLanguage) -> &'static str {
        match lang {
            UiLanguage::En => "English",
            UiLanguage::Fr => "Français",
            UiLanguage::Es => "Español",
        }
    }

    /// Picks the best supported language from an Accept-Language header.
    pub fn from_accept_language(header: &str) -> UiLanguage {
        header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(";q=");
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let q = pieces.next().and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
                let primary = tag.split('-').next()?.to_string();
                UiLanguage::parse(&primary).map(|lang| (lang, q))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(lang, _)| lang)
            .unwrap_or(UiLanguage::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_french_shell() {
        assert_eq!(Tr::new(UiLanguage::En).t("nav-people"), "People");
        assert_eq!(Tr::new(UiLanguage::Fr).t("nav-people"), "Personnes");
    }

    #[test]
    fn arguments_are_interpolated() {
        let text = Tr::new(UiLanguage::En).t1("error-too-long", "max", 100);
        assert!(text.contains("100"), "{text}");
    }

    #[test]
    fn missing_french_message_falls_back_to_english() {
        assert_eq!(Tr::new(UiLanguage::Fr).t("no-such-message"), "no-such-message");
        assert!(!Tr::new(UiLanguage::Es).t("nav-home").is_empty());
    }

    #[test]
    fn accept_language_picks_highest_supported() {
        assert_eq!(Tr::from_accept_language("de-DE,fr-CA;q=0.8,en;q=0.5"), UiLanguage::Fr);
        assert_eq!(Tr::from_accept_language("de"), UiLanguage::En);
    }
}
