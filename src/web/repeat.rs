//! The request form's recurrence fields (lặp lại): none / daily / weekly on chosen weekdays /
//! monthly, every N, ending after a number of meetings or on a date, with excluded dates typed as
//! "dd/mm" — built into the RRULE that `domain::recurrence` parses, and read back from a saved
//! rule for the edit form. A rule the fields cannot express is kept as it is.

use crate::domain::clock::OFFICE_TZ;
use crate::error::{Error, Lang, Msg};
use crate::Result;
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// The weekday codes of RRULE BYDAY, Monday first.
pub const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// The recurrence as the form holds it (each value as typed).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// "", "daily", "weekly" or "monthly".
    pub freq: String,
    pub interval: String,
    pub byday: Vec<String>,
    pub count: String,
    /// "2027-06-30".
    pub until: String,
    /// "15/03, 22/03".
    pub exdates: String,
}

fn positive(field: &str, v: &str) -> Result<Option<u32>> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<u32>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(Error::invalid(
            field,
            "msg.repeat.enter_a_whole_number_above_zero",
        )),
    }
}

/// Excluded dates typed as "dd/mm" (the first such day on or after the series' first day) or
/// "dd/mm/yyyy", separated by commas, semicolons or spaces.
pub fn parse_exdates(text: &str, first: NaiveDate) -> Result<Vec<NaiveDate>> {
    let bad = |part: &str| Error::Validation {
        field: "exdates".to_string(),
        msg: crate::error::Msg::t(
            "msg.repeat.skipped_date_part_is_not_valid",
            &[("part", part)],
        ),
    };
    let mut out = vec![];
    for part in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let nums: Vec<&str> = part.split('/').collect();
        let n = |i: usize| nums.get(i).and_then(|x| x.parse::<u32>().ok());
        let date = match (nums.len(), n(0), n(1), n(2)) {
            (3, Some(d), Some(m), Some(y)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            (2, Some(d), Some(m), _) => NaiveDate::from_ymd_opt(first.year(), m, d)
                .filter(|x| *x >= first)
                .or_else(|| NaiveDate::from_ymd_opt(first.year() + 1, m, d)),
            _ => None,
        };
        out.push(date.ok_or_else(|| bad(part))?);
    }
    Ok(out)
}

