#!/usr/bin/env bash
# Resolve (and if needed install) Schemathesis, the OpenAPI fuzzer the API's fuzz test and
# `pnpm bench:fuzz` run, from PyPI into a venv of its own under .tools/schemathesis/, pinned by
# infra/schemathesis-requirements.txt (see install-pip-tool.sh).
#
# Usage: infra/install-schemathesis.sh    # prints the absolute path of `st`
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/install-pip-tool.sh" schemathesis infra/schemathesis-requirements.txt st
