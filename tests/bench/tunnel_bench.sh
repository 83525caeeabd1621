#!/usr/bin/env bash
# Benchmark of issue 12 (run by hand, not a test): the tunnel against its peers, in one run.
#   - throughput: BYTES up and down to a service on this machine, directly (raw TCP), through a
#     private sshd's `ssh -L`, and through `coder port-forward` (CLI -> coderd relay -> agent);
#     also through a chain of three plain relays (relay4), which has the coder path's four
#     loopback hops and does nothing but copy: the most any relay with those hops reaches here;
#   - connection setup: SETUPS sequential connections, each echoing one byte, on the same three;
#   - memory under a slow reader: a download read at 20 MB/s through the forward for 20 s, the
#     RSS growth of the CLI, coderd and the agent;
#   - an idle agent: its CPU and RSS over 60 s without traffic;
#   - AGENTS simulated agents (tunnels with real tokens, answering pings) on one coderd: its
#     CPU and RSS over 60 s.
# SSH encrypts (aes128-gcm, its fastest cipher here); the coder tunnel runs on ws:// over
# loopback as a local deployment does (https:// in production adds TLS on both).
#
#   tests/bench/tunnel_bench.sh [BUILD_DIR]      (default: build)
# Env: BYTES (1 GiB), SETUPS (1000), AGENTS (2000), RUNS (3).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
source "$ROOT/tests/bench/bench_lib.sh"
BYTES=${BYTES:-1073741824}
SETUPS=${SETUPS:-1000}
AGENTS=${AGENTS:-2000}
RUNS=${RUNS:-3}
TB=$BUILD/tests/bench/tunnel_bench
ulimit -n 16384 # thousands of tunnels: coderd and the simulated agents inherit it
SSHD=/usr/sbin/sshd

require_tools ssh ssh-keygen curl python3
[ -x "$SSHD" ] || { echo "missing sshd: run installer/test.sh once" >&2; exit 1; }
[ -x "$TB" ] || { echo "no $TB: build first" >&2; exit 1; }

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
cpu_ns() { awk '{print $1}' "/proc/$1/schedstat"; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# ---- the service, coderd, a workspace and its agent ----
SERVICE=$(free_port)
"$TB" serve "$SERVICE" &
PIDS+=($!)
# No sandbox: the simulated agents below hand their tokens out through a file outside their homes.
start_coderd "$WORK/coderd" --process-sandbox none --allow-unsandboxed-root
TOKEN=$(first_owner "$URL")
LOCAL=$(push_template "$URL" "$TOKEN" local "$ROOT/resources/templates/local")
curl -sf -X POST "$URL/api/v2/users/me/workspaces" -H "Coder-Session-Token: $TOKEN" \
  -d "{\"name\":\"bench\",\"template_id\":\"$LOCAL\"}" >"$WORK/ws.json"
WORKSPACE=$(json_field id <"$WORK/ws.json")
for _ in $(seq 300); do
  curl -sf "$URL/api/v2/workspaces/$WORKSPACE" -H "Coder-Session-Token: $TOKEN" |
    grep -q '"status":"connected"' && break
  sleep 0.1
done
AGENT_PID=""
for env in /proc/[0-9]*/environ; do
  pid=$(basename "$(dirname "$env")")
  if { tr '\0' '\n' <"$env"; } 2>/dev/null | grep -qx "CODER_AGENT_URL=$URL" &&
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qE 'coder-agent | agent '; then
    AGENT_PID=$pid
  fi
done
[ -n "$AGENT_PID" ] || { echo "the workspace's agent did not start" >&2; exit 1; }

export CODER_URL=$URL CODER_SESSION_TOKEN=$TOKEN CODER_CONFIG_DIR=$WORK/cli
FORWARD=$(free_port)
"$CODER" port-forward bench --tcp "$FORWARD:$SERVICE" >"$WORK/pf.log" 2>&1 &
CLI_PID=$!
PIDS+=($CLI_PID)

# ---- three plain relays in a row: four loopback hops, as client -> CLI -> coderd -> agent ->
# service has ----
NEXT=$SERVICE
for _ in 1 2 3; do
  HOP=$(free_port)
  "$TB" relay "$HOP" "$NEXT" &
  PIDS+=($!)
  NEXT=$HOP
done
RELAY4=$NEXT

# ---- a private sshd and its `ssh -L` ----
mkdir -p "$WORK/ssh" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh/host"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh/client"
cp "$WORK/ssh/client.pub" "$WORK/ssh/authorized_keys"
SSH_PORT=$(free_port)
cat >"$WORK/ssh/sshd_config" <<CONF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $WORK/ssh/host
AuthorizedKeysFile $WORK/ssh/authorized_keys
PidFile $WORK/ssh/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
AllowTcpForwarding yes
CONF
"$SSHD" -D -e -f "$WORK/ssh/sshd_config" 2>"$WORK/ssh/sshd.log" &
PIDS+=($!)
SSH_FORWARD=$(free_port)
sleep 0.5
ssh -N -c aes128-gcm@openssh.com -p "$SSH_PORT" -i "$WORK/ssh/client" -o BatchMode=yes \
  -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ExitOnForwardFailure=yes \
  -o LogLevel=ERROR -L "$SSH_FORWARD:127.0.0.1:$SERVICE" "$(id -un)@127.0.0.1" &
PIDS+=($!)
for port in "$FORWARD" "$SSH_FORWARD" "$RELAY4"; do
  for _ in $(seq 100); do "$TB" setup "$port" 1 >/dev/null 2>&1 && break; sleep 0.1; done
done

# ---- throughput and setup ----
echo "throughput, MB/s (median of $RUNS, $((BYTES / 1048576)) MiB each)"
printf "%-14s %10s %10s\n" path upload download
declare -A UP DOWN
for path in raw ssh relay4 coder; do
  case $path in
    raw) port=$SERVICE ;; ssh) port=$SSH_FORWARD ;; relay4) port=$RELAY4 ;; coder) port=$FORWARD ;;
  esac
  UP[$path]=$(for _ in $(seq "$RUNS"); do "$TB" upload "$port" "$BYTES"; done | median)
  DOWN[$path]=$(for _ in $(seq "$RUNS"); do "$TB" download "$port" "$BYTES"; done | median)
  printf "%-14s %10s %10s\n" "$path" "${UP[$path]}" "${DOWN[$path]}"
