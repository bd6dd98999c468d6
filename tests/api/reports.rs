//! Reports: every figure of the office's report over a known month, built through the API.
//! Times the API cannot set (when a request was submitted and decided, when documents came)
//! are then set in the database, so that lead times and lateness are known numbers.

use crate::helpers::*;
use chrono::{DateTime, Utc};
use rocket::http::{Method, Status};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};

const PDF: &[u8] = b"%PDF-1.4\n% lichhop\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn ok((s, m): (Status, Value)) {
    assert_eq!(s, Status::Ok, "{m}");
}

#[allow(clippy::too_many_arguments)]
fn meeting(
    kind: &str,
    chair: i32,
    room: Option<i32>,
    day: &str,
    from: &str,
    to: &str,
    rrule: Option<&str>,
) -> Value {
    json!({
        "title": format!("Họp {kind} {day}"),
        "kind": kind,
        "chair_id": chair,
        "room_id": room,
        "starts_at": format!("{day}T{from}"),
        "ends_at": format!("{day}T{to}"),
        "rrule": rrule,
        "online_link": "https://hop.example.vn/p/1",
        "visibility": "public",
    })
}

async fn set_times(app: &TestApp, id: i64, submitted: &str, decided: Option<&str>) {
    let m = entity::meeting::Entity::find_by_id(id as i32)
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();
    let mut m: entity::meeting::ActiveModel = m.into();
    m.submitted_at = Set(Some(at(submitted)));
    m.decided_at = Set(decided.map(at));
    m.update(&app.db().conn).await.unwrap();
}

/// March 2027 (23 working days, 570 office minutes each):
/// - A: họp, agency A, room 0, leader 1, Tue 2 March 8:00–9:30, approved, rescheduled to
///   14:00–15:30; submitted 1 March (late: the deadline was 26 Feb), decided 4 h later; its
///   documents came on 1 March (late: due 25 Feb).
/// - B: hội nghị, agency A, room 1, leader 0, 3 March, approved (10 h), then cancelled.
/// - C: foreign delegation, agency B, room 0, leader 1, 4 March, pending.
/// - D: weekly họp, agency B, room 1, leader 2, Mondays 8–29 March 14:00–15:00 (4 occurrences),
///   approved (24 h); documents on time.
/// - E: online, agency A, no room, leader 1, 5 March, draft.
/// - F: họp in April, approved: outside the period.
async fn month(app: &TestApp) -> Office {
    let o = app.office().await;
    let (l, r) = (&o.leaders, &o.rooms);
    #[rustfmt::skip]
    let plans = [
        (&o.clerk_a, "hop",                   l[1], Some(r[0]), "2027-03-02", "08:00", "09:30", None),
        (&o.clerk_a, "hoi_nghi",              l[0], Some(r[1]), "2027-03-03", "08:00", "11:30", None),
        (&o.clerk_b, "tiep_khach_nuoc_ngoai", l[1], Some(r[0]), "2027-03-04", "09:00", "10:00", None),
        (&o.clerk_b, "hop",                   l[2], Some(r[1]), "2027-03-08", "14:00", "15:00", Some("FREQ=WEEKLY;COUNT=4")),
        (&o.clerk_a, "truc_tuyen",            l[1], None,       "2027-03-05", "08:00", "09:00", None),
        (&o.clerk_a, "hop",                   l[1], Some(r[0]), "2027-04-06", "08:00", "09:00", None),
    ];
    let mut ids = Vec::new();
    for (who, kind, chair, room, day, from, to, rrule) in plans {
        let body = meeting(kind, chair, room, day, from, to, rrule);
        ids.push(app.create(who, &body).await.0);
    }
    let [a, b, c, d, _e, f] = ids[..] else {
        unreachable!()
    };
    for (id, clerk) in [
        (a, &o.clerk_a),
        (b, &o.clerk_a),
        (c, &o.clerk_b),
        (d, &o.clerk_b),
        (f, &o.clerk_a),
    ] {
        ok(app.act(clerk, id, "submit", json!({})).await);
    }
    for id in [a, b, d, f] {
        ok(app.act(&o.approver, id, "approve", json!({})).await);
    }
    let moved = json!({"starts_at": "2027-03-02T14:00", "ends_at": "2027-03-02T15:30", "reason": "Lãnh đạo bận"});
    ok(app.act(&o.approver, a, "reschedule", moved).await);
    let reason = json!({"reason": "Lãnh đạo đi công tác"});
    ok(app.act(&o.approver, b, "cancel", reason).await);
    for (id, who) in [(a, &o.clerk_a), (d, &o.clerk_b)] {
        let (s, _) = crate::documents::upload_as(app, who, id, "file", "tai-lieu.pdf", PDF).await;
        assert_eq!(s, Status::Created);
    }
    let doc = entity::document::Entity::find()
        .filter(entity::document::Column::MeetingId.eq(a as i32))
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();
    let mut doc: entity::document::ActiveModel = doc.into();
    doc.uploaded_at = Set(at("2027-03-01T05:00:00Z"));
    doc.update(&app.db().conn).await.unwrap();
    set_times(app, a, "2027-03-01T03:00:00Z", Some("2027-03-01T07:00:00Z")).await;
    set_times(app, b, "2027-02-01T01:00:00Z", Some("2027-02-01T11:00:00Z")).await;
    set_times(app, d, "2027-02-01T01:00:00Z", Some("2027-02-02T01:00:00Z")).await;
    set_times(app, f, "2027-02-01T01:00:00Z", Some("2027-02-01T02:00:00Z")).await;
    o
}

