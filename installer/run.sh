#!/usr/bin/env bash
# Installs what is missing, builds, and starts the main job on the embedded default:
# `coder server` on SQLite under $XDG_DATA_HOME/coder (~/.local/share/coder), printing its URL.
# Arguments are passed to `coder server` (e.g. --http-address 0.0.0.0:3000).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages build run
build coder
exec "$CODER_BUILD_DIR/app/cli/coder" server "$@"
