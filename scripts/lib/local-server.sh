# What the scripts that run a local server for tests (kafka.sh, greenmail.sh, radicale.sh, mongo.sh) share.
# Sourced; each script sets $state (the folder of the server's pid file), and those that run one
# from its Maven Central jars $tool (the folder of the pom.xml naming the jars) and $lib (the cache
# they are copied to).

# Copies the jars the pom names, and what they need, into $lib once; later runs find them there.
resolve_jars() {
  local what=$1
  if [ -f "$lib/.complete" ]; then return; fi
  mkdir -p "$lib"
  echo "resolving $what from Maven Central into $lib" >&2
  mvn -B -q -f "$tool/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$lib" -DincludeScope=runtime >&2
  touch "$lib/.complete"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

running() { [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; }

# A clean stop, given 10 s, then a kill.
stop_server() {
  if running; then
    local pid; pid=$(cat "$state/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$state/pid"
}

# Waits up to 30 s for the server just launched to answer `ready` (a command given after the name
# and log); fails naming its log when it exits first or never gets there.
await_ready() {
  local name=$1 log=$2; shift 2
  for _ in $(seq 1 120); do
    if "$@"; then return; fi
    if ! running; then echo "$name: server exited; see $log" >&2; tail -20 "$log" >&2; exit 1; fi
    sleep 0.25
  done
  echo "$name: server did not start within 30 s; see $log" >&2
  exit 1
}
