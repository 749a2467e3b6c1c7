// The hosted pages: the account pages at /account/ (sign in, register, recovery, profile,
// password, sessions, activity), compiled into the binary from web/app/ (Preact + htm, bundled
// by esbuild at build time). They are a client of the public JSON API and the browser session
// (api/browser_session.h), nothing more: every page is the same HTML shell and one script,
// which picks the page by path.
#pragma once

#include "config/settings.h"
#include "http/router.h"

namespace authd {

// GET /account/, /account/{page}/ and the page's files under /assets/.
void AddAccountPages(Router& router, const Settings& settings);

}  // namespace authd
