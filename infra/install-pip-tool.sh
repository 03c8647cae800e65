#!/usr/bin/env bash
# Resolve (and if needed install) a Python command-line tool from PyPI into a venv of its own
# under .tools/NAME/: Schemathesis (install-schemathesis.sh), openapi-python-client
# (install-openapi-python-client.sh).
#
# Usage: infra/install-pip-tool.sh NAME REQUIREMENTS COMMAND    # prints the absolute path of COMMAND
#
# What is installed is REQUIREMENTS (infra/NAME-requirements.txt), every package pinned. The
# venv's folder is named after that file's hash, so a changed pin installs a new venv (and
# removes the old one); an unchanged one returns at once. stdout carries ONLY the path; progress
# and errors go to stderr. $PYTHON chooses the interpreter (python3 by default).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USAGE="usage: install-pip-tool.sh NAME REQUIREMENTS COMMAND"
NAME="${1:?$USAGE}"
REQUIREMENTS="$REPO_ROOT/${2:?$USAGE}"
COMMAND="${3:?$USAGE}"
TOOLS_DIR="$REPO_ROOT/.tools/$NAME"
MARKER=".installed"

log() { printf 'install-%s: %s\n' "$NAME" "$*" >&2; }
die() { printf 'install-%s: error: %s\n' "$NAME" "$*" >&2; exit 1; }

[[ -f "$REQUIREMENTS" ]] || die "$REQUIREMENTS is missing"
PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null 2>&1 || die "no '$PY' found: $NAME needs Python 3.10 or later with pip"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  die "'$PY' is Python $("$PY" -c 'import platform; print(platform.python_version())'); $NAME needs 3.10 or later"

# The install's identity: the pins and the interpreter's version (a venv is tied to both).
SPEC="$("$PY" -c '
import hashlib, platform, sys
print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:16] + "-py" + platform.python_version())
' "$REQUIREMENTS")"
VENV="$TOOLS_DIR/venv-$SPEC"
ST="$VENV/bin/$COMMAND"

installed() { [[ -x "$ST" && "$(cat "$VENV/$MARKER" 2>/dev/null)" == "$SPEC" ]]; }
if installed; then
  printf '%s\n' "$ST"
  exit 0
fi

# Serialise concurrent installers (a venv cannot be built elsewhere and moved: its scripts
# name their interpreter by absolute path, so it is built in place and marked complete last).
mkdir -p "$TOOLS_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$TOOLS_DIR/.lock"
  if ! flock -n 9; then
    log "another process is installing $NAME; waiting for it"
    flock 9
  fi
  if installed; then
    printf '%s\n' "$ST"
    exit 0
  fi
fi

start=$SECONDS
rm -rf "$VENV"
log "installing $(grep -i "^$NAME==" "$REQUIREMENTS") and its pinned dependencies from PyPI into ${VENV#"$REPO_ROOT"/}"
"$PY" -m venv "$VENV" 1>&2 || die "'$PY -m venv' failed (on Debian: apt-get install python3-venv)"
if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS" 1>&2; then
  rm -rf "$VENV"
  die "pip install -r ${REQUIREMENTS#"$REPO_ROOT"/} failed (see above)"
fi
version="$("$ST" --version 2>&1)" || { rm -rf "$VENV"; die "'$ST --version' failed: $version"; }
printf '%s\n' "$SPEC" >"$VENV/$MARKER"
for old in "$TOOLS_DIR"/venv-*; do
  [[ -d "$old" && "$old" != "$VENV" ]] || continue
  log "removing old install ${old#"$REPO_ROOT"/}"
  rm -rf "$old"
done
log "installed $version in $((SECONDS - start))s"
printf '%s\n' "$ST"
