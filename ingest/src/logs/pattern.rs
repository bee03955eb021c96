//! A profile's regex, compiled when a line first needs it.
//!
//! The built-in profiles hold about two thousand regexes, and compiling them all was most of the
//! run time of a small export and a sixth of a large one's, although a file uses a handful of
//! profiles and a profile's lines reach a fraction of its rules. A built-in pattern is therefore
//! kept as text and compiled on first use, once per process (clones share it). The tests compile
//! every built-in profile with every check ([`super::profile::Profile::parse`]), so a built-in
//! pattern does not fail then (one that did would match nothing); a profile an export adds is
//! compiled whole as it is read, so that its errors name the file before any line is read.

use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use regex::Regex;
use regex_syntax::ast::{self, Ast, Visitor};

/// A regex of a profile: its text, and the compiled regex once something has matched with it.
/// It dereferences to the [`Regex`], compiling it then.
#[derive(Clone)]
pub(crate) struct Pattern(Arc<Inner>);

struct Inner {
    text: String,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// A pattern compiled already (a profile an export adds, whose errors are reported up front).
    pub(crate) fn compiled(regex: Regex) -> Pattern {
        let text = regex.as_str().to_owned();
        Pattern(Arc::new(Inner {
            text,
            compiled: OnceLock::from(regex),
        }))
    }

    /// A pattern of a built-in profile, compiled on first use by `compile`.
    pub(crate) fn deferred(text: &str) -> Pattern {
        Pattern(Arc::new(Inner {
            text: text.to_owned(),
            compiled: OnceLock::new(),
        }))
    }

    /// The pattern's text, without compiling it.
    pub(crate) fn as_str(&self) -> &str {
        &self.0.text
    }

    /// Whether the pattern has a capture group of this name, without compiling it.
    pub(crate) fn has_capture(&self, name: &str) -> bool {
        if let Some(regex) = self.0.compiled.get() {
            return regex.capture_names().flatten().any(|n| n == name);
        }
        capture_names(&self.0.text).iter().any(|n| n == name)
    }
}

impl Deref for Pattern {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.0.compiled.get_or_init(|| {
            // A built-in pattern: every one is compiled by the tests, under the same limits
            // (`every_builtin_pattern_compiles_within_the_limits`). Were one not to, it would
            // match nothing rather than stop the run.
            super::profile::compile(&self.0.text).map_or_else(
                |_| {
                    Regex::new(r"[^\s\S]")
                        .unwrap_or_else(|e| unreachable!("a class of no character compiles: {e}"))
                },
                |(regex, _)| regex,
            )
        })
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.0.text).finish()
    }
}

/// The names of a pattern's capture groups, from its syntax tree alone (a pattern that does not
/// parse has none: it would fail to compile, which the tests catch for built-in profiles).
fn capture_names(text: &str) -> Vec<String> {
    struct Names(Vec<String>);
    impl Visitor for Names {
        type Output = Vec<String>;
        type Err = ();
        fn finish(self) -> Result<Vec<String>, ()> {
            Ok(self.0)
        }
        fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
            if let Ast::Group(g) = ast
                && let ast::GroupKind::CaptureName { name, .. } = &g.kind
            {
                self.0.push(name.name.clone());
            }
            Ok(())
        }
    }
    ast::parse::Parser::new()
        .parse(text)
        .ok()
        .and_then(|a| ast::visit(&a, Names(Vec::new())).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_names_are_read_without_compiling() {
        let p = Pattern::deferred(r"(?P<peer>\w+) (?<value>\d+)(?:x)(y)");
        assert!(p.has_capture("peer") && p.has_capture("value"));
        assert!(!p.has_capture("ts"));
        assert!(p.0.compiled.get().is_none());
        assert!(p.is_match("a 1xy"));
        assert!(p.0.compiled.get().is_some() && p.has_capture("peer"));
    }

    #[test]
    fn a_pattern_past_the_limits_matches_nothing_rather_than_stopping() {
        let p = Pattern::deferred(r"\w{2000}");
        assert!(!p.is_match(&"a".repeat(2000)));
    }

    #[test]
    fn clones_share_one_compiled_regex() {
        let p = Pattern::deferred(r"\d+");
        let q = p.clone();
        assert!(q.is_match("7"));
        assert!(p.0.compiled.get().is_some());
    }
}
