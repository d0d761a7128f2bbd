//! Request and response bodies with bounded memory and time: bodies are read chunk by chunk into a
//! sink (a spill file, or a small buffer) within a time budget; reports leave through a small channel
//! of chunks, capped in size.

use std::convert::Infallible;
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use tokio::sync::mpsc;

/// Report chunks in flight between the renderer and the socket.
pub(super) const CHANNEL_CHUNKS: usize = 8;
/// Report bytes gathered before they are handed to the socket: no chunk is longer.
const OUT_CHUNK: usize = super::REPORT_CHUNK;

/// An answer's body: a known text, or report chunks as the renderer writes them.
pub enum Out {
    /// The whole body (`None` once sent).
    Full(Option<Bytes>),
    /// Chunks from the report renderer; the body ends when it is done (or gives up).
    Stream(mpsc::Receiver<Bytes>),
}

impl Out {
    pub(super) fn text(body: impl Into<Bytes>) -> Out {
        Out::Full(Some(body.into()))
    }
}

impl Body for Out {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Out::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Out::Stream(rx) => rx.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Out::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Out::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Out::Full(None) => SizeHint::with_exact(0),
            Out::Stream(_) => SizeHint::default(),
        }
    }
}

/// The slowest body accepted, after the grace period: 256 KiB/s (a browser uploading over loopback
/// is hundreds of times faster).
const MIN_RATE: u64 = 256 * 1024;

/// Why a body did not arrive whole.
#[derive(Debug)]
pub(super) enum Cut {
    /// No byte for the idle timeout, or slower than [`MIN_RATE`] once the grace period was over.
    Stalled,
    /// The client stopped (or the connection broke) after this many bytes.
    Ended(u64),
    /// Where the body went failed (the spill file).
    Sink(io::Error),
}

impl Cut {
    /// The status and message to answer with; `what` names the body.
    pub(super) fn answer(&self, what: &str, len: u64) -> (u16, String) {
        match self {
            Cut::Stalled => (408, format!("{what} stalled (send it at least {} KiB/s)", MIN_RATE >> 10)),
            Cut::Ended(n) => (400, format!("{what} ended after {n} of {len} bytes")),
            Cut::Sink(e) => (500, format!("cannot write a temporary file ({e})")),
        }
    }
}

/// Reads a body of `len` bytes (already checked against its limit) into `sink`, chunk by chunk. The
/// client may pause at most `idle` between chunks, and in all take twice `idle` plus one second per
/// [`MIN_RATE`] bytes it has sent: a client trickling bytes is cut after the grace period, whatever
/// length it announced.
pub(super) async fn receive(
    mut body: Incoming,
    len: u64,
    idle: Duration,
    mut sink: impl FnMut(&[u8]) -> io::Result<()>,
) -> Result<(), Cut> {
    let grace = idle * 2;
    let started = Instant::now();
    let mut got = 0u64;
    loop {
        let budget = grace + Duration::from_millis(got.saturating_mul(1000) / MIN_RATE);
        let wait = idle.min(budget.saturating_sub(started.elapsed()));
        match tokio::time::timeout(wait, body.frame()).await {
            Err(_) => return Err(Cut::Stalled),
            Ok(None) if got >= len => return Ok(()),
            Ok(None) | Ok(Some(Err(_))) => return Err(Cut::Ended(got)),
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    got += data.len() as u64;
                    sink(&data).map_err(Cut::Sink)?;
                }
            }
        }
    }
}

/// Reads and drops up to 64 MiB of a body nobody wants, for at most 10 s, so the client can read its
/// answer instead of meeting a reset connection.
pub(super) async fn drain(mut body: Incoming) {
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        let mut left: u64 = 64 << 20;
        while let Some(Ok(frame)) = body.frame().await {
            let n = frame.data_ref().map_or(0, |d| d.len() as u64);
            left = match left.checked_sub(n) {
                Some(l) => l,
                None => break,
            };
        }
    })
    .await;
}

/// The renderer's side of [`Out::Stream`]: gathers bytes into chunks and hands each to the socket,
/// waiting at most `idle` for a client that does not read. After `cap` bytes it writes `note` and
/// refuses the rest, so neither memory nor the answer grows with the report.
pub(super) struct ChunkWriter {
    tx: mpsc::Sender<Bytes>,
    runtime: tokio::runtime::Handle,
    buf: Vec<u8>,
    written: u64,
    cap: u64,
    idle: Duration,
    note: &'static str,
    capped: bool,
}

impl ChunkWriter {
    pub(super) fn new(
        tx: mpsc::Sender<Bytes>,
        runtime: tokio::runtime::Handle,
        cap: u64,
        idle: Duration,
        note: &'static str,
    ) -> Self {
        ChunkWriter { tx, runtime, buf: Vec::with_capacity(OUT_CHUNK), written: 0, cap, idle, note, capped: false }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(OUT_CHUNK)));
        let (tx, idle) = (&self.tx, self.idle);
        match self.runtime.block_on(async { tokio::time::timeout(idle, tx.send(chunk)).await }) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(io::Error::new(io::ErrorKind::BrokenPipe, "the client went away")),
            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading")),
        }
    }

    /// Sends what is left; call once the document is complete.
    pub(super) fn finish(mut self) -> io::Result<()> {
        self.send()
    }
}

impl ChunkWriter {
    /// Appends `data`, handing each full chunk to the socket as it fills: no chunk passes [`OUT_CHUNK`].
    fn push(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let take = (OUT_CHUNK - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.buf.len() >= OUT_CHUNK {
                self.send()?;
            }
        }
        Ok(())
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.capped {
            return Err(io::Error::other("report truncated"));
        }
        // The note must fit under the cap too.
        let room = self.cap.saturating_sub(self.written + self.note.len() as u64);
        if data.len() as u64 > room {
            self.push(&data[..room as usize])?;
            self.push(self.note.as_bytes())?;
            self.written = self.cap;
            self.capped = true;
            self.send()?;
            return Err(io::Error::other("report truncated"));
        }
        self.push(data)?;
        self.written += data.len() as u64;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
