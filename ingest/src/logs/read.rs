//! Reading log files with a profile: sniffing the profile, parsing lines, applying rules.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::accounting::{FileAccount, SkipReason};
use crate::error::Error;
use crate::inert;
use crate::input::{self, Line};
use crate::logs::envelope::{self, Peeler, Said};
use crate::logs::profile::{Direction, Layout, LeaderUpdate, Profile, Rule, WordingMemo};
use crate::model::leading_role;
use crate::model::{Channel, EventKind, LOST_LEADER};
use crate::progress::Progress;
use crate::source::settings::Configured;
use crate::system::{DetectorSettings, System};
use crate::time::{TsError, in_window, read_ts};

/// Lines read from the start of a file to tell its profile.
const SNIFF_LINES: usize = 32;
/// The most bytes sniffing reads from the start of a log file: 64 MiB, enough to read past a
/// few over-long lines to the first lines a profile can parse, and a bound on the time a file
/// without line ends takes to be found unreadable.
const SNIFF_BYTES: u64 = 64 << 20;
/// Share of the sniffed lines a profile's layout must parse to be chosen.
const SNIFF_MIN_SHARE: f64 = 0.5;

/// A log line broken into time, message and fields.
#[derive(Clone)]
struct Parsed {
    ts_ns: i64,
    /// The time named its year (or an envelope around the line gave a dated time).
    dated: bool,
    /// The time named its zone (or came from an envelope's time that named one).
    zoned: bool,
    /// The time named only the time of day: it was read on the clock's date.
    dayless: bool,
    /// The line has no time of its own: it was read at the time of a line above it.
    borrowed: bool,
    /// The layout that read it is the program's own (`names_program`): it names its program.
    own_layout: bool,
    msg: String,
    fields: BTreeMap<String, String>,
}

/// Why a line did not parse under a profile.
enum ParseFail {
    Layout,
    /// Its envelope names a program that is not one of the profile's.
    Program(String),
    Timestamp(String, TsError),
}

fn value_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(a) => a.iter().find_map(value_str),
        Value::Null => None,
        Value::Object(_) => Some(v.to_string()),
    }
}

/// The year of a timestamp, for layouts that leave it out (syslog, klog).
pub(crate) fn year_of(ns: i64) -> i32 {
    use chrono::Datelike;
    chrono::DateTime::from_timestamp_nanos(ns).year()
}

/// The UTC date of an instant.
pub(crate) fn date_of(ns: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_nanos(ns).date_naive()
}

/// Parses a timestamp with a chrono layout (`auto` = RFC 3339 or epoch numbers). Layouts
/// without a year take `year`. A time outside the window rift accepts is refused.
pub(crate) fn parse_with(format: &str, s: &str, clock: Clock) -> Result<i64, TsError> {
    let s = s.trim();
    if format == "auto" {
        return read_auto(s, clock.zone);
    }
    let ns = parse_layout(format, s, clock).ok_or(TsError::Unparseable)?;
    // chrono gives no nanoseconds past 2262 and before 1677; those parse but do not fit.
    in_window(ns.ok_or(TsError::OutsideWindow)?)
}

/// What a time that names no year, no date or no zone is read with: the year and the date
/// (`None`: such a time is refused) and the zone (`None`: UTC).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Clock {
    pub(crate) year: Option<i32>,
    pub(crate) date: Option<chrono::NaiveDate>,
    pub(crate) zone: Option<chrono_tz::Tz>,
}

impl Clock {
    /// A clock with a year, no date and UTC.
    pub(crate) fn year(year: Option<i32>) -> Self {
        Clock {
            year,
            date: None,
            zone: None,
        }
    }

    /// A clock that reads any time, as sniffing does: year 1972 (a leap year, so that 29
    /// February reads too), on its first day.
    pub(crate) fn any() -> Self {
        Clock {
            year: Some(1972),
            date: chrono::NaiveDate::from_ymd_opt(1972, 1, 1),
            zone: None,
        }
    }
}

/// An RFC 3339 time or an epoch number; an RFC 3339 time that names no zone is read in `zone`.
fn read_auto(s: &str, zone: Option<chrono_tz::Tz>) -> Result<i64, TsError> {
    let (ns, unit) = read_ts(s)?;
    match zone {
        Some(zone) if unit.is_none() && !names_zone(s) => {
            in_window(local(ns, zone).ok_or(TsError::OutsideWindow)?)
        }
        _ => Ok(ns),
    }
}

/// A pasted line as its program printed it: full-width forms written as ASCII
/// ([`ascii_forms`]), and HTML's escapes taken back where a page showed the line escaped
/// (`&lt;0.375.0&gt;` in a quote copied from a web archive is Erlang's `<0.375.0>`).
fn pasted_forms(line: &str) -> Cow<'_, str> {
    let escaped = line.contains('&') && ["&lt;", "&gt;", "&quot;"].iter().any(|e| line.contains(e));
    if !escaped {
        return ascii_forms(line);
    }
    let plain = line
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    Cow::Owned(ascii_forms(&plain).into_owned())
}

/// A line with the full-width forms of ASCII characters (`-＞`, `：`, `（`) and the ideographic
/// space written as ASCII: an input method for Chinese, Japanese or Korean types them into a
/// post where the program printed `->`, `:`, `(` and a space.
fn ascii_forms(line: &str) -> Cow<'_, str> {
    let wide = |c: char| ('\u{ff01}'..='\u{ff5e}').contains(&c) || c == '\u{3000}';
    if !line.contains(wide) {
        return Cow::Borrowed(line);
    }
    Cow::Owned(
        line.chars()
            .map(|c| match c {
                '\u{3000}' => ' ',
                c if wide(c) => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                c => c,
            })
            .collect(),
    )
}

/// A time of day alone, perhaps with its offset, where a JSON line's time belongs (a logger set
/// to print no date: `"ts":"06:22:52.217828-0700"`): read on the clock's date, in its offset or
/// else in the clock's zone, with whether it named its zone. `None` when it is no such time;
/// an error when it is one and the clock has no date.
fn time_of_day(s: &str, clock: Clock) -> Option<Result<(i64, bool), TsError>> {
    static TIME_OF_DAY: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"^\d{1,2}:\d\d:\d\d(?:[.,]\d{1,9})?(?P<zone>Z|[+-]\d\d:?\d\d)?$").ok()
    });
    let zoned = TIME_OF_DAY.as_ref()?.captures(s)?.name("zone").is_some();
    let Some(date) = clock.date else {
        return Some(Err(TsError::Unparseable));
    };
    let full = format!("{}T{}", date.format("%Y-%m-%d"), s.replace(',', "."));
    Some(read_auto(&full, clock.zone).map(|ns| (ns, zoned)))
}

/// Whether a time read as `auto` names its zone: an epoch number does, an RFC 3339 time when
/// it carries `Z` or an offset.
fn time_names_zone(s: &str) -> bool {
    let s = s.trim();
    !(s.len() >= 10 && s.as_bytes()[4] == b'-') || names_zone(s)
}

/// Whether a chrono layout reads a zone or an instant (`%z`, `%Z`, `%+`, `%s`).
fn names_zone_spec(format: &str) -> bool {
    ["%z", "%Z", "%:z", "%::z", "%#z", "%+", "%s"]
        .iter()
        .any(|z| format.contains(z))
        || ends_in_utc(format)
}

/// Whether a chrono layout ends in a literal `Z` (Akka.NET's `%m/%d/%Y %H:%M:%S%.fZ`): its times
/// are UTC whatever zone the settings give.
fn ends_in_utc(format: &str) -> bool {
    format.ends_with('Z') && !format.ends_with("%Z")
}

/// Whether an RFC 3339 / ISO 8601 time names its zone (`Z`, `+01:00`, `-0500` after the date).
fn names_zone(s: &str) -> bool {
    s.get(10..)
        .is_some_and(|t| t.contains(['Z', 'z', '+']) || t.contains('-'))
}

/// The instant of a wall-clock time in `zone`, given as if it were UTC (`ns`); the earlier of
/// two when the clock was set back, `None` in the hour a clock skips.
fn local(ns: i64, zone: chrono_tz::Tz) -> Option<i64> {
    use chrono::TimeZone;
    let naive = chrono::DateTime::from_timestamp_nanos(ns).naive_utc();
    zone.from_local_datetime(&naive)
        .earliest()?
        .timestamp_nanos_opt()
}

/// The latest leap year up to `year`: where a time that names 29 February and no year is read.
pub(crate) fn leap_year_up_to(year: i32) -> Option<i32> {
    (year.saturating_sub(8)..=year)
        .rev()
        .find(|&y| chrono::NaiveDate::from_ymd_opt(y, 2, 29).is_some())
}

/// A chrono layout's time: `None` when it does not parse, `Some(None)` when it parses but
/// does not fit in i64 nanoseconds.
fn parse_layout(format: &str, s: &str, clock: Clock) -> Option<Option<i64>> {
    // `%J` at the start: the day of the year counted from 0, as C's `tm_yday` (HAProxy's
    // `[WARNING] 256/135735`, 14 September): read as chrono's `%j`, which counts from 1.
    if let Some(rest) = format.strip_prefix("%J") {
        let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let day: u16 = s[..digits].parse().ok()?;
        let from_one = format!("{:03}{}", day + 1, &s[digits..]);
        return parse_layout(&format!("%j{rest}"), &from_one, clock);
    }
    let has_year = ["%Y", "%y", "%G", "%F", "%+", "%s"]
        .iter()
        .any(|y| format.contains(y));
    let (fmt, text);
    if has_year {
        fmt = format.to_owned();
        text = s.to_owned();
    } else if !names_day(format) {
        fmt = format!("%Y-%m-%d {format}");
        text = format!("{} {s}", clock.date?.format("%Y-%m-%d"));
    } else {
        fmt = format!("%Y {format}");
        let year = clock.year?;
        text = format!("{year} {s}");
        // 29 February names a leap year: the latest one up to the year read in.
        if chrono::NaiveDateTime::parse_from_str(&text, &fmt).is_err()
            && let Some(leap) = leap_year_up_to(year)
            && leap != year
        {
            let retry = format!("{leap} {s}");
            if chrono::NaiveDateTime::parse_from_str(&retry, &fmt).is_ok() {
                return parse_layout(
                    format,
                    s,
                    Clock {
                        year: Some(leap),
                        ..clock
                    },
                );
            }
        }
    }
    if fmt.contains("%z") || fmt.contains("%:z") || fmt.contains("%#z") {
        let t = chrono::DateTime::parse_from_str(&text, &fmt).ok()?;
        return Some(t.timestamp_nanos_opt());
    }
    let t = chrono::NaiveDateTime::parse_from_str(&text, &fmt).ok()?;
    let utc = t.and_utc().timestamp_nanos_opt();
    match (clock.zone, utc) {
        (Some(zone), Some(ns)) if !fmt.contains("%s") && !ends_in_utc(&fmt) => {
            Some(local(ns, zone))
        }
        _ => Some(utc),
    }
}

impl Profile {
    /// Parses a line with the profile's layout. With `own_time`, only with what carries its
    /// own time (a text pattern with `ts`, a JSON line with the time key); without, only with
    /// what does not, the time taken from `env`, the envelopes the line came in.
    fn parse_line(
        &self,
        raw: &str,
        clock: Clock,
        env: Option<&Said>,
        own_time: bool,
    ) -> Result<Parsed, ParseFail> {
        let env_time = || match env {
            Some(Said { ts: Some(ts), .. }) => Ok(*ts),
            Some(Said {
                bad_ts: Some((ts, e)),
                ..
            }) => Err(ParseFail::Timestamp(ts.clone(), *e)),
            _ => Err(ParseFail::Layout),
        };
        // The envelopes gave a time that names its year and zone.
        let env_dated = env.is_some_and(|s| s.ts.is_some() && !s.local_time);
        // The envelopes gave a time that names its year, its zone or not (a full date in front
        // of the line: `2023-04-04 15:54:26 [WARNING]  (8) : …`).
        let env_year = env_dated || env.is_some_and(|s| s.ts.is_some() && s.year_named);
        match &self.layout {
            Layout::Json {
                ts,
                msg,
                level,
                requires,
            } => {
                let Some(map) = envelope::json_object(raw) else {
                    return Err(ParseFail::Layout);
                };
                if requires.iter().any(|k| !map.contains_key(k)) {
                    return Err(ParseFail::Layout);
                }
                let Some(msg) = msg.iter().find(|k| map.contains_key(k.as_str())) else {
                    return Err(ParseFail::Layout);
                };
                let Some(ts) = ts
                    .iter()
                    .find(|k| map.contains_key(k.as_str()))
                    .or(ts.first())
                else {
                    return Err(ParseFail::Layout);
                };
                let Some(msg_v) = map.get(msg).and_then(value_str) else {
                    return Err(ParseFail::Layout);
                };
                // A message that is itself a JSON log line makes this line its envelope.
                if envelope::is_json_line(&msg_v) {
                    return Err(ParseFail::Layout);
                }
                let mut json_dayless = false;
                let ts_ns = match (map.get(ts), own_time) {
                    (Some(ts_v), true) => {
                        let ts_s = match ts_v {
                            // Mongo's {"$date": "…"} and similar wrappers.
                            Value::Object(o) => o.values().find_map(value_str).unwrap_or_default(),
                            other => value_str(other).unwrap_or_default(),
                        };
                        match read_auto(ts_s.trim(), clock.zone) {
                            Ok(ns) => (ns, true, time_names_zone(&ts_s)),
                            Err(e) => match time_of_day(ts_s.trim(), clock) {
                                Some(Ok((ns, zoned))) => {
                                    json_dayless = true;
                                    (ns, false, zoned)
                                }
                                Some(Err(e)) => return Err(ParseFail::Timestamp(ts_s, e)),
                                None => return Err(ParseFail::Timestamp(ts_s, e)),
                            },
                        }
                    }
                    (None, false) => (env_time()?, env_year, env_dated),
                    _ => return Err(ParseFail::Layout),
                };
                let mut fields = BTreeMap::new();
                for (k, v) in &map {
                    if k == msg || Some(k) == level.as_ref() {
                        continue;
                    }
                    if let Some(s) = value_str(v) {
                        fields.insert(k.clone(), s);
                    }
                    // One level of nesting (Mongo's attr, ECS objects) as dotted names.
                    if let Value::Object(inner) = v {
                        for (ik, iv) in inner {
                            if let Some(s) = value_str(iv) {
                                fields.insert(format!("{k}.{ik}"), s);
                            }
                        }
                    }
                }
                Ok(Parsed {
                    ts_ns: ts_ns.0,
                    dated: ts_ns.1,
                    zoned: ts_ns.2,
                    dayless: json_dayless,
                    borrowed: false,
                    own_layout: false,
                    msg: msg_v,
                    fields,
                })
            }
            Layout::Text(patterns) => {
                for p in patterns.iter().filter(|p| p.has_ts == own_time) {
                    let Some(caps) = p.regex.captures(raw) else {
                        continue;
                    };
                    let dayless = own_time && !env_dated && !names_day(&p.ts_format);
                    let (ts_ns, dated, zoned) = if own_time {
                        let ts_s = caps.name("ts").map_or("", |m| m.as_str());
                        let ns = parse_with(&p.ts_format, ts_s, clock)
                            .map_err(|e| ParseFail::Timestamp(ts_s.to_owned(), e))?;
                        let zoned = if p.ts_format == "auto" {
                            time_names_zone(ts_s)
                        } else {
                            names_zone_spec(&p.ts_format)
                        };
                        (ns, names_year(&p.ts_format) || env_dated, zoned)
                    } else {
                        (env_time()?, env_year, env_dated)
                    };
                    let mut fields = BTreeMap::new();
                    for name in p.regex.capture_names().flatten() {
                        if !matches!(name, "ts" | "msg" | "more")
                            && let Some(m) = caps.name(name)
                        {
                            fields.insert(name.to_owned(), m.as_str().to_owned());
                        }
                    }
                    let mut msg = caps.name("msg").map_or("", |m| m.as_str()).to_owned();
                    // What a layout that ends in its logger leaves after it: the lines joined
                    // to the record (an exception and its stack), part of the message.
                    if let Some(more) = caps.name("more").filter(|m| !m.is_empty()) {
                        msg.push(' ');
                        msg.push_str(more.as_str());
                    }
                    return Ok(Parsed {
                        ts_ns,
                        dated,
                        zoned,
                        dayless,
                        borrowed: false,
                        own_layout: p.names_program,
                        msg,
                        fields,
                    });
                }
                Err(ParseFail::Layout)
            }
        }
    }

    /// Whether the profile reads lines the program an envelope names wrote: any program when
    /// the profile names none, and, unless `sniffing`, a line whose envelope names none.
    /// A source file a logfmt line's call site names (`memberlist_logger.go`) speaks for the
    /// profile when it starts with one of its programs, and otherwise counts as no name: a
    /// program embeds many libraries, and the file of one says nothing against the program.
    fn wrote(&self, program: Option<&str>, sniffing: bool) -> bool {
        match program {
            None => !sniffing,
            Some(p) => {
                let p = p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
                self.programs.is_empty() && !sniffing
                    || self.programs.iter().any(|n| p.starts_with(n.as_str()))
                    || (p.ends_with(".go") && !sniffing)
            }
        }
    }

    /// Whether a line read without a time of its own names one of the profile's programs as
    /// its logger (`memberlist: …` in docker's log, `nomad.raft: …`): a library embedded in
    /// another program says who wrote the line where the envelope names the program around it.
    fn names_itself(&self, p: &Parsed) -> bool {
        p.own_layout
            || ["module", "logger"].iter().any(|g| {
                p.fields.get(*g).is_some_and(|v| {
                    let v = v.to_ascii_lowercase();
                    self.programs.iter().any(|n| v.starts_with(n.as_str()))
                })
            })
    }

