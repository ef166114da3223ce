//! Field-level errors. Messages are fluent ids, so forms and the API speak the user's language.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    /// Message id in the locale files (e.g. `error-required`).
    pub message_id: &'static str,
    /// Named values the message interpolates (e.g. `max` = 100).
    pub args: Vec<(&'static str, String)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, message_id: &'static str) -> Self {
        let mut errors = Self::new();
        errors.add(field, message_id);
        errors
    }

    pub fn add(&mut self, field: &str, message_id: &'static str) {
        self.add_with(field, message_id, Vec::new());
    }

    pub fn add_with(&mut self, field: &str, message_id: &'static str, args: Vec<(&'static str, String)>) {
        self.0.push(FieldError { field: field.to_string(), message_id, args });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    /// Ok(value) when no error was recorded, so parsers can end with `errors.finish(value)`.
    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }

    /// Trims and checks a required text field.
    pub fn required(&mut self, field: &str, raw: &str, max: usize) -> String {
        let value = raw.trim();
        if value.is_empty() {
            self.add(field, "error-required");
        } else {
            self.check_length(field, value, max);
        }
        value.to_string()
    }

    /// Trims an optional text field; empty becomes None.
    pub fn optional(&mut self, field: &str, raw: Option<&str>, max: usize) -> Option<String> {
        let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
        self.check_length(field, value, max);
        Some(value.to_string())
    }

    fn check_length(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.add_with(field, "error-too-long", vec![("max", max.to_string())]);
        }
    }

    /// An optional closed-list code.
    pub fn optional_code<T>(&mut self, field: &str, raw: Option<&str>, parse: fn(&str) -> Option<T>) -> Option<T> {
        let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
        let parsed = parse(value);
        if parsed.is_none() {
            self.add(field, "error-unknown-choice");
        }
        parsed
    }

    /// A required closed-list code.
    pub fn required_code<T>(&mut self, field: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
        if raw.trim().is_empty() {
            self.add(field, "error-required");
            return None;
        }
        self.optional_code(field, Some(raw), parse)
    }

    /// An optional ISO date (YYYY-MM-DD), as sent by `<input type=date>`.
    pub fn optional_date(&mut self, field: &str, raw: Option<&str>) -> Option<time::Date> {
        let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(value, format) {
            Ok(date) => Some(date),
            Err(_) => {
                self.add(field, "error-date-format");
                None
            }
        }
    }

    /// An optional time of day (HH:MM), as sent by `<input type=time>`.
    pub fn optional_time(&mut self, field: &str, raw: Option<&str>) -> Option<time::Time> {
        let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
        match time::Time::parse(value, time::macros::format_description!("[hour]:[minute]")) {
            Ok(t) => Some(t),
            Err(_) => {
                self.add(field, "error-time-format");
                None
            }
        }
    }

    /// An optional phone number: at least 7 digits, only the usual punctuation.
    pub fn optional_phone(&mut self, field: &str, raw: Option<&str>) -> Option<String> {
        let value = self.optional(field, raw, 40)?;
        let allowed = |c: char| c.is_ascii_digit() || " ()+-.xext".contains(c);
        let digits = value.chars().filter(char::is_ascii_digit).count();
        if !value.chars().all(allowed) || digits < 7 {
            self.add(field, "error-phone");
        }
        Some(value)
    }

    /// An optional e-mail address: one @ with text on both sides and a dot in the domain.
    pub fn optional_email(&mut self, field: &str, raw: Option<&str>) -> Option<String> {
        let value = self.optional(field, raw, 254)?;
        if !looks_like_email(&value) {
            self.add(field, "error-email");
        }
        Some(value)
    }
}

pub fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

/// Digits only, for matching phone numbers however they were typed.
pub fn phone_digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_field_reports_missing_and_too_long() {
        let mut errors = FieldErrors::new();
        errors.required("name", "   ", 10);
        errors.required("other", "abcdefghijk", 10);
        assert_eq!(errors.0[0].message_id, "error-required");
        assert_eq!(errors.0[1].message_id, "error-too-long");
        assert_eq!(errors.0[1].args, vec![("max", "10".to_string())]);
    }

    #[test]
    fn phone_needs_seven_digits() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.optional_phone("p", Some(" (555) 010-2030 ")), Some("(555) 010-2030".into()));
        assert!(errors.is_empty());
        errors.optional_phone("p", Some("12-34"));
        errors.optional_phone("q", Some("call me"));
        assert_eq!(errors.0.len(), 2);
    }

    #[test]
    fn email_shape() {
        assert!(looks_like_email("a.b@example.org"));
        assert!(!looks_like_email("a.b@example"));
        assert!(!looks_like_email("@example.org"));
        assert!(!looks_like_email("a b@example.org"));
    }

    #[test]
    fn date_must_be_iso() {
        let mut errors = FieldErrors::new();
        assert!(errors.optional_date("d", Some("2001-02-03")).is_some());
        assert!(errors.optional_date("d", Some("03/02/2001")).is_none());
        assert_eq!(errors.0[0].message_id, "error-date-format");
    }
}
