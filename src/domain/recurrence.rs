//! Recurring meetings: validating an RFC 5545 RRULE and expanding it into occurrences.
//!
//! An occurrence is identified by its **original local date** (the day it falls on in the series'
//! zone). That key survives a change of the series' time of day, so excluded dates stay excluded
//! and per-occurrence changes stay attached when the whole series is edited (the MRBS bugs
//! #2429/#2821 came from keying them by instant). Our rules are at most one occurrence a day.

use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rrule::{Frequency, RRule, Unvalidated};

/// Most occurrences one series may have; beyond it the request is refused with a clear message.
pub const MAX_OCCURRENCES: usize = 260;

/// One occurrence of a series in its original slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub original_date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// A refusal of the field `rrule` with the locale message `recurrence.<key>`.
fn rrule_error(key: &str, args: &[(&str, &str)]) -> Error {
    Error::invalid_with("rrule", &format!("recurrence.{key}"), args)
}

/// Parses and checks a rule: daily, weekly, monthly or yearly, ending by COUNT or UNTIL,
/// no sub-daily parts.
pub fn parse_rule(rule: &str) -> Result<RRule<Unvalidated>> {
    let rule = rule.trim();
    let rule = rule.strip_prefix("RRULE:").unwrap_or(rule);
    if rule.len() > 500 {
        return Err(rrule_error("too_long", &[]));
    }
    let parsed: RRule<Unvalidated> = rule
        .parse()
        .map_err(|e: rrule::RRuleError| rrule_error("invalid", &[("e", &e.to_string())]))?;
    if !matches!(
        parsed.get_freq(),
        Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly
    ) {
        return Err(rrule_error("only_daily_to_yearly", &[]));
    }
    if !parsed.get_by_hour().is_empty()
        || !parsed.get_by_minute().is_empty()
        || !parsed.get_by_second().is_empty()
    {
        return Err(rrule_error("not_within_a_day", &[]));
    }
    if parsed.get_count().is_none() && parsed.get_until().is_none() {
        return Err(rrule_error("must_end", &[]));
    }
    Ok(parsed)
}

