#!/usr/bin/env bash
# Resolve (and if needed install) a PostgreSQL server for the test suite, which starts its
# own throw-away server from these binaries (packages/testing/src/postgres.ts).
#
# Usage: infra/install-postgres.sh    # prints the folder holding initdb, pg_ctl and postgres
#
# Order: $POSTGRES_BINDIR if set; the newest /usr/lib/postgresql/*/bin; initdb on PATH;
# else Debian's `postgresql` package through apt-get (needs root, or sudo without a
# password). PostgreSQL refuses to run as root, so when this runs as root it also makes
# sure the unprivileged system user `ordo-pg` exists for the server to run as.
# stdout carries ONLY the folder; progress and errors go to stderr.
set -euo pipefail

PG_USER="ordo-pg"
log() { printf 'install-postgres: %s\n' "$*" >&2; }
die() { printf 'install-postgres: error: %s\n' "$*" >&2; exit 1; }

has_server() { [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" ]]; }

# An override must work: never fall through to installing when it is set.
if [[ -n "${POSTGRES_BINDIR:-}" ]]; then
  has_server "$POSTGRES_BINDIR" || die "\$POSTGRES_BINDIR is '$POSTGRES_BINDIR', which has no initdb, pg_ctl and postgres"
  printf '%s\n' "$POSTGRES_BINDIR"
  exit 0
fi

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    has_server "$dir" && { printf '%s\n' "$dir"; return 0; }
  done
  local initdb
  if initdb="$(command -v initdb 2>/dev/null)"; then
    dir="$(dirname "$(readlink -f "$initdb")")"
    has_server "$dir" && { printf '%s\n' "$dir"; return 0; }
  fi
  return 1
}

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else return 1
  fi
}

if ! bindir="$(find_bindir)"; then
  log "no PostgreSQL server found; installing Debian's postgresql package (apt-get)"
  command -v apt-get >/dev/null 2>&1 || die "no PostgreSQL server and no apt-get: install PostgreSQL, set \$POSTGRES_BINDIR, or set DATABASE_URL to a server the tests may create databases on"
  start=$SECONDS
  # Wait for another apt-get (a concurrent test run) instead of failing on its lock.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql >&2 ||
    die "could not install postgresql (needs root or passwordless sudo); install it yourself or set DATABASE_URL"
  bindir="$(find_bindir)" || die "postgresql was installed but no initdb/pg_ctl/postgres was found under /usr/lib/postgresql"
  log "installed PostgreSQL ($bindir) in $((SECONDS - start))s"
fi

if [[ $EUID -eq 0 ]] && ! id -u "$PG_USER" >/dev/null 2>&1; then
  log "creating the unprivileged system user $PG_USER to run test servers as"
  # A concurrent run may create it first; only its absence afterwards is an error.
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER" 2>/dev/null ||
    id -u "$PG_USER" >/dev/null 2>&1 || die "could not create the system user $PG_USER"
fi

printf '%s\n' "$bindir"
