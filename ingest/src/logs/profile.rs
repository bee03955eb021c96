//! Log profiles: how to read one system's log lines and what each recognised message means.
//!
//! A profile is data (TOML). The built-in ones live in `ingest/profiles/` and are compiled in;
//! users add their own with `--profiles FILE` or `[logs] profiles = [...]` in `incident.toml`.
//!
//! ```toml
//! name = "etcd-zap"               # unique id, used by --log-profile and [[source]] profile = …
//! system = "etcd"
//! title = "etcd 3.4 (--logger=zap) and 3.5"
//! programs = ["etcd"]             # the names its daemons log under in syslog and journald
//! units = ["Keepalive Daemon"]    # how shipped systemd units describe themselves, when not
//!                                 # by the system's or a program's name
//!
//! [json]                          # JSON lines: which keys hold the time, message and level
//! ts = "ts"
//! msg = "msg"
//! level = "level"
//!
//! [[text]]                        # or text lines: a regex with named captures ts and msg
//! pattern = '^(?P<ts>\S+ \S+) (?P<level>[A-Z]) \| (?P<pkg>[^:]+): (?P<msg>.*)$'
//! ts_format = "%Y-%m-%d %H:%M:%S%.f"   # chrono layout, or "auto" (RFC 3339 / epoch numbers)
//!                                 # a capture `more` is read after msg, as part of it (the
//!                                 # lines joined to a record whose layout ends in its logger)
//!
//! [[text]]                        # a pattern without `ts`: the line as syslog or journald hand
//! pattern = '^(?P<msg>.+)$'       # it over, the time taken from that envelope. It reads a line
//!                                 # only when no pattern with a time fits at any depth, and,
//!                                 # for sniffing, only a line the envelope says one of
//!                                 # `programs` wrote.
//!
//! [refused]                       # where its errors say the peer's host refused: a rule for a
//! field = "error"                 # failed request or connection (basis request or connect) to
//! pattern = '(?i)refused'         # a named peer, with no condition of its own on `field`, reads
//!                                 # a line whose `field` matches `pattern` (by default
//!                                 # `connection refused`, ECONNREFUSED, Windows' `actively
//!                                 # refused`) as peer_down with no
//!                                 # link evidence: the host answered, nothing listened
//!
//! [[rule]]
//! msg = "lost TCP streaming connection with remote peer"  # literal the message contains
//! regex = '…'                     # optional; named captures become fields
//! when = { "stream-reader-type" = "." }   # fields that must exist and match (regex)
//! unless = { error = "EOF" }      # fields that must not match
//! peer = "remote-peer-id"         # the field naming the other node; "@leader" = current leader;
//! each_peer = 'Member\(\S+@(?P<peer>[^,)]+)'   # a line naming several peers: each further match
//!                                 # gives the line again, about its `peer`
//! heard = '\{(?P<peer>[^{}]+)\}[^,]* completing election'   # peers whose messages the line
//!                                 # says reached the node (joins, votes): each is a delivered
//!                                 # observation from it and a `peer_up`
//! peer_prefix = "n"               # put before a peer named by a number alone (`node 2` → n2)
//! peer_tied = true                # the peer only when another line ties its name to a node
//!                                 # "@others" = every other member the export names (with a
//!                                 # capture `unheard_ms`: those the node heard nothing from in
//!                                 # that many ms, and none it took for down)
//! remember = "tick_ms"            # keep the regex's `value` capture, a setting the log states
//! last_heard = "sync_limit*tick_ms"   # or a formula of settings, in ms (+ - * /): each one
//!                                 # remembered from the log, else set by a configuration file
//! evidence = "from_peer"          # from_peer (A⇠B), to_peer (A→B), round_trip, or absent
//! basis = "silence"               # what the line shows: received, silence, request, connect,
//!                                 # answered, send; it bounds the evidence (see Basis)
//! why = "the stream B pushes went quiet for the read timeout"   # one line
//! ok = false
//! channel = "heartbeat"
//! last_heard = "5s"               # a read timeout: B→A delivered at ts − 5 s
//! peer_sends_every = "tick_ms/2"  # how exact that is: the silence began after the last arrival
//! watches_arrivals = true         # the peer's messages this profile logs as received are the
//!                                 # traffic the timeout watches: one logged within it bounds it
//! timeout_late = "2s"             # by up to the peer's send period, and the timer fires up to
//!                                 # this late; a setting known nowhere leaves it unknown, and
//!                                 # the line dates the silence but tells no direction
//! reconfigures = "data"           # the node was told to change whom it connects to on that
//!                                 # channel: its failed connections on it and its peers' to it,
//!                                 # from 100 ms before to 1 s after, were ended by the change
//! standing = "1s"                 # with leader = "set": the leader it names is the one the
//!                                 # node followed before the line too, unless a line that
//!                                 # `reconfigures` came between (a Redis replica dialling its
//!                                 # configured master): its lines about its unnamed leader up
//!                                 # to this long before were about this one (the program's own
//!                                 # retry period: later, a change the excerpt left out may
//!                                 # have come between)
//! holds = true                    # a failed state that lasts until the same node logs the
//!                                 # peer up again (an ok line about it, or a peer_up event)
//! news_only = true                # the event only when the node's last word on the peer
//!                                 # (up, down, unreachable, suspect, failed), on its own
//!                                 # life (start, shutdown), its role, or the election
//!                                 # under way (its term), was another one
//! event = "peer_down"             # an events-table kind; a failed request or connection
//!                                 # (basis request or connect) that names none gives
//!                                 # `unreachable`
//! term = "term"                   # the field or capture with the term
//! role = "role"                   # role_change: the field or capture with the new role
//! role_is = "active"              # role_change: the role the line means without naming it
//! leader = "set"                  # set / clear the logging node's current leader to peer;
//!                                 # "unnamed": it has one, not named
//! names_leader = "leader"         # the field naming the leader the node says it has, besides
//!                                 # the peer: one other than its current leader is a
//!                                 # leader_change (and becomes its current leader)
//! self_id = "local-member-id"     # the field with the logging node's own id (an alias)
//! self_name = "name"              # the field with the logging node's own name (start banner)
//! alias = ["added-peer-id", "added-peer-peer-urls"]   # fields naming the same node (two or
//!                                 # more); the first names it when none is known yet
//! ```

use std::collections::BTreeMap;

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexBuilder};

use crate::logs::pattern::Pattern;
use serde::Deserialize;

use crate::logs::formula::Length;
use crate::model::{Channel, EventKind};

/// Compiles the named files of `ingest/profiles/` in, as (file name, TOML text).
macro_rules! builtin_profiles {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!("../../profiles/", $file)))),*]
    };
}

/// The built-in profiles, as (file name, TOML text).
pub(crate) const BUILTIN: &[(&str, &str)] = builtin_profiles![
    "etcd-zap.toml",
    "etcd-capnslog.toml",
    "etcd-journald.toml",
    "memberlist.toml",
    "hclog-json.toml",
    "cassandra.toml",
    "akka.toml",
    "mongodb-json.toml",
    "mongodb-text.toml",
    "elasticsearch.toml",
    "elasticsearch-json.toml",
    "elasticsearch-json7.toml",
    "redis-sentinel.toml",
    "keepalived.toml",
    "haproxy.toml",
    "kubernetes.toml",
    "cockroachdb.toml",
    "zookeeper.toml",
    "nats.toml",
    "rabbitmq.toml",
];

/// Most rules one profile may have: 500. The largest built-in profile has a few dozen; every
/// rule whose literal a line holds is tried on it, so rules multiply the cost of every line.
pub(crate) const MAX_RULES: usize = 500;

/// Most compiled size of one regex: 256 KiB (`RegexBuilder::size_limit`). The built-in patterns
/// compile to a few KiB each; a pattern past this (`(\w+){100}` and the like) is refused.
pub(crate) const MAX_REGEX_BYTES: usize = 256 << 10;

/// Most lazy-DFA cache of one regex, per thread that runs it: 1 MiB
/// (`RegexBuilder::dfa_size_limit`, half the regex crate's default), so that a profile's many
/// regexes cannot each grow a large cache as lines go by.
const MAX_DFA_BYTES: usize = 1 << 20;

/// A regex is charged this much against [`MAX_COMPILED_BYTES`] when it compiles within it,
/// and [`MAX_REGEX_BYTES`] otherwise: an upper bound of its compiled size.
const SMALL_REGEX_BYTES: usize = 16 << 10;

