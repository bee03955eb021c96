//! A Redis (RESP2) request with one deadline, for the members' servers and sentinels inside the
//! lab: one command out, one reply back, then the connection is closed.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::time::Duration;

use crate::http::{connect, reason};

/// One reply.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// `+OK`, `+PONG`.
    Simple(String),
    /// `-READONLY …`: the server answered with an error.
    Error(String),
    Int(i64),
    /// A bulk string; `None` for the null bulk string.
    Bulk(Option<String>),
    /// An array; `None` for the null array.
    Array(Option<Vec<Value>>),
}

impl Value {
    /// The reply as text, for strings.
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Value::Simple(s) | Value::Bulk(Some(s)) => Some(s),
            _ => None,
        }
    }
}

/// Sends `args` as one command to `addr` and reads the reply, all within `timeout`; `Err` says
/// why there was no reply, in the words a client would log (`timed out`, `Connection refused
/// (os error 111)`).
pub(crate) fn call(addr: SocketAddr, args: &[&str], timeout: Duration) -> Result<Value, String> {
    let (s, left) = connect(addr, timeout)?;
    let mut req = format!("*{}\r\n", args.len());
    for a in args {
        req.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    (&s).write_all(req.as_bytes()).map_err(|e| reason(&e))?;
    let mut r = BufReader::new(&s);
    read_value(&mut r, &|| {
        let d = left()?;
        s.set_read_timeout(Some(d)).map_err(|e| reason(&e))
    })
}

/// Reads one value; `arm` sets the read deadline before each read.
fn read_value(r: &mut impl BufRead, arm: &dyn Fn() -> Result<(), String>) -> Result<Value, String> {
    arm()?;
    let mut line = String::new();
    let n = r.read_line(&mut line).map_err(|e| reason(&e))?;
    if n == 0 {
        return Err("connection closed before a reply".into());
    }
    let line = line.trim_end_matches(['\r', '\n']);
    let (kind, rest) = line.split_at(line.len().min(1));
    let count = || -> Result<i64, String> {
        rest.parse()
            .map_err(|_| format!("not a RESP length: {line:?}"))
    };
    match kind {
        "+" => Ok(Value::Simple(rest.to_owned())),
        "-" => Ok(Value::Error(rest.to_owned())),
        ":" => Ok(Value::Int(count()?)),
        "$" => {
            let len = count()?;
            if len < 0 {
                return Ok(Value::Bulk(None));
            }
            let mut buf = vec![0; len as usize + 2];
            arm()?;
            r.read_exact(&mut buf).map_err(|e| reason(&e))?;
            buf.truncate(len as usize);
            Ok(Value::Bulk(Some(
                String::from_utf8_lossy(&buf).into_owned(),
            )))
        }
        "*" => {
            let len = count()?;
            if len < 0 {
                return Ok(Value::Array(None));
            }
            let mut items = Vec::with_capacity(len.min(1024) as usize);
            for _ in 0..len {
                items.push(read_value(r, arm)?);
            }
            Ok(Value::Array(Some(items)))
        }
        _ => Err(format!("not a RESP reply: {line:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value, String> {
        read_value(&mut text.as_bytes(), &|| Ok(()))
    }

    #[test]
    fn replies_of_every_kind_are_read() {
        assert_eq!(parse("+PONG\r\n"), Ok(Value::Simple("PONG".into())));
        assert_eq!(
            parse("-READONLY You can't write against a read only replica.\r\n"),
            Ok(Value::Error(
                "READONLY You can't write against a read only replica.".into()
            ))
        );
        assert_eq!(parse(":3\r\n"), Ok(Value::Int(3)));
        assert_eq!(parse("$-1\r\n"), Ok(Value::Bulk(None)));
        assert_eq!(
            parse("*2\r\n$10\r\n10.77.0.12\r\n$4\r\n6379\r\n"),
            Ok(Value::Array(Some(vec![
                Value::Bulk(Some("10.77.0.12".into())),
                Value::Bulk(Some("6379".into()))
            ])))
        );
        assert!(parse("").is_err());
        assert!(parse("?x\r\n").is_err());
    }
}
