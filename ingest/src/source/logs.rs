//! Node logs: read with the profile [`crate::logs::LogPlan`] chose for each, several files at a
//! time (one per core). Their lines wait in [`Reading::logs`] until every file is read: the
//! names they carry are resolved, and their times put on the common clock, only then.

use crate::accounting::{FileAccount, SkipReason};
use crate::config::SourceKind;
use crate::error::Error;
use crate::input;
use crate::logs::read::{LogSettings, NAME_IT, read_log};
use crate::logs::{LogFile, LogPlan, Profile};
use crate::progress::Progress;
use crate::source::{Candidate, FileEntry, Reading, Source};
use crate::system;

/// Node log files.
pub(crate) struct Logs;

impl Source for Logs {
    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::Log]
    }

    fn by_name(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        let name = file.name;
        (name.ends_with(".log") || name.contains(".log.") || name.ends_with(".txt"))
            .then_some(SourceKind::Log)
    }

    fn read(&self, files: &[usize], reading: &mut Reading<'_>) -> Result<(), Error> {
        let start: Vec<FileAccount> = files.iter().map(|&i| reading.accounts[i].clone()).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done = std::sync::Mutex::new(Vec::new());
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(files.len())
            .max(1);
        let nodes: Vec<String> = files.iter().map(|&i| reading.node_of(i)).collect();
        let job = LogJob {
            files: reading.files,
            profiles: &reading.profiles,
            plan: &reading.log_plan,
            progress: reading.progress,
        };
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&i) = files.get(k) else { break };
                        let mut acc = start[k].clone();
                        let r = job.read(i, &nodes[k], &mut acc);
                        if let Ok(mut d) = done.lock() {
                            d.push((i, acc, r));
                        }
                    }
                });
            }
        });
        let mut done = done.into_inner().unwrap_or_default();
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

/// What reading one log file needs, shared by the threads.
struct LogJob<'a> {
    files: &'a [FileEntry],
    profiles: &'a [Profile],
    plan: &'a LogPlan,
    progress: &'a dyn Progress,
}

impl LogJob<'_> {
    /// Reads file `i`, the log of `node`, with its profile; without one, its lines are counted
    /// as skipped.
    fn read(&self, i: usize, node: &str, acc: &mut FileAccount) -> Result<Option<LogFile>, Error> {
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
        acc.notes.push(format!(
            "read as {} logs with profile {} ({}), node {node}",
            profile.system, profile.name, self.plan.why[i]
        ));
        if profile.has_year_free_layout()
            && let Some(y) = self.plan.year
        {
            acc.notes.push(format!(
                "its timestamps name no year: read in {y}, from {}; set [logs] year in incident.toml if that is wrong",
                self.plan.year_from
            ));
        }
        let zone = self.plan.zones[i].as_ref();
        match zone {
            Some((z, from)) => acc.notes.push(format!(
                "times that name no zone are read in {}, from {from}",
                z.name()
            )),
            None if profile.has_zone_free_layout() => acc.notes.push(
                "its timestamps name no zone: read as UTC; set [logs] timezone in incident.toml if that is wrong"
                    .to_owned(),
            ),
            None => {}
        }
        let settings = LogSettings {
            profile,
            year: self.plan.year,
            zone: zone.map(|z| z.0),
            detector: system::of_profile(&profile.name).map(|s| (s, f.rel.as_str())),
        };
        let (lines, detector) = read_log(&f.path, &settings, acc, self.progress)?;
        Ok(Some(LogFile {
            account: i,
            rel: f.rel.clone(),
            node: node.to_owned(),
            lines,
            detector,
            assumed: profile.assumptions(
                self.plan.year.map(|y| (y, self.plan.year_from.as_str())),
                zone.map(|(z, from)| (z.name(), from.as_str())),
            ),
        }))
    }
}
