//! `spawn_app()` builds the real application on a fresh database for each test.

use lichhop::db::Db;
use rocket::figment::Figment;
use rocket::http::{ContentType, Header, Status};
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

/// The figment a test app runs with: fresh data directory and database, known admin password.
pub fn test_figment(data_dir: &std::path::Path, database_url: &str) -> Figment {
    rocket::Config::figment()
        .merge(("data_dir", data_dir.display().to_string()))
        .merge(("database_url", database_url))
        .merge(("admin_password", ADMIN_PASSWORD))
        // Feeds check the database on every request, so a change shows at once in tests.
        .merge(("feed_recheck_ms", 0))
        .merge(("log_level", "off"))
        .merge(("cli_colors", false))
}

pub async fn spawn_app() -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database_url(data_dir.path()).await;
    let rocket = lichhop::app::build(test_figment(data_dir.path(), &database_url))
        .await
        .expect("app builds");
    let client = Client::tracked(rocket).await.expect("valid rocket");
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
            password_hash: Set(lichhop::domain::password::hash("mat-khau-thu-nghiem").unwrap()),
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
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let figment = test_figment(data_dir, database_url)
        .merge(("address", "127.0.0.1"))
        .merge(("port", port));
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

/// One HTTP/1.1 request over a fresh TCP connection: (status code, body).
pub async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    bearer: &str,
    body: &str,
) -> (u16, String) {
    use rocket::tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = rocket::tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {bearer}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}
