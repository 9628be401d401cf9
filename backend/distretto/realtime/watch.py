"""One per process: the heartbeat and the suspension check of every live socket.

Every period (``ws_heartbeat_seconds``) the watch offers a heartbeat to each connection
of the hub, then asks the database one question for all of them: which of the firms that
were active when these sockets opened are suspended now? The sockets of those firms are
closed with 4003 after what they were already sent, so their users reconnect without the
firm's market keys. A suspension normally arrives as a ``firm.suspended`` event too (the
hub closes the sockets at once); this check catches the paths that announce nothing.

A failed check closes nothing: the database may be briefly unreachable or its pool busy,
which is no reason to drop thousands of clients. It is logged and asked again next period.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from distretto.kit.background import BackgroundLoop
from distretto.realtime.hub import ConnectionHub

log = logging.getLogger("distretto.realtime")

# firm ids -> those of them now suspended
SuspensionCheck = Callable[[frozenset[int]], Awaitable[set[int]]]


class LiveWatch(BackgroundLoop):
    task_name = "live-watch"

    def __init__(
        self, hub: ConnectionHub, suspended_among: SuspensionCheck, *, period_seconds: float
    ) -> None:
        self._hub = hub
        self._suspended_among = suspended_among
        self._period = period_seconds

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._period)
            self._hub.heartbeat()
            await self.check_suspensions()

    async def check_suspensions(self) -> None:
        firms = self._hub.active_firm_ids()
        if not firms:
            return
        try:
            # A check slower than a period is abandoned, so it never delays a heartbeat.
            async with asyncio.timeout(self._period):
                suspended = await self._suspended_among(firms)
        except Exception:
            log.warning("suspension check failed; asking again next period", exc_info=True)
            return
        for firm_id in suspended:
            self._hub.firm_suspended(firm_id)
