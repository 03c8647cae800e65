"""The tool's contract as Ordo's catalog stores it (`PUT /v1/tools/csv_profile`).

Parameters and outputs are JSON Schema 2020-12 objects; the activity is called with one
argument, the parameters object, and returns the outputs object.
"""

from __future__ import annotations

from typing import Any

TOOL_ID = "csv_profile"
#: The activity type Ordo schedules (the tool_id: the catalog's default).
ACTIVITY_TYPE = TOOL_ID
#: Change it whenever PARAMETERS, OUTPUTS or DEFAULTS change: a registered version is immutable.
VERSION = "1.0.0"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: A FileValue as Ordo hands it to a tool: its reference plus a short-lived `content_url` to read it from.
FILE_VALUE: dict[str, Any] = {
    "type": "object",
    "description": "The CSV to profile: a file reference ({ file_id, name }); Ordo adds content_url when it dispatches the step.",
    "properties": {
        "file_id": {"type": "string", "minLength": 1},
        "name": {"type": "string", "minLength": 1},
        "mime_type": {"type": "string", "minLength": 1},
        "size": {"type": "integer", "minimum": 0},
        "content_url": {"type": "string", "minLength": 1, "description": "Where the bytes are read with a plain HTTP GET."},
    },
    "required": ["file_id", "name"],
}

PARAMETERS: dict[str, Any] = {
    "$schema": SCHEMA_DIALECT,
    "type": "object",
    "properties": {
        "file": FILE_VALUE,
        "max_rows": {
            "type": "integer",
            "minimum": 1,
            "description": "Profile at most this many data rows (the rest is skipped and `truncated` is true).",
        },
    },
    "required": ["file"],
    "additionalProperties": False,
}

_NUMBER_OR_NULL = {"type": ["number", "null"]}

COLUMN: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "type": {"enum": ["integer", "number", "boolean", "text", "empty"]},
        "nulls": {"type": "integer", "minimum": 0, "description": "Empty cells and NA, N/A, null, none, nan, -."},
        "distinct": {"type": "integer", "minimum": 0},
        "min": _NUMBER_OR_NULL,
        "max": _NUMBER_OR_NULL,
        "mean": _NUMBER_OR_NULL,
        "top_values": {
            "type": "array",
            "description": "For a non-numeric column: its most frequent values, most frequent first.",
            "items": {
                "type": "object",
                "properties": {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 1}},
                "required": ["value", "count"],
            },
        },
    },
    "required": ["name", "type", "nulls", "distinct"],
}

OUTPUTS: dict[str, Any] = {
    "$schema": SCHEMA_DIALECT,
    "type": "object",
    "properties": {
        "row_count": {"type": "integer", "minimum": 0, "description": "Data rows profiled (the header not counted)."},
        "column_count": {"type": "integer", "minimum": 0},
        "delimiter": {"type": "string"},
        "truncated": {"type": "boolean", "description": "Whether rows beyond max_rows were skipped."},
        "columns": {"type": "array", "items": COLUMN},
    },
    "required": ["row_count", "column_count", "delimiter", "truncated", "columns"],
}

#: Run settings (Ordo's ToolRunDefaults): three attempts; a lost worker noticed within 30 s.
DEFAULTS: dict[str, Any] = {
    "retry_policy": {"maximum_attempts": 3, "initial_interval_ms": 1000, "backoff_coefficient": 2},
    "timeout_seconds": 600,
    "heartbeat_timeout_seconds": 30,
}


def registration(task_queue: str) -> dict[str, Any]:
    """The body of `PUT /v1/tools/csv_profile` for a worker on `task_queue`."""
    return {
        "version": VERSION,
        "name": "CSV profiler",
        "description": (
            "Profiles a CSV file: rows, columns, and per column its type (integer, number, boolean, text), "
            "null count, distinct values, min/max/mean of numbers and the top values of text. "
            "Fails without retry for a file that is not CSV; retries a transient HTTP failure."
        ),
        "parameters": PARAMETERS,
        "outputs": OUTPUTS,
        "task_queue": task_queue,
        "activity_type": ACTIVITY_TYPE,
        "defaults": DEFAULTS,
    }
