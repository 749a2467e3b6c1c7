// `authd serve`: migrate, then serve HTTP until SIGTERM/SIGINT.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <memory>
#include <thread>

#include "api/routes.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "http/server.h"
#include "logging/access_log.h"
#include "sessions/pruner.h"

namespace authd {
namespace {

// Connections need descriptors: lift the soft limit to the hard one.
void RaiseFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

StatusOr<HttpSettings> ParseHttpSettings(const Settings& s) {
  HttpSettings http;
  auto proxies = TrustedProxies::Parse(s.trusted_proxies);
  if (!proxies.ok()) return proxies.status();
  http.trusted_proxies = std::move(proxies).value();
  auto cors = Cors::Parse(s.cors_allowed_origins);
  if (!cors.ok()) return cors.status();
  http.cors = std::move(cors).value();
  auto hosts = AllowedHosts::Parse(s.allowed_hosts);
  if (!hosts.ok()) return hosts.status();
  http.allowed_hosts = std::move(hosts).value();
  return http;
}

int RunServe(Settings settings) {
  RaiseFileLimit();
  auto app = App::Create(std::move(settings), App::Database::kServe);
  if (!app.ok()) {
    spdlog::error("cannot start: {}", app.status().message());
    // A bad key file is a bad setting, like a bad AUTHD_* value.
    return app.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  const Settings& s = (*app)->settings();
  if (std::string warning = DatabaseFileWarning(s.database_url); !warning.empty()) {
    spdlog::warn("{}", warning);
  }

  auto http = ParseHttpSettings(s);
  if (!http.ok()) {
    spdlog::error("cannot start: {}", http.status().message());
    return 2;
  }

  Router router;
  AddAllRoutes(router, (*app)->services());

  Server server(
      ServerOptions{
          .host = s.listen_host,
          .port = s.listen_port,
          .io_threads = s.io_threads,
          .max_connections = s.max_connections,
          .max_connections_per_ip = s.max_connections_per_ip,
          .header_timeout = std::chrono::seconds(s.header_timeout_seconds),
          .keepalive_timeout = std::chrono::seconds(s.keepalive_timeout_seconds),
          .max_body_bytes = s.max_body_bytes,
          .trusted_proxies = std::move(http->trusted_proxies),
          .cors = std::move(http->cors),
          .allowed_hosts = std::move(http->allowed_hosts),
          .public_url = s.public_url,
          .on_answer = [&metrics = (*app)->metrics()](const Request& request,
                                                      const Response& response,
                                                      std::chrono::microseconds elapsed) {
            metrics.RecordRequest(request.route, request.method, response.status, elapsed);
          },
          .tls = (*app)->tls(),
          .hsts_max_age = s.hsts_max_age,
      },
      router);
  if (Status st = server.Bind(); !st.ok()) {
    spdlog::error("cannot start: {}", st.message());
    return 1;
  }
  server.HandleSignals();

  // Tests and scripts read this line to learn the port when AUTHD_LISTEN ends in :0.
  spdlog::info("authd listening on {}:{} ({}, {} I/O threads, {} hashing threads, database {})",
               s.listen_host, server.port(), s.tls_enabled() ? "https" : "http", s.io_threads,
               s.hash_threads, RedactDatabaseUrl(s.database_url));

  // AUTHD_HTTP_REDIRECT_LISTEN: plain HTTP that sends every client to HTTPS (health checks
  // excepted), one thread.
  Router redirect_router;
  std::unique_ptr<Server> redirect_server;
  std::thread redirect_thread;
  if (!s.http_redirect_listen.empty()) {
    AddLivenessRoute(redirect_router);
    AddReadinessRoute(redirect_router, (*app)->services());
    Settings where;
    (void)ParseListen(s.http_redirect_listen, where);  // validated with the settings
    redirect_server = std::make_unique<Server>(
        ServerOptions{.host = where.listen_host,
                      .port = where.listen_port,
                      .io_threads = 1,
                      .allowed_hosts = std::move(AllowedHosts::Parse(s.allowed_hosts)).value(),
                      .redirect_to_https_port = server.port()},
        redirect_router);
    if (Status st = redirect_server->Bind(); !st.ok()) {
      spdlog::error("cannot start: AUTHD_HTTP_REDIRECT_LISTEN: {}", st.message());
      return 1;
    }
    spdlog::info("redirecting http://{}:{} to https", where.listen_host, redirect_server->port());
    redirect_thread = std::thread([&] { redirect_server->Run(); });
  }

  // AUTHD_METRICS_LISTEN: /metrics alone on its own address, one thread, no access log.
  Router metrics_router;
  std::unique_ptr<Server> metrics_server;
  std::thread metrics_thread;
  if (!s.metrics_listen.empty()) {
    AddMetricsRoute(metrics_router, (*app)->metrics());
    Settings where;
    (void)ParseListen(s.metrics_listen, where);  // validated with the settings
    metrics_server = std::make_unique<Server>(
        ServerOptions{.host = where.listen_host, .port = where.listen_port, .io_threads = 1,
                      .access_log = false, .tls = (*app)->metrics_tls()},
        metrics_router);
    if (Status st = metrics_server->Bind(); !st.ok()) {
      spdlog::error("cannot start: AUTHD_METRICS_LISTEN: {}", st.message());
      return 1;
    }
    if ((*app)->metrics_tls()) metrics_server->HandleSignals();  // SIGHUP reloads its pair too
    spdlog::info("metrics listening on {}:{} ({})", where.listen_host, metrics_server->port(),
                 (*app)->metrics_tls() ? "https" : "http");
    metrics_thread = std::thread([&] { metrics_server->Run(); });
  }
  Mailer* mailer = (*app)->mailer();
  if (mailer != nullptr) {
    Settings bound = s;
    bound.listen_port = server.port();
    mailer->composer().set_public_url(Mailer::LinkBase(bound));
    spdlog::info("email: sending through {}, links to {}", mailer->transport().Describe(),
                 Mailer::LinkBase(bound));
    if (s.public_url.empty()) {
      spdlog::warn("email: AUTHD_PUBLIC_URL is not set; links in mail point at {}",
                   Mailer::LinkBase(bound));
    }
    mailer->sender().Start();
  } else {
    spdlog::info("email is off (set AUTHD_SMTP_URL or AUTHD_EMAIL_DIR): password reset and "
                 "email verification answer 503");
  }
  WebhookDispatcher* webhooks = (*app)->webhooks();
  if (webhooks != nullptr) {
    spdlog::info("webhooks: delivering events to {} URL{}", s.webhooks.size(),
                 s.webhooks.size() == 1 ? "" : "s");
    webhooks->Start();
  }
  Pruner pruner((*app)->sessions(), std::chrono::seconds(s.prune_interval_seconds));
  server.Run();
  FlushAccessLog();  // every answered request's line, before the process may be gone
  pruner.Stop();
  if (mailer != nullptr) mailer->sender().Stop();
  if (webhooks != nullptr) webhooks->Stop();
  if (metrics_server) {
    metrics_server->Stop();
    metrics_thread.join();
  }
  if (redirect_server) {
    redirect_server->Stop();
    redirect_thread.join();
  }
  (*app)->services().hash_pool.Shutdown();
  (*app)->services().store_pool.Shutdown();
  spdlog::info("authd stopped");
  return 0;
}

int RunRoutes(Settings settings) {
  // The routes need no data: an in-memory database, so the command touches no file.
  settings.database_url = "sqlite://:memory:";
  settings.db_pool_size = 1;
  auto app = App::Create(std::move(settings), App::Database::kCreate);
  if (!app.ok()) {
    spdlog::error("{}", app.status().message());
    return 1;
  }
  Router router;
  AddAllRoutes(router, (*app)->services());
  for (const auto& [method, pattern] : router.Routes()) {
    std::printf("%-7s %s\n", method.c_str(), pattern.c_str());
  }
  return 0;
}

int RunMigrate(Settings settings) {
  auto app = App::Create(std::move(settings), App::Database::kCreate);  // Create migrates
  if (!app.ok()) {
    spdlog::error("migrate failed: {}", app.status().message());
    return 1;
  }
  auto version = (*app)->store().SchemaVersion();
  if (!version.ok()) {
    spdlog::error("migrate failed: {}", version.status().message());
    return 1;
  }
  std::printf("Database is at schema version %d.\n", *version);
  return 0;
}

}  // namespace authd
