#!/usr/bin/env bash
# bench/site: a published article's throughput against the same bytes served from memory (the limit),
# and cold start to the first 200 from /en/. Prints the figures and writes them into docs/benchmarks.md.
#
#   bash bench/site/run.sh
#
# Knobs (defaults are what docs/benchmarks.md records): DURATION=20s CONNECTIONS=32 THREADS=2 ROUNDS=2
# WARMUP=5s COLD_RUNS=5 WRITE_DOC=1. Everything listens on 127.0.0.1 only.
set -euo pipefail

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-5s}
COLD_RUNS=${COLD_RUNS:-5}
WRITE_DOC=${WRITE_DOC:-1}
THROUGHPUT_TARGET=0.80
COLD_TARGET_MS=1000
# A start that takes this long is broken, not slow.
START_TIMEOUT_MS=60000

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DOC="$ROOT/docs/benchmarks.md"

for tool in wrk curl dotnet awk; do
    if ! command -v "$tool" >/dev/null; then
        case $tool in
            wrk) echo "wrk is missing: apt-get install wrk" >&2 ;;
            curl) echo "curl is missing: apt-get install curl" >&2 ;;
            *) echo "$tool is missing" >&2 ;;
        esac
        exit 1
    fi
done

# shellcheck source=../lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_start site



now_ns() { date +%s%N; }

# A port nobody answers on; the /dev/tcp probe needs no extra tool.
free_port() {
    local port attempt
    for attempt in $(seq 1 100); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}

# Starts a command in the background with its output in a log; the pid lands in STARTED_PID.
start_bg() {
    local logfile=$1
    shift
    "$@" >"$logfile" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}


# Polls every 10 ms until url answers 200; fails if the process dies or the timeout passes. Until the port
# accepts connections it probes with bash's /dev/tcp, since a curl process every 10 ms would take a share
# of the few cores from the start being measured.
wait_for_200() {
    local url=$1 pid=$2 logfile=$3 start code='' listening=0
    [[ $url =~ ^http://([^/:]+):([0-9]+) ]] || { log "cannot read host and port from $url"; return 1; }
    local host=${BASH_REMATCH[1]} port=${BASH_REMATCH[2]}
    start=$(now_ns)
    while true; do
        if (( ! listening )) && : 2>/dev/null 3<>"/dev/tcp/$host/$port"; then
            listening=1
        fi
        if (( listening )); then
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)
            if [[ $code == 200 ]]; then
                return 0
            fi
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            log "process $pid exited before $url answered 200; its log:"
            cat "$logfile" >&2
            return 1
        fi
        if (( ($(now_ns) - start) / 1000000 > START_TIMEOUT_MS )); then
            log "$url did not answer 200 within ${START_TIMEOUT_MS} ms (last status $code); log:"
            cat "$logfile" >&2
            return 1
        fi
        sleep 0.01
    done
}

# Process start to the first 200 from url, in ms. Runs in the caller's shell so PIDS sees the process.
COLD_MS=0
cold_start() {
    local url=$1 logfile=$2
    shift 2
    local t0 t1
    t0=$(now_ns)
    start_bg "$logfile" "$@"
    wait_for_200 "$url" "$STARTED_PID" "$logfile"
    t1=$(now_ns)
    stop_pid "$STARTED_PID"
    COLD_MS=$(( (t1 - t0) / 1000000 ))
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
maximum() { printf '%s\n' "$@" | sort -n | tail -1; }

# wrk prints latencies as 584.00us / 5.36ms / 1.02s: bring them to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n
    }'
}

# Runs wrk once; sets RPS, P50, P99 and ERRORS from its report and keeps the report in WORK.
run_wrk() {
    local name=$1 url=$2 duration=$3 out="$WORK/wrk-$1.txt"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency "$url" >"$out"
    RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
    P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    ERRORS=$(awk '/Non-2xx or 3xx responses:|Socket errors:/ { sub(/^ +/, ""); printf "%s; ", $0 }' "$out")
    if [[ -z $RPS ]]; then
        log "could not read wrk's report for $name:"
        cat "$out" >&2
        return 1
    fi
}

