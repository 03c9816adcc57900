// The built-in rule table of ndj-redact --mask and the validators that
// turn regex candidates into confident matches (Luhn and issuer prefixes,
// IBAN mod-97, address syntax, context that says "version number",
// placeholders that are not credentials).
//
// To add a secret family: one row in kRules (id as gitleaks names it, the
// kind --mask selects, keywords every match holds, the regex with the
// secret in a capture group, a validator if the regex alone is not
// precise), a sample in tests/unit/redact/test_secret_rules.cpp, values in
// the labelled set (tests/data/redact/labelled.py) and a line in the man
// page (tests check that every rule has its example there).
#include "redact/secret_rules.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <initializer_list>

#include "json/json_text.hpp"
#include "redact/ascii.hpp"

namespace ndj {

namespace {

using namespace ascii;

bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }


// The word (letters only) that ends right before t[at], skipping
// separators such as "version: " or "ver=".
std::string_view word_before(std::string_view t, size_t at) {
  while (at > 0 && (t[at - 1] == ' ' || t[at - 1] == ':' || t[at - 1] == '=' || t[at - 1] == '\t' ||
                    t[at - 1] == '(' || t[at - 1] == '"' || t[at - 1] == '\'')) --at;
  size_t b = at;
  while (b > 0 && is_alpha(t[b - 1])) --b;
  return t.substr(b, at - b);
}

bool word_before_is(std::string_view t, size_t at, std::initializer_list<std::string_view> words) {
  std::string_view w = word_before(t, at);
  for (auto word : words)
    if (equals_folded(w, word)) return true;
  return false;
}

// The token after the match continues: the match was a piece of a longer
// word or id.
bool continues(std::string_view t, size_t e) { return e < t.size() && is_token_char(t[e]); }

bool whole_token(std::string_view t, size_t& b, size_t& e) {
  return (b == 0 || !is_token_char(t[b - 1])) && !continues(t, e);
}

// --- e-mail ---------------------------------------------------------------

// "user:pass@host" is masked as an address too when the URL pattern is
// not in use: the password must not leak. A query key glued on by '=',
// which the local part may hold ("email=bob@example.com"), is kept.
bool valid_email(std::string_view t, size_t& b, size_t& e) {
  size_t at = t.find('@', b);
  // What follows the '@' decides for every start before it: a rejection
  // resumes after it.
  auto reject = [&] {
    b = at + 1;
    return false;
  };
  if (e < t.size() && (is_alnum(t[e]) || static_cast<unsigned char>(t[e]) >= 0x80)) return reject();
  // systemd template units (getty@tty1.service), gettext files (sr@latin.po).
  std::string_view tld = t.substr(b, e - b);
  tld.remove_prefix(tld.rfind('.') + 1);
  for (std::string_view unit : {"service", "socket", "timer", "target", "mount", "automount", "path", "slice",
                                "scope", "device", "swap", "po", "pot", "header"})
    if (equals_folded(tld, unit)) return reject();
  size_t eq = t.find('=', b);
  if (eq < at) {
    std::string_view key = t.substr(b, eq - b);
    for (std::string_view k : {"email", "mail", "e-mail", "user", "username", "login", "to", "from", "cc", "bcc",
                               "address", "recipient", "sender", "owner", "author", "account", "id"})
      if (equals_folded(key, k)) {
        b = eq + 1;
        return b < at;
      }
  }
  return true;
}

// --- IP addresses -----------------------------------------------------------

// Words that say the dotted quad next to them is an address: strong ones
// ("host 1.2.3.4", "1.2.3.4:80") and weak ones ("to 1.2.3.4"), which a
// version word nearby overrules ("Standards-Version to 3.7.2.0").
int ip_context(std::string_view t, size_t b, size_t e) {
  if (b > 0 && (t[b - 1] == '@' || t[b - 1] == '/' || t[b - 1] == '[')) return 2;
  if (e + 1 < t.size() && (t[e] == ':' || t[e] == '/' || t[e] == ']') && is_digit(t[e + 1])) return 2;
  if (t.substr(e, 6) == " port ") return 2;
  // Ranges no version number uses: loopback, private, link-local, "any".
  std::string_view q = t.substr(b, e - b);
  if (q.starts_with("127.") || q.starts_with("192.168.") || q.starts_with("169.254.") || q == "0.0.0.0" ||
      (q.starts_with("172.") && q.size() > 7 && q[6] == '.' && q.substr(4, 2) >= "16" && q.substr(4, 2) <= "31"))
    return 2;
  if (word_before_is(t, b, {"ip", "ips", "ipv", "addr", "address", "host", "hostname", "server", "client", "peer",
                            "remote", "src", "dst", "source", "destination", "gateway", "gw", "dns", "nameserver",
                            "resolver", "bind", "listen", "listening", "connect", "connecting", "connected", "inet",
                            "route", "proxy", "endpoint", "node", "upstream", "forwarded", "origin", "subnet",
                            "mask", "netmask", "broadcast", "ping", "ssh", "telnet", "localhost"}))
    return 2;
  return word_before_is(t, b, {"from", "to", "on", "at", "via", "for", "by"}) ? 1 : 0;
}

// A version word earlier in the same clause ("Standards-Version to
// 3.7.2.0", "upgrade glibc to 2.3.6.1").
bool version_nearby(std::string_view t, size_t b) {
  size_t from = b > 40 ? b - 40 : 0;
  std::string window;
  for (size_t i = from; i < b; ++i) {
    char c = t[i];
    if (c == '(' || c == ')' || c == ',' || c == ';' || c == '\n' || c == '|') window.clear();
    else window.push_back(lower(c));
  }
  for (std::string_view w : {"version", "upgrade", "update", "bump", "release"})
    if (window.find(w) != std::string::npos) return true;
  return false;
}

bool valid_ipv4(std::string_view t, size_t& b, size_t& e) {
  // 1.2.3.4.5, app-1.2.3.4 and 1.2.3.4-rc1 are versions, not addresses.
  if (b > 0 && (t[b - 1] == '.' || t[b - 1] == '-' || t[b - 1] == '_' || t[b - 1] == '~' || t[b - 1] == '+'))
    return false;
  if (e < t.size() && (t[e] == '-' || t[e] == '_' || t[e] == '~' || t[e] == '+')) return false;
  if (e + 1 < t.size() && t[e] == '.' && is_digit(t[e + 1])) return false;
  // An epoch ("1:1.0.99.4") or a relation (">= 4.8.6.3") of a package
  // version.
  if (b > 1 && t[b - 1] == ':' && is_digit(t[b - 2])) return false;
  size_t p = b;
  while (p > 0 && t[p - 1] == ' ') --p;
  if (p > 0 && (t[p - 1] == '>' || t[p - 1] == '<' || t[p - 1] == '=') && p > 1 &&
      (t[p - 2] == '>' || t[p - 2] == '<' || t[p - 2] == '='))
    return false;
  if (word_before_is(t, b, {"version", "versions", "ver", "v", "release", "released", "build", "revision", "rev",
                            "tag", "oid", "kernel", "linux", "firmware", "policy"}))
    return false;
  int context = ip_context(t, b, e);
  if (context < 2 && version_nearby(t, b)) return false;
  // "debianutils (4.8.6.3)": a package name, then its version in brackets.
  if (context < 2 && b > 1 && t[b - 1] == '(' && e < t.size() && t[e] == ')') return false;
  // Versions are 0.x to 9.x ("3.23.91.1", "Git 1.6.2.5 (", "JVM
  // 1.8.0.60"): an address that starts with one digit needs a sign that it
  // is one ("dns 8.8.8.8", "1.2.3.4:80", "ip=5.6.7.8"), or to be a string
  // of its own (a field's value), or to start an access-log line.
  if (e - b >= 7 && t[b + 1] == '.') {
    if (t[b] == '0' && t.substr(b, e - b) != "0.0.0.0") return false;  // "this network", a version 0.x
    bool alone = b == 0 && e == t.size();
    bool access_log = b == 0 && t.substr(e, 3) == " - " && !(e + 3 < t.size() && is_digit(t[e + 3]));
    if (context == 0 && !alone && !access_log) return false;
  }
  // A heading: "3.7.91.1 (2013-03-05)", "2.39.90.1:" at the end.
  if (context < 2 && t.substr(e, 2) == " (" && e + 2 < t.size() && is_digit(t[e + 2])) return false;
  if (context < 2 && e + 1 == t.size() && t[e] == ':') return false;
  // Object identifiers of X.500 names (2.5.4.3, 2.5.29.17).
  return !(t.substr(b, 4) == "2.5." && context < 2);
}

bool valid_ipv6(std::string_view t, size_t& b, size_t& e) {
  if (b > 0 && (is_alnum(t[b - 1]) || t[b - 1] == ':' || t[b - 1] == '.')) return false;
  if (e < t.size() && (is_alnum(t[e]) || t[e] == ':')) return false;
  // "::1:1.1" (an X display) and "::ffff:127" of a longer address.
  if (e + 1 < t.size() && t[e] == '.' && is_digit(t[e + 1])) return false;
  std::string_view cand = t.substr(b, e - b);
  if (cand.size() < 3 || cand.size() > 45) return false;
  // Words such as "bad::cafe" are valid addresses; real ones have digits.
  if (std::none_of(cand.begin(), cand.end(), is_digit)) return false;
  // "2000::" after a date, "fe80::" alone: a prefix, not an address.
  if (cand.size() > 2 && cand.substr(cand.size() - 2) == "::" &&
      std::count(cand.begin(), cand.end(), ':') == 2)
    return false;
  // 2:4:6:8:10:12:14:16 is a list; addresses without a letter have a
  // group of three or four digits (2001:4860::8888) or start with "::".
  if (cand.substr(0, 2) != "::" && std::none_of(cand.begin(), cand.end(), is_alpha)) {
    bool wide = false;
    size_t run = 0;
    for (char c : cand) {
      run = is_digit(c) ? run + 1 : 0;
      wide = wide || run >= 3;
    }
    if (!wide) return false;
  }
  char buf[64];
  std::memcpy(buf, cand.data(), cand.size());
  buf[cand.size()] = '\0';
  unsigned char addr[16];
  return inet_pton(AF_INET6, buf, addr) == 1;
}

// Six hex pairs, one kind of separator; not a piece of a longer chain (a
// key fingerprint) and not the placeholder aa:bb:cc:dd:ee:ff.
bool valid_mac(std::string_view t, size_t& b, size_t& e) {
  char sep = t[b + 2];
  for (size_t i = b + 2; i < e; i += 3)
    if (t[i] != sep) return false;
  if (b > 0 && (is_hex(t[b - 1]) || t[b - 1] == sep || t[b - 1] == '.')) return false;
  if (e < t.size() && (is_hex(t[e]) || t[e] == sep || t[e] == '.')) return false;
  std::string_view cand = t.substr(b, e - b);
  return std::any_of(cand.begin(), cand.end(), is_digit) && std::any_of(cand.begin(), cand.end(), is_alpha);
}

// A number of its own: after a space, a bracket, a quote or an operator,
// not inside a version ("1:10~+20191229111838+6991d57").
bool valid_phone(std::string_view t, size_t& b, size_t& e) {
  if (b > 0 && !std::strchr(" \t\n([{<\"'=:,;", t[b - 1])) return false;
  return !(e < t.size() && (is_alnum(t[e]) || std::strchr(".-+~_/", t[e])));
}

bool placeholder(std::string_view v);

// scheme://user:password@host: not the documentation's "user:pass".
bool valid_url_credentials(std::string_view t, size_t& b, size_t& e) {
  std::string_view cred = t.substr(b, e - b);
  size_t colon = cred.find(':');
  std::string_view pass = cred.substr(colon + 1);
  for (std::string_view w : {"pass", "password", "passwd", "pwd", "pw", "secret", "passphrase"})
    if (equals_folded(pass, w)) return false;
  return !placeholder(pass) || pass.empty();
}

// --- IBAN -------------------------------------------------------------------

// The length of an IBAN by its country (ISO 13616 registry); 0: unknown.
size_t iban_length(char a, char b) {
  static constexpr std::pair<const char*, int> kLengths[] = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
      {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28},
      {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23},
      {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
      {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
      {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18},
      {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24},
      {"SC", 31}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24},
      {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}};
  for (const auto& [cc, len] : kLengths)
    if (cc[0] == a && cc[1] == b) return static_cast<size_t>(len);
  return 0;
}

// The country's length, in groups of four when spaced, and mod 97 == 1.
bool valid_iban(std::string_view t, size_t& b, size_t& e) {
  if (b > 0 && is_alnum(t[b - 1])) return false;
  size_t want = iban_length(t[b], t[b + 1]);
  if (want == 0) return false;
  std::string chars;
  size_t end = b;
  for (size_t i = b; i < e && chars.size() < want; ++i) {
    if (t[i] == ' ') {
      if (chars.size() % 4 != 0) return false;
      continue;
    }
    chars.push_back(t[i]);
    end = i + 1;
  }
  if (chars.size() != want || (end < t.size() && is_alnum(t[end]))) return false;
  unsigned rem = 0;
  std::string moved = chars.substr(4) + chars.substr(0, 4);
  for (char c : moved) {
    unsigned v = is_digit(c) ? static_cast<unsigned>(c - '0') : static_cast<unsigned>(c - 'A' + 10);
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  if (rem != 1) return false;
  e = end;
  return true;
}

// --- payment cards ------------------------------------------------------------

bool card_prefix_and_length_ok(std::string_view d) {
  auto prefix = [&](size_t n) { return std::stoi(std::string(d.substr(0, n))); };
  size_t len = d.size();
  int p2 = prefix(2), p3 = prefix(3), p4 = prefix(4), p6 = prefix(6);
  // 13-digit Visa numbers are no longer issued, and 13 digits is the length
  // of every epoch-milliseconds timestamp.
  if (d[0] == '4') return len == 16 || len == 19;                                   // Visa
  if ((p2 >= 51 && p2 <= 55) || (p6 >= 222100 && p6 <= 272099)) return len == 16;  // Mastercard
  if (p2 == 34 || p2 == 37) return len == 15;                                       // Amex
  if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65) return len == 16 || len == 19;  // Discover
  if (p4 >= 3528 && p4 <= 3589) return len == 16 || len == 19;                      // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 == 36) return len == 14;                       // Diners
  if (p2 == 62) return len >= 16 && len <= 19;                                      // UnionPay
  if (p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 || p4 == 6304 || p4 == 6759 || p4 == 6761 ||
      p4 == 6762 || p4 == 6763)
    return len >= 16 && len <= 19;                                                  // Maestro
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
  return digits.size() >= 14 && digits.size() <= 19 && card_grouping_ok(t.substr(b, e - b)) &&
         card_prefix_and_length_ok(digits) && luhn_ok(digits);
}

// Numbers in a list ("3848 4488 5128 5768 6408"), a path or an anchor
// (/5390364397928448, #4111...), decimals, dotted versions and dash-joined
// ids are not cards. The leftmost start the regex reports may include
// digits that are not part of the card ("order 12 4111 1111 1111 1111"):
// every group start is tried.
bool valid_credit_card(std::string_view t, size_t& b, size_t& e) {
  if (e < t.size() && (t[e] == '.' || t[e] == '-' || t[e] == '_' || t[e] == '/') && e + 1 < t.size() &&
      is_alnum(t[e + 1]))
    return false;
  if (e + 1 < t.size() && (t[e] == ' ' || t[e] == ',') && is_digit(t[e + 1])) return false;
  for (size_t p = b; p + 14 <= e; ++p) {
    if (!is_digit(t[p]) || (p > b && is_digit(t[p - 1]))) continue;
    if (p > 0 && (t[p - 1] == '.' || t[p - 1] == '_' || t[p - 1] == '/' || t[p - 1] == '#' ||
                  (t[p - 1] == '-' && p > 1 && is_alnum(t[p - 2]))))
      continue;
    if (p > 1 && p == b && (t[p - 1] == ' ' || t[p - 1] == ',') && is_digit(t[p - 2])) continue;
    if (valid_card_at(t, p, e)) {
      b = p;
      return true;
    }
  }
  return false;
}

// --- credentials by name ------------------------------------------------------

// Values that stand for a credential without being one: empty, masked
// already, a variable, a template, a placeholder in capitals or brackets.
bool placeholder(std::string_view v) {
  if (v.empty()) return true;
  if (std::all_of(v.begin(), v.end(), [&](char c) { return c == v[0]; })) return true;  // ****, xxxx
  char f = v[0];
  if (f == '$' || f == '<' || f == '%' || f == '{' || f == '[' || f == '(' || f == '@') return true;
  if (std::all_of(v.begin(), v.end(), [](char c) { return is_upper(c) || c == '_' || c == '-'; })) return true;
  for (std::string_view w : {"null", "none", "nil", "true", "false", "undefined", "required", "optional",
                             "redacted", "hidden", "string", "empty", "unset", "omitted", "masked"})
    if (equals_folded(v, w)) return true;
  if (v.find("REDACTED") != std::string_view::npos || v.find("...") != std::string_view::npos) return true;
  return false;
}

bool has_digit_or_symbol(std::string_view v) {
  return std::any_of(v.begin(), v.end(), [](char c) { return !is_alpha(c); });
}

// The value of "key = value", "key: value", "--key value". Prose after
// "password: " or "--password " (a word without digits or symbols) is not
// a credential; a quoted value is, whatever it holds.
bool valid_assignment(std::string_view t, size_t& b, size_t& e) {
  std::string_view v = t.substr(b, e - b);
  if (placeholder(v) || v.size() > 256) return false;
  // "$PWD:/bin" expands a variable; it assigns nothing.
  size_t k = b;
  while (k > 0 && std::strchr(" \t\"'=:>", t[k - 1])) --k;
  while (k > 0 && (is_alnum(t[k - 1]) || t[k - 1] == '_' || t[k - 1] == '.' || t[k - 1] == '-')) --k;
  if (k > 0 && t[k - 1] == '$') return false;
  bool quoted = b > 0 && (t[b - 1] == '"' || t[b - 1] == '\'');
  if (quoted) return true;
  bool spaced = b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t');
  return !spaced || has_digit_or_symbol(v);
}

// --- tokens -------------------------------------------------------------------

bool base64_decode_has_colon(std::string_view s) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (is_digit(c)) return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  unsigned acc = 0;
  int bits = 0;
  bool colon = false;
  for (char c : s) {
    if (c == '=') break;
    int v = value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      auto byte = static_cast<unsigned char>((acc >> bits) & 0xff);
      if (byte == ':') colon = true;
      else if (byte < 0x20 || byte == 0x7f) return false;  // not text
    }
  }
  return colon;
}

