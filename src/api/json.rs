//! JSON request bodies whose every failure names the field.
//!
//! The guard never fails by itself: it yields `Err(Error)` and the handler returns it with `?`,
//! so the one error type renders the answer (413 too large, 415 not JSON, 400 not parseable,
//! 422 wrong type or missing field, with the field's path such as `attendees[0].person_id`).

use crate::error::{Error, Msg};
use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::request::Request;
use serde::de::DeserializeOwned;

pub struct JsonBody<T>(pub Result<T, Error>);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> Result<T, Error> {
        self.0
    }
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for JsonBody<T> {
    type Error = std::convert::Infallible;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        data::Outcome::Success(JsonBody(read(req, data).await))
    }
}

async fn read<T: DeserializeOwned>(req: &Request<'_>, data: Data<'_>) -> Result<T, Error> {
    let limit = req.limits().get("json").unwrap_or(1.mebibytes());
    let bytes = data.open(limit).into_bytes().await.map_err(|e| {
        Error::BadRequest(Msg::new(
            format!("Không đọc được nội dung gửi lên: {e}"),
            format!("Could not read the body: {e}"),
        ))
    })?;
    if !bytes.is_complete() {
        return Err(Error::PayloadTooLarge(Msg::new(
            format!("Nội dung gửi lên vượt quá {limit}."),
            format!("The body is larger than {limit}."),
        )));
    }
    // An empty body stands for `{}`: decisions without a reason or room need no body at all.
    let empty = bytes.is_empty();
    if !empty && !req.content_type().is_some_and(|ct| ct.is_json()) {
        return Err(Error::UnsupportedMediaType(Msg::new(
            "Nội dung gửi lên phải là JSON (Content-Type: application/json).",
            "The body must be JSON (Content-Type: application/json).",
        )));
    }
    let bytes: &[u8] = if empty { b"{}" } else { &bytes };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return Error::BadRequest(Msg::new(
                format!("JSON không hợp lệ: {inner}"),
                format!("Malformed JSON: {inner}"),
            ));
        }
        let field = if path == "." {
            missing_field(&inner.to_string()).unwrap_or(path)
        } else {
            path
        };
        Error::Validation {
            field,
            msg: Msg::new(
                format!("Giá trị không hợp lệ: {inner}"),
                format!("Invalid value: {inner}"),
            ),
        }
    })
}

/// serde reports a missing field at the parent's path; take the name from its message.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_string())
}
