"""The browser tests' backend in one Python process: migrate the fresh database, create the
staff account, serve (e2e/server.mjs runs it with the environment that points at them).

The ``distretto migrate``, ``create-staff`` and ``serve`` commands in turn would start
three interpreters, each importing the app again: the server answered 20-24 s after the
start on a loaded box, which every browser test waits for.

Usage: python e2e/server.py HOST PORT STAFF_EMAIL STAFF_PASSWORD
"""

import sys

import uvicorn

from distretto.cli import create_staff, migrate, server_options
from distretto.config import get_settings


def main(host: str, port: str, staff_email: str, staff_password: str) -> None:
    migrate(app_role=None, app_password=None)
    create_staff(staff_email, staff_password)
    uvicorn.run(
        "distretto.app:create_app",
        factory=True,
        host=host,
        port=int(port),
        **server_options(get_settings()),
        # Warnings and errors only: a line per request is CPU on a box the browsers need,
        # and nobody reads it in a test report.
        log_level="warning",
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
