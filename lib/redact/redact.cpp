// Redaction engine. Each line is validated in full without a DOM
// (JsonParser::validate); its stage-1 structural index (the offset of every
// bracket, colon, comma and scalar start) then drives a walk over the raw
// bytes, so that untouched bytes are copied verbatim and only changed
// values re-encoded.
#include "redact/redact.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "core/diag.hpp"
#include "json/json.hpp"
#include "json/json_structure.hpp"

namespace ndj {

namespace {

// The rules of one rule set as a tree over path steps.
struct RuleNode {
  std::vector<std::pair<std::string, std::unique_ptr<RuleNode>>> keys;
  std::unique_ptr<RuleNode> each;  // "[]": every element
  bool hash = false;
  bool drop = false;
  bool keep = false;        // kept whole
  bool keep_inside = false;  // some descendant is kept: filter inside
  bool mask = false;        // strings in this subtree are scanned
  bool active = false;      // this node or a descendant has a rule

  // Every member of every record is looked up: most names are not rule
  // names, and a length no rule name has settles that without a compare.
  uint64_t lengths = 0;  // bit min(len, 63) for each of `keys`

  const RuleNode* find(std::string_view key) const {
    if (!(lengths >> std::min<size_t>(key.size(), 63) & 1)) return nullptr;
    for (const auto& [k, n] : keys)
      if (k.size() == key.size() && (key.empty() || k[0] == key[0]) && k == key) return n.get();
    return nullptr;
  }
  RuleNode* child(const PathStep& step) {
    if (step.kind == PathStep::Kind::kEachElement) {
      if (!each) each = std::make_unique<RuleNode>();
      return each.get();
    }
    for (auto& [k, n] : keys)
      if (k == step.key) return n.get();
    keys.emplace_back(step.key, std::make_unique<RuleNode>());
    lengths |= uint64_t{1} << std::min<size_t>(step.key.size(), 63);
    return keys.back().second.get();
  }
};

RuleNode* add_path(RuleNode& root, const JsonPath& path, bool RuleNode::*flag) {
  RuleNode* n = &root;
  n->active = true;
  for (const auto& step : path.steps) {
    if (flag == &RuleNode::keep) n->keep_inside = true;
    n = n->child(step);
    n->active = true;
  }
  n->*flag = true;
  return n;
}


// What was done to one record, for --summary.
struct RedactCounts {
  uint64_t hashed = 0;
  uint64_t dropped = 0;
  uint64_t masked = 0;
};

// Matches per rule id of one record (a rule id may have several rows).
struct RuleCounts {
  std::vector<std::pair<std::string_view, uint64_t>> by_id;
  void add(std::string_view id, uint64_t n) {
    for (auto& [k, v] : by_id)
      if (k == id) {
        v += n;
        return;
      }
    by_id.emplace_back(id, n);
  }
};

}  // namespace

struct RecordRedactor::Compiled {
  RuleNode root;
  bool keep_mode = false;
  bool others_hash = false;
  bool mask_everywhere = false;
  std::unique_ptr<SecretScanner> scanner;
  std::unique_ptr<Digester> digester;
  std::string suffix;  // "_sha256"
  mutable std::vector<uint64_t> rule_totals;  // matches per scanner rule, for --report
};

struct RecordRedactor::Impl {
  JsonParser parser;
  std::vector<std::unique_ptr<Compiled>> compiled;  // [0] is the default
  std::map<std::string, const Compiled*, std::less<>> by_stream;
  std::string stream_field;
  bool summary = false;

  // The record being walked.
  std::string_view text;
  const uint32_t* idx = nullptr;
  uint32_t n = 0;
  std::string* out = nullptr;
  size_t copied = 0;  // text[0, copied) has been dealt with
  const Compiled* rules = nullptr;
  RedactCounts counts;
  RuleCounts rule_counts;
  RedactReport totals;  // since the last take_report() (rule and kind counts: Compiled)
  std::string scratch;  // decoded strings
  std::string masked;
  bool collecting = false;
  bool scanning = false;          // this record's strings are masked
  std::string joined;             // strings to scan, one per line
  std::vector<size_t> seg_ends;   // offset of the '\n' after each
  std::vector<std::string> seg_names;  // the member name each string is the value of
  std::string member_name;        // of the value being walked ("" in arrays)
  bool want_names = false;        // the scanner may use member names
  std::vector<std::string_view> name_views;
  size_t seg_next = 0, span_next = 0;
  std::string discard;            // the collecting walk writes nothing

