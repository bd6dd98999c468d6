//! The request form's fields beyond time and place: online link, preparation, interpreters, the
//! preparing agency, persons invited with their role, and the recurrence built into an RRULE
//! (registered, refused beside its fields, shown back on edit, checked occurrence by occurrence).

use crate::helpers::*;
use rocket::http::{ContentType, Header, Method, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

async fn signed_in<'a>(app: &'a TestApp, p: &Principal) -> Browser<'a> {
    let mut b = Browser::new(app);
    let signed = b.sign_in(&p.account.username, PRINCIPAL_PASSWORD).await;
    assert_eq!(signed.status, Status::SeeOther);
    b.get("/dang-ky/moi").await;
    b
}

/// The id in a redirect to "/cuoc-hop/<id>?done=…".
fn saved_id(answer: &PageAnswer) -> i64 {
    let at = answer
        .location
        .as_deref()
        .unwrap_or_else(|| panic!("{}: {}", answer.status, answer.body));
    at.trim_start_matches("/cuoc-hop/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The error shown beside field `name`, if any.
fn error_beside(page: &str, name: &str) -> Option<String> {
    let marker = format!("id=\"f-{name}-error\">");
    let at = page.find(&marker)? + marker.len();
    Some(page[at..].split('<').next()?.to_string())
}

/// A weekly series on Mondays and Wednesdays from Monday 08/03/2027, six meetings, 15/03 skipped.
fn weekly<'f>(room: &'f str, person: &'f str, other: &'f str) -> Vec<(&'static str, &'f str)> {
    vec![
        ("title", "Giao ban chuyên đề chuyển đổi số"),
        ("day", "2027-03-08"),
        ("start", "14:00"),
        ("end", "15:30"),
        ("room_id", room),
        ("online_link", "https://hop.example.vn/giao-ban"),
        ("preparation", "Phông nền, nước uống"),
        ("needs_interpreter", "true"),
        ("persons", person),
        ("persons_optional", other),
        ("repeat", "weekly"),
        ("byday", "MO"),
        ("byday", "WE"),
        ("count", "6"),
        ("exdates", "15/03"),
    ]
}

#[rocket::async_test]
async fn a_weekly_series_with_persons_is_registered_from_the_page() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = signed_in(&app, &o.clerk_a).await;
    let form = clerk.get("/dang-ky/moi").await;
    for label in [
        "Lặp lại",
        "Cá nhân bắt buộc dự",
        "Cần phiên dịch",
        "Bỏ qua các ngày",
    ] {
        assert!(form.body.contains(label), "{label} on the form");
    }
    assert!(form.body.contains("id=\"f-exdates-hint\""));

    let (room, person, other) = (
        o.rooms[1].to_string(),
        o.leaders[1].to_string(),
        o.leaders[2].to_string(),
    );
    let mut fields = weekly(&room, &person, &other);
    let preparing = o.agency_b.to_string();
    fields.push(("preparing_agency_id", &preparing));
    let saved = clerk.post("/dang-ky", &fields).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let id = saved_id(&saved);

    let (s, _, m) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(m["rrule"], "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6");
    assert_eq!(m["online_link"], "https://hop.example.vn/giao-ban");
    assert_eq!(m["needs_interpreter"], true);
    assert_eq!(m["preparation"], "Phông nền, nước uống");
    assert_eq!(m["preparing_agency_id"], o.agency_b);

    let (s, _, occ) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/occurrences"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{occ}");
    let starts: Vec<&str> = occ
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["starts_at"].as_str().unwrap())
        .collect();
    // 14:00 in Hà Nội is 07:00 UTC; Monday 15/03 is skipped.
    assert_eq!(
        starts,
        [
            "2027-03-08T07:00:00Z",
            "2027-03-10T07:00:00Z",
            "2027-03-17T07:00:00Z",
            "2027-03-22T07:00:00Z",
            "2027-03-24T07:00:00Z",
        ]
    );

    let roles: Vec<(Option<i32>, entity::AttendeeRole)> = entity::meeting_attendee::Entity::find()
        .filter(entity::meeting_attendee::Column::MeetingId.eq(id as i32))
        .all(&app.db().conn)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.person_id, a.role))
        .collect();
    assert!(roles.contains(&(Some(o.leaders[1]), entity::AttendeeRole::Required)));
    assert!(roles.contains(&(Some(o.leaders[2]), entity::AttendeeRole::Optional)));

    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains("https://hop.example.vn/giao-ban"));
    assert!(page.body.contains("Cần phiên dịch"));
    assert!(page.body.contains("(không bắt buộc)"));
    assert!(
        page.body
            .contains("(lặp lại: Hằng tuần vào Thứ Hai, Thứ Tư; 6 lần; bỏ qua 15/03)"),
        "the rule in words: {}",
        page.body
    );
}

