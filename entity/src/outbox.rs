use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One e-mail to one recipient, written with the decision it tells of and sent afterwards.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Fixed when the row is written, so a resent message is recognisably the same.
    #[sea_orm(unique)]
    pub message_id: String,
    pub recipient_email: String,
    pub recipient_name: String,
    /// "vi" or "en".
    pub lang: String,
    /// What happened: the workflow action ("approve", …) or "test".
    pub kind: String,
    pub meeting_id: Option<i32>,
    pub account_id: Option<i32>,
    pub subject: String,
    /// JSON: the words and values of the body, as the decision saw them.
    pub facts: String,
    /// iTIP method of the calendar part (REQUEST, CANCEL), None without one.
    pub ics_method: Option<String>,
    /// The calendar part, written with the decision (the meeting as decided).
    pub ics: Option<String>,
    /// queued, sending, sent, failed.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    pub claimed_until: Option<chrono::DateTime<chrono::Utc>>,
    /// The relay's last answer (code and text), or why it could not be reached.
    pub last_answer: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The invited person an invitation goes to: the sender mints their answer link.
    pub person_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
