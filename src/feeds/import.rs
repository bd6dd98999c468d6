//! Reading .ics files people upload: an invitation exported from Outlook (to prefill a meeting
//! request) or a list of holidays (closures).
//!
//! The `ical` crate parses, after we unfold correctly ourselves (its own unfolding eats the
//! space at a fold and fails on a fold inside a UTF-8 character) and before we un-escape TEXT
//! values (it does not). A first pass of ours checks every content line, so a bad file is
//! refused with the number of the physical line at fault. Size, line length, nesting and
//! component counts are bounded: a huge or hostile file is refused, never parsed at length.

use super::rfc5545::unescape_text;
use crate::domain::closures::ImportedClosure;
use crate::domain::registration::MeetingInput;
use crate::domain::{clock, recurrence};
use crate::error::{Lang, Msg};
use crate::i18n;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entity::Visibility;
use ical::parser::ical::component::{IcalCalendar, IcalEvent, IcalTimeZone};
use ical::property::Property;
use serde::Serialize;

/// Largest file accepted (the handlers read at most this much).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Longest logical (unfolded) content line.
pub const MAX_LINE: usize = 64 * 1024;
/// Deepest BEGIN nesting (VCALENDAR > VEVENT > VALARM is 3).
pub const MAX_DEPTH: usize = 6;
/// Most components in one file.
pub const MAX_COMPONENTS: usize = 5_000;

/// A refusal of the file at `line`: "Dòng {line}: " and the locale message `key`, filled in
/// one pass (`t_each`), so that a value from the file holding `{name}` stays as written.
fn bad(line: usize, key: &str, args: &[(&str, &str)]) -> Error {
    let args: Vec<(&str, Msg)> = args.iter().map(|(n, v)| (*n, Msg::both(*v))).collect();
    let args: Vec<(&str, &Msg)> = args.iter().map(|(n, v)| (*n, v)).collect();
    let what = Msg::t_each(key, &args);
    Error::Validation {
        field: format!("line {line}"),
        msg: Msg::t_each(
            "import.line",
            &[("line", &Msg::both(line.to_string())), ("what", &what)],
        ),
    }
}

/// One logical content line and the physical line it starts on (1-based).
#[derive(Debug, Clone)]
pub struct Logical {
    pub line: usize,
    pub text: String,
}

/// Unfolds (RFC 5545 §3.1) keeping, for each logical line, the physical line it started on.
pub fn logical_lines(input: &str) -> Result<Vec<Logical>> {
    let mut out: Vec<Logical> = Vec::new();
    for (i, raw) in input.split('\n').enumerate() {
        let line_no = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            match out.last_mut() {
                Some(prev) => prev.text.push_str(rest),
                None => return Err(bad(line_no, "import.line.continuation_first", &[])),
            }
        } else if !raw.is_empty() {
            out.push(Logical {
                line: line_no,
                text: raw.to_string(),
            });
        }
        if let Some(last) = out.last() {
            if last.text.len() > MAX_LINE {
                return Err(bad(
                    last.line,
                    "import.line.too_long",
                    &[("max", &MAX_LINE.to_string())],
                ));
            }
        }
    }
    Ok(out)
}

/// The property name of a content line, or None when it has none (§3.1: name *(";" param) ":").
fn name_of(text: &str) -> Option<&str> {
    let end = text.find([';', ':'])?;
    let name = &text[..end];
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then_some(name)
}

