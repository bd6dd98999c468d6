//! Foundation: health, migrations, first-run admin, demo data, database guarantees.

use crate::helpers::*;
use chrono::{Duration, TimeZone, Utc};
use entity::*;
use lichhop::domain::meetings::{self, NewMeeting};
use lichhop::domain::password;
use migration::{Migrator, MigratorTrait};
use rocket::http::Status;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};

/// The name of the last migration the app ships.
pub fn newest_migration() -> String {
    use migration::MigratorTrait;
    migration::Migrator::migrations()
        .last()
        .map(|m| m.name().to_string())
        .unwrap_or_default()
}

#[rocket::async_test]
async fn healthz_reports_database_schema_and_version() {
    let app = spawn_app().await;
    let body = app.get_json("/healthz", Status::Ok).await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], test_backend());
    assert_eq!(body["schema_version"], newest_migration());
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[rocket::async_test]
async fn unknown_path_is_404_not_500() {
    let app = spawn_app().await;
    assert_eq!(app.get("/khong-co").await.status(), Status::NotFound);
}

#[rocket::async_test]
async fn first_start_creates_admin_with_configured_password_once() {
    let app = spawn_app().await;
    let admins = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin))
        .all(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(admins.len(), 1);
    assert_eq!(admins[0].username, "admin");
    assert!(admins[0].password_hash.starts_with("$argon2id$"));
    assert!(password::verify(ADMIN_PASSWORD, &admins[0].password_hash));

    // A second start on the same database keeps the one admin and its password.
    let again = lichhop::app::build(test_figment(app.data_dir.path(), &app.database_url))
        .await
        .unwrap();
    let db = again.state::<lichhop::db::Db>().unwrap();
    let count = account::Entity::find().count(&db.conn).await.unwrap();
    assert_eq!(count, 1);
}

#[rocket::async_test]
async fn first_start_without_configured_password_generates_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(dir.path()).await;
    let db = lichhop::db::connect(&url, 2).await.unwrap();
    lichhop::db::migrate(&db).await.unwrap();
    let outcome = lichhop::bootstrap::ensure_admin(&db, None).await.unwrap();
    let lichhop::bootstrap::AdminBootstrap::CreatedWithGeneratedPassword(p) = outcome else {
        panic!("expected a generated password, got {outcome:?}");
    };
    assert!(p.len() >= 16);
    let admin = account::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(password::verify(&p, &admin.password_hash));
    // A weak configured password is refused with the variable's name.
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = lichhop::db::connect(&fresh_database_url(dir2.path()).await, 2)
        .await
        .unwrap();
    lichhop::db::migrate(&db2).await.unwrap();
    let err = lichhop::bootstrap::ensure_admin(&db2, Some("short"))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("LICHHOP_ADMIN_PASSWORD"));
}

