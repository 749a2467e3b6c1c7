// Django's password hash formats, verified so that users imported from Django keep their
// passwords (authd import-django). Each is "<algorithm>$...", as Django's hashers write them:
//
//   pbkdf2_sha256$<iterations>$<salt>$<base64 hash>   (Django's default)
//   pbkdf2_sha1$<iterations>$<salt>$<base64 hash>
//   argon2$argon2id$v=19$m=..,t=..,p=..$<salt>$<hash> (also argon2i, and the v-less form)
//   bcrypt_sha256$$2b$<cost>$<salt+hash>             (bcrypt of the SHA-256 hex digest)
//   bcrypt$$2b$<cost>$<salt+hash>
//
// authd never writes these: a user who logs in with one is re-hashed to Argon2id
// (passwords/migrating_hasher.h).
#pragma once

#include <string_view>

namespace authd {

// True when `encoded` names one of the formats above (whether or not it is well formed).
bool IsDjangoHash(std::string_view encoded);

// True when `password` matches `encoded`. False for a malformed or unknown hash, for Django's
// unusable passwords ("!..."), and for costs far beyond any Django default (a planted hash
// must not burn minutes of CPU).
bool VerifyDjangoHash(std::string_view encoded, std::string_view password);

}  // namespace authd
