//! The astronomy the lunar calendar needs: day numbers, ΔT, the Sun's apparent longitude
//! (VSOP87) and the instants of new moons (Meeus ch. 49). See the module documentation of
//! `domain::holidays` for the sources and the accuracy.

use chrono::{Datelike, NaiveDate};

// ---------------------------------------------------------------------------
// Day numbers
// ---------------------------------------------------------------------------

/// Vietnam's offset from UTC, as a fraction of a day.
const TZ_DAYS: f64 = 7.0 / 24.0;
/// Julian Day of 2000-01-01 12:00 TT (epoch J2000.0).
const J2000: f64 = 2_451_545.0;
/// Mean length of a lunation, days.
pub(super) const SYNODIC_MONTH: f64 = 29.530_588_861;
/// chrono counts 0001-01-01 as day 1; its Julian Day Number is 1_721_426.
const JDN_MINUS_CE_DAYS: i64 = 1_721_425;

/// Julian Day Number (an integer day count) of a civil date. We do all calendar
/// arithmetic on these because month starts are whole local days.
pub(super) fn jdn(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) + JDN_MINUS_CE_DAYS
}

pub(super) fn from_jdn(j: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(j - JDN_MINUS_CE_DAYS).ok()?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

/// JDN of 31 December of `year`, without going through chrono (so that it works
/// for any i32 year; chrono's range is smaller).
pub(super) fn jdn_dec31(year: i32) -> i64 {
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
pub(super) fn local_midnight(j: i64) -> f64 {
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
pub(super) fn sun_longitude(jd_ut: f64) -> f64 {
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
pub(super) fn major_term_at_day_start(j: i64) -> i64 {
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
pub(super) fn new_moon_day(k: i64) -> i64 {
    let jde = new_moon_jde(k);
    let jd_ut = jde - delta_t_days(jde);
    // +0.5: Julian Days start at noon; +TZ: Vietnam is 7 hours ahead of UTC.
    (jd_ut + 0.5 + TZ_DAYS).floor() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
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
}
