//! The sign-in audit log.

use super::*;

#[rocket::get("/quan-tri/nhat-ky-dang-nhap?<username>")]
pub async fn auth_log(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    username: Option<&str>,
) -> Result<Template> {
    let tr = crate::web::i18n::translations();
    let rows = signin::audit_log(db, username, Some(500))
        .await?
        .into_iter()
        .map(|e| Row {
            href: None,
            cells: vec![
                when(Some(e.at)),
                e.username,
                tr.text(viewer.lang, &format!("auth_event.{}", e.kind))
                    .to_string(),
                e.client_ip.unwrap_or_default(),
                e.detail.unwrap_or_default(),
            ],
        })
        .collect();
    Ok(viewer.table(
        "admin.auth_log.title",
        TableView {
            columns: vec![
                "admin.auth_log.at",
                "admin.auth_log.username",
                "admin.auth_log.kind",
                "admin.auth_log.client_ip",
                "admin.auth_log.detail",
            ],
            editable: false,
            rows,
            new_href: None,
            new_label: None,
        },
    ))
}
