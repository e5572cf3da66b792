"""Check a cluster's synthesized manifests with network-config-analyzer (NP-Guard) against the
flows the program declares. Run by tools/check-connectivity inside .venv/connectivity.

Required flows are derived from what the program wrote, never from an app's name:
  - scrape: Prometheus (the workload mounting a ConfigMap with a prometheus.yml key) reaches
    every workload whose pod template says prometheus.io/scrape: "true", on prometheus.io/port;
  - service references: a workload mounting a ConfigMap that names <svc>.<ns>.svc:<port>
    (Prometheus's Alertmanager target, Grafana's datasource) reaches the pods behind that
    Service on its targetPort;
  - load balancer: the pods behind an Ingress backend or a LoadBalancer Service are reachable
    from outside the cluster's pods (an ipBlock) on the target port;
  - aggregated API: the pods behind an APIService's Service are reachable from outside the
    cluster's pods (the API server is not a pod) on the target port;
  - DNS: every workload reaches kube-system's kube-dns on UDP and TCP 53;
  - declared: the flows the program declares at both ends (the cluster's "flows" in the
    assembly's manifest.json, written by synth from the workloads' allow/egress_to), and flows
    listed in a connectivity.json next to the cluster directory's manifests
    ({"flows": [{"from": "ns/name", "to": "ns/name", "port": N, "protocol": "TCP"}]}).
Then each required flow must be allowed, and no pod-to-pod flow between the program's own
workloads may be allowed beyond the required and declared ones (a port outside them counts).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import yaml

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"}
SVC_REF = re.compile(r"\b([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(?:\.cluster\.local)?:(\d+)")
DNS = ("kube-system", "kube-dns")


def load_objects(cluster_dir):
    objs = []
    for name in sorted(os.listdir(cluster_dir)):
        if not name.endswith((".yaml", ".yml")):
            continue
        with open(os.path.join(cluster_dir, name), encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if isinstance(doc, dict) and doc.get("kind"):
                    objs.append(doc)
    return objs


def pod_template(obj):
    kind = obj["kind"]
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return obj
    if kind == "CronJob":
        return ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
    return spec.get("template") or {}


def key(obj):
    return "%s/%s" % (obj["metadata"].get("namespace", "default"), obj["metadata"]["name"])


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def container_port(tmpl, port):
    """A Service targetPort (number or name) as a number."""
    if isinstance(port, int):
        return port
    for c in (tmpl.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == port:
                return p["containerPort"]
    return None


class Model:
    def __init__(self, objs):
        self.workloads = {key(o): o for o in objs if o["kind"] in WORKLOAD_KINDS}
        self.services = {key(o): o for o in objs if o["kind"] == "Service"}
        self.configmaps = {key(o): o for o in objs if o["kind"] == "ConfigMap"}
        self.ingresses = [o for o in objs if o["kind"] == "Ingress"]
        self.api_services = [o for o in objs if o["kind"] == "APIService"]

    def mounted_configmaps(self, wkey):
        tmpl = pod_template(self.workloads[wkey])
        ns = wkey.split("/")[0]
        out = []
        for v in (tmpl.get("spec") or {}).get("volumes") or []:
            sources = [v.get("configMap")] + [p.get("configMap") for p in (v.get("projected") or {}).get("sources") or []]
            for s in sources:
                if s and ("%s/%s" % (ns, s["name"])) in self.configmaps:
                    out.append(self.configmaps["%s/%s" % (ns, s["name"])])
        return out

    def backends(self, ns, svc_name, port):
        """(workload key, container port) behind Service ns/svc_name's port."""
        svc = self.services.get("%s/%s" % (ns, svc_name))
        if not svc:
            return []
        selector = (svc.get("spec") or {}).get("selector") or {}
        target = None
        for p in (svc.get("spec") or {}).get("ports") or []:
            if port is None or p.get("port") == port or p.get("name") == port:
                target = p.get("targetPort", p.get("port"))
                break
        out = []
        for wkey, w in self.workloads.items():
            tmpl = pod_template(w)
            if wkey.split("/")[0] == ns and selects(selector, (tmpl.get("metadata") or {}).get("labels") or {}):
                cport = container_port(tmpl, target)
                if cport is not None:
                    out.append((wkey, cport))
        return out


