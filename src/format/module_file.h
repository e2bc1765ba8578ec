// In-memory form of a .lzr file, its reader and writer. Reading checks the
// container (magic, sizes, truncation, literal encodings); the verifier
// (verifier.h) checks the code. Both report one-line errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/literal.h"

namespace lzr {

enum class ModuleType : uint8_t { Native = 0, Script = 1 };

struct FunctionEntry {
  uint16_t name = 0;     // literal index of an atom
  uint8_t arity = 0;
  uint8_t frame = 0;     // Y slots, <= 32
  uint8_t upvals = 0;    // captured values, <= 32
  uint8_t reserved = 0;  // must be 0
  uint32_t entry = 0;    // code-word offset
};

// The optional debug section of a script module: which source line each
// stretch of code came from (docs/bytecode.md, "Line table"). Entry k says
// that the instructions from `word` up to the next entry's word (the last:
// to the end of the code) are on `line`. Stored as read: the verifier
// checks the values (words increase, are instruction starts, lines
// 1..kMaxLine), the reader only the encoding.
struct LineEntry {
  uint64_t word = 0;
  int64_t line = 0;
  bool operator==(const LineEntry&) const = default;
};
struct LineTable {
  std::string file;  // source file name (atom text rules, non-empty)
  std::vector<LineEntry> entries;
  bool operator==(const LineTable&) const = default;
};
constexpr int64_t kMaxLine = INT32_MAX;
// Debug section kinds (one byte before the section's size).
constexpr uint8_t kLineTableSection = 1;

struct ModuleFile {
  ModuleType type = ModuleType::Script;
  // Script
  std::vector<Literal> literals;
  std::vector<uint32_t> code;
  uint16_t module_name = 0;  // literal index of an atom
  std::vector<FunctionEntry> functions;
  std::optional<LineTable> lines;  // optional debug section
  // Native
  std::string native_name;               // module atom
  std::string native_libpath;
  std::vector<std::string> native_functions;  // "name/arity"

  // Module name as text (resolved through the literal for scripts).
  std::string name() const;
};

// One-line error: "<file>: byte 12: <problem>" / "<file>: word 7: <problem>".
struct LoadError {
  std::string message;
};

// Parses a whole file image. `file` only names the input in messages.
// Does not run the code verifier.
std::optional<ModuleFile> read_module(std::string_view bytes, std::string_view file, LoadError& err);
// Writes each literal in effective_encoding(); requires what read_module
// guarantees: literal_problem() is nullopt for every literal, native name
// <= 255 bytes, no NUL inside native strings. write_module(read_module(x))
// reproduces x byte for byte.
std::vector<uint8_t> write_module(const ModuleFile& m);

// Byte offsets that write_module gives the line table's parts, for error
// messages about a table built in memory or read from a file (the reader
// keeps what it read, so both agree): the file-name length byte, then each
// entry's first byte. Empty when the module has no line table.
std::vector<size_t> line_table_offsets(const ModuleFile& m);

// ByteTerm codec (used by read_module / write_module, exposed for tests).
// decode_literal advances `pos`; on failure fills `err` (with byte offset).
std::optional<Literal> decode_literal(std::string_view bytes, size_t& pos, std::string_view file, LoadError& err);
void encode_literal(const Literal& lit, std::vector<uint8_t>& out);

}  // namespace lzr
