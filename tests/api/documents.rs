//! Meeting documents: upload limits and types, downloads that never render, deadlines.

use crate::helpers::*;
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::{json, Value};

pub(crate) const BOUNDARY: &str = "lichhop-test-boundary-7MA4YWxkTrZu0gW";

pub(crate) fn multipart(field: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub(crate) async fn upload_as(
    app: &TestApp,
    who: &Principal,
    meeting: i64,
    field: &str,
    name: &str,
    bytes: &[u8],
) -> (Status, Value) {
    let res = app
        .client
        .post(format!("/api/v1/meetings/{meeting}/documents"))
        .header(Header::new(
            "Authorization",
            format!("Bearer {}", who.token),
        ))
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(multipart(field, name, bytes))
        .dispatch()
        .await;
    let status = res.status();
    let text = res.into_string().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn upload(
    app: &TestApp,
    who: &Principal,
    meeting: i64,
    name: &str,
    bytes: &[u8],
) -> (Status, Value) {
    upload_as(app, who, meeting, "file", name, bytes).await
}

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n").into_bytes()
}

async fn meeting(app: &TestApp, o: &Office, kind: &str, date: &str) -> i64 {
    let body = json!({
        "title": "Hội nghị sơ kết công tác 6 tháng",
        "kind": kind,
        "starts_at": format!("{date}T08:00"),
        "ends_at": format!("{date}T10:00"),
        "attendees": [{"agency_id": o.agency_b}],
        "submit": true,
    });
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

/// A clerk of an agency neither registering nor invited.
async fn outsider(app: &TestApp) -> Principal {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let snv = entity::agency::Entity::find()
        .filter(entity::agency::Column::ShortName.eq("SNV"))
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    app.principal("t.clerk.c", entity::Role::AgencyClerk, Some(snv))
        .await
}

fn stored_files(app: &TestApp) -> Vec<String> {
    let dir = app.data_dir.path().join("documents");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[rocket::async_test]
async fn a_document_is_stored_by_hash_and_downloaded_only_as_an_attachment_by_participants() {
    use sha2::{Digest, Sha256};
    let app = spawn_app().await;
    let o = app.office().await;
    let id = meeting(&app, &o, "hoi_nghi", "2027-03-11").await;
    let bytes = pdf("Báo cáo");
    let (s, d) = upload(&app, &o.clerk_a, id, "Báo cáo tổng hợp.pdf", &bytes).await;
    assert_eq!(s, Status::Created, "{d}");
    let sha = hex::encode(Sha256::digest(&bytes));
    assert_eq!(d["sha256"], sha.as_str());
    assert_eq!(d["content_type"], "application/pdf");
    assert_eq!(d["file_name"], "Báo cáo tổng hợp.pdf");
    assert_eq!(d["size_bytes"], bytes.len());
    assert_eq!(stored_files(&app), std::slice::from_ref(&sha));

    // The same content again: a second row, one stored file.
    let (s, _) = upload(&app, &o.staff, id, "copy.pdf", &bytes).await;
    assert_eq!(s, Status::Created);
    assert_eq!(stored_files(&app), std::slice::from_ref(&sha));

    let doc = d["id"].as_i64().unwrap();
    // The invited agency B downloads it; an outsider does not learn it exists.
    for who in [&o.clerk_a, &o.clerk_b, &o.staff] {
        let res = app
            .client
            .get(format!("/api/v1/documents/{doc}"))
            .header(Header::new(
                "Authorization",
                format!("Bearer {}", who.token),
            ))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::Ok);
        let h = res.headers();
        assert_eq!(h.get_one("Content-Type"), Some("application/pdf"));
        assert_eq!(h.get_one("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(
            h.get_one("Content-Disposition"),
            Some(
                "attachment; filename=\"B_o c_o t_ng h_p.pdf\"; \
                 filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20t%E1%BB%95ng%20h%E1%BB%A3p.pdf"
            )
        );
        assert!(h
            .get_one("Content-Security-Policy")
            .unwrap()
            .contains("sandbox"));
        assert_eq!(res.into_bytes().await.unwrap(), bytes);
    }
    let c = outsider(&app).await;
    let (s, _, _) = app
        .call(
            Method::Get,
            &format!("/api/v1/documents/{doc}"),
            Some(&c),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NotFound);
    let (s, _, _) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/documents"),
            Some(&c),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NotFound);
    let (s, _) = upload(&app, &c, id, "x.pdf", &pdf("x")).await;
    assert_eq!(s, Status::NotFound);
    // Participants read but do not add.
    let (s, _) = upload(&app, &o.clerk_b, id, "x.pdf", &pdf("x")).await;
    assert_eq!(s, Status::Forbidden);

    let (s, _, list) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/documents"),
            Some(&o.clerk_b),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(list["documents"].as_array().unwrap().len(), 2);

    // Delete: not by another participant; by the uploader; the file goes with the last row.
    let (s, _, _) = app
        .call(
            Method::Delete,
            &format!("/api/v1/documents/{doc}"),
            Some(&o.clerk_b),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Forbidden);
    let (s, _, _) = app
        .call(
            Method::Delete,
            &format!("/api/v1/documents/{doc}"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NoContent);
    assert_eq!(stored_files(&app), std::slice::from_ref(&sha));
    let other = list["documents"][1]["id"].as_i64().unwrap();
    let (s, _, _) = app
        .call(
            Method::Delete,
            &format!("/api/v1/documents/{other}"),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NoContent);
    assert!(stored_files(&app).is_empty());
}

#[rocket::async_test]
async fn uploads_of_the_wrong_type_or_too_large_are_refused_and_leave_nothing_behind() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = meeting(&app, &o, "hop", "2027-03-11").await;
    let html = b"<!doctype html><html><script>alert(document.cookie)</script></html>".to_vec();
    let docx = b"PK\x03\x04\x14\x00[Content_Types].xml....word/document.xml....PK\x05\x06".to_vec();
    for (name, bytes) in [
        ("giay-moi.pdf", html.clone()),
        ("giay-moi.html", html.clone()),
        ("setup.exe", b"MZ\x90\x00\x03".to_vec()),
        ("bang-tinh.xlsx", docx.clone()),
        ("anh.png", b"\xFF\xD8\xFF\xE0 jpeg named png".to_vec()),
        ("khong-duoi", pdf("x")),
    ] {
        let (s, e) = upload(&app, &o.clerk_a, id, name, &bytes).await;
        assert_eq!(
            (s, e["error"].as_str()),
            (Status::UnsupportedMediaType, Some("unsupported_media_type")),
            "{name}: {e}"
        );
    }
    for (name, bytes, ct) in [
        (
            "du-thao.docx",
            docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("so-do.PNG", b"\x89PNG\r\n\x1a\n....".to_vec(), "image/png"),
        ("anh.jpeg", b"\xFF\xD8\xFF\xE0....".to_vec(), "image/jpeg"),
        (
            "bao-cao.doc",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....".to_vec(),
            "application/msword",
        ),
    ] {
        let (s, d) = upload(&app, &o.clerk_a, id, name, &bytes).await;
        assert_eq!(
            (s, d["content_type"].as_str()),
            (Status::Created, Some(ct)),
            "{name}: {d}"
        );
    }
    // A path in the name keeps only its last part.
    let (s, d) = upload(&app, &o.clerk_a, id, "../../etc/ke-hoach.pdf", &pdf("k")).await;
    assert_eq!(
        (s, d["file_name"].as_str()),
        (Status::Created, Some("ke-hoach.pdf"))
    );

    // Our limit on top of Rocket's: 1 MiB.
    let mut s = lichhop::domain::settings::load(app.db()).await.unwrap();
    s.max_document_mib = 1;
    lichhop::domain::settings::save(app.db(), &s).await.unwrap();
    let mut big = pdf("big");
    big.resize(1024 * 1024 + 1, b' ');
    let (st, e) = upload(&app, &o.clerk_a, id, "lon.pdf", &big).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (Status::PayloadTooLarge, Some("payload_too_large")),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("1 MiB"));

    let (st, e) = upload_as(&app, &o.clerk_a, id, "tep", "a.pdf", &pdf("a")).await;
    assert_eq!(
        (st, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("file")),
        "{e}"
    );
    let (st, e) = upload(&app, &o.clerk_a, id, "rong.pdf", b"").await;
    assert_eq!(
        (st, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("file")),
        "{e}"
    );

    // Only the five accepted files are stored, no temporary file is left.
    let files = stored_files(&app);
    assert_eq!(files.len(), 5, "{files:?}");
    assert!(files.iter().all(|f| f.len() == 64 && !f.starts_with('.')));
}

#[rocket::async_test]
async fn regular_meetings_flag_missing_and_late_documents() {
    let app = spawn_app().await;
    let o = app.office().await;
    // Thursday 11 March 2027, 3 working days: due Monday 8 March.
    let id = meeting(&app, &o, "hop", "2027-03-11").await;
    let (_, _, v) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/documents"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(v["due"]["due_on"], "2027-03-08");
    assert_eq!(v["due"]["flag"]["kind"], "documents_missing");
    let (_, _, v) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/conflicts"),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    let kinds: Vec<&str> = v["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["documents_missing"]);
    assert!(v["conflicts"][0]["message_vi"]
        .as_str()
        .unwrap()
        .contains("08/03/2027"));

    // Documents in time: no flag.
    let (s, _) = upload(&app, &o.clerk_a, id, "tai-lieu.pdf", &pdf("t")).await;
    assert_eq!(s, Status::Created);
    let (_, _, v) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/documents"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert!(v["due"]["flag"].is_null(), "{v}");
    assert_eq!(v["due"]["documents"], 1);

    // A meeting on the next working day: its documents are already late, and listed as due.
    use chrono::{Datelike, Weekday};
    let mut d = lichhop::domain::clock::office_date(chrono::Utc::now()) + chrono::Duration::days(1);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        || lichhop::domain::holidays::is_public_holiday(d).is_some()
    {
        d += chrono::Duration::days(1);
    }
    let soon = meeting(&app, &o, "hoi_nghi", &d.to_string()).await;
    let working = meeting(&app, &o, "lam_viec", &d.to_string()).await;
    for who in [&o.clerk_a, &o.staff] {
        let (s, _, v) = app
            .call(Method::Get, "/api/v1/documents/due", Some(who), None, &[])
            .await;
        assert_eq!(s, Status::Ok, "{v}");
        let listed: Vec<(i64, &str)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["meeting_id"].as_i64().unwrap(),
                    x["flag"]["kind"].as_str().unwrap(),
                )
            })
            .collect();
        assert!(listed.contains(&(soon, "documents_late")), "{v}");
        assert!(
            !listed.iter().any(|(m, _)| *m == working || *m == id),
            "{v}"
        );
    }
    // Agency B registered nothing: its dashboard is empty.
    let (_, _, v) = app
        .call(
            Method::Get,
            "/api/v1/documents/due",
            Some(&o.clerk_b),
            None,
            &[],
        )
        .await;
    assert_eq!(v, json!([]));
    // Uploaded now, after the deadline: still late.
    let (s, _) = upload(&app, &o.clerk_a, soon, "muon.pdf", &pdf("m")).await;
    assert_eq!(s, Status::Created);
    let (_, _, v) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{soon}/documents"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(v["due"]["flag"]["kind"], "documents_late", "{v}");
}

