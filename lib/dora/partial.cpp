// Partials: the entries of a run's intake written compactly, read back
// into batches. The format is in partial.hpp.
#include "dora/partial.hpp"

#include <simdjson.h>
#include <xxhash.h>

#include <cstring>
#include <new>

#include "core/diag.hpp"
#include "core/timefmt.hpp"
#include "json/json_text.hpp"

namespace ndj::dora {

namespace {

using Kind = IntakeBatch::Kind;
constexpr uint8_t kLastKind = static_cast<uint8_t>(Kind::kWorkEnd);

// Entry flags, after the kind in the low 3 bits.
enum : uint32_t {
  kHasService = 1u << 3,
  kHasChanges = 1u << 4,
  kAtCommit = 1u << 5,
  kSucceeded = 1u << 6,
  kFailed = 1u << 7,
  kUnplanned = 1u << 8,
  kEmergency = 1u << 9,
  kHasUntil = 1u << 10,  // an incident's or a self-deployed change's, else kNever (other kinds have none)
  kHasId = 1u << 11,     // else 0
  kHasGroup = 1u << 12,  // else the empty key
  kAllFlags = (1u << 13) - 1
};

// The kinds EventReader gives a group key (with --group-by).
bool has_group(Kind k) {
  return k == Kind::kDeployment || k == Kind::kSelfDeployedChange || k == Kind::kIncident || k == Kind::kWorkEnd;
}
bool has_until(Kind k) { return k == Kind::kIncident || k == Kind::kSelfDeployedChange; }

// Entries a merge inserts at once: the batch stays small whatever the
// size of the partial.
constexpr size_t kChunk = 1 << 16;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void put_signed(std::string& out, int64_t v) {
  put_varint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
void put_fixed(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

// The schema as bytes: every field, each length-prefixed. A new field of
// Schema or Definitions that changes what is read or computed goes here.
std::string schema_bytes(const Schema& s) {
  std::string out;
  auto text = [&](std::string_view v) { put_bytes(out, v); };
  auto number = [&](int64_t v) { put_signed(out, v); };
  auto conditions = [&](const std::vector<Condition>& cs) {
    number(static_cast<int64_t>(cs.size()));
    for (const auto& c : cs) {
      text(c.field);
      number(static_cast<int64_t>(c.values.size()));
      for (const auto& v : c.values) text(v);
    }
  };
  number(static_cast<int64_t>(s.renames.size()));
  for (const auto& [name, fields] : s.renames) {
    text(name);
    number(static_cast<int64_t>(fields.size()));
    for (const auto& f : fields) text(f);
  }
  number(static_cast<int64_t>(s.type_values.size()));
  for (const auto& [value, type] : s.type_values) {
    text(value);
    number(static_cast<int64_t>(type));
  }
  number(static_cast<int64_t>(s.status_values.size()));
  for (const auto& [value, status] : s.status_values) {
    text(value);
    text(status);
  }
  number(static_cast<int64_t>(s.group_by.size()));
  for (const auto& g : s.group_by) text(g);
  number(static_cast<int64_t>(s.where.size()));
  for (const auto& w : s.where) text(w);
  number(s.epoch ? static_cast<int64_t>(*s.epoch) : -1);
  number(s.failure_window);
  const Definitions& d = s.defs;
  text(d.name);
  for (bool b : {d.all_deployments, d.linked_within_window, d.service_incidents, d.lead_from_changes,
                 d.lead_from_deployments, d.lead_from_work_units, d.recovery_from_emergency_pairs,
                 d.rework_counts_changes, d.frequency_per_week, d.rate_as_fraction})
    number(b);
  conditions(d.failed_when);
  conditions(d.incidents_when);
  conditions(d.emergency_when);
  conditions(d.rework_when);
  return out;
}

std::string hex64(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = digits[v & 15];
  return out;
}

// The reader of a body: every read checks the bytes left.
class Body {
 public:
  Body(std::string_view bytes, const std::string& what) : p_(bytes), what_(what) {}
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_.empty()) damaged("ends inside a number");
      const auto byte = static_cast<uint8_t>(p_[0]);
      p_.remove_prefix(1);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    damaged("a number is too long");
  }
  int64_t signed_varint() {
    const uint64_t v = varint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  uint64_t fixed() {
    if (p_.size() < 8) damaged("ends inside a number");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p_[static_cast<size_t>(i)])) << (8 * i);
    p_.remove_prefix(8);
    return v;
  }
  std::string_view bytes(uint64_t n) {
    if (n > p_.size()) damaged("ends inside a string");
    std::string_view s = p_.substr(0, n);
    p_.remove_prefix(n);
    return s;
  }
  size_t left() const { return p_.size(); }
  [[noreturn]] void damaged(const std::string& why) const {
    throw Error(kExitDataError, what_ + ": damaged partial: " + why);
  }

