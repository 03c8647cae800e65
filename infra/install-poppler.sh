#!/usr/bin/env bash
# Resolve (and if needed install) poppler's pdftotext, which `pnpm bench:documents` times
# Ordo's pdf_extractor against (bench/src/documents/).
#
# Usage: infra/install-poppler.sh    # prints the path of pdftotext
#
# Order: $PDFTOTEXT if set; pdftotext on PATH; else Debian's `poppler-utils` package through
# apt-get (install-debian-binary.sh, as infra/install-postgres.sh installs PostgreSQL). stdout
# carries ONLY the path; progress and errors go to stderr.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/install-debian-binary.sh" install-poppler pdftotext poppler-utils PDFTOTEXT
