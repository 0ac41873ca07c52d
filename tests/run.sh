#!/usr/bin/env bash
# The test command: builds everything, runs the .NET tests, then the end-to-end tests that drive
# the standalone host with real Mastodon client libraries (Node) and headless Chromium. Needs the
# .NET 10 SDK and Node.js; installs Debian's chromium if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
logs="$(mktemp -d)"
server_pids=()
stop_servers() { for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap 'stop_servers; rm -rf "$logs"' EXIT

# Starts a local stand-in from tests/servers in the background: it prints "… listening at <endpoint>"
# when ready; the endpoint is exported in the named variable for the .NET tests. Usage:
#   start_server NAME VARIABLE command args…
start_server() {
  local name="$1" variable="$2"; shift 2
  "$@" >"$logs/$name.log" 2>&1 &
  server_pids+=("$!")
  local endpoint=""
  for _ in $(seq 1 600); do
    endpoint="$(sed -n 's/^.* listening at \([^ ]*\)$/\1/p' "$logs/$name.log" | head -n 1)"
    [ -n "$endpoint" ] && break
    kill -0 "${server_pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$endpoint" ]; then
    echo "$name did not start:"; cat "$logs/$name.log"; return 1
  fi
  export "$variable=$endpoint"
  echo "$name at $endpoint"
}

# The OAuth page tests drive Debian's Chromium (tests/e2e/oauth-browser.test.mjs).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then
  echo "== installing Debian's chromium for the browser tests"
  sudo=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
fi

echo "== build ($configuration)"
dotnet build Serverless.sln -c "$configuration" -nologo -v quiet

# InfraTests read the compiled Bicep (infra/bin/main.json). CI builds it before this script
# (.ci/run); a developer's run builds it here when it is missing or older than its sources.
if [ ! -f infra/bin/main.json ] || [ -n "$(find infra \( -name '*.bicep' -o -name cosmos-containers.json \) -newer infra/bin/main.json)" ]; then
  echo "== Bicep build and lint (infra/bin/main.json)"
  bash infra/bicep.sh
fi

echo "== local Azure stand-ins (tests/servers)"
(cd tests/servers && npm ci --no-audit --no-fund --loglevel=error)
start_server azurite AZURITE_BLOB_ENDPOINT node tests/servers/azurite/start.js
start_server cosmos COSMOS_TEST_ENDPOINT node tests/servers/cosmos/shim.js

echo "== .NET tests"
dotnet_status=0
dotnet test Serverless.sln -c "$configuration" --no-build -nologo 2>&1 | tee "$logs/dotnet.txt" || dotnet_status=$?

echo "== end-to-end tests (masto.js)"
node_status=0
(
  cd tests/e2e
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
  SERVER_DLL="$PWD/../../functions/Serverless.Standalone/bin/$configuration/net10.0/Serverless.Standalone.dll" npm test --silent
) 2>&1 | tee "$logs/node.txt" || node_status=$?

echo "== end-to-end tests on STORAGE_ADAPTERS=azure (Cosmos DB API server, Azurite)"
(
  cd tests/e2e
  # The emulators' well-known development keys. Each file's server starts on an empty database of its own.
  export STORAGE_ADAPTERS=azure Cosmos__accountEndpoint="$COSMOS_TEST_ENDPOINT"
  export Cosmos__key="C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
  export MediaStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=$AZURITE_BLOB_ENDPOINT;"
  export SERVER_DLL="$PWD/../../functions/Serverless.Standalone/bin/$configuration/net10.0/Serverless.Standalone.dll"
  status=0
  for file in masto.test.mjs media.test.mjs statuses.test.mjs accounts.test.mjs; do
    Cosmos__database="e2e-${file%%.*}" node --test --test-concurrency=1 --test-timeout=120000 "$file" || status=1
  done
  exit "$status"
) 2>&1 | tee -a "$logs/node.txt" || node_status=$?

# One closing line for every runner together.
count() { (set +o pipefail; grep -Eo "$1" "$2" | grep -Eo '[0-9]+$' | awk '{s+=$1} END {print s+0}'); }
dotnet_passed=$(count 'Passed: +[0-9]+' "$logs/dotnet.txt")
dotnet_failed=$(count 'Failed: +[0-9]+' "$logs/dotnet.txt")
node_passed=$(count '^# pass [0-9]+' "$logs/node.txt")
node_failed=$(count '^# fail [0-9]+' "$logs/node.txt")
passed=$(( dotnet_passed + node_passed ))
failed=$(( dotnet_failed + node_failed ))
if [ "$dotnet_status" -ne 0 ] || [ "$node_status" -ne 0 ]; then
  failed=$(( failed > 0 ? failed : 1 ))
fi
echo
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
