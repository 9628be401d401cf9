"""Only repositories talk to the database session.

Services hold the rules and call repositories; routers call services. Writing SQL or
driving the unit of work (``session.add/flush/commit/execute`` and friends) elsewhere is a
query hiding outside the place every query of a feature is looked for.
"""

import ast

from tests.architecture.sources import Module, dotted_name, modules

SESSION_OPERATIONS = {
    "add",
    "add_all",
    "delete",
    "execute",
    "exec",
    "flush",
    "commit",
    "rollback",
    "get",
    "merge",
    "refresh",
    "scalar",
    "scalars",
    "stream",
    "begin_nested",
}
# Beside the repositories: the session's own plumbing (db.py), the shared persistence
# pieces of kit (the repository base, the outbox, the audit log, keyset pages), the
# notification relay (its own transactions), and the entry points (CLI, demo seed).
ALLOWED = {
    "distretto.db",
    "distretto.kit.repository",
    "distretto.kit.events",
    "distretto.kit.audit",
    "distretto.kit.pagination",
    "distretto.realtime.relay",
    "distretto.cli",
}


def allowed(module: Module) -> bool:
    parts = module.name.split(".")
    return (
        module.name in ALLOWED
        or parts[-1] == "repository"
        or "repositories" in parts
        or module.name.startswith("distretto.seed")
    )


def session_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = dotted_name(node.func)
            *owner, operation = name.split(".") or [""]
            if owner and operation in SESSION_OPERATIONS and "session" in owner[-1].lower():
                found.append((node.lineno, name))
    return found


def test_only_repositories_use_the_session() -> None:
    offenders = [
        f"{module.path}:{line} {name}()"
        for module in modules()
        if not allowed(module)
        for line, name in session_calls(module.tree)
    ]
    assert offenders == [], "move these into the feature's repository:\n" + "\n".join(offenders)


def test_the_check_sees_session_calls() -> None:
    tree = ast.parse(
        "async def f(session, self):\n"
        "    session.add(x)\n"
        "    await self.session.execute(s)\n"
        "    await repo.flush()\n"
    )
    assert session_calls(tree) == [(2, "session.add"), (3, "self.session.execute")]
