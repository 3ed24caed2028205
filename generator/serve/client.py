"""A small client for the preview's event stream (`/__haven/events`), for tests and measurements.

    with EventStream(port) as stream:
        ...save a file...
        kind, data, at = stream.next_event(timeout=5)
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from typing import Any


class EventStream:
    """Reads server-sent events on a thread; every event is kept as (type, data, monotonic time)."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0):
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._sock.settimeout(None)
        self._sock.sendall(f"GET /__haven/events HTTP/1.0\r\nHost: {host}:{port}\r\n"
                           "Accept: text/event-stream\r\n\r\n".encode())
        self._cond = threading.Condition()
        self.events: list[tuple[str, Any, float]] = []
        self._read = 0
        self.closed = False
        self._thread = threading.Thread(target=self._run, name="haven-event-stream", daemon=True)
        self._thread.start()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        reader = self._sock.makefile("rb")
        kind, data = "message", []
        try:
            for raw in reader:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "" and data:
                    at = time.monotonic()
                    try:
                        payload = json.loads("\n".join(data))
                    except ValueError:
                        payload = "\n".join(data)
                    with self._cond:
                        self.events.append((kind, payload, at))
                        self._cond.notify_all()
                    kind, data = "message", []
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                self.closed = True
                self._cond.notify_all()

    def wait(self, predicate, timeout: float = 10.0) -> bool:
        """Wait until predicate(events) is true; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self.events):
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return bool(predicate(self.events))
                self._cond.wait(left)
            return True

    def next_event(self, timeout: float = 10.0, kinds: tuple[str, ...] = ()) -> tuple[str, Any, float] | None:
        """The next unread event (of one of `kinds`, if given), or None on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                while self._read < len(self.events):
                    event = self.events[self._read]
                    self._read += 1
                    if not kinds or event[0] in kinds:
                        return event
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self._cond.wait(left)

    def kinds(self) -> list[str]:
        """The types of every event received so far."""
        with self._cond:
            return [e[0] for e in self.events]

    def close(self) -> None:
        """Disconnect and wait for the reader thread."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._thread.join(5)
