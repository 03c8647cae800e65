#!/usr/bin/env bash
# Resolve (and if needed install) a program that a Debian package provides, for the scripts
# that need one (install-poppler.sh: pdftotext; install-tmux.sh: tmux).
#
# Usage: infra/install-debian-binary.sh NAME BINARY PACKAGE OVERRIDE_VAR   # prints the path of BINARY
#
# Order: $OVERRIDE_VAR if set; BINARY on PATH; else the Debian PACKAGE through apt-get (needs
# root, or sudo without a password), as infra/install-postgres.sh installs PostgreSQL. stdout
# carries ONLY the path; progress and errors go to stderr, prefixed with NAME.
set -euo pipefail

[[ $# -eq 4 ]] || { printf 'usage: %s NAME BINARY PACKAGE OVERRIDE_VAR\n' "$0" >&2; exit 2; }
name="$1" binary="$2" package="$3" override_var="$4"
override="${!override_var:-}"

log() { printf '%s: %s\n' "$name" "$*" >&2; }
die() { printf '%s: error: %s\n' "$name" "$*" >&2; exit 1; }

# An override must work: never fall through to installing when it is set.
if [[ -n "$override" ]]; then
  [[ -x "$override" ]] || die "\$$override_var is '$override', which is not an executable"
  printf '%s\n' "$override"
  exit 0
fi

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else return 1
  fi
}

if ! bin="$(command -v "$binary" 2>/dev/null)"; then
  log "no $binary found; installing Debian's $package package (apt-get)"
  command -v apt-get >/dev/null 2>&1 || die "no $binary and no apt-get: install $package or set \$$override_var"
  start=$SECONDS
  # Wait for another apt-get (a concurrent run) instead of failing on its lock.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$package" >&2 ||
    die "could not install $package (needs root or passwordless sudo); install it yourself or set \$$override_var"
  bin="$(command -v "$binary" 2>/dev/null)" || die "$package was installed but $binary is not on PATH"
  log "installed $binary ($bin) in $((SECONDS - start))s"
fi

printf '%s\n' "$bin"
