//! Pure types and rules: no IO. Input from forms and JSON is parsed into these types at the edge.

pub mod clock;
// text_code! is declared in codes and used by the modules after it.
#[macro_use]
pub mod codes;
pub mod coaching;
pub mod community;
pub mod consent;
pub mod directory;
pub mod disaggregation;
pub mod feedback;
pub mod groups;
pub mod guardrails;
pub mod instruments;
pub mod intake;
pub mod logic_models;
pub mod measures;
pub mod outcomes;
pub mod participation;
pub mod person;
pub mod personnel;
pub mod portal;
pub mod referral;
pub mod risk;
pub mod schedule;
pub mod search;
pub mod setup;
pub mod validation;

pub use clock::Clock;
pub use validation::{FieldError, FieldErrors};