// "Basic X": X is base64 of "user:password".
bool valid_basic(std::string_view t, size_t& b, size_t& e) {
  return !continues(t, e) && e - b >= 4 && base64_decode_has_colon(t.substr(b, e - b));
}

// "Bearer X", "access_token=X": a token holds a digit (and is at least 6
// characters long) or is a long run of mixed-case token characters; not
// "Bearer authentication failed".
bool valid_token(std::string_view t, size_t& b, size_t& e) {
  if (e < t.size() && (is_alnum(t[e]) || t[e] == '-' || t[e] == '.' || t[e] == '_')) return false;
  std::string_view v = t.substr(b, e - b);
  if (placeholder(v)) return false;
  bool digit = std::any_of(v.begin(), v.end(), is_digit);
  bool upper = std::any_of(v.begin(), v.end(), is_upper);
  bool lower_case = std::any_of(v.begin(), v.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  return (digit && v.size() >= 6) || (v.size() >= 20 && upper && lower_case && v.find('/') == std::string_view::npos);
}

bool valid_docker_auth(std::string_view t, size_t& b, size_t& e) {
  return e - b >= 8 && base64_decode_has_colon(t.substr(b, e - b));
}

// A fixed-length secret (40 characters of an AWS secret key) not followed
// by more of its alphabet.
bool valid_aws_secret(std::string_view t, size_t&, size_t& e) {
  return !(e < t.size() && (is_alnum(t[e]) || t[e] == '/' || t[e] == '+' || t[e] == '='));
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

// Bot tokens stand alone or after "bot" in an API URL.
bool valid_telegram(std::string_view t, size_t& b, size_t& e) {
  bool after_bot = b >= 3 && equals_folded(t.substr(b - 3, 3), "bot");
  return (b == 0 || !is_token_char(t[b - 1]) || after_bot) && !continues(t, e) &&
         !(b > 0 && is_digit(t[b - 1]));
}

// Keyword-gated high-entropy values: letters and digits both.
bool valid_generic(std::string_view t, size_t& b, size_t& e) {
  std::string_view v = t.substr(b, e - b);
  return !placeholder(v) && v.size() <= 150 && std::any_of(v.begin(), v.end(), is_digit) &&
         std::any_of(v.begin(), v.end(), is_alpha) && !continues(t, e);
}

// The assignment part shared by credentials found by their name: the key
// (optionally quoted), the operator, the value quoted or bare.
#define ASSIGN R"(["']?[ \t]*(?:=|:=|:|=>)[ \t]*)"
#define VALUE R"re((?:"([^"\r\n]+)"|'([^'\r\n]+)'|([^\s"',;&]+)))re"

struct Row {
  const char* id;
  const char* kind;
  const char* keywords;  // '|' between them
  unsigned shapes;
  const char* regex;
  SecretValidator validate;
  const char* members;   // normalized member names, '|' between; "*x": any name ending in x
  const char* example;   // a text the rule masks (shown in the man page)
  double entropy = 0;
  bool in_all = true;
  bool by_name = false;
};

// The table. Order is priority: at the same start, the earlier rule wins,
// so vendor formats come before credentials found by name, and those
// before addresses and numbers.
const Row kRules[] = {
    {"private-key", "private-key", "-----BEGIN", 0,
     R"(-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s:,.\\-]*)", valid_private_key, "",
     "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow...\\n-----END RSA PRIVATE KEY-----"},
    {"jwt", "jwt", "eyJ", 0, R"(\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)", nullptr, "",
     "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"},
    {"url-credentials", "url-credentials", "://", kShapeAt,
     R"(\b[A-Za-z][A-Za-z0-9+.-]{1,20}://([^\s/?#@:"]*:[^\s/?#"]*[^\s/?#"@]|[^\s/?#@:"]+:)@)", valid_url_credentials, "",
     "postgres://app:hunter2@db:5432/app, redis://:p4ss@cache:6379"},
    {"aws-access-token", "aws-key", "AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA|A3T", 0,
     R"(\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b)", nullptr, "",
     "AKIAIOSFODNN7EXAMPLE"},
    {"aws-secret-access-key", "aws-key", "aws|secretaccesskey", 0,
     R"((?i)\b(?:aws_?secret_?(?:access_?)?key|secretaccesskey)["']?[ \t]*(?:=|:|=>)[ \t]*["']?([A-Za-z0-9/+]{40}))",
     valid_aws_secret, "awssecretaccesskey|secretaccesskey|awssecretkey",
     "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, \"SecretAccessKey\": \"...\""},
    {"github-pat", "github-token", "ghp_", 0, R"(\bghp_[A-Za-z0-9]{36,}\b)", nullptr, "", "ghp_ + 36"},
    {"github-oauth", "github-token", "gho_", 0, R"(\bgho_[A-Za-z0-9]{36,}\b)", nullptr, "", "gho_ + 36"},
    {"github-app-token", "github-token", "ghu_|ghs_", 0, R"(\bgh[us]_[A-Za-z0-9]{36,}\b)", nullptr, "",
     "ghu_ or ghs_ + 36"},
    {"github-refresh-token", "github-token", "ghr_", 0, R"(\bghr_[A-Za-z0-9]{36,}\b)", nullptr, "", "ghr_ + 36"},
    {"github-fine-grained-pat", "github-token", "github_pat_", 0, R"(\bgithub_pat_[A-Za-z0-9_]{22,}\b)", nullptr,
     "", "github_pat_ + 82"},
    {"gitlab-pat", "gitlab-token", "glpat-", 0, R"(\bglpat-[0-9A-Za-z_.-]{20,})", whole_token, "", "glpat- + 20"},
    {"gitlab-ptt", "gitlab-token", "glptt-", 0, R"(\bglptt-[0-9a-f]{40}\b)", nullptr, "", "glptt- + 40 hex"},
    {"gitlab-rrt", "gitlab-token", "GR1348941", 0, R"(\bGR1348941[0-9A-Za-z_-]{20,})", whole_token, "",
     "GR1348941 + 20"},
    {"gitlab-runner-token", "gitlab-token", "glrt-", 0, R"(\bglrt-[0-9A-Za-z_.-]{20,})", whole_token, "",
     "glrt- + 20"},
    {"gitlab-deploy-token", "gitlab-token", "gldt-", 0, R"(\bgldt-[0-9A-Za-z_-]{20,})", whole_token, "",
     "gldt- + 20"},
    {"gitlab-cicd-job-token", "gitlab-token", "glcbt-", 0, R"(\bglcbt-(?:[0-9a-z]{1,5}_)?[0-9A-Za-z_-]{20,})",
     whole_token, "", "glcbt- + 20"},
    {"gitlab-feed-token", "gitlab-token", "glft-", 0, R"(\bglft-[0-9A-Za-z_-]{20,})", whole_token, "",
     "glft- + 20"},
    {"gitlab-oauth-app-secret", "gitlab-token", "gloas-", 0, R"(\bgloas-[0-9A-Za-z_-]{20,})", whole_token, "",
     "gloas- + 64"},
    {"gitlab-incoming-mail-token", "gitlab-token", "glimt-", 0, R"(\bglimt-[0-9A-Za-z_-]{25,})", whole_token, "",
     "glimt- + 25"},
    {"gitlab-kubernetes-agent-token", "gitlab-token", "glagent-", 0, R"(\bglagent-[0-9A-Za-z_-]{20,})",
     whole_token, "", "glagent- + 50"},
    {"gitlab-scim-token", "gitlab-token", "glsoat-", 0, R"(\bglsoat-[0-9A-Za-z_-]{20,})", whole_token, "",
     "glsoat- + 20"},
    {"gitlab-feature-flag-client-token", "gitlab-token", "glffct-", 0, R"(\bglffct-[0-9A-Za-z_-]{20,})",
     whole_token, "", "glffct- + 20"},
    {"slack-bot-token", "slack-token", "xoxb-", 0, R"(\bxoxb-[0-9A-Za-z-]{10,})", nullptr, "",
     "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"},
    {"slack-user-token", "slack-token", "xoxp-|xoxe", 0, R"(\bxox(?:p|e(?:\.xox[bp])?)-[0-9A-Za-z-]{10,})", nullptr,
     "", "xoxp-..., xoxe.xoxp-..."},
    {"slack-legacy-token", "slack-token", "xoxa-|xoxo-|xoxs-|xoxr-", 0, R"(\bxox[aors]-[0-9A-Za-z-]{10,})", nullptr,
     "", "xoxa-, xoxo-, xoxs-, xoxr-"},
    {"slack-app-token", "slack-token", "xapp-", 0, R"(\bxapp-[0-9]-[A-Z0-9]+-[0-9]+-[A-Za-z0-9]+)", nullptr, "",
     "xapp-1-A0123456789-1234567890123-abcdef0123"},
    {"slack-webhook-url", "slack-token", "hooks.slack.com", 0,
     R"((?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_+-]{20,})", nullptr, "",
     "https://hooks.slack.com/services/T<id>/B<id>/<24 characters>"},
    {"stripe-access-token", "stripe-key", "sk_live_|sk_test_|sk_prod_|rk_live_|rk_test_|rk_prod_", 0,
     R"(\b[rs]k_(?:live|test|prod)_[0-9A-Za-z]{10,99}\b)", nullptr, "", "sk_live_ or rk_live_ + 24"},
    {"stripe-webhook-secret", "stripe-key", "whsec_", 0, R"(\bwhsec_[0-9A-Za-z+/=]{24,})", whole_token, "",
     "whsec_ + 32"},
    {"gcp-api-key", "google-key", "AIza", 0, R"(\bAIza[0-9A-Za-z_-]{35})", whole_token, "", "AIza + 35"},
    {"gcp-oauth-client-secret", "google-key", "GOCSPX-", 0, R"(\bGOCSPX-[0-9A-Za-z_-]{28})", whole_token, "",
     "GOCSPX- + 28"},
    {"azure-storage-account-key", "azure-key", "accountkey=", 0, R"((?i)\bAccountKey=([A-Za-z0-9+/]{40,}={0,2}))",
     nullptr, "", "AccountKey=<88 base64 characters>"},
    {"azure-sas-token", "azure-key", "sig=", 0, R"([?&;]sig=([A-Za-z0-9%+/]{30,}(?:%3[Dd]|=){0,2}))", nullptr, "",
     "?sv=2022-11-02&...&sig=<base64, %3D>"},
    {"openai-api-key", "openai-key", "sk-proj-|sk-svcacct-|sk-admin-|T3BlbkFJ", 0,
     R"(\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))", whole_token,
     "", "sk-proj-..., sk-...T3BlbkFJ..."},
    {"anthropic-api-key", "anthropic-key", "sk-ant-api", 0, R"(\bsk-ant-api[0-9]{2}-[A-Za-z0-9_-]{20,})",
     whole_token, "", "sk-ant-api03- + 95"},
    {"anthropic-admin-api-key", "anthropic-key", "sk-ant-admin", 0, R"(\bsk-ant-admin[0-9]{2}-[A-Za-z0-9_-]{20,})",
     whole_token, "", "sk-ant-admin01- + 95"},
    {"npm-access-token", "npm-token", "npm_", 0, R"(\bnpm_[A-Za-z0-9]{36}\b)", nullptr, "", "npm_ + 36"},
    {"pypi-upload-token", "pypi-token", "pypi-AgEIcHlwaS5vcmc", 0, R"(\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,})",
     whole_token, "", "pypi-AgEIcHlwaS5vcmc..."},
    {"sendgrid-api-token", "sendgrid-key", "SG.", 0, R"(\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})", whole_token,
     "", "SG.<22>.<43>"},
    {"twilio-api-key", "twilio-key", "SK", 0, R"(\bSK[0-9a-fA-F]{32}\b)", nullptr, "", "SK + 32 hex"},
    {"mailgun-private-api-token", "mailgun-key", "key-", 0, R"(\bkey-[0-9a-f]{32}\b)", nullptr, "",
     "key- + 32 hex"},
    {"mailgun-pub-key", "mailgun-key", "pubkey-", 0, R"(\bpubkey-[0-9a-f]{32}\b)", nullptr, "", "pubkey- + 32 hex"},
    {"mailgun-signing-key", "mailgun-key", "mailgun", 0,
     R"((?i)\b[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}\b)", nullptr, "",
     "<32 hex>-<8 hex>-<8 hex> in a text that says mailgun"},
    {"digitalocean-pat", "digitalocean-token", "dop_v1_", 0, R"(\bdop_v1_[a-f0-9]{64}\b)", nullptr, "",
     "dop_v1_ + 64 hex"},
    {"digitalocean-access-token", "digitalocean-token", "doo_v1_", 0, R"(\bdoo_v1_[a-f0-9]{64}\b)", nullptr, "",
     "doo_v1_ + 64 hex"},
    {"digitalocean-refresh-token", "digitalocean-token", "dor_v1_", 0, R"(\bdor_v1_[a-f0-9]{64}\b)", nullptr, "",
     "dor_v1_ + 64 hex"},
    {"shopify-access-token", "shopify-token", "shpat_", 0, R"(\bshpat_[a-fA-F0-9]{32}\b)", nullptr, "",
     "shpat_ + 32 hex"},
    {"shopify-custom-access-token", "shopify-token", "shpca_", 0, R"(\bshpca_[a-fA-F0-9]{32}\b)", nullptr, "",
     "shpca_ + 32 hex"},
    {"shopify-private-app-access-token", "shopify-token", "shppa_", 0, R"(\bshppa_[a-fA-F0-9]{32}\b)", nullptr, "",
     "shppa_ + 32 hex"},
    {"shopify-shared-secret", "shopify-token", "shpss_", 0, R"(\bshpss_[a-fA-F0-9]{32}\b)", nullptr, "",
     "shpss_ + 32 hex"},
    {"vault-service-token", "vault-token", "hvs.", 0, R"(\bhvs\.[A-Za-z0-9_-]{20,})", whole_token, "",
     "hvs. + 90"},
    {"vault-batch-token", "vault-token", "hvb.", 0, R"(\bhvb\.[A-Za-z0-9_-]{20,})", whole_token, "",
     "hvb. + 138"},
    {"telegram-bot-api-token", "telegram-token", ":AA", 0, R"([0-9]{5,16}:AA[A-Za-z0-9_-]{33})", valid_telegram, "",
     "123456789:AA + 33"},
    {"datadog-access-token", "datadog-key", "datadog|dd_api|dd_app|dd-api|dd-app|ddapi|ddapp", 0,
     R"((?i)\b(?:dd|datadog)[_-]?(?:api|app(?:lication)?)?[_-]?key)" ASSIGN
     R"(["']?([a-f0-9]{40}|[a-f0-9]{32})\b)",
     nullptr, "ddapikey|ddappkey|datadogapikey|datadogappkey|ddapplicationkey",
     "DD_API_KEY=<32 hex>"},
    {"heroku-api-key", "heroku-key", "heroku", 0,
     R"((?i)\bheroku[^\n]{0,40}?(?:key|token)[^\n]{0,12}?\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b)",
     nullptr, "herokuapikey|herokuauthtoken", "HEROKU_API_KEY=<uuid>"},
    {"heroku-api-key-v2", "heroku-key", "HRKU-AA", 0, R"(\bHRKU-AA[0-9A-Za-z_-]{58})", whole_token, "",
     "HRKU-AA + 58"},
    {"docker-config-auth", "docker-auth", "\"auth\"", 0, R"re("auth"[ \t]*:[ \t]*"([A-Za-z0-9+/]{8,}={0,2})")re",
     valid_docker_auth, "auth", "\"auth\": \"<base64 of user:password>\""},
    {"authorization-header", "bearer", "bearer", 0, R"((?i)\bbearer[ \t]+([A-Za-z0-9._~+/-]+=*))", valid_token, "",
     "Authorization: Bearer abc123", 0, true, true},
    {"authorization-header", "bearer", "basic", 0, R"((?i)\bbasic[ \t]+([A-Za-z0-9+/]+={0,2}))", valid_basic, "",
     "Authorization: Basic dXNlcjpwYXNz", 0, true, true},
    {"oauth-token", "bearer",
     "access_token|refresh_token|id_token|accesstoken|refreshtoken|idtoken|authorization", 0,
     R"((?i)\b(?:(?:access|refresh|id)_token|authorization))" R"(["']?[ \t]*(?:=|:|=>)[ \t]*["']?([A-Za-z0-9._~+/-]{6,}=*))",
     valid_token, "accesstoken|refreshtoken|idtoken",
     "access_token=ya29.a0Af..., \"refresh_token\":\"1//0g...\"", 0, true, true},
    {"password-assignment", "password", "passw|passphrase|pwd|\"pass\"", 0,
     R"((?i)\b[A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd))" ASSIGN VALUE, valid_assignment,
     "*password|*passwd|*passphrase|pwd|pass|mysqlpwd",
     "password=hunter2, --password=x9, \"password\":\"...\", PGPASSWORD=...", 0, true, true},
    {"password-flag", "password", "--pass|--pwd", 0, R"((?i)--(?:password|passwd|pwd|pass)[ \t]+["']?([^\s"']+))",
     valid_assignment, "", "mysql --password s3cret", 0, true, true},
    {"secret-assignment", "api-key",
     "apikey|api_key|api-key|secret|authtoken|auth_token|auth-token|apitoken|api_token|api-token|privatetoken|"
     "private_token|private-token|accesskey|access_key|access-key|\"token\"", 0,
     R"((?i)\b[A-Za-z0-9_.-]*(?:api[_-]?key|client[_-]?secret|app[_-]?secret|secret[_-]?key|secret|private[_-]?token|auth[_-]?token|api[_-]?token|access[_-]?key))"
     ASSIGN VALUE,
     valid_assignment,
     "*apikey|*secret|*secretkey|*privatetoken|*authtoken|*apitoken|*accesskey|token",
     "api_key=..., \"client_secret\":\"...\", X-API-Key: ...", 0, true, true},
    {"secret-flag", "api-key", "--api|--client-secret|--secret|--token", 0,
     R"((?i)--(?:api[_-]?key|api[_-]?token|client[_-]?secret|secret|token)[ \t]+["']?([^\s"']+))",
     valid_assignment, "", "--api-key 0123abcd", 0, true, true},
    {"email", "email", "", kShapeAt,
     R"((?:[A-Za-z0-9._%+=-]|[^\x00-\x7f])+@(?:[A-Za-z0-9-]|[^\x00-\x7f])+(?:\.(?:[A-Za-z0-9-]|[^\x00-\x7f])+)*\.(?:[A-Za-z]|[^\x00-\x7f]){2,24})", valid_email, "",
     "alice@example.com, jürgen@müller.de"},
    {"ipv4", "ipv4", "", kShapeDottedQuad,
     R"(\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b)",
     valid_ipv4, "", "10.20.30.40"},
    {"ipv6", "ipv6", "", kShapeHexColons, R"((?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4})", valid_ipv6, "",
     "2001:0db8:0000:0000:0000:ff00:0042:8329"},
    {"ipv6", "ipv6", "::", 0,
     R"((?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)",
     valid_ipv6, "", "fe80::1ff:fe23:4567:890a, ::1"},
    {"ipv6", "ipv6", "::", kShapeDottedQuad,
     R"((?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,4})?::(?:[0-9A-Fa-f]{1,4}:){0,4}(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b)",
     valid_ipv6, "", "::ffff:192.0.2.1"},
    {"ipv6", "ipv6", "", kShapeDottedQuad | kShapeHexColons6, R"((?:[0-9A-Fa-f]{1,4}:){6}(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b)", valid_ipv6,
     "", "0:0:0:0:0:ffff:192.0.2.1"},
    {"mac-address", "mac", "", kShapeMac, R"([0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5})", valid_mac, "",
     "00:1a:2b:3c:4d:5e"},
    {"phone-e164", "phone", "+1|+2|+3|+4|+5|+6|+7|+8|+9", 0, R"(\+[1-9][0-9]{7,14})", valid_phone, "",
     "+14155552671"},
    {"iban", "iban", "", kShapeIban, R"(\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)", valid_iban,
     "", "DE89 3704 0044 0532 0130 00"},
    {"credit-card", "credit-card", "", kShapeLongDigits, R"(\b[0-9](?:[ -]?[0-9]){13,18}\b)", valid_credit_card,
     "", "4111 1111 1111 1111"},
    {"generic-api-key", "generic-secret", "access|auth|api|credential|creds|key|passw|pwd|secret|token", 0,
     R"((?i)\b[A-Za-z0-9_.-]{0,30}(?:access|auth|api|credential|creds|key|passw(?:or)?d|pwd|secret|token)[A-Za-z0-9_.-]{0,20})"
     ASSIGN R"(["'`]?([A-Za-z0-9_.=+/-]{10,}))",
     valid_generic, "", "deploy_credential=9xQ2vT7mZk4LpW8r", 3.5, false, true},
};

