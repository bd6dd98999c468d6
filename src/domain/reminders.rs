//! Scheduled messages (issue #17 item 2): the office's daily digest of new requests, the
//! documents-deadline reminder, and each leader's agenda for the next working day sent to the
//! leader's secretary.
//!
//! Every instance runs [`run_due`] on a timer. A job claims its run by inserting
//! `job_run (kind, run_key)` — a day, or a meeting — with `ON CONFLICT DO NOTHING` in the same
//! transaction as the inbox and outbox rows it writes: of several instances on one database,
//! one inserts and writes, the others insert nothing and roll back, so nobody gets two digests.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::notifications::{self, Facts, MailSwitch, Recipient};
use crate::domain::working_days::Calendar;
use crate::domain::{documents, settings};
use crate::Result;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use entity::*;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// The office-local times at which the daily jobs become due.
#[derive(Debug, Clone, Copy)]
pub struct Times {
    pub digest_at: NaiveTime,
    pub agenda_at: NaiveTime,
    pub reminder_at: NaiveTime,
}

/// What one pass did: the runs it claimed, as `kind:key`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ran(pub Vec<String>);

/// Runs every job that is due at `now` and not yet run for its key.
pub async fn run_due(db: &Db, times: &Times, now: DateTime<Utc>) -> Result<Ran> {
    let local = now.with_timezone(&OFFICE_TZ);
    let today = local.date_naive();
    let time = local.time();
    let mut ran = Ran::default();
    if time >= times.digest_at && digest(db, today, now).await? {
        ran.0.push(format!("digest:{today}"));
    }
    if time >= times.agenda_at {
        if let Some(day) = agenda(db, today, now).await? {
            ran.0.push(format!("agenda:{day}"));
        }
    }
    if time >= times.reminder_at {
        for id in documents_due(db, today, now).await? {
            ran.0.push(format!("documents_due:{id}"));
        }
    }
    if !ran.0.is_empty() {
        notifications::wake(db);
    }
    Ok(ran)
}

/// Claims the run `(kind, key)` in `txn`: false when another pass or instance has it.
async fn claim(
    txn: &DatabaseTransaction,
    kind: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let row = job_run::ActiveModel {
        kind: Set(kind.to_string()),
        run_key: Set(key.to_string()),
        ran_at: Set(now),
        ..Default::default()
    };
    let inserted = job_run::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([job_run::Column::Kind, job_run::Column::RunKey])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(inserted == 1)
}

/// Runs `body` for the run `(kind, key)` once: claimed and written in one transaction.
async fn once<F>(db: &Db, kind: &str, key: &str, now: DateTime<Utc>, body: F) -> Result<bool>
where
    F: for<'t> Fn(
        &'t DatabaseTransaction,
    )
        -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 't>>,
{
    db.write(|| async {
        let txn = db.begin_write().await?;
        if !claim(&txn, kind, key, now).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        body(&txn).await?;
        txn.commit().await?;
        Ok(true)
    })
    .await
}

