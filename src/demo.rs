//! Demo data: a province's agencies, leaders, rooms, accounts and a few weeks of meetings around
//! today in every status, so a new user sees a living system at once. Loading twice adds nothing:
//! every row is found by its natural key first.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::meetings::{self, Invitee, NewAttendee, NewMeeting};
use crate::domain::password;
use crate::Result;
use chrono::{Datelike, Duration, NaiveTime, Weekday};
use entity::*;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;

/// The password of every demo account (never use the demo data in production).
pub const DEMO_PASSWORD: &str = "lichhop-demo-2026";

const AGENCIES: &[(&str, &str, AgencyKind)] = &[
    ("Ủy ban nhân dân tỉnh", "UBND tỉnh", AgencyKind::UbndTinh),
    (
        "Văn phòng Ủy ban nhân dân tỉnh",
        "VP UBND tỉnh",
        AgencyKind::SoBanNganh,
    ),
    ("Sở Tài chính", "STC", AgencyKind::SoBanNganh),
    ("Sở Nội vụ", "SNV", AgencyKind::SoBanNganh),
    ("Sở Tư pháp", "STP", AgencyKind::SoBanNganh),
    ("Sở Xây dựng", "SXD", AgencyKind::SoBanNganh),
    ("Sở Công Thương", "SCT", AgencyKind::SoBanNganh),
    (
        "Sở Nông nghiệp và Môi trường",
        "SNN&MT",
        AgencyKind::SoBanNganh,
    ),
    ("Sở Giáo dục và Đào tạo", "SGD&ĐT", AgencyKind::SoBanNganh),
    ("Sở Y tế", "SYT", AgencyKind::SoBanNganh),
    ("Sở Khoa học và Công nghệ", "SKH&CN", AgencyKind::SoBanNganh),
    (
        "Sở Văn hóa, Thể thao và Du lịch",
        "SVHTT&DL",
        AgencyKind::SoBanNganh,
    ),
    ("Sở Ngoại vụ", "SNgV", AgencyKind::SoBanNganh),
    ("Thanh tra tỉnh", "TTr", AgencyKind::SoBanNganh),
    (
        "Ban Quản lý các Khu kinh tế và Khu công nghiệp",
        "BQL KKT",
        AgencyKind::SoBanNganh,
    ),
    (
        "Ủy ban nhân dân phường Trần Phú",
        "UBND P. Trần Phú",
        AgencyKind::UbndPhuong,
    ),
    (
        "Ủy ban nhân dân phường Cẩm Thành",
        "UBND P. Cẩm Thành",
        AgencyKind::UbndPhuong,
    ),
    (
        "Ủy ban nhân dân xã Tịnh Khê",
        "UBND X. Tịnh Khê",
        AgencyKind::UbndXa,
    ),
    (
        "Ủy ban nhân dân xã Bình Sơn",
        "UBND X. Bình Sơn",
        AgencyKind::UbndXa,
    ),
    (
        "Ủy ban nhân dân đặc khu Lý Sơn",
        "UBND ĐK Lý Sơn",
        AgencyKind::UbndDacKhu,
    ),
];

/// (full name, position, agency short name, is a provincial leader).
const PERSONS: &[(&str, &str, &str, bool)] = &[
    ("Nguyễn Văn An", "Chủ tịch UBND tỉnh", "UBND tỉnh", true),
    (
        "Trần Thị Bình",
        "Phó Chủ tịch Thường trực UBND tỉnh",
        "UBND tỉnh",
        true,
    ),
    ("Lê Văn Cường", "Phó Chủ tịch UBND tỉnh", "UBND tỉnh", true),
    ("Phạm Minh Đức", "Phó Chủ tịch UBND tỉnh", "UBND tỉnh", true),
    ("Hoàng Thị Hoa", "Phó Chủ tịch UBND tỉnh", "UBND tỉnh", true),
    (
        "Võ Quốc Hùng",
        "Chánh Văn phòng UBND tỉnh",
        "VP UBND tỉnh",
        false,
    ),
    (
        "Đặng Thu Lan",
        "Phó Chánh Văn phòng UBND tỉnh",
        "VP UBND tỉnh",
        false,
    ),
    (
        "Bùi Văn Long",
        "Phó Chánh Văn phòng UBND tỉnh",
        "VP UBND tỉnh",
        false,
    ),
    ("Ngô Thị Mai", "Giám đốc Sở Tài chính", "STC", false),
    ("Đỗ Văn Nam", "Giám đốc Sở Nội vụ", "SNV", false),
    ("Huỳnh Thị Oanh", "Giám đốc Sở Y tế", "SYT", false),
    ("Phan Văn Phúc", "Giám đốc Sở Xây dựng", "SXD", false),
    ("Trương Thị Quỳnh", "Giám đốc Sở Ngoại vụ", "SNgV", false),
    (
        "Lý Văn Sơn",
        "Chủ tịch UBND phường Trần Phú",
        "UBND P. Trần Phú",
        false,
    ),
    (
        "Mai Thị Thu",
        "Chủ tịch UBND xã Tịnh Khê",
        "UBND X. Tịnh Khê",
        false,
    ),
];

