//! What every page is rendered with (language, signed-in user, CSRF token) and the small view
//! models of the generic templates: forms (`form.html`) and tables (`table.html`).

use super::csrf::CsrfToken;
use super::i18n::lang_code;
use crate::auth::{self, Caller};
use crate::error::{Error, Lang, Msg};
use entity::Role;
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket_dyn_templates::Template;
use serde::Serialize;
use serde_json::{json, Value};

/// The person looking at a page: language, account (if signed in), CSRF token for its forms.
pub struct Viewer {
    pub lang: Lang,
    pub caller: Option<Caller>,
    pub csrf: String,
    /// The page's own path and query, for the language switch to come back to.
    pub here: String,
    /// Cookies set now must be Secure (served over TLS).
    pub secure: bool,
    /// Unread entries of the signed-in account's inbox, for the header.
    pub unread: u64,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Viewer {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let caller = auth::current(req).await;
        let unread = match (&caller, req.rocket().state::<crate::db::Db>()) {
            (Some(c), Some(db)) => crate::domain::notifications::unread(db, c.id())
                .await
                .unwrap_or(0),
            _ => 0,
        };
        Outcome::Success(Viewer {
            lang: Lang::of(req),
            caller,
            unread,
            csrf: CsrfToken::of(req).0,
            here: req.uri().to_string(),
            secure: crate::auth::session::is_secure(req),
        })
    }
}

/// Everything but the unreserved characters of RFC 3986 §2.3.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but unreserved characters (RFC 3986 §2.3), for a query value.
pub fn encode_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// A room as a choice in a list: its name and how many it seats.
pub fn room_with_capacity(lang: Lang, name: &str, capacity: i32) -> String {
    let capacity = capacity.to_string();
    Msg::t(
        "room.with_capacity",
        &[("name", name), ("capacity", &capacity)],
    )
    .pick(lang)
    .to_string()
}

/// The translation key of a role's name.
pub fn role_key(role: Role) -> String {
    format!("role.{}", role.code())
}

impl Viewer {
    pub fn msg(&self, e: &Error) -> String {
        e.message().pick(self.lang).to_string()
    }

    /// Renders `template` inside the layout: `title` is a translation key; `data` adds the page's
    /// own values.
    pub fn render(&self, template: &'static str, title: &str, data: Value) -> Template {
        Template::render(template, self.context(title, data))
    }

    /// What [`Viewer::render`] renders `template` with.
    pub fn context(&self, title: &str, data: Value) -> Value {
        let user = self.caller.as_ref().map(|c| {
            json!({
                "display_name": c.account.display_name,
                "username": c.account.username,
                "role": role_key(c.role()),
                "is_admin": c.role() == Role::Admin,
                "is_office": c.is_office(),
                "unread": self.unread,
            })
        });
        let mut ctx = json!({
            "lang": lang_code(self.lang),
            "title": title,
            "csrf": self.csrf,
            "user": user,
            "here_encoded": encode_component(&self.here),
        });
        if let (Some(ctx), Value::Object(data)) = (ctx.as_object_mut(), data) {
            ctx.extend(data);
        }
        ctx
    }

    /// A page of one or more forms.
    pub fn forms(&self, title: &str, forms: Vec<FormView>, notice: Option<&str>) -> Template {
        self.render(
            "form.html",
            title,
            json!({ "forms": forms, "notice": notice }),
        )
    }
}

/// `?done=` on a meeting's page after the request form saved without sending for approval.
pub const DONE_SAVED: &str = "luu";

/// `?done=` after the request form saved a request: sent for approval (the submit decision's
/// segment, `web::meetings`), or only saved.
pub fn done_after_save(status: entity::MeetingStatus) -> &'static str {
    use entity::MeetingStatus::{Draft, Returned};
    if matches!(status, Draft | Returned) {
        DONE_SAVED
    } else {
        "gui-duyet"
    }
}

/// A page answered with a status other than 200 (a refused form: 422, 401, 429…).
pub type Page = (Status, Template);

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    /// Shown as is (names of agencies, rooms…) unless `translate` is set.
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Field {
    pub name: &'static str,
    /// Translation key of the label.
    pub label: &'static str,
    /// text, password, number, email, checkbox, select, checkboxes, textarea
    pub kind: &'static str,
    pub value: String,
    pub checked: bool,
    pub options: Vec<Choice>,
    /// Translate the options' labels (they are keys).
    pub translate: bool,
    pub error: Option<String>,
    pub required: bool,
    pub autocomplete: Option<&'static str>,
    /// Translation key of a short explanation shown under the field.
    pub hint: Option<&'static str>,
    /// A searchable multi-select (`kind` "picker"): `options` are the chosen items.
    pub picker: Option<Picker>,
}

/// What a picker shows besides its chosen items: the filter typed (sent back through the form,
/// so that it works without script) and the items it matched.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Picker {
    /// The list the script filters (`data-<source>` of the page's picker data).
    pub source: &'static str,
    /// The filter's field name and what was typed in it.
    pub query_name: &'static str,
    pub query: String,
    /// Items matching the filter and not chosen yet (at most a page of them).
    pub matches: Vec<Choice>,
    /// How many more matched than are shown.
    pub more: usize,
}

impl Field {
    fn new(
        kind: &'static str,
        name: &'static str,
        label: &'static str,
        value: impl Into<String>,
    ) -> Self {
        Field {
            name,
            label,
            kind,
            value: value.into(),
            ..Default::default()
        }
    }