fn hm(t: DateTime<Utc>) -> String {
    t.with_timezone(&OFFICE_TZ).format("%H:%M").to_string()
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The day's digest of new requests to the office accounts that chose it: the requests
/// submitted since the previous digest (or the last day), still waiting. True when it ran.
async fn digest(db: &Db, today: NaiveDate, now: DateTime<Utc>) -> Result<bool> {
    let key = today.to_string();
    if job_run::Entity::find()
        .filter(job_run::Column::Kind.eq("digest"))
        .filter(job_run::Column::RunKey.eq(key.clone()))
        .one(&db.conn)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let mail_on = db.kept::<MailSwitch>().on();
    once(db, "digest", &key, now, |txn| {
        Box::pin(async move {
            let since = job_run::Entity::find()
                .filter(job_run::Column::Kind.eq("digest"))
                .filter(job_run::Column::RunKey.ne(today.to_string()))
                .order_by_desc(job_run::Column::RanAt)
                .one(txn)
                .await?
                .map(|r| r.ran_at)
                .unwrap_or(now - Duration::days(1));
            let waiting = meeting::Entity::find()
                .filter(meeting::Column::Status.is_in([MeetingStatus::Pending]))
                // From the previous digest's second on: one that came in that same second is listed
                // again rather than missed.
                .filter(meeting::Column::SubmittedAt.gte(since))
                .order_by_asc(meeting::Column::SubmittedAt)
                .all(txn)
                .await?;
            let to: Vec<Recipient> = notifications::office(txn)
                .await?
                .into_iter()
                .filter(|r| r.digest && r.email.is_some())
                .map(|r| Recipient {
                    // The inbox had each request already; the digest is the e-mail.
                    account_id: None,
                    ..r
                })
                .collect();
            if waiting.is_empty() || to.is_empty() {
                return Ok(());
            }
            let lines = waiting
                .iter()
                .map(|m| {
                    let tz = crate::domain::meetings::zone_of(m);
                    (
                        format!(
                            "#{} {}",
                            m.id,
                            m.starts_at.with_timezone(&tz).format("%d/%m/%Y %H:%M")
                        ),
                        m.title.clone(),
                    )
                })
                .collect();
            let facts = Facts {
                title: waiting.len().to_string(),
                starts: dmy(today),
                lines,
                ..Default::default()
            };
            notifications::write(txn, mail_on, &to, "digest", None, &facts, None, now).await
        })
    })
    .await
}

/// The next working day after `today`.
async fn next_working_day<C: ConnectionTrait>(db: &C, today: NaiveDate) -> Result<NaiveDate> {
    let calendar = Calendar::load(db, today, today + Duration::days(40)).await?;
    let mut d = today + Duration::days(1);
    while !calendar.is_working_day(d) && d < today + Duration::days(40) {
        d += Duration::days(1);
    }
    Ok(d)
}

/// Each leader's agenda for the next working day, to the accounts that are the leader's
/// secretaries, once for that day. Confidential meetings are included: they are the leader's
/// own. Returns the day when it ran.
async fn agenda(db: &Db, today: NaiveDate, now: DateTime<Utc>) -> Result<Option<NaiveDate>> {
    let day = next_working_day(&db.conn, today).await?;
    let key = day.to_string();
    let mail_on = db.kept::<MailSwitch>().on();
    let ran = once(db, "agenda", &key, now, |txn| {
        Box::pin(async move {
            let secretaries = account::Entity::find()
                .filter(account::Column::SecretaryOf.is_not_null())
                .filter(account::Column::Disabled.eq(false))
                .all(txn)
                .await?;
            for s in secretaries {
                let Some(leader_id) = s.secretary_of else {
                    continue;
                };
                let Some(leader) = person::Entity::find_by_id(leader_id).one(txn).await? else {
                    continue;
                };
                let lines = leader_day(txn, leader_id, day).await?;
                let to = notifications::accounts(
                    txn,
                    Condition::all().add(account::Column::Id.eq(s.id)),
                )
                .await?;
                let lang = to.first().map(|r| r.lang).unwrap_or(crate::error::Lang::Vi);
                let lines = if lines.is_empty() {
                    vec![(
                        "—".to_string(),
                        crate::error::Msg::t("notify.agenda.none", &[])
                            .pick(lang)
                            .to_string(),
                    )]
                } else {
                    lines
                };
                let facts = Facts {
                    title: format!("{} {}", leader.position, leader.full_name),
                    starts: dmy(day),
                    lines,
                    ..Default::default()
                };
                notifications::write(txn, mail_on, &to, "agenda", None, &facts, None, now).await?;
            }
            Ok(())
        })
    })
    .await?;
    Ok(ran.then_some(day))
}

/// The leader's approved meetings (chaired or attended) on `day`, in time order.
async fn leader_day(
    txn: &DatabaseTransaction,
    leader: i32,
    day: NaiveDate,
) -> Result<Vec<(String, String)>> {
    let from = clock::local_to_utc(OFFICE_TZ, day.and_time(NaiveTime::MIN))
        .unwrap_or_else(|| day.and_time(NaiveTime::MIN).and_utc());
    let to = from + Duration::days(1);
    let attends = sea_orm::sea_query::Query::select()
        .column(meeting_attendee::Column::MeetingId)
        .from(meeting_attendee::Entity)
        .and_where(meeting_attendee::Column::PersonId.eq(leader))
        .to_owned();
    let meetings: Vec<meeting::Model> = meeting::Entity::find()
        .filter(meeting::Column::Status.eq(MeetingStatus::Approved))
        .filter(
            Condition::any()
                .add(meeting::Column::ChairId.eq(leader))
                .add(meeting::Column::Id.in_subquery(attends)),
        )
        .all(txn)
        .await?;
    if meetings.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i32> = meetings.iter().map(|m| m.id).collect();
    let occurrences = occurrence::Entity::find()
        .filter(occurrence::Column::MeetingId.is_in(ids))
        .filter(occurrence::Column::Status.ne(MeetingStatus::Cancelled))
        .filter(occurrence::Column::StartsAt.lt(to))
        .filter(occurrence::Column::EndsAt.gt(from))
        .order_by_asc(occurrence::Column::StartsAt)
        .all(txn)
        .await?;
    let mut lines = Vec::new();
    for o in occurrences {
        let Some(m) = meetings.iter().find(|m| m.id == o.meeting_id) else {
            continue;
        };
        let place = match o.room_id.or(m.room_id) {
            Some(r) => room::Entity::find_by_id(r)
                .one(txn)
                .await?
                .map(|r| format!("{}, {}", r.name, r.building)),
            None => m.location.clone(),
        };
        let what = match place {
            Some(p) => format!("{} — {p}", m.title),
            None => m.title.clone(),
        };
        lines.push((format!("{} – {}", hm(o.starts_at), hm(o.ends_at)), what));
    }
    Ok(lines)
}

/// The documents-deadline reminder: to the requesting and preparing agencies' clerks of each
/// upcoming regular meeting whose documents are due within one working day and not yet
/// uploaded; once per meeting. Returns the meetings reminded of.
async fn documents_due(db: &Db, today: NaiveDate, now: DateTime<Utc>) -> Result<Vec<i32>> {
    let settings = settings::load(db).await?;
    // The deadline is some working days before the meeting: three weeks ahead covers any lead
    // with holidays in between.
    let horizon = now + Duration::days(settings.documents_lead_working_days * 3 + 21);
    let upcoming = sea_orm::sea_query::Query::select()
        .column(occurrence::Column::MeetingId)
        .from(occurrence::Entity)
        .and_where(occurrence::Column::StartsAt.gte(now))
        .and_where(occurrence::Column::StartsAt.lt(horizon))
        .to_owned();
    let has_documents = sea_orm::sea_query::Query::select()
        .column(document::Column::MeetingId)
        .from(document::Entity)
        .to_owned();
    let reminded = sea_orm::sea_query::Query::select()
        .expr(sea_orm::sea_query::Expr::cust("CAST(run_key AS INTEGER)"))
        .from(job_run::Entity)
        .and_where(job_run::Column::Kind.eq("documents_due"))
        .to_owned();
    let candidates = meeting::Entity::find()
        .filter(meeting::Column::Id.in_subquery(upcoming))
        .filter(meeting::Column::Id.not_in_subquery(has_documents))
        .filter(meeting::Column::Id.not_in_subquery(reminded))
        .filter(meeting::Column::Kind.is_in([MeetingKind::Hop, MeetingKind::HoiNghi]))
        .filter(meeting::Column::Status.is_in([
            MeetingStatus::Pending,
            MeetingStatus::Reviewed,
            MeetingStatus::Approved,
        ]))
        .order_by_asc(meeting::Column::Id)
        .limit(500)
        .all(&db.conn)
        .await?;
    let calendar = Calendar::load(
        &db.conn,
        today - Duration::days(30),
        today + Duration::days(30),
    )
    .await?;
    let mail_on = db.kept::<MailSwitch>().on();
    let mut done = Vec::new();
    for m in candidates {
        let Some(due) = documents::due(&db.conn, &m, &[], &settings, now).await? else {
            continue;
        };
        // Due within one working day: from the working day before the deadline to the deadline.
        if !(calendar.deadline(due.due_on, 1) <= today && today <= due.due_on) {
            continue;
        }
        let ran = once(db, "documents_due", &m.id.to_string(), now, |txn| {
            let m = m.clone();
            Box::pin(async move {
                let agencies: Vec<i32> = std::iter::once(m.requesting_agency_id)
                    .chain(m.preparing_agency_id)
                    .collect();
                let clerks = notifications::accounts(
                    txn,
                    Condition::all()
                        .add(account::Column::Role.eq(Role::AgencyClerk))
                        .add(account::Column::AgencyId.is_in(agencies)),
                )
                .await?;
                let mut facts = notifications::facts_of(txn, &m, None).await?;
                facts.reason = Some(dmy(due.due_on));
                notifications::write(
                    txn,
                    mail_on,
                    &clerks,
                    "documents_due",
                    Some(m.id),
                    &facts,
                    None,
                    now,
                )
                .await
            })
        })
        .await?;
        if ran {
            done.push(m.id);
        }
    }
    Ok(done)
}

/// Parses an office-local "HH:MM" setting.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}