/// Most compiled regex size of the profiles an export adds (and of each one): 32 MiB, by the
/// charges above. That is 2,048 small regexes or 128 at the largest size: far more than a
/// system's log needs, and it keeps the compile time and memory of user profiles to seconds
/// and tens of MiB (10,000 heavy rules once took 9.3 GB and 43 s).
pub(crate) const MAX_COMPILED_BYTES: usize = 32 << 20;

/// The longest `last_heard`: 10 minutes. Each line such a rule reads becomes one observation
/// per second of it.
pub(crate) const MAX_LAST_HEARD_NS: i64 = 600_000_000_000;

/// Compiles a pattern of a profile within the limits above; returns it and what it is charged.
pub(crate) fn compile(pattern: &str) -> Result<(Regex, usize), regex::Error> {
    let build = |limit| {
        RegexBuilder::new(pattern)
            .size_limit(limit)
            .dfa_size_limit(MAX_DFA_BYTES)
            .build()
    };
    match build(SMALL_REGEX_BYTES) {
        Ok(r) => Ok((r, SMALL_REGEX_BYTES)),
        Err(regex::Error::CompiledTooBig(_)) => {
            build(MAX_REGEX_BYTES).map(|r| (r, MAX_REGEX_BYTES))
        }
        Err(e) => Err(e),
    }
}

/// What a recognised line says about the link between the logging node A and the peer B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Direction {
    /// A tried to send to or connect to B (`A→B`).
    ToPeer,
    /// A expected traffic from B (`A⇠B`).
    FromPeer,
    /// A request and its answer: one of the two directions, not which.
    RoundTrip,
}

/// What a rule's line shows of the link between A (the logging node) and B, which decides the
/// direction the rule may claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Basis {
    /// A received B's message (a vote, a heartbeat, a higher term): `B→A` arrived.
    Received,
    /// Traffic B sends unasked (heartbeats, a stream B pushes) stopped reaching A: `B⇢A`.
    Silence,
    /// A asked B and got no answer in time (an RPC, a ping, a probe): one of the two
    /// directions failed, not which.
    Request,
    /// A's connection attempt to B failed or timed out: the handshake goes both ways.
    Connect,
    /// A request was answered or a connection works: both directions carried something.
    Answered,
    /// A's sending to B failed on A's side of an established path (a send buffer full, a
    /// message dropped for B): `A→B`.
    Send,
}

impl Basis {
    /// The direction and result a line of this basis may claim.
    pub(crate) fn allows(self, evidence: Direction, ok: bool) -> bool {
        match self {
            Basis::Received => evidence == Direction::FromPeer && ok,
            Basis::Silence => evidence == Direction::FromPeer && !ok,
            Basis::Request | Basis::Connect => evidence == Direction::RoundTrip && !ok,
            Basis::Answered => evidence == Direction::RoundTrip && ok,
            Basis::Send => evidence == Direction::ToPeer && !ok,
        }
    }

    fn claim(self) -> &'static str {
        match self {
            Basis::Received => "evidence = \"from_peer\" with ok = true",
            Basis::Silence => "evidence = \"from_peer\" with ok = false",
            Basis::Request | Basis::Connect => "evidence = \"round_trip\" with ok = false",
            Basis::Answered => "evidence = \"round_trip\" with ok = true",
            Basis::Send => "evidence = \"to_peer\" with ok = false",
        }
    }
}

/// Whose event a rule's line gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Subject {
    /// The logging node's (the default).
    #[serde(rename = "self")]
    Logger,
    /// The peer's, as the logging node saw it: a health check of the peer (the event's peer is
    /// then the logging node, the prober).
    Peer,
}

/// What to do with the logging node's idea of its current leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum LeaderUpdate {
    /// The peer is now the leader.
    Set,
    /// The node has no leader.
    Clear,
    /// The node has a leader it does not name (ZooKeeper's `FOLLOWING`): a later line about its
    /// leader means the cluster's leader at that time, by the other nodes' word.
    Unnamed,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLayout {
    ts: String,
    msg: String,
    #[serde(default)]
    level: Option<String>,
    /// Other keys a collector may have renamed the time and the message to (`timestamp`,
    /// `message`), tried when the line lacks `ts` or `msg`.
    #[serde(default)]
    ts_also: Vec<String>,
    #[serde(default)]
    msg_also: Vec<String>,
    /// Keys every line of the layout has: a JSON line without them is another program's.
    #[serde(default)]
    requires: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextLayout {
    pattern: String,
    #[serde(default = "auto")]
    ts_format: String,
    #[serde(default)]
    names_program: bool,
}

fn auto() -> String {
    "auto".to_owned()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    msg: String,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    when: BTreeMap<String, String>,
    #[serde(default)]
    unless: BTreeMap<String, String>,
    #[serde(default)]
    peer: Option<String>,
    #[serde(default)]
    each_peer: Option<String>,
    #[serde(default)]
    heard: Option<String>,
    #[serde(default)]
    peer_prefix: Option<String>,
    #[serde(default)]
    peer_tied: bool,
    #[serde(default)]
    evidence: Option<Direction>,
    #[serde(default)]
    ok: Option<bool>,
    #[serde(default)]
    channel: Option<Channel>,
    #[serde(default)]
    last_heard: Option<String>,
    #[serde(default)]
    peer_sends_every: Option<String>,
    #[serde(default)]
    timeout_late: Option<String>,
    #[serde(default)]
    watches_arrivals: bool,
    #[serde(default)]
    remember: Option<String>,
    #[serde(default)]
    holds: bool,
    #[serde(default)]
    news_only: bool,
    #[serde(default)]
    reconfigures: Option<Channel>,
    #[serde(default)]
    standing: Option<String>,

    #[serde(default)]
    quiet: bool,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    also: Also,
    #[serde(default)]
    subject: Option<Subject>,
    #[serde(default)]
    term: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    role_is: Option<String>,
    #[serde(default)]
    leader: Option<LeaderUpdate>,
    #[serde(default)]
    names_leader: Option<String>,
    #[serde(default)]
    self_id: Option<String>,
    #[serde(default)]
    self_name: Option<String>,
    #[serde(default)]
    alias: Vec<String>,
    #[serde(default)]
    basis: Option<Basis>,
    #[serde(default)]
    why: Option<String>,
}

/// A rule's `also`: one more event kind, or a list of them.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Also {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Also {
    fn kinds(&self) -> &[String] {
        match self {
            Also::None => &[],
            Also::One(k) => std::slice::from_ref(k),
            Also::Many(ks) => ks,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileSpec {
    name: String,
    system: String,
    title: String,
    #[serde(default)]
    programs: Vec<String>,
    #[serde(default)]
    units: Vec<String>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    self_name: Option<String>,
    #[serde(default)]
    self_id: Option<String>,
    #[serde(default)]
    process_roles: BTreeMap<String, String>,
    #[serde(default)]
    pid_restarts: bool,
    #[serde(default)]
    json: Option<JsonLayout>,
    #[serde(default)]
    text: Vec<TextLayout>,
    /// Whether lines none of its rules reads are read by their wording (`wording.toml`).
    #[serde(default = "yes")]
    wording: bool,
    /// Where its failed requests and connections say the peer's host refused them.
    #[serde(default)]
    refused: Option<RefusedSpec>,
    /// Which lines say the process exits after writing them.
    #[serde(default)]
    exit: Option<ExitSpec>,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleSpec>,
}

/// Where a profile's lines say that the peer's host refused a connection (`[refused]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefusedSpec {
    /// The field (or capture) that holds the error: `msg` for a text layout.
    field: String,
    /// What the error says when the host refused (a regex).
    #[serde(default = "refused_pattern")]
    pattern: String,
}

/// The lines a profile's program writes as it exits (`[exit]`): its logger's fatal level, which
/// ends the process once the line is out (klog's `F` lines, zap's `fatal` and `panic`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExitSpec {
    /// A regex on the whole line as it arrived, envelope and all: the level as it is printed.
    line: String,
    /// Why such a line means the process exits, in one line.
    why: String,
}

fn refused_pattern() -> String {
    // Windows words it `No connection could be made because the target machine actively
    // refused it` (WSAECONNREFUSED).
    r"(?i)\bconnection refused\b|\bECONNREFUSED\b|\bactively refused\b".to_owned()
}

/// Why a refused request or connection is read as `peer_down` with no link evidence.
const REFUSED_WHY: &str = "B's host answered that nothing listens on the port: B's process is down and the path to it works, so the line is no link evidence";

fn yes() -> bool {
    true
}

/// The rules that read a message by its wording alone (`ingest/profiles/wording.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordingSpec {
    name: String,
    title: String,
    #[serde(rename = "rule")]
    rules: Vec<RuleSpec>,
}

