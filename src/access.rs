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
    /// Log a request for service, a risk screen or a safety plan.
    LogRequest,
    /// Change who a program is for and its intake targets.
    ConfigureIntake,
    /// Write a new revision of the crisis procedure.
    EditCrisisProcedure,
    /// Log a crisis event (anyone on staff may).
    LogCrisisEvent,
    /// See figures across people (time to first service).
    ViewIntakeReports,
    /// Log feedback or a complaint on someone's behalf (anyone on staff may).
    RecordFeedback,
    /// Read, assign, respond to and close feedback and complaints; see their trends.
    ManageFeedback,
    /// Publish a "you said, we did" change on the public board.
    PublishFeedbackChanges,
    /// Read program rules, advisory meetings, surveys, welcoming-environment reviews and the
    /// peer-support aims spread (no person-level data).
    ViewParticipation,
    /// Record program-rule versions, advisory meetings and their decisions, participant surveys.
    ManageParticipation,
    /// Record a site's welcoming-environment review with its photos.
    ReviewWelcome,
    /// See every portal account in the organisation and suspend any of them.
    ManagePortalAccounts,
    /// Read instruments and logic models (no person-level data).
    ViewOutcomeDesign,
    /// Define the organisation's own instruments and indicators, and retire them.
    ManageInstruments,
    /// Set which measures each program takes and when (intake, every N days, discharge).
    ConfigureMeasureSchedules,
    /// Write a program's logic model: needs, inputs, activities, outcomes with targets, impact.
    EditLogicModels,
    /// See outcome dashboards and disaggregations (aggregates with small cells suppressed).
    ViewOutcomes,
    /// Download de-identified person-level outcomes and the funder report (audited as exports).
    ExportOutcomes,
    /// See accreditation readiness: applicability, evidence, suggested and recorded ratings.
    ViewReadiness,
    /// Record self-ratings, readiness thresholds and applicability facts.
    ManageReadiness,
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
    /// Through a request for service the actor's intake team handles.
    IntakeRequest,
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
            Role::Supervisor => matches!(reach, OwnCaseload | SuperviseeCaseload | IntakeRequest),
            Role::ProgramDirector => matches!(reach, OwnCaseload | DirectedProgram | IntakeRequest),
            _ if works => matches!(reach, OwnCaseload | IntakeRequest),
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
        LogRequest => works,
        ConfigureIntake | EditCrisisProcedure => matches!(role, Role::Administrator | Role::ProgramDirector),
        LogCrisisEvent => true,
        ViewIntakeReports => matches!(role, Role::ProgramDirector | Role::Supervisor | Role::QualityLead),
        RecordFeedback | ViewParticipation => true,
        ManageFeedback | ManageParticipation | ReviewWelcome => {
            matches!(role, Role::ProgramDirector | Role::Supervisor | Role::QualityLead | Role::Administrator)
        }
        PublishFeedbackChanges => matches!(role, Role::ProgramDirector | Role::QualityLead | Role::Administrator),
        ManagePortalAccounts => matches!(role, Role::ProgramDirector | Role::Administrator),
        ViewOutcomeDesign => true,
        ManageInstruments | EditLogicModels => {
            matches!(role, Role::ProgramDirector | Role::QualityLead | Role::Administrator)
        }
        ConfigureMeasureSchedules => matches!(role, Role::ProgramDirector | Role::Administrator),
        ViewOutcomes => {
            matches!(role, Role::ProgramDirector | Role::Supervisor | Role::QualityLead | Role::Administrator)
        }
        ExportOutcomes => matches!(role, Role::ProgramDirector | Role::QualityLead),
        ViewReadiness => {
            matches!(role, Role::ProgramDirector | Role::Supervisor | Role::QualityLead | Role::Administrator)
        }
        ManageReadiness => matches!(role, Role::ProgramDirector | Role::QualityLead),
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

/// Which requests for service an actor's intake work covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestScope {
    Everyone,
    Nobody,
    /// Requests assigned to one of `workers`, routed to one of `programs`, or not yet routed.
    Team {
        workers: Vec<Uuid>,
        programs: Vec<Uuid>,
    },
}

