//! Pure types and rules: no IO. Input from forms and JSON is parsed into these types at the edge.

pub mod clock;
pub mod codes;
pub mod person;
pub mod search;
pub mod setup;
pub mod validation;

pub use clock::Clock;
pub use validation::{FieldError, FieldErrors};
