//! The weekly work schedule as the office issues it: a .docx in the administrative layout of
//! Nghị định 30/2020/NĐ-CP (appendix I): the issuing body top left, the national motto top right,
//! place and date, the title with the week's span and "(Điều chỉnh lần N)", the table, then
//! "Nơi nhận:" and the signature block. A4 landscape, Times New Roman.
//!
//! [`ScheduleDocument`] is a plain struct holding every word the file shows, so the layout
//! knows nothing of where the rows come from; [`of_week`] fills it from a published revision
//! of the week (the public sees nothing else).

use crate::db::Db;
use crate::domain::publication;
use crate::domain::weekly_schedule::WeeklySchedule;
use crate::domain::{clock, settings};
use crate::i18n::{translations, Lang};
use crate::{Error, Result};
use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, Docx, PageMargin, PageOrientationType, Paragraph, Run, RunFonts, Table,
    TableCell, TableLayoutType, TableRow, VMergeType, WidthType,
};
use serde::Serialize;

/// One row of the table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocumentRow {
    /// "Thứ Hai 07/12".
    pub day: String,
    /// "Sáng", "Chiều", "Tối".
    pub session: String,
    /// "8h00".
    pub time: String,
    pub content: String,
    pub chair: String,
    pub attendees: String,
    pub place: String,
    /// LĐVP theo dõi.
    pub follower: String,
    /// "(Mới)", "(Điều chỉnh)", "(Hoãn)", "(Hủy)", or a note.
    pub mark: String,
}

/// Every word of the document (the page's print view shows its heading and closing too).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScheduleDocument {
    /// "UBND TỈNH THANH HÓA".
    pub parent_body: String,
    /// "VĂN PHÒNG".
    pub issuing_body: String,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
    pub nation: String,
    /// "Độc lập - Tự do - Hạnh phúc".
    pub motto: String,
    /// "Thanh Hóa, ngày 04 tháng 12 năm 2026".
    pub date_line: String,
    /// "LỊCH CÔNG TÁC TUẦN".
    pub title: String,
    /// "(Từ ngày 07/12/2026 đến ngày 13/12/2026)".
    pub span: String,
    /// "(Điều chỉnh lần 2)", only for a revision after the first issue.
    pub revision: Option<String>,
    /// The 9 column headings, in the order of [`DocumentRow`]'s fields.
    pub columns: [String; 9],
    pub rows: Vec<DocumentRow>,
    /// "Nơi nhận:".
    pub recipients_label: String,
    pub recipients: Vec<String>,
    /// "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", the signer's full name.
    pub signer_capacity: String,
    pub signer_position: String,
    pub signer_name: String,
}

const FONT: &str = "Times New Roman";
/// A4 in twentieths of a point, turned landscape.
const A4_LONG: u32 = 16838;
const A4_SHORT: u32 = 11906;
/// NĐ 30/2020 margins: top and bottom 20 mm, left 30 mm, right 15–20 mm (1 mm ≈ 56.7 twips).
const MARGIN_TOP: i32 = 1134;
const MARGIN_LEFT: i32 = 1701;
const MARGIN_RIGHT: i32 = 1134;
const TEXT_WIDTH: usize = (A4_LONG as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// Column widths in twips (sum TEXT_WIDTH): day, session, time, content, chair, attendees,
/// place, follower, mark.
const COLUMNS: [usize; 9] = [1300, 900, 900, 3500, 1700, 2200, 1600, 1100, 803];

/// Sizes in half-points: 13 pt for the text, 12 pt in the table, 11 pt for the recipients.
const TEXT: usize = 26;
const TABLE: usize = 24;
const SMALL: usize = 22;

fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size)
}

fn line(text: &str, size: usize, align: AlignmentType) -> Paragraph {
    Paragraph::new().add_run(run(text, size)).align(align)
}

fn bold(text: &str, size: usize, align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, size).bold())
        .align(align)
}

fn cell(width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new(), TableCell::add_paragraph)
        .width(width, WidthType::Dxa)
}

/// Two blocks side by side without borders (the heading, the recipients and signature).
fn side_by_side(left: Vec<Paragraph>, right: Vec<Paragraph>) -> Table {
    let half = TEXT_WIDTH / 2;
    Table::without_borders(vec![TableRow::new(vec![
        cell(half - 600, left),
        cell(half + 600, right),
    ])])
    .set_grid(vec![half - 600, half + 600])
    .layout(TableLayoutType::Fixed)
    .width(TEXT_WIDTH, WidthType::Dxa)
}

