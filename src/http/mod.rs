//! The HTTP pieces the pages (`web`) and the API (`api`) share, so that neither imports the
//! other: conditional requests, a meeting's documents, the report's answer, query dates.

pub mod conditional;
pub mod documents;
pub mod reports;

pub use conditional::Conditional;

use crate::{Error, Result};

/// A `YYYY-MM-DD` query parameter; empty or absent is None.
pub fn parse_date(field: &str, v: Option<&str>) -> Result<Option<chrono::NaiveDate>> {
    let Some(v) = v.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    v.parse()
        .map(Some)
        .map_err(|_| Error::invalid_with(field, "msg.meetings.invalid_date", &[("value", v)]))
}