# --- Build ----------------------------------------------------------------------------------------

# ReadyToRun takes about 40% off the restart cold start on this machine (EF Core's code is otherwise JIT-compiled
# at start); the plain Release build is published too, so every run shows the difference.
PUBLISH_FLAGS=(-c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true)
PUBLISH_CMD="dotnet publish src/Broadsheet.Web ${PUBLISH_FLAGS[*]}"
PLAIN_FLAGS=(-c Release -r "$RID" --self-contained false)
MEMORY_PUBLISH_CMD="dotnet publish bench/site/MemoryPage ${PUBLISH_FLAGS[*]}"

publish() {
    local project=$1 out=$2
    shift 2
    # A private artifacts folder keeps this build out of the source tree and away from anyone else's build;
    # no build servers, so nothing of ours outlives the script.
    if ! dotnet publish "$ROOT/$project" "$@" -o "$out" --artifacts-path "$out.artifacts" --disable-build-servers -nologo -v quiet \
        >"$out.publish.log" 2>&1; then
        cat "$out.publish.log" >&2
        return 1
    fi
}

log "publishing src/Broadsheet.Web (Release, ReadyToRun)"
publish src/Broadsheet.Web "$WORK/app" "${PUBLISH_FLAGS[@]}"
log "publishing src/Broadsheet.Web (Release, no ReadyToRun) for comparison"
publish src/Broadsheet.Web "$WORK/app-plain" "${PLAIN_FLAGS[@]}"
log "publishing bench/site/MemoryPage (Release, ReadyToRun)"
publish bench/site/MemoryPage "$WORK/memory" "${PUBLISH_FLAGS[@]}"

APP="$WORK/app/Broadsheet.Web"
APP_PLAIN="$WORK/app-plain/Broadsheet.Web"
MEMORY="$WORK/memory/MemoryPage"

# --- Throughput -----------------------------------------------------------------------------------

APP_PORT=$(free_port)
APP_BASE="http://127.0.0.1:$APP_PORT"
DATA="$WORK/data"
cd "$WORK"

app_env=(env "Broadsheet__DataDirectory=$DATA" "Broadsheet__SiteUrl=$APP_BASE")

log "starting the site on $APP_BASE with a fresh data folder"
start_bg "$WORK/app.log" "${app_env[@]}" "$APP" --urls "$APP_BASE"
APP_PID=$STARTED_PID
wait_for_200 "$APP_BASE/healthz" "$APP_PID" "$WORK/app.log"

first_link() {
    curl -sS --max-time 10 "$APP_BASE/$1/" | tr '\n' ' ' |
        grep -oE "<h3[^>]*>[[:space:]]*<a [^>]*href=\"/$1/[^\"/?#]+\"" | head -1 | grep -oE "/$1/[^\"]+" || true
}
ARTICLE_PATH=$(first_link en)
if [[ -z $ARTICLE_PATH ]]; then
    log "found no English article link on /en/"
    exit 1
fi
ARTICLE_URL="$APP_BASE$ARTICLE_PATH"
log "article: $ARTICLE_PATH"

# The first request renders and fills the output cache; the second shows what every later reader gets.
curl -sS --max-time 10 -o "$WORK/page-first.html" "$ARTICLE_URL"
curl -sS --max-time 10 -D "$WORK/page.headers" -o "$WORK/page.html" "$ARTICLE_URL"
if ! cmp -s "$WORK/page-first.html" "$WORK/page.html"; then
    log "the article's bytes changed between two requests; the limit would not be the same page"
    exit 1
fi
PAGE_BYTES=$(wc -c <"$WORK/page.html")
CONTENT_TYPE=$(awk 'tolower($1) == "content-type:" { sub(/^[^:]*: */, ""); sub(/\r$/, ""); print }' "$WORK/page.headers")
FROM_CACHE=no
if grep -qi '^age:' "$WORK/page.headers"; then
    FROM_CACHE=yes
fi

