// libcbor items with ownership and the few typed lookups WebAuthn needs (maps keyed by small
// integers or text, byte and text strings, integers). Every accessor checks the type first:
// the bytes come from a client, so nothing is assumed of their shape.
#pragma once

#include <cbor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace authd {

class CborItem {
 public:
  CborItem() = default;
  explicit CborItem(cbor_item_t* item) : item_(item) {}
  CborItem(CborItem&& other) noexcept : item_(std::exchange(other.item_, nullptr)) {}
  CborItem& operator=(CborItem&& other) noexcept {
    std::swap(item_, other.item_);
    return *this;
  }
  ~CborItem() {
    if (item_ != nullptr) cbor_decref(&item_);
  }

  // The first data item of `bytes`; `read` (if given) gets how many bytes it took. An empty
  // item when the bytes are not CBOR.
  static CborItem Load(std::string_view bytes, size_t* read = nullptr);

  explicit operator bool() const { return item_ != nullptr; }
  cbor_item_t* get() const { return item_; }

  // A map's value under an integer key or a text key; nullptr when absent or not a map.
  cbor_item_t* Get(int64_t key) const;
  cbor_item_t* Get(std::string_view key) const;

 private:
  cbor_item_t* item_ = nullptr;
};

// Definite byte or text strings, and integers (negative ones too), or nullopt.
std::optional<std::string> CborBytes(const cbor_item_t* item);
std::optional<std::string> CborText(const cbor_item_t* item);
std::optional<int64_t> CborInt(const cbor_item_t* item);

}  // namespace authd