/// True when the line has a ':' outside quoted parameter values.
fn has_value_delimiter(text: &str) -> bool {
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A parsed file with, for each VEVENT (in order), the physical line of its BEGIN.
pub struct Parsed {
    pub calendar: IcalCalendar,
    pub event_lines: Vec<usize>,
}

/// Checks and parses one iCalendar object. Errors name the physical line.
pub fn parse(bytes: &[u8]) -> Result<Parsed> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::PayloadTooLarge(Msg::t(
            "refusals.file_larger_than_kib",
            &[("kib", &(MAX_BYTES / 1024).to_string())],
        )));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Err(bad(line, "import.line.not_utf8", &[]));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = logical_lines(text)?;
    let Some(first) = lines.first() else {
        return Err(bad(1, "import.line.empty", &[]));
    };
    if !first.text.eq_ignore_ascii_case("BEGIN:VCALENDAR") {
        return Err(bad(first.line, "import.line.no_vcalendar_begin", &[]));
    }
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut components = 0usize;
    let mut event_lines = Vec::new();
    let mut ended = false;
    for l in &lines {
        if ended {
            return Err(bad(l.line, "import.line.after_end", &[]));
        }
        let Some(name) = name_of(&l.text) else {
            return Err(bad(l.line, "import.line.no_name", &[]));
        };
        if !has_value_delimiter(&l.text) {
            return Err(bad(l.line, "import.line.no_colon", &[]));
        }
        let value = l.text.split_once(':').map(|(_, v)| v).unwrap_or("");
        if name.eq_ignore_ascii_case("BEGIN") {
            components += 1;
            if stack.len() >= MAX_DEPTH || components > MAX_COMPONENTS {
                return Err(bad(l.line, "import.line.too_many_components", &[]));
            }
            if value.eq_ignore_ascii_case("VEVENT") {
                event_lines.push(l.line);
            }
            stack.push((value.to_ascii_uppercase(), l.line));
        } else if name.eq_ignore_ascii_case("END") {
            match stack.pop() {
                Some((open, _)) if open.eq_ignore_ascii_case(value) => {}
                Some((open, line)) => {
                    return Err(bad(
                        l.line,
                        "import.line.end_mismatch",
                        &[
                            ("value", value),
                            ("open", open.as_str()),
                            ("line", &line.to_string()),
                        ],
                    ))
                }
                None => return Err(bad(l.line, "import.line.end_without_begin", &[])),
            }
            ended = stack.is_empty();
        } else if stack.is_empty() {
            return Err(bad(l.line, "import.line.outside_vcalendar", &[]));
        }
    }
    if let Some((open, line)) = stack.last() {
        return Err(bad(
            *line,
            "import.line.never_closed",
            &[("open", open.as_str())],
        ));
    }
    let mut unfolded = String::with_capacity(text.len());
    for l in &lines {
        unfolded.push_str(&l.text);
        unfolded.push('\n');
    }
    let calendar = ical::IcalParser::new(std::io::BufReader::new(unfolded.as_bytes()))
        .next()
        .ok_or_else(|| bad(first.line, "import.line.no_calendar", &[]))?
        .map_err(|e| Error::Validation {
            field: "file".into(),
            msg: Msg::t(
                "msg.import.invalid_icalendar_file_e",
                &[("e", &e.to_string())],
            ),
        })?;
    Ok(Parsed {
        calendar,
        event_lines,
    })
}

fn prop<'a>(ev: &'a IcalEvent, name: &str) -> Option<&'a Property> {
    ev.properties
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
}

fn text_of(ev: &IcalEvent, name: &str) -> Option<String> {
    prop(ev, name)
        .and_then(|p| p.value.as_deref())
        .map(unescape_text)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn param<'a>(p: &'a Property, name: &str) -> Option<&'a str> {
    p.params
        .iter()
        .flatten()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.first())
        .map(String::as_str)
}

/// A zone named by TZID without a VTIMEZONE: an IANA name (also at the end of a path such as
/// "/mozilla.org/20050126_1/Europe/Paris"), else a Windows name (CLDR's table).
fn named_zone(tzid: &str) -> Option<Tz> {
    let mut candidates = vec![tzid];
    candidates.extend(tzid.match_indices('/').map(|(i, _)| &tzid[i + 1..]));
    candidates
        .into_iter()
        .find_map(|name| name.parse::<Tz>().ok())
        .or_else(|| super::windows_zones::iana_of(tzid))
}

