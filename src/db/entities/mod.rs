//! Table shapes, one module per table.

pub mod api_token;
pub mod audit_event;
pub mod crisis_event;
pub mod crisis_procedure;
pub mod enrolment;
pub mod household_member;
pub mod organisation;
pub mod person;
pub mod person_safety;
pub mod person_search_term;
pub mod program;
pub mod program_intake_setting;
pub mod risk_response;
pub mod risk_screen;
pub mod safety_plan;
pub mod service_request;
pub mod session;
pub mod site;
pub mod staff;
pub mod staff_program;
pub mod waitlist_checkin;
pub mod waitlist_entry;
