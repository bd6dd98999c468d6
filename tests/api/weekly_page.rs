//! The public weekly work schedule page (lịch công tác tuần) as the portal shows it.

use crate::helpers::*;
use rocket::http::{Header, Status};

#[rocket::async_test]
async fn the_week_reads_like_the_portal_in_vietnamese_and_english() {
    let app = spawn_app().await;
    let o = app.office().await;
    app.approved_on(
        &o,
        "Họp bàn <kế hoạch> & ngân sách",
        "public",
        "2027-03-01T08:00",
        "2027-03-01T09:30",
        1,
    )
    .await;
    app.approved_on(
        &o,
        "Làm việc với đoàn kiểm tra",
        "public",
        "2027-03-02T14:00",
        "2027-03-02T16:00",
        1,
    )
    .await;
    app.approved_on(
        &o,
        "Họp nội bộ không công khai",
        "internal",
        "2027-03-03T08:00",
        "2027-03-03T09:00",
        2,
    )
    .await;

    // Not published yet: the public page says so and lists nothing.
    let html = app
        .get("/lich-cong-tac?tuan=2027-03-03")
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains("chưa phát hành"));
    assert!(
        !html.contains("ngân sách"),
        "an unpublished week lists nothing"
    );
    // The office previews the draft, clearly labelled.
    let mut staff = app.signed_in(&o.staff).await;
    let preview = staff
        .get("/lich-cong-tac?tuan=2027-03-01&xem-truoc=1")
        .await;
    assert!(preview.body.contains("Bản xem trước") && preview.body.contains("ngân sách"));
    app.publish(&o, "2027-03-01").await;

    let res = app
        .client
        .get("/lich-cong-tac?tuan=2027-03-03")
        .dispatch()
        .await;
    let status = res.status();
    if status != Status::Ok {
        panic!("{status}: {}", res.into_string().await.unwrap_or_default());
    }
    let csp = res
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'"));
    let html = res.into_string().await.unwrap();
    for expected in [
        "<html lang=\"vi\">",
        "Lịch công tác tuần",
        "Từ ngày 01/03/2027 đến ngày 07/03/2027",
        "Thứ Hai 1/3",
        "Chủ nhật 7/3",
        "Sáng",
        "Chiều",
        "8h00",
        "14h00",
        "Họp bàn &lt;kế hoạch&gt; &amp; ngân sách",
        "Chủ tịch Nguyễn Văn An",
        "Phòng họp số 1, tầng 2",
        "(Giấy mời riêng)",
        "Tuần trước",
        "Tuần sau",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    assert!(!html.contains("<kế hoạch>"), "titles are escaped");
    assert!(
        !html.contains("Họp nội bộ"),
        "internal meetings never reach the public page"
    );

    // An approval changes the public page only once published, as "Điều chỉnh lần 1".
    app.approved_on(
        &o,
        "Bổ sung: tiếp công dân",
        "public",
        "2027-03-04T08:00",
        "2027-03-04T10:00",
        3,
    )
    .await;
    let html = app
        .client
        .get("/lich-cong-tac?tuan=2027-03-01")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(!html.contains("tiếp công dân") && !html.contains("Điều chỉnh lần"));
    app.publish(&o, "2027-03-01").await;
    let html = app
        .get("/lich-cong-tac?tuan=2027-03-01")
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains("Điều chỉnh lần 1"));
    assert!(
        html.contains("(Mới)</strong> Bổ sung: tiếp công dân"),
        "the new row is marked"
    );
    assert!(html.contains("Cập nhật lần cuối:"));
    // The first issue stays readable.
    let first = app
        .get("/lich-cong-tac?tuan=2027-03-01&ban=0")
        .await
        .into_string()
        .await
        .unwrap();
    assert!(!first.contains("tiếp công dân") && first.contains("Phát hành lần đầu"));

    // English, and the embeddable form for the portal.
    let res = app
        .client
        .get("/lich-cong-tac?tuan=2027-03-01&embed=1")
        .header(Header::new("Accept-Language", "en-US,en"))
        .dispatch()
        .await;
    let csp = res
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap()
        .to_string();
    assert!(
        !csp.contains("frame-ancestors"),
        "the portal may frame the embed: {csp}"
    );
    assert!(res.headers().get_one("X-Frame-Options").is_none());
    let html = res.into_string().await.unwrap();
    assert!(
        html.contains("Weekly work schedule")
            && html.contains("Monday 1/3")
            && html.contains("Afternoon")
    );
    assert!(
        !html.contains("class=\"top\""),
        "no page chrome in the embed"
    );
    assert!(
        html.contains("tuan=2027-03-08&amp;embed=1"),
        "week links stay embedded"
    );

    let res = app
        .client
        .get("/lich-cong-tac?tuan=tuan-sau")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
    assert!(res.into_string().await.unwrap().contains("tuan"));
}

/// The week of 2027-03-01 with "Họp thường kỳ" approved and published.
async fn published_week(app: &TestApp, o: &Office) {
    app.approved_on(
        o,
        "Họp thường kỳ",
        "public",
        "2027-03-01T08:00",
        "2027-03-01T09:00",
        1,
    )
    .await;
    app.publish(o, "2027-03-01").await;
}

/// "Tiếp công dân" approved in that week after its publication (not published yet).
async fn decided_after(app: &TestApp, o: &Office) {
    app.approved_on(
        o,
        "Tiếp công dân",
        "public",
        "2027-03-02T08:00",
        "2027-03-02T09:00",
        1,
    )
    .await;
}

