// Files compiled into the binary by cmake/embed_files.cmake, as C++ sees them:
//   AUTHD_DECLARE_EMBEDDED(name)            the bytes authd_embed_files(... NAME name ...) made;
//   AUTHD_DECLARE_EMBEDDED_COMPRESSED(name) those of authd_embed_compressed (and _gz, _br);
// at namespace scope, then AUTHD_EMBEDDED_VIEW(name) (a string_view) and
// AUTHD_EMBEDDED_BYTES(name) (a StaticBytes with the compressed copies) in code.
#pragma once

#include <cstddef>
#include <string_view>

#include "http/static_asset.h"

#define AUTHD_DECLARE_EMBEDDED(name) \
  extern "C" const char authd_embed_##name[], authd_embed_##name##_end[];
#define AUTHD_DECLARE_EMBEDDED_COMPRESSED(name) \
  AUTHD_DECLARE_EMBEDDED(name) AUTHD_DECLARE_EMBEDDED(name##_gz) AUTHD_DECLARE_EMBEDDED(name##_br)

#define AUTHD_EMBEDDED_VIEW(name)          \
  std::string_view(authd_embed_##name,     \
                   static_cast<size_t>(authd_embed_##name##_end - authd_embed_##name))
#define AUTHD_EMBEDDED_BYTES(name)                                      \
  ::authd::StaticBytes{AUTHD_EMBEDDED_VIEW(name), AUTHD_EMBEDDED_VIEW(name##_gz), \
                       AUTHD_EMBEDDED_VIEW(name##_br)}
