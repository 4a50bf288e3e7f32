#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft) run from its Maven Central jars, for tests and local use.
#   scripts/kafka.sh start   resolve jars (cached), format a fresh log dir, start, wait until it accepts clients
#   scripts/kafka.sh stop    stop the broker started from this checkout
#   scripts/kafka.sh resume  start the stopped broker again on its port, with the data it had
#   scripts/kafka.sh status  print the bootstrap address if running
# The bootstrap address is written to .kafka/brokers; KAIROS_KAFKA_BROKERS can be set from it.
# KAIROS_KAFKA_STATE names another state folder: a broker of its own (a test that stops and resumes
# it leaves the shared one alone). KAIROS_KAFKA_JAVA_OPTS adds JVM options (a test's broker starts
# faster with -XX:TieredStopAtLevel=1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tool="$root/tools/kafka"
state="${KAIROS_KAFKA_STATE:-$root/.kafka}"
lib="${KAIROS_KAFKA_CACHE:-$HOME/.cache/kairos/kafka-3.9.1}"
mkdir -p "$state"

# shellcheck source=lib/local-server.sh
. "$root/scripts/lib/local-server.sh"

start() {
  if running; then cat "$state/brokers"; return; fi
  resolve_jars "Apache Kafka 3.9.1 jars"
  local port ctl
  port=${KAFKA_PORT:-$(free_port)}
  ctl=$(free_port)
  while [ "$ctl" = "$port" ]; do ctl=$(free_port); done
  rm -rf "$state/data"
  sed -e "s#@PORT@#$port#g" -e "s#@CTL@#$ctl#g" -e "s#@DATA@#$state/data#g" "$tool/server.properties.in" >"$state/server.properties"
  local java=(java -Xms256m -Xmx512m ${KAIROS_KAFKA_JAVA_OPTS:-} "-Dlog4j.configuration=file:$tool/log4j.properties" -cp "$lib/*")
  local id
  id=$("${java[@]}" kafka.tools.StorageTool random-uuid | tail -1)
  "${java[@]}" kafka.tools.StorageTool format -t "$id" -c "$state/server.properties" >"$state/format.log" 2>&1
  echo "127.0.0.1:$port" >"$state/address"
  launch
}

resume() {
  if running; then cat "$state/brokers"; return; fi
  if [ ! -f "$state/address" ] || [ ! -d "$state/data" ]; then echo "kafka: nothing to resume in $state; use start" >&2; exit 1; fi
  launch
}

launch() {
  local java=(java -Xms256m -Xmx512m ${KAIROS_KAFKA_JAVA_OPTS:-} "-Dlog4j.configuration=file:$tool/log4j.properties" -cp "$lib/*")
  : >"$state/kafka.log"
  nohup "${java[@]}" kafka.Kafka "$state/server.properties" >"$state/kafka.log" 2>&1 &
  echo $! >"$state/pid"
  cp "$state/address" "$state/brokers"
  for _ in $(seq 1 120); do
    if grep -q "Kafka Server started\|\[KafkaRaftServer nodeId=1\] Kafka Server started" "$state/kafka.log" 2>/dev/null; then
      cat "$state/brokers"; return
    fi
    if ! running; then echo "kafka: broker exited; see $state/kafka.log" >&2; tail -20 "$state/kafka.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "kafka: broker did not start within 60 s; see $state/kafka.log" >&2
  exit 1
}

stop() {
  stop_server
  rm -f "$state/brokers"
}

case "${1:-}" in
  start) start ;;
  resume) resume ;;
  stop) stop ;;
  status) running && cat "$state/brokers" || { echo "kafka: not running" >&2; exit 1; } ;;
  *) echo "usage: $0 start|resume|stop|status" >&2; exit 2 ;;
esac
