//! Envelopes: what a collector wrapped around a log line before an operator got it.
//!
//! A line seldom reaches the person reading an incident as the system wrote it. syslog and
//! journald put a time, a host and a program in front; docker writes each line into a JSON
//! object; `docker compose logs` and `kubectl logs --prefix` put the container's name in front;
//! Loki, Elasticsearch, CloudWatch and Cloud Logging hand lines out as JSON records with the
//! node in a label. [`peel`] takes one such layer off a line and says what the layer told:
//! the line inside, its time, the node and the program. Layers nest (hclog JSON in a docker
//! json-file line in a Loki export), so a reader peels until its profile's layout fits the line
//! inside, and takes the time and node from the layers when the line inside lacks them.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use crate::logs::read::{Clock, parse_with};
use crate::time::{TsError, epoch_in_unit};

/// A regex compiled on first use: `None` if it does not compile (a test checks each one does).
macro_rules! regex {
    ($pattern:expr) => {
        LazyLock::new(|| Regex::new($pattern).ok())
    };
}

/// The most layers taken off one line.
pub(crate) const MAX_DEPTH: usize = 6;

/// One kind of envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Envelope {
    /// Terminal colour codes (`ESC[…m`) around the text.
    Colours,
    /// Indentation, a quote mark or a build tool's level tag (`[info] `) in front of the line.
    Indent,
    /// syslog RFC 3164, `journalctl` short, short-precise, short-iso, and rsyslog's file format
    /// (`Apr 24 23:22:24 host prog[pid]: …`).
    Syslog,
    /// syslog RFC 5424 (`<PRI>1 TIME HOST APP PROCID MSGID [SD] …`).
    Syslog5424,
    /// `journalctl -o json`: `MESSAGE`, `__REALTIME_TIMESTAMP`, `_HOSTNAME`.
    Journald,
    /// docker's json-file driver: `{"log": …, "stream": …, "time": …}`.
    Docker,
    /// `docker compose logs`: `service-1  | …`; `podman-compose`'s `[service-1] | …`; a Procfile
    /// runner's `21:18:07 etcd1 | …`.
    Compose,
    /// `kubectl logs --prefix`: `[pod/name/container] …`.
    KubectlPrefix,
    /// A host in front of each line, as fan-out tools write it (`pdsh`, `clush`, `pssh -P`:
    /// `host: …`), or a pod and container (`stern`: `pod container …`).
    HostPrefix,
    /// A time in front of the line: `kubectl logs --timestamps`, CI logs, `aws logs tail`.
    TimePrefix,
    /// Loki: `logcli query --output jsonl` (`labels`, `line`, `timestamp`).
    Loki,
    /// Loki: `logcli query` default output (`TIME {labels} line`).
    LokiText,
    /// Elasticsearch / OpenSearch documents and search hits (`@timestamp`, `message`,
    /// `host.name`, `kubernetes.pod.name`), as NDJSON.
    Elastic,
    /// CloudWatch Logs events (`aws logs filter-log-events`: `logStreamName`, `timestamp`,
    /// `message`).
    CloudWatch,
    /// Google Cloud Logging entries (`textPayload` / `jsonPayload`, `resource.labels`).
    CloudLogging,
    /// A JSON log line whose message field is itself a JSON log line.
    JsonInMessage,
    /// A JSON log line whose message is another logger's text line with its level in brackets.
    TextInMessage,
    /// Kubernetes' JSON log format (`--logging-format=json`): klog's structured line as JSON,
    /// read as the same line in text (`"message" key="value" …`).
    KlogJson,
    /// A log shipper's or platform's own JSON record around a text line: a time, the line in
    /// `message`, `log`, `output` or `line`, and no level of its own (Vector's file source,
    /// fluentd's tail, a deployment tool's process output).
    Shipper,
    /// logfmt, as Go's logrus and go-kit write it (`time="…" level=warning msg="…"`,
    /// `ts=… caller=… level=… msg="…"`): the message of a program that logs another's lines
    /// (docker running memberlist, Loki running memberlist).
    Logfmt,
    /// A log store's rows saved as tab-separated text or quoted CSV (Azure Log Analytics, Kibana,
    /// Splunk, a spreadsheet): a zoned time in one column, the line in the last.
    Tabular,
    /// The file name `grep` puts in front of each line when it searches several files
    /// (`node-1/system.log:INFO …`, with `-n` `…:412:`, context lines with `-`).
    GrepFile,
    /// A log store's rows printed with ` | ` between the cells (a query tool's or a dashboard's
    /// text export): a zoned time first, the line last.
    Piped,
    /// A prefix no envelope rift knows explains, in front of a line the profile reads with a
    /// full date of its own (a tool's or a paste's own marker).
    Prefix,
}

impl Envelope {
    /// The envelope's name, as notes say it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Envelope::Colours => "terminal colours",
            Envelope::Indent => "indentation or a console prefix",
            Envelope::Syslog => "syslog (RFC 3164 / journalctl short)",
            Envelope::Syslog5424 => "syslog (RFC 5424)",
            Envelope::Journald => "journalctl -o json",
            Envelope::Docker => "docker json-file",
            Envelope::Compose => "docker compose logs (or a Procfile runner)",
            Envelope::KubectlPrefix => "kubectl logs --prefix",
            Envelope::HostPrefix => "a host prefix (pdsh, pssh, stern)",
            Envelope::TimePrefix => "a time prefix (kubectl --timestamps, CI)",
            Envelope::Loki => "Loki JSON lines",
            Envelope::LokiText => "logcli text",
            Envelope::Elastic => "Elasticsearch/OpenSearch documents",
            Envelope::CloudWatch => "CloudWatch Logs events",
            Envelope::CloudLogging => "Google Cloud Logging entries",
            Envelope::JsonInMessage => "a JSON line in a JSON message",
            Envelope::TextInMessage => "a text line in a JSON message",
            Envelope::KlogJson => "Kubernetes JSON logs",
            Envelope::Shipper => "a shipper's JSON records",
            Envelope::Logfmt => "logfmt (logrus, go-kit)",
            Envelope::Tabular => "tab-separated or CSV rows (a log store's export)",
            Envelope::GrepFile => "grep's file name in front of each line",
            Envelope::Piped => "rows with | between cells (a log store's export)",
            Envelope::Prefix => "a prefix of unknown kind",
        }
    }
}

/// One layer taken off a line.
#[derive(Clone, Debug)]
pub(crate) struct Layer<'a> {
    pub(crate) kind: Envelope,
    /// The line inside.
    pub(crate) inner: Cow<'a, str>,
    /// The layer's time: `None` when it has none, an error when it has one rift cannot read.
    pub(crate) ts: Option<Result<i64, (String, TsError)>>,
    /// The node the layer names (a host, a pod, a container, a log stream).
    pub(crate) node: Option<String>,
    /// The program the layer names (syslog's tag, journald's identifier).
    pub(crate) program: Option<String>,
    /// The value of the field settings name as the node's (`[logs] node_field`), when the
    /// layer has it.
    pub(crate) field: Option<String>,
    /// The layer's time names neither year nor zone (syslog's `Mar  5 10:11:12`).
    pub(crate) local_time: bool,
}

/// What the layers around a line said, innermost first where several say it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Said {
    pub(crate) layers: Vec<Envelope>,
    pub(crate) ts: Option<i64>,
    /// A time a layer had and rift could not read.
    pub(crate) bad_ts: Option<(String, TsError)>,
    pub(crate) node: Option<String>,
    pub(crate) program: Option<String>,
    pub(crate) field: Option<String>,
    /// The time comes from a layer whose time names neither year nor zone.
    pub(crate) local_time: bool,
    /// The time comes from a time in front of the line: a full date, its year named even when
    /// its zone is not.
    pub(crate) year_named: bool,
}

impl Said {
    /// Adds what `layer` said: an inner layer's word wins over an outer one's.
    pub(crate) fn absorb(&mut self, layer: &Layer<'_>) {
        self.layers.push(layer.kind);
        match &layer.ts {
            Some(Ok(ts)) => {
                self.ts = Some(*ts);
                self.bad_ts = None;
                self.local_time = layer.local_time;
                self.year_named = layer.kind == Envelope::TimePrefix;
            }
            Some(Err(e)) if self.ts.is_none() => {
                self.bad_ts = Some(e.clone());
                self.local_time |= layer.local_time;
            }
            _ => {}
        }
        if layer.node.is_some() {
            self.node.clone_from(&layer.node);
        }
        if layer.program.is_some() {
            self.program.clone_from(&layer.program);
        }
        if layer.field.is_some() {
            self.field.clone_from(&layer.field);
        }
    }

    /// The node the layers name: the field settings name, else the envelope's own.
    pub(crate) fn node(&self) -> Option<&str> {
        self.field.as_deref().or(self.node.as_deref())
    }

    /// The layers, outermost first, as words (`docker json-file > kubectl --timestamps`).
    pub(crate) fn chain(&self) -> String {
        chain_words(&self.layers)
    }
}

/// Layers, outermost first, as words (`docker json-file around a time prefix`).
pub(crate) fn chain_words(layers: &[Envelope]) -> String {
    let mut names: Vec<&str> = layers.iter().map(|l| l.name()).collect();
    // Two layers that read alike (a console's `[info] ` prefix, then indentation) are said once.
    names.dedup();
    names.join(" around ")
}

/// How to read the times and node names of envelopes.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Peeler<'s> {
    /// The year and zone of envelope times that name none.
    pub(crate) clock: Clock,
    /// The field that names a line's node (`[logs] node_field`): a dotted path into JSON
    /// envelopes, or one of `host`, `program`, `service`, `pod`, `container` or a label.
    pub(crate) node_field: Option<&'s str>,
}

/// `s` without a Markdown list bullet (`- `, `* `) at its start, if it has one.
fn bullet(s: &str) -> Option<&str> {
    s.strip_prefix("- ").or_else(|| s.strip_prefix("* "))
}

/// `s` without a poster's bold label (`**n1 logs:** `) at its start, if it has one and a line
/// follows it.
fn bold_label(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("**")?;
    let end = rest.find("**")?;
    let after = rest[end + 2..].trim_start();
    (end > 0 && !after.is_empty()).then_some(after)
}