    /// Parses a line through the envelopes around it: as it is, else at the first depth where
    /// the profile's own layout fits, else the innermost line without a time of its own (when
    /// the envelope says the profile's program wrote it), else after a prefix no envelope
    /// rift knows explains ([`Profile::parse_after_prefix`]). `chain` caches the line's layers.
    fn parse_enveloped<'a>(
        &self,
        raw: &'a str,
        chain: &mut Option<envelope::Layers<'a>>,
        peeler: &Peeler<'_>,
        sniffing: bool,
    ) -> Result<(Parsed, Option<Said>, usize), ParseFail> {
        match self.parse_known(raw, chain, peeler, sniffing) {
            Err(ParseFail::Layout) => self
                .parse_after_prefix(raw, peeler, sniffing)
                .ok_or(ParseFail::Layout),
            r => r,
        }
    }

    /// Reads a line whose start no envelope rift knows explains: a tool's or a paste's own
    /// prefix (`[pod-x] >>> `, `app-7f9c | `, `node1: step 3: `) in front of a line the
    /// profile reads. The line is tried after each of its first few words, shortest prefix
    /// first; what follows must carry a time with its day (from its layout or an envelope
    /// inside), so a prefix never takes a line's date away and leaves its time of day, and a
    /// message-only layout never reads what is left. The prefix names no node: the file does.
    fn parse_after_prefix(
        &self,
        raw: &str,
        peeler: &Peeler<'_>,
        sniffing: bool,
    ) -> Option<(Parsed, Option<Said>, usize)> {
        const MOST_WORDS: usize = 8;
        const LONGEST_PREFIX: usize = 120;
        let t = raw.trim_end();
        let bytes = t.as_bytes();
        let mut cuts = Vec::with_capacity(MOST_WORDS);
        let mut k = 0;
        while k < bytes.len().min(LONGEST_PREFIX) && cuts.len() < MOST_WORDS {
            let sep = bytes[k].is_ascii_whitespace() || bytes[k] == b'|';
            if sep && bytes.get(k + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                cuts.push(k + 1);
            }
            // A bracket glued to the prefix's last word (a viewer's zone before the program's
            // `[pid]`: `… 16:45:15.695 ICT[1] 2021/12/08 …`) starts a line too.
            if bytes.get(k + 1) == Some(&b'[') && bytes[k].is_ascii_alphabetic() {
                cuts.push(k + 1);
            }
            k += 1;
        }
        for cut in cuts {
            let rest = &t[cut..];
            let starts = rest.as_bytes()[0];
            if !(starts.is_ascii_alphanumeric() || matches!(starts, b'[' | b'{' | b'<')) {
                continue;
            }
            match self.parse_known(rest, &mut None, peeler, sniffing) {
                Ok((p, said, depth)) if !p.dayless && !p.borrowed => {
                    let mut said = said.unwrap_or_default();
                    said.layers.insert(0, envelope::Envelope::Prefix);
                    return Some((p, Some(said), depth + 1));
                }
                _ => {}
            }
        }
        None
    }

    /// [`Profile::parse_enveloped`] through the envelopes rift knows only.
    fn parse_known<'a>(
        &self,
        raw: &'a str,
        chain: &mut Option<envelope::Layers<'a>>,
        peeler: &Peeler<'_>,
        sniffing: bool,
    ) -> Result<(Parsed, Option<Said>, usize), ParseFail> {
        match self.parse_line(raw, peeler.clock, None, true) {
            Err(ParseFail::Layout) => {}
            // A layout may fit a collector's record or line itself (journald's `MESSAGE` and
            // `__REALTIME_TIMESTAMP`, keepalived's whole syslog line): it reads it unless the
            // envelope names a program that is not the profile's, and the envelope's node is the
            // line's.
            Ok(p) if !self.programs.is_empty() => match envelope::peel(raw, peeler) {
                Some(layer)
                    if layer.kind.is_collectors()
                        && (layer.node.is_some() || layer.program.is_some()) =>
                {
                    if let Some(program) = layer.program.as_deref()
                        && !self.wrote(Some(program), false)
                    {
                        return Err(ParseFail::Program(program.to_owned()));
                    }
                    let mut said = Said::default();
                    said.absorb(&layer);
                    return Ok((p, Some(said), 0));
                }
                _ => return Ok((p, None, 0)),
            },
            r => return r.map(|p| (p, None, 0)),
        }
        let layers = chain.get_or_insert_with(|| envelope::Layers::new(raw));
        let mut depth = 1;
        while layers.reach(depth, peeler) {
            let (text, said) = &layers.at[depth];
            let clock = Clock {
                year: said.ts.map(year_of).or(peeler.clock.year),
                date: said.ts.map(date_of).or(peeler.clock.date),
                ..peeler.clock
            };
            match self.parse_line(text, clock, Some(said), true) {
                Err(ParseFail::Layout) => depth += 1,
                r => return r.map(|p| (finer(p, said), Some(said.clone()), depth)),
            }
        }
        let deepest = layers.at.len();
        let refused = match layers.innermost(peeler) {
            (text, said) if !said.layers.is_empty() => {
                let by_envelope = self.wrote(said.program.as_deref(), sniffing);
                match self.parse_line(text, peeler.clock, Some(said), false) {
                    Ok(p) if by_envelope || self.names_itself(&p) => {
                        return Ok((p, Some(said.clone()), deepest));
                    }
                    Err(e) if by_envelope => return Err(e),
                    _ => said
                        .program
                        .clone()
                        .map_or(ParseFail::Layout, ParseFail::Program),
                }
            }
            _ => return Err(ParseFail::Layout),
        };
        // The program's own header may sit above the innermost line, where a layer read it as
        // a console's prefix (`[WARNING]  (8) : …` when all of a file's lines are warnings):
        // the outermost depth it fits at names the program.
        if !matches!(&self.layout, Layout::Text(ps) if ps.iter().any(|p| p.names_program)) {
            return Err(refused);
        }
        (1..deepest)
            .find_map(|depth| {
                let (text, said) = &layers.at[depth];
                self.parse_line(text, peeler.clock, Some(said), false)
                    .ok()
                    .filter(|p| p.own_layout)
                    .map(|p| (p, Some(said.clone()), depth))
            })
            .ok_or(refused)
    }

    /// True when `raw` starts a record of the profile's own: a JSON object, or a text layout
    /// with a time of its own (a message-only layout fits any line).
    fn starts_record(&self, raw: &str) -> bool {
        match &self.layout {
            Layout::Json { .. } => raw.trim_start().starts_with('{'),
            Layout::Text(patterns) => patterns.iter().any(|p| p.has_ts && p.regex.is_match(raw)),
        }
    }

    /// True when its lines are text (not one JSON record per line).
    pub(crate) fn is_text(&self) -> bool {
        matches!(self.layout, Layout::Text(_))
    }

    /// True when `raw` fits the profile's layout (cheaply for JSON: an object on one line).
    fn fits_layout(&self, raw: &str) -> bool {
        match &self.layout {
            Layout::Json { .. } => {
                let t = raw.trim();
                t.starts_with('{') && t.ends_with('}')
            }
            Layout::Text(patterns) => patterns.iter().any(|p| p.regex.is_match(raw)),
        }
    }

    /// What reading a file's times assumed, in words: the year they were read in (and where it
    /// came from) when some named none, and the zone when some named none (`zone`: the one
    /// settings gave, and where; else UTC).
    pub(crate) fn assumptions(
        year: Option<(i32, &str)>,
        date: Option<(&str, &str)>,
        zone: Option<(&str, &str)>,
        zone_assumed: bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((y, from)) = year {
            out.push(format!("year {y}, from {from}: the timestamps name none"));
        }
        if let Some((d, from)) = date {
            out.push(format!(
                "date {d}, from {from}: the timestamps name only the time of day"
            ));
        }
        match zone {
            Some((name, from)) if zone_assumed => {
                out.push(format!(
                    "zone {name}, from {from}, where the timestamps name none"
                ));
            }
            None if zone_assumed => {
                out.push("zone UTC: the timestamps name none".to_owned());
            }
            _ => {}
        }
        out
    }

    /// Whether a text layout reads only the time of day: its lines need a date.
    pub(crate) fn has_date_free_layout(&self) -> bool {
        match &self.layout {
            Layout::Json { .. } => false,
            Layout::Text(p) => p.iter().any(|p| p.has_ts && !names_day(&p.ts_format)),
        }
    }

    pub(crate) fn has_year_free_layout(&self) -> bool {
        match &self.layout {
            Layout::Json { .. } => false,
            Layout::Text(p) => p
                .iter()
                .any(|p| p.has_ts && !names_year(&p.ts_format) && names_day(&p.ts_format)),
        }
    }
}

/// Whether times read with a layout (`auto` or chrono) name their day (a time of day alone does
/// not: logback's default `HH:mm:ss.SSS`).
fn names_day(format: &str) -> bool {
    format == "auto"
        || [
            "%d", "%e", "%j", "%J", "%F", "%D", "%x", "%c", "%+", "%s", "%v",
        ]
        .iter()
        .any(|d| format.contains(d))
}

/// Whether times read with a layout (`auto` or chrono) name their year.
fn names_year(format: &str) -> bool {
    format == "auto"
        || ["%Y", "%y", "%G", "%F", "%+", "%s"]
            .iter()
            .any(|y| format.contains(y))
}

/// The result of sniffing a file.
#[derive(Clone, Debug)]
pub(crate) struct Sniffed {
    /// Index of the chosen profile, if any fits.
    pub(crate) profile: Option<usize>,
    /// The share of the sniffed lines that count (all but continuations) the chosen profile
    /// parsed.
    pub(crate) share: f64,
    /// The lines that counted and the lines sniffed: a line no profile's layout fits that came
    /// in an envelope or indented (a continuation) does not count.
    pub(crate) votes: (usize, usize),
    /// A year seen in a fully dated timestamp of the file.
    pub(crate) year: Option<i32>,
    /// The date of the first fully dated timestamp of the file.
    pub(crate) date: Option<chrono::NaiveDate>,
    /// A year a year-less line prints in its text, in a date on the line's own month and day
    /// (`… is NotReady as of 2019-06-17 13:01:21 …`), with that date.
    pub(crate) year_in_text: Option<(i32, String)>,
    /// Why no profile was chosen, when none was: the reason its lines are skipped, and what
    /// the closest profile made of them.
    pub(crate) why_none: Option<(SkipReason, String)>,
    /// The envelopes most of the lines the chosen profile read came in, in words, when they
    /// came in any.
    pub(crate) wrapped: Option<String>,
    /// Some line came in an envelope whose time names neither year nor zone (syslog's
    /// `Mar  5 10:11:12`).
    pub(crate) local_time: bool,
    /// Some line the chosen profile read named only the time of day, whatever its layout
    /// (a JSON logger set to print no date).
    pub(crate) dayless: bool,
    /// The width a terminal may have cut the file's lines at: the length of its longest first
    /// line, in characters, when that filled a terminal (80 or more).
    pub(crate) width: Option<usize>,
}

/// What to do about a log no profile was chosen for.
pub(crate) const NAME_IT: &str = "name its profile in incident.toml ([[source]] path = …, profile = …) or with --log-profile; `rift profiles` lists them";

/// How well one profile read a file's first lines.
#[derive(Clone, Debug, Default)]
struct Fit {
    /// Lines whose layout it matched, times read or not.
    layout: usize,
    /// Lines it read whole, times included.
    parsed: usize,
    /// The first time it could not read, and why.
    bad_time: Option<(String, TsError)>,
    /// The lines it read inside envelopes, and what the envelopes said.
    wrapped: Vec<(usize, Said)>,
    /// Some line it read named only the time of day (a JSON line's `"ts":"06:22:52-0700"`).
    dayless: bool,
}

/// Why no profile fits a file, from how the closest one fared on `lines` lines: its lines fit
/// but their times cannot be read, or its layout fits too few of them, or none fits at all.
fn why_none(profiles: &[Profile], fits: &[Fit], lines: usize) -> (SkipReason, String) {
    let closest = fits
        .iter()
        .enumerate()
        .max_by_key(|(i, f)| (f.layout, std::cmp::Reverse(*i)));
    let Some((i, fit)) = closest.filter(|(_, f)| f.layout > 0) else {
        return (
            SkipReason::NoProfile,
            format!("no profile's layout fits any of its first lines; {NAME_IT}"),
        );
    };
    let share = |n: usize| 100.0 * n as f64 / lines.max(1) as f64;
    let name = &profiles[i].name;
    match &fit.bad_time {
        Some((ts, e)) if share(fit.layout) >= SNIFF_MIN_SHARE * 100.0 => (
            SkipReason::UnreadableTimes,
            format!(
                "profile {name} fits {:.0}% of the first lines, and reads no time of '{}' ({}): a profile of your own with the right ts_format reads them (--profiles, `rift profiles` shows the built-in ones)",
                share(fit.layout),
                crate::inert::clip(ts),
                SkipReason::from(*e)
            ),
        ),
        _ => (
            SkipReason::NoProfile,
            format!(
                "the closest profile, {name}, fits {:.0}% of its first lines (at least {:.0}% is needed); {NAME_IT}",
                share(fit.layout),
                SNIFF_MIN_SHARE * 100.0
            ),
        ),
    }
}

/// A line's own time, or its envelope's where the envelope's says the same more exactly: a
/// zoned envelope time (docker's, in ns) within the second after a zone-less line time is the
/// same moment, so the line's zone and date are the envelope's, and a line time that stops at
/// the second (Go's standard logger inside logrus) takes the envelope's fraction. The line's
/// clock may be local where the envelope's names its offset (logrus `time="…T08:37:34-04:00"`
/// around a library's `2022/05/02 08:37:34`): an envelope time that many whole quarter hours
/// (at most 14 h, the widest offset) and less than a second from the line's is the same moment
/// too, and the line's time is moved by that offset.
fn finer(mut p: Parsed, said: &Said) -> Parsed {
    const SECOND: i64 = 1_000_000_000;
    const QUARTER_HOUR: i64 = 900 * SECOND;
    const WIDEST_OFFSET: i64 = 14 * 3600 * SECOND;
    // A line time without a year was read in the year of the full date in front of it.
    p.dated |= said.year_named && said.ts.is_some();
    if let Some(outer) = said.ts
        && !p.zoned
        && !said.local_time
    {
        // The whole number of quarter hours nearest the gap: an envelope's time cut to the
        // millisecond or the second may be a little earlier than the line's own.
        let gap = outer - p.ts_ns;
        let offset = (gap + QUARTER_HOUR / 2).div_euclid(QUARTER_HOUR) * QUARTER_HOUR;
        if (gap - offset).abs() < SECOND && offset.abs() <= WIDEST_OFFSET {
            p.ts_ns = if p.ts_ns % SECOND == 0 {
                outer
            } else {
                p.ts_ns + offset
            };
            p.dated = true;
            p.zoned = true;
        }
    } else if let Some(outer) = said.ts
        && said.local_time
        && !p.zoned
    {
        // Both clocks local and year-less: a line that counts the day of the year (HAProxy's
        // `324/090334`) is a day off the month and day in front of it (syslog's `Nov 20`) when
        // the year taken for both is a leap year and the log's was not, or the reverse. The
        // month and day name the date; the line keeps its own time of day.
        const DAY: i64 = 86_400 * SECOND;
        let gap = outer - p.ts_ns;
        if (gap.abs() - DAY).abs() < SECOND {
            p.ts_ns += gap.signum() * DAY;
        }
    }
    p
}

