//! iCalendar feeds: which meetings a feed holds (`select`), the iCalendar model and bytes
//! (`render`, over our RFC 5545 writer `rfc5545`), the in-memory cache (`cache`), feed tokens
//! (`tokens`) and import of .ics files (`import`, with `windows_zones`). No HTTP here: see src/api/feeds.rs.

pub mod cache;
pub mod import;
pub mod published;
pub mod render;
pub mod rfc5545;
pub mod select;
pub mod tokens;
pub mod windows_zones;
