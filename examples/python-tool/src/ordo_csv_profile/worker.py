"""The Temporal worker serving `csv_profile` on its task queue until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from temporalio.client import Client
from temporalio.worker import Worker

from .activity import csv_profile
from .settings import temporal_settings


async def run_worker() -> None:
    settings = temporal_settings()
    client = await Client.connect(settings.address, namespace=settings.namespace)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=settings.task_queue, activities=[csv_profile]):
        # The integration test waits for this line before it sends work.
        print(
            f"csv_profile worker polling task queue {settings.task_queue} "
            f"(namespace {settings.namespace} at {settings.address})",
            flush=True,
        )
        await stop.wait()
    print("csv_profile worker stopped", flush=True)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(run_worker())
