#!/usr/bin/env bash
# bench/send: the delivery engine's throughput against the limit measured in the same run. For each SMTP sink (the
# test kit's server, bench/send/Sink, and npm's smtp-server, bench/send/smtp-sink.mjs): the limit (bench/send/Blaster,
# MailKit sending one pre-built message over the same number of connections), then `Broadsheet.Web deliver
# --until-idle` of a campaign to RECIPIENTS subscribers, without and with DKIM, each on a fresh SQLite data folder,
# timed with /usr/bin/time -v (wall clock and peak RSS). Then the materialisation of a send to 1,000,000 subscribers.
# Prints the figures and writes them into docs/benchmarks.md between <!-- bench/send:start --> and
# <!-- bench/send:end -->.
#
#   bash bench/send/run.sh
#
# Then the same again with running senders (WARM=1): the Blaster and a running Broadsheet instance (the README's run
# command, sending as it does in production) each first send WARM_RECIPIENTS messages (Arabic readers, for Broadsheet),
# the sink's figures start afresh, and the measured RECIPIENTS follow: the steady state, without the compiling and the
# code waiting to be compiled that a process's first tens of thousands of messages pay for.
#
# Knobs: RECIPIENTS=100000 CONNECTIONS=4 MATERIALISE=1000000 (0: skip) NAGLE_MESSAGES=1000 (0: skip) SKIP_NPM=0
# SKIP_DKIM=0 WARM=1 WARM_RECIPIENTS=40000 SEND_TIMEOUT_S=900 (a running instance's send, or the Blaster's warm-up) WRITE_DOC=1.
# PROFILE=1 adds a `perf record -g` of one more deliver per DKIM setting against the test kit's sink (not timed)
# and keeps the reports in PROFILE_DIR (default: bench/results/send-profile, which git ignores).
# Everything listens on 127.0.0.1 only, and every process the script starts is stopped when it ends, however it ends.
set -euo pipefail

RECIPIENTS=${RECIPIENTS:-100000}
CONNECTIONS=${CONNECTIONS:-4}
MATERIALISE=${MATERIALISE:-1000000}
NAGLE_MESSAGES=${NAGLE_MESSAGES:-1000}
SKIP_NPM=${SKIP_NPM:-0}
SKIP_DKIM=${SKIP_DKIM:-0}
WARM=${WARM:-1}
WARM_RECIPIENTS=${WARM_RECIPIENTS:-40000}
# A measured send that is not finished within this long is stuck, not slow.
SEND_TIMEOUT_S=${SEND_TIMEOUT_S:-900}
WRITE_DOC=${WRITE_DOC:-1}
PROFILE=${PROFILE:-0}
RATIO_TARGET=0.80
DKIM_RATE_TARGET=2000
MATERIALISE_TARGET_S=10
RSS_OVER_IDLE_TARGET_MB=100
# A sink that does not say its port within this long is broken, not slow.
START_TIMEOUT_S=30

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DOC="$ROOT/docs/benchmarks.md"
PROFILE_DIR=${PROFILE_DIR:-$ROOT/bench/results/send-profile}

for tool in dotnet awk; do
    command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
if [[ $SKIP_NPM != 1 ]]; then
    for tool in node npm; do
        command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install nodejs npm, or SKIP_NPM=1" >&2; exit 1; }
    done
fi
if [[ $WARM == 1 ]]; then
    command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3, or WARM=0" >&2; exit 1; }
fi
if [[ $PROFILE == 1 ]]; then
    command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf, or PROFILE=0" >&2; exit 1; }
fi

# shellcheck source=../lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_start send




# --- Sinks ----------------------------------------------------------------------------------------

# Starts a sink (ours or npm) with a log of its own; sets SINK_PID, SINK_PORT and SINK_LOG.
start_sink() {
    local kind=$1 name=$2
    case $kind in
        ours) sink_start "$WORK/$name.sink.log" "$SINK" ;;
        npm) sink_start "$WORK/$name.sink.log" node "$WORK/npm/smtp-sink.mjs" 0 ;;
    esac
}



# --- Timing ---------------------------------------------------------------------------------------

# Runs a command under /usr/bin/time -v; sets WALL_S, RSS_KB, OUT (stdout file) and ERR (stderr file).
timed() {
    local name=$1
    shift
    OUT="$WORK/$name.out" ERR="$WORK/$name.err"
    if ! /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$OUT" 2>"$ERR"; then
        log "$name failed:"
        cat "$ERR" "$WORK/$name.time" >&2
        exit 1
    fi
    read_time "$WORK/$name.time"
}

read_time() {
    WALL_S=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1")
    RSS_KB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$1")
}

mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
per_s() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }'; }
# "Send N materialised: R recipients in M ms" from the dispatcher's log: "R M".
materialised() { sed -n 's/.*Send [0-9]* materialised: \([0-9]*\) recipients in \([0-9]*\) ms.*/\1 \2/p' "$1" | tail -1; }

# --- Build ----------------------------------------------------------------------------------------

PUBLISH_FLAGS=(-c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true)
PUBLISH_CMD="dotnet publish {src/Broadsheet.Web,bench/send/Sink,bench/send/Blaster} ${PUBLISH_FLAGS[*]}"

