//! Meeting documents on the meeting's page: uploaded with the page's form (multipart, with its
//! anti-forgery token), listed, downloaded as an attachment, removed; refusals beside the file
//! field in the page's language; other agencies kept out.

use crate::helpers::*;
use rocket::http::{ContentType, Method, Status};
use serde_json::json;

use crate::documents::BOUNDARY;

/// The page's upload form as a browser sends it: the token (unless None), then the file.
pub(crate) fn page_multipart(csrf: Option<&str>, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = vec![];
    if let Some(token) = csrf {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
            )
            .into_bytes(),
        );
    }
    body.extend(crate::documents::multipart("file", file_name, bytes));
    body
}

/// Posts the upload form of meeting `id` from `b`'s page.
async fn upload(
    b: &mut Browser<'_>,
    id: i64,
    name: &str,
    bytes: &[u8],
    with_csrf: bool,
) -> PageAnswer {
    b.get(&format!("/cuoc-hop/{id}")).await;
    let token = b.csrf.clone().unwrap_or_default();
    let req = b
        .app
        .client
        .post(format!("/cuoc-hop/{id}/tai-lieu"))
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(page_multipart(
            with_csrf.then_some(token.as_str()),
            name,
            bytes,
        ));
    let res = b.with_cookies(req).dispatch().await;
    PageAnswer {
        status: res.status(),
        location: res.headers().get_one("Location").map(str::to_string),
        body: res.into_string().await.unwrap_or_default(),
    }
}

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n").into_bytes()
}

/// A regular meeting (họp) of agency A with agency B invited, on 15/03/2027.
async fn meeting(app: &TestApp, o: &Office) -> i64 {
    let body = json!({"title": "Họp triển khai kế hoạch đầu tư công", "kind": "hop", "location": "Phòng họp số 2", "starts_at": "2027-03-15T08:00", "ends_at": "2027-03-15T10:00", "attendees": [{"agency_id": o.agency_b}], "submit": true});
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
    m["id"].as_i64().unwrap()
}

async fn signed_in<'a>(app: &'a TestApp, username: &str) -> Browser<'a> {
    let mut b = Browser::new(app);
    let signed = b.sign_in(username, PRINCIPAL_PASSWORD).await;
    assert_eq!(signed.status, Status::SeeOther);
    b
}

/// The path of the first download link on a meeting's page.
fn first_download(page: &str, id: i64) -> String {
    let prefix = format!("href=\"/cuoc-hop/{id}/tai-lieu/");
    let at = page.find(&prefix).expect("a download link") + "href=\"".len();
    page[at..].split('"').next().unwrap().to_string()
}

