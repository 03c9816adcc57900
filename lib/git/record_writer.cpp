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

void RecordWriter::change(const GitCommit& c, const ChangeFacts& f, bool revert, bool hotfix,
                          const Deployment* d, const PullRequest* pr) {
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
    append_json_string(rec_, d->id);
  }
  service();
  if (fields_.emails == EmailMode::kHash) {
    auto it = email_hashes_.find(c.author_email);
    if (it == email_hashes_.end()) {
      std::string lower(c.author_email);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
      std::string hex;
      sha256_.append_hex(lower, hex);
      it = email_hashes_.emplace(std::string(c.author_email), std::move(hex)).first;
    }
    rec_.append(R"(,"author_sha256":")").append(it->second).push_back('"');
  } else if (fields_.emails == EmailMode::kPlain) {
    rec_.append(R"(,"author_email":)");
    append_json_string(rec_, c.author_email);
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

void RecordWriter::deployment(const Deployment& d) {
  rec_ = R"({"type":"deployment","id":)";
  append_json_string(rec_, d.id);
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

void RecordWriter::service() {
  if (fields_.service.empty()) return;
  rec_.append(R"(,"service":)");
  append_json_string(rec_, fields_.service);
}

}  // namespace ndj
