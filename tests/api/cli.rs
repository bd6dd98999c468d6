//! The binary's start-up errors: one clear line and a non-zero exit, never a backtrace.

use migration::MigratorTrait;
use std::process::Command;

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lichhop"));
    cmd.args(args)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("ROCKET_CONFIG", dir.path().join("Rocket.toml"))
        .env("LICHHOP_DATA_DIR", dir.path().join("data"))
        .env("RUST_BACKTRACE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line_error(stderr: &str, needle: &str) {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "exactly one line expected:\n{stderr}");
    assert!(lines[0].starts_with("lichhop: error: "), "{stderr}");
    assert!(lines[0].contains(needle), "{needle:?} not in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_database_url_scheme() {
    let (code, _, err) = run(
        &["migrate"],
        &[("DATABASE_URL", "mysql://root@localhost/x")],
    );
    assert_ne!(code, 0);
    assert_one_line_error(
        &err,
        "DATABASE_URL must start with sqlite:// or postgres://",
    );
}

#[test]
fn unreachable_postgres() {
    let (code, _, err) = run(
        &["migrate"],
        &[(
            "DATABASE_URL",
            "postgres://lichhop:secret@127.0.0.1:1/lichhop",
        )],
    );
    assert_ne!(code, 0);
    assert_one_line_error(
        &err,
        "cannot open database postgres://lichhop:***@127.0.0.1:1/lichhop",
    );
    assert!(!err.contains("secret"), "password must not be printed");
}

#[test]
fn unwritable_data_directory() {
    let (code, _, err) = run(&["migrate"], &[("LICHHOP_DATA_DIR", "/proc/lichhop/data")]);
    assert_ne!(code, 0);
    assert_one_line_error(&err, "/proc/lichhop/data");
}

#[test]
fn malformed_rocket_toml() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("Rocket.toml");
    std::fs::write(&bad, "[default\nport = \"tám nghìn\"\n").unwrap();
    let (code, _, err) = run(&["migrate"], &[("ROCKET_CONFIG", bad.to_str().unwrap())]);
    assert_ne!(code, 0);
    assert_one_line_error(&err, "Rocket.toml");
}

#[test]
fn wrong_type_in_rocket_toml_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("Rocket.toml");
    std::fs::write(&bad, "[default]\ndb_pool_size = \"nhiều\"\n").unwrap();
    let (code, _, err) = run(&["migrate"], &[("ROCKET_CONFIG", bad.to_str().unwrap())]);
    assert_ne!(code, 0);
    assert_one_line_error(&err, "db_pool_size");
}

#[test]
fn migrate_then_status_lists_applied_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = [("LICHHOP_DATA_DIR", data.to_str().unwrap())];
    let (code, out, err) = run(&["migrate"], &env);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&crate::foundation::newest_migration()),
        "{out}"
    );
    let (code, out, _) = run(&["migrate", "--status"], &env);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("Applied")).count(),
        migration::Migrator::migrations().len(),
        "{out}"
    );
}

/// Started from a directory with no Rocket.toml, the server keeps the README's defaults (no
/// `Server` header, 256 KiB forms); and SIGTERM with an idle keep-alive connection open stops
/// it at once.
#[test]
fn the_documented_defaults_hold_without_rocket_toml() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lichhop"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("ROCKET_CONFIG")
        .env("ROCKET_PORT", port.to_string())
        .env("LICHHOP_ADMIN_PASSWORD", "mat-khau-quan-tri-thu")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stream = None;
    for _ in 0..200 {
        if let Ok(s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            stream = Some(s);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut stream = stream.expect("the server listens");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut head = vec![0u8; 4096];
    let n = stream.read(&mut head).unwrap();
    let head = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(!head.contains("\r\nserver:"), "a Server header: {head}");

    // Forms up to 256 KiB are read (and refused for their content), larger ones are 413.
    let post_form = |kib: usize| {
        let body = format!("username=a&password={}", "x".repeat(kib * 1024));
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "POST /dang-nhap HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer.get(9..12).unwrap_or_default().to_string()
    };
    assert_ne!(post_form(200), "413");
    assert_eq!(post_form(300), "413");

    // The connection stays open and idle; the server still stops at once (the 5 s grace is
    // for requests in flight). Generous bound: this is not a benchmark.
    let asked = std::time::Instant::now();
    // SAFETY: kill has no memory preconditions.
    unsafe { kill(child.id() as i32, 15) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(4),
        "stopped after {:?}",
        asked.elapsed()
    );
    drop(stream);
}

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
}
