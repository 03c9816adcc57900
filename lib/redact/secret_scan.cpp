// The scan loop. The gates find the rules a text can match at all; each of
// those is searched alone, and the rules without gates (user patterns
// without keywords) together in one alternation (RE2 runs automata: time
// linear in the text, whatever the pattern). The leftmost match wins, as
// in one alternation of them all, the earlier rule on a tie. The secret is
// the rule's capture group; a validator may reject it (Luhn, address
// syntax, context that says "version number") or narrow it, and so may
// the rule's entropy floor and allowlist: that rule's search then resumes
// one byte after the match's start, or where the secret began if later.
#include "redact/secret_scan.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>

#include "core/diag.hpp"
#include "redact/ascii.hpp"
#include "redact/secret_gates.hpp"

namespace ndj {

namespace {

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii::lower(c);
  return out;
}

re2::RE2::Options regex_options() {
  re2::RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(int64_t{32} << 20);  // DFA budget: 16M thrashes on --mask all
  return o;
}

}  // namespace

// Appends `s` to `spans` (sorted by start), merged into the last span when
// the two overlap: overlapping matches are one replacement.
static void add_span(std::vector<SecretScanner::Span>& spans, const SecretScanner::Span& s) {
  if (!spans.empty() && spans.back().end > s.begin) spans.back().end = std::max(spans.back().end, s.end);
  else spans.push_back(s);
}

struct SecretScanner::Database {
  struct Rule {
    std::string id;
    unsigned kind;
    // Built-in rules are compiled when a text first passes their gates
    // (most never run on a given stream); the others at once, to report
    // their errors.
    std::string pattern;
    std::unique_ptr<re2::RE2> compiled;
    int groups = 0;          // capturing groups (once compiled)
    re2::RE2& re() {
      if (!compiled) {
        compiled = std::make_unique<re2::RE2>(pattern, regex_options());
        // A built-in regex that does not compile is a bug (the unit tests
        // compile them all); failing beats matching nothing.
        if (!compiled->ok()) throw Error(kExitFailure, "mask rule " + id + ": " + compiled->error());
        groups = compiled->NumberOfCapturingGroups();
      }
      return *compiled;
    }
    int secret_group = 0;
    double entropy = 0;
    SecretValidator validate = nullptr;
    struct Allow {
      std::vector<std::unique_ptr<re2::RE2>> regexes;
      SecretAllowlist::Target target;
      std::vector<std::string> stopwords;  // lower case
      bool all;
    };
    std::vector<Allow> allow;
    unsigned shapes = 0;
    std::vector<unsigned> keywords;      // ids in the keyword matcher
    bool caseless = false;               // (?i): U+017F and U+212A pass its keyword gate
    bool by_name = false;
    std::vector<std::string> members;    // normalized member names ("*x": ending in x)
  };
  // A group is searched with one RE2 program: a gated rule alone, or
  // every rule without a gate in one alternation.
  struct Group {
    re2::RE2* alternation;  // the ungated group's; else its one rule's
    std::vector<unsigned> rules;
  };
  static constexpr unsigned kUngated = ~0u;
  std::vector<Rule> rules;
  std::vector<Group> groups;

  re2::RE2& regex_of(Group& g) { return g.alternation ? *g.alternation : rules[g.rules[0]].re(); }
  std::unique_ptr<re2::RE2> ungated;  // the alternation
  std::unique_ptr<KeywordMatcher> keywords;
  std::vector<KeywordMatcher::Keyword> keyword_text;
  std::vector<std::vector<unsigned>> rules_of_keyword;
  std::vector<unsigned> unkeyed, caseless_rules;  // rules without keywords; with (?i) and keywords
  bool gated = true;       // false: every rule runs on all text (tests)

  // Per scan: the keywords found, the rules whose gates pass.
  std::vector<unsigned> found;
  std::vector<uint8_t> active;
  std::vector<unsigned> active_list;      // the rules `active` marks, in order
  std::vector<unsigned> group_of;         // rule -> its group (gated rules)
  std::vector<unsigned> member_rules;     // rules with member names
  // prefilter(): the keywords of a batch of records, and the next to use.
  std::string_view batch;
  std::vector<KeywordMatcher::Hit> hits;
  size_t next_hit = 0;
  std::vector<ShapeHit> shape_hits;
  size_t next_shape = 0;

