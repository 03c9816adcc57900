#!/usr/bin/env bash
# A file ndj-tail has read but whose marks were never committed (a receiver
# outage longer than --retry-for) must still be shipped after it was rotated
# out of the pattern, whatever logrotate named it: numbered (.1, .2),
# dateext, or compressed by delaycompress (read with --rotated-gzip). A file
# deleted before it was shipped is reported (exit 66, "lost" in the cursor
# and in ndj-post's status file), never dropped silently. Last, the same
# reproduction with stages SIGKILLed at random loses nothing.
set -u
source "$TESTS_DIR/receiver.bash"
RANDOM=4242  # the kill schedule is the same on every run
top=$(mktemp -d)
pgid=
trap '[ -n "$pgid" ] && kill -9 -- -$pgid 2>/dev/null; stop_receiver; rm -rf "$top"' EXIT
fail=0
source "$TESTS_DIR/check.bash"
rec() { printf '{"msg":"%s"}\n' "$1"; }

# A fresh directory d with logs/, a cursor and a receiver (URL); more
# arguments go to the receiver.
setup() {
  stop_receiver
  d="$top/$1"
  shift
  mkdir -p "$d/logs"
  C="$d/cursor.json"
  start_receiver "$d" "$@" || exit 1
}
outage() { curl -s -o /dev/null --max-time 5 -X POST --data-binary "$1" "http://127.0.0.1:$RPORT/_outage"; }

