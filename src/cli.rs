//! Command-line interface: one binary, several subcommands.

use crate::app::{self, AppState};
use crate::config::{Config, SmtpSettings};
use crate::db::Db;
use crate::directory::hsds;
use crate::domain::Clock;
use crate::domain::codes::Role;
use crate::domain::setup::{OrganisationInput, StaffInput};
use crate::{audit, db, demo};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "mainstay", version, about = "Peer recovery coaching, support groups and information & referral")]
pub struct Cli {
    /// Log as JSON lines (for production log collectors).
    #[arg(long, env = "MAINSTAY_LOG_JSON", global = true)]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct DatabaseArg {
    /// sqlite://FILE (default) or postgres://USER@HOST/DB
    #[arg(long = "database", env = "MAINSTAY_DATABASE_URL", default_value = "sqlite://mainstay.db")]
    pub url: String,
}

/// Where reminder e-mail goes (none: reminders are shown in the app only).
#[derive(Args, Clone)]
pub struct MailArgs {
    /// smtp://USER:PASSWORD@HOST:587 (STARTTLS), smtps://USER:PASSWORD@HOST (TLS) or
    /// smtp://HOST:2525?tls=none (a relay on this machine). Percent-encode special characters.
    #[arg(long, env = "MAINSTAY_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender, e.g. "Mainstay <mainstay@example.org>".
    #[arg(long, env = "MAINSTAY_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// The address staff open Mainstay at (https://…), so e-mail can link to the reminders page.
    #[arg(long, env = "MAINSTAY_PUBLIC_URL")]
    pub public_url: Option<String>,
}

