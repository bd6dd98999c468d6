//! The sender: a task in each instance that sends the outbox through the office's relay
//! (`smtp_url`), after the decisions that wrote it have committed.
//!
//! Several instances share one outbox: a row is claimed for a lease (`claimed_until`) by one
//! UPDATE … RETURNING — on PostgreSQL over `FOR UPDATE SKIP LOCKED`, so two instances never
//! claim one row; on SQLite under the single writer. A claim whose instance died runs out and the
//! row is claimed again; its Message-ID was fixed when it was written, so the message sent is the
//! same message. A relay's 5xx fails the row at once; other failures retry with exponential
//! backoff until `mail_max_attempts`.

pub mod compose;
pub mod schedule;

use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::clock;
use crate::domain::notifications::Wake;
use chrono::{DateTime, Duration, Utc};
use entity::outbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use rocket::fairing::AdHoc;
use rocket::tokio;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, Statement,
};

/// Rows claimed at once.
const BATCH: i64 = 20;
const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// The longest wait between two attempts.
const MAX_BACKOFF_MS: i64 = 6 * 3600 * 1000;

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Starts the sender at liftoff when `smtp_url` is set; it stops when Rocket shuts down.
pub fn sender() -> AdHoc {
    AdHoc::on_liftoff("mail sender", |rocket| {
        Box::pin(async move {
            let (Some(db), Some(config)) = (rocket.state::<Db>(), rocket.state::<AppConfig>())
            else {
                return;
            };
            let Some(url) = config.smtp_url.as_ref() else {
                return;
            };
            let transport = match Transport::from_url(&url.0) {
                Ok(b) => b.timeout(Some(SMTP_TIMEOUT)).build(),
                Err(e) => {
                    // The URL itself is never logged: it may carry a password.
                    tracing::error!(relay = ?url, error = %e, "smtp_url is not usable; no e-mail is sent");
                    return;
                }
            };
            let (db, config) = (db.clone(), config.clone());
            let shutdown = rocket.shutdown();
            tokio::spawn(async move {
                tokio::select! {
                    _ = run(&db, &config, &transport) => {}
                    _ = shutdown => {}
                }
            });
        })
    })
}

async fn run(db: &Db, config: &AppConfig, transport: &Transport) {
    let wake = db.kept::<Wake>();
    let poll = std::time::Duration::from_millis(config.mail_poll_ms.max(10));
    loop {
        loop {
            match claim(db, config.mail_lease_seconds).await {
                Ok(rows) if rows.is_empty() => break,
                Ok(rows) => {
                    for row in rows {
                        if let Err(e) = send_one(db, config, transport, row).await {
                            tracing::warn!(error = %e, "outbox: recording a send failed");
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "outbox: claiming failed");
                    break;
                }
            }
        }
        tokio::select! {
            _ = wake.0.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

/// Claims up to [`BATCH`] due rows for this instance.
async fn claim(db: &Db, lease_seconds: i64) -> crate::Result<Vec<outbox::Model>> {
    let now = clock::now();
    let until = now + Duration::seconds(lease_seconds.max(1));
    let backend = db.backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE outbox SET status = 'sending', claimed_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox \
               WHERE (status = 'queued' AND next_attempt_at <= $2) \
                  OR (status = 'sending' AND claimed_until < $3) \
               ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING *"
        }
        _ => {
            "UPDATE outbox SET status = 'sending', claimed_until = ?, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox \
               WHERE (status = 'queued' AND next_attempt_at <= ?) \
                  OR (status = 'sending' AND claimed_until < ?) \
               ORDER BY id LIMIT ?) \
             RETURNING *"
        }
    };
    let stmt = Statement::from_sql_and_values(
        backend,
        sql,
        [until.into(), now.into(), now.into(), BATCH.into()],
    );
    db.write(|| async {
        let rows = db.conn.query_all_raw(stmt.clone()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(outbox::Model::from_query_result(&r, "")?);
        }
        Ok(out)
    })
    .await
}

/// What became of one attempt.
enum Outcome {
    Sent(String),
    Permanent(String),
    Temporary(String),
}

/// An invitation (iTIP REQUEST) to an invited person carries that person's answer link: a new
/// token, minted here so that it exists in clear only in the message; the database keeps its
/// hash (`domain::answers`). Earlier links of the person keep working.
async fn answer_link(
    db: &Db,
    config: &AppConfig,
    row: &outbox::Model,
) -> crate::Result<Option<String>> {
    let (Some(meeting_id), Some(person_id), Some("REQUEST")) =
        (row.meeting_id, row.person_id, row.ics_method.as_deref())
    else {
        return Ok(None);
    };
    let token = crate::auth::new_secret();
    crate::domain::answers::store_link(db, meeting_id, person_id, &crate::auth::token_hash(&token))
        .await?;
    Ok(Some(format!(
        "{}/tra-loi/{token}",
        config.public_url.trim_end_matches('/')
    )))
}

async fn send_one(
    db: &Db,
    config: &AppConfig,
    transport: &Transport,
    row: outbox::Model,
) -> crate::Result<()> {
    let from = compose::Sender {
        address: &config.mail_from,
        name: &config.mail_from_name,
        public_url: &config.public_url,
    };
    let answer = match answer_link(db, config, &row).await {
        Ok(link) => Ok(link),
        Err(e) => Err(Outcome::Temporary(e.to_string())),
    };
    let outcome =
        match answer.map(|a| compose::message(&row, row.ics.as_deref(), a.as_deref(), &from)) {
            Err(outcome) => outcome,
            Ok(Err(compose::Unsendable(why))) => Outcome::Permanent(why),
            Ok(Ok(message)) => match transport.send(message).await {
                Ok(answer) => Outcome::Sent(format!(
                    "{} {}",
                    answer.code(),
                    answer.message().collect::<Vec<_>>().join(" ")
                )),
                Err(e) if e.is_permanent() => Outcome::Permanent(e.to_string()),
                Err(e) => Outcome::Temporary(e.to_string()),
            },
        };
    let now = clock::now();
    let (status, answer, next, sent_at): (&str, String, DateTime<Utc>, Option<DateTime<Utc>>) =
        match outcome {
            Outcome::Sent(a) => ("sent", a, row.next_attempt_at, Some(now)),
            Outcome::Permanent(a) => ("failed", a, row.next_attempt_at, None),
            Outcome::Temporary(a) if row.attempts >= config.mail_max_attempts => {
                ("failed", a, row.next_attempt_at, None)
            }
            Outcome::Temporary(a) => {
                let wait = (config.mail_retry_ms as i64)
                    .saturating_mul(1 << (row.attempts - 1).clamp(0, 20))
                    .min(MAX_BACKOFF_MS);
                ("queued", a, now + Duration::milliseconds(wait), None)
            }
        };
    match status {
        "sent" => tracing::info!(id = row.id, kind = %row.kind, "outbox: sent"),
        _ => tracing::warn!(id = row.id, status, answer = %answer, "outbox: not sent"),
    }
    let update = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(status))
        .col_expr(outbox::Column::LastAnswer, Expr::value(Some(answer)))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(next))
        .col_expr(outbox::Column::SentAt, Expr::value(sent_at))
        .col_expr(
            outbox::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox::Column::Id.eq(row.id))
        .filter(outbox::Column::Status.eq("sending"));
    db.write(|| async {
        update.clone().exec(&db.conn).await?;
        Ok(())
    })
    .await
}
