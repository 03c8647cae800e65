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
"$tsx" apps/api/scripts/load-seed.ts "http://$HOST:$PORT"

cat >&2 <<MSG

  Ordo is up.
    API        http://$HOST:$PORT  (try: curl http://$HOST:$PORT/health)
    Web UI     http://$TEMPORAL_IP:$TEMPORAL_UI_PORT
    gRPC       $TEMPORAL_ADDRESS
    Data       $ORDO_DATA_DIR
  Ctrl-C stops everything.

MSG
wait -n "${pids[@]}" || true
echo "dev: a process exited; stopping the stack" >&2
