#!/usr/bin/env bash
# bench/send/crash.sh: the crash test at bench size. The suite's DeliveryCrashTests (20,000 recipients, 10 kills) run
# with 100,000 recipients and 50 kills: `Broadsheet.Web deliver` as a child process against the SMTP test server,
# killed with SIGKILL (and, separately, stopped with SIGTERM) at random moments and restarted each time. The test's own
# assertions are the result: every eligible reader got the mail, every duplicate was in flight at a kill, nobody
# ineligible got anything, nothing is left claimed, the send finished; no duplicate at all with SIGTERM.
#
#   bash bench/send/crash.sh                      # SQLite and, if BROADSHEET_TEST_POSTGRES is set, PostgreSQL
#   RECIPIENTS=100000 KILLS=50 bash bench/send/crash.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export BROADSHEET_CRASH_RECIPIENTS=${RECIPIENTS:-100000}
export BROADSHEET_CRASH_KILLS=${KILLS:-50}
echo "[bench/send/crash] $BROADSHEET_CRASH_RECIPIENTS recipients, $BROADSHEET_CRASH_KILLS kills per case" >&2
start=$(date +%s)
dotnet test "$ROOT/tests/Broadsheet.Tests" --filter "FullyQualifiedName~DeliveryCrashTests" --logger "console;verbosity=normal"
echo "[bench/send/crash] passed in $(( $(date +%s) - start )) s" >&2