    pub fn text(name: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Field::new("text", name, label, value)
    }

    pub fn number(name: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Field::new("number", name, label, value)
    }

    pub fn email(name: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Field::new("email", name, label, value)
    }

    pub fn textarea(name: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Field::new("textarea", name, label, value)
    }

    /// A password field never shows a value back.
    pub fn password(name: &'static str, label: &'static str, autocomplete: &'static str) -> Self {
        Field {
            autocomplete: Some(autocomplete),
            required: true,
            ..Field::new("password", name, label, "")
        }
    }

    pub fn checkbox(name: &'static str, label: &'static str, checked: bool) -> Self {
        Field {
            checked,
            ..Field::new("checkbox", name, label, "")
        }
    }

    pub fn select(name: &'static str, label: &'static str, options: Vec<Choice>) -> Self {
        Field {
            options,
            ..Field::new("select", name, label, "")
        }
    }

    pub fn checkboxes(name: &'static str, label: &'static str, options: Vec<Choice>) -> Self {
        Field {
            options,
            ..Field::new("checkboxes", name, label, "")
        }
    }

    /// A searchable multi-select of `chosen` items (see [`Picker`]).
    pub fn picker(
        name: &'static str,
        label: &'static str,
        chosen: Vec<Choice>,
        picker: Picker,
    ) -> Self {
        Field {
            options: chosen,
            picker: Some(picker),
            ..Field::new("picker", name, label, "")
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn autocomplete(mut self, value: &'static str) -> Self {
        self.autocomplete = Some(value);
        self
    }

    pub fn hint(mut self, key: &'static str) -> Self {
        self.hint = Some(key);
        self
    }

    pub fn translated(mut self) -> Self {
        self.translate = true;
        self
    }

    /// A field of another input type (date, time, file).
    pub fn of_kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }
}

/// The id chosen in a select (empty: none), or a refusal naming the field.
pub fn optional_id(field: &str, value: &str) -> crate::Result<Option<i32>> {
    match value.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| Error::invalid(field, "msg.page.not_a_valid_choice")),
    }
}

/// Choices from (value, label) pairs, marking those in `selected`.
pub fn choices<I, V, L>(items: I, selected: &[String]) -> Vec<Choice>
where
    I: IntoIterator<Item = (V, L)>,
    V: ToString,
    L: Into<String>,
{
    items
        .into_iter()
        .map(|(v, l)| {
            let value = v.to_string();
            Choice {
                selected: selected.contains(&value),
                value,
                label: l.into(),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    pub action: String,
    /// Translation keys.
    pub heading: Option<&'static str>,
    pub submit: &'static str,
    pub fields: Vec<Field>,
    /// A refusal not about one field (wrong credentials, locked…), already translated.
    pub message: Option<String>,
    /// `multipart/form-data` for a form that uploads a file.
    pub enctype: Option<&'static str>,
}

impl FormView {
    pub fn new(action: impl Into<String>, submit: &'static str, fields: Vec<Field>) -> Self {
        FormView {
            action: action.into(),
            heading: None,
            submit,
            fields,
            message: None,
            enctype: None,
        }
    }

    /// The form uploads a file.
    pub fn multipart(mut self) -> Self {
        self.enctype = Some("multipart/form-data");
        self
    }

    pub fn heading(mut self, key: &'static str) -> Self {
        self.heading = Some(key);
        self
    }

    /// Shows `e` beside its field, or above the form when it names none of them.
    pub fn refused(mut self, e: &Error, viewer: &Viewer) -> Self {
        let text = viewer.msg(e);
        match e
            .field()
            .and_then(|f| self.fields.iter_mut().find(|x| x.name == f))
        {
            Some(field) => field.error = Some(text),
            None => self.message = Some(text),
        }
        self
    }
}

/// A table page: column headings are translation keys; each row may link to its edit page
/// ([`Row`]) or to its page to view, and to edit where editing is allowed ([`ViewRow`]).
#[derive(Debug, Clone, Serialize)]
pub struct TableView<R = Row> {
    pub columns: Vec<&'static str>,
    /// True when rows link to an edit page (adds a column).
    pub editable: bool,
    pub rows: Vec<R>,
    /// Link to the page that adds a row (and its translation key).
    pub new_href: Option<String>,
    pub new_label: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    pub href: Option<String>,
}

/// A row linked "Xem" to its page, and "Sửa" to its edit page only where editing is allowed.
#[derive(Debug, Clone, Serialize)]
pub struct ViewRow {
    pub cells: Vec<String>,
    pub href: Option<String>,
    pub view: bool,
    pub edit: Option<String>,
}

impl Viewer {
    pub fn table<R: Serialize>(&self, title: &str, table: TableView<R>) -> Template {
        self.table_saying(title, table, None)
    }

    /// A table page with a notice above it (the message after an action, as "Đã lưu.").
    pub fn table_saying<R: Serialize>(
        &self,
        title: &str,
        table: TableView<R>,
        notice: Option<&str>,
    ) -> Template {
        // The "nothing here" row spans every column (handlebars has no arithmetic or `.length`).
        let span = table.columns.len() + usize::from(table.editable);
        self.render(
            "table.html",
            title,
            json!({ "table": table, "span": span, "notice": notice }),
        )
    }
}
