//! Who may do what. The one module that decides access: handlers ask it, never re-implement it.
//!
//! People are reached through their enrolments: a worker reaches the people on their own caseload,
//! a supervisor also their supervisees' caseloads, a program director everyone in the programs they
//! direct, and the quality lead reads every record (read-only) for accreditation evidence.
//! Administrators manage configuration and do not read person records.

use crate::domain::codes::Role;
use uuid::Uuid;

/// The signed-in staff member (or API token holder) making a request.
#[derive(Clone, Debug)]
pub struct Actor {
    pub staff_id: Uuid,
    pub org_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub supervisee_ids: Vec<Uuid>,
    pub program_ids: Vec<Uuid>,
    pub ip: Option<String>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Roles that carry their own caseload of people.
    pub fn works_with_people(&self) -> bool {
        self.roles.iter().any(|r| {
            matches!(
                r,
                Role::Coach
                    | Role::GroupFacilitator
                    | Role::ReferralSpecialist
                    | Role::Supervisor
                    | Role::ProgramDirector
            )
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ViewPerson,
    EditPerson,
    CreatePerson,
    ReassignPerson,
    ConfigureOrganisation,
    ManageStaff,
    ViewStaff,
    BrowseAudit,
    ViewSetup,
}

/// One enrolment of a person: the program and the assigned worker.
#[derive(Clone, Copy, Debug)]
pub struct Enrolment {
    pub program_id: Uuid,
    pub worker_id: Option<Uuid>,
}

/// How the actor is connected to a person's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    OwnCaseload,
    SuperviseeCaseload,
    DirectedProgram,
    Outside,
}

pub fn reach(actor: &Actor, enrolments: &[Enrolment]) -> Reach {
    let own = enrolments.iter().any(|e| e.worker_id == Some(actor.staff_id));
    let supervisee = enrolments.iter().any(|e| e.worker_id.is_some_and(|w| actor.supervisee_ids.contains(&w)));
    let program = enrolments.iter().any(|e| actor.program_ids.contains(&e.program_id));
    if own {
        Reach::OwnCaseload
    } else if supervisee && actor.has(Role::Supervisor) {
        Reach::SuperviseeCaseload
    } else if program && actor.has(Role::ProgramDirector) {
        Reach::DirectedProgram
    } else {
        Reach::Outside
    }
}

/// Whether `role` may take `action` on a person reached as `reach`.
fn role_allows(role: Role, action: Action, reach: Reach) -> bool {
    use Action::*;
    use Reach::*;
    let works = matches!(
        role,
        Role::Coach | Role::GroupFacilitator | Role::ReferralSpecialist | Role::Supervisor | Role::ProgramDirector
    );
    match action {
        ViewPerson | EditPerson => match role {
            Role::QualityLead => action == ViewPerson,
            Role::Supervisor => matches!(reach, OwnCaseload | SuperviseeCaseload),
            Role::ProgramDirector => matches!(reach, OwnCaseload | DirectedProgram),
            _ if works => reach == OwnCaseload,
            _ => false,
        },
        ReassignPerson => match role {
            Role::Supervisor => matches!(reach, OwnCaseload | SuperviseeCaseload),
            Role::ProgramDirector => matches!(reach, OwnCaseload | DirectedProgram),
            _ => false,
        },
        CreatePerson => works,
        ConfigureOrganisation | ManageStaff | BrowseAudit => role == Role::Administrator,
        ViewStaff => matches!(role, Role::Administrator | Role::ProgramDirector | Role::Supervisor | Role::QualityLead),
        ViewSetup => true,
    }
}

/// Whether the actor may take `action`; for person actions, `reach` is how they reach the record.
pub fn allows(actor: &Actor, action: Action, reach: Reach) -> bool {
    actor.roles.iter().any(|role| role_allows(*role, action, reach))
}

/// Which people a list or search may show the actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonScope {
    Everyone,
    Nobody,
    /// People with an enrolment whose worker is one of `workers` or whose program is in `programs`.
    Enrolled {
        workers: Vec<Uuid>,
        programs: Vec<Uuid>,
    },
}

pub fn person_scope(actor: &Actor) -> PersonScope {
    if actor.has(Role::QualityLead) {
        return PersonScope::Everyone;
    }
    if !actor.works_with_people() {
        return PersonScope::Nobody;
    }
    let mut workers = vec![actor.staff_id];
    if actor.has(Role::Supervisor) {
        workers.extend(&actor.supervisee_ids);
    }
    let programs = if actor.has(Role::ProgramDirector) { actor.program_ids.clone() } else { Vec::new() };
    PersonScope::Enrolled { workers, programs }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            staff_id: Uuid::from_u128(1),
            org_id: Uuid::from_u128(100),
            display_name: "Test".into(),
            email: "t@example.org".into(),
            roles: vec![role],
            supervisee_ids: vec![Uuid::from_u128(2)],
            program_ids: vec![Uuid::from_u128(10)],
            ip: None,
        }
    }

    fn enrolled(worker: u128, program: u128) -> Vec<Enrolment> {
        vec![Enrolment { program_id: Uuid::from_u128(program), worker_id: Some(Uuid::from_u128(worker)) }]
    }

    /// Role × action × (own / supervisee's / directed program / other) caseload.
    #[test]
    fn person_access_matrix() {
        let own = enrolled(1, 99);
        let supervisee = enrolled(2, 99);
        let program = enrolled(3, 10);
        let other = enrolled(3, 99);
        // (role, [view own, view supervisee, view program, view other], [edit own, edit other])
        let expected = [
            (Role::Coach, [true, false, false, false], [true, false]),
            (Role::GroupFacilitator, [true, false, false, false], [true, false]),
            (Role::ReferralSpecialist, [true, false, false, false], [true, false]),
            (Role::Supervisor, [true, true, false, false], [true, false]),
            (Role::ProgramDirector, [true, false, true, false], [true, false]),
            (Role::QualityLead, [true, true, true, true], [false, false]),
            (Role::Administrator, [false, false, false, false], [false, false]),
        ];
        for (role, views, edits) in expected {
            let a = actor(role);
            let got: Vec<bool> = [&own, &supervisee, &program, &other]
                .iter()
                .map(|e| allows(&a, Action::ViewPerson, reach(&a, e)))
                .collect();
            assert_eq!(got, views, "view for {role:?}");
            assert_eq!(allows(&a, Action::EditPerson, reach(&a, &own)), edits[0], "edit own for {role:?}");
            assert_eq!(allows(&a, Action::EditPerson, reach(&a, &other)), edits[1], "edit other for {role:?}");
        }
    }

    #[test]
    fn only_administrators_configure() {
        for role in Role::ALL {
            let a = actor(*role);
            assert_eq!(allows(&a, Action::ConfigureOrganisation, Reach::Outside), *role == Role::Administrator);
            assert_eq!(allows(&a, Action::BrowseAudit, Reach::Outside), *role == Role::Administrator);
        }
    }

    #[test]
    fn quality_lead_and_admin_cannot_create_people() {
        assert!(!allows(&actor(Role::QualityLead), Action::CreatePerson, Reach::Outside));
        assert!(!allows(&actor(Role::Administrator), Action::CreatePerson, Reach::Outside));
        assert!(allows(&actor(Role::Coach), Action::CreatePerson, Reach::Outside));
    }

    #[test]
    fn list_scope_follows_role() {
        assert_eq!(person_scope(&actor(Role::QualityLead)), PersonScope::Everyone);
        assert_eq!(person_scope(&actor(Role::Administrator)), PersonScope::Nobody);
        let PersonScope::Enrolled { workers, programs } = person_scope(&actor(Role::Supervisor)) else { panic!() };
        assert_eq!(workers.len(), 2);
        assert!(programs.is_empty());
        let PersonScope::Enrolled { workers, programs } = person_scope(&actor(Role::ProgramDirector)) else { panic!() };
        assert_eq!((workers.len(), programs.len()), (1, 1));
    }
}