  // The shapes of `text`: from the batch's when it lies inside it (and
  // comes after the texts asked for before), else by a pass over it.
  unsigned find_shapes(std::string_view text) {
    if (!in_batch(text)) return secret_shapes(text, true);
    auto b = static_cast<size_t>(text.data() - batch.data()), e = b + text.size();
    unsigned shapes = 0;
    for (size_t h = seek(shape_hits, next_shape, b, &ShapeHit::pos); h < shape_hits.size() && shape_hits[h].pos < e; ++h)
      shapes |= shape_hits[h].bit;
    return shapes;
  }

  // The first of `hits` (in order of `pos`) at or after offset b, for the
  // texts of a batch asked for in order; `cursor` keeps the place.
  template <class Hit>
  static size_t seek(const std::vector<Hit>& hits, size_t& cursor, size_t b, size_t Hit::*pos) {
    if (cursor > 0 && cursor <= hits.size() && hits[cursor - 1].*pos >= b) cursor = 0;  // out of order
    while (cursor < hits.size() && hits[cursor].*pos < b) ++cursor;
    return cursor;
  }

  // Whether `text` lies inside the batch given to prefilter(), which has
  // padding after its end.
  bool in_batch(std::string_view text) const {
    return !batch.empty() && text.data() >= batch.data() && text.data() + text.size() <= batch.data() + batch.size();
  }

  // The keywords of `text`: from the batch's when it lies inside it (and
  // comes after the texts asked for before), else by scanning it.
  void find_keywords(std::string_view text, bool& folded) {
    found.clear();
    folded = false;
    if (!keywords) return;
    if (!in_batch(text)) {
      keywords->find(text, found, folded);
      return;
    }
    auto b = static_cast<size_t>(text.data() - batch.data()), e = b + text.size();
    // A keyword ending at b + 1 or later may lie in the text.
    for (size_t h = seek(hits, next_hit, b + 1, &KeywordMatcher::Hit::end); h < hits.size() && hits[h].end <= e; ++h) {
      if (hits[h].begin < b) continue;
      if (hits[h].keyword < keyword_text.size()) found.push_back(hits[h].keyword);
      else folded = true;
    }
  }

  struct Next {
    size_t group, begin, end;
  };
  std::vector<Next> next;
  std::vector<re2::StringPiece> subs;

  unsigned keyword_id(const std::string& k, bool caseless) {
    std::string text = caseless ? lowered(k) : k;
    for (size_t i = 0; i < keyword_text.size(); ++i)
      if (keyword_text[i].text == text && keyword_text[i].caseless == caseless) return static_cast<unsigned>(i);
    keyword_text.push_back({text, caseless});
    rules_of_keyword.emplace_back();
    return static_cast<unsigned>(keyword_text.size() - 1);
  }

  // Sets `active` (and `active_list`) to the rules whose gates `text`
  // passes; false if none.
  bool gate(std::string_view text) {
    if (!gated) {
      active_list.clear();
      active.assign(rules.size(), 1);
      for (size_t r = 0; r < rules.size(); ++r) active_list.push_back(static_cast<unsigned>(r));
      return true;
    }
    // Only the rules the last gate turned on need turning off.
    if (active.size() != rules.size()) active.assign(rules.size(), 0);
    for (unsigned r : active_list) active[r] = 0;
    active_list.clear();
    unsigned shapes = find_shapes(text);
    bool folded = false;
    find_keywords(text, folded);
    auto turn_on = [&](unsigned r) {
      if (!active[r] && (rules[r].shapes & ~shapes) == 0) {
        active[r] = 1;
        active_list.push_back(r);
      }
    };
    for (unsigned r : unkeyed) turn_on(r);
    for (unsigned k : found)
      for (unsigned r : rules_of_keyword[k]) turn_on(r);
    if (folded)
      for (unsigned r : caseless_rules) turn_on(r);
    if (active_list.size() > 1) std::sort(active_list.begin(), active_list.end());
    return !active_list.empty();
  }

  // Member names that make a string a secret: exact ones, and endings
  // ("*password"), each with its rule.
  std::vector<std::pair<std::string, unsigned>> exact_names, name_endings;
  std::string name_buf;

  // The last three characters of every name above, packed (tail_of), to
  // turn most names away before they are folded and compared; empty when
  // a name is shorter (then every name is compared).
  std::vector<uint32_t> name_tails;