#[rocket::async_test]
async fn a_clerk_uploads_on_the_page_and_the_invited_agency_downloads_it_as_an_attachment() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = meeting(&app, &o).await;
    let mut clerk = signed_in(&app, &o.clerk_a.account.username).await;

    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains("Tài liệu họp"));
    assert!(page.body.contains("Chưa có tài liệu nào."));
    assert!(
        page.body.contains("Chưa có tài liệu họp; hạn gửi là"),
        "the missing documents are flagged: {}",
        page.body
    );
    assert!(page.body.contains("enctype=\"multipart/form-data\""));

    let sent = upload(&mut clerk, id, "Báo cáo đầu tư công.pdf", &pdf("bc"), true).await;
    assert_eq!(sent.status, Status::SeeOther, "{}", sent.body);
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("/cuoc-hop/{id}?tai_lieu=them").as_str())
    );
    let page = clerk.get(&format!("/cuoc-hop/{id}?tai_lieu=them")).await;
    assert!(page.body.contains("Đã tải tài liệu lên."));
    assert!(page.body.contains("Báo cáo đầu tư công.pdf"));
    assert!(page.body.contains("<td>PDF</td>"));
    assert!(page.body.contains("<td>1 KB</td>"));
    assert!(page.body.contains(&o.clerk_a.account.display_name));
    assert!(!page.body.contains("Chưa có tài liệu họp; hạn gửi là"));

    // The invited agency reads it: an attachment, in its type, never sniffed.
    let href = first_download(&page.body, id);
    let reader = signed_in(&app, &o.clerk_b.account.username).await;
    let res = reader
        .with_cookies(app.client.get(href.clone()))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let h = res.headers();
    assert!(h
        .get_one("Content-Disposition")
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(h.get_one("Content-Type"), Some("application/pdf"));
    assert_eq!(h.get_one("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(res.into_bytes().await.unwrap(), pdf("bc"));
    // …but neither uploads nor removes.
    let mut reader = reader;
    let refused = upload(&mut reader, id, "them.pdf", &pdf("b"), true).await;
    assert_eq!(refused.status, Status::Forbidden);
    let refused = reader.post(&format!("{href}/xoa"), &[]).await;
    assert_eq!(refused.status, Status::Forbidden);

    // Its own clerk removes it.
    let removed = clerk.post(&format!("{href}/xoa"), &[]).await;
    assert_eq!(removed.status, Status::SeeOther);
    let page = clerk.get(&format!("/cuoc-hop/{id}?tai_lieu=xoa")).await;
    assert!(page.body.contains("Đã xóa tài liệu."));
    assert!(!page.body.contains("Báo cáo đầu tư công.pdf"));
    let gone = clerk.get(&href).await;
    assert_eq!(gone.status, Status::NotFound);
}

#[rocket::async_test]
async fn wrong_types_and_too_large_files_are_refused_beside_the_field() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = meeting(&app, &o).await;
    let mut clerk = signed_in(&app, &o.clerk_a.account.username).await;

    let html = b"<html><script>alert(1)</script></html>";
    let refused = upload(&mut clerk, id, "giay-moi.pdf", html, true).await;
    assert_eq!(refused.status, Status::UnsupportedMediaType);
    assert!(
        refused.body.contains("id=\"f-file-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("chỉ nhận PDF"));
    assert!(refused.body.contains("aria-invalid=\"true\""));

    let mut s = lichhop::domain::settings::load(app.db()).await.unwrap();
    s.max_document_mib = 1;
    lichhop::domain::settings::save(app.db(), &s).await.unwrap();
    let mut big = pdf("big");
    big.resize(1024 * 1024 + 1, b' ');
    clerk.cookies.insert("lang".into(), "en".into());
    let refused = upload(&mut clerk, id, "lon.pdf", &big, true).await;
    assert_eq!(refused.status, Status::PayloadTooLarge);
    let at = refused
        .body
        .find("id=\"f-file-error\">")
        .expect("beside the field");
    assert!(refused.body[at..].contains("larger than allowed (1 MiB)"));
    assert!(
        refused.body.contains("at most 1 MB"),
        "the hint says the limit"
    );

    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains("No documents yet."));
}

#[rocket::async_test]
async fn other_agencies_and_forged_forms_are_kept_out() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = meeting(&app, &o).await;
    let mut clerk = signed_in(&app, &o.clerk_a.account.username).await;
    let forged = upload(&mut clerk, id, "a.pdf", &pdf("a"), false).await;
    assert_eq!(forged.status, Status::Forbidden);
    assert!(forged.body.contains("chống giả mạo"), "{}", forged.body);
    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains("Chưa có tài liệu nào."));

    let sent = upload(&mut clerk, id, "a.pdf", &pdf("a"), true).await;
    assert_eq!(sent.status, Status::SeeOther);
    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    let href = first_download(&page.body, id);

    // A clerk of an agency neither registering nor invited: nothing of it exists.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let snv = entity::agency::Entity::find()
        .filter(entity::agency::Column::ShortName.eq("SNV"))
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let outsider = app
        .principal("t.clerk.c", entity::Role::AgencyClerk, Some(snv))
        .await;
    let mut other = signed_in(&app, &outsider.account.username).await;
    assert_eq!(other.get(&href).await.status, Status::NotFound);
    assert_eq!(
        upload(&mut other, id, "b.pdf", &pdf("b"), true)
            .await
            .status,
        Status::NotFound
    );
    other.get("/viec-can-lam").await;
    let remove = other.post(&format!("{href}/xoa"), &[]).await;
    assert_eq!(remove.status, Status::NotFound);

    // A document is only reached through its own meeting's path.
    let (s, _, m2) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&json!({"title": "Khác", "location": "P1", "starts_at": "2027-03-16T08:00", "ends_at": "2027-03-16T09:00"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created);
    let doc = href.rsplit('/').next().unwrap();
    let wrong = format!("/cuoc-hop/{}/tai-lieu/{doc}", m2["id"]);
    assert_eq!(clerk.get(&wrong).await.status, Status::NotFound);
    // The removal form without its token is refused, and the document stays.
    let forged = clerk.post_raw(&format!("{href}/xoa"), String::new()).await;
    assert_eq!(forged.status, Status::Forbidden);
    assert_eq!(clerk.get(&href).await.status, Status::Ok);
}
