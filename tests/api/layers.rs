//! The module import graph of src/ points one way, layer by layer (web → api → body → feeds →
//! auth → domain → db → config → error, i18n), with no cycle between modules of one layer, as
//! `tools/import_cycles.py` measures it. It also names the layers a new top-level module
//! belongs to: one it does not know fails here until it is placed.

use std::path::Path;
use std::process::{Command, Output};

fn import_cycles(src: &Path) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/import_cycles.py");
    Command::new("python3")
        .arg(script)
        .arg("--check")
        .arg(src)
        .output()
        .expect("python3 runs tools/import_cycles.py")
}

#[test]
fn imports_point_one_way() {
    let out = import_cycles(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains(" 0 upward, 0 layer cycles, 0 module cycles"),
        "{report}"
    );
}

/// The check itself sees an import against the layers and a cycle inside a layer.
#[test]
fn the_check_finds_a_cycle() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("src");
    for (file, text) in [
        ("lib.rs", "pub mod db;\npub mod domain;\n"),
        ("db.rs", "pub struct Db(pub crate::domain::rooms::Cache);\n"),
        ("domain/mod.rs", "pub mod rooms;\npub mod meetings;\n"),
        ("domain/rooms.rs", "use super::meetings::Meeting;\nuse crate::db::Db;\npub struct Cache;\n"),
        ("domain/meetings.rs", "// use crate::web::page; (a comment is no import)\nuse crate::domain::rooms::Cache;\npub struct Meeting;\n"),
    ] {
        let path = src.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let out = import_cycles(&src);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{report}");
    assert!(
        report.contains("db -> domain::rooms: src/db.rs:1"),
        "{report}"
    );
    assert!(report.contains("db <-> domain"), "{report}");
    assert!(
        report.contains("domain::meetings <-> domain::rooms"),
        "{report}"
    );
    assert!(!report.contains("web"), "{report}");
    assert!(
        report.contains(" 1 upward, 1 layer cycles, 1 module cycles"),
        "{report}"
    );
}
