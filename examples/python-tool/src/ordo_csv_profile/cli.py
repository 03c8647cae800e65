"""`csv-profile worker` runs the Temporal worker; `csv-profile register` registers the tool with Ordo."""

from __future__ import annotations

import sys

USAGE = "usage: csv-profile worker | register"


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "worker":
        from .worker import main as worker

        worker()
    elif command == "register":
        from .register import main as register

        register()
    else:
        raise SystemExit(USAGE)
