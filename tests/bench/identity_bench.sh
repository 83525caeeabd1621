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
CODER=$BUILD/app/cli/coder
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
USERS=${USERS:-1000}
BACKENDS=${BACKENDS:-sqlite postgres}
WORK=$(mktemp -d)
chmod 755 "$WORK" # nginx workers run as another user
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$ROOT/tests/support/pg_cluster.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run installer/test.sh once" >&2; exit 1; }
done
[ -x "$CODER" ] || { echo "no $CODER: build first (installer/test.sh)" >&2; exit 1; }

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

start_coderd() { # start_coderd DATA_DIR [ARGS...]: sets URL
  local data=$1; shift
  "$CODER" server --http-address 127.0.0.1:0 --data-dir "$data" --login-rate-limit 0 "$@" \
    >"$data.log" 2>&1 &
  CODERD_PID=$!
  PIDS+=($CODERD_PID)
  for _ in $(seq 100); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$data.log" | head -1 || true)
    [ -n "$URL" ] && return 0
    sleep 0.1
  done
  cat "$data.log" >&2; exit 1
}

populate() { # populate URL: owner + USERS-1 members; prints the owner's token
  local url=$1
  curl -sf -X POST "$url/api/v2/users/first" -d '{"email":"owner@example.com","username":"owner","password":"bench-password-1"}' >/dev/null
  local token
  token=$(curl -sf -X POST "$url/api/v2/users/login" -d '{"email":"owner@example.com","password":"bench-password-1"}' | sed 's/.*"session_token":"\([^"]*\)".*/\1/')
  seq 2 "$USERS" | xargs -P 4 -I{} curl -sf -o /dev/null -X POST "$url/api/v2/users" \
    -H "Coder-Session-Token: $token" \
    -d '{"email":"user{}@example.com","username":"user{}","password":"bench-password-1"}'
  echo "$token"
}

start_nginx() { # start_nginx BODY_FILE: sets NGINX_URL
  local dir=$WORK/nginx port
  mkdir -p "$dir/html"
  cp "$1" "$dir/html/me.json"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$dir/nginx.conf" <<CONF
worker_processes 2;
error_log $dir/error.log;
pid $dir/nginx.pid;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir; uwsgi_temp_path $dir; scgi_temp_path $dir;
  server { listen 127.0.0.1:$port; root $dir/html; keepalive_requests 1000000; }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir" &
  PIDS+=($!)
  NGINX_URL=http://127.0.0.1:$port/me.json
  for _ in $(seq 50); do curl -sf -o /dev/null "$NGINX_URL" && return 0; sleep 0.1; done
  echo "nginx did not start:" >&2; cat "$dir/error.log" >&2 2>/dev/null; exit 1
}

bench_backend() { # bench_backend sqlite|postgres
  local backend=$1 args=()
  if [ "$backend" = postgres ]; then
    "$ROOT/tests/support/pg_cluster.sh" start "$WORK/pg" >/dev/null
    args=(--postgres-url "$(cat "$WORK/pg/url")")
  fi
  start_coderd "$WORK/coderd-$backend" "${args[@]}"
  echo "== $backend: $URL, creating $USERS users" >&2
  local token
  token=$(populate "$URL")
  local count
  count=$(curl -sf -H "Coder-Session-Token: $token" "$URL/api/v2/users?limit=1" | sed 's/.*"count":\([0-9]*\).*/\1/')
  curl -sf -H "Coder-Session-Token: $token" "$URL/api/v2/users/me" >"$WORK/me.json"
  echo "   users: $count, body: $(wc -c <"$WORK/me.json") bytes" >&2
  [ -n "${NGINX_URL:-}" ] || start_nginx "$WORK/me.json"
  local nginx coderd
  nginx=$(wrk_run nginx "$NGINX_URL")
  coderd=$(wrk_run "coderd-$backend" "$URL/api/v2/users/me" "Coder-Session-Token: $token")
  printf '%-16s %10s %8s %8s\n' "" "req/s" "p50 ms" "p99 ms"
  printf '%-16s %10s %8s %8s\n' $nginx
  printf '%-16s %10s %8s %8s\n' $coderd
  echo "$nginx $coderd" | awk '{ printf "ratio coderd/nginx: %.1f%% of req/s (target >= 30%%), coderd p99 %.2f ms (target < 10 ms on SQLite)\n\n", 100 * $6 / $2, $8 }'
  kill "$CODERD_PID" 2>/dev/null || true
  wait "$CODERD_PID" 2>/dev/null || true
}

for backend in $BACKENDS; do
  bench_backend "$backend"
done
