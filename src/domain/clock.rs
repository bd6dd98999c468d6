//! Time: the office's zone, and instants rounded the way the database stores them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Asia/Ho_Chi_Minh: UTC+7, no daylight saving.
pub const OFFICE_TZ: Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// Now, to the whole second: stored instants never carry fractions, so that their text form on
/// SQLite sorts in time order (the no-overlap triggers compare them as text).
pub fn now() -> DateTime<Utc> {
    whole_seconds(Utc::now())
}

pub fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

/// A local wall-clock time in `tz` as an instant; None when the time does not exist there
/// (a daylight-saving gap). An ambiguous time takes the earlier instant.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| whole_seconds(t.with_timezone(&Utc)))
}

/// The office-local date of an instant.
pub fn office_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&OFFICE_TZ).date_naive()
}

/// The Monday of the week holding `date` (weeks run Monday to Sunday).
pub fn week_start(date: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    date - chrono::Duration::days(date.weekday().num_days_from_monday() as i64)
}