/// Takes one envelope off `line`, or `None` when it has none rift knows.
pub(crate) fn peel<'a>(line: &'a str, how: &Peeler<'_>) -> Option<Layer<'a>> {
    if line.contains('\x1b')
        && let Some(colours) = COLOURS.as_ref()
    {
        let plain = colours.replace_all(line, "");
        if plain.len() < line.len() {
            return Some(Layer::plain(
                Envelope::Colours,
                Cow::Owned(plain.into_owned()),
            ));
        }
    }
    let t = line.trim_end_matches(['\r', '\n']);
    let first = t.as_bytes().first().copied()?;
    if first == b'{' {
        let map = json_object(t)?;
        if let Some(layer) = peel_klog_json(t, &map, how) {
            return Some(layer);
        }
        return peel_json(&map, how);
    }
    if first.is_ascii_whitespace()
        || first == b'>'
        || first == b'`'
        || bullet(t).is_some()
        || bold_label(t).is_some()
    {
        // Indentation and quote marks, and a Markdown list bullet after them (a paste quoted
        // line by line as a list: `> - 2024-03-05 …`) or the poster's bold label in front of
        // the first line (`**scheduler logs:** I0105 …`); a line posted as inline code keeps
        // its backticks at both ends.
        let mut inner = t.trim_start_matches(['>', ' ', '\t', '`']);
        if first == b'`' {
            inner = inner.trim_end_matches('`');
        }
        if let Some(rest) = bullet(inner) {
            inner = rest.trim_start();
        }
        if let Some(rest) = bold_label(inner) {
            inner = rest;
        }
        return (!inner.is_empty() && inner.len() < t.len())
            .then(|| Layer::plain(Envelope::Indent, Cow::Borrowed(inner)));
    }
    if first == b'[' {
        if let Some(c) = KUBECTL_PREFIX.as_ref().and_then(|r| r.captures(t)) {
            let pod = c["pod"].to_owned();
            let container = c["container"].to_owned();
            let field = how.node_field.and_then(|f| match f {
                "pod" => Some(pod.clone()),
                "container" => Some(container.clone()),
                _ => None,
            });
            return Some(Layer {
                kind: Envelope::KubectlPrefix,
                inner: Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
                ts: None,
                node: Some(pod),
                program: Some(container),
                field,
                local_time: false,
            });
        }
        if let Some(c) = BUILD_TOOL.as_ref().and_then(|r| r.captures(t)) {
            return Some(Layer::plain(
                Envelope::Indent,
                Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
            ));
        }
    }
    // A Go program's klog header around another program's whole line (an operator relaying
    // the Redis it runs: `I0208 17:19:27.406756  1 log.go:16] 22:M 08 Feb 2024 17:19:27.406 - …`).
    // The line inside keeps its own time, which names its year.
    if let Some(c) = KLOG_AROUND.as_ref().and_then(|r| r.captures(t)) {
        return Some(Layer::plain(
            Envelope::TimePrefix,
            Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
        ));
    }
    // A test runner's record of what a remote host printed (Avocado and the harnesses built on
    // it: `16:13:38 remote  L0182 DEBUG| [10.0.0.5] [stdout] Feb 10 18:13:38 host scylla[…]: …`).
    // The runner's clock is its own, in its own zone: the line inside keeps its time.
    if first.is_ascii_digit()
        && let Some(c) = TEST_RUNNER.as_ref().and_then(|r| r.captures(t))
    {
        return Some(Layer::plain(
            Envelope::Indent,
            Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
        ));
    }
    if (first.is_ascii_digit() || first == b'L')
        && let Some(c) = GREP_LINE.as_ref().and_then(|r| r.captures(t))
    {
        return Some(Layer::plain(
            Envelope::Indent,
            Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
        ));
    }
    if (first == b'<' || first.is_ascii_digit())
        && let Some(c) = SYSLOG_5424.as_ref().and_then(|r| r.captures(t))
    {
        let nil = |s: &str| (s != "-").then(|| s.to_owned());
        let host = nil(&c["host"]);
        let app = nil(&c["app"]);
        let msg = c.name("msg").map_or("", |m| m.as_str());
        return Some(Layer {
            kind: Envelope::Syslog5424,
            inner: Cow::Borrowed(msg.trim_start_matches('\u{feff}')),
            ts: Some(auto_ts(&c["ts"], how.clock)),
            field: text_field(how, &[("host", &host), ("program", &app)]),
            node: host,
            program: app,
            local_time: false,
        });
    }
    if (first.is_ascii_alphanumeric() || matches!(first, b'/' | b'.' | b'_'))
        && let Some(c) = GREP_FILE.as_ref().and_then(|r| r.captures(t))
    {
        let node = node_of_grep_path(&c["path"]);
        return Some(Layer {
            kind: Envelope::GrepFile,
            inner: Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
            ts: None,
            field: text_field(how, &[("path", &node)]),
            node,
            program: None,
            local_time: false,
        });
    }
    if first.is_ascii_lowercase()
        && let Some(layer) = peel_logfmt(t, how)
    {
        return Some(layer);
    }
    if first.is_ascii_digit()
        && t.contains(" | ")
        && let Some(layer) = peel_piped(t, how)
    {
        return Some(layer);
    }
    if t.contains('\t')
        && let Some(layer) = peel_tabular(t, how)
    {
        return Some(layer);
    }
    if first == b'"'
        && t.contains("\",\"")
        && let Some(layer) = peel_csv(t, how)
    {
        return Some(layer);
    }
    // syslog's tag alone, the time and host cut off (`k3s[1533]: E1212 00:35:43.642167 …`, a
    // paste of the journal's message column): it names the program, and the line inside keeps
    // its own time.
    if first.is_ascii_alphabetic()
        && let Some(c) = PROGRAM_TAG.as_ref().and_then(|r| r.captures(t))
    {
        let program = Some(c["program"].to_owned());
        return Some(Layer {
            field: text_field(how, &[("program", &program)]),
            program,
            ..Layer::plain(
                Envelope::Syslog,
                Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
            )
        });
    }
    for re in [&SYSLOG, &SYSLOG_LEVEL_BAR] {
        let Some(c) = re.as_ref().and_then(|r| r.captures(t)) else {
            continue;
        };
        let host = c.name("host").map(|m| m.as_str().to_owned());
        let program = c.name("program").map(|m| m.as_str().to_owned());
        let ts = &c["ts"];
        let local_time = !ts.as_bytes()[0].is_ascii_digit();
        let ts = if !local_time {
            auto_ts(ts, how.clock)
        } else {
            let ts = SPACES
                .as_ref()
                .map_or(Cow::Borrowed(ts), |r| r.replace_all(ts, " "));
            parse_with(
                "%Y %b %d %H:%M:%S%.f",
                &with_year(&ts, how.clock),
                how.clock,
            )
            .map_err(|e| (ts.into_owned(), e))
        };
        let inner = c.name("msg").map_or("", |m| m.as_str());
        let mut layer = match (host, program) {
            (Some(host), Some(program)) => {
                Layer::of_host(Envelope::Syslog, inner, host, program, how)
            }
            // A syslog line its sender wrote without a host (a forwarder's template, an
            // instance id put in front by a fleet tool instead) or without a program.
            (host, program) => Layer {
                field: text_field(how, &[("host", &host), ("program", &program)]),
                node: host,
                program,
                ..Layer::plain(Envelope::Syslog, Cow::Borrowed(inner))
            },
        };
        layer.ts = Some(ts);
        layer.local_time = local_time;
        return Some(layer);
    }
    if let Some(c) = LOKI_TEXT.as_ref().and_then(|r| r.captures(t)) {
        let labels = labels(&c["labels"]);
        let node = node_of_labels(&labels);
        let field = how
            .node_field
            .and_then(|f| labels.iter().find(|(k, _)| k == f).map(|(_, v)| v.clone()));
        return Some(Layer {
            kind: Envelope::LokiText,
            inner: Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
            ts: Some(auto_ts(&c["ts"], how.clock)),
            node,
            program: program_of_labels(&labels),
            field,
            local_time: false,
        });
    }
    // A program's tag in capitals in front of a dated line (`ETCD: 2018-04-17 12:50:00.929422 W
    // | …`, a container entrypoint's prefix): it names no node.
    if let Some(c) = CAPS_TAG.as_ref().and_then(|r| r.captures(t)) {
        return Some(Layer::plain(
            Envelope::Indent,
            Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
        ));
    }
    // A weekday in front of a dated line (`Mon 2017-08-28T17:44:00+0200 host [warn] …`, a
    // platform's log command): the date says it all, and the weekday is no host.
    if let Some(c) = WEEKDAY_BEFORE_DATE.as_ref().and_then(|r| r.captures(t)) {
        return Some(Layer::plain(
            Envelope::TimePrefix,
            Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
        ));
    }
    // A syslog time with no host in front of a dated line (`Feb 06 16:59:11 2018/02/06 16:59:11
    // [WARN] raft: …`, a journal with the host cut off): the line's own time stands.
    if let Some(c) = SYSLOG_TIME_ONLY.as_ref().and_then(|r| r.captures(t)) {
        return Some(Layer::plain(
            Envelope::TimePrefix,
            Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
        ));
    }
    // A zoned time in front, or a zone-less one followed by a colon (local time).
    for (prefix, local_time) in [(&TIME_PREFIX, false), (&LOCAL_TIME_PREFIX, true)] {
        if let Some(c) = prefix.as_ref().and_then(|r| r.captures(t)) {
            let inner = c
                .name("msg")
                .or_else(|| c.name("hosted"))
                .or_else(|| c.name("leveled"));
            let (ts, local_time) = match c.name("zone").map(|z| zone_abbreviation(z.as_str())) {
                None => (auto_ts(&c["ts"], how.clock), local_time),
                // A time in the zone it names: read as UTC, then moved by the zone's offset.
                Some(Some(hours)) => {
                    let utc = auto_ts(
                        &c["ts"],
                        Clock {
                            zone: None,
                            ..how.clock
                        },
                    );
                    (utc.map(|ns| ns - hours * 3_600_000_000_000), false)
                }
                // Capitals that name no zone rift knows: not a time prefix.
                Some(None) => continue,
            };
            return Some(Layer {
                kind: Envelope::TimePrefix,
                inner: Cow::Borrowed(inner.map_or("", |m| m.as_str())),
                ts: Some(ts),
                node: None,
                program: None,
                field: None,
                local_time,
            });
        }
    }
    for (prefix, format) in [
        (&US_TIME_PREFIX, "%m/%d/%Y %I:%M:%S %p"),
        (&WEEKDAY_TIME_PREFIX, "%a, %b %d %Y %I:%M:%S %p"),
    ] {
        if let Some(c) = prefix.as_ref().and_then(|r| r.captures(t)) {
            let ts = &c["ts"];
            return Some(Layer {
                kind: Envelope::TimePrefix,
                inner: Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
                ts: Some(parse_with(format, ts, how.clock).map_err(|e| (ts.to_owned(), e))),
                node: None,
                program: None,
                field: None,
                local_time: true,
            });
        }
    }
    if let Some(c) = VIEWER_TIME_PREFIX.as_ref().and_then(|r| r.captures(t)) {
        let ts = viewer_time(&c["ts"], how.clock);
        let host = c.name("host").map(|m| m.as_str().to_owned());
        return Some(Layer {
            kind: Envelope::TimePrefix,
            inner: Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
            ts: Some(ts),
            field: host
                .as_deref()
                .and_then(|h| text_field(how, &[("host", &Some(h.to_owned()))])),
            node: host,
            program: None,
            local_time: true,
        });
    }
    if let Some(c) = COMPOSE.as_ref().and_then(|r| r.captures(t)) {
        let service = c.name("service").or_else(|| c.name("bracketed")).map(|m| {
            let name = m.as_str();
            let part = |re: &LazyLock<Option<Regex>>, group: &str| {
                re.as_ref()
                    .and_then(|r| r.captures(name))
                    .map(|t| t[group].to_owned())
            };
            // A global service's tasks all have slot 0, one per host: the host names it.
            part(&SWARM_TASK, "replica")
                .filter(|r| !r.ends_with(".0"))
                .or_else(|| part(&SWARM_TASK, "host"))
                .or_else(|| part(&SWARM_TASK_CUT, "host"))
                .unwrap_or_else(|| name.to_owned())
        });
        return Some(Layer {
            kind: Envelope::Compose,
            inner: Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
            ts: None,
            field: text_field(how, &[("service", &service)]),
            node: service,
            program: None,
            local_time: false,
        });
    }
    if let Some(c) = HOST_LEVEL_PROGRAM.as_ref().and_then(|r| r.captures(t)) {
        let inner = c.name("msg").map_or("", |m| m.as_str());
        let (host, program) = (c["host"].to_owned(), c["program"].to_owned());
        return Some(Layer::of_host(
            Envelope::HostPrefix,
            inner,
            host,
            program,
            how,
        ));
    }
    if let Some(c) = HOST_PREFIX.as_ref().and_then(|r| r.captures(t))
        && let Some(host) = c
            .name("host")
            .or_else(|| c.name("label"))
            .or_else(|| c.name("angle"))
        && !host.as_str().bytes().all(|b| b.is_ascii_uppercase())
        // A number alone is a process id (NATS's `[26589] 2019/12/26 …`), not a host.
        && !host.as_str().bytes().all(|b| b.is_ascii_digit())
    {
        let host = host.as_str().to_owned();
        let container = c.name("container").map(|m| m.as_str().to_owned());
        return Some(Layer {
            kind: Envelope::HostPrefix,
            inner: Cow::Borrowed(c.name("msg").map_or("", |m| m.as_str())),
            ts: None,
            field: text_field(
                how,
                &[("host", &Some(host.clone())), ("container", &container)],
            ),
            node: Some(host),
            program: container,
            local_time: false,
        });
    }
    None
}

