"""The `_headers` file `haven build --headers` writes for static hosts that read it
(Netlify, Cloudflare Pages): a strict Content-Security-Policy and the other security headers.

The policy allows only this site's own files: no inline scripts or styles, no other hosts, except the
hosts site.yaml lists under `privacy: {allow_hosts: [...]}`, which may serve images and fonts (the only
files from other hosts the checks let through: images in articles, `image:`, url() in static CSS).
Pagefind's search compiles WebAssembly, which needs 'wasm-unsafe-eval' (that allows WebAssembly
compilation only, not JavaScript eval) and runs in a same-origin web worker.
"""

from __future__ import annotations

from collections.abc import Sequence

CSP_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'none'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self'"),
    ("img-src", "'self'"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("manifest-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)

PERMISSIONS = ("accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
               "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
               "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "usb",
               "xr-spatial-tracking", "browsing-topics")


# Directives that list privacy.allow_hosts: what the checks let a page load from an allowed host.
ALLOWED_HOST_DIRECTIVES = ("img-src", "font-src")


def content_security_policy(allow_hosts: Sequence[str] = ()) -> str:
    """The policy as one header value; `allow_hosts` (plain host names) may serve images and fonts over https."""
    extra = "".join(f" https://{host}" for host in allow_hosts)
    return "; ".join(f"{name} {value}{extra if name in ALLOWED_HOST_DIRECTIVES else ''}"
                     for name, value in CSP_DIRECTIVES)


def security_headers(allow_hosts: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(name, value) of every header sent with every file of the hub."""
    return [
        ("Content-Security-Policy", content_security_policy(allow_hosts)),
        # Leaving a mental-health article should not tell the next site which one was being read.
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", ", ".join(f"{feature}=()" for feature in PERMISSIONS)),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]


# The theme's files (CSS, icons, the search script) keep their names from one build to the next, so a
# browser may reuse them for an hour and must then ask again: a longer or `immutable` cache would leave
# returning readers on old styles after a deploy. docs/deploy.md recommends the same value to every host.
STATIC_CACHE_CONTROL = "public, max-age=3600"


def header_rules(base_path: str = "/", allow_hosts: Sequence[str] = ()) -> list[tuple[str, list[tuple[str, str]]]]:
    """(path pattern, [(name, value)]) of every rule, the hub living at `base_path` (e.g. "/" or "/hub/").

    A host applies every rule whose pattern matches a path, so static files get both."""
    return [(f"{base_path}*", security_headers(allow_hosts)),
            (f"{base_path}static/*", [("Cache-Control", STATIC_CACHE_CONTROL)])]


def render_headers(base_path: str = "/", allow_hosts: Sequence[str] = ()) -> bytes:
    """The _headers file (Netlify / Cloudflare Pages syntax) for a hub living at `base_path`.

    Hosts read _headers only at the root of what they publish; the patterns carry the hub's path so the
    file is right there even when the hub lives under /hub/ (docs/deploy.md, "A hub under a path")."""
    lines = ["# Written by `haven build --headers`. Netlify and Cloudflare Pages read this file;",
             "# for other hosts see docs/deploy.md."]
    for pattern, headers in header_rules(base_path, allow_hosts):
        lines.append(pattern)
        lines += [f"  {name}: {value}" for name, value in headers]
    return ("\n".join(lines) + "\n").encode("utf-8")


def parse_headers_file(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(path pattern, [(name, value)]) rules from a _headers file (used by tests and local previews)."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if not raw[0].isspace():
            rules.append((raw.strip(), []))
        elif rules and ":" in raw:
            name, value = raw.strip().split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
    return rules
