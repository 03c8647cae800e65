#!/usr/bin/env bash
# Resolve (and if needed install) tmux, the terminal the CLI test (apps/cli/test/) draws
# `ordo jobs watch` in, to check the display redraws in place and Ctrl-C.
#
# Usage: infra/install-tmux.sh    # prints the path of tmux
#
# Order: $TMUX_BIN if set; tmux on PATH; else Debian's `tmux` package through
# apt-get (needs root, or sudo without a password), as infra/install-postgres.sh installs
# PostgreSQL. stdout carries ONLY the path; progress and errors go to stderr.
set -euo pipefail

log() { printf 'install-tmux: %s\n' "$*" >&2; }
die() { printf 'install-tmux: error: %s\n' "$*" >&2; exit 1; }

# An override must work: never fall through to installing when it is set.
if [[ -n "${TMUX_BIN:-}" ]]; then
  [[ -x "$TMUX_BIN" ]] || die "\$TMUX_BIN is '$TMUX_BIN', which is not an executable"
  printf '%s\n' "$TMUX_BIN"
  exit 0
fi

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else return 1
  fi
}

if ! bin="$(command -v tmux 2>/dev/null)"; then
  log "no tmux found; installing Debian's tmux package (apt-get)"
  command -v apt-get >/dev/null 2>&1 || die "no tmux and no apt-get: install tmux or set \$TMUX_BIN"
  start=$SECONDS
  # Wait for another apt-get (a concurrent run) instead of failing on its lock.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends tmux >&2 ||
    die "could not install tmux (needs root or passwordless sudo); install it yourself or set \$TMUX_BIN"
  bin="$(command -v tmux 2>/dev/null)" || die "tmux was installed but tmux is not on PATH"
  log "installed tmux ($bin) in $((SECONDS - start))s"
fi

printf '%s\n' "$bin"
