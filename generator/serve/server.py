"""The preview's HTTP server: the output folder, safely, plus live-reload events.

- Serves only files inside the output folder: `..` in any spelling, hidden files, and symlinks that
  lead outside it get 403/404. Folders get `index.html` (or a 301 to add the trailing slash); misses
  get the site's own 404 page with status 404.
- HTML responses get one `<script src="/__haven/reload.js" defer>` before `</body>`, on the way out:
  the files in the output folder are never changed.
- `/__haven/events` is a server-sent-events stream: `hello` (the current state) on connect, then
  `reload`, `css`, `failed` and `ok` as builds finish. `/__haven/state` is the same state as JSON.
- Requests for pages wait while a build runs, so nobody sees a page from before a save they just made.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import queue
import socket
import socketserver
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from generator import __version__
from generator.confine.output import output_kind, read_output_bytes
from generator.serve.content import (
    FALLBACK_404,
    INTERNAL,
    SCRIPT_BYTES,
    SCRIPT_VERSION,
    content_type,
    inject,
)
from generator.serve.events import EventHub

REQUEST_WAIT = 30.0    # longest a request waits for a build to finish
NAME_MAX = 255         # bytes in one path segment (most file systems); longer ones get 414, not an OSError
PATH_MAX = 4096        # bytes in a whole decoded path
KEEPALIVE = 15.0       # seconds between SSE comments that keep idle connections open


def is_loopback(host: str) -> bool:
    """True for addresses only this computer can reach."""
    if host in ("localhost", "") or host.endswith(".localhost"):
        return host != ""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PortInUse(OSError):
    """The port is taken; the message names a free one."""


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server whose request threads are joined on close (no stray threads)."""

    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, host: str, port: int, out_dir: Path, hub: EventHub,
                 wait_idle: Callable[[float], bool], base_path: Callable[[], str] = lambda: "/"):
        self.address_family = _family(host)
        self.out_dir = Path(out_dir)
        self.hub = hub
        self.wait_idle = wait_idle
        self.base_path = base_path
        self.bound_host = host
        self.loopback = is_loopback(host)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        try:
            super().__init__((host, port), PreviewHandler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                free = next_free_port(host, port)
                hint = f"; try --port {free}" if free else ""
                raise PortInUse(exc.errno, f"port {port} on {host} is already in use (is another `haven serve` "
                                           f"running?){hint}") from None
            if exc.errno == errno.EACCES:
                raise OSError(exc.errno, f"not allowed to use port {port} (ports below 1024 need administrator "
                                         "rights); try --port 8000") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise OSError(exc.errno, f"{host} is not an address of this computer; try --host 127.0.0.1") \
                    from None
            raise

    def process_request(self, request, client_address) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open connection (kept-alive ones wait for a next request that will not come)."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's name up in DNS, which can stall; we need no name.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self.server_address[1])

    def handle_error(self, request, client_address) -> None:
        # A browser that goes away mid-response is normal; anything else is worth one line.
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout)):
            return
        print(f"haven: preview server: {type(exc).__name__}: {exc}", file=sys.stderr)


def _family(host: str) -> socket.AddressFamily:
    try:
        return socket.AF_INET6 if ipaddress.ip_address(host.strip("[]")).version == 6 else socket.AF_INET
    except ValueError:
        try:
            return socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][0]
        except OSError:
            return socket.AF_INET


