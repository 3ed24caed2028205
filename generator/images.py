"""Local images: measure each one a page shows, and plan its resized variants (Pillow).

Every local image named in a body (`![alt](/static/...)`) or in `image:` is read once per build: its
width and height go on the page (no jump while it loads), and a raster image wider than the content
column gets variants at a few widths, in WebP and in its own format, for `srcset`. Variants are
planned outputs named by the image's content hash: the writer's record skips them while the image
is unchanged, so each is made once. A file that is not a readable image is an error where it is named.
"""

from __future__ import annotations

import functools
import io
import re
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from generator.confine.hub import read_site_file
from generator.diagnostics import Diagnostic, error
from generator.imageinfo import ImageInfo, ImageVariant
from generator.lastbuild import SinceLastBuild
from generator.model import ParsedFile
from generator.outputs import Generated, Output, file_digest

COLUMN_PX = 640                         # the content column (40rem); narrower images are not resized
VARIANT_WIDTHS = (360, 720, 1080, 1440)  # phones at 1x, 2x, 3x; a desktop column at 2x
RASTER = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp", "GIF": "gif"}
RESIZED_FOLDER = "static/_resized"
MAX_PIXELS = 60_000_000                  # larger is refused: no writer's photo needs it, a decompression bomb does
MAX_BYTES = 40_000_000                   # a larger file is refused unread
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
SVG_HEAD_BYTES = 65_536   # where the <svg> element's tag must start and end (a comment or a long tag may come first)
MAX_SVG_PX = 100_000      # a larger stated size is no size: the drawing scales to the column
_SVG_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")

Where = tuple[str, int, int]   # file, line, column that names the image


# In a long-lived process (the preview server) an unchanged file is the same record build after build: the
# pictures it names are the last build's answer, not a walk over its links again (15 ms a save at 10,000).
_NAMED: SinceLastBuild[tuple[tuple[str, Where], ...]] = SinceLastBuild()


def referenced(parsed: Iterable[ParsedFile], base_path: str) -> dict[str, list[Where]]:
    """Local static image URLs (site-relative, e.g. /static/images/x.png) -> where each is named."""
    found: dict[str, list[Where]] = {}
    _NAMED.begin(base_path)
    for file in parsed:
        for url, where in _NAMED.get(file, None, _named_in, file, base_path):
            found.setdefault(url, []).append(where)
    return found


def _named_in(file: ParsedFile, base_path: str) -> tuple[tuple[str, Where], ...]:
    """The local images one file names (in its body and `image:`), each with where."""
    if file.meta is None:
        return ()
    named = [(url, (file.path, link.line, link.col)) for link in file.links
             if link.kind == "image" and (url := _site_url(link.url, base_path))]
    if file.meta.image and (url := _site_url(file.meta.image, "/")):
        named.append((url, (file.path, file.meta.lines.get("image", 1), 1)))
    return tuple(named)


def _site_url(url: str, base_path: str) -> str:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith(base_path):
        return ""
    path = "/" + parts.path[len(base_path):]
    return path if path.startswith("/static/") else ""


def measure(named: Mapping[str, list[Where]], static: Mapping[str, Path],
            site_dir: Path) -> tuple[dict[str, ImageInfo], list[Diagnostic]]:
    """Size and variants of each named image found among the site's static files (`static`: path
    relative to static/ -> file, read through confine). Missing files are left to the link check;
    unreadable ones are errors."""
    images: dict[str, ImageInfo] = {}
    findings: list[Diagnostic] = []
    for url, places in sorted(named.items()):
        rel = unquote(url[len("/static/"):])
        file = static.get(rel)
        if file is None:
            continue
        try:
            size = file.stat().st_size
            data = b"" if size > MAX_BYTES else read_site_file(site_dir, file)
        except OSError:   # gone since discovery, or a link out of the hub (OutsideHub: confine reports it)
            continue
        if size > MAX_BYTES:
            info, problem = None, f"the file is {size // 1_000_000} MB; export it at most {MAX_BYTES // 1_000_000} MB"
        else:
            info, problem = _measure(url, rel, data)
        if info is None:
            findings += [error("bad-image", path, line, col, f"'{url}' is not an image a browser can show: {problem}",
                               "export it again as PNG, JPEG, WebP, GIF or SVG, or fix the address")
                         for path, line, col in places]
            continue
        images[url] = info
    return images, findings


