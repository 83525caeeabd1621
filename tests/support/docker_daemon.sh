#!/bin/bash
# docker_daemon.sh start|stop DIR
# A private Docker daemon for one test run, beside (never instead of) any other dockerd: its own
# data root (DIR/root), exec root and socket (in a short /tmp directory: unix socket paths are
# limited to 108 bytes), pid file, cgroup parent, no bridge and no iptables rules, and an empty
# daemon.json. start writes the socket's path to DIR/socket; when dockerd cannot run here
# (not root, no dockerd binary) it writes the reason to DIR/skip instead and succeeds, so the
# tests skip with that reason. stop ends the daemon by its pid, kills what it leaves (shims,
# container processes), unmounts and removes everything. Both are idempotent.
set -u

die() { echo "docker_daemon.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: docker_daemon.sh start|stop DIR"
action=$1
dir=$2
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# Processes whose command line mentions $1 (containerd and its shims name the exec root).
pids_mentioning() {
    local needle=$1 p cmd
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$$" ] && continue
        cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
        [[ "$cmd" == *"$needle"* ]] && echo "${p#/proc/}"
    done
}

# Kills every process of the daemon's containers (all live under its own cgroup parent).
kill_cgroup() {
    local m p
    [ -n "$cgroup" ] || return 0
    for m in /sys/fs/cgroup/*/"$cgroup" /sys/fs/cgroup/"$cgroup"; do
        [ -d "$m" ] || continue
        for p in $(cat "$m"/cgroup.procs "$m"/*/cgroup.procs 2>/dev/null); do
            kill -KILL "$p" 2>/dev/null
        done
    done
}

stop_daemon() {
    [ -d "$dir" ] || return 0
    local runtime="" cgroup="" pid="" p m c h
    [ -f "$dir/runtime" ] && runtime=$(cat "$dir/runtime")
    [ -f "$dir/cgroup" ] && cgroup=$(cat "$dir/cgroup")
    [ -f "$dir/pid" ] && pid=$(cat "$dir/pid")

    # The containers' processes first: a test daemon need not wait for them to stop nicely.
    kill_cgroup
    # dockerd then finds its containers exited, and stops its containerd on SIGTERM.
    if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q dockerd; then
        kill -TERM "$pid"
        for _ in $(seq 200); do alive "$pid" || break; sleep 0.1; done
        alive "$pid" && kill -KILL "$pid"
    fi
    # Whatever a killed daemon left: containerd, shims, then the containers' processes.
    if [ -n "$runtime" ]; then
        for p in $(pids_mentioning "$runtime/exec"); do kill -KILL "$p" 2>/dev/null; done
        # A killed shim leaves its socket in /run/containerd/s, named after
        # sha256(<containerd address>/<namespace>/<container id>) (containerd 1.6).
        for c in "$dir"/root/containers/*; do
            [ -d "$c" ] || continue
            h=$(printf '%s' "$runtime/exec/containerd/containerd.sock/moby/${c##*/}" |
                sha256sum | cut -d' ' -f1)
            rm -f "/run/containerd/s/$h"
        done
    fi
    if [ -n "$cgroup" ]; then
        kill_cgroup
        sleep 0.2
        for m in /sys/fs/cgroup/*/"$cgroup" /sys/fs/cgroup/"$cgroup"; do
            [ -d "$m" ] || continue
            find "$m" -depth -type d -exec rmdir {} \; 2>/dev/null
        done
    fi
    # Overlay, shm and netns mounts under the roots, deepest first.
    for root in "$dir" $runtime; do
        awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo |
            sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    done
    [ -n "$runtime" ] && rm -rf "$runtime"
    rm -rf "$dir"
}

skip() {
    mkdir -p "$dir" || die "cannot create $dir"
    echo "$*" >"$dir/skip"
    echo "docker_daemon.sh: no private Docker daemon: $*"
    exit 0
}

start_daemon() {
    stop_daemon
    [ "$(id -u)" -eq 0 ] || skip "dockerd needs root here, and this runs as $(id -un)"
    command -v dockerd >/dev/null || skip "no dockerd binary (install docker.io)"
    mkdir -p "$dir/root" || die "cannot create $dir"
    local runtime
    runtime=$(mktemp -d /tmp/coder-dockerd.XXXXXX) || die "cannot create a directory in /tmp"
    echo "$runtime" >"$dir/runtime"
    local cgroup="coder-test-${runtime##*.}"
    echo "$cgroup" >"$dir/cgroup"
    echo '{}' >"$dir/daemon.json"
    local socket="$runtime/docker.sock"

    dockerd --config-file "$dir/daemon.json" \
        --data-root "$dir/root" --exec-root "$runtime/exec" --pidfile "$runtime/dockerd.pid" \
        -H "unix://$socket" --cgroup-parent "/$cgroup" \
        --bridge none --iptables=false --ip6tables=false --ip-masq=false \
        --shutdown-timeout 5 --log-level warn \
        </dev/null >"$dir/dockerd.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/pid"

    for _ in $(seq 300); do
        if ! alive "$pid"; then
            cat "$dir/dockerd.log" >&2
            stop_daemon
            die "dockerd exited during its start (its log is above)"
        fi
        if [ -S "$socket" ] && curl -sf --max-time 2 --unix-socket "$socket" \
            http://docker/_ping >/dev/null 2>&1; then
            echo "$socket" >"$dir/socket.tmp"
            mv "$dir/socket.tmp" "$dir/socket"
            echo "dockerd $(dockerd --version | sed 's/^Docker version //') ready at unix://$socket"
            return 0
        fi
        sleep 0.1
    done
    cat "$dir/dockerd.log" >&2
    stop_daemon
    die "dockerd did not answer on $socket within 30 s (its log is above)"
}

case "$action" in
start) start_daemon ;;
stop) stop_daemon ;;
*) die "usage: docker_daemon.sh start|stop DIR" ;;
esac
