// One curl multi handle, a pool of reusable easy handles (their connections
// stay in the multi handle's cache), and per-body retry timers.
#include "ship/http_post.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <random>

#include "core/diag.hpp"

#ifndef NDJ_VERSION
#define NDJ_VERSION "0.0.0"
#endif

namespace ndj {

namespace {
// More than the excerpt is kept, so that a secret which starts inside the
// excerpt is still whole when it is scrubbed.
constexpr size_t kResponseCapture = 16 * 1024;

struct ResponseStart {
  std::string text;
  bool cut = false;  // the answer went on past text
};

size_t keep_excerpt(char* data, size_t size, size_t n, void* user) {
  auto* response = static_cast<ResponseStart*>(user);
  size_t bytes = size * n;
  size_t room = kResponseCapture - std::min(kResponseCapture, response->text.size());
  response->text.append(data, std::min(bytes, room));
  if (bytes > room) response->cut = true;
  return bytes;
}

// Replaces the value of every NAME: value, "NAME": "value" or NAME=value
// with ***, case-insensitively.
void scrub_header_values(std::string& out) {
  std::string lower = out;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto blank = [&](size_t p) { return p < out.size() && (out[p] == ' ' || out[p] == '\t'); };
  for (std::string_view name : {"proxy-authorization", "authorization", "set-cookie", "cookie"}) {
    for (size_t at = 0; (at = lower.find(name, at)) != std::string::npos;) {
      size_t p = at + name.size();
      if (p < out.size() && (out[p] == '"' || out[p] == '\'')) ++p;
      while (blank(p)) ++p;
      if (p >= out.size() || (out[p] != ':' && out[p] != '=')) {
        at = p;
        continue;
      }
      ++p;
      while (blank(p)) ++p;
      size_t end;
      if (p < out.size() && (out[p] == '"' || out[p] == '\'')) {
        char quote = out[p++];
        for (end = p; end < out.size() && out[end] != quote; ++end)
          if (out[end] == '\\') ++end;
        end = std::min(end, out.size());
      } else {
        end = std::min(out.find_first_of("\r\n", p), out.size());
      }
      out.replace(p, end - p, "***");
      lower.replace(p, end - p, "***");
      at = p + 3;
    }
  }
}

// Failures no retry can fix: the certificate does not verify, or the URL
// cannot be used at all.
bool is_deterministic(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_LOGIN_DENIED:
      return true;
    default:
      return false;
  }
}

CURLM* multi(void* p) { return static_cast<CURLM*>(p); }
}  // namespace

std::optional<std::string> header_problem(std::string_view header) {
  size_t colon = header.find(':');
  if (colon == 0 || colon == std::string_view::npos) return "expected 'Name: value'";
  if (header.find_first_of(" \t") < colon) return "spaces in the header name";
  if (header.find_first_of("\r\n") != std::string_view::npos) return "line breaks in a header";
  return std::nullopt;
}

bool is_secret_header(std::string_view name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const char* word : {"auth", "token", "key", "secret", "password", "cookie"})
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

bool url_has_credentials(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  return authority.find('@') != std::string_view::npos;
}

std::string scrub_response(std::string_view text, const std::vector<std::string>& secrets, bool cut) {
  std::string out(text);
  std::vector<std::string> forms;
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    forms.push_back(secret);
    std::string escaped;
    for (char c : secret) escaped += c == '/' ? std::string("\\/") : std::string(1, c);
    if (escaped != secret) forms.push_back(escaped);
  }
  for (const auto& f : forms)
    for (size_t at = 0; (at = out.find(f, at)) != std::string::npos; at += 3) out.replace(at, f.size(), "***");
  if (cut) {
    for (const auto& f : forms) {
      for (size_t k = std::min(f.size() - 1, out.size()); k > 0; --k) {
        if (out.compare(out.size() - k, k, f, 0, k) == 0) {
          out.resize(out.size() - k);
          break;
        }
      }
    }
  }
  scrub_header_values(out);
  if (out.size() > kResponseExcerpt) out.resize(kResponseExcerpt);
  return out;
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  size_t scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  size_t start = scheme + 3;
  size_t at = out.find('@', start);
  if (at != std::string::npos && at < out.find_first_of("/?#", start)) out.replace(start, at - start, "***");
  return out;
}

