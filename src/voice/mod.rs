//! Participant voice and peer community (CSE 7, CA-CSE 7): feedback and complaints with the
//! "you said, we did" board, program rules, advisory meetings and surveys, opportunities, the aims
//! peer support serves, and the welcoming environment of each site.

pub mod community;
pub mod feedback;
pub mod participation;
