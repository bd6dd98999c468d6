//! The rules of the conflict check that need no database: room fit (capacity, equipment), the
//! calendar (closures, public holidays, weekends, office hours), late registration, and a busy
//! person's conflict. The check (`super::check`) feeds them what the queries found.

use super::conflict::{Conflict, Kind, Named, Severity};
use super::queries::Busy;
use super::{Draft, DraftSlot};
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::meetings::room_subject;
use crate::domain::reference::Reference;
use crate::domain::registration::MAX_DAYS;
use crate::domain::settings::Settings;
use crate::domain::visibility::Viewer;
use crate::domain::working_days::{self, Calendar, LateBecause};
use crate::error::Msg;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use entity::*;
use std::collections::HashSet;

/// dd/mm/yyyy HH:MM in the office's zone.
pub(super) fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&OFFICE_TZ)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

pub(super) fn hm(t: DateTime<Utc>) -> String {
    t.with_timezone(&OFFICE_TZ).format("%H:%M").to_string()
}

pub(super) fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub(super) fn overlaps(
    a_start: DateTime<Utc>,
    a_end: DateTime<Utc>,
    b: &Busy,
    pad: Duration,
) -> bool {
    b.starts_at < a_end + pad && a_start - pad < b.ends_at
}

/// The busy rows that may overlap `slot` (widened by `pad`): rows are sorted by start and start
/// at most MAX_DAYS before they end, so a binary search bounds the scan.
pub(super) fn near<'a>(busy: &'a [Busy], slot: &DraftSlot, pad: Duration) -> &'a [Busy] {
    let lo =
        busy.partition_point(|b| b.starts_at < slot.starts_at - pad - Duration::days(MAX_DAYS));
    let hi = busy.partition_point(|b| b.starts_at < slot.ends_at + pad);
    &busy[lo..hi.max(lo)]
}

pub(super) fn person_conflict(
    reference: &Reference,
    p: i32,
    is_chair: bool,
    b: &Busy,
    when: &str,
    date: NaiveDate,
    viewer: Viewer,
) -> Conflict {
    let (other, named) = b.seen(viewer);
    let who = Named {
        id: p,
        name: reference
            .person(p)
            .map(|x| x.label.clone())
            .unwrap_or_else(|| format!("#{p}")),
    };
    let approved = b.status == MeetingStatus::Approved;
    let state = Msg::t(
        if approved {
            "conflicts.state.approved"
        } else {
            "conflicts.state.pending"
        },
        &[],
    );
    let args = [
        ("person", &Msg::both(who.name.clone())),
        ("state", &state),
        ("meeting", &named),
        ("when", &Msg::both(when)),
    ];
    let mut c = if is_chair {
        let severity = if approved {
            Severity::Error
        } else {
            Severity::Warning
        };
        Conflict::t(
            Kind::ChairOverlap,
            severity,
            Some(date),
            "conflicts.chair_overlap",
            &args,
        )
    } else {
        Conflict::t(
            Kind::AttendeeBusy,
            Severity::Warning,
            Some(date),
            "conflicts.attendee_busy",
            &args,
        )
    };
    c.meeting = Some(other);
    c.person = Some(who);
    c
}

