"""Typed records of a local image: its size and resized variants (what `generator.images` measures and pages read).

Kept beside `generator.model` (same layer, no I/O) so the model stays small.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageVariant:
    """One resized copy of a raster image: its width and the site URLs of its WebP and original-format files."""

    width: int
    webp: str
    original: str


@dataclass(frozen=True)
class ImageInfo:
    """What a page needs to show a local image: its size, and its resized variants (widest last)."""

    url: str                      # site URL as written, e.g. /static/images/calm.png
    width: int | None             # None for an SVG that states no size
    height: int | None
    kind: str                     # "png", "jpeg", "webp", "gif", "svg"
    digest: str                   # of the file's bytes: variants are named and cached by it
    variants: tuple[ImageVariant, ...] = ()
