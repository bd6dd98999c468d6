//! The weekly schedule as the office's official .docx (NĐ 30/2020/NĐ-CP), read back the way a
//! person sees it: converted by LibreOffice (headless) to PDF and that PDF to text by poppler.

use crate::helpers::*;
use rocket::http::Status;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .output()
        .map(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
        .unwrap_or(false)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the tool runs");
    assert!(out.status.success(), "{cmd:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The PDF LibreOffice makes of `docx`, with its own profile (parallel tests share none).
fn to_pdf(dir: &Path, docx: &[u8]) -> std::path::PathBuf {
    let file = dir.join("lich.docx");
    std::fs::write(&file, docx).unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    run(Command::new("soffice")
        .arg(profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(&file));
    dir.join("lich.pdf")
}

fn meeting(o: &Office, title: &str, starts: &str, ends: &str, room: usize) -> Value {
    json!({"title": title, "chair_id": o.leaders[0], "room_id": o.rooms[room],
           "starts_at": starts, "ends_at": ends, "visibility": "public", "submit": true,
           "attendees": [{"agency_id": o.agency_b, "role": "required"}]})
}

#[rocket::async_test]
async fn the_week_downloads_as_an_official_docx_with_every_row_the_header_and_the_signature() {
    let app = spawn_app().await;
    let o = app.office().await;
    let rows = [
        // Short enough for one line of the content column: cells wrap in the PDF's text.
        (
            "Họp bàn đầu tư công",
            "2027-03-01T08:00",
            "2027-03-01T09:30",
        ),
        (
            "Làm việc với Sở Tài chính",
            "2027-03-03T14:00",
            "2027-03-03T16:00",
        ),
        (
            "Tiếp đoàn công tác tỉnh bạn",
            "2027-03-05T08:30",
            "2027-03-05T10:00",
        ),
    ];
    for (title, starts, ends) in rows {
        app.approved(&o, &o.clerk_a, &meeting(&o, title, starts, ends, 1))
            .await;
    }
    // The document is a published revision: the first issue of the week.
    assert_eq!(app.publish(&o, "2027-03-01").await, 0);
    let res = app
        .client
        .get("/lich-cong-tac/2027-03-03/docx")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        res.content_type().map(|c| c.to_string()),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document".into())
    );
    assert_eq!(
        res.headers().get_one("Content-Disposition"),
        Some("attachment; filename=\"lich-cong-tac-tuan-2027-03-01.docx\"")
    );
    let docx = res.into_bytes().await.unwrap();
    assert!(docx.starts_with(b"PK"), "a zip package");

    // The page links to it; its print view carries the same heading and signature block, and
    // each cell its column's name (the phone shows cards).
    let page = app
        .client
        .get("/lich-cong-tac?tuan=2027-03-01")
        .dispatch()
        .await;
    let page = page.into_string().await.unwrap();
    for expected in [
        "href=\"/lich-cong-tac/2027-03-01/docx\"",
        "class=\"official-heading print-only\"",
        "UBND TỈNH THANH HÓA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "LỊCH CÔNG TÁC TUẦN",
        "TL. CHỦ TỊCH",
        "Võ Quốc Hùng",
        "data-label=\"Thời gian\"",
        "data-label=\"Địa điểm\"",
    ] {
        assert!(page.contains(expected), "{expected} in the page");
    }

    let bad = app
        .client
        .get("/lich-cong-tac/tuan-nao/docx")
        .dispatch()
        .await;
    assert_eq!(bad.status(), Status::UnprocessableEntity);

    if !(tool("soffice") && tool("pdftotext")) {
        assert!(
            std::env::var_os("LICHHOP_REQUIRE_OFFICE").is_none(),
            "LibreOffice and pdftotext were installed by tests/run.sh but do not run"
        );
        eprintln!(
            "SKIPPED: the .docx was not read back: install libreoffice-writer-nogui and \
             poppler-utils (tests/run.sh does)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = to_pdf(dir.path(), &docx);
    let info = run(Command::new("pdfinfo").arg(&pdf));
    assert!(
        info.contains("841.89 x 595.") || info.contains("842 x 595"),
        "A4 landscape: {info}"
    );
    let text = run(Command::new("pdftotext").arg(&pdf).arg("-"));
    // Words may wrap inside narrow cells: compare with whitespace squeezed out.
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let squeezed: String = text.split_whitespace().collect();
    for expected in [
        "UBND TỈNH THANH HÓA",
        "VĂN PHÒNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "LỊCH CÔNG TÁC TUẦN",
        "(Từ ngày 01/03/2027 đến ngày 07/03/2027)",
        "Nơi nhận:",
        "- Lưu: VT.",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "Võ Quốc Hùng",
        "Thứ Hai",
        "01/03",
        "Chủ nhật",
        "07/03",
        "Sáng",
        "Chiều",
        "8h00",
        "14h00",
        "8h30",
    ] {
        let expected: String = expected.split_whitespace().collect();
        assert!(squeezed.contains(&expected), "{expected:?} in:\n{text}");
    }
    assert!(
        flat.contains("Thanh Hóa, ngày") && flat.contains("tháng") && flat.contains("năm"),
        "{text}"
    );
    for (title, _, _) in rows {
        let title: String = title.split_whitespace().collect();
        assert!(squeezed.contains(&title), "{title} in:\n{text}");
    }
    assert!(!flat.contains("Điều chỉnh lần"), "the first issue: {text}");

    // Times New Roman throughout: the package's default fonts (what Word uses).
    let styles = run(Command::new("python3").args([
        "-c",
        "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('word/styles.xml').decode())",
    ]).arg(dir.path().join("lich.docx")));
    assert!(styles.contains("w:ascii=\"Times New Roman\""), "{styles}");
}
