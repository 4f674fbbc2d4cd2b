//! For the "no leaks" tests: a TCP relay that records the bytes of both directions (so a test
//! knows the real `Authorization` and download URL signatures of its run), and the search for
//! secrets and signatures in what the program under test wrote.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP relay on `127.0.0.1` to a target address that records both directions. It runs on
/// the current tokio runtime until that ends.
pub struct Relay {
    /// Where the relay listens: point the client here.
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<u8>>>,
    answers: Arc<Mutex<Vec<u8>>>,
}

impl Relay {
    /// Listens on a free port of `127.0.0.1` and relays each connection to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let addr = listener.local_addr().expect("relay addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(Vec::new()));
        let (req, ans) = (Arc::clone(&requests), Arc::clone(&answers));
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let Ok(outbound) = TcpStream::connect(target).await else {
                    continue;
                };
                let (in_read, in_write) = inbound.into_split();
                let (out_read, out_write) = outbound.into_split();
                tokio::spawn(pump(in_read, out_write, Arc::clone(&req)));
                tokio::spawn(pump(out_read, in_write, Arc::clone(&ans)));
            }
        });
        Self {
            addr,
            requests,
            answers,
        }
    }

    /// Every byte sent to the target so far, connections one after the other.
    pub fn requests(&self) -> Vec<u8> {
        self.requests.lock().unwrap().clone()
    }

    /// Every byte the target sent back so far.
    pub fn answers(&self) -> Vec<u8> {
        self.answers.lock().unwrap().clone()
    }
}

async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, record: Arc<Mutex<Vec<u8>>>) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                record.lock().unwrap().extend_from_slice(&buf[..n]);
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown().await;
}

/// Every hex value of 32 digits or more that follows `marker` in `bytes`, in order, repeats
/// included (one per occurrence of the marker followed by one).
pub fn hex_values_after(bytes: &[u8], marker: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    for (at, _) in text.match_indices(marker) {
        let hex: String = text[at + marker.len()..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        if hex.len() >= 32 {
            out.push(hex);
        }
    }
    out
}

/// `values` sorted, without repeats.
pub fn distinct(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values.dedup();
    values
}

/// Every string value of a JSON member `name` in `bytes` (e.g. the `TmpSecretKey`s of the STS
/// answers a relay recorded), in order; values with escapes end at their first quote.
pub fn json_string_values(bytes: &[u8], name: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let marker = format!("\"{name}\":\"");
    text.match_indices(&marker)
        .filter_map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// What of the `secrets` appears whole in `output`, and which `signatures` have a piece (any
/// window of 16 characters) in it, each named with the piece found.
pub fn leaks_in<'a>(
    output: &str,
    secrets: &[&str],
    signatures: impl IntoIterator<Item = &'a String>,
) -> Vec<String> {
    let mut leaked: Vec<String> = secrets
        .iter()
        .filter(|s| output.contains(*s))
        .map(|s| s.to_string())
        .collect();
    for signature in signatures {
        for window in 0..=signature.len().saturating_sub(16) {
            let piece = &signature[window..(window + 16).min(signature.len())];
            if output.contains(piece) {
                leaked.push(format!("{piece} (of {signature})"));
                break;
            }
        }
    }
    leaked
}

/// Words that only signed material carries, in lower case: none may appear (in any case) in
/// what a program writes.
pub const SIGNED_MATERIAL_MARKERS: [&str; 4] =
    ["signature=", "q-sign-time", "x-tc-token", "authorization:"];

/// The [`SIGNED_MATERIAL_MARKERS`] that appear in `output`, whatever their case.
pub fn markers_in(output: &str) -> Vec<&'static str> {
    let lower = output.to_ascii_lowercase();
    SIGNED_MATERIAL_MARKERS
        .into_iter()
        .filter(|m| lower.contains(m))
        .collect()
}

/// An in-memory sink for a `tracing` subscriber's output: clones share one buffer, so a test
/// hands one clone to the subscriber's writer and reads what was logged with
/// [`Capture::text`].
#[derive(Clone, Default)]
pub struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Capture {
    /// Everything written so far. Panics if it is not UTF-8: log output always is.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        String::from_utf8(bytes).expect("the captured output is UTF-8")
    }
}

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_values_follow_the_marker_and_keep_repeats() {
        let a = "ab".repeat(16);
        let text = format!("Signature={a}, Signature=12, x Signature={a}ZZ");
        assert_eq!(
            hex_values_after(text.as_bytes(), "Signature="),
            [a.clone(), a.clone()]
        );
        assert_eq!(
            distinct(vec![a.clone(), "0".into(), a.clone()]),
            ["0", a.as_str()]
        );
    }

    #[test]
    fn leaks_are_whole_secrets_and_signature_pieces() {
        let sig = "0123456789abcdef0123456789abcdef".to_owned();
        let clean = "nothing here";
        assert!(leaks_in(clean, &["key"], [&sig]).is_empty());
        assert_eq!(leaks_in("a key", &["key", "token"], [&sig]), ["key"]);
        let found = leaks_in("x 456789abcdef0123 y", &[], [&sig]);
        assert_eq!(found, [format!("456789abcdef0123 (of {sig})")]);
        assert_eq!(
            markers_in("X-TC-Token: t; Authorization: a"),
            ["x-tc-token", "authorization:"]
        );
        assert!(markers_in(clean).is_empty());
    }
}
