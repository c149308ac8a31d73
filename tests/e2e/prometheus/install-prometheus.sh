#!/usr/bin/env bash
# Installs the Prometheus test peer (Debian package `prometheus`, spec test-peers.md §3) when it
# is missing. Idempotent. Never fails: without root or without the package registry the
# end-to-end tests that need Prometheus skip with a message instead.
set -u
if command -v prometheus >/dev/null 2>&1; then
  echo "prometheus: $(prometheus --version 2>&1 | head -1)"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo -n apt-get)
else
  echo "prometheus missing and no root to install it: the Prometheus e2e tests will skip"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# The package's postinst does not start a daemon on this image (no systemd, policy-rc.d).
timeout 300 "${apt[@]}" install -y --no-install-recommends prometheus >/dev/null 2>&1 ||
  { timeout 300 "${apt[@]}" update >/dev/null 2>&1 &&
    timeout 300 "${apt[@]}" install -y --no-install-recommends prometheus >/dev/null 2>&1; } ||
  echo "apt-get install prometheus failed: the Prometheus e2e tests will skip"
exit 0
