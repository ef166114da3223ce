//! The staff side: a person's portal access (`/people/{id}/portal`) and the coach's answer to a
//! plan suggestion (from the plan page).

use crate::db::entities::{person, portal_account, portal_invitation};
use crate::domain::FieldErrors;
use crate::domain::portal::{InvitationChannel, InvitationDelivery, PortalStatus};
use crate::error::{AppError, AppResult};
use crate::portal::accounts::{self, InviteInput, PortalAccess};
use crate::portal::suggestions::{self, DecisionInput};
use crate::web::people::PersonView;
use crate::web::{CsrfForm, Ctx, FormErrors, Shell, see_other};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template, WebTemplate)]
#[template(path = "portal/staff_access.html")]
pub struct AccessPage {
    pub shell: Shell,
    pub person: person::Model,
    pub account: Option<portal_account::Model>,
    pub invitations: Vec<portal_invitation::Model>,
    pub email_ready: bool,
    pub sms_ready: bool,
    pub errors: FormErrors,
    pub form: InviteInput,
    /// The link to pass on, shown once when it could not be sent.
    pub link: Option<String>,
    pub not_sent: Option<String>,
    pub zone: String,
    pub now: time::OffsetDateTime,
}

impl AccessPage {
    pub fn status(&self) -> String {
        match &self.account {
            Some(a) => PortalStatus::parse(&a.status).map(|s| self.shell.t(&s.message_id())).unwrap_or_default(),
            None => self.shell.t("portal-status-none"),
        }
    }
    pub fn when(&self, at: &time::OffsetDateTime) -> String {
        crate::app::format_local(&self.zone, *at)
    }
    pub fn channel(&self, code: &str) -> String {
        InvitationChannel::parse(code).map(|c| self.shell.t(&format!("portal-{}", c.message_id()))).unwrap_or_default()
    }
    pub fn delivery(&self, code: &str) -> String {
        InvitationDelivery::parse(code).map(|c| self.shell.t(&format!("portal-{}", c.message_id()))).unwrap_or_default()
    }
    pub fn invitation_state(&self, i: &portal_invitation::Model) -> String {
        let now = self.now;
        self.shell.t(if i.used_at.is_some() {
            "portal-invitation-used"
        } else if i.revoked_at.is_some() {
            "portal-invitation-replaced"
        } else if i.expires_at <= now {
            "portal-invitation-expired"
        } else {
            "portal-invitation-open"
        })
    }
    pub fn suspended(&self) -> bool {
        self.account.as_ref().is_some_and(|a| a.status == PortalStatus::Suspended.code())
    }
    pub fn channel_checked(&self, code: &str) -> bool {
        self.form.channel == code
    }
    pub fn phone(&self) -> String {
        self.form.phone.clone().unwrap_or_default()
    }
}

fn page(ctx: &Ctx, access: PortalAccess, shell: Shell, errors: &FieldErrors, form: Option<InviteInput>) -> AccessPage {
    let form = form.unwrap_or_else(|| InviteInput {
        channel: match access.invitations.first() {
            Some(i) => i.channel.clone(),
            None if access.person.email.is_none() && access.person.phone.is_some() => "sms".into(),
            None => "email".into(),
        },
        email: access
            .account
            .as_ref()
            .map(|a| a.email.clone())
            .or_else(|| access.person.email.clone())
            .unwrap_or_default(),
        phone: access.person.phone.clone(),
    });
    AccessPage {
        errors: FormErrors::new(&ctx.tr, errors),
        shell,
        person: access.person,
        account: access.account,
        invitations: access.invitations,
        email_ready: access.email_ready,
        sms_ready: access.sms_ready,
        form,
        link: None,
        not_sent: None,
        zone: ctx.org.time_zone.clone(),
        now: ctx.state.clock.now(),
    }
}