struct HttpPoster::Job {
  uint64_t seq = 0;
  Body payload;
  std::string label;
  size_t first = 0;
  ResponseStart response;
  CURL* easy = nullptr;  // set while in transfer
  unsigned attempts = 0;
  TimeNs first_try = 0;
  TimeNs started = 0;
  TimeNs due = 0;        // when a waiting job may start again
  char errbuf[CURL_ERROR_SIZE] = {};
};

HttpPoster::HttpPoster(HttpTarget target) : target_(std::move(target)) {
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global != CURLE_OK) throw Error(kExitFailure, "cannot initialise libcurl");
  multi_ = curl_multi_init();
  if (!multi_) throw Error(kExitFailure, "cannot initialise libcurl");
  long n = static_cast<long>(target_.concurrency);
  curl_multi_setopt(multi(multi_), CURLMOPT_MAX_HOST_CONNECTIONS, n);
  curl_multi_setopt(multi(multi_), CURLMOPT_MAXCONNECTS, n);
  curl_slist* list = nullptr;
  for (const auto& h : target_.headers) list = curl_slist_append(list, h.c_str());
  // 100-continue costs a round trip per request for nothing: our bodies are
  // small enough to send outright.
  list = curl_slist_append(list, "Expect:");
  header_list_ = list;
  random_state_ = std::random_device{}() ^ static_cast<uint64_t>(now_ns());
}

HttpPoster::~HttpPoster() {
  abandon_all();
  for (void* e : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(e));
  curl_multi_cleanup(multi(multi_));
  curl_slist_free_all(static_cast<curl_slist*>(header_list_));
}

size_t HttpPoster::held() const { return jobs_.size(); }

void* HttpPoster::easy_handle() {
  if (!idle_handles_.empty()) {
    void* e = idle_handles_.back();
    idle_handles_.pop_back();
    return e;
  }
  CURL* e = curl_easy_init();
  if (!e) throw Error(kExitFailure, "cannot initialise libcurl");
  curl_easy_setopt(e, CURLOPT_URL, target_.url.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(header_list_));
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  if (target_.put) curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PUT");
  curl_easy_setopt(e, CURLOPT_USERAGENT, "ndj-post/" NDJ_VERSION);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(target_.timeout / 1'000'000));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(target_.connect_timeout / 1'000'000));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_excerpt);
  if (!target_.user.empty()) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(e, CURLOPT_USERNAME, target_.user.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, target_.password.c_str());
  }
  if (!target_.cacert.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, target_.cacert.c_str());
  if (target_.insecure) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  return e;
}

void HttpPoster::post(uint64_t seq, Body payload, std::string label, size_t first) {
  auto job = std::make_unique<Job>();
  job->seq = seq;
  job->first = first;
  job->payload = std::move(payload);
  job->label = std::move(label);
  jobs_.push_back(std::move(job));
}

void HttpPoster::start(Job& job) {
  CURL* e = static_cast<CURL*>(easy_handle());
  job.easy = e;
  job.response = ResponseStart{};
  job.errbuf[0] = '\0';
  job.started = now_ns();
  if (job.attempts++ == 0) job.first_try = job.started;
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(job.payload.size()));
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, job.payload.data());
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &job.response);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, job.errbuf);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &job);
  if (curl_multi_add_handle(multi(multi_), e) != CURLM_OK)
    throw Error(kExitFailure, "libcurl refused a transfer");
}

