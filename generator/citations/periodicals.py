"""Journal, magazine and newspaper articles: the periodical element (APA 9.25, 9.26, 10.1)."""

from __future__ import annotations

from generator.citations.fields import Item
from generator.citations.text import _esc, _rich, _Span, _then_comma, _title_case


def periodical_source(item: Item, pages: str) -> list[_Span]:
    """ "Journal of Tests, 21(2), 95–103": the periodical's name in title case and italics (6.29, 9.25),
    volume in italics, issue, then pages or the article number (9.27)."""
    item.consume("publisher", "publisher-place")  # periodicals name no publisher (9.29)
    container = item.take("container-title")
    if not container:
        return []
    journal = _rich(_title_case(container), italic=True)
    volume = item.take("volume")
    issue = item.take("issue")
    tail_html: list[str] = []
    tail_text: list[str] = []
    if volume:
        tail_html.append(f"<i>{_esc(volume)}</i>" + (_esc(f"({issue})") if issue else ""))
        tail_text.append(volume + (f"({issue})" if issue else ""))
    elif issue:
        tail_html.append(_esc(f"({issue})"))
        tail_text.append(f"({issue})")
    last = ""
    if pages:
        last = pages
        item.consume("page", "number")  # an article number only stands in for missing pages
    elif item.peek("number") and item.kind == "article-journal":
        last = f"Article {item.take('number')}"
    if last:
        tail_html.append(_esc(last))
        tail_text.append(last)
    if not tail_text:
        return [journal]
    head = _then_comma(journal)
    return [_Span(head.html + " " + ", ".join(tail_html), head.text + " " + ", ".join(tail_text))]
