// Change and deployment records, built by hand in one reused string: a
// history of a million commits is a million records.
#include "git/record_writer.hpp"

#include <algorithm>
#include <cctype>

#include "core/timefmt.hpp"
#include "json/json.hpp"

namespace ndj {

const Choices<EmailMode> kEmailModes{
    {{"hash", EmailMode::kHash}, {"plain", EmailMode::kPlain}, {"omit", EmailMode::kOmit}}};

RecordWriter::RecordWriter(const RecordFields& fields, Output& out) : fields_(fields), out_(out) {}

const std::string* RecordWriter::author_key(const GitCommit& c) {
  if (fields_.emails == EmailMode::kOmit) return nullptr;
  auto it = author_keys_.find(c.author_email);
  if (it == author_keys_.end()) {
    std::string key(c.author_email);
    if (fields_.emails == EmailMode::kHash) {
      std::string lower(c.author_email);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
      key.clear();
      sha256_.append_hex(lower, key);
    }
    it = author_keys_.emplace(std::string(c.author_email), std::move(key)).first;
  }
  return &it->second;  // a node's value does not move when the map grows
}

void RecordWriter::change(const GitCommit& c, const ChangeFacts& f, bool revert, bool hotfix,
                          const Deployment* d, const PullRequest* pr, std::string_view teams) {
  rec_ = R"({"type":"change","id":)";
  append_json_string(rec_, c.sha);
  field_time("time", pr ? pr->start(fields_.lead_time_from) : c.author_time);
  field_time("committed_at", c.commit_time);
  if (pr) {
    rec_.append(R"(,"pr":)").append(std::to_string(pr->number));
    field_time("pr_created_at", pr->created);
  }
  if (d && f.listed) {
    rec_.append(R"(,"deployment_id":)");
    append_id(d->id);
  }
  service();
  if (!teams.empty()) rec_.append(R"(,"teams":)").append(teams);
  if (const std::string* author = author_key(c)) {
    rec_.append(fields_.emails == EmailMode::kHash ? R"(,"author_sha256":)" : R"(,"author_email":)");
    append_json_string(rec_, *author);
  }
  rec_.append(R"(,"subject":)");
  append_json_string(rec_, c.subject);
  rec_.append(R"(,"parents":)").append(std::to_string(c.parent_count()));
  rec_.append(R"(,"revert":)").append(revert ? "true" : "false");
  if (!f.reverts.empty()) {
    rec_.append(R"(,"reverts":)");
    append_json_string(rec_, f.reverts);
  }
  rec_.append(R"(,"hotfix":)").append(hotfix ? "true" : "false");
  rec_.append(R"(,"emergency":)").append(f.emergency ? "true" : "false");
  rec_.append("}\n");
  out_.write(rec_);
}

void RecordWriter::deployment(const Deployment& d, std::string_view teams, std::vector<const std::string*> authors) {
  rec_ = R"({"type":"deployment","id":)";
  append_id(d.id);
  field_time("time", d.time);
  service();
  if (!fields_.environment.empty()) {
    rec_.append(R"(,"environment":)");
    append_json_string(rec_, fields_.environment);
  }
  rec_.append(R"(,"status":)").append(d.rolled_back ? R"("rolled_back")" : R"("success")");
  rec_.append(R"(,"changes":[)");
  for (size_t i = 0; i < d.change_count; ++i) {
    if (i) rec_.push_back(',');
    rec_.push_back('"');
    rec_.append(d.change(i)).push_back('"');
  }
  rec_.push_back(']');
  if (!teams.empty()) rec_.append(R"(,"teams":)").append(teams);
  if (fields_.emails != EmailMode::kOmit) {
    // Keys are interned: equal keys are one pointer.
    std::sort(authors.begin(), authors.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
    authors.erase(std::unique(authors.begin(), authors.end()), authors.end());
    rec_.append(R"(,"authors":[)");
    for (size_t i = 0; i < authors.size(); ++i) {
      if (i) rec_.push_back(',');
      append_json_string(rec_, *authors[i]);
    }
    rec_.push_back(']');
  }
  if (d.emergency) rec_.append(R"(,"change_type":"emergency")");
  rec_.append(R"(,"unplanned":)").append(d.unplanned ? "true" : "false");
  rec_.append("}\n");
  out_.write(rec_);
}

// Commit times cluster in days: the date is formatted once per day, the
// time of day by hand (snprintf for every field was a tenth of our time).
void RecordWriter::field_time(const char* name, int64_t seconds) {
  int64_t day = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  if (day != cached_day_) {
    cached_date_ = format_rfc3339(day * 86400 * kNsPerSec).substr(0, 11);  // "YYYY-MM-DDT"
    cached_day_ = day;
  }
  int64_t rem = seconds - day * 86400;
  char hms[9] = {char('0' + rem / 36000), char('0' + rem / 3600 % 10), ':',
                 char('0' + rem / 60 % 60 / 10), char('0' + rem / 60 % 10), ':',
                 char('0' + rem % 60 / 10), char('0' + rem % 10), 'Z'};
  rec_.append(",\"").append(name).append("\":\"").append(cached_date_).append(hms, sizeof hms).push_back('"');
}

void RecordWriter::append_id(const std::string& id) {
  if (fields_.id_prefix.empty()) {
    append_json_string(rec_, id);
    return;
  }
  id_ = fields_.id_prefix;
  id_.append(id);
  append_json_string(rec_, id_);
}

void RecordWriter::service() {
  if (fields_.service.empty()) return;
  rec_.append(R"(,"service":)");
  append_json_string(rec_, fields_.service);
}

}  // namespace ndj
