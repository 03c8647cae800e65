#!/usr/bin/env bash
# Install the CSV profiler example (its pinned temporalio from PyPI, the package itself
# editable) into a venv of its own under the checkout's .tools/python-tool/.
#
# Usage: examples/python-tool/install.sh    # prints the absolute path of the venv's `csv-profile`
#
# The venv's folder is named after pyproject.toml's hash and the interpreter's version, so a
# changed pin installs a new venv (and removes the old one); an unchanged one returns at once.
# stdout carries ONLY the path; progress and errors go to stderr. $PYTHON chooses the
# interpreter (python3 by default). Shaped like infra/install-schemathesis.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
PYPROJECT="$HERE/pyproject.toml"
TOOLS_DIR="$REPO_ROOT/.tools/python-tool"
MARKER=".installed"

log() { printf 'python-tool install: %s\n' "$*" >&2; }
die() { printf 'python-tool install: error: %s\n' "$*" >&2; exit 1; }

PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null 2>&1 || die "no '$PY' found: the example needs Python 3.10 or later with pip"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  die "'$PY' is Python $("$PY" -c 'import platform; print(platform.python_version())'); the example needs 3.10 or later"

# The install's identity: the pins and the interpreter's version (a venv is tied to both).
SPEC="$("$PY" -c '
import hashlib, platform, sys
print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:16] + "-py" + platform.python_version())
' "$PYPROJECT")"
VENV="$TOOLS_DIR/venv-$SPEC"
BIN="$VENV/bin/csv-profile"

installed() { [[ -x "$BIN" && "$(cat "$VENV/$MARKER" 2>/dev/null)" == "$SPEC" ]]; }
if installed; then
  printf '%s\n' "$BIN"
  exit 0
fi

# Serialise concurrent installers (a venv is built in place and marked complete last).
mkdir -p "$TOOLS_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$TOOLS_DIR/.lock"
  if ! flock -n 9; then
    log "another process is installing the example; waiting for it"
    flock 9
  fi
  if installed; then
    printf '%s\n' "$BIN"
    exit 0
  fi
fi

start=$SECONDS
rm -rf "$VENV"
log "installing ${HERE#"$REPO_ROOT"/} and its pinned temporalio from PyPI into ${VENV#"$REPO_ROOT"/}"
"$PY" -m venv "$VENV" 1>&2 || die "'$PY -m venv' failed (on Debian: apt-get install python3-venv)"
if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -e "$HERE" 1>&2; then
  rm -rf "$VENV"
  die "pip install -e ${HERE#"$REPO_ROOT"/} failed (see above)"
fi
"$VENV/bin/python" -c 'import temporalio, ordo_csv_profile' 1>&2 || { rm -rf "$VENV"; die "the installed package does not import"; }
printf '%s\n' "$SPEC" >"$VENV/$MARKER"
for old in "$TOOLS_DIR"/venv-*; do
  [[ -d "$old" && "$old" != "$VENV" ]] || continue
  log "removing old install ${old#"$REPO_ROOT"/}"
  rm -rf "$old"
done
log "installed in $((SECONDS - start))s"
printf '%s\n' "$BIN"