done
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo "coder/ssh: up $(ratio "${UP[coder]}" "${UP[ssh]}")x, down $(ratio "${DOWN[coder]}" "${DOWN[ssh]}")x (target >= 1.2x)"
echo "coder/raw: up $(ratio "${UP[coder]}" "${UP[raw]}")x, down $(ratio "${DOWN[coder]}" "${DOWN[raw]}")x (target >= 0.30x)"
echo "relay4/raw: up $(ratio "${UP[relay4]}" "${UP[raw]}")x, down $(ratio "${DOWN[relay4]}" "${DOWN[raw]}")x; relay4/ssh: up $(ratio "${UP[relay4]}" "${UP[ssh]}")x, down $(ratio "${DOWN[relay4]}" "${DOWN[ssh]}")x (the ceiling of four hops)"
echo "coder/relay4: up $(ratio "${UP[coder]}" "${UP[relay4]}")x, down $(ratio "${DOWN[coder]}" "${DOWN[relay4]}")x (what the tunnel's work costs)"
echo
echo "connection setup, $SETUPS sequential (ms: median p99)"
declare -A SETUP
for path in raw ssh coder; do
  case $path in raw) port=$SERVICE ;; ssh) port=$SSH_FORWARD ;; coder) port=$FORWARD ;; esac
  SETUP[$path]=$("$TB" setup "$port" "$SETUPS")
  printf "%-14s %s\n" "$path" "${SETUP[$path]}"
done
echo "coder/ssh median: $(ratio "${SETUP[coder]%% *}" "${SETUP[ssh]%% *}")x (target: faster than ssh, <= 0.5 ms)"

# ---- memory under a slow reader ----
echo
declare -A BEFORE PEAK
for name in cli coderd agent; do
  case $name in cli) pid=$CLI_PID ;; coderd) pid=$CODERD_PID ;; agent) pid=$AGENT_PID ;; esac
  BEFORE[$name]=$(rss_kb "$pid"); PEAK[$name]=${BEFORE[$name]}
