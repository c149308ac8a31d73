#!/usr/bin/env bash
# Starts and stops the object-store peers the backend tests run against, once per ctest run
# (a ctest fixture): s3rver behind the SigV4-checking proxy, Azurite (blob service), and the
# gcp-storage-emulator (GCS JSON API, from PyPI into gcs-venv/) when it is installed, all on
# free loopback ports. `start` writes peers.env (ports, pids) into the directory; tests that
# find no peers.env start their own peers or skip. The npm packages come from `npm ci` in the
# same directory (see tests/CMakeLists.txt).
#   peers.sh start|stop <dir>
set -uo pipefail
cmd=$1
dir=$(cd "$2" && pwd)
env_file="$dir/peers.env"

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_port() {
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

stop() {
  if [[ -f "$env_file" ]]; then
    # shellcheck disable=SC1090
    source "$env_file"
    for pid in ${PEER_PIDS:-}; do kill "$pid" 2>/dev/null; done
    rm -f "$env_file"
    [[ -n "${PEER_DATA:-}" ]] && rm -rf "$PEER_DATA"
  fi
}

case "$cmd" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop <dir>" >&2; exit 2 ;;
esac

stop
if [[ ! -d "$dir/node_modules/s3rver" || ! -d "$dir/node_modules/azurite" ]]; then
  echo "peers.sh: npm packages missing in $dir (npm ci failed?); object-store tests will skip" >&2
  exit 0
fi
data=$(mktemp -d /tmp/vivace-objstore-peers-XXXXXX)
mkdir -p "$data/s3" "$data/azurite"
s3_port=$(free_port); proxy_port=$(free_port); azure_port=$(free_port); gcs_port=0
cd "$dir"
# Plain background children ($! is the server's own pid, for `stop`); their output goes to
# files so that ctest does not wait on them.
node --openssl-legacy-provider node_modules/s3rver/bin/s3rver.js -d "$data/s3" -a 127.0.0.1 \
  -p "$s3_port" --silent >"$data/s3rver.log" 2>&1 </dev/null &
pids="$!"
node sigv4-proxy.mjs "$proxy_port" "$s3_port" >"$data/proxy.log" 2>&1 </dev/null &
pids="$pids $!"
node node_modules/azurite/dist/src/blob/main.js --blobHost 127.0.0.1 --blobPort "$azure_port" \
  --location "$data/azurite" --skipApiVersionCheck --disableTelemetry --loose >"$data/azurite.log" 2>&1 </dev/null &
pids="$pids $!"
if [[ -x "$dir/gcs-venv/bin/gcp-storage-emulator" ]]; then
  gcs_port=$(free_port)
  "$dir/gcs-venv/bin/gcp-storage-emulator" start --host 127.0.0.1 --port "$gcs_port" --quiet \
    --in-memory >"$data/gcs.log" 2>&1 </dev/null &
  pids="$pids $!"
fi
ok=1
for p in "$s3_port" "$proxy_port" "$azure_port"; do wait_port "$p" || ok=0; done
if [[ "$gcs_port" != 0 ]] && ! wait_port "$gcs_port"; then
  echo "peers.sh: the GCS emulator did not start; GCS tests will skip" >&2
  gcs_port=0
fi
if [[ $ok -ne 1 ]]; then
  echo "peers.sh: peers did not start; logs:" >&2
  tail -n 20 "$data"/*.log >&2
  for pid in $pids; do kill "$pid" 2>/dev/null; done
  exit 0
fi
cat >"$env_file" <<EOV
S3RVER_PORT=$s3_port
S3_PROXY_PORT=$proxy_port
AZURITE_PORT=$azure_port
GCS_PORT=$gcs_port
PEER_PIDS="$pids"
PEER_DATA=$data
EOV
echo "peers.sh: s3rver :$s3_port, sigv4 proxy :$proxy_port, azurite :$azure_port, gcs :$gcs_port"
