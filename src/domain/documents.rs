//! Meeting documents (tài liệu họp): stored under the data directory by content hash, typed by
//! their first bytes as well as their extension, never executed and never served inline.
//!
//! The rule for regular meetings (Quyết định 45/2018/QĐ-TTg, art. 10): documents reach the
//! participants at least `documents_lead_working_days` (3) working days before. Meetings of kind
//! họp and hội nghị whose documents are missing or late are flagged.

use crate::db::Db;
use crate::domain::clock;
use crate::domain::conflicts::conflict::{Conflict, Kind, Severity};
use crate::domain::registration::Actor;
use crate::domain::settings::Settings;
use crate::domain::working_days::Calendar;
use crate::error::Msg;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{document, meeting, meeting_attendee, occurrence, person, MeetingKind, MeetingStatus};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The kinds of file a meeting document may be: extensions, content type, and how the first
/// bytes must look.
struct Allowed {
    exts: &'static [&'static str],
    content_type: &'static str,
    magic: &'static [u8],
    /// For Office Open XML (a zip): the folder its parts live in (word/, xl/, ppt/).
    ooxml_dir: Option<&'static [u8]>,
}

const ZIP: &[u8] = b"PK\x03\x04";
/// OLE2 compound file: the legacy .doc, .xls and .ppt.
const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

const ALLOWED: &[Allowed] = &[
    Allowed {
        exts: &["pdf"],
        content_type: "application/pdf",
        magic: b"%PDF-",
        ooxml_dir: None,
    },
    Allowed {
        exts: &["doc"],
        content_type: "application/msword",
        magic: OLE2,
        ooxml_dir: None,
    },
    Allowed {
        exts: &["xls"],
        content_type: "application/vnd.ms-excel",
        magic: OLE2,
        ooxml_dir: None,
    },
    Allowed {
        exts: &["ppt"],
        content_type: "application/vnd.ms-powerpoint",
        magic: OLE2,
        ooxml_dir: None,
    },
    Allowed {
        exts: &["docx"],
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        magic: ZIP,
        ooxml_dir: Some(b"word/"),
    },
    Allowed {
        exts: &["xlsx"],
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        magic: ZIP,
        ooxml_dir: Some(b"xl/"),
    },
    Allowed {
        exts: &["pptx"],
        content_type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        magic: ZIP,
        ooxml_dir: Some(b"ppt/"),
    },
    Allowed {
        exts: &["png"],
        content_type: "image/png",
        magic: b"\x89PNG\r\n\x1a\n",
        ooxml_dir: None,
    },
    Allowed {
        exts: &["jpg", "jpeg"],
        content_type: "image/jpeg",
        magic: b"\xFF\xD8\xFF",
        ooxml_dir: None,
    },
];

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn unsupported(name: &str) -> Error {
    Error::UnsupportedMediaType(Msg::t("refusals.unsupported_file", &[("name", name)]))
}

/// The content type of a file named `name` whose first bytes are `head` and last bytes `tail`,
/// or a 415 when the extension is not allowed or the bytes are not what it claims (HTML named
/// .pdf, an executable named .docx).
pub fn sniff(name: &str, head: &[u8], tail: &[u8]) -> Result<&'static str> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = ALLOWED
        .iter()
        .find(|a| a.exts.contains(&ext.as_str()))
        .ok_or_else(|| unsupported(name))?;
    if !head.starts_with(kind.magic) {
        return Err(unsupported(name));
    }
    if let Some(dir) = kind.ooxml_dir {
        // The zip's directory (at its end) names the parts; [Content_Types].xml marks OOXML.
        let named = |b: &[u8]| contains(b, dir) && contains(b, b"[Content_Types].xml");
        if !(named(tail) || named(head)) {
            return Err(unsupported(name));
        }
    }
    Ok(kind.content_type)
}

/// The name as shown and offered on download: its last path component, without control
/// characters, at most 200 characters.
pub fn clean_file_name(raw: &str) -> Result<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = base
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::invalid(
            "file",
            "msg.documents.the_file_name_is_empty_or",
        ));
    }
    Ok(name)
}

pub fn store_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("documents")
}

/// Where the content with this SHA-256 lives. The hash is hex we computed, never user input.
pub fn stored_path(data_dir: &Path, sha256: &str) -> PathBuf {
    store_dir(data_dir).join(sha256)
}

/// What storing an upload found out.
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    pub content_type: &'static str,
}

