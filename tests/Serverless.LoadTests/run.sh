#!/usr/bin/env bash
# Load test of the client API (issue 3): seeds an embedded data directory, starts the standalone
# host on a free loopback port, loads it with wrk, samples its memory, measures fan-out latency,
# and writes results/results.md with the raw outputs under results/raw/.
#
#   bash tests/Serverless.LoadTests/run.sh [--quick] [--reps N] [--duration 20s] [--statuses N]
#        [--data DIR] [--label TEXT] [--no-build] [--results DIR]
#
#   --quick      5 s runs, 10,000 statuses, short warm-up: for trying the harness, not for numbers
#   --reps N     repetitions of the whole wrk set (default 2), to show the spread
#   --data DIR   seed into DIR, or reuse it if it holds a finished seed (default: a new temp dir, removed at the end)
#   --label TEXT a line printed at the top of results.md (e.g. "trial under load")
#   --server-env KEY=VALUE  an extra environment variable for the server (repeatable)
#
# Bounded: loopback only; every wait has a deadline. Defaults take about 10 minutes on 2 quiet cores
# (build 1-2 min, seeding 100,000 statuses ~1.5 min, load ~7 min); --quick about 3 minutes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

quick=0
reps=2
duration=""
statuses=""
data_dir=""
label=""
build=1
results="$here/results"
connections=(8 32)
threads=2
fanout_timeout=10
args_text="$*"
extra_env=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --reps) reps="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --statuses) statuses="$2"; shift ;;
    --data) data_dir="$2"; shift ;;
    --label) label="$2"; shift ;;
    --no-build) build=0 ;;
    --server-env) extra_env+=("$2"); shift ;;
    --results) results="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ $quick == 1 ]]; then
  duration="${duration:-5s}"
  statuses="${statuses:-10000}"
  warmup=2s
else
  duration="${duration:-20s}"
  statuses="${statuses:-100000}"
  warmup=5s
fi

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# wrk from Debian if it is missing.
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  if [[ $(id -u) == 0 ]]; then apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else sudo apt-get install -y wrk >/dev/null; fi
fi

standalone_dir="$repo/functions/Serverless.Standalone/bin/Release/net10.0"
loadtests_dll="$here/bin/Release/net10.0/Serverless.LoadTests.dll"
if [[ $build == 1 ]]; then
  log "building Release (standalone host and load harness)"
  dotnet build -c Release "$repo/functions/Serverless.Standalone" -nologo -v q >/dev/null
  dotnet build -c Release "$here" -nologo -v q >/dev/null
fi
harness() { dotnet "$loadtests_dll" "$@"; }

raw="$results/raw"
rm -rf "$raw"
mkdir -p "$raw/wrk"

temp_data=0
if [[ -z "$data_dir" ]]; then
  data_dir="$(mktemp -d /tmp/serverless-loadtest.XXXXXX)"
  temp_data=1
fi

