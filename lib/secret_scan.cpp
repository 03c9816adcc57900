// Secret detection: the pattern table, the validators that turn regex
// candidates into confident matches, and the scan loop.
//
// All patterns are joined into one RE2 alternation and a string is searched
// once, left to right (RE2 runs automata: time linear in the text, whatever
// the pattern). Only at a match are the single patterns tried on the
// matched span to learn its kind. A validator may reject a match (Luhn,
// address syntax, context that says "version number"): the search resumes
// one byte after its start. It may also narrow it to the secret itself (the
// token after "Bearer ", the user:pass of a URL).
#include "secret_scan.hpp"

#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstring>

#include "diag.hpp"

namespace ndj {

namespace {

using Validator = bool (*)(std::string_view text, size_t& begin, size_t& end);

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool ends_with_word(std::string_view text, size_t at, std::string_view word) {
  // Skips separators such as "version: " or "ver=" before the candidate.
  while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == ':' || text[at - 1] == '=')) --at;
  if (at < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (lower(text[at - word.size() + i]) != word[i]) return false;
  return at == word.size() || !is_alnum(text[at - word.size() - 1]);
}

// "user:pass@host" is a URL's credentials (another kind), not an address.
bool valid_email(std::string_view t, size_t& b, size_t&) {
  return b == 0 || t[b - 1] != ':';
}

bool valid_ipv4(std::string_view t, size_t& b, size_t& e) {
  // 1.2.3.4.5 and "version 1.2.3.4" are versions, not addresses.
  if (b > 0 && (t[b - 1] == '.' || t[b - 1] == '-' || t[b - 1] == '_')) return false;
  if (e < t.size() && (t[e] == '-' || t[e] == '_')) return false;
  if (e + 1 < t.size() && t[e] == '.' && is_digit(t[e + 1])) return false;
  return !ends_with_word(t, b, "version") && !ends_with_word(t, b, "ver") &&
         !ends_with_word(t, b, "release") && !ends_with_word(t, b, "build");
}

bool valid_ipv6(std::string_view t, size_t& b, size_t& e) {
  if (b > 0 && (is_alnum(t[b - 1]) || t[b - 1] == ':' || t[b - 1] == '.')) return false;
  if (e < t.size() && (is_alnum(t[e]) || t[e] == ':')) return false;
  std::string_view cand = t.substr(b, e - b);
  if (cand.size() < 3 || cand.size() > 45) return false;
  // Words such as "bad::cafe" are valid addresses; real ones have digits.
  if (std::none_of(cand.begin(), cand.end(), is_digit)) return false;
  char buf[64];
  std::memcpy(buf, cand.data(), cand.size());
  buf[cand.size()] = '\0';
  unsigned char addr[16];
  return inet_pton(AF_INET6, buf, addr) == 1;
}

// The credential after the scheme word: tokens have digits or are long,
// unlike "Bearer authentication failed".
bool valid_bearer(std::string_view t, size_t& b, size_t& e) {
  size_t p = b;
  while (p < e && t[p] != ' ' && t[p] != '\t' && t[p] != '\n' && t[p] != '\r' && t[p] != '=') ++p;
  auto skip_blanks = [&] {
    while (p < e && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r' || t[p] == '=' ||
                     t[p] == '"' || t[p] == '\''))
      ++p;
  };
  skip_blanks();
  // "Authorization: Bearer X" keeps its scheme word too.
  if (e - p > 7 && lower(t[p]) == 'b' && lower(t[p + 1]) == 'e' && lower(t[p + 5]) == 'r' &&
      (t[p + 6] == ' ' || t[p + 6] == '\t')) {
    p += 6;
    skip_blanks();
  }
  if (p >= e) return false;
  std::string_view token = t.substr(p, e - p);
  if (e < t.size() && (is_alnum(t[e]) || t[e] == '-' || t[e] == '.' || t[e] == '_')) return false;
  if (std::none_of(token.begin(), token.end(), is_digit) && token.size() < 24) return false;
  b = p;
  return true;
}

// "aws_secret_access_key = XXXX": only the 40-character key is masked.
bool valid_aws_secret(std::string_view, size_t& b, size_t& e) {
  if (e - b < 40) return false;
  b = e - 40;
  return true;
}