impl<'a> Layer<'a> {
    /// A layer that names the host and the program of the line inside, and no time.
    fn of_host(
        kind: Envelope,
        inner: &'a str,
        host: String,
        program: String,
        how: &Peeler<'_>,
    ) -> Self {
        Layer {
            kind,
            inner: Cow::Borrowed(inner),
            ts: None,
            field: text_field(
                how,
                &[
                    ("host", &Some(host.clone())),
                    ("program", &Some(program.clone())),
                ],
            ),
            node: Some(host),
            program: Some(program),
            local_time: false,
        }
    }

    /// A layer that says nothing but the line inside.
    fn plain(kind: Envelope, inner: Cow<'a, str>) -> Self {
        Layer {
            kind,
            inner,
            ts: None,
            node: None,
            program: None,
            field: None,
            local_time: false,
        }
    }
}

/// Terminal colour and cursor codes.
static COLOURS: LazyLock<Option<Regex>> = regex!(r"\x1b\[[0-9;?]*[A-Za-z]");

static SPACES: LazyLock<Option<Regex>> = regex!(r" +");

/// syslog RFC 3164 and what writes in its shape: journalctl's short formats, rsyslog's file
/// format (an RFC 3339 time), with an optional `<PRI>`; a journal whose host field is empty
/// leaves two spaces.
static SYSLOG: LazyLock<Option<Regex>> = regex!(
    r"^(?:<\d{1,3}>)?(?P<ts>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)) (?:(?P<host>[^\s:\[\]]+) | )?(?P<program>[A-Za-z_][^\s:\[\]]*)(?:\[(?P<pid>[^\]\s]+)\])?: ?(?P<msg>.*)$"
);

/// syslog's program tag and process id with nothing in front (`k3s[1533]: …`).
static PROGRAM_TAG: LazyLock<Option<Regex>> =
    regex!(r"^(?P<program>[A-Za-z_][\w.-]*)\[\d+\]: (?P<msg>\S.*)$");

/// A syslog time, the level and a bar, then the line (`Mar 25 20:45:48 info   |  [shard 0] …`, a
/// log viewer's rows that keep neither host nor program; with them, [`HOST_LEVEL_PROGRAM`]).
static SYSLOG_LEVEL_BAR: LazyLock<Option<Regex>> = regex!(
    r"^(?P<ts>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})?) +(?i:trace|debug|info|notice|warn|warning|err|error|crit|critical|alert|emerg|fatal) *\| (?P<msg>.*)$"
);

/// syslog RFC 5424, structured data skipped.
static SYSLOG_5424: LazyLock<Option<Regex>> = regex!(
    r#"^<\d{1,3}>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) (?P<procid>\S+) (?P<msgid>\S+) (?:-|(?:\[(?:[^\]"\\]|"(?:[^"\\]|\\.)*"|\\.)*\])+)(?: (?P<msg>.*))?$"#
);

/// `kubectl logs --prefix`.
static KUBECTL_PREFIX: LazyLock<Option<Regex>> =
    regex!(r"^\[pod/(?P<pod>[^/\]\s]+)/(?P<container>[^\]\s]+)\] (?P<msg>.*)$");

/// The line number `grep -n` (`N:`, `N-` for context lines), `cat -n` or a pager (`N` and a tab or
/// spaces) put in front, or an editor's search results (`Line 69295: `, Notepad++'s "Find in
/// files"), when what follows starts the way log lines do: a syslog time, a date, klog's header
/// (CockroachDB's with the year), Redis's `pid:role`, a level word, a bracket or JSON.
static GREP_LINE: LazyLock<Option<Regex>> = regex!(
    r"^(?:Line \d{1,9}: |\d{1,9}(?:[:-]|\t| +))(?P<msg>(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})? |\d{4}[-/]\d\d[-/]\d\d[ T]|[IWEF]\d{4,6} \d\d:|\d{1,7}:[XCSM] \d|(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR) |\[|\{).*)$"
);

/// `grep` over several files: the file's path (one with a directory, or named `*.log`, `*.txt`,
/// `*.out`, `*.err`, rotated `*.log.1`, or the system log's own name, `syslog.1`), a colon (a
/// dash on context lines), with `-n` the line number, then a line that starts as a log line does.
static GREP_FILE: LazyLock<Option<Regex>> = regex!(
    r"^(?P<path>/?(?:[\w.-]+/)*[\w-][\w.-]*\.(?:log|txt|out|err)(?:\.\d+)?|/?(?:[\w.-]+/)+[\w-][\w.-]*|(?:syslog|messages)(?:\.\d+)?)[:-](?:\d{1,9}[:-])?(?P<msg>(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})? |\d{4}[-/]\d\d[-/]\d\d[ T]|[IWEF]\d{4,6} \d\d:|\d{1,7}:[XCSM] \d|(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR) |\[|\{).*)$"
);

/// The node a path grep printed names: the file's name (`10.0.0.3.log`, `etcd-2.log`), or, for
/// a log every node writes under the same name (`node-1/system.log`), the folder it is in. A
/// generic name under an absolute path (`/var/log/cassandra/system.log`) names no node: the
/// folder is the program's.
fn node_of_grep_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let file = parts.pop()?;
    let stem = super::node_of_file(file);
    let generic = |name: &str| {
        let lower = name.to_ascii_lowercase();
        super::GENERIC_LOG_NAMES.contains(&lower.as_str())
            || super::PROGRAM_LOG_NAMES.contains(&lower.as_str())
    };
    if !generic(&stem) {
        return Some(stem);
    }
    if path.starts_with('/') {
        return None;
    }
    parts
        .into_iter()
        .rev()
        .find(|d| !generic(d))
        .map(str::to_owned)
}

/// klog's header (`I0208 17:19:27.406756       1 log.go:16] `) in front of a line that starts
/// the way another logger's dated lines do: Redis's `pid:role DD Mon YYYY`, a date, a bracketed
/// date.
static KLOG_AROUND: LazyLock<Option<Regex>> = regex!(
    r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [^\s\]]+:\d+\] (?P<msg>(?:\d+:[XCSM] \d\d [A-Z][a-z]{2} \d{4} |\d{4}[-/]\d\d[-/]\d\d[ T]\d\d:|\[\d{4}-\d\d-\d\d).*)$"
);

/// A test runner's line (Avocado's `HH:MM:SS logger L0182 DEBUG| …`, with the date and
/// milliseconds before it in later releases), and the host and stream in brackets it puts before
/// what a remote command printed.
static TEST_RUNNER: LazyLock<Option<Regex>> = regex!(
    r"^(?:\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d(?:,\d+)? \S+ +L\d+ +(?:DEBUG|INFO|WARNI|WARN|ERROR|CRITI)\| (?:\[[\w.:-]+\] )?(?:\[(?:stdout|stderr)\] )?(?P<msg>.*)$"
);

/// A build tool's lower-case level tag (sbt, maven): `[info] …`.
static BUILD_TOOL: LazyLock<Option<Regex>> =
    regex!(r"^\[(?:info|warn|error|debug|INFO|WARNING|ERROR)\] (?P<msg>.*)$");

/// A time with a zone in front of a line (a space after it, or a tab and padding: a tab alone is
/// zap's console encoding, whose fields are the line's own), optionally in brackets (Jenkins),
/// or with the stream and the partial/full tag of the CRI log format after it (`… stderr F …`:
/// the files under `/var/log/pods` that containerd and CRI-O write, and `kubectl logs` reads).
static TIME_PREFIX: LazyLock<Option<Regex>> = regex!(
    r"^\[?(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d))\]?(?: |\t )(?:(?:stdout|stderr) [FP] )?(?P<msg>.*)$"
);

/// `logcli query` text: a time, the stream's labels in braces, the line.
static LOKI_TEXT: LazyLock<Option<Regex>> = regex!(
    r#"^(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)) (?P<labels>\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\}) +(?P<msg>.*)$"#
);

/// `docker compose logs`: the container as compose names it (v2: `service-1`, v1:
/// `project_service_1`), padding, `|`. The name is kept as printed: a replica number cannot be
/// told from a service named `etcd-1`. A Procfile runner (goreman, foreman, honcho) prints its
/// processes' output the same way with its clock first (`21:18:07 etcd1 | …`): a time with no
/// date, left to the line inside. `podman-compose` puts the service in brackets (`[redis-2]   | …`).
static COMPOSE: LazyLock<Option<Regex>> = regex!(
    r"^(?:\d\d:\d\d:\d\d )?(?:\[(?P<bracketed>[A-Za-z0-9@][\w.@-]*)\] *|(?P<service>(?:\.\.\.)?[A-Za-z0-9@][\w.@-]*?) +)?\|(?: (?P<msg>.*))?$"
);

/// `docker service logs`' task names: `SERVICE.SLOT.TASKID@HOST`.
static SWARM_TASK: LazyLock<Option<Regex>> =
    regex!(r"^(?P<replica>[\w-]+\.\d+)\.(?:[a-z0-9]{25}|[a-z0-9]{12})@(?P<host>[\w.-]+)$");

/// A task name shortened to fit its column (`...@host...`, `svc.1.k3j…@host…`): the replica is
/// cut off, the host is what names the node.
static SWARM_TASK_CUT: LazyLock<Option<Regex>> =
    regex!(r"^(?:\.\.\.|…)?[\w.-]*@(?P<host>[\w-]+(?:\.[\w-]+)*?)(?:\.\.\.|…)$");

/// A zone-less time with a colon in front of a line (`2017-11-09 14:14:33: …`, as DC/OS and
/// `ts`-style tools stamp lines), or with a space when a host and a dated line follow
/// (`2023-02-14 07:40:12.638 consul-server-2 2023/02/14 07:40:12 [INFO] …`, a log viewer's rows
/// copied with their time and host columns), or a level in brackets (`2023-04-04 15:54:26
/// [WARNING]  (8) : …`, a container's time column in front of HAProxy's time-less header). The
/// time may name its zone by abbreviation (`2021-07-12 15:45:34.897 EDT[WARNING] …`).
static LOCAL_TIME_PREFIX: LazyLock<Option<Regex>> = regex!(
    r"^(?P<ts>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?)(?: (?P<zone>[A-Z]{3,4}))?(?:: (?P<msg>.+)| (?P<hosted>[A-Za-z0-9][\w.-]*[A-Za-z0-9] +\d{4}[-/]\d\d[-/]\d\d[ T].*)| ?(?P<leveled>\[[A-Z]{3,8}\]\s.*))$"
);

/// The offset from UTC, in hours, of a zone an abbreviation names without doubt. `CST`, `IST`
/// and `BST` each name zones hours apart (America or China; India, Israel or Ireland), so
/// they name none here.
fn zone_abbreviation(name: &str) -> Option<i64> {
    Some(match name {
        "UTC" | "GMT" | "WET" => 0,
        "WEST" | "CET" => 1,
        "CEST" | "EET" => 2,
        "EEST" | "MSK" => 3,
        "HKT" | "SGT" | "AWST" => 8,
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        "NZDT" => 13,
        "AST" | "EDT" => -4,
        "EST" | "CDT" => -5,
        "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" | "AKDT" => -8,
        "AKST" => -9,
        "HST" => -10,
        _ => return None,
    })
}

