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

use chrono::{Datelike, Days, NaiveDate};
use std::sync::OnceLock;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// A date in the Vietnamese lunar calendar.
///
/// `year` is the lunar year, numbered like the solar year in which its month 1
/// begins (so lunar 1/1/2025 is 2025-01-29). `leap` marks a leap month (tháng
/// nhuận), which repeats the number of the month before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LunarDate {
    pub day: u32,
    pub month: u32,
    pub year: i32,
    pub leap: bool,
}

/// One day off.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name_vi: &'static str,
    pub name_en: &'static str,
}

// ---------------------------------------------------------------------------
// Day numbers
// ---------------------------------------------------------------------------

/// Vietnam's offset from UTC, as a fraction of a day.
const TZ_DAYS: f64 = 7.0 / 24.0;
/// Julian Day of 2000-01-01 12:00 TT (epoch J2000.0).
const J2000: f64 = 2_451_545.0;
/// Mean length of a lunation, days.
const SYNODIC_MONTH: f64 = 29.530_588_861;
/// chrono counts 0001-01-01 as day 1; its Julian Day Number is 1_721_426.
const JDN_MINUS_CE_DAYS: i64 = 1_721_425;

/// Julian Day Number (an integer day count) of a civil date. We do all calendar
/// arithmetic on these because month starts are whole local days.
fn jdn(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) + JDN_MINUS_CE_DAYS
}

