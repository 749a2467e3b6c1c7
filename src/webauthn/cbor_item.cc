#include "webauthn/cbor_item.h"

#include <limits>

namespace authd {
namespace {

// libcbor allocates a definite array's or map's item slots as soon as it reads the header, so
// five bytes claiming four billion items would ask for gigabytes. Each item takes at least one
// byte (a map's pair two): a count larger than the bytes left is refused before cbor_load
// sees it, by a pass of libcbor's own streaming decoder over every header.
struct SizeScan {
  size_t remaining = 0;
  bool plausible = true;
};

void ArrayStart(void* context, size_t size) {
  auto* scan = static_cast<SizeScan*>(context);
  if (size > scan->remaining) scan->plausible = false;
}

void MapStart(void* context, size_t size) {
  auto* scan = static_cast<SizeScan*>(context);
  if (size > scan->remaining / 2) scan->plausible = false;
}

bool PlausibleSizes(std::string_view bytes) {
  cbor_callbacks callbacks = cbor_empty_callbacks;
  callbacks.array_start = ArrayStart;
  callbacks.map_start = MapStart;
  SizeScan scan;
  size_t pos = 0;
  while (pos < bytes.size()) {
    scan.remaining = bytes.size() - pos;
    const cbor_decoder_result r = cbor_stream_decode(
        reinterpret_cast<cbor_data>(bytes.data() + pos), bytes.size() - pos, &callbacks, &scan);
    if (!scan.plausible) return false;
    if (r.status != CBOR_DECODER_FINISHED || r.read == 0) break;  // cbor_load judges the rest
    pos += r.read;
  }
  return true;
}

}  // namespace

CborItem CborItem::Load(std::string_view bytes, size_t* read) {
  if (!PlausibleSizes(bytes)) return CborItem();
  cbor_load_result result{};
  cbor_item_t* item =
      cbor_load(reinterpret_cast<cbor_data>(bytes.data()), bytes.size(), &result);
  if (item == nullptr || result.error.code != CBOR_ERR_NONE) {
    if (item != nullptr) cbor_decref(&item);
    return CborItem();
  }
  if (read != nullptr) *read = result.read;
  return CborItem(item);
}

cbor_item_t* CborItem::Get(int64_t key) const {
  if (item_ == nullptr || !cbor_isa_map(item_) || !cbor_map_is_definite(item_)) return nullptr;
  const size_t n = cbor_map_size(item_);
  cbor_pair* pairs = cbor_map_handle(item_);
  for (size_t i = 0; i < n; ++i) {
    if (auto k = CborInt(pairs[i].key); k && *k == key) return pairs[i].value;
  }
  return nullptr;
}

cbor_item_t* CborItem::Get(std::string_view key) const {
  if (item_ == nullptr || !cbor_isa_map(item_) || !cbor_map_is_definite(item_)) return nullptr;
  const size_t n = cbor_map_size(item_);
  cbor_pair* pairs = cbor_map_handle(item_);
  for (size_t i = 0; i < n; ++i) {
    if (auto k = CborText(pairs[i].key); k && *k == key) return pairs[i].value;
  }
  return nullptr;
}

std::optional<std::string> CborBytes(const cbor_item_t* item) {
  if (item == nullptr || !cbor_isa_bytestring(item) ||
      !cbor_bytestring_is_definite(item)) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(cbor_bytestring_handle(item)),
                     cbor_bytestring_length(item));
}

std::optional<std::string> CborText(const cbor_item_t* item) {
  if (item == nullptr || !cbor_isa_string(item) ||
      !cbor_string_is_definite(item)) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(cbor_string_handle(item)),
                     cbor_string_length(item));
}

std::optional<int64_t> CborInt(const cbor_item_t* item) {
  if (item == nullptr) return std::nullopt;
  if (!cbor_isa_uint(item) && !cbor_isa_negint(item)) return std::nullopt;
  const uint64_t v = cbor_get_int(item);
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return cbor_isa_uint(item) ? static_cast<int64_t>(v) : -1 - static_cast<int64_t>(v);
}

}  // namespace authd
