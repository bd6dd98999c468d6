//! The report's statements, built with sea-query: it numbers the bound values for each backend
//! and writes GREATEST/LEAST as SQLite's MAX/MIN. Raw text remains for the fragments that only
//! compare columns (CASE sums over the days table) and for the per-backend difference of two
//! instants, which sea-query has no function for.

use super::*;
use sea_orm::sea_query::{
    Alias, Asterisk, CommonTableExpression, Condition, Expr, ExprTrait, Func, JoinType, Query,
    SelectStatement, ValueTuple, WithClause,
};

/// Column `c` of the table named `t` in the statement (o: occurrence, m: meeting, d: days).
pub(super) fn col(t: &'static str, c: &'static str) -> Expr {
    Expr::col((Alias::new(t), Alias::new(c)))
}

/// Whole seconds from `a` to `b` (stored instants have no fractions, see clock::now).
/// On SQLite through julianday (a double: exact to well under a millisecond in this era,
/// so rounding gives the seconds), a third of the cost of strftime('%s') per row.
pub(super) fn seconds(backend: DbBackend, a: Expr, b: Expr) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust_with_exprs("EXTRACT(EPOCH FROM ($2 - $1))", [a, b]),
        _ => Expr::cust_with_exprs(
            "CAST(ROUND((julianday(?) - julianday(?)) * 86400) AS INTEGER)",
            [b, a],
        ),
    }
}

/// Whole minutes from `a` to `b` (b after a), truncated as chrono's `num_minutes`.
pub(super) fn minutes(backend: DbBackend, a: Expr, b: Expr) -> Expr {
    let s = seconds(backend, a, b);
    match backend {
        DbBackend::Postgres => Expr::cust_with_exprs("FLOOR($1 / 60)", [s]),
        _ => Expr::cust_with_exprs("? / 60", [s]),
    }
}

/// The office minutes an approved booking takes of day `d`.
pub(super) fn booked_minutes(backend: DbBackend) -> Expr {
    minutes(
        backend,
        Func::greatest([col("o", "starts_at"), col("d", "open_at")]).into(),
        Func::least([col("o", "ends_at"), col("d", "close_at")]).into(),
    )
}

/// The conditions every figure shares: occurrence `o` of meeting `m` starting in the period,
/// with the filters.
pub(super) fn period_where(f: &ReportFilter) -> Condition {
    let mut c = Condition::all()
        .add(col("o", "starts_at").gte(f.start()))
        .add(col("o", "starts_at").lt(f.end()));
    if let Some(a) = f.agency_id {
        c = c.add(col("m", "requesting_agency_id").eq(a));
    }
    if let Some(r) = f.room_id {
        c = c.add(col("o", "room_id").eq(r));
    }
    if let Some(ch) = f.chair_id {
        c = c.add(col("o", "chair_id").eq(ch));
    }
    c
}

