// Reading a password from the terminal without echoing it.
#pragma once

#include <optional>
#include <string>

namespace authd {

// Prints `prompt` to stderr and reads a line from stdin with echo off (when stdin is a
// terminal). nullopt at end of input.
std::optional<std::string> ReadSecretLine(const char* prompt);

// Prints `prompt` and reads a line with echo on. nullopt at end of input.
std::optional<std::string> ReadLine(const char* prompt);

}  // namespace authd
