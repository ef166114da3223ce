//! The page shell (header, crisis button, navigation, flash messages), the home page and the
//! crisis page.

use super::{CsrfForm, Ctx, FLASH_KEY, csrf_token, session_err};
use crate::access::{self, Action, PersonScope, Reach};
use crate::app::AppState;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::codes::{Country, Role, UiLanguage};
use crate::error::AppResult;
use crate::i18n::Tr;
use crate::web::people::PersonView;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub kind: String,
    pub text: String,
}

pub async fn push_flash(session: &Session, kind: &'static str, text: String) -> AppResult<()> {
    let mut list: Vec<Flash> = session.get(FLASH_KEY).await.map_err(session_err)?.unwrap_or_default();
    list.push(Flash { kind: kind.to_string(), text });
    session.insert(FLASH_KEY, list).await.map_err(session_err)
}

/// Messages left by the previous request. Removing marks a session changed (and saved), so only
/// remove when there is something to take: most pages then cost no session write.
async fn take_flash(session: &Session) -> AppResult<Vec<Flash>> {
    match session.get::<Vec<Flash>>(FLASH_KEY).await.map_err(session_err)? {
        Some(list) => {
            session.remove::<Vec<Flash>>(FLASH_KEY).await.map_err(session_err)?;
            Ok(list)
        }
        None => Ok(Vec::new()),
    }
}

/// What the header shows about the signed-in person.
pub struct ShellUser {
    pub name: String,
    pub sees_people: bool,
    pub can_create_people: bool,
    pub is_admin: bool,
    pub sees_staff: bool,
    pub sees_intake: bool,
    pub sees_reports: bool,
    pub sees_readiness: bool,
}

/// Everything the layout needs; every page struct carries one.
pub struct Shell {
    pub tr: Tr,
    pub csrf: String,
    pub user: Option<ShellUser>,
    pub org_name: String,
    pub crisis_line: String,
    pub emergency_number: String,
    pub flash: Vec<Flash>,
    pub path: String,
    pub languages: Vec<(&'static str, &'static str, bool)>,
}

impl Shell {
    pub async fn for_user(ctx: &Ctx) -> AppResult<Shell> {
        let flash = take_flash(&ctx.session).await?;
        let a = &ctx.actor;
        let user = ShellUser {
            name: ctx.account.display_name.clone(),
            sees_people: access::person_scope(a) != PersonScope::Nobody,
            can_create_people: access::allows(a, Action::CreatePerson, Reach::Outside),
            is_admin: a.has(Role::Administrator),
            sees_staff: access::allows(a, Action::ViewStaff, Reach::Outside),
            sees_intake: access::request_scope(a) != access::RequestScope::Nobody,
            sees_reports: access::allows(a, Action::ViewIntakeReports, Reach::Outside),
            sees_readiness: access::allows(a, Action::ViewReadiness, Reach::Outside),
        };
        let country = Country::parse(&ctx.org.country).unwrap_or(Country::Us);
        Ok(Shell {
            tr: ctx.tr,
            csrf: csrf_token(&ctx.session).await?,
            user: Some(user),
            org_name: ctx.org.name.clone(),
            crisis_line: country.crisis_line().to_string(),
            emergency_number: ctx.org.emergency_number.clone(),
            flash,
            path: ctx.path.clone(),
            languages: languages(ctx.tr.lang),
        })
    }

    /// For pages seen before signing in (sign-in, crisis, errors): the first organisation's
    /// crisis numbers, since there is no user to say which.
    pub async fn anonymous(
        state: &AppState,
        session: &Session,
        jar: &CookieJar,
        headers: &HeaderMap,
        path: &str,
    ) -> AppResult<Shell> {
        let org = db::org::all(&state.db).await?.into_iter().next();
        let lang = match jar.get("lang").and_then(|c| UiLanguage::parse(c.value())) {
            Some(lang) => lang,
            None => match headers.get("accept-language").and_then(|v| v.to_str().ok()) {
                Some(header) => Tr::from_accept_language(header),
                None => org.as_ref().and_then(|o| UiLanguage::parse(&o.default_language)).unwrap_or(UiLanguage::En),
            },
        };
        let flash = take_flash(session).await?;
        let country = org.as_ref().and_then(|o| Country::parse(&o.country)).unwrap_or(Country::Us);
        Ok(Shell {
            tr: Tr::new(lang),
            csrf: csrf_token(session).await?,
            user: None,
            org_name: org.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| "Mainstay".into()),
            crisis_line: country.crisis_line().to_string(),
            emergency_number: org.map(|o| o.emergency_number).unwrap_or_else(|| "911".into()),
            flash,
            path: path.to_string(),
            languages: languages(lang),
        })
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.tr.t1(key, name, value)
    }

    /// "Page 2 of 7".
    pub fn with_page(&self, page: impl ToString, pages: impl ToString) -> String {
        self.tr.with_args("page-of", &[("page", page.to_string()), ("pages", pages.to_string())])
    }

    /// `aria-current` for the navigation link of the section being shown.
    pub fn current(&self, prefix: &str) -> &'static str {
        let here = if prefix == "/" { self.path == "/" } else { self.path.starts_with(prefix) };
        if here { "page" } else { "false" }
    }

    /// `aria-current` for a link to exactly this page.
    pub fn current_exact(&self, path: &str) -> &'static str {
        if self.path == path { "page" } else { "false" }
    }

    pub fn crisis_tel(&self) -> String {
        self.crisis_line.chars().filter(char::is_ascii_digit).collect()
    }
}

