use clap::Parser;
use lichhop::cli::{Cli, Command};
use lichhop::{app, config::AppConfig, db, demo, Error};
use migration::{Migrator, MigratorTrait};
use std::process::ExitCode;

// Our own runtime rather than #[rocket::main]: that one reads Rocket's configuration before
// main runs and panics on a malformed Rocket.toml, where we want one clear line.
fn main() -> ExitCode {
    tune_malloc();
    let cli = Cli::parse();
    init_tracing();
    let runtime = match rocket::tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("lichhop")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lichhop: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    match runtime.block_on(run(command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One clear line, no backtrace: the operator fixes the configuration and retries.
            eprintln!("lichhop: error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), Error> {
    let figment = app::figment();
    match command {
        Command::Serve { demo: load_demo } => {
            let rocket = app::build(figment).await?;
            if load_demo {
                let db = rocket.state::<db::Db>().expect("managed by app::build");
                let report = demo::load(db).await?;
                println!("{report}");
                demo::publish_this_week(db).await?;
            }
            lichhop::shutdown::serve(rocket)
                .await
                .map_err(|e| Error::Config(format!("server: {e}")))?;
            Ok(())
        }
        Command::Migrate { status, down } => {
            let config = AppConfig::load(&figment)?;
            let db = db::connect(&config.database_url(), 1).await?;
            if status {
                for m in Migrator::get_migration_with_status(&db.conn).await? {
                    println!("{:<10} {}", format!("{:?}", m.status()), m.name());
                }
            } else if let Some(n) = down {
                Migrator::down(&db.conn, Some(n)).await?;
                println!("rolled back {n} migration(s)");
            } else {
                db::migrate(&db).await?;
                println!("schema is at {}", db::schema_version(&db).await?);
            }
            Ok(())
        }
        Command::Demo => {
            let config = AppConfig::load(&figment)?;
            let db = db::connect(&config.database_url(), 2).await?;
            db::migrate(&db).await?;
            println!("{}", demo::load(&db).await?);
            demo::publish_this_week(&db).await?;
            Ok(())
        }
    }
}

/// glibc's malloc for a long-running server (before any thread starts). By default it opens up
/// to 8 arenas per core, one per thread that allocates while another holds an arena, and it
/// raises its mmap threshold to the size of any large block freed (up to 32 MiB), so that
/// later blocks of that size come from an arena instead and stay there after they are freed.
/// Under mixed load the server's RSS then kept growing phase after phase (the memory bench,
/// `cargo bench --bench memory`). Fixed values turn both off: as many arenas as cores, blocks
/// of 128 KiB and more mapped and unmapped on their own (rendered feeds, reports, argon2's
/// 19 MiB), and free memory at an arena's top returned past 1 MiB. An operator's
/// `GLIBC_TUNABLES` wins: then nothing is set here.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("GLIBC_TUNABLES").is_none() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = i32::try_from(cores).unwrap_or(i32::MAX).max(2);
        // SAFETY: mallopt only sets malloc's parameters; called before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
            libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 1024 * 1024);
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::filter::filter_fn;
    use tracing_subscriber::prelude::*;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("LICHHOP_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,rocket::server=warn"));
    // Rocket's server prints each request and response whole at debug level, with the
    // Authorization and Cookie headers: never logged, whatever LICHHOP_LOG asks for.
    let no_headers = filter_fn(|meta| {
        !(meta.target().starts_with("rocket::server") && *meta.level() > tracing::Level::INFO)
    });
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_filter(filter)
                .with_filter(no_headers),
        )
        .try_init();
}
