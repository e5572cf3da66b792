"""A small Flask microservice: hello, liveness, readiness and Prometheus metrics.

This module stays light on purpose: importing ``flask_app`` or
``flask_app.config`` does not import Flask or prometheus_client, so that
gunicorn.conf.py can read the configuration and set
``PROMETHEUS_MULTIPROC_DIR`` before prometheus_client is first imported.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "create_app"]


def create_app(config=None, **kwargs):
    """Build the Flask application; see :func:`flask_app.app.create_app`."""
    from .app import create_app as _create_app

    return _create_app(config, **kwargs)
