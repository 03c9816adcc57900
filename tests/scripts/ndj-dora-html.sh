#!/usr/bin/env bash
# ndj-dora --format html: one self-contained page. Parsed with html.parser:
# nothing loaded from elsewhere (no script, link, img, src, href, url(),
# @import or http:), the headline values, sample sizes and tiers of the
# overall row and every group's values equal those of --format json, a
# metric without data says so (never 0), a bucket without data is a pale
# band, a value from fewer than --min-samples samples is a pale card that
# says why it has no tier, goals and regression alerts are shown. Fixture: 0021-bucket's
# events (known values, noted below), March 2026 by week.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
in="$TESTS_DIR/cases/ndj-dora/0021-bucket/in"
args=(--since 2026-03-02T00:00:00Z --until 2026-03-30T00:00:00Z --group-by team --goal 'lead_time<=12h'
      --goal 'change_failure_rate<=10%')
ndj-dora "${args[@]}" --format html -o "$dir/report.html" "$in"
ndj-dora "${args[@]}" --format json --regressions "$in" >"$dir/window.json"
ndj-dora "${args[@]}" --format json --bucket week "$in" >"$dir/weeks.json"
# Without --bucket the page is by week; a -o file is replaced, mode 0644.
[ "$(stat -c %a "$dir/report.html")" = 644 ] || { echo "mode $(stat -c %a "$dir/report.html")"; exit 1; }
ndj-dora "${args[@]}" --format html "$in" | cmp - "$dir/report.html"
python3 - "$dir/report.html" "$dir/window.json" "$dir/weeks.json" <<'PY'
import json, re, sys
from html.parser import HTMLParser

page_path, window_path, weeks_path = sys.argv[1:]
page = open(page_path, encoding="utf-8").read()
window = json.load(open(window_path))
weeks = json.load(open(weeks_path))
problems = []

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.cards, self.cells, self.alerts, self.svgs = [], {}, {}, [], 0
        self.card = self.row = self.cell = None
        self.texts = []
        self.bands = {}
        self.charts = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "link", "img", "iframe", "object", "embed", "base", "image", "use"):
            problems.append(f"external-capable tag <{tag}>")
        for k, v in attrs:
            if k in ("src", "href", "xlink:href", "srcset", "action") or (v and re.search(r"(?i)https?:|//|url\(", v)):
                problems.append(f"reference in <{tag} {k}={v!r}>")
        self.stack.append((tag, a))
        cls = a.get("class", "")
        if tag == "div" and "card" in cls.split():
            self.card = {"metric": a["data-metric"], "low_n": "low-n" in cls.split()}
            self.cards[a["data-metric"]] = self.card
        if tag == "tr" and "data-group" in a:
            self.row = a["data-group"]
        if tag == "td" and self.row is not None and "data-metric" in a:
            self.cell = {}
            self.cells[(self.row, a["data-metric"])] = self.cell
        if tag == "data":
            target = self.cell if self.cell is not None else self.card
            if target is not None:
                target["value"] = a["value"]
        if tag == "span" and "tier" in cls.split() and self.card is not None:
            self.card["tier_pending"] = True
        if tag == "span" and cls == "n" and self.card is not None:
            self.card["n_pending"] = True
        if tag == "p" and cls == "low-n-note" and self.card is not None:
            self.card["note_pending"] = True
        if tag == "div" and "goal" in cls.split() and self.card is not None:
            self.card["goal_met"] = a["data-goal-met"]
        if tag == "svg":
            self.svgs += 1
            self.charts.append({"card": self.card["metric"] if self.card else None, "bands": 0, "bars": 0})
        if tag == "rect":
            self.charts[-1]["bands" if a.get("fill") == "#eaeef2" else "bars"] += 1
        if tag == "li" and "regression" in cls.split():
            self.alerts.append((a["data-metric"], a["data-group"]))
    def handle_endtag(self, tag):
        while self.stack:
            t, a = self.stack.pop()
            if t == "div" and "card" in a.get("class", "").split():
                self.card = None
            if t == "tr":
                self.row = None
            if t == "td":
                self.cell = None
            if t == tag:
                break
    def handle_data(self, data):
        self.texts.append(data)
        if self.card is not None and self.card.pop("tier_pending", False):
            self.card["tier"] = data
        if self.card is not None and self.card.pop("n_pending", False):
            self.card["n"] = int(data)
        if self.card is not None and self.card.pop("note_pending", False):
            self.card["note"] = data

p = Page()
p.feed(page)
text = " ".join(p.texts)
for bad in ("http:", "https:", "@import", "url("):
    if bad in page:
        problems.append(f"page holds {bad!r}")

def same(shown, value):
    if value is None:
        return shown == ""
    return shown != "" and abs(float(shown) - value) < 1e-6

overall = window["rows"][0]["metrics"]
for name, m in overall.items():
    card = p.cards.get(name)
    if card is None:
        problems.append(f"no headline card for {name}")
        continue
    if not same(card.get("value", "missing"), m["value"]):
        problems.append(f"{name}: page {card.get('value')!r}, json {m['value']!r}")
    if card.get("n") != m["n"]:
        problems.append(f"{name}: n {card.get('n')} != {m['n']}")
    if card.get("tier") != m.get("tier"):
        problems.append(f"{name}: tier {card.get('tier')} != {m.get('tier')}")
    if "goal" in m and card.get("goal_met") != json.dumps(m["goal_met"]):
        problems.append(f"{name}: goal_met {card.get('goal_met')} != {m['goal_met']}")
    low_n = m.get("low_n", False)
    note = card.get("note", "")
    if card["low_n"] != low_n or low_n != note.startswith(f"Too few samples to rate: n = {m['n']}, below 5"):
        problems.append(f"{name}: pale card {card['low_n']}, note {note!r}, json low_n {low_n}")
