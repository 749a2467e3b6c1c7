// The configured OpenID providers (AUTHD_OIDC_PROVIDERS), by id, for the life of the process.
// Nothing is fetched at start: a provider that cannot be reached fails only its own sign-ins.
// Their requests run on a pool of their own (a slow provider can keep each of its threads for
// a fetch's deadline): never on the store's or the hashing threads other sign-ins need.
// Thread-safety: const after construction; each Provider is safe to share.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "oidc/provider.h"
#include "runtime/blocking_pool.h"

namespace authd {

class OidcProviders {
 public:
  OidcProviders(const std::vector<OidcProviderSetting>& settings, const Provider::Fetcher& fetch,
                const Clock& clock)
      : pool_(settings.empty() ? 1 : kThreads, kQueued) {  // NOLINT: providers_ is filled below
    for (const OidcProviderSetting& s : settings) {
      providers_.push_back(std::make_unique<Provider>(s, fetch, clock));
    }
  }

  // Null when no provider has this id.
  Provider* Find(std::string_view id) const {
    for (const auto& p : providers_) {
      if (p->setting().id == id) return p.get();
    }
    return nullptr;
  }

  const std::vector<std::unique_ptr<Provider>>& all() const { return providers_; }

  // Where the providers' endpoints are fetched.
  BlockingPool& pool() { return pool_; }

 private:
  static constexpr int kThreads = 4;
  static constexpr int kQueued = 64;
  std::vector<std::unique_ptr<Provider>> providers_;
  BlockingPool pool_;  // after providers_: its threads stop before they go
};

}  // namespace authd
