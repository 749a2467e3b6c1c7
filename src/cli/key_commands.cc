// `authd keys generate --alg EdDSA --out FILE`: a new signing key for AUTHD_SIGNING_KEY_FILE.
// `authd keys tls-selfsigned --host NAME --out DIR`: a development certificate for HTTPS.
#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <filesystem>
#include <memory>

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

template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, std::integral_constant<decltype(Free), Free>>;

// Adds one v3 extension (OpenSSL's configuration syntax) to `cert`.
bool AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION, X509_EXTENSION_free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

std::string ToPem(int (*write)(BIO*, void*), void* object) {
  Owned<BIO, BIO_free_all> mem(BIO_new(BIO_s_mem()));
  if (!mem || write(mem.get(), object) != 1) return "";
  char* data = nullptr;
  const long n = BIO_get_mem_data(mem.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// The certificate and key as PEM, or InvalidArgument/Internal.
StatusOr<std::pair<std::string, std::string>> MakeSelfSigned(const std::string& host, int days) {
  Owned<EVP_PKEY, EVP_PKEY_free> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Owned<X509, X509_free> cert(X509_new());
  if (!key || !cert) return Internal("cannot make a key");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Internal("no randomness");
  serial[0] &= 0x7f;  // a positive serial number
  Owned<BIGNUM, BN_free> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  X509_set_version(cert.get(), X509_VERSION_3);
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  unsigned char ip[16];
  const bool is_ip = ::inet_pton(AF_INET, host.c_str(), ip) == 1 ||
                     ::inet_pton(AF_INET6, host.c_str(), ip) == 1;
  if (!AddExtension(cert.get(), NID_subject_alt_name, (is_ip ? "IP:" : "DNS:") + host)) {
    return InvalidArgument("--host: '" + host + "' is not a DNS name or an IP address");
  }
  if (!AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature") ||
      !AddExtension(cert.get(), NID_ext_key_usage, "serverAuth") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Internal("cannot sign the certificate");
  }
  std::string cert_pem = ToPem([](BIO* b, void* x) { return PEM_write_bio_X509(b, static_cast<X509*>(x)); },
                               cert.get());
  std::string key_pem = ToPem(
      [](BIO* b, void* k) {
        return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0,
                                        nullptr, nullptr);
      },
      key.get());
  if (cert_pem.empty() || key_pem.empty()) return Internal("cannot write PEM");
  return std::make_pair(std::move(cert_pem), std::move(key_pem));
}

}  // namespace

int RunTlsSelfSigned(const TlsSelfSignedArgs& args) {
  auto pems = MakeSelfSigned(args.host, args.days);
  if (!pems.ok()) {
    std::fprintf(stderr, "Error: %s\n", pems.status().message().c_str());
    return pems.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(args.out, ec);
  const std::string cert = (std::filesystem::path(args.out) / "cert.pem").string();
  const std::string key = (std::filesystem::path(args.out) / "key.pem").string();
  for (const auto& [path, data, mode] : {std::tuple{key, pems->second, mode_t{0600}},
                                         std::tuple{cert, pems->first, mode_t{0644}}}) {
    if (Status s = WriteNewFile(path, data, mode); !s.ok()) {
      std::fprintf(stderr, "Error: %s\n", s.message().c_str());
      return 1;
    }
  }
  std::printf("Wrote a self-signed certificate for %s to %s and its key to %s (valid %d days).\n"
              "Serve HTTPS with AUTHD_TLS_CERT_FILE=%s AUTHD_TLS_KEY_FILE=%s.\n",
              args.host.c_str(), cert.c_str(), key.c_str(), args.days, cert.c_str(), key.c_str());
  return 0;
}

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
