//! The section tabs every page of a staff member's personnel record shows
//! (`templates/team/_tabs.html`): overview, training, supervision (only to those who may read it)
//! and workload.

use crate::personnel::StaffRecord;
use uuid::Uuid;

pub struct RecordTabs {
    pub staff_id: Uuid,
    pub name: String,
    /// `overview`, `training`, `supervision` or `workload`.
    pub current: &'static str,
    pub supervision: bool,
}

impl RecordTabs {
    pub fn new(record: &StaffRecord, current: &'static str) -> RecordTabs {
        RecordTabs {
            staff_id: record.staff.id,
            name: record.staff.display_name.clone(),
            current,
            supervision: record.access.supervision,
        }
    }
}
