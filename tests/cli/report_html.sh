#!/usr/bin/env bash
# The batch report opens in headless Chromium (Debian's, installed by the set-up): the tables
# script and the cytoscape network view run without errors, the charts are there, the page
# screenshot is not blank, and no person's name appears in it. Also: a failed run leaves the
# previous report intact, and no half-written folder stays behind.
set -euo pipefail
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium is not installed (scripts/setup.sh installs it)"; exit 1; }

# A smaller network view keeps the browser quick on a busy 2-core machine.
"$bin" batch "$src/examples/changzhou" --out "$work/report" --network-clusters 4 -q
for f in summary.json report.html coverage.csv clusters.json joint_branches.csv joint_branches.json gaps.csv gaps.json clusters.cyjs clusters.gexf joint_branches.cyjs joint_branches.gexf; do
  [ -s "$work/report/$f" ] || { echo "missing $f"; exit 1; }
done
grep -q 'function cytoscape\|cytoscape=' "$work/report/report.html" || { echo "cytoscape.js not inlined"; exit 1; }

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$work/profile" --virtual-time-budget=15000)
timeout 300 "$chromium" "${flags[@]}" --dump-dom "file://$work/report/report.html" > "$work/dom.html" 2> "$work/chromium.log" || true
[ -s "$work/dom.html" ] || { echo "chromium produced no DOM"; tail -5 "$work/chromium.log"; exit 1; }
grep -o 'data-network="[^"]*"' "$work/dom.html" | head -1 || true
grep -q 'data-network="rendered:[1-9]' "$work/dom.html" || { echo "network view did not render"; tail -20 "$work/chromium.log"; exit 1; }
grep -q 'data-tables="ready"' "$work/dom.html" || { echo "tables script did not run"; exit 1; }
if grep -q 'data-errors=' "$work/dom.html"; then
  echo "script errors in the page:"; grep -o 'data-last-error="[^"]*"' "$work/dom.html"; exit 1
fi
charts=$(grep -o '<figure class="chart"' "$work/dom.html" | wc -l)
[ "$charts" -ge 4 ] || { echo "expected 4 charts, found $charts"; exit 1; }
grep -q 'class="bar"' "$work/dom.html" || { echo "charts have no bars"; exit 1; }

timeout 300 "$chromium" "${flags[@]}" --window-size=1280,2400 --screenshot="$work/shot.png" "file://$work/report/report.html" >/dev/null 2>&1 || true
/usr/bin/python3 - "$work/shot.png" <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
colors = im.getcolors(maxcolors=1 << 20)
distinct = len(colors) if colors else 1 << 20
print("screenshot", im.size, "distinct colours", distinct)
assert distinct > 50, "the screenshot looks blank"
# The network view (below the charts) must have drawn something: not one flat colour.
PY

# No person's name in the report (the fixture names people with ordinary Chinese names).
/usr/bin/python3 - "$src/examples/changzhou/people.csv" "$work/report" <<'PY'
import csv, sys, os
names = [r["name"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if len(r["name"]) >= 3][:2000]
for f in ["report.html", "summary.json", "gaps.csv", "clusters.json", "joint_branches.csv", "clusters.cyjs", "clusters.gexf", "joint_branches.cyjs", "joint_branches.gexf"]:
    text = open(os.path.join(sys.argv[2], f), encoding="utf-8").read()
    leaked = [n for n in names if n in text]
    assert not leaked, f"{f} contains people's names: {leaked[:3]}"
print("no people's names in the report")
PY

# Org names that are HTML: `<!--<script>` inside the inlined network data once put the parser
# in a mode where the data block ran on to the end of the page and swallowed every script.
mkdir -p "$work/html-names" && cp "$src"/examples/tiny-city/*.csv "$work/html-names/"
/usr/bin/python3 - "$work/html-names/organizations.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
tails = [" <!--<script> a", " </script><img src=x onerror=document.title='pwned'>", " & <b>c</b>"]
for i, r in enumerate(rows):
    r["name"] += tails[i % len(tails)]
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader(); w.writerows(rows)
PY
"$bin" batch "$work/html-names" --out "$work/html-report" -q
timeout 300 "$chromium" "${flags[@]}" --dump-dom "file://$work/html-report/report.html" > "$work/html-dom.html" 2>> "$work/chromium.log" || true
grep -q 'data-tables="ready"' "$work/html-dom.html" || { echo "org names with HTML in them stopped the tables script"; exit 1; }
grep -q 'data-network="rendered:[1-9]' "$work/html-dom.html" || { echo "org names with HTML in them stopped the network view"; exit 1; }
grep -q 'data-errors=' "$work/html-dom.html" && { echo "script errors with HTML org names"; exit 1; }
grep -q '<title>pwned' "$work/html-dom.html" && { echo "an org name ran as script"; exit 1; }

# A failed run (DATA with an error) leaves the previous report intact and nothing half-written.
before=$(md5sum "$work/report/summary.json")
mkdir -p "$work/bad" && cp "$src"/examples/tiny-city/*.csv "$work/bad/" && echo "X1,broken,level9,," >> "$work/bad/areas.csv"
if "$bin" batch "$work/bad" --out "$work/report" -q 2>/dev/null; then echo "batch accepted bad data"; exit 1; fi
[ "$(md5sum "$work/report/summary.json")" = "$before" ] || { echo "previous report changed"; exit 1; }
ls -d "$work"/report.partial-* 2>/dev/null && { echo "partial folder left behind"; exit 1; }

# Killed half-way: the previous report stays complete.
"$bin" batch "$src/examples/changzhou" --out "$work/report" -q &
pid=$!
sleep 0.3; kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
[ -s "$work/report/summary.json" ] && [ -s "$work/report/report.html" ] || { echo "report damaged by a killed run"; exit 1; }
# A run killed after its swap leaves the replaced report as report.previous-<its pid>: made here
# with the pid of a finished process, so that the check below does not depend on the kill's timing.
true & dead=$!; wait $dead
mkdir -p "$work/report.previous-$dead" && cp "$work/report/summary.json" "$work/report.previous-$dead/"
"$bin" batch "$src/examples/changzhou" --out "$work/report" -q
ls -d "$work"/report.partial-* 2>/dev/null && { echo "stale partial folder not cleaned"; exit 1; }
ls -d "$work"/report.previous-* 2>/dev/null && { echo "the replaced report was not removed"; exit 1; }
[ -s "$work/report/summary.json" ] && [ -s "$work/report/gaps.json" ] || { echo "the new report is not whole"; exit 1; }
echo "report_html: ok"
