//! The feeds page (/lich-cua-toi): a user creates a calendar feed, subscribes with the link it
//! shows once (webcal://, https, QR code), revokes it; nobody else sees or revokes it.

use crate::helpers::*;
use rocket::http::{Method, Status};

/// The first `http://…/feeds/<64 hex>.ics` link on a page.
fn feed_url(page: &str) -> Option<String> {
    let at = page.find("http://127.0.0.1:8000/feeds/")?;
    let rest = &page[at..];
    let end = rest.find(".ics")? + 4;
    let url = &rest[..end];
    let secret = url
        .trim_start_matches("http://127.0.0.1:8000/feeds/")
        .trim_end_matches(".ics");
    (secret.len() == 64).then(|| url.to_string())
}

/// The ids in the page's revoke buttons.
fn revoke_ids(page: &str) -> Vec<i32> {
    page.split("action=\"/lich-cua-toi/")
        .skip(1)
        .filter_map(|s| {
            let (id, rest) = s.split_once('/')?;
            rest.starts_with("thu-hoi").then(|| id.parse().ok())?
        })
        .collect()
}

async fn feed_status(app: &TestApp, url: &str) -> (Status, Option<String>, String) {
    let path = url.trim_start_matches("http://127.0.0.1:8000");
    let res = app.get(path).await;
    let status = res.status();
    let ct = res.content_type().map(|c| c.to_string());
    (status, ct, res.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn a_clerk_creates_a_feed_subscribes_with_the_link_shown_once_and_revokes_it() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = Browser::new(&app);
    clerk.sign_in("t.clerk.a", PRINCIPAL_PASSWORD).await;

    let page = clerk.get("/lich-cua-toi").await;
    assert_eq!(page.status, Status::Ok);
    // The public feed, no token, with its webcal link and QR code; how-to in Vietnamese.
    assert!(
        page.body
            .contains("value=\"http://127.0.0.1:8000/feeds/public.ics\""),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("value=\"webcal://127.0.0.1:8000/feeds/public.ics\""));
    assert!(page.body.contains("<svg class=\"qr-code\""));
    assert!(page.body.contains("Google Calendar") && page.body.contains("Thunderbird"));
    assert!(page.body.contains("Anh/chị chưa tạo lịch nào."));
    // A clerk is offered its agency's and its people's feeds, not rooms or the whole office.
    assert!(page.body.contains("value=\"agency\"") && page.body.contains("value=\"person\""));
    assert!(!page.body.contains("value=\"office\"") && !page.body.contains("name=\"room_id\""));

    let agency = o.agency_a.to_string();
    let created = clerk
        .post(
            "/lich-cua-toi",
            &[
                ("scope", "agency"),
                ("person_id", ""),
                ("agency_id", &agency),
                ("label", "Điện thoại của văn thư"),
            ],
        )
        .await;
    assert_eq!(created.status, Status::SeeOther, "{}", created.body);
    let shown = clerk.get("/lich-cua-toi").await;
    assert!(shown.body.contains("Đã tạo lịch."), "{}", shown.body);
    assert!(shown.body.contains("Đường dẫn này chỉ hiện một lần."));
    let url = feed_url(&shown.body).expect("the new feed's https link is shown");
    let webcal = url.replace("http://", "webcal://");
    assert!(shown.body.contains(&format!("value=\"{webcal}\"")));
    assert!(shown.body.contains(&format!("href=\"{webcal}\"")));
    // Two QR codes now: the new feed's and the public one.
    assert_eq!(shown.body.matches("<svg class=\"qr-code\"").count(), 2);
    assert!(shown.body.contains("Điện thoại của văn thư"));

    let (status, ct, body) = feed_status(&app, &url).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(ct.as_deref(), Some("text/calendar; charset=utf-8"));
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n"), "{body}");

    // Shown once: reading the page again shows the token in the list, not its link.
    let again = clerk.get("/lich-cua-toi").await;
    assert!(
        feed_url(&again.body).is_none(),
        "the secret link is not shown twice"
    );
    assert!(again.body.contains("Điện thoại của văn thư") && again.body.contains("Đang dùng"));
    let ids = revoke_ids(&again.body);
    assert_eq!(ids.len(), 1, "{}", again.body);
    let id = ids[0];

    // Nobody else sees or revokes it: another agency's clerk, nor the office's staff.
    for who in ["t.clerk.b", "t.staff"] {
        let mut other = Browser::new(&app);
        other.sign_in(who, PRINCIPAL_PASSWORD).await;
        let theirs = other.get("/lich-cua-toi").await;
        assert!(
            !theirs.body.contains("Điện thoại của văn thư"),
            "{who} sees it"
        );
        let tried = other
            .post(&format!("/lich-cua-toi/{id}/thu-hoi"), &[])
            .await;
        assert_eq!(tried.status, Status::NotFound, "{who} revokes");
        assert_eq!(feed_status(&app, &url).await.0, Status::Ok);
    }
    // Lost the link? A new one for the same feed; the old one stops at once. Nobody else may.
    let mut other = Browser::new(&app);
    other.sign_in("t.clerk.b", PRINCIPAL_PASSWORD).await;
    let tried = other
        .post(&format!("/lich-cua-toi/{id}/cap-lai"), &[])
        .await;
    assert_eq!(tried.status, Status::NotFound);
    let renewed = clerk
        .post(&format!("/lich-cua-toi/{id}/cap-lai"), &[])
        .await;
    assert_eq!(renewed.status, Status::SeeOther, "{}", renewed.body);
    let shown = clerk.get("/lich-cua-toi").await;
    let new_url = feed_url(&shown.body).expect("the new link is shown");
    assert_ne!(new_url, url);
    assert_eq!(feed_status(&app, &url).await.0, Status::NotFound);
    assert_eq!(feed_status(&app, &new_url).await.0, Status::Ok);
    let ids = revoke_ids(&shown.body);
    assert_eq!(ids.len(), 1, "only the new one is active");
    let (id, url) = (ids[0], new_url);
    assert!(
        shown.body.contains("Điện thoại của văn thư"),
        "the label is kept"
    );

    // Without the form's token the owner's revoke is refused too.
    let forged = clerk
        .post_raw(&format!("/lich-cua-toi/{id}/thu-hoi"), "csrf=sai".into())
        .await;
    assert_eq!(forged.status, Status::Forbidden);
    assert_eq!(feed_status(&app, &url).await.0, Status::Ok);

    let revoked = clerk
        .post(&format!("/lich-cua-toi/{id}/thu-hoi"), &[])
        .await;
    assert_eq!(revoked.status, Status::SeeOther);
    assert_eq!(
        feed_status(&app, &url).await.0,
        Status::NotFound,
        "404 at once"
    );
    let after = clerk.get(revoked.location.as_deref().unwrap()).await;
    assert!(after.body.contains("Đã thu hồi lịch."), "{}", after.body);
    assert!(after.body.contains("Đã thu hồi lúc"));
    assert!(revoke_ids(&after.body).is_empty());
}

#[rocket::async_test]
async fn the_office_creates_person_and_room_feeds_and_refusals_keep_the_form() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut staff = Browser::new(&app);
    staff.sign_in("t.staff", PRINCIPAL_PASSWORD).await;
    let page = staff.get("/lich-cua-toi").await;
    assert!(page.body.contains("value=\"office\"") && page.body.contains("name=\"room_id\""));

    // A person's feed without the person: refused beside the field, what was typed kept.
    let refused = staff
        .post(
            "/lich-cua-toi",
            &[
                ("scope", "person"),
                ("person_id", ""),
                ("include_tentative", "true"),
                ("label", "Lịch lãnh đạo"),
            ],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused.body.contains("id=\"f-person_id-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Cần chọn đối tượng của lịch."));
    assert!(refused.body.contains("value=\"Lịch lãnh đạo\""));

    let leader = o.leaders[0].to_string();
    let created = staff
        .post(
            "/lich-cua-toi",
            &[
                ("scope", "person"),
                ("person_id", &leader),
                ("include_tentative", "true"),
                ("label", "Lịch lãnh đạo"),
            ],
        )
        .await;
    assert_eq!(created.status, Status::SeeOther, "{}", created.body);
    let shown = staff.get("/lich-cua-toi").await;
    let url = feed_url(&shown.body).expect("link shown");
    assert_eq!(feed_status(&app, &url).await.0, Status::Ok);
    // The API agrees: a person's feed with the tentative choice.
    let (s, _, list) = app
        .call(
            Method::Get,
            "/api/v1/feed-tokens",
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    let mine: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["created_by"] == o.staff.account.id)
        .collect();
    assert_eq!(mine.len(), 1, "{list}");
    assert_eq!(mine[0]["scope"], "person");
    assert_eq!(mine[0]["include_tentative"], true);

    let room = o.rooms[0].to_string();
    let room_feed = staff
        .post(
            "/lich-cua-toi",
            &[("scope", "room"), ("room_id", &room), ("label", "")],
        )
        .await;
    assert_eq!(room_feed.status, Status::SeeOther);
    let office_feed = staff
        .post("/lich-cua-toi", &[("scope", "office"), ("label", "")])
        .await;
    assert_eq!(office_feed.status, Status::SeeOther);
    let shown = staff.get("/lich-cua-toi").await;
    assert_eq!(revoke_ids(&shown.body).len(), 3);

    // A clerk who forges a form for the whole office's feed is refused on the page.
    let mut clerk = Browser::new(&app);
    clerk.sign_in("t.clerk.a", PRINCIPAL_PASSWORD).await;
    clerk.get("/lich-cua-toi").await;
    let forged = clerk
        .post(
            "/lich-cua-toi",
            &[("scope", "office"), ("label", "Toàn bộ")],
        )
        .await;
    assert_eq!(forged.status, Status::Forbidden);
    assert!(
        forged.body.contains("Bạn chỉ có thể tạo lịch"),
        "{}",
        forged.body
    );
    assert!(forged.body.contains("value=\"Toàn bộ\""));

    // In English, the page and its instructions switch language.
    clerk.get("/ngon-ngu/en?next=/lich-cua-toi").await;
    let english = clerk.get("/lich-cua-toi").await;
    assert!(
        english.body.contains("How to subscribe"),
        "{}",
        english.body
    );
    assert!(english.body.contains("You have not created any calendar."));
}