/// Capacity and equipment of each room the meeting uses.
pub(super) fn room_fit<'a>(
    draft: &Draft,
    rooms: &[&(room::Model, Vec<equipment::Model>)],
    equipment: &dyn Fn(i32) -> Option<&'a equipment::Model>,
    out: &mut Vec<Conflict>,
) {
    for (r, _) in rooms.iter().copied() {
        if let Some(n) = draft.expected_attendance.filter(|n| *n > r.capacity) {
            let mut c = Conflict::t(
                Kind::Capacity,
                Severity::Warning,
                None,
                "conflicts.capacity",
                &[
                    ("room", &room_subject(&r.name)),
                    ("capacity", &Msg::both(r.capacity.to_string())),
                    ("expected", &Msg::both(n.to_string())),
                ],
            );
            c.room = Some(Named {
                id: r.id,
                name: r.name.clone(),
            });
            out.push(c);
        }
    }
    let has: HashSet<(i32, i32)> = rooms
        .iter()
        .flat_map(|(r, kit)| kit.iter().map(move |e| (r.id, e.id)))
        .collect();
    let mut missing: Vec<(&room::Model, i32)> = Vec::new();
    for (r, _) in rooms.iter().copied() {
        for e in &draft.equipment_ids {
            if !has.contains(&(r.id, *e)) {
                missing.push((r, *e));
            }
        }
    }
    for (r, e) in missing {
        let kit = equipment(e)
            .map(|e| Msg {
                vi: e.name_vi.clone(),
                en: e.name_en.clone(),
            })
            .unwrap_or_else(|| Msg::both(format!("#{e}")));
        let mut c = Conflict::t(
            Kind::EquipmentMissing,
            Severity::Warning,
            None,
            "conflicts.equipment_missing",
            &[("room", &room_subject(&r.name)), ("equipment", &kit)],
        );
        c.room = Some(Named {
            id: r.id,
            name: r.name.clone(),
        });
        out.push(c);
    }
}

/// Closures, public holidays, weekends and office hours for one occurrence.
pub(super) fn calendar_conflicts(
    cal: &Calendar,
    slot: &DraftSlot,
    kind: MeetingKind,
    settings: &Settings,
    room_name: &dyn Fn(i32) -> Named,
    out: &mut Vec<Conflict>,
) {
    let first = slot.date();
    let last = clock::office_date(slot.ends_at - Duration::seconds(1)).max(first);
    for date in first.iter_days().take_while(|d| *d <= last) {
        let mut closed = false;
        for c in cal.closures_on(date, slot.room_id) {
            closed = true;
            let holiday = c.kind == ClosureKind::Holiday;
            // A closed room cannot be used; without a room, a closed office is a warning.
            let severity = if slot.room_id.is_some() {
                Severity::Error
            } else {
                Severity::Warning
            };
            let room = c.room_id.map(|r| room_subject(&room_name(r).name));
            let (day, reason) = (Msg::both(dmy(date)), Msg::both(c.reason.clone()));
            let mut args = vec![("date", &day), ("reason", &reason)];
            let key = match &room {
                Some(room) => {
                    args.push(("room", room));
                    "conflicts.room_closed"
                }
                None => "conflicts.office_closed",
            };
            let kind = if holiday {
                Kind::Holiday
            } else {
                Kind::Closure
            };
            let mut x = Conflict::t(kind, severity, Some(date), key, &args);
            x.closure_id = Some(c.id);
            x.room = c.room_id.map(room_name);
            out.push(x);
        }
        if cal.is_make_up_day(date) {
            continue;
        }
        if !closed {
            if let Some(h) = cal.holiday(date) {
                let name = Msg {
                    vi: h.name_vi.to_string(),
                    en: h.name_en.to_string(),
                };
                out.push(Conflict::t(
                    Kind::Holiday,
                    Severity::Warning,
                    Some(date),
                    "conflicts.holiday",
                    &[("date", &Msg::both(dmy(date))), ("holiday", &name)],
                ));
                continue;
            }
        }
        if kind != MeetingKind::CongTac && matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            let weekday = Msg {
                vi: crate::domain::weekly_schedule::weekday_vi(date.weekday()),
                en: date.weekday().to_string(),
            };
            out.push(Conflict::t(
                Kind::OutsideHours,
                Severity::Warning,
                Some(date),
                "conflicts.weekend",
                &[("date", &Msg::both(dmy(date))), ("weekday", &weekday)],
            ));
        }
    }
    // Field trips (đi công tác) occupy a leader beyond office hours: no office-hours warning.
    if kind == MeetingKind::CongTac {
        return;
    }
    let s = slot.starts_at.with_timezone(&OFFICE_TZ);
    let e = slot.ends_at.with_timezone(&OFFICE_TZ);
    if s.time() < settings.office_opens
        || e.time() > settings.office_closes
        || e.date_naive() != s.date_naive()
    {
        let (o, c) = (
            settings.office_opens.format("%H:%M"),
            settings.office_closes.format("%H:%M"),
        );
        out.push(Conflict::t(
            Kind::OutsideHours,
            Severity::Warning,
            Some(first),
            "conflicts.outside_hours",
            &[
                ("start", &Msg::both(local(slot.starts_at))),
                ("end", &Msg::both(hm(slot.ends_at))),
                ("opens", &Msg::both(o.to_string())),
                ("closes", &Msg::both(c.to_string())),
            ],
        ));
    }
}