#[rocket::async_test]
async fn rules_that_explode_or_never_end_are_refused_beside_the_fields() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = signed_in(&app, &o.clerk_a).await;
    let base = [
        ("title", "Trực ban hằng ngày"),
        ("day", "2027-03-08"),
        ("start", "07:30"),
        ("end", "08:00"),
        ("location", "Phòng trực"),
        ("repeat", "daily"),
        ("exdates", "10/03"),
    ];
    let mut exploding = base.to_vec();
    exploding.push(("count", "1000"));
    let refused = clerk.post("/dang-ky", &exploding).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    let msg = error_beside(&refused.body, "repeat").expect("error beside the recurrence");
    assert!(msg.contains("260"), "{msg}");
    assert!(refused.body.contains("value=\"1000\""));
    assert!(refused.body.contains("value=\"10/03\""));
    assert!(refused.body.contains("value=\"Trực ban hằng ngày\""));
    assert!(refused.body.contains("<option value=\"daily\" selected>"));

    let mut weekly = base.to_vec();
    weekly[5] = ("repeat", "weekly");
    let refused = clerk.post("/dang-ky", &weekly).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    let msg = error_beside(&refused.body, "repeat").expect("error beside the recurrence");
    assert!(msg.contains("kết thúc"), "{msg}");
    assert!(refused.body.contains("<option value=\"weekly\" selected>"));

    // A bad skipped date and a bad interval are named by their own field, in English too.
    let mut bad = base.to_vec();
    bad[6] = ("exdates", "31/02");
    bad.push(("count", "3"));
    clerk.cookies.insert("lang".into(), "en".into());
    let refused = clerk.post("/dang-ky", &bad).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    let msg = error_beside(&refused.body, "exdates").expect("error beside the skipped dates");
    assert!(msg.contains("Skipped date «31/02»"), "{msg}");
    clerk.cookies.remove("lang");
    let mut bad = base.to_vec();
    bad.push(("count", "3"));
    bad.push(("interval", "0"));
    let refused = clerk.post("/dang-ky", &bad).await;
    assert!(error_beside(&refused.body, "interval").is_some());
    // The online link is checked too, beside its own field.
    let mut link = base.to_vec();
    link.push(("count", "3"));
    link.push(("online_link", "javascript:alert(1)"));
    let refused = clerk.post("/dang-ky", &link).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        error_beside(&refused.body, "online_link").is_some(),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"javascript:alert(1)\""));
    let (s, _, list) = app
        .call(Method::Get, "/api/v1/meetings", Some(&o.clerk_a), None, &[])
        .await;
    assert_eq!(s, Status::Ok);
    assert!(
        !list.to_string().contains("Trực ban hằng ngày"),
        "nothing saved: {list}"
    );
}

