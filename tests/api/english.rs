//! Every page read in English says nothing in Vietnamese but the data people typed: with data
//! in plain ASCII, any Vietnamese letter on an English page is a word that does not come from
//! the locale files (or comes from the wrong one).

use crate::helpers::*;
use entity::Role;
use rocket::http::{Cookie, Method, Status};
use serde_json::json;

/// Letters of Vietnamese that English never uses (with the tone and vowel marks).
fn vietnamese_letters(text: &str) -> Vec<char> {
    const MARKED: &str = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáãèéìíĩòóõùúũýĂÂĐÊÔƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸÀÁÃÈÉÌÍĨÒÓÕÙÚŨÝ";
    text.chars().filter(|c| MARKED.contains(*c)).collect()
}

/// Where a page is allowed Vietnamese: the language switch names its language in itself, the
/// product keeps its name ("Lịch họp"), and proper names keep their letters.
fn without_allowed(page: &str) -> String {
    let tr = lichhop::i18n::translations();
    // Legal documents keep their numbers (Decision 45/2018/QĐ-TTg, Decree 138/2016/NĐ-CP).
    page.replace("Tiếng Việt", "")
        .replace("QĐ-", "")
        .replace("NĐ-", "")
        .replace("Hùng Kings", "")
        .replace("(Tết)", "")
        .replace(tr.text(lichhop::error::Lang::En, "app.name"), "")
}

