//! The byte stream under the IMAP client, bounded by what actually arrives.
//!
//! async-imap sizes its buffer from a literal's announcement (`{536000000}` allocates 512 MiB before a
//! byte of it arrives) and re-parses its whole buffer on every read while a line is incomplete (an
//! endless line costs a core). [`Guarded`] sits between the connection and the client and reads the
//! server's framing itself — lines, and `{N}` literals — before the client sees a byte:
//!
//! - a literal announced over [`IMAP_MAX_LITERAL`], or a response (lines and literals up to its last
//!   line end) over [`IMAP_MAX_RESPONSE`], ends the connection with [`Refused`] before it is buffered;
//! - outside literals, bytes are handed on a whole line at a time, so the client parses each line once;
//! - while an answer is awaited, [`IMAP_IDLE_TIMEOUT`] of silence ends the read (switched off for IDLE,
//!   where silence is the point).
//!
//! Scanning is linear in the bytes received; memory is one response at most.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use crate::limits::{IMAP_IDLE_TIMEOUT, IMAP_MAX_LITERAL, IMAP_MAX_RESPONSE};

/// Why a server's answer was refused (the `io::Error`'s inner error, kind `InvalidData`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// How much of a read each poll asks the connection for.
const READ_CHUNK: usize = 16 * 1024;

enum Frame {
    /// Reading a line (held back until its line end).
    Line,
    /// Passing this many bytes of a literal through.
    Literal(u64),
}

/// A connection whose incoming bytes are checked against the limits before the IMAP client gets them.
pub struct Guarded<S> {
    inner: S,
    frame: Frame,
    /// The current line, until its line end.
    line: Vec<u8>,
    /// Bytes of the current response so far (lines and literals).
    response: u64,
    /// Bytes ready for the client, and how many of them it has taken.
    ready: Vec<u8>,
    taken: usize,
    scratch: Box<[u8]>,
    broken: Option<Refused>,
    /// Silence allowed while an answer is awaited; `None` during IDLE.
    patience: Option<Duration>,
    last_activity: Instant,
    timer: Option<Pin<Box<Sleep>>>,
}

impl<S> std::fmt::Debug for Guarded<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guarded")
            .field("response", &self.response)
            .field("patience", &self.patience)
            .finish_non_exhaustive()
    }
}

impl<S> Guarded<S> {
    pub fn new(inner: S) -> Self {
        Self::with_patience(inner, IMAP_IDLE_TIMEOUT)
    }

    pub fn with_patience(inner: S, patience: Duration) -> Self {
        Guarded {
            inner,
            frame: Frame::Line,
            line: Vec::new(),
            response: 0,
            ready: Vec::new(),
            taken: 0,
            scratch: vec![0; READ_CHUNK].into_boxed_slice(),
            broken: None,
            patience: Some(patience),
            last_activity: Instant::now(),
            timer: None,
        }
    }

    /// Switches the silence limit off (IDLE) or back on.
    pub fn set_patience(&mut self, patience: Option<Duration>) {
        self.patience = patience;
        self.last_activity = Instant::now();
        self.timer = None;
    }

    pub fn patience(&self) -> Option<Duration> {
        self.patience
    }

    /// The connection, with anything not yet handed on dropped (after STARTTLS nothing may be).
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The fuzz targets' way in: bytes through the framing, and what would reach the client.
    #[cfg(feature = "fuzzing")]
    pub(crate) fn pass_through(&mut self, bytes: &[u8]) -> Result<Vec<u8>, Refused> {
        self.take_in(bytes)?;
        self.taken = 0;
        Ok(std::mem::take(&mut self.ready))
    }