#[rocket::async_test]
async fn the_feeds_page_needs_a_signed_in_user() {
    let app = spawn_app().await;
    let mut anonymous = Browser::new(&app);
    assert_eq!(
        anonymous.get("/lich-cua-toi").await.status,
        Status::Unauthorized
    );
    let js = app.get("/static/feeds.js").await;
    assert_eq!(js.status(), Status::Ok);
    assert!(js.into_string().await.unwrap().contains("data-copy"));
}

#[rocket::async_test]
async fn links_use_the_configured_public_url_or_else_the_address_the_browser_came_to() {
    let configured = spawn_app_with(&[(
        "public_url",
        serde_json::json!("https://lich.example.gov.vn/"),
    )])
    .await;
    configured.office().await;
    let mut b = Browser::new(&configured);
    b.sign_in("t.clerk.a", PRINCIPAL_PASSWORD).await;
    let page = b.get("/lich-cua-toi").await;
    assert!(
        page.body
            .contains("value=\"webcal://lich.example.gov.vn/feeds/public.ics\""),
        "{}",
        page.body
    );

    // Not configured: the Host the request came to.
    let app = spawn_app().await;
    app.office().await;
    let mut b = Browser::new(&app);
    b.sign_in("t.clerk.a", PRINCIPAL_PASSWORD).await;
    // As a server reads it from the request (the Host header or the HTTP/2 authority).
    let mut req = app.client.get("/lich-cua-toi");
    req.inner_mut()
        .set_host(rocket::http::uri::Host::parse("lichhop.ubnd.local:8080").expect("a valid host"));
    let body = b
        .with_cookies(req)
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        body.contains("value=\"http://lichhop.ubnd.local:8080/feeds/public.ics\""),
        "{body}"
    );
}
