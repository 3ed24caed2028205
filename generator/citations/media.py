"""Web pages, posts, blogs and audiovisual works: the source element (APA 10.12-10.16)."""

from __future__ import annotations

from generator.citations.fields import VIDEO_TYPES, Item
from generator.citations.text import _plain, _rich, _Span


def media_source(item: Item) -> list[_Span] | None:
    """The source of a web page, post, blog post or audiovisual work; None for any other type."""
    kind = item.kind
    if kind in ("webpage", "post"):
        container = item.peek("container-title")
        if container and not item.is_author(container):
            return [_plain(item.take("container-title"))]
        item.consume("container-title")
        # no site name: the publisher stands in for it unless it is the author (10.16, 9.25)
        publisher = item.take_publisher() if not container else ""
        return [_plain(publisher)] if publisher else []
    if kind == "post-weblog":
        container = item.take("container-title")
        return [_rich(container, italic=True)] if container else []
    if kind in VIDEO_TYPES:
        return _performance_source(item)
    return None


def _performance_source(item: Item) -> list[_Span]:
    """ "TED Conferences", "YouTube", or where a talk was given: "Event, Place" (10.5, 10.12)."""
    for field in ("publisher", "container-title"):
        if item.peek(field):
            return [_plain(item.take(field))]
    event = item.take("event-title") or item.take("event")
    place = item.take("event-place") or item.take("publisher-place")
    return [_plain(", ".join(p for p in (event, place) if p))] if event or place else []
