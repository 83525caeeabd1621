#!/bin/sh
# Runs a command under a private D-Bus session bus with an unlocked gnome-keyring (a real
# Secret Service), in a throwaway HOME so the user's own keyring is never touched.
# Usage: with_keyring.sh COMMAND [ARGS...]
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
HOME="$tmp"
XDG_RUNTIME_DIR="$tmp/run"
XDG_DATA_HOME="$tmp/data"
XDG_CONFIG_HOME="$tmp/config"
# Tells the tests a real keyring is there to use.
CODER_TEST_KEYRING=1
export HOME XDG_RUNTIME_DIR XDG_DATA_HOME XDG_CONFIG_HOME CODER_TEST_KEYRING
mkdir -m 700 "$XDG_RUNTIME_DIR"
# The daemon leaves with the bus when dbus-run-session ends.
dbus-run-session -- sh -c \
  'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' \
  with_keyring "$@"
