"""Garbage-collector settings for a serving process.

Fan-out to thousands of sockets allocates tens of thousands of short-lived container
objects per event (a writer task, its coroutine and the ASGI messages of every send).
With CPython's default thresholds (700, 10, 10) that set off a full collection every few
events, and a full collection walks every object of the process — all the framework's
and every open socket's — in one go: the benchmark measured 300 to 400 ms pauses inside
``ConnectionHub.deliver`` (bench/results/2026-11-23.md), the whole p99 of fan-out.

So: objects alive once the app has started (modules, routes, compiled statements,
metadata) are moved out of the collector's sight with ``gc.freeze()``, and the young
generation is collected every 50,000 allocations instead of 700, which makes the full
collections (and their pauses) hundreds of times rarer. Reference counting still frees
almost everything at once; only cycles wait for a collection.
"""

import gc

YOUNG_GENERATION_THRESHOLD = 50_000
MIDDLE_GENERATION_THRESHOLD = 20
OLD_GENERATION_THRESHOLD = 20


def tune_for_serving() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(
        YOUNG_GENERATION_THRESHOLD, MIDDLE_GENERATION_THRESHOLD, OLD_GENERATION_THRESHOLD
    )
