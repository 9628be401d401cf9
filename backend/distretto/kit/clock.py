"""The server's clock as a dependency.

Rules that stamp times (a delivery, an acceptance) or compute with them (reputation's
recency weights) take ``now`` from here, so tests can fix the instant and compare an
incremental update with a full recompute made at exactly the same moment.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def get_clock() -> Clock:
    """Override in tests with ``app.dependency_overrides[get_clock] = lambda: fixed``."""
    return system_clock


ClockDep = Annotated[Clock, Depends(get_clock)]
