"""Live-reload subscribers: who listens on `/__haven/events`, and what a new listener is told first."""

from __future__ import annotations

import json
import queue
import threading
from collections import Counter
from typing import Any


class EventHub:
    """Live-reload subscribers, the state a new one is told, and counters of what was sent."""

    def __init__(self, state: dict[str, Any]):
        self._lock = threading.Lock()
        self._clients: set[queue.Queue] = set()
        self._closed = False
        self.state = state
        self.sent: Counter[str] = Counter()   # events published, by type (not per subscriber)
        self.log: list[tuple[str, dict]] = []  # every event published, in order

    @staticmethod
    def encode(event: str, data: dict) -> bytes:
        """One SSE message."""
        return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()

    def publish(self, event: str, data: dict, state: dict[str, Any] | None = None) -> None:
        """Set the new state (if any) and send `event` to every subscriber, atomically."""
        message = self.encode(event, data)
        with self._lock:
            if state is not None:
                self.state = state
            self.sent[event] += 1
            self.log.append((event, data))
            for client in self._clients:
                client.put(message)

    def set_state(self, state: dict[str, Any]) -> None:
        """Change the state new subscribers are told, sending nothing."""
        with self._lock:
            self.state = state

    def subscribe(self) -> tuple[queue.Queue, dict[str, Any]] | None:
        """A new subscriber's queue and the state to greet it with; None once closed."""
        with self._lock:
            if self._closed:
                return None
            client: queue.Queue = queue.Queue()
            self._clients.add(client)
            return client, self.state

    def unsubscribe(self, client: queue.Queue) -> None:
        """Forget a subscriber."""
        with self._lock:
            self._clients.discard(client)

    @property
    def subscribers(self) -> int:
        """Number of connected live-reload streams."""
        with self._lock:
            return len(self._clients)

    def close(self) -> None:
        """End every stream (shutdown)."""
        with self._lock:
            self._closed = True
            for client in self._clients:
                client.put(None)