/// How a profile's lines are laid out.
#[derive(Clone, Debug)]
pub(crate) enum Layout {
    /// One JSON object per line.
    Json {
        /// The time's key, then the other keys it may go by.
        ts: Vec<String>,
        /// The message's key, then the other keys it may go by.
        msg: Vec<String>,
        level: Option<String>,
        /// Keys every line has.
        requires: Vec<String>,
    },
    /// Text lines matching one of several patterns (a file may mix layouts, e.g. etcd 3.4's
    /// capnslog lines and its raft lines).
    Text(Vec<TextPattern>),
}

/// One text layout.
#[derive(Clone, Debug)]
pub(crate) struct TextPattern {
    pub(crate) regex: Pattern,
    pub(crate) ts_format: String,
    /// The pattern captures a time (`ts`); without one, the line's envelope gives it.
    pub(crate) has_ts: bool,
    /// The layout is the program's own (HAProxy's `[WARNING]  (8) : ` header): a line it fits
    /// names the profile's program as its writer, where no envelope does.
    pub(crate) names_program: bool,
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) msg: String,
    pub(crate) regex: Option<Pattern>,
    pub(crate) when: Vec<(String, Pattern)>,
    pub(crate) unless: Vec<(String, Pattern)>,
    pub(crate) peer: Option<String>,
    /// A line that names several peers (`Marking node(s) as UNREACHABLE [Member(…), Member(…)]`):
    /// every match of this regex past the first peer gives the line again, about its `peer`.
    pub(crate) each_peer: Option<Pattern>,
    /// A line that names peers whose messages reached the node besides what it says (the
    /// members whose joins completed an election, `{node-b}… completing election`): each match's
    /// `peer` gives a delivered observation from it and a `peer_up`.
    pub(crate) heard: Option<Pattern>,
    /// Put before a peer the line names by number alone (`node 2` of a system whose members go
    /// by `n2`).
    pub(crate) peer_prefix: Option<String>,
    /// The peer is named only when another line of the export ties the name to a node (an
    /// alias, a member's own id): a name nothing ties may be the node's own, unknown to it.
    pub(crate) peer_tied: bool,
    pub(crate) evidence: Option<Direction>,
    pub(crate) ok: bool,
    pub(crate) channel: Channel,
    /// A read timeout: how long before the line the peer was last heard. A duration, or a
    /// formula of settings (`sync_limit*tick_ms`), each remembered from a line of the same
    /// file (`remember`), else set by the node's configuration file in the export.
    /// The timeout watches the traffic the profile's `received` lines about the peer log (a
    /// VRRP backup's adverts): one such line less than the timeout before it dates the
    /// silence from that arrival, or, less than the timeout and its lateness, shows that the
    /// timer did not run on silence.
    pub(crate) watches_arrivals: bool,
    pub(crate) last_heard: Option<Length>,
    /// How often the peer sends what the timeout watches: the silence began up to this long
    /// after the last arrival.
    pub(crate) peer_sends_every: Option<Length>,
    /// How late the timeout can fire: the last arrival was up to this long before
    /// `ts − last_heard`.
    pub(crate) timeout_late: Option<Length>,
    /// The setting the line states (its `value` capture, a number), remembered under this name
    /// for later lines of the same file.
    pub(crate) remember: Option<String>,
    /// The failure the line shows lasts until the same node logs the peer up again.
    pub(crate) holds: bool,
    /// The line's event is given only when it is news: the node's last word on the peer
    /// (up, down, unreachable, suspect, failed), on its own life (start, shutdown, restart),
    /// or the role it took (a role change with a `role`), was not already this one.
    pub(crate) news_only: bool,
    /// The line says the node was told to change whom it connects to on this channel (Redis's
    /// `REPLICAOF … enabled (user request …)`, replication): connections on it that end around
    /// the line, its own and its peers' to it, ended by that change, not by the network.
    pub(crate) reconfigures: Option<Channel>,
    /// The leader the line names is the one the node followed before it too, back to the last
    /// line that `reconfigures` and no further back than this many nanoseconds
    /// ([`Out::Standing`]).
    pub(crate) standing: Option<i64>,
    /// The message is known and says nothing rift reads (`why` says why): the line is counted
    /// as not recognised with that reason, and the wording rules leave it alone.
    pub(crate) quiet: bool,
    pub(crate) event: Option<EventKind>,
    /// Further events the same line gives, about the same peer (a line that says two things:
    /// Elasticsearch's `elected-as-master … master node changed`).
    pub(crate) also: Vec<EventKind>,
    /// The events are the peer's (`subject = "peer"`), not the logging node's.
    pub(crate) about_peer: bool,
    pub(crate) term: Option<String>,
    pub(crate) role: Option<String>,
    /// The role a line means without naming it (Vault's `post-unseal setup complete`: active).
    pub(crate) role_is: Option<String>,
    pub(crate) leader: Option<LeaderUpdate>,
    /// The field with the leader the logging node says it has, besides the line's peer (a vote
    /// refused `since we have a leader: ADDR`): a leader other than the one it had is a
    /// leader_change.
    pub(crate) names_leader: Option<String>,
    pub(crate) self_id: Option<String>,
    pub(crate) self_name: Option<String>,
    /// Fields naming the same node (at least two), the one to name it by first.
    pub(crate) alias: Option<Vec<String>>,
    /// What the line shows of the link, which bounds the direction it claims.
    pub(crate) basis: Option<Basis>,
    /// Why the line shows that, in one line.
    pub(crate) why: Option<String>,
    /// A rule of the wording set: its events say they were read from the words alone.
    pub(crate) worded: bool,
    /// Made by the profile's `[refused]` from the rule after it.
    pub(crate) refused_twin: bool,
}

/// One rule of a profile, in words (`rift profiles NAME`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSummary {
    /// The literal a line's message contains.
    pub msg: String,
    /// The event kind it gives, if any (`role_change + leader_change` for two; `… of B` when the
    /// event is the peer's).
    pub event: Option<String>,
    /// The direction and result it claims (`A⇄B failed`), if any.
    pub evidence: Option<String>,
    /// What its line shows of the link (`request`, `silence`, …).
    pub basis: Option<String>,
    /// Why, in one line.
    pub why: Option<String>,
    /// The message is known and means nothing rift reads.
    pub quiet: bool,
}

/// A compiled profile.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Unique id.
    pub name: String,
    /// The system whose logs it reads.
    pub system: String,
    /// A one-line description.
    pub title: String,
    /// The program names its system's daemons log under (syslog's tag, journald's identifier).
    pub programs: Vec<String>,
    /// How the systemd units that distributions ship for its daemons describe themselves, where
    /// the description does not start with the system's or a program's name (Debian's
    /// `Keepalive Daemon (LVS and VRRP)`).
    pub units: Vec<String>,
    /// The versions of its system its rules were checked against, each with fixture lines
    /// under `tests/fixtures/versions/PROFILE/VERSION/`.
    pub versions: Vec<String>,
    /// The field whose error says a peer's host refused a request or connection (`[refused]`):
    /// the profile's failed requests and connections then give `peer_down`, no link evidence.
    pub refused: Option<String>,
    /// The field in which every line names the node that wrote it (Elasticsearch's
    /// `node.name`): each recognised line announces that name as its node's.
    pub(crate) self_name: Option<String>,
    /// The field in which lines name their writer by another of its names (Akka's `Cluster
    /// Node [akka://sys@host:port]`): each recognised line adds it to its node's names.
    pub(crate) self_id: Option<String>,
    /// The role each value of the layout's `role` capture gives the process that wrote the
    /// line (Redis's `M` master, `S` replica): a process (`pid`) whose lines go from one to
    /// another changed its role there.
    pub(crate) process_roles: BTreeMap<String, String>,
    /// The layout's `pid` is the operating system's process id of the node's program: one that
    /// replaces another for good is a restart.
    pub(crate) pid_restarts: bool,
    pub(crate) layout: Layout,
    pub(crate) rules: Vec<Rule>,
    /// Which rules a line's literals pick.
    pub(crate) literals: Literals,
    /// Lines none of its rules reads are read by their wording ([`Wording`]).
    pub(crate) wording: bool,
    /// The lines its program writes as it exits (`[exit]`, matched on the raw line), and the
    /// rule, last of `rules` and picked by no literal, that reads them as a shutdown.
    pub(crate) exit: Option<(Pattern, usize)>,
    /// What its regexes are charged against [`MAX_COMPILED_BYTES`].
    pub(crate) compiled_bytes: usize,
}

