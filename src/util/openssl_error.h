// The reason of OpenSSL's oldest queued error, as text, for messages and logs; the queue is
// cleared, so the next failure is not blamed on this one.
#pragma once

#include <string>

namespace authd {

std::string OpenSslError();

}  // namespace authd
