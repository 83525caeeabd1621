#!/usr/bin/env bash
# Benchmark of issue 2 (run by hand, not a test): coderd with 1,000 users answering
# GET /api/v2/users/me with a token, against nginx serving a static JSON file of the same
# size, both measured with wrk (50 connections, 10 s) in the same run. SQLite, then PostgreSQL.
# Prints req/s, p50 and p99 of each and the ratio coderd/nginx.
#
#   tests/bench/identity_bench.sh [BUILD_DIR]      (default: build)
# Env: DURATION (10s), CONNECTIONS (50), USERS (1000), BACKENDS ("sqlite postgres").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
source "$ROOT/tests/bench/bench_lib.sh"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
USERS=${USERS:-1000}
BACKENDS=${BACKENDS:-sqlite postgres}

require_tools wrk nginx curl python3

# wrk_run NAME URL [HEADER]: prints "NAME req/s p50_ms p99_ms"
wrk_run() {
  local name=$1 url=$2 header=${3:-}
  local out
  if [ -n "$header" ]; then
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$header" "$url")
  else
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
  fi
  local errors
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}')
  [ -z "$errors" ] || echo "  $name: $errors" >&2
  echo "$out" | awk -v name="$name" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    END { printf "%s %.0f %.2f %.2f\n", name, rps, p50, p99 }'
}

populate() { # populate URL: owner + USERS-1 members; prints the owner's token
  local url=$1
  local token
  token=$(first_owner "$url")
  seq 2 "$USERS" | xargs -P 4 -I{} curl -sf -o /dev/null -X POST "$url/api/v2/users" \
    -H "Coder-Session-Token: $token" \
    -d '{"email":"user{}@example.com","username":"user{}","password":"bench-password-1"}'
  echo "$token"
}

bench_backend() { # bench_backend sqlite|postgres
  local backend=$1
  backend_args "$backend"
  start_coderd "$WORK/coderd-$backend" "${BACKEND_ARGS[@]}"
  echo "== $backend: $URL, creating $USERS users" >&2
  local token
  token=$(populate "$URL")
  local count
  count=$(curl -sf -H "Coder-Session-Token: $token" "$URL/api/v2/users?limit=1" | sed 's/.*"count":\([0-9]*\).*/\1/')
  curl -sf -H "Coder-Session-Token: $token" "$URL/api/v2/users/me" >"$WORK/me.json"
  echo "   users: $count, body: $(wc -c <"$WORK/me.json") bytes" >&2
  [ -n "${NGINX_PID:-}" ] || start_nginx "$WORK/me.json"
  local nginx coderd
  nginx=$(wrk_run nginx "$NGINX_URL/me.json")
  coderd=$(wrk_run "coderd-$backend" "$URL/api/v2/users/me" "Coder-Session-Token: $token")
  printf '%-16s %10s %8s %8s\n' "" "req/s" "p50 ms" "p99 ms"
  printf '%-16s %10s %8s %8s\n' $nginx
  printf '%-16s %10s %8s %8s\n' $coderd
  echo "$nginx $coderd" | awk '{ printf "ratio coderd/nginx: %.1f%% of req/s (target >= 30%%), coderd p99 %.2f ms (target < 10 ms on SQLite)\n\n", 100 * $6 / $2, $8 }'
  stop_coderd
}

for backend in $BACKENDS; do
  bench_backend "$backend"
done
