//! The person's own records: a printable page, a JSON file, and the accounting of disclosures
//! (page and CSV). Contact notes and anything staff write for themselves are never included.

use super::pages::When;
use super::{PortalCtx, PortalShell};
use crate::db::entities::recovery_plan;
use crate::domain::coaching::{GoalProgress, LifeDomain};
use crate::domain::codes::{TextCode, split_codes};
use crate::domain::consent::{ConsentLaw, ConsentPurpose, DisclosureChannel, InfoCategory};
use crate::error::AppResult;
use crate::portal::me::{self, DisclosureLine, MyRecord};
use askama::Template;
use askama_web::WebTemplate;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use time::{Date, OffsetDateTime};

#[derive(Template, WebTemplate)]
#[template(path = "portal/records.html")]
pub struct RecordsPage {
    pub shell: PortalShell,
    pub plans: Vec<recovery_plan::Model>,
    pub zone: String,
}

impl RecordsPage {
    pub fn day(&self, d: &Date) -> String {
        When { tr: &self.shell.tr, zone: &self.zone }.day(*d)
    }
    pub fn plan_status(&self, code: &str) -> String {
        self.shell.t(&format!("plan-status-{code}"))
    }
}

pub async fn records(ctx: PortalCtx) -> AppResult<RecordsPage> {
    let plans = crate::db::coaching::plans(ctx.state.db.conn(), ctx.me.org_id, ctx.me.person_id).await?;
    crate::db::audit::append_now(&ctx.state.db, ctx.me.entry("portal.records.view"), ctx.state.clock.now()).await?;
    Ok(RecordsPage { shell: ctx.shell().await?, plans, zone: ctx.org.time_zone.clone() })
}

/// Labels of codes stored joined with ';', in the reader's language.
fn labels<T: TextCode>(tr: &crate::i18n::Tr, joined: &str) -> String {
    split_codes::<T>(joined).into_iter().map(|c| tr.t(&c.message_id())).collect::<Vec<_>>().join(", ")
}

fn label<T: TextCode>(tr: &crate::i18n::Tr, code: &str) -> String {
    T::parse(code).map(|c| tr.t(&c.message_id())).unwrap_or_else(|| code.to_string())
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/record_print.html")]
pub struct RecordPrint {
    pub shell: PortalShell,
    pub r: MyRecord,
    pub zone: String,
}

impl RecordPrint {
    fn when(&self) -> When<'_> {
        When { tr: &self.shell.tr, zone: &self.zone }
    }
    pub fn day(&self, d: &Date) -> String {
        self.when().day(*d)
    }
    pub fn at(&self, at: &OffsetDateTime) -> String {
        self.when().at(*at)
    }
    pub fn domain(&self, d: &LifeDomain) -> String {
        self.shell.t(&d.message_id())
    }
    pub fn progress(&self, p: &GoalProgress) -> String {
        self.shell.t(&p.message_id())
    }
    pub fn mode(&self, code: &str) -> String {
        self.shell.t(&format!("portal-mode-{code}"))
    }
    pub fn setting(&self, code: &str) -> String {
        self.shell.t(&format!("portal-setting-{code}"))
    }
    pub fn plan_status(&self, code: &str) -> String {
        self.shell.t(&format!("plan-status-{code}"))
    }
    pub fn attendance(&self, code: &str) -> String {
        self.shell.t(&format!("portal-attendance-{code}"))
    }
    pub fn referral_status(&self, code: &str) -> String {
        label::<crate::domain::referral::ReferralStatus>(&self.shell.tr, code)
    }
    pub fn categories(&self, joined: &str) -> String {
        labels::<InfoCategory>(&self.shell.tr, joined)
    }
    pub fn purposes(&self, joined: &str) -> String {
        labels::<ConsentPurpose>(&self.shell.tr, joined)
    }
    pub fn purpose(&self, code: &str) -> String {
        label::<ConsentPurpose>(&self.shell.tr, code)
    }
    pub fn channel(&self, code: &str) -> String {
        label::<DisclosureChannel>(&self.shell.tr, code)
    }
    pub fn law(&self, code: &str) -> String {
        label::<ConsentLaw>(&self.shell.tr, code)
    }
    pub fn yes_no(&self, v: &Option<bool>) -> String {
        match v {
            Some(true) => self.shell.t("portal-yes"),
            Some(false) => self.shell.t("portal-no"),
            None => "—".into(),
        }
    }
}

