//! Reports and statistics the office sends upward ("572 cuộc họp, hội nghị; 31 đoàn khách nước
//! ngoài trong 9 tháng").
//!
//! Every figure counts **occurrences** whose start falls in the period (office-local dates,
//! `from` and `to` inclusive): a weekly series is one meeting in the register but counts once
//! per week it meets, as the office reports it. Room and chair are the occurrence's own (after a
//! single occurrence was moved). Counts come from one GROUP BY query; the figures that depend on
//! time (utilisation, late registration and documents) from one narrow row query, in Rust;
//! median and 90th percentile of the approval lead time are computed in Rust over the fetched
//! lead times (nearest-rank), because SQLite has no percentile function.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::documents;
use crate::domain::settings::Settings;
use crate::domain::working_days::Calendar;
use crate::{Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use entity::{
    agency, document, meeting, meeting_event, occurrence, person, room, MeetingKind, MeetingStatus,
};
use sea_orm::{
    ColumnTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, QueryTrait, RelationTrait,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
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
type Row = (
    i32,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<i32>,
    MeetingStatus,
    MeetingKind,
    Option<DateTime<Utc>>,
);

/// Computes the report (five queries, plus the small tables of names and the calendar).
pub async fn compute(db: &Db, f: &ReportFilter, settings: &Settings) -> Result<Report> {
    let conn = &db.conn;
    // 1. Counts by status × kind × agency × chair × room.
    let groups: Vec<Group> = occurrences_in(f)
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
        .all(conn)
        .await?;

    // 2. The occurrences that still stand, for time-dependent figures.
    let rows: Vec<Row> = occurrences_in(f)
        .column(occurrence::Column::MeetingId)
        .column(occurrence::Column::StartsAt)
        .column(occurrence::Column::EndsAt)
        .column(occurrence::Column::RoomId)
        .column(occurrence::Column::Status)
        .column(meeting::Column::Kind)
        .column(meeting::Column::SubmittedAt)
        .filter(occurrence::Column::Status.is_not_in([
            MeetingStatus::Cancelled,
            MeetingStatus::Rejected,
            MeetingStatus::Withdrawn,
        ]))
        .into_tuple()
        .all(conn)
        .await?;

    // The meetings covered: those with an occurrence in the report.
    let meeting_ids = occurrences_in(f)
        .column(occurrence::Column::MeetingId)
        .into_query();

    // 3. Approval lead times of the meetings covered.
    let decided: Vec<(DateTime<Utc>, DateTime<Utc>)> = meeting::Entity::find()
        .select_only()
        .column(meeting::Column::SubmittedAt)
        .column(meeting::Column::DecidedAt)
        .filter(meeting::Column::Id.in_subquery(meeting_ids.clone()))
        .filter(meeting::Column::SubmittedAt.is_not_null())
        .filter(meeting::Column::DecidedAt.is_not_null())
        .into_tuple()
        .all(conn)
        .await?;

    // 4. Reschedules of the meetings covered, whenever recorded (usually before the period).
    let reschedules: i64 = meeting_event::Entity::find()
        .select_only()
        .column_as(meeting_event::Column::Id.count(), "n")
        .filter(meeting_event::Column::MeetingId.in_subquery(meeting_ids.clone()))
        .filter(meeting_event::Column::Action.is_in(["reschedule", "reschedule_occurrence"]))
        .into_tuple()
        .one(conn)
        .await?
        .unwrap_or(0);

    // 5. First document upload of each regular meeting covered.
    let first_uploads: Vec<(i32, Option<DateTime<Utc>>)> = document::Entity::find()
        .select_only()
        .column(document::Column::MeetingId)
        .column_as(document::Column::UploadedAt.min(), "first")
        .filter(document::Column::MeetingId.in_subquery(meeting_ids))
        .group_by(document::Column::MeetingId)
        .into_tuple()
        .all(conn)
        .await?;
    let first_upload: HashMap<i32, NaiveDate> = first_uploads
        .into_iter()
        .filter_map(|(m, t)| t.map(|t| (m, clock::office_date(t))))
        .collect();

    let agencies: HashMap<i32, String> = agency::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let persons: HashMap<i32, String> = person::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.position, p.full_name)))
        .collect();
    let rooms: HashMap<i32, String> = room::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();

    // Counts by each dimension.
    let mut total = 0;
    let mut by_status: BTreeMap<&str, (String, i64)> = BTreeMap::new();
    let mut by_kind: BTreeMap<&str, (String, i64)> = BTreeMap::new();
    let mut by_agency: BTreeMap<i32, i64> = BTreeMap::new();
    let mut by_chair: BTreeMap<Option<i32>, i64> = BTreeMap::new();
    let mut by_room: BTreeMap<Option<i32>, i64> = BTreeMap::new();
    let mut cancellations = 0;
    for (status, kind, agency, chair, room, n) in groups {
        total += n;
        by_status
            .entry(status.code())
            .or_insert_with(|| (status_vi(status).into(), 0))
            .1 += n;
        by_kind
            .entry(kind.code())
            .or_insert_with(|| (kind_vi(kind).into(), 0))
            .1 += n;
        *by_agency.entry(agency).or_default() += n;
        *by_chair.entry(chair).or_default() += n;
        *by_room.entry(room).or_default() += n;
        if status == MeetingStatus::Cancelled {
            cancellations += n;
        }
    }
    let coded = |m: BTreeMap<&str, (String, i64)>| -> Vec<Count> {
        sorted(
            m.into_iter()
                .map(|(k, (label, count))| Count {
                    key: k.into(),
                    label,
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

    // Time-dependent figures over the standing occurrences.
    let cal_from = f.from - Duration::days(120);
    let calendar = Calendar::load(conn, cal_from, f.to).await?;
    let mut late_registrations = 0;
    let mut late_documents = 0;
    let today = clock::office_date(clock::now());
    let mut booked_week: BTreeMap<(i32, NaiveDate), i64> = BTreeMap::new();
    let mut booked_month: BTreeMap<(i32, NaiveDate), i64> = BTreeMap::new();
    for (meeting_id, starts, ends, room_id, status, kind, submitted) in &rows {
        let date = clock::office_date(*starts);
        if let Some(sub) = submitted {
            let lead = settings.registration_lead_working_days;
            if lead > 0 && clock::office_date(*sub) > calendar.deadline(date, lead) {
                late_registrations += 1;
            }
        }
        if documents::rule_applies(*kind) && *status != MeetingStatus::Draft {
            let due = calendar.deadline(date, settings.documents_lead_working_days);
            let late = match first_upload.get(meeting_id) {
                Some(d) => *d > due,
                None => today > due,
            };
            if late {
                late_documents += 1;
            }
        }
        if let (Some(room_id), MeetingStatus::Approved) = (room_id, status) {
            for (day, minutes) in office_minutes_of(*starts, *ends, settings) {
                if day < f.from || day > f.to || !calendar.is_working_day(day) {
                    continue;
                }
                *booked_week
                    .entry((*room_id, clock::week_start(day)))
                    .or_default() += minutes;
                *booked_month
                    .entry((*room_id, month_start(day)))
                    .or_default() += minutes;
            }
        }
    }
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

    let mut hours: Vec<f64> = decided
        .iter()
        .map(|(s, d)| (*d - *s).num_seconds() as f64 / 3600.0)
        .collect();
    hours.sort_by(|a, b| a.total_cmp(b));

    Ok(Report {
        filter: f.clone(),
        total,
        by_status: coded(by_status),
        by_kind: coded(by_kind),
        by_agency: by_id(
            by_agency.into_iter().map(|(k, v)| (Some(k), v)).collect(),
            &agencies,
            "",
        ),
        by_chair: by_id(by_chair, &persons, "Không có chủ trì"),
        by_room: by_id(by_room, &rooms, "Ngoài phòng họp"),
        utilisation_weekly: shares(booked_week, true),
        utilisation_monthly: shares(booked_month, false),
        lead_time: LeadTime {
            decided: hours.len(),
            median_hours: percentile(&hours, 50.0),
            p90_hours: percentile(&hours, 90.0),
        },
        late_registrations,
        late_documents,
        cancellations,
        reschedules,
    })
}

/// Largest count first, then by key: the order of a report's tables and charts.
fn sorted(mut v: Vec<Count>) -> Vec<Count> {
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

/// Nearest-rank percentile of sorted values, rounded to 2 decimals; None when empty.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    let v = sorted[rank.min(sorted.len()) - 1];
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
fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
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
}