/// `GET /api/v1/reports?{query}` as `who`.
async fn report(app: &TestApp, who: &Principal, query: &str) -> (Status, Value) {
    let path = format!("/api/v1/reports?{query}");
    let (s, _, r) = app.call(Method::Get, &path, Some(who), None, &[]).await;
    (s, r)
}

/// (key, count) pairs in key order, for the tables whose keys are ids.
fn sorted(mut v: Vec<(String, i64)>) -> Vec<(String, i64)> {
    v.sort();
    v
}

fn counts(v: &Value) -> Vec<(String, i64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_string(),
                c["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn shares(v: &Value) -> Vec<(i64, String, i64, i64, f64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["room_id"].as_i64().unwrap(),
                u["period_start"].as_str().unwrap().to_string(),
                u["booked_minutes"].as_i64().unwrap(),
                u["office_minutes"].as_i64().unwrap(),
                u["share"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[rocket::async_test]
async fn the_month_report_counts_every_figure_per_occurrence() {
    let app = spawn_app().await;
    let o = month(&app).await;
    let (s, r) = report(&app, &o.staff, "from=2027-03-01&to=2027-03-31").await;
    assert_eq!(s, Status::Ok, "{r}");
    let k = |id: i32| id.to_string();
    assert_eq!(r["total"], 8);
    assert_eq!(
        counts(&r["by_status"]),
        [
            ("approved".into(), 5),
            ("cancelled".into(), 1),
            ("draft".into(), 1),
            ("pending".into(), 1)
        ]
    );
    assert_eq!(
        counts(&r["by_kind"]),
        [
            ("hop".into(), 5),
            ("hoi_nghi".into(), 1),
            ("tiep_khach_nuoc_ngoai".into(), 1),
            ("truc_tuyen".into(), 1)
        ]
    );
    assert_eq!(
        sorted(counts(&r["by_agency"])),
        sorted(vec![(k(o.agency_a), 3), (k(o.agency_b), 5)])
    );
    assert_eq!(
        sorted(counts(&r["by_chair"])),
        sorted(vec![
            (k(o.leaders[0]), 1),
            (k(o.leaders[1]), 3),
            (k(o.leaders[2]), 4),
        ])
    );
    assert_eq!(
        sorted(counts(&r["by_room"])),
        sorted(vec![
            (String::new(), 1),
            (k(o.rooms[0]), 2),
            (k(o.rooms[1]), 5)
        ])
    );
    assert_eq!(r["by_status"][0]["label"], "Đã duyệt");
    assert_eq!(r["by_kind"][0]["label"], "Họp");

    // Only approved bookings use a room: A (90 min) in room 0, D (60 min a week) in room 1.
    let (r0, r1) = (o.rooms[0] as i64, o.rooms[1] as i64);
    let mut weekly = shares(&r["utilisation_weekly"]);
    weekly.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut want = vec![
        (r0, "2027-03-01".to_string(), 90, 2850, 0.0316),
        (r1, "2027-03-08".to_string(), 60, 2850, 0.0211),
        (r1, "2027-03-15".to_string(), 60, 2850, 0.0211),
        (r1, "2027-03-22".to_string(), 60, 2850, 0.0211),
        // The last week is clipped to the period: 29–31 March, 3 working days.
        (r1, "2027-03-29".to_string(), 60, 1710, 0.0351),
    ];
    want.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    assert_eq!(weekly, want);
    let mut monthly = shares(&r["utilisation_monthly"]);
    monthly.sort_by_key(|u| u.0);
    assert_eq!(
        monthly,
        [
            (r0, "2027-03-01".to_string(), 90, 13110, 0.0069),
            (r1, "2027-03-01".to_string(), 240, 13110, 0.0183)
        ]
    );

    // Lead times 4 h (A), 10 h (B), 24 h (D); C is undecided, F outside the period.
    assert_eq!(
        r["lead_time"],
        json!({"decided": 3, "median_hours": 10.0, "p90_hours": 24.0})
    );
    assert_eq!(r["late_registrations"], 1);
    assert_eq!(r["late_documents"], 1);
    assert_eq!(r["cancellations"], 1);
    assert_eq!(r["reschedules"], 1);
}

#[rocket::async_test]
async fn filters_narrow_the_report_to_an_agency_a_room_or_a_leader() {
    let app = spawn_app().await;
    let o = month(&app).await;
    let get = |q: String| {
        let app = &app;
        let staff = &o.approver;
        async move {
            let (s, r) = report(app, staff, &format!("from=2027-03-01&to=2027-03-31{q}")).await;
            assert_eq!(s, Status::Ok, "{r}");
            r
        }
    };
    let r = get(format!("&agency_id={}", o.agency_a)).await;
    assert_eq!(
        (
            r["total"].as_i64(),
            r["cancellations"].as_i64(),
            r["reschedules"].as_i64()
        ),
        (Some(3), Some(1), Some(1))
    );
    assert_eq!(r["lead_time"]["decided"], 2);
    let r = get(format!("&room_id={}", o.rooms[1])).await;
    assert_eq!(r["total"], 5);
    assert_eq!(r["late_registrations"], 0);
    let r = get(format!("&chair_id={}", o.leaders[1])).await;
    assert_eq!(r["total"], 3);
    assert_eq!(
        counts(&r["by_kind"]),
        [
            ("hop".into(), 1),
            ("tiep_khach_nuoc_ngoai".into(), 1),
            ("truc_tuyen".into(), 1)
        ]
    );
    // The first week only: A, B, C, E.
    let (s, r) = report(&app, &o.admin, "from=2027-03-01&to=2027-03-07").await;
    assert_eq!((s, r["total"].as_i64()), (Status::Ok, Some(4)));
}

/// The March report as a file: its content type, file name and bytes.
async fn download(app: &TestApp, who: &Principal, format: &str) -> (String, String, Vec<u8>) {
    let res = app
        .client
        .get(format!(
            "/api/v1/reports?from=2027-03-01&to=2027-03-31&format={format}"
        ))
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {}", who.token),
        ))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let content_type = res.content_type().map(|c| c.to_string()).unwrap();
    let disposition = res.headers().get_one("Content-Disposition").unwrap();
    let disposition = disposition.to_string();
    (content_type, disposition, res.into_bytes().await.unwrap())
}

#[rocket::async_test]
async fn the_csv_opens_in_excel_with_vietnamese_headers() {
    let app = spawn_app().await;
    let o = month(&app).await;
    let (content_type, disposition, bytes) = download(&app, &o.staff, "csv").await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert!(disposition.contains("bao-cao-2027-03-01-2027-03-31.csv"));
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "Nhóm,Mục,Giá trị");
    for line in [
        "Tổng số,Cuộc họp (lượt),8",
        "Theo trạng thái,Đã duyệt,5",
        "Theo loại,Tiếp khách nước ngoài,1",
        "Thời gian duyệt (giờ),Trung vị,10.00",
        "Chậm hạn,Đăng ký muộn,1",
        "Thay đổi,Dời lịch,1",
    ] {
        assert!(lines.contains(&line), "{line} in {text}");
    }
    assert_eq!(lines.last(), Some(&""), "every line ends in CRLF");
    assert!(!text.replace("\r\n", "").contains('\n'));
}

