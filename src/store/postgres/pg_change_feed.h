// PostgreSQL's change feed: LISTEN on the channel that migration 5's triggers NOTIFY (the
// id of the user whose row, or one of whose refresh-token records, was updated or deleted, by
// any client: another authd instance, an operator's psql). On a connection of its own,
// made again after an outage; while it is lost the cache is told it is not watching, and a
// heartbeat finds a connection that died silently within a second.
#pragma once

#include <memory>
#include <string>

#include "store/change_feed.h"

namespace authd::pg {

inline constexpr const char* kChangeChannel = "authd_changes";

std::unique_ptr<ChangeFeed> OpenPgChangeFeed(const std::string& conninfo);

}  // namespace authd::pg
