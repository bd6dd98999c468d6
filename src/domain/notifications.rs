//! Who is told what when a request moves (issue #17). A decision calls [`tell`] inside its own
//! transaction, so the inbox entries and the e-mail it owes exist exactly when the decision does;
//! the sender (`crate::mail`) sends the outbox afterwards.
//!
//! * the requesting agency's clerks: received, returned (reason), approved (room, time),
//!   rejected (reason), rescheduled, cancelled;
//! * office staff and approvers: each new request in the queue;
//! * invitees with an e-mail (and the chair) of an approved meeting: an invitation with an iTIP
//!   REQUEST, an update when it moves, a CANCEL when it is cancelled or withdrawn. Confidential
//!   meetings go to their invitees like any other; nobody outside sees their details.

use crate::db::Db;
use crate::domain::clock;
use crate::error::{Lang, Msg};
use crate::Result;
use chrono::{DateTime, Utc};
use entity::*;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Whether this database's app sends e-mail (`smtp_url` set). Without it the outbox is not
/// written: decisions reach the in-app inbox only, as the admin page says.
#[derive(Default)]
pub struct MailSwitch(AtomicBool);

impl MailSwitch {
    pub fn set(&self, on: bool) {
        self.0.store(on, Ordering::Relaxed)
    }
    pub fn on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A meeting's iTIP calendar (method REQUEST or CANCEL) as a transaction sees it, so that an
/// invitation says what the decision decided even if the meeting changes again before it is
/// sent. The feeds' RFC 5545 writer provides it (set by the app at start): the domain only asks.
pub trait CalendarWriter: Send + Sync {
    fn write<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        meeting_id: i32,
        method: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Option<String>>> + Send + 'a>>;

    /// The iTIP calendar of one occurrence of a series (its VEVENT with RECURRENCE-ID); None
    /// when the writer cannot say.
    fn write_occurrence<'a>(
        &'a self,
        _txn: &'a DatabaseTransaction,
        _meeting_id: i32,
        _recurrence_id: DateTime<Utc>,
        _method: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Option<String>>> + Send + 'a>> {
        Box::pin(async { Ok(None) })
    }
}

/// The calendar writer of this database's app; without one, invitations carry no calendar.
#[derive(Default)]
pub struct Calendars(pub OnceLock<Box<dyn CalendarWriter>>);

/// Wakes the sender when a decision has committed messages, so they leave within moments
/// rather than at the next poll.
#[derive(Default)]
pub struct Wake(pub rocket::tokio::sync::Notify);

/// Tells the sender of this database that messages are waiting.
pub fn wake(db: &Db) {
    db.kept::<Wake>().0.notify_one();
}

/// The values an inbox entry or an e-mail is worded with, as the decision saw them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Facts {
    pub id: i32,
    pub title: String,
    /// Local time in the meeting's zone, dd/mm/yyyy HH:MM.
    pub starts: String,
    pub ends: String,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The lines of a digest or an agenda: (when, what).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<(String, String)>,
}

impl Facts {
    /// The `{name}` arguments of the locale texts.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("id", self.id.to_string()),
            ("title", self.title.clone()),
            ("starts", self.starts.clone()),
            ("ends", self.ends.clone()),
            ("place", self.place.clone().unwrap_or_else(|| "—".into())),
            ("reason", self.reason.clone().unwrap_or_else(|| "—".into())),
        ]
    }

    /// The text of `key` in `lang`, filled with these facts.
    pub fn text(&self, key: &str, lang: Lang) -> String {
        let args = self.args();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Msg::t(key, &args).pick(lang).to_string()
    }
}

/// One person told: an account (inbox, maybe e-mail) or an invitee (e-mail only).
pub(crate) struct Recipient {
    pub account_id: Option<i32>,
    /// An invited person (attendee row): the sender gives them an answer link.
    pub person_id: Option<i32>,
    pub name: String,
    pub email: Option<String>,
    /// The language the message is written in: the account's, Vietnamese by default.
    pub lang: Lang,
    /// An office account that takes new requests as one digest a day.
    pub digest: bool,
}

/// The language stored as `code` ("vi", "en"); Vietnamese for anything else.
pub fn lang_of(code: &str) -> Lang {
    if code == "en" {
        Lang::En
    } else {
        Lang::Vi
    }
}

fn usable(email: Option<&str>) -> Option<String> {
    crate::domain::validate::email("email", email.map(str::trim))
        .ok()
        .flatten()
}