publish() {
    local project=$1 out=$2
    # A private artifacts folder keeps this build out of the source tree and away from anyone else's build;
    # no build servers, so nothing of ours outlives the script.
    if ! dotnet publish "$ROOT/$project" "${PUBLISH_FLAGS[@]}" -o "$out" --artifacts-path "$WORK/artifacts" \
        --disable-build-servers -nologo -v quiet >"$out.publish.log" 2>&1; then
        cat "$out.publish.log" >&2
        exit 1
    fi
}

log "publishing src/Broadsheet.Web, bench/send/Sink and bench/send/Blaster (Release)"
publish src/Broadsheet.Web "$WORK/app"
publish bench/send/Sink "$WORK/sink"
publish bench/send/Blaster "$WORK/blaster"
APP="$WORK/app/Broadsheet.Web"
SINK="$WORK/sink/Sink"
BLASTER="$WORK/blaster/Blaster"

SINKS=(ours)
if [[ $SKIP_NPM != 1 ]]; then
    log "installing smtp-server from bench/send/package-lock.json (npm ci)"
    mkdir -p "$WORK/npm"
    cp "$ROOT/bench/send/package.json" "$ROOT/bench/send/package-lock.json" "$ROOT/bench/send/smtp-sink.mjs" "$WORK/npm/"
    if ! (cd "$WORK/npm" && npm ci --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1); then
        cat "$WORK/npm.log" >&2
        exit 1
    fi
    SINKS+=(npm)
    SMTP_SERVER_VERSION=$(node -p "require('$WORK/npm/node_modules/smtp-server/package.json').version")
fi
DKIM_SETTINGS=(off)
if [[ $SKIP_DKIM != 1 ]]; then DKIM_SETTINGS+=(on); fi

cd "$WORK"
FROM='"The Ledger" <newsletter@ledger.example>'
DKIM_DOMAIN=ledger.example
DKIM_SELECTOR=bench
# What every Broadsheet process here shares; the data folder and the relay's port come per run.
base_env=(env "Broadsheet__SeedDemoContent=false" "Broadsheet__SiteUrl=https://ledger.example" "Broadsheet__Mail__From=$FROM"
    "Logging__LogLevel__Default=Warning" "Logging__LogLevel__Broadsheet.Delivery.DeliveryDispatcher=Information")

# Readers reader1@example.org … readerN@example.org, all English, so the campaign goes to every one of them; and, when
# a third count is given, as many Arabic readers warm1@example.org … for the warm-up sends (an English send skips them).
write_csv() {
    awk -v n="$2" -v w="${3:-0}" 'BEGIN {
        print "email,name,language"
        for (i = 1; i <= n; i++) printf "reader%d@example.org,Reader %d,en\n", i, i
        for (i = 1; i <= w; i++) printf "warm%d@example.org,Warm %d,ar\n", i, i
    }' >"$1"
}

# A data folder with the campaign queued (the send is created, not yet materialised); DKIM key made when asked.
prepare_data() {
    local data=$1 dkim=$2
    cp -a "$WORK/template" "$data"
    if [[ $dkim == on ]]; then
        "${base_env[@]}" "Broadsheet__DataDirectory=$data" "$APP" dkim init --domain "$DKIM_DOMAIN" --selector "$DKIM_SELECTOR" >/dev/null 2>&1
    fi
    queue_send "$data" en >"$data.send-id"
}

# Queues the campaign in language $2 on data folder $1; prints the send's number.
queue_send() {
    queue_campaign "$2" "The Ledger: who owns the wells" "${base_env[@]}" "Broadsheet__DataDirectory=$1" "$APP"
}

# The settings of one deliver against the sink on port $2, with or without DKIM ($3).
run_env() {
    local data=$1 port=$2 dkim=$3
    RUN_ENV=("${base_env[@]}" "Broadsheet__DataDirectory=$data" "Broadsheet__Mail__Transport=Smtp"
        "Broadsheet__Mail__Smtp__Host=127.0.0.1" "Broadsheet__Mail__Smtp__Port=$port" "Broadsheet__Mail__Smtp__Security=None"
        "Broadsheet__Mail__Smtp__Connections=$CONNECTIONS")
    if [[ $dkim == on ]]; then
        RUN_ENV+=("Broadsheet__Mail__Dkim__Domain=$DKIM_DOMAIN" "Broadsheet__Mail__Dkim__Selector=$DKIM_SELECTOR")
    fi
}

# --- The message ----------------------------------------------------------------------------------

