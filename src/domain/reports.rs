//! Reports and statistics the office sends upward ("572 cuộc họp, hội nghị; 31 đoàn khách nước
//! ngoài trong 9 tháng").
//!
//! Every figure counts **occurrences** whose start falls in the period (office-local dates,
//! `from` and `to` inclusive): a weekly series is one meeting in the register but counts once
//! per week it meets, as the office reports it. Room and chair are the occurrence's own (after a
//! single occurrence was moved).
//!
//! The whole office's report (no filter) adds up figures kept per office day ([`DayCache`]):
//! triggers count the changes of each day, and only the days whose count moved are computed
//! again, so a report over nine months reads the few days changed since the last one. The
//! first report over a period, and every filtered report, comes from queries over the period:
//! counts from one GROUP BY query; the figures that depend on the office's calendar
//! (utilisation, late registration and documents) from one query that joins the occurrences
//! to the days of the period, the deadlines and office hours of each day computed here and
//! bound as a table of instants, grouped by room, week and month (SQL only compares instants
//! and subtracts them, on SQLite and PostgreSQL alike); the median and 90th percentile of the
//! approval lead time (nearest rank; SQLite has no percentile function) picked by row number
//! in SQL. The days are computed by the same queries grouped by day.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::documents;
use crate::domain::settings::Settings;
use crate::domain::working_days::{self, Calendar};
use crate::{Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use entity::{agency, meeting, occurrence, person, room, MeetingKind, MeetingStatus};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, JoinType, QueryFilter, QueryResult,
    QuerySelect, RelationTrait, Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Longest period a report may cover.
pub const MAX_MONTHS: u32 = 24;

/// What a report covers: a period of office-local dates and optional filters.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The requesting agency.
    pub agency_id: Option<i32>,
    pub room_id: Option<i32>,
    /// The chairing leader.
    pub chair_id: Option<i32>,
}

impl ReportFilter {
    /// Checks the period: `to` not before `from`, at most [`MAX_MONTHS`] long.
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        agency_id: Option<i32>,
        room_id: Option<i32>,
        chair_id: Option<i32>,
    ) -> Result<Self> {
        if to < from {
            return Err(Error::validation(
                "to",
                "Ngày kết thúc phải từ ngày bắt đầu trở đi.",
                "The end date must not be before the start date.",
            ));
        }
        let limit = from
            .checked_add_months(chrono::Months::new(MAX_MONTHS))
            .unwrap_or(from);
        if to >= limit {
            return Err(Error::validation(
                "to",
                "Kỳ báo cáo dài tối đa 2 năm.",
                "A report covers at most 2 years.",
            ));
        }
        Ok(ReportFilter {
            from,
            to,
            agency_id,
            room_id,
            chair_id,
        })
    }

    fn start(&self) -> DateTime<Utc> {
        local_midnight(self.from)
    }

    fn end(&self) -> DateTime<Utc> {
        local_midnight(self.to.succ_opt().unwrap_or(self.to))
    }
}

fn local_midnight(d: NaiveDate) -> DateTime<Utc> {
    clock::local_to_utc(OFFICE_TZ, d.and_time(NaiveTime::MIN)).unwrap_or_default()
}

/// How many occurrences have one value (a status, an agency, a leader, a room, a kind).
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Count {
    /// The code (status, kind) or the id (agency, person, room) as text; "" for none.
    pub key: String,
    /// The Vietnamese name.
    pub label: String,
    pub count: i64,
}

/// Booked share of office hours of one room in one week or month.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Utilisation {
    pub room_id: i32,
    pub room: String,
    /// Monday of the week, or the first of the month (clipped to the period).
    pub period_start: NaiveDate,
    pub booked_minutes: i64,
    /// Office hours on the working days of the week or month inside the report's period.
    pub office_minutes: i64,
    /// booked / office, 0 when there are no office hours; rounded to 4 decimals.
    pub share: f64,
}

/// Approval lead time: submission to decision (approval or rejection), in hours.
#[derive(Debug, Clone, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct LeadTime {
    /// Decided meetings with an occurrence in the period.
    pub decided: usize,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

/// Every figure of one report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub filter: ReportFilter,
    /// Occurrences starting in the period (all statuses).
    pub total: i64,
    pub by_status: Vec<Count>,
    pub by_agency: Vec<Count>,
    pub by_chair: Vec<Count>,
    pub by_room: Vec<Count>,
    pub by_kind: Vec<Count>,
    pub utilisation_weekly: Vec<Utilisation>,
    pub utilisation_monthly: Vec<Utilisation>,
    pub lead_time: LeadTime,
    /// Occurrences submitted after the deadline of `registration_lead_working_days`.
    pub late_registrations: i64,
    /// Occurrences of regular meetings (họp, hội nghị) whose documents came after the deadline of
    /// `documents_lead_working_days`, or never came though the deadline passed.
    pub late_documents: i64,
    /// Occurrences in the period that are cancelled.
    pub cancellations: i64,
    /// Reschedules (of a whole meeting or one occurrence) of the meetings the report covers,
    /// whenever they were recorded.
    pub reschedules: i64,
}

/// The Vietnamese name of a status, as in the office's words.
pub fn status_vi(s: MeetingStatus) -> &'static str {
    match s {
        MeetingStatus::Draft => "Nháp",
        MeetingStatus::Pending => "Chờ duyệt",
        MeetingStatus::Reviewed => "Đã thẩm định",
        MeetingStatus::Returned => "Trả lại để bổ sung",
        MeetingStatus::Approved => "Đã duyệt",
        MeetingStatus::Rejected => "Từ chối",
        MeetingStatus::Cancelled => "Đã hủy",
        MeetingStatus::Withdrawn => "Đã rút",
    }
}

/// The Vietnamese name of a kind of meeting.
pub fn kind_vi(k: MeetingKind) -> &'static str {
    match k {
        MeetingKind::Hop => "Họp",
        MeetingKind::HoiNghi => "Hội nghị",
        MeetingKind::LamViec => "Làm việc",
        MeetingKind::TiepKhach => "Tiếp khách",
        MeetingKind::TiepKhachNuocNgoai => "Tiếp khách nước ngoài",
        MeetingKind::TrucTuyen => "Trực tuyến",
        MeetingKind::CongTac => "Đi công tác",
    }
}

/// Occurrences starting in the period, joined to their meeting, with the filters applied.
fn occurrences_in(f: &ReportFilter) -> sea_orm::Select<occurrence::Entity> {
    let mut q = occurrence::Entity::find()
        .select_only()
        .join(JoinType::InnerJoin, occurrence::Relation::Meeting.def())
        .filter(occurrence::Column::StartsAt.gte(f.start()))
        .filter(occurrence::Column::StartsAt.lt(f.end()));
    if let Some(a) = f.agency_id {
        q = q.filter(meeting::Column::RequestingAgencyId.eq(a));
    }
    if let Some(r) = f.room_id {
        q = q.filter(occurrence::Column::RoomId.eq(r));
    }
    if let Some(c) = f.chair_id {
        q = q.filter(occurrence::Column::ChairId.eq(c));
    }
    q
}

