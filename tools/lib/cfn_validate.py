"""Find CloudFormation templates and lint them with cfn-lint. Run by ../validate-cfn.
Adapted from the company's shared iac tools: adds --strict (warnings fail too), and lints each
template of a stackwright cloud assembly against its environment's region, read from the
assembly's manifest.json (cfn-lint's own default is us-east-1 only: instance types, resource
types and other regional data of another region would go unchecked, or be flagged wrongly)."""
import json
import os
import re
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


MANIFEST = "manifest.json"


class ManifestError(Exception):
    """A manifest.json that names templates but not (validly) their regions."""


def manifest_regions(path):
    """{realpath of template: region} for a stackwright manifest.json; {} for any other file
    named manifest.json (no "stacks"/"environments" lists). Raises ManifestError when a stack
    names an environment the manifest has no region for."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ManifestError("%s: not readable as JSON (%s)" % (path, e))
    if not (isinstance(data, dict) and isinstance(data.get("stacks"), list)
            and isinstance(data.get("environments"), list)):
        return {}
    regions = {e.get("id"): e.get("region") for e in data["environments"] if isinstance(e, dict)}
    base = os.path.dirname(path)
    out = {}
    for stack in data["stacks"]:
        if not isinstance(stack, dict) or not isinstance(stack.get("template"), str):
            continue
        region = regions.get(stack.get("environment"))
        if not isinstance(region, str) or not region:
            raise ManifestError("%s: stack %r names environment %r, which has no region in the manifest"
                                % (path, stack.get("id"), stack.get("environment")))
        out[os.path.realpath(os.path.join(base, stack["template"]))] = region
    return out


def regions_of(templates):
    """{template: region or None}: the region of the nearest manifest.json (in the template's
    directory or above it) that lists the template; None for a template no manifest lists."""
    cache, out = {}, {}
    for t in templates:
        real = os.path.realpath(t)
        d, region = os.path.dirname(real), None
        while True:
            m = os.path.join(d, MANIFEST)
            if os.path.isfile(m):
                if m not in cache:
                    cache[m] = manifest_regions(m)
                if real in cache[m]:
                    region = cache[m][real]
                    break
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        out[t] = region
    return out


def without_regions(args):
    """args with any '--regions R...' (or '--regions=R') left out."""
    out, skipping = [], False
    for a in args:
        if a == "--regions":
            skipping = True
            continue
        if skipping and not a.startswith("-"):
            continue
        skipping = False
        if not a.startswith("--regions="):
            out.append(a)
    return out


LONG_ENUM = re.compile(r"is not one of \[([^\]]{200,})\]")


def readable(message):
    """cfn-lint's message on one line, a long list of allowed values (E3628 lists every
    instance type of the region) shortened to its count."""
    message = " ".join(str(message).split())
    return LONG_ENUM.sub(lambda m: "is not one of the %d allowed values" % (m.group(1).count(",") + 1), message)


def run_cfn_lint(cmd):
    """cfn-lint's matches (a list), or None after printing why there is no JSON report."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:  # with --format json cfn-lint always prints a list, "[]" when clean
        matches = json.loads(proc.stdout)
        if not isinstance(matches, list):
            raise ValueError("unexpected JSON shape")
    except ValueError:
        sys.stderr.write(proc.stdout[-4000:])
        sys.stderr.write(proc.stderr[-4000:])
        print("%s: error: cfn-lint did not produce a JSON report (exit code %d); command: %s"
              % (PROG, proc.returncode, " ".join(cmd[:6]) + " ..."), file=sys.stderr)
        return None
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    return matches


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
    try:
        regions = regions_of(templates)
    except ManifestError as e:
        print("%s: error: %s" % (PROG, e), file=sys.stderr)
        return 1
    if without_regions(extra) != extra and any(regions.values()):
        print("NOTE  -- --regions applies only to the templates no manifest.json lists; the others are "
              "linted against their environment's region")
    # One cfn-lint run per region (None: cfn-lint's default, or the --regions passed after --).
    groups = {}
    for t in templates:
        groups.setdefault(regions[t], []).append(t)
    if verbose:
        for t in templates:
            print("lint  %s (%s)" % (t, regions[t] or "cfn-lint's default region"))
    if any(groups):
        print("regions: %s" % ", ".join(
            "%s (%d)" % (r or "default", len(ts)) for r, ts in sorted(groups.items(), key=lambda g: g[0] or "")))

    matches = []
    for region, group in sorted(groups.items(), key=lambda g: g[0] or ""):
        args = without_regions(extra) + ["--regions", region] if region else extra
        cmd = [cfn_lint, "--format", "json"] + args + ["--"] + group
        found = run_cfn_lint(cmd)
        if found is None:
            return 3
        matches += found

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
            m.get("Rule", {}).get("Id", "?"), level, readable(m.get("Message", "")),
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
