#!/usr/bin/env bash
# bench/scale: several instances of the same binary on one PostgreSQL database. The send throughput with one, two and
# three sending instances against the same SMTP sink (bench/send/Sink, the test kit's server), the same number of
# messages each run; and the article page throughput through one instance and through two. Each figure is compared with
# the single-instance figure of the same run: on two cores the point is that coordination through PostgreSQL costs no
# throughput (target >= 0.9 x), not a speed-up. Prints the figures and writes them into docs/benchmarks.md between
# <!-- bench/scale:start --> and <!-- bench/scale:end -->.
#
#   bash bench/scale/run.sh
#
# PostgreSQL: a private cluster started for the run, or the server named by BROADSHEET_BENCH_POSTGRES (bench/lib/postgres.sh).
# Knobs: RECIPIENTS=20000 WARM_RECIPIENTS=6000 (the warm-up send before each measured one) CONNECTIONS=4 (SMTP connections per instance) SEND_ROUNDS=2 PAGE_ROUNDS=2 DURATION=20s
# WARMUP=5s WRK_CONNECTIONS=16 (per wrk process; two run at once) WRITE_DOC=1.
# Everything listens on 127.0.0.1 only, and every process the script starts is stopped when it ends, however it ends.
set -euo pipefail

RECIPIENTS=${RECIPIENTS:-20000}
WARM_RECIPIENTS=${WARM_RECIPIENTS:-6000}
CONNECTIONS=${CONNECTIONS:-4}
SEND_ROUNDS=${SEND_ROUNDS:-2}
PAGE_ROUNDS=${PAGE_ROUNDS:-2}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}
WRITE_DOC=${WRITE_DOC:-1}
RATIO_TARGET=0.90
# A start or a send that takes this long is broken, not slow.
START_TIMEOUT_S=120
SEND_TIMEOUT_S=900

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DOC="$ROOT/docs/benchmarks.md"
# shellcheck source=../lib/postgres.sh
source "$ROOT/bench/lib/postgres.sh"

for tool in dotnet awk curl wrk; do
    command -v "$tool" >/dev/null || { echo "$tool is missing${tool/wrk/: apt-get install wrk}" >&2; exit 1; }
done

# shellcheck source=../lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_start scale



bench_extra_cleanup() { pg_cleanup; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }


# --- Build ----------------------------------------------------------------------------------------

PUBLISH_FLAGS=(-c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true)
PUBLISH_CMD="dotnet publish {src/Broadsheet.Web,bench/send/Sink} ${PUBLISH_FLAGS[*]}"

publish() {
    local project=$1 out=$2
    # A private artifacts folder keeps this build out of the source tree and away from anyone else's build.
    if ! dotnet publish "$ROOT/$project" "${PUBLISH_FLAGS[@]}" -o "$out" --artifacts-path "$WORK/artifacts" \
        --disable-build-servers -nologo -v quiet >"$out.publish.log" 2>&1; then
        cat "$out.publish.log" >&2
        exit 1
    fi
}

log "publishing src/Broadsheet.Web and bench/send/Sink (Release, ReadyToRun)"
publish src/Broadsheet.Web "$WORK/app"
publish bench/send/Sink "$WORK/sink"
APP="$WORK/app/Broadsheet.Web"
SINK="$WORK/sink/Sink"

# --- The sink -------------------------------------------------------------------------------------

# The test kit's SMTP server, with a log of its own.
start_sink() { sink_start "$WORK/$1.sink.log" "$SINK"; }

# --- Instances ------------------------------------------------------------------------------------

MASTER_KEY=$(head -c 32 /dev/urandom | base64)
FROM='"The Ledger" <newsletter@ledger.example>'
# What every process here shares (set once the database exists): the database, the privacy master key, the site.
BASE_ENV=()

