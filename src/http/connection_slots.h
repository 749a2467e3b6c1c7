// Connection slots per client address, so that one client cannot hold every connection the
// server will accept. Slots are counted by the socket's peer (grouped as AddressGroup says):
// X-Forwarded-For arrives only after the connection is taken, and cannot be believed before.
// Trusted proxies carry many clients and are not capped.
// Thread-safety: every method may be called from any thread (one mutex; one lock per
// connection opened or closed, none per request).
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "http/trusted_proxies.h"

namespace authd {

class ConnectionSlots {
 public:
  // `per_address` 0: no cap.
  ConnectionSlots(int per_address, const TrustedProxies& trusted)
      : per_address_(per_address), trusted_(trusted) {}

  // Takes a slot for `peer`; false when its group already holds `per_address`. `key` is set
  // to what Release needs (empty for an uncapped peer).
  bool Acquire(const std::string& peer, std::string& key);
  void Release(const std::string& key);

 private:
  const int per_address_;
  const TrustedProxies& trusted_;
  std::mutex mu_;
  std::unordered_map<std::string, int> held_;  // GUARDED_BY(mu_)
};

}  // namespace authd
