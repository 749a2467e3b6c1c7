#include <gtest/gtest.h>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/allowed_hosts.h"
#include "http/body_decoder.h"
#include "http/cookies.h"
#include "http/response_writer.h"
#include "http/router.h"
#include "http/static_asset.h"
#include "http/ticket_keys.h"
#include "runtime/byte_budget.h"
#include "http/trusted_proxies.h"

namespace authd {
namespace {

namespace json = boost::json;
using Kind = BodyError::Kind;

TEST(BodyDecoder, DecodesFormsStrictly) {
  auto r = DecodeBody("application/x-www-form-urlencoded", "username=al+ice&password=p%40ss&x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("username").as_string(), "al ice");
  EXPECT_EQ(r->at("password").as_string(), "p@ss");
  EXPECT_EQ(r->at("x").as_string(), "");

  auto last = DecodeBody("application/x-www-form-urlencoded; charset=utf-8", "a=1&a=2");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->at("a").as_string(), "2");

  auto bad_escape = DecodeBody("application/x-www-form-urlencoded", "password=%zz");
  ASSERT_FALSE(bad_escape.ok());
  EXPECT_EQ(bad_escape.error().kind, Kind::kFieldError);
  EXPECT_EQ(bad_escape.error().field, "password");

  auto truncated = DecodeBody("application/x-www-form-urlencoded", "password=%4");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().message, "Invalid percent-encoding.");

  auto bad_utf8 = DecodeBody("application/x-www-form-urlencoded", "username=%ff%fe");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.error().message, "Invalid UTF-8.");

  auto bad_name = DecodeBody("application/x-www-form-urlencoded", "%ff=1");
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.error().kind, Kind::kParseError);
}

TEST(BodyDecoder, DecodesJsonObjectsOnly) {
  auto r = DecodeBody("Application/JSON", R"({"username":"a","n":5})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("n").as_int64(), 5);

  auto list = DecodeBody("application/json", "[1]");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, Kind::kNotAnObject);
  EXPECT_EQ(list.error().message, "Invalid data. Expected a dictionary, but got list.");

  auto broken = DecodeBody("application/json", R"({"username": )");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().kind, Kind::kParseError);
  EXPECT_TRUE(broken.error().message.starts_with("JSON parse error - "));

  EXPECT_FALSE(DecodeBody("application/json", "{\"a\":\"\xff\"}").ok());  // invalid UTF-8
}

TEST(BodyDecoder, RefusesOtherMediaTypesButNotEmptyBodies) {
  auto r = DecodeBody("text/plain", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Kind::kUnsupportedMediaType);
  EXPECT_EQ(r.error().message, "Unsupported media type \"text/plain\" in request.");
  EXPECT_FALSE(DecodeBody("multipart/form-data; boundary=x", "--x").ok());
  auto empty = DecodeBody("", "");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

Handler Dummy() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

TEST(Router, MatchesMethodsPathsAndPlaceholders) {
  Router router;
  router.Add("POST", "/api/token/", Dummy());
  router.Add("GET", "/api/sessions/{jti}/", Dummy());
  router.Add("DELETE", "/api/sessions/{jti}/", Dummy());

  Request r;
  r.method = "POST";
  r.path = "/api/token/";
  EXPECT_EQ(router.Find(r).kind, Router::Match::Kind::kFound);

  r.method = "GET";
  auto m = router.Find(r);
  EXPECT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "POST, OPTIONS");

  r.method = "OPTIONS";
  EXPECT_TRUE(router.Find(r).is_options);

  r.method = "DELETE";
  r.path = "/api/sessions/abc/";
  m = router.Find(r);
  EXPECT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.allow, "GET, HEAD, DELETE, OPTIONS");
  ASSERT_EQ(r.path_params.size(), 1u);
  EXPECT_EQ(r.path_params[0].second, "abc");

  r.method = "HEAD";
  EXPECT_EQ(router.Find(r).kind, Router::Match::Kind::kFound);

  for (const char* path : {"/api/sessions//", "/api/sessions/a/b/", "/", "", "/api/token/x"}) {
    r.path = path;
    r.method = "GET";
    EXPECT_EQ(router.Find(r).kind, Router::Match::Kind::kNotFound) << path;
  }
}