#[rocket::async_test]
async fn the_xlsx_is_a_workbook_named_after_the_period() {
    let app = spawn_app().await;
    let o = month(&app).await;
    let (content_type, disposition, bytes) = download(&app, &o.approver, "xlsx").await;
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(disposition.contains("bao-cao-2027-03-01-2027-03-31.xlsx"));
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip container");
    assert!(bytes.len() > 1000);
}

#[rocket::async_test]
async fn a_bad_period_is_refused_naming_the_field_and_agencies_may_not_read_reports() {
    let app = spawn_app().await;
    let o = app.office().await;
    for (q, field) in [
        ("to=2027-03-31", "from"),
        ("from=2027-03-01", "to"),
        ("from=2027-13-01&to=2027-03-31", "from"),
        ("from=2027-03-31&to=2027-03-01", "to"),
        ("from=2027-01-01&to=2029-01-01", "to"),
        ("from=2027-01-01&to=2027-01-31&format=pdf", "format"),
    ] {
        let (s, e) = report(&app, &o.staff, q).await;
        assert_eq!(
            (s, e["field"].as_str()),
            (Status::UnprocessableEntity, Some(field)),
            "{q}"
        );
    }
    let (s, _) = report(&app, &o.clerk_a, "from=2027-01-01&to=2027-01-31").await;
    assert_eq!(s, Status::Forbidden);
    let (s, r) = report(&app, &o.staff, "from=2027-01-01&to=2028-12-31").await;
    assert_eq!(s, Status::Ok);
    assert_eq!(
        r["lead_time"],
        json!({"decided": 0, "median_hours": null, "p90_hours": null})
    );
}