type Group = (
    MeetingStatus,
    MeetingKind,
    i32,
    Option<i32>,
    Option<i32>,
    i64,
);

/// SQL text with its bound values, numbered placeholders for either backend.
struct Sql {
    backend: DbBackend,
    values: Vec<sea_orm::Value>,
}

impl Sql {
    fn new(backend: DbBackend) -> Self {
        Sql {
            backend,
            values: Vec::new(),
        }
    }

    /// Binds `v` and returns its placeholder.
    fn bind(&mut self, v: impl Into<sea_orm::Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => format!("?{}", self.values.len()),
        }
    }

    fn statement(&self, sql: String) -> Statement {
        Statement::from_sql_and_values(self.backend, sql, self.values.clone())
    }

    /// Whole seconds from `a` to `b` (stored instants have no fractions, see clock::now).
    /// On SQLite through julianday (a double: exact to well under a millisecond in this era,
    /// so rounding gives the seconds), a third of the cost of strftime('%s') per row.
    fn seconds(&self, a: &str, b: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("EXTRACT(EPOCH FROM ({b} - {a}))"),
            _ => format!("CAST(ROUND((julianday({b}) - julianday({a})) * 86400) AS INTEGER)"),
        }
    }

    /// Whole minutes from `a` to `b` (b after a), truncated as chrono's `num_minutes`.
    fn minutes(&self, a: &str, b: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("FLOOR({} / 60)", self.seconds(a, b)),
            _ => format!("{} / 60", self.seconds(a, b)),
        }
    }

    fn least(&self, a: &str, b: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("LEAST({a}, {b})"),
            _ => format!("MIN({a}, {b})"),
        }
    }

    fn greatest(&self, a: &str, b: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("GREATEST({a}, {b})"),
            _ => format!("MAX({a}, {b})"),
        }
    }
}

/// The conditions every figure shares: occurrence `o` of meeting `m` starting in the period,
/// with the filters.
fn period_where(sql: &mut Sql, f: &ReportFilter) -> String {
    let mut w = format!(
        "o.starts_at >= {} AND o.starts_at < {}",
        sql.bind(f.start()),
        sql.bind(f.end())
    );
    if let Some(a) = f.agency_id {
        w += &format!(" AND m.requesting_agency_id = {}", sql.bind(a));
    }
    if let Some(r) = f.room_id {
        w += &format!(" AND o.room_id = {}", sql.bind(r));
    }
    if let Some(c) = f.chair_id {
        w += &format!(" AND o.chair_id = {}", sql.bind(c));
    }
    w
}

/// `'a', 'b'` for an IN list of codes (constants of our own, never user input).
fn codes(list: &[&str]) -> String {
    list.iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs one of the report's large queries. On PostgreSQL in a read transaction of its own that
/// asks for a plan made with the values bound (`plan_cache_mode`): after five runs of a cached
/// statement PostgreSQL may switch to a generic plan, and for the day join that plan took
/// 2.0-3.5 s instead of 0.5 s (bench, from the eighth report on). `work_mem` lets the hash of
/// the period's occurrences stay in memory (4 MB spilled it to 64 batches: 700 -> 410 ms).
///
/// A query over a few days joins each day to its occurrences and their meetings by index. Even
/// knowing how few occurrences that is (see [`on_days`]), the planner hashed the whole meeting
/// table rather than read a few thousand meetings by key (9 days: 39 -> 30 ms).
async fn query_all(db: &Db, stmt: Statement, span: Span) -> Result<Vec<QueryResult>> {
    if db.backend() != DbBackend::Postgres {
        return Ok(db.conn.query_all_raw(stmt).await?);
    }
    let txn = db.conn.begin().await?;
    let mut settings =
        String::from("SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL work_mem = '32MB'");
    if let Span::FewDays = span {
        settings += "; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off";
    }
    txn.execute_unprepared(&settings).await?;
    let rows = txn.query_all_raw(stmt).await?;
    txn.commit().await?;
    Ok(rows)
}

/// What a query over days covers: a whole period, or a few days (at most [`DAYS_AT_ONCE`]).
#[derive(Clone, Copy)]
enum Span {
    Period,
    FewDays,
}

impl Span {
    fn of(days: &[DayRow]) -> Span {
        if days.len() <= DAYS_AT_ONCE {
            Span::FewDays
        } else {
            Span::Period
        }
    }
}

/// What the SQL knows of an office day besides its occurrences: its office hours (on a working
/// day), when the next day's hours begin, and the deadlines of the occurrences starting on it,
/// all worked out here from the office's calendar and settings. A day's kept figures hold the
/// row they were computed with, so a closure, a make-up day, new office hours or deadlines
/// compute again the days they change, and only those.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct DayRow {
    day: NaiveDate,
    open: Option<DateTime<Utc>>,
    close: Option<DateTime<Utc>>,
    spill_at: Option<DateTime<Utc>>,
    reg_after: Option<DateTime<Utc>>,
    doc_due: NaiveDate,
}

impl DayRow {
    fn new(day: NaiveDate, calendar: &Calendar, s: &Settings) -> DayRow {
        let at = |d: NaiveDate, t: NaiveTime| clock::local_to_utc(OFFICE_TZ, d.and_time(t));
        let next = day.succ_opt().unwrap_or(day);
        let working = calendar.is_working_day(day) && s.office_opens < s.office_closes;
        let (open, close) = match (at(day, s.office_opens), at(day, s.office_closes)) {
            (Some(o), Some(c)) if working => (Some(o), Some(c)),
            _ => (None, None),
        };
        DayRow {
            day,
            open,
            close,
            spill_at: at(next, s.office_opens),
            reg_after: working_days::late_from(calendar, day, s).map(|(from, _)| from),
            doc_due: calendar.deadline(day, s.documents_lead_working_days),
        }
    }

    /// The rows of every day of the period.
    fn period(f: &ReportFilter, calendar: &Calendar, s: &Settings) -> Vec<DayRow> {
        f.from
            .iter_days()
            .take_while(|d| *d <= f.to)
            .map(|d| DayRow::new(d, calendar, s))
            .collect()
    }
}

/// `o.starts_at` on one of the days (ascending), as a range per run of consecutive days: with
/// it PostgreSQL's planner knows how many occurrences the days hold (it cannot tell from the
/// join to `d`), and reads their meetings by key instead of hashing the whole table (9 days
/// on the report bench: 71 -> 30 ms).
fn on_days(sql: &mut Sql, days: &[DayRow]) -> String {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for r in days {
        match runs.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(r.day) => *last = r.day,
            _ => runs.push((r.day, r.day)),
        }
    }
    let ranges: Vec<String> = runs
        .iter()
        .map(|(first, last)| {
            let end = local_midnight(last.succ_opt().unwrap_or(*last));
            format!(
                "(o.starts_at >= {} AND o.starts_at < {})",
                sql.bind(local_midnight(*first)),
                sql.bind(end)
            )
        })
        .collect();
    format!("({})", ranges.join(" OR "))
}

