"""py-spy sampling of the app workers while a scenario runs (``--profile``).

py-spy attaches from outside, so the workers run unmodified; each worker's collapsed
stacks land in ``results/<date>-profile-<scenario>-<pid>.txt`` (load them into any
flame-graph viewer) and the report lists where the samples were spent.
"""

import asyncio
import shutil
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

TOP = 15


def _py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def hot_frames(collapsed: str, top: int = TOP) -> dict[str, list[tuple[str, float]]]:
    """Self and inclusive shares of samples per frame from py-spy's collapsed format."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return {"self": [], "inclusive": []}
    return {
        "self": [(f, round(c / total * 100, 1)) for f, c in own.most_common(top)],
        "inclusive": [(f, round(c / total * 100, 1)) for f, c in inclusive.most_common(top * 2)],
    }


class Profiler:
    def __init__(self, output: Path, stamp: datetime, pids: list[int]) -> None:
        self.output, self.stamp, self.pids = output, stamp, pids
        self._running: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, scenario: str) -> None:
        binary = _py_spy()
        if binary is None:
            return
        for pid in self.pids:
            path = self.output / f"{self.stamp:%Y-%m-%d}-profile-{scenario}-{pid}.txt"
            process = subprocess.Popen(
                [
                    binary,
                    "record",
                    "--pid",
                    str(pid),
                    "--format",
                    "raw",
                    "--rate",
                    "97",
                    "--nonblocking",
                    "--output",
                    str(path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self._running.append((process, path))

    async def stop(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for process, path in self._running:
            process.send_signal(signal.SIGINT)
            for _ in range(100):
                if process.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            if process.poll() is None:
                process.kill()
            if path.exists():
                result[path.name] = hot_frames(path.read_text())
        self._running = []
        return result
