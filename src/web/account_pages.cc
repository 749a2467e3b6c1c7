#include "web/account_pages.h"

#include <string>
#include <vector>

#include "http/embedded.h"
#include "http/static_asset.h"
#include "util/html.h"

AUTHD_DECLARE_EMBEDDED(app_index_html)
AUTHD_DECLARE_EMBEDDED_COMPRESSED(app_js)
AUTHD_DECLARE_EMBEDDED_COMPRESSED(app_css)

namespace authd {
namespace {

// Scripts and styles from this site only, no inline code, no eval; the API on this origin
// only; never framed (clickjacking). Forms are submitted by script (form-action 'self').
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const std::vector<NamedAsset>& AppFiles() {
  static const std::vector<NamedAsset> files = {
      {"app.js", StaticAsset(AUTHD_EMBEDDED_BYTES(app_js), "application/javascript; charset=utf-8",
                             kVersionedUrl)},
      {"app.css",
       StaticAsset(AUTHD_EMBEDDED_BYTES(app_css), "text/css; charset=utf-8", kVersionedUrl)},
  };
  return files;
}

// Every page's headers (StaticAsset adds nosniff). no-referrer on all of them: the reset and verification pages carry
// their token in the URL, and no page needs to tell another site where a visitor came from.
void Harden(Response& r) {
  r.AddHeader("Content-Security-Policy", kPagePolicy);
  r.AddHeader("Referrer-Policy", "no-referrer");
  r.AddHeader("X-Frame-Options", "DENY");  // frame-ancestors' predecessor, for old browsers
}

}  // namespace

void AddAccountPages(Router& router, const Settings& settings) {
  // The shell, filled in once: the site's name and the files' versions. Revalidated on every
  // load (max-age=0), so an upgrade's new script is picked up at once.
  auto shell = std::make_shared<const std::string>([&] {
    std::string html = WithVersions(std::string(AUTHD_EMBEDDED_VIEW(app_index_html)), AppFiles());
    const std::string marker = "{{site_name}}";
    const std::string name = EscapeHtml(settings.site_name);
    for (size_t at; (at = html.find(marker)) != std::string::npos;) html.replace(at, marker.size(), name);
    return html;
  }());
  auto page = std::make_shared<const StaticAsset>(StaticBytes{.identity = *shell},
                                                  "text/html; charset=utf-8", kRevalidatedAfter(0));
  auto answer = [shell, page](Request& request) -> boost::asio::awaitable<Response> {
    Response r = page->Answer(request);
    Harden(r);
    co_return r;
  };
  router.Add("GET", "/account/", answer);
  router.Add("GET", "/account/{page}/", answer);
  router.Add("GET", "/assets/{asset}", [](Request& request) -> boost::asio::awaitable<Response> {
    co_return AnswerNamed(AppFiles(), request.path_params.at(0).second, request);
  });
}

}  // namespace authd
