#include "http/body_decoder.h"

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <cctype>
#include <optional>

#include "util/utf8.h"

namespace authd {
namespace json = boost::json;

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of one name or value ('+' is a space).
std::optional<std::string> FormUnescape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<json::object, BodyError> DecodeForm(std::string_view body) {
  json::object fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = FormUnescape(pair.substr(0, eq));
    if (!name || !IsValidUtf8(*name)) {
      return Err{BodyError{BodyError::Kind::kParseError,
                           "Form parse error - a field name is not valid percent-encoded UTF-8.", ""}};
    }
    std::string_view raw_value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    auto value = FormUnescape(raw_value);
    if (!value) {
      return Err{BodyError{BodyError::Kind::kFieldError, "Invalid percent-encoding.", *name}};
    }
    if (!IsValidUtf8(*value)) {
      return Err{BodyError{BodyError::Kind::kFieldError, "Invalid UTF-8.", *name}};
    }
    fields[*name] = json::string(*value);  // a repeated name keeps its last value, as QueryDict.get
  }
  return fields;
}

Result<json::object, BodyError> DecodeJson(std::string_view body) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    return Err{BodyError{BodyError::Kind::kParseError,
                         fmt::format("JSON parse error - {}", ec.message()), ""}};
  }
  if (!v.is_object()) {
    const char* got = v.is_array() ? "list" : v.is_string() ? "str" : v.is_bool() ? "bool"
                      : v.is_null() ? "NoneType" : v.is_double() ? "float" : "int";
    return Err{BodyError{BodyError::Kind::kNotAnObject,
                         fmt::format("Invalid data. Expected a dictionary, but got {}.", got), ""}};
  }
  return std::move(v.as_object());
}

}  // namespace

std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  std::string out(type);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<json::object, BodyError> DecodeQuery(std::string_view query) { return DecodeForm(query); }

Result<json::object, BodyError> DecodeBody(std::string_view content_type, std::string_view body) {
  if (body.empty()) return json::object{};
  const std::string type = MediaType(content_type);
  if (type == "application/json") return DecodeJson(body);
  if (type == "application/x-www-form-urlencoded") return DecodeForm(body);
  return Err{BodyError{BodyError::Kind::kUnsupportedMediaType,
                       fmt::format("Unsupported media type \"{}\" in request.", content_type), ""}};
}

}  // namespace authd
