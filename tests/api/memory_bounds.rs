//! Memory stays bounded: what the server keeps in memory has a bound, observable through the
//! real app (the RSS under load is the memory bench's: `cargo bench --bench memory`).

use crate::helpers::*;
use serde_json::json;

/// Resident memory of a process, in KiB (VmRSS of /proc/<pid>/status).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The real binary behind a trusted proxy: 48 wrong passwords, 24 at a time, each for a new
/// username from a new address, so that each is a full argon2 check (19 MiB). Before the
/// bound on concurrent checks and the malloc settings in main, the server's RSS grew by
/// 700 MiB doing this and kept it; now it stays within a few checks' worth.
#[rocket::async_test]
async fn a_probe_of_wrong_passwords_from_many_addresses_leaves_memory_near_where_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path()).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lichhop"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("ROCKET_CONFIG")
        .env_remove("GLIBC_TUNABLES")
        .env("DATABASE_URL", &database_url)
        .env("LICHHOP_DATA_DIR", dir.path())
        .env("LICHHOP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("LICHHOP_CLIENT_IP_HEADER", "X-Real-IP")
        .env("LICHHOP_TRUSTED_PROXIES", "127.0.0.1")
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("ROCKET_PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let mut up = false;
    for _ in 0..400 {
        if std::net::TcpStream::connect(addr).is_ok() {
            up = true;
            break;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let started = rss_kib(child.id());
    let mut clients = Vec::new();
    for c in 0..24 {
        clients.push(rocket::tokio::spawn(async move {
            let mut statuses = Vec::new();
            for k in 0..2 {
                let ip = format!("10.9.{c}.{k}");
                let body = json!({"username": format!("probe-{c}-{k}"), "password": "wrong-password", "name": "x"});
                let headers = [("Content-Type", "application/json"), ("X-Real-IP", &ip)];
                let (status, _) = crate::http_client::send(
                    addr,
                    "POST",
                    "/api/v1/tokens",
                    &headers,
                    &body.to_string(),
                )
                .await;
                statuses.push(status);
            }
            statuses
        }));
    }
    let mut statuses = Vec::new();
    for c in clients {
        statuses.extend(c.await.unwrap());
    }
    let after = rss_kib(child.id());
    // SAFETY: kill has no memory preconditions.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let _ = child.wait();
    assert!(up, "the server listens");
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    let grown_mib = after.saturating_sub(started) / 1024;
    assert!(
        grown_mib < 120,
        "RSS {} MiB after start, {} MiB after 48 wrong passwords (+{grown_mib} MiB)",
        started / 1024,
        after / 1024
    );
}
