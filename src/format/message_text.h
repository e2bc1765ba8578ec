// Helpers for error-message text: counts that read as English, and module
// text (atoms, names) and paths escaped so a message always stays one
// printable line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace lzr {

// "1 literal", "3 literals".
inline std::string count_of(uint64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

// `text` with control characters, DEL, '\\', '"' and bytes >= 0x80 escaped
// (\n, \t, \\, \", \xHH). Non-ASCII is escaped byte-wise: simple, and the
// message cannot carry invalid UTF-8 to a terminal.
inline std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (b < 0x20 || b >= 0x7F) out += fmt::format("\\x{:02X}", b);
    else out += c;
  }
  return out;
}

// A file path for a message: control characters, DEL and '\\' escaped as in
// printable(), everything else (UTF-8 folder names) kept, so a path can
// neither break the line nor forge another one.
inline std::string printable_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\\') out += "\\\\";
    else if (b < 0x20 || b == 0x7F) out += fmt::format("\\x{:02X}", b);
    else out += c;
  }
  return out;
}

}  // namespace lzr
