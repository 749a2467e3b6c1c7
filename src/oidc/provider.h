// One configured OpenID provider at run time: its metadata (discovery) and keys, fetched on
// first use and kept as long as their Cache-Control allows (between 5 minutes and a day). An
// ID token naming a kid not among the keys makes them be fetched again, at most once a minute
// (a provider rotating its keys is followed at once; a flood of made-up kids costs one fetch a
// minute). A provider that cannot be reached fails only its own sign-ins (Unavailable), and
// is asked again on the next one.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "config/oidc_settings.h"
#include "oidc/discovery.h"
#include "oidc/http_fetch.h"
#include "oidc/jwks.h"
#include "tokens/signing_key.h"
#include "util/clock.h"
#include "util/status.h"

namespace authd {

class Provider {
 public:
  using Fetcher = std::function<StatusOr<FetchAnswer>(const FetchRequest&)>;

  Provider(OidcProviderSetting setting, Fetcher fetch, const Clock& clock);

  const OidcProviderSetting& setting() const { return setting_; }

  // The metadata; Unavailable when the provider cannot be reached or answers nonsense.
  StatusOr<ProviderMetadata> Metadata();

  // A request to one of its endpoints (token, userinfo); Unavailable, naming the provider,
  // when it cannot be reached in time.
  StatusOr<FetchAnswer> Fetch(const FetchRequest& request) const;

  // The key an ID token's `kid` names (tokens/jws_codec.h PeekKeyId); null when the provider
  // publishes none such even after fetching its keys again.
  StatusOr<std::shared_ptr<const SigningKey>> KeyFor(std::optional<std::string_view> kid);

 private:
  StatusOr<ProviderMetadata> MetadataLocked();
  Status FetchKeysLocked(const ProviderMetadata& metadata);

  const OidcProviderSetting setting_;
  const Fetcher fetch_;
  const Clock& clock_;
  std::mutex mu_;
  std::optional<ProviderMetadata> metadata_;
  int64_t metadata_until_ = 0;
  std::optional<ProviderKeys> keys_;
  int64_t keys_until_ = 0;
  int64_t keys_fetched_at_ = 0;
};

}  // namespace authd
