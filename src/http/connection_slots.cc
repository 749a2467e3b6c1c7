#include "http/connection_slots.h"

#include "http/address_group.h"

namespace authd {

bool ConnectionSlots::Acquire(const std::string& peer, std::string& key) {
  key.clear();
  if (per_address_ <= 0 || trusted_.Trusts(peer)) return true;
  std::string group = AddressGroup(peer);
  std::lock_guard lock(mu_);
  int& held = held_[group];
  if (held >= per_address_) {
    if (held == 0) held_.erase(group);
    return false;
  }
  ++held;
  key = std::move(group);
  return true;
}

void ConnectionSlots::Release(const std::string& key) {
  if (key.empty()) return;
  std::lock_guard lock(mu_);
  auto it = held_.find(key);
  if (it != held_.end() && --it->second <= 0) held_.erase(it);
}

}  // namespace authd
