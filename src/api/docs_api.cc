// GET /api/schema/ (the OpenAPI 3.1 document, src/api/openapi.json) and GET /api/docs/ (Swagger
// UI rendering it). Every byte is compiled in (cmake/embed_files.cmake), with gzip and brotli
// copies made at build time: the page works with no outside network and no files beside the
// binary, and its 1.4 MB script is sent from the binary itself (http/static_asset.h).
#include <string>
#include <string_view>
#include <vector>

#include "api/routes.h"
#include "http/static_asset.h"

extern "C" {
#define AUTHD_EMBEDDED(name) extern const char authd_embed_##name[], authd_embed_##name##_end[];
#define AUTHD_EMBEDDED_COMPRESSED(name) \
  AUTHD_EMBEDDED(name) AUTHD_EMBEDDED(name##_gz) AUTHD_EMBEDDED(name##_br)
AUTHD_EMBEDDED(docs_index_html)
AUTHD_EMBEDDED_COMPRESSED(openapi_json)
AUTHD_EMBEDDED_COMPRESSED(docs_init_js)
AUTHD_EMBEDDED_COMPRESSED(swagger_ui_bundle_js)
AUTHD_EMBEDDED_COMPRESSED(swagger_ui_css)
#undef AUTHD_EMBEDDED_COMPRESSED
#undef AUTHD_EMBEDDED
}

namespace authd {
namespace {

#define AUTHD_EMBEDDED_VIEW(name) \
  std::string_view(authd_embed_##name, static_cast<size_t>(authd_embed_##name##_end - authd_embed_##name))
#define AUTHD_EMBEDDED_BYTES(name)                                                  \
  StaticBytes{AUTHD_EMBEDDED_VIEW(name), AUTHD_EMBEDDED_VIEW(name##_gz), \
              AUTHD_EMBEDDED_VIEW(name##_br)}

// Swagger UI's own script needs eval-free 'self' scripts only; its styles are partly inline.
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

struct NamedAsset {
  std::string_view name;  // under /api/docs/
  StaticAsset asset;
};

// The page's files, each versioned by its content (referenced as "name?v=version").
const std::vector<NamedAsset>& PageFiles() {
  static const std::vector<NamedAsset> files = {
      {"init.js", StaticAsset(AUTHD_EMBEDDED_BYTES(docs_init_js),
                              "application/javascript; charset=utf-8", kVersionedUrl)},
      {"swagger-ui-bundle.js", StaticAsset(AUTHD_EMBEDDED_BYTES(swagger_ui_bundle_js),
                                           "application/javascript; charset=utf-8", kVersionedUrl)},
      {"swagger-ui.css",
       StaticAsset(AUTHD_EMBEDDED_BYTES(swagger_ui_css), "text/css; charset=utf-8", kVersionedUrl)},
  };
  return files;
}

// web/docs/index.html with each "{{file}}" replaced by that file's version; made once.
const StaticAsset& IndexPage() {
  static const std::string html = [] {
    std::string text(AUTHD_EMBEDDED_VIEW(docs_index_html));
    for (const NamedAsset& f : PageFiles()) {
      const std::string marker = "{{" + std::string(f.name) + "}}";
      for (size_t at; (at = text.find(marker)) != std::string::npos;) {
        text.replace(at, marker.size(), f.asset.version());
      }
    }
    return text;
  }();
  static const StaticAsset page(StaticBytes{.identity = html}, "text/html; charset=utf-8",
                                kRevalidatedAfter(300));
  return page;
}

}  // namespace

void AddDocsRoutes(Router& router) {
  router.Add("GET", "/api/schema/", [](Request& request) -> boost::asio::awaitable<Response> {
    // What drf-spectacular answers for ?format=openapi-json.
    static const StaticAsset schema(AUTHD_EMBEDDED_BYTES(openapi_json),
                                    "application/vnd.oai.openapi+json", kRevalidatedAfter(300));
    co_return schema.Answer(request);
  });
  router.Add("GET", "/api/docs/", [](Request& request) -> boost::asio::awaitable<Response> {
    Response r = IndexPage().Answer(request);
    r.AddHeader("Content-Security-Policy", kPagePolicy);
    co_return r;
  });
  router.Add("GET", "/api/docs/{asset}", [](Request& request) -> boost::asio::awaitable<Response> {
    const std::string_view name = request.path_params.at(0).second;
    for (const NamedAsset& f : PageFiles()) {
      if (f.name == name) co_return f.asset.Answer(request);
    }
    Response r;
    r.status = 404;
    r.body = R"({"detail":"Not found."})";
    co_return r;
  });
}

#undef AUTHD_EMBEDDED_BYTES
#undef AUTHD_EMBEDDED_VIEW

}  // namespace authd
