"""Local images: width/height on every one, resized WebP and original-format variants in srcset for images
wider than the column (made once: unchanged images are not made again), SVG passed through, and a file
that is not a picture is an error where it is named."""

from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from PIL import Image

from generator.build import BuildOptions, build
from tests.publishkit import build_ok
from tests.sitekit import article, make_site


def png(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height))
    for x in range(0, width, 40):   # stripes: a picture with some detail to compress
        image.paste((20 + x % 200, 120, 180), (x, 0, min(width, x + 20), height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg(width: int, height: int, orientation: int = 1) -> bytes:
    image = Image.new("RGB", (width, height), (200, 150, 90))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def hub(tmp_path, body: str, files: dict[str, bytes], extra: str = ""):
    site = make_site(tmp_path / "site", {"pictures.md": article("Pictures", body=body, extra=extra)})
    for name, data in files.items():
        (site / "static" / "images").mkdir(parents=True, exist_ok=True)
        (site / "static" / "images" / name).write_bytes(data)
    return site


def imgs(html: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'\s([a-z-]+)="([^"]*)"', tag)) for tag in re.findall(r"<img\b[^>]*>", html)]


def test_a_wide_photo_gets_its_size_and_resized_variants_in_srcset(tmp_path):
    site = hub(tmp_path, "![A calm lake](/static/images/lake.png)\n", {"lake.png": png(1600, 1000)})
    result = build_ok(site, search_index=False)
    page = (site / "output/articles/pictures/index.html").read_text("utf-8")
    [img] = imgs(page)
    assert (img["width"], img["height"], img["alt"]) == ("1600", "1000", "A calm lake")
    widths = [int(w) for w in re.findall(r" (\d+)w", img["srcset"])]
    assert widths == [360, 720, 1080, 1440, 1600] and img["sizes"]
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', page).group(1)
    for url in re.findall(r"(/static/\S+) \d+w", webp + ", " + img["srcset"]):
        assert (site / "output" / url.lstrip("/")).is_file(), url
    small = site / "output" / re.search(r"(/static/_resized/\S+-360\.webp)", webp).group(1).lstrip("/")
    with Image.open(small) as variant:
        assert variant.format == "WEBP" and variant.size == (360, 225)
    assert not [d for d in result.diagnostics if d.severity == "error"]


def test_variants_are_made_once_and_made_again_only_when_the_picture_changes(tmp_path):
    site = hub(tmp_path, "![A calm lake](/static/images/lake.png)\n", {"lake.png": png(1600, 1000)})
    build_ok(site, search_index=False)
    (site / "articles/pictures.md").write_text(
        article("Pictures", body="Edited.\n\n![A calm lake](/static/images/lake.png)\n"), "utf-8")
    edited = build_ok(site, search_index=False)
    assert not [p for p in edited.written if "_resized" in p]           # the text changed, the picture did not
    (site / "static/images/lake.png").write_bytes(png(1200, 900))
    changed = build_ok(site, search_index=False)
    made = [p for p in changed.written if "_resized" in p]
    assert len(made) == 6 and not [p for p in edited.written if "_resized" in p]   # 360, 720, 1080 x 2 formats
    assert len([p for p in changed.removed if "_resized" in p]) == 8   # the old picture's 4 widths x 2 formats
    assert 'width="1200" height="900"' in (site / "output/articles/pictures/index.html").read_text("utf-8")


def test_an_image_narrower_than_the_column_gets_its_size_only(tmp_path):
    site = hub(tmp_path, "![Icon](/static/images/small.jpg)\n", {"small.jpg": jpeg(300, 200)})
    build_ok(site, search_index=False)
    [img] = imgs((site / "output/articles/pictures/index.html").read_text("utf-8"))
    assert (img["width"], img["height"]) == ("300", "200") and "srcset" not in img


def test_a_photo_turned_by_its_exif_gets_the_size_it_is_shown_at(tmp_path):
    site = hub(tmp_path, "![Portrait](/static/images/turned.jpg)\n", {"turned.jpg": jpeg(1200, 800, orientation=6)})
    build_ok(site, search_index=False)
    page = (site / "output/articles/pictures/index.html").read_text("utf-8")
    [img] = imgs(page)
    assert (img["width"], img["height"]) == ("800", "1200")
    small = re.search(r'(/static/_resized/\S+-360\.jpg)', page).group(1)
    with Image.open(site / "output" / small.lstrip("/")) as variant:
        assert variant.size == (360, 540)   # upright