MEMORY_PORT=$(free_port)
MEMORY_BASE="http://127.0.0.1:$MEMORY_PORT"
# Same path on both servers, so wrk sends the same request line and the comparison is the server alone.
LIMIT_URL="$MEMORY_BASE$ARTICLE_PATH"
log "starting the limit (MemoryPage) on $MEMORY_BASE"
start_bg "$WORK/memory.log" "$MEMORY" "$WORK/page.html" "$MEMORY_PORT" "$CONTENT_TYPE"
MEMORY_PID=$STARTED_PID
wait_for_200 "$LIMIT_URL" "$MEMORY_PID" "$WORK/memory.log"
curl -sS --max-time 10 -o "$WORK/limit.html" "$LIMIT_URL"
if ! cmp -s "$WORK/limit.html" "$WORK/page.html"; then
    log "MemoryPage does not return the article's bytes"
    exit 1
fi

log "warming up both for $WARMUP each (discarded)"
run_wrk warmup-limit "$LIMIT_URL" "$WARMUP"
run_wrk warmup-article "$ARTICLE_URL" "$WARMUP"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
LIMIT_ROUNDS=()
ARTICLE_ROUNDS=()
BEST_LIMIT=0 BEST_LIMIT_P50='' BEST_LIMIT_P99=''
BEST_ARTICLE=0 BEST_ARTICLE_P50='' BEST_ARTICLE_P99=''
WRK_ERRORS=''
for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS: limit"
    run_wrk "limit-$round" "$LIMIT_URL" "$DURATION"
    LIMIT_ROUNDS+=("$RPS")
    if [[ -n $ERRORS ]]; then WRK_ERRORS+="limit round $round: $ERRORS"; fi
    if (( RPS > BEST_LIMIT )); then BEST_LIMIT=$RPS BEST_LIMIT_P50=$P50 BEST_LIMIT_P99=$P99; fi
    log "  $RPS req/s, p50 $P50 ms, p99 $P99 ms"

    log "round $round/$ROUNDS: article"
    run_wrk "article-$round" "$ARTICLE_URL" "$DURATION"
    ARTICLE_ROUNDS+=("$RPS")
    if [[ -n $ERRORS ]]; then WRK_ERRORS+="article round $round: $ERRORS"; fi
    if (( RPS > BEST_ARTICLE )); then BEST_ARTICLE=$RPS BEST_ARTICLE_P50=$P50 BEST_ARTICLE_P99=$P99; fi
    log "  $RPS req/s, p50 $P50 ms, p99 $P99 ms"
done

stop_pid "$MEMORY_PID"
stop_pid "$APP_PID"

RATIO=$(awk -v a="$BEST_ARTICLE" -v l="$BEST_LIMIT" 'BEGIN { printf "%.2f", a / l }')
THROUGHPUT_OK=$(awk -v r="$RATIO" -v t="$THROUGHPUT_TARGET" 'BEGIN { print (r >= t) ? "pass" : "FAIL" }')

# --- Cold start -----------------------------------------------------------------------------------

COLD_PORT=$(free_port)
COLD_BASE="http://127.0.0.1:$COLD_PORT"
cold_env=(env "Broadsheet__DataDirectory=$DATA" "Broadsheet__SiteUrl=$COLD_BASE")