/// Intake is team work: a worker sees the requests routed to the programs they belong to, the
/// ones assigned to them (or their supervisees) and the shared inbox of unrouted ones.
pub fn request_scope(actor: &Actor) -> RequestScope {
    if actor.has(Role::QualityLead) {
        return RequestScope::Everyone;
    }
    if !actor.works_with_people() {
        return RequestScope::Nobody;
    }
    let mut workers = vec![actor.staff_id];
    if actor.has(Role::Supervisor) {
        workers.extend(&actor.supervisee_ids);
    }
    RequestScope::Team { workers, programs: actor.program_ids.clone() }
}

/// Whether a request assigned to `assigned_to` and routed to `program_id` is in the scope.
pub fn request_in_scope(scope: &RequestScope, assigned_to: Option<Uuid>, program_id: Option<Uuid>) -> bool {
    match scope {
        RequestScope::Everyone => true,
        RequestScope::Nobody => false,
        RequestScope::Team { workers, programs } => {
            assigned_to.is_some_and(|a| workers.contains(&a)) || program_id.is_none_or(|p| programs.contains(&p))
        }
    }
}

/// Whether the actor may change a request they can see (the quality lead only reads).
pub fn may_edit_requests(actor: &Actor) -> bool {
    actor.works_with_people()
}

/// Every staff member reads the directory; these roles keep it (edit, verify, import, merge).
pub fn may_edit_directory(actor: &Actor) -> bool {
    actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::ReferralSpecialist | Role::Supervisor | Role::ProgramDirector | Role::Administrator))
}

/// The verification interval and who may read `/hsds/`.
pub fn may_configure_directory(actor: &Actor) -> bool {
    actor.has(Role::Administrator) || actor.has(Role::ProgramDirector)
}

/// Information-only contacts (anonymous callers and walk-ins) are logged by anyone who works with people.
pub fn may_log_info_contacts(actor: &Actor) -> bool {
    actor.works_with_people()
}

