//! Members tables: one row per node with the names it is known by (`members.csv`: name,
//! member id, IP, URLs). Every non-empty field of a row becomes an alias of the row's name.

use std::collections::BTreeMap;

use crate::accounting::{FileAccount, SkipReason};
use crate::nodes::NodeResolver;
use crate::row::{self, Fields, RowSink, find_column};
use crate::source::columns;

/// Reads a members file into a [`NodeResolver`].
pub(crate) struct MembersFile<'a> {
    pub(crate) resolver: &'a mut NodeResolver,
    pub(crate) account: &'a mut FileAccount,
    pub(crate) columns: &'a BTreeMap<String, String>,
    name: usize,
    width: usize,
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
        self.resolver.add_alias(&name, &name);
        for i in (0..self.width).filter(|&i| i != self.name) {
            if let Some(alias) = f.get(i) {
                self.resolver.add_alias(&name, alias);
            }
        }
        self.account.rows_used += 1;
    }

    fn skipped(&mut self, line: u64, reason: SkipReason, detail: String) {
        self.account.rows_read += 1;
        self.account.skip(reason, line, || detail);
    }
}