  // The last three characters of `name` with '_' and '-' left out, case
  // folded, packed; 0 if it has fewer.
  static uint32_t tail_of(std::string_view name) {
    uint32_t t = 0;
    int got = 0;
    for (size_t k = name.size(); k-- > 0 && got < 3;) {
      char c = name[k];
      if (c == '_' || c == '-') continue;
      t |= static_cast<uint32_t>(static_cast<unsigned char>(ascii::lower(c))) << (8 * got++);
    }
    return got == 3 ? t : 0;
  }

  void index_members() {
    bool short_name = false;
    for (size_t r = 0; r < rules.size(); ++r)
      for (const auto& m : rules[r].members) {
        std::string_view name = m[0] == '*' ? std::string_view(m).substr(1) : std::string_view(m);
        if (m[0] == '*') {
          name_endings.emplace_back(name, static_cast<unsigned>(r));
        } else {
          exact_names.emplace_back(name, static_cast<unsigned>(r));
        }
        uint32_t t = tail_of(name);
        short_name |= t == 0;
        name_tails.push_back(t);
      }
    if (short_name) name_tails.clear();
  }

  // Whether a member named `name` may hold a secret by its name (the last
  // three characters of some rule's name end it).
  bool may_be_member_rule(std::string_view name) const {
    if (name_tails.empty()) return true;
    uint32_t t = tail_of(name);
    return std::find(name_tails.begin(), name_tails.end(), t) != name_tails.end();
  }

  // The member-name rule string `name`'s value falls under, or -1.
  int member_rule(std::string_view name) {
    name_buf.clear();
    for (char c : name)
      if (c != '_' && c != '-') name_buf.push_back(ascii::lower(c));
    for (const auto& [m, r] : exact_names)
      if (m == name_buf) return static_cast<int>(r);
    for (const auto& [m, r] : name_endings)
      if (name_buf.size() >= m.size() && name_buf.compare(name_buf.size() - m.size(), m.size(), m) == 0)
        return static_cast<int>(r);
    return -1;
  }

  // The secret [b, e) of `one` a rule found by its name, labelled with the
  // format rule that also matches it there, if any (which may extend it).
  Rule* relabel(Rule& by, re2::StringPiece input, std::string_view one, size_t seg_begin, size_t b,
                      size_t& e) {
    for (Rule& r : rules) {
      // Format rules with a group find their secret by its context.
      if (r.by_name || r.shapes != 0) continue;
      re2::RE2& re = r.re();  // compiled now, so its group count is known
      re2::StringPiece m;
      if (r.groups > 0 || !re.Match(input, seg_begin + b, seg_begin + one.size(), re2::RE2::ANCHOR_START, &m, 1))
        continue;
      size_t rb = b, re_ = b + m.size();
      if (!accept(r, one, b, re_, rb, re_) || rb != b) continue;
      e = std::max(e, re_);
      return &r;
    }
    return &by;
  }

  // Whether [b, e) of `one` is the rule's secret after its validator
  // (which may narrow it), entropy floor and allowlists; [mb, me) is the
  // whole match.
  bool accept(const Rule& rule, std::string_view one, size_t mb, size_t me, size_t& b, size_t& e) const {
    if (rule.validate && !rule.validate(one, b, e)) return false;
    if (e <= b) return false;
    std::string_view secret = one.substr(b, e - b);
    if (rule.entropy > 0 && shannon_entropy(secret) < rule.entropy) return false;
    for (const auto& a : rule.allow) {
      std::string_view target = a.target == SecretAllowlist::Target::kSecret ? secret
                                : a.target == SecretAllowlist::Target::kMatch ? one.substr(mb, me - mb)
                                                                               : one;
      bool regex = std::any_of(a.regexes.begin(), a.regexes.end(),
                               [&](const auto& re) { return re2::RE2::PartialMatch(target, *re); });
      bool word = std::any_of(a.stopwords.begin(), a.stopwords.end(),
                              [&](const auto& w) { return ascii::contains_folded(secret, w); });
      bool allowed = a.all ? (a.regexes.empty() || regex) && (a.stopwords.empty() || word) : regex || word;
      if (allowed) return false;
    }
    return true;
  }
};

