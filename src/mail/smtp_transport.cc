#include "mail/smtp_transport.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstring>
#include <mutex>

#include "config/settings.h"  // RedactDatabaseUrl: the same userinfo rule

namespace authd {
namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  size_t pos = 0;
};

size_t ReadChunk(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, up->data.size() - up->pos);
  std::memcpy(buffer, up->data.data() + up->pos, n);
  up->pos += n;
  return n;
}

// Owns a CURL handle, and the recipient list it points at.
struct Easy {
  CURL* handle = curl_easy_init();
  curl_slist* rcpt = nullptr;
  ~Easy() {
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(handle);
  }
};

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

StatusOr<std::unique_ptr<SmtpTransport>> SmtpTransport::Create(SmtpOptions options) {
  InitCurlOnce();
  CURLU* u = curl_url();
  const CURLUcode rc = curl_url_set(u, CURLUPART_URL, options.url.c_str(), 0);
  char* scheme = nullptr;
  char* host = nullptr;
  if (rc == CURLUE_OK) {
    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(u, CURLUPART_HOST, &host, 0);
  }
  const std::string scheme_s = scheme ? scheme : "";
  const std::string host_s = host ? host : "";
  curl_free(scheme);
  curl_free(host);
  curl_url_cleanup(u);
  if (rc != CURLUE_OK || (scheme_s != "smtp" && scheme_s != "smtps") || host_s.empty()) {
    return InvalidArgument("AUTHD_SMTP_URL must be smtp://[user:password@]host[:port] or "
                           "smtps://..., not " + RedactDatabaseUrl(options.url));
  }
  return std::unique_ptr<SmtpTransport>(new SmtpTransport(
      std::move(options), host_s, scheme_s == "smtps", IsLoopbackHost(host_s)));
}

SmtpTransport::SmtpTransport(SmtpOptions options, std::string host, bool implicit_tls,
                             bool loopback)
    : options_(std::move(options)), host_(std::move(host)), implicit_tls_(implicit_tls),
      loopback_(loopback) {}

std::string SmtpTransport::Describe() const {
  std::string tls;
  if (implicit_tls_) {
    tls = "TLS";
  } else if (options_.tls == SmtpTls::kOff) {
    tls = "no TLS (AUTHD_SMTP_TLS=off)";
  } else if (options_.tls == SmtpTls::kAuto && loopback_) {
    tls = "STARTTLS when offered (a loopback host)";
  } else {
    tls = "STARTTLS required";
  }
  return RedactDatabaseUrl(options_.url) + " (" + tls + ")";
}

Status SmtpTransport::Send(std::string_view from, std::string_view to, std::string_view message) {
  Easy easy;
  if (easy.handle == nullptr) return Unavailable("cannot start a libcurl transfer");
  CURL* c = easy.handle;
  char error[CURL_ERROR_SIZE] = {0};
  const std::string from_path = "<" + std::string(from) + ">";
  easy.rcpt = curl_slist_append(nullptr, ("<" + std::string(to) + ">").c_str());
  Upload upload{message};
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_path.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, easy.rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadChunk);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  if (!implicit_tls_) {
    long use_ssl = CURLUSESSL_ALL;
    if (options_.tls == SmtpTls::kOff) use_ssl = CURLUSESSL_NONE;
    if (options_.tls == SmtpTls::kAuto && loopback_) use_ssl = CURLUSESSL_TRY;
    curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
  }
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return Status::Ok();
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  const std::string why = fmt::format("SMTP {}: {}{}", host_, curl_easy_strerror(rc),
                                      error[0] != '\0' ? std::string(" (") + error + ")" : "");
  // 550-553: the server refused the mailbox or the address for good (RFC 5321 4.2.3). Every
  // other failure (4xx, a lost connection, TLS, login) may pass, or be fixed by the operator.
  if (code >= 550 && code <= 553) return FailedPrecondition(fmt::format("{} [{}]", why, code));
  if (code > 0) return Unavailable(fmt::format("{} [{}]", why, code));
  return Unavailable(why);
}

}  // namespace authd
