// The fuzz targets' input convention: N fields separated by '\n', the last taking the rest.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

template <size_t N>
std::array<std::string_view, N> SplitInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::array<std::string_view, N> parts;
  for (size_t i = 0; i + 1 < N; ++i) {
    const size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) break;
    parts[i] = rest.substr(0, newline);
    rest.remove_prefix(newline + 1);
  }
  parts[N - 1] = rest;
  return parts;
}
