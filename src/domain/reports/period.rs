//! The figures of a period from queries over it (every filtered report, and the first one).

use super::sql::col;
use super::*;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement};

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
    let covered = Query::select()
        .expr(Expr::val(1))
        .from_as(Alias::new("occurrence"), Alias::new("o"))
        .join_as(
            JoinType::InnerJoin,
            Alias::new("meeting"),
            Alias::new("m"),
            col("m", "id").equals((Alias::new("o"), Alias::new("meeting_id"))),
        )
        .and_where(col("o", "meeting_id").equals((Alias::new("e"), Alias::new("meeting_id"))))
        .cond_where(period_where(f))
        .to_owned();
    let q = Query::select()
        .expr_as(
            Expr::cust("COUNT(*)").cast_as(Alias::new("BIGINT")),
            Alias::new("n"),
        )
        .from_as(Alias::new("meeting_event"), Alias::new("e"))
        .and_where(col("e", "action").is_in(["reschedule", "reschedule_occurrence"]))
        .and_where(Expr::exists(covered))
        .to_owned();
    let row = db.conn.query_one_raw(db.backend().build(&q)).await?;
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
    let backend = db.backend();
    let mut period = period_where(f);
    if by_office_day {
        period = period.add(on_days(rows));
    }
    let standing = codes(&[
        MeetingStatus::Cancelled.code(),
        MeetingStatus::Rejected.code(),
        MeetingStatus::Withdrawn.code(),
        MeetingStatus::Postponed.code(),
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
    let spill =
        format!("o.status = '{approved}' AND o.room_id IS NOT NULL AND o.ends_at > d.spill_at");
    let first_upload = Query::select()
        .column(Alias::new("meeting_id"))
        .expr_as(
            Func::min(Expr::col(Alias::new("uploaded_at"))),
            Alias::new("first_at"),
        )
        .from(Alias::new("document"))
        .group_by_col(Alias::new("meeting_id"))
        .to_owned();
    // The standing occurrences of the days with their meeting and first document.
    let from = |select: &mut SelectStatement| {
        occurrences_on_days(
            select,
            period
                .clone()
                .add(Expr::cust(format!("o.status NOT IN ({standing})"))),
        );
        select.join_subquery(
            JoinType::LeftJoin,
            first_upload.clone(),
            Alias::new("fu"),
            col("fu", "meeting_id").equals((Alias::new("o"), Alias::new("meeting_id"))),
        );
    };
    let documents_rule = format!("m.kind IN ({regular}) AND o.status <> '{draft}'");
    let case = |when: &str| -> Expr {
        Expr::case(Expr::cust(when.to_string()), 1)
            .finally(0)
            .into()
    };
    let (keys, documents): (&[&str], Vec<(&str, Expr)>) = match by_office_day {
        // Whether a missing document is late depends on the day the report is read.
        true => (
            &["room_id", "dn"],
            vec![
                (
                    "docs_late",
                    case(&format!("{documents_rule} AND fu.first_at >= d.doc_after")),
                ),
                (
                    "docs_missing",
                    case(&format!("{documents_rule} AND fu.first_at IS NULL")),
                ),
            ],
        ),
        false => (
            &["room_id", "wk", "mo"],
            vec![(
                "late_doc",
                case(&format!(
                    "{documents_rule} \
                     AND ((fu.first_at IS NULL AND d.doc_overdue = 1) OR fu.first_at >= d.doc_after)"
                )),
            )],
        ),
    };
    // Each row's figures first, then their sums by the keys. SQLite sorts the rows it groups,
    // and a sorted row now holds the keys and a few integers instead of the dozen timestamps
    // and codes the figures are computed from: 195-230 -> 139-160 ms for the per-week query on
    // the report bench. A LIMIT (as good as none) keeps SQLite from flattening the subquery
    // back into the grouping; PostgreSQL hashes the groups either way.
    let mut per_row = Query::select();
    per_row
        .expr_as(col("o", "room_id"), Alias::new("room_id"))
        .expr_as(col("d", "dn"), Alias::new("dn"))
        .expr_as(col("d", "wk"), Alias::new("wk"))
        .expr_as(col("d", "mo"), Alias::new("mo"))
        .expr_as(
            case("m.submitted_at >= d.reg_after"),
            Alias::new("late_reg"),
        );
    let mut sums = vec!["late_reg"];
    for (name, e) in documents {
        per_row.expr_as(e, Alias::new(name));
        sums.push(name);
    }
    per_row
        .expr_as(
            Expr::case(Expr::cust(booked.clone()), booked_minutes(backend)).finally(0),
            Alias::new("booked"),
        )
        .expr_as(case(&booked), Alias::new("bookings"))
        .expr_as(case(&spill), Alias::new("spills"));
    sums.extend(["booked", "bookings", "spills"]);
    from(&mut per_row);
    if backend == DbBackend::Sqlite {
        per_row.limit(i64::MAX as u64);
    }
    let mut grouped = Query::select();
    for k in keys {
        grouped.column(Alias::new(*k)).group_by_col(Alias::new(*k));
    }
    for s in sums {
        grouped.expr_as(
            Func::sum(Expr::col(Alias::new(s))).cast_as(Alias::new("BIGINT")),
            Alias::new(s),
        );
    }
    grouped.from_subquery(per_row, Alias::new("r"));
    let span = if by_office_day {
        Span::of(rows)
    } else {
        Span::Period
    };
    let with = days_table(rows);
    let rows = query_all(db, backend.build(&grouped.with(with.clone())), span).await?;
    let mut spilling = Query::select();
    spilling
        .expr_as(col("d", "dn"), Alias::new("dn"))
        .expr_as(col("o", "room_id"), Alias::new("room_id"))
        .expr_as(col("o", "starts_at"), Alias::new("starts_at"))
        .expr_as(col("o", "ends_at"), Alias::new("ends_at"));
    from(&mut spilling);
    spilling.and_where(Expr::cust(spill));
    let spilling = backend.build(&spilling.with(with));
    Ok(StandingByDay { rows, spilling })
}

pub(super) type Names = (
    HashMap<i32, String>,
    HashMap<i32, String>,
    HashMap<i32, String>,
);

/// The names of agencies, persons (with their position) and rooms.
pub(super) async fn names(db: &Db) -> Result<Names> {
    let r = crate::domain::reference::current(db).await?;
    let agencies = r
        .agencies()
        .iter()
        .map(|a| (a.id, a.name.clone()))
        .collect();
    let persons = r
        .persons()
        .iter()
        .map(|p| (p.id, format!("{} {}", p.position, p.full_name)))
        .collect();
    let rooms = r
        .rooms_in_order()
        .into_iter()
        .map(|r| (r.id, r.name.clone()))
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
    let unfiltered = ReportFilter {
        agency_id: None,
        ..f.clone()
    };
    let covered = Query::select()
        .column((Alias::new("o"), Alias::new("meeting_id")))
        .from_as(Alias::new("occurrence"), Alias::new("o"))
        .cond_where(period_where(&unfiltered))
        .to_owned();
    let mut leads = Query::select();
    leads
        .expr_as(
            seconds(
                db.backend(),
                col("m", "submitted_at"),
                col("m", "decided_at"),
            )
            .cast_as(Alias::new("BIGINT")),
            Alias::new("lead"),
        )
        .from_as(Alias::new("meeting"), Alias::new("m"))
        .and_where(col("m", "submitted_at").is_not_null())
        .and_where(col("m", "decided_at").is_not_null())
        .and_where(col("m", "id").in_subquery(covered));
    // The agency is the meeting's own: asked of the outer row, so that the occurrences'
    // subquery needs no join.
    if let Some(a) = f.agency_id {
        leads.and_where(col("m", "requesting_agency_id").eq(a));
    }
    // Window functions by rank: written as text (one place, no values).
    let ranked = Query::select()
        .column(Alias::new("lead"))
        .expr_as(
            Expr::cust("ROW_NUMBER() OVER (ORDER BY lead)"),
            Alias::new("rn"),
        )
        .expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new("n"))
        .from_subquery(leads, Alias::new("l"))
        .to_owned();
    let q = Query::select()
        .columns([Alias::new("lead"), Alias::new("rn"), Alias::new("n")])
        .from_subquery(ranked, Alias::new("t"))
        .and_where(Expr::cust(
            "t.rn IN ((t.n + 1) / 2, (9 * t.n + 9) / 10, (9 * t.n + 9) / 10 + 1)",
        ))
        .to_owned();
    let rows = query_all(db, db.backend().build(&q), Span::Period).await?;
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
