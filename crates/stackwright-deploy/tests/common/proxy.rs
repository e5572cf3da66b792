//! A fault-injection proxy on 127.0.0.1 in front of an emulator: throttles or drops chosen
//! requests, and rewrites responses to produce states no emulator reaches.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

/// A fault for requests whose action matches.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    /// `Action=` of a Query request (`None`: every request).
    pub action: Option<String>,
    pub remaining: u32,
}

/// A response rewrite: replace `from` by `to` in the body of `action` responses.
#[derive(Debug, Clone)]
pub(crate) struct Rewrite {
    pub action: String,
    pub from: String,
    pub to: String,
    pub remaining: u32,
}

#[derive(Debug, Default)]
pub(crate) struct Rules {
    pub throttle: Vec<Fault>,
    pub drop: Vec<Fault>,
    /// Hold the request for a minute before forwarding it (a call that hangs).
    pub stall: Vec<Fault>,
    /// Forward the request, then drop the connection instead of answering (the request took
    /// effect, the client does not know).
    pub lose_response: Vec<Fault>,
    /// Canned answers instead of forwarding: (action, status, body, remaining).
    pub stub: Vec<(String, u16, String, u32)>,
    pub rewrite: Vec<Rewrite>,
    /// Actions of every request, in order.
    pub seen: Vec<String>,
    /// Actions whose upstream answer was passed on to the client.
    pub answered: Vec<String>,
    pub throttled: u32,
    pub dropped: u32,
    pub rewritten: u32,
}

impl Rules {
    fn take(faults: &mut [Fault], action: &str) -> bool {
        for f in faults.iter_mut() {
            if f.remaining > 0 && f.action.as_deref().is_none_or(|a| a == action) {
                f.remaining -= 1;
                return true;
            }
        }
        false
    }
}

pub(crate) struct Proxy {
    pub port: u16,
    pub rules: Arc<Mutex<Rules>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub(crate) fn throttle(&self, action: Option<&str>, times: u32) {
        self.rules.lock().unwrap().throttle.push(Fault { action: action.map(str::to_string), remaining: times });
    }

    pub(crate) fn drop_requests(&self, action: Option<&str>, times: u32) {
        self.rules.lock().unwrap().drop.push(Fault { action: action.map(str::to_string), remaining: times });
    }

    pub(crate) fn stall(&self, action: Option<&str>, times: u32) {
        self.rules.lock().unwrap().stall.push(Fault { action: action.map(str::to_string), remaining: times });
    }

    pub(crate) fn lose_responses(&self, action: Option<&str>, times: u32) {
        self.rules.lock().unwrap().lose_response.push(Fault { action: action.map(str::to_string), remaining: times });
    }

    pub(crate) fn stub(&self, action: &str, status: u16, body: &str, times: u32) {
        self.rules.lock().unwrap().stub.push((action.into(), status, body.into(), times));
    }

    pub(crate) fn rewrite(&self, action: &str, from: &str, to: &str, times: u32) {
        self.rules.lock().unwrap().rewrite.push(Rewrite {
            action: action.into(),
            from: from.into(),
            to: to.into(),
            remaining: times,
        });
    }

    pub(crate) fn answered(&self, action: &str) -> usize {
        self.rules.lock().unwrap().answered.iter().filter(|a| *a == action).count()
    }

    pub(crate) fn seen(&self, action: &str) -> usize {
        self.rules.lock().unwrap().seen.iter().filter(|a| *a == action).count()
    }

    /// Starts a proxy forwarding to `upstream` (`http://127.0.0.1:PORT`).
    pub(crate) async fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let rules = Arc::new(Mutex::new(Rules::default()));
        let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let upstream = upstream.trim_end_matches('/').to_string();
        let shared = rules.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (rules, client, upstream) = (shared.clone(), client.clone(), upstream.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(req, rules.clone(), client.clone(), upstream.clone()));
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Proxy { port, rules, task }
    }
}

fn action_of(body: &[u8], uri: &hyper::Uri) -> String {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .chain(uri.query().unwrap_or("").split('&'))
        .find_map(|kv| kv.strip_prefix("Action="))
        .map(str::to_string)
        .unwrap_or_else(|| uri.path().to_string())
}

#[derive(Debug)]
struct Dropped;
impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the fault proxy")
    }
}
impl std::error::Error for Dropped {}

async fn handle(
    req: Request<Incoming>,
    rules: Arc<Mutex<Rules>>,
    client: Client<HttpConnector, Full<Bytes>>,
    upstream: String,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let action = action_of(&body, &parts.uri);
    {
        let mut r = rules.lock().unwrap();
        r.seen.push(action.clone());
        if Rules::take(&mut r.drop, &action) {
            r.dropped += 1;
            return Err(Dropped);
        }
        if let Some(stub) = r.stub.iter_mut().find(|s| s.0 == action && s.3 > 0) {
            stub.3 -= 1;
            return Ok(Response::builder()
                .status(stub.1)
                .header("content-type", "text/xml")
                .body(Full::new(Bytes::from(stub.2.clone())))
                .unwrap());
        }
        if Rules::take(&mut r.throttle, &action) {
            r.throttled += 1;
            let xml = "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">\
                <Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>\
                <RequestId>fault-proxy</RequestId></ErrorResponse>";
            return Ok(Response::builder()
                .status(400)
                .header("content-type", "text/xml")
                .body(Full::new(Bytes::from(xml)))
                .unwrap());
        }
    }
    let stalled = Rules::take(&mut rules.lock().unwrap().stall, &action);
    if stalled {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut forward = Request::builder().method(parts.method.clone()).uri(format!("{upstream}{path}"));
    for (k, v) in &parts.headers {
        forward = forward.header(k, v);
    }
    let response = match client.request(forward.body(Full::new(body)).unwrap()).await {
        Ok(r) => r,
        Err(_) => return Err(Dropped),
    };
    let (mut rparts, rbody) = response.into_parts();
    {
        let mut r = rules.lock().unwrap();
        if Rules::take(&mut r.lose_response, &action) {
            r.dropped += 1;
            return Err(Dropped);
        }
    }
    let rbody = rbody.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let mut text = String::from_utf8_lossy(&rbody).to_string();
    {
        let mut r = rules.lock().unwrap();
        let mut hits = 0;
        for w in r.rewrite.iter_mut() {
            if w.remaining > 0 && w.action == action && text.contains(&w.from) {
                w.remaining -= 1;
                text = text.replace(&w.from, &w.to);
                hits += 1;
            }
        }
        r.rewritten += hits;
        r.answered.push(action.clone());
    }
    rparts.headers.remove("content-length");
    rparts.headers.remove("transfer-encoding");
    Ok(Response::from_parts(rparts, Full::new(Bytes::from(text))))
}

// Keeps the type checker honest about the service's error type.
#[allow(dead_code)]
fn _infallible(_: Infallible) {}
