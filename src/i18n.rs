//! Every word of the UI in Vietnamese (first) and English, from locales/vi.json and
//! locales/en.json plus one file per area of the product under locales/vi/ and locales/en/ (flat
//! "key": "text" maps, built into the binary and parsed at start; a key defined twice is a
//! start-up error). Pages reach it through `{{t "key"}}` (web::i18n), messages through
//! [`crate::error::Msg::t`].

use rocket::request::Request;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The languages of the UI: Vietnamese (the default), English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    /// The `lang` cookie, else the first language of Accept-Language we speak, else Vietnamese.
    pub fn of(req: &Request<'_>) -> Lang {
        if let Some(c) = req.cookies().get("lang") {
            return if c.value() == "en" {
                Lang::En
            } else {
                Lang::Vi
            };
        }
        let accept = req.headers().get_one("Accept-Language").unwrap_or("");
        for part in accept.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("vi") {
                return Lang::Vi;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Vi
    }
}

/// The files of one language: the main one and one per area, as (name, text).
macro_rules! locale_files {
    ($lang:literal: $($area:literal),* $(,)?) => {
        &[
            (concat!($lang, ".json"), include_str!(concat!("../locales/", $lang, ".json"))),
            $((
                concat!($lang, "/", $area, ".json"),
                include_str!(concat!("../locales/", $lang, "/", $area, ".json")),
            ),)*
        ]
    };
}

/// Both languages' files from one list of areas, so the two cannot drift apart.
macro_rules! locale_areas {
    ($($area:literal),* $(,)?) => {
        /// Vietnamese files: (name for error messages, text).
        pub const VI_FILES: &[(&str, &str)] = locale_files!("vi": $($area),*);
        /// English files, the same areas as the Vietnamese ones.
        pub const EN_FILES: &[(&str, &str)] = locale_files!("en": $($area),*);
    };
}

// One area a line.
#[rustfmt::skip]
locale_areas!(
    "reports",
    "calendars",
    "request_form",
    "feeds",
    "admin_calendar",
    "accessibility",
    "request_fields",
    "errors",
    "privacy",
    "input",
    "import",
    "messages",
    "schedule_document",
    "publication",
    "notify",
    "outcomes",
    "answers",
    "request_more",
    "reminders",
    "find_time",
    "moves",
    "conflicts",
    "refusals",
    "public_feed",
);

#[derive(Debug)]
pub struct Translations {
    vi: HashMap<String, String>,
    en: HashMap<String, String>,
}

impl Translations {
    /// Parses every file; a broken file or a key defined twice is a start-up error naming it.
    pub fn load() -> Result<Self, String> {
        let parse = |files: &[(&str, &str)]| {
            let mut all = HashMap::new();
            for (name, text) in files {
                let map = serde_json::from_str::<HashMap<String, String>>(text)
                    .map_err(|e| format!("locales/{name}: {e}"))?;
                for (key, value) in map {
                    if all.insert(key.clone(), value).is_some() {
                        return Err(format!("locales/{name}: \"{key}\" is defined twice"));
                    }
                }
            }
            Ok::<_, String>(all)
        };
        Ok(Translations {
            vi: parse(VI_FILES)?,
            en: parse(EN_FILES)?,
        })
    }

    /// The text of `key`; a missing key shows as the key itself (and a test keeps the files whole).
    pub fn text<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        let map = match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        };
        map.get(key).map(String::as_str).unwrap_or(key)
    }

    pub fn keys(&self, lang: Lang) -> Vec<&str> {
        let map = match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        };
        map.keys().map(String::as_str).collect()
    }
}

/// The translations, parsed once (the files are part of the binary).
pub fn translations() -> Arc<Translations> {
    static LOADED: OnceLock<Arc<Translations>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            Arc::new(Translations::load().unwrap_or_else(|e| {
                tracing::error!("{e}");
                Translations {
                    vi: HashMap::new(),
                    en: HashMap::new(),
                }
            }))
        })
        .clone()
}

/// A word of the locale files in Vietnamese, for text that is Vietnamese whoever reads it (the
/// reports the office sends upward, the names inside a refusal's Vietnamese message).
pub fn vietnamese(key: &str) -> String {
    translations().text(Lang::Vi, key).to_string()
}

pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    }
}