// scheme://user:pass@host: the user:pass is masked, the rest kept.
bool valid_url_credentials(std::string_view t, size_t& b, size_t& e) {
  size_t p = t.find("://", b);
  if (p == std::string_view::npos || p + 3 >= e) return false;
  b = p + 3;
  --e;  // the '@'
  return e > b;
}

// A PEM block runs to its END line when it has one; a truncated block is
// masked to where the base64 stops.
bool valid_private_key(std::string_view t, size_t& b, size_t& e) {
  std::string_view body = t.substr(b, e - b);
  size_t end_line = body.find("-----END");
  if (end_line != std::string_view::npos) {
    size_t close = body.find("-----", end_line + 8);
    if (close != std::string_view::npos) e = b + close + 5;
  }
  return true;
}

bool card_prefix_and_length_ok(std::string_view d) {
  auto prefix = [&](size_t n) { return std::stoi(std::string(d.substr(0, n))); };
  size_t len = d.size();
  int p2 = prefix(2), p3 = prefix(3), p4 = prefix(4), p6 = prefix(6);
  // 13-digit Visa numbers are no longer issued, and 13 digits is the length
  // of every epoch-milliseconds timestamp.
  if (d[0] == '4') return len == 16 || len == 19;                                // Visa
  if ((p2 >= 51 && p2 <= 55) || (p6 >= 222100 && p6 <= 272099)) return len == 16;  // Mastercard
  if (p2 == 34 || p2 == 37) return len == 15;                                    // Amex
  if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65) return len >= 16;      // Discover
  if (p4 >= 3528 && p4 <= 3589) return len >= 16;                                // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39)
    return len >= 14 && len <= 16;                                               // Diners
  if (p2 == 62) return len >= 16;                                                // UnionPay
  if (p2 == 50 || (p2 >= 56 && p2 <= 58) || p2 == 63 || p2 == 67) return len >= 16;  // Maestro
  return false;
}

