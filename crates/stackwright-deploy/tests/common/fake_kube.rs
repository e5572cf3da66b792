//! A fake Kubernetes API server: the paths the applier uses (server-side apply, get, list with
//! a label selector, delete), an in-memory store, a request log, and controllers that make
//! Deployments roll out, Jobs complete (or fail), APIServices become available and CRDs become established after a few reads.
//! Like a real API server, it serves a custom kind only once its CRD is established, and it
//! keeps `metadata.managedFields`: an apply makes `stackwright` (operation `Apply`) own every
//! field it sets, and [`FakeKube::edit_as`] changes a field as another manager would
//! (`kubectl edit`, operation `Update`), which moves that field to the editor.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub(crate) struct Logged {
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: String,
    pub authorization: String,
}

impl Logged {
    pub(crate) fn param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|kv| {
            kv.split_once('=')
                .filter(|(k, _)| *k == name)
                .map(|(_, v)| v.replace("%2C", ",").replace("%3D", "=").replace("%2F", "/"))
        })
    }
}

/// (group/version, plural, namespace, name)
type Key = (String, String, String, String);

#[derive(Debug, Default)]
pub(crate) struct State {
    pub objects: BTreeMap<Key, Value>,
    pub log: Vec<Logged>,
    /// Reads of a Deployment before it reports rolled out.
    pub rollout_reads: u32,
    /// Reads of an object, by key.
    reads: BTreeMap<Key, u32>,
    /// When set, Deployments never become ready.
    pub stuck: bool,
    /// When set, Jobs fail (backoff limit exceeded) instead of completing.
    pub failing_jobs: bool,
    /// Answer like the EKS view policy: no writes (not even dry runs), no Secrets.
    pub read_only: bool,
    next_uid: u64,
}