/// Called by every decision on `m` (as now saved), inside its transaction: `action` is the
/// workflow action's code, `before` the status it left.
pub async fn tell(
    app: &Db,
    db: &DatabaseTransaction,
    m: &meeting::Model,
    action: &str,
    before: MeetingStatus,
    reason: Option<&str>,
) -> Result<()> {
    let mail_on = app.kept::<MailSwitch>().on();
    let facts = facts_of(db, m, reason).await?;
    let now = clock::now();
    // The requesting agency's clerks hear of every decision on their request.
    let clerk_kind = match action {
        "submit" | "accept_proposal" => Some("received"),
        "return" | "approve" | "reject" | "reschedule" | "cancel" | "postpone" | "change_chair" => {
            Some(action)
        }
        _ => None,
    };
    if let Some(kind) = clerk_kind {
        let clerks = accounts(
            db,
            Condition::all()
                .add(account::Column::Role.eq(Role::AgencyClerk))
                .add(account::Column::AgencyId.eq(m.requesting_agency_id)),
        )
        .await?;
        write(db, mail_on, &clerks, kind, Some(m.id), &facts, None, now).await?;
    }
    // The office hears of each new request (by e-mail unless the account takes the day's
    // digest instead) and of each withdrawal.
    let office_kind = match action {
        "submit" | "accept_proposal" => Some("new_request"),
        "withdraw" => Some("withdrawn"),
        _ => None,
    };
    if let Some(kind) = office_kind {
        let mut staff = office(db).await?;
        if kind == "new_request" {
            for s in staff.iter_mut().filter(|s| s.digest) {
                s.email = None;
            }
        }
        write(db, mail_on, &staff, kind, Some(m.id), &facts, None, now).await?;
    }
    // Invitees hear of an approved meeting: invited, moved, called off.
    // A postponed meeting is called off for them (CANCEL); its reschedule invites again with
    // a higher SEQUENCE under the same UID.
    let invitation = match (before, m.status) {
        (_, MeetingStatus::Approved) if action == "approve" => Some(("invitation", "REQUEST")),
        (_, MeetingStatus::Approved) if action == "change_chair" => {
            Some(("invitation_chair_changed", "REQUEST"))
        }
        (MeetingStatus::Approved, MeetingStatus::Postponed) => {
            Some(("invitation_postponed", "CANCEL"))
        }
        (MeetingStatus::Postponed, MeetingStatus::Approved) => {
            Some(("invitation_moved", "REQUEST"))
        }
        (MeetingStatus::Approved, MeetingStatus::Approved) => Some(("invitation_moved", "REQUEST")),
        (MeetingStatus::Approved, MeetingStatus::Cancelled | MeetingStatus::Withdrawn) => {
            Some(("invitation_cancelled", "CANCEL"))
        }
        _ => None,
    };
    if let Some((kind, method)) = invitation {
        crate::domain::answers::revoke_stale(db, m).await?;
        let invitees = invitees(db, m).await?;
        let calendar = match app.kept::<Calendars>().0.get() {
            Some(w) if mail_on && !invitees.is_empty() => w.write(db, m.id, method).await?,
            _ => None,
        };
        let ics = calendar.map(|c| (method, c));
        write(db, mail_on, &invitees, kind, Some(m.id), &facts, ics, now).await?;
    }
    Ok(())
}

/// Called when one occurrence `o` (as now saved) of the series `m` is cancelled (`moved`
/// false) or moved, inside that transaction: the requesting agency's clerks get an entry saying
/// which session changed; when the series is approved, its invitees get an iTIP CANCEL or an
/// updated REQUEST of that occurrence only (its VEVENT with RECURRENCE-ID).
pub async fn tell_occurrence(
    app: &Db,
    db: &DatabaseTransaction,
    m: &meeting::Model,
    o: &occurrence::Model,
    moved: bool,
    reason: Option<&str>,
) -> Result<()> {
    let mail_on = app.kept::<MailSwitch>().on();
    let now = clock::now();
    let mut facts = facts_of(db, m, reason).await?;
    let tz = crate::domain::meetings::zone_of(m);
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string();
    facts.starts = local(o.starts_at);
    facts.ends = local(o.ends_at);
    let (kind, method) = if moved {
        ("occurrence_moved", "REQUEST")
    } else {
        ("occurrence_cancelled", "CANCEL")
    };
    if let Some(r) = o.room_id.or(m.room_id) {
        facts.place = room::Entity::find_by_id(r)
            .one(db)
            .await?
            .map(|r| format!("{}, {}", r.name, r.building));
    }
    let clerks = accounts(
        db,
        Condition::all()
            .add(account::Column::Role.eq(Role::AgencyClerk))
            .add(account::Column::AgencyId.eq(m.requesting_agency_id)),
    )
    .await?;
    write(db, mail_on, &clerks, kind, Some(m.id), &facts, None, now).await?;
    if m.status != MeetingStatus::Approved {
        return Ok(());
    }
    let invitees = invitees(db, m).await?;
    let calendar = match app.kept::<Calendars>().0.get() {
        Some(w) if mail_on && !invitees.is_empty() => {
            w.write_occurrence(db, m.id, o.recurrence_id, method)
                .await?
        }
        _ => None,
    };
    let ics = calendar.map(|c| (method, c));
    write(db, mail_on, &invitees, kind, Some(m.id), &facts, ics, now).await
}

