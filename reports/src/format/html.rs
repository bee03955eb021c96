//! The self-contained HTML report: inline CSS and SVG, a Content-Security-Policy that forbids
//! every script and every fetch, and nothing to load from anywhere.

use minijinja::context;

use super::{Format, Rendered, environment};
use crate::doc::Report;
use crate::error::Error;

/// One HTML file that opens in any browser, offline.
#[derive(Clone, Copy, Debug, Default)]
pub struct Html;

impl Format for Html {
    fn render(&self, report: &Report) -> Result<Rendered, Error> {
        let env = environment()?;
        let document = env
            .get_template("report.html")
            .and_then(|t| t.render(context! { r => report }))
            .map_err(|e| Error::Template("report.html", e))?;
        Ok(Rendered {
            document,
            files: Vec::new(),
        })
    }
}
