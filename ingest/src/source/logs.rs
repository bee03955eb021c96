//! Node logs: read with the profile [`crate::logs::LogPlan`] chose for each, several files at a
//! time (one per core). Their lines wait in [`Reading::logs`] until every file is read: the
//! names they carry are resolved, and their times put on the common clock, only then.

use crate::accounting::{FileAccount, SkipReason};
use crate::config::SourceKind;
use crate::error::Error;
use crate::input;
use crate::logs::envelope;
use crate::logs::read::{LogSettings, NAME_IT, read_log};
use crate::logs::{LogFile, LogPlan, Profile};
use crate::progress::Progress;
use crate::row::Format;
use crate::source::settings::Configured;
use crate::source::{Candidate, FileEntry, Reading, Source};
use crate::system;

/// Node log files.
pub(crate) struct Logs;

/// A CSV file no table reader took by its columns, whose rows are a log store's export of log
/// lines (Kibana's "Save as CSV": a time, a host, the line), is a log.
pub(crate) fn exported_rows(file: &Candidate<'_>) -> Option<SourceKind> {
    if file.format != Some(Format::Csv) {
        return None;
    }
    let head = input::head(file.path, HEAD_BYTES).ok()?;
    envelope::collected(&head).then_some(SourceKind::Log)
}

/// How much of a file recognition reads to tell a collector's envelopes: 64 KiB.
const HEAD_BYTES: u64 = 64 << 10;

impl Source for Logs {
    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::Log]
    }

    /// A file whose first lines come in a collector's envelopes (docker json-file, journald,
    /// Loki, Elasticsearch, CloudWatch, Cloud Logging records; syslog lines) is a log, whatever
    /// it is called (`messages`, `export.ndjson`).
    fn by_content(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        if file.format.is_some_and(|f| f != Format::Ndjson) {
            return None;
        }
        let head = input::head(file.path, HEAD_BYTES).ok()?;
        envelope::collected(&head).then_some(SourceKind::Log)
    }

    fn by_name(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        let name = file.name;
        (name.ends_with(".log") || name.contains(".log.") || name.ends_with(".txt"))
            .then_some(SourceKind::Log)
    }

    fn read(&self, files: &[usize], reading: &mut Reading<'_>) -> Result<(), Error> {
        let start: Vec<FileAccount> = files.iter().map(|&i| reading.accounts[i].clone()).collect();
        let nodes: Vec<FileNode> = files
            .iter()
            .map(|&i| FileNode {
                name: reading.node_of(i),
                fixed: reading.spec(i).is_some_and(|s| s.node.is_some()),
                field: reading
                    .spec(i)
                    .and_then(|s| s.node_field.clone())
                    .or_else(|| reading.config.logs.node_field.clone()),
            })
            .collect();
        let job = LogJob {
            files: reading.files,
            profiles: &reading.profiles,
            plan: &reading.log_plan,
            progress: reading.progress,
            configured: &reading.configured,
        };
        let mut done = crate::par::map(files.len(), |k| {
            let mut acc = start[k].clone();
            let r = job.read(files[k], &nodes[k], &mut acc);
            (files[k], acc, r)
        });
        done.sort_by_key(|d| d.0);
        for (i, acc, r) in done {
            reading.accounts[i] = acc;
            if let Some(f) = r? {
                reading.logs.push(f);
            }
        }
        Ok(())
    }
}

/// Whose lines a log file holds, as settings and its name say.
struct FileNode {
    /// The node `incident.toml` names, else the file name up to its first dot.
    name: String,
    /// `incident.toml` names the node: envelopes do not override it.
    fixed: bool,
    /// The envelope field that names each line's node, when settings name one.
    field: Option<String>,
}

/// What reading one log file needs, shared by the threads.
struct LogJob<'a> {
    files: &'a [FileEntry],
    profiles: &'a [Profile],
    plan: &'a LogPlan,
    progress: &'a dyn Progress,
    configured: &'a Configured,
}

