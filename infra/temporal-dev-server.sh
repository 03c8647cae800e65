#!/usr/bin/env bash
# Run the Temporal dev server (temporal server start-dev) in the foreground for
# the local dev stack, persisting to SQLite under $ORDO_DATA_DIR.
#
# Usage: infra/temporal-dev-server.sh [extra `temporal server start-dev` flags...]
#
# Environment (defaults in brackets):
#   ORDO_DATA_DIR         [<repo>/.data]  temporal.db is kept here
#   TEMPORAL_IP           [127.0.0.1]     address gRPC and the Web UI bind to
#   TEMPORAL_PORT         [7233]          frontend gRPC port
#   TEMPORAL_UI_PORT      [TEMPORAL_PORT + 1000, i.e. 8233]
#   TEMPORAL_NAMESPACE    [default]       namespace to create ("default" always exists)
#   TEMPORAL_LOG_LEVEL    [warn]          debug, info, warn, error, never
#   TEMPORAL_HTTP_PORT    [unset: random free port]  HTTP API port
#   TEMPORAL_METRICS_PORT [unset: random free port]  /metrics port
# The binary comes from infra/install-temporal.sh (honours $TEMPORAL_CLI).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ORDO_DATA_DIR="${ORDO_DATA_DIR:-$REPO_ROOT/.data}"
TEMPORAL_IP="${TEMPORAL_IP:-127.0.0.1}"
TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-$((TEMPORAL_PORT + 1000))}"
TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
TEMPORAL_LOG_LEVEL="${TEMPORAL_LOG_LEVEL:-warn}"

temporal="$("$REPO_ROOT/infra/install-temporal.sh" cli)"

mkdir -p "$ORDO_DATA_DIR"

args=(
  server start-dev
  --db-filename "$ORDO_DATA_DIR/temporal.db"
  --ip "$TEMPORAL_IP"
  --port "$TEMPORAL_PORT"
  --ui-port "$TEMPORAL_UI_PORT"
  # Search attributes Ordo's workflows set. Re-registering them on an existing
  # database is a no-op, so these are safe on every start.
  --search-attribute OrdoJobId=Keyword
  --search-attribute OrdoWorkflowId=Keyword
  --search-attribute OrdoJobStatus=Keyword
  --search-attribute OrdoWorkflowVersion=Keyword
  --search-attribute OrdoCorrelationId=Keyword
  --search-attribute OrdoParentJobId=Keyword
  # Cache them, as a production server does: the dev server otherwise re-reads them
  # from its database on every use (several reads per job run), so that ones added
  # while it runs show at once. Ordo's are all registered above, at start.
  --dynamic-config-value system.forceSearchAttributesCacheRefreshOnRead=false
  # "default" is always created; naming it again is harmless.
  --namespace "$TEMPORAL_NAMESPACE"
  --log-level "$TEMPORAL_LOG_LEVEL"
)
[[ -n "${TEMPORAL_HTTP_PORT:-}" ]] && args+=(--http-port "$TEMPORAL_HTTP_PORT")
[[ -n "${TEMPORAL_METRICS_PORT:-}" ]] && args+=(--metrics-port "$TEMPORAL_METRICS_PORT")
# The machine may be offline: don't let the Web UI fetch its newsfeed.
# (Only newer CLIs have the flag; a temporal found on PATH may be older.)
if "$temporal" server start-dev --help 2>/dev/null | grep -q -- '--ui-disable-news-fetch'; then
  args+=(--ui-disable-news-fetch)
fi

printf 'temporal-dev-server: %s on %s:%s (UI http://%s:%s), db %s\n' \
  "$("$temporal" --version 2>/dev/null || echo temporal)" "$TEMPORAL_IP" "$TEMPORAL_PORT" \
  "$TEMPORAL_IP" "$TEMPORAL_UI_PORT" "$ORDO_DATA_DIR/temporal.db" >&2

exec "$temporal" "${args[@]}" "$@"
