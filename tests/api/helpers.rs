//! `spawn_app()` builds the real application on a fresh database for each test.

use lichhop::db::Db;
use rocket::figment::Figment;
use rocket::http::{ContentType, Header, Method, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use serde_json::Value;

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

pub struct TestApp {
    pub client: Client,
    pub database_url: String,
    pub data_dir: tempfile::TempDir,
}

/// Which database the suite runs on.
pub fn test_backend() -> &'static str {
    match std::env::var("LICHHOP_TEST_DB").as_deref() {
        Ok("postgres") => "postgres",
        _ => "sqlite",
    }
}

/// A database URL of its own for one test: a temp SQLite file, or a new PostgreSQL database.
pub async fn fresh_database_url(data_dir: &std::path::Path) -> String {
    if test_backend() == "postgres" {
        fresh_postgres_database().await
    } else {
        format!("sqlite://{}?mode=rwc", data_dir.join("test.db").display())
    }
}

async fn fresh_postgres_database() -> String {
    use sea_orm::{ConnectionTrait, Database};
    let base = std::env::var("LICHHOP_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let name = format!("lichhop_t_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&base)
        .await
        .expect("PostgreSQL reachable for tests");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let (prefix, _) = base.rsplit_once('/').expect("URL has a database name");
    format!("{prefix}/{name}")
}

/// The app's warnings and errors (e.g. the cause of a 500) go to the test's output, which the
/// test harness shows when the test fails.
fn log_warnings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("lichhop=warn"))
            .with_test_writer()
            .try_init();
    });
}

/// The figment a test app runs with: fresh data directory and database, known admin password.
pub fn test_figment(data_dir: &std::path::Path, database_url: &str) -> Figment {
    rocket::Config::figment()
        .merge(("data_dir", data_dir.display().to_string()))
        .merge(("database_url", database_url))
        .merge(("admin_password", ADMIN_PASSWORD))
        // Feeds check the database on every request, so a change shows at once in tests.
        .merge(("feed_recheck_ms", 0))
        // The scheduled jobs (digest, agendas, reminders) run when a test says so.
        .merge(("jobs_poll_ms", 0))
        .merge(("log_level", "off"))
        .merge(("cli_colors", false))
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The app with extra configuration keys, e.g. `("session_idle_minutes", json!(0))`.
/// The client does not track cookies: each test says which cookies a request carries (see
/// [`Browser`]), so that several people can use one app in one test.
pub async fn spawn_app_with(settings: &[(&str, Value)]) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database_url(data_dir.path()).await;
    spawn_app_on(data_dir, database_url, settings).await
}

/// The app on a given data directory and database (e.g. again on the same ones, as after a
/// restart).
pub async fn spawn_app_on(
    data_dir: tempfile::TempDir,
    database_url: String,
    settings: &[(&str, Value)],
) -> TestApp {
    log_warnings();
    let mut figment = test_figment(data_dir.path(), &database_url);
    for (key, value) in settings {
        figment = figment.merge((*key, value.clone()));
    }
    let rocket = lichhop::app::build(figment).await.expect("app builds");
    let client = Client::untracked(rocket).await.expect("valid rocket");
    TestApp {
        client,
        database_url,
        data_dir,
    }
}

impl TestApp {
    pub fn db(&self) -> &Db {
        self.client.rocket().state::<Db>().expect("Db is managed")
    }

    pub async fn get(&self, path: &str) -> LocalResponse<'_> {
        self.client.get(path.to_string()).dispatch().await
    }

    /// GET and parse JSON, asserting the status.
    pub async fn get_json(&self, path: &str, expect: Status) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), expect, "GET {path}");
        assert_eq!(res.content_type(), Some(ContentType::JSON), "GET {path}");
        res.into_json().await.expect("JSON body")
    }
}

/// The password of every account made by [`TestApp::principal`].
pub const PRINCIPAL_PASSWORD: &str = "mat-khau-thu-nghiem";

/// A principal of the authorization rules, with an account and a Bearer token.
#[allow(dead_code)]
pub struct Principal {
    pub account: entity::account::Model,
    pub token: String,
}

