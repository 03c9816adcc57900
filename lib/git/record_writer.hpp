// The records ndj-git writes, one NDJSON line each: a change (a commit,
// with its deployment) and a deployment (its changes and status), in the
// form ndj-dora reads.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/digest.hpp"
#include "core/output.hpp"
#include "core/choices.hpp"
#include "git/deployment_walk.hpp"
#include "git/git_log.hpp"
#include "git/pull_requests.hpp"

namespace ndj {

// How a change record shows its author's address.
enum class EmailMode {
  kHash,   // "author_sha256": SHA-256 of the lower-cased address
  kPlain,  // "author_email"
  kOmit,   // not at all
};
extern const Choices<EmailMode> kEmailModes;  // hash, plain, omit

struct RecordFields {
  std::string service;      // "service" on every record, when not empty
  std::string environment;  // "environment" on deployments, when not empty
  EmailMode emails = EmailMode::kHash;
  // Before every deployment id: ndj-dora keys deployments by id alone, so
  // the per-service deployments of one commit need ids of their own.
  std::string id_prefix;
  LeadTimeFrom lead_time_from = LeadTimeFrom::kFirstCommit;  // "time" of a change merged by a pull request
};

class RecordWriter {
 public:
  RecordWriter(const RecordFields& fields, Output& out);

  // `d`: the commit's deployment (nullptr when none contains it), named
  // when the commit is one of its listed changes. `pr`: the pull request
  // whose merge or squash commit it is: its start is the change's "time"
  // instead of the author time, and its number is "pr". `teams`: a JSON
  // array for "teams", or empty for none.
  void change(const GitCommit& c, const ChangeFacts& f, bool revert, bool hotfix, const Deployment* d,
              const PullRequest* pr = nullptr, std::string_view teams = {});
  // `authors`: its changes' author keys (author_key()), in any order, repeated or not.
  void deployment(const Deployment& d, std::string_view teams = {}, std::vector<const std::string*> authors = {});

  // The commit's author as the records show it (the address's hash, or the
  // address), or nullptr with --emails omit. Lives as long as the writer.
  const std::string* author_key(const GitCommit& c);

 private:
  void field_time(const char* name, int64_t seconds);
  void service();
  void append_id(const std::string& id);

  const RecordFields& fields_;
  Output& out_;
  std::string rec_;
  std::string id_;  // a prefixed id
  // SHA-256 rather than xxh3: the hash stands in for a person's address, so
  // it must not be reversible by anything cheaper than guessing the address,
  // and it then matches the *_sha256 fields other telemetry already carries.
  Digester sha256_{DigestAlgo::kSha256};
  ShaMap<std::string> author_keys_;  // address -> its hash, or itself
  int64_t cached_day_ = INT64_MIN;
  std::string cached_date_;
};

}  // namespace ndj
