"""Registers the tool's contract with Ordo: `PUT /v1/tools/csv_profile` with an admin key.

Idempotent: the same contract again answers 200, so it can run at every deploy; a changed
contract under the same VERSION answers 409 naming what differs (change VERSION).
"""

from __future__ import annotations

import sys

import httpx

from .contract import TOOL_ID, registration
from .settings import ordo_settings, temporal_settings


def register() -> int:
    ordo = ordo_settings()
    body = registration(temporal_settings().task_queue)
    res = httpx.put(
        f"{ordo.url}/v1/tools/{TOOL_ID}",
        json=body,
        headers={"authorization": f"Bearer {ordo.admin_key}"},
        timeout=30.0,
    )
    outcome = {201: "registered", 200: "already registered (same contract)"}.get(res.status_code)
    if outcome is None:
        print(f"csv-profile register: {res.status_code} {res.text}", file=sys.stderr)
        return 1
    stored = res.json()
    print(f"{TOOL_ID} {stored['version']} {outcome} on task queue {stored['task_queue']}")
    return 0


def main() -> None:
    sys.exit(register())


