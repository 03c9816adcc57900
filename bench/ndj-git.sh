#!/usr/bin/env bash
# bench/ndj-git.sh: ndj-git on a generated repository of 100,000 commits
# (made once with git fast-import: feature branches of three commits merged
# with --no-ff, main-line commits in between, some reverts and hotfixes),
# against `git log` alone reading the same history in the same format, and
# against jq turning git log lines into change records (no deployments).
# MB/s is bytes of `git log` output per second.
. "$(dirname "$0")/lib.sh"
bench_require git jq ndj-git || exit 0
: "${BENCH_GIT_COMMITS:=100000}"

repo="$BENCH_DIR/git-$BENCH_GIT_COMMITS.git"
if [[ ! -s $repo/packed-refs && ! -e $repo/refs/heads/main ]]; then
    echo "bench: generating $repo ($BENCH_GIT_COMMITS commits, git fast-import)" >&2
    rm -rf "$repo"
    git init -q --bare -b main "$repo" || exit 1
    # Groups of five: one main-line commit, three feature commits, a merge.
    awk -v n="$BENCH_GIT_COMMITS" 'BEGIN {
        t = 1700000000; mark = 0; main = 0
        for (made = 0; made < n; ) {
            commit("refs/heads/main", main, 0, subject(made)); main = mark; made++
            side = main
            for (k = 0; k < 3 && made < n; k++) { commit("refs/heads/feature", side, 0, "feature work " made); side = mark; made++ }
            if (made < n) { commit("refs/heads/main", main, side, "Merge branch feature-" made); main = mark; made++ }
        }
    }
    function subject(i) {
        if (i % 97 == 0) return "hotfix: urgent " i
        if (i % 389 == 0) return "Revert \"something\""
        return "change " i
    }
    function commit(ref, from, merge, msg,    body) {
        mark++; t += 60
        body = msg "\n\nBody line for " msg "\n"
        printf "commit %s\nmark :%d\nauthor Dev%d <dev%d@example.com> %d +0000\ncommitter CI <ci@example.com> %d +0000\n", ref, mark, mark % 50, mark % 50, t - 3600, t
        printf "data %d\n%s", length(body), body
        if (from) printf "from :%d\n", from
        if (merge) printf "merge :%d\n", merge
        printf "M 100644 inline svc%d/file%d\ndata %d\n%d\n\n", mark % 4, mark % 200, length(mark "") + 1, mark
    }' | git -C "$repo" fast-import --quiet || exit 1
    git -C "$repo" gc -q 2>/dev/null
fi

log="$BENCH_DIR/git-$BENCH_GIT_COMMITS.log"
fmt='--format=%H%x1f%P%x1f%at%x1f%ct%x1f%aE%x1f%s%x1f%b'
[[ -s $log ]] || git -C "$repo" log --topo-order -z "$fmt" main >"$log"

bench_header "ndj-git ($BENCH_GIT_COMMITS commits)"
bench_run "git log --topo-order (format only)" "$log" "git -C $repo log --topo-order -z '$fmt' main"
bench_run "ndj-git (first-parent)" "$log" "ndj-git $repo"
bench_run "ndj-git --deploys merges" "$log" "ndj-git --deploys merges $repo"
bench_run "ndj-git --path svc1" "$log" "ndj-git --path svc1 $repo"
bench_run "git log | jq (change records only)" "$log" \
    "git -C $repo log --format='%H%x09%at%x09%ct%x09%ae%x09%s' main | jq -R -c 'split(\"\t\") | {type:\"change\",id:.[0],time:(.[1]|tonumber|todate),committed_at:(.[2]|tonumber|todate),author_email:.[3],subject:.[4]}'"
# --teams and --prs: git lists every commit's paths (the baseline is git log
# --name-only in the same format), a CODEOWNERS file of overlapping rules
# owns them, and a gh export names every merge as a pull request.
owners="$BENCH_DIR/git-$BENCH_GIT_COMMITS.CODEOWNERS" prs="$BENCH_DIR/git-$BENCH_GIT_COMMITS.prs.json"
printf '%s\n' '* @acme/platform' 'svc0/ @acme/zero' '/svc1/** @acme/one' 'svc2/file1* @acme/two' \
    '**/file7 @acme/seven' 'svc3/ @acme/three @acme/platform' >"$owners"
[[ -s $prs ]] || git -C "$repo" log --first-parent --merges --format='%H %at %ct' main |
    jq -R -s -c '[split("\n")[] | select(length > 0) | split(" ")] | to_entries | map({number: (.key + 1),
        createdAt: ((.value[1] | tonumber) - 7200 | todate), mergedAt: (.value[2] | tonumber | todate),
        mergeCommit: {oid: .value[0]},
        commits: [{oid: .value[0], authoredDate: ((.value[1] | tonumber) - 3600 | todate)}]})' >"$prs"
names_log="$BENCH_DIR/git-$BENCH_GIT_COMMITS.names.log"
[[ -s $names_log ]] || git -C "$repo" log --topo-order -z "$fmt" --name-only -m --root --no-renames main >"$names_log"
bench_run "git log --name-only (format only)" "$names_log" \
    "git -C $repo log --topo-order -z '$fmt' --name-only -m --root --no-renames main"
bench_run "ndj-git --teams --prs" "$names_log" "ndj-git --teams $owners --prs $prs $repo"
bench_run "ndj-git --teams --prs, 3 services" "$names_log" \
    "ndj-git --teams $owners --prs $prs --service a=svc0 --service b=svc1 --service c=svc2 $repo"
bench_ratio "ndj-git / git log alone (throughput)" "ndj-git (first-parent)" "git log --topo-order (format only)"
bench_ratio "ndj-git --teams --prs / git log --name-only (throughput)" "ndj-git --teams --prs" \
    "git log --name-only (format only)"
bench_ratio "ndj-git / jq (throughput)" "ndj-git (first-parent)" "git log | jq (change records only)"
