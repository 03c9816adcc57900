// Assignment parsing and a small ordered tree of members.
#include "emit/event_builder.hpp"

#include "core/atomic_file.hpp"
#include "core/diag.hpp"
#include "json/field_path.hpp"
#include "json/json.hpp"
#include "json/json_check.hpp"

namespace ndj {

struct EventBuilder::Node {
  std::string name;
  std::string value;  // JSON text of a leaf; empty for an object
  std::vector<Node> members;

  Node* member(const std::string& key) {
    for (Node& m : members)
      if (m.name == key) return &m;
    return nullptr;
  }
  void write(std::string& out) const {
    if (!value.empty()) {
      out += value;
      return;
    }
    out.push_back('{');
    for (size_t i = 0; i < members.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, members[i].name);
      out.push_back(':');
      members[i].write(out);
    }
    out.push_back('}');
  }
};

EventBuilder::EventBuilder() : root_(std::make_unique<Node>()) {}
EventBuilder::~EventBuilder() = default;

namespace {

enum class Op { kString, kJson, kFile };

std::string checked_string(std::string_view s, const std::string& what) {
  if (!is_valid_utf8(s)) throw Error(kExitUsage, what + ": not valid UTF-8");
  return json_string(s);
}

std::string checked_json(std::string_view text, const std::string& key) {
  if (const char* why = json_check(text))
    throw Error(kExitUsage, "'" + key + ":=': invalid JSON: " + why);
  // Drop the whitespace (a newline would split the record) but keep the
  // number spellings as written.
  return json_compact(text);
}

}  // namespace

void EventBuilder::add(std::string_view a) {
  size_t eq = std::string_view::npos;
  Op op = Op::kString;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == '\\') {
      ++i;
    } else if (a[i] == '=') {
      eq = i;
      break;
    } else if ((a[i] == ':' || a[i] == '@') && i + 1 < a.size() && a[i + 1] == '=') {
      op = a[i] == ':' ? Op::kJson : Op::kFile;
      eq = i + 1;
      break;
    }
  }
  if (eq == std::string_view::npos)
    throw Error(kExitUsage, "'" + std::string(a) + "': expected key=value, key:=JSON or key@=FILE");
  std::string_view key_text = a.substr(0, op == Op::kString ? eq : eq - 1);
  // The key is echoed in messages: say it is not UTF-8 without echoing it.
  if (!is_valid_utf8(key_text)) throw Error(kExitUsage, "a key is not valid UTF-8");
  std::string key(key_text);
  auto path = FieldPath::parse(key_text);
  if (!path) throw Error(kExitUsage, "'" + std::string(a) + "': bad key (empty name, stray '.' or unescaped bracket)");
  std::string_view rhs = a.substr(eq + 1);
  std::string value;
  switch (op) {
    case Op::kString: value = checked_string(rhs, "value of '" + key + "'"); break;
    case Op::kJson: value = checked_json(rhs, key); break;
    case Op::kFile: {
      auto content = read_file(std::string(rhs));
      if (!content) throw Error(kExitFailure, std::string(rhs) + ": No such file or directory");
      value = checked_string(*content, std::string(rhs));
      break;
    }
  }
  Node* node = root_.get();
  const auto& segs = path->segments();
  for (size_t i = 0; i < segs.size(); ++i) {
    Node* m = node->member(segs[i]);
    bool leaf = i + 1 == segs.size();
    if (m && (leaf || !m->value.empty()))
      throw Error(kExitUsage, "'" + key + "': " + (leaf ? "given twice" : "already holds a value"));
    if (!m) {
      node->members.push_back(Node{segs[i], leaf ? value : std::string(), {}});
      m = &node->members.back();
    }
    node = m;
  }
}

bool EventBuilder::has_top_level(std::string_view key) const {
  for (const Node& m : root_->members)
    if (m.name == key) return true;
  return false;
}

void EventBuilder::prepend_string(std::string_view key, std::string_view value) {
  root_->members.insert(root_->members.begin(), Node{std::string(key), json_string(value), {}});
}

std::string EventBuilder::json() const {
  std::string out;
  root_->write(out);
  return out;
}

}  // namespace ndj
