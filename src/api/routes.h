// The whole API surface: every endpoint, registered on one router.
#pragma once

#include "api/services.h"
#include "http/router.h"
#include "http/trusted_proxies.h"

namespace authd {

// The original service's flows: /register/, /user_detail/.
void AddAccountRoutes(Router& router, Services& services);
// simplejwt's views: /api/token/, /api/token/refresh/, /api/token/verify/, /api/token/blacklist/.
void AddTokenRoutes(Router& router, Services& services);

// The signed-in user's sessions and password: /api/sessions/..., /api/password/change/.
void AddSessionRoutes(Router& router, Services& services);

// Account recovery: /api/password/reset/, /api/password/reset/confirm/ (api/recovery_api.cc).
void AddRecoveryRoutes(Router& router, Services& services);

// The signed-in user's account and address: /api/me/, /api/email/verify/, .../resend/,
// /api/email/change/ (api/email_api.cc).
void AddEmailRoutes(Router& router, Services& services);

// Second factors: /api/mfa/..., and /api/token/mfa/, a sign-in's second step (api/mfa_api.cc).
void AddMfaRoutes(Router& router, Services& services);
// Passkeys: enrolment, the list, passwordless sign-in (api/passkey_api.cc).
void AddPasskeyRoutes(Router& router, Services& services);

// The audit log: /api/admin/events/ and /api/me/events/ (api/audit_api.cc).
void AddAuditRoutes(Router& router, Services& services);

// Webhook deliveries for staff: /api/admin/webhooks/deliveries/... (api/webhook_api.cc).
void AddWebhookRoutes(Router& router, Services& services);

// Signing in with OpenID providers: /api/oidc/... (api/oidc_api.cc).
void AddOidcRoutes(Router& router, Services& services);
// Linked identities: /api/me/identities/..., /api/admin/users/{id}/identities/ (api/identity_api.cc).
void AddIdentityRoutes(Router& router, Services& services);

// The applications that sign users in through authd, for staff: /api/admin/clients/...
// (api/client_api.cc).
void AddClientRoutes(Router& router, Services& services);

// Staff and superusers: /api/admin/users/...
void AddAdminRoutes(Router& router, Services& services);

// Prometheus metrics, /metrics (on the main router, or alone on AUTHD_METRICS_LISTEN). On the
// main router only clients in `allowed` (AUTHD_METRICS_ALLOW; loopback by default) are
// answered, both the socket's peer and the forwarded client: behind a proxy on the same host
// every request comes from loopback. Others get 404, as if there were no such path.
void AddMetricsRoute(Router& router, const Metrics& metrics,
                     const TrustedProxies* allowed = nullptr);

// Readiness, /readyz: the store answers at the schema this authd writes.
void AddReadinessRoute(Router& router, Services& services);
// Liveness, /healthz: the process serves HTTP. It never touches the store, and always runs on
// the I/O thread, so a busy or absent database cannot make it fail.
void AddLivenessRoute(Router& router);

// GET /api/schema/ (OpenAPI 3.1) and GET /api/docs/ (a page rendering it); api/docs_api.cc.
void AddDocsRoutes(Router& router);

// Every endpoint. With a store that is not local (PostgreSQL), every handler runs on the store
// pool instead of the I/O thread (api/offload.h).
void AddAllRoutes(Router& router, Services& services);

}  // namespace authd
