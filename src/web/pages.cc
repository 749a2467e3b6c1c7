#include "web/pages.h"

#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "http/embedded.h"
#include "http/static_asset.h"
#include "util/html.h"
#include "util/strings.h"

AUTHD_DECLARE_EMBEDDED(app_index_html)
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

// The site's own files: theme.css (the accent colour, when set) and the logo (when set). Their
// bytes live as long as the routes that serve them.
struct Branding {
  std::string theme_css;
  std::string logo;
  std::string_view logo_type;
  std::vector<NamedAsset> files;  // AppFiles() and these
};

// Black or white text on the accent, whichever contrasts more (WCAG relative luminance).
std::string_view TextOn(std::string_view hex) {
  auto channel = [&](size_t at) {
    const double c = std::stoi(std::string(hex.substr(at, 2)), nullptr, 16) / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  const double l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return l > 0.179 ? "#000000" : "#ffffff";
}

std::shared_ptr<const Branding> MakeBranding(const Settings& settings) {
  auto b = std::make_shared<Branding>();
  if (!settings.site_accent_color.empty()) {
    const std::string& c = settings.site_accent_color;  // "#rrggbb", checked by the settings
    b->theme_css = ":root{--accent:" + c + ";--accent-text:" + std::string(TextOn(c)) + ";--focus:" + c + "}\n";
  }
  if (!settings.site_logo_file.empty()) {
    std::ifstream in(settings.site_logo_file, std::ios::binary);
    b->logo.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    const std::string& f = settings.site_logo_file;
    b->logo_type = f.ends_with(".svg")    ? "image/svg+xml"
                   : f.ends_with(".png")  ? "image/png"
                   : f.ends_with(".webp") ? "image/webp"
                                          : "image/jpeg";
  }
  b->files = AppFiles();
  b->files.push_back({"theme.css", StaticAsset(StaticBytes{.identity = b->theme_css},
                                               "text/css; charset=utf-8", kVersionedUrl)});
  if (!b->logo.empty()) {
    b->files.push_back({"logo", StaticAsset(StaticBytes{.identity = b->logo}, b->logo_type, kVersionedUrl)});
  }
  return b;
}

// web/app/index.html as the page running `script` (app.js or admin.js): the site's name, logo
// and the files' versions filled in once, answered with the headers above. Revalidated on
// every load (max-age=0), so an upgrade's new script is picked up at once.
Handler ShellPage(std::string_view script, const Settings& settings,
                  std::shared_ptr<const Branding> branding) {
  auto shell = std::make_shared<const std::string>([&] {
    std::string html = WithVersions(std::string(AUTHD_EMBEDDED_VIEW(app_index_html)), branding->files);
    ReplaceAll(html, "{{site_name}}", EscapeHtml(settings.site_name));
    std::string logo_url, script_url;
    for (const NamedAsset& f : branding->files) {
      if (f.name == "logo") logo_url = "/assets/logo?v=" + f.asset.version();
      if (f.name == script) script_url = "/assets/" + std::string(script) + "?v=" + f.asset.version();
    }
    ReplaceAll(html, "{{logo_url}}", logo_url);
    ReplaceAll(html, "{{script_url}}", script_url);
    ReplaceAll(html, "{{login_by_email}}", settings.login_by_email ? "true" : "false");
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
  auto branding = MakeBranding(settings);
  const Handler account = ShellPage("app.js", settings, branding);
  router.Add("GET", "/account/", account);
  router.Add("GET", "/account/{page}/", account);
  const Handler admin = ShellPage("admin.js", settings, branding);
  router.Add("GET", "/admin/", admin);
  router.Add("GET", "/admin/{page}/", admin);
  router.Add("GET", "/admin/users/{id}/", admin);
  router.Add("GET", "/assets/{asset}", [branding](Request& request) -> boost::asio::awaitable<Response> {
    co_return AnswerNamed(branding->files, request.path_params.at(0).second, request);
  });
}

}  // namespace authd
