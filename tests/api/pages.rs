//! The web pages as a person uses them: sign-in, sessions, CSRF, password, administration.

use crate::helpers::*;
use entity::Role;
use rocket::http::{ContentType, Cookie, Header, Method, Status};
use serde_json::json;

#[rocket::async_test]
async fn the_sign_in_page_is_labelled_escaped_and_in_vietnamese_by_default() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let page = b.get("/dang-nhap").await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body.contains("<title>Đăng nhập — Lịch họp</title>"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(r#"<label for="f-username">Tên đăng nhập"#));
    assert!(page.body.contains(r#"<label for="f-password">Mật khẩu"#));
    assert!(page.body.contains(r#"href="/static/lichhop."#));
    assert!(
        !page.body.contains("<script") && !page.body.contains("style="),
        "no inline script or style"
    );
    assert!(b.csrf.as_deref().is_some_and(|t| t.len() == 64));
    let css = app.get("/static/lichhop.css").await;
    assert_eq!(css.content_type(), Some(ContentType::CSS));
}

#[rocket::async_test]
async fn signing_in_keeps_the_username_on_failure_and_signing_out_ends_the_session() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let refused = b.sign_in("admin", "mat-khau-sai-roi").await;
    assert_eq!(refused.status, Status::Unauthorized);
    assert!(
        refused
            .body
            .contains("Tên đăng nhập hoặc mật khẩu không đúng."),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(r#"name="username" value="admin""#));
    assert!(
        !refused.body.contains("mat-khau-sai-roi"),
        "a password is never shown back"
    );

    let ok = b
        .post(
            "/dang-nhap",
            &[("username", "admin"), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(
        (ok.status, ok.location.as_deref()),
        (Status::SeeOther, Some("/viec-can-lam"))
    );
    let session = b
        .cookies
        .get("lichhop_session")
        .cloned()
        .expect("session cookie");
    let home = b.get("/tai-khoan").await;
    assert_eq!(home.status, Status::Ok);
    assert!(home.body.contains("Quản trị hệ thống") && home.body.contains("Đăng xuất"));

    let out = b.post("/dang-xuat", &[]).await;
    assert_eq!(
        (out.status, out.location.as_deref()),
        (Status::SeeOther, Some("/dang-nhap?da_dang_xuat=1"))
    );
    let said = b.get("/dang-nhap?da_dang_xuat=1").await;
    assert!(
        said.body
            .contains("<p class=\"notice\" role=\"status\">Bạn đã đăng xuất.</p>"),
        "a message after signing out"
    );
    assert!(!b.cookies.contains_key("lichhop_session"));
    let after = b.get("/tai-khoan").await;
    assert_eq!(after.status, Status::Unauthorized);
    assert!(after.body.contains("Cần đăng nhập") && after.body.contains(r#"href="/dang-nhap""#));

    // The session cookie is worthless for the API (Bearer tokens only there).
    let res = app
        .client
        .get("/api/v1/account")
        .cookie(Cookie::new("lichhop_session", session))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    b.get("/dang-nhap").await;
    let fields = form_body(&[("username", "admin"), ("password", ADMIN_PASSWORD)]);
    let missing = b.post_raw("/dang-nhap", fields.clone()).await;
    assert_eq!(missing.status, Status::Forbidden);
    assert!(
        missing.body.contains("mã chống giả mạo"),
        "{}",
        missing.body
    );
    let wrong = b
        .post_raw("/dang-nhap", format!("csrf={}&{fields}", "0".repeat(64)))
        .await;
    assert_eq!(wrong.status, Status::Forbidden);

    // Another browser's token does not fit this browser's cookie.
    let mut other = Browser::new(&app);
    other.get("/dang-nhap").await;
    b.csrf = other.csrf.clone();
    let crossed = b
        .post(
            "/dang-nhap",
            &[("username", "admin"), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(crossed.status, Status::Forbidden);
    assert!(!b.cookies.contains_key("lichhop_session"));
}

#[rocket::async_test]
async fn a_session_ends_after_the_idle_time() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    // The clock is the cookie's own: a session last seen N minutes ago is made with the app's
    // key, as the app would have made it then. No waiting.
    let app = spawn_app_with(&[("session_idle_minutes", json!(30))]).await;
    let mut b = Browser::new(&app);
    assert_eq!(
        b.sign_in("admin", ADMIN_PASSWORD).await.status,
        Status::SeeOther
    );
    assert_eq!(b.get("/tai-khoan").await.status, Status::Ok);
    let admin = entity::account::Entity::find()
        .filter(entity::account::Column::Username.eq("admin"))
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();
    let seen_ago = |minutes: i64| {
        let seen = chrono::Utc::now().timestamp() - minutes * 60;
        Cookie::new(
            lichhop::auth::session::COOKIE,
            json!({"account_id": admin.id, "epoch": admin.session_epoch, "seen": seen}).to_string(),
        )
    };
    // Idle 29 minutes: still signed in (and the timer starts again).
    let res = app
        .client
        .get("/tai-khoan")
        .private_cookie(seen_ago(29))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    // Idle 31 minutes: the session has ended; the cookie is taken back.
    let res = app
        .client
        .get("/tai-khoan")
        .private_cookie(seen_ago(31))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn changing_the_password_ends_the_other_sessions_only() {
    let app = spawn_app().await;
    let agency = app.agency("Sở Tài chính").await;
    app.principal("vanthu.stc", Role::AgencyClerk, Some(agency.id))
        .await;
    let mut laptop = Browser::new(&app);
    let mut phone = Browser::new(&app);
    laptop.sign_in("vanthu.stc", PRINCIPAL_PASSWORD).await;
    phone.sign_in("vanthu.stc", PRINCIPAL_PASSWORD).await;
    laptop.get("/tai-khoan/mat-khau").await;

    let mismatch = laptop
        .post(
            "/tai-khoan/mat-khau",
            &[
                ("current_password", PRINCIPAL_PASSWORD),
                ("new_password", "mat-khau-moi-dai"),
                ("new_password_confirm", "khac"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, Status::UnprocessableEntity);
    assert!(
        mismatch
            .body
            .contains(r#"id="f-new_password_confirm-error">Hai lần nhập mật khẩu mới không khớp."#),
        "{}",
        mismatch.body
    );

    let changed = laptop
        .post(
            "/tai-khoan/mat-khau",
            &[
                ("current_password", PRINCIPAL_PASSWORD),
                ("new_password", "mat-khau-moi-dai"),
                ("new_password_confirm", "mat-khau-moi-dai"),
            ],
        )
        .await;
    assert_eq!(changed.status, Status::Ok);
    assert!(changed.body.contains("Đã đổi mật khẩu"));
    assert_eq!(
        laptop.get("/tai-khoan").await.status,
        Status::Ok,
        "this browser stays signed in"
    );
    assert_eq!(
        phone.get("/tai-khoan").await.status,
        Status::Unauthorized,
        "the other session ended"
    );
}

#[rocket::async_test]
async fn forged_or_foreign_cookies_are_refused() {
    let app = spawn_app().await;
    for value in [
        "garbage",
        "eyJhY2NvdW50X2lkIjoxLCJlcG9jaCI6MCwic2VlbiI6OTk5OTk5OTk5OX0=",
    ] {
        let res = app
            .client
            .get("/tai-khoan")
            .cookie(Cookie::new("lichhop_session", value))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::Unauthorized, "{value}");
    }
    // A plain (unencrypted) cookie with a valid-looking session is not a session.
    let plain = r#"{"account_id":1,"epoch":0,"seen":9999999999}"#;
    let res = app
        .client
        .get("/tai-khoan")
        .cookie(Cookie::new("lichhop_session", plain))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn pages_speak_the_chosen_language_and_redirect_only_locally() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let switched = b.get("/ngon-ngu/en?next=%2Fdang-nhap").await;
    assert_eq!(
        (switched.status, switched.location.as_deref()),
        (Status::SeeOther, Some("/dang-nhap"))
    );
    assert_eq!(b.cookies.get("lang").map(String::as_str), Some("en"));
    let page = b.get("/dang-nhap").await;
    assert!(
        page.body.contains("<title>Sign in — Lịch họp</title>")
            && page.body.contains(r#"<html lang="en">"#)
    );
    let refused = b
        .post("/dang-nhap", &[("username", "x"), ("password", "y")])
        .await;
    assert!(refused.body.contains("Wrong username or password."));
    for evil in [
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let res = b.get(&format!("/ngon-ngu/vi?next={evil}")).await;
        assert_eq!(res.location.as_deref(), Some("/dang-nhap"), "{evil}");
    }
}

#[rocket::async_test]
async fn admin_forms_keep_what_was_typed_and_show_the_error_beside_the_field() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    b.sign_in("admin", ADMIN_PASSWORD).await;
    b.get("/quan-tri/phong-hop/moi").await;
    let refused = b
        .post(
            "/quan-tri/phong-hop",
            &[
                ("name", "Phòng họp số 5"),
                ("building", "Trụ sở"),
                ("capacity", "nhiều"),
            ],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused.body.contains(r#"value="Phòng họp số 5""#),
        "{}",
        refused.body
    );
    assert!(refused
        .body
        .contains(r#"id="f-capacity-error">Phải là một số nguyên."#));
    assert!(refused
        .body
        .contains(r#"aria-describedby="f-capacity-error""#));

    let created = b
        .post(
            "/quan-tri/phong-hop",
            &[
                ("name", "Phòng họp số 5"),
                ("building", "Trụ sở"),
                ("floor", "tầng 2"),
                ("capacity", "40"),
                ("bookable", "true"),
            ],
        )
        .await;
    assert_eq!(
        (created.status, created.location.as_deref()),
        (Status::SeeOther, Some("/quan-tri/phong-hop?luu=1"))
    );
    let list = b.get("/quan-tri/phong-hop?luu=1").await;
    assert!(list.body.contains("Phòng họp số 5") && list.body.contains("Trụ sở, tầng 2"));
    assert!(
        list.body
            .contains("<p class=\"notice\" role=\"status\">Đã lưu.</p>"),
        "a message after the action"
    );

    // A clerk must have an agency: said beside the agency field, in English when asked.
    b.cookies.insert("lang".into(), "en".into());
    b.get("/quan-tri/tai-khoan/moi").await;
    let refused = b
        .post(
            "/quan-tri/tai-khoan",
            &[
                ("username", "vanthu.moi"),
                ("display_name", "Văn thư"),
                ("password", "mat-khau-du-dai"),
                ("role", "agency_clerk"),
                ("agency_id", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused
            .body
            .contains(r#"id="f-agency_id-error">An agency clerk must belong to an agency."#),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(r#"value="vanthu.moi""#));
}

#[rocket::async_test]
async fn disabling_an_account_on_its_page_ends_its_sessions_at_once() {
    let app = spawn_app().await;
    let staff = app.principal("chuyenvien1", Role::OfficeStaff, None).await;
    let mut theirs = Browser::new(&app);
    theirs.sign_in("chuyenvien1", PRINCIPAL_PASSWORD).await;
    assert_eq!(theirs.get("/tai-khoan").await.status, Status::Ok);

    let mut admin = Browser::new(&app);
    admin.sign_in("admin", ADMIN_PASSWORD).await;
    let path = format!("/quan-tri/tai-khoan/{}", staff.account.id);
    let form = admin.get(&path).await;
    assert!(form.body.contains("Đặt lại mật khẩu"));
    let saved = admin
        .post(
            &path,
            &[
                ("display_name", "Chuyên viên 1"),
                ("role", "office_staff"),
                ("agency_id", ""),
                ("disabled", "true"),
            ],
        )
        .await;
    assert_eq!(saved.status, Status::SeeOther);
    assert_eq!(theirs.get("/tai-khoan").await.status, Status::Unauthorized);
    let res = app
        .api(Method::Get, "/api/v1/account", Some(&staff.token), None)
        .await;
    assert_eq!(
        res.status(),
        Status::Unauthorized,
        "its API tokens stop too"
    );
    let list = admin.get("/quan-tri/tai-khoan").await;
    assert!(list.body.contains("Đã vô hiệu hóa"));
    let log = admin.get("/quan-tri/nhat-ky-dang-nhap").await;
    assert!(log.body.contains("Vô hiệu hóa tài khoản") && log.body.contains("chuyenvien1"));
}

#[rocket::async_test]
async fn templates_escape_what_people_typed() {
    let app = spawn_app().await;
    app.agency("<script>alert(1)</script> & \"Sở\"").await;
    let mut b = Browser::new(&app);
    b.sign_in("admin", ADMIN_PASSWORD).await;
    let page = b.get("/quan-tri/don-vi").await;
    assert!(
        page.body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sở&quot;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>"));
}

#[rocket::async_test]
async fn oversized_or_wrongly_typed_forms_are_refused_cleanly() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    b.get("/dang-nhap").await;
    let huge = b
        .post(
            "/dang-nhap",
            &[("username", &"x".repeat(300 * 1024)), ("password", "y")],
        )
        .await;
    assert_eq!(huge.status, Status::PayloadTooLarge);
    assert!(huge.body.contains("vượt quá giới hạn"));
    let res = b
        .with_cookies(app.client.post("/dang-nhap"))
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "en"))
        .body("{}")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::UnsupportedMediaType);
}

#[test]
fn every_text_the_pages_use_exists_in_both_languages() {
    let tr = lichhop::web::i18n::Translations::load().unwrap();
    let vi: std::collections::BTreeSet<_> = tr.keys(lichhop::error::Lang::Vi).into_iter().collect();
    let en: std::collections::BTreeSet<_> = tr.keys(lichhop::error::Lang::En).into_iter().collect();
    assert_eq!(
        vi, en,
        "locales/vi.json and locales/en.json have the same keys"
    );
    let mut used = Vec::new();
    for (_, text) in lichhop::web::TEMPLATES {
        for part in text.split("{{t \"").skip(1) {
            used.push(part.split('"').next().unwrap().to_string());
        }
    }
    let mut files = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web")];
    let mut sources = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(path).unwrap().map(|e| e.unwrap().path()));
        } else {
            sources.push(path);
        }
    }
    for source in sources {
        let text = std::fs::read_to_string(source).unwrap();
        for part in text.split('"').skip(1).step_by(2) {
            let prefix = part.split('.').next().unwrap_or("");
            let known = [
                "app", "layout", "sign_in", "account", "password", "admin", "common",
            ];
            if known.contains(&prefix)
                && part.contains('.')
                && !part.ends_with(".html")
                && !part.contains(' ')
            {
                used.push(part.to_string());
            }
        }
    }
    for role in entity::Role::ALL {
        used.push(format!("role.{}", role.code()));
    }
    for kind in entity::AgencyKind::ALL {
        used.push(format!("agency_kind.{}", kind.code()));
    }
    let missing: Vec<_> = used.iter().filter(|k| !vi.contains(k.as_str())).collect();
    assert!(missing.is_empty(), "missing translations: {missing:?}");
}

#[rocket::async_test]
async fn pages_ignore_bearer_tokens_and_sign_in_renews_the_csrf_token() {
    let app = spawn_app().await;
    let admin = app.principal("quantri2", Role::Admin, None).await;
    let res = app
        .client
        .get("/quan-tri/tai-khoan")
        .header(Header::new(
            "Authorization",
            format!("Bearer {}", admin.token),
        ))
        .dispatch()
        .await;
    assert_eq!(
        res.status(),
        Status::Unauthorized,
        "pages use the session cookie only"
    );

    let mut b = Browser::new(&app);
    b.get("/dang-nhap").await;
    let before = b.csrf.clone().unwrap();
    b.sign_in("quantri2", PRINCIPAL_PASSWORD).await;
    let after = b.csrf.clone().unwrap();
    assert_ne!(
        before, after,
        "a token planted before sign-in is worthless after it"
    );
    b.csrf = Some(before);
    let refused = b.post("/dang-xuat", &[]).await;
    assert_eq!(refused.status, Status::Forbidden);
}

#[rocket::async_test]
async fn every_field_of_every_form_page_has_a_label() {
    let app = spawn_app().await;
    lichhop::demo::load(app.db()).await.unwrap();
    let mut b = Browser::new(&app);
    let pages = [
        "/dang-nhap",
        "(sign in)",
        "/tai-khoan/mat-khau",
        "/quan-tri/tai-khoan/moi",
        "/quan-tri/tai-khoan/1",
        "/quan-tri/don-vi/moi",
        "/quan-tri/don-vi/1",
        "/quan-tri/can-bo/moi",
        "/quan-tri/can-bo/1",
        "/quan-tri/phong-hop/moi",
        "/quan-tri/phong-hop/1",
    ];
    for path in pages {
        if path == "(sign in)" {
            b.sign_in("admin", ADMIN_PASSWORD).await;
            continue;
        }
        let page = b.get(path).await;
        assert_eq!(page.status, Status::Ok, "{path}");
        for part in page.body.split("id=\"f-").skip(1) {
            let id = part.split('"').next().unwrap();
            if id.ends_with("-error") {
                continue;
            }
            assert!(
                page.body.contains(&format!("<label for=\"f-{id}\">")),
                "{path}: field {id} has no label"
            );
        }
        // Checkbox groups are labelled by their legend, each box by its own label.
        assert_eq!(
            page.body.matches("<fieldset>").count(),
            page.body.matches("<legend>").count(),
            "{path}"
        );
    }
}

#[rocket::async_test]
async fn session_cookies_are_secure_behind_a_tls_proxy() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    b.get("/dang-nhap").await;
    let body = form_body(&[
        ("csrf", b.csrf.clone().unwrap().as_str()),
        ("username", "admin"),
        ("password", ADMIN_PASSWORD),
    ]);
    let res = b
        .with_cookies(app.client.post("/dang-nhap"))
        .header(ContentType::Form)
        .header(Header::new("X-Forwarded-Proto", "https"))
        .body(body)
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::SeeOther);
    let session = res
        .cookies()
        .get("lichhop_session")
        .expect("session cookie")
        .clone();
    assert_eq!(session.secure(), Some(true));
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(session.same_site(), Some(rocket::http::SameSite::Lax));
}

#[rocket::async_test]
async fn signing_out_everywhere_ends_every_session_of_the_account() {
    let app = spawn_app().await;
    let mut office = Browser::new(&app);
    let mut home = Browser::new(&app);
    office.sign_in("admin", ADMIN_PASSWORD).await;
    home.sign_in("admin", ADMIN_PASSWORD).await;
    let copied = office.cookies.clone();
    let page = office.get("/tai-khoan").await;
    assert!(page.body.contains("Đăng xuất khỏi mọi nơi"));
    let out = office.post("/tai-khoan/dang-xuat-moi-noi", &[]).await;
    assert_eq!(
        (out.status, out.location.as_deref()),
        (Status::SeeOther, Some("/dang-nhap?da_dang_xuat=1"))
    );
    assert_eq!(home.get("/tai-khoan").await.status, Status::Unauthorized);
    office.cookies = copied;
    assert_eq!(
        office.get("/tai-khoan").await.status,
        Status::Unauthorized,
        "a copied cookie is dead too"
    );
}
