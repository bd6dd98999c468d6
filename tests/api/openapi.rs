//! The OpenAPI document is generated from the code: every mounted API route is in it.

use crate::helpers::*;
use rocket::http::Status;

/// "/api/v1/meetings/<id>?<from>" → "/api/v1/meetings/{id}"
fn openapi_path(rocket_uri: &str) -> String {
    let path = rocket_uri.split('?').next().unwrap_or("");
    path.split('/')
        .map(
            |seg| match seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
                Some(name) => format!("{{{}}}", name.trim_end_matches("..")),
                None => seg.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

#[rocket::async_test]
async fn every_api_route_is_documented_and_the_document_is_openapi_3() {
    let app = spawn_app().await;
    let doc = app.get_json("/api/openapi.json", Status::Ok).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let mut missing = vec![];
    for route in app.client.rocket().routes() {
        let uri = route.uri.to_string();
        if !uri.starts_with("/api/v1/") {
            continue;
        }
        let path = openapi_path(&uri);
        let method = route.method.as_str().to_ascii_lowercase();
        if doc["paths"][&path][&method].is_null() {
            missing.push(format!("{method} {path}"));
        }
    }
    assert!(missing.is_empty(), "routes missing from the OpenAPI document (add #[utoipa::path] and list them in src/api/openapi.rs): {missing:?}");
    // Errors are documented with their body.
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["paths"]["/api/v1/meetings/{id}/approve"]["post"]["responses"]["4XX"].is_object());
}