server_pid=""
sampler_pid=""
cleanup() {
  [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  if [[ $temp_data == 1 ]]; then rm -rf "$data_dir"; fi
}
trap cleanup EXIT

loadavg() { printf '%s\t%s\n' "$1" "$(cat /proc/loadavg)" >> "$raw/loadavg.tsv"; }

started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
loadavg "at start"

log "seeding $statuses statuses into $data_dir"
timeout 900 dotnet "$loadtests_dll" seed --data "$data_dir" --statuses "$statuses" --followed 1000 | tee "$raw/seed.txt"
domain="$(jq -r .domain "$data_dir/loadtest.json")"
# What was seeded, without the tokens, so that the report can be written again from raw/ alone.
jq '.sampleFollowers = []' "$data_dir/loadtest.json" > "$raw/seed.json"
token="$(tr -d '\n' < "$data_dir/token.txt")"

# A free loopback port.
port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[[ -n "$port" ]] || { echo "no free port found" >&2; exit 1; }
base="http://127.0.0.1:$port"

server_env="DATA_DIR=$data_dir PORT=$port BIND=127.0.0.1 LOCAL_DOMAIN=$domain LOCAL_HTTPS=false RATE_LIMIT_REQUESTS=0${extra_env[*]:+ ${extra_env[*]}}"
log "starting the standalone host on $base"
server_exe="$standalone_dir/Serverless.Standalone"
if [[ ! -x "$server_exe" ]]; then server_exe=""; fi
(
  cd "$standalone_dir"
  export DATA_DIR="$data_dir" PORT="$port" BIND=127.0.0.1 LOCAL_DOMAIN="$domain" LOCAL_HTTPS=false RATE_LIMIT_REQUESTS=0
  # env, not export: configuration keys such as Logging__LogLevel__Microsoft.AspNetCore are no shell names.
  if [[ -n "$server_exe" ]]; then exec env "${extra_env[@]}" "$server_exe"; else exec env "${extra_env[@]}" dotnet Serverless.Standalone.dll; fi
) > "$raw/server.log" 2>&1 &
server_pid=$!

deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null "$base/api/v1/instance" 2>/dev/null; do
  if ! kill -0 "$server_pid" 2>/dev/null; then echo "the server exited; see $raw/server.log" >&2; tail -20 "$raw/server.log" >&2; exit 1; fi
  if (( SECONDS > deadline )); then echo "the server did not answer within 60 s" >&2; exit 1; fi
  sleep 0.5
done
log "server up (pid $server_pid)"

# Memory: VmRSS and VmHWM every second, tagged with the current phase.
phase_file="$raw/.phase"
echo "idle-before" > "$phase_file"
(
  while kill -0 "$server_pid" 2>/dev/null; do
    read -r rss hwm < <(awk '/^VmRSS:/{r=$2} /^VmHWM:/{h=$2} END{print r, h}' "/proc/$server_pid/status" 2>/dev/null || echo "0 0")
    printf '%s\t%s\t%s\t%s\n' "$(date +%s%3N)" "$(cat "$phase_file")" "$rss" "$hwm"
    sleep 1
  done
) > "$raw/rss.tsv" 2>/dev/null &
sampler_pid=$!
sleep 2

log "checking every endpoint once"
echo "check" > "$phase_file"
harness check --data "$data_dir" --url "$base" | tee "$raw/check.txt"

mapfile -t endpoint_lines < <(harness endpoints)
declare -A paths=()
names=()
for line in "${endpoint_lines[@]}"; do
  name="${line%%$'\t'*}"; paths[$name]="${line#*$'\t'}"; names+=("$name")
done

run_wrk() { # connections duration path output
  timeout 120 wrk -t"$threads" -c"$1" -d"$2" --latency \
    -H "Authorization: Bearer $token" -H 'User-Agent: serverless-loadtest' \
    "$base$3" > "$4" 2>&1 || echo "wrk exited with $?" >> "$4"
}

log "warm-up: $warmup per endpoint"
for name in "${names[@]}"; do
  echo "warmup-$name" > "$phase_file"
  run_wrk 8 "$warmup" "${paths[$name]}" "$raw/wrk/warmup-$name.txt"
done

for rep in $(seq 1 "$reps"); do
  loadavg "before repetition $rep"
  for c in "${connections[@]}"; do
    # The baseline brackets each set: ratios use the mean of the two.
    for name in baseline-before "${names[@]:1}" baseline-after; do
      endpoint="${name%-before}"; endpoint="${endpoint%-after}"
      echo "rep$rep-c$c-$name" > "$phase_file"
      log "rep $rep, concurrency $c: $name ($duration)"
      run_wrk "$c" "$duration" "${paths[$endpoint]}" "$raw/wrk/rep$rep-c$c-$name.txt"
      grep -E 'Requests/sec|99%|Non-2xx|Socket' "$raw/wrk/rep$rep-c$c-$name.txt" | sed 's/^/    /' || true
    done
  done

  echo "fanout-rep$rep" > "$phase_file"
  sleep 2
  log "fan-out check $rep"
  harness fanout --data "$data_dir" --url "$base" --timeout "$fanout_timeout" --out "$raw/fanout-rep$rep.json" || log "fan-out check $rep did not reach every follower in time"
done
loadavg "after the last repetition"

echo "idle-after" > "$phase_file"
sleep 5
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""
rm -f "$phase_file"

finished="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
server_errors="$(grep -cE '^(warn|fail|crit):' "$raw/server.log" || true)"
# Keep the results small: a log that grew (per-request logging) keeps its head and tail.
log_bytes=$(stat -c %s "$raw/server.log")
if (( log_bytes > 1000000 )); then
  log_lines=$(wc -l < "$raw/server.log")
  { head -n 100 "$raw/server.log"; printf '\n... %s lines (%s bytes) in all; the middle is cut ...\n\n' "$log_lines" "$log_bytes"; tail -n 100 "$raw/server.log"; } > "$raw/server.log.cut"
  mv "$raw/server.log.cut" "$raw/server.log"
  server_errors="$server_errors (the log had $log_lines lines, $log_bytes bytes)"
fi

if [[ $quick == 1 && -z "$label" ]]; then label="Quick trial (--quick: $duration runs, $statuses statuses): checks that the harness works; not a measurement."; fi
cat > "$raw/meta.txt" <<EOF
label=$label
started=$started
finished=$finished
args=$args_text
git_commit=$(git -C "$repo" rev-parse --short HEAD)
git_dirty=$(git -C "$repo" status --porcelain -- . ":(exclude)tests/Serverless.LoadTests/results" | wc -l | awk '$1 > 0 {print $1}')
cores=$(nproc)
cpu_model=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
mem_total=$(awk '/^MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo)
wrk_version=$(wrk -v 2>&1 | awk 'NR==1{print $2}')
wrk_threads=$threads
wrk_duration=$duration
warmup=$warmup
connections=${connections[*]}
reps=$reps
statuses=$statuses
server_env=$server_env
server_errors=$server_errors
EOF

harness report --raw "$raw" --out "$results/results.md" > /dev/null
log "results: $results/results.md"
