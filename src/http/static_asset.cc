#include "http/static_asset.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "util/strings.h"

namespace authd {
namespace {

std::string Sha256Prefix(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 8 && i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The q value of one Accept-Encoding element's parameters ("q=0.5"), in thousandths;
// 1000 when absent, -1 when malformed (the element is then ignored).
int Quality(std::string_view params) {
  int q = 1000;
  while (!params.empty()) {
    const size_t semi = params.find(';');
    std::string_view p = StripAsciiWhitespace(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
    p.remove_prefix(2);
    // "0", "1", "0.xyz" or "1.000" (RFC 9110 12.4.2).
    if (p.empty() || (p[0] != '0' && p[0] != '1') || p.size() > 5 ||
        (p.size() > 1 && p[1] != '.')) {
      return -1;
    }
    int value = (p[0] - '0') * 1000;
    int scale = 100;
    for (size_t i = 2; i < p.size(); ++i, scale /= 10) {
      if (p[i] < '0' || p[i] > '9') return -1;
      value += (p[i] - '0') * scale;
    }
    if (value > 1000) return -1;
    q = value;
  }
  return q;
}

// Whether If-None-Match (a list of entity tags, or "*") names `etag`, by weak comparison
// (RFC 9110 13.1.2).
bool NoneMatchNames(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = StripAsciiWhitespace(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

}  // namespace

ContentEncoding ChooseEncoding(std::string_view accept, bool have_gzip, bool have_brotli) {
  int q_gzip = -1, q_brotli = -1, q_identity = -1, q_any = -1;
  while (!accept.empty()) {
    const size_t comma = accept.find(',');
    const std::string_view element = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    const size_t semi = element.find(';');
    const std::string_view coding = StripAsciiWhitespace(element.substr(0, semi));
    const int q = Quality(semi == std::string_view::npos ? std::string_view() : element.substr(semi + 1));
    if (q < 0) continue;
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
      q_gzip = std::max(q_gzip, q);
    } else if (EqualsIgnoreCase(coding, "br")) {
      q_brotli = std::max(q_brotli, q);
    } else if (EqualsIgnoreCase(coding, "identity")) {
      q_identity = std::max(q_identity, q);
    } else if (coding == "*") {
      q_any = std::max(q_any, q);
    }
  }
  if (q_gzip < 0) q_gzip = q_any < 0 ? 0 : q_any;  // not named: refused unless "*" allows
  if (q_brotli < 0) q_brotli = q_any < 0 ? 0 : q_any;
  // Identity is acceptable unless refused by name, or by "*;q=0" without naming it; even
  // then it is sent when nothing else is available (RFC 9110 12.5.3 allows it).
  if (q_identity < 0) q_identity = q_any == 0 ? 0 : 1;
  if (!have_gzip) q_gzip = 0;
  if (!have_brotli) q_brotli = 0;
  if (q_brotli > 0 && q_brotli >= q_gzip && q_brotli >= q_identity) return ContentEncoding::kBrotli;
  if (q_gzip > 0 && q_gzip >= q_identity) return ContentEncoding::kGzip;
  return ContentEncoding::kIdentity;
}

StaticAsset::StaticAsset(StaticBytes bytes, std::string_view content_type, Caching caching)
    : bytes_(bytes),
      content_type_(content_type),
      caching_(caching),
      version_(Sha256Prefix(bytes.identity)) {}

Response StaticAsset::Answer(const Request& request) const {
  const ContentEncoding encoding =
      ChooseEncoding(request.accept_encoding, !bytes_.gzip.empty(), !bytes_.brotli.empty());
  std::string_view body = bytes_.identity;
  std::string etag = "\"" + version_;
  const char* content_encoding = nullptr;
  if (encoding == ContentEncoding::kBrotli) {
    body = bytes_.brotli;
    etag += "-br";
    content_encoding = "br";
  } else if (encoding == ContentEncoding::kGzip) {
    body = bytes_.gzip;
    etag += "-gz";
    content_encoding = "gzip";
  }
  etag += '"';

  Response r;
  const bool current_version = caching_.versioned && request.query.size() == version_.size() + 2 &&
                               request.query.starts_with("v=") && request.query.ends_with(version_);
  r.AddHeader("Cache-Control", current_version ? "public, max-age=31536000, immutable"
                                               : "public, max-age=" +
                                                     std::to_string(caching_.max_age_seconds));
  r.AddHeader("Vary", "Accept-Encoding");
  if (!request.if_none_match.empty() && NoneMatchNames(request.if_none_match, etag)) {
    r.status = 304;  // Not Modified: no body, and none of its Content-* headers
    r.AddHeader("ETag", std::move(etag));
    return r;
  }
  r.AddHeader("ETag", std::move(etag));
  if (content_encoding != nullptr) r.AddHeader("Content-Encoding", content_encoding);
  r.content_type = content_type_;
  r.static_body = body;
  return r;
}

std::string WithVersions(std::string text, const std::vector<NamedAsset>& assets) {
  for (const NamedAsset& f : assets) {
    ReplaceAll(text, "{{" + std::string(f.name) + "}}", f.asset.version());
  }
  return text;
}

Response AnswerNamed(const std::vector<NamedAsset>& assets, std::string_view name,
                     const Request& request) {
  for (const NamedAsset& f : assets) {
    if (f.name == name) return f.asset.Answer(request);
  }
  Response r;
  r.status = 404;
  r.body = R"({"detail":"Not found."})";
  return r;
}

}  // namespace authd
