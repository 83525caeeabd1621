#!/usr/bin/env bash
# Benchmark of issue 3 (run by hand, not a test), on SQLite and PostgreSQL:
#  1. create-to-build-succeeded latency, median and p95 over 50 workspaces (process
#     provisioner), beside the floor of starting the same detached shell (the peer);
#  2. build throughput (builds/min) for 200 workspaces with 3 built-in daemons;
#  3. GET /api/v2/workspaces with 2,000 workspaces: p95 at a paced 300 req/s (open loop, by
#     tests/bench/paced_get.cpp, since Debian's wrk has no rate option) and req/s with wrk at
#     50 connections, each beside nginx serving the same JSON as a static file.
# The list is measured on the dashboard's page (?limit=25), and once unpaginated.
#
#   tests/bench/provisioning_bench.sh [BUILD_DIR]      (default: build)
# Env: BACKENDS ("sqlite postgres"), LATENCY_N (50), THROUGHPUT_N (200), WORKSPACES (2000),
#      RATE (300), PACED_SECONDS (20), DURATION (10s), CONNECTIONS (50).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
source "$ROOT/tests/bench/bench_lib.sh"
CLIENT=$BUILD/tests/bench/provisioning_bench
PACED=$BUILD/tests/bench/paced_get
BACKENDS=${BACKENDS:-sqlite postgres}
LATENCY_N=${LATENCY_N:-50}
THROUGHPUT_N=${THROUGHPUT_N:-200}
WORKSPACES=${WORKSPACES:-2000}
RATE=${RATE:-300}
PACED_SECONDS=${PACED_SECONDS:-20}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}

require_tools wrk nginx curl tar python3
[ -x "$CLIENT" ] && [ -x "$PACED" ] || { echo "build first (installer/test.sh)" >&2; exit 1; }

wrk_rps() { # wrk_rps URL [HEADER]: prints "req/s p99_ms"
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency ${2:+-H "$2"} "$1")
  echo "$out" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }  $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.2f%s\n", rps, p99, bad ? " NON-2XX=" bad : "" }'
}

bench_backend() {
  local backend=$1 token local_id home_id
  backend_args "$backend"
  start_coderd "$WORK/coderd-$backend" --provisioner-daemons 3 "${BACKEND_ARGS[@]}"
  token=$(first_owner "$URL")
  local_id=$(push_template "$URL" "$token" local "$ROOT/resources/templates/local")
  home_id=$(push_template "$URL" "$token" home-only "$(home_only_template)")
  echo "== $backend ($URL)"
  echo "-- create-to-succeeded, process provisioner (resources/templates/local)"
  "$CLIENT" spawn "$LATENCY_N"
  "$CLIENT" latency "$URL" "$token" "$local_id" "$LATENCY_N"
  echo "-- throughput, 3 built-in daemons"
  "$CLIENT" throughput "$URL" "$token" "$local_id" "$THROUGHPUT_N"
  local existing=$((LATENCY_N + THROUGHPUT_N))
  echo "-- populating to $WORKSPACES workspaces (home-only template)"
  "$CLIENT" populate "$URL" "$token" "$home_id" $((WORKSPACES - existing)) >/dev/null
  local page="/api/v2/workspaces?limit=25"
  curl -sf -H "Coder-Session-Token: $token" "$URL$page" >"$WORK/page.json"
  echo "   count: $(sed -n 's/.*"count":\([0-9]*\)}$/\1/p' "$WORK/page.json"), page of 25: $(wc -c <"$WORK/page.json") bytes"
  curl -sf -o /dev/null -w '   full list (no limit): %{size_download} bytes in %{time_total} s\n' \
    -H "Coder-Session-Token: $token" "$URL/api/v2/workspaces"
  stop_nginx
  cp "$WORK/page.json" "$WORK/list.json"
  start_nginx "$WORK/list.json"
  echo "-- GET $page paced at $RATE req/s for ${PACED_SECONDS}s"
  printf '   nginx:  '; "$PACED" "$NGINX_URL/list.json" "$RATE" "$PACED_SECONDS"
  printf '   coderd: '; "$PACED" "$URL$page" "$RATE" "$PACED_SECONDS" "Coder-Session-Token: $token"
  echo "-- GET $page with wrk -c$CONNECTIONS for $DURATION (req/s p99_ms)"
  local nginx coderd
  nginx=$(wrk_rps "$NGINX_URL/list.json")
  coderd=$(wrk_rps "$URL$page" "Coder-Session-Token: $token")
  echo "   nginx:  $nginx"
  echo "   coderd: $coderd"
  echo "$nginx $coderd" | awk '{ printf "   ratio coderd/nginx: %.1f%% of req/s\n", 100 * $3 / $1 }'
  stop_nginx
  stop_coderd
}

for backend in $BACKENDS; do
  bench_backend "$backend"
done