/// The literals of a list of rules, and which rules each picks.
#[derive(Clone, Debug)]
pub(crate) struct Literals {
    /// Finds every rule literal in a line at once.
    all: AhoCorasick,
    /// Tells whether a line holds any rule literal: most lines hold none. Leftmost matching
    /// lets it skip ahead with a vectorised prefilter, which the overlapping search above cannot
    /// use.
    any: AhoCorasick,
    /// For each literal pattern, the rules that use it.
    by_literal: Vec<Vec<usize>>,
}

impl Literals {
    /// The literal scanners of `rules`, `escape`d as their lines hold them, matched without
    /// regard to ASCII case when `caseless`.
    fn new(
        rules: &[Rule],
        escape: impl Fn(&str) -> String,
        caseless: bool,
    ) -> Result<Literals, aho_corasick::BuildError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut by_literal: Vec<Vec<usize>> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let lit = escape(&r.msg);
            match patterns.iter().position(|p| *p == lit) {
                Some(p) => by_literal[p].push(i),
                None => {
                    patterns.push(lit);
                    by_literal.push(vec![i]);
                }
            }
        }
        let all = AhoCorasick::builder()
            .ascii_case_insensitive(caseless)
            .build(&patterns)?;
        let any = AhoCorasick::builder()
            .ascii_case_insensitive(caseless)
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(&patterns)?;
        Ok(Literals {
            all,
            any,
            by_literal,
        })
    }

    /// Whether `line` holds any literal.
    pub(crate) fn any(&self, line: &str) -> bool {
        self.any.is_match(line)
    }

    /// The rules whose literal `line` holds, in their order, into `out`.
    pub(crate) fn candidates(&self, line: &str, out: &mut Vec<usize>) {
        out.clear();
        // Most lines hit no literal: the leftmost search skips ahead with its prefilter, while
        // the overlapping one must step through every byte.
        if !self.any(line) {
            return;
        }
        for m in self.all.find_overlapping_iter(line) {
            out.extend_from_slice(&self.by_literal[m.pattern().as_usize()]);
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// The rules that read a line by its wording alone, when none of its profile's rules reads it
/// (`ingest/profiles/wording.toml`). They give events, never link evidence: words say what a node
/// experienced, not which way messages failed to flow.
#[derive(Clone, Debug)]
pub struct Wording {
    /// Its name (`wording`).
    pub name: String,
    /// A one-line description.
    pub title: String,
    pub(crate) rules: Vec<Rule>,
    /// Matched without regard to case.
    pub(crate) literals: Literals,
    /// Every rule's regex at once, compiled for ASCII text (a far smaller automaton than with
    /// Unicode's classes and case folding, and the same matches on a line that is all ASCII):
    /// one pass over a line tells which rules may read it, before the line is parsed at all.
    set: regex::bytes::RegexSet,
}

impl Wording {
    /// Compiles the wording rules from TOML text; `source` names it in errors. `deferred`
    /// leaves each rule's regex to its first use ([`Pattern`]), for the built-in wording.
    pub(crate) fn parse(text: &str, source: &str, deferred: bool) -> Result<Wording, ProfileError> {
        let spec: WordingSpec = toml::from_str(text).map_err(|e| toml_error(text, source, &e))?;
        let mut c = Compiler {
            file: source,
            profile: crate::inert::clip(&spec.name),
            compiled_bytes: 0,
            deferred,
        };
        let mut rules = Vec::with_capacity(spec.rules.len());
        for (i, r) in spec.rules.iter().enumerate() {
            let at = || format!("rule {} ('{}')", i + 1, crate::inert::clip(&r.msg));
            let mut rule = c.rule(i, r)?;
            if rule.regex.is_none() || rule.event.is_none() || rule.why.is_none() {
                return Err(c.bad(format!(
                    "{}: a wording rule needs a regex, an event and a why",
                    at()
                )));
            }
            if rule.evidence.is_some()
                || rule.leader.is_some()
                || rule.names_leader.is_some()
                || rule.self_id.is_some()
                || rule.self_name.is_some()
                || rule.alias.is_some()
                || rule.last_heard.is_some()
                || rule.remember.is_some()
            {
                return Err(c.bad(format!(
                    "{}: a wording rule gives an event only: no evidence, leader, self or alias",
                    at()
                )));
            }
            rule.worded = true;
            rules.push(rule);
        }
        let literals = Literals::new(&rules, str::to_owned, true)
            .map_err(|e| c.bad(format!("rule literals do not compile: {e}")))?;
        let set = regex::bytes::RegexSetBuilder::new(
            rules
                .iter()
                .map(|r| r.regex.as_ref().map_or("", |x| x.as_str())),
        )
        .unicode(false)
        .size_limit(MAX_COMPILED_BYTES)
        .dfa_size_limit(4 * MAX_DFA_BYTES)
        .build()
        .map_err(|e| c.bad(format!("the rules' regexes do not compile as one set: {e}")))?;
        Ok(Wording {
            name: spec.name,
            title: spec.title,
            rules,
            literals,
            set,
        })
    }

    /// Whether some rule's regex matches `line` (a raw line or a message): most lines that hold
    /// a literal say nothing these rules read, and are then not parsed for them.
    pub(crate) fn says(&self, line: &str) -> bool {
        self.literals.any(line) && (!line.is_ascii() || self.set.is_match(line.as_bytes()))
    }

    /// The rules that may read the message `msg`, in their order, into `out`: those whose regex
    /// matches it, or (in a message with other than ASCII) whose literal it holds.
    pub(crate) fn candidates(&self, msg: &str, out: &mut Vec<usize>) {
        if msg.is_ascii() {
            out.clear();
            out.extend(self.set.matches(msg.as_bytes()).iter());
        } else {
            self.literals.candidates(msg, out);
        }
    }

    /// What each rule reads and concludes, in words.
    pub fn rule_summaries(&self) -> Vec<RuleSummary> {
        summaries(&self.rules)
    }
}

/// What the wording rules made of each message a JSON log has repeated. A log says the same few
/// things over and over (`Connection accepted`, `Check status updated`), with a new time and new
/// fields each time; its message is found in the raw line without parsing it, and the rules'
/// verdict on it is looked up instead of searched for again.
pub(crate) struct WordingMemo {
    /// `"msg":`, as the record holds its message's key.
    plain: memchr::memmem::Finder<'static>,
    /// `\"msg\":`, as an envelope that escaped the record (docker's `log`, Loki's `line`) holds it.
    escaped: memchr::memmem::Finder<'static>,
    seen: rustc_hash::FxHashMap<Box<str>, bool>,
}

impl WordingMemo {
    /// At most this many messages are remembered; then the memo starts again.
    const MAX: usize = 4096;

    /// A memo for the lines of `profile`: only for a JSON layout whose message is a top-level
    /// key (the only place it can be found without parsing the line).
    pub(crate) fn new(profile: &Profile) -> Option<WordingMemo> {
        match &profile.layout {
            // The message's own key: a line that names it otherwise (`msg_also`) is searched
            // whole.
            Layout::Json { msg, .. } => {
                let msg = msg.first()?;
                if msg.contains(['.', '"', '\\']) {
                    return None;
                }
                Some(WordingMemo {
                    plain: memchr::memmem::Finder::new(format!("\"{msg}\":").as_bytes())
                        .into_owned(),
                    escaped: memchr::memmem::Finder::new(format!("\\\"{msg}\\\":").as_bytes())
                        .into_owned(),
                    seen: rustc_hash::FxHashMap::default(),
                })
            }
            _ => None,
        }
    }

    /// Whether some wording rule may read `raw`: [`Wording::says`] of its message where the line
    /// holds it plainly (once, with no escape in it), else of the whole line.
    pub(crate) fn says(&mut self, wording: &Wording, raw: &str) -> bool {
        let Some(msg) = self.message(raw) else {
            return wording.says(raw);
        };
        if let Some(&said) = self.seen.get(msg) {
            return said;
        }
        let said = wording.says(msg);
        if self.seen.len() >= Self::MAX {
            self.seen.clear();
        }
        self.seen.insert(msg.into(), said);
        said
    }

    /// The message of `raw`, as its text holds it: the value of the only `"msg":` key in the line
    /// (or `\"msg\":`, escaped by an envelope), when it holds no escape.
    fn message<'a>(&self, raw: &'a str) -> Option<&'a str> {
        let line = raw.as_bytes();
        let (key, quote, at) = match self.plain.find(line) {
            Some(at) => (&self.plain, "\"", at),
            None => (&self.escaped, "\\\"", self.escaped.find(line)?),
        };
        let at = at + key.needle().len();
        if key.find(&line[at..]).is_some() {
            return None;
        }
        let value = raw[at..].trim_start_matches(' ').strip_prefix(quote)?;
        let end = value.find(['"', '\\'])?;
        value[end..].starts_with(quote).then(|| &value[..end])
    }
}

