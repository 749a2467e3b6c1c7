#include "passwords/common_passwords.h"

#include <algorithm>
#include <string>
#include <vector>

namespace authd {
namespace {

// Generated: one password per line.
constexpr std::string_view kList =
#include "common_passwords.inc"
    ;

const std::vector<std::string_view>& SortedList() {
  static const std::vector<std::string_view> sorted = [] {
    std::vector<std::string_view> v;
    v.reserve(20000);
    size_t start = 0;
    while (start < kList.size()) {
      size_t end = kList.find('\n', start);
      if (end == std::string_view::npos) end = kList.size();
      std::string_view line = kList.substr(start, end - start);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
      if (!line.empty()) v.push_back(line);
      start = end + 1;
    }
    std::sort(v.begin(), v.end());
    return v;
  }();
  return sorted;
}

}  // namespace

bool IsCommonPassword(std::string_view lowered_trimmed) {
  const auto& list = SortedList();
  return std::binary_search(list.begin(), list.end(), lowered_trimmed);
}

}  // namespace authd
