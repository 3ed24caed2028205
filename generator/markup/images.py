"""Give local images their size and resized variants in the HTML (a pure rewrite; `generator.images` measures).

A page that states each image's width and height does not jump while it loads; `srcset`/`sizes`
let a phone fetch a variant near its own width instead of the full-size file, and a `<picture>`
offers WebP first to browsers that read it.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Mapping

from generator.imageinfo import ImageInfo

# The content column is 40rem wide (--measure in haven.css), with 1rem of padding each side on a phone.
SIZES = "(min-width: 42.5rem) 40rem, calc(100vw - 2rem)"

_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\s([a-zA-Z-]+)="([^"]*)"')


def responsive_images(html: str, images: Mapping[str, ImageInfo], base_path: str = "/") -> str:
    """Every `<img>` whose `src` is a measured local image gets width, height and (when resized) srcset."""
    if "<img" not in html:
        return html

    def rewrite(match: re.Match[str]) -> str:
        attrs = dict(_ATTR.findall(match.group(0)))
        src = htmllib.unescape(attrs.get("src", ""))
        site_url = "/" + src[len(base_path):] if base_path != "/" and src.startswith(base_path) else src
        info = images.get(site_url)
        return img_html(info, attrs, base_path) if info else match.group(0)

    return _IMG.sub(rewrite, html)


def img_html(info: ImageInfo, attrs: Mapping[str, str], base_path: str = "/") -> str:
    """An `<img>` (in a `<picture>` when there are variants) with `attrs` (escaped HTML values) and the
    image's own size; the writer's width and height win when both are given."""
    attrs = dict(attrs)
    if info.width and info.height and not ("width" in attrs and "height" in attrs):
        attrs["width"], attrs["height"] = str(info.width), str(info.height)
    if not info.variants:
        return _tag("img", attrs)

    def url(path: str) -> str:
        return htmllib.escape(base_path + path.lstrip("/"))

    widest = info.width or info.variants[-1].width
    original_set = [f"{url(v.original)} {v.width}w" for v in info.variants] + [f"{attrs.get('src', '')} {widest}w"]
    webp_set = [f"{url(v.webp)} {v.width}w" for v in info.variants]
    attrs["srcset"] = ", ".join(original_set)
    attrs["sizes"] = SIZES
    source = _tag("source", {"type": "image/webp", "srcset": ", ".join(webp_set), "sizes": SIZES})
    return f"<picture>{source}{_tag('img', attrs)}</picture>"


def _tag(name: str, attrs: Mapping[str, str]) -> str:
    # values arrive escaped (read from sanitized HTML or escaped by the caller)
    return "<" + name + "".join(f' {key}="{value}"' for key, value in attrs.items()) + ">"
