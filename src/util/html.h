// Text into HTML: for the mails' HTML parts and the hosted pages' shell.
#pragma once

#include <string>
#include <string_view>

namespace authd {

// &, <, >, " and ' as entities: safe in element text and in quoted attribute values.
std::string EscapeHtml(std::string_view text);

}  // namespace authd
