# The one-pass walk against git's own answer: on a generated history with
# long-lived branches, every deployment's changes must equal
# `git rev-list --no-merges DEPLOY ^PREVIOUS` (first-parent: PREVIOUS is the
# first parent; merges and tags: the previous deployment), every non-merge
# commit must appear exactly once, and deployment_id must agree.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
. "$TESTS_DIR/scripts/ndj-git-repo.bash"
bulk_repo big.git 3000
# Tags on every 40th first-parent commit, lightweight, in time order.
git -C big.git rev-list --first-parent --reverse main | awk 'NR % 40 == 0 { print NR, $1 }' |
  while read -r n sha; do git -C big.git tag "rel-$(printf %05d "$n")" "$sha"; done

ndj-git --emails omit big.git >first-parent.ndjson
ndj-git --emails omit --deploys merges big.git >merges.ndjson
ndj-git --emails omit --deploys 'tags=rel-*' big.git >tags.ndjson
python3 - <<'PY'
import json, subprocess

def git(*args):
    return subprocess.run(["git", "-C", "big.git", *args], check=True,
                          capture_output=True, text=True).stdout.split()

# Ancestor sets as bitsets, oldest first: an independent, brute-force
# statement of "the commits DEPLOY brings in that PREVIOUS does not".
lines = subprocess.run(["git", "-C", "big.git", "rev-list", "--topo-order", "--reverse", "--parents",
                        "main", "--tags=rel-*"], check=True, capture_output=True, text=True).stdout.splitlines()
bit, anc, merge = {}, {}, set()
for line in lines:
    sha, *parents = line.split()
    bit[sha] = 1 << len(bit)
    a = bit[sha]
    for p in parents:
        a |= anc[p]
    anc[sha] = a
    if len(parents) > 1:
        merge.add(sha)
non_merge_mask = sum(b for s, b in bit.items() if s not in merge)
by_bit = {b: s for s, b in bit.items()}

def brought_in(dep, prev):
    m = anc[dep] & ~(anc[prev] if prev else 0) & non_merge_mask
    return {by_bit[1 << i] for i in range(m.bit_length()) if m >> i & 1}

def check(name, commit_of, previous):
    deps, changes = {}, {}
    for line in open(name + ".ndjson"):
        r = json.loads(line)
        table = deps if r["type"] == "deployment" else changes
        assert r["id"] not in table, f"{name}: {r['id']} twice"
        table[r["id"]] = r
    assert set(changes) == set(bit), f"{name}: {len(changes)} changes for {len(bit)} commits"
    listed = {}
    for n, (dep_id, d) in enumerate(sorted(deps.items())):
        want = brought_in(commit_of(dep_id), previous(dep_id))
        assert set(d["changes"]) == want, f"{name}: {dep_id}: {len(d['changes'])} changes, expected {len(want)}"
        if n % 50 == 0:  # and now and then, git's own word for it
            prev = previous(dep_id)
            assert want == set(git("rev-list", "--no-merges", commit_of(dep_id), *(["^" + prev] if prev else [])))
        for c in d["changes"]:
            assert c not in listed, f"{name}: {c} in two deployments"
            listed[c] = dep_id
    for cid, c in changes.items():
        assert c.get("deployment_id") == listed.get(cid), f"{name}: {cid} deployment_id disagrees"
    print(f"ok {name}: {len(deps)} deployments, {len(changes)} changes")

first_parents = git("rev-list", "--first-parent", "main")
nxt = dict(zip(first_parents, first_parents[1:]))
check("first-parent", lambda d: d, lambda d: nxt.get(d))
merges = git("rev-list", "--first-parent", "--merges", "main")
nxt_merge = dict(zip(merges, merges[1:]))
check("merges", lambda d: d, lambda d: nxt_merge.get(d))
tags = sorted(git("tag", "-l", "rel-*"))
tag_commit = {t: git("rev-parse", t + "^{commit}")[0] for t in tags}
prev_tag = dict(zip(tags[1:], tags))
check("tags", lambda t: tag_commit[t], lambda t: tag_commit.get(prev_tag.get(t)))
PY