/// The built-in wording rules, compiled once per process.
pub(crate) fn wording_shared() -> &'static Result<Wording, ProfileError> {
    static COMPILED: std::sync::OnceLock<Result<Wording, ProfileError>> =
        std::sync::OnceLock::new();
    COMPILED.get_or_init(|| Wording::parse(WORDING, "profiles/wording.toml", true))
}

/// The built-in wording rules, compiled.
pub fn wording() -> Result<Wording, ProfileError> {
    wording_shared().clone()
}

/// The wording rules' TOML text.
const WORDING: &str = include_str!("../../profiles/wording.toml");

/// A TOML error of `text` (from `source`) with its line.
fn toml_error(text: &str, source: &str, e: &toml::de::Error) -> ProfileError {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(0);
    ProfileError::Toml {
        file: source.to_owned(),
        line,
        message: e.message().to_owned(),
    }
}

/// Compiles one profile's layout and rules, charging its regexes against the budget and naming
/// the profile in every error.
struct Compiler<'a> {
    file: &'a str,
    profile: String,
    /// What its regexes are charged so far against [`MAX_COMPILED_BYTES`].
    compiled_bytes: usize,
    /// A built-in profile: its regexes are compiled on first use ([`Pattern`]), each charged
    /// as a small one.
    deferred: bool,
}

impl Compiler<'_> {
    fn bad(&self, reason: String) -> ProfileError {
        ProfileError::Invalid {
            file: self.file.to_owned(),
            profile: self.profile.clone(),
            reason,
        }
    }

    /// Compiles `pattern` (`what` names it in errors) and charges it against the budget.
    fn regex(&mut self, what: &dyn Fn() -> String, pattern: &str) -> Result<Pattern, ProfileError> {
        if self.deferred {
            self.compiled_bytes += SMALL_REGEX_BYTES;
            return Ok(Pattern::deferred(pattern));
        }
        let (regex, charged) = compile(pattern).map_err(|e| {
            self.bad(format!(
                "{} does not compile within {} bytes: {}",
                what(),
                crate::input::thousands(MAX_REGEX_BYTES as u64),
                crate::inert::clip(&e.to_string())
            ))
        })?;
        self.compiled_bytes += charged;
        if self.compiled_bytes > MAX_COMPILED_BYTES {
            return Err(self.bad(format!(
                "its regexes compile to more than {} bytes (the limit; each is counted as {} or {} bytes): fewer or simpler patterns",
                crate::input::thousands(MAX_COMPILED_BYTES as u64),
                crate::input::thousands(SMALL_REGEX_BYTES as u64),
                crate::input::thousands(MAX_REGEX_BYTES as u64),
            )));
        }
        Ok(Pattern::compiled(regex))
    }

    /// The layout: JSON fields, or text patterns with `ts` and `msg` captures.
    fn layout(&mut self, spec: &ProfileSpec) -> Result<Layout, ProfileError> {
        Ok(match (&spec.json, spec.text.is_empty()) {
            (Some(j), true) => Layout::Json {
                ts: std::iter::once(&j.ts).chain(&j.ts_also).cloned().collect(),
                msg: std::iter::once(&j.msg)
                    .chain(&j.msg_also)
                    .cloned()
                    .collect(),
                level: j.level.clone(),
                requires: j.requires.clone(),
            },
            (None, false) => {
                let mut pats = Vec::new();
                for t in &spec.text {
                    let regex = self.regex(&|| "text pattern".to_owned(), &t.pattern)?;
                    let has_ts = regex.has_capture("ts");
                    if !regex.has_capture("msg") {
                        return Err(self.bad(format!(
                            "text pattern '{}' has no named capture 'msg'",
                            crate::inert::clip(&t.pattern)
                        )));
                    }
                    pats.push(TextPattern {
                        regex,
                        ts_format: t.ts_format.clone(),
                        has_ts,
                        names_program: t.names_program,
                    });
                }
                Layout::Text(pats)
            }
            _ => {
                return Err(self.bad(
                    "give exactly one layout: a [json] table or [[text]] patterns".to_owned(),
                ));
            }
        })
    }

    /// Rule `i` (0-based) of the profile, compiled.
    fn rule(&mut self, i: usize, r: &RuleSpec) -> Result<Rule, ProfileError> {
        if r.msg.is_empty() {
            return Err(self.bad(format!("rule {} has an empty msg literal", i + 1)));
        }
        let event = r
            .event
            .as_deref()
            .map(|e| e.parse::<EventKind>())
            .transpose()
            .map_err(|e| self.bad(format!("rule {}: {e}", i + 1)))?
            .or_else(|| implied_event(r));
        let also = r
            .also
            .kinds()
            .iter()
            .map(|e| e.parse::<EventKind>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.bad(format!("rule {}: also: {e}", i + 1)))?;
        let about_peer = r.subject == Some(Subject::Peer);
        if about_peer && (r.peer.is_none() || event.is_none()) {
            return Err(self.bad(format!(
                "rule {} ('{}'): subject = \"peer\" gives the peer an event, so the rule needs a peer and an event",
                i + 1,
                crate::inert::clip(&r.msg)
            )));
        }
        if !also.is_empty() && (event.is_none() || also.iter().any(|a| Some(*a) == event)) {
            return Err(self.bad(format!(
                "rule {} ('{}'): also names a second event, so the rule needs an event of another kind",
                i + 1,
                crate::inert::clip(&r.msg)
            )));
        }
        if r.evidence.is_some() && r.peer.is_none() {
            return Err(self.bad(format!(
                "rule {} ('{}') gives evidence but no peer",
                i + 1,
                crate::inert::clip(&r.msg)
            )));
        }
        if let (Some(basis), Some(evidence)) = (r.basis, r.evidence)
            && !basis.allows(evidence, r.ok.unwrap_or(false))
        {
            return Err(self.bad(format!(
                "rule {} ('{}'): basis {basis:?} shows no more than {}",
                i + 1,
                crate::inert::clip(&r.msg),
                basis.claim()
            )));
        }
        // A duration (`5s`), or a formula of settings the log stated or a configuration set.
        let length = |key: &str, text: &Option<String>| {
            text.as_deref()
                .map(Length::parse)
                .transpose()
                .map_err(|e| self.bad(format!("rule {}: {key}: {e}", i + 1)))
        };
        let last_heard = length("last_heard", &r.last_heard)?;
        let peer_sends_every = length("peer_sends_every", &r.peer_sends_every)?;
        let timeout_late = length("timeout_late", &r.timeout_late)?;
        if (peer_sends_every.is_some() || timeout_late.is_some() || r.watches_arrivals)
            && last_heard.is_none()
        {
            return Err(self.bad(format!(
                "rule {}: peer_sends_every, timeout_late and watches_arrivals qualify a last_heard, and it has none",
                i + 1
            )));
        }
        if let Some(Length::Fixed(d)) = last_heard
            && d > MAX_LAST_HEARD_NS
        {
            return Err(self.bad(format!(
                "rule {}: last_heard is longer than {} (each line it reads becomes one observation per second of it)",
                i + 1,
                crate::time::format_duration(MAX_LAST_HEARD_NS)
            )));
        }
        if r.holds && (r.evidence.is_none() || r.ok.unwrap_or(false)) {
            return Err(self.bad(format!(
                "rule {} ('{}'): holds needs evidence and ok = false: it keeps a failure in force until the peer is logged up again",
                i + 1,
                crate::inert::clip(&r.msg)
            )));
        }
        let standing = match length("standing", &r.standing)? {
            None => None,
            Some(Length::Fixed(d)) if r.leader == Some(LeaderUpdate::Set) && r.peer.is_some() => {
                Some(d)
            }
            Some(_) => {
                return Err(self.bad(format!(
                    "rule {} ('{}'): standing takes a duration (`1s`), with leader = \"set\" and a peer: it names the leader the node already had",
                    i + 1,
                    crate::inert::clip(&r.msg)
                )));
            }
        };
        let alias = match r.alias.as_slice() {
            [] => None,
            [_] => {
                return Err(self.bad(format!(
                    "rule {}: alias takes two or more field names",
                    i + 1
                )));
            }
            fields => Some(fields.to_vec()),
        };
        let regex = r
            .regex
            .as_deref()
            .map(|p| self.regex(&|| format!("rule {}: regex", i + 1), p))
            .transpose()?;
        let each_peer = r
            .each_peer
            .as_deref()
            .map(|p| self.regex(&|| format!("rule {}: each_peer", i + 1), p))
            .transpose()?;
        if let Some(re) = &each_peer
            && (!re.has_capture("peer") || r.peer.as_deref().is_none_or(|p| p.starts_with('@')))
        {
            return Err(self.bad(format!(
                "rule {} ('{}'): each_peer needs a named capture 'peer', and the rule a peer field it fills",
                i + 1,
                crate::inert::clip(&r.msg)
            )));
        }
        let heard = r
            .heard
            .as_deref()
            .map(|p| self.regex(&|| format!("rule {}: heard", i + 1), p))
            .transpose()?;
        if let Some(re) = &heard
            && !re.has_capture("peer")
        {
            return Err(self.bad(format!(
                "rule {} ('{}'): heard needs a named capture 'peer'",
                i + 1,
                crate::inert::clip(&r.msg)
            )));
        }
        let mut conditions = [Vec::new(), Vec::new()];
        for (out, m) in conditions.iter_mut().zip([&r.when, &r.unless]) {
            for (k, v) in m {
                let what = || format!("rule {}: condition on '{}'", i + 1, crate::inert::clip(k));
                out.push((k.clone(), self.regex(&what, v)?));
            }
        }
        let [when, unless] = conditions;
        let captures_value = regex.as_ref().is_some_and(|re| re.has_capture("value"));
        if r.remember.is_some() && !captures_value {
            return Err(self.bad(format!(
                "rule {} ('{}'): remember takes the regex's `value` capture, and it has none",
                i + 1,
                crate::inert::clip(&r.msg)
            )));
        }
        let gives = event.is_some()
            || r.evidence.is_some()
            || r.leader.is_some()
            || r.names_leader.is_some()
            || r.self_id.is_some()
            || r.self_name.is_some()
            || alias.is_some();
        if r.quiet && (gives || r.why.as_deref().is_none_or(|w| w.trim().is_empty())) {
            return Err(self.bad(format!(
                "rule {} ('{}'): quiet = true says the message means nothing: it takes a why and gives nothing",
                i + 1,
                crate::inert::clip(&r.msg)
            )));
        }
        Ok(Rule {
            msg: r.msg.clone(),
            regex,
            when,
            unless,
            peer: r.peer.clone(),
            each_peer,
            heard,
            peer_prefix: r.peer_prefix.clone(),
            peer_tied: r.peer_tied,
            evidence: r.evidence,
            ok: r.ok.unwrap_or(false),
            channel: r.channel.unwrap_or(Channel::Heartbeat),
            last_heard,
            peer_sends_every,
            timeout_late,
            watches_arrivals: r.watches_arrivals,
            remember: r.remember.clone(),
            holds: r.holds,
            news_only: r.news_only,
            reconfigures: r.reconfigures,
            standing,
            quiet: r.quiet,
            event,
            also,
            about_peer,
            term: r.term.clone(),
            role: r.role.clone(),
            role_is: r.role_is.clone(),
            leader: r.leader,
            names_leader: r.names_leader.clone(),
            self_id: r.self_id.clone(),
            self_name: r.self_name.clone(),
            alias,
            basis: r.basis,
            why: r.why.clone(),
            worded: false,
            refused_twin: false,
        })
    }
}

