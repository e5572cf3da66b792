//! A local CloudFormation endpoint for the operations no emulator implements (drift detection,
//! import change sets, stack refactoring): it speaks the awsQuery protocol as the real
//! `aws-sdk-cloudformation` client sends it, checks every request against the service model
//! (botocore's `cloudformation/2010-05-15/service-2.json` from the validators venv) and answers
//! with the canned XML a test registered per action — built from the response examples of the
//! AWS CloudFormation API reference (see `cfn_examples.rs`).
//!
//! ```ignore
//! let aws = AwsModel::start()
//!     .answer("DescribeStacks", cfn_examples::describe_stacks("app-net", &stack_id))
//!     .answer("DetectStackDrift", cfn_examples::detect_stack_drift(&detection_id));
//! // … point the runtime at aws.endpoint() …
//! aws.assert_clean(); // no request broke the model, every request had an answer
//! ```
//!
//! What is checked, per request: the operation exists (and `Version` is the model's), every
//! required member is present, under its flattened query name (`ResourcesToImport.member.1.
//! ResourceType`, `Tags.member.2.Value`, `ResourceIdentifier.entry.1.key`), no member is
//! unknown, enum members hold allowed values, list lengths, string lengths and integer ranges
//! are within the model's bounds, booleans and numbers parse, and the request is SigV4-signed
//! and form-encoded. A violation answers HTTP 400 with an AWS-style `ValidationError` (so the
//! client fails like it would against AWS) and is recorded for [`AwsModel::violations`].

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// The XML namespace of CloudFormation's query responses.
pub(crate) const XMLNS: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/// One request as the endpoint decoded it.
#[derive(Debug, Clone)]
pub(crate) struct ModelRequest {
    /// `Action=`.
    pub action: String,
    /// Every form parameter but `Action` and `Version`, by its flattened query name.
    pub params: BTreeMap<String, String>,
}

impl ModelRequest {
    /// A parameter by its flattened query name, e.g. `StackName` or `Tags.member.1.Key`.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The members of a list parameter, in order (`Name.member.1`, `Name.member.2`, …).
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        (1..).map_while(|i| self.params.get(&format!("{name}.member.{i}")).cloned()).collect()
    }
}

#[derive(Debug, Clone)]
enum Answer {
    Ok(String),
    Error { status: u16, code: String, message: String },
}

#[derive(Debug)]
struct Rule {
    action: String,
    /// Answer only requests with this parameter value.
    when: Option<(String, String)>,
    /// Served in order; the last one repeats.
    answers: VecDeque<Answer>,
}

#[derive(Debug, Default)]
struct State {
    rules: Vec<Rule>,
    log: Vec<ModelRequest>,
    violations: Vec<String>,
    unanswered: Vec<String>,
}

