// A fresh, migrated SQLite store in a temporary directory for each test, shared by the store
// test files.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace authd {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
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

// The same, with one user (alice) already created.
class StoreWithUserTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto u = store_->users().Create(Alice());
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    user_id_ = u->id;
  }
  int64_t user_id_ = 0;
};

}  // namespace authd
