//! The figures of a period from queries over it (every filtered report, and the first one).

use super::*;

/// Occurrences starting in the period, joined to their meeting, with the filters applied.
pub(super) fn occurrences_in(f: &ReportFilter) -> sea_orm::Select<occurrence::Entity> {
    let mut q = occurrence::Entity::find()
        .select_only()
        .join(JoinType::InnerJoin, occurrence::Relation::Meeting.def())
        .filter(occurrence::Column::StartsAt.gte(f.start()))
        .filter(occurrence::Column::StartsAt.lt(f.end()));
    if let Some(a) = f.agency_id {
        q = q.filter(meeting::Column::RequestingAgencyId.eq(a));
    }
    if let Some(r) = f.room_id {
        q = q.filter(occurrence::Column::RoomId.eq(r));
    }
    if let Some(c) = f.chair_id {
        q = q.filter(occurrence::Column::ChairId.eq(c));
    }
    q
}

pub(super) type Group = (
    MeetingStatus,
    MeetingKind,
    i32,
    Option<i32>,
    Option<i32>,
    i64,
);

/// The figures of a period by queries over it: counts in one GROUP BY query; lateness and room
/// use per day in one query grouped by room, week and month; the lead-time percentiles picked
/// by rank in SQL. The three run at once, each on its own pooled connection (on SQLite as on
/// PostgreSQL reads do not wait for each other).
pub(super) async fn period_queries(
    db: &Db,
    f: &ReportFilter,
    calendar: &Calendar,
    settings: &Settings,
) -> Result<Tally> {
    let (groups, lead_time, by_day) = rocket::tokio::try_join!(
        counts(db, f),
        lead_time(db, f),
        standing_by_day(db, f, calendar, settings),
    )?;
    let mut t = Tally {
        lead_time,
        ..Tally::default()
    };
    for (status, kind, agency, chair, room, n) in groups {
        t.status(status, n);
        t.kind(kind, n);
        *t.by_agency.entry(agency).or_default() += n;
        *t.by_chair.entry(chair).or_default() += n;
        *t.by_room.entry(room).or_default() += n;
    }
    let day_of = |n: i32| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(f.from);
    let mut spills = 0;
    for row in &by_day.rows {
        t.late_registrations += row.try_get::<i64>("", "late_reg")?;
        t.late_documents += row.try_get::<i64>("", "late_doc")?;
        spills += row.try_get::<i64>("", "spills")?;
        let room: Option<i32> = row.try_get("", "room_id")?;
        if let (Some(room), true) = (room, row.try_get::<i64>("", "bookings")? > 0) {
            let minutes: i64 = row.try_get("", "booked")?;
            *t.booked_week
                .entry((room, day_of(row.try_get("", "wk")?)))
                .or_default() += minutes;
            *t.booked_month
                .entry((room, day_of(row.try_get("", "mo")?)))
                .or_default() += minutes;
        }
    }
    // The rare bookings that run into the office hours of a later day, one by one.
    if spills > 0 {
        for row in query_all(db, by_day.spilling, Span::Period).await? {
            let booking = (
                row.try_get("", "room_id")?,
                row.try_get("", "starts_at")?,
                row.try_get("", "ends_at")?,
            );
            t.spilled(f, calendar, settings, booking);
        }
    }
    Ok(t)
}

/// Occurrences by status × kind × agency × chair × room.
pub(super) async fn counts(db: &Db, f: &ReportFilter) -> Result<Vec<Group>> {
    Ok(occurrences_in(f)
        .column(occurrence::Column::Status)
        .column(meeting::Column::Kind)
        .column(meeting::Column::RequestingAgencyId)
        .column(occurrence::Column::ChairId)
        .column(occurrence::Column::RoomId)
        .column_as(occurrence::Column::Id.count(), "n")
        .group_by(occurrence::Column::Status)
        .group_by(meeting::Column::Kind)
        .group_by(meeting::Column::RequestingAgencyId)
        .group_by(occurrence::Column::ChairId)
        .group_by(occurrence::Column::RoomId)
        .into_tuple()
        .all(&db.conn)
        .await?)
}