/// A UTC offset of a VTIMEZONE ("+0900", "-0330", "+053000"), in seconds.
fn utc_offset(p: &Property) -> Option<i32> {
    let v = p.value.as_deref()?.trim();
    let (sign, digits) = match v.as_bytes().first()? {
        b'+' => (1, &v[1..]),
        b'-' => (-1, &v[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|x| x.parse::<i32>().ok());
    let secs = n(0..2)? * 3600 + n(2..4)? * 60 + n(4..6).unwrap_or(0);
    (secs < 24 * 3600).then_some(sign * secs)
}

fn local_time(v: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(v.trim().trim_end_matches('Z'), "%Y%m%dT%H%M%S").ok()
}

/// The last onset of a STANDARD or DAYLIGHT part at or before `t` (all in local wall time, as
/// RFC 5545 §3.6.5 writes them): its DTSTART, its RDATEs and the dates its RRULE makes.
fn last_onset(part: &[Property], t: NaiveDateTime) -> Option<NaiveDateTime> {
    let find = |name: &str| part.iter().find(|p| p.name.eq_ignore_ascii_case(name));
    let start = local_time(find("DTSTART")?.value.as_deref()?)?;
    if start > t {
        return None;
    }
    let mut last = start;
    for p in part.iter().filter(|p| p.name.eq_ignore_ascii_case("RDATE")) {
        for d in p.value.as_deref().unwrap_or("").split(',') {
            if let Some(d) = local_time(d).filter(|d| *d <= t && *d > last) {
                last = d;
            }
        }
    }
    if let Some(rule) = find("RRULE").and_then(|p| p.value.as_deref()) {
        // Wall times stand in for UTC (the rule only counts days); a floating UNTIL as well.
        let rule: String = rule
            .split(';')
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) if k.eq_ignore_ascii_case("UNTIL") && !v.ends_with('Z') => {
                    format!("{k}={v}Z")
                }
                _ => kv.to_string(),
            })
            .collect::<Vec<_>>()
            .join(";");
        let text = format!("DTSTART:{}Z\nRRULE:{rule}", start.format("%Y%m%dT%H%M%S"));
        if let Ok(set) = text.parse::<rrule::RRuleSet>() {
            let before = rrule::Tz::UTC.from_utc_datetime(&t);
            // Yearly rules from 1601 (Outlook's habit) reach today in about 430 steps.
            if let Some(d) = set.before(before).all(2_000).dates.last() {
                last = last.max(d.naive_utc());
            }
        }
    }
    Some(last)
}

/// The UTC offset a VTIMEZONE gives the local time `t`: that of its part with the latest
/// onset at or before `t`, or, before every onset, the offset the earliest part starts from.
fn vtimezone_offset(zone: &IcalTimeZone, t: NaiveDateTime) -> Option<i32> {
    let mut latest: Option<(NaiveDateTime, i32)> = None;
    let mut earliest: Option<(NaiveDateTime, i32)> = None;
    for part in &zone.transitions {
        let get = |name: &str| {
            part.properties
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
        };
        let Some(to) = get("TZOFFSETTO").and_then(utc_offset) else {
            continue;
        };
        let from = get("TZOFFSETFROM").and_then(utc_offset).unwrap_or(to);
        if let Some(start) = get("DTSTART").and_then(|p| local_time(p.value.as_deref()?)) {
            if earliest.is_none_or(|(e, _)| start < e) {
                earliest = Some((start, from));
            }
        }
        if let Some(on) = last_onset(&part.properties, t) {
            if latest.is_none_or(|(l, _)| on > l) {
                latest = Some((on, to));
            }
        }
    }
    latest.or(earliest).map(|(_, offset)| offset)
}

/// The instant of local time `t` in the zone `tzid`: by the file's own VTIMEZONE of that name
/// when it has one (RFC 5545 §3.2.19), else by the zone's name. None when the zone is unknown.
fn instant_in(calendar: &IcalCalendar, tzid: &str, t: NaiveDateTime) -> Option<DateTime<Utc>> {
    let tzid = tzid.trim().trim_matches('"');
    let defined = calendar.timezones.iter().find(|z| {
        z.properties.iter().any(|p| {
            p.name.eq_ignore_ascii_case("TZID")
                && p.value.as_deref().map(|v| v.trim().trim_matches('"')) == Some(tzid)
        })
    });
    if let Some(offset) = defined.and_then(|z| vtimezone_offset(z, t)) {
        return Some(Utc.from_utc_datetime(&(t - Duration::seconds(offset.into()))));
    }
    let tz = named_zone(tzid)?;
    tz.from_local_datetime(&t)
        .earliest()
        .map(|x| x.with_timezone(&Utc))
}

