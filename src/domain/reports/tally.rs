//! Adding up a report's figures, then naming and sorting them.

use super::*;

/// The figures of a report as they are added up, before names and shares.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) total: i64,
    pub(super) by_status: BTreeMap<&'static str, (String, i64)>,
    pub(super) by_kind: BTreeMap<&'static str, (String, i64)>,
    pub(super) by_agency: BTreeMap<i32, i64>,
    pub(super) by_chair: BTreeMap<Option<i32>, i64>,
    pub(super) by_room: BTreeMap<Option<i32>, i64>,
    pub(super) cancellations: i64,
    pub(super) late_registrations: i64,
    pub(super) late_documents: i64,
    pub(super) booked_week: BTreeMap<(i32, NaiveDate), i64>,
    pub(super) booked_month: BTreeMap<(i32, NaiveDate), i64>,
    pub(super) lead_time: LeadTime,
}

impl Tally {
    pub(super) fn status(&mut self, status: MeetingStatus, n: i64) {
        self.total += n;
        self.by_status
            .entry(status.code())
            .or_insert_with(|| (status_vi(status), 0))
            .1 += n;
        if status == MeetingStatus::Cancelled {
            self.cancellations += n;
        }
    }

    pub(super) fn kind(&mut self, kind: MeetingKind, n: i64) {
        self.by_kind
            .entry(kind.code())
            .or_insert_with(|| (kind_vi(kind), 0))
            .1 += n;
    }

    pub(super) fn booked(&mut self, room: i32, day: NaiveDate, minutes: i64) {
        *self
            .booked_week
            .entry((room, clock::week_start(day)))
            .or_default() += minutes;
        *self
            .booked_month
            .entry((room, month_start(day)))
            .or_default() += minutes;
    }

    /// A booking running into the office hours of later days (a field trip over several days,
    /// a meeting into the night): its minutes on those days, inside the period.
    pub(super) fn spilled(
        &mut self,
        f: &ReportFilter,
        calendar: &Calendar,
        settings: &Settings,
        (room, starts, ends): (i32, DateTime<Utc>, DateTime<Utc>),
    ) {
        let first = clock::office_date(starts);
        for (day, minutes) in office_minutes_of(starts, ends, settings) {
            if day > first && day <= f.to && calendar.is_working_day(day) {
                self.booked(room, day, minutes);
            }
        }
    }

    /// The report: names, sorted tables and the shares of office hours booked.
    pub(super) fn report(
        self,
        f: &ReportFilter,
        reschedules: i64,
        (agencies, persons, rooms): Names,
        calendar: &Calendar,
        settings: &Settings,
    ) -> Report {
        let coded = |m: BTreeMap<&str, (String, i64)>| -> Vec<Count> {
            sorted(
                m.into_iter()
                    .map(|(k, (label, count))| Count {
                        key: k.into(),
                        label,
                        count,
                    })
                    .collect(),
            )
        };
        let named = |id: Option<i32>, names: &HashMap<i32, String>, none: &str| match id {
            Some(id) => (
                id.to_string(),
                names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
            ),
            None => (String::new(), none.to_string()),
        };
        let by_id = |m: BTreeMap<Option<i32>, i64>, names: &HashMap<i32, String>, none: &str| {
            sorted(
                m.into_iter()
                    .map(|(id, count)| {
                        let (key, label) = named(id, names, none);
                        Count { key, label, count }
                    })
                    .collect(),
            )
        };
        let day_minutes = (settings.office_closes - settings.office_opens).num_minutes();
        let office_minutes = |start: NaiveDate, end: NaiveDate| -> i64 {
            let start = start.max(f.from);
            let end = end.min(f.to);
            start
                .iter_days()
                .take_while(|d| *d <= end)
                .filter(|d| calendar.is_working_day(*d))
                .count() as i64
                * day_minutes
        };
        let shares = |booked: BTreeMap<(i32, NaiveDate), i64>, weekly: bool| -> Vec<Utilisation> {
            booked
                .into_iter()
                .map(|((room_id, start), booked_minutes)| {
                    let end = if weekly {
                        start + Duration::days(6)
                    } else {
                        month_end(start)
                    };
                    let office = office_minutes(start, end);
                    Utilisation {
                        room_id,
                        room: rooms.get(&room_id).cloned().unwrap_or_default(),
                        period_start: start.max(f.from),
                        booked_minutes,
                        office_minutes: office,
                        share: if office > 0 {
                            (booked_minutes as f64 / office as f64 * 10_000.0).round() / 10_000.0
                        } else {
                            0.0
                        },
                    }
                })
                .collect()
        };
        Report {
            filter: f.clone(),
            total: self.total,
            by_status: coded(self.by_status),
            by_kind: coded(self.by_kind),
            by_agency: by_id(
                self.by_agency
                    .into_iter()
                    .map(|(k, v)| (Some(k), v))
                    .collect(),
                &agencies,
                "",
            ),
            by_chair: by_id(self.by_chair, &persons, &vietnamese("report.no_chair")),
            by_room: by_id(self.by_room, &rooms, &vietnamese("report.outside_rooms")),
            utilisation_weekly: shares(self.booked_week, true),
            utilisation_monthly: shares(self.booked_month, false),
            lead_time: self.lead_time,
            late_registrations: self.late_registrations,
            late_documents: self.late_documents,
            cancellations: self.cancellations,
            reschedules,
        }
    }
}

/// The 1-based rank of the nearest-rank `p`th percentile of `n` values; None when empty.
pub(super) fn nearest_rank(p: f64, n: usize) -> Option<usize> {
    if n == 0 {
        return None;
    }
    let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
    Some(rank.min(n))
}

/// Largest count first, then by key: the order of a report's tables and charts.
pub(super) fn sorted(mut v: Vec<Count>) -> Vec<Count> {
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

/// Nearest-rank percentile of sorted values, rounded to 2 decimals; None when empty.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let v = sorted[nearest_rank(p, sorted.len())? - 1];
    Some((v * 100.0).round() / 100.0)
}

/// The minutes of `starts..ends` inside office hours, per office-local day.
pub(super) fn office_minutes_of(
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    s: &Settings,
) -> Vec<(NaiveDate, i64)> {
    let mut out = Vec::new();
    let mut day = clock::office_date(starts);
    let last = clock::office_date(ends);
    while day <= last {
        let open = clock::local_to_utc(OFFICE_TZ, day.and_time(s.office_opens));
        let close = clock::local_to_utc(OFFICE_TZ, day.and_time(s.office_closes));
        if let (Some(open), Some(close)) = (open, close) {
            let a = starts.max(open);
            let b = ends.min(close);
            if b > a {
                out.push((day, (b - a).num_minutes()));
            }
        }
        day = match day.succ_opt() {
            Some(d) => d,
            None => break,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(5.0));
        assert_eq!(percentile(&v, 90.0), Some(9.0));
        assert_eq!(percentile(&[3.0], 90.0), Some(3.0));
        assert_eq!(percentile(&[], 50.0), None);
    }
}
