// The one-pass deployment walk on hand-made histories (no git needed):
// membership, completion order, rollbacks, flags and --path-style filtering.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "git/deployment_walk.hpp"

using namespace ndj;

namespace {

struct Node {
  std::string sha, parents, subject;
  int64_t time;
};

struct Written {
  std::string id;
  std::vector<std::string> changes;
  bool rolled_back, unplanned, emergency, incomplete;
};

// Feeds `nodes` (newest first, children before parents) and records what
// the walk decides. `facts` gives per-commit facts by sha.
struct Run {
  std::map<std::string, std::string> deployment_of;  // change -> deployment id ("" = none)
  std::vector<Written> written;                      // in the order handed over

  Run(DeploymentWalk& walk, const std::vector<Node>& nodes,
      std::map<std::string, ChangeFacts> facts = {}) {
    auto sink = [&](const Deployment& d) {
      Written w{d.id, {}, d.rolled_back, d.unplanned, d.emergency, d.incomplete};
      for (size_t i = 0; i < d.change_count; ++i) w.changes.emplace_back(d.change(i));
      written.push_back(w);
    };
    for (const auto& n : nodes) {
      GitCommit c;
      c.sha = n.sha;
      c.parents = n.parents;
      c.commit_time = n.time;
      const Deployment* d = walk.add(c, facts[n.sha]);
      deployment_of[n.sha] = d ? d->id : "";
      walk.take_completed(sink);
    }
    walk.take_all(sink);
  }

  const Written& dep(const std::string& id) const {
    for (const auto& w : written)
      if (w.id == id) return w;
    FAIL("no deployment " << id);
    return written.front();
  }
};

using V = std::vector<std::string>;

// main: aa - bb - mm(bb, f2) - cc      feature: aa - f1 - f2
// (shas of one width, as in a repository)
const std::vector<Node> kMerged = {
    {"cc", "mm", "", 50}, {"mm", "bb f2", "", 40}, {"f2", "f1", "", 30},
    {"f1", "aa", "", 20}, {"bb", "aa", "", 15},   {"aa", "", "", 10},
};

}  // namespace

TEST_CASE("first-parent: a merge brings in its branch, each main commit is its own deployment") {
  DeploymentWalk walk(DeployMode::kFirstParent, "cc");
  Run r(walk, kMerged);
  CHECK(r.dep("cc").changes == V{"cc"});
  CHECK(r.dep("mm").changes == V{"mm", "f2", "f1"});
  CHECK(r.dep("bb").changes == V{"bb"});
  CHECK(r.dep("aa").changes == V{"aa"});
  CHECK(r.deployment_of["f1"] == "mm");
  CHECK(r.written.size() == 4);
  // Written as soon as complete: cc first; mm waits until aa, where its
  // branch forked, has been seen.
  CHECK(r.written.front().id == "cc");
  CHECK(r.written.back().id == "aa");
}

TEST_CASE("merges: main-line commits join the next merge, later ones have no deployment") {
  DeploymentWalk walk(DeployMode::kMerges, "cc");
  Run r(walk, kMerged);
  REQUIRE(r.written.size() == 1);
  CHECK(r.dep("mm").changes == V{"mm", "f2", "f1", "bb", "aa"});
  CHECK(r.deployment_of["cc"].empty());
}

TEST_CASE("tags: the oldest tag containing a commit gets it; an empty tag is still written") {
  std::vector<TagDeploy> tags(3);
  tags[0] = {"v1", "bb", 16, false, false};
  tags[1] = {"v2", "mm", 41, false, false};
  tags[2] = {"v2-again", "mm", 42, true, false};
  DeploymentWalk walk(DeployMode::kTags, "", tags);
  Run r(walk, kMerged);
  CHECK(r.dep("v1").changes == V{"bb", "aa"});
  CHECK(r.dep("v2").changes == V{"mm", "f2", "f1"});
  CHECK(r.dep("v2-again").changes.empty());
  CHECK(r.dep("v2-again").unplanned);
  CHECK(r.deployment_of["cc"].empty());
}

TEST_CASE("tags: only a revert in the next release rolls a release back") {
  // aa - xx - bb - rr(reverts xx) - cc - ss(reverts bb); v1 on bb (release
  // 0), v2 on rr (1), v1.5 on cc (tagged late, an older version: it shares
  // release 1), v3 on ss (2).
  std::vector<Node> nodes = {{"ss", "cc", "", 60}, {"cc", "rr", "", 50}, {"rr", "bb", "", 40},
                             {"bb", "xx", "", 30}, {"xx", "aa", "", 20}, {"aa", "", "", 10}};
  std::map<std::string, ChangeFacts> facts;
  facts["rr"].reverts = "xx";
  facts["ss"].reverts = "bb";
  std::vector<TagDeploy> tags(4);
  tags[0] = {"v1", "bb", 31, false, false, 0};
  tags[1] = {"v2", "rr", 41, false, false, 1};
  tags[2] = {"v1.5", "cc", 51, false, false, 1};  // tagged late: no release of its own
  tags[3] = {"v3", "ss", 61, false, false, 2};
  DeploymentWalk walk(DeployMode::kTags, "", tags);
  Run r(walk, nodes, facts);
  CHECK(r.dep("v1").rolled_back);  // xx, reverted in v2, the next release
  CHECK_FALSE(r.dep("v2").rolled_back);
  CHECK_FALSE(r.dep("v1.5").rolled_back);
  CHECK_FALSE(r.dep("v3").rolled_back);

  // bb reverted two releases after v1 (release 0 -> 2): a change undone,
  // not v1's release; the same revert one release later does roll it back.
  std::vector<Node> later = {{"ss", "rr", "", 60}, {"rr", "bb", "", 40}, {"bb", "aa", "", 30}, {"aa", "", "", 10}};
  std::map<std::string, ChangeFacts> undo;
  undo["ss"].reverts = "bb";
  std::vector<TagDeploy> three = {{"v1", "bb", 31, false, false, 0}, {"v2", "rr", 41, false, false, 1},
                                  {"v3", "ss", 61, false, false, 2}};
  DeploymentWalk w3(DeployMode::kTags, "", three);
  CHECK_FALSE(Run(w3, later, undo).dep("v1").rolled_back);
  three[1].release = 0;  // v2 a late tag of an older version: v3 is v1's next release
  three[2].release = 1;
  DeploymentWalk w2(DeployMode::kTags, "", three);
  CHECK(Run(w2, later, undo).dep("v1").rolled_back);
}

