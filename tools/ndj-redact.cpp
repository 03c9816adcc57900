// ndj-redact: hash, drop or allowlist fields and mask secrets in NDJSON
// records before they leave the machine; untouched bytes are copied as
// they were.

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/output.hpp"
#include "core/parallel_records.hpp"
#include "core/records.hpp"
#include "redact/redact.hpp"
#include "redact/redact_batch.hpp"
#include "core/secret_file.hpp"

namespace ndj {
namespace {

struct Options {
  InputOptions input;
  std::vector<std::string> hash, drop, keep, mask, mask_regex, mask_in;
  std::string others = "drop";
  std::string algo = "sha256";
  std::string key_file;
  std::string config;
  std::string stream_field;
  std::string rules_file, report;
  bool summary = false;
  bool list_rules = false;
  unsigned threads = 1;
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Redact NDJSON records: hash, drop or allowlist fields, mask secrets."};
  setup_app(app, "ndj-redact");
  add_input_options(app, o.input);
  app.add_option("--hash", o.hash, "Replace PATH by PATH_ALG and PATH_bytes")->type_name("PATH");
  app.add_option("--drop", o.drop, "Remove the member at PATH")->type_name("PATH");
  app.add_option("--keep", o.keep, "Allowlist: keep PATH, drop the others")->type_name("PATH");
  app.add_option("--others", o.others, "With --keep: drop (default) or hash the others")
      ->type_name("drop|hash");
  with_choices(app.get_option("--others"), kOthersChoices);
  app.add_option("--mask", o.mask, "Mask secrets of these kinds (see the man page)")
      ->delimiter(',')
      ->type_name("KIND,...");
  with_suggestions(app.get_option("--mask"), mask_names());
  app.add_option("--mask-regex", o.mask_regex, "Mask matches of REGEX as [REDACTED:NAME]")
      ->type_name("NAME=REGEX");
  app.add_option("--mask-in", o.mask_in, "Mask only strings under PATH")->type_name("PATH");
  app.add_option("--rules", o.rules_file, "Also mask with the rules of a gitleaks TOML file")->type_name("FILE");
  app.add_option("--algo", o.algo, "sha256 (default), hmac-sha256, xxh3, xxh128")
      ->type_name("ALGO");
  with_choices(app.get_option("--algo"), kDigestAlgos);
  app.add_option("--key-file", o.key_file, "HMAC key file (for hmac-sha256)")->type_name("FILE");
  app.add_option("--config", o.config, "Per-stream rules in a JSON file")->type_name("FILE");
  app.add_option("--stream-field", o.stream_field, "With --config: field naming the stream")
      ->type_name("FIELD");
  app.add_flag("--summary", o.summary, "Add \"redaction\":{hashed,dropped,masked,rules}");
  app.add_flag("--list-rules", o.list_rules, "Print the built-in rules as NDJSON and exit");
  app.add_option("--report", o.report, "At the end, write counts per kind and rule to FILE")->type_name("FILE");
  add_threads_option(app, o.threads);
  // One value per occurrence, so that `--hash m FILE` reads FILE.
  for (const char* name : {"--hash", "--drop", "--keep", "--mask", "--mask-regex", "--mask-in"})
    app.get_option(name)->allow_extra_args(false);
  return parse_command_line(app, argc, argv);
}

bool any_rule(const Options& o) {
  return !o.hash.empty() || !o.drop.empty() || !o.keep.empty() || !o.mask.empty() ||
         !o.mask_regex.empty() || !o.mask_in.empty() || !o.rules_file.empty();
}

// The rules of the command line; returns an exit status on a usage error.
int rules_from_options(const Options& o, RedactRules& r) {
  auto paths = [](const std::vector<std::string>& in, const char* opt, bool must_end_with_key,
                  std::vector<JsonPath>& out) {
    for (const auto& text : in) {
      JsonPath p;
      std::string why;
      if (!parse_rule_path(text, must_end_with_key, p, why))
        return usage_error(std::string(opt) + " '" + text + "': " + why);
      out.push_back(std::move(p));
    }
    return -1;
  };
  if (int rc = paths(o.hash, "--hash", true, r.hash); rc >= 0) return rc;
  if (int rc = paths(o.drop, "--drop", true, r.drop); rc >= 0) return rc;
  if (int rc = paths(o.keep, "--keep", true, r.keep); rc >= 0) return rc;
  if (int rc = paths(o.mask_in, "--mask-in", false, r.mask_in); rc >= 0) return rc;
  r.others_hash = *kOthersChoices.parse(o.others);  // one of with_choices' values
  if (r.others_hash && r.keep.empty()) return usage_error("--others needs --keep");
  r.mask = o.mask;
  for (const auto& spec : o.mask_regex) {
    std::string name, regex, why;
    if (!parse_name_regex("--mask-regex", spec, name, regex, why)) return usage_error(why);
    r.mask_regex.push_back({std::move(name), std::move(regex)});
  }
  if (!o.rules_file.empty()) add_rules_file(o.rules_file, r);
  if (!r.mask_in.empty() && r.mask.empty() && r.mask_regex.empty() && r.rules.empty())
    return usage_error("--mask-in needs --mask, --mask-regex or --rules");
  r.algo = *kDigestAlgos.parse(o.algo);  // one of with_choices' values
  return -1;
}

// The HMAC key: the file's bytes without one trailing newline, so that
// `echo secret > key` means the key "secret".
std::string read_key(const std::string& path) {
  auto key = read_secret_file(path, "key file");
  if (!key) throw Error(kExitFailure, path + ": " + errno_text(ENOENT));
  if (key->empty()) throw Error(kExitUsage, path + ": empty key");
  return *key;
}

int run(const Options& o, const RedactConfig& config) {
  std::string key = o.key_file.empty() ? std::string() : read_key(o.key_file);
  // One redactor per worker (its own parser and pattern scratch), made by
  // the worker on its first batch; the first one now, so bad rules are
  // reported before any input is read.
  std::vector<std::unique_ptr<RecordRedactor>> redactors(o.threads);
  redactors[0] = std::make_unique<RecordRedactor>(config, key);
  Output out;
  RedactReport report;
  RecordReader reader(o.input, out, RecordReader::Validation::kNone);  // RecordRedactor validates
  auto st = run_batches<Redacted>(
      reader, o.threads,
      [&](WorkBatch<Redacted>& b, unsigned worker) {
        auto& r = redactors[worker];
        if (!r) r = std::make_unique<RecordRedactor>(config, key);
        redact_batch(*r, b, o.input.strict);
      },
      [&](WorkBatch<Redacted>& b) { return write_redacted(b, reader.bad_lines(), out, &report); });
  out.flush();
  // --report: what was written, counts only.
  if (!o.report.empty() && may_write_report(reader)) write_file_atomic(o.report, report_json(report));
  if (auto rc = reader.stop_exit_code(st)) return *rc;
  return reader.exit_code();
}

int configure_and_run(const Options& o) {
  if (o.list_rules) {
    std::fputs(secret_rules_ndjson().c_str(), stdout);
    return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
  }
  RedactConfig config;
  if (!o.config.empty()) {
    if (any_rule(o) || o.algo != "sha256" || o.others != "drop")
      return usage_error("--config holds the rules: no --hash, --drop, --keep, --others, --mask*, --rules, --algo");
    auto text = read_file(o.config);
    if (!text) throw Error(kExitFailure, o.config + ": " + errno_text(ENOENT));
    config = parse_redact_config(*text, o.config);
    if (!o.stream_field.empty()) config.stream_field = o.stream_field;
    if (!config.streams.empty() && config.stream_field.empty())
      return usage_error(o.config + ": streams need --stream-field or \"stream_field\"");
  } else {
    if (!o.stream_field.empty()) return usage_error("--stream-field needs --config");
    if (!any_rule(o)) return usage_error("nothing to do: give --hash, --drop, --keep, --mask, --mask-regex, --rules or --config");
    if (int rc = rules_from_options(o, config.default_rules); rc >= 0) return rc;
  }
  config.summary = o.summary;
  return run(o, config);
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-redact", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::configure_and_run(o);
  });
}
