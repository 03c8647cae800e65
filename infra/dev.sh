#!/usr/bin/env bash
# The dev stack in one terminal: Temporal dev server (Web UI inside), the Ordo worker
# and the Ordo API, then the seed workflow. Ctrl-C stops all of it; state persists
# under $ORDO_DATA_DIR, so the next start finds the same workflows, jobs and history.
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
# The first key: the one the seed loader sends and the banner shows.
api_key="${ORDO_API_KEYS:-}"
api_key="${api_key%%,*}"

pids=()
stop() {
  trap - INT TERM EXIT
  echo "dev: stopping" >&2
  # Reverse order: API, worker, then Temporal, each given time to shut down cleanly.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${pids[i]}" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

temporal="$(bash infra/install-temporal.sh cli)"
bash infra/temporal-dev-server.sh >"$ORDO_DATA_DIR/logs/temporal.log" 2>&1 &
pids+=($!)
echo "dev: waiting for Temporal on $TEMPORAL_ADDRESS" >&2
for i in $(seq 1 120); do
  "$temporal" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$ORDO_DATA_DIR/logs/temporal.log" >&2; exit 1; }
  [[ $i == 120 ]] && { echo "dev: Temporal did not start; see $ORDO_DATA_DIR/logs/temporal.log" >&2; exit 1; }
  sleep 0.5
done

# tsx directly (not through pnpm), so the signals sent on stop reach the Node processes.
tsx="$ROOT/node_modules/.bin/tsx"
"$tsx" apps/worker/src/main.ts > >(sed -u 's/^/[worker] /') 2>&1 &
pids+=($!)
"$tsx" apps/api/src/main.ts > >(sed -u 's/^/[api] /') 2>&1 &
pids+=($!)

echo "dev: waiting for the API on http://$HOST:$PORT" >&2
# The key on stdin: never in a command line that ps shows.
printf '%s' "$api_key" | "$tsx" apps/api/scripts/load-seed.ts "http://$HOST:$PORT"

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
  Ctrl-C stops everything.

MSG
wait -n "${pids[@]}" || true
echo "dev: a process exited; stopping the stack" >&2