#[rocket::async_test]
async fn secret_key_is_generated_once_and_kept_private() {
    let app = spawn_app().await;
    let path = app.data_dir.path().join("secret.key");
    let first = std::fs::read_to_string(&path).expect("secret key written");
    assert_eq!(first.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    lichhop::app::build(test_figment(app.data_dir.path(), &app.database_url))
        .await
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
}

#[rocket::async_test]
async fn migrations_go_down_and_up_again() {
    let app = spawn_app().await;
    // Schema changes on a connection of their own, as `lichhop migrate` does.
    let single = lichhop::db::connect(&app.database_url, 1).await.unwrap();
    let conn = &single.conn;
    let all = Migrator::migrations().len() as u32;
    assert_eq!(
        Migrator::get_pending_migrations(conn).await.unwrap().len(),
        0
    );
    Migrator::down(conn, Some(all)).await.unwrap();
    assert_eq!(
        Migrator::get_applied_migrations(conn).await.unwrap().len(),
        0
    );
    assert!(
        conn.execute_unprepared("SELECT id FROM meeting")
            .await
            .is_err(),
        "tables dropped"
    );
    Migrator::up(conn, None).await.unwrap();
    assert_eq!(
        Migrator::get_applied_migrations(conn).await.unwrap().len() as u32,
        all
    );
    assert_eq!(meeting::Entity::find().count(conn).await.unwrap(), 0);
}

#[rocket::async_test]
async fn demo_loads_a_living_office_and_twice_adds_nothing() {
    let app = spawn_app().await;
    let db = app.db();
    let report = lichhop::demo::load(db).await.unwrap();
    assert!(report.contains("rows added"), "{report}");
    let counts = async || {
        (
            agency::Entity::find().count(&db.conn).await.unwrap(),
            person::Entity::find().count(&db.conn).await.unwrap(),
            room::Entity::find().count(&db.conn).await.unwrap(),
            account::Entity::find().count(&db.conn).await.unwrap(),
            meeting::Entity::find().count(&db.conn).await.unwrap(),
            occurrence::Entity::find().count(&db.conn).await.unwrap(),
            meeting_event::Entity::find().count(&db.conn).await.unwrap(),
        )
    };
    let first = counts().await;
    assert!(first.0 >= 15, "agencies: {first:?}");
    assert!((6..=10).contains(&first.2), "rooms: {first:?}");
    assert!(first.4 >= 20, "meetings: {first:?}");
    assert_eq!(first.4, first.5, "one occurrence per single meeting");

    // Every status of the workflow is represented.
    for status in MeetingStatus::ALL {
        let n = meeting::Entity::find()
            .filter(meeting::Column::Status.eq(*status))
            .count(&db.conn)
            .await
            .unwrap();
        assert!(n > 0, "no demo meeting in status {status}");
    }
    // Leaders who may chair, with Vietnamese positions.
    let chairs = person::Entity::find()
        .filter(person::Column::IsLeader.eq(true))
        .all(&db.conn)
        .await
        .unwrap();
    assert!(chairs.iter().any(|p| p.position == "Chủ tịch UBND tỉnh"));

    let report = lichhop::demo::load(db).await.unwrap();
    assert_eq!(report, "demo data already loaded; nothing added");
    assert_eq!(counts().await, first);
}

fn sample(room: i32, chair: i32, agency: i32, by: i32, start_h: u32, minutes: i64) -> NewMeeting {
    // Far from the demo's meetings, which sit in the week the test runs (the demo's Monday
    // 7:30 meeting took 7 December 2026 once that week came).
    let starts_at = Utc.with_ymd_and_hms(2030, 12, 2, start_h, 0, 0).unwrap();
    NewMeeting {
        uid: None,
        title: "Họp kiểm tra ràng buộc".into(),
        agenda: None,
        requesting_agency_id: agency,
        created_by: by,
        kind: MeetingKind::Hop,
        chair_id: Some(chair),
        room_id: Some(room),
        location: None,
        starts_at,
        ends_at: starts_at + Duration::minutes(minutes),
        time_zone: "Asia/Ho_Chi_Minh".into(),
        status: MeetingStatus::Approved,
        visibility: Visibility::Public,
        online_link: None,
        expected_attendance: None,
        preparation: None,
        needs_interpreter: false,
        preparing_agency_id: None,
        follower_id: None,
        other_attendees: None,
        note: None,
        attendees: vec![],
        equipment_ids: vec![],
        rrule: None,
        exdates: vec![],
        reason: None,
    }
}

#[rocket::async_test]
async fn database_refuses_double_booking_of_room_and_chair() {
    let app = spawn_app().await;
    let db = app.db();
    lichhop::demo::load(db).await.unwrap();
    let rooms = room::Entity::find().all(&db.conn).await.unwrap();
    let leaders = person::Entity::find()
        .filter(person::Column::IsLeader.eq(true))
        .all(&db.conn)
        .await
        .unwrap();
    let agency = agency::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = account::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;

    let insert = |m: NewMeeting| async {
        let txn = db.conn.begin().await.unwrap();
        let r = meetings::insert(&txn, m).await;
        if r.is_ok() {
            txn.commit().await.unwrap();
        }
        r
    };
    insert(sample(rooms[0].id, leaders[0].id, agency, admin, 1, 60))
        .await
        .unwrap();
    // Same room, overlapping: refused by the database, mapped to a 409 code.
    let e = insert(sample(rooms[0].id, leaders[1].id, agency, admin, 1, 30))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "room_overlap", "{e}");
    // Same chair, other room, overlapping.
    let e = insert(sample(rooms[1].id, leaders[0].id, agency, admin, 1, 30))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "chair_overlap", "{e}");
    // Back to back is not an overlap; a pending request may overlap.
    insert(sample(rooms[0].id, leaders[0].id, agency, admin, 2, 60))
        .await
        .unwrap();
    let mut pending = sample(rooms[0].id, leaders[0].id, agency, admin, 1, 60);
    pending.status = MeetingStatus::Pending;
    let pending = insert(pending).await.unwrap();

    // Approving the pending one by an update is refused too.
    let pending_occ = occurrence::Entity::find()
        .filter(occurrence::Column::MeetingId.eq(pending.id))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    let mut active: occurrence::ActiveModel = pending_occ.into();
    active.status = Set(MeetingStatus::Approved);
    let e = active.update(&db.conn).await.unwrap_err();
    assert_eq!(meetings::booking_error(e).code(), "room_overlap");
}

#[rocket::async_test]
async fn audit_trail_is_append_only_in_the_database() {
    let app = spawn_app().await;
    let db = app.db();
    lichhop::demo::load(db).await.unwrap();
    assert!(db
        .conn
        .execute_unprepared("UPDATE meeting_event SET note = 'sửa'")
        .await
        .is_err());
    assert!(db
        .conn
        .execute_unprepared("DELETE FROM meeting_event")
        .await
        .is_err());
    assert!(meeting_event::Entity::find().count(&db.conn).await.unwrap() > 0);
}

#[rocket::async_test]
async fn end_before_start_is_refused_by_the_schema() {
    let app = spawn_app().await;
    let db = app.db();
    lichhop::demo::load(db).await.unwrap();
    let agency = agency::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = account::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let room = room::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let leader = person::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut m = sample(room, leader, agency, admin, 3, 60);
    m.ends_at = m.starts_at - Duration::minutes(5);
    let txn = db.conn.begin().await.unwrap();
    assert!(meetings::insert(&txn, m).await.is_err());
    txn.rollback().await.unwrap();
    assert_eq!(
        meeting::Entity::find()
            .filter(meeting::Column::Title.eq("Họp kiểm tra ràng buộc"))
            .count(&db.conn)
            .await
            .unwrap(),
        0,
        "nothing half-written"
    );
}
