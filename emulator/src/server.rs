//! The HTTP server: the accept loop, and the router that sends `POST /` to the API endpoint
//! and everything else to the download endpoint.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{self, Request};
use axum::http::Response;
use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::conn::ConnCtx;
use crate::state::State;
use crate::{api, files, sts};

/// How long a connection may take to send a complete request head; a client that never
/// finishes its headers (slowloris) is dropped then.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The router: `POST /` is the API (STS's calls to [`sts`], the rest to the Redis API),
/// `GET|HEAD /backups/...` and `/internal/backups/...` are downloads.
fn router(state: Arc<State>) -> Router {
    Router::new().fallback(dispatch).with_state(state)
}

async fn dispatch(
    extract::State(state): extract::State<Arc<State>>,
    req: Request,
) -> Response<Body> {
    let ctx = req
        .extensions()
        .get::<ConnCtx>()
        .cloned()
        .unwrap_or_else(ConnCtx::detached);
    let path = req.uri().path().to_owned();
    if path == "/" && sts::is_sts_request(req.headers()) {
        sts::handle(state, req).await
    } else if path == "/" {
        api::handle(state, ctx, req).await
    } else {
        let query = req.uri().query().unwrap_or("").to_owned();
        let method = req.method().clone();
        let headers = req.headers().clone();
        files::handle(state, ctx, method, path, query, headers).await
    }
}

/// Runs the accept loop until `shutdown` fires.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let app = router(state);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, remote)) = accepted else {
                    // Out of descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let (ctx, stream) = ConnCtx::accept(stream, remote);
                let io = TokioIo::new(stream);
                let app = app.clone();
                let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ctx.clone());
                    app.clone().oneshot(req.map(Body::new))
                });
                connections.spawn(async move {
                    // A client that never finishes its headers (slowloris) is dropped after
                    // HEADER_READ_TIMEOUT instead of holding a connection forever.
                    // A client that half-closes its side once the request is sent still gets
                    // its answer (hyper drops the connection at that EOF by default).
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .half_close(true)
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .serve_connection(io, service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
}
