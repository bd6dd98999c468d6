//! Sign-in throttling, decided from the audit log (`auth_event`) so that several app instances
//! sharing one PostgreSQL database agree: repeated failures for one username or one client
//! address are first slowed down, then locked for a while. The decision never depends on
//! whether the username exists.

use crate::config::AppConfig;
use crate::domain::auth_events::kind;
use crate::Result;
use chrono::{DateTime, Duration, Utc};
use entity::auth_event;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// What a lock entry locked (stored in `detail`).
pub const SCOPE_USERNAME: &str = "username";
pub const SCOPE_CLIENT: &str = "client_ip";

/// The thresholds (settings `throttle_*`).
#[derive(Debug, Clone)]
pub struct Rules {
    pub slow_after: u64,
    pub lock_after: u64,
    pub window: Duration,
    pub lock_for: Duration,
    pub delay: std::time::Duration,
}

impl Rules {
    /// The rules the configuration's `throttle_*` keys make.
    pub fn of(config: &AppConfig) -> Rules {
        Rules {
            slow_after: config.throttle_slow_after,
            lock_after: config.throttle_lock_after.max(1),
            window: Duration::minutes(config.throttle_window_minutes as i64),
            lock_for: Duration::minutes(config.throttle_lock_minutes as i64),
            delay: std::time::Duration::from_millis(config.throttle_delay_ms),
        }
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            slow_after: 5,
            lock_after: 10,
            window: Duration::minutes(15),
            lock_for: Duration::minutes(15),
            delay: std::time::Duration::from_secs(1),
        }
    }
}

/// How the next attempt for a username from an address is to be handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Check the password at once.
    Allow,
    /// Wait `Rules::delay`, then check; a failure answers 429.
    Slow,
    /// Refuse without checking until this instant.
    Locked { until: DateTime<Utc> },
}

/// Usernames are compared case-insensitively, as sign-in does.
pub fn normalize(username: &str) -> String {
    username.trim().to_lowercase()
}

fn scope_condition(username: &str, client_ip: Option<&str>) -> (Condition, Condition) {
    let user = Condition::all().add(auth_event::Column::Username.eq(username));
    let client = match client_ip {
        Some(ip) => Condition::all().add(auth_event::Column::ClientIp.eq(ip)),
        // No address known: nothing to count by address.
        None => Condition::all().add(auth_event::Column::Id.lt(0)),
    };
    (user, client)
}

async fn latest_lock<C: ConnectionTrait>(
    db: &C,
    scope: &str,
    cond: Condition,
) -> Result<Option<DateTime<Utc>>> {
    Ok(auth_event::Entity::find()
        .filter(cond)
        .filter(auth_event::Column::Kind.eq(kind::LOCK))
        .filter(auth_event::Column::Detail.eq(scope))
        .order_by_desc(auth_event::Column::At)
        .one(db)
        .await?
        .map(|e| e.at))
}

async fn failures_since<C: ConnectionTrait>(
    db: &C,
    cond: Condition,
    since: DateTime<Utc>,
) -> Result<u64> {
    Ok(auth_event::Entity::find()
        .filter(cond)
        .filter(auth_event::Column::Kind.eq(kind::FAILURE))
        .filter(auth_event::Column::At.gt(since))
        .count(db)
        .await?)
}

/// Recent failures for the username and for the address, each counted since the window opened
/// or since that scope's last lock began, whichever is later (a served lock starts afresh).
pub struct Counts {
    pub username: u64,
    pub client: u64,
    pub locked_until: Option<DateTime<Utc>>,
}

pub async fn counts<C: ConnectionTrait>(
    db: &C,
    rules: &Rules,
    username: &str,
    client_ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Counts> {
    let (user_cond, client_cond) = scope_condition(username, client_ip);
    let window_start = now - rules.window;
    let mut locked_until: Option<DateTime<Utc>> = None;
    let mut counted = Vec::with_capacity(2);
    for (scope, cond) in [(SCOPE_USERNAME, user_cond), (SCOPE_CLIENT, client_cond)] {
        let lock = latest_lock(db, scope, cond.clone()).await?;
        if let Some(at) = lock {
            let until = at + rules.lock_for;
            if until > now {
                locked_until = Some(locked_until.map_or(until, |u| u.max(until)));
            }
        }
        let since = lock.map_or(window_start, |at| at.max(window_start));
        counted.push(failures_since(db, cond, since).await?);
    }
    Ok(Counts {
        username: counted[0],
        client: counted[1],
        locked_until,
    })
}

/// The decision for the next attempt.
pub fn decide(rules: &Rules, counts: &Counts) -> Decision {
    if let Some(until) = counts.locked_until {
        return Decision::Locked { until };
    }
    let worst = counts.username.max(counts.client);
    if worst >= rules.slow_after {
        Decision::Slow
    } else {
        Decision::Allow
    }
}

/// After one more failure: the scopes that now reach the lock threshold.
pub fn scopes_to_lock(rules: &Rules, counts: &Counts) -> Vec<&'static str> {
    let mut scopes = Vec::new();
    if counts.username + 1 >= rules.lock_after {
        scopes.push(SCOPE_USERNAME);
    }
    if counts.client + 1 >= rules.lock_after {
        scopes.push(SCOPE_CLIENT);
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(username: u64, client: u64) -> Counts {
        Counts {
            username,
            client,
            locked_until: None,
        }
    }

    #[test]
    fn slows_then_locks_by_username_or_address() {
        let rules = Rules::default();
        assert_eq!(decide(&rules, &counts(4, 0)), Decision::Allow);
        assert_eq!(decide(&rules, &counts(5, 0)), Decision::Slow);
        assert_eq!(decide(&rules, &counts(0, 7)), Decision::Slow);
        assert!(scopes_to_lock(&rules, &counts(8, 8)).is_empty());
        assert_eq!(scopes_to_lock(&rules, &counts(9, 2)), vec![SCOPE_USERNAME]);
        assert_eq!(
            scopes_to_lock(&rules, &counts(9, 9)),
            vec![SCOPE_USERNAME, SCOPE_CLIENT]
        );
        let until = Utc::now();
        let locked = Counts {
            locked_until: Some(until),
            ..counts(0, 0)
        };
        assert_eq!(decide(&rules, &locked), Decision::Locked { until });
    }
}
