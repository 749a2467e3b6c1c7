#include "api/fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "util/strings.h"
#include "util/utf8.h"

namespace authd {
namespace json = boost::json;

std::optional<int64_t> ParsePositiveId(std::string_view text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || v < 1) return std::nullopt;
  return v;
}

void FieldErrors::Add(std::string_view field, std::string message) {
  for (auto& [name, messages] : errors_) {
    if (name == field) {
      messages.push_back(std::move(message));
      return;
    }
  }
  errors_.emplace_back(std::string(field), std::vector<std::string>{std::move(message)});
}

void FieldErrors::AddAll(std::string_view field, const std::vector<std::string>& messages) {
  for (const auto& m : messages) Add(field, m);
}

bool FieldErrors::Has(std::string_view field) const {
  return std::any_of(errors_.begin(), errors_.end(), [&](const auto& e) { return e.first == field; });
}

json::object FieldErrors::ToJson() const {
  json::object out;
  for (const auto& [name, messages] : errors_) {
    json::array arr;
    for (const auto& m : messages) arr.emplace_back(m);
    out[name] = std::move(arr);
  }
  return out;
}

std::optional<std::string> ReadCharField(const json::object& data, std::string_view name,
                                         const CharFieldSpec& spec, FieldErrors& errors) {
  const json::value* v = data.if_contains(name);
  if (v == nullptr) {
    if (spec.required) errors.Add(name, "This field is required.");
    return std::nullopt;
  }
  std::string text;
  if (v->is_string()) {
    text = v->get_string();
  } else if (v->is_int64()) {
    text = std::to_string(v->get_int64());
  } else if (v->is_uint64()) {
    text = std::to_string(v->get_uint64());
  } else if (v->is_double()) {
    text = fmt::format("{}", v->get_double());
  } else if (v->is_null()) {
    errors.Add(name, "This field may not be null.");
    return std::nullopt;
  } else {
    errors.Add(name, "Not a valid string.");  // booleans, lists and objects
    return std::nullopt;
  }
  if (spec.max_bytes != 0 && text.size() > spec.max_bytes) {
    errors.Add(name, fmt::format("Ensure this field has no more than {} characters.", spec.max_bytes));
    return std::nullopt;
  }
  if (spec.trim_whitespace) text = std::string(StripAsciiWhitespace(text));
  if (text.empty()) {
    if (!spec.allow_blank) {
      errors.Add(name, "This field may not be blank.");
      return std::nullopt;
    }
    return text;
  }
  if (spec.max_length != 0 && CodePointCount(text) > spec.max_length) {
    errors.Add(name,
               fmt::format("Ensure this field has no more than {} characters.", spec.max_length));
    return std::nullopt;
  }
  if (text.find('\0') != std::string::npos) {
    errors.Add(name, "Null characters are not allowed.");
    return std::nullopt;
  }
  return text;
}

std::optional<bool> ReadBoolField(const json::object& data, std::string_view name, bool absent,
                                  FieldErrors& errors) {
  const json::value* v = data.if_contains(name);
  if (v == nullptr) return absent;
  if (v->is_bool()) return v->get_bool();
  if (v->is_int64() && (v->get_int64() == 0 || v->get_int64() == 1)) return v->get_int64() == 1;
  if (v->is_uint64() && v->get_uint64() <= 1) return v->get_uint64() == 1;
  if (v->is_double() && (v->get_double() == 0.0 || v->get_double() == 1.0)) {
    return v->get_double() == 1.0;
  }
  if (v->is_null()) {
    errors.Add(name, "This field may not be null.");
    return std::nullopt;
  }
  if (v->is_string()) {
    static constexpr std::string_view kTrue[] = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true",
                                                 "True", "TRUE", "on", "On", "ON", "1"};
    static constexpr std::string_view kFalse[] = {"f", "F", "n", "N", "no", "No", "NO", "false",
                                                  "False", "FALSE", "off", "Off", "OFF", "0"};
    std::string_view s = v->get_string();
    if (std::find(std::begin(kTrue), std::end(kTrue), s) != std::end(kTrue)) return true;
    if (std::find(std::begin(kFalse), std::end(kFalse), s) != std::end(kFalse)) return false;
  }
  errors.Add(name, "Must be a valid boolean.");
  return std::nullopt;
}

}  // namespace authd
