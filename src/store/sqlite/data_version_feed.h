// SQLite's change feed: PRAGMA data_version on a connection of its own changes whenever another
// connection (of this process or another) commits to the file. It says that something changed,
// not what, so every change reports AllChanged. Writes of this process reach the cache
// directly as well; this is for `authd changepassword`, a second `authd serve`, an operator's
// sqlite3 shell.
#pragma once

#include <memory>
#include <string>

#include "store/change_feed.h"

namespace authd::sqlite {

std::unique_ptr<ChangeFeed> OpenDataVersionFeed(const std::string& path, int busy_timeout_ms);

}  // namespace authd::sqlite
