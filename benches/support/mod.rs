//! What the benchmarks share: the demo province's ids and the bulk load of generated rows.

use entity::*;
use sea_orm::{ConnectionTrait, EntityTrait, TransactionTrait};

/// Ids of the demo province: agencies, leaders, and the first account (the admin).
pub async fn province(db: &lichhop::db::Db) -> (Vec<i32>, Vec<i32>, i32) {
    let conn = &db.conn;
    let agencies = agency::Entity::find().all(conn).await.unwrap();
    let persons = person::Entity::find().all(conn).await.unwrap();
    let leaders = persons.iter().filter(|p| p.is_leader).map(|p| p.id);
    let admin = account::Entity::find().one(conn).await.unwrap().unwrap().id;
    (
        agencies.iter().map(|a| a.id).collect(),
        leaders.collect(),
        admin,
    )
}

/// Inserts generated meetings and occurrences in one transaction, 500 rows a statement, then
/// refreshes the planner's statistics, as after any bulk load, so that it uses the indexes.
pub async fn insert_all(
    db: &lichhop::db::Db,
    mut meetings: Vec<meeting::ActiveModel>,
    mut occurrences: Vec<occurrence::ActiveModel>,
) {
    let _w = db.write_guard().await;
    let txn = db.conn.begin().await.unwrap();
    while !meetings.is_empty() {
        let batch: Vec<_> = meetings.drain(..meetings.len().min(500)).collect();
        meeting::Entity::insert_many(batch)
            .exec(&txn)
            .await
            .unwrap();
    }
    while !occurrences.is_empty() {
        let batch: Vec<_> = occurrences.drain(..occurrences.len().min(500)).collect();
        occurrence::Entity::insert_many(batch)
            .exec(&txn)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    db.conn.execute_unprepared("ANALYZE").await.unwrap();
}