/// The event a rule gives when it names none: a line that shows the logging node's request or
/// connection to the peer failing says the node could not reach it (`unreachable`), whatever the
/// system calls it, so `rift events` lists every such line, not only those whose rule says so.
fn implied_event(r: &RuleSpec) -> Option<EventKind> {
    failed_exchange(r.basis, r.evidence, r.ok.unwrap_or(false)).then_some(EventKind::Unreachable)
}

/// Whether a rule's line shows the logging node's request or connection to the peer failing.
fn failed_exchange(basis: Option<Basis>, evidence: Option<Direction>, ok: bool) -> bool {
    matches!(basis, Some(Basis::Request | Basis::Connect))
        && evidence == Some(Direction::RoundTrip)
        && !ok
}

/// The rule that reads `rule`'s lines when their error (`field`) says the peer's host refused
/// the request or connection (`[refused]`): it gives `peer_down` and no link evidence, and is
/// tried first. Only a failed request or connection to a named peer has one, and only when the
/// rule puts no condition of its own on that field (its author then said what it reads).
fn refused_twin(rule: &Rule, (field, pattern): &(String, Pattern)) -> Option<Rule> {
    let to_a_peer = rule.peer.is_some() && failed_exchange(rule.basis, rule.evidence, rule.ok);
    if !to_a_peer || rule.when.iter().any(|(k, _)| k == field) {
        return None;
    }
    let mut twin = rule.clone();
    twin.when.push((field.clone(), pattern.clone()));
    twin.evidence = None;
    twin.basis = None;
    twin.last_heard = None;
    twin.peer_sends_every = None;
    twin.timeout_late = None;
    twin.holds = false;
    twin.reconfigures = None;
    twin.standing = None;
    twin.event = Some(EventKind::PeerDown);
    twin.also = Vec::new();
    twin.about_peer = false;
    twin.why = Some(REFUSED_WHY.to_owned());
    twin.refused_twin = true;
    Some(twin)
}

/// Why a log profile cannot be used: [`Profile::parse`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The text is not TOML, or not a profile's shape.
    #[error("{file}:{line}: {message}")]
    Toml {
        /// The file (or source) the profile came from.
        file: String,
        /// The line of the problem, 0 when unknown.
        line: usize,
        /// What the TOML reader says.
        message: String,
    },
    /// The profile reads as TOML but a setting or rule cannot be used: a regex that does not
    /// compile or is too large, a rule without its literal, a budget exceeded.
    #[error("{file}: profile '{profile}': {reason}")]
    Invalid {
        /// The file (or source) the profile came from.
        file: String,
        /// The profile's name, escaped and clipped.
        profile: String,
        /// What is wrong and what to change.
        reason: String,
    },
}

impl Profile {
    /// Parses and compiles a profile from TOML text; `source` names it in error messages.
    pub fn parse(text: &str, source: &str) -> Result<Profile, ProfileError> {
        Profile::parse_as(text, source, false)
    }

    /// [`Profile::parse`], where `deferred` leaves each regex to be compiled on first use
    /// ([`Pattern`]): for the built-in profiles, which the tests compile whole.
    fn parse_as(text: &str, source: &str, deferred: bool) -> Result<Profile, ProfileError> {
        let spec: ProfileSpec = toml::from_str(text).map_err(|e| toml_error(text, source, &e))?;
        let mut c = Compiler {
            file: source,
            profile: crate::inert::clip(&spec.name),
            compiled_bytes: 0,
            deferred,
        };
        if spec.rules.len() > MAX_RULES {
            return Err(c.bad(format!(
                "{} rules; the limit is {MAX_RULES} per profile: split it, or keep the rules the logs need",
                spec.rules.len()
            )));
        }
        let layout = c.layout(&spec)?;
        let refused = spec
            .refused
            .as_ref()
            .map(|r| {
                let what = || "[refused] pattern".to_owned();
                Ok::<_, ProfileError>((r.field.clone(), c.regex(&what, &r.pattern)?))
            })
            .transpose()?;
        let mut rules = Vec::with_capacity(spec.rules.len());
        for (i, r) in spec.rules.iter().enumerate() {
            let rule = c.rule(i, r)?;
            if let Some(twin) = refused.as_ref().and_then(|f| refused_twin(&rule, f)) {
                rules.push(twin);
            }
            rules.push(rule);
        }
        // In JSON lines a quote or backslash in the literal is escaped on disk.
        let json = matches!(layout, Layout::Json { .. });
        let escape = |m: &str| if json { json_escaped(m) } else { m.to_owned() };
        let literals = Literals::new(&rules, escape, false)
            .map_err(|e| c.bad(format!("rule literals do not compile: {e}")))?;
        // After the literals: no literal picks the exit rule, the raw line's level does.
        let exit = match &spec.exit {
            Some(x) => {
                let line = c.regex(&|| "[exit] line".to_owned(), &x.line)?;
                let rule = RuleSpec {
                    msg: "[exit]".to_owned(),
                    event: Some("shutdown".to_owned()),
                    why: Some(x.why.clone()),
                    ..RuleSpec::default()
                };
                rules.push(c.rule(rules.len(), &rule)?);
                Some((line, rules.len() - 1))
            }
            None => None,
        };
        Ok(Profile {
            name: spec.name,
            system: spec.system,
            title: spec.title,
            programs: spec.programs,
            units: spec.units,
            versions: spec.versions,
            refused: spec.refused.as_ref().map(|r| r.field.clone()),
            self_name: spec.self_name,
            self_id: spec.self_id,
            process_roles: spec.process_roles,
            pid_restarts: spec.pid_restarts,
            layout,
            rules,
            literals,
            wording: spec.wording,
            exit,
            compiled_bytes: c.compiled_bytes,
        })
    }

