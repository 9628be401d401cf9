"""This process's open live connections, indexed by audience key and by active firm.

Fan-out never waits on a client: it only offers the event to each matching connection
(an append to the connection's bounded send queue). A client too slow to keep up is
dropped by its own connection, never slowing the others. The same holds for the
process-wide heartbeat and for closing the sockets of a suspended firm (``watch.py``).
"""

from collections import defaultdict
from typing import Protocol, TypeVar

from distretto.kit.events import OutboxEvent
from distretto.realtime.frames import text_frame
from distretto.realtime.metrics import DELIVERED

FIRM_SUSPENDED = "firm.suspended"
K = TypeVar("K", str, int)


class Subscriber(Protocol):
    @property
    def keys(self) -> frozenset[str]: ...

    @property
    def active_firm_ids(self) -> frozenset[int]: ...

    def offer(self, event: OutboxEvent, frame: bytes | None = None) -> bool: ...

    def heartbeat(self) -> None: ...

    def firm_suspended(self) -> None: ...


class ConnectionHub:
    def __init__(self) -> None:
        self._connections: set[Subscriber] = set()
        self._by_key: defaultdict[str, set[Subscriber]] = defaultdict(set)
        # Connections by the firms that were active when they opened: the ones a
        # suspension closes (``policies.Audience.active_firm_ids``).
        self._by_active_firm: defaultdict[int, set[Subscriber]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self._connections)

    def register(self, connection: Subscriber) -> None:
        self._connections.add(connection)
        for key in connection.keys:
            self._by_key[key].add(connection)
        for firm_id in connection.active_firm_ids:
            self._by_active_firm[firm_id].add(connection)

    def unregister(self, connection: Subscriber) -> None:
        self._connections.discard(connection)
        for key in connection.keys:
            _discard(self._by_key, key, connection)
        for firm_id in connection.active_firm_ids:
            _discard(self._by_active_firm, firm_id, connection)

    def deliver(self, event: OutboxEvent) -> None:
        reached: set[Subscriber] = set()
        for key in event.audience:
            reached.update(self._by_key.get(key, ()))
        if reached:
            # Framed once for every socket; most take it straight onto their transport.
            frame = text_frame(event.text.encode())
            written = sum(connection.offer(event, frame) for connection in reached)
            DELIVERED.inc(written)
        if event.type == FIRM_SUSPENDED:
            firm_id = event.data.get("firm_id")
            if isinstance(firm_id, int):
                self.firm_suspended(firm_id)

    def heartbeat(self) -> None:
        for connection in self._connections:
            connection.heartbeat()

    def active_firm_ids(self) -> frozenset[int]:
        """The firms whose suspension would close a socket of this process now."""
        return frozenset(self._by_active_firm)

    def firm_suspended(self, firm_id: int) -> None:
        # Copy: a connection may unregister itself while we iterate.
        for connection in list(self._by_active_firm.get(firm_id, ())):
            connection.firm_suspended()


def _discard(index: defaultdict[K, set[Subscriber]], key: K, connection: Subscriber) -> None:
    holders = index.get(key)
    if holders is not None:
        holders.discard(connection)
        if not holders:
            del index[key]
