// Micro-benchmarks of the request hot paths (Google Benchmark): token encode and verify,
// body decoding, and one Argon2id hash at the configured parameters. The hash time gives the
// login limit of this machine: cores / seconds per hash. `make bench` runs this binary and
// reads its JSON output.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>

#include "config/settings.h"
#include "http/body_decoder.h"
#include "passwords/argon2id_hasher.h"
#include "tokens/hmac_key.h"
#include "tokens/token_service.h"
#include "util/clock.h"
#include "util/random.h"

namespace authd {
namespace {

constexpr char kSecret[] = "a-benchmark-secret-of-at-least-32-bytes";

// One service for every token benchmark; SystemClock keeps the tokens it issues valid.
struct Tokens {
  SystemClock clock;
  OsRandom random;
  TokenService service{JwsCodec(std::make_shared<HmacKey>(kSecret)), TokenLifetimes{}, clock,
                       random};
};

Tokens& SharedTokens() {
  static Tokens tokens;
  return tokens;
}

void BM_TokenEncodePair(benchmark::State& state) {
  auto& t = SharedTokens();
  for (auto _ : state) benchmark::DoNotOptimize(t.service.IssuePair(42));
}
BENCHMARK(BM_TokenEncodePair);

void BM_TokenVerifyAccess(benchmark::State& state) {
  auto& t = SharedTokens();
  const std::string access = t.service.IssuePair(42).access;
  for (auto _ : state) {
    auto claims = t.service.Verify(access, "access");
    if (!claims.ok()) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_TokenVerifyAccess);

void BM_HmacSha256(benchmark::State& state) {
  HmacKey key(kSecret);
  const std::string input(200, 'x');  // about a token's header.payload
  for (auto _ : state) benchmark::DoNotOptimize(key.Sign(input));
}
BENCHMARK(BM_HmacSha256);

void BM_DecodeFormBody(benchmark::State& state) {
  const std::string body = "username=benchmark-user&password=Correct%20Horse%21&is_active=true";
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecodeBody("application/x-www-form-urlencoded", body));
  }
}
BENCHMARK(BM_DecodeFormBody);

void BM_DecodeJsonBody(benchmark::State& state) {
  const std::string body =
      R"({"username":"benchmark-user","password":"Correct Horse!","is_active":true})";
  for (auto _ : state) benchmark::DoNotOptimize(DecodeBody("application/json", body));
}
BENCHMARK(BM_DecodeJsonBody);

// One Argon2id hash at the parameters authd would use with this environment (AUTHD_ARGON2_*),
// alone and with every core hashing at once. The second is the login limit's honest input:
// concurrent hashes share the memory bandwidth and the last-level cache (19 MiB each by
// default), so each takes longer than a lone one.
void BM_Argon2idHash(benchmark::State& state) {
  auto settings = LoadSettings(ProcessEnv());
  if (!settings.ok()) {
    state.SkipWithError("bad AUTHD_* settings");
    return;
  }
  OsRandom random;
  Argon2idHasher hasher(Argon2Params{settings->argon2_memory_kib, settings->argon2_iterations,
                                     settings->argon2_parallelism},
                        random);
  for (auto _ : state) benchmark::DoNotOptimize(hasher.Hash("Correct Horse Battery!"));
  state.counters["memory_kib"] = settings->argon2_memory_kib;
}
BENCHMARK(BM_Argon2idHash)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Argon2idHash)
    ->Name("BM_Argon2idHash_AllCores")
    ->Threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace authd

BENCHMARK_MAIN();