# The limit sends the very message Broadsheet composes: one campaign to one reader, written by the default outbox
# transport to an .eml file (with its Return-Path, which the Blaster takes as the envelope sender).
log "composing one campaign message through the outbox transport, for the limit"
mkdir -p "$WORK/reference"
write_csv "$WORK/reference.csv" 1
for dkim in "${DKIM_SETTINGS[@]}"; do
    data="$WORK/reference/$dkim"
    "${base_env[@]}" "Broadsheet__DataDirectory=$data" "$APP" subscribers import "$WORK/reference.csv" >/dev/null 2>&1
    if [[ $dkim == on ]]; then
        "${base_env[@]}" "Broadsheet__DataDirectory=$data" "$APP" dkim init --domain "$DKIM_DOMAIN" --selector "$DKIM_SELECTOR" >/dev/null 2>&1
        dkim_env=("Broadsheet__Mail__Dkim__Domain=$DKIM_DOMAIN" "Broadsheet__Mail__Dkim__Selector=$DKIM_SELECTOR")
    else
        dkim_env=()
    fi
    queue_send "$data" en >/dev/null
    "${base_env[@]}" "Broadsheet__DataDirectory=$data" "${dkim_env[@]}" "$APP" deliver --until-idle >/dev/null 2>&1
    eml=$(ls "$data"/outbox/*.eml 2>/dev/null | head -1 || true)
    [[ -n $eml ]] || { log "the outbox transport wrote no message"; exit 1; }
    cp "$eml" "$WORK/message-dkim-$dkim.eml"
done
MESSAGE="$WORK/message-dkim-off.eml"
MESSAGE_BYTES=$(wc -c <"$MESSAGE")
MESSAGE_DKIM_BYTES=$([[ -f $WORK/message-dkim-on.eml ]] && wc -c <"$WORK/message-dkim-on.eml" || echo '')
log "  $MESSAGE_BYTES bytes${MESSAGE_DKIM_BYTES:+ ($MESSAGE_DKIM_BYTES with the DKIM signature)}"

# --- Subscribers ----------------------------------------------------------------------------------

WARM_IMPORT=$([[ $WARM == 1 ]] && echo "$WARM_RECIPIENTS" || echo 0)
log "importing $RECIPIENTS English subscribers (and $WARM_IMPORT Arabic ones for warm-up sends) into a template data folder (not timed)"
write_csv "$WORK/subscribers.csv" "$RECIPIENTS" "$WARM_IMPORT"
"${base_env[@]}" "Broadsheet__DataDirectory=$WORK/template" "$APP" subscribers import "$WORK/subscribers.csv" >"$WORK/import.out" 2>&1 ||
    { cat "$WORK/import.out" >&2; exit 1; }
IMPORTED=$(awk '$1 == "imported" { print $2 }' "$WORK/import.out")
[[ $IMPORTED == "$((RECIPIENTS + WARM_IMPORT))" ]] || { log "imported $IMPORTED subscribers, expected $((RECIPIENTS + WARM_IMPORT))"; cat "$WORK/import.out" >&2; exit 1; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- Limit and Broadsheet, per sink ---------------------------------------------------------------

# How a sink is named in the tables.
label_of() {
    case $1 in
        ours) echo 'test kit server (bench/send/Sink)' ;;
        npm) echo "npm smtp-server ${SMTP_SERVER_VERSION:-}" ;;
    esac
}

# The throughput verdict of one run (sink_label and SINK_RATE as set): the ratio to the limit without DKIM ($1 off),
# the absolute rate with it. $2 says which sender, $3 which limit, $4 and $5 are the ratio and the limit's rate.
rate_verdict() {
    local verdict
    if [[ $1 == off ]]; then
        verdict=$(awk -v r="$4" -v t="$RATIO_TARGET" 'BEGIN { print (r >= t) ? "pass" : "FAIL" }')
        VERDICT_ROWS+=("$sink_label, without DKIM, $2: msgs/s ≥ $RATIO_TARGET × $3|**$verdict** ($4 × $5)")
    else
        verdict=$(awk -v r="$SINK_RATE" -v t="$DKIM_RATE_TARGET" 'BEGIN { print (r >= t) ? "pass" : "FAIL" }')
        VERDICT_ROWS+=("$sink_label, with DKIM, $2: msgs/s ≥ $DKIM_RATE_TARGET|**$verdict** ($SINK_RATE)")
    fi
}

LIMIT_ROWS=()
SEND_ROWS=()
VERDICT_ROWS=()
CHECKS=()
declare -A LIMIT_RATE

for sink in "${SINKS[@]}"; do
    sink_label=$(label_of "$sink")

    log "$sink_label: the limit, Blaster, $RECIPIENTS messages over $CONNECTIONS connections"
    start_sink "$sink" "limit-$sink"
    timed "limit-$sink" "$BLASTER" 127.0.0.1 "$SINK_PORT" "$MESSAGE" "$CONNECTIONS" "$RECIPIENTS"
    blaster_line=$(grep '^sent=' "$OUT" | tail -1)
    blaster_rate=$(field rate "$blaster_line")
    sink_stop
    if [[ $SINK_ACCEPTED != "$RECIPIENTS" ]]; then
        CHECKS+=("limit, $sink_label: the sink accepted $SINK_ACCEPTED messages, not $RECIPIENTS")
    fi
    LIMIT_RATE[$sink]=$SINK_RATE
    LIMIT_ROWS+=("$sink_label|$SINK_ACCEPTED|$SINK_SECONDS|$SINK_RATE|$blaster_rate|$WALL_S|$(mb "$RSS_KB")")
    log "  $SINK_RATE msgs/s at the sink (Blaster says $blaster_rate), $WALL_S s wall"

    if [[ $sink == ours ]] && (( NAGLE_MESSAGES > 0 )); then
        # The same, but MailKit connects its own socket (Nagle's algorithm on): what a sender loses to delayed ACKs.
        log "$sink_label: Blaster with MailKit's own connect (Nagle on), $NAGLE_MESSAGES messages"
        start_sink "$sink" "nagle-$sink"
        timed "nagle-$sink" "$BLASTER" 127.0.0.1 "$SINK_PORT" "$MESSAGE" "$CONNECTIONS" "$NAGLE_MESSAGES" --mailkit-connect
        blaster_line=$(grep '^sent=' "$OUT" | tail -1)
        sink_stop
        NAGLE_ROW="$sink_label, MailKit's own connect (Nagle on)|$SINK_ACCEPTED|$SINK_SECONDS|$SINK_RATE|$(field rate "$blaster_line")|$WALL_S|$(mb "$RSS_KB")"
        log "  $SINK_RATE msgs/s at the sink"
    fi

    for dkim in "${DKIM_SETTINGS[@]}"; do
        name="$sink-dkim-$dkim"
        data="$WORK/data-$name"
        log "$sink_label: Broadsheet deliver --until-idle, $RECIPIENTS recipients, DKIM $dkim"
        prepare_data "$data" "$dkim"
        start_sink "$sink" "$name"
        run_env "$data" "$SINK_PORT" "$dkim"
        timed "$name" "${RUN_ENV[@]}" "$APP" deliver --until-idle
        send_wall=$WALL_S send_rss=$RSS_KB
        read -r mat_recipients mat_ms < <(materialised "$ERR") || true
        # Nothing left to send: the same process, configuration and transport doing nothing, for memory.
        timed "$name-idle" "${RUN_ENV[@]}" "$APP" deliver --until-idle
        idle_rss=$RSS_KB
        sink_stop
        "${base_env[@]}" "Broadsheet__DataDirectory=$data" "$APP" sends list >"$WORK/$name.list" 2>/dev/null
        status=$(awk -F'\t' -v id="$(cat "$data.send-id")" '$1 == id { print $4 " " $6 }' "$WORK/$name.list")
        ok=yes
        if [[ $SINK_ACCEPTED != "$RECIPIENTS" || $status != "Finished sent $RECIPIENTS" || ${mat_recipients:-} != "$RECIPIENTS" ]]; then
            ok=NO
            CHECKS+=("$sink_label, DKIM $dkim: the sink accepted $SINK_ACCEPTED, the send says '$status', materialised ${mat_recipients:-?} (expected $RECIPIENTS each)")
        fi
        ratio=$(awk -v a="$SINK_RATE" -v l="${LIMIT_RATE[$sink]}" 'BEGIN { printf "%.2f", (l > 0) ? a / l : 0 }')
        wall_rate=$(per_s "$RECIPIENTS" "$send_wall")
        over_idle=$(( $(mb "$send_rss") - $(mb "$idle_rss") ))
        SEND_ROWS+=("$sink_label|$dkim|$SINK_RATE|$ratio|$send_wall|$wall_rate|${mat_ms:-?}|$(mb "$send_rss")|$(mb "$idle_rss")|$over_idle|$SINK_ACCEPTED|$ok")
        log "  $SINK_RATE msgs/s at the sink ($ratio × the limit), $send_wall s wall ($wall_rate msgs/s), materialised in ${mat_ms:-?} ms, peak RSS $(mb "$send_rss") MB (idle $(mb "$idle_rss") MB), counts as expected: $ok"

        rate_verdict "$dkim" "a fresh \`deliver\` process" "the limit" "$ratio" "${LIMIT_RATE[$sink]}"
        verdict=$(awk -v o="$over_idle" -v t="$RSS_OVER_IDLE_TARGET_MB" 'BEGIN { print (o <= t) ? "pass" : "FAIL" }')
        VERDICT_ROWS+=("$sink_label, DKIM $dkim: peak RSS ≤ idle + $RSS_OVER_IDLE_TARGET_MB MB|**$verdict** (+$over_idle MB)")
        rm -rf "$data"
    done
done

# --- Running senders: the steady state (WARM=1) ---------------------------------------------------

# Waits until file $2 has a line matching $1 while process $3 runs.
wait_for_line() {
    local pattern=$1 file=$2 pid=$3 waited=0
    until grep -q "$pattern" "$file"; do
        if ! kill -0 "$pid" 2>/dev/null || (( waited > SEND_TIMEOUT_S * 10 )); then
            log "no '$pattern' from process $pid; its output:"
            cat "$file" >&2
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# Waits until send $2 on data folder $1 is Finished while the instance $3 (its log $4) runs; read with the sqlite3
# shell, which costs the measured send next to nothing, unlike a CLI process every half second.
wait_finished() {
    local data=$1 id=$2 pid=$3 instance_log=$4 waited=0 status=''
    while [[ $status != Finished ]]; do
        if ! kill -0 "$pid" 2>/dev/null || (( waited > SEND_TIMEOUT_S * 2 )); then
            log "send $id did not finish (status '$status'); the instance's log:"
            tail -50 "$instance_log" >&2
            exit 1
        fi
        sleep 0.5
        waited=$((waited + 1))
        status=$(sqlite3 -cmd '.timeout 5000' "$data/broadsheet.db" "SELECT Status FROM sends WHERE Id = $id" 2>/dev/null || true)
    done
}

WARM_LIMIT_ROWS=()
WARM_SEND_ROWS=()
declare -A WARM_LIMIT_RATE
if [[ $WARM == 1 ]]; then
    for sink in "${SINKS[@]}"; do
        sink_label=$(label_of "$sink")

        # The Blaster sends the warm-up, says "warmed" and waits for a line on its standard input (a FIFO held open here).
        log "$sink_label, running: the Blaster warms up with $WARM_RECIPIENTS messages, then $RECIPIENTS measured"
        name="warm-limit-$sink"
        start_sink "$sink" "$name"
        rm -f "$WORK/$name.in"
        mkfifo "$WORK/$name.in"
        exec {BLASTER_IN}<>"$WORK/$name.in"
        "$BLASTER" 127.0.0.1 "$SINK_PORT" "$MESSAGE" "$CONNECTIONS" "$RECIPIENTS" --warmup "$WARM_RECIPIENTS" <&"$BLASTER_IN" >"$WORK/$name.out" 2>&1 &
        blaster_pid=$!
        PIDS+=("$blaster_pid")
        wait_for_line '^warmed' "$WORK/$name.out" "$blaster_pid"
        sink_mark
        echo go >&"$BLASTER_IN"
        wait "$blaster_pid" || { log "the Blaster failed:"; cat "$WORK/$name.out" >&2; exit 1; }
        forget_pid "$blaster_pid"
        exec {BLASTER_IN}>&-
        sink_stop
        if [[ $SINK_ACCEPTED != "$RECIPIENTS" || $MARKED_ACCEPTED != "$WARM_RECIPIENTS" ]]; then
            CHECKS+=("running limit, $sink_label: the sink accepted $MARKED_ACCEPTED warm-up and $SINK_ACCEPTED measured messages, not $WARM_RECIPIENTS and $RECIPIENTS")
        fi
        WARM_LIMIT_RATE[$sink]=$SINK_RATE
        WARM_LIMIT_ROWS+=("$sink_label|$MARKED_RATE|$SINK_ACCEPTED|$SINK_SECONDS|$SINK_RATE")
        log "  warm-up $MARKED_RATE msgs/s; then $SINK_RATE msgs/s at the sink"

        for dkim in "${DKIM_SETTINGS[@]}"; do
            name="warm-$sink-dkim-$dkim"
            data="$WORK/data-$name"
            log "$sink_label, running: a Broadsheet instance sends $WARM_RECIPIENTS (Arabic) to warm up, then $RECIPIENTS measured, DKIM $dkim"
            cp -a "$WORK/template" "$data"
            if [[ $dkim == on ]]; then
                "${base_env[@]}" "Broadsheet__DataDirectory=$data" "$APP" dkim init --domain "$DKIM_DOMAIN" --selector "$DKIM_SELECTOR" >/dev/null 2>&1
            fi
            start_sink "$sink" "$name"
            run_env "$data" "$SINK_PORT" "$dkim"
            # The README's run command, as a newsroom runs it, with the SMTP relay set; the scheduler off, so only the
            # sends queued here go out.
            (cd "$WORK" && exec "${RUN_ENV[@]}" "Broadsheet__Workers__Scheduler=false" "$APP" --urls http://127.0.0.1:0) </dev/null >"$WORK/$name.log" 2>&1 &
            instance_pid=$!
            PIDS+=("$instance_pid")
            warm_id=$(queue_send "$data" ar)
            wait_finished "$data" "$warm_id" "$instance_pid" "$WORK/$name.log"
            sink_mark
            warm_rate=$MARKED_RATE warm_accepted=$MARKED_ACCEPTED
            send_id=$(queue_send "$data" en)
            wait_finished "$data" "$send_id" "$instance_pid" "$WORK/$name.log"
            stop_pid "$instance_pid"
            sink_stop
            "${base_env[@]}" "Broadsheet__DataDirectory=$data" "$APP" sends list >"$WORK/$name.list" 2>/dev/null
            status=$(awk -F'\t' -v id="$send_id" '$1 == id { print $4 " " $6 }' "$WORK/$name.list")
            ok=yes
            if [[ $SINK_ACCEPTED != "$RECIPIENTS" || $warm_accepted != "$WARM_RECIPIENTS" || $status != "Finished sent $RECIPIENTS" ]]; then
                ok=NO
                CHECKS+=("running, $sink_label, DKIM $dkim: the sink accepted $warm_accepted warm-up and $SINK_ACCEPTED measured messages, the send says '$status' (expected $WARM_RECIPIENTS, $RECIPIENTS)")
            fi
            ratio=$(awk -v a="$SINK_RATE" -v l="${WARM_LIMIT_RATE[$sink]}" 'BEGIN { printf "%.2f", (l > 0) ? a / l : 0 }')
            WARM_SEND_ROWS+=("$sink_label|$dkim|$warm_rate|$SINK_RATE|$ratio|$SINK_ACCEPTED|$ok")
            log "  warm-up $warm_rate msgs/s; then $SINK_RATE msgs/s at the sink ($ratio × the running limit), counts as expected: $ok"
            rate_verdict "$dkim" "running senders" "the running limit" "$ratio" "${WARM_LIMIT_RATE[$sink]}"
            rm -rf "$data"
        done
    done
fi

# --- Materialising a send to a million subscribers ------------------------------------------------

if (( MATERIALISE > 0 )); then
    log "materialisation: importing $MATERIALISE subscribers (not timed), queueing the campaign"
    rm -rf "$WORK/template"
    write_csv "$WORK/million.csv" "$MATERIALISE"
    "${base_env[@]}" "Broadsheet__DataDirectory=$WORK/template" "$APP" subscribers import "$WORK/million.csv" >"$WORK/million-import.out" 2>&1 ||
        { cat "$WORK/million-import.out" >&2; exit 1; }
    rm -f "$WORK/million.csv"
    data="$WORK/data-million"
    prepare_data "$data" off
    rm -rf "$WORK/template"

    # deliver materialises first and only then starts sending; it is pointed at a sink so the start of the sending is
    # real, and stopped (SIGTERM: it finishes what is in flight and exits) once the dispatcher has logged the figure.
    # Sending a million messages would add minutes and tell nothing more about materialising.
    log "materialisation: deliver until the dispatcher says the send is materialised, then SIGTERM"
    start_sink ours million
    run_env "$data" "$SINK_PORT" off
    /usr/bin/time -v -o "$WORK/million.time" "${RUN_ENV[@]}" "$APP" deliver --until-idle >"$WORK/million.out" 2>"$WORK/million.err" &
    time_pid=$!
    PIDS+=("$time_pid")
    waited=0
    until grep -q 'materialised:' "$WORK/million.err"; do
        if ! kill -0 "$time_pid" 2>/dev/null || (( waited > 3000 )); then
            log "deliver ended, or took more than 5 minutes, before materialising; its log:"
            cat "$WORK/million.err" >&2
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    # time(1) runs deliver as its only child (env execs it); the signal goes to deliver, time reports when it ends.
    app_pid=$(pgrep -P "$time_pid" | head -1 || true)
    if [[ -n $app_pid ]]; then kill -TERM "$app_pid" 2>/dev/null || true; fi
    wait "$time_pid" || true
    forget_pid "$time_pid"
    sink_stop
    read_time "$WORK/million.time"
    read -r MILLION_RECIPIENTS MILLION_MS < <(materialised "$WORK/million.err")
    MILLION_S=$(awk -v ms="$MILLION_MS" 'BEGIN { printf "%.2f", ms / 1000 }')
    MILLION_RSS=$(mb "$RSS_KB")
    MILLION_SENT_BEFORE_STOP=$SINK_ACCEPTED
    MILLION_DB_MB=$(du -cm "$data"/broadsheet.db* | awk 'END { print $1 }')
    MILLION_OK=$(awk -v s="$MILLION_S" -v t="$MATERIALISE_TARGET_S" 'BEGIN { print (s < t) ? "pass" : "FAIL" }')
    if [[ $MILLION_RECIPIENTS != "$MATERIALISE" ]]; then
        CHECKS+=("materialisation: $MILLION_RECIPIENTS recipients, expected $MATERIALISE")
        MILLION_OK=FAIL
    fi
    VERDICT_ROWS+=("$MATERIALISE recipients materialised on SQLite in < $MATERIALISE_TARGET_S s|**$MILLION_OK** ($MILLION_S s)")
    log "  $MILLION_RECIPIENTS recipients materialised in $MILLION_MS ms; peak RSS $MILLION_RSS MB; $MILLION_SENT_BEFORE_STOP messages went out before the stop"
    rm -rf "$data"
fi

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- Where the time goes (optional) ---------------------------------------------------------------

if [[ $PROFILE == 1 ]]; then
    mkdir -p "$PROFILE_DIR"
    write_csv "$WORK/subscribers.csv" "$RECIPIENTS"
    "${base_env[@]}" "Broadsheet__DataDirectory=$WORK/template" "$APP" subscribers import "$WORK/subscribers.csv" >/dev/null 2>&1
    for dkim in "${DKIM_SETTINGS[@]}"; do
        data="$WORK/data-profile-$dkim"
        log "profiling deliver with DKIM $dkim (perf record -g; not timed)"
        prepare_data "$data" "$dkim"
        start_sink ours "profile-$dkim"
        run_env "$data" "$SINK_PORT" "$dkim"
        # The perf map names JIT-compiled .NET methods; perf reads it from /tmp whatever TMPDIR says, and it only
        # matches when the JIT's code is not double-mapped (W^X).
        perf record -q -g -o "$WORK/perf-$dkim.data" -- "${RUN_ENV[@]}" DOTNET_PerfMapEnabled=1 DOTNET_PerfMapJitDumpPath=/tmp \
            DOTNET_EnableWriteXorExecute=0 "$APP" deliver --until-idle >/dev/null 2>"$WORK/perf-$dkim.err" ||
            { log "perf record failed:"; cat "$WORK/perf-$dkim.err" >&2; exit 1; }
        sink_stop
        perf report -i "$WORK/perf-$dkim.data" --no-children --sort sym -g none --stdio 2>/dev/null >"$PROFILE_DIR/dkim-$dkim.txt"
        perf report -i "$WORK/perf-$dkim.data" --no-children --sort dso -g none --stdio 2>/dev/null >"$PROFILE_DIR/dkim-$dkim-by-library.txt"
        log "  $PROFILE_DIR/dkim-$dkim.txt; the top:"
        awk '!/^#/ && NF { print; if (++n == 25) exit }' "$PROFILE_DIR/dkim-$dkim.txt" >&2
        rm -rf "$data"
    done
    rm -rf "$WORK/template"
fi

# --- Report ---------------------------------------------------------------------------------------

CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM_GIB=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
SDK=$(dotnet --version)
RUNTIME=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
NODE_VERSION=$(node --version 2>/dev/null || echo '')

# The knobs that differ from the defaults, so the command in the document is the one that made its figures.
KNOBS=''
[[ $RECIPIENTS == 100000 ]] || KNOBS+="RECIPIENTS=$RECIPIENTS "
[[ $CONNECTIONS == 4 ]] || KNOBS+="CONNECTIONS=$CONNECTIONS "
[[ $MATERIALISE == 1000000 ]] || KNOBS+="MATERIALISE=$MATERIALISE "
[[ $NAGLE_MESSAGES == 1000 ]] || KNOBS+="NAGLE_MESSAGES=$NAGLE_MESSAGES "
[[ $SKIP_NPM == 0 ]] || KNOBS+="SKIP_NPM=$SKIP_NPM "
[[ $SKIP_DKIM == 0 ]] || KNOBS+="SKIP_DKIM=$SKIP_DKIM "
[[ $WARM == 1 ]] || KNOBS+="WARM=$WARM "
[[ $WARM_RECIPIENTS == 40000 ]] || KNOBS+="WARM_RECIPIENTS=$WARM_RECIPIENTS "

WARM_NOTE=''
if (( WARM_IMPORT > 0 )); then
    WARM_NOTE=" (and $WARM_IMPORT Arabic ones for the warm-up sends below, which an English send leaves out)"
fi
section="$WORK/section.md"
{
    echo '<!-- bench/send:start -->'
    echo '## bench/send: the delivery engine against the SMTP limit'
    echo
    echo "Written by \`${KNOBS}bash bench/send/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (commit $COMMIT, with whatever was"
    echo "uncommitted in the working tree). Do not edit by hand: the next run replaces this section."
    echo
    echo "- Machine: $(nproc) × $CPU, $MEM_GIB GiB RAM, Linux $(uname -r). Load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER."
    echo "- .NET SDK $SDK, runtime $RUNTIME${NODE_VERSION:+, Node $NODE_VERSION}. Build: \`$PUBLISH_CMD\`."
    echo "- Everything on 127.0.0.1 and on the same cores: the sink, the sender and SQLite share the $(nproc) CPUs."
    echo "- The message: a campaign of \`bench/send/campaign.html\` and \`campaign.txt\` as Broadsheet composes it for one reader"
    echo "  (multipart/alternative, personal unsubscribe and preferences links, List-Unsubscribe, VERP sender), $MESSAGE_BYTES bytes"
    if [[ -n $MESSAGE_DKIM_BYTES ]]; then
        echo "  ($MESSAGE_DKIM_BYTES bytes with its DKIM signature: RSA-2048, the key made by \`dkim init\`)."
    fi
    echo "- The limit: \`Blaster 127.0.0.1 PORT message.eml $CONNECTIONS $RECIPIENTS\` (\`bench/send/Blaster\`): $CONNECTIONS MailKit"
    echo "  SmtpClient sessions send that very message (written by the outbox transport) $RECIPIENTS times in all, with nothing"
    echo "  else to do: no database, no personalisation, no signing."
    echo "- Broadsheet: $RECIPIENTS active English subscribers${WARM_NOTE} imported into a fresh SQLite data folder (not"
    echo "  timed), \`sends create --lang en\` with those bodies, then \`/usr/bin/time -v env Broadsheet__Mail__Transport=Smtp"
    echo "  …__Smtp__Connections=$CONNECTIONS"
    echo "  [Broadsheet__Mail__Dkim__Domain=… __Selector=…] ./Broadsheet.Web deliver --until-idle\`: start-up, materialising the"
    echo "  send, claiming, composing and personalising each message, [signing,] sending, and recording every recipient's state."
    echo "- msgs/s is measured by the sink, the same way for every sender: the messages it accepted, less one, over the time"
    echo "  from the first to the last (so a sender's start-up and shutdown are left out of it). The wall-clock rate beside"
    echo "  it is recipients over the whole \`deliver\` process, start-up and materialisation included. Idle RSS: the same"
    echo "  \`deliver --until-idle\`, same settings, run again once nothing is left to send."
    echo
    echo "### The limit: one pre-built message, $CONNECTIONS connections"
    echo
    echo '| sink | accepted | first → last | msgs/s (sink) | msgs/s (Blaster'"'"'s own clock) | Blaster wall | Blaster peak RSS |'
    echo '|---|---:|---:|---:|---:|---:|---:|'
    for row in "${LIMIT_ROWS[@]}"; do
        IFS='|' read -r label accepted seconds rate blaster wall rss <<<"$row"
        echo "| $label | $accepted | $seconds s | **$rate** | $blaster | $wall s | $rss MB |"
    done
    if [[ -n ${NAGLE_ROW:-} ]]; then
        IFS='|' read -r label accepted seconds rate blaster wall rss <<<"$NAGLE_ROW"
        echo "| for comparison: $label | $accepted | $seconds s | $rate | $blaster | $wall s | $rss MB |"
        echo
        echo "The Blaster connects each session's socket itself with TCP_NODELAY and hands it to MailKit through the stream"
        echo "Broadsheet's SMTP transport uses (\`SmtpWireStream\`, compiled in from src/), which sends what MailKit writes"
        echo "when MailKit flushes or reads the reply: one send a message, as Broadsheet sends. MailKit alone writes the message"
        echo "data in 4 KiB pieces; on a socket MailKit connects itself (\`ConnectAsync(host, port, …)\`) Nagle's algorithm"
        echo "holds back the last piece of each message until the server's delayed ACK (about 40 ms on Linux), so a session"
        echo "manages some 20 messages a second whatever the hardware. The last row shows that cap."
    fi
    echo
    echo "### Broadsheet end to end: $RECIPIENTS recipients, $CONNECTIONS connections"
    echo
    echo '| sink | DKIM | msgs/s (sink) | × limit | deliver wall | msgs/s (wall) | materialised in | peak RSS | idle RSS | over idle | accepted | counts as expected |'
    echo '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|'
    for row in "${SEND_ROWS[@]}"; do
        IFS='|' read -r label dkim rate ratio wall wall_rate mat rss idle over accepted ok <<<"$row"
        echo "| $label | $dkim | **$rate** | $ratio | $wall s | $wall_rate | $mat ms | $rss MB | $idle MB | +$over MB | $accepted | $ok |"
    done
    if [[ ${#WARM_LIMIT_ROWS[@]} -gt 0 ]]; then
        echo
        echo "### Running senders: the steady state, $RECIPIENTS recipients after a warm-up of $WARM_RECIPIENTS"
        echo
        echo "The figures above are each a fresh process's, which spends its first tens of thousands of messages compiling"
        echo "(the tiering JIT) and running code that waits to be compiled. A newsroom's sender is the running platform, so"
        echo "here both sides are measured running: \`Blaster … $CONNECTIONS $RECIPIENTS --warmup $WARM_RECIPIENTS\` sends"
        echo "$WARM_RECIPIENTS messages, the sink's figures start afresh (its \`mark\`), then the measured $RECIPIENTS; and"
        echo "Broadsheet is the README's run command (\`./Broadsheet.Web --urls …\`, the delivery worker on, the scheduler off,"
        echo "the same SMTP and DKIM settings) on a copy of the same data folder, sending a campaign to $WARM_RECIPIENTS"
        echo "Arabic readers (\`sends create --lang ar\`), then, once that send is finished and the sink is marked, the"
        echo "campaign to the $RECIPIENTS English readers (\`sends create --lang en\`): materialised, claimed, composed,"
        echo "[signed,] sent and recorded by the running instance."
        echo
        echo '| sink | sender | warm-up msgs/s | measured msgs/s (sink) | × the running limit | accepted | counts as expected |'
        echo '|---|---|---:|---:|---:|---:|---|'
        for row in "${WARM_LIMIT_ROWS[@]}"; do
            IFS='|' read -r label warm accepted seconds rate <<<"$row"
            echo "| $label | the limit (Blaster) | $warm | **$rate** | | $accepted | |"
        done
        for row in "${WARM_SEND_ROWS[@]}"; do
            IFS='|' read -r label dkim warm rate ratio accepted ok <<<"$row"
            echo "| $label | Broadsheet, DKIM $dkim | $warm | **$rate** | $ratio | $accepted | $ok |"
        done
    fi
    if [[ -n ${MILLION_S:-} ]]; then
        echo
        echo "### Materialising a send to $MATERIALISE subscribers (SQLite)"
        echo
        echo "$MATERIALISE subscribers imported into a fresh data folder (not timed), the same campaign queued, then \`deliver"
        echo "--until-idle\` against the test kit's sink, stopped with SIGTERM as soon as the dispatcher logged \"Send N"
        echo "materialised: R recipients in M ms\" (\`Logging__LogLevel__Broadsheet.Delivery.DeliveryDispatcher=Information\`):"
        echo "sending them all would take minutes and say nothing more about materialising. The figure is the dispatcher's own"
        echo "timing of writing the delivery rows, in chunks of 20,000 with a commit each."
        echo
        echo '| recipients | materialised in | peak RSS of that deliver | messages sent before the stop | database after |'
        echo '|---:|---:|---:|---:|---:|'
        echo "| $MILLION_RECIPIENTS | **$MILLION_S s** | $MILLION_RSS MB | $MILLION_SENT_BEFORE_STOP | $MILLION_DB_MB MB |"
    fi
    echo
    echo '### Verdicts'
    echo
    echo '| target | result |'
    echo '|---|---|'
    for row in "${VERDICT_ROWS[@]}"; do
        IFS='|' read -r target result <<<"$row"
        echo "| $target | $result |"
    done
    echo
    echo "The ratio and the DKIM rate are judged on msgs/s at the sink; the memory targets on the deliver's peak RSS against"
    echo "the same deliver with nothing to send."
    if [[ ${#CHECKS[@]} -gt 0 ]]; then
        echo
        echo "Counts that differ from what the run must give:"
        printf -- '- %s\n' "${CHECKS[@]}"
    fi
    echo '<!-- bench/send:end -->'
} >"$section"

echo
sed -n '/^| /p' "$section"
if [[ ${#CHECKS[@]} -gt 0 ]]; then
    printf 'CHECK: %s\n' "${CHECKS[@]}"
fi

if [[ $WRITE_DOC != 1 ]]; then
    exit 0
fi

# Replace only this benchmark's section, so other benchmarks' sections and any notes survive.
bash "$ROOT/bench/lib/write-section.sh" bench/send "$section" "$DOC"
log "wrote ${DOC#"$ROOT"/}"
