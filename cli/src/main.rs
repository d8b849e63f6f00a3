//! `onego`: the desktop shell — demo, sandbox server, app commands for scripts and support staff.

mod app;
mod apply;
mod check;
mod demo;
mod demo_apply;
mod file_secrets;
mod plan;
mod relay;
mod reviews;
mod screen;
mod staff;
mod wallet;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "onego", version, about = "onego — government services in one go (一次办)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the sandbox platform until interrupted.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Directory of the platform's database (created and seeded on first use).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Adds N synthetic matters to the catalog, for benchmarks.
        #[arg(long, default_value_t = 0)]
        catalog_scale: usize,
        /// Refuse the sandbox one-time code 123456.
        #[arg(long)]
        no_dev: bool,
    },
    /// Starts the sandbox platform and walks a citizen through what onego can do.
    Demo,
    /// Drives the core as a phone shell would.
    App(app::AppArgs),
    /// Verifies a licence presentation offline and prints the verdict (exit 0 valid, 1 invalid, 2 unusable input).
    Verify(wallet::VerifyArgs),
    /// A department's staff action on a licence of the sandbox platform: revoke, suspend or reinstate.
    Staff(staff::StaffArgs),
    /// Prints the sandbox platform's OpenAPI document.
    Openapi,
    /// Validates an identifier: exit 0 when valid, 1 with the reason when not.
    Check {
        #[arg(value_enum)]
        what: check::What,
        value: String,
    },
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ONEGO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    match cli.command {
        Command::Check { what, value } => check::run(what, &value),
        Command::Serve { addr, data, catalog_scale, no_dev } => block_on(serve(addr, data, catalog_scale, !no_dev)),
        Command::Demo => block_on(demo::run()),
        Command::Staff(args) => staff::run(&args),
        Command::Verify(args) => wallet::verify_cmd(args),
        Command::Openapi => match serde_json::to_string_pretty(&onego_platform::openapi()) {
            Ok(doc) => {
                println!("{doc}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("onego openapi: {e}");
                ExitCode::FAILURE
            }
        },
        Command::App(args) => block_on(app::run(args)),
    }
}

fn block_on<F: std::future::Future<Output = ExitCode>>(fut: F) -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt.block_on(fut),
        Err(e) => {
            eprintln!("onego: cannot start the runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(addr: SocketAddr, data: Option<PathBuf>, catalog_scale: usize, dev_mode: bool) -> ExitCode {
    let config = onego_platform::PlatformConfig { addr, data_dir: data, catalog_scale, dev_mode, ..Default::default() };
    let platform = match onego_platform::RunningPlatform::start(config).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("onego serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("onego sandbox platform on {}  (OpenAPI: {}/openapi.json)", platform.url(), platform.url());
    if dev_mode {
        println!("dev mode: the one-time code 123456 is accepted for the test accounts:");
        for a in onego_platform::seed::test_accounts() {
            println!("  {}  {:?}  {}", a.phone, a.kind, a.who);
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    platform.shutdown().await;
    ExitCode::SUCCESS
}