/// The [`Conflict::code`] of a registration later than the lead working days allow.
pub const LATE_LEAD: &str = "conflicts.late_lead";
/// The [`Conflict::code`] of a registration after the week's cut-off.
pub const LATE_CUTOFF: &str = "msg.conflicts.late_after_the_weekly_cutoff";

/// Late registration: each occurrence (in order) that `submitted` comes too late for, by the
/// one rule of [`working_days::is_late`] (lead working days, weekly cut-off).
pub(super) fn late_registration(
    slots: &[DraftSlot],
    calendar: &Calendar,
    submitted: DateTime<Utc>,
    settings: &Settings,
    out: &mut Vec<Conflict>,
) {
    for slot in slots {
        let date = slot.date();
        let Some(why) = working_days::is_late(calendar, date, submitted, settings) else {
            break; // later occurrences are late from later instants
        };
        let day = Msg::both(dmy(date));
        let late = |key, more: &[(&'static str, Msg)]| {
            let mut args = vec![("date", &day)];
            args.extend(more.iter().map(|(name, value)| (*name, value)));
            Conflict::t(
                Kind::LateRegistration,
                Severity::Warning,
                Some(date),
                key,
                &args,
            )
        };
        out.push(match why {
            LateBecause::Lead { deadline, lead } => late(
                LATE_LEAD,
                &[
                    ("lead", Msg::both(lead.to_string())),
                    ("deadline", Msg::both(dmy(deadline))),
                ],
            ),
            LateBecause::Cutoff { at } => late(
                LATE_CUTOFF,
                &[
                    ("week", Msg::both(dmy(clock::week_start(date)))),
                    ("cutoff", Msg::both(local(at))),
                ],
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::HashMap;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        OFFICE_TZ
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn slot(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, room_id: Option<i32>) -> DraftSlot {
        DraftSlot {
            starts_at,
            ends_at,
            room_id,
            chair_id: None,
        }
    }

    fn draft(expected: Option<i32>, equipment_ids: Vec<i32>) -> Draft {
        Draft {
            meeting_id: None,
            kind: MeetingKind::Hop,
            slots: vec![],
            persons: vec![],
            agencies: vec![],
            expected_attendance: expected,
            equipment_ids,
            submitted_at: at(2026, 12, 1, 9, 0),
        }
    }

    fn room(id: i32, capacity: i32) -> room::Model {
        room::Model {
            id,
            name: format!("P{id}"),
            building: "A".into(),
            floor: None,
            capacity,
            bookable: true,
            notes: None,
            sort_order: 0,
            created_at: at(2026, 1, 1, 0, 0),
        }
    }

    fn kit(id: i32) -> equipment::Model {
        equipment::Model {
            id,
            code: format!("e{id}"),
            name_vi: format!("Thiết bị {id}"),
            name_en: format!("Device {id}"),
        }
    }

    /// The kinds found by the calendar rules for one occurrence (no room names needed).
    fn calendar_kinds(cal: &Calendar, s: &DraftSlot, kind: MeetingKind) -> Vec<(Kind, Severity)> {
        let mut out = Vec::new();
        let name = |id| Named {
            id,
            name: format!("P{id}"),
        };
        calendar_conflicts(cal, s, kind, &Settings::default(), &name, &mut out);
        out.iter().map(|c| (c.kind, c.severity)).collect()
    }

    fn calendar(closures: Vec<closure::Model>) -> Calendar {
        Calendar::new(day(2026, 1, 1), day(2026, 12, 31), closures, HashSet::new())
    }

    #[test]
    fn a_room_too_small_and_missing_a_device_gives_two_warnings() {
        let projector = kit(1);
        let screen = kit(2);
        let small = (room(7, 10), vec![projector.clone()]);
        let devices: HashMap<i32, equipment::Model> = [(1, projector), (2, screen)].into();
        let mut out = Vec::new();
        room_fit(
            &draft(Some(12), vec![1, 2]),
            &[&small],
            &|e| devices.get(&e),
            &mut out,
        );
        let found: Vec<(Kind, Severity, Option<i32>)> = out
            .iter()
            .map(|c| (c.kind, c.severity, c.room.as_ref().map(|r| r.id)))
            .collect();
        assert_eq!(
            found,
            [
                (Kind::Capacity, Severity::Warning, Some(7)),
                (Kind::EquipmentMissing, Severity::Warning, Some(7)),
            ]
        );
        assert!(
            out[1].message_en.contains("Device 2"),
            "{}",
            out[1].message_en
        );
    }

    #[test]
    fn a_room_that_fits_gives_nothing() {
        let projector = kit(1);
        let big = (room(7, 50), vec![projector.clone()]);
        let mut out = Vec::new();
        room_fit(
            &draft(Some(50), vec![1]),
            &[&big],
            &|_| Some(&projector),
            &mut out,
        );
        room_fit(&draft(None, vec![]), &[&big], &|_| None, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn a_weekday_in_office_hours_is_free_of_calendar_conflicts() {
        let monday = slot(at(2026, 12, 7, 9, 0), at(2026, 12, 7, 10, 0), Some(1));
        assert_eq!(
            calendar_kinds(&calendar(vec![]), &monday, MeetingKind::Hop),
            []
        );
    }

    #[test]
    fn weekends_and_evenings_warn_except_for_field_trips() {
        let saturday = slot(at(2026, 12, 12, 9, 0), at(2026, 12, 12, 10, 0), None);
        let evening = slot(at(2026, 12, 7, 17, 30), at(2026, 12, 7, 19, 0), None);
        let cal = calendar(vec![]);
        let outside = (Kind::OutsideHours, Severity::Warning);
        assert_eq!(calendar_kinds(&cal, &saturday, MeetingKind::Hop), [outside]);
        assert_eq!(calendar_kinds(&cal, &evening, MeetingKind::Hop), [outside]);
        assert_eq!(calendar_kinds(&cal, &saturday, MeetingKind::CongTac), []);
        assert_eq!(calendar_kinds(&cal, &evening, MeetingKind::CongTac), []);
    }

    #[test]
    fn a_public_holiday_warns() {
        let national_day = slot(at(2026, 9, 2, 9, 0), at(2026, 9, 2, 10, 0), Some(1));
        assert_eq!(
            calendar_kinds(&calendar(vec![]), &national_day, MeetingKind::Hop),
            [(Kind::Holiday, Severity::Warning)]
        );
    }

    #[test]
    fn a_closed_room_is_an_error_and_a_closed_office_without_a_room_a_warning() {
        let closure = |room_id| closure::Model {
            id: 3,
            starts_on: day(2026, 12, 7),
            ends_on: day(2026, 12, 8),
            room_id,
            kind: ClosureKind::Maintenance,
            reason: "sửa chữa".into(),
            created_by: None,
            created_at: at(2026, 1, 1, 0, 0),
        };
        let in_room = slot(at(2026, 12, 8, 9, 0), at(2026, 12, 8, 10, 0), Some(1));
        let no_room = slot(at(2026, 12, 8, 9, 0), at(2026, 12, 8, 10, 0), None);
        let elsewhere = slot(at(2026, 12, 8, 9, 0), at(2026, 12, 8, 10, 0), Some(2));
        let room_closed = calendar(vec![closure(Some(1))]);
        let office_closed = calendar(vec![closure(None)]);
        let hop = MeetingKind::Hop;
        let closed = |s| (Kind::Closure, s);
        assert_eq!(
            calendar_kinds(&room_closed, &in_room, hop),
            [closed(Severity::Error)]
        );
        assert_eq!(calendar_kinds(&room_closed, &elsewhere, hop), []);
        assert_eq!(
            calendar_kinds(&office_closed, &in_room, hop),
            [closed(Severity::Error)]
        );
        assert_eq!(
            calendar_kinds(&office_closed, &no_room, hop),
            [closed(Severity::Warning)]
        );
    }

    #[test]
    fn registering_after_the_deadline_is_late_for_each_occurrence_past_it() {
        let cal = calendar(vec![]);
        // Thursday 10 and Monday 14 December: two working days before are Monday 8 and
        // Thursday 10; the cut-off for the week of the 14th is Thursday 10 at 16:00.
        let slots = [
            slot(at(2026, 12, 10, 9, 0), at(2026, 12, 10, 10, 0), None),
            slot(at(2026, 12, 14, 9, 0), at(2026, 12, 14, 10, 0), None),
        ];
        let late = |submitted, lead| {
            let mut out = Vec::new();
            let s = Settings {
                registration_lead_working_days: lead,
                ..Settings::default()
            };
            late_registration(&slots, &cal, submitted, &s, &mut out);
            out.iter()
                .map(|c| (c.date, c.code == LATE_CUTOFF))
                .collect::<Vec<_>>()
        };
        let past_cutoff = Some(day(2026, 12, 14));
        assert_eq!(
            late(at(2026, 12, 9, 9, 0), 2),
            [(Some(day(2026, 12, 10)), true)],
            "the week of the 10th closed on Thursday 3"
        );
        assert_eq!(
            late(at(2026, 12, 10, 16, 30), 2),
            [(Some(day(2026, 12, 10)), true), (past_cutoff, true)]
        );
        assert_eq!(
            late(at(2026, 12, 11, 8, 0), 0),
            [(Some(day(2026, 12, 10)), true), (past_cutoff, true)]
        );
        assert_eq!(late(at(2026, 12, 3, 15, 0), 2), []);
        assert_eq!(
            late(at(2026, 12, 3, 9, 0), 6),
            [(Some(day(2026, 12, 10)), false)],
            "6 working days before the 10th is the 2nd, before the cut-off"
        );
    }

    #[test]
    fn near_bounds_the_rows_a_slot_may_overlap() {
        let busy = |h: u32| Busy {
            meeting_id: h as i32,
            title: String::new(),
            status: MeetingStatus::Approved,
            starts_at: at(2026, 12, 7, h, 0),
            ends_at: at(2026, 12, 7, h + 1, 0),
            room_id: None,
            chair_id: None,
            requesting_agency_id: 1,
            visibility: Visibility::Public,
        };
        let rows = [busy(8), busy(10), busy(14)];
        let s = slot(at(2026, 12, 7, 10, 30), at(2026, 12, 7, 11, 0), None);
        let hits: Vec<i32> = near(&rows, &s, Duration::zero())
            .iter()
            .filter(|b| overlaps(s.starts_at, s.ends_at, b, Duration::zero()))
            .map(|b| b.meeting_id)
            .collect();
        assert_eq!(hits, [10]);
        // Within the setup buffer of the one before, not of the one after.
        let pad = Duration::minutes(120);
        assert!(overlaps(s.starts_at, s.ends_at, &rows[0], pad));
        assert!(!overlaps(s.starts_at, s.ends_at, &rows[2], pad));
    }
}
