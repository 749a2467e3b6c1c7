// The pool on a real SQLite file: each thread reads on a connection of its own, reused from one
// lease to the next; a nested lease on the same thread gets another (from the shared list);
// every connection sees the others' committed writes.
#include "store/sqlite/connection_pool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

namespace authd::sqlite {
namespace {

namespace fs = std::filesystem;

TEST(ConnectionPool, EachThreadLeasesItsOwnConnectionAndNestedLeasesShare) {
  const fs::path dir = fs::temp_directory_path() / ("authd-pool-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto pool = ConnectionPool::Open((dir / "pool.db").string(), 2, 1000);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();

  Connection* first = nullptr;
  {
    auto lease = (*pool)->Acquire();
    first = &*lease;
    ASSERT_TRUE(lease->Exec("CREATE TABLE t(v INTEGER)").ok());
    {
      auto nested = (*pool)->Acquire();  // this thread's own is busy: one from the shared list
      EXPECT_NE(&*nested, first);
      ASSERT_TRUE(nested->Exec("INSERT INTO t VALUES (1)").ok());
    }
  }
  {
    auto again = (*pool)->Acquire();
    EXPECT_EQ(&*again, first);  // the same connection, with no lock taken
  }

  std::set<Connection*> others;
  for (int i = 0; i < 3; ++i) {
    std::thread([&] {
      auto lease = (*pool)->Acquire();
      others.insert(&*lease);
      ASSERT_TRUE(lease->Exec("INSERT INTO t VALUES (2)").ok());
    }).join();
  }
  EXPECT_EQ(others.count(first), 0u);

  auto lease = (*pool)->Acquire();
  auto stmt = lease->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(stmt.ok());
  Statement q(*stmt);
  ASSERT_EQ(q.Step(), SQLITE_ROW);
  EXPECT_EQ(q.Int(0), 4);  // every connection's writes, seen from this thread's own
  fs::remove_all(dir);
}

}  // namespace
}  // namespace authd::sqlite