// By hand: the server URL may carry the mail password.
impl std::fmt::Debug for MailArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailArgs")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "(hidden)"))
            .field("smtp_from", &self.smtp_from)
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl MailArgs {
    fn apply(&self, config: &mut Config) -> anyhow::Result<()> {
        config.smtp =
            SmtpSettings::parse(self.smtp_url.as_deref(), self.smtp_from.as_deref()).map_err(anyhow::Error::msg)?;
        config.public_url = self.public_url.clone().filter(|u| !u.trim().is_empty());
        config.sms = crate::config::SmsSettings::from_env().map_err(anyhow::Error::msg)?;
        Ok(())
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (and its background jobs).
    Serve {
        /// Open (or create) a demo database with a synthetic organisation and print the sign-ins.
        #[arg(long)]
        demo: bool,
        #[arg(long, env = "MAINSTAY_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Database URL; with --demo and no URL given, sqlite://mainstay-demo.db.
        #[arg(long = "database", env = "MAINSTAY_DATABASE_URL")]
        database: Option<String>,
        /// Served behind a TLS proxy: Secure cookies, HSTS, client address from X-Forwarded-For.
        #[arg(long, env = "MAINSTAY_BEHIND_TLS")]
        behind_tls: bool,
        /// Minutes of inactivity before a session ends.
        #[arg(long, env = "MAINSTAY_SESSION_IDLE_MINUTES", default_value_t = 240)]
        session_idle_minutes: i64,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Work out personnel reminders (expiring certifications, overdue training, supervision gaps,
    /// workload reviews) once and e-mail the new ones; for cron. The server also does this hourly.
    Reminders {
        /// Show what would be created and closed; change nothing and send nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        mail: MailArgs,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Apply database migrations.
    Migrate(DatabaseArg),
    /// Write a reproducible synthetic organisation.
    Demo {
        #[arg(long, default_value_t = 200)]
        people: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Organisation and account administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Copy a SQLite database to FILE while it is in use.
    Backup {
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Print the JSON API's OpenAPI document.
    Openapi,
    /// Import data into an organisation.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export an organisation's data.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Make the accreditation evidence binder (HTML or PDF) for a source and period.
    Evidence(EvidenceArgs),
}

/// `mainstay evidence`: the binder as a file, made as a quality lead would see it (audited).
#[derive(Args, Debug)]
pub struct EvidenceArgs {
    /// The standards to prove: cse-2024, ca-cse-2022, ca-cse-2020 or prsc.
    #[arg(long, value_parser = ["cse-2024", "ca-cse-2022", "ca-cse-2020", "prsc"])]
    pub edition: String,
    /// The period the evidence covers, both days included: YYYY-MM-DD..YYYY-MM-DD.
    #[arg(long, value_parser = crate::standards::binder::parse_period)]
    pub period: crate::domain::community::Period,
    #[arg(long, value_parser = ["html", "pdf"], default_value = "html")]
    pub format: String,
    /// The file to write (default: evidence-binder-EDITION-DATE.html or .pdf here).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// The organisation's id or name; may be left out when the database holds only one.
    #[arg(long)]
    pub organisation: Option<String>,
    /// List failing records by record number and name (recorded in the audit log). By default the
    /// binder names no one the organisation serves.
    #[arg(long)]
    pub include_participant_data: bool,
    /// The binder's language.
    #[arg(long, value_parser = ["en", "fr", "es"], default_value = "en")]
    pub language: String,
    #[command(flatten)]
    pub database: DatabaseArg,
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Open Referral HSDS 3.0 into the resource directory: a JSON document, a zip of CSV tables
    /// (a Tabular Data Package), or a folder of them. Prints the report; fails if refused.
    Hsds {
        path: PathBuf,
        /// The organisation's id; may be left out when the database holds only one.
        #[arg(long)]
        org: Option<uuid::Uuid>,
        /// Import the rows without problems and report the rest (otherwise nothing is imported
        /// when any row has an error).
        #[arg(long)]
        valid_rows_only: bool,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// The resource directory as Open Referral HSDS 3.0: fully nested services (json) or the CSV
    /// Tabular Data Package (csv, a zip).
    Hsds {
        #[arg(long, value_parser = ["json", "csv"])]
        format: String,
        /// The file to write.
        path: PathBuf,
        /// The organisation's id; may be left out when the database holds only one.
        #[arg(long)]
        org: Option<uuid::Uuid>,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an organisation and its first administrator (prints a temporary password).
    CreateOrganisation {
        #[arg(long)]
        name: String,
        /// US or CA
        #[arg(long, default_value = "US")]
        country: String,
        #[arg(long, default_value = "America/New_York")]
        time_zone: String,
        /// cse-2024, ca-cse-2022 or ca-cse-2020
        #[arg(long, default_value = "cse-2024")]
        edition: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_name: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Add a staff account (prints a temporary password to hand over in person).
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Role codes: administrator, program-director, supervisor, coach, group-facilitator,
        /// referral-specialist, quality-lead (repeat for several).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The organisation's name; may be left out when the database holds only one.
        #[arg(long)]
        organisation: Option<String>,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Set a new temporary password for an account (prints it; it must be changed at sign-in).
    ResetPassword {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check every audit chain; exits non-zero if any event was changed or removed.
    Verify(DatabaseArg),
}

async fn open(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { demo, listen, database, behind_tls, session_idle_minutes, mail } => {
            let url = database.unwrap_or_else(|| {
                if demo { "sqlite://mainstay-demo.db".into() } else { "sqlite://mainstay.db".into() }
            });
            let mut config = Config::for_database(&url);
            config.listen = listen;
            config.behind_tls = behind_tls;
            config.log_json = cli.log_json;
            config.session_idle_minutes = session_idle_minutes;
            mail.apply(&mut config)?;
            config.validate().map_err(anyhow::Error::msg)?;
            serve(config, demo).await
        }
        Command::Reminders { dry_run, mail, database } => reminders(dry_run, &mail, &database.url).await,
        Command::Migrate(d) => {
            open(&d.url).await?;
            println!("Migrations applied.");
            Ok(())
        }
        Command::Demo { people, seed, database } => {
            let db = if db::is_new_sqlite_file(&database.url) {
                let db = Db::connect_new_for_bulk_load(&database.url).await?;
                db.migrate().await?;
                db
            } else {
                open(&database.url).await?
            };
            let started = std::time::Instant::now();
            let summary = demo::generate(&db, people, seed, Clock::system().now()).await?;
            if summary.created {
                println!(
                    "Demo organisation written: {} people, {} staff, in {:.1} s.",
                    summary.people,
                    summary.staff,
                    started.elapsed().as_secs_f64()
                );
            } else {
                println!("The demo organisation is already in this database; nothing written.");
            }
            Ok(())
        }
        Command::Admin { command } => admin(command).await,
        Command::Audit { command: AuditCommand::Verify(d) } => verify(&d.url).await,
        Command::Backup { file, database } => {
            let db = Db::connect(&database.url).await?;
            let bytes = crate::backup::backup_sqlite(&db, &file).await?;
            // A copy of every record leaves the server: each organisation's log says so.
            let now = Clock::system().now();
            for org in db::org::all(&db).await? {
                let entry = audit::Entry::new(org.id, "backup.create").detail(serde_json::json!({ "bytes": bytes }));
                db::audit::append_now(&db, entry, now).await?;
            }
            println!("Backup written to {} ({} KiB).", file.display(), bytes / 1024);
            Ok(())
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&crate::api::openapi())?);
            Ok(())
        }
        Command::Import { command: ImportCommand::Hsds { path, org, valid_rows_only, database } } => {
            import_hsds(&path, org, valid_rows_only, &database.url).await
        }
        Command::Export { command: ExportCommand::Hsds { format, path, org, database } } => {
            export_hsds(&format, &path, org, &database.url).await
        }
        Command::Evidence(args) => evidence(args).await,
    }
}

/// `mainstay evidence`: writes the binder and prints where.
async fn evidence(args: EvidenceArgs) -> anyhow::Result<()> {
    use crate::standards::binder::{self, Format, Request};
    use crate::standards::catalogue::Source;
    let db = open(&args.database.url).await?;
    let orgs = db::org::all(&db).await?;
    let org = match args.organisation.as_deref().map(str::trim) {
        Some(wanted) => orgs
            .iter()
            .find(|o| o.id.to_string() == wanted || o.name == wanted)
            .ok_or_else(|| anyhow::anyhow!("no organisation {wanted:?} in this database"))?,
        None if orgs.len() == 1 => &orgs[0],
        None if orgs.is_empty() => anyhow::bail!("no organisation in this database"),
        None => anyhow::bail!("several organisations: name one with --organisation <id or name>"),
    };
    let source = Source::parse(&args.edition).ok_or_else(|| anyhow::anyhow!("unknown edition {}", args.edition))?;
    let format = Format::parse(&args.format).unwrap_or(Format::Html);
    let lang = crate::domain::codes::UiLanguage::parse(&args.language).unwrap_or(crate::domain::codes::UiLanguage::En);
    let state = AppState::new(db.clone(), Config::for_database(&args.database.url), Clock::system());
    let actor = binder::command_line_actor(org.id);
    let req = Request {
        source,
        period: args.period,
        format,
        include_participant_data: args.include_participant_data,
        tr: crate::i18n::Tr::new(lang),
    };
    let made = binder::build(&state, &actor, &req).await?;
    let (bytes, _, filename) = tokio::task::spawn_blocking(move || binder::render(&made, format)).await??;
    let path = args.output.unwrap_or_else(|| PathBuf::from(filename));
    std::fs::write(&path, &bytes)?;
    if let Some(queue) = db.audit_queue() {
        queue.flush().await?;
    }
    println!("Evidence binder written to {} ({} KiB).", path.display(), bytes.len().div_ceil(1024));
    Ok(())
}

/// The organisation named by id, or the only one in the database.
async fn pick_org(db: &Db, id: Option<uuid::Uuid>) -> anyhow::Result<uuid::Uuid> {
    let orgs = db::org::all(db).await?;
    match id {
        Some(id) => {
            orgs.iter().find(|o| o.id == id).map(|o| o.id).ok_or_else(|| anyhow::anyhow!("no organisation {id}"))
        }
        None if orgs.len() == 1 => Ok(orgs[0].id),
        None if orgs.is_empty() => anyhow::bail!("no organisation in this database"),
        None => anyhow::bail!("several organisations: name one with --org <id>"),
    }
}

/// A file, or a folder's files (not its sub-folders), as the importer takes them.
fn read_upload(path: &std::path::Path) -> anyhow::Result<hsds::Upload> {
    let read = |p: &std::path::Path| -> anyhow::Result<hsds::ImportFile> {
        let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if std::fs::metadata(p)?.len() > hsds::MAX_IMPORT_BYTES {
            anyhow::bail!("{} is larger than {} MB", p.display(), hsds::MAX_IMPORT_BYTES / (1024 * 1024));
        }
        Ok(hsds::ImportFile { name, bytes: std::fs::read(p)? })
    };
    if !path.is_dir() {
        return Ok(hsds::Upload::File(read(path)?));
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?.path();
        if entry.is_file() {
            files.push(read(&entry)?);
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(hsds::Upload::Folder(files))
}

async fn import_hsds(
    path: &std::path::Path,
    org: Option<uuid::Uuid>,
    valid_rows_only: bool,
    url: &str,
) -> anyhow::Result<()> {
    let db = open(url).await?;
    let org_id = pick_org(&db, org).await?;
    let upload = read_upload(path)?;
    let mode = if valid_rows_only { hsds::HsdsImportMode::ValidRowsOnly } else { hsds::HsdsImportMode::AllOrNothing };
    let options = hsds::ImportOptions { mode, actor: None };
    let report = hsds::import(&db, org_id, upload, options, Clock::system().now()).await?;
    let tr = crate::i18n::Tr::new(crate::domain::codes::UiLanguage::En);
    println!(
        "{}: {} ({})",
        path.display(),
        tr.t(&report.status.message_id()),
        tr.t(&format!("hsds-format-{}", report.format))
    );
    for (table, c) in &report.counts {
        println!(
            "  {table:<26} {} added, {} updated ({} unchanged), {} removed, {} skipped",
            c.added, c.updated, c.unchanged, c.removed, c.skipped
        );
    }
    for p in &report.problems {
        let field = p.field.as_deref().map(|f| format!(" {f}")).unwrap_or_default();
        let severity = if p.severity == hsds::Severity::Error { "error" } else { "notice" };
        println!("  {severity}: {} {}{field}: {}", p.file, p.place(&tr), p.message(&tr));
    }
    if let Some(queue) = db.audit_queue() {
        queue.flush().await?;
    }
    if report.status == hsds::HsdsImportStatus::Refused {
        anyhow::bail!("nothing imported: {} error(s)", report.errors);
    }
    Ok(())
}

async fn export_hsds(format: &str, path: &std::path::Path, org: Option<uuid::Uuid>, url: &str) -> anyhow::Result<()> {
    let db = open(url).await?;
    let org_id = pick_org(&db, org).await?;
    let now = Clock::system().now();
    let bytes = match format {
        "csv" => hsds::export_csv_zip(db.conn(), org_id, now).await?,
        _ => hsds::export_json(db.conn(), org_id).await?,
    };
    std::fs::write(path, &bytes)?;
    let mut entry = audit::Entry::new(org_id, "directory.export")
        .detail(serde_json::json!({ "format": format, "bytes": bytes.len() }));
    entry.actor_label = Some("command line".into());
    db::audit::append_now(&db, entry, now).await?;
    if let Some(queue) = db.audit_queue() {
        queue.flush().await?;
    }
    println!("Directory written to {} ({} KiB).", path.display(), bytes.len() / 1024);
    Ok(())
}

/// `mainstay reminders`: one run, for cron; prints what it created, closed and sent.
async fn reminders(dry_run: bool, mail: &MailArgs, url: &str) -> anyhow::Result<()> {
    let mut config = Config::for_database(url);
    mail.apply(&mut config)?;
    config.validate().map_err(anyhow::Error::msg)?;
    let db = open(url).await?;
    let state = AppState::new(db.clone(), config, Clock::system());
    let now = state.clock.now();
    let report = if dry_run {
        crate::personnel::reminders::dry_run(&state, now).await
    } else {
        crate::personnel::reminders::run(&state, now).await
    };
    let tr = crate::i18n::Tr::new(crate::domain::codes::UiLanguage::En);
    let (created, closed) = if dry_run { ("would be created", "would be closed") } else { ("created", "closed") };
    println!("{} reminder(s) {created} in {} organisation(s):", report.created.len(), report.organisations);
    for n in &report.created {
        let about = crate::domain::personnel::Need::parse(&n.subject)
            .map(|need| format!(": {}", crate::personnel::reminders::need_label(&tr, need)))
            .unwrap_or_default();
        println!("  {:<28} {} {}{about}", n.staff_name, n.due_on, tr.t(&n.kind.message_id()));
    }
    println!("{} reminder(s) {closed} (no longer due).", report.closed.len());
    match (&state.config.smtp, dry_run) {
        (_, true) => println!("Dry run: nothing was written and no e-mail was sent."),
        (None, false) => println!("E-mail is off (no --smtp-url): reminders are shown in the app only."),
        (Some(smtp), false) => println!(
            "E-mail via {}: {} message(s) sent, {} failed (tried again next run).",
            smtp.describe(),
            report.emails_sent,
            report.emails_failed
        ),
    }
    if let Some(queue) = db.audit_queue() {
        queue.flush().await?;
    }
    db.close().await;
    if report.failed_organisations > 0 {
        anyhow::bail!("{} organisation(s) could not be worked out (see the log)", report.failed_organisations);
    }
    Ok(())
}

async fn serve(config: Config, with_demo: bool) -> anyhow::Result<()> {
    let mut db = open(&config.database_url).await?;
    if with_demo && !demo::present(&db).await? {
        println!("Creating the demo organisation (first run only)…");
        demo::generate(&db, 200, 1, Clock::system().now()).await?;
        // Connections opened before the load keep query plans made without its statistics.
        db.close().await;
        db = open(&config.database_url).await?;
    }
    let listen = config.listen;
    let mail = match &config.smtp {
        Some(smtp) => format!("Reminder e-mail goes out via {}.", smtp.describe()),
        None => "Reminder e-mail is off (no --smtp-url); reminders are shown in the app.".into(),
    };
    let state = AppState::new(db, config, Clock::system());
    println!("Mainstay is running at http://{listen}/");
    println!("{mail}");
    if with_demo {
        println!("\nDemo sign-ins (password: {}):", demo::DEMO_PASSWORD);
        let tr = crate::i18n::Tr::new(crate::domain::codes::UiLanguage::En);
        for (role, email) in demo::DEMO_SIGN_INS {
            println!("  {:<22} {email}", tr.t(&role.message_id()));
        }
        println!("\nParticipant portal sign-ins at http://{listen}/my/sign-in (same password):");
        for email in crate::portal::DEMO_USERS {
            println!("  {email}");
        }
        println!(
            "  ({} also asks for a sign-in code: authenticator key {})",
            crate::portal::DEMO_USERS[1],
            crate::portal::DEMO_TOTP_SECRET
        );
        println!("\nOnly synthetic people are in the demo. Press Ctrl-C to stop.");
    }
    app::serve(state).await
}

async fn admin(command: AdminCommand) -> anyhow::Result<()> {
    let now = Clock::system().now();
    match command {
        AdminCommand::CreateOrganisation { name, country, time_zone, edition, admin_email, admin_name, database } => {
            let db = open(&database.url).await?;
            let org = OrganisationInput {
                name,
                country,
                time_zone,
                default_language: "en".into(),
                edition,
                emergency_number: "911".into(),
                crisis_procedure: "Write your crisis procedure here (Administration → Organisation).".into(),
                ..Default::default()
            }
            .parse()
            .map_err(|e| anyhow::anyhow!("invalid organisation: {}", describe(&e)))?;
            let staff = StaffInput {
                display_name: admin_name,
                email: admin_email,
                roles: vec![Role::Administrator.code().into()],
                active: true,
                ..Default::default()
            }
            .parse()
            .map_err(|e| anyhow::anyhow!("invalid administrator: {}", describe(&e)))?;
            let temporary = crate::web::admin::temporary_password();
            let hash = crate::auth::hash_password(temporary.clone()).await?;
            let org_id = uuid::Uuid::new_v4();
            let txn = db.begin_write().await?;
            db::org::create(&txn, org_id, &org, now).await?;
            let account =
                db::staff::create(&txn, org_id, &staff, hash, true, now).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            db::audit::append(
                &txn,
                audit::Entry::new(org_id, "organisation.create").record("organisation", org_id),
                now,
            )
            .await?;
            txn.commit().await?;
            println!("Organisation created. Sign in as {} with the temporary password: {temporary}", account.email);
            Ok(())
        }
        AdminCommand::CreateUser { email, name, roles, organisation, database } => {
            let db = open(&database.url).await?;
            let orgs = db::org::all(&db).await?;
            let org = match organisation {
                Some(name) => orgs.into_iter().find(|o| o.name == name),
                None if orgs.len() == 1 => orgs.into_iter().next(),
                None => anyhow::bail!("several organisations: name one with --organisation"),
            }
            .ok_or_else(|| anyhow::anyhow!("no such organisation"))?;
            let staff = StaffInput { display_name: name, email, roles, active: true, ..Default::default() }
                .parse()
                .map_err(|e| anyhow::anyhow!("invalid account: {}", describe(&e)))?;
            let temporary = crate::web::admin::temporary_password();
            let hash = crate::auth::hash_password(temporary.clone()).await?;
            let txn = db.begin_write().await?;
            let account =
                db::staff::create(&txn, org.id, &staff, hash, true, now).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            db::audit::append(&txn, audit::Entry::new(org.id, "staff.create").record("staff", account.id), now).await?;
            txn.commit().await?;
            println!("Account created for {}. Temporary password: {temporary}", account.email);
            Ok(())
        }
        AdminCommand::ResetPassword { email, database } => {
            let db = open(&database.url).await?;
            let account = db::staff::by_email(&db, &email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no account with that e-mail address"))?;
            let temporary = crate::web::admin::temporary_password();
            let hash = crate::auth::hash_password(temporary.clone()).await?;
            let txn = db.begin_write().await?;
            db::staff::set_password(&txn, account.org_id, account.id, hash, true, now).await?;
            db::tokens::revoke_all(&txn, account.org_id, account.id, now).await?;
            db::audit::append(
                &txn,
                audit::Entry::new(account.org_id, "staff.password-reset").record("staff", account.id),
                now,
            )
            .await?;
            txn.commit().await?;
            db::sessions::delete_for_staff(&db, account.id).await?;
            println!("Temporary password: {temporary} (it must be changed at the next sign-in)");
            Ok(())
        }
    }
}

fn describe(errors: &crate::domain::FieldErrors) -> String {
    let tr = crate::i18n::Tr::new(crate::domain::codes::UiLanguage::En);
    errors.0.iter().map(|e| format!("{}: {}", e.field, tr.field_error(e))).collect::<Vec<_>>().join("; ")
}

async fn verify(url: &str) -> anyhow::Result<()> {
    let db = open(url).await?;
    let mut broken = 0;
    for org_id in db::audit::chains(&db).await? {
        let report = db::audit::verify_chain(&db, org_id).await?;
        match report.first_break {
            None => println!("{org_id}: {} events, chain intact", report.events),
            Some((seq, why)) => {
                broken += 1;
                println!("{org_id}: BROKEN at event {seq}: {why} ({} events verified before it)", report.events);
            }
        }
    }
    if broken > 0 {
        anyhow::bail!("{broken} audit chain(s) failed verification");
    }
    Ok(())
}
