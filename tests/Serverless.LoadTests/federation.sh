#!/usr/bin/env bash
# Inbox load test (issue 4): signed inbox POSTs, with the sender's key already known, against the
# standalone host on loopback. Seeds a data directory holding one remote actor and its key (as the
# server has it after one fetch), pre-signs distinct Create activities, loads POST /inbox with wrk
# (new activities, and duplicates separately) between runs of an unsigned baseline, counts what the
# server took in, and writes results/<name>.md with the raw outputs under results/raw-<name>/.
#
#   bash tests/Serverless.LoadTests/federation.sh [--quick] [--reps N] [--duration 20s] [--pool N]
#        [--workers off|on] [--name NAME] [--label TEXT] [--no-build] [--server-env KEY=VALUE]
#
#   --quick      5 s runs, 1 repetition: for trying the harness, not for numbers
#   --reps N     repetitions of the whole set (default 2), to show the spread
#   --pool N     activities pre-signed for the first "new" run (default 100000); later runs get
#                1.3 times the most any run sent. A run that outruns its pool repeats activities
#                (duplicates): the report says how many.
#   --workers    off (default): RUN_QUEUE_WORKERS=false, the inbox alone, ingestion waits in the
#                queue; on: the queue workers ingest while the inbox is loaded
#   --name NAME  results/NAME.md and results/raw-NAME/ (default: federation, or federation-workers)
#
# Bounded: loopback only, every wait has a deadline, the server is stopped on exit. About 10 minutes
# with the defaults on 2 cores (signing, ~1,500-2,500 activities/s, is most of the time between runs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

quick=0
reps=2
duration=""
pool=100000
duplicates=2000
workers=off
name=""
label=""
build=1
connections=(8 32)
threads=2
args_text="$*"
extra_env=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --reps) reps="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --pool) pool="$2"; shift ;;
    --workers) workers="$2"; shift ;;
    --name) name="$2"; shift ;;
    --label) label="$2"; shift ;;
    --no-build) build=0 ;;
    --server-env) extra_env+=("$2"); shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

case "$workers" in
  off) run_workers=false; name="${name:-federation}" ;;
  on) run_workers=true; name="${name:-federation-workers}" ;;
  *) echo "--workers is off or on" >&2; exit 2 ;;
esac

if [[ $quick == 1 ]]; then
  duration="${duration:-5s}"
  reps=1
  pool=$(( pool < 20000 ? pool : 20000 ))
  warmup=2s
else
  duration="${duration:-20s}"
  warmup=5s
fi

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

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

results="$here/results"
raw="$results/raw-$name"
rm -rf "$raw"
mkdir -p "$raw/wrk" "$raw/counts"

data_dir="$(mktemp -d /tmp/serverless-fedload.XXXXXX)"
pools="$data_dir/pools"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

loadavg() { printf '%s\t%s\n' "$1" "$(cat /proc/loadavg)" >> "$raw/loadavg.tsv"; }
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
loadavg "at start"

log "seeding the remote actor into $data_dir"
harness fed-seed --data "$data_dir" | tee "$raw/seed.txt"
cp "$data_dir/federation.json" "$raw/seed.json"
mkdir -p "$pools"

port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[[ -n "$port" ]] || { echo "no free port found" >&2; exit 1; }
base="http://127.0.0.1:$port"
inbox="$base/inbox"
baseline_path="/api/v1/custom_emojis"

