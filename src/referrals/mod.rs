//! (being written)

pub mod info_contacts;
