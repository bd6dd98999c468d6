//! The whole office's figures kept per office day ([`DayCache`]).

use super::sql::col;
use super::*;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, SelectStatement};

/// One office day's share of the whole office's report: what [`whole_office`] adds up.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Day {
    pub(super) status: Vec<(MeetingStatus, i64)>,
    pub(super) kind: Vec<(MeetingKind, i64)>,
    pub(super) agency: Vec<(i32, i64)>,
    pub(super) chair: Vec<(Option<i32>, i64)>,
    pub(super) room: Vec<(Option<i32>, i64)>,
    pub(super) late_registrations: i64,
    /// Standing occurrences of regular meetings whose first document came after the deadline.
    pub(super) documents_late: i64,
    /// The same without any document yet: late only once the deadline has passed, which
    /// depends on the day the report is read, so it is decided when the days are added up.
    pub(super) documents_missing: i64,
    /// Office minutes booked, by room (rooms with a booking that day).
    pub(super) booked: Vec<(i32, i64)>,
    /// Bookings running into the office hours of a later day: room, start, end.
    pub(super) spilling: Vec<(i32, DateTime<Utc>, DateTime<Utc>)>,
    /// The decided meetings meeting that day, with their lead time in seconds.
    pub(super) leads: Vec<(i32, i64)>,
}

/// A day's figures as computed: under the day's count in `report_day` and its [`DayRow`].
#[derive(Clone)]
pub(super) struct KeptDay {
    pub(super) count: i64,
    pub(super) row: DayRow,
    pub(super) figures: Arc<Day>,
}

/// At most this many days are kept in memory (ten years); past it the copy starts again empty.
pub(super) const DAYS_KEPT: usize = 3660;

/// More days to compute than this (the first report over a period) and the report comes from
/// the queries over its period, and its days are computed in the background once it is done:
/// computing days returns a row per day and value, and takes longer than the period's queries
/// (0.33 s more than their 0.25 s on the report bench).
pub(super) const DAYS_AT_ONCE: usize = 31;

/// The office days' figures, each with the count of `report_day` it was computed at.
/// Triggers bump a day's count in the transaction that changes one of its occurrences (or what
/// a report reads of their meetings and documents), so a day whose count has not moved, and
/// whose [`DayRow`] is the same, still has the figures it had. They are kept in memory and in
/// the table `report_day_figures`, which survives a restart and serves every instance sharing
/// the database.
#[derive(Default)]
pub struct DayCache {
    pub(super) kept: std::sync::Mutex<HashMap<NaiveDate, KeptDay>>,
    /// Held while days are computed in the background, so that one computation runs at a time.
    pub(super) filling: Arc<rocket::tokio::sync::Mutex<()>>,
}

/// What [`whole_office`] found.
pub(super) enum Kept {
    Figures(Tally),
    /// Too many days to compute at once (see [`DAYS_AT_ONCE`]): these, with the counts.
    TooManyStale(Vec<DayRow>, HashMap<NaiveDate, i64>),
}

