//! Nothing typed is lost or altered: multi-line text survives refused saves byte for byte,
//! "send for approval now" is a choice and not a default, and Enter does not submit the form.

use crate::helpers::*;
use rocket::http::Status;

/// Handlebars' HTML escaping undone (what a browser does when it reads the page).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x60;", "`")
        .replace("&#x3D;", "=")
        .replace("&amp;", "&")
}

/// The value of textarea `name` as a browser reads it: the input stream turns CRLF into LF
/// (HTML § 13.2.3.5), then the parser drops one newline right after the start tag.
fn textarea(page: &str, name: &str) -> String {
    let start = format!("name=\"{name}\"");
    let at = page
        .find(&start)
        .unwrap_or_else(|| panic!("{name} in {page}"));
    let rest = &page[at..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find("</textarea>").unwrap();
    let raw = rest[open..close].replace("\r\n", "\n").replace('\r', "\n");
    unescape(raw.strip_prefix('\n').unwrap_or(&raw))
}

/// The form's fields for a meeting on 09/03/2027 from `start` to 09:00.
fn request<'a>(start: &'a str, agenda: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("title", "Họp giao ban chuyên đề"),
        ("agenda", agenda),
        ("day", "2027-03-09"),
        ("start", start),
        ("end", "09:00"),
        ("location", "Sở Tài chính"),
    ]
}

#[rocket::async_test]
async fn multi_line_text_keeps_its_bytes_through_three_refused_saves() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    // What a browser sends from a textarea: CRLF line ends; leading spaces, a blank line and
    // characters HTML escapes.
    let typed = "1. Báo cáo tiến độ <quý I> & \"kế hoạch\"\r\n   - Sở Tài chính trình bày\r\n\r\n2. Kết luận = phân công";
    let mut agenda = typed.to_string();
    for round in 1..=3 {
        // Ends before it starts: refused.
        let refused = clerk.post("/dang-ky", &request("10:00", &agenda)).await;
        assert_eq!(
            refused.status,
            Status::UnprocessableEntity,
            "round {round}: {}",
            refused.body
        );
        let shown = textarea(&refused.body, "agenda");
        // The browser sends the shown text again with CRLF line ends.
        let resent = shown.replace("\r\n", "\n").replace('\n', "\r\n");
        assert_eq!(resent, typed, "round {round}: the agenda came back altered");
        agenda = resent;
    }
    let saved = clerk.post("/dang-ky", &request("08:00", &agenda)).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let id: i64 = saved
        .location
        .as_deref()
        .unwrap()
        .trim_start_matches("/cuoc-hop/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let m = app.meeting_as(&o.clerk_a, id).await;
    let stored = m["agenda"].as_str().unwrap();
    assert_eq!(stored, typed, "stored byte for byte as typed");
    // And the edit form shows it back unchanged.
    let edit = clerk.get(&format!("/cuoc-hop/{id}/sua")).await;
    assert_eq!(
        textarea(&edit.body, "agenda").replace("\r\n", "\n"),
        stored.replace("\r\n", "\n")
    );
}

#[rocket::async_test]
async fn sending_for_approval_is_chosen_and_enter_does_not_submit_the_form() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let form = clerk.get("/dang-ky/moi").await;
    assert_eq!(form.status, Status::Ok);
    assert!(
        form.body
            .contains("<input type=\"checkbox\" id=\"f-submit\" name=\"submit\" value=\"true\">"),
        "not ticked: {}",
        form.body
    );
    // The form's default button (the first submit button, which Enter would press) is disabled,
    // so Enter on a field or a checkbox submits nothing (HTML § 4.10.21.2 implicit submission).
    let form_html = form.body.split("id=\"request-form\"").nth(1).unwrap();
    let first_button = form_html
        .split("<button")
        .nth(1)
        .and_then(|b| b.split('>').next())
        .unwrap();
    assert!(
        first_button.contains("type=\"submit\"") && first_button.contains("disabled"),
        "{first_button}"
    );
    // A save without the box ticked is a draft, and the page says it was not sent.
    let saved = clerk.post("/dang-ky", &request("08:00", "")).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let page = clerk.get(saved.location.as_deref().unwrap()).await;
    assert!(page.body.contains("<strong>Nháp</strong>"), "{}", page.body);
    assert!(page.body.contains("chưa được gửi duyệt"));
}

#[rocket::async_test]
async fn a_save_after_the_session_ran_out_comes_back_filled_after_signing_in() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    clerk.get("/dang-ky/moi").await;
    // The session ends while the clerk types (the CSRF cookie stays, as in a browser).
    clerk.cookies.remove("lichhop_session");
    let agenda = "1. Báo cáo <tiến độ> & \"kế hoạch\"\r\n   - Sở Tài chính trình bày";
    let mut typed = request("08:00", agenda);
    typed.push(("submit", "true"));
    let answer = clerk.post("/dang-ky", &typed).await;
    assert_eq!(answer.status, Status::Unauthorized, "{}", answer.body);
    assert!(
        answer.body.contains("nội dung đã nhập được giữ nguyên"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("name=\"keep\""));
    assert!(answer.body.contains("name=\"password\""));
    let keep = answer
        .body
        .split("name=\"keep\" value=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .map(unescape)
        .unwrap();
    assert!(keep.starts_with("/dang-ky/moi?"), "{keep}");
    let signed = clerk
        .post(
            "/dang-nhap",
            &[
                ("username", o.clerk_a.account.username.as_str()),
                ("password", PRINCIPAL_PASSWORD),
                ("keep", keep.as_str()),
            ],
        )
        .await;
    assert_eq!(signed.status, Status::SeeOther, "{}", signed.body);
    let back = signed.location.unwrap();
    assert!(back.starts_with("/dang-ky/moi?"), "{back}");
    let form = clerk.get(&back).await;
    assert_eq!(form.status, Status::Ok);
    assert!(form
        .body
        .contains("name=\"title\" value=\"Họp giao ban chuyên đề\""));
    assert_eq!(textarea(&form.body, "agenda"), agenda.replace("\r\n", "\n"));
    assert!(form.body.contains(
        "<input type=\"checkbox\" id=\"f-submit\" name=\"submit\" value=\"true\" checked>"
    ));
    // Saved from there: one request, as typed.
    let mut fields = request("08:00", agenda);
    fields.push(("submit", "true"));
    let saved = clerk.post("/dang-ky", &fields).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);

    // A sign-in never sends anyone elsewhere through `keep`.
    let mut other = Browser::new(&app);
    other.get("/dang-nhap").await;
    let signed = other
        .post(
            "/dang-nhap",
            &[
                ("username", o.clerk_b.account.username.as_str()),
                ("password", PRINCIPAL_PASSWORD),
                ("keep", "//example.com/dang-ky/moi?title=x"),
            ],
        )
        .await;
    assert_eq!(signed.location.as_deref(), Some("/viec-can-lam"));
}