    /// Reads newly received bytes through the framing, moving what is complete to `ready`.
    fn take_in(&mut self, mut bytes: &[u8]) -> Result<(), Refused> {
        while !bytes.is_empty() {
            match self.frame {
                Frame::Literal(left) => {
                    let n = (left.min(bytes.len() as u64)) as usize;
                    self.ready.extend_from_slice(&bytes[..n]);
                    bytes = &bytes[n..];
                    self.frame = if left as usize == n {
                        Frame::Line
                    } else {
                        Frame::Literal(left - n as u64)
                    };
                }
                Frame::Line => {
                    let (part, end) = match memchr::memchr(b'\n', bytes) {
                        Some(i) => (&bytes[..=i], true),
                        None => (bytes, false),
                    };
                    bytes = &bytes[part.len()..];
                    self.response += part.len() as u64;
                    if self.response > IMAP_MAX_RESPONSE {
                        return Err(Refused(format!(
                            "the server sent an answer longer than {} MiB",
                            IMAP_MAX_RESPONSE >> 20
                        )));
                    }
                    self.line.extend_from_slice(part);
                    if end {
                        self.end_line()?;
                    }
                }
            }
        }
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), Refused> {
        let literal = announced_literal(&self.line);
        self.ready.append(&mut self.line);
        match literal {
            Some(Err(())) => Err(Refused(
                "the server announced a literal of an impossible size".into(),
            )),
            Some(Ok(n)) if n > IMAP_MAX_LITERAL || self.response + n > IMAP_MAX_RESPONSE => {
                Err(Refused(format!(
                    "the server announced {n} bytes in one piece (at most {IMAP_MAX_LITERAL} are read)"
                )))
            }
            Some(Ok(0)) => Ok(()),
            Some(Ok(n)) => {
                self.response += n;
                self.frame = Frame::Literal(n);
                Ok(())
            }
            None => {
                self.response = 0;
                Ok(())
            }
        }
    }

    fn refuse(&mut self, why: Refused) -> std::io::Error {
        self.broken = Some(why.clone());
        self.ready.clear();
        self.taken = 0;
        self.line = Vec::new();
        std::io::Error::new(std::io::ErrorKind::InvalidData, why)
    }
}