/// Types, hashes and stores the file at `tmp` (already inside the documents folder): renamed to
/// its hash, or dropped when that content is already stored. `tmp` is removed in every case.
pub fn store_file(data_dir: &Path, tmp: &Path, name: &str) -> Result<Stored> {
    let result = (|| {
        use sha2::{Digest, Sha256};
        let io = |e: std::io::Error| Error::Internal(format!("document store: {e}"));
        let mut f = std::fs::File::open(tmp).map_err(io)?;
        let size = f.metadata().map_err(io)?.len();
        let mut hasher = Sha256::new();
        let mut head = Vec::with_capacity(8192);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = f.read(&mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            if head.len() < 8192 {
                let take = (8192 - head.len()).min(n);
                head.extend_from_slice(&buf[..take]);
            }
            hasher.update(&buf[..n]);
        }
        let tail_len = size.min(64 * 1024);
        f.seek(SeekFrom::End(-(tail_len as i64))).map_err(io)?;
        let mut tail = vec![0u8; tail_len as usize];
        f.read_exact(&mut tail).map_err(io)?;
        let content_type = sniff(name, &head, &tail)?;
        let sha256 = hex::encode(hasher.finalize());
        let dest = stored_path(data_dir, &sha256);
        if !dest.exists() {
            std::fs::rename(tmp, &dest).map_err(io)?;
        }
        Ok(Stored {
            sha256,
            size,
            content_type,
        })
    })();
    if tmp.exists() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// A file received with a form, written to `tmp` inside the documents folder, checked by the
/// rules of every upload before anything is saved: a clean name, not empty, within `max_mib`,
/// an allowed type whose bytes match. Answers the name to keep; [`store_file`] stores it once
/// the meeting exists.
pub fn check_file(tmp: &Path, raw_name: &str, size: u64, max_mib: u64) -> Result<String> {
    let name = clean_file_name(raw_name)?;
    if size > max_mib * 1024 * 1024 {
        return Err(Error::PayloadTooLarge(Msg::t(
            "msg.documents.the_file_is_larger_than_allowed",
            &[("max_mib", &max_mib.to_string())],
        )));
    }
    if size == 0 {
        return Err(Error::invalid("file", "msg.documents.the_file_is_empty"));
    }
    let io = |e: std::io::Error| Error::Internal(format!("document check: {e}"));
    let mut f = std::fs::File::open(tmp).map_err(io)?;
    let mut head = vec![0u8; size.min(8192) as usize];
    f.read_exact(&mut head).map_err(io)?;
    let tail_len = size.min(64 * 1024);
    f.seek(SeekFrom::End(-(tail_len as i64))).map_err(io)?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail).map_err(io)?;
    sniff(&name, &head, &tail)?;
    Ok(name)
}

/// May `actor` add documents to `m`? The office, and the agency that registered or prepares it.
pub fn may_upload(actor: &Actor, m: &meeting::Model) -> bool {
    actor.office
        || actor
            .agency_id
            .is_some_and(|a| a == m.requesting_agency_id || Some(a) == m.preparing_agency_id)
}

/// The meeting if `actor` may read its documents: those who may upload, and the participants'
/// agencies (an agency invited, or an agency one of whose persons is invited). Others get 404.
pub async fn readable(db: &Db, actor: &Actor, meeting_id: i32) -> Result<meeting::Model> {
    let m = meeting::Entity::find_by_id(meeting_id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| Error::missing("meeting"))?;
    if may_upload(actor, &m) {
        return Ok(m);
    }
    let Some(agency) = actor.agency_id else {
        return Err(Error::missing("meeting"));
    };
    let of_agency = sea_orm::sea_query::Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::AgencyId.eq(agency))
        .to_owned();
    let invited = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.eq(meeting_id))
        .filter(
            Condition::any()
                .add(meeting_attendee::Column::AgencyId.eq(agency))
                .add(meeting_attendee::Column::PersonId.in_subquery(of_agency)),
        )
        .one(&db.conn)
        .await?
        .is_some();
    if invited {
        Ok(m)
    } else {
        Err(Error::missing("meeting"))
    }
}

pub async fn insert(
    db: &Db,
    meeting_id: i32,
    by: i32,
    file_name: String,
    stored: &Stored,
) -> Result<document::Model> {
    let _w = db.write_guard().await;
    Ok(document::ActiveModel {
        meeting_id: Set(meeting_id),
        file_name: Set(file_name),
        content_type: Set(stored.content_type.to_string()),
        size_bytes: Set(stored.size as i64),
        sha256: Set(stored.sha256.clone()),
        uploaded_by: Set(by),
        uploaded_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&db.conn)
    .await?)
}

