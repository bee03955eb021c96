//! ZooKeeper's client protocol (jute records, big-endian, each packet behind its length) with one
//! deadline, for the lab's workload on its own members: a session is opened, one request is
//! made, the session is closed. Also the four-letter words (`srvr`, `mntr`) on the client port.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::http::{connect, read_to_close, reason};

/// The session timeout the lab's client asks for.
const SESSION_MS: i32 = 4000;

/// A request of the workload.
#[derive(Clone, Debug)]
pub(crate) enum Op<'a> {
    /// `getData` of a znode.
    Get(&'a str),
    /// `setData` of a znode, any version.
    Set(&'a str, &'a [u8]),
    /// `create` of a persistent znode, open to everyone.
    Create(&'a str, &'a [u8]),
}

impl Op<'_> {
    fn kind(&self) -> i32 {
        match self {
            Op::Get(_) => 4,
            Op::Set(..) => 5,
            Op::Create(..) => 1,
        }
    }

    fn body(&self, out: &mut Vec<u8>) {
        match self {
            Op::Get(path) => {
                string(out, path);
                out.push(0);
            }
            Op::Set(path, data) => {
                string(out, path);
                buffer(out, data);
                out.extend_from_slice(&(-1i32).to_be_bytes());
            }
            Op::Create(path, data) => {
                string(out, path);
                buffer(out, data);
                // One ACL: everyone (`world:anyone`) may do everything.
                out.extend_from_slice(&1i32.to_be_bytes());
                out.extend_from_slice(&31i32.to_be_bytes());
                string(out, "world");
                string(out, "anyone");
                out.extend_from_slice(&0i32.to_be_bytes());
            }
        }
    }
}

/// ZooKeeper's error codes the workload meets, by name.
pub(crate) fn error_name(code: i32) -> String {
    match code {
        -4 => "CONNECTIONLOSS".into(),
        -7 => "OPERATIONTIMEOUT".into(),
        -101 => "NONODE".into(),
        -110 => "NODEEXISTS".into(),
        -112 => "SESSIONEXPIRED".into(),
        -118 => "SESSIONMOVED".into(),
        c => format!("error {c}"),
    }
}

fn string(out: &mut Vec<u8>, s: &str) {
    buffer(out, s.as_bytes());
}

fn buffer(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as i32).to_be_bytes());
    out.extend_from_slice(b);
}

fn send(s: &mut TcpStream, packet: &[u8]) -> Result<(), String> {
    let mut framed = (packet.len() as i32).to_be_bytes().to_vec();
    framed.extend_from_slice(packet);
    s.write_all(&framed).map_err(|e| reason(&e))
}

fn receive(s: &mut TcpStream) -> Result<Vec<u8>, String> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).map_err(|e| closed(&e))?;
    let len = i32::from_be_bytes(len);
    if !(0..=1 << 20).contains(&len) {
        return Err(format!("a packet of {len} bytes"));
    }
    let mut packet = vec![0u8; len as usize];
    s.read_exact(&mut packet).map_err(|e| closed(&e))?;
    Ok(packet)
}

/// A server that will not serve (no quorum) closes the connection without an answer.
fn closed(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        "connection closed by the server (not serving)".into()
    } else {
        reason(e)
    }
}

fn int_at(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// A client session on one member, kept open between requests as a client keeps it.
pub(crate) struct Session {
    s: TcpStream,
    xid: i32,
}

impl Session {
    /// Connects to `addr` and opens a session, within `timeout`. A member that is not in a
    /// working quorum closes the connection instead of answering.
    pub(crate) fn open(addr: SocketAddr, timeout: Duration) -> Result<Session, String> {
        let (mut s, left) = connect(addr, timeout)?;
        // ConnectRequest: protocol version, last zxid seen, timeout, session id, password,
        // read-only (no).
        let mut hello = Vec::new();
        hello.extend_from_slice(&0i32.to_be_bytes());
        hello.extend_from_slice(&0i64.to_be_bytes());
        hello.extend_from_slice(&SESSION_MS.to_be_bytes());
        hello.extend_from_slice(&0i64.to_be_bytes());
        buffer(&mut hello, &[0u8; 16]);
        hello.push(0);
        send(&mut s, &hello)?;
        s.set_read_timeout(Some(left()?)).map_err(|e| reason(&e))?;
        let answer = receive(&mut s)?;
        // ConnectResponse: protocol version, negotiated timeout, session id; a timeout of 0
        // means the server refused the session.
        if int_at(&answer, 4).unwrap_or(0) <= 0 {
            return Err("session refused by the server".into());
        }
        Ok(Session { s, xid: 0 })
    }

    /// Makes `op` within `timeout`. `Ok` holds ZooKeeper's error code for the request (0 when
    /// it succeeded); `Err` says why there was no answer, after which the session is not used
    /// again.
    pub(crate) fn call(&mut self, op: &Op<'_>, timeout: Duration) -> Result<i32, String> {
        self.xid += 1;
        let mut req = Vec::new();
        req.extend_from_slice(&self.xid.to_be_bytes());
        req.extend_from_slice(&op.kind().to_be_bytes());
        op.body(&mut req);
        self.s
            .set_write_timeout(Some(timeout))
            .map_err(|e| reason(&e))?;
        send(&mut self.s, &req)?;
        self.s
            .set_read_timeout(Some(timeout))
            .map_err(|e| reason(&e))?;
        loop {
            let reply = receive(&mut self.s)?;
            // ReplyHeader: xid, zxid, err; watch events (xid -1) and ping answers (-2) are
            // not this request's.
            if int_at(&reply, 0) == Some(self.xid) {
                return int_at(&reply, 12).ok_or_else(|| "a reply shorter than its header".into());
            }
        }
    }

    /// Closes the session, not waiting for the answer.
    pub(crate) fn close(mut self) {
        let mut bye = Vec::new();
        bye.extend_from_slice(&(self.xid + 1).to_be_bytes());
        bye.extend_from_slice(&(-11i32).to_be_bytes());
        let _ = send(&mut self.s, &bye);
    }
}

/// Sends a four-letter word and reads the answer to its end, within `timeout`.
pub(crate) fn four(addr: SocketAddr, word: &str, timeout: Duration) -> Result<String, String> {
    let (mut s, left) = connect(addr, timeout)?;
    s.write_all(word.as_bytes()).map_err(|e| reason(&e))?;
    let raw = read_to_close(&mut s, &left)?;
    Ok(String::from_utf8_lossy(&raw).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_is_path_data_one_open_acl_and_persistent_flags() {
        let mut out = Vec::new();
        Op::Create("/k", b"v").body(&mut out);
        let want: Vec<u8> = [
            &[0, 0, 0, 2][..],
            b"/k",
            &[0, 0, 0, 1],
            b"v",
            &[0, 0, 0, 1],
            &[0, 0, 0, 31],
            &[0, 0, 0, 5],
            b"world",
            &[0, 0, 0, 6],
            b"anyone",
            &[0, 0, 0, 0],
        ]
        .concat();
        assert_eq!(out, want);
    }

    #[test]
    fn error_codes_read_as_zookeeper_names_them() {
        assert_eq!(error_name(-101), "NONODE");
        assert_eq!(error_name(-999), "error -999");
    }
}
