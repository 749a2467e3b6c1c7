// Whole HTTP requests through the server's own path: Beast's parser with the server's limits,
// the framing checks, the router and every real handler, on a real (temporary) SQLite store
// with one user, or on the PostgreSQL database FUZZ_HTTP_DATABASE_URL names (scripts/fuzz.sh
// runs it on both: PostgreSQL refuses bytes SQLite stores, such as text that is not UTF-8, and
// each of its refusals must still map to a client's 4xx, never a 500). Several requests in one
// input are served one after another, as pipelined requests on one connection are.
//
// Beyond crashes and sanitizer reports, one property is checked: a client's request is never
// answered 500. Whatever the bytes, the answer is a clean 4xx (or a success).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "api/routes.h"
#include "cli/app.h"
#include "http/exchange.h"
#include "http/response_writer.h"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// The corpus's bearer tokens are signed with this key for user 1 ("fuzzer").
constexpr const char* kKey = "fuzz-signing-key-0123456789abcdef0123456789";

struct Service {
  std::filesystem::path dir;
  std::unique_ptr<authd::App> app;
  authd::Router router;
  authd::TrustedProxies proxies;
  asio::io_context ctx;

  Service() {
    spdlog::set_level(spdlog::level::off);
    dir = std::filesystem::temp_directory_path() / ("authd-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    authd::Settings s;
    const char* postgres = std::getenv("FUZZ_HTTP_DATABASE_URL");
    s.database_url = postgres != nullptr ? postgres : "sqlite://" + (dir / "fuzz.db").string();
    s.signing_key = kKey;
    s.argon2_memory_kib = 8;  // the cheapest Argon2id: the fuzzer wants requests, not hashes
    s.argon2_iterations = 1;
    s.hash_threads = 1;
    s.store_threads = 2;
    s.login_free_attempts = 1000;  // keep logins reaching the hasher
    s.registration_rate = authd::RateSetting{1000, 1};
    s.trusted_proxies = {"127.0.0.1"};
    s.webauthn_origins = {"https://auth.example.com"};  // the passkey endpoints past their 503
    s.webauthn_rp_id = "auth.example.com";
    auto created = authd::App::Create(s, authd::App::Database::kCreate);
    if (!created.ok()) {
      std::fprintf(stderr, "fuzz_http: %s\n", created.status().ToString().c_str());
      std::abort();
    }
    app = std::move(created).value();
    auto hash = app->hasher().Hash("correct-horse-battery-staple");
    // A database used before already has the user; the corpus's tokens name id 1 either way.
    (void)app->store().users().Create(
        {.username = "fuzzer", .password_hash = hash, .is_active = true, .is_staff = true,
         .is_superuser = true, .date_joined_us = 1'000'000});
    auto trusted = authd::TrustedProxies::Parse(s.trusted_proxies);
    proxies = std::move(trusted).value();
    authd::AddAllRoutes(router, app->services());
    std::atexit([] { std::filesystem::remove_all(Get().dir); });
  }

  static Service& Get() {
    static Service* service = new Service;
    return *service;
  }

  authd::Response Serve(authd::Request& request) {
    authd::Response answer;
    asio::co_spawn(ctx, authd::Dispatch(router, request),
                   [&](std::exception_ptr e, authd::Response r) {
                     if (e) std::rethrow_exception(e);
                     answer = std::move(r);
                   });
    ctx.restart();
    ctx.run();
    return answer;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Service& service = Service::Get();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  while (!bytes.empty()) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(8192);  // the server's limits (ServerOptions)
    parser.body_limit(1 << 20);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!parser.is_done() && !bytes.empty()) {
      const size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
      bytes.remove_prefix(used);
      if (ec || used == 0) break;
    }
    // A parse error is answered 400/413/431 and the connection closed; an incomplete request
    // waits for more bytes until the header timeout. Either way nothing more is served.
    if (!parser.is_done()) return 0;
    auto& req = parser.get();
    if (authd::RefuseFraming(req)) return 0;
    authd::Request request = authd::ViewRequest(req, "127.0.0.1", service.proxies);
    authd::Response response = service.Serve(request);
    if (response.status >= 500 && response.status != 503) {
      std::fprintf(stderr, "fuzz_http: %d for a client's request: %s\n", response.status,
                   response.body.c_str());
      std::abort();
    }
    (void)authd::SerializeResponse(response, {.keep_alive = req.keep_alive()});
    if (!req.keep_alive()) return 0;
  }
  return 0;
}
