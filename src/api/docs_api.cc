// GET /api/schema/ (the OpenAPI 3.1 document, src/api/openapi.json) and GET /api/docs/ (Swagger
// UI rendering it). Every byte is compiled in (cmake/embed_files.cmake), with gzip and brotli
// copies made at build time: the page works with no outside network and no files beside the
// binary, and its 1.4 MB script is sent from the binary itself (http/static_asset.h).
#include <string>
#include <string_view>
#include <vector>

#include "api/routes.h"
#include "http/embedded.h"
#include "http/static_asset.h"

AUTHD_DECLARE_EMBEDDED(docs_index_html)
AUTHD_DECLARE_EMBEDDED_COMPRESSED(openapi_json)
AUTHD_DECLARE_EMBEDDED_COMPRESSED(docs_init_js)
AUTHD_DECLARE_EMBEDDED_COMPRESSED(swagger_ui_bundle_js)
AUTHD_DECLARE_EMBEDDED_COMPRESSED(swagger_ui_css)

namespace authd {
namespace {

// Swagger UI's own script needs eval-free 'self' scripts only; its styles are partly inline.
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// The page's files under /api/docs/, each versioned by its content (referenced as "name?v=version").
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
  static const std::string html =
      WithVersions(std::string(AUTHD_EMBEDDED_VIEW(docs_index_html)), PageFiles());
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
    co_return AnswerNamed(PageFiles(), request.path_params.at(0).second, request);
  });
}

}  // namespace authd