/// The office's staff and approvers (active).
pub(crate) async fn office<C: ConnectionTrait>(db: &C) -> Result<Vec<Recipient>> {
    accounts(
        db,
        Condition::all()
            .add(account::Column::Role.is_in([Role::OfficeStaff, Role::OfficeApprover])),
    )
    .await
}

/// Active accounts matching `which`, with the address their e-mail goes to (their own, else
/// their person's), None when they chose the inbox only.
pub(crate) async fn accounts<C: ConnectionTrait>(
    db: &C,
    which: Condition,
) -> Result<Vec<Recipient>> {
    let found = account::Entity::find()
        .filter(which)
        .filter(account::Column::Disabled.eq(false))
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?;
    let person_ids: Vec<i32> = found.iter().filter_map(|a| a.person_id).collect();
    let persons: BTreeMap<i32, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(person_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(found
        .into_iter()
        .map(|a| {
            let person_email = a
                .person_id
                .and_then(|p| persons.get(&p))
                .and_then(|p| p.email.clone());
            let email = a
                .email_notifications
                .then(|| usable(a.email.as_deref()).or_else(|| usable(person_email.as_deref())))
                .flatten();
            Recipient {
                account_id: Some(a.id),
                person_id: None,
                name: a.display_name,
                email,
                lang: lang_of(&a.lang),
                digest: a.digest,
            }
        })
        .collect())
}

/// The chair and the invited persons of `m` who have an address, each once.
async fn invitees<C: ConnectionTrait>(db: &C, m: &meeting::Model) -> Result<Vec<Recipient>> {
    let attending: Vec<i32> = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| a.person_id)
        .collect();
    let mut ids = attending.clone();
    ids.extend(m.chair_id);
    let mut found = person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?;
    found.dedup_by_key(|p| p.id);
    Ok(found
        .into_iter()
        .filter_map(|p| {
            usable(p.email.as_deref()).map(|email| Recipient {
                account_id: None,
                person_id: attending.contains(&p.id).then_some(p.id),
                name: format!("{} {}", p.position, p.full_name),
                email: Some(email),
                // Persons keep no language: the office's.
                lang: Lang::Vi,
                digest: false,
            })
        })
        .collect())
}

pub(crate) async fn facts_of<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    reason: Option<&str>,
) -> Result<Facts> {
    let tz = crate::domain::meetings::zone_of(m);
    let place = match m.room_id {
        Some(r) => room::Entity::find_by_id(r)
            .one(db)
            .await?
            .map(|r| format!("{}, {}", r.name, r.building)),
        None => m.location.clone(),
    };
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string();
    Ok(Facts {
        id: m.id,
        title: m.title.clone(),
        starts: local(m.starts_at),
        ends: local(m.ends_at),
        place,
        reason: reason.map(str::to_string),
        lines: vec![],
    })
}

