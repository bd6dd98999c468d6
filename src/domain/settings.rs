//! Office settings (Where the rules say "configurable"): stored as JSON under a key in the
//! `setting` table, with the national defaults when unset.

use crate::db::Db;
use crate::domain::clock;
use crate::{Error, Result};
use chrono::NaiveTime;
use entity::setting;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Office hours, Monday to Friday (07:30–17:00 by default).
    #[schema(value_type = String, example = "07:30:00")]
    pub office_opens: NaiveTime,
    #[schema(value_type = String, example = "07:30:00")]
    pub office_closes: NaiveTime,
    /// The lunch break (11:30–13:30 by default): find-a-time never offers a slot that starts,
    /// ends or lies inside it. Equal times mean no break.
    #[schema(value_type = String, example = "11:30:00")]
    pub lunch_starts: NaiveTime,
    #[schema(value_type = String, example = "13:30:00")]
    pub lunch_ends: NaiveTime,
    /// Find-a-time spreads its candidates over this many working days (5)…
    pub find_days: usize,
    /// …offering at most this many per day (3), none overlapping another.
    pub find_per_day: usize,
    /// Minutes kept free between two meetings in one room (setup time).
    pub room_buffer_minutes: i64,
    /// A request submitted fewer working days than this before the meeting is late.
    pub registration_lead_working_days: i64,
    /// Documents of a regular meeting reach participants this many working days before
    /// (Quyết định 45/2018/QĐ-TTg, art. 10: 3).
    pub documents_lead_working_days: i64,
    /// Weekly registration cut-off for the next week: weekday (1 = Monday) and time
    /// (Thursday 16:00 by default; the week is published on Friday).
    pub cutoff_weekday: u32,
    #[schema(value_type = String, example = "07:30:00")]
    pub cutoff_time: NaiveTime,
    /// May office staff (not only approvers) approve?
    pub staff_may_approve: bool,
    /// Days a cancelled meeting stays in feeds as STATUS:CANCELLED so clients remove it.
    pub cancelled_in_feeds_days: i64,
    /// Largest meeting document, in MiB.
    pub max_document_mib: u64,
    /// The official weekly schedule (.docx, print view), NĐ 30/2020/NĐ-CP: the province in
    /// "UBND TỈNH …", the place of the date line ("Thanh Hóa, ngày … tháng … năm …"), who signs
    /// and in what capacity ("TL. CHỦ TỊCH" over "CHÁNH VĂN PHÒNG"), and the recipients
    /// ("Nơi nhận:", one per line).
    pub province_name: String,
    pub place_name: String,
    pub signer_capacity: String,
    pub signer_position: String,
    pub signer_name: String,
    pub recipients: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        Settings {
            office_opens: t(7, 30),
            office_closes: t(17, 0),
            lunch_starts: t(11, 30),
            lunch_ends: t(13, 30),
            find_days: 5,
            find_per_day: 3,
            room_buffer_minutes: 15,
            registration_lead_working_days: 2,
            documents_lead_working_days: 3,
            cutoff_weekday: 4,
            cutoff_time: t(16, 0),
            staff_may_approve: false,
            cancelled_in_feeds_days: 30,
            max_document_mib: 20,
            province_name: "Thanh Hóa".into(),
            place_name: "Thanh Hóa".into(),
            signer_capacity: "TL. CHỦ TỊCH".into(),
            signer_position: "CHÁNH VĂN PHÒNG".into(),
            signer_name: "Võ Quốc Hùng".into(),
            recipients: [
                "Thường trực Tỉnh ủy (b/c)",
                "Thường trực HĐND tỉnh (b/c)",
                "Chủ tịch, các PCT UBND tỉnh",
                "Các sở, ban, ngành",
                "Lưu: VT",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

const KEY: &str = "office";

impl Settings {
    pub fn validate(&self) -> Result<()> {
        if self.office_closes <= self.office_opens {
            return Err(Error::invalid(
                "office_closes",
                "msg.settings.office_hours_must_end_after_they",
            ));
        }
        if self.lunch_ends < self.lunch_starts {
            return Err(Error::invalid(
                "lunch_ends",
                "msg.find_time.lunch_must_end_after_it_starts",
            ));
        }
        for (field, v, max) in [
            ("find_days", self.find_days as i64, 20),
            ("find_per_day", self.find_per_day as i64, 10),
        ] {
            if !(1..=max).contains(&v) {
                return Err(Error::Validation {
                    field: field.to_string(),
                    msg: crate::error::Msg::t(
                        "msg.find_time.must_be_between_1_and_max",
                        &[("max", &max.to_string())],
                    ),
                });
            }
        }
        for (field, v, max) in [
            ("room_buffer_minutes", self.room_buffer_minutes, 240),
            (
                "registration_lead_working_days",
                self.registration_lead_working_days,
                60,
            ),
            (
                "documents_lead_working_days",
                self.documents_lead_working_days,
                60,
            ),
            ("cancelled_in_feeds_days", self.cancelled_in_feeds_days, 365),
        ] {
            if !(0..=max).contains(&v) {
                return Err(Error::Validation {
                    field: field.to_string(),
                    msg: crate::error::Msg::t(
                        "msg.settings.must_be_between_0_and_max",
                        &[("max", &max.to_string())],
                    ),
                });
            }
        }
        if !(1..=7).contains(&self.cutoff_weekday) {
            return Err(Error::invalid(
                "cutoff_weekday",
                "msg.settings.weekday_from_1_monday_to_7",
            ));
        }
        for (field, v) in [
            ("province_name", &self.province_name),
            ("place_name", &self.place_name),
            ("signer_capacity", &self.signer_capacity),
            ("signer_position", &self.signer_position),
            ("signer_name", &self.signer_name),
        ] {
            if v.trim().is_empty() || v.chars().count() > 120 || v.chars().any(char::is_control) {
                return Err(Error::invalid(field, "msg.settings.one_line_of_1_to_120"));
            }
        }
        if self.recipients.len() > 20
            || self.recipients.iter().any(|r| {
                r.trim().is_empty() || r.chars().count() > 200 || r.chars().any(char::is_control)
            })
        {
            return Err(Error::invalid(
                "recipients",
                "msg.settings.up_to_20_recipients",
            ));
        }
        if !(1..=200).contains(&self.max_document_mib) {
            return Err(Error::invalid(
                "max_document_mib",
                "msg.settings.between_1_and_200_mib",
            ));
        }
        Ok(())
    }
}

/// The current settings (defaults for whatever was never set).
pub async fn load(db: &Db) -> Result<Settings> {
    match setting::Entity::find_by_id(KEY.to_string())
        .one(&db.conn)
        .await?
    {
        Some(row) => serde_json::from_str(&row.value)
            .map_err(|e| Error::Internal(format!("stored settings unreadable: {e}"))),
        None => Ok(Settings::default()),
    }
}

pub async fn save(db: &Db, s: &Settings) -> Result<()> {
    s.validate()?;
    let value = serde_json::to_string(s).map_err(|e| Error::Internal(e.to_string()))?;
    let _w = db.write_guard().await;
    let row = setting::ActiveModel {
        key: Set(KEY.into()),
        value: Set(value),
        updated_at: Set(clock::now()),
    };
    match setting::Entity::find_by_id(KEY.to_string())
        .one(&db.conn)
        .await?
    {
        Some(_) => row.update(&db.conn).await?,
        None => row.insert(&db.conn).await?,
    };
    Ok(())
}
