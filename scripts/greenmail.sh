#!/usr/bin/env bash
# GreenMail (an SMTP + IMAP mail server with an HTTP API to read what it received), run from its
# Maven Central jar, for tests and local use. Anyone may send; every recipient gets a mailbox.
#   scripts/greenmail.sh start   resolve the jar (cached), start on free ports, wait until it serves
#   scripts/greenmail.sh stop    stop the server started from this checkout
#   scripts/greenmail.sh resume  start the stopped server again on the same ports (its mail is gone)
#   scripts/greenmail.sh status  print its addresses if running
# The addresses are written to .greenmail/ (smtp, imap, api; `status` prints them as NAME=value
# lines). KAIROS_GREENMAIL_STATE names another state folder: a server of its own, that a test can
# stop and resume without touching the shared one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tool="$root/tools/greenmail"
version=$(sed -n 's#.*<greenmail.version>\(.*\)</greenmail.version>.*#\1#p' "$tool/pom.xml")
state="${KAIROS_GREENMAIL_STATE:-$root/.greenmail}"
lib="${KAIROS_GREENMAIL_CACHE:-$HOME/.cache/kairos/greenmail-$version}"
mkdir -p "$state"

# shellcheck source=lib/local-server.sh
. "$root/scripts/lib/local-server.sh"

addresses() {
  echo "SMTP=smtp://127.0.0.1:$(cat "$state/smtp.port")"
  echo "IMAP=imap://127.0.0.1:$(cat "$state/imap.port")"
  echo "API=http://127.0.0.1:$(cat "$state/api.port")"
}

start() {
  if running; then addresses; return; fi
  resolve_jars "GreenMail $version"
  # One free port per protocol, all different (the setup.test.all preset would bind fixed ones).
  local ports=()
  while [ "${#ports[@]}" -lt 3 ]; do
    local p; p=$(free_port)
    [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
  done
  echo "${ports[0]}" >"$state/smtp.port"
  echo "${ports[1]}" >"$state/imap.port"
  echo "${ports[2]}" >"$state/api.port"
  launch
}

resume() {
  if running; then addresses; return; fi
  if [ ! -f "$state/smtp.port" ]; then echo "greenmail: nothing to resume in $state; use start" >&2; exit 1; fi
  launch
}

launch() {
  local api; api=$(cat "$state/api.port")
  : >"$state/greenmail.log"
  nohup java -Xms64m -Xmx256m -XX:TieredStopAtLevel=1 \
    -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$(cat "$state/smtp.port")" \
    -Dgreenmail.imap.hostname=127.0.0.1 -Dgreenmail.imap.port="$(cat "$state/imap.port")" \
    -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$api" \
    -Dgreenmail.auth.disabled \
    -cp "$lib/*" com.icegreen.greenmail.standalone.GreenMailStandaloneRunner >"$state/greenmail.log" 2>&1 &
  echo $! >"$state/pid"
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$api/api/service/readiness" >/dev/null 2>&1; then
      addresses >"$state/addresses"; addresses; return
    fi
    if ! running; then echo "greenmail: server exited; see $state/greenmail.log" >&2; tail -20 "$state/greenmail.log" >&2; exit 1; fi
    sleep 0.25
  done
  echo "greenmail: server did not start within 30 s; see $state/greenmail.log" >&2
  exit 1
}

stop() {
  stop_server
  rm -f "$state/addresses"
}

case "${1:-}" in
  start) start ;;
  resume) resume ;;
  stop) stop ;;
  status) running && addresses || { echo "greenmail: not running" >&2; exit 1; } ;;
  *) echo "usage: $0 start|resume|stop|status" >&2; exit 2 ;;
esac
