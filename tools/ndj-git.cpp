// ndj-git: turn a repository's history into the deployment and change
// records ndj-dora reads, so delivery metrics work without a deploy database.
#include <re2/re2.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cli.hpp"
#include "core/output.hpp"
#include "core/timefmt.hpp"
#include "git/git_records.hpp"

namespace ndj {
namespace {

struct Options {
  GitRecordsOptions rec;
  std::string deploys = "first-parent";
  std::string emails = "hash";
  std::string hotfix_pattern = R"((?i)\bhot-?fix|\bfix(\([^)]*\))?!:)";
  std::string emergency_pattern = "EMERGENCY";
  std::unique_ptr<RE2> hotfix, emergency;  // rec's patterns
  std::vector<std::string> services;       // --service values
  std::string lead_time_from = "first-commit";
  std::optional<PullRequests> prs;  // rec's
};

// --service NAME (one, for every record) or NAME=PATHSPEC (any number; a
// NAME given again gets more pathspecs).
int parse_services(Options& o) {
  for (const std::string& v : o.services) {
    size_t eq = v.find('=');
    if (eq == std::string::npos) {
      if (!o.rec.fields.service.empty() || o.services.size() > 1)
        return usage_error("--service NAME is one service for every record: give it once, or only NAME=PATHSPEC");
      o.rec.fields.service = v;
      continue;
    }
    if (eq == 0 || eq + 1 == v.size()) return usage_error("--service: expected NAME=PATHSPEC, got '" + v + "'");
    std::string name = v.substr(0, eq);
    auto it = std::find_if(o.rec.services.begin(), o.rec.services.end(), [&](const auto& s) { return s.name == name; });
    if (it == o.rec.services.end()) it = o.rec.services.insert(it, ServicePaths{name, {}});
    it->pathspecs.push_back(v.substr(eq + 1));
  }
  if (o.rec.services.size() > 64) return usage_error("--service: at most 64 services in one run");
  if (!o.rec.services.empty() && !o.rec.paths.empty())
    return usage_error("--path and --service NAME=PATHSPEC: give each service its paths instead");
  return -1;
}

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Write deployment and change records (ndj-dora input) from git history."};
  setup_app(app, "ndj-git");
  app.add_option("REPO", o.rec.repo, "Repository (default: the current directory)")->type_name("");
  app.add_option("--deploys", o.deploys, "first-parent (default), merges or tags=GLOB")
      ->type_name("MODE");
  with_suggestions(app.get_option("--deploys"), {"first-parent", "merges", "tags="});
  auto* exclude = app.add_option("--exclude-tags", o.rec.exclude_tags, "With tags=: not the tags matching GLOB")
                      ->type_name("GLOB")
                      ->allow_extra_args(false);
  auto* prereleases =
      app.add_flag("--prereleases", o.rec.prereleases, "With tags=: pre-release tags (rc, beta...) deploy too");
  app.add_option("--branch", o.rec.branch, "Branch to read (default: origin's HEAD, main, master)")
      ->type_name("REV");
  TimeArg since, until;
  auto* since_opt = add_time_option(app, "--since", since, "Deployments at or after TIME only");
  auto* until_opt = add_time_option(app, "--until", until, "Deployments before TIME only");
  app.add_option("--path", o.rec.paths, "Only changes touching DIR (repeatable)")
      ->type_name("DIR")
      ->allow_extra_args(false);  // one DIR per --path: REPO may follow
  app.add_option("--service", o.services,
                 "\"service\":NAME everywhere; NAME=PATHSPEC: a service")
      ->type_name("NAME[=PATHSPEC]")
      ->allow_extra_args(false);
  app.add_option("--teams", o.rec.teams_file, "CODEOWNERS file: \"teams\" of changes and deployments")
      ->type_name("FILE");
  app.add_option("--environment", o.rec.fields.environment, "Add \"environment\":NAME to deployments")
      ->type_name("NAME");
  app.add_option("--emails", o.emails, "Author emails: hash (default), plain or omit")
      ->type_name("HOW");
  with_choices(app.get_option("--emails"), kEmailModes);
  app.add_option("--hotfix-pattern", o.hotfix_pattern, "Subjects of hotfix commits")->type_name("REGEX");
  app.add_option("--emergency-pattern", o.emergency_pattern, "Subjects of emergency commits")
      ->type_name("REGEX");
  app.add_option("--prs", o.rec.prs_file, "Pull requests (gh, GitLab) that start lead times")->type_name("FILE");
  auto* from_opt = app.add_option("--lead-time-from", o.lead_time_from,
                                  "With --prs: first-commit (default) or pr-created")
                       ->type_name("WHEN");
  with_choices(from_opt, kLeadTimeFrom);
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  // Dates and today/yesterday are UTC days: git history has no one zone.
  const TimeNs now = now_ns();
  if (since_opt->count()) o.rec.since = since.resolve("", now);
  if (until_opt->count()) o.rec.until = until.resolve("", now);

  if (o.deploys == "merges") o.rec.mode = DeployMode::kMerges;
  else if (o.deploys.rfind("tags=", 0) == 0 && o.deploys.size() > 5) {
    o.rec.mode = DeployMode::kTags;
    o.rec.tag_glob = o.deploys.substr(5);
  } else if (o.deploys != "first-parent")
    return usage_error("--deploys: expected first-parent, merges or tags=GLOB, got '" + o.deploys + "'");
  if (o.rec.mode != DeployMode::kTags && (exclude->count() || prereleases->count()))
    return usage_error(std::string(exclude->count() ? "--exclude-tags" : "--prereleases") + " needs --deploys tags=GLOB");
  if (o.rec.since != INT64_MIN && o.rec.until != INT64_MAX && o.rec.since >= o.rec.until)
    return usage_error("--since must be before --until");
  if (int rc = parse_services(o); rc >= 0) return rc;
  RE2::Options quiet;
  quiet.set_log_errors(false);
  o.hotfix = std::make_unique<RE2>(o.hotfix_pattern, quiet);
  o.emergency = std::make_unique<RE2>(o.emergency_pattern, quiet);
  if (!o.hotfix->ok()) return usage_error("--hotfix-pattern: bad regular expression: " + o.hotfix->error());
  if (!o.emergency->ok())
    return usage_error("--emergency-pattern: bad regular expression: " + o.emergency->error());
  o.rec.hotfix = o.hotfix.get();
  o.rec.emergency = o.emergency.get();
  o.rec.fields.emails = *kEmailModes.parse(o.emails);  // one of with_choices' values
  if (from_opt->count() && o.rec.prs_file.empty()) return usage_error("--lead-time-from needs --prs");
  o.rec.fields.lead_time_from = *kLeadTimeFrom.parse(o.lead_time_from);
  if (!o.rec.prs_file.empty()) {
    o.prs = PullRequests::load(o.rec.prs_file);
    o.rec.prs = &*o.prs;
  }
  return -1;
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-git", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    ndj::Output out;
    return ndj::write_git_records(o.rec, out);
  });
}