# The four kinds take turns, so a stretch of contention on the shared machine lands on all of them alike.
RESTART=() RESTART_PLAIN=() FIRST=() LIMIT_COLD=()
log "cold start: restart (ReadyToRun, then without), first run on an empty data folder, MemoryPage; $COLD_RUNS runs each"
for run in $(seq 1 "$COLD_RUNS"); do
    cold_start "$COLD_BASE/en/" "$WORK/cold.log" "${cold_env[@]}" "$APP" --urls "$COLD_BASE"
    RESTART+=("$COLD_MS")
    cold_start "$COLD_BASE/en/" "$WORK/cold.log" "${cold_env[@]}" "$APP_PLAIN" --urls "$COLD_BASE"
    RESTART_PLAIN+=("$COLD_MS")
    fresh="$WORK/first-$run"
    cold_start "$COLD_BASE/en/" "$WORK/cold.log" \
        env "Broadsheet__DataDirectory=$fresh" "Broadsheet__SiteUrl=$COLD_BASE" "$APP" --urls "$COLD_BASE"
    FIRST+=("$COLD_MS")
    rm -rf "$fresh"
    cold_start "$COLD_BASE/en/" "$WORK/cold.log" "$MEMORY" "$WORK/page.html" "$COLD_PORT" "$CONTENT_TYPE"
    LIMIT_COLD+=("$COLD_MS")
    log "  run $run: restart ${RESTART[-1]} ms, without ReadyToRun ${RESTART_PLAIN[-1]} ms, first run ${FIRST[-1]} ms, MemoryPage ${LIMIT_COLD[-1]} ms"
done

RESTART_MEDIAN=$(median "${RESTART[@]}") RESTART_MAX=$(maximum "${RESTART[@]}")
PLAIN_MEDIAN=$(median "${RESTART_PLAIN[@]}") PLAIN_MAX=$(maximum "${RESTART_PLAIN[@]}")
FIRST_MEDIAN=$(median "${FIRST[@]}") FIRST_MAX=$(maximum "${FIRST[@]}")
LIMIT_COLD_MEDIAN=$(median "${LIMIT_COLD[@]}") LIMIT_COLD_MAX=$(maximum "${LIMIT_COLD[@]}")
verdict_ms() { if (( $1 < COLD_TARGET_MS )); then echo pass; else echo FAIL; fi; }
RESTART_OK=$(verdict_ms "$RESTART_MEDIAN")
FIRST_OK=$(verdict_ms "$FIRST_MEDIAN")

# --- Report ---------------------------------------------------------------------------------------

WRK_CMD="wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM_GIB=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
SDK=$(dotnet --version)
RUNTIME=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { v = $2 } END { print v }')
WRK_VERSION=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }' || true)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