  char at(uint32_t i) const { return text[idx[i]]; }

  void count_record() {
    ++totals.records;
    totals.records_masked += counts.masked > 0;
    totals.hashed += counts.hashed;
    totals.dropped += counts.dropped;
    totals.masked += counts.masked;
  }

  // End offset of the scalar token i (its last byte + 1).
  size_t scalar_end(uint32_t i) const { return token_end(text, idx, n, i); }

  // Index of the token after the value starting at token i.
  uint32_t skip_value(uint32_t i) const {
    char c = at(i);
    if (c != '{' && c != '[') return i + 1;
    int depth = 0;
    for (;; ++i) {
      char d = at(i);
      if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
    }
  }

  // End offset of the value spanning tokens [i, next).
  size_t value_end(uint32_t i, uint32_t next) const {
    char c = at(i);
    if (c == '{' || c == '[') return idx[next - 1] + 1;
    return scalar_end(i);
  }

  void flush_to(size_t pos) {
    if (!collecting) out->append(text.data() + copied, pos - copied);
    copied = pos;
  }
  void skip(size_t b, size_t e) {
    flush_to(b);
    copied = e;
  }

  // The content of a string token (without quotes), decoded if it has
  // escapes: the bytes hashing and masking work on.
  std::string_view string_text(uint32_t i, std::string_view& raw_inner) {
    size_t b = idx[i] + 1, e = scalar_end(i) - 1;
    raw_inner = text.substr(b, e - b);
    if (!parser.has_backslash() || std::memchr(raw_inner.data(), '\\', raw_inner.size()) == nullptr)
      return raw_inner;
    scratch.clear();
    append_unescaped(raw_inner, scratch);
    return scratch;
  }

  // Replaces [key_b, value_e) by NAME_ALG and NAME_bytes.
  void hash_member(size_t key_b, std::string_view raw_key, uint32_t vi, size_t value_e) {
    if (collecting) {
      skip(key_b, value_e);
      return;
    }
    std::string_view data, raw_inner;
    if (at(vi) == '"') data = string_text(vi, raw_inner);
    else data = text.substr(idx[vi], value_e - idx[vi]);
    skip(key_b, value_e);
    out->push_back('"');
    out->append(raw_key);
    out->append(rules->suffix);
    out->append("\":\"");
    rules->digester->append_hex(data, *out);
    out->append("\",\"");
    out->append(raw_key);
    out->append("_bytes\":");
    out->append(std::to_string(data.size()));
    ++counts.hashed;
  }

  // Masking takes two walks: the first (`collecting`) gathers the strings
  // to scan, decoded, into `joined` for one scan; the second replaces the
  // matches as it copies the record.
  void mask_string(uint32_t i) {
    if (!scanning) return;
    std::string_view raw_inner;
    std::string_view s = string_text(i, raw_inner);
    if (collecting) {
      joined.append(s);
      seg_ends.push_back(joined.size());
      joined.push_back('\n');
      if (want_names) seg_names.push_back(member_name);
      return;
    }
    size_t seg_begin = seg_next == 0 ? 0 : seg_ends[seg_next - 1] + 1;
    size_t seg_end = seg_ends[seg_next++];
    const auto& spans = rules->scanner->spans();
    size_t first = span_next;
    while (span_next < spans.size() && spans[span_next].begin < seg_end) ++span_next;
    if (first == span_next) return;
    counts.masked += span_next - first;
    for (size_t k = first; k < span_next; ++k) {
      ++rules->rule_totals[spans[k].rule];
      rule_counts.add(rules->scanner->rule_id(spans[k].rule), 1);
    }
    size_t b = idx[i], e = scalar_end(i);
    skip(b, e);
    masked.clear();
    size_t at = seg_begin;
    for (size_t k = first; k < span_next; ++k) {
      masked.append(joined, at, spans[k].begin - at);
      masked.append(rules->scanner->label(spans[k].kind));
      at = spans[k].end;
    }
    masked.append(joined, at, seg_end - at);
    if (s.data() == raw_inner.data()) {
      // No escapes, so no byte needs one; the labels need none either.
      out->push_back('"');
      out->append(masked);
      out->push_back('"');
    } else {
      append_json_string(*out, masked);
    }
  }

  // An allowlisted container can only be filtered if its rules descend
  // into it the way its type allows.
  static bool keeps_inside_as(const RuleNode* n, char c) {
    if (c == '{') return !n->keys.empty();
    if (c == '[') return n->each && (n->each->keep || n->each->keep_inside);
    return false;
  }

