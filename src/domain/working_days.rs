//! The office's calendar: which days are working days, and which closures apply to a day.
//!
//! A working day is Monday to Friday, except the public holidays of Labour Code 2019, art. 112
//! and the compensatory days off for those falling on a weekend (computed, lunar ones included,
//! see [`crate::domain::holidays::days_off`]) and the office-wide closures
//! (`closure` rows without a room: substitute days off, nghỉ bù); plus the make-up working days
//! the government declares (`working_day_exception`, làm bù), even on a Saturday.
//! Used for late registration and document deadlines, and by find-a-time.

use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::holidays::{self, Holiday, NationalDaySecond};
use crate::domain::settings::Settings;
use crate::Result;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use entity::{closure, national_day_choice, ClosureKind};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use std::collections::{HashMap, HashSet};

/// The administrator's choices of the second National Day day, by year.
pub fn national_days(
    rows: impl IntoIterator<Item = national_day_choice::Model>,
) -> HashMap<i32, NationalDaySecond> {
    rows.into_iter()
        .filter_map(|r| Some((r.year, NationalDaySecond::from_day(r.second_day as u32)?)))
        .collect()
}

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
    /// The second National Day day of the years the administrator chose it (1/9 otherwise).
    national: HashMap<i32, NationalDaySecond>,
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
        let chosen = national_day_choice::Entity::find()
            .filter(national_day_choice::Column::Year.between(from.year(), to.year()))
            .all(db)
            .await?;
        Ok(Self::new(from, to, closures, worked).with_national_days(national_days(chosen)))
    }

    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        closures: Vec<closure::Model>,
        worked: HashSet<NaiveDate>,
    ) -> Self {
        Calendar {
            from,
            to,
            closures,
            worked,
            holidays: HashMap::new(),
            national: HashMap::new(),
        }
        .with_national_days(HashMap::new())
    }

    /// The calendar with the administrator's choice of the second National Day day per year.
    pub fn with_national_days(mut self, national: HashMap<i32, NationalDaySecond>) -> Self {
        self.national = national;
        self.holidays.clear();
        for year in self.from.year()..=self.to.year() {
            for h in holidays::days_off(year, self.national_second(year)) {
                self.holidays.entry(h.date).or_insert(h);
            }
        }
        self
    }

    fn national_second(&self, year: i32) -> NationalDaySecond {
        self.national.get(&year).copied().unwrap_or_default()
    }

    fn loaded(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// The public holiday or compensatory day off on `d` (computed), if any.
    pub fn holiday(&self, d: NaiveDate) -> Option<Holiday> {
        if self.loaded(d) {
            self.holidays.get(&d).cloned()
        } else {
            holidays::days_off(d.year(), self.national_second(d.year()))
                .into_iter()
                .find(|h| h.date == d)
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

/// Why a request for a meeting is late from a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateBecause {
    /// Fewer than `registration_lead_working_days` working days before: `deadline` was the last
    /// day to register.
    Lead { deadline: NaiveDate, lead: i64 },
    /// After the weekly cut-off (`cutoff_weekday`, `cutoff_time`) of the week before the meeting's
    /// week, when the schedule of that week is put together.
    Cutoff { at: DateTime<Utc> },
}

/// From which instant a request for a meeting on `day` is late, and why: the earlier of the
/// end of the lead-days deadline and the weekly cut-off of the week before. The one rule for
/// the conflict check, the dashboard and the reports. None when neither applies.
pub fn late_from(
    cal: &Calendar,
    day: NaiveDate,
    s: &Settings,
) -> Option<(DateTime<Utc>, LateBecause)> {
    let at = |d: NaiveDate, t: NaiveTime| clock::local_to_utc(OFFICE_TZ, d.and_time(t));
    let lead = s.registration_lead_working_days;
    let by_lead = (lead > 0).then(|| {
        let deadline = cal.deadline(day, lead);
        let from = at(deadline + Duration::days(1), NaiveTime::MIN);
        from.map(|f| (f, LateBecause::Lead { deadline, lead }))
    });
    let by_cutoff = (1..=7).contains(&s.cutoff_weekday).then(|| {
        let cutoff_day = clock::week_start(day) - Duration::days(7)
            + Duration::days(i64::from(s.cutoff_weekday) - 1);
        // Stored instants are whole seconds: the first late one is a second after the cut-off.
        at(cutoff_day, s.cutoff_time)
            .map(|c| (c + Duration::seconds(1), LateBecause::Cutoff { at: c }))
    });
    [by_lead.flatten(), by_cutoff.flatten()]
        .into_iter()
        .flatten()
        .min_by_key(|(from, _)| *from)
}

/// Whether a request submitted at `submitted` for a meeting on `day` is late (see [`late_from`]).
pub fn is_late(
    cal: &Calendar,
    day: NaiveDate,
    submitted: DateTime<Utc>,
    s: &Settings,
) -> Option<LateBecause> {
    late_from(cal, day, s)
        .filter(|(from, _)| submitted >= *from)
        .map(|(_, why)| why)
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

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        clock::local_to_utc(OFFICE_TZ, ymd(y, m, d).and_hms_opt(h, min, 0).unwrap()).unwrap()
    }

    #[test]
    fn compensatory_days_off_are_not_working_days_and_deadlines_skip_them() {
        let cal = Calendar::new(ymd(2026, 1, 1), ymd(2030, 12, 31), vec![], HashSet::new());
        for (d, working) in [
            (ymd(2026, 4, 27), false), // Giỗ Tổ on Sunday 26/04/2026
            (ymd(2026, 4, 28), true),
            (ymd(2027, 5, 3), false), // 1/5/2027 a Saturday
            (ymd(2027, 5, 4), true),
            (ymd(2028, 1, 3), false), // 1/1/2028 a Saturday
            (ymd(2028, 5, 2), false), // 30/4/2028 a Sunday, 1/5 a Monday
            (ymd(2028, 9, 4), false), // 2/9/2028 a Saturday
            (ymd(2029, 9, 3), false), // 1/9 and 2/9/2029 on the weekend
            (ymd(2029, 9, 4), false),
            (ymd(2029, 9, 5), true),
            (ymd(2030, 9, 3), false), // 1/9/2030 a Sunday
        ] {
            assert_eq!(cal.is_working_day(d), working, "{d}");
        }
        assert_eq!(
            cal.holiday(ymd(2026, 4, 27)).unwrap().name_vi,
            "Nghỉ bù Giỗ Tổ Hùng Vương"
        );
        // A meeting on Thursday 30/04/2026 is itself a holiday; one on Wednesday 29/04 with 3
        // working days: 28, 24 (Friday), 23 → Thursday 23/04 (27/04 skipped).
        assert_eq!(cal.deadline(ymd(2026, 4, 29), 3), ymd(2026, 4, 23));
        // Tuesday 04/05/2027, 2 working days (30/04, 1–3/05 are off): 29 and 28/04.
        assert_eq!(cal.deadline(ymd(2027, 5, 4), 2), ymd(2027, 4, 28));
        // The administrator chose 3/9 for 2030: 2/9 Monday and 3/9 Tuesday are the holidays,
        // and Sunday 1/9 gives nothing.
        let chosen = cal
            .clone()
            .with_national_days([(2030, NationalDaySecond::Third)].into());
        assert!(!chosen.is_working_day(ymd(2030, 9, 3)));
        assert!(chosen.is_working_day(ymd(2030, 9, 4)));
        assert_eq!(
            chosen.holiday(ymd(2030, 9, 3)).unwrap().name_vi,
            "Quốc khánh"
        );
        // Outside the loaded range the same rules apply.
        let narrow = Calendar::new(ymd(2026, 1, 1), ymd(2026, 1, 31), vec![], HashSet::new());
        assert!(!narrow.is_working_day(ymd(2027, 5, 3)));
    }

    #[test]
    fn a_request_is_late_after_the_lead_deadline_or_the_weekly_cut_off() {
        let cal = Calendar::new(ymd(2026, 1, 1), ymd(2027, 12, 31), vec![], HashSet::new());
        let s = Settings::default(); // 2 working days; Thursday 16:00
                                     // A meeting on Wednesday 16/12/2026: the cut-off of its week is Thursday 10/12 16:00,
                                     // earlier than the lead deadline (Monday 14/12).
        let wed = ymd(2026, 12, 16);
        assert_eq!(
            late_from(&cal, wed, &s),
            Some((
                at(2026, 12, 10, 16, 0) + Duration::seconds(1),
                LateBecause::Cutoff {
                    at: at(2026, 12, 10, 16, 0)
                }
            ))
        );
        assert_eq!(is_late(&cal, wed, at(2026, 12, 10, 16, 0), &s), None);
        assert!(matches!(
            is_late(&cal, wed, at(2026, 12, 10, 16, 1), &s),
            Some(LateBecause::Cutoff { .. })
        ));
        // A meeting on Monday 14/12: the lead deadline is Thursday 10/12, whose end comes
        // after the cut-off at 16:00: the cut-off decides.
        assert!(is_late(&cal, ymd(2026, 12, 14), at(2026, 12, 10, 17, 0), &s).is_some());
        assert!(is_late(&cal, ymd(2026, 12, 14), at(2026, 12, 10, 15, 0), &s).is_none());
        // With the cut-off on Friday 23:59 the lead decides for a Monday meeting: deadline
        // Thursday 10/12, late from Friday 00:00.
        let friday = Settings {
            cutoff_weekday: 5,
            cutoff_time: NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
            ..Settings::default()
        };
        assert_eq!(
            is_late(&cal, ymd(2026, 12, 14), at(2026, 12, 11, 0, 0), &friday),
            Some(LateBecause::Lead {
                deadline: ymd(2026, 12, 10),
                lead: 2
            })
        );
        assert_eq!(
            is_late(&cal, ymd(2026, 12, 14), at(2026, 12, 10, 23, 0), &friday),
            None
        );
        // The week after 1/5/2027 (Monday 3/5 off): a meeting on Tuesday 4/5, lead 2 → 28/04.
        let no_cutoff = Settings {
            cutoff_weekday: 7,
            cutoff_time: NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
            ..Settings::default()
        };
        assert_eq!(
            is_late(&cal, ymd(2027, 5, 4), at(2027, 4, 29, 8, 0), &no_cutoff),
            Some(LateBecause::Lead {
                deadline: ymd(2027, 4, 28),
                lead: 2
            })
        );
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
