//! The text of the report's SQL: bound values, the conditions of a period, the days as a table.

use super::*;

/// SQL text with its bound values, numbered placeholders for either backend.
pub(super) struct Sql {
    pub(super) backend: DbBackend,
    pub(super) values: Vec<sea_orm::Value>,
}

impl Sql {
    pub(super) fn new(backend: DbBackend) -> Self {
        Sql {
            backend,
            values: Vec::new(),
        }
    }

    /// Binds `v` and returns its placeholder.
    pub(super) fn bind(&mut self, v: impl Into<sea_orm::Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => format!("?{}", self.values.len()),
        }
    }

    pub(super) fn statement(&self, sql: String) -> Statement {
        Statement::from_sql_and_values(self.backend, sql, self.values.clone())
    }

    /// Whole seconds from `a` to `b` (stored instants have no fractions, see clock::now).
    /// On SQLite through julianday (a double: exact to well under a millisecond in this era,
    /// so rounding gives the seconds), a third of the cost of strftime('%s') per row.
    pub(super) fn seconds(&self, a: &str, b: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("EXTRACT(EPOCH FROM ({b} - {a}))"),
            _ => format!("CAST(ROUND((julianday({b}) - julianday({a})) * 86400) AS INTEGER)"),
        }
    }

    /// Whole minutes from `a` to `b` (b after a), truncated as chrono's `num_minutes`.
    pub(super) fn minutes(&self, a: &str, b: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("FLOOR({} / 60)", self.seconds(a, b)),
            _ => format!("{} / 60", self.seconds(a, b)),
        }
    }

    pub(super) fn least(&self, a: &str, b: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("LEAST({a}, {b})"),
            _ => format!("MIN({a}, {b})"),
        }
    }

    pub(super) fn greatest(&self, a: &str, b: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("GREATEST({a}, {b})"),
            _ => format!("MAX({a}, {b})"),
        }
    }
}

/// The conditions every figure shares: occurrence `o` of meeting `m` starting in the period,
/// with the filters.
pub(super) fn period_where(sql: &mut Sql, f: &ReportFilter) -> String {
    let mut w = format!(
        "o.starts_at >= {} AND o.starts_at < {}",
        sql.bind(f.start()),
        sql.bind(f.end())
    );
    if let Some(a) = f.agency_id {
        w += &format!(" AND m.requesting_agency_id = {}", sql.bind(a));
    }
    if let Some(r) = f.room_id {
        w += &format!(" AND o.room_id = {}", sql.bind(r));
    }
    if let Some(c) = f.chair_id {
        w += &format!(" AND o.chair_id = {}", sql.bind(c));
    }
    w
}

/// `'a', 'b'` for an IN list of codes (constants of our own, never user input).
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
pub(super) fn on_days(sql: &mut Sql, days: &[DayRow]) -> String {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for r in days {
        match runs.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(r.day) => *last = r.day,
            _ => runs.push((r.day, r.day)),
        }
    }
    let ranges: Vec<String> = runs
        .iter()
        .map(|(first, last)| {
            let end = local_midnight(last.succ_opt().unwrap_or(*last));
            format!(
                "(o.starts_at >= {} AND o.starts_at < {})",
                sql.bind(local_midnight(*first)),
                sql.bind(end)
            )
        })
        .collect();
    format!("({})", ranges.join(" OR "))
}

/// The days as a table `d` the occurrences join by their start (an index range on
/// `starts_at` per day): each day's number, bounds, week and month and the values of its
/// [`DayRow`], so that SQL only compares instants.
pub(super) fn days_cte(sql: &mut Sql, days: &[DayRow]) -> String {
    let today = clock::office_date(clock::now());
    let mut rows = Vec::new();
    for r in days {
        let next = r.day.succ_opt().unwrap_or(r.day);
        let row = [
            sql.bind(r.day.num_days_from_ce()),
            sql.bind(local_midnight(r.day)),
            sql.bind(local_midnight(next)),
            sql.bind(clock::week_start(r.day).num_days_from_ce()),
            sql.bind(month_start(r.day).num_days_from_ce()),
            sql.bind(r.open),
            sql.bind(r.close),
            sql.bind(r.spill_at),
            sql.bind(r.reg_after),
            sql.bind(local_midnight(r.doc_due + Duration::days(1))),
            sql.bind(i32::from(today > r.doc_due)),
        ];
        rows.push(format!("({})", row.join(", ")));
    }
    format!(
        "d(dn, lo, hi, wk, mo, open_at, close_at, spill_at, reg_after, doc_after, doc_overdue) AS \
         (VALUES {})",
        rows.join(", ")
    )
}
