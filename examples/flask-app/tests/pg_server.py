"""A throw-away PostgreSQL server for the tests: Debian's binaries, our own cluster.

PostgreSQL refuses to run as root, and CI runs as root: then every server
command runs as the ``postgres`` user (``runuser -u postgres --``), and the
data and socket directories come from ``mktemp`` (``tempfile.mkdtemp``
directly under the system temp directory, which that user can traverse)
and are handed to it. As another user, the commands run as that user.

The cluster never touches Debian's own (``15/main`` on 5432): its own data
directory, a free port on 127.0.0.1 (``listen_addresses=127.0.0.1``), its
socket in its own directory, no configuration from /etc/postgresql. Local
(socket) connections trust the server's OS user; TCP connections need a
SCRAM password, so a wrong password fails as it does against RDS.

``start()`` fails loudly (``PostgresError`` with the server log) when the
binaries are missing or the server does not start: the tests are never
skipped for want of a database.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

SUPERUSER = "postgres"
START_TIMEOUT = 30


class PostgresError(RuntimeError):
    pass


def find_bindir() -> Path:
    """The newest /usr/lib/postgresql/N/bin with initdb, or PG_BINDIR."""
    override = os.environ.get("PG_BINDIR")
    candidates = [override] if override else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for candidate in reversed(candidates):
        if candidate and (Path(candidate) / "initdb").is_file():
            return Path(candidate)
    where = f"PG_BINDIR={override} has no initdb" if override else "no /usr/lib/postgresql/*/bin/initdb"
    raise PostgresError(
        f"PostgreSQL server binaries not found ({where}): "
        "install Debian's postgresql package with 'tools/install --only apt'"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One temporary cluster: ``start()``, ``stop()``, ``start()`` again, ``cleanup()``."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                self.os_user = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresError(
                    "running as root, but there is no 'postgres' user to run the server as "
                    "(Debian's postgresql package creates it)"
                ) from None
            if shutil.which("runuser") is None:
                raise PostgresError("running as root, but runuser (util-linux) is missing")
        else:
            self.os_user = pwd.getpwuid(os.geteuid())
        # As root, directly under /tmp: $TMPDIR may be a directory the
        # postgres user cannot enter.
        self.root = Path(tempfile.mkdtemp(prefix="flask-app-pg-", dir="/tmp" if self.as_root else None))
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log_file = self.root / "server.log"
        self.port = free_port()
        self.host = "127.0.0.1"
        self.superuser_password = secrets.token_urlsafe(18)
        self.running = False
        self.started_once = False
        self._initdb()

    # -- commands, as the server's OS user ---------------------------------
    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd="/")
        if result.returncode != 0:
            raise PostgresError(
                f"{' '.join(cmd)} failed with exit {result.returncode}:\n{result.stdout}{result.stderr}"
                + self.log_tail()
            )
        return result

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return ""
        return "\n--- server log (last lines):\n" + "\n".join(text.splitlines()[-lines:])

    def _initdb(self) -> None:
        self.socket_dir.mkdir()
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.superuser_password + "\n")
        os.chmod(self.root, 0o700)
        os.chmod(pwfile, 0o600)
        if self.as_root:
            for path in (self.root, self.socket_dir, pwfile):
                os.chown(path, self.os_user.pw_uid, self.os_user.pw_gid)
        self._run(
            self.bindir / "initdb", "-D", self.data_dir, "-U", SUPERUSER, "--pwfile", pwfile,
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        )
        pwfile.unlink()

    def start(self) -> None:
        """Start the server on its port and wait until it accepts connections.

        The first start retries on another free port if the one picked was
        taken in the meantime; a restart keeps the port (clients know it).
        """
        if self.running:
            return
        for attempt in range(3):
            try:
                self._start_once()
                break
            except PostgresError as error:
                port_taken = "could not bind" in str(error) or "already in use" in str(error)
                if self.started_once or not port_taken or attempt == 2:
                    raise
                self.port = free_port()
        self.running = self.started_once = True

    def _start_once(self) -> None:
        options = (
            f"-c listen_addresses={self.host} -p {self.port} "
            f"-c unix_socket_directories={self.socket_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=60 -c shared_buffers=16MB"
        )
        self._run(
            self.bindir / "pg_ctl", "-D", self.data_dir, "-l", self.log_file, "-o", options,
            "-w", "-t", str(START_TIMEOUT), "start", timeout=START_TIMEOUT + 10,
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server now (``fast``: disconnects clients, as an outage
        does; ``immediate``: no shutdown checkpoint, for a cluster about to be deleted)."""
        if not self.running:
            return
        self._run(self.bindir / "pg_ctl", "-D", self.data_dir, "-m", mode, "-w", "stop")
        self.running = False

    def cleanup(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- SQL as the superuser ----------------------------------------------
    def superuser_conninfo(self, dbname: str = "postgres") -> str:
        return (
            f"host={self.host} port={self.port} dbname={dbname} user={SUPERUSER} "
            f"password={self.superuser_password} sslmode=disable connect_timeout=5"
        )

    def execute(self, sql, params: Optional[tuple] = None, dbname: str = "postgres") -> list:
        import psycopg

        with psycopg.connect(self.superuser_conninfo(dbname), autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def wait_ready(self, timeout: float = 10) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                self.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