impl TestApp {
    /// Creates an account with `role` (and agency, for clerks) and an API token for it.
    pub async fn principal(
        &self,
        username: &str,
        role: entity::Role,
        agency_id: Option<i32>,
    ) -> Principal {
        use sea_orm::{ActiveModelTrait, Set};
        let db = self.db();
        let account = entity::account::ActiveModel {
            username: Set(username.into()),
            display_name: Set(format!("Tài khoản {username}")),
            password_hash: Set(lichhop::domain::password::hash(PRINCIPAL_PASSWORD).unwrap()),
            role: Set(role),
            agency_id: Set(agency_id),
            person_id: Set(None),
            disabled: Set(false),
            session_epoch: Set(0),
            created_at: Set(lichhop::domain::clock::now()),
            last_sign_in_at: Set(None),
            ..Default::default()
        }
        .insert(&db.conn)
        .await
        .expect("account");
        let (_, token) = lichhop::auth::tokens::issue(db, account.id, "tests")
            .await
            .unwrap();
        Principal { account, token }
    }
}

impl TestApp {
    /// A request to the API with a Bearer token (or none) and a JSON body (or none).
    pub async fn api(
        &self,
        method: rocket::http::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> LocalResponse<'_> {
        let mut req = self.client.req(method, path.to_string());
        if let Some(t) = token {
            req = req.header(Header::new("Authorization", format!("Bearer {t}")));
        }
        if let Some(b) = body {
            req = req.header(ContentType::JSON).body(b.to_string());
        }
        req.dispatch().await
    }

    /// An agency for fixtures.
    pub async fn agency(&self, name: &str) -> entity::agency::Model {
        lichhop::domain::agencies::save(
            self.db(),
            None,
            lichhop::domain::agencies::AgencyInput {
                name: name.into(),
                short_name: name.chars().take(10).collect(),
                kind: entity::AgencyKind::SoBanNganh,
                email: None,
                active: true,
                sort_order: 0,
            },
        )
        .await
        .expect("agency")
    }

    /// Asks for a new API token with a username and password, from a client address (the
    /// connection's peer).
    pub async fn request_token(
        &self,
        username: &str,
        password: &str,
        ip: &str,
    ) -> LocalResponse<'_> {
        let peer: std::net::IpAddr = ip.parse().expect("an IP address");
        self.client
            .post("/api/v1/tokens")
            .header(ContentType::JSON)
            .remote((peer, 40000).into())
            .body(
                serde_json::json!({"username": username, "password": password, "name": "t"})
                    .to_string(),
            )
            .dispatch()
            .await
    }
}

