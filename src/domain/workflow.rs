//! The approval state machine: the one place that says which transition is legal.
//!
//! ```text
//!  draft ──submit──▶ pending ──review──▶ reviewed
//!    ▲                 │  ▲                 │
//!    │              return│ └──submit── returned ◀──return──┘
//!    │                 ▼                    
//!  (edit)     approve / reject (from pending or reviewed)
//!  approved|postponed ──reschedule──▶ approved;  approved ──change_chair──▶ approved
//!  returned ──accept_proposal──▶ pending (the agency takes the office's proposed time)
//!  approved ──postpone──▶ postponed (Tạm hoãn: frees room and chair until rescheduled)
//!  approved|postponed|pending|reviewed ──cancel──▶ cancelled
//!  draft|pending|reviewed|returned|approved|postponed ──withdraw──▶ withdrawn (by the agency)
//! ```

use crate::domain::settings::Settings;
use crate::error::Msg;
use crate::{Error, Result};
use entity::MeetingStatus::{self, *};
use entity::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Review,
    Return,
    Approve,
    Reject,
    Reschedule,
    Cancel,
    Withdraw,
    /// Tạm hoãn: the meeting is put off without a new time yet.
    Postpone,
    /// Another leader chairs in the chair's place.
    ChangeChair,
    /// The agency takes the time the office proposed with its return, and sends it again.
    AcceptProposal,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Review => "review",
            Action::Return => "return",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Reschedule => "reschedule",
            Action::Cancel => "cancel",
            Action::Withdraw => "withdraw",
            Action::Postpone => "postpone",
            Action::ChangeChair => "change_chair",
            Action::AcceptProposal => "accept_proposal",
        }
    }

    /// The Vietnamese name of the action, as the office says it.
    pub fn label_vi(self) -> String {
        crate::i18n::vietnamese(&format!("action.{}", self.code()))
    }

    /// Statuses the action may start from.
    pub fn allowed_from(self) -> &'static [MeetingStatus] {
        match self {
            Action::Submit => &[Draft, Returned],
            Action::Review => &[Pending],
            Action::Return => &[Pending, Reviewed],
            Action::Approve | Action::Reject => &[Pending, Reviewed],
            Action::Reschedule => &[Approved, Postponed],
            Action::Cancel => &[Pending, Reviewed, Approved, Postponed],
            Action::Withdraw => &[Draft, Pending, Reviewed, Returned, Approved, Postponed],
            Action::Postpone | Action::ChangeChair => &[Approved],
            Action::AcceptProposal => &[Returned],
        }
    }

    pub fn target(self) -> MeetingStatus {
        match self {
            Action::Submit | Action::AcceptProposal => Pending,
            Action::Review => Reviewed,
            Action::Return => Returned,
            Action::Approve | Action::Reschedule | Action::ChangeChair => Approved,
            Action::Postpone => Postponed,
            Action::Reject => Rejected,
            Action::Cancel => Cancelled,
            Action::Withdraw => Withdrawn,
        }
    }

    /// Decisions against the agency's wish, and every move of a decided meeting, need a
    /// written reason (Lý do).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Action::Return
                | Action::Reject
                | Action::Cancel
                | Action::Reschedule
                | Action::Postpone
                | Action::ChangeChair
        )
    }
}

/// Vietnamese name of a status, as shown to users (from the locale files).
pub fn status_label_vi(s: MeetingStatus) -> String {
    crate::i18n::vietnamese(&format!("status.{}", s.code()))
}

/// The status after `action`, or a 409 naming both.
pub fn next_status(from: MeetingStatus, action: Action) -> Result<MeetingStatus> {
    if action.allowed_from().contains(&from) {
        Ok(action.target())
    } else {
        let (action, status) = (
            Msg {
                vi: action.label_vi(),
                en: action.code().to_string(),
            },
            Msg {
                vi: status_label_vi(from),
                en: from.code().to_string(),
            },
        );
        Err(Error::Conflict {
            code: "illegal_transition",
            msg: Msg::t_each(
                "refusals.illegal_transition",
                &[("action", &action), ("status", &status)],
            ),
        })
    }
}

