//! Table shapes, one module per table.

pub mod api_token;
pub mod audit_event;
pub mod enrolment;
pub mod household_member;
pub mod organisation;
pub mod person;
pub mod person_search_term;
pub mod program;
pub mod session;
pub mod site;
pub mod staff;
pub mod staff_program;
