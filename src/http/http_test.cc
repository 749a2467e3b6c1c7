#include <gtest/gtest.h>

#include "http/body_decoder.h"
#include "http/router.h"

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

}  // namespace
}  // namespace authd