/// The days as a table `d` the occurrences join by their start (an index range on
/// `starts_at` per day): each day's number, bounds, week and month and the values of its
/// [`DayRow`], so that SQL only compares instants.
fn days_cte(sql: &mut Sql, days: &[DayRow]) -> String {
    let today = clock::office_date(clock::now());
    let mut rows = Vec::new();
    for r in days {
        let next = r.day.succ_opt().unwrap_or(r.day);
        let row = [
            sql.bind(r.day.num_days_from_ce()),
            sql.bind(local_midnight(r.day)),
            sql.bind(local_midnight(next)),
            sql.bind(clock::week_start(r.day).num_days_from_ce()),
            sql.bind(month_start(r.day).num_days_from_ce()),
            sql.bind(r.open),
            sql.bind(r.close),
            sql.bind(r.spill_at),
            sql.bind(r.reg_after),
            sql.bind(local_midnight(r.doc_due + Duration::days(1))),
            sql.bind(i32::from(today > r.doc_due)),
        ];
        rows.push(format!("({})", row.join(", ")));
    }
    format!(
        "d(dn, lo, hi, wk, mo, open_at, close_at, spill_at, reg_after, doc_after, doc_overdue) AS \
         (VALUES {})",
        rows.join(", ")
    )
}

/// Computes the report. The whole office's report (no filter) adds up figures kept per office
/// day ([`whole_office`]); a filtered one runs the queries over its period ([`period_queries`]).
/// The two give the same figures (test
/// `reports::the_days_kept_in_memory_follow_every_change_a_report_reads`).
pub async fn compute(db: &Db, f: &ReportFilter, settings: &Settings) -> Result<Report> {
    let calendar = Calendar::load(&db.conn, f.from - Duration::days(120), f.to).await?;
    let unfiltered = f.agency_id.is_none() && f.room_id.is_none() && f.chair_id.is_none();
    let figures = async {
        let stale = match unfiltered {
            true => match whole_office(db, f, &calendar, settings, true).await? {
                Kept::Figures(t) => return Ok((t, None)),
                Kept::TooManyStale(stale, counts) => Some((stale, counts)),
            },
            false => None,
        };
        Ok((period_queries(db, f, &calendar, settings).await?, stale))
    };
    let ((tally, stale), reschedules, names) =
        rocket::tokio::try_join!(figures, reschedules(db, f), names(db))?;
    // The days are computed once this report is done, so as not to slow it down.
    if let Some((stale, counts)) = stale {
        if let Ok(filling) = db.kept::<DayCache>().filling.clone().try_lock_owned() {
            let db = db.clone();
            rocket::tokio::spawn(async move {
                if let Err(e) = compute_and_keep(&db, &stale, &counts, true).await {
                    tracing::warn!(error = %e, "computing the report's days failed");
                }
                drop(filling);
            });
        }
    }
    Ok(tally.report(f, reschedules, names, &calendar, settings))
}

/// Computes the days of the whole office's report over `f` that are not kept in memory yet,
/// waiting for a computation already running in the background: after it, the report adds
/// up kept days only (until something changes).
pub async fn keep_days(db: &Db, f: &ReportFilter, settings: &Settings) -> Result<()> {
    let cache = db.kept::<DayCache>();
    let _filling = cache.filling.lock().await;
    let calendar = Calendar::load(&db.conn, f.from - Duration::days(120), f.to).await?;
    whole_office(db, f, &calendar, settings, false).await?;
    Ok(())
}

/// The report computed by the queries over its whole period, bypassing the days kept in
/// memory: what the tests compare those with.
pub async fn compute_live(db: &Db, f: &ReportFilter, settings: &Settings) -> Result<Report> {
    let calendar = Calendar::load(&db.conn, f.from - Duration::days(120), f.to).await?;
    let (tally, reschedules, names) = rocket::tokio::try_join!(
        period_queries(db, f, &calendar, settings),
        reschedules(db, f),
        names(db)
    )?;
    Ok(tally.report(f, reschedules, names, &calendar, settings))
}

/// The figures of a report as they are added up, before names and shares.
#[derive(Default)]
struct Tally {
    total: i64,
    by_status: BTreeMap<&'static str, (&'static str, i64)>,
    by_kind: BTreeMap<&'static str, (&'static str, i64)>,
    by_agency: BTreeMap<i32, i64>,
    by_chair: BTreeMap<Option<i32>, i64>,
    by_room: BTreeMap<Option<i32>, i64>,
    cancellations: i64,
    late_registrations: i64,
    late_documents: i64,
    booked_week: BTreeMap<(i32, NaiveDate), i64>,
    booked_month: BTreeMap<(i32, NaiveDate), i64>,
    lead_time: LeadTime,
}

impl Tally {
    fn status(&mut self, status: MeetingStatus, n: i64) {
        self.total += n;
        self.by_status
            .entry(status.code())
            .or_insert((status_vi(status), 0))
            .1 += n;
        if status == MeetingStatus::Cancelled {
            self.cancellations += n;
        }
    }

    fn kind(&mut self, kind: MeetingKind, n: i64) {
        self.by_kind
            .entry(kind.code())
            .or_insert((kind_vi(kind), 0))
            .1 += n;
    }

    fn booked(&mut self, room: i32, day: NaiveDate, minutes: i64) {
        *self
            .booked_week
            .entry((room, clock::week_start(day)))
            .or_default() += minutes;
        *self
            .booked_month
            .entry((room, month_start(day)))
            .or_default() += minutes;
    }

    /// A booking running into the office hours of later days (a field trip over several days,
    /// a meeting into the night): its minutes on those days, inside the period.
    fn spilled(
        &mut self,
        f: &ReportFilter,
        calendar: &Calendar,
        settings: &Settings,
        (room, starts, ends): (i32, DateTime<Utc>, DateTime<Utc>),
    ) {
        let first = clock::office_date(starts);
        for (day, minutes) in office_minutes_of(starts, ends, settings) {
            if day > first && day <= f.to && calendar.is_working_day(day) {
                self.booked(room, day, minutes);
            }
        }
    }

