"""The preview's request handler in process, as MkDocs tests its livereload server: a request written
into a fake socket, the answer read back. No port, no thread, no sleep: each case is microseconds."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.serve.events import EventHub
from generator.serve.server import NAME_MAX, PreviewHandler


class FakeSocket:
    """Just enough of a socket for `BaseHTTPRequestHandler`: the request in, the answer collected."""

    def __init__(self, request: bytes) -> None:
        self._incoming = io.BytesIO(request)
        self.sent = bytearray()

    def makefile(self, mode: str, *args: object, **kwargs: object) -> io.BytesIO:
        assert "r" in mode, "the handler writes through sendall"
        return self._incoming

    def sendall(self, data: bytes) -> None:
        self.sent += data

    def settimeout(self, timeout: float | None) -> None:
        pass

    def setsockopt(self, *args: object) -> None:
        pass


def fake_server(out_dir: Path, base_path: str = "/") -> SimpleNamespace:
    return SimpleNamespace(out_dir=out_dir, hub=EventHub({"build": "b1"}), wait_idle=lambda timeout: True,
                           base_path=lambda: base_path, loopback=True, bound_host="127.0.0.1", errors=[])


def ask(server: SimpleNamespace, target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request through the real handler; (status, headers, body)."""
    sock = FakeSocket(f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    try:
        PreviewHandler(sock, ("127.0.0.1", 50000), server)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - socketserver hands it to handle_error, which logs it
        server.errors.append(exc)
    head, _, body = bytes(sock.sent).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines and lines[0].startswith("HTTP/1."), f"no HTTP answer at all: {bytes(sock.sent)[:200]!r}"
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


@pytest.fixture
def site(tmp_path: Path) -> SimpleNamespace:
    out = tmp_path / "output"
    (out / "articles" / "calm").mkdir(parents=True)
    (out / "index.html").write_text("<html><body><h1>Home</h1></body></html>", "utf-8")
    (out / "articles" / "calm" / "index.html").write_text("<html><body>Calm</body></html>", "utf-8")
    (out / "404.html").write_text("<html><body>Not here</body></html>", "utf-8")
    (tmp_path / "secret.txt").write_text("outside the output folder", "utf-8")
    return fake_server(out)


def test_a_page_is_served_with_the_reload_script(site):
    status, headers, body = ask(site, "/articles/calm/")
    assert status == 200 and b"Calm" in body and b"/__haven/reload.js" in body
    assert headers["Content-Length"] == str(len(body))


@pytest.mark.parametrize("target", [
    "/" + "a" * (NAME_MAX + 1),
    "/articles/" + "b" * 300 + "/",
    "/" + "%C3%A9" * 128,                      # 128 characters, 256 bytes once decoded
    "/" + "/".join(["c" * 200] * 25),          # every segment legal, the whole path too long
])
def test_an_over_long_path_is_414(site, target):
    status, _, body = ask(site, target)
    assert status == 414
    assert b"too long" in body


def test_a_name_of_exactly_the_limit_is_an_ordinary_miss(site):
    status, _, body = ask(site, "/" + "d" * NAME_MAX)
    assert status == 404 and b"Not here" in body


@pytest.mark.parametrize("target", ["/../secret.txt", "/%2e%2e/secret.txt", "/articles/%2E%2E/%2E%2E/secret.txt"])
def test_nothing_outside_the_output_folder(site, target):
    status, _, body = ask(site, target)
    assert status == 403 and b"outside" not in body


def test_an_address_that_is_not_utf8_is_400(site):
    assert ask(site, "/%ff%fe")[0] == 400


def test_a_failure_while_answering_is_a_500_not_a_closed_connection(site):
    def broken() -> str:
        raise RuntimeError("the base path could not be read")

    site.base_path = broken
    status, _, body = ask(site, "/articles/calm/")
    assert status == 500 and b"terminal" in body
    assert [str(e) for e in site.errors] == ["the base path could not be read"]  # and the terminal hears of it


def test_head_has_the_headers_and_no_body(site):
    status, headers, body = ask(site, "/articles/calm/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_a_request_waits_for_the_running_build_and_gets_the_new_page(site):
    """A page asked for right after a save is the page from the build of that save, never the one before:
    the handler waits for the builds under way (here the build finishes inside that wait)."""
    page = site.out_dir / "articles" / "calm" / "index.html"
    waited: list[float] = []

    def build_finishes_while_the_request_waits(timeout: float) -> bool:
        waited.append(timeout)
        page.write_text("<html><body>Calm, saved</body></html>", "utf-8")
        return True

    site.wait_idle = build_finishes_while_the_request_waits
    status, _, body = ask(site, "/articles/calm/")
    assert status == 200 and b"Calm, saved" in body and len(waited) == 1
    assert ask(site, "/__haven/state")[0] == 200 and len(waited) == 1   # its own endpoints never wait
