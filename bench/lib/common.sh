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
