// Standard Webhooks signatures (https://www.standardwebhooks.com/): what a receiver's
// `standardwebhooks` library verifies. The secret is "whsec_" + base64 of the key bytes; the
// signature is "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace authd {

// The key bytes of a "whsec_..." secret; InvalidArgument when it is not one (or is shorter
// than 24 bytes, the specification's minimum).
StatusOr<std::string> WebhookKey(std::string_view secret);

// The webhook-signature header's value for one delivery.
std::string SignWebhook(std::string_view key, std::string_view id, int64_t timestamp,
                        std::string_view body);

}  // namespace authd
