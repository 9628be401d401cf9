"""One clock: the time comes only from ``distretto.kit.clock``."""

import asyncio
from datetime import UTC, datetime

from distretto.kit import clock
from tests.architecture.sources import dotted_name, modules

CLOCK_MODULE = "distretto.kit.clock"
FORBIDDEN_SUFFIXES = ("datetime.now", "datetime.utcnow", "datetime.today", "date.today")


def test_nothing_but_the_clock_reads_the_system_time() -> None:
    offenders = [
        f"{module.path}:{call.lineno} {dotted_name(call.func)}()"
        for module in modules()
        if module.name != CLOCK_MODULE
        for call in module.calls()
        if dotted_name(call.func).endswith(FORBIDDEN_SUFFIXES)
        or dotted_name(call.func).split(".")[-1] == "utcnow"
    ]
    assert offenders == [], "ask distretto.kit.clock for the time:\n" + "\n".join(offenders)


def test_the_check_sees_a_direct_call() -> None:
    import ast

    tree = ast.parse("from datetime import datetime\nx = datetime.now()\n")
    names = [dotted_name(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert names == ["datetime.now"]


def test_a_pinned_instant_reaches_column_defaults_and_rules() -> None:
    from distretto.models import Event

    instant = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    with clock.pinned(instant):
        assert clock.now() == instant
        assert clock.today() == instant.date()
        # The request dependency is async (no thread hop per request).
        assert asyncio.run(clock.get_clock())() == instant
        assert Event(type="x", data={}).created_at == instant
    assert clock.now() != instant
