//! The web pages (handlebars templates under templates/) and what every response shares:
//! catchers, security headers, CSRF protection, translations.

pub mod catchers;
pub mod security;
