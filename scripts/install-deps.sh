#!/usr/bin/env bash
# Installs the Debian packages authd needs, and only those that are missing; then the npm
# packages (versions pinned by each package-lock.json) if they are not installed yet.
# Usage: scripts/install-deps.sh build|test|bench
# 'build' is what `make build`/`make run` need; 'test' adds what the test suites use;
# 'bench' adds the load generator and the HTTP baseline for `make bench`.
set -euo pipefail

build_pkgs=(
  g++ cmake make pkg-config
  libboost1.81-dev libboost-json1.81-dev
  libssl-dev libargon2-dev libcrypt-dev libsqlite3-dev libpq-dev
  libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libicu-dev  # NFKC normalisation of usernames
  libcurl4-openssl-dev  # SMTP, for mail (mail/smtp_transport.cc)
  libqrencode-dev       # the QR code of TOTP enrolment (mfa/qr_svg.cc)
  libcbor-dev           # WebAuthn's CBOR (webauthn/cbor_item.h)
  # Django's list of 20,000 common passwords is compiled into the binary (password policy).
  python3-django
  gzip brotli  # the docs page's files are compressed once, at build time (cmake/embed_files.cmake)
)
# Node.js and npm, for the docs page's Swagger UI (web/package.json). A machine of this kind
# has them; Debian's own packages otherwise.
if ! command -v npm >/dev/null; then build_pkgs+=(nodejs npm); fi

test_pkgs=(
  libgtest-dev
  postgresql python3-psycopg2  # a private PostgreSQL server for the PostgreSQL runs of the suites
  nginx-light                  # the load balancer of the multi-instance test
  python3-prometheus-client    # parses /metrics in the tests
  clang-14 libclang-rt-14-dev  # libFuzzer, for the fuzz targets (make fuzz; make test runs them briefly)
  python3 python3-pytest python3-requests python3-jwt
  python3-aiosmtpd openssl     # a real SMTP server (with STARTTLS and AUTH) for the mail tests
  python3-pyotp                # the authenticator app of the TOTP tests
  python3-cryptography python3-cbor2  # the software passkey authenticator (tests/webauthn_authenticator.py)
  # The original system, for interop tests against ../shared/peers/django_seed.
  python3-djangorestframework python3-djangorestframework-simplejwt gunicorn
  python3-argon2 python3-bcrypt  # Django's argon2 and bcrypt hashers, for the import test
  chromium python3-jsonschema    # the API docs page in a real browser; answers against the schema
  testssl.sh                     # rates authd's TLS against nginx's (tests/blackbox/test_testssl.py)
)

bench_pkgs=(
  nginx-light wrk  # the HTTP limit on this machine, and the load generator
  libbenchmark-dev python3-jwt
  gunicorn python3-djangorestframework python3-djangorestframework-simplejwt  # the original
)

pkgs=("${build_pkgs[@]}")
case "${1:-build}" in
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${bench_pkgs[@]}") ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci DIR: installs DIR's locked npm packages when they are missing or the lock file changed
# since (npm writes node_modules/.package-lock.json at each install).
root=$(cd "$(dirname "$0")/.." && pwd)
npm_ci() {
  local installed="$root/$1/node_modules/.package-lock.json"
  if [[ ! -e "$installed" || "$root/$1/package-lock.json" -nt "$installed" ]]; then
    echo "install-deps: npm ci in $1"
    (cd "$root/$1" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_ci web  # compiled into authd: the hosted pages (esbuild, Preact) and /api/docs/'s Swagger UI
if [[ "${1:-build}" == test ]]; then
  npm_ci tests/openapi  # the OpenAPI validator of the tests
  npm_ci tests/webhooks  # the webhook receiver of the tests
  npm_ci tests/browser  # puppeteer-core and otpauth, for the hosted pages' journeys
  npm_ci tests/oidc_provider  # oidc-provider, the OpenID provider the sign-in tests use
fi