pub(crate) struct FakeKube {
    pub port: u16,
    pub https: bool,
    pub state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeKube {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeKube {
    pub(crate) fn endpoint(&self) -> String {
        format!("{}://127.0.0.1:{}", if self.https { "https" } else { "http" }, self.port)
    }

    pub(crate) async fn start() -> FakeKube {
        Self::serve(None).await
    }

    /// The same server over TLS, with a certificate for 127.0.0.1 from a fresh test CA.
    /// Returns the server and the CA as EKS gives it (base64 of PEM).
    pub(crate) async fn start_tls() -> (FakeKube, String) {
        use base64::Engine;
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "fake-eks-ca");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let server_key = rcgen::KeyPair::generate().unwrap();
        let server_cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
            .unwrap()
            .signed_by(&server_key, &issuer)
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![server_cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
            )
            .unwrap();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let kube = Self::serve(Some(acceptor)).await;
        let ca = base64::engine::general_purpose::STANDARD.encode(ca_cert.pem());
        (kube, ca)
    }

    async fn serve(tls: Option<tokio_rustls::TlsAcceptor>) -> FakeKube {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State { rollout_reads: 2, ..Default::default() }));
        let shared = state.clone();
        let https = tls.is_some();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (state, tls) = (shared.clone(), tls.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(req, state.clone()));
                    match tls {
                        Some(acceptor) => {
                            let Ok(stream) = acceptor.accept(stream).await else { return };
                            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                        }
                        None => {
                            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                        }
                    }
                });
            }
        });
        FakeKube { port, https, state, task }
    }

    /// Requests other than reads of the inventory, as "METHOD path".
    pub(crate) fn writes(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .log
            .iter()
            .filter(|l| l.method != "GET")
            .map(|l| format!("{} {}", l.method, l.path))
            .collect()
    }

    pub(crate) fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }

    pub(crate) fn names(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .objects
            .keys()
            .map(
                |(_, plural, ns, name)| {
                    if ns.is_empty() { format!("{plural}/{name}") } else { format!("{plural}/{ns}/{name}") }
                },
            )
            .collect()
    }

    pub(crate) fn get(&self, plural: &str, ns: &str, name: &str) -> Option<Value> {
        self.state
            .lock()
            .unwrap()
            .objects
            .iter()
            .find(|((_, p, n, m), _)| p == plural && n == ns && m == name)
            .map(|(_, v)| v.clone())
    }

    /// Changes (or, with `None`, removes) the field at the JSON `pointer` of an object as the
    /// field manager `manager` would with an update (`kubectl edit`): the field leaves every
    /// other manager's set and, when changed (not removed), joins `manager`'s `Update` entry,
    /// like the API server does.
    pub(crate) fn edit_as(
        &self,
        manager: &str,
        plural: &str,
        ns: &str,
        name: &str,
        pointer: &str,
        value: Option<Value>,
    ) {
        let mut st = self.state.lock().unwrap();
        let object = st
            .objects
            .iter_mut()
            .find(|((_, p, n, m), _)| p == plural && n == ns && m == name)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no {plural} {ns}/{name} to edit"));
        let path = fields_path(object, pointer);
        let removed = value.is_none();
        let (parent, leaf) = pointer.rsplit_once('/').unwrap();
        let leaf = unescape(leaf);
        let leaf = leaf.as_str();
        let target = object.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent} in {plural}/{name}"));
        match (value, target) {
            (Some(v), Value::Object(m)) => {
                m.insert(leaf.to_string(), v);
            }
            (Some(v), Value::Array(a)) => a[leaf.parse::<usize>().unwrap()] = v,
            (None, Value::Object(m)) => {
                m.remove(leaf);
            }
            (None, Value::Array(a)) => {
                a.remove(leaf.parse::<usize>().unwrap());
            }
            _ => panic!("{parent} of {plural}/{name} is not an object or list"),
        }
        let meta = object["metadata"].as_object_mut().unwrap();
        let entries = meta.entry("managedFields").or_insert_with(|| json!([])).as_array_mut().unwrap();
        for e in entries.iter_mut() {
            if e["manager"] != manager {
                remove_path(&mut e["fieldsV1"], &path);
            }
        }
        if removed {
            return;
        }
        if !entries.iter().any(|e| e["manager"] == manager && e["operation"] == "Update") {
            entries.push(json!({"manager": manager, "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": {}}));
        }
        let mine = entries.iter_mut().find(|e| e["manager"] == manager && e["operation"] == "Update").unwrap();
        let mut node = &mut mine["fieldsV1"];
        for key in &path {
            node = node.as_object_mut().unwrap().entry(key.clone()).or_insert_with(|| json!({}));
        }
    }

    /// Puts an object in directly (as if someone else had created it).
    pub(crate) fn insert(&self, gv: &str, plural: &str, ns: &str, name: &str, object: Value) {
        self.state.lock().unwrap().objects.insert((gv.into(), plural.into(), ns.into(), name.into()), object);
    }
}

fn reply(code: u16, body: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

fn status(code: u16, reason: &str, message: &str) -> Response<Full<Bytes>> {
    reply(
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": if code < 300 { "Success" } else { "Failure" },
               "message": message, "reason": reason, "code": code}),
    )
}

/// Splits an API path into (group/version, plural, namespace, name).
fn parse(path: &str) -> Option<(String, String, String, Option<String>)> {
    let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (gv, rest) = match *seg.first()? {
        "api" => (seg.get(1)?.to_string(), &seg[2..]),
        "apis" => (format!("{}/{}", seg.get(1)?, seg.get(2)?), &seg[3..]),
        _ => return None,
    };
    if rest.first() == Some(&"namespaces") && rest.len() >= 3 {
        Some((gv, rest[2].to_string(), rest[1].to_string(), rest.get(3).map(|s| s.to_string())))
    } else {
        Some((gv, rest.first()?.to_string(), String::new(), rest.get(1).map(|s| s.to_string())))
    }
}