/// A date or date-time value: what it says, and in which zone (the TZID as written).
enum When {
    Date(NaiveDate),
    Local(NaiveDateTime, Option<String>),
    Utc(DateTime<Utc>),
}

fn when(p: &Property, line: usize) -> Result<When> {
    let v = p.value.as_deref().unwrap_or("").trim();
    let fail = || {
        bad(
            line,
            "import.line.bad_date_time",
            &[("name", p.name.as_str()), ("value", v)],
        )
    };
    if v.len() == 8 {
        return NaiveDate::parse_from_str(v, "%Y%m%d")
            .map(When::Date)
            .map_err(|_| fail());
    }
    if let Some(utc) = v.strip_suffix('Z') {
        let t = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").map_err(|_| fail())?;
        return Ok(When::Utc(Utc.from_utc_datetime(&t)));
    }
    let t = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").map_err(|_| fail())?;
    Ok(When::Local(t, param(p, "TZID").map(str::to_string)))
}

/// A meeting request prefilled from an invitation, and what could not be carried over.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Prefill {
    pub meeting: MeetingInput,
    /// In the request's language.
    pub warnings: Vec<String>,
}

/// A date-time of the event as office-local wall time. A zone neither the file defines nor
/// we know is taken as office time, with a warning (once per zone).
fn office_time(calendar: &IcalCalendar, w: When, warnings: &mut Vec<Msg>) -> NaiveDateTime {
    let office = clock::OFFICE_TZ;
    match w {
        When::Date(d) => d.and_time(NaiveTime::MIN),
        When::Local(t, None) => t,
        When::Local(t, Some(tzid)) => match instant_in(calendar, &tzid, t) {
            Some(i) => i.with_timezone(&office).naive_local(),
            None => {
                let shown: String = tzid.trim().trim_matches('"').chars().take(80).collect();
                let warning = Msg::t("import.unknown_zone", &[("tzid", &shown)]);
                if !warnings.contains(&warning) {
                    warnings.push(warning);
                }
                t
            }
        },
        When::Utc(t) => t.with_timezone(&office).naive_local(),
    }
}

/// The event's RRULE when the registration would accept it for this meeting (the limits of
/// [`recurrence::expand`]); otherwise None and a warning saying why.
fn accepted_rule(
    ev: &IcalEvent,
    start: NaiveDateTime,
    end: NaiveDateTime,
    warnings: &mut Vec<Msg>,
) -> Option<String> {
    let rule = prop(ev, "RRULE")?.value.clone()?;
    let office = clock::OFFICE_TZ;
    let first = clock::local_to_utc(office, start).unwrap_or_else(clock::now);
    let duration = (end - start).max(Duration::minutes(1));
    match recurrence::expand(office, first, duration, Some(&rule), &[]) {
        Ok(_) => Some(rule),
        Err(e) => {
            let shown: String = rule.chars().take(100).collect();
            let why = e.message();
            warnings.push(Msg::t_each(
                "import.rrule_dropped",
                &[("rule", &Msg::both(shown)), ("reason", &why)],
            ));
            None
        }
    }
}

