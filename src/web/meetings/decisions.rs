//! The decisions taken from a meeting's page: one route each (its guard says who may take it),
//! the form they share, and the refusal that re-renders the page with what was typed.

use super::*;

#[derive(FromForm, Default)]
pub struct DecisionForm {
    #[field(default = String::new())]
    pub reason: String,
    #[field(default = String::new())]
    pub room_id: String,
    /// A reschedule's new start and end (`datetime-local`, the meeting's zone).
    #[field(default = String::new())]
    pub starts_at: String,
    #[field(default = String::new())]
    pub ends_at: String,
    /// A change of chair's new chair.
    #[field(default = String::new())]
    pub chair_id: String,
    /// A series' reschedule: `one` moves only the occurrence of `date`, `following` that
    /// occurrence and the later ones (the series is split there); else the whole series.
    #[field(default = String::new())]
    pub scope: String,
    #[field(default = String::new())]
    pub date: String,
    /// "Kiểm tra trùng lịch": check the move and show what it would collide with; nothing is
    /// written.
    #[field(default = false)]
    pub check: bool,
    /// Set by the confirmation step of a destructive decision.
    #[field(default = false)]
    pub confirmed: bool,
}

type Decided = Result<std::result::Result<Redirect, Page>>;

/// A refused decision: what was typed in its form and why it was refused.
pub struct Refused {
    pub(super) action: Action,
    pub(super) form: DecisionForm,
    pub(super) message: String,
    pub(super) field: Option<String>,
}

/// Applies a decision; a refusal re-renders the page with the message (and status) it earned.
async fn decide(
    db: &Db,
    caller: &Caller,
    viewer: &Viewer,
    id: i32,
    action: Action,
    form: DecisionForm,
) -> Decided {
    let d = decision(action);
    let filled = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let input = DecisionInput {
        reason: filled(&form.reason),
        room_id: form.room_id.trim().parse().ok(),
        starts_at: filled(&form.starts_at),
        ends_at: filled(&form.ends_at),
        chair_id: form.chair_id.trim().parse().ok(),
    };
    let actor = Actor::from(caller);
    let scope = form.scope.as_str();
    if action == Action::Reschedule && matches!(scope, "one" | "following") && !form.check {
        let change = crate::domain::series::OccurrenceChange {
            reason: input.reason,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            room_id: input.room_id,
        };
        let date = form.date.trim().parse().ok();
        let moved = if scope == "one" {
            crate::domain::moves::reschedule_one(db, &actor, id, date, change)
                .await
                .map(|_| ())
        } else {
            crate::domain::moves::reschedule_following(db, &actor, id, date, change).await
        };
        return match moved {
            Ok(_) => Ok(Ok(Redirect::to(format!(
                "/cuoc-hop/{id}?done={}",
                d.segment
            )))),
            Err(e) => refuse(db, caller, viewer, id, action, form, e).await,
        };
    }
    if form.check && action == Action::Reschedule {
        // Checked, not taken: the page comes back with the hints beside the typed move.
        return match crate::web::moves::check(db, &actor, id, &input, viewer.lang).await {
            Ok(hints) => {
                let checked = crate::web::moves::Checked {
                    action,
                    form: DecisionForm {
                        check: false,
                        ..form
                    },
                    hints,
                };
                let shown = Shown {
                    checked: Some(checked),
                    ..Default::default()
                };
                let page = meeting_page(db, caller, viewer, id, shown).await?;
                Ok(Err((Status::Ok, page)))
            }
            Err(e) => refuse(db, caller, viewer, id, action, form, e).await,
        };
    }
    // A destructive decision is asked again first, when it can be taken as typed; a refusal
    // (a missing or too long reason) comes at once, beside the field.
    let asks = d.confirm.is_some() && !form.confirmed;
    let outcome = if asks {
        registration::may_decide(db, &actor, id, action, &input).await
    } else {
        registration::decide(db, &actor, id, action, input)
            .await
            .map(|_| ())
    };
    match outcome {
        Ok(()) if asks => {
            let shown = Shown {
                asking: Some(Asking { action, form }),
                ..Default::default()
            };
            let page = meeting_page(db, caller, viewer, id, shown).await?;
            Ok(Err((Status::Ok, page)))
        }
        Ok(()) => Ok(Ok(Redirect::to(format!(
            "/cuoc-hop/{id}?done={}",
            d.segment
        )))),
        Err(e) => refuse(db, caller, viewer, id, action, form, e).await,
    }
}

/// A refused decision: the page again with the message beside the field, what was typed kept,
/// and the status it earned (a 409 when another booking won the room or the chair).
async fn refuse(
    db: &Db,
    caller: &Caller,
    viewer: &Viewer,
    id: i32,
    action: Action,
    form: DecisionForm,
    e: crate::Error,
) -> Decided {
    if e.status().code >= 500 || e.status() == Status::NotFound {
        return Err(e);
    }
    let status = e.status();
    let refused = Refused {
        action,
        form: DecisionForm {
            check: false,
            confirmed: false,
            ..form
        },
        message: viewer.msg(&e),
        field: e.field().map(str::to_string),
    };
    let shown = Shown {
        refused: Some(refused),
        ..Default::default()
    };
    let page = meeting_page(db, caller, viewer, id, shown).await?;
    Ok(Err((status, page)))
}

#[post("/cuoc-hop/<id>/gui-duyet", data = "<form>")]
pub async fn submit(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::Submit, form.0).await
}

#[post("/cuoc-hop/<id>/rut", data = "<form>")]
pub async fn withdraw(
    db: &State<Db>,
    by: AgencyClerk,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::Withdraw, form.0).await
}

#[post("/cuoc-hop/<id>/tham-dinh", data = "<form>")]
pub async fn review(
    db: &State<Db>,
    by: OfficeStaff,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::Review, form.0).await
}

#[post("/cuoc-hop/<id>/tra-lai", data = "<form>")]
pub async fn return_for_changes(
    db: &State<Db>,
    by: OfficeStaff,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::Return, form.0).await
}

#[post("/cuoc-hop/<id>/duyet", data = "<form>")]
pub async fn approve(
    db: &State<Db>,
    by: Decider,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::Approve, form.0).await
}

#[post("/cuoc-hop/<id>/tu-choi", data = "<form>")]
pub async fn reject(
    db: &State<Db>,
    by: Decider,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::Reject, form.0).await
}

#[post("/cuoc-hop/<id>/huy", data = "<form>")]
pub async fn cancel(
    db: &State<Db>,
    by: Decider,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::Cancel, form.0).await
}

#[post("/cuoc-hop/<id>/doi-lich", data = "<form>")]
pub async fn reschedule(
    db: &State<Db>,
    by: Decider,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::Reschedule, form.0).await
}

#[post("/cuoc-hop/<id>/doi-chu-tri", data = "<form>")]
pub async fn change_chair(
    db: &State<Db>,
    by: Decider,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::ChangeChair, form.0).await
}

#[post("/cuoc-hop/<id>/nhan-de-xuat", data = "<form>")]
pub async fn accept_proposal(
    db: &State<Db>,
    by: AgencyClerk,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::AcceptProposal, form.0).await
}

#[post("/cuoc-hop/<id>/tam-hoan", data = "<form>")]
pub async fn postpone(
    db: &State<Db>,
    by: Decider,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<DecisionForm>,
) -> Decided {
    decide(db, &by, &viewer, id, Action::Postpone, form.0).await
}
