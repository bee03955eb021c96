//! Plain HTTP/1.0 requests with one deadline, for the members' metrics and health endpoints and a
//! load balancer's frontend inside the lab (no TLS, no redirects, no proxies: the lab talks only to its own members).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::system::HealthAnswer;

/// The answer: status code, headers and body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// The status line and headers, as sent.
    pub(crate) head: String,
    pub(crate) body: String,
}

impl Answer {
    /// The value of header `name` (any case), when the answer has it.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// GETs `path` from `addr`, all within `timeout`; `Err` says why there was no answer, in the
/// words a probe would log (`timed out`, `Connection refused (os error 111)`).
pub(crate) fn get(addr: SocketAddr, path: &str, timeout: Duration) -> Result<Answer, String> {
    request(addr, "GET", path, &[], "", timeout)
}

/// Sends one request (`method`, `path`, the `headers` besides Host, User-Agent and Connection,
/// and `body`) to `addr` and reads the answer, all within `timeout`.
pub(crate) fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
    timeout: Duration,
) -> Result<Answer, String> {
    let (mut s, left) = connect(addr, timeout)?;
    let mut text = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: rift-lab\r\nConnection: close\r\n"
    );
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method != "GET" {
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("\r\n");
    text.push_str(body);
    s.write_all(text.as_bytes()).map_err(|e| reason(&e))?;
    let raw = read_to_close(&mut s, &left)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| "the answer ended inside its headers".to_owned())?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("not an HTTP status line: {:?}", head.lines().next()))?;
    Ok(Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    })
}

/// A connection to `addr` with its write timeout set, and the time left of `timeout` (`Err`
/// once it has run out), for requests that must answer within one deadline.
pub(crate) fn connect(
    addr: SocketAddr,
    timeout: Duration,
) -> Result<(TcpStream, impl Fn() -> Result<Duration, String>), String> {
    let deadline = Instant::now() + timeout;
    let left = move || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| "timed out".to_owned())
    };
    let s = TcpStream::connect_timeout(&addr, timeout).map_err(|e| reason(&e))?;
    s.set_write_timeout(Some(left()?)).map_err(|e| reason(&e))?;
    Ok((s, left))
}

/// Reads until the other end closes the connection, each read within the time `left`.
pub(crate) fn read_to_close(
    s: &mut TcpStream,
    left: &dyn Fn() -> Result<Duration, String>,
) -> Result<Vec<u8>, String> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        s.set_read_timeout(Some(left()?)).map_err(|e| reason(&e))?;
        match s.read(&mut buf) {
            Ok(0) => return Ok(raw),
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(reason(&e)),
        }
    }
}

/// An I/O error in the words a client would log.
pub(crate) fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => "timed out".to_owned(),
        _ => e.to_string(),
    }
}

/// A health check by HTTP GET: the status and body, or `0` and why there was no answer.
pub(crate) fn health(addr: SocketAddr, path: &str) -> HealthAnswer {
    let url = format!("http://{addr}{path}");
    match get(addr, path, Duration::from_secs(2)) {
        Ok(a) => HealthAnswer {
            url,
            status: a.status.to_string(),
            body: a.body.trim().to_owned(),
            answered: true,
        },
        Err(e) => HealthAnswer {
            url,
            status: "0".into(),
            body: format!("error: {e}"),
            answered: false,
        },
    }
}