/// A program's tag in capitals and a colon in front of a dated line (`ETCD: 2018-04-17 …`).
static CAPS_TAG: LazyLock<Option<Regex>> =
    regex!(r"^[A-Z][A-Z0-9_]{1,15}: (?P<msg>\d{4}[-/]\d\d[-/]\d\d[ T]\d\d:.*)$");

/// A weekday's name in front of a dated line (`Mon 2017-08-28T17:44:00+0200 …`).
static WEEKDAY_BEFORE_DATE: LazyLock<Option<Regex>> =
    regex!(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? (?P<msg>\d{4}-\d\d-\d\d[ T]\d\d:.*)$");

/// A syslog time with no host in front of a dated line (`Feb 06 16:59:11 2018/02/06 …`).
static SYSLOG_TIME_ONLY: LazyLock<Option<Regex>> = regex!(
    r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-3]\d \d\d:\d\d:\d\d (?P<msg>\d{4}[-/]\d\d[-/]\d\d[ T]\d\d:.*)$"
);

/// A browser's local time in front of the line, month first and on a 12-hour clock, as a web
/// console shows and copies a container's log (Rancher: `4/11/2017 12:17:54 AM…`, with or
/// without a space before the line).
static US_TIME_PREFIX: LazyLock<Option<Regex>> =
    regex!(r"^(?P<ts>\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d [AP]M) ?(?P<msg>\S.*)$");

/// A row of Kibana's Discover copied as text, its tabs turned to spaces (or a bar put between
/// the columns): the time in the viewer's zone (`Jan 31, 2020 @ 19:19:34.308`, or the older
/// default `December 21st 2019, 15:26:51.796`), perhaps a host or pod column (a name with a
/// digit, a dash or a dot in it, which a message's first word seldom has), then the line.
static VIEWER_TIME_PREFIX: LazyLock<Option<Regex>> = regex!(
    r"^(?P<ts>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4} @ \d\d:\d\d:\d\d(?:\.\d{1,3})?|(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}(?:st|nd|rd|th) \d{4}, \d\d:\d\d:\d\d(?:\.\d{1,3})?)\s+(?:\|\s+)?(?:(?P<host>[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+|[a-z]+\d+)\s+(?:\|\s+)?)?(?P<msg>\S.*)$"
);

/// A browser's local time with the weekday and the month's name, on a 12-hour clock, and a bar
/// before the line, as a later web console copies a container's log (Rancher 2.6: `Mon, Apr 4
/// 2022 6:01:38 pm | …`).
static WEEKDAY_TIME_PREFIX: LazyLock<Option<Regex>> = regex!(
    r"^(?P<ts>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2} \d{4} \d{1,2}:\d\d:\d\d [AaPp][Mm]) \| (?P<msg>.*)$"
);

/// The host (or `user@host`) a fan-out tool put in front of each line (`pdsh`, `clush`,
/// `pssh -P`: `host: …`; a shell loop: `host …`; an operator merging several nodes' lines:
/// `host - …`; docker's syslog log driver tagging each line with the container's name:
/// `/name …`), or the pod and container `stern` did, when
/// what follows starts the way log lines do: a date (etcd 3.4's raft logger glues `raft` to
/// it), a syslog time and program without a host (`Jun 20 09:21:22 nomad[4819]: …`, a
/// fleet tool's instance id in front), a bracketed date or time of day, klog's
/// header, Redis's `pid:role` header (or its signal handler's) or JSON. A name in capitals alone
/// is a level (`WARN 2024-03-05 …`), not a host. An operator's own label in brackets
/// (`[cache-2]1:X …`) names the host the same way, as does a platform's `[host service]` (the
/// service is not taken for the program: it names the deployment, not the binary), and a test
/// runner's `[host] [stdout]` before ScyllaDB's console lines. A name the
/// poster put in angle brackets in place of the real one (`<pod1> vault …`) names it too.
static HOST_PREFIX: LazyLock<Option<Regex>> = regex!(
    r"^(?:(?:[a-z_][\w.-]*@)?/?(?P<host>[A-Za-z0-9][\w.-]*[A-Za-z0-9])(?::| -)? +(?:(?P<container>[a-z][a-z0-9-]*) +)?|\[(?P<label>[A-Za-z0-9][\w.-]*[A-Za-z0-9])(?: [a-z][\w.-]*)?\] ?(?:\[(?:stdout|stderr)\] )?|<(?P<angle>[A-Za-z0-9][\w.-]*)> +(?:[a-z][a-z0-9-]* +)?)(?P<msg>(?:(?:raft)?\d{4}[-/]\d\d[-/]\d\d[ T]|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (?:[\w./-]+(?:\[\d+\])?: |(?:trace|debug|info|notice|warn|warning|error) +\| )|\[\d{4}-\d\d-\d\d|\[\d\d:\d\d:\d\d[.,]\d{3,9}\] |\[(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR)\] \[|[IWEF]\d{4,6} \d\d:|\d+:(?:[XCSM] \d\d [A-Z][a-z]{2} |signal-handler \()|\{).*)$"
);

/// After a time, the host, the syslog severity behind `!` and a bar, then the program as syslog
/// names it: `db-node-8  !WARNING | scylla[7833]:  …` (the rsyslog template of ScyllaDB's test
/// harness, whose logs fill its issue tracker).
static HOST_LEVEL_PROGRAM: LazyLock<Option<Regex>> = regex!(
    r"^(?P<host>[A-Za-z0-9][\w.-]*[A-Za-z0-9]) +!(?:TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERR|ERROR|CRIT|CRITICAL|ALERT|EMERG) *\| (?P<program>[\w./-]+?)(?:\[\d+\])?: (?P<msg>.*)$"
);

/// A zoned RFC 3339 time, a whole column of a tab-separated row.
static ROW_TIME: LazyLock<Option<Regex>> =
    regex!(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)$");

/// The time as Kibana's Discover shows it, in the viewer's zone (`May 20, 2022 @ 12:39:21.877`),
/// a whole column of a row copied or exported from it.
static ROW_VIEWER_TIME: LazyLock<Option<Regex>> = regex!(
    r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4} @ \d\d:\d\d:\d\d(?:\.\d{1,3})?$"
);

/// A time as Kibana's Discover shows it, in either of its default formats.
fn viewer_time(ts: &str, clock: Clock) -> Result<i64, (String, TsError)> {
    if let Some(c) = ROW_VIEWER_LONG_TIME.as_ref().and_then(|r| r.captures(ts)) {
        let plain = format!("{} {} {}", &c["month"], &c["day"], &c["rest"]);
        parse_with("%B %d %Y, %H:%M:%S%.f", &plain, clock).map_err(|e| (ts.to_owned(), e))
    } else {
        parse_with("%b %d, %Y @ %H:%M:%S%.f", ts, clock).map_err(|e| (ts.to_owned(), e))
    }
}

/// The time in Kibana's older default format (`MMMM Do YYYY, HH:mm:ss.SSS`: `April 13th 2019,
/// 17:06:59.401`), in the viewer's zone, as its CSV exports print it.
static ROW_VIEWER_LONG_TIME: LazyLock<Option<Regex>> = regex!(
    r"^(?P<month>January|February|March|April|May|June|July|August|September|October|November|December) (?P<day>\d{1,2})(?:st|nd|rd|th) (?P<rest>\d{4}, \d\d:\d\d:\d\d(?:\.\d{1,3})?)$"
);

/// A column that names a host or a pod: lower case, digits, dots and dashes (not a level such
/// as `INFO`, not a path or a caller), perhaps with what the operator put after it in brackets
/// (`master-1(node9-dc1)`: the pod and the machine it ran on).
static ROW_NAME: LazyLock<Option<Regex>> =
    regex!(r"^[a-z0-9][a-z0-9.-]*[a-z0-9](?:\([a-z0-9][a-z0-9.-]*\))?$");

/// A row of a log store's table printed with ` | ` between its cells (a query tool's or a
/// dashboard's text export): a zoned time first, then short cells (a service, a container, a
/// host; quoted or not, perhaps empty), then the line, which may hold ` | ` itself (etcd's
/// `2018-04-17 … W | rafthttp: …`). The node is the cell nearest the line (an empty one names
/// none); of two or more, the first names the program (a service: `time | app | pod | line`).
fn peel_piped<'a>(t: &'a str, how: &Peeler<'_>) -> Option<Layer<'a>> {
    const MOST_CELLS: usize = 6;
    let is = |re: &LazyLock<Option<Regex>>, c: &str| re.as_ref().is_some_and(|r| r.is_match(c));
    let (ts, mut rest) = t.split_once(" | ")?;
    let ts = ts.trim();
    if !is(&ROW_TIME, ts) {
        return None;
    }
    let mut cells: Vec<&str> = Vec::with_capacity(MOST_CELLS);
    while let Some((cell, after)) = rest.split_once(" | ") {
        let cell = cell.trim();
        let name = cell.trim_matches('"');
        let short = cell.is_empty()
            || (name.len() <= 64
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'/')));
        if !short || cells.len() == MOST_CELLS {
            break;
        }
        cells.push(name);
        rest = after;
    }
    let named = |c: &&str| (!c.is_empty()).then(|| (*c).to_owned());
    let node = cells.last().and_then(named);
    let program = if cells.len() >= 2 {
        cells.first().and_then(named)
    } else {
        None
    };
    if cells.is_empty() || rest.trim().is_empty() {
        return None;
    }
    Some(Layer {
        kind: Envelope::Piped,
        inner: Cow::Borrowed(rest.trim()),
        ts: Some(auto_ts(ts, how.clock)),
        node,
        program,
        field: None,
        local_time: false,
    })
}

/// A row of three or more tab-separated columns, one a time and one the line (see [`peel_row`]).
fn peel_tabular<'a>(t: &'a str, how: &Peeler<'_>) -> Option<Layer<'a>> {
    let cols: Vec<Cow<'a, str>> = t.split('\t').map(Cow::Borrowed).collect();
    peel_row(cols, how)
}

/// A row of a CSV export, every cell in double quotes (Kibana's "Save as CSV" and its reports,
/// a spreadsheet): `"April 13th 2019, 17:06:59.401","redis-1","1:S 13 Apr … # Timeout …"`.
/// A header row (`"@timestamp","host.name","message"`) has no time in it and is no row.
fn peel_csv<'a>(t: &str, how: &Peeler<'_>) -> Option<Layer<'a>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(t.as_bytes());
    let record = reader.records().next()?.ok()?;
    let cols: Vec<Cow<'a, str>> = record.iter().map(|c| Cow::Owned(c.to_owned())).collect();
    peel_row(cols, how)
}