    /// The report: names, sorted tables and the shares of office hours booked.
    fn report(
        self,
        f: &ReportFilter,
        reschedules: i64,
        (agencies, persons, rooms): Names,
        calendar: &Calendar,
        settings: &Settings,
    ) -> Report {
        let coded = |m: BTreeMap<&str, (&str, i64)>| -> Vec<Count> {
            sorted(
                m.into_iter()
                    .map(|(k, (label, count))| Count {
                        key: k.into(),
                        label: label.into(),
                        count,
                    })
                    .collect(),
            )
        };
        let named = |id: Option<i32>, names: &HashMap<i32, String>, none: &str| match id {
            Some(id) => (
                id.to_string(),
                names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
            ),
            None => (String::new(), none.to_string()),
        };
        let by_id = |m: BTreeMap<Option<i32>, i64>, names: &HashMap<i32, String>, none: &str| {
            sorted(
                m.into_iter()
                    .map(|(id, count)| {
                        let (key, label) = named(id, names, none);
                        Count { key, label, count }
                    })
                    .collect(),
            )
        };
        let day_minutes = (settings.office_closes - settings.office_opens).num_minutes();
        let office_minutes = |start: NaiveDate, end: NaiveDate| -> i64 {
            let start = start.max(f.from);
            let end = end.min(f.to);
            start
                .iter_days()
                .take_while(|d| *d <= end)
                .filter(|d| calendar.is_working_day(*d))
                .count() as i64
                * day_minutes
        };
        let shares = |booked: BTreeMap<(i32, NaiveDate), i64>, weekly: bool| -> Vec<Utilisation> {
            booked
                .into_iter()
                .map(|((room_id, start), booked_minutes)| {
                    let end = if weekly {
                        start + Duration::days(6)
                    } else {
                        month_end(start)
                    };
                    let office = office_minutes(start, end);
                    Utilisation {
                        room_id,
                        room: rooms.get(&room_id).cloned().unwrap_or_default(),
                        period_start: start.max(f.from),
                        booked_minutes,
                        office_minutes: office,
                        share: if office > 0 {
                            (booked_minutes as f64 / office as f64 * 10_000.0).round() / 10_000.0
                        } else {
                            0.0
                        },
                    }
                })
                .collect()
        };
        Report {
            filter: f.clone(),
            total: self.total,
            by_status: coded(self.by_status),
            by_kind: coded(self.by_kind),
            by_agency: by_id(
                self.by_agency
                    .into_iter()
                    .map(|(k, v)| (Some(k), v))
                    .collect(),
                &agencies,
                "",
            ),
            by_chair: by_id(self.by_chair, &persons, "Không có chủ trì"),
            by_room: by_id(self.by_room, &rooms, "Ngoài phòng họp"),
            utilisation_weekly: shares(self.booked_week, true),
            utilisation_monthly: shares(self.booked_month, false),
            lead_time: self.lead_time,
            late_registrations: self.late_registrations,
            late_documents: self.late_documents,
            cancellations: self.cancellations,
            reschedules,
        }
    }
}

/// The figures of a period by queries over it: counts in one GROUP BY query; lateness and room
/// use per day in one query grouped by room, week and month; the lead-time percentiles picked
/// by rank in SQL. The three run at once, each on its own pooled connection (on SQLite as on
/// PostgreSQL reads do not wait for each other).
async fn period_queries(
    db: &Db,
    f: &ReportFilter,
    calendar: &Calendar,
    settings: &Settings,
) -> Result<Tally> {
    let (groups, lead_time, by_day) = rocket::tokio::try_join!(
        counts(db, f),
        lead_time(db, f),
        standing_by_day(db, f, calendar, settings),
    )?;
    let mut t = Tally {
        lead_time,
        ..Tally::default()
    };
    for (status, kind, agency, chair, room, n) in groups {
        t.status(status, n);
        t.kind(kind, n);
        *t.by_agency.entry(agency).or_default() += n;
        *t.by_chair.entry(chair).or_default() += n;
        *t.by_room.entry(room).or_default() += n;
    }
    let day_of = |n: i32| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(f.from);
    let mut spills = 0;
    for row in &by_day.rows {
        t.late_registrations += row.try_get::<i64>("", "late_reg")?;
        t.late_documents += row.try_get::<i64>("", "late_doc")?;
        spills += row.try_get::<i64>("", "spills")?;
        let room: Option<i32> = row.try_get("", "room_id")?;
        if let (Some(room), true) = (room, row.try_get::<i64>("", "bookings")? > 0) {
            let minutes: i64 = row.try_get("", "booked")?;
            *t.booked_week
                .entry((room, day_of(row.try_get("", "wk")?)))
                .or_default() += minutes;
            *t.booked_month
                .entry((room, day_of(row.try_get("", "mo")?)))
                .or_default() += minutes;
        }
    }
    // The rare bookings that run into the office hours of a later day, one by one.
    if spills > 0 {
        for row in query_all(db, by_day.spilling, Span::Period).await? {
            let booking = (
                row.try_get("", "room_id")?,
                row.try_get("", "starts_at")?,
                row.try_get("", "ends_at")?,
            );
            t.spilled(f, calendar, settings, booking);
        }
    }
    Ok(t)
}

/// One office day's share of the whole office's report: what [`whole_office`] adds up.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Day {
    status: Vec<(MeetingStatus, i64)>,
    kind: Vec<(MeetingKind, i64)>,
    agency: Vec<(i32, i64)>,
    chair: Vec<(Option<i32>, i64)>,
    room: Vec<(Option<i32>, i64)>,
    late_registrations: i64,
    /// Standing occurrences of regular meetings whose first document came after the deadline.
    documents_late: i64,
    /// The same without any document yet: late only once the deadline has passed, which
    /// depends on the day the report is read, so it is decided when the days are added up.
    documents_missing: i64,
    /// Office minutes booked, by room (rooms with a booking that day).
    booked: Vec<(i32, i64)>,
    /// Bookings running into the office hours of a later day: room, start, end.
    spilling: Vec<(i32, DateTime<Utc>, DateTime<Utc>)>,
    /// The decided meetings meeting that day, with their lead time in seconds.
    leads: Vec<(i32, i64)>,
}

/// A day's figures as computed: under the day's count in `report_day` and its [`DayRow`].
#[derive(Clone)]
struct KeptDay {
    count: i64,
    row: DayRow,
    figures: Arc<Day>,
}

/// At most this many days are kept in memory (ten years); past it the copy starts again empty.
const DAYS_KEPT: usize = 3660;

/// More days to compute than this (the first report over a period) and the report comes from
/// the queries over its period, and its days are computed in the background once it is done:
/// computing days returns a row per day and value, and takes longer than the period's queries
/// (0.33 s more than their 0.25 s on the report bench).
const DAYS_AT_ONCE: usize = 31;

/// The office days' figures, each with the count of `report_day` it was computed at.
/// Triggers bump a day's count in the transaction that changes one of its occurrences (or what
/// a report reads of their meetings and documents), so a day whose count has not moved, and
/// whose [`DayRow`] is the same, still has the figures it had. They are kept in memory and in
/// the table `report_day_figures`, which survives a restart and serves every instance sharing
/// the database.
#[derive(Default)]
pub struct DayCache {
    kept: std::sync::Mutex<HashMap<NaiveDate, KeptDay>>,
    /// Held while days are computed in the background, so that one computation runs at a time.
    filling: Arc<rocket::tokio::sync::Mutex<()>>,
}

/// What [`whole_office`] found.
enum Kept {
    Figures(Tally),
    /// Too many days to compute at once (see [`DAYS_AT_ONCE`]): these, with the counts.
    TooManyStale(Vec<DayRow>, HashMap<NaiveDate, i64>),
}

