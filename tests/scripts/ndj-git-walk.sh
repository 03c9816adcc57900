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

def check(name, previous):
    deps, changes = {}, {}
    for line in open(name + ".ndjson"):
        r = json.loads(line)
        if r["type"] == "deployment":
            assert r["id"] not in deps, f"{name}: deployment {r['id']} twice"
            deps[r["id"]] = r
        else:
            assert r["id"] not in changes, f"{name}: change {r['id']} twice"
            changes[r["id"]] = r
    all_commits = set(git("rev-list", "main", "--tags=rel-*"))
    assert set(changes) == all_commits, f"{name}: {len(changes)} changes for {len(all_commits)} commits"
    listed = {}
    for dep_id, d in deps.items():
        ref = dep_id if name != "tags" else "refs/tags/" + dep_id
        prev = previous(dep_id)
        want = set(git("rev-list", "--no-merges", ref, *(["^" + prev] if prev else [])))
        assert set(d["changes"]) == want, f"{name}: {dep_id}: {len(d['changes'])} changes, git says {len(want)}"
        for c in d["changes"]:
            assert c not in listed, f"{name}: {c} in two deployments"
            listed[c] = dep_id
    for cid, c in changes.items():
        assert c.get("deployment_id") == listed.get(cid), f"{name}: {cid} deployment_id disagrees"
    print(f"ok {name}: {len(deps)} deployments, {len(changes)} changes")

check("first-parent", lambda d: (git("rev-list", "--parents", "-n1", d)[1:] or [None])[0])
merges = [c for c in git("rev-list", "--first-parent", "--merges", "main")]
check("merges", lambda d: merges[merges.index(d) + 1] if merges.index(d) + 1 < len(merges) else None)
tags = sorted(git("tag", "-l", "rel-*"))
check("tags", lambda t: tags[tags.index(t) - 1] if tags.index(t) > 0 else None)
PY