pub async fn list<C: ConnectionTrait>(db: &C, meeting_id: i32) -> Result<Vec<document::Model>> {
    Ok(document::Entity::find()
        .filter(document::Column::MeetingId.eq(meeting_id))
        .order_by_asc(document::Column::UploadedAt)
        .order_by_asc(document::Column::Id)
        .all(db)
        .await?)
}

pub async fn find(db: &Db, id: i32) -> Result<document::Model> {
    document::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| Error::missing("document"))
}

/// Removes the row; the stored content goes too when no other row shares it.
pub async fn delete(db: &Db, data_dir: &Path, d: &document::Model) -> Result<()> {
    let _w = db.write_guard().await;
    document::Entity::delete_by_id(d.id).exec(&db.conn).await?;
    let shared = document::Entity::find()
        .filter(document::Column::Sha256.eq(d.sha256.as_str()))
        .one(&db.conn)
        .await?
        .is_some();
    if !shared {
        let _ = std::fs::remove_file(stored_path(data_dir, &d.sha256));
    }
    Ok(())
}

/// Do the documents rules apply? Regular meetings: họp and hội nghị.
pub fn rule_applies(kind: MeetingKind) -> bool {
    matches!(kind, MeetingKind::Hop | MeetingKind::HoiNghi)
}

/// When a meeting's documents are due and whether they are missing or late.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentsDue {
    pub meeting_id: i32,
    pub title: String,
    #[schema(value_type = crate::domain::codes::MeetingStatus)]
    pub status: MeetingStatus,
    /// The occurrence the deadline is for: the next one, or the first when all are past.
    pub meeting_starts_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    pub documents: usize,
    /// documents_missing or documents_late; None when on time.
    pub flag: Option<Conflict>,
}

/// The documents flag of `m`, given its documents' upload times; None when the rule does not
/// apply (other kinds, no occurrence left).
pub async fn due<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    uploads: &[DateTime<Utc>],
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Option<DocumentsDue>> {
    if !rule_applies(m.kind) {
        return Ok(None);
    }
    let starts: Vec<DateTime<Utc>> = occurrence::Entity::find()
        .select_only()
        .column(occurrence::Column::StartsAt)
        .filter(occurrence::Column::MeetingId.eq(m.id))
        .filter(occurrence::Column::Status.ne(MeetingStatus::Cancelled))
        .order_by_asc(occurrence::Column::StartsAt)
        .into_tuple()
        .all(db)
        .await?;
    let Some(at) = starts
        .iter()
        .find(|s| **s >= now)
        .or(starts.first())
        .copied()
    else {
        return Ok(None);
    };
    let date = clock::office_date(at);
    let lead = settings.documents_lead_working_days;
    let calendar = Calendar::load(db, date - Duration::days(lead * 3 + 30), date).await?;
    let due_on = calendar.deadline(date, lead);
    let today = clock::office_date(now);
    let first_upload = uploads.iter().min().map(|t| clock::office_date(*t));
    let dmy = |d: NaiveDate| Msg::both(d.format("%d/%m/%Y").to_string());
    let (due, day, lead) = (dmy(due_on), dmy(date), Msg::both(lead.to_string()));
    let flag = |kind, key, sent: Option<&Msg>| {
        let mut args = vec![("due", &due), ("date", &day), ("lead", &lead)];
        args.extend(sent.map(|sent| ("sent", sent)));
        Conflict::t(kind, Severity::Warning, Some(date), key, &args)
    };
    let flag = match first_upload {
        None if today > due_on => Some(flag(
            Kind::DocumentsLate,
            "conflicts.documents_overdue",
            None,
        )),
        None => Some(flag(
            Kind::DocumentsMissing,
            "conflicts.documents_missing",
            None,
        )),
        Some(d) if d > due_on => Some(flag(
            Kind::DocumentsLate,
            "conflicts.documents_late",
            Some(&dmy(d)),
        )),
        Some(_) => None,
    };
    Ok(Some(DocumentsDue {
        meeting_id: m.id,
        title: m.title.clone(),
        status: m.status,
        meeting_starts_at: at,
        due_on,
        documents: uploads.len(),
        flag,
    }))
}

