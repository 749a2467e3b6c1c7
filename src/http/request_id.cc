#include "http/request_id.h"

#include "util/random.h"

namespace authd {

std::string AcceptOrMakeRequestId(std::string_view incoming) {
  auto acceptable = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '=';
  };
  if (!incoming.empty() && incoming.size() <= 128) {
    bool ok = true;
    for (char c : incoming) ok = ok && acceptable(c);
    if (ok) return std::string(incoming);
  }
  thread_local OsRandom random;
  return random.Hex(16);
}

}  // namespace authd
