#!/usr/bin/env bash
# Resolve (and if needed install) poppler's pdftotext, which `pnpm bench:documents` times
# Ordo's pdf_extractor against (bench/src/documents/).
#
# Usage: infra/install-poppler.sh    # prints the path of pdftotext
#
# Order: $PDFTOTEXT if set; pdftotext on PATH; else Debian's `poppler-utils` package through
# apt-get (needs root, or sudo without a password), as infra/install-postgres.sh installs
# PostgreSQL. stdout carries ONLY the path; progress and errors go to stderr.
set -euo pipefail

log() { printf 'install-poppler: %s\n' "$*" >&2; }
die() { printf 'install-poppler: error: %s\n' "$*" >&2; exit 1; }

# An override must work: never fall through to installing when it is set.
if [[ -n "${PDFTOTEXT:-}" ]]; then
  [[ -x "$PDFTOTEXT" ]] || die "\$PDFTOTEXT is '$PDFTOTEXT', which is not an executable"
  printf '%s\n' "$PDFTOTEXT"
  exit 0
fi

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else return 1
  fi
}

if ! bin="$(command -v pdftotext 2>/dev/null)"; then
  log "no pdftotext found; installing Debian's poppler-utils package (apt-get)"
  command -v apt-get >/dev/null 2>&1 || die "no pdftotext and no apt-get: install poppler-utils or set \$PDFTOTEXT"
  start=$SECONDS
  # Wait for another apt-get (a concurrent run) instead of failing on its lock.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends poppler-utils >&2 ||
    die "could not install poppler-utils (needs root or passwordless sudo); install it yourself or set \$PDFTOTEXT"
  bin="$(command -v pdftotext 2>/dev/null)" || die "poppler-utils was installed but pdftotext is not on PATH"
  log "installed pdftotext ($bin) in $((SECONDS - start))s"
fi

printf '%s\n' "$bin"