fn from_jdn(j: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(j - JDN_MINUS_CE_DAYS).ok()?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

/// JDN of 31 December of `year`, without going through chrono (so that it works
/// for any i32 year; chrono's range is smaller).
fn jdn_dec31(year: i32) -> i64 {
    // Fliegel & Van Flandern's Gregorian-to-JDN formula for 1 January of the
    // next year (January counts as month 10 of a March-based year, which
    // belongs to the previous year), minus one day.
    let yy = i64::from(year) + 1 + 4800 - 1;
    let mm = 10;
    let jan1 = 1 + (153 * mm + 2) / 5 + 365 * yy + yy.div_euclid(4) - yy.div_euclid(100)
        + yy.div_euclid(400)
        - 32045;
    jan1 - 1
}

/// Julian Day (UT) of the local midnight that begins day `j` in UTC+7.
fn local_midnight(j: i64) -> f64 {
    j as f64 - 0.5 - TZ_DAYS
}

// ---------------------------------------------------------------------------
// ΔT
// ---------------------------------------------------------------------------

/// ΔT = TT − UT in days, from the Espenak & Meeus (2006) polynomials.
///
/// Why: both series below give instants in Terrestrial Time, but the calendar
/// needs civil (UT-based) days; ΔT is about a minute today.
fn delta_t_days(jd: f64) -> f64 {
    let y = 2000.0 + (jd - J2000) / 365.2425;
    let secs = if y < 1860.0 {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u
    } else if y < 1900.0 {
        let t = y - 1860.0;
        7.62 + 0.5737 * t - 0.251754 * t.powi(2) + 0.01680668 * t.powi(3) - 0.0004473624 * t.powi(4)
            + t.powi(5) / 233_174.0
    } else if y < 1920.0 {
        let t = y - 1900.0;
        -2.79 + 1.494119 * t - 0.0598939 * t.powi(2) + 0.0061966 * t.powi(3) - 0.000197 * t.powi(4)
    } else if y < 1941.0 {
        let t = y - 1920.0;
        21.20 + 0.84493 * t - 0.076100 * t.powi(2) + 0.0020936 * t.powi(3)
    } else if y < 1961.0 {
        let t = y - 1950.0;
        29.07 + 0.407 * t - t.powi(2) / 233.0 + t.powi(3) / 2547.0
    } else if y < 1986.0 {
        let t = y - 1975.0;
        45.45 + 1.067 * t - t.powi(2) / 260.0 - t.powi(3) / 718.0
    } else if y < 2005.0 {
        let t = y - 2000.0;
        63.86 + 0.3345 * t - 0.060374 * t.powi(2)
            + 0.0017275 * t.powi(3)
            + 0.000651814 * t.powi(4)
            + 0.00002373599 * t.powi(5)
    } else if y < 2050.0 {
        let t = y - 2000.0;
        62.92 + 0.32217 * t + 0.005589 * t.powi(2)
    } else if y < 2150.0 {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u - 0.5628 * (2150.0 - y)
    } else {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u
    };
    secs / 86_400.0
}

// ---------------------------------------------------------------------------
// Sun
// ---------------------------------------------------------------------------

/// (amplitude ×1e-8 rad, phase rad, frequency rad per Julian millennium)
type Vsop = [(f64, f64, f64)];

// Main terms of VSOP87 (heliocentric ecliptic longitude of the Earth). The
// dropped terms are below 25e-8 rad (~0.05"), far below what the calendar needs.
const EARTH_L0: &Vsop = &[
    (175_347_046.0, 0.0, 0.0),
    (3_341_656.0, 4.669_256_8, 6_283.075_85),
    (34_894.0, 4.626_10, 12_566.151_70),
    (3_497.0, 2.744_1, 5_753.384_9),
    (3_418.0, 2.828_9, 3.523_1),
    (3_136.0, 3.627_7, 77_713.771_5),
    (2_676.0, 4.418_1, 7_860.419_4),
    (2_343.0, 6.135_2, 3_930.209_7),
    (1_324.0, 0.742_5, 11_506.769_8),
    (1_273.0, 2.037_1, 529.691_0),
    (1_199.0, 1.109_6, 1_577.343_5),
    (990.0, 5.233, 5_884.927),
    (902.0, 2.045, 26.298),
    (857.0, 3.508, 398.149),
    (780.0, 1.179, 5_223.694),
    (753.0, 2.533, 5_507.553),
    (505.0, 4.583, 18_849.228),
    (492.0, 4.205, 775.523),
    (357.0, 2.920, 0.067),
    (317.0, 5.849, 11_790.629),
    (284.0, 1.899, 796.298),
    (271.0, 0.315, 10_977.079),
    (243.0, 0.345, 5_486.778),
    (206.0, 4.806, 2_544.314),
    (205.0, 1.869, 5_573.143),
    (202.0, 2.458, 6_069.777),
    (156.0, 0.833, 213.299),
    (132.0, 3.411, 2_942.463),
    (126.0, 1.083, 20.775),
    (115.0, 0.645, 0.980),
    (103.0, 0.636, 4_694.003),
    (102.0, 0.976, 15_720.839),
    (102.0, 4.267, 7.114),
    (99.0, 6.21, 2_146.17),
    (98.0, 0.68, 155.42),
    (86.0, 5.98, 161_000.69),
    (85.0, 1.30, 6_275.96),
    (85.0, 3.67, 71_430.70),
    (80.0, 1.81, 17_260.15),
    (79.0, 3.04, 12_036.46),
    (75.0, 1.76, 5_088.63),
    (74.0, 3.50, 3_154.69),
    (74.0, 4.68, 801.82),
    (70.0, 0.83, 9_437.76),
    (62.0, 3.98, 8_827.39),
    (61.0, 1.82, 7_084.90),
    (57.0, 2.78, 6_286.60),
    (56.0, 4.39, 14_143.50),
    (56.0, 3.47, 6_279.55),
    (52.0, 0.19, 12_139.55),
    (52.0, 1.33, 1_748.02),
    (51.0, 0.28, 5_856.48),
    (49.0, 0.49, 1_194.45),
    (41.0, 5.37, 8_429.24),
    (41.0, 2.40, 19_651.05),
    (39.0, 6.17, 10_447.39),
    (37.0, 6.04, 10_213.29),
    (37.0, 2.57, 1_059.38),
    (36.0, 1.71, 2_352.87),
    (36.0, 1.78, 6_812.77),
    (33.0, 0.59, 17_789.85),
    (30.0, 0.44, 83_996.85),
    (30.0, 2.74, 1_349.87),
    (25.0, 3.16, 4_690.48),
];
const EARTH_L1: &Vsop = &[
    (628_331_966_747.0, 0.0, 0.0),
    (206_059.0, 2.678_235, 6_283.075_85),
    (4_303.0, 2.635_1, 12_566.151_7),
    (425.0, 1.590, 3.523),
    (119.0, 5.796, 26.298),
    (109.0, 2.966, 1_577.344),
    (93.0, 2.59, 18_849.23),
    (72.0, 1.14, 529.69),
    (68.0, 1.87, 398.15),
    (67.0, 4.41, 5_507.55),
    (59.0, 2.89, 5_223.69),
    (56.0, 2.17, 155.42),
    (45.0, 0.40, 796.30),
    (36.0, 0.47, 775.52),
    (29.0, 2.65, 7.11),
    (21.0, 5.34, 0.98),
    (19.0, 1.85, 5_486.78),
    (19.0, 4.97, 213.30),
    (17.0, 2.99, 6_275.96),
    (16.0, 0.03, 2_544.31),
    (16.0, 1.43, 2_146.17),
    (15.0, 1.21, 10_977.08),
    (12.0, 2.83, 1_748.02),
    (12.0, 3.26, 5_088.63),
    (12.0, 5.27, 1_194.45),
    (12.0, 2.08, 4_694.00),
    (11.0, 0.77, 553.57),
    (10.0, 1.30, 6_286.60),
    (10.0, 4.24, 1_349.87),
    (9.0, 2.70, 242.73),
    (9.0, 5.64, 951.72),
    (8.0, 5.30, 2_352.87),
    (6.0, 2.65, 9_437.76),
    (6.0, 4.67, 4_690.48),
];
const EARTH_L2: &Vsop = &[
    (52_919.0, 0.0, 0.0),
    (8_720.0, 1.072_1, 6_283.075_8),
    (309.0, 0.867, 12_566.152),
    (27.0, 0.05, 3.52),
    (16.0, 5.19, 26.30),
    (16.0, 3.68, 155.42),
    (10.0, 0.76, 18_849.23),
    (9.0, 2.06, 77_713.77),
    (7.0, 0.83, 775.52),
    (5.0, 4.66, 1_577.34),
    (4.0, 1.03, 7.11),
    (4.0, 3.44, 5_573.14),
    (3.0, 5.14, 796.30),
    (3.0, 6.05, 5_507.55),
    (3.0, 1.19, 242.73),
    (3.0, 6.12, 529.69),
    (3.0, 0.31, 398.15),
    (3.0, 2.28, 553.57),
    (2.0, 4.38, 5_223.69),
    (2.0, 3.75, 0.98),
];
const EARTH_L3: &Vsop = &[
    (289.0, 5.844, 6_283.076),
    (35.0, 0.0, 0.0),
    (17.0, 5.49, 12_566.15),
    (3.0, 5.20, 155.42),
    (1.0, 4.72, 3.52),
    (1.0, 5.30, 18_849.23),
    (1.0, 5.97, 242.73),
];
// 3.142 / 3.14 are the table's rounded phases, not π: keep them as published.
#[allow(clippy::approx_constant)]
const EARTH_L4: &Vsop = &[
    (114.0, 3.142, 0.0),
    (8.0, 4.13, 6_283.08),
    (1.0, 3.84, 12_566.15),
];
#[allow(clippy::approx_constant)]
const EARTH_L5: &Vsop = &[(1.0, 3.14, 0.0)];

fn vsop_sum(terms: &Vsop, tau: f64) -> f64 {
    terms.iter().map(|&(a, b, c)| a * (b + c * tau).cos()).sum()
}

/// Apparent geocentric longitude of the Sun, degrees in [0, 360), at the
/// instant `jd_ut` (Julian Day, UT).
fn sun_longitude(jd_ut: f64) -> f64 {
    let jde = jd_ut + delta_t_days(jd_ut);
    let tau = (jde - J2000) / 365_250.0; // Julian millennia
    let t = tau * 10.0; // Julian centuries
                        // Horner form over the powers of tau.
    let earth_l = (vsop_sum(EARTH_L0, tau)
        + tau
            * (vsop_sum(EARTH_L1, tau)
                + tau
                    * (vsop_sum(EARTH_L2, tau)
                        + tau
                            * (vsop_sum(EARTH_L3, tau)
                                + tau
                                    * (vsop_sum(EARTH_L4, tau) + tau * vsop_sum(EARTH_L5, tau))))))
        / 1e8;
    // The Sun seen from the Earth is opposite the Earth seen from the Sun.
    let geometric = earth_l.to_degrees() + 180.0;

    // Nutation in longitude (Meeus ch. 22, 0.5" version): the calendar uses the
    // true equinox of date, not the mean one.
    let omega = (125.044_52 - 1_934.136_261 * t).to_radians();
    let l_sun = (280.466_5 + 36_000.769_8 * t).to_radians();
    let l_moon = (218.316_5 + 481_267.881_3 * t).to_radians();
    let nutation = -17.20 * omega.sin() - 1.32 * (2.0 * l_sun).sin() - 0.23 * (2.0 * l_moon).sin()
        + 0.21 * (2.0 * omega).sin();
    // Annual aberration, scaled by the Earth–Sun distance (AU).
    let m = (357.529_11 + 35_999.050_29 * t).to_radians();
    let r = 1.000_140 - 0.016_708 * m.cos() - 0.000_139 * (2.0 * m).cos();
    let aberration = -20.489_8 / r;
    // -0.09033": VSOP87 dynamical frame to FK5.
    let arcsec = -0.090_33 + nutation + aberration;
    (geometric + arcsec / 3600.0).rem_euclid(360.0)
}

/// Index (0..12) of the last major solar term (trung khí, longitude 30°·n)
/// reached by the local midnight that starts day `j`.
fn major_term_at_day_start(j: i64) -> i64 {
    (sun_longitude(local_midnight(j)) / 30.0).floor() as i64 % 12
}

// ---------------------------------------------------------------------------
// Moon
// ---------------------------------------------------------------------------

/// Instant (Julian Ephemeris Day, TT) of new moon number `k`, where k = 0 is the
/// new moon of 2000-01-06. Meeus ch. 49.
fn new_moon_jde(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1_236.85;
    let (t2, t3, t4) = (t * t, t * t * t, t * t * t * t);
    let mean = 2_451_550.097_66 + SYNODIC_MONTH * k + 0.000_154_37 * t2 - 0.000_000_150 * t3
        + 0.000_000_000_73 * t4;
    let e = 1.0 - 0.002_516 * t - 0.000_007_4 * t2; // Earth orbit eccentricity factor
    let m = (2.553_4 + 29.105_356_70 * k - 0.000_001_4 * t2 - 0.000_000_11 * t3).to_radians(); // Sun anomaly
    let mp = (201.564_3 + 385.816_935_28 * k + 0.010_758_2 * t2 + 0.000_012_38 * t3
        - 0.000_000_058 * t4)
        .to_radians(); // Moon anomaly
    let f = (160.710_8 + 390.670_502_84 * k - 0.001_611_8 * t2 - 0.000_002_27 * t3
        + 0.000_000_011 * t4)
        .to_radians(); // Moon argument of latitude
    let om = (124.774_6 - 1.563_755_88 * k + 0.002_067_2 * t2 + 0.000_002_15 * t3).to_radians();

    // Periodic terms: the true Moon and Sun run ahead of / behind their means
    // by up to ~14 hours, which decides the civil day.
    let periodic = -0.407_20 * mp.sin()
        + 0.172_41 * e * m.sin()
        + 0.016_08 * (2.0 * mp).sin()
        + 0.010_39 * (2.0 * f).sin()
        + 0.007_39 * e * (mp - m).sin()
        - 0.005_14 * e * (mp + m).sin()
        + 0.002_08 * e * e * (2.0 * m).sin()
        - 0.001_11 * (mp - 2.0 * f).sin()
        - 0.000_57 * (mp + 2.0 * f).sin()
        + 0.000_56 * e * (2.0 * mp + m).sin()
        - 0.000_42 * (3.0 * mp).sin()
        + 0.000_42 * e * (m + 2.0 * f).sin()
        + 0.000_38 * e * (m - 2.0 * f).sin()
        - 0.000_24 * e * (2.0 * mp - m).sin()
        - 0.000_17 * om.sin()
        - 0.000_07 * (mp + 2.0 * m).sin()
        + 0.000_04 * (2.0 * mp - 2.0 * f).sin()
        + 0.000_04 * (3.0 * m).sin()
        + 0.000_03 * (mp + m - 2.0 * f).sin()
        + 0.000_03 * (2.0 * mp + 2.0 * f).sin()
        - 0.000_03 * (mp + m + 2.0 * f).sin()
        + 0.000_03 * (mp - m + 2.0 * f).sin()
        - 0.000_02 * (mp - m - 2.0 * f).sin()
        - 0.000_02 * (3.0 * mp + m).sin()
        + 0.000_02 * (4.0 * mp).sin();

    // Planetary perturbations (amplitude days, argument degrees at k, degrees/lunation).
    const PLANETARY: [(f64, f64, f64); 14] = [
        (0.000_325, 299.77, 0.107_408), // also -0.009173 T², added below
        (0.000_165, 251.88, 0.016_321),
        (0.000_164, 251.83, 26.651_886),
        (0.000_126, 349.42, 36.412_478),
        (0.000_110, 84.66, 18.206_239),
        (0.000_062, 141.74, 53.303_771),
        (0.000_060, 207.14, 2.453_732),
        (0.000_056, 154.84, 7.306_860),
        (0.000_047, 34.52, 27.261_239),
        (0.000_042, 207.19, 0.121_824),
        (0.000_040, 291.34, 1.844_379),
        (0.000_037, 161.72, 24.198_154),
        (0.000_035, 239.56, 25.513_099),
        (0.000_023, 331.55, 3.592_518),
    ];
    let planetary: f64 = PLANETARY
        .iter()
        .enumerate()
        .map(|(i, &(amp, a0, rate))| {
            let extra = if i == 0 { -0.009_173 * t2 } else { 0.0 };
            amp * (a0 + rate * k + extra).to_radians().sin()
        })
        .sum();

    mean + periodic + planetary
}

/// JDN of the local (UTC+7) day on which new moon `k` falls: the first day of
/// the lunar month it begins.
fn new_moon_day(k: i64) -> i64 {
    let jde = new_moon_jde(k);
    let jd_ut = jde - delta_t_days(jde);
    // +0.5: Julian Days start at noon; +TZ: Vietnam is 7 hours ahead of UTC.
    (jd_ut + 0.5 + TZ_DAYS).floor() as i64
}

// ---------------------------------------------------------------------------
// Calendar structure
// ---------------------------------------------------------------------------

/// Number `k` of the new moon that starts month 11 of the lunar year that ends
/// around solar `year`'s end, i.e. the month containing `year`'s December
/// solstice.
fn month11_lunation(year: i32) -> i64 {
    let dec31 = jdn_dec31(year);
    // Mean-motion estimate, then walk to the last new moon on or before 31 Dec.
    // The bound keeps far-out years (where the polynomials lose meaning) from
    // looping; for 1900–2199 one or two steps suffice.
    let mut k = ((dec31 as f64 - 2_451_550.1) / SYNODIC_MONTH).floor() as i64;
    for _ in 0..8 {
        let step = (dec31.saturating_sub(new_moon_day(k)) as f64 / SYNODIC_MONTH).round() as i64;
        if step == 0 {
            break;
        }
        k += step.clamp(-1000, 1000);
    }
    for _ in 0..64 {
        if new_moon_day(k) > dec31 {
            k -= 1;
        } else if new_moon_day(k + 1) <= dec31 {
            k += 1;
        } else {
            break;
        }
    }
    // That month (starting in December at the latest) contains the solstice
    // unless the Sun already passed 270° at the start of its first day; then the
    // solstice belongs to the month before. (Between late November and 31 Dec
    // the longitude is in ~[240°, 280°], so ">= 270" cannot be fooled by the
    // 360° wrap.)
    if sun_longitude(local_midnight(new_moon_day(k))) >= 270.0 {
        k -= 1;
    }
    k
}

/// The months from month 11 of lunar year `year - 1` up to (not including)
/// month 11 of lunar year `year`: one solstice-to-solstice span, the unit in
/// which leap months are decided.
#[derive(Debug, Clone, Copy)]
struct SolsticeYear {
    /// Solar year in which this span ends (its months 1..10 belong to lunar
    /// year `year`, its months 11 and 12 to `year - 1`).
    year: i32,
    /// `starts[i]` = JDN of day 1 of the i-th month; `starts[len]` = JDN of the
    /// next month 11, so every month's length is known.
    starts: [i64; 14],
    /// 12, or 13 when the span has a leap month.
    len: usize,
    /// Index into `starts` of the leap month, if any.
    leap: Option<usize>,
}

impl SolsticeYear {
    fn compute(year: i32, k_from: i64, k_to: i64) -> Self {
        let mut starts = [0i64; 14];
        // 12 or 13 for real input; clamped so far-out years cannot index past the array.
        let len = k_to.saturating_sub(k_from).clamp(12, 13) as usize;
        for (i, s) in starts.iter_mut().enumerate().take(len + 1) {
            *s = new_moon_day(k_from + i as i64);
        }
        let leap = if len == 13 {
            // 13 months share the 12 major terms of one solar year, so some month
            // lacks one; the first such after month 11 is the leap month. (Month 11
            // itself always holds the solstice, hence index 1 onwards.)
            let mut prev = major_term_at_day_start(starts[1]);
            let mut found = None;
            for i in 1..len {
                let next = major_term_at_day_start(starts[i + 1]);
                if next == prev {
                    found = Some(i);
                    break;
                }
                prev = next;
            }
            // Only reachable with nonsense astronomy far outside the supported
            // range; the last month is as good a guess as any then.
            Some(found.unwrap_or(len - 1))
        } else {
            None
        };
        SolsticeYear {
            year,
            starts,
            len,
            leap,
        }
    }

    /// (month number, is leap) of the i-th month of the span.
    fn label(&self, i: usize) -> (u32, bool) {
        let (n, is_leap) = match self.leap {
            Some(l) if i == l => (i - 1, true),
            Some(l) if i > l => (i - 1, false),
            _ => (i, false),
        };
        // n = 0 is month 11, n = 1 month 12, n = 2 month 1, ...
        (((n + 10) % 12 + 1) as u32, is_leap)
    }
}

const CACHE_FIRST: i32 = 1899;
const CACHE_LAST: i32 = 2201;

/// The span ending in solar year `year`. Cached for the supported range so that a
/// conversion costs a table lookup; every span is needed only ~once per process.
fn solstice_year(year: i32) -> SolsticeYear {
    static CACHE: OnceLock<Vec<SolsticeYear>> = OnceLock::new();
    if (CACHE_FIRST..=CACHE_LAST).contains(&year) {
        let table = CACHE.get_or_init(|| {
            // Each month-11 boundary is shared by two spans: compute it once.
            let k11: Vec<i64> = (CACHE_FIRST - 1..=CACHE_LAST)
                .map(month11_lunation)
                .collect();
            (CACHE_FIRST..=CACHE_LAST)
                .zip(k11.windows(2))
                .map(|(y, w)| SolsticeYear::compute(y, w[0], w[1]))
                .collect()
        });
        table[(year - CACHE_FIRST) as usize]
    } else {
        let prev = year
            .checked_sub(1)
            .map_or_else(|| month11_lunation(year) - 12, month11_lunation);
        SolsticeYear::compute(year, prev, month11_lunation(year))
    }
}

// ---------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------

/// Converts a solar (Gregorian) date to the Vietnamese lunar date.
pub fn solar_to_lunar(date: NaiveDate) -> LunarDate {
    let j = jdn(date);
    // Month 11 always starts by 22 December, so the date lies either in the span
    // ending in its own solar year or, from late Nov/Dec on, in the next one.
    let mut span = solstice_year(date.year());
    if j >= span.starts[span.len] {
        span = solstice_year(date.year().saturating_add(1));
    } else if j < span.starts[0] {
        span = solstice_year(date.year().saturating_sub(1)); // defensive only
    }
    let i = (0..span.len)
        .rev()
        .find(|&i| span.starts[i] <= j)
        .unwrap_or(0);
    let (month, leap) = span.label(i);
    LunarDate {
        day: j.saturating_sub(span.starts[i]).saturating_add(1) as u32,
        month,
        year: if month >= 11 {
            span.year - 1
        } else {
            span.year
        },
        leap,
    }
}

/// Converts a Vietnamese lunar date to the solar date, or `None` if no such day
/// exists (month outside 1..=12, a leap month the year does not have, day 30 of
/// a 29-day month, ...).
pub fn lunar_to_solar(d: LunarDate) -> Option<NaiveDate> {
    if !(1..=12).contains(&d.month) || !(1..=30).contains(&d.day) {
        return None;
    }
    // Months 11 and 12 of lunar year Y sit at the start of the span ending in Y+1.
    let span = solstice_year(if d.month >= 11 {
        d.year.checked_add(1)?
    } else {
        d.year
    });
    let i = (0..span.len).find(|&i| span.label(i) == (d.month, d.leap))?;
    // (saturating: only far outside the supported range can these be extreme)
    if i64::from(d.day) > span.starts[i + 1].saturating_sub(span.starts[i]) {
        return None;
    }
    from_jdn(span.starts[i].checked_add(i64::from(d.day) - 1)?)
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

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn lunar(day: u32, month: u32, year: i32, leap: bool) -> LunarDate {
        LunarDate {
            day,
            month,
            year,
            leap,
        }
    }

    #[test]
    fn jdn_matches_known_values() {
        assert_eq!(jdn(ymd(2000, 1, 1)), 2_451_545);
        assert_eq!(jdn(ymd(1900, 1, 1)), 2_415_021);
        for y in [-500, 1, 1582, 1899, 1900, 2000, 2024, 2199, 4000] {
            assert_eq!(jdn_dec31(y), jdn(ymd(y, 12, 31)), "{y}");
        }
        assert_eq!(from_jdn(2_451_545), Some(ymd(2000, 1, 1)));
    }

    #[test]
    fn tet_dates() {
        let cases = [
            (1985, ymd(1985, 1, 21)), // China: 1985-02-20
            (2007, ymd(2007, 2, 17)), // China: 2007-02-18
            (2020, ymd(2020, 1, 25)),
            (2023, ymd(2023, 1, 22)),
            (2024, ymd(2024, 2, 10)),
            (2025, ymd(2025, 1, 29)),
            (2026, ymd(2026, 2, 17)),
            (2027, ymd(2027, 2, 6)),
            // The brief asked for 2030-02-03, but that is China's date. The new moon
            // is 2030-02-02 16:07 UTC = 23:07 in Vietnam (00:07 on the 3rd in
            // China), so the Vietnamese Tết is 2030-02-02.
            (2030, ymd(2030, 2, 2)),
            (1969, ymd(1969, 2, 16)), // China: 1969-02-17 (same cause)
        ];
        for (year, date) in cases {
            assert_eq!(
                lunar_to_solar(lunar(1, 1, year, false)),
                Some(date),
                "Tết {year}"
            );
            assert_eq!(solar_to_lunar(date), lunar(1, 1, year, false));
        }
    }

    #[test]
    fn hung_kings_dates() {
        let cases = [
            (2023, ymd(2023, 4, 29)), // late: leap month 2 comes first
            (2024, ymd(2024, 4, 18)),
            (2025, ymd(2025, 4, 7)),
            (2026, ymd(2026, 4, 26)),
        ];
        for (year, date) in cases {
            assert_eq!(lunar_to_solar(lunar(10, 3, year, false)), Some(date));
            assert_eq!(solar_to_lunar(date), lunar(10, 3, year, false));
        }
    }

    #[test]
    fn leap_months() {
        assert_eq!(solar_to_lunar(ymd(2023, 3, 22)), lunar(1, 2, 2023, true));
        assert_eq!(
            lunar_to_solar(lunar(1, 2, 2023, true)),
            Some(ymd(2023, 3, 22))
        );
        assert_eq!(solar_to_lunar(ymd(2023, 3, 21)), lunar(30, 2, 2023, false));
        assert_eq!(solar_to_lunar(ymd(2025, 7, 25)), lunar(1, 6, 2025, true));
        assert_eq!(
            lunar_to_solar(lunar(1, 6, 2025, true)),
            Some(ymd(2025, 7, 25))
        );
        assert_eq!(solar_to_lunar(ymd(2025, 7, 24)), lunar(30, 6, 2025, false));
        // Years without a leap month, or with it elsewhere.
        assert_eq!(lunar_to_solar(lunar(1, 3, 2023, true)), None);
        assert_eq!(lunar_to_solar(lunar(1, 2, 2024, true)), None);
        assert_eq!(lunar_to_solar(lunar(1, 2, 2025, true)), None);
    }

    #[test]
    fn nonexistent_dates() {
        // 2026-02-16 is the last day of lunar 12/2025: find whether that month has
        // 29 or 30 days, then check the other length is rejected.
        let eve = solar_to_lunar(ymd(2026, 2, 16));
        assert_eq!((eve.month, eve.year, eve.leap), (12, 2025, false));
        assert!(eve.day == 29 || eve.day == 30);
        if eve.day == 29 {
            assert_eq!(lunar_to_solar(lunar(30, 12, 2025, false)), None);
        }
        assert_eq!(
            lunar_to_solar(lunar(eve.day, 12, 2025, false)),
            Some(ymd(2026, 2, 16))
        );
        assert_eq!(lunar_to_solar(lunar(0, 1, 2025, false)), None);
        assert_eq!(lunar_to_solar(lunar(31, 1, 2025, false)), None);
        assert_eq!(lunar_to_solar(lunar(1, 0, 2025, false)), None);
        assert_eq!(lunar_to_solar(lunar(1, 13, 2025, false)), None);
        // A 29-day month: day 30 does not exist. Find one in 2025 by walking.
        let mut found = false;
        for m in 1..=12 {
            let d29 = lunar_to_solar(lunar(29, m, 2025, false)).unwrap();
            if solar_to_lunar(d29.succ_opt().unwrap()).day == 1 {
                assert_eq!(lunar_to_solar(lunar(30, m, 2025, false)), None);
                found = true;
            }
        }
        assert!(found);
    }

    /// Every day 1900-02-01..=2199-12-31: solar -> lunar -> solar is the
    /// identity, and consecutive days step the lunar calendar correctly.
    #[test]
    fn round_trip_and_continuity() {
        let first = ymd(1900, 2, 1);
        let last = ymd(2199, 12, 31);
        let mut prev = solar_to_lunar(first.pred_opt().unwrap());
        let mut leap_months = 0;
        let mut date = first;
        while date <= last {
            let l = solar_to_lunar(date);
            assert_eq!(lunar_to_solar(l), Some(date), "{date} -> {l:?}");
            assert!(
                (1..=30).contains(&l.day) && (1..=12).contains(&l.month),
                "{date} {l:?}"
            );
            if l.day == 1 {
                assert!(
                    prev.day == 29 || prev.day == 30,
                    "{date}: previous month had {} days",
                    prev.day
                );
                if l.leap {
                    leap_months += 1;
                    assert_eq!((l.month, l.year), (prev.month, prev.year), "{date}");
                } else {
                    assert_eq!(l.month, prev.month % 12 + 1, "{date}");
                    let year_step = if l.month == 1 { 1 } else { 0 };
                    assert_eq!(l.year, prev.year + year_step, "{date}");
                }
            } else {
                assert_eq!(
                    l,
                    LunarDate {
                        day: prev.day + 1,
                        ..prev
                    },
                    "{date}"
                );
            }
            prev = l;
            date = date.succ_opt().unwrap();
        }
        // 7 leap months every 19 years (Metonic cycle): ~110 in 300 years.
        assert!((108..=113).contains(&leap_months), "{leap_months}");
    }

    #[test]
    fn tet_always_between_jan_21_and_feb_20() {
        for y in 1901..=2199 {
            let tet = lunar_to_solar(lunar(1, 1, y, false)).unwrap();
            assert!(
                tet >= ymd(y, 1, 21) && tet <= ymd(y, 2, 20),
                "Tết {y} = {tet}"
            );
        }
    }

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