#[rocket::async_test]
async fn the_public_page_and_embed_answer_304_until_the_next_publication() {
    let app = spawn_app().await;
    let o = app.office().await;
    published_week(&app, &o).await;
    for path in [
        "/lich-cong-tac?tuan=2027-03-01",
        "/lich-cong-tac?tuan=2027-03-01&embed=1",
    ] {
        let res = app.client.get(path).dispatch().await;
        assert_eq!(res.status(), Status::Ok);
        let etag = res.headers().get_one("ETag").expect("an ETag").to_string();
        assert!(res.into_string().await.unwrap().contains("Họp thường kỳ"));
        let again = app
            .client
            .get(path)
            .header(Header::new("If-None-Match", etag.clone()))
            .dispatch()
            .await;
        assert_eq!(again.status(), Status::NotModified, "{path}");
        assert_eq!(again.headers().get_one("ETag"), Some(etag.as_str()));
        assert!(again.into_string().await.unwrap_or_default().is_empty());
        // English is another representation.
        let en = app
            .client
            .get(path)
            .header(Header::new("Accept-Language", "en"))
            .header(Header::new("If-None-Match", etag.clone()))
            .dispatch()
            .await;
        assert_eq!(en.status(), Status::Ok);
    }
    // A decision alone changes nothing public; the next publication does.
    let path = "/lich-cong-tac?tuan=2027-03-01";
    let etag = app
        .client
        .get(path)
        .dispatch()
        .await
        .headers()
        .get_one("ETag")
        .unwrap()
        .to_string();
    decided_after(&app, &o).await;
    let res = app
        .client
        .get(path)
        .header(Header::new("If-None-Match", etag.clone()))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::NotModified);
    app.publish(&o, "2027-03-01").await;
    let res = app
        .client
        .get(path)
        .header(Header::new("If-None-Match", etag.clone()))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_ne!(res.headers().get_one("ETag"), Some(etag.as_str()));
    assert!(res.into_string().await.unwrap().contains("Tiếp công dân"));
}

/// A citizen's page is served without cookies (no CSRF cookie, no session) under the security
/// headers, the same bytes each time; another instance on the same database sees a publication
/// made through this one; a visitor with a session still gets the page with their name.
#[rocket::async_test]
async fn a_citizen_gets_the_page_without_cookies_and_every_instance_sees_a_publication() {
    let app = spawn_app().await;
    let o = app.office().await;
    published_week(&app, &o).await;
    for (path, framed) in [
        ("/lich-cong-tac?tuan=2027-03-01", false),
        ("/lich-cong-tac?tuan=2027-03-01&embed=1", true),
    ] {
        let mut bodies = vec![];
        for _ in 0..2 {
            let res = app.client.get(path).dispatch().await;
            assert_eq!(res.status(), Status::Ok);
            let h = res.headers();
            assert_eq!(h.get_one("Set-Cookie"), None, "{path}: no cookie");
            assert_eq!(h.get_one("Cache-Control"), Some("public, no-cache"));
            assert_eq!(h.get_one("Vary"), Some("Accept-Language, Cookie"));
            assert_eq!(h.get_one("Content-Type"), Some("text/html; charset=utf-8"));
            assert!(h.get_one("Content-Security-Policy").is_some());
            assert_eq!(h.get_one("X-Content-Type-Options"), Some("nosniff"));
            assert_eq!(h.get_one("X-Frame-Options").is_none(), framed, "{path}");
            bodies.push(res.into_string().await.unwrap());
        }
        assert!(bodies[0].contains("Họp thường kỳ"), "{path}");
        assert!(!bodies[0].contains("name=\"csrf\""), "{path}: no form");
        assert_eq!(bodies[0], bodies[1], "{path}: the same bytes");
    }
    let english = app
        .client
        .get("/lich-cong-tac?tuan=2027-03-01")
        .header(Header::new("Accept-Language", "en"))
        .dispatch()
        .await;
    assert!(english.into_string().await.unwrap().contains("lang=\"en\""));

    // Another instance serves the page; a publication through this one reaches it.
    let other = serve(app.data_dir.path(), &app.database_url).await;
    let path = "/lich-cong-tac?tuan=2027-03-01";
    let (status, head) = crate::http_client::get_head(other.addr, path, &[]).await;
    assert_eq!(status, 200);
    assert!(crate::http_client::header_in(&head, "set-cookie").is_none());
    let etag = crate::http_client::header_in(&head, "etag")
        .unwrap()
        .to_string();
    let (status, _) =
        crate::http_client::get_head(other.addr, path, &[("If-None-Match", &etag)]).await;
    assert_eq!(status, 304);
    decided_after(&app, &o).await;
    app.publish(&o, "2027-03-01").await;
    let (status, head) =
        crate::http_client::get_head(other.addr, path, &[("If-None-Match", &etag)]).await;
    assert_eq!(status, 200, "the other instance sees the new revision");
    assert_ne!(
        crate::http_client::header_in(&head, "etag"),
        Some(etag.as_str())
    );

    // With a session: the signed-in page, not the citizen's copy.
    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get(path).await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body.contains(&o.staff.account.display_name),
        "{}",
        page.body
    );
    assert!(page.body.contains("Tiếp công dân"));
}