/// Reschedules of the meetings covered (those with an occurrence in the report), whenever
/// recorded (usually before the period): from the reschedule entries of the audit trail, each
/// asking its meeting's occurrences, rather than from the period's meetings, which are many.
pub(super) async fn reschedules(db: &Db, f: &ReportFilter) -> Result<i64> {
    let mut sql = Sql::new(db.backend());
    let period = period_where(&mut sql, f);
    let text = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM meeting_event e \
         WHERE e.action IN ('reschedule', 'reschedule_occurrence') AND EXISTS ( \
           SELECT 1 FROM occurrence o JOIN meeting m ON m.id = o.meeting_id \
           WHERE o.meeting_id = e.meeting_id AND {period})"
    );
    let row = db.conn.query_one_raw(sql.statement(text)).await?;
    Ok(match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    })
}

/// The per-day query's rows, and the statement that lists the bookings running into the office
/// hours of a later day (asked only when some do).
pub(super) struct StandingByDay {
    pub(super) rows: Vec<sea_orm::QueryResult>,
    pub(super) spilling: Statement,
}

/// The standing occurrences by the day they start: late registrations, late documents, and
/// the office minutes approved bookings take on that day, per room, week and month.
pub(super) async fn standing_by_day(
    db: &Db,
    f: &ReportFilter,
    calendar: &Calendar,
    settings: &Settings,
) -> Result<StandingByDay> {
    standing(db, f, &DayRow::period(f, calendar, settings), false).await
}

/// The standing occurrences of the given days: grouped by room, week and month, or, when
/// `by_office_day`, by room and day with the documents late and missing apart (see [`Day`]).
pub(super) async fn standing(
    db: &Db,
    f: &ReportFilter,
    rows: &[DayRow],
    by_office_day: bool,
) -> Result<StandingByDay> {
    let mut sql = Sql::new(db.backend());
    let days = days_cte(&mut sql, rows);
    let mut period = period_where(&mut sql, f);
    if by_office_day {
        period = format!("{period} AND {}", on_days(&mut sql, rows));
    }
    let standing = codes(&[
        MeetingStatus::Cancelled.code(),
        MeetingStatus::Rejected.code(),
        MeetingStatus::Withdrawn.code(),
    ]);
    let regular = codes(
        &MeetingKind::ALL
            .iter()
            .filter(|k| documents::rule_applies(**k))
            .map(|k| k.code())
            .collect::<Vec<_>>(),
    );
    let approved = MeetingStatus::Approved.code();
    let draft = MeetingStatus::Draft.code();
    let booked = format!(
        "o.status = '{approved}' AND o.room_id IS NOT NULL \
         AND o.starts_at < d.close_at AND o.ends_at > d.open_at"
    );
    let minutes = sql.minutes(
        &sql.greatest("o.starts_at", "d.open_at"),
        &sql.least("o.ends_at", "d.close_at"),
    );
    let spill =
        format!("o.status = '{approved}' AND o.room_id IS NOT NULL AND o.ends_at > d.spill_at");
    let from = format!(
        "WITH {days} SELECT {{cols}} FROM d CROSS JOIN occurrence o \
         JOIN meeting m ON m.id = o.meeting_id \
         LEFT JOIN (SELECT meeting_id, MIN(uploaded_at) AS first_at FROM document \
                    GROUP BY meeting_id) fu ON fu.meeting_id = o.meeting_id \
         WHERE o.starts_at >= d.lo AND o.starts_at < d.hi AND {period} \
         AND o.status NOT IN ({standing})"
    );
    let documents_rule = format!("m.kind IN ({regular}) AND o.status <> '{draft}'");
    let (keys, document_sums, documents) = match by_office_day {
        // Whether a missing document is late depends on the day the report is read.
        true => (
            "room_id, dn",
            &["docs_late", "docs_missing"][..],
            format!(
                "CASE WHEN {documents_rule} AND fu.first_at >= d.doc_after \
                 THEN 1 ELSE 0 END AS docs_late, \
                 CASE WHEN {documents_rule} AND fu.first_at IS NULL \
                 THEN 1 ELSE 0 END AS docs_missing"
            ),
        ),
        false => (
            "room_id, wk, mo",
            &["late_doc"][..],
            format!(
                "CASE WHEN {documents_rule} \
                 AND ((fu.first_at IS NULL AND d.doc_overdue = 1) OR fu.first_at >= d.doc_after) \
                 THEN 1 ELSE 0 END AS late_doc"
            ),
        ),
    };
    // Each row's figures first, then their sums by the keys. SQLite sorts the rows it groups,
    // and a sorted row now holds the keys and a few integers instead of the dozen timestamps
    // and codes the figures are computed from: 195-230 -> 139-160 ms for the per-week query on
    // the report bench. `LIMIT -1` (no limit) keeps SQLite from flattening the subquery back
    // into the grouping; PostgreSQL hashes the groups either way.
    let per_row = format!(
        "o.room_id AS room_id, d.dn AS dn, d.wk AS wk, d.mo AS mo, \
         CASE WHEN m.submitted_at >= d.reg_after THEN 1 ELSE 0 END AS late_reg, {documents}, \
         CASE WHEN {booked} THEN {minutes} ELSE 0 END AS booked, \
         CASE WHEN {booked} THEN 1 ELSE 0 END AS bookings, \
         CASE WHEN {spill} THEN 1 ELSE 0 END AS spills"
    );
    let fence = match db.backend() {
        DbBackend::Sqlite => " LIMIT -1",
        _ => "",
    };
    let sums = ["late_reg"]
        .iter()
        .chain(document_sums)
        .chain(&["booked", "bookings", "spills"])
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let grouped = format!(
        "SELECT {keys}, {sums} FROM ({}{fence}) r GROUP BY {keys}",
        from.replace("{cols}", &per_row)
    );
    let span = if by_office_day {
        Span::of(rows)
    } else {
        Span::Period
    };
    let rows = query_all(db, sql.statement(grouped), span).await?;
    let cols = "d.dn AS dn, o.room_id AS room_id, o.starts_at AS starts_at, o.ends_at AS ends_at";
    let spilling = sql.statement(from.replace("{cols}", cols) + &format!(" AND {spill}"));
    Ok(StandingByDay { rows, spilling })
}

