// How a client's redirect URIs are kept in one column on both backends: one per line (a
// registrable URI never holds whitespace: oauth/clients.h), written and read here only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace authd {

std::string RedirectUrisToText(const std::vector<std::string>& uris);
std::vector<std::string> RedirectUrisFromText(std::string_view text);

}  // namespace authd
