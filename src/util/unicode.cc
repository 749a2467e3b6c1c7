#include "util/unicode.h"

#include <locale.h>
#include <wctype.h>

#include "util/utf8.h"

namespace authd {
namespace {

locale_t Utf8Locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    return l != static_cast<locale_t>(0) ? l : newlocale(LC_CTYPE_MASK, "C", static_cast<locale_t>(0));
  }();
  return loc;
}

}  // namespace

bool IsWordChar(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  return iswalnum_l(static_cast<wint_t>(c), Utf8Locale()) != 0;
}

std::u32string ToLowerCodePoints(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    char32_t c = NextCodePoint(utf8, i);
    out.push_back(static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), Utf8Locale())));
  }
  return out;
}

}  // namespace authd
