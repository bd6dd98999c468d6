//! The month views of rooms and of leaders.

use super::*;

/// The first day of a month named "2026-12" (or by any of its dates, "2026-12-07").
pub fn parse_month(field: &str, value: &str) -> Result<NaiveDate> {
    let bad = || Error::invalid_with(field, "msg.calendars.invalid_month", &[("value", value)]);
    let v = value.trim();
    let d = match v.len() {
        7 => NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d").map_err(|_| bad())?,
        _ => v.parse::<NaiveDate>().map_err(|_| bad())?,
    };
    if !YEARS.contains(&d.year()) {
        return Err(bad());
    }
    Ok(d.with_day(1).unwrap_or(d))
}

fn month_name(first: NaiveDate) -> String {
    first.format("%Y-%m").to_string()
}

/// One day of a month calendar: its heading and what happens on it (a line per meeting and
/// room or leader), in time order.
#[derive(Debug, Clone, Serialize)]
pub struct MonthDay {
    pub head: DayHead,
    /// False for the days of the neighbouring months that fill the first and last weeks.
    pub in_month: bool,
    pub entries: Vec<MonthEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthEntry {
    /// The room (room calendar) or the leader (leaders' calendar) the line is about.
    pub row: String,
    #[serde(flatten)]
    pub entry: Entry,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthCalendar {
    /// "2026-12", its neighbours' and the current month's names for links.
    pub name: String,
    pub previous: String,
    pub next: String,
    pub this_month: String,
    pub is_this_month: bool,
    /// "12/2026".
    pub text: String,
    /// Monday-to-Sunday weeks covering the month.
    pub weeks: Vec<Vec<MonthDay>>,
}

/// Whose month: the rooms' (every meeting with a room) or the leaders' (meetings each active
/// leader chairs or must attend).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthOf {
    Rooms,
    Leaders,
}

/// A month calendar of rooms or leaders, as `actor` may see it (others' confidential meetings
/// are "Bận", [`visibility`]).
pub async fn month(db: &Db, actor: &Actor, first: NaiveDate, of: MonthOf) -> Result<MonthCalendar> {
    let first = first.with_day(1).unwrap_or(first);
    let next = (first + Duration::days(32)).with_day(1).unwrap_or(first);
    let start = clock::week_start(first);
    let end = clock::week_start(next - Duration::days(1)) + Duration::days(7);
    let cal = Calendar::load(&db.conn, start, end - Duration::days(1)).await?;
    let today = clock::office_date(clock::now());
    let occurrences = shown_between(db, actor, day_start(start), day_start(end)).await?;
    let names = Names::load(db, &occurrences).await?;
    // Per occurrence, whom it concerns: its room, or the leaders chairing or attending it.
    let mut about: Vec<(usize, &occurrence::Model, String, bool)> = vec![];
    match of {
        MonthOf::Rooms => {
            for o in &occurrences {
                if let Some((i, r)) = names
                    .rooms
                    .iter()
                    .enumerate()
                    .find(|(_, r)| Some(r.id) == o.room_id)
                {
                    about.push((i, o, r.name.clone(), false));
                }
            }
        }
        MonthOf::Leaders => {
            let (leaders, required) = leaders_and_required(db, &names).await?;
            for o in &occurrences {
                for (i, p) in leaders.iter().enumerate() {
                    let chairs = o.chair_id == Some(p.id);
                    if chairs || required.contains(&(o.meeting_id, p.id)) {
                        let who = format!("{} {}", short_position(&p.position), p.full_name);
                        about.push((i, o, who, !chairs));
                    }
                }
            }
        }
    }
    let weeks = (0..(end - start).num_days() / 7)
        .map(|w| {
            (0..7)
                .map(|i| {
                    let date = start + Duration::days(w * 7 + i);
                    let mut lines: Vec<(DateTime<Utc>, usize, MonthEntry)> = about
                        .iter()
                        .filter(|(_, o, _, _)| {
                            let first = clock::office_date(o.starts_at);
                            let last =
                                clock::office_date(o.ends_at - Duration::seconds(1)).max(first);
                            first <= date && date <= last
                        })
                        .filter_map(|(n, o, row, attending)| {
                            let mut entry = names.entry(actor, o, date)?;
                            entry.attending = *attending;
                            if of == MonthOf::Leaders && !attending {
                                entry.chair = None;
                            }
                            Some((
                                entry.starts_at,
                                *n,
                                MonthEntry {
                                    row: row.clone(),
                                    entry,
                                },
                            ))
                        })
                        .collect();
                    lines.sort_by_key(|(t, n, _)| (*t, *n));
                    MonthDay {
                        head: day_head(&cal, date, today),
                        in_month: date.month() == first.month(),
                        entries: lines.into_iter().map(|(_, _, e)| e).collect(),
                    }
                })
                .collect()
        })
        .collect();
    let this_month = today.with_day(1).unwrap_or(today);
    Ok(MonthCalendar {
        name: month_name(first),
        previous: month_name((first - Duration::days(1)).with_day(1).unwrap_or(first)),
        next: month_name(next),
        this_month: month_name(this_month),
        is_this_month: first == this_month,
        text: first.format("%m/%Y").to_string(),
        weeks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_named_by_year_and_month_or_by_a_date() {
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(parse_month("thang", "2026-12").unwrap(), first);
        assert_eq!(parse_month("thang", "2026-12-17").unwrap(), first);
        for bad in ["2026-13", "12/2026", "", "99999-01"] {
            assert_eq!(
                parse_month("thang", bad).unwrap_err().field(),
                Some("thang")
            );
        }
    }
}
