//! `/quan-tri/tai-khoan`: accounts, their roles and password resets.

use super::*;
use crate::domain::accounts::{self, AccountChanges, NewAccount};

#[derive(FromForm, Default)]
pub struct AccountForm {
    #[field(default = String::new())]
    pub username: String,
    #[field(default = String::new())]
    pub display_name: String,
    #[field(default = String::new())]
    pub password: String,
    #[field(default = String::new())]
    pub role: String,
    #[field(default = String::new())]
    pub agency_id: String,
    #[field(default = false)]
    pub disabled: bool,
    #[field(default = String::new())]
    pub email: String,
    #[field(default = false)]
    pub email_notifications: bool,
    #[field(default = String::new())]
    pub lang: String,
    #[field(default = false)]
    pub digest: bool,
    #[field(default = String::new())]
    pub secretary_of: String,
}

pub(super) fn role_choices(selected: &str) -> Vec<Choice> {
    choices(
        Role::ALL.iter().map(|r| (r.code(), role_key(*r))),
        &[selected.to_string()],
    )
}

pub(super) fn parse_role(value: &str) -> Result<Role> {
    Role::from_code(value).ok_or_else(|| Error::invalid("role", "msg.admin.not_a_valid_role"))
}

impl AccountForm {
    fn view(
        &self,
        action: String,
        lookups: &Lookups,
        leaders: &[(String, String)],
        creating: bool,
    ) -> FormView {
        let mut fields = Vec::new();
        if creating {
            fields.push(
                Field::text("username", "admin.accounts.username", &self.username).required(),
            );
        }
        fields.push(
            Field::text(
                "display_name",
                "admin.accounts.display_name",
                &self.display_name,
            )
            .required(),
        );
        if creating {
            fields.push(Field::password(
                "password",
                "admin.accounts.password",
                "new-password",
            ));
        }
        fields.push(
            Field::select("role", "admin.accounts.role", role_choices(&self.role)).translated(),
        );
        fields.push(Field::select(
            "agency_id",
            "admin.accounts.agency",
            lookups.agency_choices(&self.agency_id, true),
        ));
        if !creating {
            fields.push(Field::email("email", "account.email", &self.email));
            fields.push(Field::checkbox(
                "email_notifications",
                "account.email_notifications",
                self.email_notifications,
            ));
            fields.push(
                Field::select(
                    "lang",
                    "account.lang",
                    choices(
                        [("vi", "account.lang_vi"), ("en", "account.lang_en")],
                        std::slice::from_ref(&self.lang),
                    ),
                )
                .translated(),
            );
            fields.push(Field::checkbox("digest", "account.digest", self.digest));
            let none = (String::new(), "—".to_string());
            fields.push(Field::select(
                "secretary_of",
                "account.secretary_of",
                choices(
                    std::iter::once(none).chain(leaders.iter().cloned()),
                    std::slice::from_ref(&self.secretary_of),
                ),
            ));
            fields.push(Field::checkbox(
                "disabled",
                "admin.accounts.disabled",
                self.disabled,
            ));
        }
        FormView::new(
            action,
            if creating {
                "common.create"
            } else {
                "common.save"
            },
            fields,
        )
    }
}

#[rocket::get("/quan-tri/tai-khoan?<luu>")]
pub async fn accounts_list(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    luu: Option<&str>,
) -> Result<Template> {
    let lookups = Lookups::load(db).await?;
    let tr = crate::web::i18n::translations();
    let rows = accounts::list(db)
        .await?
        .into_iter()
        .map(|a| Row {
            href: Some(format!("/quan-tri/tai-khoan/{}", a.id)),
            cells: vec![
                a.username,
                a.display_name,
                tr.text(viewer.lang, &role_key(a.role)).to_string(),
                lookups.agency_name(a.agency_id),
                tr.text(
                    viewer.lang,
                    if a.disabled {
                        "admin.accounts.is_disabled"
                    } else {
                        "admin.accounts.is_active"
                    },
                )
                .to_string(),
                when(a.last_sign_in_at),
            ],
        })
        .collect();
    Ok(list_page(
        &viewer,
        "admin.accounts.title",
        vec![
            "admin.accounts.username",
            "admin.accounts.display_name",
            "admin.accounts.role",
            "admin.accounts.agency",
            "admin.accounts.status",
            "admin.accounts.last_sign_in",
        ],
        rows,
        ("/quan-tri/tai-khoan", "admin.accounts.new"),
        luu,
    ))
}

#[rocket::get("/quan-tri/tai-khoan/moi")]
pub async fn account_new(db: &State<Db>, _by: Admin, viewer: Viewer) -> Result<Template> {
    let form = AccountForm {
        role: Role::AgencyClerk.code().into(),
        ..Default::default()
    };
    let view = form.view(
        "/quan-tri/tai-khoan".into(),
        &Lookups::load(db).await?,
        &[],
        true,
    );
    Ok(viewer.forms("admin.accounts.new", vec![view], None))
}

