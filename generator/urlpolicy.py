"""The one URL policy: which addresses a hub may publish, and which ones a reader's browser would fetch
from another host.

Every URL from every file (Markdown, raw HTML, front matter, data files, site.yaml, references, static
CSS) goes through `examine`, so an obfuscated `javascript:` cannot slip through one reader and not
another. The rules follow what browsers do with an address before they look at its scheme (WHATWG
URL parsing): character references are decoded (in HTML), leading and trailing spaces and control
characters are dropped, tabs and newlines anywhere are removed, and the scheme is case-insensitive.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel", "sms")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_EDGE = "".join(chr(c) for c in range(0x21))   # C0 controls and space, stripped at both ends
_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Address:
    """What a browser would make of one address."""

    written: str      # as the file has it
    scheme: str       # lower case; "" for a relative address
    host: str         # lower case host of an http(s) or protocol-relative address, else ""
    problem: str      # why it may not be published, in a writer's words; "" when it may

    @property
    def remote(self) -> bool:
        """True when a browser would fetch it from a host (any host: compare with the hub's own)."""
        return bool(self.host)


def examine(url: str, in_html: bool = False) -> Address:
    """Classify `url` as a browser would read it (`in_html`: character references are decoded first)."""
    text = html.unescape(url) if in_html or "&" in url else url
    text = _TAB_NEWLINE.sub("", text.strip(_EDGE))
    if text.startswith(("//", "\\\\", "/\\", "\\/")):
        return Address(url, "", _host(text[2:]), _userinfo(text[2:]))
    match = _SCHEME.match(text)
    if not match:
        if any(ord(c) < 0x20 or c == "\x7f" for c in text):
            return Address(url, "", "", "it contains control characters")
        return Address(url, "", "", "")
    scheme = match.group(1).lower()
    if scheme not in ALLOWED_SCHEMES:
        return Address(url, scheme, "", f"'{scheme}:' addresses are not allowed")
    if scheme in ("http", "https"):
        host = _host(text[match.end():].lstrip("/\\"))
        if not host:
            return Address(url, scheme, "", "it names no host")
        return Address(url, scheme, host, _userinfo(text[match.end():].lstrip("/\\")))
    return Address(url, scheme, "", "")


def _userinfo(rest: str) -> str:
    """The problem with a user name or password before the host ("https://trusted.example@other.example/" goes to
    other.example, whatever a reader takes it for; no source or page of the hub needs one), else ""."""
    return "it holds a user name or password before its host" if "@" in re.split(r"[/\\?#]", rest, maxsplit=1)[0] \
        else ""


def _host(rest: str) -> str:
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    authority = authority.rsplit("@", 1)[-1]
    if authority.startswith("["):
        return authority.split("]", 1)[0].lower() + "]"
    return authority.split(":", 1)[0].rstrip(".").lower()


ALLOWED_HINT = "use a relative address (/articles/...), or one starting with https://, http://, mailto:, tel: or sms:"


def check_url(url: str, path: str, line: int, col: int, what: str, in_html: bool = False) -> Diagnostic | None:
    """An `unsafe-url` error when `url` may not be published, else None."""
    found = examine(url, in_html)
    if not found.problem:
        return None
    return finding("unsafe-url", path, line, col, f"{what}: '{_shown(url)}' cannot be published: {found.problem}",
                   ALLOWED_HINT)


def checked(url: str, path: str, line: int, col: int, what: str, out: list[Diagnostic]) -> str:
    """`url` when it may be published; otherwise '' and an error appended to `out` (data loaders use this,
    so a template never sees an address that failed the policy)."""
    finding = check_url(url, path, line, col, what)
    if finding is None:
        return url
    out.append(finding)
    return ""


def remote_finding(url: str, what: str, path: str, line: int, col: int, allowed: AllowedHosts,
                   in_html: bool = False) -> Diagnostic | None:
    """A `remote-resource` error when a reader's browser would fetch `url` from a host the hub does not allow."""
    found = examine(url, in_html)
    if found.remote and found.scheme == "http" and found.host in allowed.listed:
        return finding("remote-resource", path, line, col,
                       f"{what} '{_shown(url)}' would be loaded from {found.host} over plain http, which browsers "
                       "block on an https page (and the Content-Security-Policy allows https only)",
                       f"write it as https://{_shown(url).split('://', 1)[-1]}")
    if not found.remote or allowed.allows(found.host):
        return None
    return finding("remote-resource", path, line, col,
                   f"{what} '{_shown(url)}' would be loaded from {found.host}, which tells that site who reads "
                   "this page",
                   "download the file into static/ and point at it (e.g. /static/images/name.png); if the hub "
                   f"trusts {found.host}, list it in site.yaml under `privacy: {{allow_hosts: [{found.host}]}}`")


@dataclass(frozen=True)
class AllowedHosts:
    """Hosts a reader's browser may fetch from: the hub's own, and those in site.yaml `privacy.allow_hosts`."""

    own: str = ""
    listed: tuple[str, ...] = ()

    def allows(self, host: str) -> bool:
        """True when fetching from `host` is allowed."""
        return bool(host) and (host == self.own or host in self.listed)


def read_allow_hosts(hosts: Any, path: str, where: tuple[int, int], out: list[Diagnostic]) -> tuple[str, ...]:
    """The hosts under `privacy: {allow_hosts: [...]}` (`hosts` as read, at line and column `where`), each a
    plain host name such as media.example.org."""
    if hosts is None:
        return ()
    if isinstance(hosts, str):
        hosts = [hosts]
    if not isinstance(hosts, list):
        out.append(finding("setting-type", path, *where, "'privacy.allow_hosts' must be a list of host names",
                           "write `allow_hosts: [media.example.org]`"))
        return ()
    good: list[str] = []
    for host in hosts:
        name = host.strip().lower() if isinstance(host, str) else ""
        if not _HOSTNAME.match(name):
            out.append(finding("bad-allowed-host", path, *where,
                               f"'{_shown(str(host))}' in privacy.allow_hosts is not a host name",
                               "write just the host, e.g. media.example.org (no https://, no path, no *)"))
        elif name not in good:
            good.append(name)
    return tuple(good)


# Keys under `extra` whose text is an address a template may put in an attribute; the second kind a
# template would most likely load (an <img src>), so it is held to the privacy rule too.
ADDRESS_KEYS = ("url", "href", "link")
FETCHED_KEYS = ("src", "image", "logo", "icon")


def urls_in_extra(value: Any, prefix: str = "extra",
                  where: tuple = ()) -> Iterable[tuple[str, str, tuple]]:
    """(dotted key, text, path below `extra`) for every text under `extra` whose key says it is an address
    (…url, …href, …link, …src, …image, …logo, …icon), so a template that puts it in an attribute gets a
    checked value."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{prefix}.{key}"
            if isinstance(item, str) and str(key).lower().endswith(ADDRESS_KEYS + FETCHED_KEYS):
                yield name, item, (*where, key)
            else:
                yield from urls_in_extra(item, name, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from urls_in_extra(item, f"{prefix}[{index + 1}]", (*where, index))


def _shown(url: str, limit: int = 80) -> str:
    """The address as a writer can read it in a terminal: control characters made visible, long ones cut."""
    visible = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in url)
    return visible if len(visible) <= limit else visible[:limit - 1] + "…"
