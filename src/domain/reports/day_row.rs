//! What the SQL knows of an office day besides its occurrences.

use super::*;

/// What the SQL knows of an office day besides its occurrences: its office hours (on a working
/// day), when the next day's hours begin, and the deadlines of the occurrences starting on it,
/// all worked out here from the office's calendar and settings. A day's kept figures hold the
/// row they were computed with, so a closure, a make-up day, new office hours or deadlines
/// compute again the days they change, and only those.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct DayRow {
    pub(super) day: NaiveDate,
    pub(super) open: Option<DateTime<Utc>>,
    pub(super) close: Option<DateTime<Utc>>,
    pub(super) spill_at: Option<DateTime<Utc>>,
    pub(super) reg_after: Option<DateTime<Utc>>,
    pub(super) doc_due: NaiveDate,
}

impl DayRow {
    pub(super) fn new(day: NaiveDate, calendar: &Calendar, s: &Settings) -> DayRow {
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
    pub(super) fn period(f: &ReportFilter, calendar: &Calendar, s: &Settings) -> Vec<DayRow> {
        f.from
            .iter_days()
            .take_while(|d| *d <= f.to)
            .map(|d| DayRow::new(d, calendar, s))
            .collect()
    }
}