section="$WORK/section.md"
{
    echo '<!-- bench/site:start -->'
    echo '## bench/site: article page throughput and cold start'
    echo
    echo "Written by \`bash bench/site/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (commit $COMMIT, with whatever was"
    echo "uncommitted in the working tree). Do not edit by hand: the next run replaces this section."
    echo
    echo "- Machine: $(nproc) × $CPU, $MEM_GIB GiB RAM, Linux $(uname -r)."
    echo "- Load average (1, 5, 15 min) before the throughput rounds: $LOAD_BEFORE; after the run: $LOAD_AFTER."
    echo "- .NET SDK $SDK, ASP.NET Core runtime $RUNTIME, wrk ${WRK_VERSION:-?}; everything on 127.0.0.1, wrk on the same $(nproc) cores."
    echo "- Build: \`$PUBLISH_CMD\` and \`$MEMORY_PUBLISH_CMD\`."
    echo "  ReadyToRun precompiles the app and its NuGet dependencies (EF Core above all), which a plain Release build"
    echo "  leaves to the JIT at start; it is used because it cuts the cold start, as the comparison row below shows."
    echo
    echo '### Throughput: a published English article against the same bytes from memory'
    echo
    echo "- Page: \`$ARTICLE_PATH\`, $PAGE_BYTES bytes, \`$CONTENT_TYPE\`; served from the output cache: $FROM_CACHE."
    echo "- Limit: \`bench/site/MemoryPage\`, a bare Kestrel app on the same runtime returning those bytes with the same"
    echo "  content type, asked for the same path; started beside the site and measured in the same run."
    echo "- Each measurement: \`$WRK_CMD <url>\`, after a discarded \`-d$WARMUP\` warm-up of each server. Limit and"
    echo "  article alternate for $ROUNDS rounds; the table shows each one's best round (highest req/s) with that round's latencies."
    echo
    echo '| | req/s | p50 | p99 |'
    echo '|---|---:|---:|---:|'
    echo "| limit: same bytes from memory | $BEST_LIMIT | $BEST_LIMIT_P50 ms | $BEST_LIMIT_P99 ms |"
    echo "| article \`$ARTICLE_PATH\` | $BEST_ARTICLE | $BEST_ARTICLE_P50 ms | $BEST_ARTICLE_P99 ms |"
    echo "| **article / limit** | **$RATIO** | target ≥ $THROUGHPUT_TARGET | **$THROUGHPUT_OK** |"
    echo
    echo "All rounds, req/s: limit ${LIMIT_ROUNDS[*]}; article ${ARTICLE_ROUNDS[*]}.${WRK_ERRORS:+ wrk reported: $WRK_ERRORS}"
    echo
    echo '### Cold start: process start to the first 200 from `/en/`'
    echo
    echo "The published apphost is started with \`--urls $COLD_BASE\`; every 10 ms the port is probed (bash's \`/dev/tcp\`)"
    echo "and, once it accepts connections, \`/en/\` is asked with curl until it answers 200. The figure is the time from"
    echo "\`date +%s%N\` before the start to that 200, curl's own start-up included."
    echo "$COLD_RUNS runs of each, taking turns. Binaries and the database are in the page cache: this is a process cold start,"
    echo "not a disk one."
    echo
    echo '| | median | max | runs (ms) | target < 1 s |'
    echo '|---|---:|---:|---|---|'
    echo "| restart on the seeded data folder (ReadyToRun) | $RESTART_MEDIAN ms | $RESTART_MAX ms | ${RESTART[*]} | **$RESTART_OK** |"
    echo "| the same, Release without ReadyToRun | $PLAIN_MEDIAN ms | $PLAIN_MAX ms | ${RESTART_PLAIN[*]} | for comparison |"
    echo "| first run on an empty data folder: migrations and demo content (ReadyToRun) | $FIRST_MEDIAN ms | $FIRST_MAX ms | ${FIRST[*]} | $FIRST_OK |"
    echo "| limit: MemoryPage, a bare Kestrel app (ReadyToRun) | $LIMIT_COLD_MEDIAN ms | $LIMIT_COLD_MAX ms | ${LIMIT_COLD[*]} | |"
    echo
    echo "The target is judged on the median."
    echo '<!-- bench/site:end -->'
} >"$section"

echo
echo "bench/site: $ARTICLE_PATH ($PAGE_BYTES bytes), $WRK_CMD"
printf '  %-34s %10s req/s  p50 %8s ms  p99 %8s ms\n' "limit (same bytes from memory)" "$BEST_LIMIT" "$BEST_LIMIT_P50" "$BEST_LIMIT_P99"
printf '  %-34s %10s req/s  p50 %8s ms  p99 %8s ms\n' "article" "$BEST_ARTICLE" "$BEST_ARTICLE_P50" "$BEST_ARTICLE_P99"
printf '  %-34s %10s        target >= %s: %s\n' "article / limit" "$RATIO" "$THROUGHPUT_TARGET" "$THROUGHPUT_OK"
printf '  %-34s median %5s ms, max %5s ms   target < %s ms: %s\n' "cold start, restart" "$RESTART_MEDIAN" "$RESTART_MAX" "$COLD_TARGET_MS" "$RESTART_OK"
printf '  %-34s median %5s ms, max %5s ms\n' "cold start, restart, no R2R" "$PLAIN_MEDIAN" "$PLAIN_MAX"
printf '  %-34s median %5s ms, max %5s ms   target < %s ms: %s\n' "cold start, first run" "$FIRST_MEDIAN" "$FIRST_MAX" "$COLD_TARGET_MS" "$FIRST_OK"
printf '  %-34s median %5s ms, max %5s ms\n' "cold start, limit (MemoryPage)" "$LIMIT_COLD_MEDIAN" "$LIMIT_COLD_MAX"

if [[ $WRITE_DOC != 1 ]]; then
    exit 0
fi

# Replace only this benchmark's section, so other benchmarks' sections and any notes survive.
bash "$ROOT/bench/lib/write-section.sh" bench/site "$section" "$DOC"
log "wrote ${DOC#"$ROOT"/}"