bool luhn_ok(std::string_view d) {
  int sum = 0;
  bool dbl = false;
  for (size_t i = d.size(); i-- > 0;) {
    int v = d[i] - '0';
    if (dbl && (v *= 2) > 9) v -= 9;
    sum += v;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

// Digits grouped as printed on cards (4-4-4-4, 4-6-5, ...) with one kind of
// separator, or no separator at all.
bool card_grouping_ok(std::string_view s) {
  char sep = 0;
  std::vector<size_t> groups{0};
  for (char c : s) {
    if (is_digit(c)) {
      ++groups.back();
    } else {
      if (sep && c != sep) return false;
      sep = c;
      groups.push_back(0);
    }
  }
  if (groups.size() == 1) return true;
  if (groups == std::vector<size_t>{4, 6, 5} || groups == std::vector<size_t>{4, 6, 4}) return true;
  for (size_t i = 0; i + 1 < groups.size(); ++i)
    if (groups[i] != 4) return false;
  return groups.back() >= 1 && groups.back() <= 4;
}

bool valid_card_at(std::string_view t, size_t b, size_t e) {
  std::string digits;
  for (size_t i = b; i < e; ++i)
    if (is_digit(t[i])) digits.push_back(t[i]);
  return digits.size() >= 13 && digits.size() <= 19 && card_grouping_ok(t.substr(b, e - b)) &&
         card_prefix_and_length_ok(digits) && luhn_ok(digits);
}

// The leftmost start Vectorscan reports may include digits that are not
// part of the card ("order 12 4111 1111 1111 1111"): every group start is
// tried. Decimals, dotted versions and dash-joined ids are not cards.
bool valid_credit_card(std::string_view t, size_t& b, size_t& e) {
  if (e < t.size() && (t[e] == '.' || t[e] == '-' || t[e] == '_') && e + 1 < t.size() &&
      is_alnum(t[e + 1]))
    return false;
  for (size_t p = b; p + 13 <= e; ++p) {
    if (!is_digit(t[p]) || (p > b && is_digit(t[p - 1]))) continue;
    if (p > 0 && (t[p - 1] == '.' || t[p - 1] == '_' ||
                  (t[p - 1] == '-' && p > 1 && is_alnum(t[p - 2]))))
      continue;
    if (valid_card_at(t, p, e)) {
      b = p;
      return true;
    }
  }
  return false;
}

struct BuiltinPattern {
  const char* kind;
  const char* regex;
  Validator validate;
};

// Every pattern is anchored on word boundaries or literal prefixes so that
// hex ids, version numbers, UUIDs and timestamps do not match.
const BuiltinPattern kBuiltins[] = {
    {"email", R"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b)", valid_email},
    {"ipv4",
     R"(\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b)",
     valid_ipv4},
    {"ipv6", R"((?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4})", valid_ipv6},
    {"ipv6",
     R"((?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)",
     valid_ipv6},
    {"jwt", R"(\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)", nullptr},
    {"bearer", R"((?i)\b(?:bearer|basic)[ \t]+[A-Za-z0-9._~+/-]{8,}=*)", valid_bearer},
    {"bearer",
     R"((?i)\b(?:access_token|id_token|refresh_token|authorization)["']?[ \t]*[=:][ \t]*["']?(?:bearer[ \t]+)?[A-Za-z0-9._~+/-]{8,}=*)",
     valid_bearer},
    {"aws-key", R"(\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b)",
     nullptr},
    {"aws-key",
     R"((?i)\baws_?secret_?(?:access_?)?key["']?[ \t]*[=:][ \t]*["']?[A-Za-z0-9/+]{40}\b)",
     valid_aws_secret},
    {"github-token", R"(\bgh[pousr]_[A-Za-z0-9]{36,}\b)", nullptr},
    {"github-token", R"(\bgithub_pat_[A-Za-z0-9_]{22,}\b)", nullptr},
    {"slack-token", R"(\bxox[abposr]-[A-Za-z0-9-]{10,})", nullptr},
    {"slack-token", R"(https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,})", nullptr},
    {"private-key", R"(-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s:,.-]*)",
     valid_private_key},
    {"url-credentials", R"(\b[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s/?#@:"]+:[^\s/?#@"]*@)",
     valid_url_credentials},
    {"credit-card", R"(\b[0-9](?:[ -]?[0-9]){12,18}\b)", valid_credit_card},
};

}  // namespace

const std::vector<std::string>& builtin_secret_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> v;
    for (const auto& p : kBuiltins)
      if (std::find(v.begin(), v.end(), p.kind) == v.end()) v.push_back(p.kind);
    return v;
  }();
  return kinds;
}

struct SecretScanner::Database {
  std::unique_ptr<re2::RE2> any;                // every pattern, one alternation
  std::vector<std::unique_ptr<re2::RE2>> each;  // pattern id -> its own regex
  std::vector<unsigned> kind_of;                // pattern id -> kind index
  std::vector<Validator> validator_of;          // pattern id -> validator (may be null)
};

namespace {

re2::RE2::Options regex_options() {
  re2::RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(int64_t{32} << 20);  // DFA budget: 16M thrashes on --mask all
  return o;
}

}  // namespace

