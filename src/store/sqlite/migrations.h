// The versioned schema of a SQLite database. Migrations are append-only: a released one is never
// edited, a change is a new entry.
#pragma once

#include <span>

#include "store/sqlite/connection.h"

namespace authd::sqlite {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

std::span<const Migration> AllMigrations();

// Applies the missing migrations in order, each in its own IMMEDIATE transaction (so two
// processes starting together apply each one once).
Status ApplyMigrations(Connection& conn);

// The highest applied version, 0 when none.
StatusOr<int> AppliedVersion(Connection& conn);

}  // namespace authd::sqlite
