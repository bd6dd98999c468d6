//! The binary's start-up errors: one clear line and a non-zero exit, never a backtrace.

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
        out.contains("m20261127_000010_feed_generation_indexes"),
        "{out}"
    );
    let (code, out, _) = run(&["migrate", "--status"], &env);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("Applied")).count(),
        3,
        "{out}"
    );
}
