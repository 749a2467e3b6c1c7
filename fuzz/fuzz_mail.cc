// What mail builds from user data: templates (an operator's override files), addresses and
// header values. The input is "template \n value \n address". Beyond not crashing, the message
// must keep its shape: every header line is one authd wrote (or a folded continuation), so no
// byte of a value can add a header or a recipient.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "split_input.h"
#include "mail/address.h"
#include "mail/mail_template.h"
#include "mail/message.h"
#include "mail/templates.h"
#include "util/random.h"

namespace {

class CountingRandom final : public authd::Random {
 public:
  void Fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = static_cast<uint8_t>(next_++);
  }

 private:
  unsigned next_ = 0;
};

void CheckHeaders(std::string_view message, std::string_view to) {
  const size_t end = message.find("\r\n\r\n");
  if (end == std::string_view::npos) std::abort();
  std::string_view head = message.substr(0, end + 2);
  static constexpr std::string_view kNames[] = {"Date: ", "From: ", "To: ", "Subject: ",
                                                "Message-ID: ", "MIME-Version: ", "Content-Type: "};
  int to_lines = 0;
  while (!head.empty()) {
    const size_t eol = head.find("\r\n");
    if (eol == std::string_view::npos) std::abort();
    std::string_view line = head.substr(0, eol);
    if (line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos) std::abort();
    bool known = !line.empty() && line.front() == ' ';
    for (auto name : kNames) known = known || line.starts_with(name);
    if (!known) std::abort();
    if (line.starts_with("To: ")) {
      ++to_lines;
      if (line != "To: <" + std::string(to) + ">") std::abort();
    }
    head.remove_prefix(eol + 2);
  }
  if (to_lines != 1) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [text, value, address] = SplitInput<3>(data, size);

  authd::TemplateValues values;
  for (const auto& name : authd::MailPlaceholders()) values[name] = std::string(value);
  for (auto escape : {authd::MailTemplate::Escape::kNone, authd::MailTemplate::Escape::kHtml}) {
    auto t = authd::MailTemplate::Parse(text, authd::MailPlaceholders(), escape);
    if (!t.ok()) continue;
    const std::string out = t->Render(values);
    // In HTML, a value's '<' is always escaped: any '<' in the output is the template's.
    if (escape == authd::MailTemplate::Escape::kHtml && text.find('<') == std::string_view::npos &&
        out.find('<') != std::string::npos) {
      std::abort();
    }
  }
  (void)authd::EncodeHeaderWords(value, 9);
  CountingRandom random;
  authd::MailMessage m{.from_name = std::string(value),
                       .from_address = "no-reply@example.com",
                       .to = std::string(address),
                       .subject = std::string(value),
                       .text = std::string(text),
                       .html = std::string(text)};
  auto rendered = authd::RenderMessage(m, 1'700'000'000, random);
  if (rendered.ok()) {
    if (!authd::IsMailableAddress(address)) std::abort();
    CheckHeaders(*rendered, address);
  }
  return 0;
}
