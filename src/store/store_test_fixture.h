// The store conformance fixture: every test that uses it runs once per backend, on a real
// SQLite file in a temporary directory and on a fresh database in a real PostgreSQL server
// (the private one scripts/pg-test.sh starts for ctest; its URL is in the file named by
// AUTHD_TEST_PG_URL_FILE), and on each again behind the row cache (OpenCachedStore, as
// `authd serve` runs). One contract, held by every one of them.
//
//   TEST_P(StoreTest, ...) { ... store_->users() ... }
//   AUTHD_FOR_EACH_BACKEND(StoreTest);
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "store/store.h"

namespace authd {

namespace fs = std::filesystem;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam().starts_with("postgresql")) {
      const char* file = std::getenv("AUTHD_TEST_PG_URL_FILE");
      if (file == nullptr) GTEST_SKIP() << "no test PostgreSQL: run through ctest";
      std::ifstream in(file);
      ASSERT_TRUE(std::getline(in, admin_url_)) << "cannot read " << file;
      static std::atomic<int> serial{0};
      db_name_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(serial++);
      ASSERT_TRUE(AdminSql("CREATE DATABASE " + db_name_));
      url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + db_name_;
    } else {
      // A parameterised test's name is "Name/backend": flattened, so TearDown removes the
      // whole directory rather than only its last component.
      std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(name.begin(), name.end(), '/', '_');
      dir_ = fs::temp_directory_path() /
             ("authd-store-test-" + std::to_string(::getpid()) + "-" + name);
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      url_ = "sqlite://" + (dir_ / "t.db").string();
    }
    store_ = Open();
  }
  void TearDown() override {
    store_.reset();
    if (!db_name_.empty()) {
      EXPECT_TRUE(AdminSql("DROP DATABASE " + db_name_ + " WITH (FORCE)"));
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::unique_ptr<Store> Open() {
    auto s = GetParam().ends_with("_cached") ? OpenCachedStore(url_, {}) : OpenStore(url_, {});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_TRUE((*s)->Migrate().ok());
    return std::move(s).value();
  }
  // Runs `statement` on the test's database behind the store's back, as an operator would.
  bool Sql(const std::string& statement) {
    if (db_name_.empty()) {
      sqlite3* db = nullptr;
      bool ok = sqlite3_open((dir_ / "t.db").c_str(), &db) == SQLITE_OK &&
                sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
      sqlite3_close(db);
      return ok;
    }
    return RunPg(url_, statement);
  }
  static NewUser Alice() {
    return {.username = "alice", .password_hash = "h", .email = "a@example.com",
            .first_name = "Al", .last_name = "Ice", .is_active = true,
            .date_joined_us = 1'000'000};
  }

  fs::path dir_;         // SQLite
  std::string db_name_;  // PostgreSQL
  std::string admin_url_;
  std::string url_;
  std::unique_ptr<Store> store_;

 private:
  bool AdminSql(const std::string& statement) { return RunPg(admin_url_, statement); }
  static bool RunPg(const std::string& url, const std::string& statement) {
    PGconn* c = PQconnectdb(url.c_str());
    bool ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
      PGresult* r = PQexec(c, statement.c_str());
      ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
      if (!ok) ADD_FAILURE() << statement << ": " << PQresultErrorMessage(r);
      PQclear(r);
    } else {
      ADD_FAILURE() << "cannot connect to " << url << ": " << PQerrorMessage(c);
    }
    PQfinish(c);
    return ok;
  }
};

// The same, with one user (alice) already created.
class StoreWithUserTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto u = store_->users().Create(Alice());
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    user_id_ = u->id;
  }
  int64_t user_id_ = 0;
};

inline std::string BackendName(const ::testing::TestParamInfo<std::string>& backend) {
  return backend.param;
}

#define AUTHD_FOR_EACH_BACKEND(Suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(                                                            \
      Backends, Suite,                                                                 \
      ::testing::Values("sqlite", "postgresql", "sqlite_cached", "postgresql_cached"), \
      ::authd::BackendName)

// Only the cached ones (store/cache/'s own tests).
#define AUTHD_FOR_EACH_CACHED_BACKEND(Suite)                                                 \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                                 \
                           ::testing::Values("sqlite_cached", "postgresql_cached"),         \
                           ::authd::BackendName)

}  // namespace authd