/// `'a', 'b'` for an IN list of codes (constants of our own, never user input), written into
/// the text rather than bound: the planner sees which statuses and kinds are meant.
pub(super) fn codes(list: &[&str]) -> String {
    list.iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs one of the report's large queries. On PostgreSQL in a read transaction of its own that
/// asks for a plan made with the values bound (`plan_cache_mode`): after five runs of a cached
/// statement PostgreSQL may switch to a generic plan, and for the day join that plan took
/// 2.0-3.5 s instead of 0.5 s (bench, from the eighth report on). `work_mem` lets the hash of
/// the period's occurrences stay in memory (4 MB spilled it to 64 batches: 700 -> 410 ms).
///
/// A query over a few days joins each day to its occurrences and their meetings by index. Even
/// knowing how few occurrences that is (see [`on_days`]), the planner hashed the whole meeting
/// table rather than read a few thousand meetings by key (9 days: 39 -> 30 ms).
pub(super) async fn query_all(db: &Db, stmt: Statement, span: Span) -> Result<Vec<QueryResult>> {
    if db.backend() != DbBackend::Postgres {
        return Ok(db.conn.query_all_raw(stmt).await?);
    }
    let txn = db.conn.begin().await?;
    let mut settings =
        String::from("SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL work_mem = '32MB'");
    if let Span::FewDays = span {
        settings += "; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off";
    }
    txn.execute_unprepared(&settings).await?;
    let rows = txn.query_all_raw(stmt).await?;
    txn.commit().await?;
    Ok(rows)
}

/// What a query over days covers: a whole period, or a few days (at most [`DAYS_AT_ONCE`]).
#[derive(Clone, Copy)]
pub(super) enum Span {
    Period,
    FewDays,
}

impl Span {
    pub(super) fn of(days: &[DayRow]) -> Span {
        if days.len() <= DAYS_AT_ONCE {
            Span::FewDays
        } else {
            Span::Period
        }
    }
}

/// `o.starts_at` on one of the days (ascending), as a range per run of consecutive days: with
/// it PostgreSQL's planner knows how many occurrences the days hold (it cannot tell from the
/// join to `d`), and reads their meetings by key instead of hashing the whole table (9 days
/// on the report bench: 71 -> 30 ms).
pub(super) fn on_days(days: &[DayRow]) -> Condition {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for r in days {
        match runs.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(r.day) => *last = r.day,
            _ => runs.push((r.day, r.day)),
        }
    }
    runs.iter().fold(Condition::any(), |any, (first, last)| {
        let end = local_midnight(last.succ_opt().unwrap_or(*last));
        any.add(
            Condition::all()
                .add(col("o", "starts_at").gte(local_midnight(*first)))
                .add(col("o", "starts_at").lt(end)),
        )
    })
}

/// The days as a table `d` the occurrences join by their start (an index range on
/// `starts_at` per day): each day's number, bounds, week and month and the values of its
/// [`DayRow`], so that SQL only compares instants.
pub(super) fn days_table(days: &[DayRow]) -> WithClause {
    let today = clock::office_date(clock::now());
    let rows: Vec<ValueTuple> = days
        .iter()
        .map(|r| {
            let next = r.day.succ_opt().unwrap_or(r.day);
            ValueTuple::Many(vec![
                r.day.num_days_from_ce().into(),
                local_midnight(r.day).into(),
                local_midnight(next).into(),
                clock::week_start(r.day).num_days_from_ce().into(),
                month_start(r.day).num_days_from_ce().into(),
                r.open.into(),
                r.close.into(),
                r.spill_at.into(),
                r.reg_after.into(),
                local_midnight(r.doc_due + Duration::days(1)).into(),
                i32::from(today > r.doc_due).into(),
            ])
        })
        .collect();
    let values = Query::select()
        .column(Asterisk)
        .from_values(rows, Alias::new("v"))
        .to_owned();
    let columns = [
        "dn",
        "lo",
        "hi",
        "wk",
        "mo",
        "open_at",
        "close_at",
        "spill_at",
        "reg_after",
        "doc_after",
        "doc_overdue",
    ];
    let cte = CommonTableExpression::new()
        .table_name(Alias::new("d"))
        .columns(columns.map(Alias::new))
        .query(values)
        .to_owned();
    WithClause::new().cte(cte).to_owned()
}

/// `FROM d CROSS JOIN occurrence o JOIN meeting m`: each occurrence starting on a day of `d`
/// (and matching `period`), with its meeting.
pub(super) fn occurrences_on_days(select: &mut SelectStatement, period: Condition) {
    select
        .from(Alias::new("d"))
        .join_as(
            JoinType::CrossJoin,
            Alias::new("occurrence"),
            Alias::new("o"),
            Expr::cust("TRUE"),
        )
        .join_as(
            JoinType::InnerJoin,
            Alias::new("meeting"),
            Alias::new("m"),
            col("m", "id").equals((Alias::new("o"), Alias::new("meeting_id"))),
        )
        .cond_where(
            Condition::all()
                .add(col("o", "starts_at").gte(col("d", "lo")))
                .add(col("o", "starts_at").lt(col("d", "hi")))
                .add(period),
        );
}
