//! The authorization matrix: every mounted route, asked by every kind of caller, must be allowed
//! or denied as the table below says, and never answer 5xx. A route missing from the table
//! fails the test: add one line for it.

use crate::helpers::*;
use entity::Role;
use rocket::http::{ContentType, Header, Method, Status};
use std::collections::HashMap;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)] // `Clerk` waits for a route that only clerks may call
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    AnySignedIn,
    /// Agency clerks only.
    Clerk,
    /// Office staff, approvers and admins.
    Office,
    /// Approvers and admins.
    Approver,
    Admin,
    /// The office, and the clerks of agency A (the path's object belongs to agency A).
    AgencyA,
    /// The clerks of agency A only (the agency's own actions on its request).
    ClerkOfA,
    /// Like AgencyA, for a route that removes its object: once an allowed caller removed it,
    /// the next allowed callers find nothing (404).
    AgencyARemoves,
}

/// The body a request of the matrix carries: minimal, valid enough to pass the guards.
/// Form bodies get the principal's CSRF token added.
#[derive(Clone, Copy, Debug)]
enum Body {
    None,
    Json(&'static str),
    Form(&'static str),
    /// multipart/form-data with one file in the field `file`.
    Multipart(&'static str),
    /// A page's upload form: multipart/form-data with the principal's CSRF token and this text
    /// as the file.
    Upload(&'static str),
    /// A page's multipart form: its anti-forgery token, then one file in the field `file`.
    PageMultipart(&'static str),
}

use Body::{Form, Json};

/// A small valid PDF, for uploads.
const MATRIX_PDF: &[u8] = b"%PDF-1.4\n% lichhop\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
use Rule::*;

/// One line per route: method, path as mounted (without the query), rule, body.
/// `<id>` in a path is filled by [`Fixture::id_for`].
#[rustfmt::skip]
const TABLE: &[(&str, &str, Rule, Body)] = &[
    ("GET",    "/healthz",                         Public,      Body::None),
    // API tokens and the caller's own account
    ("POST",   "/api/v1/tokens",                   Public,      Json(r#"{"username":"matrix","password":"mat-khau-thu-nghiem","name":"m"}"#)),
    ("GET",    "/api/v1/tokens",                   AnySignedIn, Body::None),
    ("DELETE", "/api/v1/tokens/<id>",              Admin,       Body::None),
    ("GET",    "/api/v1/account",                  AnySignedIn, Body::None),
    ("POST",   "/api/v1/account/password",         AnySignedIn, Json(r#"{"current_password":"sai","new_password":"khong-doi-gi"}"#)),
    // Administration
    ("GET",    "/api/v1/accounts",                 Admin,       Body::None),
    ("POST",   "/api/v1/accounts",                 Admin,       Json(r#"{"username":"x","display_name":"x","password":"x","role":"admin"}"#)),
    ("GET",    "/api/v1/accounts/<id>",            Admin,       Body::None),
    ("PATCH",  "/api/v1/accounts/<id>",            Admin,       Json("{}")),
    ("POST",   "/api/v1/accounts/<id>/password",   Admin,       Json(r#"{"new_password":"ngan"}"#)),
    ("GET",    "/api/v1/agencies",                 AnySignedIn, Body::None),
    ("POST",   "/api/v1/agencies",                 Admin,       Json(r#"{"name":"","short_name":"","kind":"other"}"#)),
    ("GET",    "/api/v1/agencies/<id>",            AnySignedIn, Body::None),
    ("PATCH",  "/api/v1/agencies/<id>",            Admin,       Json("{}")),
    ("GET",    "/api/v1/persons",                  AnySignedIn, Body::None),
    ("POST",   "/api/v1/persons",                  Admin,       Json(r#"{"full_name":"","position":"","agency_id":0}"#)),
    ("GET",    "/api/v1/persons/<id>",             AnySignedIn, Body::None),
    ("PATCH",  "/api/v1/persons/<id>",             Admin,       Json("{}")),
    ("GET",    "/api/v1/rooms",                    AnySignedIn, Body::None),
    ("POST",   "/api/v1/rooms",                    Admin,       Json(r#"{"name":"","building":"","capacity":0}"#)),
    ("GET",    "/api/v1/rooms/<id>",               AnySignedIn, Body::None),
    ("PATCH",  "/api/v1/rooms/<id>",               Admin,       Json("{}")),
    ("GET",    "/api/v1/auth-events",              Admin,       Body::None),
    // Pages: signing in and out, the language, the stylesheet, the own account
    ("GET",    "/dang-nhap",                       Public,      Body::None),
    ("POST",   "/dang-nhap",                       Public,      Form("username=matrix&password=mat-khau-thu-nghiem")),
    ("POST",   "/dang-xuat",                       AnySignedIn, Form("")),
    ("GET",    "/ngon-ngu/<code>",                 Public,      Body::None),
    ("GET",    "/static/<asset>",                  Public,      Body::None),
    ("GET",    "/tai-khoan",                       AnySignedIn, Body::None),
    ("GET",    "/thong-bao",                       AnySignedIn, Body::None),
    // An invitee's personal answer link: whoever holds it, no account (issue #17 item 4)
    ("GET",    "/tra-loi/<token>",                 Public,      Body::None),
    ("POST",   "/cuoc-hop/<id>/lien-ket-tra-loi",  Office,      Form("person_id=1")),
    ("POST",   "/cuoc-hop/<id>/thu-hoi-lien-ket",  Office,      Form("person_id=1")),
    ("POST",   "/api/v1/meetings/<id>/answer-links", Office,    Json(r#"{"person_id":0}"#)),
    ("DELETE", "/api/v1/meetings/<id>/answer-links/<person_id>", Office, Body::None),
    ("POST",   "/tra-loi/<token>",                 Public,      Form("choice=tham-du")),
    ("POST",   "/tai-khoan/thu-dien-tu",           AnySignedIn, Form("email=")),
    ("GET",    "/quan-tri/thu-di",                 Admin,       Body::None),
    ("POST",   "/quan-tri/thu-di/thu-thu",         Admin,       Form("email=khong-hop-le")),
    ("POST",   "/quan-tri/thu-di/gui-lai",         Admin,       Form("id=999999")),
    ("POST",   "/thong-bao/da-doc",                AnySignedIn, Form("")),
    ("GET",    "/api/v1/notifications",            AnySignedIn, Body::None),
    ("POST",   "/api/v1/notifications/read",       AnySignedIn, Json("{}")),
    ("POST",   "/tai-khoan/dang-xuat-moi-noi",     AnySignedIn, Form("")),

    ("GET",    "/tai-khoan/mat-khau",              AnySignedIn, Body::None),
    ("POST",   "/tai-khoan/mat-khau",              AnySignedIn, Form("current_password=sai&new_password=x&new_password_confirm=x")),
    // Administration pages
    ("GET",    "/quan-tri/tai-khoan",              Admin,       Body::None),
    ("GET",    "/quan-tri/tai-khoan/moi",          Admin,       Body::None),
    ("POST",   "/quan-tri/tai-khoan",              Admin,       Form("username=x&role=admin")),
    ("GET",    "/quan-tri/tai-khoan/<id>",         Admin,       Body::None),
    ("POST",   "/quan-tri/tai-khoan/<id>",         Admin,       Form("display_name=Matrix&role=office_staff")),
    ("POST",   "/quan-tri/tai-khoan/<id>/mat-khau", Admin,      Form("new_password=ngan")),
    ("GET",    "/quan-tri/don-vi",                 Admin,       Body::None),
    ("GET",    "/quan-tri/don-vi/moi",             Admin,       Body::None),
    ("POST",   "/quan-tri/don-vi",                 Admin,       Form("name=")),
    ("GET",    "/quan-tri/don-vi/<id>",            Admin,       Body::None),
    ("POST",   "/quan-tri/don-vi/<id>",            Admin,       Form("name=")),
    ("GET",    "/quan-tri/can-bo",                 Admin,       Body::None),
    ("GET",    "/quan-tri/can-bo/moi",             Admin,       Body::None),
    ("POST",   "/quan-tri/can-bo",                 Admin,       Form("full_name=")),
    ("GET",    "/quan-tri/can-bo/<id>",            Admin,       Body::None),
    ("POST",   "/quan-tri/can-bo/<id>",            Admin,       Form("full_name=")),
    ("GET",    "/quan-tri/phong-hop",              Admin,       Body::None),
    ("GET",    "/quan-tri/phong-hop/moi",          Admin,       Body::None),
    ("POST",   "/quan-tri/phong-hop",              Admin,       Form("name=")),
    ("GET",    "/quan-tri/phong-hop/<id>",         Admin,       Body::None),
    ("POST",   "/quan-tri/phong-hop/<id>",         Admin,       Form("name=")),
    ("GET",    "/quan-tri/nhat-ky-dang-nhap",      Admin,       Body::None),
    // Meeting requests and the workflow (the fixture's meeting belongs to agency A)
    ("GET",    "/api/v1/meetings",                 AnySignedIn, Body::None),
    ("POST",   "/api/v1/meetings",                 AnySignedIn, Json("{}")),
    ("GET",    "/api/v1/meetings/<id>",            AgencyA,     Body::None),
    ("PATCH",  "/api/v1/meetings/<id>",            AgencyA,     Json(r#"{"title":"Sửa","starts_at":"2027-05-03T08:00","ends_at":"2027-05-03T09:00"}"#)),
    ("GET",    "/api/v1/meetings/<id>/events",     AgencyA,     Body::None),
    ("GET",    "/api/v1/meetings/<id>/occurrences", AgencyA,    Body::None),
    ("GET",    "/api/v1/meetings/<id>/approval-preview", Office, Body::None),
    ("POST",   "/api/v1/meetings/<id>/submit",     AgencyA,     Body::None),
    ("POST",   "/api/v1/meetings/<id>/withdraw",   ClerkOfA,    Body::None),
    ("POST",   "/api/v1/meetings/<id>/review",     Office,      Body::None),
    ("PUT",    "/api/v1/meetings/<id>/follower",   Office,      Json(r#"{"follower_id":null}"#)),
    ("POST",   "/api/v1/meetings/<id>/return",     Office,      Json(r#"{"reason":"Bổ sung"}"#)),
    ("POST",   "/api/v1/meetings/<id>/approve",    Approver,    Body::None),
    ("POST",   "/api/v1/meetings/<id>/reject",     Approver,    Json(r#"{"reason":"Không phù hợp"}"#)),
    ("POST",   "/api/v1/meetings/<id>/reschedule", Approver,    Json(r#"{"starts_at":"2027-05-03T14:00","reason":"Dời"}"#)),
    ("POST",   "/api/v1/meetings/<id>/cancel",     Approver,    Json(r#"{"reason":"Hủy"}"#)),
    ("POST",   "/api/v1/meetings/<id>/postpone",   Approver,    Json(r#"{"reason":"Hoãn"}"#)),
    ("POST",   "/api/v1/meetings/<id>/accept-proposal", ClerkOfA, Body::None),
    ("POST",   "/api/v1/meetings/<id>/change-chair", Approver,  Json(r#"{"reason":"Thay","chair_id":1}"#)),
    ("POST",   "/api/v1/meetings/<id>/occurrences/<date>/cancel", Approver, Json(r#"{"reason":"Hủy buổi"}"#)),
    ("POST",   "/api/v1/meetings/<id>/occurrences/<date>/reschedule", Approver, Json(r#"{"starts_at":"2027-05-03T15:00"}"#)),
    ("POST",   "/api/v1/meetings/<id>/occurrences/<date>/reschedule-following", Approver, Json(r#"{"starts_at":"2027-05-03T15:00","reason":"Dời"}"#)),
    ("POST",   "/api/v1/meetings/<id>/split",      AgencyA,     Json(r#"{"from":"2027-05-10"}"#)),
    // The weekly schedule and the API's own description
    ("GET",    "/api/v1/schedule/<week>",          Public,      Body::None),
    ("GET",    "/api/v1/schedule/<week>/revisions", Public,     Body::None),
    ("GET",    "/api/v1/schedule/<week>/draft",    Office,      Body::None),
    ("POST",   "/api/v1/schedule/<week>/publish",  Approver,    Body::None),
    ("GET",    "/api/openapi.json",                Public,      Body::None),
    ("GET",    "/lich-cong-tac",                   Public,      Body::None),
    ("GET",    "/lich-cong-tac/<week>/docx",       Public,      Body::None),
    ("POST",   "/lich-cong-tac/phat-hanh",         Approver,    Form("tuan=2027-05-03")),
    ("GET",    "/man-hinh",                        Public,      Body::None),
    // Pages of meeting requests
    ("GET",    "/cuoc-hop/<id>",                   AgencyA,     Body::None),
    ("POST",   "/cuoc-hop/<id>/gui-duyet",         AgencyA,     Form("")),
    ("POST",   "/cuoc-hop/<id>/rut",               ClerkOfA,    Form("confirmed=true")),
    ("POST",   "/cuoc-hop/<id>/tham-dinh",         Office,      Form("")),
    ("POST",   "/cuoc-hop/<id>/tra-lai",           Office,      Form("reason=B%E1%BB%95+sung")),
    ("POST",   "/cuoc-hop/<id>/duyet",             Approver,    Form("")),
    ("POST",   "/cuoc-hop/<id>/theo-doi",          Office,      Form("")),
    ("POST",   "/cuoc-hop/<id>/tu-choi",           Approver,    Form("reason=Kh%C3%B4ng&confirmed=true")),
    ("POST",   "/cuoc-hop/<id>/huy",               Approver,    Form("reason=H%E1%BB%A7y&confirmed=true")),
    ("POST",   "/cuoc-hop/<id>/doi-lich",          Approver,    Form("reason=D%E1%BB%9Di&starts_at=2027-05-03T14%3A00")),
    ("POST",   "/cuoc-hop/<id>/doi-chu-tri",       Approver,    Form("reason=Thay&chair_id=1")),
    ("POST",   "/cuoc-hop/<id>/tam-hoan",          Approver,    Form("reason=Ho%C3%A3n&confirmed=true")),
    ("POST",   "/cuoc-hop/<id>/nhan-de-xuat",      ClerkOfA,    Form("")),
    ("GET",    "/hang-doi",                        Office,      Body::None),
    ("GET",    "/dang-ky",                         AnySignedIn, Body::None),
    ("GET",    "/dang-ky/moi",                     AnySignedIn, Body::None),
    ("POST",   "/dang-ky",                         AnySignedIn, Form("title=")),
    ("GET",    "/api/v1/occurrences",              AnySignedIn, Body::None),
    // The request form's help: live check, find a time, edit while editable
    ("POST",   "/dang-ky/kiem-tra",                AnySignedIn, Form("day=2027-05-03&start=10%3A00&end=11%3A00")),
    ("POST",   "/dang-ky/tim-gio",                 AnySignedIn, Form("duration=60&find_from=2027-05-03&find_to=2027-05-04")),
    ("GET",    "/cuoc-hop/<id>/sua",               ClerkOfA,    Body::None),
    ("POST",   "/cuoc-hop/<id>/sua",               ClerkOfA,    Form("title=")),
    ("GET",    "/cuoc-hop/<id>/tim-gio",           AgencyA,     Body::None),
    ("POST",   "/cuoc-hop/<id>/tai-lieu",          AgencyA,     Body::PageMultipart("tai-lieu.pdf")),
    ("GET",    "/cuoc-hop/<id>/tai-lieu/<doc>",    AgencyA,     Body::None),
    ("POST",   "/cuoc-hop/<id>/tai-lieu/<doc>/xoa", AgencyARemoves, Form("")),
    // Conflicts, find a time, closures and working days, documents
    ("POST",   "/api/v1/conflicts",                AnySignedIn, Json("{}")),
    ("GET",    "/api/v1/meetings/<id>/conflicts",  AgencyA,     Body::None),
    ("GET",    "/api/v1/availability",             AnySignedIn, Body::None),
    ("GET",    "/api/v1/closures",                 AnySignedIn, Body::None),
    ("POST",   "/api/v1/closures",                 Admin,       Json("{}")),
    ("DELETE", "/api/v1/closures/<id>",            Admin,       Body::None),
    ("POST",   "/api/v1/closures/holidays/<year>", Admin,       Body::None),
    ("GET",    "/api/v1/working-days",             AnySignedIn, Body::None),
    ("POST",   "/api/v1/working-days",             Admin,       Json("{}")),
    ("DELETE", "/api/v1/working-days/<id>",        Admin,       Body::None),
    ("GET",    "/api/v1/national-days",            AnySignedIn, Body::None),
    ("PUT",    "/api/v1/national-days/<year>",     Admin,       Json(r#"{"second_day":3}"#)),
    ("POST",   "/api/v1/meetings/<id>/documents",  AgencyA,     Body::Multipart("tai-lieu.pdf")),
    ("GET",    "/api/v1/meetings/<id>/documents",  AgencyA,     Body::None),
    ("GET",    "/api/v1/documents/due",            AnySignedIn, Body::None),
    ("GET",    "/api/v1/documents/<id>",           AgencyA,     Body::None),
    ("DELETE", "/api/v1/documents/<id>",           AgencyARemoves, Body::None),
    // iCalendar feeds and import
    ("GET",    "/feeds/<file>",                    Public,      Body::None),
    ("GET",    "/api/v1/feed-tokens",              AnySignedIn, Body::None),
    ("POST",   "/api/v1/feed-tokens",              AnySignedIn, Json("{}")),
    ("DELETE", "/api/v1/feed-tokens/<id>",         AgencyARemoves, Body::None),
    ("POST",   "/api/v1/import/meeting",           AnySignedIn, Body::None),
    ("POST",   "/api/v1/import/closures",          Admin,       Body::None),
    ("GET",    "/api/v1/settings",                 AnySignedIn, Body::None),
    ("PUT",    "/api/v1/settings",                 Admin,       Json("{}")),
    // Reports
    ("GET",    "/api/v1/reports",                  Office,      Body::None),
    ("GET",    "/bao-cao",                         Office,      Body::None),
    ("GET",    "/bao-cao/tai-ve",                  Office,      Body::None),
    // Calendars and the dashboard
    ("GET",    "/lich-phong",                      AnySignedIn, Body::None),
    ("GET",    "/lich-phong/ngay",                 AnySignedIn, Body::None),
    ("GET",    "/lich-lanh-dao",                   Office,      Body::None),
    ("GET",    "/lich-phong/thang",                AnySignedIn, Body::None),
    ("GET",    "/lich-lanh-dao/thang",             Office,      Body::None),
    ("GET",    "/viec-can-lam",                    AnySignedIn, Body::None),
    // The feeds page (own tokens only: another's is "not found", whatever the role)
    ("GET",    "/lich-cua-toi",                    AnySignedIn, Body::None),
    ("POST",   "/lich-cua-toi",                    AnySignedIn, Form("scope=agency")),
    ("POST",   "/lich-cua-toi/<id>/cap-lai",       ClerkOfA,    Form("")),
    ("POST",   "/lich-cua-toi/<id>/thu-hoi",       ClerkOfA,    Form("")),
    // Settings and closures pages
    ("GET",    "/quan-tri/cai-dat",                Admin,       Body::None),
    ("POST",   "/quan-tri/cai-dat",                Admin,       Form("office_opens=x")),
    ("GET",    "/quan-tri/ngay-nghi",              Admin,       Body::None),
    ("POST",   "/quan-tri/ngay-nghi",              Admin,       Form("starts_on=")),
    ("POST",   "/quan-tri/ngay-nghi/<id>/xoa",     Admin,       Form("")),
    ("POST",   "/quan-tri/ngay-le/<year>", Admin,     Form("")),
    ("POST",   "/quan-tri/quoc-khanh/<year>", Admin,  Form("second_day=3")),
    ("POST",   "/quan-tri/ngay-nghi/nhap-ics",     Admin,       Body::Upload("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")),
    ("POST",   "/quan-tri/ngay-lam-bu",            Admin,       Form("on_date=")),
    ("POST",   "/quan-tri/ngay-lam-bu/<id>/xoa",   Admin,       Form("")),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Who {
    Anonymous,
    ClerkA,
    ClerkB,
    Staff,
    Approver,
    Admin,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::ClerkA,
    Who::ClerkB,
    Who::Staff,
    Who::Approver,
    Who::Admin,
];

fn allowed(rule: Rule, who: Who) -> bool {
    match rule {
        Public => true,
        AnySignedIn => who != Who::Anonymous,
        Clerk => matches!(who, Who::ClerkA | Who::ClerkB),
        Office => matches!(who, Who::Staff | Who::Approver | Who::Admin),
        Rule::Approver => matches!(who, Who::Approver | Who::Admin),
        Rule::Admin => who == Who::Admin,
        AgencyA => matches!(who, Who::ClerkA | Who::Staff | Who::Approver | Who::Admin),
        ClerkOfA => who == Who::ClerkA,
        AgencyARemoves => allowed(AgencyA, who),
    }
}

/// Routes that end the caller's sessions: the matrix signs the principal in again after them.
const ENDS_SESSIONS: &[&str] = &["/tai-khoan/dang-xuat-moi-noi"];

/// The objects whose ids fill the paths.
struct Fixture {
    agency_a: i32,
    /// An account no principal signs in with, so that changing it harms no later request.
    victim_account: i32,
    person: i32,
    room: i32,
    /// A token of the admin other than the one the matrix signs in with.
    spare_token: i32,
    /// A meeting request of agency A, on 3/5/2027.
    meeting: i32,
    closure: i32,
    working_day: i32,
    /// Another closure and make-up day, removed through the page (the API removes the first).
    page_closure: i32,
    page_working_day: i32,
    /// A feed token of agency A, made by clerk A.
    feed_token: i32,
    /// Another, renewed then revoked through the page (the API revokes the first).
    page_feed_token: i32,
    /// Documents of the meeting, uploaded by clerk A: one to read, one to remove.
    document: i32,
    document_to_remove: i32,
    /// A third document, removed through the meeting's page.
    page_document_to_remove: i32,
}

impl Fixture {
    /// The id that fills `<id>` in `path`. A new kind of path needs a line here.
    fn id_for(&self, method: &str, path: &str) -> i32 {
        if method == "DELETE" && path.starts_with("/api/v1/documents/") {
            return self.document_to_remove;
        }
        let prefixes: &[(&str, i32)] = &[
            ("/api/v1/accounts/", self.victim_account),
            ("/api/v1/agencies/", self.agency_a),
            ("/api/v1/persons/", self.person),
            ("/api/v1/rooms/", self.room),
            ("/api/v1/tokens/", self.spare_token),
            ("/api/v1/meetings/", self.meeting),
            ("/cuoc-hop/", self.meeting),
            ("/api/v1/closures/", self.closure),
            ("/api/v1/working-days/", self.working_day),
            ("/api/v1/documents/", self.document),
            ("/api/v1/feed-tokens/", self.feed_token),
            ("/quan-tri/tai-khoan/", self.victim_account),
            ("/quan-tri/don-vi/", self.agency_a),
            ("/quan-tri/can-bo/", self.person),
            ("/quan-tri/phong-hop/", self.room),
            ("/lich-cua-toi/", self.page_feed_token),
            ("/quan-tri/ngay-nghi/", self.page_closure),
            ("/quan-tri/ngay-lam-bu/", self.page_working_day),
        ];
        prefixes
            .iter()
            .find(|(p, _)| path.starts_with(p))
            .map(|(_, id)| *id)
            .unwrap_or_else(|| {
                panic!("authz_matrix: say which object fills <id> in {path} (Fixture::id_for)")
            })
    }

    /// The path with its parameters filled: `<id>` by [`Fixture::id_for`], others by name.
    fn fill(&self, method: &str, path: &str) -> String {
        let mut uri = path.to_string();
        if uri.contains("<id>") {
            uri = uri.replace("<id>", &self.id_for(method, path).to_string());
        }
        let doc = if path.ends_with("/xoa") {
            self.page_document_to_remove
        } else {
            self.document
        };
        uri.replace("<doc>", &doc.to_string())
            .replace("<code>", "vi")
            .replace("<date>", "2027-05-03")
            .replace("<week>", "2027-05-03")
            .replace("<year>", "2027")
            .replace("<file>", "public.ics")
            .replace("<asset>", "lichhop.css")
            .replace("<token>", MATRIX_ANSWER_TOKEN)
            .replace("<person_id>", "1")
    }
}

/// The secret of the answer link the matrix follows (its hash is stored by the fixture).
const MATRIX_ANSWER_TOKEN: &str =
    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

#[rocket::async_test]
async fn every_route_allows_and_denies_as_the_table_says() {
    let app = spawn_app().await;
    let agency_a = app.agency("Sở Tài chính").await;
    let agency_b = app.agency("Sở Y tế").await;
    let mut tokens: HashMap<&str, String> = HashMap::new();
    let principals = [
        (
            Who::ClerkA,
            app.principal("matrix.clerk.a", Role::AgencyClerk, Some(agency_a.id))
                .await,
        ),
        (
            Who::ClerkB,
            app.principal("matrix.clerk.b", Role::AgencyClerk, Some(agency_b.id))
                .await,
        ),
        (
            Who::Staff,
            app.principal("matrix.staff", Role::OfficeStaff, None).await,
        ),
        (
            Who::Approver,
            app.principal("matrix.approver", Role::OfficeApprover, None)
                .await,
        ),
        (
            Who::Admin,
            app.principal("matrix.admin", Role::Admin, None).await,
        ),
    ];
    let victim = app.principal("matrix", Role::OfficeStaff, None).await;
    let admin_id = principals[4].1.account.id;
    let (spare, _) = lichhop::auth::tokens::issue(app.db(), admin_id, "spare")
        .await
        .unwrap();
    let person = lichhop::domain::persons::save(
        app.db(),
        None,
        lichhop::domain::persons::PersonInput {
            full_name: "Nguyễn Văn An".into(),
            position: "Chủ tịch UBND tỉnh".into(),
            agency_id: agency_a.id,
            email: None,
            phone: None,
            is_leader: true,
            sort_order: 0,
            active: true,
        },
    )
    .await
    .unwrap();
    let room = lichhop::domain::rooms::save(
        app.db(),
        None,
        lichhop::domain::rooms::RoomInput {
            name: "Phòng họp số 1".into(),
            building: "Trụ sở".into(),
            floor: None,
            capacity: 20,
            bookable: true,
            notes: None,
            sort_order: 0,
            equipment: vec![],
        },
    )
    .await
    .unwrap();
    let meeting = lichhop::domain::registration::create(
        app.db(),
        &lichhop::domain::registration::Actor {
            account_id: principals[0].1.account.id,
            agency_id: Some(agency_a.id),
            office: false,
        },
        lichhop::domain::registration::MeetingInput {
            title: "Họp của Sở Tài chính".into(),
            room_id: Some(room.room.id),
            starts_at: "2027-05-03T08:00".into(),
            ends_at: "2027-05-03T09:00".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    app.answer_link(
        &principals[0].1,
        agency_a.id,
        person.id,
        MATRIX_ANSWER_TOKEN,
    )
    .await;
    let closure = lichhop::domain::closures::create(
        app.db(),
        principals[4].1.account.id,
        serde_json::from_value(serde_json::json!({"starts_on": "2027-06-01", "reason": "Bảo trì"}))
            .unwrap(),
    )
    .await
    .unwrap();
    let working_day = lichhop::domain::closures::add_working_day(
        app.db(),
        serde_json::from_value(serde_json::json!({"on_date": "2027-06-05", "reason": "Làm bù"}))
            .unwrap(),
    )
    .await
    .unwrap();
    let page_closure = lichhop::domain::closures::create(
        app.db(),
        principals[4].1.account.id,
        serde_json::from_value(serde_json::json!({"starts_on": "2027-06-02", "reason": "Bảo trì"}))
            .unwrap(),
    )
    .await
    .unwrap();
    let page_working_day = lichhop::domain::closures::add_working_day(
        app.db(),
        serde_json::from_value(serde_json::json!({"on_date": "2027-06-12", "reason": "Làm bù"}))
            .unwrap(),
    )
    .await
    .unwrap();
    let (status, document) = crate::documents::upload_as(
        &app,
        &principals[0].1,
        meeting.id as i64,
        "file",
        "bao-cao.pdf",
        MATRIX_PDF,
    )
    .await;
    assert_eq!(status, Status::Created, "{document}");
    let (status, to_remove) = crate::documents::upload_as(
        &app,
        &principals[0].1,
        meeting.id as i64,
        "file",
        "bao-cao-cu.pdf",
        b"%PDF-1.4\n% another\n%%EOF\n",
    )
    .await;
    assert_eq!(status, Status::Created, "{to_remove}");
    let (status, page_to_remove) = crate::documents::upload_as(
        &app,
        &principals[0].1,
        meeting.id as i64,
        "file",
        "giay-moi.pdf",
        b"%PDF-1.4\n% a third\n%%EOF\n",
    )
    .await;
    assert_eq!(status, Status::Created, "{page_to_remove}");
    let (feed_token, _) = lichhop::feeds::tokens::create(
        app.db(),
        &lichhop::auth::Caller {
            account: principals[0].1.account.clone(),
            token_id: None,
        },
        serde_json::from_value(serde_json::json!({"scope": "agency", "agency_id": agency_a.id}))
            .unwrap(),
    )
    .await
    .unwrap();
    let (page_feed_token, _) = lichhop::feeds::tokens::create(
        app.db(),
        &lichhop::auth::Caller {
            account: principals[0].1.account.clone(),
            token_id: None,
        },
        serde_json::from_value(serde_json::json!({"scope": "agency", "agency_id": agency_a.id}))
            .unwrap(),
    )
    .await
    .unwrap();
    let fixture = Fixture {
        feed_token: feed_token.id,
        page_feed_token: page_feed_token.id,
        document_to_remove: to_remove["id"].as_i64().unwrap() as i32,
        page_document_to_remove: page_to_remove["id"].as_i64().unwrap() as i32,
        closure: closure.id,
        working_day: working_day.id,
        page_closure: page_closure.id,
        page_working_day: page_working_day.id,
        document: document["id"].as_i64().unwrap() as i32,
        meeting: meeting.id,
        agency_a: agency_a.id,
        victim_account: victim.account.id,
        person: person.id,
        room: room.room.id,
        spare_token: spare.id,
    };
    for (who, p) in &principals {
        tokens.insert(name_of(*who), p.token.clone());
    }
    // Each principal's browser, signed in through the sign-in page (anonymous: only read it).
    let mut browsers: HashMap<Who, Browser> = HashMap::new();
    for who in EVERYONE {
        let mut b = Browser::new(&app);
        match principals.iter().find(|(w, _)| *w == who) {
            Some((_, p)) => {
                let signed = b.sign_in(&p.account.username, PRINCIPAL_PASSWORD).await;
                assert_eq!(signed.status, Status::SeeOther, "{who:?} signs in");
            }
            None => {
                b.get("/dang-nhap").await;
            }
        }
        browsers.insert(who, b);
    }

    let table: HashMap<(&str, &str), (Rule, Body)> = TABLE
        .iter()
        .map(|(m, p, r, b)| ((*m, *p), (*r, *b)))
        .collect();
    let mut failures = Vec::new();
    let mut cells = 0;
    // In a fixed order, so that a cell that changes state (approve, cancel…) does so at the same
    // point in every run.
    let mut routes: Vec<_> = app.client.rocket().routes().collect();
    routes.sort_by_key(|r| (r.uri.path().to_string(), r.method.as_str()));
    for route in routes {
        let method = route.method.as_str();
        let path = route.uri.path();
        let Some((rule, body)) = table.get(&(method, path)).copied() else {
            failures.push(format!(
                "{method} {path}: not in the authorization table; add a line to TABLE in tests/api/authz_matrix.rs"
            ));
            continue;
        };
        let uri = fixture.fill(method, path);
        let mut removed = false;
        for who in EVERYONE {
            let mut req = app.client.req(route.method, uri.clone());
            if uri.starts_with("/api/") {
                if let Some(token) = tokens.get(name_of(who)) {
                    req = req.header(Header::new("Authorization", format!("Bearer {token}")));
                }
            } else {
                req = browsers[&who].with_cookies(req);
            }
            match body {
                Body::None => {}
                Json(text) => req = req.header(ContentType::JSON).body(text),
                Body::Multipart(name) => {
                    req = req
                        .header(
                            ContentType::new("multipart", "form-data")
                                .with_params(("boundary", crate::documents::BOUNDARY)),
                        )
                        .body(crate::documents::multipart("file", name, MATRIX_PDF))
                }
                Body::Upload(text) => {
                    let csrf = browsers[&who].csrf.clone().unwrap_or_default();
                    let b = crate::documents::BOUNDARY;
                    req = req
                        .header(
                            ContentType::new("multipart", "form-data").with_params(("boundary", b)),
                        )
                        .body(format!(
                            "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
                             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.ics\"\r\n\
                             Content-Type: text/calendar\r\n\r\n{text}\r\n--{b}--\r\n"
                        ))
                }
                Body::PageMultipart(name) => {
                    let csrf = browsers[&who].csrf.clone().unwrap_or_default();
                    let body = crate::document_pages::page_multipart(Some(&csrf), name, MATRIX_PDF);
                    req = req
                        .header(
                            ContentType::new("multipart", "form-data")
                                .with_params(("boundary", crate::documents::BOUNDARY)),
                        )
                        .body(body)
                }
                Form(text) => {
                    let csrf = browsers[&who].csrf.clone().unwrap_or_default();
                    req = req
                        .header(ContentType::Form)
                        .body(format!("csrf={csrf}&{text}"));
                }
            }
            let status = req.dispatch().await.status();
            cells += 1;
            if ENDS_SESSIONS.contains(&path) {
                if let Some((_, p)) = principals.iter().find(|(w, _)| *w == who) {
                    let b = browsers.get_mut(&who).expect("a browser per principal");
                    b.sign_in(&p.account.username, PRINCIPAL_PASSWORD).await;
                }
            }
            let denied = matches!(
                status,
                Status::Unauthorized | Status::Forbidden | Status::NotFound
            );
            let expected = allowed(rule, who);
            if rule == AgencyARemoves && expected && status == Status::NotFound && removed {
                continue;
            }
            // A page's removal answers with a redirect (303), the API's with 204.
            if rule == AgencyARemoves && expected && status.code < 400 {
                removed = true;
            }
            if status.code >= 500 {
                failures.push(format!("{method} {uri} as {who:?}: {status}"));
            } else if denied == expected {
                let want = if expected { "allowed" } else { "denied" };
                failures.push(format!(
                    "{method} {uri} as {who:?}: {status}, expected {want} ({rule:?})"
                ));
            } else if !expected && who == Who::Anonymous && status != Status::Unauthorized {
                failures.push(format!(
                    "{method} {uri} anonymously: {status}, expected 401"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        cells >= TABLE.len() * EVERYONE.len(),
        "every route of the table is mounted"
    );
}

fn name_of(who: Who) -> &'static str {
    match who {
        Who::Anonymous => "anonymous",
        Who::ClerkA => "clerk_a",
        Who::ClerkB => "clerk_b",
        Who::Staff => "staff",
        Who::Approver => "approver",
        Who::Admin => "admin",
    }
}

#[test]
fn the_table_has_one_line_per_route() {
    let mut seen = std::collections::HashSet::new();
    for (m, p, _, _) in TABLE {
        assert!(seen.insert((m, p)), "{m} {p} twice in TABLE");
        assert!(m.parse::<Method>().is_ok(), "{m}");
    }
}