/// Tells a log file's profile from its first lines: the profile whose layout parses the largest
/// share (at least half) of them; ties go to the profile with more rule hits, then to the
/// earlier profile.
pub(crate) fn sniff(path: &Path, profiles: &[Profile]) -> Result<Sniffed, Error> {
    // A bounded prefix, read through without holding more than a line: a long first line is
    // read past (not held) to reach the lines after it.
    let r = std::io::Read::take(
        input::open(path, &crate::progress::NoProgress)?,
        SNIFF_BYTES,
    );
    let mut reader = input::Lines::new(std::io::BufReader::new(r));
    let mut lines = Vec::new();
    while let Some(line) = reader.next_line().map_err(|e| Error::io(path, e))? {
        let Line::Text(line) = line else { continue };
        let text = pasted_forms(&String::from_utf8_lossy(line)).into_owned();
        if text.trim().is_empty() || journal_note(&text) || elision(&text) {
            continue;
        }
        lines.push(text);
        if lines.len() >= SNIFF_LINES {
            break;
        }
    }
    let peeler = Peeler {
        clock: Clock::any(),
        node_field: None,
    };
    // Lines that continue the record above them (cut at the terminal's width, a record printed
    // over several lines) are joined to it before the profiles are tried.
    let width = terminal_width(lines.iter().map(String::as_str));
    let (lines, joined) = {
        let starts =
            |s: &str| starts_a_record(s, &|x| profiles.iter().any(|p| p.starts_record(x)), &peeler);
        let mut joiner = Joiner::new(width);
        let (mut records, mut joined) = (Vec::with_capacity(lines.len()), 0u64);
        for (k, l) in lines.iter().enumerate() {
            if let Some((_, text, j)) = joiner.push(k as u64, l.as_bytes(), &starts) {
                joined += j.lines;
                records.push(String::from_utf8_lossy(&text).into_owned());
            }
        }
        if let Some((_, text, j)) = joiner.take() {
            joined += j.lines;
            records.push(String::from_utf8_lossy(&text).into_owned());
        }
        (records, usize::try_from(joined).unwrap_or(usize::MAX))
    };
    // (profile, share, rule hits, layers peeled to read its lines)
    let mut best: Option<(usize, f64, usize, usize)> = None;
    let mut year = None;
    let mut date = None;
    let mut year_in_text = None;
    let mut cands = Vec::new();
    let mut fits = vec![Fit::default(); profiles.len()];
    let mut chains: Vec<Option<envelope::Layers<'_>>> = vec![None; lines.len()];
    let mut wrapped_by: Vec<Option<Said>> = vec![None; lines.len()];
    // Lines some profile's layout fits are the votes. A line none fits counts against them,
    // unless it came in an envelope or indented: then what collected the log wrote it among the
    // others (a continuation of the record above it, a stack frame, the program's other output)
    // and it casts no vote. Prose around a pasted line counts against it.
    let mut voted = vec![false; lines.len()];
    let mut tally = Vec::with_capacity(profiles.len());
    for (i, p) in profiles.iter().enumerate() {
        let (mut hits, mut peeled) = (0usize, 0usize);
        let fit = &mut fits[i];
        for (k, l) in lines.iter().enumerate() {
            match p.parse_enveloped(l, &mut chains[k], &peeler, true) {
                Ok((x, said, depth)) => {
                    peeled += depth;
                    fit.layout += 1;
                    fit.parsed += 1;
                    voted[k] = true;
                    fit.dayless |= x.dayless;
                    if x.dated && year.is_none() {
                        year = Some(year_of(x.ts_ns));
                        date = Some(date_of(x.ts_ns));
                    }
                    if !x.dated && year_in_text.is_none() {
                        // The line itself, else one printed beside it: another logger of the
                        // same program writing full dates into the same journal (k3s's logrus
                        // lines among its klog ones).
                        let near =
                            k.saturating_sub(DATE_REACH)..(k + DATE_REACH + 1).min(lines.len());
                        year_in_text = std::iter::once(k)
                            .chain(near.filter(|&j| j != k))
                            .find_map(|j| date_on_the_day(&lines[j], x.ts_ns));
                    }
                    // A hit is a line one of its rules reads, not one that merely holds a
                    // rule's literal (`passing` is in every line of a check's status).
                    p.candidates(l, &mut cands);
                    let mut x = x;
                    hits += usize::from(cands.iter().any(|&r| rule_matches(&p.rules[r], &mut x)));
                    if let Some(said) = said {
                        fit.wrapped.push((k, said));
                    }
                }
                Err(ParseFail::Timestamp(ts, e)) => {
                    fit.layout += 1;
                    voted[k] = true;
                    fit.bad_time.get_or_insert((ts, e));
                }
                Err(ParseFail::Layout | ParseFail::Program(_)) => {}
            }
        }
        tally.push((hits, peeled));
    }
    // The layers sniffing already took off a line say whether it came in an envelope.
    // The first line casts no vote against them either: a paste or a `tail -c` may have cut
    // it at its start. Nor do the lines above the first line a layout fits: a program's
    // start-up banner on its standard output (CockroachDB's `CockroachDB node starting at …`
    // block, a warning box), or a heading, before the log proper.
    let preamble = voted.iter().position(|&v| v).unwrap_or(0);
    let mut votes = 0;
    for (k, ((v, chain), l)) in voted.iter().zip(chains.iter_mut()).zip(&lines).enumerate() {
        let layers = chain.get_or_insert_with(|| envelope::Layers::new(l));
        if *v || (k > preamble && !layers.reach(1, &peeler)) {
            votes += 1;
        }
    }
    for (i, &(hits, peeled)) in tally.iter().enumerate() {
        if votes == 0 {
            break;
        }
        let share = fits[i].parsed as f64 / votes as f64;
        if share < SNIFF_MIN_SHARE {
            continue;
        }
        // Ties go to more rule hits, then to the profile that reads the lines with fewer
        // envelopes taken off (the one that knows the record itself).
        let better = match best {
            None => true,
            Some((_, s, h, d)) => {
                share > s + 1e-9
                    || ((share - s).abs() < 1e-9 && (hits > h || (hits == h && peeled < d)))
            }
        };
        if better {
            best = Some((i, share, hits, peeled));
        }
    }
    if let Some((i, ..)) = best {
        for (k, said) in std::mem::take(&mut fits[i].wrapped) {
            wrapped_by[k] = Some(said);
        }
    }
    let local_time = chains
        .iter()
        .flatten()
        .any(|c| c.at.last().is_some_and(|(_, s)| s.local_time));
    let mut chains_seen: BTreeMap<String, usize> = BTreeMap::new();
    for said in wrapped_by.iter().flatten() {
        *chains_seen.entry(said.chain()).or_default() += 1;
    }
    Ok(Sniffed {
        width,
        profile: best.map(|b| b.0),
        share: best.map_or(0.0, |b| b.1),
        votes: (votes, lines.len() + joined),
        year,
        date,
        year_in_text,
        why_none: best
            .is_none()
            .then(|| why_none(profiles, &fits, lines.len())),
        wrapped: chains_seen
            .into_iter()
            .max_by_key(|(c, n)| (*n, std::cmp::Reverse(c.clone())))
            .map(|(c, _)| c),
        local_time,
        dayless: best.is_some_and(|b| fits[b.0].dayless),
    })
}

/// How many lines either side of a year-less line a full date of the same day and hour may be
/// printed on to give it its year.
const DATE_REACH: usize = 3;

/// A full date `line` prints (`2019-06-17 13:01:21`, `2019/06/17 13:01`) on the month and day of
/// its own year-less time `ts_ns`, within the same hour: its year, and the date as printed.
fn date_on_the_day(line: &str, ts_ns: i64) -> Option<(i32, String)> {
    use chrono::{Datelike, Timelike};
    // Numeric (`2021-11-10 03:52`), C's asctime and date(1) (`Wed Nov 10 03:52:47 [UTC] 2021`),
    // and day-month-year (`10 Nov 2021 03:52`, RFC 1123's `Wed, 10 Nov 2021 03:52:47 GMT`).
    const MON: &str = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    static DATES: LazyLock<Vec<(Regex, [usize; 4])>> = LazyLock::new(|| {
        [
            (
                r"\b((?:19|20)\d\d)[-/](\d\d)[-/](\d\d)[ T](\d\d):\d\d".to_owned(),
                [1, 2, 3, 4],
            ),
            (
                format!(
                    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) {MON} +(\d\d?) (\d\d):\d\d:\d\d(?: [A-Z]{{2,5}})? ((?:19|20)\d\d)\b"
                ),
                [4, 1, 2, 3],
            ),
            (
                format!(r"\b(\d\d?) {MON} ((?:19|20)\d\d) (\d\d):\d\d"),
                [3, 2, 1, 4],
            ),
        ]
        .into_iter()
        .filter_map(|(re, at)| Some((Regex::new(&re).ok()?, at)))
        .collect()
    });
    let own = chrono::DateTime::from_timestamp_nanos(ts_ns);
    DATES.iter().find_map(|(re, [y, m, d, h])| {
        re.captures_iter(line).find_map(|c| {
            let text = |i: usize| c.get(i).map_or("", |m| m.as_str());
            let num = |i: usize| text(i).parse::<u32>().ok();
            let month = num(*m).or_else(|| {
                let names = MON.trim_matches(['(', ')']).split('|');
                let named = names.zip(1u32..).find(|(n, _)| *n == text(*m))?;
                Some(named.1)
            })?;
            let same = month == own.month() && num(*d)? == own.day() && num(*h)? == own.hour();
            let year = i32::try_from(num(*y)?).ok()?;
            same.then(|| (year, text(0).to_owned()))
        })
    })
}

/// Gives the lines about a node's unnamed leader (`@leader` before any line named one) the
/// leader a later line names as the one it had all along ([`Out::Standing`]), unless the node
/// was reconfigured in between (then the leader it had is not the one it names) or the line
/// came later than its program retries (then the excerpt may have left such a change out).
fn name_standing_leaders(lines: &mut [Pending]) {
    let mut waiting: BTreeMap<Option<String>, Vec<(usize, usize, i64)>> = BTreeMap::new();
    for i in 0..lines.len() {
        let node = lines[i].node.clone();
        for j in 0..lines[i].outs.len() {
            match &lines[i].outs[j] {
                Out::Reconfigured(..) => {
                    waiting.remove(&node);
                }
                Out::Standing {
                    name,
                    ts_ns,
                    within,
                } => {
                    let (name, since) = (name.clone(), ts_ns - within);
                    let named = waiting.remove(&node).unwrap_or_default();
                    for (a, b, _) in named.into_iter().filter(|w| w.2 >= since) {
                        match &mut lines[a].outs[b] {
                            Out::Obs { peer, .. } => peer.clone_from(&name),
                            Out::Event { peer, .. } => *peer = Some(name.clone()),
                            _ => {}
                        }
                    }
                }
                Out::Obs { peer, ts_ns, .. } if peer == CLUSTER_LEADER => {
                    waiting
                        .entry(node.clone())
                        .or_default()
                        .push((i, j, *ts_ns));
                }
                Out::Event {
                    peer: Some(peer),
                    ts_ns,
                    ..
                } if peer == CLUSTER_LEADER => {
                    waiting
                        .entry(node.clone())
                        .or_default()
                        .push((i, j, *ts_ns));
                }
                _ => {}
            }
        }
    }
}

/// What one recognised line produced, before node names are resolved.
#[derive(Clone, Debug)]
pub(crate) enum Out {
    /// Delivery evidence between the logging node and a peer.
    Obs {
        ts_ns: i64,
        peer: String,
        dir: Direction,
        ok: bool,
        channel: Channel,
        /// The failure lasts until the node logs the peer up again ([`hold`]).
        holds: bool,
    },
    /// An event of the logging node (or, with `about_peer`, of its peer).
    Event {
        ts_ns: i64,
        kind: EventKind,
        peer: Option<String>,
        term: Option<u64>,
        detail: String,
        /// The line names `peer` the leader of `term` (`leader = "set"`).
        elected: bool,
        /// The event is about the peer, seen by the logging node (`subject = "peer"`): a
        /// health check of the peer that the logging node ran or recorded.
        about_peer: bool,
        /// The peer is named only when another line ties the name to a node (`peer_tied`).
        peer_tied: bool,
    },
    /// Names of one node (e.g. a member id and its peer URL), the one to name it by first.
    Alias(Vec<String>),
    /// The logging node's own id.
    SelfId(String),
    /// The logging node's own name, as it announced it.
    SelfName(String),
    /// The logging node was told to change whom it connects to on a channel, at a time
    /// ([`Rule::reconfigures`]).
    Reconfigured(Channel, i64),
    /// The leader the node followed since it was last reconfigured, named at a time, for its
    /// lines about its unnamed leader up to `within` nanoseconds before ([`Rule::standing`]).
    Standing {
        name: String,
        ts_ns: i64,
        within: i64,
    },
}

/// How a line says one of its writer's names ([`Out::SelfName`] or [`Out::SelfId`]).
type Names = fn(String) -> Out;

/// One recognised line and what it produced.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub(crate) line: u64,
    /// The node the line's envelope names, when it names one.
    pub(crate) node: Option<String>,
    pub(crate) outs: Vec<Out>,
}

/// Settings for reading one log file.
pub(crate) struct LogSettings<'a> {
    pub(crate) profile: &'a Profile,
    pub(crate) year: Option<i32>,
    /// The date of times that name only the time of day (`None`: such a time is refused).
    pub(crate) date: Option<chrono::NaiveDate>,
    /// The zone of times that name none (`None`: UTC).
    pub(crate) zone: Option<chrono_tz::Tz>,
    /// The system the profile reads, when its file names a line that gives the detector's
    /// settings, and the file's path relative to the folder (for the line's origin).
    pub(crate) detector: Option<(&'a System, &'a str)>,
    /// The field of envelopes that names a line's node, when settings name one.
    pub(crate) node_field: Option<&'a str>,
    /// Sniffing found the file's lines in envelopes: a line no rule reads is counted as not
    /// recognised without being unwrapped.
    pub(crate) wrapped: bool,
    /// Join lines that continue the record above them (the first lines held some that fit no
    /// layout and came in no envelope).
    pub(crate) join: bool,
    /// The width a terminal may have cut the file's lines at (`Sniffed::width`).
    pub(crate) width: Option<usize>,
    /// The detector's settings the export's configuration files set, and the node the file
    /// belongs to (for lines its envelopes do not name another).
    pub(crate) configured: Option<(&'a Configured, &'a str)>,
}

/// What reading one log file found.
pub(crate) struct LogRead {
    /// The recognised lines.
    pub(crate) lines: Vec<Pending>,
    /// The detector settings a line gave.
    pub(crate) detector: Option<DetectorSettings>,
    /// How many recognised lines came in each chain of envelopes, in words.
    pub(crate) envelopes: BTreeMap<String, u64>,
    /// The nodes the envelopes named, with how many recognised lines each.
    pub(crate) nodes: BTreeMap<String, u64>,
    /// Some recognised line's time named no year (it was read in the export's year).
    pub(crate) year_assumed: bool,
    /// The first recognised line that named 29 February and no year, with the leap year it
    /// was read in instead of the export's.
    pub(crate) leap_day: Option<(i32, u64)>,
    /// Some recognised line's time named only the time of day (it was read on the export's
    /// date, and on the days after it as the clock passed midnight).
    pub(crate) date_assumed: bool,
    /// Recognised lines cut off inside their JSON record (read up to the cut), and the first.
    pub(crate) cut: (u64, u64),
    /// Recognised lines with no time of their own, read at the time of a timed line just above
    /// them, and the first.
    pub(crate) untimed: (u64, u64),
    /// Some recognised line's time named no zone (it was read in the settings' zone, or UTC).
    pub(crate) zone_assumed: bool,
    /// The zone its own lines showed for those times, when they did (no zone set).
    pub(crate) zone_found: Option<ZoneFound>,
}

fn field<'a>(p: &'a Parsed, name: &str) -> Option<&'a str> {
    if name == "msg" {
        return Some(p.msg.as_str());
    }
    p.fields.get(name).map(String::as_str)
}

fn rule_matches(rule: &Rule, p: &mut Parsed) -> bool {
    p.msg.contains(&rule.msg) && captures_match(rule, p)
}

/// Whether the rule's regex and conditions hold on a line (its literal aside), adding the regex's
/// captures to the line's fields.
fn captures_match(rule: &Rule, p: &mut Parsed) -> bool {
    if let Some(re) = &rule.regex {
        let Some(caps) = re.captures(&p.msg) else {
            return false;
        };
        let found: Vec<(String, String)> = re
            .capture_names()
            .flatten()
            .filter_map(|n| caps.name(n).map(|m| (n.to_owned(), m.as_str().to_owned())))
            .collect();
        p.fields.extend(found);
    }
    rule.when
        .iter()
        .all(|(k, re)| field(p, k).is_some_and(|v| re.is_match(v)))
        && !rule
            .unless
            .iter()
            .any(|(k, re)| field(p, k).is_some_and(|v| re.is_match(v)))
}

/// A time of day near a line's start: the line is a record of its own (another program's log
/// line, say), whatever layout it has, never the continuation of the one above.
static OWN_TIME: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^.{0,48}?\d\d:\d\d:\d\d").ok());

/// A time of day at a line's very start, behind at most a level word and a date (`WARNING:
/// 2024/03/05 10:11:12 …`): another program's log line, not a message printed without a time.
/// A time further in is the message's own content (`node starting at 2017-12-03 10:02:13`).
static LEADING_TIME: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^.{0,24}?\d\d:\d\d:\d\d").ok());

/// A full date and time at the start of a line the profile's layout does not fit: another
/// logger writing to the same file (an application's cluster listener, `2017-07-27
/// 04:15:38,624 [73] WARN  Status - No leader found!`).
static OWN_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^\s*\[?(?P<ts>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?: ?(?:Z|[+-]\d\d:?\d\d))?)\]?\s+(?P<msg>\S.*)$",
    )
    .ok()
});

/// A logrus line (`time="2024-12-12T00:35:43Z" level=error msg="…" error="…"`) among another
/// logger's, perhaps behind its program's name (k3s's journal): the full date and time in its
/// `time` field, then the rest of its fields.
static LOGFMT_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"^(?:[\w.-]+(?:\[\d+\])?: )?time="(?P<ts>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)"\s+(?P<msg>\S.*)$"#,
    )
    .ok()
});

/// A line outside the profile's layout that says something in words any system uses, read at
/// the full date and time it starts with ([`OWN_DATE`]) or its logrus `time` field
/// ([`LOGFMT_DATE`]); `None` without one.
fn dated_by_itself(raw: &str, clock: Clock) -> Option<Parsed> {
    let c = OWN_DATE
        .as_ref()?
        .captures(raw)
        .or_else(|| LOGFMT_DATE.as_ref()?.captures(raw))?;
    let ts = &c["ts"];
    let ts_ns = read_auto(&ts.replacen(',', ".", 1), clock.zone).ok()?;
    Some(Parsed {
        ts_ns,
        dated: true,
        zoned: time_names_zone(ts),
        dayless: false,
        borrowed: false,
        own_layout: false,
        msg: c["msg"].trim_end().to_owned(),
        fields: BTreeMap::new(),
    })
}

/// A frame of a stack trace printed under the record that threw (`\tat java.net.Socket.connect(
/// Socket.java:589)`, `\t... 12 more`): indented, but not an envelope around a line of its own.
static STACK_FRAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^\s+(?:at [\w$.<>/-]+\(.*\)|\.\.\. \d+ (?:more|common frames omitted))\s*$").ok()
});

/// Whether `line` starts a record: `fits` (a profile's own layout) says so, or it comes in an
/// envelope, or it has a time of day near its start, or it is a header `tail` printed.
/// Indentation (or a quote mark) is no envelope of its own here: a paste indented as a whole
/// indents its records and their continuations alike, so the line inside decides.
fn starts_a_record(line: &str, fits: &dyn Fn(&str) -> bool, peeler: &Peeler<'_>) -> bool {
    let own = fits(line);
    if !own && STACK_FRAME.as_ref().is_some_and(|r| r.is_match(line)) {
        return false;
    }
    own || OWN_TIME.as_ref().is_some_and(|r| r.is_match(line))
        || tail_header(line).is_some()
        || journal_note(line)
        || match envelope::peel(line, peeler) {
            Some(layer) if layer.kind == envelope::Envelope::Indent => {
                layer.inner.len() < line.len() && starts_a_record(&layer.inner, fits, peeler)
            }
            Some(_) => true,
            None => false,
        }
}

/// What the envelopes of a file's read lines said: the chains of layers (counted by the layers
/// themselves; put in words once, at the end) and the nodes they named.
#[derive(Default)]
struct Seen {
    layers: BTreeMap<Vec<envelope::Envelope>, u64>,
    nodes: BTreeMap<String, u64>,
}