def required_flows(model):
    """[(src, dst, protocol, port, why)]; src 'external' is any ipBlock."""
    flows = []
    prometheus = [w for w in model.workloads if any("prometheus.yml" in (cm.get("data") or {}) for cm in model.mounted_configmaps(w))]
    for wkey, w in model.workloads.items():
        ann = (pod_template(w).get("metadata") or {}).get("annotations") or {}
        if ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port"):
            for p in prometheus:
                flows.append((p, wkey, "TCP", int(ann["prometheus.io/port"]), "scrape (prometheus.io/port)"))
        for cm in model.mounted_configmaps(wkey):
            for text in (cm.get("data") or {}).values():
                for m in SVC_REF.finditer(text):
                    svc, ns, port = m.group(1), m.group(3), int(m.group(5))
                    for dst, cport in model.backends(ns, svc, port):
                        if dst != wkey:
                            flows.append((wkey, dst, "TCP", cport, "%s.%s.svc:%d in ConfigMap %s" % (svc, ns, port, cm["metadata"]["name"])))
        flows.append((wkey, "%s/%s" % DNS, "UDP", 53, "DNS"))
        flows.append((wkey, "%s/%s" % DNS, "TCP", 53, "DNS"))
    for ing in model.ingresses:
        ns = ing["metadata"].get("namespace", "default")
        spec = ing.get("spec") or {}
        backends = [spec.get("defaultBackend")] + [
            p.get("backend") for r in spec.get("rules") or [] for p in (r.get("http") or {}).get("paths") or []
        ]
        for b in backends:
            svc = (b or {}).get("service")
            if svc:
                port = (svc.get("port") or {}).get("number", (svc.get("port") or {}).get("name"))
                for dst, cport in model.backends(ns, svc["name"], port):
                    flows.append(("external", dst, "TCP", cport, "Ingress %s/%s" % (ns, ing["metadata"]["name"])))
    for skey, svc in model.services.items():
        if (svc.get("spec") or {}).get("type") == "LoadBalancer":
            ns, name = skey.split("/")
            for p in svc["spec"].get("ports") or []:
                for dst, cport in model.backends(ns, name, p.get("port")):
                    flows.append(("external", dst, p.get("protocol", "TCP"), cport, "LoadBalancer Service %s" % skey))
    for api in model.api_services:
        svc = (api.get("spec") or {}).get("service")
        if svc:
            for dst, cport in model.backends(svc.get("namespace", "default"), svc["name"], svc.get("port", 443)):
                flows.append(("external", dst, "TCP", cport, "APIService %s (the API server)" % api["metadata"]["name"]))
    return sorted(set(flows))