# Starts one instance (port 0: Kestrel's choice, read back from its console log) in the background; sets STARTED_PID
# and STARTED_LOG. The caller waits for it with wait_ready, so several start at once, as a deployment starts them.
start_instance() {
    local name=$1
    shift
    STARTED_LOG="$WORK/$name.log"
    mkdir -p "$WORK/data-$name"
    # Every instance shares the database and the privacy master key; each has its own data folder.
    (cd "$WORK" && exec "${BASE_ENV[@]}" "Broadsheet__DataDirectory=$WORK/data-$name" "Broadsheet__Workers__Scheduler=false" \
        "Logging__LogLevel__Microsoft.Hosting.Lifetime=Information" "$@" "$APP" --urls http://127.0.0.1:0) </dev/null >"$STARTED_LOG" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

# Waits until the instance (pid, log) says where it listens and answers /healthz with 200; prints its base URL.
wait_ready() {
    local pid=$1 logfile=$2 start url=''
    start=$(now_ms)
    while true; do
        if [[ -z $url ]]; then
            url=$(sed -n 's/.*Now listening on: \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$logfile" | head -1)
        fi
        if [[ -n $url && $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url/healthz" || true) == 200 ]]; then
            echo "$url"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            log "instance $pid exited before it was ready; its log:"
            cat "$logfile" >&2
            return 1
        fi
        if (( $(now_ms) - start > START_TIMEOUT_S * 1000 )); then
            log "instance $pid was not ready within $START_TIMEOUT_S s; its log:"
            cat "$logfile" >&2
            return 1
        fi
        sleep 0.05
    done
}

# The CLI on the same database (never timed).
cli() {
    (cd "$WORK" && "${BASE_ENV[@]}" "Broadsheet__DataDirectory=$WORK/data-cli" "$APP" "$@")
}

# --- The database ---------------------------------------------------------------------------------

log "preparing PostgreSQL"
pg_start bench_scale
BASE_ENV=(env "Broadsheet__Database__Provider=Postgres" "ConnectionStrings__Broadsheet=$PG_CONNECTION"
    "Broadsheet__Privacy__MasterKey=$MASTER_KEY" "Broadsheet__SeedDemoContent=false" "Broadsheet__SiteUrl=https://ledger.example"
    "Broadsheet__Mail__From=$FROM" "Logging__LogLevel__Default=Warning")

# The first instance on the empty database makes the schema and loads the demo content (the article measured below).
log "first start: migrations and demo content"
start_instance seed "Broadsheet__SeedDemoContent=true" "Broadsheet__Workers__Delivery=false"
wait_ready "$STARTED_PID" "$STARTED_LOG" >/dev/null
stop_pid "$STARTED_PID"

log "importing $RECIPIENTS English subscribers, and $WARM_RECIPIENTS Arabic ones for the warm-up sends (not timed)"
awk -v n="$RECIPIENTS" -v w="$WARM_RECIPIENTS" 'BEGIN {
    print "email,name,language"
    for (i = 1; i <= n; i++) printf "reader%d@example.org,Reader %d,en\n", i, i
    for (i = 1; i <= w; i++) printf "warm%d@example.org,Warm %d,ar\n", i, i
}' >"$WORK/subscribers.csv"
cli subscribers import "$WORK/subscribers.csv" >"$WORK/import.out" 2>&1 || { cat "$WORK/import.out" >&2; exit 1; }
IMPORTED=$(awk '$1 == "imported" { print $2 }' "$WORK/import.out")
[[ $IMPORTED == "$((RECIPIENTS + WARM_RECIPIENTS))" ]] || { log "imported $IMPORTED subscribers, expected $((RECIPIENTS + WARM_RECIPIENTS))"; cat "$WORK/import.out" >&2; exit 1; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
UPTIME_BEFORE=$(uptime)

# --- Send throughput: 1, 2 and 3 sending instances ------------------------------------------------

declare -A BEST_RATE BEST_SECONDS BEST_CLIENTS BEST_CPU BEST_COMMITS ALL_RATES WARM_RATES
CHECKS=()
TICK=$(getconf CLK_TCK)

# CPU time (user + system, in clock ticks) a process has used so far; 0 once it is gone.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# CPU time the whole machine has been busy so far (user, nice, system, irq, softirq, steal), in clock ticks.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# Queues the campaign to the active subscribers of language $1 with subject $2; prints the send's number.
create_send() { queue_campaign "$1" "$2" cli; }

# Waits until send $1 is Finished, while every instance of the run (pids, logs: send_run's) stays up.
wait_finished() {
    local id=$1 start status i
    start=$(now_ms)
    while true; do
        status=$(pg_sql "SELECT \"Status\" FROM sends WHERE \"Id\" = $id")
        if [[ $status == Finished ]]; then break; fi
        for i in "${!pids[@]}"; do
            if ! kill -0 "${pids[$i]}" 2>/dev/null; then
                log "an instance stopped during the send; its log:"
                cat "${logs[$i]}" >&2
                exit 1
            fi
        done
        if (( $(now_ms) - start > SEND_TIMEOUT_S * 1000 )); then
            log "send $id was not finished after $SEND_TIMEOUT_S s (status $status)"
            exit 1
        fi
        sleep 0.2
    done
}

# One send of the campaign to every subscriber, by $1 instances started together against a fresh sink.
send_run() {
    local n=$1 round=$2 i pids=() logs=() send_id
    # Every run starts from the same tables: no earlier send's rows in the claim's index.
    pg_sql 'SET client_min_messages = warning; TRUNCATE deliveries, sends RESTART IDENTITY CASCADE' >/dev/null
    start_sink "send-$n-$round"
    for i in $(seq 1 "$n"); do
        start_instance "send-$n-$round-$i" "Broadsheet__Workers__Delivery=true" "Broadsheet__Mail__Transport=Smtp" \
            "Broadsheet__Mail__Smtp__Host=127.0.0.1" "Broadsheet__Mail__Smtp__Port=$SINK_PORT" "Broadsheet__Mail__Smtp__Security=None" \
            "Broadsheet__Mail__Smtp__Connections=$CONNECTIONS" "Broadsheet__Mail__Smtp__LocalDomain=instance-$i.bench.test"
        pids+=("$STARTED_PID")
        logs+=("$STARTED_LOG")
    done
    for i in "${!pids[@]}"; do
        wait_ready "${pids[$i]}" "${logs[$i]}" >/dev/null
    done

    # First a warm-up send to other readers, so what is measured is running instances, not processes compiling their
    # code (as the page throughput below is measured after a warm-up). Then the sink's figures start afresh.
    local warm_id
    warm_id=$(create_send ar "Warm-up")
    wait_finished "$warm_id"
    sink_mark
    if [[ $MARKED_ACCEPTED != "$WARM_RECIPIENTS" ]]; then
        CHECKS+=("$n instance(s), round $round: the sink accepted $MARKED_ACCEPTED warm-up messages (expected $WARM_RECIPIENTS)")
    fi
    WARM_RATES[$n]+="$MARKED_RATE "

    # CPU from here to the end of the send: each instance's own, and the whole machine's (sink and PostgreSQL too).
    local before=() busy_before
    for i in "${!pids[@]}"; do before+=("$(cpu_ticks "${pids[$i]}")"); done
    busy_before=$(busy_ticks)
    # PostgreSQL transactions committed during the send (every process's): what the outcome groups and claims cost.
    local commits_before commits
    commits_before=$(pg_sql "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
    send_id=$(create_send en "The Ledger: who owns the wells")
    wait_finished "$send_id"
    commits=$(( $(pg_sql "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()") - commits_before ))
    local used=0 each=() ticks
    for i in "${!pids[@]}"; do
        ticks=$(( $(cpu_ticks "${pids[$i]}") - before[i] ))
        used=$(( used + ticks ))
        each+=("$(( ticks * 1000000 / TICK / RECIPIENTS ))")
    done
    # Microseconds of CPU per message: all instances together (and each one's share), then the whole machine.
    local cpu_instances=$(( used * 1000000 / TICK / RECIPIENTS )) cpu_machine=$(( ($(busy_ticks) - busy_before) * 1000000 / TICK / RECIPIENTS ))
    local cpu="$cpu_instances ($(IFS=/; echo "${each[*]}")) / $cpu_machine"
    for i in "${!pids[@]}"; do
        stop_pid "${pids[$i]}"
    done
    sink_stop

    local sent
    sent=$(pg_sql "SELECT count(*) FROM deliveries WHERE \"SendId\" = $send_id AND \"State\" = 'Sent'")
    if [[ $SINK_ACCEPTED != "$RECIPIENTS" || $sent != "$RECIPIENTS" ]]; then
        CHECKS+=("$n instance(s), round $round: the sink accepted $SINK_ACCEPTED, the database says $sent sent (expected $RECIPIENTS each)")
    fi
    local instances
    instances=$(tr ',' '\n' <<<"$SINK_CLIENTS" | grep -c . || true)
    if [[ $instances != "$n" ]]; then
        CHECKS+=("$n instance(s), round $round: $instances instance(s) sent messages ($SINK_CLIENTS)")
    fi
    ALL_RATES[$n]+="$SINK_RATE "
    if (( SINK_RATE > ${BEST_RATE[$n]:-0} )); then
        BEST_RATE[$n]=$SINK_RATE BEST_SECONDS[$n]=$SINK_SECONDS BEST_CLIENTS[$n]=$SINK_CLIENTS BEST_CPU[$n]=$cpu BEST_COMMITS[$n]=$commits
    fi
    log "  $n instance(s), round $round: warm-up $MARKED_RATE msgs/s; $SINK_RATE msgs/s at the sink, $SINK_ACCEPTED accepted, by instance: $SINK_CLIENTS; CPU µs a message, instances (each) / machine: $cpu; $commits commits"
}

for round in $(seq 1 "$SEND_ROUNDS"); do
    # The counts take turns, so a stretch of contention on the shared machine lands on all of them alike.
    for n in 1 2 3; do
        log "send, round $round/$SEND_ROUNDS: $RECIPIENTS recipients, $n sending instance(s), $CONNECTIONS connections each"
        send_run "$n" "$round"
    done
done

# --- Page throughput: one instance, two instances -------------------------------------------------

log "pages: two serving instances on the same database"
start_instance page-a "Broadsheet__Workers__Delivery=false"
PAGE_A_PID=$STARTED_PID PAGE_A_LOG=$STARTED_LOG
start_instance page-b "Broadsheet__Workers__Delivery=false"
PAGE_B_PID=$STARTED_PID PAGE_B_LOG=$STARTED_LOG
URL_A=$(wait_ready "$PAGE_A_PID" "$PAGE_A_LOG")
URL_B=$(wait_ready "$PAGE_B_PID" "$PAGE_B_LOG")

ARTICLE_PATH=$(curl -sS --max-time 10 "$URL_A/en/" | tr '\n' ' ' |
    grep -oE "<h3[^>]*>[[:space:]]*<a [^>]*href=\"/en/[^\"/?#]+\"" | head -1 | grep -oE "/en/[^\"]+" || true)
[[ -n $ARTICLE_PATH ]] || { log "found no English article link on /en/"; exit 1; }
log "article: $ARTICLE_PATH"
for url in "$URL_A" "$URL_B"; do
    # The first request renders and fills that instance's output cache; the second is what every later reader gets.
    curl -sS --max-time 10 -o /dev/null "$url$ARTICLE_PATH"
    curl -sS --max-time 10 -D "$WORK/page.headers" -o "$WORK/page.html" "$url$ARTICLE_PATH"
    grep -qi '^age:' "$WORK/page.headers" || CHECKS+=("$url$ARTICLE_PATH was not served from the output cache")
done
PAGE_BYTES=$(wc -c <"$WORK/page.html")

# wrk prints latencies as 584.00us / 5.36ms / 1.02s: bring them to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

# Two wrk processes at once (one thread and WRK_CONNECTIONS connections each), against $2 and $3; sets PAIR_RPS (the
# sum), PAIR_P99 (the worse of the two) and PAIR_ERRORS. The load is the same whichever instances serve it.
wrk_pair() {
    local name=$1 first=$2 second=$3 duration=$4 a b
    wrk -t1 -c"$WRK_CONNECTIONS" -d"$duration" --latency "$first" >"$WORK/wrk-$name-1.txt" &
    a=$!
    wrk -t1 -c"$WRK_CONNECTIONS" -d"$duration" --latency "$second" >"$WORK/wrk-$name-2.txt" &
    b=$!
    wait "$a" "$b"
    PAIR_RPS=0 PAIR_P99=0 PAIR_ERRORS=''
    local out rps p99
    for out in "$WORK/wrk-$name-1.txt" "$WORK/wrk-$name-2.txt"; do
        rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
        [[ -n $rps ]] || { log "could not read wrk's report for $name:"; cat "$out" >&2; exit 1; }
        p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
        PAIR_RPS=$((PAIR_RPS + rps))
        PAIR_P99=$(awk -v a="$PAIR_P99" -v b="$p99" 'BEGIN { print (b > a) ? b : a }')
        PAIR_ERRORS+=$(awk '/Non-2xx or 3xx responses:|Socket errors:/ { sub(/^ +/, ""); printf "%s; ", $0 }' "$out")
    done
}

log "warming up both instances for $WARMUP (discarded)"
wrk_pair warmup "$URL_A$ARTICLE_PATH" "$URL_B$ARTICLE_PATH" "$WARMUP"

BEST_ONE=0 BEST_ONE_P99='' BEST_TWO=0 BEST_TWO_P99=''
ONE_ROUNDS=() TWO_ROUNDS=() WRK_ERRORS=''
for round in $(seq 1 "$PAGE_ROUNDS"); do
    log "pages, round $round/$PAGE_ROUNDS: both wrk processes on one instance"
    wrk_pair "one-$round" "$URL_A$ARTICLE_PATH" "$URL_A$ARTICLE_PATH" "$DURATION"
    ONE_ROUNDS+=("$PAIR_RPS")
    if [[ -n $PAIR_ERRORS ]]; then WRK_ERRORS+="one instance, round $round: $PAIR_ERRORS"; fi
    if (( PAIR_RPS > BEST_ONE )); then BEST_ONE=$PAIR_RPS BEST_ONE_P99=$PAIR_P99; fi
    log "  $PAIR_RPS req/s, worse p99 $PAIR_P99 ms"

    log "pages, round $round/$PAGE_ROUNDS: one wrk process on each instance"
    wrk_pair "two-$round" "$URL_A$ARTICLE_PATH" "$URL_B$ARTICLE_PATH" "$DURATION"
    TWO_ROUNDS+=("$PAIR_RPS")
    if [[ -n $PAIR_ERRORS ]]; then WRK_ERRORS+="two instances, round $round: $PAIR_ERRORS"; fi
    if (( PAIR_RPS > BEST_TWO )); then BEST_TWO=$PAIR_RPS BEST_TWO_P99=$PAIR_P99; fi
    log "  $PAIR_RPS req/s, worse p99 $PAIR_P99 ms"
done
stop_pid "$PAGE_A_PID"
stop_pid "$PAGE_B_PID"

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
UPTIME_AFTER=$(uptime)

# --- Report ---------------------------------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
verdict() { awk -v r="$1" -v t="$RATIO_TARGET" 'BEGIN { print (r >= t) ? "pass" : "FAIL" }'; }
# "instance-1.bench.test:16800,instance-2.bench.test:16600" -> "16800 / 16600"
shares() { tr ',' '\n' <<<"$1" | awk -F: 'NF == 2 { printf "%s%s", (n++ ? " / " : ""), $2 }'; }

CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM_GIB=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
SDK=$(dotnet --version)
RUNTIME=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { v = $2 } END { print v }')
WRK_VERSION=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }' || true)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
PAGE_RATIO=$(ratio "$BEST_TWO" "$BEST_ONE")

KNOBS=''
[[ $RECIPIENTS == 20000 ]] || KNOBS+="RECIPIENTS=$RECIPIENTS "
[[ $WARM_RECIPIENTS == 6000 ]] || KNOBS+="WARM_RECIPIENTS=$WARM_RECIPIENTS "
[[ $CONNECTIONS == 4 ]] || KNOBS+="CONNECTIONS=$CONNECTIONS "
[[ $SEND_ROUNDS == 2 ]] || KNOBS+="SEND_ROUNDS=$SEND_ROUNDS "
[[ $PAGE_ROUNDS == 2 ]] || KNOBS+="PAGE_ROUNDS=$PAGE_ROUNDS "
[[ $DURATION == 20s ]] || KNOBS+="DURATION=$DURATION "
[[ $WARMUP == 5s ]] || KNOBS+="WARMUP=$WARMUP "
[[ $WRK_CONNECTIONS == 16 ]] || KNOBS+="WRK_CONNECTIONS=$WRK_CONNECTIONS "

section="$WORK/section.md"
{
    echo '<!-- bench/scale:start -->'
    echo '## bench/scale: one, two and three instances on one PostgreSQL database'
    echo
    echo "Written by \`${KNOBS}bash bench/scale/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (commit $COMMIT, with whatever was"
    echo "uncommitted in the working tree). Do not edit by hand: the next run replaces this section."
    echo
    echo "- Machine: $(nproc) × $CPU, $MEM_GIB GiB RAM, Linux $(uname -r). Load average (1, 5, 15 min) before the"
    echo "  measurements: $LOAD_BEFORE; after: $LOAD_AFTER (\`uptime\` before: \`${UPTIME_BEFORE## }\`)."
    echo "- .NET SDK $SDK, ASP.NET Core runtime $RUNTIME, wrk ${WRK_VERSION:-?}. Build: \`$PUBLISH_CMD\`."
    echo "- PostgreSQL $PG_VERSION, $PG_NOTE ($PG_SETTINGS). Every instance, the sink, wrk and PostgreSQL share"
    echo "  the same $(nproc) cores, on 127.0.0.1."
    echo "- Each instance is the published \`Broadsheet.Web --urls http://127.0.0.1:0\` with its own data folder, the same"
    echo "  database and the same \`Broadsheet__Privacy__MasterKey\`, \`Broadsheet__Workers__Scheduler=false\`; they are started"
    echo "  together and each is ready when \`/healthz\` answers 200."
    echo
    echo "### Send throughput: $RECIPIENTS recipients, $CONNECTIONS SMTP connections per instance"
    echo
    echo "$RECIPIENTS active English subscribers imported once (not timed). Each run: the delivery tables emptied, a fresh sink"
    echo "(\`bench/send/Sink\`, the test kit's SMTP server), N instances with \`Broadsheet__Workers__Delivery=true\` and"
    echo "\`Broadsheet__Mail__Smtp__LocalDomain=instance-I.bench.test\` (so the sink counts each one's share). Once all are ready,"
    echo "a warm-up send (\`sends create --lang ar\`, to $WARM_RECIPIENTS other subscribers) runs to Finished, so that what is"
    echo "compared is instances that are running, not processes compiling their code (a deployment's instances run for days;"
    echo "the page throughput below is likewise measured after a warm-up); the sink then starts its figures afresh. The"
    echo "measured send is \`sends create --lang en\` with \`bench/send/campaign.html\` and \`campaign.txt\`; the run ends when it"
    echo "is Finished. msgs/s is the sink's: messages accepted, less one, over the time from the first to the last. The counts"
    echo "take turns (1, 2, 3, 1, 2, 3 …) for $SEND_ROUNDS round(s); the table shows each count's best round. CPU per message:"
    echo "user + system time from the measured \`sends create\` to Finished, over the recipients, in µs: all sending instances"
    echo "together (from \`/proc/PID/stat\`; each one's in brackets), then the whole machine (\`/proc/stat\`: the sink and"
    echo "PostgreSQL too). The last column is the warm-up sends' own rate in every round: the first send of freshly started"
    echo "processes, of $WARM_RECIPIENTS messages, start-up and compilation included. Commits: PostgreSQL's \`xact_commit\` for the"
    echo "database over the measured send (every process's transactions: outcome groups, claims, the CLI's own)."
    echo
    echo '| sending instances | msgs/s (sink) | × one instance | first → last | messages by instance | CPU µs a message: instances (each) / machine | commits | all rounds, msgs/s | warm-up sends, msgs/s |'
    echo '|---:|---:|---:|---:|---|---|---:|---|---|'
    for n in 1 2 3; do
        echo "| $n | **${BEST_RATE[$n]}** | $(ratio "${BEST_RATE[$n]}" "${BEST_RATE[1]}") | ${BEST_SECONDS[$n]} s | $(shares "${BEST_CLIENTS[$n]}") | ${BEST_CPU[$n]} | ${BEST_COMMITS[$n]} | ${ALL_RATES[$n]% } | ${WARM_RATES[$n]% } |"
    done
    echo
    echo "### Article page throughput: one instance, two instances"
    echo
    echo "- Page: \`$ARTICLE_PATH\` (demo content), $PAGE_BYTES bytes, from each instance's output cache."
    echo "- Load: two \`wrk -t1 -c$WRK_CONNECTIONS -d$DURATION --latency\` processes at once, both against instance A (one"
    echo "  instance) or one against A and one against B (two instances), so the load generator is the same in both; req/s"
    echo "  is their sum. After a discarded \`-d$WARMUP\` warm-up of both instances, the two alternate for $PAGE_ROUNDS round(s);"
    echo "  the table shows each one's best round."
    echo
    echo '| serving instances | req/s | × one instance | worse p99 of the two wrk |'
    echo '|---:|---:|---:|---:|'
    echo "| 1 | **$BEST_ONE** | 1.00 | $BEST_ONE_P99 ms |"
    echo "| 2 | **$BEST_TWO** | $PAGE_RATIO | $BEST_TWO_P99 ms |"
    echo
    echo "All rounds, req/s: one instance ${ONE_ROUNDS[*]}; two instances ${TWO_ROUNDS[*]}.${WRK_ERRORS:+ wrk reported: $WRK_ERRORS}"
    echo
    echo '### Verdicts'
    echo
    echo "| target (same-run single instance as the limit) | result |"
    echo '|---|---|'
    for n in 2 3; do
        r=$(ratio "${BEST_RATE[$n]}" "${BEST_RATE[1]}")
        echo "| send with $n instances ≥ $RATIO_TARGET × one instance | **$(verdict "$r")** ($r × ${BEST_RATE[1]}) |"
    done
    echo "| article page through two instances ≥ $RATIO_TARGET × one instance | **$(verdict "$PAGE_RATIO")** ($PAGE_RATIO × $BEST_ONE) |"
    if [[ ${#CHECKS[@]} -gt 0 ]]; then
        echo
        echo "Counts that differ from what the run must give:"
        printf -- '- %s\n' "${CHECKS[@]}"
    fi
    echo '<!-- bench/scale:end -->'
} >"$section"

echo
sed -n '/^| /p' "$section"
echo "uptime before: $UPTIME_BEFORE"
echo "uptime after:  $UPTIME_AFTER"
if [[ ${#CHECKS[@]} -gt 0 ]]; then
    printf 'CHECK: %s\n' "${CHECKS[@]}"
fi

if [[ $WRITE_DOC != 1 ]]; then
    exit 0
fi

bash "$ROOT/bench/lib/write-section.sh" bench/scale "$section" "$DOC"
log "wrote ${DOC#"$ROOT"/}"
