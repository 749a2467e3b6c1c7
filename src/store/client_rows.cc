#include "store/client_rows.h"

namespace authd {

std::string RedirectUrisToText(const std::vector<std::string>& uris) {
  std::string out;
  for (const std::string& u : uris) {
    if (!out.empty()) out += '\n';
    out += u;
  }
  return out;
}

std::vector<std::string> RedirectUrisFromText(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace authd
