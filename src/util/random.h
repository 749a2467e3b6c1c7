// Randomness as an injected dependency. OsRandom draws from OpenSSL's CSPRNG (seeded by the OS);
// tests may substitute a deterministic source.
// Thread-safety: OsRandom is safe from any thread (OpenSSL's RAND is thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace authd {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with random bytes. Aborts if the CSPRNG fails: continuing without
  // randomness would issue guessable salts and token ids.
  virtual void Fill(std::span<uint8_t> out) = 0;

  // `n_bytes` random bytes as 2*n_bytes lowercase hex characters.
  std::string Hex(size_t n_bytes);
  // `n_bytes` random bytes, raw (a secret, a challenge, a handle).
  std::string Bytes(size_t n_bytes);
};

class OsRandom final : public Random {
 public:
  void Fill(std::span<uint8_t> out) override;
};

// Lowercase hex of arbitrary bytes.
std::string ToHex(std::span<const uint8_t> bytes);

}  // namespace authd
