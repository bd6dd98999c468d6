//! Static files as a browser meets them over a real connection: pages link fingerprinted URLs
//! kept a year, the plain name gets a short cache, gzip when asked, 304 on a known ETag, and
//! the security headers on everything.

use crate::helpers::*;
use crate::http_client::{get_head, header_in};
use rocket::http::{Header, Status};
use std::io::Read;

/// The `/static/…` URLs a page's HTML links to, in order.
fn static_urls(html: &str) -> Vec<String> {
    html.split("\"/static/")
        .skip(1)
        .map(|rest| format!("/static/{}", rest.split('"').next().unwrap_or("")))
        .collect()
}

#[rocket::async_test]
async fn pages_link_fingerprinted_files_that_browsers_keep_a_year() {
    let app = spawn_app().await;
    let server = serve(app.data_dir.path(), &app.database_url).await;
    let (status, head) = get_head(server.addr, "/dang-nhap", &[]).await;
    assert_eq!(status, 200);
    assert!(
        header_in(&head, "content-security-policy")
            .is_some_and(|c| c.contains("script-src 'self'")),
        "the page keeps its security headers: {head}"
    );
    let html = app.get("/dang-nhap").await.into_string().await.unwrap();
    let urls = static_urls(&html);
    let css = urls
        .iter()
        .find(|u| u.starts_with("/static/lichhop.") && u.ends_with(".css"))
        .unwrap_or_else(|| panic!("the stylesheet is linked: {urls:?}"));
    assert_ne!(css, "/static/lichhop.css", "by a fingerprinted URL");

    let (status, head) = get_head(server.addr, css, &[]).await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(
        header_in(&head, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        header_in(&head, "content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(header_in(&head, "vary"), Some("Accept-Encoding"));
    assert_eq!(header_in(&head, "x-content-type-options"), Some("nosniff"));
    assert!(header_in(&head, "content-encoding").is_none(), "not asked");
    let etag = header_in(&head, "etag").expect("an ETag").to_string();

    // The plain name answers too (the error page, pages cached before a release), briefly kept.
    let (status, plain) = get_head(server.addr, "/static/lichhop.css", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        header_in(&plain, "cache-control"),
        Some("public, max-age=300")
    );
    assert_eq!(header_in(&plain, "etag"), Some(etag.as_str()));
    // Another release's fingerprint: today's file, but not kept a year under that name.
    let (status, old) = get_head(server.addr, "/static/lichhop.0123456789.css", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        header_in(&old, "cache-control"),
        Some("public, max-age=300")
    );
    let (status, _) = get_head(server.addr, "/static/lichhop.0123456789.js", &[]).await;
    assert_eq!(status, 404, "no file of that name");

    // Revalidation with the ETag: 304, no body.
    let (status, head) = get_head(server.addr, css, &[("If-None-Match", &etag)]).await;
    assert_eq!(status, 304, "{head}");
    assert_eq!(header_in(&head, "etag"), Some(etag.as_str()));
    let (status, _) = get_head(server.addr, css, &[("If-None-Match", "\"other\"")]).await;
    assert_eq!(status, 200);
}

#[rocket::async_test]
async fn every_file_is_sent_gzip_when_the_browser_asks_and_unpacks_to_the_same_bytes() {
    let app = spawn_app().await;
    let server = serve(app.data_dir.path(), &app.database_url).await;
    for name in ["lichhop.css", "lobby.js", "feeds.js", "request-form.js"] {
        let path = format!("/static/{name}");
        let plain = app.get(&path).await;
        assert_eq!(plain.status(), Status::Ok, "{name}");
        assert!(plain.headers().get_one("Content-Encoding").is_none());
        let plain_etag = plain.headers().get_one("ETag").unwrap().to_string();
        let plain = plain.into_bytes().await.unwrap();

        let packed = app
            .client
            .get(path.clone())
            .header(Header::new("Accept-Encoding", "gzip, deflate, br"))
            .dispatch()
            .await;
        assert_eq!(
            packed.headers().get_one("Content-Encoding"),
            Some("gzip"),
            "{name}"
        );
        let packed_etag = packed.headers().get_one("ETag").unwrap().to_string();
        assert_ne!(
            packed_etag, plain_etag,
            "each representation its own validator"
        );
        let packed = packed.into_bytes().await.unwrap();
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(packed.as_slice())
            .read_to_end(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, plain, "{name}");
        println!("{name}: {} bytes, {} gzip", plain.len(), packed.len());
        assert!(packed.len() < plain.len());

        // The same over a real connection, and `gzip;q=0` means no.
        let (status, head) = get_head(server.addr, &path, &[("Accept-Encoding", "gzip")]).await;
        assert_eq!(status, 200);
        assert_eq!(header_in(&head, "content-encoding"), Some("gzip"));
        assert_eq!(
            header_in(&head, "content-length"),
            Some(packed.len().to_string().as_str())
        );
        let (_, head) = get_head(
            server.addr,
            &path,
            &[("Accept-Encoding", "gzip;q=0, identity")],
        )
        .await;
        assert!(header_in(&head, "content-encoding").is_none(), "{head}");
        let (status, _) = get_head(
            server.addr,
            &path,
            &[("Accept-Encoding", "gzip"), ("If-None-Match", &packed_etag)],
        )
        .await;
        assert_eq!(status, 304);
    }
}

#[rocket::async_test]
async fn scripts_of_the_pages_come_by_fingerprinted_urls() {
    let app = spawn_app().await;
    let lobby = app.get("/man-hinh").await.into_string().await.unwrap();
    let o = app.office().await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let form = clerk.get("/dang-ky/moi").await;
    let feeds = clerk.get("/lich-cua-toi").await;
    for (html, name) in [
        (&lobby, "lobby"),
        (&form.body, "request-form"),
        (&feeds.body, "feeds"),
    ] {
        let url = static_urls(html)
            .into_iter()
            .find(|u| u.starts_with(&format!("/static/{name}.")))
            .unwrap_or_else(|| panic!("{name}.js is linked"));
        assert_ne!(url, format!("/static/{name}.js"));
        let res = app.get(&url).await;
        assert_eq!(res.status(), Status::Ok, "{url}");
        assert_eq!(
            res.headers().get_one("Cache-Control"),
            Some("public, max-age=31536000, immutable")
        );
    }
}