/// Compensatory days off (Bộ luật Lao động 2019, art. 112): Giỗ Tổ on Sunday 26/04/2026 gives
/// Monday 27/04 off, 1/5/2027 on a Saturday gives Monday 3/5 off; documents deadlines skip them.
#[rocket::async_test]
async fn documents_deadlines_skip_compensatory_days_off() {
    let app = spawn_app().await;
    let o = app.office().await;
    for (day, due) in [
        // Tuesday 28/04/2026, 3 working days: 24, 23, 22 (27 is off) → 22/04.
        ("2026-04-28", "2026-04-22"),
        // Wednesday 05/05/2027: 4/5, then 29/04 and 28/04 (30/4 to 3/5 are off) → 28/04.
        ("2027-05-05", "2027-04-28"),
    ] {
        // The office records the meeting (2026 is past for an agency), saying why.
        let body = json!({
            "title": "Họp bàn kế hoạch đầu tư công",
            "kind": "hop",
            "starts_at": format!("{day}T08:00"),
            "ends_at": format!("{day}T10:00"),
            "requesting_agency_id": o.agency_a,
            "attendees": [{"agency_id": o.agency_b}],
            "past_reason": "Ghi nhận cuộc họp đã diễn ra",
        });
        let (id, _) = app.create(&o.staff, &body).await;
        let (s, _, v) = app
            .call(
                Method::Get,
                &format!("/api/v1/meetings/{id}/documents"),
                Some(&o.staff),
                None,
                &[],
            )
            .await;
        assert_eq!(s, Status::Ok, "{v}");
        assert_eq!(v["due"]["due_on"], due, "{day}: {v}");
    }
}