/// Prefills a request from the first VEVENT of the file (nothing is created): times in office
/// time, warnings in `lang`.
pub fn meeting_prefill(parsed: &Parsed, lang: Lang) -> Result<Prefill> {
    let Some(ev) = parsed.calendar.events.first() else {
        return Err(bad(1, "import.line.no_event", &[]));
    };
    let line = parsed.event_lines.first().copied().unwrap_or(1);
    let mut warnings = Vec::new();
    let start_prop = prop(ev, "DTSTART").ok_or_else(|| bad(line, "import.line.no_dtstart", &[]))?;
    let start = when(start_prop, line)?;
    let end = match prop(ev, "DTEND") {
        Some(p) => Some(when(p, line)?),
        None => None,
    };
    let cal = &parsed.calendar;
    let local_start = match start {
        When::Date(d) => d.and_hms_opt(7, 30, 0).unwrap_or_default(),
        other => office_time(cal, other, &mut warnings),
    };
    let local_end = match end {
        Some(When::Date(d)) => d.and_hms_opt(17, 0, 0).unwrap_or_default() - Duration::days(1),
        Some(other) => office_time(cal, other, &mut warnings),
        None => local_start + Duration::hours(1),
    };
    let fmt = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M").to_string();
    let visibility = match text_of(ev, "CLASS").as_deref() {
        Some("PUBLIC") => Some(Visibility::Public),
        Some("CONFIDENTIAL") => Some(Visibility::Confidential),
        Some("PRIVATE") => Some(Visibility::Internal),
        _ => None,
    };
    let rrule = accepted_rule(ev, local_start, local_end, &mut warnings);
    if prop(ev, "ATTENDEE").is_some() {
        warnings.push(Msg::t("import.attendees_not_carried", &[]));
    }
    let meeting = MeetingInput {
        title: text_of(ev, "SUMMARY").unwrap_or_default(),
        agenda: text_of(ev, "DESCRIPTION"),
        location: text_of(ev, "LOCATION"),
        starts_at: fmt(local_start),
        ends_at: fmt(local_end),
        time_zone: Some(clock::OFFICE_TZ.name().to_string()),
        visibility,
        rrule,
        online_link: text_of(ev, "URL"),
        ..Default::default()
    };
    Ok(Prefill {
        meeting,
        warnings: warnings.iter().map(|w| w.pick(lang).to_string()).collect(),
    })
}

