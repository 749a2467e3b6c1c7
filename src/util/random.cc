#include "util/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace authd {

namespace {

void FillFromOpenSsl(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fputs("authd: fatal: the CSPRNG failed\n", stderr);
    std::abort();
  }
}

}  // namespace

// Every token needs a 16-byte jti, and each RAND_bytes call has a fixed cost (a fork check
// with getpid, the DRBG's reseed bookkeeping) larger than the bytes themselves. Small requests
// are served from a per-thread block drawn in one call, each byte handed out once and wiped
// as it goes. authd never forks after start, so no two processes share a block.
void OsRandom::Fill(std::span<uint8_t> out) {
  constexpr size_t kBlock = 512;
  constexpr size_t kLargest = 64;  // salts and keys; anything bigger goes straight through
  if (out.empty()) return;
  if (out.size() > kLargest) return FillFromOpenSsl(out);
  thread_local std::array<uint8_t, kBlock> block;
  thread_local size_t used = kBlock;
  if (kBlock - used < out.size()) {
    FillFromOpenSsl(block);
    used = 0;
  }
  std::memcpy(out.data(), block.data() + used, out.size());
  OPENSSL_cleanse(block.data() + used, out.size());
  used += out.size();
}

std::string Random::Hex(size_t n_bytes) {
  std::vector<uint8_t> buf(n_bytes);
  Fill(buf);
  return ToHex(buf);
}

std::string Random::Bytes(size_t n_bytes) {
  std::string out(n_bytes, '\0');
  Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()));
  return out;
}

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

}  // namespace authd