    /// Reads and compiles a profile file named on the command line (`--profiles FILE`). It may
    /// lie anywhere, but must be a regular file of at most
    /// 1 MiB: never a FIFO or a device.
    pub fn load(path: &std::path::Path) -> Result<Profile, crate::Error> {
        let shown = crate::inert::clip(&path.to_string_lossy());
        let text = crate::input::read_named(path, None).map_err(|reason| {
            crate::Error::BadProfile(format!("--profiles '{shown}': {reason}"))
        })?;
        Profile::parse(&text, &shown).map_err(|e| crate::Error::BadProfile(e.to_string()))
    }

    /// The rules whose literal occurs in `raw`, in rule order (deduplicated).
    pub(crate) fn candidates(&self, raw: &str, out: &mut Vec<usize>) {
        self.literals.candidates(raw, out);
    }

    /// The rule that reads `raw` as its program's last line (`[exit]`), when the line is one.
    pub(crate) fn exit_rule(&self, raw: &str) -> Option<usize> {
        self.exit
            .as_ref()
            .filter(|(line, _)| line.is_match(raw))
            .map(|&(_, rule)| rule)
    }

    /// What each rule reads and concludes, in words: the literal its lines contain, the event
    /// it gives, the direction it claims, what its line shows of the link and why.
    pub fn rule_summaries(&self) -> Vec<RuleSummary> {
        summaries(&self.rules)
    }

    /// True for JSON-lines profiles.
    pub fn is_json(&self) -> bool {
        matches!(self.layout, Layout::Json { .. })
    }

    /// The number of rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
}

/// What each of `rules` reads and concludes, in words.
fn summaries(rules: &[Rule]) -> Vec<RuleSummary> {
    rules
        .iter()
        .filter(|r| !r.refused_twin)
        .map(|r| RuleSummary {
            msg: r.msg.clone(),
            event: r.event.map(|e| {
                let mut s = e.as_str().to_owned();
                for a in &r.also {
                    s = format!("{s} + {}", a.as_str());
                }
                if r.about_peer {
                    s.push_str(" of B");
                }
                s
            }),
            evidence: r.evidence.map(|d| {
                let dir = match d {
                    Direction::ToPeer => "A→B",
                    Direction::FromPeer => "A⇠B",
                    Direction::RoundTrip => "A⇄B",
                };
                format!("{dir} {}", if r.ok { "ok" } else { "failed" })
            }),
            basis: r.basis.map(|b| format!("{b:?}").to_lowercase()),
            why: r.why.clone(),
            quiet: r.quiet,
        })
        .collect()
}

fn json_escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_else(|_| s.to_owned());
    quoted[1..quoted.len() - 1].to_owned()
}

/// The built-in profiles, compiled. A built-in profile that does not compile is a bug caught by
/// the tests; it is reported rather than panicking.
pub fn builtin() -> Result<Vec<Profile>, ProfileError> {
    builtin_shared().clone()
}