#[rocket::post("/quan-tri/tai-khoan", data = "<form>")]
pub async fn account_create(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    form: CsrfForm<AccountForm>,
) -> Submitted {
    let form = form.0;
    let outcome = async {
        let input = NewAccount {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            password: form.password.clone(),
            role: parse_role(&form.role)?,
            agency_id: optional_id("agency_id", &form.agency_id)?,
            person_id: None,
        };
        accounts::create(db, input).await.map(|_| ())
    }
    .await;
    let view = form.view(
        "/quan-tri/tai-khoan".into(),
        &Lookups::load(db).await?,
        &[],
        true,
    );
    finish(
        outcome,
        "/quan-tri/tai-khoan",
        &viewer,
        "admin.accounts.new",
        view,
    )
}

#[derive(FromForm, Default)]
pub struct ResetForm {
    #[field(default = String::new())]
    pub new_password: String,
}

pub(super) fn reset_view(id: i32) -> FormView {
    FormView::new(
        format!("/quan-tri/tai-khoan/{id}/mat-khau"),
        "admin.accounts.reset",
        vec![Field::password(
            "new_password",
            "password.new",
            "new-password",
        )],
    )
    .heading("admin.accounts.reset")
}

pub(super) async fn account_forms(
    db: &Db,
    id: i32,
    form: Option<AccountForm>,
) -> Result<(FormView, FormView)> {
    let form = match form {
        Some(f) => f,
        None => {
            let a = accounts::get(db, id).await?;
            AccountForm {
                username: a.username,
                display_name: a.display_name,
                role: a.role.code().into(),
                agency_id: a.agency_id.map(|i| i.to_string()).unwrap_or_default(),
                disabled: a.disabled,
                email: a.email.unwrap_or_default(),
                email_notifications: a.email_notifications,
                lang: a.lang,
                digest: a.digest,
                secretary_of: a.secretary_of.map(|i| i.to_string()).unwrap_or_default(),
                ..Default::default()
            }
        }
    };
    let leaders: Vec<(String, String)> = crate::domain::reference::current(db)
        .await?
        .persons()
        .iter()
        .filter(|p| p.is_leader)
        .map(|p| (p.id.to_string(), format!("{} {}", p.position, p.full_name)))
        .collect();
    let edit = form.view(
        format!("/quan-tri/tai-khoan/{id}"),
        &Lookups::load(db).await?,
        &leaders,
        false,
    );
    Ok((edit, reset_view(id)))
}

#[rocket::get("/quan-tri/tai-khoan/<id>")]
pub async fn account_edit(db: &State<Db>, _by: Admin, viewer: Viewer, id: i32) -> Result<Template> {
    let (edit, reset) = account_forms(db, id, None).await?;
    Ok(viewer.forms("admin.accounts.edit", vec![edit, reset], None))
}

#[rocket::post("/quan-tri/tai-khoan/<id>", data = "<form>")]
pub async fn account_update(
    db: &State<Db>,
    by: Admin,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<AccountForm>,
) -> Submitted {
    let form = form.0;
    let outcome = async {
        let changes = AccountChanges {
            role: Some(parse_role(&form.role)?),
            agency_id: Some(optional_id("agency_id", &form.agency_id)?),
            display_name: Some(form.display_name.clone()),
            disabled: Some(form.disabled),
            email: Some(Some(form.email.clone()).filter(|e| !e.trim().is_empty())),
            email_notifications: Some(form.email_notifications),
            lang: Some(form.lang.clone()).filter(|l| !l.is_empty()),
            digest: Some(form.digest),
            secretary_of: Some(optional_id("secretary_of", &form.secretary_of)?),
        };
        accounts::update(db, by.id(), id, changes).await.map(|_| ())
    }
    .await;
    let (edit, reset) = account_forms(db, id, Some(form)).await?;
    finish_with(outcome, "/quan-tri/tai-khoan", |e| {
        let forms = vec![edit.refused(e, &viewer), reset];
        Ok(viewer.forms("admin.accounts.edit", forms, None))
    })
}

/// Sets a new password; every session of the account ends at once.
#[rocket::post("/quan-tri/tai-khoan/<id>/mat-khau", data = "<form>")]
pub async fn account_reset_password(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<ResetForm>,
) -> Result<Result<Template, Page>> {
    let outcome = accounts::reset_password(db, id, &form.0.new_password).await;
    let (edit, reset) = account_forms(db, id, None).await?;
    match outcome {
        Ok(_) => Ok(Ok(viewer.forms(
            "admin.accounts.edit",
            vec![edit, reset],
            Some("admin.accounts.reset_done"),
        ))),
        Err(e @ Error::Validation { .. }) => {
            let page = viewer.forms(
                "admin.accounts.edit",
                vec![edit, reset.refused(&e, &viewer)],
                None,
            );
            Ok(Err((Status::UnprocessableEntity, page)))
        }
        Err(e) => Err(e),
    }
}
