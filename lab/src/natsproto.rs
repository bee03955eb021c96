//! A NATS request with one deadline, for the members' servers inside the lab: connect, subscribe
//! to a reply subject of its own, publish one message with that reply subject, read the one
//! answer, then close the connection. JetStream's API and its acknowledgements of published
//! messages are requests of this kind.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::time::Duration;

use crate::http::{connect, reason};

/// The reply subject of every request: each request has a connection of its own.
const INBOX: &str = "_INBOX.rift-lab";

/// Publishes `payload` on `subject` at the server `addr` and reads the answer, all within
/// `timeout`; `Err` says why there was none, in the words a client would log (`timed out`, `no
/// responders`, the server's `-ERR`).
pub(crate) fn request(
    addr: SocketAddr,
    subject: &str,
    payload: &str,
    timeout: Duration,
) -> Result<String, String> {
    let (s, left) = connect(addr, timeout)?;
    let req = format!(
        "CONNECT {{\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true,\
         \"name\":\"rift-lab\",\"lang\":\"rust\",\"version\":\"0\"}}\r\n\
         SUB {INBOX} 1\r\nPUB {subject} {INBOX} {len}\r\n{payload}\r\n",
        len = payload.len()
    );
    (&s).write_all(req.as_bytes()).map_err(|e| reason(&e))?;
    let mut r = BufReader::new(&s);
    let mut pong = || (&s).write_all(b"PONG\r\n").map_err(|e| reason(&e));
    read_answer(&mut r, &mut pong, &|| {
        let d = left()?;
        s.set_read_timeout(Some(d)).map_err(|e| reason(&e))
    })
}

/// Reads protocol lines until the answer: `MSG` gives its payload, `HMSG` with status 503 says
/// no one serves the subject, `-ERR` is the server's refusal. A `PING` of the server's is
/// answered with `pong`; `arm` sets the read deadline before each read.
fn read_answer(
    r: &mut impl BufRead,
    pong: &mut dyn FnMut() -> Result<(), String>,
    arm: &dyn Fn() -> Result<(), String>,
) -> Result<String, String> {
    // Bounded: a server sends one INFO, a few PINGs and +OKs, then the answer.
    for _ in 0..64 {
        arm()?;
        let mut line = String::new();
        if r.read_line(&mut line).map_err(|e| reason(&e))? == 0 {
            return Err("connection closed before an answer".into());
        }
        let line = line.trim_end_matches(['\r', '\n']);
        let (op, rest) = line.split_once(' ').unwrap_or((line, ""));
        match op {
            "INFO" | "PONG" | "+OK" => {}
            "PING" => pong()?,
            "-ERR" => return Err(rest.trim().trim_matches('\'').to_owned()),
            "MSG" | "HMSG" => {
                let fields: Vec<&str> = rest.split_whitespace().collect();
                let total: usize = fields
                    .last()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n: &usize| n <= 1 << 20)
                    .ok_or_else(|| format!("not a NATS message line: {line:?}"))?;
                let mut buf = vec![0; total + 2];
                arm()?;
                r.read_exact(&mut buf).map_err(|e| reason(&e))?;
                buf.truncate(total);
                let body = String::from_utf8_lossy(&buf).into_owned();
                if op == "MSG" {
                    return Ok(body);
                }
                let head_len: usize = fields
                    .get(fields.len().saturating_sub(2))
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n <= total)
                    .ok_or_else(|| format!("not a NATS message line: {line:?}"))?;
                let (head, payload) = body.split_at(head_len);
                // `NATS/1.0 503` and no payload: nothing subscribes to the subject.
                return match head
                    .lines()
                    .next()
                    .and_then(|l| l.split_whitespace().nth(1))
                {
                    Some("503") => Err("no responders".into()),
                    _ => Ok(payload.to_owned()),
                };
            }
            _ => return Err(format!("not a NATS protocol line: {line:?}")),
        }
    }
    Err("no answer among the server's first 64 lines".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Result<String, String>, usize) {
        let mut pongs = 0;
        let got = read_answer(
            &mut text.as_bytes(),
            &mut || {
                pongs += 1;
                Ok(())
            },
            &|| Ok(()),
        );
        (got, pongs)
    }

    #[test]
    fn the_answer_comes_after_the_servers_info_and_pings() {
        let (got, pongs) = parse(
            "INFO {\"server_id\":\"X\"}\r\nPING\r\nMSG _INBOX.rift-lab 1 22\r\n\
             {\"stream\":\"W\",\"seq\":7}\r\n",
        );
        assert_eq!(got.as_deref(), Ok("{\"stream\":\"W\",\"seq\":7}"));
        assert_eq!(pongs, 1);
    }

    #[test]
    fn a_503_status_is_no_responders_and_err_is_the_servers_words() {
        let (got, _) = parse("INFO {}\r\nHMSG _INBOX.rift-lab 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
        assert_eq!(got, Err("no responders".into()));
        let (got, _) = parse("INFO {}\r\n-ERR 'Authorization Violation'\r\n");
        assert_eq!(got, Err("Authorization Violation".into()));
        assert!(parse("").0.is_err());
        assert!(parse("INFO {}\r\nMSG a 1 999999999\r\n").0.is_err());
    }
}
