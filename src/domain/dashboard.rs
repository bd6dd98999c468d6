//! What needs attention (việc cần làm), per role: the signed-in landing page. Each section has a
//! count and the first few items, linking to them.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::registration::{self, Actor, Collision};
use crate::domain::settings::Settings;
use crate::domain::working_days::{self, Calendar, LateBecause};
use crate::domain::{auth_events, calendars, documents, publication};
use crate::error::Msg;
use crate::Result;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use entity::*;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::HashMap;

/// Items listed per section (the count says how many there are).
pub const SHOWN_ITEMS: usize = 5;
/// Meetings whose documents the office watches: those in the next working days.
pub const DOCUMENT_WORKING_DAYS: i64 = 5;
/// Most requests examined for conflicts and lateness at once.
const EXAMINED: u64 = 300;

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub href: String,
    pub title: String,
    /// "08:00 14/07/2026".
    pub when: String,
    /// Agency or room, as the section needs.
    pub detail: Option<String>,
    /// Translation key of the status.
    pub status_key: Option<String>,
    /// Why it is listed (conflict, documents), in both languages.
    pub note_vi: Option<String>,
    pub note_en: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Translation key of the heading ("dashboard.clerk.drafts").
    pub key: &'static str,
    pub count: usize,
    pub items: Vec<Item>,
    /// The page listing them all, when there is one.
    pub more: Option<&'static str>,
}

impl Section {
    fn new(key: &'static str, mut items: Vec<Item>, more: Option<&'static str>) -> Self {
        let count = items.len();
        items.truncate(SHOWN_ITEMS);
        Section {
            key,
            count,
            items,
            more,
        }
    }
}

/// A figure: translation key and value.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub key: &'static str,
    pub value: String,
}

/// The publication of one week of the schedule.
#[derive(Debug, Clone, Serialize)]
pub struct WeekState {
    /// "dashboard.this_week" or "dashboard.next_week".
    pub key: &'static str,
    /// The week's Monday (what /lich-cong-tac takes) and its name, "2026-W48".
    pub monday: NaiveDate,
    pub week: String,
    pub from_text: String,
    pub to_text: String,
    pub published: bool,
    /// Adjustments since the first publication (Điều chỉnh lần N).
    pub adjustments: i32,
    pub updated_at: Option<String>,
    /// Who issued the latest revision.
    pub published_by: Option<String>,
    /// Rows the next publication would mark (new, changed, postponed, cancelled).
    pub changes: usize,
    /// The registration cut-off before the week (settings `cutoff_weekday`, `cutoff_time`) has
    /// passed and the week is still not published.
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Dashboard {
    pub sections: Vec<Section>,
    pub figures: Vec<Figure>,
    pub weeks: Vec<WeekState>,
}

fn when(t: DateTime<Utc>) -> String {
    t.with_timezone(&OFFICE_TZ)
        .format("%H:%M %d/%m/%Y")
        .to_string()
}

struct Agencies(HashMap<i32, String>);

impl Agencies {
    async fn load(db: &Db) -> Result<Self> {
        Ok(Agencies(
            agency::Entity::find()
                .all(&db.conn)
                .await?
                .into_iter()
                .map(|a| (a.id, a.short_name))
                .collect(),
        ))
    }