impl Seen {
    /// Counts what `said` says of one read line; returns the node it names.
    fn count(&mut self, said: Option<&Said>) -> Option<String> {
        let said = said?;
        if !said.layers.is_empty() {
            *self.layers.entry(said.layers.clone()).or_default() += 1;
        }
        let node = said.node().map(str::to_owned)?;
        *self.nodes.entry(node.clone()).or_default() += 1;
        Some(node)
    }
}

/// The lines joined to a record: how many, and the first of them.
#[derive(Clone, Copy, Debug, Default)]
struct Joined {
    lines: u64,
    first: u64,
}

impl Joined {
    /// Counts line `no` joined to the record.
    fn add(&mut self, no: u64) {
        if self.lines == 0 {
            self.first = no;
        }
        self.lines += 1;
    }

    /// Whether a line of `more` bytes may still join a record of `held` bytes.
    fn room(&self, held: usize, more: usize) -> bool {
        self.lines < MAX_JOINED_LINES && held + more < MAX_RECORD_BYTES
    }
}

/// The header of a further line of one CockroachDB entry (crdb-v2): the entry's own header up to
/// its counter, then `+` (`W230904 21:07:55.528823 7561 grpc/component.go:41 ⋮ [-] 974 +…`).
static CRDB_CONTINUED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^([IWEF]\d{6} \d\d:\d\d:\d\d\.\d{6} \d+ \S+ (?:⋮ )?\[[^\]]*\] \d+ )\+").ok()
});

/// The time (to the microsecond or finer) and stream a container runtime puts in front of each
/// line it stores: a CRI file's `2024-11-15T16:08:35.082401449+08:00 stderr F `, or `kubectl logs
/// --timestamps`' `2024-11-15T08:08:35.082401449Z `.
static SAME_WRITE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6,9}(?:Z|[+-]\d\d:\d\d) (?:(?:stdout|stderr) [FP] )?",
    )
    .ok()
});

/// The line a Java logger prints under a message logged with an exception, before its
/// (indented) stack frames: `java.net.ConnectException: Connection refused`, `Caused by: …`,
/// `EndOfStreamException: …` (a class named without its package), and the base classes with
/// their package (`java.lang.Exception: shutdown Follower`, which ZooKeeper logs to show where a
/// shutdown was called from). It belongs to the record above it, whose error it states.
static JAVA_EXCEPTION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?:Caused by: )?(?:(?:[a-z][\w$]*\.)+(?:[A-Z][\w$]*)?|[A-Z][\w$]*)(?:Exception|Error)(?::|$)",
    )
    .ok()
});

/// The header of a report of Erlang's error_logger, which RabbitMQ up to 3.6 (and other Erlang
/// programs of its time) logs with: `=INFO REPORT==== 28-Mar-2017::13:47:51 ===` on a line of its
/// own, the report's lines under it, a blank line after them.
static ERLANG_REPORT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^=[A-Z]+(?: [A-Z]+)? REPORT==== \d{1,2}-[A-Z][a-z]{2}-\d{4}::\d\d:\d\d:\d\d(?:\.\d+)? ===\s*$")
        .ok()
});

/// The most lines joined to one record, and the most bytes it grows to: a file of continuations
/// is read as lines, not as one record.
const MAX_JOINED_LINES: u64 = 200;
const MAX_RECORD_BYTES: usize = 64 << 10;

/// The width a terminal may have cut `lines` at: the longest of them, in characters, when it
/// filled a terminal and at least two lines are that long. A terminal cuts every longer line at
/// its width, so the pieces of cut lines are all exactly as long as the longest line; a line
/// shorter than that ended where it was written, and one line alone at the longest length is
/// just the longest line.
fn terminal_width<'a>(lines: impl Iterator<Item = &'a str>) -> Option<usize> {
    let (mut width, mut n) = (0, 0);
    for w in lines.map(|l| l.chars().count()) {
        match w.cmp(&width) {
            std::cmp::Ordering::Greater => (width, n) = (w, 1),
            std::cmp::Ordering::Equal => n += 1,
            std::cmp::Ordering::Less => {}
        }
    }
    (width >= 80 && n >= 2).then_some(width)
}

/// Joins physical lines into records: a line that does not start a record and is either a piece
/// of a line cut at the terminal's width (joined as it was) or indented (joined after a space)
/// is appended to the record held.
struct Joiner {
    /// The held record: its first line, its text, the length of its last piece in characters,
    /// its joins.
    held: Option<(u64, Vec<u8>, usize, Joined)>,
    /// The header of the Erlang report whose lines follow ([`ERLANG_REPORT`]): each of them is a
    /// record of its own with the header in front, which gives it its time and level.
    report: Option<Vec<u8>>,
    /// The width a terminal cut the lines at, if it did.
    width: Option<usize>,
}

impl Joiner {
    fn new(width: Option<usize>) -> Self {
        Joiner {
            held: None,
            report: None,
            width,
        }
    }

    /// Takes line `no`. A continuation joins the held record; a start hands the held record
    /// back and is held itself.
    fn push(
        &mut self,
        no: u64,
        bytes: &[u8],
        starts: &dyn Fn(&str) -> bool,
    ) -> Option<(u64, Vec<u8>, Joined)> {
        let text = std::str::from_utf8(bytes).ok();
        if let Some(t) = text {
            if ERLANG_REPORT.as_ref().is_some_and(|r| r.is_match(t)) {
                self.report = Some(t.trim_end().as_bytes().to_vec());
            } else if t.trim().is_empty() {
                self.report = None;
            } else if let Some(header) = &self.report
                && !OWN_TIME.as_ref().is_some_and(|r| r.is_match(t))
            {
                // Up to the blank line, every line is the report's: one with a time of its own
                // is another program's.
                let mut record = header.clone();
                record.push(b' ');
                record.extend_from_slice(t.trim().as_bytes());
                let mut joined = Joined::default();
                // The header held alone is read as part of its first line.
                let out = match self.held.take() {
                    Some((first, text, _, _)) if text == *header => {
                        joined.add(first);
                        None
                    }
                    held => held.map(|(first, text, _, j)| (first, text, j)),
                };
                self.held = Some((no, record, 0, joined));
                return out;
            }
        }
        // A piece of a line cut at the terminal's width: the line before it is as long as the
        // longest line (the width) and was cut mid-word. Otherwise only an indented line
        // continues a record; prose after a record is a line of its own.
        let width = self.width;
        // Counted only when there is a width to compare it with.
        let chars = match (width, text) {
            (Some(_), Some(t)) => t.chars().count(),
            _ => 0,
        };
        let cut = |held: &[u8], last: usize| {
            Some(last) == width
                && held.last().is_some_and(|b| !b.is_ascii_whitespace())
                && bytes.first().is_some_and(|b| !b.is_ascii_whitespace())
        };
        // One write of several lines that a container runtime stamped line by line with the
        // same time (a CRI file's `… stderr F`, `kubectl logs --timestamps`): a line with the
        // held record's very prefix whose text starts no record of its own continues it.
        let same_write = match (&self.held, text) {
            (Some((_, held, _, joined)), Some(t)) => SAME_WRITE
                .as_ref()
                .and_then(|r| r.find(t))
                .filter(|m| {
                    held.starts_with(m.as_str().as_bytes()) && joined.room(held.len(), bytes.len())
                })
                .map(|m| &t[m.end()..])
                .filter(|inner| !inner.trim().is_empty() && !starts(inner.trim_start())),
            _ => None,
        };
        // CockroachDB's multi-line entry (crdb-v2): each further line repeats the entry's header
        // and counter, then `+` where the first line had a space.
        let same_write = same_write.or_else(|| match (&self.held, text) {
            (Some((_, held, _, joined)), Some(t)) => CRDB_CONTINUED
                .as_ref()
                .and_then(|r| r.captures(t))
                .and_then(|c| c.get(1))
                .filter(|m| {
                    held.starts_with(m.as_str().as_bytes()) && joined.room(held.len(), bytes.len())
                })
                .map(|m| &t[m.end() + 1..])
                .filter(|inner| !inner.trim().is_empty()),
            _ => None,
        });
        if let Some(inner) = same_write
            && let Some((_, held, last, joined)) = &mut self.held
        {
            held.push(b' ');
            held.extend_from_slice(inner.trim().as_bytes());
            *last = 0;
            joined.add(no);
            return None;
        }
        let continues = match (&self.held, text) {
            (Some((_, held, last, joined)), Some(t)) => {
                // A JSON record is whole on its line.
                held.first() != Some(&b'{')
                    && !t.trim().is_empty()
                    && joined.room(held.len(), bytes.len())
                    && (cut(held, *last)
                        || t.starts_with(char::is_whitespace)
                        || JAVA_EXCEPTION.as_ref().is_some_and(|r| r.is_match(t)))
                    && !starts(t)
            }
            _ => false,
        };
        if continues && let Some((_, held, last, joined)) = &mut self.held {
            if cut(held, *last) {
                held.extend_from_slice(bytes);
            } else {
                held.push(b' ');
                held.extend_from_slice(bytes.trim_ascii_start());
            }
            *last = chars;
            joined.add(no);
            return None;
        }
        let out = self.take();
        self.held = Some((no, bytes.to_vec(), chars, Joined::default()));
        out
    }

    /// The held record, if any.
    fn take(&mut self) -> Option<(u64, Vec<u8>, Joined)> {
        self.held
            .take()
            .map(|(no, text, _, joined)| (no, text, joined))
    }
}

/// Whether `line` is journalctl's own, not a journal entry: its range and boot markers
/// (`-- Logs begin at … --`, `-- Boot 0b3c… --`, `-- Reboot --`, `-- No entries --`) and, with
/// `-x`, the catalog's explanation of an entry (`-- Subject: …`, `-- Defined-By: systemd`, and
/// its text, each line starting `-- `).
/// Whether `line` stands for lines a poster left out (`...`, `…`, `[...]`, `<snip>`): it says
/// nothing, and casts no vote on the file's format.
fn elision(line: &str) -> bool {
    let t = line.trim();
    // The longest is `[truncated]`: a longer line is none.
    if t.len() > 16 {
        return false;
    }
    let t = t
        .strip_prefix(['[', '(', '<'])
        .and_then(|t| t.strip_suffix([']', ')', '>']))
        .unwrap_or(t)
        .trim();
    (t.len() >= 3 && t.bytes().all(|b| b == b'.'))
        || (!t.is_empty() && t.chars().all(|c| c == '…'))
        || ["snip", "snipped", "truncated", "cut"]
            .iter()
            .any(|w| t.eq_ignore_ascii_case(w))
}

fn journal_note(line: &str) -> bool {
    let t = line.trim();
    t == "--" || t.starts_with("-- ")
}

/// The header `tail` (and `head`) print over each file's lines when given several:
/// `==> /var/log/redis/sentinel.log <==`. Returns the path.
fn tail_header(line: &str) -> Option<&str> {
    line.trim_end()
        .strip_prefix("==> ")?
        .strip_suffix(" <==")
        .filter(|p| !p.trim().is_empty())
}

/// Whether a role a node takes is the one it campaigns in (raft's candidate and pre-candidate,
/// ZooKeeper's looking): taking it goes on with the election under way.
fn campaigning(role: &str) -> bool {
    let role = role.to_ascii_lowercase();
    role.contains("candidate") || role == "looking"
}

/// The name a heading gives, when `line` underlines it (`-----` or `=====`, as Markdown sets a
/// heading) and the line just above, `above`, is one bare name (`node1`, `rabbit@node2:`), not a
/// word that titles a paste.
fn underlined(line: &str, above: Option<&(u64, String)>, line_no: u64) -> Option<String> {
    let rule = line.trim();
    if rule.len() < 3 || !(rule.bytes().all(|b| b == b'-') || rule.bytes().all(|b| b == b'=')) {
        return None;
    }
    let (no, text) = above?;
    if *no + 1 != line_no {
        return None;
    }
    let name = text.trim().trim_end_matches(':');
    let bare = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._@:-".contains(&b));
    let title = [
        "log",
        "logs",
        "output",
        "error",
        "errors",
        "stdout",
        "stderr",
        "console",
        "trace",
        "details",
        "update",
        "edit",
        "config",
        "configuration",
        "version",
        "result",
        "results",
    ]
    .contains(&name.to_ascii_lowercase().as_str());
    (bare && !title).then(|| name.to_owned())
}

/// What a paste is saved as when the one who saved it did not say whose it is: `paste.log`,
/// `nohup.out`, a `cluster.log` or `node.log` holding what one member wrote.
const PASTE_NAMES: &[&str] = &[
    "paste",
    "nohup",
    "cluster",
    "node",
    "app",
    "application",
    "service",
    "combined",
];

/// Whether a log file's name `stem` names a program rather than a node: one of the names the
/// profile's daemons log under (`redis-server`), the end of one (`sentinel` of `redis-sentinel`),
/// a system log's generic name, or what a paste is saved as.
pub(crate) fn names_a_program(profile: &Profile, stem: &str) -> bool {
    let stem = stem.to_ascii_lowercase();
    super::GENERIC_LOG_NAMES.contains(&stem.as_str())
        || super::PROGRAM_LOG_NAMES.contains(&stem.as_str())
        || PASTE_NAMES.contains(&stem.as_str())
        || profile.programs.iter().any(|p| {
            let p = p.to_ascii_lowercase();
            p == stem
                || p.strip_suffix(stem.as_str())
                    .is_some_and(|h| h.ends_with(['-', '_']))
        })
}

/// How far above a line with no time of its own the timed line it is read at may be: the lines
/// a program prints around an exception (`Exception … encountered during startup`, the head of
/// the trace, `Caused by: …`), not a screenful.
const BORROW_REACH: usize = 4;

/// The last records read, for the lines that have no time of their own.
#[derive(Default)]
struct Recent {
    /// (line number, text), oldest first; the newest is the line being read.
    lines: std::collections::VecDeque<(u64, String)>,
}

impl Recent {
    fn remember(&mut self, no: u64, raw: &str) {
        let mut text = if self.lines.len() > BORROW_REACH {
            self.lines.pop_front().map(|(_, t)| t).unwrap_or_default()
        } else {
            String::new()
        };
        text.clear();
        text.push_str(raw);
        self.lines.push_back((no, text));
    }

    /// The line `raw`, which the profile's layout does not fit, which came in no envelope (but
    /// quote marks, indentation or colours, as the lines around it) and which has no time of
    /// day of its own, read as a message at the time of the nearest line above it that has one.
    /// Only in a file of one node: a timed line above it whose envelope names a node (a file of
    /// several nodes' lines) does not say who wrote this one.
    fn borrowed(&self, raw: &str, profile: &Profile, peeler: &Peeler<'_>) -> Option<Parsed> {
        let mut layers = envelope::Layers::new(raw);
        let (text, said) = layers.innermost(peeler);
        let plain = said
            .layers
            .iter()
            .all(|k| matches!(k, envelope::Envelope::Indent | envelope::Envelope::Colours));
        if !plain {
            return None;
        }
        // A line with a time of day of its own is another program's log line (a library's
        // logger writing to the same stream): its time is not the line above's.
        if LEADING_TIME.as_ref().is_some_and(|r| r.is_match(text)) {
            return None;
        }
        let (mut time, said) = self
            .lines
            .iter()
            .rev()
            .skip(1)
            .find_map(|(_, l)| profile.parse_enveloped(l, &mut None, peeler, false).ok())
            .map(|(p, said, _)| (p, said))?;
        if said.is_some_and(|s| s.node().is_some()) {
            return None;
        }
        time.borrowed = true;
        time.msg = text.trim().to_owned();
        time.fields.clear();
        Some(time)
    }
}

/// Whether a name an operator masked names no one: `**Dead server**` (a redaction set in bold)
/// or `****` alone. A name masked in part (`****host:4053`, `10.**.**.7`) still tells one host
/// from another within the paste, and names it.
fn redaction_only(name: &str) -> bool {
    let host = match name.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => name,
    };
    host.contains('*')
        && ((host.starts_with("**") && host.ends_with("**"))
            || !host.bytes().any(|b| b.is_ascii_alphanumeric()))
}

/// The rule a matched line was read by: the profile's own, then the wording rules numbered after
/// them.
fn rule_at<'a>(
    rule: usize,
    profile: &'a Profile,
    wording: Option<&'a super::profile::Wording>,
) -> Option<&'a Rule> {
    match rule.checked_sub(profile.rules.len()) {
        Some(k) => wording.and_then(|w| w.rules.get(k)),
        None => profile.rules.get(rule),
    }
}

/// A process: the node its lines' envelope names, if any, and its process id.
type Process = (Option<String>, String);

/// The role a line gives the process that wrote it ([`Profile::process_roles`]), or, as an
/// event, the change found from such lines (a role change, or a restart: a new process id).
struct RoleMark {
    line: u64,
    ts_ns: i64,
    process: Process,
    role: String,
    kind: EventKind,
}

/// Where a process's role changed: the first line of the instant after which its role is no
/// longer the one it held after the instant before. A role a process takes and leaves within one
/// instant (a Redis replica told to follow another master forgets its master for a moment, and
/// writes those lines as `M`) is no change. An instant with a line a rule reads as a role
/// change says it itself.
struct RoleFlips {
    flips: std::iter::Peekable<std::vec::IntoIter<RoleMark>>,
}

