//! The day timeline of the rooms (`/lich-phong/ngay`): segments per room, the free slots to
//! book, the current-time line.

use super::*;

/// A stretch of one lane of the timeline: empty (one slot) or a meeting over `span` slots.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    pub span: i64,
    pub entry: Option<Entry>,
    /// An empty slot of a bookable room that may be booked (not past, not at lunch).
    pub book: Option<Book>,
    /// Where the current-time line crosses this segment, today only: a class "now-N", the line
    /// at N × 5 % from the segment's left (the pages' policy allows no inline style).
    pub now: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineRoom {
    pub id: i32,
    pub name: String,
    pub detail: String,
    pub closures: Vec<String>,
    /// Meetings that overlap (a pending request beside an approved one) go to further lanes.
    pub lanes: Vec<Vec<Segment>>,
    pub lane_count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hour {
    /// "07:00".
    pub label: String,
    pub span: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayTimeline {
    pub head: DayHead,
    /// "2026-11-25" of this day and its neighbours; the week's name for the week calendar.
    pub day: String,
    pub previous: String,
    pub next: String,
    pub today: String,
    pub week: String,
    pub hours: Vec<Hour>,
    pub slots: i64,
    pub rooms: Vec<TimelineRoom>,
    /// Meetings of the day entirely outside the timeline's hours.
    pub outside: Vec<Entry>,
    /// The time now ("14:05") when the timeline is today's and now lies within it.
    pub now: Option<String>,
}

/// The hours the timeline covers: office hours widened to whole hours.
fn window(settings: &Settings) -> (u32, u32) {
    let opens = settings.office_opens.hour();
    let closes = settings.office_closes.hour() + u32::from(settings.office_closes.minute() > 0);
    if closes > opens {
        (opens, closes.min(24))
    } else {
        (7, 18)
    }
}

/// Where the current-time line crosses the segment of `span` slots from slot `first`, `minutes`
/// into the timeline: the class "now-N" (the line N × 5 % from the segment's left), or None
/// when the line is elsewhere.
fn now_line(minutes: f64, first: i64, span: i64) -> Option<String> {
    let (a, b) = (
        (first * SLOT_MINUTES) as f64,
        ((first + span) * SLOT_MINUTES) as f64,
    );
    (a <= minutes && minutes < b)
        .then(|| format!("now-{}", ((minutes - a) * 20.0 / (b - a)) as u32))
}

/// The day timeline of rooms, over office hours in slots of [`SLOT_MINUTES`].
pub async fn rooms_day(
    db: &Db,
    actor: &Actor,
    day: NaiveDate,
    settings: &Settings,
) -> Result<DayTimeline> {
    let cal = Calendar::load(&db.conn, day, day).await?;
    let today = clock::office_date(clock::now());
    let (opens, closes) = window(settings);
    let per_hour = 60 / SLOT_MINUTES;
    let slots = i64::from(closes - opens) * per_hour;
    let origin = day_start(day) + Duration::hours(i64::from(opens));
    let occurrences = shown_between(
        db,
        actor,
        day_start(day),
        day_start(day + Duration::days(1)),
    )
    .await?;
    let names = Names::load(db, &occurrences).await?;
    let mut outside = vec![];
    let slot_of = |t: DateTime<Utc>, up: bool| {
        let minutes = (t - origin).num_minutes();
        let s = if up {
            (minutes + SLOT_MINUTES - 1).div_euclid(SLOT_MINUTES)
        } else {
            minutes.div_euclid(SLOT_MINUTES)
        };
        s.clamp(0, slots)
    };
    let now = clock::now();
    let working = cal.is_working_day(day);
    let day_end = origin + Duration::minutes(slots * SLOT_MINUTES);
    // The current-time line: in which slot it falls and how far into it.
    let now_minutes = (day == today && origin <= now && now < day_end)
        .then(|| (now - origin).num_seconds() as f64 / 60.0);
    let line_at = |first: i64, span: i64| now_line(now_minutes?, first, span);
    let mut rooms = vec![];
    for r in &names.rooms {
        // Each lane: (first slot, last slot exclusive, entry), by start.
        let mut lanes: Vec<Vec<(i64, i64, Entry)>> = vec![];
        for o in occurrences.iter().filter(|o| o.room_id == Some(r.id)) {
            let Some(e) = names.entry(actor, o, day) else {
                continue;
            };
            let (a, b) = (slot_of(e.starts_at, false), slot_of(e.ends_at, true));
            if b <= a {
                outside.push(e);
                continue;
            }
            match lanes
                .iter_mut()
                .find(|l| l.last().is_none_or(|(_, end, _)| *end <= a))
            {
                Some(lane) => lane.push((a, b, e)),
                None => lanes.push(vec![(a, b, e)]),
            }
        }
        if lanes.is_empty() {
            lanes.push(vec![]);
        }
        let closed = cal.closures_on(day, Some(r.id)).next().is_some();
        let bookable = r.bookable && !closed && working;
        let taken: Vec<(DateTime<Utc>, DateTime<Utc>)> = lanes
            .iter()
            .flatten()
            .map(|(_, _, e)| (e.starts_at, e.ends_at))
            .collect();
        // A free slot of the first lane offers to book it: an hour when the next slot is free
        // too, else half an hour.
        let free_at = |i: i64| {
            let a = origin + Duration::minutes(i * SLOT_MINUTES);
            let b = a + Duration::minutes(SLOT_MINUTES);
            let ok = |a: DateTime<Utc>, b: DateTime<Utc>| {
                let (la, lb) = (
                    a.with_timezone(&OFFICE_TZ).time(),
                    b.with_timezone(&OFFICE_TZ).time(),
                );
                a >= now
                    && b <= day_end
                    && lb > settings.office_opens
                    && la >= settings.office_opens
                    && (settings.lunch_ends <= settings.lunch_starts
                        || lb <= settings.lunch_starts
                        || la >= settings.lunch_ends)
                    && taken.iter().all(|(s, e)| b <= *s || *e <= a)
            };
            if !bookable || !ok(a, b) {
                return None;
            }
            let long = a + Duration::minutes(BOOK_MINUTES);
            Some(book(r, day, a, if ok(a, long) { long } else { b }))
        };
        let empty = |i: i64, first_lane: bool| Segment {
            span: 1,
            entry: None,
            book: if first_lane { free_at(i) } else { None },
            now: line_at(i, 1),
        };
        let lanes: Vec<Vec<Segment>> = lanes
            .into_iter()
            .enumerate()
            .map(|(n, lane)| {
                let mut out = vec![];
                let mut at = 0;
                for (a, b, e) in lane {
                    out.extend((at..a).map(|i| empty(i, n == 0)));
                    out.push(Segment {
                        span: b - a,
                        entry: Some(e),
                        book: None,
                        now: line_at(a, b - a),
                    });
                    at = b;
                }
                out.extend((at..slots).map(|i| empty(i, n == 0)));
                out
            })
            .collect();
        rooms.push(TimelineRoom {
            id: r.id,
            name: r.name.clone(),
            detail: place(r),
            closures: cal
                .closures_on(day, Some(r.id))
                .filter(|c| c.room_id.is_some())
                .map(|c| c.reason.clone())
                .collect(),
            lane_count: lanes.len(),
            lanes,
        });
    }
    outside.sort_by_key(|e| e.starts_at);
    Ok(DayTimeline {
        head: day_head(&cal, day, today),
        day: day.to_string(),
        previous: (day - Duration::days(1)).to_string(),
        next: (day + Duration::days(1)).to_string(),
        today: today.to_string(),
        week: week_name(day),
        hours: (opens..closes)
            .map(|h| Hour {
                label: format!("{h:02}:00"),
                span: per_hour,
            })
            .collect(),
        slots,
        rooms,
        outside,
        now: now_minutes.map(|_| hm(now)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_line_falls_in_the_segment_holding_now_at_its_share_of_it() {
        // 09:45 on a timeline from 07:00: 165 minutes in, slot 5 (09:30–10:00), halfway.
        assert_eq!(now_line(165.0, 5, 1).as_deref(), Some("now-10"));
        assert_eq!(now_line(165.0, 4, 1), None);
        assert_eq!(now_line(165.0, 6, 1), None);
        // A meeting over slots 4–7 (09:00–11:00): 45 of its 120 minutes.
        assert_eq!(now_line(165.0, 4, 4).as_deref(), Some("now-7"));
        assert_eq!(now_line(150.0, 5, 1).as_deref(), Some("now-0"));
        assert_eq!(now_line(179.9, 5, 1).as_deref(), Some("now-19"));
    }
}