/// May a caller of `role` take `action` at all? The one rule of who acts: the `Decider` guard
/// (approve, reject, reschedule, cancel) and the decisions offered on a meeting's page both ask
/// it. Whether the action applies to a request in its status is [`next_status`]'s answer;
/// which agencies' requests a caller reaches is the scope's (`AgencyScope`).
pub fn may(role: Role, action: Action, settings: &Settings) -> bool {
    let office = matches!(role, Role::OfficeStaff | Role::OfficeApprover | Role::Admin);
    match action {
        Action::Submit => true,
        Action::Withdraw | Action::AcceptProposal => role == Role::AgencyClerk,
        Action::Review | Action::Return => office,
        Action::Approve
        | Action::Reject
        | Action::Cancel
        | Action::Reschedule
        | Action::Postpone
        | Action::ChangeChair => {
            matches!(role, Role::OfficeApprover | Role::Admin)
                || (role == Role::OfficeStaff && settings.staff_may_approve)
        }
    }
}

/// States in which the requesting agency may still edit its request.
pub fn editable(s: MeetingStatus) -> bool {
    matches!(s, Draft | Pending | Returned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIONS: [Action; 11] = [
        Action::Submit,
        Action::Review,
        Action::Return,
        Action::Approve,
        Action::Reject,
        Action::Reschedule,
        Action::Cancel,
        Action::Withdraw,
        Action::Postpone,
        Action::ChangeChair,
        Action::AcceptProposal,
    ];

    #[test]
    fn every_pair_is_either_a_transition_or_a_409() {
        let mut legal = 0;
        for from in MeetingStatus::ALL {
            for a in ACTIONS {
                match next_status(*from, a) {
                    Ok(to) => {
                        legal += 1;
                        assert_eq!(to, a.target());
                    }
                    Err(e) => assert_eq!(e.code(), "illegal_transition"),
                }
            }
        }
        // 18 before postponement, + postpone and change of chair from approved, + reschedule,
        // cancel and withdraw from postponed, + accepting a proposal from returned.
        assert_eq!(legal, 24);
    }

    /// Every role × action × `staff_may_approve`, as the README's workflow table says it.
    #[test]
    fn who_may_take_each_action() {
        use Role::*;
        let roles = [AgencyClerk, OfficeStaff, OfficeApprover, Admin];
        // The action, then for clerk, staff, approver and admin: with the setting off, on.
        #[rustfmt::skip]
        let table: [(Action, [bool; 4], [bool; 4]); 11] = [
            (Action::Submit,     [true,  true,  true,  true], [true,  true,  true,  true]),
            (Action::Review,     [false, true,  true,  true], [false, true,  true,  true]),
            (Action::Return,     [false, true,  true,  true], [false, true,  true,  true]),
            (Action::Approve,    [false, false, true,  true], [false, true,  true,  true]),
            (Action::Reject,     [false, false, true,  true], [false, true,  true,  true]),
            (Action::Reschedule, [false, false, true,  true], [false, true,  true,  true]),
            (Action::Cancel,     [false, false, true,  true], [false, true,  true,  true]),
            (Action::Withdraw,   [true,  false, false, false], [true,  false, false, false]),
            (Action::Postpone,   [false, false, true,  true], [false, true,  true,  true]),
            (Action::ChangeChair, [false, false, true,  true], [false, true,  true,  true]),
            (Action::AcceptProposal, [true, false, false, false], [true,  false, false, false]),
        ];
        assert_eq!(table.map(|(a, _, _)| a), ACTIONS, "every action, once");
        for (action, off, on) in table {
            for (staff_may_approve, expected) in [(false, off), (true, on)] {
                let settings = Settings {
                    staff_may_approve,
                    ..Settings::default()
                };
                for (role, want) in roles.iter().zip(expected) {
                    assert_eq!(
                        may(*role, action, &settings),
                        want,
                        "{role:?} {action:?} staff_may_approve={staff_may_approve}"
                    );
                }
            }
        }
    }

    #[test]
    fn terminal_states_admit_nothing() {
        for s in [Rejected, Cancelled, Withdrawn] {
            assert!(ACTIONS.iter().all(|a| next_status(s, *a).is_err()), "{s}");
        }
    }
}