fn languages(current: UiLanguage) -> Vec<(&'static str, &'static str, bool)> {
    UiLanguage::ALL.iter().map(|l| (l.code(), Tr::native_name(*l), *l == current)).collect()
}

/// Field messages translated for a form, looked up by field name in templates.
#[derive(Default)]
pub struct FormErrors {
    pub items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn new(tr: &Tr, errors: &FieldErrors) -> FormErrors {
        FormErrors { items: errors.0.iter().map(|e| (e.field.clone(), tr.field_error(e))).collect() }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub shell: Shell,
    pub caseload_total: u64,
    pub recent: Vec<db::people::PersonSummary>,
    pub missing_emergency: u64,
    pub missing_preferences: u64,
    pub setup: Option<SetupSummary>,
    pub is_quality_lead: bool,
    /// Open personnel reminders: the reader's own, and their team's (supervisors and directors).
    pub reminders: (u64, Option<u64>),
    /// Feedback the reader owns: open, and how many of those are past their response date.
    pub feedback_owned: (u64, u64),
    /// Plan suggestions people on the reader's caseload sent through the portal, not yet answered.
    pub suggestions_pending: u64,
    /// Outcome measures due on the reader's caseload now, and how many of those are overdue.
    pub measures_due: (u64, u64),
}

/// The home page's work queue, loaded after the page so the page itself stays quick.
#[derive(Template, WebTemplate)]
#[template(path = "home_work.html")]
pub struct HomeWork {
    pub shell: Shell,
    pub work: crate::intake::WorkQueue,
    /// The coach's own caseload reminders (contacts due, plans past review, unsigned notes).
    pub coaching: crate::coaching::Worklist,
}

pub async fn home_work(ctx: Ctx) -> AppResult<HomeWork> {
    let work = crate::intake::work_queue(&ctx.state, &ctx.actor, &ctx.org.time_zone).await?;
    let coaching = crate::coaching::worklist(&ctx.state, &ctx.actor, &ctx.org.time_zone).await?;
    Ok(HomeWork { shell: ctx.shell().await?, work, coaching })
}

impl HomeWork {
    pub fn who(&self, who: impl std::borrow::Borrow<Option<String>>) -> String {
        who.borrow().clone().unwrap_or_else(|| self.shell.t("intake-anonymous"))
    }

    pub fn urgency(&self, code: impl std::borrow::Borrow<Option<String>>) -> String {
        match code.borrow() {
            Some(c) => crate::web::intake::code_label::<crate::domain::codes::Urgency>(&self.shell.tr, c),
            None => self.shell.t("intake-untriaged"),
        }
    }

    pub fn level(&self, code: &str) -> String {
        crate::web::intake::code_label::<crate::domain::risk::RiskLevel>(&self.shell.tr, code)
    }

    pub fn plans_overdue(&self) -> usize {
        self.coaching.plans_due.iter().filter(|i| i.plan_overdue()).count()
    }

