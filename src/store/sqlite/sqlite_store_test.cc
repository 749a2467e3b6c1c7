// The SQLite store against real files in a temporary directory.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <thread>

#include "store/sqlite/migrations.h"

namespace authd {
namespace {

namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("authd-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    url_ = "sqlite://" + (dir_ / "t.db").string();
    store_ = Open();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::unique_ptr<Store> Open() {
    auto s = OpenStore(url_, {});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_TRUE((*s)->Migrate().ok());
    return std::move(s).value();
  }
  static NewUser Alice() {
    return {.username = "alice", .password_hash = "h", .email = "a@example.com",
            .first_name = "Al", .last_name = "Ice", .is_active = true,
            .date_joined_us = 1'000'000};
  }

  fs::path dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, CreatesAndFindsUsers) {
  auto created = store_->users().Create(Alice());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->id, 1);
  EXPECT_EQ(created->username, "alice");
  EXPECT_FALSE(created->last_login_us);

  auto by_name = store_->users().FindByUsername("alice");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->email, "a@example.com");
  EXPECT_EQ(by_name->first_name, "Al");
  EXPECT_EQ(by_name->date_joined_us, 1'000'000);

  auto by_id = store_->users().FindById(created->id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->username, "alice");

  EXPECT_EQ(store_->users().FindById(99).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->users().FindByUsername("Alice").status().code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, UsernamesAreUnique) {
  ASSERT_TRUE(store_->users().Create(Alice()).ok());
  EXPECT_EQ(store_->users().Create(Alice()).status().code(), StatusCode::kAlreadyExists);
}

TEST_F(SqliteStoreTest, ConcurrentRegistrationsOfOneNameHaveOneWinner) {
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = store_->users().Create(Alice());
      if (r.ok()) ++won;
      else if (r.status().code() == StatusCode::kAlreadyExists) ++lost;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 7);
}

TEST_F(SqliteStoreTest, UpdatesPasswordAndLastLogin) {
  auto u = store_->users().Create(Alice());
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(store_->users().SetPasswordHash(u->id, "new").ok());
  EXPECT_TRUE(store_->users().SetLastLogin(u->id, 42).ok());
  auto again = store_->users().FindById(u->id);
  EXPECT_EQ(again->password_hash, "new");
  EXPECT_EQ(again->last_login_us, 42);
  EXPECT_EQ(store_->users().SetPasswordHash(999, "x").code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, DataSurvivesReopening) {
  ASSERT_TRUE(store_->users().Create(Alice()).ok());
  store_.reset();
  store_ = Open();
  EXPECT_TRUE(store_->users().FindByUsername("alice").ok());
}

TEST_F(SqliteStoreTest, IdsAreNeverReused) {
  auto a = store_->users().Create(Alice());
  ASSERT_TRUE(a.ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DELETE FROM users", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto b = store_->users().Create(Alice());
  ASSERT_TRUE(b.ok());
  EXPECT_GT(b->id, a->id);
}

TEST_F(SqliteStoreTest, SecretsAreCreatedOnceAndKept) {
  int calls = 0;
  auto make = [&] { ++calls; return std::string("first"); };
  EXPECT_EQ(*store_->secrets().GetOrCreate("k", make), "first");
  EXPECT_EQ(*store_->secrets().GetOrCreate("k", [] { return std::string("second"); }), "first");
  EXPECT_EQ(calls, 1);
  store_.reset();
  store_ = Open();
  EXPECT_EQ(*store_->secrets().GetOrCreate("k", [] { return std::string("third"); }), "first");
}

TEST_F(SqliteStoreTest, MigrationsAreIdempotentAndVersioned) {
  EXPECT_TRUE(store_->Migrate().ok());
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, sqlite::AllMigrations().back().version);
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerAuthd) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (999, 'future', 0)", nullptr,
                         nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Status s = store_->Migrate();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("999"), std::string::npos);
}

TEST(OpenStore, RejectsUnknownUrls) {
  EXPECT_EQ(OpenStore("mysql://x", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("sqlite://", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("sqlite:///nonexistent-dir/x/y.db", {}).status().code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace authd
