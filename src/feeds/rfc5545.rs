//! Our own RFC 5545 writer (and the two import helpers) over the `ical` crate's types.
//!
//! Model: `ical::generator::IcalCalendar` (same type as
//! `ical::parser::ical::component::IcalCalendar`) with its `properties`,
//! `timezones`, `events` (each with `alarms`), `todos`, `journals`,
//! `free_busys` and top-level `alarms`; `ical::property::Property` is
//! `{ name, params: Option<Vec<(String, Vec<String>)>>, value: Option<String> }`.
//!
//! Division of labour:
//! * `Property::value` holds the value *as it goes on the wire*: TEXT values
//!   must already be escaped ([`escape_text`], or build them with
//!   [`text_property`]). Non-TEXT values (DATE-TIME, CAL-ADDRESS, ...) must not
//!   be escaped, which is why the writer cannot do it for the caller.
//! * Parameter values are stored *unquoted*; [`write_property`] quotes them.
//! * [`write_property`] does the folding and the CRLFs.
//!
//! Import: iCalendar text → [`unfold`] → `ical::IcalParser` → [`unescape_text`]
//! on TEXT values (the crate's parser neither unescapes nor unfolds correctly).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz, TzOffset};
use ical::generator::{IcalCalendar, IcalEvent};
use ical::parser::ical::component::{
    IcalAlarm, IcalTimeZone, IcalTimeZoneTransition, IcalTimeZoneTransitionType, IcalTodo,
};
use ical::property::Property;

const CRLF: &str = "\r\n";

/// §3.1: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line break."
const MAX_LINE_OCTETS: usize = 75;

/// §3.1 defines CONTROL = %x00-08 / %x0A-1F / %x7F: not allowed in parameter
/// values (SAFE-CHAR/QSAFE-CHAR) nor in property values (VALUE-CHAR/TSAFE-CHAR).
/// HTAB is WSP and is allowed.
fn is_control(c: char) -> bool {
    (c < '\x20' && c != '\t') || c == '\x7f'
}

// ---------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------

/// Escapes a TEXT value (§3.3.11).
///
/// `\` → `\\`, `;` → `\;`, `,` → `\,`, and every newline (CRLF, LF or a lone
/// CR) → `\n`. Other control characters are dropped: TSAFE-CHAR excludes
/// CONTROL and there is no escape for them. `:` and `"` are legal in TEXT and
/// are left alone.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF is one newline, not two.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if is_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Inverse of [`escape_text`] (§3.3.11): `\n` and `\N` → LF, `\,` → `,`,
/// `\;` → `;`, `\\` → `\`. Any other backslash sequence (and a trailing lone
/// backslash) is kept verbatim, since senders in the wild emit things like
/// `\:` and dropping the backslash would be a guess.
///
/// Apply it to single TEXT values only: for multi-valued TEXT properties
/// (CATEGORIES, RESOURCES) split on unescaped commas first.
pub fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c @ (',' | ';' | '\\')) => out.push(c),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Folding
// ---------------------------------------------------------------------------

/// Folds one logical content line (§3.1) and terminates every physical line
/// with CRLF.
///
/// * No physical line exceeds 75 octets excluding the CRLF; the leading space
///   of a continuation line counts towards the 75.
/// * A multi-octet UTF-8 character is never split ("Multi-octet characters
///   MUST remain contiguous"), so every physical line is valid UTF-8.
/// * When possible the fold does not touch whitespace (a physical line neither
///   ends with nor continues with a space/tab of the value), see `fold_point`.
///
/// `line` must be a single content line, i.e. contain no CR or LF
/// ([`write_property`] guarantees that).
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 3 * (line.len() / 72 + 1));
    let mut rest = line;
    let mut budget = MAX_LINE_OCTETS;
    while rest.len() > budget {
        let cut = fold_point(rest, budget);
        out.push_str(&rest[..cut]);
        out.push_str(CRLF);
        out.push(' '); // §3.1: CRLF followed by a single whitespace = fold
        rest = &rest[cut..];
        budget = MAX_LINE_OCTETS - 1; // the leading space takes one octet
    }
    out.push_str(rest);
    out.push_str(CRLF);
    out
}

