//! The public holidays of Labour Code 2019, article 112, clause 1, solar and lunar.

use super::lunar::{lunar_to_solar, LunarDate};
use chrono::{Datelike, Days, NaiveDate};

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
/// Compensatory days off for holidays falling on a weekend are not included.
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
        let _ = public_holidays(i32::MIN);
        let _ = lunar_to_solar(lunar(1, 12, i32::MAX, false));
    }
}