/// A row of a log store's table, three or more columns, one a time and one the line: the node
/// is the name-like column nearest the line (a pod before its host: `Computer`, `PodName`,
/// `TimeGenerated`, `LogEntry`). The line is the last column, or, when the last is a name (a
/// viewer's export lists the fields picked after the message: time, message, host), the one
/// column with words in it. A time in the viewer's zone is the line's only when the line has
/// none of its own. A row with a level column is a log line that separates its fields with tabs
/// (zap's console encoder: time, level, caller, message, fields), not an export.
fn peel_row<'a>(mut cols: Vec<Cow<'a, str>>, how: &Peeler<'_>) -> Option<Layer<'a>> {
    if cols.len() < 3 {
        return None;
    }
    let is = |re: &LazyLock<Option<Regex>>, c: &str| re.as_ref().is_some_and(|r| r.is_match(c));
    let is_viewer_time = |c: &str| is(&ROW_VIEWER_TIME, c) || is(&ROW_VIEWER_LONG_TIME, c);
    let last = cols.len() - 1;
    let line_at = if is(&ROW_NAME, cols[last].trim()) {
        let mut worded = (0..last).filter(|&i| {
            let c = cols[i].trim();
            c.contains(' ') && !is(&ROW_TIME, c) && !is_viewer_time(c)
        });
        let at = worded.next()?;
        if worded.next().is_some() {
            return None;
        }
        at
    } else {
        last
    };
    if cols[line_at].trim().is_empty() {
        return None;
    }
    let rest = || cols.iter().enumerate().filter(move |&(i, _)| i != line_at);
    let (at, local_time) = rest()
        .find(|(_, c)| is(&ROW_TIME, c.trim()))
        .map(|(i, _)| (i, false))
        .or_else(|| {
            rest()
                .find(|(_, c)| is_viewer_time(c.trim()))
                .map(|(i, _)| (i, true))
        })?;
    const LEVELS: &[&str] = &[
        "trace", "debug", "info", "warn", "warning", "error", "fatal", "dpanic", "panic",
    ];
    if rest().any(|(_, c)| LEVELS.iter().any(|l| c.trim().eq_ignore_ascii_case(l))) {
        return None;
    }
    let node = rest()
        .filter(|&(i, c)| {
            i != at
                && is(&ROW_NAME, c.trim())
                && c.contains(|ch: char| !ch.is_ascii_digit() && ch != '.')
        })
        .min_by_key(|&(i, _)| i.abs_diff(line_at))
        .map(|(_, c)| c.trim().to_owned());
    let ts = cols[at].trim();
    let ts = if !local_time {
        auto_ts(ts, how.clock)
    } else {
        viewer_time(ts, how.clock)
    };
    let inner = match cols.swap_remove(line_at) {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim_end()),
        Cow::Owned(o) => Cow::Owned(o.trim_end().to_owned()),
    };
    Some(Layer {
        kind: Envelope::Tabular,
        inner,
        ts: Some(ts),
        node,
        program: None,
        field: None,
        local_time,
    })
}

/// Kubernetes' JSON log format (`--logging-format=json`): `{"ts":1580306777.04728,"caller":
/// "kubelet/kubelet.go:2460","msg":"Skipping pod synchronization","v":0,"err":"…"}`, an epoch
/// number for its time, a call site, a verbosity (or an error) and no level. Its records are
/// klog's structured lines in other clothes: the line inside is the message quoted, then each
/// `key="value"` in the record's own order, as the text format prints them, so that one set of
/// rules reads both. The library that writes the format (k8s.io/component-base/logs/json) is
/// named as the program: only Kubernetes' components use it, and the call site names a
/// package, not a program.
fn peel_klog_json<'a>(t: &str, map: &Map<String, Value>, how: &Peeler<'_>) -> Option<Layer<'a>> {
    let (Some(Value::Number(ts)), Some(msg)) =
        (map.get("ts"), map.get("msg").and_then(Value::as_str))
    else {
        return None;
    };
    if !map.contains_key("caller")
        || !(map.contains_key("v") || map.contains_key("err"))
        || LEVEL_KEYS.iter().any(|k| map.contains_key(*k))
    {
        return None;
    }
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""));
    let mut text = quote(msg);
    let Ordered(pairs) = serde_json::from_str(t).ok()?;
    for (k, v) in pairs {
        if ["ts", "caller", "msg", "v"].contains(&k.as_str()) {
            continue;
        }
        match v {
            Value::String(s) => text.push_str(&format!(" {k}={}", quote(&s))),
            Value::Number(_) | Value::Bool(_) => text.push_str(&format!(" {k}={v}")),
            _ => {}
        }
    }
    let ts = ts.to_string();
    Some(Layer {
        kind: Envelope::KlogJson,
        inner: Cow::Owned(text),
        ts: Some(auto_ts(&ts, how.clock)),
        node: None,
        program: Some("component-base".to_owned()),
        field: None,
        local_time: false,
    })
}

/// A JSON object's members in the order the line gives them.
struct Ordered(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = a.next_entry::<String, Value>()? {
                    out.push(kv);
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Members)
    }
}

/// One `key=value` or `key="quoted \"value\""` pair of a logfmt line.
static LOGFMT_PAIR: LazyLock<Option<Regex>> =
    regex!(r#"(?:^|\s)(?P<k>[A-Za-z_][\w.-]*)=(?:"(?P<q>(?:[^"\\]|\\.)*)"|(?P<v>[^\s"]*))"#);

/// The keys a logfmt line starts with: its time, level, logger or call site.
const LOGFMT_FIRST: &[&str] = &[
    "time",
    "ts",
    "t",
    "level",
    "lvl",
    "logger",
    "caller",
    "component",
];

/// A logfmt line: its message (`msg`) with the time (`time`, `ts`, `t`), the host and the
/// program (`component`, `logger`, or the source file the call site names) beside it.
fn peel_logfmt<'a>(t: &str, how: &Peeler<'_>) -> Option<Layer<'a>> {
    let key = t.split_once('=')?.0;
    // A message (`msg=`), or a quoted value that may hold another program's whole line.
    if !LOGFMT_FIRST.contains(&key) || (!t.contains("msg=") && !t.contains("=\"")) {
        return None;
    }
    let pairs: Vec<(&str, Cow<'_, str>)> = LOGFMT_PAIR
        .as_ref()?
        .captures_iter(t)
        .filter_map(|c| {
            let k = c.name("k")?.as_str();
            let v = match (c.name("q"), c.name("v")) {
                (Some(q), _) => unquote(q.as_str()),
                (None, Some(v)) => Cow::Borrowed(v.as_str()),
                _ => return None,
            };
            Some((k, v))
        })
        .collect();
    let get = |keys: &[&str]| {
        keys.iter().find_map(|want| {
            pairs
                .iter()
                .find(|(k, v)| k == want && !v.is_empty())
                .map(|(_, v)| v.to_string())
        })
    };
    // A logger adapter may log another library's whole line under a key of its own, with no
    // message (Alertmanager: `memberlist="2019/06/03 14:59:40 [INFO] memberlist: …"`): that line
    // is the message, and the key names who wrote it.
    let (msg, adapted) = match get(&["msg"]) {
        Some(m) => (m, None),
        None => pairs
            .iter()
            .find(|(k, v)| !LOGFMT_FIRST.contains(k) && dated(v))
            .map(|(k, v)| (v.to_string(), Some((*k).to_owned())))?,
    };
    // logrus keeps the newline a wrapped logger ended its line with (`msg="… \n"`).
    let mut msg = msg.trim_end_matches(['\n', '\r']).to_owned();
    // go-kit and logrus keep the error beside the message (`msg="WriteTo failed" err="dial tcp
    // 10.0.0.2:7946: i/o timeout"`); a program that prints it writes `message: error`.
    if let Some(err) = get(&["err", "error"]) {
        msg.push_str(": ");
        msg.push_str(err.trim_end_matches(['\n', '\r']));
    }
    let ts = get(&["time", "ts", "t"]).map(|s| auto_ts(&s, how.clock));
    let program = adapted
        .or_else(|| get(&["component", "logger"]))
        .or_else(|| {
            // `caller=memberlist_logger.go:74`, `caller=raft/node.go:12`: the source file, not the
            // line. It names the library that wrote the line when it names one at all, so a
            // profile takes it as a word for its lines, never against them (`Profile::wrote`).
            let caller = get(&["caller"])?;
            let file = caller.rsplit('/').next()?.split(':').next()?;
            Some(file.to_owned())
        });
    let node = get(&["host", "hostname", "node"]);
    let field = how.node_field.and_then(|f| get(&[f]));
    Some(Layer {
        kind: Envelope::Logfmt,
        inner: Cow::Owned(msg),
        ts,
        node,
        program,
        field,
        local_time: false,
    })
}

/// True when `v` starts with a date (`2019/06/03 …`, `2019-06-03T…`): a log line of its own.
fn dated(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() > 16
        && b[..4].iter().all(u8::is_ascii_digit)
        && matches!(b[4], b'-' | b'/')
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b[4]
}

/// A quoted logfmt value without its escapes.
fn unquote(q: &str) -> Cow<'_, str> {
    if !q.contains('\\') {
        return Cow::Borrowed(q);
    }
    let mut out = String::with_capacity(q.len());
    let mut chars = q.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

/// A Loki label set's pairs: `{a="x", b="y"}`.
fn labels(s: &str) -> Vec<(String, String)> {
    static PAIR: LazyLock<Option<Regex>> =
        regex!(r#"(?P<k>[A-Za-z_][\w.]*)\s*=\s*"(?P<v>(?:[^"\\]|\\.)*)""#);
    let Some(pair) = PAIR.as_ref() else {
        return Vec::new();
    };
    pair.captures_iter(s)
        .map(|c| (c["k"].to_owned(), c["v"].replace("\\\"", "\"")))
        .collect()
}

/// The labels that name a node, most specific first: a pod, a container, a scraped instance,
/// then the machine they ran on.
const NODE_LABELS: &[&str] = &[
    "pod",
    "pod_name",
    "kubernetes_pod_name",
    "container",
    "container_name",
    "instance",
    "host",
    "hostname",
    "node",
    "nodename",
];

/// The labels that name the program that wrote a line, most specific first.
const PROGRAM_LABELS: &[&str] = &[
    "syslog_identifier",
    "unit",
    "app",
    "job",
    "service_name",
    "container",
    "container_name",
];

/// The first of `keys` among `labels` with a value.
fn first_label(labels: &[(String, String)], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|want| {
        labels
            .iter()
            .find(|(k, v)| k == want && !v.is_empty())
            .map(|(_, v)| v.clone())
    })
}

fn node_of_labels(labels: &[(String, String)]) -> Option<String> {
    first_label(labels, NODE_LABELS)
}

/// The program a stream's labels name (`unit="consul.service"` → `consul`).
fn program_of_labels(labels: &[(String, String)]) -> Option<String> {
    first_label(labels, PROGRAM_LABELS).map(|p| p.trim_end_matches(".service").to_owned())
}

/// The value of the field settings name, among a text envelope's named parts.
fn text_field(how: &Peeler<'_>, parts: &[(&str, &Option<String>)]) -> Option<String> {
    let want = how.node_field?;
    parts
        .iter()
        .find(|(k, _)| *k == want)
        .and_then(|(_, v)| (*v).clone())
}

/// A syslog time without a year, with the year to read it in in front (`2024 Mar  5 …`);
/// without a year, as it is (it then does not parse, and says so).
fn with_year(ts: &str, clock: Clock) -> String {
    match clock.year {
        // 29 February names a leap year: the latest one up to the year read in.
        Some(y) if feb_29(ts) => format!("{} {ts}", super::read::leap_year_up_to(y).unwrap_or(y)),
        Some(y) => format!("{y} {ts}"),
        None => ts.to_owned(),
    }
}

/// Whether a syslog time names 29 February (`Feb 29 11:45:40`).
fn feb_29(ts: &str) -> bool {
    let mut words = ts.split_whitespace();
    words.next().is_some_and(|m| m.eq_ignore_ascii_case("feb")) && words.next() == Some("29")
}

/// An RFC 3339 time or an epoch number, or why not.
fn auto_ts(s: &str, clock: Clock) -> Result<i64, (String, TsError)> {
    parse_with("auto", s, clock).map_err(|e| (s.to_owned(), e))
}

/// A JSON value's text: strings as they are, numbers written out.
fn text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s.as_str())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// The value at a dotted path (`kubernetes.pod.name`), whether the object nests it or has a key
/// with dots in it (`"host.name"`), or a mix.
pub(crate) fn lookup<'v>(map: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    if let Some(v) = map.get(path) {
        return Some(v);
    }
    let mut at = 0;
    while let Some(dot) = path[at..].find('.') {
        let (head, rest) = (&path[..at + dot], &path[at + dot + 1..]);
        if let Some(Value::Object(inner)) = map.get(head)
            && let Some(v) = lookup(inner, rest)
        {
            return Some(v);
        }
        at += dot + 1;
    }
    None
}