/// The whole office's figures over the period from the days kept, after computing again the
/// days whose count or row moved, unless too many did and `background` is set. The counts are
/// read before the days are computed: a day changed in between is then kept under its older
/// count, and computed again at the next report.
pub(super) async fn whole_office(
    db: &Db,
    f: &ReportFilter,
    calendar: &Calendar,
    settings: &Settings,
    background: bool,
) -> Result<Kept> {
    let counts = day_counts(db, f).await?;
    let count = |day: &NaiveDate| counts.get(day).copied().unwrap_or(0);
    let mut days: Vec<KeptDay> = Vec::new();
    let mut stale = Vec::new();
    {
        let cache = db.kept::<DayCache>();
        let mut kept = cache.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() > DAYS_KEPT {
            kept.clear();
        }
        for row in DayRow::period(f, calendar, settings) {
            match kept.get(&row.day) {
                Some(k) if k.count == count(&row.day) && k.row == row => days.push(k.clone()),
                _ => stale.push(row),
            }
        }
    }
    if !stale.is_empty() {
        let stored = stored_days(db, &stale, &counts).await?;
        let cache = db.kept::<DayCache>();
        let mut kept = cache.kept.lock().unwrap_or_else(|e| e.into_inner());
        stale.retain(|row| match stored.get(&row.day) {
            Some(k) => {
                days.push(k.clone());
                kept.insert(row.day, k.clone());
                false
            }
            None => true,
        });
    }
    if background && stale.len() > DAYS_AT_ONCE {
        return Ok(Kept::TooManyStale(stale, counts));
    }
    days.extend(compute_and_keep(db, &stale, &counts, !background).await?);

    let today = clock::office_date(clock::now());
    let mut t = Tally::default();
    let mut leads: HashMap<i32, i64> = HashMap::new();
    for KeptDay {
        row, figures: d, ..
    } in &days
    {
        let day = row.day;
        for (status, n) in &d.status {
            t.status(*status, *n);
        }
        for (kind, n) in &d.kind {
            t.kind(*kind, *n);
        }
        for (agency, n) in &d.agency {
            *t.by_agency.entry(*agency).or_default() += n;
        }
        for (chair, n) in &d.chair {
            *t.by_chair.entry(*chair).or_default() += n;
        }
        for (room, n) in &d.room {
            *t.by_room.entry(*room).or_default() += n;
        }
        t.late_registrations += d.late_registrations;
        t.late_documents += d.documents_late;
        if today > row.doc_due {
            t.late_documents += d.documents_missing;
        }
        for (room, minutes) in &d.booked {
            t.booked(*room, day, *minutes);
        }
        for booking in &d.spilling {
            t.spilled(f, calendar, settings, *booking);
        }
        leads.extend(d.leads.iter().copied());
    }
    let mut hours: Vec<f64> = leads.into_values().map(|s| s as f64 / 3600.0).collect();
    hours.sort_by(f64::total_cmp);
    t.lead_time = LeadTime {
        decided: hours.len(),
        median_hours: percentile(&hours, 50.0),
        p90_hours: percentile(&hours, 90.0),
    };
    Ok(Kept::Figures(t))
}

/// The stored figures of the given days that are still current (same count, same row).
pub(super) async fn stored_days(
    db: &Db,
    wanted: &[DayRow],
    counts: &HashMap<NaiveDate, i64>,
) -> Result<HashMap<NaiveDate, KeptDay>> {
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let q = Query::select()
        .columns(["day", "version", "inputs", "figures"].map(Alias::new))
        .from(Alias::new("report_day_figures"))
        .and_where(Expr::col(Alias::new("day")).is_in(wanted.iter().map(|r| r.day)))
        .to_owned();
    let rows = db.conn.query_all_raw(db.backend().build(&q)).await?;
    let wanted: HashMap<NaiveDate, &DayRow> = wanted.iter().map(|r| (r.day, r)).collect();
    let mut found = HashMap::new();
    for r in rows {
        let day: NaiveDate = r.try_get("", "day")?;
        let count: i64 = r.try_get("", "version")?;
        let (Some(row), true) = (
            wanted.get(&day),
            counts.get(&day).copied().unwrap_or(0) == count,
        ) else {
            continue;
        };
        let inputs: String = r.try_get("", "inputs")?;
        if serde_json::from_str::<DayRow>(&inputs).ok().as_ref() != Some(*row) {
            continue;
        }
        let figures: String = r.try_get("", "figures")?;
        if let Ok(figures) = serde_json::from_str::<Day>(&figures) {
            let kept = KeptDay {
                count,
                row: (*row).clone(),
                figures: Arc::new(figures),
            };
            found.insert(day, kept);
        }
    }
    Ok(found)
}