/// The documents flag of a request not saved yet (the form's check), for a meeting of `kind`
/// on `day`: late when today is already past its documents deadline (documents sent now come
/// late). None when the rule does not apply or the deadline is still ahead.
pub async fn late_for_new<C: ConnectionTrait>(
    db: &C,
    kind: MeetingKind,
    day: NaiveDate,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Option<Conflict>> {
    if !rule_applies(kind) {
        return Ok(None);
    }
    let lead = settings.documents_lead_working_days;
    let calendar = Calendar::load(db, day - Duration::days(lead * 3 + 30), day).await?;
    let due_on = calendar.deadline(day, lead);
    if clock::office_date(now) <= due_on {
        return Ok(None);
    }
    let dmy = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let msg = Msg::t(
        "request_more.documents_late",
        &[
            ("due", &dmy(due_on)),
            ("lead", &lead.to_string()),
            ("day", &dmy(day)),
        ],
    );
    Ok(Some(Conflict::new(
        Kind::DocumentsLate,
        Severity::Warning,
        Some(day),
        msg.pick(crate::error::Lang::Vi).to_string(),
        msg.pick(crate::error::Lang::En).to_string(),
    )))
}

/// The documents flag of a saved meeting (one query for its uploads).
pub async fn due_of<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    settings: &Settings,
) -> Result<Option<DocumentsDue>> {
    if !rule_applies(m.kind) {
        return Ok(None);
    }
    let uploads: Vec<DateTime<Utc>> = document::Entity::find()
        .select_only()
        .column(document::Column::UploadedAt)
        .filter(document::Column::MeetingId.eq(m.id))
        .into_tuple()
        .all(db)
        .await?;
    due(db, m, &uploads, settings, clock::now()).await
}

/// Upcoming regular meetings (pending, reviewed, approved) in the next `days` days whose
/// documents are missing or late: the queue and the agency's dashboard. An agency sees the
/// meetings it registered or prepares.
pub async fn flagged(
    db: &Db,
    actor: &Actor,
    days: i64,
    settings: &Settings,
) -> Result<Vec<DocumentsDue>> {
    let now = clock::now();
    let upcoming = sea_orm::sea_query::Query::select()
        .column(occurrence::Column::MeetingId)
        .from(occurrence::Entity)
        .and_where(occurrence::Column::StartsAt.gte(now))
        .and_where(occurrence::Column::StartsAt.lt(now + Duration::days(days)))
        .to_owned();
    let mut q = meeting::Entity::find()
        .filter(meeting::Column::Id.in_subquery(upcoming))
        .filter(meeting::Column::Kind.is_in([MeetingKind::Hop, MeetingKind::HoiNghi]))
        .filter(meeting::Column::Status.is_in([
            MeetingStatus::Pending,
            MeetingStatus::Reviewed,
            MeetingStatus::Approved,
        ]));
    if !actor.office {
        let a = actor.agency_id.unwrap_or(-1);
        q = q.filter(
            Condition::any()
                .add(meeting::Column::RequestingAgencyId.eq(a))
                .add(meeting::Column::PreparingAgencyId.eq(a)),
        );
    }
    let meetings = q
        .order_by_asc(meeting::Column::StartsAt)
        .limit(500)
        .all(&db.conn)
        .await?;
    let mut out = Vec::new();
    for m in meetings {
        if let Some(d) = due_of(&db.conn, &m, settings).await? {
            if d.flag.is_some() {
                out.push(d);
            }
        }
    }
    out.sort_by_key(|d| d.due_on);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_known_by_their_bytes_and_their_extension_together() {
        assert_eq!(
            sniff("a.PDF", b"%PDF-1.4 ...", b"").ok(),
            Some("application/pdf")
        );
        assert_eq!(
            sniff("b.jpg", b"\xFF\xD8\xFF\xE1", b"").ok(),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff("c.xls", OLE2, b"").ok(),
            Some("application/vnd.ms-excel")
        );
        let pptx = b"PK\x03\x04 [Content_Types].xml ppt/slides/slide1.xml";
        assert!(sniff("d.pptx", pptx, pptx).is_ok());
        for (name, head) in [
            ("html.pdf", &b"<html><script>"[..]),
            ("a.svg", b"<svg onload=alert(1)>"),
            ("d.docx", pptx),
            ("e.zip", b"PK\x03\x04"),
            ("noext", b"%PDF-1.4"),
        ] {
            let e = sniff(name, head, head).unwrap_err();
            assert_eq!(e.code(), "unsupported_media_type", "{name}");
        }
    }

    #[test]
    fn file_names_keep_their_last_part_without_control_characters() {
        assert_eq!(
            clean_file_name("C:\\Users\\vt\\Giấy mời.docx").unwrap(),
            "Giấy mời.docx"
        );
        assert_eq!(clean_file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_file_name("a\r\nb.pdf").unwrap(), "ab.pdf");
        assert!(clean_file_name("../").is_err());
        assert!(clean_file_name(&"x".repeat(201)).is_err());
    }
}
