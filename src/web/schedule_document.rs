//! `/lich-cong-tac/<week>/docx`: the weekly work schedule as the office's official .docx
//! (NĐ 30/2020/NĐ-CP layout). Public, as the schedule itself is.

use crate::db::Db;
use crate::domain::{calendars, schedule_document};
use crate::Result;
use rocket::http::{ContentType, Header};
use rocket::{get, Responder, State};

#[derive(Responder)]
pub struct DocxFile {
    bytes: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

/// `week`: any date of the week ("2026-12-09") or its ISO name ("2026-W50").
/// `ban`: a published revision (the latest when absent).
#[get("/lich-cong-tac/<week>/docx?<ban>")]
pub async fn docx(db: &State<Db>, week: &str, ban: Option<&str>) -> Result<DocxFile> {
    let monday = calendars::parse_week("week", week)?;
    let ban = super::schedule::number("ban", ban)?;
    Ok(DocxFile {
        bytes: schedule_document::of_week(db, monday, ban).await?,
        content_type: ContentType::new(
            "application",
            "vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"lich-cong-tac-tuan-{monday}.docx\""),
        ),
    })
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![docx]
}