    fn item(&self, m: &meeting::Model) -> Item {
        Item {
            href: format!("/cuoc-hop/{}", m.id),
            title: m.title.clone(),
            when: when(m.starts_at),
            detail: self.0.get(&m.requesting_agency_id).cloned(),
            status_key: Some(format!("status.{}", m.status.code())),
            note_vi: None,
            note_en: None,
        }
    }
}

/// Requests in `statuses` (of the actor's agency outside the office), by meeting time, those
/// not yet over.
async fn requests(
    db: &Db,
    actor: &Actor,
    statuses: &[MeetingStatus],
) -> Result<Vec<meeting::Model>> {
    let mut q =
        meeting::Entity::find().filter(meeting::Column::Status.is_in(statuses.iter().copied()));
    if !actor.office {
        q = q.filter(meeting::Column::RequestingAgencyId.eq(actor.agency_id.unwrap_or(-1)));
    }
    Ok(q.order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .limit(EXAMINED)
        .all(&db.conn)
        .await?)
}

/// Requests waiting for the office (pending, reviewed) whose meeting is still to come.
async fn waiting(db: &Db, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<meeting::Model>> {
    let list = requests(
        db,
        actor,
        &[MeetingStatus::Pending, MeetingStatus::Reviewed],
    )
    .await?;
    Ok(upcoming(list, now))
}

fn upcoming(list: Vec<meeting::Model>, now: DateTime<Utc>) -> Vec<meeting::Model> {
    list.into_iter()
        .filter(|m| m.ends_at > now || m.rrule.is_some())
        .collect()
}

/// Approved occurrences in `from..to` (the actor's agency's outside the office), as items.
async fn approved_between(
    db: &Db,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    agencies: &Agencies,
) -> Result<Vec<Item>> {
    let filter = registration::MeetingFilter {
        from: Some(from),
        to: Some(to),
        status: Some(MeetingStatus::Approved),
        ..Default::default()
    };
    let occurrences = registration::occurrences_between(db, actor, &filter).await?;
    let names = calendars::Names::load(db, &occurrences).await?;
    Ok(occurrences
        .iter()
        .filter(|o| o.starts_at >= from)
        .filter_map(|o| {
            let m = names.meetings.get(&o.meeting_id)?;
            let mut item = agencies.item(m);
            item.when = when(o.starts_at);
            item.detail = o
                .room_id
                .and_then(|r| names.rooms.iter().find(|x| x.id == r))
                .map(|r| r.name.clone())
                .or_else(|| m.location.clone());
            Some(item)
        })
        .collect())
}

/// Meetings whose documents are missing or late, in the next `days` days.
async fn documents_due(
    db: &Db,
    actor: &Actor,
    days: i64,
    settings: &Settings,
) -> Result<Vec<Item>> {
    Ok(documents::flagged(db, actor, days, settings)
        .await?
        .into_iter()
        .map(|d| Item {
            href: format!("/cuoc-hop/{}", d.meeting_id),
            title: d.title,
            when: when(d.meeting_starts_at),
            detail: None,
            status_key: Some(format!("status.{}", d.status.code())),
            note_vi: d.flag.as_ref().map(|f| f.message_vi.clone()),
            note_en: d.flag.as_ref().map(|f| f.message_en.clone()),
        })
        .collect())
}

/// Requests colliding (room or chair) with meetings in `with`, with what they collide with.
async fn colliding(
    db: &Db,
    list: &[meeting::Model],
    with: &[MeetingStatus],
    agencies: &Agencies,
) -> Result<Vec<Item>> {
    let mut out = vec![];
    for m in list {
        let found: Vec<Collision> = registration::collisions_of(&db.conn, m, with).await?;
        let Some(c) = found.first() else { continue };
        let key = if c.on == "room" {
            "msg.dashboard.collides_on_room"
        } else {
            "msg.dashboard.collides_on_chair"
        };
        // One pass over the text (`t_each`), so that a title holding `{name}` stays as typed.
        let note = Msg::t_each(
            key,
            &[
                ("id", &Msg::both(c.meeting_id.to_string())),
                ("title", &Msg::both(c.title.clone())),
            ],
        );
        let mut item = agencies.item(m);
        item.note_vi = Some(note.vi);
        item.note_en = Some(note.en);
        out.push(item);
    }
    Ok(out)
}

/// Requests submitted too late (the one rule of [`working_days::is_late`], as the conflict check).
async fn late(
    db: &Db,
    list: &[meeting::Model],
    settings: &Settings,
    agencies: &Agencies,
) -> Result<Vec<Item>> {
    let lead = settings.registration_lead_working_days;
    let (Some(first), Some(last)) = (
        list.iter().map(|m| m.starts_at).min(),
        list.iter().map(|m| m.starts_at).max(),
    ) else {
        return Ok(vec![]);
    };
    let cal = Calendar::load(
        &db.conn,
        clock::office_date(first) - Duration::days(lead.max(0) * 3 + 30),
        clock::office_date(last),
    )
    .await?;
    let dmy = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    Ok(list
        .iter()
        .filter_map(|m| {
            let submitted_at = m.submitted_at?;
            let date = clock::office_date(m.starts_at);
            let why = working_days::is_late(&cal, date, submitted_at, settings)?;
            let submitted = dmy(clock::office_date(submitted_at));
            let mut item = agencies.item(m);
            let note = match why {
                LateBecause::Lead { deadline, .. } => Msg::t(
                    "msg.dashboard.sent_on_deadline",
                    &[("sent", &submitted), ("deadline", &dmy(deadline))],
                ),
                LateBecause::Cutoff { at } => Msg::t(
                    "msg.dashboard.sent_on_after_the_cutoff",
                    &[
                        ("sent", &submitted),
                        (
                            "cutoff",
                            &at.with_timezone(&OFFICE_TZ)
                                .format("%H:%M %d/%m/%Y")
                                .to_string(),
                        ),
                    ],
                ),
            };
            item.note_vi = Some(note.vi);
            item.note_en = Some(note.en);
            Some(item)
        })
        .collect())
}

fn local_midnight(d: NaiveDate) -> DateTime<Utc> {
    clock::local_to_utc(OFFICE_TZ, d.and_time(NaiveTime::MIN)).unwrap_or_default()
}

/// An agency's clerk: drafts, requests returned to fix, pending ones, approved meetings of this
/// week still to come, meetings whose documents are missing or late.
pub async fn clerk(db: &Db, actor: &Actor, settings: &Settings) -> Result<Dashboard> {
    let now = clock::now();
    let agencies = Agencies::load(db).await?;
    let items = |list: Vec<meeting::Model>| -> Vec<Item> {
        list.iter().map(|m| agencies.item(m)).collect()
    };
    let drafts = requests(db, actor, &[MeetingStatus::Draft]).await?;
    let returned = requests(db, actor, &[MeetingStatus::Returned]).await?;
    let pending = waiting(db, actor, now).await?;
    let week_end = local_midnight(clock::week_start(clock::office_date(now)) + Duration::days(7));
    let approved = approved_between(db, actor, now, week_end, &agencies).await?;
    let docs = documents_due(db, actor, 14, settings).await?;
    Ok(Dashboard {
        sections: vec![
            Section::new("dashboard.clerk.drafts", items(drafts), Some("/dang-ky")),
            Section::new(
                "dashboard.clerk.returned",
                items(returned),
                Some("/dang-ky"),
            ),
            Section::new("dashboard.clerk.pending", items(pending), Some("/dang-ky")),
            Section::new(
                "dashboard.clerk.approved_week",
                approved,
                Some("/lich-phong"),
            ),
            Section::new("dashboard.documents", docs, None),
        ],
        ..Default::default()
    })
}

/// Days from today to the end of the next `n` working days.
async fn working_days_ahead(db: &Db, today: NaiveDate, n: i64) -> Result<i64> {
    let cal = Calendar::load(&db.conn, today, today + Duration::days(n * 3 + 30)).await?;
    let mut d = today;
    let mut found = 0;
    while found < n && (d - today).num_days() < n * 3 + 30 {
        d += Duration::days(1);
        if cal.is_working_day(d) {
            found += 1;
        }
    }
    Ok((d - today).num_days() + 1)
}

/// Office staff: requests to review (soonest meeting first), pending requests that conflict,
/// late registrations, documents missing for the next working days, today's meetings.
pub async fn staff(db: &Db, actor: &Actor, settings: &Settings) -> Result<Dashboard> {
    let now = clock::now();
    let today = clock::office_date(now);
    let agencies = Agencies::load(db).await?;
    let pending = upcoming(requests(db, actor, &[MeetingStatus::Pending]).await?, now);
    let waiting = waiting(db, actor, now).await?;
    let conflicts = colliding(db, &waiting, &calendars::SHOWN, &agencies).await?;
    let late = late(db, &waiting, settings, &agencies).await?;
    let days = working_days_ahead(db, today, DOCUMENT_WORKING_DAYS).await?;
    let docs = documents_due(db, actor, days, settings).await?;
    let todays = approved_between(
        db,
        actor,
        local_midnight(today),
        local_midnight(today + Duration::days(1)),
        &agencies,
    )
    .await?;
    Ok(Dashboard {
        sections: vec![
            Section::new(
                "dashboard.staff.to_review",
                pending.iter().map(|m| agencies.item(m)).collect(),
                Some("/hang-doi"),
            ),
            Section::new("dashboard.staff.conflicts", conflicts, Some("/hang-doi")),
            Section::new("dashboard.staff.late", late, Some("/hang-doi")),
            Section::new("dashboard.staff.documents", docs, None),
            Section::new("dashboard.staff.today", todays, Some("/lich-phong/ngay")),
        ],
        ..Default::default()
    })
}

async fn week_state(
    db: &Db,
    key: &'static str,
    week: NaiveDate,
    settings: &Settings,
) -> Result<WeekState> {
    let latest = publication::latest(&db.conn, week).await?;
    let published_by = match &latest {
        Some(p) => account::Entity::find_by_id(p.published_by)
            .one(&db.conn)
            .await?
            .map(|a| a.display_name),
        None => None,
    };
    // The cut-off falls in the week before: Thursday 16:00 by default.
    let cutoff_day =
        week - Duration::days(7) + Duration::days(i64::from(settings.cutoff_weekday) - 1);
    let cutoff = clock::local_to_utc(OFFICE_TZ, cutoff_day.and_time(settings.cutoff_time));
    Ok(WeekState {
        key,
        monday: week,
        week: calendars::week_name(week),
        from_text: week.format("%d/%m/%Y").to_string(),
        to_text: (week + Duration::days(6)).format("%d/%m/%Y").to_string(),
        published: latest.is_some(),
        adjustments: latest.as_ref().map_or(0, |p| p.revision),
        updated_at: latest.as_ref().map(|p| when(p.published_at)),
        published_by,
        changes: publication::unpublished_changes(db, week).await?,
        overdue: latest.is_none() && cutoff.is_some_and(|c| clock::now() >= c),
    })
}

/// An approver: reviewed requests awaiting decision, requests colliding with approved meetings,
/// and whether this week's and next week's schedules are published.
pub async fn approver(db: &Db, actor: &Actor) -> Result<Dashboard> {
    let now = clock::now();
    let agencies = Agencies::load(db).await?;
    let reviewed = upcoming(requests(db, actor, &[MeetingStatus::Reviewed]).await?, now);
    // An approver may decide before the review too.
    let pending = upcoming(requests(db, actor, &[MeetingStatus::Pending]).await?, now);
    let waiting = waiting(db, actor, now).await?;
    let collisions = colliding(db, &waiting, &[MeetingStatus::Approved], &agencies).await?;
    let this_week = clock::week_start(clock::office_date(now));
    let settings = crate::domain::settings::load(db).await?;
    Ok(Dashboard {
        sections: vec![
            Section::new(
                "dashboard.approver.to_decide",
                reviewed.iter().map(|m| agencies.item(m)).collect(),
                Some("/hang-doi"),
            ),
            Section::new(
                "dashboard.staff.to_review",
                pending.iter().map(|m| agencies.item(m)).collect(),
                Some("/hang-doi"),
            ),
            Section::new(
                "dashboard.approver.collisions",
                collisions,
                Some("/hang-doi"),
            ),
        ],
        weeks: vec![
            week_state(db, "dashboard.this_week", this_week, &settings).await?,
            week_state(
                db,
                "dashboard.next_week",
                this_week + Duration::days(7),
                &settings,
            )
            .await?,
        ],
        ..Default::default()
    })
}

/// The administrator: locks and failed sign-ins of the last day, and what the office holds.
pub async fn admin(db: &Db) -> Result<Dashboard> {
    let since = clock::now() - Duration::days(1);
    let events = |kind: &'static str| {
        auth_event::Entity::find()
            .filter(auth_event::Column::Kind.eq(kind))
            .filter(auth_event::Column::At.gte(since))
            .order_by_desc(auth_event::Column::At)
            .limit(EXAMINED)
            .all(&db.conn)
    };
    let item = |e: auth_event::Model| Item {
        href: "/quan-tri/nhat-ky-dang-nhap".into(),
        title: e.username,
        when: when(e.at),
        detail: e.client_ip,
        status_key: None,
        note_vi: None,
        note_en: None,
    };
    let locks: Vec<Item> = events(auth_events::kind::LOCK)
        .await?
        .into_iter()
        .map(item)
        .collect();
    let failures: Vec<Item> = events(auth_events::kind::FAILURE)
        .await?
        .into_iter()
        .map(item)
        .collect();
    let accounts = account::Entity::find().count(&db.conn).await?;
    let disabled = account::Entity::find()
        .filter(account::Column::Disabled.eq(true))
        .count(&db.conn)
        .await?;
    let agencies = agency::Entity::find().count(&db.conn).await?;
    let rooms = room::Entity::find().count(&db.conn).await?;
    Ok(Dashboard {
        sections: vec![
            Section::new(
                "dashboard.admin.locks",
                locks,
                Some("/quan-tri/nhat-ky-dang-nhap"),
            ),
            Section::new(
                "dashboard.admin.failures",
                failures,
                Some("/quan-tri/nhat-ky-dang-nhap"),
            ),
        ],
        figures: vec![
            Figure {
                key: "dashboard.admin.accounts",
                value: accounts.to_string(),
            },
            Figure {
                key: "dashboard.admin.disabled",
                value: disabled.to_string(),
            },
            Figure {
                key: "dashboard.admin.agencies",
                value: agencies.to_string(),
            },
            Figure {
                key: "dashboard.admin.rooms",
                value: rooms.to_string(),
            },
        ],
        ..Default::default()
    })
}
