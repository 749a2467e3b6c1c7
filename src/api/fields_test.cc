#include "api/fields.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace authd {
namespace {

namespace json = boost::json;

json::object Obj(const char* text) { return json::parse(text).as_object(); }

TEST(CharField, DrfSemantics) {
  FieldErrors e;
  auto data = Obj(R"({"a":"  x  ","n":5,"f":1.5,"b":true,"z":null,"blank":"   ","nul":"a\u0000b",
                      "long":"abcdef","list":[1]})");
  EXPECT_EQ(*ReadCharField(data, "a", {}, e), "x");
  EXPECT_EQ(*ReadCharField(data, "a", {.trim_whitespace = false}, e), "  x  ");
  EXPECT_EQ(*ReadCharField(data, "n", {}, e), "5");
  EXPECT_EQ(*ReadCharField(data, "f", {}, e), "1.5");
  EXPECT_TRUE(e.empty());
  EXPECT_FALSE(ReadCharField(data, "b", {}, e));
  EXPECT_FALSE(ReadCharField(data, "list", {}, e));
  EXPECT_FALSE(ReadCharField(data, "z", {}, e));
  EXPECT_FALSE(ReadCharField(data, "missing", {}, e));
  EXPECT_FALSE(ReadCharField(data, "blank", {}, e));
  EXPECT_FALSE(ReadCharField(data, "nul", {}, e));
  EXPECT_FALSE(ReadCharField(data, "long", {.max_length = 5}, e));
  EXPECT_EQ(json::serialize(e.ToJson()),
            R"({"b":["Not a valid string."],"list":["Not a valid string."],)"
            R"("z":["This field may not be null."],"missing":["This field is required."],)"
            R"("blank":["This field may not be blank."],"nul":["Null characters are not allowed."],)"
            R"("long":["Ensure this field has no more than 5 characters."]})");
}

TEST(CharField, OptionalAndBlankAllowed) {
  FieldErrors e;
  auto data = Obj(R"({"blank":""})");
  EXPECT_FALSE(ReadCharField(data, "missing", {.required = false}, e));
  EXPECT_EQ(*ReadCharField(data, "blank", {.allow_blank = true}, e), "");
  EXPECT_TRUE(e.empty());
}

TEST(CharField, ByteBoundIsCheckedFirst) {
  FieldErrors e;
  json::object data{{"p", std::string(5000, 'x')}};
  EXPECT_FALSE(ReadCharField(data, "p", {.max_bytes = 4096}, e));
  EXPECT_EQ(json::serialize(e.ToJson()),
            R"({"p":["Ensure this field has no more than 4096 characters."]})");
}

TEST(BoolField, DrfSemantics) {
  FieldErrors e;
  auto data = Obj(R"({"t":"true","on":"on","one":1,"yes":"Yes","f":"false","off":"off","zero":0,
                      "jt":true,"jf":false,"bad":"maybe","two":2,"nul":null})");
  for (const char* k : {"t", "on", "one", "yes", "jt"}) EXPECT_EQ(ReadBoolField(data, k, false, e), true) << k;
  for (const char* k : {"f", "off", "zero", "jf"}) EXPECT_EQ(ReadBoolField(data, k, true, e), false) << k;
  EXPECT_EQ(ReadBoolField(data, "absent", true, e), true);
  EXPECT_TRUE(e.empty());
  EXPECT_FALSE(ReadBoolField(data, "bad", true, e));
  EXPECT_FALSE(ReadBoolField(data, "two", true, e));
  EXPECT_FALSE(ReadBoolField(data, "nul", true, e));
  EXPECT_EQ(json::serialize(e.ToJson()),
            R"({"bad":["Must be a valid boolean."],"two":["Must be a valid boolean."],)"
            R"("nul":["This field may not be null."]})");
}

}  // namespace
}  // namespace authd
