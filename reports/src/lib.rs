//! rift-reports: the last stage of the pipeline, review reports.
//!
//! This crate will own the rendering of self-contained HTML and Markdown review reports from the
//! minijinja templates in `reports/templates/`: summary, timeline, reachability matrices and graph
//! snapshots as inline SVG, the verdict and its evidence, the gap analysis, the replay comparison,
//! similar public incidents and the accounting of the input.
//!
//! It has no public items yet.
