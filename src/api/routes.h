// The whole API surface: every endpoint, registered on one router.
#pragma once

#include "api/services.h"
#include "http/router.h"

namespace authd {

// The original service's flows: /register/, /user_detail/.
void AddAccountRoutes(Router& router, Services& services);
// simplejwt's views: /api/token/, /api/token/refresh/, /api/token/verify/, /api/token/blacklist/.
void AddTokenRoutes(Router& router, Services& services);

// The signed-in user's sessions and password: /api/sessions/..., /api/password/change/.
void AddSessionRoutes(Router& router, Services& services);

// Staff and superusers: /api/admin/users/...
void AddAdminRoutes(Router& router, Services& services);

// Every endpoint. With a store that is not local (PostgreSQL), every handler runs on the store
// pool instead of the I/O thread (api/offload.h).
void AddAllRoutes(Router& router, Services& services);

}  // namespace authd
