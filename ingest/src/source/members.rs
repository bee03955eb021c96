//! Members tables: one row per node with the names it is known by (`members.csv`: name,
//! member id, IP, URLs). Every non-empty field of a row becomes an alias of the row's name.

use std::collections::{BTreeMap, HashMap};

use crate::accounting::{FileAccount, SkipReason};
use crate::config::SourceKind;
use crate::error::Error;
use crate::inert;
use crate::nodes::NodeResolver;
use crate::row::{self, Fields, RowSink, find_column, read_table};
use crate::source::{Candidate, Reading, Source, columns, empty_table, note_empty};

/// Members tables: read before every other file, so that all of them name nodes alike.
pub(crate) struct Members;

impl Source for Members {
    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::Members]
    }

    fn by_columns(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        (file.has(&["member_id", "peer_url", "client_url"])
            || file.name.starts_with("members")
            || file.name.starts_with("nodes"))
        .then_some(SourceKind::Members)
    }

    fn read(&self, files: &[usize], reading: &mut Reading<'_>) -> Result<(), Error> {
        for &i in files {
            let (f, format) = reading.table(i)?;
            let columns = reading.columns_of(i);
            let acc = &mut reading.accounts[i];
            let mut sink = MembersFile::new(&mut reading.resolver, acc, columns);
            let empty = empty_table(read_table(&f.path, format, &mut sink, reading.progress))?;
            note_empty(acc, empty);
        }
        Ok(())
    }
}

/// Reads a members file into a [`NodeResolver`].
pub(crate) struct MembersFile<'a> {
    pub(crate) resolver: &'a mut NodeResolver,
    pub(crate) account: &'a mut FileAccount,
    pub(crate) columns: &'a BTreeMap<String, String>,
    name: usize,
    width: usize,
    /// The first value each node was given in each column, and its line.
    seen: HashMap<(String, usize), (String, u64)>,
}

impl<'a> MembersFile<'a> {
    pub(crate) fn new(
        resolver: &'a mut NodeResolver,
        account: &'a mut FileAccount,
        columns: &'a BTreeMap<String, String>,
    ) -> Self {
        MembersFile {
            resolver,
            account,
            columns,
            name: 0,
            width: 0,
            seen: HashMap::new(),
        }
    }
}

impl RowSink for MembersFile<'_> {
    fn header(&mut self, cols: &[String]) -> Result<(), String> {
        self.name =
            find_column(cols, "name", columns::MEMBER_NAME, self.columns).ok_or_else(|| {
                format!(
                    "members table has no name column (expected one of {}; found {})",
                    columns::MEMBER_NAME.join(", "),
                    row::found(cols)
                )
            })?;
        self.width = cols.len();
        Ok(())
    }

    fn row(&mut self, line: u64, f: &Fields<'_>) {
        self.account.rows_read += 1;
        let Some(name) = f.get(self.name) else {
            return self
                .account
                .skip(SkipReason::MissingField("name".into()), line, String::new);
        };
        let name = name.to_owned();
        let origin = format!("{}:{line}", self.account.path);
        let mut notes = Vec::new();
        notes.extend(self.resolver.declare(&name, &name, &origin));
        for i in (0..self.width).filter(|&i| i != self.name) {
            let Some(alias) = f.get(i) else { continue };
            // One node given two values of one column (two member ids, two IPs) is a
            // conflict too: the first row's stays, the other is not taken as the node's.
            match self.seen.get(&(name.to_lowercase(), i)) {
                Some((first, at)) if first != alias => {
                    notes.push(format!(
                        "{} is given '{}' at line {at} and '{}' at line {line} in the same column: the first is kept; correct the one that is wrong",
                        inert::clip(&name),
                        inert::clip(first),
                        inert::clip(alias)
                    ));
                    continue;
                }
                Some(_) => {}
                None => {
                    self.seen
                        .insert((name.to_lowercase(), i), (alias.to_owned(), line));
                }
            }
            notes.extend(self.resolver.declare(&name, alias, &origin));
        }
        self.account.notes.extend(notes);
        self.account.rows_used += 1;
    }

    fn skipped(&mut self, line: u64, reason: SkipReason, detail: String) {
        self.account.rows_read += 1;
        self.account.skip(reason, line, || detail);
    }
}
