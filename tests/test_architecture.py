"""Imports point one way: model/diagnostics <- stages <- build <- serve <- cli (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
LAYER = {"model": 0, "diagnostics": 0, "build": 2, "serve": 3, "cli": 4, "__main__": 5, "scaffold": 4}


def layer(module: str) -> int:
    return LAYER.get(module.split(".")[1] if module.count(".") else module, 1)


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if node.module == "generator")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator"))
    return found


def test_imports_point_one_way():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        module = "generator." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        own = layer(module)
        for target in imports(path):
            if target in ("generator", "generator.__init__"):
                continue
            if layer(target) > own:
                wrong.append(f"{module} (layer {own}) imports {target} (layer {layer(target)})")
    assert wrong == []


def test_model_does_no_io():
    source = (PACKAGE / "model.py").read_text()
    for word in ("open(", "read_text", "write_text", "import os", "pathlib"):
        assert word not in source