impl LogJob<'_> {
    /// Reads file `i`, the log of `node`, with its profile; without one, its lines are counted
    /// as skipped. A file whose envelopes name one node is that node's log (the file's own
    /// name becomes another name of it); one whose envelopes name several holds their lines.
    fn read(
        &self,
        i: usize,
        node: &FileNode,
        acc: &mut FileAccount,
    ) -> Result<Option<LogFile>, Error> {
        let f = &self.files[i];
        self.progress.file(&f.rel);
        let Some(p) = self.plan.profile_for(i) else {
            let lines = input::count_lines(&f.path, self.progress)?;
            acc.rows_read = lines;
            let (reason, why) = self.plan.why_none[i]
                .clone()
                .unwrap_or_else(|| (SkipReason::NoProfile, NAME_IT.to_owned()));
            acc.skip_n(reason, lines, 1, || why);
            return Ok(None);
        };
        let profile = &self.profiles[p];
        let zone = self.plan.zones[i].as_ref();
        let settings = LogSettings {
            profile,
            year: self.plan.year,
            date: self.plan.date.as_ref().map(|d| d.0),
            zone: zone.map(|z| z.0),
            detector: system::of_profile(&profile.name).map(|s| (s, f.rel.as_str())),
            node_field: node.field.as_deref(),
            wrapped: self.plan.wrapped[i].is_some(),
            // A JSON record is whole on its line: nothing is joined to it. A bare text record
            // may go on over indented lines (a stack trace) anywhere in the file, not only
            // where sniffing saw them; in envelopes each line comes whole in its own, and is
            // joined only when the first lines showed pieces.
            join: profile.is_text() && (self.plan.ragged[i] || self.plan.wrapped[i].is_none()),
            width: self.plan.width[i],
            configured: (!self.configured.is_empty()).then_some((self.configured, &node.name)),
        };
        let mut read = read_log(&f.path, &settings, acc, self.progress)?;
        // The other names the file's name gives the node it names.
        let named = || crate::logs::names_of_file(&f.rel);
        let (name, also) = match (node.fixed, read.nodes.len()) {
            (true, 0) => (node.name.clone(), Vec::new()),
            // A file named for what it is (`paste.log`, `consul.log`) whose lines give one
            // address or id of their writer (`Node at 10.0.0.1:8300 [Follower]`): that names
            // the node.
            (false, 0) if crate::logs::read::names_a_program(profile, &node.name) => {
                match only_self_id(&read.lines) {
                    Some(id) => (id, vec![node.name.clone()]),
                    None => (node.name.clone(), named()),
                }
            }
            (false, 0) => (node.name.clone(), named()),
            (false, 1) => {
                let (only, _) = read.nodes.pop_first().unwrap_or_default();
                for l in &mut read.lines {
                    l.node = None;
                }
                let mut also = vec![node.name.clone()];
                also.extend(named());
                (only, also)
            }
            (false, _) => (node.name.clone(), Vec::new()),
            (true, n) => {
                for l in &mut read.lines {
                    l.node = None;
                }
                let also = if n == 1 {
                    read.nodes.keys().cloned().collect()
                } else {
                    Vec::new()
                };
                (node.name.clone(), also)
            }
        };
        let several = read.nodes.len() > 1 && !node.fixed;
        acc.notes.push(format!(
            "read as {} logs with profile {} ({}), {}",
            profile.system,
            profile.name,
            self.plan.why[i],
            if several {
                let names: Vec<&str> = read.nodes.keys().map(String::as_str).collect();
                format!(
                    "the lines of {} nodes, each named by its envelope: {}",
                    names.len(),
                    crate::inert::clip(&names.join(", "))
                )
            } else {
                format!("node {name}")
            }
        ));
        for (chain, n) in &read.envelopes {
            if chain == crate::logs::envelope::Envelope::Prefix.name() {
                acc.notes.push(format!(
                    "{} of its recognised lines were read after a prefix of unknown kind, which gives neither their time nor their node",
                    input::thousands(*n),
                ));
                continue;
            }
            acc.notes.push(format!(
                "{} of its recognised lines came in {chain}; their time and node are taken from it where the line inside has none{}",
                input::thousands(*n),
                match (&node.field, node.fixed) {
                    (_, true) => String::new(),
                    (Some(field), false) => format!(" (node from the field {field})"),
                    (None, false) => String::new(),
                }
            ));
        }
        if !also.is_empty() && !node.fixed {
            acc.notes.push(format!(
                "its envelopes name the node {name}; the file's name, {}, is taken as another name of it",
                node.name
            ));
        }
        let year = self
            .plan
            .year
            .filter(|_| read.year_assumed)
            .map(|y| (y, self.plan.year_from.as_str()));
        if let Some((y, from)) = year {
            acc.notes.push(format!(
                "its timestamps name no year: read in {y}, from {from}; set [logs] year in incident.toml or pass --year if that is wrong"
            ));
            if let Some((leap, line)) = read.leap_day {
                acc.notes.push(format!(
                    "29 February (first at line {line}) is read in {leap}, the latest leap year up to {y}"
                ));
            }
        }
        if read.cut.0 > 0 {
            acc.notes.push(format!(
                "{} of its recognised lines were cut off inside their JSON record (first at line {}): the fields before the cut were read",
                input::thousands(read.cut.0),
                read.cut.1
            ));
        }
        if read.untimed.0 > 0 {
            acc.notes.push(format!(
                "{} of its recognised lines have no time of their own (first at line {}, printed outside the log's layout): each was read at the time of the timed line just above it",
                input::thousands(read.untimed.0),
                read.untimed.1
            ));
        }
        let date = self
            .plan
            .date
            .as_ref()
            .filter(|_| read.date_assumed)
            .map(|(d, from)| (d.format("%Y-%m-%d").to_string(), from.as_str()));
        if let Some((d, from)) = &date {
            acc.notes.push(format!(
                "its timestamps name only the time of day: read from {d}, from {from}, a day later each time the clock passes midnight; set [logs] date in incident.toml or pass --date if that is wrong"
            ));
        }
        let found = read.zone_found.map(|f| {
            (
                f.name(),
                if f.by_order {
                    format!(
                        "the order of its lines: only at that offset does each line without a zone fall between its zoned neighbours (lines {} and {} bound it most tightly)",
                        f.zoned_line.min(f.local_line),
                        f.zoned_line.max(f.local_line)
                    )
                } else if f.zoned_line == f.local_line {
                    format!(
                        "line {}, whose envelope's time without a zone and the zoned time inside it are one moment",
                        f.zoned_line
                    )
                } else {
                    format!(
                        "line {} and line {}, one moment written with its zone and without",
                        f.zoned_line, f.local_line
                    )
                },
            )
        });
        match zone {
            Some((z, from)) if read.zone_assumed => acc.notes.push(format!(
                "times that name no zone are read in {}, from {from}",
                z.name()
            )),
            None if let Some((name, from)) = &found => acc.notes.push(format!(
                "its timestamps name no zone: read in {name}, from {from}; set [logs] timezone in incident.toml or pass --timezone if that is wrong"
            )),
            None if read.zone_assumed => acc.notes.push(
                "its timestamps name no zone: read as UTC; set [logs] timezone in incident.toml or pass --timezone if that is wrong"
                    .to_owned(),
            ),
            _ => {}
        }
        let mut assumed = Profile::assumptions(
            year,
            date.as_ref().map(|(d, from)| (d.as_str(), *from)),
            zone.map(|(z, from)| (z.name(), from.as_str())).or_else(|| {
                found
                    .as_ref()
                    .map(|(name, from)| (name.as_str(), from.as_str()))
            }),
            read.zone_assumed,
        );
        if let (Some((leap, _)), Some(_)) = (read.leap_day, year) {
            assumed.push(format!("29 February in {leap}, a leap year"));
        }
        if read.untimed.0 > 0 {
            assumed.push(format!(
                "the time of the line above, for lines that name none (first at line {})",
                read.untimed.1
            ));
        }
        Ok(Some(LogFile {
            account: i,
            rel: f.rel.clone(),
            node: name,
            also,
            lines: read.lines,
            detector: read.detector,
            system: system::of_profile(&profile.name),
            assumed,
            two_leaders: system::of_profile(&profile.name).and_then(|s| s.two_leaders),
        }))
    }
}

/// The one address or id a file's lines give their writer (one host's, with or without its
/// port: the fullest form), when they give exactly one and no name.
fn only_self_id(lines: &[crate::logs::read::Pending]) -> Option<String> {
    use crate::logs::read::Out;
    let mut found: Option<String> = None;
    for o in lines.iter().flat_map(|p| &p.outs) {
        match o {
            Out::SelfName(_) => return None,
            Out::SelfId(id) if !id.trim().is_empty() => {
                let id = id.trim();
                let host = crate::nodes::host_of(id).unwrap_or(id);
                match &found {
                    None => found = Some(id.to_owned()),
                    Some(f) if f == id => {}
                    Some(f) if crate::nodes::host_of(f).unwrap_or(f) == host => {
                        if id.len() > f.len() {
                            found = Some(id.to_owned());
                        }
                    }
                    Some(_) => return None,
                }
            }
            _ => {}
        }
    }
    found
}