done
"$TB" slowread "$FORWARD" 20 20 >"$WORK/slow.out" &
SLOW=$!
while kill -0 "$SLOW" 2>/dev/null; do
  for name in cli coderd agent; do
    case $name in cli) pid=$CLI_PID ;; coderd) pid=$CODERD_PID ;; agent) pid=$AGENT_PID ;; esac
    now=$(rss_kb "$pid"); [ "$now" -gt "${PEAK[$name]}" ] && PEAK[$name]=$now
  done
  sleep 0.5
done
wait "$SLOW"
echo "slow reader at $(cat "$WORK/slow.out") MB/s for 20 s: RSS growth (target <= 8 MiB each)"
for name in cli coderd agent; do
  printf "  %-7s %6.1f MiB (from %.1f MiB)\n" "$name" \
    "$(python3 -c "print((${PEAK[$name]} - ${BEFORE[$name]}) / 1024)")" \
    "$(python3 -c "print(${BEFORE[$name]} / 1024)")"
done

# ---- an idle agent ----
kill "$CLI_PID" 2>/dev/null || true
sleep 1
HZ=$(getconf CLK_TCK)
# CPU time in nanoseconds (schedstat): an idle agent uses less than a clock tick a second.
t0=$(cpu_ns "$AGENT_PID"); sleep 60; t1=$(cpu_ns "$AGENT_PID")
rollup() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$AGENT_PID/smaps_rollup"; }
echo
echo "idle agent over 60 s: $(python3 -c "print(f'{($t1 - $t0) / 1e9 / 60 * 100:.3f}')")% of a core, RSS $(python3 -c "print(f'{$(rss_kb "$AGENT_PID") / 1024:.1f}')") MiB (targets <= 0.2%, <= 16 MB)"
echo "  of that RSS: $(($(rollup Shared_Clean) / 1024)) MiB shared library pages, $((($(rollup Private_Clean) + $(rollup Private_Dirty)) / 1024)) MiB its own (PSS $(($(rollup Pss) / 1024)) MiB)"

# ---- many agents on one coderd ----
PER=20
WORKSPACES=$(((AGENTS + PER - 1) / PER))
mkdir -p "$WORK/sleepers"
python3 - "$WORK/sleepers/template.json" "$PER" "$WORK/tokens" <<'PY'
import json, sys
path, per, tokens = sys.argv[1], int(sys.argv[2]), sys.argv[3]
agents = [{"name": f"a{i}", "command": ["/bin/sh", "-c",
           f"echo \"$CODER_AGENT_TOKEN\" >> {tokens}; exec sleep 100000"]} for i in range(per)]
json.dump({"provisioner": "process",
           "resources": [{"name": "w", "type": "process", "agents": agents}]}, open(path, "w"))
PY
SLEEPERS=$(push_template "$URL" "$TOKEN" sleepers "$WORK/sleepers")
for i in $(seq "$WORKSPACES"); do
  curl -sf -o /dev/null -X POST "$URL/api/v2/users/me/workspaces" -H "Coder-Session-Token: $TOKEN" \
    -d "{\"name\":\"s$i\",\"template_id\":\"$SLEEPERS\"}"
done
for _ in $(seq 1200); do
  [ "$(wc -l <"$WORK/tokens" 2>/dev/null || echo 0)" -ge "$AGENTS" ] && break
  sleep 0.5
done
sleep 2 # the last builds are recorded after their agents started
head -n "$AGENTS" "$WORK/tokens" >"$WORK/tokens.used"
"$TB" agents "$URL" "$WORK/tokens.used" >"$WORK/agents.out" &
PIDS+=($!)
for _ in $(seq 600); do [ -s "$WORK/agents.out" ] && break; sleep 0.1; done
[ -s "$WORK/agents.out" ] || { echo "the simulated agents did not all connect" >&2; exit 1; }
sleep 5
t0=$(cpu_ticks "$CODERD_PID"); sleep 60; t1=$(cpu_ticks "$CODERD_PID")
echo
echo "$(cat "$WORK/agents.out") simulated agents over 60 s: coderd $(python3 -c "print(f'{($t1 - $t0) / $HZ / 60 * 100:.2f}')")% of a core, RSS $(python3 -c "print(f'{$(rss_kb "$CODERD_PID") / 1024:.0f}')") MiB (targets <= 10%, <= 300 MB)"
