// DRF's PageNumberPagination: ?page=N (and ?page_size=N), answered as
// {"count", "next", "previous", "results"} with absolute next/previous links.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_error.h"
#include "api/fields.h"
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

// Cursor pages (the audit log, webhook deliveries): newest first, each page joined to the next
// by the id of its last row, so pages stay right while rows arrive.
struct CursorPage {
  std::optional<int64_t> before_id;  // ?cursor=
  int limit = 50;                    // ?page_size=, at most 200
};

// A query parameter given as text, else nullopt.
std::optional<std::string> QueryText(const boost::json::object& query, std::string_view name);

// ?cursor= and ?page_size= of `query`; what is malformed is added to `errors`.
CursorPage ReadCursorPage(const boost::json::object& query, FieldErrors& errors);

// {"results", "next"} for `rows` read with a limit of page.limit + 1 (the one more tells
// whether another page follows), each shown by `to_json`.
template <typename Row, typename ToJson>
boost::json::object CursorPageBody(std::vector<Row> rows, const CursorPage& page, ToJson to_json) {
  const bool more = static_cast<int>(rows.size()) > page.limit;
  if (more) rows.resize(static_cast<size_t>(page.limit));
  boost::json::array results;
  for (const Row& row : rows) results.push_back(to_json(row));
  boost::json::object body{{"results", std::move(results)}, {"next", nullptr}};
  if (more) body["next"] = std::to_string(rows.back().id);
  return body;
}

}  // namespace authd
