//! The lobby screen at the office's entrance: today's meetings per room, nothing confidential.

use crate::helpers::*;
use rocket::http::{Header, Status};
use serde_json::json;

#[rocket::async_test]
async fn the_lobby_screen_shows_today_room_by_room_without_secrets() {
    let app = spawn_app().await;
    let o = app.office().await;
    let today = lichhop::domain::clock::office_date(lichhop::domain::clock::now());
    for (title, visibility, room) in [
        ("Tiếp Đoàn công tác tỉnh bạn", "public", 4),
        ("Họp nội bộ về nhân sự", "internal", 5),
        ("Họp Ban Chỉ đạo (mật)", "confidential", 6),
    ] {
        // Registered by the office for agency A: tonight may already be past in Hà Nội, and
        // only the office records a meeting that has started.
        let body = json!({"title": title, "room_id": o.rooms[room], "chair_id": o.leaders[room - 3],
            "starts_at": format!("{today}T20:00"), "ends_at": format!("{today}T21:00"), "visibility": visibility, "submit": true,
            "requesting_agency_id": o.agency_a});
        app.approved(&o, &o.staff, &body).await;
    }
    let res = app
        .client
        .get("/man-hinh")
        .header(Header::new("Accept-Language", "vi"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let html = res.into_string().await.unwrap();
    assert!(
        html.contains("data-refresh=\"60\"") && html.contains("<script src=\"/static/lobby."),
        "refreshes itself"
    );
    assert!(!html.contains("<button"), "no visible button on the TV");
    assert!(
        html.contains("Nhấn phím P hoặc phím cách để tạm dừng"),
        "a key pauses, and screen readers are told (WCAG 2.2.1)"
    );
    assert!(html.contains(r#"role="status""#));
    assert!(
        !html.contains("http-equiv=\"refresh\""),
        "no timed refresh the reader cannot stop"
    );
    let res = app.client.get("/static/lobby.js").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        res.content_type(),
        Some(rocket::http::ContentType::JavaScript)
    );
    let script = res.into_string().await.unwrap();
    assert!(
        script.contains("fetch(location.href") && !script.contains("location.reload()"),
        "fetches the page instead of reloading it, so a server away never blanks the screen"
    );
    assert!(script.contains("failures"), "and retries with backoff");
    assert!(!html.contains("class=\"top\""), "no page chrome on the TV");
    assert!(html.contains("Lịch họp hôm nay"));
    assert!(html.contains(&today.format("%d/%m/%Y").to_string()));
    assert!(html.contains(r#"id="lobby-clock""#), "a clock");
    // Eight bookable rooms: 4 × 2 on a landscape TV, 2 × 4 on a portrait one.
    assert_eq!(html.matches("<section class=\"lobby-room").count(), 8);
    assert!(html.contains("cols-l-4 cols-p-2"), "{html}");
    assert!(html.contains("Phòng họp số 5") && html.contains("Phòng khách quốc tế"));
    // Tonight's meetings are what comes next until they start, on now until they end, and gone
    // after (the screen shows what a visitor can still attend).
    let local = lichhop::domain::clock::now()
        .with_timezone(&lichhop::domain::clock::OFFICE_TZ)
        .format("%H:%M")
        .to_string();
    if local.as_str() < "20:00" {
        assert!(html.contains("Tiếp theo") && html.contains("20:00–21:00"));
        assert!(html.contains("Tiếp Đoàn công tác tỉnh bạn"));
    } else if local.as_str() < "21:00" {
        assert!(html.contains("Đang họp") && html.contains("Tiếp Đoàn công tác tỉnh bạn"));
    } else {
        assert!(!html.contains("Tiếp Đoàn công tác tỉnh bạn"));
        return;
    }
    assert!(
        html.contains("Họp nội bộ") && !html.contains("về nhân sự"),
        "internal shows as busy only"
    );
    assert!(
        html.contains("Bận") && !html.contains("Ban Chỉ đạo"),
        "confidential never shows"
    );
}
