// Request bodies as DRF's parsers read them: application/x-www-form-urlencoded and
// application/json, both into one JSON object of fields. Decoding is strict: invalid
// percent-escapes and invalid UTF-8 are refused, never repaired.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "util/result.h"

namespace authd {

struct BodyError {
  enum class Kind {
    kUnsupportedMediaType,  // 415
    kParseError,            // 400 {"detail": ...}
    kFieldError,            // 400 {field: [message]}
    kNotAnObject,           // 400 {"non_field_errors": [...]}
  } kind;
  std::string message;  // the detail, or the field's message
  std::string field;    // for kFieldError
};

// An empty body is an empty object whatever the content type, as in DRF.
Result<boost::json::object, BodyError> DecodeBody(std::string_view content_type,
                                                  std::string_view body);

// A URL query string (a=1&b=2), decoded with the same strict rules as a form body.
Result<boost::json::object, BodyError> DecodeQuery(std::string_view query);

// The media type of a Content-Type value, lower-cased, without parameters.
std::string MediaType(std::string_view content_type);

}  // namespace authd
