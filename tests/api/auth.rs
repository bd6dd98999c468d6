//! Sign-in over the API: tokens, throttling, disabled accounts, revocation, bad input.

use crate::helpers::*;
use entity::Role;
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::json;

fn fast_throttle() -> Vec<(&'static str, serde_json::Value)> {
    vec![("throttle_delay_ms", json!(20))]
}

#[rocket::async_test]
async fn token_from_credentials_works_and_is_shown_once() {
    let app = spawn_app().await;
    let res = app.request_token("admin", ADMIN_PASSWORD, "10.0.0.1").await;
    let body = json_of(res, Status::Created).await;
    let token = body["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("lh_"));
    assert_eq!(body["name"], "t");

    let me = json_of(
        app.api(Method::Get, "/api/v1/account", Some(&token), None)
            .await,
        Status::Ok,
    )
    .await;
    assert_eq!(me["username"], "admin");
    assert!(me.get("password_hash").is_none());

    let list = json_of(
        app.api(Method::Get, "/api/v1/tokens", Some(&token), None)
            .await,
        Status::Ok,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0]["last_used_at"].is_string(), "{list}");
    assert!(
        !list.to_string().contains(&token),
        "a listed token never shows its secret"
    );
}

#[rocket::async_test]
async fn wrong_password_and_unknown_username_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = json_of(
        app.request_token("admin", "not-the-password", "10.0.0.1")
            .await,
        Status::Unauthorized,
    )
    .await;
    let unknown = json_of(
        app.request_token("nobody-here", "not-the-password", "10.0.0.2")
            .await,
        Status::Unauthorized,
    )
    .await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["error"], "unauthorized");
    assert_eq!(wrong["message"], "Tên đăng nhập hoặc mật khẩu không đúng.");
}

#[rocket::async_test]
async fn repeated_failures_are_slowed_then_locked_with_the_same_messages_for_unknown_usernames() {
    let app = spawn_app_with(&fast_throttle()).await;
    let mut seen = Vec::new();
    for username in ["admin", "khong-ton-tai"] {
        let mut answers = Vec::new();
        for _ in 0..11 {
            let res = app
                .request_token(
                    username,
                    "sai-mat-khau-roi",
                    &format!("10.1.0.{}", username.len()),
                )
                .await;
            let status = res.status();
            let body: serde_json::Value = res.into_json().await.unwrap();
            answers.push((status, body["message"].as_str().unwrap().to_string()));
        }
        // 5 plain failures, then slowed (429), the 10th failure locks, the 11th is refused.
        assert!(
            answers[..5].iter().all(|(s, _)| *s == Status::Unauthorized),
            "{answers:?}"
        );
        assert!(
            answers[5..]
                .iter()
                .all(|(s, _)| *s == Status::TooManyRequests),
            "{answers:?}"
        );
        assert!(answers[5].1.contains("chờ vài giây"), "{answers:?}");
        assert!(answers[9].1.contains("bị khóa"), "{answers:?}");
        assert!(answers[10].1.contains("Hãy thử lại sau"), "{answers:?}");
        seen.push(answers);
    }
    // The same messages whether the username exists or not (the lock time aside).
    let shape = |a: &Vec<(Status, String)>| {
        a.iter()
            .map(|(s, m)| (*s, m.split(" sau ").next().unwrap().to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&seen[0]), shape(&seen[1]));

    // Locked even with the right password, from another address too (the username is locked).
    let res = app.request_token("admin", ADMIN_PASSWORD, "10.9.9.9").await;
    assert_eq!(res.status(), Status::TooManyRequests);

    // The audit log shows failures and the lock; only admins read it.
    let admin = app.principal("quantri2", Role::Admin, None).await;
    let log = json_of(
        app.api(
            Method::Get,
            "/api/v1/auth-events?username=admin",
            Some(&admin.token),
            None,
        )
        .await,
        Status::Ok,
    )
    .await;
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"lock") && kinds.contains(&"failure") && kinds.contains(&"refused_locked"),
        "{kinds:?}"
    );
}

