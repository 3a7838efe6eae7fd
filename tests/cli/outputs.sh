#!/usr/bin/env bash
# --out onto something that is not a regular file: a FIFO (standing in for /dev/null or
# /dev/stdout, which a test must not risk) is written in place and stays a FIFO; renaming a
# finished temporary file onto it would replace the device. Regular files are still replaced
# whole, with no temporary file left behind.
# Usage: bash outputs.sh ORGRAPH_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1
SRC=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
TINY="$SRC/examples/tiny-city"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

mkfifo "$WORK/pipe"
for cmd in "stats --format json" "coverage --format csv" "build"; do
  timeout 60 cat "$WORK/pipe" > "$WORK/read.out" &
  reader=$!
  # shellcheck disable=SC2086
  timeout 60 "$BIN" -q $cmd "$TINY" --out "$WORK/pipe" || fail "$cmd --out FIFO exited with $?"
  wait "$reader" || fail "$cmd: the reader failed"
  [ -p "$WORK/pipe" ] || fail "$cmd --out FIFO replaced the FIFO with a regular file"
  [ -s "$WORK/read.out" ] || fail "$cmd --out FIFO wrote nothing into it"
  ls "$WORK"/pipe.tmp.* 2>/dev/null && fail "$cmd left a temporary file beside the FIFO"
done
# What went through the FIFO is what a regular file gets.
timeout 60 cat "$WORK/pipe" > "$WORK/read.out" &
reader=$!
"$BIN" -q stats --format json "$TINY" --out "$WORK/pipe" || fail "stats --out FIFO"
wait "$reader"
"$BIN" -q stats --format json "$TINY" --out "$WORK/file.json" || fail "stats --out file"
cmp -s "$WORK/read.out" "$WORK/file.json" || fail "FIFO and file outputs differ"
ls "$WORK"/file.json.tmp.* 2>/dev/null && fail "temporary file left behind"
echo "outputs: ok"
