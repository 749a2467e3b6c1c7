// Django's list of 20,000 common passwords, compiled in from Debian's python3-django at build
// time (see CMakeLists.txt), so the binary needs no data file at run time.
#pragma once

#include <string_view>

namespace authd {

// True when `lowered_trimmed` (the password lower-cased and stripped, as Django compares it)
// is on the list.
bool IsCommonPassword(std::string_view lowered_trimmed);

}  // namespace authd
