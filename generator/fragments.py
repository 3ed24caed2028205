"""Template fragments rendered once per build for each distinct set of values they read.

The crisis region is the same on every page of a language, yet rendering it took about a tenth of each
page's time. `cached_include("crisis.html")` in a template writes what `{% include "crisis.html" %}`
would at the top level of the template, and remembers it for the rest of the build, keyed by:

- the value of every name the fragment (or any template it includes, imports or extends) reads from
  the page's context, found from the templates' syntax trees: a hub's own fragment that reads
  `article` is remembered per article, so it stays right whatever it reads;
- the language and catalogue being rendered (`_()`, dates and numbers read them, not the context).

A fragment that names a template only known at render time (`{% include some_variable %}`) is never
remembered: it could read anything. Values are compared by identity unless they are plain strings,
numbers or None; the site model does not change while pages render, and the fragments written are
forgotten when a build loads its templates (`FragmentMemory.forget_written`), so an object's identity means
the same thing for the whole build. What each fragment reads is kept while the templates stay the same.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from jinja2 import meta as jinja_meta
from jinja2 import nodes, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from generator import catalogues

# A fragment keyed by something that differs on every page (a hub's fragment reading `article`) would
# otherwise be remembered once per page: past this many, fragments are rendered and not kept.
MAX_REMEMBERED_FRAGMENTS = 256

_PLAIN = (str, int, float, bool, type(None))


class FragmentMemory:
    """What `cached_include` remembers during one build: the names each fragment reads, and its output."""

    def __init__(self, reads: Callable[[str], frozenset[str] | None]):
        # reads(name): the context names template `name` and what it uses read; None when unknowable
        self._reads = reads
        self._names: dict[str, tuple[str, ...] | None] = {}   # sorted, so a key's order is fixed
        self._written: dict[tuple[Hashable, ...], Markup] = {}
        self._held: list[Any] = []   # keeps keyed objects alive, so an identity is never reused

    def forget_written(self) -> None:
        """Forget the fragments written: a new build starts here (what each template reads is kept, for
        the same templates)."""
        self._written.clear()
        self._held.clear()

    def names_read(self, name: str) -> tuple[str, ...] | None:
        """The context names fragment `name` reads, sorted (None: it may read any)."""
        if name not in self._names:
            names = self._reads(name)
            self._names[name] = None if names is None else tuple(sorted(names))
        return self._names[name]

    def key(self, name: str, context: Context) -> tuple[Hashable, ...] | None:
        """What fragment `name` rendered in `context` depends on, or None when that cannot be known."""
        names = self.names_read(name)
        if names is None:
            return None
        language, catalogue = catalogues.current_rendering()
        values = [context.resolve_or_missing(n) for n in names]
        return (name, id(language), id(catalogue), *(self._part(v) for v in values))

    def _part(self, value: Any) -> Hashable:
        if type(value) in _PLAIN:
            return (type(value).__name__, value)
        self._held.append(value)
        return ("object", id(value))

    def recall(self, key: tuple[Hashable, ...]) -> Markup | None:
        """The fragment written earlier under `key`, if any."""
        return self._written.get(key)

    def keep(self, key: tuple[Hashable, ...], written: Markup) -> None:
        """Remember a fragment (up to MAX_REMEMBERED_FRAGMENTS of them)."""
        if len(self._written) < MAX_REMEMBERED_FRAGMENTS:
            self._written[key] = written


def referenced_templates(tree: nodes.Template, text: str | None = None) -> list[str | None]:
    """The templates `tree` extends, includes or imports, and those it names in `cached_include(...)`;
    None for one named at render time (it may be any template). `text`, the template's source when
    known, spares the walk over every call of a template that never names cached_include."""
    names: list[str | None] = list(jinja_meta.find_referenced_templates(tree))
    if text is not None and "cached_include" not in text:
        return names
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "cached_include":
            first = call.args[0] if call.args else None
            names.append(first.value if isinstance(first, nodes.Const) and isinstance(first.value, str) else None)
    return names


def context_names(trees: dict[str, Any], texts: dict[str, str], chain: Callable[[str], list[str]],
                  name: str) -> frozenset[str] | None:
    """Every name template `name` and the templates it uses read from the context (a dynamic include
    makes it unknowable: None). `trees`, `texts`: syntax trees and sources by name; `chain(name)`: the
    templates it uses."""
    names: set[str] = set()
    for current in chain(name):
        tree = trees.get(current)
        if tree is None or None in referenced_templates(tree, texts.get(current)):
            return None
        names |= jinja_meta.find_undeclared_variables(tree)
    return frozenset(names)


@pass_context
def cached_include(context: Context, name: str) -> Markup:
    """`{{ cached_include("crisis.html") }}`: the template as a top-level include writes it, rendered
    once per build for each distinct set of values it reads."""
    memory = getattr(context.environment, "fragments", None)
    key = memory.key(name, context) if isinstance(memory, FragmentMemory) else None
    if memory is None or key is None:
        return _included(context, name)
    written = memory.recall(key)
    if written is None:
        written = _included(context, name)
        memory.keep(key, written)
    return written


def _included(context: Context, name: str) -> Markup:
    """What `{% include name %}` writes at the top level of the template being rendered."""
    template = context.environment.get_template(name)
    return Markup("".join(template.root_render_func(template.new_context(context.get_all(), True))))
