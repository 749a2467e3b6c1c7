// Where user accounts live. One implementation per backend (store/sqlite/, later postgres/),
// all held to the same contract by the store conformance tests.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <string_view>

#include "users/user.h"
#include "util/status.h"

namespace authd {

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Creates the user and returns it with its new id. AlreadyExists when the username is
  // taken. The write is durable when this returns OK.
  virtual StatusOr<User> Create(const NewUser& user) = 0;

  // NotFound when there is no such user.
  virtual StatusOr<User> FindById(int64_t id) = 0;
  virtual StatusOr<User> FindByUsername(std::string_view username) = 0;

  // NotFound when there is no such user.
  virtual Status SetPasswordHash(int64_t id, std::string_view password_hash) = 0;
  virtual Status SetLastLogin(int64_t id, int64_t micros) = 0;
};

}  // namespace authd