impl RoleFlips {
    fn new(
        mut marks: Vec<RoleMark>,
        pids: Vec<RoleMark>,
        matched: &[(u64, Parsed, usize, Option<String>)],
        profile: &Profile,
        wording: Option<&super::profile::Wording>,
    ) -> Self {
        // The role changes rules read, with the role where the line names one (`slave` is
        // `replica`).
        let said: Vec<(i64, Option<String>)> = matched
            .iter()
            .filter_map(|(_, parsed, rule, _)| {
                let rule = rule_at(*rule, profile, wording)?;
                (rule.event == Some(EventKind::RoleChange)
                    || rule.also.contains(&EventKind::RoleChange))
                .then(|| {
                    let role = rule
                        .role
                        .as_deref()
                        .and_then(|r| field(parsed, r))
                        .or(rule.role_is.as_deref())
                        .map(|r| match r.to_ascii_lowercase().as_str() {
                            "slave" => "replica".to_owned(),
                            r => r.to_owned(),
                        });
                    (parsed.ts_ns, role)
                })
            })
            .collect();
        // A rule said the change: at the instant, or, naming the role, since the process last
        // wrote in its old one.
        let told = |since: i64, ts: i64, role: &str| {
            said.iter()
                .any(|(t, r)| *t == ts || (since <= *t && *t <= ts && r.as_deref() == Some(role)))
        };
        marks.sort_by(|a, b| (&a.process, a.ts_ns, a.line).cmp(&(&b.process, b.ts_ns, b.line)));
        let mut flips = Vec::new();
        // The process, its role after its last instant, and when that was.
        let mut held: Option<(&Process, String, i64)> = None;
        let mut i = 0;
        while i < marks.len() {
            let first = &marks[i];
            let mut j = i;
            while j + 1 < marks.len()
                && marks[j + 1].process == first.process
                && marks[j + 1].ts_ns == first.ts_ns
            {
                j += 1;
            }
            let after = marks[j].role.clone();
            let (before, since) = match &held {
                Some((p, r, t)) if **p == first.process => (Some(r.clone()), *t),
                _ => (None, first.ts_ns),
            };
            if before.is_some_and(|b| b != after) {
                // The line after the instant's last one in another role, else its first.
                let at = marks[i..=j]
                    .iter()
                    .rposition(|m| m.role != after)
                    .map_or(i, |k| i + k + 1);
                let m = &marks[at];
                if !told(since, m.ts_ns, &after) {
                    flips.push(RoleMark {
                        line: m.line,
                        ts_ns: m.ts_ns,
                        process: m.process.clone(),
                        role: after.clone(),
                        kind: EventKind::RoleChange,
                    });
                }
            }
            held = Some((&marks[i].process, after, first.ts_ns));
            i = j + 1;
        }
        flips.extend(restarts(pids, matched, profile, wording));
        flips.sort_by_key(|m| (m.ts_ns, m.line));
        RoleFlips {
            flips: flips.into_iter().peekable(),
        }
    }

    /// The changes before `(ts_ns, line)`, in time order, as lines of their own: lines no rule
    /// read, counted as not recognised until now.
    fn before(
        &mut self,
        ts_ns: i64,
        line: u64,
        out: &mut Vec<Pending>,
        selves: &mut Vec<Option<String>>,
        account: &mut FileAccount,
    ) {
        while let Some(m) = self.flips.next_if(|m| (m.ts_ns, m.line) < (ts_ns, line)) {
            account.unskip(SkipReason::NotRecognised);
            out.push(Pending {
                line: m.line,
                node: m.process.0.clone(),
                outs: vec![m.event()],
            });
            selves.push(None);
        }
    }

    /// The change at `line`, a line a rule reads, if the next one is there.
    fn at(&mut self, line: u64) -> Option<Out> {
        self.flips.next_if(|m| m.line == line).map(|m| m.event())
    }
}

/// Where a node's process was replaced: a process id that takes over from another for good (the
/// old one never writes again) is a restart at the new one's first line, unless a line between
/// the old one's last and the new one's first says the node stopped or started. Process ids whose
/// lines interleave (a master and its workers, a server and its forked children, two programs)
/// are processes side by side, not a restart.
fn restarts(
    mut pids: Vec<RoleMark>,
    matched: &[(u64, Parsed, usize, Option<String>)],
    profile: &Profile,
    wording: Option<&super::profile::Wording>,
) -> Vec<RoleMark> {
    let life: Vec<i64> = matched
        .iter()
        .filter(|(_, _, rule, _)| {
            rule_at(*rule, profile, wording)
                .and_then(|r| r.event)
                .is_some_and(super::life_cycle)
        })
        .map(|(_, parsed, ..)| parsed.ts_ns)
        .collect();
    pids.sort_by(|a, b| (&a.process.0, a.ts_ns, a.line).cmp(&(&b.process.0, b.ts_ns, b.line)));
    let mut found = Vec::new();
    for node in pids.chunk_by(|a, b| a.process.0 == b.process.0) {
        // Each process id's first and last line, in the order they first wrote.
        let mut spans: Vec<(&RoleMark, &RoleMark)> = Vec::new();
        for m in node {
            match spans.iter_mut().find(|(f, _)| f.process.1 == m.process.1) {
                Some((_, last)) => *last = m,
                None => spans.push((m, m)),
            }
        }
        for w in spans.windows(2) {
            let ((_, old_last), (new_first, _)) = (w[0], w[1]);
            let apart = spans.iter().all(|(f, l)| {
                (l.ts_ns, l.line) < (new_first.ts_ns, new_first.line) || f.ts_ns >= new_first.ts_ns
            });
            let said = life
                .iter()
                .any(|t| old_last.ts_ns <= *t && *t <= new_first.ts_ns);
            if apart && (old_last.ts_ns, old_last.line) < (new_first.ts_ns, new_first.line) && !said
            {
                found.push(RoleMark {
                    line: new_first.line,
                    ts_ns: new_first.ts_ns,
                    process: new_first.process.clone(),
                    role: format!(
                        "a new process id from here on: {} (before: {})",
                        new_first.process.1, old_last.process.1
                    ),
                    kind: EventKind::Restart,
                });
            }
        }
    }
    found
}

impl RoleMark {
    fn event(&self) -> Out {
        Out::Event {
            ts_ns: self.ts_ns,
            kind: self.kind,
            peer: None,
            term: None,
            detail: self.role.clone(),
            elected: false,
            about_peer: false,
            peer_tied: false,
        }
    }
}

/// Reads one log file with its profile. Returns the recognised lines; the account counts every
/// other line as not recognised, malformed, blank or with a bad timestamp.
pub(crate) fn read_log(
    path: &Path,
    settings: &LogSettings<'_>,
    account: &mut FileAccount,
    progress: &dyn Progress,
) -> Result<LogRead, Error> {
    let profile = settings.profile;
    // A built-in that does not compile is caught by the tests; a line is then read by its
    // profile's rules alone.
    let wording = super::profile::wording_shared().as_ref().ok();
    let mut memo = WordingMemo::new(profile);
    let mut detector = None;
    let mut r = input::Lines::new(input::open(path, progress)?);
    let mut line_no = 0u64;
    // Lines a rule reads: (line, parsed, rule).
    let mut matched = Vec::new();
    // Lines a rule read that their program also wrote as it exited (`[exit]`).
    let mut exited = std::collections::BTreeSet::new();
    let mut cands = Vec::new();
    // Lines whose envelope's zone-less time and the zoned time inside are one moment: the
    // envelope's clock, as far from UTC as the two differ (`None` inside once two disagree).
    let mut witness: Option<Option<(u64, i64)>> = None;
    let mut witnessed = 0u32;
    // The common case, counted here and added to the account once.
    let mut unread = (0u64, 0u64, String::new());
    let clock = Clock {
        year: settings.year,
        date: settings.date,
        zone: settings.zone,
    };
    let peeler = Peeler {
        clock,
        node_field: settings.node_field,
    };
    let mut seen = Seen::default();
    let (mut year_assumed, mut zone_assumed, mut date_assumed) = (false, false, false);
    let mut leap_day: Option<(i32, u64)> = None;
    let mut cut = (0u64, 0u64);
    // Recognised lines with no time of their own, read at the time of the line above; the first.
    let mut untimed = (0u64, 0u64);
    let mut recent = Recent::default();
    // The node of the file named by the last header `tail` printed over its lines.
    let mut section: Option<String> = None;
    // The section's header came inside the lines' envelope, and so names their node before it.
    let mut section_inner = false;
    // Times of day alone: the days the clock has passed midnight since the date, and the last
    // such time read.
    let (mut days_on, mut last_dayless): (i64, Option<i64>) = (0, None);
    // systemd's lines about the system's unit (starts and stops).
    let mut units = Vec::new();
    // The role each line gives the process that wrote it (`process_roles`), recognised or not.
    let mut roles: Vec<RoleMark> = Vec::new();
    // The process id of each line, where a new one is a restart (`pid_restarts`).
    let mut pids: Vec<RoleMark> = Vec::new();
    let has_roles = !profile.process_roles.is_empty() || profile.pid_restarts;
    {
        // One record: a line, or (joining) a line with its continuations joined to it.
        let mut one = |line_no: u64, line: Line<'_>, joined: Joined| {
            account.rows_read += 1 + joined.lines;
            if joined.lines > 0 {
                account.skip_n(SkipReason::Continuation, joined.lines, joined.first, || {
                    format!("joined to line {line_no}")
                });
            }
            let Line::Text(bytes) = line else {
                account.skip(SkipReason::TooLong, line_no, String::new);
                return;
            };
            let raw = match std::str::from_utf8(bytes) {
                Ok(s) => pasted_forms(s),
                Err(_) => {
                    account.skip(SkipReason::InvalidUtf8, line_no, String::new);
                    return;
                }
            };
            let raw: &str = &raw;
            if raw.trim().is_empty() {
                account.skip(SkipReason::Blank, line_no, String::new);
                return;
            }
            if elision(raw) {
                account.skip(SkipReason::Comment, line_no, || {
                    "an elision: whoever pasted the log left lines out here".into()
                });
                return;
            }
            if journal_note(raw) {
                account.skip(SkipReason::Comment, line_no, || {
                    "journalctl's own line (a range or boot marker, or with -x the catalog's \
                     explanation of the entry above)"
                        .into()
                });
                return;
            }
            // A header inside an envelope (`svc-1  | ==> /var/log/redis-6.log <==`: tail run in a
            // container) names the node more closely than the envelope does.
            let inner_header = || -> Option<String> {
                if !settings.wrapped || !raw.contains("==> ") {
                    return None;
                }
                let mut layers = envelope::Layers::new(raw);
                let (text, _) = layers.innermost(&peeler);
                tail_header(text).map(str::to_owned)
            };
            let header = tail_header(raw)
                .map(|p| (p.to_owned(), false))
                .or_else(|| inner_header().map(|p| (p, true)));
            if let Some((path, inner)) = header {
                let path = path.as_str();
                let node = super::node_of_file(path);
                // `==> /var/log/redis/sentinel.log <==`: one host's program logs, followed
                // together; the file's own name, not the program's, names the node.
                let program = names_a_program(profile, &node);
                section = (!program).then_some(node);
                section_inner = inner && section.is_some();
                account.skip(SkipReason::Comment, line_no, || {
                    format!(
                        "a header tail printed: the lines below it are from {}{}",
                        excerpt(path),
                        if program {
                            " (a program's log, on the host the file is named after)"
                        } else {
                            ""
                        }
                    )
                });
                return;
            }
            // `node1` over `-----`: a paste of several nodes' lines, each under its node's name
            // set as a heading.
            if let Some(name) = underlined(raw, recent.lines.back(), line_no) {
                let program = names_a_program(profile, &name);
                account.skip(SkipReason::Comment, line_no, || {
                    format!(
                        "a heading's underline: the lines below it are from {}{}",
                        excerpt(&name),
                        if program {
                            " (a program's name: not taken as a node)"
                        } else {
                            ""
                        }
                    )
                });
                section = (!program).then_some(name);
                section_inner = false;
                return;
            }
            recent.remember(line_no, raw);
            if detector.is_none()
                && let Some((system, rel)) = settings.detector
                && let Some(line) = &system.settings
            {
                detector = line.read(system, raw, rel, line_no);
            }
            profile.candidates(raw, &mut cands);
            // A line no literal of its profile picks may still say something in words any
            // system uses.
            let worded = profile.wording
                && wording.is_some_and(|w| match memo.as_mut() {
                    Some(m) => m.says(w, raw),
                    None => w.says(raw),
                });
            let exit = profile.exit_rule(raw);
            if cands.is_empty() && exit.is_none() {
                if settings.wrapped
                    && let Some((said, kind, detail)) = super::units::read(raw, profile, &peeler)
                    && let Some(ts_ns) = said.ts
                {
                    let node = seen.count(Some(&said));
                    year_assumed |= said.local_time;
                    zone_assumed |= said.local_time;
                    units.push(Pending {
                        line: line_no,
                        node,
                        outs: vec![Out::Event {
                            ts_ns,
                            kind,
                            peer: None,
                            term: None,
                            detail,
                            elected: false,
                            about_peer: false,
                            peer_tied: false,
                        }],
                    });
                    return;
                }
                if worded || (has_roles && (settings.wrapped || profile.fits_layout(raw))) {
                    // Parsed below, and read by its wording if it says something; a line
                    // that names its process's role, for that role.
                } else if settings.wrapped || profile.fits_layout(raw) {
                    // The first lines in an envelope with a clock of its own say how far it
                    // is from the zoned time inside, if they have one.
                    // Each line tried counts, whether or not it had both clocks: a file
                    // whose envelope keeps a zoned clock is not parsed line by line for them.
                    if settings.wrapped
                        && settings.zone.is_none()
                        && witnessed < MOST_WITNESSES
                        && !matches!(witness, Some(None))
                    {
                        witnessed += 1;
                        if let Ok((parsed, said, _)) =
                            profile.parse_enveloped(raw, &mut None, &peeler, false)
                            && let Some(offset) = envelope_offset(&parsed, said.as_ref())
                        {
                            witness = weigh_witness(witness, line_no, offset);
                        }
                    }
                    if unread.0 == 0 {
                        unread = (0, line_no, excerpt(raw));
                    }
                    unread.0 += 1;
                    return;
                } else {
                    account.skip(SkipReason::Malformed, line_no, || excerpt(raw));
                    return;
                }
            }
            let (mut parsed, said, _) = match profile
                .parse_enveloped(raw, &mut None, &peeler, false)
            {
                Ok(p) => p,
                Err(ParseFail::Layout) => {
                    // A line with no time of its own among timed ones: the program's other
                    // output (an exception printed to stderr, a fatal message) or the head of
                    // a stack trace. It happened when the timed line just above it was written.
                    match recent.borrowed(raw, profile, &peeler) {
                        Some(p) => (p, None, 0),
                        None => {
                            match worded.then(|| dated_by_itself(raw, peeler.clock)).flatten() {
                                Some(p) => (p, None, 0),
                                None => {
                                    account.skip(SkipReason::Malformed, line_no, || excerpt(raw));
                                    return;
                                }
                            }
                        }
                    }
                }
                Err(ParseFail::Program(program)) => {
                    account.skip(SkipReason::NotRecognised, line_no, || {
                        format!(
                            "its envelope says {} wrote it, not one of the programs of profile {} ({})",
                            excerpt(&program),
                            profile.name,
                            profile.programs.join(", ")
                        )
                    });
                    return;
                }
                Err(ParseFail::Timestamp(ts, e)) => {
                    let ts = excerpt(&ts);
                    account.skip(SkipReason::from(e), line_no, || {
                        if e == TsError::Unparseable
                            && settings.date.is_none()
                            && profile.has_date_free_layout()
                        {
                            format!(
                                "'{ts}' names only the time of day and no other file of the export dates it: set [logs] date in incident.toml or pass --date"
                            )
                        } else if e == TsError::Unparseable
                            && settings.year.is_none()
                            && (profile.has_year_free_layout()
                                || ts.starts_with(|c: char| c.is_ascii_alphabetic()))
                        {
                            format!(
                                "'{ts}' has no year and no other file of the export gives one: set [logs] year in incident.toml or pass --year"
                            )
                        } else {
                            format!("'{ts}'")
                        }
                    });
                    return;
                }
            };
            if settings.zone.is_none()
                && let Some(offset) = envelope_offset(&parsed, said.as_ref())
            {
                witness = weigh_witness(witness, line_no, offset);
            }
            if parsed.dayless {
                // A time of day more than half a day before the last one has passed midnight.
                const DAY: i64 = 86_400_000_000_000;
                let mut ts = parsed.ts_ns + days_on * DAY;
                if last_dayless.is_some_and(|last| ts < last - DAY / 2) {
                    days_on += 1;
                    ts += DAY;
                }
                last_dayless = Some(ts);
                parsed.ts_ns = ts;
            }
            if let (Some(pid), Some(role)) = (
                parsed.fields.get("pid"),
                parsed
                    .fields
                    .get("role")
                    .and_then(|r| profile.process_roles.get(r)),
            ) {
                roles.push(RoleMark {
                    line: line_no,
                    ts_ns: parsed.ts_ns,
                    process: (
                        said.as_ref().and_then(|s| s.node()).map(str::to_owned),
                        pid.clone(),
                    ),
                    role: role.clone(),
                    kind: EventKind::RoleChange,
                });
            }
            // With process roles, only the lines of the process those roles are of (a Redis
            // server's, not a sentinel's or a forked child's beside it).
            if profile.pid_restarts
                && let Some(pid) = parsed.fields.get("pid")
                && (profile.process_roles.is_empty()
                    || parsed
                        .fields
                        .get("role")
                        .is_some_and(|r| profile.process_roles.contains_key(r)))
            {
                pids.push(RoleMark {
                    line: line_no,
                    ts_ns: parsed.ts_ns,
                    process: (
                        said.as_ref().and_then(|s| s.node()).map(str::to_owned),
                        pid.clone(),
                    ),
                    role: String::new(),
                    kind: EventKind::Restart,
                });
            }
            // A line of the program's own that ends it is read as its exit, whatever else it
            // says, when no rule of the profile reads it.
            let own = cands
                .iter()
                .copied()
                .find(|&r| rule_matches(&profile.rules[r], &mut parsed))
                .or(exit);
            // The wording rules, numbered after the profile's own.
            let by_words = || {
                let w = wording.filter(|_| worded)?;
                w.candidates(&parsed.msg, &mut cands);
                let k = cands
                    .iter()
                    .copied()
                    .find(|&k| captures_match(&w.rules[k], &mut parsed))?;
                Some(profile.rules.len() + k)
            };
            let Some(rule) = own.or_else(by_words) else {
                account.skip(SkipReason::NotRecognised, line_no, || excerpt(raw));
                return;
            };
            if let Some(r) = profile.rules.get(rule).filter(|r| r.quiet) {
                account.skip(SkipReason::NotRecognised, line_no, || {
                    format!(
                        "known, and says nothing rift reads: {}",
                        r.why.as_deref().unwrap_or_default()
                    )
                });
                return;
            }
            if parsed.borrowed {
                if untimed.0 == 0 {
                    untimed.1 = line_no;
                }
                untimed.0 += 1;
            }
            let from_section = |seen: &mut Seen| {
                let n = section.clone()?;
                *seen.nodes.entry(n.clone()).or_default() += 1;
                Some(n)
            };
            let node = if section_inner {
                from_section(&mut seen)
            } else {
                seen.count(said.as_ref())
                    .or_else(|| from_section(&mut seen))
            };
            date_assumed |= parsed.dayless;
            // A record cut off before its end, read up to the cut (`envelope::json_object`).
            if envelope::cut_off(raw) {
                if cut.0 == 0 {
                    cut.1 = line_no;
                }
                cut.0 += 1;
            }
            year_assumed |= !parsed.dated && !parsed.dayless;
            if leap_day.is_none()
                && !parsed.dated
                && !parsed.dayless
                && settings.year.is_some_and(|y| y != year_of(parsed.ts_ns))
            {
                leap_day = Some((year_of(parsed.ts_ns), line_no));
            }
            zone_assumed |= !parsed.zoned;
            // A rule read the line, and the program exited after writing it: that too.
            if exit.is_some_and(|e| e != rule) {
                exited.insert(line_no);
            }
            matched.push((line_no, parsed, rule, node));
        };
        if settings.join {
            // A line that neither fits the layout nor comes in an envelope continues the record
            // above it (a wrapped message, a record printed over several lines).
            let starts = |s: &str| starts_a_record(s, &|x| profile.starts_record(x), &peeler);
            let mut joiner = Joiner::new(settings.width);
            while let Some(line) = r.next_line().map_err(|e| Error::io(path, e))? {
                line_no += 1;
                let Line::Text(bytes) = line else {
                    if let Some((first, text, joined)) = joiner.take() {
                        one(first, Line::Text(&text), joined);
                    }
                    one(line_no, line, Joined::default());
                    continue;
                };
                if let Some((first, text, joined)) = joiner.push(line_no, bytes, &starts) {
                    one(first, Line::Text(&text), joined);
                }
            }
            if let Some((first, text, joined)) = joiner.take() {
                one(first, Line::Text(&text), joined);
            }
        } else {
            while let Some(line) = r.next_line().map_err(|e| Error::io(path, e))? {
                line_no += 1;
                one(line_no, line, Joined::default());
            }
        }
    }
    let (n, first, detail) = unread;
    account.skip_n(SkipReason::NotRecognised, n, first, || detail);
    // Rules that refer to the current leader read the lines in time order, whatever order the
    // file is in (a log concatenated from rotated parts, or lines shuffled by a collector).
    let zone_found = if settings.zone.is_none() && zone_assumed {
        match witness {
            Some(Some((line, offset_ns))) => {
                // The same line, written without its zone and with it: the strongest evidence.
                (offset_ns != 0).then(|| {
                    shift_local(&mut matched, offset_ns);
                    ZoneFound {
                        offset_ns,
                        zoned_line: line,
                        local_line: line,
                        by_order: false,
                    }
                })
            }
            Some(None) => None,
            None => local_zone(&mut matched),
        }
    } else {
        None
    };
    if !matched.is_sorted_by_key(|m| m.1.ts_ns) {
        matched.sort_by_key(|m| (m.1.ts_ns, m.0));
    }
    // Each node's idea of its leader, in a file that holds several nodes' lines.
    let mut leaders: BTreeMap<Option<String>, Leader> = BTreeMap::new();
    let read_from = units.len();
    let mut out = units;
    let mut selves: Vec<Option<String>> = Vec::new();
    let mut flips = RoleFlips::new(roles, pids, &matched, profile, wording);
    for (line, parsed, rule, node) in matched {
        flips.before(parsed.ts_ns, line, &mut out, &mut selves, account);
        let flip = flips.at(line);
        // Where no envelope names the writer, a profile whose every line names it (Elasticsearch's
        // `[node-a]`) tells the writers of one pasted file apart.
        let writer_key = node.clone().or_else(|| {
            let f = profile.self_name.as_deref()?;
            field(&parsed, f)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        });
        let leader = leaders.entry(writer_key).or_default();
        let Some(rule) = rule_at(rule, profile, wording) else {
            continue;
        };
        let writer = node.as_deref().or(settings.configured.map(|c| c.1));
        let set = |name: &str| settings.configured?.0.value(writer?, name);
        let mut outs = apply(rule, &parsed, line, leader, &set);
        if exited.contains(&line)
            && let Some((_, exit)) = &profile.exit
        {
            outs.extend(apply(&profile.rules[*exit], &parsed, line, leader, &set));
        }
        // A line about several peers: once more for each further one it names.
        if let (Some(re), Some(f)) = (&rule.each_peer, rule.peer.as_deref()) {
            let first = field(&parsed, f).map(str::trim).map(str::to_owned);
            let mut seen: Vec<String> = first.into_iter().collect();
            for caps in re.captures_iter(&parsed.msg) {
                let Some(name) = caps.name("peer").map(|m| m.as_str().trim()) else {
                    continue;
                };
                if name.is_empty() || seen.iter().any(|s| s == name) {
                    continue;
                }
                seen.push(name.to_owned());
                let mut again = parsed.clone();
                again.fields.insert(f.to_owned(), name.to_owned());
                outs.extend(apply(rule, &again, line, leader, &set));
            }
        }
        // Peers whose messages the line says reached the writer (joins, votes), each once.
        if let Some(re) = &rule.heard {
            let mut seen: Vec<&str> = Vec::new();
            for caps in re.captures_iter(&parsed.msg) {
                let Some(name) = caps
                    .name("peer")
                    .map(|m| m.as_str().trim())
                    .filter(|n| !n.is_empty() && !redaction_only(n) && !seen.contains(n))
                else {
                    continue;
                };
                seen.push(name);
                outs.push(Out::Obs {
                    ts_ns: parsed.ts_ns,
                    peer: name.to_owned(),
                    dir: Direction::FromPeer,
                    ok: true,
                    channel: rule.channel,
                    holds: false,
                });
                outs.push(Out::Event {
                    ts_ns: parsed.ts_ns,
                    kind: EventKind::PeerUp,
                    peer: Some(name.to_owned()),
                    term: None,
                    detail: excerpt(&parsed.msg),
                    elected: false,
                    about_peer: false,
                    peer_tied: false,
                });
            }
        }
        // The names every line of the profile gives its writer, unless the rule said them.
        let own: [(&Option<String>, Names); 2] = [
            (&profile.self_name, Out::SelfName),
            (&profile.self_id, Out::SelfId),
        ];
        for (f, said) in own {
            if let Some(f) = f
                && !outs.is_empty()
                && let Some(v) = field(&parsed, f).map(str::trim).filter(|v| !v.is_empty())
            {
                let o = said(v.to_owned());
                let kind = std::mem::discriminant(&o);
                if !outs.iter().any(|x| std::mem::discriminant(x) == kind) {
                    outs.push(o);
                }
            }
        }
        outs.extend(flip);
        if outs.is_empty() && rule.remember.is_some() {
            account.skip(SkipReason::Comment, line, || {
                "a setting the log states: kept for the detector's settings and read timeouts"
                    .into()
            });
            continue;
        }
        if outs.is_empty() && rule.news_only {
            account.skip(SkipReason::Comment, line, || {
                "repeats what its node last said (of a peer, its own life or its role): no news"
                    .into()
            });
            continue;
        }
        if outs.is_empty() {
            account.skip(SkipReason::NotRecognised, line, || {
                "a rule reads it, but the peer it names is not known at this point (no leader announced yet)".into()
            });
            continue;
        }
        let own = outs.iter().find_map(|o| match o {
            Out::SelfId(id) => Some(id.clone()),
            _ => None,
        });
        out.push(Pending { line, node, outs });
        selves.push(own);
    }
    flips.before(i64::MAX, u64::MAX, &mut out, &mut selves, account);
    name_standing_leaders(&mut out[read_from..]);
    // A file without envelopes whose lines name several different selves (`Cluster Node
    // [akka://sys@10.0.0.1:2551] - …` from two nodes, pasted together) holds several nodes'
    // lines: each such line is its self's.
    // One node may name itself with and without its port (`10.0.0.1:7000`, `10.0.0.1`).
    let distinct: std::collections::BTreeSet<&str> = selves
        .iter()
        .flatten()
        .map(|id| crate::nodes::host_of(id).unwrap_or(id))
        .collect();
    let Seen { layers, mut nodes } = seen;
    // A line of such a file that names no self was written by one of them, but which is not
    // known: it is skipped, not given to the file's name (a node that does not exist).
    let several = distinct.len();
    if nodes.is_empty() && several > 1 {
        let start = out.len() - selves.len();
        let mut unknown = vec![false; out.len()];
        for (k, own) in selves.into_iter().enumerate() {
            match own {
                Some(own) => {
                    *nodes.entry(own.clone()).or_default() += 1;
                    out[start + k].node = Some(own);
                }
                None => unknown[start + k] = true,
            }
        }
        let mut k = 0;
        out.retain(|p| {
            let keep = !unknown[k];
            k += 1;
            if !keep {
                account.skip(SkipReason::NotRecognised, p.line, || {
                    format!(
                        "the file holds the lines of {several} nodes, each naming itself, and this line names none: which of them wrote it is not known"
                    )
                });
            }
            keep
        });
    }
    if !out.is_sorted_by_key(|p| p.line) {
        out.sort_by_key(|p| p.line);
    }
    // A detector's settings the log stated one to a line, over those the software fixes.
    if detector.is_none()
        && let Some((system, rel)) = settings.detector
    {
        let found = leaders
            .values()
            .find(|l| !l.settings.is_empty())
            .map(|stated| {
                stated
                    .settings
                    .iter()
                    .map(|(k, &(v, line))| {
                        let rel = rel.to_owned();
                        (k.clone(), (v, crate::system::Origin { rel, line }))
                    })
                    .collect()
            })
            .unwrap_or_default();
        detector = system.settings_stated(&found, Some(rel));
    }
    let mut envelopes: BTreeMap<String, u64> = BTreeMap::new();
    for (layers, n) in layers {
        *envelopes.entry(envelope::chain_words(&layers)).or_default() += n;
    }
    Ok(LogRead {
        lines: out,
        detector,
        envelopes,
        nodes,
        year_assumed,
        leap_day,
        date_assumed,
        cut,
        untimed,
        zone_assumed,
        zone_found,
    })
}

