# Shared by installer/run.sh and installer/test.sh: install what is missing, then build.
# Sourced, not run.

CODER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CODER_BUILD_DIR=${CODER_BUILD_DIR:-$CODER_ROOT/build}

# ccache hits across clones in other folders (CI builds a fresh clone each run).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$CODER_ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# packages_for GROUP...: the packages of those groups in installer/packages.txt
packages_for() {
  local groups=" $* "
  sed -e 's/#.*//' "$CODER_ROOT/installer/packages.txt" |
    while read -r package group; do
      [ -n "$package" ] && [[ "$groups" == *" $group "* ]] && echo "$package"
    done
}

# ensure_packages GROUP...: apt-get only when something is missing, so a second run
# touches nothing.
ensure_packages() {
  local missing=()
  local package
  for package in $(packages_for "$@"); do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  log "installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build [TARGET...]: configure once (Ninja, ccache when present), then build.
build() {
  if [ ! -f "$CODER_BUILD_DIR/build.ninja" ]; then
    log "configuring $CODER_BUILD_DIR"
    cmake -S "$CODER_ROOT" -B "$CODER_BUILD_DIR" -G Ninja \
      -DCMAKE_BUILD_TYPE="${CODER_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  fi
  log "building ${*:-everything}"
  if [ $# -gt 0 ]; then
    local targets=()
    for t in "$@"; do targets+=(--target "$t"); done
    cmake --build "$CODER_BUILD_DIR" "${targets[@]}"
  else
    cmake --build "$CODER_BUILD_DIR"
  fi
}
