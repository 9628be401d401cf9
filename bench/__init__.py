"""Benchmark harness for Distretto: seed a large district, run the app as in production,
drive it with an open-loop load generator and report measured numbers (issue 8).

Run with ``make bench`` (``python -m bench.run``); see ``bench/README.md``.
"""
