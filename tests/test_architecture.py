"""Imports point one way (DESIGN.md): model/outputs/diagnostics <- loaders <- stages <- build <- serve <- cli.

Every module of generator/ belongs to exactly one layer (a new module must be placed here, or this
test fails); a module imports only from its own layer or lower ones; the import graph has no cycles;
and nothing hides an import from these rules behind `TYPE_CHECKING`.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Layers, lowest first. A name is a module or a package (then it holds every module under it that is
# not listed itself); the most specific name decides.
LAYERS: dict[str, tuple[str, ...]] = {
    # values and pure functions: no I/O, imported by everyone
    "model": ("__init__", "model", "outputs", "identitymemo", "lastbuild", "diagnostics", "citations", "urlpolicy", "slugs", "imageinfo", "crisismodel",
              "checks.policy"),  # the table of finding codes: data, imports only diagnostics; loaders emit by code
    # read one kind of input file into typed records, checking it at the boundary
    "loaders": ("confine", "yamlload", "fields", "config", "crisisconfig", "frontmatter", "authors", "bibliography", "bibtex", "checks.citations",
                "checks.reference_fields", "discover",
                "templates", "sandbox", "fragments", "theme", "deadline", "languages", "catalogues"),
    # the build's stages and what they use
    "stages": ("parse", "markup", "incremental", "assemble", "plan", "sections", "backlinks", "feeds", "sitemap", "structured", "headers",
               "search_index", "checks", "render", "write", "reports", "dashboard", "scaffold", "cachecodec", "cacherecords", "buildstamp",
               "hubinit", "translations", "readability", "images", "deferred",
               "redirects", "listings", "reuse", "pagestore", "lastplan"),
    "build": ("build",),
    # publish a build: to a git branch or a folder (builds first)
    "deploy": ("deploy",),
    "serve": ("serve",),
    "cli": ("cli", "__main__", "progress"),
}
RANK = {layer: rank for rank, layer in enumerate(LAYERS)}
IO_WORDS = ("open(", "read_text", "write_text", "read_bytes", "write_bytes", "import os", "pathlib", "subprocess")


def all_modules() -> dict[str, Path]:
    """generator-relative dotted name -> file, e.g. 'checks.site', 'serve' (a package's __init__)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def layer_of(module: str) -> str | None:
    """The layer of a module: its own entry, else its nearest package's."""
    candidates = [module] + [".".join(module.split(".")[:i]) for i in range(module.count("."), 0, -1)]
    for name in candidates:
        for layer, names in LAYERS.items():
            if name in names:
                return layer
    return None


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The generator modules a file imports anywhere (also inside functions), as dotted names."""
    tree = ast.parse(path.read_text("utf-8"))
    own = path.relative_to(PACKAGE).with_suffix("").parts
    package = own[:-1]
    found: set[str] = set()

    def add(dotted: str) -> None:
        while dotted and dotted not in modules:   # `generator.x.y` where y is a function: the module is x
            dotted = dotted.rpartition(".")[0]
        if dotted:
            found.add(dotted)

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:   # relative import
                base = ".".join(package[: len(package) - node.level + 1])
                target = ".".join(p for p in (base, node.module or "") if p)
            elif node.module and (node.module == "generator" or node.module.startswith("generator.")):
                target = node.module[len("generator."):] if node.module != "generator" else ""
            else:
                continue
            for alias in node.names:
                name = f"{target}.{alias.name}" if target else alias.name
                add(name if name in modules else target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("generator."):
                    add(alias.name[len("generator."):])
    return found - {""}


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    names = set(modules)
    return {name: imports_of(path, names) - {name} for name, path in modules.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path (first module repeated at the end), or [] when there is none."""
    state: dict[str, int] = {}   # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(edges):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return []


def test_every_module_is_in_exactly_one_layer():
    listed = [name for names in LAYERS.values() for name in names]
    assert sorted(n for n in set(listed) if listed.count(n) > 1) == []
    modules = all_modules()
    assert sorted(n for n in listed if n not in modules) == [], "a listed module that does not exist"
    assert sorted(m for m in modules if layer_of(m) is None) == [], "place new modules in LAYERS"


def test_imports_point_one_way():
    wrong = []
    for module, targets in graph().items():
        own = layer_of(module)
        for target in sorted(targets):
            there = layer_of(target)
            if own and there and RANK[there] > RANK[own]:
                wrong.append(f"{module} ({own}) imports {target} ({there})")
    assert wrong == []


def test_no_import_cycles():
    cycle = find_cycle(graph())
    assert not cycle, "import cycle: " + " -> ".join(f"generator.{m}" for m in cycle)


def test_no_type_checking_escapes():
    hiding = [name for name, path in all_modules().items() if "TYPE_CHECKING" in path.read_text("utf-8")]
    assert hiding == []


def test_the_model_layer_does_no_io():
    modules = all_modules()
    doing_io = [f"{name}: {word}" for name in LAYERS["model"] for word in IO_WORDS
                if word in modules[name].read_text("utf-8")]
    assert doing_io == []


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_module_is_over_four_hundred_lines():
    # The house rule: a module that grows past this has more than one job; split it by job.
    long = {path.relative_to(PACKAGE).as_posix(): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text("utf-8").splitlines())) > 400}
    assert long == {}
