//! What a viewer may see of a meeting that is not theirs to open: the one rule behind every
//! place that shows other meetings (conflict check and the request form's live check, the
//! calendars, the lobby screen, the feeds). Issue #19: a rule written per endpoint let the
//! conflict check name other agencies' confidential meetings.
//!
//! * Signed in: the office sees everything; an agency's clerk sees its own agency's meetings
//!   (the ones it may open), and every other meeting only as "Bận" (busy): times, no id, no
//!   title, no chair.
//! * The public (the lobby screen in the hall): public meetings; an internal one as "Họp nội bộ";
//!   a confidential one as "Bận".
//! * A feed token: what its holder subscribed to, except a confidential meeting, which is "Bận"
//!   outside the requesting agency's own feed.

use crate::domain::registration::Actor;
use entity::{meeting, Visibility};

/// Who is looking.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    /// A signed-in account.
    Signed(&'a Actor),
    /// The office's own use where nobody's view is at stake (counting what blocks approval).
    Office,
    /// Anyone, without signing in.
    Public,
    /// The holder of a feed token; `agency` is the agency whose own feed it is.
    Feed { agency: Option<i32> },
}

/// How much of a meeting the viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Everything the place shows: id, title, chair, link.
    Detail,
    /// Its times only, as "Họp nội bộ" (internal meeting).
    Internal,
    /// Its times only, as "Bận" (busy).
    Busy,
}

impl Sight {
    pub fn detail(self) -> bool {
        self == Sight::Detail
    }
}

/// What `viewer` may see of a meeting requested by agency `owner` with `visibility`.
pub fn sight(viewer: Viewer, owner: i32, visibility: Visibility) -> Sight {
    use Visibility::*;
    match viewer {
        Viewer::Office => Sight::Detail,
        Viewer::Signed(a) if a.office || a.agency_id == Some(owner) => Sight::Detail,
        Viewer::Signed(_) => Sight::Busy,
        Viewer::Feed { agency } if agency == Some(owner) => Sight::Detail,
        // A feed's holder is an official who subscribed to it: internal meetings are theirs.
        Viewer::Feed { .. } if visibility == Confidential => Sight::Busy,
        Viewer::Feed { .. } => Sight::Detail,
        Viewer::Public => match visibility {
            Public => Sight::Detail,
            Internal => Sight::Internal,
            Confidential => Sight::Busy,
        },
    }
}

/// [`sight`] of a meeting row.
pub fn of(viewer: Viewer, m: &meeting::Model) -> Sight {
    sight(viewer, m.requesting_agency_id, m.visibility)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_viewer_sees_what_the_rule_says() {
        let clerk = |agency| Actor {
            account_id: 1,
            agency_id: Some(agency),
            office: false,
        };
        let staff = Actor {
            account_id: 2,
            agency_id: None,
            office: true,
        };
        use Visibility::*;
        for v in [Public, Internal, Confidential] {
            assert_eq!(sight(Viewer::Signed(&staff), 7, v), Sight::Detail);
            assert_eq!(sight(Viewer::Office, 7, v), Sight::Detail);
            assert_eq!(sight(Viewer::Signed(&clerk(7)), 7, v), Sight::Detail);
            assert_eq!(sight(Viewer::Signed(&clerk(8)), 7, v), Sight::Busy);
            assert_eq!(sight(Viewer::Feed { agency: Some(7) }, 7, v), Sight::Detail);
        }
        assert_eq!(sight(Viewer::Public, 7, Public), Sight::Detail);
        assert_eq!(sight(Viewer::Public, 7, Internal), Sight::Internal);
        assert_eq!(sight(Viewer::Public, 7, Confidential), Sight::Busy);
        let other_feed = Viewer::Feed { agency: Some(8) };
        assert_eq!(sight(other_feed, 7, Internal), Sight::Detail);
        assert_eq!(sight(other_feed, 7, Confidential), Sight::Busy);
        assert_eq!(
            sight(Viewer::Feed { agency: None }, 7, Confidential),
            Sight::Busy
        );
    }
}