/// The most lines no rule reads that are parsed only to compare their envelope's clock with
/// the time inside (tried, whether or not a line has both).
const MOST_WITNESSES: u32 = 64;

/// How far an envelope's zone-less time (`said`) is ahead of the zoned time of the line inside
/// (`parsed`), when the line has both: `Some(Some(0))` when they agree within a second,
/// `Some(Some(offset))` when they are a whole zone apart, `Some(None)` when they are neither
/// (not one moment), `None` when the line is no witness.
fn envelope_offset(parsed: &Parsed, said: Option<&Said>) -> Option<Option<i64>> {
    let said = said?;
    if !parsed.zoned || parsed.borrowed || !said.local_time {
        return None;
    }
    let apart = said.ts?.saturating_sub(parsed.ts_ns);
    Some(if apart.abs() <= 1_000_000_000 {
        Some(0)
    } else {
        crate::clock::zone_offset(apart)
    })
}

/// Adds one witness ([`envelope_offset`]) at `line` to those seen: the first line and its
/// offset while all agree, `Some(None)` once two disagree or one is not one moment.
fn weigh_witness(
    seen: Option<Option<(u64, i64)>>,
    line: u64,
    offset: Option<i64>,
) -> Option<Option<(u64, i64)>> {
    match (seen, offset) {
        (None, Some(off)) => Some(Some((line, off))),
        (Some(Some((_, was))), Some(off)) if was == off => seen,
        _ => Some(None),
    }
}

/// The zone a file's zone-less times were written in, when its own lines show it: a line with
/// an absolute time (an epoch number, a zoned time) next to one with a local time, of the same
/// node, a whole zone apart (within a second: Redis's `signal-handler (1713937702) Received
/// SIGTERM` and its `24 Apr 13:48:22.373 # User requested shutdown` are one moment, eight hours
/// apart on paper). Every such pair in the file must give the same offset. The zone-less times
/// are moved onto UTC by it; returns the offset and the lines that showed it.
fn local_zone(matched: &mut [(u64, Parsed, usize, Option<String>)]) -> Option<ZoneFound> {
    let mut found: Option<ZoneFound> = None;
    for pair in matched.windows(2) {
        let [(la, a, _, na), (lb, b, _, nb)] = pair else {
            continue;
        };
        if a.zoned == b.zoned || na != nb || lb.abs_diff(*la) > 2 {
            continue;
        }
        let (zoned, local) = if a.zoned { (a, b) } else { (b, a) };
        let (zoned_line, local_line) = if a.zoned { (*la, *lb) } else { (*lb, *la) };
        let Some(offset_ns) = crate::clock::zone_offset(local.ts_ns.saturating_sub(zoned.ts_ns))
        else {
            // Neighbours that agree as they are (or are not one moment) show no zone.
            continue;
        };
        match &found {
            Some(f) if f.offset_ns != offset_ns => return None,
            Some(_) => {}
            None => {
                found = Some(ZoneFound {
                    offset_ns,
                    zoned_line,
                    local_line,
                    by_order: false,
                })
            }
        }
    }
    // A pair one moment apart by chance (within a second of whole quarter hours, and not one
    // moment) is refuted by the order of the lines around it.
    let bounds = order_bounds(matched);
    let fits = |offset: i64| {
        bounds.0.is_none_or(|lo| offset >= lo.0) && bounds.1.is_none_or(|hi| offset <= hi.0)
    };
    let found = found
        .filter(|f| fits(f.offset_ns))
        .or_else(|| zone_by_order(bounds))?;
    shift_local(matched, found.offset_ns);
    Some(found)
}

/// Moves a file's zone-less times onto UTC: each is `offset_ns` ahead of it.
fn shift_local(matched: &mut [(u64, Parsed, usize, Option<String>)], offset_ns: i64) {
    for (_, p, _, _) in matched.iter_mut().filter(|m| !m.1.zoned) {
        p.ts_ns = p.ts_ns.saturating_sub(offset_ns);
    }
}

/// The zone a file's zone-less times were written in, from the order of its lines: one node
/// writes its lines in time order, so a zone-less line just after a zoned one of the same node
/// is no earlier than it, and one just before it no later (give or take a second, for threads
/// that log out of step). Each such neighbour bounds the offset of the local clock from below or
/// above; when the bounds leave out zero (read as UTC, the lines would run backwards) and hold
/// exactly one whole number of quarter hours, that is the zone (rqlite's Go-log lines without a
/// zone between its hclog lines at `+0800`). Returns it with the lines of the tightest bound.
fn zone_by_order(bounds: (Option<Bound>, Option<Bound>)) -> Option<ZoneFound> {
    const QUARTER: i64 = 900_000_000_000;
    const WIDEST: i64 = 14 * 4 * QUARTER;
    let (lo, hi) = (bounds.0?, bounds.1?);
    if lo.0 > hi.0 || (lo.0 <= 0 && 0 <= hi.0) {
        return None;
    }
    // The whole quarter hours in [lo, hi]: from the ceiling of one to the floor of the other.
    let first = -(-lo.0.max(-WIDEST)).div_euclid(QUARTER);
    let last = hi.0.min(WIDEST).div_euclid(QUARTER);
    (first == last && first != 0).then(|| {
        let tight = if lo.0.abs_diff(first * QUARTER) <= hi.0.abs_diff(first * QUARTER) {
            lo
        } else {
            hi
        };
        ZoneFound {
            offset_ns: first * QUARTER,
            zoned_line: tight.1,
            local_line: tight.2,
            by_order: true,
        }
    })
}

/// A bound on a local clock's offset from UTC, with the zoned line and the local one that set it.
type Bound = (i64, u64, u64);

/// The bounds the order of a file's lines sets on the offset of its zone-less times: the
/// tightest from below and from above ([`zone_by_order`]).
fn order_bounds(
    matched: &[(u64, Parsed, usize, Option<String>)],
) -> (Option<Bound>, Option<Bound>) {
    const SLACK: i64 = 1_000_000_000;
    let mut lo: Option<Bound> = None;
    let mut hi: Option<Bound> = None;
    for pair in matched.windows(2) {
        let [(la, a, _, na), (lb, b, _, nb)] = pair else {
            continue;
        };
        if a.zoned == b.zoned || na != nb {
            continue;
        }
        if a.zoned {
            // local b after zoned a: b − offset ≥ a − slack.
            let bound = b.ts_ns.saturating_sub(a.ts_ns).saturating_add(SLACK);
            if hi.is_none_or(|h| bound < h.0) {
                hi = Some((bound, *la, *lb));
            }
        } else {
            // local a before zoned b: a − offset ≤ b + slack.
            let bound = a.ts_ns.saturating_sub(b.ts_ns).saturating_sub(SLACK);
            if lo.is_none_or(|l| bound > l.0) {
                lo = Some((bound, *lb, *la));
            }
        }
    }
    (lo, hi)
}

/// The zone a file's own lines showed its zone-less times were written in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ZoneFound {
    /// How far its local times are ahead of UTC.
    pub(crate) offset_ns: i64,
    /// The line with the absolute time, and the local one beside it.
    pub(crate) zoned_line: u64,
    pub(crate) local_line: u64,
    /// The two lines are not one moment: the zone is the one offset that keeps every zone-less
    /// line in order among its zoned neighbours, and these two bound it most tightly.
    pub(crate) by_order: bool,
}