def test_svg_is_passed_through_with_the_size_it_states(tmp_path):
    stated = b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80"></svg>'
    unstated = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80" width="100%"></svg>'
    site = hub(tmp_path, "![A](/static/images/a.svg)\n\n![B](/static/images/b.svg)\n",
               {"a.svg": stated, "b.svg": unstated})
    build_ok(site, search_index=False)
    a, b = imgs((site / "output/articles/pictures/index.html").read_text("utf-8"))
    assert (a["width"], a["height"]) == ("120", "80") and "srcset" not in a
    assert "width" not in b and "srcset" not in b
    assert (site / "output/static/images/a.svg").read_bytes() == stated


@pytest.mark.parametrize("width", ["9" * 400, "9" * 5000, "99999999999", "0", "1e5"])
def test_an_svg_stating_a_size_no_page_can_use_scales_to_the_column(tmp_path, width):
    """A width of 400 nines is infinite as a float: the build crashed with a traceback. 5,000 nines pushed
    the tag past where Haven looked for it ("it has no <svg> element")."""
    drawing = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="80"></svg>'.encode()
    site = hub(tmp_path, "![A drawing](/static/images/a.svg)\n", {"a.svg": drawing})
    build_ok(site, search_index=False)
    [img] = imgs((site / "output/articles/pictures/index.html").read_text("utf-8"))
    assert "width" not in img and "height" not in img and img["alt"] == "A drawing"


def test_the_front_matter_image_gets_size_and_variants_too(tmp_path):
    site = hub(tmp_path, "Text.\n", {"hero.png": png(1400, 700)},
               extra="image: /static/images/hero.png\nimage_alt: Hills at dusk")
    build_ok(site, search_index=False)
    figure = re.search(r'<figure class="article-image">(.*?)</figure>',
                       (site / "output/articles/pictures/index.html").read_text("utf-8"), re.S).group(1)
    [img] = imgs(figure)
    assert (img["width"], img["height"], img["alt"]) == ("1400", "700", "Hills at dusk") and "360w" in img["srcset"]
    assert '<source type="image/webp"' in figure


def bomb() -> bytes:
    """A valid PNG header claiming 100000 x 100000 pixels (decompressing it would take 30 GB)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name,data", [
    ("notes.png", b"this is a text file, not a picture\n"),
    ("cut.png", png(800, 600)[:300]),
    ("empty.jpg", b""),
    ("bomb.png", bomb()),
    ("fake.svg", b"<html><body>not svg</body></html>"),
    ("icon.ico", Image.new("RGB", (16, 16)).tobytes()),
    ("huge.jpg", b"\xff\xd8" + b"\0" * 40_000_001),
])
def test_a_file_that_is_not_a_picture_is_an_error_where_it_is_named(tmp_path, name, data):
    site = hub(tmp_path, f"Text.\n\nSee ![a picture](/static/images/{name}) here.\n", {name: data})
    result = build(BuildOptions(site, site / "output", search_index=False))
    bad = [d for d in result.diagnostics if d.severity == "error"]
    assert [(d.code, d.path, d.line, d.col) for d in bad] == [("bad-image", "articles/pictures.md", 10, 5)], bad
    assert "Traceback" not in bad[0].message and not (site / "output").exists()


def test_a_missing_picture_is_still_the_link_checks_finding(tmp_path):
    site = hub(tmp_path, "![Gone](/static/images/gone.png)\n", {})
    result = build(BuildOptions(site, site / "output", search_index=False))
    assert [d.code for d in result.diagnostics if d.severity == "error"] == ["broken-link"]


@pytest.mark.parametrize("address", ["/static/../site.yaml", "/static/%2e%2e/site.yaml", "/static/images/../../data/authors.yaml"])
def test_an_image_address_cannot_reach_files_outside_static(tmp_path, address):
    site = hub(tmp_path, f"![x]({address})\n", {})
    result = build(BuildOptions(site, site / "output", search_index=False))
    assert not [d for d in result.diagnostics if d.code == "bad-image"]   # never opened as a picture
    assert [d.code for d in result.diagnostics if d.severity == "error"] == ["broken-link"]