def next_free_port(host: str, port: int, tries: int = 50) -> int | None:
    """The first port after `port` that can be bound on `host`."""
    family = _family(host)
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the output folder and the live-reload endpoints."""

    server: PreviewServer
    server_version = f"HavenPreview/{__version__}"
    sys_version = ""
    protocol_version = "HTTP/1.1"   # keep-alive: a reload reuses the browser's open connections
    disable_nagle_algorithm = True  # small responses go out at once (no 40 ms delayed-ACK stalls)
    timeout = 30                    # seconds a client may stall (or a kept-alive connection idle)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        """Every request gets an HTTP answer: a failure inside the preview is a 500, never a closed socket."""
        self._headers_sent = False
        try:
            self._respond(head)
        except (ConnectionError, TimeoutError):
            raise  # the browser went away: nobody to answer
        except Exception as exc:
            if not self._headers_sent:
                self._plain(500, "The preview failed to answer this request; the terminal says why.", head=head)
            self.close_connection = True
            raise exc

    def _not_allowed(self) -> None:
        self._plain(405, "The preview only answers GET and HEAD.", extra={"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    # -- routing ---------------------------------------------------------------------------------
    def _respond(self, head: bool) -> None:
        if not self._host_allowed():
            self._plain(403, "This preview only answers requests addressed to localhost.", head=head)
            return
        target = self.path
        if target.startswith(("http://", "https://")):  # absolute-form request target
            parts = urllib.parse.urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not target.startswith("/"):
            self._plain(400, "Bad request.", head=head)
            return
        raw_path, _, query = target.partition("?")
        raw_path = raw_path.split("#", 1)[0]
        if raw_path.startswith(INTERNAL):
            self._internal(raw_path[len(INTERNAL):], query, head)
            return
        self.server.wait_idle(REQUEST_WAIT)
        self._static(raw_path, query, head)

    def _host_allowed(self) -> bool:
        if not self.server.loopback:
            return True
        host = self.headers.get("Host")
        if not host:
            return True
        name = urllib.parse.urlsplit("//" + host).hostname or ""
        return is_loopback(name) or name == self.server.bound_host

    def _internal(self, name: str, query: str, head: bool) -> None:
        if name == "reload.js":
            cache = "public, max-age=31536000, immutable" if query == f"v={SCRIPT_VERSION}" else "no-store"
            self._send(200, SCRIPT_BYTES, "text/javascript; charset=utf-8", head, cache=cache)
        elif name == "state":
            body = json.dumps(self.server.hub.state).encode()
            self._send(200, body, "application/json", head)
        elif name == "events" and not head:
            self._events()
        else:
            self._plain(404, "No such preview endpoint.", head=head)

    # -- files -------------------------------------------------------------------------------------
    def _static(self, raw_path: str, query: str, head: bool) -> None:
        try:
            decoded = urllib.parse.unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
        except UnicodeDecodeError:
            self._plain(400, "Bad request: the address is not valid UTF-8.", head=head)
            return
        if "\x00" in decoded or "\\" in decoded:
            self._plain(400, "Bad request.", head=head)
            return
        parts = [p for p in decoded.split("/") if p not in ("", ".")]
        if len(decoded.encode()) > PATH_MAX or any(len(p.encode()) > NAME_MAX for p in parts):
            self._plain(414, f"URI too long: the preview serves file names of up to {NAME_MAX} bytes.", head=head)
            return
        if ".." in parts:
            self._plain(403, "Forbidden: the preview serves only the output folder.", head=head)
            return
        base = [p for p in self.server.base_path().split("/") if p]
        if base:
            if parts[:len(base)] != base:
                if not parts:
                    self._redirect("/" + "/".join(base) + "/", query, status=302)
                else:
                    self._not_found(head)
                return
            parts = parts[len(base):]
        if any(p.startswith(".") for p in parts):  # the output marker, staging folders, dotfiles
            self._not_found(head)
            return
        # confine serves only regular files reached without a symbolic link (Haven never writes one)
        root, rel = self.server.out_dir, "/".join(parts)
        if output_kind(root, rel) == "dir":
            if not raw_path.endswith("/"):
                self._redirect("/" + "/".join(urllib.parse.quote(p) for p in base + parts) + "/", query)
                return
            rel = f"{rel}/index.html" if rel else "index.html"
        data = read_output_bytes(root, rel)
        if data is None:
            self._not_found(head)
            return
        self._send(200, data, content_type(rel.rpartition("/")[2]), head)

    def _not_found(self, head: bool) -> None:
        data = read_output_bytes(self.server.out_dir, "404.html")
        if data is None:
            home = self.server.base_path()
            why = ("The site has not been built yet: the preview shows why below and updates itself."
                   if not (self.server.out_dir / "index.html").exists() else "")
            data = FALLBACK_404.format(why=why, home=home).encode()
        self._send(404, data, "text/html; charset=utf-8", head)

    def _redirect(self, location: str, query: str, status: int = 301) -> None:
        if query:
            location += "?" + query
        body = f"Moved to {location}\n".encode()
        self._send(status, body, "text/plain; charset=utf-8", False, extra={"Location": location})

    def _plain(self, status: int, text: str, head: bool = False, extra: dict[str, str] | None = None) -> None:
        self._send(status, (text + "\n").encode(), "text/plain; charset=utf-8", head, extra=extra)

    def _send(self, status: int, data: bytes, ctype: str, head: bool, extra: dict[str, str] | None = None,
              cache: str = "no-store") -> None:
        if ctype.startswith("text/html"):
            data = inject(data, str(self.server.hub.state.get("build", "")))
        self._headers_sent = True
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    # -- live reload ---------------------------------------------------------------------------------
    def _events(self) -> None:
        hub = self.server.hub
        subscription = hub.subscribe()
        if subscription is None:
            self._plain(503, "The preview is stopping.")
            return
        client, state = subscription
        try:
            self._headers_sent = True
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Accel-Buffering", "no")
            self.send_header("Connection", "close")  # the stream ends when the connection does
            self.end_headers()
            self.wfile.write(b"retry: 500\n\n" + hub.encode("hello", state))
            while True:
                try:
                    message = client.get(timeout=KEEPALIVE)
                except queue.Empty:
                    message = b": still here\n\n"
                if message is None:
                    break
                self.wfile.write(message)
        except (OSError, ValueError):  # the browser went away
            pass
        finally:
            hub.unsubscribe(client)
            self.close_connection = True