# Recovery time rests on 2 recovered deployments: a pale card without a tier.
if not p.cards["failed_deployment_recovery_time"]["low_n"]:
    problems.append("recovery time (n = 2) must be a pale card")
# Known values of the fixture (0021-bucket): March 2..30, 14 successful
# deployments of 17 in 28 days (0.5 a day), 3 failed (17.647059%); lead
# times 2, 10, 10, 10, 10, 20 h (median 10); no incident: time to restore
# has no value.
known = {"deployment_frequency": ("0.5", 14, "high"), "lead_time": ("10", 6, "elite"),
         "change_failure_rate": ("17.647059", 17, "low")}
for name, (value, n, tier) in known.items():
    card = p.cards[name]
    if (card.get("value"), card.get("n"), card.get("tier")) != (value, n, tier):
        problems.append(f"{name}: {card}, expected {value}, n {n}, {tier}")
if p.cards["time_to_restore"]["value"] != "" or "insufficient data" not in page:
    problems.append("time to restore must show insufficient data")
for row in window["rows"][1:]:
    team = row["group"]["team"]
    for name, m in row["metrics"].items():
        cell = p.cells.get((team, name))
        if cell is None or not same(cell.get("value", "missing"), m["value"]):
            problems.append(f"{team} {name}: page {cell}, json {m['value']}")
alerts = sorted((r["metric"], "all" if not r["group"] else r["group"]["team"])
                for r in window["regressions"] if r.get("alert"))
if sorted(p.alerts) != alerts or not alerts:
    problems.append(f"alerts: page {sorted(p.alerts)}, json {alerts}")
# Charts: 6 headline, 6 per group; pale bands where a week has no value.
groups = len(window["rows"]) - 1
if p.svgs != 6 * (1 + groups):
    problems.append(f"{p.svgs} charts, expected {6 * (1 + groups)}")
for chart in p.charts:
    if chart["card"] is None:
        continue
    points = weeks["series"][0]["metrics"][chart["card"]]["points"]
    empty = sum(pt["value"] is None for pt in points)
    if chart["bands"] != empty or chart["bars"] != len(points) - empty:
        problems.append(f"{chart['card']} chart: {chart}, expected {empty} bands of {len(points)}")
if "goal" not in text or "Regression" not in text:
    problems.append("goal or regression text missing")
for problem in problems:
    print("FAIL:", problem)
if problems:
    sys.exit(1)
print(f"ok: {len(p.cards)} headline cards, {len(p.cells)} group cells, {len(p.alerts)} alerts, "
      f"{p.svgs} charts, no external reference")
PY
# Escaping: a group value with markup stays text.
printf '%s\n' '{"type":"deployment","id":"x","time":"2026-03-03T10:00:00Z","team":"<b>\"q&a\"</b>"}' >"$dir/odd"
ndj-dora --since 2026-03-02T00:00:00Z --until 2026-03-09T00:00:00Z --group-by team --format html "$dir/odd" >"$dir/odd.html"
grep -q '&lt;b&gt;&quot;q&amp;a&quot;&lt;/b&gt;' "$dir/odd.html" || { echo "FAIL: group value not escaped"; exit 1; }
! grep -q '<b>"q' "$dir/odd.html" || { echo "FAIL: raw markup from the data"; exit 1; }
echo "ok: group values escaped"
# The example report (examples/dora-report.sh on its demo data): four teams,
# goals, regressions, and weeks without data shown as bands.
"$TESTS_DIR/../examples/dora-report.sh" "$dir/example.html"
for team in data-platform mobile payments search; do
  grep -q "<tr data-group=\"$team\">" "$dir/example.html" || { echo "FAIL: example: no row for $team"; exit 1; }
done
[ "$(grep -o 'class="regression"' "$dir/example.html" | wc -l)" -gt 0 ] || { echo "FAIL: example: no alert"; exit 1; }
grep -q 'fill="#eaeef2"' "$dir/example.html" || { echo "FAIL: example: no insufficient-data band"; exit 1; }
echo "ok: example report"
# --compare previous: each headline shows the window before and the change
# (March 16..30 against March 2..16: frequency 5/14 against 9/14 a day,
# shown per week as the page is by week).
ndj-dora --since 2026-03-16T00:00:00Z --until 2026-03-30T00:00:00Z --format html --compare previous "$in" \
  | grep -o 'previous 14d: [^<]*' >"$dir/previous"
[ "$(head -1 "$dir/previous")" = "previous 14d: 4.5/week (-44.4%)" ] || { echo "FAIL: compare: $(cat "$dir/previous")"; exit 1; }
[ "$(tail -1 "$dir/previous")" = "previous 14d: no data" ] || { echo "FAIL: compare: $(cat "$dir/previous")"; exit 1; }
echo "ok: compare previous on the page"
# --tz: the charts' dates are local: Berlin's second week starts on Monday
# March 2, 00:00 local (March 1, 23:00 UTC).
ndj-dora --tz Europe/Berlin --since 2026-03-01T00:00:00Z --until 2026-03-30T00:00:00Z --format html "$in" \
  | grep -o '<title>2026-03-0[0-9]:' | sed -n 2p >"$dir/tz"
[ "$(cat "$dir/tz")" = "<title>2026-03-02:" ] || { echo "FAIL: tz dates: $(cat "$dir/tz")"; exit 1; }
echo "ok: local dates with --tz"
