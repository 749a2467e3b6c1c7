// AddAllRoutes: every endpoint group, and where their handlers run (api/offload.h).
#include "api/routes.h"

#include <atomic>
#include <memory>

#include "api/browser_session.h"
#include "api/offload.h"
#include "web/pages.h"

namespace authd {

void AddAllRoutes(Router& router, Services& services) {
  AddAccountRoutes(router, services);
  AddTokenRoutes(router, services);
  AddSessionRoutes(router, services);
  AddRecoveryRoutes(router, services);
  AddEmailRoutes(router, services);
  AddMfaRoutes(router, services);
  AddPasskeyRoutes(router, services);
  AddAuditRoutes(router, services);
  AddWebhookRoutes(router, services);
  AddAdminRoutes(router, services);
  AddOidcRoutes(router, services);
  AddIdentityRoutes(router, services);
  AddClientRoutes(router, services);
  AddReadinessRoute(router, services);
  AddBrowserSessionRoutes(router, services);  // after the sign-in routes it guards
  if (!services.store.local()) {
    auto in_flight = std::make_shared<std::atomic<int>>(0);
    router.WrapAll([&services, in_flight](std::string_view method, std::string_view pattern,
                                          Handler h) {
      // Read-only handlers that never suspend, whose reads the user cache answers: tried on the
      // I/O thread first (store/memory_only.h). A handler added here must change nothing
      // before its last store read, and must not co_await.
      const bool memory_first = (method == "GET" && pattern == "/user_detail/") ||
                                (method == "POST" && pattern == "/api/token/verify/");
      return OffloadToStorePool(services, std::move(h), in_flight, memory_first);
    });
  }
  AddLivenessRoute(router);  // after the wrapping: never offloaded
  AddDocsRoutes(router);     // nor these: fixed bytes
  AddHostedPages(router, services.settings);
  if (services.settings.metrics_listen.empty()) {
    AddMetricsRoute(router, services.metrics, &services.metrics_allowed);
  }
}

}  // namespace authd
