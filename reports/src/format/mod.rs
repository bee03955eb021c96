//! Output formats of the report, one file each behind [`Format`] (like `reach::format`).
//!
//! Both formats render the templates in `reports/templates/` (compiled into the binary) with
//! one minijinja environment whose formatter makes every value from the report safe for the
//! output: HTML-escaped in `.html` templates, Markdown-escaped in `.md` templates, and in both
//! with control characters shown as visible pictures. Only strings the report itself built
//! (the SVG figures) are marked safe.

pub mod html;
pub mod markdown;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error as TemplateError, ErrorKind, Output, State};

use crate::doc::Report;
use crate::error::Error;
use crate::text;

pub use html::Html;
pub use markdown::Markdown;

/// A rendered report: the document and the files that go beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The report itself.
    pub document: String,
    /// Files to write beside it: (path relative to the document's folder, content).
    pub files: Vec<(String, String)>,
}

/// An output format.
pub trait Format {
    /// Renders `report`.
    fn render(&self, report: &Report) -> Result<Rendered, Error>;
}

/// The shipped templates.
const TEMPLATES: [(&str, &str); 2] = [
    ("report.html", include_str!("../../templates/report.html")),
    ("report.md", include_str!("../../templates/report.md")),
];

/// The environment both formats render with.
pub(crate) fn environment() -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else if name.ends_with(".md") {
            AutoEscape::Custom("markdown")
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(escape);
    // Text shown verbatim in code spans and fences: control characters made visible and
    // backticks replaced so that nothing can close the span.
    env.add_filter("code", |s: &str| {
        Value::from_safe_string(text::visible(s).replace('`', "\u{2035}"))
    });
    // A link target: only http(s) URLs, with the characters that end a Markdown link encoded.
    env.add_filter("link", |s: &str| {
        let ok = s.starts_with("https://") || s.starts_with("http://");
        let url: String = if ok {
            text::visible(s)
                .chars()
                .map(|c| match c {
                    '(' => "%28".to_owned(),
                    ')' => "%29".to_owned(),
                    ' ' => "%20".to_owned(),
                    '<' => "%3C".to_owned(),
                    '>' => "%3E".to_owned(),
                    c => c.to_string(),
                })
                .collect()
        } else {
            String::new()
        };
        Value::from_safe_string(url)
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| Error::Template(name, e))?;
    }
    Ok(env)
}

/// Writes a value escaped for the template's format; safe strings go through as they are.
fn escape(out: &mut Output<'_>, state: &State<'_, '_>, value: &Value) -> Result<(), TemplateError> {
    if value.is_safe() {
        return out
            .write_str(value.as_str().unwrap_or_default())
            .map_err(|e| TemplateError::new(ErrorKind::WriteFailure, e.to_string()));
    }
    if value.is_undefined() || value.is_none() {
        return Ok(());
    }
    let raw = match value.as_str() {
        Some(s) => s.to_owned(),
        None => value.to_string(),
    };
    let shown = match state.auto_escape() {
        AutoEscape::Html => text::html(&raw),
        AutoEscape::Custom("markdown") => text::markdown(&raw),
        _ => text::visible(&raw).into_owned(),
    };
    out.write_str(&shown)
        .map_err(|e| TemplateError::new(ErrorKind::WriteFailure, e.to_string()))
}
