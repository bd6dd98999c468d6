//! A feed's meetings as an iCalendar object (the `ical` crate's model), written with our RFC 5545
//! writer.
//!
//! * A single meeting is one VEVENT; a series is one VEVENT with RRULE and EXDATE plus one VEVENT
//!   with RECURRENCE-ID per occurrence that differs from the rule (moved, other room or chair,
//!   cancelled), so clients show exactly the office's occurrences.
//! * Times are local with TZID = the meeting's zone; the calendar carries a VTIMEZONE for each
//!   zone used (RFC 5545 §3.2.19).
//! * The output depends only on the data (DTSTAMP is the meeting's last change, not "now"), so
//!   every instance serving a feed produces the same bytes and the same ETag.

use super::rfc5545::{
    local_property, new_calendar, raw_property, text_property, utc_property, vtimezone,
    write_calendar,
};
use super::select::{Directory, FeedData, Item, Scope, Shown};
use crate::domain::meetings::{exdates_of, zone_of};
use crate::domain::notifications::CalendarWriter;
use crate::error::Msg;
use crate::i18n;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::{
    meeting, meeting_attendee, AttendeeRole, MeetingKind, MeetingStatus, Participation, Visibility,
};
use ical::generator::{IcalCalendar, IcalEvent};
use ical::property::Property;
use sea_orm::DatabaseTransaction;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

pub const PRODID: &str = "-//UBND tinh//lichhop//VI";
/// How often clients should refetch (RFC 7986 REFRESH-INTERVAL, X-PUBLISHED-TTL).
pub const REFRESH: &str = "PT1H";

pub(super) fn with_params(mut p: Property, params: &[(&str, &str)]) -> Property {
    let list = p.params.get_or_insert_with(Vec::new);
    for (k, v) in params {
        list.push((k.to_string(), vec![v.to_string()]));
    }
    p
}

/// The office's (Vietnamese) name of a kind of meeting (CATEGORIES), from the locale files like
/// every other word.
pub fn kind_label(k: MeetingKind) -> String {
    crate::i18n::translations()
        .text(crate::error::Lang::Vi, &format!("kind.{}", k.code()))
        .to_string()
}

/// The whole feed as bytes.
pub fn render(feed: &FeedData, public_url: &str) -> String {
    write_calendar(&calendar(feed, public_url))
}

/// The feed as the `ical` crate's model.
pub fn calendar(feed: &FeedData, public_url: &str) -> IcalCalendar {
    let mut cal = head(&feed.name);

    // Zones used, with the years they must cover.
    let mut zones: BTreeMap<String, (Tz, i32, i32)> = BTreeMap::new();
    for item in &feed.items {
        let tz = zone_of(&item.meeting);
        let mut years = vec![item.meeting.starts_at.year()];
        years.extend(item.occurrences.iter().map(|o| o.starts_at.year()));
        years.extend(item.occurrences.iter().map(|o| o.ends_at.year()));
        let (lo, hi) = (
            years.iter().copied().min().unwrap_or(2000),
            years.iter().copied().max().unwrap_or(2000),
        );
        let e = zones.entry(tz.name().to_string()).or_insert((tz, lo, hi));
        e.1 = e.1.min(lo);
        e.2 = e.2.max(hi);
    }
    if zones.is_empty() {
        // X-WR-TIMEZONE names the office zone; define it even in an empty feed.
        let tz = crate::domain::clock::OFFICE_TZ;
        let y = Utc::now().year();
        zones.insert(tz.name().to_string(), (tz, y, y));
    }
    for (tz, lo, hi) in zones.values() {
        cal.timezones.push(vtimezone(*tz, *lo, *hi + 1));
    }

    for item in &feed.items {
        events(&mut cal.events, feed, item, public_url);
    }
    cal
}