fn str_at<'v>(map: &'v Map<String, Value>, path: &str) -> Option<&'v str> {
    match lookup(map, path)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    }
}

/// The first of `paths` with a non-empty string.
fn first_str(map: &Map<String, Value>, paths: &[&str]) -> Option<String> {
    paths.iter().find_map(|p| str_at(map, p).map(str::to_owned))
}

/// A JSON time: RFC 3339, an epoch number in any unit, or a number in `unit_ns`.
fn json_ts(v: &Value, unit_ns: Option<i64>, clock: Clock) -> Result<i64, (String, TsError)> {
    let s = match v {
        Value::Object(o) => o.values().find_map(text),
        other => text(other),
    }
    .unwrap_or_default();
    match unit_ns {
        Some(unit) if !s.contains(['-', 'T', ':']) => {
            epoch_in_unit(&s, unit).map_err(|e| (s.into_owned(), e))
        }
        _ => auto_ts(&s, clock),
    }
}

/// The message of a journald entry: a string, or an array of bytes for one that is not UTF-8.
fn journald_message(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(bytes) => {
            let b: Vec<u8> = bytes
                .iter()
                .filter_map(|x| x.as_u64().and_then(|n| u8::try_from(n).ok()))
                .collect();
            Some(String::from_utf8_lossy(&b).into_owned())
        }
        _ => None,
    }
}

/// The field settings name as the node's, in a JSON envelope.
fn json_field(map: &Map<String, Value>, how: &Peeler<'_>) -> Option<String> {
    how.node_field
        .and_then(|f| lookup(map, f))
        .and_then(text)
        .map(Cow::into_owned)
}

/// The keys whose string is a log line, in the order they are looked for.
const MESSAGE_KEYS: &[&str] = &["message", "log", "msg", "MESSAGE", "line", "textPayload"];

/// The keys that hold a JSON envelope's time.
const TIME_KEYS: &[&str] = &["@timestamp", "timestamp", "time", "ts", "date"];

fn peel_json<'a>(map: &Map<String, Value>, how: &Peeler<'_>) -> Option<Layer<'a>> {
    let layer = |kind, inner: String, ts, node: Option<String>, program| {
        Some(Layer {
            kind,
            inner: Cow::Owned(inner.trim_end_matches(['\n', '\r']).to_owned()),
            ts,
            node,
            program,
            field: json_field(map, how),
            local_time: false,
        })
    };
    // An Elasticsearch search hit: the document is its `_source`.
    if let Some(Value::Object(source)) = map.get("_source") {
        let mut l = peel_json(source, how)?;
        if l.field.is_none() {
            l.field = json_field(map, how);
        }
        return Some(l);
    }
    if let Some(log) = map.get("log").and_then(Value::as_str)
        && (map.contains_key("stream") || map.contains_key("time"))
        && !map.contains_key("@timestamp")
    {
        let node = first_str(map, &["attrs.tag", "attrs.name", "attrs.container_name"]);
        let ts = map.get("time").map(|v| json_ts(v, None, how.clock));
        return layer(Envelope::Docker, log.to_owned(), ts, node, None);
    }
    if let Some(msg) = map.get("MESSAGE").and_then(journald_message)
        && let Some(t) = map
            .get("__REALTIME_TIMESTAMP")
            .or_else(|| map.get("_SOURCE_REALTIME_TIMESTAMP"))
    {
        let node = first_str(map, &["_HOSTNAME"]);
        let program = first_str(map, &["SYSLOG_IDENTIFIER", "_COMM", "_SYSTEMD_UNIT"]);
        let ts = Some(json_ts(t, Some(1_000), how.clock));
        return layer(Envelope::Journald, msg, ts, node, program);
    }
    if let Some(line) = map.get("line").and_then(Value::as_str)
        && let Some(t) = map.get("timestamp")
    {
        let labels: Vec<(String, String)> = match map.get("labels") {
            Some(Value::Object(l)) => l
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect(),
            _ => Vec::new(),
        };
        let ts = Some(json_ts(t, Some(1), how.clock));
        let (node, program) = (node_of_labels(&labels), program_of_labels(&labels));
        let mut l = layer(Envelope::Loki, line.to_owned(), ts, node, program)?;
        if l.field.is_none()
            && let (Some(f), Some(Value::Object(labels))) = (how.node_field, map.get("labels"))
        {
            l.field = labels.get(f).and_then(text).map(Cow::into_owned);
        }
        return Some(l);
    }
    if let Some(msg) = map.get("message").and_then(Value::as_str)
        && map.contains_key("logStreamName")
    {
        let node = first_str(map, &["logStreamName"]);
        let ts = map
            .get("timestamp")
            .map(|v| json_ts(v, Some(1_000_000), how.clock));
        return layer(Envelope::CloudWatch, msg.to_owned(), ts, node, None);
    }
    let payload = match (map.get("textPayload"), map.get("jsonPayload")) {
        (Some(Value::String(s)), _) => Some(s.clone()),
        (_, Some(p @ Value::Object(_))) => Some(p.to_string()),
        _ => None,
    };
    if let Some(payload) = payload
        && let Some(t) = map.get("timestamp").or_else(|| map.get("receiveTimestamp"))
    {
        let node = first_str(
            map,
            &[
                "resource.labels.pod_name",
                "labels.k8s-pod/statefulset.kubernetes.io/pod-name",
                "labels.compute.googleapis.com/resource_name",
                "resource.labels.instance_id",
                "resource.labels.node_name",
                "resource.labels.container_name",
            ],
        );
        let ts = Some(json_ts(t, None, how.clock));
        return layer(Envelope::CloudLogging, payload, ts, node, None);
    }
    if let Some(t) = map.get("@timestamp")
        && let Some(msg) = ["message", "log"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str))
    {
        let node = first_str(
            map,
            &[
                "kubernetes.pod.name",
                "kubernetes.pod_name",
                "k8s.pod.name",
                "host.name",
                "host.hostname",
                "agent.hostname",
                "agent.name",
                "hostname",
                "host",
                "container.name",
            ],
        );
        // The program a shipper recorded (filebeat's syslog and journald inputs); Elasticsearch's
        // own ECS documents name none.
        let program = first_str(
            map,
            &[
                "process.name",
                "log.syslog.appname",
                "syslog.appname",
                "syslog.program",
                "journald.process.name",
                "systemd.unit",
            ],
        )
        .map(|p| p.trim_end_matches(".service").to_owned());
        let ts = Some(json_ts(t, Some(1_000_000), how.clock));
        return layer(Envelope::Elastic, msg.to_owned(), ts, node, program);
    }
    let ts = TIME_KEYS
        .iter()
        .find_map(|k| map.get(*k))
        .map(|v| json_ts(v, None, how.clock));
    // A JSON line whose message is itself a JSON log line.
    if let Some(inner) = MESSAGE_KEYS.iter().find_map(|k| {
        let s = map.get(*k)?.as_str()?;
        is_json_line(s).then(|| s.trim().to_owned())
    }) {
        return layer(Envelope::JsonInMessage, inner, ts, None, None);
    }
    // A program's structured record whose message is another logger's text line, its level in
    // brackets (`{"level":"info","caller":"go-hclog/stdlog.go:82","msg":"[WARN]  Election
    // timeout reached, …"}`: hashicorp's hclog writing through a zap logger). The library the
    // call site is in names who wrote it.
    if let Some(text) = ["msg", "message"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
        .filter(|m| bracketed_level(m))
    {
        let program = str_at(map, "caller")
            .and_then(|c| c.split('/').next())
            .filter(|d| !d.contains(['.', ':']))
            .map(str::to_owned);
        return layer(Envelope::TextInMessage, text.to_owned(), ts, None, program);
    }
    // A record with a time and a text line but no level: what carried the line, not the
    // program's own structured record (which names its level).
    if ts.is_none() || LEVEL_KEYS.iter().any(|k| map.contains_key(*k)) {
        return None;
    }
    let text = SHIPPED_KEYS
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))?;
    let node = first_str(
        map,
        &["host", "hostname", "host.name", "pod", "container_name"],
    );
    layer(Envelope::Shipper, text.to_owned(), ts, node, None)
}

/// Whether a message starts with a level in brackets and a space (`[WARN]  …`, `[ERROR] …`).
fn bracketed_level(m: &str) -> bool {
    m.strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .is_some_and(|(level, rest)| {
            matches!(
                level.trim(),
                "TRACE" | "DEBUG" | "INFO" | "WARN" | "WARNING" | "ERR" | "ERROR"
            ) && rest.starts_with(' ')
        })
}

/// The keys a shipper's record holds the line in.
const SHIPPED_KEYS: &[&str] = &["message", "log", "output", "line"];

/// The keys a program's own structured record names its level with.
const LEVEL_KEYS: &[&str] = &[
    "level",
    "@level",
    "lvl",
    "severity",
    "s",
    "loglevel",
    "log.level",
    "levelname",
];

impl Envelope {
    /// Whether the envelope is a collector's (syslog, journald, docker, kubectl, an aggregator)
    /// and unmistakable: a file whose lines come in one is a log, whatever it is called.
    /// `docker compose logs` output (`name  | …`) and a host in front of lines are not: a text
    /// file of notes may look so.
    pub(crate) fn is_collectors(self) -> bool {
        !matches!(
            self,
            Envelope::Colours
                | Envelope::Indent
                | Envelope::JsonInMessage
                | Envelope::Compose
                | Envelope::HostPrefix
                | Envelope::GrepFile
                | Envelope::Prefix
        )
    }
}

/// Whether the first lines of a file (`head`, decompressed) come in a collector's envelopes:
/// at least half of its first non-blank lines, up to eight, and at least one.
pub(crate) fn collected(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    // The last line of a head may be cut short.
    if lines.len() > 1 && !text.ends_with('\n') {
        lines.pop();
    }
    lines.truncate(8);
    let how = Peeler {
        clock: Clock::year(Some(1970)),
        node_field: None,
    };
    let wrapped = lines
        .iter()
        .filter(|l| peel(l, &how).is_some_and(|layer| layer.kind.is_collectors()))
        .count();
    wrapped > 0 && wrapped * 2 >= lines.len()
}

/// The JSON object a line holds. A line cut off inside its object (a paste cut at the width of a
/// post, a log shipper's size limit) keeps the fields before the cut: a string value the cut
/// fell in keeps its whole words (`"message": "master not discovered or elected yet, an
/// election requires 2 nodes with ids [OHs2` keeps `… with ids`: a word the cut split could
/// name a node that does not exist); else every complete `"key": value` up to the last comma
/// the rest follows, tried from the end, at most 64 cuts.
pub(crate) fn json_object(line: &str) -> Option<Map<String, Value>> {
    let t = line.trim_end();
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(t) {
        return Some(map);
    }
    if !cut_off(t) {
        return None;
    }
    if let Some(map) = cut_in_a_string(t) {
        return Some(map);
    }
    t.rmatch_indices(",\"").take(64).find_map(|(at, _)| {
        match serde_json::from_str::<Value>(&format!("{}}}", &t[..at])) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        }
    })
}