/// The occurrences of a meeting starting at `start` (in `tz`) lasting `duration`, repeated by
/// `rule` (None for a single meeting), without the `excluded` original dates.
pub fn expand(
    tz: Tz,
    start: DateTime<Utc>,
    duration: Duration,
    rule: Option<&str>,
    excluded: &[NaiveDate],
) -> Result<Vec<Slot>> {
    let local_start = start.with_timezone(&tz);
    let Some(rule) = rule.filter(|r| !r.trim().is_empty()) else {
        return Ok(vec![Slot {
            original_date: local_start.date_naive(),
            starts_at: start,
            ends_at: start + duration,
        }]);
    };
    let parsed = parse_rule(rule)?;
    let dt_start = local_start.with_timezone(&rrule::Tz::Tz(tz));
    let set = parsed
        .build(dt_start)
        .map_err(|e| rrule_error("invalid", &[("e", &e.to_string())]))?;
    let result = set.all((MAX_OCCURRENCES + 1) as u16);
    if result.dates.len() > MAX_OCCURRENCES {
        return Err(rrule_error(
            "too_many",
            &[("max", &MAX_OCCURRENCES.to_string())],
        ));
    }
    let mut slots = Vec::with_capacity(result.dates.len());
    for d in result.dates {
        let original_date = d.date_naive();
        if excluded.contains(&original_date) {
            continue;
        }
        // Re-anchor the wall-clock time in the zone: DST-aware for zones that have it.
        let local = tz
            .from_local_datetime(&d.naive_local())
            .earliest()
            .unwrap_or_else(|| d.with_timezone(&tz));
        let starts_at = local.with_timezone(&Utc);
        if slots
            .last()
            .is_some_and(|s: &Slot| s.original_date == original_date)
        {
            continue;
        }
        slots.push(Slot {
            original_date,
            starts_at,
            ends_at: starts_at + duration,
        });
    }
    if slots.is_empty() {
        return Err(rrule_error("nothing_left", &[]));
    }
    Ok(slots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const HCM: Tz = chrono_tz::Asia::Ho_Chi_Minh;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        HCM.with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn single_meeting_has_one_slot() {
        let s = expand(HCM, at(2026, 12, 7, 8), Duration::hours(2), None, &[]).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].original_date,
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
    }

    #[test]
    fn weekly_series_respects_count_and_exclusions() {
        let ex = [NaiveDate::from_ymd_opt(2026, 12, 14).unwrap()];
        let s = expand(
            HCM,
            at(2026, 12, 7, 8),
            Duration::hours(1),
            Some("FREQ=WEEKLY;COUNT=4"),
            &ex,
        )
        .unwrap();
        let days: Vec<_> = s.iter().map(|s| s.original_date.to_string()).collect();
        assert_eq!(days, ["2026-12-07", "2026-12-21", "2026-12-28"]);
        assert_eq!(s[2].starts_at, at(2026, 12, 28, 8));
    }

    #[test]
    fn never_ending_and_exploding_rules_are_refused_naming_the_field() {
        for bad in [
            "FREQ=WEEKLY",
            "FREQ=HOURLY;COUNT=3",
            "FREQ=DAILY;COUNT=5000",
            "NONSENSE",
            "FREQ=DAILY;COUNT=3;BYHOUR=9,10",
        ] {
            let e =
                expand(HCM, at(2026, 12, 7, 8), Duration::hours(1), Some(bad), &[]).unwrap_err();
            assert_eq!(e.field(), Some("rrule"), "{bad}");
        }
    }

    #[test]
    fn local_time_is_kept_across_daylight_saving() {
        let paris = chrono_tz::Europe::Paris;
        let start = paris
            .with_ymd_and_hms(2026, 3, 27, 9, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let s = expand(
            paris,
            start,
            Duration::hours(1),
            Some("FREQ=DAILY;COUNT=3"),
            &[],
        )
        .unwrap();
        let local: Vec<_> = s
            .iter()
            .map(|x| {
                x.starts_at
                    .with_timezone(&paris)
                    .format("%H:%M")
                    .to_string()
            })
            .collect();
        assert_eq!(local, ["09:00", "09:00", "09:00"]);
        assert_eq!(s[2].starts_at - s[1].starts_at, Duration::hours(23));
    }
}

/// Splits a series at `from` (an original local date of one of its occurrences): the head keeps
/// the occurrences before it (its rule now ends by UNTIL), the tail starts at `from` with the
/// remaining count (or the same UNTIL). Returns (head rule, tail rule, tail's first start).
pub fn split_rule(
    tz: Tz,
    start: DateTime<Utc>,
    rule: &str,
    from: NaiveDate,
) -> Result<(String, String, DateTime<Utc>)> {
    let parsed = parse_rule(rule)?;
    // Every generated occurrence, exclusions included: COUNT counts those too (RFC 5545 §3.8.5.1).
    let all = expand(tz, start, Duration::minutes(1), Some(rule), &[])?;
    let Some(pos) = all.iter().position(|s| s.original_date == from) else {
        return Err(Error::Validation {
            field: "from".to_string(),
            msg: crate::error::Msg::t(
                "msg.recurrence.from_is_not_an_occurrence_of",
                &[("from", &from.to_string())],
            ),
        });
    };
    if pos == 0 {
        return Err(Error::invalid(
            "from",
            "msg.recurrence.this_is_the_first_occurrence_change",
        ));
    }
    let tail_start = all[pos].starts_at;
    let parts: Vec<&str> = rule
        .trim()
        .trim_start_matches("RRULE:")
        .split(';')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("").to_ascii_uppercase();
            key != "COUNT" && key != "UNTIL"
        })
        .collect();
    let base = parts.join(";");
    // The head ends one second before the tail's first start.
    let until = (tail_start - Duration::seconds(1)).format("%Y%m%dT%H%M%SZ");
    let head = format!("{base};UNTIL={until}");
    let tail = match (parsed.get_count(), parsed.get_until()) {
        (Some(count), _) => format!("{base};COUNT={}", count as usize - pos),
        (None, Some(u)) => format!(
            "{base};UNTIL={}",
            u.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ")
        ),
        (None, None) => unreachable!("parse_rule refuses a rule without COUNT or UNTIL"),
    };
    Ok((head, tail, tail_start))
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn a_counted_series_splits_into_head_and_tail_with_the_same_occurrences() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let start = tz
            .with_ymd_and_hms(2026, 12, 7, 8, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let rule = "FREQ=WEEKLY;COUNT=6";
        let from = NaiveDate::from_ymd_opt(2026, 12, 21).unwrap();
        let (head, tail, tail_start) = split_rule(tz, start, rule, from).unwrap();
        let h = expand(tz, start, Duration::hours(1), Some(&head), &[]).unwrap();
        let t = expand(tz, tail_start, Duration::hours(1), Some(&tail), &[]).unwrap();
        let whole = expand(tz, start, Duration::hours(1), Some(rule), &[]).unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(t.len(), 4);
        assert_eq!([h, t].concat(), whole);
        assert!(split_rule(
            tz,
            start,
            rule,
            NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()
        )
        .is_err());
        assert!(split_rule(
            tz,
            start,
            rule,
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        )
        .is_err());
    }
}
