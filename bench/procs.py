"""CPU and memory of processes from ``/proc``: who used the two cores during a step.

The load generator, the app workers, PostgreSQL and Redis all share one small machine,
so every step records each one's CPU time, and the machine's total, to tell a server
limit from a client limit (or from someone else's work on the box).
"""

import asyncio
import os
import resource
import time
from collections.abc import Iterable
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            # The command name may hold spaces: fields after the closing paren are fixed.
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return sorted(found)


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def pids_named(name: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                if f.read().strip() == name:
                    found.append(int(entry))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


async def busy_cores(seconds: float) -> float:
    """Average cores busy on the whole machine over the next ``seconds``."""
    before, _ = machine_busy_seconds()
    await asyncio.sleep(seconds)
    after, _ = machine_busy_seconds()
    return (after - before) / seconds


async def wait_until_quiet(max_seconds: float, threshold: float = 0.3) -> float:
    """Wait (up to ``max_seconds``) for the machine to idle; returns the last busy reading.

    Other work on the box (a test suite, a build) takes cores from the app and the load
    generator alike: measuring then reports the neighbours, not the platform.
    """
    deadline = time.monotonic() + max_seconds
    busy = await busy_cores(2.0)
    while busy > threshold and time.monotonic() < deadline:
        busy = await busy_cores(5.0)
    return busy


def renice(pids: Iterable[int], niceness: int) -> None:
    for pid in pids:
        try:
            os.setpriority(os.PRIO_PROCESS, pid, niceness)
        except (ProcessLookupError, PermissionError):
            continue


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuShares:
    """Average cores used during an interval by each party (1.0 = one full core)."""

    load_generator: float
    app_workers: float
    postgres: float
    redis: float
    machine: float

    @property
    def other(self) -> float:
        ours = self.load_generator + self.app_workers + self.postgres + self.redis
        return max(0.0, self.machine - ours)

    def as_dict(self) -> dict[str, float]:
        return {
            "load_generator": round(self.load_generator, 2),
            "app_workers": round(self.app_workers, 2),
            "postgres": round(self.postgres, 2),
            "redis": round(self.redis, 2),
            "other": round(self.other, 2),
            "machine": round(self.machine, 2),
        }


class CpuMeter:
    """Start/stop CPU accounting over the parties of a benchmark step."""

    def __init__(self, app_pids: Iterable[int]) -> None:
        self.app_pids = list(app_pids)
        self._start: dict[str, float] = {}
        self._pg_start: dict[int, float] = {}
        self._wall = 0.0

    def _sample(self) -> dict[str, float]:
        busy, _ = machine_busy_seconds()
        return {
            "load_generator": own_cpu_seconds(),
            "app_workers": sum(cpu_seconds(p) for p in self.app_pids),
            "redis": sum(cpu_seconds(p) for p in pids_named("redis-server")),
            "machine": busy,
        }

    def start(self) -> None:
        self._pg_start = {p: cpu_seconds(p) for p in pids_named("postgres")}
        self._start = self._sample()
        self._wall = time.monotonic()

    def stop(self) -> CpuShares:
        end = self._sample()
        wall = max(1e-6, time.monotonic() - self._wall)
        # Backends that started during the step count from zero; gone ones are lost.
        postgres = sum(cpu_seconds(p) - self._pg_start.get(p, 0.0) for p in pids_named("postgres"))
        share = {k: (end[k] - self._start[k]) / wall for k in end}
        return CpuShares(
            load_generator=share["load_generator"],
            app_workers=share["app_workers"],
            postgres=max(0.0, postgres / wall),
            redis=share["redis"],
            machine=share["machine"],
        )
