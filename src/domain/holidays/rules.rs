//! The public holidays of Labour Code 2019, article 112, clause 1, solar and lunar.

use super::lunar::{lunar_to_solar, LunarDate};
use chrono::{Datelike, Days, NaiveDate, Weekday};

/// One day off.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name_vi: &'static str,
    pub name_en: &'static str,
}

// ---------------------------------------------------------------------------
// Public holidays
// ---------------------------------------------------------------------------

const NEW_YEAR: (&str, &str) = ("Tết Dương lịch", "New Year's Day");
const TET: (&str, &str) = ("Tết Nguyên đán", "Lunar New Year (Tết)");
const HUNG_KINGS: (&str, &str) = ("Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day");
const VICTORY: (&str, &str) = ("Ngày Chiến thắng", "Victory Day (Reunification Day)");
const LABOUR: (&str, &str) = ("Ngày Quốc tế Lao động", "International Labour Day");
const NATIONAL: (&str, &str) = ("Quốc khánh", "National Day");

/// The public holidays (days off with full pay) of Labour Code 2019, article
/// 112, clause 1, that fall in solar year `year`, sorted by date (11 days):
///
/// * Tết Dương lịch: 1 January.
/// * Tết Nguyên đán, 5 days: the last day of the old lunar year (29 or 30 of
///   month 12, or of a leap month 12, as computed) and lunar 1/1 to 4/1 of the
///   new year. The law lets the Prime Minister fix the 5 days each year; this
///   "1 day before + 4 days after" split is the usual arrangement. The
///   government may also swap working days around holidays (nghỉ bù, hoán đổi
///   ngày làm việc); such decisions are not computed here, offices enter them as
///   closures.
/// * Giỗ Tổ Hùng Vương: 10 of lunar month 3 (the regular month 3, not a leap
///   month 3).
/// * Ngày Chiến thắng: 30 April.
/// * Ngày Quốc tế Lao động: 1 May.
/// * Quốc khánh: 2 September plus one adjacent day chosen by the government
///   each year (1 or 3 September); we take 1 September by default.
///
/// Compensatory days off for holidays falling on a weekend are not included: see [`days_off`].
/// If two holidays fall on the same date, both entries are kept (in 1901–2199
/// this happens only in 1947, when Giỗ Tổ fell on 30 April).
pub fn public_holidays(year: i32) -> Vec<Holiday> {
    let mut out = Vec::with_capacity(12);
    let mut add = |date: Option<NaiveDate>, (name_vi, name_en): (&'static str, &'static str)| {
        if let Some(date) = date.filter(|d| d.year() == year) {
            out.push(Holiday {
                date,
                name_vi,
                name_en,
            });
        }
    };
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);

    add(ymd(1, 1), NEW_YEAR);
    // Tết always starts between 21 Jan and 20 Feb, so only lunar year `year`
    // contributes; neighbours are generated anyway and filtered, which costs
    // nothing and keeps this correct without relying on that fact.
    for ly in [year.checked_sub(1), Some(year), year.checked_add(1)]
        .into_iter()
        .flatten()
    {
        let lunar = |day, month| LunarDate {
            day,
            month,
            year: ly,
            leap: false,
        };
        if let Some(tet) = lunar_to_solar(lunar(1, 1)) {
            add(tet.pred_opt(), TET); // last day of the old lunar year
            for n in 0..4 {
                add(tet.checked_add_days(Days::new(n)), TET);
            }
        }
        add(lunar_to_solar(lunar(10, 3)), HUNG_KINGS);
    }
    add(ymd(4, 30), VICTORY);
    add(ymd(5, 1), LABOUR);
    add(ymd(9, 1), NATIONAL);
    add(ymd(9, 2), NATIONAL);

    out.sort_by_key(|h| h.date); // stable: coinciding holidays keep a fixed order
    out
}

/// The public holiday on `date`, if it is one (the first listed, should two
/// coincide).
pub fn is_public_holiday(date: NaiveDate) -> Option<Holiday> {
    public_holidays(date.year())
        .into_iter()
        .find(|h| h.date == date)
}

/// The day next to 2 September that the government gives off in a year: 1 or 3 September.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NationalDaySecond {
    #[default]
    First,
    Third,
}

impl NationalDaySecond {
    /// From the day of September (1 or 3).
    pub fn from_day(day: u32) -> Option<Self> {
        match day {
            1 => Some(Self::First),
            3 => Some(Self::Third),
            _ => None,
        }
    }

    pub fn day(self) -> u32 {
        match self {
            Self::First => 1,
            Self::Third => 3,
        }
    }
}

const COMPENSATION: [(&str, &str); 6] = [
    (
        "Nghỉ bù Tết Dương lịch",
        "Day off in lieu of New Year's Day",
    ),
    (
        "Nghỉ bù Giỗ Tổ Hùng Vương",
        "Day off in lieu of Hung Kings' Commemoration Day",
    ),
    ("Nghỉ bù Ngày Chiến thắng", "Day off in lieu of Victory Day"),
    (
        "Nghỉ bù Ngày Quốc tế Lao động",
        "Day off in lieu of International Labour Day",
    ),
    ("Nghỉ bù Quốc khánh", "Day off in lieu of National Day"),
    ("Nghỉ bù", "Day off in lieu"),
];