/// Byte index at which to break `s` so the piece fits into `budget` octets.
///
/// Prefers a break between two non-whitespace characters (usually inside a
/// word): the RFC allows a fold anywhere, but lenient readers either trim
/// trailing whitespace from physical lines (the `ical` crate does) or strip
/// all leading whitespace from continuation lines, and either would eat a
/// space of the value if the fold touched one. Falls back to the longest
/// piece when there is no such spot (e.g. a run of blanks).
///
/// Always > 0 (budget ≥ 74 ≥ the 4 octets of the longest UTF-8 character),
/// so folding always makes progress.
fn fold_point(s: &str, budget: usize) -> usize {
    let is_ws = |c: char| c == ' ' || c == '\t';
    let mut max = budget;
    while !s.is_char_boundary(max) {
        max -= 1;
    }
    // `s.len() > budget >= max`, so there is a character after `max`.
    let mut next = s[max..].chars().next().unwrap_or('x');
    for (i, c) in s[..max].char_indices().rev() {
        if !is_ws(c) && !is_ws(next) {
            return i + c.len_utf8();
        }
        next = c;
    }
    max
}

/// Unfolds iCalendar text (§3.1): a line break immediately followed by one
/// space or tab is removed together with that *single* whitespace character
/// (any further whitespace is content).
///
/// Line breaks are CRLF, LF or a lone CR (lenient: only CRLF is legal, but
/// LF-only files are common). The remaining (real) line breaks are normalised
/// to LF, so the result is one logical content line per LF-terminated line,
/// ready for `ical::IcalParser`.
pub fn unfold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if matches!(chars.peek(), Some(' ' | '\t')) {
                    chars.next(); // a fold: drop the break and exactly one WSP
                } else {
                    out.push('\n');
                }
            }
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// Renders one parameter value (§3.2).
///
/// * `param-value = paramtext / quoted-string`; a value containing `:`, `;`
///   or `,` must be a quoted-string, otherwise it would end the parameter.
/// * DQUOTE cannot appear in either form (there is no escape in RFC 5545;
///   RFC 6868's `^'` is not widely supported), so it is replaced with `'`.
/// * CONTROL characters are not SAFE-CHAR/QSAFE-CHAR and are dropped.
///
/// Non-ASCII (e.g. `Nguyễn Văn A, Phó Chánh VP`) is allowed as NON-US-ASCII
/// and passes through; an empty value is a legal empty `paramtext`.
pub fn param_value(v: &str) -> String {
    let clean: String = v
        .chars()
        .filter(|&c| !is_control(c))
        .map(|c| if c == '"' { '\'' } else { c })
        .collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// Writes a property as a folded content line ending in CRLF (§3.1):
/// `NAME;PARAM=v1,v2;...:value`.
///
/// The value is written as given (TEXT must be escaped by the caller, see
/// [`text_property`]), with one safety net: a raw line break in the value
/// would break the content-line framing, so CRLF/LF/CR become the `\n` escape
/// and other CONTROL characters are dropped (neither is ever legal in a value,
/// §3.1 VALUE-CHAR). A `None` value is written as empty.
pub fn write_property(p: &Property) -> String {
    let mut line = String::with_capacity(p.name.len() + 64);
    line.push_str(&p.name);
    for (name, values) in p.params.iter().flatten() {
        line.push(';');
        line.push_str(name);
        line.push('=');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                line.push(','); // §3.2: multiple values are comma-separated
            }
            line.push_str(&param_value(v));
        }
    }
    line.push(':');
    if let Some(value) = &p.value {
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' | '\n' => {
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line.push_str("\\n");
                }
                c if is_control(c) => {}
                c => line.push(c),
            }
        }
    }
    fold_line(&line)
}

/// A property with a value written verbatim (for non-TEXT values such as
/// DATE-TIME, DURATION, INTEGER, CAL-ADDRESS or fixed tokens).
pub fn raw_property(name: &str, value: &str) -> Property {
    Property {
        name: name.to_string(),
        params: None,
        value: Some(value.to_string()),
    }
}

/// A TEXT property (§3.3.11) built from unescaped text: the value is stored
/// escaped, ready for [`write_property`]. Add params afterwards if needed
/// (`p.params = Some(vec![("LANGUAGE".into(), vec!["vi".into()])])`).
pub fn text_property(name: &str, value: &str) -> Property {
    raw_property(name, &escape_text(value))
}

/// A DATE-TIME property in UTC, form #2 of §3.3.5 (`19980119T070000Z`).
/// DTSTAMP, CREATED and LAST-MODIFIED must be in this form (§3.8.7), which is
/// what the `ical` crate's `.changed()` gets wrong (it adds a TZID).
pub fn utc_property(name: &str, t: &DateTime<Utc>) -> Property {
    raw_property(name, &t.format("%Y%m%dT%H%M%SZ").to_string())
}

