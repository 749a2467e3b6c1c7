// GET /api/schema/ (the OpenAPI 3.1 document, src/api/openapi.json) and GET /api/docs/ (Swagger
// UI rendering it). Every byte is compiled in (cmake/embed_files.cmake): the page works with
// no outside network and no files beside the binary.
#include <string_view>

#include "api/routes.h"

extern "C" {
#define AUTHD_EMBEDDED(name) extern const char authd_embed_##name[], authd_embed_##name##_end[];
AUTHD_EMBEDDED(openapi_json)
AUTHD_EMBEDDED(docs_index_html)
AUTHD_EMBEDDED(docs_init_js)
AUTHD_EMBEDDED(swagger_ui_bundle_js)
AUTHD_EMBEDDED(swagger_ui_css)
#undef AUTHD_EMBEDDED
}

namespace authd {
namespace {

#define AUTHD_EMBEDDED_VIEW(name) \
  std::string_view(authd_embed_##name, static_cast<size_t>(authd_embed_##name##_end - authd_embed_##name))

struct Asset {
  std::string_view name;
  std::string_view content_type;
  std::string_view body;
};

// Swagger UI's own script needs eval-free 'self' scripts only; its styles are partly inline.
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

Response Serve(std::string_view body, std::string_view content_type, const char* cache) {
  Response r;
  r.body = std::string(body);
  r.content_type = content_type;
  r.AddHeader("Cache-Control", cache);
  return r;
}

}  // namespace

void AddDocsRoutes(Router& router) {
  router.Add("GET", "/api/schema/", [](Request&) -> boost::asio::awaitable<Response> {
    // What drf-spectacular answers for ?format=openapi-json.
    co_return Serve(AUTHD_EMBEDDED_VIEW(openapi_json), "application/vnd.oai.openapi+json",
                    "public, max-age=300");
  });
  router.Add("GET", "/api/docs/", [](Request&) -> boost::asio::awaitable<Response> {
    Response r = Serve(AUTHD_EMBEDDED_VIEW(docs_index_html), "text/html; charset=utf-8",
                       "public, max-age=300");
    r.AddHeader("Content-Security-Policy", kPagePolicy);
    co_return r;
  });
  router.Add("GET", "/api/docs/{asset}", [](Request& request) -> boost::asio::awaitable<Response> {
    static const Asset kAssets[] = {
        {"init.js", "application/javascript; charset=utf-8", AUTHD_EMBEDDED_VIEW(docs_init_js)},
        {"swagger-ui-bundle.js", "application/javascript; charset=utf-8",
         AUTHD_EMBEDDED_VIEW(swagger_ui_bundle_js)},
        {"swagger-ui.css", "text/css; charset=utf-8", AUTHD_EMBEDDED_VIEW(swagger_ui_css)},
    };
    const std::string_view name = request.path_params.at(0).second;
    for (const Asset& asset : kAssets) {
      if (asset.name == name) co_return Serve(asset.body, asset.content_type, "public, max-age=86400");
    }
    Response r;
    r.status = 404;
    r.body = R"({"detail":"Not found."})";
    co_return r;
  });
}

#undef AUTHD_EMBEDDED_VIEW

}  // namespace authd
