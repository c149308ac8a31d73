#!/usr/bin/env bash
# Installs the Jaeger/Zipkin client libraries the end-to-end tests drive (spec test-peers.md §9)
# into <dir> (the build tree): the npm packages pinned in package-lock.json, Debian's Thrift
# compiler and Python library, and the Python classes generated from jaeger-client's own IDL.
# Idempotent. Never fails: without npm, the registry or root, the tests that need a missing
# peer skip with a message instead.
#   install-peers.sh <dir>
set -u
dir=${1:?install dir}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
cp "$here/package.json" "$here/package-lock.json" "$here/send.cjs" "$here/compact.py" "$dir/"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm missing: the jaeger-client / zipkin e2e tests will skip"
elif [ -f "$dir/node_modules/.package-lock.json" ] &&
     cmp -s "$dir/package-lock.json" "$dir/.installed-lock.json"; then
  echo "npm packages already installed"
else
  (cd "$dir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) &&
    cp "$dir/package-lock.json" "$dir/.installed-lock.json" ||
    echo "npm ci failed: the jaeger-client / zipkin e2e tests will skip"
fi

if ! command -v thrift >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import thrift' 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt=(apt-get)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    apt=(sudo -n apt-get)
  else
    apt=()
  fi
  if [ ${#apt[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 "${apt[@]}" install -y --no-install-recommends thrift-compiler python3-thrift \
        >/dev/null 2>&1 ||
      { timeout 300 "${apt[@]}" update >/dev/null 2>&1 &&
        timeout 300 "${apt[@]}" install -y --no-install-recommends thrift-compiler python3-thrift \
          >/dev/null 2>&1; } ||
      echo "apt-get install thrift-compiler python3-thrift failed"
  fi
fi
idl="$dir/node_modules/jaeger-client/dist/src/jaeger-idl/thrift/agent.thrift"
if command -v thrift >/dev/null 2>&1 && [ -f "$idl" ]; then
  rm -rf "$dir/py-gen" && mkdir -p "$dir/py-gen" && thrift -r --gen py -out "$dir/py-gen" "$idl" ||
    echo "thrift --gen py failed: the thrift compact e2e test will skip"
else
  echo "thrift compiler or jaeger-client IDL missing: the thrift compact e2e test will skip"
fi
exit 0