/// The endpoint, serving on 127.0.0.1 from its own thread until dropped.
pub(crate) struct AwsModel {
    pub port: u16,
    state: Arc<Mutex<State>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for AwsModel {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl AwsModel {
    /// Starts the endpoint on a free port (loading the service model first, which fails the
    /// test clearly when the validators venv is missing). Works from sync and async tests.
    pub(crate) fn start() -> AwsModel {
        let _ = model();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let shared = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    tokio::select! {
                        _ = &mut stopped => return,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { return };
                            let state = shared.clone();
                            tokio::spawn(async move {
                                let service = service_fn(move |req| handle(req, state.clone()));
                                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                            });
                        }
                    }
                }
            });
        });
        AwsModel { port, state, stop: Some(stop), thread: Some(thread) }
    }

    /// `http://127.0.0.1:port`, for `AwsOptions::endpoint_url`.
    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Answers `action` with `xml` (a whole `<ActionResponse>` document). Answers registered
    /// for the same action are served in order, and the last one repeats (e.g. a status
    /// `IN_PROGRESS` once, then `COMPLETE`).
    #[must_use]
    pub(crate) fn answer(self, action: &str, xml: impl Into<String>) -> Self {
        self.push(action, None, Answer::Ok(xml.into()))
    }

    /// Like [`answer`](Self::answer), only for requests whose parameter `param` is `value`
    /// (e.g. `StackName` = one stack of several).
    #[must_use]
    pub(crate) fn answer_when(self, action: &str, param: &str, value: &str, xml: impl Into<String>) -> Self {
        self.push(action, Some((param.to_string(), value.to_string())), Answer::Ok(xml.into()))
    }

    /// Answers `action` (when `param` is `value`, if given) with an AWS error, e.g.
    /// `(400, "ValidationError", "Stack with id x does not exist")`; queued with the answers
    /// of the same action and condition, like [`answer`](Self::answer).
    #[must_use]
    pub(crate) fn fail(self, action: &str, when: Option<(&str, &str)>, status: u16, code: &str, message: &str) -> Self {
        let when = when.map(|(p, v)| (p.to_string(), v.to_string()));
        self.push(action, when, Answer::Error { status, code: code.into(), message: message.into() })
    }

    fn push(self, action: &str, when: Option<(String, String)>, answer: Answer) -> Self {
        {
            let mut st = self.state.lock().unwrap();
            match st.rules.iter_mut().find(|r| r.action == action && r.when == when) {
                Some(rule) => rule.answers.push_back(answer),
                None => st.rules.push(Rule { action: action.into(), when, answers: VecDeque::from([answer]) }),
            }
        }
        self
    }

    /// Every request, in order.
    pub(crate) fn requests(&self) -> Vec<ModelRequest> {
        self.state.lock().unwrap().log.clone()
    }

    /// The actions of every request, in order.
    pub(crate) fn actions(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.action).collect()
    }

    /// The requests that broke the service model, one message each.
    pub(crate) fn violations(&self) -> Vec<String> {
        self.state.lock().unwrap().violations.clone()
    }

    /// Valid requests no canned answer matched.
    pub(crate) fn unanswered(&self) -> Vec<String> {
        self.state.lock().unwrap().unanswered.clone()
    }

    /// Fails the test if a request broke the model or found no answer.
    pub(crate) fn assert_clean(&self) {
        let (violations, unanswered) = (self.violations(), self.unanswered());
        assert!(
            violations.is_empty() && unanswered.is_empty(),
            "requests that break the CloudFormation service model: {violations:#?}\n\
             requests without a canned answer: {unanswered:#?}"
        );
    }
}

/// Wraps a result in the awsQuery response document of `action`, as CloudFormation answers.
pub(crate) fn response(action: &str, result: &str) -> String {
    format!(
        "<{action}Response xmlns=\"{XMLNS}\">\n  <{action}Result>\n{result}\n  </{action}Result>\n  \
         <ResponseMetadata>\n    <RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId>\n  </ResponseMetadata>\n\
         </{action}Response>\n"
    )
}

fn error_document(code: &str, message: &str) -> String {
    let message = message.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<ErrorResponse xmlns=\"{XMLNS}\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>{code}</Code>\n    \
         <Message>{message}</Message>\n  </Error>\n  <RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId>\n\
         </ErrorResponse>\n"
    )
}

fn xml(status: u16, body: String) -> Response<Full<Bytes>> {
    Response::builder().status(status).header("content-type", "text/xml").body(Full::new(Bytes::from(body))).unwrap()
}

async fn handle(req: Request<Incoming>, state: Arc<Mutex<State>>) -> Result<Response<Full<Bytes>>, Infallible> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (content_type, authorization) = (header("content-type"), header("authorization"));
    let method = req.method().to_string();
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let mut params: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let action = params.remove("Action").unwrap_or_default();
    let version = params.remove("Version").unwrap_or_default();
    let request = ModelRequest { action: action.clone(), params };

    let mut problems = Vec::new();
    if method != "POST" || !content_type.starts_with("application/x-www-form-urlencoded") {
        problems.push(format!("{method} with content-type {content_type:?}: the query protocol POSTs a form"));
    }
    if !authorization.starts_with("AWS4-HMAC-SHA256 Credential=") {
        problems.push("the request is not SigV4-signed".to_string());
    }
    problems.extend(check(&request, &version));

    let mut st = state.lock().unwrap();
    st.log.push(request.clone());
    if !problems.is_empty() {
        let message = format!("{action}: {}", problems.join("; "));
        st.violations.push(message.clone());
        return Ok(xml(400, error_document("ValidationError", &message)));
    }
    let rule = st
        .rules
        .iter_mut()
        .find(|r| r.action == action && r.when.as_ref().is_none_or(|(p, v)| request.param(p) == Some(v.as_str())));
    let answer = match rule {
        Some(rule) if rule.answers.len() > 1 => rule.answers.pop_front(),
        Some(rule) => rule.answers.front().cloned(),
        None => None,
    };
    match answer {
        Some(Answer::Ok(body)) => {
            if !body.contains(&format!("<{action}Response")) {
                st.violations.push(format!("{action}: the canned answer is not a <{action}Response> document"));
            }
            Ok(xml(200, body))
        }
        Some(Answer::Error { status, code, message }) => Ok(xml(status, error_document(&code, &message))),
        None => {
            let message = format!("{action} {:?}: no canned answer registered", request.params);
            st.unanswered.push(message.clone());
            Ok(xml(400, error_document("ValidationError", &message)))
        }
    }
}