/// The whole office's figures over the period from the days kept, after computing again the
/// days whose count or row moved, unless too many did and `background` is set. The counts are
/// read before the days are computed: a day changed in between is then kept under its older
/// count, and computed again at the next report.
async fn whole_office(
    db: &Db,
    f: &ReportFilter,
    calendar: &Calendar,
    settings: &Settings,
    background: bool,
) -> Result<Kept> {
    let counts = day_counts(db, f).await?;
    let count = |day: &NaiveDate| counts.get(day).copied().unwrap_or(0);
    let mut days: Vec<KeptDay> = Vec::new();
    let mut stale = Vec::new();
    {
        let cache = db.kept::<DayCache>();
        let mut kept = cache.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() > DAYS_KEPT {
            kept.clear();
        }
        for row in DayRow::period(f, calendar, settings) {
            match kept.get(&row.day) {
                Some(k) if k.count == count(&row.day) && k.row == row => days.push(k.clone()),
                _ => stale.push(row),
            }
        }
    }
    if !stale.is_empty() {
        let stored = stored_days(db, &stale, &counts).await?;
        let cache = db.kept::<DayCache>();
        let mut kept = cache.kept.lock().unwrap_or_else(|e| e.into_inner());
        stale.retain(|row| match stored.get(&row.day) {
            Some(k) => {
                days.push(k.clone());
                kept.insert(row.day, k.clone());
                false
            }
            None => true,
        });
    }
    if background && stale.len() > DAYS_AT_ONCE {
        return Ok(Kept::TooManyStale(stale, counts));
    }
    days.extend(compute_and_keep(db, &stale, &counts, !background).await?);

    let today = clock::office_date(clock::now());
    let mut t = Tally::default();
    let mut leads: HashMap<i32, i64> = HashMap::new();
    for KeptDay {
        row, figures: d, ..
    } in &days
    {
        let day = row.day;
        for (status, n) in &d.status {
            t.status(*status, *n);
        }
        for (kind, n) in &d.kind {
            t.kind(*kind, *n);
        }
        for (agency, n) in &d.agency {
            *t.by_agency.entry(*agency).or_default() += n;
        }
        for (chair, n) in &d.chair {
            *t.by_chair.entry(*chair).or_default() += n;
        }
        for (room, n) in &d.room {
            *t.by_room.entry(*room).or_default() += n;
        }
        t.late_registrations += d.late_registrations;
        t.late_documents += d.documents_late;
        if today > row.doc_due {
            t.late_documents += d.documents_missing;
        }
        for (room, minutes) in &d.booked {
            t.booked(*room, day, *minutes);
        }
        for booking in &d.spilling {
            t.spilled(f, calendar, settings, *booking);
        }
        leads.extend(d.leads.iter().copied());
    }
    let mut hours: Vec<f64> = leads.into_values().map(|s| s as f64 / 3600.0).collect();
    hours.sort_by(f64::total_cmp);
    t.lead_time = LeadTime {
        decided: hours.len(),
        median_hours: percentile(&hours, 50.0),
        p90_hours: percentile(&hours, 90.0),
    };
    Ok(Kept::Figures(t))
}

/// The stored figures of the given days that are still current (same count, same row).
async fn stored_days(
    db: &Db,
    wanted: &[DayRow],
    counts: &HashMap<NaiveDate, i64>,
) -> Result<HashMap<NaiveDate, KeptDay>> {
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::new(db.backend());
    let days: Vec<String> = wanted.iter().map(|r| sql.bind(r.day)).collect();
    let text = format!(
        "SELECT day, version, inputs, figures FROM report_day_figures WHERE day IN ({})",
        days.join(", ")
    );
    let rows = db.conn.query_all_raw(sql.statement(text)).await?;
    let wanted: HashMap<NaiveDate, &DayRow> = wanted.iter().map(|r| (r.day, r)).collect();
    let mut found = HashMap::new();
    for r in rows {
        let day: NaiveDate = r.try_get("", "day")?;
        let count: i64 = r.try_get("", "version")?;
        let (Some(row), true) = (
            wanted.get(&day),
            counts.get(&day).copied().unwrap_or(0) == count,
        ) else {
            continue;
        };
        let inputs: String = r.try_get("", "inputs")?;
        if serde_json::from_str::<DayRow>(&inputs).ok().as_ref() != Some(*row) {
            continue;
        }
        let figures: String = r.try_get("", "figures")?;
        if let Ok(figures) = serde_json::from_str::<Day>(&figures) {
            let kept = KeptDay {
                count,
                row: (*row).clone(),
                figures: Arc::new(figures),
            };
            found.insert(day, kept);
        }
    }
    Ok(found)
}

/// Computes the given days and keeps them under the counts read before, in memory and in the
/// table (stored after this returns unless `wait_for_store`: a report need not wait for it);
/// in runs of at most a year, to bound the statements' parameters.
async fn compute_and_keep(
    db: &Db,
    stale: &[DayRow],
    counts: &HashMap<NaiveDate, i64>,
    wait_for_store: bool,
) -> Result<Vec<KeptDay>> {
    let mut days = Vec::with_capacity(stale.len());
    for run in stale.chunks(366) {
        let fresh = compute_days(db, run).await?;
        let mut computed = Vec::with_capacity(fresh.len());
        for (row, figures) in run.iter().zip(fresh) {
            let kept = KeptDay {
                count: counts.get(&row.day).copied().unwrap_or(0),
                row: row.clone(),
                figures: Arc::new(figures),
            };
            computed.push(kept);
        }
        if wait_for_store {
            store_days(db, &computed).await;
        } else {
            let (db, computed) = (db.clone(), computed.clone());
            rocket::tokio::spawn(async move { store_days(&db, &computed).await });
        }
        let cache = db.kept::<DayCache>();
        let mut kept = cache.kept.lock().unwrap_or_else(|e| e.into_inner());
        for k in &computed {
            kept.insert(k.row.day, k.clone());
        }
        days.extend(computed);
    }
    Ok(days)
}

/// Stores computed days in one statement; a day stored meanwhile under a later count stays. A
/// failure is logged, not passed on: the days are computed again when next wanted.
async fn store_days(db: &Db, days: &[KeptDay]) {
    if let Err(e) = try_store_days(db, days).await {
        tracing::warn!(error = %e, "storing the report's days failed");
    }
}

async fn try_store_days(db: &Db, days: &[KeptDay]) -> Result<()> {
    if days.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(db.backend());
    let mut values = Vec::with_capacity(days.len());
    for k in days {
        let inputs = serde_json::to_string(&k.row).map_err(|e| Error::Internal(e.to_string()))?;
        let figures =
            serde_json::to_string(&*k.figures).map_err(|e| Error::Internal(e.to_string()))?;
        values.push(format!(
            "({}, {}, {}, {})",
            sql.bind(k.row.day),
            sql.bind(k.count),
            sql.bind(inputs),
            sql.bind(figures)
        ));
    }
    let text = format!(
        "INSERT INTO report_day_figures (day, version, inputs, figures) VALUES {} \
         ON CONFLICT (day) DO UPDATE SET version = excluded.version, inputs = excluded.inputs, \
         figures = excluded.figures WHERE excluded.version >= report_day_figures.version",
        values.join(", ")
    );
    let _write = db.write_guard().await;
    db.conn.execute_raw(sql.statement(text)).await?;
    Ok(())
}

/// The count of each day of the period that has one (a day never changed counts 0).
async fn day_counts(db: &Db, f: &ReportFilter) -> Result<HashMap<NaiveDate, i64>> {
    let mut sql = Sql::new(db.backend());
    let text = format!(
        "SELECT day, version FROM report_day WHERE day >= {} AND day <= {}",
        sql.bind(f.from),
        sql.bind(f.to)
    );
    let rows = db.conn.query_all_raw(sql.statement(text)).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "day")?, r.try_get("", "version")?)))
        .collect()
}