#[rocket::async_test]
async fn the_report_page_draws_the_figures_as_svg_bars_in_both_languages() {
    let app = spawn_app().await;
    let o = month(&app).await;
    let mut b = Browser::new(&app);
    let signed = b
        .sign_in(&o.staff.account.username, PRINCIPAL_PASSWORD)
        .await;
    assert_eq!(signed.status, Status::SeeOther);
    let page = b.get("/bao-cao?from=2027-03-01&to=2027-03-31").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains("Từ ngày 01/03/2027 đến ngày 31/03/2027"),
        "{body}"
    );
    assert!(
        body.contains("<dt>Tổng số cuộc họp, hội nghị (lượt)</dt><dd>8</dd>"),
        "{body}"
    );
    assert!(
        body.contains("<dt>Thời gian duyệt, trung vị (giờ)</dt><dd>10.0</dd>"),
        "{body}"
    );
    assert!(
        body.contains("<th scope=\"row\">Tiếp khách nước ngoài</th>"),
        "{body}"
    );
    // Approved is the longest bar of its chart: the full width.
    assert!(
        body.contains("<rect x=\"0\" y=\"2\" width=\"300\""),
        "{body}"
    );
    assert!(body.contains("<td>03/2027</td><td>1.8%</td>"), "{body}");
    assert!(body.contains("/bao-cao/tai-ve?from=2027-03-01&amp;to=2027-03-31&amp;dinh_dang=xlsx"));
    let csv = b
        .get("/bao-cao/tai-ve?from=2027-03-01&to=2027-03-31&dinh_dang=csv")
        .await;
    assert_eq!(csv.status, Status::Ok);
    assert!(csv.body.contains("Tổng số,Cuộc họp (lượt),8"));
    b.get("/ngon-ngu/en?next=%2F").await;
    let page = b.get("/bao-cao?from=2027-03-01&to=2027-03-31").await;
    assert!(page
        .body
        .contains("<th scope=\"row\">Foreign delegation reception</th>"));
    assert!(page
        .body
        .contains("<dt>Meetings and conferences (held)</dt><dd>8</dd>"));
    // A bad period is refused, naming the field.
    let page = b.get("/bao-cao?from=2027-03-31&to=2027-03-01").await;
    assert_eq!(page.status, Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn the_report_page_filters_by_agency_room_and_leader_and_shows_weekly_utilisation() {
    let app = spawn_app().await;
    let o = month(&app).await;
    let mut b = Browser::new(&app);
    b.sign_in(&o.approver.account.username, PRINCIPAL_PASSWORD)
        .await;
    let page = b
        .get(&format!(
            "/bao-cao?from=2027-03-01&to=2027-03-31&agency_id={}&room_id=&chair_id=",
            o.agency_a
        ))
        .await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let body = &page.body;
    // The same figures as the API's for that agency, the agency kept as chosen.
    assert!(
        body.contains("<dt>Tổng số cuộc họp, hội nghị (lượt)</dt><dd>3</dd>"),
        "{body}"
    );
    assert!(body.contains(&format!("<option value=\"{}\" selected>", o.agency_a)));
    assert!(body.contains("<label>Lãnh đạo chủ trì <select name=\"chair_id\">"));
    // Downloads and the period shortcuts keep the filter.
    assert!(body.contains(&format!(
        "/bao-cao/tai-ve?from=2027-03-01&amp;to=2027-03-31&amp;agency_id={}&amp;dinh_dang=csv",
        o.agency_a
    )));
    assert!(body.contains("9 tháng đầu năm</a>"), "{body}");
    assert!(body.contains(&format!("&amp;agency_id={}\">Cả năm</a>", o.agency_a)));
    // Weekly utilisation: one row per room and week, the week named by its Monday.
    assert!(body.contains("Tỷ lệ sử dụng phòng họp theo tuần"), "{body}");
    assert!(body.contains("<td>01/03/2027</td>"), "{body}");

    let page = b
        .get(&format!(
            "/bao-cao?from=2027-03-01&to=2027-03-31&chair_id={}",
            o.leaders[1]
        ))
        .await;
    assert!(page
        .body
        .contains("<dt>Tổng số cuộc họp, hội nghị (lượt)</dt><dd>3</dd>"));
    let csv = b
        .get(&format!(
            "/bao-cao/tai-ve?from=2027-03-01&to=2027-03-31&room_id={}&dinh_dang=csv",
            o.rooms[1]
        ))
        .await;
    assert!(
        csv.body.contains("Tổng số,Cuộc họp (lượt),5"),
        "{}",
        csv.body
    );
}

/// A field trip over three days in a room, and a meeting into the night: each day's office
/// hours count in the week and month of that day, and only days inside the period.
#[rocket::async_test]
async fn bookings_over_several_days_count_the_office_hours_of_each_day() {
    let app = spawn_app().await;
    let o = app.office().await;
    let (l, r) = (&o.leaders, &o.rooms);
    let plans = [
        // Tue 2 March 13:00 → Thu 4 March 10:00: 240 + 570 + 150 minutes.
        ("cong_tac", r[0], "2027-03-02T13:00", "2027-03-04T10:00"),
        // Wed 31 March 16:00 → Thu 1 April 08:30: 60 in March, 60 in April (outside the period).
        ("hop", r[1], "2027-03-31T16:00", "2027-04-01T08:30"),
    ];
    for (i, (kind, room, from, to)) in plans.into_iter().enumerate() {
        let body = json!({
            "title": format!("Chuyến công tác {i}"),
            "kind": kind,
            "chair_id": l[i],
            "room_id": room,
            "starts_at": from,
            "ends_at": to,
            "visibility": "public",
        });
        let (id, _) = app.create(&o.clerk_a, &body).await;
        ok(app.act(&o.clerk_a, id, "submit", json!({})).await);
        ok(app.act(&o.approver, id, "approve", json!({})).await);
    }
    let (s, rep) = report(&app, &o.staff, "from=2027-03-01&to=2027-03-31").await;
    assert_eq!(s, Status::Ok, "{rep}");
    let (r0, r1) = (r[0] as i64, r[1] as i64);
    let mut weekly = shares(&rep["utilisation_weekly"]);
    weekly.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    assert_eq!(
        weekly,
        [
            (r0, "2027-03-01".to_string(), 960, 2850, 0.3368),
            (r1, "2027-03-29".to_string(), 60, 1710, 0.0351),
        ]
    );
    let mut monthly = shares(&rep["utilisation_monthly"]);
    monthly.sort_by_key(|u| u.0);
    assert_eq!(
        monthly,
        [
            (r0, "2027-03-01".to_string(), 960, 13110, 0.0732),
            (r1, "2027-03-01".to_string(), 60, 13110, 0.0046),
        ]
    );
}

/// The report over `from..=to` as the API gives it (the whole office's: the days kept in
/// memory), checked against the same report computed by the queries over the whole period.
async fn kept_same_as_queried(app: &TestApp, o: &Office, from: &str, to: &str) -> Value {
    let (s, kept) = report(app, &o.staff, &format!("from={from}&to={to}")).await;
    assert_eq!(s, Status::Ok, "{kept}");
    let db = app.db();
    let settings = lichhop::domain::settings::load(db).await.unwrap();
    let (from, to) = (from.parse().unwrap(), to.parse().unwrap());
    let f = lichhop::domain::reports::ReportFilter::new(from, to, None, None, None).unwrap();
    let queried = lichhop::domain::reports::compute_live(db, &f, &settings)
        .await
        .unwrap();
    assert_eq!(kept, serde_json::to_value(&queried).unwrap());
    kept
}

async fn meeting_titled(app: &TestApp, title: &str) -> entity::meeting::Model {
    entity::meeting::Entity::find()
        .filter(entity::meeting::Column::Title.eq(title))
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap()
}

/// The whole office's report adds up figures kept per day, and computes again only the days a
/// change touched: every kind of change a report reads shows in the next report, whether it
/// came through the API or straight into the database, and the figures stay those of the
/// queries over the whole period.
#[rocket::async_test]
async fn the_days_kept_in_memory_follow_every_change_a_report_reads() {
    let app = spawn_app().await;
    let o = month(&app).await;
    let (from, to) = ("2027-03-01", "2027-03-31");
    let r = kept_same_as_queried(&app, &o, from, to).await;
    assert_eq!(
        (r["total"].as_i64(), r["cancellations"].as_i64()),
        (Some(8), Some(1))
    );
    let conn = &app.db().conn;

    // A decision through the API: the pending delegation (C) is rejected.
    let c = meeting_titled(&app, "Họp tiep_khach_nuoc_ngoai 2027-03-04").await;
    let reason = json!({"reason": "Trùng lịch đoàn khác"});
    ok(app.act(&o.approver, c.id as i64, "reject", reason).await);
    let r = kept_same_as_queried(&app, &o, from, to).await;
    assert!(
        counts(&r["by_status"]).contains(&("rejected".into(), 1)),
        "{r}"
    );

    // One occurrence of the weekly meeting (D) moved to April, in the database.
    let d = meeting_titled(&app, "Họp hop 2027-03-08").await;
    let second = entity::occurrence::Entity::find()
        .filter(entity::occurrence::Column::MeetingId.eq(d.id))
        .filter(entity::occurrence::Column::StartsAt.gt(at("2027-03-10T00:00:00Z")))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let mut moved: entity::occurrence::ActiveModel = second.into();
    moved.starts_at = Set(at("2027-04-19T07:00:00Z"));
    moved.ends_at = Set(at("2027-04-19T08:00:00Z"));
    moved.update(conn).await.unwrap();
    let r = kept_same_as_queried(&app, &o, from, to).await;
    assert_eq!(r["total"], 7);

    // What a report reads of a meeting: A becomes a conference.
    let a = meeting_titled(&app, "Họp hop 2027-03-02").await;
    let mut kind: entity::meeting::ActiveModel = a.clone().into();
    kind.kind = Set(entity::MeetingKind::HoiNghi);
    kind.update(conn).await.unwrap();
    let r = kept_same_as_queried(&app, &o, from, to).await;
    assert!(
        counts(&r["by_kind"]).contains(&("hoi_nghi".into(), 2)),
        "{r}"
    );

    // D's decision took two days, not one.
    set_times(
        &app,
        d.id as i64,
        "2027-02-01T01:00:00Z",
        Some("2027-02-03T01:00:00Z"),
    )
    .await;
    let r = kept_same_as_queried(&app, &o, from, to).await;
    assert_eq!(r["lead_time"]["p90_hours"], 48.0);

    // A's late document removed: it has none now, late only once its deadline (25 February)
    // has passed.
    entity::document::Entity::delete_many()
        .filter(entity::document::Column::MeetingId.eq(a.id))
        .exec(conn)
        .await
        .unwrap();
    let r = kept_same_as_queried(&app, &o, from, to).await;
    let passed = lichhop::domain::clock::office_date(lichhop::domain::clock::now())
        > "2027-02-25".parse().unwrap();
    assert_eq!(r["late_documents"], i64::from(passed));

    // The office's calendar and settings: the days whose office hours or deadlines they change
    // are computed again.
    entity::closure::ActiveModel {
        starts_on: Set("2027-03-10".parse().unwrap()),
        ends_on: Set("2027-03-10".parse().unwrap()),
        kind: Set(entity::ClosureKind::Other),
        reason: Set("Tổng vệ sinh trụ sở".into()),
        created_at: Set(at("2027-01-01T00:00:00Z")),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let r = kept_same_as_queried(&app, &o, from, to).await;
    let monthly = shares(&r["utilisation_monthly"]);
    assert!(monthly.iter().all(|u| u.3 == 22 * 570), "{monthly:?}");
    let mut s = lichhop::domain::settings::load(app.db()).await.unwrap();
    s.office_closes = chrono::NaiveTime::from_hms_opt(16, 30, 0).unwrap();
    lichhop::domain::settings::save(app.db(), &s).await.unwrap();
    let r = kept_same_as_queried(&app, &o, from, to).await;
    let monthly = shares(&r["utilisation_monthly"]);
    assert!(monthly.iter().all(|u| u.3 == 22 * 540), "{monthly:?}");

    // A longer period: its first report comes from the queries over the period while its days
    // are computed in the background; the next adds up the days kept.
    let (from, to) = ("2027-01-01", "2027-06-30");
    let first = kept_same_as_queried(&app, &o, from, to).await;
    let f = lichhop::domain::reports::ReportFilter::new(
        from.parse().unwrap(),
        to.parse().unwrap(),
        None,
        None,
        None,
    )
    .unwrap();
    lichhop::domain::reports::keep_days(app.db(), &f, &s)
        .await
        .unwrap();
    let kept = kept_same_as_queried(&app, &o, from, to).await;
    assert_eq!(first, kept);
    assert_eq!(kept["total"], 9);

    // The days are stored too: another instance on the same database (or this one after a
    // restart) starts from them, and still sees the changes made after.
    let stored = app
        .db()
        .conn
        .query_one_raw(sea_orm::Statement::from_string(
            app.db().backend(),
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM report_day_figures",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.try_get::<i64>("", "n").unwrap(), 181);
    let other = lichhop::app::build(test_figment(app.data_dir.path(), &app.database_url))
        .await
        .unwrap();
    let other = other.state::<lichhop::db::Db>().unwrap();
    let again = lichhop::domain::reports::compute(other, &f, &s)
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&again).unwrap(), kept);
    let reason = json!({"reason": "Lãnh đạo bận họp Tỉnh ủy"});
    ok(app.act(&o.approver, d.id as i64, "cancel", reason).await);
    let after = lichhop::domain::reports::compute(other, &f, &s)
        .await
        .unwrap();
    let queried = lichhop::domain::reports::compute_live(other, &f, &s)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&after).unwrap(),
        serde_json::to_value(&queried).unwrap()
    );
    assert_eq!(after.cancellations, 5);

    // PostgreSQL's TRUNCATE fires no row trigger, and moves every day's count instead.
    if app.db().backend() == sea_orm::DbBackend::Postgres {
        let truncate = "TRUNCATE occurrence CASCADE";
        conn.execute_unprepared(truncate).await.unwrap();
        let emptied = lichhop::domain::reports::compute(other, &f, &s)
            .await
            .unwrap();
        assert_eq!(emptied.total, 0);
    }
}

