# Shared by the bench scripts (source it, then call bench_start NAME): the .NET runtime id of this machine (RID), a
# work folder (WORK), `log`, and on any exit the processes the script started (their ids in PIDS) stopped, whatever
# the script adds in a bench_extra_cleanup function run, and the work folder removed.

bench_start() {
    BENCH_NAME=$1
    case $(uname -m) in
        x86_64) RID=linux-x64 ;;
        aarch64) RID=linux-arm64 ;;
        *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
    esac
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-$BENCH_NAME.XXXXXX")
    PIDS=()
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

log() { printf '[bench/%s] %s\n' "$BENCH_NAME" "$*" >&2; }

bench_cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if declare -F bench_extra_cleanup >/dev/null; then
        bench_extra_cleanup
    fi
    rm -rf "$WORK"
}

# Forgets the pid once it is reaped, so the exit trap can never signal a later process that reuses it.
forget_pid() {
    local pid=$1 kept=() p
    for p in "${PIDS[@]}"; do
        if [[ $p != "$pid" ]]; then kept+=("$p"); fi
    done
    PIDS=("${kept[@]}")
}

# SIGTERM, as a service manager stops a process (it finishes what is in flight), then reaps it.
stop_pid() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    forget_pid "$1"
}

# The value of key=value in a line of figures.
field() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'; }

# Starts an SMTP sink (the command after the log file) that prints "listening on PORT" and, when stopped, a line of
# figures "accepted=… first_to_last_s=… rate=… [connections=…] [clients=…]"; sets SINK_PID, SINK_PORT and SINK_LOG.
# Its standard input is a FIFO held open here (SINK_IN), so sink_mark can talk to bench/send/Sink.
sink_start() {
    SINK_LOG=$1
    shift
    # Made before the sink starts, so the first look for its port never races the sink's own redirection.
    : >"$SINK_LOG"
    rm -f "$SINK_LOG.in"
    mkfifo "$SINK_LOG.in"
    # Opened read-write: neither end waits for the other, and the sink never sees the end of its input.
    exec {SINK_IN}<>"$SINK_LOG.in"
    "$@" <&"$SINK_IN" >"$SINK_LOG" 2>&1 &
    SINK_PID=$!
    PIDS+=("$SINK_PID")
    local waited=0
    SINK_PORT=''
    while [[ -z $SINK_PORT ]]; do
        SINK_PORT=$(awk '$1 == "listening" { print $3; exit }' "$SINK_LOG")
        if [[ -n $SINK_PORT ]]; then break; fi
        if ! kill -0 "$SINK_PID" 2>/dev/null || (( waited > ${START_TIMEOUT_S:-30} * 10 )); then
            log "the sink ($1) did not start; its log:"
            cat "$SINK_LOG" >&2
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# bench/send/Sink only: its figures start afresh from the next message (a warm-up send before it left out). Returns
# once the sink has said so; sets MARKED_ACCEPTED and MARKED_RATE, the figures of what came before the mark.
sink_mark() {
    local marks waited=0
    marks=$(grep -c '^marked ' "$SINK_LOG" || true)
    echo mark >&"$SINK_IN"
    while (( $(grep -c '^marked ' "$SINK_LOG" || true) <= marks )); do
        if ! kill -0 "$SINK_PID" 2>/dev/null || (( waited > 100 )); then
            log "the sink did not answer a mark; its log:"
            cat "$SINK_LOG" >&2
            exit 1
        fi
        sleep 0.05
        waited=$((waited + 1))
    done
    local line
    line=$(grep '^marked ' "$SINK_LOG" | tail -1)
    MARKED_ACCEPTED=$(field accepted "$line") MARKED_RATE=$(field rate "$line")
}

# Stops the sink and reads its last figures: SINK_ACCEPTED, SINK_SECONDS, SINK_RATE, SINK_CONNECTIONS, SINK_CLIENTS.
sink_stop() {
    stop_pid "$SINK_PID"
    exec {SINK_IN}>&-
    rm -f "$SINK_LOG.in"
    local line
    line=$(grep '^accepted=' "$SINK_LOG" | tail -1)
    [[ -n $line ]] || { log "the sink printed no figures; its log:"; cat "$SINK_LOG" >&2; exit 1; }
    SINK_ACCEPTED=$(field accepted "$line") SINK_SECONDS=$(field first_to_last_s "$line") SINK_RATE=$(field rate "$line")
    SINK_CONNECTIONS=$(field connections "$line") SINK_CLIENTS=$(field clients "$line")
}

# Queues bench/send's campaign (campaign.html and campaign.txt) to the readers of language $1 with subject $2 through
# the CLI command that follows (the executable with its environment, e.g. `env … ./Broadsheet.Web`); prints the
# send's number. ROOT is the repository.
queue_campaign() {
    local lang=$1 subject=$2 id
    shift 2
    id=$("$@" sends create --lang "$lang" --subject "$subject" \
        --html "$ROOT/bench/send/campaign.html" --text "$ROOT/bench/send/campaign.txt" 2>/dev/null | grep -oE '[0-9]+' | head -1)
    [[ -n $id ]] || { log "sends create printed no send number"; exit 1; }
    echo "$id"
}