/// A record cut off inside a string value (of the record, or of an object in it), closed after
/// the value's last whole word.
fn cut_in_a_string(t: &str) -> Option<Map<String, Value>> {
    // Where the string the cut fell in opens, quotes escaped inside strings aside.
    let (mut open, mut escaped) = (None, false);
    for (at, c) in t.char_indices() {
        match (open, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(_), '"') => open = None,
            (None, '"') => open = Some(at),
            _ => {}
        }
    }
    let open = open?;
    // The quote opens a value (after `:`), not a key.
    if !t[..open].trim_end().ends_with(':') {
        return None;
    }
    let cut = &t[open + 1..];
    let words = cut
        .rfind(char::is_whitespace)
        .map_or("", |at| cut[..at].trim_end());
    let words = words.trim_end_matches('\\');
    // Not one whole word: the field says nothing, and goes with the cut.
    if words.is_empty() {
        return None;
    }
    // The value may be a field of an object inside the record (MongoDB's `attr`): one more brace.
    ["\"}", "\"}}"].iter().find_map(|close| {
        match serde_json::from_str::<Value>(&format!("{}{words}{close}", &t[..=open])) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        }
    })
}

/// Whether a line opens a JSON object and does not close it: a record cut off before its end.
pub(crate) fn cut_off(line: &str) -> bool {
    let t = line.trim_end();
    t.starts_with('{') && !t.ends_with('}')
}

pub(crate) fn is_json_line(msg: &str) -> bool {
    let s = msg.trim();
    s.starts_with('{') && s.ends_with('}') && serde_json::from_str::<Map<String, Value>>(s).is_ok()
}

/// A line at each depth of its envelopes (the first is the line itself) and what the layers
/// above it said.
pub(crate) type Chain<'a> = Vec<(Cow<'a, str>, Said)>;

/// A line's layers, taken off one at a time as a reader asks for them: a profile whose layout
/// fits the line one layer down never pays for unwrapping what is inside it.
#[derive(Clone, Debug)]
pub(crate) struct Layers<'a> {
    /// The line at each depth taken off so far (the first is the line itself), and what the
    /// layers above it said.
    pub(crate) at: Chain<'a>,
    /// No layer is left to take off.
    done: bool,
}

impl<'a> Layers<'a> {
    pub(crate) fn new(line: &'a str) -> Self {
        Layers {
            at: vec![(Cow::Borrowed(line), Said::default())],
            done: false,
        }
    }

    /// Takes layers off until the line at `depth` is known; false when the line has fewer.
    pub(crate) fn reach(&mut self, depth: usize, how: &Peeler<'_>) -> bool {
        while self.at.len() <= depth && !self.done {
            let Some((text, said)) = self.at.last() else {
                break;
            };
            match peel_owned(text, how).filter(|_| self.at.len() <= MAX_DEPTH) {
                Some(layer) => {
                    let mut said = said.clone();
                    said.absorb(&layer);
                    self.at.push((layer.inner, said));
                }
                None => self.done = true,
            }
        }
        depth < self.at.len()
    }

    /// The innermost line, every layer taken off.
    pub(crate) fn innermost(&mut self, how: &Peeler<'_>) -> &(Cow<'a, str>, Said) {
        self.reach(MAX_DEPTH + 1, how);
        &self.at[self.at.len() - 1]
    }
}

/// Takes every envelope off `line`, outermost first: the line at each depth (the first is
/// `line` itself) and what the layers above it said.
#[cfg(test)]
pub(crate) fn peel_all<'a>(line: &'a str, how: &Peeler<'_>) -> Chain<'a> {
    let mut layers = Layers::new(line);
    layers.reach(MAX_DEPTH + 1, how);
    layers.at
}

