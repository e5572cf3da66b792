"""Extract Prometheus / Alertmanager configuration embedded in Kubernetes manifests into plain
files, so promtool and amtool can check them. Run by ../check-monitoring with the validators
venv's Python (PyYAML).

  ConfigMap data / Secret stringData+data keys named prometheus.y(a)ml, alertmanager.y(a)ml or
  *rules.y(a)ml  ->  DEST/<namespace>.<name>/<key>
  monitoring.coreos.com PrometheusRule  ->  DEST/<namespace>.<name>.rules.yml ({groups: spec.groups})

Prints one line per extracted file: 'KIND<TAB>PATH<TAB>SOURCE' with KIND config|rules|alertmanager.
"""
import base64
import binascii
import os
import re
import sys

import yaml

SKIP_DIRS = {".git", "target", "node_modules", "__pycache__"}
SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def kind_of(key):
    k = key.lower()
    if k in ("prometheus.yml", "prometheus.yaml"):
        return "config"
    if k in ("alertmanager.yml", "alertmanager.yaml"):
        return "alertmanager"
    if k.endswith(("rules.yml", "rules.yaml")):
        return "rules"
    return None


def manifests(root):
    if os.path.isfile(root):
        yield root
        return
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS and not x.startswith("."))
        for f in sorted(files):
            if f.endswith((".yaml", ".yml", ".json")):
                yield os.path.join(d, f)


def objects(path):
    try:
        with open(path, encoding="utf-8") as f:
            docs = list(yaml.safe_load_all(f))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # not our business: validate-k8s reports unparsable manifests
    for doc in docs:
        items = doc if isinstance(doc, list) else [doc]
        for obj in items:
            if isinstance(obj, dict) and str(obj.get("kind", "")).endswith("List") and isinstance(obj.get("items"), list):
                for it in obj["items"]:
                    if isinstance(it, dict):
                        yield it
            elif isinstance(obj, dict):
                yield obj


def main(argv):
    if len(argv) < 2:
        print("usage: monitoring_extract.py DEST K8S_DIR_OR_FILE...", file=sys.stderr)
        return 2
    dest, roots = argv[0], argv[1:]
    os.makedirs(dest, exist_ok=True)
    for root in roots:
        for path in manifests(root):
            for obj in objects(path):
                kind = obj.get("kind")
                meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
                ident = "%s.%s" % (SAFE.sub("_", str(meta.get("namespace") or "default")),
                                   SAFE.sub("_", str(meta.get("name") or "unnamed")))
                source = "%s (%s %s)" % (path, kind, ident)
                out = []
                if kind == "ConfigMap" and str(obj.get("apiVersion")) == "v1":
                    for key, val in (obj.get("data") or {}).items():
                        if kind_of(key) and isinstance(val, str):
                            out.append((kind_of(key), os.path.join(ident, key), val))
                elif kind == "Secret" and str(obj.get("apiVersion")) == "v1":
                    for key, val in (obj.get("stringData") or {}).items():
                        if kind_of(key) and isinstance(val, str):
                            out.append((kind_of(key), os.path.join(ident, key), val))
                    for key, val in (obj.get("data") or {}).items():
                        if kind_of(key) and isinstance(val, str):
                            try:
                                text = base64.b64decode(val, validate=True).decode("utf-8")
                            except (binascii.Error, UnicodeDecodeError):
                                continue
                            out.append((kind_of(key), os.path.join(ident, key), text))
                elif kind == "PrometheusRule" and str(obj.get("apiVersion", "")).startswith("monitoring.coreos.com/"):
                    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
                    out.append(("rules", ident + ".rules.yml",
                                yaml.safe_dump({"groups": spec.get("groups") or []}, sort_keys=False)))
                for k, rel, text in out:
                    target = os.path.join(dest, rel)
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "w", encoding="utf-8") as f:
                        f.write(text)
                    print("%s\t%s\t%s" % (k, target, source))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
