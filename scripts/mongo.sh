#!/usr/bin/env bash
# mongo-java-server (a MongoDB wire-protocol stand-in, not MongoDB) with its in-memory backend, run
# from its Maven Central jars through tools/mongo/MongoStandIn.java, for tests and local use.
#   scripts/mongo.sh start   resolve the jars (cached), start on a free port, wait until it listens
#   scripts/mongo.sh stop    stop the server started from this checkout (its data is gone)
#   scripts/mongo.sh status  print its URL if running
# The URL (mongodb://127.0.0.1:PORT) is the last line `start` prints, and is written to .mongo/url.
# KAIROS_MONGO_STATE names another state folder: a server of its own.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tool="$root/tools/mongo"
version=$(sed -n 's#.*<mongo-java-server.version>\(.*\)</mongo-java-server.version>.*#\1#p' "$tool/pom.xml")
state="${KAIROS_MONGO_STATE:-$root/.mongo}"
lib="${KAIROS_MONGO_CACHE:-$HOME/.cache/kairos/mongo-java-server-$version}"
mkdir -p "$state"

# shellcheck source=lib/local-server.sh
. "$root/scripts/lib/local-server.sh"

start() {
  if running; then cat "$state/url"; return; fi
  resolve_jars "mongo-java-server $version"
  local port; port=$(free_port)
  : >"$state/mongo.log"
  # A single-file source program: the JVM compiles the launcher in memory as it starts.
  nohup java -Xms64m -Xmx512m -XX:TieredStopAtLevel=1 -cp "$lib/*" "$tool/MongoStandIn.java" "$port" >"$state/mongo.log" 2>&1 &
  echo $! >"$state/pid"
  await_ready mongo "$state/mongo.log" grep -q "^listening on" "$state/mongo.log"
  echo "mongodb://127.0.0.1:$port" >"$state/url"; cat "$state/url"
}

stop() {
  stop_server
  rm -f "$state/url"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running && cat "$state/url" || { echo "mongo: not running" >&2; exit 1; } ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