/// A published calendar named `name` without its components: METHOD, names, zone, refresh.
pub(super) fn head(name: &str) -> IcalCalendar {
    let mut cal = new_calendar(PRODID);
    cal.properties.push(raw_property("METHOD", "PUBLISH"));
    cal.properties.push(text_property("X-WR-CALNAME", name));
    cal.properties.push(text_property("NAME", name));
    cal.properties.push(raw_property(
        "X-WR-TIMEZONE",
        crate::domain::clock::OFFICE_TZ.name(),
    ));
    cal.properties.push(with_params(
        raw_property("REFRESH-INTERVAL", REFRESH),
        &[("VALUE", "DURATION")],
    ));
    cal.properties
        .push(raw_property("X-PUBLISHED-TTL", REFRESH));
    cal
}

/// A meeting's iTIP message (RFC 5546): `method` REQUEST (an invitation, or its update with a
/// higher SEQUENCE) or CANCEL, organized by the office mailbox. The events are the feed's
/// (same UID, SEQUENCE, times, attendees), so a client that subscribes to a feed and receives
/// the invitation sees one meeting.
pub fn invitation(
    feed: &FeedData,
    public_url: &str,
    method: &str,
    organizer: (&str, &str),
) -> String {
    write_calendar(&invitation_calendar(feed, public_url, method, organizer))
}

/// The iTIP message about one occurrence of a series: only the VEVENT whose RECURRENCE-ID is
/// that occurrence's original start (e.g. a CANCEL of that one session). None when the
/// calendar has no such VEVENT.
pub fn occurrence_invitation(
    feed: &FeedData,
    public_url: &str,
    method: &str,
    organizer: (&str, &str),
    recurrence_id: DateTime<Utc>,
) -> Option<String> {
    let tz = zone_of(&feed.items.first()?.meeting);
    let wanted = local("RECURRENCE-ID", recurrence_id, tz).value;
    let mut cal = invitation_calendar(feed, public_url, method, organizer);
    cal.events.retain(|ev| {
        ev.properties
            .iter()
            .any(|p| p.name == "RECURRENCE-ID" && p.value == wanted)
    });
    (!cal.events.is_empty()).then(|| write_calendar(&cal))
}

fn invitation_calendar(
    feed: &FeedData,
    public_url: &str,
    method: &str,
    organizer: (&str, &str),
) -> IcalCalendar {
    let full = calendar(feed, public_url);
    let mut cal = new_calendar(PRODID);
    cal.properties.push(raw_property("METHOD", method));
    cal.timezones = full.timezones;
    cal.events = full.events;
    let (address, name) = organizer;
    for ev in &mut cal.events {
        for p in ev.properties.iter_mut() {
            if p.name == "ORGANIZER" {
                *p = with_params(
                    raw_property("ORGANIZER", &format!("mailto:{address}")),
                    &[("CN", name)],
                );
            }
            if method == "CANCEL" && p.name == "STATUS" {
                *p = raw_property("STATUS", Shown::Cancelled.ical());
            }
        }
        if !ev.properties.iter().any(|p| p.name == "ORGANIZER") {
            ev.properties.push(with_params(
                raw_property("ORGANIZER", &format!("mailto:{address}")),
                &[("CN", name)],
            ));
        }
    }
    cal
}

/// One occurrence's own facts, as a VEVENT shows them.
struct Slot {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    room_id: Option<i32>,
    chair_id: Option<i32>,
    shown: Shown,
    sequence: i32,
    changed: DateTime<Utc>,
}