/// The figures of the given days (ascending), in their order, from the occurrences starting
/// on them: the counts, the lateness and room use, and the lead times, by three queries at once.
async fn compute_days(db: &Db, days: &[DayRow]) -> Result<Vec<Day>> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Vec::new());
    };
    let period = ReportFilter {
        from: first.day,
        to: last.day,
        agency_id: None,
        room_id: None,
        chair_id: None,
    };
    let statement = |columns: &str, rest: &str| {
        let mut sql = Sql::new(db.backend());
        let d = days_cte(&mut sql, days);
        let on_days = on_days(&mut sql, days);
        sql.statement(format!(
            "WITH {d} SELECT d.dn AS dn, {columns} FROM d CROSS JOIN occurrence o \
             JOIN meeting m ON m.id = o.meeting_id {}",
            rest.replace("{on_days}", &on_days)
        ))
    };
    let on_day = "o.starts_at >= d.lo AND o.starts_at < d.hi AND {on_days}";
    let counts = statement(
        "o.status AS status, m.kind AS kind, m.requesting_agency_id AS agency_id, \
         o.chair_id AS chair_id, o.room_id AS room_id, CAST(COUNT(*) AS BIGINT) AS n",
        &format!(
            "WHERE {on_day} GROUP BY d.dn, o.status, m.kind, m.requesting_agency_id, \
             o.chair_id, o.room_id"
        ),
    );
    let lead = Sql::new(db.backend()).seconds("m.submitted_at", "m.decided_at");
    let leads = statement(
        &format!("m.id AS meeting_id, CAST({lead} AS BIGINT) AS lead"),
        &format!("WHERE {on_day} AND m.submitted_at IS NOT NULL AND m.decided_at IS NOT NULL"),
    );
    let standing = standing(db, &period, days, true);
    let (counts, leads, standing) = rocket::tokio::try_join!(
        query_all(db, counts, Span::of(days)),
        query_all(db, leads, Span::of(days)),
        standing
    )?;

    let mut out: BTreeMap<i32, Day> = days
        .iter()
        .map(|d| (d.day.num_days_from_ce(), Day::default()))
        .collect();
    let mut dims: HashMap<i32, DayDimensions> = HashMap::new();
    for row in counts {
        let dn: i32 = row.try_get("", "dn")?;
        let n: i64 = row.try_get("", "n")?;
        let d = dims.entry(dn).or_default();
        *d.status.entry(row.try_get("", "status")?).or_default() += n;
        *d.kind.entry(row.try_get("", "kind")?).or_default() += n;
        *d.agency.entry(row.try_get("", "agency_id")?).or_default() += n;
        *d.chair.entry(row.try_get("", "chair_id")?).or_default() += n;
        *d.room.entry(row.try_get("", "room_id")?).or_default() += n;
    }
    for (dn, d) in dims {
        if let Some(day) = out.get_mut(&dn) {
            day.status = d.status.into_iter().collect();
            day.kind = d.kind.into_iter().collect();
            day.agency = d.agency.into_iter().collect();
            day.chair = d.chair.into_iter().collect();
            day.room = d.room.into_iter().collect();
        }
    }
    for row in leads {
        if let Some(day) = out.get_mut(&row.try_get::<i32>("", "dn")?) {
            day.leads
                .push((row.try_get("", "meeting_id")?, row.try_get("", "lead")?));
        }
    }
    let mut spills = 0;
    for row in &standing.rows {
        let Some(day) = out.get_mut(&row.try_get::<i32>("", "dn")?) else {
            continue;
        };
        day.late_registrations += row.try_get::<i64>("", "late_reg")?;
        day.documents_late += row.try_get::<i64>("", "docs_late")?;
        day.documents_missing += row.try_get::<i64>("", "docs_missing")?;
        spills += row.try_get::<i64>("", "spills")?;
        let room: Option<i32> = row.try_get("", "room_id")?;
        if let (Some(room), true) = (room, row.try_get::<i64>("", "bookings")? > 0) {
            day.booked.push((room, row.try_get("", "booked")?));
        }
    }
    if spills > 0 {
        for row in query_all(db, standing.spilling, Span::of(days)).await? {
            if let Some(day) = out.get_mut(&row.try_get::<i32>("", "dn")?) {
                day.spilling.push((
                    row.try_get("", "room_id")?,
                    row.try_get("", "starts_at")?,
                    row.try_get("", "ends_at")?,
                ));
            }
        }
    }
    Ok(out.into_values().collect())
}

/// One day's counts by each dimension, as the rows of the counts query are added up.
#[derive(Default)]
struct DayDimensions {
    status: HashMap<MeetingStatus, i64>,
    kind: HashMap<MeetingKind, i64>,
    agency: HashMap<i32, i64>,
    chair: HashMap<Option<i32>, i64>,
    room: HashMap<Option<i32>, i64>,
}

/// Occurrences by status × kind × agency × chair × room.
async fn counts(db: &Db, f: &ReportFilter) -> Result<Vec<Group>> {
    Ok(occurrences_in(f)
        .column(occurrence::Column::Status)
        .column(meeting::Column::Kind)
        .column(meeting::Column::RequestingAgencyId)
        .column(occurrence::Column::ChairId)
        .column(occurrence::Column::RoomId)
        .column_as(occurrence::Column::Id.count(), "n")
        .group_by(occurrence::Column::Status)
        .group_by(meeting::Column::Kind)
        .group_by(meeting::Column::RequestingAgencyId)
        .group_by(occurrence::Column::ChairId)
        .group_by(occurrence::Column::RoomId)
        .into_tuple()
        .all(&db.conn)
        .await?)
}

/// Reschedules of the meetings covered (those with an occurrence in the report), whenever
/// recorded (usually before the period): from the reschedule entries of the audit trail, each
/// asking its meeting's occurrences, rather than from the period's meetings, which are many.
async fn reschedules(db: &Db, f: &ReportFilter) -> Result<i64> {
    let mut sql = Sql::new(db.backend());
    let period = period_where(&mut sql, f);
    let text = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM meeting_event e \
         WHERE e.action IN ('reschedule', 'reschedule_occurrence') AND EXISTS ( \
           SELECT 1 FROM occurrence o JOIN meeting m ON m.id = o.meeting_id \
           WHERE o.meeting_id = e.meeting_id AND {period})"
    );
    let row = db.conn.query_one_raw(sql.statement(text)).await?;
    Ok(match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    })
}

/// The per-day query's rows, and the statement that lists the bookings running into the office
/// hours of a later day (asked only when some do).
struct StandingByDay {
    rows: Vec<sea_orm::QueryResult>,
    spilling: Statement,
}

/// The standing occurrences by the day they start: late registrations, late documents, and
/// the office minutes approved bookings take on that day, per room, week and month.
async fn standing_by_day(
    db: &Db,
    f: &ReportFilter,
    calendar: &Calendar,
    settings: &Settings,
) -> Result<StandingByDay> {
    standing(db, f, &DayRow::period(f, calendar, settings), false).await
}

