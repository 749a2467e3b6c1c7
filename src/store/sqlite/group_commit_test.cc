// Group commit on a real SQLite file: every job commits, a failing job is undone alone, jobs
// queued behind a commit share the next one, and everything is there after reopening.
#include "store/sqlite/group_commit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

namespace authd::sqlite {
namespace {

namespace fs = std::filesystem;

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("authd-group-commit-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    pool_ = OpenPool();
    auto conn = pool_->Acquire();
    ASSERT_TRUE(conn->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT NOT NULL)").ok());
  }
  void TearDown() override {
    pool_.reset();
    fs::remove_all(dir_);
  }
  std::unique_ptr<ConnectionPool> OpenPool() {
    auto pool = ConnectionPool::Open((dir_ / "g.db").string(), 4, 5000);
    EXPECT_TRUE(pool.ok()) << pool.status().ToString();
    return std::move(pool).value();
  }
  static Status Insert(Connection& c, int64_t k) {
    auto stmt = c.Prepare("INSERT INTO t(k, v) VALUES (?, 'x')");
    if (!stmt.ok()) return stmt.status();
    Statement q(*stmt);
    q.Bind(1, k);
    int rc = q.Step();
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "insert");
  }
  static int64_t Count(ConnectionPool& pool) {
    auto conn = pool.Acquire();
    auto stmt = conn->Prepare("SELECT count(*) FROM t");
    Statement q(*stmt);
    EXPECT_EQ(q.Step(), SQLITE_ROW);
    return q.Int(0);
  }

  fs::path dir_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(GroupCommitTest, JobsQueuedBehindACommitShareTheNextOne) {
  GroupCommit commits(*pool_);
  constexpr int kThreads = 8;
  std::atomic<int> ran_elsewhere{0};
  std::vector<std::thread> threads;
  // The first job holds its transaction open long enough for the others to queue behind it;
  // they then go through in one later transaction, most on a leader's thread.
  threads.emplace_back([&] {
    Status s = commits.Run([&](Connection& c) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return Insert(c, 0);
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (int i = 1; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const auto caller = std::this_thread::get_id();
      Status s = commits.Run([&](Connection& c) {
        if (std::this_thread::get_id() != caller) ran_elsewhere.fetch_add(1);
        return Insert(c, i);
      });
      EXPECT_TRUE(s.ok()) << s.ToString();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Count(*pool_), kThreads);
  EXPECT_GE(ran_elsewhere.load(), kThreads - 2);
}

TEST_F(GroupCommitTest, AFailingJobIsUndoneAloneAndTheOthersCommit) {
  GroupCommit commits(*pool_);
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  threads.emplace_back([&] {
    (void)commits.Run([&](Connection& c) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return Insert(c, 100);
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      Status s = commits.Run([&](Connection& c) -> Status {
        if (i % 2 == 1) {
          // Writes a row, then fails: the row must not survive.
          if (Status w = Insert(c, 1000 + i); !w.ok()) return w;
          return Internal("job failed on purpose");
        }
        return Insert(c, i);
      });
      if (!s.ok()) failed.fetch_add(1);
      EXPECT_EQ(s.ok(), i % 2 == 0) << i << ": " << s.ToString();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 3);
  EXPECT_EQ(Count(*pool_), 4);  // 100, 0, 2, 4

  // Durable: a fresh pool on the same file sees exactly the committed rows.
  pool_.reset();
  auto reopened = OpenPool();
  EXPECT_EQ(Count(*reopened), 4);
  pool_ = std::move(reopened);
}

TEST_F(GroupCommitTest, ManyThreadsManyJobsAllCommit) {
  GroupCommit commits(*pool_);
  constexpr int kThreads = 16, kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int j = 0; j < kEach; ++j) {
        EXPECT_TRUE(commits.Run([&](Connection& c) { return Insert(c, t * kEach + j); }).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Count(*pool_), kThreads * kEach);
}

}  // namespace
}  // namespace authd::sqlite
