// `authd keys generate --alg EdDSA --out FILE`: a new signing key for AUTHD_SIGNING_KEY_FILE.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "tokens/pkey_key.h"

namespace authd {
namespace {

// Creates `path` with owner-only permissions; never replaces an existing file, so a key in
// use cannot be overwritten by mistake.
Status WriteNewFile(const std::string& path, const std::string& data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return InvalidArgument("cannot create '" + path + "': " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Internal("cannot write '" + path + "': " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return Internal("cannot sync '" + path + "'");
  return Status::Ok();
}

}  // namespace

int RunKeysGenerate(const KeysGenerateArgs& args) {
  auto pem = PkeyKey::GeneratePem(args.alg, args.rsa_bits);
  if (!pem.ok()) {
    std::fprintf(stderr, "Error: %s\n", pem.status().message().c_str());
    return 2;
  }
  auto key = PkeyKey::FromPem(*pem);
  if (!key.ok()) {
    std::fprintf(stderr, "Error: %s\n", key.status().message().c_str());
    return 1;
  }
  if (Status s = WriteNewFile(args.out, *pem, 0600); !s.ok()) {
    std::fprintf(stderr, "Error: %s\n", s.message().c_str());
    return 1;
  }
  if (!args.public_out.empty()) {
    if (Status s = WriteNewFile(args.public_out, (*key)->PublicPem(), 0644); !s.ok()) {
      std::fprintf(stderr, "Error: %s\n", s.message().c_str());
      return 1;
    }
  }
  std::printf("Wrote a new %s private key to %s (kid %s).\n", args.alg.c_str(), args.out.c_str(),
              (*key)->KeyId()->c_str());
  return 0;
}

}  // namespace authd