fn compensation_name(of: &Holiday) -> (&'static str, &'static str) {
    let i = [NEW_YEAR, HUNG_KINGS, VICTORY, LABOUR, NATIONAL]
        .iter()
        .position(|(vi, _)| *vi == of.name_vi)
        .unwrap_or(COMPENSATION.len() - 1);
    COMPENSATION[i]
}

fn weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Every day off of solar year `year` by law, sorted by date: the public holidays of
/// [`public_holidays`] with the National Day's second day as chosen (`national`), plus the
/// compensatory days off (nghỉ bù) of Labour Code 2019, art. 111 clause 3 and art. 112: a fixed
/// holiday (1/1, Giỗ Tổ, 30/4, 1/5, the two National Day days) falling on a Saturday or Sunday
/// gives the next working day off; when several do, the next ones in turn (30/4 and 1/5 of
/// 2033 on a weekend: 2 and 3 May). Tết's days follow the government's decision of each year
/// and give no computed compensation (offices enter that decision as closures).
pub fn days_off(year: i32, national: NationalDaySecond) -> Vec<Holiday> {
    let mut out = public_holidays(year);
    if national == NationalDaySecond::Third {
        let first = NaiveDate::from_ymd_opt(year, 9, 1);
        let third = NaiveDate::from_ymd_opt(year, 9, 3);
        for h in out.iter_mut() {
            if Some(h.date) == first && h.name_vi == NATIONAL.0 {
                h.date = third.unwrap_or(h.date);
            }
        }
        out.sort_by_key(|h| h.date);
    }
    let taken = |out: &[Holiday], d: NaiveDate| out.iter().any(|h| h.date == d);
    let on_weekend: Vec<Holiday> = out
        .iter()
        .filter(|h| h.name_vi != TET.0 && weekend(h.date))
        .cloned()
        .collect();
    for h in on_weekend {
        let mut d = h.date;
        // A few days at most: the holidays of one season are fewer than a week's working days.
        for _ in 0..14 {
            let Some(next) = d.succ_opt() else { break };
            d = next;
            if !weekend(d) && !taken(&out, d) {
                let (name_vi, name_en) = compensation_name(&h);
                out.push(Holiday {
                    date: d,
                    name_vi,
                    name_en,
                });
                break;
            }
        }
    }
    out.retain(|h| h.date.year() == year);
    out.sort_by_key(|h| h.date);
    out
}

#[cfg(test)]
mod tests {
    use super::super::lunar::solar_to_lunar;
    use super::super::lunar::tests::{lunar, ymd};
    use super::*;

    #[test]
    fn holidays_2026() {
        let h = public_holidays(2026);
        let dates: Vec<NaiveDate> = h.iter().map(|h| h.date).collect();
        assert_eq!(
            dates,
            vec![
                ymd(2026, 1, 1),
                ymd(2026, 2, 16),
                ymd(2026, 2, 17),
                ymd(2026, 2, 18),
                ymd(2026, 2, 19),
                ymd(2026, 2, 20),
                ymd(2026, 4, 26),
                ymd(2026, 4, 30),
                ymd(2026, 5, 1),
                ymd(2026, 9, 1),
                ymd(2026, 9, 2),
            ]
        );
        // The eve is computed, not assumed: it is the last day of lunar 12/2025.
        let eve = solar_to_lunar(ymd(2026, 2, 16));
        assert_eq!((eve.month, eve.year, eve.leap), (12, 2025, false));
        assert!(eve.day == 29 || eve.day == 30);
        assert_eq!(solar_to_lunar(ymd(2026, 2, 17)), lunar(1, 1, 2026, false));

        let names: Vec<&str> = h.iter().map(|h| h.name_vi).collect();
        assert_eq!(
            names,
            vec![
                "Tết Dương lịch",
                "Tết Nguyên đán",
                "Tết Nguyên đán",
                "Tết Nguyên đán",
                "Tết Nguyên đán",
                "Tết Nguyên đán",
                "Giỗ Tổ Hùng Vương",
                "Ngày Chiến thắng",
                "Ngày Quốc tế Lao động",
                "Quốc khánh",
                "Quốc khánh",
            ]
        );
    }

    #[test]
    fn is_public_holiday_lookup() {
        assert_eq!(
            is_public_holiday(ymd(2026, 2, 16)).unwrap().name_vi,
            "Tết Nguyên đán"
        );
        assert_eq!(
            is_public_holiday(ymd(2026, 4, 26)).unwrap().name_vi,
            "Giỗ Tổ Hùng Vương"
        );
        assert_eq!(
            is_public_holiday(ymd(2026, 9, 1)).unwrap().name_en,
            "National Day"
        );
        assert_eq!(is_public_holiday(ymd(2026, 2, 21)), None);
        assert_eq!(is_public_holiday(ymd(2026, 2, 15)), None);
        assert_eq!(is_public_holiday(ymd(2026, 12, 31)), None);
    }

