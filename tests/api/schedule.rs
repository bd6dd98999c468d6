//! The weekly work schedule: the public sees published snapshots, revisions are marked against
//! the previous one, publications never share a revision number, and rows are the leaders'.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::{json, Value};

async fn week_of(app: &TestApp, path: &str, who: Option<&Principal>) -> Value {
    let (s, _, week) = app.call(Method::Get, path, who, None, &[]).await;
    assert_eq!(s, Status::Ok, "{week}");
    week
}

fn items(week: &Value, day: usize) -> Vec<Value> {
    week["days"][day]["items"].as_array().unwrap().clone()
}

#[rocket::async_test]
async fn the_public_sees_the_published_snapshot_and_adjustments_only_when_published() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut ids = vec![];
    for (i, visibility) in ["public", "internal", "confidential"].iter().enumerate() {
        let body = json!({
            "title": format!("Cuộc họp {visibility}"),
            "chair_id": o.leaders[i],
            "room_id": o.rooms[1 + i],
            "starts_at": "2027-03-01T08:00",
            "ends_at": "2027-03-01T10:00",
            "visibility": visibility,
            "preparing_agency_id": o.agency_a,
            "attendees": [{"agency_id": o.agency_b}],
            "note": "(Giấy mời riêng)",
            "submit": true,
        });
        ids.push(app.approved(&o, &o.clerk_a, &body).await);
    }
    // Not published: the public sees that, and nothing else.
    let week = week_of(&app, "/api/v1/schedule/2027-03-03", None).await;
    assert_eq!(week["week_start"], "2027-03-01");
    assert_eq!(week["heading"], "Từ ngày 01/03/2027 đến ngày 07/03/2027");
    assert_eq!(week["published"], false);
    assert_eq!(week["days"].as_array().unwrap().len(), 7);
    assert_eq!(week["days"][0]["label"], "Thứ Hai 1/3");
    assert_eq!(week["days"][6]["label"], "Chủ nhật 7/3");
    assert!(
        items(&week, 0).is_empty(),
        "an unpublished week lists nothing"
    );

    // The office previews the draft; only public meetings are in it.
    let (s, _, _) = app
        .call(
            Method::Get,
            "/api/v1/schedule/2027-03-01/draft",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Unauthorized);
    let draft = week_of(&app, "/api/v1/schedule/2027-03-01/draft", Some(&o.staff)).await;
    assert_eq!(draft["preview"], true);
    let rows = items(&draft, 0);
    assert_eq!(
        rows.len(),
        1,
        "internal and confidential never show: {rows:?}"
    );
    let item = &rows[0];
    assert_eq!(item["title"], "Cuộc họp public");
    assert_eq!(item["session"], "Sáng");
    assert_eq!(item["time"], "8h00");
    assert_eq!(item["chair"], "Chủ tịch Nguyễn Văn An");
    assert_eq!(item["location"], "Phòng họp số 1, tầng 2");
    assert_eq!(item["preparing_agency"], "Sở Tài chính");
    assert_eq!(item["attendees"][0], "Sở Y tế");
    assert_eq!(item["note"], "(Giấy mời riêng)");
    assert!(item["mark"].is_null(), "a first issue marks nothing");

    // Only approvers publish.
    for (who, status) in [
        (Some(&o.clerk_a), Status::Forbidden),
        (None, Status::Unauthorized),
    ] {
        let (s, _, _) = app
            .call(
                Method::Post,
                "/api/v1/schedule/2027-03-01/publish",
                who,
                None,
                &[],
            )
            .await;
        assert_eq!(s, status);
    }
    assert_eq!(app.publish(&o, "2027-03-01").await, 0);
    let week = week_of(&app, "/api/v1/schedule/2027-03-01", None).await;
    assert_eq!(
        (week["published"].as_bool(), week["revision"].as_i64()),
        (Some(true), Some(0))
    );
    assert!(week["revision_label"].is_null());
    assert_eq!(items(&week, 0)[0]["title"], "Cuộc họp public");

    // A decision changes the draft, not what the public sees; internal changes count nowhere.
    let (s, _) = app
        .act(
            &o.approver,
            ids[0],
            "reschedule",
            json!({"starts_at": "2027-03-02T14:00", "ends_at": "2027-03-02T15:30", "reason": "Lãnh đạo bận"}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (s, _) = app
        .act(&o.approver, ids[1], "cancel", json!({"reason": "Thôi họp"}))
        .await;
    assert_eq!(s, Status::Ok);
    let week = week_of(&app, "/api/v1/schedule/2027-03-01", None).await;
    assert_eq!(week["revision"], 0);
    assert_eq!(
        items(&week, 0)[0]["time"],
        "8h00",
        "still the published row"
    );
    assert!(items(&week, 1).is_empty());
    let draft = week_of(&app, "/api/v1/schedule/2027-03-01/draft", Some(&o.staff)).await;
    assert_eq!(
        draft["changes"], 1,
        "the internal meeting's cancellation is not a change"
    );

    // The next publication is "Điều chỉnh lần 1", the moved row marked with its old day and time.
    assert_eq!(app.publish(&o, "2027-03-01").await, 1);
    let week = week_of(&app, "/api/v1/schedule/2027-03-01", None).await;
    assert_eq!(week["revision_label"], "Điều chỉnh lần 1");
    assert!(week["last_updated"]
        .as_str()
        .unwrap()
        .starts_with("Cập nhật lần cuối: "));
    assert!(items(&week, 0).is_empty());
    let moved = &items(&week, 1)[0];
    assert_eq!(
        (
            &moved["session"],
            &moved["time"],
            &moved["mark"],
            &moved["mark_text"]
        ),
        (
            &json!("Chiều"),
            &json!("14h00"),
            &json!("changed"),
            &json!("(Điều chỉnh)")
        )
    );
    assert_eq!(moved["before"]["day_month"], "1/3");
    assert_eq!(moved["before"]["time"], "8h00");

    // Every revision stays readable.
    let first = week_of(&app, "/api/v1/schedule/2027-03-01?ban=0", None).await;
    assert_eq!(items(&first, 0)[0]["time"], "8h00");
    assert_eq!(first["latest_revision"], 1);
    let (_, _, list) = app
        .call(
            Method::Get,
            "/api/v1/schedule/2027-03-01/revisions",
            None,
            None,
            &[],
        )
        .await;
    let numbers: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![0, 1]);
    assert_eq!(list[1]["label"], "Điều chỉnh lần 1");
    let (s, _, e) = app
        .call(
            Method::Get,
            "/api/v1/schedule/2027-03-01?ban=7",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NotFound, "{e}");

    let (s, _, e) = app
        .call(Method::Get, "/api/v1/schedule/tuan-sau", None, None, &[])
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("week"))
    );
}

