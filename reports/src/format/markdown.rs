//! The Markdown report, for pasting into a postmortem document. Pictures are SVG files written
//! beside it and linked, or left out with a note when there is no folder to write them to.

use minijinja::context;
use minijinja::value::Value;

use super::{Format, Rendered, environment};
use crate::doc::Report;
use crate::error::Error;
use crate::svg::Figure;
use crate::text;

/// Markdown, with the figures in `figures` (a folder name relative to the document), or
/// without figures when `figures` is `None`.
#[derive(Clone, Debug, Default)]
pub struct Markdown {
    /// Where the SVG files go, relative to the document; `None` leaves the pictures out.
    pub figures: Option<String>,
}

impl Format for Markdown {
    fn render(&self, report: &Report) -> Result<Rendered, Error> {
        let mut env = environment()?;
        let dir = self.figures.clone();
        env.add_function("figure", move |f: Value| -> Result<Value, minijinja::Error> {
            let f: Figure = Figure {
                id: field(&f, "id")?,
                title: field(&f, "title")?,
                caption: field(&f, "caption")?,
                svg: String::new(),
            };
            let caption = text::markdown(&f.caption);
            let shown = match &dir {
                Some(d) => format!(
                    "![{}]({}/{}.svg)\n\n*{caption}*",
                    text::markdown(&f.title),
                    d.replace(' ', "%20"),
                    f.id
                ),
                None => format!(
                    "*Picture left out (the report went to standard output; write it to a file with -o to get the SVG files): {caption}*"
                ),
            };
            Ok(Value::from_safe_string(shown))
        });
        let document = env
            .get_template("report.md")
            .and_then(|t| t.render(context! { r => report }))
            .map_err(|e| Error::Template("report.md", e))?;
        let files = match &self.figures {
            Some(d) => report
                .figures
                .all()
                .into_iter()
                .map(|f| (format!("{d}/{}.svg", f.id), f.svg.clone()))
                .collect(),
            None => Vec::new(),
        };
        Ok(Rendered { document, files })
    }
}

fn field(v: &Value, name: &str) -> Result<String, minijinja::Error> {
    v.get_attr(name)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("figure without {name}"),
            )
        })
}