def _measure(url: str, rel: str, data: bytes) -> tuple[ImageInfo | None, str]:
    digest = file_digest(data)
    if rel.lower().endswith(".svg"):
        root = _SVG_ROOT.search(data[:SVG_HEAD_BYTES])
        if root is None:
            return None, "it has no <svg> element"
        tag = root.group(0).decode("utf-8", "replace")
        attrs = dict(re.findall(r'\s(width|height)\s*=\s*["\']([^"\']*)["\']', tag))
        width, height = (_svg_length(attrs.get("width", "")), _svg_length(attrs.get("height", "")))
        if width is None or height is None:
            width = height = None   # no stated size in pixels: the SVG scales to the column
        return ImageInfo(url, width, height, "svg", digest), ""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()          # checks the file's structure without decoding it all
            with Image.open(io.BytesIO(data)) as image:
                kind = RASTER.get(image.format or "")
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return None, f"it is {width}x{height} pixels, more than any page needs"
                if _orientation(image) in (5, 6, 7, 8):   # shown turned a quarter: browsers follow EXIF
                    width, height = height, width
                animated = getattr(image, "is_animated", False)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        return None, _plain(exc)
    if kind is None:
        return None, "browsers do not show this format"
    variants: tuple[ImageVariant, ...] = ()
    if width > COLUMN_PX and kind != "gif" and not animated:
        stem = re.sub(r"[^\w-]+", "-", PurePosixPath(rel).stem).strip("-")[:40] or "image"
        own = "jpg" if kind == "jpeg" else kind
        variants = tuple(ImageVariant(w, f"/{RESIZED_FOLDER}/{stem}-{digest[:12]}-{w}.webp",
                                      f"/{RESIZED_FOLDER}/{stem}-{digest[:12]}-{w}.{own}")
                         for w in VARIANT_WIDTHS if w < width)
    return ImageInfo(url, width, height, kind, digest, variants), ""


def _svg_length(value: str) -> int | None:
    """A stated width or height in pixels; None for none, or for one no page can use (0, or past
    MAX_SVG_PX: `width="1e400"` written out in digits is infinite as a float and crashed the build)."""
    match = _SVG_LENGTH.match(value)
    if not match or len(match.group(1)) > 12:
        return None
    pixels = float(match.group(1))
    return round(pixels) if 0 < pixels <= MAX_SVG_PX else None


def _orientation(image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # noqa: BLE001 - broken EXIF: show the image as stored
        return 1


def _plain(exc: Exception) -> str:
    text = str(exc)
    if "cannot identify image file" in text:
        return "the file is not a picture (or is damaged)"
    if "truncated" in text or "broken" in text.lower():
        return "the file is cut short or damaged"
    if "decompression bomb" in text.lower() or "exceeds limit" in text:
        return "it has far more pixels than any page needs"
    return "the file is damaged"


def variant_outputs(images: Mapping[str, ImageInfo], static: Mapping[str, Path], site_dir: Path) -> list[Output]:
    """One planned output per resized file, read from the image it was made from, keyed by that image's hash."""
    outputs: list[Output] = []
    for url, info in sorted(images.items()):
        source = static[unquote(url[len("/static/"):])]
        for variant in info.variants:
            for target, kind in ((variant.webp, "webp"), (variant.original, info.kind)):
                inputs = (("image", info.digest), ("resize", f"{variant.width}:{kind}"))
                outputs.append(Generated(target.lstrip("/"), inputs,
                                         produce=functools.partial(resize, site_dir, source, variant.width, kind)))
    return outputs


def resize(site_dir: Path, source: Path, width: int, kind: str) -> bytes:
    """The image at `source` (read through confine) scaled to `width` pixels (height in proportion),
    upright, without metadata."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(read_site_file(site_dir, source))) as image:
        upright = ImageOps.exif_transpose(image)
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        mode = "RGBA" if has_alpha and kind != "jpeg" else "RGB"
        converted = upright.convert(mode)
        height = max(1, round(converted.height * width / converted.width))
        small = converted.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "webp":
        small.save(out, "WEBP", quality=80, method=4)
    elif kind == "jpeg":
        small.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        small.save(out, "PNG", optimize=True)
    return out.getvalue()
