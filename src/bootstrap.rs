//! First start: make sure someone can sign in.

use crate::db::Db;
use crate::domain::{clock, password};
use crate::Result;
use entity::{account, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, SqlErr,
};

/// What `ensure_admin` did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminBootstrap {
    /// An admin account already exists.
    Present,
    /// Created `admin` with the configured password.
    CreatedWithConfiguredPassword,
    /// Created `admin` with this generated password, to be shown once.
    CreatedWithGeneratedPassword(String),
}

/// With no admin account, creates `admin` with `configured` (LICHHOP_ADMIN_PASSWORD) or a
/// generated password.
pub async fn ensure_admin(db: &Db, configured: Option<&str>) -> Result<AdminBootstrap> {
    let admins = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin))
        .count(&db.conn)
        .await?;
    if admins > 0 {
        return Ok(AdminBootstrap::Present);
    }
    let (secret, outcome) = match configured.filter(|p| !p.is_empty()) {
        Some(p) => {
            password::check_strength("LICHHOP_ADMIN_PASSWORD", p, "admin")?;
            (p.to_string(), AdminBootstrap::CreatedWithConfiguredPassword)
        }
        None => {
            let p = password::generate();
            (p.clone(), AdminBootstrap::CreatedWithGeneratedPassword(p))
        }
    };
    let _write = db.write_guard().await;
    let inserted = account::ActiveModel {
        username: Set("admin".into()),
        display_name: Set("Quản trị hệ thống".into()),
        password_hash: Set(password::hash(&secret)?),
        role: Set(Role::Admin),
        agency_id: Set(None),
        person_id: Set(None),
        disabled: Set(false),
        session_epoch: Set(0),
        created_at: Set(clock::now()),
        last_sign_in_at: Set(None),
        ..Default::default()
    }
    .insert(&db.conn)
    .await;
    match inserted {
        Ok(_) => Ok(outcome),
        // Another instance sharing the database created it first.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(AdminBootstrap::Present)
        }
        Err(e) => Err(e.into()),
    }
}