/// The JSON body of a response, with its status checked.
pub async fn json_of(res: LocalResponse<'_>, expect: Status) -> Value {
    let status = res.status();
    let body = res.into_string().await.unwrap_or_default();
    assert_eq!(status, expect, "body: {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

impl TestApp {
    /// Sends an API request that must be refused with 422, and returns the field it names.
    pub async fn refused_field(
        &self,
        method: rocket::http::Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> String {
        let res = self.api(method, path, token, Some(body)).await;
        let body = json_of(res, Status::UnprocessableEntity).await;
        assert_eq!(body["error"], "validation", "{body}");
        body["field"].as_str().unwrap_or_default().to_string()
    }
}

/// A web browser of one person: keeps its cookies (the client tracks none) and the CSRF token
/// of the last page it read.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: std::collections::BTreeMap<String, String>,
    pub csrf: Option<String>,
}

/// What a page request answered.
pub struct PageAnswer {
    pub status: Status,
    pub body: String,
    pub location: Option<String>,
}

/// `application/x-www-form-urlencoded` encoding of the fields.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    use lichhop::web::page::encode_component as enc;
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Browser {
            app,
            cookies: Default::default(),
            csrf: None,
        }
    }

    /// Adds this browser's cookies to a request.
    pub fn with_cookies<'c>(
        &self,
        mut req: rocket::local::asynchronous::LocalRequest<'c>,
    ) -> rocket::local::asynchronous::LocalRequest<'c> {
        for (name, value) in &self.cookies {
            req = req.cookie(rocket::http::Cookie::new(name.clone(), value.clone()));
        }
        req
    }

    async fn send(&mut self, req: rocket::local::asynchronous::LocalRequest<'_>) -> PageAnswer {
        let res = self.with_cookies(req).dispatch().await;
        for c in res.cookies().iter() {
            let removed = c.max_age().is_some_and(|a| a.is_zero() || a.is_negative())
                || c.expires_datetime()
                    .is_some_and(|t| t < rocket::time::OffsetDateTime::now_utc());
            if removed || c.value().is_empty() {
                self.cookies.remove(c.name());
            } else {
                self.cookies
                    .insert(c.name().to_string(), c.value().to_string());
            }
        }
        let status = res.status();
        let location = res.headers().get_one("Location").map(str::to_string);
        let body = res.into_string().await.unwrap_or_default();
        if let Some(token) = hidden_csrf(&body) {
            self.csrf = Some(token);
        }
        PageAnswer {
            status,
            body,
            location,
        }
    }

    pub async fn get(&mut self, path: &str) -> PageAnswer {
        let req = self.app.client.get(path.to_string());
        self.send(req).await
    }

    /// Posts a form with this browser's CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> PageAnswer {
        let csrf = self.csrf.clone().unwrap_or_default();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, form_body(&all)).await
    }

    pub async fn post_raw(&mut self, path: &str, body: String) -> PageAnswer {
        let req = self
            .app
            .client
            .post(path.to_string())
            .header(ContentType::Form)
            .body(body);
        self.send(req).await
    }

    /// Reads the sign-in page, then signs in and, like a browser, follows the redirect (which
    /// brings the fresh CSRF token); returns the answer to the form.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> PageAnswer {
        self.get("/dang-nhap").await;
        let answer = self
            .post(
                "/dang-nhap",
                &[("username", username), ("password", password)],
            )
            .await;
        if let Some(next) = answer.location.clone() {
            self.get(&next).await;
        }
        answer
    }
}

/// The text of a page's notice (what was just done).
pub fn notice(body: &str) -> &str {
    body.split("<p class=\"notice\" role=\"status\">")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_else(|| panic!("a notice in {body}"))
}

fn hidden_csrf(page: &str) -> Option<String> {
    let at = page.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(page[at..].split('"').next()?.to_string())
}

/// The people and places of the demo province, with a principal for each role.
#[allow(dead_code)]
pub struct Office {
    pub agency_a: i32,
    pub agency_b: i32,
    pub leaders: Vec<i32>,
    pub rooms: Vec<i32>,
    pub clerk_a: Principal,
    pub clerk_b: Principal,
    pub staff: Principal,
    pub approver: Principal,
    pub admin: Principal,
}

