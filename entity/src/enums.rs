//! The closed sets of codes stored as text (the migrations hold the matching CHECK constraints).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(#[sea_orm(string_value = $code)] $variant),+
        }

        impl $name {
            /// The code as stored and as used in the API.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)+ _ => None }
            }

            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

text_enum!(
    /// Kind of agency (đơn vị). Since 1 July 2025 local government has two tiers; `UbndHuyen`
    /// remains for older data.
    AgencyKind {
        UbndTinh = "ubnd_tinh",
        SoBanNganh = "so_ban_nganh",
        UbndXa = "ubnd_xa",
        UbndPhuong = "ubnd_phuong",
        UbndDacKhu = "ubnd_dac_khu",
        UbndHuyen = "ubnd_huyen",
        Other = "other",
    }
);

text_enum!(
    /// What an account may do.
    Role {
        AgencyClerk = "agency_clerk",
        OfficeStaff = "office_staff",
        OfficeApprover = "office_approver",
        Admin = "admin",
    }
);

text_enum!(
    /// Kind of meeting (loại cuộc họp).
    MeetingKind {
        Hop = "hop",
        HoiNghi = "hoi_nghi",
        LamViec = "lam_viec",
        TiepKhach = "tiep_khach",
        TiepKhachNuocNgoai = "tiep_khach_nuoc_ngoai",
        TrucTuyen = "truc_tuyen",
        CongTac = "cong_tac",
    }
);

text_enum!(
    /// Where a meeting request stands in the approval workflow.
    MeetingStatus {
        Draft = "draft",
        Pending = "pending",
        Reviewed = "reviewed",
        Returned = "returned",
        Approved = "approved",
        Rejected = "rejected",
        Cancelled = "cancelled",
        Withdrawn = "withdrawn",
        Postponed = "postponed",
    }
);

text_enum!(
    /// Who may see a meeting.
    Visibility {
        Public = "public",
        Internal = "internal",
        Confidential = "confidential",
    }
);

text_enum!(
    AttendeeRole {
        Chair = "chair",
        Required = "required",
        Optional = "optional",
    }
);

text_enum!(
    Participation {
        NeedsAction = "needs_action",
        Accepted = "accepted",
        Declined = "declined",
        Tentative = "tentative",
        Delegated = "delegated",
    }
);

text_enum!(
    ClosureKind {
        Holiday = "holiday",
        Maintenance = "maintenance",
        Other = "other",
    }
);

text_enum!(
    /// What a feed token opens.
    FeedScope {
        Person = "person",
        Room = "room",
        Agency = "agency",
        Office = "office",
    }
);