/// The size a line ending in `{N}` (or `~{N}`, `{N+}`) announces; `Err` when N is not a number that
/// fits.
fn announced_literal(line: &[u8]) -> Option<Result<u64, ()>> {
    let body = line.strip_suffix(b"\n")?;
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let body = body.strip_suffix(b"}")?;
    let open = memchr::memrchr(b'{', body)?;
    let digits = &body[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits.len() > 19 {
        return Some(Err(()));
    }
    Some(
        std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse::<u64>().ok())
            .ok_or(()),
    )
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.taken < this.ready.len() {
                let n = (this.ready.len() - this.taken).min(buf.remaining());
                buf.put_slice(&this.ready[this.taken..this.taken + n]);
                this.taken += n;
                if this.taken == this.ready.len() {
                    this.ready.clear();
                    this.taken = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if let Some(why) = this.broken.clone() {
                return Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    why,
                )));
            }
            let mut read = ReadBuf::new(&mut this.scratch);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {
                    let n = read.filled().len();
                    if n == 0 {
                        // The end: an incomplete line is dropped (the client reports the end).
                        return Poll::Ready(Ok(()));
                    }
                    this.last_activity = Instant::now();
                    let bytes = this.scratch[..n].to_vec();
                    if let Err(why) = this.take_in(&bytes) {
                        return Poll::Ready(Err(this.refuse(why)));
                    }
                }
                Poll::Pending => {
                    let Some(patience) = this.patience else {
                        return Poll::Pending;
                    };
                    let deadline = this.last_activity + patience;
                    let timer = this
                        .timer
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                    if timer.deadline() != deadline {
                        timer.as_mut().reset(deadline);
                    }
                    return match timer.as_mut().poll(cx) {
                        Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            format!("the server sent nothing for {} s", patience.as_secs()),
                        ))),
                        Poll::Pending => Poll::Pending,
                    };
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.last_activity = Instant::now();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// Everything the guard hands on from `server`'s bytes, or its error.
    fn through(server: Vec<u8>) -> (Vec<u8>, Option<std::io::Error>) {
        rt().block_on(async move {
            let (mut far, near) = tokio::io::duplex(64 * 1024);
            let writer = tokio::spawn(async move {
                let _ = far.write_all(&server).await;
                let _ = far.shutdown().await;
            });
            let mut g = Guarded::new(near);
            let mut out = Vec::new();
            let mut buf = [0u8; 1000];
            let err = loop {
                match g.read(&mut buf).await {
                    Ok(0) => break None,
                    Ok(n) => out.extend_from_slice(&buf[..n]),
                    Err(e) => break Some(e),
                }
            };
            writer.abort();
            (out, err)
        })
    }

    #[test]
    fn lines_and_literals_pass_through_whole() {
        let s = b"* OK hi\r\n* 1 FETCH (UID 5 BINARY[] {5}\r\nab\r\nc)\r\nA1 OK done\r\n".to_vec();
        let (out, err) = through(s.clone());
        assert!(err.is_none(), "{err:?}");
        assert_eq!(out, s);
    }

    #[test]
    fn an_incomplete_line_is_held_back() {
        let (out, err) = through(b"* OK whole\r\n* partial line".to_vec());
        assert!(err.is_none());
        assert_eq!(out, b"* OK whole\r\n");
    }

    #[test]
    fn a_huge_announcement_is_refused_before_its_bytes() {
        let (out, err) = through(b"* 1 FETCH (UID 1 BINARY[] {536000000}\r\nxxxx".to_vec());
        let err = err.expect("refused");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("536000000"), "{err}");
        assert!(out.is_empty(), "the announcement never reaches the client");
        let (_, err) = through(b"* 1 FETCH (BINARY[] {99999999999999999999999}\r\n".to_vec());
        assert!(err.unwrap().to_string().contains("impossible"));
    }

    #[test]
    fn an_endless_line_ends_at_the_response_limit() {
        let mut s = b"* 1 FETCH (UID 1 BINARY[] ".to_vec();
        s.resize(IMAP_MAX_RESPONSE as usize + 10, b'a');
        let (out, err) = through(s);
        assert!(err.unwrap().to_string().contains("longer than"));
        assert!(out.is_empty());
    }

    #[test]
    fn literals_add_up_within_one_response() {
        let half = IMAP_MAX_LITERAL;
        let mut s = format!("* 1 FETCH (BINARY[1] {{{half}}}\r\n").into_bytes();
        s.resize(s.len() + half as usize, b'x');
        s.extend_from_slice(format!(" BINARY[2] {{{half}}}\r\n").as_bytes());
        let (_, err) = through(s);
        assert!(err.unwrap().to_string().contains("in one piece"));
    }

    #[test]
    fn silence_ends_the_wait_and_idle_switches_it_off() {
        rt().block_on(async {
            let (_far, near) = tokio::io::duplex(1024);
            let mut g = Guarded::with_patience(near, Duration::from_millis(100));
            let t = std::time::Instant::now();
            let e = g.read(&mut [0u8; 10]).await.unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
            assert!(t.elapsed() < Duration::from_secs(5));
            g.set_patience(None);
            let waited =
                tokio::time::timeout(Duration::from_millis(300), g.read(&mut [0u8; 10])).await;
            assert!(waited.is_err(), "no limit while idling");
        });
    }

    proptest::proptest! {
        /// Whatever a server sends, in whatever pieces: no panic, and what the client gets is the
        /// server's bytes, in order, never more than arrived (`make fuzz` runs many more cases).
        #[test]
        fn any_bytes_in_any_pieces_pass_as_a_prefix(
            pieces in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![b'a', b'{', b'}', b'1', b'9', b'+', b'~', b'\r', b'\n', b' ', 0u8, 0xff]),
                    0..64,
                ),
                0..32,
            ),
        ) {
            let mut g = Guarded::new(());
            let mut all = Vec::new();
            for p in &pieces {
                all.extend_from_slice(p);
                if g.take_in(p).is_err() {
                    break;
                }
            }
            proptest::prop_assert!(all.starts_with(&g.ready));
        }
    }
}
