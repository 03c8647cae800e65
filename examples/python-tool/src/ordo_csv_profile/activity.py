"""The `csv_profile` activity: a plain Temporal activity, nothing of Ordo's imported.

Ordo's conventions for an external tool, all through the SDK's own means:
- one argument, the parameters object; the outputs object returned;
- progress as heartbeat details `{ "message": ..., "fraction": ... }`;
- cancellation honoured: a heartbeat learns of it and the SDK raises `CancelledError` at the
  current `await`, which the activity lets through;
- failures as `ApplicationFailure`: `non_retryable` for what another attempt cannot fix.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, AsyncIterator

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from .contract import ACTIVITY_TYPE
from .profiler import CsvProfiler, NotCsvError, decode, read_rows, sniff_delimiter

#: The largest file read (bytes): a bigger one fails without retry.
MAX_BYTES = 200 * 1024 * 1024
#: Rows profiled between two progress reports (and chances to be cancelled).
BATCH_ROWS = 5_000
#: How long a read may wait for the next bytes before the attempt fails (retryable).
READ_TIMEOUT_SECONDS = 60.0
#: Declared types that cannot be CSV (Ordo detects a file's type from its content).
_TEXTUAL_TYPES = ("text/", "application/csv", "application/vnd.ms-excel", "application/octet-stream")


class ErrorType:
    """The `type` of every ApplicationFailure the activity raises (Ordo shows it with the message)."""

    INVALID_PARAMETERS = "INVALID_PARAMETERS"
    NOT_CSV = "NOT_CSV"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_UNREADABLE = "FILE_UNREADABLE"
    HTTP_TRANSIENT = "HTTP_TRANSIENT"


def _fail(message: str, type: str, *, retryable: bool = False) -> ApplicationError:
    return ApplicationError(message, type=type, non_retryable=not retryable)


class Progress:
    """The latest progress, heartbeated when it changes and, while the activity waits, every `interval` seconds.

    The SDK throttles heartbeats (at most one per 0.8 × the heartbeat timeout) and always
    sends the latest details; the keep-alive matters while a read waits, since only a
    heartbeat learns that the activity was cancelled.
    """

    def __init__(self, interval: float) -> None:
        self.details: dict[str, Any] = {"message": "starting", "fraction": 0.0}
        self.interval = interval

    def report(self, message: str, fraction: float) -> None:
        self.details = {"message": message, "fraction": round(min(max(fraction, 0.0), 1.0), 4)}
        activity.heartbeat(self.details)

    @contextlib.asynccontextmanager
    async def kept_alive(self) -> AsyncIterator[None]:
        async def beat() -> None:
            while True:
                activity.heartbeat(self.details)
                await asyncio.sleep(self.interval)

        task = asyncio.create_task(beat())
        try:
            yield
        finally:
            task.cancel()


def _parameters(params: Any) -> tuple[str, str, int | None]:
    """The content URL, the file's name and max_rows, or a non-retryable INVALID_PARAMETERS naming the field."""
    if not isinstance(params, dict):
        raise _fail("parameters must be an object", ErrorType.INVALID_PARAMETERS)
    file = params.get("file")
    if not isinstance(file, dict):
        raise _fail("file: must be a FileValue object", ErrorType.INVALID_PARAMETERS)
    url = file.get("content_url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise _fail("file.content_url: must be an http(s) URL to read the file from", ErrorType.INVALID_PARAMETERS)
    mime = file.get("mime_type")
    if isinstance(mime, str) and not mime.lower().startswith(_TEXTUAL_TYPES):
        raise _fail(f"file {file.get('name')!r} is {mime}, not CSV", ErrorType.NOT_CSV)
    max_rows = params.get("max_rows")
    if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1):
        raise _fail("max_rows: must be an integer of at least 1", ErrorType.INVALID_PARAMETERS)
    return url, str(file.get("name", "file")), max_rows


