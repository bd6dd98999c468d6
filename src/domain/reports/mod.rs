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

mod day_row;
mod days;
mod export;
mod period;
mod sql;
mod tally;

use day_row::*;
pub use days::DayCache;
use days::*;
pub use export::{rows, to_csv, to_xlsx};
use period::*;
use sql::*;
pub use tally::percentile;
use tally::*;

use crate::domain::workflow::status_label_vi as status_vi;
use crate::i18n::vietnamese;

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::documents;
use crate::domain::settings::Settings;
use crate::domain::working_days::{self, Calendar};
use crate::{Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use entity::{meeting, occurrence, MeetingKind, MeetingStatus};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryResult, QuerySelect,
    RelationTrait, Statement, TransactionTrait,
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
            return Err(Error::invalid(
                "to",
                "msg.reports.the_end_date_must_not_be_before",
            ));
        }
        let limit = from
            .checked_add_months(chrono::Months::new(MAX_MONTHS))
            .unwrap_or(from);
        if to >= limit {
            return Err(Error::invalid(
                "to",
                "msg.reports.a_report_covers_at_most_2_years",
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

    pub(super) fn start(&self) -> DateTime<Utc> {
        local_midnight(self.from)
    }

    pub(super) fn end(&self) -> DateTime<Utc> {
        local_midnight(self.to.succ_opt().unwrap_or(self.to))
    }
}

pub(super) fn local_midnight(d: NaiveDate) -> DateTime<Utc> {
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

pub(super) fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

pub(super) fn month_end(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

/// The office's name of a kind of meeting, from the locale files: a report's labels are in
/// Vietnamese, the language the office reports in (the page translates them by their key).
pub fn kind_vi(k: MeetingKind) -> String {
    vietnamese(&format!("kind.{}", k.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_over_two_years_is_refused() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(ReportFilter::new(d(2027, 1, 1), d(2028, 12, 31), None, None, None).is_ok());
        let e = ReportFilter::new(d(2027, 1, 1), d(2029, 1, 1), None, None, None).unwrap_err();
        assert_eq!(e.field(), Some("to"));
        assert!(ReportFilter::new(d(2027, 2, 1), d(2027, 1, 1), None, None, None).is_err());
    }
}