/// Referral figures across people (time to referral, share connected) and the information-only log.
pub fn may_view_referral_reports(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| matches!(r, Role::ProgramDirector | Role::Supervisor | Role::QualityLead))
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
    fn intake_request_reach_opens_the_record_to_caseload_roles_only() {
        for role in Role::ALL {
            let a = actor(*role);
            let works = a.works_with_people();
            assert_eq!(allows(&a, Action::ViewPerson, Reach::IntakeRequest), works || *role == Role::QualityLead);
            assert_eq!(allows(&a, Action::EditPerson, Reach::IntakeRequest), works);
            assert!(!allows(&a, Action::ReassignPerson, Reach::IntakeRequest));
        }
    }

    #[test]
    fn request_scope_is_the_team_and_the_shared_inbox() {
        let coach = actor(Role::Coach);
        let scope = request_scope(&coach);
        assert!(request_in_scope(&scope, None, None), "unrouted requests are shared");
        assert!(request_in_scope(&scope, Some(Uuid::from_u128(1)), Some(Uuid::from_u128(99))), "assigned to me");
        assert!(request_in_scope(&scope, None, Some(Uuid::from_u128(10))), "my program");
        assert!(!request_in_scope(&scope, Some(Uuid::from_u128(2)), Some(Uuid::from_u128(99))), "not mine");
        let supervisor = request_scope(&actor(Role::Supervisor));
        assert!(request_in_scope(&supervisor, Some(Uuid::from_u128(2)), Some(Uuid::from_u128(99))), "supervisee");
        assert_eq!(request_scope(&actor(Role::Administrator)), RequestScope::Nobody);
        assert_eq!(request_scope(&actor(Role::QualityLead)), RequestScope::Everyone);
        assert!(!may_edit_requests(&actor(Role::QualityLead)));
    }

    #[test]
    fn crisis_procedure_and_reports() {
        for role in Role::ALL {
            let a = actor(*role);
            assert!(allows(&a, Action::LogCrisisEvent, Reach::Outside), "anyone logs a crisis");
            assert_eq!(
                allows(&a, Action::EditCrisisProcedure, Reach::Outside),
                matches!(role, Role::Administrator | Role::ProgramDirector)
            );
        }
        assert!(allows(&actor(Role::QualityLead), Action::ViewIntakeReports, Reach::Outside));
        assert!(!allows(&actor(Role::Coach), Action::ViewIntakeReports, Reach::Outside));
    }

    #[test]
    fn participant_voice_roles() {
        for role in Role::ALL {
            let a = actor(*role);
            let leads =
                matches!(role, Role::ProgramDirector | Role::Supervisor | Role::QualityLead | Role::Administrator);
            assert!(allows(&a, Action::RecordFeedback, Reach::Outside), "anyone logs feedback");
            assert!(allows(&a, Action::ViewParticipation, Reach::Outside));
            assert_eq!(allows(&a, Action::ManageFeedback, Reach::Outside), leads, "{role:?}");
            assert_eq!(allows(&a, Action::ManageParticipation, Reach::Outside), leads, "{role:?}");
            assert_eq!(allows(&a, Action::ReviewWelcome, Reach::Outside), leads, "{role:?}");
            assert_eq!(
                allows(&a, Action::PublishFeedbackChanges, Reach::Outside),
                matches!(role, Role::ProgramDirector | Role::QualityLead | Role::Administrator)
            );
            assert_eq!(
                allows(&a, Action::ManagePortalAccounts, Reach::Outside),
                matches!(role, Role::ProgramDirector | Role::Administrator)
            );
        }
    }

    #[test]
    fn outcome_roles() {
        for role in Role::ALL {
            let a = actor(*role);
            let design = matches!(role, Role::ProgramDirector | Role::QualityLead | Role::Administrator);
            assert!(allows(&a, Action::ViewOutcomeDesign, Reach::Outside), "anyone reads logic models");
            assert_eq!(allows(&a, Action::ManageInstruments, Reach::Outside), design, "{role:?}");
            assert_eq!(allows(&a, Action::EditLogicModels, Reach::Outside), design, "{role:?}");
            assert_eq!(
                allows(&a, Action::ConfigureMeasureSchedules, Reach::Outside),
                matches!(role, Role::ProgramDirector | Role::Administrator)
            );
            assert_eq!(
                allows(&a, Action::ViewOutcomes, Reach::Outside),
                design || *role == Role::Supervisor,
                "{role:?}"
            );
            assert_eq!(
                allows(&a, Action::ExportOutcomes, Reach::Outside),
                matches!(role, Role::ProgramDirector | Role::QualityLead),
                "{role:?}"
            );
        }
    }

    #[test]
    fn readiness_roles() {
        for role in Role::ALL {
            let a = actor(*role);
            let leads = matches!(role, Role::ProgramDirector | Role::QualityLead);
            assert_eq!(
                allows(&a, Action::ViewReadiness, Reach::Outside),
                leads || matches!(role, Role::Supervisor | Role::Administrator),
                "{role:?}"
            );
            assert_eq!(allows(&a, Action::ManageReadiness, Reach::Outside), leads, "{role:?}");
        }
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

/// What an actor may do with one education or support group. A group's details, schedule and
/// curriculum carry no personal data and every staff member may read them; who belongs to it
/// (roster, attendance, logs, check-out answers) is limited like a caseload.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupAccess {
    /// See members, attendance, session logs and feedback.
    pub roster: bool,
    /// Take attendance, write session logs, cancel or move sessions, enrol members.
    pub run: bool,
    /// Edit the group, its schedules and facilitators.
    pub manage: bool,
}

/// A group's facilitators run it; their supervisors and the program's director oversee it; the
/// quality lead reads it for evidence; an administrator sets groups up without seeing who attends.
pub fn group_access(actor: &Actor, program_id: Uuid, facilitator_staff: &[Uuid]) -> GroupAccess {
    let facilitates = facilitator_staff.contains(&actor.staff_id);
    let supervises = actor.has(Role::Supervisor) && facilitator_staff.iter().any(|f| actor.supervisee_ids.contains(f));
    let directs = actor.has(Role::ProgramDirector) && actor.program_ids.contains(&program_id);
    let oversees = facilitates || supervises || directs;
    GroupAccess {
        roster: oversees || actor.has(Role::QualityLead),
        run: oversees,
        manage: oversees || actor.has(Role::Administrator),
    }
}

/// Who may start a group in a program: its director, supervisors and facilitators working in it,
/// and administrators.
pub fn may_create_group(actor: &Actor, program_id: Uuid) -> bool {
    actor.has(Role::Administrator)
        || (actor.program_ids.contains(&program_id)
            && (actor.has(Role::ProgramDirector) || actor.has(Role::Supervisor) || actor.has(Role::GroupFacilitator)))
}