TEST(Router, RedirectsToTheSlashedPathLikeDjango) {
  Router router;
  router.Add("POST", "/api/token/", Dummy());
  Request r;
  r.method = "POST";
  r.path = "/api/token";
  r.query = "a=1";
  auto m = router.Find(r);
  EXPECT_EQ(m.kind, Router::Match::Kind::kRedirect);
  EXPECT_EQ(m.location, "/api/token/?a=1");
}

// Reads bytes back with Beast's own response parser: what we write must be what a client reads.
struct Parsed {
  boost::beast::http::response<boost::beast::http::string_body> message;
  bool complete = false;
};

Parsed ParseResponse(const std::string& bytes, bool head_request = false) {
  boost::beast::http::response_parser<boost::beast::http::string_body> parser;
  parser.skip(head_request);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(bytes), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  EXPECT_FALSE(ec) << ec.message() << " in:\n" << bytes;
  EXPECT_EQ(used, bytes.size()) << bytes;
  return {parser.release(), parser.is_done()};
}

TEST(ResponseWriter, WritesAnAnswerBeastReadsBack) {
  Response r;
  r.status = 401;
  r.body = R"({"detail":"x"})";
  r.AddHeader("WWW-Authenticate", R"(Bearer realm="api")");
  std::string bytes = SerializeResponse(r, {}).head;
  EXPECT_EQ(bytes.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u) << bytes;
  Parsed p = ParseResponse(bytes);
  ASSERT_TRUE(p.complete);
  EXPECT_EQ(p.message.result_int(), 401);
  EXPECT_EQ(p.message.body(), r.body);
  EXPECT_EQ(p.message["Content-Type"], "application/json");
  EXPECT_EQ(p.message["Content-Length"], std::to_string(r.body.size()));
  EXPECT_EQ(p.message["WWW-Authenticate"], R"(Bearer realm="api")");
  EXPECT_EQ(p.message["X-Content-Type-Options"], "nosniff");
  EXPECT_TRUE(p.message.keep_alive());
}