#[rocket::async_test]
async fn a_revision_marks_new_and_cancelled_rows_and_rows_are_the_leaders() {
    let app = spawn_app().await;
    let o = app.office().await;
    let meeting = |title: &str, chair: Option<i32>, start: &str, end: &str| {
        let mut body = json!({
            "title": title, "room_id": o.rooms[1], "starts_at": start, "ends_at": end,
            "visibility": "public", "submit": true,
        });
        if let Some(c) = chair {
            body["chair_id"] = json!(c);
        }
        body
    };
    let stays = app
        .approved(
            &o,
            &o.clerk_a,
            &meeting(
                "Họp thường kỳ",
                Some(o.leaders[0]),
                "2027-03-01T08:00",
                "2027-03-01T09:00",
            ),
        )
        .await;
    let withdrawn = app
        .approved(
            &o,
            &o.clerk_a,
            &meeting(
                "Làm việc với Sở Tài chính",
                Some(o.leaders[1]),
                "2027-03-03T09:00",
                "2027-03-03T10:00",
            ),
        )
        .await;
    // A public booking that no leader chairs or must attend is not a leaders' row.
    let mut no_leader = meeting(
        "Tập huấn nghiệp vụ văn thư",
        None,
        "2027-03-02T08:00",
        "2027-03-02T09:00",
    );
    no_leader["room_id"] = json!(o.rooms[2]);
    app.approved(&o, &o.clerk_a, &no_leader).await;
    // A leader who must attend makes it a row, on each day a trip covers.
    let mut trip = meeting(
        "Kiểm tra thực địa các công trình",
        None,
        "2027-03-04T07:30",
        "2027-03-06T17:00",
    );
    trip.as_object_mut().unwrap().remove("room_id");
    trip["location"] = json!("Huyện đảo");
    trip["attendees"] = json!([{"person_id": o.leaders[2], "role": "required"}]);
    app.approved(&o, &o.clerk_a, &trip).await;
    let evening = app
        .approved(
            &o,
            &o.clerk_a,
            &meeting(
                "Gặp mặt đoàn đại biểu",
                Some(o.leaders[0]),
                "2027-03-05T19:00",
                "2027-03-05T21:00",
            ),
        )
        .await;
    assert_eq!(app.publish(&o, "2027-03-01").await, 0);

    let week = week_of(&app, "/api/v1/schedule/2027-03-01", None).await;
    assert!(
        items(&week, 1).is_empty(),
        "no leader, no row: {:?}",
        items(&week, 1)
    );
    for day in 3..=5 {
        let rows = items(&week, day);
        let trip: Vec<&Value> = rows
            .iter()
            .filter(|r| r["title"] == "Kiểm tra thực địa các công trình")
            .collect();
        assert_eq!(trip.len(), 1, "the trip is on day {day}: {rows:?}");
        assert_eq!(trip[0]["all_day"], day != 3);
    }
    assert_eq!(items(&week, 3)[0]["time"], "7h30");
    let friday = &week["days"][4];
    assert_eq!(friday["evening"].as_array().unwrap().len(), 1);
    let row = &items(&week, 4)[friday["evening"][0].as_u64().unwrap() as usize];
    assert_eq!(
        (&row["session"], &row["title"]),
        (&json!("Tối"), &json!("Gặp mặt đoàn đại biểu"))
    );

    // The agency withdraws one approved meeting (with a reason), the office cancels another and
    // approves a new one: the next revision says so.
    let (s, v) = app
        .act(
            &o.clerk_a,
            withdrawn,
            "withdraw",
            json!({"reason": "Lãnh đạo đi công tác"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let (s, _) = app
        .act(
            &o.approver,
            evening,
            "cancel",
            json!({"reason": "Đoàn hoãn chuyến thăm"}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    app.approved(
        &o,
        &o.clerk_a,
        &meeting(
            "Bổ sung: tiếp công dân",
            Some(o.leaders[1]),
            "2027-03-02T14:00",
            "2027-03-02T16:00",
        ),
    )
    .await;
    let draft = week_of(&app, "/api/v1/schedule/2027-03-01/draft", Some(&o.staff)).await;
    assert_eq!(draft["changes"], 3);
    // One session of a weekly series cancelled is "(Hủy)", though the series goes on.
    let mut weekly = meeting(
        "Giao ban tuần",
        Some(o.leaders[3]),
        "2027-02-22T16:00",
        "2027-02-22T17:00",
    );
    weekly["rrule"] = json!("FREQ=WEEKLY;COUNT=4");
    weekly["room_id"] = json!(o.rooms[3]);
    let series = app.approved(&o, &o.clerk_a, &weekly).await;
    assert_eq!(app.publish(&o, "2027-03-01").await, 1);
    let (s, v) = app
        .act(
            &o.approver,
            series,
            "occurrences/2027-03-01/cancel",
            json!({"reason": "Trùng lịch tiếp khách"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(app.publish(&o, "2027-03-01").await, 2);
    let week = week_of(&app, "/api/v1/schedule/2027-03-01", None).await;
    assert_eq!(
        items(&week, 0)
            .iter()
            .find(|r| r["title"] == "Giao ban tuần")
            .map(|r| r["mark"].clone()),
        Some(json!("cancelled"))
    );
    let week = week_of(&app, "/api/v1/schedule/2027-03-01?ban=1", None).await;
    assert_eq!(week["changes"], 4, "three changes and the series' new row");
    let mark_of = |day: usize, title: &str| {
        items(&week, day)
            .into_iter()
            .find(|r| r["title"] == title)
            .map(|r| r["mark"].clone())
    };
    assert_eq!(
        mark_of(0, "Họp thường kỳ"),
        Some(Value::Null),
        "#{stays} unchanged"
    );
    assert_eq!(mark_of(1, "Bổ sung: tiếp công dân"), Some(json!("new")));
    assert_eq!(
        mark_of(2, "Làm việc với Sở Tài chính"),
        Some(json!("cancelled"))
    );
    assert_eq!(
        mark_of(4, "Gặp mặt đoàn đại biểu"),
        Some(json!("cancelled"))
    );

    // The following revision no longer carries the cancelled rows.
    assert_eq!(app.publish(&o, "2027-03-01").await, 3);
    let week = week_of(&app, "/api/v1/schedule/2027-03-01", None).await;
    assert_eq!(week["changes"], 0);
    assert_eq!(
        mark_of(2, "Làm việc với Sở Tài chính"),
        Some(json!("cancelled")),
        "the old view"
    );
    assert!(items(&week, 2).is_empty());
}

#[rocket::async_test]
async fn publications_at_the_same_moment_get_consecutive_revisions() {
    let app = spawn_app().await;
    let o = app.office().await;
    let publish = || async {
        let (s, _, p) = app
            .call(
                Method::Post,
                "/api/v1/schedule/2027-03-01/publish",
                Some(&o.approver),
                Some(&json!({"note": "Phát hành"})),
                &[],
            )
            .await;
        assert_eq!(s, Status::Created, "{p}");
        p["revision"].as_i64().unwrap()
    };
    let (a, b) = rocket::tokio::join!(publish(), publish());
    let mut got = vec![a, b];
    got.sort();
    assert_eq!(got, vec![0, 1]);
    let (a, b, c, d) = rocket::tokio::join!(publish(), publish(), publish(), publish());
    let mut got = vec![a, b, c, d];
    got.sort();
    assert_eq!(got, vec![2, 3, 4, 5], "never two of one number");
}

#[rocket::async_test]
async fn other_attendees_and_the_office_follower_show_in_the_row_and_a_leader_filter_keeps_theirs()
{
    let app = spawn_app().await;
    let o = app.office().await;
    let body = json!({
        "title": "Hội nghị triển khai nhiệm vụ năm 2027", "chair_id": o.leaders[0],
        "room_id": o.rooms[1], "starts_at": "2027-03-02T08:00", "ends_at": "2027-03-02T11:00",
        "visibility": "public", "submit": true,
        "attendees": [{"person_id": o.leaders[1], "role": "required"}],
        "other_attendees": "Lãnh đạo các sở, ngành liên quan",
    });
    let id = app.approved(&o, &o.clerk_a, &body).await;
    let other = app
        .approved(&o, &o.clerk_a, &json!({
            "title": "Làm việc với UBND phường", "chair_id": o.leaders[2], "room_id": o.rooms[2],
            "starts_at": "2027-03-02T14:00", "ends_at": "2027-03-02T15:00", "visibility": "public", "submit": true,
        }))
        .await;
    let (_, _, persons) = app
        .call(Method::Get, "/api/v1/persons", Some(&o.staff), None, &[])
        .await;
    let persons = persons.get("items").unwrap_or(&persons).clone();
    let lan = persons
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["full_name"] == "Đặng Thu Lan")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // Office staff name the follower; an agency may not; an unknown person names the field.
    let path = format!("/api/v1/meetings/{id}/follower");
    let (s, _, _) = app
        .call(
            Method::Put,
            &path,
            Some(&o.clerk_a),
            Some(&json!({"follower_id": lan})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Forbidden);
    let (s, _, e) = app
        .call(
            Method::Put,
            &path,
            Some(&o.staff),
            Some(&json!({"follower_id": 999999})),
            &[],
        )
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("follower_id"))
    );
    let (s, _, m) = app
        .call(
            Method::Put,
            &path,
            Some(&o.staff),
            Some(&json!({"follower_id": lan})),
            &[],
        )
        .await;
    assert_eq!(
        (s, m["follower_id"].as_i64()),
        (Status::Ok, Some(lan)),
        "{m}"
    );
    assert_eq!(m["other_attendees"], "Lãnh đạo các sở, ngành liên quan");

    // The meeting's page shows both; the page form sets the follower too.
    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get(&format!("/cuoc-hop/{other}")).await;
    assert!(page
        .body
        .contains(&format!("action=\"/cuoc-hop/{other}/theo-doi\"")));
    let done = staff
        .post(
            &format!("/cuoc-hop/{other}/theo-doi"),
            &[("follower_id", &lan.to_string())],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = staff.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains("LĐVP theo dõi") && page.body.contains("Đặng Thu Lan — Phó Chánh"));
    assert!(page.body.contains("Lãnh đạo các sở, ngành liên quan"));

    app.publish(&o, "2027-03-01").await;
    let week = week_of(&app, "/api/v1/schedule/2027-03-01", None).await;
    let rows = items(&week, 1);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0]["other_attendees"],
        "Lãnh đạo các sở, ngành liên quan"
    );
    assert_eq!(rows[0]["follower"], "Đặng Thu Lan");
    assert_eq!(rows[1]["follower"], "Đặng Thu Lan");
    assert!(rows[0]["attendees"][0]
        .as_str()
        .unwrap()
        .starts_with("Trần Thị Bình — "));
    // The attending leader's filter keeps the meeting they must attend, not the other.
    let html = app
        .get(&format!(
            "/lich-cong-tac?tuan=2027-03-01&lanh-dao={}",
            o.leaders[1]
        ))
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains("Hội nghị triển khai nhiệm vụ năm 2027"));
    assert!(!html.contains("Làm việc với UBND phường"));
    assert!(
        html.contains("data-label=\"LĐVP theo dõi\">Đặng Thu Lan</td>"),
        "the LĐVP column"
    );
    let res = app.get("/lich-cong-tac?tuan=2027-03-01&lanh-dao=abc").await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
}