 private:
  std::string_view p_;
  const std::string& what_;
};

// Whether a group key is made of `fields` values as EventReader writes
// them (marker, 4-byte length, bytes): EventStore reads it unchecked.
bool valid_group_key(std::string_view key, size_t fields) {
  size_t n = 0;
  while (!key.empty()) {
    if (key.size() < 5 || key[0] > 2) return false;
    uint32_t len;
    std::memcpy(&len, key.data() + 1, sizeof len);
    if (len > key.size() - 5) return false;
    key.remove_prefix(5 + len);
    ++n;
  }
  return n == fields;
}

// Whether an EventReader kept for `keep_from` would have left out `e`
// (read for an earlier keep_from), and what it would have dropped of it;
// the rules of EventReader's read_deployment, read_change, read_incident
// and read_work, on entries.
bool left_out(IntakeBatch::Entry& e, TimeNs keep_from, bool grouped) {
  switch (e.kind) {
    case Kind::kDeployment:
      if (e.time >= keep_from) return false;
      if (!grouped) return true;
      e.has_changes = false;  // kept for its group only
      return false;
    case Kind::kSelfDeployedChange: return e.until < keep_from;  // deployed (or deployment finished) before
    case Kind::kIncident: return e.until < keep_from && e.id == 0;
    case Kind::kWorkEnd: return e.time < keep_from;
    default: return false;
  }
}

}  // namespace

std::string partial_fingerprint(const PartialPlan& plan) {
  std::string bytes = "ndj-dora partial " + std::to_string(kPartialVersion) + "\n" + schema_bytes(*plan.schema);
  put_signed(bytes, plan.window_since);
  put_signed(bytes, plan.as_of);
  return hex64(XXH3_64bits(bytes.data(), bytes.size()));
}

PartialWriter::PartialWriter(const PartialPlan& plan) : plan_(plan) {}

uint32_t PartialWriter::string_id(std::string_view s) {
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  ids_.emplace(std::string(s), nstrings_);
  put_bytes(strings_, s);
  return nstrings_++;
}

void PartialWriter::add(const IntakeBatch& batch) {
  counts_.add(batch.counts());
  for (const auto& e : batch.entries()) {
    uint32_t flags = static_cast<uint32_t>(e.kind);
    const auto changes = batch.change_ids(e);
    const std::string_view group = batch.group_key(e);
    if (e.has_service) flags |= kHasService;
    if (e.has_changes) flags |= kHasChanges;
    if (e.at_commit) flags |= kAtCommit;
    if (e.succeeded) flags |= kSucceeded;
    if (e.failed) flags |= kFailed;
    if (e.unplanned) flags |= kUnplanned;
    if (e.emergency) flags |= kEmergency;
    if (has_until(e.kind) && e.until != kNever) flags |= kHasUntil;
    if (e.id) flags |= kHasId;
    if (!group.empty()) flags |= kHasGroup;
    put_varint(entries_, flags);
    put_signed(entries_, static_cast<int64_t>(static_cast<uint64_t>(e.time) - static_cast<uint64_t>(last_time_)));
    last_time_ = e.time;
    if (flags & kHasUntil)
      put_signed(entries_, static_cast<int64_t>(static_cast<uint64_t>(e.until) - static_cast<uint64_t>(e.time)));
    if (flags & kHasId) put_fixed(entries_, e.id);
    if (flags & kHasService) put_varint(entries_, string_id(batch.service(e)));
    if (flags & kHasGroup) put_varint(entries_, string_id(group));
    if (flags & kHasChanges) {
      put_varint(entries_, changes.size());
      for (uint64_t c : changes) put_fixed(entries_, c);
    }
    ++nentries_;
  }
}

void PartialWriter::finish(const std::function<void(std::string_view)>& sink) const {
  std::string head;  // the body before the entries
  for (uint64_t n : {counts_.records, counts_.events, counts_.in_window, counts_.deployments}) put_varint(head, n);
  put_signed(head, counts_.first_deployment);
  put_signed(head, counts_.last_deployment);
  put_varint(head, nstrings_);
  head.append(strings_);
  put_varint(head, nentries_);
  XXH3_state_t* state = XXH3_createState();
  if (!state) throw std::bad_alloc();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, head.data(), head.size());
  XXH3_64bits_update(state, entries_.data(), entries_.size());
  std::string sum;
  put_fixed(sum, XXH3_64bits_digest(state));
  XXH3_freeState(state);

  const Schema& s = *plan_.schema;
  std::string out = "{\"ndj_dora_partial\":" + std::to_string(kPartialVersion) + ",\"fingerprint\":\"" +
                    partial_fingerprint(plan_) + "\",\"since\":\"" + format_rfc3339(plan_.window_since) +
                    "\",\"until\":\"" + format_rfc3339(plan_.as_of) + "\",\"keep_from\":\"" +
                    format_rfc3339(plan_.keep_from) + "\",\"since_ns\":" + std::to_string(plan_.window_since) +
                    ",\"until_ns\":" + std::to_string(plan_.as_of) +
                    ",\"keep_from_ns\":" + std::to_string(plan_.keep_from) + ",\"definitions\":";
  append_json_string(out, s.defs.name);
  out += ",\"group_by\":[";
  for (size_t i = 0; i < s.group_by.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, s.group_by[i]);
  }
  out += "],\"where\":[";
  for (size_t i = 0; i < s.where.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, s.where[i]);
  }
  out += "],\"entries\":" + std::to_string(nentries_) + ",\"strings\":" + std::to_string(nstrings_) +
         ",\"bytes\":" + std::to_string(head.size() + entries_.size() + sum.size()) + "}\n";
  sink(out);
  sink(head);
  sink(entries_);
  sink(sum);
}

