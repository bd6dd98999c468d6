//! `JsonBody<T>`: the API's JSON data guard. Unlike Rocket's `Json`, a refusal names the field
//! and speaks the caller's language: a body over the `json` limit answers 413, another content
//! type 415, broken JSON 400, an unknown field or a wrong type 422 with `field` set.
//! Types read through it should be `#[serde(deny_unknown_fields)]`.

use crate::body::{read_text, refuse, Checked, TextRule};
use crate::domain::validate;
use crate::error::{Error, Msg};
use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::request::Request;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::marker::PhantomData;

/// A JSON body of type `T`; every string in it was checked by `R` (see [`TextRule`]).
pub struct JsonBody<T, R = Checked>(pub T, PhantomData<R>);

/// Refuses a JSON text with a control character (see [`validate::text`]) in any string, key or
/// value, naming its path (`attendees[0].name`). JSON carries one only escaped (`\u0000`; a raw
/// one is a syntax error), so a text without `\u00` is not parsed again.
pub fn check_text(text: &str) -> Result<(), Error> {
    if !text.contains("\\u00") {
        return Ok(());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value) => check_value(&value, ""),
        Err(_) => Ok(()),
    }
}

fn check_value(value: &Value, path: &str) -> Result<(), Error> {
    match value {
        Value::String(s) => validate::text(path, s),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_value(item, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().try_for_each(|(key, item)| {
            let path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            validate::text(&validate::printable(&path), key)?;
            check_value(item, &path)
        }),
        _ => Ok(()),
    }
}

/// The field a serde error is about: the path where it happened, plus the name quoted in
/// "unknown field `x`" / "missing field `x`" messages.
fn field_of(path: &str, message: &str) -> String {
    let quoted = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("unknown field") || message.starts_with("missing field"));
    let path = if path == "." { "" } else { path };
    match quoted {
        Some(name) if path.is_empty() => name.to_string(),
        Some(name) if path != name && !path.ends_with(&format!(".{name}")) => {
            format!("{path}.{name}")
        }
        _ => path.to_string(),
    }
}

/// Parses `text` as `T`, mapping every failure to a 400 or a 422 that names the field.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return Error::BadRequest(Msg::t(
                "msg.json.the_json_body_is_malformed_inner",
                &[("inner", &inner.to_string())],
            ));
        }
        let detail = inner.to_string();
        let detail = detail.split(" at line ").next().unwrap_or("").to_string();
        let field = field_of(&path, &detail);
        Error::Validation {
            field: field.to_string(),
            msg: Msg::t(
                "msg.json.field_field_is_not_valid_detail",
                &[
                    ("detail", &detail.to_string()),
                    ("field", &field.to_string()),
                ],
            ),
        }
    })?;
    de.end().map_err(|e| {
        Error::BadRequest(Msg::t(
            "msg.json.the_json_body_is_malformed_e",
            &[("e", &e.to_string())],
        ))
    })?;
    Ok(value)
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned, R: TextRule> FromData<'r> for JsonBody<T, R> {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let text = match read_text(req, data, "json", 1.mebibytes()).await {
            Ok(text) => text,
            Err(e) => return refuse(req, e),
        };
        // An empty body stands for `{}`: a decision without a reason or room needs no body.
        if text.is_empty() {
            return match parse("{}") {
                Ok(v) => data::Outcome::Success(JsonBody(v, PhantomData)),
                Err(e) => refuse(req, e),
            };
        }
        if !req.content_type().is_some_and(|ct| ct.is_json()) {
            return refuse(
                req,
                Error::UnsupportedMediaType(Msg::t("msg.json.the_body_must_be_json_content", &[])),
            );
        }
        let checked = if R::CHECKED {
            check_text(&text)
        } else {
            Ok(())
        };
        match parse(&text).and_then(|v| checked.map(|_| v)) {
            Ok(v) => data::Outcome::Success(JsonBody(v, PhantomData)),
            Err(e) => refuse(req, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rocket::http::Status;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        capacity: i32,
    }

    #[test]
    fn refusals_name_the_field() {
        let e = parse::<Body>(r#"{"name":"a","capacity":"many"}"#).unwrap_err();
        assert_eq!(
            (e.field(), e.status()),
            (Some("capacity"), Status::UnprocessableEntity)
        );
        let e = parse::<Body>(r#"{"name":"a","capacity":1,"colour":2}"#).unwrap_err();
        assert_eq!(e.field(), Some("colour"));
        let e = parse::<Body>(r#"{"name":"a"}"#).unwrap_err();
        assert_eq!(e.field(), Some("capacity"));
        let e = parse::<Body>(r#"{"name":"a","#).unwrap_err();
        assert_eq!(e.status(), Status::BadRequest);
    }

    #[test]
    fn control_characters_are_refused_by_path() {
        let field = |text: &str| {
            check_text(text)
                .err()
                .map(|e| e.field().map(str::to_string))
        };
        assert_eq!(field(r#"{"name":"a\u0000"}"#), Some(Some("name".into())));
        assert_eq!(
            field(r#"{"a":[{"b":"x"},{"b":"\u001b"}]}"#),
            Some(Some("a[1].b".into()))
        );
        assert_eq!(field(r#"{"name":"tab\u0009 and\nline"}"#), None);
        assert_eq!(field(r#"{"name":"\\u0000 is written"}"#), None);
    }
}