fn events(out: &mut Vec<IcalEvent>, feed: &FeedData, item: &Item, public_url: &str) {
    let m = &item.meeting;
    let tz = zone_of(m);
    let series = m.rrule.as_deref().is_some_and(|r| !r.trim().is_empty());
    let room_scope = match feed.spec.scope {
        Scope::Room(r) => Some(r),
        _ => None,
    };
    let slot_of = |o: &entity::occurrence::Model| {
        let mut shown = if o.status == MeetingStatus::Cancelled {
            Shown::Cancelled
        } else {
            item.shown
        };
        // Moved to another room: gone from this room's calendar.
        if room_scope.is_some() && o.room_id != room_scope {
            shown = Shown::Cancelled;
        }
        Slot {
            starts_at: o.starts_at,
            ends_at: o.ends_at,
            room_id: o.room_id,
            chair_id: o.chair_id,
            shown,
            sequence: o.sequence.max(m.sequence),
            changed: o.updated_at.max(m.updated_at),
        }
    };
    if !series {
        let slot = match item.occurrences.first() {
            Some(o) => slot_of(o),
            None => Slot {
                starts_at: m.starts_at,
                ends_at: m.ends_at,
                room_id: m.room_id,
                chair_id: m.chair_id,
                shown: item.shown,
                sequence: m.sequence,
                changed: m.updated_at,
            },
        };
        out.push(event(feed, item, &slot, None, public_url));
        return;
    }
    let master = Slot {
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        room_id: m.room_id,
        chair_id: m.chair_id,
        shown: if room_scope.is_some() && m.room_id != room_scope {
            Shown::Cancelled
        } else {
            item.shown
        },
        sequence: m.sequence,
        changed: m.updated_at,
    };
    let mut ev = event(feed, item, &master, None, public_url);
    let rule = m.rrule.as_deref().unwrap_or_default().trim();
    ev.properties.push(raw_property(
        "RRULE",
        rule.strip_prefix("RRULE:").unwrap_or(rule),
    ));
    let exdates = exdates_of(m);
    if !exdates.is_empty() {
        let time = m.starts_at.with_timezone(&tz).time();
        let list: Vec<String> = exdates
            .iter()
            .map(|d: &NaiveDate| d.and_time(time).format("%Y%m%dT%H%M%S").to_string())
            .collect();
        ev.properties.push(with_params(
            raw_property("EXDATE", &list.join(",")),
            &[("TZID", tz.name())],
        ));
    }
    out.push(ev);
    for o in &item.occurrences {
        let slot = slot_of(o);
        let differs = o.is_override
            || slot.shown != master.shown
            || o.starts_at != o.recurrence_id
            || o.ends_at - o.starts_at != m.ends_at - m.starts_at
            || o.room_id != m.room_id
            || o.chair_id != m.chair_id;
        if differs {
            out.push(event(feed, item, &slot, Some(o.recurrence_id), public_url));
        }
    }
}

fn local(name: &str, t: DateTime<Utc>, tz: Tz) -> Property {
    local_property(name, &t.with_timezone(&tz).naive_local(), tz.name())
}

fn event(
    feed: &FeedData,
    item: &Item,
    slot: &Slot,
    recurrence_id: Option<DateTime<Utc>>,
    public_url: &str,
) -> IcalEvent {
    let m = &item.meeting;
    let dir = &feed.directory;
    let tz = zone_of(m);
    let mut ev = IcalEvent::new();
    let p = &mut ev.properties;
    p.push(raw_property("UID", &m.uid));
    p.push(utc_property("DTSTAMP", &slot.changed));
    p.push(raw_property("SEQUENCE", &slot.sequence.to_string()));
    p.push(utc_property("CREATED", &m.created_at));
    p.push(utc_property("LAST-MODIFIED", &slot.changed));
    if let Some(rid) = recurrence_id {
        p.push(local("RECURRENCE-ID", rid, tz));
    }
    p.push(local("DTSTART", slot.starts_at, tz));
    p.push(local("DTEND", slot.ends_at, tz));
    p.push(raw_property("STATUS", slot.shown.ical()));
    p.push(raw_property(
        "TRANSP",
        if slot.shown == Shown::Cancelled {
            "TRANSPARENT"
        } else {
            "OPAQUE"
        },
    ));
    if item.busy_only {
        // What a confidential meeting is called outside its owner's feed ("Bận").
        p.push(text_property("SUMMARY", &i18n::vietnamese("privacy.busy")));
        p.push(raw_property("CLASS", "CONFIDENTIAL"));
        return ev;
    }
    p.push(text_property("SUMMARY", &m.title));
    p.push(raw_property(
        "CLASS",
        match m.visibility {
            Visibility::Public => "PUBLIC",
            Visibility::Internal => "PRIVATE",
            Visibility::Confidential => "CONFIDENTIAL",
        },
    ));
    p.push(text_property("CATEGORIES", &kind_label(m.kind)));
    p.push(text_property(
        "DESCRIPTION",
        &description(m, item, slot, dir),
    ));
    if let Some(loc) = location(m, slot, dir) {
        p.push(text_property("LOCATION", &loc));
    }
    if let Some(a) = dir.agencies.get(&m.requesting_agency_id) {
        p.push(with_params(
            raw_property(
                "ORGANIZER",
                &address(feed, a.email.as_deref(), "agency", a.id),
            ),
            &[("CN", &a.name)],
        ));
    }
    for prop in attendees(feed, item, slot) {
        p.push(prop);
    }
    p.push(raw_property(
        "URL",
        &format!("{public_url}/cuoc-hop/{}", m.id),
    ));
    ev
}