/// Where botocore keeps a service's model (`service` is its data directory, such as
/// `cloudformation/2010-05-15`): `$STACKWRIGHT_VENV_VALIDATORS` (else the repository's
/// `.venv/validators`), `lib/python*/site-packages/botocore/data/…`.
fn model_path(service: &str) -> (PathBuf, PathBuf) {
    let venv = std::env::var_os("STACKWRIGHT_VENV_VALIDATORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| super::repo_root().join(".venv").join("validators"));
    let python = venv.join("bin").join("python");
    let found = std::fs::read_dir(venv.join("lib")).ok().and_then(|dirs| {
        dirs.flatten()
            .map(|d| d.path().join("site-packages/botocore/data").join(service))
            .find_map(|dir| ["service-2.json.gz", "service-2.json"].iter().map(|f| dir.join(f)).find(|p| p.exists()))
    });
    let path = found.unwrap_or_else(|| {
        panic!(
            "the service model (botocore's {service}/service-2.json) is not under \
             {}/lib/python*/site-packages: the model-checked endpoint needs the validators venv.\n\
             Create it with tools/install (scripts/test does), or set STACKWRIGHT_VENV_VALIDATORS to a venv with botocore.",
            venv.display()
        )
    });
    (python, path)
}

/// The CloudFormation service model, loaded once per test binary.
pub(crate) fn model() -> &'static Value {
    static MODEL: OnceLock<Value> = OnceLock::new();
    MODEL.get_or_init(|| service_model("cloudformation/2010-05-15"))
}