/// A DATE-TIME property in local time with a time zone reference, form #3 of
/// §3.3.5 (`DTSTART;TZID=Asia/Ho_Chi_Minh:20260115T080000`). The calendar must
/// contain a VTIMEZONE with that TZID (§3.2.19), see [`vtimezone`].
pub fn local_property(name: &str, t: &NaiveDateTime, tzid: &str) -> Property {
    Property {
        name: name.to_string(),
        params: Some(vec![("TZID".to_string(), vec![tzid.to_string()])]),
        value: Some(t.format("%Y%m%dT%H%M%S").to_string()),
    }
}

// ---------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------

/// An empty calendar with the two properties §3.6 requires: PRODID (TEXT,
/// escaped here) and VERSION:2.0; plus CALSCALE:GREGORIAN, the default, made
/// explicit for picky clients.
pub fn new_calendar(prodid: &str) -> IcalCalendar {
    let mut cal = IcalCalendar::new();
    cal.properties.push(text_property("PRODID", prodid));
    cal.properties.push(raw_property("VERSION", "2.0"));
    cal.properties.push(raw_property("CALSCALE", "GREGORIAN"));
    cal
}

fn write_props(out: &mut String, props: &[Property]) {
    for p in props {
        out.push_str(&write_property(p));
    }
}

/// BEGIN:x / END:x are content lines like any other (§3.4, §3.6).
fn delimiter(out: &mut String, which: &str, kind: &str) {
    out.push_str(&write_property(&raw_property(which, kind)));
}

fn write_simple(out: &mut String, kind: &str, props: &[Property]) {
    delimiter(out, "BEGIN", kind);
    write_props(out, props);
    delimiter(out, "END", kind);
}

fn write_alarms(out: &mut String, alarms: &[IcalAlarm]) {
    for a in alarms {
        write_simple(out, "VALARM", &a.properties);
    }
}

fn write_timezone(out: &mut String, tz: &IcalTimeZone) {
    delimiter(out, "BEGIN", "VTIMEZONE");
    write_props(out, &tz.properties);
    for t in &tz.transitions {
        let kind = match t.transition {
            IcalTimeZoneTransitionType::STANDARD => "STANDARD",
            IcalTimeZoneTransitionType::DAYLIGHT => "DAYLIGHT",
        };
        write_simple(out, kind, &t.properties);
    }
    delimiter(out, "END", "VTIMEZONE");
}

fn write_event(out: &mut String, ev: &IcalEvent) {
    delimiter(out, "BEGIN", "VEVENT");
    write_props(out, &ev.properties);
    write_alarms(out, &ev.alarms); // §3.6.1: VALARMs nest inside the VEVENT
    delimiter(out, "END", "VEVENT");
}

fn write_todo(out: &mut String, todo: &IcalTodo) {
    delimiter(out, "BEGIN", "VTODO");
    write_props(out, &todo.properties);
    write_alarms(out, &todo.alarms);
    delimiter(out, "END", "VTODO");
}

/// Writes a whole iCalendar object (§3.4, §3.6): BEGIN:VCALENDAR, its
/// properties, then every VTIMEZONE (with STANDARD/DAYLIGHT), VEVENT (with
/// VALARMs), VTODO, VJOURNAL, VFREEBUSY, END:VCALENDAR. Every line goes
/// through [`write_property`], so the output is CRLF-only and folded.
///
/// VTIMEZONEs come first so that readers that resolve TZID in one pass find
/// them before use (not required by the RFC, but harmless). The crate's type
/// also has a top-level `alarms` list (its parser accepts stray VALARMs);
/// they are written last, as found, although §3.6.6 only allows VALARM inside
/// VEVENT/VTODO: lichhop should never put any there.
pub fn write_calendar(cal: &IcalCalendar) -> String {
    let mut out = String::new();
    delimiter(&mut out, "BEGIN", "VCALENDAR");
    write_props(&mut out, &cal.properties);
    for tz in &cal.timezones {
        write_timezone(&mut out, tz);
    }
    for ev in &cal.events {
        write_event(&mut out, ev);
    }
    for todo in &cal.todos {
        write_todo(&mut out, todo);
    }
    for j in &cal.journals {
        write_simple(&mut out, "VJOURNAL", &j.properties);
    }
    for fb in &cal.free_busys {
        write_simple(&mut out, "VFREEBUSY", &fb.properties);
    }
    write_alarms(&mut out, &cal.alarms);
    delimiter(&mut out, "END", "VCALENDAR");
    out
}

// ---------------------------------------------------------------------------
// VTIMEZONE from chrono-tz
// ---------------------------------------------------------------------------

/// UTC-OFFSET value (§3.3.14): `+HHMM`, or `+HHMMSS` when seconds are not
/// zero (old LMT offsets). "-0000" is not allowed, so zero is `+0000`.
fn format_utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