#[rocket::async_test]
async fn failures_from_one_address_across_usernames_lock_the_address() {
    let app = spawn_app_with(&fast_throttle()).await;
    for i in 0..10 {
        app.request_token(&format!("user{i}"), "sai-mat-khau-roi", "10.2.0.1")
            .await;
    }
    let res = app.request_token("admin", ADMIN_PASSWORD, "10.2.0.1").await;
    assert_eq!(res.status(), Status::TooManyRequests);
    // Another address still signs in.
    let res = app.request_token("admin", ADMIN_PASSWORD, "10.2.0.2").await;
    assert_eq!(res.status(), Status::Created);
}

#[rocket::async_test]
async fn a_lock_ends_after_its_time() {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = spawn_app_with(&[
        ("throttle_delay_ms", json!(0)),
        ("throttle_lock_minutes", json!(5)),
        ("throttle_slow_after", json!(2)),
        ("throttle_lock_after", json!(3)),
    ])
    .await;
    for _ in 0..3 {
        app.request_token("admin", "sai-mat-khau-roi", "10.3.0.1")
            .await;
    }
    let res = app.request_token("admin", ADMIN_PASSWORD, "10.3.0.1").await;
    assert_eq!(
        res.status(),
        Status::TooManyRequests,
        "locked: even the right password waits"
    );

    // Six minutes pass: every sign-in event moves back in time, as the clock would move on.
    let db = &app.db().conn;
    for event in entity::auth_event::Entity::find().all(db).await.unwrap() {
        let at = event.at - chrono::Duration::minutes(6);
        let mut moved: entity::auth_event::ActiveModel = event.into();
        moved.at = Set(at);
        moved.update(db).await.unwrap();
    }
    let res = app.request_token("admin", ADMIN_PASSWORD, "10.3.0.1").await;
    assert_eq!(res.status(), Status::Created, "the lock is over");
}

#[rocket::async_test]
async fn disabling_an_account_stops_its_tokens_at_once_and_refuses_sign_in() {
    let app = spawn_app().await;
    let admin = app.principal("quantri2", Role::Admin, None).await;
    let staff = app.principal("chuyenvien1", Role::OfficeStaff, None).await;
    let path = format!("/api/v1/accounts/{}", staff.account.id);
    json_of(
        app.api(Method::Get, "/api/v1/account", Some(&staff.token), None)
            .await,
        Status::Ok,
    )
    .await;
    let patched = json_of(
        app.api(
            Method::Patch,
            &path,
            Some(&admin.token),
            Some(&json!({"disabled": true})),
        )
        .await,
        Status::Ok,
    )
    .await;
    assert_eq!(patched["disabled"], true);
    let res = app
        .api(Method::Get, "/api/v1/account", Some(&staff.token), None)
        .await;
    assert_eq!(res.status(), Status::Unauthorized);
    let res = app
        .request_token("chuyenvien1", PRINCIPAL_PASSWORD, "10.4.0.1")
        .await;
    let body = json_of(res, Status::Forbidden).await;
    assert!(body["message"].as_str().unwrap().contains("vô hiệu hóa"));
    // Enabled again, the same token works again (it was never revoked).
    app.api(
        Method::Patch,
        &path,
        Some(&admin.token),
        Some(&json!({"disabled": false})),
    )
    .await;
    let res = app
        .api(Method::Get, "/api/v1/account", Some(&staff.token), None)
        .await;
    assert_eq!(res.status(), Status::Ok);
}

