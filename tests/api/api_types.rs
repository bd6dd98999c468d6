//! The API speaks its own types: every resource read through it has the fields of its table
//! (the public contract, field for field) except the columns that must never leave the server,
//! and no answer anywhere carries a password hash, a token hash or the session epoch.

use crate::helpers::*;
use rocket::http::{ContentType, Header, Method, Status};
use sea_orm::{EntityTrait, IdenStatic, Iterable};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Never in an answer: the secrets' stored forms and the session counter.
const SECRETS: [&str; 3] = ["password_hash", "token_hash", "session_epoch"];

/// The column names of table `E`, less `hidden`, plus `extra`.
fn columns<E: EntityTrait>(hidden: &[&str], extra: &[&str]) -> BTreeSet<String> {
    E::Column::iter()
        .map(|c| c.as_str().to_string())
        .filter(|c| !hidden.contains(&c.as_str()))
        .chain(extra.iter().map(|s| s.to_string()))
        .collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

/// Calls the API as one principal and keeps every answer's text, to search them all at the end.
struct Reader<'a> {
    app: &'a TestApp,
    answers: Vec<(String, String)>,
}

impl<'a> Reader<'a> {
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        who: &Principal,
        body: Option<Value>,
        expect: Status,
    ) -> Value {
        let (s, _, v) = self
            .app
            .call(method, path, Some(who), body.as_ref(), &[])
            .await;
        self.kept(method, path, expect, s, v)
    }

    fn kept(&mut self, method: Method, path: &str, expect: Status, s: Status, v: Value) -> Value {
        assert_eq!(s, expect, "{method} {path}: {v}");
        self.answers
            .push((format!("{method} {path}"), v.to_string()));
        v
    }

    async fn keep(
        &mut self,
        method: Method,
        path: &str,
        expect: Status,
        res: rocket::local::asynchronous::LocalResponse<'_>,
    ) -> Value {
        let status = res.status();
        let text = res.into_string().await.unwrap_or_default();
        assert_eq!(status, expect, "{method} {path}: {text}");
        self.answers
            .push((format!("{method} {path}"), text.clone()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"))
    }

    async fn get(&mut self, path: &str, who: &Principal) -> Value {
        self.call(Method::Get, path, who, None, Status::Ok).await
    }

    async fn post(
        &mut self,
        path: &str,
        who: &Principal,
        body: Option<Value>,
        expect: Status,
    ) -> Value {
        self.call(Method::Post, path, who, body, expect).await
    }

    /// A resource of the administration at `path`: listed and read by `reader`, created and
    /// changed by `writer`; every answer has the fields `want`.
    async fn resource(
        &mut self,
        path: &str,
        reader: &Principal,
        writer: &Principal,
        new: Value,
        change: Value,
        want: &BTreeSet<String>,
    ) {
        let v = self.get(path, reader).await;
        self.fields(path, &v, want);
        let v = self
            .call(Method::Post, path, writer, Some(new), Status::Created)
            .await;
        self.fields(path, &v, want);
        let one = format!("{path}/{}", v["id"]);
        let v = self.get(&one, reader).await;
        self.fields(&one, &v, want);
        let v = self
            .call(Method::Patch, &one, writer, Some(change), Status::Ok)
            .await;
        self.fields(&one, &v, want);
    }

    /// Checks the fields of `v` (an object, or every item of a list) against `want`.
    fn fields(&self, what: &str, v: &Value, want: &BTreeSet<String>) {
        let items = match v.as_array() {
            Some(items) => {
                assert!(!items.is_empty(), "{what}: an empty list proves nothing");
                items.clone()
            }
            None => vec![v.clone()],
        };
        for item in &items {
            assert_eq!(&keys(item), want, "{what}: {item}");
        }
    }
}

#[rocket::async_test]
async fn every_resource_has_the_fields_of_its_table_and_no_secret() {
    use entity::*;
    let app = spawn_app().await;
    let o = app.office().await;
    let mut r = Reader {
        app: &app,
        answers: vec![],
    };
    let admin = &o.admin;

    // Accounts (the caller's own too), agencies, persons, rooms (with their equipment codes):
    // each listed, read by id, created, changed.
    let account = columns::<account::Entity>(&["password_hash", "session_epoch"], &[]);
    let v = r.get("/api/v1/account", &o.clerk_a).await;
    r.fields("account", &v, &account);
    let new_account = json!({"username": "nv.moi", "display_name": "Nhân viên mới",
                             "password": "mat-khau-rat-dai-1", "role": "office_staff"});
    r.resource(
        "/api/v1/accounts",
        admin,
        admin,
        new_account,
        json!({"display_name": "NV"}),
        &account,
    )
    .await;
    let new_agency = json!({"name": "Sở Thử nghiệm", "short_name": "STN", "kind": "so_ban_nganh"});
    let agency = columns::<agency::Entity>(&[], &[]);
    r.resource(
        "/api/v1/agencies",
        &o.clerk_a,
        admin,
        new_agency,
        json!({"sort_order": 3}),
        &agency,
    )
    .await;
    let new_person = json!({"full_name": "Trần Thị B", "position": "Chuyên viên",
                            "agency_id": o.agency_a});
    let person = columns::<person::Entity>(&[], &[]);
    r.resource(
        "/api/v1/persons",
        &o.clerk_a,
        admin,
        new_person,
        json!({"phone": "0912345678"}),
        &person,
    )
    .await;
    let new_room = json!({"name": "Phòng họp thử", "building": "Nhà A", "capacity": 12});
    let room = columns::<room::Entity>(&[], &["equipment"]);
    r.resource(
        "/api/v1/rooms",
        &o.clerk_a,
        admin,
        new_room,
        json!({"capacity": 14}),
        &room,
    )
    .await;

    // Meetings: registered, read, listed, edited, decided; a series and one of its occurrences.
    let meeting = columns::<meeting::Entity>(&[], &[]);
    let body = json!({
        "title": "Họp bàn kế hoạch năm 2027", "kind": "hop", "chair_id": o.leaders[0],
        "room_id": o.rooms[0], "starts_at": "2027-03-02T08:00", "ends_at": "2027-03-02T09:30",
        "rrule": "FREQ=WEEKLY;COUNT=3", "visibility": "public",
    });
    let m = r
        .post(
            "/api/v1/meetings",
            &o.clerk_a,
            Some(body.clone()),
            Status::Created,
        )
        .await;
    r.fields("new meeting", &m, &meeting);
    let id = m["id"].as_i64().unwrap();
    // The detail adds the invitees' answers (issue #17 item 4).
    let v = r.get(&format!("/api/v1/meetings/{id}"), &o.clerk_a).await;
    r.fields(
        "meeting",
        &v,
        &columns::<meeting::Entity>(&[], &["answers"]),
    );
    let path = format!("/api/v1/meetings/{id}");
    let mut changed = body.clone();
    changed["title"] = json!("Họp bàn kế hoạch năm 2027 (sửa)");
    let if_match = [("If-Match", "\"1\"".to_string())];
    let (s, _, v) = app
        .call(
            Method::Patch,
            &path,
            Some(&o.clerk_a),
            Some(&changed),
            &if_match,
        )
        .await;
    let v = r.kept(Method::Patch, &path, Status::Ok, s, v);
    r.fields("changed meeting", &v, &meeting);
    let v = r
        .post(
            &format!("/api/v1/meetings/{id}/submit"),
            &o.clerk_a,
            None,
            Status::Ok,
        )
        .await;
    assert_eq!(
        keys(&v),
        ["collisions", "meeting"].map(String::from).into(),
        "{v}"
    );
    r.fields("decided meeting", &v["meeting"], &meeting);
    let v = r
        .post(
            &format!("/api/v1/meetings/{id}/approve"),
            &o.approver,
            None,
            Status::Ok,
        )
        .await;
    r.fields("approved meeting", &v["meeting"], &meeting);
    let v = r.get("/api/v1/meetings", &o.clerk_a).await;
    assert_eq!(
        keys(&v),
        ["items", "page", "per_page", "total"]
            .map(String::from)
            .into()
    );
    r.fields("meeting list", &v["items"], &meeting);
    let v = r
        .get(&format!("/api/v1/meetings/{id}/events"), &o.clerk_a)
        .await;
    r.fields(
        "meeting events",
        &v,
        &columns::<meeting_event::Entity>(&[], &[]),
    );

    let occurrence = columns::<occurrence::Entity>(&[], &[]);
    let v = r
        .get(&format!("/api/v1/meetings/{id}/occurrences"), &o.clerk_a)
        .await;
    r.fields("occurrences", &v, &occurrence);
    let v = r
        .get(
            "/api/v1/occurrences?from=2027-03-01&to=2027-03-31",
            &o.clerk_a,
        )
        .await;
    r.fields("occurrences between", &v, &occurrence);
    let v = r
        .post(
            &format!("/api/v1/meetings/{id}/occurrences/2027-03-09/cancel"),
            &o.approver,
            Some(json!({"reason": "Trùng lịch"})),
            Status::Ok,
        )
        .await;
    r.fields("cancelled occurrence", &v, &occurrence);
    let v = r
        .post(
            &format!("/api/v1/meetings/{id}/split"),
            &o.approver,
            Some(json!({"from": "2027-03-16"})),
            Status::Created,
        )
        .await;
    r.fields("split series", &v, &meeting);

    // Documents of the meeting.
    let document = columns::<document::Entity>(&[], &[]);
    const BOUNDARY: &str = "api-types-boundary";
    let upload = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"giay-moi.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.7\n%%EOF\n\r\n--{BOUNDARY}--\r\n"
    )
    .into_bytes();
    let path = format!("/api/v1/meetings/{id}/documents");
    let res = app
        .client
        .post(path.clone())
        .header(Header::new(
            "Authorization",
            format!("Bearer {}", o.clerk_a.token),
        ))
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(upload)
        .dispatch()
        .await;
    let v = r.keep(Method::Post, &path, Status::Created, res).await;
    r.fields("new document", &v, &document);
    let v = r.get(&path, &o.clerk_a).await;
    assert_eq!(keys(&v), ["documents", "due"].map(String::from).into());
    r.fields("documents", &v["documents"], &document);

    // Personal API tokens: the new one shows its secret once, the list never.
    let v = r
        .post(
            "/api/v1/tokens",
            admin,
            Some(
                json!({"username": admin.account.username, "password": PRINCIPAL_PASSWORD,
                        "name": "máy tính bảng"}),
            ),
            Status::Created,
        )
        .await;
    assert_eq!(
        keys(&v),
        ["created_at", "id", "name", "token"]
            .map(String::from)
            .into()
    );
    let v = r.get("/api/v1/tokens", admin).await;
    r.fields(
        "tokens",
        &v,
        &columns::<api_token::Entity>(&["token_hash", "account_id"], &[]),
    );

    // Feed tokens.
    let feed_token = columns::<feed_token::Entity>(&["token_hash"], &[]);
    let v = r
        .post(
            "/api/v1/feed-tokens",
            &o.clerk_a,
            Some(json!({"scope": "agency", "agency_id": o.agency_a, "label": "Lịch của Sở"})),
            Status::Created,
        )
        .await;
    let created: BTreeSet<String> = feed_token
        .iter()
        .cloned()
        .chain(["secret", "url", "webcal_url"].map(String::from))
        .collect();
    r.fields("new feed token", &v, &created);
    let v = r.get("/api/v1/feed-tokens", &o.clerk_a).await;
    let listed = feed_token
        .iter()
        .cloned()
        .chain([String::from("revoked")])
        .collect();
    r.fields("feed tokens", &v, &listed);

    // The office's calendar: closures, holidays, make-up working days.
    let closure = columns::<closure::Entity>(&[], &[]);
    let v = r
        .post(
            "/api/v1/closures",
            admin,
            Some(json!({"starts_on": "2027-05-04", "reason": "Bảo trì hệ thống điện"})),
            Status::Created,
        )
        .await;
    r.fields("new closure", &v, &closure);
    let v = r
        .get("/api/v1/closures?from=2027-05-01&to=2027-05-31", &o.clerk_a)
        .await;
    r.fields("closures", &v, &closure);
    let v = r
        .post("/api/v1/closures/holidays/2028", admin, None, Status::Ok)
        .await;
    assert_eq!(
        keys(&v),
        ["closures", "created", "year"].map(String::from).into()
    );
    r.fields("holidays created", &v["created"], &closure);
    r.fields("holidays", &v["closures"], &closure);
    let working_day = columns::<working_day_exception::Entity>(&[], &[]);
    let v = r
        .post(
            "/api/v1/working-days",
            admin,
            Some(json!({"on_date": "2027-05-08", "reason": "Làm bù ngày 3/5"})),
            Status::Created,
        )
        .await;
    r.fields("new working day", &v, &working_day);
    let v = r.get("/api/v1/working-days", &o.clerk_a).await;
    r.fields("working days", &v, &working_day);

    // The weekly schedule's publication, the settings, the sign-in log.
    let v = r
        .post(
            "/api/v1/schedule/2027-03-01/publish",
            &o.approver,
            Some(json!({"note": "Phát hành"})),
            Status::Created,
        )
        .await;
    r.fields(
        "publication",
        &v,
        &columns::<schedule_publication::Entity>(&["snapshot"], &[]),
    );
    let v = r.get("/api/v1/settings", &o.clerk_a).await;
    let settings: BTreeSet<String> = [
        "office_opens",
        "office_closes",
        "lunch_starts",
        "lunch_ends",
        "find_days",
        "find_per_day",
        "room_buffer_minutes",
        "registration_lead_working_days",
        "documents_lead_working_days",
        "cutoff_weekday",
        "cutoff_time",
        "staff_may_approve",
        "cancelled_in_feeds_days",
        "max_document_mib",
        "province_name",
        "place_name",
        "signer_capacity",
        "signer_position",
        "signer_name",
        "recipients",
    ]
    .map(String::from)
    .into();
    r.fields("settings", &v, &settings);
    let v = r.get("/api/v1/auth-events", admin).await;
    r.fields("sign-in log", &v, &columns::<auth_event::Entity>(&[], &[]));

    // No answer above, and no schema of the API's document, names a secret.
    let doc = app.get_json("/api/openapi.json", Status::Ok).await;
    r.answers
        .push(("the OpenAPI document".into(), doc.to_string()));
    for (call, text) in &r.answers {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{call} shows {secret}: {text}");
        }
    }
    assert!(r.answers.len() > 40, "{} answers", r.answers.len());
}
