//! The command line: `lichhop [serve|migrate|demo]`.

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "lichhop",
    version,
    about = "Lịch họp — meeting scheduling and room booking for a provincial People's Committee office"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the web server (the default).
    Serve {
        /// Load the demo data before serving (idempotent).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate {
        /// List the migrations and whether each is applied, and change nothing.
        #[arg(long)]
        status: bool,
        /// Roll back this many of the newest migrations instead.
        #[arg(long, value_name = "N")]
        down: Option<u32>,
    },
    /// Load realistic demo data (agencies, leaders, rooms, meetings around today). Idempotent.
    Demo,
}
