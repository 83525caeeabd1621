#!/usr/bin/env bash
# Installs what is missing, builds, and starts the main job on the embedded default: the desktop
# app (coder-desktop) with its local server (coderd in the app, on SQLite under
# $XDG_DATA_HOME/coder-desktop). On a machine without a display (neither DISPLAY nor
# WAYLAND_DISPLAY set) it says so and starts `coder server` alone, on SQLite under
# $XDG_DATA_HOME/coder, printing its URL.
# Arguments go to coder-desktop, or to `coder server` when there is no display
# (e.g. --http-address 0.0.0.0:3000). `installer/run.sh server [ARGS]` starts the server alone.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages build run
if [ "${1:-}" != server ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  build coder-desktop
  exec "$CODER_BUILD_DIR/app/cli/coder-desktop" --local-server "$@"
fi
[ "${1:-}" = server ] && shift
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] ||
  log "no display (DISPLAY and WAYLAND_DISPLAY are unset): starting the server alone, without the desktop app"
build coder
exec "$CODER_BUILD_DIR/app/cli/coder" server "$@"