#[rocket::async_test]
async fn a_revoked_token_fails_at_once_and_others_cannot_revoke_it() {
    let app = spawn_app().await;
    let staff = app.principal("chuyenvien1", Role::OfficeStaff, None).await;
    let other = app.principal("chuyenvien2", Role::OfficeStaff, None).await;
    let list = json_of(
        app.api(Method::Get, "/api/v1/tokens", Some(&staff.token), None)
            .await,
        Status::Ok,
    )
    .await;
    let id = list[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/tokens/{id}");
    let res = app
        .api(Method::Delete, &path, Some(&other.token), None)
        .await;
    assert_eq!(res.status(), Status::NotFound);
    let res = app
        .api(Method::Delete, &path, Some(&staff.token), None)
        .await;
    assert_eq!(res.status(), Status::NoContent);
    let body = json_of(
        app.api(Method::Get, "/api/v1/account", Some(&staff.token), None)
            .await,
        Status::Unauthorized,
    )
    .await;
    assert_eq!(
        body["message"],
        "Mã truy cập không hợp lệ hoặc đã bị thu hồi."
    );
}

#[rocket::async_test]
async fn missing_or_malformed_tokens_are_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let body = json_of(
        app.api(Method::Get, "/api/v1/agencies", None, None).await,
        Status::Unauthorized,
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("Bearer"),
        "{body}"
    );
    for header in [
        "Basic YWRtaW46YWRtaW4=",
        "Bearer",
        "Bearer    ",
        "Bearer lh_forged",
        "garbage",
    ] {
        let res = app
            .client
            .get("/api/v1/agencies")
            .header(Header::new("Authorization", header))
            .header(Header::new("Accept-Language", "en"))
            .dispatch()
            .await;
        let body = json_of(res, Status::Unauthorized).await;
        assert_eq!(body["error"], "unauthorized", "{header}");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
}

#[rocket::async_test]
async fn bad_bodies_answer_400_413_415_422_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.principal("quantri2", Role::Admin, None).await;
    let auth = Header::new("Authorization", format!("Bearer {}", admin.token));
    let post = |body: String, ct: ContentType| {
        app.client
            .post("/api/v1/rooms")
            .header(auth.clone())
            .header(ct)
            .body(body)
            .dispatch()
    };
    let body = json_of(
        post(
            r#"{"name":"P1","building":"A","capacity":"lớn"}"#.into(),
            ContentType::JSON,
        )
        .await,
        Status::UnprocessableEntity,
    )
    .await;
    assert_eq!(body["field"], "capacity");
    let body = json_of(
        post(
            r#"{"name":"P1","building":"A","capacity":5,"colour":"red"}"#.into(),
            ContentType::JSON,
        )
        .await,
        Status::UnprocessableEntity,
    )
    .await;
    assert_eq!(body["field"], "colour");
    let body = json_of(
        post(r#"{"name":"P1","#.into(), ContentType::JSON).await,
        Status::BadRequest,
    )
    .await;
    assert_eq!(body["error"], "bad_request");
    let body = json_of(
        post("name=P1".into(), ContentType::Form).await,
        Status::UnsupportedMediaType,
    )
    .await;
    assert_eq!(body["error"], "unsupported_media_type");
    let huge = format!(
        r#"{{"name":"{}","building":"A","capacity":5}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let body = json_of(post(huge, ContentType::JSON).await, Status::PayloadTooLarge).await;
    assert_eq!(body["error"], "payload_too_large");
    // Unauthenticated oversized bodies are refused before they are read.
    let res = app
        .client
        .post("/api/v1/tokens")
        .header(ContentType::JSON)
        .body("x".repeat(2 * 1024 * 1024))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::PayloadTooLarge);
}

#[rocket::async_test]
async fn changing_the_password_over_the_api() {
    let app = spawn_app().await;
    let clerk_agency = app.agency("Sở Tài chính").await;
    let clerk = app
        .principal("vanthu.stc", Role::AgencyClerk, Some(clerk_agency.id))
        .await;
    let (path, t) = ("/api/v1/account/password", Some(clerk.token.as_str()));
    let change = |cur: &str, new: &str| json!({"current_password": cur, "new_password": new});
    for (body, field) in [
        (change("sai", "mot-mat-khau-moi"), "current_password"),
        (change(PRINCIPAL_PASSWORD, "ngan"), "new_password"),
        (change(PRINCIPAL_PASSWORD, "vanthu.stc"), "new_password"),
    ] {
        assert_eq!(
            app.refused_field(Method::Post, path, t, &body).await,
            field,
            "{body}"
        );
    }
    let res = app
        .api(
            Method::Post,
            path,
            t,
            Some(&change(PRINCIPAL_PASSWORD, "mot-mat-khau-moi")),
        )
        .await;
    assert_eq!(res.status(), Status::NoContent);
    let old = app
        .request_token("vanthu.stc", PRINCIPAL_PASSWORD, "10.5.0.1")
        .await;
    assert_eq!(old.status(), Status::Unauthorized);
    let new = app
        .request_token("vanthu.stc", "mot-mat-khau-moi", "10.5.0.1")
        .await;
    assert_eq!(new.status(), Status::Created);
}

#[rocket::async_test]
async fn admin_manages_accounts_with_validation() {
    let app = spawn_app().await;
    let admin = app.principal("quantri2", Role::Admin, None).await;
    let agency = app.agency("Sở Y tế").await;
    let t = Some(admin.token.as_str());
    let new = |username: &str, role: &str, agency: Option<i32>| {
        json!({"username": username, "display_name": "Văn thư", "password": "mat-khau-du-dai",
               "role": role, "agency_id": agency})
    };
    let list = "/api/v1/accounts";
    for (body, field) in [
        (new("vanthu.syt", "agency_clerk", None), "agency_id"),
        (new("Có Dấu", "agency_clerk", Some(agency.id)), "username"),
        (new("vanthu.syt", "thu_ky", Some(agency.id)), "role"),
        (new("vanthu.syt", "agency_clerk", Some(9999)), "agency_id"),
    ] {
        assert_eq!(
            app.refused_field(Method::Post, list, t, &body).await,
            field,
            "{body}"
        );
    }
    let res = app
        .api(
            Method::Post,
            list,
            t,
            Some(&new("VanThu.SYT", "agency_clerk", Some(agency.id))),
        )
        .await;
    let created = json_of(res, Status::Created).await;
    assert_eq!(created["username"], "vanthu.syt");
    assert!(created.get("password_hash").is_none());
    let again = new("vanthu.syt", "office_staff", None);
    assert_eq!(
        app.refused_field(Method::Post, list, t, &again).await,
        "username"
    );

    let path = format!("/api/v1/accounts/{}", created["id"]);
    let field = app
        .refused_field(Method::Patch, &path, t, &json!({"agency_id": null}))
        .await;
    assert_eq!(field, "agency_id");
    let res = app
        .api(
            Method::Patch,
            &path,
            t,
            Some(&json!({"role": "office_staff", "agency_id": null})),
        )
        .await;
    assert_eq!(json_of(res, Status::Ok).await["role"], "office_staff");

    // An admin cannot lock themselves out.
    let own = format!("/api/v1/accounts/{}", admin.account.id);
    assert_eq!(
        app.refused_field(Method::Patch, &own, t, &json!({"disabled": true}))
            .await,
        "disabled"
    );
    assert_eq!(
        app.refused_field(Method::Patch, &own, t, &json!({"role": "office_staff"}))
            .await,
        "role"
    );

    // Reset: the new password signs in, the old one no longer does.
    let reset = json!({"new_password": "mat-khau-dat-lai"});
    let res = app
        .api(Method::Post, &format!("{path}/password"), t, Some(&reset))
        .await;
    assert_eq!(res.status(), Status::NoContent);
    let old = app
        .request_token("vanthu.syt", "mat-khau-du-dai", "10.6.0.1")
        .await;
    assert_eq!(old.status(), Status::Unauthorized);
    let new = app
        .request_token("vanthu.syt", "mat-khau-dat-lai", "10.6.0.1")
        .await;
    assert_eq!(new.status(), Status::Created);
}

#[rocket::async_test]
async fn reference_data_is_read_by_everyone_signed_in_and_written_by_admins() {
    let app = spawn_app().await;
    let admin = app.principal("quantri2", Role::Admin, None).await;
    let agency = app.agency("Sở Nội vụ").await;
    let clerk = app
        .principal("vanthu.snv", Role::AgencyClerk, Some(agency.id))
        .await;
    let a = Some(admin.token.as_str());
    let mut room = json!({"name": "Phòng họp số 5", "building": "Trụ sở UBND tỉnh", "floor": "tầng 2",
                          "capacity": 40, "equipment": ["nope"]});
    assert_eq!(
        app.refused_field(Method::Post, "/api/v1/rooms", a, &room)
            .await,
        "equipment"
    );
    room["equipment"] = json!([]);
    let created = json_of(
        app.api(Method::Post, "/api/v1/rooms", a, Some(&room)).await,
        Status::Created,
    )
    .await;
    assert_eq!(
        app.refused_field(Method::Post, "/api/v1/rooms", a, &room)
            .await,
        "name"
    );
    let path = format!("/api/v1/rooms/{}", created["id"]);
    assert_eq!(
        app.refused_field(Method::Patch, &path, a, &json!({"capacity": 0}))
            .await,
        "capacity"
    );
    let res = app
        .api(
            Method::Patch,
            &path,
            a,
            Some(&json!({"capacity": 60, "floor": null})),
        )
        .await;
    let body = json_of(res, Status::Ok).await;
    assert_eq!(
        (body["capacity"].as_i64(), body["floor"].is_null()),
        (Some(60), true)
    );

    let person = json!({"full_name": "Nguyễn Văn An", "position": "Chủ tịch UBND tỉnh",
                        "agency_id": agency.id, "is_leader": true});
    json_of(
        app.api(Method::Post, "/api/v1/persons", a, Some(&person))
            .await,
        Status::Created,
    )
    .await;
    let bad_agency = json!({"full_name": "A", "position": "B", "agency_id": 9999});
    assert_eq!(
        app.refused_field(Method::Post, "/api/v1/persons", a, &bad_agency)
            .await,
        "agency_id"
    );
    let bad_email =
        json!({"name": "Sở Xây dựng", "short_name": "SXD", "kind": "so_ban_nganh", "email": "x@"});
    assert_eq!(
        app.refused_field(Method::Post, "/api/v1/agencies", a, &bad_email)
            .await,
        "email"
    );

    let c = Some(clerk.token.as_str());
    for path in [
        "/api/v1/agencies",
        "/api/v1/persons?leaders=true",
        "/api/v1/rooms",
    ] {
        let list = json_of(app.api(Method::Get, path, c, None).await, Status::Ok).await;
        assert_eq!(list.as_array().unwrap().len(), 1, "{path}");
    }
    let res = app.api(Method::Post, "/api/v1/rooms", c, Some(&room)).await;
    let body = json_of(res, Status::Forbidden).await;
    assert_eq!(body["error"], "forbidden");
}

#[rocket::async_test]
async fn refusals_answer_json_under_api_and_a_page_elsewhere() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/khong-co").await;
    assert_eq!(res.status(), Status::NotFound);
    assert_eq!(res.content_type(), Some(ContentType::JSON));
    let res = app
        .client
        .get("/khong-co")
        .header(Header::new("Accept-Language", "en-US,en"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::NotFound);
    assert_eq!(res.content_type(), Some(ContentType::HTML));
    let page = res.into_string().await.unwrap();
    assert!(page.contains("was not found"), "{page}");
}

#[rocket::async_test]
async fn security_headers_everywhere_and_framing_only_for_the_embedded_schedule() {
    let app = spawn_app().await;
    for path in [
        "/healthz",
        "/api/v1/agencies",
        "/khong-co",
        "/lich-cong-tac",
    ] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h.get_one("Content-Security-Policy").unwrap_or_default();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(h.get_one("X-Frame-Options"), Some("DENY"), "{path}");
        assert_eq!(
            h.get_one("X-Content-Type-Options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(h.get_one("Referrer-Policy"), Some("same-origin"), "{path}");
    }
    let res = app.get("/lich-cong-tac?embed=1").await;
    assert_eq!(res.headers().get_one("X-Frame-Options"), None);
    let csp = res
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap_or_default()
        .to_string();
    assert!(
        !csp.contains("frame-ancestors") && csp.contains("default-src 'self'"),
        "{csp}"
    );
}

#[rocket::async_test]
async fn rocket_s_own_refusals_answer_through_the_catchers_never_500() {
    let app = spawn_app().await;
    let admin = app.principal("quantri2", Role::Admin, None).await;
    let t = Some(admin.token.as_str());
    // A path parameter of the wrong type: 422 (Rocket's), as JSON under /api.
    let res = app.api(Method::Get, "/api/v1/rooms/abc", t, None).await;
    assert_eq!(res.status(), Status::UnprocessableEntity);
    assert_eq!(res.content_type(), Some(ContentType::JSON));
    let body: serde_json::Value = res.into_json().await.unwrap();
    assert_eq!(body["error"], "validation");
    // The same on a page answers a small page, in the asked language.
    let res = app
        .client
        .get("/quan-tri/phong-hop/abc")
        .header(Header::new("Accept-Language", "en"))
        .dispatch()
        .await;
    assert!(res.status().code < 500, "{}", res.status());
    assert_eq!(res.content_type(), Some(ContentType::HTML));
    // An id that does not exist: 404 with the domain's message.
    let body = json_of(
        app.api(Method::Get, "/api/v1/rooms/999999", t, None).await,
        Status::NotFound,
    )
    .await;
    assert_eq!(body["message"], "Không tìm thấy phòng họp.");
}
