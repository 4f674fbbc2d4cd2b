//! One accepted connection: the context its handlers see (the peer address, a way to make the
//! connection fail with a TCP reset), and the stream that carries that reset out.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Per-connection context handed to handlers.
#[derive(Clone)]
pub(crate) struct ConnCtx {
    pub remote: SocketAddr,
    kill: Arc<AtomicBool>,
}

impl ConnCtx {
    /// Makes the connection fail with a TCP reset at its next read or write.
    pub fn reset(&self) {
        self.kill.store(true, Ordering::SeqCst);
    }

    /// Whether [`ConnCtx::reset`] was called.
    pub fn is_reset(&self) -> bool {
        self.kill.load(Ordering::SeqCst)
    }
}

impl ConnCtx {
    /// The context of a new connection from `remote`, and the stream to serve it on.
    pub fn accept(stream: TcpStream, remote: SocketAddr) -> (Self, ConnStream) {
        let kill = Arc::new(AtomicBool::new(false));
        let ctx = Self {
            remote,
            kill: Arc::clone(&kill),
        };
        (
            ctx,
            ConnStream {
                inner: stream,
                kill,
            },
        )
    }

    /// A context for a request that did not come through the accept loop.
    pub fn detached() -> Self {
        Self {
            remote: SocketAddr::from(([127, 0, 0, 1], 0)),
            kill: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// A TCP stream that turns into a reset when its connection's kill flag is set.
pub(crate) struct ConnStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

impl ConnStream {
    fn killed(&self) -> Option<io::Error> {
        if self.kill.load(Ordering::SeqCst) {
            // Linger zero makes the close send RST instead of FIN.
            let _ = socket2::SockRef::from(&self.inner).set_linger(Some(Duration::ZERO));
            Some(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "emulated fault: connection reset",
            ))
        } else {
            None
        }
    }
}

impl AsyncRead for ConnStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ConnStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