    pub fn has_work(&self) -> bool {
        let w = &self.work;
        self.coaching.caseload_size > 0
            || !w.my_new.is_empty()
            || w.urgent > 0
            || w.overdue > 0
            || !w.checkins_due.is_empty()
            || !w.open_risk.is_empty()
            || !w.follow_ups.is_empty()
    }
}

impl HomePage {
    /// The team's open reminders (0 for those without a team view).
    pub fn team_reminders(&self) -> u64 {
        self.reminders.1.unwrap_or(0)
    }
}

pub struct SetupSummary {
    pub programs: usize,
    pub sites: usize,
    pub staff: u64,
    pub require_totp: bool,
    pub totp_enabled: bool,
}

pub async fn home(ctx: Ctx) -> AppResult<HomePage> {
    let scope = access::person_scope(&ctx.actor);
    let db = &ctx.state.db;
    let org_id = ctx.org.id;
    let overview = if scope == PersonScope::Nobody {
        db::people::HomeOverview { total: 0, no_emergency: 0, no_preferences: 0, recent: Vec::new() }
    } else {
        db::people::home_overview(db, org_id, &scope, 8).await?
    };
    let setup = if ctx.actor.has(Role::Administrator) {
        Some(SetupSummary {
            programs: db::org::programs(db.conn(), org_id).await?.len(),
            sites: db::org::sites(db, org_id).await?.len(),
            staff: db::staff::list(db, org_id, Default::default()).await?.total,
            require_totp: ctx.org.require_totp,
            totp_enabled: ctx.account.totp_enabled,
        })
    } else {
        None
    };
    Ok(HomePage {
        shell: ctx.shell().await?,
        caseload_total: overview.total,
        recent: overview.recent,
        missing_emergency: overview.no_emergency,
        missing_preferences: overview.no_preferences,
        setup,
        is_quality_lead: ctx.actor.has(Role::QualityLead),
        reminders: crate::personnel::reminders::open_counts(&ctx.state, &ctx.actor).await?,
        feedback_owned: crate::voice::feedback::open_count_for_owner(
            db.conn(),
            org_id,
            ctx.actor.staff_id,
            ctx.today(),
        )
        .await?,
        suggestions_pending: crate::portal::accounts::pending_suggestions_for_worker(
            db.conn(),
            org_id,
            ctx.actor.staff_id,
        )
        .await?,
        measures_due: crate::outcomes::measures::due_counts(&ctx.state, &ctx.actor, ctx.today()).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "crisis.html")]
pub struct CrisisPage {
    pub shell: Shell,
    pub procedure: Vec<String>,
    pub local_contacts: Vec<String>,
    pub can_edit: bool,
    /// The written procedure's sections, for signed-in staff.
    pub sections: Vec<(&'static str, Vec<String>)>,
    /// "Revision 3, approved by … on …".
    pub approval: Option<(i32, String, time::Date)>,
    pub signed_in: bool,
    pub can_revise: bool,
}

/// Open to everyone, signed in or not: in a crisis nobody should meet a sign-in page.
pub async fn crisis(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    headers: HeaderMap,
    ctx: Option<Ctx>,
) -> AppResult<CrisisPage> {
    let (shell, org) = match &ctx {
        Some(ctx) => (ctx.shell().await?, Some(ctx.org.clone())),
        None => {
            let shell = Shell::anonymous(&state, &session, &jar, &headers, "/crisis").await?;
            (shell, db::org::all(&state.db).await?.into_iter().next())
        }
    };
    let lines = |text: &str| text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    // The full written procedure is for staff; everyone sees the numbers and first steps.
    let written = match &ctx {
        Some(c) => db::intake::current_crisis_procedure(state.db.conn(), c.org.id).await?,
        None => None,
    };
    Ok(CrisisPage {
        procedure: org.as_ref().map(|o| lines(&o.crisis_procedure)).unwrap_or_default(),
        local_contacts: org.as_ref().and_then(|o| o.local_crisis_contacts.as_deref()).map(lines).unwrap_or_default(),
        can_edit: ctx.as_ref().is_some_and(|c| access::allows(&c.actor, Action::ConfigureOrganisation, Reach::Outside)),
        sections: written.as_ref().map(crate::web::crisis::procedure_sections).unwrap_or_default(),
        approval: written.map(|w| (w.revision, w.approved_by, w.approved_on)),
        signed_in: ctx.is_some(),
        can_revise: ctx.as_ref().is_some_and(crate::web::crisis::may_edit_procedure),
        shell,
    })
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    back: Option<String>,
}

/// The language switch: remembered in a cookie, and on the account when signed in.
pub async fn switch_language(
    jar: CookieJar,
    ctx: Option<Ctx>,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> AppResult<Response> {
    let Some(lang) = UiLanguage::parse(&form.lang) else {
        return Err(crate::error::AppError::BadRequest("error-unknown-choice"));
    };
    if let Some(ctx) = &ctx {
        let txn = ctx.state.db.begin_write().await?;
        db::staff::set_language(&txn, ctx.account.id, lang.code()).await?;
        txn.commit().await?;
    }
    let cookie = Cookie::build(("lang", lang.code())).path("/").same_site(SameSite::Lax).permanent().build();
    Ok((jar.add(cookie), super::see_other(&super::safe_next(form.back.as_deref()))).into_response())
}