impl ZoneFound {
    /// The zone as `UTC+8`.
    pub(crate) fn name(&self) -> String {
        crate::clock::zone_like(self.offset_ns).unwrap_or_else(|| "UTC".into())
    }
}

/// The longest a held failure is carried: an hour of one observation a second.
const MAX_HOLD_NS: i64 = 3_600_000_000_000;

/// A failure read by a `holds` rule is a state, not a moment: it lasts until the same node logs
/// the peer up again — an ok line about it on the same channel (a round trip, or the same
/// direction), or a `peer_up` event — and is carried as one failed observation a second in
/// between (the last at least a second before the state ends), from the line that opened it,
/// whose `file:line` they keep. A state never closed in the file adds nothing: without its
/// opposite, how long it lasted is unknown. At most an hour is carried. `same` tells whether two
/// names of a peer are one node.
pub(crate) fn hold(lines: &mut [Pending], same: &dyn Fn(&str, &str) -> bool) {
    struct Open {
        node: Option<String>,
        peer: String,
        channel: Channel,
        dir: Direction,
        at: usize,
        since: i64,
    }
    let mut open: Vec<Open> = Vec::new();
    let mut add: Vec<(usize, Out)> = Vec::new();
    let mut drop: Vec<(usize, usize)> = Vec::new();
    for (i, p) in lines.iter().enumerate() {
        for (j, o) in p.outs.iter().enumerate() {
            // The last reply a timed-out line dates before itself opens its failure: it is
            // not news that an earlier failure ended, and where one about the same peer is
            // still open, no reply came then (a watcher that lost its link and started over
            // dates its new timeout from when it started, not from a reply).
            if let Out::Obs {
                peer,
                ok: true,
                channel,
                ..
            } = o
                && p.outs.iter().any(|f| {
                    matches!(f, Out::Obs { peer: q, ok: false, holds: true, channel: c, .. }
                        if q == peer && c == channel)
                })
            {
                if open
                    .iter()
                    .any(|s| s.node == p.node && same(peer, &s.peer) && s.channel == *channel)
                {
                    drop.push((i, j));
                }
                continue;
            }
            let closes = |s: &Open| -> bool {
                s.node == p.node
                    && match o {
                        Out::Obs {
                            peer,
                            ok: true,
                            channel,
                            dir,
                            ..
                        } => {
                            same(peer, &s.peer)
                                && *channel == s.channel
                                && (*dir == Direction::RoundTrip || *dir == s.dir)
                        }
                        Out::Event {
                            kind: EventKind::PeerUp,
                            peer: Some(peer),
                            ..
                        } => same(peer, &s.peer),
                        _ => false,
                    }
            };
            let ts = match o {
                Out::Obs { ts_ns, .. } | Out::Event { ts_ns, .. } => *ts_ns,
                _ => continue,
            };
            let mut k = 0;
            while k < open.len() {
                // A line can date evidence before itself (a read timeout's last delivery): only
                // news from after the state began ends it.
                if ts <= open[k].since || !closes(&open[k]) {
                    k += 1;
                    continue;
                }
                let s = open.swap_remove(k);
                let until = ts.min(s.since + MAX_HOLD_NS);
                // The last held failure comes at least a second before the line that ends
                // the state, so the second it healed in shows the recovery, not both.
                let mut t = s.since + 1_000_000_000;
                while t + 1_000_000_000 <= until {
                    add.push((
                        s.at,
                        Out::Obs {
                            ts_ns: t,
                            peer: s.peer.clone(),
                            dir: s.dir,
                            ok: false,
                            channel: s.channel,
                            holds: false,
                        },
                    ));
                    t += 1_000_000_000;
                }
            }
            if let Out::Obs {
                ts_ns,
                peer,
                dir,
                ok: false,
                channel,
                holds: true,
            } = o
                && !open.iter().any(|s| {
                    s.node == p.node && s.peer == *peer && s.channel == *channel && s.dir == *dir
                })
            {
                open.push(Open {
                    node: p.node.clone(),
                    peer: peer.clone(),
                    channel: *channel,
                    dir: *dir,
                    at: i,
                    since: *ts_ns,
                });
            }
        }
    }
    for &(i, j) in drop.iter().rev() {
        lines[i].outs.remove(j);
    }
    for (i, o) in add {
        lines[i].outs.push(o);
    }
}

fn excerpt(raw: &str) -> String {
    inert::clip(raw)
}

/// How the detail of an event read by its wording alone starts.
pub const BY_WORDING: &str = "by its wording: ";

/// The first IP address in a message that is not the local end of a connection
/// (`dial tcp 10.0.0.1:0->10.0.0.2:2380` gives `10.0.0.2:2380`), with its port if it has one,
/// and with the host name Java prints before it (`localhost/127.0.0.1:2552`), which names the
/// member as its other lines do; else the host and port a Go dial error names. A name Go's
/// resolver failed to look up is the peer, not the DNS server the error names after it.
fn remote_address(msg: &str) -> Option<&str> {
    static ADDRESS: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(
            r"(?:\b[A-Za-z][\w.-]*/)?\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?",
        )
        .ok()
    });
    // Go's dial error names what it dialled, a host name where it was given one (or where the
    // poster masked the address): `dial tcp nats-2.nats:6222: i/o timeout`.
    static DIALLED: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"\bdial (?:tcp|udp)[46]? ([A-Za-z0-9][\w.-]*:\d{1,5}): ").ok()
    });
    // A name Go's resolver could not look up: the address after it is the DNS server's
    // (`lookup nats-2.nats on 10.96.0.10:53: server misbehaving`), the peer is the name.
    static LOOKUP: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"\blookup ([A-Za-z0-9][\w.-]*?)\.? on \S+: ").ok());
    if let Some(name) = LOOKUP
        .as_ref()
        .and_then(|r| r.captures(msg))
        .and_then(|c| c.get(1))
    {
        return Some(name.as_str());
    }
    let ip = ADDRESS.as_ref()?.find_iter(msg).find_map(|m| {
        let local = msg[m.end()..].starts_with("->") || m.as_str().ends_with(":0");
        (!local).then_some(m.as_str())
    });
    ip.or_else(|| {
        DIALLED
            .as_ref()?
            .captures(msg)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str())
    })
}

/// What a node's lines said so far, while they are read: its idea of its leader, and the
/// settings it stated.
#[derive(Default)]
struct Leader {
    /// The leader it follows, if any.
    current: Option<String>,
    /// Whether a line said anything of its leader yet (named one, or said it has none): before
    /// that, the first leader a line names is news to the reader, not a change.
    known: bool,
    /// Whether its last role change made it the leader (Vault's active node, a master, a
    /// primary): the leader it then names is itself, by an address the reader may not yet tie
    /// to it.
    leading: bool,
    /// The settings its log stated (`remember`), by name, with the line each was stated on.
    settings: BTreeMap<String, (f64, u64)>,
    /// What its timeouts are read against.
    timers: Timers,
    /// Its last word on each peer (up, down, unreachable, suspect, failed), by the name its
    /// lines give, on its own health ([`OWN_HEALTH`]) and on having no leader ([`OWN_LEADER`]):
    /// a `news_only` rule's event repeating it is no news.
    verdicts: BTreeMap<String, EventKind>,
    /// Its last word on its own life (start, shutdown, restart): a `news_only` start logged
    /// in the same start-up is no news.
    life: Option<EventKind>,
    /// The role it last said it took (`looking`, `leader`), until its life or a role it did
    /// not name changes: a `news_only` role change repeating it is no news.
    role: Option<String>,
    /// The election it is in, with its term where a line gave it, until a role or leader
    /// change or its life ends it: a `news_only` election inside it (each vote it received)
    /// is no news, unless it names another term.
    campaign: Option<Option<u64>>,
}

/// What a node's timed-out lines are read against: when it started, and when it last logged
/// each peer's messages arriving.
#[derive(Default)]
struct Timers {
    /// When it last said it started: a timeout it logs is dated back to a last arrival only
    /// when the process was up for the whole timeout.
    started_ns: Option<i64>,
    /// When it last logged something from each peer (by the name its lines give), by channel:
    /// a timeout dated back before that arrival began its silence at the arrival.
    heard: BTreeMap<(String, Channel), i64>,
}

impl Timers {
    /// How a timed-out line of `rule` about `peer` at `ts` reads: `None` when its timer did
    /// not run on the peer's silence (the line is no evidence at all), else how long before the
    /// line the silence began, when that is known.
    fn silence(
        &self,
        rule: &Rule,
        peer: &str,
        ts: i64,
        setting: &dyn Fn(&str) -> Option<f64>,
    ) -> Option<Option<i64>> {
        let length = rule
            .last_heard
            .as_ref()
            .and_then(|l| l.ns(setting))
            .filter(|&ns| (1_000_000_000..=super::profile::MAX_LAST_HEARD_NS).contains(&ns));
        let late = rule
            .timeout_late
            .as_ref()
            .and_then(|l| l.ns(setting))
            .unwrap_or(0);
        // A timer that may have started with the process (within its lateness: a log of whole
        // seconds) ran on nothing the peer did: the process heard nothing before it started.
        let since_start = length
            .zip(self.started_ns)
            .is_some_and(|(ns, s)| ts - ns - late < s);
        let full = length.filter(|_| !since_start);
        // The last arrival logged from the peer (a peer not yet known, the cluster's leader
        // filled in later, is whoever sent last), where the timer watches such arrivals.
        let heard = if peer == CLUSTER_LEADER {
            self.heard
                .iter()
                .filter(|((_, c), _)| *c == rule.channel)
                .map(|(_, &t)| t)
                .max()
        } else {
            self.heard.get(&(peer.to_owned(), rule.channel)).copied()
        }
        .filter(|_| rule.watches_arrivals);
        // One logged less than the whole timeout (and the timer's lateness) before the line
        // means the timer did not run on silence: a VRRP backup that discards a lower
        // priority's adverts takes over when its timer runs out on adverts it did receive. Nor
        // did a watching timer that started with the process (a VRRP backup's first timeout:
        // no master yet).
        let not_silence = full.zip(heard).is_some_and(|(d, t)| ts - t + late < d)
            || (since_start && rule.watches_arrivals);
        if not_silence {
            return None;
        }
        // An arrival logged during the timeout is the last one.
        Some(
            full.map(|ns| match heard {
                Some(t) if t > ts - ns => ts - t,
                _ => ns,
            })
            .filter(|&ns| ns >= 1_000_000_000),
        )
    }

    /// Remembers when the node logged a message of `peer` arriving. Only a message the line
    /// says arrived counts: a connection set up again or a request answered need not restart
    /// the timer that watches the peer's own traffic.
    fn note_arrival(&mut self, rule: &Rule, dir: Direction, peer: &str, ts: i64) {
        if rule.ok
            && rule.last_heard.is_none()
            && dir == Direction::FromPeer
            && rule.basis == Some(super::profile::Basis::Received)
        {
            self.heard.insert((peer.to_owned(), rule.channel), ts);
        }
    }
}

/// The peer of a line about the node's leader when its lines never said anything of one (a
/// node that lost its leader has none, and says so): the leader of the cluster at the line's
/// time by the other nodes' own word, filled in once every file is read (a keepalived backup
/// logs only that the adverts stopped, never whose).
pub(crate) const CLUSTER_LEADER: &str = "\u{1}the cluster's leader";

/// The peer of a line about every other member at once (`peer = "@others"`: a member that asked
/// all the others and heard from none), filled in once every file is read with each member the
/// export names. When the line says for how long it heard nothing (its `unheard_ms` capture),
/// the number follows, and only members it had heard nothing from in that time are meant.
pub(crate) const OTHER_MEMBERS: &str = "\u{1}every other member";

/// The key of a node's word on its own health among its words on peers (a `news_only` health
/// check logged on every run repeats it).
const OWN_HEALTH: &str = "\u{2}its own health";

/// The key of a node's word that it knows no leader (a `news_only` line logged on every retry
/// repeats it until the node names a leader or changes its role).
const OWN_LEADER: &str = "\u{3}its leader";

/// Whether `kind` is a node's word on a peer's state, which a `news_only` rule repeats.
fn verdict(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::PeerUp
            | EventKind::PeerDown
            | EventKind::Unreachable
            | EventKind::Suspect
            | EventKind::MemberFailed
    )
}

/// What a line read by `rule` gives. `configured` is the value a configuration file in the
/// export set for a setting of the line's writer, for what its log did not state.
fn apply(
    rule: &Rule,
    p: &Parsed,
    line: u64,
    state: &mut Leader,
    configured: &dyn Fn(&str) -> Option<f64>,
) -> Vec<Out> {
    let mut outs = Vec::new();
    let leader = &mut state.current;
    let peer: Option<String> = match rule.peer.as_deref() {
        Some("@leader") if leader.is_none() && !state.known => Some(CLUSTER_LEADER.to_owned()),
        Some("@leader") => leader.clone(),
        Some("@address") => remote_address(&p.msg).map(str::to_owned),
        Some("@others") => Some(match field(p, "unheard_ms").map(str::trim) {
            Some(ms) if ms.parse::<u32>().is_ok() => format!("{OTHER_MEMBERS}{ms}"),
            _ => OTHER_MEMBERS.to_owned(),
        }),
        Some(name) => field(p, name)
            .map(str::trim)
            .filter(|s| !s.is_empty() && !redaction_only(s))
            .map(|s| match &rule.peer_prefix {
                Some(pre) if s.bytes().all(|b| b.is_ascii_digit()) => format!("{pre}{s}"),
                _ => s.to_owned(),
            })
            // A port the line prints apart from the host (Sentinel's `master mymaster 10.0.0.5
            // 6379`) joins it: several members on one machine differ by port alone.
            .map(|s| match field(p, &format!("{name}_port")).map(str::trim) {
                Some(port) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                    format!("{s}:{port}")
                }
                _ => s,
            }),
        None => None,
    };
    if let Some(name) = &rule.remember
        && let Some(v) = field(p, "value").and_then(|v| v.trim().parse::<f64>().ok())
        && v.is_finite()
    {
        state.settings.insert(name.clone(), (v, line));
    }
    if let Some(c) = rule.reconfigures {
        outs.push(Out::Reconfigured(c, p.ts_ns));
    }
    if let (Some(within), Some(name)) = (rule.standing, &peer) {
        outs.push(Out::Standing {
            name: name.clone(),
            ts_ns: p.ts_ns,
            within,
        });
    }
    if rule.event == Some(EventKind::Start) {
        state.timers.started_ns = Some(p.ts_ns);
    }
    if let Some(f) = &rule.self_id
        && let Some(v) = field(p, f).filter(|v| !v.is_empty())
    {
        outs.push(Out::SelfId(v.to_owned()));
    }
    if let Some(f) = &rule.self_name
        && let Some(v) = field(p, f).filter(|v| !v.is_empty())
    {
        outs.push(Out::SelfName(v.to_owned()));
    }
    if let Some(fields) = &rule.alias {
        // The rule's peer field stands for the peer as the rule names it: with the port the
        // line prints apart from it (`<peer>_port`), which keeps members on one host apart.
        let names: Vec<String> = fields
            .iter()
            .filter_map(|f| match &peer {
                Some(named) if rule.peer.as_deref() == Some(f.as_str()) => Some(named.as_str()),
                _ => field(p, f),
            })
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        if names.len() >= 2 {
            outs.push(Out::Alias(names));
        }
    }
    if let (Some(dir), Some(peer)) = (rule.evidence, &peer) {
        let setting = |n: &str| state.settings.get(n).map(|s| s.0).or_else(|| configured(n));
        let silence = state.timers.silence(rule, peer, p.ts_ns, &setting);
        let timeout = silence.flatten();
        state.timers.note_arrival(rule, dir, peer, p.ts_ns);
        if silence.is_some() {
            outs.push(Out::Obs {
                ts_ns: p.ts_ns,
                peer: peer.clone(),
                dir,
                ok: rule.ok,
                channel: rule.channel,
                holds: rule.holds,
            });
        }
        if let Some(d) = timeout {
            // Nothing arrived during the whole timeout: one failed observation per second of
            // it, so that the silence starts where it started, not where it was noticed. The
            // last arrival is B's message (one way), or its answer (a round trip that worked).
            let mut t = p.ts_ns - d + 1_000_000_000;
            while t < p.ts_ns {
                outs.push(Out::Obs {
                    ts_ns: t,
                    peer: peer.clone(),
                    dir,
                    ok: false,
                    channel: rule.channel,
                    holds: false,
                });
                t += 1_000_000_000;
            }
            outs.push(Out::Obs {
                ts_ns: p.ts_ns - d,
                peer: peer.clone(),
                dir,
                ok: true,
                channel: rule.channel,
                holds: false,
            });
            // When the peer was last heard tells a direction only of a stream the peer pushed
            // unasked: the last answer to a request (a ping) says as much of the request's way
            // as of the answer's, so it dates the silence and gives no `last_heard` event.
            if dir == Direction::FromPeer {
                let given = |l: &Option<super::formula::Length>| match l {
                    None => Some(0),
                    Some(l) => l.ns(setting),
                };
                let slack = given(&rule.peer_sends_every)
                    .zip(given(&rule.timeout_late))
                    .map(|(period_ns, late_ns)| crate::model::HeardSlack { period_ns, late_ns });
                outs.push(Out::Event {
                    ts_ns: p.ts_ns - d,
                    kind: EventKind::LastHeard,
                    peer: Some(peer.clone()),
                    term: None,
                    detail: crate::model::last_heard_detail(d, slack),
                    elected: false,
                    about_peer: false,
                    peer_tied: false,
                });
            }
        }
    }
    let mut same_role = false;
    if let Some(kind) = rule.event {
        let term = rule
            .term
            .as_deref()
            .and_then(|t| field(p, t))
            .and_then(|t| t.trim().parse::<u64>().ok());
        let mut detail = match rule.role.as_deref().and_then(|r| field(p, r)) {
            Some(role) => role.to_ascii_lowercase(),
            None => match &rule.role_is {
                Some(role) => role.clone(),
                None => excerpt(&p.msg),
            },
        };
        if rule.worded {
            detail = format!("{BY_WORDING}{}", excerpt(&p.msg));
        }
        for kind in std::iter::once(kind).chain(rule.also.iter().copied()) {
            // A leader named again, with no term to tell a new election by (a lease holder
            // logged on every retry), is no change; nor, for a `news_only` rule, is a leader
            // lost again (a second line about the same loss).
            let same_leader = kind == EventKind::LeaderChange
                && match rule.leader {
                    Some(LeaderUpdate::Set) => term.is_none() && peer.is_some() && *leader == peer,
                    Some(LeaderUpdate::Clear) => rule.news_only && state.known && leader.is_none(),
                    _ => false,
                };
            if same_leader {
                continue;
            }
            // A node's word on its own health is kept as its word on a peer is, under a key no
            // peer name can take.
            let said_of = match kind {
                EventKind::HealthDown | EventKind::HealthUp => Some(OWN_HEALTH),
                EventKind::NoLeader => Some(OWN_LEADER),
                _ => peer.as_deref().filter(|_| verdict(kind)),
            };
            if matches!(kind, EventKind::LeaderChange | EventKind::RoleChange) {
                state.verdicts.remove(OWN_LEADER);
            }
            if let Some(pr) = said_of {
                if rule.news_only && state.verdicts.get(pr) == Some(&kind) {
                    continue;
                }
                state.verdicts.insert(pr.to_owned(), kind);
            }
            if kind == EventKind::Election {
                let same = |t: Option<u64>| t.is_none() || term.is_none() || t == term;
                if rule.news_only && state.campaign.is_some_and(same) {
                    continue;
                }
                state.campaign = Some(term);
            } else if kind == EventKind::LeaderChange
                || (kind == EventKind::RoleChange && !campaigning(&detail))
                || super::life_cycle(kind)
            {
                state.campaign = None;
            }
            if super::life_cycle(kind) {
                if rule.news_only && state.life == Some(kind) {
                    continue;
                }
                state.life = Some(kind);
            }
            if kind == EventKind::RoleChange {
                let role = (rule.role.is_some() || rule.role_is.is_some()).then(|| detail.clone());
                if rule.news_only && role.is_some() && state.role == role {
                    // The role it already has (a later phase of it, another line saying it):
                    // nothing changes, its leader neither, so no event the rule adds to it.
                    same_role = true;
                    break;
                }
                state.role = role;
            } else if super::life_cycle(kind) {
                state.role = None;
            }
            let lost = kind == EventKind::LeaderChange
                && rule.leader == Some(LeaderUpdate::Clear)
                && peer.is_some()
                && !detail.contains(LOST_LEADER);
            outs.push(Out::Event {
                ts_ns: p.ts_ns,
                kind,
                peer: peer.clone().filter(|p| !p.starts_with(OTHER_MEMBERS)),
                term,
                // The peer of a leader change is the new leader, or the one lost: say which.
                detail: if lost {
                    format!("{LOST_LEADER}: {detail}")
                } else {
                    detail.clone()
                },
                elected: rule.leader == Some(LeaderUpdate::Set),
                about_peer: rule.about_peer,
                peer_tied: rule.peer_tied,
            });
        }
    }
    if same_role {
        return outs;
    }
    match rule.leader {
        Some(LeaderUpdate::Set) => *leader = peer,
        Some(LeaderUpdate::Clear | LeaderUpdate::Unnamed) => *leader = None,
        None => {}
    }
    if rule.event == Some(EventKind::RoleChange) {
        state.leading = rule
            .role
            .as_deref()
            .and_then(|r| field(p, r))
            .or(rule.role_is.as_deref())
            .is_some_and(leading_role);
    }
    if let Some(named) = rule
        .names_leader
        .as_deref()
        .and_then(|f| field(p, f))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        && leader.as_deref() != Some(named)
    {
        if state.known && !state.leading {
            outs.push(Out::Event {
                ts_ns: p.ts_ns,
                kind: EventKind::LeaderChange,
                peer: Some(named.to_owned()),
                term: None,
                detail: excerpt(&p.msg),
                elected: true,
                about_peer: false,
                peer_tied: false,
            });
        }
        *leader = Some(named.to_owned());
    }
    if rule.leader == Some(LeaderUpdate::Unnamed) {
        state.known = false;
    } else {
        state.known |= rule.leader.is_some() || rule.names_leader.is_some();
    }
    outs
}

