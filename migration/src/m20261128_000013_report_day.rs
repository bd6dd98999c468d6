//! A change counter per office day, for the reports: triggers bump the day of every occurrence
//! that is added, moved, changed or removed, and the days of a meeting's occurrences when what
//! a report reads of the meeting (kind, agency, submission and decision times) or of its
//! documents changes. The app keeps each day's figures, in memory and in `report_day_figures`,
//! with the count it was computed at, and computes again only the days whose count moved
//! (domain::reports), so a report over nine months reads the few days that changed since it
//! last ran, on every instance sharing the database.
//!
//! Every day that already has occurrences gets a counter when the migration runs, so that a
//! change that moves every day (PostgreSQL's TRUNCATE, which fires no row trigger) reaches it.
//!
//! Counters are rows bumped in the writing transaction, not a sequence, for the reason given in
//! m20261128_000012: a reader that sees the new count also sees the change. The day is the
//! office's date (Asia/Ho_Chi_Minh, UTC+7 all year since 1975, so SQLite adds 7 hours).

use crate::m20261127_000002_booking_guarantees::{run_all, run_on_backend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const CREATE: &str = "CREATE TABLE report_day (\
    day DATE NOT NULL PRIMARY KEY, \
    version BIGINT NOT NULL)";

/// A day's figures as the app computed them (JSON), with the count and the calendar and
/// settings values (`inputs`, JSON) they were computed under: kept across restarts and shared
/// by instances. Only the app reads them, and only when both still match.
const CREATE_FIGURES: &str = "CREATE TABLE report_day_figures (\
    day DATE NOT NULL PRIMARY KEY, \
    version BIGINT NOT NULL, \
    inputs TEXT NOT NULL, \
    figures TEXT NOT NULL)";

/// The occurrence columns a report reads.
const OCCURRENCE_COLUMNS: &str = "meeting_id, starts_at, ends_at, room_id, chair_id, status";
/// The meeting columns a report reads.
const MEETING_COLUMNS: &str = "kind, requesting_agency_id, submitted_at, decided_at";

fn sqlite_up() -> Vec<String> {
    let bump = |day: &str| {
        format!(
            "INSERT INTO report_day (day, version) VALUES (date({day}, '+7 hours'), 1) \
             ON CONFLICT (day) DO UPDATE SET version = version + 1"
        )
    };
    // The days of one meeting's occurrences (the WHERE also settles SQLite's upsert parsing).
    let bump_meeting = |id: &str| {
        format!(
            "INSERT INTO report_day (day, version) \
             SELECT DISTINCT date(starts_at, '+7 hours'), 1 FROM occurrence WHERE meeting_id = {id} \
             ON CONFLICT (day) DO UPDATE SET version = version + 1"
        )
    };
    vec![
        CREATE.to_string(),
        CREATE_FIGURES.to_string(),
        "INSERT INTO report_day (day, version) \
         SELECT DISTINCT date(starts_at, '+7 hours'), 1 FROM occurrence"
            .to_string(),
        format!(
            "CREATE TRIGGER report_day_occurrence_insert AFTER INSERT ON occurrence \
             BEGIN {}; END",
            bump("NEW.starts_at")
        ),
        format!(
            "CREATE TRIGGER report_day_occurrence_delete AFTER DELETE ON occurrence \
             BEGIN {}; END",
            bump("OLD.starts_at")
        ),
        format!(
            "CREATE TRIGGER report_day_occurrence_update \
             AFTER UPDATE OF {OCCURRENCE_COLUMNS} ON occurrence WHEN {} \
             BEGIN {}; {}; END",
            changed(OCCURRENCE_COLUMNS),
            bump("OLD.starts_at"),
            bump("NEW.starts_at")
        ),
        format!(
            "CREATE TRIGGER report_day_meeting_update AFTER UPDATE OF {MEETING_COLUMNS} ON meeting \
             WHEN {} BEGIN {}; END",
            changed(MEETING_COLUMNS),
            bump_meeting("NEW.id")
        ),
        format!(
            "CREATE TRIGGER report_day_document_insert AFTER INSERT ON document \
             BEGIN {}; END",
            bump_meeting("NEW.meeting_id")
        ),
        format!(
            "CREATE TRIGGER report_day_document_delete AFTER DELETE ON document \
             BEGIN {}; END",
            bump_meeting("OLD.meeting_id")
        ),
        format!(
            "CREATE TRIGGER report_day_document_update AFTER UPDATE ON document \
             BEGIN {}; {}; END",
            bump_meeting("OLD.meeting_id"),
            bump_meeting("NEW.meeting_id")
        ),
    ]
}

fn pg_up() -> Vec<String> {
    let day = |at: &str| format!("({at} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date");
    let upsert = "ON CONFLICT (day) DO UPDATE SET version = report_day.version + 1";
    vec![
        CREATE.to_string(),
        CREATE_FIGURES.to_string(),
        format!(
            "INSERT INTO report_day (day, version) SELECT DISTINCT {}, 1 FROM occurrence",
            day("starts_at")
        ),
        // TRUNCATE fires no row trigger: it moves every day.
        "CREATE FUNCTION report_day_all() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN UPDATE report_day SET version = version + 1; RETURN NULL; END $$"
            .to_string(),
        format!(
            "CREATE FUNCTION report_day_occurrence() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP <> 'INSERT' THEN \
                 INSERT INTO report_day (day, version) VALUES ({}, 1) {upsert}; \
               END IF; \
               IF TG_OP <> 'DELETE' THEN \
                 INSERT INTO report_day (day, version) VALUES ({}, 1) {upsert}; \
               END IF; \
               RETURN NULL; \
             END $$",
            day("OLD.starts_at"),
            day("NEW.starts_at")
        ),
        format!(
            "CREATE FUNCTION report_day_meeting(INTEGER) RETURNS void LANGUAGE sql AS $$ \
             INSERT INTO report_day (day, version) \
             SELECT DISTINCT {}, 1 FROM occurrence WHERE meeting_id = $1 ORDER BY 1 {upsert} $$",
            day("starts_at")
        ),
        "CREATE FUNCTION report_day_document() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN \
           IF TG_OP <> 'INSERT' THEN PERFORM report_day_meeting(OLD.meeting_id); END IF; \
           IF TG_OP <> 'DELETE' THEN PERFORM report_day_meeting(NEW.meeting_id); END IF; \
           RETURN NULL; \
         END $$"
            .to_string(),
        "CREATE FUNCTION report_day_meeting_update() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN PERFORM report_day_meeting(NEW.id); RETURN NULL; END $$"
            .to_string(),
        "CREATE TRIGGER report_day AFTER INSERT OR DELETE ON occurrence \
         FOR EACH ROW EXECUTE FUNCTION report_day_occurrence()"
            .to_string(),
        format!(
            "CREATE TRIGGER report_day_update AFTER UPDATE OF {OCCURRENCE_COLUMNS} ON occurrence \
             FOR EACH ROW WHEN (({}) IS DISTINCT FROM ({})) \
             EXECUTE FUNCTION report_day_occurrence()",
            prefixed(OCCURRENCE_COLUMNS, "NEW"),
            prefixed(OCCURRENCE_COLUMNS, "OLD")
        ),
        format!(
            "CREATE TRIGGER report_day AFTER UPDATE OF {MEETING_COLUMNS} ON meeting \
             FOR EACH ROW WHEN (({}) IS DISTINCT FROM ({})) \
             EXECUTE FUNCTION report_day_meeting_update()",
            prefixed(MEETING_COLUMNS, "NEW"),
            prefixed(MEETING_COLUMNS, "OLD")
        ),
        "CREATE TRIGGER report_day AFTER INSERT OR UPDATE OR DELETE ON document \
         FOR EACH ROW EXECUTE FUNCTION report_day_document()"
            .to_string(),
        "CREATE TRIGGER report_day_truncate AFTER TRUNCATE ON occurrence \
         FOR EACH STATEMENT EXECUTE FUNCTION report_day_all()"
            .to_string(),
        "CREATE TRIGGER report_day_truncate AFTER TRUNCATE ON meeting \
         FOR EACH STATEMENT EXECUTE FUNCTION report_day_all()"
            .to_string(),
        "CREATE TRIGGER report_day_truncate AFTER TRUNCATE ON document \
         FOR EACH STATEMENT EXECUTE FUNCTION report_day_all()"
            .to_string(),
    ]
}

/// `OLD.a, OLD.b` for the columns `a, b` and the prefix `OLD`.
fn prefixed(columns: &str, prefix: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{prefix}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// SQLite: `OLD.a IS NOT NEW.a OR …`, true when one of the columns changed.
fn changed(columns: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("OLD.{c} IS NOT NEW.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn down(backend: DbBackend) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    if backend == DbBackend::Postgres {
        for (name, table) in [
            ("report_day", "occurrence"),
            ("report_day_update", "occurrence"),
            ("report_day", "meeting"),
            ("report_day", "document"),
            ("report_day_truncate", "occurrence"),
            ("report_day_truncate", "meeting"),
            ("report_day_truncate", "document"),
        ] {
            all.push(format!("DROP TRIGGER IF EXISTS {name} ON {table}"));
        }
        for f in [
            "report_day_occurrence()",
            "report_day_document()",
            "report_day_meeting_update()",
            "report_day_meeting(INTEGER)",
            "report_day_all()",
        ] {
            all.push(format!("DROP FUNCTION IF EXISTS {f}"));
        }
    } else {
        for t in [
            "occurrence_insert",
            "occurrence_delete",
            "occurrence_update",
            "meeting_update",
            "document_insert",
            "document_delete",
            "document_update",
        ] {
            all.push(format!("DROP TRIGGER IF EXISTS report_day_{t}"));
        }
    }
    all.push("DROP TABLE IF EXISTS report_day_figures".into());
    all.push("DROP TABLE IF EXISTS report_day".into());
    all
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_on_backend(m, pg_up, sqlite_up).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_all(m, &down(m.get_database_backend())).await
    }
}
