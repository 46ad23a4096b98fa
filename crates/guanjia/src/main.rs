//! `guanjia`: the one binary. Serves the API, migrates, creates users, loads demo data.

mod arenas;
mod bench;
mod bench_announce;
mod bench_delivery;
mod bench_dispatch;
mod bench_read;
mod bench_sla;
mod bench_soak;
mod bench_webhooks;
mod bench_wechat;
mod config;
mod demo;
mod estate;
mod eval;
mod eval_bot;
mod load;
mod memory;

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Parser, Subcommand};
use guanjia_domain::setup::StaffInput;
use guanjia_domain::ticket::LoopRules;
use guanjia_storage::{DEFAULT_COMPANY_CODE, Store};
use guanjia_web::Settings;

use crate::config::Config;

#[derive(Parser)]
#[command(
    name = "guanjia",
    version,
    about = "Guanjia (管家): customer service for property management"
)]
struct Cli {
    /// Configuration file (default: guanjia.toml in the working directory, if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Starts the server (migrating the schema first).
    Serve {
        /// Loads the demo company first (once; later starts do not duplicate it).
        #[arg(long)]
        demo: bool,
    },
    /// Brings the database schema up to date, and nothing else.
    Migrate,
    /// Manages staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Evaluates message understanding on the labelled sets shipped in the repository.
    Eval {
        /// Also lists the DEV set's mistakes.
        #[arg(long)]
        mistakes: bool,
        /// Evaluates the FAQ bot instead: its sets, and its answer time among 5,000 articles.
        #[arg(long)]
        bot: bool,
    },
    /// Measures ticket creation over HTTP against a running server, with a trivial handler as reference.
    Bench(bench::BenchArgs),
    /// Measures the SLA engine at scale: recomputing deadlines, and the scheduler's sweep, each against a reference.
    BenchSla(bench_sla::BenchSlaArgs),
    /// Measures one automatic dispatch decision among many technicians and open jobs, against a reference.
    BenchDispatch(bench_dispatch::BenchDispatchArgs),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Creates a staff account; the password is read from standard input.
    Create {
        #[arg(long)]
        username: String,
        /// admin, manager, supervisor, agent, butler or technician.
        #[arg(long)]
        role: String,
        #[arg(long = "project")]
        projects: Vec<String>,
        /// Display name (default: the username).
        #[arg(long)]
        name: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    arenas::cap();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?
        .block_on(run(Cli::parse()))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref()).context("reading configuration")?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log).unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Bench(args) => return bench::run(args).await,
        Command::BenchSla(args) => return bench_sla::run(args).await,
        Command::BenchDispatch(args) => return bench_dispatch::run(args).await,
        Command::Eval { bot: true, .. } => eval_bot::run()?,
        Command::Eval { mistakes, .. } => eval::run(mistakes),
        Command::Serve { demo } => serve(&config, demo).await?,
        Command::Migrate => {
            open_store(&config).await?;
            tracing::info!("schema is up to date");
        }
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    role,
                    projects,
                    name,
                },
        } => {
            let store = open_store(&config).await?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let input = StaffInput {
                name: name.unwrap_or_else(|| username.clone()),
                username,
                password,
                role,
                project_ids: projects,
                skills: vec![],
                phone: None,
            };
            let input = match input.validate() {
                Ok(valid) => valid,
                Err(e) => bail!("{e}"),
            };
            // An installation with one company (e.g. the demo's) adds to it; an empty one gets one.
            let mut companies = store.companies().await?;
            let company = match companies.len() {
                1 => companies.remove(0),
                _ => {
                    store
                        .ensure_company(DEFAULT_COMPANY_CODE, "默认物业公司", Utc::now())
                        .await?
                }
            };
            let member = store
                .create_staff(None, &company.id, input, Utc::now())
                .await?;
            println!(
                "created {} ({}) id {}",
                member.staff.username, member.staff.role, member.staff.id
            );
        }
    }
    Ok(())
}

/// Connects and migrates: every command works on an up-to-date schema.
async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(&config.database_url)
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("migrating the schema")?;
    Ok(store)
}

async fn serve(config: &Config, demo: bool) -> anyhow::Result<()> {
    arenas::trim_periodically();
    let senders = guanjia_channels::Senders::new(config.delivery.clone())
        .map_err(anyhow::Error::msg)
        .context("reading [delivery]")?
        .with_email(config.email.clone())
        .map_err(anyhow::Error::msg)
        .context("reading [email]")?;
    let setup = guanjia_web::delivery_setup(&senders).map_err(anyhow::Error::msg)?;
    let store = open_store(config)
        .await?
        .with_files_dir(&config.files_dir)
        .with_delivery(setup);
    let store = match config.secret_key(demo).map_err(anyhow::Error::msg)? {
        Some(key) => store.with_secret_key(key),
        None => {
            tracing::warn!(
                "secret_key is not set: WeChat official accounts cannot be registered or used"
            );
            store
        }
    };
    if demo {
        demo::load(&store)
            .await
            .context("loading the demo company")?;
    }
    let settings = Settings {
        rules: LoopRules {
            satisfied_at_least: config.satisfied_at_least,
            auto_close_days: config.auto_close_days,
        },
        // A demo without an SMS provider: its residents read their sign-in codes from the log.
        log_sign_in_codes: demo && senders.sms_provider().is_none(),
        behind_proxy: config.behind_proxy,
        webhook_allow_private: config.webhook_allow_private,
    };
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let address = listener.local_addr()?;
    // A name unique to this process (pid and a UUID: within the lease column for any address).
    let node = format!("{}-{}", std::process::id(), guanjia_storage::new_id());
    let sweep = std::time::Duration::from_secs(config.sla_sweep_seconds.max(1));
    guanjia_web::spawn_scheduler(
        store.clone().with_loop_rules(settings.rules),
        node.clone(),
        sweep,
    );
    guanjia_web::spawn_housekeeping(
        store.clone(),
        guanjia_web::Retention {
            alarm_days: config.alarm_retention_days,
            webhook_days: config.webhook_retention_days,
        },
    );
    if let Some(mqtt) = config.mqtt() {
        guanjia_web::spawn_mqtt(store.clone().with_loop_rules(settings.rules), mqtt)
            .map_err(anyhow::Error::msg)
            .context("starting the MQTT subscriber")?;
    }
    let poll = std::time::Duration::from_millis(config.delivery.poll_millis.max(50));
    if let Some(email) = &config.email {
        guanjia_web::spawn_email(store.clone(), email.clone(), node.clone());
    }
    guanjia_web::spawn_webhooks(
        store.clone(),
        guanjia_web::WebhookWorker {
            sender: guanjia_channels::WebhookSender::new(config.webhook_allow_private)
                .map_err(anyhow::Error::msg)
                .context("starting the webhook sender")?,
            node: node.clone(),
            poll: std::time::Duration::from_millis(config.webhook_poll_millis.max(20)),
            backoff: guanjia_domain::machine::webhook::BACKOFF,
        },
    );
    guanjia_web::spawn_wechat_media(store.clone(), senders.clone(), node.clone(), poll);
    guanjia_web::spawn_delivery(store.clone(), senders.clone(), node, poll);
    tracing::info!("listening on http://{address}");
    // With each connection's peer address: the sign-in throttle counts by it.
    let app = guanjia_web::app_with_senders(store, settings, Some(senders))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
