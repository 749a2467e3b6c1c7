#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <fstream>
#include <iterator>

#include "util/openssl_error.h"

namespace authd {
namespace {

namespace ssl = boost::asio::ssl;

// Mozilla's intermediate TLS 1.2 suites (configuration generator, version 5.7). TLS 1.3's
// suites are OpenSSL's defaults, all of which the profile takes.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

// Offers http/1.1 whenever the client lists it (the only protocol served).
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// Staples the OCSP response kept as the context's ex data (a std::string of DER).
int StapleOcsp(SSL* ssl, void* arg) {
  const auto* der = static_cast<const std::string*>(arg);
  auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(der->size()));
  if (copy == nullptr) return SSL_TLSEXT_ERR_NOACK;
  std::copy(der->begin(), der->end(), copy);
  SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(der->size()));
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

StatusOr<TlsCertificates::Loaded> TlsCertificates::Build(const TlsFiles& files,
                                                         TicketKeys& tickets) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // No SSL_OP_CIPHER_SERVER_PREFERENCE: every suite offered is strong, so the client's order
  // (which knows whether it has AES hardware) decides, as the profile advises.
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1 ||
      SSL_CTX_set1_groups_list(ctx, "X25519:prime256v1:secp384r1") != 1) {
    return Internal("TLS: cannot set the cipher suites: " + OpenSslError());
  }
  SSL_CTX_set_dh_auto(ctx, 1);  // DHE with a group sized to the certificate (RFC 7919's)
  SSL_CTX_set_alpn_select_cb(ctx, &SelectAlpn, nullptr);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
  SSL_CTX_set_timeout(ctx, 86400);
  tickets.Attach(ctx);  // sessions and tickets resume for a day, as the profile's
  // The name a client asks for is acknowledged (every name gets the one certificate).
  SSL_CTX_set_tlsext_servername_callback(ctx, +[](SSL*, int*, void*) { return SSL_TLSEXT_ERR_OK; });
  if (SSL_CTX_use_certificate_chain_file(ctx, files.cert_file.c_str()) != 1) {
    return InvalidArgument("AUTHD_TLS_CERT_FILE: cannot load " + files.cert_file + ": " +
                           OpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, files.key_file.c_str(), SSL_FILETYPE_PEM) != 1 &&
      ERR_GET_REASON(ERR_peek_last_error()) != X509_R_KEY_VALUES_MISMATCH) {
    return InvalidArgument("AUTHD_TLS_KEY_FILE: cannot load " + files.key_file + ": " +
                           OpenSslError());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return InvalidArgument("AUTHD_TLS_KEY_FILE: " + files.key_file +
                           " is not the key of the certificate in " + files.cert_file);
  }
  Loaded loaded{.context = context};
  if (X509* cert = SSL_CTX_get0_certificate(ctx)) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) loaded.not_after = timegm(&tm);
  }
  if (!files.ocsp_file.empty()) {
    std::ifstream in(files.ocsp_file, std::ios::binary);
    if (!in) return InvalidArgument("AUTHD_TLS_OCSP_FILE: cannot read " + files.ocsp_file);
    // Kept alive by the context's own shared_ptr, via a deleter bound to it.
    auto der = std::make_shared<std::string>(std::istreambuf_iterator<char>(in),
                                             std::istreambuf_iterator<char>());
    if (der->empty()) return InvalidArgument("AUTHD_TLS_OCSP_FILE: " + files.ocsp_file + " is empty");
    SSL_CTX_set_tlsext_status_cb(ctx, &StapleOcsp);
    SSL_CTX_set_tlsext_status_arg(ctx, der.get());
    loaded.context = std::shared_ptr<ssl::context>(context.get(), [context, der](ssl::context*) {});
  }
  return loaded;
}

StatusOr<std::unique_ptr<TlsCertificates>> TlsCertificates::Load(
    TlsFiles files, std::shared_ptr<TicketKeys> tickets) {
  auto loaded = Build(files, *tickets);
  if (!loaded.ok()) return loaded.status();
  std::unique_ptr<TlsCertificates> certs(
      new TlsCertificates(std::move(files), std::move(tickets)));
  certs->loaded_ = std::move(loaded).value();
  return certs;
}

std::shared_ptr<boost::asio::ssl::context> TlsCertificates::current() const {
  std::lock_guard lock(mu_);
  return loaded_.context;
}

Status TlsCertificates::Reload() {
  auto loaded = Build(files_, *tickets_);
  if (!loaded.ok()) return loaded.status();
  std::lock_guard lock(mu_);
  loaded_ = std::move(loaded).value();
  return Status::Ok();
}

int64_t TlsCertificates::not_after() const {
  std::lock_guard lock(mu_);
  return loaded_.not_after;
}

}  // namespace authd