impl TestApp {
    /// Loads the demo province and creates one principal per role.
    pub async fn office(&self) -> Office {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let db = self.db();
        lichhop::demo::load(db).await.expect("demo loads");
        let agency = |short: &'static str| async move {
            entity::agency::Entity::find()
                .filter(entity::agency::Column::ShortName.eq(short))
                .one(&db.conn)
                .await
                .unwrap()
                .unwrap()
                .id
        };
        let agency_a = agency("STC").await;
        let agency_b = agency("SYT").await;
        let leaders = entity::person::Entity::find()
            .filter(entity::person::Column::IsLeader.eq(true))
            .order_by_asc(entity::person::Column::Id)
            .all(&db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        let rooms = entity::room::Entity::find()
            .order_by_asc(entity::room::Column::Id)
            .all(&db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        use entity::Role::*;
        Office {
            agency_a,
            agency_b,
            leaders,
            rooms,
            clerk_a: self
                .principal("t.clerk.a", AgencyClerk, Some(agency_a))
                .await,
            clerk_b: self
                .principal("t.clerk.b", AgencyClerk, Some(agency_b))
                .await,
            staff: self.principal("t.staff", OfficeStaff, None).await,
            approver: self.principal("t.approver", OfficeApprover, None).await,
            admin: self.principal("t.admin", Admin, None).await,
        }
    }

    /// Registers `body` as `clerk` and sends it for approval; returns the meeting's id.
    pub async fn submitted(&self, clerk: &Principal, body: Value) -> i64 {
        let mut body = body;
        body["submit"] = serde_json::json!(true);
        self.create(clerk, &body).await.0
    }

    /// Has `approver` approve meeting `id`.
    pub async fn approve(&self, approver: &Principal, id: i64) {
        let (s, d) = self
            .act(approver, id, "approve", serde_json::json!({}))
            .await;
        assert_eq!(s, Status::Ok, "{d}");
    }

    /// Registers `body` as `clerk`, sends it for approval and has the office's approver
    /// approve it; returns the meeting's id.
    pub async fn approved(&self, o: &Office, clerk: &Principal, body: &Value) -> i64 {
        let id = self.submitted(clerk, body.clone()).await;
        self.approve(&o.approver, id).await;
        id
    }

    /// An approved meeting registered by agency A's clerk, chaired by the first leader in
    /// room `room` from `start` to `end` ("2027-03-01T08:00") with `visibility`: a row of the
    /// weekly schedule when public. Returns its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn approved_on(
        &self,
        o: &Office,
        title: &str,
        visibility: &str,
        start: &str,
        end: &str,
        room: usize,
    ) -> i64 {
        let body = serde_json::json!({"title": title, "chair_id": o.leaders[0],
            "room_id": o.rooms[room], "starts_at": start, "ends_at": end,
            "visibility": visibility, "submit": true, "note": "(Giấy mời riêng)"});
        self.approved(o, &o.clerk_a, &body).await
    }

    /// Has the office's approver publish the week of `date` ("2027-03-01"); returns the
    /// revision issued.
    pub async fn publish(&self, o: &Office, date: &str) -> i64 {
        let (s, _, p) = self
            .call(
                rocket::http::Method::Post,
                &format!("/api/v1/schedule/{date}/publish"),
                Some(&o.approver),
                None,
                &[],
            )
            .await;
        assert_eq!(s, Status::Created, "{p}");
        p["revision"].as_i64().unwrap()
    }

    /// The path of a new office-wide feed (`/feeds/<secret>.ics`), made by the office's staff:
    /// every meeting, live.
    pub async fn office_feed(&self, o: &Office) -> String {
        let (s, _, v) = self
            .call(
                Method::Post,
                "/api/v1/feed-tokens",
                Some(&o.staff),
                Some(&serde_json::json!({"scope": "office"})),
                &[],
            )
            .await;
        assert_eq!(s, Status::Created, "{v}");
        format!("/feeds/{}.ics", v["secret"].as_str().unwrap())
    }

    /// Meeting `id` as `who` reads it from the API.
    pub async fn meeting_as(&self, who: &Principal, id: i64) -> Value {
        let path = format!("/api/v1/meetings/{id}");
        let (s, _, m) = self.call(Method::Get, &path, Some(who), None, &[]).await;
        assert_eq!(s, Status::Ok, "{m}");
        m
    }

    /// Registers `body` as `who` (as it says: draft or submitted); returns id and ETag.
    pub async fn create(&self, who: &Principal, body: &Value) -> (i64, String) {
        let (s, etag, m) = self
            .call(
                rocket::http::Method::Post,
                "/api/v1/meetings",
                Some(who),
                Some(body),
                &[],
            )
            .await;
        assert_eq!(s, Status::Created, "{m}");
        (m["id"].as_i64().unwrap(), etag.unwrap_or_default())
    }

    /// One decision or step on meeting `id` (`submit`, `approve`, `return`, …) as `who`.
    pub async fn act(
        &self,
        who: &Principal,
        id: i64,
        action: &str,
        body: Value,
    ) -> (Status, Value) {
        let (s, _, v) = self
            .call(
                rocket::http::Method::Post,
                &format!("/api/v1/meetings/{id}/{action}"),
                Some(who),
                Some(&body),
                &[],
            )
            .await;
        (s, v)
    }