/// The inbox entries of `to` and, with e-mail on, an outbox row for each who has an address,
/// in the recipient's language.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write<C: ConnectionTrait>(
    db: &C,
    mail_on: bool,
    to: &[Recipient],
    kind: &str,
    meeting_id: Option<i32>,
    facts: &Facts,
    ics: Option<(&str, String)>,
    now: DateTime<Utc>,
) -> Result<()> {
    let json = serde_json::to_string(facts).unwrap_or_default();
    let inbox: Vec<notification::ActiveModel> = to
        .iter()
        .filter_map(|r| r.account_id)
        .map(|account_id| notification::ActiveModel {
            account_id: Set(account_id),
            kind: Set(kind.to_string()),
            meeting_id: Set(meeting_id),
            facts: Set(json.clone()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        })
        .collect();
    if !inbox.is_empty() {
        notification::Entity::insert_many(inbox)
            .exec_without_returning(db)
            .await?;
    }
    if !mail_on {
        return Ok(());
    }
    let mail: Vec<outbox::ActiveModel> = to
        .iter()
        .filter_map(|r| r.email.as_ref().map(|e| (r, e)))
        .map(|(r, email)| {
            let mut row = queued(
                email,
                &r.name,
                r.lang,
                kind,
                meeting_id,
                r.account_id,
                &facts.text(&format!("notify.subject.{kind}"), r.lang),
                &json,
                ics.as_ref().map(|(m, c)| (*m, c.as_str())),
                now,
            );
            row.person_id = Set(r.person_id);
            row
        })
        .collect();
    if !mail.is_empty() {
        outbox::Entity::insert_many(mail)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A new outbox row, due at once, with its Message-ID fixed now.
#[allow(clippy::too_many_arguments)]
fn queued(
    email: &str,
    name: &str,
    lang: Lang,
    kind: &str,
    meeting_id: Option<i32>,
    account_id: Option<i32>,
    subject: &str,
    facts: &str,
    ics: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        message_id: Set(format!("<{}@lichhop>", uuid::Uuid::new_v4().simple())),
        recipient_email: Set(email.to_string()),
        recipient_name: Set(name.to_string()),
        lang: Set(crate::i18n::lang_code(lang).to_string()),
        kind: Set(kind.to_string()),
        meeting_id: Set(meeting_id),
        account_id: Set(account_id),
        subject: Set(subject.to_string()),
        facts: Set(facts.to_string()),
        ics_method: Set(ics.map(|(m, _)| m.to_string())),
        ics: Set(ics.map(|(_, c)| c.to_string())),
        status: Set("queued".into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_answer: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    }
}

/// Queues the administrator's test message to `email`.
pub async fn queue_test(db: &Db, email: &str) -> Result<()> {
    let email = usable(Some(email))
        .ok_or_else(|| crate::Error::invalid("email", "msg.notify.an_e_mail_address_is_needed"))?;
    if !db.kept::<MailSwitch>().on() {
        return Err(crate::Error::invalid("email", "msg.notify.e_mail_is_off"));
    }
    let lang = Lang::Vi;
    let subject = Msg::t("notify.subject.test", &[]).pick(lang).to_string();
    let row = queued(
        &email,
        &email,
        lang,
        "test",
        None,
        None,
        &subject,
        &serde_json::to_string(&Facts::default()).unwrap_or_default(),
        None,
        clock::now(),
    );
    db.write(|| async {
        outbox::Entity::insert(row.clone())
            .exec_without_returning(&db.conn)
            .await?;
        Ok(())
    })
    .await?;
    wake(db);
    Ok(())
}

/// Most inbox entries listed (the API and the page).
pub const LISTED: u64 = 200;

/// An account's inbox, newest first.
pub async fn inbox(db: &Db, account_id: i32, limit: u64) -> Result<Vec<notification::Model>> {
    Ok(notification::Entity::find()
        .filter(notification::Column::AccountId.eq(account_id))
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(&db.conn)
        .await?)
}

pub async fn unread(db: &Db, account_id: i32) -> Result<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(&db.conn)
        .await?)
}

/// Marks one entry (or, with None, all) of the account's inbox read; another account's entry
/// is simply not touched.
pub async fn mark_read(db: &Db, account_id: i32, id: Option<i32>) -> Result<u64> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(clock::now()))
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    let done = db
        .write(|| async { Ok(q.clone().exec(&db.conn).await?.rows_affected) })
        .await?;
    Ok(done)
}

/// The outbox for the admin page, newest first.
pub async fn outbox_rows(db: &Db, limit: u64) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(&db.conn)
        .await?)
}

/// "Gửi lại": a failed message is due again with a fresh count of attempts.
pub async fn resend(db: &Db, id: i32) -> Result<()> {
    let q = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("queued"))
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(clock::now()))
        .col_expr(
            outbox::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq("failed"));
    let n = db
        .write(|| async { Ok(q.clone().exec(&db.conn).await?.rows_affected) })
        .await?;
    if n == 0 {
        return Err(crate::Error::invalid(
            "id",
            "msg.notify.no_failed_message_with_this_id",
        ));
    }
    wake(db);
    Ok(())
}