pub async fn access_page(ctx: Ctx, Path(id): Path<Uuid>) -> AppResult<AccessPage> {
    let access = accounts::access(&ctx.state, &ctx.actor, id).await?;
    Ok(page(&ctx, access, ctx.shell().await?, &FieldErrors::new(), None))
}

pub async fn invite(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(form): CsrfForm<InviteInput>) -> AppResult<Response> {
    match accounts::invite(&ctx.state, &ctx.actor, id, &form).await {
        Ok(invited) if invited.link.is_none() => {
            ctx.flash("success", "portal-invite-sent").await?;
            Ok(see_other(&format!("/people/{id}/portal")))
        }
        Ok(invited) => {
            // Shown once, on this answer only: never stored, never in a redirect.
            let access = accounts::access(&ctx.state, &ctx.actor, id).await?;
            let mut p = page(&ctx, access, ctx.shell().await?, &FieldErrors::new(), None);
            p.link = invited.link;
            p.not_sent = invited.not_sent.map(|n| ctx.tr.t(n.message_id()));
            Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], p).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let access = accounts::access(&ctx.state, &ctx.actor, id).await?;
            let p = page(&ctx, access, ctx.shell().await?, &errors, Some(form));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    version: i32,
}

pub async fn suspend(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(form): CsrfForm<VersionForm>) -> AppResult<Response> {
    accounts::set_suspended(&ctx.state, &ctx.actor, id, true, form.version).await?;
    ctx.flash("success", "portal-suspended-flash").await?;
    Ok(see_other(&format!("/people/{id}/portal")))
}

pub async fn reactivate(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(form): CsrfForm<VersionForm>) -> AppResult<Response> {
    accounts::set_suspended(&ctx.state, &ctx.actor, id, false, form.version).await?;
    ctx.flash("success", "portal-reactivated-flash").await?;
    Ok(see_other(&format!("/people/{id}/portal")))
}

/// The coach's answer from the plan page; back to the plan (with the edit form's goal when accepted).
pub async fn decide(ctx: Ctx, Path(id): Path<Uuid>, CsrfForm(form): CsrfForm<DecisionInput>) -> AppResult<Response> {
    match suggestions::decide(&ctx.state, &ctx.actor, id, &form).await {
        Ok(s) => {
            let accepted = s.status == "accepted";
            ctx.flash(
                "success",
                if accepted { "portal-suggestion-accepted-flash" } else { "portal-suggestion-declined-flash" },
            )
            .await?;
            Ok(see_other(&format!("/plans/{}#suggestions", s.plan_id)))
        }
        Err(AppError::Invalid(errors)) => {
            // Back to the plan with the message on the suggestion's form.
            let s = crate::db::entities::plan_suggestion::Entity::find_by_id(id);
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            let s = s
                .filter(crate::db::entities::plan_suggestion::Column::OrgId.eq(ctx.actor.org_id))
                .one(ctx.state.db.conn())
                .await?
                .ok_or(AppError::NotFound)?;
            let message = errors.0.first().map(|e| ctx.tr.field_error(e)).unwrap_or_default();
            crate::web::shell::push_flash(&ctx.session, "error", message).await?;
            Ok(see_other(&format!("/plans/{}#suggestion-{}", s.plan_id, s.id)))
        }
        Err(other) => Err(other),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/staff_pending.html")]
pub struct PendingPage {
    pub shell: Shell,
    pub pending: Vec<accounts::PendingSuggestion>,
}

impl PendingPage {
    pub fn kind(&self, code: &str) -> String {
        self.shell.t(&format!("portal-suggestion-kind-{code}"))
    }
}

/// Plan suggestions from the people on the reader's own caseload that still wait for an answer.
pub async fn pending_page(ctx: Ctx) -> AppResult<PendingPage> {
    let pending = accounts::pending_suggestions_list(&ctx.state, &ctx.actor).await?;
    Ok(PendingPage { shell: ctx.shell().await?, pending })
}
