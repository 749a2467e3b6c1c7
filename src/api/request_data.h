// The request's fields, decoded from its body, or the 400/415 answer to give instead.
#pragma once

#include <boost/json/object.hpp>

#include "api/api_error.h"
#include "http/message.h"
#include "util/result.h"

namespace authd {

inline Result<boost::json::object, ApiError> RequestData(const Request& request) {
  auto data = DecodeBody(request.content_type, request.body);
  if (!data.ok()) return Err{BadBody(data.error())};
  return std::move(data).value();
}

}  // namespace authd
