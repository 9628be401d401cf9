"""Every id a route takes from its path or query is bounded (``kit.params``).

An unbounded ``int`` id beyond the column's range reaches the database and fails there
with an overflow: a 500 instead of a 422 (issue 15, #6). A new route with a bare
``thing_id: int`` fails here, before any request is sent.
"""

import ast

from tests.architecture.sources import modules


def _bare_int_ids() -> list[str]:
    found = []
    for module in modules():
        if not module.name.endswith(".router"):
            continue
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                continue
            for arg in node.args.args + node.args.kwonlyargs:
                bare = isinstance(arg.annotation, ast.Name) and arg.annotation.id == "int"
                if bare and (arg.arg == "id" or arg.arg.endswith("_id")):
                    found.append(f"{module.name}.{node.name}({arg.arg}: int)")
    return found


def test_route_ids_are_bounded() -> None:
    assert _bare_int_ids() == [], "use IdPath/BigIdPath/IdQuery from distretto.kit.params"
