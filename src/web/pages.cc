#include "web/pages.h"

#include <string>
#include <vector>

#include "http/embedded.h"
#include "http/static_asset.h"
#include "util/html.h"

AUTHD_DECLARE_EMBEDDED(app_index_html)
AUTHD_DECLARE_EMBEDDED(admin_index_html)
AUTHD_DECLARE_EMBEDDED_COMPRESSED(app_js)
AUTHD_DECLARE_EMBEDDED_COMPRESSED(admin_js)
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
      {"admin.js", StaticAsset(AUTHD_EMBEDDED_BYTES(admin_js),
                               "application/javascript; charset=utf-8", kVersionedUrl)},
      {"app.css",
       StaticAsset(AUTHD_EMBEDDED_BYTES(app_css), "text/css; charset=utf-8", kVersionedUrl)},
  };
  return files;
}

// Every page's headers (StaticAsset adds nosniff). no-referrer on all of them: the reset and
// verification pages carry their token in the URL, and no page needs to tell another site
// where a visitor came from.
void Harden(Response& r) {
  r.AddHeader("Content-Security-Policy", kPagePolicy);
  r.AddHeader("Referrer-Policy", "no-referrer");
  r.AddHeader("X-Frame-Options", "DENY");  // frame-ancestors' predecessor, for old browsers
}

// A page shell with the site's name and the files' versions filled in once, answered with the
// headers above. Revalidated on every load (max-age=0), so an upgrade's new script is picked up
// at once.
Handler ShellPage(std::string_view html_template, const Settings& settings) {
  auto shell = std::make_shared<const std::string>([&] {
    std::string html = WithVersions(std::string(html_template), AppFiles());
    const std::string marker = "{{site_name}}";
    const std::string name = EscapeHtml(settings.site_name);
    for (size_t at; (at = html.find(marker)) != std::string::npos;) html.replace(at, marker.size(), name);
    return html;
  }());
  auto page = std::make_shared<const StaticAsset>(StaticBytes{.identity = *shell},
                                                  "text/html; charset=utf-8", kRevalidatedAfter(0));
  return [shell, page](Request& request) -> boost::asio::awaitable<Response> {
    Response r = page->Answer(request);
    Harden(r);
    co_return r;
  };
}

}  // namespace

void AddHostedPages(Router& router, const Settings& settings) {
  const Handler account = ShellPage(AUTHD_EMBEDDED_VIEW(app_index_html), settings);
  router.Add("GET", "/account/", account);
  router.Add("GET", "/account/{page}/", account);
  const Handler admin = ShellPage(AUTHD_EMBEDDED_VIEW(admin_index_html), settings);
  router.Add("GET", "/admin/", admin);
  router.Add("GET", "/admin/{page}/", admin);
  router.Add("GET", "/admin/users/{id}/", admin);
  router.Add("GET", "/assets/{asset}", [](Request& request) -> boost::asio::awaitable<Response> {
    co_return AnswerNamed(AppFiles(), request.path_params.at(0).second, request);
  });
}

}  // namespace authd