SecretScanner::SecretScanner(const std::vector<std::string>& kinds, const std::vector<UserPattern>& user)
    : db_(std::make_unique<Database>()) {
  std::vector<std::string> wanted;
  for (const auto& k : kinds) {
    if (k == "all") {
      wanted = builtin_secret_kinds();
      continue;
    }
    const auto& all = builtin_secret_kinds();
    if (std::find(all.begin(), all.end(), k) == all.end())
      throw Error(kExitUsage, "unknown mask kind '" + k + "'");
    if (std::find(wanted.begin(), wanted.end(), k) == wanted.end()) wanted.push_back(k);
  }
  auto kind_index = [&](const std::string& name) {
    std::string label = "[REDACTED:" + name + "]";
    auto it = std::find(names_.begin(), names_.end(), label);
    if (it != names_.end()) return static_cast<unsigned>(it - names_.begin());
    names_.push_back(label);
    return static_cast<unsigned>(names_.size() - 1);
  };
  std::string joined;
  auto add = [&](const std::string& regex, unsigned kind, Validator v) {
    db_->each.push_back(std::make_unique<re2::RE2>(regex, regex_options()));
    db_->kind_of.push_back(kind);
    db_->validator_of.push_back(v);
    if (!joined.empty()) joined += '|';
    joined += "(?:" + regex + ")";
  };
  for (const auto& p : kBuiltins)
    if (std::find(wanted.begin(), wanted.end(), p.kind) != wanted.end())
      add(p.regex, kind_index(p.kind), p.validate);
  for (const auto& u : user) {
    re2::RE2 alone(u.regex, regex_options());
    if (!alone.ok()) throw Error(kExitUsage, "--mask-regex " + u.name + ": " + alone.error());
    if (u.regex.find("\\A") != std::string::npos || u.regex.find("\\z") != std::string::npos)
      throw Error(kExitUsage, "--mask-regex " + u.name + ": \\A and \\z are not supported (use ^ and $)");
    // Strings are scanned together, one per line: ^ and $ are line anchors.
    add("(?m:" + u.regex + ")", kind_index(u.name), nullptr);
    const re2::RE2& re = *db_->each.back();
    if (re2::RE2::FullMatch("", re))
      throw Error(kExitUsage, "--mask-regex " + u.name + ": matches the empty string");
  }
  if (db_->each.empty()) throw Error(kExitUsage, "no mask patterns");
  for (const auto& re : db_->each)
    if (!re->ok()) throw Error(kExitFailure, "mask pattern: " + re->error());
  db_->any = std::make_unique<re2::RE2>(joined, regex_options());
  if (!db_->any->ok()) throw Error(kExitUsage, "mask patterns: " + db_->any->error());
}

SecretScanner::~SecretScanner() = default;

size_t SecretScanner::scan(std::string_view text) {
  return scan_joined(text, {text.size()});
}

size_t SecretScanner::scan_joined(std::string_view text, const std::vector<size_t>& ends) {
  spans_.clear();
  const re2::RE2& any = *db_->any;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece m;
  size_t at = 0, seg = 0, seg_begin = 0;
  while (at < text.size() && any.Match(input, at, text.size(), re2::RE2::UNANCHORED, &m, 1)) {
    size_t b = static_cast<size_t>(m.data() - text.data());
    size_t e = b + m.size();
    while (seg < ends.size() && ends[seg] <= b) seg_begin = ends[seg++] + 1;
    if (seg == ends.size()) break;
    size_t seg_end = ends[seg];
    if (e > seg_end) {
      // Across a text's end: what the text alone holds at b, if anything.
      if (!any.Match(input, b, seg_end, re2::RE2::ANCHOR_START, &m, 1)) {
        at = b + 1;
        continue;
      }
      e = b + m.size();
    }
    if (e == b) {  // an empty match (a user pattern such as \b) masks nothing
      at = b + 1;
      continue;
    }
    size_t id = 0;
    while (id < db_->each.size() &&
           !db_->each[id]->Match(input, b, e, re2::RE2::ANCHOR_BOTH, nullptr, 0))
      ++id;
    // Validators see the one text, as if it had been scanned alone.
    std::string_view one = text.substr(seg_begin, seg_end - seg_begin);
    size_t vb = b - seg_begin, ve = e - seg_begin;
    Validator v = id < db_->each.size() ? db_->validator_of[id] : nullptr;
    if (id == db_->each.size() || (v && !v(one, vb, ve)) || ve <= vb) {
      at = b + 1;
      continue;
    }
    vb += seg_begin;
    ve += seg_begin;
    if (!spans_.empty() && spans_.back().end > vb) {
      spans_.back().end = std::max(spans_.back().end, ve);
    } else {
      spans_.push_back({vb, ve, db_->kind_of[id]});
    }
    at = e;
  }
  return spans_.size();
}

void SecretScanner::apply(std::string_view text, std::string& out) const {
  size_t at = 0;
  for (const Span& s : spans_) {
    out.append(text.data() + at, s.begin - at);
    out.append(names_[s.kind]);
    at = s.end;
  }
  out.append(text.data() + at, text.size() - at);
}

}  // namespace ndj
