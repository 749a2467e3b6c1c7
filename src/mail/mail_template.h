// The mails' templates: text with {{name}} placeholders, nothing more (no logic, no
// includes), so an operator's override cannot run code and every value goes through one
// escaping rule. In an HTML template each value is HTML-escaped; in a text or subject
// template it is inserted as it is (the message builder encodes it).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace authd {

using TemplateValues = std::map<std::string, std::string, std::less<>>;

class MailTemplate {
 public:
  enum class Escape { kNone, kHtml };

  // InvalidArgument, with the line, for an unclosed "{{", an empty or malformed name, or a
  // name not in `known` (a misspelled placeholder would otherwise mail an empty gap).
  static StatusOr<MailTemplate> Parse(std::string_view text, const std::set<std::string>& known,
                                      Escape escape);

  // The text with every placeholder replaced by its value ("" when `values` lacks it).
  std::string Render(const TemplateValues& values) const;

 private:
  struct Piece {
    std::string text;  // literal text, or the placeholder's name
    bool placeholder = false;
  };
  std::vector<Piece> pieces_;
  Escape escape_ = Escape::kNone;
};

}  // namespace authd