#[rocket::async_test]
async fn every_page_in_english_has_no_vietnamese_outside_the_data() {
    use lichhop::domain::{persons, rooms};
    let app = spawn_app().await;
    let db = app.db();
    let agency = app.agency("Department of Finance").await;
    let other = app.agency("Department of Health").await;
    let person = |full_name: &str, agency_id: i32, is_leader: bool| persons::PersonInput {
        full_name: full_name.into(),
        position: "Director".into(),
        agency_id,
        email: None,
        phone: None,
        is_leader,
        sort_order: 0,
        active: true,
    };
    let chair = persons::save(db, None, person("Nguyen Van An", agency.id, true))
        .await
        .unwrap();
    persons::save(db, None, person("Tran Thi Binh", other.id, false))
        .await
        .unwrap();
    let room = rooms::save(
        db,
        None,
        rooms::RoomInput {
            name: "Meeting room 1".into(),
            building: "Main building".into(),
            floor: Some("2".into()),
            capacity: 30,
            bookable: true,
            notes: None,
            sort_order: 0,
            equipment: vec![],
        },
    )
    .await
    .unwrap();
    let clerk = app
        .principal("clerk.a", Role::AgencyClerk, Some(agency.id))
        .await;
    let staff = app.principal("staff", Role::OfficeStaff, None).await;
    let approver = app.principal("approver", Role::OfficeApprover, None).await;
    let admin = app.principal("admin2", Role::Admin, None).await;
    // Account names are data too: plain ASCII here (the first admin's included).
    {
        use sea_orm::{ActiveModelTrait, EntityTrait, Set};
        for account in entity::account::Entity::find().all(&db.conn).await.unwrap() {
            let name = format!("User {}", account.username);
            let mut account: entity::account::ActiveModel = account.into();
            account.display_name = Set(name);
            account.update(&db.conn).await.unwrap();
        }
    }
    // The office's names on the official schedule are data too.
    let mut office = lichhop::domain::settings::load(db).await.unwrap();
    office.province_name = "Thanh Hoa".into();
    office.place_name = "Thanh Hoa".into();
    office.signer_capacity = "For the Chairman".into();
    office.signer_position = "Chief of Office".into();
    office.signer_name = "Nguyen Van An".into();
    office.recipients = vec!["Archive".into()];
    lichhop::domain::settings::save(db, &office).await.unwrap();
    let meeting = |title: &str, day: u32, visibility: &str| {
        json!({
            "title": title, "agenda": "Item one", "kind": "hop", "chair_id": chair.id,
            "room_id": room.room.id, "starts_at": format!("2027-03-{day:02}T08:00"),
            "ends_at": format!("2027-03-{day:02}T09:30"), "visibility": visibility,
            "expected_attendance": 10,
            "attendees": [{"agency_id": other.id, "role": "required"}],
        })
    };
    let approved = app
        .submitted(&clerk, meeting("Budget review", 1, "public"))
        .await;
    app.approve(&approver, approved).await;
    let pending = app
        .submitted(&clerk, meeting("Planning session", 2, "internal"))
        .await;
    let draft = app
        .create(&clerk, &meeting("Draft meeting", 3, "public"))
        .await
        .0;
    let returned = app
        .submitted(&clerk, meeting("Returned one", 4, "public"))
        .await;
    let (s, v) = app
        .act(
            &staff,
            returned,
            "return",
            json!({"reason": "Add attendees"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let (s, _, v) = app
        .call(
            Method::Post,
            "/api/v1/closures/holidays/2027",
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");

    // Every page without a parameter in its path, plus the pages of each meeting.
    let mut paths: Vec<String> = app
        .client
        .rocket()
        .routes()
        .filter(|r| r.method == Method::Get)
        .map(|r| r.uri.origin.path().as_str().to_string())
        .filter(|p| !p.starts_with("/api") && !p.starts_with("/feeds") && !p.contains('<'))
        .filter(|p| !p.starts_with("/static") && !p.contains("/tai-xuong") && p != "/healthz")
        .collect();
    for id in [approved, pending, draft, returned] {
        paths.push(format!("/cuoc-hop/{id}"));
    }
    paths.push(format!("/cuoc-hop/{returned}/sua"));
    paths.push("/lich-phong?tuan=2027-W09".into());
    paths.push("/lich-phong/ngay?ngay=2027-03-01".into());
    paths.push("/lich-cong-tac?tuan=2027-W09".into());
    paths.sort();
    paths.dedup();

    let mut found = Vec::new();
    for who in [&clerk, &staff, &approver, &admin] {
        let mut b = app.signed_in(who).await;
        b.cookies.insert("lang".into(), "en".into());
        for path in &paths {
            let page = b.get(path).await;
            if page.status != Status::Ok {
                continue;
            }
            let text = without_allowed(&page.body);
            let letters = vietnamese_letters(&text);
            if let Some(&first) = letters.first() {
                let at = text.find(first).unwrap_or(0);
                let start = text.floor_char_boundary(at.saturating_sub(80));
                let end = text.ceil_char_boundary((at + 80).min(text.len()));
                let context = text[start..end].replace('\n', " ");
                if !found.iter().any(|f: &String| f.ends_with(&context)) {
                    found.push(format!("{} {path}: {context}", who.account.username));
                }
            }
        }
    }
    // Anonymous pages, in English by the cookie as well.
    for path in ["/dang-nhap", "/lich-cong-tac", "/man-hinh"] {
        let res = app
            .client
            .get(path)
            .cookie(Cookie::new("lang", "en"))
            .dispatch()
            .await;
        let body = res.into_string().await.unwrap_or_default();
        if !vietnamese_letters(&without_allowed(&body)).is_empty() {
            found.push(format!("anonymous {path}"));
        }
    }
    assert!(
        found.is_empty(),
        "Vietnamese on English pages:\n{}",
        found.join("\n")
    );
}

/// Lines of `src/` outside comments and test modules that hold a string with Vietnamese
/// letters, per file. Words shown to people come from `locales/`; what may stay is data (the
/// demo office, holiday names, default settings such as the office's name) and, until they
/// move, the places still listed here. A file may only go down: one more line, or a new file,
/// fails — put the words in a locale file (`Msg::t`, `Error::invalid`, `i18n::vietnamese`).
const VIETNAMESE_IN_SRC: &[(&str, usize)] = &[
    // Data.
    ("src/demo.rs", 127),
    ("src/domain/holidays/rules.rs", 12),
    ("src/domain/settings.rs", 10),
    ("src/config.rs", 1),
    ("src/bin/bench_conflicts.rs", 1),
    // Examples in the OpenAPI document and the command line's help.
    ("src/api/openapi.rs", 1),
    ("src/api/types.rs", 1),
    ("src/cli.rs", 1),
    ("src/bootstrap.rs", 1),
    // Still to move into locale files (issue #20).
    ("src/domain/codes.rs", 2),
    ("src/domain/weekly_schedule.rs", 4),
];

#[test]
fn no_new_vietnamese_words_in_the_source() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&root.join("src"), &mut all);
    let mut grown = Vec::new();
    for path in all {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines = text
            .lines()
            .take_while(|l| !l.trim_start().starts_with("#[cfg(test)]"))
            .filter(|l| !l.trim_start().starts_with("//"))
            .filter(|l| l.contains('"') && !vietnamese_letters(l).is_empty())
            .count();
        let name = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let allowed = VIETNAMESE_IN_SRC
            .iter()
            .find(|(file, _)| *file == name)
            .map_or(0, |(_, n)| *n);
        if lines > allowed {
            grown.push(format!("{name}: {lines} lines (allowed {allowed})"));
        }
    }
    assert!(
        grown.is_empty(),
        "Vietnamese words in src/ outside the locale files: {grown:#?}"
    );
}