/// Who may write curricula (they are shared across groups and carry no personal data).
pub fn may_write_curricula(actor: &Actor) -> bool {
    actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::Administrator | Role::ProgramDirector | Role::Supervisor | Role::GroupFacilitator))
}

/// Who may attest that a facilitator is ready to lead groups: supervisors and directors.
pub fn may_attest_readiness(actor: &Actor) -> bool {
    actor.has(Role::Supervisor) || actor.has(Role::ProgramDirector)
}

#[cfg(test)]
mod group_tests {
    use super::*;

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            staff_id: Uuid::new_v4(),
            org_id: Uuid::new_v4(),
            display_name: "T".into(),
            email: "t@example.org".into(),
            roles: roles.to_vec(),
            supervisee_ids: Vec::new(),
            program_ids: Vec::new(),
            ip: None,
        }
    }

    #[test]
    fn group_rosters_are_limited_like_caseloads() {
        let program = Uuid::new_v4();
        let facilitator = actor(&[Role::GroupFacilitator]);
        let mut supervisor = actor(&[Role::Supervisor]);
        supervisor.supervisee_ids.push(facilitator.staff_id);
        let mut director = actor(&[Role::ProgramDirector]);
        director.program_ids.push(program);
        let other_director = actor(&[Role::ProgramDirector]);
        let coach = actor(&[Role::Coach]);
        let quality = actor(&[Role::QualityLead]);
        let admin = actor(&[Role::Administrator]);
        let staff = [facilitator.staff_id];
        let full = GroupAccess { roster: true, run: true, manage: true };
        assert_eq!(group_access(&facilitator, program, &staff), full);
        assert_eq!(group_access(&supervisor, program, &staff), full);
        assert_eq!(group_access(&director, program, &staff), full);
        assert_eq!(group_access(&other_director, program, &staff), GroupAccess::default());
        assert_eq!(group_access(&coach, program, &staff), GroupAccess::default());
        assert_eq!(group_access(&quality, program, &staff), GroupAccess { roster: true, run: false, manage: false });
        assert_eq!(group_access(&admin, program, &staff), GroupAccess { roster: false, run: false, manage: true });
        assert!(!group_access(&facilitator, program, &[]).run);
    }

    #[test]
    fn groups_are_started_by_program_staff_who_lead_or_oversee() {
        let program = Uuid::new_v4();
        let mut facilitator = actor(&[Role::GroupFacilitator]);
        assert!(!may_create_group(&facilitator, program));
        facilitator.program_ids.push(program);
        assert!(may_create_group(&facilitator, program));
        let mut coach = actor(&[Role::Coach]);
        coach.program_ids.push(program);
        assert!(!may_create_group(&coach, program));
        assert!(may_create_group(&actor(&[Role::Administrator]), program));
        assert!(may_write_curricula(&facilitator));
        assert!(!may_write_curricula(&coach));
        assert!(may_attest_readiness(&actor(&[Role::Supervisor])));
        assert!(!may_attest_readiness(&facilitator));
    }
}

/// How an actor stands to one staff member's personnel record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffReach {
    /// Their own record.
    Own,
    /// A direct supervisee, and the actor holds the supervisor role.
    Supervisee,
    /// The staff member works in a program the actor directs.
    DirectedProgram,
    /// None of these.
    Other,
}

pub fn staff_reach(actor: &Actor, staff_id: Uuid, staff_programs: &[Uuid]) -> StaffReach {
    if actor.staff_id == staff_id {
        StaffReach::Own
    } else if actor.has(Role::Supervisor) && actor.supervisee_ids.contains(&staff_id) {
        StaffReach::Supervisee
    } else if actor.has(Role::ProgramDirector) && staff_programs.iter().any(|p| actor.program_ids.contains(p)) {
        StaffReach::DirectedProgram
    } else {
        StaffReach::Other
    }
}

/// What an actor may do with one staff member's personnel record (profile, degrees,
/// certifications, training, workload, supervision log).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PersonnelAccess {
    /// Profile, degrees, certifications, training, competency and workload.
    pub view: bool,
    /// Record training, certifications and degrees, and the profile's own statements.
    pub edit: bool,
    /// Positions, start date, supervisor's confirmation of the peer role, attested competencies,
    /// workload reviews: the manager's part.
    pub manage: bool,
    /// Read the supervision and mentoring log, with notes.
    pub supervision: bool,
    /// Log supervision for this person (a supervisor or director; mentoring is checked apart).
    pub supervise: bool,
}

