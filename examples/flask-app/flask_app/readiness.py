"""Readiness: is this process ready to receive traffic?

Three conditions, all of which must hold for ``/readyz`` to answer 200:

* ``warmup``: at least ``READINESS_DELAY_SECONDS`` have passed since the
  application was created (a stand-in for cache warm-up, connection pools...).
* ``drain``: when ``READINESS_DRAIN_FILE`` is set, that file does not exist.
  Creating it (for example from a Kubernetes ``preStop`` hook:
  ``touch /tmp/drain``) takes every worker of the pod out of rotation while
  the process keeps serving in-flight requests.
* ``manual``: nothing in the process called :meth:`Readiness.mark_not_ready`
  (an application can use it when a dependency it needs goes away).

Plus any check registered with :meth:`Readiness.add_check`: the app adds
``database`` when a database is configured (a pooled ``SELECT 1`` within a
second, and the schema migrated), so a pod leaves the load balancer while
its database is unreachable and comes back when it answers again.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable, Optional


class Readiness:
    def __init__(
        self,
        delay_seconds: float = 0.0,
        drain_file: Optional[str] = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.started_at = clock()
        self.delay_seconds = float(delay_seconds)
        self.drain_file = drain_file
        self._lock = threading.Lock()
        self._not_ready_reason: Optional[str] = None
        self._checks: dict[str, Callable[[], Optional[str]]] = {}

    def add_check(self, name: str, check: Callable[[], Optional[str]]) -> None:
        """Run ``check`` on every :meth:`check`: it returns None when ready,
        else the reason (an exception counts as not ready, with its message)."""
        if name in ("warmup", "drain", "manual"):
            raise ValueError(f"readiness check name {name!r} is reserved")
        self._checks[name] = check

    def mark_not_ready(self, reason: str) -> None:
        with self._lock:
            self._not_ready_reason = reason or "not ready"

    def mark_ready(self) -> None:
        with self._lock:
            self._not_ready_reason = None

    def check(self) -> tuple[bool, dict[str, dict]]:
        """Return ``(ready, checks)``; ``checks`` maps a name to its result."""
        checks: dict[str, dict] = {}

        remaining = self.delay_seconds - (self.clock() - self.started_at)
        warm = remaining <= 0
        checks["warmup"] = {"ok": warm}
        if not warm:
            checks["warmup"]["remaining_seconds"] = round(remaining, 3)

        if self.drain_file:
            draining = os.path.exists(self.drain_file)
            checks["drain"] = {"ok": not draining}
            if draining:
                checks["drain"]["reason"] = f"drain file {self.drain_file} exists"

        with self._lock:
            reason = self._not_ready_reason
        checks["manual"] = {"ok": reason is None}
        if reason is not None:
            checks["manual"]["reason"] = reason

        for name, check in self._checks.items():
            try:
                failure = check()
            except Exception as error:  # a broken check must not break /readyz
                failure = f"{type(error).__name__}: {error}"
            checks[name] = {"ok": failure is None}
            if failure is not None:
                checks[name]["reason"] = failure

        return all(c["ok"] for c in checks.values()), checks