/// The excluded dates as the field shows them: "dd/mm" when that reads back the same day.
pub fn show_exdates(dates: &[NaiveDate], first: NaiveDate) -> String {
    dates
        .iter()
        .map(|d| {
            let short = d.format("%d/%m").to_string();
            if parse_exdates(&short, first).ok().as_deref() == Some(&[*d][..]) {
                short
            } else {
                d.format("%d/%m/%Y").to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Repeat {
    /// The RRULE and the excluded dates; None for a single meeting. A series that never ends is
    /// left for the domain to refuse (it names the rule).
    pub fn build(&self, first: NaiveDate) -> Result<(Option<String>, Vec<NaiveDate>)> {
        let freq = match self.freq.trim() {
            "" => return Ok((None, vec![])),
            "daily" => "DAILY",
            "weekly" => "WEEKLY",
            "monthly" => "MONTHLY",
            _ => {
                return Err(Error::invalid(
                    "repeat",
                    "msg.repeat.choose_how_the_meeting_repeats",
                ))
            }
        };
        let mut parts = vec![format!("FREQ={freq}")];
        if let Some(n) = positive("interval", &self.interval)?.filter(|n| *n > 1) {
            parts.push(format!("INTERVAL={n}"));
        }
        if freq == "WEEKLY" {
            let days: Vec<&str> = WEEKDAYS
                .iter()
                .filter(|d| self.byday.iter().any(|b| b == *d))
                .copied()
                .collect();
            if !days.is_empty() {
                parts.push(format!("BYDAY={}", days.join(",")));
            }
        }
        let count = positive("count", &self.count)?;
        let until = match self.until.trim() {
            "" => None,
            u => Some(
                NaiveDate::parse_from_str(u, "%Y-%m-%d")
                    .map_err(|_| Error::invalid("until", "msg.repeat.the_end_date_is_not_valid"))?,
            ),
        };
        match (count, until) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "count",
                    "msg.repeat.choose_one_way_to_end_a",
                ))
            }
            (Some(n), None) => parts.push(format!("COUNT={n}")),
            (None, Some(d)) => {
                if d < first {
                    return Err(Error::invalid(
                        "until",
                        "msg.repeat.the_end_date_must_be_on",
                    ));
                }
                // The end of that office day, in UTC as RFC 5545 wants with a zoned start.
                let end = OFFICE_TZ
                    .from_local_datetime(&d.and_hms_opt(23, 59, 59).unwrap_or_default())
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_default();
                parts.push(format!("UNTIL={}", end.format("%Y%m%dT%H%M%SZ")));
            }
            (None, None) => {}
        }
        Ok((Some(parts.join(";")), parse_exdates(&self.exdates, first)?))
    }

    /// The fields of a saved rule, or None when they cannot express it (other parts, BYDAY with
    /// positions, yearly…): the edit form then keeps the rule as it is.
    pub fn of_rule(rule: &str, exdates: &[NaiveDate], first: NaiveDate) -> Option<Repeat> {
        let rule = rule.trim();
        let rule = rule.strip_prefix("RRULE:").unwrap_or(rule);
        let mut r = Repeat {
            exdates: show_exdates(exdates, first),
            ..Default::default()
        };
        for part in rule.split(';').filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=')?;
            match key.to_ascii_uppercase().as_str() {
                "FREQ" => {
                    r.freq = match value.to_ascii_uppercase().as_str() {
                        "DAILY" => "daily",
                        "WEEKLY" => "weekly",
                        "MONTHLY" => "monthly",
                        _ => return None,
                    }
                    .into()
                }
                "INTERVAL" => r.interval = value.parse::<u32>().ok()?.to_string(),
                "COUNT" => r.count = value.parse::<u32>().ok()?.to_string(),
                "UNTIL" => {
                    let t = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%SZ").ok()?;
                    r.until = Utc
                        .from_utc_datetime(&t)
                        .with_timezone(&OFFICE_TZ)
                        .date_naive()
                        .to_string();
                }
                "BYDAY" => {
                    for d in value.split(',') {
                        let d = d.to_ascii_uppercase();
                        WEEKDAYS.contains(&d.as_str()).then_some(())?;
                        r.byday.push(d);
                    }
                }
                "WKST" if value.eq_ignore_ascii_case("MO") => {}
                _ => return None,
            }
        }
        if r.freq.is_empty() || (!r.byday.is_empty() && r.freq != "weekly") {
            return None;
        }
        Some(r)
    }
}

/// The rule in words for the meeting's page ("Hằng tuần vào Thứ Hai, Thứ Năm; 5 lần"), or None
/// when the fields cannot express it (the page then shows the rule itself).
pub fn describe(rule: &str, exdates: &[NaiveDate], first: NaiveDate, lang: Lang) -> Option<String> {
    let r = Repeat::of_rule(rule, exdates, first)?;
    let every: u32 = r.interval.parse().unwrap_or(1);
    // One pass over each text (`t_each`), so that nothing filled in is read as a placeholder.
    let say = |key: &str, args: &[(&str, &str)]| {
        let args: Vec<(&str, Msg)> = args.iter().map(|(n, v)| (*n, Msg::both(*v))).collect();
        let args: Vec<(&str, &Msg)> = args.iter().map(|(n, v)| (*n, v)).collect();
        Msg::t_each(&format!("msg.repeat.describe.{key}"), &args)
            .pick(lang)
            .to_string()
    };
    let freq = match r.freq.as_str() {
        "daily" => "daily",
        "weekly" => "weekly",
        _ => "monthly",
    };
    let mut text = if every > 1 {
        say(&format!("every_{freq}"), &[("n", &every.to_string())])
    } else {
        say(freq, &[])
    };
    if !r.byday.is_empty() {
        let tr = crate::i18n::translations();
        let names: Vec<&str> = r
            .byday
            .iter()
            .filter_map(|d| WEEKDAYS.iter().position(|w| w == d))
            .map(|i| tr.text(lang, WEEKDAY_KEYS[i]))
            .collect();
        text = say("on_days", &[("text", &text), ("days", &names.join(", "))]);
    }
    let dmy = |v: &str| {
        NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default()
    };
    text = if r.count.is_empty() {
        say("until", &[("text", &text), ("date", &dmy(&r.until))])
    } else {
        say("count", &[("text", &text), ("n", &r.count)])
    };
    if !exdates.is_empty() {
        text = say("skipping", &[("text", &text), ("dates", &r.exdates)]);
    }
    Some(text)
}

