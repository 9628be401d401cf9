"""A loop an app process runs beside its requests (the scheduler, the mail sender, the
live heartbeat): started with the app, cancelled and awaited when it stops, so no task
outlives the event loop or the engine it uses."""

import asyncio
import contextlib
from abc import ABC, abstractmethod


class BackgroundLoop(ABC):
    task_name = "background"
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @abstractmethod
    async def _run(self) -> None: ...