const EQUIPMENT: &[(&str, &str, &str)] = &[
    ("projector", "Máy chiếu", "Projector"),
    ("led_screen", "Màn hình LED", "LED screen"),
    (
        "video_conference",
        "Hệ thống họp trực tuyến",
        "Video conference",
    ),
    ("sound_system", "Hệ thống âm thanh", "Sound system"),
    ("interpretation", "Cabin phiên dịch", "Interpretation booth"),
    ("recording", "Ghi âm, ghi hình", "Recording"),
];

/// (name, building, floor, capacity, equipment codes).
const ROOMS: &[(&str, &str, &str, i32, &[&str])] = &[
    (
        "Hội trường A",
        "Trụ sở UBND tỉnh",
        "Tầng 1",
        250,
        &["projector", "led_screen", "sound_system", "recording"],
    ),
    (
        "Phòng họp số 1",
        "Trụ sở UBND tỉnh",
        "Tầng 2",
        60,
        &["projector", "video_conference", "sound_system"],
    ),
    (
        "Phòng họp số 2",
        "Trụ sở UBND tỉnh",
        "Tầng 2",
        40,
        &["projector", "sound_system"],
    ),
    (
        "Phòng họp số 3",
        "Trụ sở UBND tỉnh",
        "Tầng 3",
        30,
        &["led_screen", "video_conference"],
    ),
    (
        "Phòng họp số 5",
        "Trụ sở UBND tỉnh",
        "Tầng 2",
        20,
        &["projector"],
    ),
    (
        "Phòng khách quốc tế",
        "Trụ sở UBND tỉnh",
        "Tầng 1",
        24,
        &["interpretation", "sound_system", "recording"],
    ),
    (
        "Phòng họp trực tuyến",
        "Trụ sở UBND tỉnh",
        "Tầng 4",
        50,
        &[
            "video_conference",
            "led_screen",
            "sound_system",
            "recording",
        ],
    ),
    (
        "Phòng làm việc Thường trực",
        "Trụ sở UBND tỉnh",
        "Tầng 3",
        12,
        &[],
    ),
];

/// (username, display name, role, agency short name).
const ACCOUNTS: &[(&str, &str, Role, Option<&str>)] = &[
    (
        "chuyenvien",
        "Nguyễn Thị Hạnh — Chuyên viên VP",
        Role::OfficeStaff,
        Some("VP UBND tỉnh"),
    ),
    (
        "lanhdaovp",
        "Đặng Thu Lan — Phó Chánh VP",
        Role::OfficeApprover,
        Some("VP UBND tỉnh"),
    ),
    (
        "vanthu.stc",
        "Văn thư Sở Tài chính",
        Role::AgencyClerk,
        Some("STC"),
    ),
    (
        "vanthu.syt",
        "Văn thư Sở Y tế",
        Role::AgencyClerk,
        Some("SYT"),
    ),
    (
        "vanthu.sngv",
        "Văn thư Sở Ngoại vụ",
        Role::AgencyClerk,
        Some("SNgV"),
    ),
    (
        "vanthu.tranphu",
        "Văn thư UBND phường Trần Phú",
        Role::AgencyClerk,
        Some("UBND P. Trần Phú"),
    ),
];

