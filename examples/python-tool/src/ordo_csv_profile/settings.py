"""The example's configuration: the only module that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class TemporalSettings:
    address: str
    namespace: str
    task_queue: str


@dataclass(frozen=True)
class OrdoSettings:
    url: str
    admin_key: str


def temporal_settings() -> TemporalSettings:
    """TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and CSV_PROFILE_TASK_QUEUE, with the dev server's defaults."""
    return TemporalSettings(
        address=os.environ.get("TEMPORAL_ADDRESS") or "127.0.0.1:7233",
        namespace=os.environ.get("TEMPORAL_NAMESPACE") or "default",
        task_queue=os.environ.get("CSV_PROFILE_TASK_QUEUE") or "csv-profile",
    )


def ordo_settings() -> OrdoSettings:
    """ORDO_API_URL (default the dev stack's) and ORDO_ADMIN_KEY (required: registering needs an admin key)."""
    key = os.environ.get("ORDO_ADMIN_KEY")
    if not key:
        raise SystemExit("csv-profile register: set ORDO_ADMIN_KEY to an admin-scoped Ordo API key")
    return OrdoSettings(url=(os.environ.get("ORDO_API_URL") or "http://127.0.0.1:3000").rstrip("/"), admin_key=key)
