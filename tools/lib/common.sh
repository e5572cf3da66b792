# shellcheck shell=bash
# Shared helpers for the project's tools. Sourced by the scripts in ../, never run directly.
# Expects the caller to set PROG (its name), SELF (its resolved path) and TOOLS_DIR (its directory).
#
# Everything lives inside the clone (adapted from the company's shared iac tools, which used
# ~/.cache): venvs under <repo>/.venv/, emulator state under <repo>/.state/ (both git-ignored).
# Each path can be overridden by its environment variable, e.g. to reuse an existing install.

REPO_ROOT=$(dirname "$TOOLS_DIR")
# cfn-lint, kubernetes-validate, moto[server] (+ boto3)
VENV_VALIDATORS="${STACKWRIGHT_VENV_VALIDATORS:-$REPO_ROOT/.venv/validators}"
# checkov gets its own venv: it pins boto3==1.35.49, networkx<2.7 and packaging<24,
# which would drag moto's boto3/botocore back by more than a year.
VENV_CHECKOV="${STACKWRIGHT_VENV_CHECKOV:-$REPO_ROOT/.venv/checkov}"
# LocalStack community 4.13.1 (the last release that runs on Python 3.11)
VENV_LOCALSTACK="${STACKWRIGHT_VENV_LOCALSTACK:-$REPO_ROOT/.venv/localstack}"
# pytest + the flask app's own requirements (examples/flask-app/requirements-dev.txt)
VENV_FLASK="${STACKWRIGHT_VENV_FLASK:-$REPO_ROOT/.venv/flask}"
# network-config-analyzer (IBM NP-Guard): tools/check-connectivity
VENV_CONNECTIVITY="${STACKWRIGHT_VENV_CONNECTIVITY:-$REPO_ROOT/.venv/connectivity}"
STATE_ROOT="${STACKWRIGHT_STATE_DIR:-$REPO_ROOT/.state}"

# Print the usage block: the comment lines right after the shebang, '# ' stripped.
print_usage() {
  sed -n '2,/^[^#]/{/^#/!d;s/^# \{0,1\}//;p}' "$SELF"
}

die() {  # die [rc] message...   (rc defaults to 1)
  local rc=1
  if [[ "${1:-}" =~ ^[0-9]+$ ]]; then rc=$1; shift; fi
  echo "$PROG: error: $*" >&2
  exit "$rc"
}

usage_error() {
  echo "$PROG: $*" >&2
  echo "Run '$PROG --help' for usage." >&2
  exit 2
}

# need_exe VENV EXE: path of EXE inside VENV, or a clear error telling how to install it.
need_exe() {
  local venv=$1 exe=$2
  if [[ ! -x "$venv/bin/$exe" ]]; then
    die 3 "'$exe' not found in $venv/bin. Run '$TOOLS_DIR/install' first" \
      "(or point STACKWRIGHT_VENV_VALIDATORS / _CHECKOV / _LOCALSTACK at an existing install)."
  fi
  printf '%s\n' "$venv/bin/$exe"
}

# pid_alive PID: the process exists and is not a zombie (an exited child nobody reaped yet).
pid_alive() {
  local pid=$1 stat
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  stat=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
  [[ -n "$stat" && "$stat" != Z* ]]
}

# pid_cmd_matches PID PATTERN: a live process whose command line matches PATTERN (grep -E).
pid_cmd_matches() {
  pid_alive "$1" && ps -o args= -p "$1" 2>/dev/null | grep -Eq -- "$2"
}

# free_port PY [PORT]: print PORT if 127.0.0.1:PORT can be bound (exit 1 if not); without PORT
# (or with 0) print a port the kernel picks as free.
free_port() {
  "$1" - "${2:-0}" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# like the servers: ignore TIME_WAIT leftovers of a previous run, still fail if something listens
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
print(s.getsockname()[1])
s.close()
EOF
}

# wait_http PY PID URL TIMEOUT: wait until URL answers HTTP (any status; no proxy) while PID lives.
wait_http() {
  "$1" - "$2" "$3" "$4" <<'EOF'
import sys, time, urllib.request, urllib.error
pid, url, timeout = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
deadline = time.time() + timeout
while time.time() < deadline:
    try:
        with open("/proc/%d/stat" % pid) as f:
            dead = f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        dead = True
    if dead:
        print("server (pid %d) exited during startup" % pid, file=sys.stderr)
        sys.exit(1)
    try:
        opener.open(url, timeout=2).read(1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)          # it answered
    except OSError:
        time.sleep(0.2)
print("no answer from %s within %gs" % (url, timeout), file=sys.stderr)
sys.exit(1)
EOF
}

# stop_pid PID PATTERN LABEL [TIMEOUT]: SIGTERM the process group led by PID (the emulators are
# started with setsid, so PID is its group's id and only what we started is in it), SIGKILL after
# TIMEOUT seconds. Refuses when PID no longer runs PATTERN (pid reused). Returns 1 in that case.
stop_pid() {
  local pid=$1 pattern=$2 label=$3 timeout=${4:-10} target
  pid_alive "$pid" || return 0
  pid_cmd_matches "$pid" "$pattern" || return 1
  target=$pid
  # kill the whole group only if PID really leads one (it does when we started it with setsid)
  if [[ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" == "$pid" ]]; then target=-$pid; fi
  kill -TERM -- "$target" 2>/dev/null || true
  local i
  for ((i = 0; i < timeout * 5; i++)); do
    pid_alive "$pid" || break
    sleep 0.2
  done
  if pid_alive "$pid"; then
    echo "$PROG: $label (pid $pid) ignored SIGTERM for ${timeout}s, sending SIGKILL" >&2
    kill -KILL -- "$target" 2>/dev/null || true
    sleep 0.2
  elif [[ "$target" == -* ]] && pgrep -g "$pid" >/dev/null 2>&1; then
    # the leader is gone but helpers it started in its group are not
    kill -KILL -- "$target" 2>/dev/null || true
  fi
  return 0
}