impl ScheduleDocument {
    fn heading(&self) -> Table {
        let c = AlignmentType::Center;
        side_by_side(
            vec![
                line(&self.parent_body, TEXT, c),
                bold(&self.issuing_body, TEXT, c),
            ],
            vec![
                bold(&self.nation, TEXT, c),
                bold(&self.motto, TEXT + 2, c),
                Paragraph::new()
                    .add_run(run(&self.date_line, TEXT + 2).italic())
                    .align(c),
            ],
        )
    }

    fn table(&self) -> Table {
        let c = AlignmentType::Center;
        let header = TableRow::new(
            self.columns
                .iter()
                .zip(COLUMNS)
                .map(|(h, w)| cell(w, vec![bold(h, TABLE, c)]))
                .collect(),
        );
        let mut rows = vec![header];
        for (i, r) in self.rows.iter().enumerate() {
            let previous = i.checked_sub(1).and_then(|p| self.rows.get(p));
            // The day and the session span their rows, as printed schedules do.
            let merged = |same: bool, text: &str, width: usize| {
                let merge = if same {
                    VMergeType::Continue
                } else {
                    VMergeType::Restart
                };
                let p = if same {
                    Paragraph::new()
                } else {
                    bold(text, TABLE, c)
                };
                cell(width, vec![p]).vertical_merge(merge)
            };
            let same_day = previous.is_some_and(|p| p.day == r.day);
            let same_session = same_day && previous.is_some_and(|p| p.session == r.session);
            let texts = [
                &r.time,
                &r.content,
                &r.chair,
                &r.attendees,
                &r.place,
                &r.follower,
                &r.mark,
            ];
            let mut cells = vec![
                merged(same_day, &r.day, COLUMNS[0]),
                merged(same_session, &r.session, COLUMNS[1]),
            ];
            cells.extend(
                texts
                    .iter()
                    .zip(&COLUMNS[2..])
                    .map(|(t, w)| cell(*w, vec![line(t, TABLE, AlignmentType::Left)])),
            );
            rows.push(TableRow::new(cells).cant_split());
        }
        Table::new(rows)
            .set_grid(COLUMNS.to_vec())
            .layout(TableLayoutType::Fixed)
            .width(TEXT_WIDTH, WidthType::Dxa)
    }

    fn closing(&self) -> Table {
        let c = AlignmentType::Center;
        let left_align = AlignmentType::Left;
        let mut left = vec![Paragraph::new()
            .add_run(run(&self.recipients_label, TABLE).bold().italic())
            .align(left_align)];
        let last = self.recipients.len().saturating_sub(1);
        for (i, r) in self.recipients.iter().enumerate() {
            let end = if i == last { "." } else { ";" };
            left.push(line(&format!("- {r}{end}"), SMALL, left_align));
        }
        let mut right = vec![
            bold(&self.signer_capacity, TEXT + 2, c),
            bold(&self.signer_position, TEXT + 2, c),
        ];
        // Room to sign and stamp.
        right.extend((0..4).map(|_| Paragraph::new()));
        right.push(bold(&self.signer_name, TEXT + 2, c));
        side_by_side(left, right)
    }

    /// The .docx file.
    pub fn to_docx(&self) -> Result<Vec<u8>> {
        let c = AlignmentType::Center;
        let mut doc = Docx::new()
            .page_size(A4_LONG, A4_SHORT)
            .page_orient(PageOrientationType::Landscape)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_TOP)
                    .bottom(MARGIN_TOP)
                    .left(MARGIN_LEFT)
                    .right(MARGIN_RIGHT),
            )
            .default_fonts(
                RunFonts::new()
                    .ascii(FONT)
                    .hi_ansi(FONT)
                    .east_asia(FONT)
                    .cs(FONT),
            )
            .default_size(TEXT)
            .add_table(self.heading())
            .add_paragraph(Paragraph::new())
            .add_paragraph(bold(&self.title, TEXT + 2, c))
            .add_paragraph(line(&self.span, TEXT, c));
        if let Some(revision) = &self.revision {
            doc = doc.add_paragraph(bold(revision, TEXT, c));
        }
        let doc = doc
            .add_paragraph(Paragraph::new())
            .add_table(self.table())
            .add_paragraph(Paragraph::new())
            .add_table(self.closing());
        let mut out = std::io::Cursor::new(Vec::new());
        doc.build()
            .pack(&mut out)
            .map_err(|e| Error::Internal(format!("writing the .docx: {e}")))?;
        Ok(out.into_inner())
    }
}

