"""Seed 002's flow driven by the Python client openapi-python-client generates from Ordo's document.

Run by apps/api/test/python-client-flow.test.ts with the generated package `ordo_api_client` on
PYTHONPATH, as a Python user would write it: the generated functions and models only (no raw
httpx), `start_job` without a body as the client sends it. Prints one JSON object: what the
test checks.

Usage: python python-client-flow.py API_URL API_KEY PDF_PATH
"""

import json
import sys
import time

from ordo_api_client import AuthenticatedClient
from ordo_api_client.api.files import upload_file
from ordo_api_client.api.jobs import create_job, get_job, set_input_value, start_job, validate_inputs
from ordo_api_client.models import (
    CreateJobRequest,
    InputsCheck,
    Job,
    JobStatus,
    Problem,
    SetInputValueRequest,
    UploadedFile,
    UploadFileBody,
)
from ordo_api_client.types import File

ENDED = {JobStatus.COMPLETED, JobStatus.FAILED}


def answer(result, kind):
    """The answer as its model, or exit naming the problem (a refusal is data, not an exception)."""
    if isinstance(result, Problem):
        sys.exit(f"refused: {result.status} {result.code}: {result.detail}")
    if not isinstance(result, kind):
        sys.exit(f"expected a {kind.__name__}, got {result!r}")
    return result


def main() -> None:
    api_url, api_key, pdf_path = sys.argv[1:4]
    client = AuthenticatedClient(base_url=api_url, token=api_key, raise_on_unexpected_status=True)
    with client:
        with open(pdf_path, "rb") as pdf:
            uploaded = answer(
                upload_file.sync(
                    client=client,
                    body=UploadFileBody(file=File(payload=pdf, file_name="q4-report.pdf", mime_type="application/pdf")),
                ),
                UploadedFile,
            )

        job = answer(
            create_job.sync(
                client=client,
                body=CreateJobRequest(
                    workflow_id="wf_analyze_document",
                    name="Analyze Q4 Report",
                    description="Analysis of Q4 2023 financial report",
                ),
            ),
            Job,
        )
        created_status = job.status
        created_errors = job.input_errors.to_dict()

        document = {"file_id": uploaded.file_id, "name": uploaded.name}
        answer(set_input_value.sync(job.job_id, "input_doc", client=client, body=SetInputValueRequest(value=document)), Job)
        answer(set_input_value.sync(job.job_id, "depth", client=client, body=SetInputValueRequest(value="detailed")), Job)

        check = answer(validate_inputs.sync(job.job_id, client=client), InputsCheck)
        started = answer(start_job.sync(job.job_id, client=client), Job)

        deadline = time.monotonic() + 120
        while True:
            job = answer(get_job.sync(job.job_id, client=client), Job)
            if job.status in ENDED or time.monotonic() > deadline:
                break
            time.sleep(0.5)

    print(
        json.dumps(
            {
                "file": {"file_id": uploaded.file_id, "mime_type": uploaded.mime_type, "size": uploaded.size},
                "job_id": job.job_id,
                "created": {"status": created_status.value, "input_errors": created_errors},
                "validated": {"valid": check.valid, "input_values": check.input_values.to_dict()},
                "started_status": started.status.value,
                "status": job.status.value,
                "step_statuses": [step.status.value for step in job.steps],
                "final_analysis": job.output_data.to_dict().get("final_analysis"),
            }
        )
    )


if __name__ == "__main__":
    main()
