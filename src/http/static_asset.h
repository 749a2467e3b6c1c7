// A file compiled into the binary, served as HTTP serves static files: without copying (the
// answer points at the bytes in the binary's read-only data, so a slow reader pins no heap),
// compressed when the client accepts it (brotli or gzip, compressed once at build time by
// cmake/embed_files.cmake), with a strong ETag per encoding and If-None-Match answered 304.
//
// Each answer varies by Accept-Encoding. A versioned asset asked for as "?v=<its version>" may be
// cached for a year as immutable (a new build has a new URL); otherwise for Caching's max_age,
// then revalidated with the ETag.
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace authd {

enum class ContentEncoding { kIdentity, kGzip, kBrotli };

// The encoding to send, of those available (identity always is), by Accept-Encoding
// (RFC 9110 12.5.3): the highest q wins, ties going to brotli, then gzip, then identity;
// "*" stands for every coding not named; q=0 refuses one.
ContentEncoding ChooseEncoding(std::string_view accept_encoding, bool have_gzip, bool have_brotli);

struct StaticBytes {
  std::string_view identity;
  std::string_view gzip;    // empty: not available
  std::string_view brotli;  // empty: not available
};

struct Caching {
  int max_age_seconds;  // then revalidated
  bool versioned;       // referenced as "?v=<version>", which may be cached for a year
};
inline constexpr Caching kVersionedUrl{300, true};
constexpr Caching kRevalidatedAfter(int seconds) { return {seconds, false}; }

class StaticAsset {
 public:
  // `bytes` must outlive every answer (static storage); `content_type` too.
  StaticAsset(StaticBytes bytes, std::string_view content_type, Caching caching);

  // 200 with the chosen encoding, or 304 when If-None-Match names its current ETag.
  // HEAD is answered as GET (the server leaves the body out).
  Response Answer(const Request& request) const;

  // A version of the content for URLs ("?v=..."): the first 16 hex digits of its SHA-256.
  const std::string& version() const { return version_; }

 private:
  StaticBytes bytes_;
  std::string_view content_type_;
  Caching caching_;
  std::string version_;
};

// A page's files, served under one path as "{prefix}{name}?v={version}".
struct NamedAsset {
  std::string_view name;
  StaticAsset asset;
};

// `text` with each "{{name}}" replaced by that asset's version (for the page's URLs).
std::string WithVersions(std::string text, const std::vector<NamedAsset>& assets);

// The asset called `name` answered, or 404 {"detail": "Not found."}.
Response AnswerNamed(const std::vector<NamedAsset>& assets, std::string_view name,
                     const Request& request);

}  // namespace authd
