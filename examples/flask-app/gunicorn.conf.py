"""gunicorn configuration for the Flask microservice.

Everything comes from environment variables (validated by
flask_app.config; a bad value stops the server with a clear message).
Nothing is written outside /tmp: worker heartbeat files go to /tmp,
Prometheus multiprocess files to $PROMETHEUS_MULTIPROC_DIR (under /tmp),
logs to stdout, and gunicorn's control socket (which would otherwise be
created under $HOME or $XDG_RUNTIME_DIR) is disabled. This lets the
container run with a read-only root filesystem and an emptyDir on /tmp.
"""

import glob
import json
import os
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

DEFAULT_MULTIPROC_DIR = "/tmp/prometheus"

# prometheus_client picks single- or multi-process mode when it is first
# imported, from PROMETHEUS_MULTIPROC_DIR; set it before anything imports
# it. Under gunicorn the multiprocess mode is always used, so counters
# survive worker restarts and are summed across workers.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = DEFAULT_MULTIPROC_DIR

from flask_app.config import Config, ConfigError  # noqa: E402


def _fail(message):
    now = time.time()
    print(
        json.dumps(
            {
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
                + ".%03dZ" % (int(now * 1000) % 1000),
                "level": "CRITICAL",
                "logger": "gunicorn.conf",
                "message": message,
                "pid": os.getpid(),
            },
            separators=(",", ":"),
        ),
        flush=True,
    )
    raise SystemExit(2)


try:
    _cfg = Config.from_env()
except ConfigError as _error:
    _fail(str(_error))

wsgi_app = "flask_app.wsgi:app"
chdir = _HERE
proc_name = _cfg.app_name

bind = ["0.0.0.0:%d" % _cfg.port]
workers = _cfg.gunicorn_workers
worker_class = "sync"
timeout = _cfg.gunicorn_timeout
# Time a worker gets to finish in-flight requests after SIGTERM; keep it
# below the pod's terminationGracePeriodSeconds (default 30).
graceful_timeout = _cfg.gunicorn_graceful_timeout
preload_app = False

# Only /tmp is writable.
worker_tmp_dir = "/tmp"
pidfile = None
control_socket_disable = True

# JSON lines on stdout for both the error log and the access log.
loglevel = _cfg.log_level.lower()
accesslog = "-"
errorlog = "-"
logger_class = "flask_app.gunicorn_logging.JsonGunicornLogger"
capture_output = False


def on_starting(server):
    """Master, before forking: create the metrics directory, drop old files.

    An emptyDir outlives a container restart within the same pod, so files
    left by a previous container's workers are removed here.
    """
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, mode=0o700, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*.db")):
        os.remove(path)


def child_exit(server, worker):
    """Master, after a worker exited: mark it dead for prometheus_client."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
