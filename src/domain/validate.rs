//! Small input rules shared by the reference data and accounts; each refusal names its field.

use crate::error::Msg;
use crate::{Error, Result};
use sea_orm::{DbErr, SqlErr};

/// Trimmed, non-empty, at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "msg.validate.this_field_is_required"));
    }
    limit(field, v, max)
}

/// Trimmed; empty becomes None.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => limit(field, v, max).map(Some),
        None => Ok(None),
    }
}

/// A C0 control character other than tab, line feed and carriage return. U+0000 cannot be
/// stored in PostgreSQL text (`invalid byte sequence for encoding "UTF8": 0x00`) and the others
/// have no place in what people type; tab and line ends do, in multi-line fields.
pub fn is_refused_control(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\n' | '\r')
}

/// Refuses a value holding a refused control character, naming the field. The body guards
/// (`api::json::JsonBody`, `web::csrf::CsrfForm`) apply it to every field they read, so no
/// handler sees one; `required` and `optional` apply it too.
pub fn text(field: &str, value: &str) -> Result<()> {
    match value.chars().find(|c| is_refused_control(*c)) {
        None => Ok(()),
        Some(c) => Err(Error::Validation {
            field: field.to_string(),
            msg: Msg::t(
                "input.control_character",
                &[
                    ("field", field),
                    ("code", &format!("U+{:04X}", u32::from(c))),
                ],
            ),
        }),
    }
}

/// The value with each refused control character replaced by U+FFFD, for a log that must keep
/// what was sent without storing the character itself.
pub fn printable(value: &str) -> String {
    value
        .chars()
        .map(|c| if is_refused_control(c) { '\u{fffd}' } else { c })
        .collect()
}

fn limit(field: &str, v: &str, max: usize) -> Result<String> {
    text(field, v)?;
    if v.chars().count() > max {
        return Err(Error::Validation {
            field: field.to_string(),
            msg: Msg::t(
                "msg.validate.at_most_max_characters",
                &[("max", &max.to_string())],
            ),
        });
    }
    Ok(v.to_string())
}

/// A plausible e-mail address (something@something.tld), or None.
pub fn email(field: &str, value: Option<&str>) -> Result<Option<String>> {
    let v = optional(field, value, 200)?;
    if let Some(e) = &v {
        let ok = e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }) && !e.contains(char::is_whitespace);
        if !ok {
            return Err(Error::invalid(
                field,
                "msg.validate.not_a_valid_e_mail_address",
            ));
        }
    }
    Ok(v)
}

/// A whole number in a range.
pub fn in_range(field: &str, value: i32, min: i32, max: i32) -> Result<i32> {
    if value < min || value > max {
        return Err(Error::Validation {
            field: field.to_string(),
            msg: Msg::t(
                "msg.validate.must_be_a_number_from_min",
                &[("max", &max.to_string()), ("min", &min.to_string())],
            ),
        });
    }
    Ok(value)
}

/// A uniqueness violation from the database becomes a refusal of `field`; other errors pass.
pub fn unique_violation(e: DbErr, field: &str) -> Error {
    if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        taken(field)
    } else {
        Error::from(e)
    }
}

pub fn taken(field: &str) -> Error {
    Error::invalid(field, "msg.validate.this_value_is_already_in_use")
}

/// For PATCH bodies: tells an absent field (`None`) from an explicit `null` (`Some(None)`).
/// Use with `#[serde(default, deserialize_with = "crate::domain::validate::present")]`.
pub fn present<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(d).map(Some)
}