#undef ASSIGN
#undef VALUE

std::vector<std::string> split_bars(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t bar = s.find('|');
    out.emplace_back(s.substr(0, bar));
    if (bar == std::string_view::npos) break;
    s.remove_prefix(bar + 1);
  }
  return out;
}

}  // namespace

const std::vector<SecretRule>& builtin_secret_rules() {
  static const std::vector<SecretRule> rules = [] {
    std::vector<SecretRule> v;
    for (const Row& r : kRules) {
      SecretRule s;
      s.id = r.id;
      s.kind = r.kind;
      s.regex = r.regex;
      s.keywords = split_bars(r.keywords);
      s.exact_keywords = true;
      s.shapes = r.shapes;
      s.member_names = split_bars(r.members);
      s.entropy = r.entropy;
      s.validate = r.validate;
      s.in_all = r.in_all;
      s.by_name = r.by_name;
      s.example = r.example;
      v.push_back(std::move(s));
    }
    return v;
  }();
  return rules;
}

std::string secret_rules_ndjson() {
  std::string out;
  for (const auto& r : builtin_secret_rules()) {
    out += "{\"id\":";
    append_json_string(out, r.id);
    out += ",\"kind\":";
    append_json_string(out, r.kind);
    out += r.in_all ? ",\"all\":true,\"keywords\":[" : ",\"all\":false,\"keywords\":[";
    for (size_t k = 0; k < r.keywords.size(); ++k) {
      if (k) out += ',';
      append_json_string(out, r.keywords[k]);
    }
    out += "],\"example\":";
    append_json_string(out, r.example);
    out += "}\n";
  }
  return out;
}

bool plausible_member_value(std::string_view v) {
  return !placeholder(v) && std::count(v.begin(), v.end(), ' ') < 3 && v.size() <= 1024;
}

bool known_mask_name(std::string_view name) {
  if (!name.empty() && name[0] == '-') name.remove_prefix(1);
  if (name == "all") return true;
  const auto& rules = builtin_secret_rules();
  return std::any_of(rules.begin(), rules.end(), [&](const SecretRule& r) { return r.kind == name || r.id == name; });
}

std::vector<std::string> mask_names() {
  std::vector<std::string> names{"all"};
  for (const auto& r : builtin_secret_rules())
    for (const std::string* name : {&r.kind, &r.id})
      if (std::find(names.begin(), names.end(), *name) == names.end()) names.push_back(*name);
  return names;
}

double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<unsigned, 256> counts{};
  for (char c : s) ++counts[static_cast<unsigned char>(c)];
  double h = 0, n = static_cast<double>(s.size());
  for (unsigned c : counts)
    if (c) {
      double p = c / n;
      h -= p * std::log2(p);
    }
  return h;
}

}  // namespace ndj
