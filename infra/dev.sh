#!/usr/bin/env bash
# The dev stack in one terminal: Temporal dev server (Web UI inside), the Ordo worker
# and the Ordo API, then the seed workflow. Each of the three is supervised: one that
# exits is started again (after a backoff), so a crash never takes the stack down. Only
# Ctrl-C (or SIGTERM) stops it, all of it; state persists under $ORDO_DATA_DIR, so the
# next start finds the same workflows, jobs and history.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export ORDO_DATA_DIR="${ORDO_DATA_DIR:-$ROOT/.data}"
export TEMPORAL_IP="${TEMPORAL_IP:-127.0.0.1}"
export TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
export TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-$((TEMPORAL_PORT + 1000))}"
export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
export TEMPORAL_ADDRESS="$TEMPORAL_IP:$TEMPORAL_PORT"
export ORDO_TASK_QUEUE="${ORDO_TASK_QUEUE:-ordo-jobs}"
export PORT="${PORT:-3000}"
export HOST="${HOST:-127.0.0.1}"
mkdir -p "$ORDO_DATA_DIR/logs"

# The API key: ORDO_API_KEYS when given; else the dev key kept under the data folder (mode
# 0600), made on the first run, so the same key works across restarts. ORDO_AUTH=off runs
# without keys (the API then says so on start).
if [[ "${ORDO_AUTH:-on}" != "off" && -z "${ORDO_API_KEYS:-}" ]]; then
  key_file="$ORDO_DATA_DIR/api-key"
  if [[ ! -s "$key_file" ]]; then
    (umask 077 && node -e 'process.stdout.write("ordo_dev_" + require("node:crypto").randomBytes(32).toString("base64url"))' >"$key_file.tmp")
    mv "$key_file.tmp" "$key_file"
    echo "dev: made an API key in $key_file" >&2
  fi
  chmod 600 "$key_file"
  ORDO_API_KEYS="$(cat "$key_file")"
  export ORDO_API_KEYS
