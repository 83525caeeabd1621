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
CODER=$BUILD/app/cli/coder
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
WORK=$(mktemp -d)
chmod 755 "$WORK" # nginx workers run as another user
PIDS=()

# Ends the workspace processes a coderd started (they outlive it by design), by their
# CODER_AGENT_URL.
kill_workspaces() {
  local url=$1 env
  for env in /proc/[0-9]*/environ; do
    if { tr '\0' '\n' <"$env"; } 2>/dev/null | grep -qx "CODER_AGENT_URL=$url"; then
      kill -KILL "$(basename "$(dirname "$env")")" 2>/dev/null || true
    fi
  done
}

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for url in ${URLS:-}; do kill_workspaces "$url"; done
  "$ROOT/tests/support/pg_cluster.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx curl tar; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run installer/test.sh once" >&2; exit 1; }
done
[ -x "$CODER" ] && [ -x "$CLIENT" ] && [ -x "$PACED" ] || { echo "build first (installer/test.sh)" >&2; exit 1; }

start_coderd() { # start_coderd DATA_DIR [ARGS...]: sets URL
  local data=$1; shift
  "$CODER" server --http-address 127.0.0.1:0 --data-dir "$data" --login-rate-limit 0 \
    --provisioner-daemons 3 "$@" >"$data.log" 2>&1 &
  CODERD_PID=$!
  PIDS+=($CODERD_PID)
  for _ in $(seq 100); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$data.log" | head -1 || true)
    [ -n "$URL" ] && { URLS="${URLS:-} $URL"; return 0; }
    sleep 0.1
  done
  cat "$data.log" >&2; exit 1
}

json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; } # the first one

push_template() { # push_template URL TOKEN NAME DIR: prints the template id
  local url=$1 token=$2 name=$3 dir=$4 file version status
  tar -C "$dir" -cf "$WORK/$name.tar" .
  file=$(curl -sf -X POST "$url/api/v2/files" -H "Coder-Session-Token: $token" \
    -H 'Content-Type: application/x-tar' --data-binary @"$WORK/$name.tar" | json_field hash)
  version=$(curl -sf -X POST "$url/api/v2/organizations/default/templateversions" \
    -H "Coder-Session-Token: $token" -d "{\"file_id\":\"$file\",\"storage_method\":\"file\"}" |
    json_field id)
  for _ in $(seq 200); do
    status=$(curl -sf "$url/api/v2/templateversions/$version" -H "Coder-Session-Token: $token" |
      json_field status)
    [ "$status" = succeeded ] && break
    sleep 0.05
  done
  [ "$status" = succeeded ] || { echo "import of $name: $status" >&2; exit 1; }
  curl -sf -X POST "$url/api/v2/organizations/default/templates" -H "Coder-Session-Token: $token" \
    -d "{\"name\":\"$name\",\"template_version_id\":\"$version\"}" | json_field id
}

start_nginx() { # start_nginx BODY_FILE: sets NGINX_URL
  local dir=$WORK/nginx port
  mkdir -p "$dir/html"
  cp "$1" "$dir/html/list.json"
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
  NGINX_PID=$!
  PIDS+=($NGINX_PID)
  NGINX_URL=http://127.0.0.1:$port
  for _ in $(seq 50); do curl -sf -o /dev/null "$NGINX_URL/list.json" && return 0; sleep 0.1; done
  echo "nginx did not start" >&2; exit 1
}

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
  local backend=$1 args=() token local_id home_id
  if [ "$backend" = postgres ]; then
    "$ROOT/tests/support/pg_cluster.sh" start "$WORK/pg" >/dev/null
    args=(--postgres-url "$(cat "$WORK/pg/url")")
  fi
  start_coderd "$WORK/coderd-$backend" "${args[@]}"
  curl -sf -X POST "$URL/api/v2/users/first" -d '{"email":"owner@example.com","username":"owner","password":"bench-password-1"}' >/dev/null
  token=$(curl -sf -X POST "$URL/api/v2/users/login" -d '{"email":"owner@example.com","password":"bench-password-1"}' | json_field session_token)
  mkdir -p "$WORK/home-only"
  cat >"$WORK/home-only/template.json" <<'JSON'
{"provisioner": "process", "resources": [{"name": "home", "type": "home_directory", "persistent": true}]}
JSON
  local_id=$(push_template "$URL" "$token" local "$ROOT/resources/templates/local")
  home_id=$(push_template "$URL" "$token" home-only "$WORK/home-only")
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
  [ -n "${NGINX_URL:-}" ] && kill "$NGINX_PID" 2>/dev/null || true
  start_nginx "$WORK/page.json"
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
  kill "$CODERD_PID" 2>/dev/null || true
  wait "$CODERD_PID" 2>/dev/null || true
  kill_workspaces "$URL"
}

for backend in $BACKENDS; do
  bench_backend "$backend"
done
