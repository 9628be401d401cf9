"""The backend's modules parsed once, for the architecture checks."""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"
PACKAGE = BACKEND / "distretto"


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. "distretto.market.service"
    path: Path
    tree: ast.Module

    def calls(self) -> Iterator[ast.Call]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                yield node


@cache
def modules() -> tuple[Module, ...]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        dotted = ".".join(path.relative_to(BACKEND).with_suffix("").parts)
        dotted = dotted.removesuffix(".__init__")
        found.append(Module(dotted, path, ast.parse(path.read_text(), str(path))))
    return tuple(found)


def dotted_name(node: ast.expr) -> str:
    """``a.b.c`` for an attribute chain, ``""`` for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""