/// A CAL-ADDRESS (§3.3.3): the e-mail when known, else a stable URN of ours. The public feed
/// names people by name and position only, never their addresses (issue #19): always the URN.
fn address(feed: &FeedData, email: Option<&str>, what: &str, id: i32) -> String {
    let public = feed.spec.scope == Scope::Public;
    match email.map(str::trim).filter(|e| !public && e.contains('@')) {
        Some(e) => format!("mailto:{e}"),
        None => format!("urn:lichhop:{what}:{id}"),
    }
}

fn person_label(dir: &Directory, id: i32) -> Option<String> {
    dir.persons
        .get(&id)
        .map(|p| format!("{} {}", p.position, p.full_name))
}

fn location(m: &meeting::Model, slot: &Slot, dir: &Directory) -> Option<String> {
    match slot.room_id.and_then(|r| dir.rooms.get(&r)) {
        Some(r) => Some(match &r.floor {
            Some(f) if !f.trim().is_empty() => format!("{}, {}, {}", r.name, f, r.building),
            _ => format!("{}, {}", r.name, r.building),
        }),
        None => m.location.clone().filter(|l| !l.trim().is_empty()),
    }
}

fn description(m: &meeting::Model, item: &Item, slot: &Slot, dir: &Directory) -> String {
    // In Vietnamese: a feed is one file for every reader.
    let line = |key: &str, text: &str| Msg::t(&format!("feeds.ics.{key}"), &[("text", text)]).vi;
    let mut lines = Vec::new();
    if let Some(a) = m.agenda.as_deref().filter(|a| !a.trim().is_empty()) {
        lines.push(line("agenda", a));
    }
    if let Some(c) = slot.chair_id.and_then(|c| person_label(dir, c)) {
        lines.push(line("chair", &c));
    }
    let invited: Vec<String> = item
        .attendees
        .iter()
        .filter(|a| a.role != AttendeeRole::Chair)
        .filter_map(|a| attendee_name(a, dir))
        .collect();
    if !invited.is_empty() {
        lines.push(line("attendees", &invited.join("; ")));
    }
    if let Some(a) = m.preparing_agency_id.and_then(|a| dir.agencies.get(&a)) {
        lines.push(line("preparing_agency", &a.name));
    }
    if let Some(l) = m.online_link.as_deref().filter(|l| !l.trim().is_empty()) {
        lines.push(line("online", l));
    }
    if let Some(n) = m.note.as_deref().filter(|n| !n.trim().is_empty()) {
        lines.push(line("note", n));
    }
    if slot.shown == Shown::Tentative {
        lines.push(line("tentative", ""));
    }
    lines.join("\n")
}

