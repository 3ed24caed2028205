"""APA 7th edition in-text citations and reference lists.

Pure: no I/O. The Markdown extension (`generator.markup.citations`) finds the
citation clusters; this module turns clusters plus CSL data (pandoc's CSL-YAML
or CSL-JSON, as plain mappings) into HTML.

Rules follow the APA Publication Manual, 7th edition (section numbers in the
comments). Where pandoc's APA CSL output departs from the manual, the manual
wins and the comment says so.

Disambiguation is done over the set of works rendered together (one article's
cited works, or the whole hub for `format_bibliography`), in this order:
initials for different first authors sharing a surname (8.20), more names for
works whose "et al." forms collide in the same year (8.18), then year-suffix
letters assigned in reference-list order (8.19, 9.47).
"""

from __future__ import annotations

from collections import abc
from collections.abc import Iterable, Mapping, Sequence

from generator.citations.intext import _disambiguate, _entry, _render_cluster
from generator.citations.locators import LOCATOR_LABELS, format_locator, parse_locator
from generator.citations.records import CSL_TYPES, CiteItem, Cluster, RenderedCitations, RenderedEntry
from generator.citations.text import _text
from generator.citations.works import _work, normalize_doi, unplaced_fields

__all__ = [
    "CSL_TYPES",
    "LOCATOR_LABELS",
    "CiteItem",
    "Cluster",
    "RenderedCitations",
    "RenderedEntry",
    "format_bibliography",
    "format_locator",
    "normalize_doi",
    "parse_locator",
    "render_citations",
    "unplaced_fields",
]


def render_citations(
    clusters: Sequence[Cluster], bibliography: Mapping[str, Mapping]
) -> RenderedCitations:
    """Format an article's citation clusters and its reference list (APA 7).

    Only works that are cited appear in `entries`, in APA order, and they are
    disambiguated against each other. Keys missing from `bibliography` are
    rendered literally as "(@key?)" and listed in `unknown`.
    """
    cited: dict[str, list[int]] = {}
    unknown: list[tuple[int, str]] = []
    for number, cluster in enumerate(clusters, start=1):
        for item in cluster.items:
            data = bibliography.get(item.key)
            if isinstance(data, abc.Mapping):
                numbers = cited.setdefault(item.key, [])
                if not numbers or numbers[-1] != number:
                    numbers.append(number)
            elif (number, item.key) not in unknown:
                unknown.append((number, item.key))
    forms_list = _disambiguate([(key, _work(bibliography[key])) for key in cited])
    forms = {form.key: form for form in forms_list}
    rendered = tuple(
        _render_cluster(number, cluster, forms) for number, cluster in enumerate(clusters, start=1)
    )
    entries = tuple(_entry(form, tuple(cited[form.key])) for form in forms_list)
    return RenderedCitations(rendered, entries, tuple(unknown))


def format_bibliography(references: Iterable[Mapping]) -> tuple[RenderedEntry, ...]:
    """Format a whole bibliography (the hub's /sources/ page) in APA order.

    Each reference is keyed by its `id`; entries without one are skipped (the
    checks report them). Year-suffix letters and names are disambiguated over
    the set given.
    """
    keyed: dict[str, Mapping] = {}
    for data in references:
        if isinstance(data, abc.Mapping):
            key = _text(data.get("id"))
            if key and key not in keyed:
                keyed[key] = data
    forms = _disambiguate([(key, _work(data)) for key, data in keyed.items()])
    return tuple(_entry(form, ()) for form in forms)
