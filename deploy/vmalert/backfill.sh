#!/bin/sh
# Replays recording rules over a past time range into the gateway (vmalert -replay.*), then exits.
#   backfill.sh FROM RULE_FILE
# FROM is "1 year", "1 week" (counted back from now) or an RFC 3339 time such as 2023-05-10T00:00:00Z.
# The range ends at BACKFILL_TIME_TO (RFC 3339) or, when that is empty, now.
# Needs PROMETHEUS_URL and REMOTE_WRITE_URL; only BusyBox tools are used (the vmalert image is Alpine).
set -eu

from_arg=${1:?usage: backfill.sh FROM RULE_FILE}
rules=${2:?usage: backfill.sh FROM RULE_FILE}

rfc3339() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

now=$(date -u +%s)
case "$from_arg" in
  "1 year") time_from=$(rfc3339 $((now - 365 * 86400))) ;;
  "1 week") time_from=$(rfc3339 $((now - 7 * 86400))) ;;
  *) time_from=$from_arg ;;
esac
time_to=${BACKFILL_TIME_TO:-}
[ -n "$time_to" ] || time_to=$(rfc3339 "$now")

echo "backfill rules=$rules from=$time_from to=$time_to datasource=$PROMETHEUS_URL remote_write=$REMOTE_WRITE_URL"

# vmalert exits non-zero when any replayed row could not be delivered: the job then shows as failed
# and can be run again (rows already stored are deduplicated by the gateway).
exec /vmalert-prod \
  -rule="$rules" \
  -datasource.url="$PROMETHEUS_URL" \
  -remoteWrite.url="$REMOTE_WRITE_URL" \
  -remoteWrite.disablePathAppend \
  -replay.timeFrom="$time_from" \
  -replay.timeTo="$time_to" \
  -replay.disableProgressBar