SecretScanner::SecretScanner(const std::vector<std::string>& select, const std::vector<UserPattern>& user,
                             const std::vector<SecretRule>& extra, bool gated)
    : db_(std::make_unique<Database>()) {
  Database& db = *db_;
  db.gated = gated;
  const auto& builtins = builtin_secret_rules();
  std::vector<const SecretRule*> chosen;
  auto choose = [&](const SecretRule& r) {
    if (std::find(chosen.begin(), chosen.end(), &r) == chosen.end()) chosen.push_back(&r);
  };
  // "-NAME" takes a kind or rule out of what the names before it chose.
  for (const auto& entry : select) {
    bool out = !entry.empty() && entry[0] == '-';
    std::string_view name = std::string_view(entry).substr(out ? 1 : 0);
    if (!known_mask_name(name)) throw Error(kExitUsage, "unknown mask kind '" + std::string(name) + "'");
    for (const auto& r : builtins)
      if ((name == "all" && r.in_all) || r.kind == name || r.id == name) {
        if (!out) choose(r);
        else chosen.erase(std::remove(chosen.begin(), chosen.end(), &r), chosen.end());
      }
  }
  // In the table's order (its priorities), whatever the order of --mask.
  std::sort(chosen.begin(), chosen.end());
  auto kind_index = [&](const std::string& name) {
    auto it = std::find(kinds_.begin(), kinds_.end(), name);
    if (it != kinds_.end()) return static_cast<unsigned>(it - kinds_.begin());
    kinds_.push_back(name);
    labels_.push_back("[REDACTED:" + name + "]");
    return static_cast<unsigned>(kinds_.size() - 1);
  };
  // Strings are scanned together, one per line: in user patterns ^ and $
  // are line anchors.
  auto check_user_regex = [](const std::string& what, const std::string& regex) {
    re2::RE2 alone(regex, regex_options());
    if (!alone.ok()) throw Error(kExitUsage, what + ": " + alone.error());
    if (regex.find("\\A") != std::string::npos || regex.find("\\z") != std::string::npos)
      throw Error(kExitUsage, what + ": \\A and \\z are not supported (use ^ and $)");
    if (re2::RE2::FullMatch("", alone)) throw Error(kExitUsage, what + ": matches the empty string");
    return "(?m:" + regex + ")";
  };
  auto add = [&](const SecretRule& r, const std::string& regex, bool builtin) {
    Database::Rule rule;
    rule.id = r.id;
    rule.kind = kind_index(r.kind);
    rule.pattern = regex;
    if (!builtin) rule.re();  // compiled now: its groups are checked below (check_user_regex checked the syntax)
    rule.secret_group = r.secret_group;
    if (rule.secret_group > rule.groups)
      throw Error(kExitUsage, "mask rule " + r.id + ": secretGroup " + std::to_string(r.secret_group) +
                                  " but the regex has " + std::to_string(rule.groups) + " groups");
    rule.entropy = r.entropy;
    rule.validate = r.validate;
    for (const auto& list : r.allowlists) {
      Database::Rule::Allow a{{}, list.target, {}, list.all};
      for (const auto& text : list.regexes) {
        a.regexes.push_back(std::make_unique<re2::RE2>(text, regex_options()));
        if (!a.regexes.back()->ok())
          throw Error(kExitUsage, "mask rule " + r.id + ": allowlist regex: " + a.regexes.back()->error());
      }
      for (const auto& w : list.stopwords) a.stopwords.push_back(lowered(w));
      rule.allow.push_back(std::move(a));
    }
    rule.shapes = r.shapes;
    rule.caseless = regex.find("(?i") != std::string::npos;
    auto index = static_cast<unsigned>(db.rules.size());
    for (const auto& k : r.keywords)
      if (!k.empty()) {
        unsigned id = db.keyword_id(k, rule.caseless || !r.exact_keywords);
        rule.keywords.push_back(id);
        db.rules_of_keyword[id].push_back(index);
      }
    if (rule.keywords.empty()) db.unkeyed.push_back(index);
    else if (rule.caseless) db.caseless_rules.push_back(index);
    rule.by_name = r.by_name;
    rule.members = r.member_names;
    db.rules.push_back(std::move(rule));
  };
  for (const SecretRule* r : chosen) add(*r, r->regex, true);
  for (const auto& r : extra) add(r, check_user_regex("rule " + r.id, r.regex), false);
  for (const auto& u : user) {
    SecretRule r;
    r.id = u.name;
    r.kind = u.name;
    add(r, check_user_regex("--mask-regex " + u.name, u.regex), false);
  }
  if (db.rules.empty()) throw Error(kExitUsage, "no mask patterns");
  std::string joined;
  std::vector<unsigned> ungated;
  db.group_of.assign(db.rules.size(), Database::kUngated);
  for (size_t i = 0; i < db.rules.size(); ++i) {
    const auto& rule = db.rules[i];
    if (!rule.members.empty()) db.member_rules.push_back(static_cast<unsigned>(i));
    if (rule.shapes == 0 && rule.keywords.empty()) {
      if (!joined.empty()) joined += '|';
      joined += "(?:" + rule.pattern + ")";
      ungated.push_back(static_cast<unsigned>(i));
    } else {
      db.group_of[i] = static_cast<unsigned>(db.groups.size());
      db.groups.push_back({nullptr, {static_cast<unsigned>(i)}});
    }
  }
  if (!ungated.empty()) {
    db.ungated = std::make_unique<re2::RE2>(joined, regex_options());
    if (!db.ungated->ok()) throw Error(kExitUsage, "mask patterns: " + db.ungated->error());
    db.groups.push_back({db.ungated.get(), std::move(ungated)});
  }
  if (!db.keyword_text.empty()) db.keywords = std::make_unique<KeywordMatcher>(db.keyword_text);
  db.index_members();
  db.next.reserve(db.groups.size());
}