server_env="DATA_DIR=$data_dir PORT=$port BIND=127.0.0.1 LOCAL_DOMAIN=loadtest.test LOCAL_HTTPS=false RATE_LIMIT_REQUESTS=0 RUN_QUEUE_WORKERS=$run_workers${extra_env[*]:+ ${extra_env[*]}}"
log "starting the standalone host on $base (RUN_QUEUE_WORKERS=$run_workers)"
server_exe="$standalone_dir/Serverless.Standalone"
[[ -x "$server_exe" ]] || server_exe=""
(
  cd "$standalone_dir"
  export DATA_DIR="$data_dir" PORT="$port" BIND=127.0.0.1 LOCAL_DOMAIN=loadtest.test LOCAL_HTTPS=false RATE_LIMIT_REQUESTS=0 RUN_QUEUE_WORKERS="$run_workers"
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

# One signed POST by curl first: a 202 here means the key, the Host and the clock all line up.
harness fed-sign --data "$data_dir" --url "$inbox" --first 0 --count "$duplicates" --threads "$threads" --out "$pools/duplicates" | tee "$raw/sign-duplicates.txt"
IFS=$'\t' read -r date digest signature body < <(sed -n 2p "$pools/duplicates.0.tsv")
probe=$(curl -sS -o "$raw/probe-body.txt" -w '%{http_code}' -X POST "$inbox" -H "Date: $date" -H "Digest: $digest" -H "Signature: $signature" \
  -H 'Content-Type: application/activity+json' -H 'User-Agent: serverless-loadtest' --data-binary "$body")
log "one signed POST /inbox by curl: $probe"
[[ "$probe" == 202 ]] || { echo "the inbox answered $probe to a signed activity: $(cat "$raw/probe-body.txt")" >&2; exit 1; }

count() { harness fed-count --data "$data_dir" --out "$raw/counts/$1.json" > /dev/null; }

run_inbox() { # connections duration pool-prefix output
  timeout 120 wrk -t"$threads" -c"$1" -d"$2" --latency -s "$here/wrk/inbox.lua" "$inbox" -- "$3" serverless-loadtest > "$4" 2>&1 || echo "wrk exited with $?" >> "$4"
}
run_baseline() { # connections duration output
  timeout 120 wrk -t"$threads" -c"$1" -d"$2" --latency -H 'User-Agent: serverless-loadtest' "$base$baseline_path" > "$3" 2>&1 || echo "wrk exited with $?" >> "$3"
}
requests_of() { awk '/ requests in /{print $1; exit}' "$1"; }
show() { grep -E 'Requests/sec|99%|Non-2xx|Socket|Pool' "$1" | sed 's/^/    /' || true; }

# Warm-up: the duplicate pool's first pass is new activities, then repeats (both paths warm); then the baseline.
log "warm-up: $warmup of signed POSTs (the duplicate pool), $warmup of the baseline"
run_inbox 8 "$warmup" "$pools/duplicates" "$raw/wrk/warmup-inbox.txt"
show "$raw/wrk/warmup-inbox.txt"
# The duplicate runs must find every activity of their pool already received: more passes if the warm-up did not get through it.
count warmup
for pass in 2 3 4; do
  received=$(jq -r .received "$raw/counts/warmup.json")
  (( received >= duplicates )) && break
  log "the warm-up reached $received of $duplicates activities: another pass"
  run_inbox 8 "$warmup" "$pools/duplicates" "$raw/wrk/warmup-inbox-$pass.txt"
  count warmup
done
(( $(jq -r .received "$raw/counts/warmup.json") >= duplicates )) || { echo "the duplicate pool was not received in the warm-up" >&2; exit 1; }
run_baseline 8 "$warmup" "$raw/wrk/warmup-baseline.txt"

next_first=$duplicates
for rep in $(seq 1 "$reps"); do
  for c in "${connections[@]}"; do
    prefix="$pools/new-rep$rep-c$c"
    log "rep $rep, concurrency $c: signing $pool new activities"
    harness fed-sign --data "$data_dir" --url "$inbox" --first "$next_first" --count "$pool" --threads "$threads" --out "$prefix" > "$raw/sign-rep$rep-c$c.txt"
    next_first=$((next_first + pool))
    loadavg "before rep $rep c$c"

    log "rep $rep, concurrency $c: baseline ($duration)"
    run_baseline "$c" "$duration" "$raw/wrk/rep$rep-c$c-baseline-before.txt"
    show "$raw/wrk/rep$rep-c$c-baseline-before.txt"

    log "rep $rep, concurrency $c: signed POST /inbox, new activities ($duration)"
    count "rep$rep-c$c-new-before"
    run_inbox "$c" "$duration" "$prefix" "$raw/wrk/rep$rep-c$c-new.txt"
    count "rep$rep-c$c-new-after"
    show "$raw/wrk/rep$rep-c$c-new.txt"
    rm -f "$prefix".*.tsv

    log "rep $rep, concurrency $c: signed POST /inbox, duplicates ($duration)"
    count "rep$rep-c$c-duplicate-before"
    run_inbox "$c" "$duration" "$pools/duplicates" "$raw/wrk/rep$rep-c$c-duplicate.txt"
    count "rep$rep-c$c-duplicate-after"
    show "$raw/wrk/rep$rep-c$c-duplicate.txt"

    log "rep $rep, concurrency $c: baseline ($duration)"
    run_baseline "$c" "$duration" "$raw/wrk/rep$rep-c$c-baseline-after.txt"
    show "$raw/wrk/rep$rep-c$c-baseline-after.txt"
    loadavg "after rep $rep c$c"

    sent=$(requests_of "$raw/wrk/rep$rep-c$c-new.txt")
    if [[ -n "$sent" ]] && (( sent * 13 / 10 > pool )); then pool=$(( sent * 13 / 10 )); fi
  done
done

finished="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
peak_rss=$(awk '/^VmHWM:/{printf "%.0f MB", $2/1024}' "/proc/$server_pid/status" 2>/dev/null || echo "?")
server_errors="$(grep -cE '^(warn|fail|crit):' "$raw/server.log" || true)"
# wrk stops mid-request when a run ends: Kestrel reports the cut body as an error in POST /inbox.
server_cut="$(grep -c 'Unexpected end of request content' "$raw/server.log" || true)"
server_conflicts="$(grep -c 'DocumentConflictException' "$raw/server.log" || true)"

if [[ $quick == 1 && -z "$label" ]]; then label="Quick trial (--quick: $duration runs): checks that the harness works; not a measurement."; fi
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
duplicates=$duplicates
workers=$workers
baseline_path=$baseline_path
server_env=$server_env
server_peak_rss=$peak_rss
server_errors=$server_errors
server_cut=$server_cut
server_conflicts=$server_conflicts
EOF

harness fed-report --raw "$raw" --out "$results/$name.md" > /dev/null
log "results: $results/$name.md"