/// [`peel`] on text that may be owned by the caller's previous layer.
fn peel_owned<'a>(text: &Cow<'a, str>, how: &Peeler<'_>) -> Option<Layer<'a>> {
    match text {
        Cow::Borrowed(s) => peel(s, how),
        Cow::Owned(s) => peel(s, how).map(|l| Layer {
            inner: Cow::Owned(l.inner.into_owned()),
            ..l
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_ts;

    #[test]
    fn layers_that_read_alike_are_said_once() {
        let chain = [
            Envelope::TimePrefix,
            Envelope::Indent,
            Envelope::Indent,
            Envelope::Syslog,
        ];
        assert_eq!(
            chain_words(&chain),
            "a time prefix (kubectl --timestamps, CI) around indentation or a console prefix around syslog (RFC 3164 / journalctl short)"
        );
    }

    fn how() -> Peeler<'static> {
        Peeler {
            clock: Clock::year(Some(2024)),
            node_field: None,
        }
    }

    fn innermost(line: &str) -> (String, Said) {
        let all = peel_all(line, &how());
        let (t, s) = all.last().unwrap();
        (t.to_string(), s.clone())
    }

    fn at(s: &str) -> i64 {
        parse_ts(s).unwrap()
    }

    #[test]
    fn syslog_and_journalctl_give_time_host_and_program() {
        let (inner, said) = innermost(
            "Mar  5 10:11:12 db-2 etcd[812]: lost the TCP streaming connection with peer 7e1f",
        );
        assert_eq!(inner, "lost the TCP streaming connection with peer 7e1f");
        assert_eq!(said.ts, Some(at("2024-03-05T10:11:12Z")));
        assert_eq!(said.node(), Some("db-2"));
        assert_eq!(said.program.as_deref(), Some("etcd"));
        // short-precise, short-iso and rsyslog's RFC 3339 file format.
        let (_, said) = innermost("Mar 05 10:11:12.250001 db-2 consul[9]: x");
        assert_eq!(said.ts, Some(at("2024-03-05T10:11:12.250001Z")));
        let (_, said) = innermost("2024-03-05T10:11:12+0100 db-2 consul[9]: x");
        assert_eq!(said.ts, Some(at("2024-03-05T09:11:12Z")));
        let (inner, said) =
            innermost("<30>1 2024-03-05T10:11:12.5Z db-3 vault 77 - [meta x=\"1\"] hello");
        assert_eq!((inner.as_str(), said.node()), ("hello", Some("db-3")));
        assert_eq!(said.layers, [Envelope::Syslog5424]);
    }

    #[test]
    fn every_envelope_pattern_compiles() {
        for (name, re) in [
            ("colours", &COLOURS),
            ("spaces", &SPACES),
            ("syslog", &SYSLOG),
            ("5424", &SYSLOG_5424),
            ("syslog level bar", &SYSLOG_LEVEL_BAR),
            ("kubectl", &KUBECTL_PREFIX),
            ("build tool", &BUILD_TOOL),
            ("time prefix", &TIME_PREFIX),
            ("logcli", &LOKI_TEXT),
            ("compose", &COMPOSE),
            ("logfmt", &LOGFMT_PAIR),
            ("swarm task", &SWARM_TASK),
            ("swarm task cut", &SWARM_TASK_CUT),
            ("row time", &ROW_TIME),
            ("row name", &ROW_NAME),
            ("local time prefix", &LOCAL_TIME_PREFIX),
            ("us time prefix", &US_TIME_PREFIX),
            ("weekday time prefix", &WEEKDAY_TIME_PREFIX),
            ("caps tag", &CAPS_TAG),
            ("syslog time only", &SYSLOG_TIME_ONLY),
            ("row viewer time", &ROW_VIEWER_TIME),
            ("viewer time prefix", &VIEWER_TIME_PREFIX),
            ("test runner", &TEST_RUNNER),
            ("klog around", &KLOG_AROUND),
            ("weekday before date", &WEEKDAY_BEFORE_DATE),
            ("host prefix", &HOST_PREFIX),
        ] {
            assert!(re.is_some(), "{name}");
        }
        assert_eq!(labels(r#"{a="x"}"#).len(), 1);
    }

    #[test]
    fn logfmt_gives_the_message_its_time_and_who_wrote_it() {
        // logrus (docker): the message keeps a wrapped logger's line, escapes and all.
        let (inner, said) = innermost(
            r#"time="2024-03-05T10:11:12.123456789Z" level=info msg="2024/03/05 10:11:12 [INFO] serf: said \"hi\"\n" node.id=7"#,
        );
        assert_eq!(inner, r#"2024/03/05 10:11:12 [INFO] serf: said "hi""#);
        assert_eq!(said.ts, Some(at("2024-03-05T10:11:12.123456789Z")));
        assert_eq!(said.layers, [Envelope::Logfmt]);
        // go-kit: the call site's file names the library that wrote the line.
        let (inner, said) = innermost(
            "ts=2024-03-05T10:11:13Z caller=memberlist_logger.go:74 level=warn msg=\"Failed fallback ping: x\"",
        );
        assert_eq!(inner, "Failed fallback ping: x");
        assert_eq!(said.program.as_deref(), Some("memberlist_logger.go"));
        // The error beside the message follows it, as a program that prints both writes them.
        let (inner, _) = innermost(
            r#"level=warn ts=2024-03-05T10:11:14Z caller=tcp_transport.go:428 component="memberlist TCPTransport" msg="WriteTo failed" addr=10.0.0.2:7946 err="dial tcp 10.0.0.2:7946: i/o timeout""#,
        );
        assert_eq!(inner, "WriteTo failed: dial tcp 10.0.0.2:7946: i/o timeout");
        // Prose with an equals sign is not logfmt; nor is a line without a message.
        assert!(peel("total=3 of 4 nodes answered", &how()).is_none());
        assert!(peel("level=info ts=2024-03-05T10:11:13Z caller=x.go:1", &how()).is_none());
    }

    #[test]
    fn fan_out_tools_and_stern_name_the_host_in_front() {
        // pssh -P / pdsh: `user@host: …`.
        let (inner, said) = innermost("deploy@10.4.0.9: I240305 10:11:12.000001 7 x.go:1  hi");
        assert_eq!(inner, "I240305 10:11:12.000001 7 x.go:1  hi");
        assert_eq!(said.node(), Some("10.4.0.9"));
        assert_eq!(said.layers, [Envelope::HostPrefix]);
        // stern: the pod, the container, the line.
        let (inner, said) = innermost(
            "search-0 elastic [2024-03-05T10:11:12,345][INFO ][o.e.n.Node] [search-0] started",
        );
        assert!(inner.starts_with("[2024-03-05T10:11:12,345]"));
        assert_eq!(said.node(), Some("search-0"));
        assert_eq!(said.program.as_deref(), Some("elastic"));
        // stern with Redis: its `pid:role` header, and its signal handler's.
        for line in [
            "cache-1 sentinel 1:X 05 Mar 2024 10:11:12.345 # +sdown master m 10.0.0.1 6379",
            "cache-1 sentinel 1:signal-handler (1709633472) Received SIGTERM scheduling shutdown...",
        ] {
            let (inner, said) = innermost(line);
            assert!(inner.starts_with("1:"), "{inner}");
            assert_eq!(said.node(), Some("cache-1"));
        }
        // A name an operator put in front, in capitals and underscores (a shell loop's label).
        let (inner, said) = innermost(
            "Cache_B 3310:X 14 May 09:41:07.220 # +odown master m 10.0.0.1 6379 #quorum 2/2",
        );
        assert!(inner.starts_with("3310:X"), "{inner}");
        assert_eq!(said.node(), Some("Cache_B"));
        // An operator's label in brackets, glued to the line.
        let (inner, said) = innermost(
            "[cache-2-sentinel]3310:X 14 May 09:41:07.220 # +sdown master m 10.0.0.1 6379",
        );
        assert!(inner.starts_with("3310:X"), "{inner}");
        assert_eq!(said.node(), Some("cache-2-sentinel"));
        // `grep -n`'s line numbers in front of a journal's lines; Redis's `pid:role` is no such thing.
        let (inner, said) = innermost(
            "412:Mar  4 10:11:12 cp-2 kubelet[88]: E0304 10:11:12.000001      88 x.go:1] hi",
        );
        assert!(inner.starts_with("E0304"), "{inner}");
        assert_eq!(said.node(), Some("cp-2"));
        let (inner, _) = innermost("3310:X 14 May 09:41:07.220 # +sdown master m 10.0.0.1 6379");
        assert!(inner.starts_with("3310:X"), "{inner}");
        // A logback pattern that brackets the time of day, behind a shell loop's label.
        let (inner, said) = innermost(
            "edge-2 [09:41:07.220] WARN <Cluster> Cluster Node [akka://s@edge-2:25520] - x",
        );
        assert!(inner.starts_with("[09:41:07.220] WARN"), "{inner}");
        assert_eq!(said.node(), Some("edge-2"));
        // Words in front of something that does not start like a log line are prose.
        assert!(peel("server 2 answered in 4 ms", &how()).is_none());
        assert!(peel("INFO 2024-03-05 10:11:12 started", &how()).is_none());
    }

    #[test]
    fn compose_lines_without_a_name_and_swarm_tasks() {
        let l = peel("| 2024-03-05T10:11:12.000+0300 I REPL x", &how()).unwrap();
        assert_eq!(l.inner, "2024-03-05T10:11:12.000+0300 I REPL x");
        assert_eq!((l.kind, l.node), (Envelope::Compose, None));
        let (_, said) = innermost("shop_db.2.x1y2z3a4b5c6@worker-3    | started");
        assert_eq!(said.node(), Some("shop_db.2"));
        let (_, said) = innermost("agent.0.x1y2z3a4b5c6@worker-4    | started");
        assert_eq!(said.node(), Some("worker-4"), "a global service's task");
        let (inner, said) = innermost("...@worker-3...    | 2024/03/05 10:11:12 [INFO] x");
        assert_eq!(inner, "2024/03/05 10:11:12 [INFO] x");
        assert_eq!(
            said.node(),
            Some("worker-3"),
            "a task name cut to its column"
        );
    }

    #[test]
    fn a_json_line_cut_off_keeps_its_fields_before_the_cut() {
        let cut = r#"{"level":"warn","ts":"2024-03-05T10:11:12Z","msg":"apply request took too long","took":"2s","request":"key:\"/a"#;
        let map = json_object(cut).unwrap();
        assert_eq!(map["msg"], "apply request took too long");
        assert!(!map.contains_key("request"));
        assert!(
            json_object(r#"{"a": 1, "b": }"#).is_none(),
            "broken inside, not cut"
        );
        // Cut inside a message: its whole words are kept, the split one is not.
        let cut =
            r#"{"level":"warn","msg":"master not discovered yet, have discovered [{node-b}{Xo8x"#;
        assert_eq!(
            json_object(cut).unwrap()["msg"],
            "master not discovered yet, have discovered"
        );
        // Inside an object of the record, past quotes escaped in the value.
        let cut = r#"{"msg":"RSM Topology Change","attr":{"set":"rs0","desc":"{ type: \"NoPrimary\", servers: { \"db2:270"#;
        let map = json_object(cut).unwrap();
        assert_eq!(map["attr"]["desc"], r#"{ type: "NoPrimary", servers: {"#);
    }

    #[test]
    fn a_log_stores_tab_separated_rows_give_time_node_and_line() {
        let row = "aks-pool1-vmss000004\tetcd-2\t2024-03-05T10:11:12.345Z\t2024-03-05 10:11:12.344901 I | raft: x ";
        let l = peel(row, &how()).unwrap();
        assert_eq!(l.kind, Envelope::Tabular);
        assert_eq!(l.inner, "2024-03-05 10:11:12.344901 I | raft: x");
        assert_eq!(
            l.node.as_deref(),
            Some("etcd-2"),
            "the name nearest the line"
        );
        assert_eq!(l.ts, Some(Ok(at("2024-03-05T10:11:12.345Z"))));
        // zap's console encoding is tab-separated too: a log line, not an export's row.
        let zap = "2024-03-05T10:11:12.345Z\tINFO\tetcdserver/server.go:1\tready\t{\"a\":1}";
        assert!(peel(zap, &how()).is_none());
        assert!(peel("a\tb", &how()).is_none(), "no time column");
    }

    #[test]
    fn a_tables_piped_rows_give_time_node_program_and_the_whole_line() {
        let l = peel(
            r#"2024-05-02T10:11:12.345Z | "vault" | "vault-b" | failed to acquire lock: error="x""#,
            &how(),
        )
        .unwrap();
        assert_eq!(l.kind, Envelope::Piped);
        assert_eq!(l.inner, r#"failed to acquire lock: error="x""#);
        assert_eq!(
            (l.node.as_deref(), l.program.as_deref()),
            (Some("vault-b"), Some("vault"))
        );
        assert_eq!(l.ts, Some(Ok(at("2024-05-02T10:11:12.345Z"))));
        // The line keeps the ` | ` of its own layout; an empty cell names no node.
        let l = peel(
            "2023-09-14T03:20:38.553Z | etcd |   | 2023-09-14 03:20:38.553271 W | rafthttp: x",
            &how(),
        )
        .unwrap();
        assert_eq!(l.inner, "2023-09-14 03:20:38.553271 W | rafthttp: x");
        assert_eq!(
            (l.node.as_deref(), l.program.as_deref()),
            (None, Some("etcd"))
        );
        // capnslog's own line is no row: its time names no zone.
        assert!(peel("2023-09-14 03:20:38.553271 W | rafthttp: x", &how()).is_none());
    }

    #[test]
    fn a_web_consoles_local_time_is_peeled_from_the_front() {
        let l = peel(
            "4/11/2024 12:17:54 AMI0411 05:17:54.489851       1 leaderelection.go:1] x",
            &how(),
        )
        .unwrap();
        assert_eq!(
            l.inner,
            "I0411 05:17:54.489851       1 leaderelection.go:1] x"
        );
        assert!(l.local_time);
        assert_eq!(l.ts, Some(Ok(at("2024-04-11T00:17:54Z"))));
    }

    #[test]
    fn the_cri_log_format_is_peeled() {
        let l = peel(
            "2024-03-05T10:11:12.123456789+00:00 stderr F W0305 10:11:12.120000       1 x.go:1] y",
            &how(),
        )
        .unwrap();
        assert_eq!(l.kind, Envelope::TimePrefix);
        assert_eq!(l.inner, "W0305 10:11:12.120000       1 x.go:1] y");
    }

    #[test]
    fn a_zone_less_time_with_a_colon_in_front_is_peeled_as_local() {
        let l = peel("2024-03-05 10:11:12: + exec server", &how()).unwrap();
        assert_eq!(l.inner, "+ exec server");
        assert!(l.local_time);
        assert!(matches!(l.ts, Some(Ok(_))));
    }

    #[test]
    fn a_syslog_time_without_a_year_is_unreadable_without_one() {
        let how = Peeler::default();
        let l = peel("Mar  5 10:11:12 h p: x", &how).unwrap();
        assert!(matches!(l.ts, Some(Err(_))));
    }

    #[test]
    fn layers_nest_and_the_innermost_word_wins() {
        // hclog JSON in a docker json-file line in a Loki JSON line.
        let hclog = r#"{"@level":"warn","@message":"heartbeat timeout reached","@timestamp":"2024-03-05T10:11:12.000001Z"}"#;
        let docker = serde_json::json!({"log": format!("{hclog}\n"), "stream": "stderr", "time": "2024-03-05T10:11:12.0002Z"}).to_string();
        let loki = serde_json::json!({"labels": {"pod": "vault-1", "job": "x"}, "line": docker, "timestamp": "2024-03-05T10:11:12.0003Z"}).to_string();
        let all = peel_all(&loki, &how());
        assert_eq!(all.len(), 3, "{all:?}");
        assert_eq!(all[2].0, hclog);
        let said = &all[2].1;
        assert_eq!(said.layers, [Envelope::Loki, Envelope::Docker]);
        assert_eq!(said.node(), Some("vault-1"));
        assert_eq!(said.ts, Some(at("2024-03-05T10:11:12.0002Z")));
    }

    #[test]
    fn text_prefixes_peel_in_turn() {
        let (inner, said) = innermost(
            "[pod/etcd-2/etcd] 2024-03-05T10:11:12.123456789Z 2024-03-05 10:11:12.123456 W | rafthttp: x",
        );
        assert_eq!(inner, "2024-03-05 10:11:12.123456 W | rafthttp: x");
        assert_eq!(said.layers, [Envelope::KubectlPrefix, Envelope::TimePrefix]);
        assert_eq!(said.node(), Some("etcd-2"));
        let (inner, said) = innermost("etcd-3-1  | 2024-03-05T10:11:12Z hello");
        assert_eq!(inner, "hello");
        assert_eq!(said.node(), Some("etcd-3-1"));
        let (inner, said) =
            innermost(r#"2024-03-05T10:11:12Z {app="redis", pod="sentinel-0"} 1:X 05 Mar 2024 x"#);
        assert_eq!(
            (inner.as_str(), said.node()),
            ("1:X 05 Mar 2024 x", Some("sentinel-0"))
        );
        let (inner, said) = innermost("\u{1b}[36mcass-1  |\u{1b}[0m   INFO  x");
        assert_eq!(inner, "INFO  x");
        assert_eq!(
            said.layers,
            [Envelope::Colours, Envelope::Compose, Envelope::Indent]
        );
    }

    #[test]
    fn collectors_json_records_name_their_node() {
        let cases = [
            (
                r#"{"__REALTIME_TIMESTAMP":"1709633472000000","_HOSTNAME":"h1","SYSLOG_IDENTIFIER":"consul","MESSAGE":"m"}"#,
                Envelope::Journald,
                "h1",
            ),
            (
                r#"{"_index":"logs","_source":{"@timestamp":"2024-03-05T10:11:12Z","message":"m","kubernetes":{"pod":{"name":"es-0"}},"host":{"name":"node-a"}}}"#,
                Envelope::Elastic,
                "es-0",
            ),
            (
                r#"{"@timestamp":"2024-03-05T10:11:12Z","message":"m","host.name":"node-b"}"#,
                Envelope::Elastic,
                "node-b",
            ),
            (
                r#"{"logStreamName":"etcd/etcd-1/abc","timestamp":1709633472000,"message":"m","ingestionTime":1709633473000,"eventId":"1"}"#,
                Envelope::CloudWatch,
                "etcd/etcd-1/abc",
            ),
            (
                r#"{"textPayload":"m","timestamp":"2024-03-05T10:11:12Z","resource":{"type":"k8s_container","labels":{"pod_name":"crdb-1"}}}"#,
                Envelope::CloudLogging,
                "crdb-1",
            ),
        ];
        for (line, kind, node) in cases {
            let l = peel(line, &how()).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(
                (l.kind, l.node.as_deref(), &*l.inner),
                (kind, Some(node), "m")
            );
            assert_eq!(l.ts.unwrap(), Ok(at("2024-03-05T10:11:12Z")), "{line}");
        }
    }

    #[test]
    fn settings_can_name_the_node_field() {
        let how = Peeler {
            node_field: Some("labels.instance"),
            ..how()
        };
        let l = peel(
            r#"{"@timestamp":"2024-03-05T10:11:12Z","message":"m","labels":{"instance":"i-9"},"host":{"name":"node-b"}}"#,
            &how,
        )
        .unwrap();
        let mut said = Said::default();
        said.absorb(&l);
        assert_eq!(said.node(), Some("i-9"));
    }

    #[test]
    fn a_bare_line_has_no_envelope() {
        for line in [
            "2024-03-05 10:11:12.123456 W | rafthttp: lost the TCP streaming connection",
            r#"{"level":"warn","ts":"2024-03-05T10:11:12Z","msg":"x"}"#,
            "I0305 10:11:12.345678    1 node_lifecycle_controller.go:1] x",
            "1:X 05 Mar 2024 10:11:12.345 # +sdown master m 10.0.0.1 6379",
            "INFO  [GossipStage:1] 2024-03-05 10:11:12,345 Gossiper.java:1 - x",
        ] {
            assert!(peel(line, &how()).is_none(), "{line}");
        }
    }
}