    #[test]
    fn holidays_every_year_sane() {
        for y in 1901..=2199 {
            let h = public_holidays(y);
            assert_eq!(h.len(), 11, "{y}");
            assert!(h.windows(2).all(|w| w[0].date <= w[1].date), "{y}");
            assert!(h.iter().all(|d| d.date.year() == y), "{y}");
            // Tết eve is day 29 or 30 of the last month of the old year.
            let eve = h
                .iter()
                .find(|d| d.name_vi == "Tết Nguyên đán")
                .unwrap()
                .date;
            let l = solar_to_lunar(eve);
            assert!(
                l.month == 12 && (l.day == 29 || l.day == 30) && l.year == y - 1,
                "{y}: {l:?}"
            );
            assert_eq!(
                solar_to_lunar(eve.succ_opt().unwrap()),
                lunar(1, 1, y, false)
            );
        }
    }

    fn compensations(year: i32, national: NationalDaySecond) -> Vec<(NaiveDate, &'static str)> {
        days_off(year, national)
            .into_iter()
            .filter(|h| h.name_vi.starts_with("Nghỉ bù"))
            .map(|h| (h.date, h.name_vi))
            .collect()
    }

    #[test]
    fn holidays_on_a_weekend_give_the_next_working_days_off_2026_to_2030() {
        use NationalDaySecond::{First, Third};
        // Giỗ Tổ 26/04/2026 is a Sunday: Monday 27/04 off.
        assert_eq!(
            compensations(2026, First),
            [(ymd(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương")]
        );
        // 01/05/2027 is a Saturday: Monday 03/05 off.
        assert_eq!(
            compensations(2027, First),
            [(ymd(2027, 5, 3), "Nghỉ bù Ngày Quốc tế Lao động")]
        );
        // 2028: 1/1 a Saturday; 30/4 a Sunday and 1/5 (Monday) a holiday itself, so Tuesday
        // 2/5; 2/9 a Saturday (1/9 a Friday) gives Monday 4/9.
        assert_eq!(
            compensations(2028, First),
            [
                (ymd(2028, 1, 3), "Nghỉ bù Tết Dương lịch"),
                (ymd(2028, 5, 2), "Nghỉ bù Ngày Chiến thắng"),
                (ymd(2028, 9, 4), "Nghỉ bù Quốc khánh"),
            ]
        );
        // 2029: 1/9 a Saturday and 2/9 a Sunday: Monday 3 and Tuesday 4 September; with 3/9
        // chosen (a Monday, a holiday), 2/9 gives Tuesday 4/9 alone.
        assert_eq!(
            compensations(2029, First),
            [
                (ymd(2029, 9, 3), "Nghỉ bù Quốc khánh"),
                (ymd(2029, 9, 4), "Nghỉ bù Quốc khánh"),
            ]
        );
        assert_eq!(
            compensations(2029, Third),
            [(ymd(2029, 9, 4), "Nghỉ bù Quốc khánh")]
        );
        let third: Vec<NaiveDate> = days_off(2029, Third)
            .into_iter()
            .filter(|h| h.date.month() == 9)
            .map(|h| h.date)
            .collect();
        assert_eq!(third, [ymd(2029, 9, 2), ymd(2029, 9, 3), ymd(2029, 9, 4)]);
        // 2030: 1/9 a Sunday, 2/9 a Monday: Tuesday 3/9; with 3/9 chosen, nothing to compensate.
        assert_eq!(
            compensations(2030, First),
            [(ymd(2030, 9, 3), "Nghỉ bù Quốc khánh")]
        );
        assert_eq!(compensations(2030, Third), []);
        // Both 30/4 and 1/5 on a weekend (2033): two days follow.
        assert_eq!(
            compensations(2033, First)
                .into_iter()
                .map(|(d, _)| d)
                .filter(|d| d.month() == 5)
                .collect::<Vec<_>>(),
            [ymd(2033, 5, 2), ymd(2033, 5, 3)]
        );
    }

    #[test]
    fn far_dates_do_not_panic() {
        for d in [
            ymd(1, 1, 1),
            ymd(1500, 6, 1),
            ymd(3000, 6, 1),
            NaiveDate::MIN,
            NaiveDate::MAX,
        ] {
            let l = solar_to_lunar(d);
            let _ = lunar_to_solar(l);
        }
        let _ = public_holidays(i32::MAX);
        let _ = days_off(i32::MAX, NationalDaySecond::Third);
        let _ = days_off(i32::MIN, NationalDaySecond::First);
        let _ = public_holidays(i32::MIN);
        let _ = lunar_to_solar(lunar(1, 12, i32::MAX, false));
    }
}