TEST_CASE("a revert in a later deployment rolls back; within one deployment it does not") {
  // main: aa - xx - rr(reverts xx) - mm(rr, f2)   feature: rr - f1 - f2(reverts f1)
  std::vector<Node> nodes = {{"mm", "rr f2", "", 60}, {"f2", "f1", "", 50}, {"f1", "rr", "", 40},
                             {"rr", "xx", "", 30},  {"xx", "aa", "", 20}, {"aa", "", "", 10}};
  std::map<std::string, ChangeFacts> facts;
  facts["rr"].reverts = "xx";
  facts["rr"].unplanned = true;
  facts["f2"].reverts = "f1";
  facts["f2"].unplanned = true;
  DeploymentWalk walk(DeployMode::kFirstParent, "mm");
  Run r(walk, nodes, facts);
  CHECK(r.dep("xx").rolled_back);
  CHECK_FALSE(r.dep("rr").rolled_back);
  CHECK(r.dep("rr").unplanned);
  CHECK_FALSE(r.dep("mm").rolled_back);
  CHECK(r.dep("mm").unplanned);
  CHECK_FALSE(r.dep("aa").unplanned);
}

TEST_CASE("commits not kept are left out of changes and flags; unlisted ones only of changes") {
  std::map<std::string, ChangeFacts> facts;
  facts["f1"].kept = false;
  facts["f1"].unplanned = true;
  facts["mm"].listed = false;
  facts["mm"].emergency = true;
  facts["mm"].unplanned = true;
  DeploymentWalk walk(DeployMode::kFirstParent, "cc");
  Run r(walk, kMerged, facts);
  CHECK(r.dep("mm").changes == V{"f2"});
  CHECK(r.dep("mm").unplanned);
  CHECK(r.dep("mm").emergency);
}

TEST_CASE("a shallow boundary marks its deployment incomplete; missing parents end at take_all") {
  // The clone was cut at bb: its parent aa never arrives.
  std::vector<Node> nodes = {{"cc", "bb", "", 30}, {"bb", "aa", "", 20}};
  std::map<std::string, ChangeFacts> facts;
  facts["bb"].shallow_boundary = true;
  DeploymentWalk walk(DeployMode::kMerges, "cc");
  Run r(walk, nodes, facts);
  CHECK(r.written.empty());  // merges mode: no merge, no deployment
  DeploymentWalk fp(DeployMode::kFirstParent, "cc");
  Run r2(fp, nodes, facts);
  CHECK(r2.dep("bb").incomplete);
  CHECK_FALSE(r2.dep("cc").incomplete);
}

TEST_CASE("done_before: the main line is older and the window's deployments are complete") {
  DeploymentWalk walk(DeployMode::kFirstParent, "cc");
  GitCommit c;
  ChangeFacts f;
  auto feed = [&](const Node& n) {
    c.sha = n.sha;
    c.parents = n.parents;
    c.commit_time = n.time;
    walk.add(c, f);
    walk.take_completed([](const Deployment&) {});
  };
  feed(kMerged[0]);  // cc (50)
  feed(kMerged[1]);  // mm (40): waits for its branch
  CHECK_FALSE(walk.done_before(35));
  feed(kMerged[2]);  // f2
  feed(kMerged[3]);  // f1
  feed(kMerged[4]);  // bb (15): the main line is past 35, but mm still
  CHECK_FALSE(walk.done_before(35));  // waits for aa, where its branch forked
  feed(kMerged[5]);  // aa
  CHECK(walk.done_before(35));
  CHECK_FALSE(walk.done_before(10));
}

TEST_CASE("a revert that names only a subject rolls back the next older commit of that subject") {
  // main: aa - bb("Add cache") - cc - dd(Revert "Add cache" (#9))
  std::vector<Node> nodes = {{"dd", "cc", "Revert \"Add cache\" (#9)", 40},
                             {"cc", "bb", "Add cache", 30},
                             {"bb", "aa", "Add cache", 20},
                             {"aa", "", "", 10}};
  std::map<std::string, ChangeFacts> facts;
  facts["dd"].reverted_subject = "Add cache";
  DeploymentWalk walk(DeployMode::kFirstParent, "dd");
  std::vector<std::string> rolled;
  GitCommit c;
  for (const auto& n : nodes) {
    c.sha = n.sha;
    c.parents = n.parents;
    c.subject = n.subject;
    c.commit_time = n.time;
    walk.add(c, facts[n.sha]);
    walk.take_completed([&](const Deployment& d) {
      if (d.rolled_back) rolled.push_back(d.id);
    });
  }
  walk.take_all([&](const Deployment& d) {
    if (d.rolled_back) rolled.push_back(d.id);
  });
  // Only the newest older commit with that subject: the match is used up.
  CHECK(rolled == std::vector<std::string>{"cc"});
}
