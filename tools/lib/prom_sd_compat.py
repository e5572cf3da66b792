"""Work around Debian's promtool (bookworm: prometheus 2.42), which is built without some service
discovery mechanisms, kubernetes_sd_configs among them: promtool then rejects a valid config with
'field kubernetes_sd_configs not found in type config.ScrapeConfig'.

Usage: prom_sd_compat.py IN OUT KEY...
Writes IN to OUT with every scrape config's KEY blocks (e.g. kubernetes_sd_configs) removed, so
promtool can check the rest, and checks the removed kubernetes_sd_configs blocks against the
documented schema itself (other removed keys are only reported). Run by ../check-monitoring with
the validators venv's Python (PyYAML). Exit: 0 ok, 1 a removed block is invalid, 2 usage/unreadable.
"""
import sys

import yaml

# https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config
HTTP_CLIENT_KEYS = {"basic_auth", "authorization", "oauth2", "proxy_url", "no_proxy",
                    "proxy_from_environment", "proxy_connect_header", "follow_redirects",
                    "enable_http2", "tls_config", "bearer_token", "bearer_token_file"}
K8S_KEYS = {"api_server", "role", "kubeconfig_file", "namespaces", "selectors", "attach_metadata"} | HTTP_CLIENT_KEYS
K8S_ROLES = {"endpoints", "endpointslice", "service", "pod", "node", "ingress"}


def check_k8s_sd(job, i, sd, errors):
    where = "scrape_configs[job_name=%s].kubernetes_sd_configs[%d]" % (job, i)
    if not isinstance(sd, dict):
        errors.append("%s: must be a mapping" % where)
        return
    for k in sorted(set(sd) - K8S_KEYS):
        errors.append("%s: unknown field %r" % (where, k))
    if sd.get("role") not in K8S_ROLES:
        errors.append("%s: role must be one of %s, got %r" % (where, ", ".join(sorted(K8S_ROLES)), sd.get("role")))
    if "api_server" in sd and "kubeconfig_file" in sd:
        errors.append("%s: api_server and kubeconfig_file are mutually exclusive" % where)
    ns = sd.get("namespaces")
    if ns is not None:
        if not isinstance(ns, dict) or set(ns) - {"own_namespace", "names"}:
            errors.append("%s.namespaces: only own_namespace and names are allowed" % where)
        elif not isinstance(ns.get("names", []), list) or not all(isinstance(n, str) for n in ns.get("names", [])):
            errors.append("%s.namespaces.names: must be a list of strings" % where)
    for j, sel in enumerate(sd.get("selectors") or []):
        if not isinstance(sel, dict) or set(sel) - {"role", "label", "field"} or sel.get("role") not in K8S_ROLES:
            errors.append("%s.selectors[%d]: needs a valid role and only label/field" % (where, j))
    am = sd.get("attach_metadata")
    if am is not None and (not isinstance(am, dict) or set(am) - {"node"}):
        errors.append("%s.attach_metadata: only 'node' is allowed" % where)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst, keys = argv[0], argv[1], set(argv[2:])
    try:
        with open(src, encoding="utf-8") as f:
            cfg = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print("cannot read %s: %s" % (src, e), file=sys.stderr)
        return 2
    errors, removed = [], {}
    for sc in (cfg or {}).get("scrape_configs") or [] if isinstance(cfg, dict) else []:
        if not isinstance(sc, dict):
            continue
        for key in keys:
            if key in sc:
                blocks = sc.pop(key)
                removed[key] = removed.get(key, 0) + (len(blocks) if isinstance(blocks, list) else 1)
                if key == "kubernetes_sd_configs":
                    if not isinstance(blocks, list):
                        errors.append("scrape_configs[job_name=%s].kubernetes_sd_configs: must be a list" % sc.get("job_name"))
                    else:
                        for i, sd in enumerate(blocks):
                            check_k8s_sd(sc.get("job_name"), i, sd, errors)
                # keep the job valid for promtool: a scrape config may have no targets at all
    with open(dst, "w", encoding="utf-8") as f:
        yaml.safe_dump(cfg, f, sort_keys=False)
    for key, n in sorted(removed.items()):
        how = "checked against the documented schema here" if key == "kubernetes_sd_configs" else "NOT checked"
        print("NOTE  this promtool is built without %s: %d block(s) removed before promtool, %s" % (key, n, how))
    for e in errors:
        print("ERROR %s" % e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
