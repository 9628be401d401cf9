"""This process's open live connections, indexed by audience key.

Fan-out never waits on a client: it only offers the event to each matching connection
(a ``put_nowait`` on the connection's bounded queue). A client too slow to keep up is
dropped by its own connection, never slowing the others.
"""

from collections import defaultdict
from typing import Protocol

from distretto.kit.events import OutboxEvent, firm_key

FIRM_SUSPENDED = "firm.suspended"


class Subscriber(Protocol):
    @property
    def keys(self) -> frozenset[str]: ...

    def offer(self, event: OutboxEvent) -> None: ...

    def firm_suspended(self, firm_id: int) -> None: ...


class ConnectionHub:
    def __init__(self) -> None:
        self._by_key: defaultdict[str, set[Subscriber]] = defaultdict(set)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def register(self, connection: Subscriber) -> None:
        for key in connection.keys:
            self._by_key[key].add(connection)
        self._count += 1

    def unregister(self, connection: Subscriber) -> None:
        for key in connection.keys:
            holders = self._by_key.get(key)
            if holders is not None:
                holders.discard(connection)
                if not holders:
                    del self._by_key[key]
        self._count -= 1

    def deliver(self, event: OutboxEvent) -> None:
        reached: set[Subscriber] = set()
        for key in event.audience:
            reached.update(self._by_key.get(key, ()))
        for connection in reached:
            connection.offer(event)
        if event.type == FIRM_SUSPENDED:
            self._firm_suspended(event)

    def _firm_suspended(self, event: OutboxEvent) -> None:
        firm_id = event.data.get("firm_id")
        if not isinstance(firm_id, int):
            return
        # Copy: closing connections unregister themselves while we iterate.
        for connection in list(self._by_key.get(firm_key(firm_id), ())):
            connection.firm_suspended(firm_id)
