#include "oidc/provider.h"

namespace authd {
namespace {

constexpr int64_t kMinCacheSeconds = 300;
constexpr int64_t kMaxCacheSeconds = 86400;
constexpr int64_t kDefaultCacheSeconds = 3600;
constexpr int64_t kRefetchKeysAfterSeconds = 60;

}  // namespace

Provider::Provider(OidcProviderSetting setting, Fetcher fetch, const Clock& clock)
    : setting_(std::move(setting)), fetch_(std::move(fetch)), clock_(clock) {}

StatusOr<ProviderMetadata> Provider::Metadata() {
  std::lock_guard lock(mu_);
  return MetadataLocked();
}

StatusOr<ProviderMetadata> Provider::MetadataLocked() {
  const int64_t now = clock_.NowSeconds();
  if (metadata_ && now < metadata_until_) return *metadata_;
  std::string url = setting_.issuer;
  if (url.ends_with('/')) url.pop_back();
  url += "/.well-known/openid-configuration";
  auto answer = fetch_({.url = url});
  if (!answer.ok()) return Unavailable("provider '" + setting_.id + "' cannot be reached: " + answer.status().message());
  if (answer->status != 200) {
    return Unavailable("provider '" + setting_.id + "' answered " + std::to_string(answer->status) + " for its metadata");
  }
  auto parsed = ParseDiscovery(answer->body, setting_.issuer);
  if (!parsed.ok()) return Unavailable("provider '" + setting_.id + "': " + parsed.status().message());
  metadata_ = std::move(parsed).value();
  metadata_until_ = now + CacheSeconds(answer->cache_control, kDefaultCacheSeconds, kMinCacheSeconds, kMaxCacheSeconds);
  return *metadata_;
}

Status Provider::FetchKeysLocked(const ProviderMetadata& metadata) {
  const int64_t now = clock_.NowSeconds();
  keys_fetched_at_ = now;
  auto answer = fetch_({.url = metadata.jwks_uri});
  if (!answer.ok()) return Unavailable("provider '" + setting_.id + "' keys cannot be fetched: " + answer.status().message());
  if (answer->status != 200) {
    return Unavailable("provider '" + setting_.id + "' answered " + std::to_string(answer->status) + " for its keys");
  }
  auto keys = ProviderKeys::Parse(answer->body);
  if (!keys.ok()) return Unavailable("provider '" + setting_.id + "' keys: " + keys.status().message());
  keys_ = std::move(keys).value();
  keys_until_ = now + CacheSeconds(answer->cache_control, kDefaultCacheSeconds, kMinCacheSeconds, kMaxCacheSeconds);
  return Status::Ok();
}

StatusOr<FetchAnswer> Provider::Fetch(const FetchRequest& request) const {
  auto answer = fetch_(request);
  if (!answer.ok()) return Unavailable("provider '" + setting_.id + "' cannot be reached: " + answer.status().message());
  return answer;
}

StatusOr<std::shared_ptr<const SigningKey>> Provider::KeyFor(std::optional<std::string_view> kid) {
  std::lock_guard lock(mu_);
  auto metadata = MetadataLocked();
  if (!metadata.ok()) return metadata.status();
  const int64_t now = clock_.NowSeconds();
  if (!keys_ || now >= keys_until_) AUTHD_RETURN_IF_ERROR(FetchKeysLocked(*metadata));
  if (auto key = keys_->Find(kid)) return key;
  // An unknown kid: perhaps the provider rotated; ask again, but not more than once a minute.
  if (now - keys_fetched_at_ >= kRefetchKeysAfterSeconds) {
    AUTHD_RETURN_IF_ERROR(FetchKeysLocked(*metadata));
    return keys_->Find(kid);
  }
  return std::shared_ptr<const SigningKey>();
}

}  // namespace authd