namespace {

// One header line, read: what a refusal compares.
struct Header {
  std::string fingerprint, definitions;
  std::vector<std::string> group_by, where;
  TimeNs since = 0, until = 0, keep_from = 0;
  uint64_t bytes = 0;
};

Header read_header(std::string_view line, const std::string& what) {
  auto not_partial = [&](const std::string& why) -> Error {
    return Error(kExitDataError, what + ": not an ndj-dora partial (" + why + ")");
  };
  simdjson::dom::parser parser;
  simdjson::padded_string padded(line);
  simdjson::dom::object h;
  if (parser.parse(padded).get_object().get(h)) throw not_partial("the first line is not a JSON object");
  int64_t version;
  if (h["ndj_dora_partial"].get_int64().get(version)) throw not_partial("no \"ndj_dora_partial\" version");
  if (version != kPartialVersion)
    throw Error(kExitDataError, what + ": a partial of version " + std::to_string(version) + "; this ndj-dora reads version " +
                                    std::to_string(kPartialVersion) + " (make the partials with the same ndj-dora)");
  Header out;
  std::string_view fp, defs;
  simdjson::dom::array group_by, where;
  uint64_t bytes;
  if (h["fingerprint"].get_string().get(fp) || h["definitions"].get_string().get(defs) ||
      h["since_ns"].get_int64().get(out.since) || h["until_ns"].get_int64().get(out.until) ||
      h["keep_from_ns"].get_int64().get(out.keep_from) || h["group_by"].get_array().get(group_by) ||
      h["where"].get_array().get(where) || h["bytes"].get_uint64().get(bytes))
    throw not_partial("a header member is missing or of the wrong type");
  out.fingerprint = fp;
  out.definitions = defs;
  out.bytes = bytes;
  for (auto g : group_by) {
    std::string_view s;
    if (g.get_string().get(s)) throw not_partial("\"group_by\" holds a non-string");
    out.group_by.emplace_back(s);
  }
  for (auto w : where) {
    std::string_view s;
    if (w.get_string().get(s)) throw not_partial("\"where\" holds a non-string");
    out.where.emplace_back(s);
  }
  return out;
}

std::string list_text(const std::vector<std::string>& v) {
  if (v.empty()) return "(none)";
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// The refusal of a partial made with other settings: what differs.
[[noreturn]] void refuse(const Header& h, const PartialPlan& want, const std::string& what) {
  std::string why;
  auto differs = [&](const std::string& name, const std::string& theirs, const std::string& ours) {
    if (theirs != ours) why += (why.empty() ? "" : "; ") + name + " " + theirs + " here, " + ours + " in this merge";
  };
  differs("window start", format_rfc3339(h.since), format_rfc3339(want.window_since));
  differs("window end", format_rfc3339(h.until), format_rfc3339(want.as_of));
  differs("definitions", h.definitions, want.schema->defs.name);
  differs("--group-by", list_text(h.group_by), list_text(want.schema->group_by));
  // Joined by " && ": several -w hold together, as one expression would.
  auto where_text = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& w : v) out += (out.empty() ? "" : " && ") + ("(" + w + ")");
    return out.empty() ? std::string("(none)") : out;
  };
  differs("--where", where_text(h.where), where_text(want.schema->where));
  if (why.empty() && h.keep_from > want.keep_from)
    why = "events kept from " + format_rfc3339(h.keep_from) + ", this merge needs them from " +
          format_rfc3339(want.keep_from) + " (--compare, --regressions, --baseline: give them to --partial too)";
  if (why.empty())
    why = "the definitions file, --map, --type-value, --status-value, --failure-window or --epoch differ "
          "(fingerprint " + h.fingerprint + " here, " + partial_fingerprint(want) + " in this merge)";
  throw Error(kExitUsage, what + ": made with other settings than this merge: " + why +
                              "; give --merge the options the partials were made with");
}

}  // namespace