void HttpPoster::finish(Job& job, int curl_code, std::vector<Settled>& done) {
  auto code = static_cast<CURLcode>(curl_code);
  CURL* e = job.easy;
  TimeNs now = now_ns();
  Attempt a;
  a.label = &job.label;
  a.number = job.attempts;
  a.latency = now - job.started;
  a.bytes = job.payload.size();
  HttpVerdict verdict;
  std::optional<int64_t> retry_after;
  if (code == CURLE_OK) {
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &a.status);
    verdict = target_.sink ? target_.sink->classify(a.status, job.response.text) : classify_http_status(a.status);
    curl_header* h = nullptr;
    if (verdict == HttpVerdict::kTransient &&
        curl_easy_header(e, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
      retry_after = parse_retry_after(h->value, now_ns());
  } else {
    a.error = scrub_response(job.errbuf[0] ? job.errbuf : curl_easy_strerror(code), target_.secrets, false);
    verdict = is_deterministic(code) ? HttpVerdict::kDenied : HttpVerdict::kTransient;
  }
  curl_multi_remove_handle(multi(multi_), e);
  idle_handles_.push_back(e);
  job.easy = nullptr;

  Settled s;
  if (verdict == HttpVerdict::kTransient) {
    random_state_ = random_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t wait = backoff_delay(target_.backoff, job.attempts, random_state_ >> 11, retry_after);
    if (now + wait - job.first_try <= target_.backoff.budget) {
      // A body that waits does not pin the input buffer it was read into.
      job.payload.own();
      a.retry_in = wait;
      job.due = now + wait;
      if (on_attempt) on_attempt(a);
      return;
    }
    s.kind = Settled::Kind::kGaveUp;
  } else if (verdict == HttpVerdict::kAccepted) {
    s.kind = Settled::Kind::kAcked;
  } else {
    s.kind = verdict == HttpVerdict::kRejected ? Settled::Kind::kRejected : Settled::Kind::kDenied;
  }
  if (on_attempt) on_attempt(a);
  s.seq = job.seq;
  s.first = job.first;
  s.status = a.status;
  s.reason = a.status ? "HTTP " + std::to_string(a.status) : a.error;
  if (target_.sink && s.kind != Settled::Kind::kAcked)
    if (std::string why = target_.sink->explain(job.response.text); !why.empty()) {
      s.reason += ", " + why;
      s.explained = true;
    }
  // An acknowledgement may hold an answer too (OTLP's partialSuccess).
  if (s.kind != Settled::Kind::kAcked || !job.response.text.empty()) {
    s.response = scrub_response(job.response.text, target_.secrets, job.response.cut);
    s.payload = std::move(job.payload);
  }
  s.label = std::move(job.label);
  done.push_back(std::move(s));
  auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const auto& j) { return j.get() == &job; });
  jobs_.erase(it);
}

void HttpPoster::pump(int timeout_ms, int extra_fd, std::vector<Settled>& done) {
  TimeNs now = now_ns();
  int64_t wait_ns = int64_t{timeout_ms} * 1'000'000;
  for (auto& j : jobs_) {
    if (j->easy) continue;
    if (j->due <= now) start(*j);
    else wait_ns = std::min(wait_ns, j->due - now);
  }
  curl_waitfd extra = {extra_fd, CURL_WAIT_POLLIN, 0};
  int wait_ms = static_cast<int>((std::max<int64_t>(wait_ns, 0) + 999'999) / 1'000'000);
  curl_multi_poll(multi(multi_), extra_fd >= 0 ? &extra : nullptr, extra_fd >= 0 ? 1 : 0, wait_ms, nullptr);
  int running = 0;
  curl_multi_perform(multi(multi_), &running);
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi(multi_), &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    Job* job = nullptr;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&job));
    finish(*job, m->data.result, done);
  }
}

void HttpPoster::drop_waiting() {
  std::erase_if(jobs_, [](const auto& j) { return j->easy == nullptr; });
}

void HttpPoster::abandon_all() {
  for (auto& j : jobs_) {
    if (!j->easy) continue;
    curl_multi_remove_handle(multi(multi_), j->easy);
    idle_handles_.push_back(j->easy);
  }
  jobs_.clear();
}

}  // namespace ndj