/// The document of `schedule`, issued on `issued_on` with the office's `settings`, in `lang`
/// (the .docx is issued in Vietnamese; a page's print view follows the page).
pub fn from_schedule(
    schedule: &WeeklySchedule,
    s: &settings::Settings,
    issued_on: NaiveDate,
    lang: Lang,
) -> ScheduleDocument {
    let tr = translations();
    let word = |key: &str| tr.text(lang, key).to_string();
    let fill = |key: &str, args: &[(&str, &str)]| {
        args.iter().fold(word(key), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
    };
    let mut rows = Vec::new();
    for day in &schedule.days {
        let label = format!(
            "{} {}",
            word(&format!("weekday.{}", day.weekday)),
            day.date.format("%d/%m")
        );
        if day.items.is_empty() {
            rows.push(DocumentRow {
                day: label.clone(),
                content: word("schedule_document.nothing"),
                ..DocumentRow::default()
            });
        }
        for &i in day.morning.iter().chain(&day.afternoon).chain(&day.evening) {
            let Some(item) = day.items.get(i) else {
                continue;
            };
            rows.push(DocumentRow {
                day: label.clone(),
                session: item.session.to_string(),
                time: item.time.clone(),
                content: match &item.preparing_agency {
                    Some(a) => fill(
                        "schedule_document.content_prepared_by",
                        &[("title", &item.title), ("agency", a)],
                    ),
                    None => item.title.clone(),
                },
                chair: item.chair.clone().unwrap_or_default(),
                attendees: item.attendees.join("; "),
                place: item.location.clone().unwrap_or_default(),
                follower: item.follower.clone().unwrap_or_default(),
                mark: [item.mark_text.clone(), item.note.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
    }
    let revision = schedule.revision.unwrap_or(0);
    ScheduleDocument {
        parent_body: fill(
            "schedule_document.parent_body",
            &[("province", &s.province_name.to_uppercase())],
        ),
        issuing_body: word("schedule_document.issuing_body"),
        nation: word("schedule_document.nation"),
        motto: word("schedule_document.motto"),
        date_line: fill(
            "schedule_document.date_line",
            &[
                ("place", &s.place_name),
                ("day", &format!("{:02}", issued_on.day())),
                ("month", &format!("{:02}", issued_on.month())),
                ("year", &issued_on.year().to_string()),
            ],
        ),
        title: word("schedule_document.title"),
        span: fill(
            "schedule_document.span",
            &[("from", &schedule.from_text), ("to", &schedule.to_text)],
        ),
        revision: (revision > 0).then(|| {
            fill(
                "schedule_document.revision",
                &[("n", &revision.to_string())],
            )
        }),
        columns: [
            "day",
            "session",
            "time",
            "content",
            "chair",
            "attendees",
            "place",
            "follower",
            "mark",
        ]
        .map(|c| word(&format!("schedule_document.column.{c}"))),
        rows,
        recipients_label: word("schedule_document.recipients"),
        recipients: s.recipients.clone(),
        signer_capacity: s.signer_capacity.clone(),
        signer_position: s.signer_position.clone(),
        signer_name: s.signer_name.clone(),
    }
}

/// The document of `schedule` as issued today with the office's settings, in `lang`.
pub async fn issued_today(
    db: &Db,
    schedule: &WeeklySchedule,
    lang: Lang,
) -> Result<ScheduleDocument> {
    let s = settings::load(db).await?;
    Ok(from_schedule(
        schedule,
        &s,
        clock::office_date(clock::now()),
        lang,
    ))
}

/// The .docx of the week holding `week`: its latest published revision, or revision `ban`.
pub async fn of_week(db: &Db, week: NaiveDate, ban: Option<i32>) -> Result<Vec<u8>> {
    let schedule = publication::published(db, week, ban, None).await?;
    // The official document is issued in Vietnamese.
    issued_today(db, &schedule, Lang::Vi).await?.to_docx()
}
