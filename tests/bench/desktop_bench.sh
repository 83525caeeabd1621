#!/usr/bin/env bash
# Benchmark of issue 13 (run by hand, not a test): the desktop app, offscreen (QT_QPA_PLATFORM;
# no display needed), against a coderd holding ROWS workspaces (a template with a home folder
# and no agent, so that ROWS builds are cheap):
#   - cold start: exec of the app to the first paint of the dashboard with every row, and its
#     RSS 10 s later; peer: a bare Qt window with a table of as many static rows;
#   - row repaint: from sending a change of a workspace to coderd to the repainted row;
#   - the local server (coderd embedded in the app) on SQLite, start to running and to its first
#     healthy answer, first start (a new database) and second; peer: `coder server` as a process
#     to its first /healthz answer.
#
#   tests/bench/desktop_bench.sh [BUILD_DIR]      (default: build)
# Env: ROWS (200), RUNS (5).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
source "$ROOT/tests/bench/bench_lib.sh"
ROWS=${ROWS:-200}
RUNS=${RUNS:-5}
DB=$BUILD/tests/bench/desktop_bench
export QT_QPA_PLATFORM=offscreen CODER_SECRET_STORE=file
require_tools curl python3
[ -x "$DB" ] || { echo "no $DB: build first" >&2; exit 1; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
p95() { sort -n | awk '{v[NR] = $1} END {print v[int(NR * 0.95 + 0.5)]}'; }
now_ns() { date +%s%N; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

start_coderd "$WORK/coderd"
TOKEN=$(first_owner "$URL")
HOME_ONLY=$(push_template "$URL" "$TOKEN" homes "$(home_only_template)")
echo "creating $ROWS workspaces..."
for i in $(seq "$ROWS"); do
  curl -sf -o /dev/null -X POST "$URL/api/v2/users/me/workspaces" -H "Coder-Session-Token: $TOKEN" \
    -d "{\"name\":\"w$i\",\"template_id\":\"$HOME_ONLY\"}" ||
    { echo "creating workspace w$i failed" >&2; exit 1; }
done
for _ in $(seq 600); do
  running=$(curl -sf "$URL/api/v2/workspaces?limit=0" -H "Coder-Session-Token: $TOKEN" |
    grep -o '"status":"running"' | wc -l)
  [ "$running" -ge "$ROWS" ] && break
  sleep 0.5
done

echo
echo "cold start to the painted dashboard with $ROWS workspaces (median of $RUNS), then RSS after 10 s idle"
COLD=(); RSS=(); BARE=(); BARE_RSS=(); REPAINT=()
for _ in $(seq "$RUNS"); do
  out=$("$DB" dashboard "$URL" "$TOKEN" "$(now_ns)" "$ROWS")
  COLD+=("$(awk '/^cold/ {print $2}' <<<"$out")")
  RSS+=("$(awk '/^rss/ {print $2}' <<<"$out")")
  REPAINT+=($(awk '/^repaint/ {print $2}' <<<"$out"))
  out=$("$DB" bare "$(now_ns)" "$ROWS")
  BARE+=("$(awk '/^cold/ {print $2}' <<<"$out")")
  BARE_RSS+=("$(awk '/^rss/ {print $2}' <<<"$out")")
done
cold=$(printf '%s\n' "${COLD[@]}" | median); bare=$(printf '%s\n' "${BARE[@]}" | median)
rss=$(printf '%s\n' "${RSS[@]}" | median); bare_rss=$(printf '%s\n' "${BARE_RSS[@]}" | median)
echo "  coder-desktop  ${cold} ms, RSS $((rss / 1024)) MiB   (targets <= 400 ms, <= 80 MB)"
echo "  bare Qt table  ${bare} ms, RSS $((bare_rss / 1024)) MiB"
echo "  ratio: start $(ratio "$cold" "$bare")x, RSS $(ratio "$rss" "$bare_rss")x"
echo
echo "row repaint after a change sent to coderd (${#REPAINT[@]} changes): median $(printf '%s\n' "${REPAINT[@]}" | median) ms, p95 $(printf '%s\n' "${REPAINT[@]}" | p95) ms (target <= 50 ms)"

echo
echo "local server on SQLite: start to running / to healthy, ms (median of $RUNS)"
FIRST_RUN=(); FIRST_OK=(); SECOND_RUN=(); SECOND_OK=(); PEER=()
for i in $(seq "$RUNS"); do
  dir=$WORK/embedded-$i
  out=$("$DB" embedded "$dir")
  FIRST_RUN+=("$(awk '/^running/ {print $2}' <<<"$out")"); FIRST_OK+=("$(awk '/^healthy/ {print $2}' <<<"$out")")
  out=$("$DB" embedded "$dir")
  SECOND_RUN+=("$(awk '/^running/ {print $2}' <<<"$out")"); SECOND_OK+=("$(awk '/^healthy/ {print $2}' <<<"$out")")
  port=$(free_port)
  t0=$(now_ns)
  "$CODER" server --http-address "127.0.0.1:$port" --data-dir "$WORK/peer-$i" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do sleep 0.002; done
  PEER+=("$(python3 -c "print(f'{($(now_ns) - $t0) / 1e6:.1f}')")")
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
first=$(printf '%s\n' "${FIRST_OK[@]}" | median); peer=$(printf '%s\n' "${PEER[@]}" | median)
echo "  first start (new database)  $(printf '%s\n' "${FIRST_RUN[@]}" | median) / ${first}   (target <= 300 to healthy)"
echo "  second start                $(printf '%s\n' "${SECOND_RUN[@]}" | median) / $(printf '%s\n' "${SECOND_OK[@]}" | median)"
echo "  coder server process, new database, to /healthz: ${peer}; ratio $(ratio "$first" "$peer")x"
