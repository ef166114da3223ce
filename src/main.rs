use clap::Parser;
use mainstay::cli::{Cli, run};
use tracing_subscriber::EnvFilter;

// SQLite drops and refills its page caches whenever another connection commits; glibc's
// allocator returned that memory to the kernel and faulted it back in every time (measured with
// perf under load), mimalloc keeps it. It is built without transparent huge pages: it asked for
// them on its whole arena, and a few live bytes then kept 2 MB pages resident (32 MB of an idle
// server's 70).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter =
        EnvFilter::try_from_env("MAINSTAY_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    if cli.log_json {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
