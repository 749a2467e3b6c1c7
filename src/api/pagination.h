// DRF's PageNumberPagination: ?page=N (and ?page_size=N), answered as
// {"count", "next", "previous", "results"} with absolute next/previous links.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>

#include "api/api_error.h"
#include "http/message.h"
#include "util/result.h"

namespace authd {

inline constexpr int64_t kDefaultPageSize = 50;
inline constexpr int64_t kMaxPageSize = 200;

struct PageRequest {
  int64_t page = 1;  // from 1
  bool last = false;  // ?page=last (DRF's last_page_strings): the page is known once counted
  int64_t size = kDefaultPageSize;
  int64_t offset() const { return (page - 1) * size; }
};

// The page asked for by `query` (already decoded). A malformed page is DRF's 404
// {"detail": "Invalid page."}; a malformed or oversized page_size falls back as DRF does.
Result<PageRequest, ApiError> ReadPageRequest(const boost::json::object& query);

// The number of the last page of `count` items (1 when there are none).
int64_t LastPage(int64_t count, int64_t size);

// The answer for one page of `count` items. A page past the end (other than an empty first
// page) is 404 "Invalid page.".
Result<boost::json::object, ApiError> PageResponse(const Request& request,
                                                   const boost::json::object& query,
                                                   const PageRequest& page, int64_t count,
                                                   boost::json::array results);

}  // namespace authd