/// A service's model from botocore (`eks/2017-11-01`). botocore ships it gzipped: the venv's
/// Python unpacks it, so the tests need no gzip crate.
pub(crate) fn service_model(service: &str) -> Value {
    let (python, path) = model_path(service);
    let text = if path.extension().is_some_and(|e| e == "gz") {
        let out = std::process::Command::new(&python)
            .args(["-c", "import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())"])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {} to unpack {}: {e}", python.display(), path.display()));
        assert!(out.status.success(), "unpacking {} failed: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    } else {
        std::fs::read_to_string(&path).unwrap()
    };
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Everything wrong with a request, by the model.
fn check(request: &ModelRequest, version: &str) -> Vec<String> {
    let model = model();
    let mut problems = Vec::new();
    let api = model["metadata"]["apiVersion"].as_str().unwrap_or_default();
    if version != api {
        problems.push(format!("Version is {version:?}, the model's is {api:?}"));
    }
    let Some(op) = model["operations"].get(&request.action) else {
        problems.push(format!("no operation {:?} in the CloudFormation model", request.action));
        return problems;
    };
    let mut used = BTreeSet::new();
    if let Some(input) = op.pointer("/input/shape").and_then(Value::as_str) {
        let mut walk =
            Walk { shapes: &model["shapes"], params: &request.params, used: &mut used, problems: &mut problems };
        walk.structure(input, "");
    }
    for key in request.params.keys().filter(|k| !used.contains(*k)) {
        problems.push(format!("{key} is not a member of {}'s input", request.action));
    }
    problems
}

struct Walk<'a> {
    shapes: &'a Value,
    params: &'a BTreeMap<String, String>,
    used: &'a mut BTreeSet<String>,
    problems: &'a mut Vec<String>,
}

impl Walk<'_> {
    /// Whether anything was sent under `key` (the key itself, or a key below it).
    fn present(&self, key: &str) -> bool {
        let below = format!("{key}.");
        self.params.contains_key(key)
            || self.params.range(below.clone()..).next().is_some_and(|(k, _)| k.starts_with(&below))
    }

    fn structure(&mut self, shape: &str, prefix: &str) {
        let s = &self.shapes[shape];
        let required: Vec<&str> =
            s["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let Some(members) = s["members"].as_object() else { return };
        for (name, member) in members {
            let wire = member["locationName"].as_str().unwrap_or(name);
            let key = if prefix.is_empty() { wire.to_string() } else { format!("{prefix}.{wire}") };
            if !self.present(&key) {
                if required.contains(&name.as_str()) {
                    self.problems.push(format!("the required member {key} is missing"));
                }
                continue;
            }
            self.value(member["shape"].as_str().unwrap_or_default(), &key);
        }
    }

    fn value(&mut self, shape: &str, key: &str) {
        let s = &self.shapes[shape];
        match s["type"].as_str().unwrap_or_default() {
            "structure" => self.structure(shape, key),
            "list" => {
                let member = s.pointer("/member/shape").and_then(Value::as_str).unwrap_or_default();
                let flattened = s["flattened"].as_bool().unwrap_or(false);
                let base = if flattened { format!("{key}.") } else { format!("{key}.member.") };
                let count = self.entries(key, &base);
                self.bounds(shape, key, count as i64, "items");
                for i in 1..=count {
                    self.value(member, &format!("{base}{i}"));
                }
            }
            "map" => {
                let base = format!("{key}.entry.");
                let count = self.entries(key, &base);
                self.bounds(shape, key, count as i64, "entries");
                for i in 1..=count {
                    for part in ["key", "value"] {
                        let k = format!("{base}{i}.{part}");
                        match s.pointer(&format!("/{part}/shape")).and_then(Value::as_str) {
                            Some(inner) if self.present(&k) => self.value(inner, &k),
                            _ => self.problems.push(format!("{k} is missing")),
                        }
                    }
                }
            }
            kind => self.scalar(shape, kind, key),
        }
    }

    /// The number of entries of a list or map under `base` (`Name.member.`), which must be
    /// numbered 1..n; an empty list is sent as `Name=`.
    fn entries(&mut self, key: &str, base: &str) -> usize {
        if self.params.get(key).is_some_and(String::is_empty) {
            self.used.insert(key.to_string());
            return 0;
        }
        let indices: BTreeSet<usize> = self
            .params
            .keys()
            .filter_map(|k| k.strip_prefix(base))
            .map(|rest| rest.split('.').next().unwrap_or_default())
            .filter_map(|i| i.parse().ok())
            .collect();
        let count = indices.len();
        if indices.iter().copied().ne(1..=count) {
            self.problems.push(format!("the entries of {key} are numbered {indices:?}, not 1..{count}"));
        }
        count
    }

    fn bounds(&mut self, shape: &str, key: &str, n: i64, what: &str) {
        let s = &self.shapes[shape];
        if let Some(min) = s["min"].as_i64().filter(|m| n < *m) {
            self.problems.push(format!("{key} has {n} {what}, the model's minimum is {min}"));
        }
        if let Some(max) = s["max"].as_i64().filter(|m| n > *m) {
            self.problems.push(format!("{key} has {n} {what}, the model's maximum is {max}"));
        }
    }

    fn scalar(&mut self, shape: &str, kind: &str, key: &str) {
        let Some(v) = self.params.get(key) else {
            self.problems.push(format!("{key} is a {kind}, sent as a structure or list"));
            return;
        };
        self.used.insert(key.to_string());
        let s = &self.shapes[shape];
        match kind {
            "string" => {
                if let Some(allowed) = s["enum"].as_array().filter(|a| !a.iter().any(|a| a.as_str() == Some(v))) {
                    let allowed: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                    self.problems.push(format!("{key}={v:?} is not one of {shape}'s values {allowed:?}"));
                }
                self.bounds(shape, key, v.chars().count() as i64, "characters");
            }
            "integer" | "long" => match v.parse::<i64>() {
                Ok(n) => {
                    if s["min"].as_i64().is_some_and(|m| n < m) || s["max"].as_i64().is_some_and(|m| n > m) {
                        self.problems.push(format!("{key}={n} is outside {shape}'s range"));
                    }
                }
                Err(_) => self.problems.push(format!("{key}={v:?} is not an integer")),
            },
            "double" | "float" if v.parse::<f64>().is_err() => {
                self.problems.push(format!("{key}={v:?} is not a number"))
            }
            "boolean" if v != "true" && v != "false" => self.problems.push(format!("{key}={v:?} is not a boolean")),
            "timestamp" if v.is_empty() => self.problems.push(format!("{key} is an empty timestamp")),
            _ => {}
        }
    }
}
