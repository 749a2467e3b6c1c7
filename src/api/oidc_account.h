// Which authd account a provider's sign-in is (issue 21's rules, in this order): the user the
// identity is linked to; when linking, the signed-in user it is linked to now; with
// link_by_verified_email, the one account whose verified address the provider verified too;
// with create_users, a new user (its username from preferred_username or the address's local
// part, made unique, and no usable password); else none. Blocking: call on the store pool.
#pragma once

#include <variant>

#include "api/api_error.h"
#include "api/services.h"
#include "http/message.h"
#include "oidc/id_token.h"

namespace authd {

struct OidcAccount {
  User user;
  int64_t identity_id = 0;
  bool linked_now = false;   // an identity linked in this sign-in
  bool created_now = false;  // and a user made for it
};

// The account, or why there is none: 403 for an address outside allowed_email_domains or
// nobody to sign in as, 409 for an identity that is someone else's or an address another
// account has verified (with AUTHD_LOGIN_FIELDS=username,email). Links and creations are
// recorded (oidc.identity_linked, user.registered) in their own transaction.
std::variant<OidcAccount, ApiError> AccountFor(Services& s, const Request& request,
                                               const OidcProviderSetting& provider,
                                               const IdentityClaims& claims,
                                               std::optional<int64_t> link_user_id);

}  // namespace authd