    /// A browser signed in as `who` (a principal's password is [`PRINCIPAL_PASSWORD`]).
    pub async fn signed_in(&self, who: &Principal) -> Browser<'_> {
        let mut b = Browser::new(self);
        let signed = b.sign_in(&who.account.username, PRINCIPAL_PASSWORD).await;
        assert_eq!(signed.status, Status::SeeOther, "{}", signed.body);
        b
    }

    /// Enters Vietnam's public holidays of `year` as closures (as the administrator).
    pub async fn enter_holidays(&self, o: &Office, year: i32) -> Value {
        let path = format!("/api/v1/closures/holidays/{year}");
        let (s, _, v) = self
            .call(rocket::http::Method::Post, &path, Some(&o.admin), None, &[])
            .await;
        assert_eq!(s, Status::Ok, "{v}");
        v
    }

    /// The head of an agency: its person with the lowest sort order.
    pub async fn head_of(&self, agency: i32) -> i32 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        entity::person::Entity::find()
            .filter(entity::person::Column::AgencyId.eq(agency))
            .order_by_asc(entity::person::Column::SortOrder)
            .one(&self.db().conn)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// A request with a Bearer token; returns status, headers we care about, and JSON body.
    pub async fn call(
        &self,
        method: rocket::http::Method,
        path: &str,
        who: Option<&Principal>,
        body: Option<&Value>,
        extra: &[(&str, String)],
    ) -> (Status, Option<String>, Value) {
        let mut req = self.client.req(method, path.to_string());
        if let Some(p) = who {
            req = req.header(Header::new("Authorization", format!("Bearer {}", p.token)));
        }
        if let Some(b) = body {
            req = req.header(ContentType::JSON).body(b.to_string());
        }
        for (k, v) in extra {
            req = req.header(Header::new(k.to_string(), v.clone()));
        }
        let res = req.dispatch().await;
        let status = res.status();
        let etag = res.headers().get_one("ETag").map(str::to_string);
        let text = res.into_string().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, etag, json)
    }
}

/// A real server of the app on a free loopback port, sharing `database_url`.
pub struct RunningServer {
    pub addr: std::net::SocketAddr,
    shutdown: rocket::Shutdown,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown.clone().notify();
    }
}

pub async fn serve(data_dir: &std::path::Path, database_url: &str) -> RunningServer {
    serve_with(data_dir, database_url, &[]).await
}

/// [`serve`] with extra configuration keys (e.g. [`SmtpSink::settings`]).
pub async fn serve_with(
    data_dir: &std::path::Path,
    database_url: &str,
    settings: &[(&str, Value)],
) -> RunningServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut figment = test_figment(data_dir, database_url)
        .merge(("address", "127.0.0.1"))
        .merge(("port", port));
    for (key, value) in settings {
        figment = figment.merge((*key, value.clone()));
    }
    let rocket = lichhop::app::build(figment)
        .await
        .unwrap()
        .ignite()
        .await
        .unwrap();
    let shutdown = rocket.shutdown();
    rocket::tokio::spawn(rocket.launch());
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    for _ in 0..100 {
        if rocket::tokio::net::TcpStream::connect(addr).await.is_ok() {
            break;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    RunningServer { addr, shutdown }
}

pub use crate::http_client::http;

/// A real SMTP server (Python's aiosmtpd, `tests/smtp-sink/sink.py`) on a free loopback port,
/// storing what it accepts in a folder; stopped when dropped.
pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: std::process::Child,
}

const SINK_INSTALL: &str = "install the SMTP sink first:\n  \
     python3 -m venv tests/smtp-sink/.venv && \
     tests/smtp-sink/.venv/bin/pip install -r tests/smtp-sink/requirements.txt";