pub async fn record_html(ctx: PortalCtx) -> AppResult<RecordPrint> {
    let r = me::record(&ctx.state, &ctx.me, &ctx.org.name, &ctx.org.time_zone, "html").await?;
    Ok(RecordPrint { shell: ctx.shell().await?, r, zone: ctx.org.time_zone.clone() })
}

pub async fn record_json(ctx: PortalCtx) -> AppResult<Response> {
    let r = me::record(&ctx.state, &ctx.me, &ctx.org.name, &ctx.org.time_zone, "json").await?;
    let body = serde_json::to_string_pretty(&r).map_err(|e| anyhow::anyhow!("record json: {e}"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"my-record.json\""),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/disclosures.html")]
pub struct DisclosuresPage {
    pub shell: PortalShell,
    pub since: Date,
    pub lines: Vec<DisclosureLine>,
    pub zone: String,
}

impl DisclosuresPage {
    fn when(&self) -> When<'_> {
        When { tr: &self.shell.tr, zone: &self.zone }
    }
    pub fn day(&self, d: &Date) -> String {
        self.when().day(*d)
    }
    pub fn at(&self, at: &OffsetDateTime) -> String {
        self.when().at(*at)
    }
    pub fn categories(&self, joined: &str) -> String {
        labels::<InfoCategory>(&self.shell.tr, joined)
    }
    pub fn purpose(&self, code: &str) -> String {
        label::<ConsentPurpose>(&self.shell.tr, code)
    }
    pub fn channel(&self, code: &str) -> String {
        label::<DisclosureChannel>(&self.shell.tr, code)
    }
}

pub async fn disclosures(ctx: PortalCtx) -> AppResult<DisclosuresPage> {
    let (since, lines) = me::disclosures(&ctx.state, &ctx.me, &ctx.org.time_zone, "html").await?;
    Ok(DisclosuresPage { shell: ctx.shell().await?, since, lines, zone: ctx.org.time_zone.clone() })
}

pub async fn disclosures_csv(ctx: PortalCtx) -> AppResult<Response> {
    let (_, lines) = me::disclosures(&ctx.state, &ctx.me, &ctx.org.time_zone, "csv").await?;
    let tr = &ctx.tr;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header_row = [
        "portal-csv-when",
        "portal-csv-to",
        "portal-csv-what",
        "portal-csv-why",
        "portal-csv-how",
        "portal-csv-consent",
    ]
    .map(|id| tr.t(id));
    let write = |out: &mut csv::Writer<Vec<u8>>, row: &[String]| {
        out.write_record(row.iter().map(|c| csv_safe(c))).map_err(|e| anyhow::anyhow!("csv: {e}"))
    };
    write(&mut out, &header_row)?;
    for l in &lines {
        let what = match &l.description {
            Some(d) => format!("{} — {d}", labels::<InfoCategory>(tr, &l.categories)),
            None => labels::<InfoCategory>(tr, &l.categories),
        };
        write(
            &mut out,
            &[
                crate::app::format_local(&ctx.org.time_zone, l.disclosed_at),
                l.recipient_name.clone(),
                what,
                label::<ConsentPurpose>(tr, &l.purpose),
                label::<DisclosureChannel>(tr, &l.channel),
                l.consent_signed_on.map(|d| d.to_string()).unwrap_or_default(),
            ],
        )?;
    }
    let bytes = out.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"my-disclosures.csv\""),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}

/// Spreadsheets run cells that start with = + - @ as formulas; a leading apostrophe stops that.
fn csv_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_string() }
}
