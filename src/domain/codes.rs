//! OpenAPI schemas of the code sets stored as text (`entity::enums`). `entity/` knows nothing of
//! utoipa, so each set's schema is built here from its `ALL` list and cannot drift from it. A
//! field of an entity enum type in a documented type names its schema:
//! `#[schema(value_type = codes::MeetingKind)]`.

use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

macro_rules! code_schema {
    ($($name:ident: $description:literal),+ $(,)?) => {$(
        #[doc = $description]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .enum_values(Some(entity::$name::ALL.iter().map(|c| c.code())))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )+};
}

code_schema!(
    AgencyKind: "Kind of agency (đơn vị). Since 1 July 2025 local government has two tiers; `UbndHuyen`\nremains for older data.",
    Role: "What an account may do.",
    MeetingKind: "Kind of meeting (loại cuộc họp).",
    MeetingStatus: "Where a meeting request stands in the approval workflow.",
    Visibility: "Who may see a meeting.",
    AttendeeRole: "A person's or agency's part in a meeting.",
    ClosureKind: "Why the office or a room takes no meetings.",
    FeedScope: "What a feed token opens.",
    Participation: "An invitee's answer to an invitation (iTIP PARTSTAT).",
);

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    #[test]
    fn a_code_schema_lists_every_stored_code() {
        let schema = serde_json::to_value(super::MeetingStatus::schema()).unwrap();
        let codes: Vec<&str> = entity::MeetingStatus::ALL
            .iter()
            .map(|s| s.code())
            .collect();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["enum"], serde_json::json!(codes));
    }
}