fn sink_python() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/smtp-sink/.venv/bin/python")
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        SmtpSink::start_on(port)
    }

    /// The sink on a given port (e.g. where a relay was expected but absent).
    pub fn start_on(port: u16) -> SmtpSink {
        use std::io::BufRead;
        let dir = tempfile::tempdir().expect("temp dir");
        let script =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/smtp-sink/sink.py");
        let mut child = std::process::Command::new(sink_python())
            .arg(script)
            .arg(dir.path())
            .arg(port.to_string())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the SMTP sink: {e}; {SINK_INSTALL}"));
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP sink starts; {SINK_INSTALL}");
        SmtpSink { port, dir, child }
    }

    /// The app's settings that send to this sink, retrying quickly.
    pub fn settings(&self) -> Vec<(&'static str, Value)> {
        vec![
            (
                "smtp_url",
                Value::String(format!("smtp://127.0.0.1:{}", self.port)),
            ),
            (
                "mail_from",
                Value::String("vanphong@ubnd.example.vn".into()),
            ),
            ("mail_poll_ms", 100.into()),
            ("mail_retry_ms", 100.into()),
            ("mail_max_attempts", 4.into()),
        ]
    }

    /// Makes the sink answer every message with `answer` (e.g. "451 4.3.0 Later"), or accept
    /// again with None.
    pub fn answer(&self, answer: Option<&str>) {
        let path = self.dir.path().join("answer");
        match answer {
            Some(a) => std::fs::write(path, a).unwrap(),
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// What arrived, parsed by Python's `email` and `icalendar` (`tests/smtp-sink/read.py`).
    pub fn messages(&self) -> Vec<Value> {
        let script =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/smtp-sink/read.py");
        let out = std::process::Command::new(sink_python())
            .arg(script)
            .arg(self.dir.path())
            .output()
            .expect("read.py runs");
        json_list_of(&out, "read.py")
    }

    /// Waits (up to 20 s) until at least `n` messages arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let count = std::fs::read_dir(self.dir.path())
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
                })
                .count();
            if count >= n {
                return self.messages();
            }
            rocket::tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the sink did not get {n} messages: {:?}", self.messages());
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestApp {
    /// The outbox rows, oldest first.
    pub async fn outbox(&self) -> Vec<entity::outbox::Model> {
        use sea_orm::{EntityTrait, QueryOrder};
        entity::outbox::Entity::find()
            .order_by_asc(entity::outbox::Column::Id)
            .all(&self.db().conn)
            .await
            .unwrap()
    }

    /// Waits (up to 20 s) until no outbox row is queued or sending; returns them all.
    pub async fn outbox_settled(&self) -> Vec<entity::outbox::Model> {
        for _ in 0..200 {
            let rows = self.outbox().await;
            if rows
                .iter()
                .all(|r| r.status == "sent" || r.status == "failed")
            {
                return rows;
            }
            rocket::tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the outbox did not settle: {:?}", self.outbox().await);
    }
}

/// The JSON list a test tool printed, after checking it succeeded (`what` names it on failure).
pub fn json_list_of(out: &std::process::Output, what: &str) -> Vec<Value> {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

impl TestApp {
    /// An approved meeting (set so directly) of `clerk`'s agency with `person` invited, and an
    /// answer link of that person whose secret is `token`; returns the meeting's id.
    pub async fn answer_link(
        &self,
        clerk: &Principal,
        agency_id: i32,
        person: i32,
        token: &str,
    ) -> i32 {
        use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
        let m = lichhop::domain::registration::create(
            self.db(),
            &lichhop::domain::registration::Actor {
                account_id: clerk.account.id,
                agency_id: Some(agency_id),
                office: false,
            },
            lichhop::domain::registration::MeetingInput {
                title: "Họp có giấy mời".into(),
                location: Some("Hội trường tỉnh".into()),
                starts_at: "2027-05-04T08:00".into(),
                ends_at: "2027-05-04T09:00".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let mut approved = entity::meeting::Entity::find_by_id(m.id)
            .one(&self.db().conn)
            .await
            .unwrap()
            .unwrap()
            .into_active_model();
        approved.status = Set(entity::MeetingStatus::Approved);
        approved.update(&self.db().conn).await.unwrap();
        entity::meeting_attendee::ActiveModel {
            meeting_id: Set(m.id),
            person_id: Set(Some(person)),
            role: Set(entity::AttendeeRole::Required),
            participation: Set(entity::Participation::NeedsAction),
            ..Default::default()
        }
        .insert(&self.db().conn)
        .await
        .unwrap();
        let hash = lichhop::auth::token_hash(token);
        lichhop::domain::answers::store_link(self.db(), m.id, person, &hash)
            .await
            .unwrap();
        m.id
    }
}
