"""What the preview adds to the output folder's files on the way out: content types, the reload script."""

from __future__ import annotations

import hashlib
import mimetypes
import os
from pathlib import Path

INTERNAL = "/__haven/"
SCRIPT_FILE = Path(__file__).with_name("reload.js")
SCRIPT_BYTES = SCRIPT_FILE.read_bytes()
# The script's URL names its content, so browsers may keep it for good: one request fewer per reload.
SCRIPT_VERSION = hashlib.blake2b(SCRIPT_BYTES, digest_size=6).hexdigest()
SCRIPT_URL = f"{INTERNAL}reload.js?v={SCRIPT_VERSION}"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
}

FALLBACK_404 = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not found - Haven preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main id="main"><h1>Page not found</h1>
<p>There is no page at this address in the preview. {why}</p>
<p><a href="{home}">Go to the home page</a></p></main></body></html>
"""


def content_type(name: str) -> str:
    """The Content-Type for a file name (our table first, then the platform's, then bytes)."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def script_tag(build_id: str) -> bytes:
    """The tag injected into every HTML response (external file: works under a strict CSP)."""
    return f'<script src="{SCRIPT_URL}" data-haven-build="{build_id}" defer></script>'.encode()


def inject(html: bytes, build_id: str) -> bytes:
    """`html` with the reload script before its last `</body>` (or at the end)."""
    tag = script_tag(build_id)
    at = html.lower().rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]