fn attendee_name(a: &meeting_attendee::Model, dir: &Directory) -> Option<String> {
    match (a.person_id, a.agency_id) {
        (Some(p), _) => person_label(dir, p),
        (None, Some(g)) => dir.agencies.get(&g).map(|g| g.name.clone()),
        _ => None,
    }
}

/// ATTENDEE lines (§3.8.4.1): the chair (ROLE=CHAIR), then the invited with their roles.
fn attendees(feed: &FeedData, item: &Item, slot: &Slot) -> Vec<Property> {
    let dir = &feed.directory;
    let mut out = Vec::new();
    let mut seen_chair = false;
    if let Some(c) = slot.chair_id.and_then(|c| dir.persons.get(&c)) {
        seen_chair = true;
        out.push(with_params(
            raw_property(
                "ATTENDEE",
                &address(feed, c.email.as_deref(), "person", c.id),
            ),
            &[
                ("CN", &format!("{} {}", c.position, c.full_name)),
                ("CUTYPE", "INDIVIDUAL"),
                ("ROLE", "CHAIR"),
                ("PARTSTAT", "ACCEPTED"),
            ],
        ));
    }
    for a in &item.attendees {
        if a.role == AttendeeRole::Chair && (seen_chair || a.person_id == slot.chair_id) {
            continue;
        }
        let role = match a.role {
            AttendeeRole::Chair => "CHAIR",
            AttendeeRole::Required => "REQ-PARTICIPANT",
            AttendeeRole::Optional => "OPT-PARTICIPANT",
        };
        let partstat = match a.participation {
            Participation::NeedsAction => "NEEDS-ACTION",
            Participation::Accepted => "ACCEPTED",
            Participation::Declined => "DECLINED",
            Participation::Tentative => "TENTATIVE",
            Participation::Delegated => "DELEGATED",
        };
        let (value, cn, cutype) = match (a.person_id, a.agency_id) {
            (Some(p), _) => match dir.persons.get(&p) {
                Some(p) => (
                    address(feed, p.email.as_deref(), "person", p.id),
                    format!("{} {}", p.position, p.full_name),
                    "INDIVIDUAL",
                ),
                None => continue,
            },
            (None, Some(g)) => match dir.agencies.get(&g) {
                Some(g) => (
                    address(feed, g.email.as_deref(), "agency", g.id),
                    g.name.clone(),
                    "GROUP",
                ),
                None => continue,
            },
            _ => continue,
        };
        out.push(with_params(
            raw_property("ATTENDEE", &value),
            &[
                ("CN", &cn),
                ("CUTYPE", cutype),
                ("ROLE", role),
                ("PARTSTAT", partstat),
            ],
        ));
    }
    out
}

/// The feeds' writer as the domain's [`CalendarWriter`]: invitations written in the deciding
/// transaction, organized by the office mailbox.
pub struct ItipWriter {
    pub public_url: String,
    pub organizer_address: String,
    pub organizer_name: String,
}

impl CalendarWriter for ItipWriter {
    fn write<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        meeting_id: i32,
        method: &'a str,
    ) -> Pin<Box<dyn Future<Output = crate::Result<Option<String>>> + Send + 'a>> {
        Box::pin(async move {
            let Some(feed) = super::select::one_meeting(txn, meeting_id).await? else {
                return Ok(None);
            };
            Ok(Some(invitation(
                &feed,
                &self.public_url,
                method,
                (&self.organizer_address, &self.organizer_name),
            )))
        })
    }

    fn write_occurrence<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        meeting_id: i32,
        recurrence_id: DateTime<Utc>,
        method: &'a str,
    ) -> Pin<Box<dyn Future<Output = crate::Result<Option<String>>> + Send + 'a>> {
        Box::pin(async move {
            let Some(feed) = super::select::one_meeting(txn, meeting_id).await? else {
                return Ok(None);
            };
            Ok(occurrence_invitation(
                &feed,
                &self.public_url,
                method,
                (&self.organizer_address, &self.organizer_name),
                recurrence_id,
            ))
        })
    }
}