  uint32_t walk_value(uint32_t i, const RuleNode* node, bool masking, bool filtering) {
    char c = at(i);
    if (c == '{') return walk_object(i, node, masking, filtering, false);
    if (c == '[') return walk_array(i, node, masking, filtering);
    if (c == '"' && masking) mask_string(i);
    return i + 1;
  }

  // The rule set for this record: by the string value of the top-level
  // stream field, else the default.
  const Compiled* rules_for_record() {
    if (at(0) != '{' || at(1) == '}') return compiled[0].get();
    for (uint32_t j = 1;; ) {
      std::string_view raw_key;
      std::string_view key = string_text(j, raw_key);
      uint32_t vi = j + 2;
      if (key == stream_field) {
        if (at(vi) != '"') break;
        auto it = by_stream.find(string_text(vi, raw_key));
        return it == by_stream.end() ? compiled[0].get() : it->second;
      }
      uint32_t next = skip_value(vi);
      if (at(next) == '}') break;
      j = next + 1;
    }
    return compiled[0].get();
  }

  // Whether a member name written with '_' or '-' holds a secret by its
  // name (a record without escapes: its names are their text).
  bool separated_secret_name(SecretScanner& scanner) const {
    for (uint32_t i = 1; i < n; ++i) {
      if (at(i) != ':') continue;
      size_t b = idx[i - 1] + 1, e = scalar_end(i - 1) - 1;  // between the quotes
      std::string_view name = text.substr(b, e - b);
      bool separated = false;
      for (char ch : name) separated |= ch == '_' || ch == '-';
      if (separated && scanner.is_secret_member_name(name)) return true;
    }
    return false;
  }

  // Appends the record with the rules applied to `dest` (nothing on failure).
  const char* walk_record(const Compiled& c, bool masking, std::string& dest) {
    if (at(0) != '{' && c.keep_mode) return "not an object (--keep needs one)";
    out = &dest;
    copied = 0;
    counts = {};
    rule_counts.by_id.clear();
    member_name.clear();
    if (at(0) == '{') walk_object(0, &c.root, masking, c.keep_mode, true);
    else walk_value(0, &c.root, masking, false);
    flush_to(text.size());
    return nullptr;
  }

  // `filtering`: allowlist in force here (node->keep_inside).
  uint32_t walk_object(uint32_t i, const RuleNode* node, bool masking, bool filtering, bool root) {
    uint32_t j = i + 1;
    bool emitted = false, first = true;
    // The previous member's value, tokens [prev_vi, prev_next): its end
    // offset is wanted only when a member after it is dropped, so it is
    // found then (most members are neither dropped nor after a drop).
    uint32_t prev_vi = 0, prev_next = 0;
    if (at(j) != '}') {
      for (;;) {
        size_t key_b = idx[j];
        size_t key_e = scalar_end(j);
        std::string_view raw_key = text.substr(key_b + 1, key_e - key_b - 2);
        uint32_t vi = j + 2;
        const RuleNode* child = nullptr;
        if (node && !node->keys.empty()) {
          if (parser.has_backslash() && std::memchr(raw_key.data(), '\\', raw_key.size())) {
            scratch.clear();
            append_unescaped(raw_key, scratch);
            child = node->find(scratch);
          } else {
            child = node->find(raw_key);
          }
        }
        enum { kWalk, kDrop, kHash } action = kWalk;
        bool child_filtering = false;
        if (child && child->drop) {
          action = kDrop;
        } else if (child && child->hash) {
          action = kHash;
        } else if (filtering && !(child && child->keep)) {
          if (child && child->keep_inside && keeps_inside_as(child, at(vi))) child_filtering = true;
          else action = rules->others_hash ? kHash : kDrop;
        }
        // A member kept after dropped ones loses the comma before it now,
        // before its value is walked: masking inside it writes out
        // everything up to the string it changes.
        if (action != kDrop && !emitted && !first) skip(value_end(prev_vi, prev_next), key_b);
        uint32_t next;
        if (action == kWalk) {
          bool m = masking || (child && child->mask);
          if ((child && child->active) || m) {
            if (m && collecting && want_names && at(vi) == '"') {
              member_name.clear();
              append_unescaped(raw_key, member_name);
            }
            next = walk_value(vi, child, m, child_filtering);
          } else {
            next = skip_value(vi);
          }
        } else {
          next = skip_value(vi);
        }
        if (action == kDrop) {
          skip(first ? key_b : value_end(prev_vi, prev_next), value_end(vi, next));
          ++counts.dropped;
        } else {
          if (action == kHash) hash_member(key_b, raw_key, vi, value_end(vi, next));
          emitted = true;
        }
        first = false;
        prev_vi = vi;
        prev_next = next;
        if (at(next) == '}') {
          j = next;
          break;
        }
        j = next + 1;
      }
    }
    if (root && summary && !collecting) {
      flush_to(idx[j]);
      out->append(emitted ? ",\"redaction\":{\"hashed\":" : "\"redaction\":{\"hashed\":");
      out->append(std::to_string(counts.hashed));
      out->append(",\"dropped\":");
      out->append(std::to_string(counts.dropped));
      out->append(",\"masked\":");
      out->append(std::to_string(counts.masked));
      if (rules->scanner) {
        out->append(",\"rules\":{");
        for (size_t k = 0; k < rule_counts.by_id.size(); ++k) {
          if (k) out->push_back(',');
          append_json_string(*out, rule_counts.by_id[k].first);
          out->push_back(':');
          out->append(std::to_string(rule_counts.by_id[k].second));
        }
        out->push_back('}');
      }
      out->push_back('}');
    }
    return j + 1;
  }