/// A demo meeting: day offset from this week's Monday, start hour/minute, minutes long, title,
/// kind, chair (index into PERSONS), room (index into ROOMS or None for outside), agency,
/// status, visibility.
struct Plan {
    day: i64,
    at: (u32, u32),
    minutes: i64,
    title: &'static str,
    kind: MeetingKind,
    chair: Option<usize>,
    room: Option<usize>,
    location: Option<&'static str>,
    agency: &'static str,
    status: MeetingStatus,
    visibility: Visibility,
    note: Option<&'static str>,
}

fn plans() -> Vec<Plan> {
    use MeetingKind::*;
    use MeetingStatus::*;
    use Visibility::*;
    let p = |day, at, minutes, title, kind, chair, room, agency, status, visibility| Plan {
        day,
        at,
        minutes,
        title,
        kind,
        chair,
        room,
        location: None,
        agency,
        status,
        visibility,
        note: None,
    };
    let mut v = vec![
        // Last week: decided and done.
        p(
            -7,
            (7, 30),
            120,
            "Giao ban Thường trực UBND tỉnh tuần",
            Hop,
            Some(0),
            Some(7),
            "VP UBND tỉnh",
            Approved,
            Internal,
        ),
        p(
            -6,
            (8, 0),
            180,
            "Hội nghị triển khai nhiệm vụ chuyển đổi số năm 2027",
            HoiNghi,
            Some(1),
            Some(0),
            "SKH&CN",
            Approved,
            Public,
        ),
        p(
            -5,
            (14, 0),
            90,
            "Làm việc với Sở Y tế về công tác phòng, chống dịch bệnh",
            LamViec,
            Some(3),
            Some(1),
            "SYT",
            Approved,
            Public,
        ),
        p(
            -4,
            (8, 30),
            120,
            "Họp xem xét hồ sơ đề nghị điều chỉnh quy hoạch khu đô thị",
            Hop,
            Some(2),
            Some(2),
            "SXD",
            Rejected,
            Internal,
        ),
        p(
            -3,
            (9, 0),
            60,
            "Tiếp Đoàn công tác tỉnh Gyeonggi (Hàn Quốc)",
            TiepKhachNuocNgoai,
            Some(0),
            Some(5),
            "SNgV",
            Approved,
            Public,
        ),
        // This week.
        p(
            0,
            (7, 30),
            120,
            "Giao ban Thường trực UBND tỉnh tuần",
            Hop,
            Some(0),
            Some(7),
            "VP UBND tỉnh",
            Approved,
            Internal,
        ),
        p(
            0,
            (14, 0),
            120,
            "Họp nghe báo cáo tình hình thu ngân sách nhà nước 11 tháng",
            Hop,
            Some(1),
            Some(1),
            "STC",
            Approved,
            Public,
        ),
        p(
            1,
            (8, 0),
            240,
            "Hội nghị sơ kết công tác cải cách hành chính",
            HoiNghi,
            Some(1),
            Some(0),
            "SNV",
            Approved,
            Public,
        ),
        p(
            1,
            (14, 0),
            90,
            "Làm việc với UBND phường Trần Phú về giải phóng mặt bằng",
            LamViec,
            Some(2),
            Some(2),
            "UBND P. Trần Phú",
            Approved,
            Public,
        ),
        p(
            2,
            (8, 30),
            90,
            "Họp Ban Chỉ đạo phòng, chống tham nhũng (nội dung mật)",
            Hop,
            Some(0),
            Some(7),
            "TTr",
            Approved,
            Confidential,
        ),
        p(
            2,
            (14, 0),
            120,
            "Họp trực tuyến với Bộ Tài chính về giải ngân vốn đầu tư công",
            TrucTuyen,
            Some(1),
            Some(6),
            "STC",
            Approved,
            Public,
        ),
        p(
            3,
            (9, 0),
            90,
            "Tiếp Đại sứ Nhật Bản tại Việt Nam",
            TiepKhachNuocNgoai,
            Some(0),
            Some(5),
            "SNgV",
            Approved,
            Public,
        ),
        p(
            3,
            (14, 0),
            60,
            "Họp thẩm định đề án phát triển du lịch biển đảo",
            Hop,
            Some(4),
            Some(3),
            "SVHTT&DL",
            Reviewed,
            Public,
        ),
        p(
            4,
            (8, 0),
            180,
            "Kiểm tra thực địa dự án đường ven biển",
            CongTac,
            Some(3),
            None,
            "SXD",
            Approved,
            Public,
        ),
        // Next week: the queue.
        p(
            7,
            (8, 0),
            120,
            "Hội nghị tổng kết năm học và triển khai nhiệm vụ",
            HoiNghi,
            Some(4),
            Some(0),
            "SGD&ĐT",
            Pending,
            Public,
        ),
        p(
            7,
            (14, 0),
            90,
            "Họp bàn phương án cấp nước sinh hoạt mùa khô",
            Hop,
            Some(3),
            Some(1),
            "SNN&MT",
            Pending,
            Public,
        ),
        p(
            8,
            (8, 30),
            60,
            "Làm việc với UBND xã Tịnh Khê về xây dựng nông thôn mới",
            LamViec,
            Some(2),
            Some(4),
            "UBND X. Tịnh Khê",
            Returned,
            Public,
        ),
        p(
            8,
            (14, 0),
            120,
            "Họp xét duyệt danh mục dự án kêu gọi đầu tư",
            Hop,
            Some(1),
            Some(2),
            "BQL KKT",
            Pending,
            Internal,
        ),
        p(
            9,
            (9, 0),
            90,
            "Tiếp Đoàn doanh nghiệp Singapore",
            TiepKhachNuocNgoai,
            Some(0),
            Some(5),
            "SNgV",
            Pending,
            Public,
        ),
        p(
            10,
            (8, 0),
            120,
            "Họp Hội đồng thi đua khen thưởng tỉnh",
            Hop,
            Some(0),
            Some(1),
            "SNV",
            Draft,
            Internal,
        ),
        p(
            11,
            (14, 0),
            90,
            "Họp bàn tổ chức Lễ hội Văn hóa biển đảo",
            Hop,
            Some(4),
            Some(3),
            "SVHTT&DL",
            Withdrawn,
            Public,
        ),
        p(
            14,
            (8, 0),
            120,
            "Giao ban Thường trực UBND tỉnh tuần",
            Hop,
            Some(0),
            Some(7),
            "VP UBND tỉnh",
            Cancelled,
            Internal,
        ),
        p(
            12,
            (14, 0),
            60,
            "Họp thẩm định Đề án chuyển đổi số tỉnh (tạm hoãn)",
            Hop,
            Some(3),
            Some(2),
            "SNV",
            Postponed,
            Internal,
        ),
    ];
    v[13].location = Some("Đường ven biển Dung Quất – Sa Huỳnh, xã Bình Sơn");
    v[4].note = Some("(Giấy mời riêng)");
    v[11].note = Some("(Giấy mời riêng)");
    v
}

