// Reading request fields with DRF serializer-field semantics and messages: CharField
// (required, blank, trimming, max_length, null characters) and BooleanField.
// Errors are collected per field, in the order fields are read, as DRF reports them.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd {

class FieldErrors {
 public:
  void Add(std::string_view field, std::string message);
  void AddAll(std::string_view field, const std::vector<std::string>& messages);
  bool Has(std::string_view field) const;
  bool empty() const { return errors_.empty(); }
  boost::json::object ToJson() const;

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> errors_;
};

struct CharFieldSpec {
  bool required = true;
  bool allow_blank = false;
  bool trim_whitespace = true;  // DRF's default, for passwords too
  size_t max_length = 0;        // in characters; 0 for none
  size_t max_bytes = 0;         // a byte bound checked before anything else; 0 for none
};

// A whole number from 1 up written as plain digits (a path's {id}, a cursor, a page size);
// nullopt for anything else.
std::optional<int64_t> ParsePositiveId(std::string_view text);

// The field's value, or nullopt when it is absent (and not required) or has an error.
std::optional<std::string> ReadCharField(const boost::json::object& data, std::string_view name,
                                         const CharFieldSpec& spec, FieldErrors& errors);

// DRF's BooleanField: true/false, 1/0, "on"/"off", "yes"/"no", "t"/"f" and the like.
// `absent` is the value when the field is missing.
std::optional<bool> ReadBoolField(const boost::json::object& data, std::string_view name,
                                  bool absent, FieldErrors& errors);

}  // namespace authd
