"""Configuration read from environment variables only.

Every setting has a default, is validated, and a bad value raises
``ConfigError`` naming the variable, the value and what was expected.
Nothing here reads a file.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Mapping, Optional

from . import __version__

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# A DNS-label-like service name keeps it usable as a metric/log value and a
# Kubernetes object name.
_APP_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_INT_RE = re.compile(r"^[0-9]+$")
# Versions are free-form but printable and short (semver, git sha, date...).
_APP_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")

DEFAULTS = {
    "PORT": "8080",
    "LOG_LEVEL": "INFO",
    "APP_NAME": "flask-app",
    "APP_VERSION": __version__,
    "GUNICORN_WORKERS": "2",
    "GUNICORN_TIMEOUT": "30",
    "GUNICORN_GRACEFUL_TIMEOUT": "20",
    "READINESS_DELAY_SECONDS": "0",
    "READINESS_DRAIN_FILE": "",
    "PROMETHEUS_MULTIPROC_DIR": "",
}

# Every variable this service reads, for documentation and tests.
ENV_VARS = tuple(DEFAULTS)


class ConfigError(ValueError):
    """A configuration value read from the environment is invalid."""


@dataclass(frozen=True)
class Config:
    port: int = 8080
    log_level: str = "INFO"
    app_name: str = "flask-app"
    app_version: str = __version__
    gunicorn_workers: int = 2
    gunicorn_timeout: int = 30
    gunicorn_graceful_timeout: int = 20
    readiness_delay_seconds: float = 0.0
    readiness_drain_file: Optional[str] = None
    prometheus_multiproc_dir: Optional[str] = None

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Config":
        """Build a Config from ``environ`` (default: ``os.environ``).

        Unset or empty variables take their default. All problems are
        collected and reported together in one ``ConfigError``.
        """
        env = os.environ if environ is None else environ
        errors: list[str] = []

        def raw(name: str) -> str:
            value = env.get(name)
            if value is None or value.strip() == "":
                return DEFAULTS[name]
            return value.strip()

        def integer(name: str, lo: int, hi: int) -> int:
            value = raw(name)
            if not _INT_RE.match(value):
                errors.append(f"{name}={value!r}: expected an integer between {lo} and {hi}")
                return int(DEFAULTS[name] or 0)
            number = int(value, 10)
            if not lo <= number <= hi:
                errors.append(f"{name}={value!r}: must be between {lo} and {hi}")
            return number

        def number(name: str, lo: float, hi: float) -> float:
            value = raw(name)
            try:
                result = float(value)
            except ValueError:
                errors.append(f"{name}={value!r}: expected a number between {lo:g} and {hi:g}")
                return float(DEFAULTS[name] or 0)
            if math.isnan(result) or not lo <= result <= hi:
                errors.append(f"{name}={value!r}: must be between {lo:g} and {hi:g}")
            return result

        def absolute_path(name: str) -> Optional[str]:
            value = raw(name)
            if value == "":
                return None
            if not os.path.isabs(value):
                errors.append(f"{name}={value!r}: must be an absolute path")
            return value

        port = integer("PORT", 1, 65535)

        log_level = raw("LOG_LEVEL").upper()
        if log_level not in LOG_LEVELS:
            errors.append(f"LOG_LEVEL={raw('LOG_LEVEL')!r}: expected one of {', '.join(LOG_LEVELS)}")

        app_name = raw("APP_NAME")
        if not _APP_NAME_RE.match(app_name):
            errors.append(
                f"APP_NAME={app_name!r}: expected 1-63 lowercase letters, digits or '-', "
                "starting and ending with a letter or digit"
            )

        app_version = raw("APP_VERSION")
        if not _APP_VERSION_RE.match(app_version):
            errors.append(
                f"APP_VERSION={app_version!r}: expected 1-64 characters from "
                "letters, digits, '.', '_', '+', '-'"
            )

        workers = integer("GUNICORN_WORKERS", 1, 64)
        timeout = integer("GUNICORN_TIMEOUT", 1, 3600)
        graceful = integer("GUNICORN_GRACEFUL_TIMEOUT", 1, 3600)
        delay = number("READINESS_DELAY_SECONDS", 0.0, 3600.0)
        drain_file = absolute_path("READINESS_DRAIN_FILE")
        multiproc_dir = absolute_path("PROMETHEUS_MULTIPROC_DIR")

        if errors:
            raise ConfigError("invalid configuration: " + "; ".join(errors))

        return cls(
            port=port,
            log_level=log_level,
            app_name=app_name,
            app_version=app_version,
            gunicorn_workers=workers,
            gunicorn_timeout=timeout,
            gunicorn_graceful_timeout=graceful,
            readiness_delay_seconds=delay,
            readiness_drain_file=drain_file,
            prometheus_multiproc_dir=multiproc_dir,
        )