#[rocket::async_test]
async fn the_edit_form_shows_the_rule_back_and_keeps_one_it_cannot_express() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = signed_in(&app, &o.clerk_a).await;
    let (room, person, other) = (
        o.rooms[1].to_string(),
        o.leaders[1].to_string(),
        o.leaders[2].to_string(),
    );
    let saved = clerk
        .post("/dang-ky", &weekly(&room, &person, &other))
        .await;
    let id = saved_id(&saved);
    let edit = clerk.get(&format!("/cuoc-hop/{id}/sua")).await;
    assert_eq!(edit.status, Status::Ok);
    let b = &edit.body;
    assert!(b.contains("<option value=\"weekly\" selected>"));
    assert!(b.contains("name=\"byday\" value=\"MO\" checked"));
    assert!(b.contains("name=\"byday\" value=\"WE\" checked"));
    assert!(!b.contains("name=\"byday\" value=\"TU\" checked"));
    assert!(b.contains("name=\"count\" value=\"6\""));
    assert!(b.contains("name=\"exdates\" value=\"15/03\""));
    assert!(b.contains("name=\"online_link\" value=\"https://hop.example.vn/giao-ban\""));
    assert!(b.contains(&format!("name=\"persons\" value=\"{person}\" checked")));
    assert!(b.contains(&format!(
        "name=\"persons_optional\" value=\"{other}\" checked"
    )));

    // The first Monday of each month: the fields cannot say it, so it is kept and shown.
    let body = json!({"title": "Họp thường kỳ", "location": "Phòng 3", "starts_at": "2027-03-01T08:00", "ends_at": "2027-03-01T09:00", "rrule": "FREQ=MONTHLY;BYDAY=1MO;COUNT=3"});
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{m}");
    let kept = m["id"].as_i64().unwrap();
    let edit = clerk.get(&format!("/cuoc-hop/{kept}/sua")).await;
    // Handlebars writes "=" as "&#x3D;".
    let shown = "<code>FREQ&#x3D;MONTHLY;BYDAY&#x3D;1MO;COUNT&#x3D;3</code>";
    assert!(edit.body.contains(shown), "{}", edit.body);
    assert!(edit.body.contains("được giữ nguyên"));
    assert!(!edit.body.contains("id=\"f-repeat\""));
    let version = m["version"].to_string();
    let answer = clerk
        .post(
            &format!("/cuoc-hop/{kept}/sua"),
            &[
                ("title", "Họp thường kỳ (sửa)"),
                ("location", "Phòng 3"),
                ("day", "2027-03-01"),
                ("start", "08:30"),
                ("end", "09:30"),
                ("rrule_kept", "FREQ=MONTHLY;BYDAY=1MO;COUNT=3"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(answer.status, Status::SeeOther, "{}", answer.body);
    let (_, _, m) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{kept}"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(m["rrule"], "FREQ=MONTHLY;BYDAY=1MO;COUNT=3");
    assert_eq!(m["title"], "Họp thường kỳ (sửa)");
}

/// What the form's script sends: the time and room with `extra`, to the live check.
async fn live(clerk: &Browser<'_>, room: &str, extra: &[(&str, &str)]) -> (Status, Value) {
    let csrf = clerk.csrf.clone().unwrap();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("day", "2027-03-08"),
        ("start", "14:00"),
        ("end", "15:00"),
        ("room_id", room),
    ];
    fields.extend_from_slice(extra);
    let req = clerk
        .app
        .client
        .post("/dang-ky/kiem-tra")
        .header(ContentType::Form)
        .header(Header::new("Accept", "application/json"))
        .body(form_body(&fields));
    let res = clerk.with_cookies(req).dispatch().await;
    let status = res.status();
    let text = res.into_string().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON, not {text}")),
    )
}

#[rocket::async_test]
async fn the_live_check_checks_a_series_occurrence_by_occurrence() {
    let app = spawn_app().await;
    let o = app.office().await;
    let room = o.rooms[2];
    // Agency B's approved meeting in that room a week after the series starts.
    let body = json!({"title": "Họp ngành y tế", "room_id": room, "starts_at": "2027-03-15T14:00", "ends_at": "2027-03-15T15:00", "submit": true});
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_b),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{m}");
    let theirs = m["id"].as_i64().unwrap();
    let (s, _, _) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{theirs}/approve"),
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);

    let clerk = signed_in(&app, &o.clerk_a).await;
    let room_s = room.to_string();
    let (s, single) = live(&clerk, &room_s, &[]).await;
    assert_eq!(s, Status::Ok, "{single}");
    assert_eq!(
        single["errors"], 0,
        "the first Monday alone is free: {single}"
    );
    let (s, series) = live(&clerk, &room_s, &[("repeat", "weekly"), ("count", "3")]).await;
    assert_eq!(s, Status::Ok, "{series}");
    assert_eq!(series["errors"], 1, "{series}");
    // Agency B's meeting, shown to agency A only as busy.
    assert_eq!(series["conflicts"][0]["meeting"]["title"], "Bận");
    // Skipping that Monday clears it; a series that never ends is refused naming its field.
    let (_, skipped) = live(
        &clerk,
        &room_s,
        &[("repeat", "weekly"), ("count", "3"), ("exdates", "15/03")],
    )
    .await;
    assert_eq!(skipped["errors"], 0, "{skipped}");
    let (s, refused) = live(&clerk, &room_s, &[("repeat", "weekly")]).await;
    assert_eq!(s, Status::UnprocessableEntity, "{refused}");
    assert_eq!(refused["field"], "repeat", "{refused}");
}
