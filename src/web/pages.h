// The hosted pages, compiled into the binary from web/app/ (Preact + htm, bundled by esbuild
// at build time): the account pages at /account/ (sign in, register, recovery, profile,
// password, two-factor, sessions, activity) and the admin console at /admin/ (dashboard,
// users, audit log, webhooks). They are clients of the public JSON API and the browser session
// (api/browser_session.h), nothing more: each is one HTML shell and one script, which picks the
// page by path; staff-only data is refused by the API, not only hidden.
#pragma once

#include "config/settings.h"
#include "http/router.h"

namespace authd {

// GET /account/, /account/{page}/, /admin/, /admin/{page}/, /admin/users/{id}/, and the
// pages' files under /assets/.
void AddHostedPages(Router& router, const Settings& settings);

}  // namespace authd