/// The standing occurrences of the given days: grouped by room, week and month, or, when
/// `by_office_day`, by room and day with the documents late and missing apart (see [`Day`]).
async fn standing(
    db: &Db,
    f: &ReportFilter,
    rows: &[DayRow],
    by_office_day: bool,
) -> Result<StandingByDay> {
    let mut sql = Sql::new(db.backend());
    let days = days_cte(&mut sql, rows);
    let mut period = period_where(&mut sql, f);
    if by_office_day {
        period = format!("{period} AND {}", on_days(&mut sql, rows));
    }
    let standing = codes(&[
        MeetingStatus::Cancelled.code(),
        MeetingStatus::Rejected.code(),
        MeetingStatus::Withdrawn.code(),
    ]);
    let regular = codes(
        &MeetingKind::ALL
            .iter()
            .filter(|k| documents::rule_applies(**k))
            .map(|k| k.code())
            .collect::<Vec<_>>(),
    );
    let approved = MeetingStatus::Approved.code();
    let draft = MeetingStatus::Draft.code();
    let booked = format!(
        "o.status = '{approved}' AND o.room_id IS NOT NULL \
         AND o.starts_at < d.close_at AND o.ends_at > d.open_at"
    );
    let minutes = sql.minutes(
        &sql.greatest("o.starts_at", "d.open_at"),
        &sql.least("o.ends_at", "d.close_at"),
    );
    let spill =
        format!("o.status = '{approved}' AND o.room_id IS NOT NULL AND o.ends_at > d.spill_at");
    let from = format!(
        "WITH {days} SELECT {{cols}} FROM d CROSS JOIN occurrence o \
         JOIN meeting m ON m.id = o.meeting_id \
         LEFT JOIN (SELECT meeting_id, MIN(uploaded_at) AS first_at FROM document \
                    GROUP BY meeting_id) fu ON fu.meeting_id = o.meeting_id \
         WHERE o.starts_at >= d.lo AND o.starts_at < d.hi AND {period} \
         AND o.status NOT IN ({standing})"
    );
    let documents_rule = format!("m.kind IN ({regular}) AND o.status <> '{draft}'");
    let (keys, document_sums, documents) = match by_office_day {
        // Whether a missing document is late depends on the day the report is read.
        true => (
            "room_id, dn",
            &["docs_late", "docs_missing"][..],
            format!(
                "CASE WHEN {documents_rule} AND fu.first_at >= d.doc_after \
                 THEN 1 ELSE 0 END AS docs_late, \
                 CASE WHEN {documents_rule} AND fu.first_at IS NULL \
                 THEN 1 ELSE 0 END AS docs_missing"
            ),
        ),
        false => (
            "room_id, wk, mo",
            &["late_doc"][..],
            format!(
                "CASE WHEN {documents_rule} \
                 AND ((fu.first_at IS NULL AND d.doc_overdue = 1) OR fu.first_at >= d.doc_after) \
                 THEN 1 ELSE 0 END AS late_doc"
            ),
        ),
    };
    // Each row's figures first, then their sums by the keys. SQLite sorts the rows it groups,
    // and a sorted row now holds the keys and a few integers instead of the dozen timestamps
    // and codes the figures are computed from: 195-230 -> 139-160 ms for the per-week query on
    // the report bench. `LIMIT -1` (no limit) keeps SQLite from flattening the subquery back
    // into the grouping; PostgreSQL hashes the groups either way.
    let per_row = format!(
        "o.room_id AS room_id, d.dn AS dn, d.wk AS wk, d.mo AS mo, \
         CASE WHEN m.submitted_at >= d.reg_after THEN 1 ELSE 0 END AS late_reg, {documents}, \
         CASE WHEN {booked} THEN {minutes} ELSE 0 END AS booked, \
         CASE WHEN {booked} THEN 1 ELSE 0 END AS bookings, \
         CASE WHEN {spill} THEN 1 ELSE 0 END AS spills"
    );
    let fence = match db.backend() {
        DbBackend::Sqlite => " LIMIT -1",
        _ => "",
    };
    let sums = ["late_reg"]
        .iter()
        .chain(document_sums)
        .chain(&["booked", "bookings", "spills"])
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let grouped = format!(
        "SELECT {keys}, {sums} FROM ({}{fence}) r GROUP BY {keys}",
        from.replace("{cols}", &per_row)
    );
    let span = if by_office_day {
        Span::of(rows)
    } else {
        Span::Period
    };
    let rows = query_all(db, sql.statement(grouped), span).await?;
    let cols = "d.dn AS dn, o.room_id AS room_id, o.starts_at AS starts_at, o.ends_at AS ends_at";
    let spilling = sql.statement(from.replace("{cols}", cols) + &format!(" AND {spill}"));
    Ok(StandingByDay { rows, spilling })
}

type Names = (
    HashMap<i32, String>,
    HashMap<i32, String>,
    HashMap<i32, String>,
);

/// The names of agencies, persons (with their position) and rooms.
async fn names(db: &Db) -> Result<Names> {
    let conn = &db.conn;
    let agencies = agency::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let persons = person::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.position, p.full_name)))
        .collect();
    let rooms = room::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok((agencies, persons, rooms))
}

/// Median and 90th percentile of the approval lead time of the meetings covered, without
/// fetching every lead time: SQL numbers the decided meetings by lead time and returns only
/// the rows at the ranks [`nearest_rank`] may pick (it rounds in floating point, so the 90th
/// percentile's rank is the exact ceiling or one more), with their count. The window runs
/// over the lead times alone (whole seconds): carrying the two instants through it cost more
/// than the rest of the query.
async fn lead_time(db: &Db, f: &ReportFilter) -> Result<LeadTime> {
    let mut sql = Sql::new(db.backend());
    // The agency is the meeting's own: asked of the outer row, so that the occurrences'
    // subquery needs no join.
    let agency = match f.agency_id {
        Some(a) => format!(" AND m.requesting_agency_id = {}", sql.bind(a)),
        None => String::new(),
    };
    let unfiltered = ReportFilter {
        agency_id: None,
        ..f.clone()
    };
    let period = period_where(&mut sql, &unfiltered);
    let lead = sql.seconds("m.submitted_at", "m.decided_at");
    let text = format!(
        "SELECT t.lead AS lead, t.rn AS rn, t.n AS n FROM ( \
           SELECT lead, ROW_NUMBER() OVER (ORDER BY lead) AS rn, COUNT(*) OVER () AS n FROM ( \
             SELECT CAST({lead} AS BIGINT) AS lead FROM meeting m \
             WHERE m.submitted_at IS NOT NULL AND m.decided_at IS NOT NULL{agency} \
             AND m.id IN (SELECT o.meeting_id FROM occurrence o WHERE {period})) l \
         ) t WHERE t.rn IN ((t.n + 1) / 2, (9 * t.n + 9) / 10, (9 * t.n + 9) / 10 + 1)"
    );
    let rows = query_all(db, sql.statement(text), Span::Period).await?;
    let mut n = 0usize;
    let mut at_rank: HashMap<usize, f64> = HashMap::new();
    for row in rows {
        n = row.try_get::<i64>("", "n")? as usize;
        let seconds: i64 = row.try_get("", "lead")?;
        let rn = row.try_get::<i64>("", "rn")? as usize;
        at_rank.insert(rn, seconds as f64 / 3600.0);
    }
    let pick = |p: f64| {
        nearest_rank(p, n)
            .and_then(|r| at_rank.get(&r))
            .map(|v| (v * 100.0).round() / 100.0)
    };
    Ok(LeadTime {
        decided: n,
        median_hours: pick(50.0),
        p90_hours: pick(90.0),
    })
}

