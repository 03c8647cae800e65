#!/usr/bin/env bash
# Resolve (and if needed install) openapi-python-client, the Python client generator the API's
# client test runs on the OpenAPI document, from PyPI into a venv of its own under
# .tools/openapi-python-client/, pinned by infra/openapi-python-client-requirements.txt (see install-pip-tool.sh).
#
# Usage: infra/install-openapi-python-client.sh    # prints the absolute path of `openapi-python-client`
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/install-pip-tool.sh" openapi-python-client infra/openapi-python-client-requirements.txt openapi-python-client