def declared_flows(cluster_dir):
    """The flows the program declares at both ends: the cluster's `flows` in the assembly's
    manifest.json (two levels up, the entry whose directory is this one), and those listed in
    a connectivity.json beside the manifests (for fixtures and flows declared by hand)."""
    flows = []
    cluster_dir = os.path.abspath(cluster_dir)
    assembly = os.path.dirname(os.path.dirname(cluster_dir))
    manifest = os.path.join(assembly, "manifest.json")
    if os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as f:
            doc = json.load(f)
        for cluster in doc.get("clusters", []):
            if os.path.abspath(os.path.join(assembly, cluster.get("directory", ""))) == cluster_dir:
                flows += [(d["from"], d["to"], d.get("protocol", "TCP"), int(d["port"]), "declared by the program")
                          for d in cluster.get("flows", [])]
    path = os.path.join(cluster_dir, "connectivity.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        flows += [(d["from"], d["to"], d.get("protocol", "TCP"), int(d["port"]), "connectivity.json") for d in doc.get("flows", [])]
    return flows


# ---- the analyser's connectivity map -------------------------------------------------------
LINE = re.compile(r"^(\S+) => (\S+) : (.+)$")
ENDPOINT = re.compile(r"^([^/\s]+)/([^\[\s]+)\[(\w+)\]$")


def parse_conn(text):
    """'All connections' -> None (everything); else {protocol: set of ports or None (all ports)}."""
    text = text.strip()
    if text == "All connections":
        return None
    out = {}
    for part in re.findall(r"\{([^}]*)\}", text):
        m = re.match(r"protocols:([A-Z, ]+?)(?:,dst_ports:(.*))?$", part.strip())
        if not m:
            raise ValueError("cannot read the analyser's connection '%s'" % text)
        ports = None
        if m.group(2):
            ports = set()
            for rng in m.group(2).split(","):
                lo, _, hi = rng.strip().partition("-")
                ports.update(range(int(lo), int(hi or lo) + 1))
        for proto in (p.strip() for p in m.group(1).split(",")):
            if proto in out and (out[proto] is None or ports is None):
                out[proto] = None
            else:
                out[proto] = (out.get(proto) or set()) | (ports or set()) if ports is not None else None
    return out


def allows(conn, proto, port):
    if conn is None:
        return True
    if proto not in conn:
        return False
    return conn[proto] is None or port in conn[proto]


def endpoint(text):
    m = ENDPOINT.match(text)
    if not m:
        return None  # an IP range
    ns, name, _kind = m.groups()
    if name.endswith("-livesim"):  # the analyser's stand-ins for pods it assumes (kube-dns, ingress)
        name = name[: -len("-livesim")]
        return ("%s/%s" % (ns, name), True)
    return ("%s/%s" % (ns, name), False)


def analyse(nca, cluster_dir):
    res = subprocess.run(
        [nca, "--connectivity", "--resource_list", cluster_dir, "--output_format", "txt_no_fw_rules", "--return_0"],
        capture_output=True, text=True, check=False,
    )
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit("%s: the analyser failed (exit %d)" % (cluster_dir, res.returncode))
    pods, external = {}, {}
    for line in res.stdout.splitlines():
        m = LINE.match(line.strip())
        if not m:
            continue
        src, dst, conn = endpoint(m.group(1)), endpoint(m.group(2)), parse_conn(m.group(3))
        if dst is None:
            continue  # egress to IP ranges: not a pod-to-pod flow
        if src is None:
            external.setdefault(dst[0], []).append(conn)
        else:
            pods[(src[0], dst[0])] = (conn, src[1] or dst[1])
    return pods, external


def check_cluster(nca, cluster_dir):
    model = Model(load_objects(cluster_dir))
    required = required_flows(model)
    declared = declared_flows(cluster_dir)
    pods, external = analyse(nca, cluster_dir)
    errors = []
    for src, dst, proto, port, why in required + declared:
        if src == "external":
            ok = any(allows(c, proto, port) for c in external.get(dst, []))
            label = "any address outside the pods"
        else:
            ok = (src, dst) in pods and allows(pods[(src, dst)][0], proto, port)
            label = src
        if not ok:
            errors.append("required flow not allowed: %s -> %s %s/%d (%s)" % (label, dst, proto, port, why))
    wanted = {}
    for src, dst, proto, port, _why in required + declared:
        wanted.setdefault((src, dst), set()).add((proto, port))
    for (src, dst), (conn, assumed) in sorted(pods.items()):
        if assumed or src not in model.workloads or dst not in model.workloads:
            continue  # a pod the analyser assumes (kube-dns, an ingress controller): not the program's
        if (src, dst) not in wanted:
            errors.append("undeclared pod-to-pod flow allowed: %s -> %s (%s)" % (src, dst, describe(conn)))
            continue
        extra = undeclared_ports(conn, wanted[(src, dst)])
        if extra:
            errors.append("undeclared ports allowed: %s -> %s %s (declared: %s)" % (
                src, dst, extra, ", ".join("%s/%d" % w for w in sorted(wanted[(src, dst)]))))
    return model, required + declared, pods, errors


def describe(conn):
    if conn is None:
        return "all connections"
    return ", ".join("%s/%s" % (p, "all" if ports is None else compress(ports)) for p, ports in sorted(conn.items()))


def compress(ports):
    ports = sorted(ports)
    return ",".join(str(p) for p in ports) if len(ports) <= 4 else "%d-%d (%d ports)" % (ports[0], ports[-1], len(ports))


def undeclared_ports(conn, wanted):
    if conn is None:
        return "all connections"
    extra = []
    for proto, ports in sorted(conn.items()):
        allowed = {p for pr, p in wanted if pr == proto}
        if ports is None:
            extra.append("%s/all ports" % proto)
        elif ports - allowed:
            extra.append("%s/%s" % (proto, compress(ports - allowed)))
    return ", ".join(extra)


def cluster_dirs(root):
    if any(n.endswith((".yaml", ".yml")) for n in os.listdir(root)):
        return [root]
    return [os.path.join(root, d) for d in sorted(os.listdir(root)) if os.path.isdir(os.path.join(root, d))]


def main(argv):
    verbose = "--verbose" in argv
    args = [a for a in argv if a != "--verbose"]
    nca, roots = args[0], args[1:]
    total_errors = total_flows = clusters = 0
    for root in roots:
        for d in cluster_dirs(root):
            clusters += 1
            model, flows, pods, errors = check_cluster(nca, d)
            total_flows += len(flows)
            print("%s: %d workloads, %d required flows, %d pod-to-pod flows allowed" % (d, len(model.workloads), len(flows), len(pods)))
            if verbose:
                for f in flows:
                    print("  requires %s -> %s %s/%d (%s)" % f)
            for e in errors:
                print("  ERROR %s" % e)
            total_errors += len(errors)
    print("connectivity: %d clusters, %d required flows, %d errors" % (clusters, total_flows, total_errors))
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