#[cfg(test)]
mod tests {
    use super::{Clock, Parsed, local_zone, parse_with};
    use crate::time::parse_ts;

    fn at(line: u64, ts: &str, zoned: bool) -> (u64, Parsed, usize, Option<String>) {
        let parsed = Parsed {
            ts_ns: parse_ts(ts).unwrap(),
            dated: true,
            zoned,
            dayless: false,
            borrowed: false,
            own_layout: false,
            msg: String::new(),
            fields: Default::default(),
        };
        (line, parsed, 0, None)
    }

    /// How lines are read in these tests: year-less times in 2026.
    fn in_2026() -> super::Peeler<'static> {
        super::Peeler {
            clock: Clock::year(Some(2026)),
            node_field: None,
        }
    }

    #[test]
    fn an_absolute_time_beside_a_local_one_gives_the_files_zone() {
        // Redis's signal handler prints the epoch (whole seconds); the next line, the local time.
        let mut lines = vec![
            at(1, "2024-04-24T05:48:22Z", true),
            at(2, "2024-04-24T13:48:22.373Z", false),
            at(5, "2024-04-24T13:49:02.000Z", false),
        ];
        let found = local_zone(&mut lines).expect("a zone");
        assert_eq!(
            (found.name().as_str(), found.zoned_line, found.local_line),
            ("UTC+8", 1, 2)
        );
        assert_eq!(lines[2].1.ts_ns, parse_ts("2024-04-24T05:49:02Z").unwrap());
        assert_eq!(lines[0].1.ts_ns, parse_ts("2024-04-24T05:48:22Z").unwrap());
        // Neighbours that agree as written show no zone; nor do lines far apart in the file.
        let mut same = vec![
            at(1, "2024-04-24T05:48:22Z", true),
            at(2, "2024-04-24T05:48:22.3Z", false),
        ];
        assert!(local_zone(&mut same).is_none());
        let mut apart = vec![
            at(1, "2024-04-24T05:48:22Z", true),
            at(9, "2024-04-24T13:48:22Z", false),
        ];
        assert!(local_zone(&mut apart).is_none());
        // Pairs that disagree leave the file as it was.
        let mut torn = vec![
            at(1, "2024-04-24T05:48:22Z", true),
            at(2, "2024-04-24T13:48:22Z", false),
            at(3, "2024-04-24T06:00:00Z", true),
            at(4, "2024-04-24T11:00:00Z", false),
        ];
        assert!(local_zone(&mut torn).is_none());
        assert_eq!(torn[1].1.ts_ns, parse_ts("2024-04-24T13:48:22Z").unwrap());
    }

    #[test]
    fn the_order_of_a_files_lines_gives_its_zone_when_only_one_fits() {
        // rqlite: Go-log lines in local time (UTC+8) between hclog lines that name +0800. Lines
        // 5 and 6 are within a second of 7:45 apart by chance: the order of 8 and 9 refutes it.
        let mut lines = vec![
            at(5, "2024-06-24T19:00:16Z", false),
            at(6, "2024-06-24T11:15:15.156Z", true),
            at(7, "2024-06-24T20:06:42Z", false),
            at(8, "2024-06-24T20:06:59Z", false),
            at(9, "2024-06-24T12:08:29.797Z", true),
            at(10, "2024-06-24T20:08:48Z", false),
        ];
        let found = local_zone(&mut lines).expect("a zone");
        assert_eq!(found.name(), "UTC+8");
        assert!(found.by_order);
        assert_eq!(lines[5].1.ts_ns, parse_ts("2024-06-24T12:08:48Z").unwrap());
        // Lines in order as written show no zone.
        let mut utc = vec![
            at(1, "2024-06-24T11:05:16Z", false),
            at(2, "2024-06-24T11:15:15Z", true),
            at(3, "2024-06-24T12:06:42Z", false),
        ];
        assert!(local_zone(&mut utc).is_none());
        // Bounds that leave several zones possible name none: an hour's gap either side.
        let mut loose = vec![
            at(1, "2024-06-24T19:00:00Z", false),
            at(2, "2024-06-24T12:00:00Z", true),
            at(3, "2024-06-24T22:00:00Z", false),
        ];
        assert!(local_zone(&mut loose).is_none());
        assert_eq!(loose[0].1.ts_ns, parse_ts("2024-06-24T19:00:00Z").unwrap());
    }

    #[test]
    fn a_line_is_read_after_a_prefix_no_envelope_explains_but_keeps_its_date() {
        let all = crate::builtin_profiles().unwrap();
        let peeler = in_2026();
        let read = |profile: &str, line: &str| {
            let p = all.iter().find(|p| p.name == profile).unwrap();
            p.parse_enveloped(line, &mut None, &peeler, false)
                .ok()
                .map(|(x, said, _)| (x.ts_ns, x.msg, said.map(|s| s.layers)))
        };
        let (ts, msg, layers) = read(
            "cassandra",
            "[cass-b] >>> INFO  [GossipStage:1] 2024-02-11 06:52:17,044 Gossiper.java:1183 - InetAddress /10.44.0.3 is now DOWN",
        )
        .expect("read after the prefix");
        assert_eq!(ts, parse_ts("2024-02-11T06:52:17.044Z").unwrap());
        assert_eq!(msg, "InetAddress /10.44.0.3 is now DOWN");
        assert_eq!(layers, Some(vec![crate::logs::envelope::Envelope::Prefix]));
        // A prefix is never the line's date: what is left after it names only the time of day
        // (logback's HH:mm:ss layout) and is not read so.
        assert!(
            read(
                "akka",
                "2024-02-11 06:52:17,044 | Cluster(akka://sys) | Cluster Node [akka://sys@10.0.0.1:2552] - Marking node(s) as UNREACHABLE"
            )
            .is_none_or(|(ts, _, _)| ts == parse_ts("2024-02-11T06:52:17.044Z").unwrap())
        );
        // Prose is no prefix: nothing in it reads as a line.
        assert!(read("cassandra", "we then saw the node go down at about ten").is_none());
    }

    #[test]
    fn an_envelope_time_a_little_before_the_lines_own_still_zones_it() {
        let all = crate::builtin_profiles().unwrap();
        let peeler = in_2026();
        let p = all.iter().find(|p| p.name == "redis-sentinel").unwrap();
        // The collector's time is cut to the second: 09:41:07 against the line's 09:41:07.118.
        let (x, _, _) = p
            .parse_enveloped(
                "2019-03-02T10:41:07+01:00\t 11:S 02 Mar 09:41:07.118 # Error condition on socket for SYNC: No route to host",
                &mut None,
                &peeler,
                false,
            )
            .unwrap_or_else(|_| panic!("read"));
        assert!(x.zoned && x.dated);
        assert_eq!(x.ts_ns, parse_ts("2019-03-02T09:41:07.118Z").unwrap());
    }

    #[test]
    fn each_line_tells_whether_its_time_named_year_and_zone() {
        let all = crate::builtin_profiles().unwrap();
        let peeler = in_2026();
        let named = |profile: &str, line: &str| {
            let p = all.iter().find(|p| p.name == profile).unwrap();
            let (x, _, _) = p
                .parse_enveloped(line, &mut None, &peeler, false)
                .unwrap_or_else(|_| panic!("{profile}: {line}"));
            (x.dated, x.zoned)
        };
        // keepalived's syslog time names neither.
        assert_eq!(
            named(
                "keepalived",
                "Mar 25 18:00:59 lb-1 Keepalived_vrrp[12]: (VI_1) Entering MASTER STATE"
            ),
            (false, false)
        );
        // zap's RFC 3339 times name both; capnslog's name the year only.
        assert_eq!(
            named(
                "etcd-zap",
                r#"{"level":"info","ts":"2024-03-05T10:11:12.345Z","msg":"x"}"#
            ),
            (true, true)
        );
        assert_eq!(
            named(
                "etcd-capnslog",
                "2024-03-05 10:11:12.345678 W | rafthttp: lost the TCP streaming connection with peer 7e1f (stream Message reader)"
            ),
            (true, false)
        );
        // klog names neither; the time kubectl put in front of it dates it, and, telling the
        // same moment in UTC, zones it. A klog time whole hours away from it is the same moment
        // on a local clock (the pod's zone): zoned too. One seconds off that keeps no zone.
        assert_eq!(
            named(
                "kubernetes",
                "2024-03-05T10:11:12.5Z I0305 10:11:12.500000       1 node_lifecycle_controller.go:1] Node w-1 is NotReady as of 2024-03-05 10:11:12 +0000 UTC"
            ),
            (true, true)
        );
        assert_eq!(
            named(
                "kubernetes",
                "2024-03-05T10:11:12.5Z I0305 18:11:12.500000       1 node_lifecycle_controller.go:1] Node w-1 is NotReady as of 2024-03-05 10:11:12 +0000 UTC"
            ),
            (true, true)
        );
        assert_eq!(
            named(
                "kubernetes",
                "2024-03-05T10:11:12.5Z I0305 18:11:07.500000       1 node_lifecycle_controller.go:1] Node w-1 is NotReady as of 2024-03-05 10:11:12 +0000 UTC"
            ),
            (true, false)
        );
    }

    #[test]
    fn what_was_assumed_is_said_with_where_it_came_from() {
        use crate::logs::Profile;
        assert_eq!(
            Profile::assumptions(
                Some((2026, "[logs] year in incident.toml")),
                None,
                None,
                true
            ),
            [
                "year 2026, from [logs] year in incident.toml: the timestamps name none",
                "zone UTC: the timestamps name none",
            ]
        );
        assert_eq!(
            Profile::assumptions(
                None,
                None,
                Some(("Europe/Berlin", "[logs] timezone in incident.toml")),
                true
            ),
            [
                "zone Europe/Berlin, from [logs] timezone in incident.toml, where the timestamps name none"
            ]
        );
        assert!(Profile::assumptions(None, None, Some(("Europe/Berlin", "x")), false).is_empty());
        assert_eq!(
            Profile::assumptions(
                None,
                Some(("2024-03-05", "[logs] date in incident.toml")),
                None,
                false
            ),
            [
                "date 2024-03-05, from [logs] date in incident.toml: the timestamps name only the time of day"
            ]
        );
    }

    #[test]
    fn timestamps_of_every_layout_agree_on_the_instant() {
        let utc = |s: &str| parse_ts(s).unwrap();
        // capnslog µs, the raft lines' whole seconds, zap ms and 3.5's trimmed µs.
        assert_eq!(
            parse_with("auto", "2026-11-22 02:49:38.790619", Clock::year(None)),
            Ok(utc("2026-11-22T02:49:38.790619Z"))
        );
        assert_eq!(
            parse_with(
                "%Y/%m/%d %H:%M:%S%.f",
                "2026/11/22 02:49:49",
                Clock::year(None)
            ),
            Ok(utc("2026-11-22T02:49:49Z"))
        );
        assert_eq!(
            parse_with("auto", "2026-11-22T02:50:36.9081Z", Clock::year(None)),
            Ok(utc("2026-11-22T02:50:36.908100Z"))
        );
        // Offsets: Mongo's legacy +0700 and RFC 3339's +01:00.
        assert_eq!(
            parse_with("auto", "2019-04-21T16:08:14.520+0700", Clock::year(None)),
            Ok(utc("2019-04-21T09:08:14.520Z"))
        );
        assert_eq!(
            parse_with(
                "%Y-%m-%d %H:%M:%S%.f%:z",
                "2024-03-05 11:11:12.345+01:00",
                Clock::year(None)
            ),
            Ok(utc("2024-03-05T10:11:12.345Z"))
        );
        // Layouts without a year take the export's.
        assert_eq!(
            parse_with("%b %e %H:%M:%S", "Mar  5 10:11:12", Clock::year(Some(2024))),
            Ok(utc("2024-03-05T10:11:12Z"))
        );
        assert_eq!(
            parse_with(
                "%m%d %H:%M:%S%.f",
                "0305 10:11:12.345678",
                Clock::year(Some(2024))
            ),
            Ok(utc("2024-03-05T10:11:12.345678Z"))
        );
        assert!(parse_with("%b %e %H:%M:%S", "Mar  5 10:11:12", Clock::year(None)).is_err());
        assert!(parse_with("auto", "yesterday", Clock::year(None)).is_err());
        // A zone given for times that name none: wall-clock time there, summer time included;
        // a time that names its zone keeps it.
        let berlin = Clock {
            year: Some(2024),
            date: None,
            zone: Some(chrono_tz::Europe::Berlin),
        };
        assert_eq!(
            parse_with("%b %e %H:%M:%S", "Jul  5 10:11:12", berlin),
            Ok(utc("2024-07-05T08:11:12Z"))
        );
        assert_eq!(
            parse_with("auto", "2024-01-05 10:11:12", berlin),
            Ok(utc("2024-01-05T09:11:12Z"))
        );
        assert_eq!(
            parse_with("auto", "2024-01-05T10:11:12Z", berlin),
            Ok(utc("2024-01-05T10:11:12Z"))
        );
        assert_eq!(
            parse_with("auto", "1704449472", berlin),
            Ok(utc("2024-01-05T10:11:12Z"))
        );
        // Syslog-style and chrono layouts are held to the same window as every other.
        for (layout, ts, year) in [
            ("%b %e %H:%M:%S", "Mar  5 10:11:12", Some(2262)),
            ("%b %e %H:%M:%S", "Mar  5 10:11:12", Some(1677)),
            ("%Y-%m-%d %H:%M:%S", "2300-01-01 00:00:00", None),
            ("%Y-%m-%d %H:%M:%S", "1969-12-31 23:59:59", None),
            ("auto", "9223372036854775807", None),
        ] {
            assert_eq!(
                parse_with(layout, ts, Clock::year(year)),
                Err(crate::time::TsError::OutsideWindow),
                "{ts} {year:?}"
            );
        }
    }
}
