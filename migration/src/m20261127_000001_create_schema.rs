//! The whole product's tables: reference data (agencies, persons, rooms), accounts, meetings with
//! their expanded occurrences, attendees, audit trail, closures, publications, feeds and documents.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `col IN ('a','b',…)` for a CHECK constraint naming the allowed codes.
fn one_of(col: &str, codes: &[&str]) -> Check {
    let list = codes
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    Expr::cust(format!("{col} IN ({list})")).into()
}

fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{col}"))
        .from(from, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(format!("ix_{table}_{}", cols.join("_")))
        .table(table);
    for c in cols {
        idx.col(*c);
    }
    idx.to_owned()
}

pub const AGENCY_KINDS: &[&str] = &[
    "ubnd_tinh",
    "so_ban_nganh",
    "ubnd_xa",
    "ubnd_phuong",
    "ubnd_dac_khu",
    "ubnd_huyen",
    "other",
];
pub const ROLES: &[&str] = &["agency_clerk", "office_staff", "office_approver", "admin"];
pub const MEETING_KINDS: &[&str] = &[
    "hop",
    "hoi_nghi",
    "lam_viec",
    "tiep_khach",
    "tiep_khach_nuoc_ngoai",
    "truc_tuyen",
    "cong_tac",
];
pub const MEETING_STATUSES: &[&str] = &[
    "draft",
    "pending",
    "reviewed",
    "returned",
    "approved",
    "rejected",
    "cancelled",
    "withdrawn",
];
pub const VISIBILITIES: &[&str] = &["public", "internal", "confidential"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("agency")
                .col(pk_auto("id"))
                .col(string_uniq("name"))
                .col(string("short_name"))
                .col(string("kind"))
                .col(string_null("email"))
                .col(boolean("active").default(true))
                .col(integer("sort_order").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .check(one_of("kind", AGENCY_KINDS))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("person")
                .col(pk_auto("id"))
                .col(string("full_name"))
                .col(string("position"))
                .col(integer("agency_id"))
                .col(string_null("email"))
                .col(string_null("phone"))
                .col(boolean("is_leader").default(false))
                .col(integer("sort_order").default(0))
                .col(boolean("active").default(true))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("person", "agency_id", "agency"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("person", &["agency_id"])).await?;

        m.create_table(
            Table::create()
                .table("account")
                .col(pk_auto("id"))
                .col(string_uniq("username"))
                .col(string("display_name"))
                .col(string("password_hash"))
                .col(string("role"))
                .col(integer_null("agency_id"))
                .col(integer_null("person_id"))
                .col(boolean("disabled").default(false))
                // Bumped when the password changes or the account is disabled: every session and
                // token issued under an older epoch stops working at once.
                .col(integer("session_epoch").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_sign_in_at"))
                .check(one_of("role", ROLES))
                .check(Check::named(
                    "ck_account_clerk_has_agency",
                    Expr::cust("role <> 'agency_clerk' OR agency_id IS NOT NULL"),
                ))
                .foreign_key(&mut fk("account", "agency_id", "agency"))
                .foreign_key(&mut fk("account", "person_id", "person"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("api_token")
                .col(pk_auto("id"))
                .col(integer("account_id"))
                .col(string("name"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("api_token", "account_id", "account"))
                .to_owned(),
        )
        .await?;

        // Sign-in audit log (successes, failures, locks); also the source for throttling.
        m.create_table(
            Table::create()
                .table("auth_event")
                .col(pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("username"))
                .col(integer_null("account_id"))
                .col(string_null("client_ip"))
                .col(string("kind"))
                .col(text_null("detail"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("auth_event", &["username", "at"]))
            .await?;
        m.create_index(index("auth_event", &["client_ip", "at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("room")
                .col(pk_auto("id"))
                .col(string_uniq("name"))
                .col(string("building"))
                .col(string_null("floor"))
                .col(integer("capacity"))
                .col(boolean("bookable").default(true))
                .col(text_null("notes"))
                .col(integer("sort_order").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .check(Check::named("ck_room_capacity", Expr::cust("capacity > 0")))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("equipment")
                .col(pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name_vi"))
                .col(string("name_en"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("room_equipment")
                .col(integer("room_id"))
                .col(integer("equipment_id"))
                .primary_key(Index::create().col("room_id").col("equipment_id"))
                .foreign_key(&mut fk("room_equipment", "room_id", "room"))
                .foreign_key(&mut fk("room_equipment", "equipment_id", "equipment"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("meeting")
                .col(pk_auto("id"))
                .col(string_uniq("uid"))
                .col(text("title"))
                .col(text_null("agenda"))
                .col(integer("requesting_agency_id"))
                .col(integer("created_by"))
                .col(string("kind"))
                .col(integer_null("chair_id"))
                .col(integer_null("room_id"))
                .col(text_null("location"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(string("time_zone"))
                .col(boolean("all_day").default(false))
                .col(string("status"))
                .col(string("visibility"))
                .col(text_null("rrule"))
                // JSON array of original local dates ("2026-12-14") excluded from the series.
                .col(text("exdates").default("[]"))
                .col(text_null("online_link"))
                .col(integer_null("expected_attendance"))
                .col(text_null("preparation"))
                .col(boolean("needs_interpreter").default(false))
                .col(integer_null("preparing_agency_id"))
                .col(integer_null("follower_id"))
                .col(text_null("note"))
                .col(text_null("decision_note"))
                .col(integer("sequence").default(0))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .check(one_of("kind", MEETING_KINDS))
                .check(one_of("status", MEETING_STATUSES))
                .check(one_of("visibility", VISIBILITIES))
                .check(Check::named(
                    "ck_meeting_ends_after_start",
                    Expr::cust("ends_at > starts_at"),
                ))
                .check(Check::named(
                    "ck_meeting_expected_attendance",
                    Expr::cust("expected_attendance IS NULL OR expected_attendance > 0"),
                ))
                .foreign_key(&mut fk("meeting", "requesting_agency_id", "agency"))
                .foreign_key(&mut fk("meeting", "created_by", "account"))
                .foreign_key(&mut fk("meeting", "chair_id", "person"))
                .foreign_key(&mut fk("meeting", "room_id", "room"))
                .foreign_key(&mut fk("meeting", "preparing_agency_id", "agency"))
                .foreign_key(&mut fk("meeting", "follower_id", "person"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("meeting", &["requesting_agency_id", "starts_at"]))
            .await?;
        m.create_index(index("meeting", &["status", "starts_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("meeting_equipment")
                .col(integer("meeting_id"))
                .col(integer("equipment_id"))
                .primary_key(Index::create().col("meeting_id").col("equipment_id"))
                .foreign_key(&mut fk("meeting_equipment", "meeting_id", "meeting"))
                .foreign_key(&mut fk("meeting_equipment", "equipment_id", "equipment"))
                .to_owned(),
        )
        .await?;

        // One row per occurrence: what conflict checks, the no-overlap guarantee, feeds and reports read.
        m.create_table(
            Table::create()
                .table("occurrence")
                .col(pk_auto("id"))
                .col(integer("meeting_id"))
                // The occurrence's original start (RFC 5545 RECURRENCE-ID); equals starts_at unless moved.
                .col(timestamp_with_time_zone("recurrence_id"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(integer_null("room_id"))
                .col(integer_null("chair_id"))
                .col(string("status"))
                // True when this occurrence was changed on its own (moved, other room, cancelled).
                .col(boolean("is_override").default(false))
                .col(integer("sequence").default(0))
                .col(timestamp_with_time_zone("updated_at"))
                .check(one_of("status", MEETING_STATUSES))
                .check(Check::named(
                    "ck_occurrence_ends_after_start",
                    Expr::cust("ends_at > starts_at"),
                ))
                .foreign_key(&mut fk("occurrence", "meeting_id", "meeting"))
                .foreign_key(&mut fk("occurrence", "room_id", "room"))
                .foreign_key(&mut fk("occurrence", "chair_id", "person"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("occurrence", &["meeting_id", "recurrence_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("occurrence", &["room_id", "starts_at"]))
            .await?;
        m.create_index(index("occurrence", &["chair_id", "starts_at"]))
            .await?;
        m.create_index(index("occurrence", &["starts_at"])).await?;

        m.create_table(
            Table::create()
                .table("meeting_attendee")
                .col(pk_auto("id"))
                .col(integer("meeting_id"))
                .col(integer_null("person_id"))
                .col(integer_null("agency_id"))
                .col(string("role"))
                .col(string("participation").default("needs_action"))
                .check(one_of("role", &["chair", "required", "optional"]))
                .check(one_of(
                    "participation",
                    &[
                        "needs_action",
                        "accepted",
                        "declined",
                        "tentative",
                        "delegated",
                    ],
                ))
                .check(Check::named(
                    "ck_attendee_person_or_agency",
                    Expr::cust("(person_id IS NULL) <> (agency_id IS NULL)"),
                ))
                .foreign_key(&mut fk("meeting_attendee", "meeting_id", "meeting"))
                .foreign_key(&mut fk("meeting_attendee", "person_id", "person"))
                .foreign_key(&mut fk("meeting_attendee", "agency_id", "agency"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "meeting_attendee",
                &["meeting_id", "person_id", "agency_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index("meeting_attendee", &["person_id"]))
            .await?;

        // The audit trail: append-only (the next migration forbids UPDATE and DELETE).
        m.create_table(
            Table::create()
                .table("meeting_event")
                .col(pk_auto("id"))
                .col(integer("meeting_id"))
                .col(integer_null("occurrence_id"))
                .col(integer_null("actor_id"))
                .col(string("action"))
                .col(string_null("status_before"))
                .col(string_null("status_after"))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("meeting_event", "meeting_id", "meeting"))
                .foreign_key(&mut fk("meeting_event", "actor_id", "account"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("meeting_event", &["meeting_id", "at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("closure")
                .col(pk_auto("id"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(integer_null("room_id"))
                .col(string("kind"))
                .col(text("reason"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .check(one_of("kind", &["holiday", "maintenance", "other"]))
                .check(Check::named(
                    "ck_closure_range",
                    Expr::cust("ends_on >= starts_on"),
                ))
                .foreign_key(&mut fk("closure", "room_id", "room"))
                .foreign_key(&mut fk("closure", "created_by", "account"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("closure", &["starts_on"])).await?;

        // Make-up working days (làm bù): a Saturday the government declares a working day.
        m.create_table(
            Table::create()
                .table("working_day_exception")
                .col(pk_auto("id"))
                .col(date_uniq("on_date"))
                .col(text("reason"))
                .to_owned(),
        )
        .await?;

        // Revision 0 is the first publication (phát hành); N > 0 is "Điều chỉnh lần N".
        m.create_table(
            Table::create()
                .table("schedule_publication")
                .col(pk_auto("id"))
                .col(date("week_start"))
                .col(integer("revision"))
                .col(integer("published_by"))
                .col(timestamp_with_time_zone("published_at"))
                .col(text_null("note"))
                .foreign_key(&mut fk("schedule_publication", "published_by", "account"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("schedule_publication", &["week_start", "revision"])
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("feed_token")
                .col(pk_auto("id"))
                .col(string("scope"))
                .col(integer_null("person_id"))
                .col(integer_null("room_id"))
                .col(integer_null("agency_id"))
                .col(string_uniq("token_hash"))
                .col(string("label"))
                .col(boolean("include_tentative").default(false))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .check(one_of("scope", &["person", "room", "agency", "office"]))
                .check(Check::named(
                    "ck_feed_token_target",
                    Expr::cust(
                        "(scope = 'person' AND person_id IS NOT NULL) OR \
                         (scope = 'room' AND room_id IS NOT NULL) OR \
                         (scope = 'agency' AND agency_id IS NOT NULL) OR scope = 'office'",
                    ),
                ))
                .foreign_key(&mut fk("feed_token", "person_id", "person"))
                .foreign_key(&mut fk("feed_token", "room_id", "room"))
                .foreign_key(&mut fk("feed_token", "agency_id", "agency"))
                .foreign_key(&mut fk("feed_token", "created_by", "account"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("document")
                .col(pk_auto("id"))
                .col(integer("meeting_id"))
                .col(string("file_name"))
                .col(string("content_type"))
                .col(big_integer("size_bytes"))
                .col(string("sha256"))
                .col(integer("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .foreign_key(&mut fk("document", "meeting_id", "meeting"))
                .foreign_key(&mut fk("document", "uploaded_by", "account"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("document", &["meeting_id"])).await?;

        // Office settings (office hours, buffers, deadlines) as JSON values under a key.
        m.create_table(
            Table::create()
                .table("setting")
                .col(string("key").primary_key())
                .col(text("value"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "setting",
            "document",
            "feed_token",
            "schedule_publication",
            "working_day_exception",
            "closure",
            "meeting_event",
            "meeting_attendee",
            "occurrence",
            "meeting_equipment",
            "meeting",
            "room_equipment",
            "equipment",
            "room",
            "auth_event",
            "api_token",
            "account",
            "person",
            "agency",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
