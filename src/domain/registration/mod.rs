//! Meeting requests (đăng ký): what agencies register, how the office decides, who may see what.
//! Every write is one transaction; on SQLite it also holds the app's write lock.
//!
//! A file per job: `input` (what comes in), `validate` (checking it), `save` (register, edit),
//! `queries` (lists, history, collisions), `decide` (the office's decisions).

mod decide;
mod input;
mod queries;
mod save;
mod validate;

pub(crate) use decide::collision_error;
pub use decide::{decide, may_decide, Decision};
pub use input::{Actor, AttendeeInput, DecisionInput, MeetingInput};
pub use queries::{
    approval_preview, collisions_among, collisions_at, collisions_of, history, list, occurrences,
    occurrences_between, Collision, MeetingFilter,
};
pub use save::{create, get, must_be_editable, update};
pub(crate) use validate::{check_span, must_exist};
pub use validate::{
    equipment_by_code, parse_time, parse_zone, validate, MAX_DAYS, MAX_TEXT, MAX_TITLE, MIN_MINUTES,
};
