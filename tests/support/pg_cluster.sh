#!/bin/bash
# pg_cluster.sh start|stop DIR
# pg_cluster.sh restart DIR [DOWN_SECONDS]
# A throwaway PostgreSQL cluster for one test run. start writes the URL of its superuser
# database to DIR/url; stop shuts it down and removes DIR. Both are idempotent: start first
# stops a cluster that an earlier, crashed run left in DIR. restart stops the server (fast:
# every connection is cut), leaves it down DOWN_SECONDS (default 0) and starts it again on the
# same port, for tests of what survives a database restart.
set -u

die() { echo "pg_cluster.sh: $*" >&2; exit 1; }

[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: pg_cluster.sh start|stop|restart DIR [DOWN_SECONDS]"
action=$1
dir=$2
down=${3:-0}
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ] || die "no PostgreSQL server found under /usr/lib/postgresql/*/bin (install the postgresql package)"

# initdb refuses to run as root, so root runs the server as the postgres user.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

stop_cluster() {
    [ -d "$dir" ] || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 20 stop >/dev/null 2>&1
        if [ -f "$dir/data/postmaster.pid" ]; then
            pid=$(head -n 1 "$dir/data/postmaster.pid")
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                kill -KILL "$pid" 2>/dev/null
                for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            fi
        fi
    fi
    rm -rf "$dir"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_cluster() {
    stop_cluster
    mkdir -p "$dir/sock" || die "cannot create $dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$dir" || die "cannot hand $dir to the postgres user"
    fi
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    # A free port can be taken between the check and the start: try a few.
    for _ in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" && continue
        options="-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 -o "$options" \
            start >/dev/null 2>&1; then
            echo "$options" >"$dir/options"
            echo "postgres://postgres@127.0.0.1:$port/postgres" >"$dir/url.tmp"
            mv "$dir/url.tmp" "$dir/url"
            echo "PostgreSQL $(basename "$(dirname "$bindir")") ready at $(cat "$dir/url")"
            return 0
        fi
    done
    cat "$dir/log" >&2 2>/dev/null
    stop_cluster
    die "the server did not start"
}

restart_cluster() {
    [ -f "$dir/options" ] || die "no cluster was started in $dir"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
        die "the server did not stop"
    sleep "$down"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 -o "$(cat "$dir/options")" \
        start >/dev/null 2>&1 || { cat "$dir/log" >&2; die "the server did not start again"; }
}

case "$action" in
start) start_cluster ;;
stop) stop_cluster ;;
restart) restart_cluster ;;
*) die "usage: pg_cluster.sh start|stop|restart DIR [DOWN_SECONDS]" ;;
esac
