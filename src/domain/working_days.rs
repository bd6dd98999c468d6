//! The office's calendar: which days are working days, and which closures apply to a day.
//!
//! A working day is Monday to Friday, except the public holidays of Labour Code 2019, art. 112
//! (computed, lunar ones included, see [`crate::domain::holidays`]) and the office-wide closures
//! (`closure` rows without a room: substitute days off, nghỉ bù); plus the make-up working days
//! the government declares (`working_day_exception`, làm bù), even on a Saturday.
//! Used for late registration and document deadlines, and by find-a-time.

use crate::domain::holidays::{self, Holiday};
use crate::Result;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use entity::{closure, ClosureKind};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::collections::{HashMap, HashSet};

/// The calendar over a range of dates, loaded once (two indexed queries), then answered in memory.
/// Outside the loaded range only the computed rules (weekends, public holidays) apply.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    from: NaiveDate,
    to: NaiveDate,
    /// Every closure overlapping the range: office-wide (room_id None) and of one room.
    pub closures: Vec<closure::Model>,
    worked: HashSet<NaiveDate>,
    holidays: HashMap<NaiveDate, Holiday>,
}

impl Calendar {
    /// Loads closures and make-up working days overlapping `from..=to`, in one statement: the
    /// closures, then the make-up days as rows without an id.
    pub async fn load<C: ConnectionTrait>(db: &C, from: NaiveDate, to: NaiveDate) -> Result<Self> {
        let backend = db.get_database_backend();
        let (a, b) = match backend {
            DbBackend::Postgres => ("$1", "$2"),
            _ => ("?1", "?2"),
        };
        let sql = format!(
            "SELECT id, starts_on, ends_on, room_id, kind, reason, created_by, created_at \
             FROM closure WHERE starts_on <= {b} AND ends_on >= {a} \
             UNION ALL SELECT NULL, on_date, on_date, NULL, NULL, NULL, NULL, NULL \
             FROM working_day_exception WHERE on_date >= {a} AND on_date <= {b}"
        );
        let stmt = Statement::from_sql_and_values(backend, sql, [from.into(), to.into()]);
        let mut closures = Vec::new();
        let mut worked = HashSet::new();
        for row in db.query_all_raw(stmt).await? {
            let starts_on: NaiveDate = row.try_get("", "starts_on")?;
            let Some(id) = row.try_get::<Option<i32>>("", "id")? else {
                worked.insert(starts_on);
                continue;
            };
            let kind: String = row.try_get("", "kind")?;
            closures.push(closure::Model {
                id,
                starts_on,
                ends_on: row.try_get("", "ends_on")?,
                room_id: row.try_get("", "room_id")?,
                kind: ClosureKind::from_code(&kind).unwrap_or(ClosureKind::Other),
                reason: row.try_get("", "reason")?,
                created_by: row.try_get("", "created_by")?,
                created_at: row.try_get("", "created_at")?,
            });
        }
        Ok(Self::new(from, to, closures, worked))
    }

    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        closures: Vec<closure::Model>,
        worked: HashSet<NaiveDate>,
    ) -> Self {
        let mut holidays = HashMap::new();
        for year in from.year()..=to.year() {
            for h in holidays::public_holidays(year) {
                holidays.entry(h.date).or_insert(h);
            }
        }
        Calendar {
            from,
            to,
            closures,
            worked,
            holidays,
        }
    }

    fn loaded(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// The public holiday on `d` (computed), if any.
    pub fn holiday(&self, d: NaiveDate) -> Option<Holiday> {
        if self.loaded(d) {
            self.holidays.get(&d).cloned()
        } else {
            holidays::is_public_holiday(d)
        }
    }

    /// A make-up working day declared by the government (làm bù).
    pub fn is_make_up_day(&self, d: NaiveDate) -> bool {
        self.worked.contains(&d)
    }

    /// Closures in force on `d` for `room` (its own, and the office-wide ones); with `room`
    /// None, only the office-wide ones.
    pub fn closures_on(
        &self,
        d: NaiveDate,
        room: Option<i32>,
    ) -> impl Iterator<Item = &closure::Model> {
        self.closures.iter().filter(move |c| {
            c.starts_on <= d
                && d <= c.ends_on
                && (c.room_id.is_none() || c.room_id == room && room.is_some())
        })
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.is_make_up_day(d) {
            return true;
        }
        if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            return false;
        }
        self.holiday(d).is_none() && self.closures_on(d, None).next().is_none()
    }

    /// The last day by which something due `lead` working days before `day` must happen:
    /// there are `lead` working days from the deadline (inclusive) to `day` (exclusive).
    /// E.g. a meeting on Thursday with a lead of 3 has its deadline on Monday.
    pub fn deadline(&self, day: NaiveDate, lead: i64) -> NaiveDate {
        let mut d = day;
        let mut found = 0;
        // A year of days back is far beyond any allowed lead (60 working days).
        for _ in 0..400 {
            if found >= lead {
                break;
            }
            d -= Duration::days(1);
            if self.is_working_day(d) {
                found += 1;
            }
        }
        d
    }

    /// Working days from `from` (inclusive) to `to` (exclusive).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        from.iter_days()
            .take_while(|d| *d < to)
            .filter(|d| self.is_working_day(*d))
            .count() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn office_closure(from: NaiveDate, to: NaiveDate) -> closure::Model {
        closure::Model {
            id: 1,
            starts_on: from,
            ends_on: to,
            room_id: None,
            kind: ClosureKind::Holiday,
            reason: "Nghỉ bù".into(),
            created_by: None,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn weekends_holidays_and_closures_are_not_working_days() {
        let cal = Calendar::new(
            ymd(2027, 1, 1),
            ymd(2027, 12, 31),
            vec![office_closure(ymd(2027, 2, 11), ymd(2027, 2, 11))],
            [ymd(2027, 2, 13)].into(),
        );
        assert!(!cal.is_working_day(ymd(2027, 1, 1))); // Tết Dương lịch
        assert!(cal.is_working_day(ymd(2027, 1, 4))); // Monday
        assert!(!cal.is_working_day(ymd(2027, 1, 9))); // Saturday
                                                       // Tết 2027: 5 Feb (last day of the lunar year) to 9 Feb.
        for d in 5..=9 {
            assert!(!cal.is_working_day(ymd(2027, 2, d)), "{d}");
        }
        assert!(!cal.is_working_day(ymd(2027, 2, 11))); // closure (nghỉ bù)
        assert!(cal.is_working_day(ymd(2027, 2, 13))); // Saturday made a working day
    }

    #[test]
    fn deadlines_count_working_days_back() {
        let cal = Calendar::new(ymd(2027, 1, 1), ymd(2027, 12, 31), vec![], HashSet::new());
        // Thursday 11 March 2027, 3 working days: Monday 8 March.
        assert_eq!(cal.deadline(ymd(2027, 3, 11), 3), ymd(2027, 3, 8));
        // Over a weekend: Tuesday 9 March → Thursday 4 March.
        assert_eq!(cal.deadline(ymd(2027, 3, 9), 3), ymd(2027, 3, 4));
        // Over Tết: Wednesday 10 Feb 2027 → 3 working days back skips 5–9 Feb.
        assert_eq!(cal.deadline(ymd(2027, 2, 10), 3), ymd(2027, 2, 2));
        assert_eq!(cal.deadline(ymd(2027, 3, 9), 0), ymd(2027, 3, 9));
        assert_eq!(
            cal.working_days_between(ymd(2027, 3, 8), ymd(2027, 3, 11)),
            3
        );
    }
}