# One pass of the pipeline; each stage's exit status in $d/{tail,batch,post}.rc,
# ndj-tail's stderr in $d/tail.err. Arguments go to ndj-tail. (timeout
# --foreground keeps each stage in the pipeline's process group, where
# the SIGKILL test finds it.)
pipeline() {
  { timeout --foreground $((60 * ${NDJ_TEST_SLOWDOWN:-1})) ndj-tail --cursor "$C" "$@" "$d/logs/*.ndjson" 2>"$d/tail.err"; echo $? >"$d/tail.rc"; } \
    | { timeout --foreground $((60 * ${NDJ_TEST_SLOWDOWN:-1})) ndj-batch -n 100 --linger 50ms; echo $? >"$d/batch.rc"; } \
    | { timeout --foreground $((60 * ${NDJ_TEST_SLOWDOWN:-1})) ndj-post --cursor "$C" --status "$d/status.json" --backoff 10ms --max-backoff 200ms \
          --retry-for 3s "$URL" 2>"$d/post.err"; echo $? >"$d/post.rc"; }
}
rcs() { echo "$(cat "$d/tail.rc") $(cat "$d/batch.rc") $(cat "$d/post.rc")"; }
received() { jq -r '.[].msg' "$d/received" 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# The reproduction, with the two rotations done by ROTATE (a function of
# the generation, 1 or 2) and ndj-tail given EXTRA options.
reproduce() {
  local rotate=$1
  shift
  rec old-1 >"$d/logs/app.ndjson"
  pipeline "$@"
  check "$name: first run" "0 0 0" "$(rcs)"
  $rotate 1
  rec during-outage-1 >"$d/logs/app.ndjson"
  outage 503
  pipeline "$@"
  check "$name: run during the outage, ndj-post" 75 "$(cat "$d/post.rc")"
  rec during-outage-2 >>"$d/logs/app.ndjson"
  $rotate 2
  rec after-outage >"$d/logs/app.ndjson"
  outage ""
}

# logrotate's default: app.ndjson -> app.ndjson.1 -> app.ndjson.2 ...
numbered() {
  local k
  for ((k = 9; k >= 1; k--)); do
    [ -e "$d/logs/app.ndjson.$k" ] && mv "$d/logs/app.ndjson.$k" "$d/logs/app.ndjson.$((k + 1))"
  done
  mv "$d/logs/app.ndjson" "$d/logs/app.ndjson.1"
}
dateext() { mv "$d/logs/app.ndjson" "$d/logs/app.ndjson-2026120$((5 + $1))"; }
# delaycompress: the generation that becomes .2 is compressed (and removed).
delaycompress() {
  local k
  for ((k = 9; k >= 2; k--)); do
    [ -e "$d/logs/app.ndjson.$k.gz" ] && mv "$d/logs/app.ndjson.$k.gz" "$d/logs/app.ndjson.$((k + 1)).gz"
  done
  if [ -e "$d/logs/app.ndjson.1" ]; then
    mv "$d/logs/app.ndjson.1" "$d/logs/app.ndjson.2"
    gzip "$d/logs/app.ndjson.2"
  fi
  mv "$d/logs/app.ndjson" "$d/logs/app.ndjson.1"
}

all="after-outage during-outage-1 during-outage-2 old-1"

name=numbered
setup numbered
reproduce numbered
pipeline
check "$name: restart" "0 0 0" "$(rcs)"
check "$name: every record arrived" "$all" "$(received)"

name=dateext
setup dateext
reproduce dateext
pipeline
check "$name: restart" "0 0 0" "$(rcs)"
check "$name: every record arrived" "$all" "$(received)"

# delaycompress: one more rotation during the outage, so that the unshipped
# generation is the one compressed to app.ndjson.2.gz before the restart.
name=delaycompress
setup delaycompress
reproduce delaycompress --rotated-gzip
outage 503
pipeline --rotated-gzip
check "$name: second run during the outage, ndj-post" 75 "$(cat "$d/post.rc")"
outage ""
delaycompress 3
rec after-outage-2 >"$d/logs/app.ndjson"
check "$name: the unshipped generation is compressed" \
  "$(printf '%s\n' during-outage-1 during-outage-2 | sed 's/.*/{"msg":"&"}/')" \
  "$(zcat "$d/logs/app.ndjson.2.gz" 2>&1)"
cp -a "$d/logs" "$d/logs.copy"  # the same state, for the run without --rotated-gzip
cp "$C" "$d/cursor.copy" 2>/dev/null
pipeline --rotated-gzip
check "$name: restart with --rotated-gzip" "0 0 0" "$(rcs)"
check "$name: every record arrived" "$(printf '%s\n' $all after-outage-2 | sort -u | tr '\n' ' ' | sed 's/ $//')" "$(received)"
# The same state without --rotated-gzip: the compressed generation is gone.
rm -rf "$d/logs" && mv "$d/logs.copy" "$d/logs" && { cp "$d/cursor.copy" "$C" 2>/dev/null || rm -f "$C"; }
pipeline
check "$name: restart without --rotated-gzip, ndj-tail" 66 "$(cat "$d/tail.rc")"
grep "gone before it was shipped" "$d/tail.err" | grep -q "$d/logs/app\.ndjson"
check "$name: without --rotated-gzip, reported" 0 $?

# A generation deleted before it was shipped: reported, the rest shipped.
name=deleted
setup deleted
reproduce numbered
rm "$d/logs/app.ndjson.1"  # during-outage-1 and -2, never shipped
pipeline
check "$name: restart, exit statuses" "66 0 0" "$(rcs)"
check "$name: the rest arrived" "after-outage old-1" "$(received)"
echo "$name: ndj-tail said: $(cat "$d/tail.err")"
grep "^ndj-tail: .*gone before it was shipped" "$d/tail.err" | grep -q "$d/logs/app\.ndjson"
check "$name: stderr names the file, 'gone before it was shipped'" 0 $?
lost_bytes=$(( $(rec during-outage-1 | wc -c) + $(rec during-outage-2 | wc -c) ))
# bytes is the size when ndj-tail last saw the file (null when unknown);
# offset what was committed (nothing).
check "$name: cursor \"lost\"" "1 ok" "$(jq -r --arg dir "$d/logs/" --argjson max $lost_bytes '
  (.lost // []) | "\(length) \(if length == 1 and (.[0].path | startswith($dir + "app.ndjson"))
    and (.[0].bytes == null or (.[0].bytes > 0 and .[0].bytes <= $max)) and .[0].offset == 0
    and (.[0].at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$")) then "ok" else tojson end)"' "$C" 2>&1)"
check "$name: status \"lost\" is the cursor's" "$(jq -c '.lost' "$C" 2>&1)" "$(jq -c '.lost' "$d/status.json" 2>&1)"
check "$name: status unshipped_lost_bytes" "$(jq '[.lost[]?.bytes // 0] | add // 0' "$C" 2>&1)" \
  "$(jq '.unshipped_lost_bytes' "$d/status.json" 2>&1)"
pipeline
check "$name: a second restart ships nothing more" "after-outage old-1" "$(received)"

# The reproduction with bigger files, every pass of the pipeline SIGKILLed
# at a random stage and moment until it has been killed 8 times in a phase.
name=sigkill
setup sigkill --delay 0.05  # slow enough that the kills land mid-run
gen() {  # gen NAME COUNT: COUNT records NAME-0 ...
  awk -v n="$1" -v c="$2" 'BEGIN { for (i = 0; i < c; i++) printf "{\"msg\":\"%s-%d\",\"pad\":\"%0200d\"}\n", n, i, 0 }'
}
killed_runs() {  # killed_runs KILLS: passes of the pipeline, each SIGKILLed
  local k stage pids
  for ((k = 0; k < $1; k++)); do
    setsid bash -c "$(declare -f pipeline); d='$d' C='$C' URL='$URL'; pipeline" 2>/dev/null &
    pgid=$!
    sleep "0.$(printf '%02d' $((RANDOM % 60 + 5)))"
    stage=$(echo ndj-tail ndj-batch ndj-post | cut -d' ' -f$((RANDOM % 3 + 1)))
    pids=$(pgrep -g $pgid -x $stage)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    sleep 0.05
    kill -9 -- -$pgid 2>/dev/null
    wait $pgid 2>/dev/null
    pgid=
  done
}
gen old 3000 >"$d/logs/app.ndjson"
killed_runs 8
pipeline
check "$name: first phase" "0 0 0" "$(rcs)"
numbered
gen during-outage-a 3000 >"$d/logs/app.ndjson"
outage 503
killed_runs 8
pipeline
check "$name: run during the outage, ndj-post" 75 "$(cat "$d/post.rc")"
gen during-outage-b 3000 >>"$d/logs/app.ndjson"
numbered
gen after-outage 3000 >"$d/logs/app.ndjson"
outage ""
killed_runs 8
pipeline
check "$name: restart" "0 0 0" "$(rcs)"
distinct=$(jq -r '.[].msg' "$d/received" | sort -u | wc -l)
total=$(jq -r '.[].msg' "$d/received" | wc -l)
check "$name: distinct records arrived" 12000 "$distinct"
echo "$name: $total received for 12000 written ($((total - distinct)) duplicates)"
exit $fail
