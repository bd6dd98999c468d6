//! The lists of requests: the office's review queue (`/hang-doi`) and an agency's requests
//! (`/dang-ky`).

use super::*;

/// Rows linked "Xem" to the meeting's page, and "Sửa" where the viewer may still edit it.
fn meeting_rows(
    list: Vec<meeting::Model>,
    agencies: &HashMap<i32, String>,
    tr: &crate::web::i18n::Translations,
    viewer: &Viewer,
) -> Vec<ViewRow> {
    let clerk = viewer
        .caller
        .as_ref()
        .is_some_and(|c| c.role() == Role::AgencyClerk);
    list.into_iter()
        .map(|m| ViewRow {
            href: Some(format!("/cuoc-hop/{}", m.id)),
            view: true,
            edit: (clerk && workflow::editable(m.status))
                .then(|| format!("/cuoc-hop/{}/sua", m.id)),
            cells: vec![
                when(m.starts_at),
                m.title,
                agencies
                    .get(&m.requesting_agency_id)
                    .cloned()
                    .unwrap_or_default(),
                tr.text(viewer.lang, &format!("status.{}", m.status.code()))
                    .to_string(),
            ],
        })
        .collect()
}

/// "1 lỗi, 2 lưu ý": only the counts there are ("0 lỗi" reads as a fault), or "Không có".
fn counts(errors: usize, warnings: usize, lang: Lang) -> String {
    let parts: Vec<String> = [("queue.errors", errors), ("queue.warnings", warnings)]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(key, n)| Msg::t(key, &[("n", &n.to_string())]).pick(lang).to_string())
        .collect();
    if parts.is_empty() {
        Msg::t("queue.clear", &[]).pick(lang).to_string()
    } else {
        parts.join(", ")
    }
}

/// The office's review queue: requests waiting for a decision, soonest first.
#[get("/hang-doi")]
pub async fn queue(db: &State<Db>, by: OfficeStaff, viewer: Viewer) -> Result<Template> {
    let mut waiting = vec![];
    for status in [MeetingStatus::Pending, MeetingStatus::Reviewed] {
        let filter = MeetingFilter {
            status: Some(status),
            per_page: 200,
            ..Default::default()
        };
        waiting.extend(
            registration::list(db, &Actor::from(&by.0), &filter)
                .await?
                .0,
        );
    }
    waiting.sort_by_key(|m| m.starts_at);
    // Per row what the check finds (errors, then warnings); a request that cannot be approved
    // as it stands says so, and its page offers find a time.
    let mut found = Vec::with_capacity(waiting.len());
    for m in &waiting {
        let h = crate::web::request_form::review_hints(db, m, viewer.lang).await?;
        found.push((h.errors, h.warnings));
    }
    let agencies = agency_names(db).await?;
    let tr = crate::web::i18n::translations();
    let mut rows = meeting_rows(waiting, &agencies, &tr, &viewer);
    for (row, (errors, warnings)) in rows.iter_mut().zip(found) {
        if let (true, Some(status)) = (errors > 0, row.cells.last_mut()) {
            status.push_str(" — ");
            status.push_str(tr.text(viewer.lang, "request_form.queue_blocked"));
        }
        row.cells.push(counts(errors, warnings, viewer.lang));
    }
    Ok(viewer.table(
        "queue.title",
        TableView {
            columns: vec![
                "meeting.when",
                "meeting.content",
                "meeting.agency",
                "meeting.status",
                "queue.checks",
            ],
            editable: true,
            rows,
            new_href: None,
            new_label: None,
        },
    ))
}

/// The requests of the viewer's agency (every agency's for the office), newest meeting first.
#[get("/dang-ky")]
pub async fn requests(db: &State<Db>, caller: Caller, viewer: Viewer) -> Result<Template> {
    let filter = MeetingFilter {
        per_page: 200,
        ..Default::default()
    };
    let (mut list, _) = registration::list(db, &Actor::from(&caller), &filter).await?;
    list.reverse();
    let agencies = agency_names(db).await?;
    let tr = crate::web::i18n::translations();
    Ok(viewer.table(
        "requests.title",
        TableView {
            columns: vec![
                "meeting.when",
                "meeting.content",
                "meeting.agency",
                "meeting.status",
            ],
            editable: true,
            rows: meeting_rows(list, &agencies, &tr, &viewer),
            new_href: Some("/dang-ky/moi".into()),
            new_label: Some("request.new"),
        },
    ))
}

async fn agency_names(db: &Db) -> Result<HashMap<i32, String>> {
    Ok(reference::current(db)
        .await?
        .agencies()
        .iter()
        .map(|a| (a.id, a.short_name.clone()))
        .collect())
}