TEST(ResponseWriter, NoContentHasNoBodyTypeOrLength) {
  Response r;
  r.status = 204;
  r.body = "ignored";
  std::string bytes = SerializeResponse(r, {}).head;
  EXPECT_EQ(bytes.find("\r\nContent-"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "\r\n\r\n");
  EXPECT_TRUE(ParseResponse(bytes).complete);
}

TEST(ResponseWriter, HeadSendsGetsLengthWithoutTheBody) {
  Response r;
  r.body = R"({"id":1})";
  std::string bytes = SerializeResponse(r, {.head_only = true}).head;
  EXPECT_NE(bytes.find("Content-Length: 8\r\n"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "\r\n\r\n");
  EXPECT_TRUE(ParseResponse(bytes, /*head_request=*/true).complete);
}

TEST(ResponseWriter, ConnectionHeaderFollowsTheVersionsDefault) {
  Response r;
  r.body = "{}";
  EXPECT_FALSE(ParseResponse(SerializeResponse(r, {.keep_alive = false}).head).message.keep_alive());
  auto http10 = ParseResponse(SerializeResponse(r, {.version = 10, .keep_alive = true}).head);
  EXPECT_EQ(http10.message.version(), 10u);
  EXPECT_TRUE(http10.message.keep_alive());
  EXPECT_FALSE(
      ParseResponse(SerializeResponse(r, {.version = 10, .keep_alive = false}).head).message.keep_alive());
  EXPECT_EQ(SerializeResponse(r, {}).head.find("Connection"), std::string::npos);
}

TEST(ResponseWriter, LeavesOutHeadersThatCouldSplitTheResponse) {
  Response r;
  r.body = "{}";
  r.AddHeader("Location", "/a\r\nSet-Cookie: evil=1");
  r.AddHeader("X-Ok", "fine");
  std::string bytes = SerializeResponse(r, {}).head;
  EXPECT_EQ(bytes.find("evil"), std::string::npos) << bytes;
  EXPECT_EQ(ParseResponse(bytes).message["X-Ok"], "fine");
}

TEST(TrustedProxies, BelievesForwardedForOnlyFromTrustedPeers) {
  auto t = TrustedProxies::Parse({"10.0.0.0/8", "192.0.2.1", "fd00::/8"});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // No header, or an untrusted peer: the socket's peer, whatever the header claims.
  EXPECT_EQ(t->ClientAddress("10.1.2.3", ""), "10.1.2.3");
  EXPECT_EQ(t->ClientAddress("203.0.113.5", "1.2.3.4"), "203.0.113.5");
  // A trusted peer: the right-most hop that is not one of ours.
  EXPECT_EQ(t->ClientAddress("10.1.2.3", "198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(t->ClientAddress("10.1.2.3", "6.6.6.6, 198.51.100.7, 10.9.9.9"), "198.51.100.7");
  EXPECT_EQ(t->ClientAddress("192.0.2.1", " 198.51.100.7 ,192.0.2.1"), "198.51.100.7");
  EXPECT_EQ(t->ClientAddress("fd00::1", "2001:db8::5"), "2001:db8::5");
  // IPv4 peers as a dual-stack socket reports them.
  EXPECT_EQ(t->ClientAddress("::ffff:10.0.0.1", "198.51.100.7"), "198.51.100.7");
  // Garbage stops the walk at the last address we could vouch for.
  EXPECT_EQ(t->ClientAddress("10.1.2.3", "198.51.100.7, not-an-ip"), "10.1.2.3");
  EXPECT_EQ(t->ClientAddress("10.1.2.3", "junk, 198.51.100.7"), "198.51.100.7");
  // Every hop ours: the left-most.
  EXPECT_EQ(t->ClientAddress("10.1.2.3", "10.0.0.2, 10.0.0.3"), "10.0.0.2");
}

TEST(TrustedProxies, NobodyByDefaultAndBadEntriesAreNamed) {
  TrustedProxies none;
  EXPECT_EQ(none.ClientAddress("127.0.0.1", "1.2.3.4"), "127.0.0.1");
  for (const char* bad : {"10.0.0.0/33", "example.com", "10.0.0.1/8x", "::1/129"}) {
    auto t = TrustedProxies::Parse({bad});
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find(bad), std::string::npos);
  }
  auto t = TrustedProxies::Parse({"127.0.0.1", "::1"});
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->Trusts("127.0.0.1"));
  EXPECT_TRUE(t->Trusts("::1"));
  EXPECT_FALSE(t->Trusts("127.0.0.2"));
}

TEST(AllowedHosts, MatchesLikeDjangosAllowedHosts) {
  AllowedHosts every;
  EXPECT_TRUE(every.Allows("anything.example"));
  auto h = AllowedHosts::Parse({"auth.example.com", ".corp.example", "[::1]", "LOCALHOST"});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  for (const char* ok : {"auth.example.com", "AUTH.Example.com:8443", "auth.example.com.",
                         "corp.example", "a.b.corp.example:80", "[::1]:8000", "localhost"}) {
    EXPECT_TRUE(h->Allows(ok)) << ok;
  }
  for (const char* no : {"", "evil.example", "auth.example.com.evil", "xcorp.example",
                         "auth.example.com:", "auth.example.com:http", "auth.example.com:123456",
                         "auth.example.com@evil", "auth example.com", "[::2]", "127.0.0.1"}) {
    EXPECT_FALSE(h->Allows(no)) << no;
  }
  auto star = AllowedHosts::Parse({"auth.example.com", "*"});
  ASSERT_TRUE(star.ok());
  EXPECT_TRUE(star->Allows("evil.example"));
  for (const char* bad : {"https://auth.example.com", "auth.example.com:443", "..example", "a/b", "[::1"}) {
    auto r = AllowedHosts::Parse({bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find(bad), std::string::npos);
  }
}

TEST(ResponseWriter, StaticBodiesAreLeftWhereTheyAre) {
  static constexpr std::string_view kBytes = "console.log('compiled in');";
  Response r;
  r.static_body = kBytes;
  r.content_type = "application/javascript";
  WireAnswer wire = SerializeResponse(r, {});
  EXPECT_EQ(wire.tail.data(), kBytes.data());  // not a copy
  EXPECT_EQ(wire.size(), wire.head.size() + kBytes.size());
  Parsed p = ParseResponse(wire.head + std::string(wire.tail));
  ASSERT_TRUE(p.complete);
  EXPECT_EQ(p.message.body(), kBytes);
  // HEAD: the static body's length, none of its bytes.
  wire = SerializeResponse(r, {.head_only = true});
  EXPECT_TRUE(wire.tail.empty());
  EXPECT_NE(wire.head.find("Content-Length: " + std::to_string(kBytes.size())), std::string::npos);
  // 304: neither body nor length.
  r.status = 304;
  wire = SerializeResponse(r, {});
  EXPECT_TRUE(wire.tail.empty());
  EXPECT_EQ(wire.head.find("\r\nContent-"), std::string::npos) << wire.head;
}

TEST(StaticAsset, ChoosesTheEncodingTheClientPrefers) {
  using E = ContentEncoding;
  EXPECT_EQ(ChooseEncoding("", true, true), E::kIdentity);
  EXPECT_EQ(ChooseEncoding("gzip, deflate, br", true, true), E::kBrotli);  // browsers
  EXPECT_EQ(ChooseEncoding("gzip, deflate, br", true, false), E::kGzip);
  EXPECT_EQ(ChooseEncoding("gzip, deflate", true, true), E::kGzip);         // Python requests
  EXPECT_EQ(ChooseEncoding("GZIP", true, true), E::kGzip);
  EXPECT_EQ(ChooseEncoding("x-gzip", true, true), E::kGzip);
  EXPECT_EQ(ChooseEncoding("br;q=0.5, gzip;q=0.8", true, true), E::kGzip);
  EXPECT_EQ(ChooseEncoding("br;q=0, gzip;q=0", true, true), E::kIdentity);
  EXPECT_EQ(ChooseEncoding("*", true, true), E::kBrotli);
  EXPECT_EQ(ChooseEncoding("*;q=0.5, identity", true, true), E::kIdentity);
  EXPECT_EQ(ChooseEncoding("identity", true, true), E::kIdentity);
  EXPECT_EQ(ChooseEncoding("deflate", true, true), E::kIdentity);
  EXPECT_EQ(ChooseEncoding("br;q=2, gzip;q=x, gzip;q=0.1", true, true), E::kGzip);  // bad q ignored
  EXPECT_EQ(ChooseEncoding(" br ; q=1.000 ,gzip", true, true), E::kBrotli);
}

TEST(StaticAsset, AnswersWithAnETagPerEncodingAnd304WhenItMatches) {
  static constexpr std::string_view kPlain = "body { color: red }";
  static constexpr std::string_view kGzip = "(gzip bytes)";
  StaticAsset asset({kPlain, kGzip, {}}, "text/css", kVersionedUrl);
  EXPECT_EQ(asset.version().size(), 16u);
  auto header = [](const Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string();
  };
  Request request;
  Response plain = asset.Answer(request);
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.static_body.data(), kPlain.data());
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(plain, "Cache-Control"), "public, max-age=300");
  const std::string plain_tag = header(plain, "ETag");
  EXPECT_EQ(plain_tag, "\"" + asset.version() + "\"");

  request.accept_encoding = "gzip, br";
  Response gzip = asset.Answer(request);
  EXPECT_EQ(gzip.static_body, kGzip);
  EXPECT_EQ(header(gzip, "Content-Encoding"), "gzip");
  const std::string gzip_tag = header(gzip, "ETag");
  EXPECT_NE(gzip_tag, plain_tag);

  // The URL naming the current version may be cached for a year; any other, briefly.
  const std::string query = "v=" + asset.version();
  request.query = query;
  EXPECT_EQ(header(asset.Answer(request), "Cache-Control"), "public, max-age=31536000, immutable");
  request.query = "v=0123456789abcdef";
  EXPECT_EQ(header(asset.Answer(request), "Cache-Control"), "public, max-age=300");

  // If-None-Match: the current tag of the chosen encoding (weak comparison, lists, "*").
  for (std::string inm : {gzip_tag, "W/" + gzip_tag, "\"other\", " + gzip_tag, std::string("*")}) {
    request.if_none_match = inm;
    Response r = asset.Answer(request);
    EXPECT_EQ(r.status, 304) << inm;
    EXPECT_TRUE(r.static_body.empty());
    EXPECT_EQ(header(r, "ETag"), gzip_tag);
  }
  request.if_none_match = plain_tag;  // another encoding's tag
  EXPECT_EQ(asset.Answer(request).status, 200);
}

TEST(ByteBudget, RefusesWhatWouldPassTheLimitAndTakesBackWhatIsReleased) {
  ByteBudget budget(100);
  {
    auto a = budget.Reserve(60);
    ASSERT_TRUE(a.ok());
    auto b = budget.Reserve(50);
    EXPECT_FALSE(b.ok());
    auto c = budget.Reserve(40);
    EXPECT_TRUE(c.ok());
    EXPECT_EQ(budget.used(), 100u);
    EXPECT_FALSE(budget.Reserve(1).ok());
    EXPECT_FALSE(budget.Reserve(SIZE_MAX).ok());
  }
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_TRUE(budget.Reserve(100).ok());
  EXPECT_TRUE(ByteBudget::Reservation::None().ok());
}

TEST(TicketKeys, RotateEveryTwelveHoursAndOpenWithTheLastThree) {
  ManualClock clock(int64_t{1'700'000'000} * 1'000'000);
  OsRandom random;
  TicketKeys keys(clock, random);
  const TicketKeys::Key first = keys.Current();
  EXPECT_EQ(keys.Current().name, first.name);  // the same key until its time is up
  auto found = keys.Find(first.name.data());
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->second);

  clock.AdvanceSeconds(12 * 3600);
  const TicketKeys::Key second = keys.Current();
  EXPECT_NE(second.name, first.name);
  EXPECT_NE(second.aes, first.aes);
  EXPECT_NE(second.hmac, first.hmac);
  // The old one still opens tickets, which are then renewed under the new one.
  found = keys.Find(first.name.data());
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->second);
  EXPECT_EQ(found->first.aes, first.aes);

  clock.AdvanceSeconds(12 * 3600);
  (void)keys.Current();
  EXPECT_TRUE(keys.Find(first.name.data()).has_value());  // 24 h old: the third kept
  clock.AdvanceSeconds(12 * 3600);
  (void)keys.Current();
  EXPECT_FALSE(keys.Find(first.name.data()).has_value());  // 36 h: gone
  EXPECT_TRUE(keys.Find(second.name.data()).has_value());
  // Without new tickets sealed, an old key still dies by its age.
  clock.AdvanceSeconds(36 * 3600);
  EXPECT_FALSE(keys.Find(second.name.data()).has_value());
  const std::array<uint8_t, 16> unknown{};
  EXPECT_FALSE(keys.Find(unknown.data()).has_value());
}

TEST(Cookies, FindsTheNamedValueAmongOthers) {
  EXPECT_EQ(CookieValue("a=1; authd_session=tok.en; b=2", "authd_session"), "tok.en");
  EXPECT_EQ(CookieValue("authd_session=x", "authd_session"), "x");
  EXPECT_EQ(CookieValue("  authd_session = \"q\" ;", "authd_session"), "q");
  EXPECT_EQ(CookieValue("flag; authd_session=v", "authd_session"), "v");  // no '=': skipped
  EXPECT_EQ(CookieValue("x_authd_session=1; authd_session=2", "authd_session"), "2");
  EXPECT_EQ(CookieValue("authd_session=", "authd_session"), "");
  EXPECT_FALSE(CookieValue("", "authd_session"));
  EXPECT_FALSE(CookieValue("authd_sessionx=1; session=2", "authd_session"));
  EXPECT_FALSE(CookieValue(";;;=;", "authd_session"));
}

TEST(Cookies, SetCookieIsHttpOnlyStrictAndSecureWhenAsked) {
  EXPECT_EQ(HttpOnlyCookie("s", "v", {.path = "/api/browser/", .max_age_seconds = 60}),
            "s=v; Path=/api/browser/; Max-Age=60; HttpOnly; SameSite=Strict");
  EXPECT_EQ(HttpOnlyCookie("s", "", {.path = "/p/", .max_age_seconds = 0, .secure = true}),
            "s=; Path=/p/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(HttpOnlyCookie("b", "v", {.path = "/api/oidc/", .max_age_seconds = 600, .same_site = "Lax"}),
            "b=v; Path=/api/oidc/; Max-Age=600; HttpOnly; SameSite=Lax");
}

}  // namespace
}  // namespace authd