/// Agencies and accounts are kept in memory with the rest of the reference data
/// (`domain::reference`); a change written straight into the database, as another instance
/// sharing it would, is seen at the next read, and a sign-in reloads nothing.
#[rocket::async_test]
async fn agencies_and_accounts_changed_by_another_instance_are_seen() {
    use lichhop::domain::reference;
    let app = spawn_app().await;
    let o = month(&app).await;
    let db = app.db();
    let agency_key = o.agency_a.to_string();
    let agency_label = |r: &Value| {
        r["by_agency"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == agency_key.as_str())
            .map(|c| c["label"].as_str().unwrap().to_string())
    };
    let query = "from=2027-03-01&to=2027-03-31";
    let (s, before) = report(&app, &o.staff, query).await;
    assert_eq!(s, Status::Ok, "{before}");
    assert!(agency_label(&before).is_some_and(|l| !l.contains("Đổi tên")));
    let account = o.clerk_a.account.id;
    let kept = reference::current(db).await.unwrap();
    assert_eq!(
        kept.account_name(account),
        Some(o.clerk_a.account.display_name.as_str())
    );

    let sql = |text: String| async move { db.conn.execute_unprepared(&text).await.unwrap() };
    // A sign-in's time is not reference data: the copy stays.
    sql(format!(
        "UPDATE account SET last_sign_in_at = created_at WHERE id = {account}"
    ))
    .await;
    assert_eq!(reference::version(&db.conn).await.unwrap(), kept.version);

    sql(format!(
        "UPDATE agency SET name = 'Sở Đổi tên' WHERE id = {}",
        o.agency_a
    ))
    .await;
    sql(format!(
        "UPDATE account SET display_name = 'Văn thư mới' WHERE id = {account}"
    ))
    .await;
    let (_, after) = report(&app, &o.staff, query).await;
    assert_eq!(agency_label(&after).as_deref(), Some("Sở Đổi tên"));
    let fresh = reference::current(db).await.unwrap();
    assert!(fresh.version > kept.version);
    assert_eq!(fresh.account_name(account), Some("Văn thư mới"));
}
