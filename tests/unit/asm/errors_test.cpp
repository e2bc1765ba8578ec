// Every assembler error message, one test each: the source, and the exact
// one-line error "file:line:col: message".
#include <gtest/gtest.h>

#include "asm_test_util.h"

namespace lzr {
namespace {

struct ErrorCase {
  const char* name;
  std::string source;
  std::string error;
};

std::ostream& operator<<(std::ostream& os, const ErrorCase& c) { return os << c.name; }

// Most cases are one instruction inside `func f/0` (line 2).
std::string in_func(const std::string& line) { return "func f/0\n" + line + "\n  ret x0\n"; }

const ErrorCase kCases[] = {
    // ---- lexical ----
    {"PercentWithoutBrace", in_func("  loadc x0, %a"), "t.lzs:2:13: '%' must start a map: %{"},
    {"SingleLessThan", in_func("  loadc x0, <1>"), "t.lzs:2:13: unexpected '<' (binaries are written <<1, 2>>)"},
    {"SingleGreaterThan", in_func("  loadc x0, >"), "t.lzs:2:13: unexpected '>'"},
    {"LeadingDot", in_func("  loadc x0, .5"),
     "t.lzs:2:13: unexpected '.' (directives are .pool, .lit, .file, .line and .nolines; floats need a leading digit)"},
    {"UnexpectedCharacter", in_func("  loadc x0, $"), "t.lzs:2:13: unexpected '$'"},
    {"UnexpectedByte", in_func("  loadc x0, \x01"), "t.lzs:2:13: unexpected byte 0x01"},
    {"JunkAfterArity", in_func("  call x0, f/1a"), "t.lzs:2:15: unexpected 'a' after function arity"},
    {"LoneColon", in_func("  loadc x0, : ok"), "t.lzs:2:13: ':' must start an atom (:name or :\"text\")"},
    {"UnterminatedString", in_func("  loadc x0, \"abc"), "t.lzs:2:13: unterminated string (strings end on the same line)"},
    {"ShortHexEscape", in_func("  loadc x0, \"\\x4\""), "t.lzs:2:14: \\x needs two hex digits (\\x0A)"},
    {"UnknownEscape", in_func("  loadc x0, \"\\e\""), "t.lzs:2:14: unknown escape \\e (use \\n \\t \\r \\\\ \\\" or \\xHH)"},
    {"HashWithoutDigits", in_func("  loadc x0, #a"), "t.lzs:2:13: '#' must be followed by a pool index (#3)"},
    {"HugePoolIndex", in_func("  loadc x0, #99999999999"), "t.lzs:2:13: pool index too large"},
    {"EmptyHexNumber", in_func("  loadi x0, 0x"), "t.lzs:2:13: malformed number"},
    {"LettersInNumber", in_func("  loadi x0, 12abc"), "t.lzs:2:13: malformed number '12a'"},
    {"FloatOutOfRange", in_func("  load x0, 1.0e400"), "t.lzs:2:12: float 1.0e400 is out of range (floats must be finite)"},
    {"BigIntegerImmediate", in_func("  loadi x0, -99999999999999999999"),
     "t.lzs:2:13: loadi value -99999999999999999999 does not fit int16 (use load or loadu)"},
    // ---- lines ----
    {"NotAStatement", "5\n", "t.lzs:1:1: expected an instruction, a label, func or module, got integer '5'"},
    {"LabelOutsideFunction", "start:\n", "t.lzs:1:1: label 'start' outside a function (labels belong to the func above them)"},
    {"DottedLabel", "func f/0\na.b:\n  ret x0\n", "t.lzs:2:1: label name 'a.b' must be a plain name (letters, digits, _)"},
    {"RegisterLikeLabel", "func f/0\nx1:\n  ret x0\n", "t.lzs:2:1: label name 'x1' looks like a register"},
    {"DuplicateLabel", "func f/0\na:\n  loadi x0, 1\na:\n  ret x0\n", "t.lzs:4:1: label 'a' is already defined at line 2"},
    {"JunkAfterLabel", "func f/0\na: 5\n  ret x0\n",
     "t.lzs:2:4: expected an instruction, a label, func or module, got integer '5'"},
    {"PoolAfterFunc", "func f/0\n  ret x0\n.pool\n", "t.lzs:3:1: .pool must come before the first func"},
    {"PoolTwice", ".pool\n.pool\n", "t.lzs:2:1: .pool appears twice"},
    {"LitWithoutPool", ".lit 0 :a\n", "t.lzs:1:1: .lit belongs in the .pool block (after .pool, before the first func)"},
    {"LitOutOfOrder", ".pool\n.lit 0 :a\n.lit 2 :b\n", "t.lzs:3:6: expected .lit 1 (pool entries are numbered from 0, in order)"},
    {"UnknownDirective", ".data\n", "t.lzs:1:1: unknown directive .data (expected .pool, .lit, .file, .line or .nolines)"},
    // ---- line table directives ----
    {"FileAfterFunc", in_func("  ret x0") + ".file \"a.lzs\"\n", "t.lzs:4:1: .file must come before the first func"},
    {"FileTwice", ".file \"a\"\n.file \"b\"\n", "t.lzs:2:1: .file appears twice"},
    {"FileAfterNolines", ".nolines\n.file \"a\"\n", "t.lzs:2:1: .nolines and .file cannot both appear (.nolines: no line table)"},
    {"FileNotAString", ".file a.lzs\n", "t.lzs:1:7: expected the file name as a string (.file \"prog.lzs\"), got name 'a.lzs'"},
    {"FileNameEmpty", ".file \"\"\n", "t.lzs:1:7: the file name must not be empty"},
    {"FileNameTooLong", ".file \"" + std::string(256, 'a') + "\"\n", "t.lzs:1:7: the file name is longer than 255 bytes"},
    {"FileNameNotUtf8", ".file \"\\xFF\"\n", "t.lzs:1:7: the file name is not valid UTF-8"},
    {"FileNameWithNul", ".file \"a\\x00\"\n", "t.lzs:1:7: the file name contains a NUL byte"},
    {"JunkAfterFile", ".file \"a\" 5\n", "t.lzs:1:11: unexpected integer '5' after the file name"},
    {"NolinesAfterFunc", in_func("  ret x0") + ".nolines\n", "t.lzs:4:1: .nolines must come before the first func"},
    {"NolinesTwice", ".nolines\n.nolines\n", "t.lzs:2:1: .nolines appears twice"},
    {"NolinesAfterFile", ".file \"a\"\n.nolines\n", "t.lzs:2:1: .nolines and .file cannot both appear (.nolines: no line table)"},
    {"NolinesAfterLine", ".line 3\n.nolines\n", "t.lzs:2:1: .nolines and .line cannot both appear (.nolines: no line table)"},
    {"LineAfterNolines", ".nolines\nfunc f/0\n.line 3\n  ret x0\n",
     "t.lzs:3:1: .nolines and .line cannot both appear (.nolines: no line table)"},
    {"LineAfterLine", "func f/0\n.line 3\n.line 4\n  ret x0\n", "t.lzs:3:1: .line follows .line 3 with no instruction between them"},
    {"LineZero", "func f/0\n.line 0\n  ret x0\n", "t.lzs:2:7: expected a line number 1..2147483647 after .line, got integer '0'"},
    {"LineTooLarge", "func f/0\n.line 2147483648\n  ret x0\n",
     "t.lzs:2:7: expected a line number 1..2147483647 after .line, got integer '2147483648'"},
    {"LineNotANumber", "func f/0\n.line x\n  ret x0\n", "t.lzs:2:7: expected a line number 1..2147483647 after .line, got name 'x'"},
    {"JunkAfterLine", "func f/0\n.line 3 4\n  ret x0\n", "t.lzs:2:9: unexpected integer '4' after the line number"},
    {"LineAtTheEnd", in_func("  ret x0") + ".line 9\n", "t.lzs:4:1: .line 9 has no instruction after it"},
    {"JunkAfterLit", ".pool\n.lit 0 :a :b\n", "t.lzs:2:11: unexpected atom ':b' after the literal"},
    {"ModuleTwice", "module a\nmodule b\n", "t.lzs:2:1: module appears twice"},
    {"ModuleAfterFunc", "func f/0\n  ret x0\nmodule a\n", "t.lzs:3:1: module must come before .pool and the first func"},
    {"EmptyModuleName", "module :\"\"\n", "t.lzs:1:8: module name must not be empty"},
    {"InvalidModuleName", "module :\"\\xFF\"\n", "t.lzs:1:8: module name is not valid UTF-8"},
    {"BadModuleName", "module 5\n", "t.lzs:1:8: expected a module name (demo, my.app or :\"any text\"), got integer '5'"},
    {"JunkAfterModule", "module a b\n", "t.lzs:1:10: unexpected name 'b' after the module name"},
    {"DotInFunctionName", "func a.b/0\n  ret x0\n", "t.lzs:1:6: function names cannot contain '.' (func a.b/0)"},
    {"DotInQuotedFunctionName", "func :\"a.b\"/0\n  ret x0\n", "t.lzs:1:6: function names cannot contain '.'"},
    {"InvalidFunctionName", "func :\"\\xC0\"/0\n  ret x0\n", "t.lzs:1:6: function name is not valid UTF-8"},
    {"EmptyFunctionName", "func :\"\"/0\n  ret x0\n", "t.lzs:1:6: function name is empty"},
    {"MissingSlash", "func :f 0\n  ret x0\n", "t.lzs:1:9: expected '/' and the arity after the function name"},
    {"MissingArity", "func :f/x\n  ret x0\n", "t.lzs:1:9: expected the arity after '/', got name 'x'"},
    {"MissingFunctionHead", "func f\n  ret x0\n", "t.lzs:1:6: expected name/arity after func, got name 'f'"},
    {"ArityTooLarge", "func f/33\n  ret x0\n", "t.lzs:1:6: arity 33 is out of range (0..32)"},
    {"UnknownFuncOption", "func f/0 stack=1\n  ret x0\n", "t.lzs:1:10: unknown func option 'stack' (frame=N, upvals=N)"},
    {"FuncOptionTwice", "func f/0 frame=1 frame=2\n  ret x0\n", "t.lzs:1:18: frame= appears twice"},
    {"FuncOptionWithoutEquals", "func f/0 frame 1\n  ret x0\n", "t.lzs:1:16: expected '=' after frame"},
    {"FrameTooLarge", "func f/0 frame=33\n  ret x0\n", "t.lzs:1:16: frame must be a number 0..32"},
    {"JunkAfterFuncHeader", "func f/0 5\n  ret x0\n", "t.lzs:1:10: unexpected integer '5' after the func header"},
    // ---- operands ----
    {"NotARegister", in_func("  add x0, foo, x1"),
     "t.lzs:2:11: expected a register (x0..x31, y0..y31, u0..u31) or a constant, got name 'foo'"},
    {"NotARegisterInR6Field", in_func("  eq x0, foo, a\na:"),
     "t.lzs:2:10: expected a register (x0..x31, y0..y31) or a constant, got name 'foo'"},
    {"NotARegisterInDestination", in_func("  add foo, x0, x1"),
     "t.lzs:2:7: expected a register (x0..x31, y0..y31), got name 'foo'"},
    // ---- constants in place of registers (bif-calls) ----
    {"ConstantAsDestination", in_func("  add 1, x0, x1"),
     "t.lzs:2:7: add writes this operand: write the register that receives the result (x0..x31, y0..y31), not "
     "integer '1'"},
    {"ConstantAsMovDestination", in_func("  mov :a, x0"),
     "t.lzs:2:7: mov writes this operand: write the register that receives the result (x0..x31, y0..y31), not "
     "atom ':a'"},
    {"ConstantAsCallDestination", in_func("  call 0, f/0"),
     "t.lzs:2:8: call writes this operand: write the register that receives the result (x0..x31, y0..y31), not "
     "integer '0'"},
    {"ConstantAsCatchSlot", in_func("  try 0, h\nh:"), "t.lzs:2:7: try takes a y slot here (the catch's slot), not a constant"},
    {"ConstantAsLoadDestination", in_func("  load 1, 2"),
     "t.lzs:2:8: loadc writes this operand: write the register that receives the result (x0..x31, y0..y31), not "
     "integer '1'"},
    {"NoFreeRegisterForAConstant", "func f/2\n  add x0, x0, 1\n  apply x0, x1\n  ret x0\n",
     "t.lzs:2:15: no X register is free for this constant (each is read after this instruction or by it): load the "
     "constant into a register first (load xN, CONST)"},
    {"BadConstant", in_func("  add x0, x0, :\"\\xFF\""), "t.lzs:2:15: atom is not valid UTF-8"},
    // ---- built-in calls that keep registers (bif-calls) ----
    {"BifOfAFunctionThatIsNotListed", in_func("  bif x0, io.print/1, [x0]"),
     "t.lzs:2:11: io.print/1 is not a built-in that keeps registers (docs/builtins.md lists them); call it with call "
     "(saving live values in y slots)"},
    {"BifOfALocalFunction", in_func("  bif x0, f/0, []"),
     "t.lzs:2:11: f/0 is not a built-in that keeps registers (docs/builtins.md lists them); call it with call (saving "
     "live values in y slots)"},
    {"BifOfAnAllocatingBuiltin", in_func("  bif x0, list.reverse/1, [x0]"),
     "t.lzs:2:11: list.reverse/1 may allocate: write gcbif (the assembler computes its regmask)"},
    {"BifArgumentCount", in_func("  bif x0, map.get/3, [x0, x0]"),
     "t.lzs:2:11: bif map.get/3 takes 3 arguments but the list has 2"},
    {"BifWithoutArguments", in_func("  bif x0, math.pi/0"),
     "t.lzs:2:20: expected ',' and more operands, got end of line; usage: bif dst, name/arity, [arguments, ...]"},
    {"BifArgumentsWithoutBrackets", in_func("  bif x0, math.sqrt/1, x0"),
     "t.lzs:2:24: expected [arguments]; usage: bif dst, name/arity, [arguments, ...]"},
    {"UpvalueAsBifArgument", in_func("  gcbif x0, math.sqrt/1, [u0]"),
     "t.lzs:2:27: gcbif takes x or y registers here, not upvalue u0"},
    {"LiveOnBif", in_func("  bif x0, math.pi/0, [] live=1"),
     "t.lzs:2:25: live= only applies to allocating instructions (put, map, list, tuple, cons, fn, gcbif), not bif"},
    {"MalformedRegister", in_func("  add x0, x01, x1"), "t.lzs:2:11: malformed register name x01"},
    {"RegisterOutOfRange", in_func("  add x0, y32, x1"), "t.lzs:2:11: register y32 is out of range (y0..y31)"},
    {"UpvalueInR6Field", in_func("  put x0, x1, u1, x2"), "t.lzs:2:15: put takes x or y registers here, not upvalue u1"},
    {"UpvalueInConstructor", in_func("  tuple x0, {u0}"), "t.lzs:2:14: tuple takes x or y registers here, not upvalue u0"},
    {"WriteToUpvalue", in_func("  add u0, x1, x2"), "t.lzs:2:7: upvalue u0 is read-only (add writes this operand)"},
    {"MovIntoUpvalue", in_func("  mov x0, x1, u2"), "t.lzs:2:15: upvalue u2 is read-only (mov writes this operand)"},
    {"TryInAnXRegister", in_func("  try x0, h\nh:"), "t.lzs:2:7: try takes a y slot here (the catch's slot), not x0"},
    {"TryendOfAnUpvalue", in_func("  tryend u0"), "t.lzs:2:10: tryend takes a y slot here (the catch's slot), not u0"},
    {"TryWithoutHandler", in_func("  try y0"), "t.lzs:2:9: expected ',' and more operands, got end of line; usage: try y, label"},
    {"MissingOperand", in_func("  add x0, x1"),
     "t.lzs:2:13: expected ',' and more operands, got end of line; usage: add dst, src, src"},
    {"TooManyOperands", in_func("  not x0, x1, x2"), "t.lzs:2:13: too many operands; usage: not dst, src"},
    {"JunkAfterOperands", in_func("  ret x0 x1"), "t.lzs:2:10: unexpected name 'x1' after the operands; usage: ret src"},
    {"TupleWithBrackets", in_func("  tuple x0, [x1]"), "t.lzs:2:13: expected '{'; usage: tuple dst, {a, b, ...}"},
    {"ListWithBraces", in_func("  list x0, {x1}"), "t.lzs:2:12: expected '['; usage: list dst, [a, b, ...]"},
    {"UnclosedTuple", in_func("  tuple x0, {x1 x2}"), "t.lzs:2:17: expected ',' or '}', got name 'x2'"},
    {"MapWithoutPercent", in_func("  map x0, {x1 => x2}"), "t.lzs:2:11: expected %{k => v, ...}; usage: map dst, %{k => v, ...}"},
    {"MapWithoutArrow", in_func("  map x0, %{x1, x2}"), "t.lzs:2:15: expected '=>' after the key register"},
    {"UnclosedMap", in_func("  map x0, %{x1 => x2 x3}"), "t.lzs:2:22: expected ',' or '}', got name 'x3'"},
    {"NotAFunction", in_func("  call x0, 5"),
     "t.lzs:2:12: expected a function (name/arity or mod.name/arity), got integer '5'; usage: call dst, name/arity"},
    {"InvalidFunctionAtom", in_func("  call x0, :\"\\xFF/1\""), "t.lzs:2:12: function reference is not valid UTF-8"},
    {"ImmediateNotInteger", in_func("  loadi x0, :a"), "t.lzs:2:13: expected an integer, got atom ':a'; usage: loadi dst, int16"},
    {"LoadiOutOfRange", in_func("  loadi x0, 70000"), "t.lzs:2:13: loadi value 70000 does not fit int16 (use load or loadu)"},
    {"LoaduNegative", in_func("  loadu x0, -1"), "t.lzs:2:13: loadu value -1 does not fit uint16 (use load or loadi)"},
    {"UnknownLoadType", in_func("  load32 x0, double, 1"),
     "t.lzs:2:14: load32 type must be int, uint or float, got name 'double'"},
    {"UnknownLoad64Type", in_func("  load64 x0, uint, 1"), "t.lzs:2:14: load64 type must be float or int, got name 'uint'"},
    {"Load32IntGivenFloat", in_func("  load32 x0, int, 1.5"), "t.lzs:2:19: load32 int needs an integer, got float '1.5'"},
    {"Load32IntOutOfRange", in_func("  load32 x0, int, 3000000000"),
     "t.lzs:2:19: load32 int value 3000000000 does not fit int32 (use load)"},
    {"Load32UintNegative", in_func("  load32 x0, uint, -1"), "t.lzs:2:20: load32 uint value -1 does not fit uint32 (use load)"},
    {"Load32FloatNotExact", in_func("  load32 x0, float, 0.1"),
     "t.lzs:2:21: 0.1 is not exact in float32 (use load64 float or load)"},
    {"LoadFloatFromHugeInteger", in_func("  load64 x0, float, 9007199254740993"),
     "t.lzs:2:21: 9007199254740993 is not exact as a float (write it as a float literal)"},
    {"Load64IntOutOfRange", in_func("  load64 x0, int, 9223372036854775808"),
     "t.lzs:2:19: load64 int value 9223372036854775808 does not fit int64 (use load)"},
    {"NotALabel", in_func("  jmp 5"), "t.lzs:2:7: expected a label, got integer '5'; usage: jmp label"},
    {"LiveOnNonAllocating", in_func("  add x0, x1, x2 live=0x1"),
     "t.lzs:2:18: live= only applies to allocating instructions (put, map, list, tuple, cons, fn, gcbif), not add"},
    {"LiveNotAMask", in_func("  tuple x0, {} live=:a"), "t.lzs:2:21: live= needs a 32-bit mask (live=0x5 keeps x0 and x2)"},
    {"LiveTooWide", in_func("  tuple x0, {} live=0x100000000"),
     "t.lzs:2:21: live= needs a 32-bit mask (live=0x5 keeps x0 and x2)"},
    {"InstructionOutsideFunction", "  ret x0\n", "t.lzs:1:3: instruction outside a function (start one with: func name/arity)"},
    {"LoadWithoutComma", in_func("  load x0 5"), "t.lzs:2:11: expected ',' and a literal; usage: load dst, LITERAL"},
    {"UnknownInstruction", in_func("  jump x0"), "t.lzs:2:3: unknown instruction 'jump'"},
    {"PushWritten", in_func("  push x0, x1, x2, x3"),
     "t.lzs:2:3: push words are emitted by tuple, list, map and fn; push cannot be written directly"},
    {"CaptureListWithoutBrackets", "func f/0\n  fn x0, g/0, x1\n  ret x0\nfunc g/0\n  ret x0\n",
     "t.lzs:2:15: expected [captured registers]; usage: fn dst, name/arity[, [captured, ...]]"},
    {"LiteralError", in_func("  loadc x0, {1, 2"), "t.lzs:2:18: expected ',' or '}', got end of line"},
    // ---- whole-module checks ----
    {"PoolRefWithoutPool", in_func("  loadc x0, #0"), "t.lzs:2:13: #0 needs a .pool block declaring the literal pool"},
    {"PoolRefOutOfRange", ".pool\n.lit 0 :t\n" + in_func("  loadc x0, #1"), "t.lzs:4:13: #1 is not in the declared pool (1 entries)"},
    {"PoolModuleNameNotAtom", "module #0\n.pool\n.lit 0 5\n", "t.lzs:1:8: #0 is not an atom, so it cannot be the module name"},
    {"PoolModuleNameEmpty", "module #0\n.pool\n.lit 0 :\"\"\n", "t.lzs:1:8: module name must not be empty"},
    {"PoolFunctionNameNotAtom", ".pool\n.lit 0 :t\n.lit 1 1\nfunc #1/0\n  ret x0\n",
     "t.lzs:4:6: #1 is not an atom, so it cannot be a function name"},
    {"PoolFunctionNameWithDot", ".pool\n.lit 0 :\"a.b\"\nfunc #0/0\n  ret x0\n",
     "t.lzs:3:6: function name 'a.b' must be non-empty and cannot contain '.'"},
    {"PoolCallTargetNotAtom", ".pool\n.lit 0 1\n" + in_func("  call x0, #0"),
     "t.lzs:4:12: #0 is not an atom, so it cannot be a function reference"},
    {"DuplicateFunction", "func f/1\n  ret x0\nfunc f/1\n  ret x0\n", "t.lzs:3:6: function f/1 is already defined at line 1"},
    {"YOutsideFrame", "func f/0 frame=2\n  ret y2\n", "t.lzs:2:7: y2 is outside the function's frame (frame=2)"},
    {"UOutsideUpvals", "func f/0 upvals=1\n  ret u1\n", "t.lzs:2:7: u1 is outside the function's upvalues (upvals=1)"},
    {"EmptyFunction", "func f/0\nfunc g/0\n  ret x0\n", "t.lzs:1:1: function f/0 has no instructions"},
    {"LabelAtEnd", "func f/0\n  ret x0\nend:\n", "t.lzs:3:1: label 'end' has no instruction after it"},
    // pattern matching (match-insns)
    {"UnknownType", in_func("  is x0, string, l\nl:"),
     "t.lzs:2:10: unknown type 'string' (integer, float, number, atom, boolean, nil, cons, list, tuple, map, binary, function, pid, reference, or tuple/N, function/N)"},
    {"ArityOfAnotherType", in_func("  is x0, map/2, l\nl:"), "t.lzs:2:10: only tuple/N and function/N test an arity, not map/2"},
    {"FunctionArityTooLarge", in_func("  is x0, not function/33, l\nl:"), "t.lzs:2:14: function arity 33 exceeds 32"},
    {"IsArityWritten", in_func("  is_arity x0, tuple, l\nl:"),
     "t.lzs:2:3: is_arity is written as is: is src, [not] tuple/N, label (or function/N)"},
    {"TypeTestOfAnUpvalue", in_func("  is u0, atom, l\nl:"), "t.lzs:2:6: is takes x or y registers here, not upvalue u0"},
    {"SelectValueOfAnotherKind", in_func("  select x0, l, [1.5 => l]\nl:"),
     "t.lzs:2:18: select values are atoms or integers of at most 32 bits (match others with eqx)"},
    {"SelectRepeatedValue", in_func("  select x0, l, [:a => l, :b => l, :a => l]\nl:"), "t.lzs:2:36: select value repeats pair 0"},
    {"SelectArityRepeated", in_func("  select_arity x0, l, [2 => l, 2 => l]\nl:"),
     "t.lzs:2:37: select_arity arity 2 repeats pair 0"},
    {"SelectArityOutOfRange", in_func("  select_arity x0, l, [70000 => l]\nl:"),
     "t.lzs:2:24: expected a tuple arity 0..65535, got integer '70000'"},
    {"SelectUnknownLabel", in_func("  select x0, l, [:a => nowhere]\nl:"),
     "t.lzs:2:24: unknown label 'nowhere' (labels are local to their function)"},
    {"SelectWithoutTable", in_func("  select x0, l\nl:"),
     "t.lzs:2:15: expected ',' and more operands, got end of line; usage: select src, default, [VALUE => label, ...]"},
    {"FallsThroughEnd", "func f/0\n  loadi x0, 1\n",
     "t.lzs:2:3: function f/0 must end with ret, tcall, jmp, raise or a select (execution cannot run past its end)"},
    {"ReturnInsideTry", "func f/0 frame=1\n  try y0, h\n  ret x0\nh:\n  ret x0\n",
     "t.lzs:3:3: return while y0 holds an active catch (end it with tryend first)"},
    {"ActiveCatchSlotRead", "func f/0 frame=1\n  try y0, h\n  mov x0, y0\n  tryend y0\nh:\n  ret x0\n",
     "t.lzs:3:3: y0 holds an active catch (only tryend y0 may use it)"},
    {"TryOfAnActiveSlot", "func f/0 frame=1\n  try y0, h\n  try y0, h\nh:\n  ret x0\n",
     "t.lzs:3:3: y0 already holds an active catch"},
    {"TryendWithoutTry", "func f/0 frame=1\n  tryend y0\n  ret x0\n", "t.lzs:2:3: y0 holds no active catch"},
    {"TryendOfTheOuterCatch", "func f/0 frame=2\n  try y0, h\n  try y1, h1\n  tryend y0\nh1:\n  tryend y0\nh:\n  ret x0\n",
     "t.lzs:4:3: y0 is not the innermost active catch (y1 is)"},
    {"TailCallInsideTry", "func f/0 frame=1\n  try y0, h\n  tcall f/0\nh:\n  ret x0\n",
     "t.lzs:3:3: tail call while y0 holds an active catch (end it with tryend first)"},
    {"CatchOnOneBranchOnly", "func f/0 frame=1\n  eq x0, x1, skip\n  try y0, h\nskip:\n  tryend y0\nh:\n  ret x0\n",
     "t.lzs:5:3: reached with active catches y0 (handler line 7) from line 3 but none from line 2"},
    {"LiteralBetweenInt32AndBigint", in_func("  loadc x0, 3000000000"),
     "t.lzs:2:13: integer 3000000000 has no literal encoding (int32, or bigint outside 48 bits); use load"},
    {"NotAFunctionReference", in_func("  call x0, :foo"),
     "t.lzs:2:12: 'foo' is not a function reference (name/arity or mod.name/arity)"},
    {"UndefinedLocalFunction", in_func("  call x0, g/0"), "t.lzs:2:12: call of undefined function g/0 (no such func in this module)"},
    {"UndefinedOwnModuleFunction", "module t\n" + in_func("  tcall t.g/2"),
     "t.lzs:3:9: tcall of undefined function g/2 (no such func in this module)"},
    {"FnOfOtherModule", in_func("  fn x0, io.print/1"), "t.lzs:2:10: fn needs a function of this module, not io.print/1"},
    {"FnCaptureCount", "func f/0\n  fn x0, g/0, [x1]\n  ret x0\nfunc g/0\n  ret x0\n",
     "t.lzs:2:10: fn g/0 captures 1 values but g/0 has upvals=0 (write fn dst, g/0, [r1, r2, ...])"},
    {"CallOfClosureBody", "func f/0\n  call x0, g/0\n  ret x0\nfunc g/0\n  ret u0\n",
     "t.lzs:2:12: g/0 has upvals=1: it runs only as a closure (fn + apply), not through call"},
    {"UnknownLabel", in_func("  jmp nowhere"), "t.lzs:2:7: unknown label 'nowhere' (labels are local to their function)"},
    {"LabelOfAnotherFunction", "func f/0\nhere:\n  ret x0\nfunc g/0\n  jmp here\n",
     "t.lzs:5:7: unknown label 'here' (labels are local to their function)"},
    // binaries (issue 15)
    {"BinaryReadValueIsThePosition", in_func("  bint x1, x0, x1, x2"),
     "t.lzs:2:16: bint writes the value and the position: x1 cannot be both"},
    {"BinaryReadPositionUpvalue", in_func("  butf8 x1, x0, u1"), "t.lzs:2:17: butf8 takes x or y registers here, not upvalue u1"},
    {"BinaryReadTooFewOperands", in_func("  bsint x1, x0, x2"), "t.lzs:2:19: expected ',' and more operands, got end of line; usage: bsint dst, x|y, pos, x|y"},
};

class AssemblerError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(AssemblerError, Message) {
  const ErrorCase& c = GetParam();
  EXPECT_EQ(test::asm_error(c.source), c.error) << "--- source\n" << c.source;
}

INSTANTIATE_TEST_SUITE_P(All, AssemblerError, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) { return std::string(info.param.name); });

// Cases too large for the table (every process of this test binary builds
// the whole table, and gtest copies each case several times: one 16 MiB
// source there cost every test of the binary 0.6 s at start-up).

TEST(AssemblerErrorLarge, IntegerBeyondTheLimit) {
  EXPECT_EQ(test::asm_error(in_func("  load x0, 0x1" + std::string(size_t{1} << 24, '0'))),
            "t.lzs:2:12: integer of 16777219 characters is beyond the integer limit (2^26 bits)");
}

TEST(AssemblerErrorLarge, PoolFull) {
  std::string src = ".pool\n";
  for (int k = 0; k < 65535; ++k) src += ".lit " + std::to_string(k) + " " + std::to_string(k) + "\n";
  src += ".lit 65535 :x\n";
  EXPECT_EQ(test::asm_error(src), "t.lzs:65537:6: the pool holds at most 65535 literals");
}

TEST(AssemblerErrorLarge, TooManyLiterals) {
  std::string src = "func f/0\n";
  for (int k = 0; k < 65535; ++k) src += "  loadc x0, " + std::to_string(k) + "\n";
  src += "  ret x0\n";
  // :t and :f take two entries, so the 65534th integer literal is one too many.
  EXPECT_EQ(test::asm_error(src), "t.lzs:65535:13: the module needs more than 65535 literals");
}

TEST(AssemblerErrorLarge, ConstructorTooLarge) {
  std::string regs;
  for (int k = 0; k < 65536; ++k) regs += k ? ", x1" : "x1";
  EXPECT_EQ(test::asm_error(in_func("  tuple x0, {" + regs + "}")),
            "t.lzs:2:13: tuple of 65536 elements exceeds the size field (65535)");
}

TEST(AssemblerErrorLarge, TryHandlerTooFar) {
  // try's handler offset has 16 bits: try is never relaxed (it is not a branch).
  std::string src = "func f/0 frame=1\n  try y0, far\n  tryend y0\n";
  for (int k = 0; k < 32768; ++k) src += "  loadi x0, 1\n";
  src += "far:\n  ret x0\n";
  EXPECT_EQ(test::asm_error(src), "t.lzs:2:11: try handler 'far' is 32769 words away; try reaches -32768..32767");
}

TEST(AssemblerErrorLarge, LineTableFileFromTheFileName) {
  EXPECT_EQ(test::asm_error("module m\nfunc f/0\n  ret y0\n", "dir/"),
            "dir/:1:1: cannot name the line table's file after 'dir/'; add a .file \"NAME\" line");
  EXPECT_EQ(test::asm_ok("module m\n.file \"m.ex\"\nfunc f/0\n  ret y0\n", "dir/").lines->file, "m.ex");
  EXPECT_EQ(test::asm_ok("module m\n.nolines\nfunc f/0\n  ret y0\n", "dir/").lines, std::nullopt);
}

TEST(AssemblerErrorLarge, ModuleNameFromFile) {
  EXPECT_EQ(test::asm_error("func f/0\n  ret y0\n", "dir/\xFF.lzs"),
            "dir/\xFF.lzs:1:1: cannot name the module after the file 'dir/\xFF.lzs'; add a `module NAME` line");
  EXPECT_EQ(test::asm_ok("func f/0\n  ret y0\n", "some/dir/hello.world.lzs").name(), "hello.world");
}

}  // namespace
}  // namespace lzr