fi
# The secret of signed URLs (external tools' file, value and upload URLs), shared by the API
# and the worker: ORDO_URL_SIGNING_KEY when given; else one kept under the data folder (mode
# 0600) as the API key is, so URLs signed before a restart still open after it.
if [[ -z "${ORDO_URL_SIGNING_KEY:-}" ]]; then
  signing_key_file="$ORDO_DATA_DIR/url-signing-key"
  if [[ ! -s "$signing_key_file" ]]; then
    (umask 077 && node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64url"))' >"$signing_key_file.tmp")
    mv "$signing_key_file.tmp" "$signing_key_file"
    echo "dev: made a URL signing key in $signing_key_file" >&2
  fi
  chmod 600 "$signing_key_file"
  ORDO_URL_SIGNING_KEY="$(cat "$signing_key_file")"
  export ORDO_URL_SIGNING_KEY
fi
# Where external tools' workers reach the API: this machine's API unless said otherwise.
# The Web UI the API links each job to (`links.temporal_ui`).
export ORDO_TEMPORAL_UI_URL="${ORDO_TEMPORAL_UI_URL:-http://$TEMPORAL_IP:$TEMPORAL_UI_PORT}"
export ORDO_PUBLIC_URL="${ORDO_PUBLIC_URL:-http://$HOST:$PORT}"
# The first key: the one the seed loader sends and the banner shows.
api_key="${ORDO_API_KEYS:-}"
api_key="${api_key%%,*}"

# Supervision. A process that ran this long counts as having been up: its next restart
# waits the first backoff again. One that exits sooner waits twice as long each time.
STABLE_AFTER_S=30
FIRST_BACKOFF_S=1
MAX_BACKOFF_S=30
# Quick exits in a row after which the log says the process keeps failing.
KEEPS_FAILING_AFTER=5

# Created when the stack starts stopping: from then on no supervisor restarts anything,
# so a process that exits while the others are being stopped stays down.
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/ordo-dev.XXXXXX")"
stopping_mark="$run_dir/stopping"

# supervise NAME WHERE_ITS_OUTPUT_GOES COMMAND...: runs COMMAND (in a background subshell)
# and runs it again whenever it exits, until the stack stops. The command's output, stdout
# and stderr, goes to the supervisor's stdout; the supervisor's own lines to its stderr.
# Stopping (SIGTERM to the subshell) sends SIGTERM to the command, gives it ten seconds,
# then SIGKILL; Ctrl-C gives the command, which the terminal signalled itself, the same
# ten seconds.
supervise() {
  local name=$1 output=$2
  shift 2
  local child=0 stopping=0 status started ran how backoff=$FIRST_BACKOFF_S quick=0
  trap - EXIT
  trap 'stopping=1; [[ $child -gt 0 ]] && kill -TERM "$child" 2>/dev/null || true' TERM
  # Ctrl-C reaches the command itself (the terminal signals the whole group): this only
  # keeps the supervisor alive to see it out, rather than dying and orphaning it.
  trap 'stopping=1' INT
  # Sleeps in the background so that SIGTERM interrupts the wait at once.
  pause() { sleep "$1" & child=$!; wait "$child" 2>/dev/null || true; child=0; }
  stopping_now() { [[ $stopping == 1 || -e $stopping_mark ]]; }
  while true; do
    started=$SECONDS
    "$@" 2>&1 &
    child=$!
    echo "dev: $name running (pid $child)" >&2
    status=0
    # 2>/dev/null: bash's own "Killed" report; the line below says it.
    wait "$child" 2>/dev/null || status=$?
    if [[ $stopping == 1 ]]; then
      # A signal interrupted the wait: give the command its time to shut down.
      for _ in $(seq 1 100); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$child" 2>/dev/null || true
      wait "$child" 2>/dev/null || true
      return 0
    fi
    child=0
    stopping_now && return 0
    ran=$((SECONDS - started))
    if ((status > 128)); then how="signal $(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128)))"; else how="code $status"; fi
    if ((ran >= STABLE_AFTER_S)); then
      backoff=$FIRST_BACKOFF_S
      quick=0
    else
      quick=$((quick + 1))
      ((quick == 1)) || backoff=$((backoff * 2 > MAX_BACKOFF_S ? MAX_BACKOFF_S : backoff * 2))
    fi
    echo "dev: $name exited ($how); restarting in $backoff s" >&2
    if ((quick >= KEEPS_FAILING_AFTER)); then
      echo "dev: $name keeps failing: $quick exits in a row, each within $STABLE_AFTER_S s of its start; see $output. Still restarting it; Ctrl-C stops the stack" >&2
    fi
    pause "$backoff"
    stopping_now && return 0
  done
}

# Supervisors, in start order; stopped in reverse. Then the output prefixers.
pids=()
prefixers=()
worker_out=
api_out=
seed_pid=
stop() {
  trap - INT TERM EXIT
  : >"$stopping_mark"
  echo "dev: stopping" >&2
  [[ -n $seed_pid ]] && kill -TERM "$seed_pid" 2>/dev/null || true
  # API, worker, then Temporal: each supervisor gives its process up to ten seconds.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${pids[i]}" 2>/dev/null || true
  done
  # The prefixers end on the pipe's end, with the last lines passed on.
  [[ -n $worker_out ]] && exec {worker_out}>&-
  [[ -n $api_out ]] && exec {api_out}>&-
  for pid in "${prefixers[@]}"; do wait "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$run_dir"
}
trap stop EXIT
trap 'stop; exit 0' INT TERM

temporal="$(bash infra/install-temporal.sh cli)"
temporal_log="$ORDO_DATA_DIR/logs/temporal.log"
supervise temporal "$temporal_log" bash infra/temporal-dev-server.sh >>"$temporal_log" &
pids+=($!)
echo "dev: waiting for Temporal on $TEMPORAL_ADDRESS" >&2
for i in $(seq 1 120); do
  "$temporal" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 && break
  if [[ $i == 120 ]]; then
    tail -n 20 "$temporal_log" >&2
    echo "dev: Temporal did not start; see $temporal_log" >&2
    exit 1
  fi
  sleep 0.5
done

# Node with tsx as its loader (not tsx's launcher, not pnpm): the supervisor's child is the
# app's process itself, so its exit status and the signals sent on stop are the app's own.
# The output keeps one prefixing sed per process, across its restarts; it ignores Ctrl-C,
# so that it still passes on what the process says while it shuts down, and ends once the
# process, its supervisor and this script have closed the pipe.
exec {worker_out}> >(trap '' INT && exec sed -u 's/^/[worker] /')
prefixers+=($!)
exec {api_out}> >(trap '' INT && exec sed -u 's/^/[api] /')
prefixers+=($!)
supervise worker "its [worker] lines above" node --import tsx apps/worker/src/main.ts >&"$worker_out" &
pids+=($!)
supervise api "its [api] lines above" node --import tsx apps/api/src/main.ts >&"$api_out" &
pids+=($!)

echo "dev: waiting for the API on http://$HOST:$PORT" >&2
# The key on stdin: never in a command line that ps shows. In the background, so that
# Ctrl-C or SIGTERM stops the stack at once even while it waits.
printf '%s' "$api_key" | node --import tsx apps/api/scripts/load-seed.ts "http://$HOST:$PORT" &
seed_pid=$!
# A seed that could not be loaded is reported, and the stack keeps running: only Ctrl-C stops it.
wait "$seed_pid" || echo "dev: the seed workflow was not loaded (see above); the stack keeps running" >&2
seed_pid=

if [[ -n "$api_key" ]]; then
  key_line="API key    $api_key${key_file:+  (kept in $key_file)}"
  try_line="curl -H \"Authorization: Bearer $api_key\" http://$HOST:$PORT/v1/workflows"
else
  key_line="API key    none: ORDO_AUTH=off, every route is open"
  try_line="curl http://$HOST:$PORT/v1/workflows"
fi
cat >&2 <<MSG

  Ordo is up.
    API        http://$HOST:$PORT  (ready: curl http://$HOST:$PORT/ready)
    $key_line
    Web UI     http://$TEMPORAL_IP:$TEMPORAL_UI_PORT
    gRPC       $TEMPORAL_ADDRESS
    Data       $ORDO_DATA_DIR
  Try: $try_line
  A worker, API or Temporal that exits is restarted. Ctrl-C stops everything.

MSG
# The supervisors run until the stack stops; one that ends otherwise is a bug in this script.
wait -n "${pids[@]}" || true
echo "dev: a supervisor ended on its own; stopping the stack" >&2
exit 1
