//! Vietnamese lunar calendar (âm lịch) and Vietnamese public holidays.
//!
//! # Lunar calendar
//!
//! The Vietnamese lunisolar calendar uses the same rules as the Chinese one, but
//! every "which day does this event fall on" question is answered in Vietnam's
//! time zone, UTC+7 (meridian 105°E), instead of UTC+8 (120°E). When a new moon or
//! the winter solstice happens between 16:00 and 17:00 UTC, the local day differs
//! between the two calendars, and so can whole months: Tết 1985 is 1985-01-21 in
//! Vietnam but 1985-02-20 in China, Tết 2007 is 2007-02-17 vs 2007-02-18.
//!
//! Rules implemented here:
//! * a lunar month starts on the local (UTC+7) day that contains the new moon;
//! * month 11 is the month containing the winter solstice (apparent solar
//!   longitude 270°);
//! * if there are 13 new moons from one month 11 to the next, the first month
//!   after month 11 that contains no major solar term (solar longitude a multiple
//!   of 30°) is a leap month and takes the number of the month before it.
//!
//! Astronomy (our own implementation of published formulas):
//! * new moons: Meeus, *Astronomical Algorithms*, ch. 49 (mean phase plus the
//!   periodic and planetary corrections), accurate to well under a minute;
//! * the Sun's apparent longitude: truncated VSOP87 series for the Earth (the
//!   main terms of Meeus' Appendix III), plus FK5 correction, nutation and
//!   aberration, accurate to a few arc-seconds (i.e. well under a minute of time);
//! * ΔT (TT − UT): Espenak & Meeus polynomials. After ~2030 ΔT is a forecast, so
//!   for the 22nd century event times carry an uncertainty of a few minutes.
//!
//! Cross-checked (outside this crate) against a DE421 ephemeris for 1900–2049
//! and PyEphem for 1900–2200: every month start and leap month agrees. The
//! remaining risk is events within a minute or so of local midnight: the new
//! moon of 1967-07-07 23:59:59 (UTC+7, by DE421) and, because ΔT must be
//! forecast, 2050+ cases such as Tết 2175 (new moon ~23:59:36 on 22 Jan) and
//! Tết 2199 (~23:58 on 26 Jan); those days can shift by one when reality is known.
//!
//! Supported range: solar years 1900–2199 (the results are cached for that range).
//! Other years use the same formulas uncached; their accuracy degrades slowly the
//! further one goes, but nothing panics.
//!
//! Note: this computes the calendar for UTC+7 throughout, as the modern
//! Vietnamese calendar does; historical calendars printed in Vietnam before
//! 1968 were not always computed for UTC+7.
//!
//! # Public holidays
//!
//! [`public_holidays`] lists the days off of Labour Code 2019 (Bộ luật Lao động
//! 2019), article 112, clause 1. See its documentation for the conventions used.
//! [`days_off`] adds the compensatory days off (nghỉ bù) for fixed holidays falling on a
//! weekend, with the second National Day day as chosen for the year.
//!
//! # Files
//!
//! `astronomy.rs` (day numbers, the Sun, the Moon), `lunar.rs` (the lunar calendar and the
//! conversions), `rules.rs` (the public holidays).

mod astronomy;
mod lunar;
mod rules;

pub use lunar::{lunar_to_solar, solar_to_lunar, LunarDate};
pub use rules::{days_off, is_public_holiday, public_holidays, Holiday, NationalDaySecond};
