"""Find CloudFormation templates and lint them with cfn-lint. Run by ../validate-cfn.
Adapted from the company's shared iac tools: adds --strict (warnings fail too)."""
import json
import os
import signal
import subprocess
import sys

PROG = "validate-cfn"
SKIP_DIRS = {".git", "target", "node_modules", "__pycache__"}
LEVELS = {"Error": "error", "Warning": "warning", "Informational": "info"}


def usage_error(msg):
    print("%s: %s\nRun '%s --help' for usage." % (PROG, msg, PROG), file=sys.stderr)
    sys.exit(2)


def classify_json(path):
    """('template'|'other'|'invalid', detail) for a .json file."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return "invalid", str(e)
    if isinstance(data, dict) and isinstance(data.get("Resources"), dict):
        return "template", ""
    return "other", "no top-level \"Resources\" object"


def discover(paths, verbose):
    templates, seen = [], set()

    def add(p):
        rp = os.path.realpath(p)
        if rp not in seen:
            seen.add(rp)
            templates.append(p)

    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                found += [os.path.join(root, f) for f in files if f.endswith(".json")]
            for f in sorted(found):
                if f.endswith(".template.json"):
                    add(f)  # always linted: cfn-lint reports unparsable ones as E0000
                    continue
                kind, detail = classify_json(f)
                if kind == "template":
                    add(f)
                elif kind == "invalid":
                    print("WARN  %s: not valid JSON, not linted (%s); name templates *.template.json "
                          "to have them linted even when broken" % (f, detail))
                elif verbose:
                    print("NOTE  %s: not a CloudFormation template (%s)" % (f, detail))
        elif os.path.isfile(p):
            if p.endswith(".json") and not p.endswith(".template.json"):
                kind, detail = classify_json(p)
                if kind == "other":
                    print("NOTE  %s: not a CloudFormation template (%s), not linted" % (p, detail))
                    continue
            add(p)
        else:
            print("%s: error: no such file or directory: %s" % (PROG, p), file=sys.stderr)
            sys.exit(2)
    return templates


def main(argv):
    if len(argv) < 2 or argv[0] != "--cfn-lint":
        usage_error("internal: expected --cfn-lint PATH")
    cfn_lint, argv = argv[1], argv[2:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    verbose = allow_empty = strict = False
    paths = []
    for a in argv:
        if a == "-v":
            verbose = True
        elif a == "--allow-empty":
            allow_empty = True
        elif a == "--strict":
            strict = True
        elif a.startswith("-"):
            usage_error("unknown option: '%s'" % a)
        else:
            paths.append(a)
    if not paths:
        usage_error("missing DIR_OR_FILE argument")

    templates = discover(paths, verbose)
    if not templates:
        print("%s: no CloudFormation templates found in: %s%s" % (
            PROG, " ".join(paths), "" if allow_empty else " (use --allow-empty if that is expected)"),
            file=sys.stderr)
        print("cfn-lint: 0 templates, 0 errors, 0 warnings")
        return 0 if allow_empty else 1
    if verbose:
        for t in templates:
            print("lint  %s" % t)

    cmd = [cfn_lint, "--format", "json"] + extra + ["--"] + templates
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:  # with --format json cfn-lint always prints a list, "[]" when clean
        matches = json.loads(proc.stdout)
        if not isinstance(matches, list):
            raise ValueError("unexpected JSON shape")
    except ValueError:
        sys.stderr.write(proc.stdout[-4000:])
        sys.stderr.write(proc.stderr[-4000:])
        print("%s: error: cfn-lint did not produce a JSON report (exit code %d); command: %s"
              % (PROG, proc.returncode, " ".join(cmd[:4]) + " ..."), file=sys.stderr)
        return 3
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)

    counts = {"error": 0, "warning": 0, "info": 0}
    matches.sort(key=lambda m: (m.get("Filename", ""),
                                m.get("Location", {}).get("Start", {}).get("LineNumber", 0),
                                m.get("Rule", {}).get("Id", "")))
    for m in matches:
        level = LEVELS.get(m.get("Level"), "error")
        counts[level] += 1
        start = m.get("Location", {}).get("Start", {})
        path = m.get("Location", {}).get("Path") or []
        where = "/".join(str(x) for x in path)
        print("%s:%s:%s: %s %s: %s%s" % (
            m.get("Filename", "?"), start.get("LineNumber", "?"), start.get("ColumnNumber", "?"),
            m.get("Rule", {}).get("Id", "?"), level, " ".join(str(m.get("Message", "")).split()),
            ("  [at %s]" % where) if where else ""))
    if counts["info"]:
        print("(%d informational findings, not counted as errors or warnings)" % counts["info"])
    print("cfn-lint: %d templates, %d errors, %d warnings" % (len(templates), counts["error"], counts["warning"]))
    if strict and counts["warning"] and not counts["error"]:
        print("%s: --strict: %d warning(s) count as failures" % (PROG, counts["warning"]), file=sys.stderr)
    return 1 if counts["error"] or (strict and counts["warning"]) else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet exit when piped into head
    sys.exit(main(sys.argv[1:]))
