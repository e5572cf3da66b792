"""Database credentials, and re-reading them after an authentication failure.

RDS manages the master password in Secrets Manager (``ManageMasterUserPassword``)
and rotates it: the secret's JSON ``{"username", "password", ...}`` changes
and connections opened with the old password start failing to authenticate.
The pool (flask_app/db.py) asks a provider for the current credentials before
each new connection, and calls :meth:`refresh` once when the server rejects
them; a provider that has nothing newer says so and the error stands.

* :class:`SecretCredentials` reads a secret's JSON through any ``fetch``
  callable and caches it until :meth:`refresh`. :func:`secrets_manager`
  gives it boto3's ``GetSecretValue`` (the pod's IAM role supplies the AWS
  credentials); the tests give it a function reading a file they rewrite, so
  both go through the same cache and re-read path.
* :class:`StaticCredentials`: ``DB_USER``/``DB_PASSWORD`` from the
  environment (tests, local runs); nothing to re-read.

Nothing here writes to disk; the secret is only held in memory.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Callable, Optional, Protocol


class CredentialsError(RuntimeError):
    """The credentials could not be read (secret missing, not JSON, no username...)."""


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)


class CredentialProvider(Protocol):
    def current(self) -> Credentials:
        """The credentials to connect with (cached)."""

    def refresh(self, rejected: Credentials) -> bool:
        """The server rejected ``rejected``: re-read the source; True if the
        credentials are now different (worth one more connection attempt)."""


class StaticCredentials:
    """Fixed credentials (``DB_USER``/``DB_PASSWORD``): there is nothing to re-read."""

    description = "DB_USER/DB_PASSWORD"

    def __init__(self, user: str, password: str) -> None:
        self._credentials = Credentials(user, password)
        self.reads = 1

    def current(self) -> Credentials:
        return self._credentials

    def refresh(self, rejected: Credentials) -> bool:
        return False


def parse_secret(text: str, source: str) -> Credentials:
    """The credentials in an RDS-managed secret: a JSON object with string
    ``username`` and ``password`` (other keys, such as ``engine``, are ignored)."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError) as error:
        raise CredentialsError(f"secret {source} is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise CredentialsError(f"secret {source} is not a JSON object")
    user, password = value.get("username"), value.get("password")
    if not isinstance(user, str) or not user or not isinstance(password, str) or not password:
        raise CredentialsError(
            f"secret {source} needs non-empty string keys 'username' and 'password'"
        )
    return Credentials(user, password)


class SecretCredentials:
    """Credentials from a secret's JSON, read by ``fetch`` and cached.

    :meth:`current` fetches on first use; :meth:`refresh` fetches again
    (once for several connections rejected together) and reports whether
    the credentials changed. ``reads`` counts fetches (the
    tests and the ``db_secret_reads_total`` metric use it).
    """

    def __init__(
        self,
        fetch: Callable[[], str],
        description: str,
        on_read: Optional[Callable[[str], None]] = None,
    ) -> None:
        self._fetch = fetch
        self.description = description
        self.on_read = on_read
        self._lock = threading.Lock()
        self._credentials: Optional[Credentials] = None
        self.reads = 0

    def _read(self) -> Credentials:
        self.reads += 1
        try:
            credentials = parse_secret(self._fetch(), self.description)
        except Exception:
            if self.on_read:
                self.on_read("error")
            raise
        if self.on_read:
            self.on_read("ok")
        return credentials

    def current(self) -> Credentials:
        with self._lock:
            if self._credentials is None:
                self._credentials = self._read()
            return self._credentials

    def refresh(self, rejected: Credentials) -> bool:
        with self._lock:
            # Several connections fail at once after a rotation: the first
            # re-reads, the others find newer credentials already cached.
            if self._credentials is not None and self._credentials != rejected:
                return True
            self._credentials = self._read()
            return self._credentials != rejected


def region_of_arn(arn: str) -> str:
    """The region field of an ARN (``arn:PARTITION:SERVICE:REGION:...``)."""
    parts = arn.split(":")
    if len(parts) < 7 or not parts[3]:
        raise CredentialsError(f"not a Secrets Manager secret ARN: {arn!r}")
    return parts[3]


def secrets_manager(
    arn: str,
    client=None,
    on_read: Optional[Callable[[str], None]] = None,
) -> SecretCredentials:
    """Credentials from the Secrets Manager secret ``arn`` (RDS's managed
    master-user secret), read with boto3 in the secret's own region.

    AWS credentials come from boto3's default chain: in the cluster, the
    pod's role (IRSA's web identity token or EKS Pod Identity). ``client``
    replaces the boto3 client (tests use botocore's Stubber).
    """

    def make_client():
        import boto3  # imported on first use: a service without a database never loads it
        from botocore.config import Config as BotoConfig

        return boto3.client(
            "secretsmanager",
            region_name=region_of_arn(arn),
            config=BotoConfig(connect_timeout=3, read_timeout=5, retries={"max_attempts": 3}),
        )

    holder = {"client": client}

    def fetch() -> str:
        if holder["client"] is None:
            holder["client"] = make_client()
        try:
            response = holder["client"].get_secret_value(SecretId=arn)
        except Exception as error:  # botocore's ClientError, NoCredentialsError, timeouts...
            raise CredentialsError(f"cannot read secret {arn}: {error}") from error
        text = response.get("SecretString")
        if text is None:
            raise CredentialsError(f"secret {arn} has no SecretString")
        return text

    return SecretCredentials(fetch, arn, on_read)


def provider_from_config(cfg, on_read: Optional[Callable[[str], None]] = None):
    """The provider the configuration names: Secrets Manager when
    ``DB_SECRET_ARN`` is set, else ``DB_USER``/``DB_PASSWORD``."""
    if cfg.db_secret_arn:
        return secrets_manager(cfg.db_secret_arn, on_read=on_read)
    return StaticCredentials(cfg.db_user, cfg.db_password)