/// Computes the given days and keeps them under the counts read before, in memory and in the
/// table (stored after this returns unless `wait_for_store`: a report need not wait for it);
/// in runs of at most a year, to bound the statements' parameters.
pub(super) async fn compute_and_keep(
    db: &Db,
    stale: &[DayRow],
    counts: &HashMap<NaiveDate, i64>,
    wait_for_store: bool,
) -> Result<Vec<KeptDay>> {
    let mut days = Vec::with_capacity(stale.len());
    for run in stale.chunks(366) {
        let fresh = compute_days(db, run).await?;
        let mut computed = Vec::with_capacity(fresh.len());
        for (row, figures) in run.iter().zip(fresh) {
            let kept = KeptDay {
                count: counts.get(&row.day).copied().unwrap_or(0),
                row: row.clone(),
                figures: Arc::new(figures),
            };
            computed.push(kept);
        }
        if wait_for_store {
            store_days(db, &computed).await;
        } else {
            let (db, computed) = (db.clone(), computed.clone());
            rocket::tokio::spawn(async move { store_days(&db, &computed).await });
        }
        let cache = db.kept::<DayCache>();
        let mut kept = cache.kept.lock().unwrap_or_else(|e| e.into_inner());
        for k in &computed {
            kept.insert(k.row.day, k.clone());
        }
        days.extend(computed);
    }
    Ok(days)
}

/// Stores computed days in one statement; a day stored meanwhile under a later count stays. A
/// failure is logged, not passed on: the days are computed again when next wanted.
pub(super) async fn store_days(db: &Db, days: &[KeptDay]) {
    if let Err(e) = try_store_days(db, days).await {
        tracing::warn!(error = %e, "storing the report's days failed");
    }
}

pub(super) async fn try_store_days(db: &Db, days: &[KeptDay]) -> Result<()> {
    if days.is_empty() {
        return Ok(());
    }
    let table = Alias::new("report_day_figures");
    let columns = ["day", "version", "inputs", "figures"].map(Alias::new);
    let mut insert = Query::insert();
    insert.into_table(table.clone()).columns(columns.clone());
    for k in days {
        let inputs = serde_json::to_string(&k.row).map_err(|e| Error::Internal(e.to_string()))?;
        let figures =
            serde_json::to_string(&*k.figures).map_err(|e| Error::Internal(e.to_string()))?;
        insert.values_panic([
            k.row.day.into(),
            k.count.into(),
            inputs.into(),
            figures.into(),
        ]);
    }
    // A day stored meanwhile under a later count stays.
    insert.on_conflict(
        OnConflict::column(Alias::new("day"))
            .update_columns(columns[1..].to_vec())
            .action_and_where(
                Expr::col((Alias::new("excluded"), Alias::new("version")))
                    .gte(Expr::col((table, Alias::new("version")))),
            )
            .to_owned(),
    );
    let _write = db.write_guard().await;
    db.conn.execute_raw(db.backend().build(&insert)).await?;
    Ok(())
}

/// The count of each day of the period that has one (a day never changed counts 0).
pub(super) async fn day_counts(db: &Db, f: &ReportFilter) -> Result<HashMap<NaiveDate, i64>> {
    let day = || Expr::col(Alias::new("day"));
    let q = Query::select()
        .columns(["day", "version"].map(Alias::new))
        .from(Alias::new("report_day"))
        .and_where(day().gte(f.from))
        .and_where(day().lte(f.to))
        .to_owned();
    let rows = db.conn.query_all_raw(db.backend().build(&q)).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "day")?, r.try_get("", "version")?)))
        .collect()
}