/// The built-in profiles, read once per process, clones sharing them. Their regexes are compiled
/// on first use ([`Pattern`]); the test `every_builtin_pattern_compiles_within_the_limits`
/// compiles them all.
pub(crate) fn builtin_shared() -> &'static Result<Vec<Profile>, ProfileError> {
    static COMPILED: std::sync::OnceLock<Result<Vec<Profile>, ProfileError>> =
        std::sync::OnceLock::new();
    // Reading the profiles and building their literal scanners is much of a small export's run
    // time: the cores share it.
    COMPILED.get_or_init(|| {
        crate::par::map(BUILTIN.len(), |k| {
            let (file, text) = BUILTIN[k];
            Profile::parse_as(text, &format!("profiles/{file}"), true)
        })
        .into_iter()
        .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in profiles compile their regexes on first use, which cannot report an error:
    /// every pattern must compile here, under the limits and checks of a profile an export adds.
    #[test]
    fn every_builtin_pattern_compiles_within_the_limits() {
        for (file, text) in BUILTIN {
            if let Err(e) = Profile::parse(text, file) {
                panic!("{e}");
            }
        }
        if let Err(e) = Wording::parse(WORDING, "profiles/wording.toml", false) {
            panic!("{e}");
        }
    }

    #[test]
    fn every_builtin_profile_compiles_and_names_are_unique() {
        let all = builtin().unwrap();
        let mut names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len(), "duplicate profile names");
        assert!(all.iter().all(|p| p.rule_count() > 0));
    }

    /// Words of a line about a request that got no answer, or a connection that was not made.
    const UNANSWERED: &[&str] = &[
        "timeout",
        "timed out",
        "no ack",
        "deadline exceeded",
        "ping",
        "rpc",
        "dial",
        "failed to connect",
        "could not connect",
        "unable to connect",
        "connection refused",
        "unreachable",
        "+sdown",
    ];

    /// The direction audit: every built-in rule that claims a direction says what its line shows
    /// (`basis`, which bounds the direction) and why in one line; and no rule whose line is about
    /// a request that went unanswered, or a connection that was not made, claims `A→B`.
    #[test]
    fn every_builtin_rule_with_a_direction_says_what_its_line_shows() {
        let mut wrong = Vec::new();
        for p in builtin().unwrap() {
            for (i, r) in p.rules.iter().enumerate() {
                let Some(evidence) = r.evidence else { continue };
                let at = format!("{} rule {} ('{}')", p.name, i + 1, r.msg);
                match (&r.basis, r.why.as_deref().map(str::trim)) {
                    (Some(b), Some(why)) if !why.is_empty() => {
                        assert!(b.allows(evidence, r.ok), "{at}: compiled against its basis");
                    }
                    _ => wrong.push(format!("{at}: no basis or no why")),
                }
                let text = format!("{} {}", r.msg, r.regex.as_ref().map_or("", |x| x.as_str()))
                    .to_lowercase();
                if evidence == Direction::ToPeer
                    && let Some(w) = UNANSWERED.iter().find(|w| text.contains(*w))
                {
                    wrong.push(format!(
                        "{at}: claims A→B, but its line is about a request or a connection attempt that failed ('{w}')"
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn a_basis_bounds_the_direction_a_rule_claims() {
        let rule = |basis: &str, evidence: &str| {
            with_rule(&format!(
                "peer = \"p\"\nevidence = \"{evidence}\"\nbasis = \"{basis}\"\n"
            ))
        };
        let err = rule("request", "to_peer").unwrap_err().to_string();
        assert!(
            err.contains("basis Request shows no more than evidence = \"round_trip\""),
            "{err}"
        );
        assert!(rule("request", "round_trip").is_ok());
        assert!(rule("silence", "from_peer").is_ok());
        assert!(rule("connect", "from_peer").is_err());
    }

    #[test]
    fn a_failed_request_or_connection_is_an_unreachable_event_unless_its_rule_says_otherwise() {
        let event = |extra: &str| {
            let p = with_rule(&format!("peer = \"p\"\n{extra}")).unwrap();
            p.rules[0].event
        };
        let failed =
            |basis: &str| format!("evidence = \"round_trip\"\nbasis = \"{basis}\"\nok = false\n");
        assert_eq!(event(&failed("request")), Some(EventKind::Unreachable));
        assert_eq!(event(&failed("connect")), Some(EventKind::Unreachable));
        assert_eq!(
            event(&(failed("request") + "event = \"peer_down\"\n")),
            Some(EventKind::PeerDown)
        );
        assert_eq!(
            event("evidence = \"round_trip\"\nbasis = \"answered\"\nok = true\n"),
            None
        );
        assert_eq!(
            event("evidence = \"from_peer\"\nbasis = \"silence\"\nok = false\n"),
            None
        );
    }

    /// A profile of one rule: `msg = "a"` and the rule's other `fields`.
    fn with_rule(fields: &str) -> Result<Profile, ProfileError> {
        Profile::parse(
            &format!(
                "name = \"x\"\nsystem = \"x\"\ntitle = \"x\"\n[json]\nts = \"t\"\nmsg = \"m\"\n[[rule]]\nmsg = \"a\"\n{fields}"
            ),
            "mine.toml",
        )
    }

    #[test]
    fn only_a_failure_with_evidence_can_hold() {
        let rule = |extra: &str| with_rule(&format!("peer = \"p\"\nholds = true\n{extra}"));
        assert!(rule("evidence = \"from_peer\"\nok = false\n").is_ok());
        let err = rule("evidence = \"from_peer\"\nok = true\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("holds needs evidence and ok = false"), "{err}");
        assert!(rule("event = \"peer_down\"\n").is_err());
    }

    #[test]
    fn an_event_of_the_peer_needs_the_peer_and_an_event() {
        let rule = |extra: &str| with_rule(&format!("subject = \"peer\"\n{extra}"));
        let p = rule("peer = \"server\"\nevent = \"health_down\"\n").unwrap();
        assert_eq!(
            p.rule_summaries()[0].event.as_deref(),
            Some("health_down of B")
        );
        for extra in ["event = \"health_down\"\n", "peer = \"server\"\n"] {
            let err = rule(extra).unwrap_err().to_string();
            assert!(err.contains("needs a peer and an event"), "{err}");
        }
    }

    #[test]
    fn a_second_event_needs_a_first_of_another_kind() {
        let rule = |extra: &str| with_rule(&format!("also = \"leader_change\"\n{extra}"));
        let p = rule("event = \"role_change\"\n").unwrap();
        assert_eq!(
            p.rule_summaries()[0].event.as_deref(),
            Some("role_change + leader_change")
        );
        for extra in ["", "event = \"leader_change\"\n"] {
            let err = rule(extra).unwrap_err().to_string();
            assert!(
                err.contains(
                    "also names a second event, so the rule needs an event of another kind"
                ),
                "{err}"
            );
        }
    }
    #[test]
    fn refused_reads_a_failed_exchange_whose_error_says_so_as_peer_down() {
        let profile = |rules: &str| {
            Profile::parse(
                &format!(
                    "name = \"x\"\nsystem = \"x\"\ntitle = \"x\"\n[json]\nts = \"t\"\nmsg = \"m\"\n[refused]\nfield = \"error\"\n{rules}"
                ),
                "mine.toml",
            )
            .unwrap()
        };
        let failed = "[[rule]]\nmsg = \"a\"\npeer = \"p\"\nevidence = \"round_trip\"\nbasis = \"connect\"\nok = false\n";
        let p = profile(failed);
        let [twin, rule] = &p.rules[..] else {
            panic!("{:?}", p.rules)
        };
        assert_eq!(twin.event, Some(EventKind::PeerDown));
        assert_eq!((twin.evidence, twin.basis), (None, None));
        assert!(twin.when.iter().any(|(k, re)| k == "error"
            && re.is_match("dial tcp 10.0.0.2:80: connect: connection refused")
            && re.is_match("connectex: No connection could be made because the target machine actively refused it.")
            && !re.is_match("dial tcp 10.0.0.2:80: i/o timeout")));
        assert_eq!(rule.evidence, Some(Direction::RoundTrip));
        assert_eq!(
            p.rule_summaries().len(),
            1,
            "the twin is the rule's, not shown apart"
        );
        assert_eq!(p.refused.as_deref(), Some("error"));

        // A rule that says what its error must be, or that is no failed exchange, has none.
        for rules in [
            format!("{failed}when = {{ error = 'timeout' }}\n"),
            "[[rule]]\nmsg = \"a\"\npeer = \"p\"\nevidence = \"from_peer\"\nbasis = \"silence\"\nok = false\n".to_owned(),
            "[[rule]]\nmsg = \"a\"\npeer = \"p\"\nevent = \"peer_down\"\n".to_owned(),
        ] {
            assert_eq!(profile(&rules).rules.len(), 1, "{rules}");
        }
    }

    #[test]
    fn a_quiet_rule_takes_a_why_and_gives_nothing() {
        let p = with_rule("quiet = true\nwhy = \"a client's wait, not the node's\"\n").unwrap();
        assert!(p.rule_summaries()[0].quiet);
        for extra in [
            "quiet = true\n",
            "quiet = true\nwhy = \"x\"\nevent = \"stall\"\n",
        ] {
            let err = with_rule(extra).unwrap_err().to_string();
            assert!(err.contains("it takes a why and gives nothing"), "{err}");
        }
    }

    #[test]
    fn the_wording_rules_compile_and_give_events_only() {
        let w = wording().unwrap();
        assert!(w.rules.len() > 20);
        assert!(
            w.rules
                .iter()
                .all(|r| r.worded && r.evidence.is_none() && r.event.is_some() && r.why.is_some())
        );
        let rule = |extra: &str| {
            Wording::parse(
                &format!(
                    "name = \"w\"\ntitle = \"w\"\n[[rule]]\nmsg = \"down\"\nregex = 'down'\nwhy = \"x\"\n{extra}"
                ),
                "w.toml",
                false,
            )
        };
        assert!(rule("event = \"peer_down\"\n").is_ok());
        let err = rule("event = \"peer_down\"\npeer = \"@address\"\nevidence = \"round_trip\"\nbasis = \"request\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("a wording rule gives an event only"), "{err}");
        let err = rule("").unwrap_err().to_string();
        assert!(err.contains("needs a regex, an event and a why"), "{err}");
    }

    #[test]
    fn the_wording_memo_finds_a_json_message_plain_or_escaped_and_remembers_its_verdict() {
        let w = wording().unwrap();
        let profile = builtin()
            .unwrap()
            .into_iter()
            .find(|p| p.name == "etcd-zap")
            .unwrap();
        let mut memo = WordingMemo::new(&profile).expect("etcd's zap layout is JSON");
        let plain =
            r#"{"level":"info","ts":"2026-11-22T00:00:01Z","msg":"Connection accepted","n":1}"#;
        let escaped = r#"{"log":"{\"level\":\"info\",\"msg\":\"Connection accepted\",\"n\":2}\n","stream":"stderr"}"#;
        assert_eq!(memo.message(plain), Some("Connection accepted"));
        assert_eq!(memo.message(escaped), Some("Connection accepted"));
        // An escape in the message, or the key twice: the whole line is searched instead.
        assert_eq!(memo.message(r#"{"msg":"a \"quoted\" word"}"#), None);
        assert_eq!(memo.message(r#"{"msg":"a","x":{"msg":"b"}}"#), None);
        assert!(!memo.says(&w, plain));
        assert!(!memo.says(&w, escaped));
        let leader = r#"{"level":"info","msg":"ab12 became leader at term 3"}"#;
        assert!(memo.says(&w, leader));
        assert!(memo.says(&w, leader), "the remembered verdict");
        assert_eq!(memo.seen.len(), 2);
        // The message's own words decide, not the fields around it.
        let elsewhere =
            r#"{"msg":"applied entries","error":"connection refused to 10.0.0.2:2380"}"#;
        assert!(w.says(elsewhere) && !memo.says(&w, elsewhere));
        // A text layout has no memo.
        let text = builtin()
            .unwrap()
            .into_iter()
            .find(|p| !p.is_json())
            .unwrap();
        assert!(WordingMemo::new(&text).is_none());
    }

    #[test]
    fn a_bad_profile_names_the_problem() {
        let err = Profile::parse(
            "name = \"x\"\nsystem = \"x\"\ntitle = \"x\"\n[json]\nts = \"t\"\nmsg = \"m\"\n[[rule]]\nmsg = \"a\"\nevidence = \"to_peer\"\n",
            "mine.toml",
        )
        .unwrap_err();
        let ProfileError::Invalid {
            file,
            profile,
            reason,
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!((file.as_str(), profile.as_str()), ("mine.toml", "x"));
        assert_eq!(reason, "rule 1 ('a') gives evidence but no peer");
        assert_eq!(
            err.to_string(),
            "mine.toml: profile 'x': rule 1 ('a') gives evidence but no peer"
        );
        let err = Profile::parse(
            "name = \"x\"\nsystem = \"x\"\ntitle = \"x\"\n[json]\nts = \"t\"\nmsg = \"m\"\n[[rule]]\nmsg = \"a\"\nevent = \"election\"\nheard = '\\{(?P<who>[^}]+)\\}'\n",
            "mine.toml",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "mine.toml: profile 'x': rule 1 ('a'): heard needs a named capture 'peer'"
        );
        let err = Profile::parse("name = 1", "mine.toml").unwrap_err();
        assert!(
            matches!(&err, ProfileError::Toml { file, line: 1, .. } if file == "mine.toml"),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("mine.toml:1:"), "{err}");
    }
}
