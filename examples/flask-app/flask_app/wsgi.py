"""WSGI entry point for gunicorn: ``flask_app.wsgi:app``."""

from . import create_app

app = create_app()