fn matches_selector(object: &Value, selector: &str) -> bool {
    selector.split(',').filter(|s| !s.is_empty()).all(|kv| match kv.split_once('=') {
        Some((k, v)) => object.pointer("/metadata/labels").and_then(|l| l.get(k)).and_then(Value::as_str) == Some(v),
        None => false,
    })
}

fn controller(kind: &str, object: &mut Value, reads: u32, st: &State) {
    let (rollout_reads, stuck) = (st.rollout_reads, st.stuck);
    let generation = object.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(1);
    match kind {
        "Deployment" => {
            let replicas = object.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
            let done = !stuck && reads >= rollout_reads;
            object["status"] = if done {
                json!({"observedGeneration": generation, "replicas": replicas, "updatedReplicas": replicas,
                       "readyReplicas": replicas, "availableReplicas": replicas})
            } else {
                json!({"observedGeneration": generation, "replicas": replicas, "updatedReplicas": 0})
            };
        }
        "Job" => {
            object["status"] = match (reads >= rollout_reads, st.failing_jobs) {
                (false, _) => json!({"active": 1}),
                (true, false) => json!({"succeeded": 1,
                    "conditions": [{"type": "Complete", "status": "True"}]}),
                (true, true) => json!({"failed": 2, "conditions": [{"type": "Failed", "status": "True",
                    "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]}),
            };
        }
        // The aggregated API answers once its pods are up: after as many reads as a rollout.
        "APIService" => {
            object["status"] = if reads >= rollout_reads {
                json!({"conditions": [{"type": "Available", "status": "True", "reason": "Passed"}]})
            } else {
                json!({"conditions": [{"type": "Available", "status": "False", "reason": "MissingEndpoints",
                    "message": "endpoints for service/prometheus-adapter in \"monitoring\" have no addresses"}]})
            };
        }
        "CustomResourceDefinition" if reads >= 1 => {
            object["status"] = json!({"conditions": [{"type": "Established", "status": "True"}]});
        }
        _ => {}
    }
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<Mutex<State>>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let logged = Logged {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        content_type: header("content-type"),
        authorization: header("authorization"),
    };
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let mut st = state.lock().unwrap();
    st.log.push(logged.clone());
    if !logged.authorization.starts_with("Bearer k8s-aws-v1.") {
        return Ok(status(401, "Unauthorized", "no EKS token"));
    }
    let Some((gv, plural, ns, name)) = parse(&path) else {
        return Ok(status(404, "NotFound", "unknown path"));
    };
    if st.read_only && (method != "GET" || plural == "secrets") {
        return Ok(status(403, "Forbidden", "the view policy allows no writes and no Secrets"));
    }
    if !served(&st, &gv, &plural) {
        return Ok(status(404, "NotFound", "the server could not find the requested resource"));
    }
    match (method.as_str(), name) {
        ("PATCH", Some(name)) => Ok(apply(&mut st, (gv, plural, ns, name), &logged, &body)),
        ("GET", Some(name)) => Ok(get(&mut st, (gv, plural, ns, name))),
        ("GET", None) => Ok(list(&st, &gv, &plural, &ns, &logged)),
        ("DELETE", Some(name)) => {
            let key = (gv, plural, ns, name.clone());
            match st.objects.remove(&key) {
                Some(_) => Ok(status(200, "", "deleted")),
                None => Ok(status(404, "NotFound", &format!("\"{name}\" not found"))),
            }
        }
        _ => Ok(status(405, "MethodNotAllowed", "not served by the fake")),
    }
}

/// Whether `gv`/`plural` is served: a built-in group (the core group, `apps`, `*.k8s.io`, …)
/// always, a custom one once the CRD `<plural>.<group>` is established.
fn served(st: &State, gv: &str, plural: &str) -> bool {
    let Some((group, _)) = gv.split_once('/') else { return true };
    if !group.contains('.') || group.ends_with(".k8s.io") {
        return true;
    }
    let crd = (
        "apiextensions.k8s.io/v1".to_string(),
        "customresourcedefinitions".to_string(),
        String::new(),
        format!("{plural}.{group}"),
    );
    st.objects
        .get(&crd)
        .and_then(|o| o.pointer("/status/conditions"))
        .and_then(Value::as_array)
        .is_some_and(|c| c.iter().any(|c| c["type"] == "Established" && c["status"] == "True"))
}

/// A server-side apply (or its dry run) of one object.
fn apply(st: &mut State, key: Key, logged: &Logged, body: &[u8]) -> Response<Full<Bytes>> {
    if logged.content_type != "application/apply-patch+yaml" {
        return status(415, "UnsupportedMediaType", "only server-side apply is served");
    }
    if logged.param("fieldManager").as_deref() != Some("stackwright") {
        return status(422, "Invalid", "fieldManager is required");
    }
    let mut object: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return status(400, "BadRequest", &e.to_string()),
    };
    let old = st.objects.get(&key).cloned();
    let generation = old
        .as_ref()
        .and_then(|o| o.pointer("/metadata/generation").and_then(Value::as_i64))
        .map(|g| if old.as_ref().map(|o| &o["spec"]) != Some(&object["spec"]) { g + 1 } else { g })
        .unwrap_or(1);
    st.next_uid += 1;
    let uid =
        old.as_ref().and_then(|o| o.pointer("/metadata/uid").cloned()).unwrap_or(json!(format!("uid-{}", st.next_uid)));
    let meta = object["metadata"].as_object_mut().unwrap();
    meta.insert("generation".into(), json!(generation));
    meta.insert("uid".into(), uid);
    meta.insert("resourceVersion".into(), json!(st.next_uid.to_string()));
    if logged.param("dryRun").as_deref() == Some("All") {
        if let Some(s) = old.as_ref().and_then(|o| o.get("status")) {
            object["status"] = s.clone();
        }
        return reply(200, object);
    }
    st.reads.insert(key.clone(), 0);
    // A forced apply: stackwright owns every field it sets, taken from anyone who had it.
    let applied = fields_v1(&object, true);
    let mut entries: Vec<Value> = old
        .as_ref()
        .and_then(|o| o.pointer("/metadata/managedFields"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| !(e["manager"] == "stackwright" && e["operation"] == "Apply"))
        .collect();
    for e in &mut entries {
        let mut paths = Vec::new();
        leaf_paths(&applied, &mut Vec::new(), &mut paths);
        for p in paths {
            remove_path(&mut e["fieldsV1"], &p);
        }
    }
    entries.insert(
        0,
        json!({"manager": "stackwright", "operation": "Apply", "apiVersion": object["apiVersion"].clone(),
               "fieldsType": "FieldsV1", "fieldsV1": applied}),
    );
    object["metadata"]["managedFields"] = Value::Array(entries);
    let kind = object["kind"].as_str().unwrap_or("").to_string();
    controller(&kind, &mut object, 0, st);
    st.objects.insert(key, object.clone());
    reply(if old.is_some() { 200 } else { 201 }, object)
}

/// A read of one object, which moves its fake controller along.
fn get(st: &mut State, key: Key) -> Response<Full<Bytes>> {
    let reads = {
        let r = st.reads.entry(key.clone()).or_insert(0);
        *r += 1;
        *r
    };
    match st.objects.get(&key).cloned() {
        Some(mut o) => {
            let kind = o["kind"].as_str().unwrap_or("").to_string();
            controller(&kind, &mut o, reads, st);
            st.objects.insert(key, o.clone());
            reply(200, o)
        }
        None => status(404, "NotFound", &format!("{} \"{}\" not found", key.1, key.3)),
    }
}

/// A list of one kind, filtered by namespace and label selector.
fn list(st: &State, gv: &str, plural: &str, ns: &str, logged: &Logged) -> Response<Full<Bytes>> {
    let selector = logged.param("labelSelector").unwrap_or_default();
    let items: Vec<Value> = st
        .objects
        .iter()
        .filter(|((g, p, n, _), o)| {
            *g == gv && *p == plural && (ns.is_empty() || *n == ns) && matches_selector(o, &selector)
        })
        .map(|(_, o)| o.clone())
        .collect();
    reply(200, json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": "1"}, "items": items}))
}

/// The `fieldsV1` tree of every field of `value`: `f:` fields, `k:{"name":…}` elements of
/// lists of named objects, `v:` elements of lists of scalars; other lists are atomic. The
/// identity (apiVersion, kind, metadata.name and namespace) is left out at the top.
fn fields_v1(value: &Value, top: bool) -> Value {
    let mut tree = serde_json::Map::new();
    let Some(map) = value.as_object() else { return json!({}) };
    for (k, child) in map {
        if top && (k == "apiVersion" || k == "kind" || k == "status") {
            continue;
        }
        let node = match child {
            Value::Object(m) if k == "metadata" && top => {
                let mut m = m.clone();
                for f in ["name", "namespace", "managedFields", "uid", "resourceVersion", "generation"] {
                    m.remove(f);
                }
                fields_v1(&Value::Object(m), false)
            }
            Value::Object(m) if !m.is_empty() => fields_v1(child, false),
            Value::Array(items)
                if items.iter().all(|i| i.get("name").is_some_and(Value::is_string)) && !items.is_empty() =>
            {
                let mut list = serde_json::Map::new();
                for item in items {
                    let key = format!("k:{}", json!({"name": item["name"]}));
                    let mut node = fields_v1(item, false);
                    node.as_object_mut().unwrap().insert(".".into(), json!({}));
                    list.insert(key, node);
                }
                Value::Object(list)
            }
            Value::Array(items) if !items.is_empty() && items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                Value::Object(items.iter().map(|i| (format!("v:{i}"), json!({}))).collect())
            }
            _ => json!({}),
        };
        tree.insert(format!("f:{k}"), node);
    }
    Value::Object(tree)
}

/// The key paths of the leaves of a `fieldsV1` tree.
fn leaf_paths(tree: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    for (k, child) in tree.as_object().into_iter().flatten() {
        if k == "." {
            continue;
        }
        prefix.push(k.clone());
        if child.as_object().is_none_or(|m| m.keys().all(|k| k == ".")) {
            out.push(prefix.clone());
        } else {
            leaf_paths(child, prefix, out);
        }
        prefix.pop();
    }
}

/// Removes a key path from a `fieldsV1` tree, and the parents it leaves empty.
fn remove_path(tree: &mut Value, path: &[String]) {
    let Some((first, rest)) = path.split_first() else { return };
    let Some(map) = tree.as_object_mut() else { return };
    if rest.is_empty() {
        map.remove(first);
        return;
    }
    if let Some(child) = map.get_mut(first) {
        remove_path(child, rest);
        if child.as_object().is_some_and(|m| m.keys().all(|k| k == ".")) {
            map.remove(first);
        }
    }
}

/// The `fieldsV1` key path of the field at a JSON pointer of `object` (list indices become
/// `k:{"name":…}` for named elements, `i:N` otherwise).
fn fields_path(object: &Value, pointer: &str) -> Vec<String> {
    let mut path = Vec::new();
    let mut node = object;
    for seg in pointer.trim_start_matches('/').split('/') {
        match node {
            Value::Array(items) => {
                let i: usize = seg.parse().unwrap();
                let item = &items[i];
                path.push(match item.get("name") {
                    Some(n) => format!("k:{}", json!({"name": n})),
                    None => format!("i:{i}"),
                });
                node = item;
            }
            _ => {
                let seg = unescape(seg);
                path.push(format!("f:{seg}"));
                node = node.get(&seg).unwrap_or(&Value::Null);
            }
        }
    }
    path
}

/// A JSON pointer segment unescaped (`~1` is `/`, `~0` is `~`).
fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}