/// Every VEVENT as a closure: DTSTART;VALUE=DATE, DTEND exclusive (one day when absent).
pub fn closures(parsed: &Parsed) -> Result<Vec<ImportedClosure>> {
    let mut out = Vec::new();
    for (i, ev) in parsed.calendar.events.iter().enumerate() {
        let line = parsed.event_lines.get(i).copied().unwrap_or(1);
        let date = |name: &str| -> Result<Option<NaiveDate>> {
            match prop(ev, name) {
                None => Ok(None),
                Some(p) => match when(p, line)? {
                    When::Date(d) => Ok(Some(d)),
                    _ => Err(bad(line, "import.line.closure_not_date", &[("name", name)])),
                },
            }
        };
        let start = date("DTSTART")?.ok_or_else(|| bad(line, "import.line.no_dtstart", &[]))?;
        let end = match date("DTEND")? {
            Some(e) if e > start => e - Duration::days(1),
            Some(_) => return Err(bad(line, "import.line.dtend_before_dtstart", &[])),
            None => start,
        };
        if end - start > Duration::days(31) {
            return Err(bad(line, "import.line.closure_too_long", &[]));
        }
        let reason = text_of(ev, "SUMMARY")
            .unwrap_or_else(|| i18n::vietnamese("import.closure_default_reason"));
        out.push(ImportedClosure {
            starts_on: start,
            ends_on: end,
            reason: reason.chars().take(500).collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTLOOK: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n\
VERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
ATTENDEE;CN=\"Nguyễn Văn A, Phó Chánh VP\";RSVP=TRUE:mailto:a@example.vn\r\n\
DESCRIPTION:1. Báo cáo tiến độ\\; kiến nghị\\, đề xuất\\n2. Kết luận của lãnh đạo \r\n  UBND tỉnh\r\n\
DTSTART;TZID=\"SE Asia Standard Time\":20270310T083000\r\n\
DTEND;TZID=\"SE Asia Standard Time\":20270310T110000\r\n\
LOCATION:Phòng họp số 5\\, tầng 2\r\nSUMMARY:Họp bàn kế hoạch đầu tư công tr\r\n ên địa bàn tỉnh\r\n\
CLASS:PUBLIC\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn an_outlook_invitation_prefills_a_request() {
        let p = meeting_prefill(&parse(OUTLOOK.as_bytes()).unwrap(), Lang::En).unwrap();
        let m = p.meeting;
        assert_eq!(m.title, "Họp bàn kế hoạch đầu tư công trên địa bàn tỉnh");
        assert_eq!(
            m.agenda.as_deref(),
            Some("1. Báo cáo tiến độ; kiến nghị, đề xuất\n2. Kết luận của lãnh đạo  UBND tỉnh")
        );
        assert_eq!(m.location.as_deref(), Some("Phòng họp số 5, tầng 2"));
        assert_eq!(m.starts_at, "2027-03-10T08:30");
        assert_eq!(m.ends_at, "2027-03-10T11:00");
        assert_eq!(m.time_zone.as_deref(), Some("Asia/Ho_Chi_Minh"));
        assert_eq!(m.visibility, Some(Visibility::Public));
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn a_bad_file_is_refused_naming_the_line() {
        for (file, line) in [
            ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY no colon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 4),
            ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n", 3),
            ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n", 2),
            ("VERSION:2.0\r\n", 1),
            ("BEGIN:VCALENDAR\n\n;X=1:y\nEND:VCALENDAR\n", 3),
            ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2027-01-01\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 2),
        ] {
            let e = parse(file.as_bytes()).and_then(|p| meeting_prefill(&p, Lang::Vi).map(|_| ()));
            let e = e.expect_err(file);
            assert_eq!(e.field(), Some(format!("line {line}").as_str()), "{file}: {e}");
        }
        let mut bytes = b"BEGIN:VCALENDAR\r\nSUMMARY:".to_vec();
        bytes.extend([0xff, 0xfe]);
        assert_eq!(parse(&bytes).err().unwrap().field(), Some("line 2"));
    }

    #[test]
    fn hostile_files_are_refused_by_size_and_shape() {
        let huge = "X".repeat(MAX_BYTES + 1);
        assert!(matches!(
            parse(huge.as_bytes()),
            Err(Error::PayloadTooLarge(_))
        ));
        let deep = format!(
            "BEGIN:VCALENDAR\r\n{}",
            "BEGIN:VEVENT\r\n".repeat(MAX_DEPTH + 2)
        );
        assert!(parse(deep.as_bytes()).is_err());
        let long = format!("BEGIN:VCALENDAR\r\nX:{}\r\n", " y".repeat(MAX_LINE));
        assert!(parse(long.as_bytes()).is_err());
        let many = format!(
            "BEGIN:VCALENDAR\r\n{}END:VCALENDAR\r\n",
            "BEGIN:VEVENT\r\nEND:VEVENT\r\n".repeat(MAX_COMPONENTS + 1)
        );
        assert!(parse(many.as_bytes()).is_err());
    }

    #[test]
    fn a_hostile_vtimezone_costs_little_and_its_offset_still_holds() {
        let file = "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\n\
BEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nRRULE:FREQ=SECONDLY\r\n\
TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\n\
BEGIN:DAYLIGHT\r\nDTSTART:16010101T000000\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n\
TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nDTSTART;TZID=X:20270412T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let started = std::time::Instant::now();
        let p = meeting_prefill(&parse(file.as_bytes()).unwrap(), Lang::Vi).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(p.meeting.starts_at, "2027-04-12T08:00");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn holidays_become_closures() {
        let file = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270429\r\nDTEND;VALUE=DATE:20270502\r\nSUMMARY:Nghỉ lễ 30/4 và 1/5\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270902\r\nSUMMARY:Quốc khánh\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let c = closures(&parse(file.as_bytes()).unwrap()).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].starts_on.to_string(), "2027-04-29");
        assert_eq!(c[0].ends_on.to_string(), "2027-05-01");
        assert_eq!(c[0].reason, "Nghỉ lễ 30/4 và 1/5");
        assert_eq!(c[1].ends_on, c[1].starts_on);
        let timed = file.replace("DTSTART;VALUE=DATE:20270902", "DTSTART:20270902T080000");
        let e = closures(&parse(timed.as_bytes()).unwrap()).unwrap_err();
        assert_eq!(e.field(), Some("line 8"));
    }
}