/// The 1-based rank of the nearest-rank `p`th percentile of `n` values; None when empty.
fn nearest_rank(p: f64, n: usize) -> Option<usize> {
    if n == 0 {
        return None;
    }
    let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
    Some(rank.min(n))
}

/// Largest count first, then by key: the order of a report's tables and charts.
fn sorted(mut v: Vec<Count>) -> Vec<Count> {
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

/// Nearest-rank percentile of sorted values, rounded to 2 decimals; None when empty.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let v = sorted[nearest_rank(p, sorted.len())? - 1];
    Some((v * 100.0).round() / 100.0)
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn month_end(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

/// The minutes of `starts..ends` inside office hours, per office-local day.
fn office_minutes_of(
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    s: &Settings,
) -> Vec<(NaiveDate, i64)> {
    let mut out = Vec::new();
    let mut day = clock::office_date(starts);
    let last = clock::office_date(ends);
    while day <= last {
        let open = clock::local_to_utc(OFFICE_TZ, day.and_time(s.office_opens));
        let close = clock::local_to_utc(OFFICE_TZ, day.and_time(s.office_closes));
        if let (Some(open), Some(close)) = (open, close) {
            let a = starts.max(open);
            let b = ends.min(close);
            if b > a {
                out.push((day, (b - a).num_minutes()));
            }
        }
        day = match day.succ_opt() {
            Some(d) => d,
            None => break,
        };
    }
    out
}

/// RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled.
/// A text a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return: a name such as `=HYPERLINK(…)`) gets a leading `'`, OWASP's rule against
/// CSV injection; numbers (`-1.5`) stay numbers.
fn csv_field(v: &str) -> String {
    let formula = v.starts_with(['=', '+', '-', '@', '\t', '\r']) && v.parse::<f64>().is_err();
    let v = if formula {
        format!("'{v}")
    } else {
        v.to_string()
    };
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// The report as rows of a table: the Vietnamese headers "Nhóm, Mục, Giá trị", then one row
/// per figure. What the CSV and the xlsx files hold.
pub fn rows(r: &Report) -> Vec<[String; 3]> {
    let mut rows: Vec<[String; 3]> = vec![["Nhóm".into(), "Mục".into(), "Giá trị".into()]];
    let dmy = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut row = |group: &str, item: String, value: String| {
        rows.push([group.into(), item, value]);
    };
    row("Kỳ báo cáo", "Từ ngày".into(), dmy(r.filter.from));
    row("Kỳ báo cáo", "Đến ngày".into(), dmy(r.filter.to));
    row("Tổng số", "Cuộc họp (lượt)".into(), r.total.to_string());
    for (group, counts) in [
        ("Theo trạng thái", &r.by_status),
        ("Theo đơn vị đăng ký", &r.by_agency),
        ("Theo chủ trì", &r.by_chair),
        ("Theo phòng họp", &r.by_room),
        ("Theo loại", &r.by_kind),
    ] {
        for c in counts {
            row(group, c.label.clone(), c.count.to_string());
        }
    }
    for (group, list) in [
        ("Sử dụng phòng theo tuần", &r.utilisation_weekly),
        ("Sử dụng phòng theo tháng", &r.utilisation_monthly),
    ] {
        for u in list {
            row(
                group,
                format!("{} – {}", u.room, dmy(u.period_start)),
                format!("{:.1}%", u.share * 100.0),
            );
        }
    }
    let hours = |h: Option<f64>| h.map(|h| format!("{h:.2}")).unwrap_or_default();
    row(
        "Thời gian duyệt (giờ)",
        "Số cuộc họp đã quyết định".into(),
        r.lead_time.decided.to_string(),
    );
    row(
        "Thời gian duyệt (giờ)",
        "Trung vị".into(),
        hours(r.lead_time.median_hours),
    );
    row(
        "Thời gian duyệt (giờ)",
        "Phân vị 90".into(),
        hours(r.lead_time.p90_hours),
    );
    row(
        "Chậm hạn",
        "Đăng ký muộn".into(),
        r.late_registrations.to_string(),
    );
    row(
        "Chậm hạn",
        "Tài liệu gửi muộn".into(),
        r.late_documents.to_string(),
    );
    row("Thay đổi", "Hủy".into(), r.cancellations.to_string());
    row("Thay đổi", "Dời lịch".into(), r.reschedules.to_string());
    rows
}

/// The report as CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads
/// Vietnamese as Windows-1252), CRLF line ends (RFC 4180).
pub fn to_csv(r: &Report) -> String {
    let mut out = String::from("\u{feff}");
    for [a, b, c] in rows(r) {
        out.push_str(&format!(
            "{},{},{}\r\n",
            csv_field(&a),
            csv_field(&b),
            csv_field(&c)
        ));
    }
    out
}

/// The report as an Excel workbook (one sheet "Báo cáo"): the rows of [`rows`], figures that
/// are numbers written as numbers so that Excel can sum them.
pub fn to_xlsx(r: &Report) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Báo cáo").map_err(fail)?;
    let bold = Format::new().set_bold();
    for (i, row) in rows(r).iter().enumerate() {
        let i = i as u32;
        for (j, cell) in row.iter().enumerate() {
            let j = j as u16;
            match cell.parse::<f64>() {
                Ok(n) if i > 0 && j == 2 => sheet.write_number(i, j, n),
                _ if i == 0 => sheet.write_string_with_format(i, j, cell, &bold),
                _ => sheet.write_string(i, j, cell),
            }
            .map_err(fail)?;
        }
    }
    sheet.set_column_width(0, 28).map_err(fail)?;
    sheet.set_column_width(1, 48).map_err(fail)?;
    sheet.set_column_width(2, 14).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(5.0));
        assert_eq!(percentile(&v, 90.0), Some(9.0));
        assert_eq!(percentile(&[3.0], 90.0), Some(3.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn a_period_over_two_years_is_refused() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(ReportFilter::new(d(2027, 1, 1), d(2028, 12, 31), None, None, None).is_ok());
        let e = ReportFilter::new(d(2027, 1, 1), d(2029, 1, 1), None, None, None).unwrap_err();
        assert_eq!(e.field(), Some("to"));
        assert!(ReportFilter::new(d(2027, 2, 1), d(2027, 1, 1), None, None, None).is_err());
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("Sở Tài chính"), "Sở Tài chính");
        assert_eq!(csv_field("Họp \"A\", B"), "\"Họp \"\"A\"\", B\"");
    }

    #[test]
    fn csv_fields_never_start_a_formula() {
        assert_eq!(csv_field("=1+2"), "'=1+2");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("+84 912"), "'+84 912");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field("-2.5"), "-2.5");
    }
}
