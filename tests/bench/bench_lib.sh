# What the benchmark scripts share: a work folder cleaned up on exit, coderd, nginx and
# PostgreSQL started for the run, the owner's login and template pushes. Sourced, not run.
# The sourcing script sets ROOT and BUILD first.
CODER=$BUILD/app/cli/coder
WORK=$(mktemp -d)
chmod 755 "$WORK" # nginx workers run as another user
PIDS=()
URLS=""

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

bench_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for url in $URLS; do kill_workspaces "$url"; done
  "$ROOT/tests/support/pg_cluster.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap bench_cleanup EXIT

require_tools() { # require_tools TOOL...: the tools and a built coder
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run installer/test.sh once" >&2; exit 1; }
  done
  [ -x "$CODER" ] || { echo "no $CODER: build first (installer/test.sh)" >&2; exit 1; }
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# backend_args sqlite|postgres: sets BACKEND_ARGS, starting the run's PostgreSQL when needed.
backend_args() {
  BACKEND_ARGS=()
  if [ "$1" = postgres ]; then
    [ -f "$WORK/pg/url" ] || "$ROOT/tests/support/pg_cluster.sh" start "$WORK/pg" >/dev/null
    BACKEND_ARGS=(--postgres-url "$(cat "$WORK/pg/url")")
  fi
}

start_coderd() { # start_coderd DATA_DIR [ARGS...]: sets URL and CODERD_PID
  local data=$1; shift
  "$CODER" server --http-address 127.0.0.1:0 --data-dir "$data" --login-rate-limit 0 "$@" \
    >"$data.log" 2>&1 &
  CODERD_PID=$!
  PIDS+=($CODERD_PID)
  for _ in $(seq 100); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$data.log" | head -1 || true)
    [ -n "$URL" ] && { URLS="$URLS $URL"; return 0; }
    sleep 0.1
  done
  cat "$data.log" >&2; exit 1
}

stop_coderd() {
  kill "$CODERD_PID" 2>/dev/null || true
  wait "$CODERD_PID" 2>/dev/null || true
  kill_workspaces "$URL"
}

json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; } # the first one

first_owner() { # first_owner URL: creates the owner account and prints a session token
  local url=$1
  curl -sf -X POST "$url/api/v2/users/first" -d '{"email":"owner@example.com","username":"owner","password":"bench-password-1"}' >/dev/null
  curl -sf -X POST "$url/api/v2/users/login" -d '{"email":"owner@example.com","password":"bench-password-1"}' | json_field session_token
}

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

home_only_template() { # prints the folder of a template with one persistent home and no agent
  mkdir -p "$WORK/home-only"
  cat >"$WORK/home-only/template.json" <<'JSON'
{"provisioner": "process", "resources": [{"name": "home", "type": "home_directory", "persistent": true}]}
JSON
  echo "$WORK/home-only"
}

start_nginx() { # start_nginx FILE...: serves the files by their names; sets NGINX_URL, NGINX_PID
  local dir=$WORK/nginx port
  mkdir -p "$dir/html"
  cp "$@" "$dir/html/"
  port=$(free_port)
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
  for _ in $(seq 50); do curl -sf -o /dev/null "$NGINX_URL/$(basename "$1")" && return 0; sleep 0.1; done
  echo "nginx did not start:" >&2; cat "$dir/error.log" >&2 2>/dev/null; exit 1
}

stop_nginx() {
  [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait "${NGINX_PID:-}" 2>/dev/null || true
  rm -rf "$WORK/nginx"
  NGINX_PID=""
}