  uint32_t walk_array(uint32_t i, const RuleNode* node, bool masking, bool filtering) {
    uint32_t j = i + 1;
    if (at(j) == ']') return j + 1;
    const RuleNode* elem = node ? node->each.get() : nullptr;
    bool emitted = false, first = true;
    size_t prev_end = 0;
    for (;;) {
      size_t elem_b = idx[j];
      bool drop = false, elem_filtering = false;
      if (elem && elem->drop) {
        drop = true;
      } else if (filtering && elem && !elem->keep) {
        // Members can be kept inside an element, the element itself has no name.
        if (keeps_inside_as(elem, at(j))) elem_filtering = true;
        else drop = true;
      }
      if (!drop && !emitted && !first) skip(prev_end, elem_b);  // see walk_object
      uint32_t next;
      bool m = masking || (elem && elem->mask);
      member_name.clear();  // an element has no name
      if (!drop && ((elem && elem->active) || m)) next = walk_value(j, elem, m, elem_filtering);
      else next = skip_value(j);
      size_t e = value_end(j, next);
      if (drop) {
        skip(first ? elem_b : prev_end, e);
        ++counts.dropped;
      } else {
        emitted = true;
      }
      first = false;
      prev_end = e;
      if (at(next) == ']') return next + 1;
      j = next + 1;
    }
  }
};

namespace {

std::unique_ptr<RecordRedactor::Compiled> compile(const RedactRules& r, std::string_view key,
                                                  bool summary) {
  auto c = std::make_unique<RecordRedactor::Compiled>();
  for (const auto& p : r.keep) add_path(c->root, p, &RuleNode::keep);
  for (const auto& p : r.hash) add_path(c->root, p, &RuleNode::hash);
  for (const auto& p : r.drop) add_path(c->root, p, &RuleNode::drop);
  for (const auto& p : r.mask_in) add_path(c->root, p, &RuleNode::mask);
  if (summary) {
    // The summary replaces a "redaction" member the record already has.
    JsonPath p;
    p.steps.push_back({PathStep::Kind::kKey, "redaction"});
    add_path(c->root, p, &RuleNode::drop);
  }
  c->keep_mode = !r.keep.empty();
  c->others_hash = r.others_hash;
  if (!r.mask.empty() || !r.mask_regex.empty() || !r.rules.empty()) {
    c->scanner = std::make_unique<SecretScanner>(r.mask, r.mask_regex, r.rules);
    c->rule_totals.assign(c->scanner->rule_count(), 0);
    c->mask_everywhere = r.mask_in.empty();
  }
  if (r.algo == DigestAlgo::kHmacSha256 && key.empty())
    throw Error(kExitUsage, "--algo hmac-sha256 needs --key-file");
  c->digester = std::make_unique<Digester>(r.algo, key);
  std::string_view alg = digest_field_suffix(r.algo);
  c->suffix.reserve(alg.size() + 1);
  c->suffix.push_back('_');
  c->suffix.append(alg.data(), alg.size());
  return c;
}

}  // namespace

RecordRedactor::RecordRedactor(const RedactConfig& config, std::string_view hmac_key)
    : impl_(std::make_unique<Impl>()) {
  impl_->summary = config.summary;
  impl_->stream_field = config.stream_field;
  impl_->compiled.push_back(compile(config.default_rules, hmac_key, config.summary));
  for (const auto& [name, rules] : config.streams) {
    impl_->compiled.push_back(compile(rules, hmac_key, config.summary));
    impl_->by_stream.emplace(name, impl_->compiled.back().get());
  }
}

RecordRedactor::~RecordRedactor() = default;

const char* RecordRedactor::redact(std::string_view line, std::string& out) {
  Impl& m = *impl_;
  if (const char* why = m.parser.validate(line)) return why;
  m.text = line;
  m.idx = m.parser.structural_indexes();
  m.n = m.parser.structural_count();
  m.rules = m.stream_field.empty() ? m.compiled[0].get() : m.rules_for_record();
  const Compiled& c = *m.rules;
  bool masking = c.scanner && c.mask_everywhere;
  if (!c.root.active && !masking) {
    // Nothing can change (a "full" stream): the walk would only copy.
    out.append(line);
    m.counts = {};
  } else {
    // Without escapes, a record's strings are pieces of its text: if the
    // text cannot hold a match, neither can they, and they are not collected.
    const bool backslash = m.parser.has_backslash();
    m.scanning = c.scanner && (backslash || c.scanner->may_match(line));
    // The gate reads names as written: "pass_word" holds no keyword of
    // "password", though its member rule matches it. Such names are looked
    // for when the gate turned on no member rule.
    const bool by_name =
        c.scanner && !backslash && !(m.scanning && c.scanner->wants_member_names()) && m.separated_secret_name(*c.scanner);
    m.scanning = m.scanning || by_name;
    if (m.scanning) {
      // With escapes may_match() did not run: every name is collected.
      m.want_names = backslash || by_name || c.scanner->wants_member_names();
      m.collecting = true;
      m.joined.clear();
      m.seg_ends.clear();
      m.seg_names.clear();
      m.discard.clear();
      if (const char* why = m.walk_record(c, masking, m.discard)) return why;
      m.collecting = false;
      if (m.want_names) m.name_views.assign(m.seg_names.begin(), m.seg_names.end());
      else m.name_views.clear();
      c.scanner->scan_joined(m.joined, m.seg_ends, m.name_views, !backslash && !by_name);
      m.seg_next = m.span_next = 0;
      m.scanning = !c.scanner->spans().empty();
    }
    if (!m.scanning && !c.root.active && !m.summary) {
      // Masking found nothing and nothing else can change.
      out.append(line);
      m.counts = {};
      m.count_record();
      return nullptr;
    }
    if (const char* why = m.walk_record(c, masking, out)) return why;
  }
  m.count_record();
  return nullptr;
}

std::string report_json(const RedactReport& r) {
  std::string out = "{\"records\":" + std::to_string(r.records) + ",\"records_masked\":" +
                    std::to_string(r.records_masked) + ",\"masked\":" + std::to_string(r.masked) +
                    ",\"hashed\":" + std::to_string(r.hashed) + ",\"dropped\":" + std::to_string(r.dropped);
  for (const auto* part : {&r.kinds, &r.rules}) {
    out += part == &r.kinds ? ",\"kinds\":{" : ",\"rules\":{";
    bool first = true;
    for (const auto& [name, n] : *part) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, name);
      out += ':' + std::to_string(n);
    }
    out += '}';
  }
  out += "}\n";
  return out;
}

void RecordRedactor::begin_batch(std::string_view batch) {
  for (const auto& c : impl_->compiled)
    if (c->scanner) c->scanner->prefilter(batch);
}

void RedactReport::add(const RedactReport& other) {
  records += other.records;
  records_masked += other.records_masked;
  hashed += other.hashed;
  dropped += other.dropped;
  masked += other.masked;
  for (const auto& [k, n] : other.kinds) kinds[k] += n;
  for (const auto& [k, n] : other.rules) rules[k] += n;
}

void RecordRedactor::take_report(RedactReport& report) {
  Impl& m = *impl_;
  report.add(m.totals);
  m.totals = {};
  for (const auto& c : m.compiled) {
    if (!c->scanner) continue;
    for (size_t r = 0; r < c->rule_totals.size(); ++r) {
      if (c->rule_totals[r] == 0) continue;
      auto rule = static_cast<unsigned>(r);
      report.rules[c->scanner->rule_id(rule)] += c->rule_totals[r];
      report.kinds[c->scanner->kind_name(c->scanner->kind_of(rule))] += c->rule_totals[r];
      c->rule_totals[r] = 0;
    }
  }
}


}  // namespace ndj
