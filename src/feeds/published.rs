//! The public feed (`/feeds/public.ics`) serves what was published, never live data: for each
//! week of the feed's window, the rows of the week's latest published revision
//! (`domain::publication`); a week never published contributes nothing. One VEVENT per meeting
//! occurrence (a meeting of several days is a row on each day but one event), with the meeting's
//! UID, the SEQUENCE it had when published and, for an occurrence of a series, its RECURRENCE-ID.
//! A row the revision marks postponed or cancelled is STATUS:CANCELLED with a higher SEQUENCE,
//! so subscribed clients remove it. The snapshot holds names and positions only: no addresses.

use super::render::{head, with_params};
use super::rfc5545::{
    local_property, raw_property, text_property, utc_property, vtimezone, write_calendar,
};
use super::select::PAST_DAYS;
use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::publication;
use crate::domain::weekly_schedule::{Mark, ScheduleItem};
use crate::i18n::vietnamese;
use crate::Result;
use chrono::{DateTime, Datelike, Duration, Utc};
use ical::generator::IcalEvent;
use ical::property::Property;
use std::collections::HashMap;

/// One published occurrence and when the revision that holds it was issued.
#[derive(Debug, Clone)]
pub struct Published {
    pub row: ScheduleItem,
    pub published_at: DateTime<Utc>,
}

impl Published {
    fn gone(&self) -> bool {
        matches!(self.row.mark, Some(Mark::Postponed | Mark::Cancelled))
    }
}

/// The published occurrences of the feed's window, by start, and the latest publication among
/// them (Last-Modified; no earlier than `now`, the start of the office day).
pub async fn select(db: &Db, now: DateTime<Utc>) -> Result<(Vec<Published>, DateTime<Utc>)> {
    let from = clock::week_start(clock::office_date(now - Duration::days(PAST_DAYS)));
    let mut last_modified = now;
    let mut events: HashMap<(String, Option<DateTime<Utc>>), Published> = HashMap::new();
    for (p, rows) in publication::latest_of_weeks_from(db, from).await? {
        last_modified = last_modified.max(p.published_at);
        for row in rows {
            // Snapshots stored before rows kept their instants cannot make an event.
            let (Some(uid), Some(_), Some(_)) = (&row.uid, row.starts_at, row.ends_at) else {
                continue;
            };
            let key = (uid.clone(), row.recurrence_id);
            let candidate = Published {
                row,
                published_at: p.published_at,
            };
            // A meeting of several days: its first row stands for the occurrence. Across
            // weeks, a standing row wins over a gone one (a meeting put off to a later week),
            // then the later publication.
            let rank = |e: &Published| (!e.gone(), e.published_at);
            if events
                .get(&key)
                .is_none_or(|kept| rank(&candidate) > rank(kept))
            {
                events.insert(key, candidate);
            }
        }
    }
    let mut out: Vec<Published> = events.into_values().collect();
    out.sort_by(|a, b| {
        (a.row.starts_at, &a.row.uid, a.row.recurrence_id).cmp(&(
            b.row.starts_at,
            &b.row.uid,
            b.row.recurrence_id,
        ))
    });
    Ok((out, last_modified))
}

/// The public feed's bytes.
pub fn render(name: &str, events: &[Published], public_url: &str) -> String {
    let mut cal = head(name);
    let years = events
        .iter()
        .flat_map(|e| [e.row.starts_at, e.row.ends_at])
        .flatten()
        .map(|t| t.with_timezone(&OFFICE_TZ).year());
    let (lo, hi) = years.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let (lo, hi) = if lo > hi {
        // X-WR-TIMEZONE names the office zone; define it even in an empty feed.
        let y = Utc::now().year();
        (y, y)
    } else {
        (lo, hi)
    };
    cal.timezones.push(vtimezone(OFFICE_TZ, lo, hi + 1));
    cal.events = events.iter().filter_map(|e| event(e, public_url)).collect();
    write_calendar(&cal)
}

fn local(name: &str, t: DateTime<Utc>) -> Property {
    local_property(
        name,
        &t.with_timezone(&OFFICE_TZ).naive_local(),
        OFFICE_TZ.name(),
    )
}

fn event(e: &Published, public_url: &str) -> Option<IcalEvent> {
    let r = &e.row;
    let (uid, starts_at, ends_at) = (r.uid.as_deref()?, r.starts_at?, r.ends_at?);
    let gone = e.gone();
    let mut ev = IcalEvent::new();
    let p = &mut ev.properties;
    p.push(raw_property("UID", uid));
    p.push(utc_property("DTSTAMP", &e.published_at));
    // A row gone since the previous revision tells clients so with a higher SEQUENCE.
    let sequence = r.sequence + i32::from(gone);
    p.push(raw_property("SEQUENCE", &sequence.to_string()));
    p.push(utc_property("LAST-MODIFIED", &e.published_at));
    if let Some(rid) = r.recurrence_id {
        p.push(local("RECURRENCE-ID", rid));
    }
    p.push(local("DTSTART", starts_at));
    p.push(local("DTEND", ends_at));
    let (status, transp) = if gone {
        ("CANCELLED", "TRANSPARENT")
    } else {
        ("CONFIRMED", "OPAQUE")
    };
    p.push(raw_property("STATUS", status));
    p.push(raw_property("TRANSP", transp));
    p.push(text_property("SUMMARY", &r.title));
    p.push(raw_property("CLASS", "PUBLIC"));
    p.push(text_property("DESCRIPTION", &description(r)));
    if let Some(l) = r.location.as_deref().filter(|l| !l.trim().is_empty()) {
        p.push(text_property("LOCATION", l));
    }
    if let (Some(id), Some(chair)) = (r.chair_id, r.chair.as_deref()) {
        p.push(with_params(
            raw_property("ATTENDEE", &format!("urn:lichhop:person:{id}")),
            &[
                ("CN", chair),
                ("CUTYPE", "INDIVIDUAL"),
                ("ROLE", "CHAIR"),
                ("PARTSTAT", "ACCEPTED"),
            ],
        ));
    }
    p.push(raw_property(
        "URL",
        &format!("{public_url}/cuoc-hop/{}", r.meeting_id),
    ));
    Some(ev)
}

/// The row's columns as the schedule prints them, a line each.
fn description(r: &ScheduleItem) -> String {
    let mut lines = vec![];
    let mut line = |key: &str, value: Option<&str>| {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            lines.push(format!("{}: {v}", vietnamese(key)));
        }
    };
    line("public_feed.chair", r.chair.as_deref());
    let attendees = r.attendees.join("; ");
    line("public_feed.attendees", Some(&attendees));
    line("public_feed.other_attendees", r.other_attendees.as_deref());
    line(
        "public_feed.preparing_agency",
        r.preparing_agency.as_deref(),
    );
    line("public_feed.follower", r.follower.as_deref());
    line("public_feed.note", r.note.as_deref());
    line("public_feed.mark", r.mark_text.as_deref());
    lines.join("\n")
}
