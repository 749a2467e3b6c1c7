#include "oidc/http_fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "util/strings.h"
#include "util/url.h"

namespace authd {
namespace {

struct Sink {
  std::string body;
  std::string cache_control;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t Write(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body.size() + n > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

size_t Header(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::string_view line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos && AsciiLower(line.substr(0, colon)) == "cache-control") {
    sink->cache_control = std::string(StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * count;
}

}  // namespace

StatusOr<FetchAnswer> Fetch(const FetchRequest& request) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) return Internal("cannot make a curl handle");
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");
  std::string auth;
  if (!request.bearer.empty()) {
    auth = "Authorization: Bearer " + request.bearer;
    headers = curl_slist_append(headers, auth.c_str());
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, &curl_slist_free_all);
  Sink sink{.max_bytes = request.max_bytes};
  CURL* h = easy.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "authd-oidc");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
  if (!request.form_body.empty()) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.form_body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.form_body.size()));
  }
  // RFC 6749 2.3.1: each part form-encoded before Basic's base64.
  const std::string user = FormEncode(request.basic_user);
  const std::string password = FormEncode(request.basic_password);
  if (!request.basic_user.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, password.c_str());
  }
  if (const CURLcode rc = curl_easy_perform(h); rc != CURLE_OK) {
    return Unavailable(sink.too_large ? "the provider's answer is too large" : curl_easy_strerror(rc));
  }
  FetchAnswer answer;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
  answer.body = std::move(sink.body);
  answer.cache_control = std::move(sink.cache_control);
  return answer;
}

int64_t CacheSeconds(std::string_view cache_control, int64_t fallback, int64_t min, int64_t max) {
  int64_t seconds = fallback;
  for (std::string_view directive : SplitView(cache_control, ',')) {
    const std::string d = AsciiLower(StripAsciiWhitespace(directive));
    if (d == "no-store" || d == "no-cache") return min;
    if (d.starts_with("max-age=")) {
      const std::string value = d.substr(8);
      if (!value.empty() && value.size() <= 9 &&
          std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        seconds = std::stoll(value);
      }
    }
  }
  return std::clamp(seconds, min, max);
}

}  // namespace authd
