#include "mail/mail_template.h"

#include <fmt/format.h>

#include "util/html.h"

namespace authd {
namespace {

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

size_t LineOf(std::string_view text, size_t pos) {
  size_t line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

}  // namespace

StatusOr<MailTemplate> MailTemplate::Parse(std::string_view text,
                                           const std::set<std::string>& known, Escape escape) {
  MailTemplate t;
  t.escape_ = escape;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      t.pieces_.push_back({std::string(text.substr(pos)), false});
      break;
    }
    if (open > pos) t.pieces_.push_back({std::string(text.substr(pos, open - pos)), false});
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return InvalidArgument(fmt::format("line {}: '{{{{' is never closed", LineOf(text, open)));
    }
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    bool valid = !name.empty();
    for (char c : name) valid = valid && NameChar(c);
    if (!valid) {
      return InvalidArgument(
          fmt::format("line {}: a placeholder is a name of letters, digits and _", LineOf(text, open)));
    }
    if (!known.contains(std::string(name))) {
      std::string names;
      for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
      return InvalidArgument(fmt::format("line {}: unknown placeholder '{}' (known: {})",
                                         LineOf(text, open), name, names));
    }
    t.pieces_.push_back({std::string(name), true});
    pos = close + 2;
  }
  return t;
}

std::string MailTemplate::Render(const TemplateValues& values) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (!p.placeholder) {
      out += p.text;
      continue;
    }
    auto it = values.find(p.text);
    if (it == values.end()) continue;
    out += escape_ == Escape::kHtml ? EscapeHtml(it->second) : it->second;
  }
  return out;
}

}  // namespace authd
