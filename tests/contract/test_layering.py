"""The floor knows nothing above it (docs/architecture.md, "Dependency rules"): smartcart/
never imports an agent, a tier or the simulator, and agents never import Django or a tier."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "smartcart": {"cart_agent", "rack_agent", "simulator", "onprem", "cloud", "tierkit", "django"},
    "cart_agent": {"onprem", "cloud", "tierkit", "django", "rack_agent"},
    "rack_agent": {"onprem", "cloud", "tierkit", "django", "cart_agent"},
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_it_keeps_each_package_below_what_it_must_not_know(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {file: names for file, names in wrong.items() if names} == {}
