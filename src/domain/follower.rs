//! "LĐVP theo dõi": the office leader or specialist who follows a meeting, named by office staff
//! while reviewing it; shown on the meeting's page and in the weekly schedule's column.

use crate::db::Db;
use crate::domain::{clock, meetings};
use crate::{Error, Result};
use entity::{meeting, person};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// Who may be named: active persons of the office's own agency (the caller's), or every active
/// person when the caller has no agency.
pub async fn choices(db: &Db, office_agency: Option<i32>) -> Result<Vec<person::Model>> {
    let mut q = person::Entity::find()
        .filter(person::Column::Active.eq(true))
        .filter(person::Column::IsLeader.eq(false));
    if let Some(a) = office_agency {
        q = q.filter(person::Column::AgencyId.eq(a));
    }
    Ok(q.order_by_asc(person::Column::SortOrder)
        .order_by_asc(person::Column::Id)
        .all(&db.conn)
        .await?)
}

/// Names (or clears) who follows meeting `id`; the audit trail records it.
pub async fn set(
    db: &Db,
    actor_id: i32,
    id: i32,
    follower_id: Option<i32>,
) -> Result<meeting::Model> {
    let follower = match follower_id {
        Some(f) => Some(
            person::Entity::find_by_id(f)
                .one(&db.conn)
                .await?
                .filter(|p| p.active)
                .ok_or_else(|| Error::invalid("follower_id", "publication.bad_follower"))?,
        ),
        None => None,
    };
    db.write(|| async {
        let txn = db.begin_write().await?;
        let updated = meeting::Entity::update_many()
            .col_expr(meeting::Column::FollowerId, Expr::value(follower_id))
            .col_expr(
                meeting::Column::Version,
                Expr::col(meeting::Column::Version).add(1),
            )
            .col_expr(meeting::Column::UpdatedAt, Expr::value(clock::now()))
            .filter(meeting::Column::Id.eq(id))
            .exec_with_returning(&txn)
            .await?;
        let Some(saved) = updated.into_iter().next() else {
            return Err(Error::missing("meeting"));
        };
        let note = follower
            .as_ref()
            .map(|p| format!("{} — {}", p.full_name, p.position));
        meetings::record_event(&txn, id, Some(actor_id), "follower_set", None, None, note).await?;
        txn.commit().await?;
        Ok(saved)
    })
    .await
}