/// The locale keys of the weekdays, Monday first (as `WEEKDAYS`).
const WEEKDAY_KEYS: [&str; 7] = [
    "weekday.1",
    "weekday.2",
    "weekday.3",
    "weekday.4",
    "weekday.5",
    "weekday.6",
    "weekday.7",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekly_rule_reads_back_the_same_fields() {
        let first = day("2027-03-08");
        let r = Repeat {
            freq: "weekly".into(),
            interval: "2".into(),
            byday: vec!["WE".into(), "MO".into()],
            until: "2027-06-30".into(),
            exdates: "15/03, 05/01/2028".into(),
            ..Default::default()
        };
        let (rule, ex) = r.build(first).unwrap();
        let rule = rule.unwrap();
        assert_eq!(
            rule,
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270630T165959Z"
        );
        assert_eq!(ex, vec![day("2027-03-15"), day("2028-01-05")]);
        let back = Repeat::of_rule(&rule, &ex, first).unwrap();
        assert_eq!(back.byday, vec!["MO", "WE"]);
        assert_eq!(back.until, "2027-06-30");
        assert_eq!(back.interval, "2");
        // "05/01" after March 2027 reads as January 2028.
        assert_eq!(back.exdates, "15/03, 05/01");
    }

    #[test]
    fn rules_are_described_in_words() {
        let first = day("2027-03-08");
        let ex = [day("2027-03-15")];
        assert_eq!(
            describe("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5", &ex, first, Lang::Vi).as_deref(),
            Some("Hằng tuần vào Thứ Hai, Thứ Năm; 5 lần; bỏ qua 15/03")
        );
        assert_eq!(
            describe(
                "FREQ=MONTHLY;INTERVAL=2;UNTIL=20270630T165959Z",
                &[],
                first,
                Lang::En
            )
            .as_deref(),
            Some("Every 2 months; until 30/06/2027")
        );
        assert_eq!(
            describe("FREQ=DAILY;COUNT=3", &[], first, Lang::En).as_deref(),
            Some("Daily; 3 times")
        );
        assert_eq!(describe("FREQ=YEARLY;COUNT=3", &[], first, Lang::Vi), None);
    }

    #[test]
    fn rules_the_fields_cannot_say_are_kept() {
        let first = day("2027-03-08");
        assert_eq!(
            Repeat::of_rule("FREQ=MONTHLY;BYDAY=1MO;COUNT=3", &[], first),
            None
        );
        assert_eq!(Repeat::of_rule("FREQ=YEARLY;COUNT=3", &[], first), None);
        assert_eq!(
            Repeat::of_rule("FREQ=WEEKLY;COUNT=3;BYSETPOS=1", &[], first),
            None
        );
    }

    #[test]
    fn bad_values_name_their_field() {
        let first = day("2027-03-08");
        let bad = |r: Repeat| r.build(first).unwrap_err().field().map(str::to_string);
        let weekly = Repeat {
            freq: "weekly".into(),
            ..Default::default()
        };
        assert_eq!(
            bad(Repeat {
                interval: "0".into(),
                ..weekly.clone()
            }),
            Some("interval".into())
        );
        assert_eq!(
            bad(Repeat {
                exdates: "32/13".into(),
                ..weekly.clone()
            }),
            Some("exdates".into())
        );
        assert_eq!(
            bad(Repeat {
                count: "3".into(),
                until: "2027-04-01".into(),
                ..weekly
            }),
            Some("count".into())
        );
    }
}
