#!/usr/bin/env bash
# Radicale (a CalDAV and CardDAV server, Debian's package), for tests and local use. Any username
# and password log in; each user may create and change collections under its own principal only.
#   scripts/radicale.sh start   install it if missing, start on a free port with empty storage, wait until it serves
#   scripts/radicale.sh stop    stop the server started from this checkout and drop its storage
#   scripts/radicale.sh status  print its base URL if running
# The base URL (http://127.0.0.1:PORT/) is the last line `start` prints and is written to
# .radicale/url. KAIROS_RADICALE_STATE names another state folder: a server of its own.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
state="${KAIROS_RADICALE_STATE:-$root/.radicale}"
mkdir -p "$state"

# shellcheck source=lib/local-server.sh
. "$root/scripts/lib/local-server.sh"

install() {
  if command -v radicale >/dev/null 2>&1; then return; fi
  echo "installing Debian's radicale" >&2
  local sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  # Another install running on the machine holds dpkg's lock for a while: wait for it, do not fail.
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y radicale >&2
}

start() {
  if running; then cat "$state/url"; return; fi
  install
  local port; port=$(free_port)
  rm -rf "$state/collections"
  # Only this file is read (--config replaces /etc/radicale/config, which asks a proxy to authenticate).
  cat >"$state/config" <<CONFIG
[server]
hosts = 127.0.0.1:$port
[auth]
type = none
[rights]
type = owner_only
[storage]
filesystem_folder = $state/collections
[web]
type = none
[logging]
level = warning
mask_passwords = True
CONFIG
  : >"$state/radicale.log"
  nohup radicale --config "$state/config" >"$state/radicale.log" 2>&1 &
  echo $! >"$state/pid"
  local url="http://127.0.0.1:$port/"
  # An OPTIONS request needs no login and is answered once the server listens.
  await_ready radicale "$state/radicale.log" curl -sf -o /dev/null -X OPTIONS "$url"
  echo "$url" >"$state/url"; echo "$url"
}

stop() {
  stop_server
  rm -rf "$state/url" "$state/collections"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running && cat "$state/url" || { echo "radicale: not running" >&2; exit 1; } ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
