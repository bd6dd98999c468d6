//! iCalendar feeds: our RFC 5545 writer and reader helpers over the `ical` crate's types.

pub mod rfc5545;
