// `authd flushexpiredtokens`, as simplejwt's token_blacklist management command.
#include <cstdio>

#include "cli/app.h"
#include "cli/commands.h"

namespace authd {

int RunFlushExpiredTokens(Settings settings) {
  auto app = App::Create(std::move(settings));
  if (!app.ok()) {
    std::fprintf(stderr, "Error: %s\n", app.status().message().c_str());
    return 1;
  }
  auto deleted = (*app)->sessions().FlushExpired();
  if (!deleted.ok()) {
    std::fprintf(stderr, "Error: %s\n", deleted.status().message().c_str());
    return 1;
  }
  std::printf("Deleted %d expired refresh token record(s).\n", *deleted);
  return 0;
}

}  // namespace authd