void read_partials(std::string_view bytes, const std::string& name, const PartialPlan& want,
                   const std::function<void(const IntakeBatch&)>& insert) {
  const std::string fingerprint = partial_fingerprint(want);
  const bool grouped = !want.schema->group_by.empty();
  IntakeBatch batch;
  std::vector<std::string_view> strings;
  std::vector<uint64_t> changes;
  // A partial of no records still has its header: an empty file is the
  // output of a --partial run that failed, not a part without events.
  if (bytes.empty())
    throw Error(kExitDataError, name + ": empty, not an ndj-dora partial (did its ndj-dora --partial fail?)");
  for (size_t index = 1; !bytes.empty(); ++index) {
    const std::string what = index == 1 ? name : name + " (partial " + std::to_string(index) + ")";
    const size_t eol = bytes.find('\n');
    if (eol == std::string_view::npos)
      throw Error(kExitDataError, what + ": not an ndj-dora partial (no header line)");
    const Header h = read_header(bytes.substr(0, eol), what);
    if (h.fingerprint != fingerprint || h.keep_from > want.keep_from) refuse(h, want, what);
    bytes.remove_prefix(eol + 1);
    if (h.bytes > bytes.size() || h.bytes < 8)
      throw Error(kExitDataError, what + ": truncated partial: " + std::to_string(bytes.size()) + " of " +
                                      std::to_string(h.bytes) + " bytes");
    const std::string_view all = bytes.substr(0, h.bytes);
    bytes.remove_prefix(h.bytes);
    Body body(all.substr(0, all.size() - 8), what);
    {
      Body sum(all.substr(all.size() - 8), what);
      if (sum.fixed() != XXH3_64bits(all.data(), all.size() - 8)) body.damaged("checksum mismatch");
    }
    InputCounts counts;
    counts.records = body.varint();
    counts.events = body.varint();
    counts.in_window = body.varint();
    counts.deployments = body.varint();
    counts.first_deployment = body.signed_varint();
    counts.last_deployment = body.signed_varint();
    batch.clear();
    batch.add_counts(counts);
    const uint64_t nstrings = body.varint();
    if (nstrings > body.left()) body.damaged("more strings than bytes");
    strings.clear();
    for (uint64_t i = 0; i < nstrings; ++i) strings.push_back(body.bytes(body.varint()));
    auto string_at = [&](uint64_t i) {
      if (i >= strings.size()) body.damaged("a string index out of range");
      return strings[i];
    };
    const uint64_t nentries = body.varint();
    if (nentries > body.left()) body.damaged("more entries than bytes");
    TimeNs time = 0;
    for (uint64_t i = 0; i < nentries; ++i) {
      const uint64_t flags = body.varint();
      if (flags > kAllFlags || (flags & 7) > kLastKind) body.damaged("unknown entry flags");
      IntakeBatch::Entry e{};
      e.kind = static_cast<Kind>(flags & 7);
      time = static_cast<TimeNs>(static_cast<uint64_t>(time) + static_cast<uint64_t>(body.signed_varint()));
      e.time = time;
      e.until = has_until(e.kind) ? kNever : 0;
      if (flags & kHasUntil)
        e.until = static_cast<TimeNs>(static_cast<uint64_t>(time) + static_cast<uint64_t>(body.signed_varint()));
      // As EventReader::read_incident promises the store.
      if (e.kind == Kind::kIncident && e.until != kNever && e.until < e.time)
        body.damaged("an incident resolved before it opened");
      if (flags & kHasId) e.id = body.fixed();
      e.has_service = flags & kHasService;
      e.has_changes = flags & kHasChanges;
      e.at_commit = flags & kAtCommit;
      e.succeeded = flags & kSucceeded;
      e.failed = flags & kFailed;
      e.unplanned = flags & kUnplanned;
      e.emergency = flags & kEmergency;
      const std::string_view service = e.has_service ? string_at(body.varint()) : std::string_view();
      const std::string_view group = (flags & kHasGroup) ? string_at(body.varint()) : std::string_view();
      if (grouped && has_group(e.kind) ? !valid_group_key(group, want.schema->group_by.size()) : !group.empty())
        body.damaged("a group key that does not fit --group-by");
      changes.clear();
      if (e.has_changes) {
        const uint64_t n = body.varint();
        if (n > body.left() / 8) body.damaged("more change ids than bytes");
        for (uint64_t c = 0; c < n; ++c) changes.push_back(body.fixed());
      }
      if (left_out(e, want.keep_from, grouped)) continue;
      if (!e.has_changes) changes.clear();
      batch.append(e, service, group, changes);
      if (batch.entries().size() >= kChunk) {
        insert(batch);
        batch.clear();
      }
    }
    if (body.left()) body.damaged("bytes after the last entry");
    insert(batch);
  }
}

}  // namespace ndj::dora
