// The PostgreSQL schema, in the same numbered steps as SQLite's (store/sqlite/migrations.cc):
// version N means the same tables on either backend. Applied under an advisory lock, so
// instances starting together apply each step once, one after another.
#pragma once

#include "store/postgres/pg_connection.h"

namespace authd::pg {

Status ApplyMigrations(Connection& conn);
StatusOr<int> AppliedVersion(Connection& conn);

}  // namespace authd::pg