fn offset_at(tz: Tz, ts: i64) -> TzOffset {
    // Callers clamp years to 1..=9999, always inside chrono's range.
    let utc = DateTime::from_timestamp(ts, 0).expect("timestamp in chrono range");
    tz.offset_from_utc_datetime(&utc.naive_utc())
}

fn total_secs(o: &TzOffset) -> i32 {
    o.fix().local_minus_utc()
}

fn year_start(year: i32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .expect("year clamped into range")
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
}

/// Instants (UTC seconds) in `[start, end)` at which the zone's UTC offset
/// changes; each is the first second of the new offset.
///
/// Scans in one-day steps and bisects each step where the offset differs
/// down to the second. Assumes at most one change per day, which holds for
/// all real zones (a change and its reversal within the same day would be
/// missed, as would be harmless).
fn offset_changes(tz: Tz, start: i64, end: i64) -> Vec<i64> {
    const STEP: i64 = 86_400;
    let mut found = Vec::new();
    let mut lo = start;
    let mut lo_off = total_secs(&offset_at(tz, lo));
    while lo < end {
        let hi = (lo + STEP).min(end);
        let hi_off = total_secs(&offset_at(tz, hi));
        if hi_off != lo_off {
            // Invariant: offset(a) == lo_off, offset(b) != lo_off.
            let (mut a, mut b) = (lo, hi);
            while b - a > 1 {
                let mid = a + (b - a) / 2;
                if total_secs(&offset_at(tz, mid)) == lo_off {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            if b < end {
                found.push(b);
            }
        }
        lo = hi;
        lo_off = hi_off;
    }
    found
}

/// One STANDARD or DAYLIGHT sub-component (§3.6.5) for an onset at local
/// time `dtstart` (local time *before* the onset, i.e. in `from`'s offset),
/// moving from offset `from` to offset `to`.
fn observance(from: &TzOffset, to: &TzOffset, dtstart: NaiveDateTime) -> IcalTimeZoneTransition {
    // DAYLIGHT iff the offset being entered includes a DST component.
    let kind = if to.dst_offset().num_seconds() != 0 {
        IcalTimeZoneTransitionType::DAYLIGHT
    } else {
        IcalTimeZoneTransitionType::STANDARD
    };
    let mut t = IcalTimeZoneTransition::new(kind);
    // §3.6.5: DTSTART here is a local DATE-TIME without TZID or "Z".
    t.properties.push(raw_property(
        "DTSTART",
        &dtstart.format("%Y%m%dT%H%M%S").to_string(),
    ));
    t.properties.push(raw_property(
        "TZOFFSETFROM",
        &format_utc_offset(total_secs(from)),
    ));
    t.properties.push(raw_property(
        "TZOFFSETTO",
        &format_utc_offset(total_secs(to)),
    ));
    // TZNAME is TEXT (§3.8.3.2). chrono-tz has no abbreviation for zones whose
    // tzdb name is numeric (Asia/Ho_Chi_Minh is "+07"); rebuild it like tzdb.
    let name = match to.abbreviation() {
        Some(abbr) => abbr.to_string(),
        None => numeric_zone_name(total_secs(to)),
    };
    t.properties.push(text_property("TZNAME", &name));
    t
}

/// tzdb's numeric abbreviation (`%z` in zic): `+07`, `-0330`, `+001932`.
fn numeric_zone_name(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    match (m, s) {
        (0, 0) => format!("{sign}{h:02}"),
        (_, 0) => format!("{sign}{h:02}{m:02}"),
        _ => format!("{sign}{h:02}{m:02}{s:02}"),
    }
}

/// Builds a VTIMEZONE (§3.6.5) for `tz` from chrono-tz's offset data,
/// covering the years `from_year..=to_year`.
///
/// Contents:
/// * `TZID` = the IANA name (e.g. `Asia/Ho_Chi_Minh`).
/// * A lead-in observance with the offset in force on 1 January of
///   `from_year` (UTC), with `TZOFFSETFROM` = `TZOFFSETTO` and
///   `DTSTART:19700101T000000` (or 1 January of `from_year` if that is earlier).
///   An observance only applies from its onset, so without it local times
///   before the first transition in range would be undefined. For a zone
///   without changes in range (Asia/Ho_Chi_Minh: +0700 since 1975) this is the
///   only sub-component: `STANDARD`, `+0700` → `+0700`, from 1970, as most
///   producers emit it. Dates before `from_year` are thus only approximate.
/// * One STANDARD/DAYLIGHT per offset change found in the range, with
///   `DTSTART` = the local wall-clock time just before the change (e.g.
///   Europe/Paris: `20260329T020000` +0100→+0200, `20261025T030000`
///   +0200→+0100), `TZOFFSETFROM`, `TZOFFSETTO`, and `TZNAME` when tzdb has an
///   abbreviation (it may be numeric, e.g. `+07`).
///
/// Each change is listed explicitly (no RRULE): simple, exact, and valid for
/// zones whose rules changed within the range. Years are clamped to 1..=9998
/// because DATE-TIME needs a four-digit year (§3.3.4).
pub fn vtimezone(tz: Tz, from_year: i32, to_year: i32) -> IcalTimeZone {
    let from_year = from_year.clamp(1, 9998);
    let to_year = to_year.clamp(1, 9998);
    let start = year_start(from_year).and_utc().timestamp();
    let end = year_start(to_year + 1).and_utc().timestamp();

    let mut vtz = IcalTimeZone::new();
    vtz.properties.push(raw_property("TZID", tz.name()));

    let initial = offset_at(tz, start);
    vtz.transitions.push(observance(
        &initial,
        &initial,
        year_start(from_year.min(1970)),
    ));

    for onset in offset_changes(tz, start, end) {
        let before = offset_at(tz, onset - 1);
        let after = offset_at(tz, onset);
        let local_before = DateTime::from_timestamp(onset + i64::from(total_secs(&before)), 0)
            .expect("timestamp in chrono range")
            .naive_utc();
        vtz.transitions
            .push(observance(&before, &after, local_before));
    }
    vtz
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use ical::IcalParser;

    const VI: &str = "Hội nghị sơ kết công tác chuyển đổi số tỉnh Quảng Ngãi năm 2026; ";

    /// Byte-level checks on writer output: CRLF only, ≤ 75 octets per
    /// physical line, each physical line valid UTF-8 on its own.
    fn assert_wire_format(out: &str) {
        let bytes = out.as_bytes();
        assert!(bytes.ends_with(b"\r\n"), "must end with CRLF");
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at byte {i}");
            }
            if b == b'\r' {
                assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
            }
        }
        let body = &bytes[..bytes.len() - 2];
        for line in body.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(
                line.len() <= 75,
                "line of {} octets: {:?}",
                line.len(),
                String::from_utf8_lossy(line)
            );
            assert!(
                std::str::from_utf8(line).is_ok(),
                "physical line not UTF-8 on its own"
            );
        }
    }

    #[test]
    fn escape_text_escapes_specials_and_newlines() {
        assert_eq!(
            escape_text("a,b;c\\d\ne\r\nf\rg:\"h\"\u{7}"),
            "a\\,b\\;c\\\\d\\ne\\nf\\ng:\"h\""
        );
        assert_eq!(escape_text(""), "");
        assert_eq!(escape_text("Phòng họp số 2"), "Phòng họp số 2");
    }

    #[test]
    fn escape_round_trips_through_unescape() {
        for s in [
            "",
            "plain",
            "a,b;c\\d",
            "line1\nline2\n\nline4\n",
            "literal backslash-n: \\n and \\, and \\\\",
            "\\",
            ",;\\\n,;\\",
            "Phó Chánh VP, Sở TT&TT; Phòng 3\\A\nGhi chú: mang theo tài liệu",
        ] {
            assert_eq!(unescape_text(&escape_text(s)), s, "round trip of {s:?}");
        }
        // CRLF and lone CR come back as LF (documented normalisation).
        assert_eq!(unescape_text(&escape_text("a\r\nb\rc")), "a\nb\nc");
    }

    #[test]
    fn unescape_handles_capital_n_and_keeps_unknown_escapes() {
        assert_eq!(unescape_text("a\\Nb\\nc"), "a\nb\nc");
        assert_eq!(unescape_text("x\\:y\\tz\\"), "x\\:y\\tz\\");
    }

    #[test]
    fn fold_short_and_boundary_lines() {
        assert_eq!(fold_line("A:b"), "A:b\r\n");
        assert_eq!(fold_line(""), "\r\n");
        let exactly75 = "X".repeat(75);
        assert_eq!(fold_line(&exactly75), format!("{exactly75}\r\n"));
        let s76 = "X".repeat(76);
        assert_eq!(fold_line(&s76), format!("{}\r\n X\r\n", "X".repeat(75)));
        // second physical line holds 74 octets + the space
        let s150 = "Y".repeat(150);
        assert_eq!(
            fold_line(&s150),
            format!("{}\r\n {}\r\n {}\r\n", "Y".repeat(75), "Y".repeat(74), "Y")
        );
    }

    #[test]
    fn fold_long_vietnamese_line_and_unfold_restores_it() {
        let line = format!("DESCRIPTION:{}", escape_text(&VI.repeat(6)));
        let folded = fold_line(&line);
        assert_wire_format(&folded);
        assert!(folded.matches("\r\n").count() > 3, "should actually fold");
        for cont in folded.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
            assert!(cont.starts_with(' '), "{cont:?}");
        }
        assert_eq!(unfold(&folded), format!("{line}\n"));

        // Worst case for UTF-8: only 3-octet characters, so naive cuts land mid-character.
        let dense = format!("SUMMARY:{}", "ễ".repeat(200));
        let folded = fold_line(&dense);
        assert_wire_format(&folded);
        assert_eq!(unfold(&folded), format!("{dense}\n"));
    }

    #[test]
    fn fold_avoids_trailing_whitespace_on_physical_lines() {
        let line = format!("SUMMARY:{}", "ab ".repeat(60));
        let folded = fold_line(&line);
        assert_wire_format(&folded);
        let lines: Vec<&str> = folded.split("\r\n").collect();
        // (the last line is the value's own trailing "ab " and then "")
        for l in &lines[..lines.len() - 2] {
            assert!(!l.ends_with(' '), "{l:?}");
        }
        for l in &lines[1..lines.len() - 1] {
            assert!(l.starts_with(' ') && !l.starts_with("  "), "{l:?}");
        }
        assert_eq!(unfold(&folded), format!("{line}\n"));
        // All-blank stretches still fold and round-trip.
        let blank = format!("X:{}", " ".repeat(200));
        assert_eq!(unfold(&fold_line(&blank)), format!("{blank}\n"));
    }

    #[test]
    fn unfold_removes_exactly_one_whitespace_and_normalises_breaks() {
        assert_eq!(unfold("A:b\r\n  c\r\nB:d\r\n"), "A:b c\nB:d\n");
        assert_eq!(unfold("A:b\n\tc\nB:d\n"), "A:bc\nB:d\n");
        assert_eq!(unfold("A:b\r\tc\rB:d"), "A:bc\nB:d");
    }

    #[test]
    fn param_value_quotes_and_sanitises() {
        assert_eq!(
            param_value("Nguyễn Văn A, Phó Chánh VP"),
            "\"Nguyễn Văn A, Phó Chánh VP\""
        );
        assert_eq!(param_value("Trần Thị Bích"), "Trần Thị Bích");
        assert_eq!(param_value(""), "");
        assert_eq!(param_value("mailto:a@x.vn"), "\"mailto:a@x.vn\"");
        assert_eq!(param_value("a;b"), "\"a;b\"");
        assert_eq!(param_value("say \"hi\""), "say 'hi'");
        assert_eq!(param_value("a\u{0}b\nc\r\u{7f}d"), "abcd");
        assert_eq!(param_value("\""), "'");
        assert_eq!(param_value("ễ,"), "\"ễ,\"");
    }

    #[test]
    fn write_property_params_values_and_safety_net() {
        let mut p = raw_property("ATTENDEE", "mailto:a@quangngai.gov.vn");
        p.params = Some(vec![
            ("CN".into(), vec!["Nguyễn Văn A, Phó Chánh VP".into()]),
            ("ROLE".into(), vec!["REQ-PARTICIPANT".into()]),
            (
                "MEMBER".into(),
                vec!["mailto:x@y.vn".into(), "mailto:z@y.vn".into()],
            ),
        ]);
        let out = write_property(&p);
        assert_wire_format(&out);
        assert_eq!(
            unfold(&out),
            "ATTENDEE;CN=\"Nguyễn Văn A, Phó Chánh VP\";ROLE=REQ-PARTICIPANT;\
             MEMBER=\"mailto:x@y.vn\",\"mailto:z@y.vn\":mailto:a@quangngai.gov.vn\n"
        );
        // A forgotten escape must not break the CRLF framing.
        let bad = raw_property("SUMMARY", "a\nb\r\nc\u{1b}");
        assert_eq!(write_property(&bad), "SUMMARY:a\\nb\\nc\r\n");
        assert_eq!(
            write_property(&Property {
                name: "X-EMPTY".into(),
                params: None,
                value: None
            }),
            "X-EMPTY:\r\n"
        );
        assert_eq!(
            write_property(&text_property("LOCATION", "Phòng 2, tầng 3")),
            "LOCATION:Phòng 2\\, tầng 3\r\n"
        );
    }

    fn prop<'a>(props: &'a [Property], name: &str) -> &'a Property {
        props
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    }

    fn kind(t: &IcalTimeZoneTransition) -> &'static str {
        match t.transition {
            IcalTimeZoneTransitionType::STANDARD => "STANDARD",
            IcalTimeZoneTransitionType::DAYLIGHT => "DAYLIGHT",
        }
    }

    #[test]
    fn whole_calendar_round_trips_through_ical_parser() {
        let summary = format!(
            "{}Phó Chánh VP chủ trì, thành phần: Sở TT&TT; \\ ghi chú",
            VI.repeat(3)
        );
        let description = "Dòng 1: chuẩn bị báo cáo\nDòng 2: a,b;c\\d\n\nKết thúc.";
        let tzid = "Asia/Ho_Chi_Minh";

        let mut cal = new_calendar("-//UBND tỉnh Quảng Ngãi//lichhop 1.0//VI");
        cal.timezones
            .push(vtimezone(chrono_tz::Asia::Ho_Chi_Minh, 2026, 2026));
        let mut ev = IcalEvent::new();
        ev.properties.push(raw_property(
            "UID",
            "20260115-0001@lichhop.quangngai.gov.vn",
        ));
        ev.properties.push(utc_property(
            "DTSTAMP",
            &Utc.with_ymd_and_hms(2026, 1, 10, 2, 30, 0).unwrap(),
        ));
        let start = NaiveDate::from_ymd_opt(2026, 1, 15)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        ev.properties.push(local_property("DTSTART", &start, tzid));
        ev.properties.push(local_property(
            "DTEND",
            &(start + chrono::Duration::hours(2)),
            tzid,
        ));
        ev.properties.push(text_property("SUMMARY", &summary));
        ev.properties
            .push(text_property("DESCRIPTION", description));
        ev.properties
            .push(text_property("LOCATION", "Hội trường A, UBND tỉnh"));
        let mut att = raw_property("ATTENDEE", "mailto:nva@quangngai.gov.vn");
        att.params = Some(vec![
            ("CN".into(), vec!["Nguyễn Văn A, Phó Chánh VP".into()]),
            ("PARTSTAT".into(), vec!["NEEDS-ACTION".into()]),
        ]);
        ev.properties.push(att);
        let mut alarm = IcalAlarm::new();
        alarm.properties.push(raw_property("ACTION", "DISPLAY"));
        alarm.properties.push(raw_property("TRIGGER", "-PT15M"));
        alarm
            .properties
            .push(text_property("DESCRIPTION", "Sắp họp: Hội trường A, 08:00"));
        ev.alarms.push(alarm);
        cal.events.push(ev);

        let out = write_calendar(&cal);
        assert_wire_format(&out);
        assert!(out.starts_with("BEGIN:VCALENDAR\r\nPRODID:"));
        assert!(out.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(out.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0700\r\nTZOFFSETTO:+0700\r\n"));
        assert!(out.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20260115T080000\r\n"));
        assert!(out.contains("DTSTAMP:20260110T023000Z\r\n"));
        assert!(out.contains("BEGIN:VALARM\r\n"));

        // Our unfold first (the crate's own unfolding is lossy in general);
        // thanks to the no-trailing-whitespace folding the raw text parses
        // identically too.
        for input in [unfold(&out), out.clone()] {
            let parsed: Vec<_> = IcalParser::new(input.as_bytes()).collect();
            assert_eq!(parsed.len(), 1);
            let back = parsed.into_iter().next().unwrap().expect("parses");

            assert_eq!(back.properties, cal.properties);
            assert_eq!(back.timezones.len(), 1);
            let (tz0, tz1) = (&cal.timezones[0], &back.timezones[0]);
            assert_eq!(tz1.properties, tz0.properties);
            assert_eq!(tz1.transitions.len(), tz0.transitions.len());
            for (a, b) in tz0.transitions.iter().zip(&tz1.transitions) {
                assert_eq!(kind(a), kind(b));
                assert_eq!(a.properties, b.properties);
            }
            assert_eq!(back.events.len(), 1);
            let (e0, e1) = (&cal.events[0], &back.events[0]);
            assert_eq!(e1.properties, e0.properties); // names, params (unquoted), values
            assert_eq!(e1.alarms.len(), 1);
            assert_eq!(e1.alarms[0].properties, e0.alarms[0].properties);

            let text = |name| unescape_text(prop(&e1.properties, name).value.as_deref().unwrap());
            assert_eq!(text("SUMMARY"), summary);
            assert_eq!(text("DESCRIPTION"), description);
            assert_eq!(text("LOCATION"), "Hội trường A, UBND tỉnh");
            let cn = &prop(&e1.properties, "ATTENDEE").params.as_ref().unwrap()[0];
            assert_eq!(
                cn,
                &(
                    "CN".to_string(),
                    vec!["Nguyễn Văn A, Phó Chánh VP".to_string()]
                )
            );
            assert_eq!(
                unescape_text(
                    prop(&e1.alarms[0].properties, "DESCRIPTION")
                        .value
                        .as_deref()
                        .unwrap()
                ),
                "Sắp họp: Hội trường A, 08:00"
            );
        }
    }

    /// (kind, DTSTART, TZOFFSETFROM, TZOFFSETTO, TZNAME) of each sub-component.
    fn summarise(vtz: &IcalTimeZone) -> Vec<(&'static str, String, String, String, String)> {
        vtz.transitions
            .iter()
            .map(|t| {
                let v = |n| prop(&t.properties, n).value.clone().unwrap_or_default();
                (
                    kind(t),
                    v("DTSTART"),
                    v("TZOFFSETFROM"),
                    v("TZOFFSETTO"),
                    v("TZNAME"),
                )
            })
            .collect()
    }

    fn row(
        k: &'static str,
        d: &str,
        f: &str,
        t: &str,
        n: &str,
    ) -> (&'static str, String, String, String, String) {
        (k, d.into(), f.into(), t.into(), n.into())
    }

    #[test]
    fn vtimezone_ho_chi_minh_single_standard() {
        let vtz = vtimezone(chrono_tz::Asia::Ho_Chi_Minh, 2020, 2030);
        assert_eq!(
            prop(&vtz.properties, "TZID").value.as_deref(),
            Some("Asia/Ho_Chi_Minh")
        );
        let s = summarise(&vtz);
        assert_eq!(s.len(), 1);
        let (k, dtstart, from, to, name) = &s[0];
        assert_eq!(
            (*k, dtstart.as_str(), from.as_str(), to.as_str()),
            ("STANDARD", "19700101T000000", "+0700", "+0700")
        );
        assert_eq!(name, "+07"); // tzdb's name, rebuilt (chrono-tz has none)
    }

    #[test]
    fn vtimezone_paris_2026_has_both_transitions() {
        let s = summarise(&vtimezone(chrono_tz::Europe::Paris, 2026, 2026));
        assert_eq!(
            s,
            vec![
                row("STANDARD", "19700101T000000", "+0100", "+0100", "CET"),
                row("DAYLIGHT", "20260329T020000", "+0100", "+0200", "CEST"),
                row("STANDARD", "20261025T030000", "+0200", "+0100", "CET"),
            ]
        );
        // Three years → six changes (plus the lead-in).
        assert_eq!(
            vtimezone(chrono_tz::Europe::Paris, 2025, 2027)
                .transitions
                .len(),
            7
        );
    }

    #[test]
    fn vtimezone_new_york_and_southern_hemisphere() {
        let s = summarise(&vtimezone(chrono_tz::America::New_York, 2026, 2026));
        assert_eq!(
            s[1..],
            [
                row("DAYLIGHT", "20260308T020000", "-0500", "-0400", "EDT"),
                row("STANDARD", "20261101T020000", "-0400", "-0500", "EST"),
            ]
        );
        // Sydney is on DST on 1 January: the lead-in is DAYLIGHT.
        let s = summarise(&vtimezone(chrono_tz::Australia::Sydney, 2026, 2026));
        assert_eq!(
            s[0],
            row("DAYLIGHT", "19700101T000000", "+1100", "+1100", "AEDT")
        );
        assert_eq!(
            s[1],
            row("STANDARD", "20260405T030000", "+1100", "+1000", "AEST")
        );
        assert_eq!(
            s[2],
            row("DAYLIGHT", "20261004T020000", "+1000", "+1100", "AEDT")
        );
        // Ho Chi Minh's 1975 change from +0800 is found when the range covers it.
        let s = summarise(&vtimezone(chrono_tz::Asia::Ho_Chi_Minh, 1975, 1975));
        assert_eq!(s.len(), 2);
        assert_eq!((&s[1].2[..], &s[1].3[..]), ("+0800", "+0700"));
    }

    #[test]
    fn utc_offset_format() {
        assert_eq!(format_utc_offset(0), "+0000");
        assert_eq!(format_utc_offset(7 * 3600), "+0700");
        assert_eq!(format_utc_offset(-(3 * 3600 + 1800)), "-0330");
        assert_eq!(format_utc_offset(19 * 60 + 32), "+001932");
        assert_eq!(numeric_zone_name(7 * 3600), "+07");
        assert_eq!(numeric_zone_name(-(3 * 3600 + 1800)), "-0330");
    }
}
