// Timestamps as Django REST Framework renders them with USE_TZ and TIME_ZONE="UTC":
// ISO 8601, microseconds only when non-zero, 'Z' for UTC ("2026-11-24T01:42:23.533938Z").
#pragma once

#include <cstdint>
#include <string>

namespace authd {

std::string FormatIsoUtc(int64_t micros_since_epoch);

}  // namespace authd
