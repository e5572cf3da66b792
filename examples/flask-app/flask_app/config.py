"""Configuration read from environment variables only.

Every setting has a default, is validated, and a bad value raises
``ConfigError`` naming the variable, the value and what was expected.
Nothing here reads a file.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
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
    # The database (see flask_app/db.py). DB_HOST unset = no database: the
    # data endpoints answer 503 and readiness does not depend on one.
    "DB_HOST": "",
    "DB_PORT": "5432",
    "DB_NAME": "",
    "DB_SECRET_ARN": "",
    "DB_USER": "",
    "DB_PASSWORD": "",
    "DB_SSLMODE": "require",
    "DB_POOL_MIN_SIZE": "1",
    "DB_POOL_MAX_SIZE": "4",
    "DB_POOL_TIMEOUT_SECONDS": "5",
    "DB_CONNECT_TIMEOUT_SECONDS": "5",
}

# libpq's sslmode values. The RDS parameter group forces TLS (rds.force_ssl),
# so the default is "require"; "verify-full" needs the RDS CA bundle in the
# image (PGSSLROOTCERT), which this image does not ship.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX (any partition).
_SECRET_ARN_RE = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$")
_DB_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$-]{0,62}$")
_HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")

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
    # Database; db_host None means no database is configured.
    db_host: Optional[str] = None
    db_port: int = 5432
    db_name: Optional[str] = None
    db_secret_arn: Optional[str] = None
    db_user: Optional[str] = None
    db_password: Optional[str] = field(default=None, repr=False)
    db_sslmode: str = "require"
    db_pool_min_size: int = 1
    db_pool_max_size: int = 4
    db_pool_timeout_seconds: float = 5.0
    db_connect_timeout_seconds: int = 5

    @property
    def database_configured(self) -> bool:
        return self.db_host is not None

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

        db = _database_settings(env, raw, integer, number, errors)

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
            **db,
        )


def _database_settings(env, raw, integer, number, errors: list) -> dict:
    """The DB_* variables, checked together: a host needs a database name and
    exactly one credential source (a Secrets Manager ARN, or user and password)."""
    host = raw("DB_HOST")
    settings: dict = {
        "db_port": integer("DB_PORT", 1, 65535),
        "db_pool_min_size": integer("DB_POOL_MIN_SIZE", 0, 64),
        "db_pool_max_size": integer("DB_POOL_MAX_SIZE", 1, 64),
        "db_pool_timeout_seconds": number("DB_POOL_TIMEOUT_SECONDS", 0.1, 300.0),
        "db_connect_timeout_seconds": integer("DB_CONNECT_TIMEOUT_SECONDS", 1, 300),
        "db_sslmode": raw("DB_SSLMODE"),
    }
    if settings["db_sslmode"] not in SSL_MODES:
        errors.append(f"DB_SSLMODE={settings['db_sslmode']!r}: expected one of {', '.join(SSL_MODES)}")
    if settings["db_pool_min_size"] > settings["db_pool_max_size"]:
        errors.append(
            f"DB_POOL_MIN_SIZE={settings['db_pool_min_size']} is larger than "
            f"DB_POOL_MAX_SIZE={settings['db_pool_max_size']}"
        )
    name, arn, user = raw("DB_NAME"), raw("DB_SECRET_ARN"), raw("DB_USER")
    # A password is taken as is: stripping it would silently change it.
    password = env.get("DB_PASSWORD") or ""
    if not host:
        stray = [n for n, v in (("DB_NAME", name), ("DB_SECRET_ARN", arn), ("DB_USER", user),
                                ("DB_PASSWORD", password)) if v]
        if stray:
            errors.append(f"{', '.join(stray)} set but DB_HOST is not: set DB_HOST to use a database")
        return settings
    if not _HOST_RE.match(host):
        errors.append(f"DB_HOST={host!r}: expected a host name or IPv4 address")
    if not name:
        errors.append("DB_NAME is required when DB_HOST is set")
    elif not _DB_NAME_RE.match(name):
        errors.append(f"DB_NAME={name!r}: expected 1-63 letters, digits, '_', '$' or '-', not starting with a digit")
    if arn and (user or password):
        errors.append("DB_SECRET_ARN and DB_USER/DB_PASSWORD are both set: use one credential source")
    elif arn:
        if not _SECRET_ARN_RE.match(arn):
            errors.append(f"DB_SECRET_ARN={arn!r}: expected arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME")
    elif not (user and password):
        errors.append(
            "DB_HOST is set but no credentials are: set DB_SECRET_ARN, or both DB_USER and DB_PASSWORD"
        )
    settings.update(db_host=host, db_name=name or None, db_secret_arn=arn or None,
                    db_user=user or None, db_password=password or None)
    return settings
