//! `GET /api/openapi.json`: the OpenAPI 3 document, generated from the handlers' annotations
//! and the types they take and return (utoipa), so it cannot drift from the code. Public.

use crate::api::{
    account, admin, availability, closures, conflicts, documents, feeds, health, import, meetings,
    reports, schedule, settings, tokens,
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
        meetings::return_for_changes,
        meetings::approve,
        meetings::reject,
        meetings::reschedule,
        meetings::cancel,
        meetings::cancel_occurrence,
        meetings::reschedule_occurrence,
        meetings::split,
        meetings::occurrences_between,
        schedule::week,
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
        conflicts::check_draft,
        conflicts::of_meeting,
        availability::find,
        documents::upload,
        documents::list,
        documents::download,
        documents::delete,
        documents::due,
        reports::report,
    ),
    modifiers(&BearerAuth)
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

#[rocket::get("/api/openapi.json")]
pub fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![document]
}