/// The figures of the given days (ascending), in their order, from the occurrences starting
/// on them: the counts, the lateness and room use, and the lead times, by three queries at once.
pub(super) async fn compute_days(db: &Db, days: &[DayRow]) -> Result<Vec<Day>> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Vec::new());
    };
    let period = ReportFilter {
        from: first.day,
        to: last.day,
        agency_id: None,
        room_id: None,
        chair_id: None,
    };
    let backend = db.backend();
    let on_days_of = |select: &mut SelectStatement| {
        select.expr_as(col("d", "dn"), Alias::new("dn"));
        occurrences_on_days(select, on_days(days));
    };
    let mut counts = Query::select();
    on_days_of(&mut counts);
    counts
        .expr_as(col("o", "status"), Alias::new("status"))
        .expr_as(col("m", "kind"), Alias::new("kind"))
        .expr_as(col("m", "requesting_agency_id"), Alias::new("agency_id"))
        .expr_as(col("o", "chair_id"), Alias::new("chair_id"))
        .expr_as(col("o", "room_id"), Alias::new("room_id"))
        .expr_as(
            Expr::cust("COUNT(*)").cast_as(Alias::new("BIGINT")),
            Alias::new("n"),
        )
        .add_group_by([
            col("d", "dn"),
            col("o", "status"),
            col("m", "kind"),
            col("m", "requesting_agency_id"),
            col("o", "chair_id"),
            col("o", "room_id"),
        ]);
    let mut leads = Query::select();
    on_days_of(&mut leads);
    leads
        .expr_as(col("m", "id"), Alias::new("meeting_id"))
        .expr_as(
            seconds(backend, col("m", "submitted_at"), col("m", "decided_at"))
                .cast_as(Alias::new("BIGINT")),
            Alias::new("lead"),
        )
        .and_where(col("m", "submitted_at").is_not_null())
        .and_where(col("m", "decided_at").is_not_null());
    let counts = backend.build(&counts.with(days_table(days)));
    let leads = backend.build(&leads.with(days_table(days)));
    let standing = standing(db, &period, days, true);
    let (counts, leads, standing) = rocket::tokio::try_join!(
        query_all(db, counts, Span::of(days)),
        query_all(db, leads, Span::of(days)),
        standing
    )?;

    let mut out: BTreeMap<i32, Day> = days
        .iter()
        .map(|d| (d.day.num_days_from_ce(), Day::default()))
        .collect();
    let mut dims: HashMap<i32, DayDimensions> = HashMap::new();
    for row in counts {
        let dn: i32 = row.try_get("", "dn")?;
        let n: i64 = row.try_get("", "n")?;
        let d = dims.entry(dn).or_default();
        *d.status.entry(row.try_get("", "status")?).or_default() += n;
        *d.kind.entry(row.try_get("", "kind")?).or_default() += n;
        *d.agency.entry(row.try_get("", "agency_id")?).or_default() += n;
        *d.chair.entry(row.try_get("", "chair_id")?).or_default() += n;
        *d.room.entry(row.try_get("", "room_id")?).or_default() += n;
    }
    for (dn, d) in dims {
        if let Some(day) = out.get_mut(&dn) {
            day.status = d.status.into_iter().collect();
            day.kind = d.kind.into_iter().collect();
            day.agency = d.agency.into_iter().collect();
            day.chair = d.chair.into_iter().collect();
            day.room = d.room.into_iter().collect();
        }
    }
    for row in leads {
        if let Some(day) = out.get_mut(&row.try_get::<i32>("", "dn")?) {
            day.leads
                .push((row.try_get("", "meeting_id")?, row.try_get("", "lead")?));
        }
    }
    let mut spills = 0;
    for row in &standing.rows {
        let Some(day) = out.get_mut(&row.try_get::<i32>("", "dn")?) else {
            continue;
        };
        day.late_registrations += row.try_get::<i64>("", "late_reg")?;
        day.documents_late += row.try_get::<i64>("", "docs_late")?;
        day.documents_missing += row.try_get::<i64>("", "docs_missing")?;
        spills += row.try_get::<i64>("", "spills")?;
        let room: Option<i32> = row.try_get("", "room_id")?;
        if let (Some(room), true) = (room, row.try_get::<i64>("", "bookings")? > 0) {
            day.booked.push((room, row.try_get("", "booked")?));
        }
    }
    if spills > 0 {
        for row in query_all(db, standing.spilling, Span::of(days)).await? {
            if let Some(day) = out.get_mut(&row.try_get::<i32>("", "dn")?) {
                day.spilling.push((
                    row.try_get("", "room_id")?,
                    row.try_get("", "starts_at")?,
                    row.try_get("", "ends_at")?,
                ));
            }
        }
    }
    Ok(out.into_values().collect())
}

/// One day's counts by each dimension, as the rows of the counts query are added up.
#[derive(Default)]
pub(super) struct DayDimensions {
    pub(super) status: HashMap<MeetingStatus, i64>,
    pub(super) kind: HashMap<MeetingKind, i64>,
    pub(super) agency: HashMap<i32, i64>,
    pub(super) chair: HashMap<Option<i32>, i64>,
    pub(super) room: HashMap<Option<i32>, i64>,
}
