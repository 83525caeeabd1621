#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs the whole CTest suite, PostgreSQL
# suites included: CTest's postgres_start/postgres_stop fixtures start and stop a throwaway
# cluster; the trap below stops it too if the run is interrupted.
# Arguments are passed to ctest (e.g. -R identity).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages build run test
build

cleanup() { "$CODER_ROOT/tests/support/pg_cluster.sh" stop "$CODER_BUILD_DIR/test-postgres" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

log "running the tests"
ctest --test-dir "$CODER_BUILD_DIR" --output-on-failure -j"${CODER_TEST_JOBS:-2}" "$@"
