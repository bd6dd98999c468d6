//! `GET /api/openapi.json`: the OpenAPI 3 document, generated from the handlers' annotations
//! and the types they take and return (utoipa), so it cannot drift from the code. Public.

use crate::api::{
    account, admin, answers, availability, closures, conflicts, documents, feeds, health, import,
    meetings, notifications, reports, schedule, settings, tokens,
};
use rocket::serde::json::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "lichhop API", description = "Lịch họp — đăng ký, duyệt và công bố lịch họp của Văn phòng UBND tỉnh."),
    paths(
        health::healthz,
        meetings::list,
        meetings::create,
        meetings::get,
        meetings::update,
        meetings::events,
        meetings::occurrences,
        meetings::approval_preview,
        meetings::submit,
        meetings::withdraw,
        meetings::review,
        meetings::follower,
        meetings::return_for_changes,
        meetings::approve,
        meetings::reject,
        meetings::reschedule,
        meetings::cancel,
        meetings::postpone,
        meetings::change_chair,
        meetings::accept_proposal,
        meetings::cancel_occurrence,
        meetings::reschedule_occurrence,
        meetings::reschedule_following,
        meetings::split,
        meetings::occurrences_between,
        answers::issue,
        answers::revoke,
        schedule::week,
        schedule::revisions,
        schedule::draft,
        schedule::publish,
        tokens::create,
        tokens::list,
        tokens::revoke,
        account::me,
        account::change_password,
        admin::accounts_list,
        admin::accounts_create,
        admin::accounts_get,
        admin::accounts_update,
        admin::accounts_reset_password,
        admin::agencies_list,
        admin::agencies_get,
        admin::agencies_create,
        admin::agencies_update,
        admin::persons_list,
        admin::persons_get,
        admin::persons_create,
        admin::persons_update,
        admin::rooms_list,
        admin::rooms_get,
        admin::rooms_create,
        admin::rooms_update,
        admin::auth_events,
        settings::read,
        settings::write,
        feeds::create_token,
        feeds::list_tokens,
        feeds::revoke_token,
        import::meeting,
        import::closures,
        closures::list,
        closures::create,
        closures::delete,
        closures::holidays,
        closures::working_days,
        closures::add_working_day,
        closures::delete_working_day,
        closures::national_days,
        closures::choose_national_day,
        conflicts::check_draft,
        conflicts::of_meeting,
        availability::find,
        documents::upload,
        documents::list,
        documents::download,
        documents::delete,
        documents::due,
        reports::report,
        notifications::list,
        notifications::mark_read,
    ),
    modifiers(&BearerAuth, &MeetingLinks)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Links the request `POST /api/v1/meetings` answers with (201) to every operation on that
/// request (`/api/v1/meetings/{id}/…`), passing its `id`: clients and fuzzers (schemathesis's
/// stateful phase) then know where a new request's id goes, and drive its transitions.
struct MeetingLinks;

impl Modify for MeetingLinks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::link::LinkBuilder;
        use utoipa::openapi::RefOr;
        let prefix = "/api/v1/meetings/{id}";
        let mut links = Vec::new();
        for (path, item) in &openapi.paths.paths {
            if path != prefix && !path.starts_with(&format!("{prefix}/")) {
                continue;
            }
            let methods = [
                ("get", &item.get),
                ("put", &item.put),
                ("post", &item.post),
                ("delete", &item.delete),
                ("patch", &item.patch),
            ];
            for (method, _) in methods.into_iter().filter(|(_, o)| o.is_some()) {
                // Operation ids repeat across modules (`list`), so the link names the
                // operation by its place in the document (a JSON pointer).
                let pointer = path.replace('~', "~0").replace('/', "~1");
                let link = LinkBuilder::new()
                    .operation_ref(format!("#/paths/{pointer}/{method}"))
                    .parameter("id", "$response.body#/id")
                    .build();
                let name: String = format!("{method}{}", &path[prefix.len()..])
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                links.push((name, link));
            }
        }
        let created = openapi
            .paths
            .paths
            .get_mut("/api/v1/meetings")
            .and_then(|item| item.post.as_mut())
            .and_then(|post| post.responses.responses.get_mut("201"));
        if let Some(RefOr::T(created)) = created {
            for (name, link) in links {
                created.links.insert(name, RefOr::T(link));
            }
        }
    }
}

#[rocket::get("/api/openapi.json")]
pub fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![document]
}