SecretScanner::~SecretScanner() = default;

const std::string& SecretScanner::rule_id(unsigned rule) const { return db_->rules[rule].id; }
unsigned SecretScanner::kind_of(unsigned rule) const { return db_->rules[rule].kind; }
size_t SecretScanner::rule_count() const { return db_->rules.size(); }

bool SecretScanner::wants_member_names() const {
  for (unsigned r : db_->member_rules)
    if (db_->active.size() > r && db_->active[r]) return true;
  return false;
}

bool SecretScanner::is_secret_member_name(std::string_view name) {
  return db_->may_be_member_rule(name) && db_->member_rule(name) >= 0;
}

void SecretScanner::prefilter(std::string_view batch) {
  Database& db = *db_;
  db.batch = batch;
  db.next_hit = db.next_shape = 0;
  if (db.keywords) db.keywords->find_all(batch, db.hits);
  secret_shapes_of_lines(batch, db.shape_hits);
}

bool SecretScanner::may_match(std::string_view text) {
  bool any = db_->gate(text);
  return any || db_->ungated;
}

size_t SecretScanner::scan(std::string_view text) { return scan_joined(text, {text.size()}); }

// Each group whose gates the text passes is searched; the leftmost of their
// matches is taken (the earlier group on a tie, as in one alternation of
// them all), and only the groups whose next match it overlaps search again.
size_t SecretScanner::scan_joined(std::string_view text, const std::vector<size_t>& ends,
                                  const std::vector<std::string_view>& names, bool gates_of_may_match) {
  spans_.clear();
  Database& db = *db_;
  bool any = (gates_of_may_match && db.active.size() == db.rules.size()) || db.gate(text) || db.ungated;
  re2::StringPiece input(text.data(), text.size());
  auto& next = db.next;
  next.clear();
  // Sets n to the group's first match at or after `from`; false if none.
  auto search = [&](Database::Next& n, size_t from) {
    re2::StringPiece m;
    if (from >= text.size() ||
        !db.regex_of(db.groups[n.group]).Match(input, from, text.size(), re2::RE2::UNANCHORED, &m, 1))
      return false;
    n.begin = static_cast<size_t>(m.data() - text.data());
    n.end = n.begin + m.size();
    return true;
  };
  auto start = [&](size_t g) {
    Database::Next n{g, 0, 0};
    if (search(n, 0)) next.push_back(n);
  };
  if (any) {
    for (unsigned r : db.active_list)
      if (db.group_of[r] != Database::kUngated) start(db.group_of[r]);
    if (db.ungated) start(db.groups.size() - 1);
  }
  size_t seg = 0, seg_begin = 0;
  while (!next.empty()) {
    auto first = std::min_element(next.begin(), next.end(), [](const auto& a, const auto& b) {
      return a.begin < b.begin || (a.begin == b.begin && a.group < b.group);
    });
    Database::Next& n = *first;
    Database::Group& group = db.groups[n.group];
    size_t b = n.begin, e = n.end;
    auto retry_after = [&](size_t at) {
      if (!search(n, at)) next.erase(first);
    };
    while (seg < ends.size() && ends[seg] <= b) seg_begin = ends[seg++] + 1;
    if (seg == ends.size()) break;
    size_t seg_end = ends[seg];
    if (e > seg_end) {
      // Across a text's end: what the text alone holds at b, if anything.
      re2::StringPiece m;
      if (!db.regex_of(group).Match(input, b, seg_end, re2::RE2::ANCHOR_START, &m, 1)) {
        retry_after(b + 1);
        continue;
      }
      e = b + m.size();
    }
    if (e == b) {  // an empty match (a user pattern such as \b) masks nothing
      retry_after(b + 1);
      continue;
    }
    Database::Rule* rule = nullptr;
    for (unsigned r : group.rules)
      if (group.rules.size() == 1 || db.rules[r].re().Match(input, b, e, re2::RE2::ANCHOR_BOTH, nullptr, 0)) {
        rule = &db.rules[r];
        break;
      }
    // The secret: the rule's capture group, else the whole match.
    size_t sb = b, se = e;
    if (rule && rule->groups > 0) {
      db.subs.assign(static_cast<size_t>(rule->groups) + 1, re2::StringPiece());
      if (rule->re().Match(input, b, e, re2::RE2::ANCHOR_BOTH, db.subs.data(), rule->groups + 1)) {
        int pick = rule->secret_group;
        if (pick == 0)
          for (int k = 1; k <= rule->groups && pick == 0; ++k)
            if (db.subs[static_cast<size_t>(k)].data()) pick = k;
        const auto& s = db.subs[static_cast<size_t>(pick)];
        if (s.data()) {
          sb = static_cast<size_t>(s.data() - text.data());
          se = sb + s.size();
        }
      }
    }
    // Validators see the one text, as if it had been scanned alone.
    std::string_view one = text.substr(seg_begin, seg_end - seg_begin);
    size_t vb = sb - seg_begin, ve = se - seg_begin;
    if (!rule || !db.accept(*rule, one, b - seg_begin, e - seg_begin, vb, ve)) {
      // Where the secret began, or where a validator says no later start
      // can help: retrying one byte on would make a long rejected match
      // cost time quadratic in its length.
      retry_after(std::max(b + 1, std::min(vb + seg_begin, seg_end)));
      continue;
    }
    if (rule->by_name) rule = db.relabel(*rule, input, one, seg_begin, vb, ve);
    vb += seg_begin;
    ve += seg_begin;
    add_span(spans_, {vb, ve, rule->kind, static_cast<unsigned>(rule - db.rules.data())});
    // Every match starting inside this one is passed over.
    for (size_t k = next.size(); k-- > 0;)
      if (next[k].begin < e && !search(next[k], e)) next.erase(next.begin() + static_cast<long>(k));
  }
  // Whole strings that are secrets by their member name: when the gates
  // come from a record's text, which holds its names, only if it holds a
  // keyword of such a rule; else (the strings alone) always.
  bool members = !gates_of_may_match;
  for (unsigned r : db.member_rules) members = members || db.active[r];
  if (members && !names.empty()) {
    std::vector<Span> whole;
    for (size_t k = 0, b = 0; k < ends.size() && k < names.size(); b = ends[k++] + 1) {
      if (names[k].empty() || ends[k] == b) continue;
      int r = db.member_rule(names[k]);
      if (r < 0) continue;
      const auto& rule = db.rules[static_cast<size_t>(r)];
      std::string_view value = text.substr(b, ends[k] - b);
      size_t vb = 0, ve = value.size();
      if (!plausible_member_value(value) || !db.accept(rule, value, 0, ve, vb, ve)) continue;
      whole.push_back({b, ends[k], rule.kind, static_cast<unsigned>(r)});
    }
    if (!whole.empty()) {
      std::vector<Span> merged;
      std::merge(spans_.begin(), spans_.end(), whole.begin(), whole.end(), std::back_inserter(merged),
                 [](const Span& a, const Span& b) { return a.begin < b.begin; });
      spans_.clear();
      for (const Span& s : merged) add_span(spans_, s);
    }
  }
  return spans_.size();
}

void SecretScanner::apply(std::string_view text, std::string& out) const {
  size_t at = 0;
  for (const Span& s : spans_) {
    out.append(text.data() + at, s.begin - at);
    out.append(labels_[s.kind]);
    at = s.end;
  }
  out.append(text.data() + at, text.size() - at);
}

}  // namespace ndj
