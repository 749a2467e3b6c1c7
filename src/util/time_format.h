// Timestamps as Django REST Framework renders them with USE_TZ and TIME_ZONE="UTC":
// ISO 8601, microseconds only when non-zero, 'Z' for UTC ("2026-11-24T01:42:23.533938Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace authd {

std::string FormatIsoUtc(int64_t micros_since_epoch);

// Microseconds since the epoch for "2026-11-24", "2026-11-24T01:42:23",
// "2026-11-24T01:42:23.533938Z" or with "+HH:MM"/"-HH:MM" (what FormatIsoUtc writes, and what
// people type); nullopt for anything else.
std::optional<int64_t> ParseIsoUtc(std::string_view text);

}  // namespace authd