/// Staff read and add to their own record; their supervisor and the director of their programs
/// manage it; administrators keep the records (no supervision notes); the quality lead reads them
/// for accreditation evidence, supervision notes aside.
pub fn personnel_access(actor: &Actor, reach: StaffReach) -> PersonnelAccess {
    let manager = matches!(reach, StaffReach::Supervisee | StaffReach::DirectedProgram);
    let admin = actor.has(Role::Administrator);
    PersonnelAccess {
        view: reach == StaffReach::Own || manager || admin || actor.has(Role::QualityLead),
        edit: reach == StaffReach::Own || manager || admin,
        manage: manager || (admin && reach != StaffReach::Own),
        supervision: reach == StaffReach::Own || manager,
        supervise: manager,
    }
}

/// The organisation-wide personnel views (the team list, competency matrix, supervision gaps,
/// workload): directors and supervisors (limited to whom they reach), administrators and the
/// quality lead (everyone).
pub fn may_view_team(actor: &Actor) -> bool {
    actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::Administrator | Role::ProgramDirector | Role::Supervisor | Role::QualityLead))
}

/// Everyone on the team, rather than only supervisees and the directed programs' staff.
pub fn sees_whole_team(actor: &Actor) -> bool {
    actor.has(Role::Administrator) || actor.has(Role::QualityLead)
}

/// The training catalogue and the organisation's personnel settings.
pub fn may_manage_training_catalogue(actor: &Actor) -> bool {
    actor.has(Role::Administrator) || actor.has(Role::ProgramDirector)
}

#[cfg(test)]
mod personnel_tests {
    use super::*;

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            staff_id: Uuid::new_v4(),
            org_id: Uuid::new_v4(),
            display_name: "T".into(),
            email: "t@example.org".into(),
            roles: roles.to_vec(),
            supervisee_ids: vec![Uuid::from_u128(7)],
            program_ids: vec![Uuid::from_u128(1)],
            ip: None,
        }
    }

    /// Role × relationship: (role, whose record, view, edit, manage, supervision notes, supervise).
    #[test]
    fn personnel_access_matrix() {
        let program = [Uuid::from_u128(1)];
        let elsewhere = [Uuid::from_u128(2)];
        type Row = (Role, &'static str, [bool; 5]);
        let rows: [Row; 12] = [
            (Role::Coach, "own", [true, true, false, true, false]),
            (Role::Coach, "colleague", [false, false, false, false, false]),
            (Role::Supervisor, "supervisee", [true, true, true, true, true]),
            (Role::Supervisor, "colleague", [false, false, false, false, false]),
            (Role::ProgramDirector, "in-program", [true, true, true, true, true]),
            (Role::ProgramDirector, "colleague", [false, false, false, false, false]),
            (Role::Administrator, "colleague", [true, true, true, false, false]),
            (Role::Administrator, "own", [true, true, false, true, false]),
            (Role::QualityLead, "colleague", [true, false, false, false, false]),
            (Role::GroupFacilitator, "supervisee", [false, false, false, false, false]),
            (Role::ReferralSpecialist, "in-program", [false, false, false, false, false]),
            (Role::QualityLead, "own", [true, true, false, true, false]),
        ];
        for (role, whose, expected) in rows {
            let a = actor(&[role]);
            let (id, programs): (Uuid, &[Uuid]) = match whose {
                "own" => (a.staff_id, &elsewhere),
                "supervisee" => (Uuid::from_u128(7), &elsewhere),
                "in-program" => (Uuid::from_u128(9), &program),
                _ => (Uuid::from_u128(9), &elsewhere),
            };
            let p = personnel_access(&a, staff_reach(&a, id, programs));
            assert_eq!([p.view, p.edit, p.manage, p.supervision, p.supervise], expected, "{role:?} on {whose}");
        }
        assert!(may_view_team(&actor(&[Role::Supervisor])));
        assert!(!may_view_team(&actor(&[Role::Coach])));
        assert!(sees_whole_team(&actor(&[Role::QualityLead])));
        assert!(!sees_whole_team(&actor(&[Role::ProgramDirector])));
    }
}
