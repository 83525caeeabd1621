#!/usr/bin/env bash
# Benchmark of issue 11 (run by hand, not a test): does a slow request slow only itself?
# With 2,000 workspaces, one client fetches the full unpaginated workspace list (about 4.7 MB)
# in a loop over one keep-alive connection while another asks GET /api/v2/buildinfo at a
# paced rate (open loop, tests/bench/paced_get). Prints buildinfo's p50/p95/p99 with coderd
# idle and under that load, beside nginx serving a small static file idle and under the same
# load (the peer: what the shared 2-core machine itself costs a small request then; the paced
# client's own wait for a core is part of every figure). SQLite, then
# PostgreSQL; each with coderd's default event-loop threads (one per core) and with one
# (--threads 1: every socket on one event loop, where a handler that runs there delays all).
#
#   tests/bench/responsiveness_bench.sh [BUILD_DIR]      (default: build)
# Env: BACKENDS ("sqlite postgres"), THREADS ("0 1"; 0: the default), WORKSPACES (2000),
#      RATE (200), SECONDS_EACH (20).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
source "$ROOT/tests/bench/bench_lib.sh"
CLIENT=$BUILD/tests/bench/provisioning_bench
PACED=$BUILD/tests/bench/paced_get
BACKENDS=${BACKENDS:-sqlite postgres}
THREADS=${THREADS:-0 1}
WORKSPACES=${WORKSPACES:-2000}
RATE=${RATE:-200}
SECONDS_EACH=${SECONDS_EACH:-20}

require_tools nginx curl tar python3
[ -x "$CLIENT" ] && [ -x "$PACED" ] || { echo "build first (installer/test.sh)" >&2; exit 1; }

# list_loop URL TOKEN: fetches the full list over and over on one connection until killed;
# each finished fetch appends its status and time to $WORK/list.out.
list_loop() {
  local url=$1 token=$2 config=$WORK/list.curl
  : >"$config"
  for _ in $(seq 500); do
    printf 'url = "%s/api/v2/workspaces"\noutput = /dev/null\n' "$url" >>"$config"
  done
  while :; do
    curl -s -K "$config" -H "Coder-Session-Token: $token" \
      -w '%{http_code} %{time_total}\n' >>"$WORK/list.out" || true
  done
}

report() { # report LABEL PACED_OUTPUT
  printf '   %-28s %s\n' "$1" "$(echo "$2" | sed 's/^paced //')"
}

measure() { # measure THREADS TOKEN: the three paced runs against a running coderd
  local threads=$1 token=$2
  echo "-- --threads $threads: GET /api/v2/buildinfo paced at $RATE req/s for ${SECONDS_EACH}s"
  report "coderd, idle:" "$("$PACED" "$URL/api/v2/buildinfo" "$RATE" "$SECONDS_EACH" || true)"
  : >"$WORK/list.out"
  list_loop "$URL" "$token" &
  local loop=$!
  sleep 2 # the loop is well under way
  report "nginx, under the list loop:" "$("$PACED" "$NGINX_URL/small.json" "$RATE" "$SECONDS_EACH" || true)"
  report "coderd, under the list loop:" "$("$PACED" "$URL/api/v2/buildinfo" "$RATE" "$SECONDS_EACH" || true)"
  kill "$loop" 2>/dev/null || true
  pkill -P "$loop" curl 2>/dev/null || true
  wait "$loop" 2>/dev/null || true
  # The line of the fetch that the kill cut short is partial: only whole lines count.
  awk 'NF == 2 { n++; if ($1 != 200) { bad++; codes = codes " " $1 }; t += $2 }
       END { printf "   list fetches: %d (non-200: %d%s), mean %.0f ms each\n", n, bad,
                    bad ? ":" codes : "", n ? 1000 * t / n : 0 }' \
    "$WORK/list.out"
}

bench_backend() {
  local backend=$1 token home_id data=$WORK/coderd-$1 threads
  backend_args "$backend"
  start_coderd "$data" --provisioner-daemons 3 "${BACKEND_ARGS[@]}"
  token=$(first_owner "$URL")
  home_id=$(push_template "$URL" "$token" home-only "$(home_only_template)")
  echo "== $backend: populating $WORKSPACES workspaces"
  "$CLIENT" populate "$URL" "$token" "$home_id" "$WORKSPACES" >/dev/null
  curl -sf -o /dev/null -w '   full list: %{size_download} bytes in %{time_total} s\n' \
    -H "Coder-Session-Token: $token" "$URL/api/v2/workspaces"
  stop_coderd
  echo '{}' >"$WORK/small.json"
  start_nginx "$WORK/small.json"
  echo "-- the machine itself: nginx's small file paced at $RATE req/s for ${SECONDS_EACH}s"
  report "nginx, idle:" "$("$PACED" "$NGINX_URL/small.json" "$RATE" "$SECONDS_EACH" || true)"
  for threads in $THREADS; do
    # The same deployment again (no daemons: nothing to build), with this many event loops.
    start_coderd "$data" --provisioner-daemons 0 --threads "$threads" "${BACKEND_ARGS[@]}"
    measure "$threads" "$token"
    stop_coderd
  done
  stop_nginx
}

for backend in $BACKENDS; do
  bench_backend "$backend"
done
