"""Make ``flask_app`` importable and keep the in-process tests hermetic."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

# prometheus_client picks multiprocess mode at import from this variable.
# The in-process tests use single-process mode; the gunicorn subprocess
# test sets its own directory explicitly.
os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
os.environ.pop("prometheus_multiproc_dir", None)