pub(super) type Names = (
    HashMap<i32, String>,
    HashMap<i32, String>,
    HashMap<i32, String>,
);

/// The names of agencies, persons (with their position) and rooms.
pub(super) async fn names(db: &Db) -> Result<Names> {
    let conn = &db.conn;
    let agencies = agency::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let persons = person::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.position, p.full_name)))
        .collect();
    let rooms = room::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok((agencies, persons, rooms))
}

/// Median and 90th percentile of the approval lead time of the meetings covered, without
/// fetching every lead time: SQL numbers the decided meetings by lead time and returns only
/// the rows at the ranks [`nearest_rank`] may pick (it rounds in floating point, so the 90th
/// percentile's rank is the exact ceiling or one more), with their count. The window runs
/// over the lead times alone (whole seconds): carrying the two instants through it cost more
/// than the rest of the query.
pub(super) async fn lead_time(db: &Db, f: &ReportFilter) -> Result<LeadTime> {
    let mut sql = Sql::new(db.backend());
    // The agency is the meeting's own: asked of the outer row, so that the occurrences'
    // subquery needs no join.
    let agency = match f.agency_id {
        Some(a) => format!(" AND m.requesting_agency_id = {}", sql.bind(a)),
        None => String::new(),
    };
    let unfiltered = ReportFilter {
        agency_id: None,
        ..f.clone()
    };
    let period = period_where(&mut sql, &unfiltered);
    let lead = sql.seconds("m.submitted_at", "m.decided_at");
    let text = format!(
        "SELECT t.lead AS lead, t.rn AS rn, t.n AS n FROM ( \
           SELECT lead, ROW_NUMBER() OVER (ORDER BY lead) AS rn, COUNT(*) OVER () AS n FROM ( \
             SELECT CAST({lead} AS BIGINT) AS lead FROM meeting m \
             WHERE m.submitted_at IS NOT NULL AND m.decided_at IS NOT NULL{agency} \
             AND m.id IN (SELECT o.meeting_id FROM occurrence o WHERE {period})) l \
         ) t WHERE t.rn IN ((t.n + 1) / 2, (9 * t.n + 9) / 10, (9 * t.n + 9) / 10 + 1)"
    );
    let rows = query_all(db, sql.statement(text), Span::Period).await?;
    let mut n = 0usize;
    let mut at_rank: HashMap<usize, f64> = HashMap::new();
    for row in rows {
        n = row.try_get::<i64>("", "n")? as usize;
        let seconds: i64 = row.try_get("", "lead")?;
        let rn = row.try_get::<i64>("", "rn")? as usize;
        at_rank.insert(rn, seconds as f64 / 3600.0);
    }
    let pick = |p: f64| {
        nearest_rank(p, n)
            .and_then(|r| at_rank.get(&r))
            .map(|v| (v * 100.0).round() / 100.0)
    };
    Ok(LeadTime {
        decided: n,
        median_hours: pick(50.0),
        p90_hours: pick(90.0),
    })
}
