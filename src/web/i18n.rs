//! The `t` helper of the templates: `{{t "sign_in.title"}}` picks the language from `lang` in
//! the template context. The words themselves live in [`crate::i18n`].

use crate::error::Lang;
pub use crate::i18n::{lang_code, translations, Translations, EN_FILES, VI_FILES};
use rocket_dyn_templates::handlebars::{
    Context, Handlebars, Helper, HelperDef, RenderContext, RenderError, RenderErrorReason,
    ScopedJson,
};
use serde_json::Value;
use std::sync::Arc;

/// The `t` helper: `{{t "key"}}` or `{{t some.path}}` (the value at the path is the key).
pub struct TranslateHelper(pub Arc<Translations>);

impl HelperDef for TranslateHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let key = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
        let lang = match ctx.data().get("lang").and_then(Value::as_str) {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        };
        Ok(ScopedJson::Derived(Value::String(
            self.0.text(lang, key).to_string(),
        )))
    }
}