/// Loads the demo data and returns a short report of what it added.
pub async fn load(db: &Db) -> Result<String> {
    let _write = db.write_guard().await;
    let txn = db.begin_write().await?;
    let now = clock::now();
    let mut added = 0usize;

    let mut agencies: HashMap<&str, i32> = HashMap::new();
    for (i, (name, short, kind)) in AGENCIES.iter().enumerate() {
        let id = match agency::Entity::find()
            .filter(agency::Column::Name.eq(*name))
            .one(&txn)
            .await?
        {
            Some(a) => a.id,
            None => {
                added += 1;
                agency::ActiveModel {
                    name: Set((*name).into()),
                    short_name: Set((*short).into()),
                    kind: Set(*kind),
                    email: Set(Some(format!("vanthu.{}@demo.lichhop.vn", slug(short)))),
                    active: Set(true),
                    sort_order: Set(i as i32),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        agencies.insert(short, id);
    }

    let mut persons = Vec::new();
    for (i, (name, position, agency_short, leader)) in PERSONS.iter().enumerate() {
        let agency_id = agencies[agency_short];
        let id = match person::Entity::find()
            .filter(person::Column::FullName.eq(*name))
            .filter(person::Column::AgencyId.eq(agency_id))
            .one(&txn)
            .await?
        {
            Some(p) => p.id,
            None => {
                added += 1;
                person::ActiveModel {
                    full_name: Set((*name).into()),
                    position: Set((*position).into()),
                    agency_id: Set(agency_id),
                    email: Set(Some(format!("{}@demo.lichhop.vn", slug(name)))),
                    phone: Set(None),
                    is_leader: Set(*leader),
                    sort_order: Set(i as i32),
                    active: Set(true),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        persons.push(id);
    }

    let mut equipment_ids: HashMap<&str, i32> = HashMap::new();
    for (code, vi, en) in EQUIPMENT {
        let id = match equipment::Entity::find()
            .filter(equipment::Column::Code.eq(*code))
            .one(&txn)
            .await?
        {
            Some(e) => e.id,
            None => {
                added += 1;
                equipment::ActiveModel {
                    code: Set((*code).into()),
                    name_vi: Set((*vi).into()),
                    name_en: Set((*en).into()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        equipment_ids.insert(code, id);
    }

    let mut rooms = Vec::new();
    for (i, (name, building, floor, capacity, kit)) in ROOMS.iter().enumerate() {
        let id = match room::Entity::find()
            .filter(room::Column::Name.eq(*name))
            .one(&txn)
            .await?
        {
            Some(r) => r.id,
            None => {
                added += 1;
                let id = room::ActiveModel {
                    name: Set((*name).into()),
                    building: Set((*building).into()),
                    floor: Set(Some((*floor).into())),
                    capacity: Set(*capacity),
                    bookable: Set(true),
                    notes: Set(None),
                    sort_order: Set(i as i32),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id;
                for code in kit.iter() {
                    room_equipment::ActiveModel {
                        room_id: Set(id),
                        equipment_id: Set(equipment_ids[code]),
                    }
                    .insert(&txn)
                    .await?;
                }
                id
            }
        };
        rooms.push(id);
    }

    let demo_hash = password::hash(DEMO_PASSWORD)?;
    let mut accounts: HashMap<&str, i32> = HashMap::new();
    for (username, display, role, agency_short) in ACCOUNTS {
        let id = match account::Entity::find()
            .filter(account::Column::Username.eq(*username))
            .one(&txn)
            .await?
        {
            Some(a) => a.id,
            None => {
                added += 1;
                account::ActiveModel {
                    username: Set((*username).into()),
                    display_name: Set((*display).into()),
                    password_hash: Set(demo_hash.clone()),
                    role: Set(*role),
                    agency_id: Set(agency_short.map(|s| agencies[s])),
                    person_id: Set(None),
                    disabled: Set(false),
                    session_epoch: Set(0),
                    created_at: Set(now),
                    last_sign_in_at: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        accounts.insert(username, id);
    }

    // Meetings are placed relative to the Monday of the week they are first loaded in; their UIDs
    // are fixed, so a later load (another week) finds them and adds nothing.
    let monday = clock::week_start(clock::office_date(now));
    debug_assert_eq!(monday.weekday(), Weekday::Mon);
    for (n, plan) in plans().into_iter().enumerate() {
        let uid = format!("demo-{n:03}@lichhop.demo");
        if meeting::Entity::find()
            .filter(meeting::Column::Uid.eq(uid.as_str()))
            .one(&txn)
            .await?
            .is_some()
        {
            continue;
        }
        let day = monday + Duration::days(plan.day);
        let start_local = day.and_time(NaiveTime::from_hms_opt(plan.at.0, plan.at.1, 0).unwrap());
        let starts_at =
            clock::local_to_utc(OFFICE_TZ, start_local).expect("Vietnam has no DST gaps");
        let agency_id = agencies[plan.agency];
        let clerk = accounts
            .iter()
            .find(|(u, _)| {
                ACCOUNTS
                    .iter()
                    .any(|a| a.0 == **u && a.3 == Some(plan.agency))
            })
            .map(|(_, id)| *id)
            .unwrap_or(accounts["chuyenvien"]);
        let chair_id = plan.chair.map(|i| persons[i]);
        let mut attendees = vec![NewAttendee {
            who: Invitee::Agency(agency_id),
            role: AttendeeRole::Required,
        }];
        if let Some(c) = chair_id {
            attendees.push(NewAttendee {
                who: Invitee::Person(c),
                role: AttendeeRole::Chair,
            });
        }
        attendees.push(NewAttendee {
            who: Invitee::Agency(agencies["VP UBND tỉnh"]),
            role: AttendeeRole::Optional,
        });
        let foreign = plan.kind == MeetingKind::TiepKhachNuocNgoai;
        meetings::insert(
            &txn,
            NewMeeting {
                uid: Some(uid),
                title: plan.title.into(),
                agenda: Some(format!(
                    "{}.\nĐơn vị chuẩn bị báo cáo và tài liệu họp.",
                    plan.title
                )),
                requesting_agency_id: agency_id,
                created_by: clerk,
                kind: plan.kind,
                chair_id,
                room_id: plan.room.map(|i| rooms[i]),
                location: plan.location.map(Into::into),
                starts_at,
                ends_at: starts_at + Duration::minutes(plan.minutes),
                time_zone: OFFICE_TZ.name().into(),
                status: plan.status,
                visibility: plan.visibility,
                online_link: (plan.kind == MeetingKind::TrucTuyen)
                    .then(|| "https://hop.demo.lichhop.vn/phong-truc-tuyen".into()),
                expected_attendance: Some(if plan.room == Some(0) { 180 } else { 15 }),
                preparation: foreign
                    .then(|| "Phiên dịch tiếng Anh; lễ tân đón đoàn; hoa tươi".into()),
                needs_interpreter: foreign,
                preparing_agency_id: Some(agency_id),
                follower_id: Some(persons[6 + n % 2]),
                other_attendees: None,
                note: plan.note.map(Into::into),
                attendees,
                equipment_ids: if foreign {
                    vec![equipment_ids["interpretation"]]
                } else {
                    vec![]
                },
                rrule: None,
                exdates: vec![],
                reason: None,
            },
        )
        .await?;
        added += 1;
    }
    txn.commit().await?;
    Ok(if added == 0 {
        "demo data already loaded; nothing added".into()
    } else {
        format!(
            "demo data loaded: {added} rows added. Demo accounts (password {DEMO_PASSWORD}): {}",
            ACCOUNTS.iter().map(|a| a.0).collect::<Vec<_>>().join(", ")
        )
    })
}

/// Issues this week's schedule as the demo's approver, unless it was issued already, so that the
/// public page of a new demo shows the leaders' week (the suite's office starts unpublished, so
/// only the command line calls this).
pub async fn publish_this_week(db: &Db) -> Result<()> {
    let monday = clock::week_start(clock::office_date(clock::now()));
    if crate::domain::publication::latest(&db.conn, monday)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let approver = account::Entity::find()
        .filter(account::Column::Username.eq("lanhdaovp"))
        .one(&db.conn)
        .await?;
    if let Some(a) = approver {
        crate::domain::publication::publish(db, a.id, monday, None).await?;
    }
    Ok(())
}

/// ASCII slug of a Vietnamese name, for demo e-mail addresses.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let base = match c {
            'à' | 'á' | 'ạ' | 'ả' | 'ã' | 'â' | 'ầ' | 'ấ' | 'ậ' | 'ẩ' | 'ẫ' | 'ă' | 'ằ' | 'ắ'
            | 'ặ' | 'ẳ' | 'ẵ' => 'a',
            'è' | 'é' | 'ẹ' | 'ẻ' | 'ẽ' | 'ê' | 'ề' | 'ế' | 'ệ' | 'ể' | 'ễ' => {
                'e'
            }
            'ì' | 'í' | 'ị' | 'ỉ' | 'ĩ' => 'i',
            'ò' | 'ó' | 'ọ' | 'ỏ' | 'õ' | 'ô' | 'ồ' | 'ố' | 'ộ' | 'ổ' | 'ỗ' | 'ơ' | 'ờ' | 'ớ'
            | 'ợ' | 'ở' | 'ỡ' => 'o',
            'ù' | 'ú' | 'ụ' | 'ủ' | 'ũ' | 'ư' | 'ừ' | 'ứ' | 'ự' | 'ử' | 'ữ' => {
                'u'
            }
            'ỳ' | 'ý' | 'ỵ' | 'ỷ' | 'ỹ' => 'y',
            'đ' | 'Đ' => 'd',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            c if c.is_uppercase() => {
                let lower: String = c.to_lowercase().collect();
                return_slug_char(&lower)
            }
            _ => '.',
        };
        if base == '.' && (out.is_empty() || out.ends_with('.')) {
            continue;
        }
        out.push(base);
    }
    out.trim_end_matches('.').to_string()
}

fn return_slug_char(lower: &str) -> char {
    slug(lower).chars().next().unwrap_or('.')
}
