#!/usr/bin/env bash
# CI hook for the soak (docs/soak.md): 30 virtual users for 60 s of load, about 90 s wall.
# Needs redis-server and redis-cli on PATH; starts and stops its own Redis and Cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
exec npm run -s soak -- --ci