async def _download(url: str, name: str, progress: Progress) -> bytes:
    """The file's bytes over plain HTTP, reporting progress as the first half of the work."""
    timeout = httpx.Timeout(30.0, read=READ_TIMEOUT_SECONDS)
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=True) as http:
            async with http.stream("GET", url) as res:
                if res.status_code in (408, 429) or res.status_code >= 500:
                    raise _fail(
                        f"reading {name}: HTTP {res.status_code} (transient; retried)",
                        ErrorType.HTTP_TRANSIENT,
                        retryable=True,
                    )
                if res.status_code >= 400:
                    raise _fail(f"reading {name}: HTTP {res.status_code}", ErrorType.FILE_UNREADABLE)
                total = int(res.headers.get("content-length") or 0)
                if total > MAX_BYTES:
                    raise _fail(f"{name} is {total} bytes; the limit is {MAX_BYTES}", ErrorType.FILE_TOO_LARGE)
                chunks: list[bytes] = []
                size = 0
                async for chunk in res.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise _fail(f"{name} is over {MAX_BYTES} bytes", ErrorType.FILE_TOO_LARGE)
                    fraction = 0.5 * size / total if total else 0.0
                    progress.report(f"downloading {name}: {size} of {total or '?'} bytes", fraction)
                return b"".join(chunks)
    except httpx.TransportError as err:
        # Connection refused or reset, a timeout: another attempt may well succeed.
        raise _fail(
            f"reading {name}: {type(err).__name__}: {err}", ErrorType.HTTP_TRANSIENT, retryable=True
        ) from None


async def _profile(data: bytes, name: str, max_rows: int | None, progress: Progress) -> dict[str, Any]:
    """Profiles the bytes in batches of rows, reporting progress as the second half of the work."""
    text = decode(data)
    delimiter = sniff_delimiter(text)
    lines = max(text.count("\n"), 1)
    rows = read_rows(text, delimiter)
    header = next(rows, None)
    if header is None:
        raise NotCsvError(f"{name} is empty: no header row")
    profiler = CsvProfiler(header, max_rows)
    line = 2
    while not profiler.full:
        batch = [row for _, row in zip(range(BATCH_ROWS), rows)]
        if not batch:
            break
        profiler.add_rows(batch, first_line=line)
        line += len(batch)
        progress.report(f"profiled {profiler.rows} rows of {name}", 0.5 + 0.5 * min(line / lines, 1.0))
        await asyncio.sleep(0)  # where a cancellation delivered by the last heartbeat lands
    if not profiler.truncated and next(rows, None) is not None:
        profiler.truncated = True
    return profiler.result(delimiter)


@activity.defn(name=ACTIVITY_TYPE)
async def csv_profile(params: dict[str, Any]) -> dict[str, Any]:
    """Profiles the CSV at `params["file"]["content_url"]`; see `contract.py` for the shapes."""
    url, name, max_rows = _parameters(params)
    info = activity.info()
    # Ordo runs each job as the workflow whose ID is the job_id: that is all a tool needs to know of it.
    activity.logger.info("profiling %s for job %s (attempt %d)", name, info.workflow_id, info.attempt)
    timeout = info.heartbeat_timeout.total_seconds() if info.heartbeat_timeout else 0
    progress = Progress(interval=timeout / 3 if timeout else 5.0)
    try:
        async with progress.kept_alive():
            data = await _download(url, name, progress)
            try:
                outputs = await _profile(data, name, max_rows, progress)
            except NotCsvError as err:
                raise _fail(f"{name}: {err}", ErrorType.NOT_CSV) from None
    except asyncio.CancelledError:
        # Said once, so an operator (and the integration test) sees the tool stopped for it.
        activity.logger.info("cancelled: stopped profiling %s for job %s", name, info.workflow_id)
        raise
    progress.report(f"profiled {outputs['row_count']} rows of {name}", 1.0)
    return outputs
