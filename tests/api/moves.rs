//! Moving a decided meeting (issue #18 item 2): postpone ("Tạm hoãn"), reschedule, change of
//! chair, through the API and the meeting's page. Each needs a reason, leaves a history entry,
//! bumps the feed's SEQUENCE, and loses to the database's no-double-booking guarantee with a
//! 409 that keeps what was typed.

use crate::feeds::{prop, text, vevents};
use crate::helpers::*;
use rocket::http::Status;
use serde_json::{json, Value};

const TITLE: &str = "Họp bàn kế hoạch đầu tư công";

fn request(o: &Office, day: &str, hour: u32, room: usize, chair: usize) -> Value {
    json!({
        "title": TITLE,
        "kind": "hop",
        "visibility": "public",
        "chair_id": o.leaders[chair],
        "room_id": o.rooms[room],
        "starts_at": format!("{day}T{hour:02}:00"),
        "ends_at": format!("{day}T{:02}:00", hour + 1),
    })
}

async fn events(app: &TestApp, who: &Principal, id: i64) -> Vec<String> {
    let (s, _, v) = app
        .call(
            rocket::http::Method::Get,
            &format!("/api/v1/meetings/{id}/events"),
            Some(who),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

/// The office feed's event of the meeting titled `title`: (STATUS, SEQUENCE). The office feed
/// is live; the public one waits for the weekly schedule's publication.
async fn in_feed(app: &TestApp, o: &Office, title: &str) -> (String, i32) {
    let path = app.office_feed(o).await;
    let ics = text(app, &path).await;
    let ev = vevents(&ics)
        .into_iter()
        .find(|e| prop(e, "SUMMARY") == Some(title))
        .unwrap_or_else(|| panic!("{title} in {ics}"));
    (
        prop(&ev, "STATUS").unwrap().to_string(),
        prop(&ev, "SEQUENCE").unwrap().parse().unwrap(),
    )
}

fn field_of(v: &Value) -> &str {
    v["field"].as_str().unwrap_or_default()
}

#[rocket::async_test]
async fn postponing_frees_the_room_and_chair_until_it_is_rescheduled() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = app
        .approved(&o, &o.clerk_a, &request(&o, "2027-03-09", 8, 2, 1))
        .await;
    let (status, seq) = in_feed(&app, &o, TITLE).await;
    assert_eq!(status, "CONFIRMED");

    // Refusals: a clerk may not; without a reason, 422 naming the field.
    let (s, _) = app
        .act(&o.clerk_a, id, "postpone", json!({"reason": "Bận"}))
        .await;
    assert_eq!(s, Status::Forbidden);
    let (s, v) = app.act(&o.approver, id, "postpone", json!({})).await;
    assert_eq!(s, Status::UnprocessableEntity, "{v}");
    assert_eq!(field_of(&v), "reason");

    let (s, v) = app
        .act(
            &o.approver,
            id,
            "postpone",
            json!({"reason": "Lãnh đạo đi công tác đột xuất"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["meeting"]["status"], "postponed");
    // Feeds: cancelled for calendar clients, with a higher SEQUENCE under the same UID.
    let (status, after) = in_feed(&app, &o, TITLE).await;
    assert_eq!(status, "CANCELLED");
    assert!(after > seq, "SEQUENCE {seq} → {after}");
    assert!(events(&app, &o.approver, id)
        .await
        .contains(&"postpone".to_string()));
    // Postponed twice: the workflow says no.
    let (s, _) = app
        .act(&o.approver, id, "postpone", json!({"reason": "Lần nữa"}))
        .await;
    assert_eq!(s, Status::Conflict);

    // Room and chair are free: another meeting takes them at the same time.
    let mut other = request(&o, "2027-03-09", 8, 2, 1);
    other["title"] = json!("Họp giao ban khối kinh tế");
    let other_id = app.approved(&o, &o.clerk_b, &other).await;

    // Back at its old time it collides with the other one: 409, still postponed.
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "reschedule",
            json!({"reason": "Lãnh đạo đã về"}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "{v}");
    assert!(v.to_string().contains(&format!("#{other_id}")), "{v}");
    assert_eq!(app.meeting_as(&o.approver, id).await["status"], "postponed");

    // A reschedule needs its reason too.
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "reschedule",
            json!({"starts_at": "2027-03-10T14:00"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{v}");
    assert_eq!(field_of(&v), "reason");

    // To a free afternoon: approved again, confirmed in the feed with a higher SEQUENCE.
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "reschedule",
            json!({"starts_at": "2027-03-10T14:00", "reason": "Lãnh đạo đã về"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["meeting"]["status"], "approved");
    let (status, again) = in_feed(&app, &o, TITLE).await;
    assert_eq!(status, "CONFIRMED");
    assert!(again > after);
    let trail = events(&app, &o.approver, id).await;
    assert!(
        trail.ends_with(&["postpone".into(), "reschedule".into()]),
        "{trail:?}"
    );
}

#[rocket::async_test]
async fn a_postponed_meeting_may_be_cancelled_and_is_marked_postponed_in_the_next_revision() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = app
        .approved(&o, &o.clerk_a, &request(&o, "2027-03-09", 8, 2, 0))
        .await;
    app.publish(&o, "2027-03-08").await;
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "postpone",
            json!({"reason": "Chờ ý kiến Bộ"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    // The draft of the next revision marks the row "(Hoãn)", not "(Hủy)".
    let (s, _, draft) = app
        .call(
            rocket::http::Method::Get,
            "/api/v1/schedule/2027-03-08/draft",
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{draft}");
    let rows = rows_of(&draft, id);
    assert!(!rows.is_empty(), "{draft}");
    assert!(rows.iter().all(|r| r["mark"] == "postponed"), "{rows:?}");

    let (s, v) = app
        .act(
            &o.approver,
            id,
            "cancel",
            json!({"reason": "Không tổ chức"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["meeting"]["status"], "cancelled");
}

#[rocket::async_test]
async fn another_leader_chairs_with_a_reason_and_a_free_calendar() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = app
        .approved(&o, &o.clerk_a, &request(&o, "2027-03-09", 8, 2, 0))
        .await;
    // Leader 1 is busy then, in another room.
    let mut busy = request(&o, "2027-03-09", 8, 3, 1);
    busy["title"] = json!("Tiếp công dân định kỳ");
    let busy_id = app.approved(&o, &o.clerk_b, &busy).await;
    app.publish(&o, "2027-03-08").await;
    let (_, seq) = in_feed(&app, &o, TITLE).await;

    let change = |chair: Option<i32>, reason: Option<&str>| {
        let mut b = json!({});
        if let Some(c) = chair {
            b["chair_id"] = json!(c);
        }
        if let Some(r) = reason {
            b["reason"] = json!(r);
        }
        b
    };
    let (s, _) = app
        .act(
            &o.staff,
            id,
            "change-chair",
            change(Some(o.leaders[2]), Some("Thay")),
        )
        .await;
    assert_eq!(
        s,
        Status::Forbidden,
        "staff may not unless the setting says so"
    );
    let (s, v) = app
        .act(&o.approver, id, "change-chair", change(None, Some("Thay")))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{v}");
    assert_eq!(field_of(&v), "chair_id");
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "change-chair",
            change(Some(o.leaders[2]), None),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{v}");
    assert_eq!(field_of(&v), "reason");
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "change-chair",
            change(Some(o.leaders[0]), Some("Thay")),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{v}");
    assert_eq!(field_of(&v), "chair_id", "already the chair");
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "change-chair",
            change(Some(o.leaders[1]), Some("Thay")),
        )
        .await;
    assert_eq!(s, Status::Conflict, "{v}");
    assert!(v.to_string().contains(&format!("#{busy_id}")), "{v}");

    let (s, v) = app
        .act(
            &o.approver,
            id,
            "change-chair",
            change(Some(o.leaders[2]), Some("Chủ tịch họp Trung ương")),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["meeting"]["chair_id"], o.leaders[2]);
    assert_eq!(v["meeting"]["status"], "approved");
    let (status, after) = in_feed(&app, &o, TITLE).await;
    assert_eq!(status, "CONFIRMED");
    assert!(after > seq);
    assert!(events(&app, &o.approver, id)
        .await
        .contains(&"change_chair".to_string()));
    // The next revision of the weekly schedule shows the row changed, the old chair struck.
    let (s, _, draft) = app
        .call(
            rocket::http::Method::Get,
            "/api/v1/schedule/2027-03-08/draft",
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{draft}");
    let row = rows_of(&draft, id)
        .into_iter()
        .next()
        .expect("the meeting's row");
    assert_eq!(row["mark"], "changed", "{row}");
    assert!(
        row["before"]["chair"].is_string(),
        "the old chair kept to strike: {row}"
    );
    assert_ne!(row["before"]["chair"], row["chair"], "{row}");
}

/// The schedule rows of meeting `id`, wherever they sit in the answer.
fn rows_of(v: &Value, id: i64) -> Vec<Value> {
    match v {
        Value::Object(o) if o.get("meeting_id").and_then(Value::as_i64) == Some(id) => {
            vec![v.clone()]
        }
        Value::Object(o) => o.values().flat_map(|x| rows_of(x, id)).collect(),
        Value::Array(a) => a.iter().flat_map(|x| rows_of(x, id)).collect(),
        _ => vec![],
    }
}

#[rocket::async_test]
async fn the_meeting_page_reschedules_checks_postpones_and_changes_the_chair() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = app
        .approved(&o, &o.clerk_a, &request(&o, "2027-03-09", 8, 2, 0))
        .await;
    let mut other = request(&o, "2027-03-10", 9, 2, 1);
    other["title"] = json!("Họp giao ban khối văn xã");
    let other_id = app.approved(&o, &o.clerk_b, &other).await;
    let page_path = format!("/cuoc-hop/{id}");

    // The clerk sees none of the moves; the approver sees each with a style of its own.
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let page = clerk.get(&page_path).await;
    assert!(!page.body.contains("/doi-lich\""));
    let mut approver = app.signed_in(&o.approver).await;
    let page = approver.get(&page_path).await;
    for (segment, style) in [
        ("doi-lich", "move"),
        ("doi-chu-tri", "chair"),
        ("tam-hoan", "postpone"),
    ] {
        assert!(
            page.body
                .contains(&format!("action=\"/cuoc-hop/{id}/{segment}\"")),
            "{segment}"
        );
        assert!(
            page.body
                .contains(&format!("<button type=\"submit\" class=\"{style}\">")),
            "{style}"
        );
    }
    assert!(
        page.body.contains("value=\"2027-03-09T08:00\""),
        "the time as it is"
    );
    assert!(page
        .body
        .contains(&format!("href=\"/cuoc-hop/{id}/tim-gio\"")));
    // A slot from find-a-time fills the "Dời lịch" form, which the link points at.
    let offered = approver
        .get(&format!(
            "{page_path}?starts_at=2027-03-11T14:00&ends_at=2027-03-11T16:00&room_id={}",
            o.rooms[1]
        ))
        .await;
    let form = offered
        .body
        .split("<form")
        .find(|f| f.contains("id=\"gio-moi\""))
        .expect("the form that takes the offered time");
    assert!(form.contains(&format!("/cuoc-hop/{id}/doi-lich")), "{form}");
    assert!(form.contains("value=\"2027-03-11T14:00\""), "{form}");
    assert!(form.contains("value=\"2027-03-11T16:00\""), "{form}");
    assert!(
        form.contains(&format!("value=\"{}\" selected", o.rooms[1])),
        "{form}"
    );
    // A clerk posting a move is refused.
    let refused = clerk
        .post(&format!("/cuoc-hop/{id}/doi-lich"), &[("reason", "x")])
        .await;
    assert_eq!(refused.status, Status::Forbidden);

    // Check first: the collision with the other meeting is listed, what was typed kept.
    let into_other = [
        ("starts_at", "2027-03-10T09:00"),
        ("ends_at", "2027-03-10T10:00"),
        ("room_id", &o.rooms[2].to_string()),
        ("reason", ""),
    ];
    let room = o.rooms[2].to_string();
    let mut checking: Vec<(&str, &str)> = into_other.to_vec();
    checking[2] = ("room_id", room.as_str());
    checking.push(("check", "true"));
    let checked = approver
        .post(&format!("/cuoc-hop/{id}/doi-lich"), &checking)
        .await;
    assert_eq!(checked.status, Status::Ok, "{}", checked.body);
    assert!(
        checked
            .body
            .contains(&format!("href=\"/cuoc-hop/{other_id}\"")),
        "names the other meeting: {}",
        checked
            .body
            .split("move-check")
            .nth(1)
            .unwrap_or(&checked.body)
    );
    assert!(checked.body.contains("value=\"2027-03-10T09:00\""));
    assert_eq!(
        app.meeting_as(&o.approver, id).await["starts_at"]
            .as_str()
            .map(|s| s.starts_with("2027-03-09")),
        Some(true),
        "nothing moved"
    );

    // Without a reason: 422 beside the reason field, the time kept.
    let mut moving: Vec<(&str, &str)> = checking[..3].to_vec();
    moving.push(("reason", ""));
    let refused = approver
        .post(&format!("/cuoc-hop/{id}/doi-lich"), &moving)
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused.body.contains("aria-describedby=\"reason-"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"2027-03-10T09:00\""));

    // With a reason, into the other meeting: the database refuses, 409 on the page, data kept.
    moving[3] = ("reason", "Lãnh đạo họp HĐND");
    let lost = approver
        .post(&format!("/cuoc-hop/{id}/doi-lich"), &moving)
        .await;
    assert_eq!(lost.status, Status::Conflict, "{}", lost.body);
    assert!(lost.body.contains(&format!("#{other_id}")));
    assert!(lost.body.contains("value=\"2027-03-10T09:00\""));
    assert!(lost.body.contains("value=\"Lãnh đạo họp HĐND\""));

    // An hour later it fits: done, said by name, in the history.
    moving[0] = ("starts_at", "2027-03-10T10:00");
    moving[1] = ("ends_at", "2027-03-10T11:00");
    let done = approver
        .post(&format!("/cuoc-hop/{id}/doi-lich"), &moving)
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = approver.get(done.location.as_deref().unwrap()).await;
    assert_eq!(
        notice(&page.body),
        format!("Đã dời lịch cuộc họp #{id} «{TITLE}».")
    );
    assert!(page.body.contains("Lãnh đạo họp HĐND"));

    // Change of chair from the page.
    let leader = o.leaders[2].to_string();
    let done = approver
        .post(
            &format!("/cuoc-hop/{id}/doi-chu-tri"),
            &[
                ("chair_id", leader.as_str()),
                ("reason", "Phó Chủ tịch chủ trì thay"),
            ],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = approver.get(done.location.as_deref().unwrap()).await;
    assert_eq!(
        notice(&page.body),
        format!("Đã đổi người chủ trì cuộc họp #{id} «{TITLE}».")
    );
    assert_eq!(
        app.meeting_as(&o.approver, id).await["chair_id"],
        o.leaders[2]
    );

    // Postpone: asked again first, then done; the page then offers the reschedule only.
    let asked = approver
        .post(
            &format!("/cuoc-hop/{id}/tam-hoan"),
            &[("reason", "Chờ ý kiến Bộ")],
        )
        .await;
    assert_eq!(asked.status, Status::Ok, "{}", asked.body);
    assert!(asked.body.contains("class=\"postpone\" autofocus"));
    assert_eq!(app.meeting_as(&o.approver, id).await["status"], "approved");
    let done = approver
        .post(
            &format!("/cuoc-hop/{id}/tam-hoan"),
            &[("reason", "Chờ ý kiến Bộ"), ("confirmed", "true")],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = approver.get(done.location.as_deref().unwrap()).await;
    assert!(notice(&page.body).starts_with(&format!("Đã tạm hoãn cuộc họp #{id}")));
    assert!(page.body.contains("<strong>Tạm hoãn</strong>"));
    assert!(page
        .body
        .contains(&format!("action=\"/cuoc-hop/{id}/doi-lich\"")));
    assert!(!page
        .body
        .contains(&format!("action=\"/cuoc-hop/{id}/tam-hoan\"")));
    assert!(!page
        .body
        .contains(&format!("action=\"/cuoc-hop/{id}/doi-chu-tri\"")));
}

#[rocket::async_test]
async fn postponing_tells_the_clerk_and_cancels_the_invitation_until_the_reschedule() {
    use crate::notifications::{give_email, person_email, request, to_of, with_sink};
    let (sink, app) = with_sink().await;
    let o = app.office().await;
    give_email(&app, &o.clerk_a, "vanthu.stc@example.vn").await;
    let invitee = app.head_of(o.agency_b).await;
    let invitee_mail = person_email(&app, invitee).await;
    let id = app
        .approved(&o, &o.clerk_a, &request(&o, &[invitee], "public"))
        .await;
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "postpone",
            json!({"reason": "Chờ ý kiến Bộ Xây dựng"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    // Everything the outbox holds has arrived: what each was told is read from what arrived.
    let msgs = sink.wait_for(app.outbox_settled().await.len()).await;
    // Found by what they say: the sender need not deliver in the order they were written.
    let clerk = to_of(&msgs, "vanthu.stc@example.vn");
    let told = clerk
        .iter()
        .find(|m| {
            m["subject"]
                .as_str()
                .unwrap()
                .starts_with("Cuộc họp tạm hoãn")
        })
        .unwrap_or_else(|| panic!("the clerk is told: {clerk:?}"));
    assert!(told["text"]
        .as_str()
        .unwrap()
        .contains("Chờ ý kiến Bộ Xây dựng"));
    let to_invitee = to_of(&msgs, &invitee_mail);
    let with_method = |method: &str| {
        to_invitee
            .iter()
            .map(|m| &m["calendars"][0])
            .find(|c| c["method"] == method)
            .unwrap_or_else(|| panic!("a {method}: {to_invitee:?}"))
    };
    let invited = with_method("REQUEST");
    let off = with_method("CANCEL");
    assert_eq!(off["events"][0]["status"], "CANCELLED");
    let seq = |c: &Value| c["events"][0]["sequence"].as_i64().unwrap();
    assert!(seq(off) > seq(invited));

    // Rescheduled: invited again, same UID, higher SEQUENCE, the new time.
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "reschedule",
            json!({"starts_at": "2027-03-11T14:00", "ends_at": "2027-03-11T15:00", "reason": "Đã có ý kiến Bộ"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let n = to_invitee.len();
    let msgs = sink.wait_for(app.outbox_settled().await.len()).await;
    let to_invitee = to_of(&msgs, &invitee_mail);
    assert_eq!(to_invitee.len(), n + 1, "{to_invitee:?}");
    let again = to_invitee
        .iter()
        .map(|m| &m["calendars"][0])
        .find(|c| {
            c["method"] == "REQUEST" && c["events"][0]["dtstart"] == "2027-03-11T14:00:00+07:00"
        })
        .unwrap_or_else(|| panic!("invited again: {to_invitee:?}"));
    assert_eq!(again["events"][0]["uid"], off["events"][0]["uid"]);
    assert!(seq(again) > seq(off));
}

#[rocket::async_test]
async fn a_series_moves_one_occurrence_or_all_from_the_page() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut body = request(&o, "2027-03-02", 8, 2, 0);
    body["rrule"] = json!("FREQ=WEEKLY;COUNT=4");
    let id = app.approved(&o, &o.clerk_a, &body).await;
    let mut approver = app.signed_in(&o.approver).await;
    let page = approver.get(&format!("/cuoc-hop/{id}")).await;
    assert!(
        page.body.contains("name=\"scope\" value=\"one\""),
        "the series' choices"
    );
    assert!(
        page.body.contains("<option value=\"2027-03-09\""),
        "its occurrences by date"
    );

    // One occurrence without saying which: 422 naming the field, the choice kept.
    let path = format!("/cuoc-hop/{id}/doi-lich");
    let refused = approver
        .post(
            &path,
            &[
                ("scope", "one"),
                ("starts_at", "2027-03-10T14:00"),
                ("reason", "Trùng lịch tiếp dân"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        Status::UnprocessableEntity,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("aria-describedby=\"date-"));
    assert!(refused
        .body
        .contains("name=\"scope\" value=\"one\" checked"));

    // The second occurrence only: moved to Wednesday afternoon, the others stay.
    let done = approver
        .post(
            &path,
            &[
                ("scope", "one"),
                ("date", "2027-03-09"),
                ("starts_at", "2027-03-10T14:00"),
                ("ends_at", "2027-03-10T15:00"),
                ("reason", "Trùng lịch tiếp dân"),
            ],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let (s, _, occ) = app
        .call(
            rocket::http::Method::Get,
            &format!("/api/v1/meetings/{id}/occurrences"),
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    let starts: Vec<&str> = occ
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["starts_at"].as_str().unwrap())
        .collect();
    assert_eq!(starts.len(), 4);
    assert!(
        starts.iter().any(|s| s.starts_with("2027-03-10T07:00")),
        "{starts:?}"
    );
    assert!(
        starts.iter().any(|s| s.starts_with("2027-03-02T01:00")),
        "{starts:?}"
    );
    assert!(
        starts.iter().any(|s| s.starts_with("2027-03-16T01:00")),
        "{starts:?}"
    );
    assert!(events(&app, &o.approver, id)
        .await
        .contains(&"reschedule_occurrence".to_string()));

    // The whole series: an hour later every week.
    let done = approver
        .post(
            &path,
            &[
                ("scope", "all"),
                ("starts_at", "2027-03-02T09:00"),
                ("ends_at", "2027-03-02T10:00"),
                ("reason", "Lãnh đạo họp sớm"),
            ],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let m = app.meeting_as(&o.approver, id).await;
    assert!(
        m["starts_at"]
            .as_str()
            .unwrap()
            .starts_with("2027-03-02T02:00"),
        "{m}"
    );
}

#[rocket::async_test]
async fn the_office_proposes_a_time_with_a_return_and_the_agency_accepts_it_in_one_click() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = app
        .submitted(&o.clerk_a, request(&o, "2027-03-09", 8, 2, 0))
        .await;
    // Nothing proposed: nothing to accept.
    let (s, v) = app.act(&o.clerk_a, id, "accept-proposal", json!({})).await;
    assert_eq!(s, Status::Conflict, "{v}");

    // Staff return it from the page with a proposed time and room.
    let mut staff = app.signed_in(&o.staff).await;
    let room = o.rooms[3].to_string();
    let returned = staff
        .post(
            &format!("/cuoc-hop/{id}/tra-lai"),
            &[
                ("reason", "Phòng họp số 2 đã kín; đề xuất chiều thứ Tư"),
                ("starts_at", "2027-03-10T14:00"),
                ("ends_at", "2027-03-10T15:00"),
                ("room_id", room.as_str()),
            ],
        )
        .await;
    assert_eq!(returned.status, Status::SeeOther, "{}", returned.body);
    let m = app.meeting_as(&o.clerk_a, id).await;
    assert_eq!(m["status"], "returned");
    assert!(
        m["starts_at"].as_str().unwrap().starts_with("2027-03-09"),
        "its own time stands: {m}"
    );
    assert!(
        m["proposed_starts_at"]
            .as_str()
            .unwrap()
            .starts_with("2027-03-10T07:00"),
        "{m}"
    );
    assert_eq!(m["proposed_room_id"], o.rooms[3]);

    // The other agency's clerk cannot take it; the office neither.
    let (s, _) = app.act(&o.clerk_b, id, "accept-proposal", json!({})).await;
    assert!(s == Status::NotFound || s == Status::Forbidden, "{s}");
    let (s, _) = app.act(&o.staff, id, "accept-proposal", json!({})).await;
    assert_eq!(s, Status::Forbidden);

    // The agency sees it on the page and accepts in one click: moved there and sent again.
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(
        page.body.contains("Văn phòng đề xuất thời gian mới"),
        "{}",
        page.body
    );
    assert!(page.body.contains("14:00 10/03/2027–15:00"));
    let done = clerk
        .post(&format!("/cuoc-hop/{id}/nhan-de-xuat"), &[])
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = clerk.get(done.location.as_deref().unwrap()).await;
    assert!(notice(&page.body).starts_with("Đã nhận thời gian đề xuất"));
    let m = app.meeting_as(&o.clerk_a, id).await;
    assert_eq!(
        m["status"], "pending",
        "sent for approval again; the approver decides"
    );
    assert!(
        m["starts_at"]
            .as_str()
            .unwrap()
            .starts_with("2027-03-10T07:00"),
        "{m}"
    );
    assert_eq!(m["room_id"], o.rooms[3]);
    assert!(m["proposed_starts_at"].is_null(), "{m}");
    assert!(events(&app, &o.clerk_a, id)
        .await
        .contains(&"accept_proposal".to_string()));
}

/// The starts of a meeting's occurrences, as the API gives them (UTC).
async fn starts_of(app: &TestApp, who: &Principal, id: i64) -> Vec<String> {
    let (s, _, occ) = app
        .call(
            rocket::http::Method::Get,
            &format!("/api/v1/meetings/{id}/occurrences"),
            Some(who),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{occ}");
    occ.as_array()
        .unwrap()
        .iter()
        .map(|o| o["starts_at"].as_str().unwrap()[..16].to_string())
        .collect()
}

/// A weekly series of four (2, 9, 16, 23 March 2027 at 8:00), approved, in room 2, and an
/// approved meeting in the same room on 23 March at 14:00.
async fn series_and_blocker(app: &TestApp, o: &Office) -> i64 {
    let mut body = request(o, "2027-03-02", 8, 2, 0);
    body["rrule"] = json!("FREQ=WEEKLY;COUNT=4");
    let id = app.approved(o, &o.clerk_a, &body).await;
    let mut blocker = request(o, "2027-03-23", 14, 2, 1);
    blocker["title"] = json!("Tiếp công dân định kỳ");
    app.approved(o, &o.clerk_a, &blocker).await;
    id
}

const BEFORE: [&str; 4] = [
    "2027-03-02T01:00",
    "2027-03-09T01:00",
    "2027-03-16T01:00",
    "2027-03-23T01:00",
];

#[rocket::async_test]
async fn a_series_moves_this_and_the_following_occurrences_from_the_page() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = series_and_blocker(&app, &o).await;
    let mut approver = app.signed_in(&o.approver).await;
    let page = approver.get(&format!("/cuoc-hop/{id}")).await;
    assert!(
        page.body.contains("name=\"scope\" value=\"following\""),
        "the third choice"
    );
    let path = format!("/cuoc-hop/{id}/doi-lich");

    // Without a reason: 422 beside the reason, the choice and the typed time kept.
    let refused = approver
        .post(
            &path,
            &[
                ("scope", "following"),
                ("date", "2027-03-16"),
                ("starts_at", "2027-03-16T14:00"),
                ("ends_at", "2027-03-16T15:00"),
            ],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(refused
        .body
        .contains("name=\"scope\" value=\"following\" checked"));
    assert!(refused.body.contains("value=\"2027-03-16T14:00\""));
    assert!(
        refused.body.contains("aria-describedby=\"reason-"),
        "{}",
        refused.body
    );

    // Into the blocker's slot on the 23rd: 409, nothing written, the typed data kept.
    let clash = approver
        .post(
            &path,
            &[
                ("scope", "following"),
                ("date", "2027-03-16"),
                ("starts_at", "2027-03-16T14:00"),
                ("ends_at", "2027-03-16T15:00"),
                ("reason", "Lãnh đạo bận buổi sáng"),
            ],
        )
        .await;
    assert_eq!(clash.status, Status::Conflict, "{}", clash.body);
    assert!(clash.body.contains("value=\"2027-03-16T14:00\""));
    assert!(clash.body.contains("Lãnh đạo bận buổi sáng"));
    assert_eq!(starts_of(&app, &o.approver, id).await, BEFORE);

    // From the 16th on at 10:00: the first two stay, the series ends before the 16th.
    let done = approver
        .post(
            &path,
            &[
                ("scope", "following"),
                ("date", "2027-03-16"),
                ("starts_at", "2027-03-16T10:00"),
                ("ends_at", "2027-03-16T11:00"),
                ("reason", "Lãnh đạo bận buổi sáng"),
            ],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    assert_eq!(starts_of(&app, &o.approver, id).await, &BEFORE[..2]);
    assert!(events(&app, &o.approver, id)
        .await
        .contains(&"split".to_string()));
}

#[rocket::async_test]
async fn the_api_moves_this_and_the_following_occurrences_in_one_step() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = series_and_blocker(&app, &o).await;
    let original = app.meeting_as(&o.approver, id).await;
    let path = format!("/api/v1/meetings/{id}/occurrences/2027-03-16/reschedule-following");
    let call = |body: Value| {
        let (app, o, path) = (&app, &o, &path);
        async move {
            app.call(
                rocket::http::Method::Post,
                path,
                Some(&o.approver),
                Some(&body),
                &[],
            )
            .await
        }
    };

    let (s, _, e) = call(json!({"starts_at": "2027-03-16T10:00"})).await;
    assert_eq!(
        (s, field_of(&e)),
        (Status::UnprocessableEntity, "reason"),
        "{e}"
    );

    let (s, _, e) = call(json!({"starts_at": "2027-03-16T14:00", "reason": "Bận"})).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (Status::Conflict, Some("room_overlap")),
        "{e}"
    );
    assert_eq!(starts_of(&app, &o.approver, id).await, BEFORE);
    assert!(!events(&app, &o.approver, id)
        .await
        .contains(&"split".to_string()));

    let (s, _, tail) = call(json!({
        "starts_at": "2027-03-16T10:00",
        "ends_at": "2027-03-16T11:30",
        "reason": "Lãnh đạo bận buổi sáng",
    }))
    .await;
    assert_eq!(s, Status::Ok, "{tail}");
    let tail_id = tail["id"].as_i64().unwrap();
    assert_ne!(tail["uid"], original["uid"]);
    assert_eq!(tail["status"], "approved");
    assert_eq!(tail["sequence"], 1);
    assert_eq!(starts_of(&app, &o.approver, id).await, &BEFORE[..2]);
    assert_eq!(
        starts_of(&app, &o.approver, tail_id).await,
        ["2027-03-16T03:00", "2027-03-23T03:00"]
    );
    assert!(events(&app, &o.approver, tail_id)
        .await
        .contains(&"reschedule_following".to_string()));
    let head = app.meeting_as(&o.approver, id).await;
    assert!(
        head["sequence"].as_i64() > original["sequence"].as_i64(),
        "{head}"
    );
    assert!(head["rrule"].as_str().unwrap().contains("UNTIL="), "{head}");
    assert_eq!(tail["rrule"], "FREQ=WEEKLY;COUNT=2", "{tail}");
}
